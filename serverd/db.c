/* Typed statements on the worker's connection, and rows as rv maps. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "log.h"
#include "pack.h"
#include "pool.h"
#include "wire.h"
#include "xmalloc.h"

#define DB_MAX_PARAMS 32

/* PostgreSQL type OIDs (pg_type.h is not a public header). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_JSON 114
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_INT4ARRAY 1007
#define OID_TEXTARRAY 1009
#define OID_INT8ARRAY 1016
#define OID_TIMESTAMPTZ 1184
#define OID_JSONB 3802

/* Array literals: {1,2,3} and {"a","b\"c"}. */
static char *int_array_literal(const int64_t *v, size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_addc(&b, '{');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)v[i]);
	buf_addc(&b, '}');
	return buf_detach_str(&b);
}

static char *text_array_literal(const char *const *v, size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_addc(&b, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, ',');
		buf_addc(&b, '"');
		for (const char *s = v[i]; *s; s++) {
			if (*s == '"' || *s == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, *s);
		}
		buf_addc(&b, '"');
	}
	buf_addc(&b, '}');
	return buf_detach_str(&b);
}

static char *bytea_literal(const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *s = xmalloc(3 + 2 * n);

	s[0] = '\\';
	s[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		s[2 + 2 * i] = hex[p[i] >> 4];
		s[3 + 2 * i] = hex[p[i] & 15];
	}
	s[2 + 2 * n] = '\0';
	return s;
}

static void db_fail_from(struct call *c, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	const char *column = res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
	enum rerr code;

	if (c->db == NULL || PQstatus(c->db) != CONNECTION_OK)
		state = NULL;
	code = rerr_from_sqlstate(state);
	xsnprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
	switch (code) {
	case RERR_UNAVAILABLE:
		call_fail(c, code, NULL, "the database is unavailable; try again");
		break;
	case RERR_INTERNAL:
		log_error("%s: SQL error %s: %s", c->method->name, state ? state : "?",
		    primary ? primary : "(none)");
		call_fail(c, code, NULL, "internal error (%s)", state ? state : "?");
		break;
	default:
		/* Constraint names are chosen to be readable: users_login_key. */
		call_fail(c, code, column, "%s%s%s", primary ? primary : "rejected by the database",
		    constraint ? ": " : "", constraint ? constraint : "");
		break;
	}
}

/* Runs sql prepared (by pointer or by_text) with n text parameters. */
static PGresult *db_run(struct call *c, const char *sql, bool by_text, int n,
    const char *const *values)
{
	PGresult *res = NULL, *prep_err = NULL;
	const char *stmt;
	ExecStatusType st;

	if (c->worker == NULL)
		stmt = "";
	else if (by_text)
		stmt = worker_prepared_text(c->worker, sql, n, &prep_err);
	else
		stmt = worker_prepared(c->worker, sql, n, &prep_err);
	if (stmt == NULL)
		res = prep_err;
	else if (*stmt != '\0')
		res = PQexecPrepared(c->db, stmt, n, values, NULL, NULL, 0);
	else
		res = PQexecParams(c->db, sql, n, NULL, values, NULL, NULL, 0);
	st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return res;
	db_fail_from(c, res);
	PQclear(res);
	return NULL;
}

/* The connection, or NULL with the call failed. */
static PGconn *db_conn(struct call *c)
{
	if (c->db == NULL)
		c->db = worker_db(c->worker);
	if (c->db == NULL) {
		xsnprintf(c->sqlstate, sizeof c->sqlstate, "%s", "");
		call_fail(c, RERR_UNAVAILABLE, NULL, "the database is unavailable; try again");
	}
	return c->db;
}

