/* The full-screen forms that file something new, a request or a work
 * order: a form, the save in flight, and the request_key that makes a
 * save sent again after a dropped link harmless. A screen is a struct
 * form_screen (or embeds one first), and these serve as its ops. */
#ifndef REGIE_FORM_SCREEN_H
#define REGIE_FORM_SCREEN_H
#include <stdbool.h>
#include <stdint.h>
#include "form.h"
#include "tui.h"

enum { FORM_SCREEN_DISCARD = 1 };   /* the tag of its "leave anyway?" dialog */

struct form_screen {
	struct screen base;
	struct form *form;
	bool saving;
	uint32_t save_call;
	char *request_key;
};

/* Its keys (form_screen_key, asking question before leaving unsaved
 * work): save calls save; typing in a site or asset picker asks for
 * choices with the tags tag_sites and tag_assets (place_fetch). */
bool form_screen_filing_key(struct form_screen *fs, int key, const char *question,
    void (*save)(struct form_screen *), int tag_sites, int tag_assets);
void form_screen_on_dialog(struct screen *s, int tag, bool ok, struct form *form);
void form_screen_draw(struct screen *s, int y, int x, int h, int w);
bool form_screen_dirty(struct screen *s);
void form_screen_destroy(struct screen *s);

#endif
