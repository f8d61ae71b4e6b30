#!/bin/sh
# evmm-torture finds planted out-of-memory bugs at exactly their
# allocation, passes their corrected twin, and passes every program in
# this tree that allocates through libevmm.
. "$top_srcdir/tests/scripts/tap.sh"

need_torture
t="$top_builddir/tests/programs"

# Leaks are found with whatever this build can offer.
case " $CFLAGS " in
*-fsanitize=address*|*-fsanitize=*address*) leaks=asan ;;
*)	if ! valgrind --version >/dev/null 2>&1; then
		leaks=none leaks_why="no valgrind, no ASan"
	elif ! valgrind_knows_cc; then
		leaks=none leaks_why="valgrind does not know $CC's C library"
	else
		leaks=valgrind
	fi ;;
esac
echo "# leak check: $leaks"

# Whether the library built here loads into the system's programs (sh,
# true): not when $CC builds for another C library (musl-gcc), whose
# libc the system's dynamic linker cannot load.
lib=$(sed -n "s/^dlname='\(.*\)'\$/\1/p" "$top_builddir/lib$EVMM_NAME.la")
pre="$top_builddir/.libs/$lib"
case $(LD_PRELOAD="$pre" env true 2>&1) in
*'error while loading shared libraries'*) preloadable=no ;;
*) preloadable=yes ;;
esac

# torture ARGS...: evmm-torture's output in $out, its status in $status.
torture() {
	out=$("$torture" "$@" 2>&1)
	status=$?
	printf '%s\n' "$out" | sed 's/^/# /'
}

# The summary line for a run of six points.
summary() {
	echo "evmm-torture: 6 points: $1 passed, $2 crashed, $3 hung, $4 leaked, 0 not reached, 0 could not run"
}

torture --help
ok_if "--help exits 0" test "$status" -eq 0
torture --jobs=0 -- true
ok_if "--jobs=0 is a usage error (exit 2)" test "$status" -eq 2
torture --leak-check=maybe -- true
ok_if "--leak-check=maybe is a usage error (exit 2)" test "$status" -eq 2
torture -j 2
ok_if "no command is a usage error (exit 2)" test "$status" -eq 2
torture -- "$t/no-such-program"
ok_if "a command that cannot run fails (exit 1)" test "$status" -eq 1
torture -- true
ok_if "a command without libevmm fails (exit 1)" \
    test "$status" -eq 1 -a -n "$(printf '%s' "$out" | grep 'made no report')"
ok_if "... and the hint says it does not load libevmm" \
    matches "$out" -F -- 'does not load libevmm at all'
ok_if "... and not what only a process that loads it can do" \
    test -z "$(printf '%s\n' "$out" | grep -F -e '-levent -levmm')"
if [ $preloadable = no ]; then
	why="$CC builds for a C library the system's programs do not use"
	skip "0 allocations is not a pass (exit 1)" "$why"
	skip "--preload: LD_PRELOAD is ASan's runtime, libevmm, the user's" "$why"
else
	torture --preload="$pre" -- true
	ok_if "0 allocations is not a pass (exit 1)" test "$status" -eq 1
	ok_if "... it says nothing was tested" \
	    matches "$out" -F 'makes 0 allocations through libevmm: nothing was tested'
	ok_if "... the hint, libevmm being loaded, names the link order" \
	    matches "$out" -F -- '-levent -levmm'
	ok_if "... and not --preload, which was given" \
	    test -z "$(printf '%s\n' "$out" | grep -F 'give --preload')"
	# --preload goes first, after a sanitizer's runtime the user put
	# first (ld.so says it cannot find these two, and goes on).
	out=$(LD_PRELOAD="/nonexistent/libasan.so.8 /nonexistent/libuser.so" \
	    "$torture" -j 2 --preload="$pre" -- sh -c 'case "$LD_PRELOAD" in
		"/nonexistent/libasan.so.8 $2 /nonexistent/libuser.so") exec "$1" ;;
		esac; exit 3' sh "$t/torture_victim_fixed" "$pre" 2>&1)
	status=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	ok_if "--preload: LD_PRELOAD is ASan's runtime, libevmm, the user's (exit 0)" \
	    test "$status" -eq 0
fi

torture -- sh -c 'kill -SEGV $$'
ok_if "a command that crashes with no failure injected fails (exit 1)" \
    test "$status" -eq 1
