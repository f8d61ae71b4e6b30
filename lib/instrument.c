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

#if defined(EVMM_HAVE_TLS_COUNTERS) || defined(HAVE_PTHREAD_ATFORK)
#include <pthread.h>
#endif

#include "event2/evmm_debug.h"
#include "crash-internal.h"
#include "dispatch-internal.h"
#include "parse-internal.h"
#include "report-internal.h"
#include "report-keys.h"

enum evmm_entry {
	EVMM_ENTRY_MALLOC,
	EVMM_ENTRY_CALLOC,
	EVMM_ENTRY_STRDUP,
	EVMM_ENTRY_REALLOC
};

/* --- Fault injection --------------------------------------------------- */

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

/* --- Call sites (EVMM_SITES) ------------------------------------------- */

/*
 * While on, the caller of each numbered allocation is looked up in a
 * fixed table, and a caller seen for the first time is entered with the
 * allocation's number: the report lists them at exit (lib/report.c), and
 * evmm-torture --per-site fails exactly those allocations.  The table is
 * static, never allocated: it must not go through the allocator it
 * watches, nor cost a process that does not use it more than untouched
 * memory.  Threads enter callers at once: a slot is claimed by a
 * compare-and-swap of its caller (open addressing, at most half full);
 * and since a number is taken before the table is looked at, a site's
 * number is then lowered to the smallest that reaches it.
 */
#define SITE_SLOTS (2 * EVMM_SITES_MAX)		/* a power of two */

struct site_slot {
	void *caller;
	uint64_t first;		/* 0 until its entering thread writes it */
};

static struct site_slot site_slots[SITE_SLOTS];
/* The slots in the order they were claimed, each as its index + 1 (0:
 * being written). */
static uint32_t site_order[EVMM_SITES_MAX];
/* The most sites to list (0: off); slots reserved, against that; slots
 * claimed, in site_order; whether a site was turned away. */
static unsigned sites_limit;
static unsigned sites_reserved;
static unsigned sites_claimed;
static int sites_full;

#if defined(__GNUC__) || defined(__clang__)
static size_t
site_hash(const void *caller)
{
	uint64_t h = (uint64_t)(uintptr_t)caller;

	h ^= h >> 29;
	h *= UINT64_C(0x9e3779b97f4a7c15);
	return (size_t)(h >> 40) & (SITE_SLOTS - 1);
}

/* Allocation n was called from caller: enter it if it is new, else lower
 * its number to n if n is smaller. */
