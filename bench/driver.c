/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/* The measuring driver of bench/: see bench/driver.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef EVMM_HAVE_PTHREAD
#include <pthread.h>
#endif

#include "bench/driver.h"

BENCH_LOOP_FUNCTIONS(libc, malloc, realloc, free)
const struct bench_loops bench_libc[1] = { { libc_pairs, libc_grow } };

void *
fwd_malloc(size_t sz)
{
	return malloc(sz);
}

void *
fwd_realloc(void *ptr, size_t sz)
{
	return realloc(ptr, sz);
}

void
fwd_free(void *ptr)
{
	free(ptr);
}

struct run {
	void (*loop)(long n);
	long count;
};

static void *
run_thread(void *arg)
{
	const struct run *r = arg;

	r->loop(r->count);
	return NULL;
}

/* Run @p loop in @p threads threads; 0 on success. */
static int
run_loop(void (*loop)(long n), int threads, long count)
{
	struct run r;

	r.loop = loop;
	r.count = count;
	if (threads == 1) {
		run_thread(&r);
		return 0;
	}
#ifdef EVMM_HAVE_PTHREAD
	{
		pthread_t t[16];
		int i;

		if (threads > 16)
			return -1;
		for (i = 0; i < threads; i++)
			if (pthread_create(&t[i], NULL, run_thread, &r) != 0)
				return -1;
		for (i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
#else
	return -1;
#endif
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The best of @p repeats timed runs of @p loop and of @p libc in turns,
 * so that both see the same load on a shared machine; 0 on success. */
static int
time_loop(void (*loop)(long n), void (*libc)(long n), int threads,
    long count, int repeats)
{
	double best = 0, best_libc = 0, t;
	int i;

	for (i = 0; i < repeats; i++) {
		t = now_ns();
		if (run_loop(loop, threads, count) != 0)
			return -1;
		t = now_ns() - t;
		if (i == 0 || t < best)
			best = t;
		t = now_ns();
		if (run_loop(libc, threads, count) != 0)
			return -1;
		t = now_ns() - t;
		if (i == 0 || t < best_libc)
			best_libc = t;
	}
	printf("%.2f %.2f\n", best / count, best_libc / count);
	return 0;
}

static int
usage(const char *prog)
{
	fprintf(stderr, "usage: %s pairs|grow MODE THREADS COUNT\n"
	    "       %s time|time-grow MODE THREADS COUNT REPEATS\n"
	    "       %s modes\n", prog, prog, prog);
	return 2;
}

int
bench_main(int argc, char **argv, const struct bench_mode *modes,
    size_t nmodes)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	const struct bench_mode *m = NULL;
	const char *cmd;
	int threads, grow;
	long count;
	size_t i;

	if (nmodes == 0 || strcmp(modes[0].name, "libc") != 0) {
		fprintf(stderr, "%s: the first mode must be libc\n", prog);
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "modes") == 0) {
		for (i = 0; i < nmodes; i++)
			printf("%s\n", modes[i].name);
		return 0;
	}
	if (argc < 5)
		return usage(prog);
	cmd = argv[1];
	for (i = 0; i < nmodes; i++)
		if (strcmp(modes[i].name, argv[2]) == 0)
			m = &modes[i];
	if (m == NULL) {
		fprintf(stderr, "%s: no mode '%s' in this build\n", prog, argv[2]);
		return 2;
	}
	threads = atoi(argv[3]);
	count = atol(argv[4]);
	if (threads < 1 || count < 1)
		return usage(prog);
	grow = strcmp(cmd, "grow") == 0 || strcmp(cmd, "time-grow") == 0;
	if (m->install != NULL && m->install() != 0) {
		fprintf(stderr, "%s: cannot install %s\n", prog, m->name);
		return 1;
	}
	if ((strcmp(cmd, "pairs") == 0 || strcmp(cmd, "grow") == 0) &&
	    argc == 5)
		return run_loop(grow ? m->loops->grow : m->loops->pairs,
		    threads, count) != 0;
	if ((strcmp(cmd, "time") == 0 || strcmp(cmd, "time-grow") == 0) &&
	    argc == 6 && atoi(argv[5]) >= 1)
		return time_loop(grow ? m->loops->grow : m->loops->pairs,
		    grow ? modes[0].loops->grow : modes[0].loops->pairs,
		    threads, count, atoi(argv[5])) != 0;
	return usage(prog);
}