ok_if "... and the crash is named" \
    matches "$out" -F 'crashed (signal 11, SIGSEGV) with no failure injected'

torture -j 2 -- "$t/torture_victim"
ok_if "the missing NULL check fails the run (exit 1)" test "$status" -eq 1
# A signal, SIGSEGV; or SIGABRT from UBSan's null-pointer check.
ok_if "... it is reported at allocation 3, as a crash, in a row of one" \
    matches "$out" -E '^3 +1  crashed \(signal [0-9]+, SIG(SEGV|ABRT)\)'
ok_if "... and no other point fails" matches "$out" -xF "$(summary 5 1 0 0)"
# The caller is known when event_mm_malloc_() reaches the allocator by a
# tail call: not at -O0, nor under ThreadSanitizer, whose function-exit
# hook follows every call.
case $EVMM_TAIL_CALLS in
no)
	skip "... with the entry point and the caller" "no tail calls here" ;;
*)	ok_if "... with the entry point and the caller" \
	    matches "$out" -E '^3 +1  crashed.* malloc +.*torture_victim' ;;
esac

# A shell reports its child's death by SIGSEGV as exit 139.
torture -j 2 -- sh -c '"$1"; exit $?' sh "$t/torture_victim"
ok_if "a crash under a shell wrapper fails the run (exit 1)" \
    test "$status" -eq 1
# (A sanitizer's report through the shell's stderr says it first.)
ok_if "... as its signal at allocation 3, not as a pass" \
    matches "$out" -E '^3 +1  crashed \((exit 139: SIGSEGV|checker error)\)'

# Options the user set are kept whole, however long, and ours follow.
long=$(i=0; while [ $i -lt 150 ]; do printf 'verbosity=0:'; i=$((i + 1)); done)
out=$(ASAN_OPTIONS="${long}mark=1" "$torture" -j 2 -- sh -c 'case "$ASAN_OPTIONS" in
	'"$long"'mark=1:exitcode=96:*) exec "$1" ;; esac; exit 3' sh "$t/torture_victim_fixed" 2>&1)
status=$?
printf '%s\n' "$out" | sed 's/^/# /'
ok_if "an ASAN_OPTIONS of ${#long} bytes reaches the command whole (exit 0)" \
    test "$status" -eq 0

torture -j 2 -- "$t/torture_victim_fixed"
ok_if "the corrected twin passes (exit 0)" test "$status" -eq 0
ok_if "... at all six points" matches "$out" -xF "$(summary 6 0 0 0)"

# A command whose natural run ends with another status than 0, as many
# test suites do: the corrected twin, then exit 3 when it succeeded.
ends3='"$1"; s=$?; [ $s -ne 0 ] || exit 3; exit $s'
torture -j 2 -- sh -c "$ends3" sh "$t/torture_victim_fixed"
ok_if "a counting run that exits 3 fails the run (exit 1)" \
    test "$status" -eq 1
ok_if "... and says how to give its success status" \
    matches "$out" -F -- '(exit 3); fix that first, or give the status it ends with'
torture -j 2 --success-status=3 -- sh -c "$ends3" sh "$t/torture_victim_fixed"
ok_if "--success-status=3: the same command passes (exit 0)" \
    test "$status" -eq 0
ok_if "... at all six points" matches "$out" -xF "$(summary 6 0 0 0)"
torture -j 2 -s 3 -- "$t/torture_victim_fixed"
ok_if "-s 3: a counting run that exits 0 fails the run (exit 1)" \
    test "$status" -eq 1 -a -n "$(printf '%s\n' "$out" | grep -F '(exit 0, not 3)')"
torture --success-status=256 -- true
ok_if "--success-status=256 is a usage error (exit 2)" test "$status" -eq 2

torture -j 2 --max-points=3 -- "$t/torture_victim_fixed"
ok_if "--max-points=3 tests a sample of three" \
    matches "$out" -F 'failing a sample of 3 of them'

torture -j 2 --timeout=1 -- "$t/torture_victim_hangs"
ok_if "a hang fails the run (exit 1)" test "$status" -eq 1
ok_if "... it is reported at allocation 5" \
    matches "$out" -xF "$(summary 5 0 1 0)"

if [ $leaks = none ]; then
	skip "a leak is reported at allocation 4" "$leaks_why"
