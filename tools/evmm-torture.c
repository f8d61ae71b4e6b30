/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-torture: run a command once to count the allocations it makes
 * through libevmm, then again with allocation 1, 2, ... N failing in
 * turn, and report each point at which it crashed, hung or leaked.
 *
 * It drives the library through the environment (EVMM_REPORT to count
 * and to learn where a failure hit, EVMM_FAULT=nth=K to fail), so it
 * does not link libevmm itself.  See evmm-torture(1).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2
/* The exit statuses the sanitizers and valgrind are told to use. */
#define SANITIZER_STATUS 96
#define LEAK_STATUS 97

enum leak_check { LEAK_NONE, LEAK_ASAN, LEAK_VALGRIND };

enum outcome { PASSED, CRASHED, HUNG, LEAKED, NOT_REACHED, CANNOT_RUN };

static const char *const outcome_names[] = {
	"passed", "crashed", "hung", "leaked", "not reached", "cannot run"
};

struct options {
	long jobs;
	long timeout;		/* seconds */
	long max_points;	/* 0: all */
	enum leak_check leaks;
	int verbose;
	char **command;
};

struct point {
	unsigned long nth;	/* the allocation that fails; 0: none */
	pid_t pid;
	double deadline;
	enum outcome outcome;
	int status;		/* the wait status */
	int timed_out;
	char entry[16];
	char caller[256];
};

static const char *progname = "evmm-torture";
static char tmpdir[PATH_MAX];
/* A report's path: tmpdir, "/report-" and a number. */
#define REPORT_PATH_MAX (PATH_MAX + 32)

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTION]... -- COMMAND [ARG]...\n"
"Run COMMAND once to count the allocations it makes through libevmm, then\n"
"once for each of them with that allocation failing, and report the points\n"
"at which COMMAND crashed, hung or leaked.  A graceful failure (any exit\n"
"status, no crash, no leak) passes.\n"
"\n"
"  -j, --jobs=N        run N commands at once (default: the number of CPUs)\n"
"  -t, --timeout=SECS  a run that takes longer has hung (default: 10)\n"
"  -n, --max-points=N  fail at most N allocations, spread evenly over all\n"
"                      of them (default: every one)\n"
"  -l, --leak-check=HOW  none (default); asan: COMMAND is built with\n"
"                      AddressSanitizer, whose leak report fails a point;\n"
"                      valgrind: run COMMAND under valgrind's memcheck\n"
"  -v, --verbose       print every point, not only those that fail\n"
"  -h, --help          print this help and exit\n"
"      --version       print the version and exit\n"
"\n"
"Exit status: 0 if every point passed, 1 if one did not or COMMAND fails\n"
"on its own, 2 for a usage error.\n", progname);
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", progname);
	exit(EXIT_USAGE);
}

static long
parse_count(const char *opt, const char *s, long min)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < min)
		usage_error("%s needs a whole number of at least %ld, not '%s'",
		    opt, min, s);
	return n;
}

/* Matches -x VALUE, -xVALUE, --long=VALUE and --long VALUE. */
static const char *
option_value(char ***argv, const char *shrt, const char *lng)
{
	char *arg = **argv;
	size_t len = strlen(lng);

	if (strcmp(arg, shrt) == 0 || strcmp(arg, lng) == 0) {
		if ((*argv)[1] == NULL)
			usage_error("option '%s' needs a value", arg);
		return *++*argv;
	}
	if (strncmp(arg, shrt, 2) == 0 && arg[2] != '\0' && shrt[1] != '-')
		return arg + 2;
	if (strncmp(arg, lng, len) == 0 && arg[len] == '=')
		return arg + len + 1;
	return NULL;
}

