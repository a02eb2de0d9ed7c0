/* asset.*, the reads: one asset, filtered lists, children, search,
 * nearby, and the condition history. The writes are in asset_edit.c,
 * the exports in asset_export.c.
 *
 * Every read is narrowed the same way: a caller who is only a referent
 * sees the assets of the sites they cover, and nothing else exists for
 * them (not_found, never forbidden). Statements take that scope as two
 * parameters, "reads everything" and the caller's sites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "db.h"
#include "estate.h"
#include "search_index.h"
#include "xmalloc.h"

#define SCOPE_SQL(all, sites) "(" all "::boolean OR a.site_id = ANY (" sites "::bigint[]))"

static const char *const status_filters[] = {
	"active", "in_service", "out_of_service", "disposed", "all", NULL,
};
static const char *const list_sorts[] = { "code", "name", "condition", NULL };

struct rv *asset_row(const PGresult *res, int r)
{
	struct rv *row = db_row(res, r);
	const char *attrs = rv_path_str(row, "attributes", NULL);

	if (attrs != NULL) {
		struct rv *map = rv_from_json(attrs, NULL, 0);
		rv_set(row, "attributes", map != NULL ? map : rv_map());
	}
	return row;
}

/* A page of assets: the attributes as a map, as asset_row makes them. */
static const char *const asset_json_columns[] = { "attributes", NULL };
static const struct db_pack asset_pack = { .json = asset_json_columns };

struct rv *asset_load(struct call *c, int64_t id)
{
	PGresult *res = db_q(c, "SELECT " ASSET_COLUMNS " FROM " ASSET_FROM " WHERE a.id = $1 AND "
	    SCOPE_SQL("$2", "$3"), "ibA", id, estate_reads_all(&c->who), c->who.sites,
	    c->who.nsites);
	struct rv *asset;

	if (res == NULL)
		return NULL;
	if (PQntuples(res) == 0) {
		PQclear(res);
		call_fail(c, RERR_NOT_FOUND, "id", "no asset with id %lld", (long long)id);
		return NULL;
	}
	asset = asset_row(res, 0);
	PQclear(res);
	res = db_q(c, "SELECT d.id, d.title, d.ref, d.user_id, u.login AS user_login, d.created "
	    "FROM asset_documents d LEFT JOIN users u ON u.id = d.user_id "
	    "WHERE d.asset_id = $1 ORDER BY d.id", "i", id);
	if (res == NULL) {
		rv_free(asset);
		return NULL;
	}
	rv_set(asset, "documents", db_rows(res));
	PQclear(res);
	return asset;
}

static int asset_get(struct call *c)
{
	struct rv *asset = asset_load(c, arg_int(c, "id", 0));

	return asset ? call_ok(c, asset) : -1;
}

/* ---- lists ---- */

/* One statement per shape: which filters are present and the sort
 * choose fixed fragments, and each shape is prepared on its own (db_qt),
 * so PostgreSQL plans it once for the index that serves it, instead of
 * planning a catch-all statement again on every call. Input text only
 * ever travels as a parameter. Conditions are compared as the condition sort orders them (none
 * counts as 6), so that a range reads the same indexes.
 *
 * Filters compare with (SELECT $n) rather than $n: PostgreSQL cannot see
 * the value through it, so the plan it would make for one call is the
 * plan it makes for all, and it soon keeps that generic plan instead of
 * planning each call again (its custom plans only ever chose the same
 * index, and planning cost more than running). The caller's scope stays
 * a plain parameter: a referent's few sites deserve a plan of their own. */
#define LIST_MAX_PARAMS 12

struct list_query {
	struct buf sql;
	const char *values[LIST_MAX_PARAMS];
	char *owned[LIST_MAX_PARAMS];
	int n;
};

static const struct {
	const char *status, *where;
} list_statuses[] = {
	{ "active", " AND a.status <> 'disposed'" },
	{ "in_service", " AND a.status = 'in_service'" },
	{ "out_of_service", " AND a.status = 'out_of_service'" },
	{ "disposed", " AND a.status = 'disposed'" },
	{ "all", "" },
};

/* after[] surrounds the cursor's value, then its id; sort_key is what
 * the order compares (then the id), key the column the cursor keeps. */
