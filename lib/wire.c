/* MessagePack-RPC on a byte stream: the bounded scanner, the decoder
 * (msgpack-c, copied into rv trees at once) and the encoder. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <msgpack.h>

#include "buf.h"
#include "rv.h"
#include "wire.h"
#include "xmalloc.h"

/* msgpack-c's C unpacker nests at most MSGPACK_EMBED_STACK_SIZE (32)
 * containers; wire_decode refuses deeper input itself. */
#define WIRE_DECODE_MAX_DEPTH 32u

#define RPC_METHOD_MAX 64u

static uint64_t
wire_be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

enum wire_kind { WIRE_FIXED, WIRE_BYTES, WIRE_ARRAY, WIRE_MAP };

/*
 * What the first byte of a value says: its kind, the size of its header
 * (type byte, length or count, ext type), the number of length or count
 * bytes after the type byte, and for fixed kinds the whole size or the
 * count. Returns -1 for 0xc1, the one byte that starts nothing.
 */
static int
wire_head(uint8_t b, enum wire_kind *kind, unsigned *hdr, unsigned *lenbytes,
    uint64_t *fixed)
{
	*lenbytes = 0;
	*fixed = 0;
	*hdr = 1;
	*kind = WIRE_FIXED;

	if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
		return 0;
	if (b >= 0x80 && b <= 0x8f) {
		*kind = WIRE_MAP;
		*fixed = b & 0x0f;
		return 0;
	}
	if (b >= 0x90 && b <= 0x9f) {
		*kind = WIRE_ARRAY;
		*fixed = b & 0x0f;
		return 0;
	}
	if (b >= 0xa0 && b <= 0xbf) {
		*kind = WIRE_BYTES;
		*fixed = b & 0x1f;
		return 0;
	}
	switch (b) {
	case 0xc4: case 0xd9:			/* bin8, str8 */
		*kind = WIRE_BYTES;
		*lenbytes = 1;
		break;
	case 0xc5: case 0xda:			/* bin16, str16 */
		*kind = WIRE_BYTES;
		*lenbytes = 2;
		break;
	case 0xc6: case 0xdb:			/* bin32, str32 */
		*kind = WIRE_BYTES;
		*lenbytes = 4;
		break;
	case 0xc7:				/* ext8: length, then type */
		*kind = WIRE_BYTES;
		*lenbytes = 1;
		*hdr = 1;
		break;
	case 0xc8:
		*kind = WIRE_BYTES;
		*lenbytes = 2;
		*hdr = 1;
		break;
	case 0xc9:
		*kind = WIRE_BYTES;
		*lenbytes = 4;
		*hdr = 1;
		break;
	case 0xca: *hdr = 5; break;		/* float32 */
	case 0xcb: *hdr = 9; break;		/* float64 */
	case 0xcc: case 0xd0: *hdr = 2; break;
	case 0xcd: case 0xd1: *hdr = 3; break;
	case 0xce: case 0xd2: *hdr = 5; break;
	case 0xcf: case 0xd3: *hdr = 9; break;
	case 0xd4: *hdr = 3; break;		/* fixext1: type, 1 byte */
	case 0xd5: *hdr = 4; break;
	case 0xd6: *hdr = 6; break;
	case 0xd7: *hdr = 10; break;
	case 0xd8: *hdr = 18; break;
	case 0xdc:
		*kind = WIRE_ARRAY;
		*lenbytes = 2;
		break;
	case 0xdd:
		*kind = WIRE_ARRAY;
		*lenbytes = 4;
		break;
	case 0xde:
		*kind = WIRE_MAP;
		*lenbytes = 2;
		break;
	case 0xdf:
		*kind = WIRE_MAP;
		*lenbytes = 4;
		break;
	default:				/* 0xc1 */
		return -1;
	}
	*hdr += *lenbytes;
	if (b >= 0xc7 && b <= 0xc9)
		*hdr += 1;			/* the ext type byte */
	return 0;
}

/*
 * Scans on from s's state over msg[0, avail). Stops at the start of the
 * first value it cannot finish, or that breaks a limit, and leaves s
 * there: every test below depends only on the bytes before that point
 * and on avail, so a later call with more bytes goes on from there and
 * answers as a scan from the first byte would.
 */
