/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Fault injection's state: lib/fault-internal.h, and evmm_fault_first().
 * Which allocations fail, their numbering (with the call sites it
 * enters, lib/sites.c), and the first injected failure.  Depends on
 * lib/parse.c (the specification), lib/stats-internal.h (a failure is
 * counted), lib/sites-internal.h, lib/live-internal.h (where the
 * numbering is kept) and, for the process key, on
 * lib/report-internal.h.  It does not choose the table in front
 * (lib/front.c does, asking evmm_fault_numbered_()).
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "event2/evmm_debug.h"
#include "fault-internal.h"
#include "live-internal.h"
#include "report-internal.h"
#include "report-keys.h"
#include "sites-internal.h"

static struct evmm_fault_spec fault;
/* Whether the fault table is in front, numbering allocations; with a
 * process key it is while EVMM_FAULT is set, even in the processes it
 * does not fail. */
static int numbered;
/* EVMM_FAULT and EVMM_FAULT_PROCESS, when processes have keys: what each
 * process, a child made by fork() too, fails (see aimed_fault()). */
static int env_fault_armed;
static struct evmm_fault_spec env_fault;
static char fault_process[EVMM_PROCESS_KEY_MAX + 1];
/* Allocations are numbered since evmm_fault_set(), from 1, in
 * evmm_live_->allocations (lib/live.c, where the count outlives the
 * process): 64 bits, so that no program that runs for years wraps it
 * where long has 32. */

/* The first injected failure.  A thread claims it, writes it, then
 * publishes it, so a reader never sees half of it. */
static int first_claimed, first_ready;
static struct evmm_fault_info first;

static const char *const entry_names[] = {
	"malloc", "calloc", "strdup", "realloc"
};

enum evmm_injected
evmm_fault_inject_(enum evmm_entry entry, size_t sz, void *caller)
{
	struct evmm_live *l = evmm_live_;
	struct evmm_counts *c;
	uint64_t n;

	if (sz == 0)
		return EVMM_INJECTED_NONE;	/* realloc(p, 0) frees; it
						 * allocates nothing */
	n = EVMM_ADD_RELAXED(&l->allocations, 1);
	if (l->sites_limit != 0)	/* evmm_sites_on_(), without a call */
		evmm_sites_enter_(caller, n);
	if (!evmm_fault_hits_(&fault, n))
		return EVMM_INJECTED_NONE;
	c = MINE();
	BUMP(c, calls[entry], 1);
	BUMP(c, injected, 1);
	if (entry != EVMM_ENTRY_REALLOC)
		BUMP(c, new_failed, 1);
	count_up(0);
	if (EVMM_ADD_RELAXED(&first_claimed, 1) != 1)
		return EVMM_INJECTED;
	first.size = sizeof(first);
	first.call = n;
	first.entry = entry_names[entry];
	first.caller = caller;
	EVMM_STORE_RELEASE(&first_ready, 1);
	return EVMM_INJECTED_FIRST;
}

int
evmm_fault_numbered_(void)
{
	return numbered;
}

uint64_t
evmm_fault_allocations_(void)
{
	return EVMM_LOAD_RELAXED(&evmm_live_->allocations);
}

/* Fail what f says from now on, numbering from 1; numbered even when it
 * fails nothing if keep_numbering, or while sites are listed (whose
 * numbers then start again too). */
static void
set_fault(const struct evmm_fault_spec *f, int keep_numbering)
{
	fault = *f;
	numbered = f->mode != EVMM_FAULT_OFF || keep_numbering ||
	    evmm_sites_on_();
	evmm_live_->allocations = 0;
	evmm_sites_clear_();
	evmm_stats_count_from_now_();
	first_ready = 0;
	first_claimed = 0;
}

void
evmm_fault_set_by_program_(const struct evmm_fault_spec *f)
{
	env_fault_armed = 0;
	set_fault(f, 0);
}

void
evmm_fault_number_only_(void)
{
	struct evmm_fault_spec none;

	memset(&none, 0, sizeof(none));
	set_fault(&none, 1);
}

int
evmm_fault_aim_(const char *process)
{
	if (strlen(process) >= sizeof(fault_process)) {
		fault_process[0] = '/';		/* no key: nothing fails */
		return -1;
	}
	memcpy(fault_process, process, strlen(process) + 1);
	return 0;
}

int
evmm_fault_aimed_(void)
{
	return fault_process[0] != '\0';
}

/* EVMM_FAULT's specification where EVMM_FAULT_PROCESS is unset or names
 * this process; none in the others, which only number their
 * allocations. */
static struct evmm_fault_spec
aimed_fault(void)
{
	struct evmm_fault_spec f = env_fault;
	const char *key = evmm_report_key_();

	if (fault_process[0] != '\0' &&
	    (key == NULL || strcmp(key, fault_process) != 0))
		f.mode = EVMM_FAULT_OFF;
	return f;
}

void
evmm_fault_set_by_environment_(const struct evmm_fault_spec *f)
{
	struct evmm_fault_spec aimed;

	env_fault = *f;
	env_fault_armed = 1;
	aimed = aimed_fault();
	set_fault(&aimed, 1);
}

/* The child has its own key by now (lib/report.c); its counts and sites
 * start afresh beside this (lib/init.c).  `numbered` stays: the table in
 * front is left as it is, since the setters' lock is still held. */
void
evmm_fault_forked_(void)
{
	evmm_live_->allocations = 0;
	first_ready = 0;
	first_claimed = 0;
	if (evmm_report_key_() == NULL)
		fault.mode = EVMM_FAULT_OFF;	/* too deep for a key */
	else if (env_fault_armed)
		fault = aimed_fault();
}

int
evmm_fault_first(struct evmm_fault_info *info)
{
	const size_t fields = offsetof(struct evmm_fault_info, call);

	/* Checked first, so that a bad size shows before any failure. */
	if (info != NULL && (info->size < sizeof(info->size) ||
	    info->size > sizeof(*info))) {
		errno = EINVAL;
		return -1;
	}
	if (!EVMM_LOAD_ACQUIRE(&first_ready))
		return 0;
	/* What the caller's struct has room for, after its size; a shorter
	 * struct from an older header gets the fields it knows. */
	if (info != NULL && info->size > fields)
		memcpy((char *)info + fields, (const char *)&first + fields,
		    info->size - fields);
	return 1;
}
