/* Asset attributes in forms, and the tree browser's rows. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "form.h"
#include "rv.h"
#include "tui.h"
#include "xmalloc.h"

/* Attributes. */

const char *
asset_check_decimal(const char *text)
{
	const char *p = text;
	bool digit = false, sep = false;

	if (*p == '-' || *p == '+')
		p++;
	for (; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digit = true;
		else if ((*p == '.' || *p == ',') && !sep)
			sep = true;
		else
			return _("A number, such as 12,5");
	}
	return digit ? NULL : _("A number, such as 12,5");
}

char *
asset_value_text(const struct rv *v)
{
	if (v == NULL || v->type == RV_NIL)
		return xstrdup("");
	switch (v->type) {
	case RV_STR:
		return xstrdup(v->s.ptr);
	case RV_INT:
		return xasprintf("%lld", (long long)v->i);
	case RV_FLOAT:
		return xasprintf("%.15g", v->f);
	case RV_BOOL:
		return xstrdup(v->b ? _("yes") : _("no"));
	default:
		return rv_to_json(v);
	}
}

const char *
asset_attr_label(const struct rv *type, const char *name)
{
	const struct rv *attrs = rv_get(type, "attributes");
	size_t i;

	for (i = 0; attrs != NULL && attrs->type == RV_ARRAY && i < attrs->a.n; i++) {
		if (strcmp(rv_path_str(attrs->a.items[i], "name", ""), name) == 0)
			return rv_path_str(attrs->a.items[i], "label", name);
	}
	return name;
}

void
asset_attrs_fields(struct form *f, const struct rv *type)
{
	const struct rv *attrs = rv_get(type, "attributes"), *a, *choices;
	const char *dt, *unit, *lo, *hi;
	struct form_field *fld;
	char *name;
	size_t i, c;

	for (i = 0; attrs != NULL && attrs->type == RV_ARRAY && i < attrs->a.n; i++) {
		a = attrs->a.items[i];
		dt = rv_path_str(a, "data_type", "text");
		name = xasprintf("%s%s", ASSET_ATTR_PREFIX, rv_path_str(a, "name", "?"));
		if (strcmp(dt, "int") == 0)
			fld = form_add(f, F_NUMBER, name, "");
		else if (strcmp(dt, "date") == 0)
			fld = form_add(f, F_DATE, name, "");
		else if (strcmp(dt, "choice") == 0)
			fld = form_add(f, F_CHOICE, name, "");
		else
			fld = form_add(f, F_TEXT, name, "");
		free(name);
		free(fld->label);
		/* Labels come in English from the server: the catalogue
		 * translates them like any other string. */
		fld->label = xstrdup(_(rv_path_str(a, "label", rv_path_str(a, "name", "?"))));
		fld->required = rv_path_bool(a, "required", false);
		if (strcmp(dt, "numeric") == 0)
			fld->check = asset_check_decimal;
		if (fld->type == F_TEXT || fld->type == F_NUMBER)
			fld->maxlen = 200;
		choices = rv_get(a, "choices");
		for (c = 0; choices != NULL && choices->type == RV_ARRAY && c < choices->a.n; c++) {
			if (choices->a.items[c]->type == RV_STR)
				form_option_add(fld, (int64_t)c, choices->a.items[c]->s.ptr,
				    choices->a.items[c]->s.ptr);
		}
		unit = rv_path_str(a, "unit", "");
		lo = rv_path_str(a, "min_value", NULL);
		hi = rv_path_str(a, "max_value", NULL);
		if (lo != NULL && hi != NULL && fld->type != F_DATE)
			fld->hint = xasprintf("%s%s%s\u2013%s", unit, *unit != '\0' ? ", " : "",
			    lo, hi);
		else if (*unit != '\0')
			fld->hint = xstrdup(unit);
	}
}

