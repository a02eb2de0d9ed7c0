/* The table widget: keyset paging through a window of pages, a view for
 * filters and sorts, a selection, and the drawing. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "rv.h"
#include "table.h"
#include "tui.h"
#include "xmalloc.h"

static void table_view_rebuild(struct table *t);

void
table_init(struct table *t, const struct table_col *cols, size_t ncols,
    size_t page_size, size_t window)
{
	memset(t, 0, sizeof *t);
	t->cols = cols;
	t->ncols = ncols;
	t->page_size = page_size > 0 ? page_size : 1;
	t->window = window > 1 ? window : 2;
	t->pages = xcalloc(t->window, sizeof *t->pages);
	t->cursors = xcalloc(1, sizeof *t->cursors);
	t->ncursors = 1;
	t->sort_col = -1;
	t->filter_local = true;
	t->height = 10;
}

void
table_set_fill(struct table *t, table_fill_cb fill, void *arg)
{
	t->fill = fill;
	t->fill_arg = arg;
}

static void
table_row_free(struct table *t, struct table_row *row)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(row->cells[i]);
	free(row->cells);
	free(row->folded);
	rv_free(row->item);
	free(row);
}

static void
table_page_free(struct table *t, struct table_page *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		table_row_free(t, p->rows[i]);
	free(p->rows);
	p->rows = NULL;
	p->n = 0;
}

static void
table_window_clear(struct table *t)
{
	size_t i;

	for (i = 0; i < t->npages; i++)
		table_page_free(t, &t->pages[i]);
	t->npages = 0;
}

/* Keeps cursors[0 .. n - 1]. */
static void
table_cursors_truncate(struct table *t, size_t n)
{
	size_t i;

	for (i = n; i < t->ncursors; i++)
		free(t->cursors[i]);
	t->ncursors = n;
}

void
table_free(struct table *t)
{
	table_window_clear(t);
	free(t->pages);
	table_cursors_truncate(t, 0);
	free(t->cursors);
	free(t->view);
	free(t->filter);
	free(t->error);
	free(t->sel);
	text_filter_clear(&t->tf);
	memset(t, 0, sizeof *t);
}

void
table_row_set(struct table *t, struct table_row *row, size_t col, const char *text)
{
	if (col >= t->ncols)
		return;
	free(row->cells[col]);
	row->cells[col] = xstrdup(text != NULL ? text : "");
}

/* The filter searches every cell and whatever the screen adds (an
 * e-mail address not shown at this width, say). */
void
table_row_search(struct table *t, struct table_row *row, const char *extra)
{
	size_t i, len = 0;
	char *all, *p;

	for (i = 0; i < t->ncols; i++)
		len += strlen(row->cells[i]) + 1;
	len += extra != NULL ? strlen(extra) : 0;
	all = p = xmalloc(len + 1);
	for (i = 0; i < t->ncols; i++) {
		p = stpcpy(p, row->cells[i]);
		*p++ = '\x1f';
	}
	if (extra != NULL)
		p = stpcpy(p, extra);
	*p = '\0';
	free(row->folded);
	row->folded = text_fold(all);
	free(all);
}

static struct table_row *
table_row_new(struct table *t, const struct rv *item)
{
	struct table_row *row = xcalloc(1, sizeof *row);
	size_t i;

	row->cells = xcalloc(t->ncols, sizeof *row->cells);
	for (i = 0; i < t->ncols; i++)
		row->cells[i] = xstrdup("");
	row->item = rv_copy(item);
	if (t->fill != NULL)
		t->fill(t, row, item, t->fill_arg);
	if (row->folded == NULL)
		table_row_search(t, row, NULL);
	return row;
}

void
table_reset(struct table *t)
{
	free(t->view);
	t->view = NULL;
	t->nview = 0;
	table_window_clear(t);
	table_cursors_truncate(t, 1);
	t->ended = false;
	t->first = 0;
	t->busy = false;
	t->want_end = false;
	t->refreshing = false;
	t->fresh = false;
	t->cur = t->top = 0;
	t->keep = false;
	t->capped = false;
	free(t->error);
	t->error = NULL;
	table_view_rebuild(t);
}

static size_t
table_paged_count(const struct table *t)
{
	size_t known, in_window = 0;
	const struct table_page *last;

	if (t->ended)
		return (t->ncursors - 1) * t->page_size + t->last_n;
	/* Pages before the last known cursor are full; rows in the window
	 * past it count too (a reload may have cut the cursors short). */
	known = (t->ncursors - 1) * t->page_size;
	if (t->npages > 0) {
		last = &t->pages[t->npages - 1];
		in_window = (t->first + t->npages - 1) * t->page_size + last->n;
	}
	return in_window > known ? in_window : known;
}

