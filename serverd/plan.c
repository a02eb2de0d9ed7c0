/* plan.*: the planning board. A booking gives an agent hours on a work
 * order for one day; plan.week shows a service's agents by the days of a
 * week, each cell with its bookings, the hours booked and the hours the
 * agent is available (regie_agent_available(): a fifth of the weekly
 * hours on a working day, none on weekends, holidays and absences), and
 * occupancy = booked / available per agent and for the service.
 *
 * Booking someone on a work order assigns them to it, through the one
 * path every assignment takes (workorder_add_assignee(): assignees,
 * planned -> assigned, timeline, audit, the agent's event). Supervisors
 * of the work order's service (and admins) plan; an agent cannot be
 * booked on a day of absence, nor for more than 24 hours in a day across
 * work orders. Overtime short of that is the supervisor's call: the
 * board shows it as occupancy above 1.
 *
 * Every change writes a 'plan' timeline row on the work order, an audit
 * row (entity "plan", the booking) and an event on topic "plan", scoped
 * by the work order's service and owned by the agent's login. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "agent.h"
#include "db.h"
#include "estate.h"
#include "workorder.h"
#include "xmalloc.h"

#define READERS (ROLE_STAFF | ROLE_VIEWER)
#define PLANNERS (ROLE_ADMIN | ROLE_SUPERVISOR)
/* Roles that read every service's board; an agent alone reads its own. */
#define READS_ALL (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_STOREKEEPER | ROLE_VIEWER)
#define UNPLANNED_MAX 200

#define BOOKING_COLUMNS "b.id, b.work_order_id, b.agent_id, b.day, b.hours, b.version"
#define BOOKING_JSON "(to_jsonb(b) - 'created')::text"

/* A column holding JSON text, as a value (nil when NULL). */
static struct rv *json_value(const PGresult *res, int r, int col)
{
	struct rv *v;

	if (PQgetisnull(res, r, col))
		return rv_nil();
	v = rv_from_json(PQgetvalue(res, r, col), NULL, 0);
	return v != NULL ? v : rv_nil();
}

/* ---- the week ---- */

