/* Faults while clients work: PostgreSQL connections killed, PostgreSQL
 * restarted, regied stopped with calls in flight, regied killed, clients
 * that vanish mid-call, and a subscriber that never reads its events.
 *
 * What a user must see: calls fail cleanly (`unavailable`) while
 * something is down, then succeed; a retry with the same request_key
 * never writes twice; nothing acknowledged is lost; one bad client never
 * costs the others their service. */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "harness.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

#define ADMIN_LOGIN "admin"
#define ADMIN_PASSWORD "admin-secret"

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Deadlines for waits on the server's work are longer when it runs
 * under valgrind (REGIE_SERVER_WRAP), where one Argon2 hash takes
 * seconds. */
static int
slow(int ms)
{
	const char *wrap = getenv("REGIE_SERVER_WRAP");

	return wrap != NULL && *wrap != '\0' ? ms * 10 : ms;
}

/* ---- a regied of the test's own ---- */

#define env_start(e, name, config_text) \
	h_env_start((e), (name), ADMIN_LOGIN, ADMIN_PASSWORD, (config_text))
/* Whatever the fault did, the data it left must hold together. */
#define env_free(e) do { \
	h_assert_invariants((e)->db); \
	(void)h_env_end(e); \
} while (0)

/* A client that resumes the session of token instead of logging in
 * again (a login costs an Argon2 hash). */
static struct regie_client *
connect_with_token(struct event_base *base, const char *addr, const char *token)
{
	char err[256];
	struct regie_client *c = regie_client_new(base, addr, err, sizeof err);

	assert_non_null(c);
	regie_client_set_token(c, token);
	if (regie_client_connect_sync(c, H_START_TIMEOUT_MS) != 0)
		fail_msg("could not connect and resume on %s", addr);
	return c;
}

/* No line at level ERROR in the server's log. */
static void
assert_log_clean(const struct h_server *s)
{
	if (h_server_log_contains(s, " ERROR ")) {
		h_server_log_contains(s, "");
		fail_msg("the server logged an ERROR (see %s)", s->log_path);
	}
}

/* ---- a fleet of clients writing with request keys ----
 *
 * Each worker writes one call after another, each with a request_key of
 * its own: even workers create users, odd ones report hours on a work
 * order, as agents' terminals do from the field. On `unavailable` a
 * worker retries the same call with the same key after a short pause;
 * any other error is a failure. */

#define FLEET_MAX 20
#define RETRY_MS 50

struct fleet;

struct worker {
	struct fleet *f;
	int index;
	struct regie_client *c;
	int next;              /* the number of the user being created */
	bool busy;             /* a call is out, or a retry is due */
	struct event *retry;
};

struct ack {
	char login[32];        /* the user created, or the note of the hours reported */
	int64_t id;            /* the user's id; 0 for hours */
};

struct fleet {
	struct event_base *base;
	const char *prefix;
	struct worker w[FLEET_MAX];
	int n;
	bool stopping;         /* finish the user under way, start no other */
	int unavailable;       /* answers `unavailable` (each then retried) */
	int failures;
	char first_failure[512];
	struct ack *acks;
	size_t nacks, cap;
	size_t nhours;         /* of the acks, hours reported */
	int64_t work_order, agent;
	char today[16];        /* the database's */
};

/* Odd workers report on this: a work order in progress, an agent with a
 * rate since last year. */
static void
fleet_prepare_work(struct fleet *f, const char *conninfo)
{
	PGconn *pg = h_pg(conninfo);
	char *v;

	h_pg_exec(pg, "INSERT INTO services (code, name) VALUES ('FLEET-BAT', 'Bâtiments')");
	h_pg_exec(pg, "INSERT INTO agents (code, name, service_id, trade) SELECT 'FLEET-A1', "
	    "'Agent Flotte', id, 'plumber' FROM services WHERE code = 'FLEET-BAT'");
	h_pg_exec(pg, "INSERT INTO agent_rates (agent_id, effective, rate) SELECT id, "
	    "current_date - 365, 31.40 FROM agents WHERE code = 'FLEET-A1'");
	h_pg_exec(pg, "INSERT INTO work_orders (number, status, service_id, title) SELECT "
	    "regie_next_number('OT'), 'in_progress', id, 'Fuite chaufferie' FROM services "
	    "WHERE code = 'FLEET-BAT'");
	v = h_pg_value(pg, "SELECT id FROM work_orders WHERE title = 'Fuite chaufferie'");
	f->work_order = strtoll(v, NULL, 10);
	free(v);
	v = h_pg_value(pg, "SELECT id FROM agents WHERE code = 'FLEET-A1'");
	f->agent = strtoll(v, NULL, 10);
	free(v);
	v = h_pg_value(pg, "SELECT current_date::text");
	xsnprintf(f->today, sizeof f->today, "%s", v);
	free(v);
	PQfinish(pg);
}

