/* Forms: fields, validation, the picker, the params they make, drawing. */
#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "dialog.h"
#include "draw.h"
#include "form.h"
#include "rv.h"
#include "tui.h"
#include "xmalloc.h"

#define PICKER_ROWS 10

static void form_picker_close(struct form *f);

struct form *
form_new(void)
{
	struct form *f = xcalloc(1, sizeof *f);

	f->buttons = true;
	f->submit_label = N_("Save");
	/* Dates are typed the locale's way round: 28/11/2026 in France,
	 * 11/28/2026 where the locale puts the month first. */
	f->month_first = strncmp(nl_langinfo(D_FMT), "%m", 2) == 0;
	lineedit_init(&f->picker.query, 64);
	return f;
}

static void
form_field_free(struct form_field *fld)
{
	size_t i;

	free(fld->name);
	free(fld->label);
	free(fld->hint);
	free(fld->error);
	lineedit_free(&fld->le);
	for (i = 0; i < fld->nopts; i++) {
		free(fld->opts[i].key);
		free(fld->opts[i].label);
		free(fld->opts[i].folded);
	}
	free(fld->opts);
	free(fld->ids);
	free(fld);
}

void
form_free(struct form *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		form_field_free(f->fields[i]);
	free(f->fields);
	free(f->error);
	free(f->clean);
	free(f->picker.match);
	free(f->picker.ids);
	lineedit_free(&f->picker.query);
	free(f);
}

struct form_field *
form_add(struct form *f, enum field_type type, const char *name, const char *label)
{
	struct form_field *fld = xcalloc(1, sizeof *fld);

	fld->type = type;
	fld->name = xstrdup(name);
	fld->label = xstrdup(label);
	lineedit_init(&fld->le, 0);
	if (type == F_PASSWORD)
		fld->minlen = 8;
	if (type == F_DATE) {
		fld->maxlen = 10;
		fld->hint = xstrdup(f->month_first ? _("mm/dd/yyyy") : _("dd/mm/yyyy"));
	}
	f->fields = xreallocarray(f->fields, f->n + 1, sizeof *f->fields);
	f->fields[f->n++] = fld;
	return fld;
}

struct form_field *
form_get(struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->fields[i]->name, name) == 0)
			return f->fields[i];
	}
	return NULL;
}

void
form_option_add(struct form_field *fld, int64_t id, const char *key, const char *label)
{
	struct form_option *o;

	fld->opts = xreallocarray(fld->opts, fld->nopts + 1, sizeof *fld->opts);
	o = &fld->opts[fld->nopts++];
	o->id = id;
	o->key = xstrdup(key != NULL ? key : "");
	o->label = xstrdup(label != NULL ? label : o->key);
	o->folded = text_fold(o->label);
}

void
form_option_merge(struct form_field *fld, int64_t id, const char *label)
{
	size_t i;

	for (i = 0; i < fld->nopts; i++) {
		if (fld->opts[i].id != id)
			continue;
		free(fld->opts[i].label);
		free(fld->opts[i].folded);
		fld->opts[i].label = xstrdup(label);
		fld->opts[i].folded = text_fold(label);
		return;
	}
	form_option_add(fld, id, NULL, label);
}

const struct form_option *
form_option_find(const struct form_field *fld, int64_t id)
{
	size_t i;

	for (i = 0; i < fld->nopts; i++) {
		if (fld->opts[i].id == id)
			return &fld->opts[i];
	}
	return NULL;
}

bool
form_field_has(const struct form_field *fld, int64_t id)
{
	size_t i;

	for (i = 0; i < fld->nids; i++) {
		if (fld->ids[i] == id)
			return true;
	}
	return false;
}

static void
form_field_add_id(struct form_field *fld, int64_t id)
{
	if (form_field_has(fld, id))
		return;
	fld->ids = xreallocarray(fld->ids, fld->nids + 1, sizeof *fld->ids);
	fld->ids[fld->nids++] = id;
}

void
form_set_text(struct form *f, const char *name, const char *text)
{
	struct form_field *fld = form_get(f, name);

	if (fld != NULL)
		lineedit_set(&fld->le, text != NULL ? text : "");
}

char *
form_text(const struct form *f, const char *name)
{
	struct form_field *fld = form_get((struct form *)f, name);

	return fld != NULL ? lineedit_text(&fld->le) : xstrdup("");
}

void
form_set_bool(struct form *f, const char *name, bool on)
{
	struct form_field *fld = form_get(f, name);

	if (fld != NULL)
		fld->checked = on;
}

