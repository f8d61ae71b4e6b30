/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-torture: run a command once to count the allocations it makes
 * through libevmm, then again with allocation 1, 2, ... N failing in
 * turn, and report each point at which it crashed, hung or leaked.
 *
 * It drives the library through the environment (EVMM_REPORT naming a
 * directory where each process writes its report, to count and to learn
 * where a failure hit; EVMM_FAULT=nth=K and EVMM_FAULT_PROCESS=KEY to
 * fail allocation K of one process), so it does not link libevmm
 * itself.  See evmm-torture(1); torture.h says
 * which file holds which part.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "torture.h"

/* How long to keep trying when no process can be made and none of ours
 * is running to free one: 200 tries, 50 ms apart. */
#define FORK_TRIES 200

static const char likely_causes[] =
"  - it does not load libevmm at all (link it: pkg-config --libs evmm);\n"
"  - it links libevent before libevmm (-levent -levmm), so that\n"
"    event_mm_malloc_() resolves to libevent's own: link -levmm first;\n"
"  - it links libevent (or another user of libevmm) statically;\n"
"  - its libevmm was built with --disable-malloc-replacement;\n"
"  - its libraries call event_mm_*_() through the dynamic symbol table\n"
"    but nothing loads libevmm first: give --preload;\n"
"  - it ended in _exit() or exec() before libevmm wrote its report.\n";

static int
is_failing(const struct point *p)
{
	return p->verdict.outcome != PASSED &&
	    p->verdict.outcome != NOT_REACHED;
}

/* Starts p, retrying while fork() says EAGAIN and nothing of ours is
 * running; -1 when it must wait for one of the nrun running to end. */
static int
start(struct point *p, size_t nrun, const struct options *o)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	int tries;

	for (tries = 0; tries < FORK_TRIES; tries++) {
		if (run_start(p, o) == 0)
			return 0;
		if (nrun > 0)
			return -1;
		nanosleep(&pause, NULL);
	}
	fprintf(stderr, "%s: fork: %s, for %d s\n", progname,
	    strerror(EAGAIN), FORK_TRIES / 20);
	run_cleanup();
	exit(1);
}

/* Runs one point alone, to its end. */
static void
run_one(struct point *p, const struct options *o, struct processes *count)
{
	struct point *running[1];

	start(p, 0, o);
	running[0] = p;
	run_wait(running, 1, o);
	run_finish(p, o, 1, count);
}

/* The counting run: 0, or 1 when there is nothing to test. */
static int
count_allocations(const struct options *o, struct processes *count)
{
	struct point base;
	const char *cmd = o->command[0];

	memset(&base, 0, sizeof(base));
	run_one(&base, o, count);
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
	if (!run_base_reported) {
		fprintf(stderr, "%s: %s made no report (exit %d): nothing was "
		    "tested.  Likely causes:\n%s", progname, cmd,
		    WEXITSTATUS(base.status), likely_causes);
		return 1;
	}
	if (!WIFEXITED(base.status) || WEXITSTATUS(base.status) != 0) {
		fprintf(stderr, "%s: %s fails with no failure injected (exit "
		    "%d); fix that first\n", progname, cmd,
		    WEXITSTATUS(base.status));
		return 1;
	}
	if (count->allocations == 0) {
		fprintf(stderr, "%s: %s makes 0 allocations through libevmm: "
		    "nothing was tested.  Likely causes:\n%s", progname, cmd,
		    likely_causes);
		return 1;
	}
	return 0;
}

/* Every point, o->jobs at a time. */
static void
run_all(struct point *points, size_t n, const struct options *o)
{
	struct point **running, *p;
	size_t nrun = 0, next = 0, done = 0, failing = 0, i;

	running = malloc((size_t)o->jobs * sizeof(*running));
	if (running == NULL)
		run_out_of_memory();
	while (done < n) {
		while (nrun < (size_t)o->jobs && next < n &&
		    start(&points[next], nrun, o) == 0)
			running[nrun++] = &points[next++];
		p = run_wait(running, nrun, o);
		for (i = 0; i < nrun; i++)
			if (running[i] == p)
				running[i] = running[--nrun];
		run_finish(p, o, 1, NULL);
		done++;
		if (is_failing(p))
			failing++;
		if (o->verbose)
			report_point(p);
		else
			report_progress(done, n, failing, 0);
	}
	free(running);
}

