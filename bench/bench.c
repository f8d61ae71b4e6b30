/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-bench: the measurements behind bench/run.sh for libevmm, one per
 * process; bench/driver.h gives the commands, and adds one of its own:
 *
 *   evmm-bench rss MODE
 *       in a child process: a 256 MiB zeroed table from MODE's calloc,
 *       one byte per MiB written; prints the child's peak RSS in KiB.
 *
 * MODE for the driver's commands: libc (the C library directly), evmm
 * (libevmm, nothing installed), evmm-classic (forwarding hooks installed
 * with event_set_mem_functions()), evmm-checked (forwarding hooks
 * installed with evmm_set_allocator()), evmm-keeperrno (the same, with
 * EVMM_ALLOCATOR_FREE_KEEPS_ERRNO), evmm-stats (libevmm, nothing
 * installed, statistics on: what they cost while on), ref3 (bench/ref3.c,
 * nothing installed), ref3-hook (bench/ref3.c with forwarding hooks).
 * For rss: libc, evmm-classic or evmm-checked (which has a calloc hook).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/evmm_debug.h>
#define EVMM_SHORT_NAMES
#include <event2/evmm.h>

#include "bench/driver.h"
#include "bench/ref3.h"

#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
static void *
ctx_malloc(size_t sz, void *ctx)
{
	(void)ctx;
	return malloc(sz);
}

static void *
ctx_realloc(void *ptr, size_t sz, void *ctx)
{
	(void)ctx;
	return realloc(ptr, sz);
}

static void
ctx_free(void *ptr, void *ctx)
{
	(void)ctx;
	free(ptr);
}

static void *
ctx_calloc(size_t count, size_t size, void *ctx)
{
	(void)ctx;
	return calloc(count, size);
}
#endif

BENCH_LOOPS(loop_mm, mm_malloc, mm_realloc, mm_free);
BENCH_LOOPS(loop_ref3, ref3_malloc, ref3_realloc, ref3_free);

static int
install_classic(void)
{
#ifdef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
	event_set_mem_functions(fwd_malloc, fwd_realloc, fwd_free);
	return 0;
#else
	return -1;
#endif
}

#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
/* The forwarding hooks with a context, installed with @p flags. */
static int
install_ctx_hooks(unsigned flags)
{
	struct evmm_allocator a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = flags;
	a.malloc_fn = ctx_malloc;
	a.realloc_fn = ctx_realloc;
	a.free_fn = ctx_free;
	a.calloc_fn = ctx_calloc;
	return evmm_set_allocator(&a);
}

static int
install_keeps_errno(void)
{
	/* ctx_free() forwards to glibc's free(), which keeps errno. */
	return install_ctx_hooks(EVMM_ALLOCATOR_FREE_KEEPS_ERRNO);
}
#endif

static int
install_checked(void)
{
#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
	return install_ctx_hooks(0);
#else
	return -1;
#endif
}

#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
static int
install_stats(void)
{
	evmm_stats_enable(1);
	return 0;
}
#endif

static int
install_ref3_hook(void)
{
	ref3_set_mem_functions(fwd_malloc, fwd_realloc, fwd_free);
	return 0;
}

static const struct bench_mode modes[] = {
	{ "libc", bench_libc, NULL },
	{ "evmm", loop_mm, NULL },
#ifdef EVMM_SET_ALLOCATOR_IMPLEMENTED
	{ "evmm-classic", loop_mm, install_classic },
	{ "evmm-checked", loop_mm, install_checked },
	{ "evmm-keeperrno", loop_mm, install_keeps_errno },
#endif
#ifdef EVMM_FAULT_INJECTION_IMPLEMENTED
	{ "evmm-stats", loop_mm, install_stats },
#endif
	{ "ref3", loop_ref3, NULL },
	{ "ref3-hook", loop_ref3, install_ref3_hook },
};

/* The peak RSS, in KiB, of a child that makes a 256 MiB zeroed table
 * through mode @p name and writes one byte in each MiB. */
static long
table_rss(const char *name)
{
	enum { MIB = 1024 * 1024, TABLE_MIB = 256 };
	struct rusage ru;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		unsigned char *table;
		size_t i;

		if (strcmp(name, "libc") == 0)
			table = calloc(TABLE_MIB, MIB);
		else if ((strcmp(name, "evmm-classic") == 0 ?
		    install_classic() : strcmp(name, "evmm-checked") == 0 ?
		    install_checked() : -1) == 0)
			table = mm_calloc(TABLE_MIB, MIB);
		else
			_exit(2);
		if (table == NULL)
			_exit(3);
		for (i = 0; i < TABLE_MIB; i++)
			table[i * MIB] = (unsigned char)(table[i * MIB] + 1);
		mm_free(table);
		_exit(0);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return ru.ru_maxrss;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "rss") == 0) {
		long kib = table_rss(argv[2]);

		if (kib < 0)
			return 1;
		printf("%ld\n", kib);
		return 0;
	}
	return bench_main(argc, argv, modes, sizeof(modes) / sizeof(modes[0]));
}
