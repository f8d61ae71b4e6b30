/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/**
 * @file event2/evmm_debug.h
 *
 * Testing a program's out-of-memory paths: fault injection and allocation
 * statistics.
 *
 * Both watch the calls that reach libevmm's event_mm_*_ functions, so
 * every library that allocates through libevmm is covered, whatever
 * allocator the program installed.  Both can be driven from the
 * environment, without changing the program:
 *
 * - EVMM_FAULT=SPEC injects failures as evmm_fault_set() does.
 * - EVMM_STATS=1 turns the statistics on from the first allocation and
 *   prints a summary of them on standard error when the program exits.
 * - EVMM_REPORT=PATH turns the statistics on and writes them, with the
 *   first injected failure and the file and offset of its call site, to
 *   PATH when the program exits (and at that failure, in case it crashes).  This is how
 *   evmm-torture(1) counts and fails a command's allocations.  When PATH
 *   is a directory, each process writes a file of its own there, named
 *   by its process key: NAME#N for a program (its name, and the first
 *   ordinal whose file could be created), PARENT.M for the M-th child
 *   its parent made by fork(), which numbers and counts its allocations
 *   afresh.  While EVMM_FAULT fails allocations too, a program killed by
 *   SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT gets the crashing thread's
 *   frames appended to its report, and still dies of its signal
 *   (evmm_fault_set(3)).
 * - EVMM_FAULT_PROCESS=KEY makes EVMM_FAULT fail allocations in the
 *   process with that key only (EVMM_REPORT must name a directory).
 * - EVMM_SITES=N, with EVMM_REPORT, numbers the allocations as
 *   EVMM_FAULT does and lists in the report, at exit, the call site of
 *   each with the number of the first allocation made there (at most N
 *   sites, and at most 4096): how evmm-torture --per-site chooses its
 *   points.
 *
 * The library reads these once, when it is loaded.  A value it cannot
 * use is refused with a message on standard error, and not applied.
 * In a process that runs with privileges its caller does not have
 * (setuid, setgid or file capabilities: AT_SECURE on Linux, issetugid()
 * elsewhere) all five are ignored: nothing is read, printed or opened.
 * The report file is opened at once, when the variable is read, and only
 * a regular file is accepted; symbolic links are not followed.  Only the
 * process that read the variables writes the report and the EVMM_STATS
 * summary: a child made by fork() writes neither, unless EVMM_REPORT
 * names a directory, where it writes a report of its own.
 *
 * Nothing here exists in a build configured with
 * --disable-malloc-replacement: test EVMM_FAULT_INJECTION_IMPLEMENTED.
 */
#ifndef EVENT2_EVMM_DEBUG_H_INCLUDED_
#define EVENT2_EVMM_DEBUG_H_INCLUDED_

#include <stddef.h>

#include <event2/evmm_config.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef EVENT__EVMM_DISABLE_MM_REPLACEMENT

/** Defined when evmm_fault_set() and the statistics exist. */
#define EVMM_FAULT_INJECTION_IMPLEMENTED

/**
 * Make some of the coming allocations fail.
 *
 * Allocations are the calls to event_mm_malloc_(), event_mm_calloc_(),
 * event_mm_strdup_() and event_mm_realloc_() that ask for memory (not a
 * zero size, an overflowing calloc or strdup(NULL), which fail on their
 * own).  They are numbered from 1, starting with the first one after this
 * call.  A failed call calls no allocator and returns NULL with errno set
 * to ENOMEM, as a real failure would; event_mm_realloc_() leaves the old
 * block as it was.  @p spec is one of:
 *
 * - "off" or "" (or NULL): inject nothing;
 * - "nth=N": fail allocation N only (N >= 1);
 * - "every=N": fail allocations N, 2N, 3N, ... (N >= 1);
 * - "window=A-B": fail allocations A to B, both included (1 <= A <= B);
 * - "random=P" or "random=P,seed=S": fail each allocation with
 *   probability P, a decimal fraction with at most nine digits after the
 *   point (0 < P <= 1: "0.05" is one in twenty), chosen from S (0 if not
 *   given) and the allocation's number, so that a run can be repeated.
 *
 * Numbers are decimal, with no sign or spaces, and at most 2^64 - 1
 * (18446744073709551615); every digit of S counts.  The same grammar is read
 * from the EVMM_FAULT environment variable.
 *
 * Call it while no other thread allocates through libevmm.  A child made
 * by fork() may call it at once (where the C library has
 * pthread_atfork()).  It is not async-signal-safe: it takes the setters'
 * lock.
 *
 * Allocations reach libevmm only when the process's event_mm_malloc_()
 * is libevmm's: a program that links libevent before libevmm
 * (-levent -levmm) gets libevent's own, and nothing could fail.  Then a
 * @p spec that asks for failures is refused with ENOTSUP (not supported
 * in this process; link -levmm first, or preload libevmm).  Where the C
 * library has no dladdr(), this is not detected.
 *
 * @param spec  what to fail, as above
 * @return 0; or -1 with errno set to EINVAL when @p spec does not follow
 *   the grammar, or to ENOTSUP when it asks for failures that no
 *   allocation can reach, in which case nothing changes.
 */
EVENT2_EXPORT_SYMBOL
int evmm_fault_set(const char *spec);

/**
 * The first failure injected since the last evmm_fault_set().
 *
 * Set @c size to sizeof(struct evmm_fault_info) before calling
 * evmm_fault_first(), so that later versions can add fields at the end.
 */
