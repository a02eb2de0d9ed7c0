/* workorder.*: work orders (ordres de travail), from their creation to
 * their closing; reading them is in workorder_list.c, the field-report
 * lines in workorder_report.c.
 *
 *	planned -> assigned                      (assign: a supervisor)
 *	planned, assigned -> in_progress         (start)
 *	in_progress <-> on_hold                  (hold with a reason, resume)
 *	in_progress -> done                      (finish)
 *	done -> in_progress                      (reopen: a supervisor, the check failed)
 *	done -> closed                           (close: a supervisor; the cost is frozen)
 *	planned, assigned, on_hold -> cancelled  (cancel: a supervisor)
 *
 * "Supervisor" is a supervisor of the work order's service, or an admin;
 * start, hold, resume and finish are also an assignee's, i.e. an agent
 * whose login is linked to one of its assignees. Every change names the
 * version the caller saw (conflict otherwise), writes a timeline row, an
 * audit row and a "workorder" event for the service, and one event per
 * assignee with a login (owner = that user) so their "My work" follows.
 *
 * Scope: admins, supervisors, storekeepers and viewers read every work
 * order; an agent those they are assigned to; a referent those linked to
 * a request they can see (of their sites, or filed by or for them).
 *
 * A work order linked to a request tells the request's timeline of its
 * status changes: the trigger in 0003 does it, and learns who from
 * regie.user_id, which wo_lock sets for the transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "estate.h"
#include "workorder.h"
#include "xmalloc.h"

#define DECIDERS (ROLE_ADMIN | ROLE_SUPERVISOR)
#define WORKERS (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT)

static const char *const types[] = {
	"corrective", "preventive", "regulatory", "improvement", NULL,
};
static const char *const priorities[] = { "urgent", "high", "normal", "low", NULL };

int wo_date_arg(struct call *c, const char *name, const char **out)
{
	*out = arg_str(c, name, NULL);
	if (*out != NULL && !estate_date_ok(*out))
		return call_fail(c, RERR_INVALID, name, "%s must be a date such as 2026-11-28", name);
	return 0;
}

/* ---- changes: what they share ---- */

void wo_state_free(struct wo_state *st)
{
	free(st->snapshot);
	memset(st, 0, sizeof *st);
}

int wo_lock(struct call *c, int64_t id, struct wo_state *st)
{
	PGresult *res;

	memset(st, 0, sizeof *st);
	/* The linked request's timeline says who changed the status. */
	if (db_exec(c, "SELECT set_config('regie.user_id', $1::text, true)", "i",
	    c->who.user_id) != 0)
		return -1;
	res = db_q(c, "SELECT work_order_snapshot(w.id)::text, w.version, w.service_id, "
	    "w.site_id, w.request_id, w.status, w.number, EXISTS (SELECT 1 FROM "
	    "work_order_assignees mx JOIN agents ma ON ma.id = mx.agent_id "
	    "WHERE mx.work_order_id = w.id AND ma.user_id = $5) "
	    "FROM work_orders w LEFT JOIN requests r ON r.id = w.request_id "
	    "WHERE " WO_SCOPE " AND w.id = $6 FOR UPDATE OF w", WO_SCOPE_FMT "i",
	    WO_SCOPE_ARGS(c), id);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, "id", "no work order with id %lld",
		    (long long)id);
	}
	st->id = id;
	st->snapshot = xstrdup(PQgetvalue(res, 0, 0));
	st->version = db_int(res, 0, 1);
	st->service_id = db_int(res, 0, 2);
	st->site_id = db_int(res, 0, 3);
	st->request_id = db_int(res, 0, 4);
	xsnprintf(st->status, sizeof st->status, "%s", PQgetvalue(res, 0, 5));
	xsnprintf(st->number, sizeof st->number, "%s", PQgetvalue(res, 0, 6));
	st->mine = PQgetvalue(res, 0, 7)[0] == 't';
	PQclear(res);
	return 0;
}

bool wo_supervises(const struct caller *w, const struct wo_state *st)
{
	if (w->roles & ROLE_ADMIN)
		return true;
	return (w->roles & ROLE_SUPERVISOR) && caller_covers_service(w, st->service_id);
}

