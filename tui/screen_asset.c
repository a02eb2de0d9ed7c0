/* One asset: tabs for its information, its type's attributes, its
 * children, its condition history and its documents; the condition
 * dialog, move (a new parent picked by search), dispose, and single keys
 * to its parent and children. */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "table.h"
#include "tui.h"
#include "xmalloc.h"

#define CHILDREN_PAGE 100
#define HISTORY_PAGE 50

#define ASSET_ACTIONS(X)						\
	X(AD_NEXT_TAB, K_TAB, K_RIGHT, "Tab \u2192", N_("Next tab"), N_("Next tab")) \
	X(AD_PREV_TAB, K_BTAB, K_LEFT, "\u2190", NULL, N_("Previous tab (also Shift-Tab)")) \
	X(AD_TAB1, '1', 0, "1", NULL, N_("Tab: information"))		\
	X(AD_TAB2, '2', 0, "2", NULL, N_("Tab: the type's attributes"))	\
	X(AD_TAB3, '3', 0, "3", NULL, N_("Tab: children"))		\
	X(AD_TAB4, '4', 0, "4", NULL, N_("Tab: condition history"))	\
	X(AD_TAB5, '5', 0, "5", NULL, N_("Tab: documents"))		\
	X(AD_OPEN, K_ENTER, 0, "Enter", N_("Open"), N_("Children tab: open the child under the cursor")) \
	X(AD_CONDITION, 'c', 0, "c", N_("Condition"), N_("Record a condition score (1 to 5) with a note")) \
	X(AD_EDIT, 'e', 0, "e", N_("Edit"), N_("Edit the asset and its attributes")) \
	X(AD_PARENT, 'p', 0, "p", N_("Parent"), N_("Open the parent")) \
	X(AD_CHILDREN, 'C', 0, "C", N_("Children"), N_("Show the children")) \
	X(AD_NEW, 'n', 0, "n", N_("New inside"), N_("Create an asset inside this one")) \
	X(AD_MOVE, 'm', 0, "m", N_("Move"), N_("Put it (and what is inside) under another parent")) \
	X(AD_DISPOSE, 'd', 0, "d", N_("Dispose"), N_("Dispose of it, after a question")) \
	X(AD_DOC_ADD, 'a', 0, "a", N_("Add"), N_("Documents tab: add a document (a title and a path or URL)")) \
	X(AD_DOC_DEL, 'x', K_DEL, "x Del", N_("Remove"), N_("Documents tab: remove the document under the cursor")) \
	X(AD_RELOAD, 'r', K_F(5), "r", NULL, N_("Fetch again"))	\
	X(AD_BACK, K_ESC, 'q', "Esc q", N_("Back"), N_("Back"))		\
	X(AD_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous row, or scroll")) \
	X(AD_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next row, or scroll")) \
	X(AD_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(AD_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))
enum { ASSET_ACTIONS(ACTION_ENUM) };
static const struct action asset_actions[] = { ASSET_ACTIONS(ACTION_ROW) };

enum { TAG_GET = 1, TAG_TYPE, TAG_CHILDREN, TAG_HISTORY, TAG_CONDITION, TAG_MOVE,
    TAG_DISPOSE, TAG_DOC_ADD, TAG_DOC_DEL, TAG_PROBE };
enum { DLG_CONDITION = 1, DLG_MOVE_PICK, DLG_MOVE, DLG_DISPOSE, DLG_DISPOSE_ALL,
    DLG_DOC_ADD, DLG_DOC_DEL };
enum { TIMER_RELOAD = 1 };
/* Events come in bursts (a disposal with its children): one reload for
 * the burst. */
#define EVENT_DELAY_MS 150
/* Asset events name one asset, not its parent: an asset created or
 * moved somewhere is looked up to learn whether it landed here. Past
 * this many lookups in flight (a bulk change), the children are simply
 * fetched again. */
#define PROBES_MAX 8

static const char *const tab_names[TAB_COUNT] = {
	N_("Info"), N_("Attributes"), N_("Children"), N_("History"), N_("Documents"),
};

static const struct table_col children_cols[] = {
	{ N_("Code"), 10, 12, 6, TEXT_LEFT, false },
	{ N_("Name"), 20, 0, 7, TEXT_LEFT, false },
	{ N_("Type"), 8, 18, 4, TEXT_LEFT, false },
	{ N_("Cond."), 5, 5, 5, TEXT_RIGHT, true },
	{ N_("Status"), 10, 14, 3, TEXT_LEFT, false },
};

