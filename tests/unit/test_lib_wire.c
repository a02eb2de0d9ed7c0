/* The wire: the bounded scanner against hostile input, the decoder, the
 * encoder and the MessagePack-RPC message shapes. */
#include <stdarg.h>
#include <stdbool.h>
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

/* Keys that differ only in bytes 1 and 3 of 5: a check that looks at
 * the length, the ends and the middle first finds them all alike. Used
 * for maps of every size on either side of where the decoder turns to
 * sorting. */
static void
look_alike_key(char key[6], unsigned i)
{
	key[0] = 'k';
	key[1] = (char)('A' + i % 26);
	key[2] = 'x';
	key[3] = (char)('A' + i / 26 % 26);
	key[4] = 'z';
	key[5] = '\0';
}

static void
add_map_of_keys(struct buf *b, unsigned n, unsigned dup_a, unsigned dup_b, bool alike)
{
	char key[16];
	unsigned i, k;

	buf_addc(b, (char)0xde);
	buf_addc(b, (char)(n >> 8));
	buf_addc(b, (char)(n & 0xff));
	for (i = 0; i < n; i++) {
		k = i == dup_b ? dup_a : i;
		if (alike)
			look_alike_key(key, k);
		else
			snprintf(key, sizeof key, "f%u", k);
		buf_addc(b, (char)(0xa0 | strlen(key)));
		buf_adds(b, key);
		buf_addc(b, (char)(i & 0x7f));
	}
}

static void
test_decode_duplicate_keys_every_size(void **state)
{
	char err[256], key[16], want[64];
	unsigned n, alike, d, dup_a, dup_b;
	struct buf b;
	struct rv *v;

	buf_init(&b);
	for (alike = 0; alike < 2; alike++) {
		for (n = 0; n <= 80; n++) {
			/* No duplicate: every key is kept. */
			buf_reset(&b);
			add_map_of_keys(&b, n, UINT32_MAX, UINT32_MAX, alike);
			v = wire_decode(b.data, b.len, err, sizeof err);
			if (v == NULL)
				fail_msg("%u distinct keys (alike %u): %s", n, alike, err);
			assert_int_equal(rv_len(v), n);
			rv_free(v);

			/* A duplicate first and last, side by side, and in between. */
			for (d = 0; n >= 2 && d < 3; d++) {
				dup_a = d == 0 ? 0 : d == 1 ? n - 2 : n / 3;
				dup_b = d == 0 ? n - 1 : d == 1 ? n - 1 : n / 3 + 1 + n / 2;
				if (dup_b >= n || dup_b <= dup_a)
					continue;
				buf_reset(&b);
				add_map_of_keys(&b, n, dup_a, dup_b, alike);
				if (alike)
					look_alike_key(key, dup_a);
				else
					snprintf(key, sizeof key, "f%u", dup_a);
				snprintf(want, sizeof want, "duplicate key '%s'", key);
				if (wire_decode(b.data, b.len, err, sizeof err) != NULL)
					fail_msg("%u keys, %u twice: accepted", n, dup_a);
				assert_string_equal(err, want);
			}
		}
	}
	buf_free(&b);
}

/* Keys are compared by their bytes, NUL and empty ones included. */
static void
test_decode_duplicate_keys_with_nul(void **state)
{
	static const uint8_t nul_distinct[] = {
		0x82, 0xa3, 'a', 0, 'b', 0x01, 0xa3, 'a', 0, 'c', 0x02
	};
	static const uint8_t nul_same[] = {
		0x82, 0xa3, 'a', 0, 'b', 0x01, 0xa3, 'a', 0, 'b', 0x02
	};
	static const uint8_t prefix[] = { 0x82, 0xa1, 'a', 0x01, 0xa2, 'a', 0, 0x02 };
	static const uint8_t empty_twice[] = { 0x83, 0xa0, 0x01, 0xa1, 'a', 0x02, 0xa0, 0x03 };
	char err[256];
	struct rv *v;

	v = wire_decode(nul_distinct, sizeof nul_distinct, err, sizeof err);
	assert_non_null(v);
	assert_int_equal(rv_len(v), 2);
	rv_free(v);
	assert_null(wire_decode(nul_same, sizeof nul_same, err, sizeof err));
	assert_non_null(strstr(err, "duplicate key"));
	v = wire_decode(prefix, sizeof prefix, err, sizeof err);
	assert_non_null(v);
	rv_free(v);
	assert_null(wire_decode(empty_twice, sizeof empty_twice, err, sizeof err));
	assert_string_equal(err, "duplicate key ''");
}