bool wo_works_on(const struct caller *w, const struct wo_state *st)
{
	return wo_supervises(w, st) || ((w->roles & ROLE_AGENT) && st->mine);
}

static bool wo_is_open(const struct wo_state *st)
{
	return strcmp(st->status, "done") != 0 && strcmp(st->status, "closed") != 0 &&
	    strcmp(st->status, "cancelled") != 0;
}

int wo_check_open_for_lines(struct call *c, const struct wo_state *st)
{
	if (strcmp(st->status, "closed") == 0 || strcmp(st->status, "cancelled") == 0)
		return call_fail(c, RERR_INVALID, "id", "work order %s is %s: it takes no more "
		    "report lines", st->number, st->status);
	return 0;
}

int wo_timeline(struct call *c, int64_t id, const char *kind, const char *status,
    const char *note)
{
	return db_exec(c, "INSERT INTO work_order_events (work_order_id, user_id, kind, status, "
	    "note) VALUES ($1, $2, $3, $4, $5)", "iIsss", id, c->who.user_id, kind, status,
	    note != NULL ? note : "");
}

/* One event for an assignee's login: service and site are left out, so
 * that it reaches that user and no one else. Agents assigned by this
 * very transaction (assigned = now()) are skipped: they had theirs. */
static int wo_notify_assignees(struct call *c, int64_t id, const char *op, int64_t only_agent)
{
	return db_exec(c, "SELECT pg_notify('regie', json_build_object('topic', 'workorder', "
	    "'op', $2::text, 'id', $1::bigint, 'service', NULL, 'site', NULL, "
	    "'owner', ag.user_id, 'by', $3::bigint)::text) "
	    "FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id "
	    "WHERE x.work_order_id = $1 AND ag.user_id IS NOT NULL AND CASE WHEN $4::bigint "
	    "IS NULL THEN x.assigned <> now() ELSE x.agent_id = $4 END", "isII", id, op,
	    c->who.user_id, only_agent);
}

/* The audit row (after = the snapshot now) with the event for the
 * service's supervisors, and the assignees' events. */
int wo_record(struct call *c, int64_t id, const char *op, const char *before)
{
	PGresult *res = db_q(c, "SELECT work_order_snapshot(w.id)::text, w.service_id, w.site_id "
	    "FROM work_orders w WHERE w.id = $1", "i", id);
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "workorder", id, op, before, PQgetvalue(res, 0, 0), db_int(res, 0, 1),
	    db_int(res, 0, 2), 0);
	PQclear(res);
	if (rc != 0)
		return -1;
	return wo_notify_assignees(c, id, op, 0);
}

int wo_constraint_error(struct call *c)
{
	static const struct { const char *constraint, *field, *message; } known[] = {
		{ "work_orders_service_id_fkey", "service_id", "no such service" },
		{ "work_orders_contractor_id_fkey", "contractor_id", "no such contractor" },
		{ "work_orders_team_id_fkey", "team_id", "no such team" },
		{ "work_orders_planned_check", "planned_end",
		  "planned_end must not be before planned_start" },
		{ "work_orders_frozen", "id", "this work order is closed: it takes no more lines" },
		{ "work_order_services_contractor_id_fkey", "contractor_id", "no such contractor" },
		{ "work_order_labour_agent_id_fkey", "agent_id", "no such agent" },
		{ "work_order_labour_hours_check", "hours", "hours must be more than 0, at most 24" },
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strstr(c->err_message, known[i].constraint) != NULL) {
			enum rerr code = c->err;
			return call_fail(c, code, known[i].field, "%s", known[i].message);
		}
	}
	return -1;
}

/* ---- the life of a work order ---- */

enum actor {
	BY_SUPERVISOR,               /* of the service, or an admin */
	BY_WORKER,                   /* the same, or an assignee */
};

struct transition {
	const char *op;
	const char *from[4];         /* NULL-ended */
	const char *to;
	enum actor actor;
};

