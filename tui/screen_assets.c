/* Estate → Assets: the filtered list (asset.list, paged by key), the tree
 * browser (sites, then asset.children a level at a time as rows are
 * expanded), and the search box that answers as one types (asset.search).
 * Enter opens an asset (screen_asset.c). */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "lineedit.h"
#include "table.h"
#include "tui.h"
#include "xmalloc.h"

#define ASSETS_PAGE 100
#define ASSETS_WINDOW 20
#define TREE_PAGE 100
/* Short enough to feel instant, long enough not to ask at every key of
 * a word typed fast. */
#define SEARCH_DELAY_MS 100
#define SEARCH_LIMIT 50

#define ASSETS_ACTIONS(X)						\
	X(AS_OPEN, K_ENTER, 0, "Enter", N_("Open"), N_("Open the asset under the cursor (a \u2026 row: the next page)")) \
	X(AS_SEARCH, '/', 0, "/", N_("Search"), N_("Search by code, name or address as you type")) \
	X(AS_TREE, 't', 0, "t", N_("Tree/List"), N_("Switch between the filtered list and the tree")) \
	X(AS_FILTER, 'f', 0, "f", N_("Filter"), N_("List: by type, service, site, status, condition")) \
	X(AS_NEW, 'n', 0, "n", N_("New"), N_("Create an asset")) \
	X(AS_PARENT, 'p', 0, "p", N_("Parent"), N_("Go to the parent of the asset under the cursor")) \
	X(AS_CHILDREN, 'C', 0, "C", N_("Children"), N_("Open the asset on its children")) \
	X(AS_EXPAND, K_RIGHT, '+', "\u2192 +", N_("Expand"), N_("Tree: show what is inside")) \
	X(AS_COLLAPSE, K_LEFT, '-', "\u2190", NULL, N_("Tree: hide what is inside, on a child: go to its parent (also -)")) \
	X(AS_SORT, 's', 0, "s", N_("Sort"), N_("List: by code, name, or condition (worst first)")) \
	X(AS_RELOAD, 'r', K_F(5), "r", N_("Reload"), N_("Fetch again")) \
	X(AS_BACK, K_ESC, 0, "Esc", N_("Back"), N_("Clear the filters, then back to the menu")) \
	X(AS_PICK, K_ENTER, 0, "Enter", N_("Open"), N_("While searching: open the asset under the cursor")) \
	X(AS_STOP, K_ESC, 0, "Esc", N_("Stop search"), N_("While searching: back to the list or tree")) \
	X(AS_UP, K_UP, 'k', "\u2191 k", NULL, N_("Previous row"))	\
	X(AS_DOWN, K_DOWN, 'j', "\u2193 j", NULL, N_("Next row"))	\
	X(AS_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Previous page"))	\
	X(AS_PGDN, K_PGDN, 0, "PgDn", NULL, N_("Next page"))		\
	X(AS_HOME, K_HOME, 'g', "Home g", NULL, N_("First row"))		\
	X(AS_END, K_END, 'G', "End G", NULL, N_("Last row"))
enum { ASSETS_ACTIONS(ACTION_ENUM) };
static const struct action assets_actions[] = { ASSETS_ACTIONS(ACTION_ROW) };

enum { TAG_PAGE = 1, TAG_SEARCH, TAG_TREE, TAG_TYPES, TAG_SERVICES, TAG_SITES,
    TAG_SEARCH_TIMER, TAG_EVENT_TIMER };
#define EVENT_DELAY_MS 150
enum { DLG_FILTER = 1 };
enum assets_mode { MODE_LIST, MODE_TREE, MODE_SEARCH };

static const struct table_col assets_cols[] = {
	{ N_("Code"), 10, 12, 6, TEXT_LEFT, false },
	{ N_("Name"), 20, 0, 7, TEXT_LEFT, false },
	{ N_("Type"), 8, 14, 4, TEXT_LEFT, false },
	{ N_("Site"), 8, 20, 2, TEXT_LEFT, false },
	{ N_("Cond."), 5, 5, 5, TEXT_RIGHT, true },
	{ N_("Status"), 10, 14, 3, TEXT_LEFT, false },
};

static const char *const sorts[] = { "code", "name", "condition" };

/* A tree level asked for, found again by its call when answered; or
 * a row to open again after a reload. */
struct tree_ask {
	enum asset_node_kind kind;
	int64_t id;
	uint32_t call;
};

struct assets_screen {
	struct screen base;
	enum assets_mode mode, back_mode;
	struct table list;
	struct table found;
	struct asset_tree tree;
	int tree_height;
	struct lineedit search;
	char *searched;		/* the query of the results shown */
	struct rv *filter;	/* asset.list params: type_id, service_id... */
	char *filter_text;	/* the same, for people */
	int sort;
	struct rv *types;	/* asset_type.list items */
	struct rv *services;	/* service.list items */
	struct form *filter_form;
	uint32_t sites_call;
	/* Rows to open again after the tree was reloaded. */
	struct tree_ask *reopen;
	size_t nreopen;
	bool top_loading;
	bool reloading;
	bool stale_list, stale_tree;	/* changed while hidden */
	bool fresh;		/* F5: what is asked now skips the server's page cache */
	struct tree_ask *asks;
	size_t nasks;
	char *site_label;	/* the site filtered by, for the next dialog */
	bool reload_on_show;
};

const char *
asset_status_text(const char *status)
{
	if (strcmp(status, "in_service") == 0)
		return _("in service");
	if (strcmp(status, "out_of_service") == 0)
		return _("out of service");
	if (strcmp(status, "disposed") == 0)
		return _("disposed");
	return status;
}

static void
assets_fill(struct table *t, struct table_row *row, const struct rv *item, void *arg)
{
	const struct rv *cond = rv_get(item, "condition");
	char buf[16] = "";

	row->id = rv_path_int(item, "id", 0);
	row->dim = strcmp(rv_path_str(item, "status", ""), "in_service") != 0;
	table_row_set(t, row, 0, rv_path_str(item, "code", ""));
	table_row_set(t, row, 1, rv_path_str(item, "name", ""));
	table_row_set(t, row, 2, _(rv_path_str(item, "type_name", "")));
	table_row_set(t, row, 3, rv_path_str(item, "site_name", ""));
	if (cond != NULL && cond->type == RV_INT)
		xsnprintf(buf, sizeof buf, "%lld", (long long)cond->i);
	table_row_set(t, row, 4, buf);
	table_row_set(t, row, 5, asset_status_text(rv_path_str(item, "status", "")));
	table_row_search(t, row, rv_path_str(item, "address", ""));
}

static void
assets_pump(struct assets_screen *as)
{
	struct rv *params;
	const char *after;
	size_t page, i;

	while (table_need(&as->list, &page, &after)) {
		params = table_params(&as->list, after);
		for (i = 0; as->filter != NULL && i < as->filter->m.n; i++)
			rv_set(params, as->filter->m.items[i].key,
			    rv_copy(as->filter->m.items[i].val));
		rv_set_str(params, "sort", sorts[as->sort]);
		table_sent(&as->list, page, app_call(&as->base, TAG_PAGE, "asset.list", params));
	}
}

/* The tree. */

/* Asks for the level under (kind, id): the sites for the root, the
 * assets at the top of a site, of everything (the group), or inside an
 * asset. */
static void
assets_tree_ask(struct assets_screen *as, enum asset_node_kind kind, int64_t id,
    const char *after)
{
	struct rv *params = rv_map();
	const char *method = "asset.children";

	if (kind == NODE_ROOT) {
		method = "site.list";
		as->top_loading = true;
	} else if (kind == NODE_SITE)
		rv_set_int(params, "site_id", id);
	else if (kind == NODE_ASSET)
		rv_set_int(params, "id", id);
	rv_set_int(params, "limit", TREE_PAGE);
	if (after != NULL)
		rv_set_str(params, "after", after);
	if (as->fresh)
		rv_set_bool(params, "fresh", true);
	as->asks = xreallocarray(as->asks, as->nasks + 1, sizeof *as->asks);
	as->asks[as->nasks].kind = kind;
	as->asks[as->nasks].id = id;
	as->asks[as->nasks].call = app_call(&as->base, TAG_TREE, method, params);
	as->nasks++;
}

static bool
assets_tree_answer(struct assets_screen *as, uint32_t call, struct tree_ask *ask)
{
	size_t i;

	for (i = 0; i < as->nasks; i++) {
		if (as->asks[i].call != call)
			continue;
		*ask = as->asks[i];
		as->asks[i] = as->asks[--as->nasks];
		return true;
	}
	return false;
}

static void
assets_tree_reload(struct assets_screen *as)
{
	size_t i;

	/* Remember what was open, start again from the top, and open it
	 * again as the rows come back. */
	free(as->reopen);
	as->reopen = xcalloc(as->tree.n + 1, sizeof *as->reopen);
	as->nreopen = 0;
	for (i = 0; i < as->tree.n; i++) {
		if (as->tree.nodes[i].kind != NODE_MORE && as->tree.nodes[i].expanded) {
			as->reopen[as->nreopen].kind = as->tree.nodes[i].kind;
			as->reopen[as->nreopen].id = as->tree.nodes[i].id;
			as->nreopen++;
		}
	}
	as->reloading = true;
	assets_tree_ask(as, NODE_ROOT, 0, NULL);
}

static void
assets_tree_loaded(struct assets_screen *as, const struct tree_ask *ask,
    const struct rv *result)
{
	enum asset_node_kind kind = ask->kind == NODE_ROOT ? NODE_SITE : NODE_ASSET;
	enum asset_node_kind keep_kind = NODE_ROOT;
	const struct rv *next = rv_get(result, "next");
	struct rv *group;
	int64_t keep_id = 0;
	size_t i, k;
	long r;

	if (ask->kind == NODE_ROOT && as->reloading) {
		/* A reload: the old rows go, the cursor stays on its row. */
		as->reloading = false;
		if (as->tree.cur < as->tree.n) {
			keep_kind = as->tree.nodes[as->tree.cur].kind;
			keep_id = as->tree.nodes[as->tree.cur].id;
		}
		asset_tree_clear(&as->tree);
		asset_tree_loaded(&as->tree, NODE_ROOT, 0, result, kind);
		if (keep_kind != NODE_ROOT &&
		    (r = asset_tree_find(&as->tree, keep_kind, keep_id)) >= 0)
			as->tree.cur = (size_t)r;
	} else if (!asset_tree_loaded(&as->tree, ask->kind, ask->id, result, kind))
		return;
	if (ask->kind == NODE_ROOT && (next == NULL || next->type != RV_STR)) {
		/* After the last site, the group of everything at the top: the
		 * assets on no site are there. */
		as->top_loading = false;
		group = rv_map();
		rv_push(rv_set(group, "items", rv_array()), rv_map());
		asset_tree_loaded(&as->tree, NODE_ROOT, 0, group, NODE_GROUP);
		rv_free(group);
	}
	/* Open again what was open before a reload. */
	for (i = 0; as->reopen != NULL && i < as->nreopen; i++) {
		r = asset_tree_find(&as->tree, as->reopen[i].kind, as->reopen[i].id);
		if (r < 0 || !asset_tree_expand(&as->tree, (size_t)r))
			continue;
		assets_tree_ask(as, as->reopen[i].kind, as->reopen[i].id, NULL);
		for (k = i; k + 1 < as->nreopen; k++)
			as->reopen[k] = as->reopen[k + 1];
		as->nreopen--;
		i--;
	}
}

static const struct rv *
assets_tree_current(struct assets_screen *as)
{
	if (as->tree.cur >= as->tree.n || as->tree.nodes[as->tree.cur].kind != NODE_ASSET)
		return NULL;
	return as->tree.nodes[as->tree.cur].item;
}

static void
assets_tree_move(struct assets_screen *as, long delta)
{
	struct asset_tree *t = &as->tree;

	if (t->n == 0)
		return;
	if (delta < 0 && (size_t)-delta > t->cur)
		t->cur = 0;
	else if (delta > 0 && t->cur + (size_t)delta >= t->n)
		t->cur = t->n - 1;
	else
		t->cur = (size_t)((long)t->cur + delta);
}

static void
assets_tree_draw(struct assets_screen *as, int y, int x, int h, int w)
{
	struct asset_tree *t = &as->tree;
	struct asset_node *n;
	int i, body = h - 1, indent, cw, nw, tw;
	char *line, cond[8];
	const char *mark;
	enum draw_role role;

	as->tree_height = body > 0 ? body : 1;
	if (t->cur < t->top)
		t->top = t->cur;
	if (t->cur >= t->top + (size_t)body)
		t->top = t->cur - (size_t)body + 1;
	tw = w >= 70 ? 18 : 0;
	cw = 2;
	for (i = 0; i < body && t->top + (size_t)i < t->n; i++) {
		n = &t->nodes[t->top + (size_t)i];
		role = t->top + (size_t)i == t->cur ? R_CURSOR : R_NORMAL;
		draw_fill(y + i, x, 1, w, role);
		indent = n->depth * 2;
		if (indent > w / 2)
			indent = w / 2;
		if (n->kind == NODE_MORE) {
			draw_text(y + i, x + indent + 2, w - indent - 2, n->loading ?
			    _("loading\u2026") : _("\u2026 more (Enter)"), role == R_CURSOR ?
			    R_CURSOR : R_DIM, TEXT_LEFT);
			continue;
		}
		if (!n->has_children)
			mark = " ";
		else if (n->expanded)
			mark = text_utf8() ? "\u25be" : "-";
		else
			mark = text_utf8() ? "\u25b8" : "+";
		draw_text(y + i, x + indent, 2, mark, role, TEXT_LEFT);
		nw = w - indent - 2 - tw - cw - 2;
		if (n->kind == NODE_GROUP)
			line = xstrdup(_("Everything at the top, on a site or not"));
		else
			line = asset_label(n->item);
		if (n->loading) {
			char *tmp = line;

			line = xasprintf("%s  %s", tmp, _("loading\u2026"));
			free(tmp);
		}
		if (n->kind == NODE_ASSET && role == R_NORMAL &&
		    strcmp(rv_path_str(n->item, "status", ""), "in_service") != 0)
			role = R_DIM;
		else if (n->kind != NODE_ASSET && role == R_NORMAL)
			role = R_HEADER;
		draw_text(y + i, x + indent + 2, nw, line, role, TEXT_LEFT);
		free(line);
		if (tw > 0)
			draw_text(y + i, x + w - tw - cw - 1, tw, n->kind == NODE_SITE ?
			    _("Site") : _(rv_path_str(n->item, "type_name", "")), role,
			    TEXT_LEFT);
		cond[0] = '\0';
		if (rv_get(n->item, "condition") != NULL &&
		    rv_get(n->item, "condition")->type == RV_INT)
			xsnprintf(cond, sizeof cond, "%lld",
			    (long long)rv_path_int(n->item, "condition", 0));
		draw_text(y + i, x + w - cw, cw, cond, role, TEXT_RIGHT);
	}
	if (t->n == 0)
		draw_text(y + body / 2, x, w, as->top_loading ? _("Loading\u2026") :
		    _("No assets"), R_DIM, TEXT_CENTER);
	line = xasprintf("%zu/%zu", t->n > 0 ? t->cur + 1 : 0, t->n);
	draw_fill(y + h - 1, x, 1, w, R_NORMAL);
	draw_str(y + h - 1, x, w / 2, _("Tree"), R_WARN);
	draw_text(y + h - 1, x + w / 2, w - w / 2, line, R_DIM, TEXT_RIGHT);
	free(line);
}

/* The search. */

static void
assets_search_send(struct assets_screen *as)
{
	char *q = lineedit_text(&as->search);
	struct rv *params;

	free(as->searched);
	as->searched = q;
	table_reset(&as->found);
	if (*q == '\0') {
		/* Nothing to look for: an empty, finished list. */
		struct rv *empty = rv_map();

		rv_set(empty, "items", rv_array());
		table_sent(&as->found, 0, 0);
		table_loaded(&as->found, 0, empty);
		rv_free(empty);
		return;
	}
	params = rv_map();
	rv_set_str(params, "query", q);
	rv_set_int(params, "limit", SEARCH_LIMIT);
	/* The table waits for this call's answer only: an older one that
	 * comes late is dropped (table_loaded refuses it). */
	table_sent(&as->found, 0, app_call(&as->base, TAG_SEARCH, "asset.search", params));
}

/* The filter. */

static void
assets_options(struct form_field *fld, const struct rv *items, bool with_code)
{
	const struct rv *it;
	char *label;
	size_t i;

	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		it = items->a.items[i];
		if (with_code)
			label = xasprintf("%s \u2014 %s", rv_path_str(it, "code", ""),
			    rv_path_str(it, "name", ""));
		else
			label = xstrdup(_(rv_path_str(it, "name", "")));
		form_option_merge(fld, rv_path_int(it, "id", 0), label);
		free(label);
	}
}

