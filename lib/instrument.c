/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Fault injection and allocation statistics: event2/evmm_debug.h.
 *
 * lib/mm.c reports every call here while either is on.
 * Counters are relaxed atomics: they need no ordering, only no lost
 * updates when threads allocate at once.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#ifdef HAVE_DLFCN_H
#include <dlfcn.h>
#endif

#include "event2/evmm_debug.h"
#include "instrument-internal.h"
#include "parse-internal.h"

/* --- Fault injection --------------------------------------------------- */

static struct evmm_fault_spec fault;
/* Allocations numbered since evmm_fault_set(), from 1. */
static unsigned long allocations;

/* The first injected failure.  A thread claims it, writes it, then
 * publishes it, so a reader never sees half of it. */
static int first_claimed, first_ready;
static struct evmm_fault_info first;

static const char *const entry_names[] = {
	"malloc", "calloc", "strdup", "realloc"
};

/* --- Statistics -------------------------------------------------------- */

static int stats_on;
static struct {
	unsigned long long calls[4];	/* by enum evmm_entry */
	unsigned long long free_calls;
	unsigned long long injected, real_failures;
	/* Signed: a block from before the statistics were on may be freed
	 * while they are. */
	long long live_blocks, live_bytes;
	unsigned long long peak_bytes;
	int bytes_unknown;
} st;

static const char *report_path;
static void write_report(void);

static void
update_instrumented(void)
{
	evmm_mm_instrument_(fault.mode != EVMM_FAULT_OFF || stats_on ||
	    report_path != NULL);
}

size_t
evmm_instr_block_size_(void *ptr)
{
	/* Only the statistics use sizes: fault injection alone asks nothing
	 * of the C library and marks nothing unknown. */
	if (!EVMM_LOAD_RELAXED(&stats_on))
		return 0;
#ifdef HAVE_MALLOC_USABLE_SIZE
	if (!evmm_mm_has_user_hooks_())
		return malloc_usable_size(ptr);
#endif
	(void)ptr;
	EVMM_STORE_RELAXED(&st.bytes_unknown, 1);
	return 0;
}

static void
add_live_bytes(long long delta)
{
	long long live = EVMM_ADD_RELAXED(&st.live_bytes, delta);
	unsigned long long peak = EVMM_LOAD_RELAXED(&st.peak_bytes);

	while (live > 0 && (unsigned long long)live > peak) {
#if defined(__GNUC__) || defined(__clang__)
		if (__atomic_compare_exchange_n(&st.peak_bytes, &peak,
		    (unsigned long long)live, 1, __ATOMIC_RELAXED,
		    __ATOMIC_RELAXED))
			break;
#else
		st.peak_bytes = (unsigned long long)live;
		break;
#endif
	}
}

/* --- What mm.c calls ----------------------------------------------------- */

int
evmm_instr_begin_(enum evmm_entry entry, size_t sz, void *caller)
{
	unsigned long n;

	if (EVMM_LOAD_RELAXED(&stats_on))
		EVMM_ADD_RELAXED(&st.calls[entry], 1);
	if (sz == 0)
		return 0;	/* realloc(p, 0) frees; it allocates nothing */
	n = EVMM_ADD_RELAXED(&allocations, 1);
	if (!evmm_fault_hits_(&fault, n))
		return 0;
	if (EVMM_LOAD_RELAXED(&stats_on))
		EVMM_ADD_RELAXED(&st.injected, 1);
	if (EVMM_ADD_RELAXED(&first_claimed, 1) == 1) {
		first.call = n;
		first.entry = entry_names[entry];
		first.caller = caller;
#if defined(__GNUC__) || defined(__clang__)
		__atomic_store_n(&first_ready, 1, __ATOMIC_RELEASE);
#else
		first_ready = 1;
#endif
		/* Now, in case the failure makes the program crash before
		 * it exits; the exit rewrites the report whole. */
		if (report_path != NULL)
			write_report();
	}
	return 1;
}

