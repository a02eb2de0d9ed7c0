/* rv values, their JSON text form, and the byte buffer under both. */
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
#include "rv.h"
#include "xmalloc.h"

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

static void
assert_json_error(const char *text, const char *want)
{
	char err[256] = "untouched";
	struct rv *v;

	v = rv_from_json(text, err, sizeof err);
	if (v != NULL) {
		char *s = rv_to_json(v);

		fail_msg("'%s' was accepted as %s", text, s);
	}
	if (strstr(err, want) == NULL)
		fail_msg("'%s': error '%s', expected '%s'", text, err, want);
}

static void
assert_to_json(const struct rv *v, const char *want)
{
	char *s = rv_to_json(v);

	assert_string_equal(s, want);
	free(s);
}

static void
test_build_and_get(void **state)
{
	struct rv *m, *roles, *user;

	m = rv_map();
	user = rv_set(m, "user", rv_map());
	rv_set_str(user, "login", "jdupont");
	rv_set_int(user, "id", 42);
	rv_set_bool(user, "disabled", false);
	rv_set_nil(user, "email");
	rv_set_str(user, "name", NULL);		/* NULL sets nil */
	roles = rv_set(user, "roles", rv_array());
	rv_push(roles, rv_str("admin"));
	rv_push(roles, rv_str("agent"));

	assert_int_equal(rv_len(m), 1);
	assert_int_equal(rv_len(user), 6);
	assert_int_equal(rv_len(roles), 2);
	assert_int_equal(rv_len(rv_get(user, "id")), 0);
	assert_string_equal(rv_path_str(m, "user.login", ""), "jdupont");
	assert_string_equal(rv_path_str(m, "user.roles.1", ""), "agent");
	assert_null(rv_path(m, "user.roles.2"));
	assert_null(rv_path(m, "user.roles.x"));
	assert_null(rv_path(m, "user.roles.-1"));
	assert_null(rv_path(m, "user.login.x"));
	assert_null(rv_path(m, "nobody"));
	assert_int_equal(rv_path_int(m, "user.id", -1), 42);
	/* Another type gives the default. */
	assert_int_equal(rv_path_int(m, "user.login", -1), -1);
	assert_string_equal(rv_path_str(m, "user.id", "def"), "def");
	assert_true(rv_path_bool(m, "user.email", true));
	assert_false(rv_path_bool(m, "user.disabled", true));
	assert_int_equal(rv_get(user, "name")->type, RV_NIL);
	assert_null(rv_get(roles, "admin"));	/* not a map */

	/* Setting a key again replaces its value, in place. */
	rv_set_int(user, "id", 43);
	assert_int_equal(rv_len(user), 6);
	assert_int_equal(rv_path_int(m, "user.id", -1), 43);
	assert_string_equal(user->m.items[1].key, "id");
	rv_free(m);
	rv_free(NULL);
}

static void
test_equal_and_copy(void **state)
{
	struct rv *a, *b, *c;

	a = json("{x: 1, y: [1, 2, {z: \"é\"}], f: 1.5, n: null, t: true}");
	b = json("{t: true, n: null, f: 1.5, y: [1, 2, {z: \"é\"}], x: 1}");
	assert_true(rv_equal(a, b));	/* map order does not matter */
	c = rv_copy(a);
	assert_true(rv_equal(a, c));
	rv_set_int(c, "x", 2);
	assert_false(rv_equal(a, c));
	assert_int_equal(rv_path_int(a, "x", 0), 1);	/* the copy is deep */
	rv_free(c);

	c = json("[1, 2]");
	assert_false(rv_equal(c, a));
	rv_free(c);
	c = json("{x: 1, y: [1, 2, {z: \"e\"}], f: 1.5, n: null, t: true}");
	assert_false(rv_equal(a, c));
	rv_free(c);
	c = json("{x: 1, y: [1, 2, {z: \"é\"}], f: 1.5, n: null}");
	assert_false(rv_equal(a, c));
	assert_false(rv_equal(c, a));
	rv_free(c);

	/* An integer is not a float, and array order matters. */
	rv_free(b);
	c = rv_int(1);
	b = rv_float(1.0);
	assert_false(rv_equal(c, b));
	rv_free(b);
	rv_free(c);
	b = json("[1, 2]");
	c = json("[2, 1]");
	assert_false(rv_equal(b, c));
	rv_free(b);
	rv_free(c);

	b = rv_strn("a\0b", 3);
	c = rv_strn("a\0c", 3);
	assert_false(rv_equal(b, c));
	rv_free(c);
	c = rv_copy(b);
	assert_true(rv_equal(b, c));
	assert_int_equal(c->s.len, 3);
	rv_free(c);
	c = rv_bin("a\0b", 3);
	assert_false(rv_equal(b, c));	/* binary is not a string */
	rv_free(c);
	rv_free(b);
	assert_true(rv_equal(NULL, NULL));
	assert_false(rv_equal(a, NULL));
	rv_free(a);

	assert_string_equal(rv_type_name(RV_BOOL), "boolean");
	assert_string_equal(rv_type_name(RV_INT), "integer");
	assert_string_equal(rv_type_name(RV_MAP), "map");
}

