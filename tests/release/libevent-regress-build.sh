#!/bin/sh
# libevent's own regression suite, test/regress, built from Debian's
# source package of the libevent installed here, and linked against the
# installed shared libraries, whose allocations evmm-torture --preload
# can then fail:
#
#   tests/release/libevent-regress-build.sh WORKDIR
#
# Fetches the source with apt-get source (which needs a deb-src entry
# for the suite the installed version came from: doc/testing.md) into
# WORKDIR/src, builds test/regress alone in WORKDIR/build, and prints
# its path.  What is already there is used again.  When it cannot (not
# Debian, no libevent-dev, no deb-src entry), it says why on standard
# error and exits 77; on any other failure, 1.  Used by
# tests/release/libevent-regress.sh and bench/libevent-regress.sh.
set -u
[ $# -eq 1 ] || { echo "usage: $0 WORKDIR" >&2; exit 2; }
work=$1
jobs=${EVMM_JOBS:-2}

cannot() { echo "$*" >&2; exit 77; }
fail() { echo "$*" >&2; exit 1; }

command -v dpkg-query >/dev/null 2>&1 || cannot "not Debian (no dpkg-query)"
# The binary package that holds libevent_core-2.1.so.7, and its version:
# the source to build is exactly that one, security updates included
# (they change the tests too).
version=$(dpkg-query -W -f '${Version}' libevent-core-2.1-7 2>/dev/null) ||
	version=
[ -n "$version" ] || cannot "libevent 2.1 is not installed (libevent-dev)"
pkg-config --exists libevent_core libevent_extra libevent_pthreads \
    2>/dev/null || cannot "no libevent-dev"

mkdir -p "$work" || fail "cannot make $work"
work=$(cd "$work" && pwd)
stamp=$work/src/.version
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$version" ]; then
	rm -rf "$work/src" "$work/fetch" "$work/build"
	mkdir -p "$work/fetch"
	if ! (cd "$work/fetch" && apt-get source -q libevent="$version") \
	    >"$work/fetch.log" 2>&1; then
		sed 's/^/  /' "$work/fetch.log" >&2
		cannot "apt-get source libevent=$version failed: no deb-src entry for its suite? (doc/testing.md)"
	fi
	dir=$(find "$work/fetch" -mindepth 1 -maxdepth 1 -type d -name 'libevent-*' | head -n 1)
	[ -n "$dir" ] && [ -x "$dir/configure" ] ||
		fail "apt-get source gave no libevent tree with a configure"
	mv "$dir" "$work/src" || fail "cannot move the source into place"
	rm -rf "$work/fetch"
	# Debian's patches touch Makefile.am (link flags only): the
	# generated files stay newer, so that make does not run an
	# automake of another version than the one that made them.
	(cd "$work/src" && touch aclocal.m4 && sleep 1 && touch configure &&
	    sleep 1 && find . -name Makefile.in -exec touch {} + &&
	    if [ -f config.h.in ]; then touch config.h.in; fi)
	echo "$version" >"$stamp"
fi

regress=$work/build/test/regress
if [ ! -x "$regress" ]; then
	mkdir -p "$work/build"
	(cd "$work/build" &&
	    "$work/src/configure" -q -C --disable-openssl --disable-samples \
	    --disable-static --disable-dependency-tracking) \
	    >"$work/configure.log" 2>&1 ||
		{ tail -n 20 "$work/configure.log" >&2; fail "configure failed"; }
	# test/regress alone, linked against the installed libraries, not
	# the tree's: no library is built.
	make -C "$work/build" -j"$jobs" include/event2/event-config.h \
	    >"$work/make.log" 2>&1 &&
	make -C "$work/build" -j"$jobs" test/regress \
	    test_regress_LDADD="$(pkg-config --libs libevent_core libevent_extra libevent_pthreads) -lz" \
	    test_regress_DEPENDENCIES= TESTPROGRAMS= >>"$work/make.log" 2>&1 ||
		{ tail -n 20 "$work/make.log" >&2; fail "make test/regress failed"; }
fi
# Through the installed shared library, whose event_mm_*_ calls go
# through the dynamic symbol table: that is what --preload needs.
core=$(ldd "$regress" | sed -n 's/.*libevent_core-2\.1\.so[.0-9]* => \([^ ]*\) .*/\1/p')
case $core in
"" | "$work"/*) fail "$regress is not linked against the installed libevent_core" ;;
esac
echo "$regress"
