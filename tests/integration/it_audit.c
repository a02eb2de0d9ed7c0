/* The audit log: every change an admin makes leaves exactly one row
 * saying who, what, on which entity, before and after; a change that
 * fails leaves no row and no change; audit.list finds rows by its
 * filters and pages through them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "harness.h"
#include "xmalloc.h"

#define call_okf h_call_okf
#define call_errf h_call_errf

/* A query's single value as a number, or def for no row or NULL. */
static long long
pg_int(PGconn *pg, long long def, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static long long
pg_int(PGconn *pg, long long def, const char *fmt, ...)
{
	va_list ap;
	char *sql, *v;
	long long n;

	va_start(ap, fmt);
	sql = xvasprintf(fmt, ap);
	va_end(ap);
	v = h_pg_value(pg, sql);
	n = v != NULL ? strtoll(v, NULL, 10) : def;
	free(v);
	free(sql);
	return n;
}

static long long
audit_rows(PGconn *pg)
{
	return pg_int(pg, -1, "SELECT count(*) FROM audit_log");
}

/* The "before" or "after" of the newest audit row, parsed; NULL when
 * SQL NULL. */
static struct rv *
newest_state(PGconn *pg, const char *column)
{
	char *sql = xasprintf("SELECT %s::text FROM audit_log ORDER BY id DESC LIMIT 1", column);
	char *text = h_pg_value(pg, sql), err[128];
	struct rv *v = NULL;

	free(sql);
	if (text != NULL) {
		v = rv_from_json(text, err, sizeof err);
		if (v == NULL || v->type != RV_MAP)
			fail_msg("audit %s is not a JSON object: %s (%s)", column, text, err);
	}
	free(text);
	return v;
}

struct setup {
	char *db;
	struct h_server *s;
	struct event_base *base;
	struct regie_client *admin;
	int64_t admin_id;
	PGconn *pg;
};

static void
setup_start(struct setup *t, const char *name)
{
	t->db = h_db_create(name);
	assert_int_equal(h_migrate(t->db), 0);
	assert_int_equal(h_useradd(t->db, "admin", "admin-secret", "admin", "Ada Admin"), 0);
	t->s = h_server_start(t->db, NULL);
	t->base = event_base_new();
	t->admin = h_connect(t->base, h_server_addr(t->s));
	t->admin_id = h_login(t->admin, "admin", "admin-secret");
	t->pg = h_pg(t->db);
}

static void
setup_end(struct setup *t)
{
	PQfinish(t->pg);
	regie_client_free(t->admin);
	event_base_free(t->base);
	h_server_free(t->s);
	h_db_drop(t->db);
	free(t->db);
}

/* ---- every mutation, audited ---- */

struct target {
	int64_t id;
	int64_t version;
};

/* How to make each mutating method succeed, and what its row must say.
 * A mutating method without a case here fails test_every_mutation: a
 * new one needs a case, so that its audit row is proven too. */
struct mutation {
	const char *method;
	const char *entity;
	bool has_before;
	bool has_after;
	struct rv *(*run)(struct setup *t, struct target *u);
	void (*check)(const struct rv *before, const struct rv *after);
};

static struct rv *
run_user_create(struct setup *t, struct target *u)
{
	struct rv *r = h_call_ok(t->admin, "user.create", "{login: \"audited\", "
	    "name: \"Audited User\", email: \"audited@example.org\", roles: [\"agent\"], "
	    "password: \"audited-secret\"}");

	u->id = rv_path_int(r, "id", 0);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_user_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "login", ""), "audited");
	assert_string_equal(rv_path_str(after, "name", ""), "Audited User");
	assert_string_equal(rv_path_str(after, "roles.0", ""), "agent");
}

static struct rv *
run_user_update(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "user.update", "{id: %lld, version: %lld, "
	    "name: \"Renamed User\", roles: [\"agent\", \"viewer\"]}", (long long)u->id,
	    (long long)u->version);

	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_user_update(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "name", ""), "Audited User");
	assert_string_equal(rv_path_str(after, "name", ""), "Renamed User");
	assert_int_equal(rv_len(rv_get(before, "roles")), 1);
	assert_int_equal(rv_len(rv_get(after, "roles")), 2);
	assert_true(rv_path_int(after, "version", 0) > rv_path_int(before, "version", 0));
}

static struct rv *
run_user_disable(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "user.disable", "{id: %lld}", (long long)u->id);
}

static void
check_user_disable(const struct rv *before, const struct rv *after)
{
	assert_false(rv_path_bool(before, "disabled", true));
	assert_true(rv_path_bool(after, "disabled", false));
}

static struct rv *
run_user_set_password(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "user.set_password",
	    "{id: %lld, password: \"another-secret\"}", (long long)u->id);
}

static void
check_user_set_password(const struct rv *before, const struct rv *after)
{
	/* The password itself is never in the log: only that it changed. */
	assert_string_equal(rv_path_str(before, "login", ""), "audited");
	assert_string_equal(rv_path_str(after, "login", ""), "audited");
}

/* The estate: what the asset cases stand on, made before the walk. */
static struct {
	int64_t service, green_space, tree_type, green_type, document;
} estate;

static int64_t
pg_id(PGconn *pg, const char *sql)
{
	char *v = h_pg_value(pg, sql);
	int64_t id;

	assert_non_null(v);
	id = strtoll(v, NULL, 10);
	free(v);
	return id;
}

static void
estate_prepare(struct setup *t)
{
	struct rv *r;

	estate.tree_type = pg_id(t->pg, "SELECT id FROM asset_types WHERE code = 'tree'");
	estate.green_type = pg_id(t->pg, "SELECT id FROM asset_types WHERE code = 'green_space'");
	r = h_call_ok(t->admin, "service.create", "{code: \"EV\", name: \"Espaces verts\"}");
	estate.service = rv_path_int(r, "id", 0);
	rv_free(r);
	r = call_okf(t->admin, "asset.create", "{name: \"Parc du Château\", type_id: %lld, "
	    "service_id: %lld, attributes: \"{\\\"kind\\\": \\\"park\\\", \\\"area\\\": 52000}\"}",
	    (long long)estate.green_type, (long long)estate.service);
	estate.green_space = rv_path_int(r, "id", 0);
	rv_free(r);
}

static struct rv *
run_service_create(struct setup *t, struct target *u)
{
	struct rv *r = h_call_ok(t->admin, "service.create",
	    "{code: \"VOIRIE\", name: \"Voirie\"}");

	u->id = rv_path_int(r, "id", 0);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_service_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "code", ""), "VOIRIE");
}

static struct rv *
run_service_update(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "service.update", "{id: %lld, version: %lld, "
	    "name: \"Voirie et réseaux\"}", (long long)u->id, (long long)u->version);
}

