/* One request: what was asked, where, by whom, its target date and
 * state, the work order that came of it, then its whole timeline
 * (changes of state with who, when and the note; questions and answers;
 * comments; the work order's own progress). The requester answers a
 * question, corrects what they said, cancels, or comments from here. */
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "requests.h"
#include "text.h"
#include "tui.h"
#include "xmalloc.h"

#define REQUEST_ACTIONS(X)						\
	X(RD_ANSWER, 'a', 0, "a", N_("Answer"), N_("Answer the question asked (the request goes back to the queue)")) \
	X(RD_EDIT, 'e', 0, "e", N_("Edit"), N_("Correct the description, urgency or contact while it waits")) \
	X(RD_COMMENT, 'c', 0, "c", N_("Comment"), N_("Add a comment to the timeline")) \
	X(RD_CANCEL, 'x', 0, "x", N_("Cancel it"), N_("Cancel the request, with an optional note")) \
	X(RD_RELOAD, K_F(5), 0, "F5", NULL, N_("Fetch again"))	\
	X(RD_BACK, K_ESC, 'q', "Esc q", N_("Back"), N_("Back"))		\
	X(RD_UP, K_UP, 'k', "\u2191 k", NULL, N_("Scroll up"))		\
	X(RD_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Scroll down"))	\
	X(RD_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(RD_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))
enum { REQUEST_ACTIONS(ACTION_ENUM) };
static const struct action request_actions[] = { REQUEST_ACTIONS(ACTION_ROW) };

enum { TAG_GET = 1, TAG_CHANGE };
enum { DLG_ANSWER = 1, DLG_COMMENT, DLG_CANCEL, DLG_EDIT };
enum { TIMER_RELOAD = 1 };
#define EVENT_DELAY_MS 150

struct request_screen {
	struct screen base;
	int64_t id;
	struct rv *request;	/* request.get's answer */
	char *error;
	int top, height;
	char *request_key;	/* of the change being sent */
	bool sending;
	int change;		/* the dialog whose change is being sent */
};

/* The lines drawn: a label (or NULL for a line of its own) and text. */
struct rline {
	const char *label;
	char *text;
	enum draw_role role;
};

struct rlines {
	struct rline *v;
	size_t n;
};

static void
rlines_add(struct rlines *l, const char *label, char *text, enum draw_role role)
{
	if (text == NULL)
		return;
	if (*text == '\0' && label != NULL) {
		free(text);
		return;
	}
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].label = label;
	l->v[l->n].text = text;
	l->v[l->n].role = role;
	l->n++;
}

static void
rlines_free(struct rlines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
}

static char *
request_due_text(const struct rv *r)
{
	const struct rv *left = rv_get(r, "days_left");
	char date[64];

	request_target_text(r, date, sizeof date);
	if (left == NULL || left->type != RV_INT)
		return xstrdup(date);
	if (left->i < 0)
		return xasprintf(_("%s !! late by %lld day(s)"), date, (long long)-left->i);
	if (request_due(r) == DUE_SOON)
		return xasprintf(_("%s ! %lld day(s) left"), date, (long long)left->i);
	return xasprintf(_("%s (%lld days left)"), date, (long long)left->i);
}

static const char *
request_kind_text(const char *kind)
{
	if (strcmp(kind, "question") == 0)
		return _("asked");
	if (strcmp(kind, "answer") == 0)
		return _("answered");
	if (strcmp(kind, "comment") == 0)
		return _("commented");
	if (strcmp(kind, "workorder") == 0)
		return _("work order");
	if (strcmp(kind, "update") == 0)
		return _("changed");
	if (strcmp(kind, "reroute") == 0)
		return _("sent to");
	return "";
}

static void
request_timeline_lines(const struct rv *r, struct rlines *l)
{
	const struct rv *tl = rv_get(r, "timeline"), *e;
	const char *kind, *note, *ref;
	char when[64], *what;
	size_t i;

	rlines_add(l, NULL, xstrdup(_("Timeline")), R_HEADER);
	for (i = 0; tl != NULL && tl->type == RV_ARRAY && i < tl->a.n; i++) {
		e = tl->a.items[i];
		kind = rv_path_str(e, "kind", "");
		note = rv_path_str(e, "note", "");
		ref = rv_path_str(e, "ref", "");
		time_format(rv_path_str(e, "at", ""), false, when, sizeof when);
		if (strcmp(kind, "status") == 0)
			what = xstrdup(request_status_text(rv_path_str(e, "status", "")));
		else if (strcmp(kind, "workorder") == 0)
			what = xasprintf("%s %s: %s", request_kind_text(kind), ref,
			    _(rv_path_str(e, "status", "")));
		else if (strcmp(kind, "reroute") == 0)
			what = xasprintf("%s %s", request_kind_text(kind), ref);
		else
			what = xstrdup(request_kind_text(kind));
		if (strcmp(kind, "status") == 0 && *ref != '\0') {
			char *tmp = what;

			what = xasprintf("%s %s", tmp, ref);
			free(tmp);
		}
		rlines_add(l, NULL, xasprintf("%s  %s  %s%s%s", when,
		    rv_path_str(e, "user_name", rv_path_str(e, "user_login", "")), what,
		    *note != '\0' ? ": " : "", note), strcmp(kind, "question") == 0 ?
		    R_WARN : R_NORMAL);
		free(what);
	}
}

