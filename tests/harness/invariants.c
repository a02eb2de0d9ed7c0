/* What must hold in any database Régie wrote, whatever happened to it
 * meanwhile (faults, retries, races): the checks a city's auditor would
 * make, in SQL, each failing with what it found. */
#include <stdio.h>
#include <stdlib.h>
#include "harness.h"

struct invariant {
	const char *what;            /* said when rows break it */
	const char *sql;             /* the rows that break it */
};

static const struct invariant invariants[] = {
	{ "requests in an unknown state, or approved without their work order",
	  "SELECT r.number FROM requests r WHERE r.status NOT IN ('submitted', 'approved', "
	  "'rejected', 'needs_info', 'duplicate', 'cancelled') "
	  "OR (r.status = 'approved') <> (r.work_order_id IS NOT NULL)" },
	{ "approved requests whose work order does not point back at them",
	  "SELECT r.number FROM requests r JOIN work_orders w ON w.id = r.work_order_id "
	  "WHERE w.request_id IS DISTINCT FROM r.id" },
	{ "requests without the audit row of their filing",
	  "SELECT r.number FROM requests r WHERE NOT EXISTS (SELECT 1 FROM audit_log a "
	  "WHERE a.entity = 'request' AND a.entity_id = r.id)" },
	{ "requests filed twice by one retried call (one audit row each)",
	  "SELECT a.entity_id FROM audit_log a WHERE a.entity = 'request' "
	  "AND a.method = 'request.submit' GROUP BY a.entity_id HAVING count(*) > 1" },
	{ "work orders in an unknown state, or on hold without a reason",
	  "SELECT w.number FROM work_orders w WHERE w.status NOT IN ('planned', 'assigned', "
	  "'in_progress', 'on_hold', 'done', 'closed', 'cancelled') "
	  "OR (w.status = 'on_hold') <> (w.hold_reason IS NOT NULL)" },
	{ "closed work orders whose frozen cost is not the sum of their lines",
	  "SELECT w.number FROM work_orders w JOIN work_order_costs c ON c.work_order_id = w.id "
	  "WHERE w.status = 'closed' AND (w.cost_labour <> c.labour "
	  "OR w.cost_material <> c.material OR w.cost_services <> c.services)" },
	{ "labour lines not valued at hours times their rate",
	  "SELECT l.id FROM work_order_labour l WHERE l.amount <> round(l.hours * l.rate, 2)" },
	{ "labour lines valued at another rate than the agent's on that day",
	  "SELECT l.id FROM work_order_labour l "
	  "WHERE l.rate IS DISTINCT FROM regie_agent_rate(l.agent_id, l.day)" },
	{ "work orders without the audit row of their creation",
	  "SELECT w.number FROM work_orders w WHERE w.request_id IS NULL AND NOT EXISTS "
	  "(SELECT 1 FROM audit_log a WHERE a.entity = 'workorder' AND a.entity_id = w.id)" },
	{ "stored answers whose request_key belongs to no user",
	  "SELECT k.key FROM idempotency_keys k LEFT JOIN users u ON u.id = k.user_id "
	  "WHERE u.id IS NULL" },
};

void h_assert_invariants_at(const char *file, int line, const char *conninfo)
{
	PGconn *pg = h_pg(conninfo);

	for (size_t i = 0; i < sizeof invariants / sizeof invariants[0]; i++) {
		long n = h_pg_count(pg, invariants[i].sql);

		if (n != 0) {
			char *first = h_pg_value(pg, invariants[i].sql);

			PQfinish(pg);
			fail_msg("%s:%d: %ld %s (first: %s)", file, line, n, invariants[i].what,
			    first ? first : "?");
		}
	}
	PQfinish(pg);
}
