/* The application: the screen stack, key dispatch, calls and timers
 * routed back to the screen that made them, the server's pushes, and
 * drawing the whole terminal. */
#include <event2/event.h>

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "statusline.h"
#include "tui.h"
#include "xmalloc.h"

#define MESSAGE_SECONDS 6
#define TOAST_MS 4000
#define MIN_COLS 40
#define MIN_LINES 10

struct app app;

const char *const role_names[ROLE_COUNT] = {
	"admin", "supervisor", "agent", "storekeeper", "referent", "viewer",
};

/* A call on its way: the screen is found again by serial when the
 * answer comes, so a screen popped meanwhile is never touched. */
struct app_pending {
	uint64_t serial;
	int tag;
	uint32_t id;
	bool session_call;	/* login or resume: its failure is not a lost session */
};

struct app_timer {
	uint64_t serial;	/* 0: the application's own */
	int tag;
	struct event *ev;
	struct app_timer *next;
};
static struct app_timer *app_timers;
static struct event *app_redraw_ev;

enum { APP_TIMER_TOAST = 1, APP_TIMER_MESSAGE, APP_TIMER_CLOCK };

static void app_notify_cb(struct regie_client *, const char *, const struct rv *, void *);
static void app_state_cb(struct regie_client *, enum regie_state, void *);
static void app_own_timer(int tag);

const struct action *
action_find(const struct action *a, size_t n, int key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i].key == key || (a[i].key2 != 0 && a[i].key2 == key))
			return &a[i];
	}
	return NULL;
}

unsigned
roles_from_rv(const struct rv *array)
{
	unsigned roles = 0;
	size_t i, r;

	if (array == NULL || array->type != RV_ARRAY)
		return 0;
	for (i = 0; i < array->a.n; i++) {
		if (array->a.items[i]->type != RV_STR)
			continue;
		for (r = 0; r < ROLE_COUNT; r++) {
			if (strcmp(array->a.items[i]->s.ptr, role_names[r]) == 0)
				roles |= 1u << r;
		}
	}
	return roles;
}

static void
app_redraw_cb(evutil_socket_t fd, short what, void *arg)
{
	app_draw();
}

void
app_dirty(void)
{
	if (app_redraw_ev != NULL)
		event_active(app_redraw_ev, 0, 0);
}

void
app_init(struct event_base *base, struct regie_client *client, const char *server,
    const char *login_hint)
{
	memset(&app, 0, sizeof app);
	app.base = base;
	app.client = client;
	app.server = xstrdup(server);
	app.login_hint = login_hint != NULL ? xstrdup(login_hint) : NULL;
	app.next_serial = 1;
	app.state = regie_client_state(client);
	app.offline_since = time(NULL);
	app_redraw_ev = event_new(base, -1, 0, app_redraw_cb, NULL);
	regie_client_set_notify_cb(client, app_notify_cb, NULL);
	regie_client_set_state_cb(client, app_state_cb, NULL);
	/* The status line shows how long the link has been down. */
	app_own_timer(APP_TIMER_CLOCK);
}

void
app_free(void)
{
	struct app_timer *t, *next;

	app.quitting = true;
	app_clear();
	for (t = app_timers; t != NULL; t = next) {
		next = t->next;
		event_free(t->ev);
		free(t);
	}
	app_timers = NULL;
	if (app_redraw_ev != NULL)
		event_free(app_redraw_ev);
	app_redraw_ev = NULL;
	free(app.server);
	free(app.login_hint);
	rv_free(app.user);
	free(app.expires);
	free(app.message);
	free(app.last_event);
	free(app.toast);
	app.server = app.login_hint = app.expires = app.message = NULL;
	app.last_event = app.toast = NULL;
	app.user = NULL;
}

void
app_quit(void)
{
	app.quitting = true;
	event_base_loopbreak(app.base);
}

/* The stack. */

void
screen_init(struct screen *s, const struct screen_ops *ops, const char *title)
{
	memset(s, 0, sizeof *s);
	s->ops = ops;
	/* Numbered now, so that calls made while building the screen find it
	 * once it is pushed. */
	s->serial = app.next_serial++;
	s->title = xstrdup(title != NULL ? title : "");
}

void
screen_set_title(struct screen *s, const char *title)
{
	free(s->title);
	s->title = xstrdup(title);
	app_dirty();
}

void
app_push(struct screen *s)
{
	s->below = app.top;
	app.top = s;
	app_dirty();
}

static void
screen_destroy(struct screen *s)
{
	char *title = s->title;

	app_timer_cancel(s, -1);
	s->ops->destroy(s);
	free(title);
}

