/* Work orders: who may move one from which state to which, two moves at
 * once, the cost as the sum of its lines valued at the rate of their day,
 * closing that freezes it, a retried field report that counts once, who
 * sees what, an asset's history with what it contains, delays, the
 * linked request's timeline, and events reaching the right people. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

#define EVENT_WAIT_MS 10000

#define call_okf h_call_okf
#define call_errf h_call_errf

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

static long long
pg_int(PGconn *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static long long
pg_int(PGconn *pg, const char *fmt, ...)
{
	va_list ap;
	char *sql, *v;
	long long n;

	va_start(ap, fmt);
	sql = xvasprintf(fmt, ap);
	va_end(ap);
	v = h_pg_value(pg, sql);
	if (v == NULL)
		fail_msg("no value for: %s", sql);
	n = strtoll(v, NULL, 10);
	free(v);
	free(sql);
	return n;
}

static void
pg_execf(PGconn *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
pg_execf(PGconn *pg, const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	sql = xvasprintf(fmt, ap);
	va_end(ap);
	h_pg_exec(pg, sql);
	free(sql);
}

/* The date offset days from today, as the database sees it: a few
 * buffers in turn, so one call can name two days. */
static const char *
day(PGconn *pg, int offset)
{
	static char bufs[4][16];
	static int next;
	char *v, *sql = xasprintf("SELECT (current_date + %d)::text", offset);
	char *b = bufs[next++ % 4];

	v = h_pg_value(pg, sql);
	snprintf(b, sizeof bufs[0], "%s", v != NULL ? v : "?");
	free(v);
	free(sql);
	return b;
}

/* ---- the town: Buildings and Green spaces, two sites, their people ---- */

enum person {
	ADMIN,
	SUP_BAT,       /* supervises Buildings */
	SUP_EV,        /* supervises Green spaces */
	AGENT1,        /* an agent of Buildings, the one assigned */
	AGENT2,        /* another agent of Buildings */
	AGENT_EV,      /* an agent of Green spaces */
	REF_A,         /* referent of site A */
	REF_B,         /* referent of site B */
	VIEWER,
	STOREKEEPER,
	NPEOPLE
};

static const struct {
	const char *login;
	const char *role;
	bool bat, ev, site_a, site_b;
} people[NPEOPLE] = {
	[ADMIN] = { "admin", "admin", false, false, false, false },
	[SUP_BAT] = { "sup-bat", "supervisor", true, false, false, false },
	[SUP_EV] = { "sup-ev", "supervisor", false, true, false, false },
	[AGENT1] = { "agent1", "agent", true, false, false, false },
	[AGENT2] = { "agent2", "agent", true, false, false, false },
	[AGENT_EV] = { "agent-ev", "agent", false, true, false, false },
	[REF_A] = { "ref-a", "referent", false, false, true, false },
	[REF_B] = { "ref-b", "referent", false, false, false, true },
	[VIEWER] = { "viewer", "viewer", false, false, false, false },
	[STOREKEEPER] = { "store", "storekeeper", false, false, false, false },
};

struct town {
	char *db;
	struct h_server *s;
	struct event_base *base;
	PGconn *pg;
	struct regie_client *c[NPEOPLE];
	int64_t uid[NPEOPLE];
	int64_t bat, ev, site_a, site_b, building_a, lift_a, building_b, plumbing;
	int64_t agent1, agent2, agent_ev, contractor;
};

static int64_t
id_of(struct rv *r)
{
	int64_t id = rv_path_int(r, "id", 0);

	assert_true(id > 0);
	rv_free(r);
	return id;
}

/* An agent record for a login, with one rate in force for a year. */
static int64_t
agent_make(struct town *t, const char *code, int64_t uid, int64_t service)
{
	int64_t id;

	pg_execf(t->pg, "INSERT INTO agents (code, name, user_id, service_id) "
	    "VALUES ('%s', 'Agent %s', %lld, %lld)", code, code, (long long)uid,
	    (long long)service);
	id = pg_int(t->pg, "SELECT id FROM agents WHERE code = '%s'", code);
	pg_execf(t->pg, "INSERT INTO agent_rates (agent_id, effective, rate) "
	    "VALUES (%lld, current_date - 365, 30.00)", (long long)id);
	return id;
}