static enum wire_scan
wire_scanner_run(struct wire_scanner *s, const uint8_t *msg, size_t avail,
    size_t *msg_len)
{
	uint64_t *left = s->left;
	uint64_t pending = s->pending, count, items;
	size_t pos = s->pos, start = s->pos, max = s->lim.max_message;
	unsigned depth = s->depth, max_depth, hdr, lenbytes;
	enum wire_kind kind;
	enum wire_scan r;

	max_depth = s->lim.max_depth < WIRE_SCAN_STACK_MAX ? s->lim.max_depth :
	    WIRE_SCAN_STACK_MAX;
	for (;;) {
		/* One value starts at pos. */
		start = pos;
		if (pos >= max) {
			r = WIRE_SCAN_TOO_BIG;
			goto stop;
		}
		if (pos >= avail) {
			r = WIRE_SCAN_INCOMPLETE;
			goto stop;
		}
		if (wire_head(msg[pos], &kind, &hdr, &lenbytes, &count) != 0) {
			r = WIRE_SCAN_MALFORMED;
			goto stop;
		}
		if (hdr > max - pos) {
			r = WIRE_SCAN_TOO_BIG;
			goto stop;
		}
		if (hdr > avail - pos) {
			r = WIRE_SCAN_INCOMPLETE;
			goto stop;
		}
		if (lenbytes != 0)
			count = wire_be(msg + pos + 1, lenbytes);
		pos += hdr;

		switch (kind) {
		case WIRE_FIXED:
			break;
		case WIRE_BYTES:
			/* Decided from the header alone, before the bytes come. */
			if (count > max - pos) {
				r = WIRE_SCAN_TOO_BIG;
				goto stop;
			}
			if (count > avail - pos) {
				r = WIRE_SCAN_INCOMPLETE;
				goto stop;
			}
			pos += (size_t)count;
			break;
		case WIRE_ARRAY:
		case WIRE_MAP:
			if (count > s->lim.max_elements) {
				r = WIRE_SCAN_TOO_MANY;
				goto stop;
			}
			if (depth + 1 > max_depth) {
				r = WIRE_SCAN_TOO_DEEP;
				goto stop;
			}
			items = kind == WIRE_MAP ? count * 2 : count;
			if (items == 0)
				break;		/* complete already */
			/* Every value not yet started takes at least one
			 * byte; each open container has one value under
			 * way (the one that holds us), already paid for. */
			if (pending - depth + items > max - pos) {
				r = WIRE_SCAN_TOO_MANY;
				goto stop;
			}
			left[depth++] = items;
			pending += items;
			continue;
		}

		/* A value is complete: close the containers it completes. */
		for (;;) {
			if (depth == 0) {
				*msg_len = pos;
				/* The next call starts the next message. */
				s->pos = 0;
				s->pending = 0;
				s->depth = 0;
				return WIRE_SCAN_OK;
			}
			pending--;
			if (--left[depth - 1] != 0)
				break;
			depth--;
		}
	}
stop:
	s->pos = start;
	s->pending = pending;
	s->depth = depth;
	return r;
}

void
wire_scanner_reset(struct wire_scanner *s)
{
	memset(&s->lim, 0, sizeof s->lim);
	s->pos = 0;
	s->pending = 0;
	s->depth = 0;
}

enum wire_scan
wire_scanner_feed(struct wire_scanner *s, const uint8_t *msg, size_t avail,
    const struct wire_limits *lim, size_t *msg_len)
{
	enum wire_scan r;

	/* A state reached under other limits, or past the bytes now
	 * shown, says nothing about these: start over. */
	if (s->lim.max_message != lim->max_message ||
	    s->lim.max_elements != lim->max_elements ||
	    s->lim.max_depth != lim->max_depth || s->pos > avail) {
		wire_scanner_reset(s);
		s->lim = *lim;
	}
	r = wire_scanner_run(s, msg, avail, msg_len);
	if (r == WIRE_SCAN_INCOMPLETE && avail >= lim->max_message)
		r = WIRE_SCAN_TOO_BIG;
	return r;
}

