#!/bin/sh
# The release is the tarball: every file tracked in git must be in what
# make dist ships, unless it is listed below as left out on purpose.
#
#   tests/release/dist-files.sh TARBALL
#
# Prints TAP; test-all.sh runs it on the tarball of its default build.
# Outside a git checkout (in an unpacked tarball) there is nothing to
# compare with, and it says so.
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$top_srcdir/tests/scripts/tap.sh"

# Left out on purpose, as shell patterns: they describe the repository,
# not the release.
#   .gitignore   git's own
#   .ci/*        the CI machine's setup, which runs test-all.sh
excluded='.gitignore .ci/*'

[ $# -eq 1 ] || bail_out "usage: $0 TARBALL"
tarball=$1
[ -f "$tarball" ] || bail_out "no $tarball: run make dist first"
command -v git >/dev/null 2>&1 && [ -e "$top_srcdir/.git" ] ||
	skip_all "not a git checkout: no list of tracked files to compare with"

tracked=$(git -C "$top_srcdir" ls-files) ||
	bail_out "git ls-files failed in $top_srcdir"
# Everything under the tarball's one top directory, without it.
shipped=$(tar -tzf "$tarball" | sed -n 's|^[^/]*/||; /[^/]$/p') ||
	bail_out "cannot list $tarball"

missing=
for f in $tracked; do
	skip_it=no
	for pattern in $excluded; do
		case $f in $pattern) skip_it=yes ;; esac
	done
	[ $skip_it = yes ] && continue
	printf '%s\n' "$shipped" | grep -q -x -F "$f" || missing="$missing $f"
done
ok_if "every tracked file is in $(basename "$tarball")" test -z "$missing"
for f in $missing; do
	echo "# missing from the tarball: $f (add it to EXTRA_DIST or a dist_ list)"
done
for dir in include man packaging tests; do
	n=$(printf '%s\n' "$tracked" | grep -c "^$dir/")
	ok_if "$dir/ is tracked and checked ($n files)" test "$n" -gt 0
done
tap_done
