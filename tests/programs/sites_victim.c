/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Call sites, for evmm-torture --per-site and EVMM_SITES.
 *
 * With no argument: one allocation before a loop of LOOP allocations
 * from one site, with one from a rare site in the middle of the loop,
 * whose NULL check is missing (a planted bug), and one after it: four
 * sites, 1 + LOOP + 1 + 1 allocations, the rare one number RARE + 3.
 * A guess at sites that steps over runs of the loop's site misses it.
 *
 * With "threads T K": one allocation, then T threads that each make K
 * allocations from a first site, wait for each other, and make K from a
 * second: three sites, whose first allocations are 1, 2 and 2 + T * K
 * whichever thread gets there first.
 *
 * With "wrapped": two allocations through one function, as a library's
 * constructors allocate through its allocator's wrapper: one call site,
 * whose two callers are told apart only by the call stack; the second
 * misses its NULL check (a planted bug).
 *
 * Every allocation is calloc, whose call site libevmm knows in every
 * build (with or without tail calls).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/evmm.h>

#define LOOP 1000
#define RARE 500

/* Each site in a function of its own, never inlined, and not ending in
 * a tail call (the store through its argument after it), so that each
 * is one call instruction however the compiler lays out the loops
 * around it. */
#if defined(__GNUC__) || defined(__clang__)
#define SITE_ static __attribute__((noinline))
#else
#define SITE_ static
#endif

SITE_ void
setup_site(void **made)
{
	*made = event_mm_calloc_(1, 32);
}

SITE_ void
loop_site(void **made)
{
	*made = event_mm_calloc_(1, 16);
}

SITE_ void
rare_site(void **made)
{
	*made = event_mm_calloc_(1, 8);
}

SITE_ void
last_site(void **made)
{
	*made = event_mm_calloc_(1, 24);
}

SITE_ void
second_site(void **made)
{
	*made = event_mm_calloc_(2, 16);
}

SITE_ void
wrapped_site(void **made)
{
	*made = event_mm_calloc_(1, 8);
}

SITE_ int
checked_caller(void)
{
	void *block;

	wrapped_site(&block);
	if (block == NULL)
		return 1;
	event_mm_free_(block);
	return 0;
}

SITE_ int
careless_caller(void)
{
	void *block;

	wrapped_site(&block);
	/* The planted bug: no NULL check. */
	memcpy(block, "wrap", 5);
	event_mm_free_(block);
	return 0;
}

static int
wrapped(void)
{
	return checked_caller() | careless_caller();
}

static int
loop(void)
{
	void *setup, *block, *last, *rare;
	int i, status = 0;

	setup_site(&setup);
	if (setup == NULL)
		return 1;
	for (i = 0; i < LOOP; i++) {
		loop_site(&block);
		if (block == NULL) {
			status = 1;
			break;
		}
		event_mm_free_(block);
		if (i == RARE) {
			rare_site(&rare);
			/* The planted bug: no NULL check. */
			memcpy(rare, "rare", 5);
			event_mm_free_(rare);
		}
	}
	last = NULL;
	if (status == 0)
		last_site(&last);
	if (last != NULL)
		event_mm_free_(last);
	else
		status = 1;
	event_mm_free_(setup);
	if (status != 0)
		fprintf(stderr, "sites_victim: out of memory\n");
	return status;
}

static pthread_barrier_t barrier;
static long per_thread;

static void *
thread(void *arg)
{
	void *block;
	long i;

	(void)arg;
	pthread_barrier_wait(&barrier);
	for (i = 0; i < per_thread; i++) {
		loop_site(&block);
		event_mm_free_(block);
	}
	pthread_barrier_wait(&barrier);
	for (i = 0; i < per_thread; i++) {
		second_site(&block);
		event_mm_free_(block);
	}
	return NULL;
}

static int
threads(long n)
{
	pthread_t t[16];
	void *setup;
	long i;

	setup_site(&setup);
	event_mm_free_(setup);
	if (pthread_barrier_init(&barrier, NULL, (unsigned)n) != 0)
		return 1;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, thread, NULL) != 0)
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&barrier);
	return 0;
}

int
main(int argc, char **argv)
{
	long n;

	if (argc == 4 && strcmp(argv[1], "threads") == 0) {
		n = strtol(argv[2], NULL, 10);
		per_thread = strtol(argv[3], NULL, 10);
		if (n < 1 || n > 16 || per_thread < 1) {
			fprintf(stderr, "usage: sites_victim [threads T K | "
			    "wrapped]\n");
			return 2;
		}
		return threads(n);
	}
	if (argc == 2 && strcmp(argv[1], "wrapped") == 0)
		return wrapped();
	return loop();
}
