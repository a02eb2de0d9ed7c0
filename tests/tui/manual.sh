#!/bin/bash
# regie(1) against the code: every key of every screen's action list
# (what the key bars and the help show) is in the manual's KEYS, and
# every option of the usage is in its OPTIONS. No server needed.
set -u
export LANG=C.UTF-8 LC_ALL=C.UTF-8
top=$(cd "$(dirname "$0")/../.." && pwd -P)
bin=${REGIE_BIN_DIR:-$top}
page=$top/man/regie.1
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
[ -z "$warnings" ] || fail "man --warnings: $warnings"
rendered=$(MANWIDTH=200 man -l "$page" 2>/dev/null)
keys_section=$(echo "$rendered" | sed -n '/^KEYS/,/^ENVIRONMENT/p')
[ -n "$keys_section" ] || fail "no KEYS section"

# The tags of the KEYS section: "n", "Enter, e", "Home, g, End, G"...
tags=$(echo "$keys_section" | grep -E '^ {7}[^ ]' | sed -E 's/^ +//; s/  .*//')

# X(ID, key, key2, "keyname", label, help): the keyname, split in words.
for src in "$top"/tui/*.c; do
	grep -oE '^[[:space:]]*X\([A-Z_]+, [^"]*"[^"]*"' "$src" |
	    sed -E 's/.*"([^"]*)"$/\1/' | tr ' ' '\n' | grep -v '^$' |
	    while IFS= read -r key; do
		# \u escapes in the C source are what the terminal shows.
		key=$(printf "$key")
		echo "$tags" | tr ',' '\n' | sed -E 's/^ +//; s/ +$//' | grep -qxF -- "$key" ||
		    echo "$(basename "$src"): key \"$key\" not in regie(1) KEYS"
	    done
done > "${TMPDIR:-/tmp}/regie-manual.$$"
while IFS= read -r line; do
	fail "$line"
done < "${TMPDIR:-/tmp}/regie-manual.$$"
rm -f "${TMPDIR:-/tmp}/regie-manual.$$"

# Options: those of the usage are documented, and only those.
usage=$("$bin/regie" -h 2>&1)
for opt in $(echo "$usage" | grep -oE '^ +-[a-zA-Z]' | tr -d ' '); do
	echo "$rendered" | sed -n '/^OPTIONS/,/^[A-Z]/p' | grep -qE "^ +$opt( |$)" ||
	    fail "option $opt of the usage not in OPTIONS"
done
for opt in $(echo "$rendered" | sed -n '/^OPTIONS/,/^CONNECTION/p' | grep -oE '^ {7}-[a-zA-Z]'); do
	echo "$usage" | grep -qE -- "^ +$opt " || fail "option $opt documented but not in the usage"
done
"$bin/regie" -V | grep -qE '^regie [0-9]' || fail "-V prints no version"
"$bin/regie" -x >/dev/null 2>&1
[ $? -eq 2 ] || fail "a bad option does not exit 2 as documented"

[ $failures -eq 0 ] || exit 1
echo "PASS"
