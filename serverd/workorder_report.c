/* workorder.*: the field report, i.e. what a work order cost (labour,
 * material, external services), and comments.
 *
 * An agent reports on the work orders it is assigned to, and its own
 * hours only; a supervisor of the service on any, for any agent of the
 * service; an admin anywhere. External services are a supervisor's.
 * A labour line is valued at the agent's rate in force on its day,
 * copied into the line, so a later rate change never rewrites it. A
 * closed or cancelled work order takes no line and loses none (the
 * trigger in 0004 backs this). Lines do not change the work order's
 * version: an agent reporting does not invalidate the form a supervisor
 * has open. A retried call with the same request_key adds nothing: the
 * dispatcher answers it from idempotency_keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "estate.h"
#include "workorder.h"
#include "xmalloc.h"

#define DECIDERS (ROLE_ADMIN | ROLE_SUPERVISOR)
#define WORKERS (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT)

static const char *const line_kinds[] = { "labour", "material", "service", NULL };

/* Locks the work order for a new line and checks that it takes lines
 * and that the caller may report on it. */
static int report_begin(struct call *c, int64_t id, bool supervisor_only,
    struct wo_state *st)
{
	if (wo_lock(c, id, st) != 0)
		return -1;
	if (supervisor_only ? !wo_supervises(&c->who, st) : !wo_works_on(&c->who, st))
		return call_fail(c, RERR_FORBIDDEN, NULL, supervisor_only ?
		    "only a supervisor of the work order's service may do this" :
		    "only an agent assigned to this work order, or its supervisor, may report on it");
	return wo_check_open_for_lines(c, st);
}

/* A decimal parameter, or def when not given. */
static int report_decimal(struct call *c, const char *name, const char *def, double min,
    double max, int scale, const char **out)
{
	*out = arg_str(c, name, def);
	if (*out != NULL && !estate_decimal_ok(*out, min, max, scale))
		return call_fail(c, RERR_INVALID, name, "%s must be a number from %g to %g with "
		    "at most %d decimals, such as \"2.5\"", name, min, max, scale);
	return 0;
}

/* The caller's own agent, or 0 (no error) when it has none. */
static int report_my_agent(struct call *c, int64_t *agent)
{
	PGresult *res = db_q(c, "SELECT id FROM agents WHERE user_id = $1", "i", c->who.user_id);

	if (res == NULL)
		return -1;
	*agent = PQntuples(res) == 1 ? db_int(res, 0, 0) : 0;
	PQclear(res);
	return 0;
}

/* Writes the labour line: hours (a checked decimal) of agent on day
 * (NULL: today). */
static int report_labour(struct call *c, const struct wo_state *st, int64_t agent,
    const char *day, const char *hours, const char *note)
{
	PGresult *res;
	char *line, *on;
	int rc;

	if (agent == 0)
		return call_fail(c, RERR_INVALID, "agent_id", "you are not an agent: say whose "
		    "hours these are (agent_id)");
	res = db_q(c, "SELECT ag.service_id, ag.name, ag.user_id, d::text, "
	    "regie_agent_rate(ag.id, d), d > current_date "
	    "FROM agents ag, COALESCE($2::date, current_date) d WHERE ag.id = $1", "is",
	    agent, day);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_INVALID, "agent_id", "no agent with id %lld",
		    (long long)agent);
	}
	/* An agent enters its own hours; its supervisor those of anyone of
	 * the service. */
	if (!wo_supervises(&c->who, st) && db_int(res, 0, 2) != c->who.user_id) {
		PQclear(res);
		return call_fail(c, RERR_FORBIDDEN, "agent_id", "you may enter only your own hours");
	}
	if (db_int(res, 0, 0) != st->service_id && !(c->who.roles & ROLE_ADMIN)) {
		PQclear(res);
		return call_fail(c, RERR_INVALID, "agent_id",
		    "this agent is not of the work order's service");
	}
	if (PQgetvalue(res, 0, 5)[0] == 't') {
		PQclear(res);
		return call_fail(c, RERR_INVALID, "day", "day must not be in the future");
	}
	if (PQgetisnull(res, 0, 4)) {
		call_fail(c, RERR_INVALID, "day", "%s has no hourly rate on %s: one must be set "
		    "first (agent.set_rate)", PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 3));
		PQclear(res);
		return -1;
	}
	on = xstrdup(PQgetvalue(res, 0, 3));
	line = xasprintf("%s h by %s on %s", hours, PQgetvalue(res, 0, 1), on);
	PQclear(res);
	/* The rate of that day, copied: a later change leaves the line be. */
	rc = db_exec(c, "INSERT INTO work_order_labour (work_order_id, agent_id, day, hours, rate, "
	    "note, created_by) VALUES ($1, $2, $3::date, $4::numeric, "
	    "regie_agent_rate($2, $3::date), $5, $6)", "iisssI", st->id, agent, on, hours,
	    note != NULL ? note : "", c->who.user_id);
	if (rc != 0)
		wo_constraint_error(c);
	else
		rc = wo_timeline(c, st->id, "report", NULL, line);
	free(line);
	free(on);
	return rc;
}

