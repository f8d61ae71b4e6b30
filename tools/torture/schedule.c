/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Which allocations fail, and in which process: every one in turn, an
 * even sample of them (--max-points), or the first of each call site
 * (--per-site), from the sites a process's report lists or, where it
 * lists none, from sites guessed by running points one after another.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

/* How many of the last points looked at make the recent sites of the
 * guess below. */
#define RECENT 8

/* --per-site's points, as they are chosen and run. */
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
		out_of_memory();
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

/* --per-site where a report lists no sites: points in order, one at a
 * time.  A point whose allocation site is among those of the last RECENT
 * points looked at is uneventful, and the step to the next point
 * doubles; after a step that lands on any other site, the stretch
 * stepped over is bisected for where the recent sites stop, and the step
 * starts again at 1.  So a loop of a few sites costs a few points per
 * doubling, and what follows it is found. */

/* The allocation site of point k, which is run if it has not been. */
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
		jobs_run_one(p, o, NULL);
		ps->index[k] = ++ps->n;
		if (is_failing(p))
			ps->failing++;
		if (o->verbose)
			print_point(p);
		else
			print_progress(k, total, ps->failing, 0);
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
		out_of_memory();
	free(ps->recent[ps->nrecent % RECENT]);
	ps->recent[ps->nrecent++ % RECENT] = copy;
	return found;
}

/* Guesses the call sites of the proc-th process, as above: a site is
 * one of that process. */
static void
guess_sites(struct per_site *ps, const struct processes *count,
    size_t proc, const struct options *o)
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

struct point *
schedule_sampled(const struct processes *count, size_t n)
{
	unsigned long allocations = count->allocations;
	struct point *points = calloc(n, sizeof(*points));
	size_t i;

	if (points == NULL)
		out_of_memory();
	for (i = 0; i < n; i++)
		aim_global(&points[i], count, n == 1 ? 0 :
		    (unsigned long)((double)i * (double)(allocations - 1) /
		    (double)(n - 1)));
	return points;
}

struct point *
schedule_per_site(const struct processes *count, const struct options *o,
    size_t *n)
{
	struct per_site ps;
	unsigned long most = 0;
	size_t i;
	int guessed = 0;

	memset(&ps, 0, sizeof(ps));
	ps.cap = 64;
	ps.points = malloc(ps.cap * sizeof(*ps.points));
	if (ps.points == NULL)
		out_of_memory();
	/* The sites listed are known at once, and run in parallel; the
	 * others are guessed, one point after another. */
	for (i = 0; i < count->n; i++) {
		if (count->v[i].allocations == 0)
			continue;
		if (count->v[i].site_list == SITES_COMPLETE) {
			aim_sites(&ps, count, i);
			continue;
		}
		print_guessed(count, i, o->command[0]);
		guessed = 1;
		if (count->v[i].allocations > most)
			most = count->v[i].allocations;
	}
	print_plan(o->command[0], count, ps.n, 1, guessed);
	jobs_run_all(ps.points, ps.n, o);
	ps.failing = 0;
	for (i = 0; i < ps.n; i++)
		ps.failing += is_failing(&ps.points[i]);
	if (guessed) {
		ps.index = calloc(most + 1, sizeof(*ps.index));
		if (ps.index == NULL)
			out_of_memory();
		for (i = 0; i < count->n; i++)
			if (count->v[i].allocations > 0 &&
			    count->v[i].site_list != SITES_COMPLETE)
				guess_sites(&ps, count, i, o);
		if (!o->verbose)
			print_progress(count->allocations,
			    count->allocations, ps.failing, 1);
	}
	for (i = 0; i < RECENT; i++)
		free(ps.recent[i]);
	free(ps.index);
	*n = ps.n;
	return ps.points;
}
