/* What the request screens share: the words for states and urgencies,
 * the mark of a request close to or past its target date, and the
 * screens themselves (new request, my requests, one request, the
 * validation queue).
 *
 * Nothing here but the screens touches the terminal. */
#ifndef REGIE_TUI_REQUESTS_H
#define REGIE_TUI_REQUESTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct form_field;
struct rv;
struct screen;
struct table;

/* Who files requests and who decides them (as the server says). */
#define REQUEST_FILERS (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_REFERENT)
#define REQUEST_DECIDERS (ROLE_ADMIN | ROLE_SUPERVISOR)

/* How near its target date a waiting request is. The server gives the
 * calendar days left (days_left, nil once decided); "soon" is one
 * working day or less, weekends skipped. */
enum request_due { DUE_NONE, DUE_SOON, DUE_LATE };
enum request_due request_due(const struct rv *request);
/* The same, today being wday (0 Sunday .. 6 Saturday). */
enum request_due request_due_on(const struct rv *request, int wday);
/* "!!" late, "!" soon, "" else: a mark readable without colour. */
const char *request_due_mark(enum request_due due);

const char *request_status_text(const char *status);
const char *request_urgency_text(const char *urgency);
/* The asset ("CODE Name") or else the site the request is about.
 * malloc'd. */
char *request_where(const struct rv *request);
/* The target date in the user's locale, into buf. */
char *request_target_text(const struct rv *request, char *buf, size_t len);
/* Adds the four urgencies to a choice field. */
void request_urgency_options(struct form_field *fld);
/* Redraws the due-mark column (column 0) of a drawn table in colour
 * and bold: late rows as errors, soon ones as warnings. The same box
 * as table_draw. */
void request_draw_marks(struct table *t, int y, int x, int h, int w);

struct screen *screen_request_form_new(void);
struct screen *screen_requests_new(void);
struct screen *screen_request_new(int64_t id);
struct screen *screen_queue_new(void);

#endif
