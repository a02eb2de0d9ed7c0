/* agent.*: the people who do the work. An agent belongs to a service
 * (and perhaps one of its teams), has a trade, weekly working hours, an
 * hourly cost rate that changes over time, and absences. A field agent's
 * login is linked by user_id, which is how "my work" finds them.
 *
 * Everyone on the staff reads agents (and viewers, who read all). Admins
 * change any agent; a supervisor changes the agents of the services it
 * covers, and moves one only between services it covers.
 *
 * Rates: each rate is in force from its effective day until the next
 * one (regie_agent_rate() in the schema). Setting a rate for a day that
 * already has one replaces it. Labour lines keep the rate they were
 * valued at, so a change never rewrites past work: a rate cannot take
 * effect on or before a day whose hours are already valued.
 *
 * Every change is audited on the agent (its snapshot carries its rates;
 * absences are audited as {absence: ...}) and announced on topic
 * "agent", scoped by the agent's service and owned by its login. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "db.h"
#include "estate.h"
#include "xmalloc.h"

#define READERS (ROLE_STAFF | ROLE_VIEWER)
#define MANAGERS (ROLE_ADMIN | ROLE_SUPERVISOR)

static const char *const absence_kinds[] = { "leave", "sick", "training", "other", NULL };

bool agent_may_manage(const struct caller *w, int64_t service_id)
{
	if (w->roles & ROLE_ADMIN)
		return true;
	return (w->roles & ROLE_SUPERVISOR) && caller_covers_service(w, service_id);
}

int agent_check_manage(struct call *c, int64_t service_id)
{
	if (agent_may_manage(&c->who, service_id))
		return 0;
	return call_fail(c, RERR_FORBIDDEN, NULL,
	    "only a supervisor of this service (or an admin) may do this");
}

int agent_decimal_arg(struct call *c, const char *name, double min, double max, int scale,
    const char **out)
{
	*out = arg_str(c, name, NULL);
	if (*out != NULL && !estate_decimal_ok(*out, min, max, scale))
		return call_fail(c, RERR_INVALID, name, "%s must be a number from %g to %g with at "
		    "most %d decimals, such as \"%s\"", name, min, max, scale,
		    scale == 1 ? "35.5" : "32.50");
	return 0;
}

int agent_date_arg(struct call *c, const char *name, const char **out)
{
	*out = arg_str(c, name, NULL);
	if (*out != NULL && !estate_date_ok(*out))
		return call_fail(c, RERR_INVALID, name, "%s must be a date such as 2026-11-28", name);
	return 0;
}

/* ---- reads ---- */

/* The agent with its rates and recent absences, or NULL (call failed). */
static struct rv *agent_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " AGENT_COLUMNS " FROM " AGENT_FROM " WHERE a.id = $1",
	    "i", id);
	struct rv *agent = db_one(c, res, "agent", id);

	if (agent == NULL)
		return NULL;
	res = db_q(c, "SELECT effective, rate FROM agent_rates WHERE agent_id = $1 "
	    "ORDER BY effective", "i", id);
	if (res == NULL)
		goto fail;
	rv_set(agent, "rates", db_rows(res));
	PQclear(res);
	res = db_q(c, "SELECT id, starts, ends, kind, note FROM agent_absences "
	    "WHERE agent_id = $1 AND ends >= current_date - 90 ORDER BY starts", "i", id);
	if (res == NULL)
		goto fail;
	rv_set(agent, "absences", db_rows(res));
	PQclear(res);
	return agent;
fail:
	rv_free(agent);
	return NULL;
}

static int agent_get(struct call *c)
{
	struct rv *agent = agent_load(c, arg_int(c, "id", 0));

	return agent ? call_ok(c, agent) : -1;
}

static int agent_me(struct call *c)
{
	PGresult *res = db_q(c, "SELECT a.id FROM agents a WHERE a.user_id = $1", "i",
	    c->who.user_id);
	int64_t id;
	struct rv *agent;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, NULL, "your login is not linked to an agent");
	}
	id = db_int(res, 0, 0);
	PQclear(res);
	agent = agent_load(c, id);
	return agent ? call_ok(c, agent) : -1;
}

/* The page's order is the indexes' (lower(name), id): ordered by the
 * name as written, every page sorted all the agents (11 ms at 8,000). */
