/* The estate as its users meet it: assets whose attributes must suit
 * their type, a hierarchy that never loops, what each role sees and may
 * change, the condition history, search, nearby, exports, paging, and
 * the audit rows and events every change leaves.
 *
 * One database and one regied serve the whole file; each test makes the
 * assets it looks at, under names of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

#define EVENT_WAIT_MS 10000

struct fixture {
	char *db;
	struct h_server *server;
	struct event_base *base;
	struct regie_client *admin, *sup_bat, *agent_ev, *referent, *viewer;
	int64_t bat, ev;                 /* services */
	int64_t site_a, site_b;
	int64_t t_building, t_floor, t_room, t_tree, t_green, t_vehicle, t_light;
};

static struct fixture fx;

/* ---- calls with printf-style params, failing at the caller's line ---- */

#define call_okf(c, method, ...) call_f(__FILE__, __LINE__, (c), NULL, (method), __VA_ARGS__)
#define call_errf(c, code, method, ...) \
	call_f(__FILE__, __LINE__, (c), (code), (method), __VA_ARGS__)

static struct rv *call_f(const char *file, int line, struct regie_client *c, const char *code,
    const char *method, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static struct rv *
call_f(const char *file, int line, struct regie_client *c, const char *code,
    const char *method, const char *fmt, ...)
{
	va_list ap;
	char *params;
	struct rv *r;

	va_start(ap, fmt);
	params = xvasprintf(fmt, ap);
	va_end(ap);
	r = code == NULL ? h_call_ok_at(file, line, c, method, params) :
	    h_call_err_at(file, line, c, method, params, code);
	free(params);
	return r;
}

/* The field an error names. */
#define assert_err_field(err, name) \
	assert_string_equal(rv_path_str((err), "field", "(none)"), (name))

/* A JSON text as a JSON string, for the "attributes" parameter. Kept in
 * a small ring so that one call can use several. */
static char *quoted_ring[8];

static char *
quoted(const char *json)
{
	static int next;
	char **slot = &quoted_ring[next];
	struct rv *s = rv_str(json);

	next = (next + 1) % 8;
	free(*slot);
	*slot = rv_to_json(s);
	rv_free(s);
	return *slot;
}

static int64_t
id_of(struct rv *r)
{
	int64_t id = rv_path_int(r, "id", 0);

	assert_true(id > 0);
	rv_free(r);
	return id;
}

static int64_t
version_of(struct regie_client *c, int64_t id)
{
	struct rv *a = call_okf(c, "asset.get", "{id: %lld}", (long long)id);
	int64_t v = rv_path_int(a, "version", 0);

	rv_free(a);
	return v;
}

/* A tree where asked, in the given service: the simplest valid asset. */
static int64_t
make_tree(struct regie_client *c, int64_t service, int64_t site, const char *name,
    const char *lat, const char *lon)
{
	char where[160] = "", in_site[40] = "";

	if (lat != NULL)
		xsnprintf(where, sizeof where, ", lat: \"%s\", lon: \"%s\"", lat, lon);
	if (site != 0)
		xsnprintf(in_site, sizeof in_site, ", site_id: %lld", (long long)site);
	return id_of(call_okf(c, "asset.create", "{name: \"%s\", type_id: %lld, service_id: %lld, "
	    "attributes: %s%s%s}", name, (long long)fx.t_tree, (long long)service,
	    quoted("{\"species\": \"Tilia cordata\"}"), in_site, where));
}

static int64_t
type_id(const struct rv *types, const char *code)
{
	const struct rv *items = rv_get(types, "items");

	for (size_t i = 0; i < rv_len(items); i++) {
		if (strcmp(rv_path_str(items->a.items[i], "code", ""), code) == 0)
			return rv_path_int(items->a.items[i], "id", 0);
	}
	fail_msg("no asset type %s", code);
	return 0;
}

static struct regie_client *
login_as(const char *login, const char *password)
{
	struct regie_client *c = h_connect(fx.base, h_server_addr(fx.server));

	h_login(c, login, password);
	return c;
}

static int
setup(void **state)
{
	struct rv *types;

	(void)state;
	memset(&fx, 0, sizeof fx);
	fx.db = h_db_create("it_estate");
	assert_int_equal(h_migrate(fx.db), 0);
	assert_int_equal(h_useradd(fx.db, "admin", "admin-secret", "admin", "Ada Admin"), 0);
	fx.server = h_server_start(fx.db, NULL);
	fx.base = event_base_new();
	fx.admin = login_as("admin", "admin-secret");

	fx.bat = id_of(h_call_ok(fx.admin, "service.create", "{code: \"BAT\", name: \"Bâtiments\"}"));
	fx.ev = id_of(h_call_ok(fx.admin, "service.create",
	    "{code: \"EV\", name: \"Espaces verts\"}"));
	fx.site_a = id_of(h_call_ok(fx.admin, "site.create", "{code: \"ECOLE-A\", "
	    "name: \"École Jules-Ferry\", address: \"3 rue des Écoles\", lat: \"46.3\", lon: \"3.4\"}"));
	fx.site_b = id_of(h_call_ok(fx.admin, "site.create", "{code: \"GYM-B\", "
	    "name: \"Gymnase Jean-Moulin\", address: \"30 rue Jean-Moulin\"}"));
	types = h_call_ok(fx.admin, "asset_type.list", "{}");
	fx.t_building = type_id(types, "building");
	fx.t_floor = type_id(types, "floor");
	fx.t_room = type_id(types, "room");
	fx.t_tree = type_id(types, "tree");
	fx.t_green = type_id(types, "green_space");
	fx.t_vehicle = type_id(types, "vehicle");
	fx.t_light = type_id(types, "street_light");
	rv_free(types);

	rv_free(call_okf(fx.admin, "user.create", "{login: \"sup\", name: \"Sophie Superviseure\", "
	    "roles: [\"supervisor\"], services: [%lld], password: \"sup-secret\"}", (long long)fx.bat));
	rv_free(call_okf(fx.admin, "user.create", "{login: \"agent-ev\", name: \"Éric Agent\", "
	    "roles: [\"agent\"], services: [%lld], password: \"agent-secret\"}", (long long)fx.ev));
	rv_free(call_okf(fx.admin, "user.create", "{login: \"ref\", name: \"Régine Référente\", "
	    "roles: [\"referent\"], sites: [%lld], password: \"ref-secret\"}", (long long)fx.site_a));
	rv_free(h_call_ok(fx.admin, "user.create", "{login: \"viewer\", name: \"Victor Lecteur\", "
	    "roles: [\"viewer\"], password: \"viewer-secret\"}"));
	fx.sup_bat = login_as("sup", "sup-secret");
	fx.agent_ev = login_as("agent-ev", "agent-secret");
	fx.referent = login_as("ref", "ref-secret");
	fx.viewer = login_as("viewer", "viewer-secret");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	regie_client_free(fx.viewer);
	regie_client_free(fx.referent);
	regie_client_free(fx.agent_ev);
	regie_client_free(fx.sup_bat);
	regie_client_free(fx.admin);
	event_base_free(fx.base);
	h_server_free(fx.server);
	h_db_drop(fx.db);
	free(fx.db);
	for (int i = 0; i < 8; i++)
		free(quoted_ring[i]);
	return 0;
}

/* ---- attributes ---- */

static void
test_attributes_follow_the_type(void **state)
{
	struct rv *a, *e;

	(void)state;
	/* A tree needs its species; numbers must be numbers within bounds. */
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Tilleul\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_tree, (long long)fx.ev,
	    quoted("{\"height\": 12}"));
	assert_err_field(e, "attributes.species");
	rv_free(e);
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Tilleul\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_tree, (long long)fx.ev,
	    quoted("{\"species\": \"Tilia\", \"height\": 500}"));
	assert_err_field(e, "attributes.height");
	rv_free(e);
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Tilleul\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_tree, (long long)fx.ev,
	    quoted("{\"species\": \"Tilia\", \"height\": \"tall\"}"));
	assert_err_field(e, "attributes.height");
	rv_free(e);
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Tilleul\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_tree, (long long)fx.ev,
	    quoted("{\"species\": \"Tilia\", \"planting_year\": 1990.5}"));
	assert_err_field(e, "attributes.planting_year");
	rv_free(e);
	/* An attribute the type does not declare. */
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Tilleul\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_tree, (long long)fx.ev,
	    quoted("{\"species\": \"Tilia\", \"colour\": \"green\"}"));
	assert_err_field(e, "attributes.colour");
	rv_free(e);
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Tilleul\", type_id: %lld, "
	    "service_id: %lld, attributes: \"species=Tilia\"}", (long long)fx.t_tree,
	    (long long)fx.ev);
	assert_err_field(e, "attributes");
	rv_free(e);

	/* A vehicle: a real date, a fuel among the choices. */
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Kangoo\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_vehicle, (long long)fx.bat,
	    quoted("{\"plate\": \"GA-123-BC\", \"fuel\": \"diesel\", "
	        "\"registration_date\": \"2023-02-30\"}"));
	assert_err_field(e, "attributes.registration_date");
	rv_free(e);
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Kangoo\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_vehicle, (long long)fx.bat,
	    quoted("{\"plate\": \"GA-123-BC\", \"fuel\": \"kerosene\", "
	        "\"registration_date\": \"2023-02-28\"}"));
	assert_err_field(e, "attributes.fuel");
	rv_free(e);
	/* A building needs its floor area. */
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Préau\", type_id: %lld, "
	    "service_id: %lld}", (long long)fx.t_building, (long long)fx.bat);
	assert_err_field(e, "attributes.floor_area");
	rv_free(e);

	/* Valid ones are stored with numbers as numbers, whatever form they
	 * came in. */
	a = call_okf(fx.admin, "asset.create", "{name: \"Kangoo\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_vehicle, (long long)fx.bat,
	    quoted("{\"plate\": \"GA-123-BC\", \"fuel\": \"diesel\", "
	        "\"registration_date\": \"2024-02-29\"}"));
	assert_string_equal(rv_path_str(a, "attributes.fuel", ""), "diesel");
	assert_string_equal(rv_path_str(a, "attributes.registration_date", ""), "2024-02-29");
	assert_string_equal(rv_path_str(a, "type", ""), "vehicle");
	assert_true(strncmp(rv_path_str(a, "code", ""), "VEH-", 4) == 0);
	rv_free(a);
	a = call_okf(fx.admin, "asset.create", "{name: \"Tilleul du préau\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_tree, (long long)fx.ev,
	    quoted("{\"species\": \"Tilia cordata\", \"height\": \"12.5\", \"planting_year\": \"1990\"}"));
	assert_true(rv_path(a, "attributes.height")->type == RV_FLOAT);
	assert_true(rv_path(a, "attributes.height")->f == 12.5);
	assert_int_equal(rv_path_int(a, "attributes.planting_year", 0), 1990);

	/* An update is checked the same way; nothing changes when refused. */
	e = call_errf(fx.admin, "invalid", "asset.update", "{id: %lld, version: %lld, "
	    "attributes: %s}", (long long)rv_path_int(a, "id", 0),
	    (long long)rv_path_int(a, "version", 0), quoted("{\"height\": 3}"));
	assert_err_field(e, "attributes.species");
	rv_free(e);
	rv_free(a);
}

