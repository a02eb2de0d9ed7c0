/* The planning board: plan.week's cells (hours booked and available,
 * with an absence, a weekend and Christmas on a Friday), occupancy per
 * agent and per service as the data say, assigning from the board (the
 * work order becomes assigned to the agent), moving and removing
 * bookings, the absent-day and 24-hour rules, who may plan what, and the
 * agent hearing of its booking. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

#define call_okf h_call_okf
#define call_errf h_call_errf

/* The week of Christmas 2026: Monday 21 to Sunday 27; the 25th is a
 * Friday and a public holiday. */
#define MONDAY "2026-12-21"
#define TUESDAY "2026-12-22"
#define WEDNESDAY "2026-12-23"
#define THURSDAY "2026-12-24"

enum person { ADMIN, SUP_BAT, SUP_EV, AGENT, VIEWER, NPEOPLE };

static const struct {
	const char *login, *roles;
	bool bat, ev;
} people[NPEOPLE] = {
	[ADMIN] = { "admin", "admin", false, false },
	[SUP_BAT] = { "sup-bat", "supervisor", true, false },
	[SUP_EV] = { "sup-ev", "supervisor", false, true },
	[AGENT] = { "agent", "agent", false, false },    /* scope from its agent row only */
	[VIEWER] = { "viewer", "viewer", false, false },
};

struct town {
	char *db;
	struct h_server *s;
	struct event_base *base;
	PGconn *pg;
	struct regie_client *c[NPEOPLE];
	int64_t uid[NPEOPLE];
	int64_t bat, ev;
	int64_t roux, vincent, morel;      /* agents: two of Bâtiments, one of EV */
	int64_t leak, paint, door, hedge;  /* work orders */
};

static int64_t
id_of(struct rv *r)
{
	int64_t id = rv_path_int(r, "id", 0);

	assert_true(id > 0);
	rv_free(r);
	return id;
}

