/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The numbering's state, where it survives the process (lib/live.c).
 * Not installed.
 */
#ifndef EVMM_LIVE_INTERNAL_H_INCLUDED_
#define EVMM_LIVE_INTERNAL_H_INCLUDED_

#include "compiler-internal.h"
#include "report-keys.h"

/* The allocations' numbering and the call-site table (lib/fault.c,
 * lib/sites.c): the process's "KEY.live" file, mapped, once
 * evmm_live_map_() made one; else the library's own memory.  Changed
 * only while the process has one thread: at load and in a child made
 * by fork(). */
extern EVMM_INTERNAL_ struct evmm_live *evmm_live_;

/* When the environment has been read, if this process has a key and
 * numbers its allocations: move the numbering into a new "KEY.live"
 * beside the report, saying on standard error why it cannot. */
void evmm_live_map_(void);
/* In a child made by fork(), before its numbering starts afresh: a file
 * of its own when it took a key (@p keyed), else a private copy of its
 * parent's, which it goes on from; silently its own memory when the
 * file cannot be made.  Safe on a small stack. */
void evmm_live_forked_(int keyed);

#endif /* EVMM_LIVE_INTERNAL_H_INCLUDED_ */