static void
test_json_parse(void **state)
{
	struct rv *v;

	v = json(" {login: \"marie\", \"quoted key\": 1, n: -12, f: 1.25, e: 1e3, z: 0,\n"
	    "  a: [true, false, null, [], {}], s: \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ \\n\\t\"} ");
	assert_string_equal(rv_path_str(v, "login", ""), "marie");
	assert_int_equal(rv_path_int(v, "quoted key", 0), 1);
	assert_int_equal(rv_get(v, "n")->type, RV_INT);
	assert_int_equal(rv_path_int(v, "n", 0), -12);
	assert_int_equal(rv_get(v, "f")->type, RV_FLOAT);
	assert_true(rv_get(v, "f")->f == 1.25);
	assert_int_equal(rv_get(v, "e")->type, RV_FLOAT);
	assert_true(rv_get(v, "e")->f == 1000.0);
	assert_int_equal(rv_path_int(v, "z", -1), 0);
	assert_true(rv_path_bool(v, "a.0", false));
	assert_int_equal(rv_path(v, "a.2")->type, RV_NIL);
	assert_int_equal(rv_path(v, "a.3")->type, RV_ARRAY);
	assert_int_equal(rv_path(v, "a.4")->type, RV_MAP);
	assert_string_equal(rv_path_str(v, "s", ""),
	    "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \n\t");
	rv_free(v);

	v = json("9223372036854775807");
	assert_int_equal(v->type, RV_INT);
	assert_int_equal(v->i, INT64_MAX);
	rv_free(v);
	v = json("-9223372036854775808");
	assert_int_equal(v->i, INT64_MIN);
	rv_free(v);
	v = json("\"a\\u0000b\"");
	assert_int_equal(v->s.len, 3);
	assert_memory_equal(v->s.ptr, "a\0b", 3);
	rv_free(v);
	v = json("-0.5e-2");
	assert_true(v->type == RV_FLOAT && v->f == -0.005);
	rv_free(v);
	v = json("\"\\u20AC\"");
	assert_string_equal(v->s.ptr, "\xe2\x82\xac");
	rv_free(v);
}

