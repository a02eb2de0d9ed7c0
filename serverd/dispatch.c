/* The table of method tables, and running one call in one transaction.
 *
 * A mutating call runs between BEGIN and COMMIT; a read runs its
 * statements as they come (each sees a committed state), which spares
 * two round trips on every read. Serialization failures and deadlocks
 * are retried a bounded number of times. A call with a request_key
 * stores its answer in the same transaction as its writes, so a replay
 * finds the answer and writes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "db.h"
#include "dispatch.h"
#include "log.h"
#include "pool.h"
#include "regied.h"
#include "search_index.h"
#include "wire.h"
#include "xmalloc.h"

extern const struct method system_methods[];
extern const struct method session_methods[];
extern const struct method user_methods[];
extern const struct method audit_methods[];
extern const struct method event_methods[];
extern const struct method org_methods[];
extern const struct method asset_methods[];
extern const struct method asset_edit_methods[];
extern const struct method asset_export_methods[];
extern const struct method asset_type_methods[];
extern const struct method category_methods[];
extern const struct method request_methods[];
extern const struct method agent_methods[];
extern const struct method org_work_methods[];
extern const struct method plan_methods[];
extern const struct method workorder_methods[];
extern const struct method workorder_list_methods[];
extern const struct method workorder_report_methods[];

static const struct method *const method_tables[] = {
	system_methods,
	session_methods,
	user_methods,
	audit_methods,
	event_methods,
	org_methods,
	asset_methods,
	asset_edit_methods,
	asset_export_methods,
	asset_type_methods,
	category_methods,
	request_methods,
	agent_methods,
	org_work_methods,
	plan_methods,
	workorder_methods,
	workorder_list_methods,
	workorder_report_methods,
};

static const struct method **methods_sorted;
static size_t methods_count;

static int method_cmp(const void *a, const void *b)
{
	const struct method *const *ma = a, *const *mb = b;
	return strcmp((*ma)->name, (*mb)->name);
}

void dispatch_init(void)
{
	size_t n = 0;

	if (methods_sorted != NULL)
		return;
	for (size_t t = 0; t < sizeof method_tables / sizeof method_tables[0]; t++) {
		for (const struct method *m = method_tables[t]; m->name != NULL; m++)
			n++;
	}
	methods_sorted = xcalloc(n, sizeof *methods_sorted);
	for (size_t t = 0; t < sizeof method_tables / sizeof method_tables[0]; t++) {
		for (const struct method *m = method_tables[t]; m->name != NULL; m++)
			methods_sorted[methods_count++] = m;
	}
	qsort(methods_sorted, methods_count, sizeof *methods_sorted, method_cmp);
	for (size_t i = 1; i < methods_count; i++) {
		if (strcmp(methods_sorted[i - 1]->name, methods_sorted[i]->name) == 0) {
			log_error("method %s is defined twice", methods_sorted[i]->name);
			abort();
		}
	}
}

const struct method *dispatch_find(const char *name)
{
	struct method key = { .name = name };
	const struct method *kp = &key, **found;

	found = bsearch(&kp, methods_sorted, methods_count, sizeof *methods_sorted, method_cmp);
	return found ? *found : NULL;
}

size_t dispatch_count(void)
{
	return methods_count;
}

const struct method *dispatch_at(size_t i)
{
	return i < methods_count ? methods_sorted[i] : NULL;
}

bool dispatch_allowed(const struct method *m, const struct caller *who)
{
	if (m->flags & M_ANON)
		return true;
	return (m->roles & who->roles) != 0;
}

void call_reset_outcome(struct call *c)
{
	bool validated = c->session.validated;

	rv_free(c->result);
	c->result = NULL;
	c->err = RERR_OK;
	c->err_field[0] = '\0';
	c->err_message[0] = '\0';
	c->sqlstate[0] = '\0';
	caller_clear(&c->session.who);
	memset(&c->session, 0, sizeof c->session);
	c->session.validated = validated;
	free(c->changed_assets);
	c->changed_assets = NULL;
	c->nchanged_assets = 0;
}

void call_encode(struct call *c, uint32_t msgid, struct buf *out)
{
	if (c->err != RERR_OK) {
		struct rv *e = rerr_make(c->err, c->err_field[0] ? c->err_field : NULL, "%s",
		    c->err_message[0] ? c->err_message : rerr_name(c->err));
		rpc_encode_response(out, msgid, e, NULL);
		rv_free(e);
		return;
	}
	if (c->result == NULL)
		c->result = rv_map();
	rpc_encode_response(out, msgid, NULL, c->result);
}

static bool db_simple(struct call *c, const char *sql)
{
	PGresult *res = PQexec(c->db, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		xsnprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
		call_fail(c, rerr_from_sqlstate(PQstatus(c->db) == CONNECTION_OK ? state : NULL), NULL,
		    "%s", PQstatus(c->db) == CONNECTION_OK ? "the database refused the transaction" :
		    "the database is unavailable; try again");
	}
	PQclear(res);
	return ok;
}

/* What a replay must repeat: the checked arguments, in the order of the
 * method's spec, so that the order of the client's keys does not
 * matter. */