/* The Monday of date's ISO week, and the seven days from it. */
static void plan_week_days(const char *date, char days[7][11])
{
	struct tm tm = { 0 };
	time_t t;
	int y, m, d;

	sscanf(date, "%4d-%2d-%2d", &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	t -= (time_t)((tm.tm_wday + 6) % 7) * 86400;
	for (int i = 0; i < 7; i++, t += 86400) {
		gmtime_r(&t, &tm);
		strftime(days[i], sizeof days[i], "%Y-%m-%d", &tm);
	}
}

/* May the caller read this service's board? */
static int plan_check_read(struct call *c, int64_t service)
{
	PGresult *res;
	bool own;

	if ((c->who.roles & READS_ALL) || caller_covers_service(&c->who, service))
		return 0;
	res = db_q(c, "SELECT 1 FROM agents WHERE user_id = $1 AND service_id = $2", "ii",
	    c->who.user_id, service);
	if (res == NULL)
		return -1;
	own = PQntuples(res) > 0;
	PQclear(res);
	return own ? 0 : call_fail(c, RERR_FORBIDDEN, "service_id",
	    "an agent sees the planning of its own service only");
}

/* The grid: one row per agent and day, built in one statement; the
 * per-agent and per-service sums come from window functions over it.
 * Available hours follow regie_agent_available()'s rule, written out
 * set-based: calling it per cell runs a query per cell, several times
 * slower on a large service (it_plan checks both agree). */
static const char plan_grid_sql[] =
	"WITH days AS MATERIALIZED (SELECT $2::date + i AS day, "
	"  regie_is_working_day($2::date + i) AS working FROM generate_series(0, 6) AS i), "
	"cells AS (SELECT a.id, a.code, a.name, a.trade, d.day, "
	"  CASE WHEN d.working AND NOT EXISTS (SELECT 1 FROM agent_absences x "
	"    WHERE x.agent_id = a.id AND d.day BETWEEN x.starts AND x.ends) "
	"  THEN round(a.weekly_hours / 5, 2) ELSE 0 END AS available, "
	"  COALESCE(sum(b.hours), 0) AS booked, "
	"  COALESCE(jsonb_agg(jsonb_build_object('id', b.id, 'work_order_id', b.work_order_id, "
	"    'number', w.number, 'title', w.title, 'hours', b.hours::text, 'version', b.version) "
	"    ORDER BY w.number, b.id) FILTER (WHERE b.id IS NOT NULL), '[]') AS bookings "
	"  FROM agents a CROSS JOIN days d "
	"  LEFT JOIN work_order_bookings b ON b.agent_id = a.id AND b.day = d.day "
	"  LEFT JOIN work_orders w ON w.id = b.work_order_id "
	"  WHERE a.service_id = $1 AND a.active GROUP BY a.id, d.day, d.working) "
	"SELECT id, code, name, trade, day, round(booked, 2)::text, round(available, 2)::text, "
	"  bookings::text, "
	"  round(sum(booked) OVER ag, 2)::text, round(sum(available) OVER ag, 2)::text, "
	"  CASE WHEN sum(available) OVER ag > 0 "
	"    THEN round(sum(booked) OVER ag / sum(available) OVER ag, 4)::float8 ELSE 0 END, "
	"  round(sum(booked) OVER (), 2)::text, round(sum(available) OVER (), 2)::text, "
	"  CASE WHEN sum(available) OVER () > 0 "
	"    THEN round(sum(booked) OVER () / sum(available) OVER (), 4)::float8 ELSE 0 END "
	"FROM cells WINDOW ag AS (PARTITION BY id) ORDER BY name, id, day";

enum {
	G_ID, G_CODE, G_NAME, G_TRADE, G_DAY, G_BOOKED, G_AVAILABLE, G_BOOKINGS,
	G_AGENT_BOOKED, G_AGENT_AVAILABLE, G_AGENT_OCCUPANCY,
	G_BOOKED_ALL, G_AVAILABLE_ALL, G_OCCUPANCY_ALL,
};

static struct rv *plan_agents(const PGresult *res, struct rv *week)
{
	struct rv *agents = rv_array(), *agent = NULL, *cells = NULL, *cell;
	int64_t current = 0;

	rv_set_str(week, "booked", "0.00");
	rv_set_str(week, "available", "0.00");
	rv_set(week, "occupancy", rv_float(0));
	for (int r = 0; r < PQntuples(res); r++) {
		if (agent == NULL || db_int(res, r, G_ID) != current) {
			current = db_int(res, r, G_ID);
			agent = rv_push(agents, rv_map());
			rv_set_int(agent, "id", current);
			rv_set_str(agent, "code", PQgetvalue(res, r, G_CODE));
			rv_set_str(agent, "name", PQgetvalue(res, r, G_NAME));
			rv_set_str(agent, "trade", PQgetvalue(res, r, G_TRADE));
			rv_set_str(agent, "booked", PQgetvalue(res, r, G_AGENT_BOOKED));
			rv_set_str(agent, "available", PQgetvalue(res, r, G_AGENT_AVAILABLE));
			rv_set(agent, "occupancy",
			    rv_float(strtod(PQgetvalue(res, r, G_AGENT_OCCUPANCY), NULL)));
			cells = rv_set(agent, "days", rv_array());
		}
		cell = rv_push(cells, rv_map());
		rv_set_str(cell, "day", PQgetvalue(res, r, G_DAY));
		rv_set_str(cell, "booked", PQgetvalue(res, r, G_BOOKED));
		rv_set_str(cell, "available", PQgetvalue(res, r, G_AVAILABLE));
		rv_set(cell, "bookings", json_value(res, r, G_BOOKINGS));
		if (r == 0) {
			rv_set_str(week, "booked", PQgetvalue(res, r, G_BOOKED_ALL));
			rv_set_str(week, "available", PQgetvalue(res, r, G_AVAILABLE_ALL));
			rv_set(week, "occupancy",
			    rv_float(strtod(PQgetvalue(res, r, G_OCCUPANCY_ALL), NULL)));
		}
	}
	return agents;
}

static int plan_week(struct call *c)
{
	int64_t service = arg_int(c, "service_id", 0);
	const char *date;
	char days[7][11];
	struct rv *week, *list;
	PGresult *res;

	if (agent_date_arg(c, "week", &date) != 0 || plan_check_read(c, service) != 0)
		return -1;
	res = db_q(c, "SELECT 1 FROM services WHERE id = $1", "i", service);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, "service_id", "no service with id %lld",
		    (long long)service);
	}
	PQclear(res);
	plan_week_days(date, days);

	res = db_q(c, plan_grid_sql, "is", service, days[0]);
	if (res == NULL)
		return -1;
	week = rv_map();
	rv_set_int(week, "service_id", service);
	rv_set_str(week, "week_start", days[0]);
	list = rv_set(week, "days", rv_array());
	for (int i = 0; i < 7; i++)
		rv_push(list, rv_str(days[i]));
	rv_set(week, "agents", plan_agents(res, week));
	PQclear(res);

	/* What still waits for someone: open, with no booking at all. */
	res = db_q(c, "SELECT w.id, w.number, w.title, w.priority, w.status, w.target_date "
	    "FROM work_orders w WHERE w.service_id = $1 "
	    "AND w.status NOT IN ('done', 'closed', 'cancelled') "
	    "AND NOT EXISTS (SELECT 1 FROM work_order_bookings b WHERE b.work_order_id = w.id) "
	    "ORDER BY regie_urgency_rank(w.priority), w.created, w.id LIMIT $2", "ii", service,
	    (int64_t)UNPLANNED_MAX);
	if (res == NULL) {
		rv_free(week);
		return -1;
	}
	rv_set(week, "unplanned", db_rows(res));
	PQclear(res);
	return call_ok(c, week);
}

