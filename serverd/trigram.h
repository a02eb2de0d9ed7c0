/* pg_trgm's trigrams and word similarity, computed in regied. */
#ifndef REGIED_TRIGRAM_H
#define REGIED_TRIGRAM_H
#include <stddef.h>
#include <stdint.h>

/* A growing array of uint64. */
struct u64s {
	uint64_t *v;
	size_t n, cap;
};
void u64s_push(struct u64s *a, uint64_t x);

/* The trigrams of the folded text s, in order, each three code points
 * packed in 21 bits apiece. */
void trigram_list(const char *s, size_t len, struct u64s *out);
/* qsort/bsearch order of trigrams. */
int trigram_cmp(const void *a, const void *b);
/* pg_trgm's word_similarity(query, text); q holds the query's distinct
 * trigrams, sorted. */
float trigram_word_similarity(const struct u64s *q, const char *text, size_t len);

#endif
