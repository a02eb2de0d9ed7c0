/* request.*: requests for work (demandes d'intervention) and the
 * validation queue.
 *
 * A request is filed for an asset or a site under a category, which
 * routes it to a service and gives its target date (the category's delay
 * for the urgency, in working days). The service's supervisors decide:
 *
 *	submitted  -> approved | rejected | needs_info | duplicate   (supervisor)
 *	submitted, needs_info -> cancelled                           (requester)
 *	needs_info -> submitted                                      (requester answers)
 *
 * "Supervisor" is a supervisor of the request's service, or an admin;
 * "requester" is the user it was filed for or by, or an admin, and for
 * answers also a referent of its site. Every decision names the version
 * the caller saw: a request someone else changed meanwhile is refused
 * with `conflict`, so two supervisors deciding at once cannot both win.
 * Approving creates the work order in the same transaction.
 *
 * Scope: a caller who is only a referent reads the requests of the
 * sites they cover and those filed for or by them; nothing else exists
 * for them (not_found). Every other role reads all requests. Referents
 * file only for their sites and for themselves; technical staff file for
 * anyone (a phone call).
 *
 * Every change writes a timeline entry (request_events), an audit row
 * and a "request" event scoped by the request's service and site, owned
 * by its requester. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "estate.h"
#include "xmalloc.h"

#define STAFF (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT)
#define DECIDERS (ROLE_ADMIN | ROLE_SUPERVISOR)
#define FILERS (STAFF | ROLE_REFERENT)

static const char *const urgencies[] = { "urgent", "high", "normal", "low", NULL };
static const char *const status_filters[] = {
	"open", "submitted", "approved", "rejected", "needs_info", "duplicate", "cancelled", NULL,
};

/* The request as the API shows it; $1, $2, $3 are the scope (reads all,
 * the caller's sites, the caller). */
#define REQUEST_COLUMNS \
	"r.id, r.number, r.status, r.category_id, c.code AS category, " \
	"c.name AS category_name, r.service_id, s.code AS service_code, " \
	"s.name AS service_name, r.asset_id, a.code AS asset_code, a.name AS asset_name, " \
	"r.site_id, si.code AS site_code, si.name AS site_name, r.description, r.urgency, " \
	"regie_urgency_rank(r.urgency) AS urgency_rank, r.requester_id, r.requester_name, " \
	"r.contact, r.desired_date, r.target_date, " \
	"CASE WHEN r.status IN ('submitted', 'needs_info') " \
	"  THEN r.target_date - current_date END AS days_left, " \
	"r.documents, r.created_by, cb.login AS created_by_login, r.created, r.updated, " \
	"r.decided_by, r.decided, r.reason, r.question, r.duplicate_of, " \
	"d.number AS duplicate_of_number, r.work_order_id, w.number AS work_order_number, " \
	"w.status AS work_order_status, r.version"
#define REQUEST_FROM \
	"requests r JOIN request_categories c ON c.id = r.category_id " \
	"JOIN services s ON s.id = r.service_id " \
	"LEFT JOIN assets a ON a.id = r.asset_id LEFT JOIN sites si ON si.id = r.site_id " \
	"LEFT JOIN users cb ON cb.id = r.created_by " \
	"LEFT JOIN requests d ON d.id = r.duplicate_of " \
	"LEFT JOIN work_orders w ON w.id = r.work_order_id"
#define REQUEST_SCOPE \
	"($1::boolean OR r.site_id = ANY ($2::bigint[]) OR r.requester_id = $3 " \
	"OR r.created_by = $3)"

/* ---- reads ---- */

/* The request with its timeline, or NULL after failing the call. */
static struct rv *request_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " REQUEST_COLUMNS " FROM " REQUEST_FROM " WHERE "
	    REQUEST_SCOPE " AND r.id = $4", "bAii", estate_reads_all(&c->who), c->who.sites,
	    c->who.nsites, c->who.user_id, id);
	struct rv *request;

	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 0) {
		PQclear(res);
		call_fail(c, RERR_NOT_FOUND, "id", "no request with id %lld", (long long)id);
		return NULL;
	}
	request = db_row(res, 0);
	PQclear(res);
	res = db_q(c, "SELECT e.id, e.at, e.user_id, u.login AS user_login, u.name AS user_name, "
	    "e.kind, e.status, e.note, e.ref FROM request_events e "
	    "LEFT JOIN users u ON u.id = e.user_id WHERE e.request_id = $1 ORDER BY e.id",
	    "i", id);
	if (res == NULL) {
		rv_free(request);
		return NULL;
	}
	rv_set(request, "timeline", db_rows(res));
	PQclear(res);
	res = db_q(c, "SELECT id, number, status FROM requests WHERE duplicate_of = $1 "
	    "ORDER BY id", "i", id);
	if (res == NULL) {
		rv_free(request);
		return NULL;
	}
	rv_set(request, "duplicates", db_rows(res));
	PQclear(res);
	return request;
}

static int request_get(struct call *c)
{
	struct rv *request = request_load(c, arg_int(c, "id", 0));

	return request ? call_ok(c, request) : -1;
}