static void
town_start(struct town *t, const char *name)
{
	struct regie_client *admin;
	char *type;

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
	t->site_a = id_of(h_call_ok(admin, "site.create",
	    "{code: \"GS-JAURES\", name: \"Groupe scolaire Jaurès\"}"));
	t->site_b = id_of(h_call_ok(admin, "site.create",
	    "{code: \"PARC-NORD\", name: \"Parc du Nord\"}"));
	type = pg_text(t->pg, "SELECT id FROM asset_types WHERE code = 'building'");
	t->building_a = id_of(call_okf(admin, "asset.create", "{name: \"École élémentaire\", "
	    "type_id: %s, service_id: %lld, site_id: %lld, "
	    "attributes: \"{\\\"floor_area\\\": 1800}\"}", type, (long long)t->bat,
	    (long long)t->site_a));
	t->building_b = id_of(call_okf(admin, "asset.create", "{name: \"Kiosque\", "
	    "type_id: %s, service_id: %lld, site_id: %lld, "
	    "attributes: \"{\\\"floor_area\\\": 20}\"}", type, (long long)t->bat,
	    (long long)t->site_b));
	free(type);
	type = pg_text(t->pg, "SELECT id FROM asset_types WHERE code = 'lift'");
	t->lift_a = id_of(call_okf(admin, "asset.create", "{name: \"Ascenseur\", "
	    "type_id: %s, service_id: %lld, parent_id: %lld, "
	    "attributes: \"{\\\"capacity_kg\\\": 630}\"}", type, (long long)t->bat,
	    (long long)t->building_a));
	free(type);
	t->plumbing = pg_int(t->pg, "SELECT id FROM request_categories WHERE code = 'plumbing'");
	rv_free(call_okf(admin, "category.update", "{id: %lld, version: 1, service_id: %lld}",
	    (long long)t->plumbing, (long long)t->bat));

	for (int p = ADMIN + 1; p < NPEOPLE; p++) {
		char *services, *sites, *password;

		services = people[p].bat ? xasprintf("[%lld]", (long long)t->bat) :
		    people[p].ev ? xasprintf("[%lld]", (long long)t->ev) : xstrdup("[]");
		sites = people[p].site_a ? xasprintf("[%lld]", (long long)t->site_a) :
		    people[p].site_b ? xasprintf("[%lld]", (long long)t->site_b) : xstrdup("[]");
		password = xasprintf("%s-secret", people[p].login);
		t->uid[p] = id_of(call_okf(admin, "user.create", "{login: \"%s\", name: \"%s\", "
		    "roles: [\"%s\"], services: %s, sites: %s, password: \"%s\"}", people[p].login,
		    people[p].login, people[p].role, services, sites, password));
		t->c[p] = h_connect(t->base, h_server_addr(t->s));
		assert_int_equal(h_login(t->c[p], people[p].login, password), t->uid[p]);
		free(services);
		free(sites);
		free(password);
	}
	t->agent1 = agent_make(t, "A1", t->uid[AGENT1], t->bat);
	t->agent2 = agent_make(t, "A2", t->uid[AGENT2], t->bat);
	t->agent_ev = agent_make(t, "AEV", t->uid[AGENT_EV], t->ev);
	h_pg_exec(t->pg, "INSERT INTO contractors (name) VALUES ('Plomberie Martin')");
	t->contractor = pg_int(t->pg, "SELECT id FROM contractors");
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

/* A planned work order of Buildings on the school, by its supervisor. */
static int64_t
wo_new(struct town *t, const char *extra)
{
	return id_of(call_okf(t->c[SUP_BAT], "workorder.create", "{type: \"corrective\", "
	    "asset_id: %lld, service_id: %lld, title: \"Fuite WC filles\"%s%s}",
	    (long long)t->building_a, (long long)t->bat, extra ? ", " : "", extra ? extra : ""));
}

static long long
version_of(struct town *t, int64_t id)
{
	return pg_int(t->pg, "SELECT version FROM work_orders WHERE id = %lld", (long long)id);
}

static char *
status_of(struct town *t, int64_t id)
{
	return pg_text(t->pg, "SELECT status FROM work_orders WHERE id = %lld", (long long)id);
}

/* Moves work order id by method as the supervisor, with its params. */
static void
wo_do(struct town *t, int64_t id, const char *method, const char *extra)
{
	rv_free(call_okf(t->c[SUP_BAT], method, "{id: %lld, version: %lld%s%s}", (long long)id,
	    version_of(t, id), extra ? ", " : "", extra ? extra : ""));
}

static void
wo_assign(struct town *t, int64_t id, int64_t agent)
{
	char *ids = xasprintf("agent_ids: [%lld]", (long long)agent);

	wo_do(t, id, "workorder.assign", ids);
	free(ids);
}

/* A fresh work order, assigned to agent 1, brought to state. */
static int64_t
wo_in(struct town *t, const char *state)
{
	int64_t id = wo_new(t, NULL);

	if (strcmp(state, "planned") == 0)
		return id;
	wo_assign(t, id, t->agent1);
	if (strcmp(state, "cancelled") == 0) {
		wo_do(t, id, "workorder.cancel", "reason: \"Plus utile\"");
		return id;
	}
	if (strcmp(state, "assigned") == 0)
		return id;
	wo_do(t, id, "workorder.start", NULL);
	if (strcmp(state, "on_hold") == 0)
		wo_do(t, id, "workorder.hold", "reason: \"Pièce commandée\"");
	if (strcmp(state, "done") == 0 || strcmp(state, "closed") == 0)
		wo_do(t, id, "workorder.finish", "completion: \"Joint changé\"");
	if (strcmp(state, "closed") == 0)
		wo_do(t, id, "workorder.close", NULL);
	return id;
}

/* ---- the transition table ---- */

enum action { START, HOLD, RESUME, FINISH, REOPEN, CLOSE, CANCEL, NACTIONS };

static const struct {
	const char *method;
	const char *extra;
	const char *to;
	const char *from[4];
	bool supervisor_only;
} actions[NACTIONS] = {
	[START] = { "workorder.start", NULL, "in_progress", { "planned", "assigned" }, false },
	[HOLD] = { "workorder.hold", "reason: \"Attente pièce\"", "on_hold", { "in_progress" },
	    false },
	[RESUME] = { "workorder.resume", NULL, "in_progress", { "on_hold" }, false },
	[FINISH] = { "workorder.finish", NULL, "done", { "in_progress" }, false },
	[REOPEN] = { "workorder.reopen", "note: \"Fuit encore\"", "in_progress", { "done" }, true },
	[CLOSE] = { "workorder.close", NULL, "closed", { "done" }, true },
	[CANCEL] = { "workorder.cancel", "reason: \"Doublon\"", "cancelled",
	    { "planned", "assigned", "on_hold" }, true },
};

/* What the rules say: NULL for allowed, else the error code. */
static const char *
expected(enum action a, const char *state, enum person p)
{
	bool from = false;

	if (p == VIEWER || p == REF_A || p == STOREKEEPER)
		return "forbidden";                 /* not their methods at all */
	if (actions[a].supervisor_only && (p == AGENT1 || p == AGENT2))
		return "forbidden";
	if (p == AGENT2 || (p == AGENT1 && strcmp(state, "planned") == 0))
		return "not_found";                 /* not theirs: they do not see it */
	if (p == SUP_EV)
		return "forbidden";                 /* another service's */
	for (int i = 0; i < 4 && actions[a].from[i] != NULL; i++)
		from |= strcmp(actions[a].from[i], state) == 0;
	return from ? NULL : "conflict";
}

static void
test_transitions(void **state)
{
	(void)state;
	static const char *const states[] = {
		"planned", "assigned", "in_progress", "on_hold", "done", "closed", "cancelled",
	};
	static const enum person who[] = { ADMIN, SUP_BAT, SUP_EV, AGENT1, AGENT2, VIEWER };
	struct town t;
	int allowed = 0, refused = 0;

	town_start(&t, "it_workorders_transitions");
	for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
		for (int a = 0; a < NACTIONS; a++) {
			for (size_t k = 0; k < sizeof who / sizeof who[0]; k++) {
				enum person p = who[k];
				const char *want = expected(a, states[s], p);
				int64_t id = wo_in(&t, states[s]);
				long long version = version_of(&t, id);
				struct rv *result = NULL, *error = NULL, *params;
				char *json, *after, err[128];

				json = xasprintf("{id: %lld, version: %lld%s%s}", (long long)id, version,
				    actions[a].extra ? ", " : "", actions[a].extra ? actions[a].extra : "");
				params = rv_from_json(json, err, sizeof err);
				assert_non_null(params);
				free(json);
				regie_call_sync(t.c[p], actions[a].method, params, &result, &error,
				    H_CALL_TIMEOUT_MS);
				after = status_of(&t, id);
				if (want == NULL) {
					if (error != NULL)
						fail_msg("%s by %s on a %s work order: refused with %s: %s",
						    actions[a].method, people[p].login, states[s],
						    rv_path_str(error, "code", "?"),
						    rv_path_str(error, "message", ""));
					assert_string_equal(after, actions[a].to);
					assert_string_equal(rv_path_str(result, "status", ""), actions[a].to);
					assert_int_equal(rv_path_int(result, "version", 0), version + 1);
					/* the timeline says who moved it where */
					assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_order_events "
					    "WHERE work_order_id = %lld AND kind = 'status' AND status = '%s' "
					    "AND user_id = %lld AND id = (SELECT max(id) FROM work_order_events "
					    "WHERE work_order_id = %lld)", (long long)id, actions[a].to,
					    (long long)t.uid[p], (long long)id), 1);
					allowed++;
				} else {
					if (error == NULL || strcmp(rv_path_str(error, "code", ""), want) != 0)
						fail_msg("%s by %s on a %s work order: expected %s, got %s",
						    actions[a].method, people[p].login, states[s], want,
						    error ? rv_path_str(error, "code", "?") : "success");
					assert_string_equal(after, states[s]);
					assert_int_equal(version_of(&t, id), version);
					refused++;
				}
				free(after);
				rv_free(result);
				rv_free(error);
			}
		}
	}
	assert_true(allowed > 20);
	assert_true(refused > 100);
	/* A stale version is refused, naming it. */
	{
		int64_t id = wo_in(&t, "assigned");
		struct rv *e = call_errf(t.c[AGENT1], "workorder.start", "conflict",
		    "{id: %lld, version: 1}", (long long)id);
		assert_string_equal(rv_path_str(e, "field", ""), "version");
		rv_free(e);
		/* and an agent cannot assign */
		rv_free(call_errf(t.c[AGENT1], "workorder.assign", "forbidden",
		    "{id: %lld, version: %lld, agent_ids: []}", (long long)id, version_of(&t, id)));
	}
	town_end(&t);
}

