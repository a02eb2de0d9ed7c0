/* event.subscribe: which topics this connection wants pushed. Answered
 * on the loop, since the subscription is the connection's own state. */
#include "dispatch.h"
#include "regied.h"

static int event_subscribe(struct call *c)
{
	const struct arg *a = arg_get(c, "topics");
	struct rv *r, *kept;

	for (size_t i = 0; i < a->n; i++) {
		const struct topic *t = topic_find(a->strs[i]);
		if (t == NULL)
			return call_fail(c, RERR_INVALID, "topics", "no topic named '%s'", a->strs[i]);
		if (!(t->roles & c->who.roles))
			return call_fail(c, RERR_FORBIDDEN, "topics",
			    "your roles do not allow the topic '%s'", a->strs[i]);
	}
	conn_subscribe(c->conn, a->strs, a->n);
	r = rv_map();
	kept = rv_array();
	for (size_t i = 0; i < a->n; i++)
		rv_push(kept, rv_str(a->strs[i]));
	rv_set(r, "topics", kept);
	return call_ok(c, r);
}

const struct method event_methods[] = {
	{ "event.subscribe", event_subscribe, ROLE_ALL, M_LOOP,
	  "sets the topics whose events this connection receives", {
		{ "topics", P_STRLIST, true, 0, 64, NULL },
		{ 0 } } },
	{ 0 }
};
