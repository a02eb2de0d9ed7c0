/* The wire: the bounded scanner against hostile input, the decoder, the
 * encoder and the MessagePack-RPC message shapes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "rv.h"
#include "wire.h"
#include "xmalloc.h"

static const struct wire_limits lim_default = {
	WIRE_MAX_MESSAGE, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH
};
static const struct wire_limits lim_anon = {
	WIRE_MAX_MESSAGE_ANON, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH
};

static enum wire_scan
scan(const void *p, size_t len, const struct wire_limits *lim, size_t *msg_len)
{
	*msg_len = (size_t)-1;
	return wire_scan(p, len, lim, msg_len);
}

/* Asserts that every strict prefix is INCOMPLETE and the whole is OK. */
static void
assert_scans_whole(const uint8_t *p, size_t len, const struct wire_limits *lim)
{
	size_t i, n;

	for (i = 0; i < len; i++) {
		if (scan(p, i, lim, &n) != WIRE_SCAN_INCOMPLETE)
			fail_msg("prefix of %zu of %zu bytes: %s", i, len,
			    wire_scan_name(wire_scan(p, i, lim, &n)));
	}
	assert_int_equal(scan(p, len, lim, &n), WIRE_SCAN_OK);
	assert_int_equal(n, len);
}

static struct rv *
json(const char *text)
{
	char err[256];
	struct rv *v;

	v = rv_from_json(text, err, sizeof err);
	if (v == NULL)
		fail_msg("bad test JSON %s: %s", text, err);
	return v;
}

/* Every MessagePack type, one after the other in an array. */
static const uint8_t every_scalar[] = {
	0xdc, 0x00, 34,				/* array16 of 34 */
	0x05,					/* positive fixint */
	0xe0,					/* negative fixint -32 */
	0xc0, 0xc2, 0xc3,			/* nil false true */
	0xc4, 0x02, 'h', 'i',			/* bin8 */
	0xc5, 0x00, 0x01, 'x',			/* bin16 */
	0xc6, 0x00, 0x00, 0x00, 0x00,		/* bin32, empty */
	0xca, 0x3f, 0xc0, 0x00, 0x00,		/* float32 1.5 */
	0xcb, 0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18,	/* float64 pi */
	0xcc, 0xff,				/* uint8 */
	0xcd, 0xff, 0xff,			/* uint16 */
	0xce, 0xff, 0xff, 0xff, 0xff,		/* uint32 */
	0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* uint64 INT64_MAX */
	0xd0, 0x80,				/* int8 -128 */
	0xd1, 0x80, 0x00,			/* int16 */
	0xd2, 0x80, 0x00, 0x00, 0x00,		/* int32 */
	0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0,	/* int64 INT64_MIN */
	0xa3, 'a', 'b', 'c',			/* fixstr */
	0xd9, 0x01, 'd',			/* str8 */
	0xda, 0x00, 0x02, 'e', 'f',		/* str16 */
	0xdb, 0x00, 0x00, 0x00, 0x01, 'g',	/* str32 */
	0x90,					/* fixarray, empty */
	0xdc, 0x00, 0x01, 0x01,			/* array16 */
	0xdd, 0x00, 0x00, 0x00, 0x01, 0x02,	/* array32 */
	0x80,					/* fixmap, empty */
	0x81, 0xa1, 'k', 0x03,			/* fixmap */
	0xde, 0x00, 0x01, 0xa1, 'k', 0x04,	/* map16 */
	0xdf, 0x00, 0x00, 0x00, 0x01, 0xa1, 'k', 0x05,	/* map32 */
	0xcc, 0x00,				/* uint8 0 */
	0xd9, 0x00,				/* str8, empty */
	0x7f,					/* 127 */
	0xff,					/* -1 */
	0xa0,					/* empty fixstr */
};

static const uint8_t every_ext[] = {
	0x99,
	0xd4, 0x01, 0xaa,			/* fixext1 */
	0xd5, 0x01, 0xaa, 0xbb,			/* fixext2 */
	0xd6, 0xff, 0x5f, 0x5e, 0x10, 0x00,	/* fixext4: timestamp32 */
	0xd7, 0xff, 0, 0, 0, 0, 0x5f, 0x5e, 0x10, 0x00,	/* fixext8: timestamp64 */
	0xd8, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	0xc7, 0x0c, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x5f, 0x5e, 0x10, 0x00,	/* ext8 timestamp96 */
	0xc7, 0x00, 0x05,			/* ext8, empty */
	0xc8, 0x00, 0x01, 0x07, 0xcc,		/* ext16 */
	0xc9, 0x00, 0x00, 0x00, 0x02, 0x07, 0xcc, 0xdd,	/* ext32 */
};

static void
test_scan_every_type(void **state)
{
	assert_scans_whole(every_scalar, sizeof every_scalar, &lim_default);
	assert_scans_whole(every_ext, sizeof every_ext, &lim_default);
}

