/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The tables published in front of the dispatch (lib/dispatch-internal.h)
 * while fault injection or statistics are on, and the switches that
 * choose which: evmm_fault_set() and evmm_stats_enable() of
 * event2/evmm_debug.h.  While both are off no table is published, and
 * nothing here is on any path.  Depends on the dispatch, the counts'
 * hot path (lib/stats-internal.h), the fault state (lib/fault.c), and on
 * lib/snapshot.c to write the report at the first injected failure, and
 * on lib/reach.c to tell when no call can reach them.
 *
 * Two tables: one that counts (statistics on, no fault set), and one that
 * numbers the allocations in one order for evmm_fault_set() and fails
 * some before counting the rest.  The counting table's functions are
 * what the hot path costs while statistics are on; it has a twin for the
 * C library's allocator, whose malloc and free call the C library's
 * table directly (lib/dispatch-internal.h).
 *
 * event_mm_malloc_() and event_mm_realloc_() reach them by a tail call
 * when compiled with optimisation, so their return address is the
 * caller's; calloc and strdup, which do more after the call, pass it.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "event2/evmm_debug.h"
#include "dispatch-internal.h"
#include "fault-internal.h"
#include "front-internal.h"
#include "parse-internal.h"
#include "reach-internal.h"
#include "report-internal.h"
#include "snapshot-internal.h"
#include "stats-internal.h"

/* A call that made no block: counted as a real failure. */
static void
count_failure(struct evmm_counts *c, int made_new)
{
	BUMP(c, real_failures, 1);
	if (made_new)
		BUMP(c, new_failed, 1);
	count_up(0);
}

/*
 * The allocator's table.  The hot paths load it again for each function
 * they call, which spares them keeping it across calls: a table that a
 * setter published in between is a wrapper of the one before, which
 * frees and measures its blocks, because the setters refuse any other
 * once a block exists (or, with the classic setter, the program has
 * mixed allocators itself, and its sizes read as unknown).
 */
#define ALLOCATOR() LOAD_ACQUIRE_(&evmm_allocator_table_)
/* The same, or with @p libc non-zero the C library's table, which the
 * dispatch says is the allocator's while it publishes the twin: a
 * constant, so one instruction fewer for each function called. */
#define ALLOCATOR_OR_LIBC_(libc) \
	((libc) ? &evmm_libc_pair_.used : ALLOCATOR())

static void *
count_new(enum evmm_entry entry, size_t sz)
{
	const struct evmm_table *t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	struct evmm_counts *c = MINE();
	void *p;

	BUMP(c, calls[entry], 1);
	p = t->malloc_fn(sz);
	if (p == NULL) {
		count_failure(c, 1);
		return NULL;
	}
	count_up(t->size_fn(p));
	return p;
}

static EVMM_HOT_ void *
malloc_counted(int libc, size_t sz)
{
	void *p = ALLOCATOR_OR_LIBC_(libc)->malloc_fn(sz);
	size_t n;

	/* Counted after the calls, so that nothing but the block is kept
	 * across them. */
	if (p == NULL) {
		BUMP(MINE(), calls[EVMM_ENTRY_MALLOC], 1);
		count_failure(MINE(), 1);	/* errno as the allocator left it */
		return NULL;
	}
	n = ALLOCATOR_OR_LIBC_(libc)->size_fn(p);
	BUMP(MINE(), calls[EVMM_ENTRY_MALLOC], 1);
	count_up(n);
	return p;
}

static void *
count_malloc(size_t sz)
{
	return malloc_counted(0, sz);
}

static void *
count_malloc_libc(size_t sz)
{
	return malloc_counted(1, sz);
}

static void *
count_strdup_at(size_t sz, void *caller)
{
	(void)caller;
	return count_new(EVMM_ENTRY_STRDUP, sz);
}

static void *
count_calloc_at(size_t count, size_t size, void *caller)
{
	const struct evmm_table *t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	struct evmm_counts *c = MINE();
	void *p;

	(void)caller;
	BUMP(c, calls[EVMM_ENTRY_CALLOC], 1);
	if (t->calloc_fn != NULL) {
		p = t->calloc_fn(count, size);
	} else {
		p = t->malloc_fn(count * size);
		if (p != NULL)
			memset(p, 0, count * size);
	}
	if (p == NULL) {
		count_failure(c, 1);
		return NULL;
	}
	count_up(t->size_fn(p));
	return p;
}

