/* team.*, contractor.* and failure.*: what the work is organised
 * around besides the agents themselves.
 *
 * Teams belong to a service: its supervisors (and admins) make and
 * change them. Contractors are companies any supervisor may hire, so any
 * supervisor keeps the list. Failure codes form a tree, problem -> cause
 * -> remedy, either for one asset type or for every type (no type);
 * supervisors add codes, nobody deletes one (old work orders name them),
 * and the list shows active codes only.
 *
 * Everyone on the staff, and viewers, read all three. Every change is
 * audited and announced on the topic named like the entity. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "db.h"
#include "estate.h"
#include "xmalloc.h"

#define READERS (ROLE_STAFF | ROLE_VIEWER)
#define MANAGERS (ROLE_ADMIN | ROLE_SUPERVISOR)

static const char *const failure_kinds[] = { "problem", "cause", "remedy", NULL };

/* The database refused a value: name the field it belongs to. */
static int work_constraint_error(struct call *c)
{
	static const struct { const char *constraint, *field, *message; } known[] = {
		{ "teams_code_key", "code", "another team already has this code" },
		{ "teams_code_check", "code", "a code uses capital letters, digits, '_' and '-' "
		  "(at most 32) and starts with a letter or digit" },
		{ "teams_service_id_fkey", "service_id", "no such service" },
		{ "contractors_email_check", "email", "email must look like name@example.org" },
		{ "contractors_trade_fkey", "trade", "no such trade (see agent.trades)" },
		{ "failure_codes_kind_code_key", "code", "another failure code of this kind has "
		  "this code" },
		{ "failure_codes_code_check", "code", "a code uses capital letters, digits, '_' "
		  "and '-' (at most 32) and starts with a letter or digit" },
		{ "failure_codes_asset_type_id_fkey", "asset_type_id", "no such asset type" },
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strstr(c->err_message, known[i].constraint) != NULL) {
			enum rerr code = c->err;
			return call_fail(c, code, known[i].field, "%s", known[i].message);
		}
	}
	return -1;
}

/* ---- teams ---- */

#define TEAM_COLUMNS \
	"t.id, t.code, t.name, t.service_id, t.active, " \
	"(SELECT count(*) FROM agents a WHERE a.team_id = t.id AND a.active) AS members, t.version"

static int team_list(struct call *c)
{
	PGresult *res = db_q(c, "SELECT " TEAM_COLUMNS " FROM teams t "
	    "WHERE $1::bigint IS NULL OR t.service_id = $1 ORDER BY t.name, t.id", "I",
	    arg_int(c, "service_id", 0));
	struct rv *r;

	if (res == NULL)
		return -1;
	r = rv_map();
	rv_set(r, "items", db_rows_packed(res, -1, NULL));
	PQclear(res);
	return call_ok(c, r);
}

static struct rv *team_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " TEAM_COLUMNS " FROM teams t WHERE t.id = $1", "i", id);
	struct rv *team = db_one(c, res, "team", id);

	if (team == NULL)
		return NULL;
	res = db_q(c, "SELECT " AGENT_COLUMNS " FROM " AGENT_FROM " WHERE a.team_id = $1 "
	    "ORDER BY a.name, a.id", "i", id);
	if (res == NULL) {
		rv_free(team);
		return NULL;
	}
	rv_set(team, "members", db_rows(res));
	PQclear(res);
	return team;
}

static int team_get(struct call *c)
{
	struct rv *team = team_load(c, arg_int(c, "id", 0));

	return team ? call_ok(c, team) : -1;
}

static int team_finish(struct call *c, int64_t id, const char *op, const char *before)
{
	PGresult *res = db_q(c, "SELECT team_snapshot(id)::text, service_id FROM teams "
	    "WHERE id = $1", "i", id);
	struct rv *team;
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "team", id, op, before, PQgetvalue(res, 0, 0), db_int(res, 0, 1), 0, 0);
	PQclear(res);
	if (rc != 0 || (team = team_load(c, id)) == NULL)
		return -1;
	return call_ok(c, team);
}

