/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The parser of the report file that EVMM_REPORT names
 * (tools/torture/report_parse.c): a key's value, the crash site among
 * the crash_frame lines, the call sites --per-site runs.  The reports
 * are written with lib/report-keys.h's keys where the test is about
 * the protocol, and spelled out where it is about the text.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "check_torture.h"
#include "lib/report-keys.h"
#include "torture.h"

/* --- Values --------------------------------------------------------------- */

/* report_value() of key in report: its value, or NULL when it has none
 * (then the buffer must be as it was). */
static const char *
value_of(const char *report, const char *key)
{
	static char value[64];

	strcpy(value, "-");
	if (report_value(report, key, value, sizeof(value)))
		return value;
	ck_assert_str_eq(value, "-");
	return NULL;
}

START_TEST(test_value_is_the_rest_of_its_line)
{
	static const char report[] =
	    EVMM_REPORT_PROCESS "=prog#1\n"
	    EVMM_REPORT_ALLOCATIONS "=42\n"
	    EVMM_REPORT_FIRST_INJECTED_CALLER "=/tmp/prog+0x10e0 (build)\n";

	ck_assert_str_eq(value_of(report, EVMM_REPORT_ALLOCATIONS), "42");
	ck_assert_str_eq(value_of(report, EVMM_REPORT_FIRST_INJECTED_CALLER),
	    "/tmp/prog+0x10e0 (build)");
	ck_assert_str_eq(value_of(report, EVMM_REPORT_PROCESS), "prog#1");
}
END_TEST

START_TEST(test_value_key_matches_whole_and_at_line_start)
{
	/* "sites_full" and "xsites" only start or end like "sites". */
	ck_assert_str_eq(value_of("sites_full=1\nxsites=3\nsites=5\n",
	    EVMM_REPORT_SITES), "5");
	/* "site" is not "sites", nor a value "sites=" inside a line. */
	ck_assert(value_of("site=1 a+0x1\nx=sites=2\n",
	    EVMM_REPORT_SITES) == NULL);
}
END_TEST

START_TEST(test_missing_value_leaves_buffer_untouched)
{
	ck_assert(value_of("allocations=3\n",
	    EVMM_REPORT_FIRST_INJECTED_CALL) == NULL);
	ck_assert(value_of("", EVMM_REPORT_ALLOCATIONS) == NULL);
	ck_assert(value_of(NULL, EVMM_REPORT_ALLOCATIONS) == NULL);
}
END_TEST

START_TEST(test_value_on_last_line_without_newline_is_read)
{
	ck_assert_str_eq(value_of("free_calls=2\nallocations=7",
	    EVMM_REPORT_ALLOCATIONS), "7");
	/* An empty value is there, and empty. */
	ck_assert_str_eq(value_of("first_injected_entry=\n",
	    EVMM_REPORT_FIRST_INJECTED_ENTRY), "");
}
END_TEST

START_TEST(test_first_of_repeated_keys_wins)
{
	ck_assert_str_eq(value_of("allocations=1\nallocations=2\n",
	    EVMM_REPORT_ALLOCATIONS), "1");
}
END_TEST

START_TEST(test_long_value_is_cut_to_the_buffer)
{
	char value[8];

	memset(value, 'x', sizeof(value));
	ck_assert_int_eq(report_value("first_injected_caller="
	    "/tmp/a/long/path/prog+0x10e0\n", EVMM_REPORT_FIRST_INJECTED_CALLER,
	    value, sizeof(value)), 1);
	ck_assert_str_eq(value, "/tmp/a/");
}
END_TEST

/* --- Crash sites ---------------------------------------------------------- */

/* report_crash_site() of report: the site, or NULL when it has none
 * (then the buffer must be as it was). */
static const char *
crash_site_of(const char *report)
{
	static char site[128];

	strcpy(site, "-");
	if (report_crash_site(report, NULL, site, sizeof(site), NULL, 0))
		return site;
	ck_assert_str_eq(site, "-");
	return NULL;
}

/* A library that crashes on the NULL it was handed, or that it did not
 * check: the frame at fault is the next one out of it, whichever of its
 * modules the frames are in, and its own frames are shown before. */
