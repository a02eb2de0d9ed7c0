/* The validation queue: what waits for the supervisor's decision, in
 * their services, most urgent first then oldest (request.queue). New
 * and answered requests appear as they come, without a key press. One
 * key per decision on the request under the cursor: approve (a small
 * form: service, priority, planned dates, note), reject (with a
 * reason), ask for information (a question), mark as a duplicate of an
 * open request on the same asset or site (picked from a list), or send
 * it to another service before deciding. Space selects rows: approve
 * and reject then act on all of them at once, and the result of each is
 * shown. */
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "requests.h"
#include "table.h"
#include "tui.h"
#include "xmalloc.h"

#define QUEUE_PAGE 100
#define QUEUE_WINDOW 10
#define NEARBY_LIMIT 50
/* Decisions and filings come in bursts: one reload for the burst. */
#define EVENT_DELAY_MS 150

#define QUEUE_ACTIONS(X)						\
	X(QA_OPEN, K_ENTER, 0, "Enter", N_("Open"), N_("Open the request with its timeline")) \
	X(QA_APPROVE, 'a', 0, "a", N_("Approve"), N_("Approve: a work order is made (the selected rows: all of them)")) \
	X(QA_REJECT, 'r', 0, "r", N_("Reject"), N_("Reject, with a reason (the selected rows: all of them)")) \
	X(QA_INFO, 'i', 0, "i", N_("Ask"), N_("Ask the requester a question; it leaves the queue until answered")) \
	X(QA_SELECT, K_SPACE, 0, "Space", N_("Select"), N_("Select the row or not, for a decision on several")) \
	X(QA_DUP, 'd', 0, "d", N_("Duplicate"), N_("Mark as a duplicate of an open request on the same asset or site")) \
	X(QA_REROUTE, 's', 0, "s", N_("Send"), N_("Send to another service, which will decide instead")) \
	X(QA_UNSELECT, 'u', 0, "u", NULL, N_("Clear the selection"))	\
	X(QA_RELOAD, K_F(5), 0, "F5", NULL, N_("Fetch again"))	\
	X(QA_BACK, K_ESC, 0, "Esc", N_("Back"), N_("Clear the selection, then back to the menu")) \
	X(QA_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous row"))	\
	X(QA_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next row"))	\
	X(QA_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(QA_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))		\
	X(QA_HOME, K_HOME, 'g', "Home g", NULL, N_("First row"))		\
	X(QA_END, K_END, 'G', "End G", NULL, N_("Last row"))
enum { QUEUE_ACTIONS(ACTION_ENUM) };
static const struct action queue_actions[] = { QUEUE_ACTIONS(ACTION_ROW) };

enum { TAG_PAGE = 1, TAG_SERVICES, TAG_DECIDE, TAG_BULK, TAG_NEARBY };
enum { DLG_APPROVE = 1, DLG_REJECT, DLG_INFO, DLG_DUP, DLG_REROUTE, DLG_BULK_APPROVE,
    DLG_BULK_REJECT };
enum { TIMER_RELOAD = 1 };

/* Narrow terminals keep what one decides on: the number, what is
 * wrong, how urgent and where; the dates go first. */
static const struct table_col queue_cols[] = {
	{ N_("!"), 2, 2, 9, TEXT_LEFT, false },
	{ N_("Number"), 14, 14, 8, TEXT_LEFT, false },
	{ N_("Urgency"), 6, 7, 6, TEXT_LEFT, false },
	{ N_("Where"), 12, 24, 5, TEXT_LEFT, false },
	{ N_("Category"), 10, 14, 1, TEXT_LEFT, false },
	{ N_("What"), 16, 0, 7, TEXT_LEFT, false },
	{ N_("Target"), 10, 10, 4, TEXT_LEFT, false },
	{ N_("Left"), 4, 4, 2, TEXT_RIGHT, true },
};

struct queue_screen {
	struct screen base;
	struct table table;
	struct rv *services;	/* service.list items */
	struct rv *deciding;	/* the request a dialog is about */
	int64_t *bulk_ids;	/* what a bulk decision was sent for */
	char **bulk_numbers;
	size_t nbulk;
	char *request_key;
	bool sending;
	uint32_t nearby_call;
};

