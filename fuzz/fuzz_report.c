/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * libFuzzer target: the text of the EVMM_REPORT file and of libevmm's
 * messages, built by lib/text.c's evmm_text_* functions into a fixed
 * buffer.  The input is two bytes choosing how full the buffer already
 * is, eight bytes of a number, one byte of flags, then a file name and a
 * symbol separated by a NUL byte.  Oracles, from lib/text-internal.h
 * and lib/report-keys.h, with escaping, unescaping and number printing
 * written here again:
 *  - evmm_text_u64_ and evmm_text_hex_ print what snprintf's %PRIu64 and
 *    0x%PRIx64 print, as much of it as fits;
 *  - evmm_text_escaped_ never writes outside the buffer nor past its
 *    length; its output has no byte below 0x20, no 0x7f, no C1 control
 *    (raw or UTF-8) and is valid UTF-8, and reads back to the string;
 *    valid UTF-8 characters from U+00A0 up are kept, everything else
 *    outside printable ASCII is escaped byte by byte; when it does not
 *    fit it is cut between characters, at the last one that leaves
 *    EVMM_TEXT_TAIL bytes free, and marked with "...", so the text that
 *    ends the line still fits;
 *  - a report (key lines, then first_injected_caller made by
 *    evmm_text_call_site_ from the fuzzed names) is one "key=value"
 *    line per key of lib/report-keys.h, each ended by a newline, and its
 *    caller reads back to the names and the offset.
 * Built and run by fuzz/run.sh.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text-internal.h"
#include "report-keys.h"
#include "reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUF_SIZE sizeof(((struct evmm_text *)0)->buf)
/* Where escaped text stops. */
#define ESCAPE_LIMIT (BUF_SIZE - EVMM_TEXT_TAIL)
#define FILLER 'F'
#define UNTOUCHED 0xa5

/* The report's keys, in the order lib/report.c writes them. */
static const char *const keys[] = {
	EVMM_REPORT_ALLOCATIONS, EVMM_REPORT_MALLOC_CALLS,
	EVMM_REPORT_CALLOC_CALLS, EVMM_REPORT_STRDUP_CALLS,
	EVMM_REPORT_REALLOC_CALLS, EVMM_REPORT_FREE_CALLS,
	EVMM_REPORT_INJECTED_FAILURES, EVMM_REPORT_REAL_FAILURES,
	EVMM_REPORT_LIVE_BLOCKS, EVMM_REPORT_LIVE_BYTES,
	EVMM_REPORT_PEAK_BYTES, EVMM_REPORT_FIRST_INJECTED_CALL,
	EVMM_REPORT_FIRST_INJECTED_ENTRY, EVMM_REPORT_FIRST_INJECTED_CALLER,
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* --- The reference ------------------------------------------------------ */

static const char digits[] = "0123456789abcdef";

/* The length of the UTF-8 character at s that a terminal shows as
 * text, or 0: decoded to its code point, which must need exactly that
 * many bytes (no overlong form), be no surrogate, at most U+10FFFF and
 * not a control (below U+00A0). */
static size_t
ref_utf8_text(const unsigned char *s)
{
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len, i;
	uint32_t cp;

	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also the NUL at the end */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < least[len] || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp > 0x10ffff || cp < 0xa0)
		return 0;
	return len;
}

/* The character at s as the escaping writes it into out: its length
 * there; *used set to how many bytes of s it stands for. */
static size_t
ref_escape_char(const char *s, char out[4], size_t *used)
{
	unsigned char c = (unsigned char)*s;
	size_t len = ref_utf8_text((const unsigned char *)s);

	*used = 1;
	if (len > 0) {
		memcpy(out, s, len);
		*used = len;
		return len;
	}
	if (c == '\\') {
		memcpy(out, "\\\\", 2);
		return 2;
	}
	if (c <= 0x1f || c >= 0x7f) {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = digits[c / 16];
		out[3] = digits[c % 16];
		return 4;
	}
	out[0] = (char)c;
	return 1;
}

