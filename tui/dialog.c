/* Message, confirm and form dialogs. */
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "xmalloc.h"

enum dialog_kind { DIALOG_MESSAGE, DIALOG_CONFIRM, DIALOG_FORM };

#define DIALOG_ACTIONS(X)						\
	X(DA_YES, 'y', 0, "y", N_("Yes"), N_("Answer yes"))	\
	X(DA_NO, 'n', K_ESC, "n", N_("No"), N_("Answer no"))		\
	X(DA_OK, K_ENTER, K_ESC, "Enter", N_("OK"), N_("Close the message")) \
	X(DA_SAVE, K_F(2), 0, "F2", N_("OK"), N_("Confirm the form"))	\
	X(DA_NEXT, K_TAB, 0, "Tab", N_("Next field"), N_("Move to the next field")) \
	X(DA_CANCEL, K_ESC, 0, "Esc", N_("Cancel"), N_("Close without doing anything")) \
	X(DA_PICK, K_ENTER, 0, "Enter", N_("Choose"), N_("On a list field: open the choices; type to search")) \
	X(DA_DONE, K_ENTER, 0, "Enter", N_("Done"), N_("In a list: take the choice")) \
	X(DA_CLOSE, K_ESC, 0, "Esc", N_("Close list"), N_("In a list: close it, keeping the old choice"))
enum { DIALOG_ACTIONS(ACTION_ENUM) };
static const struct action dialog_actions[] = { DIALOG_ACTIONS(ACTION_ROW) };

struct dialog {
	struct screen base;
	enum dialog_kind kind;
	uint64_t parent;	/* serial, 0 for none */
	int tag;
	char *text;
	bool yes;		/* the focused button of a confirm */
	struct form *form;
};

static void
dialog_answer(struct dialog *d, bool ok)
{
	struct form *form = d->form;
	uint64_t serial = d->parent;
	int tag = d->tag;
	struct screen *parent;

	/* Pop first: the parent may open another dialog in its answer. */
	d->form = NULL;
	app_pop_screen(&d->base);
	parent = serial != 0 ? app_find(serial) : NULL;
	if (parent != NULL && parent->ops->on_dialog != NULL)
		parent->ops->on_dialog(parent, tag, ok, form);
	else if (serial == 0 && tag == DIALOG_QUIT && ok)
		app_quit();
	form_free(form);
}

static bool
dialog_enabled(struct screen *s, int action)
{
	struct dialog *d = (struct dialog *)s;
	struct form_field *fld;

	switch (d->kind) {
	case DIALOG_MESSAGE:
		return action == DA_OK;
	case DIALOG_CONFIRM:
		return action == DA_YES || action == DA_NO;
	case DIALOG_FORM:
		if (d->form->picker.open)
			return action == DA_DONE || action == DA_CLOSE;
		fld = form_focused(d->form);
		if (action == DA_PICK)
			return fld != NULL && fld->type >= F_CHOICE && fld->type <= F_REFS;
		return action == DA_SAVE || action == DA_NEXT || action == DA_CANCEL;
	}
	return false;
}

static bool
dialog_key(struct screen *s, int key)
{
	struct dialog *d = (struct dialog *)s;

	switch (d->kind) {
	case DIALOG_MESSAGE:
		if (key == K_ENTER || key == K_ESC || key == K_SPACE)
			dialog_answer(d, true);
		return true;
	case DIALOG_CONFIRM:
		if (key == 'y' || key == 'Y')
			dialog_answer(d, true);
		else if (key == 'n' || key == 'N' || key == K_ESC)
			dialog_answer(d, false);
		else if (key == K_ENTER)
			dialog_answer(d, d->yes);
		else if (key == K_LEFT || key == K_RIGHT || key == K_TAB)
			d->yes = !d->yes;
		return true;
	case DIALOG_FORM:
		switch (form_key(d->form, key)) {
		case FORM_SUBMIT:
			if (form_validate(d->form))
				dialog_answer(d, true);
			return true;
		case FORM_CANCEL:
			dialog_answer(d, false);
			return true;
		case FORM_NONE:
			return true;
		case FORM_UNUSED:
			/* F1 and F10 still work; nothing else leaks below. */
			return key != K_F(1) && key != K_F(10);
		}
	}
	return true;
}

