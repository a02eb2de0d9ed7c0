/* Admin → Audit log: every change, newest first as the server sends
 * them. '/' filters the rows in memory as you type; 'f' asks the server
 * for an entity, a method, a user or a period. Enter opens a row: its
 * fields before and after, changes marked. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "lineedit.h"
#include "table.h"
#include "tui.h"
#include "xmalloc.h"

#define AUDIT_PAGE 200
#define AUDIT_WINDOW 10

#define AUDIT_ACTIONS(X)						\
	X(AA_OPEN, K_ENTER, 0, "Enter", N_("Open"), N_("Show the change: before and after")) \
	X(AA_FILTER, '/', 0, "/", N_("Filter"), N_("Filter the rows loaded, as you type")) \
	X(AA_SEARCH, 'f', 0, "f", N_("Search"), N_("Ask the server: entity, method, user, period")) \
	X(AA_SORT, 's', 0, "s", N_("Sort"), N_("Sort by the next column (again: reverse)")) \
	X(AA_RELOAD, 'r', K_F(5), "r", N_("Reload"), N_("Fetch the log again")) \
	X(AA_BACK, K_ESC, 0, "Esc", N_("Back"), N_("Back to the menu"))	\
	X(AA_DONE, K_ENTER, 0, "Enter", N_("Keep filter"), N_("While filtering: stop typing, keep the filter")) \
	X(AA_CLEAR, K_ESC, 0, "Esc", N_("Clear filter"), N_("While filtering: clear the filter")) \
	X(AA_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous row"))	\
	X(AA_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next row"))	\
	X(AA_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(AA_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))		\
	X(AA_HOME, K_HOME, 'g', "Home g", NULL, N_("First row"))		\
	X(AA_END, K_END, 'G', "End G", NULL, N_("Last row (pages on to it)"))
enum { AUDIT_ACTIONS(ACTION_ENUM) };
static const struct action audit_actions[] = { AUDIT_ACTIONS(ACTION_ROW) };

enum { TAG_PAGE = 1, TAG_USERS };
enum { DLG_SEARCH = 1 };

static const struct table_col audit_cols[] = {
	{ N_("When"), 16, 19, 5, TEXT_LEFT, false },
	{ N_("User"), 6, 16, 4, TEXT_LEFT, false },
	{ N_("Method"), 10, 22, 6, TEXT_LEFT, false },
	{ N_("Entity"), 6, 14, 2, TEXT_LEFT, false },
	{ N_("Id"), 4, 10, 1, TEXT_RIGHT, true },
};

struct audit_screen {
	struct screen base;
	struct table table;
	bool filtering;
	struct lineedit filter;
	struct rv *search;	/* server-side params: entity, method, user_id, since, until */
	char *search_user;	/* the login chosen, for the title */
	struct form *search_form;	/* kept while the search dialog is open */
	uint32_t users_call;
};

static void
audit_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	char when[64], id[32] = "";
	const struct rv *eid = rv_get(item, "entity_id");

	row->id = rv_path_int(item, "id", 0);
	table_row_set(t, row, 0, time_format(rv_path_str(item, "at", ""), false, when,
	    sizeof when));
	table_row_set(t, row, 1, rv_path_str(item, "user_login", ""));
	table_row_set(t, row, 2, rv_path_str(item, "method", ""));
	table_row_set(t, row, 3, rv_path_str(item, "entity", ""));
	if (eid != NULL && eid->type == RV_INT)
		xsnprintf(id, sizeof id, "%lld", (long long)eid->i);
	table_row_set(t, row, 4, id);
	/* The filter also finds words inside the change itself. */
	{
		char *extra = xasprintf("%s %s", rv_path_str(item, "before", ""),
		    rv_path_str(item, "after", ""));

		table_row_search(t, row, extra);
		free(extra);
	}
}

