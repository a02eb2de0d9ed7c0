/* One work order: tabs for its information (with the real cost and the
 * delay), its labour, material and external-service lines, and its
 * timeline; the supervisor's keys to assign agents, add a contractor's
 * service line, close (after seeing the real cost), cancel with a
 * reason and reopen; a note for anyone who works on it. */
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

#define WO_ACTIONS(X)							\
	X(WD_NEXT_TAB, K_TAB, K_RIGHT, "Tab \u2192", N_("Next tab"), N_("Next tab")) \
	X(WD_PREV_TAB, K_BTAB, K_LEFT, "\u2190", NULL, N_("Previous tab (also Shift-Tab)")) \
	X(WD_TAB1, '1', 0, "1", NULL, N_("Tab: information, cost and delay")) \
	X(WD_TAB2, '2', 0, "2", NULL, N_("Tab: labour (hours and their rate)")) \
	X(WD_TAB3, '3', 0, "3", NULL, N_("Tab: material"))		\
	X(WD_TAB4, '4', 0, "4", NULL, N_("Tab: external services"))	\
	X(WD_TAB5, '5', 0, "5", NULL, N_("Tab: timeline"))		\
	X(WD_ASSIGN, 'a', 0, "a", N_("Assign"), N_("Choose the agents who do it (supervisors)")) \
	X(WD_SERVICE, 's', 0, "s", N_("Service"), N_("Add an external service line: contractor, what, amount (supervisors)")) \
	X(WD_CLOSE, 'c', 0, "c", N_("Close"), N_("Close a done one, after seeing its real cost (supervisors)")) \
	X(WD_CANCEL, 'x', 0, "x", N_("Cancel"), N_("Cancel it, with a reason (supervisors)")) \
	X(WD_REOPEN, 'o', 0, "o", N_("Reopen"), N_("Send a done work order back to work, with a note (supervisors)")) \
	X(WD_COMMENT, 'n', 0, "n", N_("Note"), N_("Add a note to the timeline")) \
	X(WD_REMOVE, 'd', K_DEL, "d Del", N_("Remove line"), N_("Lines tabs: remove the line under the cursor (a wrong entry)")) \
	X(WD_RELOAD, 'r', K_F(5), "r", NULL, N_("Fetch again"))	\
	X(WD_BACK, K_ESC, 'q', "Esc q", N_("Back"), N_("Back"))		\
	X(WD_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous row, or scroll")) \
	X(WD_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next row, or scroll")) \
	X(WD_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(WD_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))
enum { WO_ACTIONS(ACTION_ENUM) };
static const struct action wo_actions[] = { WO_ACTIONS(ACTION_ROW) };

enum { TAG_GET = 1, TAG_GET_CLOSE, TAG_AGENTS, TAG_CHANGE, TAG_FAILURES, TAG_CONTRACTORS,
    TAG_SERVICE };
enum { DLG_ASSIGN = 1, DLG_CLOSE, DLG_CANCEL, DLG_REOPEN, DLG_COMMENT, DLG_REMOVE,
    DLG_SERVICE };
enum { TIMER_RELOAD = 1 };
#define EVENT_DELAY_MS 150
#define AGENTS_LIMIT 500
#define CONTRACTORS_LIMIT 500

static const char *const tab_names[WO_TAB_COUNT] = {
	N_("Info"), N_("Labour"), N_("Material"), N_("Services"), N_("Timeline"),
};

static const struct table_col labour_cols[] = {
	{ N_("Day"), 10, 10, 7, TEXT_LEFT, false },
	{ N_("Agent"), 10, 24, 6, TEXT_LEFT, false },
	{ N_("Hours"), 5, 6, 8, TEXT_RIGHT, true },
	{ N_("Rate"), 8, 10, 4, TEXT_RIGHT, true },
	{ N_("Amount"), 10, 12, 7, TEXT_RIGHT, true },
	{ N_("Note"), 8, 0, 3, TEXT_LEFT, false },
};
static const struct table_col material_cols[] = {
	{ N_("Description"), 14, 0, 8, TEXT_LEFT, false },
	{ N_("Quantity"), 8, 10, 7, TEXT_RIGHT, true },
	{ N_("Unit cost"), 9, 12, 5, TEXT_RIGHT, true },
	{ N_("Amount"), 10, 12, 6, TEXT_RIGHT, true },
};
static const struct table_col services_cols[] = {
	{ N_("Contractor"), 12, 30, 6, TEXT_LEFT, false },
	{ N_("Description"), 14, 0, 5, TEXT_LEFT, false },
	{ N_("Amount"), 10, 12, 7, TEXT_RIGHT, true },
};
static const struct table_col timeline_cols[] = {
	{ N_("When"), 16, 16, 7, TEXT_LEFT, false },
	{ N_("Who"), 8, 20, 4, TEXT_LEFT, false },
	{ N_("What"), 10, 16, 6, TEXT_LEFT, false },
	{ N_("Note"), 10, 0, 5, TEXT_LEFT, false },
};

