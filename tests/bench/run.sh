#!/bin/sh
# run.sh (make bench): load through regied against the same SQL run
# directly by pgbench, on one scale dataset, in one run.
#
#   run.sh [-s SCALE] [-T SECONDS] [-m MIXES] [-c CLIENTS] [-n SESSIONS]
#          [-f SUBSCRIBERS] [-o DIR]
#
#   -s SCALE      the demo city SCALE times larger (default 20: about a
#                 million assets); kept between runs, rebuilt when the
#                 migrations or the demo data change
#   -T SECONDS    each side's time in a measure (default 10), run as
#                 two halves
#   -m MIXES      comma-separated among read, search, list, list_uncached,
#                 workflow (default all five); list_uncached is the list
#                 mix with regied's page cache off (page_cache_size = 0,
#                 by SIGHUP), every page from PostgreSQL
#   -c CLIENTS    comma-separated client counts (default 1,8,32)
#   -n SESSIONS   idle logged-in sessions for the memory measure
#                 (default 10000; 0 skips it)
#   -f SUBSCRIBERS  clients for the event fan-out measure (default 1000;
#                 0 skips it)
#   -o DIR        where the table and the CSV go (default BUILD/bench)
#
# For each mix and client count, regiebench drives regied, and pgbench
# runs tests/bench/pgbench/MIX.sql, or the scripts of the directory
# tests/bench/pgbench/MIX/ (the statements the handlers run, as prepared
# statements in the same transactions, audit rows included) directly
# against the same database, each for half the time, twice, in the
# order regied, direct, direct, regied, so that both figures come from
# one machine state. The list mixes are also broken down by screen
# (bench-screens.csv), and the share of calls regied answered from its
# page cache is shown (system.stats). Errors through regied and failed or aborted pgbench runs are
# reported, and make the exit status 1 once the table is written. The
# dataset lives under /var/tmp/regie-bench-sSCALE as root (its cluster
# runs as postgres), var/bench-sSCALE otherwise.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$top"
build=${REGIE_BUILD:-build}
bindir=${REGIE_BIN_DIR:-$top}
scale=20
seconds=10
mixes=read,search,list,list_uncached,workflow
clients=1,8,32
sessions=10000
subscribers=1000
out=

usage() {
	sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

die() {
	echo "bench: $*" >&2
	exit 1
}

while getopts s:T:m:c:n:f:o:h opt; do
	case $opt in
	s) scale=$OPTARG ;;
	T) seconds=$OPTARG ;;
	m) mixes=$OPTARG ;;
	c) clients=$OPTARG ;;
	n) sessions=$OPTARG ;;
	f) subscribers=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
out=${out:-$top/$build/bench}
mkdir -p "$out"
out=$(cd "$out" && pwd -P)

regied=$bindir/regied
bench=$top/$build/tests/bench/regiebench
[ -x "$regied" ] && [ -x "$bench" ] || die "build first: make bench"
command -v pgbench >/dev/null 2>&1 || die "pgbench is missing (Debian package postgresql-client)"

if [ "$(id -u)" -eq 0 ]; then
	home=/var/tmp/regie-bench-s$scale
else
	home=$top/var/bench-s$scale
fi
pg=$home/pg

pgtmp() {
	sh "$top/tools/pgtmp.sh" "$@"
}

