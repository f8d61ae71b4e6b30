/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Fault injection and statistics (lib/instrument.c), as lib/mm.c sees
 * them.  Not installed.
 *
 * While either is on, mm.c publishes a table of its own in front of the
 * allocator's, whose functions report each call here.  While both are
 * off no path looks at any of this, so it costs nothing.
 */
#ifndef EVMM_INSTRUMENT_INTERNAL_H_INCLUDED_
#define EVMM_INSTRUMENT_INTERNAL_H_INCLUDED_

#include <stddef.h>
#include <stdint.h>

/* Relaxed atomics: counters shared between threads need no ordering. */
#if defined(__GNUC__) || defined(__clang__)
#define EVMM_LOAD_RELAXED(p)	__atomic_load_n((p), __ATOMIC_RELAXED)
#define EVMM_STORE_RELAXED(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define EVMM_ADD_RELAXED(p, v)	__atomic_add_fetch((p), (v), __ATOMIC_RELAXED)
#define EVMM_RETURN_ADDRESS()	__builtin_return_address(0)
#else
#define EVMM_LOAD_RELAXED(p)	(*(p))
#define EVMM_STORE_RELAXED(p, v) (*(p) = (v))
#define EVMM_ADD_RELAXED(p, v)	(*(p) += (v))
#define EVMM_RETURN_ADDRESS()	NULL
#endif

enum evmm_entry {
	EVMM_ENTRY_MALLOC,
	EVMM_ENTRY_CALLOC,
	EVMM_ENTRY_STRDUP,
	EVMM_ENTRY_REALLOC
};

/* mm.c: publish the instrumented table (on) or the allocator's (off). */
void evmm_mm_instrument_(int on);
/* mm.c: whether the allocator is the program's, not the C library's. */
int evmm_mm_has_user_hooks_(void);

/* Before an allocation of sz bytes: counts it, and returns 1 when it
 * must fail.  realloc passes sz 0 when it frees, which never fails. */
int evmm_instr_begin_(enum evmm_entry entry, size_t sz, void *caller);
/* After it: p is the new block or NULL; for realloc, old is the block
 * given and old_size its usable size before the call. */
void evmm_instr_end_(enum evmm_entry entry, void *p, void *old,
    size_t old_size, size_t sz);
/* Before a free, while ptr's size can still be read. */
void evmm_instr_free_(void *ptr);
/* The usable size of a block, or 0 when it cannot be known. */
size_t evmm_instr_block_size_(void *ptr);
/* Allocations numbered since evmm_fault_set(), for the report. */
uint64_t evmm_instr_allocations_(void);

#endif /* EVMM_INSTRUMENT_INTERNAL_H_INCLUDED_ */
