/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Fault injection and allocation statistics: event2/evmm_debug.h.
 *
 * While either is on, a table of this file's functions is published in
 * front of the allocator's (lib/dispatch-internal.h): each counts or
 * fails the call, then calls the allocator's table.  While both are off
 * it is not published, and nothing here is on any path.
 * Counters are relaxed atomics: they need no ordering, only no lost
 * updates when threads allocate at once.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_DLFCN_H
#include <dlfcn.h>
#endif

#include "event2/evmm_debug.h"
#include "dispatch-internal.h"

enum evmm_entry {
	EVMM_ENTRY_MALLOC,
	EVMM_ENTRY_CALLOC,
	EVMM_ENTRY_STRDUP,
	EVMM_ENTRY_REALLOC
};

/* --- Fault injection --------------------------------------------------- */

enum fault_mode { FAULT_OFF, FAULT_NTH, FAULT_EVERY, FAULT_WINDOW,
	FAULT_RANDOM };

/* Probabilities are kept in parts per billion: "0.05" is 50000000. */
#define PPB 1000000000UL

struct fault_spec {
	enum fault_mode mode;
	unsigned long first, last;	/* nth: first; every: first; window */
	unsigned long ppb;		/* random */
	unsigned long seed;		/* random */
};

static struct fault_spec fault;
/* Allocations numbered since evmm_fault_set(), from 1. */
static unsigned long allocations;

/* The first injected failure.  A thread claims it, writes it, then
 * publishes it, so a reader never sees half of it. */
static int first_claimed, first_ready;
static struct evmm_fault_info first;

static const char *const entry_names[] = {
	"malloc", "calloc", "strdup", "realloc"
};

/* A decimal number with no sign or space: the end, or NULL. */
static const char *
parse_number(const char *s, unsigned long *out)
{
	unsigned long n = 0;

	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (ULONG_MAX - (unsigned long)(*s - '0')) / 10)
			return NULL;
		n = n * 10 + (unsigned long)(*s - '0');
	}
	*out = n;
	return s;
}

/* "0.05", "1", "1.0", ".5": a fraction in (0, 1], in parts per billion. */
static const char *
parse_probability(const char *s, unsigned long *ppb)
{
	unsigned long whole = 0, frac = 0, scale = PPB;

	if (*s >= '0' && *s <= '9') {
		s = parse_number(s, &whole);
		if (s == NULL || whole > 1)
			return NULL;
	} else if (*s != '.') {
		return NULL;
	}
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return NULL;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (scale == 1)
				return NULL;	/* more than nine digits */
			scale /= 10;
			frac += (unsigned long)(*s - '0') * scale;
		}
	}
	if (whole == 1 && frac != 0)
		return NULL;
	*ppb = whole * PPB + frac;
	return *ppb == 0 ? NULL : s;
}

/* Parses spec into out; on error, returns what is wrong. */
static const char *
parse_fault(const char *spec, struct fault_spec *out)
{
	const char *s;
	struct fault_spec f;

	memset(&f, 0, sizeof(f));
	if (spec == NULL || *spec == '\0' || strcmp(spec, "off") == 0) {
		*out = f;
		return NULL;
	}
	if (strncmp(spec, "nth=", 4) == 0 || strncmp(spec, "every=", 6) == 0) {
		f.mode = spec[0] == 'n' ? FAULT_NTH : FAULT_EVERY;
		s = parse_number(strchr(spec, '=') + 1, &f.first);
		if (s == NULL || *s != '\0')
			return "N must be a decimal number";
		if (f.first == 0)
			return "N must be at least 1 (allocations count from 1)";
	} else if (strncmp(spec, "window=", 7) == 0) {
		f.mode = FAULT_WINDOW;
		s = parse_number(spec + 7, &f.first);
		if (s == NULL || *s != '-')
			return "the window must be A-B, two decimal numbers";
		s = parse_number(s + 1, &f.last);
		if (s == NULL || *s != '\0')
			return "the window must be A-B, two decimal numbers";
		if (f.first == 0 || f.first > f.last)
			return "the window A-B needs 1 <= A <= B";
	} else if (strncmp(spec, "random=", 7) == 0) {
		f.mode = FAULT_RANDOM;
		s = parse_probability(spec + 7, &f.ppb);
		if (s == NULL)
			return "P must be a decimal fraction above 0 and at most 1,"
			    " with at most nine digits after the point";
		if (strncmp(s, ",seed=", 6) == 0) {
			s = parse_number(s + 6, &f.seed);
			if (s == NULL)
				return "the seed must be a decimal number";
		}
		if (*s != '\0')
			return "random=P may be followed only by ,seed=S";
	} else {
		return "unknown mode";
	}
	*out = f;
	return NULL;
}

/* A well-mixed 64-bit function of the seed and the allocation's number,
 * so that a random run repeats exactly, whatever the threads do. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int
fault_hits(const struct fault_spec *f, unsigned long n)
{
	switch (f->mode) {
	case FAULT_NTH:
		return n == f->first;
	case FAULT_EVERY:
		return n % f->first == 0;
	case FAULT_WINDOW:
		return n >= f->first && n <= f->last;
	case FAULT_RANDOM:
		return mix(((uint64_t)f->seed << 32) ^ n) % PPB < f->ppb;
	case FAULT_OFF:
		break;
	}
	return 0;
}

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

/* The usable size of block @p ptr from table @p t's allocator, or 0 when
 * it cannot be known. */
