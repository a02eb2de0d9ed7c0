/* Work → My work: the agent's open work orders (workorder.mine, most
 * urgent first), made for a small screen in the field (60x20). New
 * assignments arrive by themselves and stay marked until opened. Single
 * keys start, pause with a reason, resume and finish (with problem,
 * cause and remedy codes and a report), and enter hours or a part
 * (workorder.report). */
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

#define MINE_PAGE 50
#define MINE_WINDOW 10
#define EVENT_DELAY_MS 150

#define MINE_ACTIONS(X)							\
	X(MA_OPEN, K_ENTER, 0, "Enter", N_("Open"), N_("Open the work order under the cursor (no longer marked new)")) \
	X(MA_START, 's', 0, "s", N_("Start"), N_("Start the work")) \
	X(MA_RESUME, 'c', 0, "c", N_("Resume"), N_("Continue the work after a pause")) \
	X(MA_HOURS, 'h', 0, "h", N_("Hours"), N_("Enter hours worked (today unless told)")) \
	X(MA_PART, 'm', 0, "m", N_("Part"), N_("Enter a part or material used: what, how many, unit cost")) \
	X(MA_FINISH, 'f', 0, "f", N_("Finish"), N_("Finish: problem, cause, remedy and what was done")) \
	X(MA_HOLD, 'p', 0, "p", N_("Pause"), N_("Pause the work, with the reason (waiting for a part...)")) \
	X(MA_RELOAD, 'r', K_F(5), "r", NULL, N_("Fetch the list again")) \
	X(MA_BACK, K_ESC, 0, "Esc", N_("Back"), N_("Back to the menu"))	\
	X(MA_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous row"))	\
	X(MA_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next row"))	\
	X(MA_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(MA_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))
enum { MINE_ACTIONS(ACTION_ENUM) };
static const struct action mine_actions[] = { MINE_ACTIONS(ACTION_ROW) };

enum { TAG_PAGE = 1, TAG_FAILURES, TAG_CHANGE, TIMER_EVENT };
enum { DLG_HOLD = 1, DLG_FINISH, DLG_HOURS, DLG_PART };

static const struct table_col mine_cols[] = {
	{ "", 1, 1, 9, TEXT_LEFT, false },
	{ N_("Number"), 14, 14, 8, TEXT_LEFT, false },
	{ N_("Prio."), 6, 6, 3, TEXT_LEFT, false },
	{ N_("Status"), 11, 11, 6, TEXT_LEFT, false },
	{ N_("Title"), 14, 0, 7, TEXT_LEFT, false },
	{ N_("Target"), 12, 12, 5, TEXT_LEFT, false },
};

struct mine_screen {
	struct screen base;
	struct table table;
	bool loaded;		/* the first page came: later arrivals are new */
	int64_t *known;		/* every work order seen in the list */
	size_t nknown;
	/* The new ones are the table's selection, which it draws marked
	 * (the table is not multi-select here, so nothing else selects). */
	struct rv *failures;	/* failure.list items */
	/* The work order a dialog is about, and the change on its way. */
	int64_t act_id, act_version;
	char *act_number;
	const char *act_done;	/* what to say when it worked */
	/* The dialog that sent it and what was typed in it, to ask again
	 * with the server's verdict on the field it names. */
	int act_dialog;
	struct rv *act_typed;
	char *request_key;
	bool reload_on_show;
};

static bool
ids_has(const int64_t *ids, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ids[i] == id)
			return true;
	}
	return false;
}

static void
mine_mark(struct mine_screen *ms, int64_t id, bool on)
{
	struct table *t = &ms->table;
	size_t i;

	for (i = 0; i < t->nsel; i++) {
		if (t->sel[i] == id) {
			if (!on)
				t->sel[i] = t->sel[--t->nsel];
			return;
		}
	}
	if (on) {
		t->sel = xreallocarray(t->sel, t->nsel + 1, sizeof *t->sel);
		t->sel[t->nsel++] = id;
	}
}

