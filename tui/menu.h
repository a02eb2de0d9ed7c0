/* A vertical menu with section headers and a hot key per entry. */
#ifndef REGIE_TUI_MENU_H
#define REGIE_TUI_MENU_H
#include <stdbool.h>
#include <stddef.h>

struct menu_item {
	int id;			/* -1 for a header */
	int key;		/* a hot key, or 0 */
	char *label;
	char *help;		/* one line shown beside it, or NULL */
};

struct menu {
	struct menu_item *items;
	size_t n;
	size_t cur;
};

void menu_init(struct menu *m);
void menu_free(struct menu *m);
void menu_add(struct menu *m, int id, int key, const char *label, const char *help);
void menu_add_header(struct menu *m, const char *label);
/* Returns true when the key was used; *chosen gets the id of an entry
 * picked by Enter or its hot key, else -1. */
bool menu_key(struct menu *m, int key, int *chosen);
void menu_draw(struct menu *m, int y, int x, int h, int w);

#endif
