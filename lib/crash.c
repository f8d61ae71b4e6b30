/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Where a program crashed: lib/crash-internal.h.  Depends on
 * lib/report.c (the descriptor it appends to) and lib/text.c.
 *
 * While EVMM_FAULT armed fault injection and EVMM_REPORT opened a report,
 * a program killed by SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT gets its
 * crash appended to the report: "crash_signal=N", then one "crash_frame="
 * line per frame of the crashing thread, innermost first, as
 * "module+0xoffset (symbol)" (lib/report-keys.h).  The signal is then
 * raised again with its default action, so that the program still dies of
 * it, with its core dump.  evmm-torture reads the frames as the crash
 * site when no sanitizer or valgrind gave one.
 *
 * Only signals whose action is still the default when the library is
 * loaded get a handler: a handler installed before (a sanitizer's, which
 * its runtime sets up before any library's constructor, or a program's
 * that loads libevmm with dlopen()) is kept, and one the program installs
 * later replaces ours.
 *
 * The handler runs in a process that is broken, perhaps inside malloc()
 * or holding any lock.  It allocates nothing, takes no lock of the
 * library's, writes with write(2) only, and finds everything it needs
 * prepared at start-up.  Two of its calls are not on POSIX's list of
 * async-signal-safe functions, and are used knowingly:
 *  - backtrace(): glibc's loads libgcc_s on its first call, which
 *    allocates and takes the dynamic loader's lock; it is called once at
 *    start-up, after which it only unwinds the stack, reading memory.
 *  - dladdr(): it takes the dynamic loader's lock (recursive, in glibc).
 *    A crash while another thread holds it, inside dlopen() for
 *    instance, makes the handler wait until that thread lets it go.
 * Both run under a watchdog: an alarm of one second whose SIGALRM
 * handler ends the process with the crash's signal, so that a handler
 * stuck there, waiting for a lock, costs a second and the frames, never
 * a hang.  A fault inside the handler ends the
 * process too: the kernel kills a process whose fault signal is blocked,
 * as every signal is in the handler; entered again through a program's
 * handler, ours finds the crash claimed and ends the process.  Where
 * either call is missing only the signal is written.
 *
 * A handler the program installs after libevmm replaces ours, and may
 * call ours for the faults it does not handle, as Boehm GC, HotSpot's
 * libjsig, Mono and CoreCLR do.  Returning to it then would loop: the
 * signal comes back to the program's handler, which calls ours again.
 * So when the registered action is not the default one that
 * SA_RESETHAND made it on entry, the handler ends the process itself,
 * with the crash's signal, whatever the program's handler would do next.
 *
 * The alternate signal stack is made for the thread that loads the
 * library, normally the main one, so that a stack overflow there is
 * written too.  Other threads have none of ours: there a stack overflow
 * kills the process without a word, as it would without libevmm.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#ifdef HAVE_UNISTD_H
#include <unistd.h>
#endif
#ifdef HAVE_SYS_MMAN_H
#include <sys/mman.h>
#endif
#include <time.h>
#if defined(HAVE_EXECINFO_H) && defined(HAVE_BACKTRACE) && \
    defined(HAVE_DLFCN_H) && defined(HAVE_DLADDR)
#include <execinfo.h>
#include <dlfcn.h>
#define CRASH_FRAMES_ 1
#endif
#ifdef HAVE_UCONTEXT_H
#include <ucontext.h>
#endif

#include "atomic-internal.h"
#include "compiler-internal.h"
#include "crash-internal.h"
#include "report-internal.h"
#include "report-keys.h"
#include "text-internal.h"

#if defined(HAVE_SIGACTION) && defined(SA_SIGINFO) && \
    defined(SA_RESETHAND) && defined(HAVE_UNISTD_H)

/* How long the frames may take before the watchdog ends the process. */
#define WATCHDOG_SECONDS 1

/* The frames written, at most; those of the handler itself and of the
 * kernel's return trampoline come first in what backtrace() gives, and
 * are skipped. */
#define FRAMES_WRITTEN 16
#define FRAMES_UNWOUND (FRAMES_WRITTEN + 16)

/* What the alternate stack holds beyond the system's minimum: the
 * handler's text buffer (8 KiB), backtrace()'s unwinding and dladdr(). */
#define ALT_STACK_EXTRA (64 * 1024)

static const int crash_signals[] = {
	SIGSEGV, SIGFPE, SIGILL, SIGABRT,
#ifdef SIGBUS
	SIGBUS,
#endif
};

/* Set by the first crashing thread: one crash is written, not two
 * interleaved. */
static volatile sig_atomic_t crash_claimed;

/* The signal of the crash being written, for the watchdog. */
static volatile sig_atomic_t crash_signal;

static int
claim(void)
{
	return EVMM_EXCHANGE_ACQ_REL(&crash_claimed, 1) == 0;
}

/* Ends the process with sig, here and now: its default action, unblocked
 * and raised, kills the process before raise() returns.  Every call is
 * async-signal-safe. */
