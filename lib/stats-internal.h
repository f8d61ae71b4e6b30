/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The allocation statistics' counts (lib/stats.c), and the hot path that
 * updates them, inline here so that the tables in front (lib/front.c)
 * and the fault path (lib/fault.c) reach a thread's counts in one
 * instruction.  Not installed.  Depends on lib/atomic-internal.h and
 * lib/compiler-internal.h.
 *
 * Each thread counts in a struct evmm_counts of its own, in initial-exec
 * thread-local storage (one instruction to reach from a shared library,
 * where the general model calls __tls_get_addr), and only it writes
 * there: a relaxed load and store per update, no locked instruction, and
 * no cache line written by two threads on the hot path.  Where the
 * platform lacks initial-exec TLS or pthread keys, all threads share one
 * struct evmm_counts and update it with atomic additions: right, but two
 * threads then fight over its cache lines.
 *
 * The hot path keeps a thread's bytes as lo + pos and moves pos only.
 * Between lo and lo + WINDOW (pos in [0, WINDOW]) there is nothing else
 * to do; when pos leaves that window, which one unsigned comparison with
 * a constant tells (below 0 it wraps around to above WINDOW), the call
 * takes evmm_stats_bytes_moved() (lib/stats.c says what that does).
 */
#ifndef EVMM_STATS_INTERNAL_H_INCLUDED_
#define EVMM_STATS_INTERNAL_H_INCLUDED_

#include <stdint.h>

#include "atomic-internal.h"
#include "compiler-internal.h"

/* The entry points counted, as the counts' calls[] index them. */
enum evmm_entry {
	EVMM_ENTRY_MALLOC,
	EVMM_ENTRY_CALLOC,
	EVMM_ENTRY_STRDUP,
	EVMM_ENTRY_REALLOC
};

#define PEAK_SLACK (64 * 1024)
#define WINDOW PEAK_SLACK
/* A position outside the window whichever way it moves: the state in
 * which a thread's next call takes evmm_stats_bytes_moved_(). */
#define OUTSIDE (1ULL << 63)

struct evmm_counts {
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
	/* The list of threads' counts, under the statistics lock. */
	struct evmm_counts *next;
	int linked;
};

/* Bytes 0, and the first call takes evmm_stats_bytes_moved_(). */
#define COUNTS_INIT { .pos = OUTSIDE, .lo = OUTSIDE }

#ifdef EVMM_HAVE_TLS_COUNTERS
extern EVMM_INTERNAL_ __thread struct evmm_counts evmm_counts_mine_
    __attribute__((tls_model("initial-exec")));
#define MINE() (&evmm_counts_mine_)
#else
extern EVMM_INTERNAL_ struct evmm_counts evmm_counts_shared_;
#define MINE() (&evmm_counts_shared_)
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
    defined(EVMM_GNUC_) && !defined(EVMM_TSAN_)
#define OWN_ADD_ASM_ 1
#endif

/* The slow path of the byte count: this thread's position left the
 * window, or it has not counted before, or has exited.  No argument:
 * the counts are always this thread's, and the hot path need not pass
 * their address. */
void evmm_stats_bytes_moved_(void);

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

/* Move this thread's position by @p n, down when @p down is non-zero,
 * and return the new position. */
static EVMM_HOT_ unsigned long long
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

/* Add @p n bytes to this thread's count, or take them off: inline, on
 * the hot path. */
static EVMM_HOT_ void
count_up(size_t n)
{
	struct evmm_counts *c = MINE();

	if (move_pos(&c->pos, n, 0) > WINDOW)
		evmm_stats_bytes_moved_();
}

static EVMM_HOT_ void
count_down(size_t n)
{
	struct evmm_counts *c = MINE();

	if (move_pos(&c->pos, n, 1) > WINDOW)
		evmm_stats_bytes_moved_();
}

/* Made at load (lib/init.c): the key whose destructor keeps an exiting
 * thread's counts. */
void evmm_stats_init_(void);
/* The lock of the list of threads' counts, for the fork handlers. */
void evmm_stats_lock_(void);
void evmm_stats_unlock_(void);
/* Zero every thread's counts and turn the statistics on or off.  Called
 * while no other thread allocates. */
void evmm_stats_restart_(int on);
/* Whether evmm_stats_enable() turned them on. */
int evmm_stats_on_(void);
/* The allocations counted from now on are the report's "allocations"
 * while no fault numbers them (evmm_fault_set() was just called). */
void evmm_stats_count_from_now_(void);
/* The report's "allocations" while no fault numbers them: all that the
 * threads counted, across evmm_stats_enable() resets. */
uint64_t evmm_stats_allocations_(void);
/* In a child made by fork() that takes a process key: count afresh. */
void evmm_stats_forked_(void);

#endif /* EVMM_STATS_INTERNAL_H_INCLUDED_ */
