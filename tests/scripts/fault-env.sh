#!/bin/sh
# EVMM_FAULT, EVMM_STATS and EVMM_REPORT, read from the environment when
# the library loads: applied when well formed, refused out loud when not.
. "$top_srcdir/tests/scripts/tap.sh"

[ "$MM_REPLACEMENT" = yes ] ||
	skip_all "no fault injection with --disable-malloc-replacement"

prog="$top_builddir/tests/programs/fault_env"
[ -x "$prog" ] || skip_all "tests/programs/fault_env is built with evmm-torture only"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evmm-env.XXXXXX") || bail_out "mktemp"
trap 'rm -rf "$tmp"' EXIT
# Report directories must be writable by their owner alone.
umask 022

# run VAR=VALUE... [-- ARGS...]: the program's stdout in $out, stderr in
# $err.  It runs under timeout(1) where there is one, so that a report
# file that blocks shows as a failure, not as a hung test.
run() {
	set -- "$@" --
	run_n=0
	while [ "$1" != -- ]; do
		run_n=$((run_n + 1))
		eval "run_v$run_n=\$1"
		shift
	done
	shift
	# What is left: the program's arguments and the added "--", if the
	# caller gave a "--" of its own.
	run_args=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		run_args="$run_args $1"
		shift
	done
	# The variables reach the program alone, through env(1): an
	# LD_PRELOAD built for the program's C library (musl-gcc's) must not
	# be loaded into timeout(1), which is the system's.
	(
		set --
		i=1
		while [ $i -le $run_n ]; do
			eval "set -- \"\$@\" \"\$run_v$i\""
			i=$((i + 1))
		done
		exec $timeout env "$@" "$prog" $run_args
	) >"$tmp/out" 2>"$tmp/err"
	status=$?
	out=$(cat "$tmp/out") err=$(cat "$tmp/err")
	[ -z "$err" ] || printf '%s\n' "$err" | sed 's/^/# stderr: /'
}

timeout=
command -v timeout >/dev/null 2>&1 && timeout="timeout 20"

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

# --- The report file cannot be turned against its program ----------------

run EVMM_FAULT=nth=2
ok_if "EVMM_FAULT alone, libevmm linked properly: nothing on stderr" \
    test -z "$err"

printf 'keep\n' >"$tmp/target"
ln -s "$tmp/target" "$tmp/link"
run EVMM_REPORT="$tmp/link"
ok_if "a symbolic link as EVMM_REPORT is refused on stderr" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/link: it is a symbolic link"
ok_if "the file the link points to is left alone" \
    test "$(cat "$tmp/target")" = keep
ok_if "the program runs as without EVMM_REPORT" \
    test "$out" = "ok ok ok ok ok" -a "$status" -eq 0

if mkfifo "$tmp/fifo" 2>/dev/null; then
	run EVMM_REPORT="$tmp/fifo" EVMM_FAULT=nth=1
	ok_if "a FIFO as EVMM_REPORT neither blocks nor is written" \
	    test "$out" = "FAIL ok ok ok ok" -a "$status" -eq 0
	ok_if "a FIFO as EVMM_REPORT is refused on stderr" \
	    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/fifo: not a regular file"
else
	skip "a FIFO as EVMM_REPORT neither blocks nor is written" "no mkfifo"
	skip "a FIFO as EVMM_REPORT is refused on stderr" "no mkfifo"
fi

if [ -c /dev/full ]; then
	run EVMM_REPORT=/dev/full
	ok_if "/dev/full as EVMM_REPORT is refused on stderr" \
	    matches "$err" -F "libevmm: EVMM_REPORT: cannot write /dev/full: not a regular file"
else
	skip "/dev/full as EVMM_REPORT is refused on stderr" "no /dev/full"
fi

# A regular file that cannot be written: a file size limit of 0, with
# SIGXFSZ ignored, so that write(2) fails with EFBIG.  Standard error goes
# through a pipe, to which the limit does not apply.
err=$( ( ulimit -f 0 && trap '' XFSZ &&
  EVMM_REPORT="$tmp/toobig" EVMM_FAULT=nth=2 exec $timeout "$prog" ) \
    2>&1 >/dev/null | cat)
