/* Requests and the validation queue: who may move a request from which
 * state to which, what two supervisors deciding at once get, who sees
 * and files what, target dates in working days, the work order an
 * approval makes and the request's timeline following it, events
 * reaching the right people only, and bulk decisions item by item. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

#define EVENT_WAIT_MS 10000

#define call_okf h_call_okf
#define call_errf h_call_errf

/* A query's single value as text (caller frees), asserted to exist. */
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

/* ---- the town: two technical services, two sites, one person of each
 * kind ---- */

enum person {
	ADMIN,
	SUP_BAT,       /* supervises Buildings, where plumbing goes */
	SUP_EV,        /* supervises Green spaces */
	AGENT,         /* an agent of Buildings */
	REF_A,         /* referent of site A: files the requests */
	REF_A2,        /* another referent of site A */
	REF_B,         /* referent of site B */
	VIEWER,
	STOREKEEPER,
	NPEOPLE
};

static const struct {
	const char *login;
	const char *roles;
	bool bat, ev, site_a, site_b;
} people[NPEOPLE] = {
	[ADMIN] = { "admin", "admin", false, false, false, false },
	[SUP_BAT] = { "sup-bat", "supervisor", true, false, false, false },
	[SUP_EV] = { "sup-ev", "supervisor", false, true, false, false },
	[AGENT] = { "agent", "agent", true, false, false, false },
	[REF_A] = { "ref-a", "referent", false, false, true, false },
	[REF_A2] = { "ref-a2", "referent", false, false, true, false },
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
	int64_t bat, ev, schools, site_a, site_b, building_a;
	int64_t plumbing, green, unrouted;
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
roles_json(const char *csv)
{
	char *copy = xstrdup(csv), *save, *role, *out = xstrdup("[");

	for (role = strtok_r(copy, ",", &save); role != NULL; role = strtok_r(NULL, ",", &save)) {
		char *next = xasprintf("%s%s\"%s\"", out, out[1] ? ", " : "", role);
		free(out);
		out = next;
	}
	free(copy);
	copy = xasprintf("%s]", out);
	free(out);
	return copy;
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
	t->schools = id_of(h_call_ok(admin, "service.create",
	    "{code: \"ECOLES\", name: \"Écoles\", kind: \"requesting\"}"));
	t->site_a = id_of(h_call_ok(admin, "site.create",
	    "{code: \"GS-JAURES\", name: \"Groupe scolaire Jaurès\"}"));
	t->site_b = id_of(h_call_ok(admin, "site.create",
	    "{code: \"PARC-NORD\", name: \"Parc du Nord\"}"));
	type = pg_text(t->pg, "SELECT id FROM asset_types WHERE code = 'building'");
	t->building_a = id_of(call_okf(admin, "asset.create", "{name: \"École élémentaire\", "
	    "type_id: %s, service_id: %lld, site_id: %lld, "
	    "attributes: \"{\\\"floor_area\\\": 1800}\"}", type, (long long)t->bat,
	    (long long)t->site_a));
	free(type);
	t->plumbing = pg_int(t->pg, "SELECT id FROM request_categories WHERE code = 'plumbing'");
	t->green = pg_int(t->pg, "SELECT id FROM request_categories WHERE code = 'green_spaces'");
	t->unrouted = pg_int(t->pg, "SELECT id FROM request_categories WHERE code = 'painting'");
	rv_free(call_okf(admin, "category.update", "{id: %lld, version: 1, service_id: %lld}",
	    (long long)t->plumbing, (long long)t->bat));
	rv_free(call_okf(admin, "category.update", "{id: %lld, version: 1, service_id: %lld}",
	    (long long)t->green, (long long)t->ev));

	for (int p = ADMIN + 1; p < NPEOPLE; p++) {
		char *roles = roles_json(people[p].roles), *services, *sites, *password;

		services = people[p].bat ? xasprintf("[%lld]", (long long)t->bat) :
		    people[p].ev ? xasprintf("[%lld]", (long long)t->ev) : xstrdup("[]");
		sites = people[p].site_a ? xasprintf("[%lld]", (long long)t->site_a) :
		    people[p].site_b ? xasprintf("[%lld]", (long long)t->site_b) : xstrdup("[]");
		password = xasprintf("%s-secret", people[p].login);
		t->uid[p] = id_of(call_okf(admin, "user.create", "{login: \"%s\", name: \"%s\", "
		    "roles: %s, services: %s, sites: %s, password: \"%s\"}", people[p].login,
		    people[p].login, roles, services, sites, password));
		t->c[p] = h_connect(t->base, h_server_addr(t->s));
		assert_int_equal(h_login(t->c[p], people[p].login, password), t->uid[p]);
		free(roles);
		free(services);
		free(sites);
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

/* A plumbing request for site A, filed by its referent. */
static int64_t
file_a(struct town *t, const char *urgency)
{
	return id_of(call_okf(t->c[REF_A], "request.submit", "{category_id: %lld, "
	    "site_id: %lld, description: \"Fuite sous l'évier de la cantine\", urgency: \"%s\"}",
	    (long long)t->plumbing, (long long)t->site_a, urgency));
}

static long long
version_of(struct town *t, int64_t id)
{
	return pg_int(t->pg, "SELECT version FROM requests WHERE id = %lld", (long long)id);
}

static char *
status_of(struct town *t, int64_t id)
{
	return pg_text(t->pg, "SELECT status FROM requests WHERE id = %lld", (long long)id);
}

/* ---- the transition table ---- */

enum action { APPROVE, REJECT, NEEDS_INFO, DUPLICATE, CANCEL, ANSWER, NACTIONS };

static const struct {
	const char *method;
	const char *to;
} actions[NACTIONS] = {
	[APPROVE] = { "request.approve", "approved" },
	[REJECT] = { "request.reject", "rejected" },
	[NEEDS_INFO] = { "request.needs_info", "needs_info" },
	[DUPLICATE] = { "request.duplicate", "duplicate" },
	[CANCEL] = { "request.cancel", "cancelled" },
	[ANSWER] = { "request.answer", "submitted" },
};

/* What the rules say: NULL for allowed, else the error code. */
static const char *
expected(enum action a, const char *state, enum person p)
{
	bool decision = a == APPROVE || a == REJECT || a == NEEDS_INFO || a == DUPLICATE;
	bool may;

	if (p == VIEWER || p == STOREKEEPER)
		return "forbidden";                 /* not their methods at all */
	if (decision) {
		if (p != ADMIN && p != SUP_BAT && p != SUP_EV)
			return "forbidden";             /* not their methods at all */
		may = p != SUP_EV;                  /* not SUP_EV's service */
	} else if (p == REF_B) {
		return "not_found";                 /* another site's request */
	} else if (a == CANCEL) {
		may = p == ADMIN || p == REF_A;
	} else {
		may = p == ADMIN || p == REF_A || p == REF_A2;
	}
	if (!may)
		return "forbidden";
	if (decision || a == CANCEL)
		return strcmp(state, "submitted") == 0 ||
		    (a == CANCEL && strcmp(state, "needs_info") == 0) ? NULL : "conflict";
	return strcmp(state, "needs_info") == 0 ? NULL : "conflict";
}

/* A fresh request in state. */
static int64_t
request_in(struct town *t, const char *state)
{
	int64_t id = file_a(t, "normal");

	if (strcmp(state, "needs_info") == 0)
		rv_free(call_okf(t->c[ADMIN], "request.needs_info", "{id: %lld, version: 1, "
		    "question: \"Quel étage ?\"}", (long long)id));
	else if (strcmp(state, "approved") == 0)
		rv_free(call_okf(t->c[ADMIN], "request.approve", "{id: %lld, version: 1}",
		    (long long)id));
	else if (strcmp(state, "rejected") == 0)
		rv_free(call_okf(t->c[ADMIN], "request.reject", "{id: %lld, version: 1, "
		    "reason: \"Hors périmètre\"}", (long long)id));
	return id;
}

static void
test_transitions(void **state)
{
	(void)state;
	static const char *const states[] = { "submitted", "needs_info", "approved", "rejected" };
	struct town t;
	int64_t original;
	int allowed = 0, refused = 0;

	town_start(&t, "it_requests_transitions");
	original = file_a(&t, "normal");
	for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
		for (int a = 0; a < NACTIONS; a++) {
			for (int p = 0; p < NPEOPLE; p++) {
				const char *want = expected(a, states[s], p);
				int64_t id = request_in(&t, states[s]);
				long long version = version_of(&t, id);
				struct rv *result = NULL, *error = NULL, *params = rv_map();
				char *after;

				rv_set_int(params, "id", id);
				rv_set_int(params, "version", version);
				if (a == REJECT)
					rv_set_str(params, "reason", "Hors périmètre");
				else if (a == NEEDS_INFO)
					rv_set_str(params, "question", "Où ?");
				else if (a == DUPLICATE)
					rv_set_int(params, "original_id", original);
				else if (a == ANSWER)
					rv_set_str(params, "answer", "Au rez-de-chaussée");
				regie_call_sync(t.c[p], actions[a].method, params, &result, &error,
				    H_CALL_TIMEOUT_MS);
				after = status_of(&t, id);
				if (want == NULL) {
					if (error != NULL)
						fail_msg("%s by %s on a %s request: refused with %s: %s",
						    actions[a].method, people[p].login, states[s],
						    rv_path_str(error, "code", "?"),
						    rv_path_str(error, "message", ""));
					assert_string_equal(after, actions[a].to);
					assert_string_equal(rv_path_str(result, "status", ""), actions[a].to);
					assert_int_equal(rv_path_int(result, "version", 0), version + 1);
					assert_int_equal(version_of(&t, id), version + 1);
					allowed++;
				} else {
					if (error == NULL || strcmp(rv_path_str(error, "code", ""), want) != 0)
						fail_msg("%s by %s on a %s request: expected %s, got %s",
						    actions[a].method, people[p].login, states[s], want,
						    error ? rv_path_str(error, "code", "?") : "success");
					/* Nothing changed. */
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
	assert_true(allowed >= 12);
	assert_true(refused > allowed);

	/* What each decision needs. */
	{
		int64_t id = file_a(&t, "normal");
		struct rv *e;

		rv_free(call_errf(t.c[ADMIN], "request.reject", "invalid", "{id: %lld, version: 1}",
		    (long long)id));
		rv_free(call_errf(t.c[ADMIN], "request.reject", "invalid",
		    "{id: %lld, version: 1, reason: \"\"}", (long long)id));
		rv_free(call_errf(t.c[ADMIN], "request.needs_info", "invalid",
		    "{id: %lld, version: 1}", (long long)id));
		rv_free(call_errf(t.c[ADMIN], "request.duplicate", "invalid",
		    "{id: %lld, version: 1}", (long long)id));
		e = call_errf(t.c[ADMIN], "request.duplicate", "invalid",
		    "{id: %lld, version: 1, original_id: %lld}", (long long)id, (long long)id);
		assert_string_equal(rv_path_str(e, "field", ""), "original_id");
		rv_free(e);
		e = call_errf(t.c[ADMIN], "request.duplicate", "invalid",
		    "{id: %lld, version: 1, original_id: 999999}", (long long)id);
		assert_string_equal(rv_path_str(e, "field", ""), "original_id");
		rv_free(e);
		e = call_errf(t.c[ADMIN], "request.approve", "conflict",
		    "{id: %lld, version: 7}", (long long)id);
		assert_string_equal(rv_path_str(e, "field", ""), "version");
		rv_free(e);
		/* The duplicate points at its original, which lists it. */
		e = call_okf(t.c[SUP_BAT], "request.duplicate", "{id: %lld, version: 1, "
		    "original_id: %lld}", (long long)id, (long long)original);
		assert_int_equal(rv_path_int(e, "duplicate_of", 0), original);
		assert_non_null(strstr(rv_path_str(e, "duplicate_of_number", ""), "DI-"));
		rv_free(e);
		e = call_okf(t.c[REF_A], "request.get", "{id: %lld}", (long long)original);
		assert_true(rv_len(rv_get(e, "duplicates")) >= 1);
		rv_free(e);
	}
	town_end(&t);
}

/* ---- two decisions at once ---- */

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
decision(enum action a, int64_t id, long long version)
{
	char *json, err[128];
	struct rv *params;

	json = xasprintf("{id: %lld, version: %lld%s}", (long long)id, version,
	    a == REJECT ? ", reason: \"Non\"" : a == NEEDS_INFO ? ", question: \"Où ?\"" : "");
	params = rv_from_json(json, err, sizeof err);
	assert_non_null(params);
	free(json);
	return params;
}

static void
test_concurrent_decisions(void **state)
{
	(void)state;
	static const enum action pairs[][2] = {
		{ APPROVE, APPROVE }, { APPROVE, REJECT }, { REJECT, APPROVE },
		{ NEEDS_INFO, APPROVE }, { APPROVE, NEEDS_INFO }, { REJECT, REJECT },
	};
	struct town t;

	town_start(&t, "it_requests_concurrent");
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
			int64_t id = file_a(&t, "high");
			struct outcome o[2] = { { false, "" }, { false, "" } };
			int winner;
			char *status;

			/* Both leave before either answer comes back. */
			regie_call(t.c[ADMIN], actions[pairs[i][0]].method, decision(pairs[i][0], id, 1),
			    outcome_cb, &o[0]);
			regie_call(t.c[SUP_BAT], actions[pairs[i][1]].method,
			    decision(pairs[i][1], id, 1), outcome_cb, &o[1]);
			assert_true(h_loop_until(t.base, both_done, o, H_CALL_TIMEOUT_MS));
			if (!((strcmp(o[0].code, "ok") == 0) ^ (strcmp(o[1].code, "ok") == 0)))
				fail_msg("%s vs %s: got %s and %s, expected one ok and one conflict",
				    actions[pairs[i][0]].method, actions[pairs[i][1]].method, o[0].code,
				    o[1].code);
			winner = strcmp(o[0].code, "ok") == 0 ? 0 : 1;
			assert_string_equal(o[1 - winner].code, "conflict");
			status = status_of(&t, id);
			assert_string_equal(status, actions[pairs[i][winner]].to);
			free(status);
			assert_int_equal(version_of(&t, id), 2);
			/* One work order at most, and only from an approval. */
			assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_orders "
			    "WHERE request_id = %lld", (long long)id),
			    pairs[i][winner] == APPROVE ? 1 : 0);
			/* One decision on the timeline, one audited. */
			assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM request_events "
			    "WHERE request_id = %lld", (long long)id), 2);
			assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM audit_log WHERE "
			    "entity = 'request' AND entity_id = %lld", (long long)id), 2);
		}
	}
	town_end(&t);
}