static void
request_lines(struct request_screen *rs, struct rlines *l)
{
	const struct rv *r = rs->request, *dups = rv_get(r, "duplicates");
	const char *wo = rv_path_str(r, "work_order_number", NULL);
	enum request_due due = request_due(r);
	char buf[64];
	size_t i;

	rlines_add(l, _("Status"), xstrdup(request_status_text(rv_path_str(r, "status", ""))),
	    R_NORMAL);
	if (wo != NULL)
		rlines_add(l, _("Work order"), xasprintf("%s (%s)", wo,
		    _(rv_path_str(r, "work_order_status", ""))), R_SUCCESS);
	rlines_add(l, _("Where"), request_where(r), R_NORMAL);
	rlines_add(l, _("Category"), xasprintf("%s \u2192 %s",
	    _(rv_path_str(r, "category_name", "")), rv_path_str(r, "service_name", "")),
	    R_NORMAL);
	rlines_add(l, _("Urgency"), xstrdup(request_urgency_text(rv_path_str(r, "urgency",
	    ""))), R_NORMAL);
	rlines_add(l, _("Target"), request_due_text(r), due == DUE_LATE ? R_ERROR :
	    due == DUE_SOON ? R_WARN : R_NORMAL);
	rlines_add(l, _("Wished for"), xstrdup(rv_path_str(r, "desired_date", "")), R_NORMAL);
	rlines_add(l, _("Requester"), xstrdup(rv_path_str(r, "requester_name",
	    rv_path_str(r, "created_by_login", ""))), R_NORMAL);
	rlines_add(l, _("Contact"), xstrdup(rv_path_str(r, "contact", "")), R_NORMAL);
	rlines_add(l, _("Filed"), xstrdup(time_format(rv_path_str(r, "created", ""), false,
	    buf, sizeof buf)), R_NORMAL);
	rlines_add(l, _("Question"), xstrdup(strcmp(rv_path_str(r, "status", ""),
	    "needs_info") == 0 ? rv_path_str(r, "question", "") : ""), R_WARN);
	rlines_add(l, _("Reason"), xstrdup(rv_path_str(r, "reason", "")), R_NORMAL);
	rlines_add(l, _("Duplicate of"), xstrdup(rv_path_str(r, "duplicate_of_number", "")),
	    R_NORMAL);
	for (i = 0; dups != NULL && dups->type == RV_ARRAY && i < dups->a.n; i++)
		rlines_add(l, _("Duplicate"), xstrdup(rv_path_str(dups->a.items[i], "number",
		    "")), R_DIM);
	rlines_add(l, NULL, xstrdup(""), R_NORMAL);
	rlines_add(l, NULL, xstrdup(rv_path_str(r, "description", "")), R_NORMAL);
	rlines_add(l, NULL, xstrdup(""), R_NORMAL);
	request_timeline_lines(r, l);
}

static void
request_fetch(struct request_screen *rs)
{
	struct rv *params = rv_map();

	rv_set_int(params, "id", rs->id);
	app_call(&rs->base, TAG_GET, "request.get", params);
}

static void
request_set(struct request_screen *rs, const struct rv *r)
{
	char *title;

	rv_free(rs->request);
	rs->request = rv_copy(r);
	free(rs->error);
	rs->error = NULL;
	title = xasprintf("%s \u2014 %s", rv_path_str(r, "number", ""),
	    request_status_text(rv_path_str(r, "status", "")));
	screen_set_title(&rs->base, title);
	free(title);
}

static bool
request_open(const struct request_screen *rs)
{
	const char *st = rv_path_str(rs->request, "status", "");

	return strcmp(st, "submitted") == 0 || strcmp(st, "needs_info") == 0;
}

static bool
request_enabled(struct screen *s, int action)
{
	struct request_screen *rs = (struct request_screen *)s;
	bool filer = rs->request != NULL && !rs->sending && app_has_role(REQUEST_FILERS);

	switch (action) {
	case RD_ANSWER:
		return filer && strcmp(rv_path_str(rs->request, "status", ""),
		    "needs_info") == 0;
	case RD_CANCEL:
	case RD_EDIT:
		return filer && request_open(rs);
	case RD_COMMENT:
		return filer;
	default:
		return true;
	}
}