struct wo_screen {
	struct screen base;
	int64_t id;
	enum wo_tab tab;
	struct rv *wo;		/* workorder.get's answer */
	char *error;
	struct table lines[WO_TAB_COUNT];	/* all but the first tab */
	int info_top, info_height;
	char *request_key;	/* of the change on its way */
	const char *change_done;	/* what to say when it worked (N_) */
	int64_t remove_id;	/* the line a question is about */
	enum wo_tab remove_tab;
	struct rv *failures;	/* failure.list items, to name the codes */
	bool failures_asked;
	struct rv *contractors;	/* contractor.list items, for a service line */
	struct rv *service_typed;	/* what the service dialog held, to ask again */
};

static void
labour_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	char buf[64];

	row->id = rv_path_int(item, "id", 0);
	table_row_set(t, row, 0, asset_date_text(rv_path_str(item, "day", ""), buf, sizeof buf));
	table_row_set(t, row, 1, rv_path_str(item, "agent_name", ""));
	table_row_set(t, row, 2, wo_hours_text(rv_path_str(item, "hours", ""), buf, sizeof buf));
	table_row_set(t, row, 3, asset_money_text(rv_path_str(item, "rate", ""), buf, sizeof buf));
	table_row_set(t, row, 4, asset_money_text(rv_path_str(item, "amount", ""), buf,
	    sizeof buf));
	table_row_set(t, row, 5, rv_path_str(item, "note", ""));
}

static void
material_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	char buf[64], qty[64];

	row->id = rv_path_int(item, "id", 0);
	table_row_set(t, row, 0, rv_path_str(item, "description", ""));
	wo_hours_text(rv_path_str(item, "quantity", ""), qty, sizeof qty);
	xsnprintf(buf, sizeof buf, "%s %s", qty, rv_path_str(item, "unit", ""));
	table_row_set(t, row, 1, buf);
	table_row_set(t, row, 2, asset_money_text(rv_path_str(item, "unit_cost", ""), buf,
	    sizeof buf));
	table_row_set(t, row, 3, asset_money_text(rv_path_str(item, "amount", ""), buf,
	    sizeof buf));
}

static void
services_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	char buf[64];

	row->id = rv_path_int(item, "id", 0);
	table_row_set(t, row, 0, rv_path_str(item, "contractor_name", ""));
	table_row_set(t, row, 1, rv_path_str(item, "description", ""));
	table_row_set(t, row, 2, asset_money_text(rv_path_str(item, "amount", ""), buf,
	    sizeof buf));
}

static const char *
timeline_kind_text(const char *kind)
{
	if (strcmp(kind, "assign") == 0)
		return _("assigned");
	if (strcmp(kind, "report") == 0)
		return _("report");
	if (strcmp(kind, "comment") == 0)
		return _("note");
	if (strcmp(kind, "plan") == 0)
		return _("planning");
	return kind;
}

static void
timeline_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	const char *kind = rv_path_str(item, "kind", "");
	char buf[64];

	row->id = rv_path_int(item, "id", 0);
	table_row_set(t, row, 0, time_format(rv_path_str(item, "at", ""), false, buf,
	    sizeof buf));
	table_row_set(t, row, 1, rv_path_str(item, "user_name", ""));
	/* A status change says which status; the rest, what happened. */
	table_row_set(t, row, 2, strcmp(kind, "status") == 0 ?
	    wo_status_text(rv_path_str(item, "status", "")) : timeline_kind_text(kind));
	table_row_set(t, row, 3, rv_path_str(item, "note", ""));
}

static void
wo_fetch(struct wo_screen *ws, int tag)
{
	struct rv *params = rv_map();

	rv_set_int(params, "id", ws->id);
	app_call(&ws->base, tag, "workorder.get", params);
}

/* The lines come whole with the work order: each table shows one page. */
static void
wo_lines_load(struct table *t, const struct rv *items)
{
	struct rv *page = rv_map();
	int64_t keep = table_current(t) != NULL ? table_current(t)->id : 0;

	rv_set(page, "items", items != NULL ? rv_copy(items) : rv_array());
	table_reset(t);
	table_sent(t, 0, 1);
	table_loaded(t, 1, page);
	if (keep != 0)
		table_select_id(t, keep);
	rv_free(page);
}

