/* Admin → Users: the list (filtered by the server as you type, paged,
 * multi-select for bulk disable), and the form that creates or edits a
 * user: roles, services, sites, disabled; and the password reset. */
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "form_screen.h"
#include "lineedit.h"
#include "table.h"
#include "tui.h"
#include "xmalloc.h"

#define USERS_PAGE 100
#define USERS_WINDOW 20
#define FILTER_DELAY_MS 200

/* The list. */

#define USERS_ACTIONS(X)						\
	X(UA_EDIT, K_ENTER, 'e', "Enter", N_("Edit"), N_("Edit the user under the cursor")) \
	X(UA_NEW, 'n', 0, "n", N_("New"), N_("Create a user"))		\
	X(UA_FILTER, '/', 0, "/", N_("Filter"), N_("Filter by login, name or e-mail as you type")) \
	X(UA_DISABLE, 'd', 0, "d", N_("Disable"), N_("Disable the selected users, or the one under the cursor")) \
	X(UA_ENABLE, 'a', 0, "a", N_("Enable"), N_("Enable the selected users, or the one under the cursor")) \
	X(UA_PASSWORD, 'p', 0, "p", N_("Password"), N_("Set a new password for the user under the cursor")) \
	X(UA_SELECT, K_SPACE, 0, "Space", N_("Select"), N_("Select or unselect the row, for bulk actions")) \
	X(UA_SORT, 's', 0, "s", N_("Sort"), N_("Sort by the next column (again: reverse)")) \
	X(UA_RELOAD, 'r', K_F(5), "r", N_("Reload"), N_("Fetch the list again")) \
	X(UA_BACK, K_ESC, 0, "Esc", N_("Back"), N_("Back to the menu"))	\
	X(UA_DONE, K_ENTER, 0, "Enter", N_("Keep filter"), N_("While filtering: stop typing, keep the filter")) \
	X(UA_CLEAR, K_ESC, 0, "Esc", N_("Clear filter"), N_("While filtering: clear the filter")) \
	X(UA_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous row"))	\
	X(UA_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next row"))	\
	X(UA_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(UA_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))		\
	X(UA_HOME, K_HOME, 'g', "Home g", NULL, N_("First row"))		\
	X(UA_END, K_END, 'G', "End G", NULL, N_("Last row"))
enum { USERS_ACTIONS(ACTION_ENUM) };
static const struct action users_actions[] = { USERS_ACTIONS(ACTION_ROW) };

enum { TAG_PAGE = 1, TAG_DISABLE, TAG_ENABLE, TAG_PASSWORD, TAG_FILTER_TIMER };
enum { DLG_DISABLE = 1, DLG_ENABLE, DLG_PASSWORD };

static const struct table_col users_cols[] = {
	{ N_("Login"), 6, 12, 5, TEXT_LEFT, false },
	{ N_("Name"), 10, 0, 6, TEXT_LEFT, false },
	{ N_("Roles"), 8, 24, 3, TEXT_LEFT, false },
	{ N_("E-mail"), 10, 30, 2, TEXT_LEFT, false },
	{ N_("State"), 8, 8, 4, TEXT_LEFT, false },
};

struct users_screen {
	struct screen base;
	struct table table;
	bool filtering;
	struct lineedit filter;
	char *query;		/* what the server filters by */
	/* A bulk action: ids being changed, answers still due. */
	size_t bulk_due, bulk_failed;
	char *bulk_error;
	bool reload_on_show;	/* a form was opened: show its result */
	int64_t password_id;
	char *password_login;
	char *password_key;
};

static void
users_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	const struct rv *roles = rv_get(item, "roles");
	char buf[256] = "";
	size_t i, len;

	row->id = rv_path_int(item, "id", 0);
	row->dim = rv_path_bool(item, "disabled", false);
	table_row_set(t, row, 0, rv_path_str(item, "login", ""));
	table_row_set(t, row, 1, rv_path_str(item, "name", ""));
	for (i = 0; roles != NULL && roles->type == RV_ARRAY && i < roles->a.n; i++) {
		if (roles->a.items[i]->type != RV_STR)
			continue;
		len = strlen(buf);
		xsnprintf(buf + len, sizeof buf - len, "%s%s", len > 0 ? ", " : "",
		    roles->a.items[i]->s.ptr);
	}
	table_row_set(t, row, 2, buf);
	table_row_set(t, row, 3, rv_path_str(item, "email", ""));
	table_row_set(t, row, 4, row->dim ? _("disabled") : _("active"));
}