/* The value of a lower-case hex digit, or -1. */
static int
hex_value(char c)
{
	const char *p = c != '\0' ? strchr(digits, c) : NULL;

	return p != NULL ? (int)(p - digits) : -1;
}

/* A growing copy of what the buffer should hold. */
struct ref_text {
	char buf[BUF_SIZE];
	size_t len;
};

static void
ref_append(struct ref_text *r, const char *s, size_t n)
{
	size_t room = BUF_SIZE - r->len;

	memcpy(r->buf + r->len, s, n < room ? n : room);
	r->len += n < room ? n : room;
}

static void
ref_str(struct ref_text *r, const char *s)
{
	ref_append(r, s, strlen(s));
}

/* s escaped; *used set to how many of its bytes made it, *end to where
 * their escapes end (before the "..." of a cut). */
static void
ref_escaped(struct ref_text *r, const char *s, size_t *used, size_t *end)
{
	char e[4];
	size_t i, n, step;

	for (i = 0; s[i] != '\0'; i += step) {
		n = ref_escape_char(s + i, e, &step);
		if (r->len + n > ESCAPE_LIMIT)
			break;
		ref_append(r, e, n);
	}
	*used = i;
	*end = r->len;
	if (s[i] != '\0')
		ref_str(r, "...");
}

/* Decodes escaped text p[0..n): the bytes into out (room for n), their
 * count into *outlen; 0 if it holds a raw control byte, a byte of
 * something that is not UTF-8 text, a backslash that starts no escape or
 * half of one. */
static int
ref_unescape(const char *p, size_t n, char *out, size_t *outlen)
{
	size_t i = 0, o = 0, len;
	char copy[5] = { 0 };

	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x80) {
			/* p[n] need not be the end: look at a copy */
			len = n - i < 4 ? n - i : 4;
			memcpy(copy, p + i, len);
			copy[len] = '\0';
			len = ref_utf8_text((const unsigned char *)copy);
			if (len == 0)
				return 0;
			memcpy(out + o, p + i, len);
			o += len;
			i += len;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c != '\\') {
			out[o++] = (char)c;
			i++;
		} else if (i + 1 < n && p[i + 1] == '\\') {
			out[o++] = '\\';
			i += 2;
		} else if (i + 3 < n && p[i + 1] == 'x' &&
		    hex_value(p[i + 2]) >= 0 && hex_value(p[i + 3]) >= 0) {
			out[o++] = (char)(hex_value(p[i + 2]) * 16 +
			    hex_value(p[i + 3]));
			i += 4;
		} else {
			return 0;
		}
	}
	*outlen = o;
	return 1;
}

/* --- The checks --------------------------------------------------------- */

static struct evmm_text *text;
static char untouched[BUF_SIZE];

/* The buffer holding fill bytes of filler, the rest marked untouched. */
static void
start(size_t fill)
{
	memset(text->buf, UNTOUCHED, BUF_SIZE);
	memset(text->buf, FILLER, fill);
	text->len = fill;
}

/* What the library wrote after fill matches the reference, and nothing
 * beyond its length changed. */
static void
compare(const char *what, size_t fill, const struct ref_text *r)
{
	EXPECT(text->len <= BUF_SIZE, "%s: length %zu", what, text->len);
	EXPECT(text->len == r->len, "%s: length %zu, expected %zu", what,
	    text->len, r->len);
	EXPECT(memcmp(text->buf, r->buf, fill) == 0, "%s: the text before "
	    "it changed", what);
	EXPECT(memcmp(text->buf + fill, r->buf + fill, r->len - fill) == 0,
	    "%s: \"%.*s\", expected \"%.*s\"", what,
	    (int)(text->len - fill), text->buf + fill,
	    (int)(r->len - fill), r->buf + fill);
	EXPECT(memcmp(text->buf + text->len, untouched, BUF_SIZE - text->len)
	    == 0, "%s: written past its length %zu", what, text->len);
}

