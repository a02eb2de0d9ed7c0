/* audit.list: who changed what, when, with the state before and after.
 * The rows are written by db_change() in the same transaction as the
 * change itself. */
#include <stdlib.h>
#include "db.h"
#include "dispatch.h"

static int audit_list(struct call *c)
{
	int64_t limit = arg_int(c, "limit", 50), after = 0;
	const char *cursor;
	PGresult *res;
	struct rv *r;
	int n;

	if (arg_has(c, "after")) {
		if ((cursor = cursor_key(c, arg_str(c, "after", NULL))) == NULL)
			return -1;
		after = strtoll(cursor, NULL, 10);
		if (after <= 0)
			return call_fail(c, RERR_INVALID, "after", "after is not a cursor from this list");
	}
	res = db_q(c, "SELECT a.id, a.at, a.user_id, u.login AS user_login, a.method, a.entity, "
	    "a.entity_id, a.before::text AS before, a.after::text AS after "
	    "FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "
	    "WHERE ($1::bigint IS NULL OR a.id < $1) "
	    "AND ($2::text IS NULL OR a.entity = $2) "
	    "AND ($3::bigint IS NULL OR a.entity_id = $3) "
	    "AND ($4::bigint IS NULL OR a.user_id = $4) "
	    "AND ($5::text IS NULL OR a.method = $5) "
	    "AND ($6::timestamptz IS NULL OR a.at >= $6) "
	    "AND ($7::timestamptz IS NULL OR a.at < $7) "
	    "ORDER BY a.id DESC LIMIT $8", "IsIIsssi", after, arg_str(c, "entity", NULL),
	    arg_int(c, "entity_id", 0), arg_int(c, "user_id", 0), arg_str(c, "method", NULL),
	    arg_str(c, "since", NULL), arg_str(c, "until", NULL), limit + 1);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	r = rv_map();
	rv_set(r, "items", db_rows_packed(res, (int)limit, NULL));
	if (n > limit) {
		char *next = cursor_make(PQgetvalue(res, (int)limit - 1, 0));
		rv_set_str(r, "next", next);
		free(next);
	} else {
		rv_set_nil(r, "next");
	}
	PQclear(res);
	return call_ok(c, r);
}

const struct method audit_methods[] = {
	{ "audit.list", audit_list, ROLE_ADMIN, M_PAGE,
	  "the audit log, newest first, filtered by entity, user, method or time", {
		{ "entity", P_STR, false, 1, 64, NULL },
		{ "entity_id", P_ID, false, 0, 0, NULL },
		{ "user_id", P_ID, false, 0, 0, NULL },
		{ "method", P_STR, false, 1, 64, NULL },
		{ "since", P_TIME, false, 0, 0, NULL },
		{ "until", P_TIME, false, 0, 0, NULL },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ "after", P_CURSOR, false, 0, 0, NULL },
		{ 0 } } },
	{ 0 }
};
