/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Running a point's command: the signal handling and subreaper set up
 * once, starting the command with a clean slate and its own environment,
 * waiting for it without polling, its timeout, and killing its process
 * group when it ends.  What it leaves behind is cleanup.c's to kill; the
 * environment every run shares is env.c's; its files are readback.c's
 * to read.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_SYS_PRCTL_H
#include <sys/prctl.h>
#endif

#include "lib/report-keys.h"
#include "torture.h"

/* Seconds a run's leftovers are waited for once its command ended:
 * --linger, or 0 where they cannot be found (no subreaper). */
static long linger_secs;
static int subreaper;

/* Written by the signal handlers, read by run_wait(). */
static int wake_pipe[2] = { -1, -1 };
static volatile sig_atomic_t stop_signal;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- Signals -------------------------------------------------------------- */

static void
on_child(int sig)
{
	int saved = errno;

	(void)sig;
	if (write(wake_pipe[1], "c", 1) < 0) {
		/* Full: run_wait() wakes up anyway. */
	}
	errno = saved;
}

static void
on_stop(int sig)
{
	int saved = errno;

	stop_signal = sig;
	if (write(wake_pipe[1], "s", 1) < 0) {
		/* Full: run_wait() wakes up anyway. */
	}
	errno = saved;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((noreturn))
#endif
static void
die_of(int sig)
{
	sigset_t set;

	fprintf(stderr, "\n%s: stopped by %s; every run killed\n", progname,
	    sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP");
	cleanup_all();
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

static int
set_cloexec_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 || fl < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

/* --- Setting up ----------------------------------------------------------- */

void
run_init(void)
{
	struct sigaction sa;
	size_t i;

	tmpdir_choose();
	if (pipe(wake_pipe) != 0 || set_cloexec_nonblock(wake_pipe[0]) != 0 ||
	    set_cloexec_nonblock(wake_pipe[1]) != 0) {
		fprintf(stderr, "%s: pipe: %s\n", progname, strerror(errno));
		exit(1);
	}
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		sigaction(stop_signals[i], &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
#if defined(HAVE_SYS_PRCTL_H) && defined(PR_SET_CHILD_SUBREAPER)
	/* What a run leaves behind becomes ours, to be killed. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		fprintf(stderr, "%s: warning: cannot become a subreaper (%s): "
		    "a run's detached children may outlive it\n", progname,
		    strerror(errno));
	else
		subreaper = 1;
#endif
	tmpdir_make();
}

/* --- Starting a run ------------------------------------------------------- */

/* The command's arguments with each what in them replaced by dir, in
 * memory of their own (the child's, until it execs); NULL when out of
 * memory. */
static char **
substitute(char **command, const char *what, const char *dir)
{
	size_t n = 0, i, wlen = strlen(what), dlen = strlen(dir), k, len;
	const char *s, *hit;
	char **argv, *d;

	while (command[n] != NULL)
		n++;
	argv = calloc(n + 1, sizeof(*argv));
	if (argv == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		for (k = 0, s = command[i]; (hit = strstr(s, what)) != NULL;
		    s = hit + wlen)
			k++;
		len = strlen(command[i]) + k * dlen + 1;
		argv[i] = d = malloc(len);
		if (d == NULL)
			return NULL;
		for (s = command[i]; (hit = strstr(s, what)) != NULL;
		    s = hit + wlen) {
			memcpy(d, s, (size_t)(hit - s));
			d += hit - s;
			memcpy(d, dir, dlen);
			d += dlen;
		}
		memcpy(d, s, strlen(s) + 1);
	}
	return argv;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((noreturn))
#endif
static void
child(struct point *p, const struct options *o)
{
	char path[FILE_PATH_MAX], fault[64], marker[64], sites[32], depth[16];
	/* valgrind's argument, alive until the exec. */
	char log[FILE_PATH_MAX + 32];
	sigset_t none;
	int sig, fd, err;
	char **command = o->command, **argv;

	/* Default dispositions and an empty mask, whatever ours are. */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	setpgid(0, 0);

	/* Each process that loads libevmm writes its report in the run's
	 * directory; the point's fault applies in its process alone. */
	tmpdir_file(path, sizeof(path), "reports", p->id);
	/* The counting run numbers every process's allocations as the
	 * others do, failing none: "off" in a process with a key. */
	if (p->nth > 0)
		snprintf(fault, sizeof(fault), "nth=%lu", p->nth);
	else
		snprintf(fault, sizeof(fault), "off");
	snprintf(marker, sizeof(marker), "%ld.%lu", (long)getppid(), p->id);
	/* --per-site: the counting run lists each process's call sites. */
	snprintf(sites, sizeof(sites), "%d", EVMM_SITES_MAX);
	snprintf(depth, sizeof(depth), "%d", o->per_site);
	if (setenv("EVMM_REPORT", path, 1) != 0 ||
	    setenv("EVMM_TORTURE_RUN", marker, 1) != 0 ||
	    setenv("EVMM_FAULT", fault, 1) != 0 ||
	    (p->nth > 0 ? setenv("EVMM_FAULT_PROCESS", p->key, 1) :
	    unsetenv("EVMM_FAULT_PROCESS")) != 0 ||
	    (p->nth == 0 && o->per_site ? setenv("EVMM_SITES", sites, 1) :
	    unsetenv("EVMM_SITES")) != 0 ||
	    (p->nth == 0 && o->per_site > 1 ? setenv("EVMM_SITES_DEPTH",
	    depth, 1) : unsetenv("EVMM_SITES_DEPTH")) != 0)
		_exit(TORTURE_EXEC_FAILED);

	/* stdin: nothing, always: runs in parallel must not share it, and
	 * one alone is not in the terminal's foreground group, where a read
	 * would stop it.  stdout: shown with --verbose; stderr: kept, for
	 * the sanitizer's report. */
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0)
		dup2(fd, STDIN_FILENO);
	if (fd >= 0 && !o->verbose)
		dup2(fd, STDOUT_FILENO);
	tmpdir_file(path, sizeof(path), "err", p->id);
	err = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (err >= 0)
		dup2(err, STDERR_FILENO);
	/* Only stdin, stdout and stderr go to the command. */
#ifdef HAVE_CLOSE_RANGE
	close_range(3, ~0U, 0);
#else
	{
		long max = sysconf(_SC_OPEN_MAX);

		if (max < 0 || max > 65536)
			max = 65536;
		for (fd = 3; fd < max; fd++)
			close(fd);
	}
#endif

	if (o->run_dir != NULL) {
		tmpdir_file(path, sizeof(path), "run", p->id);
		command = substitute(o->command, o->run_dir, path);
		if (command == NULL)
			_exit(TORTURE_EXEC_FAILED);
	}
	argv = command;
	if (o->leaks == LEAK_VALGRIND) {
		/* No --error-exitcode: it would change the status of every
		 * process valgrind traces, a shell's helper that leaks
		 * included, and so what the command does next ("a && b").
		 * Its logs say what it found. */
		static const char *const prefix[] = {
			"valgrind", "--quiet", "--leak-check=full",
			"--errors-for-leak-kinds=definite,indirect",
			"--trace-children=yes"
		};
		size_t np = sizeof(prefix) / sizeof(prefix[0]), n = 0;

		while (command[n] != NULL)
			n++;
		argv = calloc(np + n + 2, sizeof(*argv));
		if (argv == NULL)
			_exit(TORTURE_EXEC_FAILED);
		memcpy(argv, prefix, sizeof(prefix));
		snprintf(log, sizeof(log), "--log-file=%s/vg-%lu.%%p",
		    tmpdir_path(), p->id);
		argv[np] = log;
		memcpy(argv + np + 1, command, (n + 1) * sizeof(*argv));
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: cannot run %s: %s\n", progname, argv[0],
	    strerror(errno));
	_exit(TORTURE_EXEC_FAILED);
}

int
run_start(struct point *p, const struct options *o)
{
	static unsigned long runs;
	char dir[FILE_PATH_MAX];
	sigset_t all, old;
	pid_t pid;

	p->id = runs;
	linger_secs = subreaper ? o->linger : 0;
	tmpdir_file(dir, sizeof(dir), "reports", p->id);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: cannot make %s: %s\n", progname, dir,
		    strerror(errno));
		cleanup_all();
		exit(1);
	}
	tmpdir_file(dir, sizeof(dir), "run", p->id);
	if (o->run_dir != NULL && mkdir(dir, 0700) != 0) {
		fprintf(stderr, "%s: cannot make %s: %s\n", progname, dir,
		    strerror(errno));
		cleanup_all();
		exit(1);
	}
	live_reserve();
	/* No handler of ours may run in the child before it resets them. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		child(p, o);
	if (pid > 0)
		setpgid(pid, pid);	/* as the child does: no race */
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		if (errno == EAGAIN)
			return -1;
		fprintf(stderr, "%s: fork: %s\n", progname, strerror(errno));
		cleanup_all();
		exit(1);
	}
	runs++;
	live_add(pid, p->id);
	p->pid = pid;
	p->ended = 0;
	p->timed_out = 0;
	p->deadline = now() + (double)o->timeout;
	p->linger_until = 0;
	p->outlived[0] = '\0';
	return 0;
}

/* --- Waiting -------------------------------------------------------------- */

static struct point *
find_running(struct point **running, size_t n, pid_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (running[i]->pid == pid && !running[i]->ended)
			return running[i];
	return NULL;
}

/* Reaps every child that has ended.  When a run's command ends, what
 * it left running is waited for until its linger_until; without
 * lingering its process group is killed at once, looked at before its
 * leader is reaped, while the group's number cannot be reused.  Returns
 * whether an orphan was reaped. */
static int
reap(struct point **running, size_t n)
{
	int orphans = 0, status;
	siginfo_t si;
	struct point *p;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
		    si.si_pid == 0)
			break;
		p = find_running(running, n, si.si_pid);
		if (p != NULL && linger_secs == 0)
			kill(-p->pid, SIGKILL);
		if (waitpid(si.si_pid, &status, 0) < 0)
			break;
		if (p != NULL) {
			p->status = status;
			p->ended = 1;
			if (linger_secs > 0) {
				double until = now() + (double)linger_secs;

				p->linger_until = until < p->deadline ?
				    until : p->deadline;
			}
		} else {
			orphans = 1;
		}
	}
	return orphans;
}