enum wire_scan
wire_scan(const uint8_t *buf, size_t avail, const struct wire_limits *lim,
    size_t *msg_len)
{
	struct wire_scanner s;

	wire_scanner_reset(&s);
	return wire_scanner_feed(&s, buf, avail, lim, msg_len);
}

const char *
wire_scan_name(enum wire_scan r)
{
	switch (r) {
	case WIRE_SCAN_OK:
		return "complete message";
	case WIRE_SCAN_INCOMPLETE:
		return "incomplete message";
	case WIRE_SCAN_TOO_BIG:
		return "message too big";
	case WIRE_SCAN_TOO_MANY:
		return "too many elements in a container";
	case WIRE_SCAN_TOO_DEEP:
		return "containers nested too deep";
	case WIRE_SCAN_MALFORMED:
		return "malformed message";
	}
	return "unknown scan result";
}

/*
 * Decoding.
 */

struct wire_decoder {
	char *err;
	size_t errlen;
};

static void wire_fail(struct wire_decoder *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
wire_fail(struct wire_decoder *d, const char *fmt, ...)
{
	va_list ap;

	if (d->err == NULL || d->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(d->err, d->errlen, fmt, ap);
	va_end(ap);
}

static int
wire_pair_cmp(const struct rv_pair *a, const struct rv_pair *b)
{
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int c;

	if ((c = memcmp(a->key, b->key, n)) != 0)
		return c;
	return (a->klen > b->klen) - (a->klen < b->klen);
}

static int
wire_pair_ptr_cmp(const void *a, const void *b)
{
	return wire_pair_cmp(*(const struct rv_pair *const *)a,
	    *(const struct rv_pair *const *)b);
}

/* Maps up to this many pairs are checked without sorting: rows of
 * results have up to about 40 fields. */
#define WIRE_DUP_SMALL  64u
#define WIRE_DUP_LOG2   10u     /* the bitmap of key signatures: 1024 bits */

static inline int
wire_same_key(const struct rv_pair *a, const struct rv_pair *b)
{
	return a->klen == b->klen && memcmp(a->key, b->key, a->klen) == 0;
}

/* A rough signature of a key, from its length and three of its bytes
 * (keys are NUL-terminated, so key[klen] is there even when klen is 0). */
static inline uint32_t
wire_key_bucket(const struct rv_pair *p)
{
	const uint8_t *k = (const uint8_t *)p->key;
	uint32_t h;

	h = p->klen;
	h = h * 31 + k[0];
	h = h * 31 + k[p->klen / 2];
	h = h * 31 + k[p->klen - (p->klen != 0)];
	return (h * 0x9e3779b1u) >> (32 - WIRE_DUP_LOG2);
}

/*
 * Finds a key present twice. Most maps are a row of a few dozen fields,
 * checked with nothing allocated: a bitmap of key signatures tells
 * which keys may repeat an earlier one, and only those are compared with
 * the keys before them. A map may also hold 65536 pairs: those are
 * sorted, in O(n log n).
 */
static const struct rv_pair *
wire_find_duplicate(const struct rv *map)
{
	const struct rv_pair **sorted, *dup = NULL, *items = map->m.items;
	uint32_t i, j, b, n = map->m.n;

	if (n <= WIRE_DUP_SMALL) {
		uint64_t seen[(1u << WIRE_DUP_LOG2) / 64] = { 0 };

		for (i = 0; i < n; i++) {
			b = wire_key_bucket(&items[i]);
			if (seen[b / 64] & (UINT64_C(1) << (b % 64))) {
				for (j = 0; j < i; j++) {
					if (wire_same_key(&items[j], &items[i]))
						return &items[i];
				}
			}
			seen[b / 64] |= UINT64_C(1) << (b % 64);
		}
		return NULL;
	}
	sorted = xreallocarray(NULL, n, sizeof *sorted);
	for (i = 0; i < n; i++)
		sorted[i] = &items[i];
	qsort(sorted, n, sizeof *sorted, wire_pair_ptr_cmp);
	for (i = 1; i < n && dup == NULL; i++) {
		if (wire_pair_cmp(sorted[i - 1], sorted[i]) == 0)
			dup = sorted[i];
	}
	free(sorted);
	return dup;
}

static struct rv *
wire_convert(struct wire_decoder *d, const msgpack_object *o, unsigned depth)
{
	const struct rv_pair *dup;
	struct rv *v, *item;
	uint32_t i;

	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		return rv_nil();
	case MSGPACK_OBJECT_BOOLEAN:
		return rv_bool(o->via.boolean);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > INT64_MAX) {
			wire_fail(d, "integer %llu is out of range",
			    (unsigned long long)o->via.u64);
			return NULL;
		}
		return rv_int((int64_t)o->via.u64);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return rv_int(o->via.i64);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return rv_float(o->via.f64);
	case MSGPACK_OBJECT_STR:
		return rv_strn(o->via.str.ptr, o->via.str.size);
	case MSGPACK_OBJECT_BIN:
		return rv_bin(o->via.bin.ptr, o->via.bin.size);
	case MSGPACK_OBJECT_EXT:
		wire_fail(d, "extension types are not accepted");
		return NULL;
	case MSGPACK_OBJECT_ARRAY:
		if (depth >= WIRE_DECODE_MAX_DEPTH) {
			wire_fail(d, "containers nested too deep");
			return NULL;
		}
		v = rv_array();
		if (o->via.array.size != 0) {
			v->a.items = xreallocarray(NULL, o->via.array.size, sizeof *v->a.items);
			v->a.cap = o->via.array.size;
		}
		for (i = 0; i < o->via.array.size; i++) {
			if ((item = wire_convert(d, &o->via.array.ptr[i], depth + 1)) == NULL) {
				rv_free(v);
				return NULL;
			}
			v->a.items[v->a.n++] = item;
		}
		return v;
	case MSGPACK_OBJECT_MAP:
		if (depth >= WIRE_DECODE_MAX_DEPTH) {
			wire_fail(d, "containers nested too deep");
			return NULL;
		}
		v = rv_map();
		if (o->via.map.size != 0) {
			v->m.items = xreallocarray(NULL, o->via.map.size, sizeof *v->m.items);
			v->m.cap = o->via.map.size;
		}
		for (i = 0; i < o->via.map.size; i++) {
			const msgpack_object_kv *kv = &o->via.map.ptr[i];
			struct rv_pair *p;

			if (kv->key.type != MSGPACK_OBJECT_STR) {
				wire_fail(d, "map keys must be strings, not %s",
				    kv->key.type == MSGPACK_OBJECT_BIN ? "binary" :
				    "another type");
				rv_free(v);
				return NULL;
			}
			if ((item = wire_convert(d, &kv->val, depth + 1)) == NULL) {
				rv_free(v);
				return NULL;
			}
			p = &v->m.items[v->m.n++];
			p->key = xmalloc((size_t)kv->key.via.str.size + 1);
			/* msgpack-c gives an empty string a NULL pointer. */
			if (kv->key.via.str.size != 0)
				memcpy(p->key, kv->key.via.str.ptr, kv->key.via.str.size);
			p->key[kv->key.via.str.size] = '\0';
			p->klen = kv->key.via.str.size;
			p->val = item;
		}
		if ((dup = wire_find_duplicate(v)) != NULL) {
			wire_fail(d, "duplicate key '%.*s'",
			    (int)(dup->klen > 64 ? 64 : dup->klen), dup->key);
			rv_free(v);
			return NULL;
		}
		return v;
	}
	wire_fail(d, "unknown MessagePack type");
	return NULL;
}

