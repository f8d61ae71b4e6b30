/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/**
 * @file event2/event.h
 *
 * Replacing the allocator, with libevent's interface.
 *
 * Code written for libevent's event_set_mem_functions() compiles against
 * this header unchanged.  In a build configured with
 * --disable-malloc-replacement (EVENT__EVMM_DISABLE_MM_REPLACEMENT is
 * defined in event2/evmm_config.h) nothing here is declared, and
 * EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED is not defined: test that macro
 * before calling.
 *
 * It includes event2/evmm.h, so that one include gives the whole API, as
 * libevent's event2/event.h does for libevent, and event2/event-config.h,
 * as libevent's does.
 *
 * Beside libevent: when libevent's own event2/event.h is further down the
 * include path (libevent's development files are installed), this header
 * includes it as well, so that a program using both libraries can include
 * <event2/event.h> with libevmm's include directory on its path.  Both
 * declare event_set_mem_functions(), with the same prototype.  Then
 * EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED still speaks for libevmm: it is
 * defined exactly when libevmm has the function, whatever libevent's
 * configuration.  doc/libevent.md ("Beside libevent's headers") says what this
 * relies on and where it cannot work.
 */
#ifndef EVMM_EVENT_H_INCLUDED_
#define EVMM_EVENT_H_INCLUDED_

#include <stddef.h>

#include <event2/event-config.h>
#include <event2/evmm.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef EVENT__EVMM_DISABLE_MM_REPLACEMENT

/**
 * Defined when event_set_mem_functions() exists, that is, when libevmm was
 * not configured with --disable-malloc-replacement.
 */
#define EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED

/**
 * Replace the functions that libevmm, and every library that allocates
 * through it, uses to allocate and free memory.
 *
 * From this call on, event_mm_malloc_(), event_mm_calloc_() and
 * event_mm_strdup_() allocate with @p malloc_fn, event_mm_realloc_() calls
 * @p realloc_fn and event_mm_free_() calls @p free_fn.  Each argument may
 * be NULL, which means the C library's function for that role;
 * event_set_mem_functions(NULL, NULL, NULL) restores the C library
 * entirely.
 *
 * Call it once, at the start of the program, before anything has
 * allocated through libevmm: a block that one allocator made and another
 * frees or resizes corrupts the heap.  For the same reason give all three
 * functions, or none; replacing only some mixes two allocators.
 * evmm_set_allocator() checks both for you.
 *
 * The three functions must behave like malloc(), realloc() and free():
 * @p malloc_fn is never asked for 0 bytes and returns NULL when it fails;
 * @p realloc_fn receives NULL pointers and zero sizes exactly as the caller
 * passed them; @p free_fn receives NULL too.
 *
 * It may be called from any thread, also while other threads allocate
 * through libevmm: each event_mm_*_() call then uses the three functions
 * of exactly one installed allocator, those before this call or those
 * after it, never a mix, and there is no data race.  (The blocks those
 * threads already hold are still the caller's concern, as above.)
 * libevmm keeps each distinct set of functions installed (one small block
 * each, never freed), because another thread may still be using it; in the
 * unlikely case that no memory can be had for a new set, the allocator is
 * left as it was.
 *
 * A child made by fork() may call it at once, whatever the parent's other
 * threads were doing (where the C library has pthread_atfork(), which
 * libevmm uses).  It is not async-signal-safe: it takes a lock that the
 * interrupted thread may hold, and may call malloc().  The functions must
 * not allocate through libevmm themselves (event_mm_*_ or code that uses
 * them): that re-entry is undefined, see event2/evmm.h.
 *
 * @param malloc_fn   replacement for malloc(), or NULL for malloc()
 * @param realloc_fn  replacement for realloc(), or NULL for realloc()
 * @param free_fn     replacement for free(), or NULL for free()
 *
 * It returns nothing, cannot fail and does not change errno.
 */
EVENT2_EXPORT_SYMBOL
void event_set_mem_functions(void *(*malloc_fn)(size_t sz),
    void *(*realloc_fn)(void *ptr, size_t sz),
    void (*free_fn)(void *ptr));

#endif /* !EVENT__EVMM_DISABLE_MM_REPLACEMENT */

#ifdef __cplusplus
}
#endif

#if !defined(EVMM_BUILDING_LIBRARY) && \
    !defined(EVMM_IGNORE_LIBEVENT_HEADERS_) && defined(__has_include_next)
# if __has_include_next(<event2/event.h>)
   /* libevent's headers are system headers; this keeps -pedantic from
    * calling #include_next an extension. */
#  pragma GCC system_header
#  include_next <event2/event.h>
   /* libevent's event.h defined it for libevent's setter; without
    * libevmm's, a program linked with libevmm alone would call a
    * function that is not there. */
#  ifdef EVENT__EVMM_DISABLE_MM_REPLACEMENT
#   undef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
#  endif
# endif
#endif

#endif /* EVMM_EVENT_H_INCLUDED_ */