void
form_set_keys(struct form *f, const char *name, const struct rv *keys)
{
	struct form_field *fld = form_get(f, name);
	const struct rv *k;
	size_t i, j, n;

	if (fld == NULL)
		return;
	fld->nids = 0;
	if (keys == NULL)
		return;
	n = keys->type == RV_ARRAY ? keys->a.n : 1;
	for (i = 0; i < n; i++) {
		k = keys->type == RV_ARRAY ? keys->a.items[i] : keys;
		if (k->type != RV_STR)
			continue;
		for (j = 0; j < fld->nopts; j++) {
			if (strcmp(fld->opts[j].key, k->s.ptr) == 0)
				form_field_add_id(fld, fld->opts[j].id);
		}
	}
}

void
form_set_ids(struct form *f, const char *name, const struct rv *ids)
{
	struct form_field *fld = form_get(f, name);
	const struct rv *v;
	size_t i, n;

	if (fld == NULL)
		return;
	fld->nids = 0;
	if (ids == NULL)
		return;
	n = ids->type == RV_ARRAY ? ids->a.n : 1;
	for (i = 0; i < n; i++) {
		v = ids->type == RV_ARRAY ? ids->a.items[i] : ids;
		if (v->type == RV_INT)
			form_field_add_id(fld, v->i);
	}
}

/* Parsers. */

static char *
form_trim(const char *text)
{
	const char *s = text != NULL ? text : "";
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return xstrndup(s, len);
}

const char *
form_parse_number(const char *text, long long *out)
{
	char *t = form_trim(text), *end, *p;
	long long v;

	p = t;
	if (*p == '-' || *p == '+')
		p++;
	if (*p == '\0')
		goto bad;
	for (; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			goto bad;
	}
	errno = 0;
	v = strtoll(t, &end, 10);
	if (errno != 0 || *end != '\0') {
		free(t);
		return _("Number too large");
	}
	free(t);
	*out = v;
	return NULL;
bad:
	free(t);
	return _("A whole number, such as 42");
}

/* Money as people type it: "1234", "1234.5", "1 234,50", "1.234,50",
 * "1,234.50", with or without "€". The last separator is the decimal
 * one when one or two digits follow it; otherwise separators only group
 * thousands. */
const char *
form_parse_money(const char *text, char *out, size_t len)
{
	const char *p = text != NULL ? text : "";
	char digits[64], intpart[32], dec[3] = "";
	size_t nd = 0, last_sep = (size_t)-1, after, i, ni = 0, nint = 0;
	wchar_t c;

	while ((c = text_next(&p)) != 0) {
		if (c == L' ' || c == 0xa0 || c == 0x202f || c == L'\'' || c == 0x20ac)
			continue;
		if (nd + 1 >= sizeof digits)
			return _("Amount too large");
		if (c == L'.' || c == L',') {
			last_sep = nd;
			digits[nd++] = '.';
		} else if (c >= L'0' && c <= L'9')
			digits[nd++] = (char)c;
		else
			return _("An amount in euros, such as 1 234,50");
	}
	digits[nd] = '\0';
	if (nd == 0)
		return _("An amount in euros, such as 1 234,50");
	after = last_sep == (size_t)-1 ? 0 : nd - last_sep - 1;
	if (last_sep != (size_t)-1 && after > 3)
		return _("At most two decimals");
	/* One separator and three digits after it: a thousands separator to
	 * some, three decimals to others. Ask rather than guess by 1000. */
	if (last_sep != (size_t)-1 && after == 3 && strchr(digits, '.') == digits + last_sep)
		return _("Ambiguous: write 12345 or 12,35");
	for (i = 0; i < nd; i++) {
		if (digits[i] == '.')
			continue;
		if (last_sep != (size_t)-1 && after <= 2 && i > last_sep)
			dec[ni++] = digits[i];
		else {
			if (nint == 0 && digits[i] == '0')
				continue;	/* leading zeros */
			if (nint + 1 >= 11)
				return _("Amount too large");
			intpart[nint++] = digits[i];
		}
	}
	if (nint == 0 && ni == 0 && strchr(digits, '0') == NULL)
		return _("An amount in euros, such as 1 234,50");
	if (nint == 0)
		intpart[nint++] = '0';
	intpart[nint] = '\0';
	while (ni < 2)
		dec[ni++] = '0';
	dec[2] = '\0';
	xsnprintf(out, len, "%s.%s", intpart, dec);
	return NULL;
}

