/* The client's core: keys, actions, the screen stack and the application
 * state every screen sees.
 *
 * A screen is a struct that starts with struct screen and a table of
 * operations (tig and htop work this way). Screens sit on a stack; the
 * top one gets the keys, and Esc pops it. Each screen file lists its
 * actions once, with an X-macro, and that one list gives the enum the
 * code switches on, the key bar at the bottom and the `?` help screen,
 * so the three cannot disagree. */
#ifndef REGIE_TUI_H
#define REGIE_TUI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <curses.h>

#include "client.h"
#include "i18n.h"
#include "rv.h"

/* Keys: characters are their code point; the keys ncurses names
 * (arrows, F-keys) are flagged so they never collide with a character. */
#define KEYF(k)		(0x40000000 | (k))
#define KEY_IS_CHAR(k)	(((k) & 0x40000000) == 0)
#define KCTRL(c)	((c) & 0x1f)
#define K_ENTER		'\n'
#define K_ESC		27
#define K_TAB		'\t'
#define K_SPACE		' '
#define K_UP		KEYF(KEY_UP)
#define K_DOWN		KEYF(KEY_DOWN)
#define K_LEFT		KEYF(KEY_LEFT)
#define K_RIGHT		KEYF(KEY_RIGHT)
#define K_HOME		KEYF(KEY_HOME)
#define K_END		KEYF(KEY_END)
#define K_PGUP		KEYF(KEY_PPAGE)
#define K_PGDN		KEYF(KEY_NPAGE)
#define K_BS		KEYF(KEY_BACKSPACE)
#define K_DEL		KEYF(KEY_DC)
#define K_BTAB		KEYF(KEY_BTAB)
#define K_RESIZE	KEYF(KEY_RESIZE)
#define K_F(n)		KEYF(KEY_F(n))

struct action {
	int id;
	int key;		/* what triggers it */
	int key2;		/* another key for it, or 0 */
	const char *keyname;	/* as the key bar and help show it */
	const char *label;	/* short, for the key bar (N_); NULL: help only */
	const char *help;	/* one line for the help screen (N_) */
};
#define ACTION_ENUM(id, k, k2, kn, lab, hlp) id,
#define ACTION_ROW(id, k, k2, kn, lab, hlp) { id, k, k2, kn, lab, hlp },
const struct action *action_find(const struct action *a, size_t n, int key);

struct screen;
struct form;

struct screen_ops {
	const char *name;
	const struct action *actions;
	size_t nactions;
	/* Drawn over the screen below it (dialogs, pickers). */
	bool overlay;

	void (*draw)(struct screen *s, int y, int x, int h, int w);
	/* Returns true when the key was used. */
	bool (*key)(struct screen *s, int key);
	/* Whether an action works right now (the key bar hides those that
	 * do not). NULL: all work. */
	bool (*enabled)(struct screen *s, int action);
	/* A pushed event ({topic, op, id, ...}), or {topic: "resync"} when
	 * events may have been lost: reload what is shown. */
	void (*on_event)(struct screen *s, const struct rv *event);
	/* The answer to an app_call this screen made; id is what app_call
	 * returned. error is NULL on success. */
	void (*on_reply)(struct screen *s, int tag, uint32_t id,
	    const struct rv *error, const struct rv *result);
	void (*on_timer)(struct screen *s, int tag);
	/* A dialog this screen opened was answered. form is the dialog's
	 * form (or NULL), still owned by the dialog. */
	void (*on_dialog)(struct screen *s, int tag, bool ok, struct form *form);
	/* Back on top after the screen above was popped. */
	void (*on_show)(struct screen *s);
	/* Unsaved work that quitting would lose. */
	bool (*dirty)(struct screen *s);
	void (*destroy)(struct screen *s);
};

struct screen {
	const struct screen_ops *ops;
	uint64_t serial;	/* replies and timers find their screen by it */
	char *title;
	struct screen *below;
	/* Where the terminal cursor goes after a draw (text entry). */
	bool cursor_on;
	int cursor_y, cursor_x;
};

