#!/bin/sh
# When a program dies of a signal while fault injection is on, libevmm
# writes where it crashed into its report (lib/crash.c), and evmm-torture
# shows it as the crash site: the faulting function's module and offset,
# which addr2line maps back to it.  Its handlers never replace one the
# program set first, and the program still dies of its signal.
. "$top_srcdir/tests/scripts/tap.sh"

need_torture
t="$top_builddir/tests/programs"
victim="$t/crash_victim"
lib=$(sed -n "s/^dlname='\(.*\)'\$/\1/p" "$top_builddir/lib$EVMM_NAME.la")
lib="$top_builddir/.libs/$lib"
[ -f "$lib" ] || bail_out "no $lib"

# A sanitizer's runtime handles SIGSEGV, SIGBUS and SIGFPE itself, before
# libevmm is loaded: then only SIGILL and SIGABRT are left for libevmm.
case " $CFLAGS " in
*-fsanitize=*) sanitized=yes ;;
*)	sanitized=no ;;
esac
have_addr2line=no
addr2line --version >/dev/null 2>&1 && have_addr2line=yes

dir=$(mktemp -d "${TMPDIR:-/tmp}/evmm-crash.XXXXXX") ||
	bail_out "cannot make a temporary directory"
trap 'rm -rf "$dir"' EXIT
report="$dir/report"
slow=$(sed -n "s/^dlname='\(.*\)'\$/\1/p" \
    "$top_builddir/tests/programs/slow_constructor.la")
slow="$top_builddir/tests/programs/.libs/$slow"
[ -f "$slow" ] || bail_out "no $slow"

# A run that hangs is killed after 10 s, so that it fails rather than
# hangs make check; KILL, since a crash handler blocks every other
# signal.
if timeout --version >/dev/null 2>&1; then
	bounded="timeout -s KILL 10"
else
	bounded=
fi

# run MODE [VAR=VALUE...]: the victim in MODE with libevmm loaded, in an
# environment of EVMM_REPORT=$report and the assignments given; its
# output in $out, its status in $status (128+N when killed by signal N),
# the whole seconds it took in $elapsed, the report in $rep.
run() {
	run_mode=$1
	shift
	set -- "$@" "$victim" "$lib" "$run_mode"
	[ "$run_mode" != loader-lock ] || set -- "$@" "$slow"
	rm -f "$report"
	run_start=$(date +%s)
	out=$($bounded env -u EVMM_FAULT -u EVMM_STATS EVMM_REPORT="$report" \
	    "$@" 2>&1)
	status=$?
	elapsed=$(($(date +%s) - run_start))
	rep=$(cat "$report" 2>/dev/null)
	printf '%s\n' "$out" | sed 's/^/# /'
	printf '%s\n' "$rep" | grep '^crash_' | sed 's/^/# report: /'
}

# maps_to FRAME FUNCTION: whether FRAME ("module+0xoffset ...") is in
# FUNCTION, by addr2line, inlined callers included.
maps_to() {
	mt_module=${1%%+0x*}
	mt_offset=${1#"$mt_module"+}
	mt_offset=${mt_offset%% *}
	echo "addr2line -f -i -e $mt_module $mt_offset:"
	addr2line -f -i -e "$mt_module" "$mt_offset" >"$dir/a2l" 2>&1
	cat "$dir/a2l"
	grep -qx "$2" "$dir/a2l"
}

# in_function FRAME FUNCTION: one test, that FRAME is in FUNCTION;
# skipped where there are no frames or no addr2line to say.
in_function() {
	if [ $have_addr2line = yes ]; then
		frames_ok "... in $2(), says addr2line" maps_to "$1" "$2"
	else
		skip "... in $2(), says addr2line" "no addr2line"
	fi
}

# --- Which signals get a handler --------------------------------------

run dispositions EVMM_FAULT=nth=1
ok_if "fault injection and a report: SIGABRT gets a handler" \
    matches "$out" -x 'SIGABRT handler'
ok_if "... and SIGILL" matches "$out" -x 'SIGILL handler'
if [ $sanitized = yes ]; then
	skip "... and SIGSEGV, SIGBUS and SIGFPE" "the sanitizer handles them"
else
	ok_if "... and SIGSEGV, SIGBUS and SIGFPE" test "$(printf '%s\n' "$out" |
	    grep -cE '^SIG(SEGV|BUS|FPE) handler$')" -eq 3