static void
wo_set(struct wo_screen *ws, const struct rv *wo)
{
	static const char *const keys[WO_TAB_COUNT] = { NULL, "labour", "material",
	    "services", "timeline" };
	char *title;
	int i;

	rv_free(ws->wo);
	ws->wo = rv_copy(wo);
	free(ws->error);
	ws->error = NULL;
	title = xasprintf("%s %s", rv_path_str(wo, "number", ""), rv_path_str(wo, "title", ""));
	screen_set_title(&ws->base, title);
	free(title);
	for (i = 1; i < WO_TAB_COUNT; i++)
		wo_lines_load(&ws->lines[i], rv_get(wo, keys[i]));
	/* The codes come as ids: their names once, when there are some. */
	if (!ws->failures_asked && (rv_path_int(wo, "problem_id", 0) != 0 ||
	    rv_path_int(wo, "cause_id", 0) != 0 || rv_path_int(wo, "remedy_id", 0) != 0)) {
		ws->failures_asked = true;
		app_call(&ws->base, TAG_FAILURES, "failure.list", NULL);
	}
}

static const char *
wo_status(struct wo_screen *ws)
{
	return rv_path_str(ws->wo, "status", "");
}

static bool
wo_status_in(struct wo_screen *ws, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(wo_status(ws), *list) == 0)
			return true;
	}
	return false;
}

static bool
wo_can_supervise(struct wo_screen *ws)
{
	return ws->wo != NULL && app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR);
}

/* Dialogs. */

static struct rv *
wo_change_params(struct wo_screen *ws, bool version, const char *done)
{
	struct rv *params = rv_map();

	ws->change_done = done;
	rv_set_int(params, "id", ws->id);
	if (version)
		rv_set_int(params, "version", rv_path_int(ws->wo, "version", 0));
	free(ws->request_key);
	ws->request_key = app_request_key();
	rv_set_str(params, "request_key", ws->request_key);
	return params;
}

static void
wo_ask_assign(struct wo_screen *ws, const struct rv *agents)
{
	const struct rv *items = rv_get(agents, "items"), *it, *as;
	struct form *f = form_new();
	struct form_field *fld;
	char *label;
	size_t i;

	fld = form_add(f, F_REFS, "agent_ids", _("Agents"));
	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		it = items->a.items[i];
		label = xasprintf("%s %s (%s)", rv_path_str(it, "code", ""),
		    rv_path_str(it, "name", ""), rv_path_str(it, "trade", ""));
		form_option_merge(fld, rv_path_int(it, "id", 0), label);
		free(label);
	}
	as = rv_get(ws->wo, "assignees");
	for (i = 0; as != NULL && as->type == RV_ARRAY && i < as->a.n; i++) {
		/* An assignee from another service still shows, by name. */
		it = as->a.items[i];
		if (form_option_find(fld, rv_path_int(it, "agent_id", 0)) == NULL)
			form_option_merge(fld, rv_path_int(it, "agent_id", 0),
			    rv_path_str(it, "name", "?"));
		if (!form_field_has(fld, rv_path_int(it, "agent_id", 0))) {
			struct rv *one = rv_array();
			size_t k;

			for (k = 0; k < fld->nids; k++)
				rv_push(one, rv_int(fld->ids[k]));
			rv_push(one, rv_int(rv_path_int(it, "agent_id", 0)));
			form_set_ids(f, "agent_ids", one);
			rv_free(one);
		}
	}
	label = xasprintf(_("Assign %s"), rv_path_str(ws->wo, "number", ""));
	dialog_form(&ws->base, DLG_ASSIGN, label, f);
	free(label);
}

static void
wo_ask_close(struct wo_screen *ws)
{
	char l[64], m[64], s[64], t[64], *q;

	q = xasprintf(_("Close %s?\n\nLabour: %s\nMaterial: %s\nServices: %s\n"
	    "Real cost: %s\n\nThe cost is then frozen: no line can be added."),
	    rv_path_str(ws->wo, "number", ""),
	    asset_money_text(rv_path_str(ws->wo, "cost.labour", "0"), l, sizeof l),
	    asset_money_text(rv_path_str(ws->wo, "cost.material", "0"), m, sizeof m),
	    asset_money_text(rv_path_str(ws->wo, "cost.services", "0"), s, sizeof s),
	    asset_money_text(rv_path_str(ws->wo, "cost.total", "0"), t, sizeof t));
	dialog_confirm(&ws->base, DLG_CLOSE, _("Close"), q);
	free(q);
}

static void
wo_ask_note(struct wo_screen *ws, int tag, const char *name, const char *label,
    const char *title)
{
	struct form *f = form_new();
	struct form_field *fld;
	char *t = xasprintf("%s %s", title, rv_path_str(ws->wo, "number", ""));

	fld = form_add(f, F_TEXT, name, label);
	fld->required = true;
	fld->maxlen = tag == DLG_COMMENT ? 4000 : 500;
	dialog_form(&ws->base, tag, t, f);
	free(t);
}

