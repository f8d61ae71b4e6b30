#!/bin/sh
# Cross-build for Windows with Debian's mingw-w64 toolchain, both variants:
#
#   tests/release/mingw.sh SCRATCHDIR
#
# configures the source this script belongs to with
# --host=x86_64-w64-mingw32 (and --disable-malloc-replacement
# --with-variant-suffix=nomm for the second variant), builds it with
# warnings as errors, installs it into a staged DESTDIR and checks:
# the DLL's export table (objdump -p) against tests/exports-*.txt, which
# is the dllexport side of EVENT2_EXPORT_SYMBOL; a consumer built from
# pkg-config imports the DLL (the dllimport side); one built from
# pkg-config --static (EVMM_STATIC) does not.  With wine (Debian: wine64)
# both consumers then run, the first beside the installed DLL, and so
# does tests/programs/fault_env.c with EVMM_FAULT set (default variant: the
# environment is read when the DLL loads), and linked statically with
# EVMM_FAULT and EVMM_STATS set (the start-up comes with the entry points).
# The Check suite needs Check, which has no Windows build here, and
# tests/unit/allocator_rules.c needs fork(): neither is built.  Without wine, the runs are SKIPs, not passes.
# Prints TAP; test-all.sh runs it.
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$top_srcdir/tests/scripts/tap.sh"

host=x86_64-w64-mingw32
[ $# -eq 1 ] || bail_out "usage: $0 SCRATCHDIR"
command -v $host-gcc >/dev/null 2>&1 ||
	skip_all "no $host-gcc (Debian: apt-get install gcc-mingw-w64-x86-64-win32)"
objdump=$host-objdump

# wine64 runs the programs, in a prefix of its own that is removed at
# the end, with its server; the first run creates the prefix (~15 s).
wine=
for w in wine64 /usr/lib/wine/wine64 wine; do
	command -v $w >/dev/null 2>&1 && { wine=$(command -v $w); break; }
done
if [ -n "$wine" ]; then
	WINEPREFIX=$(mktemp -d "${TMPDIR:-/tmp}/evmm-wine.XXXXXX") ||
		bail_out "mktemp"
	WINEDEBUG=-all
	export WINEPREFIX WINEDEBUG
	wineserver=$(dirname "$wine")/wineserver
	[ -x "$wineserver" ] || wineserver=wineserver
	trap '"$wineserver" -k 2>/dev/null; rm -rf "$WINEPREFIX"' EXIT
fi
fails_on_wine() { ! on_wine "$1"; }
# on_wine EXE: run it; its output without Windows' CRs, its status.
on_wine() {
	"$wine" "$1" >"$WINEPREFIX/out" 2>"$WINEPREFIX/err"
	wine_status=$?
	tr -d '\r' <"$WINEPREFIX/err" >&2
	tr -d '\r' <"$WINEPREFIX/out"
	return $wine_status
}
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
		expected=$(grep -v '^#' "$top_srcdir/tests/scripts/$list" | LC_ALL=C sort)
		printf '%s\n' "$exported" | sed 's/^/# exported: /'
		ok_if "$variant: the DLL exports exactly tests/scripts/$list" \
		    test "$exported" = "$expected"
	else
		skip "$variant: the DLL's exports" "no DLL"
	fi

	PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
	export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
	ok_if "$variant: a consumer builds with pkg-config --cflags --libs $name" \
	    $host-gcc -std=c99 -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
	    $($pc --cflags $name) -o "$b/consumer.exe" \
	    "$top_srcdir/tests/programs/consumer.c" $($pc --libs $name)
	ok_if "$variant: the consumer imports lib$name-1.dll" \
	    matches "$(dll_imports "$b/consumer.exe" 2>&1)" -xF "lib$name-1.dll"
	ok_if "$variant: a consumer links lib$name.a with pkg-config --static" \
	    $host-gcc -static -std=c99 -Wall -Wextra -Werror \
	    -DEXPECT_MM_REPLACEMENT=$expect $($pc --static --cflags $name) \
	    -o "$b/static-consumer.exe" "$top_srcdir/tests/programs/consumer.c" \
	    $($pc --static --libs $name)
	ok_if "$variant: the static consumer imports no libevmm DLL" \
	    sh -c 'test -f "$1" && ! '"$objdump"' -p "$1" | grep -q "DLL Name: lib.*evmm"' \
	    sh "$b/static-consumer.exe"
	if [ $variant = default ]; then
		ok_if "default: tests/programs/fault_env.c builds against the DLL" \
		    $host-gcc -std=c99 -Wall -Wextra -Werror \
		    $($pc --cflags $name) -o "$b/fault_env.exe" \
		    "$top_srcdir/tests/programs/fault_env.c" $($pc --libs $name)
		ok_if "default: tests/programs/fault_env.c links lib$name.a with pkg-config --static" \
		    $host-gcc -static -std=c99 -Wall -Wextra -Werror \
		    $($pc --static --cflags $name) -o "$b/static-fault-env.exe" \
		    "$top_srcdir/tests/programs/fault_env.c" \
		    $($pc --static --libs $name)
	fi
	unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR

	if [ -z "$wine" ]; then
		skip "$variant: the consumers run on Windows" \
		    "no wine to run them (Debian: apt-get install wine64)"
		continue
	fi
	# Each program beside the DLL, as Windows finds DLLs.
	run=$b/run
	mkdir -p "$run" || bail_out "cannot make $run"
	for f in "$dll" "$b"/*.exe; do [ ! -f "$f" ] || cp "$f" "$run/"; done
	ok_if "$variant: the consumer runs under wine with ${dll##*/}" \
	    on_wine "$run/consumer.exe"
	rm -f "$run/${dll##*/}"
	ok_if "$variant: without the DLL beside it, it does not start" \
	    fails_on_wine "$run/consumer.exe"
	ok_if "$variant: the static consumer runs under wine without any DLL" \
	    on_wine "$run/static-consumer.exe"
	[ $variant = default ] || continue
	cp "$dll" "$run/"
	for pair in ":ok ok ok ok ok" "nth=2:ok FAIL ok ok ok" \
	    "window=3-5:ok ok FAIL FAIL FAIL"; do
		fault=${pair%%:*} want=${pair#*:}
		got=$(EVMM_FAULT=$fault on_wine "$run/fault_env.exe" 2>/dev/null)
		ok_if "default: EVMM_FAULT=$fault under wine gives \"$want\"" \
		    test "$got" = "$want"
		[ "$got" = "$want" ] || echo "# got \"$got\""
	done
	# Linked statically, the program calls only event_mm_malloc_() and
	# event_mm_free_(), and the start-up that reads the environment
	# must come with them.
	got=$(EVMM_FAULT=nth=2 on_wine "$run/static-fault-env.exe" 2>/dev/null)
	ok_if "default: linked statically, EVMM_FAULT=nth=2 under wine gives \"ok FAIL ok ok ok\"" \
	    test "$got" = "ok FAIL ok ok ok"
	[ "$got" = "ok FAIL ok ok ok" ] || echo "# got \"$got\""
	got=$(EVMM_STATS=1 on_wine "$run/static-fault-env.exe" 2>&1 >/dev/null)
	ok_if "default: linked statically, EVMM_STATS=1 under wine prints the summary" \
	    matches "$got" -F "libevmm: EVMM_STATS: allocation statistics of process"
done
tap_done