void
app_pop(void)
{
	struct screen *s = app.top;

	if (s == NULL)
		return;
	app.top = s->below;
	screen_destroy(s);
	if (app.top != NULL && app.top->ops->on_show != NULL && !app.quitting)
		app.top->ops->on_show(app.top);
	app_dirty();
}

bool
app_on_stack(const struct screen *s)
{
	const struct screen *it;

	for (it = app.top; it != NULL; it = it->below) {
		if (it == s)
			return true;
	}
	return false;
}

void
app_pop_screen(struct screen *s)
{
	if (!app_on_stack(s))
		return;
	while (app.top != NULL && app.top != s)
		app_pop();
	app_pop();
}

void
app_clear(void)
{
	struct screen *s;

	while ((s = app.top) != NULL) {
		app.top = s->below;
		screen_destroy(s);
	}
	app_dirty();
}

struct screen *
app_find(uint64_t serial)
{
	struct screen *s;

	for (s = app.top; s != NULL; s = s->below) {
		if (s->serial == serial)
			return s;
	}
	return NULL;
}

/* Calls. */

static void
app_reply_cb(struct regie_client *c, const struct rv *error, const struct rv *result,
    void *arg)
{
	struct app_pending *p = arg;
	struct screen *s;
	const char *code;

	if (app.quitting) {
		free(p);
		return;
	}
	/* A session that ended under us (expired, or refused on resume):
	 * log in again on top of the work, which stays where it is. */
	code = error != NULL ? app_error_code(error) : NULL;
	if (code != NULL && strcmp(code, "unauthenticated") == 0 && app.logged_in &&
	    !p->session_call)
		app_session_lost();
	s = p->serial != 0 ? app_find(p->serial) : NULL;
	if (s != NULL && s->ops->on_reply != NULL)
		s->ops->on_reply(s, p->tag, p->id, error, result);
	free(p);
	app_dirty();
}

uint32_t
app_call(struct screen *s, int tag, const char *method, struct rv *params)
{
	struct app_pending *p;

	/* A closed client answers at once, from inside regie_call: that only
	 * happens while quitting, when nobody waits for answers. */
	if (app.client == NULL || regie_client_state(app.client) == REGIE_CLOSED) {
		rv_free(params);
		return 0;
	}
	p = xcalloc(1, sizeof *p);
	p->serial = s != NULL ? s->serial : 0;
	p->tag = tag;
	p->session_call = strcmp(method, "session.login") == 0 ||
	    strcmp(method, "session.resume") == 0;
	p->id = regie_call(app.client, method, params, app_reply_cb, p);
	return p->id;
}

/* Timers. */

static void
app_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct app_timer *t = arg, **pp;
	struct screen *s;
	uint64_t serial = t->serial;
	int tag = t->tag;

	for (pp = &app_timers; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	event_free(t->ev);
	free(t);
	if (serial == 0)
		app_own_timer(tag);
	else if ((s = app_find(serial)) != NULL && s->ops->on_timer != NULL)
		s->ops->on_timer(s, tag);
	app_dirty();
}

static void
app_timer_add(uint64_t serial, int tag, int ms)
{
	struct app_timer *t, **pp;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	for (pp = &app_timers; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->serial == serial && (*pp)->tag == tag) {
			evtimer_add((*pp)->ev, &tv);
			return;
		}
	}
	t = xcalloc(1, sizeof *t);
	t->serial = serial;
	t->tag = tag;
	t->ev = evtimer_new(app.base, app_timer_cb, t);
	t->next = app_timers;
	app_timers = t;
	evtimer_add(t->ev, &tv);
}

void
app_timer(struct screen *s, int tag, int ms)
{
	app_timer_add(s->serial, tag, ms);
}

/* tag -1 cancels all of the screen's timers. */
void
app_timer_cancel(struct screen *s, int tag)
{
	struct app_timer **pp = &app_timers, *t;

	while ((t = *pp) != NULL) {
		if (t->serial == s->serial && (tag == -1 || t->tag == tag)) {
			*pp = t->next;
			event_free(t->ev);
			free(t);
		} else
			pp = &t->next;
	}
}

static void
app_own_timer(int tag)
{
	switch (tag) {
	case APP_TIMER_TOAST:
		free(app.toast);
		app.toast = NULL;
		break;
	case APP_TIMER_MESSAGE:
		if (app.message != NULL &&
		    time(NULL) - app.message_at >= MESSAGE_SECONDS) {
			free(app.message);
			app.message = NULL;
		}
		break;
	case APP_TIMER_CLOCK:
		/* Once a second while the link is down (the status counts), once
		 * a minute otherwise (the session's expiry on the info screen). */
		app_timer_add(0, APP_TIMER_CLOCK,
		    app.state == REGIE_CONNECTED ? 60000 : 1000);
		break;
	}
}

