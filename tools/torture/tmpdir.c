/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The temporary directory evmm-torture keeps its runs' files in, and the
 * names of those files: for run N, the directory "reports-N" that
 * EVMM_REPORT names, its stderr "err-N", valgrind's logs "vg-N.PID", and
 * with --run-dir the command's own directory "run-N".
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "torture.h"

static char tmpdir[PATH_MAX];
static const char *tmpdir_parent;
static int tmpdir_made;

void
tmpdir_choose(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(tmpdir, sizeof(tmpdir), "%s/evmm-torture.XXXXXX",
	    tmp) >= sizeof(tmpdir)) {
		fprintf(stderr, "%s: TMPDIR is too long\n", progname);
		exit(1);
	}
	tmpdir_parent = tmp;
}

void
tmpdir_make(void)
{
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "%s: cannot make a directory in %s: %s\n",
		    progname, tmpdir_parent, strerror(errno));
		exit(1);
	}
	tmpdir_made = 1;
}

const char *
tmpdir_path(void)
{
	return tmpdir;
}

void
tmpdir_file(char *buf, size_t size, const char *what, unsigned long id)
{
	snprintf(buf, size, "%s/%s-%lu", tmpdir, what, id);
}

void
remove_dir(const char *path)
{
	DIR *d;
	struct dirent *e;
	char file[FILE_PATH_MAX + EVMM_PROCESS_KEY_MAX + 2];

	/* What a command made in its run directory may be a directory it
	 * left unreadable. */
	(void)chmod(path, 0700);
	d = opendir(path);
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			if ((size_t)snprintf(file, sizeof(file), "%s/%s", path,
			    e->d_name) >= sizeof(file))
				continue;
			/* Symbolic links are removed, never followed. */
			if (unlink(file) != 0 &&
			    (errno == EISDIR || errno == EPERM))
				remove_dir(file);
		}
		closedir(d);
	}
	rmdir(path);
}

void
tmpdir_remove(void)
{
	DIR *d;
	struct dirent *e;
	char path[FILE_PATH_MAX];

	if (!tmpdir_made)
		return;
	d = opendir(tmpdir);
	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", tmpdir,
			    e->d_name);
			/* A run's directory, or a file. */
			if (unlink(path) != 0)
				remove_dir(path);
		}
		closedir(d);
	}
	if (rmdir(tmpdir) != 0)
		fprintf(stderr, "%s: cannot remove %s: %s\n", progname, tmpdir,
		    strerror(errno));
	tmpdir_made = 0;
}
