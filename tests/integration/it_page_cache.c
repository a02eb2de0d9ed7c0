/* The page cache, as the people at the terminals would notice it: a
 * change made through any regied shows on every list at once; the same
 * page asked again comes from memory (system.stats counts it); a
 * referent never gets a page made for someone else; and a
 * change made behind regied's back (psql) shows once an event arrives,
 * once page_cache_age has passed, or at once while the event feed is
 * down or the cache is off. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <event2/event.h>
#include "buf.h"
#include "harness.h"
#include "xmalloc.h"

#define ADMIN_LOGIN    "admin"
#define ADMIN_PASSWORD "admin-password-1"

struct town {
	struct h_env e;
	struct event_base *base;
	struct regie_client *admin;
	int64_t north, south;        /* two sites */
};

static void town_start(struct town *t, const char *name, const char *config)
{
	struct rv *r;

	h_env_start(&t->e, name, ADMIN_LOGIN, ADMIN_PASSWORD, config);
	t->base = event_base_new();
	t->admin = h_connect(t->base, h_server_addr(t->e.s));
	h_login(t->admin, ADMIN_LOGIN, ADMIN_PASSWORD);
	r = h_call_ok(t->admin, "site.create", "{code: \"N\", name: \"Groupe scolaire Nord\"}");
	t->north = rv_path_int(r, "id", 0);
	rv_free(r);
	r = h_call_ok(t->admin, "site.create", "{code: \"S\", name: \"Stade Sud\"}");
	t->south = rv_path_int(r, "id", 0);
	rv_free(r);
}

static void town_end(struct town *t)
{
	regie_client_free(t->admin);
	event_base_free(t->base);
	assert_int_equal(h_env_end(&t->e), 0);
}

/* A referent of one site, logged in on a connection of its own. */
static struct regie_client *referent_of(struct town *t, const char *login, int64_t site)
{
	struct regie_client *c;
	struct rv *r;

	r = h_call_okf(t->admin, "user.create", "{login: \"%s\", name: \"%s\", "
	    "roles: [\"referent\"], sites: [%lld], password: \"referent-pw-1\"}", login, login,
	    (long long)site);
	rv_free(r);
	c = h_connect(t->base, h_server_addr(t->e.s));
	h_login(c, login, "referent-pw-1");
	return c;
}

/* The names site.list shows, in its order: "Groupe scolaire Nord|Stade Sud";
 * fresh as the client sends it when its user presses F5. */
static char *site_names_of(struct regie_client *c, bool fresh)
{
	struct rv *r = h_call_ok(c, "site.list", fresh ? "{limit: 50, fresh: true}" : "{limit: 50}");
	const struct rv *items = rv_get(r, "items");
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < rv_len(items); i++) {
		char path[32];
		snprintf(path, sizeof path, "%zu.name", i);
		if (i > 0)
			buf_addc(&b, '|');
		buf_adds(&b, rv_path_str(items, path, "?"));
	}
	rv_free(r);
	return buf_detach_str(&b);
}

static char *site_names(struct regie_client *c)
{
	return site_names_of(c, false);
}

static void assert_sites(struct regie_client *c, const char *expected)
{
	char *got = site_names(c);

	if (strcmp(got, expected) != 0)
		fail_msg("site.list shows \"%s\", not \"%s\"", got, expected);
	free(got);
}

static int64_t cache_stat(struct regie_client *admin, const char *name)
{
	char path[64];
	struct rv *r = h_call_ok(admin, "system.stats", NULL);
	int64_t v;

	snprintf(path, sizeof path, "page_cache.%s", name);
	if (strcmp(name, "on") == 0)
		v = rv_path_bool(r, path, false);
	else
		v = rv_path_int(r, path, -1);
	rv_free(r);
	return v;
}

struct shows {
	struct regie_client *c;
	const char *expected;
};

static int shows_sites(void *arg)
{
	struct shows *s = arg;
	char *got = site_names(s->c);
	int same = strcmp(got, s->expected) == 0;

	free(got);
	return same;
}

static void wait_sites(struct regie_client *c, const char *expected, const char *why)
{
	struct shows s = { c, expected };

	if (!h_wait_until(shows_sites, &s, H_CALL_TIMEOUT_MS))
		fail_msg("site.list never showed \"%s\" %s", expected, why);
}

