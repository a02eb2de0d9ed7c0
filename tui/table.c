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
	table_window_clear(t);
	table_cursors_truncate(t, 1);
	t->ended = false;
	t->first = 0;
	t->busy = false;
	t->want_end = false;
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

	if (t->ended && t->ncursors > 0 && t->first + t->npages == t->ncursors &&
	    t->npages > 0) {
		last = &t->pages[t->npages - 1];
		return (t->ncursors - 1) * t->page_size + last->n;
	}
	known = (t->ncursors - 1) * t->page_size;
	if (t->npages > 0) {
		last = &t->pages[t->npages - 1];
		in_window = (t->first + t->npages - 1) * t->page_size + last->n;
	}
	if (t->ended && in_window < known) {
		/* The last page is not in memory: it holds at least one row, or
		 * it would not have a cursor. */
		return known;
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
	struct table_page keep_page;
	size_t pc, i;

	t->keep = row != NULL;
	if (row != NULL)
		t->keep_id = row->id;
	free(t->error);
	t->error = NULL;
	t->busy = false;
	if (t->viewing) {
		/* The view is rebuilt as pages come back from page 0 on; what
		 * is shown stays until then. */
		t->want_end = false;
		table_cursors_truncate(t, 1);
		t->ended = false;
		return;
	}
	/* Paged: keep only the cursor's page on screen and fetch it again;
	 * the others are fetched again when scrolled to. */
	pc = t->cur / t->page_size;
	memset(&keep_page, 0, sizeof keep_page);
	for (i = 0; i < t->npages; i++) {
		if (t->first + i == pc)
			keep_page = t->pages[i];
		else
			table_page_free(t, &t->pages[i]);
	}
	t->npages = 0;
	if (keep_page.rows != NULL || pc < t->first + t->npages) {
		t->pages[0] = keep_page;
		t->npages = 1;
		t->first = pc;
	}
	if (t->ncursors > pc + 1)
		table_cursors_truncate(t, pc + 1);
	t->ended = false;
	/* A reload fetches the cursor's page even if it is still in memory. */
	t->busy = false;
	if (t->npages == 1 && keep_page.rows != NULL) {
		/* Mark it for a fetch by pretending it is not there. */
		t->pages[0] = keep_page;
	}
	t->keep = true;
	t->keep_id = row != NULL ? row->id : 0;
	t->keep = row != NULL;
	t->reload_page = pc;
	t->reloading = true;
}