static int team_create(struct call *c)
{
	int64_t service = arg_int(c, "service_id", 0), id;
	PGresult *res;

	if (agent_check_manage(c, service) != 0)
		return -1;
	res = db_q(c, "INSERT INTO teams (code, name, service_id) VALUES ($1, $2, $3) "
	    "RETURNING id", "ssi", arg_str(c, "code", NULL), arg_str(c, "name", NULL), service);
	if (res == NULL)
		return work_constraint_error(c);
	id = db_int(res, 0, 0);
	PQclear(res);
	return team_finish(c, id, "create", NULL);
}

static int team_update(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	PGresult *res = db_q(c, "SELECT team_snapshot(id)::text, version, service_id FROM teams "
	    "WHERE id = $1 FOR UPDATE", "i", id);
	char *before;
	int rc;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, "id", "no team with id %lld", (long long)id);
	}
	if (agent_check_manage(c, db_int(res, 0, 2)) != 0) {
		PQclear(res);
		return -1;
	}
	if (db_int(res, 0, 1) != arg_int(c, "version", 0)) {
		rc = call_fail(c, RERR_CONFLICT, "version", "someone else changed this team (now "
		    "version %lld); reload and try again", (long long)db_int(res, 0, 1));
		PQclear(res);
		return rc;
	}
	before = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (db_exec(c, "UPDATE teams SET name = COALESCE($2, name), "
	    "active = COALESCE($3::boolean, active), version = version + 1 WHERE id = $1", "iss",
	    id, arg_str(c, "name", NULL),
	    arg_has(c, "active") ? (arg_bool(c, "active", true) ? "true" : "false") : NULL) != 0)
		rc = work_constraint_error(c);
	else
		rc = team_finish(c, id, "update", before);
	free(before);
	return rc;
}

/* ---- contractors ---- */

#define CONTRACTOR_COLUMNS \
	"c.id, c.name, c.contact, c.phone, c.email, c.trade, c.active, c.version"

static int contractor_list(struct call *c)
{
	const char *query = arg_str(c, "query", NULL), *value = NULL, *active = NULL;
	int64_t limit = arg_int(c, "limit", 50), after_id = 0;
	char *pattern;
	PGresult *res;
	struct rv *r;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after_id, &value) != 0)
		return -1;
	if (arg_has(c, "active"))
		active = arg_bool(c, "active", true) ? "true" : "false";
	pattern = query ? estate_like_escape(query) : NULL;
	res = db_q(c, "SELECT " CONTRACTOR_COLUMNS " FROM contractors c"
	    " WHERE ($1::text IS NULL OR regie_fold(c.name) LIKE '%' || regie_fold($1) || '%'"
	    "  OR regie_fold(c.contact) LIKE '%' || regie_fold($1) || '%')"
	    " AND ($2::text IS NULL OR c.trade = $2)"
	    " AND ($3::boolean IS NULL OR c.active = $3)"
	    " AND ($4::bigint IS NULL OR (c.name, c.id) > ($5::text, $4))"
	    " ORDER BY c.name, c.id LIMIT $6", "sssIsi", pattern, arg_str(c, "trade", NULL),
	    active, after_id, value, limit + 1);
	free(pattern);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, 1, NULL);
	PQclear(res);
	return call_ok(c, r);
}

static struct rv *contractor_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " CONTRACTOR_COLUMNS ", c.created FROM contractors c "
	    "WHERE c.id = $1", "i", id);

	return db_one(c, res, "contractor", id);
}

static int contractor_get(struct call *c)
{
	struct rv *contractor = contractor_load(c, arg_int(c, "id", 0));

	return contractor ? call_ok(c, contractor) : -1;
}

static int contractor_finish(struct call *c, int64_t id, const char *op, const char *before)
{
	PGresult *res = db_q(c, "SELECT contractor_snapshot($1)::text", "i", id);
	struct rv *contractor;
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "contractor", id, op, before, PQgetvalue(res, 0, 0), 0, 0, 0);
	PQclear(res);
	if (rc != 0 || (contractor = contractor_load(c, id)) == NULL)
		return -1;
	return call_ok(c, contractor);
}

static int contractor_create(struct call *c)
{
	PGresult *res = db_q(c, "INSERT INTO contractors (name, contact, phone, email, trade) "
	    "VALUES ($1, COALESCE($2, ''), COALESCE($3, ''), COALESCE($4, ''), NULLIF($5, '')) "
	    "RETURNING id",
	    "sssss", arg_str(c, "name", NULL), arg_str(c, "contact", NULL),
	    arg_str(c, "phone", NULL), arg_str(c, "email", NULL), arg_str(c, "trade", NULL));
	int64_t id;

	if (res == NULL)
		return work_constraint_error(c);
	id = db_int(res, 0, 0);
	PQclear(res);
	return contractor_finish(c, id, "create", NULL);
}

