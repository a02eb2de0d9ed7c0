/* service.list and site.list: the organisation that users' scope points
 * at. The estate module extends sites and services with their own
 * methods. */
#include <stdlib.h>
#include "db.h"
#include "dispatch.h"
#include "xmalloc.h"

static int service_list(struct call *c)
{
	PGresult *res = db_q(c, "SELECT id, code, name FROM services ORDER BY name, id", "");
	struct rv *r;

	if (res == NULL)
		return -1;
	r = rv_map();
	rv_set(r, "items", db_rows(res));
	PQclear(res);
	return call_ok(c, r);
}

static int site_list(struct call *c)
{
	const char *query = arg_str(c, "query", NULL);
	int64_t limit = arg_int(c, "limit", 200);
	char *pattern = query ? xasprintf("%s%%", query) : NULL;
	PGresult *res;
	struct rv *r;

	res = db_q(c, "SELECT id, code, name, address FROM sites "
	    "WHERE $1::text IS NULL OR code ILIKE $1 OR name ILIKE $1 "
	    "ORDER BY name, id LIMIT $2", "si", pattern, limit);
	free(pattern);
	if (res == NULL)
		return -1;
	r = rv_map();
	rv_set(r, "items", db_rows(res));
	PQclear(res);
	return call_ok(c, r);
}

const struct method org_methods[] = {
	{ "service.list", service_list, ROLE_ALL, 0,
	  "the services (ateliers) by name", { { 0 } } },
	{ "site.list", site_list, ROLE_ALL, 0,
	  "sites by name, optionally those whose code or name starts with query", {
		{ "query", P_STR, false, 1, 200, NULL },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ 0 } } },
	{ 0 }
};
