/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Crashes for tests/scripts/crash-site.sh, which checks what libevmm writes in
 * its report when a program dies of a signal (lib/crash.c).  It does not
 * link libevmm: it loads the library named by its first argument with
 * dlopen(), after it has set up what the mode asks for, so that the
 * library's constructor finds it done.
 *
 *   crash_victim LIB dispositions  prints which crash signals have a
 *                                  handler once LIB is loaded
 *   crash_victim LIB xmalloc       aborts when either of its two
 *                                  allocations fails, as xmalloc() does
 *   crash_victim LIB segv          writes through a null pointer
 *   crash_victim LIB overflow      overflows its stack
 *   crash_victim LIB own-handler   sets its own SIGSEGV handler, then
 *                                  loads LIB, then raises SIGSEGV: its
 *                                  handler exits 42
 *   crash_victim LIB chain-after   loads LIB, then sets a SIGSEGV handler
 *                                  that passes the fault on to the one
 *                                  it replaced, then writes through a
 *                                  null pointer
 *   crash_victim LIB chain-before  the same, the handler set before LIB
 *                                  is loaded
 *   crash_victim LIB loader-lock SLOW
 *                                  loads LIB, then writes through a null
 *                                  pointer while another thread is inside
 *                                  dlopen() of SLOW, whose constructor
 *                                  never returns (slow_constructor.c):
 *                                  that thread holds the dynamic
 *                                  loader's lock
 */
#include "config.h"

#include <dlfcn.h>
#ifdef EVMM_HAVE_PTHREAD
#include <pthread.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef void *(*malloc_fn)(size_t);
typedef void (*free_fn)(void *);

static malloc_fn mm_malloc;
static free_fn mm_free;
static void *volatile null_pointer;
/* Never reached; the compiler cannot tell. */
static volatile unsigned long depth_limit = (unsigned long)-1;

static void
load(const char *lib)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_GLOBAL), *sym, *sym_free;

	if (h == NULL) {
		fprintf(stderr, "crash_victim: %s\n", dlerror());
		exit(2);
	}
	sym = dlsym(h, "event_mm_malloc_");
	sym_free = dlsym(h, "event_mm_free_");
	if (sym == NULL || sym_free == NULL) {
		fprintf(stderr, "crash_victim: no event_mm_malloc_ or "
		    "event_mm_free_ in %s\n", lib);
		exit(2);
	}
	memcpy(&mm_malloc, &sym, sizeof(mm_malloc));
	memcpy(&mm_free, &sym_free, sizeof(mm_free));
}

/* Never inlined: the crash site must be this function. */
static void *__attribute__((noinline))
xmalloc(size_t n)
{
	void *p = mm_malloc(n);

	if (p == NULL)
		abort();
	return p;
}

static unsigned long __attribute__((noinline))
recurse(unsigned long depth)
{
	volatile char pad[256];

	pad[0] = (char)depth;
	if (depth == depth_limit)
		return 0;
	return recurse(depth + 1) + (unsigned long)pad[0];
}

static void
own_handler(int sig)
{
	static const char msg[] = "crash_victim: its own handler ran\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(43);
	_exit(42);
}

/* The SIGSEGV action chaining_handler() replaced. */
static struct sigaction replaced;

/* Handles none of the faults: passes each on to the handler it replaced,
 * by calling it, and returns, as Boehm GC, HotSpot's libjsig, Mono and
 * CoreCLR do with the faults that are not theirs.  When it replaced the
 * default action it restores it and returns, so that the fault happens
 * again and kills the process. */
static void
chaining_handler(int sig, siginfo_t *info, void *context)
{
	if (replaced.sa_flags & SA_SIGINFO)
		replaced.sa_sigaction(sig, info, context);
	else if (replaced.sa_handler == SIG_DFL)
		(void)sigaction(sig, &replaced, NULL);
	else if (replaced.sa_handler != SIG_IGN)
		replaced.sa_handler(sig);
}

