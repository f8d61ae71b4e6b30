/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The suites of tests/unit/check_torture, evmm-torture's pure parts: one per
 * file, run by the main in tests/unit/check_torture.c.
 */
#ifndef CHECK_TORTURE_H_INCLUDED_
#define CHECK_TORTURE_H_INCLUDED_

#include <check.h>

/* Verdicts, checker logs, module lists, grouping: tests/unit/check_torture.c. */
Suite *make_torture_suite(void);
/* The report file's parser: tests/unit/check_report_parse.c. */
Suite *make_report_parse_suite(void);

#endif /* CHECK_TORTURE_H_INCLUDED_ */