/* Messages and errors. */

void
app_message(enum message_kind kind, const char *fmt, ...)
{
	va_list ap;

	free(app.message);
	va_start(ap, fmt);
	app.message = xvasprintf(fmt, ap);
	va_end(ap);
	app.message_kind = kind;
	app.message_at = time(NULL);
	app_timer_add(0, APP_TIMER_MESSAGE, MESSAGE_SECONDS * 1000 + 100);
	app_dirty();
}

const char *
app_error_code(const struct rv *error)
{
	return rv_path_str(error, "code", "internal");
}

const char *
app_error_field(const struct rv *error)
{
	return rv_path_str(error, "field", NULL);
}

char *
app_error_text(const struct rv *error)
{
	const char *code = app_error_code(error);
	const char *msg = rv_path_str(error, "message", NULL);

	/* The code is stable and translated here; the server's message says
	 * which rule was broken, so it follows when it adds something. */
	if (strcmp(code, "invalid") == 0)
		return xstrdup(msg != NULL ? msg : _("Invalid value"));
	if (strcmp(code, "conflict") == 0)
		return msg != NULL ? xasprintf("%s: %s", _("Conflict"), msg) :
		    xstrdup(_("Changed by someone else meanwhile"));
	if (strcmp(code, "not_found") == 0)
		return xstrdup(_("Not found (deleted meanwhile?)"));
	if (strcmp(code, "forbidden") == 0)
		return xstrdup(_("Your roles do not allow this"));
	if (strcmp(code, "unauthenticated") == 0)
		return xstrdup(_("Not logged in, or the session has ended"));
	if (strcmp(code, "throttled") == 0)
		return xstrdup(_("Too many attempts: wait a moment and try again"));
	if (strcmp(code, "unavailable") == 0)
		return xstrdup(_("The server cannot be reached now: try again"));
	return msg != NULL ? xasprintf("%s: %s", _("Server error"), msg) :
	    xstrdup(_("Server error"));
}

char *
app_request_key(void)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[16];
	char *out = xmalloc(sizeof raw * 2 + 1);
	static unsigned counter;
	size_t i;

	if (getentropy(raw, sizeof raw) != 0) {
		/* Unique enough within this process, which is what retries need. */
		memset(raw, 0, sizeof raw);
		snprintf((char *)raw, sizeof raw, "%x%lx%x", (unsigned)getpid(),
		    (long)time(NULL), ++counter);
	}
	for (i = 0; i < sizeof raw; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[sizeof raw * 2] = '\0';
	return out;
}

/* The session. */

bool
app_has_role(unsigned roles)
{
	return (app.roles & roles) != 0;
}

static void
app_subscribe(void)
{
	struct rv *params, *topics;

	/* Only admins see "user" events; every role reads the estate (the
	 * server narrows a referent's to their sites). */
	params = rv_map();
	topics = rv_set(params, "topics", rv_array());
	if (app_has_role(ROLE_ADMIN))
		rv_push(topics, rv_str("user"));
	rv_push(topics, rv_str("asset"));
	/* Requests: the server narrows them to one's services, sites and own. */
	rv_push(topics, rv_str("request"));
	/* Work orders: an agent hears of its own, a supervisor of its
	 * services' (My work and the planning board live on these); the
	 * bookings, everyone but a referent alone. */
	rv_push(topics, rv_str("workorder"));
	if (app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STOREKEEPER |
	    ROLE_VIEWER))
		rv_push(topics, rv_str("plan"));
	app_call(NULL, 0, "event.subscribe", params);
}

void
app_session_start(const struct rv *result)
{
	const struct rv *user = rv_get(result, "user");

	rv_free(app.user);
	app.user = user != NULL ? rv_copy(user) : rv_map();
	app.roles = roles_from_rv(rv_get(result, "roles"));
	if (app.roles == 0)
		app.roles = roles_from_rv(rv_get(app.user, "roles"));
	free(app.expires);
	app.expires = xstrdup(rv_path_str(result, "expires", ""));
	app.logged_in = true;
	app_subscribe();
	app_dirty();
}

void
app_session_end(void)
{
	app.logged_in = false;
	rv_free(app.user);
	app.user = NULL;
	app.roles = 0;
	free(app.expires);
	app.expires = NULL;
	regie_client_set_token(app.client, NULL);
	app_clear();
	app_push(screen_login_new(false));
}