/* --per-site fallback: points in order, one at a time.  A point whose allocation
 * site is among those of the last RECENT points looked at is uneventful,
 * and the step to the next point doubles; after a step that lands on any
 * other site, the stretch stepped over is bisected for where the recent
 * sites stop, and the step starts again at 1.  So a loop of a few sites
 * costs a few points per doubling, and what follows it is found. */
#define RECENT 8

struct per_site {
	struct point *points;
	size_t n, cap;
	size_t *index;		/* by allocation: 1 + its point, or 0 */
	char *recent[RECENT];	/* sites of the last points looked at */
	size_t nrecent;
	size_t failing;
};

/* Point k of process proc: its fields but the result. */
static void
aim(struct point *p, const struct processes *count, size_t proc,
    unsigned long k)
{
	memset(p, 0, sizeof(*p));
	p->nth = k;
	p->proc = proc;
	p->key = count->v[proc].key;
	p->label = count->allocating > 1 ? p->key : NULL;
}

/* Room for one more point.  It moves: no pointer into it is kept across
 * a run. */
static void
grow_points(struct per_site *ps)
{
	size_t cap = ps->cap * 2;
	struct point *np;

	if (ps->n < ps->cap)
		return;
	np = realloc(ps->points, cap * sizeof(*np));
	if (np == NULL)
		run_out_of_memory();
	ps->points = np;
	ps->cap = cap;
}

/* --per-site, where the counting run's report lists the process's call
 * sites: the first allocation of each, appended to ps->points (which
 * may move), to be run all at once. */
static void
aim_sites(struct per_site *ps, const struct processes *count, size_t proc)
{
	const struct process *v = &count->v[proc];
	size_t i;

	for (i = 0; i < v->nsites; i++) {
		if (v->sites[i] > v->allocations)
			break;	/* sorted: none of the rest is made */
		grow_points(ps);
		aim(&ps->points[ps->n++], count, proc, v->sites[i]);
	}
}

/* Why a process's sites must be guessed, on stderr. */
static void
say_guessed(const struct processes *count, size_t proc, const char *cmd)
{
	const struct process *v = &count->v[proc];
	const char *who = count->allocating > 1 ? v->key : cmd;

	if (v->site_list == SITES_FULL)
		fprintf(stderr, "%s: %s has more call sites than libevmm "
		    "lists (%lu here)", progname, who, (unsigned long)
		    v->nsites);
	else if (v->site_list == SITES_CUT)
		fprintf(stderr, "%s: the list of call sites in %s's report is "
		    "cut short", progname, who);
	else
		fprintf(stderr, "%s: %s's report lists no call sites (is its "
		    "libevmm older than evmm-torture?)", progname, who);
	fprintf(stderr, ": guessing its sites by stepping over runs of "
	    "recent ones instead, which can miss some (see evmm-torture(1))\n");
}

static const char *
site_at(struct per_site *ps, unsigned long k, const struct options *o,
    const struct processes *count, size_t proc)
{
	unsigned long total = count->v[proc].allocations;

	struct point *p;

	if (ps->index[k] == 0) {
		grow_points(ps);
		p = &ps->points[ps->n];
		aim(p, count, proc, k);
		run_one(p, o, NULL);
		ps->index[k] = ++ps->n;
		if (is_failing(p))
			ps->failing++;
		if (o->verbose)
			report_point(p);
		else
			report_progress(k, total, ps->failing, 0);
	}
	return ps->points[ps->index[k] - 1].caller;
}

/* Looks at point k: whether its site is among the recent ones, which it
 * then joins (a copy: the points array moves as it grows). */
static int
probe(struct per_site *ps, unsigned long k, const struct options *o,
    const struct processes *count, size_t proc)
{
	const char *site = site_at(ps, k, o, count, proc);
	char *copy;
	size_t i;
	int found = 0;

	for (i = 0; i < ps->nrecent && i < RECENT; i++)
		if (strcmp(ps->recent[i], site) == 0)
			found = 1;
	if ((copy = strdup(site)) == NULL)
		run_out_of_memory();
	free(ps->recent[ps->nrecent % RECENT]);
	ps->recent[ps->nrecent++ % RECENT] = copy;
	return found;
}