/* ---- two moves at once ---- */

struct outcome {
	bool done;
	char code[32];
};

static void
outcome_cb(struct regie_client *c, const struct rv *error, const struct rv *result, void *arg)
{
	struct outcome *o = arg;

	(void)c;
	(void)result;
	snprintf(o->code, sizeof o->code, "%s", error ? rv_path_str(error, "code", "?") : "ok");
	o->done = true;
}

static int
both_done(void *arg)
{
	struct outcome *o = arg;

	return o[0].done && o[1].done;
}

static struct rv *
params_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct rv *
params_of(const char *fmt, ...)
{
	va_list ap;
	char *json, err[128];
	struct rv *params;

	va_start(ap, fmt);
	json = xvasprintf(fmt, ap);
	va_end(ap);
	params = rv_from_json(json, err, sizeof err);
	if (params == NULL)
		fail_msg("bad params %s: %s", json, err);
	free(json);
	return params;
}

static void
test_concurrent(void **state)
{
	(void)state;
	struct town t;

	town_start(&t, "it_workorders_concurrent");
	for (int round = 0; round < 6; round++) {
		int64_t id = wo_in(&t, "assigned");
		long long v = version_of(&t, id);
		struct outcome o[2] = { { false, "" }, { false, "" } };
		const char *to[2] = { "in_progress", "cancelled" };
		int winner;
		char *status;

		/* The agent starts while the supervisor cancels, both on what
		 * they saw. */
		regie_call(t.c[AGENT1], "workorder.start", params_of("{id: %lld, version: %lld}",
		    (long long)id, v), outcome_cb, &o[0]);
		regie_call(t.c[SUP_BAT], "workorder.cancel", params_of("{id: %lld, version: %lld, "
		    "reason: \"Fait par l'entreprise\"}", (long long)id, v), outcome_cb, &o[1]);
		assert_true(h_loop_until(t.base, both_done, o, H_CALL_TIMEOUT_MS));
		if (!((strcmp(o[0].code, "ok") == 0) ^ (strcmp(o[1].code, "ok") == 0)))
			fail_msg("start vs cancel: got %s and %s, expected one ok and one conflict",
			    o[0].code, o[1].code);
		winner = strcmp(o[0].code, "ok") == 0 ? 0 : 1;
		assert_string_equal(o[1 - winner].code, "conflict");
		status = status_of(&t, id);
		assert_string_equal(status, to[winner]);
		free(status);
		assert_int_equal(version_of(&t, id), v + 1);
		assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_order_events WHERE "
		    "work_order_id = %lld AND kind = 'status' AND status IN ('in_progress', "
		    "'cancelled')", (long long)id), 1);
	}
	town_end(&t);
}

/* ---- costs ---- */

static void
assert_cost(struct rv *wo, const char *labour, const char *material, const char *services,
    const char *total)
{
	assert_string_equal(rv_path_str(wo, "cost.labour", "?"), labour);
	assert_string_equal(rv_path_str(wo, "cost.material", "?"), material);
	assert_string_equal(rv_path_str(wo, "cost.services", "?"), services);
	assert_string_equal(rv_path_str(wo, "cost.total", "?"), total);
}

