/* rv: decoded values in our own structs, and their JSON text form. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "rv.h"
#include "wire.h"
#include "xmalloc.h"

#define RV_JSON_MAX_DEPTH 64

static struct rv *
rv_new(enum rv_type type)
{
	struct rv *v;

	v = xcalloc(1, sizeof *v);
	v->type = type;
	return v;
}

struct rv *
rv_nil(void)
{
	return rv_new(RV_NIL);
}

struct rv *
rv_bool(bool b)
{
	struct rv *v = rv_new(RV_BOOL);

	v->b = b;
	return v;
}

struct rv *
rv_int(int64_t i)
{
	struct rv *v = rv_new(RV_INT);

	v->i = i;
	return v;
}

struct rv *
rv_float(double f)
{
	struct rv *v = rv_new(RV_FLOAT);

	v->f = f;
	return v;
}

/*
 * A string or binary value keeps its bytes right after its struct, in
 * the same allocation: a page of rows holds hundreds of strings, and
 * this halves their mallocs. So s.ptr of RV_STR and RV_BIN is never
 * freed (or replaced) alone; RV_PACKED, which takes a buffer it is
 * given, keeps a pointer of its own.
 */
static struct rv *
rv_bytes(enum rv_type type, const void *p, size_t len)
{
	struct rv *v;

	/* Nothing on the wire can be this long: a caller bug. */
	if (len >= UINT32_MAX || len > SIZE_MAX - sizeof *v - 1)
		abort();
	v = xmalloc(sizeof *v + len + 1);
	memset(v, 0, sizeof *v);
	v->type = type;
	v->s.ptr = (char *)(v + 1);
	if (len != 0)
		memcpy(v->s.ptr, p, len);
	v->s.ptr[len] = '\0';
	v->s.len = (uint32_t)len;
	return v;
}

struct rv *
rv_str(const char *s)
{
	if (s == NULL)
		return rv_nil();
	return rv_bytes(RV_STR, s, strlen(s));
}

struct rv *
rv_strn(const char *s, size_t len)
{
	return rv_bytes(RV_STR, s, len);
}

struct rv *
rv_bin(const void *p, size_t len)
{
	return rv_bytes(RV_BIN, p, len);
}

struct rv *
rv_packed(void *p, size_t len)
{
	struct rv *v;

	if (len >= UINT32_MAX)
		abort();
	v = rv_new(RV_PACKED);
	v->s.ptr = p;
	v->s.len = (uint32_t)len;
	return v;
}

struct rv *
rv_array(void)
{
	return rv_new(RV_ARRAY);
}

struct rv *
rv_map(void)
{
	return rv_new(RV_MAP);
}

struct rv *
rv_copy(const struct rv *v)
{
	struct rv *c;
	char *p;
	uint32_t i;

	if (v == NULL)
		return NULL;
	switch (v->type) {
	case RV_STR:
	case RV_BIN:
		return rv_bytes(v->type, v->s.ptr, v->s.len);
	case RV_PACKED:
		p = xmalloc(v->s.len);
		if (v->s.len != 0)
			memcpy(p, v->s.ptr, v->s.len);
		return rv_packed(p, v->s.len);
	case RV_ARRAY:
		c = rv_new(RV_ARRAY);
		if (v->a.n != 0) {
			c->a.items = xreallocarray(NULL, v->a.n, sizeof *c->a.items);
			c->a.cap = v->a.n;
			for (i = 0; i < v->a.n; i++)
				c->a.items[i] = rv_copy(v->a.items[i]);
			c->a.n = v->a.n;
		}
		return c;
	case RV_MAP:
		c = rv_new(RV_MAP);
		if (v->m.n != 0) {
			c->m.items = xreallocarray(NULL, v->m.n, sizeof *c->m.items);
			c->m.cap = v->m.n;
			for (i = 0; i < v->m.n; i++) {
				c->m.items[i].key = xmalloc(v->m.items[i].klen + 1);
				memcpy(c->m.items[i].key, v->m.items[i].key, v->m.items[i].klen + 1);
				c->m.items[i].klen = v->m.items[i].klen;
				c->m.items[i].val = rv_copy(v->m.items[i].val);
			}
			c->m.n = v->m.n;
		}
		return c;
	default:
		c = rv_new(v->type);
		*c = *v;
		c->flags = 0;   /* a copy is the caller's own, frozen or not */
		return c;
	}
}