void
evmm_instr_end_(enum evmm_entry entry, void *p, void *old, size_t old_size,
    size_t sz)
{
	int resized = entry == EVMM_ENTRY_REALLOC && old != NULL;

	if (!EVMM_LOAD_RELAXED(&stats_on))
		return;
	if (p == NULL) {
		if (resized && sz == 0) {
			EVMM_ADD_RELAXED(&st.live_blocks, -1);
			add_live_bytes(-(long long)old_size);
		} else {
			EVMM_ADD_RELAXED(&st.real_failures, 1);
		}
		return;
	}
	if (resized)
		add_live_bytes(-(long long)old_size);
	else
		EVMM_ADD_RELAXED(&st.live_blocks, 1);
	add_live_bytes((long long)evmm_instr_block_size_(p));
}

void
evmm_instr_free_(void *ptr)
{
	if (!EVMM_LOAD_RELAXED(&stats_on))
		return;
	EVMM_ADD_RELAXED(&st.free_calls, 1);
	if (ptr == NULL)
		return;
	EVMM_ADD_RELAXED(&st.live_blocks, -1);
	add_live_bytes(-(long long)evmm_instr_block_size_(ptr));
}

/* --- The API ------------------------------------------------------------- */

int
evmm_fault_set(const char *spec)
{
	struct evmm_fault_spec f;

	if (evmm_parse_fault_(spec, &f) != NULL) {
		errno = EINVAL;
		return -1;
	}
	fault = f;
	allocations = 0;
	first_ready = 0;
	first_claimed = 0;
	update_instrumented();
	return 0;
}

int
evmm_fault_first(struct evmm_fault_info *info)
{
#if defined(__GNUC__) || defined(__clang__)
	if (!__atomic_load_n(&first_ready, __ATOMIC_ACQUIRE))
		return 0;
#else
	if (!first_ready)
		return 0;
#endif
	if (info != NULL)
		*info = first;
	return 1;
}

void
evmm_stats_enable(int on)
{
	memset(&st, 0, sizeof(st));
	stats_on = on != 0;
	update_instrumented();
}

int
evmm_stats_get(struct evmm_stats *stats, size_t size)
{
	struct evmm_stats s;
	long long live;

	if (stats == NULL || size > sizeof(s)) {
		errno = EINVAL;
		return -1;
	}
	memset(&s, 0, sizeof(s));
	s.malloc_calls = EVMM_LOAD_RELAXED(&st.calls[EVMM_ENTRY_MALLOC]);
	s.calloc_calls = EVMM_LOAD_RELAXED(&st.calls[EVMM_ENTRY_CALLOC]);
	s.strdup_calls = EVMM_LOAD_RELAXED(&st.calls[EVMM_ENTRY_STRDUP]);
	s.realloc_calls = EVMM_LOAD_RELAXED(&st.calls[EVMM_ENTRY_REALLOC]);
	s.free_calls = EVMM_LOAD_RELAXED(&st.free_calls);
	s.injected_failures = EVMM_LOAD_RELAXED(&st.injected);
	s.real_failures = EVMM_LOAD_RELAXED(&st.real_failures);
	live = EVMM_LOAD_RELAXED(&st.live_blocks);
	s.live_blocks = live > 0 ? (unsigned long long)live : 0;
	s.bytes_known = !EVMM_LOAD_RELAXED(&st.bytes_unknown);
	if (s.bytes_known) {
		live = EVMM_LOAD_RELAXED(&st.live_bytes);
		s.live_bytes = live > 0 ? (unsigned long long)live : 0;
		s.peak_bytes = EVMM_LOAD_RELAXED(&st.peak_bytes);
	}
	memcpy(stats, &s, size);
	return 0;
}

/* --- The environment ------------------------------------------------------ */

