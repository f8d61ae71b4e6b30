/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/* The suites that tests/unit/check_main.c runs, one per area. */
#ifndef EVMM_TESTS_CHECK_EVMM_H_INCLUDED_
#define EVMM_TESTS_CHECK_EVMM_H_INCLUDED_

#include <check.h>

Suite *make_allocator_suite(void);
Suite *make_fault_suite(void);
Suite *make_fork_suite(void);
Suite *make_mm_suite(void);
Suite *make_stats_suite(void);
Suite *make_version_suite(void);

#endif /* EVMM_TESTS_CHECK_EVMM_H_INCLUDED_ */
