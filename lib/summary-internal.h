/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The EVMM_STATS summary (lib/summary.c).  Not installed.
 */
#ifndef EVMM_SUMMARY_INTERNAL_H_INCLUDED_
#define EVMM_SUMMARY_INTERNAL_H_INCLUDED_

#include "event2/evmm_debug.h"

/* Print the statistics on standard error at exit (EVMM_STATS=1), in this
 * process only. */
void evmm_summary_at_exit_(void);
/* At exit: print @p s, if this is the process that asked. */
void evmm_summary_print_(const struct evmm_stats *s);

#endif /* EVMM_SUMMARY_INTERNAL_H_INCLUDED_ */
