/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-torture: run a command once to count the allocations it makes
 * through libevmm, then again with allocation 1, 2, ... N failing in
 * turn, and report each point at which it crashed, hung or leaked.
 * Here: the counting run, what it must find before anything else is
 * run, a second one to see that it counts the same, and the exit
 * status.
 *
 * It drives the library through the environment (EVMM_REPORT naming a
 * directory where each process writes its report, to count and to learn
 * where a failure hit; EVMM_FAULT=nth=K and EVMM_FAULT_PROCESS=KEY to
 * fail allocation K of one process), so it does not link libevmm
 * itself.  See evmm-torture(1); torture.h says which file holds which
 * part, and the order in which they call each other.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "torture.h"

/* Why nothing was tested, from what was seen: whether any process
 * loaded libevmm and wrote a report, and whether --preload was given. */
static void
print_likely_causes(int reported, const struct options *o)
{
	fputs("Likely causes:\n", stderr);
	if (!reported) {
		if (o->preload == NULL)
			fputs("  - it does not load libevmm at all (link it: "
			    "pkg-config --libs evmm,\n    or give --preload);\n",
			    stderr);
		else
			fputs("  - the preload does not reach it: it is linked "
			    "statically, or runs\n    set-user-ID, where the "
			    "loader ignores LD_PRELOAD;\n", stderr);
		fputs("  - its libevmm was built with "
		    "--disable-malloc-replacement;\n"
		    "  - what loads libevmm outlives it (a daemon), and was "
		    "killed before it\n    started: raise --linger.\n",
		    stderr);
		return;
	}
	fputs("  - it links libevent before libevmm (-levent -levmm), so that\n"
	    "    event_mm_malloc_() resolves to libevent's own: link -levmm "
	    "first;\n"
	    "  - it links libevent (or another user of libevmm) statically;\n",
	    stderr);
	if (o->preload == NULL)
		fputs("  - its libraries call event_mm_*_() through the dynamic "
		    "symbol table\n    but nothing loads libevmm first: give "
		    "--preload;\n", stderr);
	fputs("  - it allocates with malloc() itself: only event_mm_*_() "
	    "calls count.\n", stderr);
}

/* A second counting run, compared with the first, count: a command that
 * does not make the same allocations every time has points that fail
 * another allocation than the one counted, or none.  Said, not fatal:
 * the first count is kept. */
static void
check_stable(const struct options *o, const struct processes *count)
{
	struct point again;
	struct processes second;
	char diff[1024];
	size_t n;

	memset(&again, 0, sizeof(again));
	memset(&second, 0, sizeof(second));
	jobs_run_one(&again, o, &second);
	n = compare_counts(count, &second, diff, sizeof(diff));
	if (n > 0)
		fprintf(stderr, "%s: warning: two counting runs of %s differ in "
		    "%zu process%s: %s.\nIts points may fail other "
		    "allocations than those counted, or none (not reached).\n",
		    progname, o->command[0], n, n == 1 ? "" : "es", diff);
	if (again.verdict.outcome != PASSED)
		fprintf(stderr, "%s: warning: the second counting run of %s "
		    "%s with no failure injected\n", progname, o->command[0],
		    again.result);
	free_processes(&second);
}

/* The counting run: 0, or 1 when there is nothing to test. */
static int
count_allocations(const struct options *o, struct processes *count)
{
	struct point base;
	const char *cmd = o->command[0];

	memset(&base, 0, sizeof(base));
	jobs_run_one(&base, o, count);
	if (base.outlived[0] != '\0')
		fprintf(stderr, "%s: warning: %s left %s running for more "
		    "than %ld s (--linger); it was killed, as what every run "
		    "leaves will be\nafter as long, and is not taken for a "
		    "hang\n", progname, cmd, base.outlived, o->linger);
	if (base.verdict.outcome == HUNG && base.timed_out) {
		fprintf(stderr, "%s: %s took more than %ld s with no failure "
		    "injected; raise --timeout\n", progname, cmd, o->timeout);
		return 1;
	}
	if (base.verdict.outcome == CANNOT_RUN) {
		/* The child said why on its stderr. */
		if (strcmp(base.crash, "-") != 0 && base.crash[0] != '\0')
			fprintf(stderr, "%s\n", base.crash);
		else
			fprintf(stderr, "%s: cannot run %s\n", progname, cmd);
		return 1;
	}
	if (base.verdict.outcome == CRASHED || base.verdict.outcome == HUNG ||
	    base.verdict.outcome == LEAKED) {
		fprintf(stderr, "%s: %s %s with no failure injected%s%s; fix "
		    "that first\n", progname, cmd, base.result,
		    strcmp(base.crash, "-") != 0 ? ", crash site " : "",
		    strcmp(base.crash, "-") != 0 ? base.crash : "");
		return 1;
	}
	if (!count->reported) {
		fprintf(stderr, "%s: %s made no report (exit %d): nothing was "
		    "tested.  ", progname, cmd, WEXITSTATUS(base.status));
		print_likely_causes(0, o);
		return 1;
	}
	if (!WIFEXITED(base.status) ||
	    WEXITSTATUS(base.status) != o->success_status) {
		if (o->success_status == 0)
			fprintf(stderr, "%s: %s fails with no failure injected "
			    "(exit %d); fix that first, or give the status "
			    "it ends with\nwhen it succeeds: "
			    "--success-status=%d\n", progname, cmd,
			    WEXITSTATUS(base.status), WEXITSTATUS(base.status));
		else
			fprintf(stderr, "%s: %s fails with no failure injected "
			    "(exit %d, not %d); fix that first\n", progname,
			    cmd, WEXITSTATUS(base.status), o->success_status);
		return 1;
	}
	if (count->allocations == 0) {
		fprintf(stderr, "%s: %s makes 0 allocations through libevmm: "
		    "nothing was tested.  ", progname, cmd);
		print_likely_causes(1, o);
		return 1;
	}
	check_stable(o, count);
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct point *points = NULL;
	struct processes count;
	unsigned long allocations;
	size_t n, i;
	int failed = 0;

	(void)argc;
	parse_options(argv, &o);
	run_init();
	env_set_shared(&o);

	memset(&count, 0, sizeof(count));
	if (count_allocations(&o, &count) != 0) {
		free_processes(&count);
		cleanup_all();
		return 1;
	}
	allocations = count.allocations;
	n = allocations;
	if (o.max_points > 0 && (unsigned long)o.max_points < allocations)
		n = (size_t)o.max_points;

	if (o.per_site) {
		points = schedule_per_site(&count, &o, &n);
	} else {
		print_plan(o.command[0], &count, n, 0, 0);
		points = schedule_sampled(&count, n);
		jobs_run_all(points, n, &o);
	}

	for (i = 0; i < n; i++)
		if (is_failing(&points[i]))
			failed = 1;
	print_table(points, n);
	for (i = 0; i < n && points[i].verdict.outcome == NOT_REACHED; i++)
		continue;
	if (n > 0 && i == n) {
		printf("%s: no point was reached: %s does not make the same "
		    "allocations twice, or could not run as asked\n", progname,
		    o.command[0]);
		failed = 1;
	}
	print_summary(points, n, allocations, o.per_site);
	free(points);
	free_processes(&count);
	cleanup_all();
	return failed;
}
