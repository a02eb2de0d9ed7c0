/* category.*: what a request is about, the service it is routed to and
 * its target delay in working days for each urgency. Everyone reads the
 * catalogue (the request form needs it); admins change it. A category
 * with no service is not routed yet: request.submit refuses it. */
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "dispatch.h"
#include "xmalloc.h"

#define CATEGORY_COLUMNS \
	"c.id, c.code, c.name, c.service_id, s.code AS service_code, s.name AS service_name, " \
	"c.delay_urgent, c.delay_high, c.delay_normal, c.delay_low, c.active, c.position, " \
	"c.version"
#define CATEGORY_FROM "request_categories c LEFT JOIN services s ON s.id = c.service_id"

static int category_list(struct call *c)
{
	PGresult *res = db_q(c, "SELECT " CATEGORY_COLUMNS " FROM " CATEGORY_FROM
	    " WHERE $1::boolean OR c.active ORDER BY c.position, c.name, c.id", "b",
	    arg_bool(c, "all", false));
	struct rv *r;

	if (res == NULL)
		return -1;
	r = rv_map();
	rv_set(r, "items", db_rows_packed(res, -1, NULL));
	PQclear(res);
	return call_ok(c, r);
}

static struct rv *category_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " CATEGORY_COLUMNS " FROM " CATEGORY_FROM
	    " WHERE c.id = $1", "i", id);

	return db_one(c, res, "category", id);
}

static int category_constraint_error(struct call *c)
{
	if (strstr(c->err_message, "request_categories_code_key") != NULL)
		return call_fail(c, RERR_CONFLICT, "code", "another category already has this code");
	if (strstr(c->err_message, "request_categories_code_check") != NULL)
		return call_fail(c, RERR_INVALID, "code", "a code uses lowercase letters, digits "
		    "and '_' (at most 32) and starts with a letter");
	if (strstr(c->err_message, "request_categories_service_id_fkey") != NULL)
		return call_fail(c, RERR_INVALID, "service_id", "no such service");
	return -1;
}

static int category_finish(struct call *c, int64_t id, const char *op, const char *before)
{
	PGresult *res = db_q(c, "SELECT category_snapshot($1)::text, service_id "
	    "FROM request_categories WHERE id = $1", "i", id);
	struct rv *category;
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "category", id, op, before, PQgetvalue(res, 0, 0), db_int(res, 0, 1),
	    0, 0);
	PQclear(res);
	if (rc != 0 || (category = category_load(c, id)) == NULL)
		return -1;
	return call_ok(c, category);
}

static int category_create(struct call *c)
{
	PGresult *res = db_q(c, "INSERT INTO request_categories (code, name, service_id, "
	    "delay_urgent, delay_high, delay_normal, delay_low, active, position) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id", "ssIiiiibi",
	    arg_str(c, "code", NULL), arg_str(c, "name", NULL), arg_int(c, "service_id", 0),
	    arg_int(c, "delay_urgent", 1), arg_int(c, "delay_high", 3),
	    arg_int(c, "delay_normal", 10), arg_int(c, "delay_low", 30),
	    arg_bool(c, "active", true), arg_int(c, "position", 0));
	int64_t id;

	if (res == NULL)
		return category_constraint_error(c);
	id = db_int(res, 0, 0);
	PQclear(res);
	return category_finish(c, id, "create", NULL);
}

/* An optional integer as SQL text, NULL when not given. */
static const char *opt_int(struct call *c, const char *name, char buf[24])
{
	if (!arg_has(c, name))
		return NULL;
	xsnprintf(buf, 24, "%lld", (long long)arg_int(c, name, 0));
	return buf;
}

static int category_update(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	char *before = db_lock_version(c, "SELECT category_snapshot(id)::text, version "
	    "FROM request_categories WHERE id = $1 FOR UPDATE", id, arg_int(c, "version", 0),
	    "category");
	char v[6][24];
	const struct arg *active = arg_get(c, "active");
	int rc;

	if (before == NULL)
		return -1;
	/* service_id 0 unroutes the category. */
	if (db_exec(c, "UPDATE request_categories SET code = COALESCE($2, code), "
	    "name = COALESCE($3, name), service_id = CASE WHEN $4::bigint IS NULL THEN service_id "
	    "ELSE NULLIF($4::bigint, 0) END, "
	    "delay_urgent = COALESCE($5::integer, delay_urgent), "
	    "delay_high = COALESCE($6::integer, delay_high), "
	    "delay_normal = COALESCE($7::integer, delay_normal), "
	    "delay_low = COALESCE($8::integer, delay_low), "
	    "active = COALESCE($9::boolean, active), position = COALESCE($10::integer, position), "
	    "version = version + 1 WHERE id = $1", "isssssssss", id, arg_str(c, "code", NULL),
	    arg_str(c, "name", NULL), opt_int(c, "service_id", v[0]),
	    opt_int(c, "delay_urgent", v[1]), opt_int(c, "delay_high", v[2]),
	    opt_int(c, "delay_normal", v[3]), opt_int(c, "delay_low", v[4]),
	    active->present ? (active->i ? "t" : "f") : NULL, opt_int(c, "position", v[5])) != 0) {
		free(before);
		return category_constraint_error(c);
	}
	rc = category_finish(c, id, "update", before);
	free(before);
	return rc;
}

#define DELAY_PARAMS \
	{ "delay_urgent", P_INT, false, 0, 365, NULL }, \
	{ "delay_high", P_INT, false, 0, 365, NULL }, \
	{ "delay_normal", P_INT, false, 0, 365, NULL }, \
	{ "delay_low", P_INT, false, 0, 365, NULL }

const struct method category_methods[] = {
	{ "category.list", category_list, ROLE_ALL, M_PAGE,
	  "request categories with their service and target delays (all: the inactive too)", {
		{ "all", P_BOOL, false, 0, 0, NULL },
		{ 0 } } },
	{ "category.create", category_create, ROLE_ADMIN, M_MUTATES,
	  "creates a request category routed to a service, with delays in working days", {
		{ "code", P_STR, true, 1, 32, NULL },
		{ "name", P_STR, true, 1, 100, NULL },
		{ "service_id", P_ID, false, 0, 0, NULL },
		DELAY_PARAMS,
		{ "active", P_BOOL, false, 0, 0, NULL },
		{ "position", P_INT, false, 0, 100000, NULL },
		{ 0 } } },
	{ "category.update", category_update, ROLE_ADMIN, M_MUTATES,
	  "changes a category (version mismatch -> conflict); service_id 0 unroutes it", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		{ "code", P_STR, false, 1, 32, NULL },
		{ "name", P_STR, false, 1, 100, NULL },
		{ "service_id", P_INT, false, 0, INT64_MAX, NULL },
		DELAY_PARAMS,
		{ "active", P_BOOL, false, 0, 0, NULL },
		{ "position", P_INT, false, 0, 100000, NULL },
		{ 0 } } },
	{ 0 }
};