void
app_session_lost(void)
{
	struct screen *s;

	for (s = app.top; s != NULL; s = s->below) {
		if (strcmp(s->ops->name, "login") == 0)
			return;
	}
	app_push(screen_login_new(true));
	app_message(MSG_ERROR, "%s", _("The session has ended: log in again; "
	    "your work is kept"));
}

/* Every screen hears of a change; each reloads what it shows. */
static void
app_broadcast(const struct rv *event)
{
	uint64_t serials[64];
	struct screen *s;
	size_t n = 0, i;

	for (s = app.top; s != NULL && n < 64; s = s->below)
		serials[n++] = s->serial;
	for (i = 0; i < n; i++) {
		s = app_find(serials[i]);
		if (s != NULL && s->ops->on_event != NULL)
			s->ops->on_event(s, event);
	}
}

void
app_resync(void)
{
	struct rv *ev = rv_map();

	rv_set_str(ev, "topic", "resync");
	app_broadcast(ev);
	rv_free(ev);
}

static void
app_notify_cb(struct regie_client *c, const char *method, const struct rv *params,
    void *arg)
{
	const struct rv *ev;
	char *text, clock[16];
	time_t now = time(NULL);
	struct tm tm;

	if (app.quitting || strcmp(method, "event") != 0 || params == NULL ||
	    params->type != RV_ARRAY || params->a.n < 1)
		return;
	ev = params->a.items[0];
	if (ev->type != RV_MAP)
		return;
	/* The server ended our session (password reset, account disabled):
	 * log in again on top of the work. */
	if (strcmp(rv_path_str(ev, "topic", ""), "session") == 0 &&
	    strcmp(rv_path_str(ev, "op", ""), "ended") == 0) {
		regie_client_set_token(app.client, NULL);
		if (app.logged_in)
			app_session_lost();
		app_dirty();
		return;
	}
	if (strcmp(rv_path_str(ev, "topic", ""), "resync") != 0) {
		text = statusline_event_text(ev);
		localtime_r(&now, &tm);
		strftime(clock, sizeof clock, "%H:%M:%S", &tm);
		free(app.last_event);
		app.last_event = xasprintf("%s %s", clock, text);
		free(app.toast);
		app.toast = text;
		app_timer_add(0, APP_TIMER_TOAST, TOAST_MS);
	}
	app_broadcast(ev);
	app_dirty();
}

static void
app_state_cb(struct regie_client *c, enum regie_state state, void *arg)
{
	enum regie_state prev = app.state;

	if (app.quitting)
		return;
	app.state = state;
	if (state == REGIE_CONNECTED)
		app.offline_since = 0;
	else if (app.offline_since == 0)
		app.offline_since = time(NULL);
	if (state == REGIE_CONNECTED) {
		if (app.logged_in && regie_client_token(c) == NULL)
			app_session_lost();
		else if (app.logged_in && app.ever_connected) {
			/* A new connection has no subscription, and events sent
			 * while we were away are lost: reload what is shown. */
			app_subscribe();
			app_resync();
			app_message(MSG_OK, "%s", _("Reconnected"));
		}
		app.ever_connected = true;
	} else if (state == REGIE_DISCONNECTED && prev == REGIE_CONNECTED)
		app_message(MSG_ERROR, "%s", _("Connection lost: reconnecting; "
		    "what you type is kept"));
	app_own_timer(APP_TIMER_CLOCK);
	app_dirty();
}

/* Keys. */

int
input_key_from_curses(int ret, unsigned int wc)
{
	if (ret == KEY_CODE_YES) {
		if (wc == KEY_ENTER)
			return K_ENTER;
		return KEYF((int)wc);
	}
	if (wc == '\r')
		return K_ENTER;
	if (wc == 127 || wc == 8)
		return K_BS;
	return (int)wc;
}

static bool
app_any_dirty(void)
{
	struct screen *s;

	for (s = app.top; s != NULL; s = s->below) {
		if (s->ops->dirty != NULL && s->ops->dirty(s))
			return true;
	}
	return false;
}

void
app_ask_quit(void)
{
	if (app_any_dirty())
		dialog_confirm(NULL, DIALOG_QUIT, _("Quit"),
		    _("Changes typed in a form are not saved. Quit anyway?"));
	else
		app_quit();
}

