/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The checked setter, the getter, and replacement while threads allocate.
 *
 * "Checked" and "Getter" run in a fixture whose checked teardown restores
 * the C library with the classic setter, which is always accepted.  The
 * rules that need a process in which nothing has been allocated yet are in
 * tests/unit/allocator_rules.c.  "Race" replaces the allocator while threads
 * allocate; test-all.sh runs it under ThreadSanitizer too.  "Disabled" is
 * what a build with --disable-malloc-replacement promises instead.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif

#include <event2/event.h>
#include <event2/evmm.h>

#include "check_evmm.h"
#include "hooks.h"

#define ERRNO_SENTINEL EDOM

#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED

/* The counting hooks' context, which tests may compare with the getter's. */
static struct hook_counts counts;

/* A wrapper of the C library, so always accepted. */
static struct evmm_allocator
counting_wrapper(void)
{
	return counting_allocator(&counts, EVMM_ALLOCATOR_WRAPS);
}

/* Allocate once, so that the current allocator has made a block. */
static void
allocate_once(void)
{
	void *volatile p = event_mm_malloc_(8);

	ck_assert_ptr_nonnull(p);
	event_mm_free_(p);
}

/* Whether the allocator now installed is the one @p before described. */
static int
unchanged(const struct evmm_allocator *before)
{
	struct evmm_allocator now;

	memset(&now, 0, sizeof(now));
	now.size = sizeof(now);
	ck_assert_int_eq(evmm_get_allocator(&now), 0);
	return now.malloc_fn == before->malloc_fn &&
	    now.realloc_fn == before->realloc_fn &&
	    now.free_fn == before->free_fn &&
	    now.calloc_fn == before->calloc_fn && now.ctx == before->ctx;
}

static struct evmm_allocator
current_allocator(void)
{
	struct evmm_allocator a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	ck_assert_int_eq(evmm_get_allocator(&a), 0);
	return a;
}

/* Checked: the setter's rules. */