static int contractor_update(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	char *before = db_lock_version(c, "SELECT contractor_snapshot(id)::text, version "
	    "FROM contractors WHERE id = $1 FOR UPDATE", id, arg_int(c, "version", 0), "contractor");
	const char *trade = arg_str(c, "trade", NULL);
	int rc;

	if (before == NULL)
		return -1;
	/* trade "" clears it: a contractor may do anything. */
	if (db_exec(c, "UPDATE contractors SET name = COALESCE($2, name), "
	    "contact = COALESCE($3, contact), phone = COALESCE($4, phone), "
	    "email = COALESCE($5, email), "
	    "trade = CASE WHEN $6::text IS NULL THEN trade ELSE NULLIF($6, '') END, "
	    "active = COALESCE($7::boolean, active), version = version + 1 WHERE id = $1",
	    "issssss", id, arg_str(c, "name", NULL), arg_str(c, "contact", NULL),
	    arg_str(c, "phone", NULL), arg_str(c, "email", NULL), trade,
	    arg_has(c, "active") ? (arg_bool(c, "active", true) ? "true" : "false") : NULL) != 0)
		rc = work_constraint_error(c);
	else
		rc = contractor_finish(c, id, "update", before);
	free(before);
	return rc;
}

/* ---- failure codes ---- */

static int failure_list(struct call *c)
{
	PGresult *res = db_q(c, "SELECT f.id, f.kind, f.code, f.name, f.parent_id, "
	    "f.asset_type_id FROM failure_codes f WHERE f.active "
	    "AND ($1::bigint IS NULL OR f.asset_type_id = $1 OR f.asset_type_id IS NULL) "
	    "AND ($2::text IS NULL OR f.kind = $2) AND ($3::bigint IS NULL OR f.parent_id = $3) "
	    "ORDER BY CASE f.kind WHEN 'problem' THEN 1 WHEN 'cause' THEN 2 ELSE 3 END, "
	    "f.code, f.id", "IsI", arg_int(c, "asset_type_id", 0), arg_str(c, "kind", NULL),
	    arg_int(c, "parent_id", 0));
	struct rv *r;

	if (res == NULL)
		return -1;
	r = rv_map();
	rv_set(r, "items", db_rows_packed(res, -1, NULL));
	PQclear(res);
	return call_ok(c, r);
}

/* A cause hangs under a problem, a remedy under a cause; a child is for
 * its parent's asset type, or for a type of its own under a generic
 * parent. */
static int failure_check_parent(struct call *c, const char *kind, int64_t *type_id)
{
	const char *want = strcmp(kind, "cause") == 0 ? "problem" :
	    strcmp(kind, "remedy") == 0 ? "cause" : NULL;
	int64_t parent = arg_int(c, "parent_id", 0), parent_type;
	PGresult *res;
	int rc = 0;

	if (want == NULL)
		return parent != 0 ? call_fail(c, RERR_INVALID, "parent_id",
		    "a problem has no parent") : 0;
	if (parent == 0)
		return call_fail(c, RERR_INVALID, "parent_id", "a %s needs a %s as its parent",
		    kind, want);
	res = db_q(c, "SELECT kind, asset_type_id FROM failure_codes WHERE id = $1", "i", parent);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		rc = call_fail(c, RERR_INVALID, "parent_id", "no failure code with id %lld",
		    (long long)parent);
	} else if (strcmp(PQgetvalue(res, 0, 0), want) != 0) {
		rc = call_fail(c, RERR_INVALID, "parent_id", "a %s needs a %s as its parent, "
		    "not a %s", kind, want, PQgetvalue(res, 0, 0));
	} else {
		parent_type = db_int(res, 0, 1);
		if (*type_id == 0)
			*type_id = parent_type;
		else if (parent_type != 0 && parent_type != *type_id)
			rc = call_fail(c, RERR_INVALID, "asset_type_id",
			    "the parent code is for another asset type");
	}
	PQclear(res);
	return rc;
}

