/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Fault injection: the grammar of evmm_fault_set() (and so of EVMM_FAULT),
 * and which allocations it fails, with and without a program's allocator.
 * Default variant only; every test turns injection off in teardown.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_DLFCN_H
#include <dlfcn.h>
#endif

#include <event2/event.h>
#include <event2/evmm_debug.h>

#include "check_evmm.h"
#include "hooks.h"

#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED

static void
reset(void)
{
	ck_assert_int_eq(evmm_fault_set("off"), 0);
	event_set_mem_functions(NULL, NULL, NULL);
	memset(&hook_counts, 0, sizeof(hook_counts));
}

/* Allocates n blocks of 8 bytes through event_mm_malloc_(); returns a
 * bit mask of those that failed (bit 0 for the first) and frees the rest. */
static unsigned long
failures_in(int n)
{
	unsigned long mask = 0;
	int i;

	for (i = 0; i < n; i++) {
		void *p;

		errno = 0;
		p = event_mm_malloc_(8);
		if (p == NULL) {
			ck_assert_int_eq(errno, ENOMEM);
			mask |= 1UL << i;
		}
		event_mm_free_(p);
	}
	return mask;
}

/* Grammar. */

static const char *const good_specs[] = {
	"off", "", "nth=1", "nth=4294967295", "every=3", "window=2-5",
	"window=4-4", "random=0.5", "random=1", "random=1.0", "random=.25",
	"random=0.000000001", "random=0.05,seed=42",
	/* Numbers are 64-bit everywhere: 2^64 - 1 is the largest. */
	"nth=18446744073709551615", "every=18446744073709551615",
	"window=1-18446744073709551615",
	"window=18446744073709551615-18446744073709551615",
	"random=0.5,seed=18446744073709551615",
};

static const char *const bad_specs[] = {
	"nth=0", "nth=", "nth=-1", "nth=+1", "nth= 1", "nth=1x", "nth=1 ",
	"nth=99999999999999999999999", "every=0", "every=", "window=5-2",
	"window=0-3", "window=3", "window=3-", "window=-3", "random=0",
	"random=0.0", "random=1.5", "random=2", "random=0.1234567891",
	"random=abc", "random=.", "random=0.5,seed=", "random=0.5,seed=x",
	"random=0.5,foo=1", "random=0.5,", "bogus", "NTH=1", " nth=1", "nth",
	/* 2^64 */
	"nth=18446744073709551616", "every=18446744073709551616",
	"window=1-18446744073709551616", "window=18446744073709551616-1",
	"random=0.5,seed=18446744073709551616",
};

START_TEST(test_fault_set_accepts_grammar)
{
	errno = EDOM;
	ck_assert_msg(evmm_fault_set(good_specs[_i]) == 0,
	    "\"%s\" refused", good_specs[_i]);
	ck_assert_int_eq(errno, EDOM);
}
END_TEST

START_TEST(test_fault_set_refuses_bad_spec_and_changes_nothing)
{
	ck_assert_int_eq(evmm_fault_set("nth=2"), 0);
	ck_assert_int_eq(failures_in(1), 0);	/* allocation 1 */
	errno = 0;
	ck_assert_msg(evmm_fault_set(bad_specs[_i]) == -1,
	    "\"%s\" accepted", bad_specs[_i]);
	ck_assert_int_eq(errno, EINVAL);
	/* Still nth=2, and the count was not restarted. */
	ck_assert_uint_eq(failures_in(2), 1);
}
END_TEST

START_TEST(test_fault_set_null_turns_injection_off)
{
	ck_assert_int_eq(evmm_fault_set("every=1"), 0);
	ck_assert_int_eq(evmm_fault_set(NULL), 0);
	ck_assert_uint_eq(failures_in(4), 0);
}
END_TEST

/* What fails. */

START_TEST(test_nth_fails_that_allocation_only)
{
	ck_assert_int_eq(evmm_fault_set("nth=3"), 0);
	ck_assert_uint_eq(failures_in(6), 1UL << 2);
}
END_TEST

