/* What the work-order screens share, apart from the drawing: the words
 * for statuses, priorities and types, hours and quantities as people
 * type them and as the wire wants them, and the screens themselves.
 *
 * Nothing here touches the terminal, so the unit tests check it. */
#ifndef REGIE_TUI_WORKORDERS_H
#define REGIE_TUI_WORKORDERS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct form;
struct rv;
struct screen;

/* "in progress", "urgent", "preventive": the server's words for people. */
const char *wo_status_text(const char *status);
const char *wo_priority_text(const char *priority);
const char *wo_type_text(const char *type);
/* Not done, closed nor cancelled. */
bool wo_is_open(const char *status);

/* A positive decimal typed with a point or a comma, with at most
 * decimals digits after it ("2,5" -> "2.5"): out gets the wire form.
 * Returns NULL on success or a message. */
const char *wo_parse_decimal(const char *text, int decimals, char *out, size_t len);
/* Form checks for hours (at most 24, two decimals) and quantities. */
const char *wo_check_hours(const char *text);
const char *wo_check_quantity(const char *text);
/* Hours from the wire ("7.00", "2.50") as people read them: "7", "2,5"
 * in a French locale. Returns buf. */
char *wo_hours_text(const char *hours, char *buf, size_t len);
/* An occupancy (a number, or a decimal string) as a whole percentage. */
int wo_percent(const struct rv *occupancy);
/* Today in the local zone, YYYY-MM-DD; and a date moved by days. */
char *wo_today(char *buf, size_t len);
char *wo_date_add(const char *ymd, int days, char *buf, size_t len);
/* The assignees' names, comma-separated. Returns malloc'd text. */
char *wo_assignees_text(const struct rv *wo);

/* Chooses one option of a choice or reference field, by id or key. */
void wo_form_set_id(struct form *f, const char *name, int64_t id);
void wo_form_set_key(struct form *f, const char *name, const char *key);

/* The detail's tabs. */
enum wo_tab { WO_TAB_INFO, WO_TAB_LABOUR, WO_TAB_MATERIAL, WO_TAB_SERVICES,
    WO_TAB_TIMELINE, WO_TAB_COUNT };

/* Screens: the list with filters; one work order; a new one made
 * directly (supervisors); the agent's own work; the planning board. */
struct screen *screen_workorders_new(void);
struct screen *screen_workorder_new(int64_t id, enum wo_tab tab);
struct screen *screen_workorder_form_new(void);
struct screen *screen_mywork_new(void);
struct screen *screen_plan_new(void);

#endif