size_t
table_count(const struct table *t)
{
	if (t->viewing)
		return t->nview;
	return table_paged_count(t);
}

bool
table_count_exact(const struct table *t)
{
	if (t->viewing)
		return !t->capped && t->ended;
	return t->ended;
}

bool
table_loading(const struct table *t)
{
	return t->busy;
}

struct table_row *
table_at(const struct table *t, size_t pos)
{
	size_t page, row;

	if (t->viewing)
		return pos < t->nview ? t->view[pos] : NULL;
	page = pos / t->page_size;
	row = pos % t->page_size;
	if (page < t->first || page >= t->first + t->npages)
		return NULL;
	if (row >= t->pages[page - t->first].n)
		return NULL;
	return t->pages[page - t->first].rows[row];
}

struct table_row *
table_current(const struct table *t)
{
	return table_at(t, t->cur);
}

static void
table_clamp(struct table *t)
{
	size_t n = table_count(t);

	if (n == 0)
		t->cur = 0;
	else if (t->cur >= n)
		t->cur = n - 1;
}

/* Where a row in memory sits in the server's order. */
static bool
table_row_position(const struct table *t, const struct table_row *row, size_t *pos)
{
	size_t p, i;

	for (p = 0; p < t->npages; p++) {
		for (i = 0; i < t->pages[p].n; i++) {
			if (t->pages[p].rows[i] == row) {
				*pos = (t->first + p) * t->page_size + i;
				return true;
			}
		}
	}
	return false;
}

void
table_reload(struct table *t)
{
	struct table_row *row = table_current(t);
	size_t pc, i;

	t->fresh = false;
	t->keep = row != NULL;
	t->keep_id = row != NULL ? row->id : 0;
	free(t->error);
	t->error = NULL;
	t->busy = false;
	t->want_end = false;
	if (t->viewing) {
		/* Pages come back from the first on and replace the old ones in
		 * place, so what is shown stays until then. */
		table_cursors_truncate(t, 1);
		t->ended = false;
		t->refreshing = t->npages > 0;
		t->refresh_page = 0;
		return;
	}
	/* Paged: fetch the cursor's page again, in place; the others are
	 * fetched again when scrolled to. */
	pc = t->cur / t->page_size;
	if (pc >= t->first && pc < t->first + t->npages) {
		for (i = 0; i < t->npages; i++) {
			if (t->first + i != pc)
				table_page_free(t, &t->pages[i]);
		}
		t->pages[0] = t->pages[pc - t->first];
		for (i = 1; i < t->npages; i++)
			memset(&t->pages[i], 0, sizeof t->pages[i]);
		t->first = pc;
		t->npages = 1;
		t->refreshing = true;
		t->refresh_page = pc;
	} else
		table_window_clear(t);
	if (t->ncursors > pc + 1)
		table_cursors_truncate(t, pc + 1);
	t->ended = false;
}

void
table_reload_fresh(struct table *t)
{
	table_reload(t);
	t->fresh = true;
}

struct rv *
table_params(const struct table *t, const char *after)
{
	struct rv *params = rv_map();

	rv_set_int(params, "limit", (int64_t)t->page_size);
	if (after != NULL)
		rv_set_str(params, "after", after);
	if (t->fresh)
		rv_set_bool(params, "fresh", true);
	return params;
}

bool
table_need(struct table *t, size_t *page, const char **after)
{
	size_t pc, end, reach, lo, hi, want;

	if (t->busy || t->error != NULL)
		return false;
	if (t->refreshing) {
		want = t->refresh_page;
		goto fetch;
	}
	if (t->viewing) {
		/* Everything from the first page, up to the window. */
		want = t->first + t->npages;
		if (t->ended && want >= t->ncursors)
			return false;
		if (t->npages >= t->window) {
			t->capped = true;
			return false;
		}
		goto fetch;
	}
	pc = t->cur / t->page_size;
	if (t->npages == 0 || pc < t->first || pc >= t->first + t->npages) {
		want = pc;
		goto fetch;
	}
	end = t->first + t->npages;
	if (t->want_end && end < t->ncursors && (t->npages < t->window || t->first < pc)) {
		want = end;
		goto fetch;
	}
	/* Fetch ahead so the cursor never waits while it scrolls: the pages
	 * two screens either side of it. Only pages outside that reach are
	 * evicted for them, so fetching never undoes itself. */
	reach = (size_t)t->height * 2;
	lo = (t->cur - (t->cur < reach ? t->cur : reach)) / t->page_size;
	hi = (t->cur + reach) / t->page_size;
	if (end < t->ncursors && end <= hi && (t->npages < t->window || t->first < lo)) {
		want = end;
		goto fetch;
	}
	if (t->first > 0 && t->first - 1 >= lo &&
	    (t->npages < t->window || end - 1 > hi)) {
		want = t->first - 1;
		goto fetch;
	}
	return false;
fetch:
	if (want >= t->ncursors)
		return false;
	*page = want;
	*after = t->cursors[want];
	return true;
}