static const struct transition
	t_start = { "start", { "planned", "assigned", NULL }, "in_progress", BY_WORKER },
	t_hold = { "hold", { "in_progress", NULL }, "on_hold", BY_WORKER },
	t_resume = { "resume", { "on_hold", NULL }, "in_progress", BY_WORKER },
	t_finish = { "finish", { "in_progress", NULL }, "done", BY_WORKER },
	t_reopen = { "reopen", { "done", NULL }, "in_progress", BY_SUPERVISOR },
	t_close = { "close", { "done", NULL }, "closed", BY_SUPERVISOR },
	t_cancel = { "cancel", { "planned", "assigned", "on_hold", NULL }, "cancelled",
	    BY_SUPERVISOR },
	/* not a change of status: any open work order */
	t_edit = { "update", { "planned", "assigned", "in_progress", "on_hold" }, NULL,
	    BY_SUPERVISOR };

/* Locks the work order and checks, in this order, that the caller sees
 * it, may do this, saw the current version and that it is in a state
 * the transition leaves. */
static int wo_begin(struct call *c, const struct transition *t, struct wo_state *st)
{
	int64_t version = arg_int(c, "version", 0);
	bool from = false;

	if (wo_lock(c, arg_int(c, "id", 0), st) != 0)
		return -1;
	if (t->actor == BY_SUPERVISOR ? !wo_supervises(&c->who, st) : !wo_works_on(&c->who, st))
		return call_fail(c, RERR_FORBIDDEN, NULL, t->actor == BY_SUPERVISOR ?
		    "only a supervisor of the work order's service may do this" :
		    "only an agent assigned to this work order, or its supervisor, may do this");
	if (version != st->version)
		return call_fail(c, RERR_CONFLICT, "version", "someone else changed work order %s "
		    "(now version %lld); reload and try again", st->number, (long long)st->version);
	for (int i = 0; i < 4 && t->from[i] != NULL; i++)
		from |= strcmp(t->from[i], st->status) == 0;
	if (!from)
		return call_fail(c, RERR_CONFLICT, "id", "work order %s is %s: it cannot %s",
		    st->number, st->status, t->to != NULL ? t->op : "be changed any more");
	return 0;
}

/* After the UPDATE of a transition: timeline, audit, events, answer. */
static int wo_end(struct call *c, const struct transition *t, struct wo_state *st,
    const char *note)
{
	int64_t id = st->id;
	int rc = -1;

	if (wo_timeline(c, id, t->to != NULL ? "status" : "comment", t->to, note) == 0 &&
	    wo_record(c, id, t->op, st->snapshot) == 0)
		rc = wo_answer(c, id);
	wo_state_free(st);
	return rc;
}

/* Runs one transition whose UPDATE needs only the id ($1). */
static int wo_step(struct call *c, const struct transition *t, const char *sql,
    const char *note)
{
	struct wo_state st;

	if (wo_begin(c, t, &st) != 0 || db_exec(c, sql, "i", st.id) != 0) {
		wo_state_free(&st);
		return -1;
	}
	return wo_end(c, t, &st, note);
}

static int workorder_start(struct call *c)
{
	return wo_step(c, &t_start, "UPDATE work_orders SET status = 'in_progress', "
	    "started = COALESCE(started, now()), updated = now(), version = version + 1 "
	    "WHERE id = $1", NULL);
}

static int workorder_resume(struct call *c)
{
	return wo_step(c, &t_resume, "UPDATE work_orders SET status = 'in_progress', "
	    "hold_reason = NULL, updated = now(), version = version + 1 WHERE id = $1", NULL);
}

static int workorder_close(struct call *c)
{
	struct wo_state st;

	/* The cost is what the lines say now, for good. */
	if (wo_begin(c, &t_close, &st) != 0 ||
	    db_exec(c, "UPDATE work_orders w SET status = 'closed', closed_at = now(), "
	    "closed_by = $2, cost_labour = k.labour, cost_material = k.material, "
	    "cost_services = k.services, updated = now(), version = w.version + 1 "
	    "FROM work_order_costs k WHERE w.id = $1 AND k.work_order_id = w.id", "iI", st.id,
	    c->who.user_id) != 0) {
		wo_state_free(&st);
		return -1;
	}
	return wo_end(c, &t_close, &st, NULL);
}

