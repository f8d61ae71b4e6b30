# bench/local.mk: make bench, make bench-md, make bench-torture and
# make bench-regress
# (see BENCHMARKS.md).

# Built only by make bench.  The reference dispatch is a shared library of
# its own, built with the library's flags, so both pay the same calls.
EXTRA_LTLIBRARIES = bench/libref3.la
bench_libref3_la_SOURCES = bench/ref3.c bench/ref3.h
bench_libref3_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir) -DEVMM_BUILDING_LIBRARY
bench_libref3_la_CFLAGS = $(evmm_cflags)
bench_libref3_la_LDFLAGS = -rpath $(abs_builddir)/bench -avoid-version -no-undefined
# The driver (bench/driver.c) measures every program alike: evmm-bench
# for libevmm, and one program per peer that configure found, since
# libevent exports the same names as libevmm.  The peers do not see
# libevmm's include directory, whose event2/ headers would hide
# libevent's.
bench_driver = bench/driver.c bench/driver.h
bench_peer_cppflags = -I$(top_builddir) -I$(top_srcdir)
bench_peer_cflags = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
EXTRA_PROGRAMS = bench/evmm-bench \
	bench/evmm-peer-libevent bench/evmm-peer-openssl bench/evmm-peer-sqlite
bench_evmm_bench_SOURCES = bench/bench.c $(bench_driver)
bench_evmm_bench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)
bench_evmm_bench_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
bench_evmm_bench_LDADD = $(evmm_la) bench/libref3.la $(PTHREAD_LIBS)
bench_evmm_peer_libevent_SOURCES = bench/peer-libevent.c $(bench_driver)
bench_evmm_peer_libevent_CPPFLAGS = $(bench_peer_cppflags) $(BENCH_LIBEVENT_CFLAGS)
bench_evmm_peer_libevent_CFLAGS = $(bench_peer_cflags)
bench_evmm_peer_libevent_LDADD = $(BENCH_LIBEVENT_LIBS) $(PTHREAD_LIBS)
bench_evmm_peer_openssl_SOURCES = bench/peer-openssl.c $(bench_driver)
bench_evmm_peer_openssl_CPPFLAGS = $(bench_peer_cppflags) $(BENCH_OPENSSL_CFLAGS)
bench_evmm_peer_openssl_CFLAGS = $(bench_peer_cflags)
bench_evmm_peer_openssl_LDADD = $(BENCH_OPENSSL_LIBS) $(PTHREAD_LIBS)
bench_evmm_peer_sqlite_SOURCES = bench/peer-sqlite.c $(bench_driver)
bench_evmm_peer_sqlite_CPPFLAGS = $(bench_peer_cppflags) $(BENCH_SQLITE_CFLAGS)
bench_evmm_peer_sqlite_CFLAGS = $(bench_peer_cflags)
bench_evmm_peer_sqlite_LDADD = $(BENCH_SQLITE_LIBS) $(PTHREAD_LIBS)
CLEANFILES += $(EXTRA_LTLIBRARIES) $(EXTRA_PROGRAMS) bench/last.txt
EXTRA_DIST += bench/run.sh bench/md.sh bench/torture.sh \
	bench/libevent-regress.sh BENCHMARKS.md \
	bench/results/default.txt bench/results/disabled.txt \
	bench/results/torture.txt bench/results/libevent-regress.txt

# make bench also keeps its output in bench/last.txt; make bench-md
# makes it this variant's results in the source tree and regenerates
# BENCHMARKS.md's figures from them (tests/scripts/benchmarks-md.sh checks that
# they were not edited by hand).
if MM_REPLACEMENT
bench_results = bench/results/default.txt
else
bench_results = bench/results/disabled.txt
endif
bench: bench/evmm-bench$(EXEEXT) $(BENCH_PEER_PROGRAMS)
	LIBTOOL='$(LIBTOOL)' BENCH=bench/evmm-bench$(EXEEXT) \
	MM_REPLACEMENT='$(EVMM_MM_REPLACEMENT)' VERSION='$(PACKAGE_VERSION)' \
	CC='$(CC)' CFLAGS='$(CFLAGS)' \
	PEER_libevent='$(BENCH_LIBEVENT_PEER)' PEER_openssl='$(BENCH_OPENSSL_PEER)' \
	PEER_sqlite='$(BENCH_SQLITE_PEER)' BENCH_OUT=bench/last.txt \
	$(SHELL) $(top_srcdir)/bench/run.sh $(BENCH_FLAGS)
bench-md:
	@test -f bench/last.txt || { echo "make bench-md: run make bench first" >&2; exit 1; }
	cp bench/last.txt $(top_srcdir)/$(bench_results)
	$(SHELL) $(top_srcdir)/bench/md.sh $(top_srcdir)/BENCHMARKS.md

# make bench-torture: evmm-torture, exhaustive against --per-site, on the
# libevent program of the tests, through --preload and this tree's
# library; its output goes to bench/results/torture.txt and BENCHMARKS.md.
if BUILD_TORTURE
if HAVE_LIBEVENT
bench-torture: tools/evmm-torture$(EXEEXT) \
    tests/programs/libevent_roundtrip$(EXEEXT) $(evmm_la)
	dlname=`$(SED) -n "s/^dlname='\\(.*\\)'\$$/\\1/p" $(evmm_la)`; \
	TORTURE=tools/evmm-torture$(EXEEXT) \
	PROG=tests/programs/libevent_roundtrip$(EXEEXT) \
	EVMM_TORTURE_PRELOAD=$(abs_builddir)/.libs/$$dlname \
	$(SHELL) $(top_srcdir)/bench/torture.sh >bench/torture.txt
	cp bench/torture.txt $(top_srcdir)/bench/results/torture.txt
	$(SHELL) $(top_srcdir)/bench/md.sh $(top_srcdir)/BENCHMARKS.md
else
bench-torture:
	@echo "make bench-torture needs libevent (Debian: apt-get install libevent-dev), then configure again" >&2; exit 1
endif
else
bench-torture:
	@echo "make bench-torture needs evmm-torture: the default variant, on a system with fork()" >&2; exit 1
endif
CLEANFILES += bench/torture.txt

# make bench-regress: evmm-torture's ways of choosing points on libevent's
# own test/regress (bench/libevent-regress.sh), built from Debian's source
# package in REGRESS_WORKDIR; its output goes to
# bench/results/libevent-regress.txt and BENCHMARKS.md.  About 20 minutes.
REGRESS_WORKDIR = $(abs_builddir)/libevent-regress
if BUILD_TORTURE
bench-regress: tools/evmm-torture$(EXEEXT) $(evmm_la)
	regress=`$(SHELL) $(top_srcdir)/tests/release/libevent-regress-build.sh \
	    $(REGRESS_WORKDIR)` || exit 1; \
	dlname=`$(SED) -n "s/^dlname='\\(.*\\)'\$$/\\1/p" $(evmm_la)`; \
	TORTURE=$(abs_builddir)/tools/evmm-torture$(EXEEXT) \
	EVMM_TORTURE_PRELOAD=$(abs_builddir)/.libs/$$dlname \
	$(SHELL) $(top_srcdir)/bench/libevent-regress.sh "$$regress" \
	    >bench/libevent-regress.txt
	cp bench/libevent-regress.txt \
	    $(top_srcdir)/bench/results/libevent-regress.txt
	$(SHELL) $(top_srcdir)/bench/md.sh $(top_srcdir)/BENCHMARKS.md
else
bench-regress:
	@echo "make bench-regress needs evmm-torture: the default variant, on a system with fork()" >&2; exit 1
endif
CLEANFILES += bench/libevent-regress.txt

