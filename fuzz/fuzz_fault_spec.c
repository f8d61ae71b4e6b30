/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * libFuzzer target: the EVMM_FAULT grammar, evmm_parse_fault_() and
 * evmm_fault_hits_() in lib/parse.c, linked alone.  The input is the
 * variable's value (up to its first NUL byte).  Oracles:
 *  - it is accepted exactly when reference.c accepts it, with the same
 *    fields; a refusal says why and leaves the output untouched;
 *  - an accepted spec printed in canonical form parses to the same spec;
 *  - nth, every and window fail exactly the allocations the reference
 *    says, at the edges (1, A - 1, A, A + 1, B, B + 1, 2^64 - 1);
 *    random=1 fails every one.
 * Built and run by fuzz/run.sh.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse-internal.h"
#include "reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const struct evmm_fault_spec *f, const struct ref_spec *r)
{
	static const enum ref_mode modes[] = {
		[EVMM_FAULT_OFF] = REF_OFF, [EVMM_FAULT_NTH] = REF_NTH,
		[EVMM_FAULT_EVERY] = REF_EVERY, [EVMM_FAULT_WINDOW] = REF_WINDOW,
		[EVMM_FAULT_RANDOM] = REF_RANDOM,
	};

	return (unsigned)f->mode < sizeof(modes) / sizeof(modes[0]) &&
	    modes[f->mode] == r->mode && f->first == r->first &&
	    f->last == r->last && f->ppb == r->ppb && f->seed == r->seed;
}

/* The spec in the one form the grammar's words give it. */
static void
canonical(const struct evmm_fault_spec *f, char *buf, size_t size)
{
	switch (f->mode) {
	case EVMM_FAULT_OFF:
		snprintf(buf, size, "off");
		break;
	case EVMM_FAULT_NTH:
		snprintf(buf, size, "nth=%" PRIu64, f->first);
		break;
	case EVMM_FAULT_EVERY:
		snprintf(buf, size, "every=%" PRIu64, f->first);
		break;
	case EVMM_FAULT_WINDOW:
		snprintf(buf, size, "window=%" PRIu64 "-%" PRIu64, f->first,
		    f->last);
		break;
	case EVMM_FAULT_RANDOM:
		if (f->ppb == EVMM_PPB)
			snprintf(buf, size, "random=1,seed=%" PRIu64, f->seed);
		else
			snprintf(buf, size, "random=0.%09" PRIu32 ",seed=%"
			    PRIu64, f->ppb, f->seed);
		break;
	default:
		snprintf(buf, size, "(mode %d)", (int)f->mode);
	}
}

static void
check_hits(const struct evmm_fault_spec *f, const struct ref_spec *r)
{
	uint64_t probe[10];
	size_t i;

	probe[0] = 1;
	probe[1] = 2;
	probe[2] = r->first - 1;
	probe[3] = r->first;
	probe[4] = r->first + 1;
	probe[5] = r->last;
	probe[6] = r->last + 1;
	probe[7] = r->first * 2;
	probe[8] = UINT64_MAX - 1;
	probe[9] = UINT64_MAX;
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++) {
		uint64_t n = probe[i];

		if (n == 0)
			continue;	/* allocations count from 1 */
		if (r->mode == REF_RANDOM && r->ppb != 1000000000u)
			continue;	/* only the seed knows */
		EXPECT(evmm_fault_hits_(f, n) == ref_fails(r, n),
		    "allocation %" PRIu64 ": fails %d, reference %d", n,
		    evmm_fault_hits_(f, n), ref_fails(r, n));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), printed[128];
	struct evmm_fault_spec f, g, untouched;
	struct ref_spec r;
	const char *why;
	int ref_ok;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	ref_input = s;

	memset(&untouched, 0xa5, sizeof(untouched));
	f = untouched;
	why = evmm_parse_fault_(s, &f);
	ref_ok = ref_parse_fault(s, &r);
	EXPECT((why == NULL) == ref_ok, "parser %s, reference %s",
	    why == NULL ? "accepts" : why, ref_ok ? "accepts" : "refuses");
	if (why != NULL) {
		EXPECT(*why != '\0', "an empty reason");
		EXPECT(memcmp(&f, &untouched, sizeof(f)) == 0,
		    "a refused spec changed the output");
		free(s);
		return 0;
	}
	EXPECT(same(&f, &r), "mode %d first %" PRIu64 " last %" PRIu64
	    " ppb %" PRIu32 " seed %" PRIu64 "; reference mode %d first %"
	    PRIu64 " last %" PRIu64 " ppb %" PRIu32 " seed %" PRIu64,
	    (int)f.mode, f.first, f.last, f.ppb, f.seed, (int)r.mode, r.first,
	    r.last, r.ppb, r.seed);

	canonical(&f, printed, sizeof(printed));
	why = evmm_parse_fault_(printed, &g);
	EXPECT(why == NULL, "canonical \"%s\" refused: %s", printed, why);
	EXPECT(f.mode == g.mode && f.first == g.first && f.last == g.last &&
	    f.ppb == g.ppb && f.seed == g.seed,
	    "canonical \"%s\" parses differently", printed);

	check_hits(&f, &r);
	free(s);
	return 0;
}
