#!/bin/sh
# What a user of the installed package sees: make install into a staged
# DESTDIR, then check the file list and the manual pages, compile every
# installed header on its own as C and as C++, and build and run a
# consumer with pkg-config's flags, linked dynamically and statically.
# EVMM_NAME is evmm, or evmm-SUFFIX with --with-variant-suffix=SUFFIX.
. "$top_srcdir/tests/scripts/tap.sh"

stage_install stage
headers="$root$includedir/$EVMM_NAME/event2"

# --- The file list -------------------------------------------------------

files=$(cd "$root" && find . ! -type d | sed 's|^\.||' | LC_ALL=C sort)
printf '%s\n' "$files" | sed 's/^/# installed: /'

# Where libevent's development package puts its files.
ok_if "nothing installed in libevent's $includedir/event2" \
    test ! -e "$root$includedir/event2"
ok_if "no installed file is named like libevent's" \
    test -z "$(printf '%s\n' "$files" | grep '/libevent[^/]*$')"
unexpected=$(printf '%s\n' "$files" | grep -v \
    -e "^$includedir/$EVMM_NAME/event2/[a-z_-]*\.h\$" \
    -e "^$libdir/lib$EVMM_NAME\.[a-z.0-9]*\$" \
    -e "^$libdir/pkgconfig/$EVMM_NAME\.pc\$" \
    -e "^$mandir/man[13]/[A-Za-z_-]*\.[13]\$" \
    -e "^$bindir/evmm-torture\$")
ok_if "every installed file is a header, the library, $EVMM_NAME.pc, a man page or evmm-torture" \
    test -z "$unexpected"
[ -z "$unexpected" ] || printf '%s\n' "$unexpected" | sed 's/^/# unexpected: /'
# The pages are the same in every variant (each says how they differ).
for page in evmm_set_allocator evmm_get_allocator; do
	ok_if "man page $page(3) is installed" \
	    test -f "$root$mandir/man3/$page.3"
done
ok_if "the generated evmm_config.h is installed" \
    test -f "$headers/evmm_config.h"
ok_if "event-config.h, libevent's name for it, is installed" \
    test -f "$headers/event-config.h"
# The variant is written into the generated event-config.h, under
# libevent's name, as libevent does.
if [ "$MM_REPLACEMENT" = yes ]; then
	ok_if "event-config.h does not define EVENT__DISABLE_MM_REPLACEMENT" \
	    test -z "$(grep '^#define EVENT__DISABLE_MM_REPLACEMENT' "$headers/event-config.h")"
else
	ok_if "event-config.h defines EVENT__DISABLE_MM_REPLACEMENT" \
	    grep -q '^#define EVENT__DISABLE_MM_REPLACEMENT 1$' "$headers/event-config.h"
fi
# Nothing but EVENT__ macros, EVENT2_EXPORT_SYMBOL and include guards: no
# PACKAGE_*, VERSION, STDC_HEADERS or _GNU_SOURCE leaks into a user's build.
leaks=$(sed -n 's/^[[:space:]]*#[[:space:]]*define[[:space:]]*\([A-Za-z0-9_]*\).*/\1/p' \
    "$headers/evmm_config.h" "$headers/event-config.h" | grep -v -e '^EVENT__' \
    -e '^EVENT2_EXPORT_SYMBOL$' -e '^EVMM_[A-Z_]*_H_INCLUDED_$')
ok_if "evmm_config.h and event-config.h define only EVENT__ macros" test -z "$leaks"
[ -z "$leaks" ] || printf '%s\n' "$leaks" | sed 's/^/# leaked: /'

# --- Every header alone ---------------------------------------------------

strict="-Wall -Wextra -Werror -pedantic -fsyntax-only -I$root$includedir/$EVMM_NAME"
# one_c99_error COMPILE...: it fails with exactly one diagnostic, ours.
one_c99_error() {
	c89_out=$("$@" 2>&1) && return 1
	printf '%s\n' "$c89_out"
	[ "$(printf '%s\n' "$c89_out" | grep -c -E '(error|warning):')" -eq 1 ] &&
	    printf '%s\n' "$c89_out" | grep -q "headers need C99"
}
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
	# The headers are C99: a C89 compile stops at one #error saying so.
	ok_if "$name stops a C89 compile with one #error naming C99" \
	    one_c99_error $CC -std=c89 $strict -x c "$stage/one.c"
done

# --- pkg-config and a consumer ---------------------------------------------

PKG_CONFIG_LIBDIR="$root$libdir/pkgconfig"
PKG_CONFIG_SYSROOT_DIR="$root"
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
pc=${PKG_CONFIG:-pkg-config}

ok_if "pkg-config --modversion $EVMM_NAME is $PACKAGE_VERSION" \
    test "$($pc --modversion $EVMM_NAME)" = "$PACKAGE_VERSION"
ok_if "pkg-config --variable=mm_replacement $EVMM_NAME is $MM_REPLACEMENT" \
    test "$($pc --variable=mm_replacement $EVMM_NAME)" = "$MM_REPLACEMENT"
ok_if "pkg-config --libs $EVMM_NAME links -l$EVMM_NAME" \
    matches "$($pc --libs $EVMM_NAME)" -e "-l$EVMM_NAME\\b"

[ "$MM_REPLACEMENT" = yes ] && expect=1 || expect=0
ok_if "a consumer builds with pkg-config --cflags --libs $EVMM_NAME" \
    $CC $CFLAGS -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
    $($pc --cflags $EVMM_NAME) -o "$stage/consumer" "$top_srcdir/tests/programs/consumer.c" \
    $LDFLAGS $($pc --libs $EVMM_NAME)

