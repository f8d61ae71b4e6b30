/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Allocation statistics, checked against a counting allocator that sees
 * the same calls.  Default variant only; every test turns them off in
 * teardown.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#ifdef HAVE_SYS_WAIT_H
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <event2/event.h>
#include <event2/evmm.h>
#include <event2/evmm_debug.h>

#include "check_evmm.h"
#include "hooks.h"

#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED

static void
setup(void)
{
	memset(&hook_counts, 0, sizeof(hook_counts));
	evmm_stats_enable(1);
}

static void
teardown(void)
{
	evmm_stats_enable(0);
	ck_assert_int_eq(evmm_fault_set("off"), 0);
	event_set_mem_functions(NULL, NULL, NULL);
}

static struct evmm_stats
stats(void)
{
	struct evmm_stats s;

	ck_assert_int_eq(evmm_stats_get(&s, sizeof(s)), 0);
	return s;
}

/* A fixed mix of calls: 3 malloc, 2 calloc, 1 strdup, 2 realloc (one
 * from NULL), 6 free (one NULL); 5 blocks remain, which it returns. */
static void
workload(void *keep[5])
{
	void *a = event_mm_malloc_(10), *b = event_mm_malloc_(20);
	void *c = event_mm_malloc_(30);

	keep[0] = event_mm_calloc_(4, 8);
	keep[1] = event_mm_calloc_(1, 100);
	keep[2] = event_mm_strdup_("stats");
	keep[3] = event_mm_realloc_(a, 200);
	keep[4] = event_mm_realloc_(NULL, 50);
	event_mm_free_(b);
	event_mm_free_(c);
	event_mm_free_(NULL);
}

static void
free_all(void *keep[5])
{
	int i;

	for (i = 0; i < 5; i++) {
		ck_assert_ptr_nonnull(keep[i]);
		event_mm_free_(keep[i]);
	}
}

START_TEST(test_stats_match_counting_allocator)
{
	void *keep[5];
	struct evmm_stats s;

	event_set_mem_functions(counting_malloc, counting_realloc,
	    counting_free);
	workload(keep);
	s = stats();
	ck_assert_uint_eq(s.malloc_calls, 3);
	ck_assert_uint_eq(s.calloc_calls, 2);
	ck_assert_uint_eq(s.strdup_calls, 1);
	ck_assert_uint_eq(s.realloc_calls, 2);
	ck_assert_uint_eq(s.free_calls, 3);
	/* calloc and strdup allocate with the malloc hook. */
	ck_assert_int_eq(hook_counts.mallocs,
	    (int)(s.malloc_calls + s.calloc_calls + s.strdup_calls));
	ck_assert_int_eq(hook_counts.reallocs, (int)s.realloc_calls);
	ck_assert_int_eq(hook_counts.frees, (int)s.free_calls);
	ck_assert_uint_eq(s.live_blocks, 5);
	/* The program's allocator does not say how big its blocks are. */
	ck_assert_int_eq(s.bytes_known, 0);
	ck_assert_uint_eq(s.live_bytes, 0);
	free_all(keep);
	s = stats();
	ck_assert_uint_eq(s.live_blocks, 0);
	ck_assert_uint_eq(s.free_calls, 8);
	ck_assert_int_eq(hook_counts.frees, 8);
	ck_assert_uint_eq(s.injected_failures + s.real_failures, 0);
}
END_TEST

START_TEST(test_stats_count_bytes_of_libc_blocks)
{
	void *keep[5];
	struct evmm_stats s;

	workload(keep);
	s = stats();
	ck_assert_uint_eq(s.malloc_calls, 3);
	ck_assert_uint_eq(s.live_blocks, 5);
#ifdef HAVE_MALLOC_USABLE_SIZE
	ck_assert_int_eq(s.bytes_known, 1);
	/* Usable sizes: at least what was asked for. */
	ck_assert_uint_ge(s.live_bytes, 32 + 100 + 6 + 200 + 50);
	ck_assert_uint_ge(s.peak_bytes, s.live_bytes);
	ck_assert_uint_ge(s.peak_bytes, s.live_bytes + 20 + 30);
#endif
	free_all(keep);
	s = stats();
	ck_assert_uint_eq(s.live_blocks, 0);
	ck_assert_uint_eq(s.live_bytes, 0);
}
END_TEST

