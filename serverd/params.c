/* Parameter checking against a method's spec, and the typed accessors
 * handlers read arguments with. Nothing here touches the network or the
 * database, so the unit tests drive it directly. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dispatch.h"
#include "log.h"
#include "xmalloc.h"

#define REQUEST_KEY_MAX 128
#define STRLIST_ITEM_MAX 200

static const char *const role_names[ROLE_COUNT] = {
	"admin", "supervisor", "agent", "storekeeper", "referent", "viewer",
};

const char *role_name(unsigned bit)
{
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (bit == (1u << i))
			return role_names[i];
	}
	return "?";
}

unsigned role_from_name(const char *name)
{
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (strcmp(name, role_names[i]) == 0)
			return 1u << i;
	}
	return 0;
}

const char *ptype_name(enum ptype t)
{
	switch (t) {
	case P_INT: return "integer";
	case P_STR: return "string";
	case P_BOOL: return "boolean";
	case P_ID: return "id";
	case P_IDLIST: return "id list";
	case P_STRLIST: return "string list";
	case P_TIME: return "timestamp";
	case P_ROLES: return "role list";
	case P_CHOICE: return "choice";
	case P_CURSOR: return "cursor";
	}
	return "?";
}

int call_fail(struct call *c, enum rerr code, const char *field, const char *fmt, ...)
{
	va_list ap;

	c->err = code;
	xsnprintf(c->err_field, sizeof c->err_field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(c->err_message, sizeof c->err_message, fmt, ap);
	va_end(ap);
	rv_free(c->result);
	c->result = NULL;
	return -1;
}

int call_ok(struct call *c, struct rv *result)
{
	rv_free(c->result);
	c->result = result;
	c->err = RERR_OK;
	return 0;
}

static int spec_index(const struct method *m, const char *name)
{
	for (int i = 0; i < METHOD_MAX_PARAMS && m->params[i].name != NULL; i++) {
		if (strcmp(m->params[i].name, name) == 0)
			return i;
	}
	return -1;
}

const struct arg *arg_get(const struct call *c, const char *name)
{
	int i = spec_index(c->method, name);

	if (i < 0) {
		log_error("%s: handler asked for '%s', which is not in its spec", c->method->name, name);
		abort();
	}
	return &c->args[i];
}

bool arg_has(const struct call *c, const char *name)
{
	return arg_get(c, name)->present;
}

int64_t arg_int(const struct call *c, const char *name, int64_t def)
{
	const struct arg *a = arg_get(c, name);
	return a->present ? a->i : def;
}

const char *arg_str(const struct call *c, const char *name, const char *def)
{
	const struct arg *a = arg_get(c, name);
	return a->present ? a->s : def;
}

bool arg_bool(const struct call *c, const char *name, bool def)
{
	const struct arg *a = arg_get(c, name);
	return a->present ? a->i != 0 : def;
}

/* UTF-8 well-formedness; PostgreSQL would refuse bad text anyway, but
 * refusing it here names the field. */
static bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned char b = *p;
		size_t n;
		uint32_t cp;

		if (b == 0)
			return false;
		if (b < 0x80) { p++; continue; }
		if ((b & 0xe0) == 0xc0) { n = 1; cp = b & 0x1f; }
		else if ((b & 0xf0) == 0xe0) { n = 2; cp = b & 0x0f; }
		else if ((b & 0xf8) == 0xf0) { n = 3; cp = b & 0x07; }
		else return false;
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((p[k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

/* RFC 3339: 2026-11-28T18:18:27Z, with optional fraction and offset. */
static bool time_valid(const char *s)
{
	int y, mo, d, h, mi, sec, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	s += n;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'Z' || *s == 'z')
		return s[1] == '\0';
	if (*s == '+' || *s == '-') {
		int oh, om;
		n = 0;
		return sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5 && s[6] == '\0' &&
		    oh < 24 && om < 60;
	}
	return false;
}

static int check_one(struct call *c, const struct param *p, struct arg *a, const struct rv *v)
{
	int64_t min = p->min, max = p->max;

	a->raw = v;
	switch (p->type) {
	case P_BOOL:
		if (v->type != RV_BOOL)
			return call_fail(c, RERR_INVALID, p->name, "%s must be true or false", p->name);
		a->i = v->b;
		break;
	case P_INT:
	case P_ID:
		if (v->type != RV_INT)
			return call_fail(c, RERR_INVALID, p->name, "%s must be an integer", p->name);
		if (p->type == P_ID && min == 0 && max == 0)
			min = 1, max = INT64_MAX;
		if ((min != 0 || max != 0) && (v->i < min || v->i > max))
			return call_fail(c, RERR_INVALID, p->name, "%s must be between %lld and %lld",
			    p->name, (long long)min, (long long)max);
		a->i = v->i;
		break;
	case P_STR:
	case P_CHOICE:
	case P_TIME:
	case P_CURSOR:
		if (v->type != RV_STR)
			return call_fail(c, RERR_INVALID, p->name, "%s must be a string", p->name);
		if (!utf8_valid(v->s.ptr, v->s.len))
			return call_fail(c, RERR_INVALID, p->name, "%s is not valid UTF-8 text", p->name);
		if (max == 0)
			max = p->type == P_CURSOR ? 512 : 10000;
		if ((int64_t)v->s.len < min)
			return call_fail(c, RERR_INVALID, p->name, min == 1 ? "%s must not be empty" :
			    "%s is too short", p->name);
		if ((int64_t)v->s.len > max)
			return call_fail(c, RERR_INVALID, p->name, "%s is longer than %lld bytes",
			    p->name, (long long)max);
		a->s = v->s.ptr;
		a->len = v->s.len;
		if (p->type == P_TIME && !time_valid(a->s))
			return call_fail(c, RERR_INVALID, p->name,
			    "%s must be an RFC 3339 time such as 2026-11-28T18:30:00Z", p->name);
		if (p->type == P_CHOICE) {
			bool found = false;
			for (const char *const *ch = p->choices; *ch != NULL; ch++)
				found |= strcmp(*ch, a->s) == 0;
			if (!found)
				return call_fail(c, RERR_INVALID, p->name, "%s '%s' is not one of the allowed values",
				    p->name, a->s);
		}
		break;
	case P_IDLIST:
	case P_STRLIST:
	case P_ROLES:
		if (v->type != RV_ARRAY)
			return call_fail(c, RERR_INVALID, p->name, "%s must be a list", p->name);
		if (max == 0)
			max = 1000;
		if ((int64_t)v->a.n > max)
			return call_fail(c, RERR_INVALID, p->name, "%s has more than %lld items",
			    p->name, (long long)max);
		a->n = v->a.n;
		if (p->type == P_IDLIST)
			a->ids = xcalloc(a->n + 1, sizeof *a->ids);
		else
			a->strs = xcalloc(a->n + 1, sizeof *a->strs);
		for (size_t k = 0; k < a->n; k++) {
			const struct rv *item = v->a.items[k];

			if (p->type == P_IDLIST) {
				if (item->type != RV_INT || item->i < 1)
					return call_fail(c, RERR_INVALID, p->name, "%s must hold positive integers",
					    p->name);
				a->ids[k] = item->i;
				continue;
			}
			if (item->type != RV_STR || !utf8_valid(item->s.ptr, item->s.len) ||
			    item->s.len > STRLIST_ITEM_MAX)
				return call_fail(c, RERR_INVALID, p->name, "%s must hold short strings", p->name);
			a->strs[k] = item->s.ptr;
			if (p->type == P_ROLES) {
				unsigned bit = role_from_name(item->s.ptr);
				if (bit == 0)
					return call_fail(c, RERR_INVALID, p->name, "unknown role '%s'", item->s.ptr);
				a->roles |= bit;
			}
		}
		if (p->type == P_ROLES && a->roles == 0)
			return call_fail(c, RERR_INVALID, p->name, "%s needs at least one role", p->name);
		break;
	}
	a->present = true;
	return 0;
}

int params_check(struct call *c, const struct method *m, const struct rv *params)
{
	c->method = m;
	c->request_key = NULL;
	c->fresh = false;
	memset(c->args, 0, sizeof c->args);
	if (params != NULL && params->type != RV_MAP)
		return call_fail(c, RERR_INVALID, NULL, "params must be a map");
	for (uint32_t k = 0; params != NULL && k < params->m.n; k++) {
		const struct rv_pair *pair = &params->m.items[k];
		int i;

		/* Names are compared as C strings below: "ids\0x" would pass
		 * for a second "ids" (whose list would then leak). */
		if (memchr(pair->key, '\0', pair->klen) != NULL)
			return call_fail(c, RERR_INVALID, NULL, "%s takes no parameter named with a NUL byte",
			    m->name);
		if (strcmp(pair->key, "request_key") == 0 && (m->flags & M_MUTATES)) {
			const struct rv *v = pair->val;
			if (v->type != RV_STR || v->s.len == 0 || v->s.len > REQUEST_KEY_MAX ||
			    !utf8_valid(v->s.ptr, v->s.len))
				return call_fail(c, RERR_INVALID, "request_key",
				    "request_key must be a string of 1 to %d bytes", REQUEST_KEY_MAX);
			c->request_key = v->s.ptr;
			continue;
		}
		/* The user asked to fetch again (F5): not a page from memory. */
		if (strcmp(pair->key, "fresh") == 0 && (m->flags & M_PAGE)) {
			if (pair->val->type != RV_BOOL)
				return call_fail(c, RERR_INVALID, "fresh", "fresh must be true or false");
			c->fresh = pair->val->b;
			continue;
		}
		i = spec_index(m, pair->key);
		if (i < 0)
			return call_fail(c, RERR_INVALID, pair->key, "%s takes no parameter '%s'",
			    m->name, pair->key);
		/* nil means "not given", so clients can send optional fields
		 * uniformly. */
		if (pair->val->type == RV_NIL)
			continue;
		if (check_one(c, &m->params[i], &c->args[i], pair->val) != 0)
			return -1;
	}
	for (int i = 0; i < METHOD_MAX_PARAMS && m->params[i].name != NULL; i++) {
		if (m->params[i].required && !c->args[i].present)
			return call_fail(c, RERR_INVALID, m->params[i].name, "%s is required",
			    m->params[i].name);
	}
	return 0;
}

void call_args_free(struct call *c)
{
	for (int i = 0; i < METHOD_MAX_PARAMS; i++) {
		free(c->args[i].ids);
		free(c->args[i].strs);
	}
	memset(c->args, 0, sizeof c->args);
}

bool caller_has_role(const struct caller *w, unsigned roles)
{
	return (w->roles & roles) != 0;
}

bool caller_covers_service(const struct caller *w, int64_t service_id)
{
	for (size_t i = 0; i < w->nservices; i++) {
		if (w->services[i] == service_id)
			return true;
	}
	return false;
}

bool caller_covers_site(const struct caller *w, int64_t site_id)
{
	for (size_t i = 0; i < w->nsites; i++) {
		if (w->sites[i] == site_id)
			return true;
	}
	return false;
}

void caller_copy(struct caller *dst, const struct caller *src)
{
	*dst = *src;
	dst->services = NULL;
	dst->sites = NULL;
	if (src->nservices > 0) {
		dst->services = xcalloc(src->nservices, sizeof *dst->services);
		memcpy(dst->services, src->services, src->nservices * sizeof *dst->services);
	}
	if (src->nsites > 0) {
		dst->sites = xcalloc(src->nsites, sizeof *dst->sites);
		memcpy(dst->sites, src->sites, src->nsites * sizeof *dst->sites);
	}
}

void caller_clear(struct caller *w)
{
	free(w->services);
	free(w->sites);
	memset(w, 0, sizeof *w);
}
