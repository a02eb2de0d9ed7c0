/* The table widget against a fake keyset-paged server: paging windows,
 * a million rows in bounded memory, reloads that keep the cursor, stale
 * answers, the filter and sort views, the selection, column fitting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rv.h"
#include "table.h"
#include "tui.h"

/* The server: rows with ascending ids, paged by the last id seen. */
struct fake {
	int64_t *ids;
	size_t n;
	const char **names;	/* by id % nnames, when set */
	size_t nnames;
	bool bare;		/* ids only: cheap pages for the big list */
	uint32_t next_id;
	size_t requests;
};

static struct rv *
fake_page(struct fake *f, const char *after, size_t limit)
{
	struct rv *res = rv_map(), *items = rv_set(res, "items", rv_array()), *it;
	int64_t from = after != NULL ? atoll(after) : 0;
	size_t i, got = 0, lo = 0, hi = f->n, mid;
	char name[64], cur[32];

	f->requests++;
	/* The first id after the cursor, as an index would find it. */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (f->ids[mid] <= from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < f->n && got < limit; i++) {
		it = rv_push(items, rv_map());
		rv_set_int(it, "id", f->ids[i]);
		if (f->bare)
			;
		else if (f->names != NULL)
			rv_set_str(it, "name", f->names[(f->ids[i] / 10) % f->nnames]);
		else {
			snprintf(name, sizeof name, "Row %lld", (long long)f->ids[i]);
			rv_set_str(it, "name", name);
		}
		got++;
		from = f->ids[i];
	}
	/* A full page has a next, as a keyset server does. */
	if (got == limit && got > 0) {
		snprintf(cur, sizeof cur, "%lld", (long long)from);
		rv_set_str(res, "next", cur);
	} else
		rv_set_nil(res, "next");
	return res;
}

static void
fake_init(struct fake *f, size_t n)
{
	size_t i;

	memset(f, 0, sizeof *f);
	f->ids = calloc(n + 16, sizeof *f->ids);	/* room for inserts */
	for (i = 0; i < n; i++)
		f->ids[i] = (int64_t)(i + 1) * 10;
	f->n = n;
}

static void
fake_free(struct fake *f)
{
	free(f->ids);
}

/* Answers every request the table makes until it wants none. */
static size_t
pump(struct table *t, struct fake *f)
{
	size_t page, n = 0;
	const char *after;
	struct rv *res;

	while (table_need(t, &page, &after)) {
		table_sent(t, page, ++f->next_id);
		res = fake_page(f, after, t->page_size);
		assert_true(table_loaded(t, f->next_id, res));
		rv_free(res);
		n++;
	}
	return n;
}

static const struct table_col cols[] = {
	{ "Id", 4, 10, 1, TEXT_RIGHT, true },
	{ "Name", 8, 0, 2, TEXT_LEFT, false },
};

static void
fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	char id[32];

	row->id = rv_path_int(item, "id", 0);
	snprintf(id, sizeof id, "%lld", (long long)row->id);
	table_row_set(t, row, 0, id);
	table_row_set(t, row, 1, rv_path_str(item, "name", ""));
}

/* The big list's rows carry only their id, so that a million of them
 * stream through quickly even under valgrind. */
static void
fill_bare(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	row->id = rv_path_int(item, "id", 0);
	row->folded = calloc(1, 1);
}

static void
setup_table(struct table *t, size_t page, size_t window)
{
	table_init(t, cols, 2, page, window);
	table_set_fill(t, fill, NULL);
	table_set_height(t, 20);
}

static size_t
rows_held(const struct table *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->npages; i++)
		n += t->pages[i].n;
	return n;
}