#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
/* An allocator that puts the size before each block, and says it. */
union sized {
	size_t size;
	long double ld;
	void *ptr;
};
static int size_asked;

static void *
sized_malloc(size_t sz, void *ctx)
{
	union sized *h = malloc(sizeof(*h) + sz);

	(void)ctx;
	if (h == NULL)
		return NULL;
	h->size = sz;
	return h + 1;
}

static void *
sized_realloc(void *ptr, size_t sz, void *ctx)
{
	union sized *h = ptr != NULL ? (union sized *)ptr - 1 : NULL;

	(void)ctx;
	if (ptr != NULL && sz == 0) {
		free(h);
		return NULL;
	}
	h = realloc(h, sizeof(*h) + sz);
	if (h == NULL)
		return NULL;
	h->size = sz;
	return h + 1;
}

static void
sized_free(void *ptr, void *ctx)
{
	(void)ctx;
	if (ptr != NULL)
		free((union sized *)ptr - 1);
}

static size_t
sized_size(void *ptr, void *ctx)
{
	ck_assert_ptr_eq(ctx, &size_asked);
	size_asked++;
	return ((union sized *)ptr - 1)->size;
}

/* Install the sized_* hooks, each block's size in a header before it.
 * Not a wrapper, but no block crosses between it and the C library (and
 * with CK_FORK=no the C library has made blocks): so it says it wraps. */
static void
install_sized_allocator(void)
{
	struct evmm_allocator a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = EVMM_ALLOCATOR_WRAPS;
	a.malloc_fn = sized_malloc;
	a.realloc_fn = sized_realloc;
	a.free_fn = sized_free;
	a.size_fn = sized_size;
	a.ctx = &size_asked;
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
}

START_TEST(test_stats_count_bytes_with_a_size_hook)
{
	struct evmm_stats s;
	void *p, *q;

	install_sized_allocator();
	evmm_stats_enable(1);
	p = event_mm_malloc_(100);
	q = event_mm_calloc_(3, 10);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	s = stats();
	ck_assert_int_eq(s.bytes_known, 1);
	ck_assert_uint_eq(s.live_bytes, 130);
	p = event_mm_realloc_(p, 1000);
	ck_assert_ptr_nonnull(p);
	event_mm_free_(q);
	s = stats();
	ck_assert_uint_eq(s.live_bytes, 1000);
	ck_assert_uint_eq(s.peak_bytes, 1030);
	event_mm_free_(p);
	s = stats();
	ck_assert_uint_eq(s.live_bytes, 0);
	ck_assert_int_eq(s.bytes_known, 1);
	ck_assert_int_gt(size_asked, 0);
	/* The teardown restores the C library: nothing is live. */
}
END_TEST

/* Once the C library has made a block, its calls are counted by
 * functions that call it directly; a wrapper installed then, and the C
 * library installed again in its place, must each be the one called and
 * measured. */
START_TEST(test_stats_follow_an_allocator_installed_while_on)
{
	struct evmm_allocator libc;
	struct evmm_stats s;
	void *p;

	size_asked = 0;		/* earlier tests' calls, with CK_FORK=no */
	event_mm_free_(event_mm_malloc_(1));
	install_sized_allocator();
	p = event_mm_malloc_(100);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(size_asked, 1);
	s = stats();
	ck_assert_uint_eq(s.live_blocks, 1);
	ck_assert_uint_eq(s.live_bytes, 100);
	event_mm_free_(p);
	ck_assert_int_eq(size_asked, 2);
	/* Unwrapping: the C library again, measured by its own size. */
	memset(&libc, 0, sizeof(libc));
	libc.size = sizeof(libc);
	ck_assert_int_eq(evmm_set_allocator(&libc), 0);
	p = event_mm_malloc_(100);
	ck_assert_ptr_nonnull(p);
	s = stats();
	ck_assert_uint_eq(s.live_blocks, 1);
#ifdef HAVE_MALLOC_USABLE_SIZE
	ck_assert_uint_eq(s.live_bytes, malloc_usable_size(p));
#endif
	event_mm_free_(p);
	ck_assert_int_eq(size_asked, 2);
	s = stats();
	ck_assert_uint_eq(s.live_blocks, 0);
	ck_assert_uint_eq(s.live_bytes, 0);
	ck_assert_uint_eq(s.malloc_calls, 3);
	ck_assert_uint_eq(s.free_calls, 3);
}
END_TEST
#endif

