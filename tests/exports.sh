#!/bin/sh
# The shared library exports its API and nothing else: the dynamic
# symbol table against the list kept in tests/, one per variant.
. "$top_srcdir/tests/tap.sh"

lib="$top_builddir/.libs/lib$EVMM_NAME.so"
[ -f "$lib" ] || skip_all "no ELF shared library was built ($lib)"

if [ "$MM_REPLACEMENT" = yes ]; then
	list="$top_srcdir/tests/exports-default.txt"
else
	list="$top_srcdir/tests/exports-disabled.txt"
fi

# Global symbols that the library defines: BSD nm types in upper case,
# less U (undefined).
exported=$(${NM:-nm} -D --defined-only "$lib" |
	awk 'NF == 3 && $2 ~ /^[A-TV-Z]$/ { print $3 }' | LC_ALL=C sort)
expected=$(grep -v '^#' "$list" | LC_ALL=C sort)

for sym in $expected; do
	ok_if "exports $sym" matches "$exported" -xF "$sym"
done
extra=$(printf '%s\n' "$exported" | grep -vxF "$expected")
ok_if "exports nothing that is not in ${list##*/}" test -z "$extra"
[ -z "$extra" ] || printf '%s\n' "$extra" | sed 's/^/# unexpected: /'
tap_done
