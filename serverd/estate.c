/* Helpers of the estate files: scope, decimals and dates, cursors. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "db.h"
#include "estate.h"
#include "xmalloc.h"

#define ROLES_READING_ALL (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STOREKEEPER | \
	ROLE_VIEWER)

bool estate_reads_all(const struct caller *w)
{
	return (w->roles & ROLES_READING_ALL) != 0;
}

bool estate_may_edit(const struct caller *w, int64_t service_id)
{
	if (w->roles & ROLE_ADMIN)
		return true;
	return (w->roles & (ROLE_SUPERVISOR | ROLE_AGENT)) != 0 &&
	    caller_covers_service(w, service_id);
}

int estate_check_edit(struct call *c, int64_t service_id)
{
	if (estate_may_edit(&c->who, service_id))
		return 0;
	return call_fail(c, RERR_FORBIDDEN, NULL,
	    "only the service responsible for this asset (or an admin) may change it");
}

bool estate_decimal_ok(const char *s, double min, double max, int scale)
{
	const char *p = s;
	int digits = 0, decimals = 0;
	double v;

	if (*p == '-')
		p++;
	for (; isdigit((unsigned char)*p); p++)
		digits++;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++)
			decimals++;
		if (decimals == 0)
			return false;
	}
	if (*p != '\0' || digits == 0 || digits > 15 || decimals > scale)
		return false;
	v = strtod(s, NULL);
	return v >= min && v <= max;
}

bool estate_date_ok(const char *s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, n = 0, last;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    s[4] != '-' || s[7] != '-' || !isdigit((unsigned char)s[8]))
		return false;
	if (y < 1000 || m < 1 || m > 12)
		return false;
	last = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return d >= 1 && d <= last;
}

int estate_check_point(struct call *c, const char *lat, const char *lon)
{
	bool has_lat = lat != NULL && *lat != '\0', has_lon = lon != NULL && *lon != '\0';

	if (has_lat && !estate_decimal_ok(lat, -90, 90, 7))
		return call_fail(c, RERR_INVALID, "lat",
		    "lat must be a latitude in degrees between -90 and 90, such as \"46.4123\"");
	if (has_lon && !estate_decimal_ok(lon, -180, 180, 7))
		return call_fail(c, RERR_INVALID, "lon",
		    "lon must be a longitude in degrees between -180 and 180, such as \"2.6012\"");
	/* Named: the one left out, else the one left empty. */
	if ((lat != NULL) != (lon != NULL) || has_lat != has_lon)
		return call_fail(c, RERR_INVALID, lat == NULL ? "lat" : lon == NULL ? "lon" :
		    has_lat ? "lon" : "lat",
		    "lat and lon go together: give both, or both empty for no location");
	return 0;
}

char *estate_like_escape(const char *s)
{
	struct buf b;

	buf_init(&b);
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *s);
	}
	return buf_detach_str(&b);
}

char *estate_cursor(int64_t id, const char *value)
{
	char *key = xasprintf("%lld:%s", (long long)id, value), *cursor;

	cursor = cursor_make(key);
	free(key);
	return cursor;
}

int estate_cursor_parse(struct call *c, const char *after, int64_t *id, const char **value)
{
	const char *key = cursor_key(c, after);
	char *end;

	if (key == NULL)
		return -1;
	*id = strtoll(key, &end, 10);
	if (end == key || *end != ':' || *id < 0)
		return call_fail(c, RERR_INVALID, "after", "after is not a cursor from this list");
	*value = end + 1;
	return 0;
}

struct rv *estate_page(const PGresult *res, int64_t limit, int key_col,
    const struct db_pack *how)
{
	int n = PQntuples(res);
	struct rv *r = rv_map();

	rv_set(r, "items", db_rows_packed(res, (int)limit, how));
	if (n > limit) {
		int last = (int)limit - 1;
		char *next = estate_cursor(db_int(res, last, 0),
		    PQgetisnull(res, last, key_col) ? "" : PQgetvalue(res, last, key_col));
		rv_set_str(r, "next", next);
		free(next);
	} else {
		rv_set_nil(r, "next");
	}
	return r;
}