static void
check_numbers(size_t fill, uint64_t n)
{
	struct ref_text r;
	char s[32];

	memset(r.buf, FILLER, fill);
	r.len = fill;
	snprintf(s, sizeof(s), "%" PRIu64, n);
	ref_str(&r, s);
	start(fill);
	evmm_text_u64_(text, n);
	compare("evmm_text_u64_", fill, &r);

	r.len = fill;
	snprintf(s, sizeof(s), "0x%" PRIx64, n);
	ref_str(&r, s);
	start(fill);
	evmm_text_hex_(text, n);
	compare("evmm_text_hex_", fill, &r);
}

/* The name escaped at p[0..n) reads back to name, or to a part of it
 * if cut is set. */
static void
reads_back(const char *what, const char *p, size_t n, const char *name,
    size_t used, int cut)
{
	char *back = malloc(n + 1);
	size_t got;

	EXPECT(back != NULL, "out of memory");
	EXPECT(ref_unescape(p, n, back, &got), "%s \"%.*s\" does not read "
	    "back", what, (int)n, p);
	EXPECT(got == used && memcmp(back, name, got) == 0 &&
	    (cut ? used < strlen(name) : used == strlen(name)),
	    "%s reads back to %zu bytes of %zu", what, got, strlen(name));
	free(back);
}

/* s escaped after fill bytes, then a line's end of tail bytes. */
static void
check_escaped(size_t fill, const char *s, size_t tail)
{
	struct ref_text r;
	char end[EVMM_TEXT_TAIL + 1];
	size_t i, used, esc_end;

	memset(r.buf, FILLER, fill);
	r.len = fill;
	ref_escaped(&r, s, &used, &esc_end);
	start(fill);
	evmm_text_escaped_(text, s);
	compare("evmm_text_escaped_", fill, &r);

	for (i = fill; i < text->len; i++) {
		unsigned char c = (unsigned char)text->buf[i];

		EXPECT(c >= 0x20 && c != 0x7f, "raw byte 0x%02x at %zu", c, i);
		if (c >= 0x80) {
			size_t len = ref_utf8_text(
			    (const unsigned char *)text->buf + i);

			EXPECT(len > 0 && i + len <= text->len,
			    "raw byte 0x%02x at %zu is not UTF-8 text", c, i);
			i += len - 1;
		}
	}
	reads_back("the string", text->buf + fill, esc_end - fill, s, used,
	    s[used] != '\0');

	/* What ends the line fits after it, whenever the line began with
	 * room for its end. */
	if (fill + EVMM_TEXT_TAIL <= BUF_SIZE && tail > 0) {
		memset(end, 'e', tail - 1);
		end[tail - 1] = '\n';
		end[tail] = '\0';
		evmm_text_str_(text, end);
		EXPECT(text->len > 0 && text->buf[text->len - 1] == '\n',
		    "the line does not end (%zu bytes of its end, after %zu)",
		    tail, esc_end);
	}
}

/* A report as lib/report.c writes one: nkeys lines of key=number, the
 * entry, then the caller. */