static void
test_costs(void **state)
{
	(void)state;
	struct town t;
	struct rv *wo, *e;
	int64_t id, line;
	PGresult *res;

	town_start(&t, "it_workorders_costs");
	id = wo_in(&t, "in_progress");
	/* Agent 1's rate went from 30.00 to 40.00 ten days ago. */
	pg_execf(t.pg, "INSERT INTO agent_rates (agent_id, effective, rate) "
	    "VALUES (%lld, current_date - 10, 40.00)", (long long)t.agent1);
	rv_free(call_okf(t.c[AGENT1], "workorder.add_labour", "{id: %lld, "
	    "day: \"%s\", hours: \"2\"}", (long long)id,
	    day(t.pg, -15)));
	wo = call_okf(t.c[AGENT1], "workorder.add_labour", "{id: %lld, day: \"%s\", "
	    "hours: \"3.5\", note: \"Recherche de fuite\"}", (long long)id,
	    day(t.pg, -5));
	/* each line at the rate of its day: 2 x 30 + 3.5 x 40 */
	assert_int_equal(rv_len(rv_get(wo, "labour")), 2);
	assert_string_equal(rv_path_str(wo, "labour.0.rate", ""), "30.00");
	assert_string_equal(rv_path_str(wo, "labour.0.amount", ""), "60.00");
	assert_string_equal(rv_path_str(wo, "labour.1.rate", ""), "40.00");
	assert_string_equal(rv_path_str(wo, "labour.1.amount", ""), "140.00");
	assert_string_equal(rv_path_str(wo, "labour.1.agent_name", ""), "Agent A1");
	assert_cost(wo, "200.00", "0.00", "0.00", "200.00");
	rv_free(wo);
	rv_free(call_okf(t.c[AGENT1], "workorder.add_material", "{id: %lld, "
	    "description: \"Joint 20/27\", quantity: \"4\", unit_cost: \"2.35\"}", (long long)id));
	wo = call_okf(t.c[SUP_BAT], "workorder.add_service", "{id: %lld, contractor_id: %lld, "
	    "description: \"Recherche caméra\", amount: \"180.00\"}", (long long)id,
	    (long long)t.contractor);
	assert_cost(wo, "200.00", "9.40", "180.00", "389.40");
	assert_string_equal(rv_path_str(wo, "services.0.contractor_name", ""), "Plomberie Martin");
	rv_free(wo);
	/* A later rate change rewrites nothing. */
	pg_execf(t.pg, "INSERT INTO agent_rates (agent_id, effective, rate) "
	    "VALUES (%lld, current_date - 20, 99.00)", (long long)t.agent1);
	wo = call_okf(t.c[VIEWER], "workorder.get", "{id: %lld}", (long long)id);
	assert_cost(wo, "200.00", "9.40", "180.00", "389.40");
	rv_free(wo);

	/* What the report refuses, naming the field. */
	e = call_errf(t.c[AGENT1], "workorder.add_labour", "invalid", "{id: %lld, "
	    "day: \"%s\", hours: \"1\"}", (long long)id,
	    day(t.pg, -400));
	assert_string_equal(rv_path_str(e, "field", ""), "day");      /* no rate then */
	rv_free(e);
	e = call_errf(t.c[AGENT1], "workorder.add_labour", "invalid", "{id: %lld, "
	    "day: \"%s\", hours: \"1\"}", (long long)id,
	    day(t.pg, 2));
	assert_string_equal(rv_path_str(e, "field", ""), "day");      /* not yet worked */
	rv_free(e);
	for (int i = 0; i < 4; i++) {
		static const char *const bad[] = { "abc", "-1", "1.234", "0" };
		e = call_errf(t.c[AGENT1], "workorder.add_labour", "invalid", "{id: %lld, "
		    "day: \"2026-01-05\", hours: \"%s\"}", (long long)id, bad[i]);
		assert_string_equal(rv_path_str(e, "field", ""), "hours");
		rv_free(e);
	}
	e = call_errf(t.c[AGENT1], "workorder.add_material", "invalid", "{id: %lld, "
	    "description: \"Colle\", quantity: \"1\", unit_cost: \"1,50\"}", (long long)id);
	assert_string_equal(rv_path_str(e, "field", ""), "unit_cost");
	rv_free(e);
	/* An agent enters its own hours only, and adds no external service. */
	rv_free(call_errf(t.c[AGENT1], "workorder.add_labour", "forbidden", "{id: %lld, "
	    "day: \"%s\", hours: \"1\", agent_id: %lld}", (long long)id,
	    day(t.pg, 0), (long long)t.agent2));
	rv_free(call_errf(t.c[AGENT1], "workorder.add_service", "forbidden", "{id: %lld, "
	    "contractor_id: %lld, description: \"x\", amount: \"1\"}", (long long)id,
	    (long long)t.contractor));
	/* An agent not on it does not even see it. */
	rv_free(call_errf(t.c[AGENT2], "workorder.add_material", "not_found", "{id: %lld, "
	    "description: \"Colle\", quantity: \"1\", unit_cost: \"1.50\"}", (long long)id));
	/* The supervisor enters anyone's, and removes a line. */
	wo = call_okf(t.c[SUP_BAT], "workorder.add_labour", "{id: %lld, day: \"%s\", "
	    "hours: \"1\", agent_id: %lld}", (long long)id,
	    day(t.pg, 0), (long long)t.agent2);
	assert_cost(wo, "230.00", "9.40", "180.00", "419.40");
	line = rv_path_int(wo, "labour.2.id", 0);
	rv_free(wo);
	rv_free(call_errf(t.c[AGENT1], "workorder.remove_line", "not_found", "{id: %lld, "
	    "kind: \"labour\", line_id: %lld}", (long long)id, (long long)line));
	wo = call_okf(t.c[SUP_BAT], "workorder.remove_line", "{id: %lld, kind: \"labour\", "
	    "line_id: %lld}", (long long)id, (long long)line);
	assert_cost(wo, "200.00", "9.40", "180.00", "389.40");
	rv_free(wo);

	/* Closing freezes the cost, and the work order takes no more lines. */
	wo_do(&t, id, "workorder.finish", NULL);
	wo_do(&t, id, "workorder.close", NULL);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_orders WHERE id = %lld AND "
	    "cost_labour = 200.00 AND cost_material = 9.40 AND cost_services = 180.00",
	    (long long)id), 1);
	e = call_errf(t.c[SUP_BAT], "workorder.add_material", "invalid", "{id: %lld, "
	    "description: \"Colle\", quantity: \"1\", unit_cost: \"1.50\"}", (long long)id);
	assert_non_null(strstr(rv_path_str(e, "message", ""), "closed"));
	rv_free(e);
	rv_free(call_errf(t.c[ADMIN], "workorder.remove_line", "invalid", "{id: %lld, "
	    "kind: \"material\", line_id: 1}", (long long)id));
	/* and the database itself refuses it */
	{
		char *sql = xasprintf("INSERT INTO work_order_material (work_order_id, description, "
		    "quantity, unit_cost) VALUES (%lld, 'x', 1, 1)", (long long)id);
		res = PQexec(t.pg, sql);
		assert_int_equal(PQresultStatus(res), PGRES_FATAL_ERROR);
		PQclear(res);
		free(sql);
	}
	/* What is frozen stays, whatever the lines say. */
	h_pg_exec(t.pg, "ALTER TABLE work_order_labour DISABLE TRIGGER work_order_labour_guard");
	pg_execf(t.pg, "UPDATE work_order_labour SET hours = 10 WHERE work_order_id = %lld",
	    (long long)id);
	wo = call_okf(t.c[VIEWER], "workorder.get", "{id: %lld}", (long long)id);
	assert_cost(wo, "200.00", "9.40", "180.00", "389.40");
	assert_string_equal(rv_path_str(wo, "status", ""), "closed");
	rv_free(wo);
	town_end(&t);
}