/* A list newest first, paged on the id. */
static int request_list(struct call *c)
{
	const char *value, *query = arg_str(c, "query", NULL);
	int64_t limit = arg_int(c, "limit", 50), after = 0;
	char *pattern = query ? estate_like_escape(query) : NULL;
	PGresult *res;
	struct rv *r;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after, &value) != 0) {
		free(pattern);
		return -1;
	}
	res = db_q(c, "SELECT " REQUEST_COLUMNS " FROM " REQUEST_FROM " WHERE " REQUEST_SCOPE
	    " AND (CASE $4::text WHEN 'open' THEN r.status IN ('submitted', 'needs_info')"
	    "  ELSE $4 IS NULL OR r.status = $4 END)"
	    " AND ($5::bigint IS NULL OR r.service_id = $5)"
	    " AND ($6::bigint IS NULL OR r.site_id = $6)"
	    " AND ($7::bigint IS NULL OR r.asset_id = $7)"
	    " AND ($8::bigint IS NULL OR r.category_id = $8)"
	    " AND ($9::text IS NULL OR r.urgency = $9)"
	    " AND ($10::bigint IS NULL OR r.requester_id = $10)"
	    " AND ($11::text IS NULL OR r.number ILIKE '%' || $11 || '%'"
	    "  OR regie_fold(r.description) LIKE '%' || regie_fold($11) || '%')"
	    " AND ($12::bigint IS NULL OR r.id < $12)"
	    " ORDER BY r.id DESC LIMIT $13", "bAisIIIIsIsIi", estate_reads_all(&c->who),
	    c->who.sites, c->who.nsites, c->who.user_id, arg_str(c, "status", NULL),
	    arg_int(c, "service_id", 0), arg_int(c, "site_id", 0), arg_int(c, "asset_id", 0),
	    arg_int(c, "category_id", 0), arg_str(c, "urgency", NULL),
	    arg_int(c, "requester_id", 0), pattern, after, limit + 1);
	free(pattern);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, 0, NULL);
	PQclear(res);
	return call_ok(c, r);
}

/* What the caller filed, or had filed for them. */
static int request_mine(struct call *c)
{
	const char *value;
	int64_t limit = arg_int(c, "limit", 50), after = 0;
	PGresult *res;
	struct rv *r;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after, &value) != 0)
		return -1;
	res = db_q(c, "SELECT " REQUEST_COLUMNS " FROM " REQUEST_FROM
	    " WHERE (r.requester_id = $1 OR r.created_by = $1)"
	    " AND (CASE $2::text WHEN 'open' THEN r.status IN ('submitted', 'needs_info')"
	    "  ELSE $2 IS NULL OR r.status = $2 END)"
	    " AND ($3::bigint IS NULL OR r.id < $3) ORDER BY r.id DESC LIMIT $4", "isIi",
	    c->who.user_id, arg_str(c, "status", NULL), after, limit + 1);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, 0, NULL);
	PQclear(res);
	return call_ok(c, r);
}

/* What waits for a decision in the caller's services (an admin's: in
 * all, or in service_id): most urgent first, then oldest. */
static int request_queue(struct call *c)
{
	int64_t limit = arg_int(c, "limit", 100), service = arg_int(c, "service_id", 0);
	int64_t after_id = 0;
	bool all = (c->who.roles & ROLE_ADMIN) != 0;
	const char *rank = NULL;
	PGresult *res;
	struct rv *r;

	if (service != 0 && !all && !caller_covers_service(&c->who, service))
		return call_fail(c, RERR_FORBIDDEN, "service_id",
		    "you do not supervise this service");
	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after_id, &rank) != 0)
		return -1;
	res = db_q(c, "SELECT " REQUEST_COLUMNS ", r.target_date < current_date AS overdue, "
	    "EXISTS (SELECT 1 FROM request_events e WHERE e.request_id = r.id "
	    "  AND e.kind = 'answer') AS answered "
	    "FROM " REQUEST_FROM " WHERE r.status = 'submitted' "
	    "AND ($1::boolean OR r.service_id = ANY ($2::bigint[])) "
	    "AND ($3::bigint IS NULL OR r.service_id = $3) "
	    "AND ($4::bigint IS NULL OR (regie_urgency_rank(r.urgency), r.id) > "
	    "  (NULLIF($5, '')::integer, $4)) "
	    "ORDER BY regie_urgency_rank(r.urgency), r.id LIMIT $6", "bAIIsi", all,
	    c->who.services, c->who.nservices, service, after_id, rank, limit + 1);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, PQfnumber(res, "urgency_rank"), NULL);
	PQclear(res);
	return call_ok(c, r);
}

/* ---- changes ---- */

/* What a change needs to know of a request, read under lock. */
struct request_state {
	int64_t id, version, service_id, site_id, asset_id, requester_id, created_by;
	char status[16];
	char number[32];
	char *snapshot;              /* JSON, the audit's "before" */
};

static void request_state_free(struct request_state *st)
{
	free(st->snapshot);
	memset(st, 0, sizeof *st);
}

static int64_t request_owner(const struct request_state *st)
{
	return st->requester_id != 0 ? st->requester_id : st->created_by;
}

/* Locks the request; not_found when the caller cannot see it. */
static int request_lock(struct call *c, int64_t id, struct request_state *st)
{
	PGresult *res = db_q(c, "SELECT request_snapshot(r.id)::text, r.version, r.service_id, "
	    "r.site_id, r.asset_id, r.requester_id, r.created_by, r.status, r.number "
	    "FROM requests r WHERE " REQUEST_SCOPE " AND r.id = $4 FOR UPDATE", "bAii",
	    estate_reads_all(&c->who), c->who.sites, c->who.nsites, c->who.user_id, id);

	memset(st, 0, sizeof *st);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, "id", "no request with id %lld", (long long)id);
	}
	st->id = id;
	st->snapshot = xstrdup(PQgetvalue(res, 0, 0));
	st->version = db_int(res, 0, 1);
	st->service_id = db_int(res, 0, 2);
	st->site_id = db_int(res, 0, 3);
	st->asset_id = db_int(res, 0, 4);
	st->requester_id = db_int(res, 0, 5);
	st->created_by = db_int(res, 0, 6);
	xsnprintf(st->status, sizeof st->status, "%s", PQgetvalue(res, 0, 7));
	xsnprintf(st->number, sizeof st->number, "%s", PQgetvalue(res, 0, 8));
	PQclear(res);
	return 0;
}

/* Who may make a transition. */
enum actor {
	BY_SUPERVISOR,               /* of the request's service, or an admin */
	BY_REQUESTER,                /* filed for or by them, or an admin */
	BY_REQUESTER_OR_SITE,        /* the same, or a referent of its site */
};

struct transition {
	const char *op;              /* the event's op and the audit's */
	const char *from[3];         /* the statuses it leaves, NULL-ended */
	const char *to;
	enum actor actor;
};

