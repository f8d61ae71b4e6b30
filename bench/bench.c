/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-bench: the measurements behind bench/run.sh, one per process.
 *
 *   evmm-bench pairs MODE THREADS PAIRS
 *       PAIRS malloc(64)/free pairs in each of THREADS threads through
 *       MODE, for callgrind to count; prints nothing.
 *   evmm-bench time MODE THREADS PAIRS REPEATS
 *       the same, timed, alternating with libc; prints the best of
 *       REPEATS runs of each, MODE's then libc's, in ns per pair.
 *   evmm-bench rss MODE
 *       in a child process: a 256 MiB zeroed table from MODE's calloc,
 *       one byte per MiB written; prints the child's peak RSS in KiB.
 *   evmm-bench modes
 *       prints the modes this build has.
 *
 * MODE for pairs and time: libc (the C library directly), evmm (libevmm,
 * nothing installed), evmm-classic (forwarding hooks installed with
 * event_set_mem_functions()), evmm-checked (forwarding hooks installed
 * with evmm_set_allocator()), evmm-keeperrno (the same, with
 * EVMM_ALLOCATOR_FREE_KEEPS_ERRNO), evmm-stats (libevmm, nothing
 * installed, statistics on: what they cost while on), ref3 (bench/ref3.c, nothing
 * installed), ref3-hook (bench/ref3.c with forwarding hooks).  For rss:
 * libc, evmm-classic or evmm-checked (which has a calloc hook).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef EVMM_HAVE_PTHREAD
#include <pthread.h>
#endif

#include <event2/event.h>
#include <event2/evmm_debug.h>
#define EVMM_SHORT_NAMES
#include <event2/evmm.h>

#include "bench/ref3.h"

enum { BLOCK = 64 };

/* Forwarding hooks: the cheapest allocator a program can install. */
static void *
fwd_malloc(size_t sz)
{
	return malloc(sz);
}

static void *
fwd_realloc(void *ptr, size_t sz)
{
	return realloc(ptr, sz);
}

static void
fwd_free(void *ptr)
{
	free(ptr);
}

#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
static void *
ctx_malloc(size_t sz, void *ctx)
{
	(void)ctx;
	return malloc(sz);
}

static void *
ctx_realloc(void *ptr, size_t sz, void *ctx)
{
	(void)ctx;
	return realloc(ptr, sz);
}

static void
ctx_free(void *ptr, void *ctx)
{
	(void)ctx;
	free(ptr);
}

static void *
ctx_calloc(size_t count, size_t size, void *ctx)
{
	(void)ctx;
	return calloc(count, size);
}
#endif

/* One loop per mode, identical but for the two calls, so that the
 * differences between modes are the dispatch alone.  The volatile store
 * keeps the compiler from pairing malloc with free away. */
#define PAIR_LOOP(name, MALLOC, FREE) \
	static void \
	name(long n) \
	{ \
		long i; \
		for (i = 0; i < n; i++) { \
			void *volatile p = MALLOC(BLOCK); \
			FREE(p); \
		} \
	}

PAIR_LOOP(loop_libc, malloc, free)
PAIR_LOOP(loop_mm, mm_malloc, mm_free)
PAIR_LOOP(loop_ref3, ref3_malloc, ref3_free)

struct mode {
	const char *name;
	void (*loop)(long n);
	int (*install)(void);	/* NULL: nothing to install */
};

static int
install_classic(void)
{
#ifdef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
	event_set_mem_functions(fwd_malloc, fwd_realloc, fwd_free);
	return 0;
#else
	return -1;
#endif
}

#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
/* The forwarding hooks with a context, installed with @p flags. */
static int
install_ctx_hooks(unsigned flags)
{
	struct evmm_allocator a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = flags;
	a.malloc_fn = ctx_malloc;
	a.realloc_fn = ctx_realloc;
	a.free_fn = ctx_free;
	a.calloc_fn = ctx_calloc;
	return evmm_set_allocator(&a);
}

static int
install_keeps_errno(void)
{
	/* ctx_free() forwards to glibc's free(), which keeps errno. */
	return install_ctx_hooks(EVMM_ALLOCATOR_FREE_KEEPS_ERRNO);
}
#endif

static int
install_checked(void)
{
#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
	return install_ctx_hooks(0);
#else
	return -1;
#endif
}