/* ---- a retried report counts once ---- */

static void
test_idempotent_report(void **state)
{
	(void)state;
	struct town t;
	struct rv *first, *again;
	int64_t id;

	town_start(&t, "it_workorders_idempotent");
	id = wo_in(&t, "in_progress");
	first = call_okf(t.c[AGENT1], "workorder.report", "{id: %lld, hours: \"1.5\", "
	    "part: \"Flexible inox\", unit_cost: \"8.90\", note: \"Flexible changé\", "
	    "request_key: \"field-7f3a\"}", (long long)id);
	assert_int_equal(rv_len(rv_get(first, "labour")), 1);
	assert_int_equal(rv_len(rv_get(first, "material")), 1);
	assert_string_equal(rv_path_str(first, "cost.total", ""), "53.90");
	/* The answer was lost; the agent's terminal sends it again. */
	again = call_okf(t.c[AGENT1], "workorder.report", "{id: %lld, hours: \"1.5\", "
	    "part: \"Flexible inox\", unit_cost: \"8.90\", note: \"Flexible changé\", "
	    "request_key: \"field-7f3a\"}", (long long)id);
	assert_true(rv_equal(first, again));
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_order_labour "
	    "WHERE work_order_id = %lld", (long long)id), 1);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_order_material "
	    "WHERE work_order_id = %lld", (long long)id), 1);
	rv_free(first);
	rv_free(again);
	/* Another key is another report. */
	rv_free(call_okf(t.c[AGENT1], "workorder.report", "{id: %lld, hours: \"1\", "
	    "request_key: \"field-7f3b\"}", (long long)id));
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_order_labour "
	    "WHERE work_order_id = %lld", (long long)id), 2);
	rv_free(call_errf(t.c[AGENT1], "workorder.report", "invalid", "{id: %lld}",
	    (long long)id));
	/* A part without its cost would lower the real cost unseen. */
	first = call_errf(t.c[AGENT1], "workorder.report", "invalid", "{id: %lld, "
	    "part: \"Joint\"}", (long long)id);
	assert_string_equal(rv_path_str(first, "field", ""), "unit_cost");
	rv_free(first);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_order_material "
	    "WHERE work_order_id = %lld", (long long)id), 1);
	town_end(&t);
}

/* ---- who sees what ---- */

static bool
list_has(const struct rv *r, int64_t id)
{
	const struct rv *items = rv_get(r, "items");

	for (size_t i = 0; i < rv_len(items); i++) {
		if (rv_path_int(items->a.items[i], "id", 0) == id)
			return true;
	}
	return false;
}