static int report_material(struct call *c, const struct wo_state *st, const char *description,
    const char *quantity, const char *unit, const char *unit_cost, int64_t item)
{
	char *line;
	int rc;

	if (db_exec(c, "INSERT INTO work_order_material (work_order_id, description, item_id, "
	    "quantity, unit, unit_cost, created_by) VALUES ($1, $2, $3, $4::numeric, $5, "
	    "$6::numeric, $7)", "isIsssI", st->id, description, item, quantity,
	    unit != NULL ? unit : "u", unit_cost, c->who.user_id) != 0)
		return wo_constraint_error(c);
	line = xasprintf("%s %s %s", quantity, unit != NULL ? unit : "u", description);
	rc = wo_timeline(c, st->id, "report", NULL, line);
	free(line);
	return rc;
}

/* The end of every report: audit, events, the work order with its lines. */
static int report_end(struct call *c, struct wo_state *st, const char *op)
{
	int64_t id = st->id;
	int rc = -1;

	if (wo_record(c, id, op, st->snapshot) == 0 &&
	    db_exec(c, "UPDATE work_orders SET updated = now() WHERE id = $1", "i", id) == 0)
		rc = wo_answer(c, id);
	wo_state_free(st);
	return rc;
}

static int workorder_add_labour(struct call *c)
{
	const char *day, *hours;
	int64_t agent = arg_int(c, "agent_id", 0);
	struct wo_state st;

	memset(&st, 0, sizeof st);
	if (wo_date_arg(c, "day", &day) != 0 ||
	    report_decimal(c, "hours", NULL, 0.01, 24, 2, &hours) != 0 ||
	    report_begin(c, arg_int(c, "id", 0), false, &st) != 0 ||
	    (agent == 0 && report_my_agent(c, &agent) != 0) ||
	    report_labour(c, &st, agent, day, hours, arg_str(c, "note", NULL)) != 0) {
		wo_state_free(&st);
		return -1;
	}
	return report_end(c, &st, "add_labour");
}

static int workorder_add_material(struct call *c)
{
	const char *quantity, *unit_cost;
	struct wo_state st;

	memset(&st, 0, sizeof st);
	if (report_decimal(c, "quantity", NULL, 0.001, 1e9, 3, &quantity) != 0 ||
	    report_decimal(c, "unit_cost", NULL, 0, 1e9, 2, &unit_cost) != 0 ||
	    report_begin(c, arg_int(c, "id", 0), false, &st) != 0 ||
	    report_material(c, &st, arg_str(c, "description", NULL), quantity,
	    arg_str(c, "unit", NULL), unit_cost, arg_int(c, "item_id", 0)) != 0) {
		wo_state_free(&st);
		return -1;
	}
	return report_end(c, &st, "add_material");
}

