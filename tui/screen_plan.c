/* Work → Planning: a service's week (plan.week) as a board of agents by
 * days, each cell "booked/available" hours, each agent's occupancy and
 * the service's in the header; under it the open work orders with no
 * booking yet. Select one there, put the cursor on an agent and a day,
 * and assign it (plan.assign); move a booking to another cell
 * (plan.move), change its hours, or remove it (plan.unbook).
 *
 * The board scrolls both ways, so that it stays legible at 80x24 and
 * below: days leave the screen before the names get too short. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "tui.h"
#include "workorders.h"
#include "xmalloc.h"

#define PLAN_ACTIONS(X)							\
	X(PB_PICK, K_ENTER, 0, "Enter", N_("Select"), N_("Unplanned list: select the work order to assign")) \
	X(PB_ASSIGN, 'a', 0, "a", N_("Assign"), N_("Assign the selected work order to the cursor's agent and day")) \
	X(PB_DROP, K_ENTER, 'm', "Enter", N_("Put here"), N_("Moving: put the booking on the agent and day under the cursor")) \
	X(PB_MOVE, 'm', 0, "m", N_("Move"), N_("Move the booking shown below the board to another agent or day")) \
	X(PB_HOURS, 'h', 0, "h", N_("Hours"), N_("Change the hours of the booking shown below the board")) \
	X(PB_UNBOOK, 'x', K_DEL, "x Del", N_("Remove"), N_("Remove the booking shown below the board")) \
	X(PB_NEXT_BOOKING, 'b', 0, "b", N_("Next booking"), N_("Several bookings in the cell: show the next one")) \
	X(PB_OPEN, 'o', 0, "o", N_("Open"), N_("Open the work order of the booking, or of the unplanned row")) \
	X(PB_FOCUS, K_TAB, 0, "Tab", N_("Board/List"), N_("Move between the board and the unplanned list")) \
	X(PB_PREV_WEEK, '<', ',', "<", N_("Week"), N_("Previous week (also ,)")) \
	X(PB_NEXT_WEEK, '>', '.', ">", NULL, N_("Next week (also .)")) \
	X(PB_TODAY, 't', 0, "t", NULL, N_("This week"))			\
	X(PB_SERVICE, 's', 0, "s", N_("Service"), N_("Show another service's board")) \
	X(PB_RELOAD, 'r', K_F(5), "r", NULL, N_("Fetch the board again")) \
	X(PB_BACK, K_ESC, 0, "Esc", N_("Back"), N_("Stop moving or drop the selection, else back to the menu")) \
	X(PB_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous agent or row")) \
	X(PB_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next agent or row")) \
	X(PB_LEFT, K_LEFT, 0, "\u2190", NULL, N_("Previous day"))	\
	X(PB_RIGHT, K_RIGHT, 0, "\u2192", NULL, N_("Next day"))		\
	X(PB_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(PB_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))
enum { PLAN_ACTIONS(ACTION_ENUM) };
static const struct action plan_actions[] = { PLAN_ACTIONS(ACTION_ROW) };

enum { TAG_WEEK = 1, TAG_SERVICES, TAG_CHANGE, TIMER_EVENT };
enum { DLG_SERVICE = 1, DLG_HOURS, DLG_UNBOOK };
#define EVENT_DELAY_MS 200
/* Columns: the name at least, each day, the occupancy. */
#define NAME_MIN 10
#define CELL_W 9
#define OCC_W 5

struct plan_screen {
	struct screen base;
	int64_t service_id;
	char *service_name;
	struct rv *services;	/* service.list items */
	char week[11];		/* a day of the week shown (YYYY-MM-DD) */
	struct rv *board;	/* plan.week's answer */
	char *error;
	uint32_t week_call;	/* the latest plan.week: older answers are dropped */
	bool other_week;	/* it asks for another week than the one shown */
	bool on_list;		/* the cursor is in the unplanned list */
	size_t agent, top_agent;
	int day, first_day;
	size_t booking;		/* which booking of the cell shows */
	size_t un, top_un;
	int grid_h, list_h;	/* rows shown by the last draw */
	/* The unplanned work order chosen for assigning. */
	int64_t chosen_id;
	char *chosen_number;
	/* The booking being moved. */
	int64_t moving_id, moving_version;
	char *moving_number;
	/* The booking a dialog (hours, removal) is about. */
	int64_t edit_id, edit_version;
	char *request_key;
	bool reload_on_show;
};

