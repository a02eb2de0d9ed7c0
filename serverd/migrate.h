/* The schema migrations compiled into regied (see tools/sql2c.c). */
#ifndef REGIED_MIGRATE_H
#define REGIED_MIGRATE_H
#include <stddef.h>
#include <libpq-fe.h>

struct migration {
	const char *name;    /* "0001_core" */
	const char *sql;
};
extern const struct migration migrations[];
extern const unsigned migration_count;

/* Checks that db holds exactly our migrations: 0 when it does; 1 when
 * some are not applied yet; -1 with err set when the database has one
 * we do not know, or cannot be read. */
int migrate_check(PGconn *db, char *err, size_t errlen);

#endif
