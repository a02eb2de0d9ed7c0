/* What the filing forms (new request, new work order) share. */
#include <stdlib.h>
#include <string.h>
#include "assets.h"
#include "form_screen.h"
#include "rv.h"

void form_screen_send(struct form_screen *fs, int tag, const char *method)
{
	struct rv *params;

	if (fs->saving)
		return;
	if (!form_ready(fs->form))
		return;
	params = rv_map();
	form_to_params(fs->form, params);
	if (rv_get(params, "asset_id") != NULL)
		rv_unset(params, "site_id");
	fs->saving = true;
	fs->save_call = form_save_call(&fs->base, &fs->request_key, tag, method, params);
}

uint32_t form_save_call(struct screen *s, char **request_key, int tag, const char *method,
    struct rv *params)
{
	if (*request_key == NULL)
		*request_key = app_request_key();
	rv_set_str(params, "request_key", *request_key);
	return app_call(s, tag, method, params);
}

void form_save_failed(struct form *f, char **request_key, const struct rv *error,
    const char *retry)
{
	const char *field = app_error_field(error);
	char *text;

	if (strcmp(app_error_code(error), "unavailable") == 0) {
		/* The same request_key makes sending again safe. */
		form_set_form_error(f, retry);
		return;
	}
	free(*request_key);
	*request_key = NULL;
	text = app_error_text(error);
	if (field == NULL || !form_set_error(f, field, text))
		form_set_form_error(f, text);
	free(text);
}

bool form_screen_saved(struct form_screen *fs, uint32_t id, const struct rv *error,
    const char *retry)
{
	if (!fs->saving || id != fs->save_call)
		return false;
	fs->saving = false;
	if (error != NULL) {
		form_save_failed(fs->form, &fs->request_key, error, retry);
		return false;
	}
	free(fs->request_key);
	fs->request_key = NULL;
	form_mark_clean(fs->form);
	return true;
}

bool form_screen_filing_key(struct form_screen *fs, int key, const char *question,
    void (*save)(struct form_screen *), int tag_sites, int tag_assets)
{
	struct form_field *fld;
	char *query;

	switch (form_screen_key(fs->form, &fs->base, fs->saving, key, FORM_SCREEN_DISCARD,
	    question)) {
	case FORM_SUBMIT:
		save(fs);
		break;
	case FORM_CANCEL:
		return true;
	case FORM_UNUSED:
		return false;
	case FORM_NONE:
		break;
	}
	if (form_picker_fetch(fs->form, &fld, &query)) {
		place_fetch(&fs->base, tag_sites, tag_assets, fld, query);
		free(query);
	}
	return true;
}

void form_screen_on_dialog(struct screen *s, int tag, bool ok, struct form *form)
{
	(void)form;
	if (tag == FORM_SCREEN_DISCARD && ok)
		app_pop_screen(s);
}

void form_screen_draw(struct screen *s, int y, int x, int h, int w)
{
	struct form_screen *fs = (struct form_screen *)s;

	form_draw_screen(fs->form, s, fs->saving, y, x, h, w);
}

bool form_screen_dirty(struct screen *s)
{
	return form_dirty(((struct form_screen *)s)->form);
}

void form_screen_destroy(struct screen *s)
{
	struct form_screen *fs = (struct form_screen *)s;

	form_free(fs->form);
	free(fs->request_key);
	free(fs);
}
