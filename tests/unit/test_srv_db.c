/* Rows as the server sends them: a page packed straight from the result
 * (db_rows_packed) must read, once decoded, exactly as the tree db_rows
 * makes, for every column type; JSON and hidden columns as asked. The
 * results are built in memory with libpq's PQsetvalue, as PostgreSQL's
 * text output would fill them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "db.h"
#include "rv.h"
#include "wire.h"
#include "xmalloc.h"

struct column {
	const char *name;
	unsigned oid;
};

/* A result of ncols columns and nrows rows; values row by row, NULL
 * for SQL NULL. */
static PGresult *result(const struct column *cols, int ncols, int nrows,
    const char *const *values)
{
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	PGresAttDesc attrs[16];

	assert_true(ncols <= 16);
	memset(attrs, 0, sizeof attrs);
	for (int c = 0; c < ncols; c++) {
		attrs[c].name = (char *)cols[c].name;
		attrs[c].typid = cols[c].oid;
		attrs[c].typlen = -1;
		attrs[c].atttypmod = -1;
	}
	assert_int_equal(PQsetResultAttrs(res, ncols, attrs), 1);
	for (int r = 0; r < nrows; r++) {
		for (int c = 0; c < ncols; c++) {
			const char *v = values[r * ncols + c];

			assert_int_equal(PQsetvalue(res, r, c, (char *)v, v ? (int)strlen(v) : -1), 1);
		}
	}
	return res;
}

static struct rv *unpack(struct rv *packed)
{
	char err[200];
	struct rv *v;

	assert_int_equal(packed->type, RV_PACKED);
	v = wire_decode((const uint8_t *)packed->s.ptr, packed->s.len, err, sizeof err);
	if (v == NULL)
		fail_msg("a packed page does not decode: %s", err);
	rv_free(packed);
	return v;
}

static void assert_same(const struct rv *got, const char *want_json)
{
	struct rv *want = rv_from_json(want_json, NULL, 0);

	assert_non_null(want);
	if (!rv_equal(got, want)) {
		char *text = rv_to_json(got);
		fail_msg("got %s\nwanted %s", text, want_json);
	}
	rv_free(want);
}

static const struct column every_type[] = {
	{ "id", 20 }, { "small", 21 }, { "count", 23 }, { "active", 16 }, { "ratio", 701 },
	{ "at", 1184 }, { "ids", 1016 }, { "roles", 1009 }, { "amount", 1700 },
	{ "day", 1082 }, { "name", 25 }, { "attributes", 3802 },
};
#define NEVERY (int)(sizeof every_type / sizeof every_type[0])

static void test_every_type_reads_as_db_rows(void **state)
{
	const char *const values[] = {
		"7", "-3", "2147483647", "t", "0.25", "2026-11-28 18:18:27.123+00", "{1,2,30}",
		"{supervisor,\"a \\\"b\\\"\",NULL}", "1234.50", "2026-12-24", "École Jules Ferry",
		"{\"floors\": 3}",
		"9223372036854775807", NULL, NULL, "f", NULL, "2026-01-02 03:04:05+00", "{}", "{}",
		NULL, NULL, "", NULL,
	};
	PGresult *res = result(every_type, NEVERY, 2, values);
	struct rv *tree = db_rows(res), *page = unpack(db_rows_packed(res, -1, NULL));

	(void)state;
	if (!rv_equal(tree, page))
		fail_msg("packed %s\ntree %s", rv_to_json(page), rv_to_json(tree));
	assert_same(rv_path(page, "0"), "{id: 7, small: -3, count: 2147483647, active: true, "
	    "ratio: 0.25, at: \"2026-11-28T18:18:27.123Z\", ids: [1, 2, 30], "
	    "roles: [\"supervisor\", \"a \\\"b\\\"\", null], amount: \"1234.50\", "
	    "day: \"2026-12-24\", name: \"École Jules Ferry\", attributes: \"{\\\"floors\\\": 3}\"}");
	assert_same(rv_path(page, "1"), "{id: 9223372036854775807, small: null, count: null, "
	    "active: false, ratio: null, at: \"2026-01-02T03:04:05Z\", ids: [], roles: [], "
	    "amount: null, day: null, name: \"\", attributes: null}");
	rv_free(tree);
	rv_free(page);
	PQclear(res);
}

static void test_limit_json_and_hidden(void **state)
{
	static const struct column cols[] = {
		{ "id", 20 }, { "cost", 114 }, { "sort_key", 25 }, { "assignees", 3802 },
	};
	static const char *const json[] = { "cost", "assignees", NULL };
	static const char *const hidden[] = { "sort_key", NULL };
	const struct db_pack how = { .json = json, .hidden = hidden };
	const char *const values[] = {
		"1", "{\"labour\": \"37.50\", \"total\": null}", "k1", "[{\"id\": 4, \"lead\": true}]",
		"2", "{\"a\": 1, \"a\": 2}", "k2", "[]",
		"3", "{}", "k3", "[]",
	};
	PGresult *res = result(cols, 4, 3, values);
	struct rv *page = unpack(db_rows_packed(res, 2, &how));

	(void)state;
	/* Two rows of three; json as values; the sort key stays here. A
	 * JSON text with a key twice, which rv_from_json refuses too, goes
	 * as its text. */
	assert_same(page, "[{id: 1, cost: {labour: \"37.50\", total: null}, "
	    "assignees: [{id: 4, lead: true}]}, {id: 2, cost: \"{\\\"a\\\": 1, \\\"a\\\": 2}\", "
	    "assignees: []}]");
	rv_free(page);
	page = unpack(db_rows_packed(res, 0, &how));
	assert_same(page, "[]");
	rv_free(page);
	PQclear(res);
}

/* Two columns of one name: one key, the last column's value, as a map
 * made by db_row holds it. */
static void test_duplicate_column_names(void **state)
{
	static const struct column cols[] = { { "id", 20 }, { "name", 25 }, { "name", 25 } };
	const char *const values[] = { "5", "first", "second" };
	PGresult *res = result(cols, 3, 1, values);
	struct rv *page = unpack(db_rows_packed(res, -1, NULL)), *row = db_row(res, 0);

	(void)state;
	assert_same(page, "[{id: 5, name: \"second\"}]");
	assert_same(row, "{id: 5, name: \"second\"}");
	rv_free(page);
	rv_free(row);
	PQclear(res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_type_reads_as_db_rows),
		cmocka_unit_test(test_limit_json_and_hidden),
		cmocka_unit_test(test_duplicate_column_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