static void worker_send(struct worker *w);

static void
worker_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	worker_send(arg);
}

static void
worker_reply(struct regie_client *c, const struct rv *error, const struct rv *result,
    void *arg)
{
	struct worker *w = arg;
	struct fleet *f = w->f;
	char login[32];

	xsnprintf(login, sizeof login, "%s-%d-%d", f->prefix, w->index, w->next);
	if (error != NULL && strcmp(rv_path_str(error, "code", ""), "unavailable") == 0) {
		struct timeval tv = { 0, RETRY_MS * 1000 };

		f->unavailable++;
		evtimer_add(w->retry, &tv);
		return;
	}
	w->busy = false;
	if (error != NULL || (w->index % 2 == 0 ?
	    strcmp(rv_path_str(result, "login", ""), login) != 0 || rv_path_int(result, "id", 0) <= 0 :
	    rv_path_int(result, "id", 0) != f->work_order)) {
		char *json = rv_to_json(error != NULL ? error : result);

		if (f->failures++ == 0)
			xsnprintf(f->first_failure, sizeof f->first_failure,
			    "%s %s answered %s", w->index % 2 == 0 ? "user.create" :
			    "workorder.add_labour", login, json);
		free(json);
		return;
	}
	if (f->nacks == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		f->acks = xreallocarray(f->acks, f->cap, sizeof *f->acks);
	}
	xsnprintf(f->acks[f->nacks].login, sizeof f->acks[f->nacks].login, "%s", login);
	f->acks[f->nacks].id = w->index % 2 == 0 ? rv_path_int(result, "id", 0) : 0;
	if (w->index % 2 != 0)
		f->nhours++;
	f->nacks++;
	w->next++;
	if (!f->stopping)
		worker_send(w);
}

static void
worker_send(struct worker *w)
{
	struct fleet *f = w->f;
	struct rv *p = rv_map(), *roles = rv_array();
	char login[32], key[48];

	xsnprintf(login, sizeof login, "%s-%d-%d", f->prefix, w->index, w->next);
	xsnprintf(key, sizeof key, "key-%s", login);
	w->busy = true;
	if (w->index % 2 != 0) {
		rv_free(roles);
		rv_set_int(p, "id", f->work_order);
		rv_set_int(p, "agent_id", f->agent);
		rv_set_str(p, "day", f->today);
		rv_set_str(p, "hours", "0.25");
		rv_set_str(p, "note", login);
		rv_set_str(p, "request_key", key);
		regie_call(w->c, "workorder.add_labour", p, worker_reply, w);
		return;
	}
	rv_push(roles, rv_str("viewer"));
	rv_set_str(p, "login", login);
	rv_set_str(p, "name", "Fleet Worker");
	rv_set(p, "roles", roles);
	rv_set_str(p, "password", "fleet-password");
	rv_set_str(p, "request_key", key);
	w->busy = true;
	regie_call(w->c, "user.create", p, worker_reply, w);
}

/* n workers on addr; the first logs in, the others resume its session. */
static void
fleet_start(struct fleet *f, struct event_base *base, const char *conninfo, const char *addr,
    int n, const char *prefix)
{
	memset(f, 0, sizeof *f);
	f->base = base;
	f->prefix = prefix;
	f->n = n;
	fleet_prepare_work(f, conninfo);
	for (int i = 0; i < n; i++) {
		struct worker *w = &f->w[i];

		w->f = f;
		w->index = i;
		if (i == 0) {
			w->c = h_connect(base, addr);
			h_login(w->c, ADMIN_LOGIN, ADMIN_PASSWORD);
		} else {
			w->c = connect_with_token(base, addr, regie_client_token(f->w[0].c));
		}
		w->retry = evtimer_new(base, worker_retry_cb, w);
	}
	for (int i = 0; i < n; i++)
		worker_send(&f->w[i]);
}

struct fleet_goal {
	struct fleet *f;
	size_t acks;
	pid_t child;           /* also wait for this process (0: none) */
	int child_status;
};

static int
fleet_reached(void *arg)
{
	struct fleet_goal *g = arg;

	if (g->f->failures > 0)
		return 1;
	if (g->child > 0) {
		int status;
		if (waitpid(g->child, &status, WNOHANG) == g->child) {
			g->child = 0;
			g->child_status = status;
		}
	}
	return g->child == 0 && g->f->nacks >= g->acks;
}

/* Runs the fleet until it has acks acknowledged creates in all (and the
 * child, if any, has ended), or fails the test past timeout_ms. */
