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
# that the results print, as +N.dd in some row or target: in every
# document that quotes figures, doc/*.md included.
results=$(cat "$top_srcdir"/bench/results/*.txt)
set -- BENCHMARKS.md README.md NEWS
for f in "$top_srcdir"/doc/*.md; do
	set -- "$@" "doc/${f##*/}"
done
for doc; do
	stale=
	# A file that is not there must not pass for one without figures.
	[ -r "$top_srcdir/$doc" ] || stale=" (no $doc)"
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
# "about N times" in BENCHMARKS.md's prose must be a ratio that the
# results print ("140.79x"), rounded as N is written: 140 stands for
# 135 to 145, 15 for 14.5 to 15.5.
ratios=$(printf '%s\n' "$results" | grep -oE '[0-9]+\.[0-9]+x' | tr -d x)
wrong=
for n in $(awk '/^<!-- make bench output: / { skip = 1 }
    !skip { print }
    /^<!-- end of make bench output -->$/ { skip = 0 }' \
    "$top_srcdir/BENCHMARKS.md" | tr '\n' ' ' |
    grep -oE 'about [0-9]+ times' | grep -oE '[0-9]+' | sort -u); do
	printf '%s\n' "$ratios" | awk -v n="$n" '
	    BEGIN { unit = 1; m = n
	            while (m >= 10 && m % 10 == 0) { unit *= 10; m /= 10 } }
	    { d = $1 - n; if (d < 0) d = -d; if (d <= unit / 2) found = 1 }
	    END { exit !found }' || wrong="$wrong $n"
done
ok_if "every \"about N times\" in BENCHMARKS.md is a ratio in bench/results/" \
    test -z "$wrong"
[ -z "$wrong" ] || echo "# no such ratio in bench/results/:$wrong"
tap_done