static char *
pg_text(PGconn *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *
pg_text(PGconn *pg, const char *fmt, ...)
{
	va_list ap;
	char *sql, *v;

	va_start(ap, fmt);
	sql = xvasprintf(fmt, ap);
	va_end(ap);
	v = h_pg_value(pg, sql);
	if (v == NULL)
		fail_msg("no value for: %s", sql);
	free(sql);
	return v;
}

static int64_t
work_order(struct town *t, int64_t service, const char *priority, const char *title, int age)
{
	char *v = pg_text(t->pg, "INSERT INTO work_orders (number, priority, service_id, title, "
	    "created) VALUES (regie_next_number('OT'), '%s', %lld, '%s', "
	    "now() - interval '%d days') RETURNING id", priority, (long long)service, title, age);
	int64_t id = strtoll(v, NULL, 10);

	free(v);
	return id;
}

static void
town_start(struct town *t, const char *name)
{
	struct regie_client *admin;

	memset(t, 0, sizeof *t);
	t->db = h_db_create(name);
	assert_int_equal(h_migrate(t->db), 0);
	assert_int_equal(h_useradd(t->db, "admin", "admin-secret", "admin", "Ada Admin"), 0);
	t->s = h_server_start(t->db, NULL);
	t->base = event_base_new();
	t->pg = h_pg(t->db);
	admin = t->c[ADMIN] = h_connect(t->base, h_server_addr(t->s));
	t->uid[ADMIN] = h_login(admin, "admin", "admin-secret");
	t->bat = id_of(h_call_ok(admin, "service.create", "{code: \"BAT\", name: \"Bâtiments\"}"));
	t->ev = id_of(h_call_ok(admin, "service.create", "{code: \"EV\", name: \"Espaces verts\"}"));
	for (int p = ADMIN + 1; p < NPEOPLE; p++) {
		char *password = xasprintf("%s-secret", people[p].login);
		long long service = people[p].bat ? t->bat : people[p].ev ? t->ev : 0;
		char *services = service ? xasprintf("[%lld]", service) : xstrdup("[]");

		t->uid[p] = id_of(call_okf(admin, "user.create", "{login: \"%s\", name: \"%s\", "
		    "roles: [\"%s\"], services: %s, password: \"%s\"}", people[p].login,
		    people[p].login, people[p].roles, services, password));
		t->c[p] = h_connect(t->base, h_server_addr(t->s));
		h_login(t->c[p], people[p].login, password);
		free(services);
		free(password);
	}
	t->roux = id_of(call_okf(admin, "agent.create", "{code: \"AG-ROUX\", name: \"Gérard Roux\", "
	    "service_id: %lld, trade: \"plumber\", weekly_hours: \"35\", rate: \"32.50\", "
	    "user_id: %lld}", (long long)t->bat, (long long)t->uid[AGENT]));
	t->vincent = id_of(call_okf(admin, "agent.create", "{code: \"AG-VINCENT\", "
	    "name: \"Léa Vincent\", service_id: %lld, trade: \"painter\", weekly_hours: \"39\", "
	    "rate: \"30\"}", (long long)t->bat));
	t->morel = id_of(call_okf(admin, "agent.create", "{code: \"AG-MOREL\", "
	    "name: \"Isabelle Morel\", service_id: %lld, trade: \"gardener\", rate: \"29\"}",
	    (long long)t->ev));
	/* Roux is away on Tuesday. */
	rv_free(call_okf(admin, "agent.add_absence", "{agent_id: %lld, starts: \"" TUESDAY "\", "
	    "ends: \"" TUESDAY "\", kind: \"sick\"}", (long long)t->roux));
	t->leak = work_order(t, t->bat, "urgent", "Fuite cantine", 1);
	t->paint = work_order(t, t->bat, "low", "Peinture préau", 20);
	t->door = work_order(t, t->bat, "normal", "Porte coupe-feu", 5);
	t->hedge = work_order(t, t->ev, "high", "Taille de haie", 2);
}

static void
town_end(struct town *t)
{
	for (int p = 0; p < NPEOPLE; p++) {
		if (t->c[p] != NULL)
			regie_client_free(t->c[p]);
	}
	PQfinish(t->pg);
	event_base_free(t->base);
	h_server_free(t->s);
	h_db_drop(t->db);
	free(t->db);
}

static void
assert_field(struct rv *err, const char *field)
{
	if (strcmp(rv_path_str(err, "field", ""), field) != 0)
		fail_msg("expected an error on field %s, got %s: %s", field,
		    rv_path_str(err, "field", "(none)"), rv_path_str(err, "message", ""));
	rv_free(err);
}

/* The board's agent entry for id. */
static const struct rv *
board_agent(const struct rv *week, int64_t id)
{
	const struct rv *agents = rv_get(week, "agents");

	for (size_t i = 0; i < rv_len(agents); i++) {
		if (rv_path_int(agents->a.items[i], "id", 0) == id)
			return agents->a.items[i];
	}
	fail_msg("agent %lld is not on the board", (long long)id);
	return NULL;
}

/* Cell d (0 = Monday) of an agent: "booked/available". */
static char *
cell(const struct rv *week, int64_t agent, int d)
{
	char path[32];
	const struct rv *a = board_agent(week, agent);

	xsnprintf(path, sizeof path, "days.%d", d);
	return xasprintf("%s/%s", rv_path_str(rv_path(a, path), "booked", "?"),
	    rv_path_str(rv_path(a, path), "available", "?"));
}

static void
assert_cell(const struct rv *week, int64_t agent, int d, const char *want)
{
	char *got = cell(week, agent, d);

	if (strcmp(got, want) != 0)
		fail_msg("agent %lld, day %d: expected %s, got %s", (long long)agent, d, want, got);
	free(got);
}

static double
number(const struct rv *v)
{
	if (v == NULL)
		fail_msg("no number");
	return v->type == RV_FLOAT ? v->f : v->type == RV_INT ? (double)v->i : NAN;
}

/* Occupancy as the database sees it, from the bookings and
 * regie_agent_available() over the week; agent 0 is the whole service. */
static double
occupancy_of(struct town *t, int64_t service, int64_t agent)
{
	char *v = pg_text(t->pg, "SELECT COALESCE((SELECT sum(b.hours) FROM work_order_bookings b "
	    "JOIN agents a ON a.id = b.agent_id WHERE a.service_id = %lld AND (%lld = 0 OR a.id = %lld) "
	    "AND b.day BETWEEN '" MONDAY "' AND date '" MONDAY "' + 6), 0) / "
	    "(SELECT sum(regie_agent_available(a.id, d::date)) FROM agents a, "
	    "generate_series(date '" MONDAY "', date '" MONDAY "' + 6, '1 day') d "
	    "WHERE a.service_id = %lld AND (%lld = 0 OR a.id = %lld))",
	    (long long)service, (long long)agent, (long long)agent, (long long)service,
	    (long long)agent, (long long)agent);
	double x = strtod(v, NULL);

	free(v);
	return x;
}

static void
assert_occupancy(struct town *t, const struct rv *week, int64_t agent)
{
	double want = occupancy_of(t, t->bat, agent);
	double got = number(rv_get(agent ? board_agent(week, agent) : week, "occupancy"));

	if (fabs(got - want) > 1e-4)
		fail_msg("occupancy of %lld: expected %.4f, got %.4f", (long long)agent, want, got);
}

/* Every cell's available hours are regie_agent_available()'s. */
static void
assert_available(struct town *t, const struct rv *week)
{
	const struct rv *agents = rv_get(week, "agents");

	for (size_t i = 0; i < rv_len(agents); i++) {
		const struct rv *days = rv_get(agents->a.items[i], "days");

		assert_int_equal(rv_len(days), 7);
		for (size_t d = 0; d < 7; d++) {
			const struct rv *c = days->a.items[d];
			char *want = pg_text(t->pg, "SELECT round(regie_agent_available(%lld, '%s'), 2)",
			    (long long)rv_path_int(agents->a.items[i], "id", 0),
			    rv_path_str(c, "day", ""));

			if (strcmp(want, rv_path_str(c, "available", "")) != 0)
				fail_msg("agent %lld on %s: available %s, regie_agent_available() says %s",
				    (long long)rv_path_int(agents->a.items[i], "id", 0),
				    rv_path_str(c, "day", ""), rv_path_str(c, "available", ""), want);
			free(want);
		}
	}
}

static struct rv *
week_of(struct town *t, struct regie_client *c, const char *day)
{
	return call_okf(c, "plan.week", "{service_id: %lld, week: \"%s\"}", (long long)t->bat, day);
}

static void
test_week(void **state)
{
	(void)state;
	struct town t;
	struct regie_client *sup;
	struct rv *w, *r;
	char *s;

	town_start(&t, "it_plan_week");
	sup = t.c[SUP_BAT];

	/* Any day of the week gives the same week. */
	w = week_of(&t, t.c[VIEWER], THURSDAY);
	assert_string_equal(rv_path_str(w, "week_start", ""), MONDAY);
	assert_int_equal(rv_len(rv_get(w, "days")), 7);
	assert_string_equal(rv_path_str(w, "days.4", ""), "2026-12-25");
	assert_int_equal(rv_len(rv_get(w, "agents")), 2);     /* not Morel, of EV */
	assert_string_equal(rv_path_str(w, "agents.0.name", ""), "Gérard Roux");
	/* 35 h a week is 7 a day; none on his sick Tuesday, on Christmas
	 * Friday or the weekend. 39 h is 7.80. */
	assert_cell(w, t.roux, 0, "0.00/7.00");
	assert_cell(w, t.roux, 1, "0.00/0.00");
	assert_cell(w, t.roux, 4, "0.00/0.00");
	assert_cell(w, t.roux, 5, "0.00/0.00");
	assert_cell(w, t.vincent, 1, "0.00/7.80");
	assert_cell(w, t.vincent, 4, "0.00/0.00");
	assert_string_equal(rv_path_str(board_agent(w, t.roux), "available", ""), "21.00");
	assert_string_equal(rv_path_str(w, "available", ""), "52.20");
	assert_true(number(rv_get(w, "occupancy")) == 0);
	/* Waiting: the most urgent first, then the oldest. */
	assert_int_equal(rv_len(rv_get(w, "unplanned")), 3);
	assert_int_equal(rv_path_int(w, "unplanned.0.id", 0), t.leak);
	assert_int_equal(rv_path_int(w, "unplanned.1.id", 0), t.door);
	assert_int_equal(rv_path_int(w, "unplanned.2.id", 0), t.paint);
	rv_free(w);

	/* Booked on Monday with no hours: what is left of his day. */
	r = call_okf(sup, "plan.assign", "{work_order_id: %lld, agent_id: %lld, day: \"" MONDAY "\"}",
	    (long long)t.leak, (long long)t.roux);
	assert_string_equal(rv_path_str(r, "booking.hours", ""), "7.00");
	assert_string_equal(rv_path_str(r, "booking.day", ""), MONDAY);
	assert_string_equal(rv_path_str(r, "work_order.status", ""), "assigned");
	assert_int_equal(rv_path_int(r, "work_order.assignees.0.agent_id", 0), t.roux);
	rv_free(r);
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM work_order_assignees"), 1);
	s = pg_text(t.pg, "SELECT string_agg(kind, ',' ORDER BY id) FROM work_order_events "
	    "WHERE work_order_id = %lld", (long long)t.leak);
	assert_non_null(strstr(s, "assign"));
	assert_non_null(strstr(s, "plan"));
	free(s);
	/* A full day still takes at least an hour: he is over-booked. */
	r = call_okf(sup, "plan.assign", "{work_order_id: %lld, agent_id: %lld, day: \"" MONDAY "\"}",
	    (long long)t.door, (long long)t.roux);
	assert_string_equal(rv_path_str(r, "booking.hours", ""), "1.00");
	rv_free(r);
	rv_free(call_okf(sup, "plan.assign", "{work_order_id: %lld, agent_id: %lld, "
	    "day: \"" WEDNESDAY "\", hours: \"3.5\"}", (long long)t.door, (long long)t.vincent));
	/* Booking on Saturday is the supervisor's call (on duty). */
	rv_free(call_okf(sup, "plan.assign", "{work_order_id: %lld, agent_id: %lld, "
	    "day: \"2026-12-26\", hours: \"2\"}", (long long)t.door, (long long)t.vincent));

	/* Not on his sick day; not past 24 hours in a day. */
	assert_field(call_errf(sup, "plan.assign", "invalid", "{work_order_id: %lld, "
	    "agent_id: %lld, day: \"" TUESDAY "\"}", (long long)t.paint, (long long)t.roux), "day");
	rv_free(call_okf(sup, "plan.assign", "{work_order_id: %lld, agent_id: %lld, "
	    "day: \"" THURSDAY "\", hours: \"20\"}", (long long)t.paint, (long long)t.vincent));
	assert_field(call_errf(sup, "plan.assign", "invalid", "{work_order_id: %lld, "
	    "agent_id: %lld, day: \"" THURSDAY "\", hours: \"5\"}", (long long)t.leak,
	    (long long)t.vincent), "hours");
	assert_field(call_errf(sup, "plan.assign", "invalid", "{work_order_id: %lld, "
	    "agent_id: %lld, day: \"" THURSDAY "\", hours: \"2.555\"}", (long long)t.leak,
	    (long long)t.roux), "hours");
	/* The refused ones left nothing behind: the painting is still Vincent's alone. */
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM work_order_bookings"), 5);
	s = pg_text(t.pg, "SELECT string_agg(agent_id::text, ',') FROM work_order_assignees "
	    "WHERE work_order_id = %lld", (long long)t.paint);
	assert_int_equal(strtoll(s, NULL, 10), t.vincent);
	free(s);
	/* Twice the same work order, agent and day: change the booking instead. */
	assert_field(call_errf(sup, "plan.assign", "conflict", "{work_order_id: %lld, "
	    "agent_id: %lld, day: \"" MONDAY "\"}", (long long)t.leak, (long long)t.roux), "day");

	w = week_of(&t, t.c[AGENT], "2026-12-27");
	assert_cell(w, t.roux, 0, "8.00/7.00");
	assert_cell(w, t.vincent, 2, "3.50/7.80");
	assert_cell(w, t.vincent, 3, "20.00/7.80");
	assert_cell(w, t.vincent, 5, "2.00/0.00");
	assert_int_equal(rv_len(rv_path(board_agent(w, t.roux), "days.0.bookings")), 2);
	assert_string_equal(rv_path_str(board_agent(w, t.vincent), "days.2.bookings.0.title", ""),
	    "Porte coupe-feu");
	assert_string_equal(rv_path_str(board_agent(w, t.roux), "booked", ""), "8.00");
	assert_string_equal(rv_path_str(w, "booked", ""), "33.50");
	assert_available(&t, w);
	assert_occupancy(&t, w, t.roux);
	assert_occupancy(&t, w, t.vincent);
	assert_occupancy(&t, w, 0);
	assert_true(number(rv_get(board_agent(w, t.vincent), "occupancy")) > 0.7);
	/* Everything of Bâtiments is booked now. */
	assert_int_equal(rv_len(rv_get(w, "unplanned")), 0);
	rv_free(w);

	/* The week after is empty. */
	w = week_of(&t, sup, "2026-12-28");
	assert_string_equal(rv_path_str(w, "booked", ""), "0.00");
	rv_free(w);
	town_end(&t);
}

static void
test_move(void **state)
{
	(void)state;
	struct town t;
	struct regie_client *sup;
	struct rv *r;
	int64_t booking;

	town_start(&t, "it_plan_move");
	sup = t.c[SUP_BAT];
	r = call_okf(sup, "plan.assign", "{work_order_id: %lld, agent_id: %lld, "
	    "day: \"" MONDAY "\", hours: \"4\"}", (long long)t.leak, (long long)t.roux);
	booking = rv_path_int(r, "booking.id", 0);
	assert_int_equal(rv_path_int(r, "booking.version", 0), 1);
	rv_free(r);

	/* To Vincent on Wednesday: she is assigned too. */
	r = call_okf(sup, "plan.move", "{booking_id: %lld, version: 1, agent_id: %lld, "
	    "day: \"" WEDNESDAY "\"}", (long long)booking, (long long)t.vincent);
	assert_int_equal(rv_path_int(r, "booking.agent_id", 0), t.vincent);
	assert_string_equal(rv_path_str(r, "booking.day", ""), WEDNESDAY);
	assert_string_equal(rv_path_str(r, "booking.hours", ""), "4.00");
	assert_int_equal(rv_path_int(r, "booking.version", 0), 2);
	rv_free(r);
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM work_order_assignees"), 2);
	/* A stale version, an absent day, a gardener of another service. */
	assert_field(call_errf(sup, "plan.move", "conflict", "{booking_id: %lld, version: 1, "
	    "hours: \"2\"}", (long long)booking), "version");
	assert_field(call_errf(sup, "plan.move", "invalid", "{booking_id: %lld, version: 2, "
	    "agent_id: %lld, day: \"" TUESDAY "\"}", (long long)booking, (long long)t.roux), "day");
	assert_field(call_errf(sup, "plan.move", "invalid", "{booking_id: %lld, version: 2, "
	    "agent_id: %lld}", (long long)booking, (long long)t.morel), "agent_id");
	assert_field(call_errf(sup, "plan.move", "invalid", "{booking_id: %lld, version: 2, "
	    "hours: \"25\"}", (long long)booking), "hours");
	r = call_okf(sup, "plan.move", "{booking_id: %lld, version: 2, hours: \"6.25\"}",
	    (long long)booking);
	assert_string_equal(rv_path_str(r, "booking.hours", ""), "6.25");
	rv_free(r);
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM work_order_bookings WHERE agent_id = "
	    "(SELECT id FROM agents WHERE code = 'AG-VINCENT') AND hours = 6.25 AND version = 3"), 1);

	/* Unbooked, the work order waits on the board again, still assigned. */
	rv_free(call_okf(sup, "plan.unbook", "{booking_id: %lld}", (long long)booking));
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM work_order_bookings"), 0);
	r = week_of(&t, sup, MONDAY);
	assert_int_equal(rv_path_int(r, "unplanned.0.id", 0), t.leak);
	assert_string_equal(rv_path_str(r, "unplanned.0.status", ""), "assigned");
	rv_free(r);
	rv_free(call_errf(sup, "plan.unbook", "not_found", "{booking_id: %lld}", (long long)booking));
	/* Each step is on the timeline and in the audit log. */
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM work_order_events WHERE kind = 'plan'"), 4);
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM audit_log WHERE entity = 'plan'"), 4);
	town_end(&t);
}