static void
check_service_update(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "name", ""), "Voirie");
	assert_string_equal(rv_path_str(after, "name", ""), "Voirie et réseaux");
}

static struct rv *
run_site_create(struct setup *t, struct target *u)
{
	struct rv *r = h_call_ok(t->admin, "site.create", "{code: \"GS-JAURES\", "
	    "name: \"Groupe scolaire Jean-Jaurès\", address: \"2 rue de l'École\"}");

	u->id = rv_path_int(r, "id", 0);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_site_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "name", ""), "Groupe scolaire Jean-Jaurès");
}

static struct rv *
run_site_update(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "site.update", "{id: %lld, version: %lld, "
	    "address: \"4 rue de l'École\"}", (long long)u->id, (long long)u->version);
}

static void
check_site_update(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "address", ""), "2 rue de l'École");
	assert_string_equal(rv_path_str(after, "address", ""), "4 rue de l'École");
}

static struct rv *
run_asset_create(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "asset.create", "{name: \"Tilleul n°1\", type_id: %lld, "
	    "service_id: %lld, attributes: \"{\\\"species\\\": \\\"Tilia cordata\\\"}\"}",
	    (long long)estate.tree_type, (long long)estate.service);

	u->id = rv_path_int(r, "id", 0);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_asset_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "name", ""), "Tilleul n°1");
	assert_string_equal(rv_path_str(after, "attributes.species", ""), "Tilia cordata");
}

static struct rv *
run_asset_update(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "asset.update", "{id: %lld, version: %lld, "
	    "name: \"Tilleul remarquable\"}", (long long)u->id, (long long)u->version);

	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_asset_update(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "name", ""), "Tilleul n°1");
	assert_string_equal(rv_path_str(after, "name", ""), "Tilleul remarquable");
}

static struct rv *
run_asset_set_condition(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "asset.set_condition", "{id: %lld, score: 2, "
	    "note: \"Branche morte\"}", (long long)u->id);

	u->version = rv_path_int(r, "version", u->version);
	return r;
}

static void
check_asset_set_condition(const struct rv *before, const struct rv *after)
{
	assert_int_equal(rv_path_int(after, "condition", 0), 2);
	assert_true(rv_path_int(before, "condition", 0) != 2);
}

static struct rv *
run_asset_add_document(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "asset.add_document", "{id: %lld, "
	    "title: \"Diagnostic phytosanitaire\", ref: \"https://ged.example/arbre.pdf\"}",
	    (long long)u->id);

	estate.document = rv_path_int(r, "documents.0.id", 0);
	return r;
}

static void
check_asset_add_document(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "document.title", ""), "Diagnostic phytosanitaire");
}

static struct rv *
run_asset_remove_document(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "asset.remove_document", "{id: %lld, document_id: %lld}",
	    (long long)u->id, (long long)estate.document);
}

static void
check_asset_remove_document(const struct rv *before, const struct rv *after)
{
	(void)after;
	assert_string_equal(rv_path_str(before, "document.ref", ""), "https://ged.example/arbre.pdf");
}

static struct rv *
run_asset_move(struct setup *t, struct target *u)
{
	struct rv *r;

	u->version = pg_id(t->pg, "SELECT version FROM assets ORDER BY id DESC LIMIT 1");
	r = call_okf(t->admin, "asset.move", "{id: %lld, version: %lld, parent_id: %lld}",
	    (long long)u->id, (long long)u->version, (long long)estate.green_space);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_asset_move(const struct rv *before, const struct rv *after)
{
	assert_int_equal(rv_path_int(before, "parent_id", -1), -1);   /* nil: at the top */
	assert_int_equal(rv_path_int(after, "parent_id", 0), estate.green_space);
}

static struct rv *
run_asset_dispose(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "asset.dispose", "{id: %lld, version: %lld, "
	    "note: \"Abattu après la tempête\"}", (long long)u->id, (long long)u->version);
}

static void
check_asset_dispose(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "in_service");
	assert_string_equal(rv_path_str(after, "status", ""), "disposed");
}

/* Requests: what their cases stand on, made before the walk. */
static struct {
	int64_t reject, duplicate, cancel, approve_many, reject_many, update, reroute;
} requests;

static int64_t
request_file(struct setup *t, int64_t category)
{
	struct rv *r = call_okf(t->admin, "request.submit", "{category_id: %lld, asset_id: %lld, "
	    "description: \"Allée inondée\"}", (long long)category, (long long)estate.green_space);
	int64_t id = rv_path_int(r, "id", 0);

	rv_free(r);
	return id;
}

static void
requests_prepare(struct setup *t)
{
	int64_t plumbing = pg_id(t->pg, "SELECT id FROM request_categories WHERE code = 'plumbing'");

	rv_free(call_okf(t->admin, "category.update", "{id: %lld, version: 1, service_id: %lld}",
	    (long long)plumbing, (long long)estate.service));
	requests.reject = request_file(t, plumbing);
	requests.duplicate = request_file(t, plumbing);
	requests.cancel = request_file(t, plumbing);
	requests.approve_many = request_file(t, plumbing);
	requests.reject_many = request_file(t, plumbing);
	requests.update = request_file(t, plumbing);
	requests.reroute = request_file(t, plumbing);
}

static struct rv *
run_category_create(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "category.create", "{code: \"snow\", "
	    "name: \"Snow clearing\", service_id: %lld, delay_urgent: 0}",
	    (long long)estate.service);

	u->id = rv_path_int(r, "id", 0);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_category_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "code", ""), "snow");
	assert_int_equal(rv_path_int(after, "service_id", 0), estate.service);
	assert_int_equal(rv_path_int(after, "delay_urgent", -1), 0);
}

static struct rv *
run_category_update(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "category.update", "{id: %lld, version: %lld, "
	    "name: \"Snow and ice\", delay_normal: 3}", (long long)u->id, (long long)u->version);
}

static void
check_category_update(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "name", ""), "Snow clearing");
	assert_string_equal(rv_path_str(after, "name", ""), "Snow and ice");
	assert_int_equal(rv_path_int(after, "delay_normal", 0), 3);
}

static struct rv *
run_request_submit(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "request.submit", "{category_id: %lld, asset_id: %lld, "
	    "description: \"Banc arraché\", urgency: \"high\", requester_name: \"M. Martin\"}",
	    (long long)pg_id(t->pg, "SELECT id FROM request_categories WHERE code = 'snow'"),
	    (long long)estate.green_space);

	u->id = rv_path_int(r, "id", 0);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_request_submit(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "status", ""), "submitted");
	assert_string_equal(rv_path_str(after, "description", ""), "Banc arraché");
	assert_string_equal(rv_path_str(after, "requester_name", ""), "M. Martin");
	assert_memory_equal(rv_path_str(after, "number", ""), "DI-", 3);
}