static void
set_chaining_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = chaining_handler;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSEGV, &sa, &replaced) != 0)
		exit(2);
}

#ifdef EVMM_HAVE_PTHREAD
static void *
open_slow(void *path)
{
	if (dlopen(path, RTLD_NOW) == NULL)
		fprintf(stderr, "crash_victim: %s\n", dlerror());
	return NULL;
}

/* Returns once another thread is inside the constructor of the library
 * at path, within dlopen(), holding the dynamic loader's lock. */
static void
hold_loader_lock(const char *path)
{
	pthread_t thread;
	int ready[2];
	char fd[16], byte;

	if (pipe(ready) != 0)
		exit(2);
	snprintf(fd, sizeof(fd), "%d", ready[1]);
	if (setenv("SLOW_CONSTRUCTOR_FD", fd, 1) != 0 ||
	    pthread_create(&thread, NULL, open_slow, (void *)path) != 0 ||
	    read(ready[0], &byte, 1) != 1) {
		fprintf(stderr, "crash_victim: %s never got the loader's "
		    "lock\n", path);
		exit(2);
	}
}
#endif

static void
print_dispositions(void)
{
	static const struct {
		int sig;
		const char *name;
	} sigs[] = {
		{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" },
		{ SIGFPE, "SIGFPE" }, { SIGILL, "SIGILL" },
		{ SIGABRT, "SIGABRT" }
	};
	struct sigaction sa;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i].sig, NULL, &sa) != 0)
			exit(2);
		printf("%s %s\n", sigs[i].name,
		    !(sa.sa_flags & SA_SIGINFO) && sa.sa_handler == SIG_DFL ?
		    "default" : "handler");
	}
}

int
main(int argc, char **argv)
{
	const char *mode;
	void *a, *b;

	if (argc < 3 || argc > 4 ||
	    (argc == 4) != (strcmp(argv[2], "loader-lock") == 0)) {
		fprintf(stderr, "usage: crash_victim LIB MODE\n"
		    "       crash_victim LIB loader-lock SLOW\n");
		return 2;
	}
	mode = argv[2];
	if (strcmp(mode, "own-handler") == 0) {
		struct sigaction sa, now;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = own_handler;
		if (sigaction(SIGSEGV, &sa, NULL) != 0)
			return 2;
		load(argv[1]);
		if (sigaction(SIGSEGV, NULL, &now) != 0 ||
		    now.sa_handler != own_handler) {
			fprintf(stderr, "crash_victim: its SIGSEGV handler "
			    "was replaced\n");
			return 3;
		}
		/* Raised, not a null pointer written through, which
		 * UBSan would catch before the fault. */
		raise(SIGSEGV);
		return 4;
	}
	if (strcmp(mode, "chain-before") == 0) {
		set_chaining_handler();
		load(argv[1]);
		*(volatile int *)null_pointer = 1;
		return 4;
	}
	load(argv[1]);
	if (strcmp(mode, "chain-after") == 0) {
		set_chaining_handler();
		*(volatile int *)null_pointer = 1;
		return 4;
	}
	if (strcmp(mode, "loader-lock") == 0) {
#ifdef EVMM_HAVE_PTHREAD
		hold_loader_lock(argv[3]);
		*(volatile int *)null_pointer = 1;
		return 4;
#else
		fprintf(stderr, "crash_victim: no threads\n");
		return 77;
#endif
	}
	if (strcmp(mode, "dispositions") == 0) {
		print_dispositions();
		return 0;
	}
	if (strcmp(mode, "xmalloc") == 0) {
		a = xmalloc(16);
		b = xmalloc(32);
		mm_free(b);
		mm_free(a);
		return 0;
	}
	if (strcmp(mode, "segv") == 0) {
		*(volatile int *)null_pointer = 1;
		return 4;
	}
	if (strcmp(mode, "overflow") == 0)
		return recurse(0) == 0;
	fprintf(stderr, "crash_victim: unknown mode %s\n", mode);
	return 2;
}