static const struct {
	const char *sort, *after[3], *order, *sort_key, *key;
} list_orders[] = {
	{ "code", { " AND a.code > (SELECT ", "::text) AND ", "::bigint IS NOT NULL" },
	  " ORDER BY a.code", "a.code", "code" },
	{ "name", { " AND (regie_fold(a.name), a.id) > ((SELECT regie_fold(",
	  "::text)), (SELECT ", "::bigint))" },
	  " ORDER BY regie_fold(a.name), a.id", "regie_fold(a.name)", "name" },
	{ "condition", { " AND (COALESCE(a.condition, 6), a.id) > ((SELECT COALESCE(NULLIF(",
	  "::text, '')::int, 6)), (SELECT ", "::bigint))" },
	  " ORDER BY COALESCE(a.condition, 6), a.id", "COALESCE(a.condition, 6)", "condition" },
};

/* Appends before, the next parameter's number, then after. value (or
 * owned, which the query frees) is the parameter. */
static void list_param(struct list_query *q, const char *before, const char *value, char *owned,
    const char *after)
{
	q->values[q->n] = owned != NULL ? owned : value;
	q->owned[q->n] = owned;
	q->n++;
	buf_printf(&q->sql, "%s$%d%s", before, q->n, after);
}

static void list_id_filter(struct list_query *q, struct call *c, const char *name,
    const char *column)
{
	char before[48];

	if (!arg_has(c, name))
		return;
	xsnprintf(before, sizeof before, " AND %s = (SELECT ", column);
	list_param(q, before, NULL, xasprintf("%lld", (long long)arg_int(c, name, 0)),
	    "::bigint)");
}

static char *list_sites_literal(const struct caller *who)
{
	struct buf b;

	buf_init(&b);
	buf_addc(&b, '{');
	for (size_t i = 0; i < who->nsites; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)who->sites[i]);
	buf_addc(&b, '}');
	return buf_detach_str(&b);
}

static int asset_list(struct call *c)
{
	const char *sort = arg_str(c, "sort", "code"), *status = arg_str(c, "status", "active");
	const char *cond = "COALESCE(a.condition, 6)";
	char before[64];
	const char *value = NULL;
	int64_t limit = arg_int(c, "limit", 50), after_id = 0;
	struct list_query q = { .n = 0 };
	size_t order = 0;
	PGresult *res = NULL;
	struct rv *r = NULL;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after_id, &value) != 0)
		return -1;
	for (size_t i = 0; i < sizeof list_orders / sizeof *list_orders; i++) {
		if (strcmp(list_orders[i].sort, sort) == 0)
			order = i;
	}
	buf_init(&q.sql);
	if (estate_reads_all(&c->who)) {
		buf_adds(&q.sql, "SELECT " ASSET_COLUMNS " FROM " ASSET_FROM " WHERE true");
	} else {
		/* A referent's sites one by one, each through its own index in
		 * the page's order, then merged: a few sites' first pages are
		 * read, never every asset of them (nor their joins) sorted. */
		buf_adds(&q.sql, "SELECT " ASSET_COLUMNS " FROM (SELECT x.* FROM unnest(");
		list_param(&q, "", NULL, list_sites_literal(&c->who), "::bigint[]");
		buf_printf(&q.sql, ") sc (site_id), LATERAL (SELECT a.*, %s AS sort_key FROM assets a"
		    " WHERE a.site_id = sc.site_id", list_orders[order].sort_key);
	}
	list_id_filter(&q, c, "type_id", "a.type_id");
	list_id_filter(&q, c, "service_id", "a.service_id");
	list_id_filter(&q, c, "site_id", "a.site_id");
	list_id_filter(&q, c, "parent_id", "a.parent_id");
	for (size_t i = 0; i < sizeof list_statuses / sizeof *list_statuses; i++) {
		if (strcmp(list_statuses[i].status, status) == 0)
			buf_adds(&q.sql, list_statuses[i].where);
	}
	/* Within one site, the page's own index (site, then the sort) reads
	 * at most the site in order; a condition range would draw the
	 * planner to the condition index, then to folding and sorting every
	 * asset in the range (8 ms against 5). "+ 0" keeps it off. */
	if (!estate_reads_all(&c->who) && strcmp(sort, "condition") != 0)
		cond = "COALESCE(a.condition, 6) + 0";
	if (arg_has(c, "condition_min")) {
		xsnprintf(before, sizeof before, " AND %s >= (SELECT ", cond);
		list_param(&q, before, NULL,
		    xasprintf("%lld", (long long)arg_int(c, "condition_min", 1)), "::int)");
	}
	if (arg_has(c, "condition_max") || arg_has(c, "condition_min")) {
		xsnprintf(before, sizeof before, " AND %s <= (SELECT ", cond);
		list_param(&q, before, NULL,
		    xasprintf("%lld", (long long)arg_int(c, "condition_max", 5)), "::int)");
	}
	if (arg_has(c, "after")) {
		list_param(&q, list_orders[order].after[0], value, NULL, "");
		list_param(&q, list_orders[order].after[1], NULL,
		    xasprintf("%lld", (long long)after_id), list_orders[order].after[2]);
	}
	buf_adds(&q.sql, list_orders[order].order);
	/* The limit is part of the text, as a number: PostgreSQL then costs
	 * the shape's plan for a page rather than for a tenth of the table,
	 * and keeps one generic plan instead of planning every call. */
	buf_printf(&q.sql, " LIMIT %lld", (long long)limit + 1);
	if (!estate_reads_all(&c->who))
		buf_printf(&q.sql, ") x ORDER BY x.sort_key, x.id LIMIT %lld) a " ASSET_JOINS
		    " ORDER BY a.sort_key, a.id", (long long)limit + 1);
	buf_addc(&q.sql, '\0');
	res = db_qt(c, (const char *)q.sql.data, q.n, q.values);
	if (res != NULL) {
		r = estate_page(res, limit, PQfnumber(res, list_orders[order].key), &asset_pack);
		PQclear(res);
	}
	for (int i = 0; i < q.n; i++)
		free(q.owned[i]);
	buf_free(&q.sql);
	return r != NULL ? call_ok(c, r) : -1;
}