static void
fleet_run_until(struct fleet *f, size_t acks, pid_t child, int timeout_ms)
{
	struct fleet_goal g = { f, acks, child, 0 };

	if (!h_loop_until(f->base, fleet_reached, &g, slow(timeout_ms)))
		fail_msg("after %d ms: %zu creates acknowledged of %zu wanted, %d unavailable%s",
		    timeout_ms, f->nacks, acks, f->unavailable,
		    g.child > 0 ? ", the restart still running" : "");
	if (f->failures > 0)
		fail_msg("%d calls failed; the first: %s", f->failures, f->first_failure);
	if (child > 0 && !(WIFEXITED(g.child_status) && WEXITSTATUS(g.child_status) == 0))
		fail_msg("the restart command failed (status %d)", g.child_status);
}

static int
fleet_idle(void *arg)
{
	struct fleet *f = arg;

	for (int i = 0; i < f->n; i++) {
		if (f->w[i].busy)
			return 0;
	}
	return 1;
}

/* Lets every worker finish the user it is on (retrying as needed). */
static void
fleet_drain(struct fleet *f, int timeout_ms)
{
	f->stopping = true;
	if (!h_loop_until(f->base, fleet_idle, f, slow(timeout_ms)))
		fail_msg("the fleet did not finish its calls within %d ms", timeout_ms);
	if (f->failures > 0)
		fail_msg("%d calls failed; the first: %s", f->failures, f->first_failure);
}

static void
fleet_free(struct fleet *f)
{
	for (int i = 0; i < f->n; i++) {
		regie_client_free(f->w[i].c);
		event_free(f->w[i].retry);
	}
	free(f->acks);
}

/* Every acknowledged write is in the database once: each user with the
 * id it was answered with, each report's hours once on the work order;
 * nothing else of the fleet's is there; each has its one audit row, and
 * each key its one stored answer. */
static void
fleet_check_db(struct fleet *f, const char *conninfo)
{
	PGconn *pg = h_pg(conninfo);
	size_t nusers = f->nacks - f->nhours;
	char sql[512];

	xsnprintf(sql, sizeof sql, "SELECT 1 FROM users WHERE login LIKE '%s-%%'", f->prefix);
	if (h_pg_count(pg, sql) != (long)nusers)
		fail_msg("%ld users in the database, %zu creates acknowledged",
		    h_pg_count(pg, sql), nusers);
	xsnprintf(sql, sizeof sql, "SELECT 1 FROM work_order_labour WHERE note LIKE '%s-%%'",
	    f->prefix);
	if (h_pg_count(pg, sql) != (long)f->nhours)
		fail_msg("%ld labour lines in the database, %zu reports acknowledged",
		    h_pg_count(pg, sql), f->nhours);
	for (size_t i = 0; i < f->nacks; i++) {
		char *id;

		if (f->acks[i].id == 0) {
			xsnprintf(sql, sizeof sql, "SELECT 1 FROM work_order_labour WHERE note = '%s' "
			    "AND work_order_id = %lld AND hours = 0.25", f->acks[i].login,
			    (long long)f->work_order);
			if (h_pg_count(pg, sql) != 1)
				fail_msg("the hours reported as %s are there %ld times",
				    f->acks[i].login, h_pg_count(pg, sql));
			continue;
		}
		xsnprintf(sql, sizeof sql, "SELECT id FROM users WHERE login = '%s'",
		    f->acks[i].login);
		assert_int_equal(h_pg_count(pg, sql), 1);
		id = h_pg_value(pg, sql);
		if (id == NULL || strtoll(id, NULL, 10) != f->acks[i].id)
			fail_msg("%s has id %s in the database, %lld in its answer",
			    f->acks[i].login, id ? id : "none", (long long)f->acks[i].id);
		free(id);
	}
	xsnprintf(sql, sizeof sql, "SELECT u.id FROM users u JOIN audit_log a ON "
	    "a.entity = 'user' AND a.entity_id = u.id AND a.method = 'user.create' "
	    "WHERE u.login LIKE '%s-%%' GROUP BY u.id HAVING count(*) = 1", f->prefix);
	if (h_pg_count(pg, sql) != (long)nusers)
		fail_msg("%ld of %zu users have exactly one creation audit row",
		    h_pg_count(pg, sql), nusers);
	xsnprintf(sql, sizeof sql, "SELECT 1 FROM audit_log WHERE method = 'user.create' "
	    "AND after->>'login' LIKE '%s-%%'", f->prefix);
	if (h_pg_count(pg, sql) != (long)nusers)
		fail_msg("%ld creation audit rows for %zu users", h_pg_count(pg, sql), nusers);
	xsnprintf(sql, sizeof sql, "SELECT 1 FROM audit_log WHERE method = "
	    "'workorder.add_labour' AND entity_id = %lld", (long long)f->work_order);
	if (h_pg_count(pg, sql) != (long)f->nhours)
		fail_msg("%ld audit rows for %zu reports", h_pg_count(pg, sql), f->nhours);
	xsnprintf(sql, sizeof sql, "SELECT 1 FROM idempotency_keys WHERE key LIKE 'key-%s-%%'",
	    f->prefix);
	if (h_pg_count(pg, sql) != (long)f->nacks)
		fail_msg("%ld stored answers for %zu keys", h_pg_count(pg, sql), f->nacks);
	PQfinish(pg);
}