/* ---- bookings ---- */

/* An agent's day as a booking sees it, the agent locked so that two
 * bookings of one agent are decided one after the other. */
struct agent_day {
	int64_t user_id;
	bool absent;
	double booked;               /* by other bookings that day */
	char name[208];
	char default_hours[16];      /* what is left available, at least 1 */
};

static int plan_agent_day(struct call *c, int64_t agent, const char *day, int64_t except,
    struct agent_day *ad)
{
	PGresult *res = db_q(c, "SELECT a.user_id, a.name, "
	    "EXISTS (SELECT 1 FROM agent_absences x WHERE x.agent_id = a.id "
	    "  AND $2::date BETWEEN x.starts AND x.ends), "
	    "COALESCE((SELECT sum(hours) FROM work_order_bookings b WHERE b.agent_id = a.id "
	    "  AND b.day = $2::date AND b.id <> $3), 0), "
	    "least(24, greatest(1, regie_agent_available(a.id, $2::date) - "
	    "  COALESCE((SELECT sum(hours) FROM work_order_bookings b WHERE b.agent_id = a.id "
	    "  AND b.day = $2::date AND b.id <> $3), 0)))::numeric(4,2)::text "
	    "FROM agents a WHERE a.id = $1 FOR UPDATE OF a", "isi", agent, day, except);

	memset(ad, 0, sizeof *ad);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_INVALID, "agent_id", "no agent with id %lld",
		    (long long)agent);
	}
	ad->user_id = db_int(res, 0, 0);
	xsnprintf(ad->name, sizeof ad->name, "%s", PQgetvalue(res, 0, 1));
	ad->absent = PQgetvalue(res, 0, 2)[0] == 't';
	ad->booked = strtod(PQgetvalue(res, 0, 3), NULL);
	xsnprintf(ad->default_hours, sizeof ad->default_hours, "%s", PQgetvalue(res, 0, 4));
	PQclear(res);
	return 0;
}

