#!/bin/sh
# Build and test libevmm in both variants, the way CI does:
#
#   default   and   --disable-malloc-replacement
#
# each built out of tree (VPATH) under _build/, with warnings as errors:
#   gcc        make check, then the Check suite again in one process
#              (CK_FORK=no) under valgrind, then make distcheck (its
#              make check runs the Check suite only: the whole suite has
#              just run on the same sources, and tests/release/
#              dist-files.sh checks that the tarball holds them), then
#              make dist and every git-tracked file checked to be in the
#              tarball, the ABI against abi/ (make abi-check), then the
#              benchmark once with tiny counts (it must run); the
#              disabled variant is built as a distribution's second
#              package, --with-variant-suffix=nomm
#   clang      -std=c99 -pedantic -O0 -g, make check: warnings as clang
#              sees them, and the code paths of an unoptimised build:
#              the checks that need tail calls are skipped, and the
#              default variant is built without initial-exec TLS
#              (evmm_cv_tls_ie=no), so that the statistics' shared
#              counters, not the per-thread ones, run the whole suite
#              (DWARF 4: the valgrind that evmm-torture's tests use
#              cannot read clang's DWARF 5)
#   sanitize   gcc with AddressSanitizer and UndefinedBehaviorSanitizer
#   musl       musl-gcc, make check: a C library other than glibc, for
#              which configure finds that Check and libevent (built for
#              glibc) cannot be used, so make check skips the Check
#              suites and the libevent tests, saying why, and runs the
#              rest (skipped without musl-tools)
# and the default variant once more with gcc and ThreadSanitizer.  The
# two variants of a compiler and flags share one configure cache, since
# their feature checks are the same; the variant is an option, not a
# cached result.
#   fuzz       the libFuzzer targets in fuzz/ (fuzz/run.sh), built with
#              clang, ASan and UBSan from the clang build's configuration,
#              each run for a bounded time, 132 s in all (fuzz/run.sh
#              --budget; skipped without clang's fuzzer runtime);
# then, across variants:
#   side-by-side  both gcc builds installed into one staged prefix
#                 (tests/release/side-by-side.sh)
#   libevent-regress  libevent's own test/regress, built from Debian's
#                 source package of the installed libevent, under the
#                 gcc-default build's evmm-torture --preload
#                 (tests/release/libevent-regress.sh; skipped without
#                 the source: a deb-src entry, which .ci/run adds)
#   mingw         cross-built for Windows, DLL exports checked, and the
#                 programs run under wine (tests/release/mingw.sh; skipped
#                 without the cross-compiler, the runs without wine64)
#   debian        the example packaging in packaging/debian built with
#                 dpkg-buildpackage from the gcc-default tarball,
#                 checked with lintian and inspected (tests/release/debian.sh;
#                 skipped without debhelper)
#   rpm           the example packaging in packaging/rpm built with
#                 rpmbuild -ta from the same tarball, checked with
#                 rpmlint and inspected (tests/release/rpm.sh; skipped
#                 without rpm; its rpmlint check without rpmlint)
# The package builds skip their make check (nocheck), which the builds
# above already ran on the same tarball; EVMM_PACKAGE_CHECK=yes runs it.
#
# Every step has a time limit (EVMM_STEP_MINUTES, default 20): a step
# that hangs is killed and counted as a failure, with the tail of its
# log, so that the run still ends with its count.  Each step's line
# says how long it took.
# Every Check test and scripted check counts as one test; so does each
# distcheck and each build.  Ends with the list of what was skipped and
# why, then one line, "N passed, N failed, N skipped", and exits non-zero
# if anything failed.
#
# Needs: autoconf automake libtool pkgconf check gcc g++ clang valgrind
# mandoc libclang-rt-14-dev libevent-dev, and optionally abigail-tools,
# gcc-mingw-w64-x86-64-win32, wine64, debhelper, lintian, rpm, rpmlint
# and musl-tools (README.md has the apt-get line).  EVMM_JOBS sets make's -j.