static void
parse_options(char **argv, struct options *o)
{
	const char *v;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	o->jobs = cpus > 0 ? cpus : 1;
	o->timeout = 10;
	o->max_points = 0;
	o->leaks = LEAK_NONE;
	o->verbose = 0;
	o->command = NULL;
	for (argv++; *argv != NULL; argv++) {
		if (strcmp(*argv, "--") == 0) {
			o->command = argv + 1;
			break;
		} else if (strcmp(*argv, "-h") == 0 ||
		    strcmp(*argv, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(*argv, "--version") == 0) {
			printf("evmm-torture (libevmm) %s\n", PACKAGE_VERSION);
			exit(0);
		} else if (strcmp(*argv, "-v") == 0 ||
		    strcmp(*argv, "--verbose") == 0) {
			o->verbose = 1;
		} else if ((v = option_value(&argv, "-j", "--jobs")) != NULL) {
			o->jobs = parse_count("--jobs", v, 1);
		} else if ((v = option_value(&argv, "-t", "--timeout"))
		    != NULL) {
			o->timeout = parse_count("--timeout", v, 1);
		} else if ((v = option_value(&argv, "-n", "--max-points"))
		    != NULL) {
			o->max_points = parse_count("--max-points", v, 1);
		} else if ((v = option_value(&argv, "-l", "--leak-check"))
		    != NULL) {
			if (strcmp(v, "none") == 0)
				o->leaks = LEAK_NONE;
			else if (strcmp(v, "asan") == 0)
				o->leaks = LEAK_ASAN;
			else if (strcmp(v, "valgrind") == 0)
				o->leaks = LEAK_VALGRIND;
			else
				usage_error("--leak-check is none, asan or "
				    "valgrind, not '%s'", v);
		} else if (**argv == '-') {
			usage_error("unknown option '%s'", *argv);
		} else {
			usage_error("the command goes after '--': '%s'", *argv);
		}
	}
	if (o->command == NULL || o->command[0] == NULL)
		usage_error("%s", "no command given after '--'");
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
report_path(char *buf, size_t size, unsigned long nth)
{
	snprintf(buf, size, "%s/report-%lu", tmpdir, nth);
}

/* Appends "key=value" to the environment variable name, keeping what the
 * user set there. */
static void
append_option(const char *name, const char *value)
{
	const char *old = getenv(name);
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s%s%s", old ? old : "", old ? ":" : "",
	    value);
	setenv(name, buf, 1);
}

static void
start(struct point *p, const struct options *o)
{
	char report[REPORT_PATH_MAX], fault[64];
	int fd;

	report_path(report, sizeof(report), p->nth);
	p->pid = fork();
	if (p->pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", progname, strerror(errno));
		exit(1);
	}
	if (p->pid > 0) {
		p->deadline = now() + (double)o->timeout;
		return;
	}
	/* The child: its own process group, so that a hang can be killed
	 * with everything it started. */
	setpgid(0, 0);
	setenv("EVMM_REPORT", report, 1);
	if (p->nth > 0) {
		snprintf(fault, sizeof(fault), "nth=%lu", p->nth);
		setenv("EVMM_FAULT", fault, 1);
	} else {
		unsetenv("EVMM_FAULT");
	}
	if (p->nth > 0) {
		/* A sanitizer's error is a crash, whatever the command's
		 * own exit status means; a leak report has a status of its
		 * own, when leaks are asked for.  (ASan's abort_on_error
		 * would turn leak reports into aborts too.) */
		append_option("ASAN_OPTIONS", "exitcode=96");
		append_option("UBSAN_OPTIONS", "halt_on_error=1:abort_on_error=1");
		append_option("ASAN_OPTIONS", o->leaks == LEAK_ASAN ?
		    "detect_leaks=1" : "detect_leaks=0");
		append_option("LSAN_OPTIONS", "exitcode=97");
	}
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0 && !o->verbose) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
	}
	if (o->leaks == LEAK_VALGRIND && p->nth > 0) {
		char **argv;
		size_t n = 0;
		static char *const prefix[] = {
			(char *)"valgrind", (char *)"--quiet",
			(char *)"--leak-check=full",
			(char *)"--errors-for-leak-kinds=definite,indirect",
			(char *)"--error-exitcode=97", NULL
		};

		while (o->command[n] != NULL)
			n++;
		argv = calloc(n + 6, sizeof(*argv));
		if (argv == NULL)
			_exit(127);
		memcpy(argv, prefix, 5 * sizeof(*argv));
		memcpy(argv + 5, o->command, (n + 1) * sizeof(*argv));
		if (!o->verbose && fd >= 0)
			dup2(fd, STDERR_FILENO);
		execvp(argv[0], argv);
	} else {
		if (!o->verbose && fd >= 0)
			dup2(fd, STDERR_FILENO);
		execvp(o->command[0], o->command);
	}
	_exit(127);
}