static void
test_decode_every_type(void **state)
{
	char err[256];
	struct rv *v;

	v = wire_decode(every_scalar, sizeof every_scalar, err, sizeof err);
	assert_non_null(v);
	assert_int_equal(rv_len(v), 34);
	assert_int_equal(rv_path_int(v, "0", 0), 5);
	assert_int_equal(rv_path_int(v, "1", 0), -32);
	assert_int_equal(rv_path(v, "2")->type, RV_NIL);
	assert_false(rv_path_bool(v, "3", true));
	assert_true(rv_path_bool(v, "4", false));
	assert_int_equal(rv_path(v, "5")->type, RV_BIN);
	assert_memory_equal(rv_path(v, "5")->s.ptr, "hi", 2);
	assert_int_equal(rv_path(v, "7")->s.len, 0);
	assert_int_equal(rv_path(v, "8")->type, RV_FLOAT);
	assert_true(rv_path(v, "8")->f == 1.5);
	assert_true(rv_path(v, "9")->f > 3.14159 && rv_path(v, "9")->f < 3.1416);
	assert_int_equal(rv_path_int(v, "10", 0), 255);
	assert_int_equal(rv_path_int(v, "11", 0), 65535);
	assert_int_equal(rv_path_int(v, "12", 0), 4294967295LL);
	assert_int_equal(rv_path_int(v, "13", 0), INT64_MAX);
	assert_int_equal(rv_path_int(v, "14", 0), -128);
	assert_int_equal(rv_path_int(v, "15", 0), -32768);
	assert_int_equal(rv_path_int(v, "16", 0), INT32_MIN);
	assert_int_equal(rv_path_int(v, "17", 0), INT64_MIN);
	assert_string_equal(rv_path_str(v, "18", ""), "abc");
	assert_string_equal(rv_path_str(v, "19", ""), "d");
	assert_string_equal(rv_path_str(v, "20", ""), "ef");
	assert_string_equal(rv_path_str(v, "21", ""), "g");
	assert_int_equal(rv_path(v, "22")->type, RV_ARRAY);
	assert_int_equal(rv_path_int(v, "23.0", 0), 1);
	assert_int_equal(rv_path_int(v, "24.0", 0), 2);
	assert_int_equal(rv_len(rv_path(v, "25")), 0);
	assert_int_equal(rv_path_int(v, "26.k", 0), 3);
	assert_int_equal(rv_path_int(v, "27.k", 0), 4);
	assert_int_equal(rv_path_int(v, "28.k", 0), 5);
	assert_int_equal(rv_path_int(v, "29", 9), 0);
	assert_string_equal(rv_path_str(v, "30", "x"), "");
	assert_int_equal(rv_path_int(v, "31", 0), 127);
	assert_int_equal(rv_path_int(v, "32", 0), -1);
	assert_string_equal(rv_path_str(v, "33", "x"), "");
	rv_free(v);
}

static void
test_decode_refuses_ext(void **state)
{
	static const uint8_t timestamp[] = { 0xd6, 0xff, 0x5f, 0x5e, 0x10, 0x00 };
	static const uint8_t in_map[] = { 0x81, 0xa1, 't', 0xd4, 0x01, 0xaa };
	char err[256];

	assert_null(wire_decode(every_ext, sizeof every_ext, err, sizeof err));
	assert_string_equal(err, "extension types are not accepted");
	assert_null(wire_decode(timestamp, sizeof timestamp, err, sizeof err));
	assert_string_equal(err, "extension types are not accepted");
	assert_null(wire_decode(in_map, sizeof in_map, err, sizeof err));
	assert_string_equal(err, "extension types are not accepted");
}

static void
test_scan_truncation_every_boundary(void **state)
{
	struct rv *params;
	struct buf b;
	size_t n;

	params = json("{login: \"élodie\", password: \"s3cret-pass\", n: 70000, "
	    "f: 0.25, roles: [\"admin\", \"agent\"], x: {y: {z: [null, true, -5]}}}");
	buf_init(&b);
	rpc_encode_request(&b, 4242, "session.login", params);
	assert_scans_whole(b.data, b.len, &lim_default);
	assert_scans_whole(b.data, b.len, &lim_anon);

	/* Bytes after the message are the next message's: not counted. */
	buf_addc(&b, (char)0x93);
	buf_addc(&b, (char)0xc1);
	assert_int_equal(scan(b.data, b.len, &lim_default, &n), WIRE_SCAN_OK);
	assert_int_equal(n, b.len - 2);
	buf_free(&b);
	rv_free(params);
}

