/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The EVMM_REPORT file: lib/report-internal.h.
 * What they say is handed to them (lib/snapshot.c gathers it); this file
 * owns where they go.  Depends on lib/text.c, lib/report-files.c (whether
 * a file is fit to hold a report, and the keys of a directory's
 * reports), lib/report-keys.h and the types of lib/sites-internal.h
 * only.
 *
 * The report file is a protocol with evmm-torture(1), which reads its
 * key=value lines: the keys below must not change.  It is opened once,
 * when the environment is read, so that a later chdir() cannot move it
 * and a path that is not a regular file is refused before the program
 * runs.  It is written only by the process that opened it: a child made
 * by fork() shares the descriptor, and would otherwise replace its
 * parent's report with its own.
 *
 * The report is the caller's alone: it is created with mode 0600, and a
 * file that belongs to another user, or has more than one link (a hard
 * link planted in a shared directory), is refused rather than emptied.
 *
 * When EVMM_REPORT names a directory, each process writes a file of its
 * own there instead, named by its process key: "NAME#N" for a program
 * image that loads the library (NAME its program's name), and the
 * parent's key followed by ".M" for its M-th child made by fork(),
 * which creates its file at its first write.  The directory must belong
 * to the caller and be writable by no one else, sticky or not: another
 * user who could create names there could take the names its processes
 * need.  N comes from the counter file ".NAME#next" in the directory,
 * read and advanced under a lock: one open whatever the directory
 * holds, and the same sequence of programs gets the same keys in every
 * run.  A file already in a key's place is refused, never skipped: a
 * skipped ordinal would shift every later key, and EVMM_FAULT_PROCESS
 * would then fail another process than the one it names.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
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
#include <process.h>
#endif
#ifdef HAVE_DLFCN_H
#include <dlfcn.h>
#endif

#include "event2/evmm_debug.h"
#include "atomic-internal.h"
#include "report-files-internal.h"
#include "report-internal.h"
#include "report-keys.h"
#include "text-internal.h"

/* --- The report file --------------------------------------------------- */

#define TRY_LOCK_(p)	(EVMM_EXCHANGE_ACQUIRE((p), 1) == 0)
#define UNLOCK_(p)	EVMM_STORE_RELEASE((p), 0)

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

/* Directory reports.  report_dir: the directory, kept open so that a
 * later chdir() cannot move it, and checked against dir_dev and dir_ino
 * before a file is made in it.  process_key: this process's key, empty
 * when reports do not go to a directory (or it has none).  report_pending:
 * this process has a key but no file yet (a child made by fork()).
 * forks: the children this process has made by fork(). */
#ifdef EVMM_REPORT_DIRECTORIES_
static int report_dir = -1;
static dev_t dir_dev;
static ino_t dir_ino;
#endif
static char process_key[EVMM_PROCESS_KEY_MAX + 1];
static int report_pending;
static unsigned long forks;
#ifdef EVMM_REPORT_DIRECTORIES_
static const char *dir_path;
/* The directory and the key, for messages. */
static char report_name[EVMM_REPORT_NAME_SIZE];
#endif

static long
current_pid(void)
{
	return (long)getpid();
}

/* Keep fd, open on path, as the report if it is the caller's regular
 * file (then emptied): 0, or -1 after saying why. */
static int
adopt_report(int fd, const char *path)
{
	struct stat sb;
	const char *why = NULL;

	if (fstat(fd, &sb) != 0)
		why = strerror(errno);
	else
		why = evmm_not_callers_file_(&sb);
	if (why == NULL && ftruncate(fd, 0) != 0)
		why = strerror(errno);
	if (why != NULL) {
		(void)close(fd);
		evmm_report_problem_(path, why);
		return -1;
	}
	report_fd = evmm_above_standard_streams_(fd);
	report_path = path;
	report_pid = current_pid();
	report_dev = sb.st_dev;
	report_ino = sb.st_ino;
	return 0;
}

#ifdef EVMM_REPORT_DIRECTORIES_
static int create_named(const char *name, int access);

/* Create the file @p name in the directory, which must not exist:
 * O_EXCL, so that nothing already there (a file, a symbolic link) is
 * followed, opened or emptied; opened with @p access (O_WRONLY or
 * O_RDWR).  The file descriptor, or -1 with errno set. */
static int
create_named(const char *name, int access)
{
	struct stat sb;

	/* A program that closed every descriptor and opened others must
	 * not see its file made in whatever directory now has the
	 * number. */
	if (fstat(report_dir, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
	    sb.st_dev != dir_dev || sb.st_ino != dir_ino) {
		errno = EBADF;
		return -1;
	}
	return openat(report_dir, name, access | O_CREAT | O_EXCL |
	    O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* This process's report in the directory, named by its key. */
static int
create_in_directory(void)
{
	return create_named(process_key, O_WRONLY);
}

static void
name_report(const char *dir)
{
	evmm_join_path_(report_name, dir, process_key);
}

/* EVMM_REPORT is the directory open on dirfd: take this process's key,
 * NAME#N with N from the directory's counter, and create its file. */
static int
open_in_directory(int dirfd, const char *path)
{
	struct stat sb;
	struct evmm_text t;
	unsigned long n;
	size_t len;
	const char *why;
	int fd;

	dirfd = evmm_above_standard_streams_(dirfd);
	if (fstat(dirfd, &sb) != 0)
		why = strerror(errno);
	else
		why = evmm_not_callers_directory_(&sb);
	if (why != NULL) {
		evmm_report_problem_(path, why);
		(void)close(dirfd);
		return -1;
	}
	report_dir = dirfd;
	dir_dev = sb.st_dev;
	dir_ino = sb.st_ino;
	dir_path = path;
	len = evmm_program_key_name_(process_key);
	n = evmm_take_ordinal_(dirfd, path, process_key);
	fd = -1;
	if (n > 0) {
		t.len = 0;
		evmm_text_str_(&t, "#");
		evmm_text_u64_(&t, n);
		memcpy(process_key + len, t.buf, t.len);
		process_key[len + t.len] = '\0';
		name_report(path);
		fd = create_in_directory();
		if (fd < 0)
			evmm_report_problem_(report_name, errno == EEXIST ?
			    "a file of that name is in the way" :
			    strerror(errno));
	}
	if (fd < 0) {
		process_key[0] = '\0';
		(void)close(dirfd);
		report_dir = -1;
		return -1;
	}
	return adopt_report(fd, report_name);
}
#endif /* EVMM_REPORT_DIRECTORIES_ */

int
evmm_report_open_(const char *path)
{
	const char *why;
	int fd, err;

#ifdef EVMM_REPORT_DIRECTORIES_
	/* A directory that is one, not a symbolic link to one; anything
	 * else is taken as a file, as before. */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		return open_in_directory(fd, path);
#endif

	/* No O_TRUNC: POSIX leaves its effect on anything but a regular
	 * file open, so the file is truncated only once fstat() has shown
	 * it to be one.  O_NONBLOCK: a FIFO with no reader fails at once
	 * (ENXIO) instead of waiting for one. */
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC, 0600);
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
		evmm_report_problem_(path, why);
		return -1;
	}
	return adopt_report(fd, path);
}

int
evmm_report_is_open_(void)
{
	return EVMM_LOAD_RELAXED(&report_fd) >= 0 ||
	    EVMM_LOAD_RELAXED(&report_pending);
}

const char *
evmm_report_key_(void)
{
	return process_key[0] != '\0' ? process_key : NULL;
}

int
evmm_report_create_beside_(const char *suffix)
{
#ifdef EVMM_REPORT_DIRECTORIES_
	char name[EVMM_PROCESS_KEY_MAX + 16];
	size_t klen = strlen(process_key), slen = strlen(suffix);

	if (klen > 0 && report_dir >= 0 && slen < sizeof(name) - klen) {
		memcpy(name, process_key, klen);
		memcpy(name + klen, suffix, slen + 1);
		return create_named(name, O_RDWR);
	}
#else
	(void)suffix;
#endif
	errno = ENOENT;
	return -1;
}

void
evmm_report_forking_(void)
{
	forks++;
}

/* Runs in the child's fork handler, on the stack of whichever thread
 * called fork(), which may be small: no struct evmm_text here, nor in
 * what it calls. */
void
evmm_report_forked_(void)
{
	static const char too_deep[] = "libevmm: EVMM_REPORT: the process "
	    "key of a child made by fork() this deep would be too long; "
	    "this child writes no report\n";
	char digits[24];
	size_t len = strlen(process_key), i = sizeof(digits);
	unsigned long n = forks;
	int err;

	/* The child has one thread: a writer the fork cut is gone. */
	report_busy = 0;
	if (len == 0)
		return;
	if (report_fd >= 0)
		(void)close(report_fd);	/* the child's copy of the parent's */
	report_fd = -1;
	report_pid = current_pid();
	report_failed = 0;
	forks = 0;
	/* ".M", M the parent's forks so far, written backwards. */
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	digits[--i] = '.';
	if (len + sizeof(digits) - i > EVMM_PROCESS_KEY_MAX) {
		process_key[0] = '\0';
		report_pending = 0;
		err = errno;
		(void)evmm_write_all_(2, too_deep, sizeof(too_deep) - 1);
		errno = err;
		return;
	}
	memcpy(process_key + len, digits + i, sizeof(digits) - i);
	process_key[len + sizeof(digits) - i] = '\0';
#ifdef EVMM_REPORT_DIRECTORIES_
	name_report(dir_path);
#endif
	report_pending = 1;
}

/* Where the call that returned to addr is: "file+0xoffset (symbol)".
 * One byte back from the return address is inside the call instruction,
 * so that addr2line names the calling line, not the next one.  The file
 * name of the main program is its argv[0], which its caller chose: it is
 * escaped like every name, and each name cut to name_max bytes. */
static void
describe_call_site(struct evmm_text *t, void *addr, size_t name_max)
{
#ifdef HAVE_DLADDR
	Dl_info dl;

	if (addr != NULL && dladdr(addr, &dl) != 0 && dl.dli_fname != NULL) {
		evmm_text_call_site_cut_(t, dl.dli_fname,
		    (uint64_t)((char *)addr - (char *)dl.dli_fbase) - 1,
		    dl.dli_sname, name_max);
		return;
	}
#endif
	(void)name_max;
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
format_report(struct evmm_text *t, const struct evmm_report_data *d)
{
	const struct evmm_stats *s = &d->stats;

	t->len = 0;
	if (process_key[0] != '\0') {
		evmm_text_str_(t, EVMM_REPORT_PROCESS "=");
		evmm_text_str_(t, process_key);
		evmm_text_str_(t, "\n");
	}
	key(t, EVMM_REPORT_PID, (uint64_t)current_pid());
	key(t, EVMM_REPORT_ALLOCATIONS, d->allocations);
	key(t, EVMM_REPORT_MALLOC_CALLS, s->malloc_calls);
	key(t, EVMM_REPORT_CALLOC_CALLS, s->calloc_calls);
	key(t, EVMM_REPORT_STRDUP_CALLS, s->strdup_calls);
	key(t, EVMM_REPORT_REALLOC_CALLS, s->realloc_calls);
	key(t, EVMM_REPORT_FREE_CALLS, s->free_calls);
	key(t, EVMM_REPORT_INJECTED_FAILURES, s->injected_failures);
	key(t, EVMM_REPORT_REAL_FAILURES, s->real_failures);
	key(t, EVMM_REPORT_LIVE_BLOCKS, s->live_blocks);
	if (s->bytes_known) {
		key(t, EVMM_REPORT_LIVE_BYTES, s->live_bytes);
		key(t, EVMM_REPORT_PEAK_BYTES, s->peak_bytes);
	}
	if (d->first_known) {
		key(t, EVMM_REPORT_FIRST_INJECTED_CALL, d->first.call);
		evmm_text_str_(t, EVMM_REPORT_FIRST_INJECTED_ENTRY "=");
		evmm_text_str_(t, d->first.entry);
		evmm_text_str_(t, "\n" EVMM_REPORT_FIRST_INJECTED_CALLER "=");
		describe_call_site(t, d->first.caller, sizeof(t->buf));
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

/* After the rest of the report, from offset *end on, which it moves:
 * the sites (lib/report-keys.h), in pieces of `out` so that there can
 * be thousands.  0, or an errno value. */
static int
write_sites(const struct evmm_report_data *d, off_t *end)
{
	size_t k;
	int err;

	out.len = 0;
	for (k = 0; k < d->sites_count; k++) {
		if (sizeof(out.buf) - out.len < EVMM_SITE_LINE_MAX) {
			if ((err = evmm_write_all_(report_fd, out.buf,
			    out.len)) != 0)
				return err;
			*end += (off_t)out.len;
			out.len = 0;
		}
		evmm_text_str_(&out, EVMM_REPORT_SITE "=");
		evmm_text_u64_(&out, d->sites[k].first);
		evmm_text_str_(&out, " ");
		describe_call_site(&out, d->sites[k].caller,
		    EVMM_SITE_NAME_MAX);
		evmm_text_str_(&out, "\n");
	}
	key(&out, EVMM_REPORT_SITES, d->sites_count);
	if (d->sites_full)
		key(&out, EVMM_REPORT_SITES_FULL, 1);
	if ((err = evmm_write_all_(report_fd, out.buf, out.len)) != 0)
		return err;
	*end += (off_t)out.len;
	return 0;
}

int
evmm_report_owned_(void)
{
	return evmm_report_is_open_() && current_pid() == report_pid;
}

int
evmm_report_begin_(void)
{
	/* Read once unlocked: the exit closes it while other threads may
	 * still be allocating. */
	if (!evmm_report_owned_())
		return 0;
	while (!TRY_LOCK_(&report_busy))
		continue;
#ifdef EVMM_REPORT_DIRECTORIES_
	if (report_pending) {
		int fd = create_in_directory();

		EVMM_STORE_RELAXED(&report_pending, 0);
		if (fd < 0) {
			report_failed = 1;
			evmm_report_problem_(report_name, errno == EEXIST ?
			    "a file of that name is in the way" :
			    strerror(errno));
		} else if (adopt_report(fd, report_name) != 0)
			report_failed = 1;
	}
#endif
	if (report_fd < 0) {
		UNLOCK_(&report_busy);
		return 0;
	}
	return 1;
}

/* The report, whole; rewritten each time: at the first failure in case
 * the program then crashes, at exit with the final counts and the
 * sites (listing them takes the dynamic loader's lock once for each). */
void
evmm_report_write_(const struct evmm_report_data *d)
{
	const char *why;
	int err = 0;
	off_t end;

	format_report(&out, d);
	why = still_the_report();
	if (why == NULL) {
		end = (off_t)out.len;
		if (lseek(report_fd, 0, SEEK_SET) != 0)
			err = errno;
		else if ((err = evmm_write_all_(report_fd, out.buf,
		    out.len)) == 0 &&
		    (!d->sites_listed || (err = write_sites(d, &end)) == 0) &&
		    ftruncate(report_fd, end) != 0)
			err = errno;
		if (err != 0)
			why = strerror(err);
	}
	if (why != NULL && !report_failed) {
		report_failed = 1;
		evmm_report_problem_(report_path, why);
	}
}

void
evmm_report_end_(void)
{
	UNLOCK_(&report_busy);
}

int
evmm_report_fd_(void)
{
	int fd = EVMM_LOAD_RELAXED(&report_fd);

	if (fd < 0 || current_pid() != report_pid || still_the_report() != NULL)
		return -1;
	return fd;
}

void
evmm_report_close_(void)
{
	int fd;

	while (!TRY_LOCK_(&report_busy))
		continue;
	fd = report_fd;
	EVMM_STORE_RELAXED(&report_fd, -1);
	UNLOCK_(&report_busy);
	if (fd >= 0 && close(fd) != 0 && !report_failed)
		evmm_report_problem_(report_path, strerror(errno));
}
