/* regied's trigrams must order search hits exactly as pg_trgm would: the
 * expected values are those of PostgreSQL's own documentation and of
 * pg_trgm run on the same texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "trigram.h"

static float word_similarity(const char *query, const char *text)
{
	struct u64s q = { 0 };
	size_t u = 0;
	float sim;

	trigram_list(query, strlen(query), &q);
	qsort(q.v, q.n, sizeof *q.v, trigram_cmp);
	for (size_t i = 0; i < q.n; i++) {
		if (u == 0 || q.v[u - 1] != q.v[i])
			q.v[u++] = q.v[i];
	}
	q.n = u;
	sim = trigram_word_similarity(&q, text, strlen(text));
	free(q.v);
	return sim;
}

static void test_documented_examples(void **state)
{
	/* "word_similarity('word', 'two words') → 0.8" (pg_trgm docs). */
	assert_float_equal(word_similarity("word", "two words"), 0.8f, 1e-6);
	assert_float_equal(word_similarity("word", "word"), 1.0f, 1e-6);
	assert_float_equal(word_similarity("word", "xyz"), 0.0f, 1e-6);
}

static void test_trigrams_of_words(void **state)
{
	struct u64s t = { 0 };

	/* "  c", " ca", "cat", "at " for one word of three letters. */
	trigram_list("cat", 3, &t);
	assert_int_equal(t.n, 4);
	/* Punctuation separates words; each word is padded on its own. */
	trigram_list("a-b", 3, &t);
	assert_int_equal(t.n, 4);
	/* Accented letters are letters (the texts come folded, but names
	 * from elsewhere may not). */
	trigram_list("été", strlen("été"), &t);
	assert_int_equal(t.n, 4);
	free(t.v);
}

static void test_order_follows_closeness(void **state)
{
	float exact = word_similarity("tilleul", "tilleul des ecoles");
	float near = word_similarity("tilleul", "tilleuls du parc");
	float far = word_similarity("tilleul", "platane du parc");

	/* pg_trgm gives 1, 0.875 and 0 for these. */
	assert_float_equal(exact, 1.0f, 1e-6);
	assert_float_equal(near, 0.875f, 1e-6);
	assert_float_equal(far, 0.0f, 1e-6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documented_examples),
		cmocka_unit_test(test_trigrams_of_words),
		cmocka_unit_test(test_order_follows_closeness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
