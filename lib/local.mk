# lib/local.mk: the library, included by the top Makefile.am.

# The library is libevmm.la, or libevmm-SUFFIX.la when configured with
# --with-variant-suffix=SUFFIX; everything else refers to it as $(evmm_la).
# Automake keeps @...@ in the canonical name, so the per-target variables
# below are libevmm_SUFFIX_la_*.
# Without --disable-malloc-replacement, the dispatch and the debugging
# layer in front of it (each file's top comment says what it holds and
# what it may depend on; lib/init.c runs them at load, fork and exit).
evmm_sources = lib/version.c
if MM_REPLACEMENT
evmm_sources += \
	lib/compiler-internal.h lib/atomic-internal.h \
	lib/mm.c lib/dispatch-internal.h \
	lib/checked.c lib/setter-internal.h \
	lib/parse.c lib/parse-internal.h \
	lib/text.c lib/text-internal.h \
	lib/report.c lib/report-internal.h lib/report-keys.h \
	lib/report-files.c lib/report-files-internal.h \
	lib/summary.c lib/summary-internal.h \
	lib/crash.c lib/crash-internal.h \
	lib/live.c lib/live-internal.h \
	lib/sites.c lib/sites-internal.h \
	lib/stats.c lib/stats-internal.h \
	lib/fault.c lib/fault-internal.h \
	lib/snapshot.c lib/snapshot-internal.h \
	lib/front.c lib/front-internal.h \
	lib/reach.c lib/reach-internal.h \
	lib/env.c lib/env-internal.h \
	lib/init.c lib/init-internal.h
endif
evmm_cppflags = $(AM_CPPFLAGS) -DEVMM_BUILDING_LIBRARY
evmm_cflags = $(AM_CFLAGS) $(EVMM_VISIBILITY_CFLAGS) $(EVMM_TAILCALL_CFLAGS)
# -version-info CURRENT:REVISION:AGE, changed once per release, before it:
#  - the library's source changed at all: REVISION + 1;
#  - an interface was added, removed or changed: CURRENT + 1, REVISION = 0;
#  - only added: AGE + 1; removed or changed: AGE = 0.
# It is not the package version.  The two variants share it: they export
# different interfaces, so they are different libraries that must never
# be installed under the same name; --with-variant-suffix gives the second
# one a name, and so a SONAME, of its own (see doc/packaging.md).
evmm_ldflags = -version-info 1:0:0 -no-undefined $(EVMM_NODELETE_LDFLAGS)

if VARIANT_SUFFIX
evmm_la = libevmm-@EVMM_VARIANT_SUFFIX@.la
lib_LTLIBRARIES = libevmm-@EVMM_VARIANT_SUFFIX@.la
libevmm_@EVMM_VARIANT_SUFFIX@_la_SOURCES = $(evmm_sources)
libevmm_@EVMM_VARIANT_SUFFIX@_la_CPPFLAGS = $(evmm_cppflags)
libevmm_@EVMM_VARIANT_SUFFIX@_la_CFLAGS = $(evmm_cflags)
libevmm_@EVMM_VARIANT_SUFFIX@_la_LDFLAGS = $(evmm_ldflags)
else
evmm_la = libevmm.la
lib_LTLIBRARIES = libevmm.la
libevmm_la_SOURCES = $(evmm_sources)
libevmm_la_CPPFLAGS = $(evmm_cppflags)
libevmm_la_CFLAGS = $(evmm_cflags)
libevmm_la_LDFLAGS = $(evmm_ldflags)
endif

# Symbol versions (ELF linkers that take a version script; see
# configure.ac): every export gets the node LIB<NAME>_<MAJOR>, LIBEVMM_1
# or LIBEVMM_NOMM_1 for instance, so each variant's symbols are told
# apart from each other's and from libevent's.  MAJOR is the SONAME's,
# CURRENT - AGE of the -version-info above, so the node follows it.
# Anything not evmm_* or event_* stays local even without visibility.
# A program or library linked unversioned (libevent's calls to
# event_mm_*_) binds to these all the same.
if LD_VERSION_SCRIPT
evmm_ldflags += -Wl,--version-script=$(EVMM_NAME).map
EXTRA_libevmm_la_DEPENDENCIES = $(EVMM_NAME).map
EXTRA_libevmm_@EVMM_VARIANT_SUFFIX@_la_DEPENDENCIES = $(EVMM_NAME).map
CLEANFILES += $(EVMM_NAME).map
endif
$(EVMM_NAME).map: Makefile
	$(AM_V_GEN)set -- `echo '$(evmm_ldflags)' | \
	  $(SED) -n 's/.*-version-info \([0-9]*\):[0-9]*:\([0-9]*\).*/\1 \2/p'`; \
	test $$# -eq 2 || { echo "$@: no -version-info C:R:A in evmm_ldflags" >&2; exit 1; }; \
	node=`echo 'lib$(EVMM_NAME)' | tr 'a-z.+-' 'A-Z___'`_`expr $$1 - $$2`; \
	printf '%s {\n  global: evmm_*; event_*;\n  local: *;\n};\n' "$$node" >$@
