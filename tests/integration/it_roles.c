/* The role matrix: every method that system.describe lists, called by a
 * user of every role. The dispatcher must refuse exactly the roles the
 * method does not list, and system.describe must describe each method
 * well enough for the manual, the client and these tests to rely on it.
 * New methods join the matrix by themselves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

static const char *const roles[] = {
	"admin", "supervisor", "agent", "storekeeper", "referent", "viewer",
};
#define NROLES (sizeof roles / sizeof roles[0])

static const char *const param_types[] = {
	"integer", "string", "boolean", "id", "id list", "string list", "timestamp",
	"role list", "choice", "cursor", NULL,
};

/* What the foundation promises (api.txt); "*" is every role. */
static const struct {
	const char *name;
	const char *roles;
	bool auth;
	bool mutates;
} foundation[] = {
	{ "system.hello", "*", false, false },
	{ "system.ping", "*", false, false },
	{ "system.describe", "*", true, false },
	{ "session.login", "*", false, false },
	{ "session.resume", "*", false, false },
	{ "session.logout", "*", true, false },
	{ "session.info", "*", true, false },
	{ "event.subscribe", "*", true, false },
	{ "service.list", "*", true, false },
	{ "site.list", "*", true, false },
	{ "user.list", "admin", true, false },
	{ "user.get", "admin", true, false },
	{ "user.create", "admin", true, true },
	{ "user.update", "admin", true, true },
	{ "user.disable", "admin", true, true },
	{ "user.set_password", "admin", true, true },
	{ "audit.list", "admin", true, false },
};

static bool
in_list(const struct rv *list, const char *s)
{
	for (size_t i = 0; i < rv_len(list); i++) {
		const struct rv *v = list->a.items[i];
		if (v->type == RV_STR && strcmp(v->s.ptr, s) == 0)
			return true;
	}
	return false;
}

static bool
is_param_type(const char *t)
{
	for (int i = 0; param_types[i] != NULL; i++) {
		if (strcmp(param_types[i], t) == 0)
			return true;
	}
	return false;
}

static const struct rv *
find_method(const struct rv *methods, const char *name)
{
	for (size_t i = 0; i < rv_len(methods); i++) {
		if (strcmp(rv_path_str(methods->a.items[i], "name", ""), name) == 0)
			return methods->a.items[i];
	}
	return NULL;
}

/* One method's entry, checked for shape. */
static void
check_entry(const struct rv *m)
{
	const char *name = rv_path_str(m, "name", NULL);
	const struct rv *mroles = rv_get(m, "roles"), *params = rv_get(m, "params");
	const struct rv *v;
	const char *dot;
	bool has_key = false;

	if (name == NULL)
		fail_msg("a method without a name in system.describe");
	dot = strchr(name, '.');
	if (dot == NULL || dot == name || dot[1] == '\0' || strchr(dot + 1, '.') != NULL)
		fail_msg("%s: not a domain.verb name", name);
	if (*rv_path_str(m, "help", "") == '\0')
		fail_msg("%s: no help", name);
	v = rv_get(m, "auth");
	if (v == NULL || v->type != RV_BOOL)
		fail_msg("%s: auth is not a boolean", name);
	v = rv_get(m, "mutates");
	if (v == NULL || v->type != RV_BOOL)
		fail_msg("%s: mutates is not a boolean", name);
	if (mroles == NULL || mroles->type != RV_ARRAY || rv_len(mroles) == 0)
		fail_msg("%s: no roles", name);
	for (size_t i = 0; i < rv_len(mroles); i++) {
		bool known = false;
		for (size_t r = 0; r < NROLES; r++)
			known |= mroles->a.items[i]->type == RV_STR &&
			    strcmp(mroles->a.items[i]->s.ptr, roles[r]) == 0;
		if (!known)
			fail_msg("%s: unknown role at roles.%zu", name, i);
	}
	/* What anyone may call before logging in is open to every role. */
	if (!rv_path_bool(m, "auth", true) && rv_len(mroles) != NROLES)
		fail_msg("%s: auth is false but not every role is listed", name);

	if (params == NULL || params->type != RV_ARRAY)
		fail_msg("%s: params is not a list", name);
	for (size_t i = 0; i < rv_len(params); i++) {
		const struct rv *p = params->a.items[i];
		const char *pname = rv_path_str(p, "name", NULL);
		const char *ptype = rv_path_str(p, "type", NULL);
		const struct rv *req = rv_get(p, "required");

		if (pname == NULL || *pname == '\0')
			fail_msg("%s: params.%zu has no name", name, i);
		if (ptype == NULL || !is_param_type(ptype))
			fail_msg("%s: param %s has no known type (%s)", name, pname,
			    ptype != NULL ? ptype : "none");
		if (req == NULL || req->type != RV_BOOL)
			fail_msg("%s: param %s does not say whether it is required", name, pname);
		for (size_t k = 0; k < i; k++) {
			if (strcmp(rv_path_str(params->a.items[k], "name", ""), pname) == 0)
				fail_msg("%s: param %s is listed twice", name, pname);
		}
		if (strcmp(pname, "request_key") == 0) {
			has_key = true;
			if (strcmp(ptype, "string") != 0 || req->b)
				fail_msg("%s: request_key must be an optional string", name);
		}
	}
	/* Every mutation can be retried safely, and only mutations take a key. */
	if (rv_path_bool(m, "mutates", false) != has_key)
		fail_msg("%s: mutates is %s but request_key is %s", name,
		    rv_path_bool(m, "mutates", false) ? "true" : "false",
		    has_key ? "listed" : "missing");
}