/* The day rules: no booking on an absence, at most 24 hours a day. */
static int plan_check_day(struct call *c, const struct agent_day *ad, const char *day,
    const char *hours)
{
	if (ad->absent)
		return call_fail(c, RERR_INVALID, "day", "%s is absent on %s", ad->name, day);
	if (ad->booked + strtod(hours, NULL) > 24.0 + 1e-9)
		return call_fail(c, RERR_INVALID, "hours", "%s already has %.2f h booked on %s: "
		    "a day has 24", ad->name, ad->booked, day);
	return 0;
}

/* A 'plan' row on the work order's timeline. */
static int plan_timeline(struct call *c, int64_t work_order, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int plan_timeline(struct call *c, int64_t work_order, const char *fmt, ...)
{
	va_list ap;
	char *note;
	int rc;

	va_start(ap, fmt);
	note = xvasprintf(fmt, ap);
	va_end(ap);
	rc = db_exec(c, "INSERT INTO work_order_events (work_order_id, user_id, kind, note) "
	    "VALUES ($1, $2, 'plan', $3)", "iIs", work_order, c->who.user_id, note);
	free(note);
	return rc;
}

/* Audits and announces a booking's change; after is read here unless
 * the booking is gone. */
static int plan_record(struct call *c, int64_t booking, const char *op, const char *before,
    int64_t work_order, int64_t owner)
{
	PGresult *res = db_q(c, "SELECT (SELECT " BOOKING_JSON " FROM work_order_bookings b "
	    "WHERE b.id = $1), w.service_id, w.site_id FROM work_orders w WHERE w.id = $2", "ii",
	    booking, work_order);
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "plan", booking, op, before,
	    PQgetisnull(res, 0, 0) ? NULL : PQgetvalue(res, 0, 0), db_int(res, 0, 1),
	    db_int(res, 0, 2), owner);
	PQclear(res);
	return rc;
}

static struct rv *plan_booking_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " BOOKING_COLUMNS " FROM work_order_bookings b "
	    "WHERE b.id = $1", "i", id);

	return db_one(c, res, "booking", id);
}

/* What the board needs to redraw the work order. */
static struct rv *plan_work_order_summary(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT w.id, w.number, w.status, w.priority, w.title, "
	    "w.service_id, w.target_date, w.version, (SELECT COALESCE(jsonb_agg(jsonb_build_object("
	    "  'agent_id', a.id, 'name', a.name, 'user_id', a.user_id) ORDER BY a.name, a.id), "
	    "  '[]') FROM work_order_assignees x JOIN agents a ON a.id = x.agent_id "
	    "  WHERE x.work_order_id = w.id)::text AS assignees "
	    "FROM work_orders w WHERE w.id = $1", "i", id);
	struct rv *wo;
	int col;

	if (res == NULL)
		return NULL;
	col = PQfnumber(res, "assignees");
	if (PQntuples(res) == 0) {
		PQclear(res);
		call_fail(c, RERR_NOT_FOUND, "work_order_id", "no work order with id %lld",
		    (long long)id);
		return NULL;
	}
	wo = db_row(res, 0);
	rv_set(wo, "assignees", json_value(res, 0, col));
	PQclear(res);
	return wo;
}

static int plan_hours_arg(struct call *c, const char **hours)
{
	return agent_decimal_arg(c, "hours", 0.01, 24, 2, hours);
}

