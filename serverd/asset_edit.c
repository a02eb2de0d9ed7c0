/* asset.*, the writes: create, update, move, dispose, set_condition and
 * documents. Each runs in the call's transaction: it locks the asset,
 * checks the version the client saw, checks the caller's right on the
 * asset's service, writes, then audits and announces the change with
 * db_change() (entity and topic "asset", scoped by service and site).
 *
 * The hierarchy is kept sound here: a type says under which types it may
 * hang, an asset never goes under itself or its descendants (moves are
 * serialized so two crossing moves cannot make a loop), and an asset
 * follows its parent's site. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "estate.h"
#include "xmalloc.h"

/* Any constant will do, as long as every regied uses the same one. */
#define MOVE_LOCK_KEY "726567696501"
/* Deeper than any real hierarchy; bounds the recursive walks. */
#define MAX_DEPTH "64"

static const char *const edit_statuses[] = { "in_service", "out_of_service", NULL };

/* What a write needs to know of an asset before changing it. */
struct asset_state {
	int64_t id, version, service_id, site_id, type_id, parent_id;
	char status[16];
	char *snapshot;              /* JSON, for the audit's "before" */
	char *attributes;            /* JSON */
};

static void asset_state_free(struct asset_state *st)
{
	free(st->snapshot);
	free(st->attributes);
	memset(st, 0, sizeof *st);
}

/* Locks the asset and reads its state; checks that the caller sees it,
 * that it is not disposed, that the version matches (unless version is
 * 0) and that the caller may edit it. */
static int asset_lock(struct call *c, int64_t id, int64_t version, struct asset_state *st)
{
	PGresult *res = db_q(c, "SELECT asset_snapshot(a.id)::text, a.version, a.service_id, "
	    "a.site_id, a.type_id, a.parent_id, a.status, a.attributes::text FROM assets a "
	    "WHERE a.id = $1 AND ($2::boolean OR a.site_id = ANY ($3::bigint[])) FOR UPDATE",
	    "ibA", id, estate_reads_all(&c->who), c->who.sites, c->who.nsites);

	memset(st, 0, sizeof *st);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, "id", "no asset with id %lld", (long long)id);
	}
	st->id = id;
	st->snapshot = xstrdup(PQgetvalue(res, 0, 0));
	st->version = db_int(res, 0, 1);
	st->service_id = db_int(res, 0, 2);
	st->site_id = db_int(res, 0, 3);
	st->type_id = db_int(res, 0, 4);
	st->parent_id = db_int(res, 0, 5);
	xsnprintf(st->status, sizeof st->status, "%s", PQgetvalue(res, 0, 6));
	st->attributes = xstrdup(PQgetvalue(res, 0, 7));
	PQclear(res);
	if (estate_check_edit(c, st->service_id) != 0)
		return -1;
	if (version != 0 && version != st->version)
		return call_fail(c, RERR_CONFLICT, "version",
		    "someone else changed this asset (now version %lld); reload and try again",
		    (long long)st->version);
	if (strcmp(st->status, "disposed") == 0)
		return call_fail(c, RERR_CONFLICT, "id", "this asset is disposed: it cannot change");
	return 0;
}

/* Audits the change and answers with the asset as it now is. */
static int asset_finish(struct call *c, int64_t id, const char *op, const char *before)
{
	PGresult *res = db_q(c, "SELECT asset_snapshot(id)::text, service_id, site_id "
	    "FROM assets WHERE id = $1", "i", id);
	struct rv *asset;
	int rc;

	if (res == NULL)
		return -1;
	rc = db_change(c, "asset", id, op, before, PQgetvalue(res, 0, 0), db_int(res, 0, 1),
	    db_int(res, 0, 2), 0);
	PQclear(res);
	if (rc != 0 || (asset = asset_load(c, id)) == NULL)
		return -1;
	return call_ok(c, asset);
}

