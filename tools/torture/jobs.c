/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Running points to their end: all of a list, --jobs at a time, printing
 * each or the progress as they end, or one alone.  A point's command is
 * started and waited for by process.c, read back by readback.c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "torture.h"

/* How long to keep trying when no process can be made and none of ours
 * is running to free one: 200 tries, 50 ms apart. */
#define FORK_TRIES 200

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
	cleanup_all();
	exit(1);
}

void
jobs_run_one(struct point *p, const struct options *o,
    struct processes *count)
{
	struct point *running[1];

	start(p, 0, o);
	running[0] = p;
	run_wait(running, 1);
	read_back(p, o, count);
}

void
jobs_run_all(struct point *points, size_t n, const struct options *o)
{
	struct point **running, *p;
	size_t nrun = 0, next = 0, done = 0, failing = 0, i;

	running = malloc((size_t)o->jobs * sizeof(*running));
	if (running == NULL)
		out_of_memory();
	while (done < n) {
		while (nrun < (size_t)o->jobs && next < n &&
		    start(&points[next], nrun, o) == 0)
			running[nrun++] = &points[next++];
		p = run_wait(running, nrun);
		for (i = 0; i < nrun; i++)
			if (running[i] == p)
				running[i] = running[--nrun];
		read_back(p, o, NULL);
		done++;
		if (is_failing(p))
			failing++;
		if (o->verbose)
			print_point(p);
		else
			print_progress(done, n, failing, 0);
	}
	free(running);
}