static const struct transition
	t_approve = { "approve", { "submitted", NULL }, "approved", BY_SUPERVISOR },
	t_reject = { "reject", { "submitted", NULL }, "rejected", BY_SUPERVISOR },
	t_needs_info = { "needs_info", { "submitted", NULL }, "needs_info", BY_SUPERVISOR },
	t_duplicate = { "duplicate", { "submitted", NULL }, "duplicate", BY_SUPERVISOR },
	t_cancel = { "cancel", { "submitted", "needs_info", NULL }, "cancelled", BY_REQUESTER },
	t_answer = { "answer", { "needs_info", NULL }, "submitted", BY_REQUESTER_OR_SITE },
	/* Changes that keep the state: "to" only names them in refusals. */
	t_update = { "update", { "submitted", "needs_info", NULL }, "an edit", BY_REQUESTER },
	t_reroute = { "reroute", { "submitted", "needs_info", NULL }, "another service",
	    BY_SUPERVISOR };

static bool request_may(const struct caller *w, const struct request_state *st,
    enum actor actor)
{
	bool requester = w->user_id == st->requester_id || w->user_id == st->created_by;

	if (w->roles & ROLE_ADMIN)
		return true;
	switch (actor) {
	case BY_SUPERVISOR:
		return (w->roles & ROLE_SUPERVISOR) && caller_covers_service(w, st->service_id);
	case BY_REQUESTER:
		return requester;
	case BY_REQUESTER_OR_SITE:
		return requester || ((w->roles & ROLE_REFERENT) && st->site_id != 0 &&
		    caller_covers_site(w, st->site_id));
	}
	return false;
}

/* Locks the request and checks, in this order, that the caller sees it,
 * may make this transition, saw the current version and that the
 * request is in a state the transition leaves. */
static int request_begin(struct call *c, int64_t id, int64_t version,
    const struct transition *t, struct request_state *st)
{
	bool from = false;

	if (request_lock(c, id, st) != 0)
		return -1;
	if (!request_may(&c->who, st, t->actor))
		return call_fail(c, RERR_FORBIDDEN, NULL, t->actor == BY_SUPERVISOR ?
		    "only a supervisor of the service this request is routed to may decide on it" :
		    "only the requester may do this");
	if (version != st->version)
		return call_fail(c, RERR_CONFLICT, "version", "someone else changed request %s "
		    "(now version %lld); reload and try again", st->number, (long long)st->version);
	for (int i = 0; t->from[i] != NULL; i++)
		from |= strcmp(t->from[i], st->status) == 0;
	if (!from)
		return call_fail(c, RERR_CONFLICT, "id", "request %s is %s: it cannot go to %s",
		    st->number, st->status, t->to);
	return 0;
}

static int request_event(struct call *c, int64_t id, const char *kind, const char *status,
    const char *note, const char *ref)
{
	return db_exec(c, "INSERT INTO request_events (request_id, user_id, kind, status, note, "
	    "ref) VALUES ($1, $2, $3, $4, $5, $6)", "iIssss", id, c->who.user_id, kind, status,
	    note != NULL ? note : "", ref);
}

/* Audits and announces the change; with_work_order adds the work order
 * approving made to the audit's "after". */
static int request_record(struct call *c, int64_t id, const char *op, const char *before,
    bool with_work_order)
{
	PGresult *res = db_q(c, "SELECT (request_snapshot(r.id) || CASE WHEN $2 THEN "
	    "jsonb_build_object('work_order', work_order_snapshot(r.work_order_id)) "
	    "ELSE '{}' END)::text, r.service_id, r.site_id, COALESCE(r.requester_id, r.created_by) "
	    "FROM requests r WHERE r.id = $1", "ib", id, with_work_order);
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "request", id, op, before, PQgetvalue(res, 0, 0), db_int(res, 0, 1),
	    db_int(res, 0, 2), db_int(res, 0, 3));
	PQclear(res);
	return rc;
}

static int request_answer_with(struct call *c, int64_t id)
{
	struct rv *request = request_load(c, id);

	return request ? call_ok(c, request) : -1;
}

/* The database refused a value: name the field it belongs to. */
static int request_constraint_error(struct call *c)
{
	static const struct { const char *constraint, *field, *message; } known[] = {
		{ "requests_requester_id_fkey", "requester_id", "no such user" },
		{ "requests_category_id_fkey", "category_id", "no such category" },
		{ "work_orders_service_id_fkey", "service_id", "no such service" },
		{ "requests_service_id_fkey", "service_id", "no such service" },
		{ "work_orders_planned_check", "planned_end",
		  "planned_end must not be before planned_start" },
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strstr(c->err_message, known[i].constraint) != NULL) {
			enum rerr code = c->err;
			return call_fail(c, code, known[i].field, "%s", known[i].message);
		}
	}
	return -1;
}

/* A date parameter: YYYY-MM-DD, or NULL when not given. */
static int request_date_arg(struct call *c, const char *name, const char **out)
{
	*out = arg_str(c, name, NULL);
	if (*out != NULL && !estate_date_ok(*out))
		return call_fail(c, RERR_INVALID, name, "%s must be a date such as 2026-11-28", name);
	return 0;
}

/* Where the request is: the asset's site, or the site given. Checks
 * that the caller sees them and, for a referent filing, covers it. */
