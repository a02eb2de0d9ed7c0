/* The hand-written MessagePack writer and the JSON transcoder: what they
 * write must decode to what the tree path (rv_from_json, wire_encode)
 * gives, for every size class of the format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "pack.h"
#include "rv.h"
#include "wire.h"
#include "xmalloc.h"

static struct rv *decode(const struct buf *b)
{
	char err[256];
	struct rv *v = wire_decode(b->data, b->len, err, sizeof err);

	if (v == NULL)
		fail_msg("packed bytes do not decode: %s", err);
	return v;
}

/* What the tree path writes for the same value: the packer must not
 * only decode the same, but take no more bytes. */
static void assert_packs_like(const struct buf *b, const struct rv *want)
{
	struct buf tree;
	struct rv *got = decode(b);

	buf_init(&tree);
	wire_encode(&tree, want);
	if (!rv_equal(got, want)) {
		char *g = rv_to_json(got), *w = rv_to_json(want);
		fail_msg("packed %s, wanted %s", g, w);
	}
	assert_int_equal(b->len, tree.len);
	buf_free(&tree);
	rv_free(got);
}

static void test_scalars(void **state)
{
	static const int64_t ints[] = { 0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295LL,
		4294967296LL, INT64_MAX, -1, -32, -33, -128, -129, -32768, -32769,
		-2147483648LL, -2147483649LL, INT64_MIN };
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		struct rv *want = rv_int(ints[i]);

		buf_reset(&b);
		pack_int(&b, ints[i]);
		assert_packs_like(&b, want);
		rv_free(want);
	}
	buf_reset(&b);
	pack_nil(&b);
	pack_bool(&b, true);
	pack_bool(&b, false);
	pack_float(&b, -2.5);
	assert_int_equal(b.len, 3 + 9);
	assert_int_equal(b.data[0], 0xc0);
	assert_int_equal(b.data[1], 0xc3);
	assert_int_equal(b.data[2], 0xc2);
	{
		struct buf one = { b.data + 3, 9, 9 };
		struct rv *got = decode(&one);

		assert_int_equal(got->type, RV_FLOAT);
		assert_true(got->f == -2.5);
		rv_free(got);
	}
	buf_free(&b);
}

static void test_strings_and_containers(void **state)
{
	static const size_t lens[] = { 0, 1, 31, 32, 255, 256, 65535, 65536 };
	static const uint32_t counts[] = { 0, 1, 15, 16, 65535, 65536 };
	struct buf b;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		char *s = xmalloc(lens[i] + 1);
		struct rv *want;

		memset(s, 'x', lens[i]);
		s[lens[i]] = '\0';
		want = rv_strn(s, lens[i]);
		buf_reset(&b);
		pack_str(&b, s, lens[i]);
		assert_packs_like(&b, want);
		rv_free(want);
		free(s);
	}
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		struct rv *arr = rv_array(), *map = rv_map();

		buf_reset(&b);
		pack_array(&b, counts[i]);
		for (uint32_t k = 0; k < counts[i]; k++) {
			pack_int(&b, k);
			rv_push(arr, rv_int(k));
		}
		assert_packs_like(&b, arr);
		buf_reset(&b);
		pack_map(&b, counts[i]);
		for (uint32_t k = 0; k < counts[i]; k++) {
			char key[16];

			snprintf(key, sizeof key, "k%u", k);
			pack_str(&b, key, strlen(key));
			pack_nil(&b);
			/* Building a map key by key is quadratic: the big
			 * ones are checked by their count alone. */
			if (counts[i] <= 16)
				rv_set_nil(map, key);
		}
		if (counts[i] <= 16) {
			assert_packs_like(&b, map);
		} else {
			struct rv *got = decode(&b);

			assert_int_equal(got->type, RV_MAP);
			assert_int_equal(rv_len(got), counts[i]);
			assert_int_equal(b.data[0], counts[i] <= UINT16_MAX ? 0xde : 0xdf);
			rv_free(got);
		}
		rv_free(arr);
		rv_free(map);
	}
	buf_free(&b);
}