/* The database refused a value: name the field it belongs to. */
static int asset_constraint_error(struct call *c)
{
	static const struct { const char *constraint, *field, *message; } known[] = {
		{ "assets_code_key", "code", "this code is already used by another asset" },
		{ "assets_code_check", "code",
		  "a code uses capital letters, digits, '.', '_' and '-' (at most 40)" },
		{ "assets_service_id_fkey", "service_id", "no such service" },
		{ "assets_site_id_fkey", "site_id", "no such site" },
		{ "assets_type_id_fkey", "type_id", "no such asset type" },
		{ "assets_parent_id_fkey", "parent_id", "no such parent asset" },
		{ "assets_replacement_value_check", "replacement_value",
		  "replacement_value must not be negative" },
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strstr(c->err_message, known[i].constraint) != NULL) {
			enum rerr code = c->err;
			return call_fail(c, code, known[i].field, "%s", known[i].message);
		}
	}
	return -1;
}

/* Checks the plain fields common to create and update. */
static int asset_check_fields(struct call *c)
{
	const char *commissioned = arg_str(c, "commissioned", NULL);
	const char *value = arg_str(c, "replacement_value", NULL);

	if (commissioned != NULL && *commissioned != '\0' && !estate_date_ok(commissioned))
		return call_fail(c, RERR_INVALID, "commissioned",
		    "commissioned must be a date such as 2026-11-28 (or empty for none)");
	if (value != NULL && *value != '\0' && !estate_decimal_ok(value, 0, 9999999999.99, 2))
		return call_fail(c, RERR_INVALID, "replacement_value",
		    "replacement_value must be an amount in euros such as \"12500.00\" (or empty)");
	if (arg_has(c, "lat") || arg_has(c, "lon"))
		return estate_check_point(c, arg_str(c, "lat", NULL), arg_str(c, "lon", NULL));
	return 0;
}

/* May an asset of type_id hang under parent_id (0: at the top)? */
static int asset_check_placement(struct call *c, int64_t type_id, int64_t parent_id)
{
	PGresult *res = db_q(c, "SELECT t.code, t.needs_parent, t.parents, p.status, pt.code "
	    "FROM asset_types t LEFT JOIN assets p ON p.id = $2 "
	    "LEFT JOIN asset_types pt ON pt.id = p.type_id WHERE t.id = $1", "iI", type_id, parent_id);
	int rc = 0;

	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		rc = call_fail(c, RERR_INVALID, "type_id", "no such asset type");
	} else if (parent_id == 0) {
		if (PQgetvalue(res, 0, 1)[0] == 't')
			rc = call_fail(c, RERR_INVALID, "parent_id", "a %s must be inside another asset",
			    PQgetvalue(res, 0, 0));
	} else if (PQgetisnull(res, 0, 3)) {
		rc = call_fail(c, RERR_INVALID, "parent_id", "no asset with id %lld",
		    (long long)parent_id);
	} else if (strcmp(PQgetvalue(res, 0, 3), "disposed") == 0) {
		rc = call_fail(c, RERR_INVALID, "parent_id", "the parent asset is disposed");
	} else {
		struct rv *row = db_row(res, 0);
		const struct rv *parents = rv_get(row, "parents");
		bool ok = false;

		for (size_t i = 0; i < rv_len(parents); i++)
			ok |= parents->a.items[i]->type == RV_STR &&
			    strcmp(parents->a.items[i]->s.ptr, PQgetvalue(res, 0, 4)) == 0;
		if (!ok)
			rc = call_fail(c, RERR_INVALID, "parent_id", "a %s cannot be inside a %s",
			    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 4));
		rv_free(row);
	}
	PQclear(res);
	return rc;
}

/* Records a condition and makes the latest one (by date) the asset's. */
static int asset_add_condition(struct call *c, int64_t id, int64_t score, const char *observed,
    const char *note)
{
	return db_exec(c, "INSERT INTO asset_conditions (asset_id, observed, score, note, user_id) "
	    "VALUES ($1, COALESCE($2::date, current_date), $3, $4, $5)", "isisI", id, observed,
	    score, note, c->who.user_id) != 0 ||
	    db_exec(c, "UPDATE assets a SET (condition, condition_on) = (SELECT h.score, h.observed "
	    "FROM asset_conditions h WHERE h.asset_id = a.id ORDER BY h.observed DESC, h.id DESC "
	    "LIMIT 1) WHERE a.id = $1", "i", id) != 0 ? -1 : 0;
}