void
rv_free(struct rv *v)
{
	uint32_t i;

	if (v == NULL)
		return;
	if (v->flags & RV_FROZEN) {
		/* Its parts are in the same allocation. */
		if (!(v->flags & RV_FROZEN_ROOT))
			abort();
		free(v);
		return;
	}
	switch (v->type) {
	case RV_PACKED:
		free(v->s.ptr);
		break;
	case RV_ARRAY:
		for (i = 0; i < v->a.n; i++)
			rv_free(v->a.items[i]);
		free(v->a.items);
		break;
	case RV_MAP:
		for (i = 0; i < v->m.n; i++) {
			free(v->m.items[i].key);
			rv_free(v->m.items[i].val);
		}
		free(v->m.items);
		break;
	default:
		break;
	}
	free(v);
}

static uint32_t
rv_grow(uint32_t cap)
{
	if (cap == 0)
		return 4;
	if (cap > UINT32_MAX / 2)
		abort();
	return cap * 2;
}

struct rv *
rv_push(struct rv *array, struct rv *v)
{
	if (array->type != RV_ARRAY || (array->flags & RV_FROZEN))
		abort();
	if (array->a.n == array->a.cap) {
		array->a.cap = rv_grow(array->a.cap);
		array->a.items = xreallocarray(array->a.items, array->a.cap,
		    sizeof *array->a.items);
	}
	array->a.items[array->a.n++] = v;
	return v;
}

static struct rv_pair *
rv_find(const struct rv *map, const char *key, size_t klen)
{
	uint32_t i;

	if (map == NULL || map->type != RV_MAP)
		return NULL;
	for (i = 0; i < map->m.n; i++) {
		struct rv_pair *p = &map->m.items[i];

		if (p->klen == klen && memcmp(p->key, key, klen) == 0)
			return p;
	}
	return NULL;
}

/* Appends a pair without looking for an earlier one with the same key:
 * for callers that already know the key is new. */
static void
rv_map_append(struct rv *map, const char *key, size_t klen, struct rv *v)
{
	struct rv_pair *p;

	if (map->type != RV_MAP || klen >= UINT32_MAX || (map->flags & RV_FROZEN))
		abort();
	if (map->m.n == map->m.cap) {
		map->m.cap = rv_grow(map->m.cap);
		map->m.items = xreallocarray(map->m.items, map->m.cap,
		    sizeof *map->m.items);
	}
	p = &map->m.items[map->m.n++];
	p->key = xmalloc(klen + 1);
	memcpy(p->key, key, klen);
	p->key[klen] = '\0';
	p->klen = (uint32_t)klen;
	p->val = v;
}

struct rv *
rv_set(struct rv *map, const char *key, struct rv *v)
{
	struct rv_pair *p;
	size_t klen = strlen(key);

	if (map->type != RV_MAP || (map->flags & RV_FROZEN))
		abort();
	if ((p = rv_find(map, key, klen)) != NULL) {
		rv_free(p->val);
		p->val = v;
		return v;
	}
	rv_map_append(map, key, klen, v);
	return v;
}

bool
rv_unset(struct rv *map, const char *key)
{
	struct rv_pair *p;
	size_t at;

	if (map->type != RV_MAP || (map->flags & RV_FROZEN))
		abort();
	if ((p = rv_find(map, key, strlen(key))) == NULL)
		return false;
	at = (size_t)(p - map->m.items);
	free(p->key);
	rv_free(p->val);
	memmove(p, p + 1, (map->m.n - at - 1) * sizeof *p);
	map->m.n--;
	return true;
}

void
rv_set_str(struct rv *map, const char *key, const char *s)
{
	rv_set(map, key, rv_str(s));
}

void
rv_set_int(struct rv *map, const char *key, int64_t i)
{
	rv_set(map, key, rv_int(i));
}

void
rv_set_bool(struct rv *map, const char *key, bool b)
{
	rv_set(map, key, rv_bool(b));
}

void
rv_set_nil(struct rv *map, const char *key)
{
	rv_set(map, key, rv_nil());
}