static void
mine_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	struct mine_screen *ms = arg;
	const char *target = rv_path_str(item, "target_date", NULL);
	char buf[64];

	row->id = rv_path_int(item, "id", 0);
	/* Here now and not at the last look (a reload, not a page seen for
	 * the first time): a new assignment. */
	if (!ids_has(ms->known, ms->nknown, row->id)) {
		ms->known = xreallocarray(ms->known, ms->nknown + 1, sizeof *ms->known);
		ms->known[ms->nknown++] = row->id;
		if (ms->loaded && t->refreshing) {
			mine_mark(ms, row->id, true);
			app_message(MSG_INFO, _("New work: %s %s"), rv_path_str(item, "number", ""),
			    rv_path_str(item, "title", ""));
		}
	}
	table_row_set(t, row, 0, table_is_selected(t, row->id) ?
	    (text_utf8() ? "\u25cf" : "*") : "");
	table_row_set(t, row, 1, rv_path_str(item, "number", ""));
	table_row_set(t, row, 2, wo_priority_text(rv_path_str(item, "priority", "")));
	table_row_set(t, row, 3, wo_status_text(rv_path_str(item, "status", "")));
	table_row_set(t, row, 4, rv_path_str(item, "title", ""));
	asset_date_text(target, buf, sizeof buf);
	if (target != NULL && rv_path_bool(item, "delay.late", false)) {
		size_t n = strlen(buf);

		xsnprintf(buf + n, sizeof buf - n, " !");
	}
	table_row_set(t, row, 5, buf);
}

static void
mine_pump(struct mine_screen *ms)
{
	struct rv *params;
	const char *after;
	size_t page;

	while (table_need(&ms->table, &page, &after)) {
		params = table_params(&ms->table, after);
		table_sent(&ms->table, page, app_call(&ms->base, TAG_PAGE, "workorder.mine",
		    params));
	}
}

static const struct rv *
mine_current(struct mine_screen *ms)
{
	struct table_row *row = table_current(&ms->table);

	return row != NULL ? row->item : NULL;
}

static bool
mine_status_is(struct mine_screen *ms, const char *a, const char *b)
{
	const char *st = rv_path_str(mine_current(ms), "status", "");

	return strcmp(st, a) == 0 || (b != NULL && strcmp(st, b) == 0);
}

/* Dialogs and calls: each about the work order under the cursor when
 * the key was pressed. */

static void
mine_aim(struct mine_screen *ms)
{
	const struct rv *wo = mine_current(ms);

	ms->act_id = rv_path_int(wo, "id", 0);
	ms->act_version = rv_path_int(wo, "version", 0);
	free(ms->act_number);
	ms->act_number = xstrdup(rv_path_str(wo, "number", ""));
}

static void
mine_send(struct mine_screen *ms, const char *method, struct rv *params, bool version,
    const char *done)
{
	rv_set_int(params, "id", ms->act_id);
	if (version)
		rv_set_int(params, "version", ms->act_version);
	free(ms->request_key);
	ms->request_key = app_request_key();
	rv_set_str(params, "request_key", ms->request_key);
	ms->act_done = done;
	app_call(&ms->base, TAG_CHANGE, method, params);
}

static char *
mine_dialog_title(struct mine_screen *ms, const char *what)
{
	return xasprintf("%s \u2014 %s", what, ms->act_number);
}

static void
mine_ask_hold(struct mine_screen *ms)
{
	struct form *f = form_new();
	struct form_field *fld;
	char *title = mine_dialog_title(ms, _("Pause"));

	fld = form_add(f, F_TEXT, "reason", _("Why"));
	fld->required = true;
	fld->maxlen = 500;
	fld->hint = xstrdup(_("waiting for a part, no access..."));
	dialog_form(&ms->base, DLG_HOLD, title, f);
	free(title);
}

