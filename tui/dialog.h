/* Dialogs: a message, a yes/no question, a small form. Each is a screen
 * drawn over the one that opened it; the answer goes to that screen's
 * on_dialog, if it is still there. */
#ifndef REGIE_TUI_DIALOG_H
#define REGIE_TUI_DIALOG_H
#include "tui.h"

struct form;

/* The tag of the quit question, which has no screen to answer to. */
#define DIALOG_QUIT (-100)

void dialog_message(const char *title, const char *text);
void dialog_confirm(struct screen *parent, int tag, const char *title, const char *text);
/* Takes the form; on_dialog gets it after it validated. */
void dialog_form(struct screen *parent, int tag, const char *title, struct form *form);
/* The form of the dialog on top, if any (to show a server error on it). */
struct form *dialog_top_form(void);

#endif
