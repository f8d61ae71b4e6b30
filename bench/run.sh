#!/bin/sh
# make bench: instructions and wall time per malloc/free pair and per
# realloc growth, for libevmm against the C library, a libevent-style
# reference and the peers configure found (libevent, OpenSSL, SQLite,
# each in a program of its own); the peak RSS of a zeroed table; then
# each target of BENCHMARKS.md, PASS or MISS.  Reports; asserts nothing.
#
#   bench/run.sh [--smoke]
#
# --smoke runs every measurement once with tiny counts and no valgrind,
# and fails only if something does not run (test-all.sh uses it).
#
# Environment (make bench sets it): LIBTOOL, BENCH (the evmm-bench
# program), MM_REPLACEMENT (yes or no), VERSION, CC and CFLAGS (for the
# header), PEER_libevent, PEER_openssl, PEER_sqlite ("PROGRAM
# PKG-CONFIG-MODULE VERSION", or "skipped: REASON"), BENCH_OUT (a file to keep the output in, for
# make bench-md), VALGRIND (default valgrind), PAIRS (callgrind pairs,
# default 200000), TIME_PAIRS (default 500000), GROWS (callgrind
# growths, default 4000), TIME_GROWS (default 8000), REPEATS (default
# 25): short runs, many times, so that the best of them misses the other
# work on a shared machine.

set -u
smoke=no
[ "${1:-}" = --smoke ] && smoke=yes
: "${LIBTOOL:=libtool}" "${BENCH:=bench/evmm-bench}" "${VALGRIND:=valgrind}"
: "${MM_REPLACEMENT:=yes}" "${PAIRS:=200000}" "${TIME_PAIRS:=500000}"
: "${GROWS:=4000}" "${TIME_GROWS:=8000}" "${REPEATS:=25}"

# Keep the output: run again with it going through tee.
if [ $smoke = no ] && [ -n "${BENCH_OUT:-}" ]; then
	out=$BENCH_OUT
	{ BENCH_OUT= /bin/sh "$0" "$@"; echo $? >"$out.status"; } |
	    tee "$out.tmp"
	status=$(cat "$out.status")
	rm -f "$out.status"
	if [ "$status" -eq 0 ]; then mv "$out.tmp" "$out"; else rm -f "$out.tmp"; fi
	exit "$status"
fi

# The programs: evmm-bench, then each peer configure found.
programs=$BENCH
skipped= versions=
for p in libevent openssl sqlite; do
	eval "info=\${PEER_$p:-skipped: not configured}"
	case $info in
	skipped:*) skipped="$skipped
  $p: $info" ;;
	*) programs="$programs ${info%% *}"
	   versions="$versions, ${info#* }" ;;
	esac
done

run() { $LIBTOOL --mode=execute "$@"; }

if [ $smoke = yes ]; then
	# The programs' libtool wrappers find the uninstalled libraries
	# themselves; libtool --mode=execute is only for putting valgrind
	# before the real binary, and costs a second a call.
	run() { "$@"; }
	status=0
	for prog in $programs; do
		for mode in $(run "$prog" modes); do
			for threads in 1 2; do
				run "$prog" pairs "$mode" $threads 1000 || status=1
				run "$prog" grow "$mode" $threads 10 || status=1
				run "$prog" time "$mode" $threads 1000 1 >/dev/null ||
				    status=1
				run "$prog" time-grow "$mode" $threads 10 1 \
				    >/dev/null || status=1
			done
		done
	done
	for mode in libc evmm-classic evmm-checked; do
		[ $mode = libc ] || [ "$MM_REPLACEMENT" = yes ] || continue
		run "$BENCH" rss $mode >/dev/null || status=1
	done
	[ -z "$skipped" ] || echo "bench: peers skipped:$skipped"
	[ $status -eq 0 ] && echo "bench: smoke run passed" ||
		echo "bench: smoke run FAILED"
	exit $status
fi

command -v "$VALGRIND" >/dev/null 2>&1 || {
	echo "bench: needs valgrind (apt-get install valgrind)" >&2
	exit 1
}

# Instructions that callgrind collects for one run of PROG CMD MODE
# THREADS COUNT.
ir() {
	run "$VALGRIND" --tool=callgrind --callgrind-out-file=/dev/null \
	    "$@" 2>&1 | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}

# per_op PROG CMD MODE THREADS COUNT: instructions per pair or growth,
# from two runs COUNT apart, so that start-up and the loop's set-up
# cancel out.
per_op() {
	a=$(ir "$1" "$2" "$3" "$4" "$5")
	b=$(ir "$1" "$2" "$3" "$4" $(($5 * 2)))
	[ -n "$a" ] && [ -n "$b" ] || {
		echo "bench: callgrind failed; run this for its message:" >&2
		echo "  $LIBTOOL --mode=execute $VALGRIND --tool=callgrind $1 $2 $3 $4 10" >&2
		exit 1
	}
	awk -v a="$a" -v b="$b" -v n="$5" -v t="$4" \
	    'BEGIN { printf "%.2f", (b - a) / (n * t) }'
}

# The name of PROG's library, for the tables.
library() {
	case $1 in
	"$BENCH") echo "libevmm ${VERSION:-}" ;;
	*) run "$1" version ;;
	esac
}

# The header: what was measured, on what.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
    head -n 1)
os=$(sed -n 's/^PRETTY_NAME="*\([^"]*\)"*$/\1/p' /etc/os-release 2>/dev/null)
echo "libevmm ${VERSION:-} make bench, MM_REPLACEMENT=$MM_REPLACEMENT"
echo "  date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  machine:   ${cpu:-$(uname -m)}, $(getconf _NPROCESSORS_ONLN) CPUs online," \
    "load average $(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo unknown) at start"