static void
test_json_errors(void **state)
{
	assert_json_error("", "unexpected end");
	assert_json_error("   ", "unexpected end");
	assert_json_error("{", "key expected");
	assert_json_error("{a: 1", "',' or '}' expected");
	assert_json_error("{a 1}", "':' expected");
	assert_json_error("{1: 2}", "key expected");
	assert_json_error("{a-b: 2}", "':' expected");
	assert_json_error("[1,]", "unexpected character ']'");
	assert_json_error("[1 2]", "',' or ']' expected");
	assert_json_error("\"abc", "unterminated string");
	assert_json_error("\"a\tb\"", "control character");
	assert_json_error("\"\\x\"", "bad escape");
	assert_json_error("\"\\u12g4\"", "bad \\u escape");
	assert_json_error("\"\\ud800\"", "surrogate");
	assert_json_error("\"\\ud800\\u0041\"", "surrogate");
	assert_json_error("\"\\udc00\"", "surrogate");
	assert_json_error("tru", "unexpected character 't'");
	assert_json_error("truex", "unexpected character 't'");
	assert_json_error("nil", "unexpected character 'n'");
	assert_json_error("01", "trailing characters");
	assert_json_error("1 2", "trailing characters");
	assert_json_error("-", "bad number");
	assert_json_error("1.", "digit expected after '.'");
	assert_json_error("1e", "digit expected in exponent");
	assert_json_error(".5", "unexpected character '.'");
	assert_json_error("9223372036854775808", "integer out of range");
	assert_json_error("-9223372036854775809", "integer out of range");
	assert_json_error("1e999", "out of range");
	assert_json_error("{a: 1, a: 2}", "duplicate key 'a'");
	assert_json_error("{\"a\": 1, a: 2}", "duplicate key 'a'");
	/* The position is where the trouble is, counted in lines. */
	assert_json_error("{\n  a: 1,\n  b: ?\n}", "line 3 column 6");
	assert_json_error("[1,]", "line 1 column 4");
	/* err may be NULL. */
	assert_null(rv_from_json("[", NULL, 0));
}

static void
test_json_depth(void **state)
{
	char text[300];
	struct rv *v;
	int i;

	for (i = 0; i < 64; i++)
		text[i] = '[';
	for (i = 0; i < 64; i++)
		text[64 + i] = ']';
	text[128] = '\0';
	v = json(text);
	rv_free(v);

	for (i = 0; i < 65; i++)
		text[i] = '[';
	for (i = 0; i < 65; i++)
		text[65 + i] = ']';
	text[130] = '\0';
	assert_json_error(text, "nested too deep");
	for (i = 0; i < 65; i++)
		text[i] = '{';
	text[65] = '\0';
	assert_json_error("{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:"
	    "{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:"
	    "{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:{a:"
	    "{a:1", "nested too deep");
}

static void
test_json_write(void **state)
{
	static const char raw[] = "a\"b\\c\nd\x01\x7f\0/é\t\r\b\f";
	struct rv *v;

	v = rv_strn(raw, sizeof raw - 1);
	assert_to_json(v, "\"a\\\"b\\\\c\\nd\\u0001\\u007f\\u0000/é\\t\\r\\b\\f\"");
	rv_free(v);

	v = json("{b: [1, -2, true, false, null], a: {}, c: []}");
	assert_to_json(v, "{\"b\": [1, -2, true, false, null], \"a\": {}, \"c\": []}");
	rv_free(v);

	v = rv_bin("hello", 5);
	assert_to_json(v, "\"aGVsbG8=\"");
	rv_free(v);
	v = rv_bin("ab", 2);
	assert_to_json(v, "\"YWI=\"");
	rv_free(v);
	v = rv_bin("abc", 3);
	assert_to_json(v, "\"YWJj\"");
	rv_free(v);
	v = rv_bin("\xff\xfe\x00", 3);
	assert_to_json(v, "\"//4A\"");
	rv_free(v);
	v = rv_bin("", 0);
	assert_to_json(v, "\"\"");
	rv_free(v);

	v = rv_float(1.5);
	assert_to_json(v, "1.5");
	v->f = 2.0;
	assert_to_json(v, "2.0");	/* reads back as a float */
	v->f = 0.1;
	assert_to_json(v, "0.1");
	v->f = 1e300;
	assert_to_json(v, "1e+300");
	v->f = -0.0;
	assert_to_json(v, "-0.0");
	rv_free(v);

	v = rv_int(INT64_MIN);
	assert_to_json(v, "-9223372036854775808");
	rv_free(v);
	assert_to_json(NULL, "null");
}

