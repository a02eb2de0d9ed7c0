/* libFuzzer target: the bounded scanner, the decoder and the RPC parser,
 * the path every byte a client sends goes through before anything else.
 *
 * Besides not crashing, leaking or reading out of bounds, the parts must
 * agree with each other:
 * - a message the scanner accepts is one the decoder reads whole (it
 *   may refuse only what it refuses by design: ext types, non-string
 *   keys, duplicate keys, integers above INT64_MAX);
 * - the scanner gives the same answer on every prefix (INCOMPLETE)
 *   and never a length beyond what it was shown or the limit;
 * - what the encoder writes from a decoded tree decodes to the same tree.
 *
 * The first input byte chooses the limits, so that small limits (where
 * the boundaries are) are reached as often as the real ones. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "rv.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_check(cond, what) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_wire: %s (%s:%d)\n", what, __FILE__, __LINE__); \
		abort();						\
	}								\
} while (0)

/* rv_equal, except that NaN equals NaN: a NaN decoded and encoded again
 * is still the same value on the wire. */
static int same_tree(const struct rv *a, const struct rv *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case RV_FLOAT:
		return (isnan(a->f) && isnan(b->f)) || a->f == b->f;
	case RV_ARRAY:
		if (a->a.n != b->a.n)
			return 0;
		for (uint32_t i = 0; i < a->a.n; i++) {
			if (!same_tree(a->a.items[i], b->a.items[i]))
				return 0;
		}
		return 1;
	case RV_MAP:
		if (a->m.n != b->m.n)
			return 0;
		/* Encoding keeps the order of the pairs. */
		for (uint32_t i = 0; i < a->m.n; i++) {
			if (a->m.items[i].klen != b->m.items[i].klen ||
			    memcmp(a->m.items[i].key, b->m.items[i].key, a->m.items[i].klen) != 0 ||
			    !same_tree(a->m.items[i].val, b->m.items[i].val))
				return 0;
		}
		return 1;
	default:
		return rv_equal(a, b);
	}
}

static unsigned tree_depth(const struct rv *v)
{
	unsigned d = 0, sub;

	if (v->type == RV_ARRAY) {
		for (uint32_t i = 0; i < v->a.n; i++)
			if ((sub = tree_depth(v->a.items[i])) > d)
				d = sub;
		return d + 1;
	}
	if (v->type == RV_MAP) {
		for (uint32_t i = 0; i < v->m.n; i++)
			if ((sub = tree_depth(v->m.items[i].val)) > d)
				d = sub;
		return d + 1;
	}
	return 0;
}

/* The refusals the decoder is allowed after the scanner said OK. */
static int refusal_by_design(const char *err)
{
	return strstr(err, "extension types") != NULL || strstr(err, "map keys must be") != NULL ||
	    strstr(err, "duplicate key") != NULL || strstr(err, "out of range") != NULL;
}

/* in: the limits the request was scanned under; the answer, which
 * nests no deeper than the request, must scan under them too. */
