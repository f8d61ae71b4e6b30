/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * What the dispatch (lib/mm.c) offers the checked setter and the getter
 * (lib/checked.c), which make tables of their own and install them here.
 * Not installed.  Every function but evmm_allocator_slot_() and
 * evmm_unknown_size_() is called with the setters' lock held
 * (evmm_dispatch_lock_()).
 */
#ifndef EVMM_SETTER_INTERNAL_H_INCLUDED_
#define EVMM_SETTER_INTERNAL_H_INCLUDED_

#include <stddef.h>

#include "dispatch-internal.h"

/* How a table is installed. */
enum evmm_how {
	EVMM_REPLACE,	/* refused once the current one has made a block,
			 * unless the current one wraps it */
	EVMM_WRAP,	/* a declared wrapper: always; records what it
			 * wraps */
	EVMM_CLASSIC	/* event_set_mem_functions(): always, records nothing */
};

/* Publish the allocator whose used table @p want describes, as @p how
 * says: a new pair of tables for it, or the one it already has.  Returns
 * 0, EBUSY (EVMM_REPLACE once the current allocator has made a block
 * and does not wrap @p want) or ENOMEM (no memory for its tables). */
int evmm_install_(const struct evmm_table *want, enum evmm_how how);

/* Whether @p want is what the used table @p cur wraps, so that
 * installing it again removes the wrapper. */
int evmm_unwraps_(const struct evmm_table *cur, const struct evmm_table *want);

/* Whether @p t is the used table of an allocator the dispatch made
 * tables for, the C library's included: compares addresses only, so
 * any pointer may be asked about. */
int evmm_made_table_(const struct evmm_table *t);

/* Where the allocator's table is: the published one, or the one behind
 * a table in front.  Load it with LOAD_ACQUIRE_. */
ATOMIC_(const struct evmm_table *) *evmm_allocator_slot_(void);

/* The size function of an allocator that cannot tell: returns 0, and
 * evmm_dispatch_sizes_unknown_() remembers that it did. */
size_t evmm_unknown_size_(void *ptr);

#endif /* EVMM_SETTER_INTERNAL_H_INCLUDED_ */
