/* Sessions as a user lives them: logging in, carrying the session to a
 * new connection or another regied, logging out, being throttled after
 * wrong passwords, and losing the session when an admin changes the
 * password, disables the account, or when it expires. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

#define EVENT_WAIT_MS 10000

#define call_okf h_call_okf
#define call_errf h_call_errf

/* ---- pushed events, kept as they arrive ---- */

struct inbox {
	struct rv *events;           /* array of event maps */
};

static void
inbox_cb(struct regie_client *c, const char *method, const struct rv *params, void *arg)
{
	struct inbox *in = arg;

	(void)c;
	if (strcmp(method, "event") == 0 && rv_len(params) >= 1)
		rv_push(in->events, rv_copy(params->a.items[0]));
}

static void
inbox_attach(struct inbox *in, struct regie_client *c)
{
	in->events = rv_array();
	regie_client_set_notify_cb(c, inbox_cb, in);
}

struct inbox_wait {
	struct inbox *in;
	const char *topic;
	const char *op;
};

static int
inbox_has(void *arg)
{
	struct inbox_wait *w = arg;

	for (size_t i = 0; i < rv_len(w->in->events); i++) {
		const struct rv *ev = w->in->events->a.items[i];
		if (strcmp(rv_path_str(ev, "topic", ""), w->topic) == 0 &&
		    (w->op == NULL || strcmp(rv_path_str(ev, "op", ""), w->op) == 0))
			return 1;
	}
	return 0;
}

/* ---- setting up ---- */

/* A migrated database with an admin; returns its conninfo. */
static char *
db_with_admin(const char *name)
{
	char *db = h_db_create(name);

	assert_int_equal(h_migrate(db), 0);
	assert_int_equal(h_useradd(db, "admin", "admin-secret", "admin", "Ada Admin"), 0);
	return db;
}

/* A config file in the test's scratch directory. */
static char *
write_config(const char *name, const char *text)
{
	const char *dir = getenv("REGIE_TEST_TMP");
	char *path = xasprintf("%s/%s-%ld.conf", dir != NULL && *dir != '\0' ? dir : "/tmp",
	    name, (long)getpid());
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static char *
instance_of(struct regie_client *c)
{
	struct rv *r = h_call_ok(c, "system.hello", "{}");
	char *instance = xstrdup(rv_path_str(r, "instance", ""));

	rv_free(r);
	assert_true(*instance != '\0');
	return instance;
}

static void
assert_rfc3339_future(const char *when)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	assert_int_equal(strlen(when), 20);
	assert_int_equal(when[10], 'T');
	assert_int_equal(when[19], 'Z');
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* Same fixed format, so text order is time order. */
	if (strcmp(when, now) <= 0)
		fail_msg("expires %s is not after now (%s)", when, now);
}

/* ---- the tests ---- */

static void
test_login(void **state)
{
	(void)state;
	char *db = db_with_admin("it_session_login");
	struct h_server *s = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *c = h_connect(base, h_server_addr(s));
	struct rv *r, *e1, *e2;
	const char *token;
	char *instance;

	/* A wrong password and an unknown login read the same: nothing
	 * tells which logins exist. */
	e1 = h_call_err(c, "session.login", "{login: \"admin\", password: \"not-the-one\"}",
	    "unauthenticated");
	e2 = h_call_err(c, "session.login", "{login: \"nobody\", password: \"not-the-one\"}",
	    "unauthenticated");
	assert_string_equal(rv_path_str(e1, "message", "1"), rv_path_str(e2, "message", "2"));
	rv_free(e1);
	rv_free(e2);
	assert_null(regie_client_token(c));
	rv_free(h_call_err(c, "session.info", "{}", "unauthenticated"));

	/* Missing a parameter is a mistake of the caller, named. */
	r = h_call_err(c, "session.login", "{login: \"admin\"}", "invalid");
	assert_string_equal(rv_path_str(r, "field", ""), "password");
	rv_free(r);

	r = h_call_ok(c, "session.login", "{login: \"admin\", password: \"admin-secret\"}");
	token = rv_path_str(r, "token", "");
	assert_int_equal(strlen(token), 64);
	assert_true(strspn(token, "0123456789abcdef") == 64);
	assert_string_equal(regie_client_token(c), token);
	assert_rfc3339_future(rv_path_str(r, "expires", ""));
	assert_string_equal(rv_path_str(r, "user.login", ""), "admin");
	assert_string_equal(rv_path_str(r, "user.name", ""), "Ada Admin");
	assert_null(rv_path(r, "user.password_hash"));
	assert_null(rv_path(r, "user.password"));
	assert_int_equal(rv_len(rv_path(r, "roles")), 1);
	assert_string_equal(rv_path_str(r, "roles.0", ""), "admin");
	rv_free(r);

	instance = instance_of(c);
	r = h_call_ok(c, "session.info", "{}");
	assert_string_equal(rv_path_str(r, "user.login", ""), "admin");
	assert_string_equal(rv_path_str(r, "roles.0", ""), "admin");
	assert_string_equal(rv_path_str(r, "instance", ""), instance);
	assert_rfc3339_future(rv_path_str(r, "expires", ""));
	rv_free(r);

	/* Only the token's hash is stored. */
	PGconn *pg = h_pg(db);
	char *sql = xasprintf("SELECT 1 FROM sessions WHERE token_hash::text LIKE '%%%s%%'",
	    regie_client_token(c));
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM sessions"), 1);
	assert_int_equal(h_pg_count(pg, sql), 0);
	free(sql);
	PQfinish(pg);

	free(instance);
	regie_client_free(c);
	event_base_free(base);
	assert_int_equal(h_server_stop(s), 0);
	h_server_free(s);
	h_db_drop(db);
	free(db);
}

