/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Running points: the temporary directory, starting a command with a
 * clean slate, waiting for it without polling, killing all that is left
 * of its process tree when it ends or times out, and reading what it
 * left (report, stderr, valgrind's logs).  The environment the commands
 * share is env.c's.
 *
 * Every run is a process group of its own and carries a marker in its
 * environment (EVMM_TORTURE_RUN=<our pid>.<point>).  On Linux evmm-torture
 * is a child subreaper, so whatever a run leaves behind, in the background
 * or in a session of its own, becomes our child when its parent ends; a
 * sweep then kills each such child whose marker names a run that has
 * ended.  Elsewhere only the process group is killed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

static char tmpdir[PATH_MAX];
static int tmpdir_made;
/* A file's path: tmpdir, "/" and a name of ours (or a directory
 * entry's, when it is emptied). */
#define FILE_PATH_MAX (PATH_MAX + 260)
/* What is read of a command's stderr or a checker's logs. */
#define LOG_MAX (1024 * 1024)
/* ... and of a report: the rest, and at most EVMM_SITES_MAX sites. */
#define REPORT_MAX (LOG_MAX + (size_t)EVMM_SITES_MAX * EVMM_SITE_LINE_MAX)

/* Written by the signal handlers, read by run_wait(). */
static int wake_pipe[2] = { -1, -1 };
static volatile sig_atomic_t stop_signal;

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

int run_base_reported;

/* The runs started and not yet handed back by run_wait(): for the
 * sweep, and to kill them all on a stop. */
static struct live_run {
	pid_t pid;
	unsigned long id;
} *live;
static size_t live_count, live_cap;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
file_path(char *buf, size_t size, const char *what, unsigned long id)
{
	snprintf(buf, size, "%s/%s-%lu", tmpdir, what, id);
}

/* Removes the directory path and the files in it. */
static void
remove_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char file[FILE_PATH_MAX + EVMM_PROCESS_KEY_MAX + 2];

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
			unlink(file);
		}
		closedir(d);
	}
	rmdir(path);
}

/* --- Cleaning up ----------------------------------------------------------- */

static void
remove_tmpdir(void)
{
	DIR *d;
	struct dirent *e;
	char path[FILE_PATH_MAX];

	if (!tmpdir_made)
		return;
	d = opendir(tmpdir);
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", tmpdir,
			    e->d_name);
			/* A run's report directory, or a file. */
			if (unlink(path) != 0)
				remove_dir(path);
		}
		closedir(d);
	}
	if (rmdir(tmpdir) != 0)
		fprintf(stderr, "%s: cannot remove %s: %s\n", progname, tmpdir,
		    strerror(errno));
	tmpdir_made = 0;
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

/* The run named by pid's marker, in *id: 1, or 0 when it has none
 * (or it cannot be read: another user's process, or one gone). */
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
		return 0;
	buf = malloc(LOG_MAX + 1);
	if (buf == NULL) {
		close(fd);
		return 0;
	}
	while (len < LOG_MAX &&
	    (r = read(fd, buf + len, LOG_MAX - len)) > 0)
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
	return found;
#else
	(void)pid;
	(void)id;
	return 0;
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

static int kill_unmarked;

/* A child that is no run's leader: what a run left behind.  Killed
 * unless its marker names a run still going. */
static void
sweep_one(pid_t pid)
{
	unsigned long id;

	if (is_live_leader(pid, NULL))
		return;
	if (marker_of(pid, &id)) {
		if (is_live_leader(0, &id))
			return;
	} else if (!kill_unmarked) {
		return;
	}
	kill(-pid, SIGKILL);	/* a session or group leader's group */
	kill(pid, SIGKILL);
}

static void
sweep(int everything)
{
	kill_unmarked = everything;
	for_each_child(sweep_one);
}