static void
queue_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	const struct rv *left = rv_get(item, "days_left");
	char buf[64], *where = request_where(item), *what;

	row->id = rv_path_int(item, "id", 0);
	table_row_set(t, row, 0, request_due_mark(request_due(item)));
	table_row_set(t, row, 1, rv_path_str(item, "number", ""));
	table_row_set(t, row, 2, request_urgency_text(rv_path_str(item, "urgency", "")));
	table_row_set(t, row, 3, where);
	table_row_set(t, row, 4, _(rv_path_str(item, "category_name", "")));
	/* Back from the requester with an answer: say so first. */
	what = xasprintf("%s%s", rv_path_bool(item, "answered", false) ? _("(answered) ") :
	    "", rv_path_str(item, "description", ""));
	table_row_set(t, row, 5, what);
	table_row_set(t, row, 6, request_target_text(item, buf, sizeof buf));
	buf[0] = '\0';
	if (left != NULL && left->type == RV_INT)
		xsnprintf(buf, sizeof buf, "%lld", (long long)left->i);
	table_row_set(t, row, 7, buf);
	free(where);
	free(what);
}

static void
queue_pump(struct queue_screen *qs)
{
	struct rv *params;
	const char *after;
	size_t page;

	while (table_need(&qs->table, &page, &after)) {
		params = table_params(&qs->table, after);
		table_sent(&qs->table, page, app_call(&qs->base, TAG_PAGE, "request.queue",
		    params));
	}
}

static void
queue_reload(struct queue_screen *qs)
{
	table_reload(&qs->table);
	queue_pump(qs);
}

/* A row still in memory, by its request's id. */
static const struct rv *
queue_item(struct queue_screen *qs, int64_t id)
{
	size_t p, i;

	for (p = 0; p < qs->table.npages; p++) {
		for (i = 0; i < qs->table.pages[p].n; i++) {
			if (qs->table.pages[p].rows[i]->id == id)
				return qs->table.pages[p].rows[i]->item;
		}
	}
	return NULL;
}

static struct rv *
queue_params(struct queue_screen *qs, const struct rv *item)
{
	struct rv *params = rv_map();

	if (item != NULL) {
		rv_set_int(params, "id", rv_path_int(item, "id", 0));
		rv_set_int(params, "version", rv_path_int(item, "version", 0));
	}
	free(qs->request_key);
	qs->request_key = app_request_key();
	rv_set_str(params, "request_key", qs->request_key);
	return params;
}

static void
queue_set_deciding(struct queue_screen *qs, const struct rv *item)
{
	rv_free(qs->deciding);
	qs->deciding = item != NULL ? rv_copy(item) : NULL;
}

/* The dialogs. */

static void
queue_ask_approve(struct queue_screen *qs)
{
	const struct rv *r = qs->deciding, *it;
	struct form *f = form_new();
	struct form_field *fld;
	char *title;
	size_t i;

	fld = form_add(f, F_REF, "service_id", _("Service"));
	for (i = 0; qs->services != NULL && qs->services->type == RV_ARRAY &&
	    i < qs->services->a.n; i++) {
		it = qs->services->a.items[i];
		form_option_add(fld, rv_path_int(it, "id", 0), NULL, rv_path_str(it, "name", ""));
	}
	form_option_merge(fld, rv_path_int(r, "service_id", 0),
	    rv_path_str(r, "service_name", "?"));
	form_set_ids(f, "service_id", rv_get(r, "service_id"));
	fld = form_add(f, F_CHOICE, "priority", _("Priority"));
	request_urgency_options(fld);
	form_set_keys(f, "priority", rv_get(r, "urgency"));
	form_add(f, F_DATE, "planned_start", _("Planned start"));
	form_add(f, F_DATE, "planned_end", _("Planned end"));
	fld = form_add(f, F_TEXT, "note", _("Note"));
	fld->maxlen = 2000;
	title = xasprintf(_("Approve %s"), rv_path_str(r, "number", ""));
	dialog_form(&qs->base, DLG_APPROVE, title, f);
	free(title);
}