static void
test_first_pages(void **state)
{
	struct table t;
	struct fake f;
	size_t page;
	const char *after;
	char buf[64];

	fake_init(&f, 250);
	setup_table(&t, 100, 4);
	assert_null(table_current(&t));
	assert_true(table_need(&t, &page, &after));
	assert_int_equal(page, 0);
	assert_null(after);
	pump(&t, &f);
	/* One page, and no more until the cursor comes near its end. */
	assert_int_equal(f.requests, 1);
	assert_int_equal(table_count(&t), 100);
	assert_false(table_count_exact(&t));
	assert_string_equal(table_position(&t, buf, sizeof buf), "1/100+");
	assert_int_equal(table_current(&t)->id, 10);

	table_move(&t, 70);
	pump(&t, &f);
	assert_int_equal(f.requests, 2);
	assert_int_equal(table_count(&t), 200);
	table_end(&t);
	pump(&t, &f);
	assert_int_equal(table_count(&t), 250);
	assert_true(table_count_exact(&t));
	assert_int_equal(table_current(&t)->id, 2500);
	assert_string_equal(table_position(&t, buf, sizeof buf), "250/250");
	/* The end is known: moving past it stays on the last row. */
	table_move(&t, 5);
	assert_int_equal(t.cur, 249);
	table_free(&t);
	fake_free(&f);
}

static void
test_million_rows(void **state)
{
	struct table t;
	struct fake f;
	size_t before, page;
	const char *after;

	fake_init(&f, 1000000);
	f.bare = true;
	setup_table(&t, 500, 6);
	table_set_fill(&t, fill_bare, NULL);
	pump(&t, &f);
	/* End pages on to the last row... */
	table_end(&t);
	pump(&t, &f);
	assert_true(table_count_exact(&t));
	assert_int_equal(table_count(&t), 1000000);
	assert_int_equal(t.cur, 999999);
	assert_int_equal(table_current(&t)->id, 10000000);
	/* ...holding no more than its window. */
	assert_true(t.npages <= 6);
	assert_true(rows_held(&t) <= 6 * 500);

	/* Scrolling there costs what it costs at the top: no request for a
	 * row in memory, one page for a row next to it. */
	before = f.requests;
	table_move(&t, -100);
	pump(&t, &f);
	assert_int_equal(f.requests, before);
	table_move(&t, -2000);
	pump(&t, &f);
	assert_true(f.requests - before <= 2);
	assert_int_equal(table_current(&t)->id, (int64_t)(999999 - 2100 + 1) * 10);

	/* Home is one request, by the first page's cursor (none). */
	table_home(&t);
	assert_true(table_need(&t, &page, &after));
	assert_int_equal(page, 0);
	assert_null(after);
	before = f.requests;
	pump(&t, &f);
	assert_int_equal(f.requests - before, 1);
	assert_int_equal(table_current(&t)->id, 10);
	assert_int_equal(t.first, 0);

	/* And back to the middle: its page is fetched by its own cursor. */
	t.cur = 600250;
	before = f.requests;
	pump(&t, &f);
	assert_int_equal(f.requests - before, 1);
	assert_int_equal(table_current(&t)->id, 6002510);
	assert_int_equal(table_count(&t), 1000000);
	table_free(&t);
	fake_free(&f);
}

static void
test_reload_keeps_row(void **state)
{
	struct table t;
	struct fake f;
	size_t i;

	fake_init(&f, 150);
	setup_table(&t, 50, 4);
	pump(&t, &f);
	table_move(&t, 30);
	pump(&t, &f);
	assert_int_equal(table_current(&t)->id, 310);

	/* Someone adds rows before ours: a reload follows the row. */
	memmove(f.ids + 2, f.ids, f.n * sizeof *f.ids);
	f.ids[0] = 1;
	f.ids[1] = 2;
	f.n += 2;
	table_reload(&t);
	/* What was shown stays until the answer comes. */
	assert_int_equal(table_current(&t)->id, 310);
	pump(&t, &f);
	assert_int_equal(table_current(&t)->id, 310);
	assert_int_equal(t.cur, 32);

	/* The row goes away: the cursor stays where it was. */
	for (i = 0; i < f.n; i++) {
		if (f.ids[i] == 310) {
			memmove(f.ids + i, f.ids + i + 1, (f.n - i - 1) * sizeof *f.ids);
			f.n--;
		}
	}
	table_reload(&t);
	pump(&t, &f);
	assert_int_equal(t.cur, 32);
	assert_int_equal(table_current(&t)->id, 320);
	table_free(&t);
	fake_free(&f);
}

