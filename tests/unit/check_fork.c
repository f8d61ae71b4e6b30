/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * fork(): a child made at any moment, while another thread of the parent
 * is inside a setter, can call every setter at once.  fork() copies the
 * setters' lock as it is, so without libevmm's pthread_atfork() handlers
 * a few children in a thousand would find it held by a thread they do
 * not have, and spin forever.  Default variant, POSIX threads and fork()
 * only.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_UNISTD_H
#include <unistd.h>
#endif
#ifdef HAVE_SYS_WAIT_H
#include <sys/wait.h>
#endif

#include <event2/event.h>
#include <event2/evmm.h>
#include <event2/evmm_debug.h>

#include "check_evmm.h"
#include "hooks.h"

/* Under ThreadSanitizer each fork() of a process with threads costs
 * about 25 ms (2000 of them: 55 s, against 3 s without it), so fewer. */
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#ifdef UNDER_TSAN
#define FORKS 200
#else
#define FORKS 2000
#endif

/* Under valgrind a fork() takes 50 ms, and 300 ms while another thread
 * runs: fewer still, chosen at run time. */
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#define FORKS_NOW (RUNNING_ON_VALGRIND ? 20 : FORKS)
#else
#define FORKS_NOW FORKS
#endif

#if defined(EVMM_FAULT_INJECTION_IMPLEMENTED) && defined(HAVE_FORK) && \
    defined(HAVE_SYS_WAIT_H)
#define FORK_TESTS 1
#ifdef EVMM_HAVE_PTHREAD
#define FORK_STRESS 1
#include <pthread.h>
#endif

enum { CHILD_SECONDS = 3 };

static struct evmm_allocator wrapper;

static void
make_wrapper(void)
{
	wrapper = forwarding_allocator(EVMM_ALLOCATOR_WRAPS);
}

/* Every setter, as fast as it will go: each takes the setters' lock. */
static void
call_every_setter(int round)
{
	if (round & 1)
		event_set_mem_functions(forwarding_malloc,
		    forwarding_realloc, forwarding_free);
	else
		event_set_mem_functions(NULL, NULL, NULL);
	(void)evmm_set_allocator(&wrapper);
	(void)evmm_fault_set(round & 2 ? "off" : "random=0.000000001");
	evmm_stats_enable(round & 4);
}

/* In a child: every setter twice, an allocation, exit 0; a hang ends in
 * SIGALRM.  In the parent: how the child ended. */
enum child_end { CHILD_OK, CHILD_HUNG, CHILD_FAILED };

static enum child_end
fork_and_call_setters(int round)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		void *p;

		/* Check's runner catches SIGALRM for its own timeouts, and
		 * its handler, inherited, would kill the whole test. */
		signal(SIGALRM, SIG_DFL);
		alarm(CHILD_SECONDS);
		call_every_setter(round);
		call_every_setter(round + 1);
		p = event_mm_malloc_(16);
		event_mm_free_(p);
		_exit(0);
	}
	ck_assert_msg(pid > 0, "fork: %s", strerror(errno));
	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		return CHILD_HUNG;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return CHILD_FAILED;
	return CHILD_OK;
}

static void
restore(void)
{
	ck_assert_int_eq(evmm_fault_set("off"), 0);
	evmm_stats_enable(0);
	event_set_mem_functions(NULL, NULL, NULL);
}

/* The plain case, which ThreadSanitizer builds run too. */
START_TEST(test_child_can_call_every_setter)
{
	make_wrapper();
	call_every_setter(0);
	ck_assert_int_eq(fork_and_call_setters(1), CHILD_OK);
}
END_TEST

#ifdef FORK_STRESS
static int stop;	/* atomically accessed */

static void *
installer(void *arg)
{
	int round = 0;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		call_every_setter(round++);
	return NULL;
}

START_TEST(test_child_forked_during_setters_can_call_every_setter)
{
	pthread_t thread;
	int i, hung = 0, failed = 0, forks = FORKS_NOW;

	make_wrapper();
	ck_assert_int_eq(pthread_create(&thread, NULL, installer, NULL), 0);
	/* Up to the first hang: each costs CHILD_SECONDS. */
	for (i = 0; i < forks && hung == 0; i++) {
		switch (fork_and_call_setters(i)) {
		case CHILD_HUNG:
			hung++;
			break;
		case CHILD_FAILED:
			failed++;
			break;
		case CHILD_OK:
			break;
		}
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_msg(hung == 0, "child %d of %d hung in a setter", i,
	    forks);
	ck_assert_msg(failed == 0, "%d of %d children failed", failed, forks);
}
END_TEST
#endif /* FORK_STRESS */
#endif /* FORK_TESTS */

Suite *
make_fork_suite(void)
{
	Suite *s = suite_create("fork");
#ifdef FORK_TESTS
	TCase *tc;

	tc = tcase_create("Fork");
	tcase_add_checked_fixture(tc, NULL, restore);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_child_can_call_every_setter);
#ifdef FORK_STRESS
	tcase_add_test(tc,
	    test_child_forked_during_setters_can_call_every_setter);
#endif
	suite_add_tcase(s, tc);
#endif
	return s;
}
