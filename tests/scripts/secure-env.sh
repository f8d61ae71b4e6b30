#!/bin/sh
# Secure mode: in a set-user-ID program, EVMM_REPORT, EVMM_FAULT,
# EVMM_STATS and EVMM_SITES are ignored.  A program linked against the library just
# built is made setuid root and run as user 65534 with each variable set:
# the root-owned report file must stay as it was, no allocation may fail
# and nothing may be printed.  The same program without the setuid bit,
# run the same way, shows that the variables do work there.
. "$top_srcdir/tests/scripts/tap.sh"

[ "$MM_REPLACEMENT" = yes ] ||
	skip_all "no EVMM_* variables with --disable-malloc-replacement"
[ "$(id -u)" = 0 ] ||
	skip_all "needs root, to make a setuid-root program"
command -v setpriv >/dev/null 2>&1 ||
	skip_all "needs setpriv(1) (util-linux) to run as another user"
nobody=65534
as_nobody() { setpriv --reuid=$nobody --regid=$nobody --clear-groups "$@"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/evmm-secure.XXXXXX") || bail_out "mktemp"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

# The library beside the program, found through an absolute RUNPATH: a
# setuid program ignores LD_LIBRARY_PATH, and libtool's wrapper with it.
cp -P "$top_builddir"/.libs/lib"$EVMM_NAME".so* "$tmp"/ 2>/dev/null ||
	skip_all "no shared library lib$EVMM_NAME.so in $top_builddir/.libs"
cat >"$tmp/prog.c" <<'EOF'
#include <stdio.h>
#include <sys/auxv.h>
#include <event2/evmm.h>

/* Five allocations; how many failed, and whether the process is secure. */
int
main(void)
{
	int i, failed = 0;

	for (i = 0; i < 5; i++) {
		void *p = event_mm_malloc_(16);

		failed += p == NULL;
		event_mm_free_(p);
	}
	printf("secure=%lu failed=%d\n", getauxval(AT_SECURE), failed);
	return 0;
}
EOF
${CC:-cc} $CFLAGS -I"$top_builddir/include" -I"$top_srcdir/include" \
    -o "$tmp/prog" "$tmp/prog.c" -L"$tmp" -l"$EVMM_NAME" \
    -Wl,-rpath,"$tmp" $LDFLAGS 2>"$tmp/cc.err" ||
	{ sed 's/^/# /' "$tmp/cc.err"; bail_out "cannot build the test program"; }
cp "$tmp/prog" "$tmp/plain"
chown root:root "$tmp/prog" && chmod 4755 "$tmp/prog" ||
	bail_out "cannot make $tmp/prog setuid root"
as_nobody test -x "$tmp/prog" ||
	skip_all "user $nobody cannot reach $tmp"

# A file only root may write, and a directory nobody may write to.
printf 'root owns this\n' >"$tmp/rootfile"
chmod 644 "$tmp/rootfile"
before=$(stat -c '%s %Y %y' "$tmp/rootfile")
mkdir "$tmp/open" && chown $nobody:$nobody "$tmp/open" &&
	chmod 755 "$tmp/open"

# run PROG VAR=VALUE...: as user 65534, stdout in $out, stderr in $err.
run() {
	run_prog=$1
	shift
	as_nobody env "$@" "$run_prog" >"$tmp/out" 2>"$tmp/err"
	status=$?
	out=$(cat "$tmp/out") err=$(cat "$tmp/err")
	printf '%s\n' "$out" | sed 's/^/# stdout: /'
	[ -z "$err" ] || printf '%s\n' "$err" | sed 's/^/# stderr: /'
}

run "$tmp/prog"
case $out in
secure=0*)
	skip_all "a setuid program is not secure here (is $tmp on a nosuid file system?)" ;;
secure=1*) ;;
*)	bail_out "the setuid program did not run (status $status)" ;;
esac

run "$tmp/prog" EVMM_REPORT="$tmp/rootfile" EVMM_FAULT=every=1 EVMM_STATS=1
ok_if "setuid: the program runs" test "$status" -eq 0
ok_if "setuid: EVMM_FAULT=every=1 fails no allocation" \
    test "$out" = "secure=1 failed=0"
ok_if "setuid: EVMM_REPORT leaves a root-owned file as it was" \
    test "$(stat -c '%s %Y %y' "$tmp/rootfile")" = "$before" -a \
    "$(cat "$tmp/rootfile")" = "root owns this"
ok_if "setuid: nothing is printed (EVMM_STATS=1 included)" test -z "$err"

run "$tmp/prog" EVMM_REPORT="$tmp/open/report"
ok_if "setuid: EVMM_REPORT creates no file" test ! -e "$tmp/open/report"
# Writable by its owner alone, as a report directory must be.
mkdir "$tmp/open/dir" && chown $nobody:$nobody "$tmp/open/dir" &&
	chmod 755 "$tmp/open/dir"
run "$tmp/prog" EVMM_REPORT="$tmp/open/dir" EVMM_FAULT=every=1 \
    EVMM_FAULT_PROCESS="prog#1"
ok_if "setuid: an EVMM_REPORT directory gets no file" \
    test -z "$(ls -A "$tmp/open/dir")"
ok_if "setuid: EVMM_FAULT_PROCESS naming it fails no allocation" \
    test "$out" = "secure=1 failed=0"
run "$tmp/prog" EVMM_FAULT=bogus EVMM_STATS=bogus EVMM_SITES=bogus
ok_if "setuid: malformed values are not even read" test -z "$err"

# The control: the same program, not setuid, honours every variable.
run "$tmp/plain" EVMM_REPORT="$tmp/open/report" EVMM_FAULT=every=1 \
    EVMM_STATS=1
ok_if "not setuid: EVMM_FAULT=every=1 fails every allocation" \
    test "$out" = "secure=0 failed=5"
ok_if "not setuid: EVMM_REPORT writes the report" \
    grep -q -x allocations=5 "$tmp/open/report"
ok_if "not setuid: EVMM_STATS=1 prints the summary" \
    matches "$err" -F "libevmm: EVMM_STATS:"
run "$tmp/plain" EVMM_REPORT="$tmp/open/dir" EVMM_FAULT=every=1 \
    EVMM_FAULT_PROCESS="plain#1"
ok_if "not setuid: EVMM_REPORT=DIRECTORY writes the process's file" \
    grep -q -x process=plain#1 "$tmp/open/dir/plain#1"
ok_if "not setuid: EVMM_FAULT_PROCESS naming it fails every allocation" \
    test "$out" = "secure=0 failed=5"
tap_done