static void
die_of(int sig)
{
	struct sigaction dfl;
	sigset_t set;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	(void)sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	(void)raise(sig);
	/* Only if another thread set a handler again in between. */
	_exit(128 + sig);
}

/* Whether the registered action for sig is still the default one, as
 * SA_RESETHAND left it when the kernel entered on_crash: if not, a
 * handler the program installed later called ours. */
static int
entered_by_kernel(int sig)
{
	struct sigaction now;

	return sigaction(sig, NULL, &now) == 0 &&
	    !(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL;
}

/* Appends t to the report; errors are ignored, the process is dying. */
static void
append(int fd, const struct evmm_text *t)
{
	(void)evmm_write_all_(fd, t->buf, t->len);
}

#ifdef CRASH_FRAMES_
/* SIGALRM while the frames are written: they took too long. */
static void
on_watchdog(int sig)
{
	(void)sig;
	die_of(crash_signal);
}

/* From now on the process dies of crash_signal in WATCHDOG_SECONDS, if
 * nothing else ends it first.  SIGALRM is unblocked, which the crash
 * handler's mask blocks; the alarm may be taken by any thread, which
 * ends the process just as well.  The program's own SIGALRM handler and
 * alarm are lost: the process is dying. */
static void
arm_watchdog(void)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_watchdog;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	(void)alarm(WATCHDOG_SECONDS);
}

/* The frames are written: no alarm, and SIGALRM blocked again, so that
 * the process dies of the crash's signal as planned. */
static void
disarm_watchdog(void)
{
	sigset_t set;

	(void)alarm(0);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
}

/* The instruction that faulted, where the platform's ucontext names it;
 * NULL elsewhere. */
static void *
faulting_pc(void *context)
{
#if defined(HAVE_UCONTEXT_H) && defined(__linux__) && \
    defined(__x86_64__) && defined(REG_RIP)
	return (void *)(uintptr_t)
	    ((ucontext_t *)context)->uc_mcontext.gregs[REG_RIP];
#elif defined(HAVE_UCONTEXT_H) && defined(__linux__) && \
    defined(__i386__) && defined(REG_EIP)
	return (void *)(uintptr_t)
	    ((ucontext_t *)context)->uc_mcontext.gregs[REG_EIP];
#elif defined(HAVE_UCONTEXT_H) && defined(__linux__) && defined(__aarch64__)
	return (void *)(uintptr_t)((ucontext_t *)context)->uc_mcontext.pc;
#else
	(void)context;
	return NULL;
#endif
}

/* "crash_frame=module+0xoffset (symbol)" into t.  Every frame after the
 * first is a return address: one byte back is inside the call, so that
 * addr2line names the calling line, as for the report's allocation
 * site.  The first is the faulting instruction itself. */
static void
format_frame(struct evmm_text *t, void *addr, int is_return)
{
	Dl_info dl;
	char *a = (char *)addr - (is_return ? 1 : 0);

	t->len = 0;
	evmm_text_str_(t, EVMM_REPORT_CRASH_FRAME "=");
	if (addr != NULL && dladdr(a, &dl) != 0 && dl.dli_fname != NULL)
		evmm_text_call_site_(t, dl.dli_fname,
		    (uint64_t)(a - (char *)dl.dli_fbase), dl.dli_sname);
	else
		evmm_text_hex_(t, (uint64_t)(uintptr_t)a);
	evmm_text_str_(t, "\n");
}

/* The crashing thread's frames from the faulting instruction outwards.
 * What backtrace() gives starts with this function, the handler and the
 * kernel's return trampoline (the handler's return address): the frames
 * wanted start at the faulting instruction where it is known, else just
 * after the trampoline.  Neither found: nothing is written rather than
 * the handler's own frames. */
static void
write_frames(int fd, struct evmm_text *t, void *context, void *trampoline)
{
	void *frames[FRAMES_UNWOUND];
	void *pc = faulting_pc(context);
	int n, i, first = -1;

	n = backtrace(frames, FRAMES_UNWOUND);
	for (i = 0; pc != NULL && i < n && first < 0; i++)
		if (frames[i] == pc)
			first = i;
	for (i = 0; trampoline != NULL && i + 1 < n && first < 0; i++)
		if (frames[i] == trampoline)
			first = i + 1;
	if (first < 0)
		return;
	for (i = first; i < n && i < first + FRAMES_WRITTEN; i++) {
		format_frame(t, frames[i], i > first);
		append(fd, t);
	}
}
#endif /* CRASH_FRAMES_ */