/* ---- hierarchy ---- */

static void
test_hierarchy_and_moves(void **state)
{
	int64_t b1, b2, f1, f2, room, g_park, g_garden, tree;
	struct rv *r, *e;
	PGconn *pg;
	char *sql;

	(void)state;
	b1 = id_of(call_okf(fx.admin, "asset.create", "{name: \"Mairie\", type_id: %lld, "
	    "service_id: %lld, site_id: %lld, address: \"1 place de la Mairie\", attributes: %s}",
	    (long long)fx.t_building, (long long)fx.bat, (long long)fx.site_a,
	    quoted("{\"floor_area\": 900}")));
	b2 = id_of(call_okf(fx.admin, "asset.create", "{name: \"Gymnase\", type_id: %lld, "
	    "service_id: %lld, site_id: %lld, attributes: %s}", (long long)fx.t_building,
	    (long long)fx.bat, (long long)fx.site_b, quoted("{\"floor_area\": 1200}")));
	f1 = id_of(call_okf(fx.admin, "asset.create", "{name: \"Rez-de-chaussée\", type_id: %lld, "
	    "parent_id: %lld, attributes: %s}", (long long)fx.t_floor, (long long)b1,
	    quoted("{\"level\": 0}")));
	f2 = id_of(call_okf(fx.admin, "asset.create", "{name: \"Étage\", type_id: %lld, "
	    "parent_id: %lld, attributes: %s}", (long long)fx.t_floor, (long long)b2,
	    quoted("{\"level\": 1}")));
	/* A room made under a floor takes its site, service and address. */
	r = call_okf(fx.admin, "asset.create", "{name: \"Accueil\", type_id: %lld, "
	    "parent_id: %lld, attributes: %s}", (long long)fx.t_room, (long long)f1,
	    quoted("{\"use\": \"hall\"}"));
	room = rv_path_int(r, "id", 0);
	assert_int_equal(rv_path_int(r, "site_id", 0), fx.site_a);
	assert_int_equal(rv_path_int(r, "service_id", 0), fx.bat);
	assert_string_equal(rv_path_str(r, "address", ""), "1 place de la Mairie");
	assert_string_equal(rv_path_str(r, "parent_name", ""), "Rez-de-chaussée");
	assert_true(strncmp(rv_path_str(r, "parent_code", ""), "NIV-", 4) == 0);
	rv_free(r);

	/* A room is always inside something, and never inside a tree. */
	e = call_errf(fx.admin, "invalid", "asset.create", "{name: \"Salle\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_room, (long long)fx.bat,
	    quoted("{\"use\": \"office\"}"));
	assert_err_field(e, "parent_id");
	rv_free(e);
	tree = make_tree(fx.admin, fx.ev, 0, "Chêne isolé", NULL, NULL);
	e = call_errf(fx.admin, "invalid", "asset.move", "{id: %lld, version: %lld, "
	    "parent_id: %lld}", (long long)room, (long long)version_of(fx.admin, room),
	    (long long)tree);
	assert_err_field(e, "parent_id");
	rv_free(e);

	/* Children, and the top of a site, for the tree browser. */
	r = call_okf(fx.viewer, "asset.children", "{id: %lld}", (long long)b1);
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), f1);
	assert_true(rv_path_bool(r, "items.0.has_children", false));
	rv_free(r);
	r = call_okf(fx.viewer, "asset.children", "{site_id: %lld}", (long long)fx.site_b);
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), b2);
	rv_free(r);

	/* Moving the room to the other building's floor: it follows that
	 * building's site. */
	r = call_okf(fx.admin, "asset.move", "{id: %lld, version: %lld, parent_id: %lld}",
	    (long long)room, (long long)version_of(fx.admin, room), (long long)f2);
	assert_int_equal(rv_path_int(r, "parent_id", 0), f2);
	assert_int_equal(rv_path_int(r, "site_id", 0), fx.site_b);
	rv_free(r);
	/* Moving a whole floor takes its rooms along to the new site. */
	r = call_okf(fx.admin, "asset.move", "{id: %lld, version: %lld, parent_id: %lld}",
	    (long long)f2, (long long)version_of(fx.admin, f2), (long long)b1);
	assert_int_equal(rv_path_int(r, "site_id", 0), fx.site_a);
	rv_free(r);
	r = call_okf(fx.admin, "asset.get", "{id: %lld}", (long long)room);
	assert_int_equal(rv_path_int(r, "site_id", 0), fx.site_a);
	rv_free(r);

	/* Green spaces nest (a garden in a park): no loops, however deep. */
	g_park = id_of(call_okf(fx.admin, "asset.create", "{name: \"Parc\", type_id: %lld, "
	    "service_id: %lld, attributes: %s}", (long long)fx.t_green, (long long)fx.ev,
	    quoted("{\"kind\": \"park\", \"area\": 40000}")));
	g_garden = id_of(call_okf(fx.admin, "asset.create", "{name: \"Roseraie\", type_id: %lld, "
	    "parent_id: %lld, attributes: %s}", (long long)fx.t_green, (long long)g_park,
	    quoted("{\"kind\": \"garden\", \"area\": 800}")));
	e = call_errf(fx.admin, "invalid", "asset.move", "{id: %lld, version: %lld, "
	    "parent_id: %lld}", (long long)g_park, (long long)version_of(fx.admin, g_park),
	    (long long)g_garden);
	assert_err_field(e, "parent_id");
	rv_free(e);
	e = call_errf(fx.admin, "invalid", "asset.move", "{id: %lld, version: %lld, "
	    "parent_id: %lld}", (long long)g_park, (long long)version_of(fx.admin, g_park),
	    (long long)g_park);
	assert_err_field(e, "parent_id");
	rv_free(e);
	/* A tree into the garden is fine, and then the garden to the top. */
	rv_free(call_okf(fx.admin, "asset.move", "{id: %lld, version: %lld, parent_id: %lld}",
	    (long long)tree, (long long)version_of(fx.admin, tree), (long long)g_garden));
	r = call_okf(fx.admin, "asset.move", "{id: %lld, version: %lld}", (long long)g_garden,
	    (long long)version_of(fx.admin, g_garden));
	assert_true(rv_get(r, "parent_id")->type == RV_NIL);
	rv_free(r);
	pg = h_pg(fx.db);
	sql = xasprintf("SELECT 1 FROM assets WHERE id = %lld AND parent_id = %lld",
	    (long long)tree, (long long)g_garden);
	assert_int_equal(h_pg_count(pg, sql), 1);
	free(sql);
	PQfinish(pg);

	/* Disposing of a building with rooms in service needs saying so. */
	e = call_errf(fx.admin, "conflict", "asset.dispose", "{id: %lld, version: %lld}",
	    (long long)b1, (long long)version_of(fx.admin, b1));
	assert_err_field(e, "with_children");
	rv_free(e);
	r = call_okf(fx.admin, "asset.dispose", "{id: %lld, version: %lld, with_children: true, "
	    "note: \"Démoli\"}", (long long)b1, (long long)version_of(fx.admin, b1));
	assert_string_equal(rv_path_str(r, "status", ""), "disposed");
	assert_string_equal(rv_path_str(r, "disposed_note", ""), "Démoli");
	rv_free(r);
	pg = h_pg(fx.db);
	sql = xasprintf("SELECT 1 FROM assets WHERE id IN (%lld, %lld, %lld, %lld) "
	    "AND status = 'disposed'", (long long)b1, (long long)f1, (long long)f2, (long long)room);
	assert_int_equal(h_pg_count(pg, sql), 4);
	free(sql);
	sql = xasprintf("SELECT 1 FROM audit_log WHERE method = 'asset.dispose' "
	    "AND entity_id IN (%lld, %lld, %lld, %lld)", (long long)b1, (long long)f1, (long long)f2,
	    (long long)room);
	assert_int_equal(h_pg_count(pg, sql), 4);
	free(sql);
	PQfinish(pg);
	/* A disposed asset stays as it was; its children are not listed. */
	e = call_errf(fx.admin, "conflict", "asset.update", "{id: %lld, version: %lld, "
	    "name: \"Mairie bis\"}", (long long)b1, (long long)version_of(fx.admin, b1));
	rv_free(e);
	r = call_okf(fx.admin, "asset.children", "{id: %lld}", (long long)b1);
	assert_int_equal(rv_len(rv_get(r, "items")), 0);
	rv_free(r);
}