/* Whether p's command has ended; kills it once its time is up. */
static int
reap(struct point *p)
{
	if (waitpid(p->pid, &p->status, WNOHANG) == 0) {
		if (now() < p->deadline)
			return 0;
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &p->status, 0);
		p->timed_out = 1;
	}
	p->pid = 0;
	return 1;
}

static void
pause_briefly(void)
{
	struct timespec ts = { 0, 5 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Reads "key=value" from a report into buf; 0 if it is not there. */
static int
report_value(const char *path, const char *key, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t len = strlen(key);
	int found = 0;

	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, len) == 0 && line[len] == '=') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, size, "%s", line + len + 1);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static void
classify(struct point *p, const struct options *o)
{
	char report[REPORT_PATH_MAX], value[64];

	report_path(report, sizeof(report), p->nth);
	if (p->timed_out) {
		p->outcome = HUNG;
	} else if (WIFSIGNALED(p->status) || (p->nth > 0 &&
	    WIFEXITED(p->status) && WEXITSTATUS(p->status) == SANITIZER_STATUS)) {
		p->outcome = CRASHED;
	} else if (WIFEXITED(p->status) && WEXITSTATUS(p->status) == 127 &&
	    !report_value(report, "allocations", value, sizeof(value))) {
		p->outcome = CANNOT_RUN;
	} else if (o->leaks != LEAK_NONE && WIFEXITED(p->status) &&
	    WEXITSTATUS(p->status) == LEAK_STATUS) {
		p->outcome = LEAKED;
	} else if (p->nth > 0 && !report_value(report, "first_injected_call",
	    value, sizeof(value))) {
		p->outcome = NOT_REACHED;
	} else {
		p->outcome = PASSED;
	}
	if (!report_value(report, "first_injected_entry", p->entry,
	    sizeof(p->entry)))
		snprintf(p->entry, sizeof(p->entry), "-");
	if (!report_value(report, "first_injected_caller", p->caller,
	    sizeof(p->caller)))
		snprintf(p->caller, sizeof(p->caller), "-");
	unlink(report);
}

static void
describe(const struct point *p, char *buf, size_t size)
{
	if (p->outcome == CRASHED && WIFEXITED(p->status))
		snprintf(buf, size, "crashed (sanitizer error)");
	else if (p->outcome == CRASHED)
		snprintf(buf, size, "crashed (signal %d%s%s)",
		    WTERMSIG(p->status), WTERMSIG(p->status) == SIGSEGV ?
		    ", SIGSEGV" : "", WTERMSIG(p->status) == SIGABRT ?
		    ", SIGABRT" : "");
	else if (p->outcome == PASSED && WIFEXITED(p->status))
		snprintf(buf, size, "passed (exit %d)", WEXITSTATUS(p->status));
	else
		snprintf(buf, size, "%s", outcome_names[p->outcome]);
}

/* Runs every point, o->jobs at a time; shows progress on a terminal. */
static void
run_all(struct point *points, size_t n, const struct options *o)
{
	size_t next = 0, done = 0, running = 0, failing = 0, drawn = n + 1, i;
	size_t lo = 0;	/* points before it have all ended */
	int tty = isatty(STDERR_FILENO) && !o->verbose;

	while (done < n) {
		while (running < (size_t)o->jobs && next < n) {
			start(&points[next++], o);
			running++;
		}
		for (i = lo; i < next; i++) {
			struct point *p = &points[i];
			char what[64];

			if (p->pid <= 0 || !reap(p))
				continue;
			running--;
			done++;
			classify(p, o);
			if (p->outcome != PASSED && p->outcome != NOT_REACHED)
				failing++;
			if (!tty && (o->verbose || p->outcome != PASSED)) {
				describe(p, what, sizeof(what));
				printf("point %lu: %s, at %s from %s\n", p->nth,
				    what, p->entry, p->caller);
				fflush(stdout);
			}
		}
		while (lo < next && points[lo].pid == 0)
			lo++;
		if (tty && done != drawn) {
			int width = 40, filled = (int)(done * (size_t)width / n);

			drawn = done;
			fprintf(stderr, "\r[%.*s%*s] %zu/%zu points, %zu failing",
			    filled, "########################################",
			    width - filled, "", done, n, failing);
		}
		if (done < n)
			pause_briefly();
	}
	if (tty)
		fputc('\n', stderr);
}

