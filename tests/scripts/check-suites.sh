#!/bin/sh
# Run by make check in place of the Check suites (tests/unit/check_evmm,
# tests/unit/check_torture) when configure found no Check framework this
# compiler can use: they are reported skipped, with configure's reason,
# and the other tests run.
. "$top_srcdir/tests/scripts/tap.sh"
skip_all "the Check suites are not built: ${EVMM_CHECK_MISSING:-configure found no Check}"