/* pack_json against rv_from_json then wire_encode. */
static void assert_json_packs(const char *text)
{
	struct buf b;
	struct rv *want = rv_from_json(text, NULL, 0), *got;

	if (want == NULL)
		fail_msg("bad test JSON %s", text);
	buf_init(&b);
	if (pack_json(&b, text, strlen(text)) != 0)
		fail_msg("pack_json refused %s", text);
	got = decode(&b);
	if (!rv_equal(got, want)) {
		char *g = rv_to_json(got);
		fail_msg("pack_json(%s) gave %s", text, g);
	}
	rv_free(got);
	rv_free(want);
	buf_free(&b);
}

static void test_json(void **state)
{
	static const char *const texts[] = {
		"null", "true", "false", "0", "-0", "12", "-7", "9223372036854775807",
		"-9223372036854775808", "1.5", "-2.5e3", "1E-2", "0.1",
		"\"\"", "\"plain\"", "\"é and \\u00e9, \\\"quoted\\\", tab\\t, \\\\, \\/\"",
		"\"\\ud83d\\ude00 emoji\"", "[]", "{}", "[1, [2, [3, []]], {\"a\": {}}]",
		"{\"labour\": \"37.50\", \"material\": 1.7, \"total\": null, \"lines\": 3}",
		"[{\"id\": 4, \"name\": \"Dupont\", \"lead\": true}, {\"id\": 9, \"name\": \"Martin\", "
		    "\"lead\": false}]",
		"  { \"spaced\" :\t[ 1 ,2 ] }\n",
		"{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,"
		    "\"k9\":9,\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,"
		    "\"k16\":16}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		assert_json_packs(texts[i]);
}

/* Refused text leaves the buffer as it was, so the caller's fallback
 * starts clean. */
static void test_json_refused(void **state)
{
	static const char *const texts[] = {
		"", "nul", "[1,", "[1 2]", "{\"a\" 1}", "{\"a\": 1,}", "{a: 1}", "\"open",
		"\"bad \\x escape\"", "\"\\udc00 lone\"", "\"\\ud800 half\"", "01", "1.", "1e",
		"99999999999999999999", "1e999", "{\"a\": 1, \"a\": 2}", "[1] 2", "\"ctrl \x01\"",
		"[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]",
	};
	struct buf b;

	(void)state;
	buf_init(&b);
	pack_int(&b, 7);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		if (pack_json(&b, texts[i], strlen(texts[i])) != -1)
			fail_msg("pack_json took %s", texts[i]);
		assert_int_equal(b.len, 1);
		assert_int_equal(b.data[0], 7);
	}
	buf_free(&b);
}

/* Random trees through their JSON text: whatever rv_to_json writes,
 * pack_json reads as rv_from_json does. */
static struct rv *random_tree(unsigned *seed, int depth)
{
	int kind = rand_r(seed) % (depth > 3 ? 5 : 7);
	struct rv *v;

	switch (kind) {
	case 0: return rv_nil();
	case 1: return rv_bool(rand_r(seed) & 1);
	case 2: return rv_int((int64_t)rand_r(seed) * (rand_r(seed) & 1 ? -1 : 1) * 977);
	case 3: return rv_float((rand_r(seed) % 100000) / 64.0 + 0.5);
	case 4: {
		char s[24];
		int n = rand_r(seed) % 20;

		for (int i = 0; i < n; i++)
			s[i] = "aé\"\\\n\t/x Z0"[rand_r(seed) % 12];
		s[n] = '\0';
		return rv_str(s);
	}
	case 5:
		v = rv_array();
		for (int i = rand_r(seed) % 18; i > 0; i--)
			rv_push(v, random_tree(seed, depth + 1));
		return v;
	default:
		v = rv_map();
		for (int i = rand_r(seed) % 18; i > 0; i--) {
			char key[16];

			snprintf(key, sizeof key, "key%d", rand_r(seed) % 40);
			rv_set(v, key, random_tree(seed, depth + 1));
		}
		return v;
	}
}

static void test_json_random(void **state)
{
	unsigned seed = 20261128;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		struct rv *tree = random_tree(&seed, 0);
		char *text = rv_to_json(tree);

		assert_json_packs(text);
		free(text);
		rv_free(tree);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_strings_and_containers),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_refused),
		cmocka_unit_test(test_json_random),
	};

	setlocale(LC_ALL, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