static void
audit_pump(struct audit_screen *as)
{
	struct rv *params;
	const char *after;
	size_t page, i;

	while (table_need(&as->table, &page, &after)) {
		params = table_params(&as->table, after);
		for (i = 0; as->search != NULL && i < as->search->m.n; i++)
			rv_set(params, as->search->m.items[i].key,
			    rv_copy(as->search->m.items[i].val));
		table_sent(&as->table, page,
		    app_call(&as->base, TAG_PAGE, "audit.list", params));
	}
}

static void
audit_title(struct audit_screen *as)
{
	char buf[256];
	size_t i, len;
	const struct rv *v;

	xsnprintf(buf, sizeof buf, "%s", _("Audit log"));
	for (i = 0; as->search != NULL && i < as->search->m.n; i++) {
		len = strlen(buf);
		v = as->search->m.items[i].val;
		if (strcmp(as->search->m.items[i].key, "user_id") == 0)
			xsnprintf(buf + len, sizeof buf - len, " %s", as->search_user);
		else if (v->type == RV_INT)
			xsnprintf(buf + len, sizeof buf - len, " #%lld", (long long)v->i);
		else if (v->type == RV_STR)
			xsnprintf(buf + len, sizeof buf - len, " %s", v->s.ptr);
	}
	screen_set_title(&as->base, buf);
}

/* A date typed in the form is a day in the user's zone: the period runs
 * from its midnight, and "until" includes the whole day. */
static void
audit_day_bound(struct rv *params, const char *key, const char *ymd, bool end)
{
	struct tm tm;
	time_t t;
	char buf[32];

	memset(&tm, 0, sizeof tm);
	if (strptime(ymd, "%Y-%m-%d", &tm) == NULL)
		return;
	if (end)
		tm.tm_mday++;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rv_set_str(params, key, buf);
}

static struct form *
audit_search_form(struct audit_screen *as)
{
	struct form *f = form_new();
	struct form_field *fld;
	const struct rv *v;

	fld = form_add(f, F_TEXT, "entity", _("Entity"));
	fld->maxlen = 24;
	fld->hint = xstrdup(_("user, ..."));
	fld = form_add(f, F_NUMBER, "entity_id", _("Number"));
	fld->maxlen = 18;
	fld->hint = xstrdup(_("of the entity"));
	fld = form_add(f, F_TEXT, "method", _("Method"));
	fld->maxlen = 24;
	fld->hint = xstrdup(_("user.update, ..."));
	fld = form_add(f, F_REF, "user_id", _("By user"));
	fld->search_server = true;
	form_add(f, F_DATE, "since", _("From"));
	form_add(f, F_DATE, "until", _("To"));
	if (as->search != NULL) {
		form_set_text(f, "entity", rv_path_str(as->search, "entity", ""));
		form_set_text(f, "method", rv_path_str(as->search, "method", ""));
		if ((v = rv_get(as->search, "entity_id")) != NULL && v->type == RV_INT) {
			char num[32];

			xsnprintf(num, sizeof num, "%lld", (long long)v->i);
			form_set_text(f, "entity_id", num);
		}
		if ((v = rv_get(as->search, "user_id")) != NULL && v->type == RV_INT) {
			form_option_merge(fld, v->i, as->search_user);
			form_set_ids(f, "user_id", v);
		}
	}
	return f;
}

static void
audit_search_apply(struct audit_screen *as, struct form *f)
{
	struct rv *params = rv_map(), *search = rv_map();
	const struct form_option *o;
	struct form_field *fld = form_get(f, "user_id");
	const char *v;
	size_t i;

	form_to_params(f, params);
	for (i = 0; i < params->m.n; i++) {
		const char *key = params->m.items[i].key;

		if (strcmp(key, "since") == 0 || strcmp(key, "until") == 0) {
			v = params->m.items[i].val->s.ptr;
			audit_day_bound(search, key, v, strcmp(key, "until") == 0);
		} else if (params->m.items[i].val->type != RV_STR ||
		    params->m.items[i].val->s.len > 0)
			rv_set(search, key, rv_copy(params->m.items[i].val));
	}
	rv_free(params);
	free(as->search_user);
	as->search_user = NULL;
	if (fld->nids > 0 && (o = form_option_find(fld, fld->ids[0])) != NULL)
		as->search_user = xstrdup(o->label);
	rv_free(as->search);
	as->search = search->m.n > 0 ? search : NULL;
	if (as->search == NULL)
		rv_free(search);
	audit_title(as);
	table_reset(&as->table);
	audit_pump(as);
}

