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
/* Validates the form and sends it as method's params, tagged tag: an
 * asset chosen makes the site the asset's (site_id is left out). The
 * request_key is kept until a definite answer, so that sending again
 * after a dropped link cannot file twice. */
void form_screen_send(struct form_screen *fs, int tag, const char *method);
/* Sends a save with *request_key, made on the first try and kept for the
 * retries (form_save_failed drops it on a definite answer); takes params.
 * For any form sent with a key. */
uint32_t form_save_call(struct screen *s, char **request_key, int tag, const char *method,
    struct rv *params);
/* The answer to the save: false when it is not the one awaited, or when
 * it failed (the errors are then on the form, retry saying that F2 is
 * safe after a dropped link); true when saved, the form then clean. */
bool form_screen_saved(struct form_screen *fs, uint32_t id, const struct rv *error,
    const char *retry);
/* A failed save's errors on their fields, or on the form; a dropped link
 * keeps *request_key and shows retry. For any form sent with a key (the
 * asset form too). */
void form_save_failed(struct form *f, char **request_key, const struct rv *error,
    const char *retry);
void form_screen_on_dialog(struct screen *s, int tag, bool ok, struct form *form);
void form_screen_draw(struct screen *s, int y, int x, int h, int w);
bool form_screen_dirty(struct screen *s);
void form_screen_destroy(struct screen *s);

#endif