START_TEST(test_crash_site_is_the_first_frame_outside_the_allocating_library)
{
	static const char report[] = "crash_signal=11\n"
	    "crash_frame=/lib/libevent_core-2.1.so.7+0x1e7b0\n"
	    "crash_frame=/lib/libevent-2.1.so.7+0x17877 (evbuffer_free)\n"
	    "crash_frame=/lib/libc.so.6+0x100 (qsort)\n"
	    "crash_frame=./prog+0x1234 (main)\n"
	    "crash_frame=/lib/libc.so.6+0x200 (__libc_start_main)\n";
	static const char caller[] =
	    "/lib/libevent_core-2.1.so.7+0x15d61 (evbuffer_add_cb)";
	char site[128], inside[256];

	ck_assert_int_eq(report_crash_site(report, caller, site,
	    sizeof(site), inside, sizeof(inside)), 1);
	ck_assert_str_eq(site, "./prog+0x1234 (main)");
	ck_assert_str_eq(inside, "/lib/libevent_core-2.1.so.7+0x1e7b0\n"
	    "/lib/libevent-2.1.so.7+0x17877 (evbuffer_free)");
	/* Allocated by the program itself: its frame, first outside the
	 * foreign modules, as before; nothing inside. */
	ck_assert_int_eq(report_crash_site(report, "./prog+0x1000 (f)", site,
	    sizeof(site), inside, sizeof(inside)), 1);
	ck_assert_str_eq(site, "/lib/libevent_core-2.1.so.7+0x1e7b0");
	ck_assert_str_eq(inside, "");
	/* All in the library: its first frame. */
	ck_assert_int_eq(report_crash_site("crash_frame=/lib/libevent-2.1.so.7"
	    "+0x10\ncrash_frame=/lib/libc.so.6+0x20\n", caller, site,
	    sizeof(site), inside, sizeof(inside)), 1);
	ck_assert_str_eq(site, "/lib/libevent-2.1.so.7+0x10");
	ck_assert_str_eq(inside, "");
	/* A library whose name merely starts the same is another. */
	ck_assert_int_eq(report_crash_site("crash_frame=/lib/libeventx.so.1"
	    "+0x10\n", caller, site, sizeof(site), NULL, 0), 1);
	ck_assert_str_eq(site, "/lib/libeventx.so.1+0x10");
}
END_TEST

START_TEST(test_library_crash_site_is_the_first_own_frame)
{
	/* Under a build directory whose name holds "libevmm": only the
	 * file name says whose a module is. */
	static const char report[] =
	    "allocations=3\n"
	    "first_injected_caller=/b/libevmm-0.2/prog+0x10e0\n"
	    "crash_signal=6\n"
	    "crash_frame=/lib/x86_64-linux-gnu/libc.so.6+0x8aebc\n"
	    "crash_frame=/lib/x86_64-linux-gnu/libc.so.6+0x3cfb1 (raise)\n"
	    "crash_frame=/b/libevmm-0.2/.libs/libevmm.so.1+0x2f00\n"
	    "crash_frame=/b/libevmm-0.2/prog+0x1234 (xmalloc)\n"
	    "crash_frame=/b/libevmm-0.2/prog+0x1300\n";

	ck_assert_str_eq(crash_site_of(report),
	    "/b/libevmm-0.2/prog+0x1234 (xmalloc)");
}
END_TEST

START_TEST(test_library_crash_site_in_libc_alone_is_libc)
{
	ck_assert_str_eq(crash_site_of("crash_signal=11\n"
	    "crash_frame=/lib/libc.so.6+0x27249\n"
	    "crash_frame=/lib/libc.so.6+0x27304 (__libc_start_main)"),
	    "/lib/libc.so.6+0x27249");
}
END_TEST

START_TEST(test_library_crash_site_outside_any_module_is_its_address)
{
	ck_assert_str_eq(crash_site_of("crash_signal=11\ncrash_frame=0x0\n"
	    "crash_frame=/lib/libc.so.6+0x27249\n"), "0x0");
}
END_TEST

START_TEST(test_report_without_frames_has_no_crash_site)
{
	ck_assert(crash_site_of("allocations=3\ncrash_signal=11\n"
	    "first_injected_caller=/tmp/prog+0x10e0\n") == NULL);
	ck_assert(crash_site_of("") == NULL);
}
END_TEST

/* --- Call sites ----------------------------------------------------------- */

/* report_sites() on text, into firsts (room for max); its result. */
static unsigned long firsts[8];
static size_t nfirsts;

static enum site_list
sites_in(const char *report, size_t max)
{
	nfirsts = 99;
	return report_sites(report, firsts, max, &nfirsts);
}