static void
test_scan_back_to_back(void **state)
{
	struct rv *p1, *r1, *r2;
	struct rpc_msg m;
	struct buf b;
	size_t n1, n2, len1;
	uint32_t id;
	char err[256];

	p1 = json("{token: \"abc\"}");
	buf_init(&b);
	rpc_encode_request(&b, 1, "session.resume", p1);
	len1 = b.len;
	rpc_encode_request(&b, 2, "system.ping", NULL);

	assert_int_equal(scan(b.data, b.len, &lim_default, &n1), WIRE_SCAN_OK);
	assert_int_equal(n1, len1);
	assert_int_equal(scan(b.data + n1, b.len - n1, &lim_default, &n2), WIRE_SCAN_OK);
	assert_int_equal(n1 + n2, b.len);
	/* The second one cut short waits for more. */
	assert_int_equal(scan(b.data + n1, n2 - 1, &lim_default, &n2), WIRE_SCAN_INCOMPLETE);

	r1 = wire_decode(b.data, n1, err, sizeof err);
	assert_non_null(r1);
	assert_int_equal(rpc_parse(r1, &m, &id, err, sizeof err), 0);
	assert_string_equal(m.method, "session.resume");
	assert_int_equal(m.msgid, 1);
	assert_string_equal(rv_path_str(m.params, "0.token", ""), "abc");
	rpc_msg_free(&m);

	r2 = wire_decode(b.data + n1, b.len - n1, err, sizeof err);
	assert_non_null(r2);
	assert_int_equal(rpc_parse(r2, &m, &id, err, sizeof err), 0);
	assert_string_equal(m.method, "system.ping");
	assert_int_equal(m.msgid, 2);
	assert_int_equal(rv_len(m.params), 0);
	rpc_msg_free(&m);

	/* Decoding both at once is refused: one message at a time. */
	assert_null(wire_decode(b.data, b.len, err, sizeof err));
	assert_non_null(strstr(err, "trailing"));
	buf_free(&b);
	rv_free(p1);
}

