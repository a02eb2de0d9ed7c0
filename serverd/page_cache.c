/* The page cache: a hash of encoded results with an LRU list and a byte
 * budget, emptied whenever anything changes.
 *
 * Dropping every page on every change is coarse, and on purpose: which
 * pages a change touches depends on joins, costs summed from lines and
 * the caller's scope, and a wrong guess would show a stale page. A city
 * writes a few times a second at most; its terminals read far more
 * often than that. A page is never answered after the change that made
 * it stale has been acknowledged to anyone: local writes raise the
 * generation before their answer leaves, and other instances' changes
 * before their event is delivered. */
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "dispatch.h"
#include "page_cache.h"
#include "xmalloc.h"

struct page {
	struct page_key key;
	struct page *chain;
	TAILQ_ENTRY(page) lru;
	int64_t born_ms;
	size_t len;
	uint8_t bytes[];
};
TAILQ_HEAD(page_list, page);

static struct {
	size_t max_bytes;
	int max_age_ms;
	bool heard;
	uint64_t generation;
	struct page **buckets;
	size_t nbuckets;             /* a power of two */
	struct page_list lru;        /* most recently used first */
	size_t bytes, count;
	uint64_t hits, misses, stored, dropped, evicted, expired;
} pc = { .lru = TAILQ_HEAD_INITIALIZER(pc.lru) };

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t bucket_of(const struct page_key *k, size_t nbuckets)
{
	uint64_t h;

	memcpy(&h, k->digest, sizeof h);
	return (size_t)(h & (nbuckets - 1));
}

static struct page **page_slot(const struct page_key *k)
{
	struct page **slot;

	if (pc.nbuckets == 0)
		return NULL;
	slot = &pc.buckets[bucket_of(k, pc.nbuckets)];
	while (*slot != NULL && memcmp((*slot)->key.digest, k->digest, PAGE_KEY_BYTES) != 0)
		slot = &(*slot)->chain;
	return slot;
}

static void page_remove(struct page **slot)
{
	struct page *p = *slot;

	*slot = p->chain;
	TAILQ_REMOVE(&pc.lru, p, lru);
	pc.bytes -= p->len;
	pc.count--;
	free(p);
}

static void page_remove_oldest(void)
{
	struct page *p = TAILQ_LAST(&pc.lru, page_list);

	page_remove(page_slot(&p->key));
	pc.evicted++;
}

static void pages_drop_all(void)
{
	pc.dropped += pc.count;
	for (size_t i = 0; i < pc.nbuckets; i++) {
		while (pc.buckets[i] != NULL)
			page_remove(&pc.buckets[i]);
	}
}

/* One bucket per page on average keeps chains short whatever the pages
 * weigh: a few big asset pages or many small category lists. */
static void buckets_grow(void)
{
	size_t n = pc.nbuckets ? pc.nbuckets * 2 : 256;
	struct page **b = xcalloc(n, sizeof *b);

	for (size_t i = 0; i < pc.nbuckets; i++) {
		struct page *p = pc.buckets[i], *next;
		for (; p != NULL; p = next) {
			size_t to = bucket_of(&p->key, n);
			next = p->chain;
			p->chain = b[to];
			b[to] = p;
		}
	}
	free(pc.buckets);
	pc.buckets = b;
	pc.nbuckets = n;
}

void page_cache_configure(size_t max_bytes, int max_age_ms)
{
	pc.max_bytes = max_bytes;
	pc.max_age_ms = max_age_ms;
	pc.generation++;
	pages_drop_all();
}

void page_cache_feed(bool heard)
{
	pc.heard = heard;
	page_cache_changed();
}

bool page_cache_usable(void)
{
	return pc.heard && pc.max_bytes > 0;
}

