/* Pushed events: a change made through one regied reaches the clients
 * of another that subscribed to its topic and may see it, without them
 * asking; clients are told to resync when the feed was interrupted, and
 * events flow again after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

#define EVENT_WAIT_MS 10000

#define call_okf h_call_okf

/* ---- a client and the events pushed to it ---- */

struct watcher {
	struct regie_client *c;
	struct rv *events;           /* array of event maps, as they came */
};

static void
watcher_cb(struct regie_client *c, const char *method, const struct rv *params, void *arg)
{
	struct watcher *w = arg;

	(void)c;
	if (strcmp(method, "event") == 0 && rv_len(params) >= 1)
		rv_push(w->events, rv_copy(params->a.items[0]));
}

static void
watcher_start(struct watcher *w, struct event_base *base, const struct h_server *s,
    const char *login, const char *password, const char *topics)
{
	w->c = h_connect(base, h_server_addr(s));
	w->events = rv_array();
	regie_client_set_notify_cb(w->c, watcher_cb, w);
	h_login(w->c, login, password);
	if (topics != NULL) {
		char *params = xasprintf("{topics: %s}", topics), err[128];
		struct rv *r = h_call_ok(w->c, "event.subscribe", params);
		struct rv *asked = rv_from_json(topics, err, sizeof err);

		/* The answer says what is now subscribed. */
		assert_non_null(asked);
		assert_true(rv_equal(rv_get(r, "topics"), asked));
		rv_free(asked);
		free(params);
		rv_free(r);
	}
}

static void
watcher_free(struct watcher *w)
{
	regie_client_free(w->c);
	rv_free(w->events);
}

struct wanted {
	struct watcher *w;
	const char *topic;
	const char *op;              /* NULL: any */
	int64_t id;                  /* 0: any */
};

static const struct rv *
watcher_find(const struct wanted *x)
{
	for (size_t i = 0; i < rv_len(x->w->events); i++) {
		const struct rv *ev = x->w->events->a.items[i];
		if (strcmp(rv_path_str(ev, "topic", ""), x->topic) != 0)
			continue;
		if (x->op != NULL && strcmp(rv_path_str(ev, "op", ""), x->op) != 0)
			continue;
		if (x->id != 0 && rv_path_int(ev, "id", 0) != x->id)
			continue;
		return ev;
	}
	return NULL;
}

static int
watcher_has(void *arg)
{
	return watcher_find(arg) != NULL;
}

#define await_event(base, w, topic, op, id) \
	await_event_at(__FILE__, __LINE__, (base), (w), (topic), (op), (id))

/* Runs the loop, calling nothing, until w has that event. */
static void
await_event_at(const char *file, int line, struct event_base *base, struct watcher *w,
    const char *topic, const char *op, int64_t id)
{
	struct wanted x = { w, topic, op, id };

	if (!h_loop_until(base, watcher_has, &x, EVENT_WAIT_MS)) {
		char *seen = rv_to_json(w->events);
		print_error("ERROR: no event {topic: %s, op: %s, id: %lld} within %d ms; "
		    "got %s\n", topic, op != NULL ? op : "*", (long long)id, EVENT_WAIT_MS, seen);
		free(seen);
		_fail(file, line);
	}
}

/* Asserts that w got no event at all. A round trip on its own
 * connection first: the server writes an event to every connection in
 * one pass, so when another client of the same instance already holds
 * it, anything meant for w is ahead of this answer. */
static void
assert_quiet(struct watcher *w)
{
	rv_free(h_call_ok(w->c, "system.ping", "{}"));
	if (rv_len(w->events) != 0) {
		char *seen = rv_to_json(w->events);
		fail_msg("expected no event, got %s", seen);
	}
}

static char *
db_for_events(const char *name)
{
	char *db = h_db_create(name);

	assert_int_equal(h_migrate(db), 0);
	assert_int_equal(h_useradd(db, "admin", "admin-secret", "admin", NULL), 0);
	assert_int_equal(h_useradd(db, "watch", "watch-secret", "admin", NULL), 0);
	assert_int_equal(h_useradd(db, "viewer", "viewer-secret", "viewer", NULL), 0);
	return db;
}

