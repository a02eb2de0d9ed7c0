/* The page cache alone: a page is found until a change, a page made
 * before a change is never kept, nothing is kept while the event feed is
 * down, the byte budget evicts the least recently used page, and the key
 * tells callers and arguments apart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "method.h"
#include "page_cache.h"
#include "rv.h"

static struct page_key key_of(unsigned n)
{
	struct page_key k;

	/* Spread like a digest: the low bits pick the bucket. */
	memset(&k, 0, sizeof k);
	for (size_t i = 0; i < sizeof k.digest; i++)
		k.digest[i] = (unsigned char)((n * 2654435761u) >> (8 * (i % 4))) ^ (unsigned char)i;
	memcpy(k.digest + 24, &n, sizeof n);
	return k;
}

static void store(unsigned n, const char *text)
{
	struct page_key k = key_of(n);

	page_cache_store(&k, page_cache_generation(), (const uint8_t *)text, strlen(text));
}

/* The page for n as text, or NULL. */
static char *find(unsigned n)
{
	struct page_key k = key_of(n);
	size_t len;
	const uint8_t *p = page_cache_find(&k, &len);
	char *s;

	if (p == NULL)
		return NULL;
	s = malloc(len + 1);
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

static void assert_page(unsigned n, const char *expected)
{
	char *got = find(n);

	if (expected == NULL) {
		if (got != NULL)
			fail_msg("page %u: found \"%s\", expected none", n, got);
		return;
	}
	if (got == NULL || strcmp(got, expected) != 0)
		fail_msg("page %u: found \"%s\", expected \"%s\"", n, got ? got : "(none)", expected);
	free(got);
}

static int64_t stat_of(const char *name)
{
	struct rv *r = page_cache_stats();
	int64_t v = rv_path_int(r, name, -1);

	rv_free(r);
	return v;
}

static int setup(void **state)
{
	(void)state;
	page_cache_configure(1 << 20, 60000);
	page_cache_feed(true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	page_cache_free();
	return 0;
}

static void test_found_until_a_change(void **state)
{
	(void)state;
	store(1, "first page of assets");
	store(2, "first page of requests");
	assert_page(1, "first page of assets");
	assert_page(2, "first page of requests");
	assert_page(3, NULL);
	assert_int_equal(stat_of("pages"), 2);

	page_cache_changed();
	assert_page(1, NULL);
	assert_page(2, NULL);
	assert_int_equal(stat_of("pages"), 0);
	assert_int_equal(stat_of("bytes"), 0);
}

static void test_page_from_before_a_change_is_not_kept(void **state)
{
	struct page_key k = key_of(7);
	uint64_t started = page_cache_generation();

	(void)state;
	page_cache_changed();              /* a write finished while the read ran */
	page_cache_store(&k, started, (const uint8_t *)"old", 3);
	assert_page(7, NULL);

	started = page_cache_generation();
	page_cache_store(&k, started, (const uint8_t *)"new", 3);
	assert_page(7, "new");
}

static void test_nothing_kept_while_the_feed_is_down(void **state)
{
	(void)state;
	store(1, "kept");
	page_cache_feed(false);
	assert_false(page_cache_usable());
	assert_page(1, NULL);
	store(1, "not kept");
	page_cache_feed(true);
	assert_true(page_cache_usable());
	assert_page(1, NULL);
	store(1, "kept again");
	assert_page(1, "kept again");

	page_cache_configure(0, 60000);
	assert_false(page_cache_usable());
}

static void test_budget_evicts_the_least_recently_used(void **state)
{
	char page[901];

	(void)state;
	page_cache_configure(8000, 60000);
	memset(page, 'x', 900);
	page[900] = '\0';
	for (unsigned n = 0; n < 8; n++) {
		page[0] = (char)('a' + n);
		store(n, page);
	}
	assert_int_equal(stat_of("pages"), 8);
	/* Page 0 is read again: page 1 is now the oldest. */
	page[0] = 'a';
	assert_page(0, page);
	page[0] = 'z';
	store(8, page);
	assert_int_equal(stat_of("evicted"), 1);
	assert_page(1, NULL);
	page[0] = 'a';
	assert_page(0, page);
	page[0] = 'z';
	assert_page(8, page);
	assert_true(stat_of("bytes") <= 8000);

	/* One page may not take more than an eighth. */
	{
		char big[1002];
		memset(big, 'y', 1001);
		big[1001] = '\0';
		store(9, big);
		assert_page(9, NULL);
		big[1000] = '\0';
		store(9, big);
		assert_page(9, big);
	}
}

static void test_many_pages(void **state)
{
	char text[32];

	(void)state;
	for (unsigned n = 0; n < 20000; n++) {
		snprintf(text, sizeof text, "page %u", n);
		store(n, text);
	}
	assert_int_equal(stat_of("pages"), 20000);
	for (unsigned n = 0; n < 20000; n += 997) {
		snprintf(text, sizeof text, "page %u", n);
		assert_page(n, text);
	}
	/* Stored twice: the later page replaces the first. */
	store(5, "page five again");
	assert_page(5, "page five again");
	assert_int_equal(stat_of("pages"), 20000);
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_pages_expire(void **state)
{
	int64_t start;

	(void)state;
	page_cache_configure(1 << 20, 5);
	store(1, "soon stale");
	assert_page(1, "soon stale");
	/* Waits on the clock, not a fixed sleep: at most a second. */
	start = monotonic_ms();
	while (monotonic_ms() - start < 6) {
		struct timespec ms = { 0, 1000000 };
		if (monotonic_ms() - start > 1000)
			fail_msg("the monotonic clock did not move");
		nanosleep(&ms, NULL);
	}
	assert_page(1, NULL);
	assert_int_equal(stat_of("expired"), 1);
}

static const struct param list_params[] = {
	{ "status", P_STR, false, 0, 0, NULL },
	{ "limit", P_INT, false, 1, 500, NULL },
	{ 0 },
};

static void call_init(struct call *c, const struct method *m, int64_t user, int64_t *sites,
    size_t nsites, struct rv *limit)
{
	memset(c, 0, sizeof *c);
	c->method = m;
	c->who.user_id = user;
	c->who.roles = ROLE_REFERENT;
	c->who.sites = sites;
	c->who.nsites = nsites;
	c->args[1].present = limit != NULL;
	c->args[1].raw = limit;
}

static void test_key_tells_callers_and_arguments_apart(void **state)
{
	struct method list = { .name = "site.list", .flags = M_PAGE };
	struct method other = { .name = "asset.list", .flags = M_PAGE };
	int64_t north[] = { 4 }, south[] = { 5 }, both[] = { 4, 5 };
	struct rv *fifty = rv_int(50), *ten = rv_int(10);
	struct page_key base, k;
	struct call c;

	(void)state;
	memcpy(list.params, list_params, sizeof list_params);
	memcpy(other.params, list_params, sizeof list_params);
	call_init(&c, &list, 12, north, 1, fifty);
	page_cache_key(&c, &base);
	page_cache_key(&c, &k);
	assert_memory_equal(base.digest, k.digest, PAGE_KEY_BYTES);

#define ASSERT_OTHER_KEY(m, user, sites, n, limit, why) do {			\
		call_init(&c, m, user, sites, n, limit);			\
		page_cache_key(&c, &k);						\
		if (memcmp(base.digest, k.digest, PAGE_KEY_BYTES) == 0)		\
			fail_msg("the same key for %s", why);			\
	} while (0)
	ASSERT_OTHER_KEY(&list, 12, south, 1, fifty, "another site");
	ASSERT_OTHER_KEY(&list, 12, both, 2, fifty, "a wider scope");
	ASSERT_OTHER_KEY(&list, 13, north, 1, fifty, "another user");
	ASSERT_OTHER_KEY(&list, 12, north, 1, ten, "another limit");
	ASSERT_OTHER_KEY(&list, 12, north, 1, NULL, "no limit");
	ASSERT_OTHER_KEY(&other, 12, north, 1, fifty, "another method");
#undef ASSERT_OTHER_KEY
	call_init(&c, &list, 12, north, 1, fifty);
	c.who.roles = ROLE_ADMIN;
	page_cache_key(&c, &k);
	assert_memory_not_equal(base.digest, k.digest, PAGE_KEY_BYTES);

	rv_free(fifty);
	rv_free(ten);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_found_until_a_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_from_before_a_change_is_not_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nothing_kept_while_the_feed_is_down, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_budget_evicts_the_least_recently_used, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pages_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_tells_callers_and_arguments_apart, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