static int request_place(struct call *c, int64_t asset_id, int64_t *site_id)
{
	bool all = estate_reads_all(&c->who);
	PGresult *res;

	if (asset_id != 0) {
		res = db_q(c, "SELECT a.site_id, a.status FROM assets a WHERE a.id = $1 "
		    "AND ($2::boolean OR a.site_id = ANY ($3::bigint[]))", "ibA", asset_id, all,
		    c->who.sites, c->who.nsites);
		if (res == NULL)
			return -1;
		if (PQntuples(res) == 0) {
			PQclear(res);
			return call_fail(c, RERR_INVALID, "asset_id", "no asset with id %lld",
			    (long long)asset_id);
		}
		if (strcmp(PQgetvalue(res, 0, 1), "disposed") == 0) {
			PQclear(res);
			return call_fail(c, RERR_INVALID, "asset_id", "this asset is disposed");
		}
		if (*site_id != 0 && *site_id != db_int(res, 0, 0)) {
			PQclear(res);
			return call_fail(c, RERR_INVALID, "site_id", "the asset is not on this site");
		}
		*site_id = db_int(res, 0, 0);
		PQclear(res);
	} else if (*site_id != 0) {
		res = db_q(c, "SELECT 1 FROM sites WHERE id = $1 AND ($2::boolean OR "
		    "id = ANY ($3::bigint[]))", "ibA", *site_id, all, c->who.sites, c->who.nsites);
		if (res == NULL)
			return -1;
		if (PQntuples(res) == 0) {
			PQclear(res);
			return call_fail(c, RERR_INVALID, "site_id", "no site with id %lld",
			    (long long)*site_id);
		}
		PQclear(res);
	} else {
		return call_fail(c, RERR_INVALID, "asset_id", "say where: an asset_id or a site_id");
	}
	if (!(c->who.roles & STAFF) && (*site_id == 0 || !caller_covers_site(&c->who, *site_id)))
		return call_fail(c, RERR_FORBIDDEN, "site_id",
		    "you may file requests only for the sites you cover");
	return 0;
}

static int request_submit(struct call *c)
{
	int64_t category = arg_int(c, "category_id", 0), asset_id = arg_int(c, "asset_id", 0);
	int64_t site_id = arg_int(c, "site_id", 0), requester = arg_int(c, "requester_id", 0);
	const char *desired, *urgency = arg_str(c, "urgency", "normal");
	const struct arg *docs = arg_get(c, "documents");
	PGresult *res;
	int64_t id;

	if (request_date_arg(c, "desired_date", &desired) != 0)
		return -1;
	if (requester != 0 && requester != c->who.user_id && !(c->who.roles & STAFF))
		return call_fail(c, RERR_FORBIDDEN, "requester_id",
		    "only technical staff may file a request on someone else's behalf");
	if (!(c->who.roles & STAFF) && arg_has(c, "requester_name"))
		return call_fail(c, RERR_FORBIDDEN, "requester_name",
		    "only technical staff may file a request on someone else's behalf");
	res = db_q(c, "SELECT service_id, active, name FROM request_categories WHERE id = $1",
	    "i", category);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0 || PQgetvalue(res, 0, 1)[0] != 't') {
		PQclear(res);
		return call_fail(c, RERR_INVALID, "category_id", "no such category");
	}
	if (PQgetisnull(res, 0, 0)) {
		call_fail(c, RERR_INVALID, "category_id", "the category \"%s\" is not routed to a "
		    "service yet: an admin must choose its service (category.update)",
		    PQgetvalue(res, 0, 2));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	if (desired != NULL) {
		res = db_q(c, "SELECT $1::date < current_date", "s", desired);
		if (res == NULL)
			return -1;
		if (PQgetvalue(res, 0, 0)[0] == 't') {
			PQclear(res);
			return call_fail(c, RERR_INVALID, "desired_date",
			    "desired_date must not be in the past");
		}
		PQclear(res);
	}
	if (request_place(c, asset_id, &site_id) != 0)
		return -1;
	/* Filed by staff for an outside caller (requester_name alone), the
	 * request has no requester user: its author follows it. */
	if (requester == 0 && !arg_has(c, "requester_name"))
		requester = c->who.user_id;
	res = db_q(c, "INSERT INTO requests (number, category_id, service_id, asset_id, site_id, "
	    "description, urgency, requester_id, requester_name, contact, desired_date, "
	    "target_date, documents, created_by) "
	    "SELECT regie_next_number('DI'), cat.id, cat.service_id, $2, $3, $4, $5, $6, "
	    "COALESCE($7, (SELECT name FROM users WHERE id = $6), '?'), $8, $9::date, "
	    "regie_add_working_days(current_date, regie_category_delay(cat.id, $5)), $10, $11 "
	    "FROM request_categories cat WHERE cat.id = $1 RETURNING id", "iIIssIsssSi",
	    category, asset_id, site_id, arg_str(c, "description", NULL), urgency, requester,
	    arg_str(c, "requester_name", NULL), arg_str(c, "contact", ""), desired,
	    docs->strs, docs->n, c->who.user_id);
	if (res == NULL)
		return request_constraint_error(c);
	id = db_int(res, 0, 0);
	PQclear(res);
	if (request_event(c, id, "status", "submitted", "", NULL) != 0 ||
	    request_record(c, id, "submit", NULL, false) != 0)
		return -1;
	return request_answer_with(c, id);
}

/* ---- decisions ---- */

/* The approval of one request: the work order, with what the request
 * said, then the request approved and linked to it. */
struct approval {
	int64_t service_id;          /* 0: the request's */
	const char *priority;        /* NULL: from the urgency */
	const char *planned_start, *planned_end, *title, *note;
};

