/* session.*: logging in, resuming a session on any instance, logging out.
 *
 * A token is 256 random bits handed to the client once; the database
 * keeps only its hash. Failed logins are counted per login name and per
 * client address, in the database, so every regied in front of it
 * enforces the same lock. These calls run statement by statement, not in
 * one transaction: a failed attempt must be recorded even though the
 * call fails. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "auth.h"
#include "db.h"
#include "dispatch.h"
#include "regied.h"
#include "users.h"
#include "xmalloc.h"

/* A shared address (a town hall behind one NAT) gets more room than
 * one login name. */
#define ADDRESS_FACTOR 5

static void address_key(const char *peer, char *out, size_t len)
{
	const char *colon = strrchr(peer, ':');
	size_t n = colon ? (size_t)(colon - peer) : strlen(peer);

	xsnprintf(out, len, "addr:%.*s", (int)n, peer);
}

/* Seconds left on a lock of the login or the address, or 0. */
static int64_t throttle_left(struct call *c, const char *login_key, const char *addr_key)
{
	PGresult *res = db_q(c, "SELECT COALESCE(max(ceil(extract(epoch FROM locked_until - now()))), 0)::bigint "
	    "FROM login_failures WHERE key IN ($1, $2) AND locked_until > now()", "ss",
	    login_key, addr_key);
	int64_t left;

	if (res == NULL)
		return -1;
	left = db_int(res, 0, 0);
	PQclear(res);
	return left;
}

static int throttle_record(struct call *c, const char *key, int max_failures)
{
	const struct config *cfg = server_config();

	return db_exec(c,
	    "INSERT INTO login_failures AS f (key, failures, window_start) VALUES ($1, 1, now()) "
	    "ON CONFLICT (key) DO UPDATE SET "
	    "  failures = CASE WHEN f.window_start < now() - make_interval(secs => $2) "
	    "             THEN 1 ELSE f.failures + 1 END, "
	    "  window_start = CASE WHEN f.window_start < now() - make_interval(secs => $2) "
	    "                 THEN now() ELSE f.window_start END, "
	    "  locked_until = CASE WHEN f.window_start >= now() - make_interval(secs => $2) "
	    "                 AND f.failures + 1 >= $3 THEN now() + make_interval(secs => $4) "
	    "                 ELSE NULL END",
	    "siii", key, (int64_t)cfg->login_window, (int64_t)max_failures,
	    (int64_t)cfg->login_lockout);
}

/* The session's answer, and the change the loop applies. */
static int session_establish(struct call *c, struct rv *user, const char *token,
    const unsigned char *hash, int64_t expires)
{
	struct rv *r = rv_map();
	char when[32];
	time_t t = (time_t)expires;
	struct tm tm;

	c->session.set = true;
	user_to_caller(user, &c->session.who);
	c->session.who.expires = expires;
	auth_hex(hash, AUTH_HASH_BYTES, c->session.who.token_hash, sizeof c->session.who.token_hash);
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (token != NULL) {
		rv_set_str(r, "token", token);
		xsnprintf(c->session.token, sizeof c->session.token, "%s", token);
	}
	rv_set_str(r, "expires", when);
	rv_set(r, "roles", rv_copy(rv_get(user, "roles")));
	rv_set(r, "user", user);
	rv_set_str(r, "instance", server_instance());
	return call_ok(c, r);
}

