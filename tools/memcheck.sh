#!/bin/sh
# memcheck.sh: the unit and integration tests with every test program and
# every regied they start under valgrind; fails when valgrind reports a
# memory error or a leak in any of them (make memcheck). Slow: Argon2 and
# the fault tests take minutes under valgrind. it_faults is left out: it
# asserts on timing (calls that see the database down, a stop that ends
# within shutdown_timeout) that valgrind's slowdown breaks; it runs under
# ASan and UBSan in `make SANITIZE=address,undefined check` instead.
set -u
top=$(cd "$(dirname "$0")/.." && pwd -P)
logs=$(mktemp -d /tmp/regie-memcheck.XXXXXX)
chmod 755 "$logs"
vg="valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
export REGIE_TEST_WRAP="$vg -q"
export REGIE_SERVER_WRAP="$vg --log-file=$logs/regied.%p.log"
export REGIE_TEST_TIMEOUT=${REGIE_TEST_TIMEOUT:-1500}
export REGIE_TEST_SKIP="${REGIE_TEST_SKIP:-it_faults}"
status=0
sh "$top/tests/run.sh" unit || status=1
sh "$top/tests/run.sh" integration || status=1
bad=$(grep -l -E "definitely lost: [1-9]|indirectly lost: [1-9]|Invalid (read|write|free)|uninitialised|ERROR SUMMARY: [1-9]" "$logs"/regied.*.log 2>/dev/null)
if [ -n "$bad" ]; then
	echo "memcheck: valgrind found problems in regied:"
	for f in $bad; do
		echo "--- $f"
		grep -E "lost|Invalid|uninitialised|ERROR SUMMARY|^==[0-9]+==    (at|by)" "$f" | head -40
	done
	status=1
else
	echo "memcheck: regied clean in $(ls "$logs" | wc -l) runs"
	rm -rf "$logs"
fi
exit $status
