/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * A small dependent with out-of-memory bugs planted for evmm-torture to
 * find, built three ways by Makefile.am:
 *   torture_victim        misses the NULL check of allocation 3: crashes
 *                         when exactly that allocation fails;
 *   torture_victim_fixed  its corrected twin: fails gracefully anywhere;
 *   torture_victim_leaky  checks everything but leaks the first two
 *                         blocks when allocation 4 fails;
 *   torture_victim_hangs  waits for ever when allocation 5 fails.
 * Six allocations in all, from every entry point.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/evmm.h>

struct record {
	char *name;
	int *values;
	char *note;
};

static int
build(struct record *r, void **extra)
{
	r->name = event_mm_strdup_("victim");		/* 1 */
	if (r->name == NULL)
		return -1;
	r->values = event_mm_calloc_(8, sizeof(int));	/* 2 */
	if (r->values == NULL)
		return -1;
	r->note = event_mm_malloc_(32);			/* 3 */
#ifdef VICTIM_BUGGY
	/* The planted bug: no NULL check before the copy. */
	memcpy(r->note, "planted", 8);
#else
	if (r->note == NULL)
		return -1;
	memcpy(r->note, "planted", 8);
#endif
	*extra = event_mm_malloc_(64);			/* 4 */
	if (*extra == NULL) {
#ifdef VICTIM_LEAKY
		/* The planted leak: forget the record on this path. */
		r->name = NULL;
		r->values = NULL;
#endif
		return -1;
	}
	return 0;
}

static int
grow(void **extra)
{
	void *bigger = event_mm_realloc_(*extra, 128);	/* 5 */
	char *tmp;

	if (bigger == NULL) {
#ifdef VICTIM_HANGS
		for (;;)
			sleep(1);
#endif
		return -1;
	}
	*extra = bigger;
	tmp = event_mm_strdup_("temporary");		/* 6 */
	if (tmp == NULL)
		return -1;
	event_mm_free_(tmp);
	return 0;
}

int
main(void)
{
	struct record r = { NULL, NULL, NULL };
	void *extra = NULL;
	int status = 0;

	if (build(&r, &extra) != 0 || grow(&extra) != 0) {
		fprintf(stderr, "victim: out of memory\n");
		status = 1;
	}
	event_mm_free_(extra);
	event_mm_free_(r.note);
	event_mm_free_(r.values);
	event_mm_free_(r.name);
	return status;
}
