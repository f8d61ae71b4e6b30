#!/bin/sh
# One version everywhere (doc/releasing.md): AC_INIT's, which the
# library and the RPM spec take from configure, is the newest NEWS
# heading's, dated or "(unreleased)"; a dated one is the Debian
# changelog's too; and every "Since X.Y.Z" in the headers and manual
# pages names a version NEWS has, no later than this one.
. "$top_srcdir/tests/scripts/tap.sh"

v=$PACKAGE_VERSION
ok_if "configure's version $v is MAJOR.MINOR.PATCH" \
    matches "$v" -E '^[0-9]+\.[0-9]+\.[0-9]+$'

heading=$(grep -m 1 '^Changes in ' "$top_srcdir/NEWS")
ok_if "NEWS's newest heading is $v's, dated or unreleased ($heading)" \
    matches "$heading" -E \
    "^Changes in $(printf '%s' "$v" | sed 's/\./\\./g') \\(([0-9]{4}-[0-9]{2}-[0-9]{2}|unreleased)\\)\$"
older=$(grep '^Changes in ' "$top_srcdir/NEWS" | sed 1d |
    grep -v -E ' \([0-9]{4}-[0-9]{2}-[0-9]{2}\)$')
ok_if "every NEWS heading but the newest is dated" test -z "$older"
[ -z "$older" ] || printf '%s\n' "$older" | sed 's/^/# /'

deb=$(sed -n '1s/^libevmm (\([^)]*\)-[^-)]*).*/\1/p' \
    "$top_srcdir/packaging/debian/changelog")
case $heading in
*'(unreleased)')
	skip "packaging/debian/changelog is $v's" \
	    "NEWS says $v is not released yet" ;;
*)
	ok_if "packaging/debian/changelog is $v's (it says $deb)" \
	    test "$deb" = "$v" ;;
esac
ok_if "the RPM spec takes its version from configure" \
    grep -q '^Version: *@PACKAGE_VERSION@$' \
    "$top_srcdir/packaging/rpm/libevmm.spec.in"

# As a number 0xMMmmpp00, so that versions compare.
number() {
	printf '%s\n' "$1" | awk -F. '{ printf "%d\n", $1 * 65536 + $2 * 256 + $3 }'
}
newest=$(number "$v")
wrong=
for since in $(cat "$top_srcdir"/include/event2/*.h* "$top_srcdir"/man/*.[0-9] |
    grep -o -E '[Ss]ince [0-9]+\.[0-9]+\.[0-9]+' | sed 's/^[Ss]ince //' |
    sort -u); do
	grep -q "^Changes in $since " "$top_srcdir/NEWS" &&
	    test "$(number "$since")" -le "$newest" || wrong="$wrong $since"
done
ok_if "every \"Since X.Y.Z\" in the headers and pages is a version of NEWS" \
    test -z "$wrong"
[ -z "$wrong" ] || echo "# not in NEWS or later than $v:$wrong"
# Versions before the first release are no one's to compare against.
stale=$(grep -n -E '(in|before|since|from) 0\.[0-9]+\.[0-9]+' \
    "$top_srcdir"/include/event2/*.h* "$top_srcdir"/man/*.[0-9])
ok_if "no header or page speaks of a version before 1.0.0" test -z "$stale"
[ -z "$stale" ] || printf '%s\n' "$stale" | sed 's/^/# /'
tap_done
