/* What other domains share with workorder.c. */
#ifndef REGIED_WORKORDER_H
#define REGIED_WORKORDER_H
#include <stdbool.h>
#include <stdint.h>
#include "method.h"

/* Puts an agent on a work order, the one way every assignment leaves
 * the same trace (workorder.assign, plan.assign, plan.move).
 *
 * Checks that the work order exists (not_found, field "work_order_id"),
 * that the caller is an admin or a supervisor of its service
 * (forbidden), that it is still open, i.e. not done, closed or cancelled
 * (invalid, field "work_order_id"), and that the agent is active and of
 * the work order's service (invalid, field "agent_id"). Locks the work
 * order's row. Then, unless the agent is already an assignee: adds it,
 * moves a planned work order to assigned (the linked request's timeline
 * records it, by the caller), bumps the version, writes an "assign"
 * timeline row, an audit row (entity "workorder", op "assign") and the
 * events: one for the service's supervisors and one for the agent's
 * login (op "assign", owner = its user id), so their "My work" hears of
 * it. Runs inside the caller's transaction.
 *
 * Returns 1 when the agent was added, 0 when it was already assigned
 * (nothing written), -1 with the call failed. */
int workorder_add_assignee(struct call *c, int64_t work_order_id, int64_t agent_id);

/* ---- between the workorder*.c files only ---- */

/* Who reads which work orders: admins, supervisors, storekeepers and
 * viewers all; an agent those it is assigned to; a referent those of the
 * requests it sees. WO_SCOPE is the SQL condition on work_orders w and
 * requests r (w's request, LEFT JOINed), WO_SCOPE_FMT and WO_SCOPE_ARGS
 * its five parameters for db_q. */
#define WO_READERS_ALL (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_STOREKEEPER | ROLE_VIEWER)
/* $1 reads all, $2 an agent, $3 a referent, $4 the caller's sites, $5 the
 * caller. */
#define WO_SCOPE \
	"($1::boolean OR ($2::boolean AND EXISTS (SELECT 1 FROM work_order_assignees sx " \
	"  JOIN agents sa ON sa.id = sx.agent_id WHERE sx.work_order_id = w.id " \
	"  AND sa.user_id = $5)) " \
	"OR ($3::boolean AND r.id IS NOT NULL AND (r.site_id = ANY ($4::bigint[]) " \
	"  OR r.requester_id = $5 OR r.created_by = $5)))"
#define WO_SCOPE_FMT "bbbAi"
#define WO_SCOPE_ARGS(c) \
	((c)->who.roles & WO_READERS_ALL) != 0, ((c)->who.roles & ROLE_AGENT) != 0, \
	((c)->who.roles & ROLE_REFERENT) != 0, (c)->who.sites, (c)->who.nsites, \
	(c)->who.user_id
#define WO_OPEN "w.status NOT IN ('done', 'closed', 'cancelled')"

/* What a change needs to know of a work order, read under lock. */
struct wo_state {
	int64_t id, version, service_id, site_id, request_id;
	bool mine;                   /* the caller's agent is an assignee */
	char status[16];
	char number[32];
	char *snapshot;              /* JSON, the audit's "before" */
};
void wo_state_free(struct wo_state *st);
/* Locks the work order; not_found when the caller cannot see it. */
int wo_lock(struct call *c, int64_t id, struct wo_state *st);
/* An admin, or a supervisor of the work order's service. */
bool wo_supervises(const struct caller *w, const struct wo_state *st);
/* The same, or an agent assigned to it. */
bool wo_works_on(const struct caller *w, const struct wo_state *st);
/* Whether the work order still takes lines; fails the call if not. */
int wo_check_open_for_lines(struct call *c, const struct wo_state *st);
/* A timeline row by the caller. */
int wo_timeline(struct call *c, int64_t id, const char *kind, const char *status,
    const char *note);
/* The audit row and the events of a change (see workorder.c). */
int wo_record(struct call *c, int64_t id, const char *op, const char *before);
/* Answers with the work order, its lines and its timeline. */
int wo_answer(struct call *c, int64_t id);
/* The database refused a value: names the field it belongs to. */
int wo_constraint_error(struct call *c);
/* A date parameter: YYYY-MM-DD, or NULL when not given. */
int wo_date_arg(struct call *c, const char *name, const char **out);

#endif
