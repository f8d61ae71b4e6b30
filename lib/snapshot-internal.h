/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Writing what the library counted (lib/snapshot.c).  Not installed.
 */
#ifndef EVMM_SNAPSHOT_INTERNAL_H_INCLUDED_
#define EVMM_SNAPSHOT_INTERNAL_H_INCLUDED_

/* Write the report whole, now, if this is the process that opened it;
 * with the call sites when @p at_exit.  errno is kept. */
void evmm_snapshot_report_(int at_exit);
/* At exit: the report's last version, its descriptor closed, and the
 * EVMM_STATS summary. */
void evmm_snapshot_at_exit_(void);

#endif /* EVMM_SNAPSHOT_INTERNAL_H_INCLUDED_ */
