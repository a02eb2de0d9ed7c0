#!/bin/sh
# check.sh: the manuals render cleanly and say what the code does.
#
#   - every page in man/ renders with `man --warnings` and no warning;
#   - regie-protocol(7) has an entry for every method that a real regied
#     lists in system.describe, with its roles and every parameter, and
#     documents no method the server lacks;
#   - regied.conf(5) has every key of serverd/config.c's table, and no
#     other; its EXAMPLE is a file regied accepts;
#   - regied(8) has every option of the usage and of the long options;
#     what it says about exit statuses, -V and SIGTERM holds.
#
# Run by tests/run.sh with REGIE_BIN_DIR, REGIE_TEST_TMP and
# REGIE_TEST_CONNINFO; run by hand without them, it makes its own scratch
# directory and throwaway cluster (tools/pgtmp.sh).
set -u

src=$(cd "$(dirname "$0")/../.." && pwd -P)
bin=${REGIE_BIN_DIR:-$src}
regied=$bin/regied
rcall=${REGIE_BUILD:-$src/build}/tests/tools/rcall
password=man-check-password

tmp=""
own_tmp=""
own_cluster=""
db=""
pid=""
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

die() {
	echo "FAIL: $*"
	exit 1
}

# Stops regied (SIGTERM, then SIGKILL past a deadline) and reaps it.
stop_regied() {
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	deadline=$(($(date +%s) + 10))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "regied ignored SIGTERM for 10 s: killing it"
			kill -KILL "$pid" 2>/dev/null
			break
		fi
		sleep 0.05
	done
	wait "$pid"
	stopped_rc=$?
	pid=""
	return 0
}

