/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * What the report says, gathered and handed to its writer
 * (lib/snapshot-internal.h): the statistics (lib/stats.c), the fault
 * state (lib/fault.c) and the call sites (lib/sites.c) go into a struct
 * evmm_report_data, which lib/report.c writes; the statistics alone to
 * lib/summary.c.  Depends on those; nothing below calls up into it.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "event2/evmm_debug.h"
#include "fault-internal.h"
#include "report-internal.h"
#include "report-keys.h"
#include "sites-internal.h"
#include "snapshot-internal.h"
#include "stats-internal.h"
#include "summary-internal.h"

/* The sites, copied at exit: static, as the table is, so that listing
 * them allocates nothing. */
static struct evmm_site sites[EVMM_SITES_MAX];

void
evmm_snapshot_report_(int at_exit)
{
	struct evmm_report_data d;
	int saved = errno;

	if (!evmm_report_begin_()) {
		errno = saved;		/* making a child's file may fail */
		return;
	}
	/* Gathered under the writers' lock, so that a writer that waited
	 * does not write older figures over newer ones. */
	memset(&d, 0, sizeof(d));
	evmm_stats_get(&d.stats, sizeof(d.stats));
	d.allocations = evmm_fault_numbered_() ? evmm_fault_allocations_() :
	    evmm_stats_allocations_();
	d.first.size = sizeof(d.first);
	d.first_known = evmm_fault_first(&d.first) == 1;
	if (at_exit && evmm_sites_on_()) {
		d.sites_listed = 1;
		d.sites = sites;
		d.sites_count = evmm_sites_copy_(sites, &d.sites_full);
	}
	evmm_report_write_(&d);
	evmm_report_end_();
	errno = saved;
}

void
evmm_snapshot_at_exit_(void)
{
	struct evmm_stats s;

	if (evmm_report_owned_()) {
		evmm_snapshot_report_(1);
		evmm_report_close_();
	}
	evmm_stats_get(&s, sizeof(s));
	evmm_summary_print_(&s);
}