/* Where the call that returned to addr is: "file+0xoffset (symbol)".
 * One byte back from the return address is inside the call instruction,
 * so that addr2line names the calling line, not the next one. */
static void
describe_call_site(FILE *f, void *addr)
{
#ifdef HAVE_DLADDR
	Dl_info dl;

	if (addr != NULL && dladdr(addr, &dl) != 0 && dl.dli_fname != NULL) {
		fprintf(f, "%s+%#lx", dl.dli_fname, (unsigned long)
		    ((char *)addr - (char *)dl.dli_fbase) - 1);
		if (dl.dli_sname != NULL)
			fprintf(f, " (%s)", dl.dli_sname);
		return;
	}
#endif
	fprintf(f, "%p", addr);
}

/* At exit, and at the first injected failure. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((destructor))
#endif
static void
write_report(void)
{
	struct evmm_stats s;
	struct evmm_fault_info info;
	FILE *f;

	if (report_path == NULL)
		return;
	f = fopen(report_path, "w");
	if (f == NULL) {
		fprintf(stderr, "libevmm: EVMM_REPORT: cannot write %s: %s\n",
		    report_path, strerror(errno));
		return;
	}
	evmm_stats_get(&s, sizeof(s));
	fprintf(f, "allocations=%lu\n", EVMM_LOAD_RELAXED(&allocations));
	fprintf(f, "malloc_calls=%llu\ncalloc_calls=%llu\nstrdup_calls=%llu\n"
	    "realloc_calls=%llu\nfree_calls=%llu\n", s.malloc_calls,
	    s.calloc_calls, s.strdup_calls, s.realloc_calls, s.free_calls);
	fprintf(f, "injected_failures=%llu\nreal_failures=%llu\n"
	    "live_blocks=%llu\n", s.injected_failures, s.real_failures,
	    s.live_blocks);
	if (s.bytes_known)
		fprintf(f, "live_bytes=%llu\npeak_bytes=%llu\n", s.live_bytes,
		    s.peak_bytes);
	if (evmm_fault_first(&info)) {
		fprintf(f, "first_injected_call=%lu\nfirst_injected_entry=%s\n"
		    "first_injected_caller=", info.call, info.entry);
		describe_call_site(f, info.caller);
		fputc('\n', f);
	}
	fclose(f);
}

/* When the library is loaded.  Where the compiler cannot run code then,
 * the environment is not read; the API still works. */
#if defined(__GNUC__) || defined(__clang__)

static char report_buf[4096];

static const char fault_grammar[] =
    "off, nth=N, every=N, window=A-B, random=P or random=P,seed=S";

static void
refuse(const char *name, const char *value, const char *why,
    const char *expected)
{
	fprintf(stderr, "libevmm: %s=\"%s\" refused: %s (expected %s); "
	    "it is not applied\n", name, value, why, expected);
}

__attribute__((constructor))
static void
read_environment(void)
{
	const char *v, *why;
	struct evmm_fault_spec f;

	v = getenv("EVMM_STATS");
	if (evmm_parse_switch_(v) == 1)
		evmm_stats_enable(1);
	else if (evmm_parse_switch_(v) < 0)
		refuse("EVMM_STATS", v, "not a switch", "1 or 0");

	v = getenv("EVMM_REPORT");
	if (v != NULL && strlen(v) >= sizeof(report_buf)) {
		refuse("EVMM_REPORT", v, "the path is too long", "a file name");
	} else if (v != NULL && *v != '\0') {
		/* A copy: the program may change its environment. */
		memcpy(report_buf, v, strlen(v) + 1);
		report_path = report_buf;
		evmm_stats_enable(1);
	}

	v = getenv("EVMM_FAULT");
	if (v != NULL) {
		why = evmm_parse_fault_(v, &f);
		if (why != NULL)
			refuse("EVMM_FAULT", v, why, fault_grammar);
		else
			evmm_fault_set(v);
	}
}

#endif /* __GNUC__ || __clang__ */