/* Kills what p's command left running past its linger_until, and
 * names it in p->outlived. */
static void
kill_leftovers(struct point *p)
{
	char name[40];
	size_t k = leftovers(p->id, p->pid, 1, name, sizeof(name), NULL);

	if (k == 1)
		snprintf(p->outlived, sizeof(p->outlived), "%s", name);
	else if (k > 1)
		snprintf(p->outlived, sizeof(p->outlived), "%s and %zu more",
		    name, k - 1);
}

/* Whether what p's command left running is still waited for, at time
 * t; if so, *next is made no later than when to look again.  SIGCHLD
 * wakes us when a leftover ends; one whose marker cannot be read yet
 * (it is in the middle of an exec()) is looked at again soon. */
static int
lingers(const struct point *p, double t, double *next)
{
	size_t unsure, found = leftovers(p->id, p->pid, 0, NULL, 0, &unsure);
	double when = p->linger_until;

	if (found == 0 && unsure == 0)
		return 0;
	if (found == 0 && t + 0.05 < when)
		when = t + 0.05;
	if (*next < 0 || when < *next)
		*next = when;
	return 1;
}

struct point *
run_wait(struct point **running, size_t n)
{
	char drain[64];
	size_t i;

	for (;;) {
		double t = now(), next = -1;
		struct pollfd pfd;
		int ms;

		if (stop_signal != 0)
			die_of(stop_signal);
		if (reap(running, n))
			sweep(0);
		for (i = 0; i < n; i++) {
			struct point *p = running[i];

			if (p->ended && t < p->linger_until &&
			    lingers(p, t, &next))
				continue;
			if (p->ended) {
				if (p->linger_until > 0)
					kill_leftovers(p);
				live_drop(p->pid);
				p->ended = 0;
				p->pid = 0;
				/* What it left behind: its group went with
				 * its leader; orphans now. */
				sweep(0);
				return p;
			}
			if (!p->timed_out && t >= p->deadline) {
				p->timed_out = 1;
				kill(-p->pid, SIGKILL);
				kill(p->pid, SIGKILL);
			}
			if (!p->timed_out && (next < 0 || p->deadline < next))
				next = p->deadline;
		}
		pfd.fd = wake_pipe[0];
		pfd.events = POLLIN;
		ms = next < 0 ? 1000 : (int)((next - t) * 1000) + 1;
		if (poll(&pfd, 1, ms) > 0)
			while (read(wake_pipe[0], drain, sizeof(drain)) > 0)
				continue;
	}
}

