/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Reading the environment when the library is loaded: EVMM_STATS,
 * EVMM_REPORT, EVMM_SITES, EVMM_SITES_DEPTH, EVMM_FAULT_PROCESS and
 * EVMM_FAULT, each read and applied in that order, since each may
 * depend on the one before (lib/env-internal.h).  Depends on the parts
 * it sets up: lib/front.c, lib/fault.c, lib/sites.c, lib/live.c,
 * lib/report.c, lib/summary.c, lib/crash.c, lib/reach.c, and on
 * lib/parse.c and lib/text.c.  Called by lib/init.c only.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_SYS_AUXV_H
#include <sys/auxv.h>
#endif
#ifdef HAVE_UNISTD_H
#include <unistd.h>
#endif

#include "event2/evmm_debug.h"
#include "crash-internal.h"
#include "env-internal.h"
#include "fault-internal.h"
#include "front-internal.h"
#include "live-internal.h"
#include "parse-internal.h"
#include "reach-internal.h"
#include "report-keys.h"
#include "report-internal.h"
#include "sites-internal.h"
#include "summary-internal.h"
#include "text-internal.h"

/* Whether the process runs with privileges its caller may not have:
 * set-user-ID, set-group-ID, file capabilities.  Its environment is then
 * the caller's, and must not steer it: not which file it truncates, not
 * which of its allocations fail, not what it prints.  libevent's own
 * variables are ignored the same way. */
static int
privileged(void)
{
#if defined(HAVE_GETAUXVAL) && defined(AT_SECURE)
	return getauxval(AT_SECURE) != 0;
#elif defined(HAVE_ISSETUGID)
	return issetugid() != 0;
#elif defined(HAVE_GETEUID) && defined(HAVE_GETEGID)
	return getuid() != geteuid() || getgid() != getegid();
#else
	return 0;
#endif
}

/* The environment, and with glibc not even that in a privileged process,
 * should the test above ever miss one. */
static const char *
variable(const char *name)
{
#ifdef HAVE_SECURE_GETENV
	return secure_getenv(name);
#else
	return getenv(name);
#endif
}

static char report_buf[4096];

static const char fault_grammar[] =
    "off, nth=N, every=N, window=A-B, random=P or random=P,seed=S";

static void
refuse(const char *name, const char *value, const char *why,
    const char *expected)
{
	struct evmm_text t;

	t.len = 0;
	evmm_text_str_(&t, "libevmm: ");
	evmm_text_str_(&t, name);
	evmm_text_str_(&t, "=\"");
	evmm_text_escaped_(&t, value);
	evmm_text_str_(&t, "\" refused: ");
	evmm_text_str_(&t, why);
	evmm_text_str_(&t, " (expected ");
	evmm_text_str_(&t, expected);
	evmm_text_str_(&t, "); it is not applied\n");
	evmm_text_stderr_(&t);
}

void
evmm_env_apply_(void)
{
	const char *v, *why;
	struct evmm_fault_spec f;
	int watched = 0;

	if (privileged())
		return;

	v = variable("EVMM_STATS");
	if (evmm_parse_switch_(v) == 1) {
		evmm_stats_enable(1);
		evmm_summary_at_exit_();
	} else if (evmm_parse_switch_(v) < 0) {
		refuse("EVMM_STATS", v, "not a switch", "1 or 0");
	}

	v = variable("EVMM_REPORT");
	if (v != NULL && strlen(v) >= sizeof(report_buf)) {
		refuse("EVMM_REPORT", v, "the path is too long", "a file name");
	} else if (v != NULL && *v != '\0') {
		watched = 1;
		/* A copy: the program may change its environment. */
		memcpy(report_buf, v, strlen(v) + 1);
		if (evmm_report_open_(report_buf) == 0)
			evmm_stats_enable(1);
	}

	/* Before EVMM_FAULT, whose numbering then keeps the sites'. */
	v = variable("EVMM_SITES");
	if (v != NULL && *v != '\0') {
		uint64_t most;

		if (evmm_parse_count_(v, &most) != 0) {
			refuse("EVMM_SITES", v, "not a number",
			    "the most call sites to list, 0 for none");
		} else if (most > 0 && !evmm_report_is_open_()) {
			refuse("EVMM_SITES", v, "the sites are listed in the "
			    "report, but EVMM_REPORT names none",
			    "EVMM_REPORT=PATH as well");
		} else if (most > 0) {
			evmm_sites_limit_(most);
			evmm_fault_number_only_();
			evmm_front_update_();
		}
	}

	v = variable("EVMM_SITES_DEPTH");
	if (v != NULL && *v != '\0') {
		uint64_t depth;

		if (evmm_parse_count_(v, &depth) != 0 || depth < 1 ||
		    depth > EVMM_SITES_DEPTH_MAX)
			refuse("EVMM_SITES_DEPTH", v, "not a depth",
			    "a number of frames from 1 to 16");
		else if (!evmm_sites_on_())
			refuse("EVMM_SITES_DEPTH", v, "no sites are listed",
			    "EVMM_SITES=N as well");
		else if (evmm_sites_depth_((unsigned)depth) != 0)
			refuse("EVMM_SITES_DEPTH", v, "this platform cannot "
			    "walk the stack (no backtrace())", "1");
	}

	v = variable("EVMM_FAULT_PROCESS");
	if (v != NULL && *v != '\0') {
		if (evmm_fault_aim_(v) != 0)
			refuse("EVMM_FAULT_PROCESS", v, "too long",
			    "a process key");
	}

	v = variable("EVMM_FAULT");
	if (v != NULL) {
		why = evmm_parse_fault_(v, &f);
		if (why != NULL) {
			refuse("EVMM_FAULT", v, why, fault_grammar);
		} else if (evmm_report_key_() != NULL) {
			/* f stays EVMM_FAULT's: a process that fails nothing
			 * itself still gets the crash handlers, which its
			 * children made by fork() inherit, and one of them
			 * may be the process EVMM_FAULT_PROCESS names. */
			evmm_fault_set_by_environment_(&f);
			evmm_front_update_();
		} else if (evmm_fault_aimed_()) {
			/* Failing every process instead of one would be
			 * worse than failing none. */
			refuse("EVMM_FAULT", v, "EVMM_FAULT_PROCESS is set, "
			    "but processes have keys only when EVMM_REPORT "
			    "names a directory", "EVMM_REPORT=DIRECTORY");
			why = "";
		} else {
			evmm_fault_set(v);
		}
		watched |= why == NULL && f.mode != EVMM_FAULT_OFF;
		/* Where a failure makes the program crash, in the report. */
		if (why == NULL && f.mode != EVMM_FAULT_OFF &&
		    evmm_report_is_open_())
			evmm_crash_handlers_install_();
	}
	/* Numbered (EVMM_SITES, EVMM_FAULT) in a process with a key: the
	 * numbering goes where it outlives the process. */
	if (evmm_report_key_() != NULL && evmm_fault_numbered_())
		evmm_live_map_();
	/* EVMM_STATS said so already, when it was set. */
	if (watched)
		evmm_reach_warn_();
}