static int session_login(struct call *c)
{
	const struct config *cfg = server_config();
	const char *login = arg_str(c, "login", NULL);
	const char *password = arg_str(c, "password", NULL);
	char login_key[96], addr_key[96], token[2 * AUTH_TOKEN_BYTES + 1];
	unsigned char hash[AUTH_HASH_BYTES];
	PGresult *res;
	int64_t left, user_id, expires;
	bool ok, disabled;
	struct rv *user;

	xsnprintf(login_key, sizeof login_key, "login:%s", login);
	address_key(c->who.address, addr_key, sizeof addr_key);
	left = throttle_left(c, login_key, addr_key);
	if (left < 0)
		return -1;
	if (left > 0)
		return call_fail(c, RERR_THROTTLED, NULL,
		    "too many failed logins; try again in %lld s", (long long)left);

	res = db_q(c, "SELECT id, password_hash, disabled FROM users WHERE login = $1", "s", login);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		auth_burn(password);
		ok = false;
		user_id = 0;
		disabled = false;
	} else {
		ok = auth_check_password(PQgetvalue(res, 0, 1), password);
		user_id = db_int(res, 0, 0);
		disabled = PQgetvalue(res, 0, 2)[0] == 't';
	}
	PQclear(res);
	if (!ok) {
		if (throttle_record(c, login_key, cfg->login_max_failures) != 0 ||
		    throttle_record(c, addr_key, cfg->login_max_failures * ADDRESS_FACTOR) != 0)
			return -1;
		return call_fail(c, RERR_UNAUTHENTICATED, NULL, "wrong login or password");
	}
	if (disabled)
		return call_fail(c, RERR_UNAUTHENTICATED, NULL, "this account is disabled");
	if (db_exec(c, "DELETE FROM login_failures WHERE key = $1", "s", login_key) != 0)
		return -1;

	auth_new_token(token, sizeof token);
	auth_token_hash(token, hash);
	res = db_q(c, "INSERT INTO sessions (token_hash, user_id, expires, address) "
	    "VALUES ($1, $2, now() + make_interval(secs => $3), $4) "
	    "RETURNING extract(epoch FROM expires)::bigint", "xiis",
	    hash, sizeof hash, user_id, (int64_t)cfg->session_ttl, c->who.address);
	if (res == NULL)
		return -1;
	expires = db_int(res, 0, 0);
	PQclear(res);
	if ((user = user_load(c, user_id)) == NULL)
		return -1;
	return session_establish(c, user, token, hash, expires);
}

static int session_resume(struct call *c)
{
	const char *token = arg_str(c, "token", NULL);
	unsigned char hash[AUTH_HASH_BYTES];
	PGresult *res;
	int64_t user_id, expires;
	struct rv *user;

	auth_token_hash(token, hash);
	res = db_q(c, "SELECT s.user_id, extract(epoch FROM s.expires)::bigint FROM sessions s "
	    "JOIN users u ON u.id = s.user_id "
	    "WHERE s.token_hash = $1 AND s.expires > now() AND NOT u.disabled", "x", hash, sizeof hash);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_UNAUTHENTICATED, "token",
		    "this session has ended or expired; log in again");
	}
	user_id = db_int(res, 0, 0);
	expires = db_int(res, 0, 1);
	PQclear(res);
	if ((user = user_load(c, user_id)) == NULL)
		return -1;
	return session_establish(c, user, NULL, hash, expires);
}

static int session_logout(struct call *c)
{
	struct rv *r;

	if (db_exec(c, "WITH gone AS (DELETE FROM sessions WHERE token_hash = decode($1, 'hex')) "
	    "SELECT pg_notify('regie_session', json_build_object('user', $2::bigint, 'token', $1)::text)",
	    "si", c->who.token_hash, c->who.user_id) != 0)
		return -1;
	c->session.clear = true;
	r = rv_map();
	rv_set_bool(r, "ok", true);
	return call_ok(c, r);
}

static int session_info(struct call *c)
{
	struct rv *r, *user = user_load(c, c->who.user_id);
	char when[32];
	time_t t = (time_t)c->who.expires;
	struct tm tm;

	if (user == NULL)
		return -1;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	r = rv_map();
	rv_set(r, "roles", rv_copy(rv_get(user, "roles")));
	rv_set(r, "user", user);
	rv_set_str(r, "expires", when);
	rv_set_str(r, "instance", server_instance());
	rv_set_str(r, "server", "regied " REGIED_VERSION);
	return call_ok(c, r);
}

const struct method session_methods[] = {
	{ "session.login", session_login, ROLE_ALL, M_ANON,
	  "logs in and returns a session token", {
		{ "login", P_STR, true, 1, 64, NULL },
		{ "password", P_STR, true, 1, 256, NULL },
		{ 0 } } },
	{ "session.resume", session_resume, ROLE_ALL, M_ANON,
	  "continues a session with its token, on any instance", {
		{ "token", P_STR, true, 1, 128, NULL },
		{ 0 } } },
	{ "session.logout", session_logout, ROLE_ALL, 0,
	  "ends this session everywhere", { { 0 } } },
	{ "session.info", session_info, ROLE_ALL, 0,
	  "the session's user, roles, expiry and the server instance", { { 0 } } },
	{ 0 }
};
