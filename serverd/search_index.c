/* The in-memory search index of assets (see search_index.h).
 *
 * Shape. A table holds one slot per asset: its id, type, site, status
 * and version, and in an arena its code and its folded search text (the
 * `search` column, which starts with the folded code and name). The
 * slots loaded by a build are the "base": they are sorted by code and by
 * folded name for the prefix branches, and their words feed a word index
 * (each distinct space-separated word of the texts, with the slots that
 * hold it, and each word's byte trigrams, so that a query word finds the
 * words that contain it). The base never changes after the build: a
 * change to an asset marks its slot dead and appends a new one, and the
 * appended slots are scanned one by one at search time. Past a few
 * thousand of them the table is built again from the database.
 *
 * Threads. Searches run on the workers (asset.search needs the database
 * anyway, to read the rows it returns), many at once, and changes are
 * rare: a read-write lock lets searches share the table and makes a
 * change wait for them, briefly. Writers are preferred, so a stream of
 * searches cannot starve a change. The loop owns the rest: which build
 * runs, the ids waiting for a reload, the swap of a finished table.
 *
 * Feeding. A build starts when the event listener is in effect (changes
 * from then on are heard), reads the assets in keyset batches, each a
 * job of its own so that calls keep their workers, sorts and indexes on
 * a worker, and swaps the finished table in. "asset" events queue their
 * id; a reload job reads the queued rows and applies them. Ids heard
 * during a build are reloaded again once it is swapped in, as the build
 * may have read their rows before the change. Versions order it all: a
 * row older than what the table holds is ignored. A call that changed
 * assets reloads them itself after its commit (search_index_committed),
 * so that its client finds what it just wrote without waiting for the
 * event. */
#include <ctype.h>
#include <event2/event.h>
#include <locale.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wctype.h>
#include "buf.h"
#include "log.h"
#include "pool.h"
#include "rv.h"
#include "search_index.h"
#include "trigram.h"
#include "xmalloc.h"

#define SX_BATCH       50000     /* rows per build job */
#define SX_CHARS       0x20000   /* code points whose folding is read from the database */
#define SX_ANYWHERE    200       /* candidates of the "anywhere" branch, as in SQL */
#define SX_PRUNE_FROM  4096      /* candidates beyond which a second piece prunes them */
#define SX_PRUNE_MAX   (1 << 18) /* ...unless that piece is itself everywhere */
#define SX_RELOAD_MAX  5000      /* ids per reload job */
#define SX_EXTRA_MIN   10000     /* appended slots before a rebuild... */
#define SX_EXTRA_SHARE 20        /* ...or one in this many of the base */

/* Found by the "anywhere" branch only: rank 3 or 4, decided after. */
#define SX_ANYWHERE_RANK 5

#define SX_DEAD      0x01
#define SX_DISPOSED  0x02

struct sx_slot {
	int64_t id;
	int64_t site_id;
	int64_t type_id;
	uint32_t text;               /* arena offset: code, NUL, search text, NUL */
	int32_t version;
	uint16_t text_len;           /* of the search text */
	uint16_t name_len;           /* the folded name, after the code and a space */
	uint16_t name_chars;         /* char_length(name), as the order breaks ties */
	uint8_t code_len;
	uint8_t flags;
};

struct sx_table {
	struct sx_slot *slots;
	uint32_t nslots, slots_cap;
	uint32_t nbase;              /* slots [0, nbase) are sorted and in the word index */
	char *arena;
	size_t arena_len, arena_cap;

	/* id -> slot, open addressing; key 0 is empty */
	int64_t *map_keys;
	uint32_t *map_slots;
	uint32_t map_cap, map_count;

	uint32_t *by_code, *by_name;

	/* The base slots of each site, for callers who see a few sites only
	 * (referents): site_ids sorted, group k at [site_at[k],
	 * site_at[k + 1]) of site_slots (in slot order), site_by_code and
	 * site_by_name (in those orders). Slots without a site are in none. */
	uint32_t nsites;
	int64_t *site_ids;
	uint32_t *site_at;
	uint32_t *site_slots, *site_by_code, *site_by_name;

	/* words: their text, and the base slots holding each */
	uint32_t nwords;
	char *word_text;
	uint32_t *word_at;           /* nwords + 1 offsets into word_text */
	uint32_t *post_at;           /* nwords + 1 offsets into post */
	uint32_t *post;
	/* byte trigrams -> words holding them */
	uint32_t *tri_keys;          /* open addressing; key + 1, 0 is empty */
	uint32_t *tri_index;
	uint32_t tri_cap, ntri;
	uint32_t *tri_at;            /* ntri + 1 offsets into tri_words */
	uint32_t *tri_words;

	/* Folding as regie_fold() does it, per code point, read from the
	 * database itself (its unaccent rules, its lower()); NULL when a
	 * code point folds to itself. upper: 0 unchanged, 0xff not plain
	 * ASCII, else the ASCII upper case (codes are ASCII). */
	char **fold;
	uint8_t *upper;

	bool loaded;                 /* every batch read */
	int64_t after;               /* the build's keyset cursor */
	struct timespec started;
};

struct sx_job {
	struct job job;              /* first: the pool hands this back */
	unsigned gen;
	struct sx_table *table;      /* a build's */
	bool failed;
	int64_t *ids;                /* a reload's */
	size_t nids;
};

static struct {
	pthread_rwlock_t lock;       /* guards live and what it points to */
	struct sx_table *live;
	bool rebuild_wanted;         /* set under the write lock: too many appended slots */

	/* The loop's. */
	struct event_base *base;
	struct pool *pool;
	bool enabled, stopping, initialised;
	unsigned gen;                /* bumped when the feed restarts: builds older are void */
	bool building, reloading;
	struct event *retry;
	int64_t *pending;            /* ids heard, not yet reloaded */
	size_t npending, pending_cap;
	int64_t *replay;             /* ids heard during a build, reloaded after its swap */
	size_t nreplay, replay_cap;
} sx;

static void sx_kick(void);
static void sx_build_start(void);

/* ---- tables ---- */

static uint64_t sx_hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static struct sx_table *sx_table_new(void)
{
	struct sx_table *t = xcalloc(1, sizeof *t);

	t->map_cap = 1024;
	t->map_keys = xcalloc(t->map_cap, sizeof *t->map_keys);
	t->map_slots = xcalloc(t->map_cap, sizeof *t->map_slots);
	clock_gettime(CLOCK_MONOTONIC, &t->started);
	return t;
}

static void sx_table_free(struct sx_table *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t->arena);
	free(t->map_keys);
	free(t->map_slots);
	free(t->by_code);
	free(t->by_name);
	free(t->site_ids);
	free(t->site_at);
	free(t->site_slots);
	free(t->site_by_code);
	free(t->site_by_name);
	free(t->word_text);
	free(t->word_at);
	free(t->post_at);
	free(t->post);
	free(t->tri_keys);
	free(t->tri_index);
	free(t->tri_at);
	free(t->tri_words);
	if (t->fold != NULL) {
		for (size_t i = 0; i < SX_CHARS; i++)
			free(t->fold[i]);
		free(t->fold);
	}
	free(t->upper);
	free(t);
}

