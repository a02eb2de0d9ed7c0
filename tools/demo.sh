#!/bin/sh
# demo.sh start|stop (make demo, make demo-stop): a demo city on a private
# PostgreSQL cluster, kept between runs so that the second start is quick:
# under var/demo for an ordinary user, under /var/tmp/regie-demo for root
# (whose cluster runs as `postgres`, who cannot enter a checkout under
# /root). `start` leaves regied and the cluster running when the client
# quits; `stop` stops both.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$top"
if [ "$(id -u)" -eq 0 ]; then
	demo=/var/tmp/regie-demo
else
	demo=$top/var/demo
fi
pg=$demo/pg
addr=127.0.0.1:7890
pidfile=$demo/regied.pid
log=$demo/regied.log

pgtmp() {
	sh "$top/tools/pgtmp.sh" "$@"
}

die() {
	echo "demo: $*" >&2
	exit 1
}

regied_pid() {
	[ -f "$pidfile" ] || return 1
	pid=$(cat "$pidfile")
	kill -0 "$pid" 2>/dev/null || return 1
	# A stale pidfile may name another program by now.
	[ ! -r "/proc/$pid/cmdline" ] || tr '\0' ' ' < "/proc/$pid/cmdline" |
	    grep -q regied || return 1
	echo "$pid"
}

stop_regied() {
	pid=$(regied_pid) || { rm -f "$pidfile"; return 0; }
	kill -TERM "$pid"
	deadline=$(($(date +%s) + 10))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$(date +%s)" -ge $deadline ]; then
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.05
	done
	rm -f "$pidfile"
}

start_regied() {
	: >> "$log"
	logsize=$(wc -c < "$log")
	nohup ./regied -l "$addr" -d "$conninfo" >> "$log" 2>&1 < /dev/null &
	echo $! > "$pidfile"
	deadline=$(($(date +%s) + 10))
	until tail -c +$((logsize + 1)) "$log" | grep -q "listening on $addr"; do
		if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
			tail -n 20 "$log" >&2
			rm -f "$pidfile"
			die "regied did not start (log: $log)"
		fi
		if [ "$(date +%s)" -ge $deadline ]; then
			tail -n 20 "$log" >&2
			die "regied did not listen on $addr within 10 s (log: $log)"
		fi
		sleep 0.05
	done
}

psql_value() {
	pgtmp psql "$pg" -X -q -t -A -v ON_ERROR_STOP=1 -c "$1"
}

cmd_start() {
	[ -x ./regied ] && [ -x ./regie ] || die "build first: make"
	mkdir -p "$demo"
	fresh=0
	if [ ! -f "$pg/PGTMP" ]; then
		pgtmp create "$pg"
		fresh=1
	fi
	pgtmp start "$pg"
	eval "$(pgtmp env "$pg")"
	conninfo="host=$PGHOST port=$PGPORT user=$PGUSER dbname=regie"
	if [ -z "$(psql_value "SELECT 1 FROM pg_database WHERE datname = 'regie'")" ]; then
		psql_value "CREATE DATABASE regie" >/dev/null
		fresh=1
	fi
	# Markers of what was done to this database; a new one starts bare.
	if [ $fresh -eq 1 ]; then
		rm -f "$demo/loaded" "$demo/admin"
	fi
	# The city as loaded is the demo data of its day: when the data
	# changed since (a new module's requests or work orders), it is
	# loaded again into a new database, or the demo would show empty
	# screens for what the data now holds.
	stamp=$(cat sql/demo/*.sql sql/demo/load.sh 2>/dev/null | cksum | cut -d' ' -f1)
	if [ -f "$demo/loaded" ] && [ "$(cat "$demo/loaded")" != "$stamp" ]; then
		echo "demo: the demo data changed since it was loaded: loading the city again" \
		    "(what was changed in the demo is lost)"
		stop_regied
		psql_value "DROP DATABASE regie" >/dev/null
		psql_value "CREATE DATABASE regie" >/dev/null
		rm -f "$demo/loaded" "$demo/admin"
	fi

	./regied migrate -d "$conninfo"
	if [ -f sql/demo/load.sh ] && [ ! -f "$demo/loaded" ]; then
		echo "demo: loading the demo city"
		REGIE_DEMO_CONNINFO=$conninfo sh sql/demo/load.sh "$conninfo"
		echo "$stamp" > "$demo/loaded"
	fi
	if [ ! -f "$demo/admin" ]; then
		if echo admin-demo | ./regied useradd -d "$conninfo" admin --role admin \
		    --name "Administrateur" 2> "$demo/useradd.err"; then
			: > "$demo/admin"
			rm -f "$demo/useradd.err"
		else
			# Most likely the demo data made its own admin.
			echo "demo: note: regied useradd admin: $(cat "$demo/useradd.err")"
		fi
	fi

	# A server older than the binary runs the old code: restart it.
	if regied_pid >/dev/null && [ -n "$(find ./regied -newer "$pidfile")" ]; then
		echo "demo: regied was rebuilt: restarting it"
		stop_regied
	fi
	if ! regied_pid >/dev/null; then
		start_regied
	fi

	if [ -t 0 ] && [ -t 1 ]; then
		./regie -s "$addr" || true
		echo "demo: regied ($addr) and its PostgreSQL cluster ($pg) still run;"
		echo "demo: make demo-stop stops them."
	else
		echo "demo: regied listens on $addr (log: $log)."
		echo "demo: connect with: ./regie -s $addr   (login admin, password admin-demo)"
		echo "demo: make demo-stop stops the server and its cluster."
	fi
}

cmd_stop() {
	stop_regied
	if [ -f "$pg/PGTMP" ]; then
		pgtmp stop "$pg"
	fi
	echo "demo: stopped (the data stays in $demo)"
}

case ${1:-} in
start) cmd_start ;;
stop)  cmd_stop ;;
*)     echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
