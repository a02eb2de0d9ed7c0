/* Server info: what this client talks to, and the session. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "draw.h"
#include "statusline.h"
#include "tui.h"
#include "xmalloc.h"

#define INFO_ACTIONS(X)							\
	X(IA_RELOAD, 'r', K_F(5), "r", N_("Refresh"), N_("Ask the server again")) \
	X(IA_BACK, K_ESC, 'q', "Esc", N_("Back"), N_("Back to the menu"))
enum { INFO_ACTIONS(ACTION_ENUM) };
static const struct action info_actions[] = { INFO_ACTIONS(ACTION_ROW) };

enum { TAG_HELLO = 1, TAG_SESSION, TAG_STATS };

struct info_screen {
	struct screen base;
	struct rv *hello;
	struct rv *session;
	struct rv *stats;	/* system.stats: admins only */
	char *error;
};

static void
info_fetch(struct info_screen *is)
{
	app_call(&is->base, TAG_HELLO, "system.hello", NULL);
	app_call(&is->base, TAG_SESSION, "session.info", NULL);
	if (app.roles & ROLE_ADMIN)
		app_call(&is->base, TAG_STATS, "system.stats", NULL);
}

static void
info_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct info_screen *is = (struct info_screen *)s;
	struct rv **slot = tag == TAG_HELLO ? &is->hello :
	    tag == TAG_STATS ? &is->stats : &is->session;

	if (error != NULL) {
		free(is->error);
		is->error = app_error_text(error);
		return;
	}
	rv_free(*slot);
	*slot = rv_copy(result);
	if (tag == TAG_SESSION && rv_get(result, "expires") != NULL) {
		free(app.expires);
		app.expires = xstrdup(rv_path_str(result, "expires", ""));
	}
}

static void
info_on_event(struct screen *s, const struct rv *ev)
{
	/* After a reconnection the instance may be another one. */
	if (strcmp(rv_path_str(ev, "topic", ""), "resync") == 0)
		info_fetch((struct info_screen *)s);
}

static bool
info_key(struct screen *s, int key)
{
	struct info_screen *is = (struct info_screen *)s;
	const struct action *a;

	a = action_find(info_actions, sizeof info_actions / sizeof info_actions[0], key);
	if (a == NULL)
		return false;
	if (a->id == IA_BACK)
		app_pop();
	else {
		free(is->error);
		is->error = NULL;
		info_fetch(is);
	}
	return true;
}

/* "in 7 h 59 min", "in 3 min", "expired". */
static void
info_remaining(const char *expires, char *buf, size_t len)
{
	time_t t = time_parse(expires), now = time(NULL);
	long m;

	if (t == -1) {
		buf[0] = '\0';
		return;
	}
	if (t <= now) {
		xsnprintf(buf, len, "%s", _("expired"));
		return;
	}
	m = (long)(t - now) / 60;
	if (m >= 60)
		xsnprintf(buf, len, _("in %ld h %02ld min"), m / 60, m % 60);
	else
		xsnprintf(buf, len, _("in %ld min"), m);
}

static void
info_line(int *row, int y, int h, int x, int w, const char *label, const char *value)
{
	int lw = w >= 60 ? 20 : 14;

	if (*row >= y + h)
		return;
	draw_text(*row, x, lw, label, R_HEADER, TEXT_LEFT);
	draw_text(*row, x + lw + 1, w - lw - 1, value != NULL ? value : "\u2014",
	    R_NORMAL, TEXT_LEFT);
	(*row)++;
}

/* What the instance is doing, for an admin: its clients, its workers, and
 * how much its page cache spares the database. */