static int workorder_add_service(struct call *c)
{
	const char *amount, *description = arg_str(c, "description", NULL);
	int64_t contractor = arg_int(c, "contractor_id", 0);
	struct wo_state st;
	char *line;
	int rc;

	memset(&st, 0, sizeof st);
	if (report_decimal(c, "amount", NULL, 0, 1e9, 2, &amount) != 0 ||
	    report_begin(c, arg_int(c, "id", 0), true, &st) != 0)
		goto fail;
	if (db_exec(c, "INSERT INTO work_order_services (work_order_id, contractor_id, "
	    "description, amount, created_by) VALUES ($1, $2, $3, $4::numeric, $5)", "iissI",
	    st.id, contractor, description, amount, c->who.user_id) != 0) {
		wo_constraint_error(c);
		goto fail;
	}
	line = xasprintf("%s: %s", description, amount);
	rc = wo_timeline(c, st.id, "report", NULL, line);
	free(line);
	if (rc != 0)
		goto fail;
	return report_end(c, &st, "add_service");
fail:
	wo_state_free(&st);
	return -1;
}

/* A supervisor removes any line; an agent those it wrote itself. */
static int workorder_remove_line(struct call *c)
{
	static const struct { const char *kind, *sql; } tables[] = {
		{ "labour", "DELETE FROM work_order_labour WHERE id = $1 AND work_order_id = $2 "
		  "AND ($3::boolean OR created_by = $4) RETURNING id" },
		{ "material", "DELETE FROM work_order_material WHERE id = $1 AND work_order_id = $2 "
		  "AND ($3::boolean OR created_by = $4) RETURNING id" },
		{ "service", "DELETE FROM work_order_services WHERE id = $1 AND work_order_id = $2 "
		  "AND ($3::boolean OR created_by = $4) RETURNING id" },
	};
	const char *kind = arg_str(c, "kind", NULL), *sql = NULL;
	int64_t line = arg_int(c, "line_id", 0);
	struct wo_state st;
	PGresult *res;
	char *note;
	bool gone;
	int rc;

	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		if (strcmp(tables[i].kind, kind) == 0)
			sql = tables[i].sql;
	}
	memset(&st, 0, sizeof st);
	if (sql == NULL || report_begin(c, arg_int(c, "id", 0), false, &st) != 0)
		goto fail;
	res = db_q(c, sql, "iibi", line, st.id, (int)wo_supervises(&c->who, &st), c->who.user_id);
	if (res == NULL)
		goto fail;
	gone = PQntuples(res) == 1;
	PQclear(res);
	if (!gone) {
		call_fail(c, RERR_NOT_FOUND, "line_id", "no %s line %lld of yours on work order %s",
		    kind, (long long)line, st.number);
		goto fail;
	}
	note = xasprintf("removed the %s line %lld", kind, (long long)line);
	rc = wo_timeline(c, st.id, "report", NULL, note);
	free(note);
	if (rc != 0)
		goto fail;
	return report_end(c, &st, "remove_line");
fail:
	wo_state_free(&st);
	return -1;
}

/* The agent's quick entry from the field: its hours and/or one part, in
 * one go. */
static int workorder_report(struct call *c)
{
	const char *day, *hours, *quantity, *unit_cost, *part = arg_str(c, "part", NULL);
	const char *note = arg_str(c, "note", NULL);
	int64_t agent = 0;
	struct wo_state st;

	memset(&st, 0, sizeof st);
	if (wo_date_arg(c, "day", &day) != 0 ||
	    report_decimal(c, "hours", NULL, 0.01, 24, 2, &hours) != 0 ||
	    report_decimal(c, "quantity", "1", 0.001, 1e9, 3, &quantity) != 0 ||
	    report_decimal(c, "unit_cost", NULL, 0, 1e9, 2, &unit_cost) != 0)
		return -1;
	if (hours == NULL && part == NULL)
		return call_fail(c, RERR_INVALID, "hours", "report hours, a part, or both");
	/* A part without its cost would understate the real cost unseen. */
	if (part != NULL && unit_cost == NULL)
		return call_fail(c, RERR_INVALID, "unit_cost", "a part needs its unit cost");
	if (part == NULL && (arg_has(c, "quantity") || unit_cost != NULL))
		return call_fail(c, RERR_INVALID, "part", "a quantity or a unit cost needs its part");
	if (report_begin(c, arg_int(c, "id", 0), false, &st) != 0)
		goto fail;
	if (hours != NULL && (report_my_agent(c, &agent) != 0 ||
	    report_labour(c, &st, agent, day, hours, note) != 0))
		goto fail;
	if (part != NULL &&
	    report_material(c, &st, part, quantity, NULL, unit_cost, 0) != 0)
		goto fail;
	return report_end(c, &st, "report");
fail:
	wo_state_free(&st);
	return -1;
}

