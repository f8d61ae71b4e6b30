#!/bin/sh
# Cross-build for Windows with Debian's mingw-w64 toolchain, both variants:
#
#   tests/mingw.sh SCRATCHDIR
#
# configures the source this script belongs to with
# --host=x86_64-w64-mingw32 (and --disable-malloc-replacement
# --with-variant-suffix=nomm for the second variant), builds it with
# warnings as errors, installs it into a staged DESTDIR and checks:
# the DLL's export table (objdump -p) against tests/exports-*.txt, which
# is the dllexport side of EVENT2_EXPORT_SYMBOL; a consumer built from
# pkg-config imports the DLL (the dllimport side); one built from
# pkg-config --static (EVMM_STATIC) does not.  Windows programs cannot run
# here: that is reported as a SKIP, not as a pass.  Prints TAP; test-all.sh
# runs it.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$top_srcdir/tests/tap.sh"

host=x86_64-w64-mingw32
[ $# -eq 1 ] || bail_out "usage: $0 SCRATCHDIR"
command -v $host-gcc >/dev/null 2>&1 ||
	skip_all "no $host-gcc (Debian: apt-get install gcc-mingw-w64-x86-64-win32)"
objdump=$host-objdump
pc=${PKG_CONFIG:-pkg-config}
scratch=$1
mkdir -p "$scratch" || bail_out "cannot make $scratch"

# dll_exports DLL: the names in its export table, sorted.
dll_exports() {
	$objdump -p "$1" |
	    sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/s/^[[:space:]]*\[ *[0-9]*\] //p' |
	    LC_ALL=C sort
}
# dll_imports EXE: the DLLs it imports.
dll_imports() { $objdump -p "$1" | sed -n 's/^[[:space:]]*DLL Name: //p'; }

for variant in default nomm; do
	if [ $variant = default ]; then
		flags= name=evmm list=exports-default.txt expect=1
	else
		flags="--disable-malloc-replacement --with-variant-suffix=nomm"
		name=evmm-nomm list=exports-disabled.txt expect=0
	fi
	b=$scratch/$variant
	rm -rf "$b"
	mkdir -p "$b"
	# lt_cv_to_host_file_cmd: libtool would otherwise try, and fail
	# noisily, to convert build paths to Windows ones for its wrappers.
	ok_if "$variant: configure --host=$host $flags" sh -c \
	    'cd "$1" && shift && "$@" >configure.out 2>&1 || { tail -n 20 configure.out; exit 1; }' \
	    sh "$b" "$top_srcdir/configure" --host=$host --enable-werror \
	    --prefix=/usr $flags lt_cv_to_host_file_cmd=func_convert_file_noop
	ok_if "$variant: make (warnings are errors)" sh -c \
	    'make -C "$1" >"$1/make.out" 2>&1 || { tail -n 30 "$1/make.out"; exit 1; }' sh "$b"
	root=$b/root
	ok_if "$variant: make install DESTDIR=..." sh -c \
	    'make -C "$1" install DESTDIR="$2" >"$1/install.out" 2>&1 || { tail -n 30 "$1/install.out"; exit 1; }' \
	    sh "$b" "$root"

	dll=$root/usr/bin/lib$name-1.dll
	ok_if "$variant: lib$name-1.dll is installed" test -f "$dll"
	if [ -f "$dll" ]; then
		exported=$(dll_exports "$dll")
		expected=$(grep -v '^#' "$top_srcdir/tests/$list" | LC_ALL=C sort)
		printf '%s\n' "$exported" | sed 's/^/# exported: /'
		ok_if "$variant: the DLL exports exactly tests/$list" \
		    test "$exported" = "$expected"
	else
		skip "$variant: the DLL's exports" "no DLL"
	fi

	PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
	export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
	ok_if "$variant: a consumer builds with pkg-config --cflags --libs $name" \
	    $host-gcc -std=c99 -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
	    $($pc --cflags $name) -o "$b/consumer.exe" \
	    "$top_srcdir/tests/consumer.c" $($pc --libs $name)
	ok_if "$variant: the consumer imports lib$name-1.dll" \
	    matches "$(dll_imports "$b/consumer.exe" 2>&1)" -xF "lib$name-1.dll"
	ok_if "$variant: a consumer links lib$name.a with pkg-config --static" \
	    $host-gcc -static -std=c99 -Wall -Wextra -Werror \
	    -DEXPECT_MM_REPLACEMENT=$expect $($pc --static --cflags $name) \
	    -o "$b/static-consumer.exe" "$top_srcdir/tests/consumer.c" \
	    $($pc --static --libs $name)
	ok_if "$variant: the static consumer imports no libevmm DLL" \
	    sh -c 'test -f "$1" && ! '"$objdump"' -p "$1" | grep -q "DLL Name: lib.*evmm"' \
	    sh "$b/static-consumer.exe"
	unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR

	skip "$variant: the consumers and the Check suite run on Windows" \
	    "cross-built for $host: no Windows and no wine on this machine"
done
tap_done