/* An external service line: the contractor, what they did, the amount.
 * typed (or NULL) fills it as it was, error goes under its field. */
static void
wo_ask_service(struct wo_screen *ws, const struct rv *typed, const struct rv *error)
{
	const struct rv *items = ws->contractors, *it;
	struct form *f = form_new();
	struct form_field *fld;
	const char *trade;
	char *label;
	size_t i;

	fld = form_add(f, F_REF, "contractor_id", _("Contractor"));
	fld->required = true;
	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		it = items->a.items[i];
		trade = rv_path_str(it, "trade", "");
		label = *trade != '\0' ? xasprintf("%s (%s)", rv_path_str(it, "name", ""), trade) :
		    xstrdup(rv_path_str(it, "name", ""));
		form_option_merge(fld, rv_path_int(it, "id", 0), label);
		free(label);
	}
	fld = form_add(f, F_TEXT, "description", _("What they did"));
	fld->required = true;
	fld->maxlen = 200;
	fld = form_add(f, F_MONEY, "amount", _("Amount"));
	fld->required = true;
	if (typed != NULL) {
		if (rv_path_int(typed, "contractor_id", 0) != 0)
			wo_form_set_id(f, "contractor_id", rv_path_int(typed, "contractor_id", 0));
		form_set_text(f, "description", rv_path_str(typed, "description", ""));
		form_set_text(f, "amount", rv_path_str(typed, "amount", ""));
	}
	if (error != NULL) {
		label = app_error_text(error);
		form_set_error(f, app_error_field(error), label);
		free(label);
	}
	label = xasprintf(_("External service on %s"), rv_path_str(ws->wo, "number", ""));
	dialog_form(&ws->base, DLG_SERVICE, label, f);
	free(label);
}

/* What the dialog held, as typed (the amount too: "120,5" stays so). */
static void
wo_keep_service(struct wo_screen *ws, struct form *form)
{
	struct form_field *fld = form_get(form, "contractor_id");
	char *text;

	rv_free(ws->service_typed);
	ws->service_typed = rv_map();
	if (fld != NULL && fld->nids > 0)
		rv_set_int(ws->service_typed, "contractor_id", fld->ids[0]);
	text = form_text(form, "description");
	rv_set_str(ws->service_typed, "description", text);
	free(text);
	text = form_text(form, "amount");
	rv_set_str(ws->service_typed, "amount", text);
	free(text);
}

static void
wo_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct wo_screen *ws = (struct wo_screen *)s;
	struct rv *params;

	if (!ok || ws->wo == NULL)
		return;
	switch (tag) {
	case DLG_ASSIGN:
		params = wo_change_params(ws, true, N_("assigned"));
		form_to_params(form, params);
		app_call(s, TAG_CHANGE, "workorder.assign", params);
		break;
	case DLG_CLOSE:
		app_call(s, TAG_CHANGE, "workorder.close", wo_change_params(ws, true,
		    N_("closed")));
		break;
	case DLG_CANCEL:
		params = wo_change_params(ws, true, N_("cancelled"));
		form_to_params(form, params);
		app_call(s, TAG_CHANGE, "workorder.cancel", params);
		break;
	case DLG_REOPEN:
		params = wo_change_params(ws, true, N_("back to work"));
		form_to_params(form, params);
		app_call(s, TAG_CHANGE, "workorder.reopen", params);
		break;
	case DLG_COMMENT:
		params = wo_change_params(ws, false, N_("note added"));
		form_to_params(form, params);
		app_call(s, TAG_CHANGE, "workorder.comment", params);
		break;
	case DLG_SERVICE:
		wo_keep_service(ws, form);
		params = wo_change_params(ws, false, N_("external service added"));
		form_to_params(form, params);
		app_call(s, TAG_SERVICE, "workorder.add_service", params);
		break;
	case DLG_REMOVE:
		params = wo_change_params(ws, false, N_("line removed"));
		rv_set_str(params, "kind", ws->remove_tab == WO_TAB_LABOUR ? "labour" :
		    ws->remove_tab == WO_TAB_MATERIAL ? "material" : "service");
		rv_set_int(params, "line_id", ws->remove_id);
		app_call(s, TAG_CHANGE, "workorder.remove_line", params);
		break;
	}
}

