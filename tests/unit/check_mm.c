/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The allocation entry points: libevent's contract, clause by clause.
 *
 * "Core" holds for both variants.  "Limits", "Hooks" and "OOM" are the
 * default variant's promises; "Disabled" is what a build with
 * --disable-malloc-replacement promises instead.  Every test that installs
 * hooks runs in a fixture whose checked teardown restores the C library,
 * so the tests stay independent under CK_FORK=no too.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#define EVMM_SHORT_NAMES
#include <event2/evmm.h>

#include "check_evmm.h"
#include "hooks.h"

/* An errno value that none of the functions under test sets, to tell
 * "unchanged" from "set". */
#define ERRNO_SENTINEL EDOM

#define STRINGIFY_(x) #x
#define EXPANSION_OF(x) STRINGIFY_(x)

/* Both variants. */

START_TEST(test_malloc_returns_writable_block)
{
	char *p = mm_malloc(64);

	ck_assert_ptr_nonnull(p);
	memset(p, 'x', 64);
	ck_assert_int_eq(p[63], 'x');
	mm_free(p);
}
END_TEST

START_TEST(test_calloc_returns_zeroed_block)
{
	size_t i;
	unsigned char *p = mm_calloc(100, 3);

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 300; i++)
		ck_assert_uint_eq(p[i], 0);
	mm_free(p);
}
END_TEST

START_TEST(test_strdup_copies_string)
{
	const char *src = "event-loop allocator";
	char *copy = mm_strdup(src);

	ck_assert_ptr_nonnull(copy);
	ck_assert_ptr_ne(copy, src);
	ck_assert_str_eq(copy, src);
	mm_free(copy);
}
END_TEST

START_TEST(test_realloc_keeps_contents)
{
	char *p = mm_malloc(8);
	char *q;

	ck_assert_ptr_nonnull(p);
	memcpy(p, "1234567", 8);
	q = mm_realloc(p, 4096);
	ck_assert_ptr_nonnull(q);
	ck_assert_str_eq(q, "1234567");
	mm_free(q);
}
END_TEST

START_TEST(test_realloc_null_allocates)
{
	char *p = mm_realloc(NULL, 16);

	ck_assert_ptr_nonnull(p);
	mm_free(p);
}
END_TEST

START_TEST(test_free_accepts_null)
{
	errno = ERRNO_SENTINEL;
	mm_free(NULL);
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
}
END_TEST

#ifndef EVENT__DISABLE_MM_REPLACEMENT

/* The short names reach the library only when asked for, and then reach
 * the exported entry points. */
START_TEST(test_short_names_call_event_mm_functions)
{
	ck_assert_str_eq(EXPANSION_OF(mm_malloc(n)), "event_mm_malloc_(n)");
	ck_assert_str_eq(EXPANSION_OF(mm_calloc(n, m)),
	    "event_mm_calloc_((n), (m))");
	ck_assert_str_eq(EXPANSION_OF(mm_strdup(s)), "event_mm_strdup_(s)");
	ck_assert_str_eq(EXPANSION_OF(mm_realloc(p, n)),
	    "event_mm_realloc_((p), (n))");
	ck_assert_str_eq(EXPANSION_OF(mm_free(p)), "event_mm_free_(p)");
}
END_TEST

/* Limits: zero sizes, overflow and NULL, without hook_counts. */

START_TEST(test_malloc_zero_returns_null_errno_untouched)
{
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_malloc_(0));
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
}
END_TEST

START_TEST(test_calloc_zero_count_returns_null_errno_untouched)
{
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_calloc_(0, 16));
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
}
END_TEST

START_TEST(test_calloc_zero_size_returns_null_errno_untouched)
{
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_calloc_(16, 0));
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
}
END_TEST

START_TEST(test_calloc_overflow_sets_enomem)
{
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_calloc_(SIZE_MAX / 2 + 1, 2));
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

START_TEST(test_strdup_null_sets_einval)
{
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_strdup_(NULL));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* Hooks: counting replacements that record what they were asked, and
 * fail with an errno of their own that libevmm must replace. */