static int workorder_hold(struct call *c)
{
	const char *reason = arg_str(c, "reason", NULL);
	struct wo_state st;

	if (wo_begin(c, &t_hold, &st) != 0 ||
	    db_exec(c, "UPDATE work_orders SET status = 'on_hold', hold_reason = $2, "
	    "updated = now(), version = version + 1 WHERE id = $1", "is", st.id, reason) != 0) {
		wo_state_free(&st);
		return -1;
	}
	return wo_end(c, &t_hold, &st, reason);
}

static int workorder_reopen(struct call *c)
{
	const char *note = arg_str(c, "note", NULL);
	struct wo_state st;

	if (wo_begin(c, &t_reopen, &st) != 0 ||
	    db_exec(c, "UPDATE work_orders SET status = 'in_progress', done_at = NULL, "
	    "updated = now(), version = version + 1 WHERE id = $1", "i", st.id) != 0) {
		wo_state_free(&st);
		return -1;
	}
	return wo_end(c, &t_reopen, &st, note);
}

static int workorder_cancel(struct call *c)
{
	const char *reason = arg_str(c, "reason", NULL);
	struct wo_state st;

	if (wo_begin(c, &t_cancel, &st) != 0 ||
	    db_exec(c, "UPDATE work_orders SET status = 'cancelled', hold_reason = NULL, "
	    "updated = now(), version = version + 1 WHERE id = $1", "i", st.id) != 0) {
		wo_state_free(&st);
		return -1;
	}
	return wo_end(c, &t_cancel, &st, reason);
}

/* A failure code given to finish: of its kind, under its parent when
 * the parent is given too. */
static int wo_check_code(struct call *c, const char *field, const char *kind,
    int64_t parent)
{
	int64_t id = arg_int(c, field, 0);
	PGresult *res;
	bool ok;

	if (id == 0)
		return 0;
	res = db_q(c, "SELECT 1 FROM failure_codes WHERE id = $1 AND kind = $2 AND active "
	    "AND ($3::bigint IS NULL OR parent_id = $3)", "isI", id, kind, parent);
	if (res == NULL)
		return -1;
	ok = PQntuples(res) == 1;
	PQclear(res);
	if (!ok)
		return call_fail(c, RERR_INVALID, field, parent != 0 ?
		    "no such %s under the one chosen above it" : "no such %s code", kind);
	return 0;
}

static int workorder_finish(struct call *c)
{
	int64_t problem = arg_int(c, "problem_id", 0), cause = arg_int(c, "cause_id", 0);
	const char *completion = arg_str(c, "completion", NULL);
	struct wo_state st;

	if (wo_begin(c, &t_finish, &st) != 0 ||
	    wo_check_code(c, "problem_id", "problem", 0) != 0 ||
	    wo_check_code(c, "cause_id", "cause", problem) != 0 ||
	    wo_check_code(c, "remedy_id", "remedy", cause) != 0 ||
	    db_exec(c, "UPDATE work_orders SET status = 'done', done_at = now(), "
	    "completion = COALESCE($2, completion), problem_id = COALESCE($3, problem_id), "
	    "cause_id = COALESCE($4, cause_id), remedy_id = COALESCE($5, remedy_id), "
	    "updated = now(), version = version + 1 WHERE id = $1", "isIII", st.id, completion,
	    problem, cause, arg_int(c, "remedy_id", 0)) != 0) {
		wo_state_free(&st);
		return -1;
	}
	return wo_end(c, &t_finish, &st, completion);
}

/* ---- creating and editing ---- */

