# Sourced by the test scripts: a few functions that print TAP, which
# Automake's tap-driver.sh turns into one PASS or FAIL line each.

tap_count=0

# ok_if DESCRIPTION COMMAND [ARGS...]: one test, passed when COMMAND
# succeeds.  The command's output goes to the log as TAP diagnostics.
ok_if() {
	tap_desc=$1
	shift
	tap_count=$((tap_count + 1))
	if tap_out=$("$@" 2>&1); then
		echo "ok $tap_count - $tap_desc"
	else
		echo "not ok $tap_count - $tap_desc"
	fi
	[ -z "$tap_out" ] || printf '%s\n' "$tap_out" | sed 's/^/# /'
}

# skip DESCRIPTION REASON: one test that could not run here.
skip() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $1 # SKIP $2"
}

# skip_all REASON: the whole script cannot run here.
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# bail_out REASON: stop; tap-driver.sh reports it as an error.
bail_out() {
	echo "Bail out! $1"
	exit 1
}

# matches TEXT GREP-ARGS...: whether a line of TEXT matches, for ok_if.
matches() {
	tap_text=$1
	shift
	printf '%s\n' "$tap_text" | grep -q "$@"
}

# relay PREFIX FILE: a program's "ok - WHAT" and "not ok - WHAT" lines,
# written to FILE, as results of this script named PREFIX followed by
# WHAT; its other lines as diagnostics.
relay() {
	while IFS= read -r tap_line; do
		case $tap_line in
		"ok - "*|"not ok - "*)
			tap_count=$((tap_count + 1))
			echo "${tap_line%%- *}$tap_count - $1${tap_line#*- }"
			;;
		*)	echo "# $tap_line" ;;
		esac
	done <"$2"
}

# builds_and_runs WHAT SOURCE [FLAGS...]: two tests: SOURCE compiles
# with the warnings as errors and the FLAGS, and links against the
# library just built; and the program runs and exits 0.
builds_and_runs() {
	tap_what=$1 tap_src=$2
	shift 2
	ok_if "$tap_what compiles and links (-Werror)" \
	    $LIBTOOL --mode=link $CC "$@" -Wall -Wextra -Werror $CFLAGS \
	    -I"$top_builddir/include" -I"$top_srcdir/include" \
	    -o "${tap_src%.c}" "$tap_src" $LDFLAGS \
	    "$top_builddir/lib$EVMM_NAME.la"
	if [ -x "${tap_src%.c}" ]; then
		ok_if "$tap_what runs and exits 0" \
		    $LIBTOOL --mode=execute "${tap_src%.c}"
	else
		skip "$tap_what runs" "it did not build"
	fi
}

# release_args TARBALL SCRATCHDIR: the arguments of a check of the
# release; sets $tarball (absolute) and $scratch (made anew, empty).
release_args() {
	[ $# -eq 2 ] || bail_out "usage: $0 TARBALL SCRATCHDIR"
	case $1 in /*) tarball=$1 ;; *) tarball=$PWD/$1 ;; esac
	[ -f "$tarball" ] || bail_out "no $tarball: run make dist first"
	scratch=$2
	rm -rf "$scratch"
	mkdir -p "$scratch" || bail_out "cannot make $scratch"
}

# stage_install NAME: make install into a new staging directory, removed
# at exit; sets $stage (the directory, named after NAME) and $root (the
# DESTDIR), or bails out showing the install's log.
stage_install() {
	stage=$(mktemp -d "${TMPDIR:-/tmp}/evmm-$1.XXXXXX") ||
		bail_out "cannot make a staging directory"
	trap 'rm -rf "$stage"' EXIT
	if ! $MAKE -C "$top_builddir" install DESTDIR="$stage/root" \
	    >"$stage/install.log" 2>&1; then
		sed 's/^/# /' "$stage/install.log"
		bail_out "make install DESTDIR=... failed"
	fi
	root="$stage/root"
}

# need_torture: skip the whole script where evmm-torture cannot be
# tested; sets $torture.
need_torture() {
	[ "$MM_REPLACEMENT" = yes ] ||
		skip_all "no evmm-torture with --disable-malloc-replacement"
	torture="$top_builddir/tools/evmm-torture"
	[ -x "$torture" ] || skip_all "evmm-torture needs fork() and waitpid()"
	case " $CFLAGS " in
	*-fsanitize=thread*)
		# Its runtime thread makes work between fork() and exec() hang.
		skip_all "evmm-torture is built with ThreadSanitizer here" ;;
	esac
}

# frames_ok DESCRIPTION COMMAND [ARGS...]: ok_if for what needs the
# frames of a crash in the report, which the library writes only where
# it has backtrace() and dladdr() (configure: CRASH_FRAMES); a skip
# elsewhere (musl has no backtrace()).
frames_ok() {
	if [ "$CRASH_FRAMES" = yes ]; then
		ok_if "$@"
	else
		skip "$1" "no backtrace() here: a crash report has its signal, not its frames"
	fi
}

# valgrind_knows_cc: whether valgrind runs a program that $CC builds
# without an error of its own making.  It does not know every C
# library's allocator: under musl-gcc's it takes each free() for an
# invalid one.
valgrind_knows_cc() {
	vg_dir=$(mktemp -d "${TMPDIR:-/tmp}/evmm-vg.XXXXXX") || return 1
	printf '%s\n' '#include <stdlib.h>' '#include <string.h>' \
	    'int main(void) { char *p = strdup("x"); p = realloc(p, 64);' \
	    '	free(p); free(malloc(1)); return 0; }' >"$vg_dir/p.c"
	${CC:-cc} $CFLAGS $LDFLAGS -o "$vg_dir/p" "$vg_dir/p.c" >/dev/null 2>&1 &&
	    valgrind -q --error-exitcode=3 "$vg_dir/p" >/dev/null 2>&1
	vg_status=$?
	rm -rf "$vg_dir"
	return $vg_status
}

# tap_done: the plan, at the end, once the count is known.
tap_done() {
	echo "1..$tap_count"
}
