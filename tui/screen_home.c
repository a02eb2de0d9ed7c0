/* The home screen: the modules the user's roles allow. Modules add
 * their entries here as they come. */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "dialog.h"
#include "draw.h"
#include "menu.h"
#include "requests.h"
#include "tui.h"
#include "workorders.h"
#include "xmalloc.h"

#define HOME_ACTIONS(X)							\
	X(HA_OPEN, K_ENTER, K_RIGHT, "Enter", N_("Open"), N_("Open the entry under the cursor")) \
	X(HA_ASSETS, 'e', 0, "e", N_("Assets"), N_("Estate: assets, their tree, condition and documents")) \
	X(HA_NEW_REQUEST, 'n', 0, "n", N_("New request"), N_("Requests: file a request for work")) \
	X(HA_MY_REQUESTS, 'r', 0, "r", N_("My requests"), N_("Requests: those filed by or for you, with their timeline")) \
	X(HA_QUEUE, 'v', 0, "v", N_("Queue"), N_("Requests: the validation queue (supervisors)")) \
	X(HA_WORKORDERS, 'w', 0, "w", N_("Work orders"), N_("Work: work orders, their cost and timeline")) \
	X(HA_MYWORK, 'm', 0, "m", N_("My work"), N_("Work: what is assigned to you: start, report, finish (agents)")) \
	X(HA_PLAN, 'p', 0, "p", N_("Planning"), N_("Work: the week's board of agents by days (supervisors)")) \
	X(HA_USERS, 'u', 0, "u", N_("Users"), N_("Admin: users, their roles and scope")) \
	X(HA_AUDIT, 'a', 0, "a", N_("Audit"), N_("Admin: who changed what, and when")) \
	X(HA_INFO, 'i', 0, "i", N_("Info"), N_("Server version, instance, session")) \
	X(HA_LOGOUT, 'l', 0, "l", N_("Log out"), N_("End the session")) \
	X(HA_QUIT, 'q', K_F(10), "q", N_("Quit"), N_("Quit regie (the session stays open for a while)")) \
	X(HA_MOVE, K_UP, K_DOWN, "\u2191 \u2193", NULL, N_("Move in the menu"))
enum { HOME_ACTIONS(ACTION_ENUM) };
static const struct action home_actions[] = { HOME_ACTIONS(ACTION_ROW) };

enum { TAG_LOGOUT = 1 };

struct home_screen {
	struct screen base;
	struct menu menu;
};

static bool
home_enabled(struct screen *s, int action)
{
	switch (action) {
	case HA_USERS:
	case HA_AUDIT:
		return app_has_role(ROLE_ADMIN);
	case HA_MYWORK:
		return app_has_role(ROLE_AGENT);
	case HA_PLAN:
		return app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_VIEWER);
	case HA_NEW_REQUEST:
	case HA_MY_REQUESTS:
		return app_has_role(REQUEST_FILERS);
	case HA_QUEUE:
		return app_has_role(REQUEST_DECIDERS);
	default:
		return true;
	}
}

static void
home_run(struct home_screen *hs, int action)
{
	if (!home_enabled(&hs->base, action))
		return;
	switch (action) {
	case HA_ASSETS:
		app_push(screen_assets_new());
		break;
	case HA_NEW_REQUEST:
		app_push(screen_request_form_new());
		break;
	case HA_MY_REQUESTS:
		app_push(screen_requests_new());
		break;
	case HA_QUEUE:
		app_push(screen_queue_new());
		break;
	case HA_WORKORDERS:
		app_push(screen_workorders_new());
		break;
	case HA_MYWORK:
		app_push(screen_mywork_new());
		break;
	case HA_PLAN:
		app_push(screen_plan_new());
		break;
	case HA_USERS:
		app_push(screen_users_new());
		break;
	case HA_AUDIT:
		app_push(screen_audit_new());
		break;
	case HA_INFO:
		app_push(screen_info_new());
		break;
	case HA_LOGOUT:
		app_call(&hs->base, TAG_LOGOUT, "session.logout", NULL);
		break;
	case HA_QUIT:
		app_ask_quit();
		break;
	}
}

static void
home_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	/* Logged out, or the session was gone anyway: back to the start. */
	if (tag == TAG_LOGOUT)
		app_session_end();
}

