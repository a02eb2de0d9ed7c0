/* Forms: typed fields and their validation, the params they send, server
 * errors on the field they name, the picker's search, unsaved changes. */
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
#include "tui.h"

static void
type(struct form *f, const char *text)
{
	const char *p = text;
	wchar_t c;

	while ((c = text_next(&p)) != 0)
		assert_int_equal(form_key(f, (int)c), FORM_NONE);
}

static char *
params_json(struct form *f)
{
	struct rv *m = rv_map();
	char *json;

	form_to_params(f, m);
	json = rv_to_json(m);
	rv_free(m);
	return json;
}

static void
test_money(void **state)
{
	static const struct {
		const char *in, *out;
	} good[] = {
		{ "1234", "1234.00" }, { "1234.5", "1234.50" }, { "1 234,50", "1234.50" },
		{ "1.234,50", "1234.50" }, { "1,234.50", "1234.50" }, { "0,05", "0.05" },
		{ ",5", "0.50" }, { "12 \u20ac", "12.00" }, { "1\u202f234,5", "1234.50" },
		{ "007", "7.00" }, { "0", "0.00" }, { "1.234.567", "1234567.00" },
		{ "1,234,567.89", "1234567.89" },
	};
	/* "12,345" is 12.345 to a French reader and 12345 to an English one:
	 * refused rather than guessed. */
	static const char *bad[] = { "", "abc", "12,345", "1,234", "1.2.3x", "-5",
	    "12345678901", "1,2345" };
	char out[32];
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_null(form_parse_money(good[i].in, out, sizeof out));
		assert_string_equal(out, good[i].out);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_non_null(form_parse_money(bad[i], out, sizeof out));
}

static void
test_date_number(void **state)
{
	char out[16];
	long long n;

	assert_null(form_parse_date("28/11/2026", false, out, sizeof out));
	assert_string_equal(out, "2026-11-28");
	assert_null(form_parse_date(" 2026-11-28 ", false, out, sizeof out));
	assert_string_equal(out, "2026-11-28");
	assert_null(form_parse_date("1.2.26", false, out, sizeof out));
	assert_string_equal(out, "2026-02-01");
	assert_null(form_parse_date("11/28/2026", true, out, sizeof out));
	assert_string_equal(out, "2026-11-28");
	assert_null(form_parse_date("29/02/2024", false, out, sizeof out));
	assert_non_null(form_parse_date("29/02/2026", false, out, sizeof out));
	assert_non_null(form_parse_date("31/04/2026", false, out, sizeof out));
	assert_non_null(form_parse_date("11/28/2026", false, out, sizeof out));
	assert_non_null(form_parse_date("demain", false, out, sizeof out));
	assert_non_null(form_parse_date("28/11/2026x", false, out, sizeof out));

	assert_null(form_parse_number(" -42 ", &n));
	assert_int_equal(n, -42);
	assert_non_null(form_parse_number("4 2", &n));
	assert_non_null(form_parse_number("4.2", &n));
	assert_non_null(form_parse_number("99999999999999999999", &n));
	assert_non_null(form_parse_number("-", &n));
}

static const char *
no_spaces(const char *text)
{
	return strchr(text, ' ') != NULL ? "No spaces" : NULL;
}

static struct form *
user_form(void)
{
	struct form *f = form_new();
	struct form_field *fld;

	fld = form_add(f, F_TEXT, "login", "Login");
	fld->required = true;
	fld->maxlen = 8;
	fld->check = no_spaces;
	fld = form_add(f, F_TEXT, "name", "Name");
	fld->required = true;
	fld = form_add(f, F_MULTI, "roles", "Roles");
	fld->required = true;
	form_option_add(fld, 0, "admin", "admin");
	form_option_add(fld, 1, "agent", "agent");
	form_option_add(fld, 2, "viewer", "viewer");
	fld = form_add(f, F_REFS, "sites", "Sites");
	form_option_add(fld, 101, NULL, "H\u00f4tel de ville");
	form_option_add(fld, 102, NULL, "\u00c9cole Jules-Ferry");
	form_option_add(fld, 103, NULL, "Gymnase Pierre-de-Coubertin");
	fld = form_add(f, F_PASSWORD, "password", "Password");
	fld->required = true;
	fld = form_add(f, F_MONEY, "budget", "Budget");
	fld = form_add(f, F_CHOICE, "kind", "Kind");
	form_option_add(fld, 0, "building", "Building");
	form_option_add(fld, 1, "tree", "Tree");
	form_mark_clean(f);
	return f;
}

