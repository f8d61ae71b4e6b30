# include/local.mk: the installed headers and the pkg-config file.

# Under a directory of our own: libevent's development package installs
# event2/event.h, event2/event-config.h and event2/visibility.h directly
# under $(includedir).  evmm.pc's Cflags point here, so consumers still
# write #include <event2/event.h>; those three include libevent's own
# when it is installed too.  A suffixed variant has its own directory,
# because its generated evmm_config.h and event-config.h differ.
evmmincludedir = $(includedir)/$(EVMM_NAME)
event2dir = $(evmmincludedir)/event2
event2_HEADERS = \
	include/event2/event.h \
	include/event2/evmm.h \
	include/event2/evmm_debug.h \
	include/event2/visibility.h
nodist_event2_HEADERS = include/event2/evmm_config.h \
	include/event2/event-config.h

pkgconfigdir = $(libdir)/pkgconfig
nodist_pkgconfig_DATA = $(EVMM_NAME).pc
if VARIANT_SUFFIX
# configure writes evmm.pc; the suffixed variant installs it as
# evmm-SUFFIX.pc, which pkg-config knows by its file name.
$(EVMM_NAME).pc: evmm.pc
	$(AM_V_GEN)cp evmm.pc $@
CLEANFILES += $(EVMM_NAME).pc
endif