static void
plan_fetch(struct plan_screen *ps)
{
	struct rv *params;

	if (ps->service_id == 0)
		return;
	params = rv_map();
	rv_set_int(params, "service_id", ps->service_id);
	rv_set_str(params, "week", ps->week);
	ps->week_call = app_call(&ps->base, TAG_WEEK, "plan.week", params);
}

/* The board shown is not the week asked for yet: a booking made now
 * would land in the week the person just left. */
static bool
plan_stale(struct plan_screen *ps)
{
	return ps->other_week || ps->board == NULL;
}

static const struct rv *
plan_agents(struct plan_screen *ps)
{
	const struct rv *a = rv_get(ps->board, "agents");

	return a != NULL && a->type == RV_ARRAY ? a : NULL;
}

static size_t
plan_nagents(struct plan_screen *ps)
{
	return rv_len(plan_agents(ps));
}

static const struct rv *
plan_unplanned(struct plan_screen *ps)
{
	const struct rv *u = rv_get(ps->board, "unplanned");

	return u != NULL && u->type == RV_ARRAY ? u : NULL;
}

static const struct rv *
plan_agent(struct plan_screen *ps)
{
	const struct rv *a = plan_agents(ps);

	return a != NULL && ps->agent < a->a.n ? a->a.items[ps->agent] : NULL;
}

static const struct rv *
plan_cell(struct plan_screen *ps, const struct rv *agent, int day)
{
	const struct rv *days = rv_get(agent, "days");

	if (days == NULL || days->type != RV_ARRAY || day < 0 || (size_t)day >= days->a.n)
		return NULL;
	return days->a.items[day];
}

/* The booking of the cursor's cell that shows below the board. */
static const struct rv *
plan_booking(struct plan_screen *ps)
{
	const struct rv *b = rv_get(plan_cell(ps, plan_agent(ps), ps->day), "bookings");

	if (ps->on_list || b == NULL || b->type != RV_ARRAY || b->a.n == 0)
		return NULL;
	return b->a.items[ps->booking % b->a.n];
}

static const struct rv *
plan_unplanned_row(struct plan_screen *ps)
{
	const struct rv *u = plan_unplanned(ps);

	return u != NULL && ps->un < u->a.n ? u->a.items[ps->un] : NULL;
}

static const char *
plan_day(struct plan_screen *ps, int day)
{
	const struct rv *days = rv_get(ps->board, "days");

	if (days == NULL || days->type != RV_ARRAY || day < 0 || (size_t)day >= days->a.n ||
	    days->a.items[day]->type != RV_STR)
		return "";
	return days->a.items[day]->s.ptr;
}

static void
plan_clamp(struct plan_screen *ps)
{
	size_t na = plan_nagents(ps), nu = rv_len(plan_unplanned(ps));

	if (ps->agent >= na)
		ps->agent = na > 0 ? na - 1 : 0;
	if (ps->un >= nu)
		ps->un = nu > 0 ? nu - 1 : 0;
	if (ps->day < 0)
		ps->day = 0;
	if (ps->day > 6)
		ps->day = 6;
}

static void
plan_set_service(struct plan_screen *ps, int64_t id)
{
	const struct rv *it;
	size_t i;

	ps->service_id = id;
	free(ps->service_name);
	ps->service_name = NULL;
	for (i = 0; i < rv_len(ps->services); i++) {
		it = ps->services->a.items[i];
		if (rv_path_int(it, "id", 0) == id)
			ps->service_name = xasprintf("%s %s", rv_path_str(it, "code", ""),
			    rv_path_str(it, "name", ""));
	}
}

/* Changes. */

