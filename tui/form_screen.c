/* What the filing forms (new request, new work order) share. */
#include <stdlib.h>
#include "assets.h"
#include "form_screen.h"

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
