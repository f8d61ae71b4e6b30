# tests/local.mk: make check's programs and scripts.
#
# tests/unit/      the C tests: the Check suites (check_<area>.c, which
#                  check_main.c runs as check_evmm), evmm-torture's pure
#                  functions (check_torture.c), the setter's rules in fresh
#                  processes (allocator_rules.c), and the allocation hooks
#                  they share (hooks.c, hooks.h).
# tests/scripts/   the shell tests make check runs, tap.sh that they source,
#                  and their data (exports-*.txt, the export lists).
# tests/programs/  programs the scripts drive or compile: victims with
#                  planted bugs for evmm-torture, fault_env, and the
#                  consumers built against an installed tree.
# tests/release/   checks of what a release ships, run by test-all.sh and
#                  make abi-check rather than make check: they build more
#                  than one tree or read a tarball.

# Without the Check framework (configure says why), the Check suites are
# neither built nor run: tests/scripts/check-suites.sh reports them
# skipped with the reason, and every other test runs.
check_PROGRAMS = tests/unit/allocator_rules
if HAVE_CHECK
check_PROGRAMS += tests/unit/check_evmm
TESTS_CHECK = tests/unit/check_evmm
else
TESTS_CHECK = tests/scripts/check-suites.sh
endif
EXTRA_DIST += tests/scripts/check-suites.sh
tests_unit_check_evmm_SOURCES = \
	tests/unit/check_evmm.h \
	tests/unit/check_main.c \
	tests/unit/check_allocator.c \
	tests/unit/check_fault.c \
	tests/unit/check_fork.c \
	tests/unit/check_mm.c \
	tests/unit/check_stats.c \
	tests/unit/check_version.c \
	tests/unit/hooks.c \
	tests/unit/hooks.h
tests_unit_check_evmm_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_evmm_LDADD = $(evmm_la) $(CHECK_LIBS) $(PTHREAD_LIBS)
# tests/unit/allocator_rules: the setter's rule for live blocks, each case
# in a process in which nothing has been allocated yet.  TAP, without Check.
tests_unit_allocator_rules_SOURCES = tests/unit/allocator_rules.c \
	tests/unit/hooks.c tests/unit/hooks.h

# tests/unit/check_torture: evmm-torture's pure functions (verdicts,
# checker logs, the report file's parser, grouping), linked alone.  Built
# in both variants: they need no libevmm.
if HAVE_CHECK
if HAVE_PROCESSES
check_PROGRAMS += tests/unit/check_torture
TESTS_CHECK += tests/unit/check_torture
endif
endif
tests_unit_check_torture_SOURCES = tests/unit/check_torture.h \
	tests/unit/check_torture.c tests/unit/check_report_parse.c \
	$(torture_pure_sources) lib/report-keys.h
tests_unit_check_torture_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir) \
	-I$(top_srcdir)/tools/torture
tests_unit_check_torture_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_check_torture_LDADD = $(CHECK_LIBS)


# A program for the environment variables, and dependents with planted
# out-of-memory bugs for evmm-torture to find.
if BUILD_TORTURE
check_PROGRAMS += \
	tests/programs/fault_env \
	tests/programs/crash_victim \
	tests/programs/torture_victim \
	tests/programs/torture_victim_fixed \
	tests/programs/torture_victim_leaky \
	tests/programs/torture_victim_hangs \
	tests/programs/torture_tree \
	tests/programs/sites_victim \
	tests/programs/leak_alone
endif
# tests/programs/crash_victim loads libevmm with dlopen(), and does not
# link it.  Its loader-lock mode loads slow_constructor, a shared library
# whose constructor never returns; -rpath makes libtool build it shared.
tests_programs_crash_victim_SOURCES = tests/programs/crash_victim.c
tests_programs_crash_victim_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_programs_crash_victim_LDADD = $(PTHREAD_LIBS)
if BUILD_TORTURE
check_LTLIBRARIES = tests/programs/slow_constructor.la
endif
tests_programs_slow_constructor_la_SOURCES = tests/programs/slow_constructor.c
tests_programs_slow_constructor_la_LDFLAGS = -module -avoid-version \
	-rpath $(abs_builddir)/tests/programs
tests_programs_torture_victim_SOURCES = tests/programs/torture_victim.c
tests_programs_torture_victim_CPPFLAGS = $(AM_CPPFLAGS) -DVICTIM_BUGGY
tests_programs_torture_victim_fixed_SOURCES = tests/programs/torture_victim.c
tests_programs_torture_victim_leaky_SOURCES = tests/programs/torture_victim.c
tests_programs_torture_victim_leaky_CPPFLAGS = $(AM_CPPFLAGS) -DVICTIM_LEAKY
tests_programs_torture_victim_hangs_SOURCES = tests/programs/torture_victim.c
tests_programs_torture_victim_hangs_CPPFLAGS = $(AM_CPPFLAGS) -DVICTIM_HANGS
tests_programs_torture_tree_SOURCES = tests/programs/torture_tree.c
# It does not load libevmm.
tests_programs_leak_alone_SOURCES = tests/programs/leak_alone.c
tests_programs_leak_alone_LDADD =
tests_programs_sites_victim_SOURCES = tests/programs/sites_victim.c
tests_programs_sites_victim_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_programs_sites_victim_LDADD = $(evmm_la) $(PTHREAD_LIBS)