/* A comment changes nothing of the work order: it goes on the timeline,
 * and to the audit log as its own "after". Closed work takes comments. */
static int workorder_comment(struct call *c)
{
	struct wo_state st;
	PGresult *res;
	int rc = -1;

	if (wo_lock(c, arg_int(c, "id", 0), &st) != 0)
		goto out;
	if (!(c->who.roles & ~ROLE_AGENT) && !st.mine) {
		call_fail(c, RERR_FORBIDDEN, NULL, "only an agent assigned to this work order "
		    "may comment on it");
		goto out;
	}
	res = db_q(c, "INSERT INTO work_order_events (work_order_id, user_id, kind, note) "
	    "VALUES ($1, $2, 'comment', $3) RETURNING json_build_object('comment', "
	    "json_build_object('id', id, 'work_order_id', work_order_id, 'note', note))::text",
	    "iIs", st.id, c->who.user_id, arg_str(c, "note", NULL));
	if (res == NULL)
		goto out;
	rc = db_change(c, "workorder", st.id, "comment", NULL, PQgetvalue(res, 0, 0),
	    st.service_id, st.site_id, 0);
	PQclear(res);
	if (rc == 0)
		rc = wo_answer(c, st.id);
out:
	wo_state_free(&st);
	return rc;
}

const struct method workorder_report_methods[] = {
	{ "workorder.add_labour", workorder_add_labour, WORKERS, M_MUTATES,
	  "reports hours of work, valued at the agent's rate on that day", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "day", P_STR, true, 10, 10, NULL },
		{ "hours", P_STR, true, 1, 8, NULL },
		{ "agent_id", P_ID, false, 0, 0, NULL },
		{ "note", P_STR, false, 0, 500, NULL },
		{ 0 } } },
	{ "workorder.add_material", workorder_add_material, WORKERS, M_MUTATES,
	  "reports material used: quantity at a unit cost", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "description", P_STR, true, 1, 200, NULL },
		{ "quantity", P_STR, true, 1, 16, NULL },
		{ "unit_cost", P_STR, true, 1, 16, NULL },
		{ "unit", P_STR, false, 1, 20, NULL },
		{ "item_id", P_ID, false, 0, 0, NULL },
		{ 0 } } },
	{ "workorder.add_service", workorder_add_service, DECIDERS, M_MUTATES,
	  "reports an external service bought from a contractor", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "contractor_id", P_ID, true, 0, 0, NULL },
		{ "description", P_STR, true, 1, 200, NULL },
		{ "amount", P_STR, true, 1, 16, NULL },
		{ 0 } } },
	{ "workorder.remove_line", workorder_remove_line, WORKERS, M_MUTATES,
	  "removes a report line (an agent: only its own)", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "kind", P_CHOICE, true, 0, 0, line_kinds },
		{ "line_id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "workorder.report", workorder_report, WORKERS, M_MUTATES,
	  "the field's quick entry: the caller's hours and/or one part, at once", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "day", P_STR, false, 10, 10, NULL },
		{ "hours", P_STR, false, 1, 8, NULL },
		{ "part", P_STR, false, 1, 200, NULL },
		{ "quantity", P_STR, false, 1, 16, NULL },
		{ "unit_cost", P_STR, false, 1, 16, NULL },
		{ "note", P_STR, false, 0, 500, NULL },
		{ 0 } } },
	{ "workorder.comment", workorder_comment, ROLE_STAFF, M_MUTATES,
	  "adds a comment to a work order's timeline", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "note", P_STR, true, 1, 4000, NULL },
		{ 0 } } },
	{ 0 }
};
