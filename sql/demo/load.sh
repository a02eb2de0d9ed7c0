#!/bin/sh
# load.sh [--scale N] CONNINFO: loads the demo city of Vérignac-sur-Lise
# and its users into a migrated database that has no assets yet.
#
#   --scale N   the same city N times larger (N sectors side by side):
#               scale 1 is about 50,000 assets, scale 20 about a million.
#
# tools/demo.sh runs it once on the demo database (make demo). The demo
# accounts and their password are listed in sql/demo/README.md.
set -eu

PASSWORD=demo-regie

usage() {
	echo "usage: $0 [--scale N] CONNINFO" >&2
	exit 2
}

die() {
	echo "load.sh: $*" >&2
	exit 1
}

scale=1
while [ $# -gt 0 ]; do
	case $1 in
	--scale) [ $# -ge 2 ] || usage; scale=$2; shift 2 ;;
	--scale=*) scale=${1#--scale=}; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
conninfo=$1
case $scale in
''|*[!0-9]*) die "--scale takes a whole number from 1 to 1000" ;;
esac
[ "$scale" -ge 1 ] && [ "$scale" -le 1000 ] || die "--scale takes a whole number from 1 to 1000"

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
regied=${REGIE_BIN_DIR:-$top}/regied
[ -x "$regied" ] || die "no regied at $regied: build first (make regied)"

# psql: on the PATH, or next to the server binaries.
psql=$(command -v psql 2>/dev/null || true)
if [ -z "$psql" ]; then
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
		[ -x "$d/psql" ] && psql=$d/psql
	done
fi
[ -n "$psql" ] || die "psql not found (install postgresql-client)"

sql() {
	"$psql" "$conninfo" -X -q -v ON_ERROR_STOP=1 "$@"
}

[ "$(sql -t -A -c "SELECT count(*) FROM asset_types")" -gt 0 ] 2>/dev/null ||
    die "the database is not migrated: run regied migrate -d CONNINFO first"
[ -z "$(sql -t -A -c "SELECT 1 FROM assets LIMIT 1")" ] ||
    die "the database already has assets: load the demo into a fresh database"

start=$(date +%s)
echo "load.sh: building the city at scale $scale"
sql -v scale="$scale" -f "$here/city.sql"

# One real Argon2id hash, made by regied itself; users.sql gives it to
# every demo account.
if [ -z "$(sql -t -A -c "SELECT 1 FROM users WHERE login = 'superviseur'")" ]; then
	echo "$PASSWORD" | "$regied" useradd -d "$conninfo" superviseur --role supervisor \
	    --name "Superviseur de démonstration" >/dev/null
fi
sql -f "$here/users.sql"
sql -f "$here/requests.sql"
sql -v scale="$scale" -f "$here/work.sql"

sql -t -A -F ' ' -c "SELECT 'load.sh: ' || (SELECT count(*) FROM assets) || ' assets, ' ||
    (SELECT count(*) FROM sites) || ' sites, ' || (SELECT count(*) FROM users) || ' users, ' ||
    (SELECT count(*) FROM requests) || ' requests, ' || (SELECT count(*) FROM agents) ||
    ' agents, ' || (SELECT count(*) FROM work_orders) || ' work orders'"
echo "load.sh: done in $(( $(date +%s) - start )) s; demo accounts: sql/demo/README.md" \
    "(password $PASSWORD)"