/* What the table holds in memory, for the log. */
static size_t sx_table_bytes(const struct sx_table *t)
{
	size_t n = sizeof *t;

	n += (size_t)t->slots_cap * sizeof *t->slots + t->arena_cap;
	n += (size_t)t->map_cap * (sizeof *t->map_keys + sizeof *t->map_slots);
	n += (size_t)t->nbase * 2 * sizeof(uint32_t);
	n += (size_t)t->nsites * (sizeof *t->site_ids + sizeof *t->site_at);
	if (t->nsites > 0)
		n += (size_t)t->site_at[t->nsites] * 3 * sizeof(uint32_t);
	if (t->nwords > 0) {
		n += t->word_at[t->nwords] + (size_t)(t->nwords + 1) * 2 * sizeof(uint32_t);
		n += (size_t)t->post_at[t->nwords] * sizeof(uint32_t);
	}
	n += (size_t)t->tri_cap * 2 * sizeof(uint32_t);
	if (t->ntri > 0)
		n += (size_t)(t->ntri + 1 + t->tri_at[t->ntri]) * sizeof(uint32_t);
	n += SX_CHARS * (sizeof(char *) + 1);
	return n;
}

static uint32_t *sx_map_find(const struct sx_table *t, int64_t id)
{
	uint32_t mask = t->map_cap - 1, i = (uint32_t)sx_hash64((uint64_t)id) & mask;

	while (t->map_keys[i] != 0) {
		if (t->map_keys[i] == id)
			return &t->map_slots[i];
		i = (i + 1) & mask;
	}
	return NULL;
}

static void sx_map_put(struct sx_table *t, int64_t id, uint32_t slot);

static void sx_map_grow(struct sx_table *t)
{
	int64_t *keys = t->map_keys;
	uint32_t *slots = t->map_slots, cap = t->map_cap;

	t->map_cap *= 2;
	t->map_keys = xcalloc(t->map_cap, sizeof *t->map_keys);
	t->map_slots = xcalloc(t->map_cap, sizeof *t->map_slots);
	t->map_count = 0;
	for (uint32_t i = 0; i < cap; i++) {
		if (keys[i] != 0)
			sx_map_put(t, keys[i], slots[i]);
	}
	free(keys);
	free(slots);
}

static void sx_map_put(struct sx_table *t, int64_t id, uint32_t slot)
{
	uint32_t mask, i;

	if ((t->map_count + 1) * 2 > t->map_cap)
		sx_map_grow(t);
	mask = t->map_cap - 1;
	i = (uint32_t)sx_hash64((uint64_t)id) & mask;
	while (t->map_keys[i] != 0 && t->map_keys[i] != id)
		i = (i + 1) & mask;
	if (t->map_keys[i] == 0)
		t->map_count++;
	t->map_keys[i] = id;
	t->map_slots[i] = slot;
}

static const char *sx_code(const struct sx_table *t, const struct sx_slot *s)
{
	return t->arena + s->text;
}

static const char *sx_text(const struct sx_table *t, const struct sx_slot *s)
{
	return t->arena + s->text + s->code_len + 1;
}

static const char *sx_name(const struct sx_table *t, const struct sx_slot *s)
{
	return sx_text(t, s) + s->code_len + 1;
}

/* One row as the statements below read it. */
struct sx_row {
	int64_t id, type_id, site_id;
	const char *code, *search;
	size_t name_len, name_chars;
	bool disposed;
	int32_t version;
};

#define SX_ROW_COLUMNS \
	"a.id, a.code, a.search, octet_length(regie_fold(a.name)), a.type_id, " \
	"COALESCE(a.site_id, 0), a.status = 'disposed', a.version, char_length(a.name)"

static void sx_row_read(const PGresult *res, int r, struct sx_row *row)
{
	row->id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
	row->code = PQgetvalue(res, r, 1);
	row->search = PQgetvalue(res, r, 2);
	row->name_len = strtoul(PQgetvalue(res, r, 3), NULL, 10);
	row->type_id = strtoll(PQgetvalue(res, r, 4), NULL, 10);
	row->site_id = strtoll(PQgetvalue(res, r, 5), NULL, 10);
	row->disposed = PQgetvalue(res, r, 6)[0] == 't';
	row->version = (int32_t)strtol(PQgetvalue(res, r, 7), NULL, 10);
	row->name_chars = strtoul(PQgetvalue(res, r, 8), NULL, 10);
}

/* Appends a slot for row; returns its index. */
static uint32_t sx_append(struct sx_table *t, const struct sx_row *row)
{
	size_t code_len = strlen(row->code), text_len = strlen(row->search), need;
	struct sx_slot *s;

	/* The folded code is the text's first word: the folded name follows
	 * it. Anything else is a text this index cannot cut up: it keeps
	 * the whole text as the name, which only costs name-prefix hits. */
	need = code_len + 1 + text_len + 1;
	if (t->nslots == t->slots_cap) {
		t->slots_cap = t->slots_cap ? t->slots_cap * 2 : 4096;
		t->slots = xreallocarray(t->slots, t->slots_cap, sizeof *t->slots);
	}
	while (t->arena_len + need > t->arena_cap) {
		t->arena_cap = t->arena_cap ? t->arena_cap * 2 : 1 << 20;
		t->arena = xrealloc(t->arena, t->arena_cap);
	}
	s = &t->slots[t->nslots];
	memset(s, 0, sizeof *s);
	s->id = row->id;
	s->site_id = row->site_id;
	s->type_id = row->type_id;
	s->version = row->version;
	s->text = (uint32_t)t->arena_len;
	s->code_len = (uint8_t)code_len;
	s->text_len = (uint16_t)(text_len > UINT16_MAX ? UINT16_MAX : text_len);
	if (code_len + 1 + row->name_len <= s->text_len)
		s->name_len = (uint16_t)row->name_len;
	s->name_chars = (uint16_t)(row->name_chars > UINT16_MAX ? UINT16_MAX : row->name_chars);
	s->flags = row->disposed ? SX_DISPOSED : 0;
	memcpy(t->arena + t->arena_len, row->code, code_len + 1);
	memcpy(t->arena + t->arena_len + code_len + 1, row->search, s->text_len);
	t->arena[t->arena_len + code_len + 1 + s->text_len] = '\0';
	t->arena_len += need;
	sx_map_put(t, row->id, t->nslots);
	return t->nslots++;
}

static bool sx_fits(size_t code_len, const char *search)
{
	return code_len <= 40 && strlen(search) <= UINT16_MAX;
}

/* Applies a row read after a change; returns true when the asset's site
 * changed (its descendants followed it: reload them too). */
static bool sx_apply(struct sx_table *t, const struct sx_row *row)
{
	uint32_t *at = sx_map_find(t, row->id);
	struct sx_slot *s;
	bool site_changed;

	if (!sx_fits(strlen(row->code), row->search))
		return false;
	if (at == NULL) {
		sx_append(t, row);
		return false;
	}
	s = &t->slots[*at];
	if (s->version > row->version)
		return false;
	site_changed = s->site_id != row->site_id;
	if (s->type_id == row->type_id && s->site_id == row->site_id &&
	    (s->flags & SX_DISPOSED) == (row->disposed ? SX_DISPOSED : 0) &&
	    strcmp(sx_code(t, s), row->code) == 0 && strcmp(sx_text(t, s), row->search) == 0 &&
	    s->name_len == row->name_len && s->name_chars == row->name_chars) {
		s->version = row->version;
		return false;
	}
	s->flags |= SX_DEAD;
	sx_append(t, row);
	return site_changed;
}

/* An asset that no longer exists. */
static void sx_remove(struct sx_table *t, int64_t id)
{
	uint32_t *at = sx_map_find(t, id);

	if (at != NULL)
		t->slots[*at].flags |= SX_DEAD;
}

/* ---- building ---- */