void
table_sent(struct table *t, size_t page, uint32_t id)
{
	t->busy = true;
	t->busy_page = page;
	t->busy_id = id;
}

/* Drops the window's pages after page k (they were fetched from cursors
 * that are no longer the server's). */
static void
table_window_cut_after(struct table *t, size_t k)
{
	while (t->npages > 0 && t->first + t->npages - 1 > k)
		table_page_free(t, &t->pages[--t->npages]);
}

static void
table_window_put(struct table *t, size_t k, struct table_page *page)
{
	size_t i;

	if (t->npages == 0) {
		t->first = k;
		t->pages[0] = *page;
		t->npages = 1;
	} else if (k >= t->first && k < t->first + t->npages) {
		table_page_free(t, &t->pages[k - t->first]);
		t->pages[k - t->first] = *page;
	} else if (k == t->first + t->npages) {
		if (t->npages == t->window) {
			table_page_free(t, &t->pages[0]);
			memmove(t->pages, t->pages + 1, (t->npages - 1) * sizeof *t->pages);
			t->npages--;
			t->first++;
		}
		t->pages[t->npages++] = *page;
	} else if (k + 1 == t->first) {
		if (t->npages == t->window)
			table_page_free(t, &t->pages[--t->npages]);
		memmove(t->pages + 1, t->pages, t->npages * sizeof *t->pages);
		t->pages[0] = *page;
		t->npages++;
		t->first = k;
	} else {
		/* A jump: the window starts again around the new page. */
		table_window_clear(t);
		for (i = 0; i < t->window; i++)
			memset(&t->pages[i], 0, sizeof t->pages[i]);
		t->first = k;
		t->pages[0] = *page;
		t->npages = 1;
	}
}

bool
table_loaded(struct table *t, uint32_t id, const struct rv *result)
{
	const struct rv *items = rv_get(result, "items");
	const struct rv *next = rv_get(result, "next");
	struct table_row *row = table_current(t);
	struct table_page page = { NULL, 0 };
	size_t k, i;

	if (!t->busy || id != t->busy_id)
		return false;
	t->busy = false;
	k = t->busy_page;
	/* Rows are about to be replaced: remember the cursor's by its id. */
	if (!t->keep && row != NULL &&
	    (t->viewing || t->cur / t->page_size == k)) {
		t->keep = true;
		t->keep_id = row->id;
	}

	if (items != NULL && items->type == RV_ARRAY && items->a.n > 0) {
		page.rows = xcalloc(items->a.n, sizeof *page.rows);
		for (i = 0; i < items->a.n; i++)
			page.rows[page.n++] = table_row_new(t, items->a.items[i]);
	}

	if (next != NULL && next->type == RV_STR) {
		if (k + 1 < t->ncursors) {
			if (strcmp(t->cursors[k + 1], next->s.ptr) != 0) {
				table_cursors_truncate(t, k + 1);
				table_window_cut_after(t, k);
			}
		}
		if (k + 1 >= t->ncursors) {
			t->cursors = xreallocarray(t->cursors, k + 2, sizeof *t->cursors);
			t->cursors[k + 1] = xstrdup(next->s.ptr);
			t->ncursors = k + 2;
			t->ended = false;
		}
	} else {
		table_cursors_truncate(t, k + 1);
		table_window_cut_after(t, k);
		t->ended = true;
		t->last_n = page.n;
	}
	table_window_put(t, k, &page);

	if (t->refreshing && k == t->refresh_page) {
		if (t->ended && k + 1 >= t->ncursors)
			t->refreshing = false;
		else if (k + 1 >= t->first + t->npages)
			t->refreshing = false;
		else
			t->refresh_page = k + 1;
	}
	if (!t->refreshing)
		t->fresh = false;
	free(t->error);
	t->error = NULL;

	if (t->viewing)
		table_view_rebuild(t);
	else {
		if (t->keep) {
			for (i = 0; i < page.n; i++) {
				if (page.rows[i]->id == t->keep_id) {
					t->cur = k * t->page_size + i;
					t->keep = false;
					break;
				}
			}
			if (t->cur / t->page_size == k)
				t->keep = false;
		}
		if (t->want_end) {
			t->cur = table_paged_count(t) - (table_paged_count(t) > 0);
			if (t->ended)
				t->want_end = false;
		}
		table_clamp(t);
	}
	return true;
}

