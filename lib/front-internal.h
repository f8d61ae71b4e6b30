/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Choosing the table in front of the dispatch (lib/front.c).  Not
 * installed.
 */
#ifndef EVMM_FRONT_INTERNAL_H_INCLUDED_
#define EVMM_FRONT_INTERNAL_H_INCLUDED_

/* Publish the table that the fault state, the statistics and the report
 * call for: the fault table while allocations are numbered, else the
 * counting one while statistics are on or a report is open, else none.
 * Called after any of them changed, while no other thread allocates. */
void evmm_front_update_(void);

#endif /* EVMM_FRONT_INTERNAL_H_INCLUDED_ */
