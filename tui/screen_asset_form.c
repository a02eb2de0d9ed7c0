/* The asset form: creates an asset or edits one. Below the common fields
 * come the attributes the chosen type declares, typed as it declares
 * them; choosing another type rebuilds the form, keeping what was typed.
 * The server's errors land on the field they name, attributes included
 * ("attributes.species"). */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "form_screen.h"
#include "tui.h"
#include "xmalloc.h"

#define AFORM_ACTIONS(X)						\
	X(FA_SAVE, K_F(2), 0, "F2", N_("Save"), N_("Save (also: Enter on [ Save ])")) \
	X(FA_NEXT, K_TAB, K_DOWN, "Tab", N_("Next"), N_("Next field (Shift-Tab or \u2191: previous)")) \
	X(FA_PICK, K_ENTER, 0, "Enter", N_("Choose"), N_("Open the list of choices; type to search")) \
	X(FA_DONE, K_ENTER, 0, "Enter", N_("Done"), N_("In a list: take the choice")) \
	X(FA_CLOSE, K_ESC, 0, "Esc", N_("Close list"), N_("In a list: close it, keeping the old choice")) \
	X(FA_CANCEL, K_ESC, 0, "Esc", N_("Cancel"), N_("Leave the form (asks first if you typed something)"))
enum { AFORM_ACTIONS(ACTION_ENUM) };
static const struct action aform_actions[] = { AFORM_ACTIONS(ACTION_ROW) };

enum { TAG_SAVE = 1, TAG_TYPES, TAG_SERVICES, TAG_SITES, TAG_PARENTS };
enum { DLG_DISCARD = 1 };

struct aform_screen {
	struct screen base;
	struct form *form;
	struct rv *asset;	/* the one edited, or NULL */
	struct rv *types;	/* asset_type.list items */
	int64_t type_id;	/* whose attributes the form shows */
	bool filled;		/* the asset's attributes are in the form */
	bool saving;
	uint32_t save_call, sites_call, parents_call;
	char *request_key;
};

static const struct rv *
aform_type(struct aform_screen *fs, int64_t id)
{
	size_t i;

	for (i = 0; fs->types != NULL && fs->types->type == RV_ARRAY && i < fs->types->a.n;
	    i++) {
		if (rv_path_int(fs->types->a.items[i], "id", 0) == id)
			return fs->types->a.items[i];
	}
	return NULL;
}

static void
aform_options(struct form_field *fld, const struct rv *items, bool code)
{
	const struct rv *it;
	char *label;
	size_t i;

	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		it = items->a.items[i];
		label = code ? xasprintf("%s %s", rv_path_str(it, "code", ""),
		    rv_path_str(it, "name", "")) : xstrdup(_(rv_path_str(it, "name", "")));
		form_option_merge(fld, rv_path_int(it, "id", 0), label);
		free(label);
	}
}