# The dataset is rebuilt when what made it changed.
stamp=$(cat sql/migrations/*.sql sql/demo/*.sql sql/demo/load.sh | cksum | cut -d' ' -f1)
if [ ! -f "$home/loaded" ] || [ "$(cat "$home/loaded")" != "$stamp" ]; then
	echo "bench: building the scale-$scale dataset in $home (minutes)"
	[ ! -d "$pg" ] || pgtmp remove "$pg"
	mkdir -p "$home"
	[ "$(id -u)" -ne 0 ] || chmod 755 "$home"
	pgtmp create "$pg" >/dev/null
	pgtmp start "$pg" >/dev/null
	pgtmp psql "$pg" -X -q -c "CREATE DATABASE regie_bench" >/dev/null
	eval "$(pgtmp env "$pg")"
	conninfo="$REGIE_TEST_CONNINFO"
	conninfo="${conninfo% dbname=*} dbname=regie_bench"
	"$regied" migrate -d "$conninfo" 2>/dev/null
	sh sql/demo/load.sh --scale "$scale" "$conninfo"
	echo bench-admin-pw | "$regied" useradd -d "$conninfo" benchadmin --role admin \
	    --name "Benchmark" >/dev/null
	pgtmp psql "$pg" -X -q -d regie_bench -c "VACUUM ANALYZE" >/dev/null
	echo "$stamp" > "$home/loaded"
else
	pgtmp status "$pg" >/dev/null 2>&1 || pgtmp start "$pg" >/dev/null
	eval "$(pgtmp env "$pg")"
	conninfo="$REGIE_TEST_CONNINFO"
	conninfo="${conninfo% dbname=*} dbname=regie_bench"
fi

sql() {
	pgtmp psql "$pg" -X -q -t -A -v ON_ERROR_STOP=1 -d regie_bench -c "$1"
}

# What the clients type and read: real ids and names, the same on every
# run (setseed).
work=$(mktemp -d)
regied_pid=
cleanup() {
	[ -z "$regied_pid" ] || kill -TERM "$regied_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
sql "SELECT setseed(0.42); SELECT id FROM assets WHERE status <> 'disposed'
     ORDER BY random() LIMIT 5000" | grep -v '^$' > "$work/ids"
sql "SELECT setseed(0.17); SELECT name FROM assets ORDER BY random() LIMIT 500" |
    grep -v '^$' > "$work/names"
# pgbench reads the same lists from tables.
sql "SET client_min_messages = warning; DROP TABLE IF EXISTS bench_ids, bench_names, bench_prefixes;
     CREATE TABLE bench_ids (n serial PRIMARY KEY, id bigint NOT NULL);
     CREATE TABLE bench_names (name text NOT NULL);
     CREATE TABLE bench_prefixes (n serial PRIMARY KEY, q text NOT NULL)" >/dev/null
pgtmp psql "$pg" -X -q -d regie_bench -c "\\copy bench_ids (id) FROM '$work/ids'" >/dev/null
pgtmp psql "$pg" -X -q -d regie_bench -c "\\copy bench_names FROM '$work/names'" >/dev/null
# As typed: every prefix of 2 to 16 characters not ending in a space.
sql "INSERT INTO bench_prefixes (q) SELECT left(b.name, n) FROM bench_names b,
     generate_series(2, least(16, char_length(b.name))) n WHERE substr(b.name, n, 1) <> ' '" >/dev/null
nids=$(wc -l < "$work/ids")
nprefixes=$(sql "SELECT count(*) FROM bench_prefixes")

# The workflow's cast: a referent of a site, the supervisor of the
# service a category routes to, and an agent of that service with a
# login and a rate.
workflow=$(sql "SELECT c.id || ',' || us.site_id || ',' || a.id || ' ' || r.login || ' ' ||
	s.login || ' ' || au.login
	FROM request_categories c
	JOIN user_services ss ON ss.service_id = c.service_id
	JOIN users s ON s.id = ss.user_id AND 'supervisor' = ANY (s.roles) AND NOT s.disabled
	JOIN agents a ON a.service_id = c.service_id AND a.active AND a.user_id IS NOT NULL
	JOIN users au ON au.id = a.user_id AND 'agent' = ANY (au.roles) AND NOT au.disabled
	JOIN user_sites us ON true
	JOIN users r ON r.id = us.user_id AND 'referent' = ANY (r.roles) AND NOT r.disabled
	WHERE c.service_id IS NOT NULL AND regie_agent_rate(a.id, current_date) IS NOT NULL
	ORDER BY c.id, s.id, a.id, r.id LIMIT 1" 2>/dev/null || true)

# regied on its own port, with room for the sessions measure.
port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 20000) }')
addr=127.0.0.1:$port
regied_config() { # extra lines
	cat > "$work/regied.conf" <<EOF
max_clients = $((sessions + subscribers + 200))
login_max_failures = 1000
$*
EOF
}
regied_config
ulimit -n $((sessions + subscribers + 1024)) 2>/dev/null || ulimit -n "$(ulimit -H -n)" 2>/dev/null || true
"$regied" -c "$work/regied.conf" -l "$addr" -d "$conninfo" > "$out/regied.log" 2>&1 &
regied_pid=$!
deadline=$(($(date +%s) + 15))
until grep -q "listening on $addr" "$out/regied.log"; do
	kill -0 "$regied_pid" 2>/dev/null || { tail "$out/regied.log" >&2; die "regied did not start"; }
	[ "$(date +%s)" -lt $deadline ] || die "regied did not listen within 15 s"
	sleep 0.1
done
# The in-memory search index loads in the background: wait for it, or
# search would be measured against its SQL fallback.
deadline=$(($(date +%s) + 300))
until grep -q "search index: ready" "$out/regied.log"; do
	[ "$(date +%s)" -lt $deadline ] || { echo "bench: note: the search index did not report ready" >&2; break; }
	sleep 0.5
done

csv=$out/bench.csv
half=$(( (seconds + 1) / 2 ))
table=$out/bench.txt
echo "mix,clients,regied_tps,regied_p50_ms,regied_p99_ms,direct_tps,direct_p50_ms,direct_p99_ms,tps_ratio,p99_ratio,regied_cached" > "$csv"
screens_csv=$out/bench-screens.csv
echo "mix,clients,screen,regied_p50_ms,regied_p99_ms,direct_p50_ms,direct_p99_ms,p50_ratio,p99_ratio" > "$screens_csv"

# pgbench runs tests/bench/pgbench/MIX.sql, or every script of the
# directory tests/bench/pgbench/MIX/ with equal weights (one a
# transaction, chosen at random: the list mix's screens), binding the
# variables of $work/pgbench.vars, for a slice of seconds. It appends
# "transactions seconds" to $work/direct.runs and "ms name" a
# transaction to $work/direct.lat (the name of its script; the log's
# third field is the latency in microseconds, its fourth the script's
# number in -f order). A slice with a failed transaction, or that
# pgbench aborts, is reported and counted in $work/failures: its figures
# do not compare.
pgbench_slice() { # mix clients seconds
	pmix=$1
	pclients=$2
	pseconds=$3
	set --
	names=
	if [ -d "$top/tests/bench/pgbench/$pmix" ]; then
		for f in "$top/tests/bench/pgbench/$pmix"/*.sql; do
			if [ -f "$f" ]; then
				set -- "$@" -f "$f"
				names="$names $(basename "$f" .sql)"
			fi
		done
	elif [ -f "$top/tests/bench/pgbench/$pmix.sql" ]; then
		set -- -f "$top/tests/bench/pgbench/$pmix.sql"
		names=$pmix
	fi
	[ $# -gt 0 ] || return 0
	while IFS= read -r v; do
		set -- "$@" -D "$v"
	done < "$work/pgbench.vars"
	rm -f "$work"/pgbench_log.*
	jobs=$(( pclients < 2 ? pclients : 2 ))
	# The session settings regied's workers take (serverd/pool.c).
	if ! (cd "$work" && PGOPTIONS="-c join_collapse_limit=1 -c TimeZone=UTC" pgbench -n -M prepared -c "$pclients" -j "$jobs" -T "$pseconds" -l \
	    -D nids="$nids" -D nprefixes="$nprefixes" "$@" "$conninfo" > "$work/pgbench.out" 2>&1); then
		sed 's/^/bench: pgbench: /' "$work/pgbench.out" | tail -n 5 >&2
		echo "$pmix at $pclients clients: pgbench failed" >> "$work/failures"
		return 0
	fi
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/pgbench.out")
	if [ "${failed:-?}" != 0 ]; then
		grep -i error "$work/pgbench.out" | head -n 3 | sed 's/^/bench: pgbench: /' >&2
		echo "$pmix at $pclients clients: ${failed:-an unknown number of} failed transactions" \
		    "in pgbench" | tee -a "$work/failures" | sed 's/^/bench: /' >&2
	fi
	n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")
	tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgbench.out" | head -n 1)
	awk -v n="${n:-0}" -v t="${tps:-0}" 'BEGIN { if (t > 0) printf "%d %.6f\n", n, n / t }' \
	    >> "$work/direct.runs"
	cat "$work"/pgbench_log.* | awk -v names="$names" \
	    'BEGIN { k = split(names, name, " ") } { printf "%.3f %s\n", $3 / 1000, name[$4 + 1] }' \
	    >> "$work/direct.lat"
}

# regiebench for a slice of seconds: the same files, regied.runs and
# regied.lat. Errors through regied are counted in $work/failures.
regied_slice() { # mix clients seconds args...
	rmix=$1
	rclients=$2
	rseconds=$3
	shift 3
	"$bench" -s "$addr" -m "$rmix" -c "$rclients" -T "$rseconds" -l "$work/slice.lat" "$@" \
	    > "$work/regiebench.out" || true
	line=$(grep '^mix=' "$work/regiebench.out" || true)
	[ -n "$line" ] || die "regiebench $rmix failed"
	echo "$(field "$line" transactions) $(field "$line" seconds)" >> "$work/regied.runs"
	echo "$(field "$line" cache_hits) $(field "$line" cache_misses)" >> "$work/regied.cache"
	cat "$work/slice.lat" >> "$work/regied.lat"
	errors=$(field "$line" errors)
	[ "${errors:-0}" = 0 ] ||
	    echo "$rmix at $rclients clients: $errors errors through regied" |
	    tee -a "$work/failures" | sed 's/^/bench: /' >&2
}

# Throughput of a side's slices: all their transactions over all their
# time.
tps_of() { # runs file
	awk '{ n += $1; t += $2 } END { if (t > 0) printf "%.1f", n / t; else print "-" }' "$1"
}

# p50 and p99 of a side's transactions, those named name when given.
latency_of() { # lat file [name]
	awk -v n="${2:-}" 'n == "" || $2 == n { print $1 }' "$1" | sort -n > "$work/lat"
	percentiles "$work/lat"
}

# The share of regied's calls answered from its page cache, "-" when
# unknown.
cached_of() { # cache file
	awk '$1 < 0 || $2 < 0 { bad = 1 } { h += $1; m += $2 }
	    END { if (bad || h + m == 0) print "-"; else printf "%d%%\n", 100 * h / (h + m) }' "$1"
}

# SIGHUP with a configuration: extra lines after the base ones. Waits
# for regied to say it read it.
regied_reload() { # extra lines
	before=$(grep -c "reload: configuration read again" "$out/regied.log" || true)
	regied_config "$@"
	kill -HUP "$regied_pid"
	deadline=$(($(date +%s) + 15))
	until [ "$(grep -c "reload: configuration read again" "$out/regied.log" || true)" -gt "$before" ]; do
		[ "$(date +%s)" -lt $deadline ] || die "regied did not reload within 15 s"
		sleep 0.1
	done
}

percentiles() { # sorted file of ms -> "p50 p99"
	awk '{ v[NR] = $1 } END {
	    if (NR == 0) { print "- -"; exit }
	    i = int(NR * 0.50 + 0.5); if (i < 1) i = 1; a = v[i]
	    i = int(NR * 0.99 + 0.5); if (i < 1) i = 1; printf "%.3f %.3f\n", a, v[i] }' "$1"
}

field() { # line key
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-";
	    else printf "%.2f", a / b }'
}

set -- $workflow
wf_ids=${1:-}
wf_referent=${2:-}
wf_supervisor=${3:-}
wf_agent_login=${4:-}
if [ -n "$wf_ids" ]; then
	wf_category=${wf_ids%%,*}
	rest=${wf_ids#*,}
	wf_site=${rest%%,*}
	wf_agent=${rest#*,}
	wf_supervisor_id=$(sql "SELECT id FROM users WHERE login = '$wf_supervisor'")
	wf_agent_user_id=$(sql "SELECT id FROM users WHERE login = '$wf_agent_login'")
	wf_referent_id=$(sql "SELECT id FROM users WHERE login = '$wf_referent'")
fi

# What the pgbench scripts bind where the handlers bind the caller's
# scope or a constant, one NAME=VALUE a line (pgbench's \set holds no
# strings). A caller's scope is what its regied session gives it:
# NAME_reads_all (serverd/estate.c estate_reads_all), NAME_wo_all,
# NAME_wo_agent, NAME_wo_referent (WO_SCOPE_ARGS, serverd/workorder.h),
# NAME_admin (request.queue), its sites and services, and NAME, its id.
caller_vars() { # name user_id
	sql "SELECT '$1=' || u.id
	    || E'\\n$1_reads_all=' || (u.roles && ARRAY['admin', 'supervisor', 'agent', 'storekeeper', 'viewer'])
	    || E'\\n$1_wo_all=' || (u.roles && ARRAY['admin', 'supervisor', 'storekeeper', 'viewer'])
	    || E'\\n$1_wo_agent=' || ('agent' = ANY (u.roles))
	    || E'\\n$1_wo_referent=' || ('referent' = ANY (u.roles))
	    || E'\\n$1_admin=' || ('admin' = ANY (u.roles))
	    || E'\\n$1_sites=' || ARRAY(SELECT site_id FROM user_sites WHERE user_id = u.id ORDER BY 1)::text
	    || E'\\n$1_services=' ||
	    ARRAY(SELECT service_id FROM user_services WHERE user_id = u.id ORDER BY 1)::text
	    FROM users u WHERE u.id = $2"
}
{
	caller_vars admin "$(sql "SELECT id FROM users WHERE login = 'benchadmin'")"
	echo open=open
	if [ -n "$wf_ids" ]; then
		caller_vars referent "$wf_referent_id"
		caller_vars supervisor "$wf_supervisor_id"
		caller_vars agent_user "$wf_agent_user_id"
		echo "category=$wf_category"
		echo "site=$wf_site"
		echo "agent=$wf_agent"
		echo "agent_ids={$wf_agent}"
		echo "no_documents={}"
		# The workflow's texts as regiebench.c sends them, and the
		# timeline notes workorder_report.c makes of them, today.
		echo "description=Fuite sous l'évier du local technique"
		echo "hours=1.5"
		echo "part=Joint fibre 20x27"
		echo "quantity=2"
		echo "unit=u"
		echo "unit_cost=0.85"
		echo "material_note=2 u Joint fibre 20x27"
		echo "completion=Joint remplacé"
		sql "SET TimeZone TO 'UTC'; SELECT 'today=' || current_date ||
		    E'\\nlabour_note=1.5 h by ' || name || ' on ' || current_date
		    FROM agents WHERE id = $wf_agent"
		for w in normal status submitted approved in_progress done; do
			echo "$w=$w"
		done
		for m in request.submit request.approve workorder.assign workorder.start \
		    workorder.report workorder.finish; do
			echo "m_${m#*.}=$m"
			echo "op_${m#*.}=${m#*.}"
		done
		echo e_request=request
		echo e_workorder=workorder
	fi
} | grep -v '^$' > "$work/pgbench.vars"

for mix in $(echo "$mixes" | tr ',' ' '); do
	for c in $(echo "$clients" | tr ',' ' '); do
		case $mix in
		read) args="-u benchadmin -p bench-admin-pw -f $work/ids" ;;
		search) args="-u benchadmin -p bench-admin-pw -f $work/names" ;;
		list|list_uncached) args="-u benchadmin -p bench-admin-pw" ;;
		workflow)
			[ -n "$wf_ids" ] || { echo "bench: no cast for the workflow mix in this dataset" >&2; continue; }
			args="-u $wf_referent -p demo-regie -W $wf_ids -U $wf_supervisor:demo-regie -A $wf_agent_login:demo-regie" ;;
		*) die "unknown mix $mix" ;;
		esac
		# Each side runs twice for half the time, in the order regied,
		# direct, direct, regied: a machine that drifts (autovacuum,
		# the disk's cache, the tables the workflow grows) weighs on
		# both sides alike.
		rm -f "$work/regied.runs" "$work/regied.lat" "$work/direct.runs" "$work/direct.lat" \
		    "$work/regied.cache"
		touch "$work/regied.lat" "$work/direct.lat"
		same=${mix%_uncached}
		[ "$mix" = "$same" ] || regied_reload "page_cache_size = 0"
		for side in regied direct direct regied; do
			if [ $side = regied ]; then
				regied_slice "$same" "$c" "$half" $args
			else
				pgbench_slice "$same" "$c" "$half"
			fi
		done
		[ "$mix" = "$same" ] || regied_reload
		r_tps=$(tps_of "$work/regied.runs")
		set -- $(latency_of "$work/regied.lat")
		r_p50=$1
		r_p99=$2
		d_tps=$( [ -s "$work/direct.runs" ] && tps_of "$work/direct.runs" || echo -)
		set -- $(latency_of "$work/direct.lat")
		echo "$mix,$c,$r_tps,$r_p50,$r_p99,$d_tps,$1,$2,$(ratio "$r_tps" "$d_tps"),$(ratio "$r_p99" "$2"),$(cached_of "$work/regied.cache")" >> "$csv"
		if [ "$same" = list ]; then
			for name in $(awk '{ print $2 }' "$work/regied.lat" | sort -u); do
				set -- $(latency_of "$work/regied.lat" "$name") $(latency_of "$work/direct.lat" "$name")
				echo "$mix,$c,$name,$1,$2,$3,$4,$(ratio "$1" "$3"),$(ratio "$2" "$4")"
			done >> "$screens_csv"
		fi
	done
done

{
	echo "Régie benchmark: scale $scale ($(sql "SELECT count(*) FROM assets") assets), each side ${half}s twice a measure, interleaved, $(nproc) cores"
	echo
	printf '%-13s %7s | %10s %9s %9s %6s | %10s %9s %9s | %6s %6s\n' mix clients \
	    "regied tps" "p50 ms" "p99 ms" cached "direct tps" "p50 ms" "p99 ms" "tps x" "p99 x"
	tail -n +2 "$csv" | tr ',' ' ' | while read -r m c a b d e f g h i k; do
		printf '%-13s %7s | %10s %9s %9s %6s | %10s %9s %9s | %6s %6s\n' "$m" "$c" "$a" "$b" \
		    "$d" "$k" "$e" "$f" "$g" "$h" "$i"
	done
	echo
	echo "cached: the share of regied's calls answered from its page cache (system.stats)."

	if [ "$(wc -l < "$screens_csv")" -gt 1 ]; then
		echo
		echo "The list mixes by screen (latency of its first page, ms):"
		echo
		printf '%-13s %7s  %-16s | %9s %9s | %9s %9s | %6s %6s\n' mix clients screen \
		    "p50 ms" "p99 ms" "direct p50" "p99" "p50 x" "p99 x"
		tail -n +2 "$screens_csv" | tr ',' ' ' | while read -r m c n a b d e f g; do
			printf '%-13s %7s  %-16s | %9s %9s | %9s %9s | %6s %6s\n' "$m" "$c" "$n" \
			    "$a" "$b" "$d" "$e" "$f" "$g"
		done
	fi
} > "$table"

if [ "$sessions" -gt 0 ]; then
	"$bench" -s "$addr" -m sessions -u benchadmin -p bench-admin-pw -n "$sessions" \
	    -P "$regied_pid" >> "$work/extra" || echo "bench: the sessions measure failed" >&2
fi
if [ "$subscribers" -gt 0 ]; then
	"$bench" -s "$addr" -m fanout -u benchadmin -p bench-admin-pw -n "$subscribers" \
	    -f "$work/ids" -r 20 >> "$work/extra" || echo "bench: the fan-out measure failed" >&2
fi
if [ -s "$work/extra" ]; then
	echo >> "$table"
	while read -r line; do
		case $line in
		mix=sessions*)
			echo "idle sessions: $(field "$line" sessions) held in $(( ($(field "$line" rss_after_kb) - $(field "$line" rss_before_kb)) / 1024 )) MiB more resident memory ($(field "$line" per_session_bytes) bytes each)" ;;
		mix=fanout*)
			echo "event fan-out: one change reaches $(field "$line" subscribers) subscribed clients in p50 $(field "$line" p50_ms) ms, p99 $(field "$line" p99_ms) ms" ;;
		esac
	done < "$work/extra" >> "$table"
	sed 's/ /,/g' "$work/extra" > "$out/bench-extra.csv"
fi
cat "$table"
echo
echo "bench: written $table and $csv"
if [ -s "$work/failures" ]; then
	echo "bench: these figures do not compare, the runs had errors:" >&2
	sed 's/^/bench:   /' "$work/failures" >&2
	exit 1
fi