static void
test_resume(void **state)
{
	(void)state;
	char *db = db_with_admin("it_session_resume");
	struct h_server *a = h_server_start(db, NULL), *b = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *c1 = h_connect(base, h_server_addr(a));
	struct regie_client *c2, *c3, *c4;
	struct rv *r;
	char *token, *inst_a, *inst_b, err[128];

	assert_true(h_login(c1, "admin", "admin-secret") > 0);
	token = xstrdup(regie_client_token(c1));
	inst_a = instance_of(c1);

	/* A new connection, no login: the token alone carries the session. */
	c2 = h_connect(base, h_server_addr(a));
	rv_free(h_call_err(c2, "session.info", "{}", "unauthenticated"));
	r = call_okf(c2, "session.resume", "{token: \"%s\"}", token);
	assert_string_equal(rv_path_str(r, "user.login", ""), "admin");
	assert_string_equal(rv_path_str(r, "roles.0", ""), "admin");
	assert_rfc3339_future(rv_path_str(r, "expires", ""));
	rv_free(r);
	r = h_call_ok(c2, "session.info", "{}");
	assert_string_equal(rv_path_str(r, "user.login", ""), "admin");
	rv_free(r);
	rv_free(h_call_ok(c2, "user.get", "{id: 1}"));
	/* The first connection keeps its session too. */
	rv_free(h_call_ok(c1, "session.info", "{}"));

	/* Another regied in front of the same database. */
	c3 = h_connect(base, h_server_addr(b));
	inst_b = instance_of(c3);
	assert_string_not_equal(inst_a, inst_b);
	rv_free(call_okf(c3, "session.resume", "{token: \"%s\"}", token));
	r = h_call_ok(c3, "session.info", "{}");
	assert_string_equal(rv_path_str(r, "user.login", ""), "admin");
	assert_string_equal(rv_path_str(r, "instance", ""), inst_b);
	rv_free(r);

	/* The client library resumes by itself when it holds a token. */
	c4 = regie_client_new(base, h_server_addr(b), err, sizeof err);
	assert_non_null(c4);
	regie_client_set_token(c4, token);
	assert_int_equal(regie_client_connect_sync(c4, H_START_TIMEOUT_MS), 0);
	r = h_call_ok(c4, "session.info", "{}");
	assert_string_equal(rv_path_str(r, "user.login", ""), "admin");
	rv_free(r);

	/* A token nobody issued opens nothing. */
	r = h_call_err(c4, "session.resume",
	    "{token: \"0000000000000000000000000000000000000000000000000000000000000000\"}",
	    "unauthenticated");
	assert_string_equal(rv_path_str(r, "field", ""), "token");
	rv_free(r);

	regie_client_free(c4);
	regie_client_free(c3);
	regie_client_free(c2);
	regie_client_free(c1);
	event_base_free(base);
	free(token);
	free(inst_a);
	free(inst_b);
	h_server_free(b);
	h_server_free(a);
	h_db_drop(db);
	free(db);
}