static int plan_assign(struct call *c)
{
	int64_t wo = arg_int(c, "work_order_id", 0), agent = arg_int(c, "agent_id", 0), id;
	const char *day, *hours;
	struct agent_day ad;
	struct rv *r, *booking, *summary;
	PGresult *res;

	if (agent_date_arg(c, "day", &day) != 0 || plan_hours_arg(c, &hours) != 0 ||
	    workorder_add_assignee(c, wo, agent) < 0 ||
	    plan_agent_day(c, agent, day, 0, &ad) != 0)
		return -1;
	if (hours == NULL)
		hours = ad.default_hours;
	if (plan_check_day(c, &ad, day, hours) != 0)
		return -1;
	res = db_q(c, "INSERT INTO work_order_bookings (work_order_id, agent_id, day, hours, "
	    "created_by) VALUES ($1, $2, $3, $4::numeric, $5) "
	    "ON CONFLICT (work_order_id, agent_id, day) DO NOTHING RETURNING id", "iissI", wo,
	    agent, day, hours, c->who.user_id);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_CONFLICT, "day", "%s is already booked on this work order "
		    "on %s: change that booking (plan.move)", ad.name, day);
	}
	id = db_int(res, 0, 0);
	PQclear(res);
	if (plan_timeline(c, wo, "%s booked on %s for %s h", ad.name, day, hours) != 0 ||
	    plan_record(c, id, "assign", NULL, wo, ad.user_id) != 0)
		return -1;
	if ((booking = plan_booking_load(c, id)) == NULL)
		return -1;
	if ((summary = plan_work_order_summary(c, wo)) == NULL) {
		rv_free(booking);
		return -1;
	}
	r = rv_map();
	rv_set(r, "booking", booking);
	rv_set(r, "work_order", summary);
	return call_ok(c, r);
}

/* A booking under lock, with its work order's service and status. */
struct booking_state {
	int64_t id, work_order_id, agent_id, version, service_id;
	char day[11];
	char hours[16];
	char status[16];
	char number[32];
	char *snapshot;
};

static int plan_booking_lock(struct call *c, int64_t id, struct booking_state *st)
{
	PGresult *res = db_q(c, "SELECT b.work_order_id, b.agent_id, b.version, w.service_id, "
	    "b.day, b.hours, w.status, w.number, " BOOKING_JSON " FROM work_order_bookings b "
	    "JOIN work_orders w ON w.id = b.work_order_id WHERE b.id = $1 FOR UPDATE OF b", "i", id);

	memset(st, 0, sizeof *st);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, "booking_id", "no booking with id %lld",
		    (long long)id);
	}
	st->id = id;
	st->work_order_id = db_int(res, 0, 0);
	st->agent_id = db_int(res, 0, 1);
	st->version = db_int(res, 0, 2);
	st->service_id = db_int(res, 0, 3);
	xsnprintf(st->day, sizeof st->day, "%s", PQgetvalue(res, 0, 4));
	xsnprintf(st->hours, sizeof st->hours, "%s", PQgetvalue(res, 0, 5));
	xsnprintf(st->status, sizeof st->status, "%s", PQgetvalue(res, 0, 6));
	xsnprintf(st->number, sizeof st->number, "%s", PQgetvalue(res, 0, 7));
	st->snapshot = xstrdup(PQgetvalue(res, 0, 8));
	PQclear(res);
	return agent_check_manage(c, st->service_id);
}

