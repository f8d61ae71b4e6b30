/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The grammars of the EVMM_FAULT and EVMM_STATS variables and of
 * evmm_fault_set(): lib/parse-internal.h.  They read what a hostile
 * environment gives them, so fuzz/ fuzzes each against a reference
 * written apart from this file.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parse-internal.h"

/* A decimal number below 2^64 with no sign or space: the end, or NULL. */
static const char *
parse_number(const char *s, uint64_t *out)
{
	uint64_t n = 0;

	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return NULL;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*out = n;
	return s;
}

/* "0.05", "1", "1.0", ".5": a fraction in (0, 1], in parts per billion. */
static const char *
parse_probability(const char *s, uint32_t *ppb)
{
	uint64_t whole = 0;
	uint32_t frac = 0, scale = EVMM_PPB;

	if (*s >= '0' && *s <= '9') {
		s = parse_number(s, &whole);
		if (s == NULL || whole > 1)
			return NULL;
	} else if (*s != '.') {
		return NULL;
	}
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return NULL;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (scale == 1)
				return NULL;	/* more than nine digits */
			scale /= 10;
			frac += (uint32_t)(*s - '0') * scale;
		}
	}
	if (whole == 1 && frac != 0)
		return NULL;
	*ppb = (uint32_t)whole * EVMM_PPB + frac;
	return *ppb == 0 ? NULL : s;
}

const char *
evmm_parse_fault_(const char *spec, struct evmm_fault_spec *out)
{
	const char *s;
	struct evmm_fault_spec f;

	memset(&f, 0, sizeof(f));
	if (spec == NULL || *spec == '\0' || strcmp(spec, "off") == 0) {
		*out = f;
		return NULL;
	}
	if (strncmp(spec, "nth=", 4) == 0 || strncmp(spec, "every=", 6) == 0) {
		f.mode = spec[0] == 'n' ? EVMM_FAULT_NTH : EVMM_FAULT_EVERY;
		s = parse_number(strchr(spec, '=') + 1, &f.first);
		if (s == NULL || *s != '\0')
			return "N must be a decimal number";
		if (f.first == 0)
			return "N must be at least 1 (allocations count from 1)";
	} else if (strncmp(spec, "window=", 7) == 0) {
		f.mode = EVMM_FAULT_WINDOW;
		s = parse_number(spec + 7, &f.first);
		if (s == NULL || *s != '-')
			return "the window must be A-B, two decimal numbers";
		s = parse_number(s + 1, &f.last);
		if (s == NULL || *s != '\0')
			return "the window must be A-B, two decimal numbers";
		if (f.first == 0 || f.first > f.last)
			return "the window A-B needs 1 <= A <= B";
	} else if (strncmp(spec, "random=", 7) == 0) {
		f.mode = EVMM_FAULT_RANDOM;
		s = parse_probability(spec + 7, &f.ppb);
		if (s == NULL)
			return "P must be a decimal fraction above 0 and at most 1,"
			    " with at most nine digits after the point";
		if (strncmp(s, ",seed=", 6) == 0) {
			s = parse_number(s + 6, &f.seed);
			if (s == NULL)
				return "the seed must be a decimal number";
		}
		if (*s != '\0')
			return "random=P may be followed only by ,seed=S";
	} else {
		return "unknown mode";
	}
	*out = f;
	return NULL;
}

/* A well-mixed 64-bit function of a 64-bit value (a bijection). */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int
evmm_fault_hits_(const struct evmm_fault_spec *f, uint64_t n)
{
	switch (f->mode) {
	case EVMM_FAULT_NTH:
		return n == f->first;
	case EVMM_FAULT_EVERY:
		return n % f->first == 0;
	case EVMM_FAULT_WINDOW:
		return n >= f->first && n <= f->last;
	case EVMM_FAULT_RANDOM:
		/* A function of the whole seed and the allocation's number
		 * alone, so that a run repeats exactly whatever the threads
		 * do; each seed's pattern starts from its own point of the
		 * sequence. */
		return mix(mix(f->seed) ^ n) % EVMM_PPB < f->ppb;
	case EVMM_FAULT_OFF:
		break;
	}
	return 0;
}

int
evmm_parse_switch_(const char *value)
{
	if (value == NULL || strcmp(value, "0") == 0 || *value == '\0')
		return 0;
	return strcmp(value, "1") == 0 ? 1 : -1;
}

int
evmm_parse_count_(const char *value, uint64_t *out)
{
	uint64_t n;
	const char *end;

	if (value == NULL || (end = parse_number(value, &n)) == NULL ||
	    *end != '\0')
		return -1;
	*out = n;
	return 0;
}
