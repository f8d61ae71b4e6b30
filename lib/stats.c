/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Allocation statistics: the threads' counts (lib/stats-internal.h, which
 * holds the hot path) and evmm_stats_get().  Depends on
 * lib/stats-internal.h and, for whether sizes are known, on
 * lib/dispatch-internal.h.
 *
 * Counters are relaxed atomics: they need no ordering, only no lost
 * updates when threads allocate at once.  evmm_stats_get() adds the
 * threads' counts up.  The first call a thread makes links its counts
 * into a list; when it exits, a pthread key's destructor adds them to
 * `retired` and unlinks them, so nothing is lost.
 *
 * evmm_stats_get() is async-signal-safe, so it takes no lock: a signal
 * handler may interrupt its own thread inside `lock`.  It reads the list
 * and `retired` as a seqlock's reader (list_seq is odd while they
 * change, under `lock`), and counts itself in `readers` while it walks
 * the list, for an exiting thread's counts live in that thread's TLS:
 * the thread unlinks them, then waits until no reader is walking before
 * it goes.  The two sides store, then load what the other stored
 * (readers and the list), so both are sequentially consistent: either
 * the exiting thread sees the reader, or the reader never reaches the
 * counts.  A reader that finds the list changing reads again; after
 * SUM_TRIES tries, which only a change its own handler interrupted can
 * make it reach, it returns what it read.
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
 * When a thread's position leaves its window, evmm_stats_bytes_moved_()
 * adds the drift to the total if it must, raises the peak, and moves the
 * window (lo, and pos with it) so that it holds the bytes again and its
 * top is where the next call must look at the peak.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef HAVE_NANOSLEEP
#include <time.h>
#endif

#ifdef EVMM_HAVE_TLS_COUNTERS
#include <pthread.h>
#endif

#include "event2/evmm_debug.h"
#include "dispatch-internal.h"
#include "stats-internal.h"

#define UP_SLACK (PEAK_SLACK / 2)

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
EVMM_INTERNAL_ __thread struct evmm_counts evmm_counts_mine_
    __attribute__((tls_model("initial-exec"))) = COUNTS_INIT;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t exit_key;
static int have_exit_key;
#define LOCK() pthread_mutex_lock(&lock)
#define UNLOCK() pthread_mutex_unlock(&lock)
#else
EVMM_INTERNAL_ struct evmm_counts evmm_counts_shared_ = COUNTS_INIT;
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
#endif

/* fork() while another thread holds the lock would leave the child a
 * lock that no thread of its frees: its first evmm_stats_get() or
 * evmm_stats_enable() would wait forever.  The fork handlers
 * (lib/init.c) hold it across fork().  The other threads' counts stay in
 * the list: their memory is the child's too, and what they counted
 * happened before the child was made. */
void
evmm_stats_lock_(void)
{
	LOCK();
}

void
evmm_stats_unlock_(void)
{
	UNLOCK();
}

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

/* Threads' counts, and what exited threads left: changed under `lock`,
 * between two steps of list_seq; read without it (sum_counts()). */
static struct evmm_counts *threads;
static struct sums retired;
static unsigned long list_seq;
/* sum_counts() calls walking the list now. */
static int readers;
#define SUM_TRIES 100

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
own_bytes(struct evmm_counts *c)
{
	return to_signed(EVMM_LOAD_RELAXED(&c->lo) +
	    EVMM_LOAD_RELAXED(&c->pos));
}

/* The bytes of @p c, read by any thread: as they stood at one moment,
 * though a thread may be moving lo and pos meanwhile. */
static long long
bytes_of(struct evmm_counts *c)
{
	unsigned long long s, lo, pos;

	/* A pair read between two equal, even values of seq is one
	 * moment's; while seq is odd, `moving` is.  Never waiting for an
	 * even seq keeps this from hanging in a child of fork() whose
	 * parent had a thread inside move_window().  The acquire loads keep
	 * the reads in order (a fence would do, but ThreadSanitizer does
	 * not model fences). */
	for (;;) {
		s = EVMM_LOAD_ACQUIRE(&c->seq);
		if (s & 1)
			return EVMM_LOAD_RELAXED(&c->moving);
		lo = EVMM_LOAD_ACQUIRE(&c->lo);
		pos = EVMM_LOAD_ACQUIRE(&c->pos);
		if (EVMM_LOAD_RELAXED(&c->seq) == s)
			return to_signed(lo + pos);
	}
}

/* Add @p c into @p sum, which only the caller sees. */
static void
fold(struct sums *sum, struct evmm_counts *c)
{
	long long peak = EVMM_LOAD_RELAXED(&c->peak);

#define ADD_(f) sum->f += EVMM_LOAD_RELAXED(&c->f);
	SUMMED_(ADD_)
#undef ADD_
	sum->bytes += bytes_of(c);
	if (peak > sum->peak)
		sum->peak = peak;
}

