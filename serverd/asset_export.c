/* asset.export: the assets a list would show, as CSV (RFC 4180) or as
 * GeoJSON, one chunk per call. A client asks again with the "next"
 * cursor until it is nil and writes the chunks one after the other: the
 * concatenation is the whole file. So neither side ever holds a whole
 * export in memory, and a million rows cost a thousand small calls
 * rather than one enormous answer. */
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "db.h"
#include "estate.h"
#include "xmalloc.h"

/* A chunk stops at this size even before its row limit. */
#define EXPORT_CHUNK_BYTES (512 * 1024)

static const char *const export_formats[] = { "csv", "geojson", NULL };
static const char *const export_statuses[] = {
	"active", "in_service", "out_of_service", "disposed", "all", NULL,
};

static const char *const csv_columns[] = {
	"id", "code", "name", "type", "service", "site", "parent", "status", "address", "lat",
	"lon", "condition", "commissioned", "replacement_value", "attributes", NULL,
};
#define CSV_FIRST_COL 0     /* the columns above are the statement's first ones */
#define FEATURE_COL 15

static const char export_sql[] =
    "SELECT a.id, a.code, a.name, t.code, s.code, si.code, p.code, a.status, a.address, "
    "a.lat, a.lon, a.condition, a.commissioned, a.replacement_value, a.attributes::text, "
    "CASE WHEN $1 = 'geojson' THEN jsonb_build_object('type', 'Feature', 'id', a.id, "
    " 'geometry', CASE WHEN a.lat IS NULL THEN NULL ELSE jsonb_build_object('type', 'Point', "
    "  'coordinates', jsonb_build_array(a.lon, a.lat)) END, "
    " 'properties', jsonb_build_object('code', a.code, 'name', a.name, 'type', t.code, "
    "  'service', s.code, 'site', si.code, 'parent', p.code, 'status', a.status, "
    "  'address', a.address, 'condition', a.condition, 'commissioned', a.commissioned, "
    "  'replacement_value', a.replacement_value, 'attributes', a.attributes))::text END "
    "FROM " ASSET_FROM
    " WHERE ($2::boolean OR a.site_id = ANY ($3::bigint[]))"
    " AND ($4::bigint IS NULL OR a.type_id = $4)"
    " AND ($5::bigint IS NULL OR a.service_id = $5)"
    " AND ($6::bigint IS NULL OR a.site_id = $6)"
    " AND ($7::bigint IS NULL OR a.parent_id = $7)"
    " AND (CASE $8::text WHEN 'all' THEN true WHEN 'active' THEN a.status <> 'disposed'"
    "      ELSE a.status = $8 END)"
    " AND ($9::bigint IS NULL OR a.id > $9)"
    " ORDER BY a.id LIMIT $10";

/* RFC 4180: a field with a comma, a quote or a line break is quoted,
 * its quotes doubled; lines end with CRLF. */
static void csv_field(struct buf *b, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

static void csv_row(struct buf *b, const PGresult *res, int r)
{
	for (int col = CSV_FIRST_COL; csv_columns[col] != NULL; col++) {
		if (col != CSV_FIRST_COL)
			buf_addc(b, ',');
		csv_field(b, PQgetvalue(res, r, col));
	}
	buf_adds(b, "\r\n");
}

static int asset_export(struct call *c)
{
	const char *format = arg_str(c, "format", "csv"), *ignored;
	bool geojson = strcmp(format, "geojson") == 0;
	int64_t limit = arg_int(c, "limit", 1000), after_id = 0;
	PGresult *res;
	struct buf b;
	struct rv *r;
	int n, taken = 0;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after_id, &ignored) != 0)
		return -1;
	res = db_q(c, export_sql, "sbAIIIIsIi", format, estate_reads_all(&c->who), c->who.sites,
	    c->who.nsites, arg_int(c, "type_id", 0), arg_int(c, "service_id", 0),
	    arg_int(c, "site_id", 0), arg_int(c, "parent_id", 0), arg_str(c, "status", "active"),
	    after_id, limit + 1);
	if (res == NULL)
		return -1;
	n = PQntuples(res);
	buf_init(&b);
	if (after_id == 0) {
		if (geojson) {
			buf_adds(&b, "{\"type\":\"FeatureCollection\",\"features\":[");
		} else {
			for (int col = CSV_FIRST_COL; csv_columns[col] != NULL; col++)
				buf_printf(&b, "%s%s", col != CSV_FIRST_COL ? "," : "", csv_columns[col]);
			buf_adds(&b, "\r\n");
		}
	}
	for (; taken < n && taken < limit && b.len < EXPORT_CHUNK_BYTES; taken++) {
		if (geojson) {
			/* A chunk after the first continues the list. */
			if (taken > 0 || after_id != 0)
				buf_addc(&b, ',');
			buf_adds(&b, PQgetvalue(res, taken, FEATURE_COL));
		} else {
			csv_row(&b, res, taken);
		}
	}
	r = rv_map();
	rv_set_str(r, "format", format);
	rv_set_int(r, "rows", taken);
	if (taken < n) {
		char *next = estate_cursor(db_int(res, taken - 1, 0), "");
		rv_set_str(r, "next", next);
		free(next);
	} else {
		if (geojson)
			buf_adds(&b, "]}");
		rv_set_nil(r, "next");
	}
	PQclear(res);
	rv_set(r, "chunk", rv_strn((const char *)b.data, b.len));
	buf_free(&b);
	return call_ok(c, r);
}

const struct method asset_export_methods[] = {
	{ "asset.export", asset_export, ROLE_ALL, 0,
	  "one chunk of an export as CSV (RFC 4180) or GeoJSON, with the filters of asset.list; "
	  "call again with after=next until next is nil and join the chunks", {
		{ "format", P_CHOICE, true, 0, 0, export_formats },
		{ "type_id", P_ID, false, 0, 0, NULL },
		{ "service_id", P_ID, false, 0, 0, NULL },
		{ "site_id", P_ID, false, 0, 0, NULL },
		{ "parent_id", P_ID, false, 0, 0, NULL },
		{ "status", P_CHOICE, false, 0, 0, export_statuses },
		{ "limit", P_INT, false, 1, 5000, NULL },
		{ "after", P_CURSOR, false, 0, 0, NULL },
		{ 0 } } },
	{ 0 }
};