static struct rv *
run_request_needs_info(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "request.needs_info", "{id: %lld, version: %lld, "
	    "question: \"Quel banc ?\"}", (long long)u->id, (long long)u->version);

	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_request_needs_info(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "submitted");
	assert_string_equal(rv_path_str(after, "status", ""), "needs_info");
	assert_string_equal(rv_path_str(after, "question", ""), "Quel banc ?");
}

static struct rv *
run_request_answer(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "request.answer", "{id: %lld, version: %lld, "
	    "answer: \"Près du kiosque\"}", (long long)u->id, (long long)u->version);

	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_request_answer(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "needs_info");
	assert_string_equal(rv_path_str(after, "status", ""), "submitted");
}

static struct rv *
run_request_comment(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "request.comment", "{id: %lld, note: \"Vu sur place\"}",
	    (long long)u->id);
}

static void
check_request_comment(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "comment.note", ""), "Vu sur place");
}

static struct rv *
run_request_approve(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "request.approve", "{id: %lld, version: %lld, "
	    "planned_start: \"2099-01-05\"}", (long long)u->id, (long long)u->version);
}

static void
check_request_approve(const struct rv *before, const struct rv *after)
{
	/* The work order it made is in the same row. */
	assert_string_equal(rv_path_str(before, "status", ""), "submitted");
	assert_string_equal(rv_path_str(after, "status", ""), "approved");
	assert_memory_equal(rv_path_str(after, "work_order.number", ""), "OT-", 3);
	assert_int_equal(rv_path_int(after, "work_order.request_id", 0), rv_path_int(after, "id", -1));
	assert_string_equal(rv_path_str(after, "work_order.planned_start", ""), "2099-01-05");
}

static struct rv *
run_request_reject(struct setup *t, struct target *u)
{
	u->id = requests.reject;
	return call_okf(t->admin, "request.reject", "{id: %lld, version: 1, "
	    "reason: \"Hors périmètre\"}", (long long)u->id);
}

static void
check_request_reject(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "submitted");
	assert_string_equal(rv_path_str(after, "status", ""), "rejected");
	assert_string_equal(rv_path_str(after, "reason", ""), "Hors périmètre");
}

static struct rv *
run_request_duplicate(struct setup *t, struct target *u)
{
	u->id = requests.duplicate;
	return call_okf(t->admin, "request.duplicate", "{id: %lld, version: 1, "
	    "original_id: %lld}", (long long)u->id, (long long)requests.cancel);
}

static void
check_request_duplicate(const struct rv *before, const struct rv *after)
{
	assert_true(rv_path(before, "duplicate_of")->type == RV_NIL);
	assert_int_equal(rv_path_int(after, "duplicate_of", 0), requests.cancel);
	assert_string_equal(rv_path_str(after, "status", ""), "duplicate");
}

static struct rv *
run_request_cancel(struct setup *t, struct target *u)
{
	u->id = requests.cancel;
	return call_okf(t->admin, "request.cancel", "{id: %lld, version: 1}", (long long)u->id);
}

static void
check_request_cancel(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "submitted");
	assert_string_equal(rv_path_str(after, "status", ""), "cancelled");
}

static struct rv *
run_request_approve_many(struct setup *t, struct target *u)
{
	u->id = requests.approve_many;
	return call_okf(t->admin, "request.approve_many", "{ids: [%lld], versions: [1]}",
	    (long long)u->id);
}

static void
check_request_approve_many(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "submitted");
	assert_string_equal(rv_path_str(after, "status", ""), "approved");
	assert_memory_equal(rv_path_str(after, "work_order.number", ""), "OT-", 3);
}

static struct rv *
run_request_reject_many(struct setup *t, struct target *u)
{
	u->id = requests.reject_many;
	return call_okf(t->admin, "request.reject_many", "{ids: [%lld], versions: [1], "
	    "reason: \"Doublon de fait\"}", (long long)u->id);
}

static void
check_request_reject_many(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "submitted");
	assert_string_equal(rv_path_str(after, "reason", ""), "Doublon de fait");
}

static struct rv *
run_request_update(struct setup *t, struct target *u)
{
	u->id = requests.update;
	return call_okf(t->admin, "request.update", "{id: %lld, version: 1, "
	    "description: \"Allée inondée après l'orage\", urgency: \"urgent\"}",
	    (long long)u->id);
}

static void
check_request_update(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "description", ""), "Allée inondée");
	assert_string_equal(rv_path_str(after, "description", ""), "Allée inondée après l'orage");
	assert_string_equal(rv_path_str(after, "urgency", ""), "urgent");
	assert_string_equal(rv_path_str(after, "status", ""), "submitted");
}

static struct rv *
run_request_reroute(struct setup *t, struct target *u)
{
	int64_t other = pg_id(t->pg, "INSERT INTO services (code, name) VALUES "
	    "('ECLAIRAGE', 'Éclairage public') RETURNING id");

	u->id = requests.reroute;
	return call_okf(t->admin, "request.reroute", "{id: %lld, version: 1, service_id: %lld, "
	    "note: \"La chaussée\"}", (long long)u->id, (long long)other);
}

static void
check_request_reroute(const struct rv *before, const struct rv *after)
{
	assert_int_equal(rv_path_int(before, "service_id", 0), estate.service);
	assert_true(rv_path_int(after, "service_id", 0) != estate.service);
	assert_string_equal(rv_path_str(after, "status", ""), "submitted");
}

/* People and planning: what their cases stand on. The booking's work
 * order already has the agent among its assignees, so plan.assign writes
 * its own row only (a new assignee adds the work order's "assign" row,
 * proven in it_workorders.c). */
static struct {
	int64_t agent, absence, work_order;
} work;

static struct rv *
run_agent_create(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "agent.create", "{code: \"AG-AUDIT\", "
	    "name: \"Agnès Audit\", service_id: %lld, trade: \"gardener\", rate: \"31.00\", "
	    "rate_effective: \"2026-01-01\"}", (long long)estate.service);

	u->id = work.agent = rv_path_int(r, "id", 0);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_agent_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "name", ""), "Agnès Audit");
	assert_true(rv_path(after, "rates.0.rate")->f == 31.0);
}

static struct rv *
run_agent_update(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "agent.update", "{id: %lld, version: %lld, "
	    "weekly_hours: \"39\"}", (long long)u->id, (long long)u->version);

	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_agent_update(const struct rv *before, const struct rv *after)
{
	/* numbers in the snapshot */
	assert_true(rv_path(before, "weekly_hours")->f == 35.0);
	assert_true(rv_path(after, "weekly_hours")->f == 39.0);
}

