/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-peer-sqlite: SQLite 3's allocator dispatch, measured by
 * bench/driver.c as libevmm is.  The loops call sqlite3_malloc64(),
 * sqlite3_realloc64() and sqlite3_free().  Modes: libc; sqlite (the
 * default configuration, which keeps memory statistics under a global
 * mutex); sqlite-hook (forwarding hooks installed with
 * SQLITE_CONFIG_MALLOC, statistics still on, as by default);
 * sqlite-nomemstatus (the default allocator with SQLITE_CONFIG_MEMSTATUS
 * off, what SQLite recommends where speed matters).  sqlite-hook needs
 * malloc_usable_size() for the size hook SQLite requires.  "version"
 * prints the version of the SQLite loaded.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef HAVE_MALLOC_USABLE_SIZE
#include <malloc.h>
#endif

#include <sqlite3.h>

#include "bench/driver.h"

BENCH_LOOPS(loop_sqlite, sqlite3_malloc64, sqlite3_realloc64, sqlite3_free);

#ifdef HAVE_MALLOC_USABLE_SIZE
/* The forwarding hooks of bench/driver.c, with SQLite's arguments, and
 * the three more methods that SQLite requires, as thin as they come. */
static void *
fwd_sqlite_malloc(int sz)
{
	return malloc((size_t)sz);
}

static void
fwd_sqlite_free(void *ptr)
{
	free(ptr);
}

static void *
fwd_sqlite_realloc(void *ptr, int sz)
{
	return realloc(ptr, (size_t)sz);
}

static int
fwd_sqlite_size(void *ptr)
{
	return (int)malloc_usable_size(ptr);
}

static int
fwd_sqlite_roundup(int sz)
{
	return sz;
}

static int
fwd_sqlite_init(void *data)
{
	(void)data;
	return SQLITE_OK;
}

static void
fwd_sqlite_shutdown(void *data)
{
	(void)data;
}

static int
install_hooks(void)
{
	static const sqlite3_mem_methods methods = {
		fwd_sqlite_malloc, fwd_sqlite_free, fwd_sqlite_realloc,
		fwd_sqlite_size, fwd_sqlite_roundup, fwd_sqlite_init,
		fwd_sqlite_shutdown, NULL
	};

	return sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) == SQLITE_OK ?
	    0 : -1;
}
#endif

static int
install_nomemstatus(void)
{
	return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK ? 0 : -1;
}

static const struct bench_mode modes[] = {
	{ "libc", bench_libc, NULL },
	{ "sqlite", loop_sqlite, NULL },
#ifdef HAVE_MALLOC_USABLE_SIZE
	{ "sqlite-hook", loop_sqlite, install_hooks },
#endif
	{ "sqlite-nomemstatus", loop_sqlite, install_nomemstatus },
};

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "version") == 0) {
		printf("SQLite %s\n", sqlite3_libversion());
		return 0;
	}
	return bench_main(argc, argv, modes, sizeof(modes) / sizeof(modes[0]));
}
