#!/bin/sh
# run.sh BINDIR TARGET... (make fuzz): runs each libFuzzer target for
# FUZZ_SECONDS (default 60) from its seed corpus, tests/fuzz/corpus/NAME
# (NAME is the target without "fuzz_"), with the dictionary of method and
# parameter names tests/fuzz/corpus/regie.dict. What the fuzzer learns goes to
# build-fuzz/corpus/NAME, so the seeds in git stay as written; a crash
# leaves its input in build-fuzz/crashes/ and fails the run.
#
# fuzz_dispatch needs PostgreSQL: it uses REGIE_TEST_CONNINFO when set,
# else a throwaway cluster made here (tools/pgtmp.sh) and removed after.
# FUZZ_ARGS adds libFuzzer options (e.g. -jobs=2).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$top" || exit 1
[ $# -ge 2 ] || { echo "usage: $0 BINDIR TARGET..." >&2; exit 2; }
bindir=$1
shift
seconds=${FUZZ_SECONDS:-60}
work=$top/build-fuzz
cluster=""
failed=""

cleanup() {
	if [ -n "$cluster" ]; then
		sh "$top/tools/pgtmp.sh" remove "$cluster" || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

need_db() {
	[ -n "${REGIE_TEST_CONNINFO:-}" ] && return 0
	cluster=$(mktemp -d /tmp/regie-fuzz.XXXXXX) || return 1
	sh "$top/tools/pgtmp.sh" create "$cluster" >/dev/null && \
	    sh "$top/tools/pgtmp.sh" start "$cluster" || return 1
	eval "$(sh "$top/tools/pgtmp.sh" env "$cluster")"
}

for target in "$@"; do
	name=${target#fuzz_}
	mkdir -p "$work/corpus/$name" "$work/crashes"
	if [ "$target" = fuzz_dispatch ] && ! need_db; then
		echo "fuzz: $target: no PostgreSQL cluster" >&2
		failed="$failed $target"
		continue
	fi
	echo "fuzz: $target for ${seconds}s"
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
	if "$bindir/$target" -max_total_time="$seconds" -timeout=20 -max_len=8192 \
	    -print_final_stats=1 -artifact_prefix="$work/crashes/$target-" \
	    -dict=tests/fuzz/corpus/regie.dict ${FUZZ_ARGS:-} \
	    "$work/corpus/$name" "tests/fuzz/corpus/$name" > "$work/$target.log" 2>&1; then
		grep -E '^(Done|stat::number_of_executed_units)' "$work/$target.log" | sed 's/^/  /'
	else
		failed="$failed $target"
		tail -n 40 "$work/$target.log"
		echo "fuzz: $target FAILED; log: $work/$target.log; inputs: $work/crashes/$target-*"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed"
	exit 1
fi
echo "fuzz: all targets ran ${seconds}s without a failure"
