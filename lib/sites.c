/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The call-site table of EVMM_SITES: lib/sites-internal.h.  Depends on
 * lib/atomic-internal.h, lib/report-keys.h (its layout) and lib/live.c
 * (where it is) only.
 *
 * While on, the caller of each numbered allocation is looked up in a
 * fixed table, and a caller seen for the first time is entered with the
 * allocation's number: the report lists them at exit (lib/report.c), and
 * evmm-torture --per-site fails exactly those allocations.  The table is
 * never allocated: it must not go through the allocator it watches, nor
 * cost a process that does not use it more than untouched memory.  It
 * is static, or the mapped file that outlives the process
 * (lib/live.c).  Threads enter callers at once: a slot is claimed by a
 * compare-and-swap of its caller (open addressing, at most half full);
 * and since a number is taken before the table is looked at, a site's
 * number is then lowered to the smallest that reaches it.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "atomic-internal.h"
#include "live-internal.h"
#include "report-keys.h"
#include "sites-internal.h"

#define SITE_SLOTS EVMM_LIVE_SLOTS	/* a power of two */

/* Entered for a caller of NULL, which marks a free slot. */
static const char no_caller;
#define NO_CALLER ((void *)(uintptr_t)&no_caller)

void
evmm_sites_limit_(uint64_t most)
{
	evmm_live_->sites_limit = most < EVMM_SITES_MAX ? (uint32_t)most :
	    EVMM_SITES_MAX;
}

int
evmm_sites_on_(void)
{
	return evmm_live_->sites_limit != 0;
}

#ifdef EVMM_GNUC_
static size_t
site_hash(const void *caller)
{
	uint64_t h = (uint64_t)(uintptr_t)caller;

	h ^= h >> 29;
	h *= UINT64_C(0x9e3779b97f4a7c15);
	return (size_t)(h >> 40) & (SITE_SLOTS - 1);
}

void
evmm_sites_enter_(void *caller, uint64_t n)
{
	struct evmm_live *l = evmm_live_;
	size_t i, tries;
	void *seen;
	uint64_t least;
	unsigned k;
	int claimed = 0;

	if (caller == NULL)
		caller = NO_CALLER;
	i = site_hash(caller);
	for (tries = 0; tries < SITE_SLOTS; tries++,
	    i = (i + 1) & (SITE_SLOTS - 1)) {
		seen = EVMM_LOAD_ACQUIRE(&l->slots[i].caller);
		if (seen == NULL) {
			/* A place in the list first, so that no more than
			 * the limit are ever claimed. */
			if (EVMM_FETCH_ADD_RELAXED(&l->sites_reserved, 1) >=
			    l->sites_limit) {
				(void)EVMM_SUB_RELAXED(&l->sites_reserved, 1);
				EVMM_STORE_RELAXED(&l->sites_full, 1);
				return;
			}
			claimed = EVMM_CAS_ACQ_REL(&l->slots[i].caller,
			    &seen, caller);
			if (claimed)
				seen = caller;
			else	/* another thread claimed it meanwhile */
				(void)EVMM_SUB_RELAXED(&l->sites_reserved, 1);
		}
		if (seen != caller)
			continue;
		/* Lowered, even by the thread that claimed the slot: another
		 * may have found it and lowered it already. */
		least = EVMM_LOAD_RELAXED(&l->slots[i].first);
		while ((least == 0 || n < least) &&
		    !EVMM_CAS_WEAK_RELAXED(&l->slots[i].first, &least, n))
			continue;
		if (claimed) {
			k = EVMM_FETCH_ADD_RELAXED(&l->sites_claimed, 1);
			EVMM_STORE_RELEASE(&l->site_order[k], (uint32_t)i + 1);
		}
		return;
	}
}
#else
/* EVMM_SITES is read only where the compiler runs constructors. */
void
evmm_sites_enter_(void *caller, uint64_t n)
{
	(void)caller;
	(void)n;
}
#endif

void
evmm_sites_clear_(void)
{
	struct evmm_live *l = evmm_live_;

	if (l->sites_reserved == 0 && !l->sites_full)
		return;		/* untouched: leave its pages alone */
	memset(l->slots, 0, sizeof(l->slots));
	memset(l->site_order, 0, sizeof(l->site_order));
	l->sites_reserved = 0;
	l->sites_claimed = 0;
	l->sites_full = 0;
}

size_t
evmm_sites_copy_(struct evmm_site *out, int *full)
{
	struct evmm_live *l = evmm_live_;
	unsigned n = EVMM_LOAD_RELAXED(&l->sites_claimed);
	size_t k, count = n < EVMM_SITES_MAX ? n : EVMM_SITES_MAX, copied = 0;
	uint32_t slot;

	*full = EVMM_LOAD_RELAXED(&l->sites_full);
	for (k = 0; k < count; k++) {
		slot = EVMM_LOAD_ACQUIRE(&l->site_order[k]);
		if (slot == 0)
			continue;	/* another thread is entering it */
		out[copied].caller =
		    EVMM_LOAD_ACQUIRE(&l->slots[slot - 1].caller);
		out[copied].first =
		    EVMM_LOAD_RELAXED(&l->slots[slot - 1].first);
		if (out[copied].first == 0)
			continue;
		if (out[copied].caller == NO_CALLER)
			out[copied].caller = NULL;
		copied++;
	}
	return copied;
}