static PGresult *db_vq(struct call *c, const char *sql, const char *fmt, va_list ap)
{
	const char *values[DB_MAX_PARAMS] = { NULL };
	char *owned[DB_MAX_PARAMS];
	int nowned = 0, n = 0;
	PGresult *res;

	if (db_conn(c) == NULL)
		return NULL;
	for (const char *f = fmt; *f; f++, n++) {
		if (n == DB_MAX_PARAMS) {
			log_error("db_q: too many parameters");
			abort();
		}
		switch (*f) {
		case 'i':
		case 'I': {
			long long v = va_arg(ap, int64_t);
			if (*f == 'I' && v == 0) {
				values[n] = NULL;
				break;
			}
			values[n] = owned[nowned++] = xasprintf("%lld", v);
			break;
		}
		case 's':
			values[n] = va_arg(ap, const char *);
			break;
		case 'b':
			values[n] = va_arg(ap, int) ? "t" : "f";
			break;
		case 'A': {
			const int64_t *v = va_arg(ap, const int64_t *);
			size_t len = va_arg(ap, size_t);
			values[n] = owned[nowned++] = int_array_literal(v, len);
			break;
		}
		case 'S': {
			const char *const *v = va_arg(ap, const char *const *);
			size_t len = va_arg(ap, size_t);
			values[n] = owned[nowned++] = text_array_literal(v, len);
			break;
		}
		case 'x': {
			const void *p = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);
			values[n] = owned[nowned++] = bytea_literal(p, len);
			break;
		}
		default:
			log_error("db_q: bad format letter '%c'", *f);
			abort();
		}
	}

	res = db_run(c, sql, false, n, values);
	for (int i = 0; i < nowned; i++)
		free(owned[i]);
	return res;
}

PGresult *db_q(struct call *c, const char *sql, const char *fmt, ...)
{
	va_list ap;
	PGresult *res;

	va_start(ap, fmt);
	res = db_vq(c, sql, fmt, ap);
	va_end(ap);
	return res;
}

PGresult *db_qt(struct call *c, const char *sql, int n, const char *const *values)
{
	if (n > DB_MAX_PARAMS) {
		log_error("db_qt: too many parameters");
		abort();
	}
	if (db_conn(c) == NULL)
		return NULL;
	return db_run(c, sql, true, n, values);
}

