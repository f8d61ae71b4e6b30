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
#include <limits.h>
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
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#ifdef HAVE_DLFCN_H
#include <dlfcn.h>
#endif

#include "event2/evmm_debug.h"
#include "instrument-internal.h"
#include "report-internal.h"

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
/* Allocations numbered since evmm_fault_set(), from 1: 64 bits, so that
 * no program that runs for years wraps it where long has 32. */
static uint64_t allocations;

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

static void
update_instrumented(void)
{
	evmm_mm_instrument_(fault.mode != FAULT_OFF || stats_on ||
	    evmm_report_is_open_());
}

uint64_t
evmm_instr_allocations_(void)
{
	return EVMM_LOAD_RELAXED(&allocations);
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
	uint64_t n;

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
		first.size = sizeof(first);
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
		evmm_report_write_();
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
	const size_t fields = offsetof(struct evmm_fault_info, call);

	/* Checked first, so that a bad size shows before any failure. */
	if (info != NULL && (info->size < sizeof(info->size) ||
	    info->size > sizeof(*info))) {
		errno = EINVAL;
		return -1;
	}
#if defined(__GNUC__) || defined(__clang__)
	if (!__atomic_load_n(&first_ready, __ATOMIC_ACQUIRE))
		return 0;
#else
	if (!first_ready)
		return 0;
#endif
	/* What the caller's struct has room for, after its size; a shorter
	 * struct from an older header gets the fields it knows. */
	if (info != NULL && info->size > fields)
		memcpy((char *)info + fields, (const char *)&first + fields,
		    info->size - fields);
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

/* When the library is loaded.  Where the compiler cannot run code then,
 * the environment is not read; the API still works. */
#if defined(__GNUC__) || defined(__clang__)

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

/* EVMM_FAULT and EVMM_REPORT act on the calls that reach this library.
 * When the program's event_mm_malloc_ is another object's (libevent
 * linked before libevmm brings its own), none of its calls do: say so,
 * rather than count nothing in silence.  The symbol's own address cannot
 * tell, since inside the library it resolves as it does outside; the
 * objects that hold it and a variable of the library's can. */
static void
check_dispatch(void)
{
#if defined(HAVE_DLSYM) && defined(HAVE_DLADDR) && defined(RTLD_DEFAULT)
	Dl_info mine, theirs;
	struct evmm_text t;
	void *sym = dlsym(RTLD_DEFAULT, "event_mm_malloc_");

	if (sym == NULL || dladdr(&fault, &mine) == 0 ||
	    dladdr(sym, &theirs) == 0 || mine.dli_fbase == theirs.dli_fbase)
		return;
	t.len = 0;
	evmm_text_str_(&t, "libevmm: EVMM_FAULT and EVMM_REPORT see only "
	    "the calls that reach ");
	evmm_text_escaped_(&t, mine.dli_fname != NULL ? mine.dli_fname :
	    "libevmm");
	evmm_text_str_(&t, ", but event_mm_malloc_ resolves to ");
	evmm_text_escaped_(&t, theirs.dli_fname != NULL &&
	    *theirs.dli_fname != '\0' ? theirs.dli_fname : "the program");
	evmm_text_str_(&t, ", so they see none: link with -levmm before "
	    "-levent, or preload libevmm (LD_PRELOAD=");
	evmm_text_escaped_(&t, mine.dli_fname != NULL ? mine.dli_fname :
	    "libevmm.so");
	evmm_text_str_(&t, ", or evmm-torture --preload)\n");
	evmm_text_stderr_(&t);
#endif
}

__attribute__((constructor))
static void
read_environment(void)
{
	const char *v, *why;
	struct fault_spec f;
	int watched = 0;

	if (privileged())
		return;

	v = variable("EVMM_STATS");
	if (v != NULL && strcmp(v, "1") == 0) {
		evmm_stats_enable(1);
		evmm_report_summary_at_exit_();
	} else if (v != NULL && *v != '\0' && strcmp(v, "0") != 0) {
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

	v = variable("EVMM_FAULT");
	if (v != NULL) {
		why = parse_fault(v, &f);
		if (why != NULL)
			refuse("EVMM_FAULT", v, why, fault_grammar);
		else
			evmm_fault_set(v);
		watched |= why == NULL && f.mode != FAULT_OFF;
	}
	if (watched)
		check_dispatch();
}

#endif /* __GNUC__ || __clang__ */