static int asset_create(struct call *c)
{
	int64_t type_id = arg_int(c, "type_id", 0), parent_id = arg_int(c, "parent_id", 0);
	int64_t service_id = arg_int(c, "service_id", 0), site_id = arg_int(c, "site_id", 0), id;
	char *parent_address = NULL, *parent_lat = NULL, *parent_lon = NULL, *attributes;
	const char *lat = arg_str(c, "lat", NULL), *lon = arg_str(c, "lon", NULL);
	const char *address = arg_str(c, "address", NULL);
	PGresult *res;

	if (asset_check_fields(c) != 0 || asset_check_placement(c, type_id, parent_id) != 0)
		return -1;
	/* What is not given comes from the parent: a room is where its
	 * building is, and usually in the same service's care. */
	if (parent_id != 0) {
		res = db_q(c, "SELECT a.service_id, a.site_id, a.address, a.lat, a.lon FROM assets a "
		    "WHERE a.id = $1 AND ($2::boolean OR a.site_id = ANY ($3::bigint[]))", "ibA",
		    parent_id, estate_reads_all(&c->who), c->who.sites, c->who.nsites);
		if (res == NULL)
			return -1;
		if (PQntuples(res) == 0) {
			PQclear(res);
			return call_fail(c, RERR_INVALID, "parent_id", "no asset with id %lld",
			    (long long)parent_id);
		}
		if (service_id == 0)
			service_id = db_int(res, 0, 0);
		if (site_id == 0)
			site_id = db_int(res, 0, 1);
		parent_address = xstrdup(PQgetvalue(res, 0, 2));
		if (!PQgetisnull(res, 0, 3)) {
			parent_lat = xstrdup(PQgetvalue(res, 0, 3));
			parent_lon = xstrdup(PQgetvalue(res, 0, 4));
		}
		PQclear(res);
	}
	if (lat == NULL && lon == NULL) {
		lat = parent_lat;
		lon = parent_lon;
	}
	if (address == NULL)
		address = parent_address != NULL ? parent_address : "";
	if (service_id == 0) {
		call_fail(c, RERR_INVALID, "service_id", "service_id is required");
		goto fail;
	}
	if (estate_check_edit(c, service_id) != 0)
		goto fail;
	if ((attributes = asset_attributes_check(c, type_id, arg_str(c, "attributes", NULL))) == NULL)
		goto fail;
	res = db_q(c, "WITH n AS (SELECT nextval('assets_id_seq') AS id) "
	    "INSERT INTO assets (id, code, name, type_id, parent_id, service_id, site_id, address, "
	    "lat, lon, status, commissioned, replacement_value, attributes) "
	    "SELECT n.id, COALESCE($1, asset_code((SELECT code_prefix FROM asset_types "
	    "WHERE id = $3), n.id)), $2, $3, $4, $5, $6, $7, NULLIF($8, '')::numeric, "
	    "NULLIF($9, '')::numeric, $10, NULLIF($11, '')::date, NULLIF($12, '')::numeric, "
	    "$13::jsonb FROM n RETURNING id", "ssiIiIsssssss", arg_str(c, "code", NULL),
	    arg_str(c, "name", NULL), type_id, parent_id, service_id, site_id, address, lat, lon,
	    arg_str(c, "status", "in_service"), arg_str(c, "commissioned", NULL),
	    arg_str(c, "replacement_value", NULL), attributes);
	free(attributes);
	if (res == NULL) {
		asset_constraint_error(c);
		goto fail;
	}
	id = db_int(res, 0, 0);
	PQclear(res);
	if (arg_has(c, "condition") &&
	    asset_add_condition(c, id, arg_int(c, "condition", 0), NULL, "") != 0)
		goto fail;
	free(parent_address);
	free(parent_lat);
	free(parent_lon);
	return asset_finish(c, id, "create", NULL);
fail:
	free(parent_address);
	free(parent_lat);
	free(parent_lon);
	return -1;
}

/* A type change must suit the parent and every child. */
static int asset_check_retype(struct call *c, const struct asset_state *st, int64_t type_id)
{
	PGresult *res;
	int rc = 0;

	if (asset_check_placement(c, type_id, st->parent_id) != 0)
		return -1;
	res = db_q(c, "SELECT ch.code, t.code FROM assets ch JOIN asset_types ct ON ct.id = ch.type_id "
	    "JOIN asset_types t ON t.id = $2 WHERE ch.parent_id = $1 "
	    "AND NOT (t.code = ANY (ct.parents)) LIMIT 1", "ii", st->id, type_id);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0)
		rc = call_fail(c, RERR_INVALID, "type_id", "its child %s cannot be inside a %s",
		    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	PQclear(res);
	return rc;
}