static void
request_ask(struct request_screen *rs, int tag)
{
	struct form *f = form_new();
	struct form_field *fld;

	if (tag == DLG_ANSWER) {
		fld = form_add(f, F_TEXT, "answer", _("Answer"));
		fld->required = true;
		fld->maxlen = 4000;
		dialog_form(&rs->base, tag, rv_path_str(rs->request, "question", _("Answer")), f);
	} else if (tag == DLG_COMMENT) {
		fld = form_add(f, F_TEXT, "note", _("Comment"));
		fld->required = true;
		fld->maxlen = 4000;
		dialog_form(&rs->base, tag, _("Comment"), f);
	} else if (tag == DLG_EDIT) {
		fld = form_add(f, F_TEXT, "description", _("What is wrong"));
		fld->required = true;
		fld->maxlen = 4000;
		form_set_text(f, "description", rv_path_str(rs->request, "description", ""));
		fld = form_add(f, F_CHOICE, "urgency", _("Urgency"));
		fld->required = true;
		request_urgency_options(fld);
		form_set_keys(f, "urgency", rv_get(rs->request, "urgency"));
		fld = form_add(f, F_TEXT, "contact", _("Contact"));
		fld->maxlen = 200;
		form_set_text(f, "contact", rv_path_str(rs->request, "contact", ""));
		dialog_form(&rs->base, tag, _("Correct the request"), f);
	} else {
		fld = form_add(f, F_TEXT, "note", _("Why"));
		fld->maxlen = 2000;
		dialog_form(&rs->base, tag, _("Cancel this request?"), f);
	}
}

/* What the edit changed, as request.update's params; false if nothing. */
static bool
request_edit_params(const struct request_screen *rs, struct form *form, struct rv *params)
{
	static const char *const fields[] = { "description", "urgency", "contact" };
	struct rv *values = rv_map();
	const char *now;
	bool any = false;
	size_t i;

	form_to_params(form, values);
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		now = rv_path_str(values, fields[i], "");
		if (strcmp(now, rv_path_str(rs->request, fields[i], "")) == 0)
			continue;
		rv_set_str(params, fields[i], now);
		any = true;
	}
	rv_free(values);
	return any;
}

static void
request_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct request_screen *rs = (struct request_screen *)s;
	struct rv *params;
	static const char *const methods[] = { NULL, "request.answer", "request.comment",
	    "request.cancel", "request.update" };

	if (!ok || rs->request == NULL || tag < DLG_ANSWER || tag > DLG_EDIT)
		return;
	params = rv_map();
	if (tag != DLG_EDIT)
		form_to_params(form, params);
	else if (!request_edit_params(rs, form, params)) {
		rv_free(params);
		app_message(MSG_INFO, "%s", _("Nothing changed"));
		return;
	}
	rv_set_int(params, "id", rs->id);
	if (tag != DLG_COMMENT)
		rv_set_int(params, "version", rv_path_int(rs->request, "version", 0));
	free(rs->request_key);
	rs->request_key = app_request_key();
	rv_set_str(params, "request_key", rs->request_key);
	rs->sending = true;
	rs->change = tag;
	app_call(s, TAG_CHANGE, methods[tag], params);
}

static void
request_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct request_screen *rs = (struct request_screen *)s;
	char *text = error != NULL ? app_error_text(error) : NULL;

	switch (tag) {
	case TAG_GET:
		if (error != NULL) {
			free(rs->error);
			rs->error = text;
			text = NULL;
		} else
			request_set(rs, result);
		break;
	case TAG_CHANGE:
		rs->sending = false;
		free(rs->request_key);
		rs->request_key = NULL;
		if (error != NULL) {
			app_message(MSG_ERROR, "%s", text);
			/* Changed by someone else: show what it is now. */
			if (strcmp(app_error_code(error), "conflict") == 0)
				request_fetch(rs);
			break;
		}
		if (rs->change == DLG_EDIT)
			app_message(MSG_OK, _("%s corrected"), rv_path_str(result, "number", ""));
		else if (rs->change == DLG_COMMENT)
			app_message(MSG_OK, _("Comment added to %s"),
			    rv_path_str(result, "number", ""));
		else
			app_message(MSG_OK, _("%s: %s"), rv_path_str(result, "number", ""),
			    request_status_text(rv_path_str(result, "status", "")));
		/* The answer has no timeline: fetch it with one. */
		request_fetch(rs);
		break;
	}
	free(text);
}