#ifdef EVMM_HAVE_TLS_COUNTERS
/* Add @p c into `retired`, under `lock` and between list_changes() and
 * list_changed(); sum_counts() reads it meanwhile. */
static void
fold_retired(struct evmm_counts *c)
{
	long long peak = EVMM_LOAD_RELAXED(&c->peak);

#define ADD_(f) EVMM_STORE_RELAXED(&retired.f, retired.f + \
	    EVMM_LOAD_RELAXED(&c->f));
	SUMMED_(ADD_)
#undef ADD_
	EVMM_STORE_RELAXED(&retired.bytes, retired.bytes + bytes_of(c));
	if (peak > retired.peak)
		EVMM_STORE_RELAXED(&retired.peak, peak);
}
#endif

/* `retired`, as sum_counts() reads it, into @p sum. */
static void
copy_retired(struct sums *sum)
{
#define COPY_(f) sum->f = EVMM_LOAD_RELAXED(&retired.f);
	SUMMED_(COPY_)
	COPY_(bytes)
	COPY_(peak)
#undef COPY_
}

/* The list or `retired` is about to change, under `lock`: list_seq
 * odd, before anything else is stored (a read-modify-write, which
 * nothing after it passes). */
static void
list_changes(void)
{
	(void)EVMM_ADD_SEQ_CST(&list_seq, 1);
}

/* The change is whole: list_seq even, after everything stored. */
static void
list_changed(void)
{
	EVMM_STORE_RELEASE(&list_seq, list_seq + 1);
}

/* Let another thread finish what it is doing in the statistics;
 * async-signal-safe. */
static void
pause_briefly(void)
{
#ifdef HAVE_NANOSLEEP
	struct timespec ts = { 0, 1000 };

	(void)nanosleep(&ts, NULL);
#endif
}

/* Zero @p c's counts, so that its next call takes bytes_moved(). */
static void
clear(struct evmm_counts *c)
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

/* Move the window of @p c to start at @p lo; its bytes were @p bytes a
 * moment ago.  pos moves by an addition, not a store, so that what a
 * signal handler (and, in shared counts, another thread) allocated in
 * between stays counted.  Under `lock` in shared counts. */
static void
move_window(struct evmm_counts *c, long long bytes, unsigned long long lo)
{
	unsigned long long s = OWN_LOAD(c->seq);
	unsigned long long by = OWN_LOAD(c->lo) - lo;

	/* bytes_of() reads this while seq is odd. */
	EVMM_STORE_RELAXED(&c->moving, bytes);
	EVMM_STORE_RELEASE(&c->seq, s + 1);
	EVMM_STORE_RELEASE(&c->lo, lo);
#if defined(OWN_ADD_ASM_)
	/* One instruction, as on the hot path; kept between the stores of
	 * seq, where the processor keeps it too. */
	__asm__ __volatile__("addq %1, %0" : "+m"(c->pos) : "r"(by) :
	    "memory");
#elif defined(EVMM_HAVE_TLS_COUNTERS)
	EVMM_STORE_RELEASE(&c->pos, EVMM_LOAD_RELAXED(&c->pos) + by);
#else
	(void)EVMM_ADD_RELAXED(&c->pos, by);
#endif
	EVMM_STORE_RELEASE(&c->seq, s + 2);
}

#ifdef EVMM_HAVE_TLS_COUNTERS
static void
raise_total_peak(long long total)
{
	long long peak = EVMM_LOAD_RELAXED(&total_peak);

	while (total > peak)
		if (EVMM_CAS_WEAK_RELAXED(&total_peak, &peak, total))
			break;
}

/* A thread exits: keep its counts.  Its later calls, from other keys'
 * destructors, find `linked` 2 and add themselves to `retired` too. */
static void
thread_exits(void *arg)
{
	struct evmm_counts *c = arg, **pp;

	LOCK();
	list_changes();
	fold_retired(c);
	EVMM_ADD_RELAXED(&total_bytes, own_bytes(c) - OWN_LOAD(c->synced));
	for (pp = &threads; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			EVMM_STORE_SEQ_CST(pp, c->next);
			break;
		}
	c->linked = 2;
	clear(c);
	list_changed();
	UNLOCK();
	/* c is in this thread's TLS, which goes with it: wait for the
	 * readers that may have reached it before it was unlinked. */
	while (EVMM_LOAD_SEQ_CST(&readers) != 0)
		pause_briefly();
}

/* When the library is loaded, before anything is counted and before the
 * program can have threads: done lazily (pthread_once), a fork() taken
 * while another thread was inside it would leave the child a once that
 * never completes, and every later call there would hang. */
void
evmm_stats_init_(void)
{
	have_exit_key = pthread_key_create(&exit_key, thread_exits) == 0;
}
#else
void
evmm_stats_init_(void)
{
}
#endif

