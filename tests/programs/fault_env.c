/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Five allocations through libevmm, each reported as "ok" or "FAIL" on
 * one line, for tests/scripts/fault-env.sh to drive with EVMM_FAULT, EVMM_STATS
 * and EVMM_REPORT.  Handles every failure: exits 0 whatever fails.
 *
 * Then, in order, what its arguments ask for:
 *   chdir=DIR  change directory (a relative EVMM_REPORT must not follow);
 *   fork       fork a child that allocates three blocks and exits first,
 *              through exit() (it must not write its parent's report);
 *   _exit      end at once, without exit()'s handlers, as a crash would;
 *   steal=FILE close every descriptor from 3 up, as daemons do, then
 *              open FILE on all of them and write "mine" to it.
 * The arguments need POSIX; tests/release/mingw.sh builds it for Windows, as a
 * consumer with the installed headers only, for the five allocations.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <fcntl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <event2/evmm.h>

static void
allocate(int n, int show)
{
	void *blocks[5];
	int i;

	for (i = 0; i < n; i++) {
		blocks[i] = event_mm_malloc_(16);
		if (show)
			printf("%s%s", i ? " " : "", blocks[i] ? "ok" : "FAIL");
	}
	if (show)
		printf("\n");
	for (i = 0; i < n; i++)
		event_mm_free_(blocks[i]);
}

int
main(int argc, char **argv)
{
#ifndef _WIN32
	int i, status;
	pid_t pid;
#endif

	allocate(5, 1);
	fflush(stdout);
#ifdef _WIN32
	if (argc > 1) {
		fprintf(stderr, "fault_env: no arguments on Windows\n");
		return 2;
	}
	(void)argv;
#else
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "chdir=", 6) == 0) {
			if (chdir(argv[i] + 6) != 0) {
				perror("chdir");
				return 1;
			}
		} else if (strcmp(argv[i], "fork") == 0) {
			pid = fork();
			if (pid < 0) {
				perror("fork");
				return 1;
			}
			if (pid == 0) {
				allocate(3, 0);
				exit(0);
			}
			if (waitpid(pid, &status, 0) != pid ||
			    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "the child failed\n");
				return 1;
			}
		} else if (strncmp(argv[i], "steal=", 6) == 0) {
			int fd, own;

			for (fd = 3; fd < 64; fd++)
				(void)close(fd);
			own = open(argv[i] + 6, O_WRONLY | O_CREAT | O_TRUNC,
			    0644);
			if (own < 0 || write(own, "mine\n", 5) != 5) {
				perror(argv[i] + 6);
				return 1;
			}
			for (fd = 3; fd < 64; fd++)
				if (fd != own)
					(void)dup2(own, fd);
		} else if (strcmp(argv[i], "_exit") == 0) {
			_exit(0);
		} else {
			fprintf(stderr, "fault_env: unknown argument %s\n",
			    argv[i]);
			return 2;
		}
	}
#endif
	return 0;
}
