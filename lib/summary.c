/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The EVMM_STATS summary on standard error at exit:
 * lib/summary-internal.h.  It prints the statistics it is handed.
 * Depends on lib/text.c only.
 */
#include "config.h"

#include <stdint.h>
#ifdef HAVE_UNISTD_H
#include <unistd.h>
#endif
#ifdef _WIN32
#include <process.h>
#endif

#include "event2/evmm_debug.h"
#include "summary-internal.h"
#include "text-internal.h"

/* The process that asked, so that its children made by fork() do not
 * print its summary as theirs. */
static long summary_pid;

void
evmm_summary_at_exit_(void)
{
	summary_pid = (long)getpid();
}

static void
label(struct evmm_text *t, const char *name, uint64_t value,
    const char *after)
{
	evmm_text_str_(t, name);
	evmm_text_u64_(t, value);
	evmm_text_str_(t, after);
}

void
evmm_summary_print_(const struct evmm_stats *s)
{
	struct evmm_text t;

	if (summary_pid == 0 || (long)getpid() != summary_pid)
		return;
	t.len = 0;
	evmm_text_str_(&t, "libevmm: EVMM_STATS: allocation statistics of "
	    "process ");
	evmm_text_u64_(&t, (uint64_t)summary_pid);
	evmm_text_str_(&t, " at exit\n");
	label(&t, "libevmm:   calls     malloc ", s->malloc_calls, "");
	label(&t, ", calloc ", s->calloc_calls, "");
	label(&t, ", strdup ", s->strdup_calls, "");
	label(&t, ", realloc ", s->realloc_calls, "");
	label(&t, ", free ", s->free_calls, "\n");
	label(&t, "libevmm:   failures  injected ", s->injected_failures, "");
	label(&t, ", real ", s->real_failures, "\n");
	label(&t, "libevmm:   live      ", s->live_blocks, " blocks");
	if (s->bytes_known) {
		label(&t, ", ", s->live_bytes, " bytes");
		label(&t, " (peak ", s->peak_bytes, " bytes)\n");
	} else {
		evmm_text_str_(&t, " (bytes unknown: the program's allocator"
		    " does not report block sizes)\n");
	}
	evmm_text_stderr_(&t);
}
