/* Parameter checking: what a handler can rely on before it runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "dispatch.h"
#include "rv.h"

static const char *const colours[] = { "red", "green", NULL };

static int noop(struct call *c)
{
	return 0;
}

static const struct method m_test = {
	"test.thing", noop, ROLE_ADMIN, M_MUTATES, "a test", {
		{ "id", P_ID, true, 0, 0, NULL },
		{ "name", P_STR, false, 1, 10, NULL },
		{ "count", P_INT, false, -5, 5, NULL },
		{ "flag", P_BOOL, false, 0, 0, NULL },
		{ "ids", P_IDLIST, false, 0, 3, NULL },
		{ "roles", P_ROLES, false, 0, 0, NULL },
		{ "colour", P_CHOICE, false, 0, 0, colours },
		{ "since", P_TIME, false, 0, 0, NULL },
		{ 0 } }
};

/* Checks text (JSON) against m_test; returns the call for inspection. */
static int check(struct call *c, const char *json)
{
	char err[128];
	struct rv *params;
	int rc;

	memset(c, 0, sizeof *c);
	params = rv_from_json(json, err, sizeof err);
	assert_non_null(params);
	rc = params_check(c, &m_test, params);
	if (rc == 0) {
		/* Arguments point into params: read them before freeing. */
		c->result = params;
	} else {
		rv_free(params);
	}
	return rc;
}

static void done(struct call *c)
{
	call_args_free(c);
	rv_free(c->result);
	c->result = NULL;
}

static void test_valid_call_gives_typed_arguments(void **state)
{
	struct call c;

	assert_int_equal(check(&c, "{id: 7, name: \"Élagage\", count: -5, flag: true, "
	    "ids: [1, 2, 3], roles: [\"agent\", \"viewer\"], colour: \"red\", "
	    "since: \"2026-11-28T18:30:00Z\", request_key: \"k-1\"}"), 0);
	assert_int_equal(arg_int(&c, "id", 0), 7);
	assert_string_equal(arg_str(&c, "name", NULL), "Élagage");
	assert_int_equal(arg_int(&c, "count", 0), -5);
	assert_true(arg_bool(&c, "flag", false));
	assert_int_equal(arg_get(&c, "ids")->n, 3);
	assert_int_equal(arg_get(&c, "ids")->ids[2], 3);
	assert_int_equal(arg_get(&c, "roles")->roles, ROLE_AGENT | ROLE_VIEWER);
	assert_string_equal(arg_str(&c, "colour", NULL), "red");
	assert_string_equal(c.request_key, "k-1");
	assert_false(arg_has(&c, "name") == false);
	done(&c);
}

static void test_missing_required_names_the_field(void **state)
{
	struct call c;

	assert_int_equal(check(&c, "{name: \"x\"}"), -1);
	assert_int_equal(c.err, RERR_INVALID);
	assert_string_equal(c.err_field, "id");
	assert_non_null(strstr(c.err_message, "required"));
	done(&c);
}

static void test_nil_counts_as_absent(void **state)
{
	struct call c;

	assert_int_equal(check(&c, "{id: 1, name: null}"), 0);
	assert_false(arg_has(&c, "name"));
	assert_string_equal(arg_str(&c, "name", "default"), "default");
	done(&c);
}

struct bad_case {
	const char *json;
	const char *field;
};

static void test_wrong_values_are_refused_with_their_field(void **state)
{
	static const struct bad_case cases[] = {
		{ "{id: \"7\"}", "id" },                       /* wrong type */
		{ "{id: 0}", "id" },                           /* ids are positive */
		{ "{id: -3}", "id" },
		{ "{id: 1, name: \"\"}", "name" },             /* too short */
		{ "{id: 1, name: \"abcdefghijk\"}", "name" },  /* 11 bytes > 10 */
		{ "{id: 1, count: 6}", "count" },              /* out of range */
		{ "{id: 1, count: 1.5}", "count" },            /* not an integer */
		{ "{id: 1, flag: 1}", "flag" },
		{ "{id: 1, ids: [1, 2, 3, 4]}", "ids" },       /* too many */
		{ "{id: 1, ids: [1, \"2\"]}", "ids" },
		{ "{id: 1, ids: 5}", "ids" },
		{ "{id: 1, roles: [\"mayor\"]}", "roles" },    /* unknown role */
		{ "{id: 1, roles: []}", "roles" },
		{ "{id: 1, colour: \"blue\"}", "colour" },
		{ "{id: 1, since: \"28/11/2026\"}", "since" },
		{ "{id: 1, since: \"2026-13-01T00:00:00Z\"}", "since" },
		{ "{id: 1, since: \"2026-11-28T18:30:00\"}", "since" },  /* no zone */
		{ "{id: 1, colour2: \"red\"}", "colour2" },    /* unknown parameter */
		{ "{id: 1, request_key: \"\"}", "request_key" },
		{ "{id: 1, request_key: 5}", "request_key" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct call c;

		if (check(&c, cases[i].json) != -1)
			fail_msg("accepted %s", cases[i].json);
		assert_int_equal(c.err, RERR_INVALID);
		if (strcmp(c.err_field, cases[i].field) != 0)
			fail_msg("%s: field '%s', expected '%s'", cases[i].json, c.err_field, cases[i].field);
		assert_true(c.err_message[0] != '\0');
		done(&c);
	}
}

static void test_invalid_utf8_is_refused(void **state)
{
	struct call c;
	struct rv *params = rv_map();

	rv_set_int(params, "id", 1);
	rv_set(params, "name", rv_strn("\xc3\x28", 2));
	memset(&c, 0, sizeof c);
	assert_int_equal(params_check(&c, &m_test, params), -1);
	assert_string_equal(c.err_field, "name");
	call_args_free(&c);
	rv_free(params);
}

static void test_params_must_be_a_map(void **state)
{
	struct call c;
	struct rv *params = rv_array();

	memset(&c, 0, sizeof c);
	assert_int_equal(params_check(&c, &m_test, params), -1);
	assert_int_equal(c.err, RERR_INVALID);
	rv_free(params);
}

static void test_request_key_only_on_mutating_methods(void **state)
{
	static const struct method m_read = {
		"test.read", noop, ROLE_ALL, 0, "a read", { { "id", P_ID, false, 0, 0, NULL }, { 0 } }
	};
	struct call c;
	char err[64];
	struct rv *params = rv_from_json("{request_key: \"k\"}", err, sizeof err);

	memset(&c, 0, sizeof c);
	assert_int_equal(params_check(&c, &m_read, params), -1);
	assert_string_equal(c.err_field, "request_key");
	rv_free(params);
}

static void test_roles_round_trip(void **state)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		assert_int_equal(role_from_name(role_name(1u << i)), 1u << i);
	assert_int_equal(role_from_name("mayor"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_call_gives_typed_arguments),
		cmocka_unit_test(test_missing_required_names_the_field),
		cmocka_unit_test(test_nil_counts_as_absent),
		cmocka_unit_test(test_wrong_values_are_refused_with_their_field),
		cmocka_unit_test(test_invalid_utf8_is_refused),
		cmocka_unit_test(test_params_must_be_a_map),
		cmocka_unit_test(test_request_key_only_on_mutating_methods),
		cmocka_unit_test(test_roles_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