void call_params_digest(const struct call *c, unsigned char *out)
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < METHOD_MAX_PARAMS && c->method->params[i].name != NULL; i++) {
		if (!c->args[i].present)
			continue;
		buf_add(&b, c->method->params[i].name, strlen(c->method->params[i].name) + 1);
		wire_encode(&b, c->args[i].raw);
	}
	crypto_generichash(out, PARAMS_DIGEST_BYTES, (const unsigned char *)b.data, b.len,
	    NULL, 0);
	buf_free(&b);
}

/* Returns 1 when a stored answer was found (now in c->result), 0 when
 * the key is new, -1 on error. A key reused with other parameters is a
 * client's mistake, not a retry: answering the first call's result
 * would hide that the second was never made. */
static int replay_lookup(struct call *c)
{
	PGresult *res;
	size_t len;
	unsigned char *bytes, digest[PARAMS_DIGEST_BYTES];
	char why[128];
	struct rv *stored;

	/* Replays racing each other queue here until the first commits, so
	 * they find its answer instead of each running the call (and all
	 * but one failing on the rows it wrote). */
	if (db_exec(c, "SELECT pg_advisory_xact_lock(hashtextextended($2, $1))", "is",
	    c->who.user_id, c->request_key) != 0)
		return -1;
	res = db_q(c, "SELECT method, response, params_digest FROM idempotency_keys "
	    "WHERE user_id = $1 AND key = $2", "is", c->who.user_id, c->request_key);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	if (strcmp(PQgetvalue(res, 0, 0), c->method->name) != 0) {
		call_fail(c, RERR_CONFLICT, "request_key", "request_key was already used for %s",
		    PQgetvalue(res, 0, 0));
		PQclear(res);
		return -1;
	}
	if (!PQgetisnull(res, 0, 2)) {
		unsigned char *stored_digest = PQunescapeBytea(
		    (const unsigned char *)PQgetvalue(res, 0, 2), &len);
		bool same;

		call_params_digest(c, digest);
		same = stored_digest != NULL && len == sizeof digest &&
		    sodium_memcmp(stored_digest, digest, sizeof digest) == 0;
		PQfreemem(stored_digest);
		if (!same) {
			PQclear(res);
			return call_fail(c, RERR_CONFLICT, "request_key",
			    "request_key was already used for a %s call with other parameters",
			    c->method->name);
		}
	}
	bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 1), &len);
	PQclear(res);
	stored = bytes ? wire_decode(bytes, len, why, sizeof why) : NULL;
	PQfreemem(bytes);
	if (stored == NULL) {
		log_error("%s: stored answer for a request_key is unreadable", c->method->name);
		return call_fail(c, RERR_INTERNAL, NULL, "stored answer is unreadable");
	}
	call_ok(c, stored);
	return 1;
}

static int replay_store(struct call *c)
{
	struct buf b;
	unsigned char digest[PARAMS_DIGEST_BYTES];
	int rc;

	buf_init(&b);
	if (c->result == NULL)
		c->result = rv_map();
	wire_encode(&b, c->result);
	call_params_digest(c, digest);
	rc = db_exec(c, "INSERT INTO idempotency_keys (user_id, key, method, response, "
	    "params_digest) VALUES ($1, $2, $3, $4, $5)", "issxx", c->who.user_id, c->request_key,
	    c->method->name, b.data, b.len, digest, sizeof digest);
	buf_free(&b);
	return rc;
}