fi
# all_default: whether every signal libevmm could take keeps its
# default action in $out.
if [ $sanitized = yes ]; then
	all_default() {
		test "$(printf '%s\n' "$out" |
		    grep -cE '^SIG(ILL|ABRT) default$')" -eq 2
	}
else
	all_default() {
		test "$(printf '%s\n' "$out" | grep -c ' default$')" -eq 5
	}
fi
run dispositions
ok_if "no EVMM_FAULT: every crash signal keeps its default action" \
    all_default
run dispositions EVMM_FAULT=off
ok_if "EVMM_FAULT=off: the same" all_default
run dispositions EVMM_FAULT=nth=1 EVMM_REPORT=
ok_if "no report: the same" all_default

# The victim sets its handler before it loads libevmm, as a sanitizer's
# runtime or a program that loads libevmm with dlopen() does; it checks
# that it is still there, then crashes into it.
run own-handler EVMM_FAULT=nth=1
ok_if "a SIGSEGV handler set before libevmm is kept, and runs (exit 42)" \
    test "$status" -eq 42
ok_if "... and libevmm writes no crash" \
    test -z "$(printf '%s\n' "$rep" | grep '^crash_')"

# --- What the report says -------------------------------------------------

run xmalloc EVMM_FAULT=nth=2
ok_if "abort() at a failed allocation still dies of SIGABRT (status 134)" \
    test "$status" -eq 134
ok_if "... and the report says so (crash_signal=6)" \
    matches "$rep" -x 'crash_signal=6'
ok_if "... after the report's own lines, which it leaves whole" \
    test "$(printf '%s\n' "$rep" | sed -n '$p' | cut -c1-6)" = crash_ -a \
    "$(printf '%s\n' "$rep" | grep -c '^first_injected_call=2$')" -eq 1
ok_if "... with at most 16 frames" \
    test "$(printf '%s\n' "$rep" | grep -c '^crash_frame=')" -le 16
frame=$(printf '%s\n' "$rep" | sed -n "s|^crash_frame=\($victim+0x[0-9a-f]*\)|\1|p" |
    head -n 1)
frames_ok "... one of them in the victim" test -n "$frame"
in_function "$frame" xmalloc

run segv
ok_if "a crash with no EVMM_FAULT writes no crash lines" \
    test -z "$(printf '%s\n' "$rep" | grep '^crash_')"
if [ $sanitized = yes ]; then
	skip "... and still dies of SIGSEGV (status 139)" \
	    "the sanitizer reports it"
	skip "a crash with fault injection on, not yet reached, is written" \
	    "the sanitizer handles SIGSEGV"
	skip "a stack overflow is written, from the alternate stack" \
	    "the sanitizer handles SIGSEGV"
else
	ok_if "... and still dies of SIGSEGV (status 139)" \
	    test "$status" -eq 139
	run segv EVMM_FAULT=nth=1000
	ok_if "a crash with fault injection on, not yet reached, is written" \
	    matches "$rep" -x 'crash_signal=11'
	frames_ok "... at main()" test -n "$(printf '%s\n' "$rep" |
	    grep "^crash_frame=$victim+0x")"
	ok_if "... and still dies of SIGSEGV (status 139)" \
	    test "$status" -eq 139
	run overflow EVMM_FAULT=nth=1000
	ok_if "a stack overflow is written, from the alternate stack" \
	    matches "$rep" -x 'crash_signal=11'
	frames_ok "... with its frames in the victim" test "$(printf '%s\n' \
	    "$rep" | grep -c "^crash_frame=$victim+0x")" -ge 8
fi

# --- A crash never becomes a hang ----------------------------------------

# The victim sets a handler after libevmm's, which passes the fault on to
# ours by calling it and then returns, as Boehm GC and others do; the
# fault comes back to it at once.  libevmm ends the process in the call.
if [ $sanitized = yes ]; then
	skip "a handler set later that calls libevmm's: no hang" \
	    "the sanitizer handles SIGSEGV"
elif [ -z "$bounded" ]; then
	skip "a handler set later that calls libevmm's: no hang" \
	    "no timeout(1) to stop a hang"