static void
kill_all_and_reap(void)
{
	size_t i;
	int status, rounds;

	for (i = 0; i < live_count; i++) {
		kill(-live[i].pid, SIGKILL);
		kill(live[i].pid, SIGKILL);
	}
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
run_cleanup(void)
{
	kill_all_and_reap();
	remove_tmpdir();
}

void
run_out_of_memory(void)
{
	fprintf(stderr, "%s: out of memory\n", progname);
	run_cleanup();
	exit(1);
}

/* --- Signals ---------------------------------------------------------------- */

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
	run_cleanup();
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

/* --- Setting up -------------------------------------------------------------- */

void
run_init(const struct options *o)
{
	const char *tmp = getenv("TMPDIR");
	struct sigaction sa;
	size_t i;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(tmpdir, sizeof(tmpdir), "%s/evmm-torture.XXXXXX",
	    tmp) >= sizeof(tmpdir)) {
		fprintf(stderr, "%s: TMPDIR is too long\n", progname);
		exit(1);
	}
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
#endif
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "%s: cannot make a directory in %s: %s\n",
		    progname, tmp, strerror(errno));
		exit(1);
	}
	tmpdir_made = 1;
	env_set_shared(o);
}

/* --- Starting a run ---------------------------------------------------------- */

#if defined(__GNUC__) || defined(__clang__)
__attribute__((noreturn))
#endif
static void
child(struct point *p, const struct options *o)
{
	char path[FILE_PATH_MAX], fault[64], marker[64], sites[32];
	/* valgrind's arguments, alive until the exec. */
	char status[32], log[FILE_PATH_MAX + 32];
	sigset_t none;
	int sig, fd, err;
	char **argv = o->command;

	/* Default dispositions and an empty mask, whatever ours are. */
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	setpgid(0, 0);

	/* Each process that loads libevmm writes its report in the run's
	 * directory; the point's fault applies in its process alone. */
	file_path(path, sizeof(path), "reports", p->id);
	snprintf(fault, sizeof(fault), "nth=%lu", p->nth);
	snprintf(marker, sizeof(marker), "%ld.%lu", (long)getppid(), p->id);
	/* --per-site: the counting run lists each process's call sites. */
	snprintf(sites, sizeof(sites), "%d", EVMM_SITES_MAX);
	if (setenv("EVMM_REPORT", path, 1) != 0 ||
	    setenv("EVMM_TORTURE_RUN", marker, 1) != 0 ||
	    (p->nth > 0 ? setenv("EVMM_FAULT", fault, 1) :
	    unsetenv("EVMM_FAULT")) != 0 ||
	    (p->nth > 0 ? setenv("EVMM_FAULT_PROCESS", p->key, 1) :
	    unsetenv("EVMM_FAULT_PROCESS")) != 0 ||
	    (p->nth == 0 && o->per_site ? setenv("EVMM_SITES", sites, 1) :
	    unsetenv("EVMM_SITES")) != 0)
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
	file_path(path, sizeof(path), "err", p->id);
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

	if (o->leaks == LEAK_VALGRIND) {
		static const char *const prefix[] = {
			"valgrind", "--quiet", "--leak-check=full",
			"--errors-for-leak-kinds=definite,indirect",
			"--trace-children=yes"
		};
		size_t np = sizeof(prefix) / sizeof(prefix[0]), n = 0;

		while (o->command[n] != NULL)
			n++;
		argv = calloc(np + n + 3, sizeof(*argv));
		if (argv == NULL)
			_exit(TORTURE_EXEC_FAILED);
		memcpy(argv, prefix, sizeof(prefix));
		snprintf(status, sizeof(status), "--error-exitcode=%d",
		    TORTURE_LEAK_STATUS);
		snprintf(log, sizeof(log), "--log-file=%s/vg-%lu.%%p", tmpdir,
		    p->id);
		argv[np] = status;
		argv[np + 1] = log;
		memcpy(argv + np + 2, o->command, (n + 1) * sizeof(*argv));
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
	file_path(dir, sizeof(dir), "reports", p->id);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: cannot make %s: %s\n", progname, dir,
		    strerror(errno));
		run_cleanup();
		exit(1);
	}
	if (live_count == live_cap) {
		size_t cap = live_cap > 0 ? live_cap * 2 : 16;
		struct live_run *l = realloc(live, cap * sizeof(*l));

		if (l == NULL)
			run_out_of_memory();
		live = l;
		live_cap = cap;
	}
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
		run_cleanup();
		exit(1);
	}
	runs++;
	live[live_count].pid = pid;
	live[live_count].id = p->id;
	live_count++;
	p->pid = pid;
	p->ended = 0;
	p->timed_out = 0;
	p->deadline = now() + (double)o->timeout;
	return 0;
}

/* --- Waiting ----------------------------------------------------------------- */

static struct point *
find_running(struct point **running, size_t n, pid_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (running[i]->pid == pid && !running[i]->ended)
			return running[i];
	return NULL;
}

