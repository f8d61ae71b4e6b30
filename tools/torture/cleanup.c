/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Ending what the runs leave: the list of runs still going, the sweep
 * that kills what an ended run left behind, and the clean-up on every
 * way out (the end, a stop signal, out of memory).
 *
 * Every run is a process group of its own and carries a marker in its
 * environment (EVMM_TORTURE_RUN=<our pid>.<point>, process.c).  On Linux
 * evmm-torture is a child subreaper, so whatever a run leaves behind, in
 * the background or in a session of its own, becomes our child when its
 * parent ends: while the run lingers after its command ended, such
 * children are its leftovers, waited for (process.c); a sweep then
 * kills each such child whose marker names a run that has ended.
 * Elsewhere only the process group is killed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "torture.h"

/* What is read of a process's environment. */
#define ENVIRON_MAX (1024 * 1024)

/* The runs started and not yet handed back by run_wait(): for the
 * sweep, and to kill them all on a stop. */
static struct live_run {
	pid_t pid;
	unsigned long id;
} *live;
static size_t live_count, live_cap;

void
live_reserve(void)
{
	if (live_count == live_cap) {
		size_t cap = live_cap > 0 ? live_cap * 2 : 16;
		struct live_run *l = realloc(live, cap * sizeof(*l));

		if (l == NULL)
			out_of_memory();
		live = l;
		live_cap = cap;
	}
}

void
live_add(pid_t pid, unsigned long id)
{
	live[live_count].pid = pid;
	live[live_count].id = id;
	live_count++;
}

void
live_drop(pid_t pid)
{
	size_t k;

	for (k = 0; k < live_count; k++)
		if (live[k].pid == pid)
			live[k] = live[--live_count];
}

/* Calls fn(pid) for each child of this process; 0 if they cannot be
 * listed here. */
static int
for_each_child(void (*fn)(pid_t))
{
#ifdef __linux__
	char path[64];
	FILE *f;
	long pid;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
	    (long)getpid());
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fscanf(f, "%ld", &pid) == 1)
		fn((pid_t)pid);
	fclose(f);
	return 1;
#else
	(void)fn;
	return 0;
#endif
}

/* The run named by pid's marker, in *id: 1; 0 when it has none; -1
 * when its environment cannot be read or is empty: another user's
 * process, one gone or a zombie, one in the middle of an exec(), or
 * one that emptied it. */
static int
marker_of(pid_t pid, unsigned long *id)
{
#ifdef __linux__
	char path[64], *buf, *s, want[48];
	int fd, found = 0;
	size_t len = 0, wlen;
	ssize_t r;

	snprintf(path, sizeof(path), "/proc/%ld/environ", (long)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	buf = malloc(ENVIRON_MAX + 1);
	if (buf == NULL) {
		close(fd);
		return -1;
	}
	while (len < ENVIRON_MAX &&
	    (r = read(fd, buf + len, ENVIRON_MAX - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	wlen = (size_t)snprintf(want, sizeof(want), "EVMM_TORTURE_RUN=%ld.",
	    (long)getpid());
	for (s = buf; s < buf + len; s += strlen(s) + 1) {
		if (strncmp(s, want, wlen) == 0) {
			*id = strtoul(s + wlen, NULL, 10);
			found = 1;
			break;
		}
	}
	free(buf);
	return found ? 1 : len == 0 ? -1 : 0;
#else
	(void)pid;
	(void)id;
	return -1;
#endif
}

/* Whether pid leads a run not yet handed back, or id is such a run. */
static int
is_live_leader(pid_t pid, const unsigned long *id)
{
	size_t i;

	for (i = 0; i < live_count; i++)
		if (live[i].pid == pid || (id != NULL && live[i].id == *id))
			return 1;
	return 0;
}

/* pid, and the group or session it leads, if it leads one. */
static void
kill_with_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
}

static int kill_unmarked;

/* A child that is no run's leader: what a run left behind.  Killed
 * unless its marker names a run still going. */
static void
sweep_one(pid_t pid)
{
	unsigned long id;

	if (is_live_leader(pid, NULL))
		return;
	if (marker_of(pid, &id) == 1) {
		if (is_live_leader(0, &id))
			return;
	} else if (!kill_unmarked) {
		return;
	}
	kill_with_group(pid);
}

void
sweep(int everything)
{
	kill_unmarked = everything;
	for_each_child(sweep_one);
}

/* What leftovers() looks for, and what it found. */
static struct {
	unsigned long id;
	pid_t pgid;
	int kill_them;
	size_t found, unsure;
	char *name;
	size_t size;
} left;

/* A process's name, as the kernel keeps it (/proc/PID/comm), in buf;
 * "pid N" when it cannot be read. */
static void
process_name(pid_t pid, char *buf, size_t size)
{
	char path[64];
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	f = fopen(path, "r");
	if (f != NULL) {
		if (fgets(buf, (int)size, f) != NULL)
			len = strcspn(buf, "\n");
		fclose(f);
	}
	if (len == 0)
		snprintf(buf, size, "pid %ld", (long)pid);
	else
		buf[len] = '\0';
}

static void
leftover_one(pid_t pid)
{
	unsigned long id;
	int marked;

	if (is_live_leader(pid, NULL))
		return;
	marked = marker_of(pid, &id);
	if (!(marked == 1 && id == left.id) && getpgid(pid) != left.pgid) {
		left.unsure += marked < 0;
		return;
	}
	if (left.found++ == 0 && left.name != NULL)
		process_name(pid, left.name, left.size);
	if (left.kill_them)
		kill_with_group(pid);
}

size_t
leftovers(unsigned long id, pid_t pgid, int kill_them, char *name,
    size_t size, size_t *unsure)
{
	left.id = id;
	left.unsure = 0;
	left.pgid = pgid;
	left.kill_them = kill_them;
	left.found = 0;
	left.name = name;
	left.size = size;
	(void)for_each_child(leftover_one);
	if (unsure != NULL)
		*unsure = left.unsure;
	return left.found;
}

static void
kill_all_and_reap(void)
{
	size_t i;
	int status, rounds;

	for (i = 0; i < live_count; i++)
		kill_with_group(live[i].pid);
	live_count = 0;
	/* Killing a process makes orphans of its children, which become
	 * ours: repeat until no child is left. */
	for (rounds = 0; rounds < 1000; rounds++) {
		sweep(1);
		if (waitpid(-1, &status, 0) < 0 && errno == ECHILD)
			break;
	}
}

void
cleanup_all(void)
{
	kill_all_and_reap();
	tmpdir_remove();
}

void
out_of_memory(void)
{
	fprintf(stderr, "%s: out of memory\n", progname);
	cleanup_all();
	exit(1);
}
