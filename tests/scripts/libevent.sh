#!/bin/sh
# libevmm beside libevent, as a user of both sees it: make install into a
# staged DESTDIR, then build tests/programs/with_libevent.c, which uses libevent
# (event_base_new(), an evbuffer) and libevmm's API in one file, with
# pkg-config --cflags --libs $EVMM_NAME libevent in both orders, and run
# it.  libevent's headers live in the same event2/ directory name as
# libevmm's event.h, event-config.h and visibility.h; see
# doc/libevent.md, "Beside libevent's headers".  Needs libevent's development files
# (Debian: libevent-dev).
. "$top_srcdir/tests/scripts/tap.sh"

pc=${PKG_CONFIG:-pkg-config}
[ "$HAVE_LIBEVENT" = yes ] || skip_all "$EVMM_LIBEVENT_MISSING"

stage_install libevent
evmm_inc="$root$includedir/$EVMM_NAME"

# The staged $EVMM_NAME.pc, its directories moved under the stage; found
# before any installed copy, and libevent's own .pc where it always is.
mkdir -p "$stage/pc"
sed -E -e "s,^(prefix|exec_prefix|libdir|includedir)=/,\\1=$root/," \
    "$root$libdir/pkgconfig/$EVMM_NAME.pc" >"$stage/pc/$EVMM_NAME.pc"
PKG_CONFIG_PATH="$stage/pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
printf '# pkg-config --cflags --libs %s libevent: %s\n' "$EVMM_NAME" \
    "$("$pc" --cflags --libs $EVMM_NAME libevent)"
echo "# libevent $("$pc" --modversion libevent)"
LD_LIBRARY_PATH="$root$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH

[ "$MM_REPLACEMENT" = yes ] && expect=1 || expect=0
# What libevent's own configuration says, read without libevmm's headers.
printf '#include <event2/event-config.h>\n#ifdef EVENT__DISABLE_MM_REPLACEMENT\n#error off\n#endif\ntypedef int x;\n' \
    >"$stage/mm.c"
if $CC $($pc --cflags libevent) -fsyntax-only "$stage/mm.c" 2>/dev/null; then
	libevent_mm=1
else
	libevent_mm=0
fi
echo "# libevent's allocator replacement: $libevent_mm; libevmm's: $expect"

# build NAME MODULES...: compile and link with pkg-config's flags for the
# modules in that order.
build() {
	name=$1
	shift
	$CC $CFLAGS -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
	    -DLIBEVENT_MM=$libevent_mm $("$pc" --cflags "$@") \
	    -o "$stage/$name" "$top_srcdir/tests/programs/with_libevent.c" \
	    $LDFLAGS $("$pc" --libs "$@")
}

# run NAME FIRST: one result per line the program prints, and one for its
# exit status.
run() {
	if [ ! -x "$stage/$1" ]; then
		skip "$1 runs" "it did not build"
		return
	fi
	"$stage/$1" "$2" >"$stage/$1.out" 2>&1
	status=$?
	relay "$1: " "$stage/$1.out"
	ok_if "$1 exits with status 0" test "$status" -eq 0
}

ok_if "with_libevent.c builds with pkg-config $EVMM_NAME libevent" \
    build evmm-first $EVMM_NAME libevent
run evmm-first evmm
ok_if "with_libevent.c builds with pkg-config libevent $EVMM_NAME" \
    build libevent-first libevent $EVMM_NAME
run libevent-first libevent

# evmm_stats_enable() cannot fail: it says once that it sees nothing.
if [ "$MM_REPLACEMENT" = yes ] && [ -f "$stage/libevent-first.out" ]; then
	said="libevmm: fault injection and statistics see only the calls that reach"
	ok_if "with libevent first, evmm_stats_enable() says once that it sees no call" \
	    test "$(grep -c -F "$said" "$stage/libevent-first.out")" -eq 1
	ok_if "with libevmm first, it says nothing of the kind" \
	    test "$(grep -c -F "$said" "$stage/evmm-first.out")" -eq 0
fi

# Both declare event_set_mem_functions(), extern "C" in C++ too.
if $CXX --version >/dev/null 2>&1; then
	ok_if "with_libevent.c compiles as C++ with both modules' flags" \
	    $CXX -x c++ -fsyntax-only -Wall -Wextra -Werror -pedantic \
	    -DEXPECT_MM_REPLACEMENT=$expect -DLIBEVENT_MM=$libevent_mm \
	    $("$pc" --cflags $EVMM_NAME libevent) "$top_srcdir/tests/programs/with_libevent.c"
else
	skip "with_libevent.c compiles as C++" "no C++ compiler ($CXX)"
fi

