/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The fuzz targets' oracle: the grammars of EVMM_FAULT, EVMM_STATS,
 * EVMM_SITES and EVMM_FAULT_PROCESS, and the process keys, written a
 * second time, apart from lib/parse.c and deliberately plainer
 * (split at the separators, then check each piece), from the words of
 * evmm_fault_set(3) and libevmm(3).  Where the two disagree, one of them
 * is wrong.
 */
#ifndef EVMM_FUZZ_REFERENCE_H_INCLUDED_
#define EVMM_FUZZ_REFERENCE_H_INCLUDED_

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum ref_mode { REF_OFF, REF_NTH, REF_EVERY, REF_WINDOW, REF_RANDOM };

struct ref_spec {
	enum ref_mode mode;
	uint64_t first, last;	/* nth, every: first; window: both */
	uint32_t ppb;		/* random: parts per billion, 1 to 10^9 */
	uint64_t seed;		/* random */
};

/* 1 and *out filled in when spec follows the grammar, else 0. */
int ref_parse_fault(const char *spec, struct ref_spec *out);

/* Whether allocation n (n >= 1) fails, for every mode but random. */
int ref_fails(const struct ref_spec *spec, uint64_t n);

/* EVMM_STATS: 1 on, 0 off (unset, empty or "0"), -1 not a switch. */
int ref_switch(const char *value);

/* EVMM_SITES: 1 and *out set for a decimal number below 2^64 (digits
 * only), else 0. */
int ref_count(const char *value, uint64_t *out);

/* Process keys, from evmm_fault_set(3): a NAME of at most 48 bytes, a
 * whole key of at most 200. */
#define REF_KEY_NAME_MAX 48
#define REF_KEY_MAX 200

/* A program's name as a key's NAME: its first 48 bytes, each outside
 * [A-Za-z0-9._-] made '_'; "process" for no name. */
void ref_key_name(const char *program, char out[REF_KEY_NAME_MAX + 1]);

/* The key of the M-th child made by fork() of the process keyed parent,
 * "PARENT.M", into out; 0 if it would be longer than a key may be. */
int ref_child_key(const char *parent, unsigned long m, char *out,
    size_t size);

/* Whether EVMM_FAULT fails the process keyed key (NULL: none) when
 * EVMM_FAULT_PROCESS is aim (NULL: unset). */
int ref_process_fails(const char *aim, const char *key);

/* Writes s to stderr with every byte outside printable ASCII escaped,
 * for the message before an oracle aborts. */
void ref_print_input(const char *what, const char *s);

/* The input being tried, which a failed oracle names. */
extern const char *ref_input;

/* An oracle: when cond is false, name the input, say what went wrong
 * (printf-style) and abort, which libFuzzer reports as a crash. */
#define EXPECT(cond, ...) do {						\
	if (!(cond)) {							\
		ref_print_input("input", ref_input);			\
		fprintf(stderr, "oracle failed: %s: ", #cond);		\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

#endif /* EVMM_FUZZ_REFERENCE_H_INCLUDED_ */