static void
queue_ask_text(struct queue_screen *qs, int tag, const char *name, const char *label,
    bool required, const char *title)
{
	struct form *f = form_new();
	struct form_field *fld = form_add(f, F_TEXT, name, label);

	fld->required = required;
	fld->maxlen = 2000;
	dialog_form(&qs->base, tag, title, f);
}

static void
queue_ask_one(struct queue_screen *qs, int tag)
{
	const char *number = rv_path_str(qs->deciding, "number", "");
	char *title;

	if (tag == DLG_REJECT) {
		title = xasprintf(_("Reject %s"), number);
		queue_ask_text(qs, tag, "reason", _("Reason"), true, title);
	} else {
		title = xasprintf(_("Ask about %s"), number);
		queue_ask_text(qs, tag, "question", _("Question"), true, title);
	}
	free(title);
}

static void
queue_ask_reroute(struct queue_screen *qs)
{
	const struct rv *it;
	struct form *f = form_new();
	struct form_field *fld;
	int64_t id, own = rv_path_int(qs->deciding, "service_id", 0);
	char *title;
	size_t i;

	fld = form_add(f, F_REF, "service_id", _("Service"));
	fld->required = true;
	for (i = 0; qs->services != NULL && qs->services->type == RV_ARRAY &&
	    i < qs->services->a.n; i++) {
		it = qs->services->a.items[i];
		if ((id = rv_path_int(it, "id", 0)) != own)
			form_option_add(fld, id, NULL, rv_path_str(it, "name", ""));
	}
	fld = form_add(f, F_TEXT, "note", _("Note"));
	fld->maxlen = 2000;
	title = xasprintf(_("Send %s to"), rv_path_str(qs->deciding, "number", ""));
	dialog_form(&qs->base, DLG_REROUTE, title, f);
	free(title);
}

/* The duplicate's original: the open requests on the same asset (or
 * site), fetched first. */
static void
queue_find_nearby(struct queue_screen *qs)
{
	struct rv *params = rv_map();
	int64_t asset = rv_path_int(qs->deciding, "asset_id", 0);

	if (asset != 0)
		rv_set_int(params, "asset_id", asset);
	else
		rv_set_int(params, "site_id", rv_path_int(qs->deciding, "site_id", 0));
	rv_set_str(params, "status", "open");
	rv_set_int(params, "limit", NEARBY_LIMIT);
	qs->nearby_call = app_call(&qs->base, TAG_NEARBY, "request.list", params);
}

static void
queue_ask_duplicate(struct queue_screen *qs, const struct rv *items)
{
	struct form *f;
	struct form_field *fld;
	const struct rv *it;
	int64_t self = rv_path_int(qs->deciding, "id", 0), id;
	char *label, *title;
	size_t i;

	f = form_new();
	fld = form_add(f, F_REF, "original_id", _("Original"));
	fld->required = true;
	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		it = items->a.items[i];
		if ((id = rv_path_int(it, "id", 0)) == self)
			continue;
		label = xasprintf("%s %s", rv_path_str(it, "number", ""),
		    rv_path_str(it, "description", ""));
		form_option_add(fld, id, NULL, label);
		free(label);
	}
	if (fld->nopts == 0) {
		form_free(f);
		app_message(MSG_INFO, "%s", _("No other open request on the same asset or site"));
		return;
	}
	/* The nearest guess, ready to confirm. */
	fld->ids = xcalloc(1, sizeof *fld->ids);
	fld->ids[0] = fld->opts[0].id;
	fld->nids = 1;
	fld = form_add(f, F_TEXT, "note", _("Note"));
	fld->maxlen = 2000;
	title = xasprintf(_("%s duplicates\u2026"), rv_path_str(qs->deciding, "number", ""));
	dialog_form(&qs->base, DLG_DUP, title, f);
	free(title);
}