static void
assets_ask_filter(struct assets_screen *as)
{
	static const char *const statuses[] = { "active", "in_service", "out_of_service",
	    "disposed", "all" };
	struct form *f = form_new();
	struct form_field *fld;
	const struct rv *v;
	size_t i;
	int64_t c;

	fld = form_add(f, F_REF, "type_id", _("Type"));
	assets_options(fld, as->types, false);
	fld = form_add(f, F_REF, "service_id", _("Service"));
	assets_options(fld, as->services, false);
	fld = form_add(f, F_REF, "site_id", _("Site"));
	fld->search_server = true;
	fld = form_add(f, F_CHOICE, "status", _("Status"));
	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		form_option_add(fld, (int64_t)i, statuses[i], i == 0 ? _("not disposed") :
		    i == 4 ? _("all") : asset_status_text(statuses[i]));
	fld = form_add(f, F_CHOICE, "condition_min", _("Condition from"));
	for (c = 1; c <= 5; c++) {
		char key[2] = { (char)('0' + c), '\0' };

		form_option_add(fld, c, key, key);
	}
	fld = form_add(f, F_CHOICE, "condition_max", _("Condition to"));
	for (c = 1; c <= 5; c++) {
		char key[2] = { (char)('0' + c), '\0' };

		form_option_add(fld, c, key, key);
	}
	if (as->filter != NULL) {
		form_set_ids(f, "type_id", rv_get(as->filter, "type_id"));
		form_set_ids(f, "service_id", rv_get(as->filter, "service_id"));
		if ((v = rv_get(as->filter, "site_id")) != NULL && v->type == RV_INT) {
			form_option_merge(form_get(f, "site_id"), v->i,
			    as->site_label != NULL ? as->site_label : "?");
			form_set_ids(f, "site_id", v);
		}
		form_set_keys(f, "status", rv_get(as->filter, "status"));
		form_set_ids(f, "condition_min", rv_get(as->filter, "condition_min"));
		form_set_ids(f, "condition_max", rv_get(as->filter, "condition_max"));
	}
	as->filter_form = f;
	dialog_form(&as->base, DLG_FILTER, _("Filter the assets"), f);
	as->sites_call = app_call(&as->base, TAG_SITES, "site.list", NULL);
}

