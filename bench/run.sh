#!/bin/sh
# make bench: instructions and wall time per malloc/free pair, and the
# peak RSS of a zeroed table, for libevmm against the C library and a
# libevent-style reference; then each target of BENCHMARKS.md, PASS or
# MISS.  Reports; asserts nothing.
#
#   bench/run.sh [--smoke]
#
# --smoke runs every measurement once with tiny counts and no valgrind,
# and fails only if something does not run (test-all.sh uses it).
#
# Environment (make bench sets it): LIBTOOL, BENCH (the evmm-bench
# program), MM_REPLACEMENT (yes or no), VALGRIND (default valgrind),
# PAIRS (callgrind pairs, default 200000), TIME_PAIRS (default 500000),
# REPEATS (default 25): short runs, many times, so that the best of them
# misses the other work on a shared machine.

set -u
smoke=no
[ "${1:-}" = --smoke ] && smoke=yes
: "${LIBTOOL:=libtool}" "${BENCH:=bench/evmm-bench}" "${VALGRIND:=valgrind}"
: "${MM_REPLACEMENT:=yes}" "${PAIRS:=200000}" "${TIME_PAIRS:=500000}"
: "${REPEATS:=25}"
run() { $LIBTOOL --mode=execute "$BENCH" "$@"; }

if [ $smoke = yes ]; then
	status=0
	for mode in $(run modes); do
		for threads in 1 2; do
			run pairs "$mode" $threads 1000 || status=1
			run time "$mode" $threads 1000 1 >/dev/null || status=1
		done
	done
	for mode in libc evmm-classic evmm-checked; do
		[ $mode = libc ] || [ "$MM_REPLACEMENT" = yes ] || continue
		run rss $mode >/dev/null || status=1
	done
	[ $status -eq 0 ] && echo "bench: smoke run passed" ||
		echo "bench: smoke run FAILED"
	exit $status
fi

command -v "$VALGRIND" >/dev/null 2>&1 || {
	echo "bench: needs valgrind (apt-get install valgrind)" >&2
	exit 1
}

# Instructions that callgrind collects for one run.
ir() {
	$LIBTOOL --mode=execute "$VALGRIND" --tool=callgrind \
	    --callgrind-out-file=/dev/null "$BENCH" pairs "$@" 2>&1 |
	    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

# Instructions per pair: two runs, PAIRS apart, so start-up and the
# loop's set-up cancel out.
per_pair() {
	a=$(ir "$1" "$2" "$PAIRS")
	b=$(ir "$1" "$2" $((PAIRS * 2)))
	[ -n "$a" ] && [ -n "$b" ] || {
		echo "bench: callgrind failed; run this for its message:" >&2
		echo "  $LIBTOOL --mode=execute $VALGRIND --tool=callgrind $BENCH pairs $1 $2 1000" >&2
		exit 1
	}
	awk -v a="$a" -v b="$b" -v n="$PAIRS" -v t="$2" \
	    'BEGIN { printf "%.2f", (b - a) / (n * t) }'
}

modes=$(run modes)
echo "libevmm bench: malloc(64)/free pairs (MM_REPLACEMENT=$MM_REPLACEMENT)"
echo
printf '%-14s %8s %8s %8s %8s %9s %9s %7s %7s\n' mode \
    "Ir 1T" "Ir 2T" "+Ir 1T" "+Ir 2T" "ns 1T" "ns 2T" "x 1T" "x 2T"
for mode in $modes; do
	for t in 1 2; do
		v=$(per_pair $mode $t) || exit 1
		eval "ir_$t=\$v"
		set -- $(run time $mode $t $TIME_PAIRS $REPEATS)
		eval "ns_$t=$1 lns_$t=$2"
	done
	if [ $mode = libc ]; then
		libc_ir_1=$ir_1 libc_ir_2=$ir_2
	fi
	vars=$(echo "$mode" | tr -c 'a-z0-9\n' _)
	eval "${vars}_ir=$ir_1 ${vars}_x1=\$(awk 'BEGIN { print $ns_1 / $lns_1 }')"
	eval "${vars}_x2=\$(awk 'BEGIN { print $ns_2 / $lns_2 }')"
	awk -v m="$mode" -v i1="$ir_1" -v i2="$ir_2" -v l1="$libc_ir_1" \
	    -v l2="$libc_ir_2" -v n1="$ns_1" -v n2="$ns_2" \
	    -v ln1="$lns_1" -v ln2="$lns_2" 'BEGIN {
		printf "%-14s %8.2f %8.2f %+8.2f %+8.2f %9.2f %9.2f %7.3f %7.3f\n",
		    m, i1, i2, i1 - l1, i2 - l2, n1, n2, n1 / ln1, n2 / ln2 }'