static struct rv *
run_agent_set_rate(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "agent.set_rate", "{id: %lld, effective: \"2026-07-01\", "
	    "rate: \"33.40\"}", (long long)u->id);
}

static void
check_agent_set_rate(const struct rv *before, const struct rv *after)
{
	assert_int_equal(rv_len(rv_get(before, "rates")), 1);
	assert_true(rv_path(after, "rates.1.rate")->f == 33.4);
}

static struct rv *
run_agent_add_absence(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "agent.add_absence", "{agent_id: %lld, "
	    "starts: \"2099-02-02\", ends: \"2099-02-06\", kind: \"training\"}", (long long)u->id);

	work.absence = rv_path_int(r, "id", 0);
	return r;
}

static void
check_agent_add_absence(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "absence.starts", ""), "2099-02-02");
	assert_string_equal(rv_path_str(after, "absence.kind", ""), "training");
}

static struct rv *
run_agent_remove_absence(struct setup *t, struct target *u)
{
	(void)u;
	return call_okf(t->admin, "agent.remove_absence", "{id: %lld}", (long long)work.absence);
}

static void
check_agent_remove_absence(const struct rv *before, const struct rv *after)
{
	(void)after;
	assert_string_equal(rv_path_str(before, "absence.ends", ""), "2099-02-06");
}

static struct rv *
run_team_create(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "team.create", "{code: \"EV-SUD\", name: \"Secteur sud\", "
	    "service_id: %lld}", (long long)estate.service);

	u->id = rv_path_int(r, "id", 0);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_team_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "code", ""), "EV-SUD");
}

static struct rv *
run_team_update(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "team.update", "{id: %lld, version: %lld, active: false}",
	    (long long)u->id, (long long)u->version);
}

static void
check_team_update(const struct rv *before, const struct rv *after)
{
	assert_true(rv_path_bool(before, "active", false));
	assert_false(rv_path_bool(after, "active", true));
}

static struct rv *
run_contractor_create(struct setup *t, struct target *u)
{
	struct rv *r = h_call_ok(t->admin, "contractor.create", "{name: \"Élagage Dupuis\", "
	    "trade: \"arborist\"}");

	u->id = rv_path_int(r, "id", 0);
	u->version = rv_path_int(r, "version", 0);
	return r;
}

static void
check_contractor_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "name", ""), "Élagage Dupuis");
}

static struct rv *
run_contractor_update(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "contractor.update", "{id: %lld, version: %lld, "
	    "phone: \"05 55 12 34 56\"}", (long long)u->id, (long long)u->version);
}

static void
check_contractor_update(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "phone", "?"), "");
	assert_string_equal(rv_path_str(after, "phone", ""), "05 55 12 34 56");
}

static struct rv *
run_failure_create(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "failure.create", "{kind: \"problem\", code: \"UPROOTED\", "
	    "name: \"Uprooted\", asset_type_id: %lld}", (long long)estate.tree_type);

	u->id = rv_path_int(r, "id", 0);
	return r;
}

static void
check_failure_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "code", ""), "UPROOTED");
	assert_int_equal(rv_path_int(after, "asset_type_id", 0), estate.tree_type);
}

static struct rv *
run_plan_assign(struct setup *t, struct target *u)
{
	char *sql = xasprintf("INSERT INTO work_orders (number, service_id, title) VALUES "
	    "(regie_next_number('OT'), %lld, 'Élagage') RETURNING id", (long long)estate.service);
	struct rv *r;

	work.work_order = pg_id(t->pg, sql);
	free(sql);
	sql = xasprintf("INSERT INTO work_order_assignees (work_order_id, agent_id) "
	    "VALUES (%lld, %lld)", (long long)work.work_order, (long long)work.agent);
	h_pg_exec(t->pg, sql);
	free(sql);
	r = call_okf(t->admin, "plan.assign", "{work_order_id: %lld, agent_id: %lld, "
	    "day: \"2099-02-03\", hours: \"3\"}", (long long)work.work_order, (long long)work.agent);
	u->id = rv_path_int(r, "booking.id", 0);
	u->version = rv_path_int(r, "booking.version", 0);
	return r;
}

static void
check_plan_assign(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_int_equal(rv_path_int(after, "work_order_id", 0), work.work_order);
	assert_string_equal(rv_path_str(after, "day", ""), "2099-02-03");
}

static struct rv *
run_plan_move(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "plan.move", "{booking_id: %lld, version: %lld, "
	    "day: \"2099-02-04\"}", (long long)u->id, (long long)u->version);
}

static void
check_plan_move(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "day", ""), "2099-02-03");
	assert_string_equal(rv_path_str(after, "day", ""), "2099-02-04");
}

static struct rv *
run_plan_unbook(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "plan.unbook", "{booking_id: %lld}", (long long)u->id);
}

static void
check_plan_unbook(const struct rv *before, const struct rv *after)
{
	(void)after;
	assert_string_equal(rv_path_str(before, "day", ""), "2099-02-04");
}

/* Work orders: one is taken through its whole life, by the admin; a
 * second, made in SQL, is cancelled. */
static int64_t
wo_version(struct setup *t, int64_t id)
{
	char *sql = xasprintf("SELECT version FROM work_orders WHERE id = %lld", (long long)id);
	int64_t v = pg_id(t->pg, sql);

	free(sql);
	return v;
}

/* Calls method on u's work order with its version and extra params. */
static struct rv *
wo_call(struct setup *t, struct target *u, const char *method, const char *extra)
{
	return call_okf(t->admin, method, "{id: %lld, version: %lld%s%s}", (long long)u->id,
	    (long long)wo_version(t, u->id), extra ? ", " : "", extra ? extra : "");
}

static struct rv *
run_workorder_create(struct setup *t, struct target *u)
{
	struct rv *r = call_okf(t->admin, "workorder.create", "{type: \"corrective\", "
	    "asset_id: %lld, service_id: %lld, title: \"Arrosage en panne\", "
	    "target_date: \"2099-03-01\"}", (long long)estate.green_space,
	    (long long)estate.service);

	u->id = rv_path_int(r, "id", 0);
	return r;
}

static void
check_workorder_create(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "status", ""), "planned");
	assert_string_equal(rv_path_str(after, "title", ""), "Arrosage en panne");
}

static struct rv *
run_workorder_update(struct setup *t, struct target *u)
{
	return wo_call(t, u, "workorder.update", "priority: \"high\"");
}

static void
check_workorder_update(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "priority", ""), "normal");
	assert_string_equal(rv_path_str(after, "priority", ""), "high");
}

static struct rv *
run_workorder_assign(struct setup *t, struct target *u)
{
	char *ids = xasprintf("agent_ids: [%lld]", (long long)work.agent);
	struct rv *r = wo_call(t, u, "workorder.assign", ids);

	free(ids);
	return r;
}