/* ---- scope ---- */

static bool
has_id(const struct rv *page, int64_t id)
{
	const struct rv *items = rv_get(page, "items");

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
	struct rv *r, *e;
	int64_t a1, on_behalf, phone, green;

	town_start(&t, "it_requests_scoping");

	/* A referent files for its own sites only (others do not exist for
	 * it), and for itself. */
	e = call_errf(t.c[REF_A], "request.submit", "invalid", "{category_id: %lld, "
	    "site_id: %lld, description: \"Banc cassé\"}", (long long)t.green,
	    (long long)t.site_b);
	assert_string_equal(rv_path_str(e, "field", ""), "site_id");
	rv_free(e);
	e = call_errf(t.c[REF_A], "request.submit", "forbidden", "{category_id: %lld, "
	    "site_id: %lld, description: \"Fuite\", requester_id: %lld}", (long long)t.plumbing,
	    (long long)t.site_a, (long long)t.uid[REF_A2]);
	assert_string_equal(rv_path_str(e, "field", ""), "requester_id");
	rv_free(e);
	/* An asset of its site will do; the request is where the asset is. */
	r = call_okf(t.c[REF_A], "request.submit", "{category_id: %lld, asset_id: %lld, "
	    "description: \"Radiateur froid en CP\", urgency: \"high\", contact: \"04 70 00 00 01\", "
	    "desired_date: \"2099-01-04\", documents: [\"https://ged.example/photo1.jpg\"]}",
	    (long long)t.plumbing, (long long)t.building_a);
	a1 = rv_path_int(r, "id", 0);
	assert_int_equal(rv_path_int(r, "site_id", 0), t.site_a);
	assert_int_equal(rv_path_int(r, "service_id", 0), t.bat);
	assert_int_equal(rv_path_int(r, "requester_id", 0), t.uid[REF_A]);
	assert_string_equal(rv_path_str(r, "requester_name", ""), "ref-a");
	assert_string_equal(rv_path_str(r, "status", ""), "submitted");
	assert_string_equal(rv_path_str(r, "documents.0", ""), "https://ged.example/photo1.jpg");
	assert_string_equal(rv_path_str(r, "desired_date", ""), "2099-01-04");
	{
		/* DI-YYYY-NNNNNN, this year. */
		char *year = pg_text(t.pg, "SELECT extract(year FROM current_date)::text");
		char *want = xasprintf("DI-%s-", year);
		const char *number = rv_path_str(r, "number", "");
		assert_int_equal(strlen(number), 14);
		assert_memory_equal(number, want, 8);
		free(year);
		free(want);
	}
	rv_free(r);
	rv_free(call_errf(t.c[REF_A], "request.submit", "invalid", "{category_id: %lld, "
	    "site_id: %lld, description: \"Fuite\", desired_date: \"2001-01-01\"}",
	    (long long)t.plumbing, (long long)t.site_a));
	e = call_errf(t.c[REF_A], "request.submit", "invalid", "{category_id: %lld, "
	    "description: \"Fuite\"}", (long long)t.plumbing);
	assert_string_equal(rv_path_str(e, "field", ""), "asset_id");
	rv_free(e);
	/* An asset of site A is not on site B. */
	e = call_errf(t.c[ADMIN], "request.submit", "invalid", "{category_id: %lld, "
	    "asset_id: %lld, site_id: %lld, description: \"Fuite\"}", (long long)t.plumbing,
	    (long long)t.building_a, (long long)t.site_b);
	assert_string_equal(rv_path_str(e, "field", ""), "site_id");
	rv_free(e);
	/* Another referent cannot even see the asset. */
	rv_free(call_errf(t.c[REF_B], "request.submit", "invalid", "{category_id: %lld, "
	    "asset_id: %lld, description: \"Fuite\"}", (long long)t.plumbing,
	    (long long)t.building_a));
	/* A category no service takes yet is refused, saying why. */
	e = call_errf(t.c[REF_A], "request.submit", "invalid", "{category_id: %lld, "
	    "site_id: %lld, description: \"Repeindre le préau\"}", (long long)t.unrouted,
	    (long long)t.site_a);
	assert_string_equal(rv_path_str(e, "field", ""), "category_id");
	assert_non_null(strstr(rv_path_str(e, "message", ""), "not routed"));
	rv_free(e);

	/* Technical staff file for anyone, anywhere: for a referent... */
	r = call_okf(t.c[AGENT], "request.submit", "{category_id: %lld, site_id: %lld, "
	    "description: \"Serrure du portail\", requester_id: %lld}", (long long)t.plumbing,
	    (long long)t.site_a, (long long)t.uid[REF_A]);
	on_behalf = rv_path_int(r, "id", 0);
	assert_int_equal(rv_path_int(r, "requester_id", 0), t.uid[REF_A]);
	assert_int_equal(rv_path_int(r, "created_by", 0), t.uid[AGENT]);
	rv_free(r);
	/* ...or for a caller on the phone, known by name. */
	r = call_okf(t.c[SUP_EV], "request.submit", "{category_id: %lld, site_id: %lld, "
	    "description: \"Arbre penché sur l'allée\", requester_name: \"Mme Dupont\", "
	    "contact: \"06 00 00 00 00\", urgency: \"urgent\"}", (long long)t.green,
	    (long long)t.site_b);
	phone = rv_path_int(r, "id", 0);
	assert_true(rv_get(r, "requester_id")->type == RV_NIL);
	assert_string_equal(rv_path_str(r, "requester_name", ""), "Mme Dupont");
	rv_free(r);
	green = id_of(call_okf(t.c[REF_B], "request.submit", "{category_id: %lld, "
	    "site_id: %lld, description: \"Pelouse à tondre\", urgency: \"low\"}",
	    (long long)t.green, (long long)t.site_b));

	/* Referents see their sites' requests, nothing else. */
	r = h_call_ok(t.c[REF_A], "request.list", "{}");
	assert_true(has_id(r, a1) && has_id(r, on_behalf));
	assert_false(has_id(r, phone) || has_id(r, green));
	rv_free(r);
	r = h_call_ok(t.c[REF_A2], "request.list", "{}");
	assert_true(has_id(r, a1) && has_id(r, on_behalf));
	assert_false(has_id(r, green));
	rv_free(r);
	r = h_call_ok(t.c[REF_B], "request.list", "{}");
	assert_true(has_id(r, phone) && has_id(r, green));
	assert_false(has_id(r, a1) || has_id(r, on_behalf));
	rv_free(r);
	rv_free(call_errf(t.c[REF_B], "request.get", "not_found", "{id: %lld}", (long long)a1));
	rv_free(call_errf(t.c[REF_B], "request.comment", "not_found", "{id: %lld, note: \"?\"}",
	    (long long)a1));
	/* Every other role reads them all. */
	for (int p = ADMIN; p < NPEOPLE; p++) {
		if (p == REF_A || p == REF_A2 || p == REF_B)
			continue;
		r = h_call_ok(t.c[p], "request.list", "{}");
		assert_true(has_id(r, a1) && has_id(r, phone) && has_id(r, green));
		rv_free(r);
	}
	/* Mine: what was filed by or for me. */
	r = h_call_ok(t.c[REF_A], "request.mine", "{}");
	assert_true(has_id(r, a1) && has_id(r, on_behalf));
	assert_int_equal(rv_len(rv_get(r, "items")), 2);
	rv_free(r);
	r = h_call_ok(t.c[AGENT], "request.mine", "{}");
	assert_true(has_id(r, on_behalf));
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	rv_free(r);

	/* The queue: each supervisor's own services; an admin's, all. */
	r = h_call_ok(t.c[SUP_BAT], "request.queue", "{}");
	assert_true(has_id(r, a1) && has_id(r, on_behalf));
	assert_false(has_id(r, phone) || has_id(r, green));
	rv_free(r);
	r = h_call_ok(t.c[SUP_EV], "request.queue", "{}");
	assert_true(has_id(r, phone) && has_id(r, green));
	assert_false(has_id(r, a1) || has_id(r, on_behalf));
	/* Urgent first; time left to the target date. */
	assert_int_equal(rv_path_int(r, "items.0.id", 0), phone);
	assert_true(rv_get(rv_path(r, "items.0"), "days_left")->type == RV_INT);
	rv_free(r);
	rv_free(call_errf(t.c[SUP_EV], "request.queue", "forbidden", "{service_id: %lld}",
	    (long long)t.bat));
	r = h_call_ok(t.c[ADMIN], "request.queue", "{}");
	assert_int_equal(rv_len(rv_get(r, "items")), 4);
	rv_free(r);
	r = call_okf(t.c[ADMIN], "request.queue", "{service_id: %lld}", (long long)t.ev);
	assert_int_equal(rv_len(rv_get(r, "items")), 2);
	rv_free(r);
	/* And acts only there. */
	rv_free(call_errf(t.c[SUP_EV], "request.approve", "forbidden", "{id: %lld, version: 1}",
	    (long long)a1));
	rv_free(call_okf(t.c[SUP_BAT], "request.approve", "{id: %lld, version: 1}",
	    (long long)a1));
	r = h_call_ok(t.c[SUP_BAT], "request.queue", "{}");
	assert_false(has_id(r, a1));
	rv_free(r);
	town_end(&t);
}

