/* Work → Work orders: the list (workorder.list, paged by key, newest
 * first) with its filters: service, status, type, overdue, and words of
 * the number or title. Enter opens one (screen_workorder.c); n makes a
 * new one with no request behind it (screen_workorder_form.c). */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "table.h"
#include "tui.h"
#include "workorders.h"
#include "xmalloc.h"

#define WOS_PAGE 100
#define WOS_WINDOW 20
/* Events come in bursts (an assignment touches several rows): one
 * reload for the burst. */
#define EVENT_DELAY_MS 150

#define WOS_ACTIONS(X)							\
	X(WL_OPEN, K_ENTER, 0, "Enter", N_("Open"), N_("Open the work order under the cursor")) \
	X(WL_FILTER, 'f', '/', "f /", N_("Filter"), N_("Filter by service, status, type, overdue, words")) \
	X(WL_OVERDUE, 'o', 0, "o", N_("Overdue"), N_("Show only the overdue ones, or all again")) \
	X(WL_NEW, 'n', 0, "n", N_("New"), N_("Create a work order directly, with no request (supervisors)")) \
	X(WL_RELOAD, 'r', K_F(5), "r", N_("Reload"), N_("Fetch the list again")) \
	X(WL_BACK, K_ESC, 0, "Esc", N_("Back"), N_("Clear the filters, then back to the menu")) \
	X(WL_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous row"))	\
	X(WL_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next row"))	\
	X(WL_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(WL_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))		\
	X(WL_HOME, K_HOME, 'g', "Home g", NULL, N_("First row"))		\
	X(WL_END, K_END, 'G', "End G", NULL, N_("Last row"))
enum { WOS_ACTIONS(ACTION_ENUM) };
static const struct action wos_actions[] = { WOS_ACTIONS(ACTION_ROW) };

enum { TAG_PAGE = 1, TAG_SERVICES, TIMER_EVENT };
enum { DLG_FILTER = 1 };

static const struct table_col wos_cols[] = {
	{ N_("Number"), 14, 14, 7, TEXT_LEFT, false },
	{ N_("Prio."), 6, 6, 4, TEXT_LEFT, false },
	{ N_("Status"), 11, 11, 6, TEXT_LEFT, false },
	{ N_("Title"), 20, 0, 8, TEXT_LEFT, false },
	{ N_("Where"), 10, 24, 1, TEXT_LEFT, false },
	{ N_("Target"), 12, 12, 5, TEXT_LEFT, false },
	{ N_("Assignees"), 10, 24, 2, TEXT_LEFT, false },
};

static const char *const statuses[] = { "open", "planned", "assigned", "in_progress",
    "on_hold", "done", "closed", "cancelled", "all" };
static const char *const types[] = { "any", "corrective", "preventive", "regulatory",
    "improvement" };

struct wos_screen {
	struct screen base;
	struct table table;
	/* The filter as workorder.list params, and as people read it. */
	int64_t service_id;
	char *status;		/* NULL: all */
	char *type;		/* NULL: any */
	bool overdue;
	char *query;
	struct rv *services;	/* service.list items */
	bool reload_on_show;
};

static void
wos_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	const char *status = rv_path_str(item, "status", "");
	const char *target = rv_path_str(item, "target_date", NULL);
	char buf[64], where[256], *who;

	row->id = rv_path_int(item, "id", 0);
	row->dim = !wo_is_open(status);
	table_row_set(t, row, 0, rv_path_str(item, "number", ""));
	table_row_set(t, row, 1, wo_priority_text(rv_path_str(item, "priority", "")));
	table_row_set(t, row, 2, wo_status_text(status));
	table_row_set(t, row, 3, rv_path_str(item, "title", ""));
	if (rv_path_str(item, "asset_name", NULL) != NULL)
		xsnprintf(where, sizeof where, "%s", rv_path_str(item, "asset_name", ""));
	else
		xsnprintf(where, sizeof where, "%s", rv_path_str(item, "site_name", ""));
	table_row_set(t, row, 4, where);
	asset_date_text(target, buf, sizeof buf);
	/* Late shows on the date itself: that is where the eye goes. */
	if (target != NULL && rv_path_bool(item, "delay.late", false)) {
		size_t n = strlen(buf);

		xsnprintf(buf + n, sizeof buf - n, " !");
	}
	table_row_set(t, row, 5, buf);
	who = wo_assignees_text(item);
	table_row_set(t, row, 6, who);
	free(who);
	table_row_search(t, row, rv_path_str(item, "asset_code", ""));
}

