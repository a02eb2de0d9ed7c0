/* Helpers for the integration tests: a database of their own, a real
 * regied on a free port, a client, and assertions on calls.
 *
 * The tests run under tests/run.sh, which starts one throwaway cluster
 * and sets:
 *   REGIE_TEST_CONNINFO  a superuser connection to that cluster
 *   REGIE_BIN_DIR        where regied is (the top of the checkout)
 *   REGIE_TEST_TMP       a scratch directory for this test program
 *
 * A typical test:
 *
 *	char *db = h_db_create("it_user");
 *	assert_int_equal(h_migrate(db), 0);
 *	assert_int_equal(h_useradd(db, "admin", "secret-pw", "admin", NULL), 0);
 *	struct h_server *s = h_server_start(db, NULL);
 *	struct event_base *base = event_base_new();
 *	struct regie_client *c = h_connect(base, h_server_addr(s));
 *	h_login(c, "admin", "secret-pw");
 *	struct rv *u = h_call_ok(c, "user.get", "{id: 1}");
 *	...
 *	rv_free(u);
 *	regie_client_free(c);
 *	event_base_free(base);
 *	h_server_free(s);
 *	h_db_drop(db);
 *	free(db);
 *
 * Helpers that "assert" fail the current cmocka test (fail_msg) with a
 * message saying what went wrong; they must run inside a test or a
 * setup/teardown function. Returned strings and rv trees belong to the
 * caller. */
#ifndef REGIE_HARNESS_H
#define REGIE_HARNESS_H
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "client.h"
#include "rv.h"

struct event_base;

/* Deadlines, in milliseconds. */
#define H_CALL_TIMEOUT_MS    10000   /* one call */
#define H_START_TIMEOUT_MS   10000   /* a server until it accepts */
#define H_STOP_TIMEOUT_MS    10000   /* SIGTERM until SIGKILL */

/* ---- databases ---- */

/* REGIE_TEST_CONNINFO; exits the program with a message when unset. */
const char *h_conninfo_admin(void);
/* Creates an empty database named after name (a test's name) and the pid,
 * dropping one of that name first, and returns a conninfo for it. */
char *h_db_create(const char *name);
/* Drops the database of a conninfo made by h_db_create, closing the
 * connections still open to it. */
void h_db_drop(const char *conninfo);

/* ---- the regied command line ---- */

/* `regied migrate -d CONNINFO`; returns its exit status. */
int h_migrate(const char *conninfo);
/* `regied useradd -d CONNINFO LOGIN --role R...` with the password on
 * stdin. roles_csv is "admin" or "supervisor,agent"; name may be NULL.
 * Returns its exit status. */
int h_useradd(const char *conninfo, const char *login, const char *password,
    const char *roles_csv, const char *name);

/* ---- a running regied ---- */

struct h_server {
	pid_t pid;            /* 0 when not running */
	int port;             /* its TCP port on 127.0.0.1 */
	char *addr;           /* "127.0.0.1:PORT" */
	char *unix_path;      /* its Unix socket, in REGIE_TEST_TMP */
	char *log_path;       /* stdout and stderr, appended across restarts */
	char *conninfo;
	char *extra_args;
	int status;           /* exit status of the last run, -1 if killed */
};

/* Starts `regied -l 127.0.0.1:PORT -l UNIX -d CONNINFO EXTRA...` on a
 * free port; extra_args (may be NULL) is split on spaces, no quoting.
 * Asserts that it accepts connections on both within H_START_TIMEOUT_MS.
 * REGIE_SERVER_WRAP, when set, is put before the command (valgrind). */
struct h_server *h_server_start(const char *conninfo, const char *extra_args);
/* SIGTERM, then SIGKILL past H_STOP_TIMEOUT_MS. Returns the exit status:
 * 0 for a clean graceful stop. The struct stays (log, restart). */
int h_server_stop(struct h_server *s);
/* SIGKILL, as a crash would. */
void h_server_kill(struct h_server *s);
/* Stops it if it runs and starts it again on the same port and socket. */
void h_server_restart(struct h_server *s);
/* Stops it if it runs and frees s. */
void h_server_free(struct h_server *s);
const char *h_server_addr(const struct h_server *s);
bool h_server_log_contains(const struct h_server *s, const char *needle);