set -u
srcdir=$(cd "$(dirname "$0")" && pwd)
cd "$srcdir" || exit 2
jobs=${EVMM_JOBS:-$(nproc 2>/dev/null || echo 2)}
limit=$((${EVMM_STEP_MINUTES:-20} * 60))
top=$srcdir/_build
passed=0 failed=0 skipped=0
mkdir -p "$top"
skips=$top/skipped.txt
: >"$skips"
rm -f "$top"/*.cache

say() { printf '%s\n' "$*"; }

# bounded COMMAND...: run it, killed with its children after $limit
# seconds (timeout(1) signals its whole process group); 124 then.
if command -v timeout >/dev/null 2>&1; then
	bounded() { timeout -k 30 "$limit" "$@"; }
else
	bounded() { "$@"; }
fi
# since: the seconds since the step began ($began), for its line.
since() { echo "$(($(date +%s) - began)) s"; }
# timed_out STATUS LOG: say so when bounded() killed the step.
timed_out() {
	[ "$1" -eq 124 ] || [ "$1" -eq 137 ] || return 0
	say "TIMEOUT: killed after $limit s (EVMM_STEP_MINUTES): see $2"
}

# record NAME STATUS LOG: one whole step as one test.
record() {
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		say "PASS: $1 ($(since))"
	else
		failed=$((failed + 1))
		say "FAIL: $1 ($(since); log: $3)"
		timed_out "$2" "$3"
		tail -n 40 "$3" | sed 's/^/    /'
	fi
}

# step NAME LOG COMMAND...: run, log, record; returns the command's status.
step() {
	step_name=$1 step_log=$2 began=$(date +%s)
	shift 2
	bounded "$@" >"$step_log" 2>&1
	step_status=$?
	record "$step_name" $step_status "$step_log"
	return $step_status
}

# check NAME BUILDDIR [MAKE-ARGS...]: make check, and count its results.
check() {
	check_name=$1 check_dir=$2 began=$(date +%s)
	shift 2
	find "$check_dir/tests" \( -name '*.trs' -o -name '*.log' \) \
	    -exec rm -f {} + 2>/dev/null
	bounded make -C "$check_dir" -j"$jobs" check "$@" \
	    >"$check_dir/$(echo "$check_name" | tr -c 'a-zA-Z0-9\n' -).out" 2>&1
	check_status=$?
	results=$(find "$check_dir/tests" -name '*.trs' -exec cat {} + 2>/dev/null |
		sed -n 's/^:test-result: *//p')
	p=$(printf '%s\n' "$results" | grep -c -x -e PASS -e XFAIL)
	f=$(printf '%s\n' "$results" | grep -c -x -e FAIL -e XPASS -e ERROR)
	s=$(printf '%s\n' "$results" | grep -c -x SKIP)
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	say "$check_name: $p passed, $f failed, $s skipped ($(since))"
	timed_out $check_status "$check_dir"
	if [ "$p" -eq 0 ]; then
		failed=$((failed + 1))
		say "FAIL: $check_name ran no test (log: $check_dir)"
	fi
	# A test program killed before it wrote its results leaves none to
	# count: make's status is then the only sign.
	if [ "$check_status" -ne 0 ] && [ "$f" -eq 0 ]; then
		failed=$((failed + 1))
		say "FAIL: $check_name: make check failed with no failed test counted (log: $check_dir)"
	fi
	find "$check_dir/tests" -name '*.log' \
	    -exec grep -h -E -A 20 '^(FAIL|ERROR|XPASS)' {} + \
	    2>/dev/null | sed 's/^/    /'
	# "SKIP: tests/scripts/x.sh 3 - what # SKIP why", or
	# "SKIP: tests/scripts/x.sh - why".
	find "$check_dir/tests" -name '*.log' -exec grep -h '^SKIP:' {} + \
	    2>/dev/null | sed "s|^SKIP: |$check_name: |" >>"$skips"
}