static const struct table_col history_cols[] = {
	{ N_("Observed"), 10, 10, 6, TEXT_LEFT, false },
	{ N_("Score"), 5, 5, 7, TEXT_RIGHT, true },
	{ N_("Note"), 12, 0, 5, TEXT_LEFT, false },
	{ N_("By"), 6, 20, 3, TEXT_LEFT, false },
};

static const struct table_col docs_cols[] = {
	{ N_("Title"), 12, 30, 6, TEXT_LEFT, false },
	{ N_("Path or URL"), 12, 0, 5, TEXT_LEFT, false },
	{ N_("Added"), 10, 10, 2, TEXT_LEFT, false },
};

struct asset_screen {
	struct screen base;
	int64_t id;
	enum asset_tab tab;
	struct rv *asset;	/* asset.get's answer */
	struct rv *type;	/* asset_type.get's, for the attributes' labels */
	char *error;
	struct table children, history, docs;
	int info_top, info_height;
	int64_t move_to;	/* the parent chosen (0: none) */
	char *dispose_note;
	bool reload_self;	/* an event named this asset: fetch it too */
	bool reload_children;	/* an event concerned one of its children */
	int nprobes;		/* asset.get in flight for events elsewhere */
	char *request_key;	/* of the change being sent */
	int64_t doc_id;
	bool reload_on_show;
};

static const struct screen_ops asset_ops;

static void
children_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	const struct rv *cond = rv_get(item, "condition");
	char buf[16] = "";

	row->id = rv_path_int(item, "id", 0);
	row->dim = strcmp(rv_path_str(item, "status", ""), "in_service") != 0;
	table_row_set(t, row, 0, rv_path_str(item, "code", ""));
	table_row_set(t, row, 1, rv_path_str(item, "name", ""));
	table_row_set(t, row, 2, _(rv_path_str(item, "type_name", "")));
	if (cond != NULL && cond->type == RV_INT)
		xsnprintf(buf, sizeof buf, "%lld", (long long)cond->i);
	table_row_set(t, row, 3, buf);
	table_row_set(t, row, 4, asset_status_text(rv_path_str(item, "status", "")));
}

static void
history_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	char buf[64];

	row->id = rv_path_int(item, "id", 0);
	table_row_set(t, row, 0, asset_date_text(rv_path_str(item, "observed", ""), buf,
	    sizeof buf));
	xsnprintf(buf, sizeof buf, "%lld", (long long)rv_path_int(item, "score", 0));
	table_row_set(t, row, 1, buf);
	table_row_set(t, row, 2, rv_path_str(item, "note", ""));
	table_row_set(t, row, 3, rv_path_str(item, "user_name",
	    rv_path_str(item, "user_login", "")));
}

static void
docs_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	char buf[64];

	row->id = rv_path_int(item, "id", 0);
	table_row_set(t, row, 0, rv_path_str(item, "title", ""));
	table_row_set(t, row, 1, rv_path_str(item, "ref", ""));
	table_row_set(t, row, 2, time_format(rv_path_str(item, "created", ""), false, buf,
	    sizeof buf));
	/* Only the date: the clock would crowd the column. */
	if (strchr(row->cells[2], ' ') != NULL)
		*strchr(row->cells[2], ' ') = '\0';
}

static void
asset_pump(struct asset_screen *as)
{
	struct rv *params;
	const char *after;
	size_t page;

	while (table_need(&as->children, &page, &after)) {
		params = table_params(&as->children, after);
		rv_set_int(params, "id", as->id);
		table_sent(&as->children, page,
		    app_call(&as->base, TAG_CHILDREN, "asset.children", params));
	}
	while (table_need(&as->history, &page, &after)) {
		params = table_params(&as->history, after);
		rv_set_int(params, "id", as->id);
		table_sent(&as->history, page,
		    app_call(&as->base, TAG_HISTORY, "asset.conditions", params));
	}
}

static void
asset_fetch(struct asset_screen *as)
{
	struct rv *params = rv_map();

	rv_set_int(params, "id", as->id);
	app_call(&as->base, TAG_GET, "asset.get", params);
}

