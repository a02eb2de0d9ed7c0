/* Picking an asset by searching for it: what "move" uses to choose the
 * new parent. A whole screen rather than a list inside a dialog, so the
 * matches have room at 60x20 too. The choice goes back to the screen
 * that asked, through its on_dialog, as a form of one reference field
 * "id" (none chosen: no parent). */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "draw.h"
#include "form.h"
#include "lineedit.h"
#include "table.h"
#include "tui.h"
#include "xmalloc.h"

#define PICK_DELAY_MS 100
#define PICK_LIMIT 50

#define PICK_ACTIONS(X)							\
	X(PK_TAKE, K_ENTER, 0, "Enter", N_("Choose"), N_("Take the asset under the cursor")) \
	X(PK_NONE, K_F(2), 0, "F2", N_("None"), N_("No parent: to the top")) \
	X(PK_MOVE, K_DOWN, K_UP, "\u2191 \u2193", NULL, N_("Move in the matches")) \
	X(PK_CANCEL, K_ESC, 0, "Esc", N_("Cancel"), N_("Back without choosing"))
enum { PICK_ACTIONS(ACTION_ENUM) };
static const struct action pick_actions[] = { PICK_ACTIONS(ACTION_ROW) };

enum { TAG_SEARCH = 1, TAG_TIMER };

static const struct table_col pick_cols[] = {
	{ N_("Code"), 10, 12, 6, TEXT_LEFT, false },
	{ N_("Name"), 20, 0, 7, TEXT_LEFT, false },
	{ N_("Type"), 8, 14, 4, TEXT_LEFT, false },
	{ N_("Site"), 8, 20, 2, TEXT_LEFT, false },
};

struct pick_screen {
	struct screen base;
	uint64_t parent;	/* serial of the screen that asked */
	int tag;
	int64_t not_id;		/* left out of the matches (the asset moved) */
	bool allow_none;
	struct lineedit query;
	char *asked;
	struct table found;
};

static void
pick_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	struct pick_screen *ps = arg;

	row->id = rv_path_int(item, "id", 0);
	row->dim = row->id == ps->not_id;
	table_row_set(t, row, 0, rv_path_str(item, "code", ""));
	table_row_set(t, row, 1, rv_path_str(item, "name", ""));
	table_row_set(t, row, 2, _(rv_path_str(item, "type_name", "")));
	table_row_set(t, row, 3, rv_path_str(item, "site_name", ""));
}

static void
pick_search(struct pick_screen *ps)
{
	char *q = lineedit_text(&ps->query);
	struct rv *params;

	free(ps->asked);
	ps->asked = q;
	table_reset(&ps->found);
	if (*q == '\0') {
		struct rv *empty = rv_map();

		rv_set(empty, "items", rv_array());
		table_sent(&ps->found, 0, 0);
		table_loaded(&ps->found, 0, empty);
		rv_free(empty);
		return;
	}
	params = rv_map();
	rv_set_str(params, "query", q);
	rv_set_int(params, "limit", PICK_LIMIT);
	/* Only this call's answer is taken: older ones are dropped. */
	table_sent(&ps->found, 0, app_call(&ps->base, TAG_SEARCH, "asset.search", params));
}

static void
pick_answer(struct pick_screen *ps, bool ok, int64_t id, const char *label)
{
	uint64_t serial = ps->parent;
	int tag = ps->tag;
	struct screen *parent;
	struct form *f = form_new();
	struct form_field *fld = form_add(f, F_REF, "id", "");

	if (id != 0) {
		form_option_add(fld, id, NULL, label);
		fld->ids = xcalloc(1, sizeof *fld->ids);
		fld->ids[0] = id;
		fld->nids = 1;
	}
	/* Pop first: the parent may open a dialog in its answer. */
	app_pop_screen(&ps->base);
	parent = app_find(serial);
	if (parent != NULL && parent->ops->on_dialog != NULL)
		parent->ops->on_dialog(parent, tag, ok, f);
	form_free(f);
}

