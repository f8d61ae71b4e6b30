/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Points with the same result, allocation site and crash site are one
 * row of the table; process keys in order; two counting runs compared;
 * text appended to a buffer.
 * Pure functions, tested by tests/unit/check_torture.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

/* The number at *s, moved past; 0 when there is none. */
static unsigned long
key_number(const char **s)
{
	unsigned long n = 0;

	while (**s >= '0' && **s <= '9')
		n = n * 10 + (unsigned long)(*(*s)++ - '0');
	return n;
}

int
compare_keys(const char *a, const char *b)
{
	size_t la = strcspn(a, "#"), lb = strcspn(b, "#");
	unsigned long na, nb;
	int c;

	if ((c = strncmp(a, b, la < lb ? la : lb)) != 0)
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	a += la;
	b += lb;
	/* "#N", then ".M" for each fork: the shorter, where one is the
	 * other's start (a parent), comes first. */
	while (*a != '\0' && *b != '\0') {
		if (*a != *b)
			return *a < *b ? -1 : 1;
		a++;
		b++;
		na = key_number(&a);
		nb = key_number(&b);
		if (na != nb)
			return na < nb ? -1 : 1;
	}
	return (*a != '\0') - (*b != '\0');
}

void
format_point(const struct point *p, char *buf, size_t size)
{
	if (p->label != NULL)
		snprintf(buf, size, "%s:%lu", p->label, p->nth);
	else
		snprintf(buf, size, "%lu", p->nth);
}

/* Points in order: by process, then by allocation. */
static int
point_order(const struct point *a, const struct point *b)
{
	if (a->proc != b->proc)
		return a->proc < b->proc ? -1 : 1;
	return a->nth < b->nth ? -1 : a->nth > b->nth;
}

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
	return point_order(a, b);
}

/* The rows in the order of their first point. */
struct row {
	size_t start, len;
	const struct point *first;
};

static int
by_first(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	return point_order(a->first, b->first);
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
			rows[nrows].first = pts[i];
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
		const char *label = pts[i]->label;
		char item[EVMM_PROCESS_KEY_MAX + 48];
		int len;

		/* The key once, before the first of its points. */
		if (label != NULL && i > 0 && pts[i - 1]->label != NULL &&
		    strcmp(pts[i - 1]->label, label) == 0)
			label = NULL;
		while (i + 1 < n && pts[i + 1]->nth == hi + 1 &&
		    pts[i + 1]->proc == pts[i]->proc) {
			hi++;
			i++;
		}
		i++;
		if (hi == lo)
			len = snprintf(item, sizeof(item), "%s%s%s%lu",
			    o > 0 ? "," : "", label != NULL ? label : "",
			    label != NULL ? ":" : "", lo);
		else
			len = snprintf(item, sizeof(item), "%s%s%s%lu-%lu",
			    o > 0 ? "," : "", label != NULL ? label : "",
			    label != NULL ? ":" : "", lo, hi);
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

void
append_text(char *buf, size_t size, const char *text)
{
	size_t n = strlen(buf), m = strlen(text);

	if (n + 1 >= size)
		return;
	if (m > size - n - 1)
		m = size - n - 1;
	memcpy(buf + n, text, m);
	buf[n + m] = '\0';
}

/* Appends text to buf (of size bytes, holding *len), or ",..." once it
 * no longer fits. */
static void
append_cut(char *buf, size_t size, size_t *len, const char *text)
{
	size_t n = strlen(text);

	if (*len + n + 5 <= size) {
		memcpy(buf + *len, text, n + 1);
		*len += n;
	} else if (*len + 5 <= size && (*len < 4 ||
	    strcmp(buf + *len - 4, ",...") != 0)) {
		memcpy(buf + *len, ",...", 5);
		*len += 4;
	}
}

size_t
compare_counts(const struct processes *a, const struct processes *b,
    char *buf, size_t size)
{
	char item[EVMM_PROCESS_KEY_MAX + 64];
	const char *sep;
	size_t i = 0, j = 0, len = 0, differ = 0;
	int c;

	if (size > 0)
		buf[0] = '\0';
	while (i < a->n || j < b->n) {
		c = i == a->n ? 1 : j == b->n ? -1 :
		    compare_keys(a->v[i].key, b->v[j].key);
		if (c == 0 && a->v[i].allocations == b->v[j].allocations) {
			i++;
			j++;
			continue;
		}
		sep = differ > 0 ? ", " : "";
		if (c == 0)
			snprintf(item, sizeof(item), "%s%s %lu then %lu", sep,
			    a->v[i].key, a->v[i].allocations,
			    b->v[j].allocations);
		else if (c < 0)
			snprintf(item, sizeof(item), "%s%s %lu then none", sep,
			    a->v[i].key, a->v[i].allocations);
		else
			snprintf(item, sizeof(item), "%s%s none then %lu", sep,
			    b->v[j].key, b->v[j].allocations);
		i += c <= 0;
		j += c >= 0;
		if (size > 0)
			append_cut(buf, size, &len, item);
		differ++;
	}
	return differ;
}