static void
assets_filter_apply(struct assets_screen *as, struct form *f)
{
	struct rv *filter = rv_map();
	struct form_field *fld;
	const struct form_option *o;
	char text[256] = "";
	size_t i, len;
	static const char *const ids[] = { "type_id", "service_id", "site_id" };

	for (i = 0; i < 3; i++) {
		fld = form_get(f, ids[i]);
		if (fld->nids == 0)
			continue;
		rv_set_int(filter, ids[i], fld->ids[0]);
		o = form_option_find(fld, fld->ids[0]);
		if (i == 2 && o != NULL) {
			free(as->site_label);
			as->site_label = xstrdup(o->label);
		}
		len = strlen(text);
		xsnprintf(text + len, sizeof text - len, "%s%s", len > 0 ? ", " : "",
		    o != NULL ? o->label : "?");
	}
	fld = form_get(f, "status");
	if (fld->nids > 0 && (o = form_option_find(fld, fld->ids[0])) != NULL &&
	    strcmp(o->key, "active") != 0) {
		rv_set_str(filter, "status", o->key);
		len = strlen(text);
		xsnprintf(text + len, sizeof text - len, "%s%s", len > 0 ? ", " : "", o->label);
	}
	if ((fld = form_get(f, "condition_min"))->nids > 0)
		rv_set_int(filter, "condition_min", fld->ids[0]);
	if ((fld = form_get(f, "condition_max"))->nids > 0)
		rv_set_int(filter, "condition_max", fld->ids[0]);
	if (rv_get(filter, "condition_min") != NULL || rv_get(filter, "condition_max") != NULL) {
		len = strlen(text);
		xsnprintf(text + len, sizeof text - len, "%s%s %lld\u2013%lld",
		    len > 0 ? ", " : "", _("condition"),
		    (long long)rv_path_int(filter, "condition_min", 1),
		    (long long)rv_path_int(filter, "condition_max", 5));
	}
	rv_free(as->filter);
	free(as->filter_text);
	as->filter = filter->m.n > 0 ? filter : NULL;
	if (as->filter == NULL)
		rv_free(filter);
	as->filter_text = *text != '\0' ? xstrdup(text) : NULL;
	table_set_filter(&as->list, as->filter_text, false);
	table_reset(&as->list);
	assets_pump(as);
}