/*
 * The resumable scanner: whatever the pieces a message comes in, its
 * answer is wire_scan's for the bytes it has been shown.
 */

static const struct wire_limits split_limits[] = {
	{ WIRE_MAX_MESSAGE, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH },
	{ WIRE_MAX_MESSAGE_ANON, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH },
	{ 64, 4, 3 },
	{ 200, 16, 5 },
	{ 1024, 100, 2 },
	{ 9, 100, 16 },
	{ 1, 1, 1 },
	{ 300, 8, 200 },	/* deeper than the scanner's stack */
};
#define NSPLIT_LIMITS (sizeof split_limits / sizeof split_limits[0])

/*
 * Feeds data to one scanner in pieces ending at cuts[] (increasing, the
 * last one len), as a connection receives it, and checks each answer
 * against wire_scan from scratch on the same bytes. A complete message is
 * drained, as the callers do, and the rest is the next one. After a
 * refusal it goes on feeding: the answer must stay wire_scan's.
 */
static void
assert_feeds_like_scan(const uint8_t *data, size_t len, const size_t *cuts, size_t ncuts,
    const struct wire_limits *lim, const char *what)
{
	struct wire_scanner s;
	enum wire_scan got, want;
	size_t base = 0, k, avail, got_len, want_len;

	wire_scanner_reset(&s);
	for (k = 0; k < ncuts; k++) {
		assert_true(cuts[k] <= len);
		for (;;) {
			avail = cuts[k] - base;
			got_len = want_len = (size_t)-1;
			want = wire_scan(data + base, avail, lim, &want_len);
			got = wire_scanner_feed(&s, data + base, avail, lim, &got_len);
			if (got != want || (want == WIRE_SCAN_OK && got_len != want_len))
				fail_msg("%s, limits {%zu, %u, %u}: after %zu of %zu bytes "
				    "(message at %zu), fed: %s (%zu), whole: %s (%zu)", what,
				    lim->max_message, lim->max_elements, lim->max_depth,
				    cuts[k], len, base, wire_scan_name(got), got_len,
				    wire_scan_name(want), want_len);
			if (got != WIRE_SCAN_OK)
				break;
			base += got_len;
		}
	}
}

/* Every way of cutting data in two, and data byte by byte. */
static void
assert_every_split(const uint8_t *data, size_t len, const char *what)
{
	size_t *cuts, i, k;

	cuts = xreallocarray(NULL, len + 1, sizeof *cuts);
	for (i = 0; i < NSPLIT_LIMITS; i++) {
		for (k = 0; k <= len; k++) {
			cuts[0] = k;
			cuts[1] = len;
			assert_feeds_like_scan(data, len, cuts, 2, &split_limits[i], what);
		}
		for (k = 0; k <= len; k++)
			cuts[k] = k;
		assert_feeds_like_scan(data, len, cuts, len + 1, &split_limits[i], what);
	}
	free(cuts);
}