static int asset_update(struct call *c)
{
	int64_t id = arg_int(c, "id", 0), type_id = arg_int(c, "type_id", 0);
	int64_t service_id = arg_int(c, "service_id", 0);
	struct asset_state st = { 0 };
	char *attributes = NULL, site[24];
	int rc = -1;

	if (asset_check_fields(c) != 0 || asset_lock(c, id, arg_int(c, "version", 0), &st) != 0)
		goto out;
	if (service_id != 0 && service_id != st.service_id && estate_check_edit(c, service_id) != 0)
		goto out;
	if (type_id != 0 && type_id != st.type_id && asset_check_retype(c, &st, type_id) != 0)
		goto out;
	if (type_id == 0)
		type_id = st.type_id;
	if ((arg_has(c, "attributes") || type_id != st.type_id) &&
	    (attributes = asset_attributes_check(c, type_id,
	        arg_str(c, "attributes", st.attributes))) == NULL)
		goto out;
	/* site_id 0 takes the asset out of any site. */
	xsnprintf(site, sizeof site, "%lld", (long long)arg_int(c, "site_id", 0));
	if (db_exec(c, "UPDATE assets SET code = COALESCE($2, code), name = COALESCE($3, name), "
	    "type_id = $4, service_id = COALESCE($5, service_id), "
	    "site_id = CASE WHEN $6::bigint IS NULL THEN site_id ELSE NULLIF($6::bigint, 0) END, "
	    "address = COALESCE($7, address), "
	    "lat = CASE WHEN $8::text IS NULL THEN lat ELSE NULLIF($8, '')::numeric END, "
	    "lon = CASE WHEN $9::text IS NULL THEN lon ELSE NULLIF($9, '')::numeric END, "
	    "status = COALESCE($10, status), "
	    "commissioned = CASE WHEN $11::text IS NULL THEN commissioned "
	    "  ELSE NULLIF($11, '')::date END, "
	    "replacement_value = CASE WHEN $12::text IS NULL THEN replacement_value "
	    "  ELSE NULLIF($12, '')::numeric END, "
	    "attributes = COALESCE($13::jsonb, attributes), "
	    "updated = now(), version = version + 1 WHERE id = $1", "issiIssssssss", id,
	    arg_str(c, "code", NULL), arg_str(c, "name", NULL), type_id, service_id,
	    arg_has(c, "site_id") ? site : NULL, arg_str(c, "address", NULL),
	    arg_str(c, "lat", NULL), arg_str(c, "lon", NULL), arg_str(c, "status", NULL),
	    arg_str(c, "commissioned", NULL), arg_str(c, "replacement_value", NULL),
	    attributes) != 0) {
		asset_constraint_error(c);
		goto out;
	}
	/* What was in the asset's site follows it to the new one. */
	if (arg_has(c, "site_id") && db_exec(c, "WITH RECURSIVE sub (id, depth) AS ("
	    " SELECT id, 1 FROM assets WHERE parent_id = $1"
	    " UNION ALL SELECT a.id, sub.depth + 1 FROM assets a JOIN sub ON a.parent_id = sub.id"
	    " WHERE sub.depth < " MAX_DEPTH ")"
	    " UPDATE assets a SET site_id = p.site_id, updated = now(), version = a.version + 1"
	    " FROM sub, assets p WHERE p.id = $1 AND a.id = sub.id"
	    " AND a.site_id IS NOT DISTINCT FROM $2 AND a.site_id IS DISTINCT FROM p.site_id",
	    "iI", id, st.site_id) != 0)
		goto out;
	rc = asset_finish(c, id, "update", st.snapshot);
out:
	free(attributes);
	asset_state_free(&st);
	return rc;
}