static void
wo_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct wo_screen *ws = (struct wo_screen *)s;
	char *text = error != NULL ? app_error_text(error) : NULL, total[64];

	switch (tag) {
	case TAG_GET:
	case TAG_GET_CLOSE:
		if (error != NULL) {
			free(ws->error);
			ws->error = text;
			text = NULL;
			break;
		}
		wo_set(ws, result);
		/* The cost shown in the question is the one of this moment. */
		if (tag == TAG_GET_CLOSE && strcmp(wo_status(ws), "done") == 0)
			wo_ask_close(ws);
		break;
	case TAG_FAILURES:
		if (error == NULL) {
			rv_free(ws->failures);
			ws->failures = rv_copy(rv_get(result, "items"));
		}
		break;
	case TAG_AGENTS:
		if (error != NULL)
			app_message(MSG_ERROR, "%s", text);
		else if (ws->wo != NULL)
			wo_ask_assign(ws, result);
		break;
	case TAG_CONTRACTORS:
		if (error != NULL)
			app_message(MSG_ERROR, "%s", text);
		else if (ws->wo != NULL) {
			rv_free(ws->contractors);
			ws->contractors = rv_copy(rv_get(result, "items"));
			if (rv_len(ws->contractors) == 0)
				app_message(MSG_ERROR, "%s", _("No active contractor to choose"));
			else
				wo_ask_service(ws, NULL, NULL);
		}
		break;
	case TAG_SERVICE:
		free(ws->request_key);
		ws->request_key = NULL;
		if (error != NULL) {
			/* Refused on a field: the dialog again, as typed, the reason
			 * under the field. */
			if (app_error_field(error) != NULL && ws->wo != NULL &&
			    rv_get(ws->service_typed, app_error_field(error)) != NULL)
				wo_ask_service(ws, ws->service_typed, error);
			else {
				app_message(MSG_ERROR, "%s", text);
				/* Closed meanwhile, say: show what it is now. */
				if (strcmp(app_error_code(error), "conflict") == 0)
					wo_fetch(ws, TAG_GET);
			}
			break;
		}
		/* The answer is the work order with its lines: the new real
		 * cost at once, and in the message line. */
		wo_set(ws, result);
		app_message(MSG_OK, _("%s: external service added, real cost %s"),
		    rv_path_str(result, "number", ""), asset_money_text(rv_path_str(result,
		    "cost.total", "0"), total, sizeof total));
		break;
	case TAG_CHANGE:
		free(ws->request_key);
		ws->request_key = NULL;
		if (error != NULL) {
			app_message(MSG_ERROR, "%s", text);
			/* Changed meanwhile: show what it is now. */
			if (strcmp(app_error_code(error), "conflict") == 0)
				wo_fetch(ws, TAG_GET);
			break;
		}
		app_message(MSG_OK, "%s: %s", rv_path_str(result, "number", ""),
		    _(ws->change_done));
		/* Some answers carry no lines: fetch the whole again. */
		wo_fetch(ws, TAG_GET);
		break;
	}
	free(text);
}

static void
wo_on_event(struct screen *s, const struct rv *ev)
{
	struct wo_screen *ws = (struct wo_screen *)s;
	const char *topic = rv_path_str(ev, "topic", "");

	if (strcmp(topic, "resync") == 0 ||
	    (strcmp(topic, "workorder") == 0 && rv_path_int(ev, "id", 0) == ws->id))
		app_timer(s, TIMER_RELOAD, EVENT_DELAY_MS);
}

static void
wo_on_timer(struct screen *s, int tag)
{
	if (tag == TIMER_RELOAD)
		wo_fetch((struct wo_screen *)s, TAG_GET);
}

static bool
wo_enabled(struct screen *s, int action)
{
	static const char *const assignable[] = { "planned", "assigned", "in_progress",
	    "on_hold", NULL };
	static const char *const cancellable[] = { "planned", "assigned", "on_hold", NULL };
	static const char *const done[] = { "done", NULL };
	struct wo_screen *ws = (struct wo_screen *)s;

	switch (action) {
	case WD_ASSIGN:
		return wo_can_supervise(ws) && wo_status_in(ws, assignable);
	case WD_CLOSE:
	case WD_REOPEN:
		return wo_can_supervise(ws) && wo_status_in(ws, done);
	case WD_CANCEL:
		return wo_can_supervise(ws) && wo_status_in(ws, cancellable);
	case WD_SERVICE:
		/* Closed or cancelled, the cost is frozen. */
		return wo_can_supervise(ws) && strcmp(wo_status(ws), "closed") != 0 &&
		    strcmp(wo_status(ws), "cancelled") != 0;
	case WD_COMMENT:
		return ws->wo != NULL && app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT);
	case WD_REMOVE:
		/* Closed or cancelled, the lines are frozen. */
		return ws->wo != NULL && app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT) &&
		    (ws->tab == WO_TAB_LABOUR || ws->tab == WO_TAB_MATERIAL ||
		    ws->tab == WO_TAB_SERVICES) && table_current(&ws->lines[ws->tab]) != NULL &&
		    strcmp(wo_status(ws), "closed") != 0 && strcmp(wo_status(ws), "cancelled") != 0;
	default:
		return true;
	}
}

