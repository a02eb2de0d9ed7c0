/* Title bar, connection state, message line, key bar and toast. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "rv.h"
#include "statusline.h"
#include "xmalloc.h"

/* What the server's topics and operations read as; one not listed yet
 * shows as it came, so a newer server still says something. */
static const struct { const char *code, *text; } event_topics[] = {
	{ "user", N_("user") }, { "asset", N_("asset") }, { "site", N_("site") },
	{ "service", N_("service") }, { "category", N_("category") },
	{ "request", N_("request") }, { "workorder", N_("work order") },
	{ "agent", N_("agent") }, { "team", N_("team") }, { "contractor", N_("contractor") },
	{ "failure", N_("failure code") }, { "plan", N_("planning") },
};
static const struct { const char *code, *text; } event_ops[] = {
	{ "create", N_("created") }, { "update", N_("updated") },
	{ "disable", N_("access changed") }, { "password", N_("password changed") },
	{ "delete", N_("deleted") }, { "move", N_("moved") }, { "dispose", N_("disposed of") },
	{ "condition", N_("condition noted") }, { "document", N_("documents changed") },
	{ "submit", N_("filed") }, { "approve", N_("approved") }, { "reject", N_("rejected") },
	{ "needs_info", N_("question asked") }, { "answer", N_("answered") },
	{ "duplicate", N_("marked duplicate") }, { "cancel", N_("cancelled") },
	{ "comment", N_("commented") }, { "reroute", N_("sent to another service") },
	{ "workorder", N_("work progressed") }, { "assign", N_("assigned") },
	{ "unassign", N_("unassigned") }, { "start", N_("started") },
	{ "hold", N_("on hold") }, { "resume", N_("resumed") }, { "finish", N_("done") },
	{ "reopen", N_("reopened") }, { "close", N_("closed") },
	{ "add_labour", N_("hours reported") }, { "add_material", N_("part reported") },
	{ "add_service", N_("service reported") }, { "remove_line", N_("line removed") },
	{ "report", N_("report sent") }, { "absence", N_("absences changed") },
	{ "rate", N_("rate changed") },
};

static const char *
event_word(const char *code, const void *table, size_t n)
{
	const struct { const char *code, *text; } *t = table;

	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].code, code) == 0)
			return _(t[i].text);
	return code;
}

char *
statusline_event_text(const struct rv *ev)
{
	const char *topic = event_word(rv_path_str(ev, "topic", "?"), event_topics,
	    sizeof event_topics / sizeof event_topics[0]);
	const char *what = event_word(rv_path_str(ev, "op", ""), event_ops,
	    sizeof event_ops / sizeof event_ops[0]);
	const char *name = rv_path_str(ev, "login", rv_path_str(ev, "name", NULL));
	int64_t id = rv_path_int(ev, "id", -1);
	char idbuf[32] = "";

	if (id >= 0)
		xsnprintf(idbuf, sizeof idbuf, " #%lld", (long long)id);
	if (name != NULL)
		return xasprintf("%s%s %s: %s", topic, idbuf, what, name);
	return xasprintf("%s%s %s", topic, idbuf, what);
}

char *
statusline_state_text(enum regie_state state, long seconds, char *buf, size_t len)
{
	switch (state) {
	case REGIE_CONNECTED:
		xsnprintf(buf, len, "%s", _("connected"));
		break;
	case REGIE_CONNECTING:
	case REGIE_RESUMING:
		if (seconds < 1) {
			xsnprintf(buf, len, "%s", _("connecting\u2026"));
			break;
		}
		/* FALLTHROUGH */
	case REGIE_DISCONNECTED:
		if (seconds > 0)
			xsnprintf(buf, len, _("offline %lds, retrying"), seconds);
		else
			xsnprintf(buf, len, "%s", _("offline, retrying"));
		break;
	case REGIE_CLOSED:
		xsnprintf(buf, len, "%s", _("closed"));
		break;
	}
	return buf;
}

static int
statusline_key_width(const struct action *a)
{
	return text_width(a->keyname) + 1 + text_width(_(a->label)) + 2;
}

size_t
statusline_keys_fit(const struct action *a, const bool *on, size_t n, int width)
{
	size_t i, fit = 0;
	int used = 0, kw;

	for (i = 0; i < n; i++) {
		if (!on[i] || a[i].label == NULL)
			continue;
		kw = statusline_key_width(&a[i]);
		if (used + kw > width)
			break;
		used += kw;
		fit++;
	}
	return fit;
}