else
	# valgrind's start alone can pass the default 10 s on a loaded
	# machine: these runs are not about hangs.
	torture -j 2 --timeout=60 --leak-check=$leaks -- "$t/torture_victim_leaky"
	ok_if "a leak fails the run with --leak-check=$leaks (exit 1)" \
	    test "$status" -eq 1
	ok_if "... it is reported at allocation 4" \
	    matches "$out" -xF "$(summary 5 0 0 1)"
	ok_if "... naming the process and quoting the checker's first record" \
	    matches "$out" -E '^ +leaked by torture_victim_leaky#1: .*(definitely lost in loss record|leak of).*, from .*build'
	# A program that does not load libevmm leaks in every run, beside
	# a command that does not: not the command's leak.
	torture -j 2 --timeout=60 --leak-check=$leaks -- \
	    sh -c '"$1" && exec "$2"' sh "$t/leak_alone" "$t/torture_victim_fixed"
	ok_if "a leak in a process that does not load libevmm fails nothing (exit 0)" \
	    test "$status" -eq 0
	ok_if "... every point passes" matches "$out" -xF "$(summary 6 0 0 0)"
fi

# --per-site fails the first allocation of each call site the counting
# run's report lists: a loop of 1000 from one site, a rare site in its
# middle whose NULL check is missing (allocation 503), one site before
# and one after.  Stepping over runs of the loop's site misses the rare
# one; the list does not.
torture -j 2 --per-site -- "$t/sites_victim"
ok_if "--per-site finds a rare site in the middle of a loop (exit 1)" \
    test "$status" -eq 1
ok_if "... at its first allocation, 503" matches "$out" -E '^503 +1  crashed'
ok_if "... running exactly its four call sites" \
    matches "$out" -xF "evmm-torture: 4 points: 3 passed, 1 crashed, 0 hung, 0 leaked, 0 not reached, 0 could not run"
ok_if "... as its plan says" \
    matches "$out" -F 'makes 1003 allocations through libevmm from 4 call sites; failing the first allocation of each in turn'
# A wrapper's two callers: one call site, told apart only by the stack.
torture -j 2 --per-site=1 -- "$t/sites_victim" wrapped
ok_if "--per-site=1 sees one site for a wrapper's two callers, and misses the bug (exit 0)" \
    test "$status" -eq 0
for depth in 2 3; do
	flag=--per-site=$depth
	[ $depth = 3 ] && flag=--per-site
	torture -j 2 $flag -- "$t/sites_victim" wrapped
	frames_ok "$flag tells them apart by their call stacks" \
	    matches "$out" -F 'makes 2 allocations through libevmm from 2 call sites'
	frames_ok "... and finds the careless caller's crash, at allocation 2" \
	    matches "$out" -E '^2 +1  crashed'
done
torture --per-site=17 -- true
ok_if "--per-site=17 is a usage error (exit 2)" test "$status" -eq 2

# A list cut short by the table's size (here the command's own smaller
# EVMM_SITES) falls back to guessing, and says so.
torture -j 2 --per-site -- sh -c 'EVMM_SITES=2 exec "$1"' sh "$t/sites_victim"
ok_if "a full list of sites falls back to guessing, on stderr" \
    matches "$out" -F 'sh has more call sites than libevmm lists (2 here): guessing its sites'
ok_if "... and the plan says so" \
    matches "$out" -F 'failing the first allocation of each call site it can guess'
# Each process by its own list: here the first program's is whole, the
# second's full.
torture -j 2 --per-site -- sh -c '"$1" && EVMM_SITES=1 "$1"' sh "$t/sites_victim"
ok_if "one process's sites are listed while another's are guessed" \
    matches "$out" -F 'failing the first allocation of each of 4 call sites listed, and of each other it can guess'
ok_if "... the guessed one named on stderr" \
    matches "$out" -F 'sites_victim#2 has more call sites than libevmm lists (1 here)'
ok_if "... and the listed one's rare site found" \
    matches "$out" -E '^sites_victim#1:503 +1  crashed'

# Our own programs must pass.
for prog in "$top_builddir/examples/counting" "$t/fault_env"; do
	torture -j 2 --timeout=60 --leak-check=$leaks -- "$prog"
	ok_if "${prog##*/} survives every failed allocation" \
	    test "$status" -eq 0
done
tap_done
