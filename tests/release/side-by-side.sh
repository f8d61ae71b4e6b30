#!/bin/sh
# Both variants installed into one prefix, as a distribution ships them:
#
#   tests/release/side-by-side.sh DEFAULT-BUILDDIR SUFFIXED-BUILDDIR
#
# DEFAULT-BUILDDIR is configured without options, SUFFIXED-BUILDDIR with
# --disable-malloc-replacement --with-variant-suffix=SUFFIX; both built,
# with the same --prefix.  Installs each into its own staged DESTDIR and
# both into a third, proves that no path is written by both unless the
# two files are identical, then builds one consumer per variant from
# pkg-config alone, dynamic and static, and runs each against its own
# library.  Prints TAP;
# test-all.sh runs it.  CC, CFLAGS, LDFLAGS and PKG_CONFIG as usual.
set -u
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$top_srcdir/tests/scripts/tap.sh"

[ $# -eq 2 ] || bail_out "usage: $0 DEFAULT-BUILDDIR SUFFIXED-BUILDDIR"
def=$1 alt=$2
CC=${CC:-cc} CFLAGS=${CFLAGS:-} LDFLAGS=${LDFLAGS:-}
pc=${PKG_CONFIG:-pkg-config}

# pcvar BUILDDIR VARIABLE: a variable of the build's configured evmm.pc.
pcvar() { sed -n "s/^$2=//p" "$1/evmm.pc"; }
name=evmm
suffix=$(pcvar "$alt" variant_suffix)
[ -n "$suffix" ] || bail_out "$alt was not configured with --with-variant-suffix"
[ -z "$(pcvar "$def" variant_suffix)" ] || bail_out "$def has a suffix"
altname=evmm-$suffix
[ "$(pcvar "$def" prefix)" = "$(pcvar "$alt" prefix)" ] ||
	bail_out "the two builds have different prefixes"

stage=$(mktemp -d "${TMPDIR:-/tmp}/evmm-sbs.XXXXXX") ||
	bail_out "cannot make a staging directory"
trap 'rm -rf "$stage"' EXIT
for b in "$def" "$alt"; do
	for root in "$stage/both" "$stage/$(basename "$b")"; do
		make -C "$b" install DESTDIR="$root" >>"$stage/install.log" 2>&1 ||
		{ sed 's/^/# /' "$stage/install.log"; bail_out "make install in $b failed"; }
	done
done
one=$stage/$(basename "$def") two=$stage/$(basename "$alt") root=$stage/both

# --- No collisions -----------------------------------------------------------

list() { (cd "$1" && find . ! -type d | sed 's|^\.||' | LC_ALL=C sort); }
list "$one" >"$stage/one.list"
list "$two" >"$stage/two.list"
sed 's/^/# default installs: /' "$stage/one.list"
sed "s/^/# $suffix installs: /" "$stage/two.list"
shared=$(LC_ALL=C comm -12 "$stage/one.list" "$stage/two.list")
# same PATH: the same symbolic link, or two regular files with the same bytes.
same() {
	if [ -L "$one$1" ] || [ -L "$two$1" ]; then
		[ "$(readlink "$one$1")" = "$(readlink "$two$1")" ]
	else
		cmp -s "$one$1" "$two$1"
	fi
}
collisions=
for path in $shared; do
	same "$path" || collisions="$collisions $path"
	echo "# shipped once (identical in both): $path"
done
ok_if "no path is installed by both variants with different contents" \
    test -z "$collisions"
for path in $collisions; do echo "# collision: $path"; done
ok_if "the only shared paths are manual pages" \
    test -z "$(printf '%s\n' "$shared" | grep -v '/man/man3/[^/]*\.3$' | grep -v '^$')"
ok_if "both installed into one prefix: the union of the two" \
    test "$(list "$root")" = "$(LC_ALL=C sort -u "$stage/one.list" "$stage/two.list")"

# --- One consumer per variant ----------------------------------------------

libdir=$(PKG_CONFIG_LIBDIR=$def $pc --variable=libdir evmm)
[ -n "$libdir" ] || bail_out "no libdir in $def/evmm.pc"
PKG_CONFIG_LIBDIR="$root$libdir/pkgconfig"
PKG_CONFIG_SYSROOT_DIR="$root"
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
ok_if "pkg-config knows $name and $altname" $pc --exists $name $altname
ok_if "$altname.pc says mm_replacement=no" \
    test "$($pc --variable=mm_replacement $altname)" = no
ok_if "$name.pc says mm_replacement=yes" \
    test "$($pc --variable=mm_replacement $name)" = yes

soname() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }
so1=$(soname "$root$libdir/lib$name.so")
so2=$(soname "$root$libdir/lib$altname.so")
echo "# SONAMEs: $so1, $so2"
ok_if "the two libraries have different SONAMEs" \
    test -n "$so1" -a -n "$so2" -a "$so1" != "$so2"