static struct rv *
plan_params(struct plan_screen *ps)
{
	struct rv *params = rv_map();

	free(ps->request_key);
	ps->request_key = app_request_key();
	rv_set_str(params, "request_key", ps->request_key);
	return params;
}

static void
plan_assign(struct plan_screen *ps)
{
	struct rv *params = plan_params(ps);

	rv_set_int(params, "work_order_id", ps->chosen_id);
	rv_set_int(params, "agent_id", rv_path_int(plan_agent(ps), "id", 0));
	rv_set_str(params, "day", plan_day(ps, ps->day));
	app_call(&ps->base, TAG_CHANGE, "plan.assign", params);
}

static void
plan_drop(struct plan_screen *ps)
{
	struct rv *params = plan_params(ps);

	rv_set_int(params, "booking_id", ps->moving_id);
	rv_set_int(params, "version", ps->moving_version);
	rv_set_int(params, "agent_id", rv_path_int(plan_agent(ps), "id", 0));
	rv_set_str(params, "day", plan_day(ps, ps->day));
	app_call(&ps->base, TAG_CHANGE, "plan.move", params);
	ps->moving_id = 0;
}

static void
plan_ask_service(struct plan_screen *ps)
{
	struct form *f = form_new();
	struct form_field *fld;
	const struct rv *it;
	char *label;
	size_t i;

	fld = form_add(f, F_REF, "service_id", _("Service"));
	fld->required = true;
	for (i = 0; i < rv_len(ps->services); i++) {
		it = ps->services->a.items[i];
		label = xasprintf("%s %s", rv_path_str(it, "code", ""), rv_path_str(it, "name", ""));
		form_option_merge(fld, rv_path_int(it, "id", 0), label);
		free(label);
	}
	if (ps->service_id != 0)
		wo_form_set_id(f, "service_id", ps->service_id);
	dialog_form(&ps->base, DLG_SERVICE, _("Whose board"), f);
}

static void
plan_ask_hours(struct plan_screen *ps)
{
	const struct rv *b = plan_booking(ps);
	struct form *f = form_new();
	struct form_field *fld;
	char buf[32], *title;

	fld = form_add(f, F_TEXT, "hours", _("Hours"));
	fld->required = true;
	fld->check = wo_check_hours;
	fld->maxlen = 8;
	form_set_text(f, "hours", wo_hours_text(rv_path_str(b, "hours", ""), buf, sizeof buf));
	ps->edit_id = rv_path_int(b, "id", 0);
	ps->edit_version = rv_path_int(b, "version", 0);
	title = xasprintf(_("Hours of %s on %s"), rv_path_str(b, "number", ""),
	    asset_date_text(plan_day(ps, ps->day), buf, sizeof buf));
	dialog_form(&ps->base, DLG_HOURS, title, f);
	free(title);
}

static void
plan_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct plan_screen *ps = (struct plan_screen *)s;
	struct form_field *fld;
	struct rv *params;
	char *text, buf[32];

	if (!ok)
		return;
	switch (tag) {
	case DLG_SERVICE:
		fld = form_get(form, "service_id");
		if (fld->nids > 0 && fld->ids[0] != ps->service_id) {
			plan_set_service(ps, fld->ids[0]);
			rv_free(ps->board);
			ps->board = NULL;
			ps->agent = ps->top_agent = ps->un = ps->top_un = 0;
			ps->chosen_id = 0;
			plan_fetch(ps);
		}
		break;
	case DLG_HOURS:
		text = form_text(form, "hours");
		params = plan_params(ps);
		rv_set_int(params, "booking_id", ps->edit_id);
		rv_set_int(params, "version", ps->edit_version);
		if (wo_parse_decimal(text, 2, buf, sizeof buf) == NULL)
			rv_set_str(params, "hours", buf);
		free(text);
		app_call(s, TAG_CHANGE, "plan.move", params);
		break;
	case DLG_UNBOOK:
		params = plan_params(ps);
		rv_set_int(params, "booking_id", ps->edit_id);
		app_call(s, TAG_CHANGE, "plan.unbook", params);
		break;
	}
}