static int
form_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

const char *
form_parse_date(const char *text, bool month_first, char *out, size_t len)
{
	char *t = form_trim(text), *p = t, *end;
	long part[3];
	size_t width[3];
	int n = 0, y, m, d;

	while (n < 3) {
		if (!isdigit((unsigned char)*p))
			goto bad;
		part[n] = strtol(p, &end, 10);
		width[n] = (size_t)(end - p);
		n++;
		p = end;
		if (n < 3) {
			if (*p != '/' && *p != '-' && *p != '.')
				goto bad;
			p++;
		}
	}
	if (*p != '\0')
		goto bad;
	if (width[0] == 4) {
		y = (int)part[0];
		m = (int)part[1];
		d = (int)part[2];
	} else {
		if (width[2] != 4 && width[2] != 2)
			goto bad;
		y = (int)part[2] + (width[2] == 2 ? 2000 : 0);
		m = (int)(month_first ? part[0] : part[1]);
		d = (int)(month_first ? part[1] : part[0]);
	}
	/* Old buildings and churches: the estate goes back centuries. */
	if (y < 1000 || y > 2200 || m < 1 || m > 12 || d < 1 ||
	    d > form_days_in_month(y, m)) {
		free(t);
		return _("No such date");
	}
	free(t);
	xsnprintf(out, len, "%04d-%02d-%02d", y, m, d);
	return NULL;
bad:
	free(t);
	return month_first ? _("A date such as 11/28/2026") :
	    _("A date such as 28/11/2026");
}

/* Validation. */

static void
form_field_set_error(struct form_field *fld, const char *msg)
{
	free(fld->error);
	fld->error = msg != NULL ? xstrdup(msg) : NULL;
}

static bool
form_is_text(const struct form_field *fld)
{
	return fld->type <= F_DATE;
}

/* The text as sent: trimmed, except a password, which is taken as typed. */
static char *
form_field_text(const struct form_field *fld)
{
	char *raw = lineedit_text(&fld->le), *t;

	if (fld->type == F_PASSWORD)
		return raw;
	t = form_trim(raw);
	free(raw);
	return t;
}

static size_t
form_chars(const char *text)
{
	const char *p = text;
	size_t n = 0;

	while (text_next(&p) != 0)
		n++;
	return n;
}

const char *
form_check_field(struct form *f, struct form_field *fld)
{
	char *text = NULL, buf[64], *msg = NULL;
	const char *err = NULL;
	size_t len;
	long long n;

	if (fld->readonly) {
		form_field_set_error(fld, NULL);
		return NULL;
	}
	if (form_is_text(fld)) {
		text = form_field_text(fld);
		len = form_chars(text);
		if (len == 0) {
			if (fld->required)
				err = _("Required");
		} else if (fld->minlen > 0 && len < fld->minlen)
			msg = xasprintf(_("At least %zu characters"), fld->minlen);
		else if (fld->maxlen > 0 && len > fld->maxlen)
			msg = xasprintf(_("At most %zu characters"), fld->maxlen);
		else if (fld->type == F_NUMBER)
			err = form_parse_number(text, &n);
		else if (fld->type == F_MONEY)
			err = form_parse_money(text, buf, sizeof buf);
		else if (fld->type == F_DATE)
			err = form_parse_date(text, f->month_first, buf, sizeof buf);
		if (err == NULL && msg == NULL && len > 0 && fld->check != NULL)
			err = fld->check(text);
	} else if (fld->type == F_CHOICE || fld->type == F_REF) {
		if (fld->required && fld->nids == 0)
			err = _("Choose one");
	} else if (fld->type == F_MULTI || fld->type == F_REFS) {
		if (fld->required && fld->nids == 0)
			err = _("Choose at least one");
	}
	free(text);
	if (msg != NULL) {
		free(fld->error);
		fld->error = msg;
	} else
		form_field_set_error(fld, err);
	return fld->error;
}

bool
form_validate(struct form *f)
{
	size_t i, bad = f->n;
	const char *msg;

	for (i = 0; i < f->n; i++) {
		if (form_check_field(f, f->fields[i]) != NULL && bad == f->n)
			bad = i;
	}
	free(f->error);
	f->error = NULL;
	if (bad < f->n) {
		f->focus = bad;
		return false;
	}
	if (f->check != NULL && (msg = f->check(f)) != NULL) {
		f->error = xstrdup(msg);
		return false;
	}
	return true;
}