const struct rv *
rv_get(const struct rv *map, const char *key)
{
	const struct rv_pair *p;

	if ((p = rv_find(map, key, strlen(key))) == NULL)
		return NULL;
	return p->val;
}

const struct rv *
rv_path(const struct rv *v, const char *path)
{
	const char *seg, *dot;
	const struct rv_pair *p;
	size_t len, i;
	uint64_t idx;

	for (seg = path; v != NULL; seg = dot + 1) {
		dot = strchr(seg, '.');
		len = dot != NULL ? (size_t)(dot - seg) : strlen(seg);
		if (v->type == RV_MAP) {
			p = rv_find(v, seg, len);
			v = p != NULL ? p->val : NULL;
		} else if (v->type == RV_ARRAY) {
			if (len == 0 || len > 10)
				return NULL;
			idx = 0;
			for (i = 0; i < len; i++) {
				if (seg[i] < '0' || seg[i] > '9')
					return NULL;
				idx = idx * 10 + (uint64_t)(seg[i] - '0');
			}
			v = idx < v->a.n ? v->a.items[idx] : NULL;
		} else
			return NULL;
		if (dot == NULL)
			break;
	}
	return v;
}

const char *
rv_path_str(const struct rv *v, const char *path, const char *def)
{
	const struct rv *r = rv_path(v, path);

	return r != NULL && r->type == RV_STR ? r->s.ptr : def;
}

int64_t
rv_path_int(const struct rv *v, const char *path, int64_t def)
{
	const struct rv *r = rv_path(v, path);

	return r != NULL && r->type == RV_INT ? r->i : def;
}

bool
rv_path_bool(const struct rv *v, const char *path, bool def)
{
	const struct rv *r = rv_path(v, path);

	return r != NULL && r->type == RV_BOOL ? r->b : def;
}

size_t
rv_len(const struct rv *v)
{
	if (v == NULL)
		return 0;
	if (v->type == RV_ARRAY)
		return v->a.n;
	if (v->type == RV_MAP)
		return v->m.n;
	return 0;
}

/* Maps are equal when they hold the same keys with equal values, in any
 * order. */
bool
rv_equal(const struct rv *a, const struct rv *b)
{
	const struct rv_pair *p;
	uint32_t i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case RV_NIL:
		return true;
	case RV_BOOL:
		return a->b == b->b;
	case RV_INT:
		return a->i == b->i;
	case RV_FLOAT:
		return a->f == b->f;
	case RV_STR:
	case RV_BIN:
	case RV_PACKED:
		return a->s.len == b->s.len && memcmp(a->s.ptr, b->s.ptr, a->s.len) == 0;
	case RV_ARRAY:
		if (a->a.n != b->a.n)
			return false;
		for (i = 0; i < a->a.n; i++) {
			if (!rv_equal(a->a.items[i], b->a.items[i]))
				return false;
		}
		return true;
	case RV_MAP:
		if (a->m.n != b->m.n)
			return false;
		for (i = 0; i < a->m.n; i++) {
			p = rv_find(b, a->m.items[i].key, a->m.items[i].klen);
			if (p == NULL || !rv_equal(a->m.items[i].val, p->val))
				return false;
		}
		return true;
	}
	return false;
}

const char *
rv_type_name(enum rv_type t)
{
	switch (t) {
	case RV_NIL:
		return "nil";
	case RV_BOOL:
		return "boolean";
	case RV_INT:
		return "integer";
	case RV_FLOAT:
		return "float";
	case RV_STR:
		return "string";
	case RV_BIN:
		return "binary";
	case RV_ARRAY:
		return "array";
	case RV_MAP:
		return "map";
	case RV_PACKED:
		return "packed";
	}
	return "unknown";
}

/*
 * JSON. Numbers are read and written in the C locale whatever the
 * program's locale is: the client runs under a French LC_NUMERIC, where
 * printf would write 1,5.
 */

static locale_t rv_c_locale;
static pthread_once_t rv_c_locale_once = PTHREAD_ONCE_INIT;

static void
rv_c_locale_init(void)
{
	rv_c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (rv_c_locale == (locale_t)0)
		abort();
}

static locale_t
rv_get_c_locale(void)
{
	pthread_once(&rv_c_locale_once, rv_c_locale_init);
	return rv_c_locale;
}

