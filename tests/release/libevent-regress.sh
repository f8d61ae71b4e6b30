#!/bin/sh
# libevent's own regression suite under evmm-torture --preload, as a
# libevent maintainer's CI job would run it (libevent issue #1823):
#
#   tests/release/libevent-regress.sh BUILDDIR WORKDIR
#
# BUILDDIR is a built default variant (its evmm-torture and libevmm);
# WORKDIR is where tests/release/libevent-regress-build.sh fetches and
# builds test/regress.  A few of the suite's tests, chosen because each
# runs in seconds and meets a real out-of-memory bug of libevent 2.1.12:
# in its default mode, which forks a child per test, whose crash the
# parent turns into a failed test and exit 1, and with --no-fork; with
# --per-site at a call-stack depth, and a sample.  Prints TAP;
# test-all.sh runs it, and skips it without the source (a deb-src entry,
# doc/testing.md).
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$top_srcdir/tests/scripts/tap.sh"

[ $# -eq 2 ] || bail_out "usage: $0 BUILDDIR WORKDIR"
b=$(cd "$1" && pwd) || bail_out "no $1"
torture=$b/tools/evmm-torture
[ -x "$torture" ] || skip_all "$b has no evmm-torture (the disabled variant?)"
dlname=$(sed -n "s/^dlname='\(.*\)'\$/\1/p" "$b"/libevmm*.la)
[ -n "$dlname" ] || skip_all "libevmm is built without a shared library"
EVMM_TORTURE_PRELOAD=$b/.libs/$dlname
export EVMM_TORTURE_PRELOAD
# Whether libevmm writes crash frames here, as make check's tests know.
CRASH_FRAMES=$(sed -n 's/^EVMM_CRASH_FRAMES = //p' "$b/Makefile")

regress=$("$top_srcdir/tests/release/libevent-regress-build.sh" "$2" \
    2>"$b/libevent-regress-build.err")
case $? in
0) ;;
77) skip_all "$(tail -n 1 "$b/libevent-regress-build.err")" ;;
*) sed 's/^/# /' "$b/libevent-regress-build.err"
   bail_out "cannot build libevent's test/regress" ;;
esac
echo "# $regress"
# The suite finds its own files from its build directory.
cd "$(dirname "$regress")/.." || bail_out "no build directory"

# torture ARGS...: evmm-torture's output in $out, its status in $status.
# Runs take well under a second; one that hangs waits 3.
torture() {
	out=$("$torture" -j 2 -t 3 --preload "$@" 2>&1)
	status=$?
	printf '%s\n' "$out" | sed 's/^/# /'
}

# evutil_inet_pton_scope() uses its mm_strdup() unchecked: the test
# crashes in libevent, called from the test's own line.
torture -- "$regress" util/ipv6_parse_scope
ok_if "util/ipv6_parse_scope: libevent's unchecked strdup crashes (exit 1)" \
    test "$status" -eq 1
ok_if "... at its allocation in evutil_inet_pton_scope" \
    matches "$out" -E '^[0-9,-]+ +[0-9]+  crashed \(signal 11, SIGSEGV\) +strdup +[^ ]*libevent_core[^ ]* \(evutil_inet_pton_scope\)'
frames_ok "... its crash site the suite's call into libevent" \
    matches "$out" -E '^ +crash site [^ ]*regress\+0x[0-9a-f]+'

# evbuffer_add_file_segment() frees the segment on a failed allocation,
# and its caller frees it again.  The test runs in a child made by
# fork(): the crash is the child's, though the suite exits 1.
torture -- "$regress" evbuffer/add_file_sendfile
ok_if "evbuffer/add_file_sendfile: failures in it fail the run (exit 1)" \
    test "$status" -eq 1
ok_if "... a crash in the forked test child is reported as such, by its key, beside the suite's exit 1" \
    matches "$out" -E '^regress#1\.1:[0-9,-]+ +[0-9]+  crashed \(signal [0-9]+, SIG[A-Z]+; exit 1\)'
ok_if "... its hangs too (a test waiting for ever after a failed allocation)" \
    matches "$out" -E '^regress#1\.1:[0-9,-]+ +[0-9]+  hung \(timeout\)'
forked=$(printf '%s\n' "$out" | grep -c '^regress#1\.1:.* crashed')

torture -- "$regress" --no-fork evbuffer/add_file_sendfile
ok_if "--no-fork: the same crashes, in the one process (exit 1)" \
    test "$status" -eq 1 -a \
    "$(printf '%s\n' "$out" | grep -c -E '^[0-9][0-9,-]* +[0-9]+  crashed \(signal [0-9]+, SIG[A-Z]+\)')" -eq "$forked"

# The stack mode: through --preload every call site is one of libevent's
# mm_*() calls; call stacks of 3 frames tell the suite's many callers
# apart.  And a sample, spread evenly: the same points every time.
torture --per-site=1 -- "$regress" http/basic
sites1=$(printf '%s\n' "$out" | sed -n 's/.* from \([0-9]*\) call sites;.*/\1/p')
torture --per-site -- "$regress" http/basic
sites3=$(printf '%s\n' "$out" | sed -n 's/.* from \([0-9]*\) call sites;.*/\1/p')
frames_ok "http/basic: --per-site (3 frames) tells more call stacks ($sites3) than --per-site=1 sites ($sites1)" \
    test "${sites3:-0}" -gt "${sites1:-0}"
ok_if "... and finds the crash in evhttp_request_new's error path" \
    matches "$out" -E 'crashed .*\(evhttp_request_new\)'
torture -n 40 -- "$regress" http/basic
first=$(printf '%s\n' "$out" | grep -E '^evmm-torture: 40 points: ')
torture -n 40 -- "$regress" http/basic
ok_if "-n 40: a sample that is the same in two runs" \
    test -n "$first" -a "$first" = "$(printf '%s\n' "$out" | grep -E '^evmm-torture: 40 points: ')"
tap_done