static void
test_scoping(void **state)
{
	(void)state;
	struct town t;
	struct rv *r;
	int64_t mine, theirs, urgent, linked, request;

	town_start(&t, "it_workorders_scoping");
	mine = wo_in(&t, "assigned");
	urgent = wo_new(&t, "priority: \"urgent\"");
	wo_assign(&t, urgent, t.agent1);
	theirs = wo_new(&t, NULL);
	wo_assign(&t, theirs, t.agent2);
	request = id_of(call_okf(t.c[REF_A], "request.submit", "{category_id: %lld, "
	    "site_id: %lld, description: \"Robinet qui goutte\"}", (long long)t.plumbing,
	    (long long)t.site_a));
	rv_free(call_okf(t.c[SUP_BAT], "request.approve", "{id: %lld, version: 1}",
	    (long long)request));
	linked = pg_int(t.pg, "SELECT work_order_id FROM requests WHERE id = %lld",
	    (long long)request);

	/* An agent sees its own work orders only. */
	r = h_call_ok(t.c[AGENT1], "workorder.list", "{}");
	assert_int_equal(rv_len(rv_get(r, "items")), 2);
	assert_true(list_has(r, mine) && list_has(r, urgent));
	rv_free(r);
	rv_free(call_errf(t.c[AGENT1], "workorder.get", "not_found", "{id: %lld}",
	    (long long)theirs));
	r = call_okf(t.c[AGENT1], "workorder.get", "{id: %lld}", (long long)mine);
	assert_int_equal(rv_path_int(r, "assignees.0.agent_id", 0), t.agent1);
	assert_int_equal(rv_path_int(r, "assignees.0.user_id", 0), t.uid[AGENT1]);
	rv_free(r);
	/* My work: the urgent one first. */
	r = h_call_ok(t.c[AGENT1], "workorder.mine", "{}");
	assert_int_equal(rv_len(rv_get(r, "items")), 2);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), urgent);
	assert_int_equal(rv_path_int(r, "items.1.id", 0), mine);
	assert_null(rv_get(rv_path(r, "items.0"), "sort_key"));
	rv_free(r);
	r = h_call_ok(t.c[AGENT1], "workorder.mine", "{limit: 1}");
	assert_int_equal(rv_path_int(r, "items.0.id", 0), urgent);
	{
		char *next = xstrdup(rv_path_str(r, "next", ""));
		rv_free(r);
		r = call_okf(t.c[AGENT1], "workorder.mine", "{limit: 1, after: \"%s\"}", next);
		assert_int_equal(rv_len(rv_get(r, "items")), 1);
		assert_int_equal(rv_path_int(r, "items.0.id", 0), mine);
		free(next);
	}
	rv_free(r);
	r = h_call_ok(t.c[AGENT2], "workorder.mine", "{}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), theirs);
	rv_free(r);
	/* A referent sees the work orders of the requests it sees. */
	r = h_call_ok(t.c[REF_A], "workorder.list", "{}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_true(list_has(r, linked));
	rv_free(r);
	r = call_okf(t.c[REF_A], "workorder.get", "{id: %lld}", (long long)linked);
	assert_int_equal(rv_path_int(r, "request_id", 0), request);
	rv_free(r);
	rv_free(call_errf(t.c[REF_A], "workorder.get", "not_found", "{id: %lld}", (long long)mine));
	r = h_call_ok(t.c[REF_B], "workorder.list", "{}");
	assert_int_equal(rv_len(rv_get(r, "items")), 0);
	rv_free(r);
	rv_free(call_errf(t.c[REF_B], "workorder.get", "not_found", "{id: %lld}",
	    (long long)linked));
	/* Viewers, storekeepers and supervisors read them all; filters work. */
	r = h_call_ok(t.c[VIEWER], "workorder.list", "{}");
	assert_int_equal(rv_len(rv_get(r, "items")), 4);
	rv_free(r);
	r = call_okf(t.c[STOREKEEPER], "workorder.list", "{agent_id: %lld}", (long long)t.agent2);
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_true(list_has(r, theirs));
	rv_free(r);
	r = h_call_ok(t.c[SUP_EV], "workorder.list", "{status: \"planned\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_true(list_has(r, linked));
	rv_free(r);
	r = h_call_ok(t.c[SUP_BAT], "workorder.list", "{limit: 3}");
	assert_int_equal(rv_len(rv_get(r, "items")), 3);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), linked);      /* newest first */
	{
		char *next = xstrdup(rv_path_str(r, "next", ""));
		rv_free(r);
		r = call_okf(t.c[SUP_BAT], "workorder.list", "{limit: 3, after: \"%s\"}", next);
		assert_int_equal(rv_len(rv_get(r, "items")), 1);
		assert_int_equal(rv_path_int(r, "items.0.id", 0), mine);
		free(next);
	}
	rv_free(r);
	r = h_call_ok(t.c[SUP_BAT], "workorder.list", "{query: \"robinet\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	rv_free(r);
	town_end(&t);
}

/* ---- an asset's history ---- */

static void
test_asset_history(void **state)
{
	(void)state;
	struct town t;
	struct rv *r;
	int64_t school, lift, kiosk;

	town_start(&t, "it_workorders_history");
	school = wo_new(&t, NULL);
	lift = id_of(call_okf(t.c[SUP_BAT], "workorder.create", "{type: \"regulatory\", "
	    "asset_id: %lld, service_id: %lld, title: \"Contrôle annuel ascenseur\"}",
	    (long long)t.lift_a, (long long)t.bat));
	kiosk = id_of(call_okf(t.c[SUP_BAT], "workorder.create", "{type: \"corrective\", "
	    "asset_id: %lld, service_id: %lld, title: \"Vitre cassée\"}",
	    (long long)t.building_b, (long long)t.bat));
	r = call_okf(t.c[VIEWER], "workorder.asset_history", "{asset_id: %lld}",
	    (long long)t.building_a);
	assert_int_equal(rv_len(rv_get(r, "items")), 2);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), lift);
	assert_int_equal(rv_path_int(r, "items.1.id", 0), school);
	assert_int_equal(rv_path_int(r, "items.1.site_id", 0), t.site_a);
	rv_free(r);
	r = call_okf(t.c[VIEWER], "workorder.asset_history", "{asset_id: %lld}",
	    (long long)t.lift_a);
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), lift);
	rv_free(r);
	r = call_okf(t.c[VIEWER], "workorder.asset_history", "{asset_id: %lld}",
	    (long long)t.building_b);
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), kiosk);
	rv_free(r);
	rv_free(h_call_err(t.c[VIEWER], "workorder.asset_history", "{asset_id: 999999}",
	    "not_found"));
	town_end(&t);
}

/* ---- delays ---- */