static void
test_scanner_hand_made_every_split(void **state)
{
	static const uint8_t huge_claims[] = {
		0x94, 0xdd, 0xff, 0xff, 0xff, 0xff, 0xdb, 0x06, 0x40, 0x00, 0x00,
		0xdf, 0x00, 0x01, 0x00, 0x01, 0xc9, 0x7f, 0xff, 0xff, 0xff, 0x01
	};
	static const uint8_t malformed_late[] = { 0x93, 0x01, 0x92, 0xa1, 'x', 0xc1, 0x02 };
	static const uint8_t fills_exactly[] = { 0x91, 0x91, 0x91, 0x93, 0x01, 0x02, 0x03 };
	uint8_t nested[64];
	struct rv *params;
	struct buf b;
	size_t n;

	assert_every_split(every_scalar, sizeof every_scalar, "every scalar");
	assert_every_split(every_ext, sizeof every_ext, "every ext");
	assert_every_split(huge_claims, sizeof huge_claims, "huge claims");
	assert_every_split(malformed_late, sizeof malformed_late, "malformed late");
	assert_every_split(fills_exactly, sizeof fills_exactly, "fills exactly");
	n = make_nested(nested, 20, 0x91, 0x01);
	assert_every_split(nested, n, "nested arrays");
	n = make_nested(nested, 18, 0x81, 0x90);
	assert_every_split(nested, n, "nested maps");

	/* Three requests back to back, the way a client pipelines them. */
	params = json("{login: \"élodie\", password: \"s3cret-pass\", n: 70000, "
	    "f: 0.25, roles: [\"admin\", \"agent\"], x: {y: {z: [null, true, -5]}}}");
	buf_init(&b);
	rpc_encode_request(&b, 4242, "session.login", params);
	rpc_encode_request(&b, 4243, "system.ping", NULL);
	rpc_encode_request(&b, 4244, "user.list", params);
	assert_every_split(b.data, b.len, "three requests");
	buf_free(&b);
	rv_free(params);
}

/* A small generator of our own, so that a failure replays the same. */
static uint64_t rng_state;

static uint32_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * UINT64_C(0x2545f4914f6cdd1d)) >> 32);
}

static void
gen_be(struct buf *b, uint64_t v, unsigned n)
{
	while (n-- > 0)
		buf_addc(b, (char)(v >> (8 * n)));
}

/* A length or count: mostly small and true, sometimes a lie. */
static uint32_t
gen_count(uint32_t small)
{
	switch (rng() % 16) {
	case 0:
		return UINT32_MAX;
	case 1:
		return 0x10001;
	default:
		return rng() % (small + 1);
	}
}

/* Appends one random value. Containers and byte strings claim counts
 * and lengths that are mostly true; past a size budget only one-byte
 * values are written, so that nothing grows without bound. */
