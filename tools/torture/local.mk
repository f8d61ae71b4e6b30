# tools/torture/local.mk: the evmm-torture command.

# One file per concern; tools/torture/torture.h says which holds what.
# The pure ones are also linked alone into tests/unit/check_torture.
torture_pure_sources = \
	tools/torture/torture.h \
	tools/torture/modules.c \
	tools/torture/verdict.c \
	tools/torture/report_parse.c \
	tools/torture/checker_log.c \
	tools/torture/group.c
torture_sources = $(torture_pure_sources) \
	tools/torture/options.c \
	tools/torture/tmpdir.c \
	tools/torture/cleanup.c \
	tools/torture/env.c \
	tools/torture/process.c \
	tools/torture/readback.c \
	tools/torture/symbols.c \
	tools/torture/print.c \
	tools/torture/jobs.c \
	tools/torture/schedule.c \
	tools/torture/main.c
if BUILD_TORTURE
bin_PROGRAMS = tools/evmm-torture
dist_man1_MANS = man/evmm-torture.1
BUILT_SOURCES = tools/torture/preload.h
endif
# Shipped by every variant's make dist, installed only with the command.
EXTRA_DIST += man/evmm-torture.1
tools_evmm_torture_SOURCES = $(torture_sources) lib/report-keys.h
nodist_tools_evmm_torture_SOURCES = tools/torture/preload.h
tools_evmm_torture_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir) \
	-I$(top_builddir)/tools/torture
# It drives the library through the environment and does not link it.
tools_evmm_torture_LDADD =
# --preload's default: the library installed with it, by the file name
# its programs load (libtool's dlname: libevmm.so.1 on GNU/Linux).
tools/torture/preload.h: $(evmm_la) Makefile
	$(AM_V_GEN)$(MKDIR_P) tools/torture; \
	dlname=`$(SED) -n "s/^dlname='\\(.*\\)'\$$/\\1/p" $(evmm_la)`; \
	test -n "$$dlname" || dlname=lib$(EVMM_NAME).so; \
	echo "#define EVMM_TORTURE_PRELOAD \"$(libdir)/$$dlname\"" > $@-t && \
	mv $@-t $@
CLEANFILES += tools/torture/preload.h