static int sx_load_fold(struct sx_table *t, PGconn *db)
{
	PGresult *res = PQexec(db, "SELECT i, f, u, f <> c, u <> c FROM ("
	    " SELECT i, chr(i) AS c, regie_fold(chr(i)) AS f, upper(chr(i)) AS u"
	    " FROM generate_series(1, 131071) i WHERE i < 55296 OR i > 57343) x"
	    " WHERE f <> c OR u <> c");

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warn("search index: cannot read the folding rules: %s", PQerrorMessage(db));
		PQclear(res);
		return -1;
	}
	t->fold = xcalloc(SX_CHARS, sizeof *t->fold);
	t->upper = xcalloc(SX_CHARS, 1);
	for (int r = 0; r < PQntuples(res); r++) {
		long cp = strtol(PQgetvalue(res, r, 0), NULL, 10);
		const char *u = PQgetvalue(res, r, 2);

		if (cp <= 0 || cp >= SX_CHARS)
			continue;
		if (PQgetvalue(res, r, 3)[0] == 't')
			t->fold[cp] = xstrdup(PQgetvalue(res, r, 1));
		if (PQgetvalue(res, r, 4)[0] == 't')
			t->upper[cp] = (strlen(u) == 1 && (unsigned char)u[0] < 0x80) ? (uint8_t)u[0] :
			    0xff;
	}
	PQclear(res);
	return 0;
}

/* Reads the next batch; sets t->loaded after the last. */
static int sx_load_batch(struct sx_table *t, PGconn *db)
{
	char after[24], limit[24];
	const char *params[2] = { after, limit };
	PGresult *res;
	int n;

	xsnprintf(after, sizeof after, "%lld", (long long)t->after);
	xsnprintf(limit, sizeof limit, "%d", SX_BATCH);
	res = PQexecParams(db, "SELECT " SX_ROW_COLUMNS " FROM assets a WHERE a.id > $1"
	    " ORDER BY a.id LIMIT $2", 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warn("search index: cannot read assets: %s", PQerrorMessage(db));
		PQclear(res);
		return -1;
	}
	n = PQntuples(res);
	for (int r = 0; r < n; r++) {
		struct sx_row row;

		sx_row_read(res, r, &row);
		if (sx_fits(strlen(row.code), row.search))
			sx_append(t, &row);
		t->after = row.id;
	}
	PQclear(res);
	if (n < SX_BATCH)
		t->loaded = true;
	return 0;
}

static int sx_cmp_code(const void *a, const void *b, void *arg)
{
	const struct sx_table *t = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(sx_code(t, &t->slots[x]), sx_code(t, &t->slots[y]));

	return c != 0 ? c : (x > y) - (x < y);
}

static int sx_cmp_name(const void *a, const void *b, void *arg)
{
	const struct sx_table *t = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct sx_slot *sa = &t->slots[x], *sb = &t->slots[y];
	size_t n = sa->name_len < sb->name_len ? sa->name_len : sb->name_len;
	int c = memcmp(sx_name(t, sa), sx_name(t, sb), n);

	if (c == 0)
		c = (sa->name_len > sb->name_len) - (sa->name_len < sb->name_len);
	/* Equal names: by code, as the page orders them in the end. */
	if (c == 0)
		c = strcmp(sx_code(t, sa), sx_code(t, sb));
	return c != 0 ? c : (x > y) - (x < y);
}

static uint32_t sx_hash_bytes(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* A growing array of uint32. */
struct u32s {
	uint32_t *v;
	size_t n, cap;
};

static void u32s_push(struct u32s *a, uint32_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 1024;
		a->v = xreallocarray(a->v, a->cap, sizeof *a->v);
	}
	a->v[a->n++] = x;
}


/* The length of the word at p, up to the next space or end. */
static size_t sx_word_len(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));

	return (size_t)((sp != NULL ? sp : end) - p);
}

struct sx_vocab {
	uint32_t *table;             /* word id + 1, open addressing */
	uint32_t cap;
	struct buf text;
	struct u32s at;              /* word offsets into text */
};

static uint32_t sx_vocab_get(struct sx_vocab *v, const char *w, size_t len)
{
	uint32_t mask, i;

	if ((v->at.n + 1) * 2 > v->cap) {
		uint32_t *old = v->table, old_cap = v->cap;

		v->cap = v->cap ? v->cap * 2 : 1 << 16;
		v->table = xcalloc(v->cap, sizeof *v->table);
		for (uint32_t k = 0; k < old_cap; k++) {
			if (old[k] != 0) {
				uint32_t id = old[k] - 1, at = v->at.v[id];
				uint32_t wl = (id + 1 < v->at.n ? v->at.v[id + 1] : (uint32_t)v->text.len) - at;
				uint32_t j = sx_hash_bytes((const char *)v->text.data + at, wl) & (v->cap - 1);
				while (v->table[j] != 0)
					j = (j + 1) & (v->cap - 1);
				v->table[j] = old[k];
			}
		}
		free(old);
	}
	mask = v->cap - 1;
	i = sx_hash_bytes(w, len) & mask;
	while (v->table[i] != 0) {
		uint32_t id = v->table[i] - 1, at = v->at.v[id];
		uint32_t wl = (id + 1 < v->at.n ? v->at.v[id + 1] : (uint32_t)v->text.len) - at;
		if (wl == len && memcmp((const char *)v->text.data + at, w, len) == 0)
			return id;
		i = (i + 1) & mask;
	}
	u32s_push(&v->at, (uint32_t)v->text.len);
	buf_add(&v->text, w, len);
	v->table[i] = (uint32_t)v->at.n;
	return (uint32_t)v->at.n - 1;
}

static uint32_t *sx_tri_find(const struct sx_table *t, uint32_t key)
{
	uint32_t mask = t->tri_cap - 1, i = sx_hash_bytes((const char *)&key, 4) & mask;

	while (t->tri_keys[i] != 0) {
		if (t->tri_keys[i] == key + 1)
			return &t->tri_index[i];
		i = (i + 1) & mask;
	}
	return NULL;
}

static uint32_t sx_tri_key(const char *p)
{
	return (uint32_t)(unsigned char)p[0] << 16 | (uint32_t)(unsigned char)p[1] << 8 |
	    (unsigned char)p[2];
}

/* The words of the base: which slots hold each word, and which words
 * hold each byte trigram. Two passes over the texts: count, then fill. */
static void sx_index_words(struct sx_table *t)
{
	struct sx_vocab v = { 0 };
	struct u32s count = { 0 }, last = { 0 };
	uint32_t *fill = NULL;

	buf_init(&v.text);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			t->nwords = (uint32_t)v.at.n;
			t->post_at = xcalloc((size_t)t->nwords + 1, sizeof *t->post_at);
			for (uint32_t i = 0; i < t->nwords; i++)
				t->post_at[i + 1] = t->post_at[i] + count.v[i];
			t->post = xmalloc(((size_t)t->post_at[t->nwords] + 1) * sizeof *t->post);
			fill = xcalloc((size_t)t->nwords + 1, sizeof *fill);
			if (last.n > 0)
				memset(last.v, 0, last.n * sizeof *last.v);
		}
		for (uint32_t s = 0; s < t->nbase; s++) {
			const struct sx_slot *sl = &t->slots[s];
			const char *p = sx_text(t, sl), *end = p + sl->text_len;

			while (p < end) {
				size_t wlen = sx_word_len(p, end);
				uint32_t id;

				if (wlen == 0) {
					p++;
					continue;
				}
				id = sx_vocab_get(&v, p, wlen);
				p += wlen;
				if (pass == 0 && id == count.n) {
					u32s_push(&count, 0);
					u32s_push(&last, 0);
				}
				if (last.v[id] == s + 1)
					continue;
				last.v[id] = s + 1;
				if (pass == 0)
					count.v[id]++;
				else
					t->post[t->post_at[id] + fill[id]++] = s;
			}
		}
	}
	t->word_at = xreallocarray(v.at.v, (size_t)t->nwords + 1, sizeof *t->word_at);
	t->word_at[t->nwords] = (uint32_t)v.text.len;
	t->word_text = buf_detach_str(&v.text);
	free(fill);
	free(count.v);
	free(last.v);
	/* The vocabulary's hash served only this build: at search time
	 * words are found by their trigrams. */
	free(v.table);
}

