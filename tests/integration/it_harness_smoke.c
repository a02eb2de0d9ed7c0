/* The harness itself, and the least a user of regied sees: a migrated
 * database, an admin made on the command line, a server that answers on
 * TCP and on its Unix socket, a login, and a graceful stop. */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

/* A database of our own, seen from the cluster, and gone after a drop. */
static void
test_database_helpers(void **state)
{
	(void)state;
	char *db = h_db_create("it_harness_smoke db");
	PGconn *admin = h_pg(h_conninfo_admin());
	PGconn *pg = h_pg(db);
	char *name = h_pg_value(pg, "SELECT current_database()");
	char *sql;

	assert_non_null(name);
	assert_true(strncmp(name, "t_it_harness_smoke_db_", 22) == 0);
	h_pg_exec(pg, "CREATE TABLE t (n int)");
	h_pg_exec(pg, "INSERT INTO t VALUES (1), (2), (3)");
	assert_int_equal(h_pg_count(pg, "SELECT n FROM t WHERE n > 1"), 2);
	assert_null(h_pg_value(pg, "SELECT n FROM t WHERE n > 3"));
	PQfinish(pg);

	/* A second create of the same name starts empty. */
	free(h_db_create("it_harness_smoke db"));
	pg = h_pg(db);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM pg_tables WHERE tablename = 't'"), 0);
	PQfinish(pg);

	h_db_drop(db);
	sql = xasprintf("SELECT 1 FROM pg_database WHERE datname = '%s'", name);
	assert_int_equal(h_pg_count(admin, sql), 0);
	free(sql);
	free(name);
	PQfinish(admin);
	free(db);
}

static void
test_server_smoke(void **state)
{
	(void)state;
	char *db = h_db_create("it_harness_smoke");
	struct h_server *s;
	struct event_base *base;
	struct regie_client *c, *local;
	struct rv *v;
	char *listening;

	assert_int_equal(h_migrate(db), 0);
	assert_int_equal(h_useradd(db, "admin", "admin-secret", "admin", "Ada Admin"), 0);
	/* A second admin of the same login is refused. */
	assert_int_not_equal(h_useradd(db, "admin", "admin-secret", "admin", NULL), 0);

	s = h_server_start(db, NULL);
	listening = xasprintf("listening on %s", h_server_addr(s));
	assert_true(h_server_wait_log(s, listening, 5000));
	free(listening);
	base = event_base_new();
	assert_non_null(base);

	c = h_connect(base, h_server_addr(s));
	v = h_call_ok(c, "system.hello", "{}");
	assert_int_equal(rv_path_int(v, "protocol", 0), 1);
	assert_true(strncmp(rv_path_str(v, "server", ""), "regied ", 7) == 0);
	rv_free(v);

	/* Nothing but hello and login before a session. */
	rv_free(h_call_err(c, "session.info", "{}", "unauthenticated"));
	rv_free(h_call_err(c, "session.login", "{login: \"admin\", password: \"wrong-password\"}",
	    "unauthenticated"));

	assert_true(h_login(c, "admin", "admin-secret") > 0);
	v = h_call_ok(c, "session.info", "{}");
	assert_string_equal(rv_path_str(v, "user.login", ""), "admin");
	assert_string_equal(rv_path_str(v, "user.name", ""), "Ada Admin");
	assert_string_equal(rv_path_str(v, "roles.0", ""), "admin");
	rv_free(v);

	/* The same server on its Unix socket. */
	local = h_connect(base, s->unix_path);
	v = h_call_ok(local, "system.hello", NULL);
	assert_int_equal(rv_path_int(v, "protocol", 0), 1);
	rv_free(v);

	regie_client_free(local);
	regie_client_free(c);
	event_base_free(base);
	assert_int_equal(h_server_stop(s), 0);
	h_server_free(s);
	h_db_drop(db);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_database_helpers),
		cmocka_unit_test(test_server_smoke),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
