#!/bin/sh
# The example Debian packaging in packaging/debian, built and inspected
# without installing anything on this machine:
#
#   tests/debian.sh SCRATCHDIR
#
# copies the source into SCRATCHDIR (dpkg-buildpackage writes the .debs
# beside the source tree), adds packaging/debian as debian/, runs
# dpkg-buildpackage -b -us -uc, then checks the .debs with dpkg -c and
# dpkg -x: SONAMEs, file lists, no path in two packages, and a consumer of
# each variant compiled against the extracted development package, linked
# dynamically and statically.
# Prints TAP; test-all.sh runs it.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$top_srcdir/tests/tap.sh"

[ $# -eq 1 ] || bail_out "usage: $0 SCRATCHDIR"
for tool in dpkg-buildpackage dh dpkg-deb readelf; do
	command -v $tool >/dev/null 2>&1 ||
		skip_all "no $tool (Debian: apt-get install debhelper)"
done
pc=${PKG_CONFIG:-pkg-config}
CC=${CC:-cc}
scratch=$1
rm -rf "$scratch"
mkdir -p "$scratch" || bail_out "cannot make $scratch"
src=$scratch/libevmm-0.1.0

# The source as a release would have it: no build trees, no in-tree
# configure results (debhelper runs autoreconf itself).
mkdir "$src" &&
(cd "$top_srcdir" && tar -cf - --exclude=./_build --exclude=./build \
    --exclude=./.git --exclude=./autom4te.cache --exclude=./config.status \
    --exclude=./config.log --exclude=./Makefile --exclude=./libtool .) |
    (cd "$src" && tar -xf -) &&
cp -R "$top_srcdir/packaging/debian" "$src/debian" ||
	bail_out "cannot copy the source into $scratch"

ok_if "dpkg-buildpackage -b -us -uc builds the packages" sh -c \
    'cd "$1" && dpkg-buildpackage -b -us -uc >../build.log 2>&1 ||
	{ tail -n 40 ../build.log; exit 1; }' sh "$src"

arch=$(dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
libdir=/usr/lib/$multiarch
root=$scratch/root
mkdir -p "$root"
for pkg in libevmm1 libevmm-nomm1 libevmm-dev evmm-torture; do
	deb=$scratch/${pkg}_0.1.0-1_$arch.deb
	ok_if "$pkg.deb was built" test -f "$deb"
	[ -f "$deb" ] || continue
	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' |
	    sed 's|^\./|/|' | LC_ALL=C sort >"$scratch/$pkg.list"
	sed "s/^/# $pkg: /" "$scratch/$pkg.list"
	ok_if "$pkg.deb unpacks with dpkg -x" dpkg-deb -x "$deb" "$root"
done

# --- File lists --------------------------------------------------------------

lists=$(ls "$scratch"/*.list 2>/dev/null)
dups=$(cat $lists /dev/null | LC_ALL=C sort | uniq -d)
ok_if "no path is in two packages" test -z "$dups"
[ -z "$dups" ] || printf '%s\n' "$dups" | sed 's/^/# in two packages: /'

# has PKG EXTENDED-REGEX: the package's file list has a matching path.
has() { grep -q -E "$2" "$scratch/$1.list" 2>/dev/null; }
ok_if "libevmm1 holds libevmm.so.1 and no development files" sh -c \
    'grep -q -E "/libevmm\.so\.1$" "$1" && ! grep -q -E "\.(h|pc|a)$|\.so$" "$1"' \
    sh "$scratch/libevmm1.list"
ok_if "libevmm-nomm1 holds libevmm-nomm.so.1 and no development files" sh -c \
    'grep -q -E "/libevmm-nomm\.so\.1$" "$1" && ! grep -q -E "\.(h|pc|a)$|\.so$" "$1"' \
    sh "$scratch/libevmm-nomm1.list"
for f in "/usr/include/evmm/event2/event-config.h" \
    "/usr/include/evmm-nomm/event2/event-config.h" \
    "$libdir/pkgconfig/evmm.pc" "$libdir/pkgconfig/evmm-nomm.pc" \
    "$libdir/libevmm.a" "$libdir/libevmm-nomm.a" \
    "$libdir/libevmm.so" "$libdir/libevmm-nomm.so" \
    "/usr/share/man/man3/event_set_mem_functions.3.gz"; do
	ok_if "libevmm-dev holds $f" has libevmm-dev "^$f\$"
done
ok_if "evmm-torture holds /usr/bin/evmm-torture and its page" sh -c \
    'grep -q -x /usr/bin/evmm-torture "$1" &&
     grep -q -x /usr/share/man/man1/evmm-torture.1.gz "$1"' \
    sh "$scratch/evmm-torture.list"
ok_if "no libtool archive (.la) is shipped" \
    test -z "$(cat $lists /dev/null | grep '\.la$')"
ok_if "libevmm-dev depends on both runtime packages" sh -c \
    'd=$(dpkg-deb -f "$1" Depends) && echo "$d" &&
	echo "$d" | grep -q "libevmm1 (= 0.1.0-1)" &&
	echo "$d" | grep -q "libevmm-nomm1 (= 0.1.0-1)"' \
    sh "$scratch/libevmm-dev_0.1.0-1_$arch.deb"

# --- SONAMEs ---------------------------------------------------------------

soname() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }
ok_if "libevmm1's library has SONAME libevmm.so.1" \
    test "$(soname "$root$libdir/libevmm.so.1")" = libevmm.so.1
ok_if "libevmm-nomm1's library has SONAME libevmm-nomm.so.1" \
    test "$(soname "$root$libdir/libevmm-nomm.so.1")" = libevmm-nomm.so.1
ok_if "libevmm1's shlibs name libevmm1" sh -c \
    'dpkg-deb -I "$1" shlibs | tee /dev/stderr | grep -q "^libevmm 1 libevmm1"' \
    sh "$scratch/libevmm1_0.1.0-1_$arch.deb"
ok_if "libevmm-nomm1's shlibs name libevmm-nomm1" sh -c \
    'dpkg-deb -I "$1" shlibs | tee /dev/stderr | grep -q "^libevmm-nomm 1 libevmm-nomm1"' \
    sh "$scratch/libevmm-nomm1_0.1.0-1_$arch.deb"

# The symbols files are the export lists tests/exports.sh checks, and the
# build fails (DPKG_GENSYMBOLS_CHECK_LEVEL=4) if the library differs.
for pair in libevmm1:exports-default.txt libevmm-nomm1:exports-disabled.txt; do
	pkg=${pair%%:*} list=${pair#*:}
	ok_if "$pkg's symbols file lists exactly tests/$list" sh -c \
	    'test "$(dpkg-deb -I "$1" symbols | sed -n "s/^ \([a-z_]*\)@Base .*/\1/p" | LC_ALL=C sort)" = \
		"$(grep -v "^#" "$2" | LC_ALL=C sort)"' \
	    sh "$scratch/${pkg}_0.1.0-1_$arch.deb" "$top_srcdir/tests/$list"
done

# --- A consumer of each variant, from the extracted -dev package -------------

PKG_CONFIG_LIBDIR=$root$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
for name in evmm evmm-nomm; do
	[ $name = evmm ] && expect=1 || expect=0
	exe=$scratch/consumer-$name
	ok_if "a consumer builds with pkg-config --cflags --libs $name" \
	    $CC -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
	    $($pc --cflags $name) -o "$exe" "$top_srcdir/tests/consumer.c" \
	    $($pc --libs $name)
	ok_if "the $name consumer runs against the packaged lib$name.so.1" \
	    sh -c 'LD_LIBRARY_PATH="$1" "$2" && LD_LIBRARY_PATH="$1" ldd "$2" |
		grep -F "lib$3.so.1 => $1/lib$3.so.1"' \
	    sh "$root$libdir" "$exe" "$name"
	ok_if "a static consumer links the packaged lib$name.a" \
	    $CC -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
	    $($pc --static --cflags $name) -o "$exe-static" \
	    "$top_srcdir/tests/consumer.c" \
	    $($pc --static --libs-only-L --libs-only-other $name) \
	    -Wl,-Bstatic $($pc --static --libs-only-l $name) -Wl,-Bdynamic
	ok_if "the static $name consumer needs no libevmm and runs" sh -c \
	    '! readelf -d "$1" | grep "NEEDED.*evmm" && "$1" >/dev/null' \
	    sh "$exe-static"
done
tap_done