START_TEST(test_stats_count_injected_and_real_failures)
{
	struct evmm_stats s;

	event_set_mem_functions(counting_malloc, counting_realloc,
	    counting_free);
	ck_assert_int_eq(evmm_fault_set("nth=1"), 0);
	ck_assert_ptr_null(event_mm_malloc_(8));
	hook_counts.fail = 1;
	ck_assert_ptr_null(event_mm_malloc_(8));
	ck_assert_ptr_null(event_mm_calloc_(2, 8));
	ck_assert_ptr_null(event_mm_realloc_(NULL, 8));
	s = stats();
	ck_assert_uint_eq(s.injected_failures, 1);
	ck_assert_uint_eq(s.real_failures, 3);
	ck_assert_uint_eq(s.live_blocks, 0);
	ck_assert_int_eq(hook_counts.mallocs, 2);	/* not the injected one */
}
END_TEST

START_TEST(test_stats_skip_calls_that_ask_for_nothing)
{
	struct evmm_stats s;

	ck_assert_ptr_null(event_mm_malloc_(0));
	ck_assert_ptr_null(event_mm_calloc_(0, 1));
	ck_assert_ptr_null(event_mm_calloc_((size_t)-1, 2));
	ck_assert_ptr_null(event_mm_strdup_(NULL));
	s = stats();
	ck_assert_uint_eq(s.malloc_calls + s.calloc_calls + s.strdup_calls, 0);
}
END_TEST

START_TEST(test_stats_realloc_to_zero_frees)
{
	struct evmm_stats s;
	void *p = event_mm_malloc_(16);

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(stats().live_blocks, 1);
	/* glibc frees and returns NULL; a C library that returns a block
	 * keeps it live, and the test frees it. */
	p = event_mm_realloc_(p, 0);
	s = stats();
	ck_assert_uint_eq(s.live_blocks, p == NULL ? 0 : 1);
	ck_assert_uint_eq(s.real_failures, 0);
	event_mm_free_(p);
}
END_TEST

START_TEST(test_stats_off_count_nothing_and_on_resets)
{
	void *p;

	evmm_stats_enable(0);
	p = event_mm_malloc_(8);
	event_mm_free_(p);
	ck_assert_uint_eq(stats().malloc_calls, 0);
	evmm_stats_enable(1);
	p = event_mm_malloc_(8);
	ck_assert_uint_eq(stats().malloc_calls, 1);
	evmm_stats_enable(1);
	ck_assert_uint_eq(stats().malloc_calls, 0);
	event_mm_free_(p);
}
END_TEST

START_TEST(test_stats_say_whether_they_are_on)
{
	struct evmm_stats s;
	void *p = event_mm_malloc_(8);

	s = stats();
	ck_assert_int_eq(s.enabled, 1);
	ck_assert_uint_eq(s.malloc_calls, 1);
	evmm_stats_enable(0);
	s = stats();
	/* Off is not "nothing allocated": every field is 0, enabled too. */
	ck_assert_int_eq(s.enabled, 0);
	ck_assert_int_eq(s.bytes_known, 0);
	ck_assert_uint_eq(s.malloc_calls, 0);
	event_mm_free_(p);
}
END_TEST

START_TEST(test_stats_peak_is_exact_with_one_thread)
{
	enum { BLOCKS = 300, SIZE = 1000 };
	static void *blocks[BLOCKS];
	unsigned long long top;
	struct evmm_stats s;
	int i;

	for (i = 0; i < BLOCKS; i++)
		ck_assert_ptr_nonnull(blocks[i] = event_mm_malloc_(SIZE));
	top = stats().live_bytes;
	ck_assert_uint_ge(top, BLOCKS * SIZE);
	for (i = 0; i < BLOCKS; i++)
		event_mm_free_(blocks[i]);
	/* A smaller rise after the fall leaves the peak where it was. */
	for (i = 0; i < BLOCKS / 2; i++)
		blocks[i] = event_mm_malloc_(SIZE);
	s = stats();
	if (s.bytes_known)
		ck_assert_uint_eq(s.peak_bytes, top);
	for (i = 0; i < BLOCKS / 2; i++)
		event_mm_free_(blocks[i]);
	ck_assert_uint_eq(stats().live_bytes, 0);
}
END_TEST