START_TEST(test_set_allocator_partial_is_einval)
{
	struct evmm_allocator before = current_allocator();
	struct evmm_allocator a = counting_wrapper();

	a.realloc_fn = NULL;
	errno = ERRNO_SENTINEL;
	ck_assert_int_eq(evmm_set_allocator(&a), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(unchanged(&before));

	a = counting_wrapper();
	a.malloc_fn = NULL;
	ck_assert_int_eq(evmm_set_allocator(&a), -1);
	ck_assert_int_eq(errno, EINVAL);

	a = counting_wrapper();
	a.free_fn = NULL;
	ck_assert_int_eq(evmm_set_allocator(&a), -1);
	ck_assert_int_eq(errno, EINVAL);

	/* A calloc hook alone is not an allocator either. */
	a = counting_wrapper();
	a.malloc_fn = NULL;
	a.realloc_fn = NULL;
	a.free_fn = NULL;
	ck_assert_int_eq(evmm_set_allocator(&a), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(unchanged(&before));
	ck_assert_int_eq(counts.mallocs + counts.callocs, 0);
}
END_TEST

START_TEST(test_set_allocator_bad_size_or_flags_is_einval)
{
	struct evmm_allocator before = current_allocator();
	struct evmm_allocator a = counting_wrapper();
	struct {
		struct evmm_allocator a;
		unsigned long newer_field;
	} longer;

	a.size = 0;
	ck_assert_int_eq(evmm_set_allocator(&a), -1);
	ck_assert_int_eq(errno, EINVAL);
	a.size = sizeof(a) - 1;
	ck_assert_int_eq(evmm_set_allocator(&a), -1);
	ck_assert_int_eq(errno, EINVAL);
	a = counting_wrapper();
	a.flags |= 0x100;
	ck_assert_int_eq(evmm_set_allocator(&a), -1);
	ck_assert_int_eq(errno, EINVAL);

	/* A newer caller's field that this library does not know. */
	memset(&longer, 0, sizeof(longer));
	longer.a = counting_wrapper();
	longer.a.size = sizeof(longer);
	longer.newer_field = 1;
	ck_assert_int_eq(evmm_set_allocator(&longer.a), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(unchanged(&before));

	/* Left zero, it means "not given". */
	longer.newer_field = 0;
	ck_assert_int_eq(evmm_set_allocator(&longer.a), 0);
	ck_assert_ptr_eq(current_allocator().ctx, &counts);
}
END_TEST

/* A size past EVMM_ALLOCATOR_SIZE_MAX is a caller's bug: refused before
 * anything is read past the struct.  Up to the bound, a zeroed tail is
 * accepted. */
START_TEST(test_set_allocator_huge_size_is_einval)
{
	static const size_t huge[] = {
		EVMM_ALLOCATOR_SIZE_MAX + 1, (size_t)1 << 24, SIZE_MAX
	};
	static union {
		struct evmm_allocator a;
		unsigned char bytes[EVMM_ALLOCATOR_SIZE_MAX];
	} big;
	struct evmm_allocator before = current_allocator();
	struct evmm_allocator a;
	size_t i;

	for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		a = counting_wrapper();
		a.size = huge[i];
		errno = 0;
		ck_assert_int_eq(evmm_set_allocator(&a), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert(unchanged(&before));
	}
	memset(&big, 0, sizeof(big));
	big.a = counting_wrapper();
	big.a.size = EVMM_ALLOCATOR_SIZE_MAX;
	ck_assert_int_eq(evmm_set_allocator(&big.a), 0);
	ck_assert_ptr_eq(current_allocator().ctx, &counts);
}
END_TEST

START_TEST(test_set_allocator_with_live_blocks_is_ebusy)
{
	struct evmm_allocator before, a;
	void *live;

	live = event_mm_malloc_(32);
	ck_assert_ptr_nonnull(live);
	before = current_allocator();
	a = counting_wrapper();
	a.flags = 0;
	errno = ERRNO_SENTINEL;
	ck_assert_int_eq(evmm_set_allocator(&a), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert(unchanged(&before));
	/* The live block still goes back to the allocator that made it. */
	event_mm_free_(live);
	ck_assert_int_eq(counts.frees, 0);
}
END_TEST

/* Unwrapping: the allocator a wrapper wraps may be installed again in its
 * place, since the wrapper's blocks are that allocator's; a chain of
 * wrappers comes apart in order, not out of order. */
static struct hook_counts inner_counts;

START_TEST(test_wrappers_come_off_in_order)
{
	struct evmm_allocator inner = counting_wrapper(), outer;
	void *by_inner, *by_outer;

	allocate_once();
	inner.ctx = &inner_counts;
	memset(&inner_counts, 0, sizeof(inner_counts));
	outer = counting_wrapper();
	ck_assert_int_eq(evmm_set_allocator(&inner), 0);	/* wraps libc */
	by_inner = event_mm_malloc_(32);
	ck_assert_int_eq(evmm_set_allocator(&outer), 0);	/* wraps inner */
	by_outer = event_mm_malloc_(32);
	ck_assert_ptr_nonnull(by_inner);
	ck_assert_ptr_nonnull(by_outer);

	/* Out of order: the C library is not what the outer one wraps. */
	errno = ERRNO_SENTINEL;
	ck_assert_int_eq(evmm_set_allocator(NULL), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_ptr_eq(current_allocator().ctx, &counts);

	/* In order, without EVMM_ALLOCATOR_WRAPS: outer, then inner. */
	inner.flags = 0;
	errno = ERRNO_SENTINEL;
	ck_assert_int_eq(evmm_set_allocator(&inner), 0);
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
	ck_assert_ptr_eq(current_allocator().ctx, &inner_counts);
	event_mm_free_(by_outer);
	ck_assert_int_eq(inner_counts.frees, 1);
	ck_assert_int_eq(counts.frees, 0);
	ck_assert_int_eq(evmm_set_allocator(NULL), 0);
	event_mm_free_(by_inner);
	ck_assert_int_eq(inner_counts.frees, 1);
	/* Nothing is left to unwrap: a non-wrapper is refused again. */
	ck_assert_int_eq(evmm_set_allocator(&inner), -1);
	ck_assert_int_eq(errno, EBUSY);
}
END_TEST

START_TEST(test_unwrapping_is_only_to_what_was_wrapped)
{
	struct evmm_allocator w = counting_wrapper(), other;
	void *p;

	allocate_once();
	ck_assert_int_eq(evmm_set_allocator(&w), 0);
	p = event_mm_malloc_(16);
	ck_assert_ptr_nonnull(p);
	/* The same hooks with another context are another allocator. */
	other = counting_wrapper();
	other.flags = 0;
	other.ctx = &inner_counts;
	ck_assert_int_eq(evmm_set_allocator(&other), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_ptr_eq(current_allocator().ctx, &counts);
	event_mm_free_(p);
	ck_assert_int_eq(counts.frees, 1);
}
END_TEST

START_TEST(test_wrapper_is_accepted_after_allocations)
{
	struct evmm_allocator a = counting_wrapper();
	void *old, *p;

	allocate_once();
	old = event_mm_malloc_(16);
	ck_assert_ptr_nonnull(old);
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	p = event_mm_malloc_(16);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(counts.mallocs, 1);
	event_mm_free_(p);
	/* The wrapper forwards, so it may free the older block. */
	event_mm_free_(old);
	ck_assert_int_eq(counts.frees, 2);
	/* An empty description with the flag restores the C library. */
	a.malloc_fn = NULL;
	a.realloc_fn = NULL;
	a.free_fn = NULL;
	a.calloc_fn = NULL;
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	allocate_once();
	ck_assert_int_eq(counts.mallocs, 1);
}
END_TEST

START_TEST(test_hooks_get_context)
{
	struct evmm_allocator a = counting_wrapper();
	void *p;
	char *s;

	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	p = event_mm_malloc_(40);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(counts.last_malloc_size, 40);
	p = event_mm_realloc_(p, 80);
	ck_assert_ptr_nonnull(p);
	s = event_mm_strdup_("ctx");
	ck_assert_str_eq(s, "ctx");
	event_mm_free_(s);
	event_mm_free_(p);
	ck_assert_int_eq(counts.mallocs, 2);
	ck_assert_int_eq(counts.reallocs, 1);
	ck_assert_int_eq(counts.frees, 2);
}
END_TEST

START_TEST(test_calloc_hook_replaces_malloc_and_memset)
{
	struct evmm_allocator a = counting_wrapper();
	unsigned char *p;
	size_t i;

	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	p = event_mm_calloc_(7, 9);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(counts.callocs, 1);
	ck_assert_int_eq(counts.mallocs, 0);
	ck_assert_uint_eq(counts.last_calloc_count, 7);
	ck_assert_uint_eq(counts.last_calloc_size, 9);
	for (i = 0; i < 63; i++)
		ck_assert_uint_eq(p[i], 0);
	event_mm_free_(p);
}
END_TEST

START_TEST(test_calloc_hook_not_called_on_overflow_or_zero)
{
	struct evmm_allocator a = counting_wrapper();

	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_calloc_(0, 8));
	ck_assert_ptr_null(event_mm_calloc_(8, 0));
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
	ck_assert_ptr_null(event_mm_calloc_(SIZE_MAX / 2 + 1, 2));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_int_eq(counts.callocs + counts.mallocs, 0);
}
END_TEST

START_TEST(test_calloc_hook_failure_sets_enomem)
{
	struct evmm_allocator a = counting_wrapper();

	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	counts.fail = 1;
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_calloc_(4, 4));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_int_eq(counts.callocs, 1);
}
END_TEST

START_TEST(test_without_calloc_hook_malloc_is_zero_filled)
{
	struct evmm_allocator a = counting_wrapper();
	unsigned char *p;

	a.calloc_fn = NULL;
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	p = event_mm_calloc_(3, 5);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(counts.mallocs, 1);
	ck_assert_uint_eq(counts.last_malloc_size, 15);
	ck_assert_uint_eq(p[14], 0);
	event_mm_free_(p);
}
END_TEST

START_TEST(test_free_hook_leaves_errno_alone)
{
	struct evmm_allocator a = counting_wrapper();
	void *p;

	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	p = event_mm_malloc_(8);
	counts.free_errno = EIO;
	errno = ERRNO_SENTINEL;
	event_mm_free_(p);
	ck_assert_int_eq(counts.frees, 1);
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
}
END_TEST

/* The flag is the hook's promise; libevmm then does not check it. */
START_TEST(test_free_keeps_errno_flag_trusts_the_hook)
{
	struct evmm_allocator a = counting_wrapper(), got;
	void *p;

	a.flags |= EVMM_ALLOCATOR_FREE_KEEPS_ERRNO;
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	got = current_allocator();
	ck_assert_uint_eq(got.flags, EVMM_ALLOCATOR_FREE_KEEPS_ERRNO);
	p = event_mm_malloc_(8);
	counts.free_errno = EIO;
	errno = ERRNO_SENTINEL;
	event_mm_free_(p);
	ck_assert_int_eq(counts.frees, 1);
	ck_assert_int_eq(errno, EIO);
}
END_TEST

START_TEST(test_set_allocator_success_leaves_errno_alone)
{
	struct evmm_allocator a = counting_wrapper();

	errno = ERRNO_SENTINEL;
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
}
END_TEST

/* Getter. */

static void
reset_all(void)
{
	memset(&counts, 0, sizeof(counts));
	memset(&hook_counts, 0, sizeof(hook_counts));
}

START_TEST(test_get_allocator_rejects_null_and_short)
{
	struct evmm_allocator a;

	ck_assert_int_eq(evmm_get_allocator(NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a) - 1;
	ck_assert_int_eq(evmm_get_allocator(&a), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

static size_t
ctx_size(void *ptr, void *ctx)
{
	(void)ctx;
	return ptr != NULL ? 1 : 0;
}

START_TEST(test_get_allocator_reports_size_hook)
{
	struct evmm_allocator a = counting_wrapper(), got;

	got = current_allocator();
#ifdef HAVE_MALLOC_USABLE_SIZE
	{
		void *p = malloc(10);

		/* The C library's blocks are measured as it measures them. */
		ck_assert(got.size_fn != NULL);
		ck_assert_uint_eq(got.size_fn(p, got.ctx),
		    malloc_usable_size(p));
		free(p);
	}
#endif
	a.size_fn = ctx_size;
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	got = current_allocator();
	ck_assert(got.size_fn == ctx_size);
	ck_assert_ptr_eq(got.ctx, &counts);
	event_set_mem_functions(counting_malloc, counting_realloc,
	    counting_free);
	/* Classic hooks do not say how big their blocks are. */
	ck_assert(current_allocator().size_fn == NULL);
}
END_TEST

/* A caller whose struct ends at ctx, without size_fn. */
START_TEST(test_allocator_struct_ending_at_ctx_is_accepted)
{
	struct evmm_allocator a = counting_wrapper();
	union {
		struct evmm_allocator a;
		unsigned char bytes[sizeof(struct evmm_allocator)];
	} got;
	size_t old_size = offsetof(struct evmm_allocator, size_fn);

	/* What lies past an old caller's struct is not its to clear. */
	a.size_fn = ctx_size;
	a.size = old_size;
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	memset(&got, 0xee, sizeof(got));
	got.a.size = old_size;
	ck_assert_int_eq(evmm_get_allocator(&got.a), 0);
	ck_assert_uint_eq(got.a.size, old_size);
	ck_assert(got.a.malloc_fn == counting_ctx_malloc);
	ck_assert_ptr_eq(got.a.ctx, &counts);
	ck_assert_uint_eq(got.bytes[old_size], 0xee);
	/* The size hook past its end was not read. */
	ck_assert(current_allocator().size_fn == NULL);
	a.size = old_size + 1;
	ck_assert_int_eq(evmm_set_allocator(&a), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* A size past EVMM_ALLOCATOR_SIZE_MAX is refused before anything is
 * written: once, the getter zeroed that many bytes past the struct. */
START_TEST(test_get_allocator_huge_size_is_einval)
{
	static const size_t huge[] = {
		EVMM_ALLOCATOR_SIZE_MAX + 1, (size_t)1 << 24, SIZE_MAX
	};
	static union {
		struct evmm_allocator a;
		unsigned char bytes[EVMM_ALLOCATOR_SIZE_MAX];
	} big;
	struct evmm_allocator a;
	size_t i;

	for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		memset(&a, 0x5a, sizeof(a));
		a.size = huge[i];
		errno = 0;
		ck_assert_int_eq(evmm_get_allocator(&a), -1);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_uint_eq(a.size, huge[i]);
		ck_assert_uint_eq(a.flags, 0x5a5a5a5au);
	}
	/* Up to the bound, the unknown tail is zeroed. */
	memset(&big, 0xff, sizeof(big));
	big.a.size = EVMM_ALLOCATOR_SIZE_MAX;
	ck_assert_int_eq(evmm_get_allocator(&big.a), 0);
	ck_assert_uint_eq(big.a.size, sizeof(struct evmm_allocator));
	ck_assert_uint_eq(big.bytes[EVMM_ALLOCATOR_SIZE_MAX - 1], 0);
}
END_TEST

START_TEST(test_get_allocator_reports_checked_hooks)
{
	struct evmm_allocator a = counting_wrapper(), got;

	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	got = current_allocator();
	ck_assert_uint_eq(got.size, sizeof(got));
	ck_assert_uint_eq(got.flags, 0);
	ck_assert(got.malloc_fn == counting_ctx_malloc);
	ck_assert(got.realloc_fn == counting_ctx_realloc);
	ck_assert(got.free_fn == counting_ctx_free);
	ck_assert(got.calloc_fn == counting_ctx_calloc);
	ck_assert_ptr_eq(got.ctx, &counts);
}
END_TEST

START_TEST(test_get_allocator_libc_is_callable)
{
	struct evmm_allocator got = current_allocator();
	char *p;

	ck_assert(got.calloc_fn != NULL);
	p = got.malloc_fn(16, got.ctx);
	ck_assert_ptr_nonnull(p);
	p = got.realloc_fn(p, 32, got.ctx);
	ck_assert_ptr_nonnull(p);
	got.free_fn(p, got.ctx);
	p = got.calloc_fn(4, 4, got.ctx);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[15], 0);
	got.free_fn(p, got.ctx);
}
END_TEST

START_TEST(test_get_allocator_reaches_classic_hooks)
{
	struct evmm_allocator got;
	void *p;

	event_set_mem_functions(counting_malloc, counting_realloc,
	    counting_free);
	got = current_allocator();
	/* No calloc() behind classic hooks: malloc and zero-fill. */
	ck_assert(got.calloc_fn == NULL);
	p = got.malloc_fn(16, got.ctx);
	ck_assert_ptr_nonnull(p);
	got.free_fn(p, got.ctx);
	ck_assert_int_eq(hook_counts.mallocs, 1);
	ck_assert_int_eq(hook_counts.frees, 1);
}
END_TEST

/* The getter's own hooks read their context as a table of libevmm's:
 * handed back with any other context, they are refused before anything
 * is read through it, and the allocator stays as it was. */
START_TEST(test_set_allocator_refuses_getters_hooks_with_foreign_ctx)
{
	struct evmm_allocator before = current_allocator();
	struct evmm_allocator bad = before;
	/* Garbage a caller might pass: a pointer into the middle of a
	 * buffer of ones, which would crash if called through. */
	static unsigned char garbage[256];
	static struct evmm_allocator alone;

	memset(garbage, 0xff, sizeof(garbage));
	bad.ctx = NULL;
	errno = 0;
	ck_assert_int_eq(evmm_set_allocator(&bad), -1);
	ck_assert_int_eq(errno, EINVAL);
	bad.ctx = garbage + 8;
	errno = 0;
	ck_assert_int_eq(evmm_set_allocator(&bad), -1);
	ck_assert_int_eq(errno, EINVAL);
	bad.flags = EVMM_ALLOCATOR_WRAPS;
	errno = 0;
	ck_assert_int_eq(evmm_set_allocator(&bad), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* One of the getter's hooks beside the caller's own. */
	alone = before;
	alone.realloc_fn = counting_ctx_realloc;
	alone.free_fn = counting_ctx_free;
	alone.calloc_fn = NULL;
	alone.size_fn = NULL;
	alone.ctx = garbage + 8;
	alone.flags = EVMM_ALLOCATOR_WRAPS;
	errno = 0;
	ck_assert_int_eq(evmm_set_allocator(&alone), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(unchanged(&before));
	/* What the getter reported is still taken back, as a wrapper of
	 * what is installed: the C library may have made blocks already,
	 * when the tests run in one process (CK_FORK=no). */
	before.flags = EVMM_ALLOCATOR_WRAPS;
	ck_assert_int_eq(evmm_set_allocator(&before), 0);
	ck_assert(unchanged(&before));
	event_mm_free_(event_mm_malloc_(8));
}
END_TEST

/* The getter reports no calloc hook for classic hooks: its calloc
 * function handed the classic hooks' table would call through NULL. */
START_TEST(test_set_allocator_refuses_calloc_hook_the_table_lacks)
{
	struct evmm_allocator libc = current_allocator();
	struct evmm_allocator classic;

	ck_assert(libc.calloc_fn != NULL);
	event_set_mem_functions(counting_malloc, counting_realloc,
	    counting_free);
	classic = current_allocator();
	ck_assert(classic.calloc_fn == NULL);
	classic.calloc_fn = libc.calloc_fn;
	classic.flags = EVMM_ALLOCATOR_WRAPS;
	errno = 0;
	ck_assert_int_eq(evmm_set_allocator(&classic), -1);
	ck_assert_int_eq(errno, EINVAL);
	classic.calloc_fn = NULL;
	ck_assert_int_eq(evmm_set_allocator(&classic), 0);
}
END_TEST

/* A wrapper built on what the getter returned forwards to it. */
static struct evmm_allocator chained;
static int chain_mallocs, chain_frees;

static void *
chain_malloc(size_t sz, void *ctx)
{
	(void)ctx;
	chain_mallocs++;
	return chained.malloc_fn(sz, chained.ctx);
}

static void *
chain_realloc(void *ptr, size_t sz, void *ctx)
{
	(void)ctx;
	return chained.realloc_fn(ptr, sz, chained.ctx);
}

static void
chain_free(void *ptr, void *ctx)
{
	(void)ctx;
	chain_frees++;
	chained.free_fn(ptr, chained.ctx);
}

START_TEST(test_wrapper_chains_to_classic_hooks)
{
	struct evmm_allocator w;
	void *old, *p;

	event_set_mem_functions(counting_malloc, counting_realloc,
	    counting_free);
	old = event_mm_malloc_(24);
	chained = current_allocator();
	chain_mallocs = chain_frees = 0;
	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.flags = EVMM_ALLOCATOR_WRAPS;
	w.malloc_fn = chain_malloc;
	w.realloc_fn = chain_realloc;
	w.free_fn = chain_free;
	ck_assert_int_eq(evmm_set_allocator(&w), 0);
	p = event_mm_malloc_(24);
	event_mm_free_(p);
	event_mm_free_(old);
	ck_assert_int_eq(chain_mallocs, 1);
	ck_assert_int_eq(chain_frees, 2);
	ck_assert_int_eq(hook_counts.mallocs, 2);
	ck_assert_int_eq(hook_counts.frees, 2);
}
END_TEST

#ifdef EVMM_HAVE_PTHREAD
#include <pthread.h>

/*
 * Race: workers allocate, reallocate and free through libevmm while the
 * replacer keeps switching between two tagging allocators with the
 * classic setter, and a third with the checked setter.  Each puts a
 * header with its tag before the block and forwards to the C library, so
 * mixing them across calls is harmless, but a block that did not come
 * from one of them (the C library's, or a half-replaced set's) reaching a
 * hook, or a tagged block reaching free() directly, shows: as a bad tag
 * here, or as a crash in the C library.  ThreadSanitizer reports any data
 * race on the allocator table.
 */
enum { WORKERS = 2, ROUNDS = 50000 };

/* As aligned as malloc()'s blocks need to be, in C99. */
union header {
	unsigned long tag;
	long double ld;
	void *ptr;
	long long ll;
};

static const unsigned long tag_a = 0xA110CA7EUL, tag_b = 0xB10CB10CUL,
    tag_c = 0xC0FFEE11UL;
static int bad_tags;	/* atomically updated */

static int
tag_ok(unsigned long tag)
{
	return tag == tag_a || tag == tag_b || tag == tag_c;
}

static void *
tag_malloc(size_t sz, void *ctx)
{
	union header *h = malloc(sizeof(*h) + sz);

	if (h == NULL)
		return NULL;
	h->tag = *(const unsigned long *)ctx;
	return h + 1;
}

static void *
tag_realloc(void *ptr, size_t sz, void *ctx)
{
	union header *h = ptr;

	if (h == NULL)
		return tag_malloc(sz, ctx);
	h--;
	if (!tag_ok(h->tag))
		__atomic_add_fetch(&bad_tags, 1, __ATOMIC_RELAXED);
	h = realloc(h, sizeof(*h) + sz);
	if (h == NULL)
		return NULL;
	h->tag = *(const unsigned long *)ctx;
	return h + 1;
}

static void
tag_free(void *ptr, void *ctx)
{
	union header *h = ptr;

	(void)ctx;
	if (h == NULL)
		return;
	h--;
	if (!tag_ok(h->tag))
		__atomic_add_fetch(&bad_tags, 1, __ATOMIC_RELAXED);
	h->tag = 0;
	free(h);
}

/* The classic setter's hooks have no context: one set per tag. */
static void *
a_malloc(size_t sz)
{
	return tag_malloc(sz, (void *)&tag_a);
}

static void *
a_realloc(void *p, size_t sz)
{
	return tag_realloc(p, sz, (void *)&tag_a);
}

static void
a_free(void *p)
{
	tag_free(p, NULL);
}

static void *
b_malloc(size_t sz)
{
	return tag_malloc(sz, (void *)&tag_b);
}

static void *
b_realloc(void *p, size_t sz)
{
	return tag_realloc(p, sz, (void *)&tag_b);
}

static void
b_free(void *p)
{
	tag_free(p, NULL);
}

static int stop_replacing;	/* atomically updated */

static void *
replacer(void *arg)
{
	struct evmm_allocator c;
	unsigned long i;

	(void)arg;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = EVMM_ALLOCATOR_WRAPS;
	c.malloc_fn = tag_malloc;
	c.realloc_fn = tag_realloc;
	c.free_fn = tag_free;
	c.ctx = (void *)&tag_c;
	for (i = 0; !__atomic_load_n(&stop_replacing, __ATOMIC_RELAXED); i++) {
		switch (i % 3) {
		case 0:
			event_set_mem_functions(a_malloc, a_realloc, a_free);
			break;
		case 1:
			event_set_mem_functions(b_malloc, b_realloc, b_free);
			break;
		default:
			if (evmm_set_allocator(&c) != 0)
				__atomic_add_fetch(&bad_tags, 1,
				    __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void *
worker(void *arg)
{
	long failures = 0;
	int i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		char *p = event_mm_malloc_(16 + i % 64);
		char *s;
		unsigned char *z;

		if (p == NULL) {
			failures++;
			continue;
		}
		memset(p, 'x', 16);
		p = event_mm_realloc_(p, 128 + i % 256);
		if (p == NULL || p[15] != 'x')
			failures++;
		s = event_mm_strdup_("race");
		if (s == NULL || strcmp(s, "race") != 0)
			failures++;
		z = event_mm_calloc_(4, 8);
		if (z == NULL || z[31] != 0)
			failures++;
		event_mm_free_(z);
		event_mm_free_(s);
		event_mm_free_(p);
	}
	return (void *)(intptr_t)failures;
}

/* Each thread's errno is kept across a free hook that sets it, even
 * though libevmm finds errno's address once per thread. */
static void
clobbering_free(void *ptr, void *ctx)
{
	(void)ctx;
	free(ptr);
	errno = EIO;
}

static void *
free_keeping_errno(void *arg)
{
	int mine = *(int *)arg, i, kept = 1;

	for (i = 0; i < 1000; i++) {
		void *p = event_mm_malloc_(16);

		errno = mine;
		event_mm_free_(p);
		kept &= errno == mine;
	}
	return kept ? arg : NULL;
}

START_TEST(test_free_hook_leaves_each_threads_errno_alone)
{
	static int values[2] = { EDOM, ERANGE };
	struct evmm_allocator a;
	pthread_t t[2];
	void *r;
	int i;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = EVMM_ALLOCATOR_WRAPS;
	a.malloc_fn = forwarding_ctx_malloc;
	a.realloc_fn = forwarding_ctx_realloc;
	a.free_fn = clobbering_free;
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL,
		    free_keeping_errno, &values[i]), 0);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(pthread_join(t[i], &r), 0);
		ck_assert_ptr_eq(r, &values[i]);
	}
}
END_TEST

START_TEST(test_replacing_while_threads_allocate)
{
	pthread_t workers[WORKERS], rep;
	void *failures;
	long total = 0;
	int i;

	/* Start from a tagging allocator, so that no block of the C
	 * library's is live while tagging ones are installed. */
	event_set_mem_functions(a_malloc, a_realloc, a_free);
	ck_assert_int_eq(pthread_create(&rep, NULL, replacer, NULL), 0);
	for (i = 0; i < WORKERS; i++)
		ck_assert_int_eq(pthread_create(&workers[i], NULL, worker,
		    NULL), 0);
	for (i = 0; i < WORKERS; i++) {
		ck_assert_int_eq(pthread_join(workers[i], &failures), 0);
		total += (long)(intptr_t)failures;
	}
	__atomic_store_n(&stop_replacing, 1, __ATOMIC_RELAXED);
	ck_assert_int_eq(pthread_join(rep, NULL), 0);
	ck_assert_int_eq(total, 0);
	ck_assert_int_eq(__atomic_load_n(&bad_tags, __ATOMIC_RELAXED), 0);
}
END_TEST
#endif /* EVMM_HAVE_PTHREAD */

#else /* !EVMM_SET_ALLOCATOR_IMPLEMENTED */

#ifdef EVMM_ALLOCATOR_WRAPS
#define WRAPS_DEFINED 1
#else
#define WRAPS_DEFINED 0
#endif

START_TEST(test_checked_setter_not_declared)
{
	/* evmm_set_allocator(), evmm_get_allocator() and their struct are
	 * not declared either; tests/scripts/exports.sh shows they are not
	 * exported. */
	ck_assert_int_eq(WRAPS_DEFINED, 0);
}
END_TEST

#endif /* EVMM_SET_ALLOCATOR_IMPLEMENTED */

Suite *
make_allocator_suite(void)
{
	Suite *s = suite_create("allocator");
	TCase *tc;

#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
	tc = tcase_create("Checked");
	tcase_add_checked_fixture(tc, reset_all, restore_libc);
	tcase_add_test(tc, test_set_allocator_partial_is_einval);
	tcase_add_test(tc, test_set_allocator_bad_size_or_flags_is_einval);
	tcase_add_test(tc, test_set_allocator_huge_size_is_einval);
	tcase_add_test(tc, test_set_allocator_with_live_blocks_is_ebusy);
	tcase_add_test(tc, test_wrappers_come_off_in_order);
	tcase_add_test(tc, test_unwrapping_is_only_to_what_was_wrapped);
	tcase_add_test(tc, test_wrapper_is_accepted_after_allocations);
	tcase_add_test(tc, test_hooks_get_context);
	tcase_add_test(tc, test_calloc_hook_replaces_malloc_and_memset);
	tcase_add_test(tc, test_calloc_hook_not_called_on_overflow_or_zero);
	tcase_add_test(tc, test_calloc_hook_failure_sets_enomem);
	tcase_add_test(tc, test_without_calloc_hook_malloc_is_zero_filled);
	tcase_add_test(tc, test_free_hook_leaves_errno_alone);
	tcase_add_test(tc, test_free_keeps_errno_flag_trusts_the_hook);
	tcase_add_test(tc, test_set_allocator_success_leaves_errno_alone);
	suite_add_tcase(s, tc);

	tc = tcase_create("Getter");
	tcase_add_checked_fixture(tc, reset_all, restore_libc);
	tcase_add_test(tc, test_get_allocator_rejects_null_and_short);
	tcase_add_test(tc, test_get_allocator_huge_size_is_einval);
	tcase_add_test(tc, test_get_allocator_reports_checked_hooks);
	tcase_add_test(tc, test_get_allocator_reports_size_hook);
	tcase_add_test(tc, test_allocator_struct_ending_at_ctx_is_accepted);
	tcase_add_test(tc, test_get_allocator_libc_is_callable);
	tcase_add_test(tc, test_get_allocator_reaches_classic_hooks);
	tcase_add_test(tc, test_set_allocator_refuses_getters_hooks_with_foreign_ctx);
	tcase_add_test(tc, test_set_allocator_refuses_calloc_hook_the_table_lacks);
	tcase_add_test(tc, test_wrapper_chains_to_classic_hooks);
	suite_add_tcase(s, tc);

#ifdef EVMM_HAVE_PTHREAD
	tc = tcase_create("Race");
	tcase_add_checked_fixture(tc, NULL, restore_libc);
	/* Slow under valgrind and ThreadSanitizer, not in a normal build. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_replacing_while_threads_allocate);
	tcase_add_test(tc, test_free_hook_leaves_each_threads_errno_alone);
	suite_add_tcase(s, tc);
#endif
#else
	tc = tcase_create("Disabled");
	tcase_add_test(tc, test_checked_setter_not_declared);
	suite_add_tcase(s, tc);
#endif
	return s;
}