struct json_parser {
	const char *start;
	const char *p;
	char *err;
	size_t errlen;
	bool failed;
};

static void json_fail(struct json_parser *jp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
json_fail(struct json_parser *jp, const char *fmt, ...)
{
	const char *q;
	char what[128];
	unsigned line = 1, col = 1;
	va_list ap;

	if (jp->failed)
		return;
	jp->failed = true;
	if (jp->err == NULL || jp->errlen == 0)
		return;
	for (q = jp->start; q < jp->p; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	xsnprintf(jp->err, jp->errlen, "line %u column %u: %s", line, col, what);
}

static void
json_skip_space(struct json_parser *jp)
{
	while (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' || *jp->p == '\r')
		jp->p++;
}

int
json_hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

void
json_add_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80)
		buf_addc(b, (char)cp);
	else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | (cp >> 6)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | (cp >> 12)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | (cp >> 18)));
		buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Reads a string at jp->p (on the opening quote) into out. */
static int
json_parse_string(struct json_parser *jp, struct buf *out)
{
	unsigned cp, lo;
	char c;

	jp->p++;
	for (;;) {
		c = *jp->p;
		if (c == '"') {
			jp->p++;
			return 0;
		}
		if (c == '\0') {
			json_fail(jp, "unterminated string");
			return -1;
		}
		if ((unsigned char)c < 0x20) {
			json_fail(jp, "control character in string");
			return -1;
		}
		if (c != '\\') {
			buf_addc(out, c);
			jp->p++;
			continue;
		}
		jp->p++;
		c = *jp->p;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			buf_addc(out, c);
			break;
		case 'b':
			buf_addc(out, '\b');
			break;
		case 'f':
			buf_addc(out, '\f');
			break;
		case 'n':
			buf_addc(out, '\n');
			break;
		case 'r':
			buf_addc(out, '\r');
			break;
		case 't':
			buf_addc(out, '\t');
			break;
		case 'u':
			if (json_hex4(jp->p + 1, &cp) != 0) {
				json_fail(jp, "bad \\u escape");
				return -1;
			}
			jp->p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				json_fail(jp, "lone low surrogate");
				return -1;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (jp->p[1] != '\\' || jp->p[2] != 'u' ||
				    json_hex4(jp->p + 3, &lo) != 0 ||
				    lo < 0xdc00 || lo > 0xdfff) {
					json_fail(jp, "high surrogate without its low half");
					return -1;
				}
				jp->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			json_add_utf8(out, cp);
			break;
		default:
			json_fail(jp, "bad escape in string");
			return -1;
		}
		jp->p++;
	}
}

static struct rv *
json_parse_number(struct json_parser *jp)
{
	const char *s = jp->p, *q = jp->p;
	bool is_float = false;
	char *end, *text;
	struct rv *v;

	if (*q == '-')
		q++;
	if (*q == '0')
		q++;
	else if (*q >= '1' && *q <= '9') {
		while (*q >= '0' && *q <= '9')
			q++;
	} else {
		json_fail(jp, "bad number");
		return NULL;
	}
	if (*q == '.') {
		is_float = true;
		q++;
		if (*q < '0' || *q > '9') {
			jp->p = q;
			json_fail(jp, "digit expected after '.'");
			return NULL;
		}
		while (*q >= '0' && *q <= '9')
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		is_float = true;
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (*q < '0' || *q > '9') {
			jp->p = q;
			json_fail(jp, "digit expected in exponent");
			return NULL;
		}
		while (*q >= '0' && *q <= '9')
			q++;
	}
	text = xstrndup(s, (size_t)(q - s));
	errno = 0;
	if (is_float) {
		double d = strtod_l(text, &end, rv_get_c_locale());

		if (!isfinite(d)) {
			free(text);
			json_fail(jp, "number out of range");
			return NULL;
		}
		v = rv_float(d);
	} else {
		long long ll = strtoll(text, &end, 10);

		if (errno == ERANGE) {
			free(text);
			json_fail(jp, "integer out of range");
			return NULL;
		}
		v = rv_int((int64_t)ll);
	}
	free(text);
	jp->p = q;
	return v;
}

static bool
json_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
json_ident_char(char c)
{
	return json_ident_start(c) || (c >= '0' && c <= '9');
}

