/* The lines around every screen: the title bar with the connection
 * state (always visible, top right), the message line with the latest
 * event and, for a few seconds, a toast announcing a new one, and the key
 * bar. */
#ifndef REGIE_TUI_STATUSLINE_H
#define REGIE_TUI_STATUSLINE_H
#include <stddef.h>

#include "tui.h"

struct rv;

/* "user #42 updated: hfaure" from an event map. Returns malloc'd text. */
char *statusline_event_text(const struct rv *event);
/* "connected", "reconnecting (12 s)"... for the state and how long it
 * has lasted. Returns buf. */
char *statusline_state_text(enum regie_state state, long seconds, char *buf, size_t len);
/* Lays out the key bar: "n New  Enter Edit ..." entries that fit in
 * width, most important first. Returns how many entries fit. */
size_t statusline_keys_fit(const struct action *a, const bool *on, size_t n, int width);

void statusline_draw_top(struct screen **stack, size_t n);
void statusline_draw_message(int y, int w);
void statusline_draw_keys(int y, int w, struct screen *s);

#endif