static void
plan_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct plan_screen *ps = (struct plan_screen *)s;
	const struct rv *mine;
	char *text = error != NULL ? app_error_text(error) : NULL;

	switch (tag) {
	case TAG_SERVICES:
		if (error != NULL)
			break;
		rv_free(ps->services);
		ps->services = rv_copy(rv_get(result, "items"));
		if (ps->services == NULL || ps->services->type != RV_ARRAY) {
			rv_free(ps->services);
			ps->services = rv_array();
		}
		if (ps->service_id == 0) {
			/* One's own service first; else the first there is. */
			mine = rv_path(app.user, "services.0");
			if (mine != NULL && mine->type == RV_INT)
				plan_set_service(ps, mine->i);
			else if (rv_len(ps->services) > 0)
				plan_set_service(ps, rv_path_int(ps->services, "0.id", 0));
			plan_fetch(ps);
		} else
			plan_set_service(ps, ps->service_id);
		break;
	case TAG_WEEK:
		if (id != ps->week_call)
			break;
		ps->other_week = false;
		if (error != NULL) {
			free(ps->error);
			ps->error = text;
			text = NULL;
			break;
		}
		rv_free(ps->board);
		ps->board = rv_copy(result);
		free(ps->error);
		ps->error = NULL;
		plan_clamp(ps);
		break;
	case TAG_CHANGE:
		free(ps->request_key);
		ps->request_key = NULL;
		if (error != NULL)
			app_message(MSG_ERROR, "%s", text);
		else if (rv_get(result, "work_order") != NULL) {
			app_message(MSG_OK, _("%s assigned to %s"),
			    rv_path_str(result, "work_order.number", ""),
			    rv_path_str(plan_agent(ps), "name", ""));
			ps->chosen_id = 0;
		} else
			app_message(MSG_OK, "%s", _("Planning saved"));
		plan_fetch(ps);
		break;
	}
	free(text);
}

static void
plan_on_event(struct screen *s, const struct rv *ev)
{
	const char *topic = rv_path_str(ev, "topic", "");

	if (strcmp(topic, "plan") == 0 || strcmp(topic, "workorder") == 0 ||
	    strcmp(topic, "agent") == 0 || strcmp(topic, "resync") == 0)
		app_timer(s, TIMER_EVENT, EVENT_DELAY_MS);
}

static void
plan_on_timer(struct screen *s, int tag)
{
	if (tag == TIMER_EVENT)
		plan_fetch((struct plan_screen *)s);
}

static void
plan_on_show(struct screen *s)
{
	struct plan_screen *ps = (struct plan_screen *)s;

	/* Back from a work order that may have changed. */
	if (ps->reload_on_show) {
		ps->reload_on_show = false;
		plan_fetch(ps);
	}
}

static bool
plan_can_plan(void)
{
	return app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR);
}

static bool
plan_enabled(struct screen *s, int action)
{
	struct plan_screen *ps = (struct plan_screen *)s;
	bool moving = ps->moving_id != 0;

	switch (action) {
	case PB_PICK:
		return ps->on_list && plan_can_plan() && plan_unplanned_row(ps) != NULL;
	case PB_ASSIGN:
		return !ps->on_list && !moving && ps->chosen_id != 0 && plan_agent(ps) != NULL &&
		    !plan_stale(ps);
	case PB_DROP:
		return !ps->on_list && moving && plan_agent(ps) != NULL && !plan_stale(ps);
	case PB_MOVE:
	case PB_HOURS:
	case PB_UNBOOK:
		return !moving && plan_can_plan() && plan_booking(ps) != NULL;
	case PB_NEXT_BOOKING:
		return !ps->on_list && rv_len(rv_get(plan_cell(ps, plan_agent(ps), ps->day),
		    "bookings")) > 1;
	case PB_OPEN:
		return ps->on_list ? plan_unplanned_row(ps) != NULL : plan_booking(ps) != NULL;
	case PB_SERVICE:
		return rv_len(ps->services) > 1 && !moving;
	default:
		return true;
	}
}

