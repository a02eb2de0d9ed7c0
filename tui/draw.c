/* Drawing on stdscr with roles instead of colours. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "xmalloc.h"
#include "tui.h"

static int theme_attrs[R_COUNT];

bool
theme_want_color(void)
{
	const char *nc = getenv("NO_COLOR");

	/* no-color.org: set and not empty means no colour. */
	if (nc != NULL && *nc != '\0')
		return false;
	return has_colors();
}

void
theme_init(bool color)
{
	static const struct {
		enum draw_role role;
		short fg, bg;
		int attr;	/* added to the colour */
		int mono;	/* used alone without colour */
	} map[] = {
		{ R_NORMAL, -1, -1, 0, A_NORMAL },
		{ R_TITLE, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
		{ R_HEADER, COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE },
		{ R_CURSOR, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		{ R_MARK, COLOR_YELLOW, -1, A_BOLD, A_BOLD },
		{ R_KEY, COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		{ R_KEYLABEL, -1, -1, 0, A_NORMAL },
		{ R_ERROR, COLOR_RED, -1, A_BOLD, A_BOLD },
		{ R_SUCCESS, COLOR_GREEN, -1, A_BOLD, A_NORMAL },
		{ R_WARN, COLOR_YELLOW, -1, A_BOLD, A_BOLD },
		{ R_DIM, -1, -1, A_DIM, A_DIM },
		{ R_FIELD, -1, -1, A_UNDERLINE, A_UNDERLINE },
		{ R_FIELD_FOCUS, COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
		{ R_TOAST, COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE | A_BOLD },
		{ R_BORDER, COLOR_BLUE, -1, 0, A_NORMAL },
	};
	size_t i;

	if (color) {
		start_color();
		use_default_colors();
	}
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (!color) {
			theme_attrs[map[i].role] = map[i].mono;
			continue;
		}
		init_pair((short)(i + 1), map[i].fg, map[i].bg);
		theme_attrs[map[i].role] = (int)COLOR_PAIR((int)i + 1) | map[i].attr;
	}
}

int
theme_attr(enum draw_role role)
{
	return theme_attrs[role];
}

void
draw_wtext(int y, int x, int w, const wchar_t *ws, size_t n, enum draw_role role,
    enum text_align align)
{
	wchar_t *fit;

	if (w <= 0)
		return;
	fit = text_wfit(ws, n, w, align);
	attrset(theme_attr(role));
	mvaddwstr(y, x, fit);
	attrset(A_NORMAL);
	free(fit);
}

void
draw_text(int y, int x, int w, const char *utf8, enum draw_role role,
    enum text_align align)
{
	size_t n;
	wchar_t *ws = text_to_wide(utf8, &n);

	draw_wtext(y, x, w, ws, n, role, align);
	free(ws);
}

int
draw_str(int y, int x, int w, const char *utf8, enum draw_role role)
{
	size_t n;
	wchar_t *ws = text_to_wide(utf8, &n);
	int used = text_wwidth(ws, n);

	if (used > w)
		used = w;
	draw_wtext(y, x, used, ws, n, role, TEXT_LEFT);
	free(ws);
	return used;
}

void
draw_fill(int y, int x, int h, int w, enum draw_role role)
{
	int i;

	if (w <= 0)
		return;
	attrset(theme_attr(role));
	for (i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	attrset(A_NORMAL);
}

void
draw_frame(int y, int x, int h, int w, const char *title, enum draw_role role)
{
	if (h < 2 || w < 2)
		return;
	draw_fill(y, x, h, w, R_NORMAL);
	attrset(theme_attr(role));
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	if (title != NULL && *title != '\0' && w > 6) {
		char *t = xasprintf(" %s ", title);

		draw_str(y, x + 2, w - 4, t, R_HEADER);
		free(t);
	}
}
