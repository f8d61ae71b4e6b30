#!/bin/sh
# BENCHMARKS.md's figures are make bench's output, put there by
# bench/md.sh from bench/results/, never typed or edited by hand.
. "$top_srcdir/tests/scripts/tap.sh"

ok_if "BENCHMARKS.md is what bench/md.sh makes of bench/results/" \
    sh "$top_srcdir/bench/md.sh" --check "$top_srcdir/BENCHMARKS.md"
for variant in default disabled; do
	f="$top_srcdir/bench/results/$variant.txt"
	[ $variant = default ] && mm=yes || mm=no
	ok_if "BENCHMARKS.md shows bench/results/$variant.txt" \
	    grep -qxF "<!-- make bench output: bench/results/$variant.txt (bench/md.sh writes this; do not edit) -->" \
	    "$top_srcdir/BENCHMARKS.md"
	ok_if "bench/results/$variant.txt is a whole run of that variant" \
	    sh -c 'grep -q "^libevmm .* make bench, MM_REPLACEMENT=$1\$" "$2" &&
	        grep -q "^Targets:\$" "$2"' sh "$mm" "$f"
done

# A figure written +N (instructions above libc) in the text must be one
# that the results print, as +N.dd in some row or target.
results=$(cat "$top_srcdir"/bench/results/*.txt)
for doc in BENCHMARKS.md README.md NEWS; do
	stale=
	for f in $(awk '/^<!-- make bench output: / { skip = 1 }
	    !skip { print }
	    /^<!-- end of make bench output -->$/ { skip = 0 }' \
	    "$top_srcdir/$doc" | grep -o '+[0-9][0-9]*' | sort -u); do
		printf '%s\n' "$results" |
		    grep -qE -- "\\$f\\.[0-9][0-9]" || stale="$stale $f"
	done
	ok_if "every +N figure in $doc is in bench/results/" test -z "$stale"
	[ -z "$stale" ] || echo "# not in bench/results/:$stale"
done
tap_done
