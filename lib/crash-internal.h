/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Where a program crashed, written to the EVMM_REPORT file by a signal
 * handler (lib/crash.c).  Not installed.
 */
#ifndef EVMM_CRASH_INTERNAL_H_INCLUDED_
#define EVMM_CRASH_INTERNAL_H_INCLUDED_

/* Called once, when the environment is read, after EVMM_FAULT armed
 * fault injection and EVMM_REPORT opened a report: installs the crash
 * handlers for the signals whose action is still the default, with an
 * alternate signal stack for the calling thread.  Does nothing where the
 * platform has no sigaction(). */
void evmm_crash_handlers_install_(void);
/* When the library is unloaded, or at exit (lib/init.c): the default
 * actions again where the handlers are still ours. */
void evmm_crash_handlers_uninstall_(void);

#endif /* EVMM_CRASH_INTERNAL_H_INCLUDED_ */