static void
test_describe(void **state)
{
	(void)state;
	char *db = h_db_create("it_roles_describe");
	struct h_server *s;
	struct event_base *base = event_base_new();
	struct regie_client *c;
	struct rv *d;
	const struct rv *methods, *m;

	assert_int_equal(h_migrate(db), 0);
	assert_int_equal(h_useradd(db, "viewer", "viewer-secret", "viewer", NULL), 0);
	s = h_server_start(db, NULL);
	c = h_connect(base, h_server_addr(s));
	h_login(c, "viewer", "viewer-secret");
	d = h_call_ok(c, "system.describe", "{}");
	methods = rv_get(d, "methods");
	assert_true(rv_len(methods) >= sizeof foundation / sizeof foundation[0]);

	for (size_t i = 0; i < rv_len(methods); i++) {
		check_entry(methods->a.items[i]);
		for (size_t k = 0; k < i; k++) {
			if (strcmp(rv_path_str(methods->a.items[k], "name", ""),
			    rv_path_str(methods->a.items[i], "name", "")) == 0)
				fail_msg("%s is listed twice", rv_path_str(methods->a.items[i], "name", ""));
		}
	}

	for (size_t i = 0; i < sizeof foundation / sizeof foundation[0]; i++) {
		m = find_method(methods, foundation[i].name);
		if (m == NULL)
			fail_msg("%s is missing from system.describe", foundation[i].name);
		if (rv_path_bool(m, "auth", !foundation[i].auth) != foundation[i].auth)
			fail_msg("%s: auth should be %d", foundation[i].name, foundation[i].auth);
		if (rv_path_bool(m, "mutates", !foundation[i].mutates) != foundation[i].mutates)
			fail_msg("%s: mutates should be %d", foundation[i].name, foundation[i].mutates);
		if (strcmp(foundation[i].roles, "*") == 0) {
			if (rv_len(rv_get(m, "roles")) != NROLES)
				fail_msg("%s should be open to every role", foundation[i].name);
		} else if (rv_len(rv_get(m, "roles")) != 1 ||
		    !in_list(rv_get(m, "roles"), foundation[i].roles)) {
			fail_msg("%s should be for %s only", foundation[i].name, foundation[i].roles);
		}
	}

	/* A few parameters the manual documents. */
	m = find_method(methods, "user.create");
	{
		const struct rv *params = rv_get(m, "params");
		int seen = 0;
		for (size_t i = 0; i < rv_len(params); i++) {
			const struct rv *p = params->a.items[i];
			const char *pn = rv_path_str(p, "name", "");
			if (strcmp(pn, "login") == 0 || strcmp(pn, "password") == 0 ||
			    strcmp(pn, "roles") == 0) {
				assert_true(rv_path_bool(p, "required", false));
				seen++;
			}
			if (strcmp(pn, "roles") == 0)
				assert_string_equal(rv_path_str(p, "type", ""), "role list");
			if (strcmp(pn, "email") == 0)
				assert_false(rv_path_bool(p, "required", true));
		}
		assert_int_equal(seen, 3);
	}

	rv_free(d);
	regie_client_free(c);
	event_base_free(base);
	h_server_free(s);
	h_db_drop(db);
	free(db);
}

/* The users of the matrix: one per role, and one with two roles. */
static const struct {
	const char *login;
	const char *roles;
} people[] = {
	{ "admin", "admin" },
	{ "supervisor", "supervisor" },
	{ "agent", "agent" },
	{ "storekeeper", "storekeeper" },
	{ "referent", "referent" },
	{ "viewer", "viewer" },
	{ "two-hats", "storekeeper,referent" },
};

/* Whether any of a comma-separated list of roles is in list. */
static bool
any_role_in(const struct rv *list, const char *csv)
{
	char *copy = xstrdup(csv), *save, *r;
	bool found = false;

	for (r = strtok_r(copy, ",", &save); r != NULL; r = strtok_r(NULL, ",", &save))
		found |= in_list(list, r);
	free(copy);
	return found;
}

