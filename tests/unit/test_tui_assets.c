/* The Assets screens' logic: the tree browser's rows as levels are
 * expanded, paged and collapsed; a type's attributes as form fields and
 * back to the JSON the server checks; dates and money as shown. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assets.h"
#include "form.h"
#include "rv.h"
#include "text.h"
#include "tui.h"

static struct rv *
json(const char *text)
{
	char err[128];
	struct rv *v = rv_from_json(text, err, sizeof err);

	if (v == NULL)
		fail_msg("bad JSON in the test: %s", err);
	return v;
}

/* A page of assets inside asset parent (0: the top level, of sites). */
static void
load(struct asset_tree *t, int64_t parent, const char *page, bool want)
{
	struct rv *r = json(page);

	assert_int_equal(asset_tree_loaded(t, parent != 0 ? NODE_ASSET : NODE_ROOT, parent,
	    r, NODE_ASSET), want);
	rv_free(r);
}

/* The rows as "depth:id" or "depth:more", to compare whole trees. */
static char *
rows(const struct asset_tree *t)
{
	static char buf[512];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < t->n; i++) {
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%d:", i > 0 ? " " : "",
		    t->nodes[i].depth);
		if (t->nodes[i].kind == NODE_MORE)
			len += (size_t)snprintf(buf + len, sizeof buf - len, "more");
		else
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%lld",
			    (long long)t->nodes[i].id);
	}
	return buf;
}

static void
test_tree(void **state)
{
	struct asset_tree t = { 0 };
	enum asset_node_kind pkind;
	const char *after;
	int64_t parent;
	struct rv *r;

	/* The top, a page at a time: the "more" row stands for the rest. */
	load(&t, 0, "{items: [{id: 1, has_children: true}, {id: 2, has_children: false}],"
	    " next: \"p2\"}", true);
	assert_string_equal(rows(&t), "0:1 0:2 0:more");
	assert_false(asset_tree_expand(&t, 1));	/* nothing inside */

	/* Expanding: the children come under their parent, one level in. */
	assert_true(asset_tree_expand(&t, 0));
	assert_false(asset_tree_expand(&t, 0));	/* asked once */
	assert_true(t.nodes[0].loading);
	load(&t, 1, "{items: [{id: 10, has_children: true}, {id: 11}], next: \"c2\"}", true);
	assert_string_equal(rows(&t), "0:1 1:10 1:11 1:more 0:2 0:more");
	assert_false(t.nodes[0].loading);
	assert_int_equal(t.cur, 0);

	/* A level deeper, then the next page of the middle level goes where
	 * its "more" row was, before the top's rows. */
	assert_true(asset_tree_expand(&t, 1));
	load(&t, 10, "{items: [{id: 100}], next: null}", true);
	assert_string_equal(rows(&t), "0:1 1:10 2:100 1:11 1:more 0:2 0:more");
	t.cur = 4;
	assert_true(asset_tree_more(&t, 4, &pkind, &parent, &after));
	assert_int_equal(pkind, NODE_ASSET);
	assert_int_equal(parent, 1);
	assert_string_equal(after, "c2");
	assert_false(asset_tree_more(&t, 4, &pkind, &parent, &after));	/* already asked */
	load(&t, 1, "{items: [{id: 12}, {id: 13}], next: null}", true);
	assert_string_equal(rows(&t), "0:1 1:10 2:100 1:11 1:12 1:13 0:2 0:more");
	/* The cursor was on "more": now on the first row of that page. */
	assert_int_equal(t.nodes[t.cur].id, 12);

	/* The top's next page, at the end. */
	load(&t, 0, "{items: [{id: 3}], next: null}", true);
	assert_string_equal(rows(&t), "0:1 1:10 2:100 1:11 1:12 1:13 0:2 0:3");
	assert_int_equal(t.nodes[t.cur].id, 12);

	/* Parents, found by the rows above. */
	assert_int_equal(asset_tree_parent(&t, 2), 1);
	assert_int_equal(asset_tree_parent(&t, 5), 0);
	assert_int_equal(asset_tree_parent(&t, 6), -1);
	assert_int_equal(asset_tree_find(&t, NODE_ASSET, 13), 5);
	assert_int_equal(asset_tree_find(&t, NODE_ASSET, 99), -1);
	assert_int_equal(asset_tree_find(&t, NODE_SITE, 13), -1);

	/* Collapsing drops the whole subtree; the cursor inside it goes to
	 * the row collapsed. */
	asset_tree_collapse(&t, 0);
	assert_string_equal(rows(&t), "0:1 0:2 0:3");
	assert_int_equal(t.cur, 0);
	assert_false(t.nodes[0].expanded);

	/* An answer for a level closed meanwhile is dropped. */
	assert_true(asset_tree_expand(&t, 0));
	asset_tree_collapse(&t, 0);
	load(&t, 1, "{items: [{id: 10}], next: null}", false);
	assert_string_equal(rows(&t), "0:1 0:2 0:3");

	/* The cursor below an insertion stays on its row. */
	t.cur = 2;
	assert_true(asset_tree_expand(&t, 0));
	load(&t, 1, "{items: [{id: 10}, {id: 11}], next: null}", true);
	assert_int_equal(t.nodes[t.cur].id, 3);
	asset_tree_clear(&t);
	assert_int_equal(t.n, 0);

	/* Sites, then the assets at the top of one: a site and an asset may
	 * share a number without being confused. */
	r = json("{items: [{id: 1, code: \"HDV\"}, {id: 2}], next: null}");
	assert_true(asset_tree_loaded(&t, NODE_ROOT, 0, r, NODE_SITE));
	rv_free(r);
	assert_true(t.nodes[0].has_children);	/* a site may hold assets */
	assert_true(asset_tree_expand(&t, 0));
	r = json("{items: [{id: 1, has_children: true}], next: null}");
	assert_false(asset_tree_loaded(&t, NODE_SITE, 2, r, NODE_ASSET));	/* closed */
	assert_true(asset_tree_loaded(&t, NODE_SITE, 1, r, NODE_ASSET));
	rv_free(r);
	assert_int_equal(asset_tree_find(&t, NODE_ASSET, 1), 1);
	assert_int_equal(asset_tree_find(&t, NODE_SITE, 1), 0);
	assert_int_equal(t.nodes[1].depth, 1);
	/* A site with nothing at its top: no longer offered to expand. */
	assert_true(asset_tree_expand(&t, 2));
	r = json("{items: [], next: null}");
	assert_true(asset_tree_loaded(&t, NODE_SITE, 2, r, NODE_ASSET));
	rv_free(r);
	assert_false(t.nodes[2].has_children);
	assert_false(t.nodes[2].expanded);
	assert_false(asset_tree_expand(&t, 2));
	asset_tree_clear(&t);
}

