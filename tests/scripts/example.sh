#!/bin/sh
# The example program runs and reports what went through its allocator.
. "$top_srcdir/tests/scripts/tap.sh"

out=$("$top_builddir/examples/counting" 2>&1)
status=$?
printf '%s\n' "$out" | sed 's/^/# /'

ok_if "example exits with status 0" test "$status" -eq 0
if [ "$MM_REPLACEMENT" = yes ]; then
	# strdup and calloc allocate, realloc grows the table, two frees.
	ok_if "example counts every call through its allocator" \
	    matches "$out" -F '2 malloc, 1 realloc and 2 free calls'
else
	ok_if "example says the allocator cannot be replaced" \
	    matches "$out" -F 'configured with --disable-malloc-replacement'
fi
tap_done