static void
test_validation(void **state)
{
	struct form *f = user_form();

	/* Nothing typed: the first bad field gets the focus. */
	assert_false(form_validate(f));
	assert_int_equal(f->focus, 0);
	assert_string_equal(form_get(f, "login")->error, "Required");
	assert_string_equal(form_get(f, "roles")->error, "Choose at least one");
	assert_null(form_get(f, "sites")->error);	/* optional */

	/* Typing fixes the error as soon as it is fixed... */
	type(f, "h faure");
	assert_null(form_get(f, "login")->error);
	form_key(f, K_TAB);
	assert_string_equal(form_get(f, "login")->error, "No spaces");
	form_key(f, K_BTAB);
	form_key(f, KCTRL('u'));
	type(f, "hfaure-dupont");
	form_key(f, K_TAB);
	assert_string_equal(form_get(f, "login")->error, "At most 8 characters");
	form_key(f, K_BTAB);
	form_key(f, KCTRL('u'));
	type(f, "hfaure");
	assert_null(form_get(f, "login")->error);

	/* ...and leaving a field checks it. */
	form_key(f, K_TAB);
	assert_int_equal(f->focus, 1);
	form_key(f, K_TAB);
	assert_string_equal(form_get(f, "name")->error, "Required");
	form_key(f, K_BTAB);
	type(f, "H\u00e9l\u00e8ne Faur\u00e9");
	assert_null(form_get(f, "name")->error);

	/* Eight characters, not eight bytes. */
	form_focus(f, "password");
	type(f, "\u00e9t\u00e9\u00e9t\u00e9");
	form_key(f, K_TAB);
	assert_string_equal(form_get(f, "password")->error, "At least 8 characters");
	form_focus(f, "password");
	type(f, "!!");
	assert_null(form_get(f, "password")->error);

	form_focus(f, "budget");
	type(f, "12,345");
	form_key(f, K_TAB);
	assert_non_null(form_get(f, "budget")->error);
	form_focus(f, "budget");
	form_key(f, KCTRL('u'));
	type(f, "1 234,5");
	assert_null(form_get(f, "budget")->error);

	/* Roles still missing. */
	assert_false(form_validate(f));
	assert_int_equal(f->focus, 2);
	form_free(f);
}

static void
test_picker(void **state)
{
	struct form *f = user_form();
	struct form_field *roles = form_get(f, "roles"), *sites = form_get(f, "sites");
	char *json;

	form_focus(f, "roles");
	/* Enter opens the list; Space ticks; Enter takes the choice. */
	assert_int_equal(form_key(f, K_ENTER), FORM_NONE);
	assert_true(f->picker.open);
	assert_int_equal(f->picker.nmatch, 3);
	form_key(f, K_DOWN);
	form_key(f, K_SPACE);
	form_key(f, K_DOWN);
	form_key(f, K_SPACE);
	form_key(f, K_ENTER);
	assert_false(f->picker.open);
	assert_int_equal(roles->nids, 2);

	/* Typing on a reference field searches, accents or not. */
	form_focus(f, "sites");
	form_key(f, 'e');
	assert_true(f->picker.open);
	type(f, "cole");
	assert_int_equal(f->picker.nmatch, 1);
	assert_string_equal(sites->opts[f->picker.match[0]].label, "\u00c9cole Jules-Ferry");
	form_key(f, K_SPACE);
	form_key(f, K_ENTER);
	assert_int_equal(sites->nids, 1);
	assert_int_equal(sites->ids[0], 102);

	/* Esc closes a list without changing the field. */
	form_key(f, K_ENTER);
	form_key(f, K_SPACE);
	form_key(f, K_ESC);
	assert_false(f->picker.open);
	assert_int_equal(sites->nids, 1);

	/* A choice steps with the arrows. */
	form_focus(f, "kind");
	form_key(f, K_RIGHT);
	form_key(f, K_RIGHT);
	json = params_json(f);
	assert_non_null(strstr(json, "\"kind\": \"tree\""));
	/* Roles go in the options' order, sites as ids. */
	assert_non_null(strstr(json, "\"roles\": [\"agent\", \"viewer\"]"));
	assert_non_null(strstr(json, "\"sites\": [102]"));
	free(json);
	form_free(f);
}

static void
test_server_picker(void **state)
{
	struct form *f = form_new();
	struct form_field *fld = form_add(f, F_REF, "user_id", "User"), *got;
	char *query;

	fld->search_server = true;
	form_key(f, 'a');
	/* The screen is asked once per change of the query. */
	assert_true(form_picker_fetch(f, &got, &query));
	assert_ptr_equal(got, fld);
	assert_string_equal(query, "a");
	free(query);
	assert_false(form_picker_fetch(f, &got, &query));
	form_option_merge(fld, 7, "hfaure (H\u00e9l\u00e8ne Faur\u00e9)");
	form_option_merge(fld, 8, "admin (Alice Admin)");
	form_picker_refilter(f);
	assert_int_equal(f->picker.nmatch, 2);	/* "a" is in both */
	form_key(f, 'u');
	assert_true(form_picker_fetch(f, &got, &query));
	assert_string_equal(query, "au");
	free(query);
	assert_int_equal(f->picker.nmatch, 1);
	form_key(f, K_ENTER);
	assert_int_equal(fld->nids, 1);
	assert_int_equal(fld->ids[0], 7);
	/* Renaming an option keeps the choice. */
	form_option_merge(fld, 7, "hfaure");
	assert_int_equal(fld->nopts, 2);
	assert_string_equal(form_option_find(fld, 7)->label, "hfaure");
	form_free(f);
}