static void
wo_move_cursor(struct wo_screen *ws, long delta)
{
	if (ws->tab != WO_TAB_INFO)
		table_move(&ws->lines[ws->tab], delta);
	else {
		ws->info_top += (int)delta;
		if (ws->info_top < 0)
			ws->info_top = 0;
	}
}

static bool
wo_key(struct screen *s, int key)
{
	struct wo_screen *ws = (struct wo_screen *)s;
	const struct action *a;
	struct table_row *row;
	struct rv *params;
	char *q;
	int page = ws->info_height > 1 ? ws->info_height : 10;

	a = action_find(wo_actions, sizeof wo_actions / sizeof wo_actions[0], key);
	if (a == NULL || !wo_enabled(s, a->id))
		return false;
	switch (a->id) {
	case WD_NEXT_TAB:
		ws->tab = (ws->tab + 1) % WO_TAB_COUNT;
		break;
	case WD_PREV_TAB:
		ws->tab = (ws->tab + WO_TAB_COUNT - 1) % WO_TAB_COUNT;
		break;
	case WD_TAB1:
	case WD_TAB2:
	case WD_TAB3:
	case WD_TAB4:
	case WD_TAB5:
		ws->tab = (enum wo_tab)(a->id - WD_TAB1);
		break;
	case WD_ASSIGN:
		params = rv_map();
		rv_set_int(params, "service_id", rv_path_int(ws->wo, "service_id", 0));
		rv_set_bool(params, "active", true);
		rv_set_int(params, "limit", AGENTS_LIMIT);
		app_call(s, TAG_AGENTS, "agent.list", params);
		break;
	case WD_SERVICE:
		params = rv_map();
		rv_set_bool(params, "active", true);
		rv_set_int(params, "limit", CONTRACTORS_LIMIT);
		app_call(s, TAG_CONTRACTORS, "contractor.list", params);
		break;
	case WD_CLOSE:
		wo_fetch(ws, TAG_GET_CLOSE);
		break;
	case WD_CANCEL:
		wo_ask_note(ws, DLG_CANCEL, "reason", _("Why"), _("Cancel"));
		break;
	case WD_REOPEN:
		wo_ask_note(ws, DLG_REOPEN, "note", _("What is wrong"), _("Reopen"));
		break;
	case WD_COMMENT:
		wo_ask_note(ws, DLG_COMMENT, "note", _("Note"), _("A note on"));
		break;
	case WD_REMOVE:
		row = table_current(&ws->lines[ws->tab]);
		ws->remove_id = row->id;
		ws->remove_tab = ws->tab;
		q = xasprintf(_("Remove the line \u201c%s %s\u201d?\nThe cost goes down by %s."),
		    row->cells[0], row->cells[1], row->cells[ws->tab == WO_TAB_LABOUR ? 4 :
		    ws->tab == WO_TAB_MATERIAL ? 3 : 2]);
		dialog_confirm(s, DLG_REMOVE, _("Remove line"), q);
		free(q);
		break;
	case WD_RELOAD:
		wo_fetch(ws, TAG_GET);
		break;
	case WD_BACK:
		app_pop();
		return true;
	case WD_UP:
		wo_move_cursor(ws, -1);
		break;
	case WD_DOWN:
		wo_move_cursor(ws, 1);
		break;
	case WD_PGUP:
		wo_move_cursor(ws, -page);
		break;
	case WD_PGDN:
		wo_move_cursor(ws, page);
		break;
	}
	return true;
}

/* Drawing. */

struct info_line {
	const char *label;
	char *value;
};

static void
info_add(struct info_line *lines, size_t *n, size_t max, const char *label, char *value)
{
	if (value == NULL)
		return;
	if (*value == '\0' || *n >= max) {
		free(value);
		return;
	}
	lines[*n].label = label;
	lines[*n].value = value;
	(*n)++;
}

static char *
info_dates(const char *from, const char *to)
{
	char a[64], b[64];

	if (from == NULL && to == NULL)
		return NULL;
	return xasprintf("%s \u2013 %s", asset_date_text(from, a, sizeof a),
	    asset_date_text(to, b, sizeof b));
}

static char *
info_delay(const struct rv *wo)
{
	const struct rv *taken = rv_path(wo, "delay.days_taken");
	int64_t late = rv_path_int(wo, "delay.days_late", 0);
	char *t, *out;

	if (taken != NULL && taken->type == RV_INT)
		t = xasprintf(_("%lld days taken"), (long long)taken->i);
	else
		t = xstrdup(_("not done yet"));
	if (rv_path_bool(wo, "delay.late", false))
		out = xasprintf(_("%s, %lld days late"), t, (long long)late);
	else if (rv_path_str(wo, "target_date", NULL) != NULL)
		out = xasprintf(_("%s, on time"), t);
	else
		return t;
	free(t);
	return out;
}

