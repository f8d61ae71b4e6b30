#!/bin/sh
# The example RPM packaging in packaging/rpm, built from a release tarball
# and inspected without installing anything on this machine:
#
#   tests/rpm.sh TARBALL SCRATCHDIR
#
# runs rpmbuild -ta on TARBALL (from make dist), which builds the source
# and binary packages from the spec the tarball ships (configure wrote it
# with AC_INIT's version), under a private _topdir in SCRATCHDIR; runs
# rpmlint on the result with packaging/rpm/libevmm.rpmlintrc; then
# checks the packages with rpm -qp and rpm2archive: each one's file list,
# no path in two packages, SONAMEs and their symlinks, Provides and
# Requires, no libtool archive, no RPATH, compressed manual pages, the
# licence file, and a consumer of each variant compiled against the
# extracted -devel package.  The package names are Fedora's, as the spec
# gives them; the SONAMEs and the version come from the packages.
# Prints TAP; test-all.sh runs it.
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$top_srcdir/tests/scripts/tap.sh"

for tool in rpmbuild rpm rpm2archive readelf tar; do
	command -v $tool >/dev/null 2>&1 ||
		skip_all "no $tool (Debian: apt-get install rpm)"
done
release_args "$@"
pc=${PKG_CONFIG:-pkg-config}
CC=${CC:-cc}
mkdir -p "$scratch/topdir" || bail_out "cannot make $scratch/topdir"

# The packages, and what each is for.
lib=libevmm nomm=libevmm-nomm devel=libevmm-devel static=libevmm-static
tool=evmm-torture
packages="$lib $nomm $devel $static $tool"
libdir=$(rpm --eval '%{_libdir}')
includedir=$(rpm --eval '%{_includedir}')
mandir=$(rpm --eval '%{_mandir}')
bindir=$(rpm --eval '%{_bindir}')
datadir=$(rpm --eval '%{_datadir}')

# The spec as the tarball ships it.
src=$scratch/src
mkdir -p "$src" && tar -xzf "$tarball" -C "$src" ||
	bail_out "cannot unpack $tarball into $src"
src=$(ls -d "$src"/*/ 2>/dev/null | head -n 1)
src=${src%/}
spec=$src/packaging/rpm/libevmm.spec
[ -f "$spec" ] || bail_out "$tarball holds no packaging/rpm/libevmm.spec"
upstream=$(sed -n "s/^PACKAGE_VERSION='\(.*\)'\$/\1/p" "$src/configure")
version=$(rpm -q --specfile "$spec" --qf '%{VERSION}\n' 2>/dev/null | head -n 1)
vr=$(rpm -q --specfile "$spec" --qf '%{VERSION}-%{RELEASE}\n' 2>/dev/null | head -n 1)
ok_if "the spec's Version is configure's PACKAGE_VERSION, $upstream" \
    test -n "$upstream" -a "$version" = "$upstream"

# --nodeps: the BuildRequires name RPM packages, which the RPM database
# of a Debian machine does not hold (its packages are dpkg's).
# rpm's brp-compress reads file names with bash's "read -d" under
# #!/bin/sh; Debian's /bin/sh, dash, rejects it and would leave the
# manual pages uncompressed, so it runs under bash, as on Fedora.
set -- --nodeps --define "_topdir $scratch/topdir"
if command -v bash >/dev/null 2>&1; then
	set -- "$@" --define \
	    "__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}"
fi
# make check needs the Check framework; the spec builds without it when
# asked to (rpmbuild --without check).  The tarball's make check has run
# in the builds before this one (test-all.sh); EVMM_PACKAGE_CHECK=yes
# runs it once more, in %check.
if [ "${EVMM_PACKAGE_CHECK:-no}" != yes ]; then
	with_check="nocheck (EVMM_PACKAGE_CHECK=yes runs it)"
elif command -v "$pc" >/dev/null 2>&1 && "$pc" --exists check; then
	with_check=yes
else
	with_check="no Check (Debian: apt-get install check pkgconf)"
fi
[ "$with_check" = yes ] || set -- "$@" --without check
log=$scratch/rpmbuild.log
ok_if "rpmbuild -ta $(basename "$tarball") builds the source and binary packages" \
    sh -c 'rpmbuild -ta "$@" >"$0" 2>&1 || { tail -n 40 "$0"; exit 1; }' \
    "$log" "$@" "$tarball"
if [ "$with_check" = yes ]; then
	# Automake's summary of each variant's make check, run by %check.
	ok_if "%check ran make check in both variants, and it passed" sh -c \
	    'test "$(grep -c "^# TOTAL: *[1-9]" "$1")" -eq 2 &&
	     test "$(grep -c "^# FAIL: *0\$" "$1")" -eq 2' sh "$log"
else
	skip "make check in %check" "$with_check"
fi

arch=$(rpm --eval '%{_arch}')
rpms=$scratch/topdir/RPMS
srpm=$scratch/topdir/SRPMS/libevmm-$vr.src.rpm
ok_if "the source package holds the tarball and the spec" sh -c \
    'test "$(rpm -qlp "$1" | LC_ALL=C sort | tr "\n" " ")" = "$2 libevmm.spec "' \
    sh "$srpm" "$(basename "$tarball")"
ok_if "rpmbuild wrote these packages and no other: $packages" test \
    "$(cd "$rpms" 2>/dev/null && ls */*.rpm | LC_ALL=C sort | tr '\n' ' ')" = \
    "$(for p in $packages; do echo "$arch/$p-$vr.$arch.rpm"; done |
	LC_ALL=C sort | tr '\n' ' ')"