static void
check_workorder_assign(const struct rv *before, const struct rv *after)
{
	assert_int_equal(rv_len(rv_get(before, "assignees")), 0);
	assert_int_equal(rv_path_int(after, "assignees.0", 0), work.agent);
	assert_string_equal(rv_path_str(after, "status", ""), "assigned");
}

static struct rv *
run_workorder_start(struct setup *t, struct target *u)
{
	return wo_call(t, u, "workorder.start", NULL);
}

static void
check_workorder_start(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "assigned");
	assert_string_equal(rv_path_str(after, "status", ""), "in_progress");
}

static struct rv *
run_workorder_hold(struct setup *t, struct target *u)
{
	return wo_call(t, u, "workorder.hold", "reason: \"Vanne commandée\"");
}

static void
check_workorder_hold(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "in_progress");
	assert_string_equal(rv_path_str(after, "hold_reason", ""), "Vanne commandée");
}

static struct rv *
run_workorder_resume(struct setup *t, struct target *u)
{
	return wo_call(t, u, "workorder.resume", NULL);
}

static void
check_workorder_resume(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "on_hold");
	assert_string_equal(rv_path_str(after, "status", ""), "in_progress");
}

static struct rv *
run_workorder_add_labour(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "workorder.add_labour", "{id: %lld, day: \"2026-11-02\", "
	    "hours: \"2\", agent_id: %lld}", (long long)u->id, (long long)work.agent);
}

static void
check_workorder_add_labour(const struct rv *before, const struct rv *after)
{
	/* valued at the rate in force that day (agent.set_rate's 33.40) */
	assert_true(rv_path(before, "cost.labour")->f == 0.0);
	assert_true(rv_path(after, "cost.labour")->f > 66.79 &&
	    rv_path(after, "cost.labour")->f < 66.81);
}

static struct rv *
run_workorder_add_material(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "workorder.add_material", "{id: %lld, "
	    "description: \"Électrovanne\", quantity: \"1\", unit_cost: \"48.50\"}",
	    (long long)u->id);
}

static void
check_workorder_add_material(const struct rv *before, const struct rv *after)
{
	assert_true(rv_path(before, "cost.material")->f == 0.0);
	assert_true(rv_path(after, "cost.material")->f == 48.5);
}

static struct rv *
run_workorder_add_service(struct setup *t, struct target *u)
{
	int64_t contractor = pg_id(t->pg, "SELECT min(id) FROM contractors");

	return call_okf(t->admin, "workorder.add_service", "{id: %lld, contractor_id: %lld, "
	    "description: \"Recherche de fuite\", amount: \"120\"}", (long long)u->id,
	    (long long)contractor);
}

static void
check_workorder_add_service(const struct rv *before, const struct rv *after)
{
	assert_true(rv_path(before, "cost.services")->f == 0.0);
	assert_true(rv_path(after, "cost.services")->f == 120.0);
}

static struct rv *
run_workorder_remove_line(struct setup *t, struct target *u)
{
	char *sql = xasprintf("SELECT id FROM work_order_services WHERE work_order_id = %lld",
	    (long long)u->id);
	int64_t line = pg_id(t->pg, sql);

	free(sql);
	return call_okf(t->admin, "workorder.remove_line", "{id: %lld, kind: \"service\", "
	    "line_id: %lld}", (long long)u->id, (long long)line);
}

static void
check_workorder_remove_line(const struct rv *before, const struct rv *after)
{
	assert_true(rv_path(before, "cost.services")->f == 120.0);
	assert_true(rv_path(after, "cost.services")->f == 0.0);
}

static struct rv *
run_workorder_report(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "workorder.report", "{id: %lld, part: \"Raccord\", "
	    "quantity: \"2\", unit_cost: \"3.25\"}", (long long)u->id);
}

static void
check_workorder_report(const struct rv *before, const struct rv *after)
{
	assert_true(rv_path(before, "cost.material")->f == 48.5);
	assert_true(rv_path(after, "cost.material")->f == 55.0);
}

static struct rv *
run_workorder_comment(struct setup *t, struct target *u)
{
	return call_okf(t->admin, "workorder.comment", "{id: %lld, note: \"Voir avec l'école\"}",
	    (long long)u->id);
}

static void
check_workorder_comment(const struct rv *before, const struct rv *after)
{
	(void)before;
	assert_string_equal(rv_path_str(after, "comment.note", ""), "Voir avec l'école");
}

static struct rv *
run_workorder_finish(struct setup *t, struct target *u)
{
	return wo_call(t, u, "workorder.finish", "completion: \"Électrovanne remplacée\"");
}

static void
check_workorder_finish(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "in_progress");
	assert_string_equal(rv_path_str(after, "status", ""), "done");
	assert_string_equal(rv_path_str(after, "completion", ""), "Électrovanne remplacée");
}

static struct rv *
run_workorder_reopen(struct setup *t, struct target *u)
{
	return wo_call(t, u, "workorder.reopen", "note: \"Fuit encore\"");
}

static void
check_workorder_reopen(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "done");
	assert_string_equal(rv_path_str(after, "status", ""), "in_progress");
}

static struct rv *
run_workorder_close(struct setup *t, struct target *u)
{
	char *sql = xasprintf("UPDATE work_orders SET status = 'done', done_at = now() "
	    "WHERE id = %lld", (long long)u->id);

	h_pg_exec(t->pg, sql);
	free(sql);
	return wo_call(t, u, "workorder.close", NULL);
}

static void
check_workorder_close(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "done");
	assert_int_equal(rv_get(before, "cost_labour")->type, RV_NIL);
	assert_string_equal(rv_path_str(after, "status", ""), "closed");
	assert_true(rv_path(after, "cost_material")->f == 55.0);
}

static struct rv *
run_workorder_cancel(struct setup *t, struct target *u)
{
	char *sql = xasprintf("INSERT INTO work_orders (number, service_id, title) VALUES "
	    "(regie_next_number('OT'), %lld, 'Taille de haie') RETURNING id",
	    (long long)estate.service);

	u->id = pg_id(t->pg, sql);
	free(sql);
	return wo_call(t, u, "workorder.cancel", "reason: \"Fait par la commune voisine\"");
}

static void
check_workorder_cancel(const struct rv *before, const struct rv *after)
{
	assert_string_equal(rv_path_str(before, "status", ""), "planned");
	assert_string_equal(rv_path_str(after, "status", ""), "cancelled");
}

