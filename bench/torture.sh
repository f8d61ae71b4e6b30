#!/bin/sh
# bench/torture.sh: what evmm-torture costs on a real libevent program,
# exhaustive against --per-site at depths 1 and 3: points run, wall
# time, crashes and distinct crash sites.  make bench-torture runs it (see BENCHMARKS.md);
# it reports and asserts nothing.
#
#   TORTURE=tools/evmm-torture PROG=tests/programs/libevent_roundtrip \
#   EVMM_TORTURE_PRELOAD=.libs/libevmm.so.1 bench/torture.sh [LINES]...
#
# PROG is tests/programs/libevent_roundtrip.c, which sends LINES lines round
# through libevent (16 unless given), so its allocations grow with LINES.
set -u
: "${TORTURE:?}" "${PROG:?}" "${EVMM_TORTURE_PRELOAD:?}"
export EVMM_TORTURE_PRELOAD
[ $# -gt 0 ] || set -- 16 2000

now() { date +%s.%N; }
# field TEXT SED-EXPRESSION: one number from evmm-torture's summary.
field() { printf '%s\n' "$1" | sed -n "$2" | head -n 1; }

echo "evmm-torture on $(basename "$PROG"), libevent $(pkg-config --modversion libevent 2>/dev/null || echo '(version unknown)'), --preload, -j 2"
echo "  date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  machine:   $(nproc) CPUs online, load average $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?') at start"
echo
printf '%-6s %11s %-10s %7s %9s %8s %5s %5s  %s\n' lines allocations mode points "wall s" crashed rows sites "crashed points"
for lines in "$@"; do
	for mode in exhaustive per-site=1 per-site=3; do
		flags=
		[ $mode = exhaustive ] || flags=--$mode
		start=$(now)
		out=$("$TORTURE" -j 2 --preload $flags -- "$PROG" "$lines" 2>&1)
		status=$?
		end=$(now)
		allocs=$(field "$out" 's/.* makes \([0-9]*\) allocations.*/\1/p')
		points=$(field "$out" 's/^evmm-torture: \([0-9]*\) points: .*/\1/p')
		crashed=$(field "$out" 's/^evmm-torture: [0-9]* points: .* \([0-9]*\) crashed, .*/\1/p')
		which=$(printf '%s\n' "$out" |
		    sed -n 's/^\([0-9][0-9,-]*\) .* crashed .*/\1/p')
		rows=$(printf '%s\n' "$which" | grep -c .)
		sites=$(field "$out" 's/^evmm-torture: \([0-9]*\) distinct crash site.*/\1/p')
		which=$(echo $which)
		if [ -z "$points" ]; then
			echo "bench/torture.sh: $lines lines, $mode: no summary (exit $status):" >&2
			printf '%s\n' "$out" | tail -n 20 >&2
			exit 1
		fi
		awk -v l="$lines" -v a="${allocs:-?}" -v m="$mode" -v p="$points" \
		    -v s="$start" -v e="$end" -v c="${crashed:-0}" -v d="$rows" \
		    -v x="${sites:-0}" -v w="${which:--}" 'BEGIN {
			printf "%-6s %11s %-10s %7s %9.2f %8s %5s %5s  %s\n",
			    l, a, m, p, e - s, c, d, x, w }'
	done
done
echo
echo "points: runs made (exhaustive: one per allocation); crashed: points"
echo "that crashed; rows: evmm-torture's rows of crashed points, one per"
echo "allocation site and crash site; sites: distinct crash sites, from the"
echo "frames libevmm writes when a run dies of a signal."