static void
mine_codes(struct mine_screen *ms, struct form_field *fld, const char *kind)
{
	const struct rv *items = ms->failures, *it, *parent;
	const char *pcode;
	char *label;
	size_t i, k;

	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		it = items->a.items[i];
		if (strcmp(rv_path_str(it, "kind", ""), kind) != 0)
			continue;
		/* A cause or a remedy says what it hangs under. */
		pcode = NULL;
		for (k = 0; rv_path_int(it, "parent_id", 0) != 0 && k < items->a.n; k++) {
			parent = items->a.items[k];
			if (rv_path_int(parent, "id", 0) == rv_path_int(it, "parent_id", 0))
				pcode = rv_path_str(parent, "code", NULL);
		}
		if (pcode != NULL)
			label = xasprintf("%s %s (%s)", rv_path_str(it, "code", ""),
			    _(rv_path_str(it, "name", "")), pcode);
		else
			label = xasprintf("%s %s", rv_path_str(it, "code", ""),
			    _(rv_path_str(it, "name", "")));
		form_option_merge(fld, rv_path_int(it, "id", 0), label);
		free(label);
	}
}

static void
mine_ask_finish(struct mine_screen *ms)
{
	struct form *f = form_new();
	struct form_field *fld;
	char *title = mine_dialog_title(ms, _("Finish"));

	fld = form_add(f, F_REF, "problem_id", _("Problem"));
	mine_codes(ms, fld, "problem");
	fld = form_add(f, F_REF, "cause_id", _("Cause"));
	mine_codes(ms, fld, "cause");
	fld = form_add(f, F_REF, "remedy_id", _("Remedy"));
	mine_codes(ms, fld, "remedy");
	fld = form_add(f, F_TEXT, "completion", _("Done"));
	fld->maxlen = 4000;
	fld->hint = xstrdup(_("what was done"));
	dialog_form(&ms->base, DLG_FINISH, title, f);
	free(title);
}

static void
mine_ask_hours(struct mine_screen *ms)
{
	struct form *f = form_new();
	struct form_field *fld;
	char today[16], shown[32];
	char *title = mine_dialog_title(ms, _("Hours"));

	fld = form_add(f, F_DATE, "day", _("Day"));
	fld->required = true;
	form_set_text(f, "day", asset_date_field(wo_today(today, sizeof today),
	    f->month_first, shown, sizeof shown));
	fld = form_add(f, F_TEXT, "hours", _("Hours"));
	fld->required = true;
	fld->check = wo_check_hours;
	fld->maxlen = 8;
	fld->hint = xstrdup(_("2,5 for two and a half"));
	fld = form_add(f, F_TEXT, "note", _("Note"));
	fld->maxlen = 500;
	form_focus(f, "hours");
	dialog_form(&ms->base, DLG_HOURS, title, f);
	free(title);
}

static void
mine_ask_part(struct mine_screen *ms)
{
	struct form *f = form_new();
	struct form_field *fld;
	char *title = mine_dialog_title(ms, _("Part"));

	fld = form_add(f, F_TEXT, "part", _("What"));
	fld->required = true;
	fld->maxlen = 200;
	fld = form_add(f, F_TEXT, "quantity", _("Quantity"));
	fld->required = true;
	fld->check = wo_check_quantity;
	fld->maxlen = 16;
	form_set_text(f, "quantity", "1");
	fld = form_add(f, F_MONEY, "unit_cost", _("Unit cost"));
	fld->required = true;
	fld->hint = xstrdup(_("euros"));
	dialog_form(&ms->base, DLG_PART, title, f);
	free(title);
}

/* The decimal fields go as the wire wants them ("2,5" -> "2.5"). */
static void
mine_set_decimal(struct rv *params, struct form *f, const char *name, int decimals)
{
	char *text = form_text(f, name), buf[32];

	if (wo_parse_decimal(text, decimals, buf, sizeof buf) == NULL)
		rv_set_str(params, name, buf);
	free(text);
}