static void
test_across_instances(void **state)
{
	(void)state;
	char *db = db_for_events("it_events_across");
	struct h_server *a = h_server_start(db, NULL), *b = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *doer = h_connect(base, h_server_addr(a));
	struct watcher on_b, on_a, unsubscribed, gave_up;
	const struct rv *ev;
	struct rv *r;
	int64_t id;

	h_login(doer, "admin", "admin-secret");
	watcher_start(&on_b, base, b, "watch", "watch-secret", "[\"user\"]");
	watcher_start(&on_a, base, a, "watch", "watch-secret", "[\"user\"]");
	watcher_start(&unsubscribed, base, b, "watch", "watch-secret", NULL);
	watcher_start(&gave_up, base, b, "watch", "watch-secret", "[\"user\"]");
	/* A subscription is replaced, not added to. */
	r = h_call_ok(gave_up.c, "event.subscribe", "{topics: []}");
	assert_int_equal(rv_len(rv_get(r, "topics")), 0);
	rv_free(r);

	r = h_call_ok(doer, "user.create", "{login: \"newcomer\", name: \"Newcomer\", "
	    "roles: [\"agent\"], password: \"newcomer-secret\"}");
	id = rv_path_int(r, "id", 0);
	rv_free(r);

	/* B's client did nothing but wait. */
	await_event(base, &on_b, "user", "create", id);
	{
		struct wanted x = { &on_b, "user", "create", id };
		ev = watcher_find(&x);
		assert_null(rv_get(ev, "password"));
		assert_null(rv_get(ev, "password_hash"));
	}
	await_event(base, &on_a, "user", "create", id);
	assert_quiet(&unsubscribed);
	assert_quiet(&gave_up);

	/* Every kind of change to a user is announced. */
	rv_free(call_okf(doer, "user.update", "{id: %lld, version: 1, name: \"New Name\"}",
	    (long long)id));
	await_event(base, &on_b, "user", "update", id);
	rv_free(call_okf(doer, "user.set_password", "{id: %lld, password: \"another-secret\"}",
	    (long long)id));
	await_event(base, &on_b, "user", "password", id);
	rv_free(call_okf(doer, "user.disable", "{id: %lld}", (long long)id));
	await_event(base, &on_b, "user", "disable", id);
	await_event(base, &on_a, "user", "disable", id);

	/* Only committed changes: a refused one announces nothing. */
	rv_free(h_call_err(doer, "user.create", "{login: \"newcomer\", name: \"Twin\", "
	    "roles: [\"agent\"], password: \"newcomer-secret\"}", "conflict"));
	{
		size_t before = rv_len(on_b.events);
		/* A change after it, to know the feed has passed that point. */
		r = h_call_ok(doer, "user.create", "{login: \"marker\", name: \"Marker\", "
		    "roles: [\"viewer\"], password: \"marker-secret\"}");
		await_event(base, &on_b, "user", "create", rv_path_int(r, "id", 0));
		rv_free(r);
		assert_int_equal(rv_len(on_b.events), before + 1);
	}
	assert_quiet(&unsubscribed);

	watcher_free(&gave_up);
	watcher_free(&unsubscribed);
	watcher_free(&on_a);
	watcher_free(&on_b);
	regie_client_free(doer);
	event_base_free(base);
	h_server_free(b);
	h_server_free(a);
	h_db_drop(db);
	free(db);
}

static void
test_subscribe_rules(void **state)
{
	(void)state;
	char *db = db_for_events("it_events_rules");
	struct h_server *s = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *doer = h_connect(base, h_server_addr(s));
	struct watcher viewer, admin, witness;
	struct rv *r;

	h_login(doer, "admin", "admin-secret");
	watcher_start(&viewer, base, s, "viewer", "viewer-secret", NULL);
	watcher_start(&admin, base, s, "watch", "watch-secret", "[\"user\"]");
	watcher_start(&witness, base, s, "watch", "watch-secret", "[\"user\"]");

	/* Users are an admin's business. */
	r = h_call_err(viewer.c, "event.subscribe", "{topics: [\"user\"]}", "forbidden");
	assert_string_equal(rv_path_str(r, "field", ""), "topics");
	rv_free(r);
	/* A topic that does not exist is a mistake. */
	r = h_call_err(viewer.c, "event.subscribe", "{topics: [\"no-such-topic\"]}", "invalid");
	assert_string_equal(rv_path_str(r, "field", ""), "topics");
	rv_free(r);
	rv_free(h_call_err(viewer.c, "event.subscribe", "{}", "invalid"));
	/* A refused subscription leaves the previous one as it was. */
	r = h_call_err(admin.c, "event.subscribe", "{topics: [\"user\", \"no-such-topic\"]}",
	    "invalid");
	rv_free(r);

	r = h_call_ok(doer, "user.create", "{login: \"first\", name: \"First\", roles: [\"agent\"], "
	    "password: \"first-secret\"}");
	await_event(base, &admin, "user", "create", rv_path_int(r, "id", 0));
	await_event(base, &witness, "user", "create", rv_path_int(r, "id", 0));
	rv_free(r);
	assert_quiet(&viewer);

	/* A subscription belongs to the session: logging out drops it, and
	 * whoever logs in next on that connection starts with none. */
	rv_free(h_call_ok(admin.c, "session.logout", "{}"));
	h_login(admin.c, "viewer", "viewer-secret");
	rv_free(admin.events);
	admin.events = rv_array();
	r = h_call_ok(doer, "user.create", "{login: \"second\", name: \"Second\", "
	    "roles: [\"agent\"], password: \"second-secret\"}");
	await_event(base, &witness, "user", "create", rv_path_int(r, "id", 0));
	rv_free(r);
	assert_quiet(&admin);

	watcher_free(&witness);
	watcher_free(&admin);
	watcher_free(&viewer);
	regie_client_free(doer);
	event_base_free(base);
	h_server_free(s);
	h_db_drop(db);
	free(db);
}