int db_exec(struct call *c, const char *sql, const char *fmt, ...)
{
	va_list ap;
	PGresult *res;

	va_start(ap, fmt);
	res = db_vq(c, sql, fmt, ap);
	va_end(ap);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* ---- rows to MessagePack ----
 *
 * A row is written as a msgpack map straight from the result's text,
 * with no tree in between: a list page is the hot path of every screen,
 * and building then freeing a tree of it was most of regied's own CPU.
 * db_row makes its tree by decoding the same bytes, so a row reads the
 * same whichever way it is sent. */

enum db_col_kind {
	DBC_HIDDEN, DBC_BOOL, DBC_INT, DBC_FLOAT, DBC_TIMESTAMP, DBC_INT_ARRAY,
	DBC_TEXT_ARRAY, DBC_TEXT, DBC_JSON,
};

/* What each column of a result becomes, decided once per result. */
struct db_cols {
	int n;
	uint32_t shown;
	enum db_col_kind *kind;
	size_t *name_len;            /* every row writes every name */
};

static bool db_name_in(const char *name, const char *const *names)
{
	for (; names != NULL && *names != NULL; names++) {
		if (strcmp(name, *names) == 0)
			return true;
	}
	return false;
}

static void db_cols_plan(struct db_cols *p, const PGresult *res, const struct db_pack *how)
{
	p->n = PQnfields(res);
	p->shown = 0;
	p->kind = xreallocarray(NULL, p->n > 0 ? (size_t)p->n : 1, sizeof *p->kind);
	p->name_len = xreallocarray(NULL, p->n > 0 ? (size_t)p->n : 1, sizeof *p->name_len);
	for (int col = 0; col < p->n; col++) {
		const char *name = PQfname(res, col);
		enum db_col_kind k;

		p->name_len[col] = strlen(name);
		switch (PQftype(res, col)) {
		case OID_BOOL: k = DBC_BOOL; break;
		case OID_INT2:
		case OID_INT4:
		case OID_INT8: k = DBC_INT; break;
		case OID_FLOAT4:
		case OID_FLOAT8: k = DBC_FLOAT; break;
		case OID_TIMESTAMPTZ: k = DBC_TIMESTAMP; break;
		case OID_INT4ARRAY:
		case OID_INT8ARRAY: k = DBC_INT_ARRAY; break;
		case OID_TEXTARRAY: k = DBC_TEXT_ARRAY; break;
		default: k = DBC_TEXT; break;
		}
		if (how != NULL && db_name_in(name, how->hidden))
			k = DBC_HIDDEN;
		else if (how != NULL && db_name_in(name, how->json))
			k = DBC_JSON;
		/* Two columns of one name: the last wins, as in a map. */
		for (int before = 0; k != DBC_HIDDEN && before < col; before++) {
			if (p->kind[before] != DBC_HIDDEN && strcmp(PQfname(res, before), name) == 0) {
				p->kind[before] = DBC_HIDDEN;
				p->shown--;
			}
		}
		p->kind[col] = k;
		if (k != DBC_HIDDEN)
			p->shown++;
	}
}

static void db_cols_free(struct db_cols *p)
{
	free(p->kind);
	free(p->name_len);
}

/* The next item of an array's text ({1,2,3}, {a,"b c",NULL}) into item;
 * false after the last. */
static bool db_array_item(const char **sp, struct buf *item, bool *null)
{
	const char *s = *sp;
	bool quoted;

	if (*s == '{')
		s++;
	if (*s == '\0' || *s == '}')
		return false;
	buf_reset(item);
	quoted = *s == '"';
	if (quoted) {
		for (s++; *s != '\0' && *s != '"'; s++) {
			if (*s == '\\' && s[1] != '\0')
				s++;
			buf_addc(item, *s);
		}
		if (*s == '"')
			s++;
	} else {
		for (; *s != '\0' && *s != ',' && *s != '}'; s++)
			buf_addc(item, *s);
	}
	buf_addc(item, '\0');
	*null = !quoted && strcmp((char *)item->data, "NULL") == 0;
	if (*s == ',')
		s++;
	*sp = s;
	return true;
}

static void db_pack_array(struct buf *b, const char *text, bool ints)
{
	struct buf item;
	const char *s;
	uint32_t n = 0;
	bool null;

	if (text[0] != '{') {
		pack_array(b, 0);
		return;
	}
	buf_init(&item);
	for (s = text; db_array_item(&s, &item, &null);)
		n++;
	pack_array(b, n);
	for (s = text; db_array_item(&s, &item, &null);) {
		if (null)
			pack_nil(b);
		else if (ints)
			pack_int(b, strtoll((char *)item.data, NULL, 10));
		else
			pack_str(b, (char *)item.data, item.len - 1);
	}
	buf_free(&item);
}

/* "2026-11-28 18:18:27.123+00" -> "2026-11-28T18:18:27.123Z". The
 * connection runs with TimeZone UTC, so the offset is always +00. */
static void db_pack_timestamp(struct buf *b, const char *s, size_t len)
{
	char out[48];

	if (len >= sizeof out - 1 || len < 19) {
		pack_str(b, s, len);
		return;
	}
	memcpy(out, s, len + 1);
	out[10] = 'T';
	if (strcmp(out + len - 3, "+00") == 0) {
		out[len - 3] = 'Z';
		len -= 2;
	}
	pack_str(b, out, len);
}

/* JSON text as the value it holds; as text should it not parse. */
static void db_pack_json(struct buf *b, const char *text, size_t len)
{
	struct rv *v;

	if (pack_json(b, text, len) == 0)
		return;
	v = rv_from_json(text, NULL, 0);

	if (v != NULL)
		wire_encode(b, v);
	else
		pack_str(b, text, len);
	rv_free(v);
}

static void db_pack_row(struct buf *b, const PGresult *res, int r, const struct db_cols *p)
{
	pack_map(b, p->shown);
	for (int col = 0; col < p->n; col++) {
		const char *name, *v;
		size_t len;

		if (p->kind[col] == DBC_HIDDEN)
			continue;
		name = PQfname(res, col);
		pack_str(b, name, p->name_len[col]);
		if (PQgetisnull(res, r, col)) {
			pack_nil(b);
			continue;
		}
		v = PQgetvalue(res, r, col);
		len = (size_t)PQgetlength(res, r, col);
		switch (p->kind[col]) {
		case DBC_BOOL: pack_bool(b, v[0] == 't'); break;
		case DBC_INT: pack_int(b, strtoll(v, NULL, 10)); break;
		case DBC_FLOAT: pack_float(b, strtod(v, NULL)); break;
		case DBC_TIMESTAMP: db_pack_timestamp(b, v, len); break;
		case DBC_INT_ARRAY: db_pack_array(b, v, true); break;
		case DBC_TEXT_ARRAY: db_pack_array(b, v, false); break;
		case DBC_JSON: db_pack_json(b, v, len); break;
		default: pack_str(b, v, len); break;
		}
	}
}

struct rv *db_row(const PGresult *res, int r)
{
	struct db_cols p;
	struct buf b;
	struct rv *row;
	char err[128];

	db_cols_plan(&p, res, NULL);
	buf_init(&b);
	db_pack_row(&b, res, r, &p);
	row = wire_decode(b.data, b.len, err, sizeof err);
	if (row == NULL) {
		/* What db_pack_row writes always decodes: a bug here. */
		log_error("db_row: %s", err);
		abort();
	}
	buf_free(&b);
	db_cols_free(&p);
	return row;
}

struct rv *db_rows(const PGresult *res)
{
	struct rv *arr = rv_array();
	int n = PQntuples(res);

	for (int r = 0; r < n; r++)
		rv_push(arr, db_row(res, r));
	return arr;
}

struct rv *db_rows_packed(const PGresult *res, int limit, const struct db_pack *how)
{
	struct db_cols p;
	struct buf b;
	int n = PQntuples(res);

	if (limit >= 0 && n > limit)
		n = limit;
	db_cols_plan(&p, res, how);
	buf_init(&b);
	/* A first page is tens of kilobytes: room for it at once. */
	buf_reserve(&b, (size_t)n * (size_t)p.n * 24 + 16);
	pack_array(&b, (uint32_t)n);
	for (int r = 0; r < n; r++)
		db_pack_row(&b, res, r, &p);
	db_cols_free(&p);
	return rv_packed(b.data, b.len);
}

struct rv *db_one(struct call *c, PGresult *res, const char *what, int64_t id)
{
	struct rv *row = NULL;

	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 0)
		call_fail(c, RERR_NOT_FOUND, "id", "no %s with id %lld", what, (long long)id);
	else
		row = db_row(res, 0);
	PQclear(res);
	return row;
}

