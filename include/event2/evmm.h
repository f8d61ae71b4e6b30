/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/**
 * @file event2/evmm.h
 *
 * Allocating through libevmm, and asking which libevmm is loaded.
 *
 * A library that wants its allocations to follow the allocator a program
 * installed with event_set_mem_functions() calls the event_mm_*_
 * functions declared here instead of malloc() and friends.  Their names
 * and behaviour are libevent's.
 *
 * The short names mm_malloc(), mm_calloc(), mm_strdup(), mm_realloc() and
 * mm_free() are defined only for code that defines EVMM_SHORT_NAMES before
 * including this header, because names that short clash with other
 * libraries.  In the default build they call the event_mm_*_ functions; in
 * a build configured with --disable-malloc-replacement they are the C
 * library's malloc(), calloc(), strdup(), realloc() and free(), and the
 * event_mm_*_ functions do not exist.  (strdup() is POSIX: a program
 * compiled in a strict ISO C mode must request it, for instance by defining
 * _POSIX_C_SOURCE to 200809L, to use mm_strdup() in that variant.)
 */
#ifndef EVENT2_EVMM_H_INCLUDED_
#define EVENT2_EVMM_H_INCLUDED_

#include <stddef.h>

#include <event2/event-config.h>
#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The version of these headers, as a string such as "1.2.3". */
#define EVMM_VERSION EVENT__EVMM_VERSION

/** The version of these headers as a number, 0xMMmmpp00: 1.2.3 is
 * 0x01020300, so versions compare with < and >. */
#define EVMM_NUMERIC_VERSION EVENT__EVMM_NUMERIC_VERSION

/**
 * The version of the libevmm library loaded at run time, which may differ
 * from EVMM_VERSION, the version the program was compiled against.
 *
 * May be called at any time, from any thread.
 *
 * @return a static string such as "1.2.3"; never NULL.  errno is unchanged.
 */
EVENT2_EXPORT_SYMBOL
const char *evmm_get_version(void);

/**
 * The version of the libevmm library loaded at run time, as a number in
 * the layout of EVMM_NUMERIC_VERSION.
 *
 * May be called at any time, from any thread.
 *
 * @return 0xMMmmpp00 for version MM.mm.pp.  errno is unchanged.
 */
EVENT2_EXPORT_SYMBOL
unsigned long evmm_get_version_number(void);

#ifndef EVENT__DISABLE_MM_REPLACEMENT

/**
 * Allocate @p sz bytes with the installed malloc function, or malloc().
 *
 * May be called at any time; with a replacement allocator, only after
 * event_set_mem_functions() has installed it.
 *
 * @param sz  the number of bytes
 * @return the block, to be released with event_mm_free_(); or NULL: when
 *   @p sz is 0 (errno unchanged, no allocator called), or when the
 *   allocator fails (errno as the allocator left it, ENOMEM for malloc()).
 */
EVENT2_EXPORT_SYMBOL
void *event_mm_malloc_(size_t sz);

/**
 * Allocate a zero-filled array of @p count elements of @p size bytes.
 *
 * The product is checked for overflow before any allocator runs.  With a
 * replacement allocator the block comes from its malloc function and is
 * then zero-filled; otherwise it comes from calloc().
 *
 * @param count  the number of elements
 * @param size   the size of one element, in bytes
 * @return the block, to be released with event_mm_free_(); or NULL: when
 *   @p count or @p size is 0 (errno unchanged, no allocator called), with
 *   errno set to ENOMEM when @p count * @p size overflows a size_t or the
 *   allocator fails.
 */
EVENT2_EXPORT_SYMBOL
void *event_mm_calloc_(size_t count, size_t size);

/**
 * Copy a NUL-terminated string into a new block.
 *
 * With a replacement allocator the copy is made in a block of
 * strlen(@p str) + 1 bytes from its malloc function; otherwise strdup()
 * makes it.
 *
 * @param str  the string to copy
 * @return the copy, to be released with event_mm_free_(); or NULL with
 *   errno set to EINVAL when @p str is NULL, or to ENOMEM when the
 *   allocator fails.
 */
EVENT2_EXPORT_SYMBOL
char *event_mm_strdup_(const char *str);

/**
 * Resize a block with the installed realloc function, or realloc().
 *
 * The arguments are passed on unchanged, so a NULL @p ptr and a zero
 * @p sz mean what they mean to that function.
 *
 * @param ptr  a block from the event_mm_*_ functions, or NULL
 * @param sz   the new size, in bytes
 * @return what the realloc function returns; errno as it leaves it.
 */
EVENT2_EXPORT_SYMBOL
void *event_mm_realloc_(void *ptr, size_t sz);

/**
 * Release a block with the installed free function, or free().
 *
 * @p ptr is passed on unchanged, NULL included.
 *
 * @param ptr  a block from the event_mm_*_ functions, or NULL
 */
EVENT2_EXPORT_SYMBOL
void event_mm_free_(void *ptr);

#endif /* !EVENT__DISABLE_MM_REPLACEMENT */

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVMM_H_INCLUDED_ */

/* Outside the include guard, so that a file can ask for the short names
 * after something else has included this header without them. */
#if defined(EVMM_SHORT_NAMES) && !defined(EVMM_SHORT_NAMES_DEFINED_)
#define EVMM_SHORT_NAMES_DEFINED_
#ifndef EVENT__DISABLE_MM_REPLACEMENT
#define mm_malloc(sz)		event_mm_malloc_(sz)
#define mm_calloc(count, size)	event_mm_calloc_((count), (size))
#define mm_strdup(str)		event_mm_strdup_(str)
#define mm_realloc(ptr, sz)	event_mm_realloc_((ptr), (sz))
#define mm_free(ptr)		event_mm_free_(ptr)
#else
#include <stdlib.h>
#include <string.h>
#define mm_malloc(sz)		malloc(sz)
#define mm_calloc(count, size)	calloc((count), (size))
#define mm_strdup(str)		strdup(str)
#define mm_realloc(ptr, sz)	realloc((ptr), (sz))
#define mm_free(ptr)		free(ptr)
#endif
#endif /* EVMM_SHORT_NAMES */
