#!/bin/sh
# EVMM_FAULT, EVMM_STATS and EVMM_REPORT, read from the environment when
# the library loads: applied when well formed, refused out loud when not.
. "$top_srcdir/tests/tap.sh"

[ "$MM_REPLACEMENT" = yes ] ||
	skip_all "no fault injection with --disable-malloc-replacement"

prog="$top_builddir/tests/fault_env"
[ -x "$prog" ] || skip_all "tests/fault_env is built with evmm-torture only"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evmm-env.XXXXXX") || bail_out "mktemp"
trap 'rm -rf "$tmp"' EXIT

# run VAR=VALUE...: the program's stdout in $out, stderr in $err.
run() {
	env "$@" "$prog" >"$tmp/out" 2>"$tmp/err"
	status=$?
	out=$(cat "$tmp/out") err=$(cat "$tmp/err")
	[ -z "$err" ] || printf '%s\n' "$err" | sed 's/^/# stderr: /'
}

run EVMM_FAULT=
ok_if "no EVMM_FAULT: nothing fails" test "$out" = "ok ok ok ok ok"

run EVMM_FAULT=nth=2
ok_if "EVMM_FAULT=nth=2 fails the second allocation" \
    test "$out" = "ok FAIL ok ok ok"
run EVMM_FAULT=every=2
ok_if "EVMM_FAULT=every=2 fails the even ones" \
    test "$out" = "ok FAIL ok FAIL ok"
run EVMM_FAULT=window=3-5
ok_if "EVMM_FAULT=window=3-5 fails 3 to 5" test "$out" = "ok ok FAIL FAIL FAIL"
run EVMM_FAULT=random=1,seed=3
ok_if "EVMM_FAULT=random=1,seed=3 fails all" \
    test "$out" = "FAIL FAIL FAIL FAIL FAIL"

for bad in nth=0 nth=x every= window=4-2 random=0 random=0.5,seed=-1 \
    sometimes "nth=1 "; do
	run EVMM_FAULT="$bad"
	ok_if "EVMM_FAULT=\"$bad\" is refused on stderr" \
	    matches "$err" -F "libevmm: EVMM_FAULT=\"$bad\" refused:"
	ok_if "EVMM_FAULT=\"$bad\" is not applied" \
	    test "$out" = "ok ok ok ok ok" -a "$status" -eq 0
done
run EVMM_STATS=yes
ok_if "EVMM_STATS=yes is refused on stderr" \
    matches "$err" -F 'libevmm: EVMM_STATS="yes" refused'

run EVMM_REPORT="$tmp/report" EVMM_FAULT=nth=4
report=$(cat "$tmp/report" 2>/dev/null)
printf '%s\n' "$report" | sed 's/^/# report: /'
ok_if "EVMM_REPORT counts the allocations" \
    matches "$report" -x 'allocations=5'
ok_if "EVMM_REPORT counts malloc and free calls" \
    test "$(printf '%s\n' "$report" | grep -c -x -e malloc_calls=5 -e free_calls=5)" -eq 2
ok_if "EVMM_REPORT names the injected call" \
    matches "$report" -x 'first_injected_call=4'
# Known when event_mm_malloc_() reaches the allocator by a tail call,
# which configure asked the compiler about (none at -O0 or -Og, nor under
# ThreadSanitizer, whose function-exit hook follows every call).
case $EVMM_TAIL_CALLS in
no)	skip "EVMM_REPORT says where it was called from" \
	    "configure found no tail calls with these CFLAGS" ;;
*)	ok_if "EVMM_REPORT says where it was called from" \
	    matches "$report" '^first_injected_caller=.*fault_env' ;;
esac
ok_if "EVMM_REPORT shows no live blocks after a clean run" \
    matches "$report" -x 'live_blocks=0'

run EVMM_REPORT="$tmp/no/such/dir/report"
ok_if "an unwritable EVMM_REPORT is reported on stderr" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write"
tap_done