root=$scratch/root
mkdir -p "$root"
for pkg in $packages; do
	rpmfile=$rpms/$arch/$pkg-$vr.$arch.rpm
	[ -f "$rpmfile" ] || continue
	# Files and symlinks, not directories, which packages may share;
	# nor rpm's own /usr/lib/.build-id links to each ELF file.
	rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpmfile" |
	    awk '$1 !~ /^d/ { print $2 }' | grep -v '^/usr/lib/\.build-id/' |
	    LC_ALL=C sort >"$scratch/$pkg.list"
	sed "s/^/# $pkg: /" "$scratch/$pkg.list"
	ok_if "$pkg unpacks with rpm2archive" sh -c \
	    'rpm2archive - <"$1" | tar -xzf - -C "$2"' sh "$rpmfile" "$root"
done

# --- rpmlint --------------------------------------------------------------

# Besides libevmm.rpmlintrc, what comes of building on Debian, not of
# the spec:
#   no-signature  a local build is not signed.
#   shared-library-not-executable  Debian's brp-elfperms clears the
#       executable bit of shared libraries, as Debian policy wants.
#   unstripped-binary-or-object  Debian's rpm makes no -debuginfo
#       packages, so brp-strip removes only the debugging information
#       and leaves the symbol table.
#   no-manual-page-for-binary  rpmlint 2.4.0 (Debian 12's) records the
#       section of each page it sees, not its name, so it reports every
#       command; evmm-torture's page is checked below.
if command -v rpmlint >/dev/null 2>&1; then
	rc=$scratch/rpmlintrc
	{ cat "$src/packaging/rpm/libevmm.rpmlintrc"
	  echo 'addFilter("no-signature")'
	  echo 'addFilter("shared-library-not-executable")'
	  echo 'addFilter("unstripped-binary-or-object")'
	  echo 'addFilter("no-manual-page-for-binary evmm-torture$")'
	} >"$rc"
	rpmlint -r "$rc" "$rpms"/*/*.rpm "$srpm" >"$scratch/rpmlint.log" 2>&1
	sed 's/^/# rpmlint: /' "$scratch/rpmlint.log"
	# An unused filter is an error too, so the allowed list stays true.
	ok_if "rpmlint reports no error (E:) and no warning (W:)" sh -c \
	    'grep -q "packages and 0 specfiles checked" "$1" &&
	     ! grep -E ": [EW]: " "$1"' sh "$scratch/rpmlint.log"
else
	skip "rpmlint on the packages" "no rpmlint (Debian: apt-get install rpmlint)"
fi

# --- File lists -------------------------------------------------------------

lists=$(for p in $packages; do echo "$scratch/$p.list"; done)
dups=$(cat $lists 2>/dev/null | LC_ALL=C sort | uniq -d)
ok_if "no path is in two packages" test -z "$dups"
[ -z "$dups" ] || printf '%s\n' "$dups" | sed 's/^/# in two packages: /'

# holds PKG REGEX...: each REGEX matches a path of PKG's file list, and
# each path matches a REGEX; the paths that do not are printed.
holds() {
	holds_list=$scratch/$1.list
	shift
	[ -s "$holds_list" ] || { echo "no file list"; return 1; }
	holds_ok=0
	for re in "$@"; do
		grep -q -E -x "$re" "$holds_list" ||
			{ echo "nothing matches $re"; holds_ok=1; }
	done
	for re in "$@"; do printf '%s\n' "$re"; done >"$holds_list.re"
	if grep -v -E -x -f "$holds_list.re" "$holds_list" | sed 's/^/not expected: /' |
	    grep .; then
		holds_ok=1
	fi
	return $holds_ok
}
# Fedora names a package's documentation directory %{name}, older rpm
# (and Debian's) %{name}-%{version}.
nv='(-[0-9][^/]*)?'
so='\.so\.[0-9]+'
ok_if "$lib holds libevmm.so.N, its SONAME link, licence and documents" \
    holds $lib "$libdir/libevmm$so" "$libdir/libevmm$so(\.[0-9]+)+" \
    "$datadir/licenses/libevmm$nv/COPYING" \
    "$datadir/doc/libevmm$nv/README\.md" "$datadir/doc/libevmm$nv/NEWS"
ok_if "$nomm holds libevmm-nomm.so.N, its SONAME link and licence" \
    holds $nomm "$libdir/libevmm-nomm$so" "$libdir/libevmm-nomm$so(\.[0-9]+)+" \
    "$datadir/licenses/libevmm-nomm$nv/COPYING"
ok_if "$devel holds both variants' headers, .so links, .pc files and the section 3 pages" \
    holds $devel "$includedir/evmm/event2/[a-z_-]+\.h" \
    "$includedir/evmm-nomm/event2/[a-z_-]+\.h" \
    "$libdir/libevmm\.so" "$libdir/libevmm-nomm\.so" \
    "$libdir/pkgconfig/evmm\.pc" "$libdir/pkgconfig/evmm-nomm\.pc" \
    "$mandir/man3/[a-z_]+\.3\.gz"
ok_if "$static holds both static libraries" \
    holds $static "$libdir/libevmm\.a" "$libdir/libevmm-nomm\.a"
ok_if "$tool holds evmm-torture and its page" \
    holds $tool "$bindir/evmm-torture" "$mandir/man1/evmm-torture\.1\.gz"

# Each variant's include directory is complete: the same headers in both.
ok_if "the two include directories hold the same headers" test \
    "$(sed -n "s|^$includedir/evmm/||p" "$scratch/$devel.list")" = \
    "$(sed -n "s|^$includedir/evmm-nomm/||p" "$scratch/$devel.list")"
pages=$(cd "$src/man" && ls *.3)
ok_if "every section 3 page of the tarball is in $devel, compressed with gzip" \
    sh -c 'for p in $2; do test -f "$1/$p.gz" && gzip -t "$1/$p.gz" ||
	{ echo "missing: $p.gz"; exit 1; }; done' sh "$root$mandir/man3" "$pages"
ok_if "every link between pages names a page that is there" sh -c \
    'cd "$1" && for l in *; do test -e "$l" || { echo "dangling: $l"; exit 1; }; done' \
    sh "$root$mandir/man3"
ok_if "no libtool archive (.la) is shipped" \
    sh -c '! cat "$@" | grep "\.la\$"' sh $lists
ok_if "static libraries are only in $static" \
    sh -c '! cat "$@" | grep "\.a\$"' sh $(echo "$lists" | grep -v "/$static\.list")
ok_if "the licence shipped is the tarball's COPYING" sh -c \
    'for f in "$2"/licenses/*/COPYING; do cmp "$1" "$f" || exit 1; done' \
    sh "$src/COPYING" "$root$datadir"

