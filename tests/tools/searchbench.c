/* searchbench: latency of calls through regied, as users would make them.
 *
 *   searchbench -s ADDR -u LOGIN -p PASSWORD [-c CONNECTIONS] [-n CALLS]
 *       (-f NAMES | -m METHOD [-P JSON-PARAMS])
 *
 * With -f, a file of asset names (one a line), it types them: each name
 * gives its as-you-type prefixes (2, 3, ... characters, up to 16) as
 * asset.search queries. With -m it repeats one call (the first page of a
 * list, say). Each connection logs in, then keeps one call in flight, as
 * a user waits for an answer before the next key; CALLS in all. Prints
 * the count, the errors, the throughput and p50/p90/p99/max in ms; with
 * -f, then the slowest queries, which make the p99.
 * Not a test: benchmarks never run in make check. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "client.h"
#include "rv.h"
#include "xmalloc.h"

#define MAX_CONNS 256

struct bench {
	struct event_base *base;
	char **queries;              /* -f: the prefixes to type */
	size_t nqueries, next_query;
	const char *method;
	const char *params_json;
	long total, sent, done, errors;
	double *latency_ms;
	const char **asked;          /* -f: the query of each answer */
	int limit;
};

#define SLOWEST 5

struct slot {
	struct bench *b;
	struct regie_client *c;
	struct timespec started;
	const char *query;           /* -f: in flight */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void send_next(struct slot *s);

static void reply_cb(struct regie_client *c, const struct rv *error, const struct rv *result,
    void *arg)
{
	struct slot *s = arg;
	struct bench *b = s->b;
	struct timespec end;

	clock_gettime(CLOCK_MONOTONIC, &end);
	if (b->asked != NULL)
		b->asked[b->done] = s->query;
	b->latency_ms[b->done++] = (end.tv_sec - s->started.tv_sec) * 1e3 +
	    (end.tv_nsec - s->started.tv_nsec) / 1e6;
	if (error != NULL) {
		if (b->errors++ < 3) {
			char *text = rv_to_json(error);
			fprintf(stderr, "searchbench: error: %s\n", text);
			free(text);
		}
	}
	if (b->done == b->total)
		event_base_loopbreak(b->base);
	else
		send_next(s);
}

static void send_next(struct slot *s)
{
	struct bench *b = s->b;
	struct rv *params;
	char err[160];

	if (b->sent >= b->total)
		return;
	b->sent++;
	if (b->queries != NULL) {
		params = rv_map();
		s->query = b->queries[b->next_query++ % b->nqueries];
		rv_set_str(params, "query", s->query);
		rv_set_int(params, "limit", b->limit);
	} else {
		params = b->params_json ? rv_from_json(b->params_json, err, sizeof err) : NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	regie_call(s->c, b->queries ? "asset.search" : b->method, params, reply_cb, s);
}

/* Prefixes of 2..16 characters (not bytes) of each name, shuffled so that
 * the connections do not type the same name in step. */
static void load_queries(struct bench *b, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof line, f) != NULL) {
		size_t len = strcspn(line, "\r\n"), chars = 0;

		line[len] = '\0';
		for (size_t i = 0; i <= len; i++) {
			bool boundary = i == len || ((unsigned char)line[i] & 0xc0) != 0x80;
			if (!boundary || i == 0)
				continue;
			chars++;
			if (chars < 2 || chars > 16)
				continue;
			if (line[i - 1] == ' ')
				continue;           /* a trailing space adds nothing */
			if (b->nqueries == cap) {
				cap = cap ? cap * 2 : 1024;
				b->queries = xreallocarray(b->queries, cap, sizeof *b->queries);
			}
			b->queries[b->nqueries++] = xstrndup(line, i);
		}
	}
	fclose(f);
	if (b->nqueries == 0) {
		fprintf(stderr, "searchbench: no names in %s\n", path);
		exit(2);
	}
	srand(42);
	for (size_t i = b->nqueries - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1);
		char *t = b->queries[i];
		b->queries[i] = b->queries[j];
		b->queries[j] = t;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(const double *v, long n, double p)
{
	long i = (long)(p / 100.0 * (double)n + 0.5) - 1;

	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

/* The slowest answers and their queries, before the latencies are sorted. */
static void print_slowest(const struct bench *b)
{
	long top[SLOWEST];
	int ntop = 0;

	for (long i = 0; i < b->done; i++) {
		int at = ntop < SLOWEST ? ntop++ : SLOWEST;

		if (at == SLOWEST && b->latency_ms[i] <= b->latency_ms[top[SLOWEST - 1]])
			continue;
		if (at == SLOWEST)
			at = SLOWEST - 1;
		while (at > 0 && b->latency_ms[top[at - 1]] < b->latency_ms[i]) {
			top[at] = top[at - 1];
			at--;
		}
		top[at] = i;
	}
	for (int i = 0; i < ntop; i++)
		fprintf(stderr, "slow: %.2f ms \"%s\"\n", b->latency_ms[top[i]], b->asked[top[i]]);
}

static void usage(void)
{
	fprintf(stderr, "usage: searchbench -s ADDR -u LOGIN -p PASSWORD [-c CONNECTIONS] "
	    "[-n CALLS] [-l LIMIT] (-f NAMES | -m METHOD [-P JSON])\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *login = NULL, *password = NULL, *names = NULL;
	struct bench b = { .total = 2000, .limit = 20 };
	struct slot slots[MAX_CONNS];
	int nconns = 8, opt;
	double t0, elapsed;

	while ((opt = getopt(argc, argv, "s:u:p:c:n:f:m:P:l:")) != -1) {
		switch (opt) {
		case 's': addr = optarg; break;
		case 'u': login = optarg; break;
		case 'p': password = optarg; break;
		case 'c': nconns = atoi(optarg); break;
		case 'n': b.total = atol(optarg); break;
		case 'l': b.limit = atoi(optarg); break;
		case 'f': names = optarg; break;
		case 'm': b.method = optarg; break;
		case 'P': b.params_json = optarg; break;
		default: usage();
		}
	}
	if (addr == NULL || login == NULL || password == NULL || (names == NULL) == (b.method == NULL) ||
	    nconns < 1 || nconns > MAX_CONNS || b.total < 1)
		usage();
	if (names != NULL)
		load_queries(&b, names);
	b.latency_ms = xcalloc((size_t)b.total, sizeof *b.latency_ms);
	if (names != NULL)
		b.asked = xcalloc((size_t)b.total, sizeof *b.asked);
	b.base = event_base_new();
	for (int i = 0; i < nconns; i++) {
		struct rv *p = rv_map(), *result = NULL, *error = NULL;
		char err[256];

		slots[i].b = &b;
		if ((slots[i].c = regie_client_new(b.base, addr, err, sizeof err)) == NULL ||
		    regie_client_connect_sync(slots[i].c, 5000) != 0) {
			fprintf(stderr, "searchbench: cannot connect to %s\n", addr);
			return 2;
		}
		rv_set_str(p, "login", login);
		rv_set_str(p, "password", password);
		if (regie_call_sync(slots[i].c, "session.login", p, &result, &error, 10000) != 0) {
			fprintf(stderr, "searchbench: login failed\n");
			return 2;
		}
		rv_free(result);
	}
	t0 = now_ms();
	for (int i = 0; i < nconns; i++)
		send_next(&slots[i]);
	event_base_dispatch(b.base);
	elapsed = now_ms() - t0;
	if (b.asked != NULL)
		print_slowest(&b);
	qsort(b.latency_ms, (size_t)b.done, sizeof *b.latency_ms, cmp_double);
	printf("%s: %ld calls on %d connections, %ld errors, %.0f calls/s; "
	    "ms p50 %.2f p90 %.2f p99 %.2f max %.2f\n", names ? "asset.search (typing)" : b.method,
	    b.done, nconns, b.errors, b.done / (elapsed / 1e3), pct(b.latency_ms, b.done, 50),
	    pct(b.latency_ms, b.done, 90), pct(b.latency_ms, b.done, 99),
	    b.done ? b.latency_ms[b.done - 1] : 0.0);
	for (int i = 0; i < nconns; i++)
		regie_client_free(slots[i].c);
	event_base_free(b.base);
	for (size_t i = 0; i < b.nqueries; i++)
		free(b.queries[i]);
	free(b.queries);
	free(b.latency_ms);
	free(b.asked);
	return b.errors > 0 ? 1 : 0;
}
