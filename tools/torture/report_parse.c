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

int
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

/* The stem of a shared library's file name, whatever its directory,
 * version and flavour, in *stem: "libevent" for both
 * /lib/libevent-2.1.so.7 and libevent_core-2.1.so.7.  Its length, 0 for
 * a module that is no shared library (the program itself). */
static size_t
library_stem(const char *module, size_t len, const char **stem)
{
	size_t base = len, n;

	while (base > 0 && module[base - 1] != '/')
		base--;
	if (find_in(module + base, len - base, ".so") == NULL)
		return 0;
	for (n = 0; base + n < len && strchr("-_.", module[base + n]) == NULL;
	    n++)
		continue;
	*stem = module + base;
	return n;
}

/* Whether the frame (len bytes) is in a module of the library whose
 * stem is the len bytes at stem. */
static int
in_library(const char *frame, size_t len, const char *stem, size_t slen)
{
	const char *s;
	size_t end;

	return slen > 0 && frame_module(frame, len, &end) &&
	    library_stem(frame, end, &s) == slen && memcmp(s, stem, slen) == 0;
}

/* Whether the frame is one libevmm, the C library, the loader or a
 * checker put on the stack; a frame in no module is not. */
static int
foreign_frame(const char *frame, size_t len)
{
	size_t end;

	return frame_module(frame, len, &end) && foreign_module(frame, end);
}

/* The longest stack a report holds (lib/crash.c). */
#define FRAMES_MAX 16
/* Frames of the library shown in "inside". */
#define INSIDE_MAX 3

int
report_crash_site(const char *report, const char *caller, char *site,
    size_t size, char *inside, size_t isize)
{
	static const char key[] = EVMM_REPORT_CRASH_FRAME "=";
	const char *line, *nl, *frame[FRAMES_MAX], *stem = NULL;
	size_t flen[FRAMES_MAX], n = 0, i, at, slen = 0, end, o, k;

	for (line = report; line != NULL && *line != '\0' && n < FRAMES_MAX;
	    line = *nl != '\0' ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		if (strncmp(line, key, sizeof(key) - 1) != 0 ||
		    nl == line + sizeof(key) - 1)
			continue;
		frame[n] = line + sizeof(key) - 1;
		flen[n] = (size_t)(nl - frame[n]);
		n++;
	}
	if (n == 0)
		return 0;
	if (caller != NULL &&
	    frame_module(caller, strlen(caller), &end))
		slen = library_stem(caller, end, &stem);
	/* Outside the caller's library too, else outside the foreign
	 * modules alone, else the first. */
	for (at = 0; at < n; at++)
		if (!foreign_frame(frame[at], flen[at]) &&
		    !in_library(frame[at], flen[at], stem, slen))
			break;
	if (at == n)
		for (at = 0; at < n; at++)
			if (!foreign_frame(frame[at], flen[at]))
				break;
	if (at == n)
		at = 0;
	snprintf(site, size, "%.*s", (int)flen[at], frame[at]);
	/* The library's frames it crashed in, innermost first. */
	if (isize > 0)
		inside[0] = '\0';
	for (i = 0, o = 0, k = 0; i < at && k < INSIDE_MAX && isize > 0; i++) {
		if (!in_library(frame[i], flen[i], stem, slen))
			continue;
		o += (size_t)snprintf(inside + o, o < isize ? isize - o : 0,
		    "%s%.*s", k > 0 ? "\n" : "", (int)flen[i], frame[i]);
		if (o >= isize)
			break;
		k++;
	}
	return 1;
}

static int
by_number(const void *x, const void *y)
{
	unsigned long a = *(const unsigned long *)x;
	unsigned long b = *(const unsigned long *)y;

	return a < b ? -1 : a > b;
}

size_t
sort_firsts(unsigned long *firsts, size_t n)
{
	size_t i, k;

	qsort(firsts, n, sizeof(*firsts), by_number);
	for (i = 0, k = 0; i < n; i++)
		if (k == 0 || firsts[i] != firsts[k - 1])
			firsts[k++] = firsts[i];
	return k;
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
	size_t got = 0;
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
	*n = sort_firsts(firsts, got);
	return filled ? SITES_FULL : SITES_COMPLETE;
}
