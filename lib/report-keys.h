/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * The keys of the report file that EVMM_REPORT names: a protocol between
 * the library (lib/report.c writes it) and evmm-torture (reads it).
 * Defined once here so the two cannot drift apart.  Not installed.
 *
 * The file holds one "key=value" line per key, in no promised order;
 * a reader ignores keys it does not know.
 */
#ifndef EVMM_REPORT_KEYS_H_INCLUDED_
#define EVMM_REPORT_KEYS_H_INCLUDED_

#include <stdint.h>

/* The process key, when EVMM_REPORT names a directory: "NAME#N" for a
 * program image, its parent's key followed by ".M" for a child made by
 * fork(); also the name of the process's file there. */
#define EVMM_REPORT_PROCESS		"process"
/* A key's NAME (its program's name, bytes outside [A-Za-z0-9._-] made
 * '_') has at most EVMM_PROCESS_NAME_MAX bytes, N at most
 * EVMM_PROCESS_ORDINAL_MAX; a whole key at most EVMM_PROCESS_KEY_MAX. */
#define EVMM_PROCESS_NAME_MAX		48
#define EVMM_PROCESS_ORDINAL_MAX	9999
#define EVMM_PROCESS_KEY_MAX		200

/* The process's ID, so that a checker's log, which names processes by
 * theirs, can be told apart by key. */
#define EVMM_REPORT_PID			"pid"
/* Allocations numbered since the fault specification was set. */
#define EVMM_REPORT_ALLOCATIONS		"allocations"
#define EVMM_REPORT_MALLOC_CALLS	"malloc_calls"
#define EVMM_REPORT_CALLOC_CALLS	"calloc_calls"
#define EVMM_REPORT_STRDUP_CALLS	"strdup_calls"
#define EVMM_REPORT_REALLOC_CALLS	"realloc_calls"
#define EVMM_REPORT_FREE_CALLS		"free_calls"
#define EVMM_REPORT_INJECTED_FAILURES	"injected_failures"
#define EVMM_REPORT_REAL_FAILURES	"real_failures"
#define EVMM_REPORT_LIVE_BLOCKS		"live_blocks"
/* Only when the block sizes are known. */
#define EVMM_REPORT_LIVE_BYTES		"live_bytes"
#define EVMM_REPORT_PEAK_BYTES		"peak_bytes"
/* Only once a failure was injected: its number, entry point and call
 * site ("file+0xoffset (symbol)"). */
#define EVMM_REPORT_FIRST_INJECTED_CALL	"first_injected_call"
#define EVMM_REPORT_FIRST_INJECTED_ENTRY "first_injected_entry"
#define EVMM_REPORT_FIRST_INJECTED_CALLER "first_injected_caller"
/* Only when the process was killed by a signal while fault injection was
 * on (lib/crash.c), appended after the rest: the signal's number, then
 * one line per frame of the crashing thread, innermost first, at most
 * 16, as "module+0xoffset (symbol)" like the caller above, the first at
 * the faulting instruction and the others one byte back from their
 * return addresses; "0xaddress" for a frame in no module.  No frame
 * lines where the platform cannot unwind. */
#define EVMM_REPORT_CRASH_SIGNAL	"crash_signal"
#define EVMM_REPORT_CRASH_FRAME		"crash_frame"

/* Only while EVMM_SITES=N is set (with EVMM_REPORT), in the report
 * written at exit: one line per distinct call site of the process's
 * numbered allocations, "site=FIRST module+0xoffset (symbol)" with FIRST
 * the number of its first allocation, in the order the sites were first
 * seen; then "sites=COUNT", the number of site lines above it (a reader
 * that finds another number has a cut report); then "sites_full=1" when
 * more sites were seen than could be listed: at most N, and never more
 * than EVMM_SITES_MAX.  A site line is at most EVMM_SITE_LINE_MAX bytes:
 * the module and symbol are escaped like the caller above and each cut
 * to EVMM_SITE_NAME_MAX bytes, "..." marking a cut. */
#define EVMM_REPORT_SITE		"site"
#define EVMM_REPORT_SITES		"sites"
#define EVMM_REPORT_SITES_FULL		"sites_full"
#define EVMM_SITES_MAX			4096
/* EVMM_SITES_DEPTH=D, with EVMM_SITES: a site is the call stack of D
 * return addresses from the caller up, not the caller alone; the site
 * line still names the caller.  At most EVMM_SITES_DEPTH_MAX. */
#define EVMM_SITES_DEPTH_MAX		16
#define EVMM_SITE_NAME_MAX		200
#define EVMM_SITE_LINE_MAX		512

/*
 * The live file.  Beside its report, a process with a key whose
 * allocations are numbered (EVMM_FAULT or EVMM_SITES set) keeps
 * "KEY.live": a struct evmm_live that it maps and updates as it
 * allocates, so that its count and its sites survive an ending that
 * writes no report (_exit(), exec(), a signal, SIGKILL).  In the
 * machine's own byte order and sizes: only a reader built for the same
 * kind of process, whose EVMM_LIVE_MAGIC and sizeof(struct evmm_live)
 * match the file's, reads it; any other takes the report alone.
 */
#define EVMM_LIVE_SUFFIX		".live"
#define EVMM_LIVE_MAGIC			"evmm-live-1"
/* Twice the sites that can be listed: the table is open addressing, at
 * most half full. */
#define EVMM_LIVE_SLOTS			(2 * EVMM_SITES_MAX)

struct evmm_live_slot {
	void *key;		/* the caller, or its stack's hash; NULL: free */
	void *caller;		/* the caller, for the report */
	uint64_t first;		/* 0 until its entering thread writes it */
};

struct evmm_live {
	char magic[16];		/* EVMM_LIVE_MAGIC, NUL-padded */
	uint32_t size;		/* sizeof(struct evmm_live) */
	int32_t pid;		/* the process's ID, as EVMM_REPORT_PID */
	/* Where libevmm's code is in the process, [start, end); 0, 0 when
	 * not known.  A checker's stack that names addresses but not
	 * modules (valgrind's, with debug information) is told by it. */
	uint64_t code_start;
	uint64_t code_end;
	/* The most sites to list; 0 while sites are not listed. */
	uint32_t sites_limit;
	/* Allocations numbered since the fault was set. */
	uint64_t allocations;
	/* Sites: slots reserved against the limit; claimed, in order;
	 * whether one was turned away. */
	uint32_t sites_reserved;
	uint32_t sites_claimed;
	uint32_t sites_full;
	/* The slots in the order they were claimed, each as its index + 1
	 * (0: being written). */
	uint32_t site_order[EVMM_SITES_MAX];
	struct evmm_live_slot slots[EVMM_LIVE_SLOTS];
};

#endif /* EVMM_REPORT_KEYS_H_INCLUDED_ */
