/*
 * Copyright (c) 2026 The libevmm authors.  See COPYING (BSD 3-clause).
 */
/*
 * evmm-torture's pure parts, linked alone: what a run's end means
 * (tools/torture/verdict.c), what a checker's log says
 * (tools/torture/checker_log.c), which modules are not the program's
 * own (tools/torture/modules.c) and how failing points are grouped
 * (tools/torture/group.c); and the one main that runs these suites and
 * tests/unit/check_report_parse.c's.  Wait statuses are real ones, from
 * children that exit or die as asked.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_torture.h"
#include "torture.h"

/* The wait status of a child that exits with code. */
static int
exit_status(int code)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(code);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* The wait status of a child killed by sig (no core file). */
static int
signal_status(int sig)
{
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit none = { 0, 0 };

		setrlimit(RLIMIT_CORE, &none);
		signal(sig, SIG_DFL);
		raise(sig);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

/* Facts of a point that was reached and reported, base exit 0. */
static struct run_facts
reached(int status)
{
	struct run_facts f;

	memset(&f, 0, sizeof(f));
	f.status = status;
	f.injected = 1;
	f.reported = 1;
	f.reached = 1;
	f.shell_status_believed = 1;
	return f;
}

static const char *
verdict_text(const struct run_facts *f, struct verdict *v)
{
	static char buf[64];

	classify(f, v);
	describe_verdict(v, buf, sizeof(buf));
	return buf;
}

/* --- Classify ------------------------------------------------------------- */

START_TEST(test_graceful_failure_passes_with_its_status)
{
	struct run_facts f = reached(exit_status(1));
	struct verdict v;

	ck_assert_str_eq(verdict_text(&f, &v), "passed (exit 1)");
	ck_assert_int_eq(v.outcome, PASSED);
}
END_TEST

START_TEST(test_every_crash_signal_is_named)
{
	static const int sigs[] = {
		SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS
	};
	size_t i;
	char want[64], num[16];

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct run_facts f = reached(signal_status(sigs[i]));
		struct verdict v;

		snprintf(want, sizeof(want), "crashed (signal %d, %s)",
		    sigs[i], signal_name(sigs[i], num, sizeof(num)));
		ck_assert_str_eq(verdict_text(&f, &v), want);
		ck_assert_int_eq(v.outcome, CRASHED);
		/* A name, not a number. */
		ck_assert_int_ne(signal_name(sigs[i], num, sizeof(num))[3],
		    '1');
	}
	ck_assert_str_eq(signal_name(SIGSEGV, num, sizeof(num)), "SIGSEGV");
	ck_assert_str_eq(signal_name(SIGBUS, num, sizeof(num)), "SIGBUS");
	ck_assert_str_eq(signal_name(SIGFPE, num, sizeof(num)), "SIGFPE");
	ck_assert_str_eq(signal_name(SIGILL, num, sizeof(num)), "SIGILL");
	ck_assert_str_eq(signal_name(1000, num, sizeof(num)), "SIG1000");
}
END_TEST

START_TEST(test_own_watchdog_signal_is_a_hang)
{
	struct run_facts f = reached(signal_status(SIGALRM));
	struct verdict v;

	ck_assert_str_eq(verdict_text(&f, &v), "hung (signal 14, SIGALRM)");
	f = reached(signal_status(SIGXCPU));
	classify(&f, &v);
	ck_assert_int_eq(v.outcome, HUNG);
}
END_TEST

START_TEST(test_timeout_is_a_hang)
{
	struct run_facts f = reached(signal_status(SIGKILL));
	struct verdict v;

	f.timed_out = 1;
	ck_assert_str_eq(verdict_text(&f, &v), "hung (timeout)");
}
END_TEST

START_TEST(test_shell_exit_128_plus_signal_is_that_signal)
{
	struct run_facts f = reached(exit_status(139));
	struct verdict v;

	ck_assert_str_eq(verdict_text(&f, &v), "crashed (exit 139: SIGSEGV)");
	f = reached(exit_status(134));
	ck_assert_str_eq(verdict_text(&f, &v), "crashed (exit 134: SIGABRT)");
	f = reached(exit_status(142));
	ck_assert_str_eq(verdict_text(&f, &v), "hung (exit 142: SIGALRM)");
}
END_TEST

