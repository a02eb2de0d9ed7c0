/* Colours, attributes and the few drawing primitives every screen uses.
 * Screens ask for a role (a header, the cursor row, an error), never for
 * a colour, so that monochrome terminals and NO_COLOR get attributes
 * that still tell the roles apart. */
#ifndef REGIE_TUI_DRAW_H
#define REGIE_TUI_DRAW_H
#include <stdbool.h>
#include <wchar.h>

#include "text.h"

enum draw_role {
	R_NORMAL,
	R_TITLE,	/* the top bar */
	R_HEADER,	/* table headers, section names */
	R_CURSOR,	/* the row or item under the cursor */
	R_MARK,		/* selected rows */
	R_KEY,		/* a key in the key bar */
	R_KEYLABEL,	/* what the key does */
	R_ERROR,
	R_SUCCESS,
	R_WARN,
	R_DIM,
	R_FIELD,	/* an input field */
	R_FIELD_FOCUS,
	R_TOAST,
	R_BORDER,
	R_COUNT
};

/* Colour when the terminal has it and NO_COLOR is unset or empty. */
bool theme_want_color(void);
void theme_init(bool color);
int theme_attr(enum draw_role role);

/* Draws text clipped and padded to exactly w columns at (y, x). */
void draw_text(int y, int x, int w, const char *utf8, enum draw_role role,
    enum text_align align);
void draw_wtext(int y, int x, int w, const wchar_t *ws, size_t n,
    enum draw_role role, enum text_align align);
/* Draws text at (y, x) in no more than w columns, with no padding;
 * returns the columns used. */
int draw_str(int y, int x, int w, const char *utf8, enum draw_role role);
void draw_fill(int y, int x, int h, int w, enum draw_role role);
/* A frame with a title in its top edge; clears the inside. */
void draw_frame(int y, int x, int h, int w, const char *title, enum draw_role role);

#endif
