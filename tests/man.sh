#!/bin/sh
# The manual pages in man/: lint-clean, one for every public function and
# macro, prototypes the same as the headers', and every EXAMPLE compiles
# and runs against the library just built.
. "$top_srcdir/tests/tap.sh"

man=$top_srcdir/man
headers=$(echo "$top_srcdir"/include/event2/*.h "$top_srcdir"/evmm_config.h.in)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/evmm-man.XXXXXX") ||
	bail_out "cannot make a scratch directory"
trap 'rm -rf "$scratch"' EXIT

# --- Lint ------------------------------------------------------------------

# mandoc prints nothing and exits 0 only for a page without warnings.
lint_clean() {
	lint_out=$("$MANDOC" -Tlint -Wwarning "$1" 2>&1)
	lint_status=$?
	printf '%s\n' "$lint_out"
	[ "$lint_status" -eq 0 ] && [ -z "$lint_out" ]
}
for page in "$man"/*.[13]; do
	if [ -n "$MANDOC" ]; then
		ok_if "man/${page##*/} is lint-clean (mandoc -Tlint -Wwarning)" \
		    lint_clean "$page"
	else
		skip "man/${page##*/} is lint-clean" \
		    "mandoc not found by configure (Debian: apt-get install mandoc)"
	fi
done

# --- Every public name has a page -----------------------------------------

# The names a page documents: its NAME section, up to the "\-".
named=$(for page in "$man"/*.3; do
	sed -n '/^\.SH NAME/,/^\.SH/{/^\.SH/d;p;}' "$page" |
	    tr '\n' ' ' | sed 's/\\-.*//' | tr ', ' '\n\n'
done | sed '/^$/d' | LC_ALL=C sort -u)
printf '%s\n' "$named" | sed 's/^/# documented: /'

# Functions: what the default variant exports.  Macros: what the headers
# define for users (not include guards or EVENT__ internals, which end in
# or contain "_" markers), and what they let users define.
functions=$(grep -v '^#' "$top_srcdir/tests/exports-default.txt")
macros=$(sed -n \
    -e 's/^#[[:space:]]*define[[:space:]]*\(EV[A-Z_]*[A-Z]\)\([[:space:](]\|$\).*/\1/p' \
    -e 's/.*defined(\(EVMM_[A-Z_]*[A-Z]\)).*/\1/p' $headers |
    grep -v -e '^EVENT__' -e '^EVENT2_' -e '^EVMM_BUILDING_LIBRARY$' |
    LC_ALL=C sort -u)
[ -n "$functions" ] && [ -n "$macros" ] ||
	bail_out "found no public names in the headers or export list"
for name in $functions $macros; do
	ok_if "$name is documented in man/" matches "$named" -xF "$name"
done

# --- Prototypes match the headers -------------------------------------------

# One declaration per line, whitespace squeezed, no space inside ().
squeeze() { tr -s ' \t\n' '   ' | sed 's/( /(/g; s/ )/)/g; s/^ //; s/ $//'; }
declared=$(awk '/^EVENT2_EXPORT_SYMBOL/ { on = 1; next }
	on { printf "%s ", $0; if ($0 ~ /;/) { print ""; on = 0 } }' \
	$headers | while IFS= read -r line; do
		printf '%s\n' "$line" | squeeze; echo; done)
if [ -n "$MANDOC" ]; then
	# mandoc -Tascii overstrikes bold and underlined text: char BS char.
	bs=$(printf '\b')
	synopses=$(for page in "$man"/*.3; do
		"$MANDOC" -Tascii "$page" | sed "s/.$bs//g" |
		    sed -n '/^SYNOPSIS/,/^[A-Z]/p' |
		    awk '/[a-z_]+\(/ && !/^ *#/ { on = 1 }
			on { printf "%s ", $0; if ($0 ~ /;/) { print ""; on = 0 } }'
	done | while IFS= read -r line; do printf '%s\n' "$line" | squeeze; echo; done)
	for fn in $functions; do
		decl=$(printf '%s\n' "$declared" | grep -F " $fn(" | grep -v '^$')
		[ -n "$decl" ] || decl=$(printf '%s\n' "$declared" | grep -F "*$fn(")
		ok_if "$fn: the page's prototype is the header's" \
		    matches "$synopses" -xF "$decl"
	done
else
	skip "prototypes in the pages match the headers" "mandoc not found"
fi

# --- Every EXAMPLE compiles and runs ---------------------------------------

lib=$top_builddir/lib$EVMM_NAME.la
for page in "$man"/*.3; do
	base=${page##*/}
	base=${base%.3}
	sed -n '/^\.SH EXAMPLE/,/^\.SH/{/^\.EX/,/^\.EE/p;}' "$page" |
	    sed -e '/^\.E[XE]$/d' -e 's/\\e/\\/g' -e 's/\\-/-/g' \
	    >"$scratch/$base.c"
	[ -s "$scratch/$base.c" ] || {
		ok_if "man/$base.3 has an EXAMPLE" false
		continue
	}
	ok_if "man/$base.3: the EXAMPLE compiles (C99, -Werror)" \
	    $LIBTOOL --mode=link $CC -std=c99 -pedantic -Wall -Wextra -Werror \
	    $CFLAGS -I"$top_builddir/include" -I"$top_srcdir/include" \
	    -o "$scratch/$base" "$scratch/$base.c" $LDFLAGS "$lib"
	if [ -x "$scratch/$base" ]; then
		ok_if "man/$base.3: the EXAMPLE runs and exits 0" \
		    $LIBTOOL --mode=execute "$scratch/$base"
	else
		skip "man/$base.3: the EXAMPLE runs" "it did not build"
	fi
done
tap_done
