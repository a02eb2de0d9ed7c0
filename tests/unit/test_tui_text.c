/* The client's text: display width, truncation, folding, filters and
 * wrapping, as a person sees them in a UTF-8 terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lineedit.h"
#include "text.h"
#include "tui.h"

/* A fitted string as UTF-8, for readable assertions. */
static char *
fit(const char *s, int width, enum text_align align)
{
	size_t n;
	wchar_t *w = text_fit(s, width, align);
	char *out;

	n = wcslen(w);
	out = text_from_wide(w, n);
	free(w);
	return out;
}

static void
assert_fit(const char *s, int width, enum text_align align, const char *want)
{
	char *got = fit(s, width, align);

	assert_string_equal(got, want);
	/* Whatever the text, the result takes exactly the width asked. */
	assert_int_equal(text_width(got), width);
	free(got);
}

static void
test_width(void **state)
{
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("Hotel"), 5);
	/* Accents are one column each, though two bytes. */
	assert_int_equal(text_width("H\u00f4tel de ville"), 14);
	assert_int_equal(strlen("H\u00f4tel de ville"), 15);
	assert_int_equal(text_width("\u00c9lagage"), 7);
	/* A combining accent takes no column of its own. */
	assert_int_equal(text_width("E\u0301lagage"), 7);
	/* CJK is two columns a character. */
	assert_int_equal(text_width("\u65e5\u672c"), 4);
	/* A control character shows as one replacement column. */
	assert_int_equal(text_width("a\tb"), 3);
	/* Bad UTF-8 never hides what follows it. */
	assert_int_equal(text_width("a\xff" "b"), 3);
	assert_int_equal(text_width(NULL), 0);
}

static void
test_decode(void **state)
{
	const char *p = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc0\xaf!";

	assert_int_equal(text_next(&p), 0xe9);
	assert_int_equal(text_next(&p), 0x20ac);
	assert_int_equal(text_next(&p), 0x1f600);
	/* An overlong slash is refused byte by byte. */
	assert_int_equal(text_next(&p), 0xfffd);
	assert_int_equal(text_next(&p), 0xfffd);
	assert_int_equal(text_next(&p), '!');
	assert_int_equal(text_next(&p), 0);
}

static void
test_fit(void **state)
{
	assert_fit("Hotel", 8, TEXT_LEFT, "Hotel   ");
	assert_fit("Hotel", 8, TEXT_RIGHT, "   Hotel");
	assert_fit("Hotel", 7, TEXT_CENTER, " Hotel ");
	assert_fit("Hotel", 5, TEXT_LEFT, "Hotel");
	assert_fit("H\u00f4tel de ville", 8, TEXT_LEFT, "H\u00f4tel d\u2026");
	assert_fit("Gymnase Pierre-de-Coubertin", 12, TEXT_LEFT, "Gymnase Pie\u2026");
	/* Cut text is never aligned right: its start is what matters. */
	assert_fit("\u00c9lagage des platanes", 9, TEXT_RIGHT, "\u00c9lagage \u2026");
	assert_fit("x", 0, TEXT_LEFT, "");
	assert_fit("abc", 1, TEXT_LEFT, "\u2026");
}

static void
test_fit_wide(void **state)
{
	/* Three wide characters, six columns, in five: two characters, the
	 * third would straddle the cut, so a space pads before the ellipsis. */
	assert_fit("\u65e5\u672c\u8a9e", 5, TEXT_LEFT, "\u65e5\u672c\u2026");
	assert_fit("\u65e5\u672c\u8a9e", 4, TEXT_LEFT, "\u65e5 \u2026");
	assert_fit("\u65e5\u672c\u8a9e", 6, TEXT_LEFT, "\u65e5\u672c\u8a9e");
	assert_fit("a\u65e5", 2, TEXT_LEFT, "a\u2026");
	/* A combining mark stays with its letter when the cut is after it. */
	assert_fit("E\u0301lagage", 2, TEXT_LEFT, "E\u0301\u2026");
}

static void
test_columns_align(void **state)
{
	/* Names with and without accents line up in a column. */
	static const char *names[] = {
		"H\u00f4tel de ville", "Hotel de ville", "\u00c9cole Jules-Ferry",
		"Gymnase Pierre-de-Coubertin",
	};
	size_t i;
	char *a;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		a = fit(names[i], 16, TEXT_LEFT);
		assert_int_equal(text_width(a), 16);
		free(a);
	}
}

