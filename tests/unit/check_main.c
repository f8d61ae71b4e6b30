/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Runs every suite.  Check's environment variables apply: CK_FORK=no runs
 * the tests in one process, CK_RUN_CASE and CK_RUN_SUITE select, and
 * CK_TAP_LOG_FILE_NAME=- writes TAP for make check.
 */
#include "config.h"

#include <stdlib.h>

#include "check_evmm.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(make_mm_suite());
	srunner_add_suite(sr, make_allocator_suite());
	srunner_add_suite(sr, make_fault_suite());
	srunner_add_suite(sr, make_fork_suite());
	srunner_add_suite(sr, make_stats_suite());
	srunner_add_suite(sr, make_version_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
