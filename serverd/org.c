/* service.* and site.*: the organisation that users' scope and the
 * estate point at. Services (ateliers) execute work, or request it
 * (schools, sports); sites are places with an address, perhaps inside a
 * larger site. Everyone reads services; a referent alone reads only the
 * sites they cover. Admins change both. */
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "dispatch.h"
#include "estate.h"
#include "xmalloc.h"

static const char *const service_kinds[] = { "technical", "requesting", NULL };

/* ---- services ---- */

static int service_list(struct call *c)
{
	PGresult *res = db_q(c, "SELECT id, code, name, kind, version FROM services "
	    "WHERE $1::text IS NULL OR kind = $1 ORDER BY name, id", "s",
	    arg_str(c, "kind", NULL));
	struct rv *r;

	if (res == NULL)
		return -1;
	r = rv_map();
	rv_set(r, "items", db_rows_packed(res, -1, NULL));
	PQclear(res);
	return call_ok(c, r);
}

static struct rv *service_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT id, code, name, kind, created, version FROM services "
	    "WHERE id = $1", "i", id);

	return db_one(c, res, "service", id);
}

static int service_get(struct call *c)
{
	struct rv *service = service_load(c, arg_int(c, "id", 0));

	return service ? call_ok(c, service) : -1;
}

/* Codes and names break constraints the same way for both tables. */
static int org_constraint_error(struct call *c, const char *table)
{
	if (c->err == RERR_CONFLICT && strstr(c->err_message, "_code_key") != NULL)
		return call_fail(c, RERR_CONFLICT, "code", "another %s already has this code", table);
	if (strstr(c->err_message, "_code_check") != NULL)
		return call_fail(c, RERR_INVALID, "code", "a code uses capital letters, digits, '_' "
		    "and '-' (at most 32) and starts with a letter or digit");
	if (strstr(c->err_message, "_parent_id_fkey") != NULL)
		return call_fail(c, RERR_INVALID, "parent_id", "no such site");
	return -1;
}

static int service_finish(struct call *c, int64_t id, const char *op, const char *before)
{
	PGresult *res = db_q(c, "SELECT service_snapshot($1)::text", "i", id);
	struct rv *service;
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "service", id, op, before, PQgetvalue(res, 0, 0), id, 0, 0);
	PQclear(res);
	if (rc != 0 || (service = service_load(c, id)) == NULL)
		return -1;
	return call_ok(c, service);
}

static int service_create(struct call *c)
{
	PGresult *res = db_q(c, "INSERT INTO services (code, name, kind) VALUES ($1, $2, $3) "
	    "RETURNING id", "sss", arg_str(c, "code", NULL), arg_str(c, "name", NULL),
	    arg_str(c, "kind", "technical"));
	int64_t id;

	if (res == NULL)
		return org_constraint_error(c, "service");
	id = db_int(res, 0, 0);
	PQclear(res);
	return service_finish(c, id, "create", NULL);
}

static int service_update(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	char *before = db_lock_version(c, "SELECT service_snapshot(id)::text, version "
	    "FROM services WHERE id = $1 FOR UPDATE", id, arg_int(c, "version", 0), "service");
	int rc;

	if (before == NULL)
		return -1;
	if (db_exec(c, "UPDATE services SET code = COALESCE($2, code), name = COALESCE($3, name), "
	    "kind = COALESCE($4, kind), version = version + 1 WHERE id = $1", "isss", id,
	    arg_str(c, "code", NULL), arg_str(c, "name", NULL), arg_str(c, "kind", NULL)) != 0) {
		free(before);
		return org_constraint_error(c, "service");
	}
	rc = service_finish(c, id, "update", before);
	free(before);
	return rc;
}

/* ---- sites ---- */

#define SITE_COLUMNS \
	"si.id, si.code, si.name, si.address, si.lat, si.lon, si.parent_id, " \
	"pa.name AS parent_name, si.version"
#define SITE_SCOPE "($1::boolean OR si.id = ANY ($2::bigint[]))"

/* By name; query matches the start of the code or of the name, case
 * and accents aside ("ecole" finds "École"). */
