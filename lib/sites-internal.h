/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The call-site table of EVMM_SITES (lib/sites.c).  Not installed.
 * Depends on nothing of the library's.
 */
#ifndef EVMM_SITES_INTERNAL_H_INCLUDED_
#define EVMM_SITES_INTERNAL_H_INCLUDED_

#include <stddef.h>
#include <stdint.h>

/* One call site: the return address of an allocation's caller (NULL
 * when it had none) and the number of the first allocation made from
 * it. */
struct evmm_site {
	void *caller;
	uint64_t first;
};

/* List at most @p most sites (at most EVMM_SITES_MAX; 0: off).  Called
 * once, when the environment is read. */
void evmm_sites_limit_(uint64_t most);
/* EVMM_SITES_DEPTH: a site is the call stack of @p depth return
 * addresses from the caller up (1: the caller alone).  0, or -1 when
 * depth is not from 1 to EVMM_SITES_DEPTH_MAX, or above 1 where the
 * stack cannot be walked (no backtrace()).  Called once, when the
 * environment is read. */
int evmm_sites_depth_(unsigned depth);
/* Whether sites are listed. */
int evmm_sites_on_(void);
/* Allocation @p n was called from @p caller: enter it if it is new, else
 * lower its number to @p n if that is smaller.  Any thread, at once. */
void evmm_sites_enter_(void *caller, uint64_t n);
/* Forget every site.  Called while no other thread allocates. */
void evmm_sites_clear_(void);
/* Copy the sites entered so far into @p out, in the order they were
 * entered, leaving out any that a thread is still entering: how many,
 * at most EVMM_SITES_MAX.  @p *full is set if a site was turned away. */
size_t evmm_sites_copy_(struct evmm_site *out, int *full);

#endif /* EVMM_SITES_INTERNAL_H_INCLUDED_ */