bool
form_set_error(struct form *f, const char *name, const char *message)
{
	size_t i;

	for (i = 0; name != NULL && i < f->n; i++) {
		if (strcmp(f->fields[i]->name, name) == 0 && !f->fields[i]->readonly) {
			form_field_set_error(f->fields[i], message);
			f->focus = i;
			return true;
		}
	}
	return false;
}

void
form_set_form_error(struct form *f, const char *message)
{
	free(f->error);
	f->error = message != NULL ? xstrdup(message) : NULL;
}

void
form_clear_errors(struct form *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		form_field_set_error(f->fields[i], NULL);
	form_set_form_error(f, NULL);
}

bool
form_ready(struct form *f)
{
	form_clear_errors(f);
	if (form_validate(f))
		return true;
	app_message(MSG_ERROR, "%s", _("Some fields need attention"));
	return false;
}

/* Values. */

static void
form_field_params(const struct form *f, const struct form_field *fld, struct rv *map)
{
	char *text, buf[64];
	struct rv *arr;
	const struct form_option *o;
	long long n;
	size_t i;

	switch (fld->type) {
	case F_TEXT:
	case F_PASSWORD:
		text = form_field_text(fld);
		if (*text != '\0' || fld->required || fld->send_empty)
			rv_set_str(map, fld->name, text);
		free(text);
		break;
	case F_NUMBER:
		text = lineedit_text(&fld->le);
		if (form_parse_number(text, &n) == NULL)
			rv_set_int(map, fld->name, n);
		free(text);
		break;
	case F_MONEY:
		text = lineedit_text(&fld->le);
		if (form_parse_money(text, buf, sizeof buf) == NULL)
			rv_set_str(map, fld->name, buf);
		free(text);
		break;
	case F_DATE:
		text = lineedit_text(&fld->le);
		if (form_parse_date(text, f->month_first, buf, sizeof buf) == NULL)
			rv_set_str(map, fld->name, buf);
		free(text);
		break;
	case F_CHOICE:
		if (fld->nids > 0 && (o = form_option_find(fld, fld->ids[0])) != NULL)
			rv_set_str(map, fld->name, o->key);
		break;
	case F_REF:
		if (fld->nids > 0)
			rv_set_int(map, fld->name, fld->ids[0]);
		break;
	case F_MULTI:
		arr = rv_set(map, fld->name, rv_array());
		/* In the options' order, so the wire value does not depend on the
		 * order of the clicks. */
		for (i = 0; i < fld->nopts; i++) {
			if (form_field_has(fld, fld->opts[i].id))
				rv_push(arr, rv_str(fld->opts[i].key));
		}
		break;
	case F_REFS:
		arr = rv_set(map, fld->name, rv_array());
		for (i = 0; i < fld->nids; i++)
			rv_push(arr, rv_int(fld->ids[i]));
		break;
	case F_BOOL:
		rv_set_bool(map, fld->name, fld->checked);
		break;
	}
}

void
form_to_params(const struct form *f, struct rv *map)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (!f->fields[i]->readonly)
			form_field_params(f, f->fields[i], map);
	}
}

static char *
form_snapshot(const struct form *f)
{
	struct rv *map = rv_map();
	char *json, *text;
	size_t i;

	for (i = 0; i < f->n; i++) {
		/* Raw text, so that a half-typed amount counts as a change. */
		if (form_is_text(f->fields[i])) {
			text = lineedit_text(&f->fields[i]->le);
			rv_set_str(map, f->fields[i]->name, text);
			free(text);
		} else
			form_field_params(f, f->fields[i], map);
	}
	json = rv_to_json(map);
	rv_free(map);
	return json;
}

bool
form_dirty(const struct form *f)
{
	char *now = form_snapshot(f);
	bool dirty = f->clean == NULL || strcmp(now, f->clean) != 0;

	free(now);
	return dirty;
}

void
form_mark_clean(struct form *f)
{
	free(f->clean);
	f->clean = form_snapshot(f);
}

/* Focus. */

static bool
form_focusable(const struct form *f, size_t i)
{
	if (i >= f->n)
		return f->buttons && i < f->n + 2;
	return !f->fields[i]->readonly;
}

static void
form_focus_move(struct form *f, int dir)
{
	size_t total = f->n + (f->buttons ? 2 : 0), i, prev = f->focus;

	if (total == 0)
		return;
	i = f->focus;
	do {
		i = (i + total + (size_t)(dir > 0 ? 1 : total - 1)) % total;
	} while (!form_focusable(f, i) && i != f->focus);
	/* Leaving a field checks it, so mistakes show as they are made. */
	if (prev < f->n && i != prev)
		form_check_field(f, f->fields[prev]);
	f->focus = i;
}