static int asset_move(struct call *c)
{
	int64_t id = arg_int(c, "id", 0), parent_id = arg_int(c, "parent_id", 0);
	struct asset_state st = { 0 };
	PGresult *res;
	int rc = -1;

	/* Two moves that cross (A under B, B under A) would each find no
	 * loop in what the other has not committed: moves take turns. */
	if (db_exec(c, "SELECT pg_advisory_xact_lock(" MOVE_LOCK_KEY ")", "") != 0 ||
	    asset_lock(c, id, arg_int(c, "version", 0), &st) != 0)
		goto out;
	if (asset_check_placement(c, st.type_id, parent_id) != 0)
		goto out;
	if (parent_id != 0) {
		res = db_q(c, "WITH RECURSIVE up (id, parent_id, depth) AS ("
		    " SELECT id, parent_id, 1 FROM assets WHERE id = $1"
		    " UNION ALL SELECT a.id, a.parent_id, up.depth + 1 FROM assets a"
		    " JOIN up ON a.id = up.parent_id WHERE up.depth < " MAX_DEPTH ")"
		    " SELECT 1 FROM up WHERE id = $2", "ii", parent_id, id);
		if (res == NULL)
			goto out;
		if (PQntuples(res) > 0) {
			PQclear(res);
			call_fail(c, RERR_INVALID, "parent_id",
			    "an asset cannot go inside itself or one of its own descendants");
			goto out;
		}
		PQclear(res);
	}
	if (db_exec(c, "UPDATE assets SET parent_id = $2, updated = now(), version = version + 1 "
	    "WHERE id = $1", "iI", id, parent_id) != 0)
		goto out;
	/* The asset and everything under it follow the new parent's site. */
	if (parent_id != 0 && db_exec(c, "WITH RECURSIVE sub (id, depth) AS ("
	    " SELECT $1::bigint, 1 UNION ALL SELECT a.id, sub.depth + 1 FROM assets a"
	    " JOIN sub ON a.parent_id = sub.id WHERE sub.depth < " MAX_DEPTH ")"
	    " UPDATE assets a SET site_id = p.site_id, updated = now(),"
	    " version = a.version + (a.id <> $1)::int"
	    " FROM sub, assets p WHERE p.id = $2 AND a.id = sub.id AND p.site_id IS NOT NULL"
	    " AND a.site_id IS DISTINCT FROM p.site_id", "ii", id, parent_id) != 0)
		goto out;
	rc = asset_finish(c, id, "move", st.snapshot);
out:
	asset_state_free(&st);
	return rc;
}

static int asset_dispose(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	const char *on = arg_str(c, "date", NULL), *note = arg_str(c, "note", "");
	bool with_children = arg_bool(c, "with_children", false);
	struct asset_state st = { 0 };
	PGresult *res;
	int rc = -1;

	if (on != NULL && !estate_date_ok(on))
		return call_fail(c, RERR_INVALID, "date", "date must be a date such as 2026-11-28");
	if (asset_lock(c, id, arg_int(c, "version", 0), &st) != 0)
		goto out;
	/* What is still in service below: refused unless asked for, and
	 * then only if the caller may change all of it. */
	res = db_q(c, "WITH RECURSIVE sub (id, depth) AS ("
	    " SELECT id, 1 FROM assets WHERE parent_id = $1"
	    " UNION ALL SELECT a.id, sub.depth + 1 FROM assets a JOIN sub ON a.parent_id = sub.id"
	    " WHERE sub.depth < " MAX_DEPTH ")"
	    " SELECT count(*), count(*) FILTER (WHERE NOT ($2::boolean OR"
	    "  a.service_id = ANY ($3::bigint[]))) FROM sub JOIN assets a USING (id)"
	    " WHERE a.status <> 'disposed'", "ibA", id, (c->who.roles & ROLE_ADMIN) != 0,
	    c->who.services, c->who.nservices);
	if (res == NULL)
		goto out;
	if (db_int(res, 0, 0) > 0 && !with_children) {
		call_fail(c, RERR_CONFLICT, "with_children", "%lld assets under this one are not "
		    "disposed: dispose them first, or pass with_children", (long long)db_int(res, 0, 0));
		PQclear(res);
		goto out;
	}
	if (db_int(res, 0, 1) > 0) {
		call_fail(c, RERR_FORBIDDEN, "with_children", "%lld assets under this one belong to "
		    "services you do not cover", (long long)db_int(res, 0, 1));
		PQclear(res);
		goto out;
	}
	PQclear(res);
	/* The descendants, each audited and announced. */
	if (with_children && db_exec(c, "WITH RECURSIVE sub (id, depth) AS ("
	    " SELECT id, 1 FROM assets WHERE parent_id = $1"
	    " UNION ALL SELECT a.id, sub.depth + 1 FROM assets a JOIN sub ON a.parent_id = sub.id"
	    " WHERE sub.depth < " MAX_DEPTH "),"
	    " before AS (SELECT a.id, asset_snapshot(a.id) AS snap FROM sub JOIN assets a USING (id)"
	    "  WHERE a.status <> 'disposed'),"
	    " done AS (UPDATE assets a SET status = 'disposed',"
	    "  disposed_on = COALESCE($2::date, current_date), disposed_note = $3,"
	    "  updated = now(), version = a.version + 1 FROM before b WHERE a.id = b.id"
	    "  RETURNING a.id, a.service_id, a.site_id, a.status, a.disposed_on, a.disposed_note,"
	    "  a.version)"
	    " SELECT regie_change($4, $5, 'asset', d.id, b.snap, b.snap || jsonb_build_object("
	    "  'status', d.status, 'disposed_on', d.disposed_on, 'disposed_note', d.disposed_note,"
	    "  'version', d.version), 'dispose', d.service_id, d.site_id, NULL)"
	    " FROM done d JOIN before b USING (id)", "issIs", id, on, note, c->who.user_id,
	    c->method->name) != 0)
		goto out;
	if (db_exec(c, "UPDATE assets SET status = 'disposed', disposed_on = "
	    "COALESCE($2::date, current_date), disposed_note = $3, updated = now(), "
	    "version = version + 1 WHERE id = $1", "iss", id, on, note) != 0)
		goto out;
	rc = asset_finish(c, id, "dispose", st.snapshot);
out:
	asset_state_free(&st);
	return rc;
}

