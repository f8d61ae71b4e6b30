/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The files an EVMM_REPORT goes into: lib/report-files-internal.h.
 * Depends on lib/text.c and lib/report-keys.h only.  lib/report.c says
 * why a report must be the caller's alone and how the keys of a
 * directory's reports are made.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_UNISTD_H
#include <unistd.h>
#endif

#include "report-files-internal.h"
#include "text-internal.h"

/* "libevmm: EVMM_REPORT: cannot write PATH: WHY; no report is written" */
void
evmm_report_problem_(const char *path, const char *why)
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

/* fd, moved above the standard streams: a program started with them
 * closed would otherwise write its output into the report. */
int
evmm_above_standard_streams_(int fd)
{
#ifdef F_DUPFD_CLOEXEC
	if (fd <= 2) {
		int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);

		if (moved >= 0) {
			(void)close(fd);
			fd = moved;
		}
	}
#endif
	return fd;
}

/* Whether the file or directory sb describes belongs to the caller;
 * where the platform has no owners (Windows), everything does. */
static int
callers_own(const struct stat *sb)
{
#ifdef HAVE_GETEUID
	return sb->st_uid == geteuid();
#else
	(void)sb;
	return 1;
#endif
}

/* Why the file sb describes is not the caller's alone to write, or NULL.
 * Another user's file, or a hard link planted in a shared directory (to
 * a file elsewhere, of this user or not), would receive the report. */
const char *
evmm_not_callers_file_(const struct stat *sb)
{
	if (!S_ISREG(sb->st_mode))
		return "not a regular file";
	if (!callers_own(sb))
		return "it belongs to another user";
	if (sb->st_nlink != 1)
		return "it has more than one link (a hard link)";
	return NULL;
}

#ifdef EVMM_REPORT_DIRECTORIES_
/* Why the directory sb describes is not the caller's alone, or NULL.
 * The sticky bit is not enough: it keeps others from removing the
 * caller's files, not from creating the names its processes will
 * need. */
const char *
evmm_not_callers_directory_(const struct stat *sb)
{
	if (!callers_own(sb))
		return "the directory belongs to another user";
	if ((sb->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return "other users can write to the directory";
	return NULL;
}

/* Copy @p s to @p buf at @p at, cut to leave room for the NUL that ends
 * it (@p size > 0): where the string now ends. */
static size_t
append_cut(char *buf, size_t size, size_t at, const char *s)
{
	while (*s != '\0' && at < size - 1)
		buf[at++] = *s++;
	buf[at] = '\0';
	return at;
}

/* Built in place, with no buffer on the stack: it runs in the child
 * of fork(), whose stack may be a small thread's
 * (evmm_report_forked_()). */
void
evmm_join_path_(char *buf, const char *dir, const char *name)
{
	size_t n = 0;

	n = append_cut(buf, EVMM_REPORT_NAME_SIZE, n, dir);
	n = append_cut(buf, EVMM_REPORT_NAME_SIZE, n, "/");
	(void)append_cut(buf, EVMM_REPORT_NAME_SIZE, n, name);
}

/* The program's name as a key's NAME: its bytes outside [A-Za-z0-9._-]
 * made '_', cut to EVMM_PROCESS_NAME_MAX bytes; "process" when there is
 * none. */
size_t
evmm_program_key_name_(char *buf)
{
	const char *name = NULL;
	size_t n;
	unsigned char c;

#if defined(HAVE_DECL_PROGRAM_INVOCATION_SHORT_NAME) && \
    HAVE_DECL_PROGRAM_INVOCATION_SHORT_NAME
	name = program_invocation_short_name;
#elif defined(HAVE_GETPROGNAME)
	name = getprogname();
#endif
	if (name == NULL || *name == '\0')
		name = "process";
	for (n = 0; name[n] != '\0' && n < EVMM_PROCESS_NAME_MAX; n++) {
		c = (unsigned char)name[n];
		buf[n] = (char)((c >= 'a' && c <= 'z') || (c >= 'A' &&
		    c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		    c == '_' || c == '-' ? c : '_');
	}
	buf[n] = '\0';
	return n;
}

/* The ordinal N of this program image's key NAME#N, from the counter
 * file ".NAME#next" in the directory, which holds the last N taken:
 * read and advanced under a lock, so that programs of one name started
 * at once take different ordinals.  N, or 0 after saying why on
 * standard error. */
unsigned long
evmm_take_ordinal_(int dirfd, const char *dir, const char *name)
{
	char counter[EVMM_PROCESS_NAME_MAX + sizeof(".#next")];
	char path[EVMM_REPORT_NAME_SIZE];
	struct evmm_text t;
	struct flock lock;
	struct stat sb;
	const char *why = NULL;
	unsigned long last = 0;
	ssize_t got;
	int fd, k;

	t.len = 0;
	evmm_text_str_(&t, ".");
	evmm_text_str_(&t, name);
	evmm_text_str_(&t, "#next");
	memcpy(counter, t.buf, t.len);
	counter[t.len] = '\0';
	evmm_join_path_(path, dir, counter);

	fd = openat(dirfd, counter, O_RDWR | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0) {
		evmm_report_problem_(path, strerror(errno));
		return 0;
	}
	memset(&lock, 0, sizeof(lock));
	lock.l_type = F_WRLCK;
	lock.l_whence = SEEK_SET;
	if (fstat(fd, &sb) != 0)
		why = strerror(errno);
	else
		why = evmm_not_callers_file_(&sb);
	while (why == NULL && fcntl(fd, F_SETLKW, &lock) != 0)
		if (errno != EINTR)
			why = strerror(errno);
	if (why == NULL) {
		got = pread(fd, t.buf, 24, 0);
		if (got < 0)
			why = strerror(errno);
		for (k = 0; why == NULL && k < got && t.buf[k] != '\n'; k++) {
			if (t.buf[k] < '0' || t.buf[k] > '9' ||
			    last > EVMM_PROCESS_ORDINAL_MAX)
				why = "not a counter of report keys";
			else
				last = last * 10 + (unsigned long)(t.buf[k] -
				    '0');
		}
	}
	if (why == NULL && last >= EVMM_PROCESS_ORDINAL_MAX)
		why = "every key is taken; remove the directory's "
		    "reports and this counter";
	if (why == NULL) {
		last++;
		t.len = 0;
		evmm_text_u64_(&t, last);
		evmm_text_str_(&t, "\n");
		/* Never shorter than what it replaces: N only grows. */
		if ((got = pwrite(fd, t.buf, t.len, 0)) < 0)
			why = strerror(errno);
		else if ((size_t)got != t.len)
			why = "short write";
	}
	(void)close(fd);	/* lets the lock go */
	if (why != NULL) {
		evmm_report_problem_(path, why);
		return 0;
	}
	return last;
}
#endif /* EVMM_REPORT_DIRECTORIES_ */