void
form_focus(struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->fields[i]->name, name) == 0)
			f->focus = i;
	}
}

struct form_field *
form_focused(struct form *f)
{
	if (f->focus < f->n && !form_focusable(f, f->focus))
		form_focus_move(f, 1);
	return f->focus < f->n ? f->fields[f->focus] : NULL;
}

static bool
form_last_field(const struct form *f)
{
	size_t i;

	for (i = f->focus + 1; i < f->n; i++) {
		if (form_focusable(f, i))
			return false;
	}
	return true;
}

/* The picker. */

void
form_picker_refilter(struct form *f)
{
	struct form_picker *p = &f->picker;
	struct form_field *fld;
	struct text_filter tf = { NULL, 0 };
	char *q;
	size_t i;

	if (!p->open)
		return;
	fld = f->fields[p->field];
	q = lineedit_text(&p->query);
	text_filter_set(&tf, q);
	free(q);
	free(p->match);
	p->match = xcalloc(fld->nopts + 1, sizeof *p->match);
	p->nmatch = 0;
	for (i = 0; i < fld->nopts; i++) {
		if (text_filter_match(&tf, fld->opts[i].folded))
			p->match[p->nmatch++] = i;
	}
	text_filter_clear(&tf);
	if (p->cur >= p->nmatch)
		p->cur = p->nmatch > 0 ? p->nmatch - 1 : 0;
}

static void
form_picker_open(struct form *f, int first_key)
{
	struct form_picker *p = &f->picker;
	struct form_field *fld = f->fields[f->focus];
	bool changed;
	size_t i;

	p->open = true;
	p->field = f->focus;
	lineedit_clear(&p->query);
	if (first_key != 0)
		lineedit_key(&p->query, first_key, &changed);
	free(p->ids);
	p->ids = xcalloc(fld->nids + 1, sizeof *p->ids);
	if (fld->nids > 0)
		memcpy(p->ids, fld->ids, fld->nids * sizeof *p->ids);
	p->nids = fld->nids;
	p->cur = p->top = 0;
	p->fetch = fld->search_server;
	form_picker_refilter(f);
	/* Start on the current choice. */
	for (i = 0; fld->nids > 0 && i < p->nmatch; i++) {
		if (fld->opts[p->match[i]].id == fld->ids[0]) {
			p->cur = i;
			break;
		}
	}
}

static void
form_picker_close(struct form *f)
{
	f->picker.open = false;
	f->picker.fetch = false;
}

bool
form_picker_fetch(struct form *f, struct form_field **fld, char **query)
{
	if (!f->picker.open || !f->picker.fetch)
		return false;
	f->picker.fetch = false;
	*fld = f->fields[f->picker.field];
	*query = lineedit_text(&f->picker.query);
	return true;
}

static void
form_picker_toggle(struct form_picker *p, int64_t id)
{
	size_t i;

	for (i = 0; i < p->nids; i++) {
		if (p->ids[i] == id) {
			p->ids[i] = p->ids[--p->nids];
			return;
		}
	}
	p->ids = xreallocarray(p->ids, p->nids + 1, sizeof *p->ids);
	p->ids[p->nids++] = id;
}

static enum form_result
form_picker_key(struct form *f, int key)
{
	struct form_picker *p = &f->picker;
	struct form_field *fld = f->fields[p->field];
	bool multi = fld->type == F_MULTI || fld->type == F_REFS, changed;
	int64_t id;

	if (key == K_ESC) {
		form_picker_close(f);
		return FORM_NONE;
	}
	if (key == K_UP || key == K_DOWN || key == K_PGUP || key == K_PGDN) {
		long d = key == K_UP ? -1 : key == K_DOWN ? 1 :
		    key == K_PGUP ? -PICKER_ROWS : PICKER_ROWS;

		if (p->nmatch == 0)
			return FORM_NONE;
		if (d < 0 && (size_t)-d > p->cur)
			p->cur = 0;
		else if (d > 0 && p->cur + (size_t)d >= p->nmatch)
			p->cur = p->nmatch - 1;
		else
			p->cur = (size_t)((long)p->cur + d);
		return FORM_NONE;
	}
	if (key == K_SPACE && multi) {
		if (p->nmatch > 0)
			form_picker_toggle(p, fld->opts[p->match[p->cur]].id);
		return FORM_NONE;
	}
	if (key == K_ENTER) {
		if (multi) {
			free(fld->ids);
			fld->ids = p->ids;
			fld->nids = p->nids;
			p->ids = NULL;
			p->nids = 0;
		} else if (p->nmatch > 0) {
			id = fld->opts[p->match[p->cur]].id;
			fld->nids = 0;
			form_field_add_id(fld, id);
		}
		form_picker_close(f);
		if (fld->error != NULL)
			form_check_field(f, fld);
		return FORM_NONE;
	}
	if (lineedit_key(&p->query, key, &changed)) {
		if (changed) {
			form_picker_refilter(f);
			p->fetch = fld->search_server;
		}
		return FORM_NONE;
	}
	return FORM_NONE;
}