void page_cache_key(const struct call *c, struct page_key *k)
{
	crypto_generichash_state st;
	unsigned char params[PARAMS_DIGEST_BYTES];
	uint64_t n;

	crypto_generichash_init(&st, NULL, 0, PAGE_KEY_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)c->method->name,
	    strlen(c->method->name) + 1);
	crypto_generichash_update(&st, (const unsigned char *)&c->who.user_id,
	    sizeof c->who.user_id);
	crypto_generichash_update(&st, (const unsigned char *)&c->who.roles, sizeof c->who.roles);
	n = c->who.nservices;
	crypto_generichash_update(&st, (const unsigned char *)&n, sizeof n);
	if (n > 0)
		crypto_generichash_update(&st, (const unsigned char *)c->who.services,
		    n * sizeof *c->who.services);
	n = c->who.nsites;
	crypto_generichash_update(&st, (const unsigned char *)&n, sizeof n);
	if (n > 0)
		crypto_generichash_update(&st, (const unsigned char *)c->who.sites,
		    n * sizeof *c->who.sites);
	call_params_digest(c, params);
	crypto_generichash_update(&st, params, sizeof params);
	crypto_generichash_final(&st, k->digest, PAGE_KEY_BYTES);
}

uint64_t page_cache_generation(void)
{
	return pc.generation;
}

const uint8_t *page_cache_find(const struct page_key *k, size_t *len)
{
	struct page **slot = page_slot(k), *p;

	if (slot == NULL || *slot == NULL) {
		pc.misses++;
		return NULL;
	}
	p = *slot;
	if (now_ms() - p->born_ms >= pc.max_age_ms) {
		page_remove(slot);
		pc.expired++;
		pc.misses++;
		return NULL;
	}
	TAILQ_REMOVE(&pc.lru, p, lru);
	TAILQ_INSERT_HEAD(&pc.lru, p, lru);
	pc.hits++;
	*len = p->len;
	return p->bytes;
}

void page_cache_store(const struct page_key *k, uint64_t gen, const uint8_t *result, size_t len)
{
	struct page **slot, *p;

	/* One page may not crowd out the rest. */
	if (!page_cache_usable() || gen != pc.generation || len > pc.max_bytes / 8)
		return;
	slot = page_slot(k);
	if (slot != NULL && *slot != NULL)
		page_remove(slot);          /* two misses raced; the later page is as good */
	while (pc.count > 0 && pc.bytes + len > pc.max_bytes)
		page_remove_oldest();
	if (pc.count >= pc.nbuckets)
		buckets_grow();
	p = xmalloc(sizeof *p + len);
	p->key = *k;
	p->born_ms = now_ms();
	p->len = len;
	memcpy(p->bytes, result, len);
	slot = &pc.buckets[bucket_of(k, pc.nbuckets)];
	p->chain = *slot;
	*slot = p;
	TAILQ_INSERT_HEAD(&pc.lru, p, lru);
	pc.bytes += len;
	pc.count++;
	pc.stored++;
}

void page_cache_changed(void)
{
	pc.generation++;
	if (pc.count > 0)
		pages_drop_all();
}

struct rv *page_cache_stats(void)
{
	struct rv *r = rv_map();

	rv_set_bool(r, "on", page_cache_usable());
	rv_set_int(r, "pages", (int64_t)pc.count);
	rv_set_int(r, "bytes", (int64_t)pc.bytes);
	rv_set_int(r, "max_bytes", (int64_t)pc.max_bytes);
	rv_set_int(r, "hits", (int64_t)pc.hits);
	rv_set_int(r, "misses", (int64_t)pc.misses);
	rv_set_int(r, "stored", (int64_t)pc.stored);
	rv_set_int(r, "dropped", (int64_t)pc.dropped);
	rv_set_int(r, "evicted", (int64_t)pc.evicted);
	rv_set_int(r, "expired", (int64_t)pc.expired);
	return r;
}

void page_cache_free(void)
{
	pages_drop_all();
	free(pc.buckets);
	pc.buckets = NULL;
	pc.nbuckets = 0;
}