START_TEST(test_every_fails_each_multiple)
{
	ck_assert_int_eq(evmm_fault_set("every=2"), 0);
	ck_assert_uint_eq(failures_in(7), 0x2a);	/* 2, 4, 6 */
}
END_TEST

START_TEST(test_window_fails_a_range)
{
	ck_assert_int_eq(evmm_fault_set("window=2-4"), 0);
	ck_assert_uint_eq(failures_in(6), 0x0e);	/* 2, 3, 4 */
}
END_TEST

START_TEST(test_random_repeats_for_a_seed)
{
	unsigned long a, b, c;
	int n = 0;

	ck_assert_int_eq(evmm_fault_set("random=0.5,seed=7"), 0);
	a = failures_in(32);
	ck_assert_int_eq(evmm_fault_set("random=0.5,seed=7"), 0);
	b = failures_in(32);
	ck_assert_int_eq(evmm_fault_set("random=0.5,seed=8"), 0);
	c = failures_in(32);
	ck_assert_uint_eq(a, b);
	ck_assert_uint_ne(a, c);
	for (; a != 0; a &= a - 1)
		n++;
	/* Half of 32, give or take: the chance of leaving 6..26 is < 1e-3,
	 * and the seed makes the outcome fixed anyway. */
	ck_assert_int_ge(n, 6);
	ck_assert_int_le(n, 26);
}
END_TEST

START_TEST(test_numbers_above_32_bits_are_not_truncated)
{
	/* 2^32 + 1 and 2^32 + 2: cut to 32 bits they would be 1 and 2. */
	ck_assert_int_eq(evmm_fault_set("nth=4294967297"), 0);
	ck_assert_uint_eq(failures_in(4), 0);
	ck_assert_int_eq(evmm_fault_set("every=4294967298"), 0);
	ck_assert_uint_eq(failures_in(4), 0);
	ck_assert_int_eq(evmm_fault_set("window=4294967297-4294967298"), 0);
	ck_assert_uint_eq(failures_in(4), 0);
}
END_TEST

START_TEST(test_random_uses_the_whole_seed)
{
	unsigned long low, high, top, zero;

	/* Seeds that differ only above bit 31 give different patterns. */
	ck_assert_int_eq(evmm_fault_set("random=0.5,seed=1"), 0);
	low = failures_in(32);
	ck_assert_int_eq(evmm_fault_set("random=0.5,seed=4294967297"), 0);
	high = failures_in(32);
	ck_assert_uint_ne(low, high);
	ck_assert_int_eq(evmm_fault_set("random=0.5,seed=0"), 0);
	zero = failures_in(32);
	ck_assert_int_eq(evmm_fault_set("random=0.5,seed=9223372036854775808"),
	    0);	/* 2^63 */
	top = failures_in(32);
	ck_assert_uint_ne(zero, top);
}
END_TEST

START_TEST(test_random_one_fails_all)
{
	ck_assert_int_eq(evmm_fault_set("random=1"), 0);
	ck_assert_uint_eq(failures_in(8), 0xff);
}
END_TEST

START_TEST(test_every_entry_point_counts_and_fails)
{
	char *s, *p, *q;
	void *z;

	/* malloc 1, calloc 2, strdup 3, realloc 4: only realloc fails. */
	ck_assert_int_eq(evmm_fault_set("nth=4"), 0);
	p = event_mm_malloc_(4);
	z = event_mm_calloc_(2, 2);
	s = event_mm_strdup_("x");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(z);
	ck_assert_ptr_nonnull(s);
	memcpy(p, "abc", 4);
	errno = 0;
	q = event_mm_realloc_(p, 64);
	ck_assert_ptr_null(q);
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_str_eq(p, "abc");	/* the old block is untouched */
	event_mm_free_(p);
	event_mm_free_(z);
	event_mm_free_(s);

	ck_assert_int_eq(evmm_fault_set("nth=1"), 0);
	errno = 0;
	ck_assert_ptr_null(event_mm_calloc_(3, 3));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_int_eq(evmm_fault_set("nth=1"), 0);
	errno = 0;
	ck_assert_ptr_null(event_mm_strdup_("y"));
	ck_assert_int_eq(errno, ENOMEM);
}
END_TEST