static const char *tree_type =
    "{id: 11, code: \"tree\", attributes: ["
    "{name: \"species\", label: \"Species\", data_type: \"text\", unit: \"\", required: true},"
    "{name: \"height\", label: \"Height\", data_type: \"numeric\", unit: \"m\","
    " required: false, min_value: \"0\", max_value: \"120\"},"
    "{name: \"planting_year\", label: \"Planting year\", data_type: \"int\", unit: \"\","
    " required: false},"
    "{name: \"felled\", label: \"Felled on\", data_type: \"date\", unit: \"\", required: false},"
    "{name: \"shape\", label: \"Shape\", data_type: \"choice\", unit: \"\", required: false,"
    " choices: [\"free\", \"pollard\", \"espalier\"]}]}";

static void
test_attributes(void **state)
{
	struct rv *type = json(tree_type), *values;
	struct form *f = form_new(), *g;
	struct form_field *fld;
	char *out;

	f->month_first = false;
	asset_attrs_fields(f, type);
	assert_int_equal(f->n, 5);
	fld = form_get(f, "attributes.species");
	assert_non_null(fld);
	assert_int_equal(fld->type, F_TEXT);
	assert_true(fld->required);
	assert_string_equal(fld->label, "Species");
	assert_int_equal(form_get(f, "attributes.planting_year")->type, F_NUMBER);
	assert_int_equal(form_get(f, "attributes.felled")->type, F_DATE);
	assert_int_equal(form_get(f, "attributes.shape")->type, F_CHOICE);
	assert_int_equal(form_get(f, "attributes.shape")->nopts, 3);
	/* The unit and the bounds, beside the field. */
	assert_string_equal(form_get(f, "attributes.height")->hint, "m, 0\u2013120");
	assert_string_equal(asset_attr_label(type, "planting_year"), "Planting year");

	/* The species is required; a height must be a number. */
	assert_false(form_validate(f));
	assert_string_equal(form_get(f, "attributes.species")->error, "Required");

	/* An asset's values fill the fields, each the way it is typed. */
	values = json("{species: \"Platanus \u00d7 hispanica\", height: 22.5,"
	    " planting_year: 1913, felled: \"2024-05-03\", shape: \"pollard\"}");
	asset_attrs_fill(f, type, values);
	rv_free(values);
	out = form_text(f, "attributes.felled");
	assert_string_equal(out, "03/05/2024");
	free(out);
	out = form_text(f, "attributes.height");
	assert_string_equal(out, "22.5");
	free(out);
	assert_true(form_validate(f));
	out = asset_attrs_json(f, type);
	assert_string_equal(out, "{\"species\": \"Platanus \u00d7 hispanica\", \"height\": \"22.5\","
	    " \"planting_year\": 1913, \"felled\": \"2024-05-03\", \"shape\": \"pollard\"}");
	free(out);

	/* A decimal comma is sent as a point; empty optional ones are left
	 * out; a word is no number. */
	form_set_text(f, "attributes.height", "12,5");
	form_set_text(f, "attributes.planting_year", "");
	form_set_text(f, "attributes.felled", "");
	form_set_keys(f, "attributes.shape", NULL);
	assert_true(form_validate(f));
	out = asset_attrs_json(f, type);
	assert_string_equal(out, "{\"species\": \"Platanus \u00d7 hispanica\", \"height\": \"12.5\"}");
	free(out);
	form_set_text(f, "attributes.height", "douze");
	assert_false(form_validate(f));
	assert_non_null(form_get(f, "attributes.height")->error);
	assert_null(asset_check_decimal("-0,25"));
	assert_non_null(asset_check_decimal("1.2.3"));
	assert_non_null(asset_check_decimal(","));

	/* A server error names the attribute's field. */
	assert_true(form_set_error(f, "attributes.species", "unknown species"));
	assert_string_equal(form_focused(f)->name, "attributes.species");

	/* Rebuilt for another type, the form keeps the fields both have. */
	form_set_text(f, "attributes.height", "30");
	g = form_new();
	form_add(g, F_TEXT, "attributes.height", "Height");
	form_add(g, F_NUMBER, "attributes.species", "Species");	/* another kind */
	form_add(g, F_CHOICE, "attributes.shape", "Shape");
	form_option_add(form_get(g, "attributes.shape"), 1, "pollard", "pollard");
	values = json("\"pollard\"");
	form_set_keys(f, "attributes.shape", values);
	rv_free(values);
	asset_form_copy(g, f);
	assert_int_equal(form_get(g, "attributes.shape")->nids, 1);
	out = form_text(g, "attributes.height");
	assert_string_equal(out, "30");
	free(out);
	out = form_text(g, "attributes.species");
	assert_string_equal(out, "");
	free(out);
	form_free(g);
	form_free(f);
	rv_free(type);
}

static void
test_formats(void **state)
{
	char buf[64];

	assert_string_equal(asset_date_field("2026-11-28", false, buf, sizeof buf),
	    "28/11/2026");
	assert_string_equal(asset_date_field("2026-11-28", true, buf, sizeof buf),
	    "11/28/2026");
	assert_string_equal(asset_date_field("soon", false, buf, sizeof buf), "soon");
	/* A building of 1883 can be edited: its date is taken back as is. */
	assert_null(form_parse_date(asset_date_field("1883-03-01", false, buf, sizeof buf),
	    false, buf, sizeof buf));
	assert_string_equal(buf, "1883-03-01");
	/* The C locale groups nothing: thousands get a space all the same. */
	assert_string_equal(asset_money_text("3446000.00", buf, sizeof buf),
	    "3 446 000.00 \u20ac");
	assert_string_equal(asset_money_text("700.50", buf, sizeof buf), "700.50 \u20ac");
	assert_string_equal(asset_money_text("", buf, sizeof buf), "");
	assert_string_equal(asset_status_text("out_of_service"), "out of service");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_formats),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
