#!/bin/sh
# How long the tests take is stated once per fact, and where a figure is
# repeated it is the same: the fuzzing time that fuzz/run.sh gives its
# targets, as its own header, test-all.sh's and doc/testing.md say it;
# and the whole run's duration, said in the README alone.
. "$top_srcdir/tests/scripts/tap.sh"

budget=$(sh "$top_srcdir/fuzz/run.sh" --budget) ||
	bail_out "fuzz/run.sh --budget failed"
ok_if "fuzz/run.sh gives its targets a budget" test "$budget" -gt 0
for f in fuzz/run.sh test-all.sh doc/testing.md; do
	ok_if "$f says the fuzzing takes $budget s in all" \
	    sh -c 'tr "\n#" "  " <"$1" | tr -s " " | grep -q "$2 s in all"' \
	    sh "$top_srcdir/$f" "$budget"
done
# Any other figure for the fuzzing, in minutes, has drifted.
stale=$(grep -n -i -E 'fuzz.*(about|for) [0-9.]+ (minute|min)|(about|for) (two|[0-9.]+) minutes in all' \
    "$top_srcdir/test-all.sh" "$top_srcdir/README.md" \
    "$top_srcdir"/doc/*.md "$top_srcdir/fuzz/run.sh")
ok_if "no other figure for the fuzzing time" test -z "$stale"
[ -z "$stale" ] || printf '%s\n' "$stale" | sed 's/^/# /'

whole=$(cat "$top_srcdir/README.md" "$top_srcdir"/doc/*.md \
    "$top_srcdir/test-all.sh" | tr '\n' ' ' |
    grep -o -i -E '(whole run|test-all\.sh)[^.]*(about|takes) [a-z0-9.]+ minutes' |
    wc -l)
ok_if "the whole run's duration is stated once (README.md)" \
    test "$whole" -eq 1
tap_done