static void
enter_site(void *caller, uint64_t n)
{
	size_t i, tries;
	void *seen;
	uint64_t least;
	unsigned k;
	int claimed = 0;

	if (caller == NULL)
		caller = (void *)&site_slots;	/* not a caller: a key */
	i = site_hash(caller);
	for (tries = 0; tries < SITE_SLOTS; tries++,
	    i = (i + 1) & (SITE_SLOTS - 1)) {
		seen = __atomic_load_n(&site_slots[i].caller, __ATOMIC_ACQUIRE);
		if (seen == NULL) {
			/* A place in the list first, so that no more than
			 * the limit are ever claimed. */
			if (__atomic_fetch_add(&sites_reserved, 1,
			    __ATOMIC_RELAXED) >= sites_limit) {
				__atomic_fetch_sub(&sites_reserved, 1,
				    __ATOMIC_RELAXED);
				__atomic_store_n(&sites_full, 1,
				    __ATOMIC_RELAXED);
				return;
			}
			claimed = __atomic_compare_exchange_n(
			    &site_slots[i].caller, &seen, caller, 0,
			    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
			if (claimed)
				seen = caller;
			else	/* another thread claimed it meanwhile */
				__atomic_fetch_sub(&sites_reserved, 1,
				    __ATOMIC_RELAXED);
		}
		if (seen != caller)
			continue;
		/* Lowered, even by the thread that claimed the slot: another
		 * may have found it and lowered it already. */
		least = __atomic_load_n(&site_slots[i].first,
		    __ATOMIC_RELAXED);
		while ((least == 0 || n < least) &&
		    !__atomic_compare_exchange_n(&site_slots[i].first, &least,
		    n, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			continue;
		if (claimed) {
			k = __atomic_fetch_add(&sites_claimed, 1,
			    __ATOMIC_RELAXED);
			__atomic_store_n(&site_order[k], (uint32_t)i + 1,
			    __ATOMIC_RELEASE);
		}
		return;
	}
}
#else
/* EVMM_SITES is read only where the compiler runs constructors. */
static void
enter_site(void *caller, uint64_t n)
{
	(void)caller;
	(void)n;
}
#endif

/* Forget every site.  Called while no other thread allocates. */
static void
clear_sites(void)
{
	if (sites_reserved == 0 && !sites_full)
		return;		/* untouched: leave its pages alone */
	memset(site_slots, 0, sizeof(site_slots));
	memset(site_order, 0, sizeof(site_order));
	sites_reserved = 0;
	sites_claimed = 0;
	sites_full = 0;
}

int
evmm_instr_sites_(size_t *count, int *full)
{
	unsigned n = EVMM_LOAD_RELAXED(&sites_claimed);

	if (EVMM_LOAD_RELAXED(&sites_limit) == 0)
		return 0;
	*count = n < EVMM_SITES_MAX ? n : EVMM_SITES_MAX;
	*full = EVMM_LOAD_RELAXED(&sites_full);
	return 1;
}

int
evmm_instr_site_(size_t k, void **caller, uint64_t *number)
{
	uint32_t slot;

	if (k >= EVMM_SITES_MAX)
		return 0;
	slot = EVMM_LOAD_ACQUIRE(&site_order[k]);
	if (slot == 0)
		return 0;	/* another thread is entering it */
	*caller = EVMM_LOAD_ACQUIRE(&site_slots[slot - 1].caller);
	*number = EVMM_LOAD_RELAXED(&site_slots[slot - 1].first);
	if (*caller == (void *)&site_slots)
		*caller = NULL;
	return *number != 0;
}

/* --- Statistics -------------------------------------------------------- */

/*
 * Each thread counts in a struct counts of its own, in initial-exec
 * thread-local storage (one instruction to reach from a shared library,
 * where the general model calls __tls_get_addr), and only it writes
 * there: a relaxed load and store per update, no locked instruction, and
 * no cache line written by two threads on the hot path.
 * evmm_stats_get() adds them up.  The first call a thread makes links
 * its counts into a list; when it exits, a pthread key's destructor adds
 * them to `retired` and unlinks them, so nothing is lost.  Where the
 * platform lacks initial-exec TLS or pthread keys, all threads share one
 * struct counts and update it with atomic additions: right, but two
 * threads then fight over its cache lines.
 *
 * Live bytes are exact (a sum), but their peak is a maximum over time
 * that a sum taken later cannot give.  Each thread therefore follows an
 * estimate of the process's live bytes: the total as it last saw it,
 * plus what it has allocated since (its drift).  It keeps the largest
 * estimate as its peak.  When its drift has left [-PEAK_SLACK / 2,
 * PEAK_SLACK / 2], it adds it to the shared total (one atomic addition,
 * rare) and sees the total afresh; the drift never leaves [-PEAK_SLACK,
 * PEAK_SLACK / 2].  So each estimate is off by at most PEAK_SLACK for
 * each other thread, and exact while only one thread allocates.
 *
 * The hot path keeps a thread's bytes as lo + pos and moves pos only.
 * Between lo and lo + WINDOW (pos in [0, WINDOW]) there is nothing else
 * to do; when pos leaves that window, which one unsigned comparison with
 * a constant tells (below 0 it wraps around to above WINDOW), the call
 * takes bytes_moved(), which adds the drift to the total if it must,
 * raises the peak, and moves the window (lo, and pos with it) so that it
 * holds the bytes again and its top is where the next call must look at
 * the peak.
 */
#define PEAK_SLACK (64 * 1024)
#define WINDOW PEAK_SLACK
#define UP_SLACK (PEAK_SLACK / 2)
/* A position outside the window whichever way it moves: the state in
 * which a thread's next call takes bytes_moved(). */
#define OUTSIDE (1ULL << 63)

struct counts {
	/* The hot path's, first: one cache line. */
	long long calls[4];		/* by enum evmm_entry */
	long long free_calls;
	unsigned long long pos;		/* usable bytes allocated less freed,
					 * less lo (modulo 2^64) */
	/* The rest, written on rarer paths. */
	unsigned long long lo;
	unsigned long long seq;		/* odd while bytes_moved() moves lo */
	long long moving;		/* the bytes while seq is odd */
	int busy;			/* in bytes_moved() */
	long long free_null;		/* free_calls with a NULL pointer */
	long long new_failed;		/* malloc, calloc, strdup that failed */
	long long realloc_new;		/* realloc(NULL, n) that made one */
	long long realloc_freed;	/* realloc(p, 0) that freed p */
	long long realloc_zero;		/* realloc calls of size 0 */
	long long injected, real_failures;
	long long synced;		/* bytes when last added to the total */
	long long view;			/* the total as it was seen then */
	long long peak;			/* the largest estimate */
	/* The list of threads' counts, under `lock`. */
	struct counts *next;
	int linked;
};

/* Bytes 0, and the first call takes bytes_moved(). */
#define COUNTS_INIT { .pos = OUTSIDE, .lo = OUTSIDE }

/* Threads' counts added up. */
struct sums {
	long long calls[4], free_calls, free_null, new_failed, realloc_new,
	    realloc_freed, realloc_zero, injected, real_failures;
	long long bytes, peak;
};

static int stats_on;
/* The bytes of every thread's counts as last added, and their peak. */
static long long total_bytes;
static long long total_peak;
/* Allocations counted before the last evmm_stats_enable() reset the
 * counts, less those before the last evmm_fault_set(): what the report
 * adds to the counts for "allocations" while no fault is set. */
static long long allocations_carry;

#ifdef EVMM_HAVE_TLS_COUNTERS
static __thread struct counts mine
    __attribute__((tls_model("initial-exec"))) = COUNTS_INIT;
#define MINE() (&mine)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t exit_key;
static int have_exit_key;
#define LOCK() pthread_mutex_lock(&lock)
#define UNLOCK() pthread_mutex_unlock(&lock)
#else
static struct counts shared = COUNTS_INIT;
#define MINE() (&shared)
static ATOMIC_(int) spin;
static void
spin_lock(void)
{
	int unlocked = 0;

	while (!CAS_(&spin, &unlocked, 1))
		unlocked = 0;
}
#define LOCK() spin_lock()
#define UNLOCK() STORE_RELEASE_(&spin, 0)
#if defined(HAVE_PTHREAD_ATFORK) && (defined(__GNUC__) || defined(__clang__))
/* fork() while another thread holds the lock would leave the child a
 * lock that no thread of its frees: its first evmm_stats_get() or
 * evmm_stats_enable() would spin forever. */
static void
fork_prepare(void)
{
	LOCK();
}

static void
fork_done(void)
{
	UNLOCK();
}

__attribute__((constructor(101)))
static void
register_fork_handlers(void)
{
	(void)pthread_atfork(fork_prepare, fork_done, fork_done);
}
#endif
#endif

/* synced, view and seq: in per-thread counts, only their thread reads
 * and writes them (evmm_stats_enable() too, but only while no other
 * thread allocates), so they need no atomics. */
#ifdef EVMM_HAVE_TLS_COUNTERS
#define OWN_LOAD(x) (x)
#define OWN_STORE(x, v) ((x) = (v))
#else
#define OWN_LOAD(x) EVMM_LOAD_RELAXED(&(x))
#define OWN_STORE(x, v) EVMM_STORE_RELAXED(&(x), (v))
#endif

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define EVMM_TSAN_ 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define EVMM_TSAN_ 1
#endif
/* Only the owner writes its counts, so one add to memory does what a
 * relaxed load and store do in three instructions: the store is whole to
 * a reader on another processor (Linux's this_cpu_add() is the same
 * instruction).  ThreadSanitizer builds take the portable path. */
#if defined(EVMM_HAVE_TLS_COUNTERS) && defined(__x86_64__) && \
    defined(__GNUC__) && !defined(EVMM_TSAN_)
#define OWN_ADD_ASM_ 1
#endif

/* Add @p v to a counter of this thread's. */
static inline void
add_to(long long *counter, long long v)
{
#if defined(OWN_ADD_ASM_)
	__asm__("addq %1, %0" : "+m"(*counter) : "er"(v));
#elif defined(EVMM_HAVE_TLS_COUNTERS)
	/* Only the owner writes: a load and a store, no locked
	 * instruction. */
	EVMM_STORE_RELAXED(counter, EVMM_LOAD_RELAXED(counter) + v);
#else
	(void)EVMM_ADD_RELAXED(counter, v);
#endif
}
#define BUMP(c, field, v) add_to(&(c)->field, (v))

/* Threads' counts, and what exited threads left: under `lock`. */
static struct counts *threads;
static struct sums retired;

/* Every field that adds up, for fold() and clear(). */
#define SUMMED_(X) X(calls[0]) X(calls[1]) X(calls[2]) X(calls[3]) \
	X(free_calls) X(free_null) X(new_failed) X(realloc_new) \
	X(realloc_freed) X(realloc_zero) X(injected) X(real_failures)

/* Two's complement, without relying on how a conversion of a value
 * beyond LLONG_MAX is defined. */
static long long
to_signed(unsigned long long u)
{
	return u <= LLONG_MAX ? (long long)u : -(long long)~u - 1;
}

/* The bytes of @p c, read by its own thread (or by any while it does
 * not allocate). */
static long long
own_bytes(struct counts *c)
{
	return to_signed(EVMM_LOAD_RELAXED(&c->lo) +
	    EVMM_LOAD_RELAXED(&c->pos));
}

/* The bytes of @p c, read by any thread, under `lock`: as they stood at
 * one moment, though its thread may be moving lo and pos meanwhile. */
static long long
bytes_of(struct counts *c)
{
#ifdef EVMM_HAVE_TLS_COUNTERS
	unsigned long long s, lo, pos;

	/* A pair read between two equal, even values of seq is one
	 * moment's; while seq is odd, `moving` is.  Never waiting for an
	 * even seq keeps this from hanging in a child of fork() whose
	 * parent had a thread inside move_window().  The acquire loads keep
	 * the reads in order (a fence would do, but ThreadSanitizer does
	 * not model fences). */
	for (;;) {
		s = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
		if (s & 1)
			return __atomic_load_n(&c->moving, __ATOMIC_RELAXED);
		lo = __atomic_load_n(&c->lo, __ATOMIC_ACQUIRE);
		pos = __atomic_load_n(&c->pos, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&c->seq, __ATOMIC_RELAXED) == s)
			return to_signed(lo + pos);
	}
#else
	/* lo changes only under `lock`. */
	return own_bytes(c);
#endif
}

/* Add @p c into @p sum, which only the caller sees. */
static void
fold(struct sums *sum, struct counts *c)
{
	long long peak = EVMM_LOAD_RELAXED(&c->peak);

#define ADD_(f) sum->f += EVMM_LOAD_RELAXED(&c->f);
	SUMMED_(ADD_)
#undef ADD_
	sum->bytes += bytes_of(c);
	if (peak > sum->peak)
		sum->peak = peak;
}

/* Zero @p c's counts, so that its next call takes bytes_moved(). */
static void
clear(struct counts *c)
{
#define ZERO_(f) EVMM_STORE_RELAXED(&c->f, 0);
	SUMMED_(ZERO_)
#undef ZERO_
	EVMM_STORE_RELAXED(&c->lo, OUTSIDE);
	EVMM_STORE_RELAXED(&c->pos, OUTSIDE);
	OWN_STORE(c->synced, 0);
	OWN_STORE(c->view, 0);
	EVMM_STORE_RELAXED(&c->peak, 0);
}

#ifdef EVMM_HAVE_TLS_COUNTERS
static void
raise_total_peak(long long total)
{
	long long peak = EVMM_LOAD_RELAXED(&total_peak);

	while (total > peak) {
#if defined(__GNUC__) || defined(__clang__)
		if (__atomic_compare_exchange_n(&total_peak, &peak, total, 1,
		    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
#else
		total_peak = total;
		break;
#endif
	}
}

/* A thread exits: keep its counts.  Its later calls, from other keys'
 * destructors, find `linked` 2 and add themselves to `retired` too. */
static void
thread_exits(void *arg)
{
	struct counts *c = arg, **pp;

	LOCK();
	fold(&retired, c);
	EVMM_ADD_RELAXED(&total_bytes, own_bytes(c) - OWN_LOAD(c->synced));
	for (pp = &threads; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	c->linked = 2;
	clear(c);
	UNLOCK();
}

/* fork(): the child has one thread and must find the lock free.  The
 * other threads' counts stay in the list: their memory is the child's
 * too, and what they counted happened before the child was made. */
static void forked(void);

static void
fork_prepare(void)
{
	LOCK();
	evmm_report_forking_();
}

static void
fork_parent(void)
{
	UNLOCK();
}

static void
fork_child(void)
{
	UNLOCK();
	forked();
}

/* When the library is loaded, before read_environment() counts anything
 * and before the program can have threads: done lazily (pthread_once), a
 * fork() taken while another thread was inside it would leave the child
 * a once that never completes, and every later call there would hang. */
__attribute__((constructor(101)))
static void
make_exit_key(void)
{
	have_exit_key = pthread_key_create(&exit_key, thread_exits) == 0;
	(void)pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* Move this thread's window to start at @p lo; its bytes were @p bytes
 * a moment ago.  pos moves by an addition, not a store, so that what a
 * signal handler allocated in between stays counted. */
static void
move_window(struct counts *c, long long bytes, unsigned long long lo)
{
	unsigned long long s = OWN_LOAD(c->seq);
	unsigned long long by = OWN_LOAD(c->lo) - lo;

	/* bytes_of() reads this while seq is odd. */
	__atomic_store_n(&c->moving, bytes, __ATOMIC_RELAXED);
	__atomic_store_n(&c->seq, s + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&c->lo, lo, __ATOMIC_RELEASE);
#if defined(OWN_ADD_ASM_)
	/* One instruction, as on the hot path; kept between the stores of
	 * seq, where the processor keeps it too. */
	__asm__ __volatile__("addq %1, %0" : "+m"(c->pos) : "r"(by) :
	    "memory");
#else
	__atomic_store_n(&c->pos, EVMM_LOAD_RELAXED(&c->pos) + by,
	    __ATOMIC_RELEASE);
#endif
	__atomic_store_n(&c->seq, s + 2, __ATOMIC_RELEASE);
}
#endif

/* The slow path of the byte count: @p c's position left the window, or
 * its thread has not counted before, or has exited. */
static void
bytes_moved(struct counts *c)
{
	long long bytes, drift, est, peak, view, top;

#ifdef EVMM_HAVE_TLS_COUNTERS
	if (c->linked != 1) {
		LOCK();
		if (c->linked == 2) {
			/* Called after the thread's exit: keep this call. */
			fold(&retired, c);
			clear(c);
			UNLOCK();
			return;
		}
		c->linked = 1;
		c->next = threads;
		threads = c;
		UNLOCK();
		if (have_exit_key)
			(void)pthread_setspecific(exit_key, c);
	}
	/* A signal handler that allocates while this thread is in here
	 * leaves the rest to it: its bytes are in pos already, and whether
	 * they left the window is looked at again at the next call.  (Two
	 * of these at once would add a drift to the total twice.) */
	if (__atomic_exchange_n(&c->busy, 1, __ATOMIC_ACQUIRE))
		return;
	bytes = own_bytes(c);
	drift = bytes - OWN_LOAD(c->synced);
	view = OWN_LOAD(c->view);
	if (drift > UP_SLACK || drift < -UP_SLACK) {
		view = EVMM_ADD_RELAXED(&total_bytes, drift);
		raise_total_peak(view);
		OWN_STORE(c->synced, bytes);
		OWN_STORE(c->view, view);
		drift = 0;
	}
	est = view + drift;
	peak = EVMM_LOAD_RELAXED(&c->peak);
	if (est > peak) {
		peak = est;
		EVMM_STORE_RELAXED(&c->peak, peak);
	}
	/* The top: where the estimate would pass the peak, or the drift
	 * UP_SLACK.  Both are at or above the drift (peak >= est), and the
	 * bottom, WINDOW lower, at or below it (drift >= -UP_SLACK), and
	 * never below -PEAK_SLACK (peak >= view since the last addition). */
	top = peak - view < UP_SLACK ? peak - view : UP_SLACK;
	move_window(c, bytes, (unsigned long long)(bytes - drift + top) -
	    WINDOW);
	__atomic_store_n(&c->busy, 0, __ATOMIC_RELEASE);
#else
	/* One shared count: it is the total, and its peak is exact.  lo
	 * changes only under `lock`; pos moves with other threads' calls
	 * meanwhile, so it is moved by an addition. */
	unsigned long long lo;

	LOCK();
	bytes = own_bytes(c);
	peak = EVMM_LOAD_RELAXED(&c->peak);
	if (bytes > peak) {
		peak = bytes;
		EVMM_STORE_RELAXED(&c->peak, peak);
	}
	/* The top at the peak, unless the bytes are far below it. */
	top = peak - bytes < UP_SLACK ? peak : bytes + UP_SLACK;
	lo = (unsigned long long)top - WINDOW;
	(void)EVMM_ADD_RELAXED(&c->pos, EVMM_LOAD_RELAXED(&c->lo) - lo);
	EVMM_STORE_RELAXED(&c->lo, lo);
	UNLOCK();
	(void)drift;
	(void)est;
	(void)view;
#endif
}

/* Add @p n bytes to this thread's count, or take them off: inline, on
 * the hot path. */
#if defined(__GNUC__) || defined(__clang__)
#define HOT_ __attribute__((always_inline)) inline
#else
#define HOT_ inline
#endif

/* Move this thread's position by @p n, down when @p down is non-zero,
 * and return the new position. */
static HOT_ unsigned long long
move_pos(unsigned long long *pos, unsigned long long n, int down)
{
#if defined(OWN_ADD_ASM_)
	/* @p n is most often what a size function has just returned in
	 * %rax: asking for it there keeps the compiler from moving it out
	 * of the way of the counts' address (one instruction). */
	if (down)
		__asm__("subq %1, %0" : "+m"(*pos) : "a"(n));
	else
		__asm__("addq %1, %0" : "+m"(*pos) : "a"(n));
	/* Only this thread writes it: a plain read, which the comparison
	 * takes from memory. */
	return *pos;
#elif defined(EVMM_HAVE_TLS_COUNTERS)
	unsigned long long p = EVMM_LOAD_RELAXED(pos);

	p = down ? p - n : p + n;
	EVMM_STORE_RELAXED(pos, p);
	return p;
#else
	return EVMM_ADD_RELAXED(pos, down ? 0 - n : n);
#endif
}

static HOT_ void
count_up(size_t n)
{
	struct counts *c = MINE();

	if (move_pos(&c->pos, n, 0) > WINDOW)
		bytes_moved(c);
}

static HOT_ void
count_down(size_t n)
{
	struct counts *c = MINE();

	if (move_pos(&c->pos, n, 1) > WINDOW)
		bytes_moved(c);
}

/* A call that made no block: counted as a real failure. */
static void
count_failure(struct counts *c, int made_new)
{
	BUMP(c, real_failures, 1);
	if (made_new)
		BUMP(c, new_failed, 1);
	count_up(0);
}

/* --- The tables in front ------------------------------------------------- */

/*
 * Two tables: one that counts (statistics on, no fault set), and one that
 * numbers the allocations in one order for evmm_fault_set() and fails
 * some before counting the rest.  The counting table's functions are
 * what the hot path costs while statistics are on; it has a twin for the
 * C library's allocator, whose malloc and free call the C library's
 * table directly (lib/dispatch-internal.h).
 *
 * event_mm_malloc_() and event_mm_realloc_() reach them by a tail call
 * when compiled with optimisation, so their return address is the
 * caller's; calloc and strdup, which do more after the call, pass it.
 */

/*
 * The allocator's table.  The hot paths load it again for each function
 * they call, which spares them keeping it across calls: a table that a
 * setter published in between is a wrapper of the one before, which
 * frees and measures its blocks, because the setters refuse any other
 * once a block exists (or, with the classic setter, the program has
 * mixed allocators itself, and its sizes read as unknown).
 */
#define ALLOCATOR() LOAD_ACQUIRE_(&evmm_allocator_table_)
/* The same, or with @p libc non-zero the C library's table, which the
 * dispatch says is the allocator's while it publishes the twin: a
 * constant, so one instruction fewer for each function called. */
#define ALLOCATOR_OR_LIBC_(libc) \
	((libc) ? &evmm_libc_pair_.used : ALLOCATOR())

static void *
count_new(enum evmm_entry entry, size_t sz)
{
	const struct evmm_table *t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	struct counts *c = MINE();
	void *p;

	BUMP(c, calls[entry], 1);
	p = t->malloc_fn(sz);
	if (p == NULL) {
		count_failure(c, 1);
		return NULL;
	}
	count_up(t->size_fn(p));
	return p;
}

static HOT_ void *
malloc_counted(int libc, size_t sz)
{
	void *p = ALLOCATOR_OR_LIBC_(libc)->malloc_fn(sz);
	size_t n;

	/* Counted after the calls, so that nothing but the block is kept
	 * across them. */
	if (p == NULL) {
		BUMP(MINE(), calls[EVMM_ENTRY_MALLOC], 1);
		count_failure(MINE(), 1);	/* errno as the allocator left it */
		return NULL;
	}
	n = ALLOCATOR_OR_LIBC_(libc)->size_fn(p);
	BUMP(MINE(), calls[EVMM_ENTRY_MALLOC], 1);
	count_up(n);
	return p;
}

static void *
count_malloc(size_t sz)
{
	return malloc_counted(0, sz);
}

static void *
count_malloc_libc(size_t sz)
{
	return malloc_counted(1, sz);
}

static void *
count_strdup_at(size_t sz, void *caller)
{
	(void)caller;
	return count_new(EVMM_ENTRY_STRDUP, sz);
}

static void *
count_calloc_at(size_t count, size_t size, void *caller)
{
	const struct evmm_table *t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	struct counts *c = MINE();
	void *p;

	(void)caller;
	BUMP(c, calls[EVMM_ENTRY_CALLOC], 1);
	if (t->calloc_fn != NULL) {
		p = t->calloc_fn(count, size);
	} else {
		p = t->malloc_fn(count * size);
		if (p != NULL)
			memset(p, 0, count * size);
	}
	if (p == NULL) {
		count_failure(c, 1);
		return NULL;
	}
	count_up(t->size_fn(p));
	return p;
}

static void *
count_realloc(void *ptr, size_t sz)
{
	const struct evmm_table *t = LOAD_ACQUIRE_(&evmm_allocator_table_);
	struct counts *c = MINE();
	size_t old_size = ptr != NULL ? t->size_fn(ptr) : 0;
	void *p;

	BUMP(c, calls[EVMM_ENTRY_REALLOC], 1);
	if (sz == 0)
		BUMP(c, realloc_zero, 1);
	p = t->realloc_fn(ptr, sz);
	if (p == NULL) {
		if (ptr != NULL && sz == 0) {
			/* realloc(p, 0) freed p, as the C library does. */
			BUMP(c, realloc_freed, 1);
			count_down(old_size);
		} else {
			count_failure(c, 0);
		}
		return NULL;
	}
	if (ptr == NULL)
		BUMP(c, realloc_new, 1);
	count_down(old_size);
	count_up(t->size_fn(p));
	return p;
}

static HOT_ void
free_counted(int libc, void *ptr)
{
	size_t n;

	if (ptr != NULL) {
		n = ALLOCATOR_OR_LIBC_(libc)->size_fn(ptr);
		BUMP(MINE(), free_calls, 1);
		count_down(n);
	} else {
		BUMP(MINE(), free_calls, 1);
		BUMP(MINE(), free_null, 1);
		count_down(0);
	}
	ALLOCATOR_OR_LIBC_(libc)->free_fn(ptr);
}

static void
count_free(void *ptr)
{
	free_counted(0, ptr);
}

static void
count_free_libc(void *ptr)
{
	free_counted(1, ptr);
}

static const struct evmm_table counting_table = {
	count_malloc, count_realloc, count_free, NULL, NULL,
	count_calloc_at, count_strdup_at, NULL, NULL
};

static const struct evmm_table counting_libc_table = {
	count_malloc_libc, count_realloc, count_free_libc, NULL, NULL,
	count_calloc_at, count_strdup_at, NULL, NULL
};

/* Number an allocation of @p sz bytes; 1 when it must fail, which is
 * then counted.  Allocations are numbered in one order across threads,
 * so this is one shared counter: it cannot be split per thread. */
static int
injected(enum evmm_entry entry, size_t sz, void *caller)
{
	struct counts *c;
	uint64_t n;

	if (sz == 0)
		return 0;	/* realloc(p, 0) frees; it allocates nothing */
	n = EVMM_ADD_RELAXED(&allocations, 1);
	if (sites_limit != 0)
		enter_site(caller, n);
	if (!evmm_fault_hits_(&fault, n))
		return 0;
	c = MINE();
	BUMP(c, calls[entry], 1);
	BUMP(c, injected, 1);
	if (entry != EVMM_ENTRY_REALLOC)
		BUMP(c, new_failed, 1);
	count_up(0);
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
	errno = ENOMEM;
	return 1;
}

static void *
fault_malloc(size_t sz)
{
	if (injected(EVMM_ENTRY_MALLOC, sz, EVMM_RETURN_ADDRESS()))
		return NULL;
	return count_malloc(sz);
}

static void *
fault_strdup_at(size_t sz, void *caller)
{
	if (injected(EVMM_ENTRY_STRDUP, sz, caller))
		return NULL;
	return count_new(EVMM_ENTRY_STRDUP, sz);
}

static void *
fault_calloc_at(size_t count, size_t size, void *caller)
{
	if (injected(EVMM_ENTRY_CALLOC, count * size, caller))
		return NULL;
	return count_calloc_at(count, size, caller);
}

static void *
fault_realloc(void *ptr, size_t sz)
{
	if (injected(EVMM_ENTRY_REALLOC, sz, EVMM_RETURN_ADDRESS()))
		return NULL;
	return count_realloc(ptr, sz);
}

static const struct evmm_table fault_table = {
	fault_malloc, fault_realloc, count_free, NULL, NULL,
	fault_calloc_at, fault_strdup_at, NULL, NULL
};

static void
update_instrumented(void)
{
	if (numbered)
		evmm_dispatch_front_(&fault_table, NULL);
	else if (stats_on || evmm_report_is_open_())
		evmm_dispatch_front_(&counting_table, &counting_libc_table);
	else
		evmm_dispatch_front_(NULL, NULL);
}

/* All threads' counts added up. */
static void
sum_counts(struct sums *sum)
{
	struct counts *c;

	LOCK();
	*sum = retired;
	for (c = threads; c != NULL; c = c->next)
		fold(sum, c);
#ifndef EVMM_HAVE_TLS_COUNTERS
	fold(sum, &shared);
#endif
	UNLOCK();
}

/* Allocations, as evmm_fault_set() numbers them, counted per thread. */
static long long
allocations_counted(const struct sums *sum)
{
	return sum->calls[0] + sum->calls[1] + sum->calls[2] + sum->calls[3] -
	    sum->realloc_zero;
}

static long long
allocations_counted_now(void)
{
	struct sums sum;

	sum_counts(&sum);
	return allocations_counted(&sum);
}

/* What the report gives as "allocations": the shared numbering while a
 * fault is set, else the threads' counts. */
uint64_t
evmm_instr_allocations_(void)
{
	struct sums sum;

	if (numbered)
		return EVMM_LOAD_RELAXED(&allocations);
	sum_counts(&sum);
	return (uint64_t)(allocations_counted(&sum) + allocations_carry);
}

/* Zero every thread's counts.  Called while no other thread allocates. */
static void
reset_counts(void)
{
	struct counts *c;
	struct sums sum;

	sum_counts(&sum);
	LOCK();
	allocations_carry += allocations_counted(&sum);
	memset(&retired, 0, sizeof(retired));
	for (c = threads; c != NULL; c = c->next)
		clear(c);
#ifndef EVMM_HAVE_TLS_COUNTERS
	clear(&shared);
#endif
	EVMM_STORE_RELAXED(&total_bytes, 0);
	EVMM_STORE_RELAXED(&total_peak, 0);
	(void)evmm_dispatch_sizes_unknown_(1);
	UNLOCK();
}

/* --- The API ------------------------------------------------------------- */

/* Fail what f says from now on, numbering from 1; numbered even when it
 * fails nothing if keep_numbering, or while sites are listed (whose
 * numbers then start again too). */
static void
set_fault(const struct evmm_fault_spec *f, int keep_numbering)
{
	fault = *f;
	numbered = f->mode != EVMM_FAULT_OFF || keep_numbering ||
	    sites_limit != 0;
	allocations = 0;
	clear_sites();
	allocations_carry = -allocations_counted_now();
	first_ready = 0;
	first_claimed = 0;
	update_instrumented();
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

/* In a child made by fork(), when processes have keys: it takes one of
 * its own, numbers its allocations from 1 and counts afresh, so that its
 * report holds its own figures; EVMM_FAULT then fails its allocations
 * only if EVMM_FAULT_PROCESS names it.  The dispatch is left as it is:
 * the setters' own fork handler, which runs after this one, still holds
 * their lock.  Without keys a child goes on from its parent's numbers. */
#ifdef EVMM_HAVE_TLS_COUNTERS
static void
forked(void)
{
	int keyed = evmm_report_key_() != NULL;

	evmm_report_forked_();
	if (!keyed)
		return;
	reset_counts();
	allocations_carry = 0;
	allocations = 0;
	clear_sites();
	first_ready = 0;
	first_claimed = 0;
	if (evmm_report_key_() == NULL)
		fault.mode = EVMM_FAULT_OFF;	/* too deep for a key */
	else if (env_fault_armed)
		fault = aimed_fault();
}
#endif

int
evmm_fault_set(const char *spec)
{
	struct evmm_fault_spec f;

	if (evmm_parse_fault_(spec, &f) != NULL) {
		errno = EINVAL;
		return -1;
	}
	/* The program's own choice, in this process and its children. */
	env_fault_armed = 0;
	set_fault(&f, 0);
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
	reset_counts();
	stats_on = on != 0;
	update_instrumented();
}

int
evmm_stats_get(struct evmm_stats *stats, size_t size)
{
	struct evmm_stats s;
	struct sums sum;
	long long live, peak;

	if (stats == NULL || size > sizeof(s)) {
		errno = EINVAL;
		return -1;
	}
	memset(&s, 0, sizeof(s));
	if (EVMM_LOAD_RELAXED(&stats_on)) {
		sum_counts(&sum);
		s.enabled = 1;
		s.malloc_calls = (unsigned long long)sum.calls[EVMM_ENTRY_MALLOC];
		s.calloc_calls = (unsigned long long)sum.calls[EVMM_ENTRY_CALLOC];
		s.strdup_calls = (unsigned long long)sum.calls[EVMM_ENTRY_STRDUP];
		s.realloc_calls =
		    (unsigned long long)sum.calls[EVMM_ENTRY_REALLOC];
		s.free_calls = (unsigned long long)sum.free_calls;
		s.injected_failures = (unsigned long long)sum.injected;
		s.real_failures = (unsigned long long)sum.real_failures;
		/* Blocks made less blocks freed.  Signed: a block from
		 * before the statistics were on may be freed while they
		 * are. */
		live = sum.calls[EVMM_ENTRY_MALLOC] +
		    sum.calls[EVMM_ENTRY_CALLOC] +
		    sum.calls[EVMM_ENTRY_STRDUP] - sum.new_failed +
		    sum.realloc_new - (sum.free_calls - sum.free_null) -
		    sum.realloc_freed;
		s.live_blocks = live > 0 ? (unsigned long long)live : 0;
		s.bytes_known = !evmm_dispatch_sizes_unknown_(0);
		if (s.bytes_known) {
			live = sum.bytes > 0 ? sum.bytes : 0;
			peak = EVMM_LOAD_RELAXED(&total_peak);
			if (sum.peak > peak)
				peak = sum.peak;
			if (live > peak)
				peak = live;
			s.live_bytes = (unsigned long long)live;
			s.peak_bytes = (unsigned long long)peak;
		}
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
	Dl_info ours, theirs;
	struct evmm_text t;
	void *sym = dlsym(RTLD_DEFAULT, "event_mm_malloc_");

	if (sym == NULL || dladdr(&fault, &ours) == 0 ||
	    dladdr(sym, &theirs) == 0 || ours.dli_fbase == theirs.dli_fbase)
		return;
	t.len = 0;
	evmm_text_str_(&t, "libevmm: EVMM_FAULT and EVMM_REPORT see only "
	    "the calls that reach ");
	evmm_text_escaped_(&t, ours.dli_fname != NULL ? ours.dli_fname :
	    "libevmm");
	evmm_text_str_(&t, ", but event_mm_malloc_ resolves to ");
	evmm_text_escaped_(&t, theirs.dli_fname != NULL &&
	    *theirs.dli_fname != '\0' ? theirs.dli_fname : "the program");
	evmm_text_str_(&t, ", so they see none: link with -levmm before "
	    "-levent, or preload libevmm (LD_PRELOAD=");
	evmm_text_escaped_(&t, ours.dli_fname != NULL ? ours.dli_fname :
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
	struct evmm_fault_spec f;
	int watched = 0;

	if (privileged())
		return;

	v = variable("EVMM_STATS");
	if (evmm_parse_switch_(v) == 1) {
		evmm_stats_enable(1);
		evmm_report_summary_at_exit_();
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
			struct evmm_fault_spec none;

			memset(&none, 0, sizeof(none));
			sites_limit = most < EVMM_SITES_MAX ? (unsigned)most :
			    EVMM_SITES_MAX;
			set_fault(&none, 1);
		}
	}

	v = variable("EVMM_FAULT_PROCESS");
	if (v != NULL && *v != '\0') {
		if (strlen(v) >= sizeof(fault_process)) {
			refuse("EVMM_FAULT_PROCESS", v, "too long",
			    "a process key");
			fault_process[0] = '/';	/* no key: nothing fails */
		} else {
			memcpy(fault_process, v, strlen(v) + 1);
		}
	}

	v = variable("EVMM_FAULT");
	if (v != NULL) {
		why = evmm_parse_fault_(v, &f);
		if (why != NULL) {
			refuse("EVMM_FAULT", v, why, fault_grammar);
		} else if (evmm_report_key_() != NULL) {
			struct evmm_fault_spec aimed;

			/* f stays EVMM_FAULT's: a process that fails nothing
			 * itself still gets the crash handlers, which its
			 * children made by fork() inherit, and one of them
			 * may be the process EVMM_FAULT_PROCESS names. */
			env_fault = f;
			env_fault_armed = 1;
			aimed = aimed_fault();
			set_fault(&aimed, 1);
		} else if (fault_process[0] != '\0') {
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
	if (watched)
		check_dispatch();
}

#endif /* __GNUC__ || __clang__ */
