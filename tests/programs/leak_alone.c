/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * A program that does not load libevmm and leaks a block every run, as
 * a shell or another tool a command runs may: evmm-torture's leak check
 * must not blame the command for it (tests/scripts/torture.sh).
 */
#include <stdlib.h>

/* volatile, so that the compiler keeps the malloc() and the lost
 * pointer. */
static void *volatile kept;

int
main(void)
{
	kept = malloc(16);
	kept = NULL;
	return 0;
}