START_TEST(test_exit_128_plus_n_is_believed_only_after_a_clean_base)
{
	struct run_facts f = reached(exit_status(139));
	struct verdict v;

	f.shell_status_believed = 0;
	ck_assert_str_eq(verdict_text(&f, &v), "passed (exit 139)");
	f = reached(exit_status(128));
	ck_assert_str_eq(verdict_text(&f, &v), "passed (exit 128)");
	f = reached(exit_status(200));
	ck_assert_str_eq(verdict_text(&f, &v), "passed (exit 200)");
}
END_TEST

/* A test runner that forks a child per test, "prog || true", a parent
 * that ignores its child: the command's status hides the crash of the
 * process whose allocation failed, which its own report names. */
START_TEST(test_crash_of_the_failing_process_is_a_crash_whatever_the_status)
{
	struct run_facts f = reached(exit_status(1));
	struct verdict v;

	f.own_signal = SIGSEGV;
	ck_assert_str_eq(verdict_text(&f, &v),
	    "crashed (signal 11, SIGSEGV; exit 1)");
	ck_assert_int_eq(v.outcome, CRASHED);
	f = reached(exit_status(0));
	f.own_signal = SIGABRT;
	ck_assert_str_eq(verdict_text(&f, &v),
	    "crashed (signal 6, SIGABRT; exit 0)");
	/* A shell that passed the signal on says the same, as before. */
	f = reached(exit_status(139));
	f.own_signal = SIGSEGV;
	ck_assert_str_eq(verdict_text(&f, &v), "crashed (exit 139: SIGSEGV)");
	/* A process killed by a signal leaks what it held: a crash. */
	f = reached(exit_status(1));
	f.own_signal = SIGBUS;
	f.leaks = LEAK_VALGRIND;
	f.sanitizer_leak = 1;
	classify(&f, &v);
	ck_assert_int_eq(v.outcome, CRASHED);
	/* Without a crash record, the status decides. */
	f = reached(exit_status(1));
	ck_assert_str_eq(verdict_text(&f, &v), "passed (exit 1)");
}
END_TEST

/* A process left running past --linger, where the counting run left
 * none: a server that no longer stops, a hang whatever the status; but
 * a crash of the failing process is said first. */
START_TEST(test_process_left_running_is_a_hang)
{
	struct run_facts f = reached(exit_status(0));
	struct verdict v;

	f.outlived = 1;
	ck_assert_str_eq(verdict_text(&f, &v), "hung (left running)");
	ck_assert_int_eq(v.outcome, HUNG);
	f.own_signal = SIGSEGV;
	ck_assert_str_eq(verdict_text(&f, &v),
	    "crashed (signal 11, SIGSEGV; exit 0)");
	f = reached(exit_status(0));
	ck_assert_str_eq(verdict_text(&f, &v), "passed (exit 0)");
}
END_TEST

START_TEST(test_sanitizer_status_alone_is_not_a_crash)
{
	struct run_facts f = reached(exit_status(TORTURE_SANITIZER_STATUS));
	struct verdict v;

	ck_assert_str_eq(verdict_text(&f, &v), "passed (exit 96)");
	f.sanitizer_error = 1;
	ck_assert_str_eq(verdict_text(&f, &v), "crashed (checker error)");
}
END_TEST

START_TEST(test_leak_counts_only_when_asked_for)
{
	struct run_facts f = reached(exit_status(1));
	struct verdict v;

	f.sanitizer_leak = 1;
	f.leaks = LEAK_ASAN;
	ck_assert_str_eq(verdict_text(&f, &v), "leaked");
	f.leaks = LEAK_NONE;
	ck_assert_str_eq(verdict_text(&f, &v), "passed (exit 1)");
	f.leaks = LEAK_VALGRIND;
	f.sanitizer_error = 1;
	classify(&f, &v);
	ck_assert_int_eq(v.outcome, CRASHED);
}
END_TEST