enum form_result
form_key(struct form *f, int key)
{
	struct form_field *fld;
	bool changed;
	size_t i;

	if (f->picker.open)
		return form_picker_key(f, key);
	if (key == K_F(2))
		return FORM_SUBMIT;
	if (key == K_ESC)
		return FORM_CANCEL;
	if (key == K_TAB || key == K_DOWN) {
		form_focus_move(f, 1);
		return FORM_NONE;
	}
	if (key == K_BTAB || key == K_UP) {
		form_focus_move(f, -1);
		return FORM_NONE;
	}
	fld = form_focused(f);
	if (fld == NULL) {
		/* On the buttons. */
		if (key == K_LEFT || key == K_RIGHT) {
			f->focus = f->focus == f->n ? f->n + 1 : f->n;
			return FORM_NONE;
		}
		if (key == K_ENTER || key == K_SPACE)
			return f->focus == f->n ? FORM_SUBMIT : FORM_CANCEL;
		return FORM_UNUSED;
	}
	if (key == K_ENTER) {
		if (form_last_field(f) && !f->buttons) {
			form_check_field(f, fld);
			return FORM_SUBMIT;
		}
		if (fld->type == F_CHOICE || fld->type == F_MULTI ||
		    fld->type == F_REF || fld->type == F_REFS) {
			form_picker_open(f, 0);
			return FORM_NONE;
		}
		form_focus_move(f, 1);
		return FORM_NONE;
	}
	switch (fld->type) {
	case F_BOOL:
		if (key == K_SPACE) {
			fld->checked = !fld->checked;
			return FORM_NONE;
		}
		return FORM_UNUSED;
	case F_CHOICE:
		if ((key == K_LEFT || key == K_RIGHT) && fld->nopts > 0) {
			/* Step through the options in place. */
			for (i = 0; i < fld->nopts; i++) {
				if (fld->nids > 0 && fld->opts[i].id == fld->ids[0])
					break;
			}
			if (i == fld->nopts)
				i = key == K_RIGHT ? fld->nopts - 1 : 0;
			i = (i + (key == K_RIGHT ? 1 : fld->nopts - 1)) % fld->nopts;
			fld->nids = 0;
			form_field_add_id(fld, fld->opts[i].id);
			if (fld->error != NULL)
				form_check_field(f, fld);
			return FORM_NONE;
		}
		/* FALLTHROUGH */
	case F_MULTI:
	case F_REF:
	case F_REFS:
		if ((key == K_DEL || key == K_BS) && fld->type == F_REF) {
			fld->nids = 0;
			return FORM_NONE;
		}
		if (key == K_SPACE) {
			form_picker_open(f, 0);
			return FORM_NONE;
		}
		if (KEY_IS_CHAR(key) && key > 0x20 && key != 0x7f) {
			/* Typing starts a search. */
			form_picker_open(f, key);
			return FORM_NONE;
		}
		return FORM_UNUSED;
	default:
		if (lineedit_key(&fld->le, key, &changed)) {
			/* An error goes away as soon as it is fixed. */
			if (changed && fld->error != NULL)
				form_check_field(f, fld);
			return FORM_NONE;
		}
		return FORM_UNUSED;
	}
}

/* Drawing. */

static char *
form_value_text(const struct form_field *fld)
{
	const struct form_option *o;
	char *out = xstrdup(""), *tmp;
	size_t i;

	for (i = 0; i < fld->nids; i++) {
		o = form_option_find(fld, fld->ids[i]);
		tmp = out;
		if (o != NULL)
			out = xasprintf("%s%s%s", tmp, i > 0 ? ", " : "", o->label);
		else
			out = xasprintf("%s%s#%lld", tmp, i > 0 ? ", " : "",
			    (long long)fld->ids[i]);
		free(tmp);
	}
	return out;
}