static char *
info_code(struct wo_screen *ws, const char *what)
{
	const struct rv *it;
	char key[32];
	int64_t id;
	size_t i;

	xsnprintf(key, sizeof key, "%s_id", what);
	if ((id = rv_path_int(ws->wo, key, 0)) == 0)
		return NULL;
	for (i = 0; i < rv_len(ws->failures); i++) {
		it = ws->failures->a.items[i];
		if (rv_path_int(it, "id", 0) == id)
			return xasprintf("%s %s", rv_path_str(it, "code", ""),
			    _(rv_path_str(it, "name", "")));
	}
	return xasprintf("#%lld", (long long)id);
}

static size_t
wo_info_lines(struct wo_screen *ws, struct info_line *lines, size_t max, int width)
{
	const struct rv *w = ws->wo;
	const char *status = rv_path_str(w, "status", "");
	char a[64], b[64], c[64], d[64], **wrapped;
	size_t n = 0, nw = 0, i;

	info_add(lines, &n, max, _("Number"), xstrdup(rv_path_str(w, "number", "")));
	info_add(lines, &n, max, _("Title"), xstrdup(rv_path_str(w, "title", "")));
	if (strcmp(status, "on_hold") == 0)
		info_add(lines, &n, max, _("Status"), xasprintf("%s: %s", wo_status_text(status),
		    rv_path_str(w, "hold_reason", "")));
	else
		info_add(lines, &n, max, _("Status"), xstrdup(wo_status_text(status)));
	info_add(lines, &n, max, _("Type"), xasprintf("%s, %s",
	    wo_type_text(rv_path_str(w, "type", "")),
	    wo_priority_text(rv_path_str(w, "priority", ""))));
	if (rv_path_str(w, "asset_code", NULL) != NULL)
		info_add(lines, &n, max, _("Asset"), xasprintf("%s %s",
		    rv_path_str(w, "asset_code", ""), rv_path_str(w, "asset_name", "")));
	info_add(lines, &n, max, _("Site"), xstrdup(rv_path_str(w, "site_name", "")));
	info_add(lines, &n, max, _("Request"), xstrdup(rv_path_str(w, "request_number", "")));
	info_add(lines, &n, max, _("Planned"), info_dates(rv_path_str(w, "planned_start", NULL),
	    rv_path_str(w, "planned_end", NULL)));
	info_add(lines, &n, max, _("Target"), xstrdup(asset_date_text(rv_path_str(w,
	    "target_date", NULL), a, sizeof a)));
	info_add(lines, &n, max, _("Assignees"), wo_assignees_text(w));
	info_add(lines, &n, max, _("Started"), xstrdup(time_format(rv_path_str(w, "started",
	    NULL), false, a, sizeof a)));
	info_add(lines, &n, max, _("Done"), xstrdup(time_format(rv_path_str(w, "done_at",
	    NULL), false, a, sizeof a)));
	info_add(lines, &n, max, _("Closed"), xstrdup(time_format(rv_path_str(w, "closed_at",
	    NULL), false, a, sizeof a)));
	info_add(lines, &n, max, _("Delay"), info_delay(w));
	info_add(lines, &n, max, _("Labour"), xstrdup(asset_money_text(rv_path_str(w,
	    "cost.labour", "0"), a, sizeof a)));
	info_add(lines, &n, max, _("Material"), xstrdup(asset_money_text(rv_path_str(w,
	    "cost.material", "0"), b, sizeof b)));
	info_add(lines, &n, max, _("Services"), xstrdup(asset_money_text(rv_path_str(w,
	    "cost.services", "0"), c, sizeof c)));
	info_add(lines, &n, max, _("Real cost"), xstrdup(asset_money_text(rv_path_str(w,
	    "cost.total", "0"), d, sizeof d)));
	info_add(lines, &n, max, _("Problem"), info_code(ws, "problem"));
	info_add(lines, &n, max, _("Cause"), info_code(ws, "cause"));
	info_add(lines, &n, max, _("Remedy"), info_code(ws, "remedy"));
	info_add(lines, &n, max, _("Completion"), xstrdup(rv_path_str(w, "completion", "")));
	/* The description last, wrapped, since it can be long. */
	wrapped = text_wrap(rv_path_str(w, "description", ""), width > 20 ? width : 20, &nw);
	for (i = 0; i < nw; i++)
		info_add(lines, &n, max, i == 0 ? _("Description") : "", xstrdup(wrapped[i]));
	text_lines_free(wrapped, nw);
	return n;
}

