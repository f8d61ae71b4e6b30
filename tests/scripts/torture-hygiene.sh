#!/bin/sh
# evmm-torture leaves nothing behind: no process of a run (background
# children, children in a session of their own, runs under way when it is
# told to stop) and no temporary file.  Each process the commands leave
# carries a token in its argv, for pgrep -f.
. "$top_srcdir/tests/scripts/tap.sh"

need_torture
[ "$(uname -s)" = Linux ] ||
	skip_all "only Linux lets evmm-torture adopt what a run leaves"
for tool in bash pgrep setsid timeout; do
	command -v $tool >/dev/null 2>&1 || skip_all "no $tool here"
done
victim="$top_builddir/tests/programs/torture_victim_fixed"

token=evmm-hygiene-$$
scratch=$(mktemp -d "${TMPDIR:-/tmp}/evmm-hygiene.XXXXXX") ||
	bail_out "cannot make a directory"
TMPDIR=$scratch
export TMPDIR
trap 'pkill -KILL -f "$token" 2>/dev/null; rm -rf "$scratch"' EXIT

# A process named NAME that sleeps: bash's exec -a sets its argv[0].
# evmm-torture waits for every process it adopts, so one it fails to
# kill makes it hang: it gets 60 s.
sleeper="bash -c 'exec -a $token-\$0 sleep 3600'"

left() {
	pgrep -f "$token" >/dev/null && { echo "left alive:"; pgrep -af "$token"; return 1; }
	[ -z "$(ls -A "$scratch")" ] || { echo "left in TMPDIR:"; ls -A "$scratch"; return 1; }
	return 0
}

torture() {
	out=$(timeout -k 5 60 "$torture" "$@" 2>&1)
	status=$?
	printf '%s\n' "$out" | sed 's/^/# /'
}

# What a command inherits: no signal from 1 to 31 ignored or blocked,
# though our own caller ignores some (the C library keeps signals 32 and
# 33 for itself and will not change them), and no descriptor beyond 0, 1
# and 2 (ls has one of its own for the directory).  Otherwise it exits
# before the victim runs, with no report.
check='low31() { v=$(sed -n "s/^$1:[[:space:]]*//p" /proc/self/status); echo $((0x${v#????????} & 0x7fffffff)); }
	[ "$(low31 SigIgn)" = 0 ] && [ "$(low31 SigBlk)" = 0 ] &&
	[ "$(ls /proc/self/fd | wc -l)" -le 4 ] && exec "$1"'
out=$(trap '' PIPE INT QUIT; exec 7</dev/null
	timeout -k 5 60 "$torture" -j 2 -- sh -c "$check" sh "$victim" 2>&1)
status=$?
printf '%s\n' "$out" | sed 's/^/# /'
ok_if "commands start with default signals and only descriptors 0-2" \
    test "$status" -eq 0
out=$(exec 7</dev/null; timeout -k 5 60 "$torture" -j 2 -- \
	sh -c '[ -e /proc/self/fd/7 ] && exit 9; exec "$1"' sh "$victim" 2>&1)
ok_if "... which the test can tell (a descriptor 7 of ours is not passed on)" \
    test "$?" -eq 0
out=$(exec 7</dev/null; sh -c '[ -e /proc/self/fd/7 ] && exit 9; exit 0')
ok_if "... where a plain shell would pass it on" test "$?" -eq 9

# Background children outlive the command, in its process group, in
# every run: waited for --linger seconds, then killed, and not a hang.
torture -j 2 --linger=1 -- sh -c "$sleeper bg & exec \"\$1\"" sh "$victim"
ok_if "a command that always leaves a background child passes (exit 0)" \
    test "$status" -eq 0
ok_if "... and the counting run says what it left running" \
    matches "$out" -F "left sleep running for more than 1 s (--linger)"
ok_if "... and its background children are gone" left

# setsid -f: a child in a session of its own, its parent gone at once,
# left running only when an allocation fails: a hang, named.
torture -j 2 --linger=1 -- \
    sh -c "\"\$1\" || setsid -f $sleeper detached" sh "$victim"
ok_if "a command that leaves a child running only when an allocation fails hangs (exit 1)" \
    test "$status" -eq 1
ok_if "... at every point, each naming it" \
    matches "$out" -F 'points: 0 passed, 0 crashed, 6 hung'
ok_if "... by its name" \
    matches "$out" -E '^ +left running sleep$'
ok_if "... and those children are gone" left
torture -j 2 --linger=0 -- \
    sh -c "\"\$1\" || setsid -f $sleeper detached" sh "$victim"
ok_if "with --linger=0 they are killed at once, and the command passes (exit 0)" \
    test "$status" -eq 0
ok_if "... and they are gone" left

# --run-dir: each run has a directory of its own, empty when it starts,
# which runs made at once do not share (a second mkdir of "lock" in a
# shared one would fail, and the run crash), and which is removed with
# all the command put in it.
torture -j 2 --run-dir -- sh -c '[ -d "$1" ] && [ -z "$(ls -A "$1")" ] &&
    mkdir "$1/lock" && mkdir -p "$1/a/b" && : > "$1/a/b/f" &&
    chmod 0 "$1/a" && sleep 0.2 && exec "$2" || kill -SEGV $$' sh {} "$victim"
ok_if "--run-dir: each run has an empty directory of its own (exit 0)" \
    test "$status" -eq 0
ok_if "... removed when the run ends, with what it holds" left
torture --run-dir=@D -- sh -c 'exec "$1"' sh "$victim"
ok_if "--run-dir=STR with no STR in the command is a usage error (exit 2)" \
    test "$status" -eq 2
ok_if "... that says so" matches "$out" -F "no argument of the command holds '@D'"

# setsid -w: a child in a new session that hangs, and the run with it.
torture -j 2 --timeout=1 -- \
    sh -c "\"\$1\" || exec setsid -w $sleeper hangs" sh "$victim"
ok_if "a run whose child calls setsid() and hangs is a hang (exit 1)" \
    test "$status" -eq 1
ok_if "... at every point" \
    matches "$out" -F 'points: 0 passed, 0 crashed, 6 hung'
ok_if "... and nothing of it is left" left

# SIGTERM while runs are under way.
timeout -k 5 60 "$torture" -j 2 --timeout=100 -- \
    sh -c "\"\$1\" || exec $sleeper term" sh "$victim" >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 100 ] && ! pgrep -f "$token-term" >/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
ok_if "runs were under way" pgrep -f "$token-term"
kill -TERM $pid
wait $pid
status=$?
# (timeout(1) passes on the status of what it ran.)
ok_if "SIGTERM stops evmm-torture as by SIGTERM (status 143)" \
    test "$status" -eq 143
ok_if "... after killing every run and removing its files" left

tap_done