static void
plan_move_rows(struct plan_screen *ps, long delta)
{
	size_t *cur = ps->on_list ? &ps->un : &ps->agent;
	size_t n = ps->on_list ? rv_len(plan_unplanned(ps)) : plan_nagents(ps);

	if (n == 0)
		return;
	if (delta < 0 && (size_t)-delta > *cur)
		*cur = 0;
	else if (delta > 0 && *cur + (size_t)delta >= n)
		*cur = n - 1;
	else
		*cur = (size_t)((long)*cur + delta);
	ps->booking = 0;
}

static void
plan_shift_week(struct plan_screen *ps, int days)
{
	char buf[16];

	if (days == 0)
		wo_today(buf, sizeof buf);
	else
		wo_date_add(ps->week, days, buf, sizeof buf);
	xsnprintf(ps->week, sizeof ps->week, "%s", buf);
	ps->booking = 0;
	ps->other_week = true;
	plan_fetch(ps);
}

/* Enter and m mean two things each: the first action that works now. */
static const struct action *
plan_action_for(struct screen *s, int key)
{
	size_t i;

	for (i = 0; i < sizeof plan_actions / sizeof plan_actions[0]; i++) {
		if ((plan_actions[i].key == key || plan_actions[i].key2 == key) &&
		    plan_enabled(s, plan_actions[i].id))
			return &plan_actions[i];
	}
	return NULL;
}

static bool
plan_key(struct screen *s, int key)
{
	struct plan_screen *ps = (struct plan_screen *)s;
	const struct action *a;
	const struct rv *it;
	char *q, buf[32];

	if ((a = plan_action_for(s, key)) == NULL)
		return false;
	switch (a->id) {
	case PB_PICK:
		it = plan_unplanned_row(ps);
		ps->chosen_id = rv_path_int(it, "id", 0);
		free(ps->chosen_number);
		ps->chosen_number = xstrdup(rv_path_str(it, "number", ""));
		ps->on_list = false;
		break;
	case PB_ASSIGN:
		plan_assign(ps);
		break;
	case PB_DROP:
		plan_drop(ps);
		break;
	case PB_MOVE:
		it = plan_booking(ps);
		ps->moving_id = rv_path_int(it, "id", 0);
		ps->moving_version = rv_path_int(it, "version", 0);
		free(ps->moving_number);
		ps->moving_number = xstrdup(rv_path_str(it, "number", ""));
		break;
	case PB_HOURS:
		plan_ask_hours(ps);
		break;
	case PB_UNBOOK:
		it = plan_booking(ps);
		ps->edit_id = rv_path_int(it, "id", 0);
		q = xasprintf(_("Remove the booking of %s for %s on %s?"),
		    rv_path_str(plan_agent(ps), "name", ""), rv_path_str(it, "number", ""),
		    asset_date_text(plan_day(ps, ps->day), buf, sizeof buf));
		dialog_confirm(s, DLG_UNBOOK, _("Remove"), q);
		free(q);
		break;
	case PB_NEXT_BOOKING:
		ps->booking++;
		break;
	case PB_OPEN:
		it = ps->on_list ? plan_unplanned_row(ps) : plan_booking(ps);
		ps->reload_on_show = true;
		app_push(screen_workorder_new(rv_path_int(it, ps->on_list ? "id" :
		    "work_order_id", 0), WO_TAB_INFO));
		break;
	case PB_FOCUS:
		ps->on_list = !ps->on_list;
		break;
	case PB_PREV_WEEK:
		plan_shift_week(ps, -7);
		break;
	case PB_NEXT_WEEK:
		plan_shift_week(ps, 7);
		break;
	case PB_TODAY:
		plan_shift_week(ps, 0);
		break;
	case PB_SERVICE:
		plan_ask_service(ps);
		break;
	case PB_RELOAD:
		plan_fetch(ps);
		break;
	case PB_BACK:
		if (ps->moving_id != 0)
			ps->moving_id = 0;
		else if (ps->chosen_id != 0)
			ps->chosen_id = 0;
		else
			app_pop();
		return true;
	case PB_UP:
		plan_move_rows(ps, -1);
		break;
	case PB_DOWN:
		plan_move_rows(ps, 1);
		break;
	case PB_PGUP:
		plan_move_rows(ps, -(ps->on_list ? ps->list_h : ps->grid_h));
		break;
	case PB_PGDN:
		plan_move_rows(ps, ps->on_list ? ps->list_h : ps->grid_h);
		break;
	case PB_LEFT:
		if (!ps->on_list && ps->day > 0) {
			ps->day--;
			ps->booking = 0;
		}
		break;
	case PB_RIGHT:
		if (!ps->on_list && ps->day < 6) {
			ps->day++;
			ps->booking = 0;
		}
		break;
	}
	return true;
}

