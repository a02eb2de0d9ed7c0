/* Retried writes are safe: a mutating call that carries a request_key
 * answers a replay with its first answer and never writes twice, even
 * when the replays race each other on separate connections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

#define RACERS 8

static long long
pg_int(PGconn *pg, const char *sql)
{
	char *v = h_pg_value(pg, sql);
	long long n = v != NULL ? strtoll(v, NULL, 10) : -1;

	free(v);
	return n;
}

static char *
db_with_admins(const char *name)
{
	char *db = h_db_create(name);

	assert_int_equal(h_migrate(db), 0);
	assert_int_equal(h_useradd(db, "admin", "admin-secret", "admin", NULL), 0);
	assert_int_equal(h_useradd(db, "other", "other-secret", "admin", NULL), 0);
	return db;
}

#define CREATE_BOB \
	"{login: \"bob\", name: \"Bob\", roles: [\"agent\"], password: \"bob-secret\", " \
	"request_key: \"create-bob-1\"}"

static void
test_replay(void **state)
{
	(void)state;
	char *db = db_with_admins("it_idem_replay");
	struct h_server *a = h_server_start(db, NULL), *b = h_server_start(db, NULL);
	struct event_base *base = event_base_new();
	struct regie_client *c = h_connect(base, h_server_addr(a));
	struct regie_client *cb = h_connect(base, h_server_addr(b));
	struct regie_client *other = h_connect(base, h_server_addr(a));
	struct rv *first, *again, *r;
	PGconn *pg = h_pg(db);
	char *params, longkey[130];
	long long audit;

	h_login(c, "admin", "admin-secret");
	h_login(cb, "admin", "admin-secret");
	h_login(other, "other", "other-secret");
	audit = pg_int(pg, "SELECT count(*) FROM audit_log");

	first = h_call_ok(c, "user.create", CREATE_BOB);
	assert_true(rv_path_int(first, "id", 0) > 0);
	again = h_call_ok(c, "user.create", CREATE_BOB);
	assert_true(rv_equal(first, again));
	rv_free(again);
	/* On another connection, through another regied: still the same. */
	again = h_call_ok(cb, "user.create", CREATE_BOB);
	assert_true(rv_equal(first, again));
	rv_free(again);
	/* A replay repeats the call: the order of its keys does not
	 * matter, ... */
	again = h_call_ok(c, "user.create", "{request_key: \"create-bob-1\", "
	    "password: \"bob-secret\", roles: [\"agent\"], name: \"Bob\", login: \"bob\"}");
	assert_true(rv_equal(first, again));
	rv_free(again);
	/* ... but the same key with other params is not a retry: refused,
	 * and nothing of the new params is written. */
	r = h_call_err(c, "user.create", "{login: \"robert\", name: \"Robert\", "
	    "roles: [\"viewer\"], password: \"robert-secret\", request_key: \"create-bob-1\"}",
	    "conflict");
	assert_string_equal(rv_path_str(r, "field", ""), "request_key");
	assert_non_null(strstr(rv_path_str(r, "message", ""), "other parameters"));
	rv_free(r);

	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM users WHERE login IN ('bob', 'robert')"), 1);
	assert_int_equal(pg_int(pg, "SELECT count(*) FROM audit_log"), audit + 1);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM idempotency_keys"), 1);

	/* The same key for another method is a mistake of the client. */
	params = xasprintf("{id: %lld, request_key: \"create-bob-1\"}",
	    (long long)rv_path_int(first, "id", 0));
	r = h_call_err(c, "user.disable", params, "conflict");
	assert_string_equal(rv_path_str(r, "field", ""), "request_key");
	rv_free(r);
	free(params);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM users WHERE login = 'bob' AND disabled"), 0);
	assert_int_equal(pg_int(pg, "SELECT count(*) FROM audit_log"), audit + 1);

	/* Keys belong to their user: another admin's same key is new. */
	r = h_call_ok(other, "user.create", "{login: \"carol\", name: \"Carol\", "
	    "roles: [\"agent\"], password: \"carol-secret\", request_key: \"create-bob-1\"}");
	assert_string_equal(rv_path_str(r, "login", ""), "carol");
	assert_true(rv_path_int(r, "id", 0) != rv_path_int(first, "id", 0));
	rv_free(r);
	assert_int_equal(pg_int(pg, "SELECT count(*) FROM audit_log"), audit + 2);

	/* A call that failed wrote nothing, not even its answer: the
	 * corrected retry with the same key runs. */
	r = h_call_err(c, "user.create", "{login: \"carol\", name: \"Carol 2\", roles: [\"agent\"], "
	    "password: \"carol-secret\", request_key: \"create-dave\"}", "conflict");
	assert_string_equal(rv_path_str(r, "field", ""), "login");
	rv_free(r);
	r = h_call_ok(c, "user.create", "{login: \"dave\", name: \"Dave\", roles: [\"agent\"], "
	    "password: \"dave-secret\", request_key: \"create-dave\"}");
	assert_string_equal(rv_path_str(r, "login", ""), "dave");
	rv_free(r);

	/* Keys are bounded. */
	memset(longkey, 'k', 129);
	longkey[129] = '\0';
	params = xasprintf("{login: \"eve\", name: \"Eve\", roles: [\"agent\"], "
	    "password: \"eve-secret-1\", request_key: \"%s\"}", longkey);
	r = h_call_err(c, "user.create", params, "invalid");
	assert_string_equal(rv_path_str(r, "field", ""), "request_key");
	rv_free(r);
	free(params);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM users WHERE login = 'eve'"), 0);

	/* Without a key, a second identical call is a second call. */
	rv_free(h_call_ok(c, "user.create", "{login: \"frank\", name: \"Frank\", "
	    "roles: [\"agent\"], password: \"frank-secret\"}"));
	rv_free(h_call_err(c, "user.create", "{login: \"frank\", name: \"Frank\", "
	    "roles: [\"agent\"], password: \"frank-secret\"}", "conflict"));

	rv_free(first);
	PQfinish(pg);
	regie_client_free(other);
	regie_client_free(cb);
	regie_client_free(c);
	event_base_free(base);
	h_server_free(b);
	h_server_free(a);
	h_db_drop(db);
	free(db);
}