else
	run chain-after
	ok_if "a chaining handler with no libevmm handler dies of SIGSEGV" \
	    test "$status" -eq 139
	run chain-after EVMM_FAULT=nth=1000
	ok_if "a handler set later that calls libevmm's: SIGSEGV, no hang" \
	    test "$status" -eq 139
	ok_if "... within about a second (took ${elapsed}s)" \
	    test "$elapsed" -le 3
	ok_if "... and the crash is written" matches "$rep" -x 'crash_signal=11'
	frames_ok "... with its frames" test -n "$(printf '%s\n' "$rep" |
	    grep "^crash_frame=$victim+0x")"
	ok_if "... once" test "$(printf '%s\n' "$rep" |
	    grep -c '^crash_signal=')" -eq 1
fi

# The same handler set before libevmm is loaded: libevmm sets none, and
# the program dies as it would without libevmm.
if [ $sanitized = yes ]; then
	skip "a chaining handler set before libevmm: as without it" \
	    "the sanitizer handles SIGSEGV"
else
	run chain-before EVMM_FAULT=nth=1000
	ok_if "a chaining handler set before libevmm: SIGSEGV (status 139)" \
	    test "$status" -eq 139
	ok_if "... and libevmm writes no crash" \
	    test -z "$(printf '%s\n' "$rep" | grep '^crash_')"
fi

# Another thread is inside dlopen(), in a constructor that never returns,
# holding the dynamic loader's lock that dladdr() waits for.  The
# watchdog ends the process with its signal.
if [ $sanitized = yes ]; then
	skip "a crash while the loader's lock is held: no hang" \
	    "the sanitizer handles SIGSEGV"
elif [ -z "$bounded" ]; then
	skip "a crash while the loader's lock is held: no hang" \
	    "no timeout(1) to stop a hang"
else
	run loader-lock EVMM_FAULT=nth=1000
	if [ "$status" -eq 77 ]; then
		skip "a crash while the loader's lock is held: no hang" \
		    "no threads"
	else
		ok_if "a crash while the loader's lock is held: SIGSEGV, no hang" \
		    test "$status" -eq 139
		ok_if "... within about a second (took ${elapsed}s)" \
		    test "$elapsed" -le 3
		ok_if "... and the signal is written" \
		    matches "$rep" -x 'crash_signal=11'
	fi
fi

# --- evmm-torture shows it ----------------------------------------------

# torture ARGS...: evmm-torture's output in $out, its status in $status.
torture() {
	out=$("$torture" "$@" 2>&1)
	status=$?
	printf '%s\n' "$out" | sed 's/^/# /'
}

# site_of OUTPUT: the first crash site it shows.
site_of() {
	printf '%s\n' "$1" | sed -n 's/^ *crash site //p' | head -n 1
}

torture -j 2 -- "$victim" "$lib" xmalloc
ok_if "evmm-torture: xmalloc()'s abort is a crash at both points" \
    matches "$out" -E '^1-2 +2  crashed \(signal 6, SIGABRT\)'
site=$(site_of "$out")
frames_ok "... whose site, from libevmm, is in the victim, not the C library" \
    matches "$site" -E "^$victim\\+0x[0-9a-f]+( |\$)"
in_function "$site" xmalloc

torture -j 2 -- "$t/torture_victim"
site=$(site_of "$out")
if [ $sanitized = yes ]; then
	# The sanitizer's report gives the site.
	ok_if "the planted bug's crash has a crash site" test -n "$site"
else
	frames_ok "the planted bug's crash site, from libevmm, is in the victim" \
	    matches "$site" -E "^$t/torture_victim\\+0x[0-9a-f]+( |\$)"
	in_function "$site" build
	# Named from the program's symbols and debug information, as
	# eu-addr2line reads them (elfutils 0.188 reads no line from
	# clang's DWARF 4, for one).
	line=
	if command -v eu-addr2line >/dev/null 2>&1; then
		off=${site#*+}
		line=$(eu-addr2line -e "${site%%+0x*}" "${off%% *}" 2>/dev/null)
	fi
	case $line in
	"" | "??"*)
		skip "... named, with its source line, by eu-addr2line" \
		    "no eu-addr2line (elfutils), or it knows no line here" ;;
	*)	frames_ok "... named, with its source line ($line), by eu-addr2line" \
		    matches "$site" -E " \\(build\\) .*torture_victim\\.c:[0-9]+" ;;
	esac
fi
tap_done
