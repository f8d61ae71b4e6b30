/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/**
 * @file event2/event-config.h
 *
 * libevent's name for the configuration header, kept for code written for
 * libevent: it defines EVENT__DISABLE_MM_REPLACEMENT when libevmm was
 * configured with --disable-malloc-replacement, and includes
 * event2/evmm_config.h, which holds the rest of libevmm's configuration
 * (libevmm's own headers include only that one).
 *
 * Beside libevent: when libevent's own event2/event-config.h is further
 * down the include path, this header includes it, because libevent's
 * headers ask for it by this name and find this one first.  Then every
 * EVENT__ macro here, EVENT__DISABLE_MM_REPLACEMENT included, is
 * libevent's and describes libevent; libevmm's variant is
 * EVENT__EVMM_DISABLE_MM_REPLACEMENT.  README.md ("Beside libevent's
 * headers") says what this relies on.
 */
#ifndef EVMM_EVENT_CONFIG_H_INCLUDED_
#define EVMM_EVENT_CONFIG_H_INCLUDED_

#include <event2/evmm_config.h>

#if !defined(EVMM_BUILDING_LIBRARY) && \
    !defined(EVMM_IGNORE_LIBEVENT_HEADERS_) && defined(__has_include_next)
# if __has_include_next(<event2/event-config.h>)
   /* libevent's headers are system headers; this keeps -pedantic from
    * calling #include_next an extension. */
#  pragma GCC system_header
#  include_next <event2/event-config.h>
# endif
#endif

/* EVENT2_EVENT_CONFIG_H_INCLUDED_ is libevent's include guard: libevent's
 * own configuration, when it is there, speaks for libevent. */
#if defined(EVENT__EVMM_DISABLE_MM_REPLACEMENT) && \
    !defined(EVENT2_EVENT_CONFIG_H_INCLUDED_)
#define EVENT__DISABLE_MM_REPLACEMENT 1
#endif

#endif /* EVMM_EVENT_CONFIG_H_INCLUDED_ */
