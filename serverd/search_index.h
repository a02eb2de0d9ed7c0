/* The in-memory search index of assets, kept in regied and fed by
 * events, so that as-you-type search does not scan trigrams in
 * PostgreSQL on every key.
 *
 * It finds what the branches of asset.search's statement find (exact
 * code, code prefix, name prefix, every word anywhere), ranks and orders
 * them as the statement does, and hands asset.c the ids of one page.
 * asset.c reads those rows by id, checking scope and status again, so a
 * row changed in the last instant is dropped rather than shown wrong.
 * Until the index is loaded, and when it is off, asset.c searches in SQL
 * alone. */
#ifndef REGIED_SEARCH_INDEX_H
#define REGIED_SEARCH_INDEX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "method.h"

struct event_base;
struct pool;
struct rv;
struct worker;

/* ---- on the loop ---- */

/* Nothing is loaded before search_index_feed_started(). */
void search_index_init(struct event_base *base, struct pool *pool, bool enabled);
/* The event feed listens (first time or again): what was loaded before
 * may have missed changes, so the index is built again from the
 * database, and swapped in when complete. */
void search_index_feed_started(void);
/* Every event read: an "asset" one schedules a reload of that asset. */
void search_index_event(const struct rv *ev);
/* No more jobs: regied is stopping. */
void search_index_stop(void);
/* Frees the index; after the pool is gone. */
void search_index_free(void);

/* ---- on the workers ---- */

/* What asset.search asks. words are the query's words as asset.c splits
 * them; longest indexes the one that finds the "anywhere" candidates. */
struct search_query {
	const char *query;
	const char *const *words;
	size_t nwords;
	size_t longest;
	int64_t type_id;             /* 0 for any */
	int64_t limit;
	const struct caller *who;
	bool reads_all;              /* else only who->sites */
};

struct search_hit {
	int64_t id;
	int rank;                    /* 0 exact code ... 4 every word somewhere */
};

/* The page of hits in asset.search's order, at most limit. Returns 0
 * and fills *hits (free it) and *n, or -1 when the index is not loaded:
 * search in SQL then. */
int search_index_search(const struct search_query *q, struct search_hit **hits, size_t *n);
/* A call changed these assets and committed: reload them now on the
 * call's own connection, so that its client finds what it just wrote. */
void search_index_committed(struct worker *w, const int64_t *ids, size_t n);

#endif
