/* user.*: the accounts, their roles and the services and sites they
 * cover. Admins only. Changing what a user may do ends their sessions,
 * so that no session runs on stale roles. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "auth.h"
#include "db.h"
#include "dispatch.h"
#include "regied.h"
#include "users.h"
#include "xmalloc.h"

#define USER_COLUMNS \
	"u.id, u.login, u.name, u.email, u.roles, " \
	"ARRAY(SELECT service_id FROM user_services WHERE user_id = u.id ORDER BY 1) AS services, " \
	"ARRAY(SELECT site_id FROM user_sites WHERE user_id = u.id ORDER BY 1) AS sites, " \
	"u.disabled, u.created, u.version"

struct rv *user_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " USER_COLUMNS " FROM users u WHERE u.id = $1", "i", id);

	return db_one(c, res, "user", id);
}

static int64_t *ids_of(const struct rv *list, size_t *n)
{
	int64_t *ids;

	*n = rv_len(list);
	ids = xcalloc(*n + 1, sizeof *ids);
	for (size_t i = 0; i < *n; i++)
		ids[i] = list->a.items[i]->type == RV_INT ? list->a.items[i]->i : 0;
	return ids;
}

void user_to_caller(const struct rv *user, struct caller *who)
{
	const struct rv *roles = rv_get(user, "roles");

	caller_clear(who);
	who->user_id = rv_path_int(user, "id", 0);
	xsnprintf(who->login, sizeof who->login, "%s", rv_path_str(user, "login", ""));
	for (size_t i = 0; i < rv_len(roles); i++) {
		if (roles->a.items[i]->type == RV_STR)
			who->roles |= role_from_name(roles->a.items[i]->s.ptr);
	}
	who->services = ids_of(rv_get(user, "services"), &who->nservices);
	who->sites = ids_of(rv_get(user, "sites"), &who->nsites);
}

int user_revoke_sessions(struct call *c, int64_t user_id)
{
	return db_exec(c, "WITH gone AS (DELETE FROM sessions WHERE user_id = $1) "
	    "SELECT pg_notify('regie_session', json_build_object('user', $1::bigint)::text)",
	    "i", user_id);
}

/* The snapshot the audit log keeps (never the password hash). */
static char *user_snapshot(struct call *c, int64_t id, bool lock, int64_t *version)
{
	PGresult *res = lock ?
	    db_q(c, "SELECT user_snapshot(id)::text, version FROM users WHERE id = $1 FOR UPDATE",
	        "i", id) :
	    db_q(c, "SELECT user_snapshot(id)::text, version FROM users WHERE id = $1", "i", id);
	char *snap;

	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 0) {
		PQclear(res);
		call_fail(c, RERR_NOT_FOUND, "id", "no user with id %lld", (long long)id);
		return NULL;
	}
	snap = xstrdup(PQgetvalue(res, 0, 0));
	if (version != NULL)
		*version = db_int(res, 0, 1);
	PQclear(res);
	return snap;
}

/* Refuses a change that would leave nobody able to administer. */
static int user_keep_an_admin(struct call *c)
{
	PGresult *res = db_q(c, "SELECT count(*) FROM users WHERE 'admin' = ANY (roles) "
	    "AND NOT disabled", "");
	int64_t n;

	if (res == NULL)
		return -1;
	n = db_int(res, 0, 0);
	PQclear(res);
	if (n == 0)
		return call_fail(c, RERR_CONFLICT, "roles",
		    "at least one active admin must remain");
	return 0;
}

static int user_set_scope(struct call *c, int64_t id)
{
	const struct arg *services = arg_get(c, "services"), *sites = arg_get(c, "sites");

	if (services->present &&
	    (db_exec(c, "DELETE FROM user_services WHERE user_id = $1", "i", id) != 0 ||
	     db_exec(c, "INSERT INTO user_services (user_id, service_id) "
	         "SELECT DISTINCT $1::bigint, unnest($2::bigint[])", "iA", id, services->ids,
	         services->n) != 0))
		return -1;
	if (sites->present &&
	    (db_exec(c, "DELETE FROM user_sites WHERE user_id = $1", "i", id) != 0 ||
	     db_exec(c, "INSERT INTO user_sites (user_id, site_id) "
	         "SELECT DISTINCT $1::bigint, unnest($2::bigint[])", "iA", id, sites->ids,
	         sites->n) != 0))
		return -1;
	return 0;
}

/* Foreign keys name the list that holds an unknown id. */
static int user_scope_error(struct call *c)
{
	if (c->err == RERR_INVALID && strstr(c->err_message, "user_services") != NULL)
		return call_fail(c, RERR_INVALID, "services", "services lists an unknown service");
	if (c->err == RERR_INVALID && strstr(c->err_message, "user_sites") != NULL)
		return call_fail(c, RERR_INVALID, "sites", "sites lists an unknown site");
	return -1;
}

