#!/bin/sh
# The shared library exports its API and nothing else: the dynamic
# symbol table against the list kept in tests/, one per variant.
. "$top_srcdir/tests/scripts/tap.sh"

lib="$top_builddir/.libs/lib$EVMM_NAME.so"
[ -f "$lib" ] || skip_all "no ELF shared library was built ($lib)"

if [ "$MM_REPLACEMENT" = yes ]; then
	list="$top_srcdir/tests/scripts/exports-default.txt"
else
	list="$top_srcdir/tests/scripts/exports-disabled.txt"
fi

# Where the linker took a version script, the build wrote it beside the
# library: every export then carries its node, which nm also lists as an
# absolute (A) symbol of its own.
map="$top_builddir/$EVMM_NAME.map"
node=
[ -f "$map" ] && node=$(sed -n '1s/ .*//p' "$map")
dynsyms=$(${NM:-nm} -D --defined-only "$lib")

# Global symbols that the library defines: BSD nm types in upper case,
# less U (undefined), without their version.
exported=$(printf '%s\n' "$dynsyms" |
	awk -v node="$node" 'NF == 3 && $2 ~ /^[A-TV-Z]$/ &&
	    !($2 == "A" && $3 == node) { sub(/@.*/, "", $3); print $3 }' |
	LC_ALL=C sort)
expected=$(grep -v '^#' "$list" | LC_ALL=C sort)

for sym in $expected; do
	ok_if "exports $sym" matches "$exported" -xF "$sym"
done
extra=$(printf '%s\n' "$exported" | grep -vxF "$expected")
ok_if "exports nothing that is not in ${list##*/}" test -z "$extra"
[ -z "$extra" ] || printf '%s\n' "$extra" | sed 's/^/# unexpected: /'
if [ -n "$node" ]; then
	unversioned=$(printf '%s\n' "$dynsyms" |
	    awk -v node="$node" 'NF == 3 && $2 ~ /^[A-TV-Z]$/ &&
		$2 != "A" && $3 !~ ("@@" node "$") { print $3 }')
	ok_if "every export has the version node $node" test -z "$unversioned"
	[ -z "$unversioned" ] ||
	    printf '%s\n' "$unversioned" | sed 's/^/# not in the node: /'
else
	skip "every export has a version node" \
	    "the linker takes no version script (see configure's output)"
fi
tap_done
