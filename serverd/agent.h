/* What the people and planning files share (agent.c, org_work.c,
 * plan.c): who plans a service, and checks of hours, money and dates
 * given as strings. */
#ifndef REGIED_AGENT_H
#define REGIED_AGENT_H
#include <stdbool.h>
#include <stdint.h>
#include "method.h"

/* The agent as the API shows it, with the rate in force today. */
#define AGENT_COLUMNS \
	"a.id, a.code, a.name, a.user_id, u.login AS user_login, a.service_id, " \
	"s.name AS service_name, a.team_id, t.name AS team_name, a.trade, a.weekly_hours, " \
	"a.active, regie_agent_rate(a.id, current_date) AS rate, a.version"
#define AGENT_FROM \
	"agents a JOIN services s ON s.id = a.service_id " \
	"LEFT JOIN teams t ON t.id = a.team_id LEFT JOIN users u ON u.id = a.user_id"

/* Admins plan everywhere; a supervisor plans the services it covers. */
bool agent_may_manage(const struct caller *w, int64_t service_id);
/* Fails the call with `forbidden` unless the caller manages service_id. */
int agent_check_manage(struct call *c, int64_t service_id);

/* The optional string parameter name, when given, must be a decimal
 * within [min, max] with at most scale decimals; fails the call with
 * `invalid` naming it. Returns the value (NULL when absent) in *out. */
int agent_decimal_arg(struct call *c, const char *name, double min, double max, int scale,
    const char **out);
/* The same for a date, YYYY-MM-DD. */
int agent_date_arg(struct call *c, const char *name, const char **out);

#endif