static void
audit_search_users(struct audit_screen *as, const char *query)
{
	struct rv *params = rv_map();

	rv_set_int(params, "limit", 50);
	if (query != NULL && *query != '\0')
		rv_set_str(params, "query", query);
	as->users_call = app_call(&as->base, TAG_USERS, "user.list", params);
}

static void
audit_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct audit_screen *as = (struct audit_screen *)s;
	struct form *f = dialog_top_form();
	struct form_field *fld;
	const struct rv *items;
	char *text;
	size_t i;

	if (tag == TAG_PAGE) {
		if (error != NULL) {
			text = app_error_text(error);
			table_failed(&as->table, id, text);
			free(text);
		} else
			table_loaded(&as->table, id, result);
		audit_pump(as);
		return;
	}
	/* Users for the picker of the search dialog, if it is still open. */
	if (tag != TAG_USERS || error != NULL || id != as->users_call || f == NULL ||
	    f != as->search_form || (fld = form_get(f, "user_id")) == NULL)
		return;
	items = rv_get(result, "items");
	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		const struct rv *u = items->a.items[i];

		text = xasprintf("%s (%s)", rv_path_str(u, "login", ""),
		    rv_path_str(u, "name", ""));
		form_option_merge(fld, rv_path_int(u, "id", 0), text);
		free(text);
	}
	form_picker_refilter(f);
}

static void
audit_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct audit_screen *as = (struct audit_screen *)s;

	as->search_form = NULL;
	if (tag == DLG_SEARCH && ok)
		audit_search_apply(as, form);
}

static void
audit_on_event(struct screen *s, const struct rv *ev)
{
	struct audit_screen *as = (struct audit_screen *)s;

	/* Every change writes a row here: whatever the topic, reload. */
	table_reload(&as->table);
	audit_pump(as);
}

static bool
audit_enabled(struct screen *s, int action)
{
	struct audit_screen *as = (struct audit_screen *)s;

	if (as->filtering)
		return action == AA_DONE || action == AA_CLEAR;
	switch (action) {
	case AA_DONE:
	case AA_CLEAR:
		return false;
	case AA_OPEN:
		return table_current(&as->table) != NULL;
	default:
		return true;
	}
}

static void
audit_set_filter(struct audit_screen *as)
{
	char *text = lineedit_text(&as->filter);

	table_set_filter(&as->table, text, true);
	free(text);
	audit_pump(as);
}

