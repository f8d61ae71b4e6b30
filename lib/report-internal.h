/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The EVMM_REPORT file (lib/report.c): where it goes and how it reads.
 * Not installed.
 *
 * The writer is handed what to write (struct evmm_report_data, gathered
 * by lib/snapshot.c); it never asks the counters itself.
 */
#ifndef EVMM_REPORT_INTERNAL_H_INCLUDED_
#define EVMM_REPORT_INTERNAL_H_INCLUDED_

#include <stddef.h>
#include <stdint.h>

#include "event2/evmm_debug.h"
#include "sites-internal.h"

/* What one version of the report says. */
struct evmm_report_data {
	struct evmm_stats stats;
	/* The allocations numbered since evmm_fault_set() while a fault is
	 * set, else all that were counted. */
	uint64_t allocations;
	/* Whether a failure was injected; then the first. */
	int first_known;
	struct evmm_fault_info first;
	/* Whether to list call sites (at exit, with EVMM_SITES); then the
	 * sites, and whether some were turned away. */
	int sites_listed;
	const struct evmm_site *sites;
	size_t sites_count;
	int sites_full;
};

/* Open the report file: 0, or -1 after saying why on standard error. */
int evmm_report_open_(const char *path);
/* Whether the report file is open (or, in a child made by fork(), will
 * be made at the first write). */
int evmm_report_is_open_(void);
/* Whether this is the process that opened it, and it is still open. */
int evmm_report_owned_(void);
/* This process's key when EVMM_REPORT names a directory (see
 * lib/report-keys.h), else NULL. */
const char *evmm_report_key_(void);
/* Create "KEY" followed by @p suffix beside this process's report in
 * the directory, for reading and writing, with the report's care (it
 * must not exist; mode 0600): its descriptor, or -1 with errno set,
 * ENOENT when the process has no key.  Safe on a small stack. */
int evmm_report_create_beside_(const char *suffix);
/* From the fork handlers (lib/init.c): before fork(), count the child;
 * in the child, take the key "PARENT.M", start its own count of forks,
 * and make its file at its first write. */
void evmm_report_forking_(void);
void evmm_report_forked_(void);
/* Writing the report whole: evmm_report_begin_() takes the writers' lock
 * (one writer at a time: the first injected failure, in any thread, and
 * the exit) and returns 1 if this process has a report to write, making
 * its file if it has none yet; then the caller gathers the data,
 * evmm_report_write_() writes it over the file's contents, and
 * evmm_report_end_() lets the lock go.  With 0 nothing is held. */
int evmm_report_begin_(void);
void evmm_report_write_(const struct evmm_report_data *d);
void evmm_report_end_(void);
/* At exit, after the last write: close the descriptor, which can fail
 * too (on NFS, for instance). */
void evmm_report_close_(void);
/* For the crash handler (lib/crash.c), which appends to the report
 * without the lock: its descriptor, or -1 unless this is the process that
 * opened it and the descriptor still refers to that file.
 * Async-signal-safe: getpid() and fstat() only. */
int evmm_report_fd_(void);

#endif /* EVMM_REPORT_INTERNAL_H_INCLUDED_ */