START_TEST(test_exec_failure_without_report_could_not_run)
{
	struct run_facts f = reached(exit_status(TORTURE_EXEC_FAILED));
	struct verdict v;

	f.reported = 0;
	f.reached = 0;
	ck_assert_str_eq(verdict_text(&f, &v), "could not run (exit 127)");
	f.reported = 1;
	f.reached = 1;
	ck_assert_str_eq(verdict_text(&f, &v), "passed (exit 127)");
}
END_TEST

START_TEST(test_unreached_failure_is_not_reached)
{
	struct run_facts f = reached(exit_status(0));
	struct verdict v;

	f.reached = 0;
	classify(&f, &v);
	ck_assert_int_eq(v.outcome, NOT_REACHED);
	f.injected = 0;
	classify(&f, &v);
	ck_assert_int_eq(v.outcome, PASSED);
}
END_TEST

/* --- Checker logs --------------------------------------------------------- */

static const char asan_log[] =
"c.c:3:1: warning: something\n"
"==25620==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000\n"
"==25620==The signal is caused by a WRITE memory access.\n"
"#0 /lib/x86_64-linux-gnu/libc.so.6+0x152b08 __memmove_avx_unaligned_erms\n"
"#1 /usr/lib/libevmm.so.0+0x1234 event_mm_malloc_\n"
"#2 /tmp/prog+0x11b5 build\n"
"#3 /tmp/prog+0x11da main\n"
"SUMMARY: AddressSanitizer: SEGV in __memmove_avx_unaligned_erms\n";

START_TEST(test_asan_crash_site_skips_libc_and_libevmm)
{
	char site[128];
	int error, leak;

	scan_checker_log(asan_log, LEAK_ASAN, &error, &leak, site,
	    sizeof(site));
	ck_assert_int_eq(error, 1);
	ck_assert_int_eq(leak, 0);
	ck_assert_str_eq(site, "build /tmp/prog+0x11b5");
}
END_TEST

START_TEST(test_asan_frame_without_symbol_is_module_and_offset)
{
	static const char log[] =
	    "==1==ERROR: AddressSanitizer: SEGV on unknown address\n"
	    "#0 /lib/libevent-2.1.so.7+0x17877 <null>\n";
	char site[128];
	int error, leak;

	scan_checker_log(log, LEAK_ASAN, &error, &leak, site, sizeof(site));
	ck_assert_str_eq(site, "/lib/libevent-2.1.so.7+0x17877");
}
END_TEST

START_TEST(test_asan_default_frames_are_read_too)
{
	static const char log[] =
	    "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address\n"
	    "    #0 0x7f29d3170b08 in __interceptor_memcpy "
	    "../../../../src/libsanitizer/sanitizer_common/x.inc:827\n"
	    "    #1 0x5565c39791b5 in f /tmp/c.c:3\n";
	char site[128];
	int error, leak;

	scan_checker_log(log, LEAK_ASAN, &error, &leak, site, sizeof(site));
	ck_assert_int_eq(error, 1);
	ck_assert_str_eq(site, "f /tmp/c.c:3");
}
END_TEST

START_TEST(test_leak_report_is_a_leak_not_a_crash)
{
	static const char log[] =
	    "==9==ERROR: LeakSanitizer: detected memory leaks\n"
	    "#0 /usr/lib/libasan.so.8+0xbb1 malloc\n"
	    "#1 /tmp/prog+0x10 build\n";
	char site[128];
	int error, leak;

	scan_checker_log(log, LEAK_ASAN, &error, &leak, site, sizeof(site));
	ck_assert_int_eq(error, 0);
	ck_assert_int_eq(leak, 1);
	ck_assert_str_eq(site, "-");
}
END_TEST

START_TEST(test_ubsan_site_is_its_source_position)
{
	static const char log[] =
	    "x.c:3:44: runtime error: null pointer passed as argument 1\n";
	char site[128];
	int error, leak;

	scan_checker_log(log, LEAK_ASAN, &error, &leak, site, sizeof(site));
	ck_assert_int_eq(error, 1);
	ck_assert_str_eq(site, "x.c:3:44");
}
END_TEST