/* Builds the form for the type chosen, with the values of the old one. */
static void
aform_build(struct aform_screen *fs)
{
	struct form *old = fs->form, *f = form_new();
	struct form_field *fld;
	const struct rv *type;
	bool edit = fs->asset != NULL;

	fld = form_add(f, F_TEXT, "code", _("Code"));
	fld->maxlen = 32;
	if (!edit)
		fld->hint = xstrdup(_("empty: automatic"));
	fld = form_add(f, F_TEXT, "name", _("Name"));
	fld->required = true;
	fld->maxlen = 200;
	fld = form_add(f, F_REF, "type_id", _("Type"));
	fld->required = true;
	aform_options(fld, fs->types, false);
	if (!edit) {
		fld = form_add(f, F_REF, "parent_id", _("Inside"));
		fld->search_server = true;
		fld->hint = xstrdup(_("type to search"));
	}
	form_add(f, F_REF, "service_id", _("Service"));
	fld = form_add(f, F_REF, "site_id", _("Site"));
	fld->search_server = true;
	fld = form_add(f, F_TEXT, "address", _("Address"));
	fld->maxlen = 300;
	fld->send_empty = edit;
	fld = form_add(f, F_CHOICE, "status", _("Status"));
	form_option_add(fld, 1, "in_service", asset_status_text("in_service"));
	form_option_add(fld, 2, "out_of_service", asset_status_text("out_of_service"));
	form_add(f, F_DATE, "commissioned", _("Commissioned"));
	form_add(f, F_MONEY, "replacement_value", _("Replacement value"));
	fld = form_add(f, F_TEXT, "lat", _("Latitude"));
	fld->maxlen = 12;
	fld->check = asset_check_decimal;
	fld = form_add(f, F_TEXT, "lon", _("Longitude"));
	fld->maxlen = 12;
	fld->check = asset_check_decimal;
	type = aform_type(fs, fs->type_id);
	if (type != NULL)
		asset_attrs_fields(f, type);
	if (old != NULL) {
		asset_form_copy(f, old);
		/* Same place, so that choosing a type does not jump away. */
		f->focus = old->focus < f->n ? old->focus : 0;
		if (old->clean != NULL)
			f->clean = xstrdup(old->clean);
		form_free(old);
	}
	fs->form = f;
}

static void
aform_fill(struct aform_screen *fs)
{
	const struct rv *a = fs->asset, *v;
	struct form *f = fs->form;
	char *label, date[32];
	int64_t id;

	form_set_text(f, "code", rv_path_str(a, "code", ""));
	form_set_text(f, "name", rv_path_str(a, "name", ""));
	form_set_ids(f, "type_id", rv_get(a, "type_id"));
	if ((id = rv_path_int(a, "service_id", 0)) != 0) {
		form_option_merge(form_get(f, "service_id"), id,
		    rv_path_str(a, "service_name", "?"));
		form_set_ids(f, "service_id", rv_get(a, "service_id"));
	}
	if ((id = rv_path_int(a, "site_id", 0)) != 0) {
		label = xasprintf("%s %s", rv_path_str(a, "site_code", ""),
		    rv_path_str(a, "site_name", ""));
		form_option_merge(form_get(f, "site_id"), id, label);
		free(label);
		form_set_ids(f, "site_id", rv_get(a, "site_id"));
	}
	form_set_text(f, "address", rv_path_str(a, "address", ""));
	form_set_keys(f, "status", rv_get(a, "status"));
	form_set_text(f, "commissioned", asset_date_field(rv_path_str(a, "commissioned", ""),
	    f->month_first, date, sizeof date));
	if ((v = rv_get(a, "replacement_value")) != NULL && v->type == RV_STR)
		form_set_text(f, "replacement_value", v->s.ptr);
	form_set_text(f, "lat", rv_path_str(a, "lat", ""));
	form_set_text(f, "lon", rv_path_str(a, "lon", ""));
}

/* The types arrived: the form gets the type's attributes (and, for an
 * edit, their values). */
static void
aform_types(struct aform_screen *fs, const struct rv *items)
{
	rv_free(fs->types);
	fs->types = rv_copy(items);
	aform_build(fs);
	if (fs->asset != NULL && !fs->filled) {
		asset_attrs_fill(fs->form, aform_type(fs, fs->type_id),
		    rv_get(fs->asset, "attributes"));
		fs->filled = true;
		form_mark_clean(fs->form);
	}
}

static void
aform_type_changed(struct aform_screen *fs)
{
	struct form_field *fld = form_get(fs->form, "type_id");
	int64_t id = fld != NULL && fld->nids > 0 ? fld->ids[0] : 0;

	if (id == fs->type_id)
		return;
	fs->type_id = id;
	aform_build(fs);
}

/* An edit that empties a field the asset had clears it: the server takes
 * "" for a date, an amount or a location, and site 0 for no site. An
 * untouched empty field sends nothing, so it changes nothing. */