/* Where the work is: the asset's site, or the site given. */
static int wo_place(struct call *c, int64_t asset_id, int64_t *site_id)
{
	PGresult *res;

	if (asset_id != 0) {
		res = db_q(c, "SELECT site_id FROM assets WHERE id = $1", "i", asset_id);
		if (res == NULL)
			return -1;
		if (PQntuples(res) == 0) {
			PQclear(res);
			return call_fail(c, RERR_INVALID, "asset_id", "no asset with id %lld",
			    (long long)asset_id);
		}
		if (*site_id != 0 && !PQgetisnull(res, 0, 0) && *site_id != db_int(res, 0, 0)) {
			PQclear(res);
			return call_fail(c, RERR_INVALID, "site_id", "the asset is not on this site");
		}
		if (!PQgetisnull(res, 0, 0))
			*site_id = db_int(res, 0, 0);
		PQclear(res);
		return 0;
	}
	if (*site_id == 0)
		return call_fail(c, RERR_INVALID, "asset_id", "say where: an asset_id or a site_id");
	res = db_q(c, "SELECT 1 FROM sites WHERE id = $1", "i", *site_id);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_INVALID, "site_id", "no site with id %lld",
		    (long long)*site_id);
	}
	PQclear(res);
	return 0;
}

static int workorder_create(struct call *c)
{
	int64_t service = arg_int(c, "service_id", 0), asset = arg_int(c, "asset_id", 0);
	int64_t site = arg_int(c, "site_id", 0), id;
	const char *start, *end, *target;
	PGresult *res;

	if (!(c->who.roles & ROLE_ADMIN) && !caller_covers_service(&c->who, service))
		return call_fail(c, RERR_FORBIDDEN, "service_id",
		    "only a supervisor of this service may create its work orders");
	if (wo_date_arg(c, "planned_start", &start) != 0 ||
	    wo_date_arg(c, "planned_end", &end) != 0 ||
	    wo_date_arg(c, "target_date", &target) != 0 ||
	    wo_place(c, asset, &site) != 0)
		return -1;
	res = db_q(c, "SELECT kind FROM services WHERE id = $1", "i", service);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0 || strcmp(PQgetvalue(res, 0, 0), "technical") != 0) {
		PQclear(res);
		return call_fail(c, RERR_INVALID, "service_id", "no technical service with id %lld",
		    (long long)service);
	}
	PQclear(res);
	res = db_q(c, "INSERT INTO work_orders (number, type, priority, asset_id, site_id, "
	    "service_id, title, description, planned_start, planned_end, target_date, created_by) "
	    "VALUES (regie_next_number('OT'), $1, $2, $3, $4, $5, $6, $7, $8::date, $9::date, "
	    "$10::date, $11) RETURNING id", "ssIIisssssI", arg_str(c, "type", NULL),
	    arg_str(c, "priority", "normal"), asset, site, service, arg_str(c, "title", NULL),
	    arg_str(c, "description", ""), start, end, target, c->who.user_id);
	if (res == NULL)
		return wo_constraint_error(c);
	id = db_int(res, 0, 0);
	PQclear(res);
	if (wo_timeline(c, id, "status", "planned", NULL) != 0 ||
	    wo_record(c, id, "create", NULL) != 0)
		return -1;
	return wo_answer(c, id);
}

static int workorder_update(struct call *c)
{
	const char *start, *end, *target;
	struct wo_state st;

	if (wo_date_arg(c, "planned_start", &start) != 0 ||
	    wo_date_arg(c, "planned_end", &end) != 0 ||
	    wo_date_arg(c, "target_date", &target) != 0)
		return -1;
	if (wo_begin(c, &t_edit, &st) != 0)
		goto fail;
	if (db_exec(c, "UPDATE work_orders SET title = COALESCE($2, title), "
	    "description = COALESCE($3, description), priority = COALESCE($4, priority), "
	    "type = COALESCE($5, type), planned_start = COALESCE($6::date, planned_start), "
	    "planned_end = COALESCE($7::date, planned_end), "
	    "target_date = COALESCE($8::date, target_date), "
	    "contractor_id = CASE WHEN $9::boolean THEN NULLIF($10::bigint, 0) "
	    "  ELSE contractor_id END, updated = now(), version = version + 1 WHERE id = $1",
	    "isssssssbi", st.id, arg_str(c, "title", NULL), arg_str(c, "description", NULL),
	    arg_str(c, "priority", NULL), arg_str(c, "type", NULL), start, end, target,
	    (int)arg_has(c, "contractor_id"), arg_int(c, "contractor_id", 0)) != 0) {
		wo_constraint_error(c);
		goto fail;
	}
	if (wo_record(c, st.id, "update", st.snapshot) != 0)
		goto fail;
	wo_state_free(&st);
	return wo_answer(c, arg_int(c, "id", 0));
fail:
	wo_state_free(&st);
	return -1;
}

