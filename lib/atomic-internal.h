/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The atomics every shared variable in the library uses, in one place.
 * Not installed.
 *
 * ATOMIC_(type), LOAD_ACQUIRE_, STORE_RELEASE_ and CAS_ publish tables
 * and other pointers that readers follow: C11 <stdatomic.h> where the
 * compiler takes it without warnings, else the __atomic builtins
 * (configure chose; it refuses a compiler with neither).
 *
 * EVMM_LOAD_RELAXED, EVMM_STORE_RELAXED and EVMM_ADD_RELAXED are for
 * counters, which need no ordering, only no torn or lost updates.
 * EVMM_LOAD_ACQUIRE reads a plain variable that another thread wrote
 * with EVMM_STORE_RELEASE (the call-site list's slots); the exchanges and
 * compare-and-swaps of plain variables are for the few spin locks and
 * claims outside the dispatch.  Nothing else in lib/ names an __atomic
 * builtin.  Depends on compiler-internal.h.
 */
#ifndef EVMM_ATOMIC_INTERNAL_H_INCLUDED_
#define EVMM_ATOMIC_INTERNAL_H_INCLUDED_

#include "compiler-internal.h"

#if defined(EVMM_HAVE_C11_ATOMICS)
#include <stdatomic.h>
#define ATOMIC_(type) _Atomic(type)
#define LOAD_ACQUIRE_(p) atomic_load_explicit((p), memory_order_acquire)
#define STORE_RELEASE_(p, v) \
	atomic_store_explicit((p), (v), memory_order_release)
#define CAS_(p, expected, desired) \
	atomic_compare_exchange_strong_explicit((p), (expected), (desired), \
	    memory_order_acq_rel, memory_order_acquire)
#elif defined(EVMM_HAVE_ATOMIC_BUILTINS)
#define ATOMIC_(type) type
#define LOAD_ACQUIRE_(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE_RELEASE_(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define CAS_(p, expected, desired) \
	__atomic_compare_exchange_n((p), (expected), (desired), 0, \
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
#else
#error "configure found neither C11 atomics nor the __atomic builtins"
#endif

#ifdef EVMM_GNUC_
#define EVMM_LOAD_RELAXED(p)	__atomic_load_n((p), __ATOMIC_RELAXED)
#define EVMM_LOAD_ACQUIRE(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define EVMM_STORE_RELAXED(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define EVMM_STORE_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define EVMM_ADD_RELAXED(p, v)	__atomic_add_fetch((p), (v), __ATOMIC_RELAXED)
#define EVMM_FETCH_ADD_RELAXED(p, v) \
	__atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define EVMM_SUB_RELAXED(p, v)	__atomic_sub_fetch((p), (v), __ATOMIC_RELAXED)
/* Sequentially consistent: for the two sides of a handshake in which
 * each stores, then loads what the other stored, and, as read-modify-
 * writes, to keep the loads and stores on either side of them in place
 * where a fence would do, which ThreadSanitizer does not model
 * (lib/stats.c). */
#define EVMM_LOAD_SEQ_CST(p)	__atomic_load_n((p), __ATOMIC_SEQ_CST)
#define EVMM_STORE_SEQ_CST(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define EVMM_ADD_SEQ_CST(p, v)	__atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define EVMM_SUB_SEQ_CST(p, v)	__atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)
#define EVMM_EXCHANGE_ACQUIRE(p, v) \
	__atomic_exchange_n((p), (v), __ATOMIC_ACQUIRE)
#define EVMM_EXCHANGE_ACQ_REL(p, v) \
	__atomic_exchange_n((p), (v), __ATOMIC_ACQ_REL)
#define EVMM_CAS_ACQ_REL(p, expected, desired) \
	__atomic_compare_exchange_n((p), (expected), (desired), 0, \
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
/* Weak: may fail spuriously, so only in a loop. */
#define EVMM_CAS_WEAK_RELAXED(p, expected, desired) \
	__atomic_compare_exchange_n((p), (expected), (desired), 1, \
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED)
#else
/* Without the builtins nothing runs at load, and the program's threads
 * are its own business: plain accesses. */
#define EVMM_LOAD_RELAXED(p)	(*(p))
#define EVMM_LOAD_ACQUIRE(p)	(*(p))
#define EVMM_STORE_RELAXED(p, v) (*(p) = (v))
#define EVMM_STORE_RELEASE(p, v) (*(p) = (v))
#define EVMM_ADD_RELAXED(p, v)	(*(p) += (v))
#define EVMM_FETCH_ADD_RELAXED(p, v) ((*(p) += (v)) - (v))
#define EVMM_SUB_RELAXED(p, v)	(*(p) -= (v))
#define EVMM_LOAD_SEQ_CST(p)	(*(p))
#define EVMM_STORE_SEQ_CST(p, v) (*(p) = (v))
#define EVMM_ADD_SEQ_CST(p, v)	(*(p) += (v))
#define EVMM_SUB_SEQ_CST(p, v)	(*(p) -= (v))
#define EVMM_EXCHANGE_ACQUIRE(p, v) evmm_exchange_plain_((p), (v))
#define EVMM_EXCHANGE_ACQ_REL(p, v) evmm_exchange_plain_((p), (v))
#define EVMM_CAS_ACQ_REL(p, expected, desired) \
	(*(p) == *(expected) ? (*(p) = (desired), 1) : (*(expected) = *(p), 0))
#define EVMM_CAS_WEAK_RELAXED(p, expected, desired) \
	EVMM_CAS_ACQ_REL((p), (expected), (desired))
static inline int
evmm_exchange_plain_(volatile int *p, int v)
{
	int old = *p;

	*p = v;
	return old;
}
#endif

#endif /* EVMM_ATOMIC_INTERNAL_H_INCLUDED_ */