#ifdef HAVE_SYS_WAIT_H
/* A child inherits the counts and keeps counting. */
START_TEST(test_stats_continue_in_a_forked_child)
{
	void *p = event_mm_malloc_(8);
	int status;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct evmm_stats s;
		void *q = event_mm_malloc_(8);

		if (evmm_stats_get(&s, sizeof(s)) != 0)
			_exit(1);
		event_mm_free_(q);
		/* The child's copy of p is its own to free: under valgrind
		 * each process is checked for leaks when it ends. */
		event_mm_free_(p);
		_exit(s.malloc_calls == 2 && s.live_blocks == 2 ? 0 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_uint_eq(stats().malloc_calls, 1);
	event_mm_free_(p);
}
END_TEST
#endif

START_TEST(test_stats_get_checks_its_arguments)
{
	union {
		struct evmm_stats s;
		unsigned char bytes[sizeof(struct evmm_stats) + 8];
	} u;

	errno = 0;
	ck_assert_int_eq(evmm_stats_get(NULL, sizeof(u.s)), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(evmm_stats_get(&u.s, sizeof(u.bytes)), -1);
	ck_assert_int_eq(errno, EINVAL);

	/* An older, smaller struct gets its prefix and nothing past it. */
	event_mm_free_(event_mm_malloc_(8));
	memset(&u, 0xee, sizeof(u));
	ck_assert_int_eq(evmm_stats_get(&u.s, sizeof(u.s.malloc_calls)), 0);
	ck_assert_uint_eq(u.s.malloc_calls, 1);
	ck_assert_uint_eq(u.bytes[sizeof(u.s.malloc_calls)], 0xee);
}
END_TEST

#ifdef EVMM_HAVE_PTHREAD
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

enum { THREADS = 4, ROUNDS = 20000 };

/* Each thread: ROUNDS malloc/free pairs through libevmm. */
static void *
allocate_rounds(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++)
		event_mm_free_(event_mm_malloc_(24));
	return NULL;
}

static void
run_threads(void)
{
	pthread_t t[THREADS];
	int i;

	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, allocate_rounds,
		    NULL), 0);
	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
}

/* Shared counters lose no update when threads allocate at once (and,
 * in the ThreadSanitizer build, race on nothing). */
START_TEST(test_stats_count_every_thread)
{
	struct evmm_stats s;

	run_threads();
	s = stats();
	ck_assert_uint_eq(s.malloc_calls, THREADS * ROUNDS);
	ck_assert_uint_eq(s.free_calls, THREADS * ROUNDS);
	ck_assert_uint_eq(s.live_blocks, 0);
}
END_TEST

/* A thread that exits leaves its counts behind. */
static void *
allocate_and_exit(void *arg)
{
	void **keep = arg;

	keep[0] = event_mm_malloc_(100);
	keep[1] = event_mm_strdup_("kept");
	event_mm_free_(event_mm_calloc_(3, 10));
	return NULL;
}

START_TEST(test_stats_keep_counts_of_threads_that_exit)
{
	void *keep[2];
	struct evmm_stats s;
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, allocate_and_exit, keep), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	s = stats();
	ck_assert_uint_eq(s.malloc_calls, 1);
	ck_assert_uint_eq(s.strdup_calls, 1);
	ck_assert_uint_eq(s.calloc_calls, 1);
	ck_assert_uint_eq(s.free_calls, 1);
	ck_assert_uint_eq(s.live_blocks, 2);
	if (s.bytes_known)
		ck_assert_uint_ge(s.live_bytes, 100 + 5);
	event_mm_free_(keep[0]);
	event_mm_free_(keep[1]);
	s = stats();
	ck_assert_uint_eq(s.live_blocks, 0);
	ck_assert_uint_eq(s.live_bytes, 0);
}
END_TEST

/* Two threads in turn, each leaving BLOCKS blocks of SIZE bytes: the
 * peak is the sum, within the documented 64 KiB per thread, plus one. */
enum { PEAK_BLOCKS = 200, PEAK_SIZE = 1000 };

static void *
allocate_blocks(void *arg)
{
	void **blocks = arg;
	int i;

	for (i = 0; i < PEAK_BLOCKS; i++)
		blocks[i] = event_mm_malloc_(PEAK_SIZE);
	return NULL;
}