/* ---- who sees and changes what ---- */

static bool
list_has(const struct rv *r, int64_t id)
{
	const struct rv *items = rv_get(r, "items");

	for (size_t i = 0; i < rv_len(items); i++) {
		if (rv_path_int(items->a.items[i], "id", 0) == id)
			return true;
	}
	return false;
}

static void
test_scope_by_role(void **state)
{
	int64_t in_a, in_b, ev_tree;
	struct rv *r, *e;

	(void)state;
	in_a = make_tree(fx.admin, fx.bat, fx.site_a, "Marronnier de l'école", NULL, NULL);
	in_b = make_tree(fx.admin, fx.bat, fx.site_b, "Marronnier du gymnase", NULL, NULL);
	ev_tree = make_tree(fx.admin, fx.ev, fx.site_b, "Platane du gymnase", NULL, NULL);

	/* The referent sees the school's assets and nothing of the gym. */
	r = call_okf(fx.referent, "asset.list", "{limit: 500}");
	assert_true(list_has(r, in_a));
	assert_false(list_has(r, in_b));
	for (size_t i = 0; i < rv_len(rv_get(r, "items")); i++)
		assert_int_equal(rv_path_int(rv_get(r, "items")->a.items[i], "site_id", 0), fx.site_a);
	rv_free(r);
	rv_free(call_okf(fx.referent, "asset.get", "{id: %lld}", (long long)in_a));
	e = call_errf(fx.referent, "not_found", "asset.get", "{id: %lld}", (long long)in_b);
	rv_free(e);
	r = call_okf(fx.referent, "asset.search", "{query: \"Marronnier\"}");
	assert_true(list_has(r, in_a));
	assert_false(list_has(r, in_b));
	rv_free(r);
	rv_free(call_errf(fx.referent, "not_found", "asset.conditions", "{id: %lld}",
	    (long long)in_b));
	r = call_okf(fx.referent, "site.list", "{}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), fx.site_a);
	rv_free(r);
	rv_free(call_errf(fx.referent, "not_found", "site.get", "{id: %lld}", (long long)fx.site_b));
	/* and changes nothing at all */
	rv_free(call_errf(fx.referent, "forbidden", "asset.set_condition", "{id: %lld, score: 1}",
	    (long long)in_a));

	/* Everyone else reads everything. */
	r = call_okf(fx.viewer, "asset.list", "{limit: 500}");
	assert_true(list_has(r, in_a));
	assert_true(list_has(r, in_b));
	rv_free(r);
	r = call_okf(fx.agent_ev, "asset.list", "{limit: 500}");
	assert_true(list_has(r, in_b));
	rv_free(r);
	rv_free(call_errf(fx.viewer, "forbidden", "asset.update", "{id: %lld, version: 1, "
	    "name: \"x\"}", (long long)in_a));

	/* Agents and supervisors change their own services' assets only. */
	e = call_errf(fx.agent_ev, "forbidden", "asset.update", "{id: %lld, version: %lld, "
	    "name: \"Marronnier abattu\"}", (long long)in_b, (long long)version_of(fx.admin, in_b));
	rv_free(e);
	r = call_okf(fx.agent_ev, "asset.update", "{id: %lld, version: %lld, "
	    "name: \"Platane taillé\"}", (long long)ev_tree, (long long)version_of(fx.admin, ev_tree));
	assert_string_equal(rv_path_str(r, "name", ""), "Platane taillé");
	rv_free(r);
	rv_free(call_okf(fx.sup_bat, "asset.set_condition", "{id: %lld, score: 4}",
	    (long long)in_b));
	rv_free(call_errf(fx.sup_bat, "forbidden", "asset.set_condition", "{id: %lld, score: 4}",
	    (long long)ev_tree));
	/* nor hand an asset to a service they do not run, nor create there */
	rv_free(call_errf(fx.agent_ev, "forbidden", "asset.update", "{id: %lld, version: %lld, "
	    "service_id: %lld}", (long long)ev_tree, (long long)version_of(fx.admin, ev_tree),
	    (long long)fx.bat));
	rv_free(call_errf(fx.agent_ev, "forbidden", "asset.create", "{name: \"Tilleul\", "
	    "type_id: %lld, service_id: %lld, attributes: %s}", (long long)fx.t_tree,
	    (long long)fx.bat, quoted("{\"species\": \"Tilia\"}")));
	make_tree(fx.agent_ev, fx.ev, 0, "Tilleul de l'agent", NULL, NULL);
}

/* ---- condition history ---- */

static void
test_condition_history(void **state)
{
	int64_t id = make_tree(fx.admin, fx.ev, 0, "Cèdre du parc", NULL, NULL);
	struct rv *r;

	(void)state;
	rv_free(call_okf(fx.agent_ev, "asset.set_condition", "{id: %lld, score: 4, "
	    "note: \"Bon état\", observed: \"2025-05-02\"}", (long long)id));
	r = call_okf(fx.agent_ev, "asset.set_condition", "{id: %lld, score: 2, "
	    "note: \"Branche morte\"}", (long long)id);
	assert_int_equal(rv_path_int(r, "condition", 0), 2);
	rv_free(r);
	/* An older observation joins the history without replacing the
	 * latest. */
	r = call_okf(fx.agent_ev, "asset.set_condition", "{id: %lld, score: 5, "
	    "note: \"Plantation\", observed: \"2019-11-15\"}", (long long)id);
	assert_int_equal(rv_path_int(r, "condition", 0), 2);
	rv_free(r);
	rv_free(call_errf(fx.agent_ev, "invalid", "asset.set_condition", "{id: %lld, score: 6}",
	    (long long)id));
	rv_free(call_errf(fx.agent_ev, "invalid", "asset.set_condition", "{id: %lld, score: 3, "
	    "observed: \"2999-01-01\"}", (long long)id));

	r = call_okf(fx.viewer, "asset.conditions", "{id: %lld, limit: 2}", (long long)id);
	assert_int_equal(rv_len(rv_get(r, "items")), 2);
	assert_int_equal(rv_path_int(r, "items.0.score", 0), 2);
	assert_string_equal(rv_path_str(r, "items.0.note", ""), "Branche morte");
	assert_string_equal(rv_path_str(r, "items.0.user_login", ""), "agent-ev");
	assert_string_equal(rv_path_str(r, "items.1.observed", ""), "2025-05-02");
	assert_non_null(rv_path_str(r, "next", NULL));
	{
		struct rv *p2 = call_okf(fx.viewer, "asset.conditions", "{id: %lld, after: \"%s\"}",
		    (long long)id, rv_path_str(r, "next", ""));
		assert_int_equal(rv_len(rv_get(p2, "items")), 1);
		assert_int_equal(rv_path_int(p2, "items.0.score", 0), 5);
		assert_true(rv_get(p2, "next")->type == RV_NIL);
		rv_free(p2);
	}
	rv_free(r);
	/* The condition filter of the list sees the new score. */
	r = call_okf(fx.viewer, "asset.list", "{condition_max: 2, limit: 500}");
	assert_true(list_has(r, id));
	rv_free(r);
	r = call_okf(fx.viewer, "asset.list", "{condition_min: 3, limit: 500}");
	assert_false(list_has(r, id));
	rv_free(r);
	/* A referent's range, in every order, is its sites' assets in range:
	 * as many as the database holds, whichever index the shape reads. */
	{
		static const char *const sorts[] = { "code", "name", "condition" };
		PGconn *pg = h_pg(fx.db);
		int64_t rated = id_of(call_okf(fx.admin, "asset.create", "{name: \"Tilleul cour\", "
		    "type_id: %lld, service_id: %lld, site_id: %lld, attributes: %s}",
		    (long long)fx.t_tree, (long long)fx.ev, (long long)fx.site_a,
		    quoted("{\"species\": \"Tilia\"}")));
		char *rate = xasprintf("UPDATE assets SET condition = 2 WHERE id = %lld",
		    (long long)rated);
		char *sql = xasprintf("SELECT 1 FROM assets WHERE site_id = %lld AND status <> "
		    "'disposed' AND COALESCE(condition, 6) BETWEEN 1 AND 2", (long long)fx.site_a);
		long want;

		h_pg_exec(pg, rate);
		want = h_pg_count(pg, sql);
		assert_true(want > 0);

		for (size_t i = 0; i < sizeof sorts / sizeof sorts[0]; i++) {
			r = call_okf(fx.referent, "asset.list", "{condition_min: 1, condition_max: 2, "
			    "sort: \"%s\", limit: 500}", sorts[i]);
			assert_int_equal((long)rv_len(rv_get(r, "items")), want);
			rv_free(r);
		}
		free(rate);
		free(sql);
		PQfinish(pg);
	}
}

/* ---- search ---- */

static void
test_search_ranking(void **state)
{
	int64_t exact, prefix, named, street, gone;
	struct rv *r;

	(void)state;
	named = id_of(call_okf(fx.admin, "asset.create", "{name: \"QZP-7 (pièces de rechange)\", "
	    "type_id: %lld, service_id: %lld, attributes: %s}", (long long)fx.t_tree,
	    (long long)fx.ev, quoted("{\"species\": \"Acer\"}")));
	prefix = id_of(call_okf(fx.admin, "asset.create", "{code: \"QZP-70\", name: \"Érable\", "
	    "type_id: %lld, service_id: %lld, attributes: %s}", (long long)fx.t_tree,
	    (long long)fx.ev, quoted("{\"species\": \"Acer\"}")));
	street = id_of(call_okf(fx.admin, "asset.create", "{name: \"Érable\", "
	    "address: \"12 impasse QZP-7\", type_id: %lld, service_id: %lld, attributes: %s}",
	    (long long)fx.t_tree, (long long)fx.ev, quoted("{\"species\": \"Acer\"}")));
	exact = id_of(call_okf(fx.admin, "asset.create", "{code: \"QZP-7\", name: \"Érable\", "
	    "type_id: %lld, service_id: %lld, attributes: %s}", (long long)fx.t_tree,
	    (long long)fx.ev, quoted("{\"species\": \"Acer\"}")));
	gone = id_of(call_okf(fx.admin, "asset.create", "{code: \"QZP-71\", name: \"Érable\", "
	    "type_id: %lld, service_id: %lld, attributes: %s}", (long long)fx.t_tree,
	    (long long)fx.ev, quoted("{\"species\": \"Acer\"}")));
	rv_free(call_okf(fx.admin, "asset.dispose", "{id: %lld, version: 1}", (long long)gone));

	/* Case does not matter; the exact code comes first, then codes that
	 * start so, then names, then the rest. */
	r = call_okf(fx.viewer, "asset.search", "{query: \"qzp-7\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 4);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), exact);
	assert_int_equal(rv_path_int(r, "items.1.id", 0), prefix);
	assert_int_equal(rv_path_int(r, "items.2.id", 0), named);
	assert_int_equal(rv_path_int(r, "items.3.id", 0), street);
	assert_false(list_has(r, gone));
	rv_free(r);

	/* As one types: two letters already find prefixes, accents and case
	 * aside. */
	id_of(call_okf(fx.admin, "asset.create", "{name: \"Œillet d'Inde sur l'Île\", "
	    "type_id: %lld, service_id: %lld, attributes: %s}", (long long)fx.t_tree,
	    (long long)fx.ev, quoted("{\"species\": \"Tagetes\"}")));
	r = call_okf(fx.viewer, "asset.search", "{query: \"oe\"}");
	assert_true(rv_len(rv_get(r, "items")) >= 1);
	assert_string_equal(rv_path_str(r, "items.0.name", ""), "Œillet d'Inde sur l'Île");
	rv_free(r);
	r = call_okf(fx.viewer, "asset.search", "{query: \"l'ile\"}");
	assert_true(rv_len(rv_get(r, "items")) >= 1);
	assert_string_equal(rv_path_str(r, "items.0.name", ""), "Œillet d'Inde sur l'Île");
	rv_free(r);
	/* Hyphens are spaces: "victor hugo" finds the rue Victor-Hugo. */
	named = id_of(call_okf(fx.admin, "asset.create", "{name: \"Platane\", "
	    "address: \"5 rue Victor-Hugo\", type_id: %lld, service_id: %lld, attributes: %s}",
	    (long long)fx.t_tree, (long long)fx.ev, quoted("{\"species\": \"Platanus\"}")));
	r = call_okf(fx.viewer, "asset.search", "{query: \"victor hugo\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), named);
	rv_free(r);
	/* Every word counts, wherever it is. */
	named = id_of(call_okf(fx.admin, "asset.create", "{name: \"École maternelle Jules-Ferry\", "
	    "type_id: %lld, service_id: %lld, attributes: %s}", (long long)fx.t_building,
	    (long long)fx.bat, quoted("{\"floor_area\": 640}")));
	r = call_okf(fx.viewer, "asset.search", "{query: \"ecole ferry\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), named);
	rv_free(r);
	r = call_okf(fx.viewer, "asset.search", "{query: \"ecole ferry hugo\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 0);
	rv_free(r);
	/* LIKE's own characters are only text. */
	r = call_okf(fx.viewer, "asset.search", "{query: \"%%\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 0);
	rv_free(r);
}

/* ---- nearby ---- */

static void
test_nearby(void **state)
{
	int64_t near, mid, far, centre;
	struct rv *r;
	int64_t d0, d1;

	(void)state;
	/* Around (45.5, 2.5): 100 m north, 400 m east, 2 km south. A degree
	 * of latitude is 111.2 km; of longitude here, 77.9 km. */
	centre = make_tree(fx.admin, fx.ev, 0, "Centre", "45.5", "2.5");
	near = make_tree(fx.admin, fx.ev, 0, "Nord", "45.5008993", "2.5");
	mid = make_tree(fx.admin, fx.ev, 0, "Est", "45.5", "2.5051352");
	far = make_tree(fx.admin, fx.ev, 0, "Sud", "45.482", "2.5");

	r = call_okf(fx.viewer, "asset.nearby", "{lat: \"45.5\", lon: \"2.5\", radius: 500}");
	assert_int_equal(rv_len(rv_get(r, "items")), 3);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), centre);
	assert_int_equal(rv_path_int(r, "items.1.id", 0), near);
	assert_int_equal(rv_path_int(r, "items.2.id", 0), mid);
	d0 = rv_path_int(r, "items.1.distance", -1);
	d1 = rv_path_int(r, "items.2.distance", -1);
	assert_in_range(d0, 98, 102);
	assert_in_range(d1, 395, 405);
	assert_false(list_has(r, far));
	rv_free(r);
	r = call_okf(fx.viewer, "asset.nearby", "{lat: \"45.5\", lon: \"2.5\", radius: 150}");
	assert_int_equal(rv_len(rv_get(r, "items")), 2);
	rv_free(r);
	/* Around an asset: the others, not itself. */
	r = call_okf(fx.viewer, "asset.nearby", "{id: %lld, radius: 3000}", (long long)centre);
	assert_int_equal(rv_len(rv_get(r, "items")), 3);
	assert_false(list_has(r, centre));
	assert_true(list_has(r, far));
	rv_free(r);
	r = call_errf(fx.viewer, "invalid", "asset.nearby", "{lat: \"91\", lon: \"2.5\"}");
	assert_err_field(r, "lat");
	rv_free(r);
	r = call_errf(fx.admin, "invalid", "asset.update", "{id: %lld, version: 1, lat: \"45.5\"}",
	    (long long)centre);
	assert_err_field(r, "lon");
	rv_free(r);
}

/* ---- export ---- */

/* Every chunk of an export joined; *chunks counts the calls. */
static char *
export_all(struct regie_client *c, const char *format, const char *filter, int limit,
    int *chunks)
{
	char *next = NULL, *out = xstrdup("");

	*chunks = 0;
	do {
		struct rv *r;
		char *joined;

		if (next != NULL)
			r = call_okf(c, "asset.export", "{format: \"%s\", %s, limit: %d, after: \"%s\"}",
			    format, filter, limit, next);
		else
			r = call_okf(c, "asset.export", "{format: \"%s\", %s, limit: %d}", format, filter,
			    limit);
		(*chunks)++;
		assert_true(rv_path_int(r, "rows", -1) <= limit);
		joined = xasprintf("%s%s", out, rv_path_str(r, "chunk", ""));
		free(out);
		out = joined;
		free(next);
		next = rv_path_str(r, "next", NULL) ? xstrdup(rv_path_str(r, "next", "")) : NULL;
		rv_free(r);
	} while (next != NULL);
	return out;
}

static void
test_export(void **state)
{
	int64_t svc;
	char *csv, *geo, *filter, *sql, *count;
	struct rv *doc;
	PGconn *pg;
	int chunks, lines = 0;

	(void)state;
	svc = id_of(h_call_ok(fx.admin, "service.create", "{code: \"EXPORT\", name: \"Export\"}"));
	for (int i = 0; i < 4; i++) {
		char name[32];
		xsnprintf(name, sizeof name, "Arbre %d", i);
		make_tree(fx.admin, svc, 0, name, "45.1", "2.1");
	}
	id_of(call_okf(fx.admin, "asset.create", "{name: \"Banc \\\"Le Grand\\\", parc\", "
	    "type_id: %lld, service_id: %lld, attributes: %s}", (long long)fx.t_tree, (long long)svc,
	    quoted("{\"species\": \"Quercus\"}")));
	filter = xasprintf("service_id: %lld", (long long)svc);

	/* CSV: one header, CRLF lines, the awkward name quoted as RFC 4180
	 * says, and as many rows as the database holds. */
	csv = export_all(fx.viewer, "csv", filter, 2, &chunks);
	assert_int_equal(chunks, 3);
	assert_true(strncmp(csv, "id,code,name,type,", 18) == 0);
	assert_non_null(strstr(csv, ",\"Banc \"\"Le Grand\"\", parc\","));
	for (const char *p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	for (const char *p = csv; *p; p++)
		if (*p == '\n')
			assert_true(p > csv && p[-1] == '\r');
	pg = h_pg(fx.db);
	sql = xasprintf("SELECT count(*) FROM assets WHERE service_id = %lld", (long long)svc);
	count = h_pg_value(pg, sql);
	assert_int_equal(lines - 1, atoi(count));
	assert_int_equal(lines - 1, 5);

	/* GeoJSON: the chunks join into one FeatureCollection. */
	geo = export_all(fx.viewer, "geojson", filter, 2, &chunks);
	assert_int_equal(chunks, 3);
	doc = rv_from_json(geo, NULL, 0);
	assert_non_null(doc);
	assert_string_equal(rv_path_str(doc, "type", ""), "FeatureCollection");
	assert_int_equal(rv_len(rv_get(doc, "features")), atoi(count));
	assert_string_equal(rv_path_str(doc, "features.0.type", ""), "Feature");
	assert_string_equal(rv_path_str(doc, "features.0.geometry.type", ""), "Point");
	assert_true(rv_path(doc, "features.0.geometry.coordinates.0")->type == RV_FLOAT);
	assert_true(rv_path(doc, "features.0.geometry.coordinates.0")->f == 2.1);
	assert_true(rv_path(doc, "features.0.geometry.coordinates.1")->f == 45.1);
	assert_string_equal(rv_path_str(doc, "features.0.properties.attributes.species", ""),
	    "Tilia cordata");
	assert_true(rv_path(doc, "features.4.geometry")->type == RV_NIL);
	assert_string_equal(rv_path_str(doc, "features.4.properties.name", ""),
	    "Banc \"Le Grand\", parc");
	rv_free(doc);
	free(geo);

	/* An empty export is still a whole file. */
	geo = export_all(fx.viewer, "geojson", "site_id: 999999", 10, &chunks);
	assert_string_equal(geo, "{\"type\":\"FeatureCollection\",\"features\":[]}");
	free(geo);

	free(count);
	free(sql);
	PQfinish(pg);
	free(csv);
	free(filter);
}

/* ---- paging ---- */

/* Walks a list page by page; returns the ids in order. */
static int64_t *
walk(struct regie_client *c, const char *params, int limit, size_t *n, int *pages)
{
	int64_t *ids = NULL;
	char *next = NULL;

	*n = 0;
	*pages = 0;
	do {
		struct rv *r = next ?
		    call_okf(c, "asset.list", "{%s, limit: %d, after: \"%s\"}", params, limit, next) :
		    call_okf(c, "asset.list", "{%s, limit: %d}", params, limit);
		const struct rv *items = rv_get(r, "items");

		(*pages)++;
		assert_true(rv_len(items) <= (size_t)limit);
		ids = realloc(ids, (*n + rv_len(items) + 1) * sizeof *ids);
		for (size_t i = 0; i < rv_len(items); i++)
			ids[(*n)++] = rv_path_int(items->a.items[i], "id", 0);
		free(next);
		next = rv_path_str(r, "next", NULL) ? xstrdup(rv_path_str(r, "next", "")) : NULL;
		rv_free(r);
	} while (next != NULL);
	return ids;
}

static void
test_keyset_paging(void **state)
{
	static const char *const orders[][2] = {
		{ "code", "code" },
		{ "name", "regie_fold(name), id" },
		{ "condition", "COALESCE(condition, 6), id" },
	};
	int64_t svc;
	PGconn *pg = h_pg(fx.db);

	(void)state;
	svc = id_of(h_call_ok(fx.admin, "service.create", "{code: \"PAGES\", name: \"Pages\"}"));
	for (int i = 0; i < 23; i++) {
		/* Names that tie, accents that sort as their letters, and
		 * conditions with ties and gaps. */
		static const char *const names[] = { "Érable", "erable", "Frêne", "Aulne", "Zelkova" };
		int64_t id = make_tree(fx.admin, svc, 0, names[i % 5], NULL, NULL);
		if (i % 4 != 0)
			rv_free(call_okf(fx.admin, "asset.set_condition", "{id: %lld, score: %d}",
			    (long long)id, 1 + i % 3));
	}
	for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
		char *params = xasprintf("service_id: %lld, sort: \"%s\"", (long long)svc, orders[o][0]);
		char *sql = xasprintf("SELECT id FROM assets WHERE service_id = %lld ORDER BY %s",
		    (long long)svc, orders[o][1]);
		PGresult *res = PQexec(pg, sql);
		size_t n;
		int pages;
		int64_t *ids = walk(fx.viewer, params, 5, &n, &pages);

		assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
		/* Every asset once, in the database's order, over 5 pages. */
		assert_int_equal(n, 23);
		assert_int_equal(pages, 5);
		assert_int_equal(PQntuples(res), 23);
		for (size_t i = 0; i < n; i++) {
			if (ids[i] != strtoll(PQgetvalue(res, (int)i, 0), NULL, 10))
				fail_msg("sort %s: item %zu is %lld, the database says %s", orders[o][0], i,
				    (long long)ids[i], PQgetvalue(res, (int)i, 0));
		}
		PQclear(res);
		free(ids);
		free(sql);
		free(params);
	}
	rv_free(h_call_err(fx.viewer, "asset.list", "{after: \"not-a-cursor\"}", "invalid"));
	PQfinish(pg);
}

/* ---- versions, audit, events ---- */

struct inbox {
	struct rv *events;
};

static void
inbox_cb(struct regie_client *c, const char *method, const struct rv *params, void *arg)
{
	struct inbox *in = arg;

	(void)c;
	if (strcmp(method, "event") == 0 && rv_len(params) >= 1)
		rv_push(in->events, rv_copy(params->a.items[0]));
}

struct inbox_wait {
	struct inbox *in;
	const char *op;
	int64_t id;
};

static int
inbox_has(void *arg)
{
	struct inbox_wait *w = arg;

	for (size_t i = 0; i < rv_len(w->in->events); i++) {
		const struct rv *ev = w->in->events->a.items[i];
		if (strcmp(rv_path_str(ev, "topic", ""), "asset") == 0 &&
		    strcmp(rv_path_str(ev, "op", ""), w->op) == 0 && rv_path_int(ev, "id", 0) == w->id)
			return 1;
	}
	return 0;
}

static void
test_versions_audit_events(void **state)
{
	struct inbox all = { rv_array() }, ev_only = { rv_array() }, ref_only = { rv_array() };
	struct inbox_wait w;
	int64_t bat_tree, ev_tree, version;
	struct rv *r, *e;
	PGconn *pg = h_pg(fx.db);
	char *sql, *after;

	(void)state;
	regie_client_set_notify_cb(fx.admin, inbox_cb, &all);
	regie_client_set_notify_cb(fx.agent_ev, inbox_cb, &ev_only);
	rv_free(h_call_ok(fx.admin, "event.subscribe", "{topics: [\"asset\"]}"));
	rv_free(h_call_ok(fx.agent_ev, "event.subscribe", "{topics: [\"asset\"]}"));

	bat_tree = make_tree(fx.admin, fx.bat, 0, "Tilleul des Bâtiments", NULL, NULL);
	w = (struct inbox_wait){ &all, "create", bat_tree };
	assert_true(h_loop_until(fx.base, inbox_has, &w, EVENT_WAIT_MS));

	/* Two people edit the same version: the second is told. */
	version = version_of(fx.admin, bat_tree);
	r = call_okf(fx.admin, "asset.update", "{id: %lld, version: %lld, name: \"Tilleul A\"}",
	    (long long)bat_tree, (long long)version);
	assert_int_equal(rv_path_int(r, "version", 0), version + 1);
	rv_free(r);
	e = call_errf(fx.sup_bat, "conflict", "asset.update", "{id: %lld, version: %lld, "
	    "name: \"Tilleul B\"}", (long long)bat_tree, (long long)version);
	assert_err_field(e, "version");
	rv_free(e);
	r = call_okf(fx.viewer, "asset.get", "{id: %lld}", (long long)bat_tree);
	assert_string_equal(rv_path_str(r, "name", ""), "Tilleul A");
	rv_free(r);
	w = (struct inbox_wait){ &all, "update", bat_tree };
	assert_true(h_loop_until(fx.base, inbox_has, &w, EVENT_WAIT_MS));

	/* The audit keeps who, what, before and after. */
	sql = xasprintf("SELECT after->>'name' FROM audit_log WHERE entity = 'asset' "
	    "AND entity_id = %lld AND method = 'asset.update' AND before->>'name' = "
	    "'Tilleul des Bâtiments' AND user_id = (SELECT id FROM users WHERE login = 'admin')",
	    (long long)bat_tree);
	after = h_pg_value(pg, sql);
	assert_non_null(after);
	assert_string_equal(after, "Tilleul A");
	free(after);
	free(sql);

	/* Scoped events: an agent reads every asset, so it hears of every
	 * change, its service's or not; a referent hears only of the sites
	 * it covers. Events come in commit order, so once a later one has
	 * arrived an earlier one would have. */
	regie_client_set_notify_cb(fx.referent, inbox_cb, &ref_only);
	rv_free(h_call_ok(fx.referent, "event.subscribe", "{topics: [\"asset\"]}"));
	rv_free(call_okf(fx.admin, "asset.set_condition", "{id: %lld, score: 3}",
	    (long long)bat_tree));
	ev_tree = make_tree(fx.agent_ev, fx.ev, fx.site_a, "Tilleul des Espaces verts", NULL, NULL);
	rv_free(call_okf(fx.agent_ev, "asset.set_condition", "{id: %lld, score: 3}",
	    (long long)ev_tree));
	w = (struct inbox_wait){ &ev_only, "condition", ev_tree };
	assert_true(h_loop_until(fx.base, inbox_has, &w, EVENT_WAIT_MS));
	w = (struct inbox_wait){ &ev_only, "condition", bat_tree };
	assert_true(inbox_has(&w));
	w = (struct inbox_wait){ &ref_only, "condition", ev_tree };
	assert_true(h_loop_until(fx.base, inbox_has, &w, EVENT_WAIT_MS));
	w = (struct inbox_wait){ &ref_only, "condition", bat_tree };
	assert_false(inbox_has(&w));
	w = (struct inbox_wait){ &all, "condition", bat_tree };
	assert_true(h_loop_until(fx.base, inbox_has, &w, EVENT_WAIT_MS));

	/* Documents, moves and disposals are audited and announced too. */
	r = call_okf(fx.agent_ev, "asset.add_document", "{id: %lld, title: \"Diagnostic\", "
	    "ref: \"https://ged.example/diag.pdf\"}", (long long)ev_tree);
	assert_int_equal(rv_len(rv_get(r, "documents")), 1);
	assert_string_equal(rv_path_str(r, "documents.0.ref", ""), "https://ged.example/diag.pdf");
	rv_free(call_okf(fx.agent_ev, "asset.remove_document", "{id: %lld, document_id: %lld}",
	    (long long)ev_tree, (long long)rv_path_int(r, "documents.0.id", 0)));
	rv_free(r);
	rv_free(call_okf(fx.agent_ev, "asset.dispose", "{id: %lld, version: %lld}",
	    (long long)ev_tree, (long long)version_of(fx.agent_ev, ev_tree)));
	w = (struct inbox_wait){ &ev_only, "dispose", ev_tree };
	assert_true(h_loop_until(fx.base, inbox_has, &w, EVENT_WAIT_MS));
	sql = xasprintf("SELECT method FROM audit_log WHERE entity = 'asset' AND entity_id = %lld "
	    "ORDER BY id", (long long)ev_tree);
	assert_int_equal(h_pg_count(pg, sql), 5);
	free(sql);
	sql = xasprintf("SELECT 1 FROM audit_log WHERE entity_id = %lld AND method IN "
	    "('asset.create', 'asset.set_condition', 'asset.add_document', 'asset.remove_document', "
	    "'asset.dispose')", (long long)ev_tree);
	assert_int_equal(h_pg_count(pg, sql), 5);
	free(sql);

	/* A refused change leaves no trace. */
	sql = xasprintf("SELECT 1 FROM audit_log WHERE entity_id = %lld", (long long)bat_tree);
	{
		long before = h_pg_count(pg, sql);
		rv_free(call_errf(fx.agent_ev, "forbidden", "asset.set_condition",
		    "{id: %lld, score: 1}", (long long)bat_tree));
		assert_int_equal(h_pg_count(pg, sql), before);
	}
	free(sql);

	regie_client_set_notify_cb(fx.admin, NULL, NULL);
	regie_client_set_notify_cb(fx.agent_ev, NULL, NULL);
	regie_client_set_notify_cb(fx.referent, NULL, NULL);
	rv_free(all.events);
	rv_free(ev_only.events);
	rv_free(ref_only.events);
	PQfinish(pg);
}

/* ---- services and sites ---- */

static void
test_services_and_sites(void **state)
{
	int64_t parent, child;
	struct rv *r, *e;

	(void)state;
	r = h_call_ok(fx.viewer, "service.list", "{}");
	assert_true(rv_len(rv_get(r, "items")) >= 2);
	rv_free(r);
	e = h_call_err(fx.admin, "service.create", "{code: \"BAT\", name: \"Doublon\"}", "conflict");
	assert_err_field(e, "code");
	rv_free(e);
	e = h_call_err(fx.admin, "service.create", "{code: \"bad code\", name: \"x\"}", "invalid");
	assert_err_field(e, "code");
	rv_free(e);
	r = call_okf(fx.admin, "service.update", "{id: %lld, version: 1, kind: \"requesting\"}",
	    (long long)fx.ev);
	assert_string_equal(rv_path_str(r, "kind", ""), "requesting");
	rv_free(r);
	e = call_errf(fx.admin, "conflict", "service.update", "{id: %lld, version: 1, "
	    "name: \"x\"}", (long long)fx.ev);
	assert_err_field(e, "version");
	rv_free(e);
	r = call_okf(fx.admin, "service.update", "{id: %lld, version: 2, kind: \"technical\"}",
	    (long long)fx.ev);
	rv_free(r);

	parent = id_of(h_call_ok(fx.admin, "site.create", "{code: \"PARC\", name: \"Parc\"}"));
	child = id_of(call_okf(fx.admin, "site.create", "{code: \"PARC-JEUX\", "
	    "name: \"Aire de jeux\", parent_id: %lld}", (long long)parent));
	e = call_errf(fx.admin, "invalid", "site.update", "{id: %lld, version: 1, parent_id: %lld}",
	    (long long)parent, (long long)child);
	assert_err_field(e, "parent_id");
	rv_free(e);
	e = call_errf(fx.admin, "invalid", "site.create", "{code: \"LOIN\", name: \"Loin\", "
	    "lat: \"46.5\"}");
	assert_err_field(e, "lon");
	rv_free(e);
	/* "ecole" finds "École": accents and case aside. */
	r = h_call_ok(fx.viewer, "site.list", "{query: \"ecole\"}");
	assert_int_equal(rv_len(rv_get(r, "items")), 1);
	assert_int_equal(rv_path_int(r, "items.0.id", 0), fx.site_a);
	rv_free(r);
	r = call_okf(fx.admin, "site.update", "{id: %lld, version: 1, lat: \"46.31\", "
	    "lon: \"3.41\", parent_id: 0}", (long long)child);
	assert_string_equal(rv_path_str(r, "lat", ""), "46.31");
	assert_true(rv_get(r, "parent_id")->type == RV_NIL);
	rv_free(r);
}

/* ---- clearing what an edit empties ---- */

static bool
is_nil(const struct rv *r, const char *key)
{
	const struct rv *v = rv_get(r, key);

	return v == NULL || v->type == RV_NIL;
}

static void
test_update_clears_fields(void **state)
{
	struct rv *r, *e;
	int64_t id;

	(void)state;
	id = id_of(call_okf(fx.admin, "asset.create", "{name: \"Tilleul à effacer\", "
	    "type_id: %lld, service_id: %lld, site_id: %lld, lat: \"46.31\", lon: \"3.42\", "
	    "commissioned: \"2019-03-01\", replacement_value: \"850.00\", attributes: %s}",
	    (long long)fx.t_tree, (long long)fx.ev, (long long)fx.site_a,
	    quoted("{\"species\": \"Tilia cordata\"}")));
	/* Leaving a field out keeps it. */
	r = call_okf(fx.admin, "asset.update", "{id: %lld, version: 1, name: \"Tilleul\"}",
	    (long long)id);
	assert_string_equal(rv_path_str(r, "commissioned", ""), "2019-03-01");
	assert_string_equal(rv_path_str(r, "replacement_value", ""), "850.00");
	assert_int_equal(rv_path_int(r, "site_id", 0), fx.site_a);
	rv_free(r);
	/* Half a location is no location: refused, nothing changed. */
	e = call_errf(fx.admin, "invalid", "asset.update", "{id: %lld, version: 2, lat: \"\"}",
	    (long long)id);
	assert_err_field(e, "lon");
	rv_free(e);
	/* Empty strings clear the date, the amount and the location; site 0
	 * takes it out of its site. */
	r = call_okf(fx.admin, "asset.update", "{id: %lld, version: 2, commissioned: \"\", "
	    "replacement_value: \"\", lat: \"\", lon: \"\", site_id: 0}", (long long)id);
	assert_true(is_nil(r, "commissioned"));
	assert_true(is_nil(r, "replacement_value"));
	assert_true(is_nil(r, "lat"));
	assert_true(is_nil(r, "lon"));
	assert_true(is_nil(r, "site_id"));
	assert_int_equal(rv_path_int(r, "version", 0), 3);
	rv_free(r);
	/* As stored, not just as answered; and the referent of that site no
	 * longer sees it. */
	r = call_okf(fx.viewer, "asset.get", "{id: %lld}", (long long)id);
	assert_true(is_nil(r, "commissioned"));
	assert_true(is_nil(r, "replacement_value"));
	assert_true(is_nil(r, "site_id"));
	rv_free(r);
	rv_free(call_errf(fx.referent, "not_found", "asset.get", "{id: %lld}", (long long)id));
	/* Nil means "not given": it clears nothing. */
	r = call_okf(fx.admin, "asset.update", "{id: %lld, version: 3, commissioned: \"2020-01-02\"}",
	    (long long)id);
	rv_free(r);
	r = call_okf(fx.admin, "asset.update", "{id: %lld, version: 4, commissioned: null}",
	    (long long)id);
	assert_string_equal(rv_path_str(r, "commissioned", ""), "2020-01-02");
	rv_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attributes_follow_the_type),
		cmocka_unit_test(test_hierarchy_and_moves),
		cmocka_unit_test(test_scope_by_role),
		cmocka_unit_test(test_condition_history),
		cmocka_unit_test(test_search_ranking),
		cmocka_unit_test(test_nearby),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_keyset_paging),
		cmocka_unit_test(test_versions_audit_events),
		cmocka_unit_test(test_services_and_sites),
		cmocka_unit_test(test_update_clears_fields),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