static void
users_pump(struct users_screen *us)
{
	struct rv *params;
	const char *after;
	size_t page;

	while (table_need(&us->table, &page, &after)) {
		params = table_params(&us->table, after);
		if (us->query != NULL)
			rv_set_str(params, "query", us->query);
		table_sent(&us->table, page,
		    app_call(&us->base, TAG_PAGE, "user.list", params));
	}
}

static void
users_bulk(struct users_screen *us, bool disable)
{
	struct table_row *row = table_current(&us->table);
	struct rv *params;
	size_t i, n = us->table.nsel;

	us->bulk_due = 0;
	us->bulk_failed = 0;
	free(us->bulk_error);
	us->bulk_error = NULL;
	for (i = 0; i < (n > 0 ? n : 1); i++) {
		params = rv_map();
		if (n > 0)
			rv_set_int(params, "id", us->table.sel[i]);
		else if (row != NULL)
			rv_set_int(params, "id", row->id);
		else {
			rv_free(params);
			return;
		}
		rv_set_bool(params, "disabled", disable);
		app_call(&us->base, disable ? TAG_DISABLE : TAG_ENABLE, "user.disable",
		    params);
		us->bulk_due++;
	}
}

static void
users_ask_bulk(struct users_screen *us, bool disable)
{
	struct table_row *row = table_current(&us->table);
	char *q;

	if (us->table.nsel > 0)
		q = xasprintf(disable ? _("Disable the %zu selected users?") :
		    _("Enable the %zu selected users?"), us->table.nsel);
	else if (row != NULL)
		q = xasprintf(disable ? _("Disable %s? They can no longer log in.") :
		    _("Enable %s?"), row->cells[0]);
	else
		return;
	dialog_confirm(&us->base, disable ? DLG_DISABLE : DLG_ENABLE,
	    disable ? _("Disable") : _("Enable"), q);
	free(q);
}

static const char *
users_passwords_match(struct form *f)
{
	char *a = form_text(f, "password"), *b = form_text(f, "repeat");
	bool same = strcmp(a, b) == 0;

	free(a);
	free(b);
	return same ? NULL : _("The two passwords differ");
}

static void
users_ask_password(struct users_screen *us)
{
	struct table_row *row = table_current(&us->table);
	struct form *f;
	struct form_field *fld;
	char *title;

	if (row == NULL)
		return;
	us->password_id = row->id;
	free(us->password_login);
	us->password_login = xstrdup(row->cells[0]);
	free(us->password_key);
	us->password_key = app_request_key();
	f = form_new();
	fld = form_add(f, F_PASSWORD, "password", _("New password"));
	fld->required = true;
	fld->hint = xstrdup(_("8 characters or more"));
	fld = form_add(f, F_PASSWORD, "repeat", _("Repeat"));
	fld->required = true;
	f->check = users_passwords_match;
	title = xasprintf(_("New password for %s"), row->cells[0]);
	dialog_form(&us->base, DLG_PASSWORD, title, f);
	free(title);
}

static void
users_send_password(struct users_screen *us, struct form *f)
{
	struct rv *params = rv_map();
	char *pw = form_text(f, "password");

	rv_set_int(params, "id", us->password_id);
	rv_set_str(params, "password", pw);
	rv_set_str(params, "request_key", us->password_key);
	free(pw);
	app_call(&us->base, TAG_PASSWORD, "user.set_password", params);
}

static void
users_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct users_screen *us = (struct users_screen *)s;

	if (!ok)
		return;
	switch (tag) {
	case DLG_DISABLE:
		users_bulk(us, true);
		break;
	case DLG_ENABLE:
		users_bulk(us, false);
		break;
	case DLG_PASSWORD:
		users_send_password(us, form);
		break;
	}
}