static const char *const agent_hidden_columns[] = { "sort_key", NULL };
static const struct db_pack agent_pack = { .hidden = agent_hidden_columns };

/* By name, case aside; query matches the start of the code or a part of
 * the name, case and accents aside. */
static int agent_list(struct call *c)
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
	res = db_q(c, "SELECT " AGENT_COLUMNS ", lower(a.name) AS sort_key FROM " AGENT_FROM
	    " WHERE ($1::bigint IS NULL OR a.service_id = $1)"
	    " AND ($2::bigint IS NULL OR a.team_id = $2)"
	    " AND ($3::text IS NULL OR a.trade = $3)"
	    " AND ($4::text IS NULL OR a.code ILIKE $4 || '%'"
	    "  OR regie_fold(a.name) LIKE '%' || regie_fold($4) || '%')"
	    " AND ($5::boolean IS NULL OR a.active = $5)"
	    " AND ($6::bigint IS NULL OR (lower(a.name), a.id) > ($7::text, $6))"
	    " ORDER BY lower(a.name), a.id LIMIT $8", "IIsssIsi", arg_int(c, "service_id", 0),
	    arg_int(c, "team_id", 0), arg_str(c, "trade", NULL), pattern, active, after_id,
	    value, limit + 1);
	free(pattern);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, PQfnumber(res, "sort_key"), &agent_pack);
	PQclear(res);
	return call_ok(c, r);
}

static int agent_trades(struct call *c)
{
	PGresult *res = db_q(c, "SELECT code, name FROM trades ORDER BY position, code", "");
	struct rv *r;

	if (res == NULL)
		return -1;
	r = rv_map();
	rv_set(r, "items", db_rows_packed(res, -1, NULL));
	PQclear(res);
	return call_ok(c, r);
}

/* ---- changes ---- */

/* The database refused a value: name the field it belongs to. */
static int agent_constraint_error(struct call *c)
{
	static const struct { const char *constraint, *field, *message; } known[] = {
		{ "agents_code_key", "code", "another agent already has this code" },
		{ "agents_code_check", "code", "a code uses capital letters, digits, '_' and '-' "
		  "(at most 32) and starts with a letter or digit" },
		{ "agents_user_id_key", "user_id", "this login is already linked to another agent" },
		{ "agents_user_id_fkey", "user_id", "no such user" },
		{ "agents_service_id_fkey", "service_id", "no such service" },
		{ "agents_team_id_fkey", "team_id", "no such team" },
		{ "agents_trade_fkey", "trade", "no such trade (see agent.trades)" },
		{ "agents_weekly_hours_check", "weekly_hours",
		  "weekly_hours must be more than 0 and at most 60" },
		{ "agent_absences_overlap", "starts", "this absence overlaps another one" },
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strstr(c->err_message, known[i].constraint) != NULL) {
			enum rerr code = c->err;
			return call_fail(c, code, known[i].field, "%s", known[i].message);
		}
	}
	return -1;
}

/* A team given for an agent must be one of the agent's service. */
static int agent_check_team(struct call *c, int64_t team_id, int64_t service_id)
{
	PGresult *res;
	int64_t team_service;

	if (team_id == 0)
		return 0;
	res = db_q(c, "SELECT service_id FROM teams WHERE id = $1", "i", team_id);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_INVALID, "team_id", "no team with id %lld",
		    (long long)team_id);
	}
	team_service = db_int(res, 0, 0);
	PQclear(res);
	if (team_service != service_id)
		return call_fail(c, RERR_INVALID, "team_id", "this team belongs to another service");
	return 0;
}

/* Locks the agent: its service, its login and its snapshot. */
struct agent_state {
	int64_t service_id, user_id, version;
	char *snapshot;
};

static int agent_lock(struct call *c, int64_t id, const char *field, struct agent_state *st)
{
	PGresult *res = db_q(c, "SELECT agent_snapshot(id)::text, version, service_id, user_id "
	    "FROM agents WHERE id = $1 FOR UPDATE", "i", id);

	memset(st, 0, sizeof *st);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, field, "no agent with id %lld", (long long)id);
	}
	st->snapshot = xstrdup(PQgetvalue(res, 0, 0));
	st->version = db_int(res, 0, 1);
	st->service_id = db_int(res, 0, 2);
	st->user_id = db_int(res, 0, 3);
	PQclear(res);
	return 0;
}