static const struct mutation mutations[] = {
	{ "user.create", "user", false, true, run_user_create, check_user_create },
	{ "user.update", "user", true, true, run_user_update, check_user_update },
	{ "user.disable", "user", true, true, run_user_disable, check_user_disable },
	{ "user.set_password", "user", true, true, run_user_set_password, check_user_set_password },
	{ "service.create", "service", false, true, run_service_create, check_service_create },
	{ "service.update", "service", true, true, run_service_update, check_service_update },
	{ "site.create", "site", false, true, run_site_create, check_site_create },
	{ "site.update", "site", true, true, run_site_update, check_site_update },
	{ "asset.create", "asset", false, true, run_asset_create, check_asset_create },
	{ "asset.update", "asset", true, true, run_asset_update, check_asset_update },
	{ "asset.set_condition", "asset", true, true, run_asset_set_condition,
	  check_asset_set_condition },
	{ "asset.add_document", "asset", false, true, run_asset_add_document,
	  check_asset_add_document },
	{ "asset.remove_document", "asset", true, false, run_asset_remove_document,
	  check_asset_remove_document },
	{ "asset.move", "asset", true, true, run_asset_move, check_asset_move },
	{ "asset.dispose", "asset", true, true, run_asset_dispose, check_asset_dispose },
	{ "category.create", "category", false, true, run_category_create,
	  check_category_create },
	{ "category.update", "category", true, true, run_category_update,
	  check_category_update },
	{ "request.submit", "request", false, true, run_request_submit, check_request_submit },
	{ "request.needs_info", "request", true, true, run_request_needs_info,
	  check_request_needs_info },
	{ "request.answer", "request", true, true, run_request_answer, check_request_answer },
	{ "request.comment", "request", false, true, run_request_comment, check_request_comment },
	{ "request.approve", "request", true, true, run_request_approve, check_request_approve },
	{ "request.reject", "request", true, true, run_request_reject, check_request_reject },
	{ "request.duplicate", "request", true, true, run_request_duplicate,
	  check_request_duplicate },
	{ "request.cancel", "request", true, true, run_request_cancel, check_request_cancel },
	{ "request.approve_many", "request", true, true, run_request_approve_many,
	  check_request_approve_many },
	{ "request.reject_many", "request", true, true, run_request_reject_many,
	  check_request_reject_many },
	{ "request.update", "request", true, true, run_request_update, check_request_update },
	{ "request.reroute", "request", true, true, run_request_reroute, check_request_reroute },
	{ "agent.create", "agent", false, true, run_agent_create, check_agent_create },
	{ "agent.update", "agent", true, true, run_agent_update, check_agent_update },
	{ "agent.set_rate", "agent", true, true, run_agent_set_rate, check_agent_set_rate },
	{ "agent.add_absence", "agent", false, true, run_agent_add_absence,
	  check_agent_add_absence },
	{ "agent.remove_absence", "agent", true, false, run_agent_remove_absence,
	  check_agent_remove_absence },
	{ "team.create", "team", false, true, run_team_create, check_team_create },
	{ "team.update", "team", true, true, run_team_update, check_team_update },
	{ "contractor.create", "contractor", false, true, run_contractor_create,
	  check_contractor_create },
	{ "contractor.update", "contractor", true, true, run_contractor_update,
	  check_contractor_update },
	{ "failure.create", "failure", false, true, run_failure_create, check_failure_create },
	{ "plan.assign", "plan", false, true, run_plan_assign, check_plan_assign },
	{ "plan.move", "plan", true, true, run_plan_move, check_plan_move },
	{ "plan.unbook", "plan", true, false, run_plan_unbook, check_plan_unbook },
	{ "workorder.create", "workorder", false, true, run_workorder_create,
	  check_workorder_create },
	{ "workorder.update", "workorder", true, true, run_workorder_update,
	  check_workorder_update },
	{ "workorder.assign", "workorder", true, true, run_workorder_assign,
	  check_workorder_assign },
	{ "workorder.start", "workorder", true, true, run_workorder_start, check_workorder_start },
	{ "workorder.hold", "workorder", true, true, run_workorder_hold, check_workorder_hold },
	{ "workorder.resume", "workorder", true, true, run_workorder_resume,
	  check_workorder_resume },
	{ "workorder.add_labour", "workorder", true, true, run_workorder_add_labour,
	  check_workorder_add_labour },
	{ "workorder.add_material", "workorder", true, true, run_workorder_add_material,
	  check_workorder_add_material },
	{ "workorder.add_service", "workorder", true, true, run_workorder_add_service,
	  check_workorder_add_service },
	{ "workorder.remove_line", "workorder", true, true, run_workorder_remove_line,
	  check_workorder_remove_line },
	{ "workorder.report", "workorder", true, true, run_workorder_report,
	  check_workorder_report },
	{ "workorder.comment", "workorder", false, true, run_workorder_comment,
	  check_workorder_comment },
	{ "workorder.finish", "workorder", true, true, run_workorder_finish,
	  check_workorder_finish },
	{ "workorder.reopen", "workorder", true, true, run_workorder_reopen,
	  check_workorder_reopen },
	{ "workorder.close", "workorder", true, true, run_workorder_close, check_workorder_close },
	{ "workorder.cancel", "workorder", true, true, run_workorder_cancel,
	  check_workorder_cancel },
};
#define NMUTATIONS (sizeof mutations / sizeof mutations[0])

/* No audit row holds a password or its hash, in any form. */
static void
assert_no_secrets(PGconn *pg)
{
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM audit_log WHERE "
	    "COALESCE(before::text, '') || COALESCE(after::text, '') ~* 'argon2|password|secret'"), 0);
	assert_int_equal(h_pg_count(pg, "SELECT 1 FROM audit_log a, users u WHERE "
	    "strpos(COALESCE(a.before::text, '') || COALESCE(a.after::text, ''), "
	    "u.password_hash) > 0"), 0);
}