# tap NAME LOG COMMAND...: run a script that prints TAP outside make
# check, and count each of its results.
tap() {
	tap_name=$1 tap_log=$2 began=$(date +%s)
	shift 2
	bounded "$@" >"$tap_log" 2>&1
	tap_status=$?
	p=$(grep -c -E '^ok [0-9]+' "$tap_log")
	s=$(grep -c -E '^ok [0-9]+.*# SKIP' "$tap_log")
	f=$(grep -c -E '^not ok [0-9]+' "$tap_log")
	p=$((p - s))
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	say "$tap_name: $p passed, $f failed, $s skipped ($(since))"
	timed_out $tap_status "$tap_log"
	# A script that could not run at all counts as one skipped test.
	if grep -q -E '^1\.\.0 # SKIP' "$tap_log"; then
		skipped=$((skipped + 1))
		grep -E '^1\.\.0 # SKIP' "$tap_log" |
		    sed "s/^1\.\.0 # /SKIP: $tap_name: /"
		sed -n "s/^1\.\.0 # SKIP */$tap_name: /p" "$tap_log" >>"$skips"
	fi
	sed -n "s/^ok [0-9]* *-* *\(.*\) # SKIP \(.*\)/$tap_name: \1 - \2/p" \
	    "$tap_log" >>"$skips"
	if [ $tap_status -ne 0 ] || grep -q '^Bail out!' "$tap_log" ||
	    ! grep -q -E '^1\.\.[0-9]+' "$tap_log"; then
		failed=$((failed + 1))
		say "FAIL: $tap_name did not finish (log: $tap_log)"
		tail -n 20 "$tap_log" | sed 's/^/    /'
	fi
	grep -E -A 10 '^not ok' "$tap_log" | sed 's/^/    /'
}

# build NAME VARIANT-FLAGS CONFIGURE-ARGS...: configure, make, make check.
# NAME is COMPILER-VARIANT; the builds of one COMPILER share a configure
# cache.  Leaves $b set to the build directory.  Returns non-zero if it
# could not build.
build() {
	name=$1 vflags=$2
	shift 2
	b=$top/$name
	rm -rf "$b"
	mkdir -p "$b"
	step "$name: configure" "$b/configure.out" \
	    sh -c 'cd "$1" && shift && "$@"' sh "$b" \
	    "$srcdir/configure" --cache-file="$top/${name%-*}.cache" \
	    --enable-werror $vflags "$@" || return 1
	step "$name: make" "$b/make.out" make -C "$b" -j"$jobs" || return 1
	check "$name: make check" "$b"
}

if [ -f config.status ]; then
	say "test-all.sh: $srcdir is configured in place, which rules out the" >&2
	say "out-of-tree builds this script makes; run 'make distclean' there." >&2
	exit 2
fi

if [ -d .git ] || [ ! -x configure ]; then
	mkdir -p "$top"
	step "autoreconf" "$top/autoreconf.out" \
	    autoreconf -fi --warnings=all,error
fi

