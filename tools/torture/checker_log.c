/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Reading a checker's log: AddressSanitizer's, LeakSanitizer's and
 * UBSan's on the command's stderr, or valgrind's own log files.  Whether
 * it reports an error or a leak, and the crash site.  Pure functions,
 * tested by tests/unit/check_torture.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

/* Frames the checker's, the C library's or ours, not where the program
 * went wrong: those in a module of modules.c's list, and those that
 * only the checkers' source files, directories and functions give away
 * (a symbolized frame names its source file, not its module). */
static int
foreign_frame(const char *frame, size_t len)
{
	static const char *const sources[] = {
		"vg_replace_", "/valgrind/", "sanitizer_common", "asan_",
		"ubsan_", "/sysdeps/", "(in /usr/libexec/valgrind",
		"libc_start"
	};
	size_t i;

	if (mentions_foreign_module(frame, len))
		return 1;
	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (find_in(frame, len, sources[i]) != NULL)
			return 1;
	return 0;
}

/* Copies at most len bytes of s into buf, whitespace runs as one space. */
static void
copy_squeezed(char *buf, size_t size, const char *s, size_t len)
{
	size_t o = 0;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\r'))
		len--;
	for (; len > 0 && o + 1 < size; s++, len--) {
		if ((*s == ' ' || *s == '\t') && o > 0 && buf[o - 1] == ' ')
			continue;
		buf[o++] = *s == '\t' ? ' ' : *s;
	}
	buf[o] = '\0';
}

/* An ASan frame: "#N MODULE+0xOFF FUNC" (the stack_trace_format
 * env.c asks for), or the default "#N 0xADDR in FUNC FILE:LINE" or
 * "#N 0xADDR (MODULE+0xOFF)".  The site is "FUNC MODULE+0xOFF", or
 * the frame without its address. */
static void
asan_site(const char *frame, size_t len, char *buf, size_t size)
{
	const char *p = frame, *end = frame + len, *sp;

	while (p < end && *p != ' ')		/* "#N" */
		p++;
	while (p < end && *p == ' ')
		p++;
	if (end - p > 2 && p[0] == '0' && p[1] == 'x') {
		while (p < end && *p != ' ')	/* the address */
			p++;
		while (p < end && *p == ' ')
			p++;
		if (end - p > 3 && memcmp(p, "in ", 3) == 0)
			p += 3;
		copy_squeezed(buf, size, p, (size_t)(end - p));
		return;
	}
	sp = memchr(p, ' ', (size_t)(end - p));
	if (sp == NULL || sp + 1 >= end) {
		copy_squeezed(buf, size, p, (size_t)(end - p));
		return;
	}
	/* "MODULE+0xOFF FUNC" becomes "FUNC MODULE+0xOFF"; an unknown
	 * function is left out. */
	if (end - sp - 1 == 6 && memcmp(sp + 1, "<null>", 6) == 0) {
		copy_squeezed(buf, size, p, (size_t)(sp - p));
		return;
	}
	copy_squeezed(buf, size, sp + 1, (size_t)(end - sp - 1));
	if (strlen(buf) + 2 < size) {
		size_t o = strlen(buf);

		buf[o++] = ' ';
		buf[o] = '\0';
		copy_squeezed(buf + o, size - o, p, (size_t)(sp - p));
	}
}

/* A valgrind frame: "==PID==    at 0xADDR: FUNC (FILE:LINE)" or "by";
 * the site is what follows the address. */
static void
valgrind_site(const char *frame, size_t len, char *buf, size_t size)
{
	const char *p = memchr(frame, ':', len);

	if (p == NULL) {
		copy_squeezed(buf, size, frame, len);
		return;
	}
	p++;
	copy_squeezed(buf, size, p, (size_t)(frame + len - p));
}

void
scan_checker_log(const char *log, enum leak_check how, int *error,
    int *leak, char *site, size_t size)
{
	const char *line = log, *nl;
	int in_error = 0, have_site = 0;

	*error = 0;
	*leak = 0;
	snprintf(site, size, "-");
	if (log == NULL)
		return;
	for (; *line != '\0'; line = nl + (*nl != '\0')) {
		size_t len;
		const char *f;

		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		len = (size_t)(nl - line);
		if (how == LEAK_VALGRIND) {
			if (find_in(line, len, "definitely lost in") ||
			    find_in(line, len, "indirectly lost in")) {
				*leak = 1;
				in_error = 0;
				continue;
			}
			if (find_in(line, len, "Invalid ") ||
			    find_in(line, len, "uninitialised") ||
			    find_in(line, len, "Mismatched free") ||
			    find_in(line, len, "Process terminating") ||
			    find_in(line, len, "Syscall param")) {
				*error = 1;
				in_error = !have_site;
				continue;
			}
			f = find_in(line, len, " at 0x");
			if (f == NULL)
				f = find_in(line, len, " by 0x");
			if (in_error && f != NULL &&
			    !foreign_frame(f, (size_t)(nl - f))) {
				valgrind_site(f, (size_t)(nl - f), site, size);
				have_site = 1;
				in_error = 0;
			}
			continue;
		}
		/* AddressSanitizer, LeakSanitizer, UBSan. */
		if (find_in(line, len, "ERROR: LeakSanitizer")) {
			*leak = 1;
			in_error = 0;
			continue;
		}
		if (find_in(line, len, "ERROR: AddressSanitizer") ||
		    find_in(line, len, "ERROR: UndefinedBehaviorSanitizer")) {
			*error = 1;
			in_error = !have_site;
			continue;
		}
		f = find_in(line, len, ": runtime error:");
		if (f != NULL) {
			/* UBSan: "FILE:LINE:COL: runtime error: ..." */
			*error = 1;
			if (!have_site) {
				copy_squeezed(site, size, line,
				    (size_t)(f - line));
				have_site = 1;
			}
			continue;
		}
		f = line;
		while (f < nl && *f == ' ')
			f++;
		if (in_error && f < nl && *f == '#' &&
		    !foreign_frame(f, (size_t)(nl - f))) {
			asan_site(f, (size_t)(nl - f), site, size);
			have_site = 1;
			in_error = 0;
		}
	}
}

