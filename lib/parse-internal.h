/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The grammars of EVMM_FAULT (and evmm_fault_set()) and EVMM_STATS, and
 * which allocations a fault spec fails (lib/parse.c).  Not installed.
 *
 * Pure functions of their arguments, with no state and no allocation,
 * so that lib/fault.c, lib/env.c and the fuzz targets in fuzz/ share
 * them and fuzz/ can link lib/parse.c alone.
 */
#ifndef EVMM_PARSE_INTERNAL_H_INCLUDED_
#define EVMM_PARSE_INTERNAL_H_INCLUDED_

#include <stdint.h>

enum evmm_fault_mode {
	EVMM_FAULT_OFF,
	EVMM_FAULT_NTH,
	EVMM_FAULT_EVERY,
	EVMM_FAULT_WINDOW,
	EVMM_FAULT_RANDOM
};

/* Probabilities are kept in parts per billion: "0.05" is 50000000. */
#define EVMM_PPB 1000000000u

/* A parsed fault spec; the fields a mode does not use are 0. */
struct evmm_fault_spec {
	enum evmm_fault_mode mode;
	uint64_t first, last;	/* nth: first; every: first; window */
	uint32_t ppb;		/* random: 1 to EVMM_PPB */
	uint64_t seed;		/* random */
};

/* Parses spec ("off", "nth=N", "every=N", "window=A-B", "random=P" or
 * "random=P,seed=S"; NULL and "" are "off") into *out.  Returns NULL;
 * or, leaving *out as it was, a phrase saying what is wrong. */
const char *evmm_parse_fault_(const char *spec, struct evmm_fault_spec *out);

/* Whether allocation n (counting from 1) fails under f. */
int evmm_fault_hits_(const struct evmm_fault_spec *f, uint64_t n);

/* The EVMM_STATS switch: 1 for "1"; 0 for "0", "" or NULL (unset);
 * -1 for anything else, which is not a switch. */
int evmm_parse_switch_(const char *value);

/* A count (EVMM_SITES): a decimal number below 2^64, digits only.
 * 0 with *out set, or -1 with *out untouched. */
int evmm_parse_count_(const char *value, uint64_t *out);

#endif /* EVMM_PARSE_INTERNAL_H_INCLUDED_ */