#define LISTENERS_SQL \
	"SELECT pid FROM pg_stat_activity WHERE datname = current_database() " \
	"AND query LIKE 'LISTEN%'"

struct listeners {
	PGconn *pg;
	long want;
};

static int
listeners_up(void *arg)
{
	struct listeners *l = arg;

	return h_pg_count(l->pg, LISTENERS_SQL) == l->want;
}

static void
test_listener_lost(void **state)
{
	(void)state;
	char *db = db_for_events("it_events_lost");
	struct h_server *a = h_server_start(db, NULL), *b = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *doer = h_connect(base, h_server_addr(a));
	struct watcher on_a, on_b, quiet;
	struct listeners l = { h_pg(db), 2 };
	struct rv *r;
	int64_t id;

	h_login(doer, "admin", "admin-secret");
	watcher_start(&on_a, base, a, "watch", "watch-secret", "[\"user\"]");
	watcher_start(&on_b, base, b, "watch", "watch-secret", "[\"user\"]");
	watcher_start(&quiet, base, a, "watch", "watch-secret", NULL);

	/* One LISTEN connection per instance; cut them both. */
	assert_true(h_wait_until(listeners_up, &l, EVENT_WAIT_MS));
	assert_int_equal(h_pg_count(l.pg, "SELECT pg_terminate_backend(pid) FROM ("
	    LISTENERS_SQL ") AS listeners"), 2);

	/* What was said meanwhile may be lost: the subscribers are told. */
	await_event(base, &on_a, "resync", NULL, 0);
	await_event(base, &on_b, "resync", NULL, 0);
	/* Those who asked for no events are not bothered. */
	assert_quiet(&quiet);
	assert_true(h_server_wait_log(a, "event listener", EVENT_WAIT_MS));

	/* And after the resync, events flow again. */
	r = h_call_ok(doer, "user.create", "{login: \"after\", name: \"After\", roles: [\"agent\"], "
	    "password: \"after-secret\"}");
	id = rv_path_int(r, "id", 0);
	rv_free(r);
	await_event(base, &on_a, "user", "create", id);
	await_event(base, &on_b, "user", "create", id);
	assert_true(h_wait_until(listeners_up, &l, EVENT_WAIT_MS));

	/* A second cut is survived as well. */
	rv_free(on_b.events);
	on_b.events = rv_array();
	assert_int_equal(h_pg_count(l.pg, "SELECT pg_terminate_backend(pid) FROM ("
	    LISTENERS_SQL ") AS listeners"), 2);
	await_event(base, &on_b, "resync", NULL, 0);
	rv_free(call_okf(doer, "user.disable", "{id: %lld}", (long long)id));
	await_event(base, &on_b, "user", "disable", id);

	PQfinish(l.pg);
	watcher_free(&quiet);
	watcher_free(&on_b);
	watcher_free(&on_a);
	regie_client_free(doer);
	event_base_free(base);
	h_server_free(b);
	h_server_free(a);
	h_db_drop(db);
	free(db);
}

/* A revocation made while the feed was down is not heard; the session
 * is checked against the database once the feed is back, so it cannot
 * outlive its revocation. */
static void
test_missed_revocation(void **state)
{
	(void)state;
	char *db = db_for_events("it_events_missed");
	struct h_server *a = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *victim = h_connect(base, h_server_addr(a));
	struct watcher w;
	struct listeners l = { h_pg(db), 1 };

	watcher_start(&w, base, a, "watch", "watch-secret", "[\"user\"]");
	h_login(victim, "viewer", "viewer-secret");
	rv_free(h_call_ok(victim, "session.info", "{}"));
	assert_true(h_wait_until(listeners_up, &l, EVENT_WAIT_MS));

	/* Ended behind regied's back: no NOTIFY reaches it. */
	h_pg_exec(l.pg, "DELETE FROM sessions WHERE user_id = "
	    "(SELECT id FROM users WHERE login = 'viewer')");
	assert_int_equal(h_pg_count(l.pg, "SELECT pg_terminate_backend(pid) FROM ("
	    LISTENERS_SQL ") AS listeners"), 1);
	await_event(base, &w, "resync", NULL, 0);

	rv_free(h_call_err(victim, "session.info", "{}", "unauthenticated"));
	/* The sessions that still exist carry on. */
	rv_free(h_call_ok(w.c, "session.info", "{}"));

	PQfinish(l.pg);
	watcher_free(&w);
	regie_client_free(victim);
	event_base_free(base);
	h_server_free(a);
	h_db_drop(db);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_across_instances),
		cmocka_unit_test(test_subscribe_rules),
		cmocka_unit_test(test_listener_lost),
		cmocka_unit_test(test_missed_revocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