static void
test_queue_order(void **state)
{
	(void)state;
	static const char *const filed[] = {
		"low", "normal", "urgent", "normal", "high", "urgent", "low", "normal",
	};
	static const int want[] = { 2, 5, 4, 1, 3, 7, 0, 6 };   /* indexes into filed */
	struct town t;
	int64_t ids[8];
	struct rv *r;
	char *next = NULL;
	size_t got = 0;

	town_start(&t, "it_requests_queue");
	for (int i = 0; i < 8; i++)
		ids[i] = file_a(&t, filed[i]);
	/* Pages of three, in order, each item once. */
	do {
		const struct rv *items;

		if (next == NULL)
			r = h_call_ok(t.c[SUP_BAT], "request.queue", "{limit: 3}");
		else
			r = call_okf(t.c[SUP_BAT], "request.queue", "{limit: 3, after: \"%s\"}", next);
		free(next);
		next = NULL;
		items = rv_get(r, "items");
		for (size_t i = 0; i < rv_len(items); i++) {
			assert_true(got < 8);
			assert_int_equal(rv_path_int(items->a.items[i], "id", 0), ids[want[got]]);
			assert_string_equal(rv_path_str(items->a.items[i], "urgency", ""),
			    filed[want[got]]);
			got++;
		}
		if (rv_path_str(r, "next", NULL) != NULL)
			next = xstrdup(rv_path_str(r, "next", NULL));
		rv_free(r);
	} while (next != NULL);
	assert_int_equal(got, 8);
	town_end(&t);
}

