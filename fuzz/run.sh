#!/bin/sh
# Build the libFuzzer targets in fuzz/ with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer, and run each for a bounded time.
#
#   fuzz/run.sh BUILDDIR WORKDIR
#
# BUILDDIR is a configured build of the default variant (for config.h and
# event2/event-config.h); the targets are built from the sources, not
# from its objects, with coverage instrumentation.  WORKDIR receives the
# programs, the corpora they grow (the committed seeds in fuzz/corpus are
# only read), their logs and any crashing input.
#
# Prints TAP, one line per target with the number of inputs it ran.  A
# crash, a sanitizer report or a broken oracle is "not ok"; without
# clang's libFuzzer runtime the whole run is skipped, with the reason.
#
# EVMM_FUZZ_SECONDS (default 60) sets the time: fault_spec and fault_set
# get three fifths of it each, report (the EVMM_REPORT file's text) two
# fifths, process_key (EVMM_REPORT=DIRECTORY's keys) and stats_switch, a
# three-way switch, one fifth each, sites (EVMM_SITES, a number) and
# fault_process (EVMM_FAULT_PROCESS, compared with one key) a tenth
# each; 132 s in all by default.  FUZZ_CC names the compiler (default
# clang).

set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
seconds=${EVMM_FUZZ_SECONDS:-60}
fz=$srcdir/fuzz
lib=$srcdir/lib

# targets: each target, as "fuzz NAME SECONDS CORPUS [DICTIONARY] --
# SOURCES...".  fuzz_fault_set and fuzz_fault_process call the API, so
# they take the whole library (the sources of lib/local.mk's default
# variant); the others, the parts they test.
targets() {
	fuzz fault_spec $(( (seconds * 3 + 4) / 5 )) "$fz/corpus/fault_spec" \
	    "$fz/fault_spec.dict" -- \
	    "$fz/fuzz_fault_spec.c" "$fz/reference.c" "$lib/parse.c"
	fuzz fault_set $(( (seconds * 3 + 4) / 5 )) "$fz/corpus/fault_spec" \
	    "$fz/fault_spec.dict" -- \
	    "$fz/fuzz_fault_set.c" "$fz/reference.c" $library
	fuzz report $(( (seconds * 2 + 4) / 5 )) "$fz/corpus/report" \
	    "$fz/report.dict" -- \
	    "$fz/fuzz_report.c" "$fz/reference.c" "$lib/text.c"
	fuzz stats_switch $(( (seconds + 4) / 5 )) "$fz/corpus/stats_switch" -- \
	    "$fz/fuzz_stats_switch.c" "$fz/reference.c" "$lib/parse.c"
	fuzz sites $(( (seconds + 9) / 10 )) "$fz/corpus/sites" -- \
	    "$fz/fuzz_sites.c" "$fz/reference.c" "$lib/parse.c" "$lib/sites.c" \
	    "$lib/live.c" "$lib/report.c" "$lib/report-files.c" "$lib/text.c"
	# fuzz_process_key includes lib/report.c, to reach its key builder.
	fuzz process_key $(( (seconds + 4) / 5 )) "$fz/corpus/process_key" \
	    "$fz/process.dict" -- \
	    "$fz/fuzz_process_key.c" "$fz/reference.c" "$lib/text.c" \
	    "$lib/report-files.c"
	fuzz fault_process $(( (seconds + 9) / 10 )) "$fz/corpus/fault_process" \
	    "$fz/process.dict" -- \
	    "$fz/fuzz_fault_process.c" "$fz/reference.c" $library
}
# The whole library's sources (no paths with spaces: split on purpose).
library=$(for f in version mm checked parse text report report-files summary \
    crash sites live stats fault snapshot front env init reach; do
	printf '%s ' "$lib/$f.c"; done)

# --budget: the seconds the targets are given in all, and nothing run;
# tests/scripts/durations.sh holds the documents to it.
if [ "${1:-}" = --budget ]; then
	total=0
	fuzz() { total=$((total + $2)); }
	targets
	echo "$total"
	exit 0