static bool
audit_key(struct screen *s, int key)
{
	struct audit_screen *as = (struct audit_screen *)s;
	const struct action *a;
	struct table_row *row;
	bool changed;

	if (as->filtering) {
		if (key == K_ENTER || key == K_DOWN)
			as->filtering = false;
		else if (key == K_ESC) {
			as->filtering = false;
			lineedit_clear(&as->filter);
			audit_set_filter(as);
		} else if (lineedit_key(&as->filter, key, &changed)) {
			if (changed)
				audit_set_filter(as);
		} else
			return key != K_F(1) && key != K_F(10);
		return true;
	}
	a = action_find(audit_actions, sizeof audit_actions / sizeof audit_actions[0], key);
	if (a == NULL || !audit_enabled(s, a->id))
		return false;
	row = table_current(&as->table);
	switch (a->id) {
	case AA_OPEN:
		app_push(screen_audit_detail_new(row->item));
		break;
	case AA_FILTER:
		as->filtering = true;
		break;
	case AA_SEARCH:
		as->search_form = audit_search_form(as);
		dialog_form(s, DLG_SEARCH, _("Search the audit log"), as->search_form);
		audit_search_users(as, NULL);
		break;
	case AA_SORT:
		table_sort_next(&as->table);
		break;
	case AA_RELOAD:
		table_reload_fresh(&as->table);
		break;
	case AA_BACK:
		if (as->table.filter != NULL) {
			lineedit_clear(&as->filter);
			audit_set_filter(as);
		} else
			app_pop();
		return true;
	case AA_UP:
		table_move(&as->table, -1);
		break;
	case AA_DOWN:
		table_move(&as->table, 1);
		break;
	case AA_PGUP:
		table_move(&as->table, -as->table.height);
		break;
	case AA_PGDN:
		table_move(&as->table, as->table.height);
		break;
	case AA_HOME:
		table_home(&as->table);
		break;
	case AA_END:
		table_end(&as->table);
		break;
	}
	audit_pump(as);
	return true;
}

static void
audit_draw(struct screen *s, int y, int x, int h, int w)
{
	struct audit_screen *as = (struct audit_screen *)s;
	struct form_field *fld;
	char *query;
	int col;

	/* The search dialog's user picker asks the server as one types. */
	if (as->search_form != NULL && dialog_top_form() == as->search_form &&
	    form_picker_fetch(as->search_form, &fld, &query)) {
		audit_search_users(as, query);
		free(query);
	}
	if (as->filtering) {
		col = draw_str(y + h - 1, x, w, _("Filter: "), R_WARN);
		s->cursor_on = true;
		s->cursor_y = y + h - 1;
		s->cursor_x = lineedit_draw(&as->filter, y + h - 1, x + col, w - col,
		    R_FIELD_FOCUS, false);
		h--;
	}
	table_draw(&as->table, y, x, h, w, as->search != NULL || as->table.filter != NULL ?
	    _("No change matches") : _("No change recorded yet"));
	audit_pump(as);
}

static void
audit_destroy(struct screen *s)
{
	struct audit_screen *as = (struct audit_screen *)s;

	table_free(&as->table);
	lineedit_free(&as->filter);
	rv_free(as->search);
	free(as->search_user);
	free(as);
}

static const struct screen_ops audit_ops = {
	.name = "audit",
	.actions = audit_actions,
	.nactions = sizeof audit_actions / sizeof audit_actions[0],
	.draw = audit_draw,
	.key = audit_key,
	.enabled = audit_enabled,
	.on_event = audit_on_event,
	.on_reply = audit_on_reply,
	.on_dialog = audit_on_dialog,
	.destroy = audit_destroy,
};

struct screen *
screen_audit_new(void)
{
	struct audit_screen *as = xcalloc(1, sizeof *as);

	screen_init(&as->base, &audit_ops, _("Audit log"));
	table_init(&as->table, audit_cols, sizeof audit_cols / sizeof audit_cols[0],
	    AUDIT_PAGE, AUDIT_WINDOW);
	table_set_fill(&as->table, audit_fill, as);
	lineedit_init(&as->filter, 100);
	return &as->base;
}

/* The detail of one change. */

