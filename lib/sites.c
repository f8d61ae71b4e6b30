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
 * compare-and-swap of its key (open addressing, at most half full);
 * and since a number is taken before the table is looked at, a site's
 * number is then lowered to the smallest that reaches it.  The key is
 * the caller, or with EVMM_SITES_DEPTH a hash of the call stack from
 * the caller up, which backtrace() finds (in the counting run alone,
 * where its cost does not matter).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef HAVE_BACKTRACE
#include <execinfo.h>
#endif

#include "atomic-internal.h"
#include "live-internal.h"
#include "report-keys.h"
#include "sites-internal.h"

#define SITE_SLOTS EVMM_LIVE_SLOTS	/* a power of two */

/* Entered for a caller of NULL, which marks a free slot. */
static const char no_caller;
#define NO_CALLER ((void *)(uintptr_t)&no_caller)

#ifdef HAVE_BACKTRACE
/* EVMM_SITES_DEPTH: how many return addresses, from the caller up, make
 * a site; 1: the caller alone. */
static unsigned site_depth = 1;
/* At most this many of libevmm's own frames lie between
 * evmm_sites_enter_() and the caller: the fault's, the front's and an
 * entry point's. */
#define OWN_FRAMES 8
#endif

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

int
evmm_sites_depth_(unsigned depth)
{
#ifdef HAVE_BACKTRACE
	void *one[2];

	if (depth < 1 || depth > EVMM_SITES_DEPTH_MAX)
		return -1;
	/* glibc's first backtrace() loads libgcc_s: now, not inside an
	 * allocation. */
	(void)backtrace(one, 2);
	site_depth = depth;
	return 0;
#else
	return depth == 1 ? 0 : -1;
#endif
}

#ifdef EVMM_GNUC_
#ifdef HAVE_BACKTRACE
/* The site of an allocation whose caller is caller, with a depth above
 * 1: a hash of the return addresses from the caller up, as backtrace()
 * finds them above libevmm's own frames; the caller alone when it is
 * not among them (a frame the unwinder could not pass). */
static void *
stack_key(void *caller)
{
	void *frames[OWN_FRAMES + EVMM_SITES_DEPTH_MAX];
	int n = backtrace(frames, (int)(OWN_FRAMES + site_depth)), i, end;
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (i = 0; i < n && i < OWN_FRAMES && frames[i] != caller; i++)
		continue;
	if (i == n || i == OWN_FRAMES)
		return caller;
	end = i + (int)site_depth < n ? i + (int)site_depth : n;
	for (; i < end; i++) {
		h ^= (uint64_t)(uintptr_t)frames[i];
		h *= UINT64_C(0x100000001b3);
	}
	/* Never NULL, the free slot's mark, nor a small number. */
	return (void *)(uintptr_t)(h | 1);
}
#endif

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
	void *seen, *key;
	uint64_t least;
	unsigned k;
	int claimed = 0;

	if (caller == NULL)
		caller = NO_CALLER;
	key = caller;
#ifdef HAVE_BACKTRACE
	if (site_depth > 1)
		key = stack_key(caller);
#endif
	i = site_hash(key);
	for (tries = 0; tries < SITE_SLOTS; tries++,
	    i = (i + 1) & (SITE_SLOTS - 1)) {
		seen = EVMM_LOAD_ACQUIRE(&l->slots[i].key);
		if (seen == NULL) {
			/* A place in the list first, so that no more than
			 * the limit are ever claimed. */
			if (EVMM_FETCH_ADD_RELAXED(&l->sites_reserved, 1) >=
			    l->sites_limit) {
				(void)EVMM_SUB_RELAXED(&l->sites_reserved, 1);
				EVMM_STORE_RELAXED(&l->sites_full, 1);
				return;
			}
			claimed = EVMM_CAS_ACQ_REL(&l->slots[i].key, &seen,
			    key);
			if (claimed)
				seen = key;
			else	/* another thread claimed it meanwhile */
				(void)EVMM_SUB_RELAXED(&l->sites_reserved, 1);
		}
		if (seen != key)
			continue;
		/* Lowered, even by the thread that claimed the slot: another
		 * may have found it and lowered it already. */
		least = EVMM_LOAD_RELAXED(&l->slots[i].first);
		while ((least == 0 || n < least) &&
		    !EVMM_CAS_WEAK_RELAXED(&l->slots[i].first, &least, n))
			continue;
		if (claimed) {
			/* Published with the slot's order below. */
			EVMM_STORE_RELAXED(&l->slots[i].caller, caller);
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