static void
test_logout(void **state)
{
	(void)state;
	char *db = db_with_admin("it_session_logout");
	struct h_server *a = h_server_start(db, NULL), *b = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *c1 = h_connect(base, h_server_addr(a));
	struct regie_client *c2 = h_connect(base, h_server_addr(a));
	struct regie_client *c3 = h_connect(base, h_server_addr(b));
	struct regie_client *other = h_connect(base, h_server_addr(b));
	struct regie_client *fresh;
	struct inbox in2, in3, in_other;
	struct inbox_wait w;
	struct rv *r;
	char *token;

	inbox_attach(&in2, c2);
	inbox_attach(&in3, c3);
	inbox_attach(&in_other, other);
	assert_true(h_login(c1, "admin", "admin-secret") > 0);
	token = xstrdup(regie_client_token(c1));
	rv_free(call_okf(c2, "session.resume", "{token: \"%s\"}", token));
	rv_free(call_okf(c3, "session.resume", "{token: \"%s\"}", token));
	/* The same user in a session of their own. */
	assert_true(h_login(other, "admin", "admin-secret") > 0);

	r = h_call_ok(c1, "session.logout", "{}");
	assert_true(rv_path_bool(r, "ok", false));
	rv_free(r);
	assert_null(regie_client_token(c1));
	rv_free(h_call_err(c1, "session.info", "{}", "unauthenticated"));

	/* Ended everywhere: on this instance and on the other, the
	 * connections that carried it are told, then refused. */
	w = (struct inbox_wait){ &in2, "session", "ended" };
	assert_true(h_loop_until(base, inbox_has, &w, EVENT_WAIT_MS));
	w = (struct inbox_wait){ &in3, "session", "ended" };
	assert_true(h_loop_until(base, inbox_has, &w, EVENT_WAIT_MS));
	rv_free(h_call_err(c2, "session.info", "{}", "unauthenticated"));
	rv_free(h_call_err(c3, "user.get", "{id: 1}", "unauthenticated"));

	fresh = h_connect(base, h_server_addr(b));
	r = call_errf(fresh, "session.resume", "unauthenticated", "{token: \"%s\"}", token);
	assert_string_equal(rv_path_str(r, "field", ""), "token");
	rv_free(r);

	/* Only that session ended: the user's other one goes on, and was
	 * not told anything. */
	r = h_call_ok(other, "session.info", "{}");
	assert_string_equal(rv_path_str(r, "user.login", ""), "admin");
	rv_free(r);
	assert_int_equal(rv_len(in_other.events), 0);

	/* Logging out needs a session. */
	rv_free(h_call_err(fresh, "session.logout", "{}", "unauthenticated"));

	PGconn *pg = h_pg(db);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM sessions"), 1);
	PQfinish(pg);

	regie_client_free(fresh);
	regie_client_free(other);
	regie_client_free(c3);
	regie_client_free(c2);
	regie_client_free(c1);
	rv_free(in2.events);
	rv_free(in3.events);
	rv_free(in_other.events);
	event_base_free(base);
	free(token);
	h_server_free(b);
	h_server_free(a);
	h_db_drop(db);
	free(db);
}

/* Before a login, only what is marked auth: false answers; every other
 * method says to log in, whatever its parameters. */
static void
test_calls_before_login(void **state)
{
	(void)state;
	char *db = db_with_admin("it_session_anon");
	struct h_server *s = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *admin = h_connect(base, h_server_addr(s));
	struct regie_client *anon = h_connect(base, h_server_addr(s));
	struct rv *describe, *r;
	const struct rv *methods;
	size_t nauth = 0;

	rv_free(h_call_err(anon, "system.describe", "{}", "unauthenticated"));
	assert_true(h_login(admin, "admin", "admin-secret") > 0);
	describe = h_call_ok(admin, "system.describe", "{}");
	methods = rv_get(describe, "methods");
	assert_true(rv_len(methods) > 0);
	for (size_t i = 0; i < rv_len(methods); i++) {
		const struct rv *m = methods->a.items[i];
		const char *name = rv_path_str(m, "name", "");

		if (rv_path_bool(m, "auth", true)) {
			nauth++;
			r = h_call_err(anon, name, "{}", "unauthenticated");
			rv_free(r);
			r = h_call_err(anon, name, "{id: 1, login: \"admin\", topics: [\"user\"]}",
			    "unauthenticated");
			rv_free(r);
		}
	}
	assert_true(nauth >= 10);
	r = h_call_ok(anon, "system.ping", "{}");
	assert_true(rv_path_bool(r, "pong", false));
	rv_free(r);
	rv_free(h_call_ok(anon, "system.hello", "{}"));
	/* Still nobody after all that. */
	rv_free(h_call_err(anon, "session.info", "{}", "unauthenticated"));

	rv_free(describe);
	regie_client_free(anon);
	regie_client_free(admin);
	event_base_free(base);
	h_server_free(s);
	h_db_drop(db);
	free(db);
}