static void
test_params_and_errors(void **state)
{
	struct form *f = form_new();
	struct form_field *fld;
	struct rv *user;
	char *json;

	f->month_first = false;		/* a French user */
	fld = form_add(f, F_TEXT, "login", "Login");
	fld->readonly = true;
	form_add(f, F_TEXT, "name", "Name");
	fld = form_add(f, F_TEXT, "email", "E-mail");
	fld->send_empty = true;
	form_add(f, F_TEXT, "note", "Note");
	form_add(f, F_NUMBER, "count", "Count");
	form_add(f, F_DATE, "since", "Since");
	form_add(f, F_BOOL, "disabled", "Disabled");
	fld = form_add(f, F_MULTI, "roles", "Roles");
	form_option_add(fld, 0, "admin", "admin");
	form_option_add(fld, 1, "agent", "agent");

	user = rv_from_json("{login: \"hfaure\", name: \"  H\u00e9l\u00e8ne \", roles: [\"agent\"]}",
	    NULL, 0);
	form_set_text(f, "login", rv_path_str(user, "login", ""));
	form_set_text(f, "name", rv_path_str(user, "name", ""));
	form_set_keys(f, "roles", rv_get(user, "roles"));
	form_set_text(f, "count", "12");
	form_set_text(f, "since", "01/12/2026");
	form_set_bool(f, "disabled", true);
	rv_free(user);
	form_mark_clean(f);
	assert_false(form_dirty(f));

	/* Read-only fields are not sent; text is trimmed; an emptied field
	 * that may be cleared is sent empty, others are left out. */
	json = params_json(f);
	assert_string_equal(json, "{\"name\": \"H\u00e9l\u00e8ne\", \"email\": \"\", "
	    "\"count\": 12, \"since\": \"2026-12-01\", \"disabled\": true, "
	    "\"roles\": [\"agent\"]}");
	free(json);

	form_focus(f, "note");
	type(f, "x");
	assert_true(form_dirty(f));
	form_key(f, K_BS);
	assert_false(form_dirty(f));

	/* The server names a field: the error shows there, with the focus. */
	assert_true(form_set_error(f, "email", "already used"));
	assert_string_equal(form_get(f, "email")->error, "already used");
	assert_ptr_equal(form_focused(f), form_get(f, "email"));
	/* An unknown or read-only field is the form's business. */
	assert_false(form_set_error(f, "login", "taken"));
	assert_false(form_set_error(f, "nosuch", "?"));
	form_clear_errors(f);
	assert_null(form_get(f, "email")->error);
	form_free(f);
}

static const char *
same_passwords(struct form *f)
{
	char *a = form_text(f, "a"), *b = form_text(f, "b");
	const char *r = strcmp(a, b) == 0 ? NULL : "differ";

	free(a);
	free(b);
	return r;
}

static void
test_submit_keys(void **state)
{
	struct form *f = form_new();

	form_add(f, F_PASSWORD, "a", "New")->required = true;
	form_add(f, F_PASSWORD, "b", "Again")->required = true;
	f->check = same_passwords;
	type(f, "longpassword");
	assert_int_equal(form_key(f, K_ENTER), FORM_NONE);	/* next field */
	type(f, "longpassword!");
	assert_int_equal(form_key(f, K_ENTER), FORM_NONE);	/* to [ Save ] */
	assert_int_equal(f->focus, f->n);
	assert_int_equal(form_key(f, K_ENTER), FORM_SUBMIT);
	assert_false(form_validate(f));
	assert_string_equal(f->error, "differ");
	assert_int_equal(form_key(f, K_RIGHT), FORM_NONE);
	assert_int_equal(form_key(f, K_ENTER), FORM_CANCEL);
	assert_int_equal(form_key(f, K_F(2)), FORM_SUBMIT);
	assert_int_equal(form_key(f, K_ESC), FORM_CANCEL);

	/* Without buttons (the login screen), Enter on the last field sends. */
	f->buttons = false;
	f->focus = 0;
	assert_int_equal(form_key(f, K_ENTER), FORM_NONE);
	assert_int_equal(form_key(f, K_ENTER), FORM_SUBMIT);
	form_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money),
		cmocka_unit_test(test_date_number),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_picker),
		cmocka_unit_test(test_server_picker),
		cmocka_unit_test(test_params_and_errors),
		cmocka_unit_test(test_submit_keys),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
