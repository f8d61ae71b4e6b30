# tests/local.mk: make check's programs and scripts.

check_PROGRAMS = tests/check_evmm tests/allocator_rules
tests_check_evmm_SOURCES = \
	tests/check_evmm.h \
	tests/check_main.c \
	tests/check_allocator.c \
	tests/check_fault.c \
	tests/check_fork.c \
	tests/check_mm.c \
	tests/check_stats.c \
	tests/check_version.c
tests_check_evmm_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(CHECK_CFLAGS)
tests_check_evmm_LDADD = $(evmm_la) $(CHECK_LIBS) $(PTHREAD_LIBS)
# tests/allocator_rules: the setter's rule for live blocks, each case in a
# process in which nothing has been allocated yet.  TAP, without Check.

# tests/check_torture: evmm-torture's classification and grouping, pure
# functions, linked alone.  Built in both variants: they need no libevmm.
if HAVE_PROCESSES
check_PROGRAMS += tests/check_torture
TESTS_TORTURE_UNIT = tests/check_torture
endif
tests_check_torture_SOURCES = tests/check_torture.c \
	tools/torture/torture.h tools/torture/classify.c tools/torture/group.c \
	lib/report-keys.h
tests_check_torture_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir) \
	-I$(top_srcdir)/tools/torture
tests_check_torture_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_torture_LDADD = $(CHECK_LIBS)

if !HAVE_CHECK
# Say what is missing before the compiler says check.h is.
$(tests_check_evmm_OBJECTS): no-check-framework
$(tests_check_torture_OBJECTS): no-check-framework
no-check-framework:
	@echo "make check needs the Check unit-test framework and pkg-config:" >&2
	@echo "  apt-get install check pkgconf    (Debian, Ubuntu)" >&2
	@echo "then run ./configure again." >&2
	@exit 1
endif

# A program for the environment variables, and dependents with planted
# out-of-memory bugs for evmm-torture to find.
if BUILD_TORTURE
check_PROGRAMS += \
	tests/fault_env \
	tests/crash_victim \
	tests/torture_victim \
	tests/torture_victim_fixed \
	tests/torture_victim_leaky \
	tests/torture_victim_hangs \
	tests/torture_tree \
	tests/sites_victim
endif
# tests/crash_victim loads libevmm with dlopen(), and does not link it.
tests_crash_victim_SOURCES = tests/crash_victim.c
tests_crash_victim_LDADD =
tests_torture_victim_SOURCES = tests/torture_victim.c
tests_torture_victim_CPPFLAGS = $(AM_CPPFLAGS) -DVICTIM_BUGGY
tests_torture_victim_fixed_SOURCES = tests/torture_victim.c
tests_torture_victim_leaky_SOURCES = tests/torture_victim.c
tests_torture_victim_leaky_CPPFLAGS = $(AM_CPPFLAGS) -DVICTIM_LEAKY
tests_torture_victim_hangs_SOURCES = tests/torture_victim.c
tests_torture_victim_hangs_CPPFLAGS = $(AM_CPPFLAGS) -DVICTIM_HANGS
tests_torture_tree_SOURCES = tests/torture_tree.c
tests_sites_victim_SOURCES = tests/sites_victim.c
tests_sites_victim_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_sites_victim_LDADD = $(evmm_la) $(PTHREAD_LIBS)

# A libevent program of our own, which does not link libevmm: libevent
# reaches it through evmm-torture --preload.  It is compiled without our
# include directories, whose event2/ would hide libevent's headers.
if BUILD_TORTURE
if HAVE_LIBEVENT
check_PROGRAMS += tests/libevent_roundtrip
endif
endif
tests_libevent_roundtrip_SOURCES = tests/libevent_roundtrip.c
tests_libevent_roundtrip_CPPFLAGS = $(LIBEVENT_CFLAGS)
tests_libevent_roundtrip_LDADD = $(LIBEVENT_LIBS)

dist_check_SCRIPTS = \
	tests/benchmarks-md.sh \
	tests/crash-site.sh \
	tests/example.sh \
	tests/fault-env.sh \
	tests/secure-env.sh \
	tests/exports.sh \
	tests/installed.sh \
	tests/libevent.sh \
	tests/man.sh \
	tests/preload-libevent.sh \
	tests/torture.sh \
	tests/torture-hygiene.sh \
	tests/torture-tree.sh \
	tests/torture-libevent.sh
dist_check_DATA = \
	tests/consumer.c \
	tests/with_libevent.c \
	tests/tap.sh \
	tests/exports-default.txt \
	tests/exports-disabled.txt
TESTS = tests/check_evmm tests/allocator_rules $(TESTS_TORTURE_UNIT) \
	$(dist_check_SCRIPTS)

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
	EVMM_TAIL_CALLS='$(EVMM_TAIL_CALLS)'; \
	export top_srcdir top_builddir MAKE LIBTOOL NM PKG_CONFIG CC CXX CFLAGS LDFLAGS; \
	export bindir includedir libdir mandir EVMM_NAME MANDOC MM_REPLACEMENT PACKAGE_VERSION; \
	export EVMM_TAIL_CALLS;

# Run by test-all.sh, not by make check: they build more than one tree.
EXTRA_DIST += tests/side-by-side.sh tests/mingw.sh tests/debian.sh \
	tests/rpm.sh tests/dist-files.sh
