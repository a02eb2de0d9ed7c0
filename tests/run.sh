#!/bin/sh
# run.sh [unit|integration|tui|man|all]: runs the built tests (make check).
#
#   unit         build/tests/test_*: no database
#   integration  build/tests/it_*: against one throwaway cluster
#   tui          tests/tui/*.sh: the client driven through tmux, with the
#                same cluster
#   man          tests/man/*.sh: the manual pages, checked against a
#                real regied on the same cluster
#
# Each test gets REGIE_BIN_DIR (the top of the checkout, where regied and
# regie are), REGIE_TEST_TMP (a scratch directory of its own) and, where a
# cluster runs, REGIE_TEST_CONNINFO and PGHOST/PGPORT/PGUSER. Its output
# is kept and shown only when it fails. REGIE_TEST_TIMEOUT (seconds,
# default 300) bounds each test; REGIE_TEST_SKIP lists tests to leave out; REGIE_TEST_WRAP (e.g. "valgrind -q
# --error-exitcode=99 --leak-check=full") is put before each test binary.
# The last line is "N passed, N failed"; the exit status is 1 if any failed.
set -u

top=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$top" || exit 1
mode=${1:-all}
case $mode in
unit|integration|tui|man|all) ;;
*) echo "usage: $0 [unit|integration|tui|man|all]" >&2; exit 2 ;;
esac

timeout_s=${REGIE_TEST_TIMEOUT:-300}
passed=0
failed=0
cluster=""
scratch=$(mktemp -d /tmp/regie-tests.XXXXXX) || exit 1
# make passes the build's own directories (SANITIZE builds live apart).
export REGIE_BIN_DIR="${REGIE_BIN_DIR:-$top}"
build=${REGIE_BUILD:-build}
case $build in /*) ;; *) build="$top/$build" ;; esac
export REGIE_BUILD="$build"   # tests find their tools in $REGIE_BUILD/tests/tools

cleanup() {
	if [ -n "$cluster" ]; then
		sh "$top/tools/pgtmp.sh" remove "$cluster" || true
	fi
	if [ "$failed" -eq 0 ]; then
		rm -rf "$scratch"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

wants() {
	[ "$mode" = all ] || [ "$mode" = "$1" ]
}

now() {
	date +%s.%N
}

# run_one NAME COMMAND...: runs one test program or script and reports it.
run_one() {
	name=$1
	shift
	case " ${REGIE_TEST_SKIP:-} " in
	*" $name "*) echo "SKIP $name (REGIE_TEST_SKIP)"; return ;;
	esac
	export REGIE_TEST_TMP="$scratch/$name"
	mkdir -p "$REGIE_TEST_TMP"
	out="$scratch/$name.out"
	start=$(now)
	timeout -k 10 "$timeout_s" "$@" > "$out" 2>&1 < /dev/null
	rc=$?
	secs=$(echo "$start $(now)" | awk '{ printf "%.1f", $2 - $1 }')
	if [ $rc -eq 0 ]; then
		echo "PASS $name (${secs}s)"
		passed=$((passed + 1))
		rm -rf "$REGIE_TEST_TMP" "$out"
		return
	fi
	failed=$((failed + 1))
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "FAIL $name (timed out after ${timeout_s}s)"
	else
		echo "FAIL $name (exit $rc, ${secs}s)"
	fi
	show_output "$out"
}

# A short output whole; a long one by its cmocka error lines, then its end.
show_output() {
	if [ "$(wc -l < "$1")" -le 60 ]; then
		sed 's/^/    /' "$1"
		return
	fi
	grep '^ERROR: \|\[  ERROR   \]' "$1" | head -n 20 | sed 's/^/    /'
	echo "    [...]"
	tail -n 30 "$1" | sed 's/^/    /'
}

# run_script NAME FILE: a shell test, by its #! line when executable.
run_script() {
	if [ -x "$2" ]; then
		run_one "$1" "$2"
	else
		run_one "$1" sh "$2"
	fi
}

# The cluster, made once for all that need it.
start_cluster() {
	[ -n "$cluster" ] && return 0
	cluster=$(mktemp -d /tmp/regie-pg.XXXXXX) || exit 1
	if ! sh tools/pgtmp.sh create "$cluster" > "$scratch/pgtmp.out" 2>&1 ||
	    ! sh tools/pgtmp.sh start "$cluster" >> "$scratch/pgtmp.out" 2>&1; then
		echo "FAIL cluster: could not start a PostgreSQL cluster"
		sed 's/^/    /' "$scratch/pgtmp.out"
		failed=$((failed + 1))
		echo "$passed passed, $failed failed"
		exit 1
	fi
	eval "$(sh tools/pgtmp.sh env "$cluster")"
}

if wants unit; then
	for t in "$build"/tests/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		run_one "$(basename "$t")" ${REGIE_TEST_WRAP:-} "$t"
	done
fi

if wants integration; then
	for t in "$build"/tests/it_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		start_cluster
		run_one "$(basename "$t")" ${REGIE_TEST_WRAP:-} "$t"
	done
fi

if wants tui; then
	for t in tests/tui/*.sh; do
		[ -f "$t" ] || continue
		[ "$(basename "$t")" = lib.sh ] && continue	# sourced by the others
		start_cluster
		run_script "tui/$(basename "$t" .sh)" "$t"
	done
fi

if wants man; then
	for t in tests/man/*.sh; do
		[ -f "$t" ] || continue
		start_cluster
		run_script "man/$(basename "$t" .sh)" "$t"
	done
fi

if [ "$failed" -gt 0 ]; then
	echo "outputs kept in $scratch"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