START_TEST(test_calls_that_ask_for_nothing_are_not_counted)
{
	void *p;

	ck_assert_int_eq(evmm_fault_set("nth=2"), 0);
	p = event_mm_malloc_(1);		/* 1 */
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(event_mm_malloc_(0));
	ck_assert_ptr_null(event_mm_calloc_(0, 4));
	ck_assert_ptr_null(event_mm_strdup_(NULL));
	ck_assert_ptr_null(event_mm_realloc_(p, 0));	/* frees p */
	ck_assert_uint_eq(failures_in(1), 1);	/* 2 */
}
END_TEST

START_TEST(test_injected_failure_skips_program_allocator)
{
	event_set_mem_functions(counting_malloc, NULL, NULL);
	ck_assert_int_eq(evmm_fault_set("nth=2"), 0);
	ck_assert_uint_eq(failures_in(3), 0x2);
	ck_assert_int_eq(hook_counts.mallocs, 2);
}
END_TEST

START_TEST(test_allocator_installed_after_fault_set_is_used)
{
	ck_assert_int_eq(evmm_fault_set("nth=1"), 0);
	event_set_mem_functions(counting_malloc, NULL, NULL);
	ck_assert_uint_eq(failures_in(3), 0x1);
	ck_assert_int_eq(hook_counts.mallocs, 2);
	event_set_mem_functions(NULL, NULL, NULL);
	ck_assert_uint_eq(failures_in(1), 0);
	ck_assert_int_eq(hook_counts.mallocs, 2);
}
END_TEST

/* Reporting the failure. */

static int object_in_this_program;

START_TEST(test_first_reports_call_entry_and_caller)
{
	struct evmm_fault_info info;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	ck_assert_int_eq(evmm_fault_set("every=2"), 0);
	ck_assert_int_eq(evmm_fault_first(&info), 0);
	ck_assert_uint_eq(failures_in(1), 0);
	ck_assert_int_eq(evmm_fault_first(NULL), 0);
	ck_assert_ptr_null(event_mm_strdup_("second"));
	ck_assert_uint_eq(failures_in(2), 0x2);	/* 4 fails too */
	ck_assert_int_eq(evmm_fault_first(&info), 1);
	ck_assert_uint_eq(info.call, 2);
	ck_assert_str_eq(info.entry, "strdup");
	ck_assert_ptr_nonnull(info.caller);
#ifdef HAVE_DLADDR
	{
		/* The caller is code in this program, not in libevmm. */
		Dl_info caller, here;

		ck_assert_int_ne(dladdr(info.caller, &caller), 0);
		ck_assert_int_ne(dladdr(&object_in_this_program, &here), 0);
		ck_assert_ptr_eq(caller.dli_fbase, here.dli_fbase);
	}
#endif
	(void)object_in_this_program;
	/* A new spec forgets it. */
	ck_assert_int_eq(evmm_fault_set("nth=5"), 0);
	ck_assert_int_eq(evmm_fault_first(NULL), 0);
}
END_TEST

/* The struct carries its size, as struct evmm_allocator does: too small
 * to hold it, or larger than the library knows, is refused whether or not
 * a failure was injected, and nothing is written. */
START_TEST(test_first_refuses_bad_sizes)
{
	static const size_t bad[] = {
		0, sizeof(size_t) - 1, sizeof(struct evmm_fault_info) + 1,
		(size_t)1 << 24, SIZE_MAX
	};
	struct evmm_fault_info info;
	size_t i;
	int injected;

	for (injected = 0; injected <= 1; injected++) {
		ck_assert_int_eq(evmm_fault_set(injected ? "nth=1" : "off"), 0);
		ck_assert_uint_eq(failures_in(1), (unsigned long)injected);
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memset(&info, 0xa5, sizeof(info));
			info.size = bad[i];
			errno = 0;
			ck_assert_int_eq(evmm_fault_first(&info), -1);
			ck_assert_int_eq(errno, EINVAL);
			ck_assert_uint_eq(info.size, bad[i]);
			ck_assert_uint_eq(info.call, 0xa5a5a5a5a5a5a5a5ULL);
		}
	}
}
END_TEST

