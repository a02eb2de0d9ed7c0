# lib.sh: what the TUI tests share. Sourced by tests/tui/*.sh (bash).
#
# Each test gets its own database in the cluster of tests/run.sh
# (REGIE_TEST_CONNINFO), its own regied (on a Unix socket and a TCP
# port), and its own tmux server (-L), in which it runs the real regie
# and reads the screen with capture-pane. Waits poll the screen against
# a deadline; REGIE_TEST_WRAP (valgrind...) runs regie under a checker.
#
# Run by hand without tests/run.sh, a test makes its own scratch
# directory and throwaway cluster (tools/pgtmp.sh) and removes them.
#
# On failure: the screen, and the ends of the logs of regied and regie,
# then exit 1.

set -u
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX NO_COLOR REGIE_SERVER

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
bin=${REGIE_BIN_DIR:-$top}
build=${REGIE_BUILD:-$top/build}
case $build in /*) ;; *) build="$top/$build" ;; esac
rcall_bin=$build/tests/tools/rcall

ADMIN_LOGIN=admin
ADMIN_PASSWORD='admin-pass-123'

own_tmp=""
own_cluster=""
tmp=${REGIE_TEST_TMP:-}
if [ -z "$tmp" ]; then
	own_tmp=$(mktemp -d /tmp/regie-tui.XXXXXX)
	tmp=$own_tmp
fi
# Everything of this test lives under $tmp (HOME too: no config leaks in).
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config
mkdir -p "$HOME"

tmux_sock=regie-test-$$
db=""
regied_pid=""
tcp_port=""
starts=0
sock=$tmp/regied.sock
conninfo=""

t() {
	tmux -L "$tmux_sock" -f /dev/null "$@"
}

cleanup() {
	t kill-server 2>/dev/null
	stop_regied
	if [ -n "$db" ]; then
		psql "$REGIE_TEST_CONNINFO" -qAt -c "drop database if exists \"$db\"" \
		    >/dev/null 2>&1
	fi
	if [ -n "$own_cluster" ]; then
		sh "$top/tools/pgtmp.sh" remove "$own_cluster" >/dev/null 2>&1
	fi
	if [ -n "$own_tmp" ]; then
		rm -rf "$own_tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The screen of a tmux window (default: the one called main).
screen() {
	t capture-pane -p -t "regie:${1:-main}" 2>/dev/null
}

fail() {
	echo "FAIL: $*"
	for w in $(t list-windows -a -F '#{window_name}' 2>/dev/null); do
		echo "--- screen of window $w:"
		t capture-pane -p -e -t "regie:$w" 2>/dev/null | cat -v | sed 's/^/| /'
	done
	for f in "$tmp"/regied.*.log; do
		[ -f "$f" ] || continue
		echo "--- $(basename "$f") (end):"
		tail -n 25 "$f"
	done
	for f in "$tmp"/regie*.client.log; do
		[ -f "$f" ] || continue
		echo "--- $(basename "$f") (end):"
		tail -n 25 "$f"
	done
	exit 1
}

now_ms() {
	date +%s%3N
}

# wait_for_text TEXT [SECONDS] [WINDOW]: until TEXT shows on the screen.
wait_for_text() {
	local text=$1 secs=${2:-10} win=${3:-main} deadline
	deadline=$(($(now_ms) + secs * 1000))
	while [ "$(now_ms)" -lt "$deadline" ]; do
		if screen "$win" | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
	done
	fail "\"$text\" did not show within ${secs}s in window $win"
}

# wait_gone TEXT [SECONDS] [WINDOW]: until TEXT is no longer on the screen.
wait_gone() {
	local text=$1 secs=${2:-10} win=${3:-main} deadline
	deadline=$(($(now_ms) + secs * 1000))
	while [ "$(now_ms)" -lt "$deadline" ]; do
		if ! screen "$win" | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
	done
	fail "\"$text\" still on the screen after ${secs}s in window $win"
}

# wait_until SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds (for
# checks on the whole screen, which a redraw may be halfway through).
wait_until() {
	local secs=$1 what=$2 deadline
	shift 2
	deadline=$(($(now_ms) + secs * 1000))
	while [ "$(now_ms)" -lt "$deadline" ]; do
		if "$@"; then
			return 0
		fi
		sleep 0.05
	done
	fail "$what (not within ${secs}s)"
}

# expect_not TEXT [WINDOW]: TEXT is not on the screen now.
expect_not() {
	if screen "${2:-main}" | grep -qF -- "$1"; then
		fail "\"$1\" should not be on the screen"
	fi
}

# keys WINDOW KEY...: tmux key names (Enter, Escape, F2, Down, C-c...).
keys() {
	local win=$1
	shift
	t send-keys -t "regie:$win" "$@"
}

# typing WINDOW TEXT: literal text, UTF-8 included.
typing() {
	t send-keys -t "regie:$1" -l -- "$2"
}

need() {
	[ -x "$1" ] || fail "$1 is missing: build it first (make regie regied tests)"
}

# The cluster: tests/run.sh's, or one of our own when run by hand.
cluster_up() {
	if [ -z "${REGIE_TEST_CONNINFO:-}" ]; then
		own_cluster=$(mktemp -d /tmp/regie-pg.XXXXXX)
		sh "$top/tools/pgtmp.sh" create "$own_cluster" >/dev/null 2>&1 &&
		    sh "$top/tools/pgtmp.sh" start "$own_cluster" >/dev/null 2>&1 ||
		    fail "cannot start a PostgreSQL cluster"
		eval "$(sh "$top/tools/pgtmp.sh" env "$own_cluster")"
	fi
}

# setup NAME: a database with the schema and an admin, and regied on it.
setup() {
	need "$bin/regied"
	need "$bin/regie"
	command -v tmux >/dev/null || fail "tmux is not installed"
	cluster_up
	db="regie_tui_$1_${REGIE_TEST_DB_SUFFIX:-$$}"
	psql "$REGIE_TEST_CONNINFO" -qAt -c "create database \"$db\"" >/dev/null ||
	    fail "cannot create database $db"
	conninfo="$REGIE_TEST_CONNINFO dbname=$db"
	"$bin/regied" migrate -d "$conninfo" >"$tmp/migrate.log" 2>&1 ||
	    { cat "$tmp/migrate.log"; fail "regied migrate failed"; }
	echo "$ADMIN_PASSWORD" | "$bin/regied" useradd -d "$conninfo" "$ADMIN_LOGIN" \
	    --role admin --name "Alice Admin" >"$tmp/useradd.log" 2>&1 ||
	    { cat "$tmp/useradd.log"; fail "regied useradd failed"; }
	start_regied
}

# regied listens on a Unix socket (what most tests use: no port to
# collide on) and on a TCP port of 127.0.0.1, tried until one is free.
# Each start logs to a file of its own.
start_regied() {
	local deadline try log
	for try in 1 2 3 4 5 6 7 8; do
		# After a restart, the same port again if it is still free.
		[ -n "$tcp_port" ] && [ "$try" -eq 1 ] || tcp_port=$((20000 + RANDOM % 30000))
		starts=$((starts + 1))
		log=$tmp/regied.$starts.log
		rm -f "$sock"
		"$bin/regied" -d "$conninfo" -l "$sock" -l "127.0.0.1:$tcp_port" >"$log" 2>&1 &
		regied_pid=$!
		deadline=$(($(now_ms) + 15000))
		until grep -q "listening on 127.0.0.1:$tcp_port" "$log" &&
		    grep -q "listening on $sock" "$log"; do
			if ! kill -0 "$regied_pid" 2>/dev/null; then
				wait "$regied_pid" 2>/dev/null
				regied_pid=""
				break
			fi
			[ "$(now_ms)" -lt "$deadline" ] || fail "regied did not listen within 15s"
			sleep 0.05
		done
		[ -n "$regied_pid" ] && return 0
	done
	fail "regied would not start"
}

stop_regied() {
	local deadline
	[ -n "$regied_pid" ] || return 0
	kill -TERM "$regied_pid" 2>/dev/null
	deadline=$(($(now_ms) + 10000))
	while kill -0 "$regied_pid" 2>/dev/null; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			kill -KILL "$regied_pid" 2>/dev/null
			break
		fi
		sleep 0.05
	done
	wait "$regied_pid" 2>/dev/null
	regied_pid=""
}

# start_regie WINDOW [ENV=VALUE...] [-- REGIE-ARGS...]: regie in a tmux
# window of 80x24 (the first one makes the session).
start_regie() {
	local win=$1 envs=() args=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	args=("$@")
	local cmd
	# REGIE_TEST_WRAP (valgrind, say) runs regie too; its verdict shows
	# in the exit status that finish checks.
	cmd=$(printf '%q ' env TERM=screen LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	    HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
	    REGIE_LOG="$tmp/regie-$win.client.log" "${envs[@]}" \
	    ${REGIE_TEST_WRAP:-} "$bin/regie" -s "$sock" "${args[@]}")
	# After regie, the shell says how it ended and in what state it left
	# the terminal ("[tty: icanon echo]" when given back as it was), then
	# stays, so that the screen can still be read.
	cmd="$cmd; echo \"[regie exited: \$?]\"; echo \"[tty: \$(stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' ' | sed 's/ \$//')]\"; sleep 3600"
	if ! t has-session -t regie 2>/dev/null; then
		t -u new-session -d -s regie -n "$win" -x 80 -y 24 "$cmd"
	else
		t new-window -d -t regie -n "$win" "$cmd"
	fi
}

# regie_pid WINDOW: the pid of the regie (or its wrapper) in a window.
regie_pid() {
	pgrep -P "$(t display -p -t "regie:$1" '#{pane_pid}')" | head -n 1
}

# login WINDOW [LOGIN] [PASSWORD]: from the login screen to the home menu.
login() {
	local win=$1 user=${2:-$ADMIN_LOGIN} pw=${3:-$ADMIN_PASSWORD}
	wait_for_text "Password" 10 "$win"
	typing "$win" "$user"
	keys "$win" Enter
	typing "$win" "$pw"
	keys "$win" Enter
	wait_for_text "Hello," 10 "$win"
}

# finish: quits every regie still running, as a person would (F10, and
# yes if a form asks), and checks that each exited with 0 (a sanitizer
# build exits otherwise on a leak) and logged no sanitizer report.
finish() {
	local w deadline
	for w in $(t list-windows -a -F '#{window_name}' 2>/dev/null); do
		screen "$w" | grep -qF "[regie exited:" && continue
		keys "$w" F10
		deadline=$(($(now_ms) + 10000))
		while ! screen "$w" | grep -qF "[regie exited:"; do
			if screen "$w" | grep -qF "Quit anyway?"; then
				keys "$w" y
			fi
			[ "$(now_ms)" -lt "$deadline" ] || fail "regie in window $w did not quit"
			sleep 0.05
		done
	done
	for w in $(t list-windows -a -F '#{window_name}' 2>/dev/null); do
		screen "$w" | grep -qF "[regie exited: 0]" ||
		    fail "regie in window $w exited badly: $(screen "$w" | grep -F "[regie exited:")"
	done
	if grep -lE "Sanitizer|runtime error" "$tmp"/regie-*.client.log 2>/dev/null; then
		grep -hE -A20 "Sanitizer|runtime error" "$tmp"/regie-*.client.log | head -n 60
		fail "sanitizer report in a client log"
	fi
	echo "PASS"
}

# rcall METHOD [JSON]: a call as the admin, from another session.
rcall() {
	need "$rcall_bin"
	"$rcall_bin" -s "$sock" -u "$ADMIN_LOGIN" -p "$ADMIN_PASSWORD" "$@"
}