static size_t
block_size(const struct evmm_table *t, void *ptr)
{
	/* Only the statistics use sizes: fault injection alone asks nothing
	 * of the allocator and marks nothing unknown. */
	if (!EVMM_LOAD_RELAXED(&stats_on))
		return 0;
	if (t->size_fn != NULL)
		return t->size_fn(ptr);
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

/* --- The table in front -------------------------------------------------- */

/* Before an allocation of sz bytes: counts it, and returns 1 when it
 * must fail.  realloc passes sz 0 when it frees, which never fails. */
static int
instr_begin(enum evmm_entry entry, size_t sz, void *caller)
{
	unsigned long n;

	if (EVMM_LOAD_RELAXED(&stats_on))
		EVMM_ADD_RELAXED(&st.calls[entry], 1);
	if (sz == 0)
		return 0;	/* realloc(p, 0) frees; it allocates nothing */
	n = EVMM_ADD_RELAXED(&allocations, 1);
	if (!fault_hits(&fault, n))
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

/* After it: p is the new block or NULL; for realloc, old is the block
 * given and old_size its usable size before the call. */
static void
instr_end(const struct evmm_table *t, enum evmm_entry entry, void *p,
    void *old, size_t old_size, size_t sz)
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
	add_live_bytes((long long)block_size(t, p));
}

static void *
instrumented_malloc(enum evmm_entry entry, size_t sz, void *caller)
{
	const struct evmm_table *t;
	void *p;

	if (instr_begin(entry, sz, caller)) {
		errno = ENOMEM;
		return NULL;
	}
	t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	p = t->malloc_fn(sz);
	instr_end(t, entry, p, NULL, 0, sz);
	return p;
}

/* event_mm_malloc_() and event_mm_realloc_() reach these by a tail call
 * when compiled with optimisation, so their return address is the
 * caller's; calloc and strdup, which do more after the call, pass it. */

static void *
instr_malloc(size_t sz)
{
	return instrumented_malloc(EVMM_ENTRY_MALLOC, sz,
	    EVMM_RETURN_ADDRESS());
}

static void *
instr_strdup_at(size_t sz, void *caller)
{
	return instrumented_malloc(EVMM_ENTRY_STRDUP, sz, caller);
}

static void *
instr_calloc_at(size_t count, size_t size, void *caller)
{
	const struct evmm_table *t;
	void *p;

	if (instr_begin(EVMM_ENTRY_CALLOC, count * size, caller))
		return NULL;
	t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	if (t->calloc_fn != NULL) {
		p = t->calloc_fn(count, size);
	} else {
		p = t->malloc_fn(count * size);
		if (p != NULL)
			memset(p, 0, count * size);
	}
	instr_end(t, EVMM_ENTRY_CALLOC, p, NULL, 0, count * size);
	return p;
}

static void *
instr_realloc(void *ptr, size_t sz)
{
	void *caller = EVMM_RETURN_ADDRESS();
	const struct evmm_table *t;
	size_t old_size;
	void *p;

	if (instr_begin(EVMM_ENTRY_REALLOC, sz, caller)) {
		errno = ENOMEM;
		return NULL;
	}
	t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	old_size = ptr != NULL ? block_size(t, ptr) : 0;
	p = t->realloc_fn(ptr, sz);
	instr_end(t, EVMM_ENTRY_REALLOC, p, ptr, old_size, sz);
	return p;
}

static void
instr_free(void *ptr)
{
	const struct evmm_table *t = LOAD_ACQUIRE_(&evmm_allocator_table_);

	if (EVMM_LOAD_RELAXED(&stats_on)) {
		EVMM_ADD_RELAXED(&st.free_calls, 1);
		if (ptr != NULL) {
			EVMM_ADD_RELAXED(&st.live_blocks, -1);
			add_live_bytes(-(long long)block_size(t, ptr));
		}
	}
	t->free_fn(ptr);
}

static const struct evmm_table instr_table = {
	instr_malloc, instr_realloc, instr_free, NULL, NULL,
	instr_calloc_at, instr_strdup_at, NULL, NULL
};

static void
update_instrumented(void)
{
	evmm_dispatch_front_(fault.mode != FAULT_OFF || stats_on ||
	    report_path != NULL ? &instr_table : NULL);
}

/* --- The API ------------------------------------------------------------- */

int
evmm_fault_set(const char *spec)
{
	struct fault_spec f;

	if (parse_fault(spec, &f) != NULL) {
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
	struct fault_spec f;

	v = getenv("EVMM_STATS");
	if (v != NULL && strcmp(v, "1") == 0)
		evmm_stats_enable(1);
	else if (v != NULL && *v != '\0' && strcmp(v, "0") != 0)
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
		why = parse_fault(v, &f);
		if (why != NULL)
			refuse("EVMM_FAULT", v, why, fault_grammar);
		else
			evmm_fault_set(v);
	}
}

#endif /* __GNUC__ || __clang__ */
