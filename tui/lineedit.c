/* One-line text editing on a wide-character buffer. */
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "draw.h"
#include "lineedit.h"
#include "text.h"
#include "tui.h"
#include "xmalloc.h"

void
lineedit_init(struct lineedit *le, size_t max)
{
	memset(le, 0, sizeof *le);
	le->max = max;
	le->cap = 16;
	le->buf = xcalloc(le->cap, sizeof *le->buf);
}

void
lineedit_free(struct lineedit *le)
{
	free(le->buf);
	le->buf = NULL;
	le->len = le->cap = le->pos = 0;
}

static void
lineedit_reserve(struct lineedit *le, size_t n)
{
	if (n + 1 <= le->cap)
		return;
	while (le->cap < n + 1)
		le->cap *= 2;
	le->buf = xreallocarray(le->buf, le->cap, sizeof *le->buf);
}

void
lineedit_set(struct lineedit *le, const char *utf8)
{
	size_t n;
	wchar_t *ws = text_to_wide(utf8, &n);

	if (le->max != 0 && n > le->max)
		n = le->max;
	lineedit_reserve(le, n);
	memcpy(le->buf, ws, n * sizeof *ws);
	le->buf[n] = 0;
	le->len = le->pos = n;
	le->scroll = 0;
	free(ws);
}

char *
lineedit_text(const struct lineedit *le)
{
	return text_from_wide(le->buf, le->len);
}

bool
lineedit_empty(const struct lineedit *le)
{
	return le->len == 0;
}

void
lineedit_clear(struct lineedit *le)
{
	le->len = le->pos = le->scroll = 0;
	le->buf[0] = 0;
}

static void
lineedit_delete(struct lineedit *le, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(le->buf + from, le->buf + to, (le->len - to + 1) * sizeof *le->buf);
	le->len -= to - from;
	if (le->pos > to)
		le->pos -= to - from;
	else if (le->pos > from)
		le->pos = from;
}

bool
lineedit_key(struct lineedit *le, int key, bool *changed)
{
	size_t p;

	*changed = false;
	if (key == K_LEFT || key == KCTRL('b')) {
		if (le->pos > 0)
			le->pos--;
	} else if (key == K_RIGHT || key == KCTRL('f')) {
		if (le->pos < le->len)
			le->pos++;
	} else if (key == K_HOME || key == KCTRL('a'))
		le->pos = 0;
	else if (key == K_END || key == KCTRL('e'))
		le->pos = le->len;
	else if (key == K_BS || key == KCTRL('h')) {
		if (le->pos == 0)
			return true;
		lineedit_delete(le, le->pos - 1, le->pos);
		*changed = true;
	} else if (key == K_DEL || key == KCTRL('d')) {
		if (le->pos == le->len)
			return true;
		lineedit_delete(le, le->pos, le->pos + 1);
		*changed = true;
	} else if (key == KCTRL('u')) {
		*changed = le->pos > 0;
		lineedit_delete(le, 0, le->pos);
	} else if (key == KCTRL('k')) {
		*changed = le->pos < le->len;
		lineedit_delete(le, le->pos, le->len);
	} else if (key == KCTRL('w')) {
		p = le->pos;
		while (p > 0 && le->buf[p - 1] == L' ')
			p--;
		while (p > 0 && le->buf[p - 1] != L' ')
			p--;
		*changed = p < le->pos;
		lineedit_delete(le, p, le->pos);
	} else if (KEY_IS_CHAR(key) && key >= 0x20 && key != 0x7f &&
	    iswprint((wint_t)key)) {
		if (le->max != 0 && le->len >= le->max)
			return true;
		lineedit_reserve(le, le->len + 1);
		memmove(le->buf + le->pos + 1, le->buf + le->pos,
		    (le->len - le->pos + 1) * sizeof *le->buf);
		le->buf[le->pos++] = (wchar_t)key;
		le->len++;
		*changed = true;
	} else
		return false;
	return true;
}

int
lineedit_place(struct lineedit *le, int width)
{
	int w;

	if (width < 2)
		width = 2;
	if (le->scroll > le->pos)
		le->scroll = le->pos;
	/* Keep one column free after the cursor for the cursor itself. */
	while ((w = text_wwidth(le->buf + le->scroll, le->pos - le->scroll)) > width - 1)
		le->scroll++;
	return w;
}

int
lineedit_draw(struct lineedit *le, int y, int x, int w, int role, bool secret)
{
	int col = lineedit_place(le, w);
	size_t n = le->len - le->scroll, i;
	wchar_t *shown;

	if (!secret) {
		draw_wtext(y, x, w, le->buf + le->scroll, n, role, TEXT_LEFT);
		return x + col;
	}
	shown = xreallocarray(NULL, n + 1, sizeof *shown);
	for (i = 0; i < n; i++)
		shown[i] = L'*';
	shown[n] = 0;
	draw_wtext(y, x, w, shown, n, role, TEXT_LEFT);
	free(shown);
	return x + (int)(le->pos - le->scroll);
}