int
main(int argc, char **argv)
{
	struct options o;
	struct point base, *points;
	char report[REPORT_PATH_MAX], value[64], what[64];
	unsigned long allocations;
	size_t n, i, counts[CANNOT_RUN + 1] = { 0 };
	const char *tmp = getenv("TMPDIR");
	int failed = 0;

	(void)argc;
	parse_options(argv, &o);
	signal(SIGPIPE, SIG_IGN);
	snprintf(tmpdir, sizeof(tmpdir), "%s/evmm-torture.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "%s: cannot make a directory in %s: %s\n",
		    progname, tmp != NULL ? tmp : "/tmp", strerror(errno));
		return 1;
	}

	/* The counting run. */
	memset(&base, 0, sizeof(base));
	start(&base, &o);
	while (!reap(&base))
		pause_briefly();
	if (base.timed_out) {
		fprintf(stderr, "%s: %s took more than %ld s with no failure "
		    "injected; raise --timeout\n", progname, o.command[0],
		    o.timeout);
		rmdir(tmpdir);
		return 1;
	}
	report_path(report, sizeof(report), 0);
	if (!report_value(report, "allocations", value, sizeof(value))) {
		if (WIFEXITED(base.status) && WEXITSTATUS(base.status) == 127)
			fprintf(stderr, "%s: cannot run %s\n", progname,
			    o.command[0]);
		else
			fprintf(stderr, "%s: %s made no report: it does not "
			    "load libevmm, or its libevmm was built with "
			    "--disable-malloc-replacement\n", progname,
			    o.command[0]);
		unlink(report);
		rmdir(tmpdir);
		return 1;
	}
	unlink(report);
	if (!WIFEXITED(base.status) || WEXITSTATUS(base.status) != 0) {
		if (WIFSIGNALED(base.status))
			snprintf(what, sizeof(what), "signal %d",
			    WTERMSIG(base.status));
		else
			snprintf(what, sizeof(what), "exit %d",
			    WEXITSTATUS(base.status));
		fprintf(stderr, "%s: %s fails with no failure injected (%s); "
		    "fix that first\n", progname, o.command[0], what);
		rmdir(tmpdir);
		return 1;
	}
	allocations = strtoul(value, NULL, 10);
	n = allocations;
	if (o.max_points > 0 && (unsigned long)o.max_points < allocations)
		n = (size_t)o.max_points;
	printf("%s: %s makes %lu allocation%s through libevmm; failing %s%zu "
	    "of them in turn\n", progname, o.command[0], allocations,
	    allocations == 1 ? "" : "s", n < allocations ? "a sample of " :
	    "", n);
	fflush(stdout);
	if (n == 0) {
		rmdir(tmpdir);
		return 0;
	}

	points = calloc(n, sizeof(*points));
	if (points == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		return 1;
	}
	for (i = 0; i < n; i++)		/* evenly spread, first and last in */
		points[i].nth = n == 1 ? 1 : 1 + (unsigned long)
		    ((double)i * (double)(allocations - 1) / (double)(n - 1));
	run_all(points, n, &o);

	for (i = 0; i < n; i++)
		counts[points[i].outcome]++;
	if (counts[PASSED] + counts[NOT_REACHED] < n) {
		printf("\n%8s  %-30s %-8s %s\n", "point", "result", "entry",
		    "called from");
		for (i = 0; i < n; i++) {
			if (points[i].outcome == PASSED ||
			    points[i].outcome == NOT_REACHED)
				continue;
			describe(&points[i], what, sizeof(what));
			printf("%8lu  %-30s %-8s %s\n", points[i].nth, what,
			    points[i].entry, points[i].caller);
		}
		printf("\n");
		failed = 1;
	}
	if (counts[NOT_REACHED] == n) {
		printf("%s: no point was reached: %s does not make the same "
		    "allocations twice, or could not run as asked\n", progname,
		    o.command[0]);
		failed = 1;
	}
	printf("%s: %zu point%s: %zu passed, %zu crashed, %zu hung, %zu "
	    "leaked, %zu not reached, %zu could not run\n", progname, n,
	    n == 1 ? "" : "s", counts[PASSED], counts[CRASHED], counts[HUNG],
	    counts[LEAKED], counts[NOT_REACHED], counts[CANNOT_RUN]);
	free(points);
	rmdir(tmpdir);
	return failed;
}
