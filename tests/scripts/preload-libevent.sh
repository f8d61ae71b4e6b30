#!/bin/sh
# libevmm loaded in front of libevent: Debian's libevent-2.1.so.7 calls
# event_mm_*_() unversioned through its PLT, and those calls must still
# reach libevmm's versioned definitions.  A libevent program that never
# names libevmm runs with LD_PRELOAD=libevmm.so; the dynamic linker must
# bind libevent's event_mm_malloc_ to libevmm, and libevmm's EVMM_REPORT
# must count libevent's allocations.  Needs libevent-dev.
. "$top_srcdir/tests/scripts/tap.sh"

lib="$top_builddir/.libs/lib$EVMM_NAME.so"
[ -f "$lib" ] || skip_all "no ELF shared library was built ($lib)"
pc=${PKG_CONFIG:-pkg-config}
[ "$HAVE_LIBEVENT" = yes ] || skip_all "$EVMM_LIBEVENT_MISSING"

# A sanitizer's runtime must come first in the process: preload it too.
preload=
for rt in $(ldd "$lib" 2>/dev/null |
    sed -n 's/^[[:space:]]*lib[at]san\.so[^ ]* => \([^ ]*\) .*/\1/p'); do
	preload="$rt "
done
preload="$preload$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")"

dir=tests/scripts/preload-libevent.dir
rm -rf "$dir"
mkdir -p "$dir" || bail_out "cannot make $dir"
cat >"$dir/prog.c" <<'EOF'
#include <stdio.h>
#include <event2/buffer.h>
#include <event2/event.h>

int
main(void)
{
	struct event_base *base = event_base_new();
	struct evbuffer *buf = evbuffer_new();

	if (base == NULL || buf == NULL)
		return 1;
	if (evbuffer_add_printf(buf, "%d", 42) != 2)
		return 1;
	evbuffer_free(buf);
	event_base_free(base);
	return 0;
}
EOF
# Without libevmm's headers: the program knows only libevent.
ok_if "a libevent program builds with pkg-config --cflags --libs libevent" \
    ${CC:-cc} $CFLAGS $($pc --cflags libevent) -o "$dir/prog" "$dir/prog.c" \
    $LDFLAGS $($pc --libs libevent)
[ -x "$dir/prog" ] || { tap_done; exit 0; }

ok_if "it runs with lib$EVMM_NAME.so preloaded" \
    env LD_PRELOAD="$preload" EVMM_REPORT="$PWD/$dir/report" \
    LD_DEBUG=bindings LD_DEBUG_OUTPUT="$PWD/$dir/ld" "$dir/prog"

# LD_DEBUG_OUTPUT appends the process id.  The bindings stay in a file:
# under a sanitizer they are too many for an argument list.
bindings=$dir/bindings
cat "$dir"/ld.* >"$bindings" 2>/dev/null
if [ "$MM_REPLACEMENT" = yes ]; then
	ok_if "libevent's event_mm_malloc_ binds to lib$EVMM_NAME.so" \
	    grep -q -E "libevent[^ ]* .* to [^ ]*lib$EVMM_NAME\.so.*event_mm_malloc_'" \
	    "$bindings"
	grep "event_mm_malloc_'" "$bindings" | sed 's/^/# /'
	# The program makes no call to libevmm itself: every allocation
	# counted is libevent's.
	calls=$(awk -F= '$1 ~ /^(malloc|calloc|strdup|realloc)_calls$/ {
	    n += $2 } END { print n + 0 }' "$dir/report" 2>/dev/null)
	sed "s/^/# report: /" "$dir/report" 2>/dev/null
	ok_if "libevmm counted libevent's allocations (${calls:-no} calls)" \
	    test "${calls:-0}" -gt 0
else
	# This variant defines no event_mm_*_: libevent keeps its own.
	ok_if "libevent's event_mm_malloc_ stays libevent's own" \
	    grep -q -E "libevent[^ ]* .* to [^ ]*libevent[^ ]* .*event_mm_malloc_'" \
	    "$bindings"
	grep "event_mm_malloc_'" "$bindings" | sed 's/^/# /'
fi
rm -rf "$dir"
tap_done