static int
form_field_lines(const struct form_field *fld)
{
	return fld->error != NULL ? 2 : 1;
}

static void
form_picker_draw(struct form *f, int y, int x, int h, int w, int fy, int vx,
    int *cy, int *cx)
{
	struct form_picker *p = &f->picker;
	struct form_field *fld = f->fields[p->field];
	bool multi = fld->type == F_MULTI || fld->type == F_REFS;
	int rows, bh, bw, by, bx, i, qx;
	char *line;
	const struct form_option *o;

	rows = (int)(p->nmatch < PICKER_ROWS ? p->nmatch : PICKER_ROWS);
	if (rows < 1)
		rows = 1;
	bh = rows + 3;
	if (bh > h)
		bh = h;
	rows = bh - 3;
	bw = w - (vx - x);
	if (bw > 48)
		bw = 48;
	if (bw < 24)
		bw = w < 24 ? w : 24;
	bx = vx + bw <= x + w ? vx : x + w - bw;
	by = fy + 1 + bh <= y + h ? fy + 1 : fy - bh >= y ? fy - bh : y + h - bh;
	draw_frame(by, bx, bh, bw, fld->label, R_BORDER);
	qx = bx + 1 + draw_str(by + 1, bx + 1, bw - 2, _("Search: "), R_DIM);
	*cx = lineedit_draw(&p->query, by + 1, qx, bx + bw - 1 - qx, R_FIELD_FOCUS, false);
	*cy = by + 1;
	if (rows < 1)
		return;
	if (p->cur < p->top)
		p->top = p->cur;
	if (p->cur >= p->top + (size_t)rows)
		p->top = p->cur - (size_t)rows + 1;
	if (p->nmatch == 0) {
		draw_text(by + 2, bx + 1, bw - 2, fld->nopts == 0 ? _("Nothing to choose from") :
		    _("No match"), R_DIM, TEXT_LEFT);
		return;
	}
	for (i = 0; i < rows && p->top + (size_t)i < p->nmatch; i++) {
		size_t m = p->top + (size_t)i, k;
		bool on = false;

		o = &fld->opts[p->match[m]];
		for (k = 0; k < p->nids; k++)
			on = on || p->ids[k] == o->id;
		if (multi)
			line = xasprintf("[%s] %s", on ? "x" : " ", o->label);
		else
			line = xstrdup(o->label);
		draw_text(by + 2 + i, bx + 1, bw - 2, line,
		    m == p->cur ? R_CURSOR : R_NORMAL, TEXT_LEFT);
		free(line);
	}
}

int
form_height(const struct form *f)
{
	int h = 0;
	size_t i;

	for (i = 0; i < f->n; i++)
		h += form_field_lines(f->fields[i]);
	return h + (f->buttons ? 2 : 0) + (f->error != NULL);
}