void
table_failed(struct table *t, uint32_t id, const char *why)
{
	if (!t->busy || id != t->busy_id)
		return;
	t->busy = false;
	t->refreshing = false;
	t->fresh = false;
	t->want_end = false;
	free(t->error);
	t->error = xstrdup(why != NULL ? why : "");
}

void
table_set_height(struct table *t, int height)
{
	t->height = height > 0 ? height : 1;
}

void
table_move(struct table *t, long delta)
{
	size_t n = table_count(t);

	t->want_end = false;
	if (n == 0)
		return;
	if (delta < 0 && (size_t)-delta > t->cur)
		t->cur = 0;
	else if (delta > 0 && t->cur + (size_t)delta >= n)
		t->cur = n - 1;
	else
		t->cur = (size_t)((long)t->cur + delta);
	t->keep = false;
}

void
table_home(struct table *t)
{
	t->want_end = false;
	t->cur = 0;
	t->keep = false;
}

void
table_end(struct table *t)
{
	size_t n = table_count(t);

	t->keep = false;
	t->cur = n > 0 ? n - 1 : 0;
	if (!t->viewing && !t->ended)
		t->want_end = true;
}

bool
table_select_id(struct table *t, int64_t id)
{
	size_t n = table_count(t), pos;
	struct table_row *row;

	for (pos = 0; pos < n; pos++) {
		row = table_at(t, pos);
		if (row != NULL && row->id == id) {
			t->cur = pos;
			return true;
		}
	}
	return false;
}

/* The view: the rows in memory (from the first page on) that pass the
 * filter, in the sort's order. */
struct table_sort_key {
	struct table_row *row;
	char *key;
	double num;
	size_t order;
};

static int
table_sort_cmp(const void *a, const void *b, void *arg)
{
	const struct table_sort_key *x = a, *y = b;
	const struct table *t = arg;
	int c;

	if (t->cols[t->sort_col].numeric)
		c = x->num < y->num ? -1 : x->num > y->num;
	else
		c = strcmp(x->key, y->key);
	if (c == 0)
		c = x->order < y->order ? -1 : x->order > y->order;
	else if (t->sort_desc)
		c = -c;
	return c;
}

static void
table_view_rebuild(struct table *t)
{
	struct table_row *keep = table_current(t), *row;
	struct table_sort_key *keys;
	size_t p, i, n = 0, total = 0;
	int64_t keep_id = 0;
	bool have_keep = false;

	if (t->keep) {
		have_keep = true;
		keep_id = t->keep_id;
	} else if (keep != NULL) {
		have_keep = true;
		keep_id = keep->id;
	}
	free(t->view);
	t->view = NULL;
	t->nview = 0;
	if (!t->viewing)
		return;
	for (p = 0; p < t->npages; p++)
		total += t->pages[p].n;
	t->view = xcalloc(total + 1, sizeof *t->view);
	keys = xcalloc(total + 1, sizeof *keys);
	for (p = 0; p < t->npages; p++) {
		for (i = 0; i < t->pages[p].n; i++) {
			row = t->pages[p].rows[i];
			if (t->filter_local && !text_filter_match(&t->tf, row->folded))
				continue;
			keys[n].row = row;
			keys[n].order = n;
			n++;
		}
	}
	if (t->sort_col >= 0 && (size_t)t->sort_col < t->ncols) {
		for (i = 0; i < n; i++) {
			keys[i].key = text_fold(keys[i].row->cells[t->sort_col]);
			keys[i].num = strtod(keys[i].row->cells[t->sort_col], NULL);
		}
		qsort_r(keys, n, sizeof *keys, table_sort_cmp, t);
	}
	for (i = 0; i < n; i++) {
		t->view[i] = keys[i].row;
		free(keys[i].key);
	}
	free(keys);
	t->nview = n;
	t->capped = !t->ended && t->npages >= t->window;
	if (have_keep) {
		for (i = 0; i < n; i++) {
			if (t->view[i]->id == keep_id) {
				t->cur = i;
				t->keep = false;
				break;
			}
		}
		/* The row went away or does not match: stay near where it was. */
		if (i == n && !t->busy && !t->refreshing)
			t->keep = false;
	}
	table_clamp(t);
}