/* One process's allocations: sites are those of this process. */
static void
run_per_site(struct per_site *ps, const struct processes *count, size_t proc,
    const struct options *o)
{
	unsigned long total = count->v[proc].allocations;
	unsigned long k = 1, prev = 0, stride = 1, lo, hi, mid;
	size_t i;

	memset(ps->index, 0, (total + 1) * sizeof(*ps->index));
	for (i = 0; i < RECENT; i++) {
		free(ps->recent[i]);
		ps->recent[i] = NULL;
	}
	ps->nrecent = 0;
	while (k <= total) {
		if (probe(ps, k, o, count, proc)) {
			prev = k;
			if (stride < total)
				stride *= 2;
			k += stride;
			if (k > total && prev < total)
				k = total;	/* the last one is run */
			continue;
		}
		if (k - prev > 1 && prev > 0) {
			/* Where in (prev, k] the recent sites stop. */
			lo = prev;
			hi = k;
			while (hi - lo > 1) {
				mid = lo + (hi - lo) / 2;
				if (probe(ps, mid, o, count, proc))
					lo = mid;
				else
					hi = mid;
			}
			k = hi;
		}
		stride = 1;
		prev = k;
		k++;
	}
}

/* The g-th allocation of them all, from 0, as a point. */
static void
aim_global(struct point *p, const struct processes *count, unsigned long g)
{
	size_t proc = 0;

	while (proc + 1 < count->n && g >= count->v[proc].allocations) {
		g -= count->v[proc].allocations;
		proc++;
	}
	aim(p, count, proc, g + 1);
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
	run_init(&o);

	memset(&count, 0, sizeof(count));
	if (count_allocations(&o, &count) != 0) {
		run_free_processes(&count);
		run_cleanup();
		return 1;
	}
	allocations = count.allocations;
	n = allocations;
	if (o.max_points > 0 && (unsigned long)o.max_points < allocations)
		n = (size_t)o.max_points;

	if (o.per_site) {
		struct per_site ps;
		unsigned long most = 0;
		int guessed = 0;

		memset(&ps, 0, sizeof(ps));
		ps.cap = 64;
		ps.points = malloc(ps.cap * sizeof(*ps.points));
		if (ps.points == NULL)
			run_out_of_memory();
		/* The sites listed are known at once, and run in parallel;
		 * the others are guessed, one point after another. */
		for (i = 0; i < count.n; i++) {
			if (count.v[i].allocations == 0)
				continue;
			if (count.v[i].site_list == SITES_COMPLETE) {
				aim_sites(&ps, &count, i);
				continue;
			}
			say_guessed(&count, i, o.command[0]);
			guessed = 1;
			if (count.v[i].allocations > most)
				most = count.v[i].allocations;
		}
		report_plan(o.command[0], &count, ps.n, 1, guessed);
		run_all(ps.points, ps.n, &o);
		ps.failing = 0;
		for (i = 0; i < ps.n; i++)
			ps.failing += is_failing(&ps.points[i]);
		if (guessed) {
			ps.index = calloc(most + 1, sizeof(*ps.index));
			if (ps.index == NULL)
				run_out_of_memory();
			for (i = 0; i < count.n; i++)
				if (count.v[i].allocations > 0 &&
				    count.v[i].site_list != SITES_COMPLETE)
					run_per_site(&ps, &count, i, &o);
			if (!o.verbose)
				report_progress(allocations, allocations,
				    ps.failing, 1);
		}
		points = ps.points;
		n = ps.n;
		for (i = 0; i < RECENT; i++)
			free(ps.recent[i]);
		free(ps.index);
	} else {
		report_plan(o.command[0], &count, n, 0, 0);
		points = calloc(n, sizeof(*points));
		if (points == NULL)
			run_out_of_memory();
		/* Evenly spread over every process's allocations, the
		 * first and the last included. */
		for (i = 0; i < n; i++)
			aim_global(&points[i], &count, n == 1 ? 0 :
			    (unsigned long)((double)i * (double)(allocations -
			    1) / (double)(n - 1)));
		run_all(points, n, &o);
	}

	for (i = 0; i < n; i++)
		if (is_failing(&points[i]))
			failed = 1;
	report_table(points, n);
	for (i = 0; i < n && points[i].verdict.outcome == NOT_REACHED; i++)
		continue;
	if (n > 0 && i == n) {
		printf("%s: no point was reached: %s does not make the same "
		    "allocations twice, or could not run as asked\n", progname,
		    o.command[0]);
		failed = 1;
	}
	report_summary(points, n, allocations, o.per_site);
	free(points);
	run_free_processes(&count);
	run_cleanup();
	return failed;
}