fi
if [ $# -ne 2 ]; then
	echo "usage: $0 BUILDDIR WORKDIR | --budget" >&2
	exit 2
fi
builddir=$(cd "$1" && pwd) || exit 2
work=$2
cc=${FUZZ_CC:-clang}
mkdir -p "$work" && work=$(cd "$work" && pwd) || exit 2

# The library must not read the fuzzer's environment.
unset EVMM_FAULT EVMM_STATS EVMM_REPORT

if [ ! -f "$builddir/config.h" ] ||
    [ ! -f "$builddir/include/event2/event-config.h" ]; then
	echo "Bail out! $builddir is not a configured build of libevmm"
	exit 1
fi
if grep -q '^#define EVENT__DISABLE_MM_REPLACEMENT' \
    "$builddir/include/event2/event-config.h"; then
	echo "Bail out! $builddir is the disabled variant, which has no" \
	    "fault injection; give a build of the default one"
	exit 1
fi

san="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -fno-omit-frame-pointer $san -Wall -Wextra -Werror"

# Can clang link a fuzzer at all?  Debian's clang needs the runtime
# from libclang-rt-14-dev (or the one matching its version).
probe=$work/probe
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
    '{ (void)d; (void)n; return 0; }' >"$probe.c"
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "1..0 # SKIP $cc not found (Debian: apt-get install clang libclang-rt-14-dev)"
	exit 0
fi
if ! "$cc" $san -o "$probe" "$probe.c" >"$probe.log" 2>&1; then
	echo "1..0 # SKIP $cc cannot link -fsanitize=fuzzer,address,undefined:" \
	    "$(grep -m 1 -i error "$probe.log")" \
	    "(Debian: apt-get install libclang-rt-14-dev)"
	exit 0
fi

echo "1..7"
n=0

# fuzz NAME SECONDS CORPUS [DICTIONARY] -- SOURCES...: build, run, report.
fuzz() {
	name=$1 secs=$2 corpus=$3
	shift 3
	dict=
	if [ "$1" != -- ]; then
		dict="-dict=$1"
		shift
	fi
	shift
	n=$((n + 1))
	prog=$work/fuzz_$name
	log=$work/$name.log
	# $cflags holds no paths: it is split into words on purpose.
	if ! "$cc" -I"$builddir" -I"$builddir/include" -I"$srcdir/include" \
	    -I"$srcdir/lib" -DEVMM_BUILDING_LIBRARY $cflags -o "$prog" "$@" \
	    >"$work/$name.build.log" 2>&1; then
		echo "not ok $n - $name: does not build"
		sed 's/^/# /' "$work/$name.build.log" | tail -n 30
		return
	fi
	rm -rf "$work/corpus-$name" "$work/$name"-* "$work/tmp-$name"
	mkdir -p "$work/corpus-$name" "$work/tmp-$name"
	# The targets that make report directories make them there.
	TMPDIR=$work/tmp-$name \
	ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$prog" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	    -print_final_stats=1 -artifact_prefix="$work/$name-" ${dict:+"$dict"} \
	    "$work/corpus-$name" "$corpus" >"$log" 2>&1
	status=$?
	runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs in \([0-9][0-9]*\) second.*/\1 runs in \2 s/p' "$log")
	cov=$(sed -n 's/.*cov: \([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
	if [ $status -eq 0 ] && [ -n "$runs" ]; then
		echo "ok $n - $name: $runs, coverage $cov, nothing found"
	else
		echo "not ok $n - $name: exit status $status (log: $log)"
		grep -E -A 12 'oracle failed|ERROR: |runtime error|deadly signal' \
		    "$log" | head -n 40 | sed 's/^/# /'
		ls "$work/$name"-* 2>/dev/null | sed 's/^/# input: /'
	fi
}

targets
