/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * libFuzzer target: evmm_fault_set() through the library, with the
 * input (up to its first NUL byte) as the spec.  Oracles, from
 * evmm_fault_set(3) and reference.c:
 *  - refused exactly when the reference refuses; then -1 with EINVAL,
 *    and nothing changes: the spec in force, its count of allocations
 *    and the failure evmm_fault_first() reports;
 *  - accepted: 0 with errno untouched, no failure reported yet, and the
 *    next allocations fail exactly as the reference says (random: P = 1
 *    fails all, and the same spec fails the same ones again); the first
 *    that failed is what evmm_fault_first() reports.
 * Built and run by fuzz/run.sh.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/evmm_debug.h>

#include "reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ALLOCATIONS 8

/* Makes n allocations; returns which failed, bit 0 for the first. */
static unsigned
failures_in(int n)
{
	unsigned mask = 0;
	int i;

	for (i = 0; i < n; i++) {
		void *p;

		errno = 0;
		p = event_mm_malloc_(16);
		if (p == NULL) {
			EXPECT(errno == ENOMEM, "errno %d after a failure", errno);
			mask |= 1u << i;
		}
		event_mm_free_(p);
	}
	return mask;
}

static void
refused(const char *s)
{
	struct evmm_fault_info info;
	int rc;

	info.size = sizeof(info);
	/* A known state with a failure reported: window=2-3 after one
	 * allocation fails allocation 2 now and 3 next. */
	EXPECT(evmm_fault_set("window=2-3") == 0, "window=2-3 refused");
	EXPECT(failures_in(2) == 0x2, "window=2-3 does not fail 2");
	errno = 0;
	rc = evmm_fault_set(s);
	EXPECT(rc == -1 && errno == EINVAL, "returned %d, errno %d", rc,
	    errno);
	EXPECT(evmm_fault_first(&info) == 1 && info.call == 2,
	    "the failure reported before was forgotten");
	EXPECT(failures_in(2) == 0x1, "the spec or its count changed");
}

static void
accepted(const char *s, const struct ref_spec *r)
{
	struct evmm_fault_info info;
	unsigned expected = 0, got, lowest;
	int rc, i;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.entry = "none";

	EXPECT(evmm_fault_set("nth=1") == 0 && failures_in(1) == 0x1,
	    "nth=1 does not fail 1");
	errno = EDOM;
	rc = evmm_fault_set(s);
	EXPECT(rc == 0 && errno == EDOM, "returned %d, errno %d", rc, errno);
	EXPECT(evmm_fault_first(NULL) == 0, "an old failure still reported");
	got = failures_in(ALLOCATIONS);
	if (r->mode == REF_RANDOM && r->ppb != 1000000000u) {
		EXPECT(evmm_fault_set(s) == 0, "refused the second time");
		expected = failures_in(ALLOCATIONS);
	} else {
		for (i = 0; i < ALLOCATIONS; i++)
			if (ref_fails(r, (uint64_t)i + 1))
				expected |= 1u << i;
	}
	EXPECT(got == expected, "failed 0x%x, expected 0x%x", got, expected);
	if (got == 0) {
		EXPECT(evmm_fault_first(&info) == 0, "a failure reported");
		return;
	}
	for (lowest = 0; !(got & (1u << lowest)); lowest++)
		continue;
	EXPECT(evmm_fault_first(&info) == 1 && info.call == lowest + 1 &&
	    strcmp(info.entry, "malloc") == 0,
	    "first failure reported as %llu (%s), not %u (malloc)",
	    info.call, info.entry, lowest + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct ref_spec r;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ref_input = s;
	if (ref_parse_fault(s, &r))
		accepted(s, &r);
	else
		refused(s);
	EXPECT(evmm_fault_set("off") == 0, "off refused");
	free(s);
	return 0;
}