/* Drawing. */

static char *
plan_cell_text(const struct rv *cell, char *buf, size_t len)
{
	char b[32], a[32];

	xsnprintf(buf, len, "%s/%s", wo_hours_text(rv_path_str(cell, "booked", "0"), b,
	    sizeof b), wo_hours_text(rv_path_str(cell, "available", "0"), a, sizeof a));
	return buf;
}

static void
plan_draw_header(struct plan_screen *ps, int y, int x, int w)
{
	char d[32], b[32], a[32], *line;

	line = xasprintf(_("%s \u2014 week of %s \u2014 %s/%s h, %d %%"),
	    ps->service_name != NULL ? ps->service_name : "?",
	    asset_date_text(rv_path_str(ps->board, "week_start", ps->week), d, sizeof d),
	    wo_hours_text(rv_path_str(ps->board, "booked", "0"), b, sizeof b),
	    wo_hours_text(rv_path_str(ps->board, "available", "0"), a, sizeof a),
	    wo_percent(rv_get(ps->board, "occupancy")));
	draw_text(y, x, w, line, R_HEADER, TEXT_LEFT);
	free(line);
}

static void
plan_draw_grid(struct plan_screen *ps, int y, int x, int h, int w)
{
	const struct rv *agents = plan_agents(ps), *agent, *cell;
	int ndays, nw, i, d, cx;
	size_t r;
	enum draw_role role;
	char buf[64];
	struct tm tm;

	/* As many days as fit beside a legible name; scroll to the cursor. */
	ndays = (w - NAME_MIN - OCC_W) / CELL_W;
	if (ndays > 7)
		ndays = 7;
	if (ndays < 1)
		ndays = 1;
	if (ps->day < ps->first_day)
		ps->first_day = ps->day;
	if (ps->day >= ps->first_day + ndays)
		ps->first_day = ps->day - ndays + 1;
	if (ps->first_day + ndays > 7)
		ps->first_day = 7 - ndays;
	nw = w - ndays * CELL_W - OCC_W;

	draw_fill(y, x, 1, w, R_HEADER);
	draw_text(y, x, nw, ps->first_day > 0 ? _("Agent  \u2190") : _("Agent"), R_HEADER,
	    TEXT_LEFT);
	for (d = 0; d < ndays; d++) {
		memset(&tm, 0, sizeof tm);
		if (strptime(plan_day(ps, ps->first_day + d), "%Y-%m-%d", &tm) != NULL) {
			tm.tm_hour = 12;
			tm.tm_isdst = -1;
			mktime(&tm);
			strftime(buf, sizeof buf, "%a %d", &tm);
		} else
			buf[0] = '\0';
		draw_text(y, x + nw + d * CELL_W, CELL_W - 1, buf, R_HEADER, TEXT_RIGHT);
	}
	draw_text(y, x + w - OCC_W, OCC_W, ps->first_day + ndays < 7 ? "\u2192" : _("Occ."),
	    R_HEADER, TEXT_RIGHT);

	h--;
	y++;
	ps->grid_h = h > 0 ? h : 1;
	if (ps->agent < ps->top_agent)
		ps->top_agent = ps->agent;
	if (ps->agent >= ps->top_agent + (size_t)ps->grid_h)
		ps->top_agent = ps->agent - (size_t)ps->grid_h + 1;
	for (i = 0; i < h; i++) {
		r = ps->top_agent + (size_t)i;
		if (agents == NULL || r >= agents->a.n)
			break;
		agent = agents->a.items[r];
		draw_text(y + i, x, nw - 1, rv_path_str(agent, "name", ""),
		    r == ps->agent ? R_HEADER : R_NORMAL, TEXT_LEFT);
		for (d = 0; d < ndays; d++) {
			cell = plan_cell(ps, agent, ps->first_day + d);
			cx = x + nw + d * CELL_W;
			if (strtod(rv_path_str(cell, "available", "0"), NULL) <= 0 &&
			    strtod(rv_path_str(cell, "booked", "0"), NULL) <= 0) {
				xsnprintf(buf, sizeof buf, "%s", "\u00b7");
				role = R_DIM;
			} else {
				plan_cell_text(cell, buf, sizeof buf);
				role = strtod(rv_path_str(cell, "booked", "0"), NULL) >
				    strtod(rv_path_str(cell, "available", "0"), NULL) ? R_WARN :
				    R_NORMAL;
			}
			if (!ps->on_list && r == ps->agent && ps->first_day + d == ps->day)
				role = R_CURSOR;
			draw_text(y + i, cx, CELL_W - 1, buf, role, TEXT_RIGHT);
		}
		xsnprintf(buf, sizeof buf, "%d%%", wo_percent(rv_get(agent, "occupancy")));
		draw_text(y + i, x + w - OCC_W, OCC_W, buf, wo_percent(rv_get(agent,
		    "occupancy")) > 100 ? R_WARN : R_NORMAL, TEXT_RIGHT);
	}
	if (agents == NULL || agents->a.n == 0)
		draw_text(y, x, w, _("No active agent in this service"), R_DIM, TEXT_CENTER);
}

