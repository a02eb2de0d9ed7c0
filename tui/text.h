/* Text as the terminal shows it: UTF-8 from the wire, wide characters for
 * ncurses, display width in columns (wcwidth), truncation that never
 * splits a wide character, accent-blind matching for filters.
 *
 * Nothing here needs ncurses, so the unit tests check it directly. The
 * protocol is always UTF-8, whatever the locale: we decode it ourselves
 * (bad bytes become U+FFFD) and leave only the display width to the
 * locale's wcwidth. */
#ifndef REGIE_TUI_TEXT_H
#define REGIE_TUI_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

enum text_align { TEXT_LEFT, TEXT_RIGHT, TEXT_CENTER };

/* Chooses the ellipsis and marks by the locale's codeset: "…" in UTF-8,
 * "~" elsewhere. Call after setlocale. */
void text_init(void);
bool text_utf8(void);
/* Characters to use for marks the UI draws: an ellipsis, a bullet, etc.
 * Each is one column wide. */
wchar_t text_ellipsis(void);

/* Decodes one character from *s and advances; returns 0 at the end. */
wchar_t text_next(const char **s);
/* UTF-8 to a malloc'd wide string; *len (if not NULL) gets its length. */
wchar_t *text_to_wide(const char *utf8, size_t *len);
/* Wide (n characters) to malloc'd UTF-8. */
char *text_from_wide(const wchar_t *ws, size_t n);
/* Appends the UTF-8 of c to out (which has room for 4 bytes); returns
 * the bytes written. */
size_t text_put_utf8(char *out, wchar_t c);

/* Columns taken by one character: 0 for combining marks, 2 for wide
 * ones, 1 for anything the locale cannot measure (controls are shown as
 * one replacement column). */
int text_char_width(wchar_t c);
int text_wwidth(const wchar_t *ws, size_t n);
int text_width(const char *utf8);

/* Fits a string into exactly width columns: cut with an ellipsis when it
 * is longer, padded with spaces when shorter (aligned as asked). A wide
 * character that would straddle the cut is replaced by padding, never
 * split. Control characters become '?'. Returns a malloc'd wide string. */
wchar_t *text_wfit(const wchar_t *ws, size_t n, int width, enum text_align align);
wchar_t *text_fit(const char *utf8, int width, enum text_align align);
/* The longest prefix of ws (n characters) that fits in width columns:
 * returns its length in characters. */
size_t text_wprefix(const wchar_t *ws, size_t n, int width);

/* Lower case without accents ("Élagage" -> "elagage", "Œuvre" ->
 * "oeuvre"): the form filters compare. Returns malloc'd UTF-8. */
char *text_fold(const char *utf8);

/* An incremental filter: words separated by spaces, each of which must
 * appear in the (folded) text, in any order. An empty filter matches
 * everything. */
struct text_filter {
	char **words;
	size_t n;
};
void text_filter_set(struct text_filter *f, const char *needle);
void text_filter_clear(struct text_filter *f);
/* folded is text already passed through text_fold. */
bool text_filter_match(const struct text_filter *f, const char *folded);
/* Convenience for one-off tests: folds both sides. */
bool text_matches(const char *text, const char *needle);

/* Word-wraps to lines of at most width columns; words longer than a line
 * are cut. '\n' starts a new line. Returns a malloc'd array of malloc'd
 * lines; *nlines gets the count. */
char **text_wrap(const char *utf8, int width, size_t *nlines);
void text_lines_free(char **lines, size_t n);

#endif
