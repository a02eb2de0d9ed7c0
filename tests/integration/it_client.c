/* The client library against a real regied: what regie relies on when
 * the server goes away under it. The link comes back by itself, the
 * session with it, and no call is left without an answer. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "client.h"
#include "harness.h"
#include "rv.h"
#include "xmalloc.h"

#define ADMIN_PASSWORD "admin-secret"

struct it {
	char *db;
	struct h_server *s;
	struct event_base *base;
	struct regie_client *c;
	enum regie_state states[64];
	int nstates;
	int replies;
	char *code;           /* of the last error answer, NULL after success */
	char *login;          /* user.login of the last good answer */
};

static struct it *it;

static int
setup(void **state)
{
	(void)state;
	it = xcalloc(1, sizeof *it);
	it->db = h_db_create("it_client");
	assert_int_equal(h_migrate(it->db), 0);
	assert_int_equal(h_useradd(it->db, "admin", ADMIN_PASSWORD, "admin", "Ada"), 0);
	it->s = h_server_start(it->db, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	h_server_free(it->s);
	h_db_drop(it->db);
	free(it->db);
	free(it);
	return 0;
}

static void
on_state(struct regie_client *c, enum regie_state s, void *arg)
{
	(void)c;
	(void)arg;
	if (it->nstates < 64)
		it->states[it->nstates++] = s;
}

static void
on_reply(struct regie_client *c, const struct rv *error, const struct rv *result,
    void *arg)
{
	(void)c;
	(void)arg;
	it->replies++;
	free(it->code);
	free(it->login);
	it->code = error != NULL ? xstrdup(rv_path_str(error, "code", "?")) : NULL;
	it->login = error == NULL ? xstrdup(rv_path_str(result, "user.login", "")) : NULL;
}

/* Each test gets a fresh client and base, the server running. */
static int
client_setup(void **state)
{
	char err[256];

	(void)state;
	if (it->s->pid == 0)
		h_server_restart(it->s);
	it->base = event_base_new();
	it->c = regie_client_new(it->base, h_server_addr(it->s), err, sizeof err);
	assert_non_null(it->c);
	regie_client_set_state_cb(it->c, on_state, NULL);
	it->nstates = 0;
	it->replies = 0;
	return 0;
}

static int
client_teardown(void **state)
{
	(void)state;
	regie_client_free(it->c);
	event_base_free(it->base);
	free(it->code);
	free(it->login);
	it->code = it->login = NULL;
	return 0;
}

static int
replies_at_least(void *arg)
{
	return it->replies >= *(int *)arg;
}

static int
state_is(void *arg)
{
	return regie_client_state(it->c) == *(enum regie_state *)arg;
}

static bool
saw_state(enum regie_state s, int from)
{
	for (int i = from; i < it->nstates; i++)
		if (it->states[i] == s)
			return true;
	return false;
}

static void
wait_replies(int n)
{
	if (!h_loop_until(it->base, replies_at_least, &n, H_CALL_TIMEOUT_MS))
		fail_msg("waited %d ms for %d replies, got %d", H_CALL_TIMEOUT_MS, n,
		    it->replies);
}

static void
wait_state(enum regie_state s, int timeout_ms)
{
	if (!h_loop_until(it->base, state_is, &s, timeout_ms))
		fail_msg("waited %d ms for state %s, still %s", timeout_ms,
		    regie_state_name(s), regie_state_name(regie_client_state(it->c)));
}

static void
login(void)
{
	struct rv *p = rv_map(), *result, *error;

	rv_set_str(p, "login", "admin");
	rv_set_str(p, "password", ADMIN_PASSWORD);
	assert_int_equal(regie_call_sync(it->c, "session.login", p, &result, &error,
	    H_CALL_TIMEOUT_MS), 0);
	assert_string_equal(rv_path_str(result, "user.login", ""), "admin");
	assert_string_equal(regie_client_token(it->c), rv_path_str(result, "token", "?"));
	rv_free(result);
}

static void
test_hello_and_login(void **state)
{
	struct rv *result, *error;

	(void)state;
	assert_int_equal(regie_client_state(it->c), REGIE_DISCONNECTED);
	assert_int_equal(regie_client_connect_sync(it->c, H_START_TIMEOUT_MS), 0);
	assert_true(saw_state(REGIE_CONNECTING, 0));
	assert_int_equal(regie_client_state(it->c), REGIE_CONNECTED);

	assert_int_equal(regie_call_sync(it->c, "system.hello", NULL, &result, &error,
	    H_CALL_TIMEOUT_MS), 0);
	assert_null(error);
	assert_int_equal(rv_path_int(result, "protocol", 0), 1);
	rv_free(result);

	assert_null(regie_client_token(it->c));
	login();
	assert_int_equal(regie_call_sync(it->c, "session.info", NULL, &result, &error,
	    H_CALL_TIMEOUT_MS), 0);
	assert_string_equal(rv_path_str(result, "user.name", ""), "Ada");
	rv_free(result);

	assert_int_equal(regie_call_sync(it->c, "session.logout", NULL, &result, &error,
	    H_CALL_TIMEOUT_MS), 0);
	rv_free(result);
	assert_null(regie_client_token(it->c));
	assert_int_equal(regie_call_sync(it->c, "session.info", NULL, &result, &error,
	    H_CALL_TIMEOUT_MS), -1);
	assert_null(result);
	assert_string_equal(rv_path_str(error, "code", ""), "unauthenticated");
	rv_free(error);
}

static void
test_unix_socket(void **state)
{
	struct regie_client *local;
	struct rv *result, *error;
	char err[256];

	(void)state;
	local = regie_client_new(it->base, it->s->unix_path, err, sizeof err);
	assert_non_null(local);
	assert_int_equal(regie_client_connect_sync(local, H_START_TIMEOUT_MS), 0);
	assert_int_equal(regie_call_sync(local, "system.ping", NULL, &result, &error,
	    H_CALL_TIMEOUT_MS), 0);
	assert_true(rv_path_bool(result, "pong", false));
	rv_free(result);
	regie_client_free(local);
}

static void
test_queued_before_connect(void **state)
{
	struct rv *p = rv_map();

	(void)state;
	/* Made before any link: it waits, then goes out once connected,
	 * after the login made just before it. */
	rv_set_str(p, "login", "admin");
	rv_set_str(p, "password", ADMIN_PASSWORD);
	regie_call(it->c, "session.login", p, on_reply, NULL);
	regie_call(it->c, "session.info", NULL, on_reply, NULL);
	assert_int_equal(it->replies, 0);
	regie_client_connect(it->c);
	wait_replies(2);
	assert_null(it->code);
	assert_string_equal(it->login, "admin");
	assert_non_null(regie_client_token(it->c));
}

static void
test_restart_resumes_session(void **state)
{
	char *token;
	int mark;

	(void)state;
	assert_int_equal(regie_client_connect_sync(it->c, H_START_TIMEOUT_MS), 0);
	login();
	token = xstrdup(regie_client_token(it->c));

	/* A call sent to a server that dies before answering is answered
	 * `unavailable`: it may or may not have run. */
	assert_int_equal(kill(it->s->pid, SIGSTOP), 0);
	regie_call(it->c, "session.info", NULL, on_reply, NULL);
	event_base_loop(it->base, EVLOOP_NONBLOCK);     /* out to the socket */
	h_server_kill(it->s);
	wait_replies(1);
	assert_string_equal(it->code, "unavailable");
	wait_state(REGIE_DISCONNECTED, H_CALL_TIMEOUT_MS);

	/* A call made while the server is down waits for it. */
	regie_call(it->c, "session.info", NULL, on_reply, NULL);
	mark = it->nstates;
	h_server_restart(it->s);
	wait_replies(2);
	/* The session came back without a new login. */
	assert_null(it->code);
	assert_string_equal(it->login, "admin");
	assert_true(saw_state(REGIE_RESUMING, mark));
	assert_int_equal(regie_client_state(it->c), REGIE_CONNECTED);
	assert_string_equal(regie_client_token(it->c), token);
	free(token);
}

static void
test_refused_resume(void **state)
{
	struct rv *result, *error;

	(void)state;
	/* A token the server does not know: the client drops it and stays
	 * connected, without a session. */
	regie_client_set_token(it->c, "not-a-token-the-server-ever-gave");
	assert_int_equal(regie_client_connect_sync(it->c, H_START_TIMEOUT_MS), 0);
	assert_true(saw_state(REGIE_RESUMING, 0));
	assert_null(regie_client_token(it->c));
	assert_int_equal(regie_call_sync(it->c, "session.info", NULL, &result, &error,
	    H_CALL_TIMEOUT_MS), -1);
	assert_string_equal(rv_path_str(error, "code", ""), "unauthenticated");
	rv_free(error);
}

static void
test_call_sync_timeout(void **state)
{
	struct rv *result, *error;

	(void)state;
	assert_int_equal(regie_client_connect_sync(it->c, H_START_TIMEOUT_MS), 0);
	/* A frozen server: the caller gets its answer in time anyway. */
	assert_int_equal(kill(it->s->pid, SIGSTOP), 0);
	assert_int_equal(regie_call_sync(it->c, "system.ping", NULL, &result, &error, 300),
	    -1);
	assert_int_equal(kill(it->s->pid, SIGCONT), 0);
	assert_null(result);
	assert_string_equal(rv_path_str(error, "code", ""), "unavailable");
	assert_string_equal(rv_path_str(error, "message", ""), "timed out after 300 ms");
	rv_free(error);

	/* The late answer to the abandoned call is dropped; the link works. */
	assert_int_equal(regie_call_sync(it->c, "system.hello", NULL, &result, &error,
	    H_CALL_TIMEOUT_MS), 0);
	assert_int_equal(rv_path_int(result, "protocol", 0), 1);
	rv_free(result);
	assert_int_equal(regie_client_state(it->c), REGIE_CONNECTED);
}

static void
test_connect_refused_without_reconnect(void **state)
{
	struct regie_client *c;
	char err[256];
	char *addr;

	(void)state;
	/* Nothing listens on the server's port while it is stopped. */
	addr = xstrdup(h_server_addr(it->s));
	h_server_stop(it->s);
	c = regie_client_new(it->base, addr, err, sizeof err);
	assert_non_null(c);
	regie_client_set_reconnect(c, false);
	assert_int_equal(regie_client_connect_sync(c, H_START_TIMEOUT_MS), -1);
	assert_int_equal(regie_client_state(c), REGIE_DISCONNECTED);
	regie_client_free(c);
	free(addr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hello_and_login, client_setup,
		    client_teardown),
		cmocka_unit_test_setup_teardown(test_unix_socket, client_setup,
		    client_teardown),
		cmocka_unit_test_setup_teardown(test_queued_before_connect, client_setup,
		    client_teardown),
		cmocka_unit_test_setup_teardown(test_restart_resumes_session, client_setup,
		    client_teardown),
		cmocka_unit_test_setup_teardown(test_refused_resume, client_setup,
		    client_teardown),
		cmocka_unit_test_setup_teardown(test_call_sync_timeout, client_setup,
		    client_teardown),
		cmocka_unit_test_setup_teardown(test_connect_refused_without_reconnect,
		    client_setup, client_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