/* ---- PostgreSQL faults ---- */

/* regied's own connections to PostgreSQL are killed, twice, while twenty
 * clients create users. */
static void
test_pg_backends_killed(void **state)
{
	(void)state;
	struct h_env e;
	struct event_base *base = event_base_new();
	struct fleet f;
	PGconn *pg;

	env_start(&e, "it_faults_kill", NULL);
	fleet_start(&f, base, e.db, h_server_addr(e.s), 20, "kill");
	fleet_run_until(&f, 15, 0, 30000);

	pg = h_pg(e.db);
	for (int round = 0; round < 2; round++) {
		size_t before = f.nacks;

		if (h_pg_count(pg, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		    "WHERE application_name = 'regied'") == 0)
			fail_msg("no regied connection to terminate");
		/* Service resumes: more creates go through. */
		fleet_run_until(&f, before + 15, 0, 30000);
	}
	PQfinish(pg);
	fleet_drain(&f, 30000);
	fleet_check_db(&f, e.db);
	print_message("killed backends: %zu creates, %d answers unavailable\n", f.nacks,
	    f.unavailable);

	fleet_free(&f);
	event_base_free(base);
	assert_log_clean(e.s);
	assert_int_equal(h_server_stop(e.s), 0);
	env_free(&e);
}

/* tools/pgtmp.sh: tests/run.sh runs us from the top of the checkout;
 * REGIE_BIN_DIR is that top too, or build-san/ inside it. */
static char *
pgtmp_script(void)
{
	const char *bin = getenv("REGIE_BIN_DIR");
	char *candidates[3];
	char *found = NULL;

	candidates[0] = xstrdup("tools/pgtmp.sh");
	candidates[1] = xasprintf("%s/tools/pgtmp.sh", bin != NULL ? bin : ".");
	candidates[2] = xasprintf("%s/../tools/pgtmp.sh", bin != NULL ? bin : ".");
	for (int i = 0; i < 3; i++) {
		if (found == NULL && access(candidates[i], R_OK) == 0)
			found = xstrdup(candidates[i]);
		free(candidates[i]);
	}
	if (found == NULL)
		fail_msg("tools/pgtmp.sh not found (from the current directory or REGIE_BIN_DIR)");
	return found;
}

/* Starts `pgtmp.sh restart` on the cluster behind conninfo, in the
 * background; returns its pid. pgtmp.sh keeps the cluster in DIR/data. */
static pid_t
pg_restart_start(const char *conninfo)
{
	PGconn *pg = h_pg(conninfo);
	char *datadir = h_pg_value(pg, "SHOW data_directory");
	char *script = pgtmp_script(), *dir;
	pid_t pid;

	PQfinish(pg);
	assert_non_null(datadir);
	if (strcmp(basename(datadir), "data") != 0)
		fail_msg("%s is not a pgtmp.sh cluster (DIR/data)", datadir);
	dir = xstrdup(dirname(datadir));
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execlp("sh", "sh", script, "restart", dir, (char *)NULL);
		_exit(127);
	}
	free(script);
	free(dir);
	free(datadir);
	return pid;
}

/* The whole cluster stops and starts again while twenty clients create
 * users: they get `unavailable` meanwhile, then go on. */
static void
test_pg_restarted(void **state)
{
	(void)state;
	struct h_env e;
	struct event_base *base = event_base_new();
	struct fleet f;
	int unavailable_before;
	size_t before;

	env_start(&e, "it_faults_restart", NULL);
	fleet_start(&f, base, e.db, h_server_addr(e.s), 20, "restart");
	fleet_run_until(&f, 15, 0, 30000);
	unavailable_before = f.unavailable;
	fleet_run_until(&f, 0, pg_restart_start(e.db), 60000);
	if (f.unavailable == unavailable_before)
		fail_msg("no call saw the database down");
	before = f.nacks;
	fleet_run_until(&f, before + 20, 0, 30000);
	fleet_drain(&f, 30000);
	fleet_check_db(&f, e.db);
	print_message("restart: %zu creates, %d answers unavailable\n", f.nacks, f.unavailable);

	fleet_free(&f);
	event_base_free(base);
	assert_true(h_server_wait_log(e.s, "event listener: listening", 5000));
	assert_int_equal(h_server_stop(e.s), 0);
	env_free(&e);
}