START_TEST(test_valgrind_crash_site_is_the_first_own_frame)
{
	static const char log[] =
	    "==23994== Invalid write of size 8\n"
	    "==23994==    at 0x4848F0: memmove (vg_replace_strmem.c:1382)\n"
	    "==23994==    by 0x109143: f (c.c:3)\n"
	    "==23994==    by 0x10915B: main (c.c:4)\n"
	    "==23994== 1 bytes in 1 blocks are definitely lost in loss "
	    "record 1 of 1\n";
	char site[128];
	int error, leak;

	scan_checker_log(log, LEAK_VALGRIND, &error, &leak, site,
	    sizeof(site));
	ck_assert_int_eq(error, 1);
	ck_assert_int_eq(leak, 1);
	ck_assert_str_eq(site, "f (c.c:3)");
}
END_TEST

/* A leak counts only in a process that loaded libevmm; its first record
 * is quoted with its first frame of the program's, libevmm's code
 * skipped by its addresses (valgrind names no module where there is
 * debug information). */
START_TEST(test_leak_counts_in_libevmm_processes_alone)
{
	static const char log[] =
	    "==7== 16 bytes in 1 blocks are definitely lost in loss record "
	    "1 of 1\n"
	    "==7==    at 0x4848899: malloc (vg_replace_malloc.c:381)\n"
	    "==7==    by 0x109150: main (sh.c:9)\n"
	    "==7== \n"
	    "==8== 7 bytes in 1 blocks are definitely lost in loss record "
	    "1 of 2\n"
	    "==8==    at 0x4848899: malloc (vg_replace_malloc.c:381)\n"
	    "==8==    by 0x4851000: count_new (front.c:74)\n"
	    "==8==    by 0x10916B: build (victim.c:30)\n"
	    "==8==    by 0x109185: main (victim.c:80)\n";
	struct leak_owner owners[1] = { { 8, 0x4850000, 0x4860000 } };
	char record[160];
	long pid;

	ck_assert_int_eq(scan_leak(log, LEAK_VALGRIND, owners, 1, record,
	    sizeof(record), &pid), 1);
	ck_assert_int_eq(pid, 8);
	ck_assert_str_eq(record, "7 bytes in 1 blocks are definitely lost "
	    "in loss record 1 of 2, from build (victim.c:30)");
	/* Process 7 alone: its leak is not the command's. */
	owners[0].pid = 9;
	ck_assert_int_eq(scan_leak(log, LEAK_VALGRIND, owners, 1, record,
	    sizeof(record), &pid), 0);
	ck_assert_str_eq(record, "-");
	ck_assert_int_eq(pid, -1);
	/* No process known: any leak counts, the first quoted. */
	ck_assert_int_eq(scan_leak(log, LEAK_VALGRIND, NULL, 0, record,
	    sizeof(record), &pid), 1);
	ck_assert_int_eq(pid, 7);
	ck_assert_str_eq(record, "16 bytes in 1 blocks are definitely lost "
	    "in loss record 1 of 1, from main (sh.c:9)");
}
END_TEST

START_TEST(test_leak_sanitizer_record_is_quoted_for_its_process)
{
	static const char log[] =
	    "==9==ERROR: LeakSanitizer: detected memory leaks\n"
	    "\n"
	    "Direct leak of 7 byte(s) in 1 object(s) allocated from:\n"
	    "    #0 /usr/lib/libasan.so.8+0xbb1 malloc\n"
	    "    #1 /usr/lib/libevmm.so.1+0x2000 count_new\n"
	    "    #2 /tmp/prog+0x10 build\n";
	struct leak_owner owners[1] = { { 9, 0, 0 } };
	char record[128];
	long pid;

	ck_assert_int_eq(scan_leak(log, LEAK_ASAN, owners, 1, record,
	    sizeof(record), &pid), 1);
	ck_assert_str_eq(record, "Direct leak of 7 byte(s) in 1 object(s), "
	    "from build /tmp/prog+0x10");
	owners[0].pid = 10;
	ck_assert_int_eq(scan_leak(log, LEAK_ASAN, owners, 1, record,
	    sizeof(record), &pid), 0);
}
END_TEST

START_TEST(test_empty_log_has_nothing)
{
	char site[16];
	int error = 1, leak = 1;

	scan_checker_log(NULL, LEAK_ASAN, &error, &leak, site, sizeof(site));
	ck_assert_int_eq(error + leak, 0);
	ck_assert_str_eq(site, "-");
	scan_checker_log("ordinary output\n", LEAK_VALGRIND, &error, &leak,
	    site, sizeof(site));
	ck_assert_int_eq(error + leak, 0);
}
END_TEST