/* fresh: the user asked (F5), the lists past the server's page cache. */
static void
asset_reload(struct asset_screen *as, bool fresh)
{
	asset_fetch(as);
	(fresh ? table_reload_fresh : table_reload)(&as->children);
	(fresh ? table_reload_fresh : table_reload)(&as->history);
	asset_pump(as);
}

/* Documents come whole with the asset: the table shows them as one page. */
static void
asset_docs_load(struct asset_screen *as)
{
	struct rv *page = rv_map();
	const struct rv *docs = rv_get(as->asset, "documents");
	int64_t keep = table_current(&as->docs) != NULL ? table_current(&as->docs)->id : 0;

	rv_set(page, "items", docs != NULL ? rv_copy(docs) : rv_array());
	table_reset(&as->docs);
	table_sent(&as->docs, 0, 1);
	table_loaded(&as->docs, 1, page);
	if (keep != 0)
		table_select_id(&as->docs, keep);
	rv_free(page);
}

static void
asset_set(struct asset_screen *as, const struct rv *asset)
{
	struct rv *params;
	char *title;
	bool new_type = as->type == NULL ||
	    rv_path_int(as->type, "id", 0) != rv_path_int(asset, "type_id", 0);

	rv_free(as->asset);
	as->asset = rv_copy(asset);
	free(as->error);
	as->error = NULL;
	title = asset_label(asset);
	screen_set_title(&as->base, title);
	free(title);
	asset_docs_load(as);
	if (new_type) {
		params = rv_map();
		rv_set_int(params, "id", rv_path_int(asset, "type_id", 0));
		app_call(&as->base, TAG_TYPE, "asset_type.get", params);
	}
}

static bool
asset_can_edit(struct asset_screen *as)
{
	return as->asset != NULL && app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT) &&
	    strcmp(rv_path_str(as->asset, "status", ""), "disposed") != 0;
}

/* Dialogs. */

static void
asset_ask_condition(struct asset_screen *as)
{
	static const char *const scores[] = { N_("1 \u2014 very bad"), N_("2 \u2014 bad"),
	    N_("3 \u2014 fair"), N_("4 \u2014 good"), N_("5 \u2014 as new") };
	struct form *f = form_new();
	struct form_field *fld;
	const struct rv *cond = rv_get(as->asset, "condition");
	int64_t i;

	fld = form_add(f, F_CHOICE, "score", _("Score"));
	fld->required = true;
	for (i = 1; i <= 5; i++) {
		char key[2] = { (char)('0' + i), '\0' };

		form_option_add(fld, i, key, _(scores[i - 1]));
	}
	if (cond != NULL && cond->type == RV_INT)
		form_set_ids(f, "score", cond);
	fld = form_add(f, F_TEXT, "note", _("Note"));
	fld->maxlen = 500;
	fld = form_add(f, F_DATE, "observed", _("Observed"));
	free(fld->hint);
	fld->hint = xstrdup(_("empty: today"));
	dialog_form(&as->base, DLG_CONDITION, _("Condition"), f);
}

static void
asset_send_condition(struct asset_screen *as, struct form *f)
{
	struct rv *params = rv_map(), *values = rv_map();
	struct form_field *fld = form_get(f, "score");
	const struct rv *v;

	form_to_params(f, values);
	rv_set_int(params, "id", as->id);
	rv_set_int(params, "score", fld->nids > 0 ? fld->ids[0] : 0);
	if ((v = rv_get(values, "note")) != NULL)
		rv_set(params, "note", rv_copy(v));
	if ((v = rv_get(values, "observed")) != NULL)
		rv_set(params, "observed", rv_copy(v));
	rv_free(values);
	free(as->request_key);
	as->request_key = app_request_key();
	rv_set_str(params, "request_key", as->request_key);
	app_call(&as->base, TAG_CONDITION, "asset.set_condition", params);
}

static void
asset_ask_move(struct asset_screen *as)
{
	char *title = xasprintf(_("Move %s under\u2026"), rv_path_str(as->asset, "code", ""));

	asset_pick(&as->base, DLG_MOVE_PICK, title, as->id, true);
	free(title);
}

static void
asset_ask_dispose(struct asset_screen *as)
{
	struct form *f = form_new();
	struct form_field *fld;
	char *title;

	fld = form_add(f, F_TEXT, "note", _("Why"));
	fld->maxlen = 500;
	form_add(f, F_BOOL, "with_children", _("With what is inside"));
	title = xasprintf(_("Dispose of %s?"), rv_path_str(as->asset, "code", ""));
	dialog_form(&as->base, DLG_DISPOSE, title, f);
	free(title);
}

