/* Agents, teams, contractors and failure codes: an agent's rate in
 * force follows its effective dates and old days keep theirs, absences
 * never overlap, supervisors change only their services' agents, the
 * failure code tree hangs problem -> cause -> remedy per asset type, and
 * values the server refuses are named by field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

#define call_okf h_call_okf
#define call_errf h_call_errf

enum person { ADMIN, SUP_BAT, SUP_EV, AGENT, VIEWER, NPEOPLE };

static const struct {
	const char *login, *roles;
	bool bat, ev;
} people[NPEOPLE] = {
	[ADMIN] = { "admin", "admin", false, false },
	[SUP_BAT] = { "sup-bat", "supervisor", true, false },
	[SUP_EV] = { "sup-ev", "supervisor", false, true },
	[AGENT] = { "agent", "agent", true, false },
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

static void
test_create_update(void **state)
{
	(void)state;
	struct town t;
	struct regie_client *admin;
	struct rv *a;
	int64_t id, team, other_team;

	town_start(&t, "it_agents_crud");
	admin = t.c[ADMIN];
	a = call_okf(admin, "agent.create", "{code: \"AG-001\", name: \"Gérard Roux\", "
	    "service_id: %lld, trade: \"plumber\", weekly_hours: \"39\", rate: \"32.50\", "
	    "rate_effective: \"2020-01-01\"}", (long long)t.bat);
	id = rv_path_int(a, "id", 0);
	assert_string_equal(rv_path_str(a, "name", ""), "Gérard Roux");
	assert_string_equal(rv_path_str(a, "trade", ""), "plumber");
	assert_string_equal(rv_path_str(a, "weekly_hours", ""), "39.0");
	assert_string_equal(rv_path_str(a, "rate", ""), "32.50");
	assert_int_equal(rv_path_int(a, "service_id", 0), t.bat);
	assert_true(rv_path_bool(a, "active", false));
	assert_int_equal(rv_len(rv_get(a, "rates")), 1);
	rv_free(a);

	/* What the server refuses, it names. */
	assert_field(call_errf(admin, "agent.create", "conflict", "{code: \"AG-001\", "
	    "name: \"Twin\", service_id: %lld, rate: \"30\"}", (long long)t.bat), "code");
	assert_field(call_errf(admin, "agent.create", "invalid", "{code: \"AG-002\", "
	    "name: \"X\", service_id: %lld, rate: \"abc\"}", (long long)t.bat), "rate");
	assert_field(call_errf(admin, "agent.create", "invalid", "{code: \"AG-002\", "
	    "name: \"X\", service_id: %lld, rate: \"-3\"}", (long long)t.bat), "rate");
	assert_field(call_errf(admin, "agent.create", "invalid", "{code: \"AG-002\", "
	    "name: \"X\", service_id: %lld, rate: \"30.125\"}", (long long)t.bat), "rate");
	assert_field(call_errf(admin, "agent.create", "invalid", "{code: \"AG-002\", "
	    "name: \"X\", service_id: %lld, rate: \"30\", trade: \"astronaut\"}",
	    (long long)t.bat), "trade");
	assert_field(call_errf(admin, "agent.create", "invalid", "{code: \"AG-002\", "
	    "name: \"X\", service_id: %lld, rate: \"30\", weekly_hours: \"80\"}",
	    (long long)t.bat), "weekly_hours");
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM agents"), 1);

	/* Teams belong to a service; an agent joins one of its own. */
	team = id_of(call_okf(admin, "team.create", "{code: \"BAT-PLOMB\", name: \"Plomberie\", "
	    "service_id: %lld}", (long long)t.bat));
	other_team = id_of(call_okf(admin, "team.create", "{code: \"EV-NORD\", "
	    "name: \"Secteur nord\", service_id: %lld}", (long long)t.ev));
	assert_field(call_errf(admin, "agent.update", "invalid", "{id: %lld, version: 1, "
	    "team_id: %lld}", (long long)id, (long long)other_team), "team_id");
	a = call_okf(admin, "agent.update", "{id: %lld, version: 1, team_id: %lld, "
	    "name: \"Gérard Roux-Martin\", user_id: %lld}", (long long)id, (long long)team,
	    (long long)t.uid[AGENT]);
	assert_int_equal(rv_path_int(a, "team_id", 0), team);
	assert_int_equal(rv_path_int(a, "version", 0), 2);
	assert_string_equal(rv_path_str(a, "user_login", ""), "agent");
	rv_free(a);
	a = call_okf(admin, "team.get", "{id: %lld}", (long long)team);
	assert_int_equal(rv_len(rv_get(a, "members")), 1);
	assert_string_equal(rv_path_str(a, "members.0.name", ""), "Gérard Roux-Martin");
	rv_free(a);
	a = call_okf(admin, "team.list", "{service_id: %lld}", (long long)t.bat);
	assert_int_equal(rv_len(rv_get(a, "items")), 1);
	assert_int_equal(rv_path_int(a, "items.0.members", 0), 1);
	rv_free(a);

	/* A stale version is refused and changes nothing. */
	assert_field(call_errf(admin, "agent.update", "conflict", "{id: %lld, version: 1, "
	    "name: \"Stale\"}", (long long)id), "version");
	/* The linked login finds itself; another login is linked once. */
	a = h_call_ok(t.c[AGENT], "agent.me", "{}");
	assert_int_equal(rv_path_int(a, "id", 0), id);
	rv_free(a);
	rv_free(h_call_err(t.c[SUP_BAT], "agent.me", "{}", "not_found"));
	assert_field(call_errf(admin, "agent.create", "conflict", "{code: \"AG-003\", "
	    "name: \"Y\", service_id: %lld, rate: \"30\", user_id: %lld}", (long long)t.bat,
	    (long long)t.uid[AGENT]), "user_id");

	/* Moving to another service leaves the team behind; 0 clears the login. */
	a = call_okf(admin, "agent.update", "{id: %lld, version: 2, service_id: %lld, "
	    "user_id: 0}", (long long)id, (long long)t.ev);
	assert_int_equal(rv_path_int(a, "service_id", 0), t.ev);
	assert_true(rv_get(a, "team_id")->type == RV_NIL);
	assert_true(rv_get(a, "user_id")->type == RV_NIL);
	rv_free(a);

	a = h_call_ok(t.c[VIEWER], "agent.trades", "{}");
	assert_true(rv_len(rv_get(a, "items")) >= 10);
	assert_string_equal(rv_path_str(a, "items.0.code", ""), "plumber");
	rv_free(a);
	town_end(&t);
}