static void
test_every_mutation(void **state)
{
	(void)state;
	struct setup t;
	struct target u = { 0, 0 };
	struct rv *d;
	const struct rv *methods;
	size_t covered = 0;

	setup_start(&t, "it_audit_every");
	d = h_call_ok(t.admin, "system.describe", "{}");
	methods = rv_get(d, "methods");
	for (size_t i = 0; i < rv_len(methods); i++) {
		const char *name = rv_path_str(methods->a.items[i], "name", "");
		bool found = false;

		if (!rv_path_bool(methods->a.items[i], "mutates", false))
			continue;
		for (size_t k = 0; k < NMUTATIONS; k++)
			found |= strcmp(mutations[k].method, name) == 0;
		if (!found)
			fail_msg("%s mutates but it_audit.c has no case proving its audit row", name);
		covered++;
	}
	assert_int_equal(covered, NMUTATIONS);
	rv_free(d);
	estate_prepare(&t);
	requests_prepare(&t);

	for (size_t k = 0; k < NMUTATIONS; k++) {
		const struct mutation *m = &mutations[k];
		long long rows = audit_rows(t.pg);
		struct rv *result, *before, *after;

		result = m->run(&t, &u);
		rv_free(result);
		if (audit_rows(t.pg) != rows + 1)
			fail_msg("%s wrote %lld audit rows, not one", m->method,
			    audit_rows(t.pg) - rows);
		assert_int_equal(pg_int(t.pg, 0, "SELECT user_id FROM audit_log ORDER BY id DESC "
		    "LIMIT 1"), t.admin_id);
		assert_int_equal(pg_int(t.pg, 0, "SELECT entity_id FROM audit_log ORDER BY id DESC "
		    "LIMIT 1"), u.id);
		assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM audit_log WHERE id = "
		    "(SELECT max(id) FROM audit_log) AND at <= now() AND at > now() - interval '1 min'"), 1);
		{
			char *sql = xasprintf("SELECT 1 FROM audit_log WHERE id = (SELECT max(id) "
			    "FROM audit_log) AND method = '%s' AND entity = '%s'", m->method, m->entity);
			if (h_pg_count(t.pg, sql) != 1)
				fail_msg("%s: the newest audit row does not name method %s, entity %s",
				    m->method, m->method, m->entity);
			free(sql);
		}
		before = newest_state(t.pg, "before");
		after = newest_state(t.pg, "after");
		if ((before != NULL) != m->has_before)
			fail_msg("%s: before should be %s", m->method, m->has_before ? "set" : "NULL");
		if ((after != NULL) != m->has_after)
			fail_msg("%s: after should be %s", m->method, m->has_after ? "set" : "NULL");
		/* A row's state names its entity, unless it is a part of it
		 * (a document of an asset). */
		if (rv_get(after ? after : before, "id") != NULL)
			assert_int_equal(rv_path_int(after ? after : before, "id", 0), u.id);
		m->check(before, after);
		rv_free(before);
		rv_free(after);
	}
	assert_no_secrets(t.pg);
	setup_end(&t);
}

/* ---- what fails leaves nothing ---- */

static void
test_failed_mutations(void **state)
{
	(void)state;
	struct setup t;
	struct rv *r, *u;
	long long rows, users;
	int64_t id;

	setup_start(&t, "it_audit_failed");
	u = h_call_ok(t.admin, "user.create", "{login: \"bob\", name: \"Bob\", roles: [\"agent\"], "
	    "password: \"bob-secret\"}");
	id = rv_path_int(u, "id", 0);
	rows = audit_rows(t.pg);
	users = pg_int(t.pg, -1, "SELECT count(*) FROM users");

	/* A taken login. */
	r = h_call_err(t.admin, "user.create", "{login: \"bob\", name: \"Other Bob\", "
	    "roles: [\"viewer\"], password: \"other-secret\"}", "conflict");
	assert_string_equal(rv_path_str(r, "field", ""), "login");
	rv_free(r);

	/* A scope that does not exist: the user row was already inserted
	 * when the foreign key failed, and must be rolled back with it. */
	r = h_call_err(t.admin, "user.create", "{login: \"ghost\", name: \"Ghost\", "
	    "roles: [\"agent\"], services: [999], password: \"ghost-secret\"}", "invalid");
	assert_string_equal(rv_path_str(r, "field", ""), "services");
	rv_free(r);

	/* A stale version: someone changed bob in between. */
	rv_free(call_okf(t.admin, "user.update", "{id: %lld, version: 1, name: \"Bob B.\"}",
	    (long long)id));
	rows++;
	r = call_errf(t.admin, "user.update", "conflict", "{id: %lld, version: 1, "
	    "name: \"Stale Bob\", roles: [\"admin\"]}", (long long)id);
	assert_string_equal(rv_path_str(r, "field", ""), "version");
	rv_free(r);

	/* The last admin cannot demote or disable themselves: refused after
	 * the UPDATE ran, so it must be undone. */
	r = call_errf(t.admin, "user.update", "conflict", "{id: %lld, version: 1, "
	    "roles: [\"viewer\"]}", (long long)t.admin_id);
	assert_string_equal(rv_path_str(r, "field", ""), "roles");
	rv_free(r);
	rv_free(call_errf(t.admin, "user.disable", "conflict", "{id: %lld}",
	    (long long)t.admin_id));

	/* A user that does not exist. */
	rv_free(h_call_err(t.admin, "user.disable", "{id: 424242}", "not_found"));
	rv_free(h_call_err(t.admin, "user.set_password", "{id: 424242, password: \"whatever-1\"}",
	    "not_found"));

	assert_int_equal(audit_rows(t.pg), rows);
	assert_int_equal(pg_int(t.pg, -1, "SELECT count(*) FROM users"), users);
	assert_int_equal(h_pg_count(t.pg, "SELECT 1 FROM users WHERE login = 'ghost'"), 0);
	r = call_okf(t.admin, "user.get", "{id: %lld}", (long long)id);
	assert_string_equal(rv_path_str(r, "name", ""), "Bob B.");
	assert_int_equal(rv_path_int(r, "version", 0), 2);
	assert_int_equal(rv_len(rv_get(r, "roles")), 1);
	assert_string_equal(rv_path_str(r, "roles.0", ""), "agent");
	rv_free(r);
	r = call_okf(t.admin, "user.get", "{id: %lld}", (long long)t.admin_id);
	assert_string_equal(rv_path_str(r, "roles.0", ""), "admin");
	assert_false(rv_path_bool(r, "disabled", true));
	assert_int_equal(rv_path_int(r, "version", 0), 1);
	rv_free(r);
	/* The admin's session was not ended by the refused changes. */
	rv_free(h_call_ok(t.admin, "session.info", "{}"));

	rv_free(u);
	setup_end(&t);
}

/* ---- reading the log ---- */

/* The ids of the items of an audit.list page, checked for shape. */
static void
page_ids(const struct rv *page, int64_t *ids, size_t *n, size_t max)
{
	const struct rv *items = rv_get(page, "items");

	for (size_t i = 0; i < rv_len(items); i++) {
		const struct rv *it = items->a.items[i];
		const struct rv *b = rv_get(it, "before"), *a = rv_get(it, "after");
		const char *at = rv_path_str(it, "at", "");

		assert_true(*n < max);
		ids[(*n)++] = rv_path_int(it, "id", 0);
		assert_true(strlen(at) >= 20 && at[10] == 'T' && at[strlen(at) - 1] == 'Z');
		assert_non_null(rv_path_str(it, "method", NULL));
		assert_non_null(rv_path_str(it, "entity", NULL));
		assert_true(b == NULL || b->type == RV_NIL || b->type == RV_STR);
		assert_true(a == NULL || a->type == RV_NIL || a->type == RV_STR);
		if (b != NULL && b->type == RV_STR)
			assert_null(strstr(b->s.ptr, "argon2"));
		if (a != NULL && a->type == RV_STR)
			assert_null(strstr(a->s.ptr, "argon2"));
	}
}