static void
test_json_round_trip(void **state)
{
	static const char *const texts[] = {
		"{\"id\": 42, \"login\": \"éloïse\", \"roles\": [\"admin\", \"viewer\"], "
		    "\"disabled\": false, \"email\": null, \"ratio\": 0.30000000000000004}",
		"[\"\\u0000\\u001f\", \"\\\"\\\\\", \"\xf0\x9f\x98\x80\", -1, 1e-300]",
		"[[[[[]]]], {\"a\": {\"b\": {\"c\": {}}}}]",
		"\"\"",
		"123456789012",
	};
	struct rv *a, *b;
	size_t i;
	char *s;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		a = json(texts[i]);
		s = rv_to_json(a);
		b = json(s);
		if (!rv_equal(a, b))
			fail_msg("%s came back as %s", texts[i], s);
		free(s);
		rv_free(a);
		rv_free(b);
	}
	a = rv_float(0.1 + 0.2);
	s = rv_to_json(a);
	b = json(s);
	assert_int_equal(b->type, RV_FLOAT);
	assert_true(a->f == b->f);
	free(s);
	rv_free(a);
	rv_free(b);
}

/* The client runs under the user's LC_NUMERIC; JSON numbers must not
 * follow it. */
static void
test_json_numbers_ignore_locale(void **state)
{
	struct rv *v;
	char *s;

	if (setlocale(LC_NUMERIC, "fr_FR.UTF-8") == NULL &&
	    setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL)
		skip();
	v = json("[1.5]");
	assert_true(v->a.items[0]->f == 1.5);
	s = rv_to_json(v);
	assert_string_equal(s, "[1.5]");
	free(s);
	rv_free(v);
	setlocale(LC_NUMERIC, "C");
}

static void
test_buf(void **state)
{
	struct buf b;
	char *s, big[5000];

	buf_init(&b);
	s = buf_detach_str(&b);
	assert_string_equal(s, "");
	free(s);

	buf_adds(&b, "abc");
	buf_addc(&b, '-');
	buf_add(&b, "xyz", 2);
	buf_printf(&b, "[%d:%s]", 42, "ok");
	assert_int_equal(b.len, 13);
	assert_memory_equal(b.data, "abc-xy[42:ok]", 13);

	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_printf(&b, "%s|", big);	/* longer than any first guess */
	assert_int_equal(b.len, 13 + 4999 + 1);
	assert_int_equal(b.data[b.len - 1], '|');
	assert_int_equal(b.data[b.len - 2], 'q');

	buf_reset(&b);
	assert_int_equal(b.len, 0);
	buf_adds(&b, "again");
	s = buf_detach_str(&b);
	assert_string_equal(s, "again");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	buf_free(&b);
}

static void
test_xmalloc(void **state)
{
	char *s;
	char buf[8];

	s = xasprintf("%s-%d", "n", 7);
	assert_string_equal(s, "n-7");
	free(s);
	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	s = xstrndup("ab", 10);
	assert_string_equal(s, "ab");
	free(s);
	assert_int_equal(xsnprintf(buf, sizeof buf, "%s", "0123456789"), 7);
	assert_string_equal(buf, "0123456");
	assert_int_equal(xsnprintf(buf, sizeof buf, "%d", 12), 2);
}

/* Taking a key out keeps the others, in their order, and frees what it
 * held (valgrind and ASan see to that). */
static void
test_unset(void **state)
{
	struct rv *m = rv_map();
	char *json;

	(void)state;
	rv_set_str(m, "login", "jmartin");
	rv_push(rv_set(m, "sites", rv_array()), rv_int(4));
	rv_set_bool(m, "disabled", true);
	rv_set_int(m, "version", 3);
	assert_true(rv_unset(m, "disabled"));
	assert_false(rv_unset(m, "disabled"));
	assert_true(rv_unset(m, "sites"));
	json = rv_to_json(m);
	assert_string_equal(json, "{\"login\": \"jmartin\", \"version\": 3}");
	free(json);
	assert_true(rv_unset(m, "version"));
	assert_true(rv_unset(m, "login"));
	assert_int_equal(rv_len(m), 0);
	rv_set_int(m, "after", 1);
	assert_int_equal(rv_path_int(m, "after", 0), 1);
	rv_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_get),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_equal_and_copy),
		cmocka_unit_test(test_json_parse),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_json_depth),
		cmocka_unit_test(test_json_write),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_numbers_ignore_locale),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_xmalloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
