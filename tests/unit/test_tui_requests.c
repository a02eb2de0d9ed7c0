/* Requests in the client: the mark of a request close to or past its
 * target date, weekends skipped; the words for states and urgencies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "requests.h"
#include "rv.h"

enum { SUNDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY };

static enum request_due
due(int64_t days_left, int wday)
{
	struct rv *r = rv_map();
	enum request_due d;

	rv_set_int(r, "days_left", days_left);
	d = request_due_on(r, wday);
	rv_free(r);
	return d;
}

static void
test_due(void **state)
{
	struct rv *r = rv_map();

	(void)state;
	/* Decided: no date to keep any more. */
	rv_set_nil(r, "days_left");
	assert_int_equal(request_due_on(r, MONDAY), DUE_NONE);
	/* The queue says overdue itself. */
	rv_set_bool(r, "overdue", true);
	assert_int_equal(request_due_on(r, MONDAY), DUE_LATE);
	rv_free(r);

	assert_int_equal(due(-1, MONDAY), DUE_LATE);
	assert_int_equal(due(0, MONDAY), DUE_SOON);
	assert_int_equal(due(1, MONDAY), DUE_SOON);
	assert_int_equal(due(2, MONDAY), DUE_NONE);
	/* Friday to Monday: three days, one of them working. */
	assert_int_equal(due(3, FRIDAY), DUE_SOON);
	assert_int_equal(due(4, FRIDAY), DUE_NONE);
	/* Saturday to Monday, Sunday to Monday. */
	assert_int_equal(due(2, SATURDAY), DUE_SOON);
	assert_int_equal(due(1, SUNDAY), DUE_SOON);
	assert_int_equal(due(2, SUNDAY), DUE_NONE);
	assert_int_equal(due(30, MONDAY), DUE_NONE);
}

static void
test_marks(void **state)
{
	(void)state;
	/* Text, so that monochrome terminals show them too. */
	assert_string_equal(request_due_mark(DUE_LATE), "!!");
	assert_string_equal(request_due_mark(DUE_SOON), "!");
	assert_string_equal(request_due_mark(DUE_NONE), "");
	assert_string_equal(request_status_text("needs_info"), "needs info");
	assert_string_equal(request_urgency_text("urgent"), "urgent");
}

static void
test_where(void **state)
{
	struct rv *r = rv_map();
	char *w;

	(void)state;
	rv_set_str(r, "site_code", "EC-JAURES");
	rv_set_str(r, "site_name", "École Jean-Jaurès");
	w = request_where(r);
	assert_string_equal(w, "EC-JAURES École Jean-Jaurès");
	free(w);
	/* An asset says more than its site. */
	rv_set_str(r, "asset_code", "BAT-000012");
	rv_set_str(r, "asset_name", "Cantine");
	w = request_where(r);
	assert_string_equal(w, "BAT-000012 Cantine");
	free(w);
	rv_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_where),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
