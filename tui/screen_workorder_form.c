/* New work order, made directly by a supervisor (no request behind it):
 * a preventive round, a regulatory check, an improvement, or a repair
 * seen on the way. The type, the priority, the technical service that
 * does it (one's own first), where (a site, or an asset searched as one
 * types), a title and a description, the planned dates and the target.
 * The server's errors land on the field they name; once created, the
 * work order opens. */
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "form_screen.h"
#include "tui.h"
#include "workorders.h"
#include "xmalloc.h"

#define WFORM_ACTIONS(X)						\
	X(WF_SAVE, K_F(2), 0, "F2", N_("Create"), N_("Create the work order (also: Enter on [ Create ])")) \
	X(WF_NEXT, K_TAB, K_DOWN, "Tab", N_("Next"), N_("Next field (Shift-Tab or \u2191: previous)")) \
	X(WF_PICK, K_ENTER, 0, "Enter", N_("Choose"), N_("Open the list of choices; type to search")) \
	X(WF_DONE, K_ENTER, 0, "Enter", N_("Done"), N_("In a list: take the choice")) \
	X(WF_CLOSE, K_ESC, 0, "Esc", N_("Close list"), N_("In a list: close it, keeping the old choice")) \
	X(WF_CANCEL, K_ESC, 0, "Esc", N_("Cancel"), N_("Leave the form (asks first if you typed something)"))
enum { WFORM_ACTIONS(ACTION_ENUM) };
static const struct action wform_actions[] = { WFORM_ACTIONS(ACTION_ROW) };

enum { TAG_SAVE = 1, TAG_SERVICES, TAG_SITES, TAG_ASSETS };

static const char *const wo_types[] = { "corrective", "preventive", "regulatory",
    "improvement" };
static const char *const wo_priorities[] = { "urgent", "high", "normal", "low" };

static const char *
wform_check(struct form *f)
{
	if (form_get(f, "site_id")->nids == 0 && form_get(f, "asset_id")->nids == 0) {
		form_set_error(f, "site_id", _("Choose a site or an asset"));
		return _("Say where: a site or an asset");
	}
	return NULL;
}

static void
wform_build(struct form_screen *fs)
{
	struct form *f = form_new();
	struct form_field *fld;
	size_t i;

	fld = form_add(f, F_CHOICE, "type", _("Type"));
	fld->required = true;
	for (i = 0; i < sizeof wo_types / sizeof wo_types[0]; i++)
		form_option_add(fld, (int64_t)i + 1, wo_types[i], wo_type_text(wo_types[i]));
	wo_form_set_key(f, "type", "corrective");
	fld = form_add(f, F_CHOICE, "priority", _("Priority"));
	fld->required = true;
	for (i = 0; i < sizeof wo_priorities / sizeof wo_priorities[0]; i++)
		form_option_add(fld, (int64_t)i + 1, wo_priorities[i],
		    wo_priority_text(wo_priorities[i]));
	wo_form_set_key(f, "priority", "normal");
	fld = form_add(f, F_REF, "service_id", _("Service"));
	fld->required = true;
	fld = form_add(f, F_REF, "site_id", _("Site"));
	fld->search_server = true;
	fld->hint = xstrdup(_("or an asset below"));
	fld = form_add(f, F_REF, "asset_id", _("Asset"));
	fld->search_server = true;
	fld->hint = xstrdup(_("type to search"));
	fld = form_add(f, F_TEXT, "title", _("Title"));
	fld->required = true;
	fld->maxlen = 200;
	fld = form_add(f, F_TEXT, "description", _("Description"));
	fld->maxlen = 4000;
	form_add(f, F_DATE, "planned_start", _("Planned start"));
	form_add(f, F_DATE, "planned_end", _("Planned end"));
	form_add(f, F_DATE, "target_date", _("Target date"));
	f->check = wform_check;
	f->submit_label = N_("Create");
	fs->form = f;
	form_mark_clean(f);
}

