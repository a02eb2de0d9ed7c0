/* The login screen. It is also pushed on top of the work when a session
 * ends under the user (expired, or refused when resuming): then a
 * successful login pops it and the work below carries on. */
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "statusline.h"
#include "tui.h"
#include "xmalloc.h"

#define LOGIN_ACTIONS(X)						\
	X(LA_LOGIN, K_ENTER, 0, "Enter", N_("Log in"), N_("Log in, or go to the next field")) \
	X(LA_NEXT, K_TAB, K_DOWN, "Tab", N_("Next field"), N_("Move between login and password")) \
	X(LA_CANCEL, K_ESC, 0, "Esc", N_("Stop waiting"), N_("Stop waiting for the server's answer")) \
	X(LA_QUIT, K_F(10), 0, "F10", N_("Quit"), N_("Quit regie"))
enum { LOGIN_ACTIONS(ACTION_ENUM) };
static const struct action login_actions[] = { LOGIN_ACTIONS(ACTION_ROW) };

enum { TAG_LOGIN = 1 };

struct login_screen {
	struct screen base;
	struct form *form;
	bool relogin;
	bool busy;
	uint32_t call;
	char *error;
};

static void
login_set_error(struct login_screen *ls, const char *msg)
{
	free(ls->error);
	ls->error = msg != NULL ? xstrdup(msg) : NULL;
}

static void
login_submit(struct login_screen *ls)
{
	struct rv *params;

	if (ls->busy)
		return;
	if (!form_validate(ls->form))
		return;
	params = rv_map();
	form_to_params(ls->form, params);
	login_set_error(ls, NULL);
	ls->busy = true;
	ls->call = app_call(&ls->base, TAG_LOGIN, "session.login", params);
}

static void
login_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct login_screen *ls = (struct login_screen *)s;
	const char *code, *before, *now;
	char *text;
	bool same;

	if (tag != TAG_LOGIN || !ls->busy || id != ls->call)
		return;
	ls->busy = false;
	if (error != NULL) {
		code = app_error_code(error);
		if (strcmp(code, "unauthenticated") == 0)
			login_set_error(ls, _("Wrong login or password"));
		else {
			text = app_error_text(error);
			login_set_error(ls, text);
			free(text);
		}
		form_set_text(ls->form, "password", "");
		form_focus(ls->form, "password");
		return;
	}
	before = app.user != NULL ? rv_path_str(app.user, "login", "") : "";
	now = rv_path_str(result, "user.login", "");
	same = ls->relogin && strcmp(before, now) == 0;
	app_session_start(result);
	if (same) {
		/* Back to the work that was on screen: it reloads, since events
		 * may have been missed meanwhile. */
		app_pop_screen(s);
		app_resync();
		app_message(MSG_OK, "%s", _("Logged in again"));
		return;
	}
	app_clear();
	app_push(screen_home_new());
}

static bool
login_key(struct screen *s, int key)
{
	struct login_screen *ls = (struct login_screen *)s;

	if (key == K_F(10)) {
		app_ask_quit();
		return true;
	}
	if (key == K_ESC) {
		/* The login screen is where one starts: Esc only stops a wait. */
		ls->busy = false;
		return true;
	}
	if (ls->busy)
		return key != K_F(1);
	switch (form_key(ls->form, key)) {
	case FORM_SUBMIT:
		login_submit(ls);
		return true;
	case FORM_NONE:
	case FORM_CANCEL:
		return true;
	case FORM_UNUSED:
		break;
	}
	return false;
}

static bool
login_enabled(struct screen *s, int action)
{
	struct login_screen *ls = (struct login_screen *)s;

	/* While the answer is awaited, only waiting can be stopped. */
	if (ls->busy)
		return action == LA_CANCEL || action == LA_QUIT;
	return action != LA_CANCEL;
}

static void
login_draw(struct screen *s, int y, int x, int h, int w)
{
	struct login_screen *ls = (struct login_screen *)s;
	int bw = w < 60 ? w : 60, bx = x + (w - bw) / 2, by, cy, cx, row;
	char *line, state[64];

	by = y + (h > 14 ? (h - 12) / 3 : 0);
	row = by;
	draw_text(row++, bx, bw, _("R\u00e9gie \u2014 technical services"), R_HEADER,
	    TEXT_CENTER);
	row++;
	if (ls->relogin) {
		draw_text(row++, bx, bw, _("Your session has ended. Log in again to "
		    "carry on."), R_WARN, TEXT_CENTER);
		row++;
	}
	line = xasprintf(_("Server: %s"), app.server);
	draw_text(row++, bx, bw, line, R_DIM, TEXT_CENTER);
	free(line);
	row++;
	if (form_draw(ls->form, row, bx + 4, 2, bw - 8, &cy, &cx) && !ls->busy) {
		s->cursor_on = true;
		s->cursor_y = cy;
		s->cursor_x = cx;
	}
	row += 3;
	if (ls->busy) {
		if (app.state == REGIE_CONNECTED)
			line = xstrdup(_("Logging in\u2026"));
		else
			line = xasprintf(_("Waiting for the server (%s)\u2026"),
			    statusline_state_text(app.state, app.offline_since != 0 ?
			    (long)(time(NULL) - app.offline_since) : 0, state, sizeof state));
		draw_text(row, bx, bw, line, R_DIM, TEXT_CENTER);
		free(line);
	} else if (ls->error != NULL)
		draw_text(row, bx, bw, ls->error, R_ERROR, TEXT_CENTER);
}

static bool
login_dirty(struct screen *s)
{
	return false;
}

static void
login_destroy(struct screen *s)
{
	struct login_screen *ls = (struct login_screen *)s;

	form_free(ls->form);
	free(ls->error);
	free(ls);
}

static const struct screen_ops login_ops = {
	.name = "login",
	.actions = login_actions,
	.nactions = sizeof login_actions / sizeof login_actions[0],
	.draw = login_draw,
	.key = login_key,
	.enabled = login_enabled,
	.on_reply = login_on_reply,
	.dirty = login_dirty,
	.destroy = login_destroy,
};

struct screen *
screen_login_new(bool relogin)
{
	struct login_screen *ls = xcalloc(1, sizeof *ls);
	struct form_field *fld;
	const char *hint = app.login_hint;

	screen_init(&ls->base, &login_ops, _("Log in"));
	ls->relogin = relogin;
	ls->form = form_new();
	ls->form->buttons = false;
	fld = form_add(ls->form, F_TEXT, "login", _("Login"));
	fld->required = true;
	fld->maxlen = 64;
	fld = form_add(ls->form, F_PASSWORD, "password", _("Password"));
	fld->required = true;
	/* The server says whether a password is right; any length may be
	 * an old one. */
	fld->minlen = 0;
	if (relogin && app.user != NULL)
		hint = rv_path_str(app.user, "login", hint);
	if (hint != NULL && *hint != '\0') {
		form_set_text(ls->form, "login", hint);
		form_focus(ls->form, "password");
	}
	return &ls->base;
}