static void
assets_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	struct assets_screen *as = (struct assets_screen *)s;

	as->filter_form = NULL;
	if (tag == DLG_FILTER && ok) {
		as->mode = MODE_LIST;
		assets_filter_apply(as, form);
	}
}

static void
assets_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct assets_screen *as = (struct assets_screen *)s;
	struct tree_ask ask;
	struct form *f;
	char *text;
	size_t i;

	switch (tag) {
	case TAG_PAGE:
	case TAG_SEARCH:
		if (error != NULL) {
			text = app_error_text(error);
			table_failed(tag == TAG_PAGE ? &as->list : &as->found, id, text);
			free(text);
		} else
			table_loaded(tag == TAG_PAGE ? &as->list : &as->found, id, result);
		break;
	case TAG_TREE:
		if (!assets_tree_answer(as, id, &ask))
			break;
		if (error != NULL) {
			long r = asset_tree_find(&as->tree, ask.kind, ask.id);

			if (r >= 0 && ask.kind != NODE_ROOT)
				asset_tree_collapse(&as->tree, (size_t)r);
			if (ask.kind == NODE_ROOT) {
				as->top_loading = as->reloading = false;
				/* A next page of the top that failed: Enter asks again. */
				for (i = 0; i < as->tree.n; i++) {
					if (as->tree.nodes[i].kind == NODE_MORE &&
					    as->tree.nodes[i].parent_kind == NODE_ROOT)
						as->tree.nodes[i].loading = false;
				}
			}
			text = app_error_text(error);
			app_message(MSG_ERROR, "%s", text);
			free(text);
		} else
			assets_tree_loaded(as, &ask, result);
		break;
	case TAG_TYPES:
		if (error == NULL) {
			rv_free(as->types);
			as->types = rv_copy(rv_get(result, "items"));
		}
		break;
	case TAG_SERVICES:
		if (error == NULL) {
			rv_free(as->services);
			as->services = rv_copy(rv_get(result, "items"));
		}
		break;
	case TAG_SITES:
		f = dialog_top_form();
		if (error != NULL || id != as->sites_call || f == NULL || f != as->filter_form)
			break;
		assets_options(form_get(f, "site_id"), rv_get(result, "items"), true);
		form_picker_refilter(f);
		break;
	}
	assets_pump(as);
}