/* ---- assignment ---- */

/* Checks the agent may work on this work order, then adds it (see
 * workorder.h). Returns 1, 0 or -1 as workorder_add_assignee. */
/* Adds one assignee. bump: this is the whole change, so the work order's
 * version goes up here; workorder.assign adds several and bumps once. */
static int wo_assignee_add(struct call *c, const struct wo_state *st, int64_t agent, bool bump)
{
	PGresult *res = db_q(c, "SELECT ag.service_id, ag.active, ag.name, EXISTS (SELECT 1 "
	    "FROM work_order_assignees x WHERE x.work_order_id = $2 AND x.agent_id = ag.id) "
	    "FROM agents ag WHERE ag.id = $1", "ii", agent, st->id);
	char *note, status[16];
	int rc;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0 || PQgetvalue(res, 0, 1)[0] != 't' ||
	    db_int(res, 0, 0) != st->service_id) {
		call_fail(c, RERR_INVALID, "agent_id", PQntuples(res) == 0 ?
		    "no agent with id %lld" : PQgetvalue(res, 0, 1)[0] != 't' ?
		    "agent %lld is no longer active" :
		    "agent %lld is not of the work order's service", (long long)agent);
		PQclear(res);
		return -1;
	}
	if (PQgetvalue(res, 0, 3)[0] == 't') {
		PQclear(res);
		return 0;
	}
	note = xasprintf("%s", PQgetvalue(res, 0, 2));
	PQclear(res);
	res = db_q(c, "WITH x AS (INSERT INTO work_order_assignees (work_order_id, agent_id) "
	    "VALUES ($1, $2)) UPDATE work_orders SET status = CASE status WHEN 'planned' "
	    "THEN 'assigned' ELSE status END, updated = now(), version = version + $3::int "
	    "WHERE id = $1 RETURNING status", "iii", st->id, agent, (int64_t)(bump ? 1 : 0));
	if (res == NULL) {
		free(note);
		return -1;
	}
	xsnprintf(status, sizeof status, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	rc = wo_timeline(c, st->id, "assign", strcmp(status, st->status) != 0 ? status : NULL,
	    note) == 0 && wo_notify_assignees(c, st->id, "assign", agent) == 0 ? 1 : -1;
	free(note);
	return rc;
}

/* The checks every assignment makes before it adds anyone. */
static int wo_assign_check(struct call *c, const struct wo_state *st)
{
	if (!wo_supervises(&c->who, st))
		return call_fail(c, RERR_FORBIDDEN, "work_order_id",
		    "only a supervisor of the work order's service may assign it");
	if (!wo_is_open(st))
		return call_fail(c, RERR_INVALID, "work_order_id", "work order %s is %s: it "
		    "cannot be assigned", st->number, st->status);
	return 0;
}

int workorder_add_assignee(struct call *c, int64_t work_order_id, int64_t agent_id)
{
	struct wo_state st;
	int rc = -1;

	if (wo_lock(c, work_order_id, &st) != 0) {
		if (c->err == RERR_NOT_FOUND)
			call_fail(c, RERR_NOT_FOUND, "work_order_id", "no work order with id %lld",
			    (long long)work_order_id);
		goto out;
	}
	if (wo_assign_check(c, &st) != 0)
		goto out;
	rc = wo_assignee_add(c, &st, agent_id, true);
	if (rc == 1 && wo_record(c, work_order_id, "assign", st.snapshot) != 0)
		rc = -1;
out:
	wo_state_free(&st);
	return rc;
}

/* Whether ids[0..n) holds id. */
static bool wo_ids_have(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++) {
		if (ids[i] == id)
			return true;
	}
	return false;
}