static void
wo_draw_info(struct wo_screen *ws, int y, int x, int h, int w)
{
	struct info_line lines[96];
	int lw = 0, k, row, max;
	size_t n, i;

	n = wo_info_lines(ws, lines, sizeof lines / sizeof lines[0], w - 18);
	for (i = 0; i < n; i++) {
		k = text_width(lines[i].label);
		if (k > lw)
			lw = k;
	}
	if (lw > w / 3)
		lw = w / 3;
	ws->info_height = h;
	max = (int)n - h;
	if (ws->info_top > max)
		ws->info_top = max > 0 ? max : 0;
	for (i = (size_t)ws->info_top, row = y; i < n && row < y + h; i++, row++) {
		draw_text(row, x + 1, lw, lines[i].label, R_HEADER, TEXT_LEFT);
		draw_text(row, x + lw + 3, w - lw - 4, lines[i].value,
		    strcmp(lines[i].label, _("Real cost")) == 0 ? R_WARN : R_NORMAL,
		    TEXT_LEFT);
	}
	for (i = 0; i < n; i++)
		free(lines[i].value);
}

static void
wo_draw(struct screen *s, int y, int x, int h, int w)
{
	static const char *const empty[WO_TAB_COUNT] = { NULL, N_("No hours reported"),
	    N_("No material"), N_("No external service"), N_("Nothing yet") };
	struct wo_screen *ws = (struct wo_screen *)s;
	char *label;
	int col, t, tw;

	if (ws->wo == NULL) {
		draw_text(y + h / 2, x, w, ws->error != NULL ? ws->error : _("Loading\u2026"),
		    ws->error != NULL ? R_ERROR : R_DIM, TEXT_CENTER);
		return;
	}
	draw_fill(y, x, 1, w, R_NORMAL);
	col = x;
	for (t = 0; t < WO_TAB_COUNT && col < x + w; t++) {
		label = xasprintf(" %d %s ", t + 1, _(tab_names[t]));
		tw = text_width(label);
		if (col + tw > x + w)
			tw = x + w - col;
		draw_text(y, col, tw, label, t == (int)ws->tab ? R_CURSOR : R_DIM, TEXT_LEFT);
		col += tw;
		free(label);
	}
	y += 2;
	h -= 2;
	if (ws->tab == WO_TAB_INFO)
		wo_draw_info(ws, y, x, h, w);
	else
		table_draw(&ws->lines[ws->tab], y, x, h, w, _(empty[ws->tab]));
}

static void
wo_destroy(struct screen *s)
{
	struct wo_screen *ws = (struct wo_screen *)s;
	int i;

	rv_free(ws->wo);
	rv_free(ws->failures);
	rv_free(ws->contractors);
	rv_free(ws->service_typed);
	free(ws->error);
	free(ws->request_key);
	for (i = 1; i < WO_TAB_COUNT; i++)
		table_free(&ws->lines[i]);
	free(ws);
}

static const struct screen_ops wo_ops = {
	.name = "workorder",
	.actions = wo_actions,
	.nactions = sizeof wo_actions / sizeof wo_actions[0],
	.draw = wo_draw,
	.key = wo_key,
	.enabled = wo_enabled,
	.on_event = wo_on_event,
	.on_reply = wo_on_reply,
	.on_dialog = wo_on_dialog,
	.on_timer = wo_on_timer,
	.destroy = wo_destroy,
};

struct screen *
screen_workorder_new(int64_t id, enum wo_tab tab)
{
	struct wo_screen *ws = xcalloc(1, sizeof *ws);
	char *title = xasprintf(_("Work order #%lld"), (long long)id);

	screen_init(&ws->base, &wo_ops, title);
	free(title);
	ws->id = id;
	ws->tab = tab;
	table_init(&ws->lines[WO_TAB_LABOUR], labour_cols,
	    sizeof labour_cols / sizeof labour_cols[0], 1000, 2);
	table_set_fill(&ws->lines[WO_TAB_LABOUR], labour_fill, ws);
	table_init(&ws->lines[WO_TAB_MATERIAL], material_cols,
	    sizeof material_cols / sizeof material_cols[0], 1000, 2);
	table_set_fill(&ws->lines[WO_TAB_MATERIAL], material_fill, ws);
	table_init(&ws->lines[WO_TAB_SERVICES], services_cols,
	    sizeof services_cols / sizeof services_cols[0], 1000, 2);
	table_set_fill(&ws->lines[WO_TAB_SERVICES], services_fill, ws);
	table_init(&ws->lines[WO_TAB_TIMELINE], timeline_cols,
	    sizeof timeline_cols / sizeof timeline_cols[0], 1000, 2);
	table_set_fill(&ws->lines[WO_TAB_TIMELINE], timeline_fill, ws);
	wo_fetch(ws, TAG_GET);
	return &ws->base;
}
