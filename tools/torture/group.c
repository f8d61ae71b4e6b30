/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Points with the same result, allocation site and crash site are one
 * row of the table.  Pure functions, tested by tests/check_torture.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

static int
same_row(const struct point *a, const struct point *b)
{
	return strcmp(a->result, b->result) == 0 &&
	    strcmp(a->entry, b->entry) == 0 &&
	    strcmp(a->caller, b->caller) == 0 &&
	    strcmp(a->crash, b->crash) == 0;
}

/* By row, then by point number. */
static int
by_row(const void *x, const void *y)
{
	const struct point *a = *(struct point *const *)x;
	const struct point *b = *(struct point *const *)y;
	int c;

	if ((c = strcmp(a->crash, b->crash)) != 0 ||
	    (c = strcmp(a->result, b->result)) != 0 ||
	    (c = strcmp(a->caller, b->caller)) != 0 ||
	    (c = strcmp(a->entry, b->entry)) != 0)
		return c;
	return a->nth < b->nth ? -1 : a->nth > b->nth;
}

/* The rows in the order of their first point. */
struct row {
	size_t start, len;
	unsigned long first;
};

static int
by_first(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	return a->first < b->first ? -1 : a->first > b->first;
}

size_t
group_points(struct point **pts, size_t n, size_t *starts)
{
	struct point **sorted;
	struct row *rows;
	size_t i, nrows = 0, o = 0;

	if (n == 0)
		return 0;
	qsort(pts, n, sizeof(*pts), by_row);
	rows = malloc(n * sizeof(*rows));
	sorted = malloc(n * sizeof(*sorted));
	if (rows == NULL || sorted == NULL) {
		/* Rows in sorted order are still rows. */
		free(rows);
		free(sorted);
		for (i = 0; i < n; i++)
			if (i == 0 || !same_row(pts[i - 1], pts[i]))
				starts[nrows++] = i;
		return nrows;
	}
	for (i = 0; i < n; i++) {
		if (i == 0 || !same_row(pts[i - 1], pts[i])) {
			rows[nrows].start = i;
			rows[nrows].len = 0;
			rows[nrows].first = pts[i]->nth;
			nrows++;
		}
		rows[nrows - 1].len++;
	}
	qsort(rows, nrows, sizeof(*rows), by_first);
	for (i = 0; i < nrows; i++) {
		memcpy(sorted + o, pts + rows[i].start,
		    rows[i].len * sizeof(*pts));
		starts[i] = o;
		o += rows[i].len;
	}
	memcpy(pts, sorted, n * sizeof(*pts));
	free(sorted);
	free(rows);
	return nrows;
}

void
format_ranges(struct point *const *pts, size_t n, char *buf, size_t size)
{
	size_t i = 0, o = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	while (i < n) {
		unsigned long lo = pts[i]->nth, hi = lo;
		char item[48];
		int len;

		while (i + 1 < n && pts[i + 1]->nth == hi + 1) {
			hi++;
			i++;
		}
		i++;
		if (hi == lo)
			len = snprintf(item, sizeof(item), "%s%lu",
			    o > 0 ? "," : "", lo);
		else
			len = snprintf(item, sizeof(item), "%s%lu-%lu",
			    o > 0 ? "," : "", lo, hi);
		/* Keep room for ",..." unless this is the last item. */
		if (o + (size_t)len + (i < n ? 4 : 0) >= size) {
			if (o + 4 < size)
				memcpy(buf + o, ",...", 5);
			else if (size > 4)
				memcpy(buf + size - 5, ",...", 5);
			return;
		}
		memcpy(buf + o, item, (size_t)len + 1);
		o += (size_t)len;
	}
}