static void sx_index_trigrams(struct sx_table *t)
{
	struct u32s keys = { 0 }, count = { 0 };
	uint32_t *fill = NULL;

	t->tri_cap = 1 << 16;
	t->tri_keys = xcalloc(t->tri_cap, sizeof *t->tri_keys);
	t->tri_index = xcalloc(t->tri_cap, sizeof *t->tri_index);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			t->tri_at = xcalloc((size_t)t->ntri + 1, sizeof *t->tri_at);
			for (uint32_t i = 0; i < t->ntri; i++)
				t->tri_at[i + 1] = t->tri_at[i] + count.v[i];
			t->tri_words = xmalloc(((size_t)t->tri_at[t->ntri] + 1) * sizeof *t->tri_words);
			fill = xcalloc((size_t)t->ntri + 1, sizeof *fill);
		}
		for (uint32_t wd = 0; wd < t->nwords; wd++) {
			const char *w = t->word_text + t->word_at[wd];
			uint32_t len = t->word_at[wd + 1] - t->word_at[wd];

			keys.n = 0;
			for (uint32_t i = 0; i + 3 <= len; i++) {
				uint32_t k = sx_tri_key(w + i);
				bool seen = false;
				for (size_t j = 0; j < keys.n && !seen; j++)
					seen = keys.v[j] == k;
				if (!seen)
					u32s_push(&keys, k);
			}
			for (size_t j = 0; j < keys.n; j++) {
				uint32_t *at = sx_tri_find(t, keys.v[j]);
				if (pass == 1) {
					t->tri_words[t->tri_at[*at] + fill[*at]++] = wd;
					continue;
				}
				if (at != NULL) {
					count.v[*at]++;
					continue;
				}
				if ((t->ntri + 1) * 2 > t->tri_cap) {
					uint32_t *ok = t->tri_keys, *oi = t->tri_index, oc = t->tri_cap;
					t->tri_cap *= 2;
					t->tri_keys = xcalloc(t->tri_cap, sizeof *t->tri_keys);
					t->tri_index = xcalloc(t->tri_cap, sizeof *t->tri_index);
					for (uint32_t i = 0; i < oc; i++) {
						uint32_t m = t->tri_cap - 1, h;
						if (ok[i] == 0)
							continue;
						h = sx_hash_bytes((const char *)&(uint32_t){ ok[i] - 1 }, 4) & m;
						while (t->tri_keys[h] != 0)
							h = (h + 1) & m;
						t->tri_keys[h] = ok[i];
						t->tri_index[h] = oi[i];
					}
					free(ok);
					free(oi);
				}
				{
					uint32_t m = t->tri_cap - 1;
					uint32_t h = sx_hash_bytes((const char *)&keys.v[j], 4) & m;
					while (t->tri_keys[h] != 0)
						h = (h + 1) & m;
					t->tri_keys[h] = keys.v[j] + 1;
					t->tri_index[h] = t->ntri++;
					u32s_push(&count, 1);
				}
			}
		}
	}
	free(fill);
	free(keys.v);
	free(count.v);
}

static int sx_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The group of site_id, or -1. */
static long sx_site_group(const struct sx_table *t, int64_t site_id)
{
	const int64_t *at;

	if (site_id == 0 || t->nsites == 0)
		return -1;
	at = bsearch(&site_id, t->site_ids, t->nsites, sizeof *t->site_ids, sx_cmp_i64);
	return at != NULL ? at - t->site_ids : -1;
}

/* Spreads order (every base slot, in some order) into the site groups,
 * keeping that order inside each group. */
static void sx_sites_spread(struct sx_table *t, const uint32_t *order, uint32_t *out)
{
	uint32_t *fill = xcalloc((size_t)t->nsites + 1, sizeof *fill);

	for (uint32_t i = 0; i < t->nbase; i++) {
		uint32_t slot = order != NULL ? order[i] : i;
		long g = sx_site_group(t, t->slots[slot].site_id);

		if (g >= 0)
			out[t->site_at[g] + fill[g]++] = slot;
	}
	free(fill);
}

static void sx_index_sites(struct sx_table *t)
{
	size_t n = 0, total = 0;

	t->site_ids = xcalloc((size_t)t->nbase + 1, sizeof *t->site_ids);
	for (uint32_t i = 0; i < t->nbase; i++) {
		if (t->slots[i].site_id != 0)
			t->site_ids[n++] = t->slots[i].site_id;
	}
	qsort(t->site_ids, n, sizeof *t->site_ids, sx_cmp_i64);
	t->nsites = 0;
	for (size_t i = 0; i < n; i++) {
		if (t->nsites == 0 || t->site_ids[t->nsites - 1] != t->site_ids[i])
			t->site_ids[t->nsites++] = t->site_ids[i];
	}
	t->site_ids = xreallocarray(t->site_ids, (size_t)t->nsites + 1, sizeof *t->site_ids);
	t->site_at = xcalloc((size_t)t->nsites + 1, sizeof *t->site_at);
	for (uint32_t i = 0; i < t->nbase; i++) {
		long g = sx_site_group(t, t->slots[i].site_id);
		if (g >= 0)
			t->site_at[g + 1]++;
	}
	for (uint32_t k = 0; k < t->nsites; k++)
		t->site_at[k + 1] += t->site_at[k];
	total = t->site_at[t->nsites];
	t->site_slots = xcalloc(total + 1, sizeof *t->site_slots);
	t->site_by_code = xcalloc(total + 1, sizeof *t->site_by_code);
	t->site_by_name = xcalloc(total + 1, sizeof *t->site_by_name);
	sx_sites_spread(t, NULL, t->site_slots);
	sx_sites_spread(t, t->by_code, t->site_by_code);
	sx_sites_spread(t, t->by_name, t->site_by_name);
}

static void sx_finish(struct sx_table *t)
{
	/* The build grew them by doubling; changes will append a little. */
	t->slots_cap = t->nslots + 1024;
	t->slots = xreallocarray(t->slots, t->slots_cap, sizeof *t->slots);
	t->arena_cap = t->arena_len + (1 << 20);
	t->arena = xrealloc(t->arena, t->arena_cap);
	t->nbase = t->nslots;
	t->by_code = xreallocarray(NULL, (size_t)t->nbase + 1, sizeof *t->by_code);
	t->by_name = xreallocarray(NULL, (size_t)t->nbase + 1, sizeof *t->by_name);
	for (uint32_t i = 0; i < t->nbase; i++)
		t->by_code[i] = t->by_name[i] = i;
	if (t->nbase > 0) {
		qsort_r(t->by_code, t->nbase, sizeof *t->by_code, sx_cmp_code, t);
		qsort_r(t->by_name, t->nbase, sizeof *t->by_name, sx_cmp_name, t);
	}
	sx_index_sites(t);
	sx_index_words(t);
	sx_index_trigrams(t);
}

/* ---- jobs ---- */

static void sx_job_free(struct sx_job *j)
{
	sx_table_free(j->table);
	free(j->ids);
	free(j);
}