/* The seconds in "... try again in N s". */
static long
throttle_seconds(const struct rv *err)
{
	const char *msg = rv_path_str(err, "message", "");
	const char *p = strstr(msg, "try again in ");

	if (p == NULL)
		fail_msg("throttled without saying when to try again: %s", msg);
	return strtol(p + strlen("try again in "), NULL, 10);
}

static void
wrong_login(struct regie_client *c, const char *login)
{
	char *params = xasprintf("{login: \"%s\", password: \"wrong-password\"}", login);

	rv_free(h_call_err(c, "session.login", params, "unauthenticated"));
	free(params);
}

static void
test_throttling(void **state)
{
	(void)state;
	char *db = db_with_admin("it_session_throttle");
	char *conf = write_config("throttle", "login_max_failures = 3\nlogin_lockout = 60\n");
	char *args = xasprintf("-c %s", conf);
	struct h_server *a, *b;
	struct event_base *base = event_base_new();
	struct regie_client *c, *cb;
	struct rv *r;
	PGconn *pg = h_pg(db);
	long left;
	char name[32];

	assert_int_equal(h_useradd(db, "alice", "alice-secret", "agent", NULL), 0);
	assert_int_equal(h_useradd(db, "bob", "bob-secret", "viewer", NULL), 0);
	assert_int_equal(h_useradd(db, "carol", "carol-secret", "viewer", NULL), 0);
	a = h_server_start(db, args);
	b = h_server_start(db, args);
	c = h_connect(base, h_server_addr(a));
	cb = h_connect(base, h_server_addr(b));

	/* Three wrong passwords lock the login: even the right one is
	 * refused now, and for no longer than login_lockout. */
	for (int i = 0; i < 3; i++)
		wrong_login(c, "alice");
	r = h_call_err(c, "session.login", "{login: \"alice\", password: \"alice-secret\"}",
	    "throttled");
	left = throttle_seconds(r);
	assert_true(left >= 1 && left <= 60);
	rv_free(r);
	/* The lock lives in the database: the other instance enforces it. */
	rv_free(h_call_err(cb, "session.login", "{login: \"alice\", password: \"alice-secret\"}",
	    "throttled"));
	assert_null(regie_client_token(c));

	/* The same address is not locked for other logins yet: it has room
	 * for login_max_failures x 5 failures. 3 so far; 14 is still fine. */
	for (int i = 0; i < 11; i++) {
		xsnprintf(name, sizeof name, "ghost%d", i);
		wrong_login(c, name);
	}
	rv_free(call_okf(c, "session.login", "{login: \"%s\", password: \"%s\"}", "bob",
	    "bob-secret"));
	rv_free(h_call_ok(c, "session.logout", "{}"));

	/* The 15th failure locks the address, for every login. */
	wrong_login(c, "ghost-last");
	rv_free(h_call_err(c, "session.login", "{login: \"bob\", password: \"bob-secret\"}",
	    "throttled"));
	r = h_call_err(c, "session.login", "{login: \"carol\", password: \"carol-secret\"}",
	    "throttled");
	left = throttle_seconds(r);
	assert_true(left >= 1 && left <= 60);
	rv_free(r);

	/* When the lock runs out (aged here rather than waited for), the
	 * right passwords work again. */
	h_pg_exec(pg, "UPDATE login_failures SET locked_until = now() - interval '1 s' "
	    "WHERE locked_until IS NOT NULL");
	assert_true(h_login(c, "alice", "alice-secret") > 0);
	assert_true(h_login(cb, "carol", "carol-secret") > 0);
	/* A success clears the login's own count. */
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM login_failures WHERE key = 'login:alice'"), 0);

	PQfinish(pg);
	regie_client_free(cb);
	regie_client_free(c);
	event_base_free(base);
	h_server_free(b);
	h_server_free(a);
	unlink(conf);
	free(conf);
	free(args);
	h_db_drop(db);
	free(db);
}

