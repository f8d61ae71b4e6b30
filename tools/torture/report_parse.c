/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The parser of the report file that EVMM_REPORT names, whose keys
 * lib/report-keys.h defines for the library and us alike: a key's value,
 * the crash site among the crash_frame lines, and the call sites of
 * --per-site.  Pure functions of the report's text, tested by
 * tests/unit/check_report_parse.c.  Reading the files is readback.c's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/report-keys.h"
#include "torture.h"

int
report_value(const char *report, const char *key, char *buf, size_t size)
{
	size_t len = strlen(key);
	const char *line;

	for (line = report; line != NULL && *line != '\0';
	    line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, key, len) == 0 && line[len] == '=') {
			size_t v = strcspn(line + len + 1, "\n");

			snprintf(buf, size, "%.*s", (int)v, line + len + 1);
			return 1;
		}
	}
	return 0;
}

/* Where a crash_frame's module name starts and ends: the text before its
 * last "+0x" that is followed by hex digits and then the line's end or
 * " (symbol)".  0 when the frame has no module ("0xADDR"). */
static int
frame_module(const char *frame, size_t len, size_t *end)
{
	size_t k, d;
	int found = 0;

	for (k = 0; k + 3 < len; k++) {
		if (memcmp(frame + k, "+0x", 3) != 0)
			continue;
		for (d = k + 3; d < len && frame[d] != '\0' &&
		    strchr("0123456789abcdef", frame[d]) != NULL; d++)
			continue;
		if (d > k + 3 && (d == len || (len - d >= 2 &&
		    memcmp(frame + d, " (", 2) == 0))) {
			*end = k;
			found = 1;
		}
	}
	return found;
}

int
report_crash_site(const char *report, char *site, size_t size)
{
	static const char key[] = EVMM_REPORT_CRASH_FRAME "=";
	const char *line, *nl, *first = NULL;
	size_t first_len = 0, len, end;

	for (line = report; line != NULL && *line != '\0';
	    line = *nl != '\0' ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		if (strncmp(line, key, sizeof(key) - 1) != 0)
			continue;
		line += sizeof(key) - 1;
		len = (size_t)(nl - line);
		if (len == 0)
			continue;
		if (first == NULL) {
			first = line;
			first_len = len;
		}
		if (!frame_module(line, len, &end) ||
		    !foreign_module(line, end)) {
			first = line;
			first_len = len;
			break;
		}
	}
	if (first == NULL)
		return 0;
	snprintf(site, size, "%.*s", (int)first_len, first);
	return 1;
}

static int
by_number(const void *x, const void *y)
{
	unsigned long a = *(const unsigned long *)x;
	unsigned long b = *(const unsigned long *)y;

	return a < b ? -1 : a > b;
}

enum site_list
report_sites(const char *report, unsigned long *firsts, size_t max,
    size_t *n)
{
	static const char site[] = EVMM_REPORT_SITE "=";
	static const char sites[] = EVMM_REPORT_SITES "=";
	static const char full[] = EVMM_REPORT_SITES_FULL "=1";
	const char *line, *nl;
	unsigned long v, said = 0;
	size_t got = 0, i, k;
	int counted = 0, filled = 0, cut = 0;
	char *end;

	for (line = report; line != NULL && *line != '\0';
	    line = *nl != '\0' ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		if (strncmp(line, site, sizeof(site) - 1) == 0) {
			line += sizeof(site) - 1;
			if (*line < '1' || *line > '9') {
				cut = 1;
				continue;
			}
			v = strtoul(line, &end, 10);
			if ((*end != ' ' && end != nl) || got == max)
				cut = 1;
			else
				firsts[got++] = v;
		} else if (strncmp(line, sites, sizeof(sites) - 1) == 0) {
			line += sizeof(sites) - 1;
			said = strtoul(line, &end, 10);
			counted = end != line && end == nl;
		} else if ((size_t)(nl - line) == sizeof(full) - 1 &&
		    strncmp(line, full, sizeof(full) - 1) == 0) {
			filled = 1;
		}
	}
	*n = 0;
	if (!counted && got == 0 && !cut)
		return SITES_ABSENT;
	if (!counted || cut || said != got)
		return SITES_CUT;
	qsort(firsts, got, sizeof(*firsts), by_number);
	for (i = 0, k = 0; i < got; i++)
		if (k == 0 || firsts[i] != firsts[k - 1])
			firsts[k++] = firsts[i];
	*n = k;
	return filled ? SITES_FULL : SITES_COMPLETE;
}
