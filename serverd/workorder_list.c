/* workorder.*: reading work orders: one with its lines and timeline, lists
 * filtered and paged, the caller's own work, an asset's history. Who sees
 * which is WO_SCOPE (workorder.h); changes are in workorder.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "estate.h"
#include "workorder.h"
#include "xmalloc.h"

static const char *const types[] = {
	"corrective", "preventive", "regulatory", "improvement", NULL,
};
static const char *const status_filters[] = {
	"open", "planned", "assigned", "in_progress", "on_hold", "done", "closed", "cancelled", NULL,
};

/* The work order as the API shows it. Costs are the lines' sum while it
 * is open and what closing froze after. */
#define WO_COST(part) "COALESCE(w.cost_" part ", k." part ")"
#define WO_COLUMNS \
	"w.id, w.number, w.type, w.status, w.priority, w.title, w.description, " \
	"w.asset_id, a.code AS asset_code, a.name AS asset_name, w.site_id, " \
	"si.name AS site_name, w.service_id, w.request_id, r.number AS request_number, " \
	"w.planned_start, w.planned_end, w.target_date, w.team_id, w.contractor_id, " \
	"w.hold_reason, w.started, w.done_at, w.closed_at, w.problem_id, w.cause_id, " \
	"w.remedy_id, w.completion, " \
	"(SELECT COALESCE(json_agg(json_build_object('agent_id', ag.id, 'name', ag.name, " \
	"  'user_id', ag.user_id) ORDER BY ag.name, ag.id), '[]') " \
	"  FROM work_order_assignees x JOIN agents ag ON ag.id = x.agent_id " \
	"  WHERE x.work_order_id = w.id)::text AS assignees, " \
	"json_build_object('labour', " WO_COST("labour") "::text, " \
	"  'material', " WO_COST("material") "::text, " \
	"  'services', " WO_COST("services") "::text, " \
	"  'total', (" WO_COST("labour") " + " WO_COST("material") " + " \
	WO_COST("services") ")::text)::text AS cost, " \
	"json_build_object('days_taken', w.done_at::date - w.created::date, " \
	"  'late', " WO_LATE " > 0, 'days_late', " WO_LATE ")::text AS delay, " \
	"w.created, w.updated, w.version"
/* Days past the target: until done, or until today while open. */
#define WO_LATE \
	"(CASE WHEN w.status = 'cancelled' OR w.target_date IS NULL THEN 0 " \
	"  ELSE GREATEST(0, COALESCE(w.done_at::date, current_date) - w.target_date) END)"
#define WO_FROM \
	"work_orders w JOIN work_order_costs k ON k.work_order_id = w.id " \
	"LEFT JOIN assets a ON a.id = w.asset_id LEFT JOIN sites si ON si.id = w.site_id " \
	"LEFT JOIN requests r ON r.id = w.request_id"

/* Replaces the JSON text of key by what it holds. */
static void wo_unjson(struct rv *m, const char *key)
{
	const struct rv *v = rv_get(m, key);
	struct rv *parsed;
	char *text;

	if (v == NULL || v->type != RV_STR)
		return;
	text = xstrndup(v->s.ptr, v->s.len);
	parsed = rv_from_json(text, NULL, 0);
	free(text);
	if (parsed != NULL)
		rv_set(m, key, parsed);
}

/* A page of work orders, as wo_row makes them. */
static const char *const wo_json_columns[] = { "assignees", "cost", "delay", NULL };
static const char *const wo_hidden_columns[] = { "sort_key", NULL };
static const struct db_pack wo_pack = { .json = wo_json_columns, .hidden = wo_hidden_columns };

static struct rv *wo_row(const PGresult *res, int r)
{
	struct rv *m = db_row(res, r), *out;

	wo_unjson(m, "assignees");
	wo_unjson(m, "cost");
	wo_unjson(m, "delay");
	if (rv_get(m, "sort_key") == NULL)
		return m;
	/* The sort key is the cursor's, not the client's. */
	out = rv_map();
	for (uint32_t i = 0; i < m->m.n; i++) {
		if (strcmp(m->m.items[i].key, "sort_key") != 0)
			rv_set(out, m->m.items[i].key, rv_copy(m->m.items[i].val));
	}
	rv_free(m);
	return out;
}

/* Appends the rows of sql ($1 = the work order) to wo under key. */
static int wo_load_part(struct call *c, struct rv *wo, const char *key, const char *sql,
    int64_t id)
{
	PGresult *res = db_q(c, sql, "i", id);

	if (res == NULL)
		return -1;
	rv_set(wo, key, db_rows(res));
	PQclear(res);
	return 0;
}

/* The work order with its lines and timeline, or NULL after failing the
 * call (not_found too when the caller may not see it). */
