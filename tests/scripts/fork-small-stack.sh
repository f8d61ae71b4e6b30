#!/bin/sh
# fork() from a thread whose 16 KiB stack is nearly full: the library's
# fork handlers run on that stack, and must need little more of it than
# fork() does without the library, with no variable set and with every
# one set (tests/programs/fork_small_stack.c).
. "$top_srcdir/tests/scripts/tap.sh"

prog="$top_builddir/tests/programs/fork_small_stack"
alone="$top_builddir/tests/programs/fork_small_stack_alone"
[ -x "$prog" ] && [ -x "$alone" ] ||
	skip_all "tests/programs/fork_small_stack needs fork() and threads"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evmm-fork-stack.XXXXXX") || bail_out "mktemp"
trap 'rm -rf "$tmp"' EXIT

# The least stack, in steps of 256 bytes, that fork() needs without the
# library; what the library may add on top of it.
need=
for leave in 1024 1280 1536 1792 2048 2304 2560 2816 3072 3328 3584 \
    3840 4096 4608 5120 6144 7168 8192; do
	if "$alone" "$leave" >/dev/null 2>&1; then
		need=$leave
		break
	fi
done
[ -n "$need" ] || skip_all "fork() needs more than 8 KiB of stack here"
# The margin: the library's handlers, and the dynamic linker resolving
# their first calls (pthread_mutex_lock(), ...) on the same stack.
margin=1024
echo "# fork() alone needs at most $need bytes of stack; allowed: $((need + margin))"

# run VAR=VALUE...: the program, left need + margin bytes; its status.
run() {
	out=$(env "$@" "$prog" $((need + margin)) 2>"$tmp/err")
	status=$?
	[ ! -s "$tmp/err" ] || sed 's/^/# stderr: /' "$tmp/err"
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
}

run EVMM_REPORT= EVMM_STATS= EVMM_FAULT= EVMM_SITES= EVMM_FAULT_PROCESS=
ok_if "no variable: fork() fits in the stack left" test "$status" = 0

mkdir "$tmp/reports" || bail_out "mkdir"
if [ "$MM_REPLACEMENT" = yes ]; then
	run EVMM_REPORT="$tmp/reports" EVMM_STATS=1 EVMM_SITES=16 \
	    EVMM_FAULT=nth=1000000 EVMM_FAULT_PROCESS=
else
	run EVMM_REPORT="$tmp/reports" EVMM_STATS=1 EVMM_SITES=16 \
	    EVMM_FAULT= EVMM_FAULT_PROCESS=
fi
ok_if "EVMM_REPORT a directory, EVMM_STATS, EVMM_SITES, EVMM_FAULT: fork() fits" \
    test "$status" = 0
if [ "$MM_REPLACEMENT" = yes ]; then
	ok_if "EVMM_REPORT took effect: the parent's report is there" \
	    test -n "$(ls "$tmp/reports")"
else
	skip "EVMM_REPORT took effect" "no reports with --disable-malloc-replacement"
fi

echo "1..$tap_count"