static void
gen_value(struct buf *b, unsigned depth)
{
	static const uint8_t fixed[] = {
		0x00, 0x7f, 0xe0, 0xff, 0xc0, 0xc2, 0xc3, 0xc1
	};
	static const uint8_t sized[][2] = {		/* type byte, bytes after it */
		{ 0xca, 4 }, { 0xcb, 8 }, { 0xcc, 1 }, { 0xcd, 2 }, { 0xce, 4 }, { 0xcf, 8 },
		{ 0xd0, 1 }, { 0xd1, 2 }, { 0xd2, 4 }, { 0xd3, 8 }, { 0xd4, 2 }, { 0xd5, 3 },
		{ 0xd6, 5 }, { 0xd7, 9 }, { 0xd8, 17 },
	};
	uint32_t n, i, kind;

	kind = b->len > 200 || depth > 20 ? 0 : rng() % 12;
	switch (kind) {
	case 0:
		/* 0xc1, the last, one time in 32 or so. */
		buf_addc(b, (char)fixed[rng() % (sizeof fixed - (rng() % 32 != 0))]);
		break;
	case 1:
		i = rng() % (sizeof sized / sizeof sized[0]);
		buf_addc(b, (char)sized[i][0]);
		for (n = 0; n < sized[i][1]; n++)
			buf_addc(b, (char)rng());
		break;
	case 2:
		n = rng() % 32;
		buf_addc(b, (char)(0xa0 | n));
		for (i = 0; i < n; i++)
			buf_addc(b, (char)('a' + i % 26));
		break;
	case 3: {
		static const uint8_t types[] = { 0xd9, 0xda, 0xdb, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9 };
		static const unsigned lenbytes[] = { 1, 2, 4, 1, 2, 4, 1, 2, 4 };

		i = rng() % sizeof types;
		n = gen_count(40);
		if (lenbytes[i] < 4 && n >> (8 * lenbytes[i]) != 0)
			n = (uint32_t)((1ull << (8 * lenbytes[i])) - 1);
		buf_addc(b, (char)types[i]);
		gen_be(b, n, lenbytes[i]);
		if (types[i] >= 0xc7)
			buf_addc(b, 0x01);		/* the ext type */
		for (i = 0; i < n && i < 60; i++)
			buf_addc(b, 'x');
		break;
	}
	case 4: case 5: case 6:
		n = rng() % 4;
		buf_addc(b, (char)(0x90 | n));
		for (i = 0; i < n; i++)
			gen_value(b, depth + 1);
		break;
	case 7: case 8: case 9:
		n = rng() % 5;
		buf_addc(b, (char)(0x80 | n));
		for (i = 0; i < 2 * n; i++)
			gen_value(b, depth + 1);
		break;
	default:
		n = gen_count(20);
		kind = rng() % 4;
		if (kind < 2 && n > 0xffff)
			n = 0xffff;
		buf_addc(b, (char)(0xdc + kind));	/* array16, array32, map16, map32 */
		gen_be(b, n, kind % 2 == 0 ? 2 : 4);
		for (i = 0; i < (kind >= 2 ? 2 * n : n) && i < 24; i++)
			gen_value(b, depth + 1);
		break;
	}
}

static void
test_scanner_random_splits(void **state)
{
	size_t cuts[64], *every, ncuts, k, round, i;
	struct buf b;
	char what[64];

	buf_init(&b);
	every = NULL;
	for (round = 0; round < 1500; round++) {
		rng_state = UINT64_C(0x9e3779b97f4a7c15) * (round + 1);
		buf_reset(&b);
		/* One to three messages, as they follow each other on a stream. */
		for (k = rng() % 3; k < 3; k++)
			gen_value(&b, 0);
		snprintf(what, sizeof what, "random round %zu", round);

		every = xreallocarray(every, b.len + 1, sizeof *every);
		for (k = 0; k <= b.len; k++)
			every[k] = k;
		for (i = 0; i < NSPLIT_LIMITS; i++) {
			assert_feeds_like_scan(b.data, b.len, every, b.len + 1,
			    &split_limits[i], what);
			for (k = 0; k < 4; k++) {
				/* Increasing random cuts, ending at the end. */
				ncuts = 1 + rng() % (sizeof cuts / sizeof cuts[0] - 1);
				for (size_t c = 0; c < ncuts - 1; c++)
					cuts[c] = b.len == 0 ? 0 : rng() % (b.len + 1);
				cuts[ncuts - 1] = b.len;
				for (size_t c = 1; c < ncuts; c++) {	/* insertion sort */
					size_t v = cuts[c], j = c;

					while (j > 0 && cuts[j - 1] > v) {
						cuts[j] = cuts[j - 1];
						j--;
					}
					cuts[j] = v;
				}
				assert_feeds_like_scan(b.data, b.len, cuts, ncuts,
				    &split_limits[i], what);
			}
		}
	}
	free(every);
	buf_free(&b);
}

/* What a connection does between reads: a login raises the limit, a
 * logout lowers it, a smaller view of the buffer. The scanner then
 * starts over, and still answers as wire_scan. */