/* The mode shown changed, or what it shows may have: reload it if stale. */
static void
assets_show(struct assets_screen *as)
{
	if (as->mode == MODE_LIST && as->stale_list) {
		as->stale_list = false;
		(as->fresh ? table_reload_fresh : table_reload)(&as->list);
	} else if (as->mode == MODE_TREE && as->stale_tree) {
		as->stale_tree = false;
		if (as->tree.n > 0)
			assets_tree_reload(as);
		else if (!as->top_loading)
			assets_tree_ask(as, NODE_ROOT, 0, NULL);
	}
	assets_pump(as);
}

/* Everything may have changed: what is shown is fetched again now, the
 * rest when shown. */
static void
assets_reload(struct assets_screen *as, bool fresh)
{
	as->stale_list = as->stale_tree = true;
	as->fresh = fresh;
	assets_show(as);
	as->fresh = false;
	if (as->mode == MODE_SEARCH && as->searched != NULL && *as->searched != '\0')
		assets_search_send(as);
}

static void
assets_on_event(struct screen *s, const struct rv *ev)
{
	const char *topic = rv_path_str(ev, "topic", "");

	/* Events come in bursts (a disposal with its children): one reload
	 * for the burst. */
	if (strcmp(topic, "asset") == 0 || strcmp(topic, "resync") == 0)
		app_timer(s, TAG_EVENT_TIMER, EVENT_DELAY_MS);
}