/* A user's live sessions, on two instances, with their inboxes. */
struct live {
	struct regie_client *on_a, *on_b;
	struct inbox in_a, in_b;
	char *token;
};

static void
live_start(struct live *l, struct event_base *base, struct h_server *a, struct h_server *b,
    const char *login, const char *password)
{
	l->on_a = h_connect(base, h_server_addr(a));
	l->on_b = h_connect(base, h_server_addr(b));
	inbox_attach(&l->in_a, l->on_a);
	inbox_attach(&l->in_b, l->on_b);
	assert_true(h_login(l->on_a, login, password) > 0);
	assert_true(h_login(l->on_b, login, password) > 0);
	l->token = xstrdup(regie_client_token(l->on_a));
}

/* Both sessions are told they ended, then refused. */
static void
live_assert_ended(struct live *l, struct event_base *base)
{
	struct inbox_wait w = { &l->in_a, "session", "ended" };

	assert_true(h_loop_until(base, inbox_has, &w, EVENT_WAIT_MS));
	w.in = &l->in_b;
	assert_true(h_loop_until(base, inbox_has, &w, EVENT_WAIT_MS));
	rv_free(h_call_err(l->on_a, "session.info", "{}", "unauthenticated"));
	rv_free(h_call_err(l->on_b, "site.list", "{}", "unauthenticated"));
	rv_free(call_errf(l->on_a, "session.resume", "unauthenticated", "{token: \"%s\"}",
	    l->token));
}

static void
live_free(struct live *l)
{
	regie_client_free(l->on_a);
	regie_client_free(l->on_b);
	rv_free(l->in_a.events);
	rv_free(l->in_b.events);
	free(l->token);
}

static void
test_set_password_ends_sessions(void **state)
{
	(void)state;
	char *db = db_with_admin("it_session_setpw");
	struct h_server *a = h_server_start(db, NULL), *b = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *admin = h_connect(base, h_server_addr(a));
	struct regie_client *c;
	struct live bob, carol;
	struct rv *r;
	int64_t bob_id;

	assert_int_equal(h_useradd(db, "bob", "bob-old-secret", "agent", NULL), 0);
	assert_int_equal(h_useradd(db, "carol", "carol-secret", "agent", NULL), 0);
	h_login(admin, "admin", "admin-secret");
	live_start(&bob, base, a, b, "bob", "bob-old-secret");
	live_start(&carol, base, a, b, "carol", "carol-secret");
	r = h_call_ok(bob.on_a, "session.info", "{}");
	bob_id = rv_path_int(r, "user.id", 0);
	rv_free(r);

	rv_free(call_okf(admin, "user.set_password", "{id: %lld, password: \"bob-new-secret\"}",
	    (long long)bob_id));
	live_assert_ended(&bob, base);

	/* The old password is gone, the new one works. */
	c = h_connect(base, h_server_addr(b));
	rv_free(h_call_err(c, "session.login", "{login: \"bob\", password: \"bob-old-secret\"}",
	    "unauthenticated"));
	assert_int_equal(h_login(c, "bob", "bob-new-secret"), bob_id);

	/* Carol's sessions were not touched. */
	rv_free(h_call_ok(carol.on_a, "session.info", "{}"));
	rv_free(h_call_ok(carol.on_b, "session.info", "{}"));
	assert_int_equal(rv_len(carol.in_a.events), 0);
	assert_int_equal(rv_len(carol.in_b.events), 0);

	/* A short password is refused, and ends nothing. */
	r = call_errf(admin, "user.set_password", "invalid",
	    "{id: %lld, password: \"short\"}", (long long)bob_id);
	assert_string_equal(rv_path_str(r, "field", ""), "password");
	rv_free(r);
	rv_free(h_call_ok(c, "session.info", "{}"));

	regie_client_free(c);
	live_free(&bob);
	live_free(&carol);
	regie_client_free(admin);
	event_base_free(base);
	h_server_free(b);
	h_server_free(a);
	h_db_drop(db);
	free(db);
}