static void
asset_ask_doc(struct asset_screen *as)
{
	struct form *f = form_new();
	struct form_field *fld;

	fld = form_add(f, F_TEXT, "title", _("Title"));
	fld->required = true;
	fld->maxlen = 200;
	fld = form_add(f, F_TEXT, "ref", _("Path or URL"));
	fld->required = true;
	fld->maxlen = 1000;
	dialog_form(&as->base, DLG_DOC_ADD, _("Add a document"), f);
}

static struct rv *
asset_change_params(struct asset_screen *as, bool version)
{
	struct rv *params = rv_map();

	rv_set_int(params, "id", as->id);
	if (version)
		rv_set_int(params, "version", rv_path_int(as->asset, "version", 0));
	free(as->request_key);
	as->request_key = app_request_key();
	rv_set_str(params, "request_key", as->request_key);
	return params;
}

static void
asset_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct asset_screen *as = (struct asset_screen *)s;
	struct form_field *fld;
	struct rv *params, *values;
	struct table_row *row;
	char *text;

	if (!ok || as->asset == NULL)
		return;
	switch (tag) {
	case DLG_MOVE_PICK:
		fld = form_get(form, "id");
		as->move_to = fld->nids > 0 ? fld->ids[0] : 0;
		if (as->move_to != 0)
			text = xasprintf(_("Move %s and what is inside it under %s?"),
			    rv_path_str(as->asset, "code", ""),
			    form_option_find(fld, as->move_to)->label);
		else
			text = xasprintf(_("Move %s and what is inside it to the top, under "
			    "no other asset?"), rv_path_str(as->asset, "code", ""));
		dialog_confirm(s, DLG_MOVE, _("Move"), text);
		free(text);
		break;
	case DLG_CONDITION:
		asset_send_condition(as, form);
		break;
	case DLG_MOVE:
		params = asset_change_params(as, true);
		if (as->move_to != 0)
			rv_set_int(params, "parent_id", as->move_to);
		app_call(s, TAG_MOVE, "asset.move", params);
		break;
	case DLG_DISPOSE:
	case DLG_DISPOSE_ALL:
		params = asset_change_params(as, true);
		if (tag == DLG_DISPOSE) {
			values = rv_map();
			form_to_params(form, values);
			free(as->dispose_note);
			as->dispose_note = form_text(form, "note");
			rv_set_bool(params, "with_children",
			    rv_path_bool(values, "with_children", false));
			rv_free(values);
		} else
			rv_set_bool(params, "with_children", true);
		if (as->dispose_note != NULL && *as->dispose_note != '\0')
			rv_set_str(params, "note", as->dispose_note);
		app_call(s, TAG_DISPOSE, "asset.dispose", params);
		break;
	case DLG_DOC_ADD:
		params = asset_change_params(as, false);
		form_to_params(form, params);
		app_call(s, TAG_DOC_ADD, "asset.add_document", params);
		break;
	case DLG_DOC_DEL:
		row = table_current(&as->docs);
		if (row == NULL || row->id != as->doc_id)
			break;
		params = asset_change_params(as, false);
		rv_set_int(params, "document_id", as->doc_id);
		app_call(s, TAG_DOC_DEL, "asset.remove_document", params);
		break;
	}
}

/* Is id one of the children listed (in the pages loaded)? */
static bool
asset_lists_child(const struct asset_screen *as, int64_t id)
{
	const struct table *t = &as->children;
	size_t p, r;

	for (p = 0; p < t->npages; p++) {
		for (r = 0; r < t->pages[p].n; r++) {
			if (t->pages[p].rows[r]->id == id)
				return true;
		}
	}
	return false;
}

/* Does an asset under parent_id change what the Children tab shows (a
 * child, or a child's "has children")? */
static bool
asset_parent_shown(const struct asset_screen *as, int64_t parent_id)
{
	return parent_id == as->id || (parent_id != 0 && asset_lists_child(as, parent_id));
}

