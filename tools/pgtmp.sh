#!/bin/sh
# pgtmp.sh: a throwaway PostgreSQL cluster in a directory of its own, for
# the tests and the demo. It never touches a system cluster: it works only
# in a directory it made itself (marked by DIR/PGTMP).
#
# Layout: DIR/data (the cluster), DIR/run (its Unix socket), DIR/port,
# DIR/postgres.log. The superuser is `regie`, with trust authentication on
# the Unix socket and 127.0.0.1 only, so tests connect without a password.
#
# PostgreSQL refuses to run as root: as root, the cluster belongs to the
# `postgres` system user (PGTMP_USER overrides it), who must be able to
# reach DIR: make it with `mktemp -d` under /tmp, never inside a checkout
# under /root.
set -eu

PGTMP_USER=${PGTMP_USER:-postgres}
ROLE=regie

usage() {
	cat >&2 <<-EOF
	usage: $0 create|start|stop|restart|status|remove|env DIR
	       $0 psql DIR [PSQL-ARGUMENTS]
	  create DIR   make a new cluster in DIR (empty or absent)
	  start DIR    start it and wait until it accepts connections
	  stop DIR     stop it (fast shutdown)
	  restart DIR  stop, then start
	  status DIR   exit 0 when it runs
	  remove DIR   stop it and delete DIR
	  env DIR      print shell exports (PGHOST, PGPORT, PGUSER,
	               REGIE_TEST_CONNINFO) for: eval "\$($0 env DIR)"
	  psql DIR     run psql on it, as regie, database postgres by default
	EOF
	exit 2
}

die() {
	echo "pgtmp: $*" >&2
	exit 1
}

is_root() {
	[ "$(id -u)" -eq 0 ]
}

# The server binaries: pg_config's bindir when it has them (on Debian it
# may name a client-only version), else the newest /usr/lib/postgresql/N.
find_bindir() {
	if command -v pg_config >/dev/null 2>&1; then
		d=$(pg_config --bindir 2>/dev/null || true)
		if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
			echo "$d"
			return
		fi
	fi
	best=
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
		if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then
			best=$d
		fi
	done
	[ -n "$best" ] || die "no PostgreSQL server binaries (initdb, postgres): run make deps"
	echo "$best"
}

# Runs a command as the cluster's owner: ourselves, or PGTMP_USER when we
# are root. From inside DIR, since the owner may not be allowed to stand in
# the caller's directory (initdb fails there).
as_owner() {
	if ! is_root; then
		(cd "$DIR" && "$@")
	else
		(cd "$DIR" && runuser -u "$PGTMP_USER" -- "$@")
	fi
}

# Ports in LISTEN state (0A), from /proc, in decimal.
ports_in_use() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
	    awk '$4 == "0A" { split($2, a, ":"); print a[2] }' |
	    while read -r hex; do printf '%d\n' "0x$hex"; done
}

pick_port() {
	used=$(ports_in_use)
	i=0
	while [ $i -lt 100 ]; do
		r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		p=$((20000 + r % 40000))
		if ! echo "$used" | grep -qx "$p"; then
			echo "$p"
			return
		fi
		i=$((i + 1))
	done
	die "no free port found"
}

# Refuses anything but a directory this script made.
check_ours() {
	[ -f "$DIR/PGTMP" ] && [ -f "$DIR/data/PG_VERSION" ] ||
	    die "$DIR is not a cluster made by pgtmp.sh"
}

is_running() {
	[ -f "$DIR/data/postmaster.pid" ] &&
	    as_owner "$BINDIR/pg_ctl" status -D "$DIR/data" >/dev/null 2>&1
}

log_tail() {
	echo "--- $DIR/postgres.log (tail)" >&2
	tail -n 20 "$DIR/postgres.log" >&2 2>/dev/null || true
}

