/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The files an EVMM_REPORT goes into (lib/report-files.c), for the report
 * writer (lib/report.c): whether a file or a directory is the caller's
 * alone to write, and the keys that name a directory's reports.  Not
 * installed.
 */
#ifndef EVMM_REPORT_FILES_INTERNAL_H_INCLUDED_
#define EVMM_REPORT_FILES_INTERNAL_H_INCLUDED_

#include <stddef.h>
#include <sys/types.h>
#ifdef HAVE_SYS_STAT_H
#include <sys/stat.h>
#endif
#ifdef HAVE_FCNTL_H
#include <fcntl.h>
#endif

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

/* Reports may go to a directory, one file per process. */
#if defined(HAVE_OPENAT) && defined(O_DIRECTORY)
#define EVMM_REPORT_DIRECTORIES_ 1
#endif

/* The bytes of a directory's path, a '/' and a process key, with the NUL:
 * the buffers of evmm_join_path_(). */
#define EVMM_REPORT_NAME_SIZE (4096 + EVMM_PROCESS_KEY_MAX + 2)

/* Say on standard error "libevmm: EVMM_REPORT: cannot write PATH: WHY;
 * no report is written", PATH escaped. */
void evmm_report_problem_(const char *path, const char *why);

/* @p fd, moved to a descriptor above 2 where it was one of the standard
 * streams (which a program started with them closed would otherwise
 * write into the report); @p fd itself where it could not be moved. */
int evmm_above_standard_streams_(int fd);

/* Why the file @p sb describes is not the caller's alone to write (not a
 * regular file, another user's, or more than one link), or NULL. */
const char *evmm_not_callers_file_(const struct stat *sb);

#ifdef EVMM_REPORT_DIRECTORIES_
/* Why the directory @p sb describes is not the caller's alone (another
 * user's, or writable by others), or NULL. */
const char *evmm_not_callers_directory_(const struct stat *sb);

/* "DIR/NAME" in @p buf, of EVMM_REPORT_NAME_SIZE bytes, cut to fit.
 * Safe on a small stack: it uses none. */
void evmm_join_path_(char *buf, const char *dir, const char *name);

/* The program's name as a process key's NAME in @p buf (at least
 * EVMM_PROCESS_NAME_MAX + 1 bytes): its bytes outside [A-Za-z0-9._-]
 * made '_', cut to EVMM_PROCESS_NAME_MAX bytes; "process" when there is
 * none.  Returns its length. */
size_t evmm_program_key_name_(char *buf);

/* Take the next ordinal N of the key NAME#N from the counter file
 * ".NAME#next" in the directory @p dir, open on @p dirfd, under a lock.
 * Returns N, or 0 after saying why on standard error. */
unsigned long evmm_take_ordinal_(int dirfd, const char *dir,
    const char *name);
#endif

#endif /* EVMM_REPORT_FILES_INTERNAL_H_INCLUDED_ */
