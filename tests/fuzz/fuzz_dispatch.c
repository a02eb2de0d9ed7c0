/* libFuzzer target: the dispatcher and every handler, through the real
 * call path, with logged-in sessions, against a throwaway database.
 *
 * This program stands in for the network core (net.c is not linked):
 * it makes the checks conn_request makes (role, params_check), then runs
 * the call as regied does: M_LOOP methods here on the loop, the others
 * on a worker of a real pool (call_run, one transaction, retries,
 * request_key). An input is one MessagePack value
 *
 *	[method, params]  or  [method, params, session]
 *
 * where method is a name or an integer (its place in the dispatch table,
 * so methods added later are reached too), params a map or nil, and
 * session 0 (a user holding every role) or 1 (a referent only).
 *
 * Beyond not crashing or leaking, every call must leave its worker's
 * connection outside any transaction, a write with a request_key must
 * answer the same when sent again, and every answer must be a
 * well-formed response the client can read whose error, if any, is not
 * `internal` (fuzzed input is the client's fault, never the server's;
 * FUZZ_ALLOW_INTERNAL=1 lets internal errors pass while another one is
 * investigated; FUZZ_VERBOSE=1 prints the outcome of every call).
 *
 * The database: REGIE_TEST_CONNINFO names a cluster (tests/fuzz/run.sh
 * sets it); without it, a cluster is made with tools/pgtmp.sh (run from
 * the top of the checkout, or set REGIE_TOP) and removed at exit. Either
 * way a database of its own is created, migrated, and dropped at exit. */
#include <event2/event.h>
#include <event2/thread.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "auth.h"
#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "pool.h"
#include "regied.h"
#include "search_index.h"
#include "wire.h"
#include "xmalloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_PASSWORD "fuzz-password-1"
#define FZ_SESSIONS 2

static struct {
	struct config cfg;
	struct event_base *base;
	struct pool *pool;
	char *cluster;               /* made here, removed at exit; else NULL */
	char *admin_conninfo;        /* the cluster's */
	char *conninfo;              /* our database in it */
	char dbname[64];
	struct caller who[FZ_SESSIONS];
	uint32_t msgid;
	bool allow_internal;
	bool verbose;                /* FUZZ_VERBOSE: one line per call */
} fz;

