/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/* The version query, the same in both variants. */
#include "config.h"

#include <stdio.h>

#include <event2/evmm.h>

#include "check_evmm.h"

START_TEST(test_version_string_matches_headers)
{
	ck_assert_ptr_nonnull(evmm_get_version());
	ck_assert_str_eq(evmm_get_version(), EVMM_VERSION);
}
END_TEST

START_TEST(test_version_number_matches_headers)
{
	ck_assert_uint_eq(evmm_get_version_number(), EVMM_NUMERIC_VERSION);
}
END_TEST

START_TEST(test_version_number_encodes_string)
{
	unsigned major, minor, patch;

	ck_assert_int_eq(sscanf(evmm_get_version(), "%u.%u.%u",
	    &major, &minor, &patch), 3);
	ck_assert_uint_eq(evmm_get_version_number(),
	    (unsigned long)major << 24 | (unsigned long)minor << 16 |
	    (unsigned long)patch << 8);
}
END_TEST

Suite *
make_version_suite(void)
{
	Suite *s = suite_create("version");
	TCase *tc = tcase_create("Core");

	tcase_add_test(tc, test_version_string_matches_headers);
	tcase_add_test(tc, test_version_number_matches_headers);
	tcase_add_test(tc, test_version_number_encodes_string);
	suite_add_tcase(s, tc);
	return s;
}