/* ---- target dates ---- */

/* Our own count of working days, to hold the schema's against: French
 * public holidays of 2026 to 2028 (Easter Monday, Ascension Day and Whit
 * Monday worked out by hand). */
static bool
holiday(const struct tm *tm)
{
	static const char *const movable[] = {
		"2026-04-06", "2026-05-14", "2026-05-25",
		"2027-03-29", "2027-05-06", "2027-05-17",
		"2028-04-17", "2028-05-25", "2028-06-05",
	};
	static const char *const fixed[] = {
		"01-01", "05-01", "05-08", "07-14", "08-15", "11-01", "11-11", "12-25",
	};
	char day[16];

	strftime(day, sizeof day, "%Y-%m-%d", tm);
	for (size_t i = 0; i < sizeof movable / sizeof movable[0]; i++) {
		if (strcmp(day, movable[i]) == 0)
			return true;
	}
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		if (strcmp(day + 5, fixed[i]) == 0)
			return true;
	}
	return false;
}

/* from + n working days, as YYYY-MM-DD. */
static void
add_working_days(const char *from, int n, char *out, size_t len)
{
	struct tm tm = { 0 };
	time_t t;

	assert_non_null(strptime(from, "%Y-%m-%d", &tm));
	tm.tm_hour = 12;
	t = timegm(&tm);
	while (n > 0) {
		t += 86400;
		gmtime_r(&t, &tm);
		if (tm.tm_wday != 0 && tm.tm_wday != 6 && !holiday(&tm))
			n--;
	}
	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

static void
test_target_dates(void **state)
{
	(void)state;
	static const struct {
		const char *from;
		int days;
	} cases[] = {
		{ "2026-11-27", 1 },      /* a Friday: Monday */
		{ "2026-11-28", 1 },      /* a Saturday: Monday */
		{ "2026-11-28", 0 },      /* the day itself */
		{ "2026-11-30", 10 },     /* two weeks */
		{ "2026-12-24", 1 },      /* over Christmas and a weekend */
		{ "2026-05-13", 1 },      /* over Ascension Day */
		{ "2026-04-03", 1 },      /* over Easter Monday */
		{ "2026-07-13", 1 },      /* over the 14th of July */
		{ "2027-05-05", 10 },     /* Ascension, 8 May on a Saturday, Whit Monday */
		{ "2028-12-22", 30 },     /* over the new year */
	};
	struct town t;
	char want[16], *got, *today;
	struct rv *r, *cat;

	town_start(&t, "it_requests_dates");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		add_working_days(cases[i].from, cases[i].days, want, sizeof want);
		got = pg_text(t.pg, "SELECT regie_add_working_days('%s', %d)::text", cases[i].from,
		    cases[i].days);
		if (strcmp(got, want) != 0)
			fail_msg("%s + %d working days: the server says %s, expected %s",
			    cases[i].from, cases[i].days, got, want);
		free(got);
	}

	/* A request's target date: today plus its category's delay for its
	 * urgency; changing the delay dates the next requests. */
	today = pg_text(t.pg, "SELECT current_date::text");
	cat = call_okf(t.c[ADMIN], "category.update", "{id: %lld, version: 2, delay_urgent: 0, "
	    "delay_high: 2, delay_normal: 7, delay_low: 25}", (long long)t.plumbing);
	assert_int_equal(rv_path_int(cat, "delay_normal", 0), 7);
	rv_free(cat);
	{
		static const struct { const char *urgency; int days; } u[] = {
			{ "urgent", 0 }, { "high", 2 }, { "normal", 7 }, { "low", 25 },
		};
		for (size_t i = 0; i < 4; i++) {
			r = call_okf(t.c[REF_A], "request.submit", "{category_id: %lld, site_id: %lld, "
			    "description: \"Fuite\", urgency: \"%s\"}", (long long)t.plumbing,
			    (long long)t.site_a, u[i].urgency);
			add_working_days(today, u[i].days, want, sizeof want);
			assert_string_equal(rv_path_str(r, "target_date", ""), want);
			rv_free(r);
		}
	}
	/* Without urgency a request is normal. */
	r = call_okf(t.c[REF_A], "request.submit", "{category_id: %lld, site_id: %lld, "
	    "description: \"Fuite\"}", (long long)t.plumbing, (long long)t.site_a);
	assert_string_equal(rv_path_str(r, "urgency", ""), "normal");
	add_working_days(today, 7, want, sizeof want);
	assert_string_equal(rv_path_str(r, "target_date", ""), want);
	rv_free(r);
	free(today);
	town_end(&t);
}

