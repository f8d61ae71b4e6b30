/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The library's life cycle, in one place: what runs when it is loaded,
 * around each fork() and at exit, and in which order.  Every other file
 * offers functions for these moments and runs none of its own: nothing
 * else in lib/ is a constructor, a destructor or a fork handler.
 * Depends on every part it starts and stops; nothing depends on it.
 *
 * Where the compiler cannot run code at load and exit (no EVMM_GNUC_),
 * none of this runs: the environment is not read, no fork handler is
 * registered, and the API still works.
 */
#include "config.h"

#if defined(EVMM_HAVE_TLS_COUNTERS) || defined(HAVE_PTHREAD_ATFORK)
#include <pthread.h>
#endif

#include "compiler-internal.h"
#include "crash-internal.h"
#include "dispatch-internal.h"
#include "env-internal.h"
#include "fault-internal.h"
#include "init-internal.h"
#include "live-internal.h"
#include "reach-internal.h"
#include "report-internal.h"
#include "sites-internal.h"
#include "snapshot-internal.h"
#include "stats-internal.h"

#ifdef EVMM_GNUC_

/* What lib/mm.c takes the address of, so that a static link that takes
 * the entry points takes this file too (lib/init-internal.h). */
const char evmm_init_linked_ = 1;

#if defined(EVMM_HAVE_TLS_COUNTERS) || defined(HAVE_PTHREAD_ATFORK)
#define EVMM_FORK_HANDLERS_ 1
#endif

#ifdef EVMM_FORK_HANDLERS_
/*
 * fork() copies every lock as it is: held, when another thread was
 * inside, by a thread the child does not have.  So the locks are taken
 * before fork() and let go after it, in both processes, always in this
 * order:
 *
 *   prepare: 1. the setters' lock (lib/mm.c)
 *            2. the statistics' lock (lib/stats.c)
 *   parent and child: 2, then 1, let go in reverse.
 *
 * The report's writers' lock is not taken: a writer can be inside an
 * allocation call, so one cut by fork() is simply forgotten in the child
 * (evmm_report_forked_()).  Between letting go of 2 and of 1, the child
 * takes its process key (when EVMM_REPORT names a directory), leaves
 * its parent's live file for one of its own (lib/live.c) and, if it got
 * a key, starts its counts, sites and numbering afresh, so that its
 * report holds its own figures.  The table in front is left as it is:
 * choosing another would take lock 1, still held.
 */
static void
fork_prepare(void)
{
	evmm_dispatch_lock_();
	evmm_stats_lock_();
	evmm_report_forking_();
}

static void
fork_parent(void)
{
	evmm_stats_unlock_();
	evmm_dispatch_unlock_();
}

static void
fork_child(void)
{
	int keyed = evmm_report_key_() != NULL;

	evmm_stats_unlock_();
	evmm_report_forked_();
	/* Off the parent's live file before anything is started afresh. */
	evmm_live_forked_(evmm_report_key_() != NULL);
	/* Without keys a child goes on from its parent's numbers. */
	if (keyed) {
		evmm_stats_forked_();
		evmm_sites_clear_();
		evmm_fault_forked_();
	}
	evmm_dispatch_unlock_();
}
#endif /* EVMM_FORK_HANDLERS_ */

/* When the library is loaded, before the program can have threads: the
 * statistics' thread-exit key, then the fork handlers (should
 * registering them fail, for want of memory, fork() stays as it was
 * without them), then whether the calls reach the library (which needs
 * the loader's lock, free now), then the environment. */
__attribute__((constructor))
static void
at_load(void)
{
	evmm_stats_init_();
#ifdef EVMM_FORK_HANDLERS_
	(void)pthread_atfork(fork_prepare, fork_parent, fork_child);
#endif
	evmm_reach_look_();
	evmm_env_apply_();
}

/* When the library is unloaded, or at exit: first the crash handlers
 * go, so that a library that dlclose() unmaps leaves no handler
 * pointing into it; then the report's last version is written and
 * closed; then the EVMM_STATS summary is printed. */
__attribute__((destructor))
static void
at_unload(void)
{
	evmm_crash_handlers_uninstall_();
	evmm_snapshot_at_exit_();
}

#endif /* EVMM_GNUC_ */