/* --- Modules -------------------------------------------------------------- */

/* Not the program's own: each is skipped alike in a checker's log and
 * in the library's crash frames, where a crash site is looked for. */
static const char *const foreign[] = {
	"libevmm.so.1", "libc.so.6", "libc-2.31.so", "ld-linux-x86-64.so.2",
	"ld64.so.2", "ld-musl-x86_64.so.1", "libpthread.so.0",
	"libgcc_s.so.1", "libunwind.so.8", "libasan.so.8", "libubsan.so.1",
	"liblsan.so.0", "libtsan.so.2", "libclang_rt.asan-x86_64.so",
	"vgpreload_memcheck-amd64-linux.so"
};

START_TEST(test_log_and_report_skip_the_same_modules)
{
	char log[256], report[256], site[128];
	int error, leak;

	snprintf(log, sizeof(log), "==1==ERROR: AddressSanitizer: SEGV\n"
	    "#0 /lib/%s+0x10 f\n#1 /tmp/prog+0x20 g\n", foreign[_i]);
	scan_checker_log(log, LEAK_ASAN, &error, &leak, site, sizeof(site));
	ck_assert_msg(strcmp(site, "g /tmp/prog+0x20") == 0,
	    "log, %s: %s", foreign[_i], site);
	snprintf(report, sizeof(report), "crash_signal=11\n"
	    "crash_frame=/lib/%s+0x10 (f)\n"
	    "crash_frame=/tmp/prog+0x20 (g)\n", foreign[_i]);
	ck_assert_int_eq(report_crash_site(report, NULL, site, sizeof(site),
	    NULL, 0), 1);
	ck_assert_msg(strcmp(site, "/tmp/prog+0x20 (g)") == 0,
	    "report, %s: %s", foreign[_i], site);
}
END_TEST

START_TEST(test_module_is_told_by_its_file_name_not_its_directory)
{
	static const char own[] = "/b/libevmm-0.2/prog";
	static const char ours[] = "/b/prog/.libs/libevmm.so.1";
	static const char own_line[] = "by 0x1: f (in /b/prog)";
	static const char libc_line[] = "by 0x1: f (in /lib/libc.so.6)";

	ck_assert_int_eq(foreign_module(own, strlen(own)), 0);
	ck_assert_int_eq(foreign_module(ours, strlen(ours)), 1);
	/* A log line names modules anywhere in it. */
	ck_assert_int_eq(mentions_foreign_module(own_line, strlen(own_line)),
	    0);
	ck_assert_int_eq(mentions_foreign_module(libc_line,
	    strlen(libc_line)), 1);
}
END_TEST

/* --- Grouping ------------------------------------------------------------- */

static void
set_point(struct point *p, unsigned long nth, const char *result,
    const char *caller, const char *crash)
{
	memset(p, 0, sizeof(*p));
	p->nth = nth;
	snprintf(p->result, sizeof(p->result), "%s", result);
	snprintf(p->entry, sizeof(p->entry), "malloc");
	snprintf(p->caller, sizeof(p->caller), "%s", caller);
	snprintf(p->crash, sizeof(p->crash), "%s", crash);
}

START_TEST(test_same_result_and_sites_make_one_row_with_ranges)
{
	struct point pts[8], *pp[8];
	size_t starts[8], rows, i;
	char buf[64];

	/* 3-7 and 12 crash the same way from one site; 9 elsewhere. */
	for (i = 0; i < 5; i++)
		set_point(&pts[i], 3 + i, "crashed (signal 11, SIGSEGV)",
		    "prog+0x10", "f prog+0x20");
	set_point(&pts[5], 12, "crashed (signal 11, SIGSEGV)", "prog+0x10",
	    "f prog+0x20");
	set_point(&pts[6], 9, "crashed (signal 11, SIGSEGV)", "prog+0x10",
	    "g prog+0x30");
	set_point(&pts[7], 1, "hung (timeout)", "prog+0x40", "-");
	for (i = 0; i < 8; i++)
		pp[7 - i] = &pts[i];	/* in no order */
	rows = group_points(pp, 8, starts);
	ck_assert_uint_eq(rows, 3);
	/* Rows in the order of their first point. */
	ck_assert_uint_eq(pp[starts[0]]->nth, 1);
	ck_assert_uint_eq(pp[starts[1]]->nth, 3);
	ck_assert_uint_eq(pp[starts[2]]->nth, 9);
	format_ranges(pp + starts[1], starts[2] - starts[1], buf, sizeof(buf));
	ck_assert_str_eq(buf, "3-7,12");
	format_ranges(pp + starts[2], 8 - starts[2], buf, sizeof(buf));
	ck_assert_str_eq(buf, "9");
}
END_TEST

