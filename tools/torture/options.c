/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-torture's command line.  Kept in step with man/evmm-torture.1.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "preload.h"
#include "torture.h"

const char *progname = "evmm-torture";

static void
usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTION]... -- COMMAND [ARG]...\n"
"Run COMMAND once to count the allocations it makes through libevmm, then\n"
"once for each of them with that allocation failing, and report the points\n"
"at which COMMAND crashed, hung or leaked.  A graceful failure (any exit\n"
"status, no crash, no leak) passes.  Every process of COMMAND that loads\n"
"libevmm is counted; with several, a point is KEY:N, allocation N of the\n"
"process with that key (see the manual).\n"
"\n"
"  -j, --jobs=N        run N commands at once (default: the number of CPUs)\n"
"  -t, --timeout=SECS  a run that takes longer has hung (default: 10)\n"
"      --linger=SECS   wait this long for processes that outlive COMMAND\n"
"                      to end before they are killed (default: 5)\n"
"  -n, --max-points=N  fail at most N allocations, spread evenly over all\n"
"                      of them (default: every one)\n"
"  -s, --success-status=N  the status COMMAND exits with when nothing\n"
"                      fails, which the counting run must (default: 0)\n"
"      --per-site[=DEPTH]  fail only the first allocation of each call site\n"
"                      of each process, as the counting run lists them; a\n"
"                      site is the call stack of DEPTH frames from the\n"
"                      caller up (default: 3; 1: the caller alone); it can\n"
"                      miss bugs, see the manual\n"
"  -l, --leak-check=HOW  none (default); asan: COMMAND is built with\n"
"                      AddressSanitizer, whose leak report fails a point;\n"
"                      valgrind: run COMMAND under valgrind's memcheck\n"
"  -p, --preload[=LIB] put libevmm first in every run's LD_PRELOAD, for\n"
"                      libraries such as libevent that call event_mm_*_()\n"
"                      through the dynamic symbol table (default LIB:\n"
"                      $EVMM_TORTURE_PRELOAD, else %s)\n"
"      --run-dir[=STR] give each run a directory of its own, empty when it\n"
"                      starts and removed when it ends, whose path replaces\n"
"                      STR (default: {}) in COMMAND's arguments: for the\n"
"                      sockets and files of runs made at once\n"
"  -v, --verbose       print every point, and let COMMAND's output through\n"
"  -h, --help          print this help and exit\n"
"      --version       print the version and exit\n"
"\n"
"Exit status: 0 if every point passed; 1 if one did not, if COMMAND fails\n"
"on its own, or if nothing was tested; 2 for a usage error; 128+N when\n"
"stopped by signal N (SIGINT, SIGTERM, SIGHUP).\n", progname,
	    EVMM_TORTURE_PRELOAD);
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
	exit(TORTURE_EXIT_USAGE);
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

/* --preload's library when none is named: the environment's, for a
 * build tree, else the one installed with this program. */
static const char *
default_preload(void)
{
	const char *env = getenv("EVMM_TORTURE_PRELOAD");

	return env != NULL && *env != '\0' ? env : EVMM_TORTURE_PRELOAD;
}

void
parse_options(char **argv, struct options *o)
{
	const char *v;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->jobs = cpus > 0 ? cpus : 1;
	o->timeout = 10;
	o->linger = 5;
	o->leaks = LEAK_NONE;
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
		} else if (strcmp(*argv, "--per-site") == 0) {
			o->per_site = PER_SITE_DEPTH;
		} else if (strncmp(*argv, "--per-site=", 11) == 0) {
			o->per_site = (int)parse_count("--per-site", *argv + 11,
			    1);
			if (o->per_site > EVMM_SITES_DEPTH_MAX)
				usage_error("--per-site: a call stack of at "
				    "most %d frames, not '%s'",
				    EVMM_SITES_DEPTH_MAX, *argv + 11);
		} else if (strcmp(*argv, "--run-dir") == 0) {
			o->run_dir = "{}";
		} else if (strncmp(*argv, "--run-dir=", 10) == 0) {
			o->run_dir = *argv + 10;
			if (*o->run_dir == '\0')
				usage_error("%s", "--run-dir= needs the text "
				    "that stands for the directory");
		} else if (strcmp(*argv, "-p") == 0 ||
		    strcmp(*argv, "--preload") == 0) {
			o->preload = default_preload();
		} else if (strncmp(*argv, "--preload=", 10) == 0) {
			o->preload = *argv + 10;
			if (*o->preload == '\0')
				usage_error("%s", "--preload= needs a file");
		} else if ((v = option_value(&argv, "-j", "--jobs")) != NULL) {
			o->jobs = parse_count("--jobs", v, 1);
		} else if ((v = option_value(&argv, "-t", "--timeout"))
		    != NULL) {
			o->timeout = parse_count("--timeout", v, 1);
		} else if ((v = option_value(&argv, "--linger", "--linger"))
		    != NULL) {
			o->linger = parse_count("--linger", v, 0);
		} else if ((v = option_value(&argv, "-n", "--max-points"))
		    != NULL) {
			o->max_points = parse_count("--max-points", v, 1);
		} else if ((v = option_value(&argv, "-s",
		    "--success-status")) != NULL) {
			o->success_status = (int)parse_count(
			    "--success-status", v, 0);
			if (o->success_status > 255)
				usage_error("--success-status is an exit "
				    "status, 0 to 255, not '%s'", v);
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
	if (o->run_dir != NULL) {
		char **a;

		for (a = o->command; *a != NULL; a++)
			if (strstr(*a, o->run_dir) != NULL)
				break;
		if (*a == NULL)
			usage_error("--run-dir: no argument of the command "
			    "holds '%s', which stands for the run's "
			    "directory", o->run_dir);
	}
	if (o->per_site && o->max_points > 0)
		usage_error("%s", "--per-site and --max-points choose the "
		    "points in different ways; give one of them");
	if (o->preload != NULL && strpbrk(o->preload, " :") != NULL)
		usage_error("--preload: LD_PRELOAD cannot hold a path with a "
		    "space or a colon: '%s'", o->preload);
	if (o->preload != NULL && access(o->preload, R_OK) != 0) {
		fprintf(stderr, "%s: --preload: cannot read %s: %s (set "
		    "EVMM_TORTURE_PRELOAD or give --preload=LIB)\n", progname,
		    o->preload, strerror(errno));
		exit(1);
	}
}
