/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-torture's parts, and what they share.  Not installed.
 *
 * Each file calls only those below it in this list, never one above:
 *
 *   main.c         the counting run, the plan, the exit status
 *   schedule.c     which allocations fail: every one, a sample (-n), or
 *                  the first of each call site (--per-site)
 *   jobs.c         running points, --jobs at a time or one alone
 *   print.c        what is printed: the plan, progress, each point, the
 *                  table, the summary
 *   readback.c     reading back what a run left: its report directory,
 *                  its stderr, valgrind's logs; its verdict from them
 *   symbols.c      naming frames, from the modules' symbols and debug
 *                  information
 *   process.c      starting a run's command, waiting for it, timeouts;
 *                  the signals evmm-torture itself catches
 *   env.c          the environment every run shares: LD_PRELOAD,
 *                  the sanitizers' options
 *   cleanup.c      the runs still going, killing what they leave
 *                  behind, cleaning up on exit and out of memory
 *   tmpdir.c       the temporary directory and each run's files in it
 *   options.c      the command line
 *
 * and, pure functions unit-tested by tests/unit/check_torture:
 *
 *   group.c        grouping points into rows, point ranges, key order,
 *                  how two counting runs differ
 *   checker_log.c  a sanitizer's or valgrind's log: errors, leaks, site
 *   report_parse.c the report file EVMM_REPORT names (lib/report-keys.h)
 *   verdict.c      what a run's end means
 *   modules.c      which modules are not the program's own
 */
#ifndef EVMM_TORTURE_H_INCLUDED_
#define EVMM_TORTURE_H_INCLUDED_

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/report-keys.h"

#define TORTURE_EXIT_USAGE 2
/* The exit status the sanitizers are told to use for an error.  A
 * command that exits with it on its own is not misread: the sanitizer's
 * log must say so too.  Leaks are told by the checkers' logs alone. */
#define TORTURE_SANITIZER_STATUS 96
/* What the child exits with when exec fails, as a shell does. */
#define TORTURE_EXEC_FAILED 127

enum leak_check { LEAK_NONE, LEAK_ASAN, LEAK_VALGRIND };

/* --per-site's call-stack depth when none is given: on libevent's own
 * suite, the least that finds every failure a sample of 1000 finds, in
 * fewer points (BENCHMARKS.md). */
#define PER_SITE_DEPTH 3

struct options {
	long jobs;
	long timeout;		/* seconds */
	long linger;		/* seconds processes that outlive the
				 * command are waited for */
	long max_points;	/* 0: all */
	enum leak_check leaks;
	int verbose;
	int per_site;		/* --per-site's depth; 0: not given */
	int success_status;	/* COMMAND's exit status when nothing fails */
	const char *preload;	/* the library to preload, or NULL */
	/* --run-dir: what, in COMMAND's arguments, stands for the run's
	 * own directory ("{}"), or NULL. */
	const char *run_dir;
	char **command;
};

struct point;

/* --- modules.c ------------------------------------------------------------ */

/* Whether a module, by its file name whatever directory holds it, is
 * libevmm, the C library, the loader, the unwinder or a checker's
 * runtime: not where the program itself went wrong.  (A build tree may
 * well be called libevmm-1.0.0: only the file name counts.) */
int foreign_module(const char *module, size_t len);
/* Whether the text of a frame (a checker's log line) names such a
 * module anywhere in it. */
int mentions_foreign_module(const char *frame, size_t len);
/* The first what in the len bytes at s, or NULL. */
const char *find_in(const char *s, size_t len, const char *what);

/* --- verdict.c ------------------------------------------------------------ */

enum outcome {
	PASSED, CRASHED, HUNG, LEAKED, NOT_REACHED, CANNOT_RUN,
	OUTCOME_COUNT
};

/* Everything known about how one run ended. */
struct run_facts {
	int status;		/* the wait status */
	int timed_out;		/* killed by evmm-torture at the timeout */
	int injected;		/* a failure was asked for (not the count) */
	int reported;		/* the library wrote a report */
	int reached;		/* ... naming an injected failure */
	enum leak_check leaks;
	int sanitizer_error;	/* the sanitizer's or valgrind's log has an error */
	int sanitizer_leak;	/* ... has a leak */
	int shell_status_believed; /* exit 128+N can be a shell's report of
				 * signal N: the success status is not
				 * such a status */
	int own_signal;		/* the signal the process whose allocation
				 * failed died of, from its report; 0 */
	int outlived;		/* a process outlived the command by more
				 * than --linger, as none did in the
				 * counting run */
};

