/* My requests: those filed by or for the user (request.mine), newest
 * first, with their state, where, what, target date (the late and the
 * nearly late marked) and the work order that came of them. Staff who
 * file for callers on the phone find those here too. Changes arrive
 * live; Enter opens one with its timeline. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "requests.h"
#include "table.h"
#include "tui.h"
#include "xmalloc.h"

#define MINE_PAGE 100
#define MINE_WINDOW 10
#define EVENT_DELAY_MS 150

#define MINE_ACTIONS(X)							\
	X(MR_OPEN, K_ENTER, 0, "Enter", N_("Open"), N_("Open the request with its timeline")) \
	X(MR_NEW, 'n', 0, "n", N_("New"), N_("File a new request"))	\
	X(MR_OPEN_ONLY, 'o', 0, "o", N_("Open/All"), N_("Show only the requests still waiting, or all")) \
	X(MR_RELOAD, K_F(5), 0, "F5", NULL, N_("Fetch again"))	\
	X(MR_BACK, K_ESC, 0, "Esc", N_("Back"), N_("Back to the menu"))	\
	X(MR_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous row"))	\
	X(MR_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next row"))	\
	X(MR_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(MR_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))		\
	X(MR_HOME, K_HOME, 'g', "Home g", NULL, N_("First row"))		\
	X(MR_END, K_END, 'G', "End G", NULL, N_("Last row"))
enum { MINE_ACTIONS(ACTION_ENUM) };
static const struct action mine_actions[] = { MINE_ACTIONS(ACTION_ROW) };

enum { TAG_PAGE = 1 };
enum { TIMER_RELOAD = 1 };

static const struct table_col mine_cols[] = {
	{ N_("!"), 2, 2, 9, TEXT_LEFT, false },
	{ N_("Number"), 14, 14, 8, TEXT_LEFT, false },
	{ N_("State"), 9, 11, 7, TEXT_LEFT, false },
	{ N_("Where"), 12, 0, 5, TEXT_LEFT, false },
	{ N_("Category"), 8, 14, 2, TEXT_LEFT, false },
	{ N_("Target"), 10, 10, 4, TEXT_LEFT, false },
	{ N_("Work order"), 14, 14, 6, TEXT_LEFT, false },
};

struct mine_screen {
	struct screen base;
	struct table table;
	bool open_only;
};

static void
mine_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	char buf[64], *where = request_where(item);
	const char *st = rv_path_str(item, "status", "");

	row->id = rv_path_int(item, "id", 0);
	row->dim = strcmp(st, "rejected") == 0 || strcmp(st, "cancelled") == 0 ||
	    strcmp(st, "duplicate") == 0;
	table_row_set(t, row, 0, request_due_mark(request_due(item)));
	table_row_set(t, row, 1, rv_path_str(item, "number", ""));
	table_row_set(t, row, 2, request_status_text(st));
	table_row_set(t, row, 3, where);
	table_row_set(t, row, 4, _(rv_path_str(item, "category_name", "")));
	table_row_set(t, row, 5, request_target_text(item, buf, sizeof buf));
	table_row_set(t, row, 6, rv_path_str(item, "work_order_number", ""));
	table_row_search(t, row, rv_path_str(item, "description", ""));
	free(where);
}

static void
mine_pump(struct mine_screen *ms)
{
	struct rv *params;
	const char *after;
	size_t page;

	while (table_need(&ms->table, &page, &after)) {
		params = table_params(&ms->table, after);
		if (ms->open_only)
			rv_set_str(params, "status", "open");
		table_sent(&ms->table, page, app_call(&ms->base, TAG_PAGE, "request.mine",
		    params));
	}
}

static void
mine_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct mine_screen *ms = (struct mine_screen *)s;
	char *text;

	if (tag != TAG_PAGE)
		return;
	if (error != NULL) {
		text = app_error_text(error);
		table_failed(&ms->table, id, text);
		free(text);
	} else
		table_loaded(&ms->table, id, result);
	mine_pump(ms);
}

static void
mine_on_event(struct screen *s, const struct rv *ev)
{
	const char *topic = rv_path_str(ev, "topic", "");

	if (strcmp(topic, "request") == 0 || strcmp(topic, "resync") == 0)
		app_timer(s, TIMER_RELOAD, EVENT_DELAY_MS);
}

static void
mine_on_timer(struct screen *s, int tag)
{
	struct mine_screen *ms = (struct mine_screen *)s;

	if (tag != TIMER_RELOAD)
		return;
	table_reload(&ms->table);
	mine_pump(ms);
}

static void
mine_on_show(struct screen *s)
{
	struct mine_screen *ms = (struct mine_screen *)s;

	/* A request filed or answered meanwhile. */
	table_reload(&ms->table);
	mine_pump(ms);
}