static void
test_rates(void **state)
{
	(void)state;
	struct town t;
	struct regie_client *admin;
	struct rv *a;
	char *v;
	int64_t id;

	town_start(&t, "it_agents_rates");
	admin = t.c[ADMIN];
	id = id_of(call_okf(admin, "agent.create", "{code: \"AG-001\", name: \"Léa Vincent\", "
	    "service_id: %lld, rate: \"30.00\", rate_effective: \"2020-01-01\"}",
	    (long long)t.bat));

	/* A rate from next century is not in force yet. */
	a = call_okf(admin, "agent.set_rate", "{id: %lld, effective: \"2099-01-01\", "
	    "rate: \"40.00\"}", (long long)id);
	assert_string_equal(rv_path_str(a, "rate", ""), "30.00");
	rv_free(a);
	/* One from yesterday is; the same day again replaces it. */
	v = pg_text(t.pg, "SELECT (current_date - 1)::text");
	rv_free(call_okf(admin, "agent.set_rate", "{id: %lld, effective: \"%s\", rate: \"35.00\"}",
	    (long long)id, v));
	a = call_okf(admin, "agent.set_rate", "{id: %lld, effective: \"%s\", rate: \"36.50\"}",
	    (long long)id, v);
	assert_string_equal(rv_path_str(a, "rate", ""), "36.50");
	assert_int_equal(rv_len(rv_get(a, "rates")), 3);
	assert_string_equal(rv_path_str(a, "rates.0.rate", ""), "30.00");
	assert_string_equal(rv_path_str(a, "rates.2.effective", ""), "2099-01-01");
	rv_free(a);
	free(v);
	/* Old days keep their rate. */
	v = pg_text(t.pg, "SELECT regie_agent_rate(%lld, '2021-06-30')", (long long)id);
	assert_string_equal(v, "30.00");
	free(v);
	v = pg_text(t.pg, "SELECT regie_agent_rate(%lld, '2099-06-30')", (long long)id);
	assert_string_equal(v, "40.00");
	free(v);

	/* Hours valued on 2 March 2021 keep their rate: no new rate may take
	 * effect on or before that day, one the day after may. */
	v = pg_text(t.pg, "INSERT INTO work_orders (number, service_id, title) VALUES "
	    "('OT-TEST-1', %lld, 'Fuite') RETURNING id", (long long)t.bat);
	h_pg_exec(t.pg, "INSERT INTO work_order_labour (work_order_id, agent_id, day, hours, rate) "
	    "SELECT w.id, a.id, '2021-03-02', 2, regie_agent_rate(a.id, '2021-03-02') "
	    "FROM work_orders w, agents a WHERE w.number = 'OT-TEST-1' AND a.code = 'AG-001'");
	free(v);
	assert_field(call_errf(admin, "agent.set_rate", "invalid", "{id: %lld, "
	    "effective: \"2021-03-02\", rate: \"99\"}", (long long)id), "effective");
	rv_free(call_okf(admin, "agent.set_rate", "{id: %lld, effective: \"2021-03-03\", "
	    "rate: \"31.00\"}", (long long)id));
	v = pg_text(t.pg, "SELECT string_agg(rate::text, ',') FROM work_order_labour");
	assert_string_equal(v, "30.00");
	free(v);
	assert_field(call_errf(admin, "agent.set_rate", "invalid", "{id: %lld, "
	    "effective: \"2026-02-30\", rate: \"30\"}", (long long)id), "effective");
	assert_field(call_errf(admin, "agent.set_rate", "invalid", "{id: %lld, "
	    "effective: \"2026-02-03\", rate: \"30,5\"}", (long long)id), "rate");
	rv_free(call_errf(admin, "agent.set_rate", "not_found", "{id: 999, "
	    "effective: \"2026-02-03\", rate: \"30\"}"));
	town_end(&t);
}