static void
mine_keep_typed(struct mine_screen *ms, int tag, struct form *f)
{
	struct form_field *fld;
	char *text;
	size_t i;

	rv_free(ms->act_typed);
	ms->act_typed = rv_map();
	ms->act_dialog = tag;
	for (i = 0; i < f->n; i++) {
		fld = f->fields[i];
		if (fld->type == F_REF) {
			if (fld->nids > 0)
				rv_set_int(ms->act_typed, fld->name, fld->ids[0]);
		} else {
			text = form_text(f, fld->name);
			rv_set_str(ms->act_typed, fld->name, text);
			free(text);
		}
	}
}

/* The server refused a field of a dialog: the same dialog again, as it
 * was typed, with the reason under the field. Returns false when the
 * error names no field of it. */
static bool
mine_ask_again(struct mine_screen *ms, const struct rv *error)
{
	const char *field = app_error_field(error);
	const struct rv *v;
	struct form *f;
	char *text;
	size_t i;

	if (field == NULL || ms->act_typed == NULL || rv_get(ms->act_typed, field) == NULL)
		return false;
	switch (ms->act_dialog) {
	case DLG_HOLD:
		mine_ask_hold(ms);
		break;
	case DLG_FINISH:
		mine_ask_finish(ms);
		break;
	case DLG_HOURS:
		mine_ask_hours(ms);
		break;
	case DLG_PART:
		mine_ask_part(ms);
		break;
	default:
		return false;
	}
	if ((f = dialog_top_form()) == NULL)
		return false;
	for (i = 0; i < ms->act_typed->m.n; i++) {
		v = ms->act_typed->m.items[i].val;
		if (v->type == RV_INT)
			wo_form_set_id(f, ms->act_typed->m.items[i].key, v->i);
		else if (v->type == RV_STR)
			form_set_text(f, ms->act_typed->m.items[i].key, v->s.ptr);
	}
	text = app_error_text(error);
	form_set_error(f, field, text);
	free(text);
	return true;
}

static void
mine_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct mine_screen *ms = (struct mine_screen *)s;
	struct rv *params;

	if (!ok)
		return;
	mine_keep_typed(ms, tag, form);
	params = rv_map();
	switch (tag) {
	case DLG_HOLD:
		form_to_params(form, params);
		mine_send(ms, "workorder.hold", params, true, N_("paused"));
		break;
	case DLG_FINISH:
		form_to_params(form, params);
		mine_send(ms, "workorder.finish", params, true, N_("finished"));
		break;
	case DLG_HOURS:
		form_to_params(form, params);
		mine_set_decimal(params, form, "hours", 2);
		mine_send(ms, "workorder.report", params, false, N_("hours recorded"));
		break;
	case DLG_PART:
		form_to_params(form, params);
		mine_set_decimal(params, form, "quantity", 3);
		mine_send(ms, "workorder.report", params, false, N_("part recorded"));
		break;
	default:
		rv_free(params);
	}
}

/* The answer is the work order as it is now: the row takes its status
 * and version at once, so that the next key works before the reload. */
static void
mine_take(struct mine_screen *ms, const struct rv *wo)
{
	struct table_row *row = table_current(&ms->table);
	static const char *const keys[] = { "status", "version", "hold_reason" };
	const struct rv *v;
	size_t i;

	if (row == NULL || row->id != rv_path_int(wo, "id", -1) || row->item == NULL)
		return;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if ((v = rv_get(wo, keys[i])) != NULL)
			rv_set(row->item, keys[i], rv_copy(v));
	}
}

