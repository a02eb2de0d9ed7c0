/* MessagePack, written by hand for the few types rows need, and JSON
 * columns transcoded on the way. */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pack.h"

static void pack_be(struct buf *b, uint8_t type, uint64_t v, unsigned bytes)
{
	uint8_t out[9];

	out[0] = type;
	for (unsigned i = 0; i < bytes; i++)
		out[1 + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	buf_add(b, out, 1 + bytes);
}

void pack_nil(struct buf *b)
{
	buf_addc(b, (char)0xc0);
}

void pack_bool(struct buf *b, bool v)
{
	buf_addc(b, (char)(v ? 0xc3 : 0xc2));
}

void pack_int(struct buf *b, int64_t v)
{
	if (v >= 0) {
		if (v <= 0x7f)
			buf_addc(b, (char)v);
		else if (v <= UINT8_MAX)
			pack_be(b, 0xcc, (uint64_t)v, 1);
		else if (v <= UINT16_MAX)
			pack_be(b, 0xcd, (uint64_t)v, 2);
		else if (v <= UINT32_MAX)
			pack_be(b, 0xce, (uint64_t)v, 4);
		else
			pack_be(b, 0xcf, (uint64_t)v, 8);
	} else if (v >= -32) {
		buf_addc(b, (char)(uint8_t)v);
	} else if (v >= INT8_MIN) {
		pack_be(b, 0xd0, (uint64_t)v & 0xff, 1);
	} else if (v >= INT16_MIN) {
		pack_be(b, 0xd1, (uint64_t)v & 0xffff, 2);
	} else if (v >= INT32_MIN) {
		pack_be(b, 0xd2, (uint64_t)v & 0xffffffff, 4);
	} else {
		pack_be(b, 0xd3, (uint64_t)v, 8);
	}
}

void pack_float(struct buf *b, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof bits);
	pack_be(b, 0xcb, bits, 8);
}

void pack_str(struct buf *b, const char *s, size_t len)
{
	if (len <= 31)
		buf_addc(b, (char)(0xa0 | len));
	else if (len <= UINT8_MAX)
		pack_be(b, 0xd9, len, 1);
	else if (len <= UINT16_MAX)
		pack_be(b, 0xda, len, 2);
	else
		pack_be(b, 0xdb, len, 4);
	buf_add(b, s, len);
}

void pack_array(struct buf *b, uint32_t n)
{
	if (n <= 15)
		buf_addc(b, (char)(0x90 | n));
	else if (n <= UINT16_MAX)
		pack_be(b, 0xdc, n, 2);
	else
		pack_be(b, 0xdd, n, 4);
}

void pack_map(struct buf *b, uint32_t n)
{
	if (n <= 15)
		buf_addc(b, (char)(0x80 | n));
	else if (n <= UINT16_MAX)
		pack_be(b, 0xde, n, 2);
	else
		pack_be(b, 0xdf, n, 4);
}

/* ---- JSON to MessagePack ---- */

struct pack_json {
	struct buf *b;
	const char *p, *end;
};

static locale_t pack_c_locale;
static pthread_once_t pack_c_locale_once = PTHREAD_ONCE_INIT;

