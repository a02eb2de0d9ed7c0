/* The table widget: columns fitted to the width, rows fetched from the
 * server by pages, a cursor, an incremental filter, a sort, and a
 * selection for bulk actions.
 *
 * The server pages by key ({limit, after} -> {items, next}), so a page
 * can only be asked for by the cursor that ends the page before it. The
 * table remembers every page's cursor (a short string) but holds only a
 * window of pages in memory, fetched around the cursor as it moves: a
 * million rows scroll as fast as ten, and memory stays bounded.
 *
 * Positions are row numbers in the server's order, page * page_size +
 * row: every page but the last is full.
 *
 * A filter or a sort needs the rows side by side, so then the table
 * loads from the first page on, up to its window, and shows a view: the
 * matching rows, sorted. Past the window it says so (the screens offer
 * server-side filters for large lists).
 *
 * Nothing here draws except table_draw, so the paging and filtering are
 * tested without a terminal. */
#ifndef REGIE_TUI_TABLE_H
#define REGIE_TUI_TABLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text.h"

struct rv;

struct table_col {
	const char *title;	/* N_() */
	int min;		/* narrowest useful width */
	int max;		/* widest useful width; 0: any */
	int prio;		/* columns with the lowest go first when short of room */
	enum text_align align;
	bool numeric;		/* sorts as a number */
};

struct table_row {
	int64_t id;
	char **cells;		/* one UTF-8 string per column */
	char *folded;		/* what the filter searches, folded */
	struct rv *item;	/* the item as the server sent it */
	bool dim;		/* shown dimmed (a disabled user) */
};

struct table;
/* Fills a row from an item: sets id, dim and the cells with
 * table_row_set; extra is more text for the filter (may stay NULL). */
typedef void (*table_fill_cb)(struct table *t, struct table_row *row,
    const struct rv *item, void *arg);

struct table_page {
	struct table_row **rows;
	size_t n;
};

struct table {
	const struct table_col *cols;
	size_t ncols;
	table_fill_cb fill;
	void *fill_arg;
	size_t page_size;
	size_t window;		/* pages held in memory at most */
	bool multi;		/* rows can be selected */

	/* What we know of the server's list. */
	char **cursors;		/* cursors[k] fetches page k; cursors[0] is NULL */
	size_t ncursors;
	bool ended;		/* page ncursors - 1 is the last */
	size_t last_n;		/* rows on the last page, once ended */

	/* The window: pages first .. first + npages - 1. */
	size_t first;
	struct table_page *pages;
	size_t npages;

	/* The one request in flight. */
	bool busy;
	size_t busy_page;
	uint32_t busy_id;
	bool want_end;		/* End was pressed: page on to the last */
	bool refreshing;	/* fetching again, in place, from refresh_page on */
	size_t refresh_page;
	bool fresh;		/* the user asked: past the server's page cache */
	char *error;		/* why the last load failed */

	/* The cursor and the first row shown: row numbers, or positions in
	 * the view when there is one. */
	size_t cur, top;
	int height;		/* rows shown by the last draw */
	int64_t keep_id;	/* put the cursor back on this row after a load */
	bool keep;

	/* Filter and sort: the view. */
	char *filter;
	bool filter_local;	/* false: the server filtered already */
	struct text_filter tf;
	int sort_col;		/* -1: the server's order */
	bool sort_desc;
	bool viewing;		/* a filter or sort is applied */
	bool capped;		/* the window filled before the list ended */
	struct table_row **view;
	size_t nview;

	int64_t *sel;
	size_t nsel;
};

void table_init(struct table *t, const struct table_col *cols, size_t ncols,
    size_t page_size, size_t window);
void table_free(struct table *t);
void table_set_fill(struct table *t, table_fill_cb fill, void *arg);
void table_row_set(struct table *t, struct table_row *row, size_t col, const char *text);
void table_row_search(struct table *t, struct table_row *row, const char *extra);

/* Forgets every row: the next table_need asks for the first page. */
void table_reset(struct table *t);
/* Fetches again what is shown, putting the cursor back on the same row
 * if it is still there. */
void table_reload(struct table *t);
/* The same when the user asks (F5): the pages are read from the
 * database, not from the server's memory, until the reload is done. */
void table_reload_fresh(struct table *t);
/* The params of a list call for the page table_need chose: limit, after
 * and fresh; the screen adds its filters. */
struct rv *table_params(const struct table *t, const char *after);

/* The page to fetch now, if any: its number and the `after` to send
 * (NULL for the first page). Then call table_sent with the call's id. */
bool table_need(struct table *t, size_t *page, const char **after);
void table_sent(struct table *t, size_t page, uint32_t id);
/* A page arrived ({items, next}). Returns false when it was not the
 * answer the table waited for (a stale one, after a reset). */
bool table_loaded(struct table *t, uint32_t id, const struct rv *result);
void table_failed(struct table *t, uint32_t id, const char *why);
bool table_loading(const struct table *t);

/* Rows the cursor can reach now, and whether more may follow. */
size_t table_count(const struct table *t);
bool table_count_exact(const struct table *t);
/* The row at a position (cursor or display), or NULL when it is not in
 * memory (yet). */
struct table_row *table_at(const struct table *t, size_t pos);
struct table_row *table_current(const struct table *t);

void table_set_height(struct table *t, int height);
void table_move(struct table *t, long delta);
void table_home(struct table *t);
void table_end(struct table *t);
/* Puts the cursor on the row with this id if it is in memory. */
bool table_select_id(struct table *t, int64_t id);

/* Filter: local filters hide rows as you type; a filter the server
 * applies (local false) only shows the text. */
void table_set_filter(struct table *t, const char *text, bool local);
/* Sort by a column (-1: the server's order). */
void table_sort(struct table *t, int col, bool desc);
/* The next column to sort by, after the current one. */
void table_sort_next(struct table *t);

void table_toggle_select(struct table *t);
bool table_is_selected(const struct table *t, int64_t id);
void table_clear_selection(struct table *t);

/* Column widths for a total width: widths[i] is 0 for a column left
 * out. One space separates shown columns. Returns the columns shown. */
size_t table_fit(const struct table_col *cols, size_t n, int width, int *widths);

/* "12/340", "12/3 400+", "3/17 of 2 000 loaded". Returns buf. */
char *table_position(const struct table *t, char *buf, size_t len);

/* Draws in the box: header, rows, and a footer with the position and
 * the filter. empty is what to say when there is no row. */
void table_draw(struct table *t, int y, int x, int h, int w, const char *empty);

#endif