/* Reaps every child that has ended.  A run's leader is looked at
 * before it is reaped, so that its process group is killed while its
 * number cannot be reused.  Returns whether an orphan was reaped. */
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
		if (p != NULL)
			kill(-p->pid, SIGKILL);
		if (waitpid(si.si_pid, &status, 0) < 0)
			break;
		if (p != NULL) {
			p->status = status;
			p->ended = 1;
		} else {
			orphans = 1;
		}
	}
	return orphans;
}

struct point *
run_wait(struct point **running, size_t n, const struct options *o)
{
	char drain[64];
	size_t i;

	(void)o;
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

			if (p->ended) {
				size_t k;

				for (k = 0; k < live_count; k++)
					if (live[k].pid == p->pid)
						live[k] = live[--live_count];
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

/* --- Reading what a run left --------------------------------------------------- */

/* The file's first max bytes, appended to *buf (NUL-terminated). */
static void
slurp_upto(const char *path, char **buf, size_t *len, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t r;
	char *b;

	if (fd < 0)
		return;
	b = realloc(*buf, *len + max + 1);
	if (b == NULL) {
		close(fd);
		run_out_of_memory();
	}
	*buf = b;
	while (got < max && (r = read(fd, b + *len + got, max - got)) > 0)
		got += (size_t)r;
	*len += got;
	b[*len] = '\0';
	close(fd);
}

static void
slurp(const char *path, char **buf, size_t *len)
{
	slurp_upto(path, buf, len, LOG_MAX);
}

/* "key=value" from a report held in text; 0 if it is not there. */
static int
report_value(const char *text, const char *key, char *buf, size_t size)
{
	size_t len = strlen(key);
	const char *line;

	for (line = text; line != NULL && *line != '\0';
	    line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, len) == 0 && line[len] == '=') {
			size_t v = strcspn(line + len + 1, "\n");

			snprintf(buf, size, "%.*s", (int)v, line + len + 1);
			return 1;
		}
	}
	return 0;
}

/* Valgrind's logs for run id, one per process, appended to *buf. */
static void
slurp_valgrind_logs(unsigned long id, char **buf, size_t *len)
{
	char prefix[48], path[FILE_PATH_MAX];
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	size_t plen;

	if (d == NULL)
		return;
	plen = (size_t)snprintf(prefix, sizeof(prefix), "vg-%lu.", id);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, plen) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		slurp(path, buf, len);
		unlink(path);
	}
	closedir(d);
}

static int
by_key(const void *x, const void *y)
{
	return compare_keys(((const struct process *)x)->key,
	    ((const struct process *)y)->key);
}

/* The call sites p's report lists, if any. */
static void
list_sites(const char *report, struct process *p)
{
	unsigned long *firsts = malloc(EVMM_SITES_MAX * sizeof(*firsts));

	if (firsts == NULL)
		run_out_of_memory();
	p->site_list = report_sites(report, firsts, EVMM_SITES_MAX,
	    &p->nsites);
	if (p->nsites == 0) {
		free(firsts);
		return;
	}
	/* Only what it needs: a command may run many processes. */
	p->sites = malloc(p->nsites * sizeof(*firsts));
	if (p->sites == NULL) {
		p->sites = firsts;
		return;
	}
	memcpy(p->sites, firsts, p->nsites * sizeof(*firsts));
	free(firsts);
}

void
run_free_processes(struct processes *count)
{
	size_t i;

	for (i = 0; i < count->n; i++)
		free(count->v[i].sites);
	free(count->v);
	count->v = NULL;
	count->n = 0;
}

/* Every report in the directory dir into count, in key order: whether
 * there is any.  An empty file is no report: its program image was
 * replaced by exec() (a shell's, say) or died before it wrote one. */
