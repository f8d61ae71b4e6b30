/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The EVMM_REPORT file and the EVMM_STATS summary: lib/report-internal.h.
 *
 * The report file is a protocol with evmm-torture(1), which reads its
 * key=value lines: the keys below must not change.  It is opened once,
 * when the environment is read, so that a later chdir() cannot move it
 * and a path that is not a regular file is refused before the program
 * runs.  It is written only by the process that opened it: a child made
 * by fork() shares the descriptor, and would otherwise replace its
 * parent's report with its own.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#ifdef HAVE_SYS_STAT_H
#include <sys/stat.h>
#endif
#ifdef HAVE_FCNTL_H
#include <fcntl.h>
#endif
#ifdef HAVE_UNISTD_H
#include <unistd.h>
#endif
#ifdef _WIN32
#include <io.h>
#include <process.h>
#endif
#ifdef HAVE_DLFCN_H
#include <dlfcn.h>
#endif

#include "event2/evmm_debug.h"
#include "atomic-internal.h"
#include "report-internal.h"
#include "report-keys.h"

/* Where the platform lacks them (Windows), what they guard against does
 * not arise there either. */
#ifndef O_NOFOLLOW
#define O_NOFOLLOW 0
#endif
#ifndef O_NONBLOCK
#define O_NONBLOCK 0
#endif
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

/* --- Text ----------------------------------------------------------------- */

static void
put(struct evmm_text *t, const char *s, size_t n)
{
	if (n > sizeof(t->buf) - t->len)
		n = sizeof(t->buf) - t->len;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

void
evmm_text_str_(struct evmm_text *t, const char *s)
{
	put(t, s, strlen(s));
}

static const char hex_digits[] = "0123456789abcdef";

void
evmm_text_escaped_(struct evmm_text *t, const char *s)
{
	char e[4];
	unsigned char c;
	size_t n;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		n = 1;
		e[0] = (char)c;
		if (c < 0x20 || c == 0x7f) {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex_digits[c >> 4];
			e[3] = hex_digits[c & 0xf];
			n = 4;
		} else if (c == '\\') {
			e[1] = '\\';
			n = 2;
		}
		if (t->len + n > sizeof(t->buf) - EVMM_TEXT_TAIL) {
			evmm_text_str_(t, "...");
			return;
		}
		put(t, e, n);
	}
}

void
evmm_text_u64_(struct evmm_text *t, uint64_t n)
{
	char d[20];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	put(t, d + i, sizeof(d) - i);
}

void
evmm_text_hex_(struct evmm_text *t, uint64_t n)
{
	char d[18];
	size_t i = sizeof(d);

	do {
		d[--i] = hex_digits[n & 0xf];
		n >>= 4;
	} while (n != 0);
	d[--i] = 'x';
	d[--i] = '0';
	put(t, d + i, sizeof(d) - i);
}

/* Write all of p to fd, through short writes and signals: 0 or an errno
 * value. */
