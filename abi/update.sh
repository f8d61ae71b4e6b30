#!/bin/sh
# Rewrite both variants' ABI baselines, abi/libevmm.abi and
# abi/libevmm-nomm.abi, from fresh builds of this source tree:
#
#   abi/update.sh
#
# Run it when -version-info changes (Makefile.am), that is when a release
# is made, and commit the baselines with it.  Each variant is built as a
# distribution builds it (the second one with --with-variant-suffix=nomm,
# so its SONAME is libevmm-nomm's) with debug information, in a scratch
# directory, and written by make abi-baseline.  Needs abigail-tools.
set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
[ -x "$top_srcdir/configure" ] || (cd "$top_srcdir" && autoreconf -fi)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/evmm-abi.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
for variant in default nomm; do
	flags=
	[ $variant = default ] ||
		flags="--disable-malloc-replacement --with-variant-suffix=nomm"
	b=$scratch/$variant
	mkdir -p "$b"
	(cd "$b" && "$top_srcdir/configure" CFLAGS='-g -O2' $flags >configure.out &&
	    make >make.out && make abi-baseline) ||
		{ tail -n 30 "$b"/*.out >&2
		  echo "$0: the $variant variant failed" >&2; exit 1; }
done