/* The change is done: audit it, announce it, answer with the user. */
static int user_finish(struct call *c, int64_t id, const char *op, const char *before)
{
	char *after = user_snapshot(c, id, false, NULL);
	struct rv *user;
	int rc;

	if (after == NULL)
		return -1;
	rc = db_change(c, "user", id, op, before, after, 0, 0, id);
	free(after);
	if (rc != 0 || (user = user_load(c, id)) == NULL)
		return -1;
	return call_ok(c, user);
}

static int user_list(struct call *c)
{
	const char *after = NULL, *query = arg_str(c, "query", NULL);
	const struct arg *disabled = arg_get(c, "disabled");
	int64_t limit = arg_int(c, "limit", 50);
	char *pattern = NULL;
	PGresult *res;
	struct rv *r, *items;
	int n;

	if (arg_has(c, "after") && (after = cursor_key(c, arg_str(c, "after", NULL))) == NULL)
		return -1;
	if (query != NULL) {
		/* The query is text to find, not a LIKE pattern; case and
		 * accents do not count ("helene" finds "Hélène"). */
		struct buf b;
		buf_init(&b);
		buf_addc(&b, '%');
		for (const char *s = query; *s; s++) {
			if (*s == '%' || *s == '_' || *s == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, *s);
		}
		buf_addc(&b, '%');
		pattern = buf_detach_str(&b);
	}
	res = db_q(c, "SELECT " USER_COLUMNS " FROM users u "
	    "WHERE ($1::text IS NULL OR u.login > $1) "
	    "AND ($2::text IS NULL OR regie_fold(u.login || ' ' || u.name || ' ' || u.email) "
	    "LIKE regie_fold($2)) "
	    "AND ($3::text IS NULL OR $3 = ANY (u.roles)) "
	    "AND ($4::boolean IS NULL OR u.disabled = $4) "
	    "ORDER BY u.login LIMIT $5", "ssssi", after, pattern, arg_str(c, "role", NULL),
	    disabled->present ? (disabled->i ? "t" : "f") : NULL, limit + 1);
	free(pattern);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	items = rv_array();
	for (int i = 0; i < n && i < limit; i++)
		rv_push(items, db_row(res, i));
	r = rv_map();
	rv_set(r, "items", items);
	if (n > limit) {
		char *next = cursor_make(PQgetvalue(res, (int)limit - 1, 1));
		rv_set_str(r, "next", next);
		free(next);
	} else {
		rv_set_nil(r, "next");
	}
	PQclear(res);
	return call_ok(c, r);
}

static int user_get(struct call *c)
{
	struct rv *user = user_load(c, arg_int(c, "id", 0));

	return user ? call_ok(c, user) : -1;
}

static int login_problem(struct call *c, const char *login)
{
	size_t len = strlen(login);

	if (len < 2 || len > 64)
		return call_fail(c, RERR_INVALID, "login", "a login has 2 to 64 characters");
	for (const char *s = login; *s; s++) {
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		    (s != login && strchr("._-", *s) != NULL)))
			return call_fail(c, RERR_INVALID, "login",
			    "a login uses lowercase letters, digits, '.', '_' and '-' "
			    "and starts with a letter or digit");
	}
	return 0;
}

static int user_create(struct call *c)
{
	const char *login = arg_str(c, "login", NULL), *password = arg_str(c, "password", NULL);
	const char *problem = auth_password_problem(password);
	const struct arg *roles = arg_get(c, "roles");
	PGresult *res;
	char *hash;
	int64_t id;

	if (login_problem(c, login) != 0)
		return -1;
	if (problem != NULL)
		return call_fail(c, RERR_INVALID, "password", "%s", problem);
	res = db_q(c, "SELECT 1 FROM users WHERE login = $1", "s", login);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		PQclear(res);
		return call_fail(c, RERR_CONFLICT, "login", "the login '%s' is already taken", login);
	}
	PQclear(res);
	if ((hash = auth_hash_password(password)) == NULL)
		return call_fail(c, RERR_INTERNAL, NULL, "cannot hash the password");
	res = db_q(c, "INSERT INTO users (login, name, email, roles, password_hash) "
	    "VALUES ($1, $2, $3, $4, $5) RETURNING id", "sssSs", login, arg_str(c, "name", NULL),
	    arg_str(c, "email", ""), roles->strs, roles->n, hash);
	free(hash);
	if (res == NULL)
		return -1;
	id = db_int(res, 0, 0);
	PQclear(res);
	if (user_set_scope(c, id) != 0)
		return user_scope_error(c);
	return user_finish(c, id, "create", NULL);
}