cmd_create() {
	if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
		die "$DIR exists and is not empty"
	fi
	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd -P)
	# The socket path must fit in sun_path (107 bytes).
	[ ${#DIR} -le 80 ] || die "$DIR: path too long for a Unix socket directory"
	chmod 700 "$DIR"
	if is_root; then
		command -v runuser >/dev/null 2>&1 ||
		    die "runuser (util-linux) is needed to run PostgreSQL as '$PGTMP_USER'"
		id "$PGTMP_USER" >/dev/null 2>&1 ||
		    die "no user '$PGTMP_USER' to run PostgreSQL as (install postgresql, or set PGTMP_USER)"
		chown "$PGTMP_USER" "$DIR"
		as_owner test -w "$DIR" 2>/dev/null ||
		    die "user '$PGTMP_USER' cannot reach $DIR: use a directory made with mktemp -d under /tmp"
	fi
	as_owner mkdir "$DIR/run"
	as_owner touch "$DIR/PGTMP"

	# C.UTF-8 gives upper/lower and ILIKE on accented letters without
	# depending on any installed locale; plain C where it is missing.
	locale="--no-locale"
	if locale -a 2>/dev/null | grep -qix 'c\.utf-\{0,1\}8'; then
		locale="--locale=C.UTF-8"
	fi
	if ! as_owner "$BINDIR/initdb" -D "$DIR/data" -U "$ROLE" -A trust \
	    -E UTF8 "$locale" --no-sync >"$DIR/initdb.log" 2>&1; then
		cat "$DIR/initdb.log" >&2
		die "initdb failed"
	fi
	cat > "$DIR/data/pg_hba.conf" <<-EOF
	# pgtmp.sh: trust, on the Unix socket and 127.0.0.1 only.
	local all all trust
	host all all 127.0.0.1/32 trust
	EOF
	cat >> "$DIR/data/postgresql.conf" <<-EOF

	# pgtmp.sh: a throwaway cluster for tests; the port is given at start.
	listen_addresses = '127.0.0.1'
	unix_socket_directories = '$DIR/run'
	max_connections = 200
	fsync = off
	synchronous_commit = off
	full_page_writes = off
	EOF
	pick_port > "$DIR/port"
	if is_root; then
		chown "$PGTMP_USER" "$DIR/data/pg_hba.conf" "$DIR/port"
	fi
}

# One try at starting on the recorded port. Returns 0 when the server
# accepts connections, 2 when the port is taken, 1 when it exited for
# another reason (the log says why), and dies on the deadline. pg_ctl -w
# notices at once a postmaster that exits; readiness is then asked on our
# own socket directory, since another server may answer on the port.
start_once() {
	port=$(cat "$DIR/port")
	if ports_in_use | grep -qx "$port"; then
		return 2
	fi
	logsize=0
	[ -f "$DIR/postgres.log" ] && logsize=$(wc -c < "$DIR/postgres.log")
	if ! as_owner "$BINDIR/pg_ctl" start -w -t 60 -s -D "$DIR/data" \
	    -l "$DIR/postgres.log" -o "-p $port" >/dev/null 2>&1; then
		tail -c +$((logsize + 1)) "$DIR/postgres.log" 2>/dev/null |
		    grep -q 'could not bind\|could not create any TCP/IP' && return 2
		return 1
	fi
	deadline=$(($(date +%s) + 30))
	until "$BINDIR/pg_isready" -q -h "$DIR/run" -p "$port" -U "$ROLE" \
	    -d postgres -t 2; do
		if [ "$(date +%s)" -ge $deadline ]; then
			log_tail
			die "PostgreSQL did not accept connections within 30 s"
		fi
		sleep 0.05
	done
}

cmd_start() {
	check_ours
	is_running && return 0
	tries=0
	while :; do
		rc=0
		start_once || rc=$?
		[ $rc -eq 0 ] && return 0
		tries=$((tries + 1))
		# Another program may have taken the port since create.
		if [ $rc -eq 2 ] && [ $tries -lt 5 ]; then
			pick_port > "$DIR/port"
			continue
		fi
		log_tail
		die "PostgreSQL failed to start"
	done
}

cmd_stop() {
	[ -d "$DIR" ] || return 0
	check_ours
	is_running || return 0
	as_owner "$BINDIR/pg_ctl" stop -s -D "$DIR/data" -m fast -w -t 60 >/dev/null ||
	    die "pg_ctl stop failed"
}

cmd_remove() {
	[ -e "$DIR" ] || return 0
	if [ ! -f "$DIR/PGTMP" ]; then
		[ -z "$(ls -A "$DIR" 2>/dev/null)" ] || die "$DIR was not made by pgtmp.sh: not removing it"
		rmdir "$DIR"
		return 0
	fi
	[ -f "$DIR/data/PG_VERSION" ] && cmd_stop
	rm -rf "$DIR"
}

cmd_env() {
	check_ours
	port=$(cat "$DIR/port")
	cat <<-EOF
	export PGHOST=127.0.0.1
	export PGPORT=$port
	export PGUSER=$ROLE
	export PGDATABASE=postgres
	export REGIE_TEST_CONNINFO='host=127.0.0.1 port=$port user=$ROLE dbname=postgres'
	EOF
}

[ $# -ge 2 ] || usage
cmd=$1
DIR=$2
shift 2
[ $# -eq 0 ] || [ "$cmd" = psql ] || usage
case $DIR in
/*) ;;
*) DIR=$(pwd -P)/$DIR ;;
esac
[ -d "$DIR" ] && DIR=$(cd "$DIR" && pwd -P)

case $cmd in
create)  BINDIR=$(find_bindir); cmd_create ;;
start)   BINDIR=$(find_bindir); cmd_start ;;
stop)    BINDIR=$(find_bindir); cmd_stop ;;
restart) BINDIR=$(find_bindir); cmd_stop; cmd_start ;;
status)  BINDIR=$(find_bindir); check_ours; is_running ;;
remove)  BINDIR=$(find_bindir); cmd_remove ;;
env)     cmd_env ;;
psql)    BINDIR=$(find_bindir); check_ours
         exec "$BINDIR/psql" -h 127.0.0.1 -p "$(cat "$DIR/port")" -U "$ROLE" -d postgres "$@" ;;
*)       usage ;;
esac