/* The tree browser: the children of an asset, or the assets at the top
 * (of one site, or everywhere). */
static int asset_children(struct call *c)
{
	const char *value = NULL;
	int64_t limit = arg_int(c, "limit", 100), after_id = 0;
	PGresult *res;
	struct rv *r;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after_id, &value) != 0)
		return -1;
	res = db_q(c, "SELECT " ASSET_COLUMNS " FROM " ASSET_FROM
	    " WHERE " SCOPE_SQL("$1", "$2")
	    " AND (($3::bigint IS NULL AND a.parent_id IS NULL) OR a.parent_id = $3)"
	    " AND ($4::bigint IS NULL OR a.site_id = $4)"
	    " AND ($5::boolean OR a.status <> 'disposed')"
	    " AND ($6::bigint IS NULL OR a.code > $7::text)"
	    " ORDER BY a.code LIMIT $8", "bAIIbIsi", estate_reads_all(&c->who), c->who.sites,
	    c->who.nsites, arg_int(c, "id", 0), arg_int(c, "site_id", 0),
	    arg_bool(c, "disposed", false), after_id, value, limit + 1);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, 1, &asset_pack);
	PQclear(res);
	return call_ok(c, r);
}

/* ---- search ----
 * Ranks: 0 the exact code, 1 codes starting with the query, 2 names
 * starting with it, 3 the query at the start of a word of the code, name
 * or address, 4 every word of the query somewhere in them ("ecole
 * jules" finds "École maternelle Jules-Ferry"). Each branch reads an
 * index and stops at its own limit, so a short or common query costs no
 * more than a rare one. Trigrams need three characters: the longest word
 * finds the candidates, and shorter queries look at prefixes only. Case,
 * accents, hyphens and apostrophes are folded (regie_fold).
 *
 * This statement answers until regied's search index is loaded (or when
 * it is off); the index (search_index.c) finds, ranks and orders the
 * same page in memory, and search_ids_sql reads its rows. */
#define SEARCH_FILTER \
	" AND " SCOPE_SQL("$4", "$5") " AND a.status <> 'disposed'" \
	" AND ($6::bigint IS NULL OR a.type_id = $6)"
#define SEARCH_CANDIDATES 200
#define SEARCH_WORDS_MAX 16