void
statusline_draw_top(struct screen **stack, size_t n)
{
	char crumbs[512] = "", state[64], *right, *user;
	enum draw_role role;
	size_t i, len;
	int rw, w = COLS;
	const char *login;

	/* A breadcrumb of the screens, dialogs left out, oldest first. */
	xsnprintf(crumbs, sizeof crumbs, "R\u00e9gie");
	for (i = n; i-- > 0;) {
		if (stack[i]->ops->overlay || *stack[i]->title == '\0')
			continue;
		len = strlen(crumbs);
		xsnprintf(crumbs + len, sizeof crumbs - len, " %s %s",
		    text_utf8() ? "\u203a" : ">", stack[i]->title);
	}
	statusline_state_text(app.state, app.offline_since != 0 ?
	    (long)(time(NULL) - app.offline_since) : 0, state, sizeof state);
	login = app.logged_in ? rv_path_str(app.user, "login", NULL) : NULL;
	user = login != NULL ? xasprintf("%s  ", login) : xstrdup("");
	right = xasprintf("%s%s %s ", w >= 70 ? user : "",
	    app.state == REGIE_CONNECTED ? (text_utf8() ? "\u25cf" : "*") :
	    (text_utf8() ? "\u25cb" : "o"), state);
	free(user);
	rw = text_width(right);
	if (rw > w / 2)
		rw = w / 2;
	draw_fill(0, 0, 1, w, R_TITLE);
	draw_text(0, 1, w - rw - 2, crumbs, R_TITLE, TEXT_LEFT);
	role = app.state == REGIE_CONNECTED ? R_TITLE : R_ERROR;
	/* Offline shows in the error colour, or reversed in monochrome. */
	draw_text(0, w - rw, rw, right, role == R_ERROR && !app.color ? R_CURSOR : role,
	    TEXT_RIGHT);
	free(right);
}

void
statusline_draw_message(int y, int w)
{
	enum draw_role role;
	char *toast = NULL;
	int tw = 0, mw;

	/* A new event shows on the right, highlighted, for a few seconds; it
	 * covers no content and leaves a message on the left readable. */
	if (app.toast != NULL) {
		toast = xasprintf(" %s %s ", text_utf8() ? "\u2605" : "*", app.toast);
		tw = text_width(toast);
		if (tw > (app.message != NULL ? w / 2 : w))
			tw = app.message != NULL ? w / 2 : w;
		draw_text(y, w - tw, tw, toast, R_TOAST, TEXT_LEFT);
		free(toast);
	}
	mw = w - tw - (tw > 0);
	if (app.message != NULL) {
		role = app.message_kind == MSG_ERROR ? R_ERROR :
		    app.message_kind == MSG_OK ? R_SUCCESS : R_NORMAL;
		draw_text(y, 0, mw, app.message, role, TEXT_LEFT);
	} else if (app.last_event != NULL && app.toast == NULL)
		draw_text(y, 0, mw, app.last_event, R_DIM, TEXT_LEFT);
}

void
statusline_draw_keys(int y, int w, struct screen *s)
{
	static const struct action help_text = { 0, '?', 0, "?", N_("Help"), NULL };
	static const struct action help_fkey = { 0, 0, 0, "F1", N_("Help"), NULL };
	const struct action *help = s->cursor_on ? &help_fkey : &help_text;
	const struct action *a = s->ops->actions;
	size_t n = s->ops->nactions, i, fit, shown = 0;
	bool *on = xcalloc(n + 1, sizeof *on);
	int x = 0, room = w - statusline_key_width(help);

	for (i = 0; i < n; i++)
		on[i] = s->ops->enabled == NULL || s->ops->enabled(s, a[i].id);
	fit = statusline_keys_fit(a, on, n, room);
	draw_fill(y, 0, 1, w, R_KEYLABEL);
	for (i = 0; i < n && shown < fit; i++) {
		if (!on[i] || a[i].label == NULL)
			continue;
		x += draw_str(y, x, w - x, a[i].keyname, R_KEY);
		x += 1;
		x += draw_str(y, x, w - x, _(a[i].label), R_KEYLABEL);
		x += 2;
		shown++;
	}
	free(on);
	/* Help last, always: it lists what did not fit. */
	if (strcmp(s->ops->name, "help") == 0)
		return;
	x = w - statusline_key_width(help) + 2;
	if (x < 0)
		return;
	x += draw_str(y, x, w - x, help->keyname, R_KEY);
	draw_str(y, x + 1, w - x - 1, _(help->label), R_KEYLABEL);
}