/* The cursor's cell in words: its bookings, one at a time. */
static void
plan_draw_cell(struct plan_screen *ps, int y, int x, int w)
{
	const struct rv *cell = plan_cell(ps, plan_agent(ps), ps->day), *b;
	size_t n = rv_len(rv_get(cell, "bookings"));
	char d[32], hrs[32], *line;

	draw_fill(y, x, 1, w, R_NORMAL);
	if (cell == NULL || ps->on_list)
		return;
	asset_date_text(plan_day(ps, ps->day), d, sizeof d);
	if ((b = plan_booking(ps)) != NULL)
		line = xasprintf(_("%s %s: [%zu/%zu] %s %s, %s h"), rv_path_str(plan_agent(ps),
		    "code", ""), d, ps->booking % n + 1, n, rv_path_str(b, "number", ""),
		    rv_path_str(b, "title", ""), wo_hours_text(rv_path_str(b, "hours", ""), hrs,
		    sizeof hrs));
	else if (strtod(rv_path_str(cell, "available", "0"), NULL) <= 0)
		line = xasprintf(_("%s %s: not working"), rv_path_str(plan_agent(ps), "code", ""),
		    d);
	else
		line = xasprintf(_("%s %s: free, %s h available"), rv_path_str(plan_agent(ps),
		    "code", ""), d, wo_hours_text(rv_path_str(cell, "available", ""), hrs,
		    sizeof hrs));
	draw_text(y, x, w, line, R_DIM, TEXT_LEFT);
	free(line);
}

static void
plan_draw_list(struct plan_screen *ps, int y, int x, int h, int w)
{
	const struct rv *un = plan_unplanned(ps), *it;
	size_t n = rv_len(un), r;
	char *line, d[32];
	enum draw_role role;
	int i;

	line = xasprintf(_("Unplanned (%zu)"), n);
	draw_fill(y, x, 1, w, R_HEADER);
	draw_text(y, x, w, line, R_HEADER, TEXT_LEFT);
	free(line);
	h--;
	y++;
	ps->list_h = h > 0 ? h : 1;
	if (ps->un < ps->top_un)
		ps->top_un = ps->un;
	if (ps->un >= ps->top_un + (size_t)ps->list_h)
		ps->top_un = ps->un - (size_t)ps->list_h + 1;
	for (i = 0; i < h; i++) {
		r = ps->top_un + (size_t)i;
		if (r >= n)
			break;
		it = un->a.items[r];
		role = ps->on_list && r == ps->un ? R_CURSOR :
		    rv_path_int(it, "id", 0) == ps->chosen_id ? R_MARK : R_NORMAL;
		line = xasprintf("%s %-7s %s  %s", rv_path_str(it, "number", ""),
		    wo_priority_text(rv_path_str(it, "priority", "")), rv_path_str(it, "title", ""),
		    asset_date_text(rv_path_str(it, "target_date", NULL), d, sizeof d));
		draw_fill(y + i, x, 1, w, role);
		draw_text(y + i, x, w, line, role, TEXT_LEFT);
		free(line);
	}
	if (n == 0 && h > 0)
		draw_text(y, x, w, _("Every open work order has a booking"), R_DIM, TEXT_LEFT);
}