/* The assignees become agent_ids plus the team's active members: those
 * left out are told, the new ones assigned. No one left: planned again. */
static int workorder_assign(struct call *c)
{
	const struct arg *list = arg_get(c, "agent_ids");
	int64_t team = arg_int(c, "team_id", 0), *ids = NULL;
	size_t n = 0;
	struct wo_state st;
	PGresult *res;
	int rc = -1;

	if (wo_begin(c, &t_edit, &st) != 0 || wo_assign_check(c, &st) != 0)
		goto out;
	ids = xcalloc(list->n + 1, sizeof *ids);
	for (size_t i = 0; i < list->n; i++) {
		if (!wo_ids_have(ids, n, list->ids[i]))
			ids[n++] = list->ids[i];
	}
	if (team != 0) {
		res = db_q(c, "SELECT service_id, active FROM teams WHERE id = $1", "i", team);
		if (res == NULL)
			goto out;
		if (PQntuples(res) == 0 || db_int(res, 0, 0) != st.service_id ||
		    PQgetvalue(res, 0, 1)[0] != 't') {
			PQclear(res);
			call_fail(c, RERR_INVALID, "team_id", "no active team with id %lld in the "
			    "work order's service", (long long)team);
			goto out;
		}
		PQclear(res);
		res = db_q(c, "SELECT ag.id FROM agents ag WHERE ag.team_id = $1 AND ag.active "
		    "ORDER BY ag.id", "i", team);
		if (res == NULL)
			goto out;
		ids = xreallocarray(ids, n + (size_t)PQntuples(res) + 1, sizeof *ids);
		for (int i = 0; i < PQntuples(res); i++) {
			if (!wo_ids_have(ids, n, db_int(res, i, 0)))
				ids[n++] = db_int(res, i, 0);
		}
		PQclear(res);
	}
	/* Those no longer on it hear so, then go. */
	res = db_q(c, "WITH gone AS (DELETE FROM work_order_assignees x USING agents ag "
	    "WHERE x.work_order_id = $1 AND ag.id = x.agent_id AND x.agent_id <> ALL ($2::bigint[]) "
	    "RETURNING ag.name, ag.user_id) "
	    "SELECT string_agg(name, ', ' ORDER BY name), count(*), "
	    "count(pg_notify('regie', json_build_object('topic', 'workorder', 'op', 'unassign', "
	    "'id', $1::bigint, 'service', NULL, 'site', NULL, 'owner', user_id, "
	    "'by', $3::bigint)::text)) FILTER (WHERE user_id IS NOT NULL) FROM gone", "iAI",
	    st.id, ids, n, c->who.user_id);
	if (res == NULL)
		goto out;
	if (db_int(res, 0, 1) > 0) {
		char *note = xasprintf("unassigned: %s", PQgetvalue(res, 0, 0));
		int e = wo_timeline(c, st.id, "assign", NULL, note);
		free(note);
		if (e != 0) {
			PQclear(res);
			goto out;
		}
	}
	PQclear(res);
	for (size_t i = 0; i < n; i++) {
		if (wo_assignee_add(c, &st, ids[i], false) < 0)
			goto out;
	}
	res = db_q(c, "UPDATE work_orders w SET team_id = COALESCE($2, team_id), "
	    "status = CASE WHEN status = 'assigned' AND NOT EXISTS (SELECT 1 FROM "
	    "work_order_assignees x WHERE x.work_order_id = w.id) THEN 'planned' ELSE status END, "
	    "updated = now(), version = version + 1 WHERE id = $1 RETURNING status", "iI", st.id,
	    team);
	if (res == NULL)
		goto out;
	if (strcmp(PQgetvalue(res, 0, 0), "planned") == 0 && strcmp(st.status, "assigned") == 0 &&
	    n == 0 && wo_timeline(c, st.id, "status", "planned", NULL) != 0) {
		PQclear(res);
		goto out;
	}
	PQclear(res);
	if (wo_record(c, st.id, "assign", st.snapshot) != 0)
		goto out;
	rc = wo_answer(c, st.id);
out:
	free(ids);
	wo_state_free(&st);
	return rc;
}