printf '%s\n' "$err" | sed 's/^/# stderr: /'
ok_if "a failed write of the report is reported on stderr, once" \
    test "$(printf '%s\n' "$err" | grep -c -F "libevmm: EVMM_REPORT: cannot write $tmp/toobig:")" -eq 1

# The program's own output is not the report's to take.
run EVMM_REPORT=/dev/stdout
ok_if "/dev/stdout as EVMM_REPORT leaves the program's output alone" \
    test "$out" = "ok ok ok ok ok"
ok_if "/dev/stdout as EVMM_REPORT is refused on stderr" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write /dev/stdout"

mkdir "$tmp/here" "$tmp/there"
prog_abs=$(cd "$(dirname "$prog")" && pwd)/$(basename "$prog")
(cd "$tmp/here" && prog=$prog_abs && run EVMM_REPORT=report -- chdir="$tmp/there")
ok_if "a relative EVMM_REPORT is opened where the program started" \
    grep -q -x allocations=5 "$tmp/here/report"
ok_if "a chdir() before exit does not move the report" \
    test ! -e "$tmp/there/report"

run EVMM_REPORT="$tmp/forked" EVMM_FAULT=nth=4 -- fork _exit
report=$(cat "$tmp/forked" 2>/dev/null)
printf '%s\n' "$report" | sed 's/^/# report: /'
ok_if "a child that exits first leaves its parent's report alone" \
    test "$status" -eq 0 -a -n "$report" -a \
    "$(printf '%s\n' "$report" | grep -c -x -e allocations=4 -e first_injected_call=4)" -eq 2

# A program that closes every descriptor it did not open, then opens
# its own file on the same number, must not find the report written
# into it.
run EVMM_REPORT="$tmp/stolen-report" -- steal="$tmp/own"
ok_if "a program's own file on the report's old descriptor is left alone" \
    test "$status" -eq 0 -a "$(cat "$tmp/own")" = mine
ok_if "a closed report descriptor is reported on stderr" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/stolen-report: the program closed or replaced its descriptor"

# Started with standard output closed, the report must not take its
# number, or the program's output would end up in the report (here after
# the report written at the failure, with no exit to rewrite it).
EVMM_REPORT="$tmp/no-stdout" EVMM_FAULT=nth=1 "$prog" _exit >&- 2>/dev/null
ok_if "with standard output closed, the report holds only the report" \
    sh -c 'grep -q -x first_injected_call=1 "$1" &&
	! grep -q -x "FAIL ok ok ok ok" "$1"' sh "$tmp/no-stdout"

# With umask 000, fopen() made it 0666, writable by anyone.
(umask 000 && run EVMM_REPORT="$tmp/mode")
ok_if "the report is created with mode 0600 or tighter" \
    test -f "$tmp/mode" -a -z "$(find "$tmp/mode" -perm /0177)"

# --- What it prints is escaped -------------------------------------------

nl='
'
run EVMM_FAULT="nth=1${nl}nth=2"
ok_if "control characters in a refused value are escaped" \
    matches "$err" -F 'libevmm: EVMM_FAULT="nth=1\x0anth=2" refused:'
run EVMM_REPORT="$tmp/no/such${nl}dir"
ok_if "control characters in the report's name are escaped" \
    matches "$err" -F "cannot write $tmp/no/such\\x0adir:"

# Escaped, a long value outgrows the message's buffer: it is cut, never
# the reason or the new line after it.
long=$(head -c 5000 /dev/zero | tr '\0' '\001')
for var in EVMM_FAULT EVMM_REPORT; do
	run "$var=$long" >/dev/null
	ok_if "a long $var value refused still gives the reason and ends" \
	    test "$(wc -l <"$tmp/err")" -eq 1 -a \
	    "$(tail -c 18 "$tmp/err")" = "it is not applied"
done

# The main program's file name in the report is its argv[0], which its
# caller chooses: a new line in it must not start a line of its own.
evil="$tmp/fault_env${nl}first_injected_call=99"
if ln -s "$prog_abs" "$evil" 2>/dev/null; then
	EVMM_REPORT="$tmp/evil" EVMM_FAULT=nth=1 "$evil" >/dev/null 2>&1
	report=$(cat "$tmp/evil" 2>/dev/null)
	printf '%s\n' "$report" | sed 's/^/# report: /'
	ok_if "a new line in the program's name cannot forge a report line" \
	    test -n "$report" -a \
	    "$(printf '%s\n' "$report" | grep -c '^first_injected_call=')" -eq 1