/* One attempt. Returns 0 when done (either way), 1 to retry. */
static int call_attempt(struct call *c, struct worker *w, int attempt)
{
	bool txn = (c->method->flags & M_MUTATES) != 0;
	int rc;

	call_reset_outcome(c);
	c->db = worker_db(w);
	if (c->db == NULL)
		return call_fail(c, RERR_UNAVAILABLE, NULL, "the database is unavailable; try again"), 0;
	if (txn && !db_simple(c, "BEGIN")) {
		/* A connection that died while idle (the server restarted)
		 * shows up here: nothing was sent, so one retry on a new
		 * connection is safe. */
		if (PQstatus(c->db) != CONNECTION_OK) {
			worker_db_lost(w);
			return attempt == 0;
		}
		return 0;
	}
	if (txn && c->request_key != NULL && c->who.user_id != 0) {
		rc = replay_lookup(c);
		if (rc != 0) {
			PQclear(PQexec(c->db, "ROLLBACK"));
			return 0;
		}
	}
	rc = c->method->fn(c);
	if (!txn) {
		if (rc != 0 && PQstatus(c->db) != CONNECTION_OK) {
			worker_db_lost(w);
			return attempt == 0 && c->err == RERR_UNAVAILABLE;
		}
		return rerr_sqlstate_retryable(c->sqlstate) && attempt < server_config()->db_retries;
	}
	if (rc == 0 && c->request_key != NULL && c->who.user_id != 0)
		rc = replay_store(c);
	if (rc == 0) {
		struct rv *keep = c->result;

		c->result = NULL;
		if (db_simple(c, "COMMIT")) {
			c->result = keep;
			return 0;
		}
		rv_free(keep);
	} else if (PQstatus(c->db) == CONNECTION_OK) {
		PQclear(PQexec(c->db, "ROLLBACK"));
	}
	if (PQstatus(c->db) != CONNECTION_OK) {
		/* The outcome of a COMMIT that lost its connection is unknown:
		 * answer `unavailable`; a client retrying with its
		 * request_key cannot write twice. */
		worker_db_lost(w);
		c->db = NULL;
		call_fail(c, RERR_UNAVAILABLE, NULL, "the database is unavailable; try again");
		return 0;
	}
	/* 23505 on idempotency_keys: the same key committed concurrently;
	 * the retry finds its answer. */
	if (strcmp(c->sqlstate, "23505") == 0 && c->request_key != NULL &&
	    strstr(c->err_message, "idempotency_keys") != NULL)
		return attempt < server_config()->db_retries;
	return rerr_sqlstate_retryable(c->sqlstate) && attempt < server_config()->db_retries;
}

/* After the event feed was interrupted, revocations sent meanwhile were
 * lost: the session is checked against the database once before the
 * next call runs on it. */
static int session_still_valid(struct call *c)
{
	PGresult *res = db_q(c, "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.token_hash = decode($1, 'hex') AND s.expires > now() AND NOT u.disabled",
	    "s", c->who.token_hash);
	int n;

	if (res == NULL)
		return -1;
	n = PQntuples(res);
	PQclear(res);
	if (n == 0) {
		c->session.clear = true;
		return call_fail(c, RERR_UNAUTHENTICATED, NULL,
		    "this session has ended; log in again");
	}
	c->session.validated = true;
	return 0;
}

void call_run(struct call *c, struct worker *w, uint32_t msgid, struct buf *out)
{
	c->worker = w;
	if (c->who.revalidate && c->who.user_id != 0 && !(c->method->flags & M_ANON) &&
	    session_still_valid(c) != 0) {
		c->db = NULL;
		call_encode(c, msgid, out);
		return;
	}
	for (int attempt = 0; call_attempt(c, w, attempt); attempt++)
		log_debug("%s: retrying after %s", c->method->name, c->sqlstate[0] ? c->sqlstate :
		    "a lost connection");
	if (c->err == RERR_CONFLICT && rerr_sqlstate_retryable(c->sqlstate))
		xsnprintf(c->err_message, sizeof c->err_message,
		    "too many concurrent changes; try again");
	/* The client finds in search what it just wrote. */
	if (c->err == RERR_OK && c->nchanged_assets > 0)
		search_index_committed(w, c->changed_assets, c->nchanged_assets);
	c->db = NULL;
	call_encode(c, msgid, out);
}