/* ---- regied faults ---- */

/* regied is killed outright while clients create users, and a new one
 * starts on the same port: the clients reconnect, resume their session,
 * retry with their keys; nothing is written twice or lost. */
static void
test_regied_killed(void **state)
{
	(void)state;
	struct h_env e;
	struct event_base *base = event_base_new();
	struct fleet f;
	int unavailable_before;
	size_t before;

	env_start(&e, "it_faults_sigkill", NULL);
	fleet_start(&f, base, e.db, h_server_addr(e.s), 10, "sigkill");
	for (int round = 0; round < 2; round++) {
		fleet_run_until(&f, f.nacks + 10, 0, 30000);
		unavailable_before = f.unavailable;
		/* Calls are surely in flight: ten workers always have one out. */
		h_server_kill(e.s);
		h_server_restart(e.s);
		before = f.nacks;
		fleet_run_until(&f, before + 10, 0, 30000);
		if (f.unavailable == unavailable_before)
			fail_msg("no call was cut by the kill");
	}
	fleet_drain(&f, 30000);
	fleet_check_db(&f, e.db);
	/* Each client came back on its old session. */
	for (int i = 0; i < f.n; i++) {
		struct rv *v = h_call_ok(f.w[i].c, "session.info", "{}");
		assert_string_equal(rv_path_str(v, "user.login", ""), ADMIN_LOGIN);
		rv_free(v);
	}
	print_message("sigkill: %zu creates, %d answers unavailable\n", f.nacks, f.unavailable);

	fleet_free(&f);
	event_base_free(base);
	assert_int_equal(h_server_stop(e.s), 0);
	env_free(&e);
}

/* ---- SIGTERM with calls in flight ---- */

struct tally {
	int answered, failed;
	char first_failure[256];
};

static void
tally_reply(struct regie_client *c, const struct rv *error, const struct rv *result, void *arg)
{
	struct tally *t = arg;

	t->answered++;
	if (error != NULL && t->failed++ == 0) {
		char *json = rv_to_json(error);
		xsnprintf(t->first_failure, sizeof t->first_failure, "%s", json);
		free(json);
	}
}

struct tally_goal {
	struct tally *t;
	int n;
};

static int
tally_reached(void *arg)
{
	struct tally_goal *g = arg;
	return g->t->answered >= g->n;
}

static void
create_user_async(struct regie_client *c, const char *login, struct tally *t)
{
	struct rv *p = rv_map(), *roles = rv_array();

	rv_push(roles, rv_str("agent"));
	rv_set_str(p, "login", login);
	rv_set_str(p, "name", "Slow To Hash");
	rv_set(p, "roles", roles);
	rv_set_str(p, "password", "hashing-takes-time");
	regie_call(c, "user.create", p, tally_reply, t);
}

struct exited {
	pid_t pid;
};

/* The process has ended (left as a zombie for the harness to reap). */
static int
process_exited(void *arg)
{
	struct exited *x = arg;
	siginfo_t info = { 0 };

	return waitid(P_PID, (id_t)x->pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    info.si_pid == x->pid;
}

static void
test_sigterm_finishes_calls(void **state)
{
	(void)state;
	enum { CALLS = 12 };
	struct h_env e;
	struct event_base *base = event_base_new();
	struct regie_client *c;
	struct tally t = { 0 };
	struct tally_goal g = { &t, 1 };
	struct exited x;
	int in_flight;
	PGconn *pg;

	env_start(&e, "it_faults_sigterm", NULL);
	c = h_connect(base, h_server_addr(e.s));
	h_login(c, ADMIN_LOGIN, ADMIN_PASSWORD);
	for (int k = 0; k < CALLS; k++) {
		char login[32];
		xsnprintf(login, sizeof login, "term-%d", k);
		create_user_async(c, login, &t);
	}
	/* The calls leave in one write, so once one is answered the server
	 * has read them all, and the others are in flight (each hashes a
	 * password for a tenth of a second or so). */
	assert_true(h_loop_until(base, tally_reached, &g, slow(20000)));
	in_flight = CALLS - t.answered;
	assert_true(in_flight > 0);
	x.pid = e.s->pid;
	assert_int_equal(kill(e.s->pid, SIGTERM), 0);

	g.n = CALLS;
	if (!h_loop_until(base, tally_reached, &g, slow(20000)))
		fail_msg("%d of %d calls answered after SIGTERM", t.answered, CALLS);
	if (t.failed > 0)
		fail_msg("%d calls failed after SIGTERM, the first with %s", t.failed,
		    t.first_failure);
	assert_true(h_wait_until(process_exited, &x, slow(10000)));
	assert_int_equal(h_server_stop(e.s), 0);
	assert_true(h_server_log_contains(e.s, "stopped"));

	pg = h_pg(e.db);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM users WHERE login LIKE 'term-%'"), CALLS);
	PQfinish(pg);
	print_message("sigterm: %d of %d calls were in flight\n", in_flight, CALLS);

	regie_client_free(c);
	event_base_free(base);
	env_free(&e);
}

/* ---- raw sockets, for clients that misbehave ---- */

static int
raw_connect(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		fail_msg("connect: %s", strerror(errno));
	return fd;
}

/* On the Unix socket the kernel holds far less for a peer that does not
 * read than on TCP over loopback (whose buffers grow to megabytes), so
 * the server's own limits come into play sooner. */
static int
raw_connect_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	xsnprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		fail_msg("connect %s: %s", path, strerror(errno));
	return fd;
}

