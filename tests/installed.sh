#!/bin/sh
# What a user of the installed package sees: make install into a staged
# DESTDIR, then check the file list, compile every installed header on its
# own as C and as C++, and build and run a consumer with pkg-config's flags.
. "$top_srcdir/tests/tap.sh"

stage=$(mktemp -d "${TMPDIR:-/tmp}/evmm-stage.XXXXXX") ||
	bail_out "cannot make a staging directory"
trap 'rm -rf "$stage"' EXIT

log="$stage/install.log"
if ! $MAKE -C "$top_builddir" install DESTDIR="$stage/root" >"$log" 2>&1; then
	sed 's/^/# /' "$log"
	bail_out "make install DESTDIR=... failed"
fi
root="$stage/root"
headers="$root$includedir/evmm/event2"

# --- The file list -------------------------------------------------------

files=$(cd "$root" && find . ! -type d | sed 's|^\.||' | LC_ALL=C sort)
printf '%s\n' "$files" | sed 's/^/# installed: /'

# Where libevent's development package puts its files.
ok_if "nothing installed in libevent's $includedir/event2" \
    test ! -e "$root$includedir/event2"
ok_if "no installed file is named like libevent's" \
    test -z "$(printf '%s\n' "$files" | grep '/libevent[^/]*$')"
unexpected=$(printf '%s\n' "$files" | grep -v \
    -e "^$includedir/evmm/event2/[a-z-]*\.h\$" \
    -e "^$libdir/libevmm\.[a-z.0-9]*\$" \
    -e "^$libdir/pkgconfig/evmm\.pc\$" \
    -e "^$mandir/man3/[a-z_]*\.3\$")
ok_if "every installed file is a header, the library, evmm.pc or a man page" \
    test -z "$unexpected"
[ -z "$unexpected" ] || printf '%s\n' "$unexpected" | sed 's/^/# unexpected: /'
for page in evmm_set_allocator evmm_get_allocator; do
	if [ "$MM_REPLACEMENT" = yes ]; then
		ok_if "man page $page(3) is installed" \
		    test -f "$root$mandir/man3/$page.3"
	else
		ok_if "no man page $page(3) for an API this variant lacks" \
		    test ! -e "$root$mandir/man3/$page.3"
	fi
done
ok_if "the generated event-config.h is installed" \
    test -f "$headers/event-config.h"
# Nothing but EVENT__ macros and its include guard: no PACKAGE_*,
# VERSION, STDC_HEADERS or _GNU_SOURCE leaks into a user's build.
leaks=$(sed -n 's/^[[:space:]]*#[[:space:]]*define[[:space:]]*\([A-Za-z0-9_]*\).*/\1/p' \
    "$headers/event-config.h" | grep -v -e '^EVENT__' -e '^EVENT2_EVENT_CONFIG_H_INCLUDED_$')
ok_if "event-config.h defines only EVENT__ macros" test -z "$leaks"
[ -z "$leaks" ] || printf '%s\n' "$leaks" | sed 's/^/# leaked: /'

# --- Every header alone ---------------------------------------------------

strict="-Wall -Wextra -Werror -pedantic -fsyntax-only -I$root$includedir/evmm"
if $CXX --version >/dev/null 2>&1; then have_cxx=yes; else have_cxx=no; fi
for h in "$headers"/*.h; do
	name=event2/${h##*/}
	for defs in "" "-DEVMM_SHORT_NAMES"; do
		# The declaration keeps the file from being empty, which
		# ISO C forbids, for headers that declare nothing.
		printf '#include <%s>\ntypedef int evmm_header_test;\n' \
		    "$name" >"$stage/one.c"
		ok_if "$name ${defs:+($defs) }compiles alone as C99" \
		    $CC -std=c99 $defs $strict -x c "$stage/one.c"
		if [ $have_cxx = yes ]; then
			ok_if "$name ${defs:+($defs) }compiles alone as C++" \
			    $CXX $defs $strict -x c++ "$stage/one.c"
		else
			skip "$name compiles alone as C++" "no C++ compiler ($CXX)"
		fi
	done
done

# --- pkg-config and a consumer ---------------------------------------------

PKG_CONFIG_LIBDIR="$root$libdir/pkgconfig"
PKG_CONFIG_SYSROOT_DIR="$root"
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
pc=${PKG_CONFIG:-pkg-config}

ok_if "pkg-config --modversion evmm is $PACKAGE_VERSION" \
    test "$($pc --modversion evmm)" = "$PACKAGE_VERSION"
ok_if "pkg-config --variable=mm_replacement evmm is $MM_REPLACEMENT" \
    test "$($pc --variable=mm_replacement evmm)" = "$MM_REPLACEMENT"

[ "$MM_REPLACEMENT" = yes ] && expect=1 || expect=0
ok_if "a consumer builds with pkg-config --cflags --libs evmm" \
    $CC $CFLAGS -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
    $($pc --cflags evmm) -o "$stage/consumer" "$top_srcdir/tests/consumer.c" \
    $LDFLAGS $($pc --libs evmm)

if [ -x "$stage/consumer" ]; then
	# The staged library, not one installed on the machine.
	LD_LIBRARY_PATH="$root$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
	    "$stage/consumer" >"$stage/consumer.out" 2>&1
	status=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*|"not ok - "*)
			tap_count=$((tap_count + 1))
			echo "${line%%- *}$tap_count - ${line#*- }"
			;;
		*)	echo "# $line" ;;
		esac
	done <"$stage/consumer.out"
	ok_if "the consumer exits with status 0" test "$status" -eq 0
else
	skip "the consumer runs" "it did not build"
fi
tap_done
