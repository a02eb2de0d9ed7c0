/* asset.search from regied's in-memory index: it answers what the SQL
 * search answers, it is fed by the events of other instances, a client
 * finds at once what it just wrote, and a referent still sees only its
 * sites.
 *
 * Two regied serve one database: `indexed` builds its index; `plain`
 * runs with search_index = off, which is how every instance searches
 * before its index is loaded, and stands for "another instance" when it
 * makes changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "buf.h"
#include "harness.h"
#include "xmalloc.h"

#define READY_MS 60000
#define EVENT_MS 5000

static struct {
	char *db, *conf;
	struct h_server *indexed, *plain;
	struct event_base *base;
	struct regie_client *admin_i, *admin_p, *viewer_i, *viewer_p, *ref_i, *ref_p;
	struct regie_client *ref2_i, *ref2_p;  /* covers two sites: the index merges them */
	int64_t ev, site_a, site_b, site_c, t_tree;
} fx;

#define call_okf(c, method, ...) call_f(__FILE__, __LINE__, (c), (method), __VA_ARGS__)

static struct rv *call_f(const char *file, int line, struct regie_client *c, const char *method,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct rv *
call_f(const char *file, int line, struct regie_client *c, const char *method,
    const char *fmt, ...)
{
	va_list ap;
	char *params;
	struct rv *r;

	va_start(ap, fmt);
	params = xvasprintf(fmt, ap);
	va_end(ap);
	r = h_call_ok_at(file, line, c, method, params);
	free(params);
	return r;
}

static int64_t
id_of(struct rv *r)
{
	int64_t id = rv_path_int(r, "id", 0);

	assert_true(id > 0);
	rv_free(r);
	return id;
}

static struct regie_client *
login_at(struct h_server *s, const char *login, const char *password)
{
	struct regie_client *c = h_connect(fx.base, h_server_addr(s));

	h_login(c, login, password);
	return c;
}

static int64_t
make_tree(struct regie_client *c, const char *name, const char *address, int64_t site)
{
	struct rv *attrs = rv_str("{\"species\": \"Tilia\"}");
	char *quoted = rv_to_json(attrs);
	int64_t id;

	rv_free(attrs);
	id = id_of(call_okf(c, "asset.create", "{name: \"%s\", address: \"%s\", type_id: %lld, "
	    "service_id: %lld, site_id: %lld, attributes: %s}", name, address, (long long)fx.t_tree,
	    (long long)fx.ev, (long long)site, quoted));
	free(quoted);
	return id;
}

/* The page as "id:rank id:rank ...", to compare two answers whole. */
static char *
search_page(struct regie_client *c, const char *query)
{
	struct rv *q = rv_str(query);
	char *json = rv_to_json(q), *page;
	struct rv *r;
	struct buf b;

	rv_free(q);
	r = call_okf(c, "asset.search", "{query: %s, limit: 10}", json);
	free(json);
	buf_init(&b);
	for (size_t i = 0; i < rv_len(rv_get(r, "items")); i++) {
		const struct rv *item = rv_get(r, "items")->a.items[i];
		buf_printf(&b, "%s%lld:%lld", i ? " " : "", (long long)rv_path_int(item, "id", 0),
		    (long long)rv_path_int(item, "rank", -1));
	}
	rv_free(r);
	page = buf_detach_str(&b);
	return page;
}

static bool
search_finds(struct regie_client *c, const char *query, int64_t id)
{
	char *page = search_page(c, query), key[32];
	bool found;

	xsnprintf(key, sizeof key, "%lld:", (long long)id);
	found = strncmp(page, key, strlen(key)) == 0 || strstr(page, key) != NULL;
	free(page);
	return found;
}

struct wait_find {
	struct regie_client *c;
	const char *query;
	int64_t id;
	bool want;
};

static int
found_as_wanted(void *arg)
{
	struct wait_find *w = arg;

	return search_finds(w->c, w->query, w->id) == w->want;
}

static int
setup(void **state)
{
	struct rv *types;
	const char *tmp = getenv("REGIE_TEST_TMP");
	char *args;
	FILE *f;

	(void)state;
	memset(&fx, 0, sizeof fx);
	fx.db = h_db_create("it_search");
	assert_int_equal(h_migrate(fx.db), 0);
	assert_int_equal(h_useradd(fx.db, "admin", "admin-secret", "admin", NULL), 0);
	fx.conf = xasprintf("%s/search-off-%ld.conf", tmp && *tmp ? tmp : "/tmp", (long)getpid());
	f = fopen(fx.conf, "w");
	assert_non_null(f);
	fputs("search_index = off\n", f);
	fclose(f);
	fx.indexed = h_server_start(fx.db, NULL);
	args = xasprintf("-c %s", fx.conf);
	fx.plain = h_server_start(fx.db, args);
	free(args);
	fx.base = event_base_new();
	fx.admin_i = login_at(fx.indexed, "admin", "admin-secret");
	fx.admin_p = login_at(fx.plain, "admin", "admin-secret");

	fx.ev = id_of(h_call_ok(fx.admin_i, "service.create", "{code: \"EV\", name: \"Espaces verts\"}"));
	fx.site_a = id_of(h_call_ok(fx.admin_i, "site.create", "{code: \"PARC-A\", "
	    "name: \"Parc des Tilleuls\"}"));
	fx.site_b = id_of(h_call_ok(fx.admin_i, "site.create", "{code: \"PARC-B\", "
	    "name: \"Square Hugo\"}"));
	fx.site_c = id_of(h_call_ok(fx.admin_i, "site.create", "{code: \"PARC-C\", "
	    "name: \"Jardin des Plantes\"}"));
	types = h_call_ok(fx.admin_i, "asset_type.list", "{}");
	for (size_t i = 0; i < rv_len(rv_get(types, "items")); i++) {
		const struct rv *t = rv_get(types, "items")->a.items[i];
		if (strcmp(rv_path_str(t, "code", ""), "tree") == 0)
			fx.t_tree = rv_path_int(t, "id", 0);
	}
	rv_free(types);
	assert_true(fx.t_tree > 0);
	rv_free(call_okf(fx.admin_i, "user.create", "{login: \"viewer\", name: \"Victor\", "
	    "roles: [\"viewer\"], password: \"viewer-secret\"}"));
	rv_free(call_okf(fx.admin_i, "user.create", "{login: \"ref\", name: \"Régine\", "
	    "roles: [\"referent\"], sites: [%lld], password: \"ref-secret\"}", (long long)fx.site_a));
	rv_free(call_okf(fx.admin_i, "user.create", "{login: \"ref2\", name: \"Rémi\", "
	    "roles: [\"referent\"], sites: [%lld, %lld], password: \"ref2-secret\"}",
	    (long long)fx.site_c, (long long)fx.site_a));

	/* Names that make every rank appear, accents and hyphens among
	 * them, and twins that only similarity and code tell apart. */
	make_tree(fx.admin_i, "Tilleul à grandes feuilles", "2 allée des Tilleuls", fx.site_a);
	make_tree(fx.admin_i, "Tilleul argenté", "4 allée des Tilleuls", fx.site_a);
	make_tree(fx.admin_i, "Tilleul", "rue Victor-Hugo", fx.site_b);
	make_tree(fx.admin_i, "Tilleul", "rue Victor-Hugo", fx.site_b);
	make_tree(fx.admin_i, "Érable champêtre", "12 rue du Tilleul-Vert", fx.site_a);
	make_tree(fx.admin_i, "Œillet d'Inde", "l'Île aux Tilleuls", fx.site_b);
	make_tree(fx.admin_i, "Marronnier d'Inde", "square Hugo", fx.site_b);
	make_tree(fx.admin_i, "Platane n° 12", "quai des Platanes", fx.site_a);
	make_tree(fx.admin_i, "Platane n° 120", "quai des Platanes", fx.site_a);
	make_tree(fx.admin_i, "Platane ½ tige", "quai des Platanes", fx.site_a);
	make_tree(fx.admin_i, "Tilleul de Hollande", "allée du Jardin", fx.site_c);
	make_tree(fx.admin_i, "Platane commun", "allée du Jardin", fx.site_c);
	make_tree(fx.admin_i, "Tilleul argenté", "4 allée du Jardin", fx.site_c);

	fx.viewer_i = login_at(fx.indexed, "viewer", "viewer-secret");
	fx.viewer_p = login_at(fx.plain, "viewer", "viewer-secret");
	fx.ref_i = login_at(fx.indexed, "ref", "ref-secret");
	fx.ref_p = login_at(fx.plain, "ref", "ref-secret");
	fx.ref2_i = login_at(fx.indexed, "ref2", "ref2-secret");
	fx.ref2_p = login_at(fx.plain, "ref2", "ref2-secret");
	/* From here on, `indexed` answers from its index. */
	assert_true(h_server_wait_log(fx.indexed, "search index: ready", READY_MS));
	assert_true(h_server_log_contains(fx.plain, "search index: off"));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	regie_client_free(fx.admin_i);
	regie_client_free(fx.admin_p);
	regie_client_free(fx.viewer_i);
	regie_client_free(fx.viewer_p);
	regie_client_free(fx.ref_i);
	regie_client_free(fx.ref_p);
	regie_client_free(fx.ref2_i);
	regie_client_free(fx.ref2_p);
	event_base_free(fx.base);
	h_server_free(fx.indexed);
	h_server_free(fx.plain);
	h_db_drop(fx.db);
	remove(fx.conf);
	free(fx.conf);
	free(fx.db);
	return 0;
}

/* The index answers page for page what the SQL search answers, for
 * every user: same assets, same ranks, same order. */
static void
test_same_answers_as_sql(void **state)
{
	static const char *const queries[] = {
		"ti", "til", "Tilleul", "tilleul a", "TILLEUL ARG", "tilleuls", "allee tilleuls",
		"victor hugo", "victor-hugo", "hugo", "oe", "œil", "l'ile", "l’île", "inde",
		"EV", "ev-0", "pla", "platane 12", "n° 12", "1/2", "½", "12", "qu", "quai pla",
		"%", "_", "\\\\", "zzz", "e", "ab cd ef",
	};
	struct regie_client *pairs[][2] = {
		{ fx.viewer_i, fx.viewer_p }, { fx.ref_i, fx.ref_p }, { fx.ref2_i, fx.ref2_p },
	};
	static const char *const who[] = { "viewer", "referent", "referent of two sites" };

	(void)state;
	for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
		for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
			char *a = search_page(pairs[p][0], queries[i]);
			char *b = search_page(pairs[p][1], queries[i]);

			if (strcmp(a, b) != 0)
				fail_msg("\"%s\" as %s: index [%s], SQL [%s]", queries[i],
				    who[p], a, b);
			free(a);
			free(b);
		}
	}
}