#define ID_VERSION \
	{ "id", P_ID, true, 0, 0, NULL }, \
	{ "version", P_INT, true, 1, INT32_MAX, NULL }
const struct method workorder_methods[] = {
	{ "workorder.create", workorder_create, DECIDERS, M_MUTATES,
	  "creates a planned work order for an asset or a site", {
		{ "type", P_CHOICE, true, 0, 0, types },
		{ "priority", P_CHOICE, false, 0, 0, priorities },
		{ "asset_id", P_ID, false, 0, 0, NULL },
		{ "site_id", P_ID, false, 0, 0, NULL },
		{ "service_id", P_ID, true, 0, 0, NULL },
		{ "title", P_STR, true, 1, 200, NULL },
		{ "description", P_STR, false, 0, 4000, NULL },
		{ "planned_start", P_STR, false, 10, 10, NULL },
		{ "planned_end", P_STR, false, 10, 10, NULL },
		{ "target_date", P_STR, false, 10, 10, NULL },
		{ 0 } } },
	{ "workorder.update", workorder_update, DECIDERS, M_MUTATES,
	  "changes an open work order's description, dates or contractor", {
		ID_VERSION,
		{ "title", P_STR, false, 1, 200, NULL },
		{ "description", P_STR, false, 0, 4000, NULL },
		{ "priority", P_CHOICE, false, 0, 0, priorities },
		{ "type", P_CHOICE, false, 0, 0, types },
		{ "planned_start", P_STR, false, 10, 10, NULL },
		{ "planned_end", P_STR, false, 10, 10, NULL },
		{ "target_date", P_STR, false, 10, 10, NULL },
		{ "contractor_id", P_INT, false, 0, INT64_MAX, NULL },
		{ 0 } } },
	{ "workorder.assign", workorder_assign, DECIDERS, M_MUTATES,
	  "sets the assignees (agent_ids, plus a team's active members); planned -> assigned", {
		ID_VERSION,
		{ "agent_ids", P_IDLIST, true, 0, 100, NULL },
		{ "team_id", P_ID, false, 0, 0, NULL },
		{ 0 } } },
	{ "workorder.start", workorder_start, WORKERS, M_MUTATES,
	  "starts the work: planned or assigned -> in_progress", {
		ID_VERSION,
		{ 0 } } },
	{ "workorder.hold", workorder_hold, WORKERS, M_MUTATES,
	  "puts the work on hold, with a reason: in_progress -> on_hold", {
		ID_VERSION,
		{ "reason", P_STR, true, 1, 500, NULL },
		{ 0 } } },
	{ "workorder.resume", workorder_resume, WORKERS, M_MUTATES,
	  "resumes the work: on_hold -> in_progress", {
		ID_VERSION,
		{ 0 } } },
	{ "workorder.finish", workorder_finish, WORKERS, M_MUTATES,
	  "ends the work, with what was found and done: in_progress -> done", {
		ID_VERSION,
		{ "completion", P_STR, false, 0, 4000, NULL },
		{ "problem_id", P_ID, false, 0, 0, NULL },
		{ "cause_id", P_ID, false, 0, 0, NULL },
		{ "remedy_id", P_ID, false, 0, 0, NULL },
		{ 0 } } },
	{ "workorder.reopen", workorder_reopen, DECIDERS, M_MUTATES,
	  "sends done work back: done -> in_progress (the check failed)", {
		ID_VERSION,
		{ "note", P_STR, true, 1, 4000, NULL },
		{ 0 } } },
	{ "workorder.close", workorder_close, DECIDERS, M_MUTATES,
	  "closes done work and freezes its cost: done -> closed", {
		ID_VERSION,
		{ 0 } } },
	{ "workorder.cancel", workorder_cancel, DECIDERS, M_MUTATES,
	  "cancels work not started or on hold, with a reason", {
		ID_VERSION,
		{ "reason", P_STR, true, 1, 4000, NULL },
		{ 0 } } },
	{ 0 }
};