static void
test_absences(void **state)
{
	(void)state;
	struct town t;
	struct regie_client *admin;
	struct rv *a;
	int64_t id, absence;

	town_start(&t, "it_agents_absences");
	admin = t.c[ADMIN];
	id = id_of(call_okf(admin, "agent.create", "{code: \"AG-001\", name: \"Léa Vincent\", "
	    "service_id: %lld, rate: \"30.00\"}", (long long)t.bat));
	a = call_okf(admin, "agent.add_absence", "{agent_id: %lld, starts: \"2099-03-02\", "
	    "ends: \"2099-03-06\", kind: \"training\", note: \"CACES\"}", (long long)id);
	absence = rv_path_int(a, "id", 0);
	assert_string_equal(rv_path_str(a, "kind", ""), "training");
	assert_string_equal(rv_path_str(a, "ends", ""), "2099-03-06");
	rv_free(a);

	/* Overlapping, even by one day, is refused and names the field. */
	assert_field(call_errf(admin, "agent.add_absence", "conflict", "{agent_id: %lld, "
	    "starts: \"2099-03-06\", ends: \"2099-03-10\"}", (long long)id), "starts");
	assert_field(call_errf(admin, "agent.add_absence", "conflict", "{agent_id: %lld, "
	    "starts: \"2099-02-20\", ends: \"2099-03-20\"}", (long long)id), "starts");
	assert_field(call_errf(admin, "agent.add_absence", "invalid", "{agent_id: %lld, "
	    "starts: \"2099-03-10\", ends: \"2099-03-09\"}", (long long)id), "ends");
	/* The day after is free. */
	rv_free(call_okf(admin, "agent.add_absence", "{agent_id: %lld, starts: \"2099-03-07\", "
	    "ends: \"2099-03-07\", kind: \"sick\"}", (long long)id));
	a = call_okf(admin, "agent.get", "{id: %lld}", (long long)id);
	assert_int_equal(rv_len(rv_get(a, "absences")), 2);
	assert_string_equal(rv_path_str(a, "absences.0.note", ""), "CACES");
	rv_free(a);
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM agent_absences"), 2);

	/* Removed, its days are free again. */
	rv_free(call_okf(admin, "agent.remove_absence", "{id: %lld}", (long long)absence));
	rv_free(call_okf(admin, "agent.add_absence", "{agent_id: %lld, starts: \"2099-03-04\", "
	    "ends: \"2099-03-05\"}", (long long)id));
	rv_free(call_errf(admin, "agent.remove_absence", "not_found", "{id: %lld}",
	    (long long)absence));
	town_end(&t);
}