#define DETAIL_ACTIONS(X)						\
	X(DT_BACK, K_ESC, 'q', "Esc", N_("Back"), N_("Back to the log"))	\
	X(DT_UP, K_UP, 'k', "\u2191", N_("Scroll"), N_("Scroll up"))	\
	X(DT_DOWN, K_DOWN, 'j', "\u2193", NULL, N_("Scroll down"))	\
	X(DT_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Page up"))		\
	X(DT_PGDN, K_PGDN, K_SPACE, "PgDn", NULL, N_("Page down"))
enum { DETAIL_ACTIONS(ACTION_ENUM) };
static const struct action detail_actions[] = { DETAIL_ACTIONS(ACTION_ROW) };

struct detail_line {
	char *key;
	char *before;
	char *after;
	bool changed;
};

struct detail_screen {
	struct screen base;
	char *head[4];
	struct detail_line *lines;
	size_t n;
	char *raw_before, *raw_after;	/* when the change is not two maps */
	int top;
	int height;
};

static char *
detail_value(const struct rv *v)
{
	if (v == NULL)
		return xstrdup("");
	if (v->type == RV_STR)
		return xstrdup(v->s.ptr);
	return rv_to_json(v);
}

static void
detail_add(struct detail_screen *ds, const char *key, const struct rv *b,
    const struct rv *a)
{
	struct detail_line *l;

	ds->lines = xreallocarray(ds->lines, ds->n + 1, sizeof *ds->lines);
	l = &ds->lines[ds->n++];
	l->key = xstrdup(key);
	l->before = detail_value(b);
	l->after = detail_value(a);
	l->changed = (a == NULL) != (b == NULL) || (a != NULL && !rv_equal(a, b));
}

static void
detail_build(struct detail_screen *ds, const struct rv *item)
{
	const char *bt = rv_path_str(item, "before", NULL);
	const char *at = rv_path_str(item, "after", NULL);
	struct rv *b = bt != NULL ? rv_from_json(bt, NULL, 0) : NULL;
	struct rv *a = at != NULL ? rv_from_json(at, NULL, 0) : NULL;
	size_t i;

	if ((b == NULL || b->type == RV_MAP) && (a == NULL || a->type == RV_MAP) &&
	    (a != NULL || b != NULL)) {
		for (i = 0; b != NULL && i < b->m.n; i++)
			detail_add(ds, b->m.items[i].key, b->m.items[i].val,
			    rv_get(a, b->m.items[i].key));
		for (i = 0; a != NULL && i < a->m.n; i++) {
			if (rv_get(b, a->m.items[i].key) == NULL)
				detail_add(ds, a->m.items[i].key, NULL, a->m.items[i].val);
		}
	} else {
		ds->raw_before = xstrdup(bt != NULL ? bt : "");
		ds->raw_after = xstrdup(at != NULL ? at : "");
	}
	rv_free(a);
	rv_free(b);
}

static bool
detail_key(struct screen *s, int key)
{
	struct detail_screen *ds = (struct detail_screen *)s;
	const struct action *a;

	a = action_find(detail_actions, sizeof detail_actions / sizeof detail_actions[0], key);
	if (a == NULL)
		return false;
	switch (a->id) {
	case DT_BACK:
		app_pop();
		return true;
	case DT_UP:
		ds->top--;
		break;
	case DT_DOWN:
		ds->top++;
		break;
	case DT_PGUP:
		ds->top -= ds->height;
		break;
	case DT_PGDN:
		ds->top += ds->height;
		break;
	}
	if (ds->top < 0)
		ds->top = 0;
	return true;
}

static void
detail_draw(struct screen *s, int y, int x, int h, int w)
{
	struct detail_screen *ds = (struct detail_screen *)s;
	int row = y, kw = 0, vw, i, k, max;
	char **wrapped;
	size_t nw, j;
	const char *label[2];
	char *raw[2];

	for (i = 0; i < 4; i++)
		draw_text(row++, x + 1, w - 2, ds->head[i], i == 0 ? R_HEADER : R_NORMAL,
		    TEXT_LEFT);
	row++;
	ds->height = y + h - row - 1;
	if (ds->height < 1)
		ds->height = 1;
	if (ds->raw_before != NULL) {
		/* Not two maps: show both texts, wrapped. */
		label[0] = _("Before");
		label[1] = _("After");
		raw[0] = ds->raw_before;
		raw[1] = ds->raw_after;
		k = 0;
		for (i = 0; i < 2; i++) {
			wrapped = text_wrap(*raw[i] != '\0' ? raw[i] : "\u2014", w - 4, &nw);
			if (k++ >= ds->top && row < y + h)
				draw_text(row++, x + 1, w - 2, label[i], R_HEADER, TEXT_LEFT);
			for (j = 0; j < nw; j++) {
				if (k++ >= ds->top && row < y + h)
					draw_text(row++, x + 3, w - 4, wrapped[j], R_NORMAL,
					    TEXT_LEFT);
			}
			text_lines_free(wrapped, nw);
		}
		return;
	}
	for (j = 0; j < ds->n; j++) {
		k = text_width(ds->lines[j].key);
		if (k > kw)
			kw = k;
	}
	if (kw > w / 4)
		kw = w / 4;
	vw = (w - kw - 6) / 2;
	draw_text(row, x + 1, kw, _("Field"), R_HEADER, TEXT_LEFT);
	draw_text(row, x + kw + 3, vw, _("Before"), R_HEADER, TEXT_LEFT);
	draw_text(row, x + kw + 4 + vw, vw, _("After"), R_HEADER, TEXT_LEFT);
	row++;
	max = (int)ds->n - ds->height;
	if (ds->top > max)
		ds->top = max > 0 ? max : 0;
	for (j = (size_t)ds->top; j < ds->n && row < y + h; j++, row++) {
		struct detail_line *l = &ds->lines[j];
		enum draw_role role = l->changed ? R_WARN : R_NORMAL;

		draw_text(row, x, 1, l->changed ? "*" : "", role, TEXT_LEFT);
		draw_text(row, x + 1, kw, l->key, role, TEXT_LEFT);
		draw_text(row, x + kw + 3, vw, l->before, l->changed ? R_DIM : R_NORMAL,
		    TEXT_LEFT);
		draw_text(row, x + kw + 4 + vw, vw, l->after, role, TEXT_LEFT);
	}
	if (ds->n == 0)
		draw_text(row, x + 1, w - 2, _("No field recorded"), R_DIM, TEXT_LEFT);
}

static void
detail_destroy(struct screen *s)
{
	struct detail_screen *ds = (struct detail_screen *)s;
	size_t i;

	for (i = 0; i < 4; i++)
		free(ds->head[i]);
	for (i = 0; i < ds->n; i++) {
		free(ds->lines[i].key);
		free(ds->lines[i].before);
		free(ds->lines[i].after);
	}
	free(ds->lines);
	free(ds->raw_before);
	free(ds->raw_after);
	free(ds);
}

static const struct screen_ops detail_ops = {
	.name = "audit-detail",
	.actions = detail_actions,
	.nactions = sizeof detail_actions / sizeof detail_actions[0],
	.draw = detail_draw,
	.key = detail_key,
	.destroy = detail_destroy,
};

struct screen *
screen_audit_detail_new(const struct rv *item)
{
	struct detail_screen *ds = xcalloc(1, sizeof *ds);
	char when[64], *title;

	title = xasprintf(_("Change #%lld"), (long long)rv_path_int(item, "id", 0));
	screen_init(&ds->base, &detail_ops, title);
	free(title);
	ds->head[0] = xasprintf("%s  %s", rv_path_str(item, "method", ""),
	    time_format(rv_path_str(item, "at", ""), true, when, sizeof when));
	/* regied useradd, on the server's command line, acts as no user. */
	if (rv_path_int(item, "user_id", 0) == 0)
		ds->head[1] = xstrdup(_("By: no user (the server's command line)"));
	else
		ds->head[1] = xasprintf(_("By: %s (#%lld)"), rv_path_str(item, "user_login", "?"),
		    (long long)rv_path_int(item, "user_id", 0));
	ds->head[2] = xasprintf(_("On: %s #%lld"), rv_path_str(item, "entity", "?"),
	    (long long)rv_path_int(item, "entity_id", 0));
	ds->head[3] = xstrdup(_("Fields marked * changed."));
	detail_build(ds, item);
	return &ds->base;
}