static void *
count_realloc(void *ptr, size_t sz)
{
	const struct evmm_table *t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	struct evmm_counts *c = MINE();
	size_t old_size = ptr != NULL ? t->size_fn(ptr) : 0;
	void *p;

	BUMP(c, calls[EVMM_ENTRY_REALLOC], 1);
	if (sz == 0)
		BUMP(c, realloc_zero, 1);
	p = t->realloc_fn(ptr, sz);
	if (p == NULL) {
		if (ptr != NULL && sz == 0) {
			/* realloc(p, 0) freed p, as the C library does. */
			BUMP(c, realloc_freed, 1);
			count_down(old_size);
		} else {
			count_failure(c, 0);
		}
		return NULL;
	}
	if (ptr == NULL)
		BUMP(c, realloc_new, 1);
	count_down(old_size);
	count_up(t->size_fn(p));
	return p;
}

static EVMM_HOT_ void
free_counted(int libc, void *ptr)
{
	size_t n;

	if (ptr != NULL) {
		n = ALLOCATOR_OR_LIBC_(libc)->size_fn(ptr);
		BUMP(MINE(), free_calls, 1);
		count_down(n);
	} else {
		BUMP(MINE(), free_calls, 1);
		BUMP(MINE(), free_null, 1);
		count_down(0);
	}
	ALLOCATOR_OR_LIBC_(libc)->free_fn(ptr);
}

static void
count_free(void *ptr)
{
	free_counted(0, ptr);
}

static void
count_free_libc(void *ptr)
{
	free_counted(1, ptr);
}

static const struct evmm_table counting_table = {
	count_malloc, count_realloc, count_free, NULL, NULL,
	count_calloc_at, count_strdup_at, NULL, NULL
};

static const struct evmm_table counting_libc_table = {
	count_malloc_libc, count_realloc, count_free_libc, NULL, NULL,
	count_calloc_at, count_strdup_at, NULL, NULL
};

/* Number the allocation, and fail it if it must be; the first failure
 * is written to the report at once, in case the failure makes the
 * program crash before it exits (the exit rewrites the report whole). */
static int
injected(enum evmm_entry entry, size_t sz, void *caller)
{
	enum evmm_injected r = evmm_fault_inject_(entry, sz, caller);

	if (r == EVMM_INJECTED_NONE)
		return 0;
	if (r == EVMM_INJECTED_FIRST)
		evmm_snapshot_report_(0);
	errno = ENOMEM;
	return 1;
}

static void *
fault_malloc(size_t sz)
{
	if (injected(EVMM_ENTRY_MALLOC, sz, EVMM_RETURN_ADDRESS()))
		return NULL;
	return count_malloc(sz);
}

static void *
fault_strdup_at(size_t sz, void *caller)
{
	if (injected(EVMM_ENTRY_STRDUP, sz, caller))
		return NULL;
	return count_new(EVMM_ENTRY_STRDUP, sz);
}

static void *
fault_calloc_at(size_t count, size_t size, void *caller)
{
	if (injected(EVMM_ENTRY_CALLOC, count * size, caller))
		return NULL;
	return count_calloc_at(count, size, caller);
}

static void *
fault_realloc(void *ptr, size_t sz)
{
	if (injected(EVMM_ENTRY_REALLOC, sz, EVMM_RETURN_ADDRESS()))
		return NULL;
	return count_realloc(ptr, sz);
}

static const struct evmm_table fault_table = {
	fault_malloc, fault_realloc, count_free, NULL, NULL,
	fault_calloc_at, fault_strdup_at, NULL, NULL
};

void
evmm_front_update_(void)
{
	if (evmm_fault_numbered_())
		evmm_dispatch_front_(&fault_table, NULL);
	else if (evmm_stats_on_() || evmm_report_is_open_())
		evmm_dispatch_front_(&counting_table, &counting_libc_table);
	else
		evmm_dispatch_front_(NULL, NULL);
}

int
evmm_fault_set(const char *spec)
{
	struct evmm_fault_spec f;

	if (evmm_parse_fault_(spec, &f) != NULL) {
		errno = EINVAL;
		return -1;
	}
	/* Failing nothing while promising to fail would pass the
	 * program's out-of-memory tests untested. */
	if (f.mode != EVMM_FAULT_OFF && evmm_reach_elsewhere_()) {
		errno = ENOTSUP;
		return -1;
	}
	evmm_fault_set_by_program_(&f);
	evmm_front_update_();
	return 0;
}

void
evmm_stats_enable(int on)
{
	/* Counting nothing is the truth there, but not one to find out by
	 * reading zeros: said once, with the fix. */
	if (on)
		evmm_reach_warn_();
	evmm_stats_restart_(on);
	evmm_front_update_();
}