static void
test_scoping(void **state)
{
	(void)state;
	struct town t;
	struct regie_client *sup = NULL;
	struct rv *a;
	int64_t bat_agent, ev_agent, absence;
	const char *next;

	town_start(&t, "it_agents_scope");
	sup = t.c[SUP_BAT];
	bat_agent = id_of(call_okf(sup, "agent.create", "{code: \"AG-B1\", name: \"Bruno\", "
	    "service_id: %lld, rate: \"30\"}", (long long)t.bat));
	rv_free(call_errf(sup, "agent.create", "forbidden", "{code: \"AG-E9\", name: \"Eve\", "
	    "service_id: %lld, rate: \"30\"}", (long long)t.ev));
	ev_agent = id_of(call_okf(t.c[SUP_EV], "agent.create", "{code: \"AG-E1\", name: \"Emma\", "
	    "service_id: %lld, rate: \"30\"}", (long long)t.ev));
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM agents"), 2);

	/* Another service's agent is out of reach, whatever the change. */
	rv_free(call_errf(sup, "agent.update", "forbidden", "{id: %lld, version: 1, "
	    "name: \"Taken\"}", (long long)ev_agent));
	rv_free(call_errf(sup, "agent.set_rate", "forbidden", "{id: %lld, "
	    "effective: \"2026-01-01\", rate: \"99\"}", (long long)ev_agent));
	rv_free(call_errf(sup, "agent.add_absence", "forbidden", "{agent_id: %lld, "
	    "starts: \"2099-01-05\", ends: \"2099-01-05\"}", (long long)ev_agent));
	/* nor can its own agent be handed over to a service it does not run */
	rv_free(call_errf(sup, "agent.update", "forbidden", "{id: %lld, version: 1, "
	    "service_id: %lld}", (long long)bat_agent, (long long)t.ev));
	rv_free(call_errf(sup, "team.create", "forbidden", "{code: \"EV-X\", name: \"X\", "
	    "service_id: %lld}", (long long)t.ev));
	absence = id_of(call_okf(t.c[SUP_EV], "agent.add_absence", "{agent_id: %lld, "
	    "starts: \"2099-01-05\", ends: \"2099-01-06\"}", (long long)ev_agent));
	rv_free(call_errf(sup, "agent.remove_absence", "forbidden", "{id: %lld}",
	    (long long)absence));
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM agents WHERE version = 1 AND "
	    "name IN ('Bruno', 'Emma')"), 2);
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM agent_rates"), 2);

	/* Agents do not manage agents; everyone on the staff reads them. */
	rv_free(call_errf(t.c[AGENT], "agent.update", "forbidden", "{id: %lld, version: 1, "
	    "name: \"Me\"}", (long long)bat_agent));
	a = call_okf(t.c[VIEWER], "agent.list", "{service_id: %lld}", (long long)t.ev);
	assert_int_equal(rv_len(rv_get(a, "items")), 1);
	assert_string_equal(rv_path_str(a, "items.0.code", ""), "AG-E1");
	rv_free(a);

	/* Paging walks every agent once, by name. */
	for (int i = 0; i < 5; i++)
		rv_free(call_okf(sup, "agent.create", "{code: \"AG-P%d\", name: \"Paul %d\", "
		    "service_id: %lld, rate: \"30\", trade: \"painter\"}", i, i, (long long)t.bat));
	a = h_call_ok(t.c[AGENT], "agent.list", "{limit: 3}");
	assert_int_equal(rv_len(rv_get(a, "items")), 3);
	assert_string_equal(rv_path_str(a, "items.0.name", ""), "Bruno");
	next = rv_path_str(a, "next", NULL);
	assert_non_null(next);
	{
		struct rv *b = call_okf(t.c[AGENT], "agent.list", "{limit: 3, after: \"%s\"}", next);
		struct rv *c = NULL;
		assert_int_equal(rv_len(rv_get(b, "items")), 3);
		assert_string_equal(rv_path_str(b, "items.0.name", ""), "Paul 1");
		c = call_okf(t.c[AGENT], "agent.list", "{limit: 3, after: \"%s\"}",
		    rv_path_str(b, "next", ""));
		assert_int_equal(rv_len(rv_get(c, "items")), 1);
		assert_true(rv_get(c, "next")->type == RV_NIL);
		rv_free(b);
		rv_free(c);
	}
	rv_free(a);
	a = h_call_ok(t.c[AGENT], "agent.list", "{trade: \"painter\", query: \"paul 3\"}");
	assert_int_equal(rv_len(rv_get(a, "items")), 1);
	rv_free(a);
	/* Case aside: "abel" comes first, not after every capital. */
	rv_free(call_okf(sup, "agent.create", "{code: \"AG-LC\", name: \"abel\", "
	    "service_id: %lld, rate: \"30\"}", (long long)t.bat));
	a = h_call_ok(t.c[AGENT], "agent.list", "{limit: 2}");
	assert_string_equal(rv_path_str(a, "items.0.name", ""), "abel");
	assert_string_equal(rv_path_str(a, "items.1.name", ""), "Bruno");
	rv_free(a);
	town_end(&t);
}

