/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm_set_allocator()'s rule for live blocks, case by case.  The rule
 * depends on what the process has allocated, so each case runs in a child
 * forked from this process, which never allocates through libevmm itself.
 * Prints TAP.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/evmm.h>

#include "hooks.h"

#ifndef EVMM_SET_ALLOCATOR_IMPLEMENTED

int
main(void)
{
	puts("1..0 # SKIP no evmm_set_allocator() in this variant");
	return 0;
}

#else

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Two allocators that count what they make and free; they forward to the
 * C library. */
static struct hook_counts count_a, count_b;

/* In a case: the line of the first failed expectation, or 0. */
#define EXPECT(cond) do { if (!(cond)) return __LINE__; } while (0)

static int
set(struct hook_counts *c, unsigned flags)
{
	struct evmm_allocator a = counting_allocator(c, flags);

	return evmm_set_allocator(&a);
}

/* 0 when a non-wrapping replacement is refused with EBUSY and changes
 * nothing, else the line that failed. */
static int
refused(void)
{
	void *p;
	int before = count_b.mallocs;

	errno = 0;
	EXPECT(set(&count_b, 0) == -1);
	EXPECT(errno == EBUSY);
	p = event_mm_malloc_(8);
	EXPECT(p != NULL);
	EXPECT(count_b.mallocs == before);
	event_mm_free_(p);
	return 0;
}

static int
accepted_first(void)
{
	void *p;

	EXPECT(set(&count_a, 0) == 0);
	p = event_mm_malloc_(8);
	EXPECT(p != NULL && count_a.mallocs == 1);
	event_mm_free_(p);
	EXPECT(count_a.frees == 1);
	return 0;
}

static int
unused_replaced(void)
{
	void *p;

	EXPECT(set(&count_a, 0) == 0);
	EXPECT(set(&count_b, 0) == 0);
	p = event_mm_malloc_(8);
	EXPECT(p != NULL && count_b.mallocs == 1 && count_a.mallocs == 0);
	event_mm_free_(p);
	return 0;
}

static int
installed_made_block(void)
{
	void *p;

	EXPECT(set(&count_a, 0) == 0);
	p = event_mm_malloc_(8);
	EXPECT(p != NULL);
	EXPECT(refused() == 0);
	event_mm_free_(p);
	/* Both blocks went back to the allocator that made them. */
	EXPECT(count_a.mallocs == 2 && count_a.frees == 2);
	return 0;
}

static int
null_refused_once_installed_made_block(void)
{
	void *p;

	EXPECT(set(&count_a, 0) == 0);
	p = event_mm_malloc_(8);
	EXPECT(p != NULL);
	errno = 0;
	EXPECT(evmm_set_allocator(NULL) == -1);
	EXPECT(errno == EBUSY);
	event_mm_free_(p);
	EXPECT(count_a.frees == 1);
	return 0;
}

/* An allocator that made blocks, wrapped: removing the wrapper gives it
 * back, and it wraps nothing, so the C library stays refused. */
static int
wrapper_of_installed_comes_off(void)
{
	void *by_a, *by_b;

	EXPECT(set(&count_a, 0) == 0);
	by_a = event_mm_malloc_(8);
	EXPECT(set(&count_b, EVMM_ALLOCATOR_WRAPS) == 0);
	by_b = event_mm_malloc_(8);
	EXPECT(by_a != NULL && by_b != NULL);
	EXPECT(evmm_set_allocator(NULL) == -1 && errno == EBUSY);
	EXPECT(set(&count_a, 0) == 0);
	event_mm_free_(by_a);
	event_mm_free_(by_b);
	EXPECT(count_a.frees == 2 && count_b.frees == 0);
	EXPECT(evmm_set_allocator(NULL) == -1 && errno == EBUSY);
	return 0;
}

static int
libc_made_block(void)
{
	void *volatile p = event_mm_malloc_(8);

	EXPECT(p != NULL);
	event_mm_free_(p);
	return refused();
}

static int
calloc_counts(void)
{
	void *volatile p = event_mm_calloc_(2, 4);

	event_mm_free_(p);
	return refused();
}

static int
strdup_counts(void)
{
	void *volatile p = event_mm_strdup_("x");

	event_mm_free_(p);
	return refused();
}

static int
realloc_counts(void)
{
	void *volatile p = event_mm_realloc_(NULL, 8);

	event_mm_free_(p);
	return refused();
}

static int
failed_allocation_counts(void)
{
	struct evmm_allocator a = counting_allocator(&count_a, 0);
	void *p;

	EXPECT(evmm_set_allocator(&a) == 0);
	count_a.fail = 1;
	p = event_mm_malloc_(8);
	count_a.fail = 0;
	EXPECT(p == NULL && count_a.mallocs == 1);
	return refused();
}

static int
free_and_zero_sizes_do_not_count(void)
{
	event_mm_free_(NULL);
	EXPECT(event_mm_malloc_(0) == NULL);
	EXPECT(event_mm_calloc_(0, 1) == NULL);
	return accepted_first();
}

