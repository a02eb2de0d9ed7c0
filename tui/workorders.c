/* Words and numbers the work-order screens share (see workorders.h). */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "form.h"
#include "i18n.h"
#include "rv.h"
#include "workorders.h"
#include "xmalloc.h"

const char *
wo_status_text(const char *status)
{
	static const char *const words[][2] = {
		{ "planned", N_("planned") },
		{ "assigned", N_("assigned") },
		{ "in_progress", N_("in progress") },
		{ "on_hold", N_("on hold") },
		{ "done", N_("done") },
		{ "closed", N_("closed") },
		{ "cancelled", N_("cancelled") },
		{ "open", N_("open") },
	};
	size_t i;

	for (i = 0; status != NULL && i < sizeof words / sizeof words[0]; i++) {
		if (strcmp(status, words[i][0]) == 0)
			return _(words[i][1]);
	}
	return status != NULL ? status : "";
}

const char *
wo_priority_text(const char *priority)
{
	if (priority == NULL)
		return "";
	if (strcmp(priority, "urgent") == 0)
		return _("urgent");
	if (strcmp(priority, "high") == 0)
		return _("high");
	if (strcmp(priority, "normal") == 0)
		return _("normal");
	if (strcmp(priority, "low") == 0)
		return _("low");
	return priority;
}

const char *
wo_type_text(const char *type)
{
	if (type == NULL)
		return "";
	if (strcmp(type, "corrective") == 0)
		return _("corrective");
	if (strcmp(type, "preventive") == 0)
		return _("preventive");
	if (strcmp(type, "regulatory") == 0)
		return _("regulatory");
	if (strcmp(type, "improvement") == 0)
		return _("improvement");
	return type;
}

bool
wo_is_open(const char *status)
{
	return status != NULL && strcmp(status, "done") != 0 && strcmp(status, "closed") != 0 &&
	    strcmp(status, "cancelled") != 0;
}

const char *
wo_parse_decimal(const char *text, int decimals, char *out, size_t len)
{
	const char *p = text != NULL ? text : "";
	size_t o = 0;
	int after = -1;
	bool digit = false, nonzero = false;

	while (*p == ' ')
		p++;
	for (; *p != '\0' && *p != ' '; p++) {
		if (o + 2 >= len)
			return _("Too long");
		if (*p >= '0' && *p <= '9') {
			digit = true;
			nonzero = nonzero || *p != '0';
			if (after >= 0 && ++after > decimals)
				return decimals == 2 ? _("At most two decimals") :
				    _("At most three decimals");
			out[o++] = *p;
		} else if ((*p == '.' || *p == ',') && after < 0) {
			after = 0;
			out[o++] = '.';
		} else
			return _("A number, such as 2,5");
	}
	while (*p == ' ')
		p++;
	if (*p != '\0' || !digit)
		return _("A number, such as 2,5");
	if (!nonzero)
		return _("More than zero");
	/* "2." is 2. */
	if (o > 0 && out[o - 1] == '.')
		o--;
	out[o] = '\0';
	return NULL;
}

const char *
wo_check_hours(const char *text)
{
	char buf[32];
	const char *err = wo_parse_decimal(text, 2, buf, sizeof buf);

	if (err != NULL)
		return err;
	if (strtod(buf, NULL) > 24)
		return _("At most 24 hours a day");
	return NULL;
}

const char *
wo_check_quantity(const char *text)
{
	char buf[32];

	return wo_parse_decimal(text, 3, buf, sizeof buf);
}

char *
wo_hours_text(const char *hours, char *buf, size_t len)
{
	const char *radix = nl_langinfo(RADIXCHAR);
	char tmp[64], *dot, *end;

	xsnprintf(tmp, sizeof tmp, "%s", hours != NULL ? hours : "");
	if ((dot = strchr(tmp, '.')) != NULL) {
		/* Trailing zeros say nothing: 7.00 is 7, 2.50 is 2.5. */
		end = tmp + strlen(tmp);
		while (end > dot + 1 && end[-1] == '0')
			*--end = '\0';
		if (end == dot + 1)
			*dot = '\0';
	}
	if ((dot = strchr(tmp, '.')) != NULL) {
		*dot = '\0';
		xsnprintf(buf, len, "%s%s%s", tmp, *radix != '\0' ? radix : ".", dot + 1);
	} else
		xsnprintf(buf, len, "%s", tmp);
	return buf;
}

int
wo_percent(const struct rv *occupancy)
{
	double v = 0;

	if (occupancy == NULL)
		return 0;
	if (occupancy->type == RV_FLOAT)
		v = occupancy->f;
	else if (occupancy->type == RV_INT)
		v = (double)occupancy->i;
	else if (occupancy->type == RV_STR)
		v = strtod(occupancy->s.ptr, NULL);
	return (int)(v * 100 + (v >= 0 ? 0.5 : -0.5));
}

char *
wo_today(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
	return buf;
}

char *
wo_date_add(const char *ymd, int days, char *buf, size_t len)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (ymd == NULL || strptime(ymd, "%Y-%m-%d", &tm) == NULL) {
		xsnprintf(buf, len, "%s", ymd != NULL ? ymd : "");
		return buf;
	}
	/* Noon: no zone's daylight saving change moves it to another day. */
	tm.tm_hour = 12;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	mktime(&tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
	return buf;
}

char *
wo_assignees_text(const struct rv *wo)
{
	const struct rv *list = rv_get(wo, "assignees");
	char *out = xstrdup(""), *tmp;
	size_t i;

	for (i = 0; list != NULL && list->type == RV_ARRAY && i < list->a.n; i++) {
		tmp = out;
		out = xasprintf("%s%s%s", tmp, i > 0 ? ", " : "",
		    rv_path_str(list->a.items[i], "name", "?"));
		free(tmp);
	}
	return out;
}

void
wo_form_set_id(struct form *f, const char *name, int64_t id)
{
	struct rv *v = rv_int(id);

	form_set_ids(f, name, v);
	rv_free(v);
}

void
wo_form_set_key(struct form *f, const char *name, const char *key)
{
	struct rv *v = rv_str(key);

	form_set_keys(f, name, v);
	rv_free(v);
}