/* ---- from request to work order ---- */

static void
test_lineage(void **state)
{
	(void)state;
	struct town t;
	struct rv *r, *e;
	int64_t id, wo;
	const struct rv *timeline;
	char *v;

	town_start(&t, "it_requests_lineage");
	r = call_okf(t.c[REF_A], "request.submit", "{category_id: %lld, asset_id: %lld, "
	    "description: \"Chasse d'eau bloquée, toilettes du 1er\", urgency: \"high\"}",
	    (long long)t.plumbing, (long long)t.building_a);
	id = rv_path_int(r, "id", 0);
	rv_free(r);

	/* A question, an answer, a comment: all on the timeline. */
	rv_free(call_okf(t.c[SUP_BAT], "request.needs_info", "{id: %lld, version: 1, "
	    "question: \"Garçons ou filles ?\"}", (long long)id));
	rv_free(call_okf(t.c[REF_A], "request.answer", "{id: %lld, version: 2, "
	    "answer: \"Filles\"}", (long long)id));
	rv_free(call_okf(t.c[AGENT], "request.comment", "{id: %lld, note: \"Pièce en stock\"}",
	    (long long)id));

	/* Approval's choices are checked. */
	e = call_errf(t.c[SUP_BAT], "request.approve", "invalid", "{id: %lld, version: 3, "
	    "planned_start: \"2099-03-10\", planned_end: \"2099-03-09\"}", (long long)id);
	assert_string_equal(rv_path_str(e, "field", ""), "planned_end");
	rv_free(e);
	e = call_errf(t.c[SUP_BAT], "request.approve", "invalid", "{id: %lld, version: 3, "
	    "service_id: %lld}", (long long)id, (long long)t.schools);
	assert_string_equal(rv_path_str(e, "field", ""), "service_id");
	rv_free(e);
	e = call_errf(t.c[SUP_BAT], "request.approve", "invalid", "{id: %lld, version: 3, "
	    "planned_start: \"10/03/2099\"}", (long long)id);
	assert_string_equal(rv_path_str(e, "field", ""), "planned_start");
	rv_free(e);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_orders"), 0);

	r = call_okf(t.c[SUP_BAT], "request.approve", "{id: %lld, version: 3, priority: \"urgent\", "
	    "planned_start: \"2099-03-10\", planned_end: \"2099-03-11\", note: \"Vu avec l'école\"}",
	    (long long)id);
	assert_string_equal(rv_path_str(r, "status", ""), "approved");
	wo = rv_path_int(r, "work_order_id", 0);
	assert_true(wo > 0);
	assert_memory_equal(rv_path_str(r, "work_order_number", ""), "OT-", 3);
	assert_string_equal(rv_path_str(r, "work_order_status", ""), "planned");
	assert_int_equal(rv_path_int(r, "decided_by", 0), t.uid[SUP_BAT]);
	rv_free(r);

	/* The work order keeps what the request said, and points back. */
	v = pg_text(t.pg, "SELECT concat_ws('|', w.type, w.status, w.priority, w.asset_id, "
	    "w.site_id, w.service_id, w.request_id, w.planned_start, w.planned_end, "
	    "w.target_date = r.target_date, w.description = r.description, "
	    "w.title LIKE 'Plumbing — École élémentaire', r.work_order_id = w.id, "
	    "w.number ~ '^OT-[0-9]{4}-[0-9]{6}$') "
	    "FROM work_orders w JOIN requests r ON r.id = w.request_id WHERE w.id = %lld",
	    (long long)wo);
	{
		char *want = xasprintf("corrective|planned|urgent|%lld|%lld|%lld|%lld|2099-03-10|"
		    "2099-03-11|t|t|t|t|t", (long long)t.building_a, (long long)t.site_a,
		    (long long)t.bat, (long long)id);
		assert_string_equal(v, want);
		free(want);
	}
	free(v);

	/* The work order's own progress lands on the request's timeline,
	 * whoever moves it. */
	h_pg_exec(t.pg, "BEGIN");
	v = xasprintf("SELECT set_config('regie.user_id', '%lld', true)", (long long)t.uid[SUP_BAT]);
	free(h_pg_value(t.pg, v));
	free(v);
	v = xasprintf("UPDATE work_orders SET status = 'assigned' WHERE id = %lld", (long long)wo);
	h_pg_exec(t.pg, v);
	free(v);
	h_pg_exec(t.pg, "COMMIT");
	v = xasprintf("UPDATE work_orders SET status = 'in_progress' WHERE id = %lld", (long long)wo);
	h_pg_exec(t.pg, v);
	free(v);

	r = call_okf(t.c[REF_A], "request.get", "{id: %lld}", (long long)id);
	assert_string_equal(rv_path_str(r, "work_order_status", ""), "in_progress");
	timeline = rv_get(r, "timeline");
	{
		static const char *const kinds[] = {
			"status", "question", "answer", "comment", "status", "workorder", "workorder",
		};
		static const char *const statuses[] = {
			"submitted", "needs_info", "submitted", NULL, "approved", "assigned", "in_progress",
		};
		assert_int_equal(rv_len(timeline), 7);
		for (size_t i = 0; i < 7; i++) {
			const struct rv *ev = timeline->a.items[i];
			assert_string_equal(rv_path_str(ev, "kind", ""), kinds[i]);
			if (statuses[i] != NULL)
				assert_string_equal(rv_path_str(ev, "status", ""), statuses[i]);
			assert_non_null(rv_path_str(ev, "at", NULL));
		}
		assert_string_equal(rv_path_str(timeline->a.items[1], "note", ""), "Garçons ou filles ?");
		assert_int_equal(rv_path_int(timeline->a.items[1], "user_id", 0), t.uid[SUP_BAT]);
		assert_string_equal(rv_path_str(timeline->a.items[2], "note", ""), "Filles");
		assert_int_equal(rv_path_int(timeline->a.items[2], "user_id", 0), t.uid[REF_A]);
		assert_string_equal(rv_path_str(timeline->a.items[3], "note", ""), "Pièce en stock");
		assert_string_equal(rv_path_str(timeline->a.items[4], "note", ""), "Vu avec l'école");
		assert_string_equal(rv_path_str(timeline->a.items[4], "ref", ""),
		    rv_path_str(r, "work_order_number", "?"));
		assert_int_equal(rv_path_int(timeline->a.items[5], "user_id", 0), t.uid[SUP_BAT]);
		assert_string_equal(rv_path_str(timeline->a.items[6], "ref", ""),
		    rv_path_str(r, "work_order_number", "?"));
	}
	rv_free(r);

	/* Approving into another service: its work order goes there. */
	id = file_a(&t, "normal");
	r = call_okf(t.c[ADMIN], "request.approve", "{id: %lld, version: 1, service_id: %lld, "
	    "title: \"Réparer la clôture\"}", (long long)id, (long long)t.ev);
	v = pg_text(t.pg, "SELECT service_id || '|' || title || '|' || priority FROM work_orders "
	    "WHERE request_id = %lld", (long long)id);
	{
		char *want = xasprintf("%lld|Réparer la clôture|normal", (long long)t.ev);
		assert_string_equal(v, want);
		free(want);
	}
	free(v);
	rv_free(r);
	town_end(&t);
}

