/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * bench/driver.c: the measuring loops and the command line shared by
 * evmm-bench and the peer programs (bench/peer-*.c), so that every
 * library is measured by the same code.  A program lists its modes, the
 * first of them "libc", and hands them to bench_main().
 */
#ifndef EVMM_BENCH_DRIVER_H_INCLUDED_
#define EVMM_BENCH_DRIVER_H_INCLUDED_

#include <stddef.h>
#include <stdlib.h>

enum {
	BENCH_BLOCK = 64,	/* bytes per malloc/free pair */
	BENCH_GROW_MAX = 4096	/* a growth reallocs BENCH_BLOCK at a time up to this */
};

/* The two loops of one allocation API. */
struct bench_loops {
	/* @p n malloc(BENCH_BLOCK)/free pairs. */
	void (*pairs)(long n);
	/* @p n growths: malloc(BENCH_BLOCK), realloc to 2, 3, ... times
	 * BENCH_BLOCK up to BENCH_GROW_MAX (63 calls), free. */
	void (*grow)(long n);
};

struct bench_mode {
	const char *name;
	const struct bench_loops *loops;
	int (*install)(void);	/* NULL: nothing to install; else 0 on success */
};

/*
 * BENCH_LOOPS(name, MALLOC, REALLOC, FREE) defines @p name, the loops of
 * one API, as an array of one struct bench_loops, so that a mode's table
 * entry names it as it is.  The loops are the same for every API but for
 * the calls, so that the differences between modes are the dispatch
 * alone; the volatile pointer keeps the compiler from pairing an
 * allocation with its free away.
 */
#define BENCH_LOOPS(name, MALLOC, REALLOC, FREE) \
	BENCH_LOOP_FUNCTIONS(name, MALLOC, REALLOC, FREE) \
	static const struct bench_loops name[1] = { { name##_pairs, name##_grow } }
/* The two functions alone: name_pairs() and name_grow(). */
#define BENCH_LOOP_FUNCTIONS(name, MALLOC, REALLOC, FREE) \
	static void \
	name##_pairs(long n) \
	{ \
		long i; \
		for (i = 0; i < n; i++) { \
			void *volatile p = MALLOC(BENCH_BLOCK); \
			FREE(p); \
		} \
	} \
	static void \
	name##_grow(long n) \
	{ \
		long i; \
		size_t sz; \
		for (i = 0; i < n; i++) { \
			void *volatile p = MALLOC(BENCH_BLOCK); \
			for (sz = 2 * BENCH_BLOCK; sz <= BENCH_GROW_MAX; \
			    sz += BENCH_BLOCK) { \
				void *q = REALLOC(p, sz); \
				if (q == NULL) \
					abort(); \
				p = q; \
			} \
			FREE(p); \
		} \
	}

/* The C library called directly: every program's "libc" mode. */
extern const struct bench_loops bench_libc[1];

/* Forwarding hooks, the cheapest allocator a program can install: each
 * calls malloc(), realloc() or free() and nothing else.  A peer whose
 * hooks take other arguments writes the same bodies. */
void *fwd_malloc(size_t sz);
void *fwd_realloc(void *ptr, size_t sz);
void fwd_free(void *ptr);

/*
 * The command line, for bench/run.sh (PROG is the program's name):
 *
 *   PROG pairs MODE THREADS COUNT
 *       COUNT malloc/free pairs in each of THREADS threads through MODE,
 *       for callgrind to count; prints nothing.
 *   PROG grow MODE THREADS COUNT
 *       the same with COUNT growths.
 *   PROG time MODE THREADS COUNT REPEATS
 *   PROG time-grow MODE THREADS COUNT REPEATS
 *       the same, timed, alternating with libc; prints the best of
 *       REPEATS runs of each, MODE's then libc's, in ns per pair or per
 *       growth.
 *   PROG modes
 *       prints the modes this build has, one a line.
 *
 * @p modes has @p nmodes entries, the first of them "libc" with
 * bench_libc.  @return main()'s exit status: 0, 1 when a run failed, 2
 * for a bad command line.
 */
int bench_main(int argc, char **argv, const struct bench_mode *modes,
    size_t nmodes);

#endif /* EVMM_BENCH_DRIVER_H_INCLUDED_ */
