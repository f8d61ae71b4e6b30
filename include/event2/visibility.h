/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/**
 * @file event2/visibility.h
 *
 * EVENT2_EXPORT_SYMBOL, which marks what libevmm exports; defined in
 * event2/evmm_config.h, which this header includes.
 *
 * Beside libevent: when libevent's own event2/visibility.h is further
 * down the include path, this header includes it too, because libevent's
 * headers ask for it by this name and find this one first.
 */
#ifndef EVMM_VISIBILITY_H_INCLUDED_
#define EVMM_VISIBILITY_H_INCLUDED_

#include <event2/evmm_config.h>

#if !defined(EVMM_BUILDING_LIBRARY) && \
    !defined(EVMM_IGNORE_LIBEVENT_HEADERS_) && defined(__has_include_next)
# if __has_include_next(<event2/visibility.h>)
#  pragma GCC system_header
#  include_next <event2/visibility.h>
# endif
#endif

#endif /* EVMM_VISIBILITY_H_INCLUDED_ */
