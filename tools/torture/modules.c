/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Which modules are not the program's own: libevmm, the C library, the
 * loader, the unwinder and the checkers' runtimes.  A crash site is the
 * first frame outside them, whether it is read from the library's report
 * (report_parse.c) or from a checker's log (checker_log.c); one list, so
 * the two cannot disagree.  Pure functions.
 */
#include "config.h"

#include <string.h>

#include "torture.h"

/* The start of each such module's file name. */
static const char *const foreign_modules[] = {
	"libevmm", "libc.so", "libc-", "ld-linux", "ld.so", "ld64.so",
	"ld-musl", "libpthread", "libgcc_s", "libunwind", "libasan",
	"libubsan", "liblsan", "libtsan", "libclang_rt", "vgpreload_"
};

#define FOREIGN_MODULES (sizeof(foreign_modules) / sizeof(foreign_modules[0]))

const char *
find_in(const char *s, size_t len, const char *what)
{
	size_t m = strlen(what), k;

	for (k = 0; k + m <= len; k++)
		if (memcmp(s + k, what, m) == 0)
			return s + k;
	return NULL;
}

int
foreign_module(const char *module, size_t len)
{
	size_t i, base = len;

	while (base > 0 && module[base - 1] != '/')
		base--;
	for (i = 0; i < FOREIGN_MODULES; i++)
		if (len - base >= strlen(foreign_modules[i]) &&
		    memcmp(module + base, foreign_modules[i],
		    strlen(foreign_modules[i])) == 0)
			return 1;
	return 0;
}

int
mentions_foreign_module(const char *frame, size_t len)
{
	size_t i;

	for (i = 0; i < FOREIGN_MODULES; i++)
		if (find_in(frame, len, foreign_modules[i]) != NULL)
			return 1;
	return 0;
}