static void
info_load(struct info_screen *is, int *row, int y, int h, int x, int w)
{
	const struct rv *st = is->stats;
	int64_t hits = rv_path_int(st, "page_cache.hits", 0);
	int64_t asked = hits + rv_path_int(st, "page_cache.misses", 0);
	char buf[160];

	if (st == NULL)
		return;
	xsnprintf(buf, sizeof buf, _("%lld (%lld with a session); %lld calls running on %lld workers"),
	    (long long)rv_path_int(st, "connections", 0), (long long)rv_path_int(st, "sessions", 0),
	    (long long)rv_path_int(st, "calls_in_flight", 0),
	    (long long)rv_path_int(st, "workers", 0));
	info_line(row, y, h, x, w, _("Connections"), buf);
	if (!rv_path_bool(st, "page_cache.on", false))
		xsnprintf(buf, sizeof buf, "%s", _("off"));
	else
		xsnprintf(buf, sizeof buf, _("on: %lld pages, %.1f of %.0f MiB; %lld%% of %lld pages "
		    "from memory"), (long long)rv_path_int(st, "page_cache.pages", 0),
		    rv_path_int(st, "page_cache.bytes", 0) / 1048576.0,
		    rv_path_int(st, "page_cache.max_bytes", 0) / 1048576.0,
		    asked > 0 ? (long long)(100 * hits / asked) : 0LL, (long long)asked);
	info_line(row, y, h, x, w, _("Page cache"), buf);
}

static void
info_draw(struct screen *s, int y, int x, int h, int w)
{
	struct info_screen *is = (struct info_screen *)s;
	const struct rv *sess = is->session;
	char buf[128], when[64], left[64], roles[128] = "";
	int row = y + 1;
	size_t r, len;

	x += 2;
	w -= 4;
	info_line(&row, y, h, x, w, _("Server address"), app.server);
	statusline_state_text(app.state, app.offline_since != 0 ?
	    (long)(time(NULL) - app.offline_since) : 0, buf,
	    sizeof buf);
	info_line(&row, y, h, x, w, _("Connection"), buf);
	info_line(&row, y, h, x, w, _("Server version"),
	    rv_path_str(is->hello, "server", NULL));
	xsnprintf(buf, sizeof buf, "%lld", (long long)rv_path_int(is->hello, "protocol", 0));
	info_line(&row, y, h, x, w, _("Protocol"), is->hello != NULL ? buf : NULL);
	info_line(&row, y, h, x, w, _("Instance"), rv_path_str(sess, "instance",
	    rv_path_str(is->hello, "instance", NULL)));
	info_load(is, &row, y, h, x, w);
	row++;
	xsnprintf(buf, sizeof buf, "%s (%s)", rv_path_str(app.user, "login", "?"),
	    rv_path_str(app.user, "name", ""));
	info_line(&row, y, h, x, w, _("Logged in as"), buf);
	for (r = 0; r < ROLE_COUNT; r++) {
		if (!(app.roles & (1u << r)))
			continue;
		len = strlen(roles);
		xsnprintf(roles + len, sizeof roles - len, "%s%s", len ? ", " : "",
		    role_names[r]);
	}
	info_line(&row, y, h, x, w, _("Roles"), roles);
	info_remaining(app.expires, left, sizeof left);
	xsnprintf(buf, sizeof buf, "%s  %s", time_format(app.expires, false, when,
	    sizeof when), left);
	info_line(&row, y, h, x, w, _("Session expires"), app.expires != NULL ? buf : NULL);
	row++;
	xsnprintf(buf, sizeof buf, "%dx%d, %s, %s", COLS, LINES,
	    app.color ? _("colour") : _("monochrome"), text_utf8() ? "UTF-8" :
	    _("not UTF-8"));
	info_line(&row, y, h, x, w, _("Terminal"), buf);
	if (is->error != NULL && row + 1 < y + h)
		draw_text(row + 1, x, w, is->error, R_ERROR, TEXT_LEFT);
}

static void
info_destroy(struct screen *s)
{
	struct info_screen *is = (struct info_screen *)s;

	rv_free(is->hello);
	rv_free(is->session);
	rv_free(is->stats);
	free(is->error);
	free(is);
}

static const struct screen_ops info_ops = {
	.name = "info",
	.actions = info_actions,
	.nactions = sizeof info_actions / sizeof info_actions[0],
	.draw = info_draw,
	.key = info_key,
	.on_event = info_on_event,
	.on_reply = info_on_reply,
	.destroy = info_destroy,
};

struct screen *
screen_info_new(void)
{
	struct info_screen *is = xcalloc(1, sizeof *is);

	screen_init(&is->base, &info_ops, _("Server info"));
	info_fetch(is);
	return &is->base;
}
