/* Error codes: names, SQLSTATE mapping, and the wire error map. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "rerror.h"
#include "rv.h"
#include "wire.h"

static void
test_names(void **state)
{
	static const struct {
		enum rerr code;
		const char *name;
	} names[] = {
		{ RERR_INVALID, "invalid" },
		{ RERR_NOT_FOUND, "not_found" },
		{ RERR_FORBIDDEN, "forbidden" },
		{ RERR_CONFLICT, "conflict" },
		{ RERR_UNAUTHENTICATED, "unauthenticated" },
		{ RERR_THROTTLED, "throttled" },
		{ RERR_UNAVAILABLE, "unavailable" },
		{ RERR_INTERNAL, "internal" },
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_string_equal(rerr_name(names[i].code), names[i].name);
		assert_int_equal(rerr_from_name(names[i].name), names[i].code);
	}
	assert_string_equal(rerr_name(RERR_COUNT), "internal");
	assert_string_equal(rerr_name((enum rerr)-1), "internal");
	assert_string_equal(rerr_name((enum rerr)1000), "internal");
	assert_int_equal(rerr_from_name("Invalid"), RERR_INTERNAL);
	assert_int_equal(rerr_from_name("nonsense"), RERR_INTERNAL);
	assert_int_equal(rerr_from_name(""), RERR_INTERNAL);
	assert_int_equal(rerr_from_name(NULL), RERR_INTERNAL);
}

static void
test_sqlstate(void **state)
{
	static const struct {
		const char *sqlstate;
		enum rerr code;
		int retry;
	} map[] = {
		{ "23505", RERR_CONFLICT, 0 },		/* unique_violation */
		{ "23P01", RERR_CONFLICT, 0 },		/* exclusion_violation */
		{ "23503", RERR_INVALID, 0 },		/* foreign_key_violation */
		{ "23514", RERR_INVALID, 0 },		/* check_violation */
		{ "23502", RERR_INVALID, 0 },		/* not_null_violation */
		{ "22P02", RERR_INVALID, 0 },		/* invalid_text_representation */
		{ "22001", RERR_INVALID, 0 },		/* string_data_right_truncation */
		{ "22003", RERR_INVALID, 0 },		/* numeric_value_out_of_range */
		{ "40001", RERR_CONFLICT, 1 },		/* serialization_failure */
		{ "40P01", RERR_CONFLICT, 1 },		/* deadlock_detected */
		{ "08006", RERR_UNAVAILABLE, 0 },	/* connection_failure */
		{ "08000", RERR_UNAVAILABLE, 0 },
		{ "57P01", RERR_UNAVAILABLE, 0 },	/* admin_shutdown */
		{ "57P02", RERR_UNAVAILABLE, 0 },
		{ "57P03", RERR_UNAVAILABLE, 0 },	/* cannot_connect_now */
		{ "53300", RERR_UNAVAILABLE, 0 },	/* too_many_connections */
		{ "53100", RERR_UNAVAILABLE, 0 },	/* disk_full */
		{ "42501", RERR_FORBIDDEN, 0 },		/* insufficient_privilege */
		{ "P0002", RERR_NOT_FOUND, 0 },		/* no_data_found */
		{ "57014", RERR_INTERNAL, 0 },		/* query_canceled */
		{ "42P01", RERR_INTERNAL, 0 },		/* undefined_table */
		{ "23000", RERR_INTERNAL, 0 },		/* integrity, unspecified */
		{ "40002", RERR_INTERNAL, 0 },
		{ "XX000", RERR_INTERNAL, 0 },
		{ "P0001", RERR_INTERNAL, 0 },		/* raise_exception */
		{ "", RERR_INTERNAL, 0 },
		{ "2350", RERR_INTERNAL, 0 },
		{ "235050", RERR_INTERNAL, 0 },
		{ "22", RERR_INTERNAL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (rerr_from_sqlstate(map[i].sqlstate) != map[i].code)
			fail_msg("%s gives %s, expected %s", map[i].sqlstate,
			    rerr_name(rerr_from_sqlstate(map[i].sqlstate)),
			    rerr_name(map[i].code));
		if (!rerr_sqlstate_retryable(map[i].sqlstate) != !map[i].retry)
			fail_msg("%s retryable is wrong", map[i].sqlstate);
	}
	assert_int_equal(rerr_from_sqlstate(NULL), RERR_UNAVAILABLE);
	assert_false(rerr_sqlstate_retryable(NULL));
}

static void
test_make(void **state)
{
	struct rv *e, *back;
	struct buf b;
	char err[128];

	e = rerr_make(RERR_INVALID, "password", "at least %d characters", 8);
	assert_int_equal(rv_len(e), 3);
	assert_string_equal(rv_path_str(e, "code", ""), "invalid");
	assert_string_equal(rv_path_str(e, "message", ""), "at least 8 characters");
	assert_string_equal(rv_path_str(e, "field", ""), "password");

	/* What a peer receives is the same map. */
	buf_init(&b);
	rpc_encode_response(&b, 3, e, NULL);
	back = wire_decode(b.data, b.len, err, sizeof err);
	assert_non_null(back);
	assert_true(rv_equal(rv_path(back, "2"), e));
	rv_free(back);
	buf_free(&b);
	rv_free(e);

	e = rerr_make(RERR_NOT_FOUND, NULL, "no user %s", "x");
	assert_int_equal(rv_len(e), 2);
	assert_null(rv_get(e, "field"));
	assert_string_equal(rv_path_str(e, "code", ""), "not_found");
	assert_string_equal(rv_path_str(e, "message", ""), "no user x");
	rv_free(e);

	/* A percent in an argument is not a format. */
	e = rerr_make(RERR_CONFLICT, NULL, "%s", "100% taken");
	assert_string_equal(rv_path_str(e, "message", ""), "100% taken");
	rv_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_sqlstate),
		cmocka_unit_test(test_make),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