static void
test_delay(void **state)
{
	(void)state;
	struct town t;
	struct rv *r;
	int64_t late, early, done;
	char *past, *future;

	town_start(&t, "it_workorders_delay");
	past = xstrdup(day(t.pg, -3));
	future = xstrdup(day(t.pg, 10));
	late = wo_new(&t, NULL);
	pg_execf(t.pg, "UPDATE work_orders SET target_date = '%s' WHERE id = %lld", past,
	    (long long)late);
	early = wo_new(&t, NULL);
	pg_execf(t.pg, "UPDATE work_orders SET target_date = '%s' WHERE id = %lld", future,
	    (long long)early);
	done = wo_in(&t, "done");
	pg_execf(t.pg, "UPDATE work_orders SET target_date = '%s', created = now() - interval "
	    "'5 days' WHERE id = %lld", past, (long long)done);

	r = call_okf(t.c[VIEWER], "workorder.get", "{id: %lld}", (long long)late);
	assert_true(rv_path_bool(r, "delay.late", false));
	assert_int_equal(rv_path_int(r, "delay.days_late", 0), 3);
	assert_int_equal(rv_get(rv_get(r, "delay"), "days_taken")->type, RV_NIL);
	rv_free(r);
	r = call_okf(t.c[VIEWER], "workorder.get", "{id: %lld}", (long long)early);
	assert_false(rv_path_bool(r, "delay.late", true));
	assert_int_equal(rv_path_int(r, "delay.days_late", -1), 0);
	rv_free(r);
	r = call_okf(t.c[VIEWER], "workorder.get", "{id: %lld}", (long long)done);
	assert_true(rv_path_bool(r, "delay.late", false));
	assert_int_equal(rv_path_int(r, "delay.days_late", 0), 3);
	assert_int_equal(rv_path_int(r, "delay.days_taken", -1), 5);
	rv_free(r);
	/* Overdue: open and past its target. */
	r = h_call_ok(t.c[VIEWER], "workorder.list", "{overdue: true}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_true(list_has(r, late));
	rv_free(r);
	r = h_call_ok(t.c[VIEWER], "workorder.list", "{status: \"open\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 2);
	assert_false(list_has(r, done));
	rv_free(r);
	r = call_okf(t.c[VIEWER], "workorder.list", "{from: \"%s\"}", future);
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_true(list_has(r, early));
	rv_free(r);
	free(past);
	free(future);
	town_end(&t);
}

/* ---- the request follows its work order ---- */

static void
test_request_timeline(void **state)
{
	(void)state;
	struct town t;
	struct rv *r;
	const struct rv *timeline;
	int64_t request, wo;
	bool seen_start = false, seen_done = false;

	town_start(&t, "it_workorders_request");
	request = id_of(call_okf(t.c[REF_A], "request.submit", "{category_id: %lld, "
	    "site_id: %lld, description: \"Chasse d'eau bloquée\"}", (long long)t.plumbing,
	    (long long)t.site_a));
	rv_free(call_okf(t.c[SUP_BAT], "request.approve", "{id: %lld, version: 1}",
	    (long long)request));
	wo = pg_int(t.pg, "SELECT work_order_id FROM requests WHERE id = %lld", (long long)request);
	wo_assign(&t, wo, t.agent1);
	rv_free(call_okf(t.c[AGENT1], "workorder.start", "{id: %lld, version: %lld}",
	    (long long)wo, version_of(&t, wo)));
	rv_free(call_okf(t.c[AGENT1], "workorder.finish", "{id: %lld, version: %lld, "
	    "completion: \"Mécanisme remplacé\"}", (long long)wo, version_of(&t, wo)));
	/* The referent reads, on its request, who did what. */
	r = call_okf(t.c[REF_A], "request.get", "{id: %lld}", (long long)request);
	timeline = rv_get(r, "timeline");
	for (size_t i = 0; i < rv_len(timeline); i++) {
		const struct rv *e = timeline->a.items[i];
		if (strcmp(rv_path_str(e, "kind", ""), "workorder") != 0)
			continue;
		if (strcmp(rv_path_str(e, "status", ""), "in_progress") == 0) {
			assert_int_equal(rv_path_int(e, "user_id", 0), t.uid[AGENT1]);
			seen_start = true;
		}
		if (strcmp(rv_path_str(e, "status", ""), "done") == 0) {
			assert_int_equal(rv_path_int(e, "user_id", 0), t.uid[AGENT1]);
			seen_done = true;
		}
		if (strcmp(rv_path_str(e, "status", ""), "assigned") == 0)
			assert_int_equal(rv_path_int(e, "user_id", 0), t.uid[SUP_BAT]);
	}
	assert_true(seen_start && seen_done);
	rv_free(r);
	town_end(&t);
}

/* ---- events ---- */

struct watcher {
	struct regie_client *c;
	int64_t uid;
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

struct wanted {
	struct watcher *w;
	const char *op;
	int64_t id;
	bool owned;                  /* owner = the watcher's user */
};

static bool
watcher_got(struct watcher *w, const char *op, int64_t id, bool owned)
{
	for (size_t i = 0; i < rv_len(w->events); i++) {
		const struct rv *ev = w->events->a.items[i];
		if (strcmp(rv_path_str(ev, "topic", ""), "workorder") == 0 &&
		    (op == NULL || strcmp(rv_path_str(ev, "op", ""), op) == 0) &&
		    rv_path_int(ev, "id", 0) == id &&
		    (!owned || rv_path_int(ev, "owner", 0) == w->uid))
			return true;
	}
	return false;
}

static int
wanted_arrived(void *arg)
{
	struct wanted *x = arg;

	return watcher_got(x->w, x->op, x->id, x->owned);
}

#define await_event(t, w, op, id, owned) \
	await_event_at(__FILE__, __LINE__, (t), (w), (op), (id), (owned))

static void
await_event_at(const char *file, int line, struct town *t, struct watcher *w, const char *op,
    int64_t id, bool owned)
{
	struct wanted x = { w, op, id, owned };

	if (!h_loop_until(t->base, wanted_arrived, &x, EVENT_WAIT_MS)) {
		char *seen = rv_to_json(w->events);
		print_error("ERROR: no workorder event {op: %s, id: %lld} within %d ms; got %s\n",
		    op, (long long)id, EVENT_WAIT_MS, seen);
		free(seen);
		_fail(file, line);
	}
}

/* w heard nothing of work order id; a round trip first, as the server
 * writes an event to every connection in one pass. */
static void
assert_unheard(struct watcher *w, int64_t id)
{
	rv_free(h_call_ok(w->c, "system.ping", "{}"));
	if (watcher_got(w, NULL, id, false)) {
		char *seen = rv_to_json(w->events);
		fail_msg("heard of work order %lld, which is none of its business: %s",
		    (long long)id, seen);
	}
}

static void
test_events(void **state)
{
	(void)state;
	static const enum person listening[] = { ADMIN, SUP_BAT, SUP_EV, AGENT1, AGENT2,
		AGENT_EV, VIEWER };
	struct town t;
	struct watcher w[NPEOPLE];
	int64_t id;

	town_start(&t, "it_workorders_events");
	memset(w, 0, sizeof w);
	for (size_t i = 0; i < sizeof listening / sizeof listening[0]; i++) {
		enum person p = listening[i];
		w[p].c = t.c[p];
		w[p].uid = t.uid[p];
		w[p].events = rv_array();
		regie_client_set_notify_cb(t.c[p], watcher_cb, &w[p]);
		rv_free(h_call_ok(t.c[p], "event.subscribe", "{topics: [\"workorder\"]}"));
	}
	id = wo_new(&t, NULL);
	await_event(&t, &w[SUP_BAT], "create", id, false);
	await_event(&t, &w[ADMIN], "create", id, false);
	await_event(&t, &w[VIEWER], "create", id, false);
	assert_unheard(&w[SUP_EV], id);
	assert_unheard(&w[AGENT_EV], id);

	/* The assignee is told, by name, and of what follows. */
	wo_assign(&t, id, t.agent1);
	await_event(&t, &w[AGENT1], "assign", id, true);
	await_event(&t, &w[SUP_BAT], "assign", id, false);
	wo_do(&t, id, "workorder.start", NULL);
	await_event(&t, &w[AGENT1], "start", id, true);
	await_event(&t, &w[SUP_BAT], "start", id, false);
	rv_free(call_okf(t.c[AGENT1], "workorder.add_labour", "{id: %lld, day: \"%s\", "
	    "hours: \"1\"}", (long long)id, day(t.pg, 0)));
	await_event(&t, &w[SUP_BAT], "add_labour", id, false);
	assert_unheard(&w[SUP_EV], id);
	assert_unheard(&w[AGENT_EV], id);
	/* An agent hears only of its own work, not of its service's. */
	assert_unheard(&w[AGENT2], id);
	/* Taken off it, the agent is told so. */
	rv_free(call_okf(t.c[SUP_BAT], "workorder.assign", "{id: %lld, version: %lld, "
	    "agent_ids: [%lld]}", (long long)id, version_of(&t, id), (long long)t.agent2));
	await_event(&t, &w[AGENT1], "unassign", id, true);
	await_event(&t, &w[AGENT2], "assign", id, true);
	assert_unheard(&w[AGENT_EV], id);

	for (size_t i = 0; i < sizeof listening / sizeof listening[0]; i++)
		rv_free(w[listening[i]].events);
	town_end(&t);
}

/* ---- creating, editing, assigning ---- */

static void
test_edit_assign(void **state)
{
	(void)state;
	struct town t;
	struct rv *r, *e;
	int64_t id, team;

	town_start(&t, "it_workorders_edit");
	/* Only the service's supervisor creates, for a place that exists. */
	rv_free(call_errf(t.c[SUP_EV], "workorder.create", "forbidden", "{type: \"corrective\", "
	    "site_id: %lld, service_id: %lld, title: \"x\"}", (long long)t.site_a,
	    (long long)t.bat));
	e = call_errf(t.c[SUP_BAT], "workorder.create", "invalid", "{type: \"corrective\", "
	    "service_id: %lld, title: \"x\"}", (long long)t.bat);
	assert_string_equal(rv_path_str(e, "field", ""), "asset_id");
	rv_free(e);
	e = call_errf(t.c[SUP_BAT], "workorder.create", "invalid", "{type: \"corrective\", "
	    "site_id: %lld, service_id: %lld, title: \"x\", planned_start: \"2026-12-10\", "
	    "planned_end: \"2026-12-01\"}", (long long)t.site_a, (long long)t.bat);
	assert_string_equal(rv_path_str(e, "field", ""), "planned_end");
	rv_free(e);
	r = call_okf(t.c[SUP_BAT], "workorder.create", "{type: \"improvement\", "
	    "site_id: %lld, service_id: %lld, title: \"Peinture préau\", target_date: \"2026-12-20\"}",
	    (long long)t.site_a, (long long)t.bat);
	id = rv_path_int(r, "id", 0);
	assert_string_equal(rv_path_str(r, "status", ""), "planned");
	assert_string_equal(rv_path_str(r, "site_name", ""), "Groupe scolaire Jaurès");
	assert_int_equal(strncmp(rv_path_str(r, "number", ""), "OT-", 3), 0);
	assert_string_equal(rv_path_str(r, "cost.total", ""), "0.00");
	rv_free(r);
	r = call_okf(t.c[SUP_BAT], "workorder.update", "{id: %lld, version: 1, "
	    "title: \"Peinture du préau\", contractor_id: %lld}", (long long)id,
	    (long long)t.contractor);
	assert_string_equal(rv_path_str(r, "title", ""), "Peinture du préau");
	assert_int_equal(rv_path_int(r, "contractor_id", 0), t.contractor);
	assert_string_equal(rv_path_str(r, "target_date", ""), "2026-12-20");
	rv_free(r);
	r = call_okf(t.c[SUP_BAT], "workorder.update", "{id: %lld, version: 2, contractor_id: 0}",
	    (long long)id);
	assert_int_equal(rv_get(r, "contractor_id")->type, RV_NIL);
	rv_free(r);
	rv_free(call_errf(t.c[SUP_BAT], "workorder.update", "conflict", "{id: %lld, version: 2, "
	    "title: \"x\"}", (long long)id));

	/* Assigning: another service's agent is refused; a team adds its members. */
	e = call_errf(t.c[SUP_BAT], "workorder.assign", "invalid", "{id: %lld, version: 3, "
	    "agent_ids: [%lld]}", (long long)id, (long long)t.agent_ev);
	assert_string_equal(rv_path_str(e, "field", ""), "agent_id");
	rv_free(e);
	pg_execf(t.pg, "INSERT INTO teams (code, name, service_id) VALUES ('PEINT', 'Peintres', "
	    "%lld)", (long long)t.bat);
	team = pg_int(t.pg, "SELECT id FROM teams WHERE code = 'PEINT'");
	pg_execf(t.pg, "UPDATE agents SET team_id = %lld WHERE id = %lld", (long long)team,
	    (long long)t.agent2);
	r = call_okf(t.c[SUP_BAT], "workorder.assign", "{id: %lld, version: 3, "
	    "agent_ids: [%lld], team_id: %lld}", (long long)id, (long long)t.agent1,
	    (long long)team);
	assert_string_equal(rv_path_str(r, "status", ""), "assigned");
	assert_int_equal(rv_len(rv_get(r, "assignees")), 2);
	assert_int_equal(rv_path_int(r, "team_id", 0), team);
	/* One call, one change: the version the client holds next. */
	assert_int_equal(rv_path_int(r, "version", 0), 4);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_order_events WHERE "
	    "work_order_id = %lld AND kind = 'assign'", (long long)id), 2);
	/* Everyone off it: planned again. */
	rv_free(r);
	r = call_okf(t.c[SUP_BAT], "workorder.assign", "{id: %lld, version: %lld, "
	    "agent_ids: []}", (long long)id, version_of(&t, id));
	assert_string_equal(rv_path_str(r, "status", ""), "planned");
	assert_int_equal(rv_len(rv_get(r, "assignees")), 0);
	rv_free(r);
	/* Comments go on the timeline, even once closed. */
	r = call_okf(t.c[STOREKEEPER], "workorder.comment", "{id: %lld, note: \"Peinture en stock\"}",
	    (long long)id);
	{
		const struct rv *tl = rv_get(r, "timeline");
		const struct rv *last = tl->a.items[rv_len(tl) - 1];
		assert_string_equal(rv_path_str(last, "kind", ""), "comment");
		assert_string_equal(rv_path_str(last, "note", ""), "Peinture en stock");
		assert_string_equal(rv_path_str(last, "user_name", ""), "store");
	}
	rv_free(r);
	town_end(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_costs),
		cmocka_unit_test(test_idempotent_report),
		cmocka_unit_test(test_scoping),
		cmocka_unit_test(test_asset_history),
		cmocka_unit_test(test_delay),
		cmocka_unit_test(test_request_timeline),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_edit_assign),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
