#!/bin/sh
# The example Debian packaging in packaging/debian, built from a release
# tarball and inspected without installing anything on this machine:
#
#   tests/release/debian.sh TARBALL SCRATCHDIR
#
# unpacks TARBALL (from make dist) into SCRATCHDIR, adds the tarball's own
# packaging/debian as debian/, runs dpkg-buildpackage -us -uc with the
# tarball as the .orig.tar.gz, checks debian/copyright against the
# copyright notices in the tarball, runs lintian on the result, then
# checks the .debs with dpkg -c and dpkg -x: SONAMEs, symbol versions,
# file lists, no path in two packages, and a consumer of each variant
# compiled against the extracted development package, linked dynamically
# and statically.  Package names, SONAMEs and the version come from
# debian/control, the .symbols files and debian/changelog, so a SONAME
# change needs no edit here.
# Prints TAP; test-all.sh runs it.
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$top_srcdir/tests/scripts/tap.sh"

for tool in dpkg-buildpackage dh dpkg-deb dpkg-parsechangelog readelf; do
	command -v $tool >/dev/null 2>&1 ||
		skip_all "no $tool (Debian: apt-get install debhelper)"
done
release_args "$@"
pc=${PKG_CONFIG:-pkg-config}
CC=${CC:-cc}

# The release as a distribution receives it: the tarball alone, with
# the packaging it ships.
(cd "$scratch" && tar -xzf "$tarball") ||
	bail_out "cannot unpack $tarball into $scratch"
