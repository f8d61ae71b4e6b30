/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * libFuzzer target: the EVMM_STATS switch, evmm_parse_switch_() in
 * lib/parse.c, linked alone.  The input (up to its first NUL byte) is
 * the variable's value; unset is tried once.  Oracle: reference.c, which
 * reads the switch by length where lib/parse.c compares strings.
 * Built and run by fuzz/run.sh.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse-internal.h"
#include "reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
expect_same(const char *s)
{
	int got = evmm_parse_switch_(s), want = ref_switch(s);

	if (got != want) {
		if (s != NULL)
			ref_print_input("input", s);
		fprintf(stderr, "oracle failed: EVMM_STATS=%s gives %d, "
		    "the reference %d\n", s != NULL ? "(above)" : "(unset)",
		    got, want);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int unset_tried;
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	if (!unset_tried) {
		expect_same(NULL);
		unset_tried = 1;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	expect_same(s);
	free(s);
	return 0;
}
