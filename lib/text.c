/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * Building text in a fixed buffer: lib/text-internal.h.  Escaping,
 * numbers, call sites cut to a length, and writing it out with write(2).
 * Pure but for the writing; depends on nothing of the library's, so
 * that the fuzz target fuzz/fuzz_report.c can test it alone.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#ifdef HAVE_UNISTD_H
#include <unistd.h>
#endif
#ifdef _WIN32
#include <io.h>
#endif

#include "text-internal.h"

static void
put(struct evmm_text *t, const char *s, size_t n)
{
	if (n > sizeof(t->buf) - t->len)
		n = sizeof(t->buf) - t->len;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

void
evmm_text_str_(struct evmm_text *t, const char *s)
{
	put(t, s, strlen(s));
}

static const char hex_digits[] = "0123456789abcdef";

/* How many bytes from s make one valid UTF-8 character of U+00A0 or
 * above (printable text, kept as it is), or 0.  The two-byte encodings
 * of U+0080 to U+009F are the C1 controls again, which a terminal acts
 * on; overlong forms, surrogates, values above U+10FFFF and sequences
 * cut short (by the NUL that ends s, too) are not UTF-8 at all.
 * Following RFC 3629's table of well-formed sequences. */
static size_t
utf8_printable(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] == 0xc2)
		lo = 0xa0;		/* U+0080..U+009F: C1 controls */
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;	/* ASCII, a continuation byte, C0, C1, F5.. */
	if (s[0] == 0xe0)
		lo = 0xa0;		/* overlong below U+0800 */
	else if (s[0] == 0xed)
		hi = 0x9f;		/* surrogates U+D800..U+DFFF */
	else if (s[0] == 0xf0)
		lo = 0x90;		/* overlong below U+10000 */
	else if (s[0] == 0xf4)
		hi = 0x8f;		/* above U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* s escaped, cut with "..." before the text would pass limit bytes.
 * A character is written whole or not at all, so a cut never splits an
 * escape or a multibyte character. */
static void
escaped_upto(struct evmm_text *t, const char *s, size_t limit)
{
	const unsigned char *u = (const unsigned char *)s;
	char e[4];
	const char *out;
	unsigned char c;
	size_t n;

	while (*u != '\0') {
		c = *u;
		out = e;
		n = 1;
		e[0] = (char)c;
		if (c >= 0x80 && (n = utf8_printable(u)) > 0) {
			out = (const char *)u;
		} else if (c < 0x20 || c >= 0x7f) {
			/* C0, DEL, C1 and any byte of what is not UTF-8 */
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex_digits[c >> 4];
			e[3] = hex_digits[c & 0xf];
			n = 4;
		} else if (c == '\\') {
			e[1] = '\\';
			n = 2;
		}
		if (t->len + n > limit) {
			evmm_text_str_(t, "...");
			return;
		}
		put(t, out, n);
		u += out == e ? 1 : n;
	}
}

void
evmm_text_escaped_(struct evmm_text *t, const char *s)
{
	escaped_upto(t, s, sizeof(t->buf) - EVMM_TEXT_TAIL);
}

void
evmm_text_u64_(struct evmm_text *t, uint64_t n)
{
	char d[20];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	put(t, d + i, sizeof(d) - i);
}

void
evmm_text_hex_(struct evmm_text *t, uint64_t n)
{
	char d[18];
	size_t i = sizeof(d);

	do {
		d[--i] = hex_digits[n & 0xf];
		n >>= 4;
	} while (n != 0);
	d[--i] = 'x';
	d[--i] = '0';
	put(t, d + i, sizeof(d) - i);
}

/* The limit for escaped_upto() that cuts a name at name_max bytes from
 * here, or where the text must stop, whichever comes first (the text may
 * already be past that point: then it is). */
static size_t
name_limit(const struct evmm_text *t, size_t name_max)
{
	size_t most = sizeof(t->buf) - EVMM_TEXT_TAIL;

	return t->len < most && name_max < most - t->len ?
	    t->len + name_max : most;
}

void
evmm_text_call_site_cut_(struct evmm_text *t, const char *file,
    uint64_t offset, const char *symbol, size_t name_max)
{
	escaped_upto(t, file, name_limit(t, name_max));
	evmm_text_str_(t, "+");
	evmm_text_hex_(t, offset);
	if (symbol != NULL) {
		evmm_text_str_(t, " (");
		escaped_upto(t, symbol, name_limit(t, name_max));
		evmm_text_str_(t, ")");
	}
}

void
evmm_text_call_site_(struct evmm_text *t, const char *file, uint64_t offset,
    const char *symbol)
{
	evmm_text_call_site_cut_(t, file, offset, symbol, sizeof(t->buf));
}

int
evmm_write_all_(int fd, const char *p, size_t n)
{
	long w;

	while (n > 0) {
		w = (long)write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		if (w == 0)
			return EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void
evmm_text_stderr_(const struct evmm_text *t)
{
	int saved = errno;

	(void)evmm_write_all_(2, t->buf, t->len);
	errno = saved;
}