else
	skip "a new line in the program's name cannot forge a report line" \
	    "the file system refuses new lines in names"
fi

# Bytes a terminal acts on beyond the C0 controls: the 8-bit controls
# (0x9b is CSI), their UTF-8 form (0xc2 0x9b), and bytes that are not
# UTF-8 (0xff, a surrogate).  A valid character (e-acute) is kept.
odd=$(printf 'fault_env\233[31m\302\233\377\355\240\200\303\251')
odd_esc='fault_env\x9b[31m\xc2\x9b\xff\xed\xa0\x80'$(printf '\303\251')
# terminal_safe FILE: valid UTF-8 with no C1 control in it.
terminal_safe() {
	iconv -f UTF-8 -t UTF-8 <"$1" >/dev/null 2>&1 &&
	    ! LC_ALL=C grep -q "$(printf '\302[\200-\237]')" "$1"
}
if ! command -v iconv >/dev/null 2>&1; then
	skip "C1 controls and invalid UTF-8 in argv[0] are escaped" \
	    "no iconv to check UTF-8"
	skip "C1 controls and invalid UTF-8 in messages are escaped" \
	    "no iconv to check UTF-8"
elif ln -s "$prog_abs" "$tmp/$odd" 2>/dev/null; then
	EVMM_REPORT="$tmp/c1" EVMM_FAULT=nth=1 "$tmp/$odd" >/dev/null 2>&1
	LC_ALL=C sed 's/^/# report: /' "$tmp/c1"
	# The report names the program, by its argv[0], as the caller of
	# the failed allocation only where that call was a tail call into
	# libevmm: not without tail calls (as above), nor under
	# ThreadSanitizer, whose interceptors stand between.
	if LC_ALL=C grep -q "^first_injected_caller=$tmp/" "$tmp/c1"; then
		ok_if "C1 controls and invalid UTF-8 in argv[0] are escaped" \
		    eval 'terminal_safe "$tmp/c1" &&
		    LC_ALL=C grep -q -F "=$tmp/$odd_esc+0x" "$tmp/c1"'
	else
		skip "C1 controls and invalid UTF-8 in argv[0] are escaped" \
		    "the failed allocation's caller is not the program here"
	fi
	run EVMM_FAULT="nth=1$odd"
	ok_if "C1 controls and invalid UTF-8 in messages are escaped" \
	    eval 'terminal_safe "$tmp/err" &&
	    LC_ALL=C grep -q -F "EVMM_FAULT=\"nth=1$odd_esc\" refused" "$tmp/err"'
else
	skip "C1 controls and invalid UTF-8 in argv[0] are escaped" \
	    "the file system refuses such names"
	skip "C1 controls and invalid UTF-8 in messages are escaped" \
	    "the file system refuses such names"
fi

# --- EVMM_REPORT naming a directory: a report per process -----------------

mkdir "$tmp/dir"
run EVMM_REPORT="$tmp/dir" -- fork
run EVMM_REPORT="$tmp/dir" -- fork
ok_if "in a directory, each process writes a file named by its key" \
    test "$(cd "$tmp/dir" && echo *)" = \
    "fault_env#1 fault_env#1.1 fault_env#2 fault_env#2.1"
ok_if "a report holds its process key" \
    test "$(sed -n 's/^process=//p' "$tmp/dir/fault_env#2")" = fault_env#2
ok_if "a program's report counts its own allocations" \
    grep -qx allocations=5 "$tmp/dir/fault_env#1"
ok_if "a child made by fork() counts its own, from 1" \
    grep -qx allocations=3 "$tmp/dir/fault_env#1.1"
ok_if "... and has its own statistics" \
    grep -qx malloc_calls=3 "$tmp/dir/fault_env#1.1"
# The child takes its key in the library's one fork handler, on every
# build: with per-thread counters or with the shared ones
# (evmm_cv_tls_ie=no).
ok_if "a child made by fork() takes the key PARENT.1 for its report" \
    test "$(sed -n 's/^process=//p' "$tmp/dir/fault_env#1.1")" = \
    "fault_env#1.1"