/* Calls audit.list with params and returns how many items came back,
 * all on one page (next is nil). */
static size_t
list_count(struct regie_client *c, const char *params)
{
	struct rv *r = h_call_ok(c, "audit.list", params);
	size_t n = rv_len(rv_get(r, "items"));
	const struct rv *next = rv_get(r, "next");

	if (next != NULL && next->type != RV_NIL)
		fail_msg("audit.list %s: unexpected second page", params);
	rv_free(r);
	return n;
}

static void
test_list(void **state)
{
	(void)state;
	struct setup t;
	struct regie_client *second;
	struct rv *r, *page1, *page2;
	int64_t ids[64], u[4], second_id;
	size_t n = 0;
	long long total;
	char *params;

	setup_start(&t, "it_audit_list");
	r = h_call_ok(t.admin, "user.create", "{login: \"second\", name: \"Second Admin\", "
	    "roles: [\"admin\"], password: \"second-secret\"}");
	second_id = rv_path_int(r, "id", 0);
	rv_free(r);
	for (int i = 0; i < 4; i++) {
		r = call_okf(t.admin, "user.create", "{login: \"user%d\", name: \"User %d\", "
		    "roles: [\"viewer\"], password: \"user-secret-%d\"}", i, i, i);
		u[i] = rv_path_int(r, "id", 0);
		rv_free(r);
	}
	second = h_connect(t.base, h_server_addr(t.s));
	assert_int_equal(h_login(second, "second", "second-secret"), second_id);
	rv_free(call_okf(second, "user.update", "{id: %lld, version: 1, name: \"User Zero\"}",
	    (long long)u[0]));
	rv_free(call_okf(second, "user.disable", "{id: %lld}", (long long)u[1]));
	total = audit_rows(t.pg);

	/* Everything, newest first, with the author's login. */
	r = h_call_ok(t.admin, "audit.list", "{limit: 500}");
	assert_int_equal(rv_len(rv_get(r, "items")), total);
	assert_string_equal(rv_path_str(r, "items.0.method", ""), "user.disable");
	assert_string_equal(rv_path_str(r, "items.0.user_login", ""), "second");
	assert_int_equal(rv_path_int(r, "items.0.user_id", 0), second_id);
	assert_int_equal(rv_path_int(r, "items.0.entity_id", 0), u[1]);
	assert_string_equal(rv_path_str(r, "items.0.entity", ""), "user");
	assert_true(rv_path_int(r, "items.0.id", 0) > rv_path_int(r, "items.1.id", 0));
	rv_free(r);

	/* By method, by author, by entity. */
	assert_int_equal(list_count(t.admin, "{method: \"user.create\"}"), 5);
	assert_int_equal(list_count(t.admin, "{method: \"user.set_password\"}"), 0);
	params = xasprintf("{user_id: %lld}", (long long)second_id);
	assert_int_equal(list_count(t.admin, params), 2);
	free(params);
	params = xasprintf("{user_id: %lld}", (long long)t.admin_id);
	assert_int_equal(list_count(t.admin, params), 5);
	free(params);
	r = call_okf(t.admin, "audit.list", "{entity: \"user\", entity_id: %lld}", (long long)u[0]);
	assert_int_equal(rv_len(rv_get(r, "items")), 2);
	assert_string_equal(rv_path_str(r, "items.0.method", ""), "user.update");
	assert_string_equal(rv_path_str(r, "items.1.method", ""), "user.create");
	assert_true(rv_path(r, "items.1.before")->type == RV_NIL);
	assert_non_null(strstr(rv_path_str(r, "items.0.before", ""), "User 0"));
	assert_non_null(strstr(rv_path_str(r, "items.0.after", ""), "User Zero"));
	rv_free(r);
	assert_int_equal(list_count(t.admin, "{entity: \"workorder\"}"), 0);
	params = xasprintf("{method: \"user.update\", user_id: %lld}", (long long)t.admin_id);
	assert_int_equal(list_count(t.admin, params), 0);
	free(params);

	/* By time. */
	assert_int_equal(list_count(t.admin, "{since: \"2000-01-01T00:00:00Z\", "
	    "until: \"2100-01-01T00:00:00Z\", limit: 500}"), total);
	assert_int_equal(list_count(t.admin, "{since: \"2100-01-01T00:00:00Z\"}"), 0);
	assert_int_equal(list_count(t.admin, "{until: \"2000-01-01T00:00:00Z\"}"), 0);

	/* Two pages of the creations: all of them once, in order. */
	page1 = h_call_ok(t.admin, "audit.list", "{method: \"user.create\", limit: 3}");
	assert_int_equal(rv_len(rv_get(page1, "items")), 3);
	assert_non_null(rv_path_str(page1, "next", NULL));
	page_ids(page1, ids, &n, 64);
	params = xasprintf("{method: \"user.create\", limit: 3, after: \"%s\"}",
	    rv_path_str(page1, "next", ""));
	page2 = h_call_ok(t.admin, "audit.list", params);
	free(params);
	assert_int_equal(rv_len(rv_get(page2, "items")), 2);
	assert_true(rv_get(page2, "next") == NULL || rv_get(page2, "next")->type == RV_NIL);
	page_ids(page2, ids, &n, 64);
	assert_int_equal(n, 5);
	for (size_t i = 1; i < n; i++)
		assert_true(ids[i] < ids[i - 1]);
	{
		PGresult *res = PQexec(t.pg, "SELECT id FROM audit_log WHERE method = 'user.create' "
		    "ORDER BY id DESC");
		assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
		assert_int_equal(PQntuples(res), 5);
		for (int i = 0; i < 5; i++)
			assert_int_equal(strtoll(PQgetvalue(res, i, 0), NULL, 10), ids[i]);
		PQclear(res);
	}
	rv_free(page1);
	rv_free(page2);

	/* A cursor we did not make is refused, by name. */
	r = h_call_err(t.admin, "audit.list", "{after: \"not-a-cursor\"}", "invalid");
	assert_string_equal(rv_path_str(r, "field", ""), "after");
	rv_free(r);
	r = h_call_err(t.admin, "audit.list", "{since: \"yesterday\"}", "invalid");
	assert_string_equal(rv_path_str(r, "field", ""), "since");
	rv_free(r);

	/* The log is for admins. */
	h_login(second, "user2", "user-secret-2");
	rv_free(h_call_err(second, "audit.list", "{}", "forbidden"));

	assert_no_secrets(t.pg);
	regie_client_free(second);
	setup_end(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_mutation),
		cmocka_unit_test(test_failed_mutations),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