char *
asset_date_field(const char *ymd, bool month_first, char *buf, size_t len)
{
	if (ymd == NULL || strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-')
		xsnprintf(buf, len, "%s", ymd != NULL ? ymd : "");
	else if (month_first)
		xsnprintf(buf, len, "%.2s/%.2s/%.4s", ymd + 5, ymd + 8, ymd);
	else
		xsnprintf(buf, len, "%.2s/%.2s/%.4s", ymd + 8, ymd + 5, ymd);
	return buf;
}

void
asset_attrs_fill(struct form *f, const struct rv *type, const struct rv *values)
{
	struct form_field *fld;
	char *text;
	size_t i;

	for (i = 0; values != NULL && values->type == RV_MAP && i < values->m.n; i++) {
		text = xasprintf("%s%s", ASSET_ATTR_PREFIX, values->m.items[i].key);
		fld = form_get(f, text);
		free(text);
		if (fld == NULL)
			continue;
		if (fld->type == F_CHOICE)
			form_set_keys(f, fld->name, values->m.items[i].val);
		else if (fld->type == F_DATE && values->m.items[i].val->type == RV_STR) {
			char buf[32];

			lineedit_set(&fld->le, asset_date_field(values->m.items[i].val->s.ptr,
			    f->month_first, buf, sizeof buf));
		} else {
			text = asset_value_text(values->m.items[i].val);
			lineedit_set(&fld->le, text);
			free(text);
		}
	}
}

char *
asset_attrs_json(const struct form *f, const struct rv *type)
{
	const struct rv *attrs = rv_get(type, "attributes"), *a;
	struct rv *map = rv_map(), *params = rv_map();
	const struct rv *v;
	char *key, *json, *p;
	size_t i;

	/* The form's own conversion (dates, numbers, choices), then the
	 * attributes' names without the prefix. */
	form_to_params(f, params);
	for (i = 0; attrs != NULL && attrs->type == RV_ARRAY && i < attrs->a.n; i++) {
		a = attrs->a.items[i];
		key = xasprintf("%s%s", ASSET_ATTR_PREFIX, rv_path_str(a, "name", "?"));
		v = rv_get(params, key);
		free(key);
		if (v == NULL || (v->type == RV_STR && v->s.len == 0))
			continue;
		if (strcmp(rv_path_str(a, "data_type", ""), "numeric") == 0 &&
		    v->type == RV_STR) {
			char *dec = xstrdup(v->s.ptr);

			if ((p = strchr(dec, ',')) != NULL)
				*p = '.';
			rv_set_str(map, rv_path_str(a, "name", "?"), dec);
			free(dec);
		} else
			rv_set(map, rv_path_str(a, "name", "?"), rv_copy(v));
	}
	json = rv_to_json(map);
	rv_free(map);
	rv_free(params);
	return json;
}

void
asset_form_copy(struct form *dst, const struct form *src)
{
	struct form_field *d, *s;
	size_t i;

	for (i = 0; i < src->n; i++) {
		s = src->fields[i];
		d = form_get(dst, s->name);
		if (d == NULL || d->type != s->type)
			continue;
		if (s->type <= F_DATE) {
			char *text = lineedit_text(&s->le);

			lineedit_set(&d->le, text);
			free(text);
		} else if (s->type == F_BOOL)
			d->checked = s->checked;
		else {
			size_t k;

			/* Ids, and the labels of options found by a search. */
			for (k = 0; k < s->nopts; k++) {
				if (form_option_find(d, s->opts[k].id) == NULL)
					form_option_add(d, s->opts[k].id, s->opts[k].key,
					    s->opts[k].label);
			}
			free(d->ids);
			d->ids = xcalloc(s->nids + 1, sizeof *d->ids);
			if (s->nids > 0)
				memcpy(d->ids, s->ids, s->nids * sizeof *d->ids);
			d->nids = s->nids;
		}
	}
}

/* The tree. */

static void
asset_node_free(struct asset_node *n)
{
	free(n->after);
	rv_free(n->item);
}

void
asset_tree_clear(struct asset_tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		asset_node_free(&t->nodes[i]);
	free(t->nodes);
	memset(t, 0, sizeof *t);
}

long
asset_tree_find(const struct asset_tree *t, enum asset_node_kind kind, int64_t id)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->nodes[i].kind == kind && t->nodes[i].id == id)
			return (long)i;
	}
	return -1;
}

/* The row after i's subtree. */
static size_t
asset_tree_subtree_end(const struct asset_tree *t, size_t i)
{
	size_t j = i + 1;

	while (j < t->n && t->nodes[j].depth > t->nodes[i].depth)
		j++;
	return j;
}

