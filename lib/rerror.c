/* The stable error codes of the protocol, and what PostgreSQL's
 * SQLSTATEs mean in them. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rerror.h"
#include "xmalloc.h"

static const char *const rerr_names[RERR_COUNT] = {
	[RERR_OK] = "ok",
	[RERR_INVALID] = "invalid",
	[RERR_NOT_FOUND] = "not_found",
	[RERR_FORBIDDEN] = "forbidden",
	[RERR_CONFLICT] = "conflict",
	[RERR_UNAUTHENTICATED] = "unauthenticated",
	[RERR_THROTTLED] = "throttled",
	[RERR_UNAVAILABLE] = "unavailable",
	[RERR_INTERNAL] = "internal",
};

const char *
rerr_name(enum rerr code)
{
	if ((int)code < 0 || code >= RERR_COUNT)
		return "internal";
	return rerr_names[code];
}

enum rerr
rerr_from_name(const char *name)
{
	int i;

	if (name == NULL)
		return RERR_INTERNAL;
	for (i = 0; i < RERR_COUNT; i++) {
		if (strcmp(name, rerr_names[i]) == 0)
			return (enum rerr)i;
	}
	return RERR_INTERNAL;
}

static int
rerr_sqlstate_valid(const char *s)
{
	return s != NULL && strlen(s) == 5;
}

enum rerr
rerr_from_sqlstate(const char *s)
{
	if (s == NULL)
		return RERR_UNAVAILABLE;
	if (!rerr_sqlstate_valid(s))
		return RERR_INTERNAL;
	if (strcmp(s, "23505") == 0 || strcmp(s, "23P01") == 0)
		return RERR_CONFLICT;
	if (strcmp(s, "23503") == 0 || strcmp(s, "23514") == 0 ||
	    strcmp(s, "23502") == 0 || strncmp(s, "22", 2) == 0)
		return RERR_INVALID;
	if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
		return RERR_CONFLICT;
	if (strncmp(s, "08", 2) == 0 || strncmp(s, "53", 2) == 0 ||
	    strcmp(s, "57P01") == 0 || strcmp(s, "57P02") == 0 ||
	    strcmp(s, "57P03") == 0)
		return RERR_UNAVAILABLE;
	if (strcmp(s, "42501") == 0)
		return RERR_FORBIDDEN;
	if (strcmp(s, "P0002") == 0)
		return RERR_NOT_FOUND;
	return RERR_INTERNAL;
}

int
rerr_sqlstate_retryable(const char *s)
{
	return s != NULL && (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0);
}

struct rv *
rerr_make(enum rerr code, const char *field, const char *fmt, ...)
{
	struct rv *e;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);

	e = rv_map();
	rv_set_str(e, "code", rerr_name(code));
	rv_set(e, "message", rv_str(msg));
	if (field != NULL)
		rv_set_str(e, "field", field);
	free(msg);
	return e;
}