static int site_list(struct call *c)
{
	const char *query = arg_str(c, "query", NULL), *value = NULL;
	int64_t limit = arg_int(c, "limit", 200), after_id = 0;
	char *pattern = query ? estate_like_escape(query) : NULL;
	PGresult *res;
	struct rv *r;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after_id, &value) != 0) {
		free(pattern);
		return -1;
	}
	res = db_q(c, "SELECT " SITE_COLUMNS " FROM sites si LEFT JOIN sites pa ON pa.id = si.parent_id "
	    "WHERE " SITE_SCOPE " AND ($3::text IS NULL OR si.code ILIKE $3 || '%' "
	    "OR regie_fold(si.name) LIKE regie_fold($3) || '%') "
	    "AND ($4::bigint IS NULL OR si.parent_id = $4) "
	    "AND ($5::bigint IS NULL OR (si.name, si.id) > ($6::text, $5)) "
	    "ORDER BY si.name, si.id LIMIT $7", "bAsIIsi", estate_reads_all(&c->who), c->who.sites,
	    c->who.nsites, pattern, arg_int(c, "parent_id", 0), after_id, value, limit + 1);
	free(pattern);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, 2, NULL);
	PQclear(res);
	return call_ok(c, r);
}

static struct rv *site_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " SITE_COLUMNS ", si.created, "
	    "(SELECT count(*) FROM assets a WHERE a.site_id = si.id AND a.status <> 'disposed') "
	    "AS assets FROM sites si LEFT JOIN sites pa ON pa.id = si.parent_id "
	    "WHERE " SITE_SCOPE " AND si.id = $3", "bAi", estate_reads_all(&c->who), c->who.sites,
	    c->who.nsites, id);

	return db_one(c, res, "site", id);
}

static int site_get(struct call *c)
{
	struct rv *site = site_load(c, arg_int(c, "id", 0));

	return site ? call_ok(c, site) : -1;
}

static int site_check_fields(struct call *c, int64_t id)
{
	int64_t parent_id = arg_int(c, "parent_id", 0);
	PGresult *res;
	bool loop;

	if ((arg_has(c, "lat") || arg_has(c, "lon")) &&
	    estate_check_point(c, arg_str(c, "lat", NULL), arg_str(c, "lon", NULL)) != 0)
		return -1;
	if (id == 0 || parent_id == 0)
		return 0;
	/* A site inside itself, however deep, is refused. */
	res = db_q(c, "WITH RECURSIVE up (id, parent_id, depth) AS ("
	    " SELECT id, parent_id, 1 FROM sites WHERE id = $1"
	    " UNION ALL SELECT s.id, s.parent_id, up.depth + 1 FROM sites s"
	    " JOIN up ON s.id = up.parent_id WHERE up.depth < 64)"
	    " SELECT 1 FROM up WHERE id = $2", "ii", parent_id, id);
	if (res == NULL)
		return -1;
	loop = PQntuples(res) > 0;
	PQclear(res);
	return loop ? call_fail(c, RERR_INVALID, "parent_id",
	    "a site cannot be inside itself or one of its own parts") : 0;
}

static int site_finish(struct call *c, int64_t id, const char *op, const char *before)
{
	PGresult *res = db_q(c, "SELECT site_snapshot($1)::text", "i", id);
	struct rv *site;
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "site", id, op, before, PQgetvalue(res, 0, 0), 0, id, 0);
	PQclear(res);
	if (rc != 0 || (site = site_load(c, id)) == NULL)
		return -1;
	return call_ok(c, site);
}

static int site_create(struct call *c)
{
	PGresult *res;
	int64_t id;

	if (site_check_fields(c, 0) != 0)
		return -1;
	res = db_q(c, "INSERT INTO sites (code, name, address, lat, lon, parent_id) VALUES "
	    "($1, $2, COALESCE($3, ''), NULLIF($4, '')::numeric, NULLIF($5, '')::numeric, $6) "
	    "RETURNING id", "sssssI", arg_str(c, "code", NULL), arg_str(c, "name", NULL),
	    arg_str(c, "address", NULL), arg_str(c, "lat", NULL), arg_str(c, "lon", NULL),
	    arg_int(c, "parent_id", 0));
	if (res == NULL)
		return org_constraint_error(c, "site");
	id = db_int(res, 0, 0);
	PQclear(res);
	return site_finish(c, id, "create", NULL);
}