mkdir "$tmp/links"
echo keep >"$tmp/target"
ln -s "$tmp/target" "$tmp/links/fault_env#1"
run EVMM_REPORT="$tmp/links"
ok_if "a symbolic link in a key's place is neither followed nor skipped" \
    test "$(cat "$tmp/target")" = keep -a ! -e "$tmp/links/fault_env#2"
ok_if "... and the program says so on stderr" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/links/fault_env#1: a file of that name is in the way"

mkdir "$tmp/inway"
echo keep >"$tmp/inway/fault_env#1.1"
run EVMM_REPORT="$tmp/inway" -- fork
ok_if "a file in the place of a child's report is left alone" \
    test "$(cat "$tmp/inway/fault_env#1.1")" = keep
ok_if "... and the child says so on stderr" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/inway/fault_env#1.1: a file of that name is in the way"

ln -s "$tmp/dir" "$tmp/dirlink"
run EVMM_REPORT="$tmp/dirlink"
ok_if "a symbolic link to a directory as EVMM_REPORT is refused" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/dirlink: it is a symbolic link"
ok_if "... and nothing is written in the directory" \
    test "$(ls "$tmp/dir" | wc -l)" -eq 4

mkdir "$tmp/odd"
if ln -s "$prog_abs" "$tmp/odd name!" 2>/dev/null; then
	EVMM_REPORT="$tmp/odd" "$tmp/odd name!" >/dev/null 2>&1
	ok_if "a key has the program's name with other bytes made _" \
	    test -s "$tmp/odd/odd_name_#1"
else
	skip "a key has the program's name with other bytes made _" \
	    "the file system refuses that name"
fi

mkdir "$tmp/aim"
run EVMM_REPORT="$tmp/aim" EVMM_FAULT=nth=2 \
    EVMM_FAULT_PROCESS="fault_env#1.1" -- fork
ok_if "EVMM_FAULT_PROCESS naming a child made by fork(): the parent fails nothing" \
    test "$out" = "ok ok ok ok ok" -a "$status" -eq 0
ok_if "... the child fails its allocation 2" \
    grep -qx first_injected_call=2 "$tmp/aim/fault_env#1.1"
ok_if "... and the parent only counts" \
    grep -qx injected_failures=0 "$tmp/aim/fault_env#1"
mkdir "$tmp/aim2"
run EVMM_REPORT="$tmp/aim2" EVMM_FAULT=nth=2 \
    EVMM_FAULT_PROCESS="fault_env#1" -- fork
ok_if "EVMM_FAULT_PROCESS naming the program fails its allocation 2" \
    test "$out" = "ok FAIL ok ok ok"
ok_if "... and not its child's, whose key differs" \
    grep -qx injected_failures=0 "$tmp/aim2/fault_env#1.1"
run EVMM_FAULT=nth=2 EVMM_FAULT_PROCESS="fault_env#1"
ok_if "EVMM_FAULT_PROCESS without a report directory: nothing fails" \
    test "$out" = "ok ok ok ok ok"
ok_if "... and it says why on stderr" \
    matches "$err" -F "EVMM_FAULT_PROCESS is set, but processes have keys only when EVMM_REPORT names a directory"

# --- EVMM_STATS=1 prints a summary at exit --------------------------------

run EVMM_STATS=1 EVMM_FAULT=nth=2
ok_if "EVMM_STATS=1 prints a summary on stderr at exit" \
    matches "$err" -F "libevmm: EVMM_STATS: allocation statistics of process"
ok_if "the summary counts the calls" \
    matches "$err" -x 'libevmm:   calls     malloc 5, calloc 0, strdup 0, realloc 0, free 5'
ok_if "the summary counts the injected failure" \
    matches "$err" -x 'libevmm:   failures  injected 1, real 0'
ok_if "the summary fits on a screen" \
    test "$(printf '%s\n' "$err" | wc -l)" -le 10
run EVMM_STATS=1 -- fork
ok_if "only the process that read EVMM_STATS prints the summary" \
    test "$(printf '%s\n' "$err" | grep -c -F 'libevmm: EVMM_STATS:')" -eq 1
