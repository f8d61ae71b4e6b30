/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * libFuzzer target: the process keys of EVMM_REPORT=DIRECTORY, built by
 * lib/report.c, which this file includes so that its key builder is
 * tested as it is, with lib/text.c linked.  The input is one byte of how
 * many processes of the name took a key before (0 to 3, which the
 * directory's counter ".NAME#next" holds), a program name up to a NUL
 * byte, then one byte per generation of children made by fork(), each
 * the child's number M less one.  Oracles, from evmm_fault_set(3)
 * through reference.c: the key is NAME#N, NAME the program's name made
 * of [A-Za-z0-9._-] and cut to 48 bytes, N one more than the counter
 * held; each child's key is its parent's
 * followed by ".M", and a child whose key would pass 200 bytes has none,
 * nor do its own children.  The report's file in the directory is named
 * by the key.  Needs glibc's program_invocation_short_name, which it
 * sets; elsewhere it tests nothing.  Built and run by fuzz/run.sh.
 */
#include "report.c"

#include <stdio.h>

#include "reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(EVMM_REPORT_DIRECTORIES_) && \
    defined(HAVE_DECL_PROGRAM_INVOCATION_SHORT_NAME) && \
    HAVE_DECL_PROGRAM_INVOCATION_SHORT_NAME
/* Made in $TMPDIR, which fuzz/run.sh points into its work directory. */
static char dir[512];

/* Back to no report, and the directory emptied of what was made. */
static void
reset(const char *taken_name, unsigned taken, const char *made)
{
	char path[1024];

	if (report_fd >= 0)
		(void)close(report_fd);
	report_fd = -1;
	if (report_dir >= 0)
		(void)close(report_dir);
	report_dir = -1;
	process_key[0] = '\0';
	report_pending = 0;
	forks = 0;
	snprintf(path, sizeof(path), "%s/.%s#next", dir, taken_name);
	(void)unlink(path);
	(void)taken;
	if (made != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, made);
		(void)unlink(path);
	}
}

/* The children: each byte a generation, the key checked after each. */
static void
check_children(const char *key, const uint8_t *data, size_t size)
{
	char want[REF_KEY_MAX + 64], had[REF_KEY_MAX + 64];
	unsigned long m, i;
	int quiet, saved, keyed = 1;

	snprintf(want, sizeof(want), "%s", key);
	for (; size > 0; data++, size--) {
		m = (unsigned long)*data + 1;
		for (i = 0; i < m; i++)
			evmm_report_forking_();
		/* "too deep" is expected: not on the fuzzer's stderr */
		saved = dup(2);
		quiet = open("/dev/null", O_WRONLY);
		if (saved >= 0 && quiet >= 0)
			(void)dup2(quiet, 2);
		evmm_report_forked_();
		if (saved >= 0 && quiet >= 0)
			(void)dup2(saved, 2);
		if (quiet >= 0)
			(void)close(quiet);
		if (saved >= 0)
			(void)close(saved);
		memcpy(had, want, sizeof(had));
		keyed = keyed && ref_child_key(had, m, want, sizeof(want));
		if (keyed)
			EXPECT(evmm_report_key_() != NULL &&
			    strcmp(evmm_report_key_(), want) == 0,
			    "child %lu of %s: key %s, expected %s", m, had,
			    evmm_report_key_() != NULL ? evmm_report_key_() :
			    "(none)", want);
		else
			EXPECT(evmm_report_key_() == NULL, "child %lu of a "
			    "key of %zu bytes: key %s, expected none", m,
			    strlen(had), evmm_report_key_());
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int made_dir;
	char name[REF_KEY_NAME_MAX + 1], want[REF_KEY_MAX + 1];
	char path[1024], key[EVMM_PROCESS_KEY_MAX + 1];
	char *program, *saved_name = program_invocation_short_name;
	const char *end;
	unsigned taken;
	size_t len;
	int fd, rc;

	if (size < 1)
		return 0;
	if (!made_dir) {
		snprintf(dir, sizeof(dir), "%s/evmm-fuzz-key.XXXXXX",
		    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
		EXPECT(mkdtemp(dir) != NULL, "mkdtemp %s", dir);
		made_dir = 1;
	}
	taken = data[0] % 4;
	data++;
	size--;
	end = memchr(data, '\0', size);
	len = end != NULL ? (size_t)(end - (const char *)data) : size;
	program = malloc(len + 1);
	EXPECT(program != NULL, "out of memory");
	memcpy(program, data, len);
	program[len] = '\0';
	ref_input = program;
	data += len < size ? len + 1 : len;
	size -= len < size ? len + 1 : len;

	/* `taken` processes of this name took their keys before. */
	ref_key_name(program, name);
	if (taken > 0) {
		char count[8];

		snprintf(path, sizeof(path), "%s/.%s#next", dir, name);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		EXPECT(fd >= 0, "cannot make %s", path);
		snprintf(count, sizeof(count), "%u\n", taken);
		EXPECT(write(fd, count, strlen(count)) ==
		    (ssize_t)strlen(count), "cannot write %s", path);
		(void)close(fd);
	}
	snprintf(want, sizeof(want), "%s#%u", name, taken + 1);

	program_invocation_short_name = program;
	rc = evmm_report_open_(dir);
	program_invocation_short_name = saved_name;
	EXPECT(rc == 0 && evmm_report_key_() != NULL &&
	    strcmp(evmm_report_key_(), want) == 0, "key %s, expected %s",
	    evmm_report_key_() != NULL ? evmm_report_key_() : "(none)", want);
	snprintf(path, sizeof(path), "%s/%s", dir, want);
	EXPECT(access(path, F_OK) == 0, "no file %s", path);
	snprintf(key, sizeof(key), "%s", want);

	check_children(key, data, size);
	reset(name, taken, key);
	free(program);
	return 0;
}
#else
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
#endif
