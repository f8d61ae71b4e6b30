#!/bin/sh
# The shared library's ABI against the baseline kept in abi/, with
# libabigail (Debian: abigail-tools).  Run through make:
#
#   make abi-check      compare; prints TAP (test-all.sh runs it)
#   make abi-baseline   rewrite this variant's baseline from the build
#
# which call  tests/release/abi.sh check|baseline LIBRARY BASELINE HEADERDIR.
# The baseline is the public ABI only (abidw --headers-dir), without
# paths, source locations, DT_NEEDED or undefined symbols, so that it
# depends on the interface and not on where or how it was built.
#
# abidiff's verdict: an incompatible change (a function or variable
# removed, a type changed) fails; a compatible one (a function added)
# passes with a note, since the baseline is the last release's ABI and
# is rewritten, with -version-info, only when a release is made.
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$top_srcdir/tests/scripts/tap.sh"

[ $# -eq 4 ] || bail_out "usage: $0 check|baseline LIBRARY BASELINE HEADERDIR"
mode=$1 lib=$2 baseline=$3 headers=$4
ABIDW=${ABIDW:-abidw} ABIDIFF=${ABIDIFF:-abidiff}

# abi_of LIBRARY OUTPUT: the library's public ABI as XML.
abi_of() {
	$ABIDW --headers-dir "$headers" --drop-undefined-syms --no-elf-needed \
	    --no-corpus-path --no-comp-dir-path --no-show-locs \
	    --out-file "$2.tmp" "$1" &&
	# Nor the source directory, which abidw keeps in each unit's path.
	sed "s|path='$top_srcdir/|path='|" "$2.tmp" >"$2" && rm -f "$2.tmp"
}
# has_debug_info LIBRARY: abidw needs DWARF to see types, not only names.
has_debug_info() {
	LC_ALL=C readelf -S "$1" 2>/dev/null | grep -q '\.debug_info'
}
# architecture ABI-XML: the architecture the ABI was read from.
architecture() {
	sed -n "s/.*<abi-corpus [^>]*architecture='\([^']*\)'.*/\1/p" "$1" |
	    head -n 1
}

case $mode in
baseline)
	for tool in $ABIDW readelf; do
		command -v $tool >/dev/null 2>&1 ||
			{ echo "$0: no $tool (Debian: apt-get install abigail-tools)" >&2; exit 1; }
	done
	[ -f "$lib" ] || { echo "$0: no $lib: run make first" >&2; exit 1; }
	has_debug_info "$lib" ||
		{ echo "$0: $lib has no debug information: configure with CFLAGS='-g -O2'" >&2; exit 1; }
	mkdir -p "$(dirname "$baseline")" &&
	abi_of "$lib" "$baseline.tmp" && mv "$baseline.tmp" "$baseline" ||
		{ rm -f "$baseline.tmp"; exit 1; }
	echo "wrote $baseline from $lib"
	exit 0 ;;
check) ;;
*) bail_out "usage: $0 check|baseline LIBRARY BASELINE HEADERDIR" ;;
esac

for tool in $ABIDW $ABIDIFF readelf; do
	command -v $tool >/dev/null 2>&1 ||
		skip_all "no $tool (Debian: apt-get install abigail-tools)"
done
[ -f "$lib" ] || skip_all "no ELF shared library was built ($lib)"
has_debug_info "$lib" ||
	skip_all "$lib has no debug information (-g): abidiff would see names only"
[ -f "$baseline" ] || bail_out "no baseline $baseline: make abi-baseline writes it"

current=${TMPDIR:-/tmp}/evmm-abi.$$.xml
trap 'rm -f "$current"' EXIT
abi_of "$lib" "$current" || bail_out "abidw could not read $lib"
want=$(architecture "$baseline") have=$(architecture "$current")
[ "$want" = "$have" ] ||
	skip_all "the baseline is for $want, this library is for $have"

# Additions are reported apart: --no-added-syms leaves a status that is
# non-zero only for what could break a program built against the
# baseline.  abidiff's status is a bit set: 1 error, 2 usage, 4 change,
# 8 incompatible change; a changed type (4) fails as much as a removal.
#
# A member added at the end of struct evmm_allocator or struct evmm_stats
# is compatible by design (the caller passes the size it was compiled
# with), yet abidiff reports it as a change: libabigail 2.2's
# has_data_member_inserted_at suppression would also hide a changed
# member, so none is used and such a change is reviewed by hand.
diff=$($ABIDIFF --no-added-syms "$baseline" "$current" 2>&1)
status=$?
ok_if "abidiff could compare $(basename "$lib") with $(basename "$baseline")" \
    test $((status & 3)) -eq 0
ok_if "nothing in $(basename "$baseline") was removed or changed" \
    test $((status & 12)) -eq 0
printf '%s\n' "$diff" | sed '/^$/d; s/^/# /'
added=$($ABIDIFF "$baseline" "$current" 2>&1)
added_status=$?
if [ $status -eq 0 ] && [ $((added_status & 4)) -ne 0 ]; then
	printf '%s\n' "$added" | sed -n '/Added/,$p' | sed '/^$/d; s/^/# /'
	echo "# additions since the baseline: at the next release, add 1 to"
	echo "# CURRENT and AGE in -version-info (Makefile.am) and rewrite the"
	echo "# baselines with abi/update.sh"
fi
tap_done