static void
asset_tree_remove(struct asset_tree *t, size_t from, size_t to)
{
	size_t i;

	if (to <= from)
		return;
	for (i = from; i < to; i++)
		asset_node_free(&t->nodes[i]);
	memmove(t->nodes + from, t->nodes + to, (t->n - to) * sizeof *t->nodes);
	t->n -= to - from;
	/* The cursor stays on the same row, or on the first after the cut. */
	if (t->cur >= to)
		t->cur -= to - from;
	else if (t->cur >= from)
		t->cur = from > 0 ? from - 1 : 0;
	if (t->n == 0)
		t->cur = 0;
	else if (t->cur >= t->n)
		t->cur = t->n - 1;
}

static void
asset_tree_insert(struct asset_tree *t, size_t at, const struct asset_node *rows, size_t n)
{
	if (n == 0)
		return;
	t->nodes = xreallocarray(t->nodes, t->n + n, sizeof *t->nodes);
	memmove(t->nodes + at + n, t->nodes + at, (t->n - at) * sizeof *t->nodes);
	memcpy(t->nodes + at, rows, n * sizeof *rows);
	if (t->n > 0 && t->cur >= at)
		t->cur += n;
	t->n += n;
}

bool
asset_tree_loaded(struct asset_tree *t, enum asset_node_kind pkind, int64_t pid,
    const struct rv *result, enum asset_node_kind kind)
{
	const struct rv *items = rv_get(result, "items"), *next = rv_get(result, "next");
	struct asset_node *rows, *cur = t->cur < t->n ? &t->nodes[t->cur] : NULL;
	enum asset_node_kind cur_kind = cur != NULL ? cur->kind : NODE_ROOT;
	int64_t cur_id = cur != NULL ? cur->id : 0;
	size_t at, end, i, n = 0;
	int depth = 0;
	long p = -1;
	bool cur_more;

	if (pkind != NODE_ROOT) {
		p = asset_tree_find(t, pkind, pid);
		if (p < 0 || !t->nodes[p].expanded)
			return false;
		t->nodes[p].loading = false;
		depth = t->nodes[p].depth + 1;
		at = (size_t)p + 1;
		end = asset_tree_subtree_end(t, (size_t)p);
	} else {
		at = 0;
		end = t->n;
	}
	/* Where the level's "more" row is, the page goes; else at its end. */
	for (i = at; i < end; i++) {
		if (t->nodes[i].kind == NODE_MORE && t->nodes[i].depth == depth)
			break;
	}
	at = i;
	cur_more = cur != NULL && t->cur == at && at < end;
	if (at < end)
		asset_tree_remove(t, at, at + 1);

	rows = xcalloc(rv_len(items) + 1, sizeof *rows);
	for (i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		rows[n].kind = kind;
		rows[n].id = rv_path_int(items->a.items[i], "id", 0);
		rows[n].depth = depth;
		/* Sites and groups say nothing of their content: try. */
		rows[n].has_children = kind != NODE_ASSET ||
		    rv_path_bool(items->a.items[i], "has_children", false);
		rows[n].item = rv_copy(items->a.items[i]);
		n++;
	}
	if (next != NULL && next->type == RV_STR) {
		rows[n].kind = NODE_MORE;
		rows[n].parent_kind = pkind;
		rows[n].parent_id = pid;
		rows[n].depth = depth;
		rows[n].after = xstrdup(next->s.ptr);
		n++;
	}
	asset_tree_insert(t, at, rows, n);
	free(rows);
	/* Nothing inside after all (a site without assets): say so. */
	if (p >= 0 && asset_tree_subtree_end(t, (size_t)p) == (size_t)p + 1) {
		t->nodes[p].expanded = false;
		t->nodes[p].has_children = false;
	}
	/* The cursor stays on its row; on a "more" row, it goes to the first
	 * row of the page that replaced it. */
	if (cur_more)
		t->cur = at < t->n ? at : (t->n > 0 ? t->n - 1 : 0);
	else if (cur != NULL && cur_kind != NODE_MORE) {
		long r = asset_tree_find(t, cur_kind, cur_id);

		if (r >= 0)
			t->cur = (size_t)r;
	}
	return true;
}

