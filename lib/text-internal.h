/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Text the library writes, built in a fixed buffer (lib/text.c): the
 * report file, the EVMM_STATS summary, messages on standard error and
 * the crash handler's lines.  Not installed.  Depends on nothing of the
 * library's.
 *
 * Text is built in a fixed buffer and written with write(2): the report
 * is written at the first injected failure, from inside an allocation
 * call, and the crash lines from a signal handler, where stdio could
 * allocate, take locks or already be broken.
 */
#ifndef EVMM_TEXT_INTERNAL_H_INCLUDED_
#define EVMM_TEXT_INTERNAL_H_INCLUDED_

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
/* s, with backslashes as \\ and every byte a terminal could act on as
 * \xhh: the C0 controls, DEL, the C1 controls (bytes 0x80 to 0x9f, and
 * their UTF-8 forms 0xc2 0x80 to 0xc2 0x9f), and each byte of what is
 * not valid UTF-8.  Valid UTF-8 characters from U+00A0 up are kept as
 * they are.  So a file name (which the caller may choose) cannot end a
 * line or drive a terminal.  A string that would leave less than
 * EVMM_TEXT_TAIL bytes free is cut before the first character that
 * would, never inside an escape or a multibyte character, and "..."
 * marks the cut: the message or report line it is in still ends, with
 * its newline. */
void evmm_text_escaped_(struct evmm_text *t, const char *s);
void evmm_text_u64_(struct evmm_text *t, uint64_t n);
void evmm_text_hex_(struct evmm_text *t, uint64_t n);
/* Where the call that returned to an address is: "file+0xoffset
 * (symbol)", both names escaped; symbol may be NULL, then " (symbol)"
 * is left out. */
void evmm_text_call_site_(struct evmm_text *t, const char *file,
    uint64_t offset, const char *symbol);
/* The same with each name cut to @p name_max bytes, marked "...", as
 * well as where the text must stop: the report's call-site lines. */
void evmm_text_call_site_cut_(struct evmm_text *t, const char *file,
    uint64_t offset, const char *symbol, size_t name_max);
/* Write @p n bytes at @p p to @p fd, through short writes and signals:
 * 0 or an errno value.  Async-signal-safe. */
int evmm_write_all_(int fd, const char *p, size_t n);
/* Write it all to standard error; errors are ignored, there is nowhere
 * left to report them. */
void evmm_text_stderr_(const struct evmm_text *t);

#endif /* EVMM_TEXT_INTERNAL_H_INCLUDED_ */