/* Bulk decisions: the selected rows still in the queue. */
static size_t
queue_bulk_prepare(struct queue_screen *qs, struct rv *params)
{
	struct rv *ids = rv_set(params, "ids", rv_array());
	struct rv *versions = rv_set(params, "versions", rv_array());
	const struct rv *item;
	size_t i;

	for (i = 0; i < qs->nbulk; i++)
		free(qs->bulk_numbers[i]);
	qs->nbulk = 0;
	qs->bulk_ids = xreallocarray(qs->bulk_ids, qs->table.nsel + 1, sizeof *qs->bulk_ids);
	qs->bulk_numbers = xreallocarray(qs->bulk_numbers, qs->table.nsel + 1,
	    sizeof *qs->bulk_numbers);
	for (i = 0; i < qs->table.nsel; i++) {
		if ((item = queue_item(qs, qs->table.sel[i])) == NULL)
			continue;
		rv_push(ids, rv_int(qs->table.sel[i]));
		rv_push(versions, rv_int(rv_path_int(item, "version", 0)));
		qs->bulk_ids[qs->nbulk] = qs->table.sel[i];
		qs->bulk_numbers[qs->nbulk] = xstrdup(rv_path_str(item, "number", ""));
		qs->nbulk++;
	}
	return qs->nbulk;
}

static void
queue_ask_bulk(struct queue_screen *qs, int tag)
{
	char *title;
	size_t n = qs->table.nsel;

	if (tag == DLG_BULK_APPROVE) {
		title = xasprintf(_("Approve %zu requests"), n);
		queue_ask_text(qs, tag, "note", _("Note"), false, title);
	} else {
		title = xasprintf(_("Reject %zu requests"), n);
		queue_ask_text(qs, tag, "reason", _("Reason"), true, title);
	}
	free(title);
}

static void
queue_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct queue_screen *qs = (struct queue_screen *)s;
	static const char *const methods[] = { NULL, "request.approve", "request.reject",
	    "request.needs_info", "request.duplicate", "request.reroute",
	    "request.approve_many", "request.reject_many" };
	struct rv *params, *values;
	size_t i;

	if (!ok || tag < DLG_APPROVE || tag > DLG_BULK_REJECT)
		return;
	if (tag == DLG_BULK_APPROVE || tag == DLG_BULK_REJECT) {
		params = queue_params(qs, NULL);
		if (queue_bulk_prepare(qs, params) == 0) {
			rv_free(params);
			app_message(MSG_ERROR, "%s", _("The selected requests left the queue"));
			return;
		}
		form_to_params(form, params);
		qs->sending = true;
		app_call(s, TAG_BULK, methods[tag], params);
		return;
	}
	if (qs->deciding == NULL)
		return;
	params = queue_params(qs, qs->deciding);
	values = rv_map();
	form_to_params(form, values);
	for (i = 0; i < values->m.n; i++) {
		/* The request's own service and urgency are the defaults. */
		if (tag == DLG_APPROVE && ((strcmp(values->m.items[i].key, "service_id") == 0 &&
		    values->m.items[i].val->i == rv_path_int(qs->deciding, "service_id", 0)) ||
		    (strcmp(values->m.items[i].key, "priority") == 0 &&
		    strcmp(values->m.items[i].val->s.ptr,
		    rv_path_str(qs->deciding, "urgency", "")) == 0)))
			continue;
		rv_set(params, values->m.items[i].key, rv_copy(values->m.items[i].val));
	}
	rv_free(values);
	qs->sending = true;
	app_call(s, TAG_DECIDE, methods[tag], params);
}

/* Answers. */

static void
queue_decided(struct queue_screen *qs, const struct rv *error, const struct rv *result)
{
	const char *wo;
	char *text;

	if (error != NULL) {
		text = app_error_text(error);
		app_message(MSG_ERROR, "%s", text);
		free(text);
	} else if ((wo = rv_path_str(result, "work_order_number", NULL)) != NULL)
		app_message(MSG_OK, _("%s approved: work order %s"),
		    rv_path_str(result, "number", ""), wo);
	else if (rv_path_int(result, "service_id", 0) !=
	    rv_path_int(qs->deciding, "service_id", 0))
		app_message(MSG_OK, _("%s sent to %s"), rv_path_str(result, "number", ""),
		    rv_path_str(result, "service_name", ""));
	else
		app_message(MSG_OK, _("%s: %s"), rv_path_str(result, "number", ""),
		    request_status_text(rv_path_str(result, "status", "")));
	queue_reload(qs);
}