static void
on_crash(int sig, siginfo_t *info, void *context)
{
	/* The one text buffer: the stack may be a sanitizer's alternate
	 * one, of 32 KiB. */
	struct evmm_text t;
	int saved = errno, fd;
	int direct = entered_by_kernel(sig);

	(void)info;
	if (claim()) {
		crash_signal = sig;
		/* Only the process that opened the report: a child made by
		 * fork() inherits the handler and the descriptor. */
		fd = evmm_report_fd_();
		if (fd >= 0 && lseek(fd, 0, SEEK_END) >= 0) {
			t.len = 0;
			evmm_text_str_(&t, EVMM_REPORT_CRASH_SIGNAL "=");
			evmm_text_u64_(&t, (uint64_t)sig);
			evmm_text_str_(&t, "\n");
			append(fd, &t);
#ifdef CRASH_FRAMES_
			arm_watchdog();
			write_frames(fd, &t, context,
			    EVMM_RETURN_ADDRESS());
			disarm_watchdog();
#endif
		}
	} else {
#if defined(HAVE_NANOSLEEP)
		/* Another thread crashed first, of another signal, and is
		 * writing; it ends the process when done, or its watchdog
		 * does, within WATCHDOG_SECONDS.  Wait for it, longer: this
		 * may be the same thread, crashing again in the handler
		 * (abort() in dladdr(), say). */
		struct timespec tick = { 0, 10 * 1000 * 1000 };
		int i;

		for (i = 0; i < 200 * WATCHDOG_SECONDS; i++)
			(void)nanosleep(&tick, NULL);
#endif
	}
	(void)context;
	/* Called by the program's handler: returning to it would bring the
	 * signal back to it, and to us, for ever. */
	if (!direct)
		die_of(sig);
	errno = saved;
	/* Entered by the kernel: SA_RESETHAND made the action the default
	 * again.  The signal is blocked in its handler: it stays pending and
	 * kills the process as the handler returns, whether it came from a
	 * fault or from kill(), with the faulting instruction's registers
	 * in the core dump. */
	(void)raise(sig);
}

/* An alternate signal stack for the calling thread, unless it has one:
 * from mmap(), not malloc(), which is the allocator being tested.  A
 * guard page below it makes a handler that overflows it fault rather
 * than write over what is mapped there. */
static void
make_alt_stack(void)
{
#if defined(HAVE_SIGALTSTACK) && defined(HAVE_MMAP) && defined(SA_ONSTACK)
	stack_t ss;
	long page = sysconf(_SC_PAGESIZE);
	size_t size = ALT_STACK_EXTRA;
	char *p;

	if (sigaltstack(NULL, &ss) != 0 || !(ss.ss_flags & SS_DISABLE))
		return;
	if (page <= 0)
		page = 4096;
#ifdef _SC_SIGSTKSZ
	{
		long min = sysconf(_SC_SIGSTKSZ);

		if (min > 0)
			size += (size_t)min;
	}
#else
	size += SIGSTKSZ;
#endif
	size = (size + (size_t)page - 1) / (size_t)page * (size_t)page;
#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
#define MAP_ANONYMOUS MAP_ANON
#endif
	p = mmap(NULL, size + (size_t)page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
#ifdef HAVE_MPROTECT
	(void)mprotect(p, (size_t)page, PROT_NONE);
#endif
	ss.ss_sp = p + page;
	ss.ss_size = size;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL) != 0)
		(void)munmap(p, size + (size_t)page);
#endif
}

void
evmm_crash_handlers_install_(void)
{
	struct sigaction sa, old;
	int wanted[sizeof(crash_signals) / sizeof(crash_signals[0])];
	size_t i, n = sizeof(crash_signals) / sizeof(crash_signals[0]);
	int any = 0;

	for (i = 0; i < n; i++) {
		wanted[i] = sigaction(crash_signals[i], NULL, &old) == 0 &&
		    !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL;
		any |= wanted[i];
	}
	if (!any)
		return;
#ifdef CRASH_FRAMES_
	{
		/* The first calls, here: glibc's backtrace() loads
		 * libgcc_s, and a lazily bound dladdr() is resolved. */
		void *one[2];
		Dl_info dl;

		(void)backtrace(one, 2);
		(void)dladdr((void *)&crash_claimed, &dl);
	}
#endif
	make_alt_stack();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
#ifdef SA_ONSTACK
	sa.sa_flags |= SA_ONSTACK;
#endif
	/* Nothing else interrupts the writing. */
	sigfillset(&sa.sa_mask);
	for (i = 0; i < n; i++)
		if (wanted[i])
			(void)sigaction(crash_signals[i], &sa, NULL);
}

/* The default actions again where the handler is still ours.  The
 * alternate stack stays mapped: it is another thread's, perhaps, and may
 * still be in use. */
void
evmm_crash_handlers_uninstall_(void)
{
	struct sigaction old;
	size_t i;

	for (i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]);
	    i++)
		if (sigaction(crash_signals[i], NULL, &old) == 0 &&
		    (old.sa_flags & SA_SIGINFO) &&
		    old.sa_sigaction == on_crash)
			(void)signal(crash_signals[i], SIG_DFL);
}

#else /* no sigaction() */

void
evmm_crash_handlers_install_(void)
{
}

void
evmm_crash_handlers_uninstall_(void)
{
}

#endif