/* Appends [0, msgid, method, [params]] to b; params as text. */
static void
raw_encode(struct buf *b, uint32_t msgid, const char *method, const char *params)
{
	struct rv *p = params != NULL ? rv_from_json(params, NULL, 0) : NULL;

	rpc_encode_request(b, msgid, method, p);
	rv_free(p);
}

static void
raw_write_all(int fd, const struct buf *b)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = send(fd, b->data + off, b->len - off, MSG_NOSIGNAL);
		if (n <= 0)
			fail_msg("send: %s", strerror(errno));
		off += (size_t)n;
	}
}

static void
raw_send(int fd, uint32_t msgid, const char *method, const char *params)
{
	struct buf b;

	buf_init(&b);
	raw_encode(&b, msgid, method, params);
	raw_write_all(fd, &b);
	buf_free(&b);
}

/* Reads one message (blocking, within timeout_ms) into a buffer that
 * keeps what follows. NULL at end of stream or on timeout. */
static struct rv *
raw_read(int fd, struct buf *in, int timeout_ms, bool *eof)
{
	static const struct wire_limits lim = { 16u << 20, 1u << 20, 32 };
	int64_t deadline = now_ms() + timeout_ms;

	*eof = false;
	for (;;) {
		size_t len = 0;
		uint8_t chunk[16384];
		struct pollfd pfd = { fd, POLLIN, 0 };
		int64_t left;
		ssize_t n;

		if (in->len > 0 && wire_scan(in->data, in->len, &lim, &len) == WIRE_SCAN_OK) {
			struct rv *v = wire_decode(in->data, len, NULL, 0);
			memmove(in->data, in->data + len, in->len - len);
			in->len -= len;
			assert_non_null(v);
			return v;
		}
		left = deadline - now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return NULL;
		n = recv(fd, chunk, sizeof chunk, 0);
		if (n <= 0) {
			*eof = true;
			return NULL;
		}
		buf_add(in, chunk, (size_t)n);
	}
}

/* Sends a request and reads until its response, which must be a success. */
static void
raw_call_ok(int fd, struct buf *in, uint32_t msgid, const char *method, const char *params)
{
	bool eof;

	raw_send(fd, msgid, method, params);
	for (;;) {
		struct rv *v = raw_read(fd, in, H_CALL_TIMEOUT_MS, &eof);

		if (v == NULL)
			fail_msg("%s: no answer", method);
		if (rv_path_int(v, "0", -1) == 1 && rv_path_int(v, "1", -1) == msgid) {
			bool ok = rv_path(v, "2")->type == RV_NIL;
			rv_free(v);
			if (!ok)
				fail_msg("%s failed", method);
			return;
		}
		rv_free(v);
	}
}

/* ---- clients that vanish ---- */

struct count_goal {
	const char *conninfo;
	const char *sql;
	long want;
};

static int
count_reached(void *arg)
{
	struct count_goal *g = arg;
	PGconn *pg = h_pg(g->conninfo);
	long n = h_pg_count(pg, g->sql);

	PQfinish(pg);
	return n >= g->want;
}

/* Clients send slow calls and hang up before the answers: the calls run,
 * their answers go nowhere, and the server goes on serving. */