static void
asset_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct asset_screen *as = (struct asset_screen *)s;
	char *text = error != NULL ? app_error_text(error) : NULL;

	switch (tag) {
	case TAG_GET:
		if (error != NULL) {
			free(as->error);
			as->error = text;
			text = NULL;
		} else
			asset_set(as, result);
		break;
	case TAG_PROBE:
		/* not_found: created or moved where the user does not see. */
		as->nprobes--;
		if (error == NULL && asset_parent_shown(as, rv_path_int(result, "parent_id", 0))) {
			as->reload_children = true;
			app_timer(s, TIMER_RELOAD, EVENT_DELAY_MS);
		}
		break;
	case TAG_TYPE:
		if (error == NULL) {
			rv_free(as->type);
			as->type = rv_copy(result);
		}
		break;
	case TAG_CHILDREN:
	case TAG_HISTORY:
		if (error != NULL)
			table_failed(tag == TAG_CHILDREN ? &as->children : &as->history, id, text);
		else
			table_loaded(tag == TAG_CHILDREN ? &as->children : &as->history, id,
			    result);
		break;
	case TAG_CONDITION:
	case TAG_MOVE:
	case TAG_DISPOSE:
	case TAG_DOC_ADD:
	case TAG_DOC_DEL:
		free(as->request_key);
		as->request_key = NULL;
		if (error != NULL && tag == TAG_DISPOSE &&
		    strcmp(app_error_code(error), "conflict") == 0) {
			/* Assets still in service inside: offer to take them along. */
			char *q = xasprintf(_("%s\n\nDispose of them too?"),
			    rv_path_str(error, "message", ""));

			dialog_confirm(s, DLG_DISPOSE_ALL, _("Dispose"), q);
			free(q);
			break;
		}
		if (error != NULL) {
			app_message(MSG_ERROR, "%s", text);
			break;
		}
		asset_set(as, result);
		if (tag == TAG_CONDITION) {
			app_message(MSG_OK, _("Condition %lld recorded"),
			    (long long)rv_path_int(result, "condition", 0));
			table_reload(&as->history);
		} else if (tag == TAG_MOVE)
			app_message(MSG_OK, "%s", _("Moved"));
		else if (tag == TAG_DISPOSE) {
			app_message(MSG_OK, "%s", _("Disposed"));
			table_reload(&as->children);
		} else
			app_message(MSG_OK, "%s", tag == TAG_DOC_ADD ? _("Document added") :
			    _("Document removed"));
		break;
	}
	free(text);
	asset_pump(as);
}

/* Only events about this asset or its children reload anything: the
 * city's other changes pass by. */
static void
asset_on_event(struct screen *s, const struct rv *ev)
{
	struct asset_screen *as = (struct asset_screen *)s;
	const char *topic = rv_path_str(ev, "topic", ""), *op = rv_path_str(ev, "op", "");
	int64_t id = rv_path_int(ev, "id", 0);
	struct rv *params;

	if (strcmp(topic, "resync") == 0 || (strcmp(topic, "asset") == 0 && id == as->id))
		as->reload_self = true;
	else if (strcmp(topic, "asset") != 0)
		return;
	else if (asset_lists_child(as, id))
		as->reload_children = true;
	else if (strcmp(op, "create") != 0 && strcmp(op, "move") != 0)
		return;
	else if (as->nprobes >= PROBES_MAX)
		as->reload_children = true;
	else {
		params = rv_map();
		rv_set_int(params, "id", id);
		app_call(s, TAG_PROBE, "asset.get", params);
		as->nprobes++;
		return;
	}
	app_timer(s, TIMER_RELOAD, EVENT_DELAY_MS);
}

static void
asset_on_timer(struct screen *s, int tag)
{
	struct asset_screen *as = (struct asset_screen *)s;

	if (tag != TIMER_RELOAD)
		return;
	if (as->reload_self)
		asset_reload(as, false);
	else if (as->reload_children) {
		table_reload(&as->children);
		asset_pump(as);
	}
	as->reload_self = as->reload_children = false;
}

static void
asset_on_show(struct screen *s)
{
	struct asset_screen *as = (struct asset_screen *)s;

	if (as->reload_on_show) {
		as->reload_on_show = false;
		asset_reload(as, false);
	}
}

static struct table *
asset_tab_table(struct asset_screen *as)
{
	switch (as->tab) {
	case TAB_CHILDREN:
		return &as->children;
	case TAB_HISTORY:
		return &as->history;
	case TAB_DOCS:
		return &as->docs;
	default:
		return NULL;
	}
}