static void
wos_pump(struct wos_screen *ws)
{
	struct rv *params;
	const char *after;
	size_t page;

	while (table_need(&ws->table, &page, &after)) {
		params = table_params(&ws->table, after);
		if (ws->service_id != 0)
			rv_set_int(params, "service_id", ws->service_id);
		if (ws->status != NULL)
			rv_set_str(params, "status", ws->status);
		if (ws->type != NULL)
			rv_set_str(params, "type", ws->type);
		if (ws->overdue)
			rv_set_bool(params, "overdue", true);
		if (ws->query != NULL)
			rv_set_str(params, "query", ws->query);
		table_sent(&ws->table, page, app_call(&ws->base, TAG_PAGE, "workorder.list",
		    params));
	}
}

static const char *
wos_service_name(struct wos_screen *ws, int64_t id)
{
	const struct rv *items = ws->services, *it;
	size_t i;

	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		it = items->a.items[i];
		if (rv_path_int(it, "id", 0) == id)
			return rv_path_str(it, "name", "?");
	}
	return "?";
}

/* The title says what the list holds: "Work orders: all, overdue". */
static void
wos_title(struct wos_screen *ws)
{
	const char *parts[5];
	char text[512], quoted[256];
	size_t n = 0, i, len;

	if (ws->service_id != 0)
		parts[n++] = wos_service_name(ws, ws->service_id);
	parts[n++] = ws->status != NULL ? wo_status_text(ws->status) : _("all");
	if (ws->type != NULL)
		parts[n++] = wo_type_text(ws->type);
	if (ws->overdue)
		parts[n++] = _("overdue");
	if (ws->query != NULL) {
		xsnprintf(quoted, sizeof quoted, "\u201c%s\u201d", ws->query);
		parts[n++] = quoted;
	}
	xsnprintf(text, sizeof text, "%s", _("Work orders"));
	for (i = 0; i < n; i++) {
		len = strlen(text);
		xsnprintf(text + len, sizeof text - len, "%s%s", i == 0 ? ": " : ", ", parts[i]);
	}
	screen_set_title(&ws->base, text);
}

static void
wos_refetch(struct wos_screen *ws)
{
	wos_title(ws);
	table_reset(&ws->table);
	wos_pump(ws);
}

static void
wos_ask_filter(struct wos_screen *ws)
{
	struct form *f = form_new();
	struct form_field *fld;
	const struct rv *it;
	size_t i;

	fld = form_add(f, F_REF, "service_id", _("Service"));
	for (i = 0; ws->services != NULL && ws->services->type == RV_ARRAY &&
	    i < ws->services->a.n; i++) {
		it = ws->services->a.items[i];
		form_option_merge(fld, rv_path_int(it, "id", 0), rv_path_str(it, "name", ""));
	}
	if (ws->service_id != 0)
		wo_form_set_id(f, "service_id", ws->service_id);
	fld = form_add(f, F_CHOICE, "status", _("Status"));
	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		form_option_add(fld, (int64_t)i, statuses[i], i == 8 ? _("all") :
		    i == 0 ? _("open (not done, closed or cancelled)") :
		    wo_status_text(statuses[i]));
	wo_form_set_key(f, "status", ws->status != NULL ? ws->status : "all");
	fld = form_add(f, F_CHOICE, "type", _("Type"));
	for (i = 0; i < sizeof types / sizeof types[0]; i++)
		form_option_add(fld, (int64_t)i, types[i], i == 0 ? _("any") :
		    wo_type_text(types[i]));
	wo_form_set_key(f, "type", ws->type != NULL ? ws->type : "any");
	form_add(f, F_BOOL, "overdue", _("Overdue only"));
	form_set_bool(f, "overdue", ws->overdue);
	fld = form_add(f, F_TEXT, "query", _("Words"));
	fld->maxlen = 200;
	fld->hint = xstrdup(_("of the number or title"));
	if (ws->query != NULL)
		form_set_text(f, "query", ws->query);
	dialog_form(&ws->base, DLG_FILTER, _("Filter the work orders"), f);
}

static void
wos_filter_apply(struct wos_screen *ws, struct form *f)
{
	struct rv *v = rv_map();
	const char *s;

	form_to_params(f, v);
	ws->service_id = rv_path_int(v, "service_id", 0);
	free(ws->status);
	s = rv_path_str(v, "status", "all");
	ws->status = strcmp(s, "all") != 0 ? xstrdup(s) : NULL;
	free(ws->type);
	s = rv_path_str(v, "type", "any");
	ws->type = strcmp(s, "any") != 0 ? xstrdup(s) : NULL;
	ws->overdue = rv_path_bool(v, "overdue", false);
	free(ws->query);
	s = rv_path_str(v, "query", "");
	ws->query = *s != '\0' ? xstrdup(s) : NULL;
	rv_free(v);
	wos_refetch(ws);
}

static void
wos_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	if (tag == DLG_FILTER && ok)
		wos_filter_apply((struct wos_screen *)s, form);
}

