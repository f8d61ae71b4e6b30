#!/bin/sh
# bench/libevent-regress.sh: what evmm-torture's ways of choosing points
# find in libevent's own regression suite, and what they cost: every
# allocation, a sample (-n), and --per-site at several call-stack
# depths.  make bench-regress runs it (see BENCHMARKS.md); it reports
# and asserts nothing.
#
#   TORTURE=tools/evmm-torture EVMM_TORTURE_PRELOAD=.libs/libevmm.so.1 \
#   bench/libevent-regress.sh REGRESS
#
# REGRESS is test/regress as tests/release/libevent-regress-build.sh
# builds it, run from its build directory.  For each test, the reference
# is the exhaustive run, or a sample of 1000 points where there are more
# allocations than that; a
# failure is one of evmm-torture's rows (result, allocation site and
# crash site), and "found" says how many of the reference's rows a way
# found too.
set -u
: "${TORTURE:?}" "${EVMM_TORTURE_PRELOAD:?}"
export EVMM_TORTURE_PRELOAD
[ $# -eq 1 ] || { echo "usage: $0 REGRESS" >&2; exit 2; }
regress=$1
# A test that hangs waits for its run's timeout: the suite's runs take
# well under a second each.
timeout=3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/evmm-bench-regress.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# rows FILE: each row of evmm-torture's table as "KIND ENTRY SITE |
# CRASH SITE", whatever its points, count and statuses.
rows() {
	awk '
	/^points +count +result/ { table = 1; next }
	!table { next }
	/^$/ { if (row != "") print row; row = ""; if (seen) exit; next }
	/^[^ ]/ {
		if (row != "") print row
		seen = 1
		line = $0
		sub(/^[^ ]+ +[0-9]+  /, "", line)
		kind = line
		sub(/ .*/, "", kind)
		sub(/^[^)]*\) */, "", line)
		row = kind " " line " |"
		next
	}
	/^ +crash site / { sub(/^ +crash site /, ""); row = row " " $0 }
	' "$1" | sort -u
}
# field FILE SED-EXPRESSION: one number from evmm-torture's output.
field() { sed -n "$2" "$1" | head -n 1; }

echo "evmm-torture on libevent $(pkg-config --modversion libevent 2>/dev/null || echo '?')'s test/regress, --preload, -j 2, --timeout=$timeout"
echo "  date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  machine:   $(nproc) CPUs online, load average $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?') at start"
echo
printf '%-28s %11s %-12s %6s %7s %7s %4s %4s %5s %6s\n' test allocations mode points "wall s" crashed hung rows sites found
cd "$(dirname "$regress")/.." || exit 1
for test in util/ipv6_parse_scope evbuffer/add_file_sendfile http/basic \
    evbuffer/..; do
	# How many allocations, from a run of one point: every one is the
	# reference up to 1000, a sample of 1000 above, where every one
	# would take hours.
	"$TORTURE" -j 2 -t $timeout --preload -n 1 -- "$regress" "$test" \
	    >"$tmp/count.out" 2>&1
	allocs=$(field "$tmp/count.out" 's/.* makes \([0-9]*\) allocations.*/\1/p')
	reference=all
	[ "${allocs:-0}" -le 1000 ] || reference="-n 1000"
	n=0
	for mode in "$reference" --per-site=1 --per-site=2 --per-site=3 \
	    --per-site=4 --per-site=6; do
		out=$tmp/$n.out
		flags=$mode
		[ "$mode" = all ] && flags=
		start=$(now)
		"$TORTURE" -j 2 -t $timeout --preload $flags -- \
		    "$regress" "$test" >"$out" 2>&1
		end=$(now)
		points=$(field "$out" 's/^evmm-torture: \([0-9]*\) points: .*/\1/p')
		if [ -z "$points" ]; then
			echo "bench/libevent-regress.sh: $test, $mode: no summary:" >&2
			tail -n 20 "$out" >&2
			exit 1
		fi
		rows "$out" >"$tmp/$n.rows"
		if [ "$mode" = "$reference" ]; then
			cp "$tmp/$n.rows" "$tmp/ref.rows"
			ref=$(grep -c . "$tmp/ref.rows")
		fi
		found=$(comm -12 "$tmp/ref.rows" "$tmp/$n.rows" | grep -c .)
		awk -v t="$test" -v a="${allocs:-?}" -v m="$mode" -v p="$points" \
		    -v s="$start" -v e="$end" \
		    -v c="$(field "$out" 's/.* \([0-9]*\) crashed, .*/\1/p')" \
		    -v h="$(field "$out" 's/.* \([0-9]*\) hung, .*/\1/p')" \
		    -v r="$(grep -c . "$tmp/$n.rows")" \
		    -v x="$(field "$out" 's/^evmm-torture: \([0-9]*\) distinct crash site.*/\1/p')" \
		    -v f="$found/$ref" 'BEGIN {
			printf "%-28s %11s %-12s %6s %7.1f %7s %4s %4s %5s %6s\n",
			    t, a, m, p, e - s, c, h, r, (x == "" ? 0 : x), f }'
		n=$((n + 1))
	done
done
echo
echo "mode: all, every allocation; -n 1000, 1000 points spread evenly over"
echo "them, instead of all where there are more; --per-site=D, the first"
echo "allocation of each call stack of D frames.  crashed, hung: points."
echo "rows: evmm-torture's rows of failing points, one per result, allocation"
echo "site and crash site; sites: distinct crash sites; found: how many of"
echo "the reference's rows (all, or -n 1000 where it is shown) this mode"
echo "found too."