/* The PID of a line "==PID==...", or -1. */
static long
line_pid(const char *line, size_t len)
{
	long pid = 0;
	size_t k = 2;

	if (len < 5 || memcmp(line, "==", 2) != 0)
		return -1;
	for (; k < len && line[k] >= '0' && line[k] <= '9'; k++)
		pid = pid * 10 + (line[k] - '0');
	return k > 2 && k + 1 < len && memcmp(line + k, "==", 2) == 0 ?
	    pid : -1;
}

/* The owner with that process ID among the n, or NULL. */
static const struct leak_owner *
owner_of(long pid, const struct leak_owner *owners, size_t n)
{
	size_t i;

	for (i = 0; owners != NULL && i < n; i++)
		if (owners[i].pid == pid)
			return &owners[i];
	return NULL;
}

/* Whether a valgrind frame, " at 0xADDR: ..." or " by 0xADDR: ...", is
 * in the owner's libevmm code. */
static int
in_libevmm(const char *frame, const struct leak_owner *o)
{
	const char *x = strstr(frame, "0x");
	unsigned long long addr;

	if (o == NULL || o->code_end == 0 || x == NULL)
		return 0;
	addr = strtoull(x, NULL, 16);
	return addr >= o->code_start && addr < o->code_end;
}

int
scan_leak(const char *log, enum leak_check how,
    const struct leak_owner *owners, size_t n, char *record, size_t size,
    long *pid)
{
	const char *line = log, *nl, *text, *f;
	const struct leak_owner *quoted = NULL;
	char site[256];
	long owner = -1, lp;
	int found = 0, quoting = 0;
	size_t len;

	snprintf(record, size, "-");
	*pid = -1;
	if (log == NULL || how == LEAK_NONE)
		return 0;
	for (; *line != '\0'; line = nl + (*nl != '\0')) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		len = (size_t)(nl - line);
		lp = line_pid(line, len);
		/* valgrind prefixes every line with its PID; LeakSanitizer
		 * only its report's first. */
		if (how == LEAK_ASAN && lp >= 0 &&
		    find_in(line, len, "ERROR: LeakSanitizer") != NULL)
			owner = lp;
		else if (how == LEAK_VALGRIND)
			owner = lp;
		text = line;
		if (lp >= 0)
			text = strstr(line + 2, "==") + 2;
		if ((how == LEAK_VALGRIND &&
		    (find_in(text, (size_t)(nl - text), "definitely lost in") ||
		    find_in(text, (size_t)(nl - text), "indirectly lost in"))) ||
		    (how == LEAK_ASAN &&
		    (find_in(text, (size_t)(nl - text), "Direct leak of") ||
		    find_in(text, (size_t)(nl - text), "Indirect leak of")))) {
			quoting = 0;
			if (found || (owners != NULL &&
			    (quoted = owner_of(owner, owners, n)) == NULL))
				continue;
			found = 1;
			*pid = owner;
			copy_squeezed(record, size, text, (size_t)(nl - text));
			/* LeakSanitizer's "... allocated from:" */
			len = strlen(record);
			if (len > 16 && strcmp(record + len - 16,
			    " allocated from:") == 0)
				record[len - 16] = '\0';
			else if (len > 0 && record[len - 1] == ':')
				record[len - 1] = '\0';
			quoting = 1;
			continue;
		}
		if (!quoting)
			continue;
		/* The record's first frame that is the program's. */
		f = how == LEAK_VALGRIND ? find_in(text, (size_t)(nl - text),
		    " at 0x") : NULL;
		if (f == NULL && how == LEAK_VALGRIND)
			f = find_in(text, (size_t)(nl - text), " by 0x");
		if (how == LEAK_ASAN) {
			for (f = text; f < nl && *f == ' '; f++)
				continue;
			if (f == nl || *f != '#')
				f = NULL;
		}
		if (f == NULL) {
			if (text == nl || *text != ' ')
				quoting = 0;	/* the record is over */
			continue;
		}
		if (foreign_frame(f, (size_t)(nl - f)) ||
		    (how == LEAK_VALGRIND && in_libevmm(f, quoted)))
			continue;
		if (how == LEAK_VALGRIND)
			valgrind_site(f, (size_t)(nl - f), site, sizeof(site));
		else
			asan_site(f, (size_t)(nl - f), site, sizeof(site));
		append_text(record, size, ", from ");
		append_text(record, size, site);
		quoting = 0;
	}
	return found;
}