src=$(ls -d "$scratch"/*/ 2>/dev/null | head -n 1)
src=${src%/}
[ -d "$src/packaging/debian" ] ||
	bail_out "$tarball holds no packaging/debian"
cp -R "$src/packaging/debian" "$src/debian" ||
	bail_out "cannot add debian/ to $src"
debian=$src/debian

version=$(dpkg-parsechangelog -l "$debian/changelog" -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
libdir=/usr/lib/$multiarch
packages=$(sed -n 's/^Package: *//p' "$debian/control")
# The runtime packages are the ones with a .symbols file, whose first
# line names the SONAME and the package: "libevmm.so.1 libevmm1 #MINVER#".
runtime=$(for f in "$debian"/*.symbols; do sed -n '1s/^\([^ ]*\) \([^ ]*\) .*/\1:\2/p' "$f"; done)
dev=$(printf '%s\n' $packages | grep -e '-dev$')
tool=$(cd "$debian" && grep -l '^usr/bin/' *.install | sed 's/\.install$//')

# --- debian/copyright -----------------------------------------------------------

# Every file of the tarball that carries a copyright notice other than
# libevmm's own is named in a Files: paragraph of its own, so that its
# licence is stated rather than swept under "Files: *".
named=$(awk '/^Files:/ { f = 1; sub(/^Files: */, ""); print; next }
    f && /^ / { print; next } { f = 0 }' "$debian/copyright" |
    tr ' ' '\n' | grep -v -x -e '' -e '\*')
foreign=$(cd "$src" && grep -r -l -I -i -E 'copyright (\(c\)|©|[0-9])' . |
    sed 's|^\./||' | grep -v '^debian/' | while read -r f; do
	grep -q -i 'libevmm authors' "$f" || printf '%s\n' "$f"; done |
    LC_ALL=C sort)
unnamed=$(for f in $foreign; do
	printf '%s\n' "$named" | grep -q -x -F "$f" || printf '%s\n' "$f"; done)
ok_if "debian/copyright names each of the $(echo $foreign | wc -w) files under another licence" \
    test -n "$foreign" -a -z "$unnamed"
for f in $unnamed; do echo "# not in debian/copyright: $f"; done

# The tarball is the upstream source: the .orig.tar.gz of a source
# package, built together with the binary ones.
source=$(sed -n 's/^Source: *//p' "$debian/control")
cp "$tarball" "$scratch/${source}_${version%-*}.orig.tar.gz" ||
	bail_out "cannot copy $tarball"
# The tarball's make check has run in the builds before this one
# (test-all.sh); EVMM_PACKAGE_CHECK=yes runs it once more, in the
# package's own build.
if [ "${EVMM_PACKAGE_CHECK:-no}" = yes ]; then
	nocheck=
else
	nocheck=nocheck
	skip "make check in dh_auto_test" "nocheck (EVMM_PACKAGE_CHECK=yes runs it)"
fi
ok_if "dpkg-buildpackage -us -uc builds the source and binary packages" sh -c \
    'cd "$1" && DEB_BUILD_OPTIONS=$2 DEB_BUILD_PROFILES=$2 \
	dpkg-buildpackage -us -uc >../build.log 2>&1 ||
	{ tail -n 40 ../build.log; exit 1; }' sh "$src" "$nocheck"

root=$scratch/root
mkdir -p "$root"
for pkg in $packages; do
	deb=$scratch/${pkg}_${version}_$arch.deb
	ok_if "$pkg.deb was built" test -f "$deb"
	[ -f "$deb" ] || continue
	dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' |
	    sed 's|^\./|/|' | LC_ALL=C sort >"$scratch/$pkg.list"
	sed "s/^/# $pkg: /" "$scratch/$pkg.list"
	ok_if "$pkg.deb unpacks with dpkg -x" dpkg-deb -x "$deb" "$root"
done

# --- lintian -------------------------------------------------------------------

# Tags allowed here, each because of what this packaging is, not a fault
# lintian could not see:
#   initial-upload-closes-no-bugs  an example kept upstream closes no ITP
#                                  bug: it is never uploaded.
#   shared-library-lacks-prerequisites  libevmm-nomm calls nothing, not
#                                  even the C library, so it needs no
#                                  library and has no DT_NEEDED to show.
lintian_allowed=initial-upload-closes-no-bugs,shared-library-lacks-prerequisites
changes=$scratch/${source}_${version}_$arch.changes
if command -v lintian >/dev/null 2>&1; then
	lintian --no-cfg --display-info --suppress-tags "$lintian_allowed" \
	    "$changes" >"$scratch/lintian.log" 2>&1
	lintian_status=$?
	sed 's/^/# lintian: /' "$scratch/lintian.log"
	# 1 is for tags, more is lintian itself failing.
	ok_if "lintian ran on $(basename "$changes")" \
	    test -f "$changes" -a $lintian_status -le 1
	ok_if "lintian reports no error (E:) and no warning (W:)" \
	    sh -c '! grep -E "^[EW]: " "$1"' sh "$scratch/lintian.log"
else
	skip "lintian on the packages" "no lintian (Debian: apt-get install lintian)"
fi

# --- File lists --------------------------------------------------------------

lists=$(ls "$scratch"/*.list 2>/dev/null)
dups=$(cat $lists /dev/null | LC_ALL=C sort | uniq -d)
ok_if "no path is in two packages" test -z "$dups"
[ -z "$dups" ] || printf '%s\n' "$dups" | sed 's/^/# in two packages: /'

# has PKG EXTENDED-REGEX: the package's file list has a matching path.
has() { grep -q -E "$2" "$scratch/$1.list" 2>/dev/null; }
soname() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }
names=
for pair in $runtime; do
	so=${pair%%:*} pkg=${pair#*:}
	lib=${so%%.so.*} major=${so##*.so.}
	name=${lib#lib}
	names="$names $name"
	soq=$(printf '%s' "$so" | sed 's/\./\\./g')
	ok_if "$pkg holds $so and no development files" sh -c \
	    'grep -q -E "/$2\$" "$1" && ! grep -q -E "\.(h|pc|a)$|\.so$" "$1"' \
	    sh "$scratch/$pkg.list" "$soq"
	ok_if "$pkg's library has SONAME $so" \
	    test "$(soname "$root$libdir/$so")" = "$so"
	ok_if "$pkg's shlibs name $pkg" sh -c \
	    'dpkg-deb -I "$1" shlibs | tee /dev/stderr | grep -q "^$2 $3 $4"' \
	    sh "$scratch/${pkg}_${version}_$arch.deb" "$lib" "$major" "$pkg"
	ok_if "$dev depends on $pkg (= $version)" sh -c \
	    'dpkg-deb -f "$1" Depends | grep -q "$2 (= $3)"' \
	    sh "$scratch/${dev}_${version}_$arch.deb" "$pkg" "$version"
	for f in "/usr/include/$name/event2/event-config.h" \
	    "$libdir/pkgconfig/$name.pc" "$libdir/lib$name.a" \
	    "$libdir/lib$name.so"; do
		ok_if "$dev holds $f" has "$dev" "^$f\$"
	done

	# The symbols file is the export list tests/scripts/exports.sh
	# checks, and the build fails (DPKG_GENSYMBOLS_CHECK_LEVEL=4) if the
	# library differs.  The suffixed variant is the one without replacement.
	[ "$name" = evmm ] && list=exports-default.txt || list=exports-disabled.txt
	syms=$(dpkg-deb -I "$scratch/${pkg}_${version}_$arch.deb" symbols)
	ok_if "$pkg's symbols file lists exactly tests/scripts/$list" test \
	    "$(printf '%s\n' "$syms" | sed -n 's/^ \([a-z_]*\)@.*/\1/p' | LC_ALL=C sort)" = \
	    "$(grep -v "^#" "$src/tests/scripts/$list" | LC_ALL=C sort)"
	# The node is LIB<NAME>_<MAJOR> (Makefile.am's version script).
	node=$(printf '%s' "LIB${name}_$major" | tr 'a-z.+-' 'A-Z___')
	ok_if "each of $pkg's symbols has the version node $node" sh -c \
	    '! printf "%s\n" "$1" | grep "^ " | grep -v "@$2 "' sh "$syms" "$node"
done
ok_if "$dev holds the manual pages" \
    has "$dev" "^/usr/share/man/man3/event_set_mem_functions\.3\.gz\$"
ok_if "$tool holds /usr/bin/evmm-torture and its page" sh -c \
    'grep -q -x /usr/bin/evmm-torture "$1" &&
     grep -q -x /usr/share/man/man1/evmm-torture.1.gz "$1"' \
    sh "$scratch/$tool.list"
ok_if "no libtool archive (.la) is shipped" \
    test -z "$(cat $lists /dev/null | grep '\.la$')"

# --- A consumer of each variant, from the extracted -dev package -------------

PKG_CONFIG_LIBDIR=$root$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
for name in $names; do
	[ $name = evmm ] && expect=1 || expect=0
	exe=$scratch/consumer-$name
	ok_if "a consumer builds with pkg-config --cflags --libs $name" \
	    $CC -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
	    $($pc --cflags $name) -o "$exe" "$src/tests/programs/consumer.c" \
	    $($pc --libs $name)
	ok_if "the $name consumer runs against the packaged lib$name.so" \
	    sh -c 'LD_LIBRARY_PATH="$1" "$2" && LD_LIBRARY_PATH="$1" ldd "$2" |
		grep -E "lib$3\.so\.[0-9]+ => $1/lib$3\.so\.[0-9]+"' \
	    sh "$root$libdir" "$exe" "$name"
	ok_if "a static consumer links the packaged lib$name.a" \
	    $CC -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
	    $($pc --static --cflags $name) -o "$exe-static" \
	    "$src/tests/programs/consumer.c" \
	    $($pc --static --libs-only-L --libs-only-other $name) \
	    -Wl,-Bstatic $($pc --static --libs-only-l $name) -Wl,-Bdynamic
	ok_if "the static $name consumer needs no libevmm and runs" sh -c \
	    '! readelf -d "$1" | grep "NEEDED.*evmm" && "$1" >/dev/null' \
	    sh "$exe-static"
done
tap_done