static int request_do_approve(struct call *c, int64_t id, int64_t version,
    const struct approval *ap)
{
	struct request_state st;
	PGresult *res;
	int64_t wo;
	int rc = -1;

	if (request_begin(c, id, version, &t_approve, &st) != 0)
		goto out;
	if (ap->service_id != 0) {
		res = db_q(c, "SELECT kind FROM services WHERE id = $1", "i", ap->service_id);
		if (res == NULL)
			goto out;
		if (PQntuples(res) == 0 || strcmp(PQgetvalue(res, 0, 0), "technical") != 0) {
			PQclear(res);
			call_fail(c, RERR_INVALID, "service_id", "no technical service with id %lld",
			    (long long)ap->service_id);
			goto out;
		}
		PQclear(res);
	}
	res = db_q(c, "INSERT INTO work_orders (number, type, status, priority, asset_id, site_id, "
	    "service_id, title, description, request_id, planned_start, planned_end, target_date, "
	    "created_by) SELECT regie_next_number('OT'), 'corrective', 'planned', "
	    "COALESCE($2, r.urgency), r.asset_id, r.site_id, COALESCE($3, r.service_id), "
	    "COALESCE($4, left(c.name || ' — ' || COALESCE(a.name, si.name), 200)), "
	    "r.description, r.id, $5::date, $6::date, r.target_date, $7 "
	    "FROM requests r JOIN request_categories c ON c.id = r.category_id "
	    "LEFT JOIN assets a ON a.id = r.asset_id LEFT JOIN sites si ON si.id = r.site_id "
	    "WHERE r.id = $1 RETURNING id, number, service_id", "isIsssI", id, ap->priority,
	    ap->service_id, ap->title, ap->planned_start, ap->planned_end, c->who.user_id);
	if (res == NULL) {
		request_constraint_error(c);
		goto out;
	}
	wo = db_int(res, 0, 0);
	/* Whoever plans the new work order hears of it (once its module
	 * names the topic). */
	if (db_exec(c, "UPDATE requests SET status = 'approved', work_order_id = $2, "
	    "decided_by = $3, decided = now(), updated = now(), version = version + 1 "
	    "WHERE id = $1", "iiI", id, wo, c->who.user_id) != 0 ||
	    request_event(c, id, "status", "approved", ap->note, PQgetvalue(res, 0, 1)) != 0 ||
	    db_exec(c, "SELECT pg_notify('regie', json_build_object('topic', 'workorder', "
	        "'op', 'create', 'id', $1::bigint, 'service', $2::bigint, 'site', $3::bigint, "
	        "'owner', NULL, 'by', $4::bigint)::text)", "iiII", wo, db_int(res, 0, 2),
	        st.site_id, c->who.user_id) != 0) {
		PQclear(res);
		goto out;
	}
	PQclear(res);
	rc = request_record(c, id, t_approve.op, st.snapshot, true);
out:
	request_state_free(&st);
	return rc;
}

static int request_do_reject(struct call *c, int64_t id, int64_t version, const char *reason)
{
	struct request_state st;
	int rc = -1;

	if (request_begin(c, id, version, &t_reject, &st) != 0)
		goto out;
	if (db_exec(c, "UPDATE requests SET status = 'rejected', reason = $2, decided_by = $3, "
	    "decided = now(), updated = now(), version = version + 1 WHERE id = $1", "isI", id,
	    reason, c->who.user_id) != 0 ||
	    request_event(c, id, "status", "rejected", reason, NULL) != 0)
		goto out;
	rc = request_record(c, id, t_reject.op, st.snapshot, false);
out:
	request_state_free(&st);
	return rc;
}

static int request_approve(struct call *c)
{
	struct approval ap = {
		.service_id = arg_int(c, "service_id", 0),
		.priority = arg_str(c, "priority", NULL),
		.title = arg_str(c, "title", NULL),
		.note = arg_str(c, "note", ""),
	};
	int64_t id = arg_int(c, "id", 0);

	if (request_date_arg(c, "planned_start", &ap.planned_start) != 0 ||
	    request_date_arg(c, "planned_end", &ap.planned_end) != 0 ||
	    request_do_approve(c, id, arg_int(c, "version", 0), &ap) != 0)
		return -1;
	return request_answer_with(c, id);
}

static int request_reject(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);

	if (request_do_reject(c, id, arg_int(c, "version", 0), arg_str(c, "reason", NULL)) != 0)
		return -1;
	return request_answer_with(c, id);
}

static int request_needs_info(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	const char *question = arg_str(c, "question", NULL);
	struct request_state st;
	int rc = -1;

	if (request_begin(c, id, arg_int(c, "version", 0), &t_needs_info, &st) != 0)
		goto out;
	if (db_exec(c, "UPDATE requests SET status = 'needs_info', question = $2, decided_by = $3, "
	    "decided = now(), updated = now(), version = version + 1 WHERE id = $1", "isI", id,
	    question, c->who.user_id) != 0 ||
	    request_event(c, id, "question", "needs_info", question, NULL) != 0 ||
	    request_record(c, id, t_needs_info.op, st.snapshot, false) != 0)
		goto out;
	rc = request_answer_with(c, id);
out:
	request_state_free(&st);
	return rc;
}

static int request_answer(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	const char *answer = arg_str(c, "answer", NULL);
	const struct arg *docs = arg_get(c, "documents");
	struct request_state st;
	int rc = -1;

	if (request_begin(c, id, arg_int(c, "version", 0), &t_answer, &st) != 0)
		goto out;
	/* Back in the queue, as a decision is still due; the decision that
	 * asked is undone. */
	if (db_exec(c, "UPDATE requests SET status = 'submitted', decided_by = NULL, decided = NULL, "
	    "documents = documents || $2::text[], updated = now(), version = version + 1 "
	    "WHERE id = $1", "iS", id, docs->strs, docs->n) != 0) {
		request_constraint_error(c);
		goto out;
	}
	if (request_event(c, id, "answer", "submitted", answer, NULL) != 0 ||
	    request_record(c, id, t_answer.op, st.snapshot, false) != 0)
		goto out;
	rc = request_answer_with(c, id);
out:
	request_state_free(&st);
	return rc;
}

static int request_duplicate(struct call *c)
{
	int64_t id = arg_int(c, "id", 0), original = arg_int(c, "original_id", 0);
	struct request_state st;
	PGresult *res;
	int rc = -1;

	if (request_begin(c, id, arg_int(c, "version", 0), &t_duplicate, &st) != 0)
		goto out;
	if (original == id) {
		call_fail(c, RERR_INVALID, "original_id", "a request cannot duplicate itself");
		goto out;
	}
	res = db_q(c, "SELECT number, status FROM requests WHERE id = $1", "i", original);
	if (res == NULL)
		goto out;
	if (PQntuples(res) == 0 || strcmp(PQgetvalue(res, 0, 1), "duplicate") == 0) {
		call_fail(c, RERR_INVALID, "original_id", "%s", PQntuples(res) == 0 ?
		    "no such request" : "that request is itself a duplicate: name its original");
		PQclear(res);
		goto out;
	}
	if (db_exec(c, "UPDATE requests SET status = 'duplicate', duplicate_of = $2, "
	    "decided_by = $3, decided = now(), updated = now(), version = version + 1 "
	    "WHERE id = $1", "iiI", id, original, c->who.user_id) != 0 ||
	    request_event(c, id, "status", "duplicate", arg_str(c, "note", ""),
	        PQgetvalue(res, 0, 0)) != 0) {
		PQclear(res);
		goto out;
	}
	PQclear(res);
	if (request_record(c, id, t_duplicate.op, st.snapshot, false) != 0)
		goto out;
	rc = request_answer_with(c, id);
out:
	request_state_free(&st);
	return rc;
}

