/* Display width, truncation, folding and wrapping of UTF-8 text. */
#include <langinfo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "text.h"
#include "xmalloc.h"

static int text_is_utf8 = -1;

void
text_init(void)
{
	const char *cs = nl_langinfo(CODESET);

	text_is_utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
}

bool
text_utf8(void)
{
	if (text_is_utf8 == -1)
		text_init();
	return text_is_utf8 == 1;
}

wchar_t
text_ellipsis(void)
{
	return text_utf8() ? L'\u2026' : L'~';
}

/* Strict UTF-8: overlong forms, surrogates and truncated sequences each
 * give one U+FFFD for their first byte, so a bad byte never hides the
 * text after it. */
wchar_t
text_next(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	uint32_t c, min;
	int more, i;

	if (s[0] == 0)
		return 0;
	if (s[0] < 0x80) {
		*sp += 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		c = s[0] & 0x1f;
		more = 1;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		c = s[0] & 0x0f;
		more = 2;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		c = s[0] & 0x07;
		more = 3;
		min = 0x10000;
	} else
		goto bad;
	for (i = 1; i <= more; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*sp += more + 1;
	return (wchar_t)c;
bad:
	*sp += 1;
	return 0xfffd;
}

wchar_t *
text_to_wide(const char *utf8, size_t *len)
{
	size_t n = 0;
	const char *p = utf8 != NULL ? utf8 : "";
	wchar_t *ws, c;

	/* A string never has more characters than bytes. */
	ws = xreallocarray(NULL, strlen(p) + 1, sizeof *ws);
	while ((c = text_next(&p)) != 0)
		ws[n++] = c;
	ws[n] = 0;
	if (len != NULL)
		*len = n;
	return ws;
}

size_t
text_put_utf8(char *out, wchar_t wc)
{
	uint32_t c = (uint32_t)wc;

	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

char *
text_from_wide(const wchar_t *ws, size_t n)
{
	char *out = xreallocarray(NULL, n + 1, 4), *p = out;
	size_t i;

	for (i = 0; i < n; i++)
		p += text_put_utf8(p, ws[i]);
	*p = '\0';
	return out;
}

static bool
text_is_control(wchar_t c)
{
	return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

int
text_char_width(wchar_t c)
{
	int w;

	if (text_is_control(c))
		return 1;
	w = wcwidth(c);
	if (w < 0)
		return 1;
	return w;
}

int
text_wwidth(const wchar_t *ws, size_t n)
{
	size_t i;
	int w = 0;

	for (i = 0; i < n; i++)
		w += text_char_width(ws[i]);
	return w;
}

int
text_width(const char *utf8)
{
	const char *p = utf8 != NULL ? utf8 : "";
	wchar_t c;
	int w = 0;

	while ((c = text_next(&p)) != 0)
		w += text_char_width(c);
	return w;
}

size_t
text_wprefix(const wchar_t *ws, size_t n, int width)
{
	size_t i;
	int w = 0, cw;

	for (i = 0; i < n; i++) {
		cw = text_char_width(ws[i]);
		if (w + cw > width)
			break;
		w += cw;
	}
	/* Combining marks that follow belong to the last character kept. */
	while (i < n && !text_is_control(ws[i]) && wcwidth(ws[i]) == 0)
		i++;
	return i;
}

wchar_t *
text_wfit(const wchar_t *ws, size_t n, int width, enum text_align align)
{
	wchar_t *out, *p;
	size_t keep, i;
	int total, used, pad, left;

	if (width < 0)
		width = 0;
	/* Wide characters take two columns, so width characters always suffice
	 * for the text; the padding adds at most width more. */
	out = xreallocarray(NULL, n + (size_t)width + 2, sizeof *out);
	p = out;
	if (width == 0) {
		*p = 0;
		return out;
	}
	total = text_wwidth(ws, n);
	if (total <= width)
		keep = n;
	else
		keep = text_wprefix(ws, n, width - 1);
	used = text_wwidth(ws, keep);
	pad = width - used - (keep < n ? 1 : 0);
	left = align == TEXT_RIGHT ? pad : align == TEXT_CENTER ? pad / 2 : 0;
	if (keep < n)
		left = 0;
	for (i = 0; i < (size_t)left; i++)
		*p++ = L' ';
	for (i = 0; i < keep; i++)
		*p++ = text_is_control(ws[i]) ? L'?' : ws[i];
	if (keep < n) {
		/* The cut may leave one column free before the ellipsis, when the
		 * next character was wide: pad it so columns stay aligned. */
		for (i = 0; i < (size_t)pad; i++)
			*p++ = L' ';
		*p++ = text_ellipsis();
	} else {
		for (i = 0; i < (size_t)(pad - left); i++)
			*p++ = L' ';
	}
	*p = 0;
	return out;
}

wchar_t *
text_fit(const char *utf8, int width, enum text_align align)
{
	size_t n;
	wchar_t *ws = text_to_wide(utf8, &n), *out;

	out = text_wfit(ws, n, width, align);
	free(ws);
	return out;
}

/* Latin-1 and Latin Extended-A letters to their base letter; '.' keeps
 * the character, '*' marks a ligature handled by hand. */
static const char fold_latin1[] =	/* U+00C0 .. U+00FF */
    "aaaaaa*ceeeeiiiidnooooo.ouuuuy.*aaaaaa*ceeeeiiiidnooooo.ouuuuy.y";
static const char fold_latin_a[] =	/* U+0100 .. U+017F */
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkkkllllllllll"
    "nnnnnnnnnoooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

static const char *
text_fold_char(wchar_t c, char *tmp)
{
	char f = 0;

	if (c >= 0xc0 && c <= 0xff)
		f = fold_latin1[c - 0xc0];
	else if (c >= 0x100 && c <= 0x17f)
		f = fold_latin_a[c - 0x100];
	if (f == '*') {
		switch (c) {
		case 0xc6: case 0xe6: return "ae";
		case 0xdf: return "ss";
		case 0x132: case 0x133: return "ij";
		case 0x152: case 0x153: return "oe";
		}
	}
	if (f != 0 && f != '.') {
		tmp[0] = f;
		tmp[1] = '\0';
		return tmp;
	}
	tmp[text_put_utf8(tmp, (wchar_t)towlower((wint_t)c))] = '\0';
	return tmp;
}

char *
text_fold(const char *utf8)
{
	const char *p = utf8 != NULL ? utf8 : "";
	char *out = xmalloc(strlen(p) * 2 + 1), tmp[5];
	size_t len = 0, l;
	const char *f;
	wchar_t c;

	/* Folding never more than doubles a character ("ß" is two bytes and
	 * gives "ss"; "æ" two bytes gives "ae"). */
	while ((c = text_next(&p)) != 0) {
		f = text_fold_char(c, tmp);
		l = strlen(f);
		memcpy(out + len, f, l);
		len += l;
	}
	out[len] = '\0';
	return out;
}

void
text_filter_clear(struct text_filter *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->words[i]);
	free(f->words);
	f->words = NULL;
	f->n = 0;
}

void
text_filter_set(struct text_filter *f, const char *needle)
{
	char *folded, *word, *save = NULL;

	text_filter_clear(f);
	if (needle == NULL)
		return;
	folded = text_fold(needle);
	for (word = strtok_r(folded, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		f->words = xreallocarray(f->words, f->n + 1, sizeof *f->words);
		f->words[f->n++] = xstrdup(word);
	}
	free(folded);
}

bool
text_filter_match(const struct text_filter *f, const char *folded)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (strstr(folded, f->words[i]) == NULL)
			return false;
	}
	return true;
}

bool
text_matches(const char *text, const char *needle)
{
	struct text_filter f = { NULL, 0 };
	char *folded = text_fold(text);
	bool m;

	text_filter_set(&f, needle);
	m = text_filter_match(&f, folded);
	text_filter_clear(&f);
	free(folded);
	return m;
}

static void
text_lines_add(char ***lines, size_t *n, const wchar_t *ws, size_t len)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof **lines);
	(*lines)[(*n)++] = text_from_wide(ws, len);
}

