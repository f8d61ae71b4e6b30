/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The environment every run shares, set once in evmm-torture's own
 * environment, which each command inherits: LD_PRELOAD for --preload,
 * and the sanitizers' options (exit statuses, leak detection, frames as
 * module+offset).  What differs per run (EVMM_REPORT, EVMM_FAULT,
 * EVMM_FAULT_PROCESS, the marker) process.c sets in the child.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "torture.h"

/* Appends "value" to the environment variable name, after what is there,
 * separated by sep; exits when out of memory. */
static void
append_env(const char *name, const char *value, const char *sep)
{
	const char *old = getenv(name);
	size_t len;
	char *buf;

	if (old == NULL || *old == '\0') {
		if (setenv(name, value, 1) != 0)
			out_of_memory();
		return;
	}
	len = strlen(old) + strlen(sep) + strlen(value) + 1;
	buf = malloc(len);
	if (buf == NULL)
		out_of_memory();
	snprintf(buf, len, "%s%s%s", old, sep, value);
	if (setenv(name, buf, 1) != 0)
		out_of_memory();
	free(buf);
}

/* The library first in LD_PRELOAD, but after a sanitizer's runtime the
 * user put there (it must come first of all). */
static void
compose_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD"), *s, *rest;
	size_t len, head = 0;
	char *buf;

	if (old == NULL || *old == '\0') {
		if (setenv("LD_PRELOAD", lib, 1) != 0)
			out_of_memory();
		return;
	}
	/* Skip leading entries that are sanitizer runtimes. */
	for (s = old; *s != '\0'; ) {
		size_t n = strcspn(s, " :");
		const char *base = s, *p;

		for (p = s; p < s + n; p++)
			if (*p == '/')
				base = p + 1;
		if (n == 0) {
			s++;
			continue;
		}
		if (strncmp(base, "libasan", 7) != 0 &&
		    strncmp(base, "libclang_rt.asan", 16) != 0 &&
		    strncmp(base, "libtsan", 7) != 0 &&
		    strncmp(base, "libclang_rt.tsan", 16) != 0)
			break;
		s += n;
		head = (size_t)(s - old);
	}
	rest = old + head;
	len = strlen(old) + strlen(lib) + 3;
	buf = malloc(len);
	if (buf == NULL)
		out_of_memory();
	snprintf(buf, len, "%.*s%s%s%s%s", (int)head, old, head > 0 ? " " : "",
	    lib, *rest != '\0' ? " " : "", rest + strspn(rest, " :"));
	if (setenv("LD_PRELOAD", buf, 1) != 0)
		out_of_memory();
	free(buf);
}

void
env_set_shared(const struct options *o)
{
	char opt[64];
	/* Frames as module+offset and symbol, so that a crash site can be
	 * told apart and grouped whatever the symbolizer knows. */
	static const char frames[] = "stack_trace_format=\"#%n %m+%o %f\"";

	/* A sanitizer's error is a crash, whatever the command's own exit
	 * status means.  A leak report leaves the status alone (exitcode=0):
	 * it would change the status of every instrumented process, a
	 * helper that leaks included, and so what a script does next; the
	 * report says it.  (ASan's abort_on_error would turn leak reports
	 * into aborts too.) */
	snprintf(opt, sizeof(opt), "exitcode=%d", TORTURE_SANITIZER_STATUS);
	append_env("ASAN_OPTIONS", opt, ":");
	append_env("ASAN_OPTIONS", o->leaks == LEAK_ASAN ? "detect_leaks=1" :
	    "detect_leaks=0", ":");
	append_env("ASAN_OPTIONS", frames, ":");
	append_env("LSAN_OPTIONS", "exitcode=0", ":");
	append_env("UBSAN_OPTIONS", "halt_on_error=1:abort_on_error=1", ":");
	append_env("UBSAN_OPTIONS", frames, ":");
	if (o->preload != NULL) {
		compose_preload(o->preload);
		/* libevmm before the ASan runtime of an instrumented
		 * command: it replaces no C library function, so ASan's
		 * check of the order may be waived. */
		append_env("ASAN_OPTIONS", "verify_asan_link_order=0", ":");
	}
}
