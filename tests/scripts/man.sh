#!/bin/sh
# The manual pages in man/: lint-clean, one for every public function and
# macro, prototypes the same as the headers', and every EXAMPLE compiles
# and runs against the library just built.
. "$top_srcdir/tests/scripts/tap.sh"

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

# --- One layout, links both ways ---------------------------------------------

# The sections every page has, in this order, with the optional ones
# allowed where man-pages(7) puts them.  Section 3 pages, the overview
# libevmm(3) included, share one layout; evmm-torture(1) is a command and
# follows the layout of section 1.
layout3='NAME LIBRARY SYNOPSIS DESCRIPTION RETURN_VALUE ERRORS ENVIRONMENT? FILES? ATTRIBUTES VARIANTS NOTES? CAVEATS? BUGS? EXAMPLES SEE_ALSO'
layout1='NAME SYNOPSIS DESCRIPTION OPTIONS? EXIT_STATUS ENVIRONMENT? FILES? VARIANTS? NOTES? CAVEATS? BUGS? EXAMPLES SEE_ALSO'

# follows_layout PAGE LAYOUT: the page's .SH headings against LAYOUT.
follows_layout() {
	sections=$(sed -n 's/^\.SH "*\([^"]*\)"*$/\1/p' "$1" | tr ' ' _)
	printf '# sections: %s\n' "$(echo $sections)"
	set -- $2
	for s in $sections; do
		while [ $# -gt 0 ]; do
			want=$1
			shift
			case $want in
			"$s"|"$s?") continue 2 ;;
			*\?) ;;
			*) echo "# $s found where $want was expected"; return 1 ;;
			esac
		done
		echo "# $s is out of order or not a section of this layout"
		return 1
	done
	for want in "$@"; do
		case $want in *\?) ;; *) echo "# no $want"; return 1 ;; esac
	done
}
for page in "$man"/*.[13]; do
	case $page in *.1) layout=$layout1 ;; *) layout=$layout3 ;; esac
	ok_if "man/${page##*/} has the sections of its layout, in order" \
	    follows_layout "$page" "$layout"
done

# names_of PAGE: the names PAGE documents (its NAME section), as name.N.
names_of() {
	sed -n '/^\.SH NAME/,/^\.SH/{/^\.SH/d;p;}' "$1" | tr '\n' ' ' |
	    sed -e 's/ \\- .*//' -e 's/\\//g' | tr ', ' '\n\n' | sed '/^$/d' |
	    sed "s/\$/.${1##*.}/"
}
# links PAGE: what PAGE's SEE ALSO names, as name.N.
links() {
	sed -n '/^\.SH "*SEE ALSO/,/^\.SH/{/^\.BR /p;}' "$1" |
	    sed -e 's/\\-/-/g' -e 's/\\//g' |
	    sed -n 's/^\.BR \([A-Za-z0-9_.-]*\) (\([0-9]\)).*/\1.\2/p'
}
# page_of NAME.N: the page of ours that documents NAME.N, if any.
page_of() {
	for p in "$man"/*.[13]; do
		if names_of "$p" | grep -qxF "$1"; then
			echo "$p"
			return
		fi
	done
}
# links_to FROM TO: whether page TO's SEE ALSO names one of FROM's names.
links_to() {
	printf '# %s names: %s\n' "${2##*/}" "$(links "$2" | tr '\n' ' ')"
	links "$2" | grep -qxF "$(names_of "$1")"
}
for page in "$man"/*.[13]; do
	for target in $(links "$page"); do
		to=$(page_of "$target")
		[ -n "$to" ] && [ "$to" != "$page" ] || continue
		ok_if "man/${to##*/} links back to man/${page##*/}" \
		    links_to "$page" "$to"
	done
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
functions=$(grep -v '^#' "$top_srcdir/tests/scripts/exports-default.txt")
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

# libevmm(3) is the index: it names every header, function and macro.
overview=$(sed -e 's/\\-/-/g' -e 's/\\//g' "$man/libevmm.3")
# The installed headers: those in include/, the generated ones by the
# names of their templates.
for header in $headers event-config.h.in; do
	h=${header##*/}
	h=event2/${h%.in}
	ok_if "libevmm(3) names <$h>" matches "$overview" -F "<$h>"
done
for name in $functions $macros; do
	ok_if "libevmm(3) names $name" matches "$overview" -w -F "$name"
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

for page in "$man"/*.3; do
	base=${page##*/}
	base=${base%.3}
	sed -n '/^\.SH EXAMPLES/,/^\.SH/{/^\.EX/,/^\.EE/p;}' "$page" |
	    sed -e '/^\.E[XE]$/d' -e 's/\\e/\\/g' -e 's/\\-/-/g' \
	    >"$scratch/$base.c"
	[ -s "$scratch/$base.c" ] || {
		ok_if "man/$base.3 has an EXAMPLE" false
		continue
	}
	builds_and_runs "man/$base.3: the EXAMPLE (C99)" "$scratch/$base.c" \
	    -std=c99 -pedantic
done

# --- Threads ---------------------------------------------------------------

# Both setters are safe while other threads allocate, as the headers say:
# a page that says otherwise has drifted from the code.  Each setter's
# page says what its header says, "from any thread"; no page, nor the
# documents, says that a setter is unsynchronised.
for pair in event_set_mem_functions:event.h evmm_set_allocator:evmm.h; do
	fn=${pair%%:*} h=$top_srcdir/include/event2/${pair#*:}
	ok_if "$fn: the header says it may be called from any thread" \
	    grep -q 'called from any thread' "$h"
	ok_if "man/$fn.3 says it may be called from any thread" \
	    sh -c 'tr "\n" " " <"$1" | grep -q "called from any thread"' sh \
	    "$man/$fn.3"
done
unsynced=$(grep -l -i -E 'not synchroni[sz]ed|never while it runs|no other thread may allocate' \
    "$man"/*.[13] "$top_srcdir/README.md" "$top_srcdir"/doc/*.md 2>/dev/null)
ok_if "no page or document says a setter is unsynchronised" test -z "$unsynced"
[ -z "$unsynced" ] || echo "# said in:" $unsynced
tap_done