static bool
asset_enabled(struct screen *s, int action)
{
	struct asset_screen *as = (struct asset_screen *)s;

	switch (action) {
	case AD_OPEN:
		return as->tab == TAB_CHILDREN && table_current(&as->children) != NULL;
	case AD_CONDITION:
	case AD_EDIT:
	case AD_MOVE:
	case AD_DISPOSE:
		return asset_can_edit(as);
	case AD_NEW:
		return asset_can_edit(as) && rv_path_int(as->asset, "type_id", 0) != 0;
	case AD_PARENT:
		return rv_path_int(as->asset, "parent_id", 0) != 0;
	case AD_CHILDREN:
		return as->tab != TAB_CHILDREN && as->asset != NULL;
	case AD_DOC_ADD:
		return as->tab == TAB_DOCS && asset_can_edit(as);
	case AD_DOC_DEL:
		return as->tab == TAB_DOCS && asset_can_edit(as) &&
		    table_current(&as->docs) != NULL;
	default:
		return true;
	}
}

static void
asset_move_cursor(struct asset_screen *as, long delta)
{
	struct table *t = asset_tab_table(as);

	if (t != NULL)
		table_move(t, delta);
	else {
		as->info_top += (int)delta;
		if (as->info_top < 0)
			as->info_top = 0;
	}
}

static bool
asset_key(struct screen *s, int key)
{
	struct asset_screen *as = (struct asset_screen *)s;
	const struct action *a;
	struct table_row *row;
	int page = as->info_height > 1 ? as->info_height : 10;
	char *q;

	a = action_find(asset_actions, sizeof asset_actions / sizeof asset_actions[0], key);
	if (a == NULL || !asset_enabled(s, a->id))
		return false;
	switch (a->id) {
	case AD_NEXT_TAB:
		as->tab = (as->tab + 1) % TAB_COUNT;
		break;
	case AD_PREV_TAB:
		as->tab = (as->tab + TAB_COUNT - 1) % TAB_COUNT;
		break;
	case AD_TAB1:
	case AD_TAB2:
	case AD_TAB3:
	case AD_TAB4:
	case AD_TAB5:
		as->tab = (enum asset_tab)(a->id - AD_TAB1);
		break;
	case AD_OPEN:
		row = table_current(&as->children);
		app_push(screen_asset_new(row->id, TAB_INFO));
		break;
	case AD_CONDITION:
		asset_ask_condition(as);
		break;
	case AD_EDIT:
		as->reload_on_show = true;
		app_push(screen_asset_form_new(as->asset, 0, NULL));
		break;
	case AD_PARENT:
		/* Come from the parent: back to it, rather than a second copy. */
		if (s->below != NULL && s->below->ops == &asset_ops &&
		    ((struct asset_screen *)s->below)->id == rv_path_int(as->asset, "parent_id", 0)) {
			((struct asset_screen *)s->below)->tab = TAB_CHILDREN;
			app_pop();
			return true;
		}
		app_push(screen_asset_new(rv_path_int(as->asset, "parent_id", 0), TAB_CHILDREN));
		break;
	case AD_CHILDREN:
		as->tab = TAB_CHILDREN;
		break;
	case AD_NEW:
		as->reload_on_show = true;
		q = asset_label(as->asset);
		app_push(screen_asset_form_new(NULL, as->id, q));
		free(q);
		break;
	case AD_MOVE:
		asset_ask_move(as);
		break;
	case AD_DISPOSE:
		asset_ask_dispose(as);
		break;
	case AD_DOC_ADD:
		asset_ask_doc(as);
		break;
	case AD_DOC_DEL:
		row = table_current(&as->docs);
		as->doc_id = row->id;
		q = xasprintf(_("Remove the document \u201c%s\u201d?"), row->cells[0]);
		dialog_confirm(s, DLG_DOC_DEL, _("Remove"), q);
		free(q);
		break;
	case AD_RELOAD:
		asset_reload(as, true);
		break;
	case AD_BACK:
		app_pop();
		return true;
	case AD_UP:
		asset_move_cursor(as, -1);
		break;
	case AD_DOWN:
		asset_move_cursor(as, 1);
		break;
	case AD_PGUP:
		asset_move_cursor(as, -page);
		break;
	case AD_PGDN:
		asset_move_cursor(as, page);
		break;
	}
	asset_pump(as);
	return true;
}

/* Drawing. */

struct info_line {
	const char *label;
	char *value;
};