START_TEST(test_site_lines_give_first_numbers_in_order_once)
{
	ck_assert_int_eq(sites_in("process=prog#1\nallocations=1003\n"
	    "site=503 ./prog+0x14b2 (rare)\nsite=1 ./prog+0x1492\n"
	    "site=2 ./prog+0x13c2 (a name with spaces)\nsite=1003 0x7f00\n"
	    "site=2 ./prog+0x13c2\nsites=5\n", 8), SITES_COMPLETE);
	ck_assert_uint_eq(nfirsts, 4);
	ck_assert_uint_eq(firsts[0], 1);
	ck_assert_uint_eq(firsts[1], 2);
	ck_assert_uint_eq(firsts[2], 503);
	ck_assert_uint_eq(firsts[3], 1003);
	/* A process that made no allocation lists none, completely. */
	ck_assert_int_eq(sites_in("allocations=0\nsites=0\n", 8),
	    SITES_COMPLETE);
	ck_assert_uint_eq(nfirsts, 0);
}
END_TEST

START_TEST(test_full_site_list_is_told_apart)
{
	ck_assert_int_eq(sites_in("site=1 a+0x1\nsite=7 a+0x2\nsites=2\n"
	    "sites_full=1\n", 8), SITES_FULL);
	ck_assert_uint_eq(nfirsts, 2);
	ck_assert_uint_eq(firsts[1], 7);
}
END_TEST

START_TEST(test_report_without_site_lines_lists_none)
{
	ck_assert_int_eq(sites_in("allocations=6\nmalloc_calls=2\n", 8),
	    SITES_ABSENT);
	ck_assert_uint_eq(nfirsts, 0);
	ck_assert_int_eq(sites_in("", 8), SITES_ABSENT);
	/* Keys that only start like ours are not ours. */
	ck_assert_int_eq(sites_in("sites_full=1\nsitex=3\n", 8),
	    SITES_ABSENT);
}
END_TEST

START_TEST(test_cut_or_malformed_site_list_is_not_believed)
{
	/* No count: the writer died before it ended the list. */
	ck_assert_int_eq(sites_in("site=1 a+0x1\nsite=4 a+0x2\n", 8),
	    SITES_CUT);
	ck_assert_uint_eq(nfirsts, 0);
	/* A count that is not the number of lines. */
	ck_assert_int_eq(sites_in("site=1 a+0x1\nsites=2\n", 8), SITES_CUT);
	ck_assert_int_eq(sites_in("site=1 a+0x1\nsites=1x\n", 8), SITES_CUT);
	/* No number, 0, a sign, or junk after it. */
	ck_assert_int_eq(sites_in("site=x a+0x1\nsites=1\n", 8), SITES_CUT);
	ck_assert_int_eq(sites_in("site=0 a+0x1\nsites=1\n", 8), SITES_CUT);
	ck_assert_int_eq(sites_in("site=-3 a+0x1\nsites=1\n", 8), SITES_CUT);
	ck_assert_int_eq(sites_in("site=3a a+0x1\nsites=1\n", 8), SITES_CUT);
	/* More lines than there is room for. */
	ck_assert_int_eq(sites_in("site=1 a\nsite=2 b\nsite=3 c\nsites=3\n",
	    2), SITES_CUT);
	/* A last line without its newline is still read. */
	ck_assert_int_eq(sites_in("site=9\nsites=1", 8), SITES_COMPLETE);
	ck_assert_uint_eq(firsts[0], 9);
}
END_TEST

Suite *
make_report_parse_suite(void)
{
	Suite *s = suite_create("report file");
	TCase *tc = tcase_create("Values");

	tcase_add_test(tc, test_value_is_the_rest_of_its_line);
	tcase_add_test(tc, test_value_key_matches_whole_and_at_line_start);
	tcase_add_test(tc, test_missing_value_leaves_buffer_untouched);
	tcase_add_test(tc, test_value_on_last_line_without_newline_is_read);
	tcase_add_test(tc, test_long_value_is_cut_to_the_buffer);
	tcase_add_test(tc, test_first_of_repeated_keys_wins);
	suite_add_tcase(s, tc);
	tc = tcase_create("Crash sites");
	tcase_add_test(tc, test_library_crash_site_is_the_first_own_frame);
	tcase_add_test(tc,
	    test_crash_site_is_the_first_frame_outside_the_allocating_library);
	tcase_add_test(tc, test_library_crash_site_in_libc_alone_is_libc);
	tcase_add_test(tc,
	    test_library_crash_site_outside_any_module_is_its_address);
	tcase_add_test(tc, test_report_without_frames_has_no_crash_site);
	suite_add_tcase(s, tc);
	tc = tcase_create("Sites");
	tcase_add_test(tc, test_site_lines_give_first_numbers_in_order_once);
	tcase_add_test(tc, test_full_site_list_is_told_apart);
	tcase_add_test(tc, test_report_without_site_lines_lists_none);
	tcase_add_test(tc, test_cut_or_malformed_site_list_is_not_believed);
	suite_add_tcase(s, tc);
	return s;
}