static void
test_scan_huge_headers(void **state)
{
	static const uint8_t array32[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t map32[] = { 0xdf, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t map32_small[] = { 0xdf, 0x00, 0x01, 0x00, 0x01 };	/* 65537 */
	static const uint8_t str32[] = { 0xdb, 0x06, 0x40, 0x00, 0x00 };	/* 100 MiB */
	static const uint8_t bin32[] = { 0xc6, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t ext32[] = { 0xc9, 0x7f, 0xff, 0xff, 0xff, 0x01 };
	static const uint8_t nested[] = { 0x91, 0x91, 0xdd, 0x10, 0x00, 0x00, 0x00 };
	static const uint8_t str32_head_only[] = { 0xdb, 0x06, 0x40 };
	size_t n;
	char err[256];

	assert_int_equal(scan(array32, sizeof array32, &lim_default, &n), WIRE_SCAN_TOO_MANY);
	assert_int_equal(scan(map32, sizeof map32, &lim_default, &n), WIRE_SCAN_TOO_MANY);
	assert_int_equal(scan(map32_small, sizeof map32_small, &lim_default, &n), WIRE_SCAN_TOO_MANY);
	assert_int_equal(scan(nested, sizeof nested, &lim_default, &n), WIRE_SCAN_TOO_MANY);
	assert_int_equal(scan(str32, sizeof str32, &lim_default, &n), WIRE_SCAN_TOO_BIG);
	assert_int_equal(scan(bin32, sizeof bin32, &lim_default, &n), WIRE_SCAN_TOO_BIG);
	assert_int_equal(scan(ext32, sizeof ext32, &lim_default, &n), WIRE_SCAN_TOO_BIG);
	/* Until the length is read there is nothing to refuse. */
	assert_int_equal(scan(str32_head_only, sizeof str32_head_only, &lim_default, &n),
	    WIRE_SCAN_INCOMPLETE);

	/* The decoder on its own does not trust the headers either: it
	 * would otherwise ask for gigabytes. */
	assert_null(wire_decode(array32, sizeof array32, err, sizeof err));
	assert_null(wire_decode(map32, sizeof map32, err, sizeof err));
	assert_null(wire_decode(str32, sizeof str32, err, sizeof err));
	assert_null(wire_decode(nested, sizeof nested, err, sizeof err));
}

static void
test_scan_count_must_fit_in_size(void **state)
{
	/* 65536 elements are allowed, but not in a 64 KiB message. */
	static const uint8_t array32_max[] = { 0xdd, 0x00, 0x01, 0x00, 0x00 };
	/* 40000 pairs are 80000 values. */
	static const uint8_t map16[] = { 0xde, 0x9c, 0x40 };
	static const uint8_t exact[] = { 0x93, 0x01, 0x02, 0x03 };
	static const uint8_t nested_exact[] = { 0x91, 0x91, 0x91, 0x01 };
	const struct wire_limits four = { 4, 100, 16 }, three = { 3, 100, 16 };
	size_t n;

	assert_int_equal(scan(array32_max, sizeof array32_max, &lim_default, &n),
	    WIRE_SCAN_INCOMPLETE);
	assert_int_equal(scan(array32_max, sizeof array32_max, &lim_anon, &n),
	    WIRE_SCAN_TOO_MANY);
	assert_int_equal(scan(map16, sizeof map16, &lim_default, &n), WIRE_SCAN_INCOMPLETE);
	assert_int_equal(scan(map16, sizeof map16, &lim_anon, &n), WIRE_SCAN_TOO_MANY);

	/* A message of exactly the limit passes; one byte less refuses it. */
	assert_int_equal(scan(exact, sizeof exact, &four, &n), WIRE_SCAN_OK);
	assert_int_equal(n, 4);
	assert_int_equal(scan(exact, sizeof exact, &three, &n), WIRE_SCAN_TOO_MANY);
	assert_int_equal(scan(nested_exact, sizeof nested_exact, &four, &n), WIRE_SCAN_OK);
	assert_int_equal(scan(nested_exact, sizeof nested_exact, &three, &n), WIRE_SCAN_TOO_MANY);
}

static void
test_scan_too_big(void **state)
{
	const struct wire_limits small = { 16, 100, 16 };
	uint8_t msg[64];
	size_t n;

	/* A str8 of 20 bytes can never fit in 16: known from its header. */
	msg[0] = 0xd9;
	msg[1] = 20;
	assert_int_equal(scan(msg, 2, &small, &n), WIRE_SCAN_TOO_BIG);
	/* 14 bytes of string in a 16-byte message: fine. */
	msg[1] = 14;
	memset(msg + 2, 'a', 14);
	assert_int_equal(scan(msg, 2, &small, &n), WIRE_SCAN_INCOMPLETE);
	assert_int_equal(scan(msg, 16, &small, &n), WIRE_SCAN_OK);
	assert_int_equal(n, 16);
	/* An array whose last element crosses the limit. */
	msg[0] = 0x92;
	msg[1] = 0xd9;
	msg[2] = 12;
	msg[15] = 0x01;
	assert_int_equal(scan(msg, 16, &small, &n), WIRE_SCAN_OK);
	msg[15] = 0xcd;
	assert_int_equal(scan(msg, 16, &small, &n), WIRE_SCAN_TOO_BIG);
	/* A message under max_message stays INCOMPLETE, never TOO_BIG. */
	assert_int_equal(scan(msg, 15, &small, &n), WIRE_SCAN_INCOMPLETE);
	/* At the default limits a whole 1 MiB string cannot fit either. */
	msg[0] = 0xdb;
	msg[1] = 0x00;
	msg[2] = 0x10;
	msg[3] = 0x00;
	msg[4] = 0x00;
	assert_int_equal(scan(msg, 5, &lim_default, &n), WIRE_SCAN_TOO_BIG);
	msg[4] = 0x00;
	msg[3] = 0x0f;
	msg[2] = 0x00;
	assert_int_equal(scan(msg, 5, &lim_default, &n), WIRE_SCAN_INCOMPLETE);
}

static void
test_scan_too_many(void **state)
{
	const struct wire_limits lim = { 1024, 3, 16 };
	static const uint8_t three[] = { 0x93, 1, 2, 3 };
	static const uint8_t four[] = { 0x94, 1, 2, 3, 4 };
	static const uint8_t map3[] = { 0x83, 0xa1, 'a', 1, 0xa1, 'b', 2, 0xa1, 'c', 3 };
	static const uint8_t map4[] = { 0x84, 0xa1, 'a', 1 };
	size_t n;

	assert_int_equal(scan(three, sizeof three, &lim, &n), WIRE_SCAN_OK);
	assert_int_equal(scan(four, 1, &lim, &n), WIRE_SCAN_TOO_MANY);
	assert_int_equal(scan(map3, sizeof map3, &lim, &n), WIRE_SCAN_OK);
	assert_int_equal(scan(map4, sizeof map4, &lim, &n), WIRE_SCAN_TOO_MANY);
}

static size_t
make_nested(uint8_t *p, unsigned depth, uint8_t open, uint8_t leaf)
{
	size_t n = 0;
	unsigned i;

	for (i = 0; i < depth; i++) {
		p[n++] = open;
		if (open == 0x81) {	/* {"k": ...} */
			p[n++] = 0xa1;
			p[n++] = 'k';
		}
	}
	p[n++] = leaf;
	return n;
}

static void
test_scan_depth(void **state)
{
	uint8_t msg[128];
	size_t len, n;
	char err[256];
	struct rv *v;

	assert_int_equal(scan((const uint8_t []){ 0x01 }, 1, &lim_default, &n), WIRE_SCAN_OK);

	len = make_nested(msg, 16, 0x91, 0x01);
	assert_scans_whole(msg, len, &lim_default);
	v = wire_decode(msg, len, err, sizeof err);
	assert_non_null(v);
	rv_free(v);
	len = make_nested(msg, 17, 0x91, 0x01);
	assert_int_equal(scan(msg, len, &lim_default, &n), WIRE_SCAN_TOO_DEEP);
	/* Refused as soon as the 17th header shows, before the rest. */
	assert_int_equal(scan(msg, 17, &lim_default, &n), WIRE_SCAN_TOO_DEEP);

	/* The innermost empty container counts as a level too. */
	len = make_nested(msg, 15, 0x91, 0x90);
	assert_int_equal(scan(msg, len, &lim_default, &n), WIRE_SCAN_OK);
	len = make_nested(msg, 16, 0x91, 0x80);
	assert_int_equal(scan(msg, len, &lim_default, &n), WIRE_SCAN_TOO_DEEP);

	len = make_nested(msg, 16, 0x81, 0xc0);
	assert_scans_whole(msg, len, &lim_default);
	len = make_nested(msg, 17, 0x81, 0xc0);
	assert_int_equal(scan(msg, len, &lim_default, &n), WIRE_SCAN_TOO_DEEP);

	/* Depth is nesting, not a count of containers seen. */
	{
		static const uint8_t wide[] = {
			0x94, 0x91, 0x90, 0x91, 0x90, 0x91, 0x90, 0x91, 0x90
		};
		const struct wire_limits lim3 = { 1024, 100, 3 }, lim2 = { 1024, 100, 2 };

		assert_int_equal(scan(wide, sizeof wide, &lim3, &n), WIRE_SCAN_OK);
		assert_int_equal(n, sizeof wide);
		assert_int_equal(scan(wide, sizeof wide, &lim2, &n), WIRE_SCAN_TOO_DEEP);
	}
}

static void
test_scan_malformed(void **state)
{
	static const uint8_t bare[] = { 0xc1 };
	static const uint8_t inside[] = { 0x93, 0x01, 0xc1, 0x02 };
	static const uint8_t as_key[] = { 0x81, 0xc1, 0x01 };
	size_t n;
	char err[256];

	assert_int_equal(scan(bare, 1, &lim_default, &n), WIRE_SCAN_MALFORMED);
	assert_int_equal(scan(inside, sizeof inside, &lim_default, &n), WIRE_SCAN_MALFORMED);
	/* Before the bad byte arrives, nothing is wrong yet. */
	assert_int_equal(scan(inside, 2, &lim_default, &n), WIRE_SCAN_INCOMPLETE);
	assert_int_equal(scan(as_key, sizeof as_key, &lim_default, &n), WIRE_SCAN_MALFORMED);
	assert_null(wire_decode(inside, sizeof inside, err, sizeof err));
	assert_int_equal(scan(bare, 0, &lim_default, &n), WIRE_SCAN_INCOMPLETE);
	assert_string_equal(wire_scan_name(WIRE_SCAN_TOO_DEEP), "containers nested too deep");
}

static void
test_decode_refusals(void **state)
{
	static const uint8_t trailing[] = { 0x91, 0x01, 0x02 };
	static const uint8_t int_key[] = { 0x81, 0x01, 0x02 };
	static const uint8_t bin_key[] = { 0x81, 0xc4, 0x01, 'k', 0x02 };
	static const uint8_t big_uint[] = {
		0xcf, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
	};
	static const uint8_t dup[] = { 0x82, 0xa1, 'x', 0x01, 0xa1, 'x', 0x02 };
	static const uint8_t truncated[] = { 0x92, 0x01 };
	char err[256];

	assert_null(wire_decode(trailing, sizeof trailing, err, sizeof err));
	assert_string_equal(err, "1 trailing bytes after the message");
	assert_null(wire_decode(int_key, sizeof int_key, err, sizeof err));
	assert_non_null(strstr(err, "keys must be strings"));
	assert_null(wire_decode(bin_key, sizeof bin_key, err, sizeof err));
	assert_non_null(strstr(err, "keys must be strings"));
	assert_null(wire_decode(big_uint, sizeof big_uint, err, sizeof err));
	assert_non_null(strstr(err, "out of range"));
	assert_null(wire_decode(dup, sizeof dup, err, sizeof err));
	assert_string_equal(err, "duplicate key 'x'");
	assert_null(wire_decode(truncated, sizeof truncated, err, sizeof err));
	assert_null(wire_decode(truncated, 0, err, sizeof err));
	/* err may be NULL. */
	assert_null(wire_decode(dup, sizeof dup, NULL, 0));
}

/* A duplicate among many keys: found by sorting, not pair by pair. */
static void
test_decode_duplicate_in_big_map(void **state)
{
	struct buf b;
	struct rv *v;
	char err[256], key[16];
	unsigned i;

	buf_init(&b);
	buf_addc(&b, (char)0xde);
	buf_addc(&b, 0x03);
	buf_addc(&b, (char)0xe8);	/* 1000 pairs */
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "k%u", i == 999 ? 500 : i);
		buf_addc(&b, (char)(0xa0 | strlen(key)));
		buf_adds(&b, key);
		buf_addc(&b, 0x01);
	}
	assert_null(wire_decode(b.data, b.len, err, sizeof err));
	assert_string_equal(err, "duplicate key 'k500'");

	/* The same map without the duplicate decodes. */
	b.len -= 6;
	buf_adds(&b, "\xa4k999\x01");
	v = wire_decode(b.data, b.len, err, sizeof err);
	assert_non_null(v);
	assert_int_equal(rv_len(v), 1000);
	assert_int_equal(rv_path_int(v, "k999", 0), 1);
	rv_free(v);
	buf_free(&b);
}

static void
test_roundtrip_every_rv_type(void **state)
{
	static const int64_t ints[] = {
		0, 1, -1, 31, -32, -33, 127, 128, -128, -129, 255, 256, 32767, 32768,
		-32768, -32769, 65535, 65536, INT32_MAX, INT32_MIN, 4294967295LL,
		4294967296LL, INT64_MAX, INT64_MIN
	};
	struct rv *v, *ints_a, *back, *inner;
	struct buf b;
	char *big, err[256];
	size_t i, n;

	v = rv_map();
	rv_set_nil(v, "nil");
	rv_set_bool(v, "t", true);
	rv_set_bool(v, "f", false);
	ints_a = rv_set(v, "ints", rv_array());
	for (i = 0; i < sizeof ints / sizeof ints[0]; i++)
		rv_push(ints_a, rv_int(ints[i]));
	rv_set(v, "half", rv_float(0.5));
	rv_set(v, "tiny", rv_float(-1e-300));
	rv_set(v, "zero", rv_float(0.0));
	rv_set(v, "with_nul", rv_strn("a\0b", 3));
	rv_set_str(v, "empty", "");
	rv_set_str(v, "accents", "Hôtel de Ville, façade est");
	big = xmalloc(70001);
	memset(big, 'z', 70000);
	big[70000] = '\0';
	rv_set_str(v, "str32", big);
	rv_set(v, "bin", rv_bin("\x00\xff\x01", 3));
	rv_set(v, "bin16", rv_bin(big, 300));
	rv_set(v, "bin_empty", rv_bin("", 0));
	rv_set(v, "empty_map", rv_map());
	rv_set(v, "empty_array", rv_array());
	inner = rv_set(v, "nested", rv_array());
	rv_set(rv_push(rv_push(inner, rv_array()), rv_map()), "deep", rv_str("yes"));
	rv_push(inner, rv_nil());
	free(big);

	buf_init(&b);
	wire_encode(&b, v);
	assert_int_equal(scan(b.data, b.len, &lim_default, &n), WIRE_SCAN_OK);
	assert_int_equal(n, b.len);
	back = wire_decode(b.data, b.len, err, sizeof err);
	if (back == NULL)
		fail_msg("decode: %s", err);
	assert_true(rv_equal(v, back));
	assert_int_equal(rv_get(back, "with_nul")->s.len, 3);
	assert_int_equal(rv_get(back, "bin")->type, RV_BIN);
	assert_int_equal(rv_get(back, "half")->type, RV_FLOAT);
	assert_string_equal(rv_path_str(back, "nested.0.0.deep", ""), "yes");
	assert_int_equal(rv_path_int(back, "ints.22", 0), INT64_MAX);
	assert_int_equal(rv_path_int(back, "ints.23", 0), INT64_MIN);
	/* Changing one value makes them differ: rv_equal really compares. */
	rv_set_int((struct rv *)rv_path(back, "nested.0.0"), "deep", 1);
	assert_false(rv_equal(v, back));
	rv_free(back);
	buf_free(&b);
	rv_free(v);
}

static void
test_encode_forms(void **state)
{
	struct buf b;
	struct rv *v;

	buf_init(&b);
	v = rv_float(1.5);
	wire_encode(&b, v);
	assert_int_equal(b.len, 9);
	assert_int_equal(b.data[0], 0xcb);	/* float64, never float32 */
	rv_free(v);

	buf_reset(&b);
	v = rv_int(-1);
	wire_encode(&b, v);
	assert_int_equal(b.len, 1);
	assert_int_equal(b.data[0], 0xff);
	rv_free(v);

	buf_reset(&b);
	v = rv_str("abc");
	wire_encode(&b, v);
	assert_memory_equal(b.data, "\xa3" "abc", 4);
	rv_free(v);

	buf_reset(&b);
	wire_encode(&b, NULL);
	assert_int_equal(b.len, 1);
	assert_int_equal(b.data[0], 0xc0);
	buf_free(&b);
}

/* Encodes root with wire_encode, decodes it and parses it. */
static int
parse_json(const char *text, struct rpc_msg *m, uint32_t *msgid, char *err, size_t errlen)
{
	struct rv *root = json(text), *back;
	struct buf b;

	buf_init(&b);
	wire_encode(&b, root);
	rv_free(root);
	back = wire_decode(b.data, b.len, err, errlen);
	buf_free(&b);
	assert_non_null(back);
	return rpc_parse(back, m, msgid, err, errlen);
}

static void
test_rpc_good(void **state)
{
	struct rpc_msg m;
	uint32_t id;
	char err[256];

	assert_int_equal(parse_json("[0, 7, \"system.ping\", []]", &m, &id, err, sizeof err), 0);
	assert_int_equal(m.kind, RPC_REQUEST);
	assert_int_equal(m.msgid, 7);
	assert_int_equal(id, 7);
	assert_string_equal(m.method, "system.ping");
	assert_int_equal(m.params->type, RV_ARRAY);
	assert_int_equal(rv_len(m.params), 0);
	rpc_msg_free(&m);

	assert_int_equal(parse_json("[0, 4294967295, \"user.get\", [{id: 3}]]", &m, &id,
	    err, sizeof err), 0);
	assert_int_equal(m.msgid, UINT32_MAX);
	assert_int_equal(rv_path_int(m.params, "0.id", 0), 3);
	rpc_msg_free(&m);

	assert_int_equal(parse_json("[1, 9, null, {pong: true}]", &m, &id, err, sizeof err), 0);
	assert_int_equal(m.kind, RPC_RESPONSE);
	assert_int_equal(m.msgid, 9);
	assert_null(m.error);
	assert_true(rv_path_bool(m.result, "pong", false));
	rpc_msg_free(&m);

	assert_int_equal(parse_json("[1, 10, {code: \"forbidden\", message: \"no\"}, null]",
	    &m, &id, err, sizeof err), 0);
	assert_non_null(m.error);
	assert_string_equal(rv_path_str(m.error, "code", ""), "forbidden");
	assert_int_equal(m.result->type, RV_NIL);
	rpc_msg_free(&m);

	assert_int_equal(parse_json("[2, \"event\", [{topic: \"user\", op: \"create\", id: 5}]]",
	    &m, &id, err, sizeof err), 0);
	assert_int_equal(m.kind, RPC_NOTIFY);
	assert_string_equal(m.method, "event");
	assert_string_equal(rv_path_str(m.params, "0.topic", ""), "user");
	assert_int_equal(id, UINT32_MAX);
	rpc_msg_free(&m);
}

static void
expect_rpc_error(const char *text, uint32_t want_id, const char *want_err)
{
	struct rpc_msg m;
	uint32_t id = 12345;
	char err[256];

	if (parse_json(text, &m, &id, err, sizeof err) == 0)
		fail_msg("%s was accepted", text);
	if (strstr(err, want_err) == NULL)
		fail_msg("%s: error '%s', expected '%s'", text, err, want_err);
	if (id != want_id)
		fail_msg("%s: msgid %u, expected %u", text, id, want_id);
	assert_null(m.root);
}

static void
test_rpc_bad(void **state)
{
	char method65[128], text[256];

	expect_rpc_error("{a: 1}", UINT32_MAX, "array of 3 or 4");
	expect_rpc_error("[0, 1]", UINT32_MAX, "array of 3 or 4");
	expect_rpc_error("[0, 1, \"a.b\", [], 5]", UINT32_MAX, "array of 3 or 4");
	expect_rpc_error("[3, 1, \"a.b\", []]", UINT32_MAX, "type must be");
	expect_rpc_error("[\"0\", 1, \"a.b\", []]", UINT32_MAX, "type must be");
	expect_rpc_error("[0, -1, \"a.b\", []]", UINT32_MAX, "msgid");
	expect_rpc_error("[0, 4294967296, \"a.b\", []]", UINT32_MAX, "msgid");
	expect_rpc_error("[0, \"7\", \"a.b\", []]", UINT32_MAX, "msgid");
	expect_rpc_error("[0, 1.0, \"a.b\", []]", UINT32_MAX, "msgid");
	expect_rpc_error("[1, null, null, null]", UINT32_MAX, "msgid");

	/* From here on the msgid is readable: the error can be answered. */
	expect_rpc_error("[0, 77, \"\", []]", 77, "method");
	expect_rpc_error("[0, 77, 5, []]", 77, "method");
	expect_rpc_error("[0, 77, \"a\\u0000b\", []]", 77, "method");
	memset(method65, 'm', 65);
	method65[65] = '\0';
	snprintf(text, sizeof text, "[0, 78, \"%s\", []]", method65);
	expect_rpc_error(text, 78, "method");
	expect_rpc_error("[0, 79, \"a.b\", {}]", 79, "params must be [] or [map]");
	expect_rpc_error("[0, 79, \"a.b\", null]", 79, "params must be [] or [map]");
	expect_rpc_error("[0, 79, \"a.b\", [1]]", 79, "params must be [] or [map]");
	expect_rpc_error("[0, 79, \"a.b\", [[]]]", 79, "params must be [] or [map]");
	expect_rpc_error("[0, 79, \"a.b\", [{}, {}]]", 79, "params must be [] or [map]");
	expect_rpc_error("[0, 80, \"a.b\"]", 80, "request must have 4");
	expect_rpc_error("[1, 81, null]", 81, "response must have 4");
	expect_rpc_error("[2, \"event\", {}]", UINT32_MAX, "params must be an array");
	expect_rpc_error("[2, \"\", []]", UINT32_MAX, "method");
	expect_rpc_error("[2, \"event\", [], 1]", UINT32_MAX, "notification must have 3");

	/* 64 bytes is still a method name. */
	{
		struct rpc_msg m;
		uint32_t id;
		char err[256];

		method65[64] = '\0';
		snprintf(text, sizeof text, "[0, 82, \"%s\", []]", method65);
		assert_int_equal(parse_json(text, &m, &id, err, sizeof err), 0);
		assert_int_equal(strlen(m.method), 64);
		rpc_msg_free(&m);
	}
}

static void
test_rpc_encoders(void **state)
{
	struct rv *params, *error, *result, *root;
	struct rpc_msg m;
	struct buf b;
	uint32_t id;
	char err[256];

	buf_init(&b);
	params = json("{login: \"marie\", password: \"motdepasse\"}");
	rpc_encode_request(&b, 123456, "session.login", params);
	root = wire_decode(b.data, b.len, err, sizeof err);
	assert_int_equal(rpc_parse(root, &m, &id, err, sizeof err), 0);
	assert_int_equal(m.kind, RPC_REQUEST);
	assert_int_equal(m.msgid, 123456);
	assert_string_equal(m.method, "session.login");
	assert_int_equal(rv_len(m.params), 1);
	assert_true(rv_equal(rv_path(m.params, "0"), params));
	rpc_msg_free(&m);
	rv_free(params);

	buf_reset(&b);
	error = json("{code: \"invalid\", message: \"too short\", field: \"password\"}");
	rpc_encode_response(&b, 5, error, NULL);
	root = wire_decode(b.data, b.len, err, sizeof err);
	assert_int_equal(rpc_parse(root, &m, &id, err, sizeof err), 0);
	assert_int_equal(m.kind, RPC_RESPONSE);
	assert_true(rv_equal(m.error, error));
	assert_int_equal(m.result->type, RV_NIL);
	rpc_msg_free(&m);
	rv_free(error);

	buf_reset(&b);
	result = json("{ok: true}");
	rpc_encode_response(&b, 6, NULL, result);
	root = wire_decode(b.data, b.len, err, sizeof err);
	assert_int_equal(rpc_parse(root, &m, &id, err, sizeof err), 0);
	assert_null(m.error);
	assert_true(rv_equal(m.result, result));
	rpc_msg_free(&m);
	rv_free(result);

	buf_reset(&b);
	params = json("{topic: \"resync\"}");
	rpc_encode_notify(&b, "event", params);
	root = wire_decode(b.data, b.len, err, sizeof err);
	assert_int_equal(rpc_parse(root, &m, &id, err, sizeof err), 0);
	assert_int_equal(m.kind, RPC_NOTIFY);
	assert_string_equal(rv_path_str(m.params, "0.topic", ""), "resync");
	rpc_msg_free(&m);
	rv_free(params);

	buf_reset(&b);
	rpc_encode_notify(&b, "event", NULL);
	root = wire_decode(b.data, b.len, err, sizeof err);
	assert_int_equal(rpc_parse(root, &m, &id, err, sizeof err), 0);
	assert_int_equal(rv_len(m.params), 0);
	rpc_msg_free(&m);

	/* rpc_parse takes NULL (a failed decode) and frees nothing twice. */
	assert_int_equal(rpc_parse(NULL, &m, &id, err, sizeof err), -1);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_every_type),
		cmocka_unit_test(test_decode_every_type),
		cmocka_unit_test(test_decode_refuses_ext),
		cmocka_unit_test(test_scan_truncation_every_boundary),
		cmocka_unit_test(test_scan_back_to_back),
		cmocka_unit_test(test_scan_huge_headers),
		cmocka_unit_test(test_scan_count_must_fit_in_size),
		cmocka_unit_test(test_scan_too_big),
		cmocka_unit_test(test_scan_too_many),
		cmocka_unit_test(test_scan_depth),
		cmocka_unit_test(test_scan_malformed),
		cmocka_unit_test(test_decode_refusals),
		cmocka_unit_test(test_decode_duplicate_in_big_map),
		cmocka_unit_test(test_roundtrip_every_rv_type),
		cmocka_unit_test(test_encode_forms),
		cmocka_unit_test(test_rpc_good),
		cmocka_unit_test(test_rpc_bad),
		cmocka_unit_test(test_rpc_encoders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