static void
info_add(struct info_line *lines, size_t *n, const char *label, char *value)
{
	if (value == NULL)
		return;
	if (*value == '\0') {
		free(value);
		return;
	}
	lines[*n].label = label;
	lines[*n].value = value;
	(*n)++;
}

static char *
info_ref(const struct rv *a, const char *code, const char *name)
{
	const char *c = rv_path_str(a, code, NULL), *n = rv_path_str(a, name, NULL);

	if (c == NULL && n == NULL)
		return NULL;
	return xasprintf("%s%s%s", c != NULL ? c : "", c != NULL && n != NULL ? " " : "",
	    n != NULL ? n : "");
}

static size_t
asset_info_lines(struct asset_screen *as, struct info_line *lines)
{
	const struct rv *a = as->asset, *cond = rv_get(a, "condition");
	const char *lat = rv_path_str(a, "lat", NULL), *lon = rv_path_str(a, "lon", NULL);
	char buf[64], buf2[64];
	size_t n = 0;

	info_add(lines, &n, _("Code"), xstrdup(rv_path_str(a, "code", "")));
	info_add(lines, &n, _("Name"), xstrdup(rv_path_str(a, "name", "")));
	info_add(lines, &n, _("Type"), xstrdup(_(rv_path_str(a, "type_name", ""))));
	info_add(lines, &n, _("Status"), xstrdup(asset_status_text(rv_path_str(a, "status",
	    ""))));
	if (cond != NULL && cond->type == RV_INT)
		info_add(lines, &n, _("Condition"), xasprintf(_("%lld/5 (%s)"),
		    (long long)cond->i, asset_date_text(rv_path_str(a, "condition_on", ""),
		    buf, sizeof buf)));
	info_add(lines, &n, _("Parent"), info_ref(a, "parent_code", "parent_name"));
	info_add(lines, &n, _("Service"), xstrdup(rv_path_str(a, "service_name", "")));
	info_add(lines, &n, _("Site"), info_ref(a, "site_code", "site_name"));
	info_add(lines, &n, _("Address"), xstrdup(rv_path_str(a, "address", "")));
	if (lat != NULL && lon != NULL)
		info_add(lines, &n, _("Location"), xasprintf("%s, %s", lat, lon));
	info_add(lines, &n, _("Commissioned"), xstrdup(asset_date_text(rv_path_str(a,
	    "commissioned", ""), buf, sizeof buf)));
	info_add(lines, &n, _("Replacement"), xstrdup(asset_money_text(rv_path_str(a,
	    "replacement_value", ""), buf, sizeof buf)));
	if (rv_path_str(a, "disposed_on", NULL) != NULL)
		info_add(lines, &n, _("Disposed"), xasprintf("%s %s",
		    asset_date_text(rv_path_str(a, "disposed_on", ""), buf, sizeof buf),
		    rv_path_str(a, "disposed_note", "")));
	info_add(lines, &n, _("Updated"), xstrdup(time_format(rv_path_str(a, "updated", ""),
	    false, buf2, sizeof buf2)));
	return n;
}

static size_t
asset_attr_lines(struct asset_screen *as, struct info_line *lines, size_t max)
{
	const struct rv *attrs = rv_get(as->type, "attributes"), *values;
	const struct rv *v;
	const char *name, *unit;
	char *text;
	size_t i, n = 0;

	values = rv_get(as->asset, "attributes");
	for (i = 0; attrs != NULL && attrs->type == RV_ARRAY && i < attrs->a.n && n < max;
	    i++) {
		name = rv_path_str(attrs->a.items[i], "name", "");
		unit = rv_path_str(attrs->a.items[i], "unit", "");
		v = rv_get(values, name);
		text = asset_value_text(v);
		lines[n].label = _(rv_path_str(attrs->a.items[i], "label", name));
		if (*text != '\0' && *unit != '\0') {
			lines[n].value = xasprintf("%s %s", text, unit);
			free(text);
		} else
			lines[n].value = *text != '\0' ? text : (free(text), xstrdup("\u2014"));
		n++;
	}
	return n;
}

