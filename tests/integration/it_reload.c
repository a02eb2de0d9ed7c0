/* SIGHUP, as an admin uses it after editing regied.conf: the new limits
 * hold for what comes next, a file that no longer parses changes
 * nothing, and keys that only a restart can change say so and keep their
 * value. The server answers throughout. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/event.h>
#include "harness.h"
#include "xmalloc.h"

#define ADMIN_LOGIN    "admin"
#define ADMIN_PASSWORD "admin-password-1"

static void write_config(const struct h_env *e, const char *text)
{
	FILE *f = fopen(e->config_path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* Sends SIGHUP and waits for the count-th log line saying how the reload
 * ended (needle), so that a test never reads the state before it. */
static void hup_and_wait(const struct h_env *e, const char *needle)
{
	assert_int_equal(kill(e->s->pid, SIGHUP), 0);
	if (!h_server_wait_log(e->s, needle, H_CALL_TIMEOUT_MS))
		fail_msg("no '%s' in the server's log after SIGHUP", needle);
}

/* Fails logins for login until one answers `throttled`; returns how many
 * wrong passwords it took (0 if none within limit). */
static int failures_until_throttled(struct regie_client *c, const char *login, int limit)
{
	for (int i = 1; i <= limit + 1; i++) {
		struct rv *params = rv_map(), *result = NULL, *error = NULL;
		bool throttled;

		rv_set(params, "login", rv_str(login));
		rv_set(params, "password", rv_str("wrong-password"));
		if (regie_call_sync(c, "session.login", params, &result, &error, H_CALL_TIMEOUT_MS) == 0)
			fail_msg("a wrong password logged %s in", login);
		throttled = strcmp(rv_path_str(error, "code", ""), "throttled") == 0;
		if (!throttled && strcmp(rv_path_str(error, "code", ""), "unauthenticated") != 0)
			fail_msg("login %d of %s: %s", i, login, rv_path_str(error, "message", "?"));
		rv_free(error);
		if (throttled)
			return i;
	}
	return 0;
}

static void test_reload_applies_new_limits(void **state)
{
	struct h_env e;
	struct event_base *base = event_base_new();
	struct regie_client *c;
	struct rv *r;

	(void)state;
	h_env_start(&e, "it_reload_limits", ADMIN_LOGIN, ADMIN_PASSWORD,
	    "login_max_failures = 6\nlogin_window = 600\n");
	c = h_connect(base, h_server_addr(e.s));
	/* Six failures allowed: the seventh attempt is throttled. */
	assert_int_equal(failures_until_throttled(c, "alice", 8), 7);

	write_config(&e, "login_max_failures = 2\nlogin_window = 600\n");
	hup_and_wait(&e, "reload: configuration read again");
	assert_int_equal(failures_until_throttled(c, "bob", 8), 3);
	/* The connection made before the reload still works. */
	r = h_call_ok(c, "system.ping", NULL);
	rv_free(r);

	regie_client_free(c);
	event_base_free(base);
	assert_int_equal(h_env_end(&e), 0);
}

static void test_reload_keeps_config_when_file_is_bad(void **state)
{
	struct h_env e;
	struct event_base *base = event_base_new();
	struct regie_client *c;
	struct rv *r;

	(void)state;
	h_env_start(&e, "it_reload_bad", ADMIN_LOGIN, ADMIN_PASSWORD, "login_max_failures = 2\n");
	c = h_connect(base, h_server_addr(e.s));
	write_config(&e, "login_max_failures = 2\nno_such_key = 1\n");
	hup_and_wait(&e, "the configuration in force is kept");
	assert_true(h_server_log_contains(e.s, "no_such_key"));
	/* Still answering, still with the old limit. */
	r = h_call_ok(c, "system.ping", NULL);
	rv_free(r);
	assert_int_equal(failures_until_throttled(c, "carol", 6), 3);

	regie_client_free(c);
	event_base_free(base);
	assert_int_equal(h_env_end(&e), 0);
}

static void test_reload_keeps_what_needs_a_restart(void **state)
{
	struct h_env e;
	struct event_base *base = event_base_new();
	struct regie_client *c;
	struct rv *r;

	(void)state;
	h_env_start(&e, "it_reload_fixed", ADMIN_LOGIN, ADMIN_PASSWORD, "pool_size = 2\n");
	write_config(&e, "pool_size = 3\n");
	hup_and_wait(&e, "reload: configuration read again");
	assert_true(h_server_log_contains(e.s, "pool_size changes only with a restart; kept 2"));
	/* The listener set up at start is the one still serving. */
	c = h_connect(base, h_server_addr(e.s));
	h_login(c, ADMIN_LOGIN, ADMIN_PASSWORD);
	r = h_call_ok(c, "session.info", NULL);
	rv_free(r);

	regie_client_free(c);
	event_base_free(base);
	assert_int_equal(h_env_end(&e), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reload_applies_new_limits),
		cmocka_unit_test(test_reload_keeps_config_when_file_is_bad),
		cmocka_unit_test(test_reload_keeps_what_needs_a_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