/* Scans and unpacks one message into u (to destroy); -1 after wire_fail. */
static int
wire_unpack(struct wire_decoder *d, const uint8_t *data, size_t len, msgpack_unpacked *u)
{
	/* Scanning again is cheap, and makes the decoder safe on its own:
	 * no count can then claim more than the bytes hold. */
	const struct wire_limits lim = { len, UINT32_MAX, WIRE_DECODE_MAX_DEPTH };
	msgpack_unpack_return ret;
	enum wire_scan r;
	size_t off = 0, msg_len = 0;

	if (d->err != NULL && d->errlen != 0)
		d->err[0] = '\0';
	if (len == 0) {
		wire_fail(d, "empty message");
		return -1;
	}
	r = wire_scan(data, len, &lim, &msg_len);
	if (r == WIRE_SCAN_TOO_BIG || r == WIRE_SCAN_INCOMPLETE) {
		wire_fail(d, "truncated message");
		return -1;
	}
	if (r != WIRE_SCAN_OK) {
		wire_fail(d, "%s", wire_scan_name(r));
		return -1;
	}
	if (msg_len != len) {
		wire_fail(d, "%zu trailing bytes after the message", len - msg_len);
		return -1;
	}

	msgpack_unpacked_init(u);
	ret = msgpack_unpack_next(u, (const char *)data, len, &off);
	if (ret != MSGPACK_UNPACK_SUCCESS && ret != MSGPACK_UNPACK_EXTRA_BYTES) {
		msgpack_unpacked_destroy(u);
		wire_fail(d, "msgpack-c refused the message (%d)", (int)ret);
		return -1;
	}
	if (off != len) {
		msgpack_unpacked_destroy(u);
		wire_fail(d, "%zu trailing bytes after the message", len - off);
		return -1;
	}
	return 0;
}