static void
pick_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct pick_screen *ps = (struct pick_screen *)s;
	char *text;

	if (tag != TAG_SEARCH)
		return;
	if (error != NULL) {
		text = app_error_text(error);
		table_failed(&ps->found, id, text);
		free(text);
	} else
		table_loaded(&ps->found, id, result);
}

static void
pick_on_timer(struct screen *s, int tag)
{
	if (tag == TAG_TIMER)
		pick_search((struct pick_screen *)s);
}

static bool
pick_enabled(struct screen *s, int action)
{
	struct pick_screen *ps = (struct pick_screen *)s;
	struct table_row *row = table_current(&ps->found);

	switch (action) {
	case PK_TAKE:
		return row != NULL && row->id != ps->not_id;
	case PK_NONE:
		return ps->allow_none;
	default:
		return true;
	}
}

static bool
pick_key(struct screen *s, int key)
{
	struct pick_screen *ps = (struct pick_screen *)s;
	struct table_row *row;
	bool changed;
	char *label;

	switch (key) {
	case K_ESC:
		pick_answer(ps, false, 0, NULL);
		return true;
	case K_ENTER:
		row = table_current(&ps->found);
		if (pick_enabled(s, PK_TAKE)) {
			label = xasprintf("%s %s", row->cells[0], row->cells[1]);
			pick_answer(ps, true, row->id, label);
			free(label);
		}
		return true;
	case K_F(2):
		if (ps->allow_none)
			pick_answer(ps, true, 0, NULL);
		return true;
	case K_UP:
	case K_DOWN:
	case K_PGUP:
	case K_PGDN:
		table_move(&ps->found, key == K_UP ? -1 : key == K_DOWN ? 1 :
		    key == K_PGUP ? -ps->found.height : ps->found.height);
		return true;
	}
	if (lineedit_key(&ps->query, key, &changed)) {
		if (changed)
			app_timer(s, TAG_TIMER, PICK_DELAY_MS);
		return true;
	}
	return key != K_F(1) && key != K_F(10);
}

static void
pick_draw(struct screen *s, int y, int x, int h, int w)
{
	struct pick_screen *ps = (struct pick_screen *)s;
	int col;

	col = draw_str(y + h - 1, x, w, _("Search: "), R_WARN);
	s->cursor_on = true;
	s->cursor_y = y + h - 1;
	s->cursor_x = lineedit_draw(&ps->query, y + h - 1, x + col, w - col, R_FIELD_FOCUS,
	    false);
	table_draw(&ps->found, y, x, h - 1, w, ps->asked == NULL || *ps->asked == '\0' ?
	    _("Type part of a code, a name or an address") : _("No asset matches"));
}

static void
pick_destroy(struct screen *s)
{
	struct pick_screen *ps = (struct pick_screen *)s;

	lineedit_free(&ps->query);
	free(ps->asked);
	table_free(&ps->found);
	free(ps);
}

static const struct screen_ops pick_ops = {
	.name = "asset-pick",
	.actions = pick_actions,
	.nactions = sizeof pick_actions / sizeof pick_actions[0],
	.draw = pick_draw,
	.key = pick_key,
	.enabled = pick_enabled,
	.on_reply = pick_on_reply,
	.on_timer = pick_on_timer,
	.destroy = pick_destroy,
};

void
asset_pick(struct screen *parent, int tag, const char *title, int64_t not_id,
    bool allow_none)
{
	struct pick_screen *ps = xcalloc(1, sizeof *ps);

	screen_init(&ps->base, &pick_ops, title);
	ps->parent = parent->serial;
	ps->tag = tag;
	ps->not_id = not_id;
	ps->allow_none = allow_none;
	lineedit_init(&ps->query, 100);
	table_init(&ps->found, pick_cols, sizeof pick_cols / sizeof pick_cols[0], PICK_LIMIT, 2);
	table_set_fill(&ps->found, pick_fill, ps);
	pick_search(ps);
	app_push(&ps->base);
}