static int request_cancel(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	const char *note = arg_str(c, "note", "");
	struct request_state st;
	int rc = -1;

	if (request_begin(c, id, arg_int(c, "version", 0), &t_cancel, &st) != 0)
		goto out;
	if (db_exec(c, "UPDATE requests SET status = 'cancelled', updated = now(), "
	    "version = version + 1 WHERE id = $1", "i", id) != 0 ||
	    request_event(c, id, "status", "cancelled", note, NULL) != 0 ||
	    request_record(c, id, t_cancel.op, st.snapshot, false) != 0)
		goto out;
	rc = request_answer_with(c, id);
out:
	request_state_free(&st);
	return rc;
}

/* A comment changes nothing of the request (nor its version): it goes
 * on the timeline, and to the audit log as its own "after". */
static int request_comment(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	struct request_state st;
	PGresult *res;
	int rc = -1;

	if (request_lock(c, id, &st) != 0)
		goto out;
	res = db_q(c, "INSERT INTO request_events (request_id, user_id, kind, note) "
	    "VALUES ($1, $2, 'comment', $3) RETURNING json_build_object('comment', "
	    "json_build_object('id', id, 'request_id', request_id, 'note', note))::text",
	    "iIs", id, c->who.user_id, arg_str(c, "note", NULL));
	if (res == NULL)
		goto out;
	rc = db_change(c, "request", id, "comment", NULL, PQgetvalue(res, 0, 0), st.service_id,
	    st.site_id, request_owner(&st));
	PQclear(res);
	if (rc == 0)
		rc = request_answer_with(c, id);
out:
	request_state_free(&st);
	return rc;
}

/* ---- changes after filing ---- */

/* The requester corrects what they said while it waits: description,
 * urgency (the target date follows: the new delay from the filing day),
 * contact, desired date. The timeline names the fields changed. */
static int request_update(struct call *c)
{
	static const char *const fields[] = { "description", "urgency", "contact",
	    "desired_date" };
	int64_t id = arg_int(c, "id", 0);
	const char *desired;
	struct request_state st;
	char changed[128] = "";
	int rc = -1;

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (arg_has(c, fields[i]))
			xsnprintf(changed + strlen(changed), sizeof changed - strlen(changed),
			    "%s%s", *changed != '\0' ? ", " : "", fields[i]);
	}
	if (*changed == '\0')
		return call_fail(c, RERR_INVALID, NULL, "nothing to change: give description, "
		    "urgency, contact or desired_date");
	if (request_date_arg(c, "desired_date", &desired) != 0)
		return -1;
	if (request_begin(c, id, arg_int(c, "version", 0), &t_update, &st) != 0)
		goto out;
	if (desired != NULL) {
		PGresult *res = db_q(c, "SELECT $1::date < current_date", "s", desired);

		if (res == NULL)
			goto out;
		if (PQgetvalue(res, 0, 0)[0] == 't') {
			PQclear(res);
			call_fail(c, RERR_INVALID, "desired_date", "desired_date must not be in the past");
			goto out;
		}
		PQclear(res);
	}
	if (db_exec(c, "UPDATE requests SET description = COALESCE($2, description), "
	    "urgency = COALESCE($3, urgency), contact = COALESCE($4, contact), "
	    "desired_date = COALESCE($5::date, desired_date), "
	    "target_date = CASE WHEN $3 IS NULL THEN target_date ELSE "
	    "  regie_add_working_days(created::date, regie_category_delay(category_id, $3)) END, "
	    "updated = now(), version = version + 1 WHERE id = $1", "issss", id,
	    arg_str(c, "description", NULL), arg_str(c, "urgency", NULL),
	    arg_str(c, "contact", NULL), desired) != 0 ||
	    request_event(c, id, "update", st.status, changed, NULL) != 0 ||
	    request_record(c, id, t_update.op, st.snapshot, false) != 0)
		goto out;
	rc = request_answer_with(c, id);
out:
	request_state_free(&st);
	return rc;
}

/* A supervisor sends a request that is not theirs to another service
 * before anyone decides. Both queues hear of it: the new one by the
 * change's own event, the old one by a second event in its name. */
static int request_reroute(struct call *c)
{
	int64_t id = arg_int(c, "id", 0), service = arg_int(c, "service_id", 0);
	struct request_state st;
	PGresult *res;
	int rc = -1;

	if (request_begin(c, id, arg_int(c, "version", 0), &t_reroute, &st) != 0)
		goto out;
	if (service == st.service_id) {
		call_fail(c, RERR_INVALID, "service_id", "request %s is already routed to this "
		    "service", st.number);
		goto out;
	}
	res = db_q(c, "UPDATE requests r SET service_id = $2, updated = now(), "
	    "version = r.version + 1 FROM services s WHERE r.id = $1 AND s.id = $2 "
	    "RETURNING s.code", "ii", id, service);
	if (res == NULL)
		goto out;
	if (PQntuples(res) == 0) {
		PQclear(res);
		call_fail(c, RERR_INVALID, "service_id", "no such service");
		goto out;
	}
	if (request_event(c, id, "reroute", st.status, arg_str(c, "note", ""),
	    PQgetvalue(res, 0, 0)) != 0) {
		PQclear(res);
		goto out;
	}
	PQclear(res);
	if (request_record(c, id, t_reroute.op, st.snapshot, false) != 0 ||
	    db_exec(c, "SELECT pg_notify('regie', json_build_object('topic', 'request', "
	    "'op', 'reroute', 'id', $1::bigint, 'service', $2::bigint, 'site', $3::bigint, "
	    "'owner', $4::bigint, 'by', $5::bigint)::text)", "iIIIi", id, st.service_id,
	    st.site_id, request_owner(&st), c->who.user_id) != 0)
		goto out;
	rc = request_answer_with(c, id);
out:
	request_state_free(&st);
	return rc;
}