static int site_update(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	char *before = db_lock_version(c, "SELECT site_snapshot(id)::text, version "
	    "FROM sites WHERE id = $1 FOR UPDATE", id, arg_int(c, "version", 0), "site");
	char parent[24];
	int rc;

	if (before == NULL)
		return -1;
	/* parent_id 0 takes the site out of its parent. */
	xsnprintf(parent, sizeof parent, "%lld", (long long)arg_int(c, "parent_id", 0));
	if (site_check_fields(c, id) != 0 ||
	    db_exec(c, "UPDATE sites SET code = COALESCE($2, code), name = COALESCE($3, name), "
	    "address = COALESCE($4, address), "
	    "lat = CASE WHEN $5::text IS NULL THEN lat ELSE NULLIF($5, '')::numeric END, "
	    "lon = CASE WHEN $6::text IS NULL THEN lon ELSE NULLIF($6, '')::numeric END, "
	    "parent_id = CASE WHEN $7::bigint IS NULL THEN parent_id ELSE NULLIF($7::bigint, 0) END, "
	    "version = version + 1 WHERE id = $1", "issssss", id, arg_str(c, "code", NULL),
	    arg_str(c, "name", NULL), arg_str(c, "address", NULL), arg_str(c, "lat", NULL),
	    arg_str(c, "lon", NULL), arg_has(c, "parent_id") ? parent : NULL) != 0) {
		free(before);
		if (c->err != RERR_OK && c->sqlstate[0] != '\0')
			org_constraint_error(c, "site");
		return -1;
	}
	rc = site_finish(c, id, "update", before);
	free(before);
	return rc;
}

#define SITE_FIELDS(req) \
	{ "code", P_STR, req, 1, 32, NULL }, \
	{ "name", P_STR, req, 1, 200, NULL }, \
	{ "address", P_STR, false, 0, 300, NULL }, \
	{ "lat", P_STR, false, 0, 20, NULL }, \
	{ "lon", P_STR, false, 0, 20, NULL }

const struct method org_methods[] = {
	{ "service.list", service_list, ROLE_ALL, M_PAGE,
	  "the services (ateliers) by name; kind technical or requesting", {
		{ "kind", P_CHOICE, false, 0, 0, service_kinds },
		{ 0 } } },
	{ "service.get", service_get, ROLE_ALL, 0, "one service", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "service.create", service_create, ROLE_ADMIN, M_MUTATES,
	  "creates a service (kind technical by default, or requesting)", {
		{ "code", P_STR, true, 1, 32, NULL },
		{ "name", P_STR, true, 1, 200, NULL },
		{ "kind", P_CHOICE, false, 0, 0, service_kinds },
		{ 0 } } },
	{ "service.update", service_update, ROLE_ADMIN, M_MUTATES,
	  "changes a service's code, name or kind (version mismatch -> conflict)", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		{ "code", P_STR, false, 1, 32, NULL },
		{ "name", P_STR, false, 1, 200, NULL },
		{ "kind", P_CHOICE, false, 0, 0, service_kinds },
		{ 0 } } },
	{ "site.list", site_list, ROLE_ALL, M_PAGE,
	  "sites by name, optionally those whose code or name starts with query; "
	  "a referent sees only their sites", {
		{ "query", P_STR, false, 1, 200, NULL },
		{ "parent_id", P_ID, false, 0, 0, NULL },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ "after", P_CURSOR, false, 0, 0, NULL },
		{ 0 } } },
	{ "site.get", site_get, ROLE_ALL, 0, "one site, with the number of its assets", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "site.create", site_create, ROLE_ADMIN, M_MUTATES,
	  "creates a site; lat and lon are decimal strings", {
		SITE_FIELDS(true),
		{ "parent_id", P_ID, false, 0, 0, NULL },
		{ 0 } } },
	{ "site.update", site_update, ROLE_ADMIN, M_MUTATES,
	  "changes a site (version mismatch -> conflict); parent_id 0 and empty lat/lon clear", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		SITE_FIELDS(false),
		{ "parent_id", P_INT, false, 0, INT64_MAX, NULL },
		{ 0 } } },
	{ 0 }
};