static void
dialog_draw(struct screen *s, int y, int x, int h, int w)
{
	struct dialog *d = (struct dialog *)s;
	char **lines = NULL, *b;
	size_t n = 0, i;
	int bw, bh, by, bx, inner, fh = 0, cy, cx, used;

	bw = w - 4 < 64 ? w - 4 : 64;
	inner = bw - 4;
	if (d->text != NULL)
		lines = text_wrap(d->text, inner, &n);
	/* Frame, text, then the form or a blank line and the buttons. */
	if (d->kind == DIALOG_FORM) {
		fh = form_height(d->form);
		/* An open list is drawn inside the box: a form of one or two
		 * fields would leave it no room for a single choice. */
		if (d->form->picker.open && fh < 10)
			fh = 10;
	} else
		fh = 2;
	bh = 2 + (int)n + fh;
	if (bh > h)
		bh = h;
	by = y + (h - bh) / 2;
	bx = x + (w - bw) / 2;
	draw_frame(by, bx, bh, bw, s->title, R_BORDER);
	for (i = 0; i < n && (int)i < bh - 3; i++)
		draw_text(by + 1 + (int)i, bx + 2, inner, lines[i], R_NORMAL, TEXT_LEFT);
	text_lines_free(lines, n);
	switch (d->kind) {
	case DIALOG_MESSAGE:
		draw_text(by + bh - 2, bx + 2, inner, _("[ OK ]"), R_CURSOR, TEXT_CENTER);
		break;
	case DIALOG_CONFIRM:
		b = xasprintf("[ %s ]", _("Yes"));
		used = draw_str(by + bh - 2, bx + 2, inner, b, d->yes ? R_CURSOR : R_NORMAL);
		free(b);
		b = xasprintf("[ %s ]", _("No"));
		draw_str(by + bh - 2, bx + 4 + used, inner - used - 2, b,
		    d->yes ? R_NORMAL : R_CURSOR);
		free(b);
		break;
	case DIALOG_FORM:
		if (form_draw(d->form, by + 1 + (int)n, bx + 2, bh - 2 - (int)n, inner,
		    &cy, &cx)) {
			s->cursor_on = true;
			s->cursor_y = cy;
			s->cursor_x = cx;
		}
		break;
	}
}

static void
dialog_destroy(struct screen *s)
{
	struct dialog *d = (struct dialog *)s;

	free(d->text);
	form_free(d->form);
	free(d);
}

static const struct screen_ops dialog_ops = {
	.name = "dialog",
	.actions = dialog_actions,
	.nactions = sizeof dialog_actions / sizeof dialog_actions[0],
	.overlay = true,
	.draw = dialog_draw,
	.key = dialog_key,
	.enabled = dialog_enabled,
	.destroy = dialog_destroy,
};

static struct dialog *
dialog_new(enum dialog_kind kind, struct screen *parent, int tag, const char *title,
    const char *text)
{
	struct dialog *d = xcalloc(1, sizeof *d);

	screen_init(&d->base, &dialog_ops, title);
	d->kind = kind;
	d->parent = parent != NULL ? parent->serial : 0;
	d->tag = tag;
	d->text = text != NULL ? xstrdup(text) : NULL;
	return d;
}

void
dialog_message(const char *title, const char *text)
{
	app_push(&dialog_new(DIALOG_MESSAGE, NULL, 0, title, text)->base);
}

void
dialog_confirm(struct screen *parent, int tag, const char *title, const char *text)
{
	struct dialog *d = dialog_new(DIALOG_CONFIRM, parent, tag, title, text);

	d->yes = false;	/* a stray Enter must not destroy anything */
	app_push(&d->base);
}

void
dialog_form(struct screen *parent, int tag, const char *title, struct form *form)
{
	struct dialog *d = dialog_new(DIALOG_FORM, parent, tag, title, NULL);

	d->form = form;
	form->submit_label = N_("OK");
	app_push(&d->base);
}

struct form *
dialog_top_form(void)
{
	struct screen *s = app.top;

	if (s == NULL || s->ops != &dialog_ops)
		return NULL;
	return ((struct dialog *)s)->form;
}