/* ---- racing replays ---- */

struct racer {
	struct regie_client *c;
	bool done;
	struct rv *result;
	struct rv *error;
};

static void
racer_cb(struct regie_client *c, const struct rv *error, const struct rv *result, void *arg)
{
	struct racer *r = arg;

	(void)c;
	r->done = true;
	r->error = error != NULL ? rv_copy(error) : NULL;
	r->result = result != NULL ? rv_copy(result) : NULL;
}

static int
racers_done(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < RACERS; i++) {
		if (!r[i].done)
			return 0;
	}
	return 1;
}

static void
test_concurrent_replays(void **state)
{
	(void)state;
	char *db = db_with_admins("it_idem_race");
	const char *dir = getenv("REGIE_TEST_TMP");
	char *conf = xasprintf("%s/race-%ld.conf", dir != NULL && *dir ? dir : "/tmp",
	    (long)getpid());
	char *args = xasprintf("-c %s", conf);
	FILE *f = fopen(conf, "w");
	struct h_server *s;
	struct event_base *base = event_base_new();
	struct racer racers[RACERS];
	PGconn *pg = h_pg(db);
	long long audit;
	char err[128];

	/* As many workers as racers, so that they really run together. */
	assert_non_null(f);
	fprintf(f, "pool_size = %d\n", RACERS);
	assert_int_equal(fclose(f), 0);
	s = h_server_start(db, args);
	memset(racers, 0, sizeof racers);
	for (int i = 0; i < RACERS; i++) {
		racers[i].c = h_connect(base, h_server_addr(s));
		h_login(racers[i].c, "admin", "admin-secret");
	}
	audit = pg_int(pg, "SELECT count(*) FROM audit_log");

	for (int i = 0; i < RACERS; i++) {
		struct rv *params = rv_from_json("{login: \"racer\", name: \"Racer\", "
		    "roles: [\"agent\"], password: \"racer-secret\", request_key: \"race-1\"}",
		    err, sizeof err);
		assert_non_null(params);
		regie_call(racers[i].c, "user.create", params, racer_cb, &racers[i]);
	}
	assert_true(h_loop_until(base, racers_done, racers, 3 * H_CALL_TIMEOUT_MS));

	for (int i = 0; i < RACERS; i++) {
		if (racers[i].error != NULL) {
			char *json = rv_to_json(racers[i].error);
			fprintf(stderr, "racer %d: %s\n", i, json);
			free(json);
			fail_msg("racer %d got an error instead of the first answer", i);
		}
		assert_non_null(racers[i].result);
		assert_string_equal(rv_path_str(racers[i].result, "login", ""), "racer");
		if (i > 0 && !rv_equal(racers[0].result, racers[i].result))
			fail_msg("racer %d got another answer than racer 0", i);
	}
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM users WHERE login = 'racer'"), 1);
	assert_int_equal(pg_int(pg, "SELECT count(*) FROM audit_log"), audit + 1);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM idempotency_keys WHERE key = 'race-1'"), 1);

	for (int i = 0; i < RACERS; i++) {
		rv_free(racers[i].result);
		rv_free(racers[i].error);
		regie_client_free(racers[i].c);
	}
	PQfinish(pg);
	event_base_free(base);
	h_server_free(s);
	unlink(conf);
	free(conf);
	free(args);
	h_db_drop(db);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_concurrent_replays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