static void
install_erange_hooks(void)
{
	install_counting_hooks();
	hook_counts.fail_errno = ERANGE;
}

START_TEST(test_malloc_hook_gets_size)
{
	void *p = event_mm_malloc_(123);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(hook_counts.mallocs, 1);
	ck_assert_uint_eq(hook_counts.last_malloc_size, 123);
	event_mm_free_(p);
	ck_assert_int_eq(hook_counts.frees, 1);
	ck_assert_ptr_eq(hook_counts.last_free_ptr, p);
}
END_TEST

START_TEST(test_malloc_zero_does_not_call_hook)
{
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_malloc_(0));
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
	ck_assert_int_eq(hook_counts.mallocs, 0);
}
END_TEST

START_TEST(test_calloc_hook_mallocs_product_and_zero_fills)
{
	size_t i;
	unsigned char *p = event_mm_calloc_(7, 9);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(hook_counts.mallocs, 1);
	ck_assert_uint_eq(hook_counts.last_malloc_size, 63);
	for (i = 0; i < 63; i++)
		ck_assert_uint_eq(p[i], 0);
	event_mm_free_(p);
	ck_assert_int_eq(hook_counts.frees, 1);
}
END_TEST

START_TEST(test_calloc_zero_does_not_call_hook)
{
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_calloc_(0, 8));
	ck_assert_ptr_null(event_mm_calloc_(8, 0));
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
	ck_assert_int_eq(hook_counts.mallocs, 0);
}
END_TEST

START_TEST(test_calloc_overflow_does_not_call_hook)
{
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_calloc_(SIZE_MAX, 2));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_ptr_null(event_mm_calloc_(2, SIZE_MAX / 2 + 1));
	ck_assert_int_eq(hook_counts.mallocs, 0);
}
END_TEST

START_TEST(test_calloc_hook_gets_exact_product)
{
	/* The largest product that does not overflow reaches the hook,
	 * which fails it as any allocator would. */
	hook_counts.fail = 1;
	ck_assert_ptr_null(event_mm_calloc_(SIZE_MAX / 3, 3));
	ck_assert_int_eq(hook_counts.mallocs, 1);
	ck_assert_uint_eq(hook_counts.last_malloc_size, SIZE_MAX / 3 * 3);
}
END_TEST

START_TEST(test_strdup_hook_mallocs_length_plus_one)
{
	char *copy = event_mm_strdup_("hello");

	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(hook_counts.mallocs, 1);
	ck_assert_uint_eq(hook_counts.last_malloc_size, 6);
	ck_assert_str_eq(copy, "hello");
	event_mm_free_(copy);
}
END_TEST

START_TEST(test_strdup_empty_string_mallocs_one_byte)
{
	char *copy = event_mm_strdup_("");

	ck_assert_ptr_nonnull(copy);
	ck_assert_uint_eq(hook_counts.last_malloc_size, 1);
	ck_assert_str_eq(copy, "");
	event_mm_free_(copy);
}
END_TEST

START_TEST(test_strdup_null_does_not_call_hook)
{
	errno = ERRNO_SENTINEL;
	ck_assert_ptr_null(event_mm_strdup_(NULL));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(hook_counts.mallocs, 0);
}
END_TEST

START_TEST(test_realloc_passes_arguments_through)
{
	void *p = event_mm_realloc_(NULL, 0);

	/* realloc(NULL, 0) may return NULL or a block; either way it is
	 * the hook's answer, unfiltered. */
	ck_assert_int_eq(hook_counts.reallocs, 1);
	ck_assert_ptr_null(hook_counts.last_realloc_ptr);
	ck_assert_uint_eq(hook_counts.last_realloc_size, 0);
	event_mm_free_(p);

	p = event_mm_realloc_(NULL, 32);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(hook_counts.reallocs, 2);
	ck_assert_uint_eq(hook_counts.last_realloc_size, 32);
	p = event_mm_realloc_(p, 64);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(hook_counts.reallocs, 3);
	ck_assert_uint_eq(hook_counts.last_realloc_size, 64);
	ck_assert_int_eq(hook_counts.mallocs, 0);
	event_mm_free_(p);
}
END_TEST