void
app_key(int key)
{
	struct screen *s = app.top;

	/* resizeterm queues a KEY_RESIZE after the SIGWINCH was handled:
	 * the size is already right, only draw. */
	if (key == K_RESIZE) {
		app_dirty();
		return;
	}
	if (s == NULL)
		return;
	if (key == KCTRL('l')) {
		clearok(curscr, TRUE);
		app_dirty();
		return;
	}
	if (s->ops->key != NULL && s->ops->key(s, key)) {
		app_dirty();
		return;
	}
	if (key == K_F(1) || key == '?') {
		if (strcmp(s->ops->name, "help") != 0)
			app_push(screen_help_new(s));
	} else if (key == K_ESC) {
		if (s->below != NULL)
			app_pop();
	} else if (key == K_F(10))
		app_ask_quit();
	app_dirty();
}

/* Drawing. */

void
app_resize(void)
{
	struct winsize ws;

	endwin();
	refresh();
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	app_draw();
}

void
app_sync_size(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    (ws.ws_row != LINES || ws.ws_col != COLS)) {
		resizeterm(ws.ws_row, ws.ws_col);
		clearok(curscr, TRUE);
	}
}

void
app_draw(void)
{
	struct screen *stack[32], *s;
	size_t n = 0, i, base;
	int h;
	char *msg;

	if (app.top == NULL || app.quitting)
		return;
	erase();
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		msg = xasprintf(_("Terminal too small (%dx%d): needs %dx%d"), COLS, LINES,
		    MIN_COLS, MIN_LINES);
		draw_text(LINES / 2, 0, COLS, msg, R_ERROR, TEXT_CENTER);
		free(msg);
		curs_set(0);
		refresh();
		return;
	}
	for (s = app.top; s != NULL && n < 32; s = s->below)
		stack[n++] = s;
	/* Draw from the first screen that is not an overlay, upwards. */
	base = 0;
	while (base + 1 < n && stack[base]->ops->overlay)
		base++;
	statusline_draw_top(stack, n);
	h = LINES - 3;
	for (i = base + 1; i-- > 0;) {
		stack[i]->cursor_on = false;
		stack[i]->ops->draw(stack[i], 1, 0, h, COLS);
	}
	statusline_draw_message(LINES - 2, COLS);
	statusline_draw_keys(LINES - 1, COLS, app.top);
	if (app.top->cursor_on) {
		move(app.top->cursor_y, app.top->cursor_x);
		curs_set(1);
	} else
		curs_set(0);
	refresh();
}

/* Times from the wire. */

time_t
time_parse(const char *s)
{
	struct tm tm;
	const char *p;
	char *end;
	long off = 0;
	time_t t;

	if (s == NULL)
		return -1;
	memset(&tm, 0, sizeof tm);
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (p == NULL)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	if (*p == '+' || *p == '-') {
		long hh = strtol(p + 1, &end, 10), mm = 0;

		if (*end == ':')
			mm = strtol(end + 1, &end, 10);
		off = (hh * 3600 + mm * 60) * (*p == '-' ? -1 : 1);
	} else if (*p != 'Z' && *p != 'z' && *p != '\0')
		return -1;
	t = timegm(&tm);
	return t - off;
}

/* The locale's date, with four-digit years (the C locale's "%m/%d/%y"
 * would make 2026 and 1926 look alike). */
static void
time_date(const struct tm *tm, char *buf, size_t len)
{
	/* Through a pointer, so that the format may come from the locale. */
	size_t (*format)(char *, size_t, const char *, const struct tm *) = strftime;
	const char *d_fmt = nl_langinfo(D_FMT);
	char fmt[64];
	size_t i, o = 0;

	for (i = 0; d_fmt[i] != '\0' && o + 3 < sizeof fmt; i++) {
		if (d_fmt[i] == '%' && d_fmt[i + 1] == 'y') {
			fmt[o++] = '%';
			fmt[o++] = 'Y';
			i++;
		} else
			fmt[o++] = d_fmt[i];
	}
	fmt[o] = '\0';
	if (format(buf, len, fmt, tm) == 0)
		xsnprintf(buf, len, "%04d-%02d-%02d", tm->tm_year + 1900, tm->tm_mon + 1,
		    tm->tm_mday);
}

char *
time_format(const char *rfc3339, bool seconds, char *buf, size_t len)
{
	time_t t = time_parse(rfc3339);
	char date[64], clock[16];
	struct tm tm;

	if (t == -1) {
		xsnprintf(buf, len, "%s", rfc3339 != NULL ? rfc3339 : "");
		return buf;
	}
	localtime_r(&t, &tm);
	time_date(&tm, date, sizeof date);
	strftime(clock, sizeof clock, seconds ? "%H:%M:%S" : "%H:%M", &tm);
	xsnprintf(buf, len, "%s %s", date, clock);
	return buf;
}