static void
test_stale_and_failed(void **state)
{
	struct table t;
	struct fake f;
	size_t page;
	const char *after;
	struct rv *res;

	fake_init(&f, 10);
	setup_table(&t, 50, 4);
	assert_true(table_need(&t, &page, &after));
	table_sent(&t, page, 7);
	/* While a page is on its way, nothing else is asked. */
	assert_false(table_need(&t, &page, &after));
	/* The filter changed meanwhile: the old answer must not land. */
	table_reset(&t);
	res = fake_page(&f, NULL, 50);
	assert_false(table_loaded(&t, 7, res));
	assert_int_equal(table_count(&t), 0);

	assert_true(table_need(&t, &page, &after));
	table_sent(&t, page, 8);
	table_failed(&t, 8, "server gone");
	assert_string_equal(t.error, "server gone");
	/* No retry storm: nothing is asked until a reload. */
	assert_false(table_need(&t, &page, &after));
	table_reload(&t);
	assert_null(t.error);
	assert_true(table_need(&t, &page, &after));
	table_sent(&t, page, 9);
	assert_true(table_loaded(&t, 9, res));
	assert_int_equal(table_count(&t), 10);
	assert_true(table_count_exact(&t));
	rv_free(res);
	table_free(&t);
	fake_free(&f);
}

static const char *names[] = {
	"Hôtel de ville", "École Jules-Ferry", "Gymnase Pierre-de-Coubertin",
	"Élagage des platanes", "Hangar municipal",
};

static void
test_filter_view(void **state)
{
	struct table t;
	struct fake f;
	char buf[96];

	fake_init(&f, 40);
	f.names = names;
	f.nnames = 5;
	setup_table(&t, 10, 8);
	pump(&t, &f);
	table_move(&t, 4);
	assert_string_equal(table_current(&t)->cells[1], "Hôtel de ville");

	/* Typing "hot": accents do not matter, the whole list is loaded and
	 * only matching rows show; the cursor stays on its row. */
	table_set_filter(&t, "hot", true);
	pump(&t, &f);
	assert_true(t.viewing);
	assert_int_equal(table_count(&t), 8);
	assert_true(table_count_exact(&t));
	assert_int_equal(table_current(&t)->id, 50);
	assert_string_equal(table_at(&t, 0)->cells[1], "Hôtel de ville");

	table_set_filter(&t, "ecole FERRY", true);
	assert_int_equal(table_count(&t), 8);
	assert_string_equal(table_current(&t)->cells[1], "École Jules-Ferry");

	table_set_filter(&t, "nothing like it", true);
	assert_int_equal(table_count(&t), 0);
	assert_null(table_current(&t));

	/* Back to all rows, in the server's order. */
	table_set_filter(&t, "hangar", true);
	table_move(&t, 2);
	assert_int_equal(table_current(&t)->id, 140);
	table_set_filter(&t, NULL, true);
	assert_false(t.viewing);
	assert_int_equal(table_current(&t)->id, 140);
	assert_int_equal(t.cur, 13);

	/* A filter the server applied hides nothing here. */
	table_set_filter(&t, "hangar", false);
	assert_false(t.viewing);
	assert_int_equal(table_count(&t), 40);

	/* More rows than the window: the view says it covers the first. */
	table_free(&t);
	fake_free(&f);
	fake_init(&f, 100);
	f.names = names;
	f.nnames = 5;
	setup_table(&t, 10, 3);
	pump(&t, &f);
	table_set_filter(&t, "hangar", true);
	pump(&t, &f);
	assert_true(t.capped);
	assert_false(table_count_exact(&t));
	assert_int_equal(table_count(&t), 6);
	assert_int_equal(t.npages, 3);
	assert_string_equal(table_position(&t, buf, sizeof buf), "1/6 in the first 30 rows");
	table_free(&t);
	fake_free(&f);
}

