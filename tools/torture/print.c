/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * What evmm-torture prints: the plan, a progress bar on a terminal, each
 * point with --verbose, then one table row per group of failing points
 * and a summary; and on stderr, why --per-site guesses a process's call
 * sites.  Each failing point appears once, in one row.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "torture.h"

void
print_progress(size_t done, size_t total, size_t failing, int force)
{
	static int tty = -1;
	static size_t drawn = (size_t)-1;
	int width = 40, filled;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (!tty || total == 0 || (done == drawn && !force))
		return;
	drawn = done;
	filled = (int)(done * (size_t)width / total);
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu points, %zu failing",
	    filled, "########################################",
	    width - filled, "", done, total, failing);
	if (done == total)
		fputc('\n', stderr);
}

void
print_plan(const char *cmd, const struct processes *count, size_t points,
    int per_site, int guessed)
{
	unsigned long allocations = count->allocations;

	printf("%s: %s makes %lu allocation%s through libevmm", progname, cmd,
	    allocations, allocations == 1 ? "" : "s");
	if (count->n > 1)
		printf(" in %zu processes", count->n);
	if (per_site && !guessed)
		printf(" from %zu call site%s; failing the first allocation "
		    "of each in turn\n", points, points == 1 ? "" : "s");
	else if (per_site && points == 0)
		printf("; failing the first allocation of each call site it "
		    "can guess\n");
	else if (per_site)
		printf("; failing the first allocation of each of %zu call "
		    "site%s listed, and of each other it can guess\n", points,
		    points == 1 ? "" : "s");
	else
		printf("; failing %s%zu of them in turn\n",
		    points < allocations ? "a sample of " : "", points);
	fflush(stdout);
}

/* What a point's crash field holds: why it could not run, what it left
 * running, what leaked, or where it crashed. */
static const char *
crash_label(const struct point *p)
{
	if (p->verdict.outcome == CANNOT_RUN)
		return "because";
	if (p->verdict.how == BY_OUTLIVED)
		return "left running";
	if (p->verdict.outcome == LEAKED)
		return "leaked by";
	return "crash site";
}

void
print_point(const struct point *p)
{
	char name[EVMM_PROCESS_KEY_MAX + 32];

	format_point(p, name, sizeof(name));
	printf("point %s: %s, at %s from %s", name, p->result, p->entry,
	    p->caller);
	if (strcmp(p->crash, "-") != 0)
		printf(", %s %s", crash_label(p), p->crash);
	if (p->inside[0] != '\0')
		printf(", inside %s", p->inside);
	printf("\n");
	fflush(stdout);
}

size_t
print_table(struct point *points, size_t n)
{
	struct point **pts;
	size_t *starts, i, nf = 0, rows, r;
	char ranges[EVMM_PROCESS_KEY_MAX + 128];
	int width = 12, len;

	pts = malloc((n > 0 ? n : 1) * sizeof(*pts));
	starts = malloc((n > 0 ? n : 1) * sizeof(*starts));
	if (pts == NULL || starts == NULL) {
		free(pts);
		free(starts);
		out_of_memory();
	}
	for (i = 0; i < n; i++)
		if (is_failing(&points[i]))
			pts[nf++] = &points[i];
	rows = group_points(pts, nf, starts);
	/* The points column as wide as its widest entry: process keys. */
	for (r = 0; r < rows; r++) {
		format_ranges(pts + starts[r], (r + 1 < rows ? starts[r + 1] :
		    nf) - starts[r], ranges, sizeof(ranges));
		len = (int)strlen(ranges);
		if (len > width)
			width = len;
	}
	if (rows > 0) {
		printf("\n%-*s %5s  %-30s %-7s %s\n", width, "points",
		    "count", "result", "entry", "allocation site");
		for (r = 0; r < rows; r++) {
			size_t end = r + 1 < rows ? starts[r + 1] : nf;
			const struct point *p = pts[starts[r]];

			format_ranges(pts + starts[r], end - starts[r], ranges,
			    sizeof(ranges));
			printf("%-*s %5zu  %-30s %-7s %s\n", width, ranges,
			    end - starts[r], p->result, p->entry, p->caller);
			if (strcmp(p->crash, "-") != 0)
				printf("%-*s %5s  %s %s\n", width, "", "",
				    crash_label(p), p->crash);
			if (p->inside[0] != '\0')
				printf("%-*s %5s  inside %s\n", width, "", "",
				    p->inside);
		}
		printf("\n");
	}
	free(pts);
	free(starts);
	return rows;
}

/* How many different crash sites the crashed points have, of those
 * whose site is known. */
static size_t
crash_sites(const struct point *points, size_t n)
{
	const char **seen;
	size_t i, j, k = 0;

	seen = malloc((n > 0 ? n : 1) * sizeof(*seen));
	if (seen == NULL)
		out_of_memory();
	for (i = 0; i < n; i++) {
		if (points[i].verdict.outcome != CRASHED ||
		    strcmp(points[i].crash, "-") == 0)
			continue;
		for (j = 0; j < k; j++)
			if (strcmp(seen[j], points[i].crash) == 0)
				break;
		if (j == k)
			seen[k++] = points[i].crash;
	}
	free(seen);
	return k;
}

void
print_summary(const struct point *points, size_t n,
    unsigned long allocations, int per_site)
{
	size_t counts[OUTCOME_COUNT] = { 0 }, i, sites;

	for (i = 0; i < n; i++)
		counts[points[i].verdict.outcome]++;
	printf("%s: %zu point%s: %zu passed, %zu crashed, %zu hung, %zu "
	    "leaked, %zu not reached, %zu could not run\n", progname, n,
	    n == 1 ? "" : "s", counts[PASSED], counts[CRASHED], counts[HUNG],
	    counts[LEAKED], counts[NOT_REACHED], counts[CANNOT_RUN]);
	if (per_site)
		printf("%s: --per-site ran %zu of %lu allocations\n", progname,
		    n, allocations);
	sites = crash_sites(points, n);
	if (sites > 0)
		printf("%s: %zu distinct crash site%s\n", progname, sites,
		    sites == 1 ? "" : "s");
}

void
print_guessed(const struct processes *count, size_t proc, const char *cmd)
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