static void
assets_on_timer(struct screen *s, int tag)
{
	struct assets_screen *as = (struct assets_screen *)s;

	if (tag == TAG_SEARCH_TIMER)
		assets_search_send(as);
	else if (tag == TAG_EVENT_TIMER) {
		assets_reload(as, false);
	}
}

static void
assets_on_show(struct screen *s)
{
	struct assets_screen *as = (struct assets_screen *)s;

	if (as->reload_on_show) {
		as->reload_on_show = false;
		assets_reload(as, false);
	}
}

static const struct rv *
assets_current(struct assets_screen *as)
{
	struct table_row *row;

	if (as->mode == MODE_TREE)
		return assets_tree_current(as);
	row = table_current(as->mode == MODE_LIST ? &as->list : &as->found);
	return row != NULL ? row->item : NULL;
}

static bool
assets_can_edit(void)
{
	return app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT);
}

static bool
assets_enabled(struct screen *s, int action)
{
	struct assets_screen *as = (struct assets_screen *)s;
	const struct rv *cur = assets_current(as);
	bool tree = as->mode == MODE_TREE;

	if (as->mode == MODE_SEARCH) {
		switch (action) {
		case AS_PICK:
			return cur != NULL;
		case AS_STOP:
		case AS_UP:
		case AS_DOWN:
		case AS_PGUP:
		case AS_PGDN:
			return true;
		default:
			return false;
		}
	}
	switch (action) {
	case AS_PICK:
	case AS_STOP:
		return false;
	case AS_OPEN:
		return cur != NULL || (tree && as->tree.cur < as->tree.n);
	case AS_PARENT:
		if (tree && asset_tree_parent(&as->tree, as->tree.cur) >= 0)
			return true;
		return cur != NULL && rv_path_int(cur, "parent_id", 0) != 0;
	case AS_CHILDREN:
		return cur != NULL && rv_path_bool(cur, "has_children", false);
	case AS_EXPAND:
		return tree && as->tree.cur < as->tree.n &&
		    as->tree.nodes[as->tree.cur].kind != NODE_MORE &&
		    as->tree.nodes[as->tree.cur].has_children;
	case AS_COLLAPSE:
		return tree && as->tree.cur < as->tree.n;
	case AS_FILTER:
	case AS_SORT:
		return !tree;
	case AS_NEW:
		return assets_can_edit();
	default:
		return true;
	}
}

static void
assets_open(struct assets_screen *as, const struct rv *asset, enum asset_tab tab)
{
	as->reload_on_show = false;
	app_push(screen_asset_new(rv_path_int(asset, "id", 0), tab));
}