START_TEST(test_ranges_are_cut_visibly)
{
	struct point pts[20], *pp[20];
	char buf[16];
	size_t i;

	for (i = 0; i < 20; i++) {
		set_point(&pts[i], 1 + 2 * i, "passed", "-", "-");
		pp[i] = &pts[i];
	}
	format_ranges(pp, 20, buf, sizeof(buf));
	ck_assert_ptr_ne(strstr(buf, ",..."), NULL);
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
	ck_assert_int_eq(strncmp(buf, "1,3,5", 5), 0);
	ck_assert_uint_eq(group_points(pp, 0, NULL), 0);
}
END_TEST

START_TEST(test_ranges_name_each_process_once)
{
	struct point pts[6], *pp[6];
	size_t starts[6], rows, i;
	char buf[96];

	/* b#1:1 crashes; so do sh#1.1:3-4 and a#2:1-2, which the table
	 * shows in process order: a#2 (process 0), then sh#1.1 (1). */
	for (i = 0; i < 6; i++)
		set_point(&pts[i], 0, "crashed (signal 11, SIGSEGV)",
		    "prog+0x10", "-");
	pts[0].nth = 3, pts[0].proc = 1, pts[0].label = "sh#1.1";
	pts[1].nth = 4, pts[1].proc = 1, pts[1].label = "sh#1.1";
	pts[2].nth = 1, pts[2].proc = 0, pts[2].label = "a#2";
	pts[3].nth = 2, pts[3].proc = 0, pts[3].label = "a#2";
	/* Allocation 5 of one process does not extend 4 of another. */
	pts[4].nth = 5, pts[4].proc = 2, pts[4].label = "z#1";
	set_point(&pts[5], 1, "hung (timeout)", "prog+0x40", "-");
	pts[5].proc = 2, pts[5].label = "z#1";
	for (i = 0; i < 6; i++)
		pp[5 - i] = &pts[i];
	rows = group_points(pp, 6, starts);
	ck_assert_uint_eq(rows, 2);
	format_ranges(pp + starts[0], starts[1] - starts[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "a#2:1-2,sh#1.1:3-4,z#1:5");
	format_ranges(pp + starts[1], 6 - starts[1], buf, sizeof(buf));
	ck_assert_str_eq(buf, "z#1:1");
	format_point(pp[starts[1]], buf, sizeof(buf));
	ck_assert_str_eq(buf, "z#1:1");
	pts[5].label = NULL;
	format_point(&pts[5], buf, sizeof(buf));
	ck_assert_str_eq(buf, "1");
}
END_TEST

START_TEST(test_process_keys_order_by_name_then_numbers)
{
	ck_assert_int_lt(compare_keys("a#2", "a#10"), 0);
	ck_assert_int_lt(compare_keys("a#1", "a#1.1"), 0);
	ck_assert_int_lt(compare_keys("a#1.1", "a#1.2"), 0);
	ck_assert_int_lt(compare_keys("a#1.9", "a#1.10"), 0);
	ck_assert_int_lt(compare_keys("a#1.1.5", "a#2"), 0);
	ck_assert_int_lt(compare_keys("a#9", "ab#1"), 0);
	ck_assert_int_lt(compare_keys("sh#1", "victim#1"), 0);
	ck_assert_int_eq(compare_keys("v#3.1", "v#3.1"), 0);
	ck_assert_int_gt(compare_keys("v#10", "v#9.9"), 0);
}
END_TEST

/* Two counting runs: the processes they disagree on, in key order. */
START_TEST(test_two_counting_runs_differ_in_the_processes_named)
{
	struct process x[3], y[3];
	struct processes a, b;
	char buf[128];

	memset(x, 0, sizeof(x));
	memset(y, 0, sizeof(y));
	strcpy(x[0].key, "p#1");
	x[0].allocations = 5;
	strcpy(x[1].key, "p#1.1");
	x[1].allocations = 3;
	strcpy(x[2].key, "p#2");
	x[2].allocations = 7;
	a.v = x;
	a.n = 3;
	memcpy(y, x, sizeof(x));
	b.v = y;
	b.n = 3;
	ck_assert_uint_eq(compare_counts(&a, &b, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	y[1].allocations = 4;
	ck_assert_uint_eq(compare_counts(&a, &b, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "p#1.1 3 then 4");
	/* p#1.1 only in the first, p#1.2 only in the second. */
	strcpy(y[1].key, "p#1.2");
	ck_assert_uint_eq(compare_counts(&a, &b, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "p#1.1 3 then none, p#1.2 none then 4");
	b.n = 1;
	ck_assert_uint_eq(compare_counts(&a, &b, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "p#1.1 3 then none, p#2 7 then none");
	/* Cut where it does not fit, and said. */
	ck_assert_uint_eq(compare_counts(&a, &b, buf, 24), 2);
	ck_assert_str_eq(buf, "p#1.1 3 then none,...");
}
END_TEST

Suite *
make_torture_suite(void)
{
	Suite *s = suite_create("evmm-torture");
	TCase *tc = tcase_create("Classify");

	tcase_add_test(tc, test_graceful_failure_passes_with_its_status);
	tcase_add_test(tc, test_every_crash_signal_is_named);
	tcase_add_test(tc, test_own_watchdog_signal_is_a_hang);
	tcase_add_test(tc, test_timeout_is_a_hang);
	tcase_add_test(tc, test_shell_exit_128_plus_signal_is_that_signal);
	tcase_add_test(tc,
	    test_exit_128_plus_n_is_believed_only_after_a_clean_base);
	tcase_add_test(tc,
	    test_crash_of_the_failing_process_is_a_crash_whatever_the_status);
	tcase_add_test(tc, test_process_left_running_is_a_hang);
	tcase_add_test(tc, test_sanitizer_status_alone_is_not_a_crash);
	tcase_add_test(tc, test_leak_counts_only_when_asked_for);
	tcase_add_test(tc, test_exec_failure_without_report_could_not_run);
	tcase_add_test(tc, test_unreached_failure_is_not_reached);
	suite_add_tcase(s, tc);
	tc = tcase_create("Logs");
	tcase_add_test(tc, test_asan_crash_site_skips_libc_and_libevmm);
	tcase_add_test(tc, test_asan_frame_without_symbol_is_module_and_offset);
	tcase_add_test(tc, test_asan_default_frames_are_read_too);
	tcase_add_test(tc, test_leak_report_is_a_leak_not_a_crash);
	tcase_add_test(tc, test_ubsan_site_is_its_source_position);
	tcase_add_test(tc, test_valgrind_crash_site_is_the_first_own_frame);
	tcase_add_test(tc, test_leak_counts_in_libevmm_processes_alone);
	tcase_add_test(tc, test_leak_sanitizer_record_is_quoted_for_its_process);
	tcase_add_test(tc, test_empty_log_has_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("Modules");
	tcase_add_loop_test(tc, test_log_and_report_skip_the_same_modules, 0,
	    (int)(sizeof(foreign) / sizeof(foreign[0])));
	tcase_add_test(tc,
	    test_module_is_told_by_its_file_name_not_its_directory);
	suite_add_tcase(s, tc);
	tc = tcase_create("Group");
	tcase_add_test(tc, test_same_result_and_sites_make_one_row_with_ranges);
	tcase_add_test(tc, test_ranges_are_cut_visibly);
	tcase_add_test(tc, test_ranges_name_each_process_once);
	tcase_add_test(tc, test_process_keys_order_by_name_then_numbers);
	tcase_add_test(tc,
	    test_two_counting_runs_differ_in_the_processes_named);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(make_torture_suite());
	int failed;

	srunner_add_suite(sr, make_report_parse_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
