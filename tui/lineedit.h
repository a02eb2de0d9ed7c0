/* A one-line text editor: what form fields, filters and pickers type
 * into. Emacs-style keys as in a shell (^A ^E ^U ^K ^W) plus the arrows. */
#ifndef REGIE_TUI_LINEEDIT_H
#define REGIE_TUI_LINEEDIT_H
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct lineedit {
	wchar_t *buf;
	size_t len, cap;
	size_t pos;		/* cursor, in characters */
	size_t scroll;		/* first character shown */
	size_t max;		/* most characters accepted; 0: no limit */
};

void lineedit_init(struct lineedit *le, size_t max);
void lineedit_free(struct lineedit *le);
void lineedit_set(struct lineedit *le, const char *utf8);
/* The text as malloc'd UTF-8. */
char *lineedit_text(const struct lineedit *le);
bool lineedit_empty(const struct lineedit *le);
void lineedit_clear(struct lineedit *le);
/* Returns true when the key was an editing key (the text or the cursor
 * may have changed); *changed says whether the text did. */
bool lineedit_key(struct lineedit *le, int key, bool *changed);
/* Adjusts scroll so the cursor shows in width columns; returns the
 * cursor's column relative to the start of the field. */
int lineedit_place(struct lineedit *le, int width);
/* Draws the visible part at (y, x) in w columns; secret shows bullets.
 * Returns the cursor column (absolute). */
int lineedit_draw(struct lineedit *le, int y, int x, int w, int role, bool secret);

#endif