static void
mine_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct mine_screen *ms = (struct mine_screen *)s;
	char *text = error != NULL ? app_error_text(error) : NULL;

	switch (tag) {
	case TAG_PAGE:
		if (error != NULL)
			table_failed(&ms->table, id, text);
		else if (table_loaded(&ms->table, id, result))
			ms->loaded = true;
		break;
	case TAG_FAILURES:
		if (error == NULL) {
			rv_free(ms->failures);
			ms->failures = rv_copy(rv_get(result, "items"));
		}
		break;
	case TAG_CHANGE:
		free(ms->request_key);
		ms->request_key = NULL;
		if (error != NULL && mine_ask_again(ms, error))
			break;
		if (error != NULL)
			app_message(MSG_ERROR, "%s: %s", ms->act_number, text);
		else {
			mine_take(ms, result);
			app_message(MSG_OK, "%s: %s", ms->act_number, _(ms->act_done));
		}
		/* Done or not, show what it is now (a conflict: changed
		 * meanwhile). */
		table_reload(&ms->table);
		break;
	}
	free(text);
	mine_pump(ms);
}

static void
mine_on_event(struct screen *s, const struct rv *ev)
{
	struct mine_screen *ms = (struct mine_screen *)s;
	const char *topic = rv_path_str(ev, "topic", "");

	if (strcmp(topic, "workorder") != 0 && strcmp(topic, "resync") != 0)
		return;
	/* Given to me, even if it was in the list already (back after a
	 * reopening): mark it. */
	if (strcmp(rv_path_str(ev, "op", ""), "assign") == 0 &&
	    rv_path_int(ev, "owner", -1) == rv_path_int(app.user, "id", 0))
		mine_mark(ms, rv_path_int(ev, "id", 0), true);
	app_timer(s, TIMER_EVENT, EVENT_DELAY_MS);
}

static void
mine_on_timer(struct screen *s, int tag)
{
	struct mine_screen *ms = (struct mine_screen *)s;

	if (tag == TIMER_EVENT) {
		table_reload(&ms->table);
		mine_pump(ms);
	}
}

static void
mine_on_show(struct screen *s)
{
	struct mine_screen *ms = (struct mine_screen *)s;

	if (ms->reload_on_show) {
		ms->reload_on_show = false;
		table_reload(&ms->table);
		mine_pump(ms);
	}
}

static bool
mine_enabled(struct screen *s, int action)
{
	struct mine_screen *ms = (struct mine_screen *)s;
	bool row = mine_current(ms) != NULL;

	switch (action) {
	case MA_OPEN:
		return row;
	case MA_START:
		return row && mine_status_is(ms, "assigned", "planned");
	case MA_HOLD:
	case MA_FINISH:
		return row && mine_status_is(ms, "in_progress", NULL);
	case MA_RESUME:
		return row && mine_status_is(ms, "on_hold", NULL);
	case MA_HOURS:
	case MA_PART:
		return row && wo_is_open(rv_path_str(mine_current(ms), "status", ""));
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
	case MA_OPEN:
		mine_mark(ms, table_current(t)->id, false);
		ms->reload_on_show = true;
		app_push(screen_workorder_new(table_current(t)->id, WO_TAB_INFO));
		break;
	case MA_START:
		mine_aim(ms);
		ms->act_dialog = 0;
		mine_send(ms, "workorder.start", rv_map(), true, N_("started"));
		break;
	case MA_RESUME:
		mine_aim(ms);
		ms->act_dialog = 0;
		mine_send(ms, "workorder.resume", rv_map(), true, N_("resumed"));
		break;
	case MA_HOLD:
		mine_aim(ms);
		mine_ask_hold(ms);
		break;
	case MA_FINISH:
		mine_aim(ms);
		mine_ask_finish(ms);
		break;
	case MA_HOURS:
		mine_aim(ms);
		mine_ask_hours(ms);
		break;
	case MA_PART:
		mine_aim(ms);
		mine_ask_part(ms);
		break;
	case MA_RELOAD:
		table_reload_fresh(t);
		break;
	case MA_BACK:
		app_pop();
		return true;
	case MA_UP:
		table_move(t, -1);
		break;
	case MA_DOWN:
		table_move(t, 1);
		break;
	case MA_PGUP:
		table_move(t, -t->height);
		break;
	case MA_PGDN:
		table_move(t, t->height);
		break;
	}
	mine_pump(ms);
	return true;
}