/* Audits and announces the change, then answers with the agent. */
static int agent_finish(struct call *c, int64_t id, const char *op, const char *before)
{
	PGresult *res = db_q(c, "SELECT agent_snapshot(id)::text, service_id, user_id "
	    "FROM agents WHERE id = $1", "i", id);
	struct rv *agent;
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "agent", id, op, before, PQgetvalue(res, 0, 0), db_int(res, 0, 1), 0,
	    db_int(res, 0, 2));
	PQclear(res);
	if (rc != 0 || (agent = agent_load(c, id)) == NULL)
		return -1;
	return call_ok(c, agent);
}

static int agent_create(struct call *c)
{
	int64_t service = arg_int(c, "service_id", 0), team = arg_int(c, "team_id", 0), id;
	const char *hours, *rate, *effective;
	PGresult *res;

	if (agent_check_manage(c, service) != 0 ||
	    agent_decimal_arg(c, "weekly_hours", 0.1, 60, 1, &hours) != 0 ||
	    agent_decimal_arg(c, "rate", 0, 999999.99, 2, &rate) != 0 ||
	    agent_date_arg(c, "rate_effective", &effective) != 0 ||
	    agent_check_team(c, team, service) != 0)
		return -1;
	res = db_q(c, "INSERT INTO agents (code, name, service_id, team_id, trade, weekly_hours, "
	    "user_id) VALUES ($1, $2, $3, $4, COALESCE($5, 'general'), "
	    "COALESCE($6::numeric, 35), $7) RETURNING id", "ssiIssI", arg_str(c, "code", NULL),
	    arg_str(c, "name", NULL), service, team, arg_str(c, "trade", NULL), hours,
	    arg_int(c, "user_id", 0));
	if (res == NULL)
		return agent_constraint_error(c);
	id = db_int(res, 0, 0);
	PQclear(res);
	if (db_exec(c, "INSERT INTO agent_rates (agent_id, effective, rate) "
	    "VALUES ($1, COALESCE($2::date, current_date), $3::numeric)", "iss", id, effective,
	    rate) != 0)
		return -1;
	return agent_finish(c, id, "create", NULL);
}

static int agent_update(struct call *c)
{
	int64_t id = arg_int(c, "id", 0), service;
	const char *hours;
	char team[24], user[24];
	struct agent_state st;
	int rc = -1;

	if (agent_lock(c, id, "id", &st) != 0)
		return -1;
	service = arg_int(c, "service_id", st.service_id);
	if (agent_check_manage(c, st.service_id) != 0 || agent_check_manage(c, service) != 0)
		goto out;
	if (arg_int(c, "version", 0) != st.version) {
		call_fail(c, RERR_CONFLICT, "version", "someone else changed this agent (now "
		    "version %lld); reload and try again", (long long)st.version);
		goto out;
	}
	if (agent_decimal_arg(c, "weekly_hours", 0.1, 60, 1, &hours) != 0 ||
	    agent_check_team(c, arg_int(c, "team_id", 0), service) != 0)
		goto out;
	/* team_id and user_id 0 clear; a move to another service leaves the
	 * team behind unless a team of the new one is given. */
	xsnprintf(team, sizeof team, "%lld", (long long)arg_int(c, "team_id", 0));
	xsnprintf(user, sizeof user, "%lld", (long long)arg_int(c, "user_id", 0));
	if (db_exec(c, "UPDATE agents SET name = COALESCE($2, name), "
	    "team_id = CASE WHEN $4::bigint IS NOT NULL THEN NULLIF($4::bigint, 0) "
	    "  WHEN $3::bigint <> service_id THEN NULL ELSE team_id END, "
	    "service_id = $3, trade = COALESCE($5, trade), "
	    "weekly_hours = COALESCE($6::numeric, weekly_hours), "
	    "user_id = CASE WHEN $7::bigint IS NULL THEN user_id ELSE NULLIF($7::bigint, 0) END, "
	    "active = COALESCE($8::boolean, active), version = version + 1 WHERE id = $1",
	    "isisssss", id, arg_str(c, "name", NULL), service,
	    arg_has(c, "team_id") ? team : NULL, arg_str(c, "trade", NULL), hours,
	    arg_has(c, "user_id") ? user : NULL,
	    arg_has(c, "active") ? (arg_bool(c, "active", true) ? "true" : "false") : NULL) != 0) {
		agent_constraint_error(c);
		goto out;
	}
	rc = agent_finish(c, id, "update", st.snapshot);
out:
	free(st.snapshot);
	return rc;
}