static void sx_build_run(struct job *job, struct worker *w)
{
	struct sx_job *j = (struct sx_job *)job;
	struct sx_table *t = j->table;
	PGconn *db = worker_db(w);

	if (db == NULL) {
		j->failed = true;
		return;
	}
	if (t->fold == NULL) {
		j->failed = sx_load_fold(t, db) != 0;
	} else if (!t->loaded) {
		j->failed = sx_load_batch(t, db) != 0;
		if (j->failed && PQstatus(db) != CONNECTION_OK)
			worker_db_lost(w);
	} else {
		sx_finish(t);
	}
}

static void sx_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	sx_build_start();
}

static void sx_build_done(struct job *job)
{
	struct sx_job *j = (struct sx_job *)job;
	struct sx_table *t = j->table, *old;
	struct timespec now;

	if (sx.stopping || j->gen != sx.gen || j->failed) {
		sx.building = false;
		if (!sx.stopping && j->gen != sx.gen) {
			sx_job_free(j);
			sx_build_start();
			return;
		}
		if (!sx.stopping && j->failed) {
			struct timeval tv = { 5, 0 };
			log_warn("search index: build failed; searching in SQL, trying again in 5 s");
			evtimer_add(sx.retry, &tv);
		}
		sx_job_free(j);
		return;
	}
	if (t->by_code == NULL) {
		/* Not finished: the next batch, or the sorting. */
		pool_submit(sx.pool, &j->job);
		return;
	}
	pthread_rwlock_wrlock(&sx.lock);
	old = sx.live;
	sx.live = t;
	sx.rebuild_wanted = false;
	pthread_rwlock_unlock(&sx.lock);
	j->table = NULL;
	sx.building = false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	log_info("search index: ready: %u assets, %u words, %zu MB, in %.1f s", t->nbase,
	    t->nwords, (sx_table_bytes(t) + (1 << 19)) >> 20,
	    (double)(now.tv_sec - t->started.tv_sec) + (now.tv_nsec - t->started.tv_nsec) / 1e9);
	sx_table_free(old);
	sx_job_free(j);
	/* The build's scratch and the old table go back to the system. */
	malloc_trim(0);
	/* What was heard during the build may predate what it read. */
	for (size_t i = 0; i < sx.nreplay; i++) {
		if (sx.npending == sx.pending_cap) {
			sx.pending_cap = sx.pending_cap ? sx.pending_cap * 2 : 256;
			sx.pending = xreallocarray(sx.pending, sx.pending_cap, sizeof *sx.pending);
		}
		sx.pending[sx.npending++] = sx.replay[i];
	}
	sx.nreplay = 0;
	sx_kick();
}

static void sx_build_start(void)
{
	struct sx_job *j;

	if (!sx.enabled || sx.stopping || sx.building)
		return;
	j = xcalloc(1, sizeof *j);
	j->gen = sx.gen;
	j->table = sx_table_new();
	j->job.run = sx_build_run;
	j->job.done = sx_build_done;
	sx.building = true;
	log_info("search index: building");
	pool_submit(sx.pool, &j->job);
}

/* Reads the rows of ids (and, when an asset changed site, of everything
 * under it, which followed it) and applies them to the live table. */
static int sx_reload(PGconn *db, const int64_t *ids, size_t n)
{
	struct buf arr;
	const char *params[1];
	PGresult *res;
	int64_t *moved = NULL;
	size_t nmoved = 0;
	int rc = 0;

	for (int round = 0; round < 2 && n > 0; round++) {
		buf_init(&arr);
		buf_addc(&arr, '{');
		for (size_t i = 0; i < n; i++)
			buf_printf(&arr, "%s%lld", i ? "," : "", (long long)ids[i]);
		buf_addc(&arr, '}');
		buf_addc(&arr, '\0');
		params[0] = (const char *)arr.data;
		if (round == 0)
			res = PQexecParams(db, "SELECT " SX_ROW_COLUMNS ", x.id FROM unnest($1::bigint[])"
			    " x (id) LEFT JOIN assets a ON a.id = x.id", 1, NULL, params, NULL, NULL, 0);
		else
			res = PQexecParams(db, "WITH RECURSIVE sub (id) AS ("
			    " SELECT id FROM assets WHERE parent_id = ANY ($1::bigint[])"
			    " UNION SELECT a.id FROM assets a JOIN sub ON a.parent_id = sub.id)"
			    " SELECT " SX_ROW_COLUMNS ", a.id FROM sub JOIN assets a ON a.id = sub.id",
			    1, NULL, params, NULL, NULL, 0);
		buf_free(&arr);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			log_warn("search index: cannot reload assets: %s", PQerrorMessage(db));
			PQclear(res);
			rc = -1;
			break;
		}
		pthread_rwlock_wrlock(&sx.lock);
		if (sx.live != NULL) {
			struct sx_table *t = sx.live;
			for (int r = 0; r < PQntuples(res); r++) {
				struct sx_row row;
				if (PQgetisnull(res, r, 0)) {
					sx_remove(t, strtoll(PQgetvalue(res, r, 9), NULL, 10));
					continue;
				}
				sx_row_read(res, r, &row);
				if (sx_apply(t, &row) && round == 0) {
					moved = xreallocarray(moved, nmoved + 1, sizeof *moved);
					moved[nmoved++] = row.id;
				}
			}
			if (t->nslots - t->nbase > SX_EXTRA_MIN &&
			    t->nslots - t->nbase > t->nbase / SX_EXTRA_SHARE)
				sx.rebuild_wanted = true;
		}
		pthread_rwlock_unlock(&sx.lock);
		PQclear(res);
		ids = moved;
		n = nmoved;
	}
	free(moved);
	return rc;
}

static void sx_reload_run(struct job *job, struct worker *w)
{
	struct sx_job *j = (struct sx_job *)job;
	PGconn *db = worker_db(w);

	if (db == NULL || sx_reload(db, j->ids, j->nids) != 0)
		j->failed = true;
	if (db != NULL && PQstatus(db) != CONNECTION_OK)
		worker_db_lost(w);
}

static void sx_reload_done(struct job *job)
{
	struct sx_job *j = (struct sx_job *)job;
	bool rebuild;

	sx.reloading = false;
	if (j->failed && !sx.stopping) {
		/* The database is away: the listener will drop too, and its
		 * comeback rebuilds everything. Until then, keep the ids. */
		for (size_t i = 0; i < j->nids; i++) {
			if (sx.npending == sx.pending_cap) {
				sx.pending_cap = sx.pending_cap ? sx.pending_cap * 2 : 256;
				sx.pending = xreallocarray(sx.pending, sx.pending_cap, sizeof *sx.pending);
			}
			sx.pending[sx.npending++] = j->ids[i];
		}
		sx_job_free(j);
		return;
	}
	sx_job_free(j);
	pthread_rwlock_rdlock(&sx.lock);
	rebuild = sx.rebuild_wanted;
	pthread_rwlock_unlock(&sx.lock);
	if (rebuild && !sx.building) {
		log_info("search index: many changes since the last build: building again");
		sx_build_start();
	}
	sx_kick();
}

/* Sends the pending ids to a reload job, one job at a time. */
static void sx_kick(void)
{
	struct sx_job *j;
	size_t n;

	if (sx.stopping || sx.reloading || sx.npending == 0)
		return;
	if (sx.live == NULL) {
		/* Nothing to update: a build in flight reads them fresh, and
		 * replays them after. */
		if (!sx.building)
			sx.npending = 0;
		return;
	}
	n = sx.npending < SX_RELOAD_MAX ? sx.npending : SX_RELOAD_MAX;
	j = xcalloc(1, sizeof *j);
	j->ids = xreallocarray(NULL, n, sizeof *j->ids);
	memcpy(j->ids, sx.pending + sx.npending - n, n * sizeof *j->ids);
	j->nids = n;
	sx.npending -= n;
	j->job.run = sx_reload_run;
	j->job.done = sx_reload_done;
	sx.reloading = true;
	pool_submit(sx.pool, &j->job);
}