START_TEST(test_free_passes_null_through)
{
	event_mm_free_(NULL);
	ck_assert_int_eq(hook_counts.frees, 1);
	ck_assert_ptr_null(hook_counts.last_free_ptr);
}
END_TEST

/* One block allocated, grown and freed, each step through libevmm. */
static void
malloc_realloc_free(void)
{
	void *p = event_mm_malloc_(10);

	ck_assert_ptr_nonnull(p);
	p = event_mm_realloc_(p, 20);
	ck_assert_ptr_nonnull(p);
	event_mm_free_(p);
}

START_TEST(test_null_malloc_fn_means_libc_malloc)
{
	event_set_mem_functions(NULL, counting_realloc, counting_free);
	malloc_realloc_free();
	ck_assert_int_eq(hook_counts.mallocs, 0);
	ck_assert_int_eq(hook_counts.reallocs, 1);
	ck_assert_int_eq(hook_counts.frees, 1);
}
END_TEST

START_TEST(test_null_realloc_and_free_fn_mean_libc)
{
	event_set_mem_functions(counting_malloc, NULL, NULL);
	malloc_realloc_free();
	ck_assert_int_eq(hook_counts.mallocs, 1);
	ck_assert_int_eq(hook_counts.reallocs, 0);
	ck_assert_int_eq(hook_counts.frees, 0);
}
END_TEST

START_TEST(test_all_null_restores_libc)
{
	char *p;

	event_set_mem_functions(NULL, NULL, NULL);
	malloc_realloc_free();
	p = event_mm_calloc_(2, 2);
	ck_assert_ptr_nonnull(p);
	event_mm_free_(p);
	p = event_mm_strdup_("libc");
	ck_assert_ptr_nonnull(p);
	event_mm_free_(p);
	ck_assert_int_eq(hook_counts.mallocs + hook_counts.reallocs +
	    hook_counts.frees, 0);
}
END_TEST

START_TEST(test_setter_leaves_errno_alone)
{
	errno = ERRNO_SENTINEL;
	event_set_mem_functions(counting_malloc, counting_realloc,
	    counting_free);
	ck_assert_int_eq(errno, ERRNO_SENTINEL);
}
END_TEST

/* OOM: the hooks fail. */

START_TEST(test_malloc_hook_failure_returns_null)
{
	hook_counts.fail = 1;
	ck_assert_ptr_null(event_mm_malloc_(16));
	ck_assert_int_eq(hook_counts.mallocs, 1);
	/* Passed through: errno is what the hook left. */
	ck_assert_int_eq(errno, ERANGE);
}
END_TEST

