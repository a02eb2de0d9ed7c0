/* The menu widget. */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "menu.h"
#include "tui.h"
#include "xmalloc.h"

void
menu_init(struct menu *m)
{
	memset(m, 0, sizeof *m);
}

void
menu_free(struct menu *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->items[i].label);
		free(m->items[i].help);
	}
	free(m->items);
	memset(m, 0, sizeof *m);
}

static void
menu_append(struct menu *m, int id, int key, const char *label, const char *help)
{
	m->items = xreallocarray(m->items, m->n + 1, sizeof *m->items);
	m->items[m->n].id = id;
	m->items[m->n].key = key;
	m->items[m->n].label = xstrdup(label);
	m->items[m->n].help = help != NULL ? xstrdup(help) : NULL;
	m->n++;
	/* The cursor starts on the first entry, not on a header. */
	if (m->items[m->cur].id == -1 && id != -1)
		m->cur = m->n - 1;
}

void
menu_add(struct menu *m, int id, int key, const char *label, const char *help)
{
	menu_append(m, id, key, label, help);
}

void
menu_add_header(struct menu *m, const char *label)
{
	menu_append(m, -1, 0, label, NULL);
}

static void
menu_step(struct menu *m, int dir)
{
	size_t i = m->cur;

	for (;;) {
		if (dir < 0 && i == 0)
			return;
		if (dir > 0 && i + 1 >= m->n)
			return;
		i = dir < 0 ? i - 1 : i + 1;
		if (m->items[i].id != -1) {
			m->cur = i;
			return;
		}
	}
}

bool
menu_key(struct menu *m, int key, int *chosen)
{
	size_t i;

	*chosen = -1;
	if (m->n == 0)
		return false;
	if (key == K_UP || key == 'k')
		menu_step(m, -1);
	else if (key == K_DOWN || key == 'j')
		menu_step(m, 1);
	else if (key == K_HOME) {
		m->cur = 0;
		if (m->items[0].id == -1)
			menu_step(m, 1);
	} else if (key == K_END) {
		m->cur = m->n - 1;
		if (m->items[m->cur].id == -1)
			menu_step(m, -1);
	} else if (key == K_ENTER || key == K_RIGHT) {
		if (m->items[m->cur].id != -1)
			*chosen = m->items[m->cur].id;
	} else {
		for (i = 0; i < m->n; i++) {
			if (m->items[i].id != -1 && m->items[i].key == key) {
				m->cur = i;
				*chosen = m->items[i].id;
				return true;
			}
		}
		return false;
	}
	return true;
}

void
menu_draw(struct menu *m, int y, int x, int h, int w)
{
	int lw = 0, row = 0, top = 0, l;
	size_t i;
	char *line;
	char key[8];

	for (i = 0; i < m->n; i++) {
		l = text_width(m->items[i].label);
		if (l > lw)
			lw = l;
	}
	lw += 6;
	if (lw > w)
		lw = w;
	if ((int)m->cur >= h)
		top = (int)m->cur - h + 1;
	for (i = (size_t)top; i < m->n && row < h; i++, row++) {
		struct menu_item *it = &m->items[i];

		if (it->id == -1) {
			draw_text(y + row, x, w, it->label, R_HEADER, TEXT_LEFT);
			continue;
		}
		key[0] = '\0';
		if (it->key > 0x20 && it->key < 0x7f) {
			key[0] = (char)it->key;
			key[1] = '\0';
		}
		line = xasprintf(" %-1s  %s", key, it->label);
		draw_text(y + row, x, lw, line, i == m->cur ? R_CURSOR : R_NORMAL, TEXT_LEFT);
		free(line);
		if (it->help != NULL && w - lw > 4)
			draw_text(y + row, x + lw + 2, w - lw - 2, it->help, R_DIM, TEXT_LEFT);
	}
}
