#!/bin/sh
# A libevent program of our own (tests/programs/libevent_roundtrip.c),
# which does not link libevmm, tortured through evmm-torture --preload: libevent's
# allocations are counted and failed, libevent's own out-of-memory crashes
# are reported as such, and nothing is left behind.
. "$top_srcdir/tests/scripts/tap.sh"

need_torture
[ "$HAVE_LIBEVENT" = yes ] || skip_all "$EVMM_LIBEVENT_MISSING"
prog="$top_builddir/tests/programs/libevent_roundtrip"
dlname=$(sed -n "s/^dlname='\(.*\)'\$/\1/p" "$top_builddir/lib$EVMM_NAME.la")
[ -n "$dlname" ] || skip_all "libevmm is built without a shared library"
# The library of this build tree, not an installed one.
EVMM_TORTURE_PRELOAD="$top_builddir/.libs/$dlname"
export EVMM_TORTURE_PRELOAD

token=evmm-libevent-$$
scratch=$(mktemp -d "${TMPDIR:-/tmp}/evmm-libevent.XXXXXX") ||
	bail_out "cannot make a directory"
TMPDIR=$scratch
export TMPDIR
trap 'rm -rf "$scratch"' EXIT

torture() {
	out=$("$torture" "$@" 2>&1)
	status=$?
	printf '%s\n' "$out" | sed 's/^/# /'
}

# Nothing left: no process whose environment names this run, no file.
left() {
	pgrep -f "$token" >/dev/null && { pgrep -af "$token"; return 1; }
	[ -z "$(ls -A "$scratch")" ] || { ls -A "$scratch"; return 1; }
	return 0
}

torture -j 2 -- "$prog"
ok_if "without --preload libevent's allocations are not ours: nothing tested (exit 1)" \
    test "$status" -eq 1
ok_if "... and the hint names --preload" matches "$out" -F 'give --preload'

# ASan's runtime must be first in LD_PRELOAD of an instrumented command;
# evmm-torture waives ASan's check of the order, since libevmm replaces
# none of the C library's functions.
torture -j 2 --preload -- sh -c 'exec "$1"' "$token" "$prog"
count=$(printf '%s\n' "$out" | sed -n 's/.* makes \([0-9]*\) allocations through libevmm.*/\1/p')
ok_if "with --preload libevent's allocations are counted (more than 20: ${count:-none})" \
    test "${count:-0}" -gt 20
# Debian's libevent 2.1.12 crashes when the calloc in evbuffer_add_cb()
# fails while bufferevent_pair_new() sets up either end: libevent's bug,
# reproduced with its own event_set_mem_functions() hooks.  The report
# must say so, whatever else it finds.
ok_if "libevent's own out-of-memory crash is reported (exit 1)" \
    test "$status" -eq 1
# SIGSEGV; an ASan-built program reports the same fault itself.
ok_if "... as a crash in evbuffer_add_cb's allocation" \
    matches "$out" -E '^[0-9,-]+ +[0-9]+  crashed \((signal 11, SIGSEGV|checker error)\) +calloc +.*libevent.*\(evbuffer_add_cb\)'
ok_if "... and only crashes fail" \
    matches "$out" -E "^evmm-torture: $count points: [0-9]+ passed, [1-9][0-9]* crashed, 0 hung, 0 leaked, 0 not reached, 0 could not run\$"
# It crashes inside libevent, which made the allocation: the frame at
# fault is the program's call into it, with libevent's frames below.
if printf '%s\n' "$out" | grep -q 'checker error'; then
	skip "... its crash site is the program's call into libevent" \
	    "the sanitizer gives the crash site"
	skip "... below libevent's frames it crashed in" \
	    "the sanitizer gives the crash site"
else
	frames_ok "... its crash site is the program's call into libevent" \
	    matches "$out" -E '^ +crash site .*libevent_roundtrip\+0x[0-9a-f]+'
	frames_ok "... below libevent's frames it crashed in" \
	    matches "$out" -E '^ +inside [^ ]*libevent[^ ]*\.so[^ ]*\+0x'
fi
ok_if "... and nothing is left behind" left

# Under valgrind the preload must reach the command, not only valgrind:
# the counting run, under valgrind, counts the same allocations.
case " $CFLAGS " in
*-fsanitize=*address*) valgrind=no ;;	# valgrind cannot run ASan programs
*)	valgrind --version >/dev/null 2>&1 && valgrind=yes || valgrind=no ;;
esac
if [ $valgrind = yes ]; then
	torture -j 2 --preload --leak-check=valgrind --max-points=2 -- "$prog"
	vcount=$(printf '%s\n' "$out" | sed -n 's/.* makes \([0-9]*\) allocations through libevmm.*/\1/p')
	ok_if "with --leak-check=valgrind the preload reaches the command ($vcount allocations)" \
	    test "${vcount:-0}" = "$count"
	ok_if "... and its first and last points pass (exit 0)" \
	    test "$status" -eq 0
else
	skip "with --leak-check=valgrind the preload reaches the command" \
	    "no valgrind, or an AddressSanitizer build"
fi

torture -j 2 --preload --per-site -- "$prog"
# --per-site fails the first allocation of each call site the counting
# run lists.  The crashing allocation is a calloc, whose call site
# libevmm knows in every build, and the first of its site.
ok_if "--per-site still finds libevent's crash" \
    matches "$out" -F '(evbuffer_add_cb)'
sites=$(printf '%s\n' "$out" | sed -n 's/.* from \([0-9]*\) call sites; .*/\1/p')
ok_if "... running one point per call site (${sites:-none} of them), fewer than $count" \
    matches "$out" -x "evmm-torture: --per-site ran ${sites:-x} of $count allocations"
ok_if "... no fewer than 3 sites" test "${sites:-0}" -ge 3 -a "${sites:-0}" -lt "$count"
ok_if "... and nothing is left behind" left

tap_done
