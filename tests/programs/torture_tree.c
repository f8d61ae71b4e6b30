/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * A dependent that is a process tree, for evmm-torture to count and fail
 * process by process (tests/scripts/torture-tree.sh).  Each mode makes three
 * allocations:
 *   checked  checks all three, and exits 1 when one fails;
 *   buggy    uses the third unchecked: crashes when exactly it fails;
 *   fork     makes two, checked, then forks a child that runs "buggy"
 *            (as a child made by fork() alone, without exec) while the
 *            parent waits, then makes the third; a child that died of a
 *            signal is passed on by dying of the same signal;
 *   runner   the same, but the parent is a fork-per-test runner: a
 *            child's crash is a failed test, reported and exit 1;
 *   _exit    the same as fork, but the child ends in _exit(), as POSIX
 *            advises for a child of fork(): no exit handler runs.
 * Run as `sh -c 'torture_tree checked && torture_tree buggy'`, the same
 * program is two processes in turn, and only the second has the bug.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/evmm.h>

static int
three(int buggy)
{
	char *a, *b, *c;
	int failed;

	a = event_mm_strdup_("tree");
	b = event_mm_calloc_(4, sizeof(int));
	c = event_mm_malloc_(16);
	if (buggy)
		memcpy(c, "planted", 8);	/* the planted bug */
	failed = a == NULL || b == NULL || c == NULL;
	event_mm_free_(c);
	event_mm_free_(b);
	event_mm_free_(a);
	return failed;
}

/* A child made by fork() runs the buggy three(), then ends in exit(), or
 * in _exit() with @p quick_exit.  With @p runner the parent is a
 * fork-per-test runner, as libevent's regress and Check are: a child
 * that dies of a signal is a failed test, and the parent says so and
 * exits 1; without, it dies of the child's signal. */
static int
fork_buggy_child(int runner, int quick_exit)
{
	char *a, *b, *c;
	int status, failed;
	pid_t pid;

	a = event_mm_malloc_(8);
	b = event_mm_malloc_(8);
	failed = a == NULL || b == NULL;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("torture_tree: fork");
		return 1;
	}
	if (pid == 0 && quick_exit)
		_exit(three(1));
	if (pid == 0)
		exit(three(1));
	if (waitpid(pid, &status, 0) != pid) {
		perror("torture_tree: waitpid");
		return 1;
	}
	if (WIFSIGNALED(status) && runner) {
		printf("child: [Lost connection!]\n");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
	}
	c = event_mm_malloc_(8);
	failed |= c == NULL || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	event_mm_free_(c);
	event_mm_free_(b);
	event_mm_free_(a);
	return failed;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "checked") == 0)
		return three(0);
	if (argc == 2 && strcmp(argv[1], "buggy") == 0)
		return three(1);
	if (argc == 2 && strcmp(argv[1], "fork") == 0)
		return fork_buggy_child(0, 0);
	if (argc == 2 && strcmp(argv[1], "runner") == 0)
		return fork_buggy_child(1, 0);
	if (argc == 2 && strcmp(argv[1], "_exit") == 0)
		return fork_buggy_child(0, 1);
	fprintf(stderr, "usage: torture_tree checked|buggy|fork|runner|"
	    "_exit\n");
	return 2;
}