static void
request_on_event(struct screen *s, const struct rv *ev)
{
	struct request_screen *rs = (struct request_screen *)s;
	const char *topic = rv_path_str(ev, "topic", "");
	int64_t id = rv_path_int(ev, "id", 0);

	if (strcmp(topic, "resync") == 0 || (strcmp(topic, "request") == 0 && id == rs->id) ||
	    (strcmp(topic, "workorder") == 0 && id != 0 &&
	    id == rv_path_int(rs->request, "work_order_id", -1)))
		app_timer(s, TIMER_RELOAD, EVENT_DELAY_MS);
}

static void
request_on_timer(struct screen *s, int tag)
{
	if (tag == TIMER_RELOAD)
		request_fetch((struct request_screen *)s);
}

static bool
request_key(struct screen *s, int key)
{
	struct request_screen *rs = (struct request_screen *)s;
	const struct action *a;
	int page = rs->height > 1 ? rs->height - 1 : 10;

	a = action_find(request_actions, sizeof request_actions / sizeof request_actions[0],
	    key);
	if (a == NULL || !request_enabled(s, a->id))
		return false;
	switch (a->id) {
	case RD_ANSWER:
		request_ask(rs, DLG_ANSWER);
		break;
	case RD_COMMENT:
		request_ask(rs, DLG_COMMENT);
		break;
	case RD_CANCEL:
		request_ask(rs, DLG_CANCEL);
		break;
	case RD_EDIT:
		request_ask(rs, DLG_EDIT);
		break;
	case RD_RELOAD:
		request_fetch(rs);
		break;
	case RD_BACK:
		app_pop();
		return true;
	case RD_UP:
	case RD_DOWN:
	case RD_PGUP:
	case RD_PGDN:
		rs->top += a->id == RD_UP ? -1 : a->id == RD_DOWN ? 1 :
		    a->id == RD_PGUP ? -page : page;
		if (rs->top < 0)
			rs->top = 0;
		break;
	}
	return true;
}

static void
request_draw(struct screen *s, int y, int x, int h, int w)
{
	struct request_screen *rs = (struct request_screen *)s;
	struct rlines l = { NULL, 0 };
	char **wrapped;
	size_t i, k, nw;
	int lw = 0, row = 0, cw, total = 0;

	if (rs->request == NULL) {
		draw_text(y + h / 2, x, w, rs->error != NULL ? rs->error : _("Loading\u2026"),
		    rs->error != NULL ? R_ERROR : R_DIM, TEXT_CENTER);
		return;
	}
	request_lines(rs, &l);
	for (i = 0; i < l.n; i++) {
		if (l.v[i].label != NULL && text_width(l.v[i].label) > lw)
			lw = text_width(l.v[i].label);
	}
	if (lw > w / 3)
		lw = w / 3;
	rs->height = h;
	/* Lines are wrapped to the width, then the window scrolls over them. */
	for (i = 0; i < l.n; i++) {
		cw = l.v[i].label != NULL ? w - lw - 4 : w - 2;
		wrapped = text_wrap(l.v[i].text, cw > 4 ? cw : 4, &nw);
		if (nw == 0) {
			total++;
			row++;
		}
		for (k = 0; k < nw; k++, total++) {
			if (total < rs->top || total - rs->top >= h)
				continue;
			row = total - rs->top;
			if (l.v[i].label != NULL) {
				if (k == 0)
					draw_text(y + row, x + 1, lw, l.v[i].label, R_HEADER,
					    TEXT_LEFT);
				draw_text(y + row, x + lw + 3, cw, wrapped[k], l.v[i].role,
				    TEXT_LEFT);
			} else
				draw_text(y + row, x + 1, cw, wrapped[k], l.v[i].role, TEXT_LEFT);
		}
		text_lines_free(wrapped, nw);
	}
	if (rs->top > 0 && rs->top >= total)
		rs->top = total > 0 ? total - 1 : 0;
	rlines_free(&l);
}

static void
request_destroy(struct screen *s)
{
	struct request_screen *rs = (struct request_screen *)s;

	rv_free(rs->request);
	free(rs->error);
	free(rs->request_key);
	free(rs);
}

static const struct screen_ops request_ops = {
	.name = "request",
	.actions = request_actions,
	.nactions = sizeof request_actions / sizeof request_actions[0],
	.draw = request_draw,
	.key = request_key,
	.enabled = request_enabled,
	.on_event = request_on_event,
	.on_reply = request_on_reply,
	.on_dialog = request_on_dialog,
	.on_timer = request_on_timer,
	.destroy = request_destroy,
};

struct screen *
screen_request_new(int64_t id)
{
	struct request_screen *rs = xcalloc(1, sizeof *rs);
	char *title = xasprintf(_("Request #%lld"), (long long)id);

	screen_init(&rs->base, &request_ops, title);
	free(title);
	rs->id = id;
	request_fetch(rs);
	return &rs->base;
}