static void
test_scanner_start_over(void **state)
{
	const struct wire_limits big = { 4096, 100, 16 }, small = { 32, 100, 16 };
	struct wire_scanner s;
	struct buf b;
	size_t n, want_n;
	unsigned i;

	buf_init(&b);
	buf_addc(&b, (char)0x9f);		/* 15 strings of 4 bytes: 76 bytes */
	for (i = 0; i < 15; i++)
		buf_adds(&b, "\xa4" "abcd");

	wire_scanner_reset(&s);
	assert_int_equal(wire_scanner_feed(&s, b.data, 20, &small, &n), WIRE_SCAN_INCOMPLETE);
	assert_int_equal(wire_scanner_feed(&s, b.data, b.len, &big, &n), WIRE_SCAN_OK);
	assert_int_equal(n, b.len);

	wire_scanner_reset(&s);
	assert_int_equal(wire_scanner_feed(&s, b.data, 40, &big, &n), WIRE_SCAN_INCOMPLETE);
	assert_int_equal(wire_scanner_feed(&s, b.data, 40, &small, &n), WIRE_SCAN_TOO_BIG);
	assert_int_equal(wire_scan(b.data, 40, &small, &want_n), WIRE_SCAN_TOO_BIG);

	/* Limits that would have refused what is behind it already. */
	wire_scanner_reset(&s);
	assert_int_equal(wire_scanner_feed(&s, b.data, 40, &big, &n), WIRE_SCAN_INCOMPLETE);
	assert_int_equal(wire_scanner_feed(&s, b.data, 40, &(struct wire_limits){ 4096, 10, 16 },
	    &n), WIRE_SCAN_TOO_MANY);
	wire_scanner_reset(&s);
	assert_int_equal(wire_scanner_feed(&s, b.data, 40, &big, &n), WIRE_SCAN_INCOMPLETE);
	assert_int_equal(wire_scanner_feed(&s, b.data, 40, &(struct wire_limits){ 4096, 100, 0 },
	    &n), WIRE_SCAN_TOO_DEEP);

	/* Shown fewer bytes than last time: a new message. */
	wire_scanner_reset(&s);
	assert_int_equal(wire_scanner_feed(&s, b.data, 60, &big, &n), WIRE_SCAN_INCOMPLETE);
	assert_int_equal(wire_scanner_feed(&s, b.data + 1, 5, &big, &n), WIRE_SCAN_OK);
	assert_int_equal(n, 5);
	buf_free(&b);
}

/* The point of the scanner: bytes it has passed are not read again. A
 * byte changed behind it goes unseen, where wire_scan would refuse it. */
static void
test_scanner_never_rereads(void **state)
{
	struct wire_scanner s;
	uint8_t msg[40];
	size_t n, i;

	msg[0] = 0x9f;				/* 15 small integers, then 0x0e */
	for (i = 1; i <= 15; i++)
		msg[i] = (uint8_t)i;
	wire_scanner_reset(&s);
	assert_int_equal(wire_scanner_feed(&s, msg, 10, &lim_default, &n),
	    WIRE_SCAN_INCOMPLETE);
	msg[3] = 0xc1;
	assert_int_equal(wire_scan(msg, 16, &lim_default, &n), WIRE_SCAN_MALFORMED);
	assert_int_equal(wire_scanner_feed(&s, msg, 16, &lim_default, &n), WIRE_SCAN_OK);
	assert_int_equal(n, 16);
	/* And after OK it starts the next message from its first byte. */
	assert_int_equal(wire_scanner_feed(&s, msg, 16, &lim_default, &n), WIRE_SCAN_MALFORMED);
}

/* RV_PACKED holds its own buffer: a copy encodes the same and both free
 * apart (the sanitizer and valgrind runs see a double free or a leak). */