# run_consumer NAME: run it against the staged library, one result per
# line it prints and one for its exit status.
run_consumer() {
	if [ ! -x "$stage/$1" ]; then
		skip "the $1 runs" "it did not build"
		return
	fi
	# The staged library, not one installed on the machine.
	LD_LIBRARY_PATH="$root$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
	    "$stage/$1" >"$stage/$1.out" 2>&1
	status=$?
	relay "${1%consumer}" "$stage/$1.out"
	ok_if "the $1 exits with status 0" test "$status" -eq 0
}
run_consumer consumer

# The installed evmm-torture fails each of the consumer's allocations in
# turn: it must survive every one (not under ThreadSanitizer, whose
# runtime thread hangs work between fork() and exec()).
torture="$root$bindir/evmm-torture"
case "$MM_REPLACEMENT $CFLAGS " in
no*)	;;
*-fsanitize=thread*)
	skip "the installed evmm-torture passes the consumer" \
	    "evmm-torture is built with ThreadSanitizer here" ;;
*)	if [ -x "$torture" ] && [ -x "$stage/consumer" ]; then
		out=$(LD_LIBRARY_PATH="$root$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
		    "$torture" -j 2 -- "$stage/consumer" 2>&1)
		status=$?
		printf '%s\n' "$out" | sed 's/^/# /'
		ok_if "the installed evmm-torture passes the consumer" \
		    test "$status" -eq 0
	else
		skip "the installed evmm-torture passes the consumer" \
		    "no evmm-torture (no fork()) or no consumer"
	fi ;;
esac

# --- Static linking ----------------------------------------------------------

# Only libevmm is linked statically here: -Bstatic around pkg-config's -l
# flags, the way a program that vendors one library links it.  A fully
# -static link would also work, but not in the sanitizer builds.
if [ -f "$root$libdir/lib$EVMM_NAME.a" ]; then
	ok_if "pkg-config --static --cflags $EVMM_NAME defines EVMM_STATIC" \
	    matches "$($pc --static --cflags $EVMM_NAME)" -e '-DEVMM_STATIC'
	ok_if "a consumer links lib$EVMM_NAME.a with pkg-config --static" \
	    $CC $CFLAGS -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
	    $($pc --static --cflags $EVMM_NAME) -o "$stage/static-consumer" \
	    "$top_srcdir/tests/programs/consumer.c" $LDFLAGS \
	    $($pc --static --libs-only-L --libs-only-other $EVMM_NAME) \
	    -Wl,-Bstatic $($pc --static --libs-only-l $EVMM_NAME) -Wl,-Bdynamic
	if [ -x "$stage/static-consumer" ] &&
	    command -v readelf >/dev/null 2>&1; then
		needed=$(readelf -d "$stage/static-consumer" | grep NEEDED)
		printf '%s\n' "$needed" | sed 's/^/# /'
		ok_if "the static consumer does not need lib$EVMM_NAME.so" \
		    test -z "$(printf '%s\n' "$needed" | grep -F "lib$EVMM_NAME.so")"
	else
		skip "the static consumer does not need lib$EVMM_NAME.so" \
		    "no static consumer, or no readelf"
	fi
	run_consumer static-consumer

	# The environment is read by the library's start-up, which a static
	# link must pull in even for a program that calls only
	# event_mm_malloc_() and event_mm_free_(): tests/programs/fault_env.c.
	if [ "$MM_REPLACEMENT" = yes ]; then
		ok_if "tests/programs/fault_env.c links lib$EVMM_NAME.a with pkg-config --static" \
		    $CC $CFLAGS -Wall -Wextra -Werror \
		    $($pc --static --cflags $EVMM_NAME) -o "$stage/static-fault-env" \
		    "$top_srcdir/tests/programs/fault_env.c" $LDFLAGS \
		    $($pc --static --libs-only-L --libs-only-other $EVMM_NAME) \
		    -Wl,-Bstatic $($pc --static --libs-only-l $EVMM_NAME) -Wl,-Bdynamic
		if [ -x "$stage/static-fault-env" ]; then
			out=$(EVMM_FAULT=nth=1 "$stage/static-fault-env" 2>&1)
			ok_if "linked statically, EVMM_FAULT=nth=1 fails its first allocation" \
			    test "$out" = "FAIL ok ok ok ok"
			[ "$out" = "FAIL ok ok ok ok" ] || echo "# got \"$out\""
			out=$(EVMM_STATS=1 "$stage/static-fault-env" 2>&1 >/dev/null)
			ok_if "linked statically, EVMM_STATS=1 prints the summary" \
			    matches "$out" -F "libevmm: EVMM_STATS: allocation statistics of process"
		else
			skip "the statically linked fault_env runs" "it did not build"
		fi
	fi
else
	skip "static linking" "lib$EVMM_NAME.a was not installed (--disable-static?)"
fi

# --- Manual pages ----------------------------------------------------------

# Every function has a page under its own name (a link for those documented
# on another's page) that names it.
for fn in $(grep -v '^#' "$top_srcdir/tests/scripts/exports-default.txt"); do
	page="$root$mandir/man3/$fn.3"
	ok_if "man3/$fn.3 is installed and documents $fn" \
	    sh -c 'test -f "$1" && sed -n "/^\.SH NAME/,/^\.SH/p" "$1" |
		grep -q -w -e "$2"' sh "$page" "$fn"
done
tap_done