static void pack_c_locale_init(void)
{
	pack_c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static void pack_json_space(struct pack_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* A string at j->p (on its opening quote), unescaped into text. */
static int pack_json_string(struct pack_json *j, struct buf *text)
{
	j->p++;
	while (j->p < j->end) {
		const char *run = j->p;
		unsigned cp, lo;

		while (j->p < j->end && *j->p != '"' && *j->p != '\\' &&
		    (unsigned char)*j->p >= 0x20)
			j->p++;
		buf_add(text, run, (size_t)(j->p - run));
		if (j->p == j->end || (unsigned char)*j->p < 0x20)
			return -1;
		if (*j->p == '"') {
			j->p++;
			return 0;
		}
		if (++j->p == j->end)
			return -1;
		switch (*j->p) {
		case '"': case '\\': case '/': buf_addc(text, *j->p); break;
		case 'b': buf_addc(text, '\b'); break;
		case 'f': buf_addc(text, '\f'); break;
		case 'n': buf_addc(text, '\n'); break;
		case 'r': buf_addc(text, '\r'); break;
		case 't': buf_addc(text, '\t'); break;
		case 'u':
			if (j->end - j->p < 5 || json_hex4(j->p + 1, &cp) != 0 ||
			    (cp >= 0xdc00 && cp <= 0xdfff))
				return -1;
			j->p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (j->end - j->p < 7 || j->p[1] != '\\' || j->p[2] != 'u' ||
				    json_hex4(j->p + 3, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
					return -1;
				j->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			json_add_utf8(text, cp);
			break;
		default:
			return -1;
		}
		j->p++;
	}
	return -1;
}

static int pack_json_number(struct pack_json *j)
{
	const char *q = j->p;
	bool is_float = false;
	char text[64], *end;
	size_t len;

	if (q < j->end && *q == '-')
		q++;
	if (q < j->end && *q == '0')
		q++;
	else if (q < j->end && *q >= '1' && *q <= '9')
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	else
		return -1;
	if (q < j->end && *q == '.') {
		is_float = true;
		if (++q == j->end || *q < '0' || *q > '9')
			return -1;
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < j->end && (*q == 'e' || *q == 'E')) {
		is_float = true;
		if (++q < j->end && (*q == '+' || *q == '-'))
			q++;
		if (q == j->end || *q < '0' || *q > '9')
			return -1;
		while (q < j->end && *q >= '0' && *q <= '9')
			q++;
	}
	len = (size_t)(q - j->p);
	if (len >= sizeof text)
		return -1;
	memcpy(text, j->p, len);
	text[len] = '\0';
	errno = 0;
	if (is_float) {
		double d;

		pthread_once(&pack_c_locale_once, pack_c_locale_init);
		d = strtod_l(text, &end, pack_c_locale);
		if (!isfinite(d))
			return -1;
		pack_float(j->b, d);
	} else {
		long long ll = strtoll(text, &end, 10);

		if (errno == ERANGE)
			return -1;
		pack_int(j->b, (int64_t)ll);
	}
	j->p = q;
	return 0;
}

static bool pack_json_word(struct pack_json *j, const char *word)
{
	size_t len = strlen(word);

	if ((size_t)(j->end - j->p) < len || memcmp(j->p, word, len) != 0)
		return false;
	j->p += len;
	return true;
}

static int pack_json_value(struct pack_json *j, unsigned depth);

/* The count of a container is known at its end: its header is written
 * then, in front of its items. */
static void pack_json_header(struct buf *b, size_t at, bool map, uint32_t n)
{
	struct buf head;

	buf_init(&head);
	if (map)
		pack_map(&head, n);
	else
		pack_array(&head, n);
	buf_reserve(b, head.len);
	memmove(b->data + at + head.len, b->data + at, b->len - at);
	memcpy(b->data + at, head.data, head.len);
	b->len += head.len;
	buf_free(&head);
}

static int pack_json_array(struct pack_json *j, unsigned depth)
{
	size_t at = j->b->len;
	uint32_t n = 0;

	j->p++;
	pack_json_space(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		pack_array(j->b, 0);
		return 0;
	}
	for (;;) {
		if (pack_json_value(j, depth + 1) != 0)
			return -1;
		n++;
		pack_json_space(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			pack_json_header(j->b, at, false, n);
			return 0;
		}
		return -1;
	}
}

static int pack_json_object(struct pack_json *j, unsigned depth)
{
	size_t at = j->b->len, keys[PACK_JSON_MAX_KEYS];
	uint32_t n = 0;
	struct buf key;
	int rc = -1;

	buf_init(&key);
	j->p++;
	pack_json_space(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		pack_map(j->b, 0);
		return 0;
	}
	for (;;) {
		if (j->p == j->end || *j->p != '"' || n == PACK_JSON_MAX_KEYS)
			goto out;
		buf_reset(&key);
		if (pack_json_string(j, &key) != 0)
			goto out;
		/* A key twice would be refused by the decoder. */
		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *k = j->b->data + keys[i];
			size_t klen = *k <= 0xbf ? (size_t)(*k & 0x1f) : k[1];

			if (klen == key.len && memcmp(k + (*k <= 0xbf ? 1 : 2), key.data, klen) == 0)
				goto out;
		}
		if (key.len > UINT8_MAX)
			goto out;
		keys[n] = j->b->len;
		pack_str(j->b, (const char *)key.data, key.len);
		pack_json_space(j);
		if (j->p == j->end || *j->p != ':')
			goto out;
		j->p++;
		if (pack_json_value(j, depth + 1) != 0)
			goto out;
		n++;
		pack_json_space(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			pack_json_space(j);
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			pack_json_header(j->b, at, true, n);
			rc = 0;
		}
		goto out;
	}
out:
	buf_free(&key);
	return rc;
}

static int pack_json_value(struct pack_json *j, unsigned depth)
{
	pack_json_space(j);
	if (j->p == j->end)
		return -1;
	switch (*j->p) {
	case '{':
		return depth >= PACK_JSON_MAX_DEPTH ? -1 : pack_json_object(j, depth);
	case '[':
		return depth >= PACK_JSON_MAX_DEPTH ? -1 : pack_json_array(j, depth);
	case '"': {
		struct buf text;
		int rc;

		buf_init(&text);
		rc = pack_json_string(j, &text);
		if (rc == 0)
			pack_str(j->b, (const char *)text.data, text.len);
		buf_free(&text);
		return rc;
	}
	case 't':
		if (!pack_json_word(j, "true"))
			return -1;
		pack_bool(j->b, true);
		return 0;
	case 'f':
		if (!pack_json_word(j, "false"))
			return -1;
		pack_bool(j->b, false);
		return 0;
	case 'n':
		if (!pack_json_word(j, "null"))
			return -1;
		pack_nil(j->b);
		return 0;
	default:
		return pack_json_number(j);
	}
}

int pack_json(struct buf *b, const char *text, size_t len)
{
	struct pack_json j = { b, text, text + len };
	size_t start = b->len;

	if (pack_json_value(&j, 0) == 0) {
		pack_json_space(&j);
		if (j.p == j.end)
			return 0;
	}
	b->len = start;
	return -1;
}