/* What a client writes, its own next search finds: no waiting. */
static void
test_own_changes_at_once(void **state)
{
	int64_t id;
	struct rv *r;

	(void)state;
	id = make_tree(fx.admin_i, "Ginkgo du belvédère", "", fx.site_a);
	assert_true(search_finds(fx.viewer_i, "ginkgo du bel", id));
	r = call_okf(fx.admin_i, "asset.update", "{id: %lld, version: 1, name: \"Séquoia du "
	    "belvédère\"}", (long long)id);
	rv_free(r);
	assert_true(search_finds(fx.viewer_i, "sequoia", id));
	assert_false(search_finds(fx.viewer_i, "ginkgo", id));
}

/* A change made through another instance reaches the index through
 * the events, within a deadline: created, renamed, moved out of the
 * referent's site, disposed. */
static void
test_other_instance_changes(void **state)
{
	struct wait_find w = { .c = fx.viewer_i, .want = true };
	int64_t id;

	(void)state;
	id = make_tree(fx.admin_p, "Zelkova du cloître", "", fx.site_a);
	w.query = "zelkova clo";
	w.id = id;
	assert_true(h_wait_until(found_as_wanted, &w, EVENT_MS));

	rv_free(call_okf(fx.admin_p, "asset.update", "{id: %lld, version: 1, "
	    "name: \"Catalpa du cloître\"}", (long long)id));
	w.query = "catalpa";
	assert_true(h_wait_until(found_as_wanted, &w, EVENT_MS));
	w.query = "zelkova";
	w.want = false;
	assert_true(h_wait_until(found_as_wanted, &w, EVENT_MS));

	/* The referent covers site A only. */
	w.c = fx.ref_i;
	w.query = "catalpa";
	w.want = true;
	assert_true(h_wait_until(found_as_wanted, &w, EVENT_MS));
	rv_free(call_okf(fx.admin_p, "asset.update", "{id: %lld, version: 2, site_id: %lld}",
	    (long long)id, (long long)fx.site_b));
	w.want = false;
	assert_true(h_wait_until(found_as_wanted, &w, EVENT_MS));

	rv_free(call_okf(fx.admin_p, "asset.dispose", "{id: %lld, version: 3}", (long long)id));
	w.c = fx.viewer_i;
	assert_true(h_wait_until(found_as_wanted, &w, EVENT_MS));
	/* And the two instances agree again. */
	{
		char *a = search_page(fx.viewer_i, "du cloitre"), *b = search_page(fx.viewer_p,
		    "du cloitre");
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_answers_as_sql),
		cmocka_unit_test(test_own_changes_at_once),
		cmocka_unit_test(test_other_instance_changes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