static const char search_sql[] =
    "WITH hits AS ("
    " (SELECT a.id, 0 AS rank FROM assets a WHERE a.code = upper($1)" SEARCH_FILTER ")"
    " UNION ALL"
    " (SELECT a.id, 1 FROM assets a WHERE a.code LIKE upper($2) || '%'" SEARCH_FILTER
    "  ORDER BY a.code USING ~<~ LIMIT $3)"
    " UNION ALL"
    " (SELECT a.id, 2 FROM assets a WHERE regie_fold(a.name) LIKE regie_fold($2) || '%'"
    SEARCH_FILTER "  ORDER BY regie_fold(a.name) USING ~<~ LIMIT $3)"
    " UNION ALL"
    " (SELECT a.id, 4 FROM assets a WHERE char_length(regie_fold($8)) >= 3"
    "  AND a.search LIKE '%' || regie_fold($8) || '%'"
    "  AND a.search LIKE ALL (SELECT '%' || regie_fold(w) || '%' FROM unnest($9::text[]) w)"
    SEARCH_FILTER " LIMIT $7)"
    "), best AS (SELECT id, min(rank) AS rank FROM hits GROUP BY id) "
    "SELECT " ASSET_COLUMNS ", CASE WHEN b.rank < 3 THEN b.rank"
    " WHEN ' ' || a.search LIKE '% ' || regie_fold($2) || '%' THEN 3 ELSE 4 END AS rank"
    " FROM best b JOIN " ASSET_FROM " ON a.id = b.id"
    " ORDER BY rank, word_similarity(regie_fold($1), a.search) DESC, char_length(a.name), a.code"
    " LIMIT $3";

/* The rows of the page the search index found (see search_index.h), by
 * primary key; asset_search puts them in the index's order. Scope,
 * status and type are checked again on the rows as they are. The ids go
 * through (SELECT $1) so that the plan never depends on them: one generic
 * plan, no planning per keystroke. */
static const char search_ids_sql[] =
    "SELECT " ASSET_COLUMNS " FROM " ASSET_FROM
    " WHERE a.id = ANY ((SELECT $1::bigint[])::bigint[])"
    " AND " SCOPE_SQL("$2", "$3") " AND a.status <> 'disposed'"
    " AND ($4::bigint IS NULL OR a.type_id = $4)";

/* The index's page from the rows read by id: in the index's order, with
 * its ranks; a row gone or out of scope since is left out. */
static struct rv *search_page(const PGresult *res, const struct search_hit *hits, size_t n)
{
	struct rv *items = rv_array();
	int nrows = PQntuples(res);

	for (size_t i = 0; i < n; i++) {
		for (int r = 0; r < nrows; r++) {
			if (db_int(res, r, 0) == hits[i].id) {
				struct rv *row = asset_row(res, r);
				rv_set_int(row, "rank", hits[i].rank);
				rv_push(items, row);
				break;
			}
		}
	}
	return items;
}

/* The query's words as regie_fold separates them; *longest indexes the
 * one with the most bytes once LIKE-escaped (0 when there is none). */
static size_t search_words(const char *query, char **words, size_t max, size_t *longest)
{
	char *copy = xstrdup(query), *save = NULL, *w;
	size_t n = 0, longest_len = 0;

	/* The typographic apostrophe, U+2019, as a plain one. */
	for (char *p = copy; (p = strstr(p, "\xe2\x80\x99")) != NULL; )
		memcpy(p, "   ", 3);
	*longest = 0;
	for (w = strtok_r(copy, " \t\r\n-'", &save); w != NULL && n < max;
	    w = strtok_r(NULL, " \t\r\n-'", &save)) {
		char *escaped = estate_like_escape(w);

		if (strlen(escaped) > longest_len) {
			longest_len = strlen(escaped);
			*longest = n;
		}
		free(escaped);
		words[n++] = xstrdup(w);
	}
	free(copy);
	return n;
}