static bool
home_key(struct screen *s, int key)
{
	struct home_screen *hs = (struct home_screen *)s;
	const struct action *a;
	int chosen;

	if (menu_key(&hs->menu, key, &chosen)) {
		if (chosen >= 0)
			home_run(hs, chosen);
		return true;
	}
	if ((a = action_find(home_actions, sizeof home_actions / sizeof home_actions[0],
	    key)) != NULL) {
		home_run(hs, a->id);
		return true;
	}
	return false;
}

static void
home_draw(struct screen *s, int y, int x, int h, int w)
{
	struct home_screen *hs = (struct home_screen *)s;
	const char *name = rv_path_str(app.user, "name", rv_path_str(app.user, "login", ""));
	char *hello, roles[128] = "";
	size_t r, len;

	for (r = 0; r < ROLE_COUNT; r++) {
		if (!(app.roles & (1u << r)))
			continue;
		len = strlen(roles);
		xsnprintf(roles + len, sizeof roles - len, "%s%s", len > 0 ? ", " : "",
		    role_names[r]);
	}
	hello = xasprintf(_("Hello, %s (%s)"), name, roles);
	draw_text(y + 1, x + 2, w - 4, hello, R_NORMAL, TEXT_LEFT);
	free(hello);
	menu_draw(&hs->menu, y + 3, x + 2, h - 4, w - 4);
}

static void
home_destroy(struct screen *s)
{
	struct home_screen *hs = (struct home_screen *)s;

	menu_free(&hs->menu);
	free(hs);
}

static const struct screen_ops home_ops = {
	.name = "home",
	.actions = home_actions,
	.nactions = sizeof home_actions / sizeof home_actions[0],
	.draw = home_draw,
	.key = home_key,
	.enabled = home_enabled,
	.on_reply = home_on_reply,
	.destroy = home_destroy,
};

struct screen *
screen_home_new(void)
{
	struct home_screen *hs = xcalloc(1, sizeof *hs);

	screen_init(&hs->base, &home_ops, _("Home"));
	menu_init(&hs->menu);
	/* Every role reads the estate (a referent, the sites they cover). */
	menu_add_header(&hs->menu, _("Estate"));
	menu_add(&hs->menu, HA_ASSETS, 'e', _("Assets"),
	    _("list, tree, search, condition, documents"));
	if (app_has_role(REQUEST_FILERS)) {
		menu_add_header(&hs->menu, _("Requests"));
		menu_add(&hs->menu, HA_NEW_REQUEST, 'n', _("New request"),
		    _("ask for work on an asset or a site"));
		menu_add(&hs->menu, HA_MY_REQUESTS, 'r', _("My requests"),
		    _("their state, timeline and work order"));
		if (app_has_role(REQUEST_DECIDERS))
			menu_add(&hs->menu, HA_QUEUE, 'v', _("Validation queue"),
			    _("approve, reject, ask, mark duplicates"));
	}
	/* Work orders: the server narrows them (an agent's own, a referent's
	 * requests'). */
	menu_add_header(&hs->menu, _("Work"));
	if (app_has_role(ROLE_AGENT))
		menu_add(&hs->menu, HA_MYWORK, 'm', _("My work"),
		    _("start, report hours and parts, finish"));
	menu_add(&hs->menu, HA_WORKORDERS, 'w', _("Work orders"),
	    _("filters, cost, delay, timeline"));
	if (app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_VIEWER))
		menu_add(&hs->menu, HA_PLAN, 'p', _("Planning"),
		    _("agents by days, occupancy, assign"));
	if (app_has_role(ROLE_ADMIN)) {
		menu_add_header(&hs->menu, _("Admin"));
		menu_add(&hs->menu, HA_USERS, 'u', _("Users"),
		    _("accounts, roles, services and sites"));
		menu_add(&hs->menu, HA_AUDIT, 'a', _("Audit log"),
		    _("every change, before and after"));
	}
	menu_add_header(&hs->menu, _("Session"));
	menu_add(&hs->menu, HA_INFO, 'i', _("Server info"),
	    _("version, instance, session expiry"));
	menu_add(&hs->menu, HA_LOGOUT, 'l', _("Log out"), NULL);
	menu_add(&hs->menu, HA_QUIT, 'q', _("Quit"), NULL);
	return &hs->base;
}