START_TEST(test_stats_peak_of_threads_is_within_the_slack)
{
	static void *blocks[2][PEAK_BLOCKS];
	unsigned long long top;
	struct evmm_stats s;
	pthread_t t;
	int i, k;

	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(pthread_create(&t, NULL, allocate_blocks,
		    blocks[k]), 0);
		ck_assert_int_eq(pthread_join(t, NULL), 0);
	}
	top = stats().live_bytes;
	for (k = 0; k < 2; k++)
		for (i = 0; i < PEAK_BLOCKS; i++) {
			ck_assert_ptr_nonnull(blocks[k][i]);
			event_mm_free_(blocks[k][i]);
		}
	s = stats();
	ck_assert_uint_eq(s.live_bytes, 0);
	if (!s.bytes_known)
		return;
	ck_assert_uint_ge(top, 2 * PEAK_BLOCKS * PEAK_SIZE);
	ck_assert_uint_ge(s.peak_bytes + 3 * 64 * 1024, top);
	ck_assert_uint_le(s.peak_bytes, top + 3 * 64 * 1024);
}
END_TEST

/* A thread that moves its bytes by more than the slack on every call,
 * and so moves the window that holds them, while another reads them:
 * every read is the bytes of one moment, 0 or the one block's.  (A read
 * of the window's two ends from different moments, which the library
 * guards against, would be tens of KiB off here; but the moment in
 * which it could happen is a few instructions long, so this would catch
 * it only now and then.) */
enum { TORN_SIZE = 100000, TORN_ROUNDS = 20000 };
static int torn_done;
static pthread_mutex_t torn_lock = PTHREAD_MUTEX_INITIALIZER;

/* A flag one thread sets and another waits for, under torn_lock. */
static void
set_flag(int *flag)
{
	pthread_mutex_lock(&torn_lock);
	*flag = 1;
	pthread_mutex_unlock(&torn_lock);
}

static int
flag_is_set(const int *flag)
{
	int set;

	pthread_mutex_lock(&torn_lock);
	set = *flag;
	pthread_mutex_unlock(&torn_lock);
	return set;
}

static void *
allocate_large_blocks(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < TORN_ROUNDS; i++)
		event_mm_free_(event_mm_malloc_(TORN_SIZE));
	set_flag(&torn_done);
	return NULL;
}

START_TEST(test_stats_read_bytes_of_one_moment_while_threads_run)
{
	struct evmm_stats s;
	pthread_t t;

	torn_done = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, allocate_large_blocks,
	    NULL), 0);
	/* At least one read, even where the writer runs to its end first
	 * (valgrind runs one thread at a time). */
	do {
		s = stats();
		if (s.live_bytes != 0) {
			ck_assert_uint_ge(s.live_bytes, TORN_SIZE);
			ck_assert_uint_lt(s.live_bytes, TORN_SIZE + 16384);
		}
	} while (!flag_is_set(&torn_done));
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	s = stats();
	ck_assert_uint_eq(s.live_bytes, 0);
	ck_assert_uint_eq(s.malloc_calls, TORN_ROUNDS);
}
END_TEST

/* Where the library counts with one instruction per update (per-thread
 * counters, x86-64, GCC or clang, not ThreadSanitizer), a signal
 * handler's calls are counted exactly; elsewhere one that lands between
 * an update's load and its store loses it, and with shared counters the
 * slow path takes a lock. */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TSAN_BUILD 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define TSAN_BUILD 1
#endif
#if defined(EVMM_SET_ALLOCATOR_IMPLEMENTED) && \
    defined(EVMM_HAVE_TLS_COUNTERS) && defined(__x86_64__) && \
    defined(__GNUC__) && !defined(TSAN_BUILD)
#define COUNTS_IN_ONE_INSTRUCTION 1
#endif

#ifdef COUNTS_IN_ONE_INSTRUCTION
/* A signal handler that allocates, through an allocator it may call (one
 * static block per size, whose size hook reads nothing), while the thread
 * it interrupts moves its window on every call: no call of either is
 * lost from the counts.  The handler keeps a block between signals, so
 * that an allocation or a free of its that went missing would show. */
enum { SIGNAL_BIG = 100000, SIGNAL_SMALL = 16, SIGNALS = 20000 };
static char signal_big[SIGNAL_BIG], signal_small[SIGNAL_SMALL];
static volatile sig_atomic_t handler_calls;
static void *volatile handler_block;
static int signals_sent;

static void *
static_malloc(size_t sz, void *ctx)
{
	(void)ctx;
	return sz > SIGNAL_SMALL ? signal_big : signal_small;
}