static void
users_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct users_screen *us = (struct users_screen *)s;
	char *text;

	switch (tag) {
	case TAG_PAGE:
		if (error != NULL) {
			text = app_error_text(error);
			table_failed(&us->table, id, text);
			free(text);
		} else
			table_loaded(&us->table, id, result);
		break;
	case TAG_DISABLE:
	case TAG_ENABLE:
		if (error != NULL) {
			us->bulk_failed++;
			free(us->bulk_error);
			us->bulk_error = app_error_text(error);
		}
		if (us->bulk_due > 0 && --us->bulk_due == 0) {
			if (us->bulk_failed > 0)
				app_message(MSG_ERROR, _("%zu failed: %s"), us->bulk_failed,
				    us->bulk_error);
			else
				app_message(MSG_OK, "%s", tag == TAG_DISABLE ?
				    _("Disabled") : _("Enabled"));
			table_clear_selection(&us->table);
			table_reload(&us->table);
		}
		break;
	case TAG_PASSWORD:
		if (error != NULL) {
			text = app_error_text(error);
			app_message(MSG_ERROR, _("Password not changed: %s"), text);
			free(text);
		} else
			app_message(MSG_OK, _("New password set for %s"),
			    us->password_login);
		break;
	}
	users_pump(us);
}

static void
users_on_event(struct screen *s, const struct rv *ev)
{
	struct users_screen *us = (struct users_screen *)s;
	const char *topic = rv_path_str(ev, "topic", "");

	if (strcmp(topic, "user") == 0 || strcmp(topic, "resync") == 0) {
		table_reload(&us->table);
		users_pump(us);
	}
}

static void
users_apply_filter(struct users_screen *us)
{
	char *text = lineedit_text(&us->filter);

	free(us->query);
	us->query = *text != '\0' ? text : NULL;
	if (us->query == NULL)
		free(text);
	table_set_filter(&us->table, us->query, false);
	table_reset(&us->table);
	users_pump(us);
}

static void
users_on_timer(struct screen *s, int tag)
{
	if (tag == TAG_FILTER_TIMER)
		users_apply_filter((struct users_screen *)s);
}

static void
users_on_show(struct screen *s)
{
	struct users_screen *us = (struct users_screen *)s;

	/* Back from the form: show what was saved at once (the event may
	 * come a moment later). */
	if (!us->reload_on_show)
		return;
	us->reload_on_show = false;
	table_reload(&us->table);
	users_pump(us);
}

static bool
users_enabled(struct screen *s, int action)
{
	struct users_screen *us = (struct users_screen *)s;
	bool row = table_current(&us->table) != NULL;

	if (us->filtering)
		return action == UA_DONE || action == UA_CLEAR;
	switch (action) {
	case UA_DONE:
	case UA_CLEAR:
		return false;
	case UA_EDIT:
	case UA_PASSWORD:
	case UA_SELECT:
		return row;
	case UA_DISABLE:
	case UA_ENABLE:
		return row || us->table.nsel > 0;
	default:
		return true;
	}
}

static bool
users_filter_key(struct users_screen *us, int key)
{
	bool changed;

	if (key == K_ENTER || key == K_DOWN) {
		us->filtering = false;
		return true;
	}
	if (key == K_ESC) {
		us->filtering = false;
		lineedit_clear(&us->filter);
		app_timer_cancel(&us->base, TAG_FILTER_TIMER);
		users_apply_filter(us);
		return true;
	}
	if (lineedit_key(&us->filter, key, &changed)) {
		/* Ask the server once typing pauses, not at every key. */
		if (changed)
			app_timer(&us->base, TAG_FILTER_TIMER, FILTER_DELAY_MS);
		return true;
	}
	return key != K_F(1) && key != K_F(10);
}