/* Under the list, the work order under the cursor: where, when, and
 * why it waits (or what it is about). */
static void
mine_draw_card(struct mine_screen *ms, int y, int x, int h, int w)
{
	const struct rv *wo = mine_current(ms);
	const char *reason = rv_path_str(wo, "hold_reason", NULL);
	char a[64], *line;

	draw_fill(y, x, h, w, R_NORMAL);
	if (wo == NULL)
		return;
	if (rv_path_str(wo, "asset_code", NULL) != NULL)
		line = xasprintf("%s %s \u2014 %s", rv_path_str(wo, "asset_code", ""),
		    rv_path_str(wo, "asset_name", ""), rv_path_str(wo, "site_name", ""));
	else
		line = xstrdup(rv_path_str(wo, "site_name", ""));
	draw_text(y, x + 1, w - 2, line, R_HEADER, TEXT_LEFT);
	free(line);
	if (h < 2)
		return;
	if (rv_path_bool(wo, "delay.late", false))
		line = xasprintf(_("Target %s: %lld days late"), asset_date_text(rv_path_str(wo,
		    "target_date", ""), a, sizeof a),
		    (long long)rv_path_int(wo, "delay.days_late", 0));
	else if (rv_path_str(wo, "target_date", NULL) != NULL)
		line = xasprintf(_("Target %s"), asset_date_text(rv_path_str(wo, "target_date",
		    ""), a, sizeof a));
	else
		line = xstrdup(_("No target date"));
	draw_text(y + 1, x + 1, w - 2, line, rv_path_bool(wo, "delay.late", false) ? R_WARN :
	    R_NORMAL, TEXT_LEFT);
	free(line);
	if (h < 3)
		return;
	if (reason != NULL && strcmp(rv_path_str(wo, "status", ""), "on_hold") == 0) {
		line = xasprintf(_("Paused: %s"), reason);
		draw_text(y + 2, x + 1, w - 2, line, R_WARN, TEXT_LEFT);
		free(line);
	} else
		draw_text(y + 2, x + 1, w - 2, rv_path_str(wo, "description", ""), R_DIM,
		    TEXT_LEFT);
}

static void
mine_draw(struct screen *s, int y, int x, int h, int w)
{
	struct mine_screen *ms = (struct mine_screen *)s;
	int card = h >= 12 ? 3 : h >= 8 ? 1 : 0;

	table_draw(&ms->table, y, x, h - card, w, _("Nothing assigned to you"));
	if (card > 0)
		mine_draw_card(ms, y + h - card, x, card, w);
	mine_pump(ms);
}

static void
mine_destroy(struct screen *s)
{
	struct mine_screen *ms = (struct mine_screen *)s;

	table_free(&ms->table);
	free(ms->known);
	rv_free(ms->failures);
	rv_free(ms->act_typed);
	free(ms->act_number);
	free(ms->request_key);
	free(ms);
}

static const struct screen_ops mine_ops = {
	.name = "mywork",
	.actions = mine_actions,
	.nactions = sizeof mine_actions / sizeof mine_actions[0],
	.draw = mine_draw,
	.key = mine_key,
	.enabled = mine_enabled,
	.on_event = mine_on_event,
	.on_reply = mine_on_reply,
	.on_timer = mine_on_timer,
	.on_dialog = mine_on_dialog,
	.on_show = mine_on_show,
	.destroy = mine_destroy,
};

struct screen *
screen_mywork_new(void)
{
	struct mine_screen *ms = xcalloc(1, sizeof *ms);

	screen_init(&ms->base, &mine_ops, _("My work"));
	table_init(&ms->table, mine_cols, sizeof mine_cols / sizeof mine_cols[0], MINE_PAGE,
	    MINE_WINDOW);
	table_set_fill(&ms->table, mine_fill, ms);
	app_call(&ms->base, TAG_FAILURES, "failure.list", NULL);
	return &ms->base;
}