/* ---- the loop's interface ---- */

void search_index_init(struct event_base *base, struct pool *pool, bool enabled)
{
	pthread_rwlockattr_t attr;

	memset(&sx, 0, sizeof sx);
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&sx.lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	sx.base = base;
	sx.pool = pool;
	sx.enabled = enabled;
	sx.retry = evtimer_new(base, sx_retry_cb, NULL);
	sx.initialised = true;
	if (!enabled)
		log_info("search index: off (search_index = off): searching in SQL");
}

void search_index_feed_started(void)
{
	if (!sx.initialised || !sx.enabled || sx.stopping)
		return;
	sx.gen++;
	evtimer_del(sx.retry);
	if (!sx.building)
		sx_build_start();
	/* else the build in flight is void: its done callback starts anew */
}

void search_index_event(const struct rv *ev)
{
	const char *topic = rv_path_str(ev, "topic", "");
	int64_t id = rv_path_int(ev, "id", 0);

	if (!sx.initialised || !sx.enabled || sx.stopping || strcmp(topic, "asset") != 0 || id <= 0)
		return;
	if (sx.live == NULL && !sx.building)
		return;
	if (sx.npending == sx.pending_cap) {
		sx.pending_cap = sx.pending_cap ? sx.pending_cap * 2 : 256;
		sx.pending = xreallocarray(sx.pending, sx.pending_cap, sizeof *sx.pending);
	}
	sx.pending[sx.npending++] = id;
	if (sx.building) {
		if (sx.nreplay == sx.replay_cap) {
			sx.replay_cap = sx.replay_cap ? sx.replay_cap * 2 : 256;
			sx.replay = xreallocarray(sx.replay, sx.replay_cap, sizeof *sx.replay);
		}
		sx.replay[sx.nreplay++] = id;
	}
	sx_kick();
}

void search_index_stop(void)
{
	sx.stopping = true;
}

void search_index_free(void)
{
	if (!sx.initialised)
		return;
	sx_table_free(sx.live);
	if (sx.retry != NULL)
		event_free(sx.retry);
	free(sx.pending);
	free(sx.replay);
	pthread_rwlock_destroy(&sx.lock);
	memset(&sx, 0, sizeof sx);
}

/* ---- the workers' interface ---- */

void search_index_committed(struct worker *w, const int64_t *ids, size_t n)
{
	PGconn *db;
	bool live;

	if (n == 0)
		return;
	pthread_rwlock_rdlock(&sx.lock);
	live = sx.live != NULL;
	pthread_rwlock_unlock(&sx.lock);
	if (!live || (db = worker_db(w)) == NULL)
		return;
	/* On failure the event that follows the commit reloads them. */
	sx_reload(db, ids, n);
}

/* Text folded as regie_fold() folds it. */
static char *sx_fold(const struct sx_table *t, const char *s)
{
	struct buf b;

	buf_init(&b);
	while (*s != '\0') {
		const unsigned char *p = (const unsigned char *)s;
		size_t len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 :
		    (*p >> 3) == 30 ? 4 : 1;
		uint32_t cp = *p;

		if (len == 2)
			cp = (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
		else if (len == 3)
			cp = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
		else if (len == 4)
			cp = (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 | (p[2] & 0x3fu) << 6 |
			    (p[3] & 0x3fu);
		for (size_t i = 1; i < len; i++) {
			if (s[i] == '\0')
				len = i;
		}
		if (cp < SX_CHARS && t->fold[cp] != NULL)
			buf_adds(&b, t->fold[cp]);
		else
			buf_add(&b, s, len);
		s += len;
	}
	return buf_detach_str(&b);
}

/* upper() as the database does it, or NULL when the result cannot be a
 * code (codes are plain ASCII). */
static char *sx_upper(const struct sx_table *t, const char *s)
{
	struct buf b;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		uint32_t cp = c;

		if (c >= 0x80) {
			if ((c >> 5) == 6 && s[1] != '\0') {
				cp = (c & 0x1fu) << 6 | ((unsigned char)s[1] & 0x3fu);
				s++;
			} else {
				/* Three bytes and more: no upper case of those is ASCII
				 * in any locale regied meets; a code never matches. */
				buf_free(&b);
				return NULL;
			}
		}
		if (t->upper[cp] == 0xff || (t->upper[cp] == 0 && cp >= 0x80)) {
			buf_free(&b);
			return NULL;
		}
		buf_addc(&b, t->upper[cp] ? (char)t->upper[cp] : (char)cp);
	}
	return buf_detach_str(&b);
}

static size_t like_specials(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '%' || *s == '_' || *s == '\\';
	return n;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

struct sx_search {
	const struct sx_table *t;
	const struct search_query *q;
	char *upper;                 /* NULL: no code can match */
	char *folded;
	char **words;                /* folded */
	size_t nwords;
	const char *longest;         /* folded */
	bool long_enough;
};

static bool sx_visible(const struct sx_search *s, const struct sx_slot *sl)
{
	if (sl->flags & (SX_DEAD | SX_DISPOSED))
		return false;
	if (s->q->type_id != 0 && sl->type_id != s->q->type_id)
		return false;
	if (s->q->reads_all)
		return true;
	for (size_t i = 0; i < s->q->who->nsites; i++) {
		if (s->q->who->sites[i] == sl->site_id)
			return true;
	}
	return false;
}

static bool sx_has_all_words(const struct sx_search *s, const struct sx_slot *sl)
{
	const char *text = sx_text(s->t, sl);

	for (size_t i = 0; i < s->nwords; i++) {
		if (memmem(text, sl->text_len, s->words[i], strlen(s->words[i])) == NULL)
			return false;
	}
	return memmem(text, sl->text_len, s->longest, strlen(s->longest)) != NULL;
}

static bool sx_starts(const char *p, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return n <= len && memcmp(p, prefix, n) == 0;
}

/* The rank of a hit of the "anywhere" branch alone: 3 when the whole
 * query starts a word of the text, else 4. */
static int sx_anywhere_rank(const struct sx_search *s, const struct sx_slot *sl)
{
	const char *text = sx_text(s->t, sl);
	size_t flen = strlen(s->folded);

	if (sx_starts(text, sl->text_len, s->folded))
		return 3;
	for (const char *p = text; (p = memmem(p, sl->text_len - (size_t)(p - text), s->folded,
	    flen)) != NULL; p++) {
		if (p > text && p[-1] == ' ')
			return 3;
	}
	return 4;
}

struct sx_cand {
	uint32_t slot;
	int rank;
	float sim;
};

struct sx_cands {
	struct sx_cand *v;
	size_t n, cap;
};

static void sx_cands_add(struct sx_cands *c, uint32_t slot, int rank)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	c->v[c->n].slot = slot;
	c->v[c->n].sim = 0;
	c->v[c->n++].rank = rank;
}

/* The first `limit` visible slots of sorted[0, n) whose key starts with
 * prefix, onto got. */
static void sx_prefix_range(const struct sx_search *s, const uint32_t *sorted, size_t n,
    bool by_name, const char *prefix, struct u32s *got)
{
	const struct sx_table *t = s->t;
	size_t lo = 0, hi = n, plen = strlen(prefix), found = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct sx_slot *sl = &t->slots[sorted[mid]];
		const char *key = by_name ? sx_name(t, sl) : sx_code(t, sl);
		size_t klen = by_name ? sl->name_len : sl->code_len;
		int c = memcmp(key, prefix, klen < plen ? klen : plen);

		if (c == 0 && klen < plen)
			c = -1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < n && found < (size_t)s->q->limit; i++) {
		const struct sx_slot *sl = &t->slots[sorted[i]];
		const char *key = by_name ? sx_name(t, sl) : sx_code(t, sl);
		size_t klen = by_name ? sl->name_len : sl->code_len;

		if (klen < plen || memcmp(key, prefix, plen) != 0)
			break;
		if (sx_visible(s, sl)) {
			u32s_push(got, sorted[i]);
			found++;
		}
	}
}