static struct rv *wo_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " WO_COLUMNS " FROM " WO_FROM " WHERE " WO_SCOPE
	    " AND w.id = $6", WO_SCOPE_FMT "i", WO_SCOPE_ARGS(c), id);
	struct rv *wo;

	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 0) {
		PQclear(res);
		call_fail(c, RERR_NOT_FOUND, "id", "no work order with id %lld", (long long)id);
		return NULL;
	}
	wo = wo_row(res, 0);
	PQclear(res);
	if (wo_load_part(c, wo, "labour", "SELECT l.id, l.agent_id, ag.name AS agent_name, "
	    "l.day, l.hours, l.rate, l.amount, l.note FROM work_order_labour l "
	    "JOIN agents ag ON ag.id = l.agent_id WHERE l.work_order_id = $1 "
	    "ORDER BY l.day, l.id", id) != 0 ||
	    wo_load_part(c, wo, "material", "SELECT id, description, item_id, quantity, unit, "
	    "unit_cost, amount FROM work_order_material WHERE work_order_id = $1 ORDER BY id",
	    id) != 0 ||
	    wo_load_part(c, wo, "services", "SELECT s.id, s.contractor_id, "
	    "ct.name AS contractor_name, s.description, s.amount FROM work_order_services s "
	    "JOIN contractors ct ON ct.id = s.contractor_id WHERE s.work_order_id = $1 "
	    "ORDER BY s.id", id) != 0 ||
	    wo_load_part(c, wo, "timeline", "SELECT e.id, e.at, e.user_id, u.name AS user_name, "
	    "e.kind, e.status, e.note FROM work_order_events e "
	    "LEFT JOIN users u ON u.id = e.user_id WHERE e.work_order_id = $1 ORDER BY e.id",
	    id) != 0) {
		rv_free(wo);
		return NULL;
	}
	return wo;
}

int wo_answer(struct call *c, int64_t id)
{
	struct rv *wo = wo_load(c, id);

	return wo ? call_ok(c, wo) : -1;
}

static int workorder_get(struct call *c)
{
	return wo_answer(c, arg_int(c, "id", 0));
}

/* Newest first, paged on the id. */
static int workorder_list(struct call *c)
{
	const char *value, *from, *to, *query = arg_str(c, "query", NULL);
	int64_t limit = arg_int(c, "limit", 50), after = 0;
	char *pattern;
	PGresult *res;
	struct rv *r;

	if (wo_date_arg(c, "from", &from) != 0 || wo_date_arg(c, "to", &to) != 0)
		return -1;
	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after, &value) != 0)
		return -1;
	pattern = query ? estate_like_escape(query) : NULL;
	res = db_q(c, "SELECT " WO_COLUMNS " FROM " WO_FROM " WHERE " WO_SCOPE
	    " AND (CASE $6::text WHEN 'open' THEN " WO_OPEN " ELSE $6 IS NULL OR w.status = $6 END)"
	    " AND ($7::bigint IS NULL OR w.service_id = $7)"
	    " AND ($8::text IS NULL OR w.type = $8)"
	    " AND ($9::bigint IS NULL OR w.asset_id = $9)"
	    " AND ($10::bigint IS NULL OR w.site_id = $10)"
	    " AND ($11::bigint IS NULL OR EXISTS (SELECT 1 FROM work_order_assignees fx "
	    "  WHERE fx.work_order_id = w.id AND fx.agent_id = $11))"
	    " AND ($12::date IS NULL OR COALESCE(w.target_date, w.planned_end, w.planned_start) >= $12)"
	    " AND ($13::date IS NULL OR COALESCE(w.planned_start, w.target_date) <= $13)"
	    " AND (NOT $14::boolean OR (" WO_OPEN " AND w.target_date < current_date))"
	    " AND ($15::text IS NULL OR w.number ILIKE '%' || $15 || '%'"
	    "  OR regie_fold(w.title || ' ' || w.description) LIKE '%' || regie_fold($15) || '%')"
	    " AND ($16::bigint IS NULL OR w.id < $16)"
	    " ORDER BY w.id DESC LIMIT $17", WO_SCOPE_FMT "sIsIIIssbsIi", WO_SCOPE_ARGS(c),
	    arg_str(c, "status", NULL), arg_int(c, "service_id", 0), arg_str(c, "type", NULL),
	    arg_int(c, "asset_id", 0), arg_int(c, "site_id", 0), arg_int(c, "agent_id", 0),
	    from, to, (int)arg_bool(c, "overdue", false), pattern, after, limit + 1);
	free(pattern);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, 0, &wo_pack);
	PQclear(res);
	return call_ok(c, r);
}