static void
test_failure_codes(void **state)
{
	(void)state;
	struct town t;
	struct regie_client *sup;
	struct rv *r;
	char *boiler, *tree;
	int64_t problem, cause;
	size_t generic, n;

	town_start(&t, "it_agents_failures");
	sup = t.c[SUP_BAT];
	boiler = pg_text(t.pg, "SELECT id FROM asset_types WHERE code = 'boiler'");
	tree = pg_text(t.pg, "SELECT id FROM asset_types WHERE code = 'tree'");
	generic = (size_t)h_pg_count(t.pg, "SELECT 1 FROM failure_codes WHERE asset_type_id IS NULL");

	problem = id_of(call_okf(sup, "failure.create", "{kind: \"problem\", code: \"FLAME\", "
	    "name: \"No flame\", asset_type_id: %s}", boiler));
	/* A cause needs a problem, a remedy a cause. */
	assert_field(h_call_err(sup, "failure.create", "{kind: \"cause\", code: \"GAS\", "
	    "name: \"Gas\"}", "invalid"), "parent_id");
	assert_field(call_errf(sup, "failure.create", "invalid", "{kind: \"remedy\", "
	    "code: \"RELIGHT\", name: \"Relit\", parent_id: %lld}", (long long)problem), "parent_id");
	assert_field(call_errf(sup, "failure.create", "invalid", "{kind: \"cause\", code: \"GAS\", "
	    "name: \"Gas\", parent_id: %lld, asset_type_id: %s}", (long long)problem, tree),
	    "asset_type_id");
	r = call_okf(sup, "failure.create", "{kind: \"cause\", code: \"GAS\", "
	    "name: \"Gas supply cut\", parent_id: %lld}", (long long)problem);
	cause = rv_path_int(r, "id", 0);
	/* it inherits its problem's type */
	assert_int_equal(rv_path_int(r, "asset_type_id", 0), strtoll(boiler, NULL, 10));
	rv_free(r);
	rv_free(call_okf(sup, "failure.create", "{kind: \"remedy\", code: \"RELIGHT\", "
	    "name: \"Relit the pilot\", parent_id: %lld}", (long long)cause));
	assert_field(h_call_err(sup, "failure.create", "{kind: \"problem\", code: \"LEAK\", "
	    "name: \"Leak again\"}", "conflict"), "code");
	rv_free(h_call_err(t.c[AGENT], "failure.create", "{kind: \"problem\", code: \"MINE\", "
	    "name: \"Mine\"}", "forbidden"));

	/* A boiler's codes: its own and the generic ones; a tree's: not the boiler's. */
	r = call_okf(t.c[AGENT], "failure.list", "{asset_type_id: %s}", boiler);
	n = rv_len(rv_get(r, "items"));
	assert_int_equal(n, generic + 3);
	assert_string_equal(rv_path_str(r, "items.0.kind", ""), "problem");
	rv_free(r);
	r = call_okf(t.c[VIEWER], "failure.list", "{asset_type_id: %s}", tree);
	assert_int_equal(rv_len(rv_get(r, "items")), generic);
	rv_free(r);
	r = call_okf(t.c[VIEWER], "failure.list", "{asset_type_id: %s, kind: \"problem\"}",
	    boiler);
	assert_int_equal(rv_len(rv_get(r, "items")),
	    (size_t)h_pg_count(t.pg, "SELECT 1 FROM failure_codes WHERE kind = 'problem'"));
	rv_free(r);
	r = call_okf(t.c[VIEWER], "failure.list", "{parent_id: %lld}", (long long)problem);
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_string_equal(rv_path_str(r, "items.0.code", ""), "GAS");
	rv_free(r);
	free(boiler);
	free(tree);
	town_end(&t);
}