# consumer PKG EXPECT: build tests/programs/consumer.c from pkg-config
# alone, check that it needs its own library, run it.
consumer() {
	exe=$stage/consumer-$1
	ok_if "a consumer builds with pkg-config --cflags --libs $1" \
	    $CC $CFLAGS -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$2 \
	    $($pc --cflags $1) -o "$exe" "$top_srcdir/tests/programs/consumer.c" \
	    $LDFLAGS $($pc --libs $1)
	if [ ! -x "$exe" ]; then
		skip "the $1 consumer runs" "it did not build"
		return
	fi
	needed=$(readelf -d "$exe" | sed -n 's/.*(NEEDED).*\[\(lib.*evmm.*\)\]/\1/p')
	ok_if "the $1 consumer needs $3 and nothing else of libevmm's" \
	    test "$needed" = "$3"
	LD_LIBRARY_PATH="$root$libdir" "$exe" >"$exe.out" 2>&1
	status=$?
	relay "$1 " "$exe.out"
	ok_if "the $1 consumer exits with status 0" test "$status" -eq 0
}
# static_consumer PKG EXPECT: the same, linked with pkg-config --static
# against the archive, so that it needs no libevmm at run time.
static_consumer() {
	exe=$stage/static-consumer-$1
	ok_if "a static consumer builds with pkg-config --static $1" \
	    $CC $CFLAGS -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$2 \
	    $($pc --static --cflags $1) -o "$exe" "$top_srcdir/tests/programs/consumer.c" \
	    $LDFLAGS $($pc --static --libs-only-L --libs-only-other $1) \
	    -Wl,-Bstatic $($pc --static --libs-only-l $1) -Wl,-Bdynamic
	if [ ! -x "$exe" ]; then
		skip "the static $1 consumer runs" "it did not build"
		return
	fi
	ok_if "the static $1 consumer needs no libevmm library" \
	    test -z "$(readelf -d "$exe" | grep 'NEEDED.*evmm')"
	# No LD_LIBRARY_PATH: nothing of libevmm is loaded at run time.
	ok_if "the static $1 consumer runs and exits 0" "$exe"
}
consumer $name 1 "$so1"
consumer $altname 0 "$so2"
static_consumer $name 1
static_consumer $altname 0

# The setter is absent from the suffixed variant: its headers do not
# declare it and its library does not define it.
printf '#include <event2/event.h>\nint main(void) { event_set_mem_functions(0, 0, 0); return 0; }\n' \
    >"$stage/setter.c"
ok_if "a call to event_set_mem_functions() builds against $name" \
    $CC -o "$stage/setter" "$stage/setter.c" $($pc --cflags --libs $name)
# fails_for_setter CC-ARGS...: the compiler fails, and says why.
fails_for_setter() {
	! "$@" >"$stage/setter.err" 2>&1 &&
	    grep 'event_set_mem_functions' "$stage/setter.err"
}
ok_if "a call to event_set_mem_functions() does not build against $altname" \
    fails_for_setter $CC -std=c99 -Werror=implicit-function-declaration \
    $($pc --cflags $altname) -o "$stage/setter-alt" "$stage/setter.c" \
    $($pc --libs $altname)
# --- configure refuses a suffix that would make a bad file name ------------

# rejects VALUE: configure stops and names the option.
rejects() {
	mkdir -p "$stage/conf" &&
	(cd "$stage/conf" && "$top_srcdir/configure" "--with-variant-suffix$1" \
	    >out 2>&1) && { echo "configure accepted it"; return 1; }
	grep 'error:.*--with-variant-suffix' "$stage/conf/out"
}
for bad in =../x =NoMM ""; do
	ok_if "configure rejects --with-variant-suffix$bad" rejects "$bad"
done

ok_if "lib$altname.so does not define event_set_mem_functions" \
    sh -c 'test -f "$1" && ! nm -D --defined-only "$1" |
	grep -qw event_set_mem_functions' sh "$root$libdir/lib$altname.so"
tap_done
