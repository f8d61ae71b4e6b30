/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Five allocations through libevmm, each reported as "ok" or "FAIL" on
 * one line, for tests/fault-env.sh to drive with EVMM_FAULT, EVMM_STATS
 * and EVMM_REPORT.  Handles every failure: exits 0 whatever fails.
 */
#include <stdio.h>

#include <event2/evmm.h>

int
main(void)
{
	void *blocks[5];
	int i;

	for (i = 0; i < 5; i++) {
		blocks[i] = event_mm_malloc_(16);
		printf("%s%s", i ? " " : "", blocks[i] ? "ok" : "FAIL");
	}
	printf("\n");
	for (i = 0; i < 5; i++)
		event_mm_free_(blocks[i]);
	return 0;
}