bool
asset_tree_expand(struct asset_tree *t, size_t i)
{
	struct asset_node *n;

	if (i >= t->n)
		return false;
	n = &t->nodes[i];
	if (n->kind == NODE_MORE || !n->has_children || n->expanded)
		return false;
	n->expanded = true;
	n->loading = true;
	return true;
}

void
asset_tree_collapse(struct asset_tree *t, size_t i)
{
	if (i >= t->n)
		return;
	asset_tree_remove(t, i + 1, asset_tree_subtree_end(t, i));
	t->nodes[i].expanded = false;
	t->nodes[i].loading = false;
}

long
asset_tree_parent(const struct asset_tree *t, size_t i)
{
	size_t j;

	if (i >= t->n || t->nodes[i].depth == 0)
		return -1;
	for (j = i; j-- > 0;) {
		if (t->nodes[j].depth < t->nodes[i].depth)
			return (long)j;
	}
	return -1;
}

bool
asset_tree_more(struct asset_tree *t, size_t i, enum asset_node_kind *pkind, int64_t *pid,
    const char **after)
{
	struct asset_node *n;

	if (i >= t->n)
		return false;
	n = &t->nodes[i];
	if (n->kind != NODE_MORE || n->loading)
		return false;
	n->loading = true;
	*pkind = n->parent_kind;
	*pid = n->parent_id;
	*after = n->after;
	return true;
}

/* Formatting. */

char *
asset_date_text(const char *ymd, char *buf, size_t len)
{
	char stamp[40], *sp;

	if (ymd == NULL || strlen(ymd) != 10) {
		xsnprintf(buf, len, "%s", ymd != NULL ? ymd : "");
		return buf;
	}
	/* Noon UTC is the same day in every zone we serve: the date part of
	 * the usual formatting is the locale's date. */
	xsnprintf(stamp, sizeof stamp, "%sT12:00:00Z", ymd);
	time_format(stamp, false, buf, len);
	if ((sp = strrchr(buf, ' ')) != NULL)
		*sp = '\0';
	return buf;
}

char *
asset_money_text(const char *amount, char *buf, size_t len)
{
	const char *dot, *sep = nl_langinfo(THOUSEP), *radix = nl_langinfo(RADIXCHAR);
	char out[128];
	size_t ni, i, o = 0;

	if (amount == NULL || *amount == '\0') {
		xsnprintf(buf, len, "%s", "");
		return buf;
	}
	if (*sep == '\0')
		sep = " ";
	if (*radix == '\0')
		radix = ".";
	dot = strchr(amount, '.');
	ni = dot != NULL ? (size_t)(dot - amount) : strlen(amount);
	for (i = 0; i < ni && o + 8 < sizeof out; i++) {
		out[o++] = amount[i];
		if (amount[i] != '-' && (ni - i - 1) % 3 == 0 && i + 1 < ni)
			o += (size_t)snprintf(out + o, sizeof out - o, "%s", sep);
	}
	out[o] = '\0';
	xsnprintf(buf, len, "%s%s%s \u20ac", out, dot != NULL ? radix : "",
	    dot != NULL ? dot + 1 : "");
	return buf;
}

char *
asset_label(const struct rv *asset)
{
	return xasprintf("%s %s", rv_path_str(asset, "code", ""),
	    rv_path_str(asset, "name", ""));
}

void
place_options(struct form_field *fld, const struct rv *items, bool asset)
{
	for (size_t i = 0; items != NULL && items->type == RV_ARRAY && i < items->a.n; i++) {
		const struct rv *it = items->a.items[i];
		char *label = asset ? asset_label(it) : xasprintf("%s %s",
		    rv_path_str(it, "code", ""), rv_path_str(it, "name", ""));

		form_option_merge(fld, rv_path_int(it, "id", 0), label);
		free(label);
	}
}

void
place_fetch(struct screen *s, int tag_sites, int tag_assets, const struct form_field *fld,
    const char *query)
{
	struct rv *params = rv_map();

	if (strcmp(fld->name, "site_id") == 0) {
		if (*query != '\0')
			rv_set_str(params, "query", query);
		app_call(s, tag_sites, "site.list", params);
	} else if (strcmp(fld->name, "asset_id") == 0 && *query != '\0') {
		rv_set_str(params, "query", query);
		app_call(s, tag_assets, "asset.search", params);
	} else
		rv_free(params);
}