static void
table_update_view(struct table *t)
{
	bool want = (t->filter_local && t->tf.n > 0) || t->sort_col >= 0;
	struct table_row *row = table_current(t);
	size_t pos;

	if (want && !t->viewing) {
		if (row != NULL) {
			t->keep = true;
			t->keep_id = row->id;
		}
		if (t->first != 0) {
			/* The view is built from the first page on. */
			table_window_clear(t);
			t->first = 0;
			t->busy = false;
			t->refreshing = false;
		}
		t->want_end = false;
		t->viewing = true;
		table_view_rebuild(t);
	} else if (!want && t->viewing) {
		t->viewing = false;
		free(t->view);
		t->view = NULL;
		t->nview = 0;
		t->capped = false;
		if (row != NULL && table_row_position(t, row, &pos))
			t->cur = pos;
		else
			t->cur = 0;
		table_clamp(t);
	} else if (want)
		table_view_rebuild(t);
}

void
table_set_filter(struct table *t, const char *text, bool local)
{
	free(t->filter);
	t->filter = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	t->filter_local = local;
	text_filter_set(&t->tf, local ? t->filter : NULL);
	table_update_view(t);
}

void
table_sort(struct table *t, int col, bool desc)
{
	if (col >= (int)t->ncols)
		col = -1;
	t->sort_col = col;
	t->sort_desc = desc;
	table_update_view(t);
}

void
table_sort_next(struct table *t)
{
	if (t->sort_col < 0)
		table_sort(t, 0, false);
	else if (!t->sort_desc)
		table_sort(t, t->sort_col, true);
	else if ((size_t)t->sort_col + 1 < t->ncols)
		table_sort(t, t->sort_col + 1, false);
	else
		table_sort(t, -1, false);
}

void
table_toggle_select(struct table *t)
{
	struct table_row *row = table_current(t);
	size_t i;

	if (row == NULL || !t->multi)
		return;
	for (i = 0; i < t->nsel; i++) {
		if (t->sel[i] == row->id) {
			t->sel[i] = t->sel[--t->nsel];
			return;
		}
	}
	t->sel = xreallocarray(t->sel, t->nsel + 1, sizeof *t->sel);
	t->sel[t->nsel++] = row->id;
}

bool
table_is_selected(const struct table *t, int64_t id)
{
	size_t i;

	for (i = 0; i < t->nsel; i++) {
		if (t->sel[i] == id)
			return true;
	}
	return false;
}

void
table_clear_selection(struct table *t)
{
	free(t->sel);
	t->sel = NULL;
	t->nsel = 0;
}

size_t
table_fit(const struct table_col *cols, size_t n, int width, int *widths)
{
	size_t i, shown = n, drop;
	int need, spare, step;
	bool grew;

	for (i = 0; i < n; i++)
		widths[i] = cols[i].min;
	for (;;) {
		need = -1;
		for (i = 0; i < n; i++) {
			if (widths[i] > 0)
				need += widths[i] + 1;
		}
		if (need <= width || shown <= 1)
			break;
		/* Drop the least needed column; of equals, the rightmost. */
		drop = n;
		for (i = 0; i < n; i++) {
			if (widths[i] > 0 && (drop == n || cols[i].prio <= cols[drop].prio))
				drop = i;
		}
		widths[drop] = 0;
		shown--;
	}
	if (need > width) {
		/* One column left and still too wide: it gets what there is. */
		for (i = 0; i < n; i++) {
			if (widths[i] > 0)
				widths[i] = width > 0 ? width : 0;
		}
		return width > 0 ? 1 : 0;
	}
	/* Share what is left, up to each maximum: the more a column is
	 * needed, the more it grows each round (a name before an e-mail). */
	spare = width - need;
	do {
		grew = false;
		for (i = 0; i < n && spare > 0; i++) {
			for (step = cols[i].prio > 1 ? cols[i].prio : 1; step > 0 && spare > 0;
			    step--) {
				if (widths[i] == 0 ||
				    (cols[i].max > 0 && widths[i] >= cols[i].max))
					break;
				widths[i]++;
				spare--;
				grew = true;
			}
		}
	} while (grew && spare > 0);
	return shown;
}