static void
test_sort(void **state)
{
	struct table t;
	struct fake f;
	size_t i;

	fake_init(&f, 25);
	f.names = names;
	f.nnames = 5;
	setup_table(&t, 10, 8);
	pump(&t, &f);
	table_sort(&t, 1, false);
	pump(&t, &f);
	assert_int_equal(table_count(&t), 25);
	/* Accents sort with their letter: É with E, not after Z. */
	assert_string_equal(table_at(&t, 0)->cells[1], "École Jules-Ferry");
	assert_string_equal(table_at(&t, 5)->cells[1], "Élagage des platanes");
	assert_string_equal(table_at(&t, 24)->cells[1], "Hôtel de ville");
	/* Equal names keep the server's order. */
	assert_true(table_at(&t, 0)->id < table_at(&t, 1)->id);

	table_sort(&t, 0, true);
	for (i = 1; i < 25; i++)
		assert_true(table_at(&t, i - 1)->id > table_at(&t, i)->id);
	/* Numbers sort as numbers: 250 after 90 going down means 90 < 250. */
	assert_int_equal(table_at(&t, 0)->id, 250);

	/* Cycling ends in the server's order. */
	table_sort(&t, -1, false);
	assert_false(t.viewing);
	assert_int_equal(table_at(&t, 0)->id, 10);
	table_free(&t);
	fake_free(&f);
}

static void
test_selection(void **state)
{
	struct table t;
	struct fake f;

	fake_init(&f, 300);
	setup_table(&t, 50, 2);
	t.multi = true;
	pump(&t, &f);
	table_toggle_select(&t);
	table_move(&t, 1);
	table_toggle_select(&t);
	assert_int_equal(t.nsel, 2);
	assert_true(table_is_selected(&t, 10));
	assert_true(table_is_selected(&t, 20));
	/* Paging away and back keeps the selection (it is by id). */
	table_end(&t);
	pump(&t, &f);
	assert_true(t.first > 0);
	table_home(&t);
	pump(&t, &f);
	assert_true(table_is_selected(&t, 20));
	table_move(&t, 1);
	table_toggle_select(&t);
	assert_int_equal(t.nsel, 1);
	assert_false(table_is_selected(&t, 20));
	table_clear_selection(&t);
	assert_int_equal(t.nsel, 0);
	table_free(&t);
	fake_free(&f);
}

static void
test_fit(void **state)
{
	static const struct table_col c[] = {
		{ "Login", 8, 16, 5, TEXT_LEFT, false },
		{ "Name", 10, 0, 6, TEXT_LEFT, false },
		{ "Roles", 8, 26, 3, TEXT_LEFT, false },
		{ "E-mail", 12, 30, 1, TEXT_LEFT, false },
		{ "State", 8, 10, 2, TEXT_LEFT, false },
	};
	int w[5], width, sum, i;
	size_t shown;

	for (width = 200; width >= 8; width--) {
		shown = table_fit(c, 5, width, w);
		sum = -1;
		for (i = 0; i < 5; i++)
			sum += w[i] > 0 ? w[i] + 1 : 0;
		/* Never wider than the screen, and never a column squeezed below
		 * its minimum (a single column left takes what there is). */
		assert_true(sum <= width);
		for (i = 0; i < 5 && shown > 1; i++)
			assert_true(w[i] == 0 || w[i] >= c[i].min);
	}
	/* At 80 columns all show; capped columns stop at their maximum. */
	assert_int_equal(table_fit(c, 5, 80, w), 5);
	assert_true(w[0] <= 16 && w[2] <= 26 && w[3] <= 30 && w[4] <= 10);
	/* At 40, e-mail (least needed) then roles go first; login and name stay. */
	shown = table_fit(c, 5, 40, w);
	assert_int_equal(w[3], 0);
	assert_true(w[0] > 0 && w[1] > 0);
	shown = table_fit(c, 5, 20, w);
	assert_int_equal(shown, 2);
	assert_true(w[0] > 0 && w[1] > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_pages),
		cmocka_unit_test(test_million_rows),
		cmocka_unit_test(test_reload_keeps_row),
		cmocka_unit_test(test_stale_and_failed),
		cmocka_unit_test(test_filter_view),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_fit),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
