/* libpq for handlers: typed parameters, prepared statements, SQLSTATE
 * mapping and rows turned into rv maps.
 *
 * Statements are string literals, so the pointer is their identity: each
 * worker prepares a statement the first time it runs it and reuses it
 * after, which saves PostgreSQL the parsing and planning of every call.
 * db_qt is for the few statements built at run time: known by text. */
#ifndef REGIED_DB_H
#define REGIED_DB_H
#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>
#include "method.h"

struct worker;

/* Runs sql with parameters described by fmt, one letter each:
 *   i  int64_t
 *   I  int64_t, SQL NULL when 0 (optional keys)
 *   s  const char *, SQL NULL when NULL
 *   b  int (bool)
 *   A  const int64_t *, size_t        -> bigint[] literal
 *   S  const char *const *, size_t    -> text[] literal
 *   x  const void *, size_t           -> bytea (hex)
 * Returns the result (caller PQclear()s it) or NULL after failing the
 * call with the mapped error. Rows are not required: check PQntuples. */
PGresult *db_q(struct call *c, const char *sql, const char *fmt, ...);
/* For sql built at run time from a fixed set of fragments (one statement
 * per shape of a list's filters, never from input text), with n text
 * parameters (NULL for SQL NULL): the statement is known by its text, so
 * each shape is prepared once per worker and keeps a plan of its own. */
PGresult *db_qt(struct call *c, const char *sql, int n, const char *const *values);
/* The same for statements whose result is not needed: 0 or -1. */
int db_exec(struct call *c, const char *sql, const char *fmt, ...);

/* Row r of res as a map named by the columns. Types follow the column
 * OID: integers, booleans and floats as such; timestamptz as RFC 3339 UTC;
 * numeric, date and text as strings; int8[]/int4[] and text[] as arrays;
 * json/jsonb as their text; NULL as nil. */
struct rv *db_row(const PGresult *res, int r);
/* Every row as an array of maps. */
struct rv *db_rows(const PGresult *res);

/* How a page's rows are sent: columns holding JSON text that go as the
 * value they hold (an asset's attributes), and columns that stay in the
 * server (the sort key a cursor is made of). NULL-terminated lists;
 * either may be NULL. */
struct db_pack {
	const char *const *json;
	const char *const *hidden;
};
/* The first limit rows (all when limit < 0) as one array of maps,
 * already encoded (RV_PACKED): what db_rows sends, with none of its
 * tree, for results the server only forwards. how may be NULL. */
struct rv *db_rows_packed(const PGresult *res, int limit, const struct db_pack *how);
/* The one row of res (a lookup by id) as a map, clearing res; no row
 * fails the call with not_found ("no site with id 7"). NULL when res is
 * NULL (the call has already failed) or empty. */
struct rv *db_one(struct call *c, PGresult *res, const char *what, int64_t id);
/* Value of column col in row r as int64 (0 when NULL). */
int64_t db_int(const PGresult *res, int r, int col);

/* One audit row and one event for a change (see regie_change() in the
 * schema). before/after are JSON texts or NULL; service, site and owner
 * (0 = none) decide which sessions receive the event. */
int db_change(struct call *c, const char *entity, int64_t id, const char *op,
    const char *before_json, const char *after_json,
    int64_t service, int64_t site, int64_t owner);

/* The optimistic edit: runs sql ($1 = id), which must lock one row and
 * return its audit snapshot (JSON text) and its version; refuses a
 * missing row (not_found) and a version other than the client's
 * (conflict, naming what changed: "site"). Returns the snapshot
 * (caller frees) or NULL with the call failed. */
char *db_lock_version(struct call *c, const char *sql, int64_t id, int64_t version,
    const char *what);

/* Paging: cursors are opaque to clients; inside they are "v1:" plus the
 * sort key of the last row. */
char *cursor_make(const char *key);
/* Returns the key or NULL (call failed with `invalid` on field "after"). */
const char *cursor_key(struct call *c, const char *cursor);

#endif
