/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The reference grammars: see reference.h.  Shares no code with
 * lib/parse.c; it measures strings first and converts only what it has
 * checked, where lib/parse.c converts as it goes.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "reference.h"

#define MAX_DIGITS "18446744073709551615"	/* 2^64 - 1 */

static int
all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* s[0..len): one or more digits whose value is below 2^64. */
static int
number(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || !all_digits(s, len))
		return 0;
	while (len > 1 && *s == '0') {	/* leading zeros say nothing */
		s++;
		len--;
	}
	if (len > strlen(MAX_DIGITS))
		return 0;
	if (len == strlen(MAX_DIGITS) && memcmp(s, MAX_DIGITS, len) > 0)
		return 0;
	for (i = 0; i < len; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	*out = v;
	return 1;
}

/* s[0..len): [digits] ["." 1 to 9 digits], not empty, in (0, 1]. */
static int
probability(const char *s, size_t len, uint32_t *ppb)
{
	const char *dot = memchr(s, '.', len);
	size_t whole_len = dot != NULL ? (size_t)(dot - s) : len;
	size_t frac_len = dot != NULL ? len - whole_len - 1 : 0;
	char nine[10] = "000000000";
	uint64_t whole = 0, frac;

	if (dot != NULL && (frac_len < 1 || frac_len > 9))
		return 0;
	if (dot == NULL && whole_len == 0)
		return 0;
	if (whole_len > 0 && !number(s, whole_len, &whole))
		return 0;
	if (dot != NULL && !all_digits(dot + 1, frac_len))
		return 0;
	if (dot != NULL)
		memcpy(nine, dot + 1, frac_len);
	if (!number(nine, 9, &frac))
		return 0;
	if (whole == 1 && frac == 0) {
		*ppb = 1000000000u;
		return 1;
	}
	if (whole != 0 || frac == 0)
		return 0;
	*ppb = (uint32_t)frac;
	return 1;
}

static int
is(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(s, word, len) == 0;
}

int
ref_parse_fault(const char *spec, struct ref_spec *out)
{
	struct ref_spec r = { REF_OFF, 0, 0, 0, 0 };
	const char *eq, *value, *sep;
	size_t name_len, len;

	if (spec == NULL || strcmp(spec, "") == 0 || strcmp(spec, "off") == 0) {
		*out = r;
		return 1;
	}
	eq = strchr(spec, '=');
	if (eq == NULL)
		return 0;
	name_len = (size_t)(eq - spec);
	value = eq + 1;
	len = strlen(value);
	if (is(spec, name_len, "nth") || is(spec, name_len, "every")) {
		r.mode = spec[0] == 'n' ? REF_NTH : REF_EVERY;
		if (!number(value, len, &r.first) || r.first == 0)
			return 0;
	} else if (is(spec, name_len, "window")) {
		r.mode = REF_WINDOW;
		sep = strchr(value, '-');
		if (sep == NULL ||
		    !number(value, (size_t)(sep - value), &r.first) ||
		    !number(sep + 1, strlen(sep + 1), &r.last) ||
		    r.first == 0 || r.first > r.last)
			return 0;
	} else if (is(spec, name_len, "random")) {
		r.mode = REF_RANDOM;
		sep = strchr(value, ',');
		if (!probability(value, sep != NULL ?
		    (size_t)(sep - value) : len, &r.ppb))
			return 0;
		if (sep != NULL) {
			if (strncmp(sep, ",seed=", 6) != 0 ||
			    !number(sep + 6, strlen(sep + 6), &r.seed))
				return 0;
		}
	} else {
		return 0;
	}
	*out = r;
	return 1;
}

int
ref_fails(const struct ref_spec *spec, uint64_t n)
{
	switch (spec->mode) {
	case REF_NTH:
		return n == spec->first;
	case REF_EVERY:
		return n / spec->first * spec->first == n;
	case REF_WINDOW:
		return spec->first <= n && n <= spec->last;
	case REF_RANDOM:
		return spec->ppb == 1000000000u;	/* only P = 1 is known */
	case REF_OFF:
		break;
	}
	return 0;
}

int
ref_switch(const char *value)
{
	if (value == NULL)
		return 0;
	switch (strlen(value)) {
	case 0:
		return 0;
	case 1:
		if (value[0] == '0')
			return 0;
		if (value[0] == '1')
			return 1;
		break;
	}
	return -1;
}

int
ref_count(const char *value, uint64_t *out)
{
	return value != NULL && number(value, strlen(value), out);
}

/* The bytes a key's NAME keeps, from evmm_fault_set(3). */
static const char key_name_bytes[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

void
ref_key_name(const char *program, char out[REF_KEY_NAME_MAX + 1])
{
	size_t len, i;

	if (program == NULL || program[0] == '\0')
		program = "process";
	len = strlen(program);
	if (len > REF_KEY_NAME_MAX)
		len = REF_KEY_NAME_MAX;
	for (i = 0; i < len; i++)
		out[i] = strchr(key_name_bytes, program[i]) != NULL ?
		    program[i] : '_';
	out[len] = '\0';
}

int
ref_child_key(const char *parent, unsigned long m, char *out, size_t size)
{
	int n = snprintf(out, size, "%s.%lu", parent, m);

	return n > 0 && (size_t)n <= REF_KEY_MAX && (size_t)n < size;
}

int
ref_process_fails(const char *aim, const char *key)
{
	if (aim == NULL || aim[0] == '\0')
		return 1;		/* unset: every process */
	if (strlen(aim) > REF_KEY_MAX)
		return 0;		/* refused: none */
	return key != NULL && strcmp(aim, key) == 0;
}

const char *ref_input;

void
ref_print_input(const char *what, const char *s)
{
	fprintf(stderr, "%s: \"", what);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "\"\n");
}