/* How the verdict was reached, for its description. */
enum verdict_how {
	BY_EXIT,		/* status: the exit status */
	BY_SIGNAL,		/* signal: the signal that ended the command */
	BY_OWN_SIGNAL,		/* signal: the one that ended the process
				 * whose allocation failed; status: the
				 * command's exit status */
	BY_SHELL_STATUS,	/* signal: exit 128+signal, a shell's report */
	BY_SANITIZER,		/* the sanitizer's or valgrind's error */
	BY_TIMEOUT,
	BY_OUTLIVED,		/* a process outlived the command */
	BY_LEAK_REPORT,
	BY_NO_REPORT
};

struct verdict {
	enum outcome outcome;
	enum verdict_how how;
	int signal;
	int status;		/* exit status, for BY_EXIT */
};

extern const char *const outcome_names[OUTCOME_COUNT];

void classify(const struct run_facts *f, struct verdict *v);
/* "crashed (signal 11, SIGSEGV)", "passed (exit 1)", ... */
void describe_verdict(const struct verdict *v, char *buf, size_t size);
/* "SIGSEGV", or "SIG42" for one without a name here. */
const char *signal_name(int sig, char *buf, size_t size);
/* Whether a signal a command dies of means it hung: its own watchdog. */
int signal_means_hang(int sig);
/* Whether an exit status is one a shell gives for a child killed by a
 * signal: 128+N. */
int shell_signal_status(int status);
/* Whether the point is one the table shows: neither passed nor not
 * reached. */
int is_failing(const struct point *p);

/* --- checker_log.c -------------------------------------------------------- */

/* From a sanitizer's or valgrind's log text: whether it reports an error
 * or a leak, and the crash site: the first frame of the first error's
 * stack outside libevmm, the C library and the checker itself, as
 * "symbol module+0xoffset" (ASan) or "symbol (file:line)" /
 * "symbol (in module)" (valgrind).  buf is "-" when none is found. */
void scan_checker_log(const char *log, enum leak_check how, int *error,
    int *leak, char *site, size_t size);

/* A process whose leaks count: its ID, and where libevmm's code is in
 * it, [code_start, code_end) (0, 0: not known). */
struct leak_owner {
	long pid;
	unsigned long long code_start, code_end;
};

/* From a checker's log: whether it reports a leak (valgrind's
 * "definitely" or "indirectly lost", LeakSanitizer's direct or indirect
 * leak) in one of the n processes owners (in any when owners is NULL),
 * told by the "==PID==" the checker writes.  The first such record is
 * quoted in record: its first line, then ", from " and its first frame
 * outside the foreign modules and the owner's libevmm code; its
 * process's ID is put in *pid.  record is "-" and *pid -1 when there is
 * none. */
int scan_leak(const char *log, enum leak_check how,
    const struct leak_owner *owners, size_t n, char *record, size_t size,
    long *pid);

/* --- report_parse.c ------------------------------------------------------- */

/* From the text of a report (lib/report-keys.h): the value of its line
 * "key=value" in buf, cut to size; 1, or 0 with buf untouched when it
 * has no such line. */
int report_value(const char *report, const char *key, char *buf,
    size_t size);

/* From the text of a report: the crash site that libevmm wrote when the
 * command died of a signal (crash_frame lines, lib/crash.c), as
 * "module+0xoffset (symbol)": the frame at fault.  That is the first
 * frame outside libevmm, the C library, the loader, the checkers and
 * the shared library that made the failed allocation (caller, the
 * report's first_injected_caller, or NULL): a library that crashes on
 * the NULL it was handed, or that it did not check, was called wrongly
 * by the next frame out, or failed its caller there.  A library is told
 * by its file name's stem ("libevent" for libevent_core-2.1.so.7 too).
 * Failing that, the first frame outside the foreign modules; failing
 * that, the first.  In inside (isize bytes, may be 0), the library's
 * frames before the site, innermost first, at most 3, each after a
 * newline but the first; "" when there are none.  1, or 0 with site untouched when the
 * report has no frame. */
int report_crash_site(const char *report, const char *caller, char *site,
    size_t size, char *inside, size_t isize);

/* Where a frame's module name ends, "module+0xoffset" or
 * "module+0xoffset (symbol)" as libevmm writes them: *end, at its last
 * "+0x" that is followed by hex digits and then the frame's end or
 * " (".  0 when the frame has no module ("0xADDR"). */
int frame_module(const char *frame, size_t len, size_t *end);

/* The n allocation numbers in firsts, sorted and each kept once: how
 * many are left. */
size_t sort_firsts(unsigned long *firsts, size_t n);

/* What a report says of its call sites (lib/report-keys.h): listed
 * whole, not listed at all (EVMM_SITES not set, or a libevmm that does
 * not know it), listed as far as its table went, or cut short. */
