/* Users as an admin manages them: finding people by name whatever the
 * accents, paging through them, and the rules a new account must meet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/event.h>
#include "buf.h"
#include "harness.h"
#include "xmalloc.h"

struct env {
	char *db;
	struct h_server *s;
	struct event_base *base;
	struct regie_client *admin;
};

static struct env env;

static int setup(void **state)
{
	env.db = h_db_create("it_users");
	assert_int_equal(h_migrate(env.db), 0);
	assert_int_equal(h_useradd(env.db, "admin", "admin-secret", "admin", "Ada Admin"), 0);
	env.s = h_server_start(env.db, NULL);
	env.base = event_base_new();
	env.admin = h_connect(env.base, h_server_addr(env.s));
	h_login(env.admin, "admin", "admin-secret");
	return 0;
}

static int teardown(void **state)
{
	regie_client_free(env.admin);
	event_base_free(env.base);
	h_server_free(env.s);
	h_db_drop(env.db);
	free(env.db);
	return 0;
}

static void create(const char *login, const char *name, const char *role)
{
	char *p = xasprintf("{login: \"%s\", name: \"%s\", roles: [\"%s\"], "
	    "password: \"password-%s\"}", login, name, role, login);

	rv_free(h_call_ok(env.admin, "user.create", p));
	free(p);
}

/* The logins of a list answer, comma-separated. */
static char *logins(const struct rv *r)
{
	const struct rv *items = rv_get(r, "items");
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < rv_len(items); i++)
		buf_printf(&b, "%s%s", i ? "," : "", rv_path_str(items->a.items[i], "login", "?"));
	return buf_detach_str(&b);
}

static void expect_logins(const char *params, const char *want)
{
	struct rv *r = h_call_ok(env.admin, "user.list", params);
	char *got = logins(r);

	if (strcmp(got, want) != 0)
		fail_msg("user.list %s: got [%s], want [%s]", params, got, want);
	free(got);
	rv_free(r);
}

static void test_search_ignores_case_and_accents(void **state)
{
	create("hfaure", "Hélène Fauré", "agent");
	create("eleclerc", "Élodie Leclerc", "supervisor");
	create("jdupont", "Jean Dupont", "viewer");
	create("mdurand", "Marc d'Urand-Lévêque", "referent");

	expect_logins("{query: \"helene\"}", "hfaure");
	expect_logins("{query: \"FAURE\"}", "hfaure");
	expect_logins("{query: \"élodie\"}", "eleclerc");
	expect_logins("{query: \"eve\"}", "mdurand");            /* Lévêque */
	expect_logins("{query: \"d urand\"}", "mdurand");        /* apostrophes fold to spaces */
	expect_logins("{query: \"%\"}", "");       /* a literal %, not a wildcard */
	expect_logins("{query: \"_\"}", "");
	expect_logins("{query: \"e\", role: \"supervisor\"}", "eleclerc");
	expect_logins("{query: \"dupont\"}", "jdupont");
}

static void test_disabled_filter(void **state)
{
	struct rv *r = h_call_ok(env.admin, "user.list", "{query: \"dupont\"}");
	char *p = xasprintf("{id: %lld}", (long long)rv_path_int(r, "items.0.id", 0));

	rv_free(h_call_ok(env.admin, "user.disable", p));
	expect_logins("{query: \"dupont\", disabled: true}", "jdupont");
	expect_logins("{query: \"dupont\", disabled: false}", "");
	free(p);
	rv_free(r);
}

/* Paging by login: every user exactly once, in order, across pages. */
static void test_pages_cover_everyone_once(void **state)
{
	char *after = NULL, *all;
	struct buf seen;
	int pages = 0;

	for (int i = 0; i < 23; i++) {
		char login[16], name[32];
		snprintf(login, sizeof login, "page%02d", i);
		snprintf(name, sizeof name, "Agent %02d", i);
		create(login, name, "agent");
	}
	buf_init(&seen);
	do {
		char *p = after ? xasprintf("{query: \"agent \", limit: 10, after: \"%s\"}", after) :
		    xstrdup("{query: \"agent \", limit: 10}");
		struct rv *r = h_call_ok(env.admin, "user.list", p);
		char *page = logins(r);
		const struct rv *next = rv_get(r, "next");

		buf_printf(&seen, "%s%s", seen.len ? "," : "", page);
		free(after);
		after = next != NULL && next->type == RV_STR ? xstrdup(next->s.ptr) : NULL;
		assert_true(rv_len(rv_get(r, "items")) <= 10);
		free(page);
		free(p);
		rv_free(r);
		pages++;
	} while (after != NULL && pages < 10);
	assert_int_equal(pages, 3);
	all = buf_detach_str(&seen);
	assert_string_equal(all, "page00,page01,page02,page03,page04,page05,page06,page07,"
	    "page08,page09,page10,page11,page12,page13,page14,page15,page16,page17,page18,"
	    "page19,page20,page21,page22");
	free(all);
	rv_free(h_call_err(env.admin, "user.list", "{after: \"not-a-cursor\"}", "invalid"));
}

static void expect_field(const char *params, const char *code, const char *field)
{
	struct rv *e = h_call_err(env.admin, "user.create", params, code);

	if (strcmp(rv_path_str(e, "field", ""), field) != 0)
		fail_msg("user.create %s: field '%s', want '%s'", params, rv_path_str(e, "field", ""),
		    field);
	rv_free(e);
}

static void test_new_accounts_follow_the_rules(void **state)
{
	expect_field("{login: \"Bad Login\", name: \"X\", roles: [\"agent\"], "
	    "password: \"long-enough\"}", "invalid", "login");
	expect_field("{login: \"shorty\", name: \"X\", roles: [\"agent\"], password: \"short\"}",
	    "invalid", "password");
	expect_field("{login: \"hfaure\", name: \"Other\", roles: [\"agent\"], "
	    "password: \"long-enough\"}", "conflict", "login");
	expect_field("{login: \"nobody\", name: \"X\", roles: [\"mayor\"], "
	    "password: \"long-enough\"}", "invalid", "roles");
	expect_field("{login: \"nobody\", name: \"X\", roles: [\"agent\"], services: [999], "
	    "password: \"long-enough\"}", "invalid", "services");
	expect_field("{login: \"nobody\", name: \"X\", roles: [\"referent\"], sites: [999], "
	    "password: \"long-enough\"}", "invalid", "sites");
	/* Nothing of the refused ones was kept. */
	expect_logins("{query: \"nobody\"}", "");
	expect_logins("{query: \"shorty\"}", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_ignores_case_and_accents),
		cmocka_unit_test(test_disabled_filter),
		cmocka_unit_test(test_pages_cover_everyone_once),
		cmocka_unit_test(test_new_accounts_follow_the_rules),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