echo "  system:    ${os:-$(uname -s)}, $(uname -sr), $(getconf GNU_LIBC_VERSION 2>/dev/null || echo 'C library unknown')"
echo "  compiler:  $(${CC:-cc} --version 2>/dev/null | head -n 1), CFLAGS ${CFLAGS:-}"
echo "  valgrind:  $($VALGRIND --version)"
[ -z "$versions" ] ||
    echo "  peers:     ${versions#, } (pkg-config --modversion)"
[ -z "$skipped" ] || echo "  skipped:$skipped"
echo

echo "malloc(64)/free pairs, each library in a program of its own, against"
echo "the C library in that program:"
echo
printf '%-18s %8s %8s %8s %8s %9s %9s %7s %7s\n' mode \
    "Ir 1T" "Ir 2T" "+Ir 1T" "+Ir 2T" "ns 1T" "ns 2T" "x 1T" "x 2T"
for prog in $programs; do
	echo "$(library "$prog"):"
	for mode in $(run "$prog" modes); do
		for t in 1 2; do
			v=$(per_op "$prog" pairs $mode $t "$PAIRS") || exit 1
			eval "ir_$t=\$v"
			set -- $(run "$prog" time $mode $t $TIME_PAIRS $REPEATS)
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
			printf "%-18s %8.2f %8.2f %+8.2f %+8.2f %9.2f %9.2f %7.3f %7.3f\n",
			    m, i1, i2, i1 - l1, i2 - l2, n1, n2, n1 / ln1, n2 / ln2 }'
	done
	# The targets compare with libevmm's own program.
	[ "$prog" != "$BENCH" ] || base_ir=$libc_ir_1
done
echo
echo "Ir: instructions per pair (callgrind); +Ir: above libc; ns: best"
echo "wall time per pair in each thread; x: ratio to libc's wall time,"
echo "measured in turns with the mode, in the same process."
echo

echo "realloc growth: malloc(64), realloc by 64 bytes up to 4096 (63 calls),"
echo "free; 1 thread:"
echo
printf '%-18s %10s %10s %9s %7s\n' mode "Ir" "+Ir" "ns" "x"
for prog in $programs; do
	echo "$(library "$prog"):"
	for mode in $(run "$prog" modes); do
		ir_g=$(per_op "$prog" grow $mode 1 "$GROWS") || exit 1
		set -- $(run "$prog" time-grow $mode 1 $TIME_GROWS $REPEATS)
		[ $mode != libc ] || libc_ir_g=$ir_g
		awk -v m="$mode" -v i="$ir_g" -v l="$libc_ir_g" -v n="$1" \
		    -v ln="$2" 'BEGIN {
			printf "%-18s %10.2f %+10.2f %9.2f %7.3f\n",
			    m, i, i - l, n, n / ln }'
	done
done
echo
echo "Ir: instructions per growth (65 calls); ns: best wall time per growth."
echo

echo "Peak RSS of a 256 MiB zeroed table, one byte written per MiB:"
rss_libc=$(run "$BENCH" rss libc)
printf '  %-14s %8s KiB\n' libc "$rss_libc"
if [ "$MM_REPLACEMENT" = yes ]; then
	rss_classic=$(run "$BENCH" rss evmm-classic)
	rss_checked=$(run "$BENCH" rss evmm-checked)
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
	d=$(awk -v a="$evmm_ir" -v l="$base_ir" 'BEGIN { printf "%+.2f", a - l }')
	dref=$(awk -v a="$ref3_ir" -v l="$base_ir" 'BEGIN { printf "%+.2f", a - l }')
	verdict "no hook: $d instructions per pair above libc (target <= 8; ref3: $dref)" \
	    "$(cmp "$d <= 8")"
	for m in classic checked keeperrno; do
		eval "v=\$evmm_${m}_ir"
		verdict "hook, evmm-$m: $v instructions per pair (target <= ref3-hook: $ref3_hook_ir)" \
		    "$(cmp "$v <= $ref3_hook_ir")"
	done
	d=$(awk -v a="$evmm_stats_ir" -v l="$base_ir" 'BEGIN { printf "%+.2f", a - l }')
	verdict "statistics on, evmm-stats: $d instructions per pair above libc (target <= +60.00)" \
	    "$(cmp "$d <= 60")"
	for m in evmm evmm_classic evmm_checked evmm_keeperrno evmm_stats; do
		eval "x1=\$${m}_x1 x2=\$${m}_x2"
		r=$(awk -v x1="$x1" -v x2="$x2" 'BEGIN { printf "%.3f", x2 / x1 }')
		verdict "2 threads, $(echo $m | tr _ -): ratio to libc $r times the 1-thread one (target <= 1.10)" \
		    "$(cmp "$r <= 1.10")"
	done
	r=$(awk -v k="$rss_checked" -v l="$rss_libc" 'BEGIN { printf "%.2f", k / l }')
	verdict "zeroed table with a calloc hook: ${r}x libc's peak RSS (target <= 1.1)" \
	    "$(cmp "$r <= 1.1")"
else
	verdict "disabled variant: mm_malloc/mm_free $(awk -v a="$evmm_ir" -v l="$base_ir" 'BEGIN { printf "%+.2f", a - l }') instructions per pair above libc (target: exactly libc)" \
	    "$(cmp "$evmm_ir == $base_ir")"
fi
