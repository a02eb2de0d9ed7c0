/* The form widget: typed fields, a picker with search-as-you-type for
 * choices and references, inline validation, and errors from the server
 * shown on the field they name.
 *
 * A form is plain data: screens build one, feed it keys, read its values
 * as a params map for the server, and draw it. Only form_draw touches
 * the terminal, so validation and editing are unit-tested. */
#ifndef REGIE_TUI_FORM_H
#define REGIE_TUI_FORM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lineedit.h"
#include "text.h"

struct rv;

enum field_type {
	F_TEXT,
	F_PASSWORD,
	F_NUMBER,	/* an integer */
	F_MONEY,	/* euros, two decimals; sent as a decimal string */
	F_DATE,		/* sent as YYYY-MM-DD */
	F_CHOICE,	/* one of fixed options; sent as the option's key */
	F_MULTI,	/* any of fixed options; sent as an array of keys */
	F_REF,		/* one server object; sent as its id */
	F_REFS,		/* server objects; sent as an array of ids */
	F_BOOL,
};

struct form_option {
	int64_t id;
	char *key;		/* the wire value (F_CHOICE, F_MULTI) */
	char *label;		/* what a person reads */
	char *folded;
};

struct form_field;
/* A check of a field's text beyond its type: returns a message, or
 * NULL when it is fine. */
typedef const char *(*form_check_cb)(const char *text);

struct form_field {
	enum field_type type;
	char *name;		/* the parameter; server errors name it */
	char *label;
	char *hint;		/* shown after the value: "8 characters or more" */
	bool required;
	bool readonly;
	bool send_empty;	/* an empty optional text is sent as "" (to clear it) */
	bool search_server;	/* F_REF(S): options come from the server as you type */
	size_t minlen, maxlen;	/* characters, for text */
	form_check_cb check;

	struct lineedit le;	/* text, password, number, money, date */
	bool checked;		/* F_BOOL */
	struct form_option *opts;
	size_t nopts;
	int64_t *ids;		/* chosen option ids */
	size_t nids;

	char *error;
};

struct form_picker {
	bool open;
	size_t field;
	struct lineedit query;
	size_t *match;		/* indexes into the field's options */
	size_t nmatch;
	size_t cur, top;
	int64_t *ids;		/* the choice being made (F_MULTI, F_REFS) */
	size_t nids;
	bool fetch;		/* the query changed: the screen should ask the server */
};

enum form_result {
	FORM_NONE,		/* key used (or ignored) */
	FORM_SUBMIT,		/* Save: validate, then send */
	FORM_CANCEL,		/* Esc, or Cancel */
	FORM_UNUSED,		/* not a key for the form */
};

struct form {
	struct form_field **fields;
	size_t n;
	size_t focus;		/* a field, or n for Save, n + 1 for Cancel */
	bool buttons;		/* show Save and Cancel */
	const char *submit_label;
	char *error;		/* about the whole form */
	/* A check across fields (two passwords equal): a message or NULL. */
	const char *(*check)(struct form *f);
	struct form_picker picker;
	char *clean;		/* the values when last saved or loaded */
	int top;		/* first line shown */
	bool month_first;	/* dates as mm/dd/yyyy */
};

struct form *form_new(void);
void form_free(struct form *f);
struct form_field *form_add(struct form *f, enum field_type type, const char *name,
    const char *label);
struct form_field *form_get(struct form *f, const char *name);
void form_option_add(struct form_field *fld, int64_t id, const char *key, const char *label);
/* Adds or renames the option with this id. */
void form_option_merge(struct form_field *fld, int64_t id, const char *label);
const struct form_option *form_option_find(const struct form_field *fld, int64_t id);

/* Setting and reading values. */
void form_set_text(struct form *f, const char *name, const char *text);
char *form_text(const struct form *f, const char *name);
void form_set_bool(struct form *f, const char *name, bool on);
/* Chooses options: by key for F_CHOICE and F_MULTI, by id for refs. */
void form_set_keys(struct form *f, const char *name, const struct rv *keys);
void form_set_ids(struct form *f, const char *name, const struct rv *ids);
bool form_field_has(const struct form_field *fld, int64_t id);

/* Validation. form_check_field sets (or clears) the field's error and
 * returns it; form_validate checks all, focuses the first bad field, and
 * returns true when all are good. */
const char *form_check_field(struct form *f, struct form_field *fld);
bool form_validate(struct form *f);
/* Before a save: clears the server's last errors, validates, and says
 * so on the message line when a field needs attention. */
bool form_ready(struct form *f);
/* A server error naming a field: shown on it, and the field focused.
 * Returns false when no field has that name. */
bool form_set_error(struct form *f, const char *name, const char *message);
void form_set_form_error(struct form *f, const char *message);
void form_clear_errors(struct form *f);

/* The values as params: adds each field (not read-only ones) to map. */
void form_to_params(const struct form *f, struct rv *map);
/* Unsaved changes since form_mark_clean. */
bool form_dirty(const struct form *f);
void form_mark_clean(struct form *f);

enum form_result form_key(struct form *f, int key);
void form_focus(struct form *f, const char *name);
struct form_field *form_focused(struct form *f);

/* The picker of a server-searched field wants options for a query:
 * returns the field and the (malloc'd) query once per change. */
bool form_picker_fetch(struct form *f, struct form_field **fld, char **query);
/* Options changed (the screen merged an answer): filter them again. */
void form_picker_refilter(struct form *f);

/* Parsers used by validation, exported for the tests. out gets the wire
 * form. They return NULL on success or a message. */
const char *form_parse_number(const char *text, long long *out);
const char *form_parse_money(const char *text, char *out, size_t len);
const char *form_parse_date(const char *text, bool month_first, char *out, size_t len);

/* Lines the form takes drawn whole (fields, their errors, buttons). */
int form_height(const struct form *f);
/* Draws in the box; *cy, *cx get where the terminal cursor goes, and
 * the return says whether it shows. */
bool form_draw(struct form *f, int y, int x, int h, int w, int *cy, int *cx);
/* A form that fills a whole screen: padded, with "Saving..." at the
 * bottom while a save is in flight, and the screen's cursor in the
 * focused field. */
struct screen;
void form_draw_screen(struct form *f, struct screen *s, bool saving, int y, int x, int h, int w);

/* What every full-screen form (asset, request, work order) does with a
 * key: nothing but help and quit while a save is in flight; Esc leaves,
 * asking first (a confirm dialog tagged discard_tag, with question) when
 * something was typed. Returns FORM_SUBMIT when the form is to be saved,
 * FORM_CANCEL when the caller has nothing more to do (a save is in
 * flight, or the screen is gone: touch nothing of it), FORM_UNUSED for a
 * key left to the app, FORM_NONE otherwise. */
enum form_result form_screen_key(struct form *f, struct screen *s, bool saving, int key,
    int discard_tag, const char *question);
/* Which of a full-screen form's actions its key bar offers: pick on a
 * field with choices, done and close while a picker is open, every
 * other action while none is. */
bool form_screen_enabled(struct form *f, int action, int pick, int done, int close);

#endif