cleanup() {
	stop_regied
	if [ -n "$db" ]; then
		"$psql" "$REGIE_TEST_CONNINFO" -X -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		    >/dev/null 2>&1 || echo "could not drop database $db"
	fi
	if [ -n "$own_cluster" ]; then
		sh "$src/tools/pgtmp.sh" remove "$own_cluster" || true
	fi
	if [ -n "$own_tmp" ]; then
		rm -rf "$own_tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if [ -n "${REGIE_TEST_TMP:-}" ]; then
	tmp=$REGIE_TEST_TMP
	mkdir -p "$tmp"
else
	own_tmp=$(mktemp -d /tmp/regie-man.XXXXXX) || exit 1
	tmp=$own_tmp
fi
# A Unix socket path must fit in 108 bytes.
if [ ${#tmp} -gt 80 ]; then
	own_tmp=$(mktemp -d /tmp/regie-man.XXXXXX) || exit 1
	tmp=$own_tmp
fi

command -v man >/dev/null 2>&1 || die "no man command: run make deps"
[ -x "$regied" ] || die "$regied is not built: run make"
[ -x "$rcall" ] || die "$rcall is not built: run make tests"

# ---- every page renders without a warning

pages=0
for page in "$src"/man/*.[1-9]; do
	[ -f "$page" ] || continue
	pages=$((pages + 1))
	name=$(basename "$page")
	if ! MANWIDTH=80 man --warnings -l "$page" > "$tmp/$name.txt" 2> "$tmp/$name.err"; then
		fail "$name: man failed: $(head -n 3 "$tmp/$name.err")"
	elif [ -s "$tmp/$name.err" ]; then
		fail "$name: warnings:"
		sed 's/^/    /' "$tmp/$name.err"
	elif [ ! -s "$tmp/$name.txt" ]; then
		fail "$name: renders as nothing"
	fi
done
[ $pages -ge 3 ] || fail "expected at least regied.8, regied.conf.5 and regie-protocol.7 in man/"

# ---- regied.conf(5) against serverd/config.c

conf_page=$src/man/regied.conf.5
keys=$(sed -n '/config_keys\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z_]*\)", K_.*/\1/p' \
    "$src/serverd/config.c")
[ -n "$keys" ] || fail "found no keys in serverd/config.c (did its table change shape?)"
nkeys=0
for key in $keys; do
	nkeys=$((nkeys + 1))
	# A key's entry starts with a bold tag: \fBkey\fR = ... or .B key.
	grep -Eq "^(\\\\fB$key\\\\fR|\\.B $key)( |\$)" "$conf_page" ||
	    fail "regied.conf.5 does not document the key '$key'"
done
for key in $(sed -n 's/^\\fB\([a-z_]*\)\\fR = .*/\1/p' "$conf_page"); do
	echo "$keys" | grep -qx "$key" ||
	    fail "regied.conf.5 documents '$key', which serverd/config.c does not have"
done

# ---- regied(8) against regied's usage and long options

cmd_page=$src/man/regied.8
usage=$("$regied" -h) || fail "regied -h failed"
opts=$( { echo "$usage" | grep -oE -- '(^|[[ ])--?[A-Za-z][A-Za-z-]*' | tr -d '[ ';
    sed -n 's/^[[:space:]]*{ "\([a-z-]*\)", [a-z_]*_argument.*/--\1/p' \
        "$src/serverd/main.c"; } | sort -u)
[ -n "$opts" ] || fail "found no options in regied's usage"
nopts=0
for opt in $opts; do
	nopts=$((nopts + 1))
	escaped=$(echo "$opt" | sed 's/-/\\-/g')
	# In bold (.B, .BI, .BR or \fB), not part of a longer option.
	awk -v e="$escaped" '
	/^\.B|\\fB/ {
		s = $0
		while ((i = index(s, e)) > 0) {
			before = i > 1 ? substr(s, i - 1, 1) : ""
			after = substr(s, i + length(e), 1)
			if (before != "-" && after !~ /[A-Za-z0-9-]/) {
				found = 1
				exit
			}
			s = substr(s, i + 1)
		}
	}
	END { exit !found }' "$cmd_page" || fail "regied.8 does not document the option $opt"
done
for mode in $(echo "$usage" | sed -n 's/^.*regied \([a-z][a-z]*\) .*/\1/p'); do
	grep -q "^\\.B regied $mode\$" "$cmd_page" ||
	    fail "regied.8 has no synopsis for 'regied $mode'"
done

# What the EXIT STATUS section and -V promise.
"$regied" --no-such-option >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "regied with an unknown option exited $rc, regied.8 says 2"
out=$("$regied" migrate 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "regied migrate without a database exited $rc, regied.8 says 1"
case $out in
"regied: "*) ;;
*) fail "regied's one-line reason lacks the 'regied: ' prefix: $out" ;;
esac
"$regied" -V | grep -Eqx 'regied [0-9][^ ]* \(protocol [0-9]+\)' ||
    fail "regied -V does not print 'regied VERSION (protocol N)': $("$regied" -V)"

# ---- a real regied on a fresh database

find_psql() {
	if command -v psql >/dev/null 2>&1; then
		command -v psql
		return
	fi
	if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/psql" ]; then
		echo "$(pg_config --bindir)/psql"
		return
	fi
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
		[ -x "$d/psql" ] && { echo "$d/psql"; return; }
	done
	return 1
}
psql=$(find_psql) || die "no psql: run make deps"

if [ -z "${REGIE_TEST_CONNINFO:-}" ]; then
	own_cluster=$(mktemp -d /tmp/regie-manpg.XXXXXX) || exit 1
	if ! sh "$src/tools/pgtmp.sh" create "$own_cluster" > "$tmp/pgtmp.out" 2>&1 ||
	    ! sh "$src/tools/pgtmp.sh" start "$own_cluster" >> "$tmp/pgtmp.out" 2>&1; then
		cat "$tmp/pgtmp.out"
		die "could not start a PostgreSQL cluster"
	fi
	eval "$(sh "$src/tools/pgtmp.sh" env "$own_cluster")"
fi

db=regie_man_$$
"$psql" "$REGIE_TEST_CONNINFO" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" \
    -c "CREATE DATABASE $db" > "$tmp/createdb.out" 2>&1 ||
    { cat "$tmp/createdb.out"; die "cannot create database $db"; }
conninfo="$REGIE_TEST_CONNINFO dbname=$db"

"$regied" migrate -d "$conninfo" > "$tmp/migrate.out" 2>&1 ||
    { cat "$tmp/migrate.out"; die "regied migrate failed"; }
printf '%s\n' "$password" | "$regied" useradd -d "$conninfo" admin --role admin \
    > "$tmp/useradd.out" 2>&1 || { cat "$tmp/useradd.out"; die "regied useradd failed"; }

# The EXAMPLE of regied.conf(5) is a file regied accepts (migrate reads
# the whole file, then has nothing to do).
sed -n '/^\.SH EXAMPLE/,/^\.EE/p' "$conf_page" | sed '1,/^\.EX/d; /^\.EE/d; s/\\-/-/g' \
    > "$tmp/example.conf"
if [ ! -s "$tmp/example.conf" ]; then
	fail "regied.conf.5 has no example file under EXAMPLE"
elif ! "$regied" migrate -c "$tmp/example.conf" -d "$conninfo" > "$tmp/example.out" 2>&1; then
	fail "regied refuses the example of regied.conf.5: $(tail -n 1 "$tmp/example.out")"
fi

sock=$tmp/regied.sock
"$regied" -l "$sock" -d "$conninfo" > "$tmp/regied.log" 2>&1 &
pid=$!
deadline=$(($(date +%s) + 15))
until grep -q "listening on $sock" "$tmp/regied.log"; do
	if ! kill -0 "$pid" 2>/dev/null; then
		cat "$tmp/regied.log"
		pid=""
		die "regied exited before it listened"
	fi
	if [ "$(date +%s)" -ge "$deadline" ]; then
		cat "$tmp/regied.log"
		die "regied did not listen on $sock within 15 s"
	fi
	sleep 0.05
done

"$rcall" -s "$sock" -u admin -p "$password" system.describe '{}' > "$tmp/describe.json" 2>&1 ||
    { cat "$tmp/describe.json"; die "system.describe failed"; }

# One line per method: name|roles,comma,separated|auth|param param ...
# rcall prints JSON on one line; strings escape their quotes, so a
# "name": "..." pair cannot hide in a help text.
awk '
function flush() {
	if (name != "")
		print name "|" roles "|" auth "|" params
}
{
	s = $0
	while (match(s, /"(name|roles|auth)": ("[^"]*"|\[[^]]*\]|true|false)/)) {
		tok = substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
		key = tok
		sub(/^"/, "", key)
		sub(/".*/, "", key)
		val = tok
		sub(/^"[a-z]*": /, "", val)
		gsub(/[" ]/, "", val)
		gsub(/\[|\]/, "", val)
		if (key == "name" && val ~ /\./) {
			flush()
			name = val
			roles = auth = params = ""
		} else if (key == "name") {
			params = params (params == "" ? "" : " ") val
		} else if (key == "roles") {
			roles = val
		} else {
			auth = val
		}
	}
}
END { flush() }' "$tmp/describe.json" > "$tmp/methods.txt"

proto_page=$src/man/regie-protocol.7
all_roles=admin,supervisor,agent,storekeeper,referent,viewer
nmethods=0
missing=""
while IFS='|' read -r name roles auth params; do
	nmethods=$((nmethods + 1))
	# The entry: from ".TP" ".B name" to the next .TP, .SS or .SH.
	awk -v m="$name" '
	on && /^\.(TP|SS|SH)/ { exit }
	on { print }
	$0 == ".B " m && prev == ".TP" { on = 1 }
	{ prev = $0 }' "$proto_page" > "$tmp/entry.txt"
	if [ ! -s "$tmp/entry.txt" ]; then
		missing="$missing $name"
		continue
	fi
	if [ "$auth" = false ]; then
		expect="anyone, no session needed."
	elif [ "$roles" = "$all_roles" ]; then
		expect="any logged-in user."
	else
		expect="$(echo "$roles" | sed 's/,/, /g')."
	fi
	grep -qxF "Roles: $expect" "$tmp/entry.txt" ||
	    fail "regie-protocol.7: $name: expected the line 'Roles: $expect'"
	for p in $params; do
		grep -Eq "(^|[^a-z_0-9])$p([^a-z_0-9]|\$)" "$tmp/entry.txt" ||
		    fail "regie-protocol.7: $name does not mention its parameter '$p'"
	done
done < "$tmp/methods.txt"
[ $nmethods -gt 0 ] || fail "system.describe listed no method: $(head -c 300 "$tmp/describe.json")"
[ -z "$missing" ] || fail "regie-protocol.7 lacks an entry (.TP, .B NAME) for:$missing"

awk '
/^\.SH METHODS/ { on = 1; next }
/^\.SH/ { on = 0 }
on && prev == ".TP" && /^\.B [a-z_]+\.[a-z_]+$/ { print $2 }
{ prev = $0 }' "$proto_page" | while read -r name; do
	grep -q "^$name|" "$tmp/methods.txt" ||
	    echo "regie-protocol.7 documents $name, which system.describe does not list"
done > "$tmp/extra.txt"
while read -r line; do
	fail "$line"
done < "$tmp/extra.txt"

# SIGTERM is a graceful stop with status 0 (regied.8, SIGNALS).
stopped_rc=""
stop_regied
[ "$stopped_rc" = 0 ] || fail "regied exited $stopped_rc on SIGTERM, regied.8 says 0"
grep -q " INFO stopped\$" "$tmp/regied.log" ||
    fail "regied did not log 'stopped' after SIGTERM"

if [ $failures -gt 0 ]; then
	echo "$failures problems"
	exit 1
fi
echo "ok: $pages pages, $nmethods methods, $nkeys keys, $nopts options"