static int failure_create(struct call *c)
{
	const char *kind = arg_str(c, "kind", NULL);
	int64_t type_id = arg_int(c, "asset_type_id", 0), id;
	PGresult *res;
	struct rv *code;
	int rc;

	if (failure_check_parent(c, kind, &type_id) != 0)
		return -1;
	res = db_q(c, "INSERT INTO failure_codes (kind, code, name, parent_id, asset_type_id) "
	    "VALUES ($1, $2, $3, $4, $5) RETURNING id, (to_jsonb(failure_codes.*))::text", "sssII",
	    kind, arg_str(c, "code", NULL), arg_str(c, "name", NULL), arg_int(c, "parent_id", 0),
	    type_id);
	if (res == NULL)
		return work_constraint_error(c);
	id = db_int(res, 0, 0);
	rc = db_change(c, "failure", id, "create", NULL, PQgetvalue(res, 0, 1), 0, 0, 0);
	PQclear(res);
	if (rc != 0)
		return -1;
	res = db_q(c, "SELECT id, kind, code, name, parent_id, asset_type_id, active "
	    "FROM failure_codes WHERE id = $1", "i", id);
	code = db_one(c, res, "failure code", id);
	return code ? call_ok(c, code) : -1;
}

#define CONTRACTOR_FIELDS(req) \
	{ "name", P_STR, req, 1, 200, NULL }, \
	{ "contact", P_STR, false, 0, 200, NULL }, \
	{ "phone", P_STR, false, 0, 40, NULL }, \
	{ "email", P_STR, false, 0, 200, NULL }, \
	{ "trade", P_STR, false, 0, 32, NULL }

const struct method org_work_methods[] = {
	{ "team.list", team_list, READERS, M_PAGE,
	  "teams by name, with their number of active members; optionally of one service", {
		{ "service_id", P_ID, false, 0, 0, NULL },
		{ 0 } } },
	{ "team.get", team_get, READERS, 0, "one team with its members", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "team.create", team_create, MANAGERS, M_MUTATES,
	  "creates a team in a service (admin, or supervisor of the service)", {
		{ "code", P_STR, true, 1, 32, NULL },
		{ "name", P_STR, true, 1, 200, NULL },
		{ "service_id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "team.update", team_update, MANAGERS, M_MUTATES,
	  "renames, retires or restores a team (version mismatch -> conflict)", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		{ "name", P_STR, false, 1, 200, NULL },
		{ "active", P_BOOL, false, 0, 0, NULL },
		{ 0 } } },
	{ "contractor.list", contractor_list, READERS, M_PAGE,
	  "contractors by name; filters query (name or contact), trade, active", {
		{ "query", P_STR, false, 1, 200, NULL },
		{ "trade", P_STR, false, 1, 32, NULL },
		{ "active", P_BOOL, false, 0, 0, NULL },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ "after", P_CURSOR, false, 0, 0, NULL },
		{ 0 } } },
	{ "contractor.get", contractor_get, READERS, 0, "one contractor", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "contractor.create", contractor_create, MANAGERS, M_MUTATES,
	  "adds a contractor (company, contact, phone, email, trade)", {
		CONTRACTOR_FIELDS(true),
		{ 0 } } },
	{ "contractor.update", contractor_update, MANAGERS, M_MUTATES,
	  "changes a contractor (version mismatch -> conflict); trade \"\" clears", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		CONTRACTOR_FIELDS(false),
		{ "active", P_BOOL, false, 0, 0, NULL },
		{ 0 } } },
	{ "failure.list", failure_list, READERS, M_PAGE,
	  "active failure codes: those of asset_type_id and the generic ones; by kind, parent", {
		{ "asset_type_id", P_ID, false, 0, 0, NULL },
		{ "kind", P_CHOICE, false, 0, 0, failure_kinds },
		{ "parent_id", P_ID, false, 0, 0, NULL },
		{ 0 } } },
	{ "failure.create", failure_create, MANAGERS, M_MUTATES,
	  "adds a failure code: a problem, a cause under a problem, a remedy under a cause", {
		{ "kind", P_CHOICE, true, 0, 0, failure_kinds },
		{ "code", P_STR, true, 1, 32, NULL },
		{ "name", P_STR, true, 1, 200, NULL },
		{ "parent_id", P_ID, false, 0, 0, NULL },
		{ "asset_type_id", P_ID, false, 0, 0, NULL },
		{ 0 } } },
	{ 0 }
};
