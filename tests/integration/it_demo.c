/* The demo city, as `make demo` shows it: sql/demo/load.sh loads into a
 * fresh database; its data holds the same invariants as any other (costs,
 * states, links, audit); each request and work order is filed on the kind
 * of asset it speaks of (a boiler for a boiler, a tree to prune); and the
 * demo accounts open screens that have something on them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <event2/event.h>
#include "harness.h"
#include "xmalloc.h"

#define DEMO_PASSWORD "demo-regie"
#define LOAD_SH       "sql/demo/load.sh"

/* What each demo request and work order speaks of, by the start of its
 * text, and the kind of asset that is. A request may fall back on its
 * site's building when the site has none of that kind. */
#define REQUEST_KINDS \
	"(VALUES ('Fuite d''eau%', 'room'), ('Prise électrique%', 'room'), " \
	"('Radiateurs froids%', 'room'), ('Serrure%', 'building'), ('Porte de placard%', 'room'), " \
	"('Peinture écaillée%', 'floor'), ('Haie%', 'green_space'), ('Tags%', 'building'), " \
	"('Chasse d''eau%', 'room'), ('Chaudière%', 'boiler'), ('Néons%', 'room'), " \
	"('Store%', 'room')) AS k (text, kind)"
#define WORK_KINDS \
	"(VALUES ('Fuite sur réseau%', 'room'), ('Remplacement de serrure%', 'room'), " \
	"('Radiateur froid%', 'room'), ('Prise électrique%', 'room'), ('Porte coupe-feu%', 'floor'), " \
	"('Reprise de peinture%', 'room'), ('Contrôle de l''alarme%', 'alarm'), " \
	"('Éclairage de secours%', 'emergency_light'), ('Robinet thermostatique%', 'room'), " \
	"('Vitre cassée%', 'room'), ('Taille de haie%', 'green_space'), " \
	"('Tonte%', 'green_space'), ('Élagage%', 'tree'), ('Abattage%', 'tree'), " \
	"('Plantation%', 'green_space'), ('Réparation de l''arrosage%', 'green_space'), " \
	"('Ramassage%', 'green_space'), ('Désherbage%', 'green_space'), " \
	"('Nid-de-poule%', 'road_segment'), ('Bordure%', 'road_segment'), " \
	"('Marquage%', 'road_segment'), ('Panneau%', 'road_segment'), " \
	"('Affaissement%', 'road_segment'), ('Avaloir%', 'road_segment'), " \
	"('Lanterne%', 'street_light'), ('Candélabre%', 'street_light'), " \
	"('Armoire d''éclairage%', 'street_light'), ('Remplacement de lampe%', 'street_light'), " \
	"('Horloge%', 'street_light'), ('Vidange%', 'vehicle'), ('Changement des plaquettes%', " \
	"'vehicle'), ('Crevaison%', 'vehicle'), ('Contrôle technique%', 'vehicle'), " \
	"('Batterie%', 'vehicle'), ('Entretien de tondeuse%', 'vehicle')) AS k (text, kind)"

static char *demo_db;
static struct h_server *demo_server;

static int load_demo(void **state)
{
	char *cmd, *log;
	int status;

	(void)state;
	if (access(LOAD_SH, R_OK) != 0) {
		fprintf(stderr, "it_demo: %s not found (run from the top of the checkout)\n", LOAD_SH);
		return -1;
	}
	demo_db = h_db_create("it_demo");
	if (h_migrate(demo_db) != 0)
		return -1;
	log = xasprintf("%s/load.log", getenv("REGIE_TEST_TMP") ? getenv("REGIE_TEST_TMP") : "/tmp");
	cmd = xasprintf("sh %s '%s' > '%s' 2>&1", LOAD_SH, demo_db, log);
	status = system(cmd);
	free(cmd);
	if (status != 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "it_demo: load.sh failed (status %d); its output is in %s\n", status, log);
		free(log);
		return -1;
	}
	free(log);
	demo_server = h_server_start(demo_db, NULL);
	return 0;
}

static int drop_demo(void **state)
{
	(void)state;
	if (demo_server != NULL)
		h_server_free(demo_server);
	if (demo_db != NULL) {
		h_db_drop(demo_db);
		free(demo_db);
	}
	return 0;
}