static void
aform_clear_emptied(struct aform_screen *fs, struct rv *params)
{
	static const char *const clearable[] = {
		"commissioned", "replacement_value", "lat", "lon", NULL,
	};
	const struct rv *had;
	size_t i;

	for (i = 0; clearable[i] != NULL; i++) {
		had = rv_get(fs->asset, clearable[i]);
		if (rv_get(params, clearable[i]) == NULL && had != NULL && had->type != RV_NIL)
			rv_set_str(params, clearable[i], "");
	}
	if (rv_get(params, "site_id") == NULL && rv_path_int(fs->asset, "site_id", 0) != 0)
		rv_set_int(params, "site_id", 0);
}

static void
aform_save(struct aform_screen *fs)
{
	struct rv *params, *all;
	const struct rv *type = aform_type(fs, fs->type_id);
	char *json;
	size_t i;

	if (fs->saving)
		return;
	if (!form_ready(fs->form))
		return;
	all = rv_map();
	form_to_params(fs->form, all);
	params = rv_map();
	for (i = 0; i < all->m.n; i++) {
		const char *key = all->m.items[i].key;
		const struct rv *v = all->m.items[i].val;

		if (strncmp(key, ASSET_ATTR_PREFIX, strlen(ASSET_ATTR_PREFIX)) == 0)
			continue;
		/* An empty optional field is left as it is, except what the
		 * form sends empty on purpose (to clear it). */
		if (v->type == RV_STR && v->s.len == 0 && strcmp(key, "address") != 0)
			continue;
		rv_set(params, key, rv_copy(v));
	}
	rv_free(all);
	if (fs->asset != NULL)
		aform_clear_emptied(fs, params);
	if (type != NULL && (rv_len(rv_get(type, "attributes")) > 0 || fs->asset != NULL)) {
		json = asset_attrs_json(fs->form, type);
		rv_set_str(params, "attributes", json);
		free(json);
	}
	if (fs->asset != NULL) {
		rv_set_int(params, "id", rv_path_int(fs->asset, "id", 0));
		rv_set_int(params, "version", rv_path_int(fs->asset, "version", 0));
	}
	fs->saving = true;
	fs->save_call = form_save_call(&fs->base, &fs->request_key, TAG_SAVE,
	    fs->asset != NULL ? "asset.update" : "asset.create", params);
}

static void
aform_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct aform_screen *fs = (struct aform_screen *)s;
	struct form_field *fld;
	const struct rv *items;
	size_t i;

	switch (tag) {
	case TAG_SAVE:
		if (!fs->saving || id != fs->save_call)
			return;
		fs->saving = false;
		if (error != NULL) {
			form_save_failed(fs->form, &fs->request_key, error,
			    _("The link dropped before the answer. "
			    "Press F2 to send again: it will not be done twice."));
			return;
		}
		free(fs->request_key);
		fs->request_key = NULL;
		form_mark_clean(fs->form);
		app_message(MSG_OK, fs->asset != NULL ? _("%s saved") : _("%s created"),
		    rv_path_str(result, "code", ""));
		app_pop_screen(s);
		break;
	case TAG_TYPES:
		if (error == NULL)
			aform_types(fs, rv_get(result, "items"));
		break;
	case TAG_SERVICES:
		if (error == NULL && (fld = form_get(fs->form, "service_id")) != NULL)
			aform_options(fld, rv_get(result, "items"), false);
		form_picker_refilter(fs->form);
		break;
	case TAG_SITES:
		if (error == NULL && id == fs->sites_call &&
		    (fld = form_get(fs->form, "site_id")) != NULL) {
			aform_options(fld, rv_get(result, "items"), true);
			form_picker_refilter(fs->form);
		}
		break;
	case TAG_PARENTS:
		if (error != NULL || id != fs->parents_call ||
		    (fld = form_get(fs->form, "parent_id")) == NULL)
			break;
		items = rv_get(result, "items");
		for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
			char *label = asset_label(items->a.items[i]);

			form_option_merge(fld, rv_path_int(items->a.items[i], "id", 0), label);
			free(label);
		}
		form_picker_refilter(fs->form);
		break;
	}
}