/* ---- events ---- */

struct watcher {
	struct regie_client *c;
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
};

static bool
watcher_got(struct watcher *w, const char *op, int64_t id)
{
	for (size_t i = 0; i < rv_len(w->events); i++) {
		const struct rv *ev = w->events->a.items[i];
		if (strcmp(rv_path_str(ev, "topic", ""), "request") == 0 &&
		    (op == NULL || strcmp(rv_path_str(ev, "op", ""), op) == 0) &&
		    rv_path_int(ev, "id", 0) == id)
			return true;
	}
	return false;
}

static int
wanted_arrived(void *arg)
{
	struct wanted *x = arg;

	return watcher_got(x->w, x->op, x->id);
}

#define await_event(t, w, op, id) await_event_at(__FILE__, __LINE__, (t), (w), (op), (id))

static void
await_event_at(const char *file, int line, struct town *t, struct watcher *w, const char *op,
    int64_t id)
{
	struct wanted x = { w, op, id };

	if (!h_loop_until(t->base, wanted_arrived, &x, EVENT_WAIT_MS)) {
		char *seen = rv_to_json(w->events);
		print_error("ERROR: no request event {op: %s, id: %lld} within %d ms; got %s\n",
		    op, (long long)id, EVENT_WAIT_MS, seen);
		free(seen);
		_fail(file, line);
	}
}

/* w heard nothing of request id. A round trip first: the server writes
 * an event to every connection in one pass, so once another client holds
 * it, anything meant for w is ahead of this answer. */
static void
assert_unheard(struct watcher *w, int64_t id)
{
	rv_free(h_call_ok(w->c, "system.ping", "{}"));
	if (watcher_got(w, NULL, id)) {
		char *seen = rv_to_json(w->events);
		fail_msg("heard of request %lld, which is none of its business: %s", (long long)id,
		    seen);
	}
}

static void
test_events(void **state)
{
	(void)state;
	static const enum person listening[] = { ADMIN, SUP_BAT, SUP_EV, AGENT, REF_A, REF_B,
		VIEWER };
	struct town t;
	struct watcher w[NPEOPLE];
	int64_t id, other, wo;
	char *sql;

	town_start(&t, "it_requests_events");
	memset(w, 0, sizeof w);
	for (size_t i = 0; i < sizeof listening / sizeof listening[0]; i++) {
		enum person p = listening[i];
		w[p].c = t.c[p];
		w[p].events = rv_array();
		regie_client_set_notify_cb(t.c[p], watcher_cb, &w[p]);
		rv_free(h_call_ok(t.c[p], "event.subscribe", "{topics: [\"request\"]}"));
	}

	/* New in the queue: its supervisors hear of it live, and the admin. */
	id = file_a(&t, "urgent");
	await_event(&t, &w[SUP_BAT], "submit", id);
	await_event(&t, &w[ADMIN], "submit", id);
	await_event(&t, &w[REF_A], "submit", id);
	await_event(&t, &w[AGENT], "submit", id);     /* of the service it is routed to */
	assert_unheard(&w[SUP_EV], id);
	assert_unheard(&w[REF_B], id);
	assert_unheard(&w[VIEWER], id);

	/* The requester hears of every change of status. */
	rv_free(call_okf(t.c[SUP_BAT], "request.needs_info", "{id: %lld, version: 1, "
	    "question: \"Quelle salle ?\"}", (long long)id));
	await_event(&t, &w[REF_A], "needs_info", id);
	/* The queue hears of the answer. */
	rv_free(call_okf(t.c[REF_A], "request.answer", "{id: %lld, version: 2, "
	    "answer: \"Salle 12\"}", (long long)id));
	await_event(&t, &w[SUP_BAT], "answer", id);
	rv_free(call_okf(t.c[SUP_BAT], "request.approve", "{id: %lld, version: 3}", (long long)id));
	await_event(&t, &w[REF_A], "approve", id);
	wo = pg_int(t.pg, "SELECT work_order_id FROM requests WHERE id = %lld", (long long)id);
	sql = xasprintf("UPDATE work_orders SET status = 'done' WHERE id = %lld", (long long)wo);
	h_pg_exec(t.pg, sql);
	free(sql);
	await_event(&t, &w[REF_A], "workorder", id);
	await_event(&t, &w[SUP_BAT], "workorder", id);
	assert_unheard(&w[SUP_EV], id);
	assert_unheard(&w[REF_B], id);
	assert_unheard(&w[VIEWER], id);

	/* The other way round: site B's request for Green spaces. */
	other = id_of(call_okf(t.c[REF_B], "request.submit", "{category_id: %lld, "
	    "site_id: %lld, description: \"Branche cassée\"}", (long long)t.green,
	    (long long)t.site_b));
	await_event(&t, &w[SUP_EV], "submit", other);
	await_event(&t, &w[REF_B], "submit", other);
	await_event(&t, &w[ADMIN], "submit", other);
	assert_unheard(&w[SUP_BAT], other);
	assert_unheard(&w[REF_A], other);
	assert_unheard(&w[AGENT], other);
	rv_free(call_okf(t.c[SUP_EV], "request.reject", "{id: %lld, version: 1, "
	    "reason: \"Déjà prévu\"}", (long long)other));
	await_event(&t, &w[REF_B], "reject", other);

	for (size_t i = 0; i < sizeof listening / sizeof listening[0]; i++)
		rv_free(w[listening[i]].events);
	town_end(&t);
}