static void fz_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fz_die(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_dispatch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ---- net.c's interface, without a network ---- */

const struct config *server_config(void)
{
	return &fz.cfg;
}

const char *server_instance(void)
{
	return "fuzz:0";
}

void conn_subscribe(struct conn *cn, const char *const *names, size_t n)
{
}

int64_t conn_session_expires(const struct conn *cn)
{
	return 0;
}

struct rv *server_stats(void)
{
	return rv_map();
}

void net_deliver_event(const struct rv *event)
{
}

void net_broadcast_resync(void)
{
}

void net_sessions_revoked(int64_t user_id, const char *token_hash_hex)
{
}

void net_sessions_revalidate(void)
{
}

/* ---- one call ---- */

struct fz_job {
	struct job job;
	bool done;
};

static void fz_job_run(struct job *j, struct worker *w)
{
	PGconn *db;

	call_run(&j->call, w, j->msgid, &j->reply);
	/* A call that left a transaction open would run the next call of
	 * this worker inside it. */
	db = worker_db(w);
	if (db != NULL && PQtransactionStatus(db) != PQTRANS_IDLE)
		fz_die("%s left its connection in a transaction (status %d)", j->call.method->name,
		    (int)PQtransactionStatus(db));
}

static void fz_job_done(struct job *j)
{
	((struct fz_job *)j)->done = true;
}

static void fz_job_free(struct fz_job *fj)
{
	call_reset_outcome(&fj->job.call);
	call_args_free(&fj->job.call);
	caller_clear(&fj->job.call.who);
	buf_free(&fj->job.reply);
	free(fj);
}

/* The answer must read back as a response to this call, within the
 * limits the client library reads answers with (lib/client.c). */
static void fz_check_reply(const struct fz_job *fj)
{
	const struct wire_limits lim = { 64u * 1024u * 1024u, 1u << 20, WIRE_MAX_DEPTH + 8 };
	const struct buf *b = &fj->job.reply;
	const char *name = fj->job.call.method->name;
	struct rpc_msg m;
	struct rv *tree;
	size_t len = 0;
	char err[160];

	if (wire_scan((const uint8_t *)b->data, b->len, &lim, &len) != WIRE_SCAN_OK || len != b->len)
		fz_die("%s: the response does not scan", name);
	if ((tree = wire_decode((const uint8_t *)b->data, b->len, err, sizeof err)) == NULL)
		fz_die("%s: the response does not decode: %s", name, err);
	if (rpc_parse(tree, &m, NULL, err, sizeof err) != 0)
		fz_die("%s: the response does not parse: %s", name, err);
	if (m.kind != RPC_RESPONSE || m.msgid != fj->job.msgid)
		fz_die("%s: not a response to msgid %u", name, fj->job.msgid);
	if (m.error != NULL) {
		const char *code = rv_path_str(m.error, "code", NULL);

		if (m.result->type != RV_NIL)
			fz_die("%s: an error with a result", name);
		if (code == NULL || rv_path_str(m.error, "message", NULL) == NULL)
			fz_die("%s: an error without code or message", name);
		if (strcmp(rerr_name(rerr_from_name(code)), code) != 0)
			fz_die("%s: unknown error code '%s'", name, code);
		if (strcmp(code, "internal") == 0 && !fz.allow_internal)
			fz_die("%s: internal error: %s", name, rv_path_str(m.error, "message", "?"));
	} else if (m.result->type != RV_MAP) {
		fz_die("%s: a result that is not a map", name);
	}
	rpc_msg_free(&m);
}

/* Runs one call as conn_request would, and returns it answered; NULL
 * when the network core would have refused it before (role). */
static struct fz_job *fz_call(const struct method *m, const struct rv *params,
    const struct caller *who)
{
	struct fz_job *fj;
	struct job *j;

	if (!(m->flags & M_ANON) && !dispatch_allowed(m, who))
		return NULL;
	fj = xcalloc(1, sizeof *fj);
	j = &fj->job;
	j->msgid = ++fz.msgid;
	buf_init(&j->reply);
	caller_copy(&j->call.who, who);
	if (params_check(&j->call, m, params) != 0) {
		call_encode(&j->call, j->msgid, &j->reply);
	} else if (m->flags & M_LOOP) {
		j->call.conn = NULL;
		m->fn(&j->call);
		call_encode(&j->call, j->msgid, &j->reply);
	} else {
		j->run = fz_job_run;
		j->done = fz_job_done;
		pool_submit(fz.pool, j);
		while (!fj->done)
			event_base_loop(fz.base, EVLOOP_ONCE);
	}
	fz_check_reply(fj);
	if (fz.verbose)
		fprintf(stderr, "fuzz_dispatch: %s: %s%s%s\n", m->name,
		    fj->job.call.err == RERR_OK ? "ok" : rerr_name(fj->job.call.err),
		    fj->job.call.err == RERR_OK ? "" : ": ", fj->job.call.err_message);
	return fj;
}

/* ---- the database ---- */

static void fz_cleanup(void)
{
	PGconn *pg;

	if (fz.admin_conninfo != NULL && fz.dbname[0] != '\0') {
		char sql[128];

		pg = PQconnectdb(fz.admin_conninfo);
		xsnprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", fz.dbname);
		if (PQstatus(pg) == CONNECTION_OK)
			PQclear(PQexec(pg, sql));
		PQfinish(pg);
	}
	if (fz.cluster != NULL) {
		char *cmd = xasprintf("sh \"%s/tools/pgtmp.sh\" remove %s",
		    getenv("REGIE_TOP") ? getenv("REGIE_TOP") : ".", fz.cluster);
		if (system(cmd) != 0)
			fprintf(stderr, "fuzz_dispatch: could not remove %s\n", fz.cluster);
		free(cmd);
	}
}

static char *fz_make_cluster(void)
{
	const char *top = getenv("REGIE_TOP") ? getenv("REGIE_TOP") : ".";
	char dir[] = "/tmp/regie-fuzz.XXXXXX", *cmd, port[16] = "";
	FILE *f;

	if (mkdtemp(dir) == NULL)
		fz_die("mkdtemp failed");
	fz.cluster = xstrdup(dir);
	cmd = xasprintf("sh \"%s/tools/pgtmp.sh\" create %s >/dev/null && "
	    "sh \"%s/tools/pgtmp.sh\" start %s", top, dir, top, dir);
	if (system(cmd) != 0)
		fz_die("no cluster: %s failed (run from the top of the checkout, or set REGIE_TOP)", cmd);
	free(cmd);
	cmd = xasprintf("%s/port", dir);
	if ((f = fopen(cmd, "r")) == NULL || fgets(port, sizeof port, f) == NULL)
		fz_die("cannot read %s", cmd);
	fclose(f);
	free(cmd);
	port[strcspn(port, "\n")] = '\0';
	return xasprintf("host=127.0.0.1 port=%s user=regie dbname=postgres", port);
}

static void fz_exec(PGconn *pg, const char *sql, int n, const char *const *values)
{
	PGresult *res = PQexecParams(pg, sql, n, NULL, values, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		fz_die("%s: %s", sql, PQerrorMessage(pg));
	PQclear(res);
}

static void fz_database(void)
{
	PGconn *pg;
	char sql[128], err[256], *hash;

	xsnprintf(fz.dbname, sizeof fz.dbname, "fuzz_dispatch_%ld", (long)getpid());
	pg = PQconnectdb(fz.admin_conninfo);
	if (PQstatus(pg) != CONNECTION_OK)
		fz_die("cannot connect to %s: %s", fz.admin_conninfo, PQerrorMessage(pg));
	fz_exec(pg, "SET client_min_messages TO warning", 0, NULL);
	xsnprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", fz.dbname);
	fz_exec(pg, sql, 0, NULL);
	xsnprintf(sql, sizeof sql, "CREATE DATABASE %s", fz.dbname);
	fz_exec(pg, sql, 0, NULL);
	PQfinish(pg);
	/* A later dbname overrides the first in a conninfo string. */
	fz.conninfo = xasprintf("%s dbname=%s", fz.admin_conninfo, fz.dbname);
	if (migrate_run(fz.conninfo, err, sizeof err) != 0)
		fz_die("migrate: %s", err);

	/* The first user, as `regied useradd` makes it. */
	pg = PQconnectdb(fz.conninfo);
	hash = auth_hash_password(FZ_PASSWORD);
	{
		const char *values[2] = { "fuzz-all", hash };
		fz_exec(pg, "WITH u AS (INSERT INTO users (login, name, roles, password_hash) "
		    "VALUES ($1, 'Fuzz, every role', "
		    "'{admin,supervisor,agent,storekeeper,referent,viewer}', $2) RETURNING id) "
		    "SELECT regie_change(NULL, 'regied useradd', 'user', id, NULL, user_snapshot(id), "
		    "'create', NULL, NULL, id) FROM u", 2, values);
	}
	free(hash);
	PQfinish(pg);
}

/* Logs in through session.login, as a client would. */
static void fz_login(const char *login, struct caller *out)
{
	struct caller anon;
	struct rv *params = rv_map();
	struct fz_job *fj;

	memset(&anon, 0, sizeof anon);
	xsnprintf(anon.address, sizeof anon.address, "127.0.0.1:1");
	rv_set_str(params, "login", login);
	rv_set_str(params, "password", FZ_PASSWORD);
	fj = fz_call(dispatch_find("session.login"), params, &anon);
	if (fj == NULL || fj->job.call.err != RERR_OK || !fj->job.call.session.set)
		fz_die("cannot log in as %s: %s", login, fj ? fj->job.call.err_message : "refused");
	caller_copy(out, &fj->job.call.session.who);
	xsnprintf(out->address, sizeof out->address, "127.0.0.1:1");
	fz_job_free(fj);
	rv_free(params);
}

/* A small world, so that ids 1 and 2 name real rows and calls get past
 * "not found" into the handlers' depths. Best effort: methods change
 * while others work, so a step that fails is reported and skipped. */
static const char *const world[][2] = {
	{ "service.create", "{code: \"VOIRIE\", name: \"Voirie\"}" },
	{ "service.create", "{code: \"BATIMENTS\", name: \"Bâtiments\"}" },
	{ "site.create", "{code: \"MAIRIE\", name: \"Hôtel de ville\", address: \"1 place de la Mairie\"}" },
	{ "site.create", "{code: \"ECOLE-JAURES\", name: \"École Jaurès\", parent_id: 1}" },
	{ "asset.create", "{name: \"École Jaurès\", type_id: 1, site_id: 1, service_id: 1, "
	  "attributes: \"{\\\"floor_area\\\": 1200}\"}" },
	{ "asset.create", "{name: \"Chaudière\", type_id: 4, parent_id: 1, "
	  "attributes: \"{\\\"power_kw\\\": 90, \\\"energy\\\": \\\"gas\\\"}\"}" },
	{ "category.update", "{id: 1, version: 1, service_id: 1}" },
	{ "category.create", "{code: \"voirie\", name: \"Voirie\", service_id: 1}" },
	{ "request.submit", "{category_id: 1, asset_id: 1, description: \"Fuite au premier étage\"}" },
	{ "request.submit", "{category_id: 1, site_id: 2, description: \"Porte bloquée\", urgency: \"high\"}" },
	{ "request.approve", "{id: 1, version: 1}" },
	{ "team.create", "{code: \"EQ-VOIRIE\", name: \"Équipe voirie\", service_id: 1}" },
	{ "agent.create", "{code: \"AG1\", name: \"Agent Un\", service_id: 1, team_id: 1, user_id: 1, "
	  "rate: \"32.50\"}" },
	{ "contractor.create", "{name: \"SARL Eau\", contact: \"M. Dupont\"}" },
	{ "failure.create", "{kind: \"problem\", code: \"FUITE\", name: \"Fuite\"}" },
	{ "workorder.create", "{type: \"corrective\", service_id: 1, title: \"Réparer la fuite\", asset_id: 1}" },
	{ "plan.assign", "{work_order_id: 1, agent_id: 1, day: \"TODAY\", hours: \"2\"}" },
	{ "workorder.add_labour", "{id: 1, day: \"TODAY\", hours: \"1.5\", agent_id: 1}" },
};

static void fz_world(void)
{
	for (size_t i = 0; i < sizeof world / sizeof world[0]; i++) {
		const struct method *m = dispatch_find(world[i][0]);
		struct rv *params = rv_from_json(world[i][1], NULL, 0);
		const struct rv *day = rv_get(params, "day");
		char today[16];
		time_t now = time(NULL);
		struct tm tm;

		/* Work is reported for today: not in the future, and not
		 * before the agent's first rate. */
		if (day != NULL && day->type == RV_STR && strcmp(day->s.ptr, "TODAY") == 0) {
			gmtime_r(&now, &tm);
			strftime(today, sizeof today, "%Y-%m-%d", &tm);
			rv_set_str(params, "day", today);
		}
		struct fz_job *fj = m && params ? fz_call(m, params, &fz.who[0]) : NULL;

		if (fj == NULL || fj->job.call.err != RERR_OK)
			fprintf(stderr, "fuzz_dispatch: world: %s %s: %s\n", world[i][0], world[i][1],
			    fj ? fj->job.call.err_message : "no such method");
		if (fj != NULL)
			fz_job_free(fj);
		rv_free(params);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *ci = getenv("REGIE_TEST_CONNINFO");
	struct rv *params;
	struct fz_job *fj;

	log_set_level(getenv("FUZZ_LOG") ? LOG_DEBUG : LOG_ERROR);
	fz.verbose = getenv("FUZZ_VERBOSE") != NULL;
	fz.allow_internal = getenv("FUZZ_ALLOW_INTERNAL") != NULL &&
	    strcmp(getenv("FUZZ_ALLOW_INTERNAL"), "1") == 0;
	if (auth_init() != 0)
		fz_die("libsodium did not start");
	evthread_use_pthreads();
	dispatch_init();
	config_defaults(&fz.cfg);
	fz.cfg.log_level = LOG_ERROR;
	fz.admin_conninfo = ci != NULL && ci[0] != '\0' ? xstrdup(ci) : fz_make_cluster();
	atexit(fz_cleanup);
	fz_database();

	fz.base = event_base_new();
	fz.pool = pool_new(fz.base, 1, fz.conninfo);
	search_index_init(fz.base, fz.pool, true);
	search_index_feed_started();

	fz_login("fuzz-all", &fz.who[0]);
	fz_world();
	params = rv_from_json("{login: \"fuzz-ref\", name: \"Fuzz, referent\", roles: [\"referent\"], "
	    "sites: [2], password: \"" FZ_PASSWORD "\"}", NULL, 0);
	fj = fz_call(dispatch_find("user.create"), params, &fz.who[0]);
	if (fj == NULL || fj->job.call.err != RERR_OK)
		fz_die("cannot create the referent: %s", fj ? fj->job.call.err_message : "refused");
	fz_job_free(fj);
	rv_free(params);
	fz_login("fuzz-ref", &fz.who[1]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct wire_limits lim = { WIRE_MAX_MESSAGE, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH };
	const struct method *m = NULL;
	const struct rv *name, *params;
	struct rv *tree;
	struct fz_job *fj;
	size_t len = 0;
	unsigned who = 0;
	char err[160];

	/* As the network core reads a message. */
	if (wire_scan(data, size, &lim, &len) != WIRE_SCAN_OK || len != size)
		return 0;
	if ((tree = wire_decode(data, size, err, sizeof err)) == NULL)
		return 0;
	if (tree->type != RV_ARRAY || tree->a.n < 2 || tree->a.n > 3)
		goto out;
	name = tree->a.items[0];
	params = tree->a.items[1];
	if (name->type == RV_STR && memchr(name->s.ptr, '\0', name->s.len) == NULL)
		m = dispatch_find(name->s.ptr);
	else if (name->type == RV_INT && dispatch_count() > 0)
		m = dispatch_at((uint64_t)name->i % dispatch_count());
	if (m == NULL)
		goto out;
	/* rpc_parse lets only [] or [map] through. */
	if (params->type == RV_NIL)
		params = NULL;
	else if (params->type != RV_MAP)
		goto out;
	if (tree->a.n == 3 && tree->a.items[2]->type == RV_INT)
		who = (unsigned)((uint64_t)tree->a.items[2]->i % FZ_SESSIONS);

	if ((fj = fz_call(m, params, &fz.who[who])) == NULL)
		goto out;
	/* A write with a request_key, sent again, answers the same and
	 * writes nothing more: that is what lets a client retry. */
	if ((m->flags & M_MUTATES) && fj->job.call.request_key != NULL &&
	    fj->job.call.err == RERR_OK) {
		struct fz_job *again = fz_call(m, params, &fz.who[who]);

		if (again->job.call.err != RERR_OK || !rv_equal(fj->job.call.result, again->job.call.result))
			fz_die("%s: a replay with the same request_key answered otherwise (%s)", m->name,
			    again->job.call.err != RERR_OK ? again->job.call.err_message : "another result");
		fz_job_free(again);
	}
	fz_job_free(fj);
out:
	rv_free(tree);
	return 0;
}