bool
form_draw(struct form *f, int y, int x, int h, int w, int *cy, int *cx)
{
	int lw = 0, line, total = 0, focus_line = 0, focus_lines = 1, row, vx, vw, fw;
	int pick_y = 0, role, used;
	bool cursor = false;
	struct form_field *fld;
	char *label, *val;
	size_t i;

	if (h < 1 || w < 10)
		return false;
	form_focused(f);
	for (i = 0; i < f->n; i++) {
		int lwi = text_width(f->fields[i]->label) + (f->fields[i]->required ? 2 : 0);

		if (lwi > lw)
			lw = lwi;
	}
	lw += 1;
	if (lw > w / 3)
		lw = w / 3;
	vx = x + lw + 1;
	vw = w - lw - 1;

	/* Lay out, then scroll so the focus shows. */
	for (i = 0; i < f->n; i++) {
		if (i == f->focus) {
			focus_line = total;
			focus_lines = form_field_lines(f->fields[i]);
		}
		total += form_field_lines(f->fields[i]);
	}
	if (f->buttons) {
		if (f->focus >= f->n)
			focus_line = total + 1;
		total += 2;
	}
	if (f->error != NULL)
		total++;
	if (focus_line < f->top)
		f->top = focus_line;
	if (focus_line + focus_lines > f->top + h)
		f->top = focus_line + focus_lines - h;
	if (total <= h)
		f->top = 0;

	line = 0;
	for (i = 0; i < f->n; i++) {
		fld = f->fields[i];
		row = y + line - f->top;
		line += form_field_lines(fld);
		if (row < y || row >= y + h)
			continue;
		label = xasprintf("%s%s", fld->label,
		    fld->required && !fld->readonly ? " *" : "");
		draw_text(row, x, lw, label, fld->error != NULL ? R_ERROR :
		    i == f->focus ? R_HEADER : R_NORMAL, TEXT_LEFT);
		free(label);
		role = fld->readonly ? R_DIM : i == f->focus ? R_FIELD_FOCUS : R_FIELD;
		fw = vw;
		if (form_is_text(fld)) {
			if (fld->maxlen > 0 && (int)fld->maxlen + 1 < fw)
				fw = (int)fld->maxlen + 1;
			if (fw > 40)
				fw = 40;
			if (fw < vw && fw < 10)
				fw = vw < 10 ? vw : 10;
			used = lineedit_draw(&fld->le, row, vx, fw, role,
			    fld->type == F_PASSWORD);
			if (i == f->focus && !f->picker.open) {
				*cy = row;
				*cx = used;
				cursor = true;
			}
		} else if (fld->type == F_BOOL) {
			fw = 3;
			draw_text(row, vx, fw, fld->checked ? "[x]" : "[ ]", role, TEXT_LEFT);
		} else {
			val = form_value_text(fld);
			if (*val == '\0') {
				free(val);
				val = xstrdup(_("(none)"));
			}
			if (fw > 48)
				fw = 48;
			draw_text(row, vx, fw, val, role, TEXT_LEFT);
			free(val);
			if (i == f->focus)
				pick_y = row;
		}
		if (fld->hint != NULL && vx + fw + 2 + text_width(fld->hint) <= x + w)
			draw_str(row, vx + fw + 2, x + w - vx - fw - 2, fld->hint, R_DIM);
		if (fld->error != NULL && row + 1 < y + h) {
			val = xasprintf("! %s", fld->error);
			draw_text(row + 1, vx, x + w - vx, val, R_ERROR, TEXT_LEFT);
			free(val);
		}
	}
	if (f->buttons) {
		row = y + line + 1 - f->top;
		if (row >= y && row < y + h) {
			val = xasprintf("[ %s ]", _(f->submit_label));
			used = draw_str(row, vx, w - lw - 1, val,
			    f->focus == f->n ? R_CURSOR : R_NORMAL);
			free(val);
			val = xasprintf("[ %s ]", _("Cancel"));
			draw_str(row, vx + used + 2, x + w - vx - used - 2, val,
			    f->focus == f->n + 1 ? R_CURSOR : R_NORMAL);
			free(val);
		}
		line += 2;
	}
	if (f->error != NULL) {
		row = y + line - f->top;
		if (row >= y && row < y + h)
			draw_text(row, x, w, f->error, R_ERROR, TEXT_LEFT);
	}
	if (f->picker.open) {
		int fy = pick_y > 0 ? pick_y : y;

		form_picker_draw(f, y, x, h, w, fy, vx, cy, cx);
		cursor = true;
	}
	return cursor;
}

void
form_draw_screen(struct form *f, struct screen *s, bool saving, int y, int x, int h, int w)
{
	int cy, cx, pad = w >= 70 ? 2 : 1;

	if (saving)
		draw_text(y + h - 1, x, w, _("Saving\u2026"), R_DIM, TEXT_LEFT);
	if (form_draw(f, y + 1, x + pad, h - 2, w - 2 * pad, &cy, &cx)) {
		s->cursor_on = true;
		s->cursor_y = cy;
		s->cursor_x = cx;
	}
}

enum form_result
form_screen_key(struct form *f, struct screen *s, bool saving, int key, int discard_tag,
    const char *question)
{
	enum form_result r;

	if (saving && key != K_F(1) && key != K_F(10))
		return FORM_CANCEL;
	r = form_key(f, key);
	if (r != FORM_CANCEL)
		return r;
	if (!form_dirty(f)) {
		app_pop_screen(s);
		return FORM_CANCEL;
	}
	dialog_confirm(s, discard_tag, _("Leave the form"), question);
	return FORM_NONE;
}

bool
form_screen_enabled(struct form *f, int action, int pick, int done, int close)
{
	bool picker = f->picker.open;
	struct form_field *fld = picker ? NULL : form_focused(f);

	if (action == pick)
		return fld != NULL && fld->type >= F_CHOICE && fld->type <= F_REFS;
	if (action == done || action == close)
		return picker;
	return !picker;
}
