/* asset_type.*: the catalogue of asset types and the attributes each
 * declares, and the check of an asset's attributes against its type.
 *
 * The catalogue is part of the schema (migrations), so every regied and
 * every client agree on it; what varies per asset is the attribute
 * values, kept as a JSON object and checked here before any write. */
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "estate.h"
#include "xmalloc.h"

#define ATTR_TEXT_MAX 500

/* Attribute definitions, each under its type. */
static void type_add_attributes(struct call *c, struct rv *types, int64_t only)
{
	PGresult *res = db_q(c, "SELECT type_id, name, label, data_type, unit, required, choices, "
	    "min_value, max_value FROM asset_type_attributes "
	    "WHERE $1::bigint IS NULL OR type_id = $1 ORDER BY type_id, position, name", "I", only);

	for (size_t i = 0; i < rv_len(types); i++)
		rv_set(types->a.items[i], "attributes", rv_array());
	if (res == NULL)
		return;
	for (int r = 0; r < PQntuples(res); r++) {
		int64_t type_id = db_int(res, r, 0);
		for (size_t i = 0; i < rv_len(types); i++) {
			struct rv *t = types->a.items[i];
			if (rv_path_int(t, "id", 0) == type_id) {
				struct rv *def = db_row(res, r);
				rv_push((struct rv *)rv_get(t, "attributes"), def);
			}
		}
	}
	PQclear(res);
}

static int asset_type_list(struct call *c)
{
	static const char sql[] = "SELECT id, code, name, code_prefix, parents, needs_parent "
	    "FROM asset_types ORDER BY position, code";
	PGresult *res = db_q(c, sql, "");
	struct rv *types, *r;

	if (res == NULL)
		return -1;
	types = db_rows(res);
	PQclear(res);
	type_add_attributes(c, types, 0);
	if (c->err != RERR_OK) {
		rv_free(types);
		return -1;
	}
	r = rv_map();
	rv_set(r, "items", types);
	return call_ok(c, r);
}

static int asset_type_get(struct call *c)
{
	int64_t id = arg_int(c, "id", 0);
	const char *code = arg_str(c, "code", NULL);
	PGresult *res;
	struct rv *types, *t;

	if (id == 0 && code == NULL)
		return call_fail(c, RERR_INVALID, "id", "give the type's id or its code");
	res = db_q(c, "SELECT id, code, name, code_prefix, parents, needs_parent FROM asset_types "
	    "WHERE id = $1 OR code = $2", "Is", id, code);
	if (res == NULL)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, code != NULL ? "code" : "id", "no such asset type");
	}
	types = db_rows(res);
	PQclear(res);
	type_add_attributes(c, types, rv_path_int(types->a.items[0], "id", 0));
	if (c->err != RERR_OK) {
		rv_free(types);
		return -1;
	}
	t = rv_copy(types->a.items[0]);
	rv_free(types);
	return call_ok(c, t);
}

/* ---- checking an asset's attributes ---- */

static bool in_choices(const struct rv *choices, const char *s)
{
	for (size_t i = 0; i < rv_len(choices); i++) {
		const struct rv *ch = choices->a.items[i];
		if (ch->type == RV_STR && strcmp(ch->s.ptr, s) == 0)
			return true;
	}
	return false;
}

/* A number given as a number or as a decimal string; false when it is
 * neither. */
static bool number_of(const struct rv *v, double *out, bool integer)
{
	switch (v->type) {
	case RV_INT:
		*out = (double)v->i;
		return true;
	case RV_FLOAT:
		*out = v->f;
		return !integer || *out == (double)(int64_t)*out;
	case RV_STR:
		if (!estate_decimal_ok(v->s.ptr, -1e15, 1e15, integer ? 0 : 6))
			return false;
		*out = strtod(v->s.ptr, NULL);
		return true;
	default:
		return false;
	}
}

/* One attribute against its definition; sets *norm to the value to
 * store, or returns -1 after failing the call. */
static int attribute_check(struct call *c, const struct rv *def, const struct rv *v,
    struct rv **norm)
{
	const char *name = rv_path_str(def, "name", "?");
	const char *dtype = rv_path_str(def, "data_type", "text");
	const char *min_s = rv_path_str(def, "min_value", NULL);
	const char *max_s = rv_path_str(def, "max_value", NULL);
	char field[64];
	double d;