struct rv *
wire_decode(const uint8_t *data, size_t len, char *err, size_t errlen)
{
	struct wire_decoder d = { err, errlen };
	msgpack_unpacked u;
	struct rv *v;

	if (wire_unpack(&d, data, len, &u) != 0)
		return NULL;
	v = wire_convert(&d, &u.data, 0);
	msgpack_unpacked_destroy(&u);
	return v;
}

/*
 * Frozen trees: a message that is only read is decoded into one
 * allocation, its size counted first. A page of rows is thousands of
 * values and keys; one malloc and one free for all of them, instead of
 * one each, halved what reading a page cost the client.
 */

/* The parts of the allocation follow each other without padding. */
_Static_assert(sizeof(struct rv) % _Alignof(struct rv_pair) == 0 &&
    sizeof(struct rv_pair) % _Alignof(struct rv *) == 0, "frozen tree layout");

struct wire_frozen_size {
	size_t nodes, pairs, items, bytes;
};

/* Counts, and refuses what wire_convert refuses (but duplicate keys,
 * found when the pairs are in place). */
static int
wire_frozen_count(struct wire_decoder *d, const msgpack_object *o, unsigned depth,
    struct wire_frozen_size *z)
{
	uint32_t i;

	z->nodes++;
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
	case MSGPACK_OBJECT_BOOLEAN:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return 0;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > INT64_MAX) {
			wire_fail(d, "integer %llu is out of range", (unsigned long long)o->via.u64);
			return -1;
		}
		return 0;
	case MSGPACK_OBJECT_STR:
		z->bytes += (size_t)o->via.str.size + 1;
		return 0;
	case MSGPACK_OBJECT_BIN:
		z->bytes += (size_t)o->via.bin.size + 1;
		return 0;
	case MSGPACK_OBJECT_EXT:
		wire_fail(d, "extension types are not accepted");
		return -1;
	case MSGPACK_OBJECT_ARRAY:
		if (depth >= WIRE_DECODE_MAX_DEPTH) {
			wire_fail(d, "containers nested too deep");
			return -1;
		}
		z->items += o->via.array.size;
		for (i = 0; i < o->via.array.size; i++) {
			if (wire_frozen_count(d, &o->via.array.ptr[i], depth + 1, z) != 0)
				return -1;
		}
		return 0;
	case MSGPACK_OBJECT_MAP:
		if (depth >= WIRE_DECODE_MAX_DEPTH) {
			wire_fail(d, "containers nested too deep");
			return -1;
		}
		z->pairs += o->via.map.size;
		for (i = 0; i < o->via.map.size; i++) {
			const msgpack_object_kv *kv = &o->via.map.ptr[i];

			if (kv->key.type != MSGPACK_OBJECT_STR) {
				wire_fail(d, "map keys must be strings, not %s",
				    kv->key.type == MSGPACK_OBJECT_BIN ? "binary" : "another type");
				return -1;
			}
			z->bytes += (size_t)kv->key.via.str.size + 1;
			if (wire_frozen_count(d, &kv->val, depth + 1, z) != 0)
				return -1;
		}
		return 0;
	}
	wire_fail(d, "unknown MessagePack type");
	return -1;
}

