#!/bin/sh
# bench/md.sh [--check] BENCHMARKS.md: put make bench's saved output in
# BENCHMARKS.md, so that its figures are never typed.  Between a line
#
#   <!-- make bench output: FILE (bench/md.sh writes this; do not edit) -->
#
# and the next "<!-- end of make bench output -->", the block becomes
# FILE's text (a path relative to BENCHMARKS.md's directory) in a code
# fence.  make bench-md saves FILE and runs this; --check changes
# nothing and fails, showing the difference, when BENCHMARKS.md is not
# what this would write (tests/scripts/benchmarks-md.sh).
set -u
check=no
[ "${1:-}" = --check ] && { check=yes; shift; }
[ $# -eq 1 ] || { echo "usage: bench/md.sh [--check] BENCHMARKS.md" >&2; exit 2; }
md=$1
dir=$(dirname "$md")
new=$(mktemp "${TMPDIR:-/tmp}/md.XXXXXX") || exit 1
trap 'rm -f "$new"' EXIT

awk -v dir="$dir" '
	function fail(msg) {
		print FILENAME ":" FNR ": " msg > "/dev/stderr"
		bad = 1
		exit 1
	}
	/^<!-- make bench output: / {
		if (inside)
			fail("block opened inside another")
		print
		file = $5
		path = dir "/" file
		print "```"
		n = 0
		while ((r = getline line < path) > 0) {
			print line
			n++
		}
		if (r < 0 || n == 0)
			fail("cannot read " path " (make bench, then make bench-md)")
		close(path)
		print "```"
		inside = 1
		blocks++
		next
	}
	/^<!-- end of make bench output -->$/ {
		if (!inside)
			fail("end of a block that was not opened")
		inside = 0
	}
	!inside { print }
	END {
		if (bad)
			exit 1
		if (inside)
			fail("block not closed")
		if (blocks == 0)
			fail("no make bench output block")
	}
' "$md" >"$new" || exit 1

if [ $check = yes ]; then
	diff -u "$md" "$new" >&2 && exit 0
	echo "bench/md.sh: $md differs from make bench's saved output" \
	    "(above: - as it is, + as generated); never edit the figures," \
	    "run make bench and make bench-md" >&2
	exit 1
fi
cmp -s "$md" "$new" || cat "$new" >"$md"