sbs_default= sbs_nomm= release=
for variant in default disabled; do
	if [ $variant = default ]; then vflags=; else
		vflags=--disable-malloc-replacement; fi

	# The gcc build of the disabled variant is the one a distribution
	# installs beside the default: with a suffix.
	gflags=$vflags
	[ $variant = default ] || gflags="$vflags --with-variant-suffix=nomm"
	if build "gcc-$variant" "$gflags" CC=gcc CXX=g++; then
		gb=$b
		[ $variant = default ] && sbs_default=$b || sbs_nomm=$b
		# Tests tagged "stress" take hours under valgrind.
		valgrind="env CK_FORK=no CK_EXCLUDE_TAGS=stress \
$gb/libtool --mode=execute valgrind --quiet --error-exitcode=1 \
--leak-check=full --errors-for-leak-kinds=definite,indirect"
		check "gcc-$variant: CK_FORK=no under valgrind" \
		    "$gb" TESTS=tests/unit/check_evmm LOG_COMPILER="$valgrind"
		step "gcc-$variant: make distcheck" "$gb/distcheck.out" \
		    make -C "$gb" -j"$jobs" distcheck \
		    DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
		    TESTS=tests/unit/check_evmm
		# The release is the tarball: it must hold what git tracks,
		# and the Debian packages are built from it.
		rm -f "$gb"/*.tar.gz
		if step "gcc-$variant: make dist" "$gb/dist.out" \
		    make -C "$gb" dist; then
			tarball=$(ls "$gb"/*.tar.gz)
			[ $variant = default ] && release=$tarball
			tap "gcc-$variant: dist-files" "$gb/dist-files.out" \
			    "$srcdir/tests/release/dist-files.sh" "$tarball"
		fi
		tap "gcc-$variant: abi-check" "$gb/abi-check.out" \
		    make -s -C "$gb" abi-check
		# The benchmark's figures are reported by make bench, never
		# asserted; here it only has to run.
		step "gcc-$variant: make bench (smoke)" "$gb/bench.out" \
		    make -C "$gb" bench BENCH_FLAGS=--smoke
	fi

	clang_flags=$vflags
	[ $variant = default ] && clang_flags=evmm_cv_tls_ie=no
	build "clang-$variant" "$clang_flags" CC=clang CXX=clang++ \
	    CFLAGS="-O0 -gdwarf-4 -std=c99 -pedantic"

	san="-fsanitize=address,undefined -fno-sanitize-recover=all"
	build "sanitize-$variant" "$vflags" CC=gcc CXX=g++ \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer $san" LDFLAGS="$san"

	if command -v musl-gcc >/dev/null 2>&1; then
		build "musl-$variant" "$vflags" CC=musl-gcc
	else
		skipped=$((skipped + 1))
		say "SKIP: musl-$variant: no musl-gcc (Debian: apt-get install musl-tools)"
		echo "musl-$variant: no musl-gcc (Debian: musl-tools)" >>"$skips"
	fi
done

# The allocator table is shared between threads in the default variant
# only; its "Race" tests replace it while threads allocate.
tsan="-fsanitize=thread"
build "tsan-default" "" CC=gcc CXX=g++ \
    CFLAGS="-O1 -g $tsan" LDFLAGS="$tsan"

# The parsers of the environment, which a hostile caller controls,
# against references written apart from them.  Each target is one test;
# its line says how many inputs it ran.
if [ -f "$top/clang-default/config.h" ]; then
	tap "fuzz" "$top/fuzz.out" \
	    "$srcdir/fuzz/run.sh" "$top/clang-default" "$top/fuzz"
	grep -E '^ok [0-9]+ - ' "$top/fuzz.out" | sed 's/^ok [0-9]* - /    /'
else
	failed=$((failed + 1))
	say "FAIL: fuzz: the clang build was not configured, so it could not run"
fi

if [ -n "$sbs_default" ] && [ -n "$sbs_nomm" ]; then
	tap "side-by-side" "$top/side-by-side.out" env CC=gcc \
	    "$srcdir/tests/release/side-by-side.sh" "$sbs_default" "$sbs_nomm"
else
	failed=$((failed + 1))
	say "FAIL: side-by-side: a gcc build failed, so it could not run"
fi

if [ -n "$sbs_default" ]; then
	tap "libevent-regress" "$top/libevent-regress.out" \
	    "$srcdir/tests/release/libevent-regress.sh" "$sbs_default" \
	    "$top/libevent-regress"
else
	failed=$((failed + 1))
	say "FAIL: libevent-regress: the gcc-default build failed, so it could not run"
fi

tap "mingw" "$top/mingw.out" "$srcdir/tests/release/mingw.sh" "$top/mingw"

if [ -n "$release" ]; then
	tap "debian" "$top/debian.out" \
	    "$srcdir/tests/release/debian.sh" "$release" "$top/debian"
	tap "rpm" "$top/rpm.out" \
	    "$srcdir/tests/release/rpm.sh" "$release" "$top/rpm"
else
	failed=$((failed + 2))
	say "FAIL: debian, rpm: gcc-default made no tarball to package"
fi

if [ -s "$skips" ]; then
	say "Skipped, and why:"
	sed 's/^/  /' "$skips"
fi
say "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