static bool
mine_enabled(struct screen *s, int action)
{
	struct mine_screen *ms = (struct mine_screen *)s;

	switch (action) {
	case MR_OPEN:
		return table_current(&ms->table) != NULL;
	case MR_NEW:
		return app_has_role(REQUEST_FILERS);
	default:
		return true;
	}
}

static bool
mine_key(struct screen *s, int key)
{
	struct mine_screen *ms = (struct mine_screen *)s;
	struct table *t = &ms->table;
	const struct action *a;

	a = action_find(mine_actions, sizeof mine_actions / sizeof mine_actions[0], key);
	if (a == NULL || !mine_enabled(s, a->id))
		return false;
	switch (a->id) {
	case MR_OPEN:
		app_push(screen_request_new(table_current(t)->id));
		return true;
	case MR_NEW:
		app_push(screen_request_form_new());
		return true;
	case MR_OPEN_ONLY:
		ms->open_only = !ms->open_only;
		table_set_filter(t, ms->open_only ? _("waiting") : NULL, false);
		table_reset(t);
		break;
	case MR_RELOAD:
		table_reload_fresh(t);
		break;
	case MR_BACK:
		app_pop();
		return true;
	case MR_UP:
		table_move(t, -1);
		break;
	case MR_DOWN:
		table_move(t, 1);
		break;
	case MR_PGUP:
		table_move(t, -t->height);
		break;
	case MR_PGDN:
		table_move(t, t->height);
		break;
	case MR_HOME:
		table_home(t);
		break;
	case MR_END:
		table_end(t);
		break;
	}
	mine_pump(ms);
	return true;
}

static void
mine_draw(struct screen *s, int y, int x, int h, int w)
{
	struct mine_screen *ms = (struct mine_screen *)s;

	table_draw(&ms->table, y, x, h, w, ms->open_only ? _("No request waiting") :
	    _("No request yet: n files one"));
	request_draw_marks(&ms->table, y, x, h, w);
	mine_pump(ms);
}

static void
mine_destroy(struct screen *s)
{
	struct mine_screen *ms = (struct mine_screen *)s;

	table_free(&ms->table);
	free(ms);
}

static const struct screen_ops mine_ops = {
	.name = "requests",
	.actions = mine_actions,
	.nactions = sizeof mine_actions / sizeof mine_actions[0],
	.draw = mine_draw,
	.key = mine_key,
	.enabled = mine_enabled,
	.on_event = mine_on_event,
	.on_reply = mine_on_reply,
	.on_timer = mine_on_timer,
	.on_show = mine_on_show,
	.destroy = mine_destroy,
};

struct screen *
screen_requests_new(void)
{
	struct mine_screen *ms = xcalloc(1, sizeof *ms);

	screen_init(&ms->base, &mine_ops, _("My requests"));
	table_init(&ms->table, mine_cols, sizeof mine_cols / sizeof mine_cols[0], MINE_PAGE,
	    MINE_WINDOW);
	table_set_fill(&ms->table, mine_fill, ms);
	mine_pump(ms);
	return &ms->base;
}