static const char *
queue_bulk_number(struct queue_screen *qs, int64_t id)
{
	size_t i;

	for (i = 0; i < qs->nbulk; i++) {
		if (qs->bulk_ids[i] == id)
			return qs->bulk_numbers[i];
	}
	return "?";
}

static void
queue_bulk_done(struct queue_screen *qs, const struct rv *error, const struct rv *result)
{
	const struct rv *results = rv_get(result, "results"), *it;
	char *text, *line, *all, *title;
	size_t i;

	if (error != NULL) {
		queue_decided(qs, error, NULL);
		return;
	}
	all = xstrdup("");
	for (i = 0; results != NULL && results->type == RV_ARRAY && i < results->a.n; i++) {
		it = results->a.items[i];
		if (rv_path_bool(it, "ok", false)) {
			const char *wo = rv_path_str(it, "work_order_number", NULL);

			line = wo != NULL ? xasprintf(_("%s approved: work order %s"),
			    queue_bulk_number(qs, rv_path_int(it, "id", 0)), wo) :
			    xasprintf(_("%s: %s"), queue_bulk_number(qs, rv_path_int(it, "id", 0)),
			    request_status_text(rv_path_str(it, "status", "")));
		} else {
			text = rv_path_bool(it, "skipped", false) ? xstrdup(_("not done")) :
			    app_error_text(rv_get(it, "error"));
			line = xasprintf(_("%s refused: %s"),
			    queue_bulk_number(qs, rv_path_int(it, "id", 0)), text);
			free(text);
		}
		text = all;
		all = xasprintf("%s%s%s", text, *text != '\0' ? "\n" : "", line);
		free(text);
		free(line);
	}
	title = xasprintf(_("%lld done, %lld refused"), (long long)rv_path_int(result, "done", 0),
	    (long long)rv_path_int(result, "failed", 0));
	dialog_message(title, all);
	free(title);
	free(all);
	table_clear_selection(&qs->table);
	queue_reload(qs);
}

static void
queue_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct queue_screen *qs = (struct queue_screen *)s;
	char *text;

	switch (tag) {
	case TAG_PAGE:
		if (error != NULL) {
			text = app_error_text(error);
			table_failed(&qs->table, id, text);
			free(text);
		} else
			table_loaded(&qs->table, id, result);
		break;
	case TAG_SERVICES:
		if (error == NULL) {
			rv_free(qs->services);
			qs->services = rv_copy(rv_get(result, "items"));
		}
		break;
	case TAG_DECIDE:
		qs->sending = false;
		queue_decided(qs, error, result);
		break;
	case TAG_BULK:
		qs->sending = false;
		queue_bulk_done(qs, error, result);
		break;
	case TAG_NEARBY:
		if (id != qs->nearby_call || qs->deciding == NULL)
			break;
		if (error != NULL) {
			text = app_error_text(error);
			app_message(MSG_ERROR, "%s", text);
			free(text);
		} else
			queue_ask_duplicate(qs, rv_get(result, "items"));
		break;
	}
	queue_pump(qs);
}

static void
queue_on_event(struct screen *s, const struct rv *ev)
{
	const char *topic = rv_path_str(ev, "topic", "");

	if (strcmp(topic, "request") == 0 || strcmp(topic, "resync") == 0)
		app_timer(s, TIMER_RELOAD, EVENT_DELAY_MS);
}

static void
queue_on_timer(struct screen *s, int tag)
{
	if (tag == TIMER_RELOAD)
		queue_reload((struct queue_screen *)s);
}

static void
queue_on_show(struct screen *s)
{
	queue_reload((struct queue_screen *)s);
}

static bool
queue_enabled(struct screen *s, int action)
{
	struct queue_screen *qs = (struct queue_screen *)s;
	bool row = table_current(&qs->table) != NULL;

	switch (action) {
	case QA_OPEN:
	case QA_SELECT:
		return row;
	case QA_APPROVE:
	case QA_REJECT:
		return !qs->sending && (row || qs->table.nsel > 0);
	case QA_INFO:
	case QA_DUP:
	case QA_REROUTE:
		return !qs->sending && row && qs->table.nsel == 0;
	case QA_UNSELECT:
		return qs->table.nsel > 0;
	default:
		return true;
	}
}