void
evmm_stats_bytes_moved_(void)
{
	struct evmm_counts *c = MINE();
	long long bytes, drift, est, peak, view, top;

#ifdef EVMM_HAVE_TLS_COUNTERS
	if (c->linked != 1) {
		LOCK();
		list_changes();
		if (c->linked == 2) {
			/* Called after the thread's exit: keep this call. */
			fold_retired(c);
			clear(c);
			list_changed();
			UNLOCK();
			return;
		}
		c->linked = 1;
		EVMM_STORE_RELAXED(&c->next, threads);
		EVMM_STORE_SEQ_CST(&threads, c);
		list_changed();
		UNLOCK();
		if (have_exit_key)
			(void)pthread_setspecific(exit_key, c);
	}
	/* A signal handler that allocates while this thread is in here
	 * leaves the rest to it: its bytes are in pos already, and whether
	 * they left the window is looked at again at the next call.  (Two
	 * of these at once would add a drift to the total twice.) */
	if (EVMM_EXCHANGE_ACQUIRE(&c->busy, 1))
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
	EVMM_STORE_RELEASE(&c->busy, 0);
#else
	/* One shared count: it is the total, and its peak is exact.  lo
	 * changes only under `lock`. */
	LOCK();
	bytes = own_bytes(c);
	peak = EVMM_LOAD_RELAXED(&c->peak);
	if (bytes > peak) {
		peak = bytes;
		EVMM_STORE_RELAXED(&c->peak, peak);
	}
	/* The top at the peak, unless the bytes are far below it. */
	top = peak - bytes < UP_SLACK ? peak : bytes + UP_SLACK;
	move_window(c, bytes, (unsigned long long)top - WINDOW);
	UNLOCK();
	(void)drift;
	(void)est;
	(void)view;
#endif
}

/* All threads' counts added up, without a lock (see the top). */
static void
sum_counts(struct sums *sum)
{
	struct evmm_counts *c;
	unsigned long s;
	int tries;

	for (tries = 1;; tries++) {
		s = EVMM_LOAD_ACQUIRE(&list_seq);
		(void)EVMM_ADD_SEQ_CST(&readers, 1);
		copy_retired(sum);
		for (c = EVMM_LOAD_SEQ_CST(&threads); c != NULL;
		    c = EVMM_LOAD_ACQUIRE(&c->next))
			fold(sum, c);
#ifndef EVMM_HAVE_TLS_COUNTERS
		fold(sum, &evmm_counts_shared_);
#endif
		/* A read-modify-write: the reads above stay before it, and
		 * the load of list_seq after it. */
		(void)EVMM_SUB_SEQ_CST(&readers, 1);
		if (((s & 1) == 0 && EVMM_LOAD_SEQ_CST(&list_seq) == s) ||
		    tries == SUM_TRIES)
			return;
		pause_briefly();
	}
}

/* Allocations, as evmm_fault_set() numbers them, counted per thread. */
static long long
allocations_counted(const struct sums *sum)
{
	return sum->calls[0] + sum->calls[1] + sum->calls[2] + sum->calls[3] -
	    sum->realloc_zero;
}

void
evmm_stats_count_from_now_(void)
{
	struct sums sum;

	sum_counts(&sum);
	allocations_carry = -allocations_counted(&sum);
}

uint64_t
evmm_stats_allocations_(void)
{
	struct sums sum;

	sum_counts(&sum);
	return (uint64_t)(allocations_counted(&sum) + allocations_carry);
}

/* Zero every thread's counts.  Called while no other thread allocates. */
static void
reset_counts(void)
{
	struct evmm_counts *c;
	struct sums sum;

	sum_counts(&sum);
	LOCK();
	list_changes();
	allocations_carry += allocations_counted(&sum);
#define ZERO_(f) EVMM_STORE_RELAXED(&retired.f, 0);
	SUMMED_(ZERO_)
	ZERO_(bytes)
	ZERO_(peak)
#undef ZERO_
	for (c = threads; c != NULL; c = c->next)
		clear(c);
#ifndef EVMM_HAVE_TLS_COUNTERS
	clear(&evmm_counts_shared_);
#endif
	EVMM_STORE_RELAXED(&total_bytes, 0);
	EVMM_STORE_RELAXED(&total_peak, 0);
	(void)evmm_dispatch_sizes_unknown_(1);
	list_changed();
	UNLOCK();
}

void
evmm_stats_restart_(int on)
{
	reset_counts();
	stats_on = on != 0;
}

int
evmm_stats_on_(void)
{
	return stats_on;
}

void
evmm_stats_forked_(void)
{
	/* The parent's readers are not in the child. */
	EVMM_STORE_RELAXED(&readers, 0);
	reset_counts();
	allocations_carry = 0;
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