# The order is the linker's: the first library named comes first.
if command -v readelf >/dev/null 2>&1 && [ -x "$stage/evmm-first" ] &&
    [ -x "$stage/libevent-first" ]; then
	first_needed() {
		readelf -d "$1" | sed -n 's/.*NEEDED.*\[\(lib[^]]*\)\]/\1/p' |
		    grep -E -e "^lib$EVMM_NAME\\.so" -e '^libevent' | head -n 1
	}
	ok_if "libevmm comes before libevent in the first program's NEEDED list" \
	    matches "$(first_needed "$stage/evmm-first")" "^lib$EVMM_NAME\\.so"
	ok_if "libevent comes before libevmm in the second program's NEEDED list" \
	    matches "$(first_needed "$stage/libevent-first")" '^libevent'
else
	skip "the NEEDED order follows pkg-config's" "no readelf, or a build failed"
fi

# --- A program that knows libevmm only ---------------------------------------

# libevent's headers are installed, and libevmm's event.h includes them:
# a program that links libevmm alone must still build, because
# EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED speaks for libevmm.
ok_if "tests/programs/consumer.c builds against $EVMM_NAME alone beside libevent's headers" \
    $CC $CFLAGS -Wall -Wextra -Werror -DEXPECT_MM_REPLACEMENT=$expect \
    $("$pc" --cflags $EVMM_NAME) -o "$stage/consumer" \
    "$top_srcdir/tests/programs/consumer.c" $LDFLAGS $("$pc" --libs $EVMM_NAME)
if [ -x "$stage/consumer" ]; then
	ok_if "... and runs" "$stage/consumer"
else
	skip "... and runs" "it did not build"
fi

# --- A libevent configured the other way ---------------------------------------

# Debian's libevent replaces its allocator; one built with
# --disable-malloc-replacement is imitated by a minimal stand-in with
# libevent's include guards, found after libevmm's headers as a real one
# would be.  Compiled only: what each macro says.
fake="$stage/fake-libevent/event2"
mkdir -p "$fake"
cat >"$fake/event-config.h" <<'EOF'
#ifndef EVENT2_EVENT_CONFIG_H_INCLUDED_
#define EVENT2_EVENT_CONFIG_H_INCLUDED_
#define EVENT__DISABLE_MM_REPLACEMENT 1
#define FAKE_LIBEVENT 1
#endif
EOF
cat >"$fake/visibility.h" <<'EOF'
#ifndef EVENT2_VISIBILITY_H_INCLUDED_
#define EVENT2_VISIBILITY_H_INCLUDED_
#include <event2/event-config.h>
#define EVENT2_EXPORT_SYMBOL
#endif
EOF
cat >"$fake/event.h" <<'EOF'
#ifndef EVENT2_EVENT_H_INCLUDED_
#define EVENT2_EVENT_H_INCLUDED_
#include <stddef.h>
#include <event2/visibility.h>
#include <event2/event-config.h>
EVENT2_EXPORT_SYMBOL struct event_base *event_base_new(void);
#ifndef EVENT__DISABLE_MM_REPLACEMENT
EVENT2_EXPORT_SYMBOL void event_set_mem_functions(void *(*)(size_t),
    void *(*)(void *, size_t), void (*)(void *));
#define EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
#endif
#endif
EOF
cat >"$stage/other.c" <<EOF
#include <event2/event.h>
#include <event2/evmm_debug.h>
#if !defined(FAKE_LIBEVENT) || !defined(EVENT__DISABLE_MM_REPLACEMENT)
#error "libevent's event-config.h was not included, or not obeyed"
#endif
#if defined(EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED) != $expect || \\
    defined(EVMM_FAULT_INJECTION_IMPLEMENTED) != $expect
#error "the feature macros do not describe libevmm"
#endif
int main(void) {
	return event_base_new() != 0 &&
	    evmm_get_version_number() == EVMM_NUMERIC_VERSION;
}
EOF
ok_if "beside a libevent without allocator replacement, libevmm's macros describe libevmm" \
    $CC -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only \
    -I"$evmm_inc" -isystem "$stage/fake-libevent" "$stage/other.c"

# libevent's directory first on the path, as a libevent installed with an
# -I of its own can put it: <event2/event.h> is libevent's alone, and
# libevmm's API is still found by its own names, before or after it.
cat >"$stage/first.c" <<EOF
#include <event2/evmm_debug.h>
#include <event2/event.h>
#include <event2/evmm.h>
#if !defined(FAKE_LIBEVENT) || defined(EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED)
#error "<event2/event.h> is not libevent's alone"
#endif
#if defined(EVMM_FAULT_INJECTION_IMPLEMENTED) != $expect
#error "EVMM_FAULT_INJECTION_IMPLEMENTED does not describe libevmm"
#endif
int main(void) {
	return event_base_new() != 0 &&
	    evmm_get_version_number() == EVMM_NUMERIC_VERSION;
}
EOF
ok_if "with libevent's headers first on the path, libevmm's API is still found" \
    $CC -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only \
    -I"$stage/fake-libevent" -I"$evmm_inc" "$stage/first.c"
tap_done