/* ---- bulk decisions ---- */

static bool savepoint(struct call *c, const char *sql)
{
	PGresult *res = PQexec(c->db, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	PQclear(res);
	if (!ok)
		call_fail(c, RERR_UNAVAILABLE, NULL, "the database refused a savepoint; try again");
	return ok;
}

struct bulk_item {
	int64_t id, version;
	size_t pos;                  /* in the caller's list */
};

static int bulk_item_cmp(const void *a, const void *b)
{
	const struct bulk_item *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* One item's outcome, after its own savepoint. Returns the item's
 * result, or NULL when the whole call must fail (its error is set). */
static struct rv *bulk_one(struct call *c, bool approve, const struct bulk_item *it,
    const struct approval *ap, bool *ok)
{
	struct rv *one = rv_map();
	int rc;

	rv_set_int(one, "id", it->id);
	if (!savepoint(c, "SAVEPOINT item"))
		goto fail;
	rc = approve ? request_do_approve(c, it->id, it->version, ap) :
	    request_do_reject(c, it->id, it->version, arg_str(c, "reason", NULL));
	if (rc == 0) {
		PGresult *res = db_q(c, "SELECT r.number, r.status, r.version, w.id, w.number "
		    "FROM requests r LEFT JOIN work_orders w ON w.id = r.work_order_id "
		    "WHERE r.id = $1", "i", it->id);
		if (res == NULL)
			goto fail;
		rv_set_bool(one, "ok", true);
		rv_set_str(one, "number", PQgetvalue(res, 0, 0));
		rv_set_str(one, "status", PQgetvalue(res, 0, 1));
		rv_set_int(one, "version", db_int(res, 0, 2));
		if (approve) {
			rv_set_int(one, "work_order_id", db_int(res, 0, 3));
			rv_set_str(one, "work_order_number", PQgetvalue(res, 0, 4));
		}
		PQclear(res);
		if (!savepoint(c, "RELEASE SAVEPOINT item"))
			goto fail;
		*ok = true;
		return one;
	}
	/* A serialization failure or a deadlock is the whole call's to
	 * retry, not this item's to report. */
	if (rerr_sqlstate_retryable(c->sqlstate) || c->err == RERR_UNAVAILABLE)
		goto fail;
	rv_set_bool(one, "ok", false);
	rv_set(one, "error", rerr_make(c->err, c->err_field[0] ? c->err_field : NULL, "%s",
	    c->err_message));
	c->err = RERR_OK;
	c->err_field[0] = c->err_message[0] = c->sqlstate[0] = '\0';
	if (!savepoint(c, "ROLLBACK TO SAVEPOINT item"))
		goto fail;
	*ok = false;
	return one;
fail:
	rv_free(one);
	return NULL;
}

/* Each request decided on its own (a savepoint each), so one refusal
 * leaves the others done; the result says, item by item and in the
 * caller's order, what became of each. With all_or_nothing, one refusal
 * undoes them all and the others say "skipped". Requests are locked in
 * id order, so two bulk calls cannot deadlock on each other. */
static int request_bulk(struct call *c, bool approve)
{
	const struct arg *ids = arg_get(c, "ids"), *versions = arg_get(c, "versions");
	bool all_or_nothing = arg_bool(c, "all_or_nothing", false);
	struct approval ap = { .note = approve ? arg_str(c, "note", "") : NULL };
	struct bulk_item *items;
	struct rv **out, *results, *r;
	size_t n = ids->n, done = 0, failed = 0;
	int rc = -1;

	if (versions->n != n)
		return call_fail(c, RERR_INVALID, "versions",
		    "versions must give one version for each of ids, in the same order");
	items = xcalloc(n + 1, sizeof *items);
	out = xcalloc(n + 1, sizeof *out);
	for (size_t i = 0; i < n; i++)
		items[i] = (struct bulk_item){ ids->ids[i], versions->ids[i], i };
	qsort(items, n, sizeof *items, bulk_item_cmp);
	for (size_t i = 1; i < n; i++) {
		if (items[i].id == items[i - 1].id) {
			call_fail(c, RERR_INVALID, "ids", "request %lld is listed twice",
			    (long long)items[i].id);
			goto out;
		}
	}
	if (!savepoint(c, "SAVEPOINT bulk"))
		goto out;
	for (size_t i = 0; i < n; i++) {
		bool ok = false;

		if ((out[items[i].pos] = bulk_one(c, approve, &items[i], &ap, &ok)) == NULL)
			goto out;
		if (ok)
			done++;
		else
			failed++;
	}
	if (all_or_nothing && failed > 0 && done > 0) {
		if (!savepoint(c, "ROLLBACK TO SAVEPOINT bulk"))
			goto out;
		for (size_t i = 0; i < n; i++) {
			if (rv_path_bool(out[i], "ok", false)) {
				int64_t id = rv_path_int(out[i], "id", 0);
				rv_free(out[i]);
				out[i] = rv_map();
				rv_set_int(out[i], "id", id);
				rv_set_bool(out[i], "ok", false);
				rv_set_bool(out[i], "skipped", true);
			}
		}
		done = 0;
	}
	results = rv_array();
	for (size_t i = 0; i < n; i++) {
		rv_push(results, out[i]);
		out[i] = NULL;
	}
	r = rv_map();
	rv_set(r, "results", results);
	rv_set_int(r, "done", (int64_t)done);
	rv_set_int(r, "failed", (int64_t)failed);
	rc = call_ok(c, r);
out:
	for (size_t i = 0; i < n; i++)
		rv_free(out[i]);
	free(out);
	free(items);
	return rc;
}

static int request_approve_many(struct call *c)
{
	return request_bulk(c, true);
}

static int request_reject_many(struct call *c)
{
	return request_bulk(c, false);
}

#define ID_VERSION \
	{ "id", P_ID, true, 0, 0, NULL }, \
	{ "version", P_INT, true, 1, INT32_MAX, NULL }

#define BULK_PARAMS \
	{ "ids", P_IDLIST, true, 0, 500, NULL }, \
	{ "versions", P_IDLIST, true, 0, 500, NULL }, \
	{ "all_or_nothing", P_BOOL, false, 0, 0, NULL }

const struct method request_methods[] = {
	{ "request.get", request_get, ROLE_ALL, 0, "one request with its timeline", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "request.list", request_list, ROLE_ALL, M_PAGE,
	  "requests newest first, filtered (status 'open': submitted or needs_info)", {
		{ "status", P_CHOICE, false, 0, 0, status_filters },
		{ "service_id", P_ID, false, 0, 0, NULL },
		{ "site_id", P_ID, false, 0, 0, NULL },
		{ "asset_id", P_ID, false, 0, 0, NULL },
		{ "category_id", P_ID, false, 0, 0, NULL },
		{ "urgency", P_CHOICE, false, 0, 0, urgencies },
		{ "requester_id", P_ID, false, 0, 0, NULL },
		{ "query", P_STR, false, 1, 200, NULL },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ "after", P_CURSOR, false, 0, 0, NULL },
		{ 0 } } },
	{ "request.mine", request_mine, FILERS, M_PAGE,
	  "the requests filed by or for the caller, newest first", {
		{ "status", P_CHOICE, false, 0, 0, status_filters },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ "after", P_CURSOR, false, 0, 0, NULL },
		{ 0 } } },
	{ "request.queue", request_queue, DECIDERS, M_PAGE,
	  "submitted requests of the caller's services, most urgent then oldest first", {
		{ "service_id", P_ID, false, 0, 0, NULL },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ "after", P_CURSOR, false, 0, 0, NULL },
		{ 0 } } },
	{ "request.submit", request_submit, FILERS, M_MUTATES,
	  "files a request for an asset or a site; routed and dated by its category", {
		{ "category_id", P_ID, true, 0, 0, NULL },
		{ "description", P_STR, true, 1, 4000, NULL },
		{ "urgency", P_CHOICE, false, 0, 0, urgencies },
		{ "asset_id", P_ID, false, 0, 0, NULL },
		{ "site_id", P_ID, false, 0, 0, NULL },
		{ "requester_id", P_ID, false, 0, 0, NULL },
		{ "requester_name", P_STR, false, 1, 200, NULL },
		{ "contact", P_STR, false, 0, 200, NULL },
		{ "desired_date", P_STR, false, 10, 10, NULL },
		{ "documents", P_STRLIST, false, 0, 20, NULL },
		{ 0 } } },
	{ "request.approve", request_approve, DECIDERS, M_MUTATES,
	  "approves a submitted request and creates its work order", {
		ID_VERSION,
		{ "service_id", P_ID, false, 0, 0, NULL },
		{ "priority", P_CHOICE, false, 0, 0, urgencies },
		{ "planned_start", P_STR, false, 10, 10, NULL },
		{ "planned_end", P_STR, false, 10, 10, NULL },
		{ "title", P_STR, false, 1, 200, NULL },
		{ "note", P_STR, false, 0, 2000, NULL },
		{ 0 } } },
	{ "request.reject", request_reject, DECIDERS, M_MUTATES,
	  "rejects a submitted request, with a reason", {
		ID_VERSION,
		{ "reason", P_STR, true, 1, 2000, NULL },
		{ 0 } } },
	{ "request.needs_info", request_needs_info, DECIDERS, M_MUTATES,
	  "asks the requester a question; the request waits for the answer", {
		ID_VERSION,
		{ "question", P_STR, true, 1, 2000, NULL },
		{ 0 } } },
	{ "request.answer", request_answer, FILERS, M_MUTATES,
	  "answers the question; the request goes back to the queue", {
		ID_VERSION,
		{ "answer", P_STR, true, 1, 4000, NULL },
		{ "documents", P_STRLIST, false, 0, 20, NULL },
		{ 0 } } },
	{ "request.duplicate", request_duplicate, DECIDERS, M_MUTATES,
	  "closes a submitted request as a duplicate of another", {
		ID_VERSION,
		{ "original_id", P_ID, true, 0, 0, NULL },
		{ "note", P_STR, false, 0, 2000, NULL },
		{ 0 } } },
	{ "request.cancel", request_cancel, FILERS, M_MUTATES,
	  "withdraws a request not yet decided (its requester)", {
		ID_VERSION,
		{ "note", P_STR, false, 0, 2000, NULL },
		{ 0 } } },
	{ "request.comment", request_comment, FILERS, M_MUTATES,
	  "adds a comment to a request's timeline", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "note", P_STR, true, 1, 4000, NULL },
		{ 0 } } },
	{ "request.update", request_update, FILERS, M_MUTATES,
	  "corrects a request still waiting (its requester); a new urgency redates it", {
		ID_VERSION,
		{ "description", P_STR, false, 1, 4000, NULL },
		{ "urgency", P_CHOICE, false, 0, 0, urgencies },
		{ "contact", P_STR, false, 0, 200, NULL },
		{ "desired_date", P_STR, false, 10, 10, NULL },
		{ 0 } } },
	{ "request.reroute", request_reroute, DECIDERS, M_MUTATES,
	  "sends a request not yet decided to another service", {
		ID_VERSION,
		{ "service_id", P_ID, true, 0, 0, NULL },
		{ "note", P_STR, false, 0, 2000, NULL },
		{ 0 } } },
	{ "request.approve_many", request_approve_many, DECIDERS, M_MUTATES,
	  "approves several requests, each with its version; per-item results", {
		BULK_PARAMS,
		{ "note", P_STR, false, 0, 2000, NULL },
		{ 0 } } },
	{ "request.reject_many", request_reject_many, DECIDERS, M_MUTATES,
	  "rejects several requests with one reason; per-item results", {
		BULK_PARAMS,
		{ "reason", P_STR, true, 1, 2000, NULL },
		{ 0 } } },
	{ 0 }
};