/* A caller built against a shorter struct gets the fields it has room
 * for and nothing past them. */
START_TEST(test_first_fills_only_the_callers_size)
{
	struct evmm_fault_info info;
	size_t upto_call = offsetof(struct evmm_fault_info, call) +
	    sizeof(info.call);

	ck_assert_int_eq(evmm_fault_set("nth=2"), 0);
	ck_assert_uint_eq(failures_in(3), 0x2);
	memset(&info, 0, sizeof(info));
	info.size = upto_call;
	errno = 0;
	ck_assert_int_eq(evmm_fault_first(&info), 1);
	ck_assert_int_eq(errno, 0);
	ck_assert_uint_eq(info.size, upto_call);
	ck_assert_uint_eq(info.call, 2);
	ck_assert_ptr_null(info.entry);
	ck_assert_ptr_null(info.caller);
}
END_TEST

/* Allocation numbers and the seed are 64-bit on every platform: a call
 * number is never cut to the low 32 bits of a long. */
START_TEST(test_call_number_is_64_bit)
{
	struct evmm_fault_info info;

	ck_assert_uint_ge(sizeof(info.call), 8);
	ck_assert(sizeof(info.call) * CHAR_BIT >= 64);
}
END_TEST

#endif /* EVMM_FAULT_INJECTION_IMPLEMENTED */

#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
#define FAULT_INJECTION_ADVERTISED 1
#else
#define FAULT_INJECTION_ADVERTISED 0
#endif

/* The disabled variant has no fault injection, and says so. */
START_TEST(test_fault_injection_follows_variant)
{
#ifdef EVENT__DISABLE_MM_REPLACEMENT
	ck_assert_int_eq(FAULT_INJECTION_ADVERTISED, 0);
#else
	ck_assert_int_eq(FAULT_INJECTION_ADVERTISED, 1);
#endif
}
END_TEST

Suite *
make_fault_suite(void)
{
	Suite *s = suite_create("fault");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_fault_injection_follows_variant);
	suite_add_tcase(s, tc);
#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
	tc = tcase_create("Grammar");
	tcase_add_checked_fixture(tc, reset, reset);
	tcase_add_loop_test(tc, test_fault_set_accepts_grammar, 0,
	    (int)(sizeof(good_specs) / sizeof(good_specs[0])));
	tcase_add_loop_test(tc,
	    test_fault_set_refuses_bad_spec_and_changes_nothing, 0,
	    (int)(sizeof(bad_specs) / sizeof(bad_specs[0])));
	tcase_add_test(tc, test_fault_set_null_turns_injection_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("Inject");
	tcase_add_checked_fixture(tc, reset, reset);
	tcase_add_test(tc, test_nth_fails_that_allocation_only);
	tcase_add_test(tc, test_every_fails_each_multiple);
	tcase_add_test(tc, test_window_fails_a_range);
	tcase_add_test(tc, test_random_repeats_for_a_seed);
	tcase_add_test(tc, test_random_uses_the_whole_seed);
	tcase_add_test(tc, test_random_one_fails_all);
	tcase_add_test(tc, test_numbers_above_32_bits_are_not_truncated);
	tcase_add_test(tc, test_every_entry_point_counts_and_fails);
	tcase_add_test(tc, test_calls_that_ask_for_nothing_are_not_counted);
	tcase_add_test(tc, test_injected_failure_skips_program_allocator);
	tcase_add_test(tc, test_allocator_installed_after_fault_set_is_used);
	tcase_add_test(tc, test_first_reports_call_entry_and_caller);
	tcase_add_test(tc, test_first_refuses_bad_sizes);
	tcase_add_test(tc, test_first_fills_only_the_callers_size);
	tcase_add_test(tc, test_call_number_is_64_bit);
	suite_add_tcase(s, tc);
#endif
	return s;
}
