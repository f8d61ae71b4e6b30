/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * What the end of a run means: passed, crashed, hung, leaked, not
 * reached or could not run, and how that is said.  Pure functions of
 * what readback.c gathered, so tests/unit/check_torture.c tests them
 * directly.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "torture.h"

const char *const outcome_names[OUTCOME_COUNT] = {
	"passed", "crashed", "hung", "leaked", "not reached", "could not run"
};

static const struct {
	int sig;
	const char *name;
} signal_names[] = {
	{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
	{ SIGCHLD, "SIGCHLD" }, { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
	{ SIGTSTP, "SIGTSTP" }, { SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" },
	{ SIGURG, "SIGURG" }, { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" },
#ifdef SIGSYS
	{ SIGSYS, "SIGSYS" },
#endif
#ifdef SIGSTKFLT
	{ SIGSTKFLT, "SIGSTKFLT" },
#endif
#ifdef SIGPWR
	{ SIGPWR, "SIGPWR" },
#endif
#ifdef SIGWINCH
	{ SIGWINCH, "SIGWINCH" },
#endif
#ifdef SIGIO
	{ SIGIO, "SIGIO" },
#endif
#ifdef SIGEMT
	{ SIGEMT, "SIGEMT" },
#endif
};

const char *
signal_name(int sig, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (signal_names[i].sig == sig)
			return signal_names[i].name;
	snprintf(buf, size, "SIG%d", sig);
	return buf;
}

/* A program's own watchdog (alarm(), a CPU limit) fires when it waits
 * or spins for too long: a hang, not a crash. */
int
signal_means_hang(int sig)
{
	return sig == SIGALRM || sig == SIGXCPU || sig == SIGVTALRM;
}

/* The highest signal number a shell's exit 128+N can stand for. */
#define SHELL_SIGNAL_MAX 64

int
shell_signal_status(int status)
{
	return status > 128 && status <= 128 + SHELL_SIGNAL_MAX;
}

static void
set_signal(struct verdict *v, enum verdict_how how, int sig)
{
	v->how = how;
	v->signal = sig;
	v->outcome = signal_means_hang(sig) ? HUNG : CRASHED;
}

void
classify(const struct run_facts *f, struct verdict *v)
{
	int exited = WIFEXITED(f->status);
	int status = exited ? WEXITSTATUS(f->status) : -1;

	memset(v, 0, sizeof(*v));
	v->status = status;
	if (f->timed_out) {
		v->outcome = HUNG;
		v->how = BY_TIMEOUT;
	} else if (WIFSIGNALED(f->status)) {
		set_signal(v, BY_SIGNAL, WTERMSIG(f->status));
	} else if (f->sanitizer_error) {
		/* An error in the checker's log is a crash whatever the
		 * exit status, and a log with an error and a leak too. */
		v->outcome = CRASHED;
		v->how = BY_SANITIZER;
	} else if (exited && f->shell_status_believed &&
	    shell_signal_status(status)) {
		/* A shell reports a child killed by signal N as exit 128+N.
		 * Believed only of a command whose success status is not
		 * such a status: a graceful failure has no reason to choose
		 * it. */
		set_signal(v, BY_SHELL_STATUS, status - 128);
	} else if (f->own_signal > 0) {
		/* The process whose allocation failed crashed, whatever
		 * its parent made of that (a test runner's exit 1,
		 * "|| true"): its own report says so.  A crash before a
		 * leak: a process killed by a signal leaks what it held. */
		set_signal(v, BY_OWN_SIGNAL, f->own_signal);
	} else if (f->outlived) {
		/* Left running where the counting run left nothing: a
		 * server that no longer stops when told to, say. */
		v->outcome = HUNG;
		v->how = BY_OUTLIVED;
	} else if (f->leaks != LEAK_NONE && f->sanitizer_leak) {
		v->outcome = LEAKED;
		v->how = BY_LEAK_REPORT;
	} else if (exited && status == TORTURE_EXEC_FAILED && !f->reported) {
		v->outcome = CANNOT_RUN;
		v->how = BY_EXIT;
	} else if (f->injected && !f->reached) {
		v->outcome = NOT_REACHED;
		v->how = exited ? BY_EXIT : BY_NO_REPORT;
	} else {
		v->outcome = PASSED;
		v->how = BY_EXIT;
	}
}

void
describe_verdict(const struct verdict *v, char *buf, size_t size)
{
	char num[16];
	const char *word = outcome_names[v->outcome];

	switch (v->how) {
	case BY_SIGNAL:
		snprintf(buf, size, "%s (signal %d, %s)", word, v->signal,
		    signal_name(v->signal, num, sizeof(num)));
		break;
	case BY_OWN_SIGNAL:
		/* Always after an exit: a command that a signal ended is
		 * BY_SIGNAL. */
		snprintf(buf, size, "%s (signal %d, %s; exit %d)", word,
		    v->signal, signal_name(v->signal, num, sizeof(num)),
		    v->status);
		break;
	case BY_SHELL_STATUS:
		snprintf(buf, size, "%s (exit %d: %s)", word, v->status,
		    signal_name(v->signal, num, sizeof(num)));
		break;
	case BY_SANITIZER:
		snprintf(buf, size, "%s (checker error)", word);
		break;
	case BY_TIMEOUT:
		snprintf(buf, size, "%s (timeout)", word);
		break;
	case BY_OUTLIVED:
		snprintf(buf, size, "%s (left running)", word);
		break;
	case BY_EXIT:
		if (v->status >= 0) {
			snprintf(buf, size, "%s (exit %d)", word, v->status);
			break;
		}
		/* fall through */
	case BY_LEAK_REPORT:
	case BY_NO_REPORT:
		snprintf(buf, size, "%s", word);
		break;
	}
}

int
is_failing(const struct point *p)
{
	return p->verdict.outcome != PASSED &&
	    p->verdict.outcome != NOT_REACHED;
}