static int asset_set_condition(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	const char *observed = arg_str(c, "observed", NULL);
	struct asset_state st = { 0 };
	PGresult *res;
	int rc = -1;

	if (observed != NULL && !estate_date_ok(observed))
		return call_fail(c, RERR_INVALID, "observed",
		    "observed must be a date such as 2026-11-28");
	if (asset_lock(c, id, arg_int(c, "version", 0), &st) != 0)
		goto out;
	if (observed != NULL) {
		res = db_q(c, "SELECT $1::date > current_date", "s", observed);
		if (res == NULL)
			goto out;
		if (PQgetvalue(res, 0, 0)[0] == 't') {
			PQclear(res);
			call_fail(c, RERR_INVALID, "observed", "observed must not be in the future");
			goto out;
		}
		PQclear(res);
	}
	if (asset_add_condition(c, id, arg_int(c, "score", 0), observed,
	    arg_str(c, "note", "")) != 0 ||
	    db_exec(c, "UPDATE assets SET updated = now(), version = version + 1 WHERE id = $1",
	        "i", id) != 0)
		goto out;
	rc = asset_finish(c, id, "condition", st.snapshot);
out:
	asset_state_free(&st);
	return rc;
}

/* A document was added or removed: audit it, announce it, and answer
 * with the asset. */
static int asset_document_done(struct call *c, int64_t id, const struct asset_state *st,
    const char *before, const char *after)
{
	struct rv *asset;

	if (db_change(c, "asset", id, "document", before, after, st->service_id, st->site_id,
	    0) != 0 || (asset = asset_load(c, id)) == NULL)
		return -1;
	return call_ok(c, asset);
}

/* Documents are no field of the asset: adding or removing one leaves
 * its version alone, and the audit row holds the document itself. */
static int asset_add_document(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	struct asset_state st = { 0 };
	PGresult *res;
	int rc = -1;

	if (asset_lock(c, id, 0, &st) != 0)
		goto out;
	res = db_q(c, "INSERT INTO asset_documents (asset_id, title, ref, user_id) "
	    "VALUES ($1, $2, $3, $4) RETURNING json_build_object('document', "
	    "json_build_object('id', id, 'title', title, 'ref', ref))::text", "issI", id,
	    arg_str(c, "title", NULL), arg_str(c, "ref", NULL), c->who.user_id);
	if (res == NULL)
		goto out;
	rc = asset_document_done(c, id, &st, NULL, PQgetvalue(res, 0, 0));
	PQclear(res);
out:
	asset_state_free(&st);
	return rc;
}

