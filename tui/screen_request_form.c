/* New request: the form a referent in a hurry fills. Where (a site, or
 * an asset searched as one types; both limited by the server to the
 * sites the referent covers), what (a category), how urgent, what is
 * wrong, and optionally a wished-for date and a contact. Staff taking a
 * phone call also give the caller's name. The server's errors land on
 * the field they name; once filed, the request opens. */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "form_screen.h"
#include "requests.h"
#include "tui.h"
#include "xmalloc.h"

#define RFORM_ACTIONS(X)						\
	X(RF_SAVE, K_F(2), 0, "F2", N_("File"), N_("File the request (also: Enter on [ File ])")) \
	X(RF_NEXT, K_TAB, K_DOWN, "Tab", N_("Next"), N_("Next field (Shift-Tab or \u2191: previous)")) \
	X(RF_PICK, K_ENTER, 0, "Enter", N_("Choose"), N_("Open the list of choices; type to search")) \
	X(RF_DONE, K_ENTER, 0, "Enter", N_("Done"), N_("In a list: take the choice")) \
	X(RF_CLOSE, K_ESC, 0, "Esc", N_("Close list"), N_("In a list: close it, keeping the old choice")) \
	X(RF_CANCEL, K_ESC, 0, "Esc", N_("Cancel"), N_("Leave the form (asks first if you typed something)"))
enum { RFORM_ACTIONS(ACTION_ENUM) };
static const struct action rform_actions[] = { RFORM_ACTIONS(ACTION_ROW) };

enum { TAG_SAVE = 1, TAG_CATEGORIES, TAG_SITES, TAG_ASSETS };

static const char *
rform_check(struct form *f)
{
	if (form_get(f, "site_id")->nids == 0 && form_get(f, "asset_id")->nids == 0) {
		form_set_error(f, "site_id", _("Choose a site or an asset"));
		return _("Say where: a site or an asset");
	}
	return NULL;
}

static void
rform_build(struct form_screen *fs)
{
	struct form *f = form_new();
	struct form_field *fld;

	fld = form_add(f, F_REF, "site_id", _("Site"));
	fld->search_server = true;
	free(fld->hint);
	fld->hint = xstrdup(_("or an asset below"));
	fld = form_add(f, F_REF, "asset_id", _("Asset"));
	fld->search_server = true;
	free(fld->hint);
	fld->hint = xstrdup(_("type to search"));
	fld = form_add(f, F_REF, "category_id", _("Category"));
	fld->required = true;
	fld = form_add(f, F_CHOICE, "urgency", _("Urgency"));
	fld->required = true;
	request_urgency_options(fld);
	fld->ids = xcalloc(1, sizeof *fld->ids);
	fld->ids[0] = 3;	/* normal */
	fld->nids = 1;
	fld = form_add(f, F_TEXT, "description", _("What is wrong"));
	fld->required = true;
	fld->maxlen = 4000;
	form_add(f, F_DATE, "desired_date", _("Wished for"));
	fld = form_add(f, F_TEXT, "contact", _("Contact"));
	fld->maxlen = 200;
	free(fld->hint);
	fld->hint = xstrdup(_("phone, on site"));
	/* Staff file on behalf of a caller on the phone. */
	if (app_has_role(ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT)) {
		fld = form_add(f, F_TEXT, "requester_name", _("For (caller)"));
		fld->maxlen = 200;
		free(fld->hint);
		fld->hint = xstrdup(_("empty: yourself"));
	}
	f->check = rform_check;
	f->submit_label = N_("File");
	fs->form = f;
	form_mark_clean(f);
}

static void
rform_save(struct form_screen *fs)
{
	form_screen_send(fs, TAG_SAVE, "request.submit");
}

static void
rform_categories(struct form_field *fld, const struct rv *items)
{
	for (size_t i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		const struct rv *it = items->a.items[i];
		char *label;

		if (rv_path_int(it, "service_id", 0) == 0)
			/* The server refuses it until an admin routes it. */
			label = xasprintf(_("%s (not routed yet)"), _(rv_path_str(it, "name", "")));
		else
			label = xasprintf("%s \u2192 %s", _(rv_path_str(it, "name", "")),
			    rv_path_str(it, "service_name", ""));
		form_option_merge(fld, rv_path_int(it, "id", 0), label);
		free(label);
	}
}

static void
rform_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct form_screen *fs = (struct form_screen *)s;
	struct form_field *fld;
	int64_t rid;

	switch (tag) {
	case TAG_SAVE:
		if (!form_screen_saved(fs, id, error, _("The link dropped before the answer. "
		    "Press F2 to send again: it will not be filed twice.")))
			return;
		app_message(MSG_OK, _("Request %s filed"), rv_path_str(result, "number", ""));
		rid = rv_path_int(result, "id", 0);
		app_pop_screen(s);
		app_push(screen_request_new(rid));
		break;
	case TAG_CATEGORIES:
		if (error == NULL && (fld = form_get(fs->form, "category_id")) != NULL) {
			rform_categories(fld, rv_get(result, "items"));
			form_picker_refilter(fs->form);
		}
		break;
	case TAG_SITES:
	case TAG_ASSETS:
		/* Every answer adds to the choices, late ones too: the list of
		 * all one's sites, asked first, may come after a search that
		 * found nothing by prefix ("jaur" for Jean-Jaur\u00e8s), and the
		 * picker filters what it has as one types. */
		if (error != NULL)
			break;
		fld = form_get(fs->form, tag == TAG_SITES ? "site_id" : "asset_id");
		place_options(fld, rv_get(result, "items"), tag == TAG_ASSETS);
		form_picker_refilter(fs->form);
		break;
	}
}

static bool
rform_key(struct screen *s, int key)
{
	return form_screen_filing_key((struct form_screen *)s, key,
	    _("The request is not filed. Leave anyway?"), rform_save, TAG_SITES, TAG_ASSETS);
}

static bool
rform_enabled(struct screen *s, int action)
{
	return form_screen_enabled(((struct form_screen *)s)->form, action, RF_PICK, RF_DONE, RF_CLOSE);
}

static const struct screen_ops rform_ops = {
	.name = "request-form",
	.actions = rform_actions,
	.nactions = sizeof rform_actions / sizeof rform_actions[0],
	.draw = form_screen_draw,
	.key = rform_key,
	.enabled = rform_enabled,
	.on_reply = rform_on_reply,
	.on_dialog = form_screen_on_dialog,
	.dirty = form_screen_dirty,
	.destroy = form_screen_destroy,
};

struct screen *
screen_request_form_new(void)
{
	struct form_screen *fs = xcalloc(1, sizeof *fs);

	screen_init(&fs->base, &rform_ops, _("New request"));
	rform_build(fs);
	app_call(&fs->base, TAG_CATEGORIES, "category.list", NULL);
	/* The sites one covers, ready before the first key. */
	app_call(&fs->base, TAG_SITES, "site.list", NULL);
	return &fs->base;
}