static bool
users_key(struct screen *s, int key)
{
	struct users_screen *us = (struct users_screen *)s;
	const struct action *a;
	struct table_row *row;

	if (us->filtering)
		return users_filter_key(us, key);
	a = action_find(users_actions, sizeof users_actions / sizeof users_actions[0], key);
	if (a == NULL || !users_enabled(s, a->id))
		return false;
	row = table_current(&us->table);
	switch (a->id) {
	case UA_EDIT:
		us->reload_on_show = true;
		app_push(screen_user_form_new(row->item));
		break;
	case UA_NEW:
		us->reload_on_show = true;
		app_push(screen_user_form_new(NULL));
		break;
	case UA_FILTER:
		us->filtering = true;
		break;
	case UA_DISABLE:
		users_ask_bulk(us, true);
		break;
	case UA_ENABLE:
		users_ask_bulk(us, false);
		break;
	case UA_PASSWORD:
		users_ask_password(us);
		break;
	case UA_SELECT:
		table_toggle_select(&us->table);
		table_move(&us->table, 1);
		break;
	case UA_SORT:
		table_sort_next(&us->table);
		break;
	case UA_RELOAD:
		table_reload_fresh(&us->table);
		break;
	case UA_BACK:
		/* Esc undoes the last narrowing first: filter, selection, then
		 * leaves. */
		if (us->query != NULL) {
			lineedit_clear(&us->filter);
			users_apply_filter(us);
		} else if (us->table.nsel > 0)
			table_clear_selection(&us->table);
		else
			app_pop();
		return true;
	case UA_UP:
		table_move(&us->table, -1);
		break;
	case UA_DOWN:
		table_move(&us->table, 1);
		break;
	case UA_PGUP:
		table_move(&us->table, -us->table.height);
		break;
	case UA_PGDN:
		table_move(&us->table, us->table.height);
		break;
	case UA_HOME:
		table_home(&us->table);
		break;
	case UA_END:
		table_end(&us->table);
		break;
	}
	users_pump(us);
	return true;
}

static void
users_draw(struct screen *s, int y, int x, int h, int w)
{
	struct users_screen *us = (struct users_screen *)s;
	int col;

	if (us->filtering) {
		col = draw_str(y + h - 1, x, w, _("Filter: "), R_WARN);
		s->cursor_on = true;
		s->cursor_y = y + h - 1;
		s->cursor_x = lineedit_draw(&us->filter, y + h - 1, x + col, w - col,
		    R_FIELD_FOCUS, false);
		h--;
	}
	table_draw(&us->table, y, x, h, w, us->query != NULL ? _("No user matches") :
	    _("No users"));
	/* Drawing tells the table how many rows show: fetch ahead for them. */
	users_pump(us);
}

static void
users_destroy(struct screen *s)
{
	struct users_screen *us = (struct users_screen *)s;

	table_free(&us->table);
	lineedit_free(&us->filter);
	free(us->query);
	free(us->bulk_error);
	free(us->password_login);
	free(us->password_key);
	free(us);
}

static const struct screen_ops users_ops = {
	.name = "users",
	.actions = users_actions,
	.nactions = sizeof users_actions / sizeof users_actions[0],
	.draw = users_draw,
	.key = users_key,
	.enabled = users_enabled,
	.on_event = users_on_event,
	.on_reply = users_on_reply,
	.on_timer = users_on_timer,
	.on_dialog = users_on_dialog,
	.on_show = users_on_show,
	.destroy = users_destroy,
};

struct screen *
screen_users_new(void)
{
	struct users_screen *us = xcalloc(1, sizeof *us);

	screen_init(&us->base, &users_ops, _("Users"));
	table_init(&us->table, users_cols, sizeof users_cols / sizeof users_cols[0],
	    USERS_PAGE, USERS_WINDOW);
	table_set_fill(&us->table, users_fill, us);
	us->table.multi = true;
	lineedit_init(&us->filter, 100);
	/* The first page is asked for by app_push's first draw. */
	return &us->base;
}

/* The form: a new user when item is NULL, else an edit of it. */

#define UFORM_ACTIONS(X)						\
	X(FA_SAVE, K_F(2), 0, "F2", N_("Save"), N_("Save (also: Enter on [ Save ])")) \
	X(FA_NEXT, K_TAB, K_DOWN, "Tab", N_("Next"), N_("Next field (Shift-Tab or \u2191: previous)")) \
	X(FA_PICK, K_ENTER, 0, "Enter", N_("Choose"), N_("Open the list of choices; type to search")) \
	X(FA_TOGGLE, K_SPACE, 0, "Space", N_("Toggle"), N_("Tick or untick")) \
	X(FA_DONE, K_ENTER, 0, "Enter", N_("Done"), N_("In a list: take the choice")) \
	X(FA_CLOSE, K_ESC, 0, "Esc", N_("Close list"), N_("In a list: close it, keeping the old choice")) \
	X(FA_CANCEL, K_ESC, 0, "Esc", N_("Cancel"), N_("Leave the form (asks first if you typed something)"))