static int asset_search(struct call *c)
{
	const char *query = arg_str(c, "query", NULL);
	char *pattern = estate_like_escape(query), *words[SEARCH_WORDS_MAX];
	char *escaped[SEARCH_WORDS_MAX];
	size_t longest, nwords = search_words(query, words, SEARCH_WORDS_MAX, &longest);
	struct search_query q = {
		.query = query, .words = (const char *const *)words, .nwords = nwords,
		.longest = longest, .type_id = arg_int(c, "type_id", 0),
		.limit = arg_int(c, "limit", 20), .who = &c->who,
		.reads_all = estate_reads_all(&c->who),
	};
	struct search_hit *hits = NULL;
	size_t nhits = 0;
	PGresult *res;
	struct rv *r, *items = NULL;

	for (size_t i = 0; i < nwords; i++)
		escaped[i] = estate_like_escape(words[i]);
	if (search_index_search(&q, &hits, &nhits) == 0) {
		int64_t *ids = xcalloc(nhits + 1, sizeof *ids);

		for (size_t i = 0; i < nhits; i++)
			ids[i] = hits[i].id;
		res = nhits == 0 ? NULL : db_q(c, search_ids_sql, "AbAI", ids, nhits, q.reads_all,
		    c->who.sites, c->who.nsites, q.type_id);
		free(ids);
		if (res != NULL)
			items = search_page(res, hits, nhits);
		else if (nhits == 0)
			items = rv_array();
	} else {
		res = db_q(c, search_sql, "ssibAIisS", query, pattern, q.limit, q.reads_all,
		    c->who.sites, c->who.nsites, q.type_id, (int64_t)SEARCH_CANDIDATES,
		    nwords > 0 ? escaped[longest] : "", (const char *const *)escaped, nwords);
	}
	for (size_t i = 0; i < nwords; i++) {
		free(words[i]);
		free(escaped[i]);
	}
	free(hits);
	free(pattern);
	if (items == NULL && res != NULL) {
		items = rv_array();
		for (int i = 0; i < PQntuples(res); i++)
			rv_push(items, asset_row(res, i));
	}
	PQclear(res);
	if (items == NULL)
		return -1;
	r = rv_map();
	rv_set(r, "items", items);
	return call_ok(c, r);
}

/* ---- nearby ----
 * A box around the point on the GiST index, then the exact distance. A
 * degree of latitude is 111.32 km everywhere; one of longitude shrinks
 * with the cosine of the latitude (the box spans every longitude near
 * the poles). */
static int asset_nearby(struct call *c)
{
	const char *lat = arg_str(c, "lat", NULL), *lon = arg_str(c, "lon", NULL);
	int64_t id = arg_int(c, "id", 0);
	char *from_lat = NULL, *from_lon = NULL;
	PGresult *res;
	struct rv *r;

	if (id != 0) {
		res = db_q(c, "SELECT a.lat, a.lon FROM assets a WHERE a.id = $1 AND "
		    SCOPE_SQL("$2", "$3"), "ibA", id, estate_reads_all(&c->who), c->who.sites,
		    c->who.nsites);
		if (res == NULL)
			return -1;
		if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
			bool found = PQntuples(res) > 0;
			PQclear(res);
			return found ? call_fail(c, RERR_INVALID, "id", "this asset has no location") :
			    call_fail(c, RERR_NOT_FOUND, "id", "no asset with id %lld", (long long)id);
		}
		lat = from_lat = xstrdup(PQgetvalue(res, 0, 0));
		lon = from_lon = xstrdup(PQgetvalue(res, 0, 1));
		PQclear(res);
	} else if (lat == NULL || lon == NULL) {
		return call_fail(c, RERR_INVALID, lat == NULL ? "lat" : "lon",
		    "give lat and lon, or the id of an asset");
	} else if (estate_check_point(c, lat, lon) != 0) {
		return -1;
	}
	res = db_q(c, "SELECT " ASSET_COLUMNS ", round(x.d)::bigint AS distance FROM ("
	    " SELECT a.id, regie_distance_m($1::float8, $2::float8, a.lat::float8, a.lon::float8) AS d"
	    " FROM (SELECT $3::float8 / 111320 AS dlat, least(180, $3::float8 / 111320 /"
	    "  greatest(cos(radians($1::float8)), 0.01)) AS dlon) k, assets a"
	    " WHERE point(a.lon::float8, a.lat::float8) <@ box("
	    "  point($2::float8 - k.dlon, $1::float8 - k.dlat),"
	    "  point($2::float8 + k.dlon, $1::float8 + k.dlat))"
	    " AND " SCOPE_SQL("$4", "$5") " AND a.status <> 'disposed'"
	    " AND ($6::bigint IS NULL OR a.type_id = $6) AND ($7::bigint IS NULL OR a.id <> $7)"
	    ") x JOIN " ASSET_FROM " ON a.id = x.id WHERE x.d <= $3"
	    " ORDER BY x.d, a.id LIMIT $8", "ssibAIIi", lat, lon, arg_int(c, "radius", 500),
	    estate_reads_all(&c->who), c->who.sites, c->who.nsites, arg_int(c, "type_id", 0), id,
	    arg_int(c, "limit", 50));
	free(from_lat);
	free(from_lon);
	if (res == NULL)
		return -1;
	r = rv_map();
	rv_set(r, "items", rv_array());
	for (int i = 0; i < PQntuples(res); i++)
		rv_push((struct rv *)rv_get(r, "items"), asset_row(res, i));
	PQclear(res);
	return call_ok(c, r);
}