struct watcher {
	struct rv *events;
};

static void
watcher_cb(struct regie_client *c, const char *method, const struct rv *params, void *arg)
{
	struct watcher *w = arg;

	(void)c;
	if (strcmp(method, "event") == 0 && rv_len(params) >= 1 &&
	    strcmp(rv_path_str(params->a.items[0], "topic", ""), "plan") == 0)
		rv_push(w->events, rv_copy(params->a.items[0]));
}

static int
heard(void *arg)
{
	return rv_len(((struct watcher *)arg)->events) > 0;
}

static void
test_roles(void **state)
{
	(void)state;
	struct town t;
	struct watcher w = { NULL };
	struct rv *r;

	town_start(&t, "it_plan_roles");
	/* Another service's supervisor plans nothing here, nor does an agent. */
	rv_free(call_errf(t.c[SUP_EV], "plan.assign", "forbidden", "{work_order_id: %lld, "
	    "agent_id: %lld, day: \"" MONDAY "\"}", (long long)t.leak, (long long)t.roux));
	rv_free(call_errf(t.c[AGENT], "plan.assign", "forbidden", "{work_order_id: %lld, "
	    "agent_id: %lld, day: \"" MONDAY "\"}", (long long)t.leak, (long long)t.roux));
	rv_free(call_errf(t.c[SUP_BAT], "plan.assign", "not_found", "{work_order_id: 9999, "
	    "agent_id: %lld, day: \"" MONDAY "\"}", (long long)t.roux));
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM work_order_bookings"), 0);
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM work_orders WHERE status <> 'planned'"), 0);

	/* The agent reads its own service's board only; viewers read all. */
	rv_free(week_of(&t, t.c[AGENT], MONDAY));
	rv_free(call_errf(t.c[AGENT], "plan.week", "forbidden", "{service_id: %lld, "
	    "week: \"" MONDAY "\"}", (long long)t.ev));
	rv_free(call_okf(t.c[VIEWER], "plan.week", "{service_id: %lld, week: \"" MONDAY "\"}",
	    (long long)t.ev));
	assert_field(call_errf(t.c[VIEWER], "plan.week", "invalid", "{service_id: %lld, "
	    "week: \"2026-13-01\"}", (long long)t.ev), "week");
	rv_free(call_errf(t.c[VIEWER], "plan.week", "not_found", "{service_id: 9999, "
	    "week: \"" MONDAY "\"}"));

	/* A finished work order is not planned any more. */
	h_pg_exec(t.pg, "UPDATE work_orders SET status = 'cancelled' WHERE title = 'Peinture préau'");
	assert_field(call_errf(t.c[SUP_BAT], "plan.assign", "invalid", "{work_order_id: %lld, "
	    "agent_id: %lld, day: \"" MONDAY "\"}", (long long)t.paint, (long long)t.roux),
	    "work_order_id");

	/* The agent hears of its booking. */
	w.events = rv_array();
	regie_client_set_notify_cb(t.c[AGENT], watcher_cb, &w);
	rv_free(h_call_ok(t.c[AGENT], "event.subscribe", "{topics: [\"plan\"]}"));
	r = call_okf(t.c[ADMIN], "plan.assign", "{work_order_id: %lld, agent_id: %lld, "
	    "day: \"" MONDAY "\"}", (long long)t.door, (long long)t.roux);
	if (!h_loop_until(t.base, heard, &w, H_CALL_TIMEOUT_MS))
		fail_msg("the agent heard nothing of its booking");
	assert_string_equal(rv_path_str(w.events->a.items[0], "op", ""), "assign");
	assert_int_equal(rv_path_int(w.events->a.items[0], "id", 0),
	    rv_path_int(r, "booking.id", -1));
	assert_int_equal(rv_path_int(w.events->a.items[0], "service", 0), t.bat);
	rv_free(r);
	rv_free(w.events);
	town_end(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_week),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
