/* Trigrams as PostgreSQL's pg_trgm makes them, and its word similarity,
 * so that regied's search index orders hits exactly as the database
 * would. */
#include <ctype.h>
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <wctype.h>
#include "trigram.h"
#include "xmalloc.h"

void u64s_push(struct u64s *a, uint64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	a->v[a->n++] = x;
}

/* word_similarity() of pg_trgm, which orders hits of one rank, as its
 * documentation defines it: the greatest similarity between the
 * trigrams of the query and those of any continuous extent of the
 * text's trigrams in order; similarity being shared over all distinct
 * trigrams. Trigrams are those of each word (a run of letters and
 * digits, as the database's C.UTF-8 ctype sees them) padded with two
 * spaces before and one after. The texts are folded already. */

static locale_t trigram_ctype;
static pthread_once_t trigram_ctype_once = PTHREAD_ONCE_INIT;

static void trigram_ctype_init(void)
{
	trigram_ctype = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static bool trigram_wordchar(uint32_t cp)
{
	if (cp < 0x80)
		return isalnum((int)cp) != 0;
	return trigram_ctype != (locale_t)0 && iswalnum_l((wint_t)cp, trigram_ctype);
}

/* The next code point of s (NUL-terminated, valid UTF-8), advancing *s. */
static uint32_t utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t cp;
	size_t len;

	if (p[0] < 0x80) {
		cp = p[0];
		len = 1;
	} else if ((p[0] >> 5) == 6 && p[1]) {
		cp = (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
		len = 2;
	} else if ((p[0] >> 4) == 14 && p[1] && p[2]) {
		cp = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
		len = 3;
	} else if ((p[0] >> 3) == 30 && p[1] && p[2] && p[3]) {
		cp = (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 | (p[2] & 0x3fu) << 6 |
		    (p[3] & 0x3fu);
		len = 4;
	} else {
		cp = p[0];
		len = 1;
	}
	*s += len;
	return cp;
}

/* The trigrams of s in order, each three code points packed. */
void trigram_list(const char *s, size_t len, struct u64s *out)
{
	const char *end = s + len;
	uint64_t a = ' ', b = ' ';
	bool in_word = false;

	pthread_once(&trigram_ctype_once, trigram_ctype_init);
	out->n = 0;
	for (;;) {
		bool more = s < end;
		uint32_t cp = more ? utf8_next(&s) : ' ';

		if (more && trigram_wordchar(cp)) {
			if (!in_word) {
				a = b = ' ';
				in_word = true;
			}
			u64s_push(out, a << 42 | b << 21 | cp);
			a = b;
			b = cp;
		} else if (in_word) {
			u64s_push(out, a << 42 | b << 21 | ' ');
			in_word = false;
		}
		if (!more)
			break;
	}
}

int trigram_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* q: the query's distinct trigrams, sorted. */
float trigram_word_similarity(const struct u64s *q, const char *text, size_t len)
{
	struct u64s t = { 0 }, sorted = { 0 };
	uint32_t *id, *seen, epoch = 0;
	bool *in_q;
	float best = 0;

	if (q->n == 0)
		return 0;
	trigram_list(text, len, &t);
	if (t.n == 0) {
		free(t.v);
		return 0;
	}
	/* Each trigram of the text: a small id (equal trigrams, equal ids),
	 * and whether the query has it. */
	for (size_t i = 0; i < t.n; i++)
		u64s_push(&sorted, t.v[i]);
	qsort(sorted.v, sorted.n, sizeof *sorted.v, trigram_cmp);
	id = xcalloc(t.n, sizeof *id);
	seen = xcalloc(t.n, sizeof *seen);
	in_q = xcalloc(t.n, sizeof *in_q);
	for (size_t i = 0; i < t.n; i++) {
		const uint64_t *at = bsearch(&t.v[i], sorted.v, sorted.n, sizeof *sorted.v,
		    trigram_cmp);
		while (at > sorted.v && at[-1] == t.v[i])
			at--;
		id[i] = (uint32_t)(at - sorted.v);
		in_q[i] = bsearch(&t.v[i], q->v, q->n, sizeof *q->v, trigram_cmp) != NULL;
	}
	/* An extent worth having starts and ends on a trigram of the query:
	 * one more trigram of the text alone only lowers the similarity. */
	for (size_t i = 0; i < t.n; i++) {
		size_t count = 0, distinct = 0;

		if (!in_q[i])
			continue;
		epoch++;
		for (size_t j = i; j < t.n; j++) {
			if (seen[id[j]] != epoch) {
				seen[id[j]] = epoch;
				distinct++;
				count += in_q[j];
			}
			if (in_q[j]) {
				float sim = (float)count / (float)(q->n + distinct - count);
				if (sim > best)
					best = sim;
			}
		}
	}
	free(id);
	free(seen);
	free(in_q);
	free(t.v);
	free(sorted.v);
	return best;
}
