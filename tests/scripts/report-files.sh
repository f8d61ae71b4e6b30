#!/bin/sh
# The EVMM_REPORT file and directory are the caller's alone: a file with
# more than one link or of another user is refused, a directory that
# others can write to is refused, reports are made with mode 0600, and a
# program image's key comes from the directory's counter, so that no
# file already there can shift it, in one open whatever the directory
# holds.  "Another user" is uid 65534, where root can play it.
. "$top_srcdir/tests/scripts/tap.sh"

[ "$MM_REPLACEMENT" = yes ] ||
	skip_all "no EVMM_REPORT with --disable-malloc-replacement"
prog="$top_builddir/tests/programs/fault_env"
[ -x "$prog" ] || skip_all "tests/programs/fault_env is built with evmm-torture only"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evmm-files.XXXXXX") || bail_out "mktemp"
trap 'rm -rf "$tmp"' EXIT
umask 022
other=65534
root=no
[ "$(id -u)" = 0 ] && root=yes
need_root="needs root, to give a file to another user"

# run VAR=VALUE... [-- ARGS...]: the program's stdout in $out, stderr in
# $err, its exit status in $status.
run() {
	run_env=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		run_env="$run_env \"$1\""
		shift
	done
	[ $# -gt 0 ] && shift
	eval "env $run_env \"\$prog\" \"\$@\"" >"$tmp/out" 2>"$tmp/err"
	status=$?
	out=$(cat "$tmp/out") err=$(cat "$tmp/err")
	[ -z "$err" ] || printf '%s\n' "$err" | sed 's/^/# stderr: /'
}
one_line() { test "$(printf '%s\n' "$err" | grep -c .)" -eq 1; }

# --- A single file ----------------------------------------------------------

printf 'keep\n' >"$tmp/victim"
ln "$tmp/victim" "$tmp/hard"
run EVMM_REPORT="$tmp/hard" EVMM_FAULT=nth=2
ok_if "a file with two links as EVMM_REPORT is refused on stderr, in one line" \
    sh -c 'printf "%s\n" "$1" | grep -q -F "libevmm: EVMM_REPORT: cannot write $2: it has more than one link" && test "$(printf "%s\n" "$1" | grep -c .)" -eq 1' \
    sh "$err" "$tmp/hard"
ok_if "... and the file it is linked to is left as it was" \
    test "$(cat "$tmp/victim")" = keep
ok_if "... and the program runs as without EVMM_REPORT" \
    test "$out" = "ok FAIL ok ok ok" -a "$status" -eq 0

if [ $root = yes ]; then
	printf 'theirs\n' >"$tmp/theirs"
	chown $other "$tmp/theirs" && chmod 666 "$tmp/theirs"
	run EVMM_REPORT="$tmp/theirs"
	ok_if "another user's file as EVMM_REPORT is refused on stderr" \
	    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/theirs: it belongs to another user"
	ok_if "... in one line" one_line
	ok_if "... and left as it was" test "$(cat "$tmp/theirs")" = theirs
else
	skip "another user's file as EVMM_REPORT is refused on stderr" "$need_root"
	skip "... in one line" "$need_root"
	skip "... and left as it was" "$need_root"
fi

(umask 000 && EVMM_REPORT="$tmp/mode" "$prog" >/dev/null 2>&1)
ok_if "a report file is created with mode 0600, whatever the umask" \
    test "$(stat -c %a "$tmp/mode")" = 600

# --- A directory ------------------------------------------------------------

mkdir "$tmp/dir"
(umask 000 && EVMM_REPORT="$tmp/dir" "$prog" >/dev/null 2>&1)
ok_if "a report in a directory is created with mode 0600" \
    test "$(stat -c %a "$tmp/dir/fault_env#1" 2>&1)" = 600

mkdir "$tmp/shared"
chmod 1777 "$tmp/shared"
if [ $root = yes ]; then
	# What another user leaves in a directory everyone can write to.
	: >"$tmp/shared/fault_env#1"
	chown $other "$tmp/shared/fault_env#1"
fi
run EVMM_REPORT="$tmp/shared" EVMM_FAULT=nth=2 \
    EVMM_FAULT_PROCESS="fault_env#2"
ok_if "a directory others can write to is refused, sticky or not" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/shared: other users can write to the directory"
ok_if "... and nothing is written there" \
    test "$(ls -A "$tmp/shared" | grep -v -x 'fault_env#1' | wc -l)" -eq 0
ok_if "... nor fails any allocation for EVMM_FAULT_PROCESS" \
    test "$out" = "ok ok ok ok ok" -a "$status" -eq 0

mkdir "$tmp/group"
chmod 775 "$tmp/group"
run EVMM_REPORT="$tmp/group"
ok_if "a directory its group can write to is refused" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/group: other users can write to the directory"

if [ $root = yes ]; then
	mkdir "$tmp/theirdir"
	chown $other "$tmp/theirdir"
	run EVMM_REPORT="$tmp/theirdir"
	ok_if "another user's directory is refused" \
	    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/theirdir: the directory belongs to another user"
	ok_if "... and nothing is written there" \
	    test -z "$(ls -A "$tmp/theirdir")"
else
	skip "another user's directory is refused" "$need_root"
	skip "... and nothing is written there" "$need_root"
fi

# A file already in a key's place is refused, not skipped: skipping it
# would give this program the next program's key.
mkdir "$tmp/inway"
printf 'keep\n' >"$tmp/inway/fault_env#1"
run EVMM_REPORT="$tmp/inway" EVMM_FAULT=nth=2 \
    EVMM_FAULT_PROCESS="fault_env#2"
ok_if "a file in a key's place does not shift the key: the program fails nothing" \
    test "$out" = "ok ok ok ok ok" -a "$status" -eq 0
ok_if "... says on stderr that the file is in the way" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/inway/fault_env#1: a file of that name is in the way"
ok_if "... and leaves the file alone" \
    test "$(cat "$tmp/inway/fault_env#1")" = keep
run EVMM_REPORT="$tmp/inway" EVMM_FAULT=nth=2 \
    EVMM_FAULT_PROCESS="fault_env#2"
ok_if "the next program takes the next key" \
    test "$out" = "ok FAIL ok ok ok" -a -s "$tmp/inway/fault_env#2"

# The counter is the directory's record of the keys taken: the key is
# the next ordinal, whatever the directory holds.
mkdir "$tmp/counted"
printf '41\n' >"$tmp/counted/.fault_env#next"
chmod 600 "$tmp/counted/.fault_env#next"
run EVMM_REPORT="$tmp/counted"
ok_if "a key's ordinal is the directory's counter plus one" \
    test -s "$tmp/counted/fault_env#42" -a \
    "$(cat "$tmp/counted/.fault_env#next")" = 42

# Programs of one name started at once take different keys.
mkdir "$tmp/parallel"
for i in 1 2 3 4 5 6 7 8; do
	EVMM_REPORT="$tmp/parallel" "$prog" >/dev/null 2>&1 &
done
wait
ok_if "eight programs started at once take keys #1 to #8" \
    test "$(cd "$tmp/parallel" && ls | sort -t '#' -k 2 -n | tr '\n' ' ')" = \
    "fault_env#1 fault_env#2 fault_env#3 fault_env#4 fault_env#5 fault_env#6 fault_env#7 fault_env#8 "

mkdir "$tmp/linked"
ln "$tmp/victim" "$tmp/linked/.fault_env#next"
run EVMM_REPORT="$tmp/linked"
ok_if "a hard link in the counter's place is refused" \
    matches "$err" -F "libevmm: EVMM_REPORT: cannot write $tmp/linked/.fault_env#next: it has more than one link"
ok_if "... and the file it is linked to is left as it was" \
    test "$(cat "$tmp/victim")" = keep

# One open for the key, not one per file already there.
mkdir "$tmp/many"
i=1
while [ $i -le 200 ]; do
	: >"$tmp/many/fault_env#$i"
	i=$((i + 1))
done
printf '200\n' >"$tmp/many/.fault_env#next"
chmod 600 "$tmp/many/.fault_env#next"
if command -v strace >/dev/null 2>&1 &&
    strace -f -o /dev/null true 2>/dev/null; then
	EVMM_REPORT="$tmp/many" strace -f -e trace=open,openat \
	    -o "$tmp/strace" "$prog" >/dev/null 2>&1
	opens=$(grep -c -F "fault_env#" "$tmp/strace")
	echo "# opens in the directory: $opens"
	ok_if "finding a key takes one open of the counter and one create" \
	    test "$opens" -eq 2 -a -s "$tmp/many/fault_env#201"
else
	skip "finding a key takes one open of the counter and one create" \
	    "no strace(1) that can trace here"
fi
tap_done
