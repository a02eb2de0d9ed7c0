/* system.*: who the server is, whether it answers, and what it offers.
 * system.describe is generated from the method tables themselves, so
 * the manual, the client and the tests can check against it. */
#include <time.h>
#include "dispatch.h"
#include "regied.h"

static int system_hello(struct call *c)
{
	struct rv *r = rv_map();

	rv_set_int(r, "protocol", REGIE_PROTOCOL);
	rv_set_str(r, "server", "regied " REGIED_VERSION);
	rv_set_str(r, "instance", server_instance());
	return call_ok(c, r);
}

static int system_ping(struct call *c)
{
	struct rv *r = rv_map();
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rv_set_bool(r, "pong", true);
	rv_set_str(r, "time", now);
	return call_ok(c, r);
}

static struct rv *roles_rv(unsigned mask)
{
	struct rv *a = rv_array();

	for (int i = 0; i < ROLE_COUNT; i++) {
		if (mask & (1u << i))
			rv_push(a, rv_str(role_name(1u << i)));
	}
	return a;
}

/* A parameter every method of a kind takes, checked by the dispatcher. */
static struct rv *optional_param(const char *name, const char *type)
{
	struct rv *p = rv_map();

	rv_set_str(p, "name", name);
	rv_set_str(p, "type", type);
	rv_set_bool(p, "required", false);
	return p;
}

static int system_describe(struct call *c)
{
	struct rv *r = rv_map(), *list = rv_array();

	for (size_t i = 0; i < dispatch_count(); i++) {
		const struct method *m = dispatch_at(i);
		struct rv *entry = rv_map(), *params = rv_array();

		rv_set_str(entry, "name", m->name);
		rv_set_str(entry, "help", m->help);
		rv_set(entry, "roles", roles_rv(m->flags & M_ANON ? ROLE_ALL : m->roles));
		rv_set_bool(entry, "auth", !(m->flags & M_ANON));
		rv_set_bool(entry, "mutates", (m->flags & M_MUTATES) != 0);
		for (int k = 0; k < METHOD_MAX_PARAMS && m->params[k].name != NULL; k++) {
			struct rv *p = rv_map();
			rv_set_str(p, "name", m->params[k].name);
			rv_set_str(p, "type", ptype_name(m->params[k].type));
			rv_set_bool(p, "required", m->params[k].required);
			if (m->params[k].choices != NULL) {
				struct rv *ch = rv_array();
				for (const char *const *s = m->params[k].choices; *s; s++)
					rv_push(ch, rv_str(*s));
				rv_set(p, "choices", ch);
			}
			rv_push(params, p);
		}
		if (m->flags & M_MUTATES)
			rv_push(params, optional_param("request_key", "string"));
		if (m->flags & M_PAGE)
			rv_push(params, optional_param("fresh", "boolean"));
		rv_set(entry, "params", params);
		rv_push(list, entry);
	}
	rv_set(r, "methods", list);
	return call_ok(c, r);
}

static int system_stats(struct call *c)
{
	return call_ok(c, server_stats());
}

const struct method system_methods[] = {
	{ "system.hello", system_hello, ROLE_ALL, M_ANON | M_LOOP,
	  "the protocol version, the server's version and instance", { { 0 } } },
	{ "system.ping", system_ping, ROLE_ALL, M_ANON | M_LOOP,
	  "answers at once with the server's time", { { 0 } } },
	{ "system.describe", system_describe, ROLE_ALL, M_LOOP,
	  "every method with its parameters, roles and help", { { 0 } } },
	{ "system.stats", system_stats, ROLE_ADMIN, M_LOOP,
	  "connections, sessions, calls in flight and the page cache's counters", { { 0 } } },
	{ 0 }
};