/* The technical services; one's own first service chosen, unless the
 * person chose already. Only the first of one's services that does
 * work counts: a supervisor may also belong to a requesting one. */
static void
wform_services(struct form_screen *fs, const struct rv *items)
{
	struct form_field *fld = form_get(fs->form, "service_id");
	const struct rv *mine = rv_get(app.user, "services"), *it;
	bool dirty = form_dirty(fs->form);
	int64_t pick = 0;
	size_t i, k;

	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		it = items->a.items[i];
		form_option_merge(fld, rv_path_int(it, "id", 0), rv_path_str(it, "name", ""));
	}
	for (k = 0; mine != NULL && mine->type == RV_ARRAY && pick == 0 && k < mine->a.n; k++) {
		if (mine->a.items[k]->type == RV_INT &&
		    form_option_find(fld, mine->a.items[k]->i) != NULL)
			pick = mine->a.items[k]->i;
	}
	if (pick == 0 && fld->nopts == 1)
		pick = fld->opts[0].id;
	if (pick != 0 && fld->nids == 0) {
		wo_form_set_id(fs->form, "service_id", pick);
		/* A default is not something typed: leaving asks nothing. */
		if (!dirty)
			form_mark_clean(fs->form);
	}
	form_picker_refilter(fs->form);
}

static void
wform_save(struct form_screen *fs)
{
	form_screen_send(fs, TAG_SAVE, "workorder.create");
}

static void
wform_on_reply(struct screen *s, int tag, uint32_t id, const struct rv *error,
    const struct rv *result)
{
	struct form_screen *fs = (struct form_screen *)s;
	int64_t wid;

	switch (tag) {
	case TAG_SAVE:
		if (!form_screen_saved(fs, id, error, _("The link dropped before the answer. "
		    "Press F2 to send again: it will not be created twice.")))
			return;
		app_message(MSG_OK, _("Work order %s created"), rv_path_str(result, "number", ""));
		wid = rv_path_int(result, "id", 0);
		app_pop_screen(s);
		app_push(screen_workorder_new(wid, WO_TAB_INFO));
		break;
	case TAG_SERVICES:
		if (error == NULL)
			wform_services(fs, rv_get(result, "items"));
		break;
	case TAG_SITES:
	case TAG_ASSETS:
		/* Every answer adds to the choices, late ones too; the picker
		 * filters what it has as one types. */
		if (error != NULL)
			break;
		place_options(form_get(fs->form, tag == TAG_SITES ? "site_id" : "asset_id"),
		    rv_get(result, "items"), tag == TAG_ASSETS);
		form_picker_refilter(fs->form);
		break;
	}
}

static bool
wform_key(struct screen *s, int key)
{
	return form_screen_filing_key((struct form_screen *)s, key,
	    _("The work order is not created. Leave anyway?"), wform_save, TAG_SITES, TAG_ASSETS);
}

static bool
wform_enabled(struct screen *s, int action)
{
	return form_screen_enabled(((struct form_screen *)s)->form, action, WF_PICK, WF_DONE, WF_CLOSE);
}

static const struct screen_ops wform_ops = {
	.name = "workorder-form",
	.actions = wform_actions,
	.nactions = sizeof wform_actions / sizeof wform_actions[0],
	.draw = form_screen_draw,
	.key = wform_key,
	.enabled = wform_enabled,
	.on_reply = wform_on_reply,
	.on_dialog = form_screen_on_dialog,
	.dirty = form_screen_dirty,
	.destroy = form_screen_destroy,
};

struct screen *
screen_workorder_form_new(void)
{
	struct form_screen *fs = xcalloc(1, sizeof *fs);
	struct rv *params = rv_map();

	screen_init(&fs->base, &wform_ops, _("New work order"));
	wform_build(fs);
	rv_set_str(params, "kind", "technical");
	app_call(&fs->base, TAG_SERVICES, "service.list", params);
	/* The sites, ready before the first key. */
	app_call(&fs->base, TAG_SITES, "site.list", NULL);
	return &fs->base;
}