struct feed {
	struct regie_client *admin;
	bool on;
};

static int feed_is(void *arg)
{
	struct feed *f = arg;
	return cache_stat(f->admin, "on") == f->on;
}

/* A page asked twice with nothing changed in between is answered from
 * memory the second time; a change through regied, by anyone, drops it
 * before its answer or its event reaches anybody. */
static void test_changes_show_at_once(void **state)
{
	struct town t;
	struct regie_client *other;
	int64_t hits;
	struct rv *r;

	(void)state;
	town_start(&t, "it_page_cache_changes", "page_cache_age = 3600\n");
	other = h_connect(t.base, h_server_addr(t.e.s));
	h_login(other, ADMIN_LOGIN, ADMIN_PASSWORD);
	assert_true(cache_stat(t.admin, "on"));

	assert_sites(t.admin, "Groupe scolaire Nord|Stade Sud");
	hits = cache_stat(t.admin, "hits");
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Sud");
	assert_sites(other, "Groupe scolaire Nord|Stade Sud");
	assert_int_equal(cache_stat(t.admin, "hits"), hits + 2);
	assert_true(cache_stat(t.admin, "pages") >= 1);

	/* The other terminal adds a site: the first sees it on its next call. */
	r = h_call_ok(other, "site.create", "{code: \"M\", name: \"Mairie\"}");
	rv_free(r);
	assert_int_equal(cache_stat(t.admin, "pages"), 0);
	assert_sites(t.admin, "Groupe scolaire Nord|Mairie|Stade Sud");

	/* A rename, through regied, is the same. */
	r = h_call_okf(t.admin, "site.get", "{id: %lld}", (long long)t.south);
	rv_free(h_call_okf(other, "site.update", "{id: %lld, version: %lld, name: \"Stade Jean Bouin\"}",
	    (long long)t.south, (long long)rv_path_int(r, "version", 0)));
	rv_free(r);
	assert_sites(t.admin, "Groupe scolaire Nord|Mairie|Stade Jean Bouin");

	regie_client_free(other);
	town_end(&t);
}

/* Each page is kept for whom it was made: a referent of one site never
 * gets the admin's page of every site, nor another referent's, and each
 * gets its own page from memory the next time. (The key's parts one by
 * one: test_srv_page_cache.) Only admins read the counters. */
static void test_each_caller_gets_its_own_pages(void **state)
{
	struct town t;
	struct regie_client *north, *south;
	int64_t hits;

	(void)state;
	town_start(&t, "it_page_cache_scope", "page_cache_age = 3600\n");
	north = referent_of(&t, "ref-north", t.north);
	south = referent_of(&t, "ref-south", t.south);

	assert_sites(t.admin, "Groupe scolaire Nord|Stade Sud");
	assert_sites(north, "Groupe scolaire Nord");
	assert_sites(south, "Stade Sud");
	hits = cache_stat(t.admin, "hits");
	assert_sites(north, "Groupe scolaire Nord");
	assert_sites(south, "Stade Sud");
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Sud");
	assert_int_equal(cache_stat(t.admin, "hits"), hits + 3);

	rv_free(h_call_err(north, "system.stats", NULL, "forbidden"));

	regie_client_free(north);
	regie_client_free(south);
	town_end(&t);
}

/* A change made with psql sends no event: the page stays as it was until
 * something says otherwise; an event from anywhere on the database (here
 * sent by hand, as another regied's change would) drops it at once, and
 * a user who asks to fetch again (fresh) gets the database's page, which
 * is then the one kept. */