static void *
static_realloc(void *ptr, size_t sz, void *ctx)
{
	(void)ptr;
	(void)sz;
	(void)ctx;
	return NULL;
}

static void
static_free(void *ptr, void *ctx)
{
	(void)ptr;
	(void)ctx;
}

static size_t
static_size(void *ptr, void *ctx)
{
	(void)ctx;
	return ptr == signal_big ? SIGNAL_BIG : SIGNAL_SMALL;
}

static void
allocate_in_handler(int sig)
{
	(void)sig;
	if (handler_block == NULL) {
		handler_block = event_mm_malloc_(SIGNAL_SMALL);
	} else {
		event_mm_free_(handler_block);
		handler_block = NULL;
	}
	handler_calls++;
}

static void *
send_signals(void *arg)
{
	pthread_t *to = arg;
	int i;

	for (i = 0; i < SIGNALS; i++)
		if (pthread_kill(*to, SIGUSR1) != 0)
			break;
	set_flag(&signals_sent);
	return NULL;
}

START_TEST(test_stats_lose_no_call_of_a_signal_handler)
{
	struct evmm_allocator a;
	struct sigaction sa, old;
	struct evmm_stats s;
	pthread_t self = pthread_self(), t;
	unsigned long long rounds = 0, handled;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = EVMM_ALLOCATOR_WRAPS;
	a.malloc_fn = static_malloc;
	a.realloc_fn = static_realloc;
	a.free_fn = static_free;
	a.size_fn = static_size;
	ck_assert_int_eq(evmm_set_allocator(&a), 0);
	evmm_stats_enable(1);
	/* The thread's first counted call, which takes a lock. */
	event_mm_free_(event_mm_malloc_(SIGNAL_BIG));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = allocate_in_handler;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, &old), 0);
	signals_sent = 0;
	ck_assert_int_eq(pthread_create(&t, NULL, send_signals, &self), 0);
	while (!flag_is_set(&signals_sent)) {
		event_mm_free_(event_mm_malloc_(SIGNAL_BIG));
		rounds++;
	}
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	/* Drops a signal still pending, before the handler goes. */
	ck_assert(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
	ck_assert_int_eq(sigaction(SIGUSR1, &old, NULL), 0);
	handled = (unsigned long long)handler_calls;
	s = stats();
	ck_assert_uint_gt(handled, 0);
	ck_assert_uint_eq(s.malloc_calls, 1 + rounds + (handled + 1) / 2);
	ck_assert_uint_eq(s.free_calls, 1 + rounds + handled / 2);
	ck_assert_uint_eq(s.live_blocks, handled % 2);
	ck_assert_uint_eq(s.live_bytes, handled % 2 * SIGNAL_SMALL);
	if (handler_block != NULL)
		event_mm_free_(handler_block);
	handler_block = NULL;
	handler_calls = 0;
	s = stats();
	ck_assert_uint_eq(s.live_bytes, 0);
}
END_TEST
#endif /* COUNTS_IN_ONE_INSTRUCTION */

/* evmm_stats_get() from a signal handler that interrupts its own thread
 * inside each lock the library has: the statistics' (evmm_stats_enable()
 * takes it twice), the setters' (evmm_set_allocator()), and all of them
 * at once, held across fork() by the fork handlers.  A lock taken by the
 * reader would be held by the very thread that waits for it: the test
 * would hang until its timeout.  The signals come from a profiling
 * timer (as often as the kernel ticks, a few hundred of them), so that
 * the process has no other thread (a child of fork() would count it as
 * leaked). */
enum { READS = 200 };
static volatile sig_atomic_t reads, bad_reads;

static void
read_in_handler(int sig)
{
	struct evmm_stats s;
	int saved = errno;

	(void)sig;
	if (evmm_stats_get(&s, sizeof(s)) != 0 || s.enabled != 1)
		bad_reads++;
	reads++;
	errno = saved;
}