run EVMM_STATS=0
ok_if "EVMM_STATS=0 prints nothing" test -z "$err"

# --- EVMM_SITES: each call site's first allocation, in the report -------

# tests/programs/sites_victim.c: four sites, first at 1, 2, 503 (the rare
# one) and 1003; with threads T K, three, first at 1, 2 and 2 + T*K whichever
# thread gets there first; wrapped, one site with two callers.
victim="$top_builddir/tests/programs/sites_victim"
# sites_of FILE: the first numbers its site lines give, in order, on one
# line; distinct_sites FILE: how many different places they name.
sites_of() {
	echo $(sed -n 's/^site=\([0-9]*\) .*/\1/p' "$1")
}
distinct_sites() {
	sed -n 's/^site=[0-9]* //p' "$1" | sort -u | grep -c .
}
EVMM_REPORT="$tmp/sites" EVMM_SITES=100 "$victim" 2>"$tmp/err"
sed 's/^/# report: /' "$tmp/sites" | grep -v '_calls=\|_bytes=\|_failures='
ok_if "EVMM_SITES lists each site once, with its first allocation's number" \
    test "$(sites_of "$tmp/sites")" = "1 2 503 1003" -a \
    "$(distinct_sites "$tmp/sites")" -eq 4
ok_if "... then how many it listed, and not full" \
    test "$(grep -c '^sites=4$' "$tmp/sites")" -eq 1 -a \
    "$(grep -c '^sites_full=' "$tmp/sites")" -eq 0
ok_if "... while the allocations are numbered as when they fail" \
    grep -q -x allocations=1003 "$tmp/sites"
# A program whose path is longer than a site line may be: each name is
# cut, visibly.
long="$tmp/$(printf '%0250d' 0)/$(printf '%0250d' 1)"
mkdir -p "$long" && ln -s "$(cd "${victim%/*}" && pwd)/${victim##*/}" "$long/v"
EVMM_REPORT="$tmp/sites" EVMM_SITES=100 "$long/v" 2>"$tmp/err"
ok_if "a site line stays under 512 bytes, its long names cut with ..." \
    test "$(grep -c '^site=.*\.\.\.+0x' "$tmp/sites")" -eq 4 -a \
    "$(awk 'length($0) >= 512' "$tmp/sites" | grep -c .)" -eq 0
EVMM_REPORT="$tmp/sites" EVMM_SITES=2 "$victim" 2>"$tmp/err"
ok_if "EVMM_SITES=2 lists two sites and says the list is full" \
    test "$(sites_of "$tmp/sites")" = "1 2" -a \
    "$(grep -c -x -e sites=2 -e sites_full=1 "$tmp/sites")" -eq 2
# Four threads race to enter the same two sites: whichever enters one
# first, its number is the smallest any thread got there.
# (A sanitizer's report on stderr, ThreadSanitizer's included, fails it.)
for round in 1 2 3; do
	EVMM_REPORT="$tmp/sites" EVMM_SITES=100 "$victim" threads 4 500 \
	    2>"$tmp/err"
	status=$?
	got=$(sites_of "$tmp/sites")
	[ "$got" = "1 2 2002" ] && [ "$(distinct_sites "$tmp/sites")" -eq 3 ] &&
	    [ $status -eq 0 ] && [ ! -s "$tmp/err" ] || break
done
printf '# threads: %s, exit %d\n' "$got" $status
sed 's/^/# stderr: /' "$tmp/err"
ok_if "threads: each site once, with the smallest number (3 runs)" \
    test "$got" = "1 2 2002" -a "$(distinct_sites "$tmp/sites")" -eq 3
ok_if "... quietly (exit 0, nothing on stderr)" \
    test $status -eq 0 -a ! -s "$tmp/err"
EVMM_SITES=5 "$victim" 2>"$tmp/err"
ok_if "EVMM_SITES without EVMM_REPORT is refused on stderr" \
    grep -q -F 'libevmm: EVMM_SITES="5" refused: the sites are listed in the report, but EVMM_REPORT names none' "$tmp/err"
EVMM_REPORT="$tmp/sites" EVMM_SITES=some "$victim" 2>"$tmp/err"
ok_if "EVMM_SITES=some is refused on stderr" \
    grep -q -F 'libevmm: EVMM_SITES="some" refused: not a number' "$tmp/err"
