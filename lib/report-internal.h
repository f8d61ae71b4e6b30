/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * What libevmm writes (lib/report.c): the EVMM_REPORT file, the
 * EVMM_STATS summary and its messages on standard error.  Not installed.
 *
 * Text is built in a fixed buffer and written with write(2): the report
 * is written at the first injected failure, from inside an allocation
 * call, where stdio could allocate, take locks or already be broken.
 */
#ifndef EVMM_REPORT_INTERNAL_H_INCLUDED_
#define EVMM_REPORT_INTERNAL_H_INCLUDED_

#include <stddef.h>
#include <stdint.h>

/* A line or a file being built; what does not fit is dropped. */
struct evmm_text {
	char buf[8192];
	size_t len;
};

/* What an escaped string leaves free at the end of the buffer, for the
 * text that ends its line: whatever a message or report line holds after
 * its first escaped string (fixed text, numbers, the "..." of later ones
 * cut at once) must fit in it. */
#define EVMM_TEXT_TAIL 512

void evmm_text_str_(struct evmm_text *t, const char *s);
/* s, with control characters and backslashes as \xHH and \\, so that a
 * file name (which the caller may choose) cannot end a line or drive a
 * terminal.  A string that would leave less than EVMM_TEXT_TAIL bytes
 * free is cut before the first character that would, never inside an
 * escape, and "..." marks the cut: the message or report line it is in
 * still ends, with its newline. */
void evmm_text_escaped_(struct evmm_text *t, const char *s);
void evmm_text_u64_(struct evmm_text *t, uint64_t n);
void evmm_text_hex_(struct evmm_text *t, uint64_t n);
/* Where the call that returned to an address is: "file+0xoffset
 * (symbol)", both names escaped; symbol may be NULL, then " (symbol)"
 * is left out. */
void evmm_text_call_site_(struct evmm_text *t, const char *file,
    uint64_t offset, const char *symbol);
/* Write it all to standard error; errors are ignored, there is nowhere
 * left to report them. */
void evmm_text_stderr_(const struct evmm_text *t);

/* Open the report file: 0, or -1 after saying why on standard error. */
int evmm_report_open_(const char *path);
/* Whether the report file is open (or, in a child made by fork(), will
 * be made at the first write). */
int evmm_report_is_open_(void);
/* This process's key when EVMM_REPORT names a directory (see
 * lib/report-keys.h), else NULL. */
const char *evmm_report_key_(void);
/* From the pthread_atfork() handlers, under the statistics lock: before
 * fork(), count the child; in the child, take the key "PARENT.M", start
 * its own count of forks, and make its file at its first write. */
void evmm_report_forking_(void);
void evmm_report_forked_(void);
/* Write the report whole, now, if this is the process that opened it. */
void evmm_report_write_(void);
/* For the crash handler (lib/crash.c), which appends to the report
 * without the lock: its descriptor, or -1 unless this is the process that
 * opened it and the descriptor still refers to that file.
 * Async-signal-safe: getpid() and fstat() only. */
int evmm_report_fd_(void);
/* Print the statistics on standard error at exit (EVMM_STATS=1), in this
 * process only. */
void evmm_report_summary_at_exit_(void);

/* From lib/instrument.c, for the report's "allocations": the allocations
 * numbered since evmm_fault_set() while a fault is set, else all that
 * were counted. */
uint64_t evmm_instr_allocations_(void);
/* Whether EVMM_SITES is on; then how many sites are listed, in *count,
 * and whether some were turned away, in *full. */
int evmm_instr_sites_(size_t *count, int *full);
/* The k-th site listed, from 0: its caller (as the fault path has it, a
 * return address) and the number of its first allocation; 0 while
 * another thread is still entering it. */
int evmm_instr_site_(size_t k, void **caller, uint64_t *number);

#endif /* EVMM_REPORT_INTERNAL_H_INCLUDED_ */