START_TEST(test_stats_get_in_a_handler_interrupting_every_lock)
{
	struct itimerval every = { { 0, 100 }, { 0, 100 } }, never;
	struct sigaction sa, old;
	struct evmm_stats s;
	unsigned long rounds;
	void *p;

	memset(&never, 0, sizeof(never));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = read_in_handler;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGPROF, &sa, &old), 0);
	reads = bad_reads = 0;
	ck_assert_int_eq(setitimer(ITIMER_PROF, &every, NULL), 0);
	for (rounds = 0; reads < READS && rounds < 10000000; rounds++) {
		evmm_stats_enable(1);
		/* The C library again, over itself: refused once blocks
		 * are live, but under the setters' lock. */
		if (evmm_set_allocator(NULL) != 0)
			ck_assert_int_eq(errno, EBUSY);
#ifdef HAVE_SYS_WAIT_H
		if (rounds % 64 == 0) {
			pid_t pid = fork();
			int status;

			if (pid == 0)
				_exit(0);
			ck_assert_int_gt(pid, 0);
			while (waitpid(pid, &status, 0) < 0)
				ck_assert_int_eq(errno, EINTR);
			ck_assert(WIFEXITED(status));
		}
#endif
		event_mm_free_(event_mm_malloc_(16));
	}
	ck_assert_int_eq(setitimer(ITIMER_PROF, &never, NULL), 0);
	/* Drops a signal still pending, before the handler goes. */
	ck_assert(signal(SIGPROF, SIG_IGN) != SIG_ERR);
	ck_assert_int_eq(sigaction(SIGPROF, &old, NULL), 0);
	ck_assert_int_ge(reads, READS);
	ck_assert_int_eq(bad_reads, 0);
	/* And the counts are still exact. */
	evmm_stats_enable(1);
	p = event_mm_malloc_(16);
	s = stats();
	ck_assert_uint_eq(s.malloc_calls, 1);
	ck_assert_uint_eq(s.live_blocks, 1);
	event_mm_free_(p);
}
END_TEST

START_TEST(test_injection_counts_every_thread)
{
	struct evmm_stats s;

	ck_assert_int_eq(evmm_fault_set("every=4"), 0);
	run_threads();
	s = stats();
	/* Allocations are numbered across threads: exactly a quarter fail,
	 * whichever thread makes them. */
	ck_assert_uint_eq(s.injected_failures, THREADS * ROUNDS / 4);
	ck_assert_uint_eq(s.live_blocks, 0);
}
END_TEST
#endif /* EVMM_HAVE_PTHREAD */

#endif /* EVMM_FAULT_INJECTION_IMPLEMENTED */

Suite *
make_stats_suite(void)
{
	Suite *s = suite_create("stats");
#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
	TCase *tc = tcase_create("Core");


	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_stats_match_counting_allocator);
	tcase_add_test(tc, test_stats_count_bytes_of_libc_blocks);
	tcase_add_test(tc, test_stats_count_injected_and_real_failures);
	tcase_add_test(tc, test_stats_skip_calls_that_ask_for_nothing);
	tcase_add_test(tc, test_stats_realloc_to_zero_frees);
	tcase_add_test(tc, test_stats_off_count_nothing_and_on_resets);
	tcase_add_test(tc, test_stats_get_checks_its_arguments);
	tcase_add_test(tc, test_stats_say_whether_they_are_on);
#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
	tcase_add_test(tc, test_stats_count_bytes_with_a_size_hook);
	tcase_add_test(tc, test_stats_follow_an_allocator_installed_while_on);
#endif
	tcase_add_test(tc, test_stats_peak_is_exact_with_one_thread);
#ifdef HAVE_SYS_WAIT_H
	tcase_add_test(tc, test_stats_continue_in_a_forked_child);
#endif
	suite_add_tcase(s, tc);
#ifdef EVMM_HAVE_PTHREAD
	tc = tcase_create("Threads");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_stats_count_every_thread);
	tcase_add_test(tc, test_injection_counts_every_thread);
	tcase_add_test(tc, test_stats_keep_counts_of_threads_that_exit);
	tcase_add_test(tc, test_stats_peak_of_threads_is_within_the_slack);
	tcase_add_test(tc,
	    test_stats_read_bytes_of_one_moment_while_threads_run);
	suite_add_tcase(s, tc);
	/* Thousands of signals: seconds natively, hours under valgrind,
	 * which delivers a signal only when it switches threads.  The tag
	 * lets that run leave them out (CK_EXCLUDE_TAGS). */
	tc = tcase_create("Signals");
	tcase_set_tags(tc, "stress");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
#ifdef COUNTS_IN_ONE_INSTRUCTION
	tcase_add_test(tc, test_stats_lose_no_call_of_a_signal_handler);
#endif
	tcase_add_test(tc, test_stats_get_in_a_handler_interrupting_every_lock);
	suite_add_tcase(s, tc);
#endif
#endif
	return s;
}
