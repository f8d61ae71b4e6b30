/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * What the end of a run means: passed, crashed, hung, leaked, not
 * reached or could not run.  Pure functions of what run.c gathered, so
 * tests/check_torture.c tests them directly.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "lib/report-keys.h"
#include "torture.h"

const char *const outcome_names[OUTCOME_COUNT] = {
	"passed", "crashed", "hung", "leaked", "not reached", "could not run"
};

static const struct {
	int sig;
	const char *name;
} signal_names[] = {
	{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
	{ SIGCHLD, "SIGCHLD" }, { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
	{ SIGTSTP, "SIGTSTP" }, { SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" },
	{ SIGURG, "SIGURG" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" },
#ifdef SIGSYS
	{ SIGSYS, "SIGSYS" },
#endif
#ifdef SIGSTKFLT
	{ SIGSTKFLT, "SIGSTKFLT" },
#endif
#ifdef SIGPWR
	{ SIGPWR, "SIGPWR" },
#endif
#ifdef SIGWINCH
	{ SIGWINCH, "SIGWINCH" },
#endif
#ifdef SIGIO
	{ SIGIO, "SIGIO" },
#endif
#ifdef SIGEMT
	{ SIGEMT, "SIGEMT" },
#endif
};

const char *
signal_name(int sig, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (signal_names[i].sig == sig)
			return signal_names[i].name;
	snprintf(buf, size, "SIG%d", sig);
	return buf;
}

/* A program's own watchdog (alarm(), a CPU limit) fires when it waits
 * or spins for too long: a hang, not a crash. */
int
signal_means_hang(int sig)
{
	return sig == SIGALRM || sig == SIGXCPU || sig == SIGVTALRM;
}

/* The highest signal number a shell's exit 128+N can stand for. */
#define SHELL_SIGNAL_MAX 64

static void
set_signal(struct verdict *v, enum verdict_how how, int sig)
{
	v->how = how;
	v->signal = sig;
	v->outcome = signal_means_hang(sig) ? HUNG : CRASHED;
}

void
classify(const struct run_facts *f, struct verdict *v)
{
	int exited = WIFEXITED(f->status);
	int status = exited ? WEXITSTATUS(f->status) : -1;

	memset(v, 0, sizeof(*v));
	v->status = status;
	if (f->timed_out) {
		v->outcome = HUNG;
		v->how = BY_TIMEOUT;
	} else if (WIFSIGNALED(f->status)) {
		set_signal(v, BY_SIGNAL, WTERMSIG(f->status));
	} else if (f->sanitizer_error) {
		/* An error in the checker's log is a crash whatever the
		 * exit status, and a log with an error and a leak too. */
		v->outcome = CRASHED;
		v->how = BY_SANITIZER;
	} else if (f->leaks != LEAK_NONE && f->sanitizer_leak) {
		v->outcome = LEAKED;
		v->how = BY_LEAK_REPORT;
	} else if (exited && status == TORTURE_EXEC_FAILED && !f->reported) {
		v->outcome = CANNOT_RUN;
		v->how = BY_EXIT;
	} else if (exited && f->base_exit_zero && status > 128 &&
	    status <= 128 + SHELL_SIGNAL_MAX) {
		/* A shell reports a child killed by signal N as exit 128+N.
		 * Believed only of a command that exits 0 when nothing
		 * fails: a graceful failure has no reason to choose it. */
		set_signal(v, BY_SHELL_STATUS, status - 128);
	} else if (f->injected && !f->reached) {
		v->outcome = NOT_REACHED;
		v->how = exited ? BY_EXIT : BY_NO_REPORT;
	} else {
		v->outcome = PASSED;
		v->how = BY_EXIT;
	}
}

void
describe_verdict(const struct verdict *v, char *buf, size_t size)
{
	char num[16];
	const char *word = outcome_names[v->outcome];

	switch (v->how) {
	case BY_SIGNAL:
		snprintf(buf, size, "%s (signal %d, %s)", word, v->signal,
		    signal_name(v->signal, num, sizeof(num)));
		break;
	case BY_SHELL_STATUS:
		snprintf(buf, size, "%s (exit %d: %s)", word, v->status,
		    signal_name(v->signal, num, sizeof(num)));
		break;
	case BY_SANITIZER:
		snprintf(buf, size, "%s (checker error)", word);
		break;
	case BY_TIMEOUT:
		snprintf(buf, size, "%s (timeout)", word);
		break;
	case BY_EXIT:
		if (v->status >= 0) {
			snprintf(buf, size, "%s (exit %d)", word, v->status);
			break;
		}
		/* fall through */
	case BY_LEAK_REPORT:
	case BY_NO_REPORT:
		snprintf(buf, size, "%s", word);
		break;
	}
}

/* --- Checker logs -------------------------------------------------------- */

/* Frames in these files are the checker's, the C library's or ours, not
 * where the program went wrong. */
static int
foreign_frame(const char *frame, size_t len)
{
	static const char *const modules[] = {
		"libevmm", "libc.so", "libc-", "ld-linux", "ld.so",
		"libasan", "libubsan", "liblsan", "libclang_rt",
		"vgpreload_", "vg_replace_", "/valgrind/", "libpthread",
		"sanitizer_common", "asan_", "ubsan_", "/sysdeps/",
		"(in /usr/libexec/valgrind", "libc_start"
	};
	size_t i, k;

	for (i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		size_t m = strlen(modules[i]);

		for (k = 0; k + m <= len; k++)
			if (memcmp(frame + k, modules[i], m) == 0)
				return 1;
	}
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
 * run.c asks for), or the default "#N 0xADDR in FUNC FILE:LINE" or
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

static const char *
find_in(const char *s, size_t len, const char *what)
{
	size_t m = strlen(what), k;

	for (k = 0; k + m <= len; k++)
		if (memcmp(s + k, what, m) == 0)
			return s + k;
	return NULL;
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

/* --- The library's crash frames ---------------------------------------- */

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

/* Whether a module is libevmm, the C library, the loader, the unwinder
 * or a checker's runtime: by its file name, whatever directory holds
 * it (a build tree may well be called libevmm-0.2.0). */
static int
foreign_module(const char *module, size_t len)
{
	static const char *const names[] = {
		"libevmm", "libc.so", "libc-", "ld-linux", "ld.so", "ld64.so",
		"ld-musl", "libpthread", "libgcc_s", "libunwind", "libasan",
		"libubsan", "liblsan", "libtsan", "libclang_rt", "vgpreload_"
	};
	size_t i, base = len;

	while (base > 0 && module[base - 1] != '/')
		base--;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (len - base >= strlen(names[i]) &&
		    memcmp(module + base, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
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