/* rows (aliased x, with number, asset_id and the text column) are each on
 * the kind of asset kinds gives for their text, or on fallback; at least
 * at_least on the very kind. */
static void assert_on_their_kind(PGconn *pg, const char *what, const char *rows,
    const char *text, const char *kinds, const char *fallback, long at_least)
{
	char *sql, *first;
	long exact;

	sql = xasprintf("SELECT x.number || ' ' || %s || ' on a ' || t.code FROM %s "
	    "JOIN assets a ON a.id = x.asset_id JOIN asset_types t ON t.id = a.type_id "
	    "JOIN %s ON %s LIKE k.text WHERE t.code NOT IN (k.kind, %s) ORDER BY x.id LIMIT 1",
	    text, rows, kinds, text, fallback);
	first = h_pg_value(pg, sql);
	free(sql);
	if (first != NULL)
		fail_msg("%s: %s, the wrong kind of asset", what, first);
	sql = xasprintf("SELECT 1 FROM %s JOIN assets a ON a.id = x.asset_id "
	    "JOIN asset_types t ON t.id = a.type_id JOIN %s ON %s LIKE k.text "
	    "WHERE t.code = k.kind", rows, kinds, text);
	exact = h_pg_count(pg, sql);
	free(sql);
	if (exact < at_least)
		fail_msg("%s: only %ld on the kind of asset they speak of, not %ld", what, exact,
		    at_least);
}

static void test_the_city_holds_together(void **state)
{
	PGconn *pg = h_pg(demo_db);

	(void)state;
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM requests"), 48);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM work_orders WHERE request_id IS NULL"), 500);
	/* And one for each approved request. */
	assert_true(h_pg_count(pg, "SELECT 1 FROM requests WHERE status = 'approved'") > 0);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM requests r WHERE r.status = 'approved' AND "
	    "NOT EXISTS (SELECT 1 FROM work_orders w WHERE w.request_id = r.id)"), 0);
	assert_true(h_pg_count(pg, "SELECT 1 FROM agents") >= 100);
	h_assert_invariants(demo_db);

	/* A leak is on a room, a boiler fault on the boiler: never on an
	 * emergency light or a tree; most on the very kind they speak of,
	 * not on their site's building. */
	assert_on_their_kind(pg, "requests", "requests x", "x.description", REQUEST_KINDS,
	    "'building'", 24);
	/* Every request's text is one of those. */
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM requests r WHERE NOT EXISTS "
	    "(SELECT 1 FROM " REQUEST_KINDS " WHERE r.description LIKE k.text)"), 0);
	/* The services' own work orders: a tree to prune is a tree. Those
	 * made from requests carry the request's asset. */
	assert_on_their_kind(pg, "work orders",
	    "(SELECT * FROM work_orders WHERE request_id IS NULL) x", "x.title", WORK_KINDS,
	    "k.kind", 300);
	PQfinish(pg);
}

/* The number of items on the first page of method, as login sees it. */
static size_t first_page(struct regie_client *c, const char *method, const char *params)
{
	struct rv *r = h_call_ok(c, method, params);
	size_t n = rv_len(rv_get(r, "items"));

	rv_free(r);
	return n;
}

static void test_the_demo_accounts_have_work_to_see(void **state)
{
	struct event_base *base = event_base_new();
	struct regie_client *sup = h_connect(base, h_server_addr(demo_server));
	struct regie_client *ref = h_connect(base, h_server_addr(demo_server));
	struct regie_client *agent = h_connect(base, h_server_addr(demo_server));

	(void)state;
	h_login(sup, "superviseur", DEMO_PASSWORD);
	h_login(ref, "referent", DEMO_PASSWORD);
	h_login(agent, "agent", DEMO_PASSWORD);
	assert_true(first_page(sup, "request.queue", NULL) > 0);
	assert_true(first_page(sup, "workorder.list", "{status: \"open\"}") > 0);
	assert_true(first_page(ref, "request.mine", NULL) > 0);
	assert_true(first_page(agent, "workorder.mine", NULL) > 0);
	assert_true(first_page(sup, "asset.list", NULL) > 0);

	regie_client_free(sup);
	regie_client_free(ref);
	regie_client_free(agent);
	event_base_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_city_holds_together),
		cmocka_unit_test(test_the_demo_accounts_have_work_to_see),
	};

	return cmocka_run_group_tests(tests, load_demo, drop_demo);
}