enum { UFORM_ACTIONS(ACTION_ENUM) };
static const struct action uform_actions[] = { UFORM_ACTIONS(ACTION_ROW) };

enum { TAG_SAVE = 1, TAG_SAVE_DISABLE, TAG_SERVICES, TAG_SITES, TAG_RELOAD };
enum { DLG_DISCARD = 1, DLG_CONFLICT };

struct uform_screen {
	struct screen base;
	struct form *form;
	int64_t id;		/* 0 for a new user */
	int64_t version;
	bool was_disabled;
	bool saving;
	uint32_t save_call;
	char *request_key;	/* kept until the save is answered, for safe retries */
	uint32_t sites_call;	/* the latest site search */
};

static const char *
uform_check_login(const char *text)
{
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t')
			return _("No spaces in a login");
	}
	return NULL;
}

static const char *
uform_check_email(const char *text)
{
	const char *at = strchr(text, '@');

	if (at == NULL || at == text || strchr(at, '.') == NULL || strchr(text, ' ') != NULL)
		return _("An address such as name@example.org");
	return NULL;
}

static void
uform_fill(struct uform_screen *fs, const struct rv *user)
{
	fs->id = rv_path_int(user, "id", 0);
	fs->version = rv_path_int(user, "version", 0);
	fs->was_disabled = rv_path_bool(user, "disabled", false);
	form_set_text(fs->form, "login", rv_path_str(user, "login", ""));
	form_set_text(fs->form, "name", rv_path_str(user, "name", ""));
	form_set_text(fs->form, "email", rv_path_str(user, "email", ""));
	form_set_keys(fs->form, "roles", rv_get(user, "roles"));
	form_set_ids(fs->form, "services", rv_get(user, "services"));
	form_set_ids(fs->form, "sites", rv_get(user, "sites"));
	form_set_bool(fs->form, "disabled", fs->was_disabled);
	form_mark_clean(fs->form);
}

static void
uform_fetch_options(struct uform_screen *fs, const char *site_query)
{
	struct rv *params = rv_map();

	if (site_query == NULL)
		app_call(&fs->base, TAG_SERVICES, "service.list", NULL);
	if (site_query != NULL && *site_query != '\0')
		rv_set_str(params, "query", site_query);
	fs->sites_call = app_call(&fs->base, TAG_SITES, "site.list", params);
}

static void
uform_save(struct uform_screen *fs)
{
	struct rv *params;

	if (fs->saving)
		return;
	if (!form_ready(fs->form))
		return;
	params = rv_map();
	form_to_params(fs->form, params);
	/* disabled is its own call (user.disable), after the update. */
	if (fs->id != 0) {
		rv_unset(params, "disabled");
		rv_set_int(params, "id", fs->id);
		rv_set_int(params, "version", fs->version);
	}
	fs->saving = true;
	fs->save_call = form_save_call(&fs->base, &fs->request_key, TAG_SAVE,
	    fs->id != 0 ? "user.update" : "user.create", params);
}

static void
uform_saved(struct uform_screen *fs, const char *login)
{
	free(fs->request_key);
	fs->request_key = NULL;
	form_mark_clean(fs->form);
	app_message(MSG_OK, fs->id != 0 ? _("User %s saved") : _("User %s created"), login);
	app_pop_screen(&fs->base);
}

static void
uform_failed(struct uform_screen *fs, const struct rv *error)
{
	const char *field = app_error_field(error);

	/* A conflict on no field of the form: someone saved this user
	 * meanwhile. Everything else shows as any form's failed save. */
	if (strcmp(app_error_code(error), "conflict") == 0 && fs->id != 0 &&
	    (field == NULL || form_get(fs->form, field) == NULL)) {
		free(fs->request_key);
		fs->request_key = NULL;
		dialog_confirm(&fs->base, DLG_CONFLICT, _("Changed meanwhile"),
		    _("Someone else changed this user since you opened it. Load their "
		    "version? (What you typed here is lost.)"));
		return;
	}
	form_save_failed(fs->form, &fs->request_key, error, _("The link dropped before the answer. "
	    "Press F2 to send again: it will not be done twice."));
}