static void
plan_draw(struct screen *s, int y, int x, int h, int w)
{
	struct plan_screen *ps = (struct plan_screen *)s;
	size_t na, nu;
	int avail, grid_h, list_h;
	char *line;

	if (ps->board == NULL) {
		draw_text(y + h / 2, x, w, ps->error != NULL ? ps->error :
		    ps->service_id == 0 && ps->services != NULL ? _("No service to plan") :
		    _("Loading\u2026"), ps->error != NULL ? R_ERROR : R_DIM, TEXT_CENTER);
		return;
	}
	plan_clamp(ps);
	plan_draw_header(ps, y, x, w);
	/* Header, days, the cell's line, the list's title, the status line. */
	na = plan_nagents(ps);
	nu = rv_len(plan_unplanned(ps));
	avail = h - 5;
	list_h = (int)(nu > 0 ? nu : 1);
	if (list_h > avail / 2)
		list_h = avail / 2;
	grid_h = avail - list_h;
	if (na > 0 && (int)na < grid_h) {
		list_h += grid_h - (int)na;
		grid_h = (int)na;
	}
	if (grid_h < 1)
		grid_h = 1;
	plan_draw_grid(ps, y + 1, x, grid_h + 1, w);
	plan_draw_cell(ps, y + 2 + grid_h, x, w);
	plan_draw_list(ps, y + 3 + grid_h, x, list_h + 1, w);
	/* What a key does now. */
	if (ps->moving_id != 0)
		line = xasprintf(_("Moving %s: put the cursor on an agent and a day, Enter"),
		    ps->moving_number);
	else if (ps->chosen_id != 0)
		line = xasprintf(_("Selected %s: put the cursor on an agent and a day, a"),
		    ps->chosen_number);
	else if (ps->error != NULL)
		line = xstrdup(ps->error);
	else
		line = xstrdup("");
	draw_text(y + h - 1, x, w, line, ps->error != NULL && ps->moving_id == 0 &&
	    ps->chosen_id == 0 ? R_ERROR : R_WARN, TEXT_LEFT);
	free(line);
}

static void
plan_destroy(struct screen *s)
{
	struct plan_screen *ps = (struct plan_screen *)s;

	free(ps->service_name);
	rv_free(ps->services);
	rv_free(ps->board);
	free(ps->error);
	free(ps->chosen_number);
	free(ps->moving_number);
	free(ps->request_key);
	free(ps);
}

static const struct screen_ops plan_ops = {
	.name = "plan",
	.actions = plan_actions,
	.nactions = sizeof plan_actions / sizeof plan_actions[0],
	.draw = plan_draw,
	.key = plan_key,
	.enabled = plan_enabled,
	.on_event = plan_on_event,
	.on_reply = plan_on_reply,
	.on_timer = plan_on_timer,
	.on_dialog = plan_on_dialog,
	.on_show = plan_on_show,
	.destroy = plan_destroy,
};

struct screen *
screen_plan_new(void)
{
	struct plan_screen *ps = xcalloc(1, sizeof *ps);

	screen_init(&ps->base, &plan_ops, _("Planning"));
	wo_today(ps->week, sizeof ps->week);
	/* The board comes once the service is known. */
	app_call(&ps->base, TAG_SERVICES, "service.list", NULL);
	return &ps->base;
}