int64_t db_int(const PGresult *res, int r, int col)
{
	if (r >= PQntuples(res) || PQgetisnull(res, r, col))
		return 0;
	return strtoll(PQgetvalue(res, r, col), NULL, 10);
}

int db_change(struct call *c, const char *entity, int64_t id, const char *op,
    const char *before_json, const char *after_json,
    int64_t service, int64_t site, int64_t owner)
{
	if (strcmp(entity, "asset") == 0) {
		c->changed_assets = xreallocarray(c->changed_assets, c->nchanged_assets + 1,
		    sizeof *c->changed_assets);
		c->changed_assets[c->nchanged_assets++] = id;
	}
	return db_exec(c,
	    "SELECT regie_change($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10)",
	    "IssisssIII", c->who.user_id, c->method->name, entity, id, before_json, after_json,
	    op, service, site, owner);
}

char *db_lock_version(struct call *c, const char *sql, int64_t id, int64_t version,
    const char *what)
{
	PGresult *res = db_q(c, sql, "i", id);
	char *snapshot = NULL;

	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 0)
		call_fail(c, RERR_NOT_FOUND, "id", "no %s with id %lld", what, (long long)id);
	else if (db_int(res, 0, 1) != version)
		call_fail(c, RERR_CONFLICT, "version", "someone else changed this %s (now version "
		    "%lld); reload and try again", what, (long long)db_int(res, 0, 1));
	else
		snapshot = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return snapshot;
}

char *cursor_make(const char *key)
{
	return xasprintf("v1:%s", key);
}

const char *cursor_key(struct call *c, const char *cursor)
{
	if (strncmp(cursor, "v1:", 3) != 0) {
		call_fail(c, RERR_INVALID, "after", "after is not a cursor from this list");
		return NULL;
	}
	return cursor + 3;
}
