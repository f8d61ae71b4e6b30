/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Whether the process's calls to event_mm_*_ reach this library
 * (lib/reach.c).  Not installed.
 */
#ifndef EVMM_REACH_INTERNAL_H_INCLUDED_
#define EVMM_REACH_INTERNAL_H_INCLUDED_

/* Find out, once; called at load (lib/init.c), before the program can
 * have threads, and by the two below if it was not. */
void evmm_reach_look_(void);

/* 1 when event_mm_malloc_ in the process is another object's (libevent
 * linked before libevmm), so that no call reaches this library; 0 when
 * it is ours, or where the platform cannot tell. */
int evmm_reach_elsewhere_(void);

/* When it is another object's, say so on standard error, with the fix:
 * once per process, whoever asks first. */
void evmm_reach_warn_(void);

#endif /* EVMM_REACH_INTERNAL_H_INCLUDED_ */