static struct rv *json_parse_value(struct json_parser *jp, unsigned depth);

static struct rv *
json_parse_map(struct json_parser *jp, unsigned depth)
{
	struct rv *map, *v;
	struct buf key;
	const char *kstart;

	map = rv_map();
	buf_init(&key);
	jp->p++;
	json_skip_space(jp);
	if (*jp->p == '}') {
		jp->p++;
		return map;
	}
	for (;;) {
		json_skip_space(jp);
		buf_reset(&key);
		kstart = jp->p;
		if (*jp->p == '"') {
			if (json_parse_string(jp, &key) != 0)
				goto fail;
		} else if (json_ident_start(*jp->p)) {
			while (json_ident_char(*jp->p))
				buf_addc(&key, *jp->p++);
		} else {
			json_fail(jp, "key expected");
			goto fail;
		}
		if (rv_find(map, key.len != 0 ? (char *)key.data : "", key.len) != NULL) {
			jp->p = kstart;
			json_fail(jp, "duplicate key '%.*s'", (int)(key.len > 64 ? 64 : key.len),
			    key.len != 0 ? (char *)key.data : "");
			goto fail;
		}
		json_skip_space(jp);
		if (*jp->p != ':') {
			json_fail(jp, "':' expected");
			goto fail;
		}
		jp->p++;
		if ((v = json_parse_value(jp, depth + 1)) == NULL)
			goto fail;
		rv_map_append(map, key.len != 0 ? (char *)key.data : "", key.len, v);
		json_skip_space(jp);
		if (*jp->p == ',') {
			jp->p++;
			continue;
		}
		if (*jp->p == '}') {
			jp->p++;
			break;
		}
		json_fail(jp, "',' or '}' expected");
		goto fail;
	}
	buf_free(&key);
	return map;

fail:
	buf_free(&key);
	rv_free(map);
	return NULL;
}

static struct rv *
json_parse_array(struct json_parser *jp, unsigned depth)
{
	struct rv *array, *v;

	array = rv_array();
	jp->p++;
	json_skip_space(jp);
	if (*jp->p == ']') {
		jp->p++;
		return array;
	}
	for (;;) {
		if ((v = json_parse_value(jp, depth + 1)) == NULL) {
			rv_free(array);
			return NULL;
		}
		rv_push(array, v);
		json_skip_space(jp);
		if (*jp->p == ',') {
			jp->p++;
			continue;
		}
		if (*jp->p == ']') {
			jp->p++;
			return array;
		}
		json_fail(jp, "',' or ']' expected");
		rv_free(array);
		return NULL;
	}
}

static bool
json_word(struct json_parser *jp, const char *word)
{
	size_t len = strlen(word);

	if (strncmp(jp->p, word, len) != 0 || json_ident_char(jp->p[len]))
		return false;
	jp->p += len;
	return true;
}

static struct rv *
json_parse_value(struct json_parser *jp, unsigned depth)
{
	struct buf s;
	struct rv *v;

	json_skip_space(jp);
	switch (*jp->p) {
	case '{':
	case '[':
		if (depth >= RV_JSON_MAX_DEPTH) {
			json_fail(jp, "nested too deep");
			return NULL;
		}
		if (*jp->p == '{')
			return json_parse_map(jp, depth);
		return json_parse_array(jp, depth);
	case '"':
		buf_init(&s);
		if (json_parse_string(jp, &s) != 0) {
			buf_free(&s);
			return NULL;
		}
		v = rv_strn(s.len != 0 ? (char *)s.data : "", s.len);
		buf_free(&s);
		return v;
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return json_parse_number(jp);
	case '\0':
		json_fail(jp, "unexpected end of text");
		return NULL;
	default:
		if (json_word(jp, "true"))
			return rv_bool(true);
		if (json_word(jp, "false"))
			return rv_bool(false);
		if (json_word(jp, "null"))
			return rv_nil();
		json_fail(jp, "unexpected character '%c'", *jp->p);
		return NULL;
	}
}

struct rv *
rv_from_json(const char *text, char *err, size_t errlen)
{
	struct json_parser jp = { text, text, err, errlen, false };
	struct rv *v;

	if (err != NULL && errlen != 0)
		err[0] = '\0';
	if ((v = json_parse_value(&jp, 0)) == NULL)
		return NULL;
	json_skip_space(&jp);
	if (*jp.p != '\0') {
		json_fail(&jp, "trailing characters after the value");
		rv_free(v);
		return NULL;
	}
	return v;
}

