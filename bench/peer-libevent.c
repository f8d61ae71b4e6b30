/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-peer-libevent: libevent 2.1's own allocator dispatch, measured by
 * bench/driver.c as libevmm is, in a program that does not link libevmm
 * (both export event_mm_malloc_() and friends).  Modes: libc, libevent
 * (nothing installed), libevent-hook (the forwarding hooks installed
 * with event_set_mem_functions()).  "version" prints the version of the
 * libevent that was loaded.
 */
/* No config.h: in the disabled variant it defines
 * EVENT__DISABLE_MM_REPLACEMENT, which would hide libevent's
 * event_set_mem_functions() too. */
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "bench/driver.h"

/* Exported by libevent and called by it through its dynamic symbol
 * table, but declared only in its private mm-internal.h. */
void *event_mm_malloc_(size_t sz);
void *event_mm_realloc_(void *ptr, size_t sz);
void event_mm_free_(void *ptr);

BENCH_LOOPS(loop_libevent, event_mm_malloc_, event_mm_realloc_,
    event_mm_free_);

static int
install_hooks(void)
{
	event_set_mem_functions(fwd_malloc, fwd_realloc, fwd_free);
	return 0;
}

static const struct bench_mode modes[] = {
	{ "libc", bench_libc, NULL },
	{ "libevent", loop_libevent, NULL },
	{ "libevent-hook", loop_libevent, install_hooks },
};

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "version") == 0) {
		printf("libevent %s\n", event_get_version());
		return 0;
	}
	return bench_main(argc, argv, modes, sizeof(modes) / sizeof(modes[0]));
}