static int plan_move(struct call *c)
{
	struct booking_state st;
	struct agent_day ad;
	const char *day, *hours;
	int64_t agent;
	struct rv *r, *booking;
	int rc = -1;

	if (plan_booking_lock(c, arg_int(c, "booking_id", 0), &st) != 0)
		goto out;
	if (arg_int(c, "version", 0) != st.version) {
		call_fail(c, RERR_CONFLICT, "version", "someone else changed this booking (now "
		    "version %lld); reload and try again", (long long)st.version);
		goto out;
	}
	if (strcmp(st.status, "done") == 0 || strcmp(st.status, "closed") == 0 ||
	    strcmp(st.status, "cancelled") == 0) {
		call_fail(c, RERR_INVALID, "booking_id", "work order %s is %s: its planning is over",
		    st.number, st.status);
		goto out;
	}
	agent = arg_int(c, "agent_id", st.agent_id);
	if (agent_date_arg(c, "day", &day) != 0 || plan_hours_arg(c, &hours) != 0)
		goto out;
	if (day == NULL)
		day = st.day;
	if (hours == NULL)
		hours = st.hours;
	if ((agent != st.agent_id && workorder_add_assignee(c, st.work_order_id, agent) < 0) ||
	    plan_agent_day(c, agent, day, st.id, &ad) != 0 || plan_check_day(c, &ad, day, hours) != 0)
		goto out;
	if (db_exec(c, "UPDATE work_order_bookings SET agent_id = $2, day = $3, "
	    "hours = $4::numeric, version = version + 1 WHERE id = $1", "iiss", st.id, agent, day,
	    hours) != 0) {
		if (c->err == RERR_CONFLICT)
			call_fail(c, RERR_CONFLICT, "day", "%s is already booked on this work order "
			    "on %s", ad.name, day);
		goto out;
	}
	if (plan_timeline(c, st.work_order_id, "booking moved from %s to %s on %s for %s h",
	    st.day, ad.name, day, hours) != 0 ||
	    plan_record(c, st.id, "move", st.snapshot, st.work_order_id, ad.user_id) != 0 ||
	    (booking = plan_booking_load(c, st.id)) == NULL)
		goto out;
	r = rv_map();
	rv_set(r, "booking", booking);
	rc = call_ok(c, r);
out:
	free(st.snapshot);
	return rc;
}

static int plan_unbook(struct call *c)
{
	struct booking_state st;
	PGresult *res;
	struct rv *r;
	int64_t owner;
	int rc = -1;

	if (plan_booking_lock(c, arg_int(c, "booking_id", 0), &st) != 0)
		goto out;
	res = db_q(c, "SELECT user_id, name FROM agents WHERE id = $1", "i", st.agent_id);
	if (res == NULL)
		goto out;
	owner = db_int(res, 0, 0);
	if (db_exec(c, "DELETE FROM work_order_bookings WHERE id = $1", "i", st.id) == 0 &&
	    plan_timeline(c, st.work_order_id, "%s unbooked from %s", PQgetvalue(res, 0, 1),
	    st.day) == 0 &&
	    plan_record(c, st.id, "unbook", st.snapshot, st.work_order_id, owner) == 0) {
		r = rv_map();
		rv_set_bool(r, "ok", true);
		rc = call_ok(c, r);
	}
	PQclear(res);
out:
	free(st.snapshot);
	return rc;
}

const struct method plan_methods[] = {
	{ "plan.week", plan_week, READERS, 0,
	  "a service's agents by the days of a week: hours booked and available, occupancy, "
	  "and the open work orders with no booking", {
		{ "service_id", P_ID, true, 0, 0, NULL },
		{ "week", P_STR, true, 10, 10, NULL },
		{ 0 } } },
	{ "plan.assign", plan_assign, PLANNERS, M_MUTATES,
	  "books an agent on a work order for a day and assigns them to it; hours default to "
	  "what is left that day (at least 1)", {
		{ "work_order_id", P_ID, true, 0, 0, NULL },
		{ "agent_id", P_ID, true, 0, 0, NULL },
		{ "day", P_STR, true, 10, 10, NULL },
		{ "hours", P_STR, false, 1, 6, NULL },
		{ 0 } } },
	{ "plan.move", plan_move, PLANNERS, M_MUTATES,
	  "moves a booking to another agent (who is assigned) or day, or changes its hours", {
		{ "booking_id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		{ "agent_id", P_ID, false, 0, 0, NULL },
		{ "day", P_STR, false, 10, 10, NULL },
		{ "hours", P_STR, false, 1, 6, NULL },
		{ 0 } } },
	{ "plan.unbook", plan_unbook, PLANNERS, M_MUTATES,
	  "removes a booking (the agent stays assigned)", {
		{ "booking_id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ 0 }
};