static int user_update(struct call *c)
{
	int64_t id = arg_int(c, "id", 0), version = 0;
	const struct arg *roles = arg_get(c, "roles");
	bool rights = roles->present || arg_has(c, "services") || arg_has(c, "sites");
	char *before = user_snapshot(c, id, true, &version);
	int rc = -1;

	if (before == NULL)
		return -1;
	if (version != arg_int(c, "version", 0)) {
		call_fail(c, RERR_CONFLICT, "version",
		    "someone else changed this user (now version %lld); reload and try again",
		    (long long)version);
		goto out;
	}
	if (db_exec(c, "UPDATE users SET name = COALESCE($2, name), email = COALESCE($3, email), "
	    "version = version + 1 WHERE id = $1", "iss",
	    id, arg_str(c, "name", NULL), arg_str(c, "email", NULL)) != 0)
		goto out;
	if (roles->present && db_exec(c, "UPDATE users SET roles = $2 WHERE id = $1", "iS", id,
	    roles->strs, roles->n) != 0)
		goto out;
	if (user_set_scope(c, id) != 0) {
		user_scope_error(c);
		goto out;
	}
	if (roles->present && user_keep_an_admin(c) != 0)
		goto out;
	if (rights && user_revoke_sessions(c, id) != 0)
		goto out;
	rc = user_finish(c, id, "update", before);
out:
	free(before);
	return rc;
}

static int user_disable(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	bool disabled = arg_bool(c, "disabled", true);
	char *before = user_snapshot(c, id, true, NULL);
	int rc = -1;

	if (before == NULL)
		return -1;
	if (db_exec(c, "UPDATE users SET disabled = $2, version = version + 1 WHERE id = $1", "ib",
	    id, disabled) != 0)
		goto out;
	if (disabled && (user_keep_an_admin(c) != 0 || user_revoke_sessions(c, id) != 0))
		goto out;
	rc = user_finish(c, id, disabled ? "disable" : "enable", before);
out:
	free(before);
	return rc;
}

static int user_set_password(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	const char *password = arg_str(c, "password", NULL);
	const char *problem = auth_password_problem(password);
	char *before, *hash;
	struct rv *r;
	int rc = -1;

	if (problem != NULL)
		return call_fail(c, RERR_INVALID, "password", "%s", problem);
	if ((before = user_snapshot(c, id, true, NULL)) == NULL)
		return -1;
	if ((hash = auth_hash_password(password)) == NULL) {
		call_fail(c, RERR_INTERNAL, NULL, "cannot hash the password");
		goto out;
	}
	rc = db_exec(c, "UPDATE users SET password_hash = $2, version = version + 1 WHERE id = $1",
	    "is", id, hash);
	free(hash);
	if (rc != 0 || user_revoke_sessions(c, id) != 0 ||
	    db_exec(c, "DELETE FROM login_failures WHERE key = 'login:' || "
	        "(SELECT login FROM users WHERE id = $1)", "i", id) != 0) {
		rc = -1;
		goto out;
	}
	rc = user_finish(c, id, "password", before);
	if (rc == 0) {
		r = rv_map();
		rv_set_bool(r, "ok", true);
		call_ok(c, r);
	}
out:
	free(before);
	return rc;
}

#define USER_SCOPE_PARAMS \
	{ "services", P_IDLIST, false, 0, 1000, NULL }, \
	{ "sites", P_IDLIST, false, 0, 10000, NULL }

const struct method user_methods[] = {
	{ "user.list", user_list, ROLE_ADMIN, M_PAGE,
	  "users by login, filtered by text, role or state", {
		{ "query", P_STR, false, 0, 200, NULL },
		{ "role", P_STR, false, 1, 32, NULL },
		{ "disabled", P_BOOL, false, 0, 0, NULL },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ "after", P_CURSOR, false, 0, 0, NULL },
		{ 0 } } },
	{ "user.get", user_get, ROLE_ADMIN, 0, "one user", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "user.create", user_create, ROLE_ADMIN, M_MUTATES,
	  "creates a user with roles, scope and a first password", {
		{ "login", P_STR, true, 1, 64, NULL },
		{ "name", P_STR, true, 1, 200, NULL },
		{ "email", P_STR, false, 0, 200, NULL },
		{ "roles", P_ROLES, true, 0, ROLE_COUNT, NULL },
		USER_SCOPE_PARAMS,
		{ "password", P_STR, true, 1, 256, NULL },
		{ 0 } } },
	{ "user.update", user_update, ROLE_ADMIN, M_MUTATES,
	  "changes a user's name, email, roles or scope (ends their sessions if rights change)", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		{ "name", P_STR, false, 1, 200, NULL },
		{ "email", P_STR, false, 0, 200, NULL },
		{ "roles", P_ROLES, false, 0, ROLE_COUNT, NULL },
		USER_SCOPE_PARAMS,
		{ 0 } } },
	{ "user.disable", user_disable, ROLE_ADMIN, M_MUTATES,
	  "disables (or with disabled=false enables) a user and ends their sessions", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "disabled", P_BOOL, false, 0, 0, NULL },
		{ 0 } } },
	{ "user.set_password", user_set_password, ROLE_ADMIN, M_MUTATES,
	  "sets a user's password and ends their sessions", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "password", P_STR, true, 1, 256, NULL },
		{ 0 } } },
	{ 0 }
};