enum site_list { SITES_COMPLETE, SITES_ABSENT, SITES_FULL, SITES_CUT };
/* From the text of a report: the number of the first allocation of each
 * site it lists, in firsts (room for max), in increasing order, each
 * once, and their count in *n; *n is 0 unless the list is complete or
 * full.  A list with more than max sites is cut. */
enum site_list report_sites(const char *report, unsigned long *firsts,
    size_t max, size_t *n);

/* --- the points ----------------------------------------------------------- */

/* A process of the command that loaded libevmm, as the counting run's
 * report directory lists it (its live file, else its report): its key
 * (see evmm-torture(1)) and how many allocations it made. */
struct process {
	char key[EVMM_PROCESS_KEY_MAX + 1];
	unsigned long allocations;
	int live;	/* counted from its live file, not its report */
	long pid;	/* its process ID; 0 when not known */
	/* Where libevmm's code is in it (its live file); 0, 0 if not known. */
	unsigned long long code_start, code_end;
	/* With --per-site: what its report says of its call sites, and the
	 * number of the first allocation of each (malloc()ed, or NULL). */
	enum site_list site_list;
	unsigned long *sites;
	size_t nsites;
};

/* Every process of the counting run, in key order (compare_keys()). */
struct processes {
	struct process *v;
	size_t n;
	unsigned long allocations;	/* of them all */
	size_t allocating;		/* how many made any */
	int reported;			/* whether any report was written */
};

struct point {
	unsigned long id;	/* the run's number, for its files */
	unsigned long nth;	/* the allocation that fails; 0: none */
	const char *key;	/* in the process with this key */
	size_t proc;		/* which is the proc-th, in key order */
	/* Shown as "KEY:NTH" when several processes allocate, else as
	 * "NTH": the key, or NULL. */
	const char *label;
	pid_t pid;		/* while it runs */
	int ended;		/* reaped, not yet handed back by run_wait() */
	double deadline;
	int status;		/* the wait status */
	int timed_out;
	/* When the command ended: until when what it left running is
	 * waited for (0: it is killed at once); the name of what was still
	 * running then and killed, "" if nothing. */
	double linger_until;
	char outlived[96];
	struct verdict verdict;
	char result[64];	/* describe_verdict() */
	char entry[16];		/* "-" when unknown */
	char caller[256];	/* the allocation site */
	/* Where it crashed ("-": not known); for "could not run", why;
	 * for "hung (left running)", what; for "leaked", which process
	 * and the checker's first record, "KEY: RECORD". */
	char crash[256];
	/* The frames of the allocating library that it crashed in, before
	 * the crash site, separated by ", "; "" if none. */
	char inside[512];
};

/* --- group.c -------------------------------------------------------------- */

/* Orders process keys: by NAME, then N, then each fork number, as
 * numbers ("a#2" before "a#10", "a#1" before "a#1.1" before "a#2"). */
int compare_keys(const char *a, const char *b);
/* "17", or "KEY:17" when the point has a label. */
void format_point(const struct point *p, char *buf, size_t size);

/* Sorts pts so that points with the same result, allocation site and
 * crash site are next to each other, ordered by their first point, and
 * writes in starts[] where each group begins; returns how many groups.
 * starts has room for n entries. */
size_t group_points(struct point **pts, size_t n, size_t *starts);
/* "3-7,12": the numbers of the n points, in order, as ranges; with
 * labels, each key once before its ranges ("a#1:3-7,12,b#1:2").  Cut
 * with ",..." when buf is too small. */
void format_ranges(struct point *const *pts, size_t n, char *buf,
    size_t size);

/* text appended to the string in buf, of size bytes, as far as it
 * fits. */
void append_text(char *buf, size_t size, const char *text);

/* How two counting runs differ: the number of processes whose
 * allocations differ or that only one of them has, each said in buf as
 * "KEY 3 then 4", "KEY 3 then none" or "KEY none then 4", in key
 * order, separated by ", " and cut with ",..." when buf is too small. */
size_t compare_counts(const struct processes *a, const struct processes *b,
    char *buf, size_t size);

/* --- options.c ------------------------------------------------------------ */

extern const char *progname;
void parse_options(char **argv, struct options *o);

/* --- tmpdir.c ------------------------------------------------------------- */

/* A file's path: the temporary directory, "/" and a name of ours (or a
 * directory entry's, when it is emptied). */
#define FILE_PATH_MAX (PATH_MAX + 260)

/* Names the temporary directory, in $TMPDIR or /tmp; exits 1 with a
 * message when the name is too long. */
void tmpdir_choose(void);
/* Makes it; exits 1 with a message on failure. */
void tmpdir_make(void);
/* Its path. */
const char *tmpdir_path(void);
/* The path of run id's file what ("reports", "err") in it. */
void tmpdir_file(char *buf, size_t size, const char *what, unsigned long id);
/* Removes the directory path and all in it. */
void remove_dir(const char *path);
/* Removes the temporary directory and all in it, if it was made. */
void tmpdir_remove(void);