struct evmm_fault_info {
	/** sizeof(struct evmm_fault_info), as the caller was compiled. */
	size_t size;
	/** The allocation's number, counting from 1 (64 bits everywhere). */
	unsigned long long call;
	/** The entry point: "malloc", "calloc", "strdup" or "realloc". */
	const char *entry;
	/** The return address into the code that called the entry point,
	 * or NULL where the compiler cannot tell.  For malloc and realloc it
	 * is exact when libevmm is built with optimisation (the default);
	 * built with -O0 or ThreadSanitizer it points into libevmm. */
	void *caller;
};

/**
 * Tell whether a failure was injected and which call it was.
 *
 * May be called at any time, from any thread, and from a signal handler
 * (it is async-signal-safe).
 *
 * @param info  filled in when the function returns 1, up to @c info->size
 *   bytes (@c size itself is left as it is); may be NULL
 * @return 1 when a failure was injected since the last evmm_fault_set()
 *   (or since the program started, for EVMM_FAULT), 0 otherwise, errno
 *   unchanged; or -1 with errno set to EINVAL, and nothing written, when
 *   @p info is not NULL and @c info->size is smaller than the @c size
 *   field or larger than the library's struct evmm_fault_info.
 */
EVENT2_EXPORT_SYMBOL
int evmm_fault_first(struct evmm_fault_info *info);

/**
 * What went through libevmm while the statistics were on.
 *
 * Calls are counted per entry point.  A call that asks for no memory (a
 * zero size, an overflowing calloc, strdup(NULL)) is not counted.
 */
struct evmm_stats {
	unsigned long long malloc_calls;
	unsigned long long calloc_calls;
	unsigned long long strdup_calls;
	unsigned long long realloc_calls;
	/** Calls to event_mm_free_(), NULL included. */
	unsigned long long free_calls;
	/** Allocations that evmm_fault_set() made fail. */
	unsigned long long injected_failures;
	/** Allocations whose allocator returned NULL. */
	unsigned long long real_failures;
	/** Blocks allocated and not yet freed.  realloc(p, 0) returning NULL
	 * counts as freeing p, as the C library does. */
	unsigned long long live_blocks;
	/** 1 when live_bytes and peak_bytes are known: every block counted
	 * came from an allocator that says how big its blocks are (the C
	 * library's, through malloc_usable_size(), or one installed with
	 * evmm_set_allocator() and a @c size_fn).  Otherwise they are 0. */
	int bytes_known;
	/** The usable size of the live blocks, in bytes. */
	unsigned long long live_bytes;
	/** The largest live_bytes has been.  Exact while one thread does all
	 * the allocating.  Each thread counts on its own, so with several
	 * the peak is estimated: it is never below live_bytes, and is off
	 * by at most 64 KiB for each thread that has allocated, plus 64 KiB.
	 * (The moment of a peak is a property of all threads together,
	 * which only a lock taken on every call could see exactly.) */
	unsigned long long peak_bytes;
	/** 1 while the statistics are on; 0 while they are off, when every
	 * other field is 0 too.  A caller whose @p size ends before this
	 * field does not get it. */
	int enabled;
};

/**
 * Turn the statistics on or off.  Either way they are reset to zero.
 *
 * They are exact when on from the program's first allocation (set
 * EVMM_STATS=1 in the environment); a block allocated before they were
 * turned on and freed after is not in them.  Call it while no other
 * thread allocates through libevmm.  A child made by fork() may call it
 * at once (where the C library has pthread_atfork()).  It is not
 * async-signal-safe: it takes locks the interrupted thread may hold.
 *
 * While on, each thread counts in counters of its own, so threads that
 * allocate at once do not slow each other down; counts of a thread that
 * exits are kept.  A child made by fork() starts with its parent's
 * counts (with zero ones when EVMM_REPORT names a directory).
 *
 * When the process's event_mm_malloc_() is another object's (libevent
 * linked before libevmm), no call reaches them and they stay at zero:
 * turning them on then says so on standard error, once per process,
 * with the fix (link -levmm first, or preload libevmm), and turns them
 * on all the same.  Where the C library has no dladdr(), this is not
 * detected.
 *
 * @param on  non-zero to turn them on, 0 to turn them off
 */
EVENT2_EXPORT_SYMBOL
void evmm_stats_enable(int on);

/**
 * Read the statistics: every thread's counts, added up.
 *
 * May be called at any time, from any thread, in a child made by fork()
 * at once, and from a signal handler (it is async-signal-safe: it takes
 * no lock, and calls nanosleep() at most).  Once the threads that
 * allocate through libevmm are quiet (joined, or waiting for the caller)
 * the result is exact.  While they run, each thread's counts are read as
 * they stood at some moment during this call, so counts of different
 * threads may be a few calls apart: a block freed by one thread may be
 * seen freed before another thread's allocation of it is seen.  One
 * case is not exact: a signal handler that interrupts its own thread
 * while that thread records its exit or is inside evmm_stats_enable()
 * may see that change half made.
 *
 * @param stats  where to write them
 * @param size   sizeof(struct evmm_stats) as the caller knows it, so
 *   that a program built against an older, smaller struct keeps working
 * @return 0; or -1 with errno set to EINVAL when @p stats is NULL, or
 *   when @p size is larger than the library's struct evmm_stats.
 */
EVENT2_EXPORT_SYMBOL
int evmm_stats_get(struct evmm_stats *stats, size_t size);

#endif /* !EVENT__EVMM_DISABLE_MM_REPLACEMENT */

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVMM_DEBUG_H_INCLUDED_ */