static int asset_remove_document(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	struct asset_state st = { 0 };
	PGresult *res;
	int rc = -1;

	if (asset_lock(c, id, 0, &st) != 0)
		goto out;
	res = db_q(c, "DELETE FROM asset_documents WHERE id = $2 AND asset_id = $1 RETURNING "
	    "json_build_object('document', json_build_object('id', id, 'title', title, "
	    "'ref', ref))::text", "ii", id, arg_int(c, "document_id", 0));
	if (res == NULL)
		goto out;
	if (PQntuples(res) == 0) {
		PQclear(res);
		call_fail(c, RERR_NOT_FOUND, "document_id", "this asset has no such document");
		goto out;
	}
	rc = asset_document_done(c, id, &st, PQgetvalue(res, 0, 0), NULL);
	PQclear(res);
out:
	asset_state_free(&st);
	return rc;
}

#define EDITORS (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT)

/* What create and update share; on update every field is optional and
 * an empty string clears lat/lon, commissioned and replacement_value. */
#define ASSET_FIELDS(req) \
	{ "code", P_STR, false, 1, 40, NULL }, \
	{ "name", P_STR, req, 1, 200, NULL }, \
	{ "type_id", P_ID, req, 0, 0, NULL }, \
	{ "service_id", P_ID, false, 0, 0, NULL }, \
	{ "address", P_STR, false, 0, 300, NULL }, \
	{ "lat", P_STR, false, 0, 20, NULL }, \
	{ "lon", P_STR, false, 0, 20, NULL }, \
	{ "status", P_CHOICE, false, 0, 0, edit_statuses }, \
	{ "commissioned", P_STR, false, 0, 10, NULL }, \
	{ "replacement_value", P_STR, false, 0, 20, NULL }, \
	{ "attributes", P_STR, false, 2, 16000, NULL }

const struct method asset_edit_methods[] = {
	{ "asset.create", asset_create, EDITORS, M_MUTATES,
	  "creates an asset; attributes is a JSON object checked against the type; what is not "
	  "given (service, site, address, location) comes from the parent", {
		ASSET_FIELDS(true),
		{ "parent_id", P_ID, false, 0, 0, NULL },
		{ "site_id", P_ID, false, 0, 0, NULL },
		{ "condition", P_INT, false, 1, 5, NULL },
		{ 0 } } },
	{ "asset.update", asset_update, EDITORS, M_MUTATES,
	  "changes an asset's fields (version mismatch -> conflict); site_id 0 and empty "
	  "strings clear", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		ASSET_FIELDS(false),
		{ "site_id", P_INT, false, 0, INT64_MAX, NULL },
		{ 0 } } },
	{ "asset.move", asset_move, EDITORS, M_MUTATES,
	  "puts an asset (and what is under it) under another parent, or at the top without "
	  "parent_id; loops are refused", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		{ "parent_id", P_ID, false, 0, 0, NULL },
		{ 0 } } },
	{ "asset.dispose", asset_dispose, EDITORS, M_MUTATES,
	  "disposes of an asset (with_children: and of everything under it)", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "version", P_INT, true, 1, INT32_MAX, NULL },
		{ "date", P_STR, false, 10, 10, NULL },
		{ "note", P_STR, false, 0, 2000, NULL },
		{ "with_children", P_BOOL, false, 0, 0, NULL },
		{ 0 } } },
	{ "asset.set_condition", asset_set_condition, EDITORS, M_MUTATES,
	  "records a condition score from 1 (very bad) to 5 (new), with a note and the date "
	  "observed (default today)", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "score", P_INT, true, 1, 5, NULL },
		{ "note", P_STR, false, 0, 2000, NULL },
		{ "observed", P_STR, false, 10, 10, NULL },
		{ "version", P_INT, false, 1, INT32_MAX, NULL },
		{ 0 } } },
	{ "asset.add_document", asset_add_document, EDITORS, M_MUTATES,
	  "attaches a document by reference: a title and a URL or a path", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "title", P_STR, true, 1, 200, NULL },
		{ "ref", P_STR, true, 1, 1000, NULL },
		{ 0 } } },
	{ "asset.remove_document", asset_remove_document, EDITORS, M_MUTATES,
	  "removes a document reference from an asset", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "document_id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ 0 }
};