static void
aform_fetch(struct aform_screen *fs, struct form_field *fld, const char *query)
{
	struct rv *params = rv_map();

	if (strcmp(fld->name, "site_id") == 0) {
		if (*query != '\0')
			rv_set_str(params, "query", query);
		fs->sites_call = app_call(&fs->base, TAG_SITES, "site.list", params);
	} else if (strcmp(fld->name, "parent_id") == 0 && *query != '\0') {
		rv_set_str(params, "query", query);
		fs->parents_call = app_call(&fs->base, TAG_PARENTS, "asset.search", params);
	} else
		rv_free(params);
}

static void
aform_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	if (tag == DLG_DISCARD && ok)
		app_pop_screen(s);
}

static bool
aform_key(struct screen *s, int key)
{
	struct aform_screen *fs = (struct aform_screen *)s;
	struct form_field *fld;
	char *query;

	switch (form_screen_key(fs->form, s, fs->saving, key, DLG_DISCARD,
	    _("What you typed is not saved. Leave anyway?"))) {
	case FORM_SUBMIT:
		aform_save(fs);
		break;
	case FORM_CANCEL:
		return true;
	case FORM_UNUSED:
		return false;
	case FORM_NONE:
		break;
	}
	if (!fs->form->picker.open)
		aform_type_changed(fs);
	if (form_picker_fetch(fs->form, &fld, &query)) {
		aform_fetch(fs, fld, query);
		free(query);
	}
	return true;
}

static bool
aform_enabled(struct screen *s, int action)
{
	return form_screen_enabled(((struct aform_screen *)s)->form, action, FA_PICK, FA_DONE, FA_CLOSE);
}

static void
aform_draw(struct screen *s, int y, int x, int h, int w)
{
	struct aform_screen *fs = (struct aform_screen *)s;

	form_draw_screen(fs->form, s, fs->saving, y, x, h, w);
}

static bool
aform_dirty(struct screen *s)
{
	return form_dirty(((struct aform_screen *)s)->form);
}

static void
aform_destroy(struct screen *s)
{
	struct aform_screen *fs = (struct aform_screen *)s;

	form_free(fs->form);
	rv_free(fs->asset);
	rv_free(fs->types);
	free(fs->request_key);
	free(fs);
}

static const struct screen_ops aform_ops = {
	.name = "asset-form",
	.actions = aform_actions,
	.nactions = sizeof aform_actions / sizeof aform_actions[0],
	.draw = aform_draw,
	.key = aform_key,
	.enabled = aform_enabled,
	.on_reply = aform_on_reply,
	.on_dialog = aform_on_dialog,
	.dirty = aform_dirty,
	.destroy = aform_destroy,
};

struct screen *
screen_asset_form_new(const struct rv *asset, int64_t parent_id, const char *parent_label)
{
	struct aform_screen *fs = xcalloc(1, sizeof *fs);
	struct form_field *fld;
	char *title;

	if (asset != NULL)
		title = xasprintf(_("Edit %s"), rv_path_str(asset, "code", ""));
	else
		title = xstrdup(_("New asset"));
	screen_init(&fs->base, &aform_ops, title);
	free(title);
	fs->asset = asset != NULL ? rv_copy(asset) : NULL;
	fs->type_id = rv_path_int(asset, "type_id", 0);
	aform_build(fs);
	if (asset != NULL)
		aform_fill(fs);
	else if (parent_id != 0 && (fld = form_get(fs->form, "parent_id")) != NULL) {
		form_option_merge(fld, parent_id, parent_label != NULL ? parent_label : "?");
		fld->ids = xcalloc(1, sizeof *fld->ids);
		fld->ids[0] = parent_id;
		fld->nids = 1;
	}
	form_mark_clean(fs->form);
	app_call(&fs->base, TAG_TYPES, "asset_type.list", NULL);
	app_call(&fs->base, TAG_SERVICES, "service.list", NULL);
	return &fs->base;
}