/* Where the next node, pair, item and byte go in the allocation. */
struct wire_frozen {
	struct rv *nodes;
	struct rv_pair *pairs;
	struct rv **items;
	char *bytes;
};

static char *
wire_frozen_bytes(struct wire_frozen *f, const char *p, uint32_t len)
{
	char *out = f->bytes;

	/* msgpack-c gives an empty string a NULL pointer. */
	if (len != 0)
		memcpy(out, p, len);
	out[len] = '\0';
	f->bytes += (size_t)len + 1;
	return out;
}

static struct rv *
wire_frozen_fill(struct wire_decoder *d, const msgpack_object *o, struct wire_frozen *f)
{
	struct rv *v = f->nodes++;
	const struct rv_pair *dup;
	uint32_t i;

	memset(v, 0, sizeof *v);
	v->flags = RV_FROZEN;
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		v->type = RV_NIL;
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		v->type = RV_BOOL;
		v->b = o->via.boolean;
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		v->type = RV_INT;
		v->i = (int64_t)o->via.u64;
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		v->type = RV_INT;
		v->i = o->via.i64;
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		v->type = RV_FLOAT;
		v->f = o->via.f64;
		break;
	case MSGPACK_OBJECT_STR:
		v->type = RV_STR;
		v->s.len = o->via.str.size;
		v->s.ptr = wire_frozen_bytes(f, o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		v->type = RV_BIN;
		v->s.len = o->via.bin.size;
		v->s.ptr = wire_frozen_bytes(f, o->via.bin.ptr, o->via.bin.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		v->type = RV_ARRAY;
		if (o->via.array.size == 0)
			break;
		v->a.items = f->items;
		v->a.n = v->a.cap = o->via.array.size;
		f->items += o->via.array.size;
		for (i = 0; i < o->via.array.size; i++) {
			if ((v->a.items[i] = wire_frozen_fill(d, &o->via.array.ptr[i], f)) == NULL)
				return NULL;
		}
		break;
	case MSGPACK_OBJECT_MAP:
		v->type = RV_MAP;
		if (o->via.map.size == 0)
			break;
		v->m.items = f->pairs;
		v->m.n = v->m.cap = o->via.map.size;
		f->pairs += o->via.map.size;
		for (i = 0; i < o->via.map.size; i++) {
			const msgpack_object_kv *kv = &o->via.map.ptr[i];
			struct rv_pair *p = &v->m.items[i];

			p->klen = kv->key.via.str.size;
			p->key = wire_frozen_bytes(f, kv->key.via.str.ptr, kv->key.via.str.size);
			if ((p->val = wire_frozen_fill(d, &kv->val, f)) == NULL)
				return NULL;
		}
		if ((dup = wire_find_duplicate(v)) != NULL) {
			wire_fail(d, "duplicate key '%.*s'", (int)(dup->klen > 64 ? 64 : dup->klen),
			    dup->key);
			return NULL;
		}
		break;
	default:
		/* wire_frozen_count refused it. */
		abort();
	}
	return v;
}

struct rv *
wire_decode_frozen(const uint8_t *data, size_t len, char *err, size_t errlen)
{
	struct wire_decoder d = { err, errlen };
	struct wire_frozen_size z = { 0, 0, 0, 0 };
	struct wire_frozen f;
	msgpack_unpacked u;
	struct rv *root;
	char *block;

	if (wire_unpack(&d, data, len, &u) != 0)
		return NULL;
	if (wire_frozen_count(&d, &u.data, 0, &z) != 0) {
		msgpack_unpacked_destroy(&u);
		return NULL;
	}
	/* Nodes first, so that the root is the allocation's start; every
	 * part is a multiple of 8 bytes but the bytes, which go last. */
	block = xmalloc(z.nodes * sizeof(struct rv) + z.pairs * sizeof(struct rv_pair) +
	    z.items * sizeof(struct rv *) + z.bytes);
	f.nodes = (struct rv *)block;
	f.pairs = (struct rv_pair *)(block + z.nodes * sizeof(struct rv));
	f.items = (struct rv **)((char *)f.pairs + z.pairs * sizeof(struct rv_pair));
	f.bytes = (char *)(f.items + z.items);
	root = wire_frozen_fill(&d, &u.data, &f);
	msgpack_unpacked_destroy(&u);
	if (root == NULL) {
		free(block);
		return NULL;
	}
	root->flags |= RV_FROZEN_ROOT;
	return root;
}

/*
 * Encoding.
 */

static int
wire_buf_write(void *data, const char *p, size_t len)
{
	buf_add(data, p, len);
	return 0;
}

static void
wire_pack(msgpack_packer *pk, const struct rv *v)
{
	uint32_t i;

	if (v == NULL) {
		msgpack_pack_nil(pk);
		return;
	}
	switch (v->type) {
	case RV_NIL:
		msgpack_pack_nil(pk);
		break;
	case RV_BOOL:
		if (v->b)
			msgpack_pack_true(pk);
		else
			msgpack_pack_false(pk);
		break;
	case RV_INT:
		msgpack_pack_int64(pk, v->i);
		break;
	case RV_FLOAT:
		msgpack_pack_double(pk, v->f);
		break;
	case RV_STR:
		msgpack_pack_str(pk, v->s.len);
		msgpack_pack_str_body(pk, v->s.ptr, v->s.len);
		break;
	case RV_BIN:
		msgpack_pack_bin(pk, v->s.len);
		msgpack_pack_bin_body(pk, v->s.ptr, v->s.len);
		break;
	case RV_ARRAY:
		msgpack_pack_array(pk, v->a.n);
		for (i = 0; i < v->a.n; i++)
			wire_pack(pk, v->a.items[i]);
		break;
	case RV_MAP:
		msgpack_pack_map(pk, v->m.n);
		for (i = 0; i < v->m.n; i++) {
			msgpack_pack_str(pk, v->m.items[i].klen);
			msgpack_pack_str_body(pk, v->m.items[i].key, v->m.items[i].klen);
			wire_pack(pk, v->m.items[i].val);
		}
		break;
	case RV_PACKED:
		pk->callback(pk->data, v->s.ptr, v->s.len);
		break;
	}
}

void
wire_encode(struct buf *out, const struct rv *v)
{
	msgpack_packer pk;

	msgpack_packer_init(&pk, out, wire_buf_write);
	wire_pack(&pk, v);
}

/*
 * MessagePack-RPC messages.
 */

static int rpc_fail(struct rpc_msg *m, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
rpc_fail(struct rpc_msg *m, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen != 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	rv_free(m->root);
	memset(m, 0, sizeof *m);
	return -1;
}

static int
rpc_read_msgid(const struct rv *v, uint32_t *msgid)
{
	if (v->type != RV_INT || v->i < 0 || v->i > UINT32_MAX)
		return -1;
	*msgid = (uint32_t)v->i;
	return 0;
}

static int
rpc_read_method(const struct rv *v, const char **method)
{
	if (v->type != RV_STR || v->s.len == 0 || v->s.len > RPC_METHOD_MAX ||
	    memchr(v->s.ptr, '\0', v->s.len) != NULL)
		return -1;
	*method = v->s.ptr;
	return 0;
}

int
rpc_parse(struct rv *root, struct rpc_msg *m, uint32_t *msgid_out,
    char *err, size_t errlen)
{
	struct rv **item;
	uint32_t msgid = UINT32_MAX, n;
	int64_t kind;

	memset(m, 0, sizeof *m);
	m->root = root;
	if (msgid_out != NULL)
		*msgid_out = UINT32_MAX;
	if (root == NULL || root->type != RV_ARRAY || root->a.n < 3 || root->a.n > 4)
		return rpc_fail(m, err, errlen, "a message must be an array of 3 or 4 items");
	item = root->a.items;
	n = root->a.n;
	if (item[0]->type != RV_INT || item[0]->i < RPC_REQUEST || item[0]->i > RPC_NOTIFY)
		return rpc_fail(m, err, errlen, "message type must be 0, 1 or 2");
	kind = item[0]->i;

	/* Read the msgid first, so that even a bad request can be answered. */
	if (kind != RPC_NOTIFY) {
		if (rpc_read_msgid(item[1], &msgid) != 0)
			return rpc_fail(m, err, errlen,
			    "msgid must be an integer from 0 to %u", UINT32_MAX);
		if (msgid_out != NULL)
			*msgid_out = msgid;
	}

	m->kind = (enum rpc_kind)kind;
	switch (m->kind) {
	case RPC_REQUEST:
		if (n != 4)
			return rpc_fail(m, err, errlen, "a request must have 4 items");
		m->msgid = msgid;
		if (rpc_read_method(item[2], &m->method) != 0)
			return rpc_fail(m, err, errlen,
			    "method must be a non-empty string of at most %u bytes",
			    RPC_METHOD_MAX);
		if (item[3]->type != RV_ARRAY || item[3]->a.n > 1 ||
		    (item[3]->a.n == 1 && item[3]->a.items[0]->type != RV_MAP))
			return rpc_fail(m, err, errlen, "params must be [] or [map]");
		m->params = item[3];
		break;
	case RPC_RESPONSE:
		if (n != 4)
			return rpc_fail(m, err, errlen, "a response must have 4 items");
		m->msgid = msgid;
		m->error = item[2]->type == RV_NIL ? NULL : item[2];
		m->result = item[3];
		break;
	case RPC_NOTIFY:
		if (n != 3)
			return rpc_fail(m, err, errlen, "a notification must have 3 items");
		if (rpc_read_method(item[1], &m->method) != 0)
			return rpc_fail(m, err, errlen,
			    "method must be a non-empty string of at most %u bytes",
			    RPC_METHOD_MAX);
		if (item[2]->type != RV_ARRAY)
			return rpc_fail(m, err, errlen, "params must be an array");
		m->params = item[2];
		break;
	}
	return 0;
}

void
rpc_msg_free(struct rpc_msg *m)
{
	if (m == NULL)
		return;
	rv_free(m->root);
	memset(m, 0, sizeof *m);
}

static void
rpc_pack_str(msgpack_packer *pk, const char *s)
{
	size_t len = strlen(s);

	msgpack_pack_str(pk, len);
	msgpack_pack_str_body(pk, s, len);
}

void
rpc_encode_request(struct buf *out, uint32_t msgid, const char *method,
    const struct rv *params)
{
	msgpack_packer pk;

	msgpack_packer_init(&pk, out, wire_buf_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_int(&pk, RPC_REQUEST);
	msgpack_pack_uint32(&pk, msgid);
	rpc_pack_str(&pk, method);
	if (params == NULL)
		msgpack_pack_array(&pk, 0);
	else {
		msgpack_pack_array(&pk, 1);
		wire_pack(&pk, params);
	}
}

void
rpc_encode_response(struct buf *out, uint32_t msgid, const struct rv *error,
    const struct rv *result)
{
	msgpack_packer pk;

	msgpack_packer_init(&pk, out, wire_buf_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_int(&pk, RPC_RESPONSE);
	msgpack_pack_uint32(&pk, msgid);
	wire_pack(&pk, error);
	wire_pack(&pk, result);
}

void
rpc_encode_result_head(struct buf *out, uint32_t msgid)
{
	msgpack_packer pk;

	msgpack_packer_init(&pk, out, wire_buf_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_int(&pk, RPC_RESPONSE);
	msgpack_pack_uint32(&pk, msgid);
	msgpack_pack_nil(&pk);
}

void
rpc_encode_notify(struct buf *out, const char *method, const struct rv *params_item)
{
	msgpack_packer pk;

	msgpack_packer_init(&pk, out, wire_buf_write);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_int(&pk, RPC_NOTIFY);
	rpc_pack_str(&pk, method);
	if (params_item == NULL)
		msgpack_pack_array(&pk, 0);
	else {
		msgpack_pack_array(&pk, 1);
		wire_pack(&pk, params_item);
	}
}