ok_if "... and no site is listed" test "$(grep -c '^site' "$tmp/sites")" -eq 0
EVMM_REPORT="$tmp/sites" EVMM_SITES=0 "$victim" 2>"$tmp/err"
ok_if "EVMM_SITES=0 lists none" test "$(grep -c '^site' "$tmp/sites")" -eq 0
# EVMM_SITES_DEPTH: a wrapper's two callers are one site, or two by their
# stacks; each site line names the caller, the wrapper's call.
EVMM_REPORT="$tmp/sites" EVMM_SITES=100 "$victim" wrapped 2>"$tmp/err"
ok_if "a wrapper's two callers are one call site" \
    test "$(sites_of "$tmp/sites")" = "1"
EVMM_REPORT="$tmp/sites" EVMM_SITES=100 EVMM_SITES_DEPTH=2 "$victim" wrapped \
    2>"$tmp/err"
frames_ok "EVMM_SITES_DEPTH=2: two sites, by their call stacks" \
    test "$(sites_of "$tmp/sites")" = "1 2"
frames_ok "... each line naming the same caller, the wrapper's call" \
    test "$(distinct_sites "$tmp/sites")" -eq 1
EVMM_REPORT="$tmp/sites" EVMM_SITES_DEPTH=2 "$victim" wrapped 2>"$tmp/err"
ok_if "EVMM_SITES_DEPTH without EVMM_SITES is refused on stderr" \
    grep -q -F 'libevmm: EVMM_SITES_DEPTH="2" refused: no sites are listed' "$tmp/err"
EVMM_REPORT="$tmp/sites" EVMM_SITES=100 EVMM_SITES_DEPTH=17 "$victim" wrapped \
    2>"$tmp/err"
ok_if "EVMM_SITES_DEPTH=17 is refused on stderr" \
    grep -q -F 'libevmm: EVMM_SITES_DEPTH="17" refused: not a depth' "$tmp/err"

# --- A program whose event_mm_malloc_ is not libevmm's ------------------

# As with libevent linked before libevmm: an object loaded first brings
# its own event_mm_malloc_, and libevmm sees none of the calls.
printf '%s\n' '#include <stdlib.h>' \
    'void *event_mm_malloc_(size_t sz);' \
    'void *event_mm_malloc_(size_t sz) { return malloc(sz); }' \
    >"$tmp/other.c"
if ${CC:-cc} -shared -fPIC -o "$tmp/libother.so" "$tmp/other.c" \
    2>"$tmp/cc.err"; then
	# ASan wants its run-time first; what is checked here is not ASan.
	run LD_PRELOAD="$tmp/libother.so" \
	    ASAN_OPTIONS=verify_asan_link_order=0 EVMM_FAULT=nth=2
	ok_if "when event_mm_malloc_ is another object's, EVMM_FAULT says so" \
	    matches "$err" "^libevmm: fault injection and statistics see only the calls that reach .*, but event_mm_malloc_ resolves to .*libother\.so, so they see none"
	ok_if "the message gives the fix" \
	    matches "$err" -F "link with -levmm before -levent, or preload libevmm"
	ok_if "the message is printed once" \
	    test "$(printf '%s\n' "$err" | grep -c '^libevmm: ')" -eq 1
	run LD_PRELOAD="$tmp/libother.so" \
	    ASAN_OPTIONS=verify_asan_link_order=0 EVMM_STATS=1 EVMM_FAULT=nth=2
	ok_if "EVMM_STATS says so too, in the same one message" \
	    test "$(printf '%s\n' "$err" | grep -c '^libevmm: fault injection and statistics see only')" -eq 1
	run LD_PRELOAD="$tmp/libother.so" \
	    ASAN_OPTIONS=verify_asan_link_order=0
	ok_if "without EVMM_FAULT, EVMM_STATS or EVMM_REPORT it says nothing" \
	    test -z "$err"
else
	sed 's/^/# /' "$tmp/cc.err"
	skip "when event_mm_malloc_ is another object's, EVMM_FAULT says so" \
	    "cannot build a shared object with ${CC:-cc} -shared -fPIC"
fi
tap_done