static void
test_disabled_user(void **state)
{
	(void)state;
	char *db = db_with_admin("it_session_disabled");
	struct h_server *a = h_server_start(db, NULL), *b = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *admin = h_connect(base, h_server_addr(a));
	struct regie_client *c = h_connect(base, h_server_addr(b));
	struct live carol;
	struct rv *r;
	int64_t id;

	assert_int_equal(h_useradd(db, "carol", "carol-secret", "referent", NULL), 0);
	h_login(admin, "admin", "admin-secret");
	live_start(&carol, base, a, b, "carol", "carol-secret");
	r = h_call_ok(carol.on_b, "session.info", "{}");
	id = rv_path_int(r, "user.id", 0);
	rv_free(r);

	r = call_okf(admin, "user.disable", "{id: %lld}", (long long)id);
	assert_true(rv_path_bool(r, "disabled", false));
	rv_free(r);
	live_assert_ended(&carol, base);
	rv_free(h_call_err(c, "session.login", "{login: \"carol\", password: \"carol-secret\"}",
	    "unauthenticated"));
	assert_null(regie_client_token(c));

	/* Enabled again, she logs in with the same password. */
	r = call_okf(admin, "user.disable", "{id: %lld, disabled: false}", (long long)id);
	assert_false(rv_path_bool(r, "disabled", true));
	rv_free(r);
	assert_int_equal(h_login(c, "carol", "carol-secret"), id);
	/* The old session stays ended. */
	rv_free(call_errf(carol.on_a, "session.resume", "unauthenticated", "{token: \"%s\"}",
	    carol.token));

	live_free(&carol);
	regie_client_free(c);
	regie_client_free(admin);
	event_base_free(base);
	h_server_free(b);
	h_server_free(a);
	h_db_drop(db);
	free(db);
}

static void
test_expired_session(void **state)
{
	(void)state;
	char *db = db_with_admin("it_session_expired");
	struct h_server *s = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *c1 = h_connect(base, h_server_addr(s));
	struct regie_client *c2 = h_connect(base, h_server_addr(s));
	struct regie_client *c3, *c4;
	PGconn *pg = h_pg(db);
	char *token, err[128];
	struct rv *r;

	assert_int_equal(h_useradd(db, "bob", "bob-secret", "viewer", NULL), 0);
	assert_int_equal(h_useradd(db, "carol", "carol-secret", "viewer", NULL), 0);
	h_login(c1, "bob", "bob-secret");
	h_login(c2, "carol", "carol-secret");
	token = xstrdup(regie_client_token(c1));

	/* session_ttl is at least a minute: age bob's session instead. */
	h_pg_exec(pg, "UPDATE sessions SET expires = now() - interval '1 s' "
	    "WHERE user_id = (SELECT id FROM users WHERE login = 'bob')");

	c3 = h_connect(base, h_server_addr(s));
	r = call_errf(c3, "session.resume", "unauthenticated", "{token: \"%s\"}", token);
	assert_string_equal(rv_path_str(r, "field", ""), "token");
	rv_free(r);
	rv_free(h_call_err(c3, "session.info", "{}", "unauthenticated"));

	/* A client reconnecting with it is left without a session, and
	 * knows it (the token is dropped). */
	c4 = regie_client_new(base, h_server_addr(s), err, sizeof err);
	assert_non_null(c4);
	regie_client_set_token(c4, token);
	assert_int_equal(regie_client_connect_sync(c4, H_START_TIMEOUT_MS), 0);
	rv_free(h_call_err(c4, "session.info", "{}", "unauthenticated"));
	assert_null(regie_client_token(c4));

	/* Carol's session was not aged. */
	rv_free(h_call_ok(c2, "session.info", "{}"));

	regie_client_free(c4);
	regie_client_free(c3);
	regie_client_free(c2);
	regie_client_free(c1);
	PQfinish(pg);
	free(token);
	event_base_free(base);
	h_server_free(s);
	h_db_drop(db);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_logout),
		cmocka_unit_test(test_calls_before_login),
		cmocka_unit_test(test_throttling),
		cmocka_unit_test(test_set_password_ends_sessions),
		cmocka_unit_test(test_disabled_user),
		cmocka_unit_test(test_expired_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