static bool
assets_search_key(struct assets_screen *as, int key)
{
	const struct rv *cur;
	bool changed;

	switch (key) {
	case K_ESC:
		as->mode = as->back_mode;
		app_timer_cancel(&as->base, TAG_SEARCH_TIMER);
		assets_show(as);
		return true;
	case K_ENTER:
		if ((cur = assets_current(as)) != NULL)
			assets_open(as, cur, TAB_INFO);
		return true;
	case K_UP:
	case K_DOWN:
	case K_PGUP:
	case K_PGDN:
		table_move(&as->found, key == K_UP ? -1 : key == K_DOWN ? 1 :
		    key == K_PGUP ? -as->found.height : as->found.height);
		return true;
	}
	if (lineedit_key(&as->search, key, &changed)) {
		if (changed)
			app_timer(&as->base, TAG_SEARCH_TIMER, SEARCH_DELAY_MS);
		return true;
	}
	return key != K_F(1) && key != K_F(10);
}

static void
assets_tree_key(struct assets_screen *as, int action)
{
	struct asset_tree *t = &as->tree;
	enum asset_node_kind pkind;
	const char *after;
	int64_t pid;
	long p;

	if (t->cur >= t->n)
		return;
	switch (action) {
	case AS_OPEN:
		if (asset_tree_more(t, t->cur, &pkind, &pid, &after))
			assets_tree_ask(as, pkind, pid, after);
		else if (assets_tree_current(as) != NULL)
			assets_open(as, assets_tree_current(as), TAB_INFO);
		else if (t->nodes[t->cur].expanded)
			asset_tree_collapse(t, t->cur);
		else if (asset_tree_expand(t, t->cur))
			assets_tree_ask(as, t->nodes[t->cur].kind, t->nodes[t->cur].id, NULL);
		break;
	case AS_EXPAND:
		if (asset_tree_expand(t, t->cur))
			assets_tree_ask(as, t->nodes[t->cur].kind, t->nodes[t->cur].id, NULL);
		else if (t->cur + 1 < t->n && t->nodes[t->cur].expanded)
			t->cur++;
		break;
	case AS_COLLAPSE:
		if (t->nodes[t->cur].expanded)
			asset_tree_collapse(t, t->cur);
		else if ((p = asset_tree_parent(t, t->cur)) >= 0)
			t->cur = (size_t)p;
		break;
	case AS_PARENT:
		if ((p = asset_tree_parent(t, t->cur)) >= 0)
			t->cur = (size_t)p;
		else
			app_push(screen_asset_new(rv_path_int(assets_tree_current(as),
			    "parent_id", 0), TAB_INFO));
		break;
	case AS_UP:
		assets_tree_move(as, -1);
		break;
	case AS_DOWN:
		assets_tree_move(as, 1);
		break;
	case AS_PGUP:
		assets_tree_move(as, -as->tree_height);
		break;
	case AS_PGDN:
		assets_tree_move(as, as->tree_height);
		break;
	case AS_HOME:
		t->cur = 0;
		break;
	case AS_END:
		t->cur = t->n > 0 ? t->n - 1 : 0;
		break;
	}
}

static bool
assets_key(struct screen *s, int key)
{
	struct assets_screen *as = (struct assets_screen *)s;
	const struct action *a;
	const struct rv *cur;
	struct table *t = &as->list;
	char *label;

	if (as->mode == MODE_SEARCH)
		return assets_search_key(as, key);
	a = action_find(assets_actions, sizeof assets_actions / sizeof assets_actions[0], key);
	if (a == NULL || !assets_enabled(s, a->id))
		return false;
	cur = assets_current(as);
	switch (a->id) {
	case AS_SEARCH:
		as->back_mode = as->mode;
		as->mode = MODE_SEARCH;
		/* A new search each time: the old query would be in the way. */
		lineedit_clear(&as->search);
		assets_search_send(as);
		break;
	case AS_TREE:
		as->mode = as->mode == MODE_TREE ? MODE_LIST : MODE_TREE;
		if (as->mode == MODE_TREE && as->tree.n == 0)
			as->stale_tree = true;
		assets_show(as);
		break;
	case AS_FILTER:
		assets_ask_filter(as);
		break;
	case AS_NEW:
		as->reload_on_show = true;
		app_push(screen_asset_form_new(NULL, 0, NULL));
		break;
	case AS_CHILDREN:
		assets_open(as, cur, TAB_CHILDREN);
		break;
	case AS_SORT:
		as->sort = (as->sort + 1) % (int)(sizeof sorts / sizeof sorts[0]);
		table_reset(t);
		label = xasprintf(_("Sorted by %s"), as->sort == 0 ? _("code") :
		    as->sort == 1 ? _("name") : _("condition, worst first"));
		app_message(MSG_INFO, "%s", label);
		free(label);
		break;
	case AS_RELOAD:
		assets_reload(as, true);
		break;
	case AS_BACK:
		if (as->filter != NULL && as->mode == MODE_LIST) {
			rv_free(as->filter);
			as->filter = NULL;
			free(as->filter_text);
			as->filter_text = NULL;
			table_set_filter(t, NULL, false);
			table_reset(t);
		} else
			app_pop();
		return true;
	default:
		if (as->mode == MODE_TREE) {
			assets_tree_key(as, a->id);
			break;
		}
		switch (a->id) {
		case AS_OPEN:
			assets_open(as, cur, TAB_INFO);
			break;
		case AS_PARENT:
			app_push(screen_asset_new(rv_path_int(cur, "parent_id", 0), TAB_INFO));
			break;
		case AS_UP:
			table_move(t, -1);
			break;
		case AS_DOWN:
			table_move(t, 1);
			break;
		case AS_PGUP:
			table_move(t, -t->height);
			break;
		case AS_PGDN:
			table_move(t, t->height);
			break;
		case AS_HOME:
			table_home(t);
			break;
		case AS_END:
			table_end(t);
			break;
		}
	}
	assets_pump(as);
	return true;
}