static bool
queue_key(struct screen *s, int key)
{
	struct queue_screen *qs = (struct queue_screen *)s;
	struct table *t = &qs->table;
	struct table_row *row = table_current(t);
	const struct action *a;

	a = action_find(queue_actions, sizeof queue_actions / sizeof queue_actions[0], key);
	if (a == NULL || !queue_enabled(s, a->id))
		return false;
	switch (a->id) {
	case QA_OPEN:
		app_push(screen_request_new(row->id));
		return true;
	case QA_APPROVE:
	case QA_REJECT:
		if (t->nsel > 0) {
			queue_ask_bulk(qs, a->id == QA_APPROVE ? DLG_BULK_APPROVE :
			    DLG_BULK_REJECT);
			break;
		}
		queue_set_deciding(qs, row->item);
		if (a->id == QA_APPROVE)
			queue_ask_approve(qs);
		else
			queue_ask_one(qs, DLG_REJECT);
		break;
	case QA_INFO:
		queue_set_deciding(qs, row->item);
		queue_ask_one(qs, DLG_INFO);
		break;
	case QA_DUP:
		queue_set_deciding(qs, row->item);
		queue_find_nearby(qs);
		break;
	case QA_REROUTE:
		queue_set_deciding(qs, row->item);
		queue_ask_reroute(qs);
		break;
	case QA_SELECT:
		table_toggle_select(t);
		table_move(t, 1);
		break;
	case QA_UNSELECT:
		table_clear_selection(t);
		break;
	case QA_RELOAD:
		table_reload_fresh(t);
		break;
	case QA_BACK:
		if (t->nsel > 0)
			table_clear_selection(t);
		else {
			app_pop();
			return true;
		}
		break;
	case QA_UP:
		table_move(t, -1);
		break;
	case QA_DOWN:
		table_move(t, 1);
		break;
	case QA_PGUP:
		table_move(t, -t->height);
		break;
	case QA_PGDN:
		table_move(t, t->height);
		break;
	case QA_HOME:
		table_home(t);
		break;
	case QA_END:
		table_end(t);
		break;
	}
	queue_pump(qs);
	return true;
}

static void
queue_draw(struct screen *s, int y, int x, int h, int w)
{
	struct queue_screen *qs = (struct queue_screen *)s;

	table_draw(&qs->table, y, x, h, w, _("Nothing waits for a decision"));
	request_draw_marks(&qs->table, y, x, h, w);
	queue_pump(qs);
}

static void
queue_destroy(struct screen *s)
{
	struct queue_screen *qs = (struct queue_screen *)s;
	size_t i;

	table_free(&qs->table);
	rv_free(qs->services);
	rv_free(qs->deciding);
	for (i = 0; i < qs->nbulk; i++)
		free(qs->bulk_numbers[i]);
	free(qs->bulk_numbers);
	free(qs->bulk_ids);
	free(qs->request_key);
	free(qs);
}

static const struct screen_ops queue_ops = {
	.name = "queue",
	.actions = queue_actions,
	.nactions = sizeof queue_actions / sizeof queue_actions[0],
	.draw = queue_draw,
	.key = queue_key,
	.enabled = queue_enabled,
	.on_event = queue_on_event,
	.on_reply = queue_on_reply,
	.on_dialog = queue_on_dialog,
	.on_timer = queue_on_timer,
	.on_show = queue_on_show,
	.destroy = queue_destroy,
};

struct screen *
screen_queue_new(void)
{
	struct queue_screen *qs = xcalloc(1, sizeof *qs);

	screen_init(&qs->base, &queue_ops, _("Validation queue"));
	table_init(&qs->table, queue_cols, sizeof queue_cols / sizeof queue_cols[0], QUEUE_PAGE,
	    QUEUE_WINDOW);
	table_set_fill(&qs->table, queue_fill, qs);
	qs->table.multi = true;
	app_call(&qs->base, TAG_SERVICES, "service.list", NULL);
	queue_pump(qs);
	return &qs->base;
}
