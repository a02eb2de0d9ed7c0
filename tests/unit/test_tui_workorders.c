/* What the work-order screens share: hours and quantities as people type
 * them and as the wire wants them, hours as people read them, the
 * occupancy as a percentage, dates moved by weeks, the words for
 * statuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "form.h"
#include "rv.h"
#include "text.h"
#include "workorders.h"

static void
test_decimals(void **state)
{
	char buf[32];

	assert_null(wo_parse_decimal("2,5", 2, buf, sizeof buf));
	assert_string_equal(buf, "2.5");
	assert_null(wo_parse_decimal(" 7 ", 2, buf, sizeof buf));
	assert_string_equal(buf, "7");
	assert_null(wo_parse_decimal("0.25", 2, buf, sizeof buf));
	assert_string_equal(buf, "0.25");
	assert_null(wo_parse_decimal("3.", 2, buf, sizeof buf));
	assert_string_equal(buf, "3");
	assert_null(wo_parse_decimal("1,125", 3, buf, sizeof buf));
	assert_string_equal(buf, "1.125");
	assert_non_null(wo_parse_decimal("1,125", 2, buf, sizeof buf));
	assert_non_null(wo_parse_decimal("0", 2, buf, sizeof buf));
	assert_non_null(wo_parse_decimal("-1", 2, buf, sizeof buf));
	assert_non_null(wo_parse_decimal("2h", 2, buf, sizeof buf));
	assert_non_null(wo_parse_decimal("1.2.3", 2, buf, sizeof buf));
	assert_non_null(wo_parse_decimal("", 2, buf, sizeof buf));
	assert_non_null(wo_parse_decimal(",", 2, buf, sizeof buf));
	assert_non_null(wo_parse_decimal("1 2", 2, buf, sizeof buf));
	/* A day has 24 hours; quantities have no such bound. */
	assert_null(wo_check_hours("24"));
	assert_non_null(wo_check_hours("24,5"));
	assert_null(wo_check_quantity("250"));
}

static void
test_hours_text(void **state)
{
	char buf[32];

	assert_string_equal(wo_hours_text("7.00", buf, sizeof buf), "7");
	assert_string_equal(wo_hours_text("2.50", buf, sizeof buf), "2.5");
	assert_string_equal(wo_hours_text("10.25", buf, sizeof buf), "10.25");
	assert_string_equal(wo_hours_text("35.0", buf, sizeof buf), "35");
	assert_string_equal(wo_hours_text("40", buf, sizeof buf), "40");
	assert_string_equal(wo_hours_text("0.00", buf, sizeof buf), "0");
	assert_string_equal(wo_hours_text(NULL, buf, sizeof buf), "");
}

static void
test_percent(void **state)
{
	struct rv *v;

	v = rv_float(0.5);
	assert_int_equal(wo_percent(v), 50);
	rv_free(v);
	v = rv_float(1.2345);
	assert_int_equal(wo_percent(v), 123);
	rv_free(v);
	v = rv_str("0.075");
	assert_int_equal(wo_percent(v), 8);
	rv_free(v);
	v = rv_int(0);
	assert_int_equal(wo_percent(v), 0);
	rv_free(v);
	assert_int_equal(wo_percent(NULL), 0);
}

static void
test_dates(void **state)
{
	char buf[16];

	assert_string_equal(wo_date_add("2026-11-28", 7, buf, sizeof buf), "2026-12-05");
	assert_string_equal(wo_date_add("2026-01-02", -7, buf, sizeof buf), "2025-12-26");
	/* Over a change of summer time, a week is still seven days. */
	assert_string_equal(wo_date_add("2026-03-26", 7, buf, sizeof buf), "2026-04-02");
	assert_string_equal(wo_date_add("2028-02-26", 7, buf, sizeof buf), "2028-03-04");
	assert_int_equal(strlen(wo_today(buf, sizeof buf)), 10);
}

static void
test_words(void **state)
{
	struct rv *wo = rv_from_json("{assignees: [{agent_id: 1, name: \"Paul Martin\"}, "
	    "{agent_id: 2, name: \"Zoé Leroy\"}]}", NULL, 0);
	struct form *f = form_new();
	char *text;

	assert_string_equal(wo_status_text("in_progress"), "in progress");
	assert_string_equal(wo_status_text("on_hold"), "on hold");
	assert_string_equal(wo_status_text("something_new"), "something_new");
	assert_string_equal(wo_priority_text("urgent"), "urgent");
	assert_string_equal(wo_type_text("regulatory"), "regulatory");
	assert_true(wo_is_open("on_hold"));
	assert_false(wo_is_open("done"));
	assert_false(wo_is_open("cancelled"));
	text = wo_assignees_text(wo);
	assert_string_equal(text, "Paul Martin, Zoé Leroy");
	free(text);
	rv_free(wo);
	/* One choice set by its key or id. */
	form_option_add(form_add(f, F_CHOICE, "status", "Status"), 3, "done", "done");
	wo_form_set_key(f, "status", "done");
	assert_int_equal(form_get(f, "status")->nids, 1);
	assert_int_equal(form_get(f, "status")->ids[0], 3);
	form_option_merge(form_add(f, F_REF, "service_id", "Service"), 42, "EV");
	wo_form_set_id(f, "service_id", 42);
	assert_int_equal(form_get(f, "service_id")->ids[0], 42);
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimals),
		cmocka_unit_test(test_hours_text),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_words),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	/* Dates moved across daylight saving time, in a zone that has it. */
	setenv("TZ", "Europe/Paris", 1);
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