char *
table_position(const struct table *t, char *buf, size_t len)
{
	size_t n = table_count(t), cur = n > 0 ? t->cur + 1 : 0;

	if (t->viewing && t->capped)
		xsnprintf(buf, len, _("%'zu/%'zu in the first %'zu rows"), cur, n,
		    t->window * t->page_size);
	else if (table_count_exact(t))
		xsnprintf(buf, len, "%'zu/%'zu", cur, n);
	else
		xsnprintf(buf, len, "%'zu/%'zu+", cur, n);
	return buf;
}

void
table_draw(struct table *t, int y, int x, int h, int w, const char *empty)
{
	int widths[32], cx, gutter = t->multi ? 2 : 0, body, i, role, left;
	size_t c, n, pos, ncols = t->ncols < 32 ? t->ncols : 32;
	struct table_row *row;
	char title[256], posbuf[96];
	const char *mark;

	if (h < 2 || w < 4)
		return;
	body = h - 2;
	table_set_height(t, body);
	table_fit(t->cols, ncols, w - gutter, widths);

	/* Header. */
	draw_fill(y, x, 1, w, R_HEADER);
	cx = x + gutter;
	for (c = 0; c < ncols; c++) {
		if (widths[c] == 0)
			continue;
		mark = "";
		if ((int)c == t->sort_col)
			mark = t->sort_desc ? (text_utf8() ? " \u25bc" : " v") :
			    (text_utf8() ? " \u25b2" : " ^");
		xsnprintf(title, sizeof title, "%s%s", _(t->cols[c].title), mark);
		draw_text(y, cx, widths[c], title, R_HEADER, t->cols[c].align);
		cx += widths[c] + 1;
	}

	/* Body: keep the cursor in sight. */
	n = table_count(t);
	if (t->cur < t->top)
		t->top = t->cur;
	if (t->cur >= t->top + (size_t)body)
		t->top = t->cur - (size_t)body + 1;
	if (n > (size_t)body && t->top > n - (size_t)body)
		t->top = n - (size_t)body;
	if (n <= (size_t)body)
		t->top = 0;
	for (i = 0; i < body; i++) {
		pos = t->top + (size_t)i;
		if (pos >= n)
			break;
		row = table_at(t, pos);
		if (row == NULL) {
			draw_text(y + 1 + i, x, w, "\u2026", R_DIM, TEXT_LEFT);
			continue;
		}
		role = pos == t->cur ? R_CURSOR : table_is_selected(t, row->id) ?
		    R_MARK : row->dim ? R_DIM : R_NORMAL;
		draw_fill(y + 1 + i, x, 1, w, role);
		if (gutter > 0) {
			draw_text(y + 1 + i, x, gutter,
			    table_is_selected(t, row->id) ? "*" : "", role, TEXT_LEFT);
		}
		cx = x + gutter;
		for (c = 0; c < ncols; c++) {
			if (widths[c] == 0)
				continue;
			draw_text(y + 1 + i, cx, widths[c], row->cells[c], role,
			    t->cols[c].align);
			cx += widths[c] + 1;
		}
	}
	if (n == 0) {
		const char *say = t->error != NULL ? t->error :
		    t->busy || (!t->ended && t->npages == 0) ? _("Loading\u2026") : empty;

		draw_text(y + 1 + body / 2, x, w, say, t->error != NULL ? R_ERROR : R_DIM,
		    TEXT_CENTER);
	}

	/* Footer: filter on the left, position on the right. */
	table_position(t, posbuf, sizeof posbuf);
	left = 0;
	draw_fill(y + h - 1, x, 1, w, R_NORMAL);
	if (t->error != NULL && n > 0)
		left = draw_str(y + h - 1, x, w / 2, t->error, R_ERROR);
	else if (t->filter != NULL) {
		xsnprintf(title, sizeof title, "/%s", t->filter);
		left = draw_str(y + h - 1, x, w / 2, title, R_WARN);
	}
	if (t->busy)
		xsnprintf(title, sizeof title, "%s  %s", _("loading\u2026"), posbuf);
	else if (t->multi && t->nsel > 0)
		xsnprintf(title, sizeof title, _("%zu selected  %s"), t->nsel, posbuf);
	else
		xsnprintf(title, sizeof title, "%s", posbuf);
	if (w - left > 2)
		draw_text(y + h - 1, x + left + 1, w - left - 1, title, R_DIM, TEXT_RIGHT);
}