/* A test's own world: a migrated database with one admin, and a regied
 * on it; config_text, when not NULL, is written to a file passed with
 * -c. */
struct h_env {
	char *db;
	char *config_path;
	struct h_server *s;
};
void h_env_start(struct h_env *e, const char *name, const char *admin_login,
    const char *admin_password, const char *config_text);
/* Stops the server, drops the database, frees; returns the server's exit
 * status (0 for a clean stop). */
int h_env_end(struct h_env *e);
/* Waits until the log holds needle; returns false past timeout_ms. */
bool h_server_wait_log(const struct h_server *s, const char *needle, int timeout_ms);

/* ---- a client ----
 * These are macros so that a failure names the test's line. */

/* A client on base, connected to addr (a host:port or a socket path), or
 * the test fails. Free it with regie_client_free. */
#define h_connect(base, addr) h_connect_at(__FILE__, __LINE__, (base), (addr))
/* Calls method with params written as text (see rv_from_json; NULL for
 * none), asserts success and returns the result. */
#define h_call_ok(c, method, params) \
	h_call_ok_at(__FILE__, __LINE__, (c), (method), (params))
/* Same call, asserting an error whose code is expected_code; returns the
 * error map. */
#define h_call_err(c, method, params, expected_code) \
	h_call_err_at(__FILE__, __LINE__, (c), (method), (params), (expected_code))
/* session.login, asserted; the client keeps the session. Returns the
 * user's id. */
#define h_login(c, login, password) \
	h_login_at(__FILE__, __LINE__, (c), (login), (password))

struct regie_client *h_connect_at(const char *file, int line,
    struct event_base *base, const char *addr);
/* The same with printf-style params:
 *	h_call_okf(c, "user.get", "{id: %lld}", (long long)id);
 *	h_call_errf(c, "user.get", "not_found", "{id: %lld}", (long long)id); */
#define h_call_okf(c, method, ...) \
	h_call_okf_at(__FILE__, __LINE__, (c), (method), __VA_ARGS__)
#define h_call_errf(c, method, code, ...) \
	h_call_errf_at(__FILE__, __LINE__, (c), (method), (code), __VA_ARGS__)
struct rv *h_call_okf_at(const char *file, int line, struct regie_client *c,
    const char *method, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
struct rv *h_call_errf_at(const char *file, int line, struct regie_client *c,
    const char *method, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
struct rv *h_call_ok_at(const char *file, int line, struct regie_client *c,
    const char *method, const char *params);
struct rv *h_call_err_at(const char *file, int line, struct regie_client *c,
    const char *method, const char *params, const char *expected_code);
int64_t h_login_at(const char *file, int line, struct regie_client *c,
    const char *login, const char *password);

/* ---- looking into the database ---- */

/* A connection, or the test fails. PQfinish it. */
PGconn *h_pg(const char *conninfo);
/* Runs SQL that must succeed (an UPDATE to age a session, say). */
void h_pg_exec(PGconn *pg, const char *sql);
/* The first column of the first row, or NULL for no row or SQL NULL. The
 * query must succeed. */
char *h_pg_value(PGconn *pg, const char *sql);
/* The number of rows the query returns (not the value of a count(*)). */
long h_pg_count(PGconn *pg, const char *sql);

/* The invariants of the data (tests/harness/invariants.c): every request
 * and work order in a legal state and linked both ways, costs equal to
 * the sum of their lines, labour at the agent's rate of the day, an audit
 * row for each filing, none twice. Fails the test naming the first
 * broken one. */
#define h_assert_invariants(conninfo) h_assert_invariants_at(__FILE__, __LINE__, (conninfo))
void h_assert_invariants_at(const char *file, int line, const char *conninfo);

/* ---- waiting ---- */

/* Calls cond(arg) until it returns non-zero, sleeping a little more each
 * time; returns 1, or 0 past timeout_ms. */
int h_wait_until(int (*cond)(void *), void *arg, int timeout_ms);
/* The same while running base, for what arrives through the client
 * (pushed events): cond is checked after each turn of the loop. */
int h_loop_until(struct event_base *base, int (*cond)(void *), void *arg,
    int timeout_ms);

#endif