char **
text_wrap(const char *utf8, int width, size_t *nlines)
{
	char **lines = NULL;
	size_t n = 0, len, start, i, brk, cut;
	wchar_t *ws;
	int w;

	if (width < 1)
		width = 1;
	ws = text_to_wide(utf8, &len);
	start = 0;
	while (start < len || (start == len && n == 0)) {
		/* Find the longest run that fits, remembering the last space. */
		w = 0;
		brk = (size_t)-1;
		for (i = start; i < len && ws[i] != L'\n'; i++) {
			if (ws[i] == L' ')
				brk = i;
			if (w + text_char_width(ws[i]) > width)
				break;
			w += text_char_width(ws[i]);
		}
		if (i >= len || ws[i] == L'\n') {
			text_lines_add(&lines, &n, ws + start, i - start);
			start = i + 1;
			if (i >= len)
				break;
			continue;
		}
		if (ws[i] == L' ')
			brk = i;
		if (brk != (size_t)-1 && brk > start)
			cut = brk;
		else
			cut = i > start ? i : start + 1;
		text_lines_add(&lines, &n, ws + start, cut - start);
		start = cut;
		while (start < len && ws[start] == L' ')
			start++;
	}
	free(ws);
	*nlines = n;
	return lines;
}

void
text_lines_free(char **lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}