static void
asset_draw_lines(struct asset_screen *as, struct info_line *lines, size_t n, int y,
    int x, int h, int w)
{
	int lw = 0, k, row, max;
	size_t i;

	for (i = 0; i < n; i++) {
		k = text_width(lines[i].label);
		if (k > lw)
			lw = k;
	}
	if (lw > w / 3)
		lw = w / 3;
	as->info_height = h;
	max = (int)n - h;
	if (as->info_top > max)
		as->info_top = max > 0 ? max : 0;
	for (i = (size_t)as->info_top, row = y; i < n && row < y + h; i++, row++) {
		draw_text(row, x + 1, lw, lines[i].label, R_HEADER, TEXT_LEFT);
		draw_text(row, x + lw + 3, w - lw - 4, lines[i].value, R_NORMAL, TEXT_LEFT);
	}
	for (i = 0; i < n; i++)
		free(lines[i].value);
}

static void
asset_draw(struct screen *s, int y, int x, int h, int w)
{
	struct asset_screen *as = (struct asset_screen *)s;
	struct info_line lines[64];
	char *label;
	int col, t, tw;
	size_t n;

	if (as->asset == NULL) {
		draw_text(y + h / 2, x, w, as->error != NULL ? as->error : _("Loading\u2026"),
		    as->error != NULL ? R_ERROR : R_DIM, TEXT_CENTER);
		return;
	}
	/* The tabs, then what the current one shows. */
	draw_fill(y, x, 1, w, R_NORMAL);
	col = x;
	for (t = 0; t < TAB_COUNT && col < x + w; t++) {
		label = xasprintf(" %d %s ", t + 1, _(tab_names[t]));
		tw = text_width(label);
		if (col + tw > x + w)
			tw = x + w - col;
		draw_text(y, col, tw, label, t == (int)as->tab ? R_CURSOR : R_DIM, TEXT_LEFT);
		col += tw;
		free(label);
	}
	y += 2;
	h -= 2;
	switch (as->tab) {
	case TAB_INFO:
		n = asset_info_lines(as, lines);
		asset_draw_lines(as, lines, n, y, x, h, w);
		break;
	case TAB_ATTRS:
		if (as->type == NULL) {
			draw_text(y, x + 1, w - 2, _("Loading\u2026"), R_DIM, TEXT_LEFT);
			break;
		}
		n = asset_attr_lines(as, lines, 64);
		if (n == 0)
			draw_text(y, x + 1, w - 2, _("This type has no attributes"), R_DIM,
			    TEXT_LEFT);
		asset_draw_lines(as, lines, n, y, x, h, w);
		break;
	case TAB_CHILDREN:
		table_draw(&as->children, y, x, h, w, _("Nothing inside"));
		break;
	case TAB_HISTORY:
		table_draw(&as->history, y, x, h, w, _("No condition recorded"));
		break;
	case TAB_DOCS:
		table_draw(&as->docs, y, x, h, w, _("No document"));
		break;
	default:
		break;
	}
	asset_pump(as);
}

static void
asset_destroy(struct screen *s)
{
	struct asset_screen *as = (struct asset_screen *)s;

	rv_free(as->asset);
	rv_free(as->type);
	free(as->error);
	free(as->request_key);
	free(as->dispose_note);
	table_free(&as->children);
	table_free(&as->history);
	table_free(&as->docs);
	free(as);
}

static const struct screen_ops asset_ops = {
	.name = "asset",
	.actions = asset_actions,
	.nactions = sizeof asset_actions / sizeof asset_actions[0],
	.draw = asset_draw,
	.key = asset_key,
	.enabled = asset_enabled,
	.on_event = asset_on_event,
	.on_reply = asset_on_reply,
	.on_dialog = asset_on_dialog,
	.on_timer = asset_on_timer,
	.on_show = asset_on_show,
	.destroy = asset_destroy,
};

struct screen *
screen_asset_new(int64_t id, enum asset_tab tab)
{
	struct asset_screen *as = xcalloc(1, sizeof *as);
	char *title = xasprintf(_("Asset #%lld"), (long long)id);

	screen_init(&as->base, &asset_ops, title);
	free(title);
	as->id = id;
	as->tab = tab;
	table_init(&as->children, children_cols,
	    sizeof children_cols / sizeof children_cols[0], CHILDREN_PAGE, 10);
	table_set_fill(&as->children, children_fill, as);
	table_init(&as->history, history_cols, sizeof history_cols / sizeof history_cols[0],
	    HISTORY_PAGE, 10);
	table_set_fill(&as->history, history_fill, as);
	table_init(&as->docs, docs_cols, sizeof docs_cols / sizeof docs_cols[0], 1000, 2);
	table_set_fill(&as->docs, docs_fill, as);
	asset_fetch(as);
	return &as->base;
}
