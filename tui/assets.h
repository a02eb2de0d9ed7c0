/* What the Assets screens share, apart from the drawing: the asset
 * type's attributes as form fields (and back to the JSON the server
 * checks), and the tree browser's rows.
 *
 * Nothing here touches the terminal, so the unit tests check it. */
#ifndef REGIE_TUI_ASSETS_H
#define REGIE_TUI_ASSETS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct form;
struct rv;
struct screen;

/* The prefix of the form fields that hold attributes: a field is named
 * as the server's errors name it ("attributes.species"). */
#define ASSET_ATTR_PREFIX "attributes."

/* Adds a field per attribute the type declares (TYPE of asset_type.get):
 * text, int as a number, numeric as a decimal, date, choice. */
void asset_attrs_fields(struct form *f, const struct rv *type);
/* Puts an asset's attribute values (a map) into those fields. */
void asset_attrs_fill(struct form *f, const struct rv *type, const struct rv *values);
/* The attributes as the JSON object text asset.create/update take: the
 * fields with a value, typed as the type says. Returns malloc'd text. */
char *asset_attrs_json(const struct form *f, const struct rv *type);
/* A YYYY-MM-DD date as a date field shows it (28/11/2026). Returns buf. */
char *asset_date_field(const char *ymd, bool month_first, char *buf, size_t len);
/* Checks a decimal typed with a point or a comma ("12,5"). */
const char *asset_check_decimal(const char *text);
/* A value from the wire as a person reads it. Returns malloc'd text. */
char *asset_value_text(const struct rv *v);
/* The label of an attribute of the type (or its name). */
const char *asset_attr_label(const struct rv *type, const char *name);
/* Copies into dst the values of src's fields with the same name and type
 * (a form rebuilt for another asset type keeps what was typed). */
void asset_form_copy(struct form *dst, const struct form *src);

/* The tree browser: sites at the top, the assets at the top of each
 * site under it, what is inside each asset under that, and last a group
 * of every asset at the top (those on no site are found there). Levels
 * are loaded as they are expanded and flattened into rows in display
 * order. A "more" row stands for the next page of a level. */
enum asset_node_kind { NODE_ROOT, NODE_SITE, NODE_GROUP, NODE_ASSET, NODE_MORE };

struct asset_node {
	enum asset_node_kind kind;
	int64_t id;		/* the site or asset (a group: 0) */
	/* A "more" row: the level it continues (NODE_ROOT for the top). */
	enum asset_node_kind parent_kind;
	int64_t parent_id;
	int depth;
	bool expanded;		/* children shown (or being loaded) */
	bool loading;
	bool has_children;
	char *after;		/* "more": the cursor of the next page */
	struct rv *item;	/* the site or asset as the server sent it */
};

struct asset_tree {
	struct asset_node *nodes;
	size_t n;
	size_t cur, top;
};

void asset_tree_clear(struct asset_tree *t);
/* The row of a site, group or asset, or -1. */
long asset_tree_find(const struct asset_tree *t, enum asset_node_kind kind, int64_t id);
/* A page ({items, next}) of the level under (pkind, pid) arrived, its
 * items of the kind given: inserted in place of the level's "more" row,
 * or at the end of the level. Returns false (and changes nothing) when
 * that level is no longer shown expanded. */
bool asset_tree_loaded(struct asset_tree *t, enum asset_node_kind pkind, int64_t pid,
    const struct rv *result, enum asset_node_kind kind);
/* Marks row i expanded and loading; returns false when it has nothing
 * to expand or is already expanded. */
bool asset_tree_expand(struct asset_tree *t, size_t i);
/* Removes the rows under row i. */
void asset_tree_collapse(struct asset_tree *t, size_t i);
/* The row of i's parent, or -1 at the top. */
long asset_tree_parent(const struct asset_tree *t, size_t i);
/* Turns a "more" row into a loading one; returns the level it continues
 * and its cursor. */
bool asset_tree_more(struct asset_tree *t, size_t i, enum asset_node_kind *pkind,
    int64_t *pid, const char **after);

/* The detail view's tabs. */
enum asset_tab { TAB_INFO, TAB_ATTRS, TAB_CHILDREN, TAB_HISTORY, TAB_DOCS, TAB_COUNT };

/* Screens: the list, tree and search; one asset; the form that creates
 * (asset NULL, under parent_id when not 0) or edits one. */
struct screen *screen_assets_new(void);
struct screen *screen_asset_new(int64_t id, enum asset_tab tab);
struct screen *screen_asset_form_new(const struct rv *asset, int64_t parent_id,
    const char *parent_label);

/* Pushes a screen that finds an asset as one types; parent's on_dialog
 * gets (tag, ok, a form whose F_REF field "id" holds the choice, empty
 * for "none" when allow_none). not_id is shown but cannot be chosen. */
void asset_pick(struct screen *parent, int tag, const char *title, int64_t not_id,
    bool allow_none);

/* A YYYY-MM-DD date in the user's locale; money ("1234.50") grouped the
 * locale's way with its decimal sign and "€". Return buf. */
char *asset_date_text(const char *ymd, char *buf, size_t len);
char *asset_money_text(const char *amount, char *buf, size_t len);
/* "in service", "out of service", "disposed" for a status. */
const char *asset_status_text(const char *status);
/* "ARB-000012 Platane", the way rows name an asset. malloc'd. */
char *asset_label(const struct rv *asset);
/* A form's site or asset picker (the fields site_id and asset_id):
 * place_options merges an answer of site.list or asset.search into the
 * field's choices; place_fetch asks for the choices of what is typed,
 * its answer coming back to s tagged tag_sites or tag_assets. */
struct form_field;
struct screen;
void place_options(struct form_field *fld, const struct rv *items, bool asset);
void place_fetch(struct screen *s, int tag_sites, int tag_assets, const struct form_field *fld,
    const char *query);

#endif