static int
list_reports(const char *dir, struct processes *count)
{
	char path[FILE_PATH_MAX + EVMM_PROCESS_KEY_MAX + 2], value[64];
	DIR *d = opendir(dir);
	struct dirent *e;
	struct process *v;
	char *report;
	size_t len, klen, cap = 0, i;
	int any = 0;

	memset(count, 0, sizeof(*count));
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		klen = strlen(e->d_name);
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    klen > EVMM_PROCESS_KEY_MAX ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    e->d_name) >= sizeof(path))
			continue;
		if (count->n == cap) {
			cap = cap > 0 ? cap * 2 : 8;
			v = realloc(count->v, cap * sizeof(*v));
			if (v == NULL) {
				closedir(d);
				run_out_of_memory();
			}
			count->v = v;
		}
		v = &count->v[count->n];
		memcpy(v->key, e->d_name, klen + 1);
		v->sites = NULL;
		v->nsites = 0;
		report = NULL;
		len = 0;
		slurp_upto(path, &report, &len, REPORT_MAX);
		if (report != NULL && report_value(report,
		    EVMM_REPORT_ALLOCATIONS, value, sizeof(value))) {
			v->allocations = strtoul(value, NULL, 10);
			list_sites(report, v);
			count->n++;
			any = 1;
		}
		free(report);
	}
	closedir(d);
	if (count->n > 0)
		qsort(count->v, count->n, sizeof(*count->v), by_key);
	for (i = 0; i < count->n; i++) {
		count->allocations += count->v[i].allocations;
		count->allocating += count->v[i].allocations > 0;
	}
	return any;
}

void
run_finish(struct point *p, const struct options *o, int base_exit_zero,
    struct processes *count)
{
	char path[FILE_PATH_MAX], dir[FILE_PATH_MAX], value[64];
	char *report = NULL, *err = NULL, *vglog = NULL, *log;
	size_t rlen = 0, elen = 0, vlen = 0;
	struct run_facts f;

	memset(&f, 0, sizeof(f));
	file_path(dir, sizeof(dir), "reports", p->id);
	if (count != NULL) {
		f.reported = list_reports(dir, count);
	} else if (p->key != NULL && (size_t)snprintf(path, sizeof(path),
	    "%s/%s", dir, p->key) < sizeof(path)) {
		slurp(path, &report, &rlen);
		f.reported = report != NULL && report_value(report,
		    EVMM_REPORT_ALLOCATIONS, value, sizeof(value));
	}
	remove_dir(dir);
	file_path(path, sizeof(path), "err", p->id);
	slurp(path, &err, &elen);
	unlink(path);
	if (o->verbose && elen > 0)
		fwrite(err, 1, elen, stderr);
	/* Valgrind writes a log of its own per process; a sanitizer writes
	 * to the command's stderr. */
	log = err;
	if (o->leaks == LEAK_VALGRIND) {
		slurp_valgrind_logs(p->id, &vglog, &vlen);
		log = vglog;
	}

	f.status = p->status;
	f.timed_out = p->timed_out;
	f.injected = p->nth > 0;
	f.leaks = o->leaks;
	f.base_exit_zero = base_exit_zero;
	if (count != NULL)
		run_base_reported = f.reported;
	/* Not reached: the process never ran, or made fewer allocations. */
	f.reached = report != NULL && report_value(report,
	    EVMM_REPORT_FIRST_INJECTED_CALL, value, sizeof(value));
	scan_checker_log(log, o->leaks == LEAK_VALGRIND ? LEAK_VALGRIND :
	    LEAK_ASAN, &f.sanitizer_error, &f.sanitizer_leak, p->crash,
	    sizeof(p->crash));
	if (o->leaks == LEAK_NONE)
		f.sanitizer_leak = 0;
	classify(&f, &p->verdict);
	describe_verdict(&p->verdict, p->result, sizeof(p->result));
	if (p->verdict.outcome != CRASHED)
		snprintf(p->crash, sizeof(p->crash), "-");
	else if (strcmp(p->crash, "-") == 0 && report != NULL)
		(void)report_crash_site(report, p->crash, sizeof(p->crash));
	if (report == NULL || !report_value(report,
	    EVMM_REPORT_FIRST_INJECTED_ENTRY, p->entry, sizeof(p->entry)))
		snprintf(p->entry, sizeof(p->entry), "-");
	if (report == NULL || !report_value(report,
	    EVMM_REPORT_FIRST_INJECTED_CALLER, p->caller, sizeof(p->caller)))
		snprintf(p->caller, sizeof(p->caller), "-");
	/* A command that could not run says why on its stderr. */
	if (p->verdict.outcome == CANNOT_RUN && err != NULL)
		snprintf(p->crash, sizeof(p->crash), "%.*s",
		    (int)strcspn(err, "\n"), err);
	free(report);
	free(err);
	free(vglog);
}