static void
uform_options(struct uform_screen *fs, const char *field, const struct rv *result)
{
	struct form_field *fld = form_get(fs->form, field);
	const struct rv *items = rv_get(result, "items"), *it;
	const char *code, *name;
	char *label;
	size_t i;

	if (fld == NULL || items == NULL || items->type != RV_ARRAY)
		return;
	for (i = 0; i < items->a.n; i++) {
		it = items->a.items[i];
		code = rv_path_str(it, "code", "");
		name = rv_path_str(it, "name", "");
		label = *code != '\0' ? xasprintf("%s \u2014 %s", code, name) : xstrdup(name);
		form_option_merge(fld, rv_path_int(it, "id", 0), label);
		free(label);
	}
	form_picker_refilter(fs->form);
}

static void
uform_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct uform_screen *fs = (struct uform_screen *)s;
	struct rv *params;
	char *text;

	switch (tag) {
	case TAG_SAVE:
		if (!fs->saving || id != fs->save_call)
			return;
		if (error != NULL) {
			fs->saving = false;
			uform_failed(fs, error);
			return;
		}
		if (fs->id != 0 && form_get(fs->form, "disabled")->checked != fs->was_disabled) {
			params = rv_map();
			rv_set_int(params, "id", fs->id);
			rv_set_bool(params, "disabled", form_get(fs->form, "disabled")->checked);
			fs->save_call = app_call(s, TAG_SAVE_DISABLE, "user.disable", params);
			fs->version = rv_path_int(result, "version", fs->version);
			return;
		}
		fs->saving = false;
		uform_saved(fs, rv_path_str(result, "login", ""));
		break;
	case TAG_SAVE_DISABLE:
		fs->saving = false;
		if (error != NULL) {
			/* The rest was saved: what remains is the switch. */
			fs->was_disabled = !form_get(fs->form, "disabled")->checked;
			text = app_error_text(error);
			form_set_error(fs->form, "disabled", text);
			free(text);
			return;
		}
		uform_saved(fs, rv_path_str(result, "login", ""));
		break;
	case TAG_SERVICES:
		if (error == NULL)
			uform_options(fs, "services", result);
		break;
	case TAG_SITES:
		if (error == NULL && id == fs->sites_call)
			uform_options(fs, "sites", result);
		break;
	case TAG_RELOAD:
		if (error == NULL)
			uform_fill(fs, result);
		else {
			text = app_error_text(error);
			form_set_form_error(fs->form, text);
			free(text);
		}
		break;
	}
}

static void
uform_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct uform_screen *fs = (struct uform_screen *)s;
	struct rv *params;

	if (!ok)
		return;
	if (tag == DLG_DISCARD)
		app_pop_screen(s);
	else if (tag == DLG_CONFLICT) {
		params = rv_map();
		rv_set_int(params, "id", fs->id);
		app_call(s, TAG_RELOAD, "user.get", params);
	}
}

static void
uform_on_event(struct screen *s, const struct rv *ev)
{
	struct uform_screen *fs = (struct uform_screen *)s;

	/* After a reconnection the lists of services and sites may be old. */
	if (strcmp(rv_path_str(ev, "topic", ""), "resync") == 0)
		uform_fetch_options(fs, NULL);
}

static bool
uform_key(struct screen *s, int key)
{
	struct uform_screen *fs = (struct uform_screen *)s;
	struct form_field *fld;
	char *query;

	if (fs->saving && key != K_F(1) && key != K_F(10))
		return true;	/* the answer is due: hold the keys */
	switch (form_key(fs->form, key)) {
	case FORM_SUBMIT:
		uform_save(fs);
		break;
	case FORM_CANCEL:
		if (form_dirty(fs->form))
			dialog_confirm(s, DLG_DISCARD, _("Leave the form"),
			    _("What you typed is not saved. Leave anyway?"));
		else {
			app_pop_screen(s);
			return true;	/* fs is gone */
		}
		break;
	case FORM_NONE:
		break;
	case FORM_UNUSED:
		return false;
	}
	if (form_picker_fetch(fs->form, &fld, &query)) {
		if (strcmp(fld->name, "sites") == 0)
			uform_fetch_options(fs, query);
		free(query);
	}
	return true;
}

