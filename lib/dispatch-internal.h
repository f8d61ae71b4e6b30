/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * What the dispatch (lib/mm.c) offers the code that sits in front of it.
 * Not installed.
 *
 * The dispatch knows nothing of what is in front of it: it publishes one
 * table of functions that the event_mm_*_() entry points call.  Another
 * part of the library (lib/front.c) may publish a table of its own
 * in front, whose functions do their work and then call the allocator's
 * table, which the dispatch keeps in evmm_allocator_table_ meanwhile.
 */
#ifndef EVMM_DISPATCH_INTERNAL_H_INCLUDED_
#define EVMM_DISPATCH_INTERNAL_H_INCLUDED_

#include <stddef.h>

#include "atomic-internal.h"
#include "compiler-internal.h"

struct evmm_allocator;

/* A table of functions with the C library's signatures.  Tables are
 * immutable once published and never freed. */
struct evmm_table {
	void *(*malloc_fn)(size_t sz);
	void *(*realloc_fn)(void *ptr, size_t sz);
	void (*free_fn)(void *ptr);
	/* NULL: event_mm_calloc_() uses malloc_fn and zero-fills. */
	void *(*calloc_fn)(size_t count, size_t size);
	/* The usable size of a block this table's allocator made.  Never
	 * NULL: for an allocator that cannot tell it returns 0, and
	 * evmm_dispatch_sizes_unknown_() remembers that it did. */
	size_t (*size_fn)(void *ptr);
	/* Optional, for a table in front: when set, event_mm_calloc_()
	 * calls calloc_at instead of calloc_fn or malloc_fn, and
	 * event_mm_strdup_() calls strdup_at for the copy's len + 1 bytes
	 * instead of malloc_fn, passing the address their caller will
	 * return to (they do more after the call, so they cannot hand
	 * over by a tail call as the others do).  The result is the
	 * block, zero-filled for calloc_at, or NULL. */
	void *(*calloc_at)(size_t count, size_t size, void *caller);
	void *(*strdup_at)(size_t sz, void *caller);
	/* The dispatch's own: NULL in a table in front. */
	const struct evmm_table *used;		/* a fresh table's used twin */
	const struct evmm_allocator *checked;	/* for evmm_get_allocator() */
};

/* An allocator's two tables: "fresh" while it has made no block, then
 * "used" (lib/mm.c says why). */
struct evmm_pair {
	struct evmm_table fresh, used;
};

/* The C library's tables. */
extern EVMM_INTERNAL_ const struct evmm_pair evmm_libc_pair_;

/* Publish @p front in front of the allocator's table, replacing any
 * table in front, or with NULL remove it.  While one is published the
 * setters replace the allocator's table behind it.
 *
 * @p libc_front, when not NULL, is published instead of @p front while
 * the allocator's table is evmm_libc_pair_.used, and only then: its
 * functions may call that table's functions directly, which the
 * compiler does without loading evmm_allocator_table_ (the C library's
 * table is constant, and in another file, so it is not folded into a
 * call through the PLT either).  A setter that installs another
 * allocator publishes @p front again, as the first block made through
 * the C library's fresh table publishes @p libc_front; a call that
 * loaded @p libc_front just before a setter replaced the C library's
 * table uses the C library's functions, as one that had loaded
 * evmm_allocator_table_ then would. */
void evmm_dispatch_front_(const struct evmm_table *front,
    const struct evmm_table *libc_front);

/* Whether a size function returned 0 because its allocator cannot tell,
 * since the last call with @p forget non-zero. */
int evmm_dispatch_sizes_unknown_(int forget);

/* The allocator's table while a table is published in front; load it
 * with LOAD_ACQUIRE_.  A setter may replace it between two loads, but
 * once the allocator has made a block only with a wrapper of it (or the
 * allocator a wrapper wraps, or through the classic setter, which can
 * mix allocators anyway), so the functions of either table may be used
 * on a block the other made. */
extern EVMM_INTERNAL_ ATOMIC_(const struct evmm_table *) evmm_allocator_table_;

/* The setters' lock: taken by the checked setter (lib/checked.c) around
 * its calls of lib/setter-internal.h, and by the fork handlers
 * (lib/init.c) before fork(), so that the child finds every table whole,
 * and released after it in both processes. */
void evmm_dispatch_lock_(void);
void evmm_dispatch_unlock_(void);

#endif /* EVMM_DISPATCH_INTERNAL_H_INCLUDED_ */
