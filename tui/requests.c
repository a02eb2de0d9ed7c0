/* Words, marks and dates the request screens share. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "draw.h"
#include "form.h"
#include "requests.h"
#include "table.h"
#include "tui.h"
#include "xmalloc.h"

enum request_due
request_due_on(const struct rv *request, int wday)
{
	const struct rv *left = rv_get(request, "days_left");
	int64_t d, working = 0, day;

	if (rv_path_bool(request, "overdue", false))
		return DUE_LATE;
	if (left == NULL || left->type != RV_INT)
		return DUE_NONE;
	if (left->i < 0)
		return DUE_LATE;
	/* Count the working days from tomorrow to the target: on a Friday,
	 * a request due on Monday has one left. Past a week there are more
	 * than one whatever the weekends. */
	if (left->i > 7)
		return DUE_NONE;
	for (d = 1; d <= left->i; d++) {
		day = (wday + d) % 7;
		if (day != 0 && day != 6)
			working++;
	}
	return working <= 1 ? DUE_SOON : DUE_NONE;
}

enum request_due
request_due(const struct rv *request)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return request_due_on(request, tm.tm_wday);
}

const char *
request_due_mark(enum request_due due)
{
	switch (due) {
	case DUE_LATE:
		return "!!";
	case DUE_SOON:
		return "!";
	default:
		return "";
	}
}

const char *
request_status_text(const char *status)
{
	if (strcmp(status, "submitted") == 0)
		return _("submitted");
	if (strcmp(status, "approved") == 0)
		return _("approved");
	if (strcmp(status, "rejected") == 0)
		return _("rejected");
	if (strcmp(status, "needs_info") == 0)
		return _("needs info");
	if (strcmp(status, "duplicate") == 0)
		return _("duplicate");
	if (strcmp(status, "cancelled") == 0)
		return _("cancelled");
	return status;
}

const char *
request_urgency_text(const char *urgency)
{
	if (strcmp(urgency, "urgent") == 0)
		return _("urgent");
	if (strcmp(urgency, "high") == 0)
		return _("high");
	if (strcmp(urgency, "normal") == 0)
		return _("normal");
	if (strcmp(urgency, "low") == 0)
		return _("low");
	return urgency;
}

char *
request_where(const struct rv *r)
{
	const char *code = rv_path_str(r, "asset_code", NULL);

	if (code != NULL)
		return xasprintf("%s %s", code, rv_path_str(r, "asset_name", ""));
	if ((code = rv_path_str(r, "site_code", NULL)) != NULL)
		return xasprintf("%s %s", code, rv_path_str(r, "site_name", ""));
	return xstrdup("");
}

char *
request_target_text(const struct rv *r, char *buf, size_t len)
{
	return asset_date_text(rv_path_str(r, "target_date", ""), buf, len);
}

void
request_urgency_options(struct form_field *fld)
{
	static const char *const keys[] = { "urgent", "high", "normal", "low" };
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		form_option_add(fld, (int64_t)i + 1, keys[i], request_urgency_text(keys[i]));
}

void
request_draw_marks(struct table *t, int y, int x, int h, int w)
{
	int widths[32], gutter = t->multi ? 2 : 0, i, body = h - 2;
	struct table_row *row;
	enum request_due due;
	size_t pos, n = table_count(t);

	if (h < 2 || w < 4 || t->ncols > 32)
		return;
	table_fit(t->cols, t->ncols, w - gutter, widths);
	if (widths[0] == 0)
		return;
	for (i = 0; i < body; i++) {
		pos = t->top + (size_t)i;
		if (pos >= n)
			break;
		/* The cursor row keeps its reverse video. */
		if (pos == t->cur || (row = table_at(t, pos)) == NULL)
			continue;
		due = request_due(row->item);
		if (due != DUE_NONE)
			draw_text(y + 1 + i, x + gutter, widths[0], request_due_mark(due),
			    due == DUE_LATE ? R_ERROR : R_WARN, TEXT_LEFT);
	}
}