static void
wos_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct wos_screen *ws = (struct wos_screen *)s;
	char *text;

	switch (tag) {
	case TAG_PAGE:
		if (error != NULL) {
			text = app_error_text(error);
			table_failed(&ws->table, id, text);
			free(text);
		} else
			table_loaded(&ws->table, id, result);
		break;
	case TAG_SERVICES:
		if (error == NULL) {
			rv_free(ws->services);
			ws->services = rv_copy(rv_get(result, "items"));
			wos_title(ws);
		}
		break;
	}
	wos_pump(ws);
}

static void
wos_on_event(struct screen *s, const struct rv *ev)
{
	const char *topic = rv_path_str(ev, "topic", "");

	if (strcmp(topic, "workorder") == 0 || strcmp(topic, "resync") == 0)
		app_timer(s, TIMER_EVENT, EVENT_DELAY_MS);
}

static void
wos_on_timer(struct screen *s, int tag)
{
	struct wos_screen *ws = (struct wos_screen *)s;

	if (tag == TIMER_EVENT) {
		table_reload(&ws->table);
		wos_pump(ws);
	}
}

static void
wos_on_show(struct screen *s)
{
	struct wos_screen *ws = (struct wos_screen *)s;

	/* Back from a work order that may have changed. */
	if (ws->reload_on_show) {
		ws->reload_on_show = false;
		table_reload(&ws->table);
		wos_pump(ws);
	}
}

static bool
wos_enabled(struct screen *s, int action)
{
	struct wos_screen *ws = (struct wos_screen *)s;

	if (action == WL_OPEN)
		return table_current(&ws->table) != NULL;
	if (action == WL_NEW)
		return app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR);
	return true;
}

static bool
wos_key(struct screen *s, int key)
{
	struct wos_screen *ws = (struct wos_screen *)s;
	struct table *t = &ws->table;
	const struct action *a;

	a = action_find(wos_actions, sizeof wos_actions / sizeof wos_actions[0], key);
	if (a == NULL || !wos_enabled(s, a->id))
		return false;
	switch (a->id) {
	case WL_OPEN:
		ws->reload_on_show = true;
		app_push(screen_workorder_new(table_current(t)->id, WO_TAB_INFO));
		break;
	case WL_FILTER:
		wos_ask_filter(ws);
		break;
	case WL_NEW:
		ws->reload_on_show = true;
		app_push(screen_workorder_form_new());
		break;
	case WL_OVERDUE:
		ws->overdue = !ws->overdue;
		wos_refetch(ws);
		break;
	case WL_RELOAD:
		table_reload_fresh(t);
		break;
	case WL_BACK:
		/* Esc undoes the narrowing first, then leaves. */
		if (ws->service_id != 0 || ws->type != NULL || ws->overdue ||
		    ws->query != NULL || ws->status != NULL) {
			ws->service_id = 0;
			free(ws->type);
			free(ws->query);
			free(ws->status);
			ws->type = ws->query = ws->status = NULL;
			ws->overdue = false;
			wos_refetch(ws);
		} else
			app_pop();
		return true;
	case WL_UP:
		table_move(t, -1);
		break;
	case WL_DOWN:
		table_move(t, 1);
		break;
	case WL_PGUP:
		table_move(t, -t->height);
		break;
	case WL_PGDN:
		table_move(t, t->height);
		break;
	case WL_HOME:
		table_home(t);
		break;
	case WL_END:
		table_end(t);
		break;
	}
	wos_pump(ws);
	return true;
}

static void
wos_draw(struct screen *s, int y, int x, int h, int w)
{
	struct wos_screen *ws = (struct wos_screen *)s;

	table_draw(&ws->table, y, x, h, w, _("No work order here"));
	wos_pump(ws);
}

static void
wos_destroy(struct screen *s)
{
	struct wos_screen *ws = (struct wos_screen *)s;

	table_free(&ws->table);
	free(ws->status);
	free(ws->type);
	free(ws->query);
	rv_free(ws->services);
	free(ws);
}

static const struct screen_ops wos_ops = {
	.name = "workorders",
	.actions = wos_actions,
	.nactions = sizeof wos_actions / sizeof wos_actions[0],
	.draw = wos_draw,
	.key = wos_key,
	.enabled = wos_enabled,
	.on_event = wos_on_event,
	.on_reply = wos_on_reply,
	.on_timer = wos_on_timer,
	.on_dialog = wos_on_dialog,
	.on_show = wos_on_show,
	.destroy = wos_destroy,
};

struct screen *
screen_workorders_new(void)
{
	struct wos_screen *ws = xcalloc(1, sizeof *ws);

	screen_init(&ws->base, &wos_ops, _("Work orders"));
	table_init(&ws->table, wos_cols, sizeof wos_cols / sizeof wos_cols[0], WOS_PAGE,
	    WOS_WINDOW);
	table_set_fill(&ws->table, wos_fill, ws);
	/* All of them, newest first: the done ones wait for a supervisor's
	 * closing as much as the open ones wait for work. */
	wos_title(ws);
	app_call(&ws->base, TAG_SERVICES, "service.list", NULL);
	return &ws->base;
}