done
echo
echo "Ir: instructions per pair (callgrind); +Ir: above libc; ns: best"
echo "wall time per pair in each thread; x: ratio to libc's wall time,"
echo "measured in turns with the mode, in the same process."
echo

echo "Peak RSS of a 256 MiB zeroed table, one byte written per MiB:"
rss_libc=$(run rss libc)
printf '  %-14s %8s KiB\n' libc "$rss_libc"
if [ "$MM_REPLACEMENT" = yes ]; then
	rss_classic=$(run rss evmm-classic)
	rss_checked=$(run rss evmm-checked)
	for m in classic checked; do
		eval "kib=\$rss_$m"
		awk -v m="evmm-$m" -v k="$kib" -v l="$rss_libc" \
		    'BEGIN { printf "  %-14s %8d KiB  %6.2fx libc\n", m, k, k / l }'
	done
fi
echo

# verdict NAME OK: one target, PASS or MISS.
verdict() {
	if [ "$2" = 1 ]; then r=PASS; else r=MISS; fi
	printf '  %-4s %s\n' "$r" "$1"
}
cmp() { awk "BEGIN { print ($*) ? 1 : 0 }"; }

echo "Targets:"
if [ "$MM_REPLACEMENT" = yes ]; then
	d=$(awk -v a="$evmm_ir" -v l="$libc_ir_1" 'BEGIN { printf "%+.2f", a - l }')
	dref=$(awk -v a="$ref3_ir" -v l="$libc_ir_1" 'BEGIN { printf "%+.2f", a - l }')
	verdict "no hook: $d instructions per pair above libc (target <= 8; ref3: $dref)" \
	    "$(cmp "$d <= 8")"
	for m in classic checked keeperrno; do
		eval "v=\$evmm_${m}_ir"
		verdict "hook, evmm-$m: $v instructions per pair (target <= ref3-hook: $ref3_hook_ir)" \
		    "$(cmp "$v <= $ref3_hook_ir")"
	done
	for m in evmm evmm_classic evmm_checked evmm_keeperrno; do
		eval "x1=\$${m}_x1 x2=\$${m}_x2"
		r=$(awk -v x1="$x1" -v x2="$x2" 'BEGIN { printf "%.3f", x2 / x1 }')
		verdict "2 threads, $(echo $m | tr _ -): ratio to libc $r times the 1-thread one (target <= 1.10)" \
		    "$(cmp "$r <= 1.10")"
	done
	r=$(awk -v k="$rss_checked" -v l="$rss_libc" 'BEGIN { printf "%.2f", k / l }')
	verdict "zeroed table with a calloc hook: ${r}x libc's peak RSS (target <= 1.1)" \
	    "$(cmp "$r <= 1.1")"
else
	verdict "disabled variant: mm_malloc/mm_free $(awk -v a="$evmm_ir" -v l="$libc_ir_1" 'BEGIN { printf "%+.2f", a - l }') instructions per pair above libc (target: exactly libc)" \
	    "$(cmp "$evmm_ir == $libc_ir_1")"
fi