static void
assets_draw(struct screen *s, int y, int x, int h, int w)
{
	struct assets_screen *as = (struct assets_screen *)s;
	struct form_field *fld;
	char *query, *title;
	int col;

	/* The filter dialog's site picker asks the server as one types. */
	if (as->filter_form != NULL && dialog_top_form() == as->filter_form &&
	    form_picker_fetch(as->filter_form, &fld, &query)) {
		struct rv *params = rv_map();

		if (*query != '\0')
			rv_set_str(params, "query", query);
		as->sites_call = app_call(s, TAG_SITES, "site.list", params);
		free(query);
	}
	switch (as->mode) {
	case MODE_SEARCH:
		col = draw_str(y + h - 1, x, w, _("Search: "), R_WARN);
		s->cursor_on = true;
		s->cursor_y = y + h - 1;
		s->cursor_x = lineedit_draw(&as->search, y + h - 1, x + col, w - col,
		    R_FIELD_FOCUS, false);
		table_draw(&as->found, y, x, h - 1, w, as->searched == NULL ||
		    *as->searched == '\0' ? _("Type part of a code, a name or an address") :
		    _("No asset matches"));
		break;
	case MODE_TREE:
		assets_tree_draw(as, y, x, h, w);
		break;
	case MODE_LIST:
		table_draw(&as->list, y, x, h, w, as->filter != NULL ?
		    _("No asset matches the filter") : _("No assets"));
		break;
	}
	title = xasprintf("%s%s%s", _("Assets"), as->filter_text != NULL ? ": " : "",
	    as->filter_text != NULL ? as->filter_text : "");
	if (strcmp(title, s->title) != 0) {
		free(s->title);
		s->title = title;
	} else
		free(title);
	assets_pump(as);
}

static void
assets_destroy(struct screen *s)
{
	struct assets_screen *as = (struct assets_screen *)s;

	table_free(&as->list);
	table_free(&as->found);
	asset_tree_clear(&as->tree);
	lineedit_free(&as->search);
	free(as->searched);
	rv_free(as->filter);
	free(as->filter_text);
	rv_free(as->types);
	rv_free(as->services);
	free(as->reopen);
	free(as->asks);
	free(as->site_label);
	free(as);
}

static const struct screen_ops assets_ops = {
	.name = "assets",
	.actions = assets_actions,
	.nactions = sizeof assets_actions / sizeof assets_actions[0],
	.draw = assets_draw,
	.key = assets_key,
	.enabled = assets_enabled,
	.on_event = assets_on_event,
	.on_reply = assets_on_reply,
	.on_timer = assets_on_timer,
	.on_dialog = assets_on_dialog,
	.on_show = assets_on_show,
	.destroy = assets_destroy,
};

struct screen *
screen_assets_new(void)
{
	struct assets_screen *as = xcalloc(1, sizeof *as);

	screen_init(&as->base, &assets_ops, _("Assets"));
	table_init(&as->list, assets_cols, sizeof assets_cols / sizeof assets_cols[0],
	    ASSETS_PAGE, ASSETS_WINDOW);
	table_set_fill(&as->list, assets_fill, as);
	table_init(&as->found, assets_cols, sizeof assets_cols / sizeof assets_cols[0],
	    SEARCH_LIMIT, 2);
	table_set_fill(&as->found, assets_fill, as);
	lineedit_init(&as->search, 100);
	app_call(&as->base, TAG_TYPES, "asset_type.list", NULL);
	app_call(&as->base, TAG_SERVICES, "service.list", NULL);
	return &as->base;
}