static void
test_matrix(void **state)
{
	(void)state;
	char *db = h_db_create("it_roles_matrix");
	struct h_server *s;
	struct event_base *base = event_base_new();
	struct rv *reference = NULL;
	size_t refused = 0, allowed = 0;

	assert_int_equal(h_migrate(db), 0);
	for (size_t p = 0; p < sizeof people / sizeof people[0]; p++) {
		char *password = xasprintf("%s-secret", people[p].login);
		assert_int_equal(h_useradd(db, people[p].login, password, people[p].roles, NULL), 0);
		free(password);
	}
	s = h_server_start(db, NULL);

	for (size_t p = 0; p < sizeof people / sizeof people[0]; p++) {
		struct regie_client *c = h_connect(base, h_server_addr(s));
		char *password = xasprintf("%s-secret", people[p].login);
		struct rv *d, *r;
		const struct rv *methods;

		h_login(c, people[p].login, password);
		free(password);
		d = h_call_ok(c, "system.describe", "{}");
		methods = rv_get(d, "methods");
		/* Everyone is told the same about every method. */
		if (reference == NULL)
			reference = rv_copy(d);
		else if (!rv_equal(reference, d))
			fail_msg("%s sees another system.describe than %s", people[p].login,
			    people[0].login);

		for (size_t i = 0; i < rv_len(methods); i++) {
			const struct rv *m = methods->a.items[i];
			const char *name = rv_path_str(m, "name", "");
			bool may = any_role_in(rv_get(m, "roles"), people[p].roles);
			struct rv *result = NULL, *error = NULL;
			const char *code;

			/* Ending the session comes last. */
			if (strcmp(name, "session.logout") == 0)
				continue;
			regie_call_sync(c, name, rv_map(), &result, &error, H_CALL_TIMEOUT_MS);
			code = error != NULL ? rv_path_str(error, "code", "?") : NULL;
			if (!may && (code == NULL || strcmp(code, "forbidden") != 0))
				fail_msg("%s (%s) called %s {}: expected forbidden, got %s",
				    people[p].login, people[p].roles, name, code ? code : "a result");
			if (may && code != NULL && (strcmp(code, "forbidden") == 0 ||
			    strcmp(code, "unauthenticated") == 0 || strcmp(code, "internal") == 0))
				fail_msg("%s (%s) called %s {}: refused with %s: %s", people[p].login,
				    people[p].roles, name, code, rv_path_str(error, "message", ""));
			if (may)
				allowed++;
			else
				refused++;
			rv_free(result);
			rv_free(error);
		}
		/* The session survived the whole walk, then ends. */
		r = h_call_ok(c, "session.info", "{}");
		assert_string_equal(rv_path_str(r, "user.login", ""), people[p].login);
		rv_free(r);
		assert_true(any_role_in(rv_get(find_method(methods, "session.logout"), "roles"),
		    people[p].roles));
		rv_free(h_call_ok(c, "session.logout", "{}"));
		rv_free(h_call_err(c, "session.info", "{}", "unauthenticated"));
		rv_free(d);
		regie_client_free(c);
	}
	/* Both sides of the matrix were walked. */
	assert_true(allowed > 0);
	assert_true(refused > 0);

	rv_free(reference);
	event_base_free(base);
	h_server_free(s);
	h_db_drop(db);
	free(db);
}

/* A refusal is decided before anything runs: a forbidden mutation
 * writes nothing, whatever its parameters. */
static void
test_forbidden_writes_nothing(void **state)
{
	(void)state;
	char *db = h_db_create("it_roles_nowrite");
	struct h_server *s;
	struct event_base *base = event_base_new();
	struct regie_client *c;
	PGconn *pg;
	long audit_rows;

	assert_int_equal(h_migrate(db), 0);
	assert_int_equal(h_useradd(db, "admin", "admin-secret", "admin", NULL), 0);
	assert_int_equal(h_useradd(db, "sup", "sup-secret-1", "supervisor,agent,viewer", NULL), 0);
	pg = h_pg(db);
	audit_rows = h_pg_count(pg, "SELECT 1 FROM audit_log");
	s = h_server_start(db, NULL);
	c = h_connect(base, h_server_addr(s));
	h_login(c, "sup", "sup-secret-1");
	rv_free(h_call_err(c, "user.create", "{login: \"mallory\", name: \"M\", roles: [\"admin\"], "
	    "password: \"mallory-secret\"}", "forbidden"));
	rv_free(h_call_err(c, "user.set_password", "{id: 1, password: \"taken-over\"}", "forbidden"));
	rv_free(h_call_err(c, "user.update", "{id: 2, version: 1, roles: [\"admin\"]}", "forbidden"));
	rv_free(h_call_err(c, "user.disable", "{id: 1}", "forbidden"));
	rv_free(h_call_err(c, "audit.list", "{}", "forbidden"));

	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM users"), 2);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM users WHERE 'admin' = ANY (roles)"), 1);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM users WHERE version <> 1 OR disabled"), 0);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM audit_log"), audit_rows);
	PQfinish(pg);
	/* and the admin's password is still theirs */
	h_login(c, "admin", "admin-secret");

	regie_client_free(c);
	event_base_free(base);
	h_server_free(s);
	h_db_drop(db);
	free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_forbidden_writes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
