/* regied migrate: applies the compiled-in migrations in order, each in
 * its own transaction, recording each in schema_migrations. A database
 * that holds a migration this binary does not know was made by a newer
 * regied: it is refused rather than guessed at. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "migrate.h"
#include "regied.h"
#include "xmalloc.h"

/* Any constant will do, as long as every regied uses the same one. */
#define MIGRATE_LOCK_KEY "7265676965"

static const char *pq_error(PGconn *db)
{
	static __thread char msg[512];
	size_t len;

	xsnprintf(msg, sizeof msg, "%s", PQerrorMessage(db));
	len = strlen(msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	return msg;
}

static bool known(const char *name)
{
	for (unsigned i = 0; i < migration_count; i++) {
		if (strcmp(migrations[i].name, name) == 0)
			return true;
	}
	return false;
}

int migrate_check(PGconn *db, char *err, size_t errlen)
{
	PGresult *res = PQexec(db, "SELECT name FROM schema_migrations ORDER BY name");
	int applied = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		bool missing = state != NULL && strcmp(state, "42P01") == 0;
		if (!missing)
			xsnprintf(err, errlen, "cannot read the schema version: %s", pq_error(db));
		PQclear(res);
		return missing ? 1 : -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		const char *name = PQgetvalue(res, i, 0);
		if (!known(name)) {
			xsnprintf(err, errlen, "the database has migration %s, which this regied "
			    "(%s) does not know: it was made by a newer version", name, REGIED_VERSION);
			PQclear(res);
			return -1;
		}
		applied++;
	}
	PQclear(res);
	return applied == (int)migration_count ? 0 : 1;
}

static bool exec_ok(PGconn *db, const char *sql, char *err, size_t errlen, const char *what)
{
	PGresult *res = PQexec(db, sql);
	ExecStatusType st = PQresultStatus(res);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok)
		xsnprintf(err, errlen, "%s: %s", what, pq_error(db));
	PQclear(res);
	return ok;
}

int migrate_run(const char *conninfo, char *err, size_t errlen)
{
	PGconn *db = PQconnectdb(conninfo);
	int rc = -1, applied = 0;

	if (PQstatus(db) != CONNECTION_OK) {
		xsnprintf(err, errlen, "cannot connect to the database: %s", pq_error(db));
		PQfinish(db);
		return -1;
	}
	PQclear(PQexec(db, "SET client_min_messages TO warning"));
	/* Two regied migrating at once would race; the second waits. */
	if (!exec_ok(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", err, errlen, "lock") ||
	    !exec_ok(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	        "name text PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())",
	        err, errlen, "schema_migrations"))
		goto out;
	if (migrate_check(db, err, errlen) < 0)
		goto out;
	for (unsigned i = 0; i < migration_count; i++) {
		const char *name = migrations[i].name;
		const char *values[1] = { name };
		PGresult *res = PQexecParams(db, "SELECT 1 FROM schema_migrations WHERE name = $1",
		    1, NULL, values, NULL, NULL, 0);
		bool done = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;

		PQclear(res);
		if (done)
			continue;
		if (!exec_ok(db, "BEGIN", err, errlen, name))
			goto out;
		if (!exec_ok(db, migrations[i].sql, err, errlen, name)) {
			char why[512];
			xsnprintf(why, sizeof why, "migration %s failed (nothing of it was applied): %s",
			    name, strchr(err, ':') ? strchr(err, ':') + 2 : err);
			xsnprintf(err, errlen, "%s", why);
			PQclear(PQexec(db, "ROLLBACK"));
			goto out;
		}
		res = PQexecParams(db, "INSERT INTO schema_migrations (name) VALUES ($1)", 1, NULL,
		    values, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			xsnprintf(err, errlen, "%s: %s", name, pq_error(db));
			PQclear(res);
			PQclear(PQexec(db, "ROLLBACK"));
			goto out;
		}
		PQclear(res);
		if (!exec_ok(db, "COMMIT", err, errlen, name))
			goto out;
		log_info("applied migration %s", name);
		applied++;
	}
	if (applied == 0)
		log_info("the schema is up to date (%u migrations)", migration_count);
	rc = 0;
out:
	PQfinish(db);
	return rc;
}