/* ---- condition history, newest first ---- */

static int asset_conditions(struct call *c)
{
	int64_t id = arg_int(c, "id", 0), limit = arg_int(c, "limit", 50), after_id = 0;
	const char *value = NULL;
	PGresult *res;
	struct rv *r;

	if (arg_has(c, "after") &&
	    estate_cursor_parse(c, arg_str(c, "after", NULL), &after_id, &value) != 0)
		return -1;
	res = db_q(c, "SELECT 1 FROM assets a WHERE a.id = $1 AND " SCOPE_SQL("$2", "$3"), "ibA",
	    id, estate_reads_all(&c->who), c->who.sites, c->who.nsites);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return call_fail(c, RERR_NOT_FOUND, "id", "no asset with id %lld", (long long)id);
	}
	PQclear(res);
	res = db_q(c, "SELECT h.id, h.observed, h.score, h.note, h.user_id, u.login AS user_login, "
	    "u.name AS user_name, h.created FROM asset_conditions h "
	    "LEFT JOIN users u ON u.id = h.user_id WHERE h.asset_id = $1 "
	    "AND ($2::bigint IS NULL OR (h.observed, h.id) < ($3::date, $2)) "
	    "ORDER BY h.observed DESC, h.id DESC LIMIT $4", "iIsi", id, after_id, value, limit + 1);
	if (res == NULL)
		return -1;
	r = estate_page(res, limit, 1, NULL);
	PQclear(res);
	return call_ok(c, r);
}

#define PAGE_PARAMS(max) \
	{ "limit", P_INT, false, 1, max, NULL }, \
	{ "after", P_CURSOR, false, 0, 0, NULL }

const struct method asset_methods[] = {
	{ "asset.get", asset_get, ROLE_ALL, 0, "one asset with its attributes and documents", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ 0 } } },
	{ "asset.list", asset_list, ROLE_ALL, M_PAGE,
	  "assets filtered by type, service, site, parent, status and condition; "
	  "sorted by code, name or condition (worst first)", {
		{ "type_id", P_ID, false, 0, 0, NULL },
		{ "service_id", P_ID, false, 0, 0, NULL },
		{ "site_id", P_ID, false, 0, 0, NULL },
		{ "parent_id", P_ID, false, 0, 0, NULL },
		{ "status", P_CHOICE, false, 0, 0, status_filters },
		{ "condition_min", P_INT, false, 1, 5, NULL },
		{ "condition_max", P_INT, false, 1, 5, NULL },
		{ "sort", P_CHOICE, false, 0, 0, list_sorts },
		PAGE_PARAMS(500),
		{ 0 } } },
	{ "asset.children", asset_children, ROLE_ALL, M_PAGE,
	  "the children of an asset by code; without id, the assets at the top "
	  "(of site_id when given)", {
		{ "id", P_ID, false, 0, 0, NULL },
		{ "site_id", P_ID, false, 0, 0, NULL },
		{ "disposed", P_BOOL, false, 0, 0, NULL },
		PAGE_PARAMS(500),
		{ 0 } } },
	{ "asset.search", asset_search, ROLE_ALL, 0,
	  "as-you-type search over code, name and address: exact code first, then prefixes, "
	  "then words, then anywhere", {
		{ "query", P_STR, true, 1, 100, NULL },
		{ "type_id", P_ID, false, 0, 0, NULL },
		{ "limit", P_INT, false, 1, 50, NULL },
		{ 0 } } },
	{ "asset.nearby", asset_nearby, ROLE_ALL, 0,
	  "assets within radius metres of a point (lat, lon as decimal strings) or of an asset, "
	  "nearest first", {
		{ "lat", P_STR, false, 1, 20, NULL },
		{ "lon", P_STR, false, 1, 20, NULL },
		{ "id", P_ID, false, 0, 0, NULL },
		{ "radius", P_INT, false, 1, 50000, NULL },
		{ "type_id", P_ID, false, 0, 0, NULL },
		{ "limit", P_INT, false, 1, 500, NULL },
		{ 0 } } },
	{ "asset.conditions", asset_conditions, ROLE_ALL, M_PAGE,
	  "an asset's condition history, newest first", {
		{ "id", P_ID, true, 0, 0, NULL },
		PAGE_PARAMS(500),
		{ 0 } } },
	{ 0 }
};