static int agent_set_rate(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	const char *rate, *effective;
	struct agent_state st;
	PGresult *res;
	int rc = -1;

	if (agent_lock(c, id, "id", &st) != 0)
		return -1;
	if (agent_check_manage(c, st.service_id) != 0 ||
	    agent_decimal_arg(c, "rate", 0, 999999.99, 2, &rate) != 0 ||
	    agent_date_arg(c, "effective", &effective) != 0)
		goto out;
	/* Work already valued keeps its rate, and the rate in force on its
	 * day stays the one it was valued at. */
	res = db_q(c, "SELECT max(day) FROM work_order_labour WHERE agent_id = $1 "
	    "AND day >= $2::date", "is", id, effective);
	if (res == NULL)
		goto out;
	if (!PQgetisnull(res, 0, 0)) {
		call_fail(c, RERR_INVALID, "effective", "this agent's hours are already valued up to "
		    "%s: a new rate takes effect after that day", PQgetvalue(res, 0, 0));
		PQclear(res);
		goto out;
	}
	PQclear(res);
	if (db_exec(c, "INSERT INTO agent_rates (agent_id, effective, rate) "
	    "VALUES ($1, $2::date, $3::numeric) "
	    "ON CONFLICT (agent_id, effective) DO UPDATE SET rate = EXCLUDED.rate, created = now()",
	    "iss", id, effective, rate) != 0 ||
	    db_exec(c, "UPDATE agents SET version = version + 1 WHERE id = $1", "i", id) != 0)
		goto out;
	rc = agent_finish(c, id, "rate", st.snapshot);
out:
	free(st.snapshot);
	return rc;
}

#define ABSENCE_JSON "jsonb_build_object('absence', to_jsonb(b) - 'created')::text"

static int agent_add_absence(struct call *c)
{
	int64_t agent = arg_int(c, "agent_id", 0), id;
	const char *starts, *ends;
	struct agent_state st;
	struct rv *absence;
	PGresult *res;
	int rc = -1;

	if (agent_lock(c, agent, "agent_id", &st) != 0)
		return -1;
	if (agent_check_manage(c, st.service_id) != 0 ||
	    agent_date_arg(c, "starts", &starts) != 0 || agent_date_arg(c, "ends", &ends) != 0)
		goto out;
	if (strcmp(ends, starts) < 0) {
		call_fail(c, RERR_INVALID, "ends", "an absence ends on or after the day it starts");
		goto out;
	}
	/* Said first with the dates in the way; the exclusion constraint
	 * is the invariant behind it. */
	res = db_q(c, "SELECT starts, ends FROM agent_absences WHERE agent_id = $1 "
	    "AND daterange(starts, ends, '[]') && daterange($2::date, $3::date, '[]') "
	    "ORDER BY starts LIMIT 1", "iss", agent, starts, ends);
	if (res == NULL)
		goto out;
	if (PQntuples(res) > 0) {
		call_fail(c, RERR_CONFLICT, "starts", "this agent is already absent from %s to %s",
		    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
		PQclear(res);
		goto out;
	}
	PQclear(res);
	res = db_q(c, "INSERT INTO agent_absences (agent_id, starts, ends, kind, note) "
	    "VALUES ($1, $2, $3, COALESCE($4, 'leave'), COALESCE($5, '')) RETURNING id", "issss",
	    agent, starts, ends, arg_str(c, "kind", NULL), arg_str(c, "note", NULL));
	if (res == NULL) {
		agent_constraint_error(c);
		goto out;
	}
	id = db_int(res, 0, 0);
	PQclear(res);
	res = db_q(c, "SELECT " ABSENCE_JSON " FROM agent_absences b WHERE b.id = $1", "i", id);
	if (res == NULL)
		goto out;
	rc = db_change(c, "agent", agent, "absence", NULL, PQgetvalue(res, 0, 0), st.service_id, 0,
	    st.user_id);
	PQclear(res);
	if (rc != 0)
		goto out;
	rc = -1;
	res = db_q(c, "SELECT id, agent_id, starts, ends, kind, note FROM agent_absences "
	    "WHERE id = $1", "i", id);
	if ((absence = db_one(c, res, "absence", id)) != NULL)
		rc = call_ok(c, absence);
out:
	free(st.snapshot);
	return rc;
}

static int agent_remove_absence(struct call *c)
{
	int64_t id = arg_int(c, "id", 0), agent;
	struct agent_state st;
	char *before;
	PGresult *res = db_q(c, "SELECT " ABSENCE_JSON ", b.agent_id FROM agent_absences b "
	    "WHERE b.id = $1", "i", id);
	struct rv *r;
	int rc = -1;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, "id", "no absence with id %lld", (long long)id);
	}
	before = xstrdup(PQgetvalue(res, 0, 0));
	agent = db_int(res, 0, 1);
	PQclear(res);
	if (agent_lock(c, agent, "id", &st) != 0) {
		free(before);
		return -1;
	}
	if (agent_check_manage(c, st.service_id) == 0 &&
	    db_exec(c, "DELETE FROM agent_absences WHERE id = $1", "i", id) == 0 &&
	    db_change(c, "agent", agent, "absence", before, NULL, st.service_id, 0,
	    st.user_id) == 0) {
		r = rv_map();
		rv_set_bool(r, "ok", true);
		rc = call_ok(c, r);
	}
	free(before);
	free(st.snapshot);
	return rc;
}

