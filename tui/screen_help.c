/* The help screen: every key of the screen it was opened from, from
 * the same action list that makes that screen's key bar, then the keys
 * that work everywhere. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "tui.h"
#include "xmalloc.h"

#define HELP_ACTIONS(X)							\
	X(HP_BACK, K_ESC, 'q', "Esc", N_("Close"), N_("Close the help"))	\
	X(HP_UP, K_UP, 'k', "\u2191", N_("Scroll"), N_("Scroll up"))	\
	X(HP_DOWN, K_DOWN, 'j', "\u2193", NULL, N_("Scroll down"))	\
	X(HP_PGUP, K_PGUP, 0, "PgUp", NULL, N_("Page up"))		\
	X(HP_PGDN, K_PGDN, K_SPACE, "PgDn", NULL, N_("Page down"))
enum { HELP_ACTIONS(ACTION_ENUM) };
static const struct action help_actions[] = { HELP_ACTIONS(ACTION_ROW) };

/* Handled by app_key for every screen. */
static const struct action global_actions[] = {
	{ 0, 0, 0, "F1 ?", NULL, N_("This help (? when not typing in a field)") },
	{ 0, 0, 0, "Esc", NULL, N_("Back to the previous screen") },
	{ 0, 0, 0, "F10", NULL, N_("Quit (asks first if a form holds unsaved work)") },
	{ 0, 0, 0, "^L", NULL, N_("Redraw the screen") },
	{ 0, 0, 0, "^C", NULL, N_("Quit at once") },
};

struct help_screen {
	struct screen base;
	const struct action *actions;
	size_t nactions;
	char *of;
	int top;
	int height;
	int total;
};

static bool
help_key(struct screen *s, int key)
{
	struct help_screen *hs = (struct help_screen *)s;
	const struct action *a;

	a = action_find(help_actions, sizeof help_actions / sizeof help_actions[0], key);
	if (a == NULL)
		return key != K_F(10);	/* F1 and ? again do nothing */
	switch (a->id) {
	case HP_BACK:
		app_pop();
		return true;
	case HP_UP:
		hs->top--;
		break;
	case HP_DOWN:
		hs->top++;
		break;
	case HP_PGUP:
		hs->top -= hs->height;
		break;
	case HP_PGDN:
		hs->top += hs->height;
		break;
	}
	if (hs->top > hs->total - hs->height)
		hs->top = hs->total - hs->height;
	if (hs->top < 0)
		hs->top = 0;
	return true;
}

static void
help_section(int *line, int top, int y, int h, int x, int w, const char *title,
    const struct action *a, size_t n)
{
	int kw = 12, row;
	size_t i;

	row = y + *line - top;
	if (row >= y && row < y + h)
		draw_text(row, x, w, title, R_HEADER, TEXT_LEFT);
	(*line)++;
	for (i = 0; i < n; i++) {
		if (a[i].help == NULL)
			continue;
		row = y + *line - top;
		(*line)++;
		if (row < y || row >= y + h)
			continue;
		draw_text(row, x + 2, kw, a[i].keyname, R_KEY, TEXT_LEFT);
		draw_text(row, x + 3 + kw, w - kw - 3, _(a[i].help), R_NORMAL, TEXT_LEFT);
	}
	(*line)++;
}

static void
help_draw(struct screen *s, int y, int x, int h, int w)
{
	struct help_screen *hs = (struct help_screen *)s;
	int line = 0;
	char *title;

	hs->height = h;
	title = xasprintf(_("Keys of %s"), hs->of);
	help_section(&line, hs->top, y, h, x + 1, w - 2, title, hs->actions, hs->nactions);
	free(title);
	help_section(&line, hs->top, y, h, x + 1, w - 2, _("Everywhere"), global_actions,
	    sizeof global_actions / sizeof global_actions[0]);
	hs->total = line;
}

static void
help_destroy(struct screen *s)
{
	struct help_screen *hs = (struct help_screen *)s;

	free(hs->of);
	free(hs);
}

static const struct screen_ops help_ops = {
	.name = "help",
	.actions = help_actions,
	.nactions = sizeof help_actions / sizeof help_actions[0],
	.draw = help_draw,
	.key = help_key,
	.destroy = help_destroy,
};

struct screen *
screen_help_new(struct screen *of)
{
	struct help_screen *hs = xcalloc(1, sizeof *hs);

	screen_init(&hs->base, &help_ops, _("Help"));
	/* The action tables are static: keeping pointers to them is safe
	 * even if the screen goes away first. */
	hs->actions = of->ops->actions;
	hs->nactions = of->ops->nactions;
	hs->of = xstrdup(*of->title != '\0' ? of->title : of->ops->name);
	return &hs->base;
}