START_TEST(test_calloc_hook_failure_sets_enomem)
{
	hook_counts.fail = 1;
	ck_assert_ptr_null(event_mm_calloc_(4, 4));
	ck_assert_int_eq(hook_counts.mallocs, 1);
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

START_TEST(test_strdup_hook_failure_sets_enomem)
{
	hook_counts.fail = 1;
	ck_assert_ptr_null(event_mm_strdup_("abc"));
	ck_assert_int_eq(hook_counts.mallocs, 1);
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

START_TEST(test_realloc_hook_failure_passes_through)
{
	hook_counts.fail = 1;
	ck_assert_ptr_null(event_mm_realloc_(NULL, 16));
	ck_assert_int_eq(hook_counts.reallocs, 1);
	ck_assert_int_eq(errno, ERANGE);
}
END_TEST

#else /* EVENT__DISABLE_MM_REPLACEMENT */

#ifdef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
#define SETTER_ADVERTISED 1
#else
#define SETTER_ADVERTISED 0
#endif

START_TEST(test_setter_not_advertised)
{
	ck_assert_int_eq(SETTER_ADVERTISED, 0);
}
END_TEST

START_TEST(test_short_names_are_libc_calls)
{
	ck_assert_str_eq(EXPANSION_OF(mm_malloc(n)), "malloc(n)");
	ck_assert_str_eq(EXPANSION_OF(mm_calloc(n, m)), "calloc((n), (m))");
	ck_assert_str_eq(EXPANSION_OF(mm_strdup(s)), "strdup(s)");
	ck_assert_str_eq(EXPANSION_OF(mm_realloc(p, n)), "realloc((p), (n))");
	ck_assert_str_eq(EXPANSION_OF(mm_free(p)), "free(p)");
}
END_TEST

#endif /* EVENT__DISABLE_MM_REPLACEMENT */

Suite *
make_mm_suite(void)
{
	Suite *s = suite_create("mm");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_malloc_returns_writable_block);
	tcase_add_test(tc, test_calloc_returns_zeroed_block);
	tcase_add_test(tc, test_strdup_copies_string);
	tcase_add_test(tc, test_realloc_keeps_contents);
	tcase_add_test(tc, test_realloc_null_allocates);
	tcase_add_test(tc, test_free_accepts_null);
#ifndef EVENT__DISABLE_MM_REPLACEMENT
	tcase_add_test(tc, test_short_names_call_event_mm_functions);
#endif
	suite_add_tcase(s, tc);

#ifndef EVENT__DISABLE_MM_REPLACEMENT
	tc = tcase_create("Limits");
	tcase_add_test(tc, test_malloc_zero_returns_null_errno_untouched);
	tcase_add_test(tc, test_calloc_zero_count_returns_null_errno_untouched);
	tcase_add_test(tc, test_calloc_zero_size_returns_null_errno_untouched);
	tcase_add_test(tc, test_calloc_overflow_sets_enomem);
	tcase_add_test(tc, test_strdup_null_sets_einval);
	suite_add_tcase(s, tc);

	tc = tcase_create("Hooks");
	tcase_add_checked_fixture(tc, install_erange_hooks, restore_libc);
	tcase_add_test(tc, test_malloc_hook_gets_size);
	tcase_add_test(tc, test_malloc_zero_does_not_call_hook);
	tcase_add_test(tc, test_calloc_hook_mallocs_product_and_zero_fills);
	tcase_add_test(tc, test_calloc_zero_does_not_call_hook);
	tcase_add_test(tc, test_calloc_overflow_does_not_call_hook);
	tcase_add_test(tc, test_calloc_hook_gets_exact_product);
	tcase_add_test(tc, test_strdup_hook_mallocs_length_plus_one);
	tcase_add_test(tc, test_strdup_empty_string_mallocs_one_byte);
	tcase_add_test(tc, test_strdup_null_does_not_call_hook);
	tcase_add_test(tc, test_realloc_passes_arguments_through);
	tcase_add_test(tc, test_free_passes_null_through);
	tcase_add_test(tc, test_null_malloc_fn_means_libc_malloc);
	tcase_add_test(tc, test_null_realloc_and_free_fn_mean_libc);
	tcase_add_test(tc, test_all_null_restores_libc);
	tcase_add_test(tc, test_setter_leaves_errno_alone);
	suite_add_tcase(s, tc);

	tc = tcase_create("OOM");
	tcase_add_checked_fixture(tc, install_erange_hooks, restore_libc);
	tcase_add_test(tc, test_malloc_hook_failure_returns_null);
	tcase_add_test(tc, test_calloc_hook_failure_sets_enomem);
	tcase_add_test(tc, test_strdup_hook_failure_sets_enomem);
	tcase_add_test(tc, test_realloc_hook_failure_passes_through);
	suite_add_tcase(s, tc);
#else
	tc = tcase_create("Disabled");
	tcase_add_test(tc, test_setter_not_advertised);
	tcase_add_test(tc, test_short_names_are_libc_calls);
	suite_add_tcase(s, tc);
#endif
	return s;
}
