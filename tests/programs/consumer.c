/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * A program that knows libevmm only as an installed package: built by
 * tests/scripts/installed.sh from the staged headers with pkg-config's
 * flags, and run against the staged shared library.  It reaches every exported
 * function from outside, which is what hidden visibility could break.
 * Prints TAP, without a plan; the script adds it.
 *
 * EXPECT_MM_REPLACEMENT (1 or 0) is the variant pkg-config announced, so
 * a header that lost its feature macro fails here rather than silently
 * building the other half.
 */
/* mm_strdup() is strdup() in the disabled variant: POSIX, not ISO C. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#define EVMM_SHORT_NAMES
#include <event2/evmm.h>

static int failures;

static void
check(int ok, const char *what)
{
	printf("%s - consumer: %s\n", ok ? "ok" : "not ok", what);
	if (!ok)
		failures++;
}

#ifdef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
#define HAVE_SETTER 1

static int hook_mallocs, hook_reallocs, hook_frees;

static void *
hook_malloc(size_t sz)
{
	hook_mallocs++;
	return malloc(sz);
}

static void *
hook_realloc(void *p, size_t sz)
{
	hook_reallocs++;
	return realloc(p, sz);
}

static void
hook_free(void *p)
{
	hook_frees++;
	free(p);
}

static void
check_replacement(void)
{
	char *s, *t;
	void *z;

	event_set_mem_functions(hook_malloc, hook_realloc, hook_free);
	s = mm_strdup("consumer");
	z = mm_calloc(3, 5);
	t = mm_realloc(mm_malloc(4), 8);
	check(s != NULL && strcmp(s, "consumer") == 0 && z != NULL &&
	    t != NULL, "allocations through the hooks succeed");
	mm_free(s);
	mm_free(z);
	mm_free(t);
	check(hook_mallocs == 3 && hook_reallocs == 1 && hook_frees == 3,
	    "every call reached the installed hooks");

	errno = EDOM;
	check(mm_malloc(0) == NULL && errno == EDOM && hook_mallocs == 3,
	    "malloc(0) is NULL, errno untouched, hook not called");
	check(mm_calloc(SIZE_MAX, 2) == NULL && errno == ENOMEM &&
	    hook_mallocs == 3, "calloc overflow is ENOMEM before the hook");
	check(mm_strdup(NULL) == NULL && errno == EINVAL,
	    "strdup(NULL) is EINVAL");

	event_set_mem_functions(NULL, NULL, NULL);
	mm_free(mm_malloc(1));
	check(hook_mallocs == 3 && hook_frees == 3,
	    "(NULL, NULL, NULL) restores the C library");
}
#else
#define HAVE_SETTER 0
#endif

int
main(void)
{
	char *s;

	check(HAVE_SETTER == EXPECT_MM_REPLACEMENT,
	    "EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED matches the variant");
	check(strcmp(evmm_get_version(), EVMM_VERSION) == 0 &&
	    evmm_get_version_number() == EVMM_NUMERIC_VERSION,
	    "the loaded library is the version of its headers");
	s = mm_strdup("short names");
	check(s != NULL && strcmp(s, "short names") == 0,
	    "mm_strdup copies");
	mm_free(s);
#if HAVE_SETTER
	check_replacement();
#endif
	return failures == 0 ? 0 : 1;
}
