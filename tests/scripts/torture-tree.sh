#!/bin/sh
# evmm-torture on process trees: a program that forks, and a shell that
# runs the same program twice.  Every process's allocations are points,
# named by process key, and the planted crash is found in the right one.
. "$top_srcdir/tests/scripts/tap.sh"

need_torture
prog="$top_builddir/tests/programs/torture_tree"
[ -x "$prog" ] || skip_all "tests/programs/torture_tree is built with evmm-torture only"

# torture ARGS...: evmm-torture's output in $out, its status in $status.
torture() {
	out=$("$torture" "$@" 2>&1)
	status=$?
	printf '%s\n' "$out" | sed 's/^/# /'
}

# A child made by fork() alone, whose third allocation is unchecked.  How
# it crashes depends on the build (SIGSEGV, or a sanitizer's report).
torture -- "$prog" fork
ok_if "a program that forks: its crash fails the run (exit 1)" \
    test "$status" -eq 1
ok_if "... both processes' allocations are counted" \
    matches "$out" -x "evmm-torture: $prog makes 6 allocations through libevmm in 2 processes; failing 6 of them in turn"
ok_if "... the crash is at the child's allocation 3, by key" \
    matches "$out" "^torture_tree#1\.1:3  *1  crashed (.*)  *malloc "
frames_ok "... and its crash site is in the program, though its parent fails nothing" \
    matches "$out" "^  *crash site .*torture_tree"
ok_if "... and nowhere else" \
    matches "$out" -x "evmm-torture: 6 points: 5 passed, 1 crashed, 0 hung, 0 leaked, 0 not reached, 0 could not run"

# The same, but the child ends in _exit(), which runs no exit handler:
# its allocations are counted all the same, from the file it keeps
# them in as it goes, and its crash is found.
torture -- "$prog" _exit
ok_if "a child that ends in _exit(): its allocations are counted" \
    matches "$out" -x "evmm-torture: $prog makes 6 allocations through libevmm in 2 processes; failing 6 of them in turn"
ok_if "... and its crash is found, at its allocation 3" \
    matches "$out" "^torture_tree#1\.1:3  *1  crashed (.*)  *malloc "
torture --per-site -- "$prog" _exit
ok_if "... and its call sites are listed for --per-site" \
    matches "$out" "^torture_tree#1\.1:3  *1  crashed (.*)  *malloc "

# Where the command's status hides the crash, the crashed process's own
# report names it: a fork-per-test runner that exits 1 (as libevent's
# regress and Check do), and a shell that ignores the failure.  (Under
# a sanitizer, which handles the signal itself, its report on stderr
# does: "checker error".)
torture -- "$prog" runner
ok_if "a test runner that exits 1 on its child's crash: the crash fails the run (exit 1)" \
    test "$status" -eq 1
ok_if "... the crash is the child's, at its allocation 3, beside the runner's exit 1" \
    matches "$out" -E "^torture_tree#1\.1:3 +1  crashed \((signal [0-9]+, SIG[A-Z]+; exit 1|checker error)\) +malloc "
ok_if "... and nowhere else" \
    matches "$out" -x "evmm-torture: 6 points: 5 passed, 1 crashed, 0 hung, 0 leaked, 0 not reached, 0 could not run"
torture -- sh -c "'$prog' buggy || true"
ok_if "sh -c 'prog || true': the crash fails the run (exit 1)" \
    test "$status" -eq 1
ok_if "... at allocation 3, beside the shell's exit 0" \
    matches "$out" -E "^3 +1  crashed \((signal [0-9]+, SIG[A-Z]+; exit 0|checker error)\) +malloc "

# A double-forked daemon outlives the command: it is waited for, so its
# allocations are counted and its crash found, beside the shell's exit 0.
torture -- sh -c "(setsid '$prog' buggy &)"
ok_if "a double-forked daemon: its crash fails the run (exit 1)" \
    test "$status" -eq 1
ok_if "... its allocations are counted" \
    matches "$out" -x "evmm-torture: sh makes 3 allocations through libevmm; failing 3 of them in turn"
ok_if "... and its crash is found, at its allocation 3" \
    matches "$out" -E "^3 +1  crashed \((signal [0-9]+, SIG[A-Z]+; exit 0|checker error)\) +malloc "
# Killed at once, as --linger=0 asks, it is gone before it loads libevmm.
torture --linger=0 -- sh -c "(sleep 1; setsid '$prog' buggy) &"
ok_if "with --linger=0, a daemon is killed with the command: nothing tested (exit 1)" \
    test "$status" -eq 1
ok_if "... and the hint names the daemon" \
    matches "$out" -F 'outlives it (a daemon), and was killed before it'

# The same program twice in sequence; only the second has the bug.
cmd="'$prog' checked && '$prog' buggy"
torture -- sh -c "$cmd"
ok_if "sh -c 'a && b': the second program's crash fails the run (exit 1)" \
    test "$status" -eq 1
ok_if "... both programs' allocations are counted" \
    matches "$out" -x "evmm-torture: sh makes 6 allocations through libevmm in 2 processes; failing 6 of them in turn"
ok_if "... the crash is at the second one's allocation 3" \
    matches "$out" "^torture_tree#2:3  *1  crashed (.*)  *malloc "
ok_if "... and nowhere else" \
    matches "$out" -x "evmm-torture: 6 points: 5 passed, 1 crashed, 0 hung, 0 leaked, 0 not reached, 0 could not run"

# Keys are the same in every run: two counting runs, every point shown,
# one at a time, so in the order they are run: by key.
torture -j 1 -v -- sh -c "$cmd"
first=$(printf '%s\n' "$out" | sed -n 's/^point \([^ ]*\): .*/\1/p')
torture -j 1 -v -- sh -c "$cmd"
second=$(printf '%s\n' "$out" | sed -n 's/^point \([^ ]*\): .*/\1/p')
ok_if "the points are the same in two runs" \
    test -n "$first" -a "$first" = "$second"
ok_if "... every allocation of each process, in key order" \
    test "$first" = "$(printf '%s\n' \
    torture_tree#1:1 torture_tree#1:2 torture_tree#1:3 \
    torture_tree#2:1 torture_tree#2:2 torture_tree#2:3)"

# A command that counts differently from run to run: its first run
# makes a file and runs the program twice, the next ones once.
flag="${TMPDIR:-/tmp}/evmm-torture-tree-$$"
rm -f "$flag"
torture -- sh -c "if [ -e '$flag' ]; then '$prog' checked; else : > '$flag'; '$prog' checked; '$prog' checked; fi"
rm -f "$flag"
ok_if "two counting runs that differ are said, with the process that differs" \
    matches "$out" -xF "evmm-torture: warning: two counting runs of sh differ in 1 process: torture_tree#2 3 then none."

# --per-site works per process: the site of allocation 3 is found in both.
torture --per-site -- sh -c "$cmd"
ok_if "--per-site finds the crash in the second process" \
    matches "$out" "^torture_tree#2:3  *1  crashed"
tap_done