/* A prefix branch: the first `limit` visible slots in the order of
 * sorted (base) whose key starts with prefix, merged with the appended
 * slots that match, in the same order. A caller who sees a few sites
 * reads those sites' groups (site_sorted) only, and never walks past
 * the hits of sites they do not see. */
static void sx_prefix_branch(const struct sx_search *s, const uint32_t *sorted,
    const uint32_t *site_sorted, int (*cmp)(const void *, const void *, void *),
    bool by_name, const char *prefix, struct u32s *got, struct sx_cands *out)
{
	const struct sx_table *t = s->t;
	size_t plen = strlen(prefix);
	bool merge = false;

	got->n = 0;
	if (s->q->reads_all) {
		sx_prefix_range(s, sorted, t->nbase, by_name, prefix, got);
	} else {
		for (size_t k = 0; k < s->q->who->nsites; k++) {
			long g = sx_site_group(t, s->q->who->sites[k]);

			if (g < 0)
				continue;
			sx_prefix_range(s, site_sorted + t->site_at[g],
			    t->site_at[g + 1] - t->site_at[g], by_name, prefix, got);
			merge = true;
		}
	}
	for (uint32_t i = t->nbase; i < t->nslots; i++) {
		const struct sx_slot *sl = &t->slots[i];
		const char *key = by_name ? sx_name(t, sl) : sx_code(t, sl);
		size_t klen = by_name ? sl->name_len : sl->code_len;

		if (klen >= plen && memcmp(key, prefix, plen) == 0 && sx_visible(s, sl)) {
			u32s_push(got, i);
			merge = true;
		}
	}
	if (merge && got->n > 1)
		qsort_r(got->v, got->n, sizeof *got->v, cmp, (void *)t);
	for (size_t i = 0; i < got->n && i < (size_t)s->q->limit; i++) {
		const struct sx_slot *sl = &t->slots[got->v[i]];
		sx_cands_add(out, got->v[i], by_name ? 2 : strcmp(sx_code(t, sl), prefix) == 0 ? 0 : 1);
	}
}

/* The words of the index that contain key (at least 3 bytes, no
 * space), found through key's rarest trigram; *total is the number of
 * slots they hold. */
static void sx_words_containing(const struct sx_table *t, const char *key, size_t klen,
    struct u32s *out, size_t *total)
{
	const uint32_t *best = NULL;
	uint32_t best_n = UINT32_MAX;

	out->n = 0;
	*total = 0;
	for (size_t i = 0; i + 3 <= klen; i++) {
		uint32_t *at = sx_tri_find(t, sx_tri_key(key + i));
		uint32_t n = at ? t->tri_at[*at + 1] - t->tri_at[*at] : 0;
		if (n < best_n) {
			best_n = n;
			best = at ? t->tri_words + t->tri_at[*at] : NULL;
		}
	}
	for (uint32_t i = 0; best != NULL && i < best_n; i++) {
		uint32_t wd = best[i];
		if (memmem(t->word_text + t->word_at[wd], t->word_at[wd + 1] - t->word_at[wd],
		    key, klen) != NULL) {
			u32s_push(out, wd);
			*total += t->post_at[wd + 1] - t->post_at[wd];
		}
	}
}

static int sx_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* How many base slots the caller's sites hold. */
static size_t sx_sites_size(const struct sx_search *s)
{
	size_t n = 0;

	for (size_t k = 0; k < s->q->who->nsites; k++) {
		long g = sx_site_group(s->t, s->q->who->sites[k]);
		if (g >= 0)
			n += s->t->site_at[g + 1] - s->t->site_at[g];
	}
	return n;
}

/* The "anywhere" branch over the caller's sites alone, for when they
 * hold fewer slots than the words' postings: the first SX_ANYWHERE in
 * table order, as the whole scan would find them. Returns the count. */
static size_t sx_anywhere_sites(const struct sx_search *s, struct sx_cands *out)
{
	const struct sx_table *t = s->t;
	struct u32s hits = { 0 };
	size_t n;

	for (size_t k = 0; k < s->q->who->nsites; k++) {
		long g = sx_site_group(t, s->q->who->sites[k]);
		size_t found = 0;

		for (uint32_t i = g < 0 ? 0 : t->site_at[g]; g >= 0 && i < t->site_at[g + 1] &&
		    found < SX_ANYWHERE; i++) {
			const struct sx_slot *sl = &t->slots[t->site_slots[i]];
			if (sx_visible(s, sl) && sx_has_all_words(s, sl)) {
				u32s_push(&hits, t->site_slots[i]);
				found++;
			}
		}
	}
	if (hits.n > 1)
		qsort(hits.v, hits.n, sizeof *hits.v, sx_cmp_u32);
	n = hits.n < SX_ANYWHERE ? hits.n : SX_ANYWHERE;
	for (size_t i = 0; i < n; i++)
		sx_cands_add(out, hits.v[i], SX_ANYWHERE_RANK);
	free(hits.v);
	return n;
}

/* The "anywhere" branch: the first SX_ANYWHERE visible slots, in table
 * order as a scan of the table would meet them, that hold every word.
 * Any word of the query finds them all; the one whose words hold the
 * fewest slots is read. */