static void
test_client_vanishes_mid_call(void **state)
{
	(void)state;
	enum { CONNS = 6, CALLS = 4 };
	struct h_env e;
	struct event_base *base = event_base_new();
	struct regie_client *c;
	struct count_goal g;
	struct rv *v;
	int fds[CONNS];

	env_start(&e, "it_faults_vanish", NULL);
	c = h_connect(base, h_server_addr(e.s));
	h_login(c, ADMIN_LOGIN, ADMIN_PASSWORD);
	for (int i = 0; i < CONNS; i++) {
		struct buf in;
		char params[256];

		fds[i] = raw_connect(e.s->port);
		buf_init(&in);
		xsnprintf(params, sizeof params, "{token: \"%s\"}", regie_client_token(c));
		raw_call_ok(fds[i], &in, 1, "session.resume", params);
		buf_free(&in);
	}
	for (int i = 0; i < CONNS; i++) {
		struct buf b;

		buf_init(&b);
		for (int k = 0; k < CALLS; k++) {
			char params[256];

			xsnprintf(params, sizeof params, "{login: \"gone-%d-%d\", name: \"Gone\", "
			    "roles: [\"viewer\"], password: \"vanishing-pw\"}", i, k);
			raw_encode(&b, (uint32_t)k + 2, "user.create", params);
		}
		raw_write_all(fds[i], &b);
		buf_free(&b);
		/* Half of them reset the connection rather than close it;
		 * what the server had not read of those is lost (TCP), the
		 * rest is in flight. */
		if (i % 2 == 1) {
			struct linger lg = { 1, 0 };
			setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		}
		close(fds[i]);
	}
	/* The calls of those that closed normally ran to their end all the
	 * same (the server reads what came before the end of the stream). */
	g.conninfo = e.db;
	g.sql = "SELECT 1 FROM users WHERE login ~ '^gone-[024]-'";
	g.want = CONNS / 2 * CALLS;
	if (!h_wait_until(count_reached, &g, slow(30000)))
		fail_msg("the calls of clients that closed did not all complete");

	/* Alive and serving. */
	assert_int_equal(kill(e.s->pid, 0), 0);
	{
		/* Behind what the vanished clients left in the pool. */
		struct rv *p = rv_from_json("{query: \"gone-\", limit: 100}", NULL, 0), *err;

		assert_int_equal(regie_call_sync(c, "user.list", p, &v, &err,
		    slow(H_CALL_TIMEOUT_MS)), 0);
		assert_true(rv_len(rv_get(v, "items")) >= CONNS / 2 * CALLS);
		rv_free(v);
	}
	regie_client_free(c);
	event_base_free(base);
	/* A clean stop waits for every job, including those whose client
	 * vanished; nothing went wrong on the way. */
	assert_int_equal(h_server_stop(e.s), 0);
	assert_log_clean(e.s);
	env_free(&e);
}

/* ---- a subscriber that never reads ---- */

#define TARGETS 8
#define MAX_UPDATES 10000

struct pour {
	struct regie_client *gen;
	int64_t ids[TARGETS];
	int64_t versions[TARGETS];
	int acked;              /* updates committed */
	int sent;
	int failed;
	bool stopping;
	int out;                /* calls out */
	/* the subscriber that reads */
	int events;             /* user update events of our targets */
	int resyncs;
};

/* The reply callback needs the pour and the target: a slot for each. */
struct pour_slot {
	struct pour *p;
	int k;
};
static struct pour_slot pour_slots[TARGETS];

static void pour_send(struct pour *p, int k);

static void
pour_slot_reply(struct regie_client *c, const struct rv *error, const struct rv *result,
    void *arg)
{
	struct pour_slot *s = arg;
	struct pour *p = s->p;

	p->out--;
	if (error != NULL) {
		p->failed++;
		return;
	}
	p->acked++;
	p->versions[s->k] = rv_path_int(result, "version", 0);
	if (!p->stopping && p->sent < MAX_UPDATES)
		pour_send(p, s->k);
}

static void
pour_send(struct pour *p, int k)
{
	struct rv *params = rv_map();
	char name[32];

	xsnprintf(name, sizeof name, "Renamed %d", p->sent);
	rv_set_int(params, "id", p->ids[k]);
	rv_set_int(params, "version", p->versions[k]);
	rv_set_str(params, "name", name);
	p->sent++;
	p->out++;
	regie_call(p->gen, "user.update", params, pour_slot_reply, &pour_slots[k]);
}

static void
reader_notify(struct regie_client *c, const char *method, const struct rv *params, void *arg)
{
	struct pour *p = arg;
	const struct rv *ev = rv_path(params, "0");

	if (strcmp(method, "event") != 0)
		return;
	if (strcmp(rv_path_str(ev, "topic", ""), "resync") == 0)
		p->resyncs++;
	else if (strcmp(rv_path_str(ev, "op", ""), "update") == 0)
		p->events++;
}

struct cutoff_goal {
	struct pour *p;
	const struct h_server *s;
	int64_t next_look;
};

static int
slow_cut_off(void *arg)
{
	struct cutoff_goal *g = arg;

	if (g->p->failed > 0 || g->p->sent >= MAX_UPDATES)
		return 1;
	/* Reading the log is slow: not on every turn of the loop. */
	if (now_ms() < g->next_look)
		return 0;
	g->next_look = now_ms() + 100;
	return h_server_log_contains(g->s, "(unix): closed: output limit");
}

static int
pour_quiet(void *arg)
{
	struct pour *p = arg;
	return p->out == 0;
}