/* The caller's own work: open work orders their agent is assigned to,
 * most urgent first, then the nearest target. Sorted on "RANK|DATE"
 * then the id. */
static int workorder_mine(struct call *c)
{
	const char *value = NULL;
	int64_t limit = arg_int(c, "limit", 50), after = 0;
	PGresult *res;
	struct rv *r;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after, &value) != 0)
		return -1;
	res = db_q(c, "SELECT * FROM (SELECT " WO_COLUMNS ", regie_urgency_rank(w.priority) || '|' "
	    "|| COALESCE(w.target_date::text, '9999-12-31') AS sort_key FROM " WO_FROM
	    " WHERE EXISTS (SELECT 1 FROM work_order_assignees mx JOIN agents ma "
	    "  ON ma.id = mx.agent_id WHERE mx.work_order_id = w.id AND ma.user_id = $1)"
	    " AND (CASE WHEN $2::text IS NULL OR $2 = 'open' THEN " WO_OPEN
	    "  ELSE w.status = $2 END)) m"
	    " WHERE ($3::text IS NULL OR (m.sort_key, m.id) > ($3, $4::bigint))"
	    " ORDER BY m.sort_key, m.id LIMIT $5", "issii", c->who.user_id,
	    arg_str(c, "status", NULL), value, after, limit + 1);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, PQfnumber(res, "sort_key"), &wo_pack);
	PQclear(res);
	return call_ok(c, r);
}

/* Every work order of an asset and of what it contains, newest first. */
static int workorder_asset_history(struct call *c)
{
	int64_t asset = arg_int(c, "asset_id", 0), limit = arg_int(c, "limit", 50), after = 0;
	const char *value;
	PGresult *res;
	struct rv *r;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after, &value) != 0)
		return -1;
	res = db_q(c, "SELECT 1 FROM assets WHERE id = $1", "i", asset);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, "asset_id", "no asset with id %lld",
		    (long long)asset);
	}
	PQclear(res);
	/* From the tree to its work orders by asset: read the other way,
	 * newest work order first, a building's history meant every work
	 * order of the city probed against the tree. */
	res = db_q(c, "WITH RECURSIVE tree(id) AS (SELECT $6::bigint "
	    "UNION SELECT ch.id FROM assets ch JOIN tree ON ch.parent_id = tree.id) "
	    "SELECT " WO_COLUMNS " FROM tree JOIN work_orders w ON w.asset_id = tree.id "
	    "JOIN work_order_costs k ON k.work_order_id = w.id "
	    "LEFT JOIN assets a ON a.id = w.asset_id LEFT JOIN sites si ON si.id = w.site_id "
	    "LEFT JOIN requests r ON r.id = w.request_id WHERE " WO_SCOPE " AND ($7::bigint IS NULL OR w.id < $7) ORDER BY w.id DESC LIMIT $8",
	    WO_SCOPE_FMT "iIi", WO_SCOPE_ARGS(c), asset, after, limit + 1);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, 0, &wo_pack);
	PQclear(res);
	return call_ok(c, r);
}

#define PAGING \
	{ "limit", P_INT, false, 1, 500, NULL }, \
	{ "after", P_CURSOR, false, 0, 0, NULL }

const struct method workorder_list_methods[] = {
	{ "workorder.get", workorder_get, ROLE_ALL, 0,
	  "one work order with its cost, lines and timeline", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "workorder.list", workorder_list, ROLE_ALL, M_PAGE,
	  "work orders newest first, filtered (status 'open': not done, closed or cancelled)", {
		{ "service_id", P_ID, false, 0, 0, NULL },
		{ "status", P_CHOICE, false, 0, 0, status_filters },
		{ "type", P_CHOICE, false, 0, 0, types },
		{ "asset_id", P_ID, false, 0, 0, NULL },
		{ "site_id", P_ID, false, 0, 0, NULL },
		{ "agent_id", P_ID, false, 0, 0, NULL },
		{ "from", P_STR, false, 10, 10, NULL },
		{ "to", P_STR, false, 10, 10, NULL },
		{ "overdue", P_BOOL, false, 0, 0, NULL },
		{ "query", P_STR, false, 1, 200, NULL },
		PAGING,
		{ 0 } } },
	{ "workorder.mine", workorder_mine, ROLE_STAFF, M_PAGE,
	  "the open work orders the caller is assigned to, most urgent then nearest target", {
		{ "status", P_CHOICE, false, 0, 0, status_filters },
		PAGING,
		{ 0 } } },
	{ "workorder.asset_history", workorder_asset_history, ROLE_ALL, M_PAGE,
	  "every work order of an asset and of what it contains, newest first", {
		{ "asset_id", P_ID, true, 0, 0, NULL },
		PAGING,
		{ 0 } } },
	{ 0 }
};