# --- ELF files, SONAMEs, Provides and Requires ---------------------------------

# ELF files begin with \177ELF (static archives with !<arch>).
elf_files=$(find "$root" -type f | while read -r f; do
	[ "$(head -c 4 "$f" | tr -d '\177')" = ELF ] && printf '%s\n' "$f"; done)
ok_if "the ELF files are the two libraries and evmm-torture" \
    test "$(printf '%s\n' "$elf_files" | wc -l)" -eq 3
ok_if "no ELF file has an RPATH or RUNPATH" sh -c \
    'for f in $1; do readelf -d "$f" | grep -E "\((RPATH|RUNPATH)\)" &&
	exit 1; done; exit 0' sh "$elf_files"

soname() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }
# requires PKG NAME: PKG requires NAME at this exact version-release.
requires() {
	rpm -qp --requires "$rpms/$arch/$1-$vr.$arch.rpm" |
	    grep -E -x "$2(\([^)]*\))? = $vr"
}
for pair in libevmm:$lib libevmm-nomm:$nomm; do
	name=${pair%%:*} pkg=${pair#*:}
	# The library is the one file $name.so.N.N...; with no SONAME to
	# read, the checks below fail on a name no package provides.
	file=$(grep -E -x "$libdir/$name$so(\.[0-9]+)+" "$scratch/$pkg.list")
	sn=$(soname "$root$file")
	[ -n "$sn" ] || sn="$name.so.(none)"
	ok_if "$pkg's library $(basename "$file") has SONAME $name.so.N" \
	    matches "$sn" -E -x "$name$so"
	ok_if "$pkg's $sn is a link to $(basename "$file")" sh -c \
	    'test -L "$1" && test "$(readlink "$1")" = "$2"' \
	    sh "$root$libdir/$sn" "$(basename "$file")"
	ok_if "$devel's $name.so links to $(basename "$file")" sh -c \
	    'test -L "$1" && test "$(readlink "$1")" = "$2"' \
	    sh "$root$libdir/$name.so" "$(basename "$file")"
	provides=$(rpm -qp --provides "$rpms/$arch/$pkg-$vr.$arch.rpm")
	ok_if "$pkg provides $sn()" matches "$provides" -F -e "$sn()"
	# The version node is LIB<NAME>_<MAJOR> (lib/local.mk's script).
	node=$(printf '%s' "${name}_${sn##*.so.}" | tr 'a-z.+-' 'A-Z___')
	ok_if "$pkg provides $sn($node)" matches "$provides" -F -e "$sn($node)"
	ok_if "$devel requires $pkg = $vr" requires $devel "$pkg"
done
ok_if "$static requires $devel = $vr" requires $static $devel
ok_if "$tool requires $lib = $vr, whose library it preloads" \
    requires $tool $lib
ok_if "$tool's default --preload is $lib's library" \
    grep -q -F "$libdir/$(soname "$root$libdir/libevmm.so")" \
    "$root$bindir/evmm-torture"

# --- A consumer of each variant, from the extracted -devel package ------------

PKG_CONFIG_LIBDIR=$root$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
for name in evmm evmm-nomm; do
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
done
tap_done