static int
reader_caught_up(void *arg)
{
	struct pour *p = arg;
	return p->events >= p->acked;
}

static void
test_slow_reader(void **state)
{
	(void)state;
	struct h_env e;
	struct event_base *base = event_base_new();
	struct regie_client *reader;
	struct pour p;
	struct cutoff_goal cg;
	struct buf in;
	PGconn *pg;
	char params[256];
	int slow_fd, slow_events = 0, slow_resyncs = 0;
	bool eof = false;
	int64_t deadline;

	env_start(&e, "it_faults_slow", "max_output = 65536\n");
	memset(&p, 0, sizeof p);
	pg = h_pg(e.db);
	h_pg_exec(pg, "INSERT INTO users (login, name, roles, password_hash) "
	    "SELECT 'target-' || g, 'Target', '{viewer}', 'no password' "
	    "FROM generate_series(1, 8) g");
	for (int k = 0; k < TARGETS; k++) {
		char sql[128], *id;
		xsnprintf(sql, sizeof sql, "SELECT id FROM users WHERE login = 'target-%d'", k + 1);
		id = h_pg_value(pg, sql);
		p.ids[k] = strtoll(id, NULL, 10);
		p.versions[k] = 1;
		free(id);
		pour_slots[k].p = &p;
		pour_slots[k].k = k;
	}
	PQfinish(pg);

	p.gen = h_connect(base, h_server_addr(e.s));
	h_login(p.gen, ADMIN_LOGIN, ADMIN_PASSWORD);
	reader = connect_with_token(base, h_server_addr(e.s), regie_client_token(p.gen));
	regie_client_set_notify_cb(reader, reader_notify, &p);
	rv_free(h_call_ok(reader, "event.subscribe", "{topics: [\"user\"]}"));

	/* The slow one: subscribed, and it never reads again. */
	slow_fd = raw_connect_unix(e.s->unix_path);
	buf_init(&in);
	xsnprintf(params, sizeof params, "{token: \"%s\"}", regie_client_token(p.gen));
	raw_call_ok(slow_fd, &in, 1, "session.resume", params);
	raw_call_ok(slow_fd, &in, 2, "event.subscribe", "{topics: [\"user\"]}");

	for (int k = 0; k < TARGETS; k++)
		pour_send(&p, k);
	cg.p = &p;
	cg.s = e.s;
	cg.next_look = 0;
	if (!h_loop_until(base, slow_cut_off, &cg, 30000) || p.sent >= MAX_UPDATES)
		fail_msg("a client that never reads was not cut off after %d events", p.sent);
	if (p.failed > 0)
		fail_msg("%d updates failed", p.failed);
	p.stopping = true;
	assert_true(h_loop_until(base, pour_quiet, &p, 20000));

	/* The reader got every event, and never needed to resync. */
	if (!h_loop_until(base, reader_caught_up, &p, 10000))
		fail_msg("the reading subscriber got %d events of %d", p.events, p.acked);
	assert_int_equal(p.events, p.acked);
	assert_int_equal(p.resyncs, 0);

	/* What the slow one finds when it reads at last: some events, then
	 * the end (the resync it was told may be lost with the output the
	 * server dropped when it cut it off). */
	deadline = now_ms() + 10000;
	while (!eof && now_ms() < deadline) {
		struct rv *v = raw_read(slow_fd, &in, (int)(deadline - now_ms()), &eof);

		if (v == NULL)
			continue;
		if (strcmp(rv_path_str(v, "2.0.topic", ""), "resync") == 0)
			slow_resyncs++;
		else if (strcmp(rv_path_str(v, "2.0.op", ""), "update") == 0)
			slow_events++;
		rv_free(v);
	}
	if (!eof)
		fail_msg("the slow client's connection was still open");
	assert_true(slow_resyncs <= 1);
	assert_true(slow_events < p.acked);
	print_message("slow reader: cut off after %d of %d events (%d resync)\n", slow_events,
	    p.acked, slow_resyncs);
	close(slow_fd);
	buf_free(&in);

	/* Both others still served. */
	rv_free(h_call_ok(reader, "session.info", "{}"));
	rv_free(h_call_ok(p.gen, "session.info", "{}"));
	regie_client_free(reader);
	regie_client_free(p.gen);
	event_base_free(base);
	assert_int_equal(h_server_stop(e.s), 0);
	env_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pg_backends_killed),
		cmocka_unit_test(test_pg_restarted),
		cmocka_unit_test(test_regied_killed),
		cmocka_unit_test(test_sigterm_finishes_calls),
		cmocka_unit_test(test_client_vanishes_mid_call),
		cmocka_unit_test(test_slow_reader),
	};

	/* REGIE_TEST_FILTER=test_name (or a pattern) runs only those. */
	if (getenv("REGIE_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("REGIE_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