static void
test_contractors(void **state)
{
	(void)state;
	struct town t;
	struct rv *r;
	int64_t id;

	town_start(&t, "it_agents_contractors");
	/* Any supervisor keeps the list, whatever its services. */
	r = h_call_ok(t.c[SUP_EV], "contractor.create", "{name: \"Élagage Dupuis SARL\", "
	    "contact: \"Marc Dupuis\", phone: \"05 55 12 34 56\", email: \"contact@dupuis.example\", "
	    "trade: \"arborist\"}");
	id = rv_path_int(r, "id", 0);
	assert_string_equal(rv_path_str(r, "trade", ""), "arborist");
	rv_free(r);
	rv_free(h_call_ok(t.c[SUP_BAT], "contractor.create", "{name: \"Plomberie Alba\"}"));
	rv_free(h_call_err(t.c[AGENT], "contractor.create", "{name: \"Mine\"}", "forbidden"));
	assert_field(h_call_err(t.c[SUP_BAT], "contractor.create", "{name: \"Bad\", "
	    "email: \"not an address\"}", "invalid"), "email");
	assert_field(h_call_err(t.c[SUP_BAT], "contractor.create", "{name: \"Bad\", "
	    "trade: \"wizard\"}", "invalid"), "trade");

	r = h_call_ok(t.c[VIEWER], "contractor.list", "{query: \"dupuis\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	rv_free(r);
	r = h_call_ok(t.c[AGENT], "contractor.list", "{limit: 1}");
	assert_string_equal(rv_path_str(r, "items.0.name", ""), "Plomberie Alba");
	assert_non_null(rv_path_str(r, "next", NULL));
	rv_free(r);
	r = call_okf(t.c[SUP_BAT], "contractor.update", "{id: %lld, version: 1, "
	    "phone: \"05 55 00 00 00\", active: false}", (long long)id);
	assert_string_equal(rv_path_str(r, "phone", ""), "05 55 00 00 00");
	assert_false(rv_path_bool(r, "active", true));
	rv_free(r);
	assert_field(call_errf(t.c[SUP_BAT], "contractor.update", "conflict", "{id: %lld, "
	    "version: 1, name: \"Stale\"}", (long long)id), "version");
	r = h_call_ok(t.c[VIEWER], "contractor.list", "{active: true}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	rv_free(r);
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
	if (strcmp(method, "event") == 0 && rv_len(params) >= 1)
		rv_push(w->events, rv_copy(params->a.items[0]));
}

struct heard {
	struct watcher *w;
	int64_t id;
};

static int
heard_of(void *arg)
{
	struct heard *h = arg;

	for (size_t i = 0; i < rv_len(h->w->events); i++) {
		if (strcmp(rv_path_str(h->w->events->a.items[i], "topic", ""), "agent") == 0 &&
		    rv_path_int(h->w->events->a.items[i], "id", 0) == h->id)
			return 1;
	}
	return 0;
}

/* A supervisor hears of its own services' agents, not of the others'. */
static void
test_events(void **state)
{
	(void)state;
	struct town t;
	struct watcher w;
	struct heard bat, ev;

	town_start(&t, "it_agents_events");
	w.events = rv_array();
	regie_client_set_notify_cb(t.c[SUP_BAT], watcher_cb, &w);
	rv_free(h_call_ok(t.c[SUP_BAT], "event.subscribe", "{topics: [\"agent\"]}"));
	rv_free(h_call_err(t.c[VIEWER], "event.subscribe", "{topics: [\"agent\"]}", "forbidden"));
	ev.w = bat.w = &w;
	ev.id = id_of(call_okf(t.c[SUP_EV], "agent.create", "{code: \"AG-E1\", name: \"Emma\", "
	    "service_id: %lld, rate: \"30\"}", (long long)t.ev));
	bat.id = id_of(call_okf(t.c[ADMIN], "agent.create", "{code: \"AG-B1\", name: \"Bruno\", "
	    "service_id: %lld, rate: \"30\"}", (long long)t.bat));
	if (!h_loop_until(t.base, heard_of, &bat, H_CALL_TIMEOUT_MS))
		fail_msg("the supervisor heard nothing of its service's new agent");
	/* Both were announced in that order: Emma's would have come first. */
	assert_false(heard_of(&ev));
	rv_free(w.events);
	town_end(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_update),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_absences),
		cmocka_unit_test(test_scoping),
		cmocka_unit_test(test_failure_codes),
		cmocka_unit_test(test_contractors),
		cmocka_unit_test(test_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
