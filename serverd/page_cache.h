/* Answers to list calls, kept on the loop until anything changes.
 *
 * Workshop terminals show the same first pages all day, and every
 * change sends their screens back for them. A page asked again with
 * the same arguments by the same session scope is answered from here,
 * with no worker and no round trip to PostgreSQL, until the next change
 * anyone makes: then every page goes at once. Loop thread only. */
#ifndef REGIED_PAGE_CACHE_H
#define REGIED_PAGE_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rv.h"

struct call;

#define PAGE_KEY_BYTES 32

struct page_key {
	unsigned char digest[PAGE_KEY_BYTES];
};

/* max_bytes 0 turns the cache off; max_age_ms bounds how long a page
 * may be answered again when no event says it changed (changes made
 * without regied: psql, a restore; and dates moving on). */
void page_cache_configure(size_t max_bytes, int max_age_ms);

/* Only while the event feed is heard can changes made by another
 * regied be known: the cache is off, and empty, while it is not. */
void page_cache_feed(bool heard);

/* Whether c may be answered from the cache, and its key: the method,
 * the caller's user, roles, services and sites, and the checked
 * arguments. */
bool page_cache_usable(void);
void page_cache_key(const struct call *c, struct page_key *k);

/* Raised by every change: a call that missed takes the generation when
 * it starts, and its page is kept only if it is still the same when the
 * page comes back. */
uint64_t page_cache_generation(void);

/* The encoded result of a page, or NULL. Valid until the next call into
 * the cache. */
const uint8_t *page_cache_find(const struct page_key *k, size_t *len);

/* Keeps a page whose call started at generation gen: if anything
 * changed since, the page may predate it and is not kept. */
void page_cache_store(const struct page_key *k, uint64_t gen, const uint8_t *result, size_t len);

/* Something was written: every page is dropped. */
void page_cache_changed(void);

/* Counters for system.stats. */
struct rv *page_cache_stats(void);

void page_cache_free(void);

#endif