#define AGENT_FIELDS(req) \
	{ "name", P_STR, req, 1, 200, NULL }, \
	{ "service_id", P_ID, req, 0, 0, NULL }, \
	{ "trade", P_STR, false, 1, 32, NULL }, \
	{ "weekly_hours", P_STR, false, 1, 10, NULL }

const struct method agent_methods[] = {
	{ "agent.list", agent_list, READERS, M_PAGE,
	  "agents by name; filters service, team, trade, active, query (code or name)", {
		{ "service_id", P_ID, false, 0, 0, NULL },
		{ "team_id", P_ID, false, 0, 0, NULL },
		{ "trade", P_STR, false, 1, 32, NULL },
		{ "query", P_STR, false, 1, 200, NULL },
		{ "active", P_BOOL, false, 0, 0, NULL },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ "after", P_CURSOR, false, 0, 0, NULL },
		{ 0 } } },
	{ "agent.get", agent_get, READERS, 0,
	  "one agent with its rates and its absences of the last 90 days and to come", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "agent.me", agent_me, ROLE_STAFF, 0, "the agent linked to the caller's login", {
		{ 0 } } },
	{ "agent.trades", agent_trades, READERS, 0, "the trades (métiers) an agent may have", {
		{ 0 } } },
	{ "agent.create", agent_create, MANAGERS, M_MUTATES,
	  "creates an agent with its first hourly rate (admin, or supervisor of the service)", {
		{ "code", P_STR, true, 1, 32, NULL },
		AGENT_FIELDS(true),
		{ "team_id", P_ID, false, 0, 0, NULL },
		{ "user_id", P_ID, false, 0, 0, NULL },
		{ "rate", P_STR, true, 1, 12, NULL },
		{ "rate_effective", P_STR, false, 10, 10, NULL },
		{ 0 } } },
	{ "agent.update", agent_update, MANAGERS, M_MUTATES,
	  "changes an agent (version mismatch -> conflict); team_id and user_id 0 clear", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		AGENT_FIELDS(false),
		{ "team_id", P_INT, false, 0, INT64_MAX, NULL },
		{ "user_id", P_INT, false, 0, INT64_MAX, NULL },
		{ "active", P_BOOL, false, 0, 0, NULL },
		{ 0 } } },
	{ "agent.set_rate", agent_set_rate, MANAGERS, M_MUTATES,
	  "sets the hourly rate in force from a day (the same day again replaces it)", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "effective", P_STR, true, 10, 10, NULL },
		{ "rate", P_STR, true, 1, 12, NULL },
		{ 0 } } },
	{ "agent.add_absence", agent_add_absence, MANAGERS, M_MUTATES,
	  "records an absence in whole days; overlapping another -> conflict", {
		{ "agent_id", P_ID, true, 0, 0, NULL },
		{ "starts", P_STR, true, 10, 10, NULL },
		{ "ends", P_STR, true, 10, 10, NULL },
		{ "kind", P_CHOICE, false, 0, 0, absence_kinds },
		{ "note", P_STR, false, 0, 500, NULL },
		{ 0 } } },
	{ "agent.remove_absence", agent_remove_absence, MANAGERS, M_MUTATES,
	  "removes an absence", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ 0 }
};