static void
test_fold(void **state)
{
	char *f;

	f = text_fold("\u00c9lagage \u00e0 l'\u00c9cole");
	assert_string_equal(f, "elagage a l'ecole");
	free(f);
	f = text_fold("H\u00e9l\u00e8ne Faur\u00e9 \u0152UVRE \u00e6 stra\u00dfe \u00c7a");
	assert_string_equal(f, "helene faure oeuvre ae strasse ca");
	free(f);
	f = text_fold("\u0141\u00f3d\u017a \u0160koda");
	assert_string_equal(f, "lodz skoda");
	free(f);
}

static void
test_filter(void **state)
{
	struct text_filter tf = { NULL, 0 };
	char *hay = text_fold("hfaure\x1fH\u00e9l\u00e8ne Faur\u00e9\x1f" "agent");

	assert_true(text_matches("H\u00e9l\u00e8ne Faur\u00e9", "helene"));
	assert_true(text_matches("H\u00e9l\u00e8ne Faur\u00e9", "FAUR\u00c9"));
	assert_true(text_matches("H\u00e9l\u00e8ne Faur\u00e9", ""));
	assert_false(text_matches("H\u00e9l\u00e8ne Faur\u00e9", "helena"));

	/* Words match in any order, each anywhere. */
	text_filter_set(&tf, "  faure   hel ");
	assert_int_equal(tf.n, 2);
	assert_true(text_filter_match(&tf, hay));
	text_filter_set(&tf, "faure admin");
	assert_false(text_filter_match(&tf, hay));
	text_filter_set(&tf, NULL);
	assert_true(text_filter_match(&tf, hay));
	text_filter_clear(&tf);
	free(hay);
}

static void
test_wrap(void **state)
{
	char **l;
	size_t n, i;

	l = text_wrap("Changes typed in a form are not saved. Quit anyway?", 20, &n);
	assert_int_equal(n, 3);
	assert_string_equal(l[0], "Changes typed in a");
	assert_string_equal(l[1], "form are not saved.");
	assert_string_equal(l[2], "Quit anyway?");
	for (i = 0; i < n; i++)
		assert_true(text_width(l[i]) <= 20);
	text_lines_free(l, n);

	/* A word longer than a line is cut; newlines are kept. */
	l = text_wrap("abcdefghij\n\u00e9t\u00e9", 4, &n);
	assert_int_equal(n, 4);
	assert_string_equal(l[0], "abcd");
	assert_string_equal(l[1], "efgh");
	assert_string_equal(l[2], "ij");
	assert_string_equal(l[3], "\u00e9t\u00e9");
	text_lines_free(l, n);

	l = text_wrap("", 10, &n);
	assert_int_equal(n, 1);
	assert_string_equal(l[0], "");
	text_lines_free(l, n);
}

static void
test_lineedit(void **state)
{
	struct lineedit le;
	bool changed;
	char *s;
	const char *p;

	lineedit_init(&le, 0);
	for (p = "H\u00e9l\u00e8ne"; *p != '\0';)
		lineedit_key(&le, (int)text_next(&p), &changed);
	assert_true(changed);
	s = lineedit_text(&le);
	assert_string_equal(s, "H\u00e9l\u00e8ne");
	free(s);
	/* Backspace removes a character, not a byte. */
	lineedit_key(&le, K_BS, &changed);
	lineedit_key(&le, K_HOME, &changed);
	assert_false(changed);
	lineedit_key(&le, K_DEL, &changed);
	s = lineedit_text(&le);
	assert_string_equal(s, "\u00e9l\u00e8n");
	free(s);
	lineedit_key(&le, KCTRL('e'), &changed);
	lineedit_key(&le, ' ', &changed);
	lineedit_key(&le, 'x', &changed);
	lineedit_key(&le, KCTRL('w'), &changed);
	s = lineedit_text(&le);
	assert_string_equal(s, "\u00e9l\u00e8n ");
	free(s);
	lineedit_key(&le, KCTRL('u'), &changed);
	assert_true(lineedit_empty(&le));
	/* Function keys are not text. */
	assert_false(lineedit_key(&le, K_F(2), &changed));

	/* The cursor always shows in the field: scrolled to, one column free. */
	lineedit_set(&le, "0123456789abcdef");
	assert_int_equal(lineedit_place(&le, 10), 9);
	assert_int_equal(le.scroll, 7);
	lineedit_free(&le);

	/* A limit is a limit. */
	lineedit_init(&le, 3);
	lineedit_set(&le, "abcdef");
	assert_int_equal(le.len, 3);
	lineedit_key(&le, 'z', &changed);
	assert_int_equal(le.len, 3);
	lineedit_free(&le);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fit_wide),
		cmocka_unit_test(test_columns_align),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_lineedit),
	};

	/* wcwidth needs a UTF-8 locale; the terminal's is not ours here. */
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		fprintf(stderr, "no C.UTF-8 locale\n");
		return 1;
	}
	text_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