static void check_rpc(const struct rv *tree, const struct wire_limits *in)
{
	struct rpc_msg m;
	uint32_t msgid;
	char err[160];

	if (rpc_parse(rv_copy(tree), &m, &msgid, err, sizeof err) != 0) {
		fuzz_check(m.root == NULL, "rpc_parse failed but kept its tree");
		fuzz_check(err[0] != '\0', "rpc_parse failed without saying why");
		return;
	}
	if (m.kind == RPC_REQUEST) {
		fuzz_check(m.method != NULL && m.method[0] != '\0', "request without a method");
		fuzz_check(m.params != NULL && m.params->type == RV_ARRAY && m.params->a.n <= 1,
		    "request params not [] or [map]");
		fuzz_check(msgid == m.msgid, "msgid_out differs from the request's");
		/* What the server answers must read back as a response. */
		{
			struct buf out;
			struct rv *back;
			struct rpc_msg r;
			size_t len = 0;
			const struct wire_limits lim = { WIRE_MAX_MESSAGE, in->max_elements,
			    in->max_depth };

			buf_init(&out);
			rpc_encode_response(&out, m.msgid, NULL,
			    m.params->a.n == 1 ? m.params->a.items[0] : NULL);
			fuzz_check(wire_scan((const uint8_t *)out.data, out.len, &lim, &len) ==
			    WIRE_SCAN_OK && len == out.len, "an encoded response does not scan");
			back = wire_decode((const uint8_t *)out.data, out.len, err, sizeof err);
			fuzz_check(back != NULL, "an encoded response does not decode");
			fuzz_check(rpc_parse(back, &r, NULL, err, sizeof err) == 0 &&
			    r.kind == RPC_RESPONSE && r.msgid == m.msgid, "an encoded response does not parse");
			rpc_msg_free(&r);
			buf_free(&out);
		}
	}
	rpc_msg_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct wire_limits limits[4] = {
		{ WIRE_MAX_MESSAGE, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH },
		{ WIRE_MAX_MESSAGE_ANON, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH },
		{ 64, 4, 3 },
		{ 4096, 300, 64 },
	};
	const struct wire_limits *lim;
	const uint8_t *msg;
	size_t avail, len = 0, plen = 0;
	enum wire_scan r, pr;
	struct rv *tree, *again;
	struct buf out;
	char err[160];

	if (size < 1)
		return 0;
	lim = &limits[data[0] & 3];
	msg = data + 1;
	avail = size - 1;

	r = wire_scan(msg, avail, lim, &len);
	fuzz_check(r <= WIRE_SCAN_MALFORMED, "wire_scan returned no known answer");
	fuzz_check(wire_scan_name(r) != NULL, "wire_scan_name gave NULL");
	/* The decoder scans too, and must never crash on what is refused. */
	tree = wire_decode(msg, avail, err, sizeof err);
	if (r != WIRE_SCAN_OK) {
		if (r == WIRE_SCAN_INCOMPLETE)
			fuzz_check(avail < lim->max_message, "INCOMPLETE at or past the limit");
		if (tree != NULL && r != WIRE_SCAN_TOO_BIG && r != WIRE_SCAN_TOO_MANY &&
		    r != WIRE_SCAN_TOO_DEEP)
			fuzz_check(0, "the decoder accepted what the scanner calls incomplete or malformed");
		rv_free(tree);
		return 0;
	}
	rv_free(tree);
	fuzz_check(len > 0 && len <= avail && len <= lim->max_message, "scanned length out of bounds");

	/* Every proper prefix is incomplete (one, chosen by the input). */
	plen = (size_t)data[0] * 7 % len;
	pr = wire_scan(msg, plen, lim, &len);
	fuzz_check(pr == WIRE_SCAN_INCOMPLETE, "a prefix of a message is not INCOMPLETE");

	tree = wire_decode(msg, len, err, sizeof err);
	if (tree == NULL) {
		/* Past the protocol's depth the decoder (and msgpack-c's
		 * stack of 32) may refuse what a generous scanner let by. */
		if (lim->max_depth > WIRE_MAX_DEPTH && (strstr(err, "nested too deep") != NULL ||
		    strstr(err, "msgpack-c refused") != NULL))
			return 0;
		if (!refusal_by_design(err))
			fprintf(stderr, "fuzz_wire: decode refused a scanned message: %s\n", err);
		fuzz_check(refusal_by_design(err), "the decoder disagrees with the scanner");
		return 0;
	}
	fuzz_check(tree_depth(tree) <= lim->max_depth, "decoded tree deeper than the limit");
	/* The bytes after the message are not part of it. */
	if (len < avail) {
		struct rv *whole = wire_decode(msg, avail, err, sizeof err);
		fuzz_check(whole == NULL, "the decoder accepted trailing bytes");
	}

	buf_init(&out);
	wire_encode(&out, tree);
	again = wire_decode((const uint8_t *)out.data, out.len, err, sizeof err);
	fuzz_check(again != NULL, "what the encoder wrote does not decode");
	fuzz_check(same_tree(tree, again), "encoding and decoding changed the tree");
	rv_free(again);
	buf_free(&out);

	free(rv_to_json(tree));
	check_rpc(tree, lim);
	rv_free(tree);
	return 0;
}