/* ---- bulk ---- */

static void
test_bulk(void **state)
{
	(void)state;
	struct town t;
	struct rv *r;
	int64_t ok1, ok2, stale, decided, theirs, more[3];
	long long audit;
	char *s;

	town_start(&t, "it_requests_bulk");
	ok1 = file_a(&t, "normal");
	stale = file_a(&t, "normal");
	/* Changed since the supervisor looked: now version 3. */
	rv_free(call_okf(t.c[SUP_BAT], "request.needs_info", "{id: %lld, version: 1, "
	    "question: \"Quel robinet ?\"}", (long long)stale));
	rv_free(call_okf(t.c[REF_A], "request.answer", "{id: %lld, version: 2, "
	    "answer: \"Celui de la cuisine\"}", (long long)stale));
	ok2 = file_a(&t, "normal");
	decided = file_a(&t, "normal");
	rv_free(call_okf(t.c[ADMIN], "request.reject", "{id: %lld, version: 1, reason: \"Non\"}",
	    (long long)decided));
	theirs = id_of(call_okf(t.c[REF_B], "request.submit", "{category_id: %lld, "
	    "site_id: %lld, description: \"Haie\"}", (long long)t.green, (long long)t.site_b));

	/* Item by item, in the order asked, each with its own fate. */
	r = call_okf(t.c[SUP_BAT], "request.approve_many", "{ids: [%lld, %lld, %lld, %lld, %lld], "
	    "versions: [1, 1, 2, 1, 1], note: \"Lot du lundi\"}", (long long)ok2, (long long)stale,
	    (long long)decided, (long long)ok1, (long long)theirs);
	assert_int_equal(rv_path_int(r, "done", 0), 2);
	assert_int_equal(rv_path_int(r, "failed", 0), 3);
	assert_int_equal(rv_path_int(r, "results.0.id", 0), ok2);
	assert_true(rv_path_bool(r, "results.0.ok", false));
	assert_memory_equal(rv_path_str(r, "results.0.work_order_number", ""), "OT-", 3);
	assert_string_equal(rv_path_str(r, "results.0.status", ""), "approved");
	assert_int_equal(rv_path_int(r, "results.1.id", 0), stale);
	assert_false(rv_path_bool(r, "results.1.ok", true));
	assert_string_equal(rv_path_str(r, "results.1.error.code", ""), "conflict");
	assert_string_equal(rv_path_str(r, "results.1.error.field", ""), "version");
	assert_string_equal(rv_path_str(r, "results.2.error.code", ""), "conflict");
	assert_int_equal(rv_path_int(r, "results.3.id", 0), ok1);
	assert_true(rv_path_bool(r, "results.3.ok", false));
	assert_string_equal(rv_path_str(r, "results.4.error.code", ""), "forbidden");
	rv_free(r);
	s = status_of(&t, stale);
	assert_string_equal(s, "submitted");
	free(s);
	s = status_of(&t, theirs);
	assert_string_equal(s, "submitted");
	free(s);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM work_orders"), 2);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM request_events WHERE note = "
	    "'Lot du lundi'"), 2);

	/* All or nothing: one refusal, nothing done. */
	for (int i = 0; i < 3; i++)
		more[i] = file_a(&t, "low");
	audit = pg_int(t.pg, "SELECT count(*) FROM audit_log");
	r = call_okf(t.c[SUP_BAT], "request.reject_many", "{ids: [%lld, %lld, %lld, %lld], "
	    "versions: [1, 1, 1, 1], reason: \"Budget épuisé\", all_or_nothing: true}",
	    (long long)more[0], (long long)more[1], (long long)stale, (long long)more[2]);
	assert_int_equal(rv_path_int(r, "done", -1), 0);
	assert_int_equal(rv_path_int(r, "failed", 0), 1);
	assert_true(rv_path_bool(r, "results.0.skipped", false));
	assert_true(rv_path_bool(r, "results.1.skipped", false));
	assert_string_equal(rv_path_str(r, "results.2.error.code", ""), "conflict");
	assert_true(rv_path_bool(r, "results.3.skipped", false));
	rv_free(r);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM audit_log"), audit);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM requests WHERE status = 'rejected'"), 1);

	/* Without: the others are rejected, with the reason. */
	r = call_okf(t.c[SUP_BAT], "request.reject_many", "{ids: [%lld, %lld, %lld, %lld], "
	    "versions: [1, 1, 1, 1], reason: \"Budget épuisé\"}",
	    (long long)more[0], (long long)more[1], (long long)stale, (long long)more[2]);
	assert_int_equal(rv_path_int(r, "done", 0), 3);
	assert_int_equal(rv_path_int(r, "failed", 0), 1);
	rv_free(r);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM requests WHERE status = 'rejected' "
	    "AND reason = 'Budget épuisé'"), 3);
	assert_int_equal(pg_int(t.pg, "SELECT count(*) FROM audit_log"), audit + 3);

	/* Malformed lists are refused whole. */
	rv_free(call_errf(t.c[SUP_BAT], "request.approve_many", "invalid",
	    "{ids: [%lld, %lld], versions: [1]}", (long long)stale, (long long)ok1));
	rv_free(call_errf(t.c[SUP_BAT], "request.approve_many", "invalid",
	    "{ids: [%lld, %lld], versions: [1, 1]}", (long long)stale, (long long)stale));
	s = status_of(&t, stale);
	assert_string_equal(s, "submitted");
	free(s);
	/* Only deciders may. */
	rv_free(call_errf(t.c[REF_A], "request.approve_many", "forbidden",
	    "{ids: [%lld], versions: [1]}", (long long)stale));
	town_end(&t);
}

/* ---- changes after filing ---- */

/* The last entry of the request's timeline, as "kind|note|ref". */
static char *
last_event(struct town *t, int64_t id)
{
	return pg_text(t->pg, "SELECT kind || '|' || note || '|' || COALESCE(ref, '') "
	    "FROM request_events WHERE request_id = %lld ORDER BY id DESC LIMIT 1", (long long)id);
}

static bool
in_queue(struct regie_client *c, int64_t id)
{
	struct rv *r = h_call_ok(c, "request.queue", "{}");
	const struct rv *items = rv_get(r, "items");
	bool found = false;

	for (size_t i = 0; i < rv_len(items); i++)
		found |= rv_path_int(items->a.items[i], "id", 0) == id;
	rv_free(r);
	return found;
}

