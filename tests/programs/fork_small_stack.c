/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * fork() from a thread whose small stack is nearly full, for
 * tests/scripts/fork-small-stack.sh: the fork handlers run on that
 * stack, in the parent and in the child, and must fit in what is left.
 *
 *   fork_small_stack LEAVE
 *
 * makes a thread with a stack of 16 KiB (or the system's minimum, if
 * larger) and a guard page under it, fills all of it but LEAVE bytes,
 * and calls fork() there.  The child _exit()s at once.  Prints "ok"
 * and exits 0 when the child exited 0; otherwise says how it ended and
 * exits 1.  A handler that overflows the parent's stack kills this
 * process itself (SIGSEGV).
 *
 * Built twice: linked with libevmm, and without it (-DWITHOUT_EVMM) to
 * measure what fork() needs of the stack on its own.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef WITHOUT_EVMM
#include <event2/evmm.h>
#endif

#define SMALL_STACK (16 * 1024)

static size_t leave;
static char *stack_low;		/* the lowest usable byte of the stack */
static int child_status = -1;

/* Keeps the filler from being optimised away. */
static void *volatile sink;

static void
fork_here(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		while (waitpid(pid, &child_status, 0) < 0 && errno == EINTR)
			continue;
}

/* Fill the stack from here down to LEAVE bytes above its low end, then
 * fork below the filler. */
static void
fill_and_fork(void)
{
	char here;
	size_t free_below = (size_t)(&here - stack_low);
	size_t n = free_below > leave + 256 ? free_below - leave - 256 : 1;
	char filler[n];

	memset(filler, 0xa5, n);
	sink = filler;
	fork_here();
	sink = NULL;
}

static void *
thread_main(void *arg)
{
	(void)arg;
	fill_and_fork();
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t thread;
	long page = sysconf(_SC_PAGESIZE);
	size_t size = SMALL_STACK;
	char *map;
	int err;

#ifdef PTHREAD_STACK_MIN
	if ((size_t)PTHREAD_STACK_MIN > size)
		size = (size_t)PTHREAD_STACK_MIN;
#endif
	if (argc != 2) {
		fprintf(stderr, "usage: fork_small_stack LEAVE\n");
		return 2;
	}
	leave = (size_t)strtoul(argv[1], NULL, 10);
#ifndef WITHOUT_EVMM
	/* Links the library, as any user of it does. */
	if (evmm_get_version() == NULL)
		return 2;
#endif
	/* The stack, with an inaccessible page under it: going past its
	 * end is a SIGSEGV, not a write into whatever lies below. */
	map = mmap(NULL, size + (size_t)page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || mprotect(map, (size_t)page, PROT_NONE) != 0) {
		perror("mmap");
		return 2;
	}
	stack_low = map + page;
	if ((err = pthread_attr_init(&attr)) != 0 ||
	    (err = pthread_attr_setstack(&attr, stack_low, size)) != 0 ||
	    (err = pthread_create(&thread, &attr, thread_main, NULL)) != 0 ||
	    (err = pthread_join(thread, NULL)) != 0) {
		fprintf(stderr, "pthread: %s\n", strerror(err));
		return 2;
	}
	if (child_status == 0) {
		printf("ok\n");
		return 0;
	}
	if (child_status == -1)
		printf("fork failed\n");
	else if (WIFSIGNALED(child_status))
		printf("child killed by signal %d\n", WTERMSIG(child_status));
	else
		printf("child exited %d\n", WEXITSTATUS(child_status));
	return 1;
}