# fork() from a thread with a small, nearly full stack: linked with
# libevmm, and alone, to measure what fork() needs without it.
if HAVE_PROCESSES
if HAVE_PTHREAD
check_PROGRAMS += tests/programs/fork_small_stack \
	tests/programs/fork_small_stack_alone
endif
endif
tests_programs_fork_small_stack_SOURCES = tests/programs/fork_small_stack.c
tests_programs_fork_small_stack_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_programs_fork_small_stack_LDADD = $(evmm_la) $(PTHREAD_LIBS)
tests_programs_fork_small_stack_alone_SOURCES = \
	tests/programs/fork_small_stack.c
tests_programs_fork_small_stack_alone_CPPFLAGS = $(AM_CPPFLAGS) -DWITHOUT_EVMM
tests_programs_fork_small_stack_alone_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_programs_fork_small_stack_alone_LDADD = $(PTHREAD_LIBS)

# A libevent program of our own, which does not link libevmm: libevent
# reaches it through evmm-torture --preload.  It is compiled without our
# include directories, whose event2/ would hide libevent's headers.
if BUILD_TORTURE
if HAVE_LIBEVENT
check_PROGRAMS += tests/programs/libevent_roundtrip
endif
endif
tests_programs_libevent_roundtrip_SOURCES = tests/programs/libevent_roundtrip.c
tests_programs_libevent_roundtrip_CPPFLAGS = $(LIBEVENT_CFLAGS)
tests_programs_libevent_roundtrip_LDADD = $(LIBEVENT_LIBS)

dist_check_SCRIPTS = \
	tests/scripts/benchmarks-md.sh \
	tests/scripts/crash-site.sh \
	tests/scripts/durations.sh \
	tests/scripts/example.sh \
	tests/scripts/fault-env.sh \
	tests/scripts/fork-small-stack.sh \
	tests/scripts/report-files.sh \
	tests/scripts/secure-env.sh \
	tests/scripts/exports.sh \
	tests/scripts/installed.sh \
	tests/scripts/libevent.sh \
	tests/scripts/man.sh \
	tests/scripts/preload-libevent.sh \
	tests/scripts/release-version.sh \
	tests/scripts/torture.sh \
	tests/scripts/torture-hygiene.sh \
	tests/scripts/torture-tree.sh \
	tests/scripts/torture-libevent.sh
dist_check_DATA = \
	tests/programs/consumer.c \
	tests/programs/with_libevent.c \
	tests/scripts/tap.sh \
	tests/scripts/exports-default.txt \
	tests/scripts/exports-disabled.txt
TESTS = $(TESTS_CHECK) tests/unit/allocator_rules $(dist_check_SCRIPTS)

# Every test speaks TAP, so each Check test and each scripted check is
# its own PASS or FAIL line.
TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(LOG_DRIVER)
AM_TESTS_ENVIRONMENT = \
	CK_TAP_LOG_FILE_NAME=-; CK_VERBOSITY=silent; \
	export CK_TAP_LOG_FILE_NAME CK_VERBOSITY; \
	top_srcdir='$(top_srcdir)'; top_builddir='$(top_builddir)'; \
	MAKE='$(MAKE)'; LIBTOOL='$(LIBTOOL)'; NM='$(NM)'; PKG_CONFIG='$(PKG_CONFIG)'; \
	bindir='$(bindir)'; includedir='$(includedir)'; libdir='$(libdir)'; mandir='$(mandir)'; \
	EVMM_NAME='$(EVMM_NAME)'; MANDOC='$(MANDOC)'; \
	HAVE_LIBEVENT='$(EVMM_HAVE_LIBEVENT)'; export HAVE_LIBEVENT; \
	CC='$(CC)'; CXX='$(CXX)'; CFLAGS='$(CFLAGS)'; LDFLAGS='$(LDFLAGS)'; \
	MM_REPLACEMENT='$(EVMM_MM_REPLACEMENT)'; PACKAGE_VERSION='$(PACKAGE_VERSION)'; \
	EVMM_TAIL_CALLS='$(EVMM_TAIL_CALLS)'; EVMM_CHECK_MISSING='$(EVMM_CHECK_MISSING)'; \
	EVMM_LIBEVENT_MISSING='$(EVMM_LIBEVENT_MISSING)'; \
	CRASH_FRAMES='$(EVMM_CRASH_FRAMES)'; \
	export top_srcdir top_builddir MAKE LIBTOOL NM PKG_CONFIG CC CXX CFLAGS LDFLAGS; \
	export bindir includedir libdir mandir EVMM_NAME MANDOC MM_REPLACEMENT PACKAGE_VERSION; \
	export EVMM_TAIL_CALLS EVMM_CHECK_MISSING EVMM_LIBEVENT_MISSING CRASH_FRAMES;

# Run by test-all.sh, not by make check: they build more than one tree.
EXTRA_DIST += tests/release/side-by-side.sh tests/release/mingw.sh \
	tests/release/debian.sh tests/release/rpm.sh \
	tests/release/dist-files.sh tests/release/libevent-regress.sh \
	tests/release/libevent-regress-build.sh