static void
test_packed_copy(void **state)
{
	struct rv *row, *packed, *copy, *back;
	struct buf b, out;
	char err[256];

	row = json("{id: 7, name: \"Préau\", tags: [\"a\", \"b\"]}");
	buf_init(&b);
	wire_encode(&b, row);
	packed = rv_packed(b.data, b.len);	/* takes b.data */
	copy = rv_copy(packed);
	assert_true(rv_equal(packed, copy));
	rv_free(packed);

	buf_init(&out);
	wire_encode(&out, copy);
	back = wire_decode(out.data, out.len, err, sizeof err);
	assert_non_null(back);
	assert_true(rv_equal(row, back));
	rv_free(back);
	rv_free(copy);
	rv_free(row);
	buf_free(&out);
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
	/* Frozen, the same tree, every part in the one allocation; its copy
	 * is the caller's own to change. */
	back = wire_decode_frozen(b.data, b.len, err, sizeof err);
	if (back == NULL)
		fail_msg("frozen decode: %s", err);
	assert_true(rv_equal(v, back));
	assert_int_equal(back->flags, RV_FROZEN | RV_FROZEN_ROOT);
	assert_int_equal(rv_path(back, "nested.0.0.deep")->flags, RV_FROZEN);
	assert_int_equal(rv_get(back, "with_nul")->s.len, 3);
	{
		struct rv *copy = rv_copy(back);

		rv_free(back);
		assert_true(rv_equal(v, copy));
		rv_set_int((struct rv *)rv_path(copy, "nested.0.0"), "deep", 1);
		rv_set_int(copy, "half", 2);
		assert_false(rv_equal(v, copy));
		rv_free(copy);
	}
	buf_free(&b);
	rv_free(v);
}

/* Both decoders give the same tree, or refuse with the same words. */
static void
assert_decoders_agree(const uint8_t *data, size_t len)
{
	char err[256], ferr[256];
	struct rv *heap = wire_decode(data, len, err, sizeof err);
	struct rv *frozen = wire_decode_frozen(data, len, ferr, sizeof ferr);

	if (heap == NULL || frozen == NULL) {
		if (heap != NULL || frozen != NULL)
			fail_msg("one decoder refused (%s%s), the other did not", err, ferr);
		assert_string_equal(err, ferr);
	} else {
		/* By their encodings, where a NaN equals itself. */
		struct buf x, y;

		buf_init(&x);
		buf_init(&y);
		wire_encode(&x, heap);
		wire_encode(&y, frozen);
		if (x.len != y.len || memcmp(x.data, y.data, x.len) != 0)
			fail_msg("the frozen tree differs");
		buf_free(&x);
		buf_free(&y);
	}
	rv_free(heap);
	rv_free(frozen);
}

static void
test_decode_frozen_agrees(void **state)
{
	static const uint8_t refused[][9] = {
		{ 0x91, 0x01, 0x02 }, { 0x81, 0x01, 0x02 }, { 0x81, 0xc4, 0x01, 'k', 0x02 },
		{ 0xcf, 0x80 }, { 0x82, 0xa1, 'x', 0x01, 0xa1, 'x', 0x02 }, { 0x92, 0x01 },
		{ 0xd4, 0x01, 0x02 }, { 0x92, 0x80, 0x81, 0xa0, 0x82, 0xa1, 'y', 0xc0, 0xa1 },
	};
	static const size_t lens[] = { 3, 3, 5, 9, 7, 2, 3, 9 };
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
		assert_decoders_agree(refused[i], lens[i]);
	rng_state = 0x5eed5eed5eedull;
	buf_init(&b);
	for (int i = 0; i < 20000; i++) {
		buf_reset(&b);
		gen_value(&b, 0);
		assert_decoders_agree(b.data, b.len);
	}
	buf_free(&b);
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
		cmocka_unit_test(test_decode_duplicate_keys_every_size),
		cmocka_unit_test(test_decode_duplicate_keys_with_nul),
		cmocka_unit_test(test_scanner_hand_made_every_split),
		cmocka_unit_test(test_scanner_random_splits),
		cmocka_unit_test(test_scanner_start_over),
		cmocka_unit_test(test_scanner_never_rereads),
		cmocka_unit_test(test_packed_copy),
		cmocka_unit_test(test_roundtrip_every_rv_type),
		cmocka_unit_test(test_decode_frozen_agrees),
		cmocka_unit_test(test_encode_forms),
		cmocka_unit_test(test_rpc_good),
		cmocka_unit_test(test_rpc_bad),
		cmocka_unit_test(test_rpc_encoders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
