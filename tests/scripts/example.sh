#!/bin/sh
# The example program runs and reports what went through its allocator,
# and every C example of README.md and doc/*.md (each ```c block, a whole
# program) compiles without a warning, links against the library just
# built and runs, in this variant: the examples' readers build either.
# The manual pages' examples are tests/scripts/man.sh's.
. "$top_srcdir/tests/scripts/tap.sh"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/evmm-example.XXXXXX") ||
	bail_out "cannot make a scratch directory"
trap 'rm -rf "$scratch"' EXIT

out=$("$top_builddir/examples/counting" 2>&1)
status=$?
printf '%s\n' "$out" | sed 's/^/# /'

ok_if "example exits with status 0" test "$status" -eq 0
if [ "$MM_REPLACEMENT" = yes ]; then
	# strdup and calloc allocate, realloc grows the table, two frees.
	ok_if "example counts every call through its allocator" \
	    matches "$out" -F '2 malloc, 1 realloc and 2 free calls'
	ok_if "README.md quotes what the example prints" \
	    grep -qF "\`$out\`" "$top_srcdir/README.md"
else
	ok_if "example says the allocator cannot be replaced" \
	    matches "$out" -F 'configured with --disable-malloc-replacement'
fi

n=0
for doc in "$top_srcdir/README.md" "$top_srcdir"/doc/*.md; do
	name=${doc#"$top_srcdir"/}
	k=0
	# Each block to its own file: N-K.c.
	awk -v out="$scratch/$n" '
	    /^```c$/ { k++; on = 1; next }
	    /^```/ { on = 0 }
	    on { print > (out "-" k ".c") }' "$doc"
	for src in "$scratch/$n"-*.c; do
		[ -f "$src" ] || continue
		k=$((k + 1))
		builds_and_runs "$name, C example $k," "$src"
	done
	n=$((n + 1))
done
ok_if "README.md has a C example" test -f "$scratch/0-1.c"
tap_done