static int
wrapper_inherits_live_blocks(void)
{
	void *p = event_mm_malloc_(8);

	EXPECT(p != NULL);
	EXPECT(set(&count_a, EVMM_ALLOCATOR_WRAPS) == 0);
	/* The wrapper has made nothing, but the C library's block is live
	 * and the wrapper forwards to the C library: replacing it would
	 * hand that block to count_b. */
	EXPECT(refused() == 0);
	event_mm_free_(p);
	EXPECT(count_a.frees == 2);
	return 0;
}

static int
classic_after_allocation_inherits(void)
{
	void *volatile p = event_mm_malloc_(8);

	event_mm_free_(p);
	event_set_mem_functions(counting_malloc, NULL, NULL);
	return refused();
}

static int
classic_before_allocation_is_fresh(void)
{
	void *p;

	event_set_mem_functions(counting_malloc, NULL, NULL);
	EXPECT(set(&count_b, 0) == 0);
	p = event_mm_malloc_(8);
	EXPECT(p != NULL && count_b.mallocs == 1 && hook_counts.mallocs == 0);
	event_mm_free_(p);
	return 0;
}

static int
null_restores_libc(void)
{
	void *p;

	EXPECT(set(&count_a, 0) == 0);
	EXPECT(evmm_set_allocator(NULL) == 0);
	p = event_mm_malloc_(8);
	EXPECT(p != NULL && count_a.mallocs == 0);
	event_mm_free_(p);
	EXPECT(count_a.frees == 0);
	return 0;
}

static int
allocators_are_bounded(void)
{
	static struct hook_counts many[EVMM_ALLOCATORS_MAX + 1];
	struct evmm_allocator before, after;
	void *p;
	int i;

	for (i = 0; i < EVMM_ALLOCATORS_MAX; i++)
		EXPECT(set(&many[i], EVMM_ALLOCATOR_WRAPS) == 0);
	memset(&before, 0, sizeof(before));
	before.size = sizeof(before);
	EXPECT(evmm_get_allocator(&before) == 0);
	errno = 0;
	EXPECT(set(&many[i], EVMM_ALLOCATOR_WRAPS) == -1);
	EXPECT(errno == ENOMEM);
	after = before;
	EXPECT(evmm_get_allocator(&after) == 0);
	EXPECT(after.ctx == before.ctx && before.ctx == &many[i - 1]);
	p = event_mm_malloc_(8);
	EXPECT(p != NULL && many[i - 1].mallocs == 1 && many[i].mallocs == 0);
	event_mm_free_(p);
	/* One installed before is installed again without a new slot. */
	EXPECT(set(&many[0], EVMM_ALLOCATOR_WRAPS) == 0);
	p = event_mm_malloc_(8);
	EXPECT(p != NULL && many[0].mallocs == 1);
	event_mm_free_(p);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(void);
} cases[] = {
	{ "accepted before the first allocation", accepted_first },
	{ "an allocator that made no block may be replaced", unused_replaced },
	{ "EBUSY once the installed allocator made a block",
	  installed_made_block },
	{ "EBUSY once the C library made a block", libc_made_block },
	{ "NULL is refused once the installed allocator made a block",
	  null_refused_once_installed_made_block },
	{ "a wrapper comes off, giving back the allocator it wraps",
	  wrapper_of_installed_comes_off },
	{ "event_mm_calloc_() counts as an allocation", calloc_counts },
	{ "event_mm_strdup_() counts as an allocation", strdup_counts },
	{ "event_mm_realloc_() counts as an allocation", realloc_counts },
	{ "a failed allocation counts", failed_allocation_counts },
	{ "free and zero sizes do not count",
	  free_and_zero_sizes_do_not_count },
	{ "a wrapper is accepted and inherits the live blocks",
	  wrapper_inherits_live_blocks },
	{ "classic hooks installed after an allocation inherit its blocks",
	  classic_after_allocation_inherits },
	{ "classic hooks installed before any allocation may be replaced",
	  classic_before_allocation_is_fresh },
	{ "NULL restores the C library", null_restores_libc },
	{ "at most EVMM_ALLOCATORS_MAX allocators, then ENOMEM",
	  allocators_are_bounded },
};

int
main(void)
{
	size_t i, n = sizeof(cases) / sizeof(cases[0]);
	int failed = 0;

	printf("1..%lu\n", (unsigned long)n);
	fflush(stdout);
	for (i = 0; i < n; i++) {
		int status = -1;
		pid_t pid = fork();

		if (pid == 0) {
			int line = cases[i].run();

			if (line != 0)
				fprintf(stdout, "# %s: failed at line %d\n",
				    cases[i].name, line);
			fflush(stdout);
			_exit(line != 0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
		printf("%sok %lu - %s\n", status == 0 ? "" : "not ",
		    (unsigned long)i + 1, cases[i].name);
		fflush(stdout);
	}
	return failed != 0;
}

#endif /* EVMM_SET_ALLOCATOR_IMPLEMENTED */