	xsnprintf(field, sizeof field, "attributes.%s", name);
	if (strcmp(dtype, "int") == 0 || strcmp(dtype, "numeric") == 0) {
		bool integer = dtype[0] == 'i';
		if (!number_of(v, &d, integer))
			return call_fail(c, RERR_INVALID, field, "%s must be %s", name,
			    integer ? "a whole number" : "a number");
		if ((min_s != NULL && d < strtod(min_s, NULL)) ||
		    (max_s != NULL && d > strtod(max_s, NULL)))
			return call_fail(c, RERR_INVALID, field, "%s must be between %s and %s", name,
			    min_s ? min_s : "-", max_s ? max_s : "-");
		*norm = integer ? rv_int((int64_t)d) :
		    (v->type == RV_INT ? rv_int(v->i) : rv_float(d));
		return 0;
	}
	if (v->type != RV_STR || strlen(v->s.ptr) != v->s.len)
		return call_fail(c, RERR_INVALID, field, "%s must be text", name);
	if (strcmp(dtype, "date") == 0 && !estate_date_ok(v->s.ptr))
		return call_fail(c, RERR_INVALID, field, "%s must be a date such as 2026-11-28",
		    name);
	if (strcmp(dtype, "choice") == 0 && !in_choices(rv_get(def, "choices"), v->s.ptr))
		return call_fail(c, RERR_INVALID, field, "%s '%s' is not one of the allowed values",
		    name, v->s.ptr);
	if (v->s.len > ATTR_TEXT_MAX)
		return call_fail(c, RERR_INVALID, field, "%s is longer than %d bytes", name,
		    ATTR_TEXT_MAX);
	*norm = rv_copy(v);
	return 0;
}

static const struct rv *def_named(const struct rv *defs, const char *name)
{
	for (size_t i = 0; i < rv_len(defs); i++) {
		if (strcmp(rv_path_str(defs->a.items[i], "name", ""), name) == 0)
			return defs->a.items[i];
	}
	return NULL;
}

/* Empty text and nil stand for "no value". */
static bool blank(const struct rv *v)
{
	return v == NULL || v->type == RV_NIL || (v->type == RV_STR && v->s.len == 0);
}

char *asset_attributes_check(struct call *c, int64_t type_id, const char *json)
{
	PGresult *res = db_q(c, "SELECT a.name, a.data_type, a.required, a.choices, "
	    "a.min_value, a.max_value, t.code AS type FROM asset_type_attributes a "
	    "JOIN asset_types t ON t.id = a.type_id WHERE a.type_id = $1 "
	    "ORDER BY a.position, a.name", "i", type_id);
	struct rv *defs, *in = NULL, *out = NULL;
	char why[128], *text = NULL;

	if (res == NULL)
		return NULL;
	defs = db_rows(res);
	PQclear(res);
	if (json != NULL && (in = rv_from_json(json, why, sizeof why)) == NULL) {
		call_fail(c, RERR_INVALID, "attributes", "attributes is not JSON: %s", why);
		goto out;
	}
	if (in != NULL && in->type != RV_MAP) {
		call_fail(c, RERR_INVALID, "attributes", "attributes must be a JSON object");
		goto out;
	}
	for (uint32_t k = 0; in != NULL && k < in->m.n; k++) {
		if (def_named(defs, in->m.items[k].key) == NULL) {
			char field[64];
			xsnprintf(field, sizeof field, "attributes.%s", in->m.items[k].key);
			call_fail(c, RERR_INVALID, field, "this type of asset has no attribute '%s'",
			    in->m.items[k].key);
			goto out;
		}
	}
	out = rv_map();
	for (size_t i = 0; i < rv_len(defs); i++) {
		const struct rv *def = defs->a.items[i], *v = rv_get(in, rv_path_str(def, "name", ""));
		struct rv *norm = NULL;

		if (blank(v)) {
			if (rv_path_bool(def, "required", false)) {
				char field[64];
				xsnprintf(field, sizeof field, "attributes.%s", rv_path_str(def, "name", ""));
				call_fail(c, RERR_INVALID, field, "%s is required for a %s",
				    rv_path_str(def, "name", ""), rv_path_str(def, "type", "?"));
				goto out;
			}
			continue;
		}
		if (attribute_check(c, def, v, &norm) != 0)
			goto out;
		rv_set(out, rv_path_str(def, "name", ""), norm);
	}
	text = rv_to_json(out);
out:
	rv_free(out);
	rv_free(in);
	rv_free(defs);
	return text;
}

const struct method asset_type_methods[] = {
	{ "asset_type.list", asset_type_list, ROLE_ALL, M_PAGE,
	  "the asset types with the attributes each declares", { { 0 } } },
	{ "asset_type.get", asset_type_get, ROLE_ALL, 0, "one asset type, by id or by code", {
		{ "id", P_ID, false, 0, 0, NULL },
		{ "code", P_STR, false, 1, 32, NULL },
		{ 0 } } },
	{ 0 }
};
