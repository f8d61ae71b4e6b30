/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * A library whose constructor never returns, for crash_victim's
 * loader-lock mode (tests/scripts/crash-site.sh): the thread that loads
 * it with dlopen() holds the dynamic loader's lock for ever, as one
 * stuck in a library's initialisation does.  The constructor first
 * writes one byte to the descriptor named by SLOW_CONSTRUCTOR_FD, so
 * that the victim knows when the lock is held.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

static void __attribute__((constructor))
never_return(void)
{
	const char *fd = getenv("SLOW_CONSTRUCTOR_FD");

	if (fd != NULL && write(atoi(fd), "!", 1) != 1)
		abort();
	for (;;)
		(void)pause();
}