static void sx_anywhere_branch(const struct sx_search *s, struct sx_cands *out)
{
	const struct sx_table *t = s->t;
	struct u32s words = { 0 }, best = { 0 }, second = { 0 };
	size_t found = 0, best_total = SIZE_MAX, second_total = SIZE_MAX;
	size_t nbits = ((size_t)t->nbase + 63) / 64;
	bool usable = false;
	uint64_t *bits = NULL, *keep = NULL;

	for (size_t i = 0; i < s->nwords; i++) {
		const char *w = s->words[i], *end = w + strlen(w);

		/* A folded word may hold a space (unaccent spells ½ " 1/2");
		 * words of the index never do: each piece finds a superset. */
		for (const char *p = w; p < end; ) {
			size_t plen = sx_word_len(p, end), total;

			if (plen >= 3) {
				sx_words_containing(t, p, plen, &words, &total);
				if (total < best_total) {
					struct u32s tmp = second;
					second = best;
					second_total = best_total;
					best = words;
					best_total = total;
					words = tmp;
				} else if (total < second_total) {
					struct u32s tmp = second;
					second = words;
					second_total = total;
					words = tmp;
				}
				usable = true;
			}
			p += plen + 1;
		}
	}
	/* Many candidates ("hall 205": every hall, or every code holding
	 * 205) each cost a look at their text; the slots of the second
	 * rarest piece, as a bitmap, rule out most of them first. */
	if (best_total > SX_PRUNE_FROM && second_total <= SX_PRUNE_MAX) {
		keep = xcalloc(nbits, sizeof *keep);
		for (size_t k = 0; k < second.n; k++) {
			for (uint32_t i = t->post_at[second.v[k]]; i < t->post_at[second.v[k] + 1]; i++)
				keep[t->post[i] / 64] |= 1ull << (t->post[i] % 64);
		}
	}
#define SX_KEPT(slot) (keep == NULL || (keep[(slot) / 64] >> ((slot) % 64) & 1) != 0)
	if (!s->q->reads_all && (!usable || best_total > sx_sites_size(s))) {
		found = sx_anywhere_sites(s, out);
	} else if (!usable) {
		/* No trigram to look up: every slot in order. */
		for (uint32_t i = 0; i < t->nbase && found < SX_ANYWHERE; i++) {
			if (sx_visible(s, &t->slots[i]) && sx_has_all_words(s, &t->slots[i])) {
				sx_cands_add(out, i, SX_ANYWHERE_RANK);
				found++;
			}
		}
	} else if (best.n == 1) {
		for (uint32_t i = t->post_at[best.v[0]];
		    i < t->post_at[best.v[0] + 1] && found < SX_ANYWHERE; i++) {
			const struct sx_slot *sl = &t->slots[t->post[i]];
			if (SX_KEPT(t->post[i]) && sx_visible(s, sl) && sx_has_all_words(s, sl)) {
				sx_cands_add(out, t->post[i], SX_ANYWHERE_RANK);
				found++;
			}
		}
	} else if (best.n > 1) {
		/* Several words: their slots in order, through a bitmap. */
		bits = xcalloc(nbits, sizeof *bits);
		for (size_t k = 0; k < best.n; k++) {
			for (uint32_t i = t->post_at[best.v[k]]; i < t->post_at[best.v[k] + 1]; i++)
				bits[t->post[i] / 64] |= 1ull << (t->post[i] % 64);
		}
		for (size_t b = 0; b < nbits && found < SX_ANYWHERE; b++) {
			uint64_t m = bits[b];
			while (m != 0 && found < SX_ANYWHERE) {
				uint32_t slot = (uint32_t)(b * 64 + (size_t)__builtin_ctzll(m));
				m &= m - 1;
				if (SX_KEPT(slot) && sx_visible(s, &t->slots[slot]) &&
				    sx_has_all_words(s, &t->slots[slot])) {
					sx_cands_add(out, slot, SX_ANYWHERE_RANK);
					found++;
				}
			}
		}
	}
	for (uint32_t i = t->nbase; i < t->nslots && found < SX_ANYWHERE; i++) {
		if (sx_visible(s, &t->slots[i]) && sx_has_all_words(s, &t->slots[i])) {
			sx_cands_add(out, i, SX_ANYWHERE_RANK);
			found++;
		}
	}
#undef SX_KEPT
	free(bits);
	free(keep);
	free(words.v);
	free(best.v);
	free(second.v);
}

/* The order of asset.search: rank, similarity (best first), the
 * shorter name, the code. */
static int sx_cand_cmp(const void *a, const void *b, void *arg)
{
	const struct sx_table *t = arg;
	const struct sx_cand *x = a, *y = b;
	const struct sx_slot *sa = &t->slots[x->slot], *sb = &t->slots[y->slot];

	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->sim != y->sim)
		return x->sim > y->sim ? -1 : 1;
	if (sa->name_chars != sb->name_chars)
		return sa->name_chars - sb->name_chars;
	return strcmp(sx_code(t, sa), sx_code(t, sb));
}

static int sx_cand_slot_cmp(const void *a, const void *b)
{
	const struct sx_cand *x = a, *y = b;

	return (x->slot > y->slot) - (x->slot < y->slot);
}

int search_index_search(const struct search_query *q, struct search_hit **hits, size_t *n)
{
	struct sx_search s = { .q = q };
	struct sx_cands c = { 0 };
	struct u32s got = { 0 };
	struct u64s qtri = { 0 };
	size_t u;

	pthread_rwlock_rdlock(&sx.lock);
	if (sx.live == NULL) {
		pthread_rwlock_unlock(&sx.lock);
		return -1;
	}
	s.t = sx.live;
	s.upper = sx_upper(s.t, q->query);
	s.folded = sx_fold(s.t, q->query);
	s.words = xcalloc(q->nwords + 1, sizeof *s.words);
	for (size_t i = 0; i < q->nwords; i++)
		s.words[s.nwords++] = sx_fold(s.t, q->words[i]);
	s.longest = q->nwords > 0 ? s.words[q->longest] : "";
	/* The statement counts the LIKE-escaped word: "%%" is four. */
	s.long_enough = utf8_chars(s.longest) + like_specials(s.longest) >= 3;

	if (s.upper != NULL)
		sx_prefix_branch(&s, s.t->by_code, s.t->site_by_code, sx_cmp_code, false, s.upper,
		    &got, &c);
	sx_prefix_branch(&s, s.t->by_name, s.t->site_by_name, sx_cmp_name, true, s.folded, &got,
	    &c);
	free(got.v);
	if (s.long_enough)
		sx_anywhere_branch(&s, &c);

	/* Each once, with its best branch's rank, as the statement has it;
	 * the ranks that cannot reach the page go before the similarity,
	 * which costs the most, is measured. */
	if (c.n > 0)
		qsort(c.v, c.n, sizeof *c.v, sx_cand_slot_cmp);
	u = 0;
	for (size_t i = 0; i < c.n; i++) {
		if (u > 0 && c.v[u - 1].slot == c.v[i].slot) {
			if (c.v[i].rank < c.v[u - 1].rank)
				c.v[u - 1].rank = c.v[i].rank;
			continue;
		}
		c.v[u++] = c.v[i];
	}
	c.n = u;
	for (size_t i = 0; i < c.n; i++) {
		if (c.v[i].rank == SX_ANYWHERE_RANK)
			c.v[i].rank = sx_anywhere_rank(&s, &s.t->slots[c.v[i].slot]);
	}
	if (c.n > (size_t)q->limit) {
		int counts[5] = { 0 }, cut = 4;
		size_t below = 0;

		for (size_t i = 0; i < c.n; i++)
			counts[c.v[i].rank]++;
		for (int r = 0; r < 5; r++) {
			below += (size_t)counts[r];
			if (below >= (size_t)q->limit) {
				cut = r;
				break;
			}
		}
		u = 0;
		for (size_t i = 0; i < c.n; i++) {
			if (c.v[i].rank <= cut)
				c.v[u++] = c.v[i];
		}
		c.n = u;
	}
	trigram_list(s.folded, strlen(s.folded), &qtri);
	if (qtri.n > 0)
		qsort(qtri.v, qtri.n, sizeof *qtri.v, trigram_cmp);
	u = 0;
	for (size_t i = 0; i < qtri.n; i++) {
		if (u == 0 || qtri.v[u - 1] != qtri.v[i])
			qtri.v[u++] = qtri.v[i];
	}
	qtri.n = u;
	for (size_t i = 0; i < c.n; i++) {
		const struct sx_slot *sl = &s.t->slots[c.v[i].slot];
		c.v[i].sim = trigram_word_similarity(&qtri, sx_text(s.t, sl), sl->text_len);
	}
	if (c.n > 0)
		qsort_r(c.v, c.n, sizeof *c.v, sx_cand_cmp, (void *)s.t);
	if (c.n > (size_t)q->limit)
		c.n = (size_t)q->limit;
	*hits = xcalloc(c.n + 1, sizeof **hits);
	for (size_t i = 0; i < c.n; i++) {
		(*hits)[i].id = s.t->slots[c.v[i].slot].id;
		(*hits)[i].rank = c.v[i].rank;
	}
	*n = c.n;
	pthread_rwlock_unlock(&sx.lock);

	free(qtri.v);
	free(c.v);
	free(s.upper);
	free(s.folded);
	for (size_t i = 0; i < s.nwords; i++)
		free(s.words[i]);
	free(s.words);
	return 0;
}