static void
check_report(unsigned nkeys, uint64_t n, const char *file,
    const char *symbol)
{
	struct ref_text r;
	char num[64];
	const char *line, *eq, *nl, *end;
	int seen[NKEYS] = { 0 };
	unsigned lines = 0, i;
	size_t k, site, fused, fend, sstart = 0, sused = 0, send = 0;

	text->len = 0;
	r.len = 0;
	for (i = 0; i < nkeys; i++) {
		evmm_text_str_(text, keys[i]);
		evmm_text_str_(text, "=");
		evmm_text_u64_(text, n + i);
		evmm_text_str_(text, "\n");
		snprintf(num, sizeof(num), "%s=%" PRIu64 "\n", keys[i], n + i);
		ref_str(&r, num);
	}
	evmm_text_str_(text, EVMM_REPORT_FIRST_INJECTED_ENTRY "=");
	evmm_text_str_(text, "event_mm_malloc_");
	evmm_text_str_(text, "\n" EVMM_REPORT_FIRST_INJECTED_CALLER "=");
	evmm_text_call_site_(text, file, n, symbol);
	evmm_text_str_(text, "\n");

	ref_str(&r, EVMM_REPORT_FIRST_INJECTED_ENTRY "=event_mm_malloc_\n"
	    EVMM_REPORT_FIRST_INJECTED_CALLER "=");
	site = r.len;
	ref_escaped(&r, file, &fused, &fend);
	snprintf(num, sizeof(num), "+0x%" PRIx64, n);
	ref_str(&r, num);
	if (symbol != NULL) {
		ref_str(&r, " (");
		sstart = r.len;
		ref_escaped(&r, symbol, &sused, &send);
		ref_str(&r, ")");
	}
	ref_str(&r, "\n");

	EXPECT(text->len == r.len && memcmp(text->buf, r.buf, r.len) == 0,
	    "report \"%.*s\", expected \"%.*s\"", (int)text->len, text->buf,
	    (int)r.len, r.buf);

	/* What a reader sees: one key=value line per key, each ended. */
	end = text->buf + text->len;
	EXPECT(text->len > 0 && end[-1] == '\n', "the last line does not "
	    "end");
	for (line = text->buf; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		eq = memchr(line, '=', (size_t)(nl - line));
		EXPECT(eq != NULL, "line %u has no '='", lines + 1);
		for (k = 0; k < NKEYS; k++)
			if (strlen(keys[k]) == (size_t)(eq - line) &&
			    memcmp(keys[k], line, (size_t)(eq - line)) == 0)
				break;
		EXPECT(k < NKEYS, "line %u: unknown key \"%.*s\"", lines + 1,
		    (int)(eq - line), line);
		EXPECT(!seen[k], "key %s twice", keys[k]);
		seen[k] = 1;
		lines++;
		for (eq++; eq < nl; eq++)
			EXPECT((unsigned char)*eq >= 0x20 &&
			    (unsigned char)*eq != 0x7f,
			    "%s: raw byte 0x%02x", keys[k], (unsigned char)*eq);
	}
	EXPECT(lines == nkeys + 2, "%u lines for %u keys", lines, nkeys + 2);

	/* The caller's names read back. */
	reads_back("file", text->buf + site, fend - site, file, fused,
	    file[fused] != '\0');
	if (symbol != NULL)
		reads_back("symbol", text->buf + sstart, send - sstart, symbol,
		    sused, symbol[sused] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sel, flags;
	size_t fill, v, tail;
	uint64_t n = 0;
	char *file, *symbol;
	int i;

	if (size < 11)
		return 0;
	sel = (unsigned)data[0] << 8 | data[1];
	for (i = 0; i < 8; i++)
		n = n << 8 | data[2 + i];
	flags = data[10];
	data += 11;
	size -= 11;

	/* Near the end, near where escaping stops, or anywhere. */
	v = sel & 0x3fff;
	if (sel & 0x8000)
		fill = BUF_SIZE - v % 1024;
	else if (sel & 0x4000)
		fill = ESCAPE_LIMIT + 8 - v % 64;
	else
		fill = v % (BUF_SIZE + 1);
	tail = (size_t)(n % EVMM_TEXT_TAIL) % (EVMM_TEXT_TAIL - 3) + 1;

	file = malloc(size + 2);
	if (file == NULL)
		abort();
	memcpy(file, data, size);
	file[size] = '\0';
	file[size + 1] = '\0';
	symbol = file + strlen(file) + 1;
	ref_input = file;
	memset(untouched, UNTOUCHED, sizeof(untouched));
	text = malloc(sizeof(*text));
	if (text == NULL)
		abort();

	check_numbers(fill, n);
	check_escaped(fill, file, tail);
	check_escaped(fill, symbol, tail);
	check_report((flags & 0x0f) % (NKEYS - 2),  n, file,
	    flags & 0x10 ? NULL : symbol);

	free(text);
	free(file);
	return 0;
}