enum role_bit {
	ROLE_ADMIN = 1 << 0,
	ROLE_SUPERVISOR = 1 << 1,
	ROLE_AGENT = 1 << 2,
	ROLE_STOREKEEPER = 1 << 3,
	ROLE_REFERENT = 1 << 4,
	ROLE_VIEWER = 1 << 5,
};
#define ROLE_COUNT 6
extern const char *const role_names[ROLE_COUNT];
unsigned roles_from_rv(const struct rv *array);

enum message_kind { MSG_INFO, MSG_OK, MSG_ERROR };

struct app {
	struct event_base *base;
	struct regie_client *client;
	char *server;		/* the address we talk to */
	char *login_hint;	/* prefilled on the login screen */
	bool color;

	struct screen *top;
	uint64_t next_serial;

	enum regie_state state;
	bool ever_connected;
	time_t offline_since;	/* when the link was last lost; 0 while up */

	bool logged_in;
	struct rv *user;	/* USER of the session */
	unsigned roles;
	char *expires;		/* RFC 3339 */

	char *message;		/* the message line */
	enum message_kind message_kind;
	time_t message_at;

	char *last_event;	/* shown on the message line when idle */
	char *toast;
	bool quitting;
};
extern struct app app;

/* Sets up the stack, the redraw event and the client's callbacks. */
void app_init(struct event_base *base, struct regie_client *client,
    const char *server, const char *login_hint);
void app_free(void);
/* Feeds one key (as from input_key_from_curses) to the top screen. */
void app_key(int key);
/* Marks the screen for redraw at the end of this turn of the loop. */
void app_dirty(void);
/* Draws everything now. */
void app_draw(void);
/* The terminal changed size. */
void app_resize(void);
/* Takes the terminal's size now if curses has another idea of it (a
 * resize that came while regie was starting went to nobody). */
void app_sync_size(void);
void app_quit(void);

void screen_init(struct screen *s, const struct screen_ops *ops, const char *title);
void screen_set_title(struct screen *s, const char *title);
void app_push(struct screen *s);
void app_pop(void);			/* destroys the top screen */
void app_pop_screen(struct screen *s);	/* pops s and all above it */
void app_clear(void);			/* pops everything */
struct screen *app_find(uint64_t serial);
bool app_on_stack(const struct screen *s);

/* Calls the server for screen s; the answer goes to s->ops->on_reply
 * with tag, or nowhere if s is gone by then. Takes params. Returns the
 * call's id. */
uint32_t app_call(struct screen *s, int tag, const char *method, struct rv *params);
/* One-shot timer for s (replaces an earlier one with the same tag). */
void app_timer(struct screen *s, int tag, int ms);
void app_timer_cancel(struct screen *s, int tag);

void app_message(enum message_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A person's phrase for a server error: by code, with the server's
 * message where it says more. Returns a malloc'd string. */
char *app_error_text(const struct rv *error);
const char *app_error_code(const struct rv *error);
const char *app_error_field(const struct rv *error);
/* The session started (login or re-login): keep the user, subscribe. */
void app_session_start(const struct rv *result);
void app_session_end(void);
/* The server no longer knows our session: log in again on top. */
void app_session_lost(void);
/* Tells every screen to reload (after a reconnection). */
void app_resync(void);
/* Quits, asking first when a form holds unsaved work. */
void app_ask_quit(void);
bool app_has_role(unsigned roles);

/* A fresh key for a mutating call, so that a retry after a dropped link
 * is answered once (request_key). Returns malloc'd text. */
char *app_request_key(void);

/* Input: a key as wget_wch gave it (its return and character). */
int input_key_from_curses(int ret, unsigned int wc);

/* Screens. */
struct screen *screen_login_new(bool relogin);
struct screen *screen_home_new(void);
struct screen *screen_users_new(void);
/* Creates a user (user NULL) or edits one (a USER map). */
struct screen *screen_user_form_new(const struct rv *user);
struct screen *screen_audit_new(void);
struct screen *screen_audit_detail_new(const struct rv *item);
struct screen *screen_info_new(void);
struct screen *screen_help_new(struct screen *of);

/* Times from the wire, in the user's zone and locale. Returns buf. */
char *time_format(const char *rfc3339, bool seconds, char *buf, size_t len);
/* Parses "2026-11-28T18:18:27Z" (or with an offset); -1 if not. */
time_t time_parse(const char *rfc3339);

#endif
