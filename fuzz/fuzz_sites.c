/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * libFuzzer target: the EVMM_SITES value, read by evmm_parse_count_() in
 * lib/parse.c and handed to evmm_sites_limit_() in lib/sites.c, both
 * linked alone.  The input (up to its first NUL byte) is the value.
 * Oracles: reference.c's ref_count(), which checks the digits and their
 * length before converting, where lib/parse.c converts as it goes; and
 * sites are listed exactly when the count is above 0.
 * Built and run by fuzz/run.sh.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse-internal.h"
#include "sites-internal.h"
#include "reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t got = 12345, want = 0;
	int rc, ok;
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ref_input = s;

	rc = evmm_parse_count_(s, &got);
	ok = ref_count(s, &want);
	EXPECT(rc == (ok ? 0 : -1), "EVMM_SITES: returned %d, the reference "
	    "%s it", rc, ok ? "accepts" : "refuses");
	if (ok) {
		EXPECT(got == want, "EVMM_SITES: %" PRIu64 ", the reference %"
		    PRIu64, got, want);
		evmm_sites_limit_(got);
		EXPECT(evmm_sites_on_() == (want > 0), "EVMM_SITES=%" PRIu64
		    ": sites %s", want, evmm_sites_on_() ? "on" : "off");
	} else {
		EXPECT(got == 12345, "EVMM_SITES: a refused value changed "
		    "the count");
	}
	evmm_sites_limit_(0);
	free(s);
	return 0;
}