static void
test_update(void **state)
{
	(void)state;
	struct town t;
	struct rv *r;
	int64_t id;
	char *v, *want;

	town_start(&t, "it_requests_update");
	id = file_a(&t, "normal");

	/* The requester corrects it; a new urgency dates it again from the
	 * day it was filed. */
	r = call_okf(t.c[REF_A], "request.update", "{id: %lld, version: 1, "
	    "description: \"Fuite importante sous l'évier\", urgency: \"urgent\", "
	    "contact: \"06 12 34 56 78\"}", (long long)id);
	assert_string_equal(rv_path_str(r, "description", ""), "Fuite importante sous l'évier");
	assert_string_equal(rv_path_str(r, "urgency", ""), "urgent");
	assert_string_equal(rv_path_str(r, "status", ""), "submitted");
	assert_int_equal(rv_path_int(r, "version", 0), 2);
	want = pg_text(t.pg, "SELECT regie_add_working_days(created::date, 1)::text FROM requests "
	    "WHERE id = %lld", (long long)id);
	assert_string_equal(rv_path_str(r, "target_date", ""), want);
	free(want);
	rv_free(r);
	v = last_event(&t, id);
	assert_string_equal(v, "update|description, urgency, contact|");
	free(v);

	/* Only the requester (or an admin); someone else's change first wins. */
	rv_free(call_errf(t.c[REF_A2], "request.update", "forbidden",
	    "{id: %lld, version: 2, contact: \"x\"}", (long long)id));
	rv_free(call_errf(t.c[SUP_BAT], "request.update", "forbidden",
	    "{id: %lld, version: 2, contact: \"x\"}", (long long)id));
	rv_free(call_errf(t.c[REF_B], "request.update", "not_found",
	    "{id: %lld, version: 2, contact: \"x\"}", (long long)id));
	rv_free(call_errf(t.c[VIEWER], "request.update", "forbidden",
	    "{id: %lld, version: 2, contact: \"x\"}", (long long)id));
	rv_free(call_errf(t.c[REF_A], "request.update", "conflict",
	    "{id: %lld, version: 1, contact: \"x\"}", (long long)id));
	rv_free(call_errf(t.c[REF_A], "request.update", "invalid", "{id: %lld, version: 2}",
	    (long long)id));
	rv_free(call_errf(t.c[REF_A], "request.update", "invalid",
	    "{id: %lld, version: 2, desired_date: \"2001-01-01\"}", (long long)id));
	assert_int_equal(version_of(&t, id), 2);

	/* While it waits for an answer too, not once decided. */
	rv_free(call_okf(t.c[SUP_BAT], "request.needs_info", "{id: %lld, version: 2, "
	    "question: \"Quelle salle ?\"}", (long long)id));
	rv_free(call_okf(t.c[ADMIN], "request.update", "{id: %lld, version: 3, "
	    "desired_date: \"2099-06-01\"}", (long long)id));
	v = status_of(&t, id);
	assert_string_equal(v, "needs_info");
	free(v);
	rv_free(call_okf(t.c[REF_A], "request.answer", "{id: %lld, version: 4, "
	    "answer: \"Salle 12\"}", (long long)id));
	rv_free(call_okf(t.c[SUP_BAT], "request.approve", "{id: %lld, version: 5}", (long long)id));
	rv_free(call_errf(t.c[REF_A], "request.update", "conflict",
	    "{id: %lld, version: 6, contact: \"x\"}", (long long)id));
	town_end(&t);
}

static void
test_reroute(void **state)
{
	(void)state;
	struct town t;
	struct watcher w_bat = { 0 }, w_ev = { 0 };
	struct rv *r;
	int64_t id;
	char *v, *want;

	town_start(&t, "it_requests_reroute");
	w_bat.c = t.c[SUP_BAT];
	w_ev.c = t.c[SUP_EV];
	w_bat.events = rv_array();
	w_ev.events = rv_array();
	regie_client_set_notify_cb(t.c[SUP_BAT], watcher_cb, &w_bat);
	regie_client_set_notify_cb(t.c[SUP_EV], watcher_cb, &w_ev);
	rv_free(h_call_ok(t.c[SUP_BAT], "event.subscribe", "{topics: [\"request\"]}"));
	rv_free(h_call_ok(t.c[SUP_EV], "event.subscribe", "{topics: [\"request\"]}"));
	id = file_a(&t, "normal");
	assert_true(in_queue(t.c[SUP_BAT], id));
	assert_false(in_queue(t.c[SUP_EV], id));

	/* Not the other service's supervisor, nor the requester, nor to the
	 * same service or one that does not exist. */
	rv_free(call_errf(t.c[SUP_EV], "request.reroute", "forbidden",
	    "{id: %lld, version: 1, service_id: %lld}", (long long)id, (long long)t.ev));
	rv_free(call_errf(t.c[REF_A], "request.reroute", "forbidden",
	    "{id: %lld, version: 1, service_id: %lld}", (long long)id, (long long)t.ev));
	rv_free(call_errf(t.c[SUP_BAT], "request.reroute", "invalid",
	    "{id: %lld, version: 1, service_id: %lld}", (long long)id, (long long)t.bat));
	rv_free(call_errf(t.c[SUP_BAT], "request.reroute", "invalid",
	    "{id: %lld, version: 1, service_id: 999999}", (long long)id));
	rv_free(call_errf(t.c[SUP_BAT], "request.reroute", "conflict",
	    "{id: %lld, version: 7, service_id: %lld}", (long long)id, (long long)t.ev));

	/* Buildings sends it to Green spaces: it leaves one queue for the
	 * other, both hear of it, and the decision is now Green spaces'. */
	r = call_okf(t.c[SUP_BAT], "request.reroute", "{id: %lld, version: 1, service_id: %lld, "
	    "note: \"C'est l'arrosage du jardin\"}", (long long)id, (long long)t.ev);
	assert_int_equal(rv_path_int(r, "service_id", 0), t.ev);
	assert_string_equal(rv_path_str(r, "service_code", ""), "EV");
	assert_string_equal(rv_path_str(r, "status", ""), "submitted");
	assert_int_equal(rv_path_int(r, "version", 0), 2);
	rv_free(r);
	await_event(&t, &w_ev, "reroute", id);
	await_event(&t, &w_bat, "reroute", id);
	assert_false(in_queue(t.c[SUP_BAT], id));
	assert_true(in_queue(t.c[SUP_EV], id));
	v = last_event(&t, id);
	assert_string_equal(v, "reroute|C'est l'arrosage du jardin|EV");
	free(v);
	want = pg_text(t.pg, "SELECT count(*)::text FROM audit_log WHERE method = "
	    "'request.reroute' AND entity_id = %lld", (long long)id);
	assert_string_equal(want, "1");
	free(want);
	rv_free(call_errf(t.c[SUP_BAT], "request.approve", "forbidden", "{id: %lld, version: 2}",
	    (long long)id));
	rv_free(call_okf(t.c[SUP_EV], "request.approve", "{id: %lld, version: 2}", (long long)id));
	/* Decided: too late to send it elsewhere. */
	rv_free(call_errf(t.c[ADMIN], "request.reroute", "conflict",
	    "{id: %lld, version: 3, service_id: %lld}", (long long)id, (long long)t.bat));
	rv_free(w_bat.events);
	rv_free(w_ev.events);
	town_end(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_concurrent_decisions),
		cmocka_unit_test(test_scoping),
		cmocka_unit_test(test_queue_order),
		cmocka_unit_test(test_target_dates),
		cmocka_unit_test(test_lineage),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_reroute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