static bool
uform_enabled(struct screen *s, int action)
{
	struct uform_screen *fs = (struct uform_screen *)s;
	struct form_field *fld = fs->form->picker.open ? NULL : form_focused(fs->form);
	bool picker = fs->form->picker.open;

	switch (action) {
	case FA_PICK:
		return fld != NULL && fld->type >= F_CHOICE && fld->type <= F_REFS;
	case FA_TOGGLE:
		if (picker) {
			fld = fs->form->fields[fs->form->picker.field];
			return fld->type == F_MULTI || fld->type == F_REFS;
		}
		return fld != NULL && fld->type == F_BOOL;
	case FA_DONE:
	case FA_CLOSE:
		return picker;
	case FA_SAVE:
	case FA_NEXT:
	case FA_CANCEL:
		return !picker;
	}
	return true;
}

static void
uform_draw(struct screen *s, int y, int x, int h, int w)
{
	struct uform_screen *fs = (struct uform_screen *)s;

	form_draw_screen(fs->form, s, fs->saving, y, x, h, w);
}

static bool
uform_dirty(struct screen *s)
{
	return form_dirty(((struct uform_screen *)s)->form);
}

static void
uform_destroy(struct screen *s)
{
	struct uform_screen *fs = (struct uform_screen *)s;

	form_free(fs->form);
	free(fs->request_key);
	free(fs);
}

static const struct screen_ops uform_ops = {
	.name = "user",
	.actions = uform_actions,
	.nactions = sizeof uform_actions / sizeof uform_actions[0],
	.draw = uform_draw,
	.key = uform_key,
	.enabled = uform_enabled,
	.on_event = uform_on_event,
	.on_reply = uform_on_reply,
	.on_dialog = uform_on_dialog,
	.dirty = uform_dirty,
	.destroy = uform_destroy,
};

struct screen *
screen_user_form_new(const struct rv *user)
{
	struct uform_screen *fs = xcalloc(1, sizeof *fs);
	struct form_field *fld;
	char *title;
	size_t r;

	if (user != NULL)
		title = xasprintf(_("Edit %s"), rv_path_str(user, "login", ""));
	else
		title = xstrdup(_("New user"));
	screen_init(&fs->base, &uform_ops, title);
	free(title);
	fs->form = form_new();

	fld = form_add(fs->form, F_TEXT, "login", _("Login"));
	fld->required = true;
	fld->maxlen = 64;
	fld->check = uform_check_login;
	fld->readonly = user != NULL;
	fld = form_add(fs->form, F_TEXT, "name", _("Name"));
	fld->required = true;
	fld->maxlen = 200;
	fld = form_add(fs->form, F_TEXT, "email", _("E-mail"));
	fld->maxlen = 254;
	fld->check = uform_check_email;
	fld->send_empty = user != NULL;
	fld = form_add(fs->form, F_MULTI, "roles", _("Roles"));
	fld->required = true;
	for (r = 0; r < ROLE_COUNT; r++)
		form_option_add(fld, (int64_t)r, role_names[r], role_names[r]);
	fld = form_add(fs->form, F_REFS, "services", _("Services"));
	fld->hint = xstrdup(_("for supervisors, agents"));
	fld = form_add(fs->form, F_REFS, "sites", _("Sites"));
	fld->search_server = true;
	fld->hint = xstrdup(_("for referents"));
	if (user == NULL) {
		fld = form_add(fs->form, F_PASSWORD, "password", _("Password"));
		fld->required = true;
		fld->hint = xstrdup(_("8 characters or more"));
	} else
		form_add(fs->form, F_BOOL, "disabled", _("Disabled"));

	if (user != NULL)
		uform_fill(fs, user);
	else
		form_mark_clean(fs->form);
	uform_fetch_options(fs, NULL);
	form_focused(fs->form);
	return &fs->base;
}