#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
static int
install_stats(void)
{
	evmm_stats_enable(1);
	return 0;
}
#endif

static int
install_ref3_hook(void)
{
	ref3_set_mem_functions(fwd_malloc, fwd_realloc, fwd_free);
	return 0;
}

static const struct mode modes[] = {
	{ "libc", loop_libc, NULL },
	{ "evmm", loop_mm, NULL },
#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
	{ "evmm-classic", loop_mm, install_classic },
	{ "evmm-checked", loop_mm, install_checked },
	{ "evmm-keeperrno", loop_mm, install_keeps_errno },
#endif
#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
	{ "evmm-stats", loop_mm, install_stats },
#endif
	{ "ref3", loop_ref3, NULL },
	{ "ref3-hook", loop_ref3, install_ref3_hook },
};

static const struct mode *
find_mode(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(modes[i].name, name) == 0)
			return &modes[i];
	fprintf(stderr, "evmm-bench: no mode '%s' in this build\n", name);
	exit(2);
}

struct run {
	const struct mode *mode;
	long pairs;
};

static void *
run_thread(void *arg)
{
	const struct run *r = arg;

	r->mode->loop(r->pairs);
	return NULL;
}

/* Run the loop in @p threads threads; 0 on success. */
static int
run_pairs(const struct mode *m, int threads, long pairs)
{
	struct run r;

	r.mode = m;
	r.pairs = pairs;
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

/* The peak RSS, in KiB, of a child that makes a 256 MiB zeroed table
 * through mode @p name and writes one byte in each MiB. */
static long
table_rss(const char *name)
{
	enum { MIB = 1024 * 1024, TABLE_MIB = 256 };
	struct rusage ru;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		unsigned char *table;
		size_t i;

		if (strcmp(name, "libc") == 0)
			table = calloc(TABLE_MIB, MIB);
		else if ((strcmp(name, "evmm-classic") == 0 ?
		    install_classic() : strcmp(name, "evmm-checked") == 0 ?
		    install_checked() : -1) == 0)
			table = mm_calloc(TABLE_MIB, MIB);
		else
			_exit(2);
		if (table == NULL)
			_exit(3);
		for (i = 0; i < TABLE_MIB; i++)
			table[i * MIB] = (unsigned char)(table[i * MIB] + 1);
		mm_free(table);
		_exit(0);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return ru.ru_maxrss;
}

static int
usage(void)
{
	fputs("usage: evmm-bench pairs MODE THREADS PAIRS\n"
	    "       evmm-bench time MODE THREADS PAIRS REPEATS\n"
	    "       evmm-bench rss MODE\n"
	    "       evmm-bench modes\n", stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	const struct mode *m;
	int threads;
	long pairs;

	if (argc == 2 && strcmp(argv[1], "modes") == 0) {
		size_t i;

		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			printf("%s\n", modes[i].name);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "rss") == 0) {
		long kib = table_rss(argv[2]);

		if (kib < 0)
			return 1;
		printf("%ld\n", kib);
		return 0;
	}
	if (argc < 5)
		return usage();
	m = find_mode(argv[2]);
	threads = atoi(argv[3]);
	pairs = atol(argv[4]);
	if (threads < 1 || pairs < 1)
		return usage();
	if (m->install != NULL && m->install() != 0) {
		fprintf(stderr, "evmm-bench: cannot install %s\n", m->name);
		return 1;
	}
	if (strcmp(argv[1], "pairs") == 0 && argc == 5)
		return run_pairs(m, threads, pairs) != 0;
	if (strcmp(argv[1], "time") == 0 && argc == 6) {
		/* MODE and the C library in turns, so that both see the same
		 * load on a shared machine; the best run of each counts. */
		int i, repeats = atoi(argv[5]);
		double best = 0, best_libc = 0, t;

		for (i = 0; i < repeats; i++) {
			t = now_ns();
			if (run_pairs(m, threads, pairs) != 0)
				return 1;
			t = now_ns() - t;
			if (i == 0 || t < best)
				best = t;
			t = now_ns();
			if (run_pairs(&modes[0], threads, pairs) != 0)
				return 1;
			t = now_ns() - t;
			if (i == 0 || t < best_libc)
				best_libc = t;
		}
		printf("%.2f %.2f\n", best / pairs, best_libc / pairs);
		return 0;
	}
	return usage();
}