static int
write_all(int fd, const char *p, size_t n)
{
	long w;

	while (n > 0) {
		w = (long)write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		if (w == 0)
			return EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void
evmm_text_stderr_(const struct evmm_text *t)
{
	int saved = errno;

	(void)write_all(2, t->buf, t->len);
	errno = saved;
}

/* --- The report file --------------------------------------------------- */

#if defined(__GNUC__) || defined(__clang__)
#define TRY_LOCK_(p)	(__atomic_exchange_n((p), 1, __ATOMIC_ACQUIRE) == 0)
#define UNLOCK_(p)	__atomic_store_n((p), 0, __ATOMIC_RELEASE)
#else
#define TRY_LOCK_(p)	(*(p) = 1)
#define UNLOCK_(p)	(*(p) = 0)
#endif

static int report_fd = -1;
static const char *report_path;
/* The process that opened it, and the file it opened: a program that
 * closes every descriptor it did not open, then opens another, must not
 * find the report written into that one. */
static long report_pid;
static dev_t report_dev;
static ino_t report_ino;
/* Serialises writers (the first injected failure, in any thread, and the
 * exit), and guards `out`, the report being written, which is too large
 * for the stack of a thread that happened to allocate. */
static int report_busy;
static struct evmm_text out;
static int report_failed;
static long summary_pid;

static long
current_pid(void)
{
	return (long)getpid();
}

/* "libevmm: EVMM_REPORT: cannot write PATH: WHY; no report is written" */
static void
report_problem(const char *path, const char *why)
{
	struct evmm_text t;

	t.len = 0;
	evmm_text_str_(&t, "libevmm: EVMM_REPORT: cannot write ");
	evmm_text_escaped_(&t, path);
	evmm_text_str_(&t, ": ");
	evmm_text_str_(&t, why);
	evmm_text_str_(&t, "; no report is written\n");
	evmm_text_stderr_(&t);
}

int
evmm_report_open_(const char *path)
{
	struct stat sb;
	const char *why;
	int fd, err;

	/* No O_TRUNC: POSIX leaves its effect on anything but a regular
	 * file open, so the file is truncated only once fstat() has shown
	 * it to be one.  O_NONBLOCK: a FIFO with no reader fails at once
	 * (ENXIO) instead of waiting for one. */
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0644);
	if (fd < 0) {
		err = errno;
		why = strerror(err);
		if (err == ELOOP)
			why = "it is a symbolic link, which is not followed";
#ifdef EMLINK
		if (err == EMLINK)	/* FreeBSD's O_NOFOLLOW */
			why = "it is a symbolic link, which is not followed";
#endif
		if (err == ENXIO)
			why = "not a regular file";
		report_problem(path, why);
		return -1;
	}
	why = NULL;
	if (fstat(fd, &sb) != 0)
		why = strerror(errno);
	else if (!S_ISREG(sb.st_mode))
		why = "not a regular file";
	else if (ftruncate(fd, 0) != 0)
		why = strerror(errno);
	if (why != NULL) {
		(void)close(fd);
		report_problem(path, why);
		return -1;
	}
#ifdef F_DUPFD_CLOEXEC
	/* A program started with standard streams closed would otherwise
	 * write its output into the report. */
	if (fd <= 2) {
		int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		if (moved >= 0) {
			(void)close(fd);
			fd = moved;
		}
	}
#endif
	report_fd = fd;
	report_path = path;
	report_pid = current_pid();
	report_dev = sb.st_dev;
	report_ino = sb.st_ino;
	return 0;
}

int
evmm_report_is_open_(void)
{
	return EVMM_LOAD_RELAXED(&report_fd) >= 0;
}

void
evmm_text_call_site_(struct evmm_text *t, const char *file, uint64_t offset,
    const char *symbol)
{
	evmm_text_escaped_(t, file);
	evmm_text_str_(t, "+");
	evmm_text_hex_(t, offset);
	if (symbol != NULL) {
		evmm_text_str_(t, " (");
		evmm_text_escaped_(t, symbol);
		evmm_text_str_(t, ")");
	}
}

/* Where the call that returned to addr is: "file+0xoffset (symbol)".
 * One byte back from the return address is inside the call instruction,
 * so that addr2line names the calling line, not the next one.  The file
 * name of the main program is its argv[0], which its caller chose: it is
 * escaped like every name. */
static void
describe_call_site(struct evmm_text *t, void *addr)
{
#ifdef HAVE_DLADDR
	Dl_info dl;

	if (addr != NULL && dladdr(addr, &dl) != 0 && dl.dli_fname != NULL) {
		evmm_text_call_site_(t, dl.dli_fname, (uint64_t)((char *)addr -
		    (char *)dl.dli_fbase) - 1, dl.dli_sname);
		return;
	}
#endif
	evmm_text_hex_(t, (uint64_t)(uintptr_t)addr);
}

static void
key(struct evmm_text *t, const char *name, uint64_t value)
{
	evmm_text_str_(t, name);
	evmm_text_str_(t, "=");
	evmm_text_u64_(t, value);
	evmm_text_str_(t, "\n");
}

static void
format_report(struct evmm_text *t)
{
	struct evmm_stats s;
	struct evmm_fault_info info;

	t->len = 0;
	evmm_stats_get(&s, sizeof(s));
	key(t, EVMM_REPORT_ALLOCATIONS, evmm_instr_allocations_());
	key(t, EVMM_REPORT_MALLOC_CALLS, s.malloc_calls);
	key(t, EVMM_REPORT_CALLOC_CALLS, s.calloc_calls);
	key(t, EVMM_REPORT_STRDUP_CALLS, s.strdup_calls);
	key(t, EVMM_REPORT_REALLOC_CALLS, s.realloc_calls);
	key(t, EVMM_REPORT_FREE_CALLS, s.free_calls);
	key(t, EVMM_REPORT_INJECTED_FAILURES, s.injected_failures);
	key(t, EVMM_REPORT_REAL_FAILURES, s.real_failures);
	key(t, EVMM_REPORT_LIVE_BLOCKS, s.live_blocks);
	if (s.bytes_known) {
		key(t, EVMM_REPORT_LIVE_BYTES, s.live_bytes);
		key(t, EVMM_REPORT_PEAK_BYTES, s.peak_bytes);
	}
	info.size = sizeof(info);
	if (evmm_fault_first(&info) == 1) {
		key(t, EVMM_REPORT_FIRST_INJECTED_CALL, info.call);
		evmm_text_str_(t, EVMM_REPORT_FIRST_INJECTED_ENTRY "=");
		evmm_text_str_(t, info.entry);
		evmm_text_str_(t, "\n" EVMM_REPORT_FIRST_INJECTED_CALLER "=");
		describe_call_site(t, info.caller);
		evmm_text_str_(t, "\n");
	}
}

/* The descriptor still refers to the file that was opened: 0 or why not. */
static const char *
still_the_report(void)
{
	struct stat sb;

	if (fstat(report_fd, &sb) != 0 || sb.st_dev != report_dev ||
	    sb.st_ino != report_ino)
		return "the program closed or replaced its descriptor";
	return NULL;
}

void
evmm_report_write_(void)
{
	const char *why;
	int saved = errno, err = 0;

	/* Read once unlocked: the exit closes it while other threads may
	 * still be allocating. */
	if (EVMM_LOAD_RELAXED(&report_fd) < 0 || current_pid() != report_pid)
		return;
	while (!TRY_LOCK_(&report_busy))
		continue;
	if (report_fd < 0)
		goto out;
	format_report(&out);
	why = still_the_report();
	if (why == NULL) {
		/* Rewritten whole each time: at the first failure in case
		 * the program then crashes, at exit with the final counts. */
		if (lseek(report_fd, 0, SEEK_SET) != 0)
			err = errno;
		else if ((err = write_all(report_fd, out.buf, out.len)) == 0 &&
		    ftruncate(report_fd, (off_t)out.len) != 0)
			err = errno;
		if (err != 0)
			why = strerror(err);
	}
	if (why != NULL && !report_failed) {
		report_failed = 1;
		report_problem(report_path, why);
	}
out:
	UNLOCK_(&report_busy);
	errno = saved;
}

int
evmm_report_fd_(void)
{
	int fd = EVMM_LOAD_RELAXED(&report_fd);

	if (fd < 0 || current_pid() != report_pid || still_the_report() != NULL)
		return -1;
	return fd;
}

/* At exit: the report's last version, then its descriptor closed, which
 * can fail too (on NFS, for instance). */
static void
close_report(void)
{
	int fd;

	if (report_fd < 0 || current_pid() != report_pid)
		return;
	evmm_report_write_();
	while (!TRY_LOCK_(&report_busy))
		continue;
	fd = report_fd;
	EVMM_STORE_RELAXED(&report_fd, -1);
	UNLOCK_(&report_busy);
	if (close(fd) != 0 && !report_failed)
		report_problem(report_path, strerror(errno));
}

/* --- The EVMM_STATS summary --------------------------------------------- */

void
evmm_report_summary_at_exit_(void)
{
	summary_pid = current_pid();
}

static void
label(struct evmm_text *t, const char *name, uint64_t value,
    const char *after)
{
	evmm_text_str_(t, name);
	evmm_text_u64_(t, value);
	evmm_text_str_(t, after);
}

static void
print_summary(void)
{
	struct evmm_stats s;
	struct evmm_text t;

	if (summary_pid == 0 || current_pid() != summary_pid)
		return;
	evmm_stats_get(&s, sizeof(s));
	t.len = 0;
	evmm_text_str_(&t, "libevmm: EVMM_STATS: allocation statistics of "
	    "process ");
	evmm_text_u64_(&t, (uint64_t)summary_pid);
	evmm_text_str_(&t, " at exit\n");
	label(&t, "libevmm:   calls     malloc ", s.malloc_calls, "");
	label(&t, ", calloc ", s.calloc_calls, "");
	label(&t, ", strdup ", s.strdup_calls, "");
	label(&t, ", realloc ", s.realloc_calls, "");
	label(&t, ", free ", s.free_calls, "\n");
	label(&t, "libevmm:   failures  injected ", s.injected_failures, "");
	label(&t, ", real ", s.real_failures, "\n");
	label(&t, "libevmm:   live      ", s.live_blocks, " blocks");
	if (s.bytes_known) {
		label(&t, ", ", s.live_bytes, " bytes");
		label(&t, " (peak ", s.peak_bytes, " bytes)\n");
	} else {
		evmm_text_str_(&t, " (bytes unknown: the program's allocator"
		    " does not report block sizes)\n");
	}
	evmm_text_stderr_(&t);
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((destructor))
static void
at_exit(void)
{
	close_report();
	print_summary();
}
#endif