static void test_events_from_elsewhere_drop_pages(void **state)
{
	struct town t;
	PGconn *pg;

	(void)state;
	town_start(&t, "it_page_cache_events", "page_cache_age = 3600\n");
	pg = h_pg(t.e.db);
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Sud");

	h_pg_exec(pg, "UPDATE sites SET name = 'Stade Nelson Mandela' WHERE code = 'S'");
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Sud");

	h_pg_exec(pg, "SELECT pg_notify('regie', json_build_object('topic', 'site', "
	    "'op', 'update', 'id', id)::text) FROM sites WHERE code = 'S'");
	wait_sites(t.admin, "Groupe scolaire Nord|Stade Nelson Mandela", "after the event");

	h_pg_exec(pg, "UPDATE sites SET name = 'Groupe scolaire Victor Hugo' WHERE code = 'N'");
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Nelson Mandela");
	{
		char *got = site_names_of(t.admin, true);
		assert_string_equal(got, "Groupe scolaire Victor Hugo|Stade Nelson Mandela");
		free(got);
	}
	assert_sites(t.admin, "Groupe scolaire Victor Hugo|Stade Nelson Mandela");

	/* fresh is for lists only, and a boolean. */
	rv_free(h_call_errf(t.admin, "site.get", "invalid", "{id: %lld, fresh: true}",
	    (long long)t.north));
	rv_free(h_call_err(t.admin, "site.list", "{fresh: 1}", "invalid"));

	PQfinish(pg);
	town_end(&t);
}

/* While the event feed is down, another regied's changes could not be
 * heard: nothing is answered from memory until it is back. */
static void test_no_pages_while_the_feed_is_down(void **state)
{
	struct town t;
	struct feed f;
	PGconn *pg;
	int64_t hits;

	(void)state;
	town_start(&t, "it_page_cache_feed", "page_cache_age = 3600\n");
	pg = h_pg(t.e.db);
	f.admin = t.admin;
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Sud");

	h_pg_exec(pg, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
	    "WHERE datname = current_database() AND query LIKE 'LISTEN%'");
	f.on = false;
	if (!h_wait_until(feed_is, &f, H_CALL_TIMEOUT_MS))
		fail_msg("the page cache stayed on with the event feed down");
	h_pg_exec(pg, "UPDATE sites SET name = 'Stade Nelson Mandela' WHERE code = 'S'");
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Nelson Mandela");

	/* regied listens again within seconds, and keeps pages again. */
	f.on = true;
	if (!h_wait_until(feed_is, &f, H_CALL_TIMEOUT_MS))
		fail_msg("the page cache did not come back with the event feed");
	/* The first call checks the session again (revocations may have
	 * been missed meanwhile) and is not kept; the next is, and the one
	 * after comes from memory. */
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Nelson Mandela");
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Nelson Mandela");
	hits = cache_stat(t.admin, "hits");
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Nelson Mandela");
	assert_int_equal(cache_stat(t.admin, "hits"), hits + 1);

	PQfinish(pg);
	town_end(&t);
}

/* page_cache_size = 0 turns it off; a reload turns it on, and a page
 * lasts page_cache_age at most when nothing is heard. */
static void test_size_and_age(void **state)
{
	struct town t;
	PGconn *pg;
	FILE *f;

	(void)state;
	town_start(&t, "it_page_cache_age", "page_cache_size = 0\n");
	pg = h_pg(t.e.db);
	assert_false(cache_stat(t.admin, "on"));
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Sud");
	h_pg_exec(pg, "UPDATE sites SET name = 'Stade Nelson Mandela' WHERE code = 'S'");
	assert_sites(t.admin, "Groupe scolaire Nord|Stade Nelson Mandela");
	assert_int_equal(cache_stat(t.admin, "hits"), 0);

	f = fopen(t.e.config_path, "w");
	assert_non_null(f);
	fputs("page_cache_size = 1M\npage_cache_age = 1\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(kill(t.e.s->pid, SIGHUP), 0);
	if (!h_server_wait_log(t.e.s, "reload: configuration read again", H_CALL_TIMEOUT_MS))
		fail_msg("regied did not reload");
	assert_true(cache_stat(t.admin, "on"));
	assert_int_equal(cache_stat(t.admin, "max_bytes"), 1 << 20);

	assert_sites(t.admin, "Groupe scolaire Nord|Stade Nelson Mandela");
	h_pg_exec(pg, "UPDATE sites SET name = 'Stade Sud' WHERE code = 'S'");
	wait_sites(t.admin, "Groupe scolaire Nord|Stade Sud", "within page_cache_age");
	assert_true(cache_stat(t.admin, "expired") >= 1);

	PQfinish(pg);
	town_end(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changes_show_at_once),
		cmocka_unit_test(test_each_caller_gets_its_own_pages),
		cmocka_unit_test(test_events_from_elsewhere_drop_pages),
		cmocka_unit_test(test_no_pages_while_the_feed_is_down),
		cmocka_unit_test(test_size_and_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
