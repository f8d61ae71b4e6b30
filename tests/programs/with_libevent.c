/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * A libevent program that also uses libevmm's API, in one file: built by
 * tests/scripts/libevent.sh from the staged headers with
 * pkg-config --cflags --libs evmm libevent, in both orders, and run.
 * Prints TAP, without a plan; the script adds it.
 *
 * Given when compiled:
 *   EXPECT_MM_REPLACEMENT  1 or 0: the libevmm variant pkg-config announced
 *   LIBEVENT_MM            1 or 0: whether libevent's own event-config.h,
 *                          read without libevmm, leaves allocator
 *                          replacement on
 * and as its one argument, which library the link put first: "evmm" or
 * "libevent".  A call that goes through the dynamic symbol table reaches
 * the first definition, so libevent's event_mm_*_ calls reach libevmm
 * (and its statistics and fault injection) only when libevmm comes first;
 * otherwise evmm_fault_set() refuses with ENOTSUP, and
 * evmm_stats_enable() says so on standard error, which the script reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/evmm_debug.h>
#include <event2/evmm.h>

/* Both libraries' headers are in: libevent's own and libevmm's. */
#if !defined(LIBEVENT_VERSION_NUMBER) || !defined(EVMM_VERSION)
#error "libevent's or libevmm's headers are missing"
#endif

/* EVENT__DISABLE_MM_REPLACEMENT is libevent's, beside libevent. */
#if defined(EVENT__DISABLE_MM_REPLACEMENT) == LIBEVENT_MM
#error "EVENT__DISABLE_MM_REPLACEMENT does not describe libevent"
#endif
/* EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED and the variant macro are
 * libevmm's, whatever libevent's configuration. */
#if defined(EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED) != EXPECT_MM_REPLACEMENT
#error "EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED does not describe libevmm"
#endif
#if defined(EVENT__EVMM_DISABLE_MM_REPLACEMENT) == EXPECT_MM_REPLACEMENT
#error "EVENT__EVMM_DISABLE_MM_REPLACEMENT does not describe libevmm"
#endif
#if defined(EVMM_FAULT_INJECTION_IMPLEMENTED) != EXPECT_MM_REPLACEMENT
#error "EVMM_FAULT_INJECTION_IMPLEMENTED does not describe libevmm"
#endif

static int failures;

static void
check(int ok, const char *what)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", what);
	if (!ok)
		failures++;
}

static unsigned long hook_mallocs;

static void *
hook_malloc(size_t sz)
{
	hook_mallocs++;
	return malloc(sz);
}

#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
/* Allocations through libevmm's event_mm_*_ functions so far. */
static unsigned long long
evmm_allocations(void)
{
	struct evmm_stats s;

	if (evmm_stats_get(&s, sizeof(s)) != 0)
		return 0;
	return s.malloc_calls + s.calloc_calls + s.strdup_calls +
	    s.realloc_calls;
}
#endif

int
main(int argc, char **argv)
{
	struct event_base *base;
	struct evbuffer *buf;
	int evmm_first;

	if (argc != 2 || (strcmp(argv[1], "evmm") != 0 &&
	    strcmp(argv[1], "libevent") != 0)) {
		fprintf(stderr, "usage: %s evmm|libevent\n", argv[0]);
		return 2;
	}
	evmm_first = strcmp(argv[1], "evmm") == 0;

#if LIBEVENT_MM || EXPECT_MM_REPLACEMENT
	/* Code written for libevent: the program's allocator, first of all.
	 * Whichever library the call reaches, it is the one whose
	 * event_mm_*_ functions libevent's own calls reach, so libevent
	 * allocates with hook_malloc() in either order. */
	event_set_mem_functions(hook_malloc, realloc, free);
#endif
#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
	evmm_stats_enable(1);
#endif

	base = event_base_new();
	check(base != NULL, "libevent: event_base_new() works");
	buf = evbuffer_new();
	check(buf != NULL && evbuffer_add_printf(buf, "%s", "coexist") == 7 &&
	    evbuffer_get_length(buf) == 7, "libevent: an evbuffer works");
	check(evmm_get_version_number() == EVMM_NUMERIC_VERSION &&
	    strcmp(evmm_get_version(), EVMM_VERSION) == 0,
	    "libevmm: evmm_get_version() is the headers' version");
	check(strcmp(event_get_version(), LIBEVENT_VERSION) == 0,
	    "libevent: event_get_version() is the headers' version");
#if LIBEVENT_MM || EXPECT_MM_REPLACEMENT
	check(hook_mallocs > 0, "libevent allocated with the allocator "
	    "given to event_set_mem_functions()");
#endif

#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
	{
		unsigned long long counted = evmm_allocations();
		struct evbuffer *failed;

		printf("libevmm counted %llu allocations\n", counted);
		if (evmm_first)
			check(counted > 0, "libevmm's statistics count "
			    "libevent's allocations (libevmm linked first)");
		else
			check(counted == 0, "libevmm's statistics do not see "
			    "libevent's allocations (libevent linked first)");

		if (evmm_first) {
			check(evmm_fault_set("nth=1") == 0,
			    "libevmm: evmm_fault_set(\"nth=1\") is accepted "
			    "(libevmm linked first)");
		} else {
			errno = 0;
			check(evmm_fault_set("nth=1") == -1 && errno == ENOTSUP,
			    "libevmm: evmm_fault_set(\"nth=1\") fails with "
			    "ENOTSUP, since no allocation reaches it (libevent "
			    "linked first)");
			check(evmm_fault_set("off") == 0,
			    "libevmm: evmm_fault_set(\"off\") still succeeds");
		}
		failed = evbuffer_new();
		if (evmm_first)
			check(failed == NULL && evmm_fault_first(NULL) == 1,
			    "evmm_fault_set() fails libevent's next allocation "
			    "(libevmm linked first)");
		else
			check(failed != NULL && evmm_fault_first(NULL) == 0,
			    "nothing fails (libevent linked first)");
		evmm_fault_set("off");
		if (failed != NULL)
			evbuffer_free(failed);
	}
#else
	(void)evmm_first;
#endif

	if (buf != NULL)
		evbuffer_free(buf);
	if (base != NULL)
		event_base_free(base);
	return failures != 0;
}