/* --- cleanup.c ------------------------------------------------------------ */

/* The runs started and not yet handed back by run_wait(): room for
 * one more, made before it is started (exits when out of memory), then
 * the run itself, and its removal. */
void live_reserve(void);
void live_add(pid_t pid, unsigned long id);
void live_drop(pid_t pid);
/* Kills what ended runs left behind: each child of ours (on Linux, a
 * subreaper's) that leads no live run and whose marker names no live
 * run; with everything, unmarked ones too. */
void sweep(int everything);
/* The processes run id, whose process group was pgid, left running:
 * each child of ours (on Linux, a subreaper's) that leads no live run
 * and whose marker names run id or that is in that group.  How many;
 * the first's name in name (NULL: not wanted); in *unsure (unless
 * NULL), how many others have no marker that can be read now (a
 * process in the middle of an exec(), a zombie).  With kill_them, each
 * found is killed, with its group when it leads one. */
size_t leftovers(unsigned long id, pid_t pgid, int kill_them, char *name,
    size_t size, size_t *unsure);
/* Kills every process left, removes the temporary directory. */
void cleanup_all(void);
/* Prints "evmm-torture: out of memory", cleans up, exits 1. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noreturn))
#endif
void out_of_memory(void);

/* --- env.c ---------------------------------------------------------------- */

/* Sets what every run shares in our own environment; exits when out of
 * memory. */
void env_set_shared(const struct options *o);

/* --- process.c ------------------------------------------------------------ */

/* Makes the temporary directory, the signal handling and (Linux) the
 * subreaper.  Exits 1 with a message on failure. */
void run_init(void);
/* Starts p's command: 0, or -1 with errno EAGAIN when no process can be
 * made now (try again once a run ends).  Exits on other errors. */
int run_start(struct point *p, const struct options *o);
/* Waits until one of the n running points ends or times out, kills what
 * is left of its process tree, and returns it.  On SIGINT, SIGTERM or
 * SIGHUP it kills every run, removes the temporary directory and dies of
 * the same signal. */
struct point *run_wait(struct point **running, size_t n);

/* --- symbols.c ------------------------------------------------------------ */

/* A frame "module+0xoffset" or "module+0xoffset (symbol)" given its
 * function's name when it has none, and " file:line" after it, when the
 * module's symbol table or debug information say (eu-addr2line); left
 * as it is otherwise. */
void name_frame(char *frame, size_t size);

/* --- readback.c ----------------------------------------------------------- */

/* Reads the point's reports and checker log, classifies it, removes
 * them.  For the counting run (count not NULL), lists every process's
 * report in count, sorted; for a point, reads its process's. */
void read_back(struct point *p, const struct options *o,
    struct processes *count);
/* Frees what read_back() put in count. */
void free_processes(struct processes *count);

/* --- print.c -------------------------------------------------------------- */

void print_progress(size_t done, size_t total, size_t failing, int force);
void print_point(const struct point *p);
/* The table of failing points, grouped; returns the number of rows. */
size_t print_table(struct point *points, size_t n);
void print_summary(const struct point *points, size_t n,
    unsigned long allocations, int per_site);
/* The first line: what the counting run found, and what will be run. */
/* With per_site, points is the number of call sites listed, and guessed
 * whether some process's sites are guessed instead. */
void print_plan(const char *cmd, const struct processes *count,
    size_t points, int per_site, int guessed);
/* On stderr: why the proc-th process's call sites must be guessed. */
void print_guessed(const struct processes *count, size_t proc,
    const char *cmd);

/* --- jobs.c --------------------------------------------------------------- */

/* Runs one point alone, to its end; count as for read_back(). */
void jobs_run_one(struct point *p, const struct options *o,
    struct processes *count);
/* Runs the n points, o->jobs at a time, printing each or the progress. */
void jobs_run_all(struct point *points, size_t n, const struct options *o);

/* --- schedule.c ----------------------------------------------------------- */

/* The points of a plain run: n of them, evenly spread over every
 * process's allocations, the first and the last included (all of them
 * when n is their number).  malloc()ed. */
struct point *schedule_sampled(const struct processes *count, size_t n);
/* --per-site: runs the first allocation of each call site of every
 * process, those its report lists at once and in parallel, the others
 * guessed one point after another; the points run, malloc()ed, and
 * their number in *n. */
struct point *schedule_per_site(const struct processes *count,
    const struct options *o, size_t *n);

#endif /* EVMM_TORTURE_H_INCLUDED_ */