static void
json_add_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\b':
			buf_adds(b, "\\b");
			break;
		case '\f':
			buf_adds(b, "\\f");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				buf_adds(b, "\\u00");
				buf_addc(b, hex[c >> 4]);
				buf_addc(b, hex[c & 0xf]);
			} else
				buf_addc(b, (char)c);
			break;
		}
	}
	buf_addc(b, '"');
}

static void
json_add_base64(struct buf *b, const uint8_t *p, size_t len)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	uint32_t w;

	buf_addc(b, '"');
	for (i = 0; i + 3 <= len; i += 3) {
		w = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		buf_addc(b, alphabet[w >> 18]);
		buf_addc(b, alphabet[(w >> 12) & 0x3f]);
		buf_addc(b, alphabet[(w >> 6) & 0x3f]);
		buf_addc(b, alphabet[w & 0x3f]);
	}
	if (len - i == 1) {
		w = (uint32_t)p[i] << 16;
		buf_addc(b, alphabet[w >> 18]);
		buf_addc(b, alphabet[(w >> 12) & 0x3f]);
		buf_adds(b, "==");
	} else if (len - i == 2) {
		w = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		buf_addc(b, alphabet[w >> 18]);
		buf_addc(b, alphabet[(w >> 12) & 0x3f]);
		buf_addc(b, alphabet[(w >> 6) & 0x3f]);
		buf_addc(b, '=');
	}
	buf_addc(b, '"');
}

/* Writes the shortest of %.15g/%.17g that reads back exactly, and makes
 * sure it reads back as a float, not an integer. */
static void
json_add_float(struct buf *b, double f)
{
	locale_t c_locale = rv_get_c_locale(), old;
	char text[40];

	if (!isfinite(f)) {
		buf_adds(b, "null");	/* JSON has no NaN or infinity */
		return;
	}
	old = uselocale(c_locale);
	snprintf(text, sizeof text, "%.15g", f);
	if (strtod_l(text, NULL, c_locale) != f)
		snprintf(text, sizeof text, "%.17g", f);
	uselocale(old);
	buf_adds(b, text);
	if (strpbrk(text, ".eE") == NULL)
		buf_adds(b, ".0");
}

static void
json_add_value(struct buf *b, const struct rv *v)
{
	uint32_t i;

	if (v == NULL) {
		buf_adds(b, "null");
		return;
	}
	switch (v->type) {
	case RV_NIL:
		buf_adds(b, "null");
		break;
	case RV_BOOL:
		buf_adds(b, v->b ? "true" : "false");
		break;
	case RV_INT:
		buf_printf(b, "%lld", (long long)v->i);
		break;
	case RV_FLOAT:
		json_add_float(b, v->f);
		break;
	case RV_STR:
		json_add_string(b, v->s.ptr, v->s.len);
		break;
	case RV_BIN:
		json_add_base64(b, (const uint8_t *)v->s.ptr, v->s.len);
		break;
	case RV_ARRAY:
		buf_addc(b, '[');
		for (i = 0; i < v->a.n; i++) {
			if (i != 0)
				buf_adds(b, ", ");
			json_add_value(b, v->a.items[i]);
		}
		buf_addc(b, ']');
		break;
	case RV_MAP:
		buf_addc(b, '{');
		for (i = 0; i < v->m.n; i++) {
			if (i != 0)
				buf_adds(b, ", ");
			json_add_string(b, v->m.items[i].key, v->m.items[i].klen);
			buf_adds(b, ": ");
			json_add_value(b, v->m.items[i].val);
		}
		buf_addc(b, '}');
		break;
	case RV_PACKED: {
		/* For logs and tools: the value it holds. */
		struct rv *tree = wire_decode((const uint8_t *)v->s.ptr, v->s.len, NULL, 0);

		json_add_value(b, tree);
		rv_free(tree);
		break;
	}
	}
}

char *
rv_to_json(const struct rv *v)
{
	struct buf b;

	buf_init(&b);
	json_add_value(&b, v);
	return buf_detach_str(&b);
}
