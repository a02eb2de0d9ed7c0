/* regiebench: load through regied, as its users make it.
 *
 *   regiebench -s ADDR -m MIX [-c CLIENTS] [-T SECONDS] [options]
 *
 * Mixes (one "transaction" each, timed from its first call to its last
 * answer; every connection keeps one transaction going, as a user waits
 * for the screen before the next key):
 *   read      asset.get, then the asset's 20 latest work orders
 *             (workorder.asset_history); ids from -f, one per line
 *   search    asset.search of as-you-type prefixes of the names in -f
 *   list      the first page of a list screen, in turn (-L: only the
 *             named ones, as in tests/bench/pgbench/list/NAME.sql)
 *   workflow  a referent submits a request, a supervisor approves it and
 *             assigns the work order, the agent starts, reports 1.5 h and
 *             a part, and finishes: six calls on three sessions (-W)
 * Two further measures:
 *   sessions  -n N connections resumed into one logged-in session each
 *             (the token of one login), then idle; prints regied's
 *             resident memory before and after (-P PID)
 *   fanout    -n N subscribed connections; one change; the time until
 *             the last of them has its event (-r rounds)
 *
 * Output: one line of key=value pairs per run, which tests/bench/run.sh
 * turns into its table and CSV, and with -l FILE one line per
 * transaction: its latency in ms and its name (the mix, or the list
 * screen). Not a test: never run by make check. */
#include <sys/resource.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "client.h"
#include "rv.h"
#include "xmalloc.h"

enum mix { MIX_READ, MIX_SEARCH, MIX_LIST, MIX_WORKFLOW, MIX_SESSIONS, MIX_FANOUT };
static const char *const mix_names[] = { "read", "search", "list", "workflow", "sessions",
	"fanout", NULL };

/* The list screens' first pages, as the client asks for them, each named
 * as its mirror in tests/bench/pgbench/list/NAME.sql. */
static const struct { const char *name, *method, *params; } list_calls[] = {
	{ "asset", "asset.list", "{limit: 50}" },
	{ "asset_in_service", "asset.list", "{status: \"in_service\", limit: 50}" },
	{ "request", "request.list", "{limit: 50}" },
	{ "request_queue", "request.queue", "{limit: 50}" },
	{ "workorder", "workorder.list", "{limit: 50}" },
	{ "workorder_open", "workorder.list", "{status: \"open\", limit: 50}" },
	{ "agent", "agent.list", "{limit: 50}" },
	{ "audit", "audit.list", "{limit: 50}" },
};
#define NLIST_CALLS (sizeof list_calls / sizeof list_calls[0])

enum { ROLE_MAIN, ROLE_SUPERVISOR, ROLE_AGENT, NROLES };

struct samples {
	double *ms;
	size_t n, cap;
};

struct bench {
	struct event_base *base;
	enum mix mix;
	const char *addr;
	char **lines;                /* -f */
	size_t nlines, next_line;
	double deadline_ms;
	long done, errors;
	struct samples latency;
	struct samples screen[NLIST_CALLS];   /* the list mix, per screen */
	bool screen_on[NLIST_CALLS];          /* -L */
	FILE *log;                            /* -l: one line a transaction */
	int busy;                    /* clients with a transaction going */
	/* workflow: -W CATEGORY,SITE,AGENT */
	int64_t category_id, site_id, agent_id;
};

struct client {
	struct bench *b;
	struct regie_client *conn[NROLES];
	int step;
	double started_ms;
	int64_t request_id, wo_id, wo_version;
	size_t list_turn, screen_now;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("regiebench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static struct rv *params_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct rv *params_json(const char *fmt, ...)
{
	va_list ap;
	char *text, err[160];
	struct rv *v;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	if ((v = rv_from_json(text, err, sizeof err)) == NULL)
		die("bad params %s: %s", text, err);
	free(text);
	return v;
}

static struct regie_client *connect_to(struct bench *b)
{
	char err[256];
	struct regie_client *c = regie_client_new(b->base, b->addr, err, sizeof err);

	if (c == NULL || regie_client_connect_sync(c, 10000) != 0)
		die("cannot connect to %s%s%s", b->addr, c ? "" : ": ", c ? "" : err);
	regie_client_set_reconnect(c, false);
	return c;
}

/* Logs in (or resumes a token when password is NULL); returns the token. */
static char *log_in(struct regie_client *c, const char *login, const char *password,
    const char *token)
{
	struct rv *p = rv_map(), *result = NULL, *error = NULL;
	char *out;

	if (token != NULL) {
		rv_set_str(p, "token", token);
	} else {
		rv_set_str(p, "login", login);
		rv_set_str(p, "password", password);
	}
	if (regie_call_sync(c, token ? "session.resume" : "session.login", p, &result, &error,
	    60000) != 0)
		die("%s %s: %s", token ? "resume" : "login", login ? login : "",
		    rv_path_str(error, "message", "?"));
	out = xstrdup(rv_path_str(result, "token", ""));
	rv_free(result);
	return out;
}

/* regied's page cache counters (system.stats, admins only): how many
 * calls it answered from memory, so a figure says what it measured.
 * Both -1 when the login may not read them. */
static void cache_counts(struct regie_client *c, long long *hits, long long *misses)
{
	struct rv *result = NULL, *error = NULL;

	*hits = *misses = -1;
	if (regie_call_sync(c, "system.stats", NULL, &result, &error, 60000) == 0) {
		*hits = rv_path_int(result, "page_cache.hits", -1);
		*misses = rv_path_int(result, "page_cache.misses", -1);
	}
	rv_free(result);
	rv_free(error);
}

static void record(struct samples *s, double ms)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->ms = xreallocarray(s->ms, s->cap, sizeof *s->ms);
	}
	s->ms[s->n++] = ms;
}

static void step(struct client *cl);

static void client_idle(struct client *cl)
{
	if (--cl->b->busy == 0)
		event_base_loopbreak(cl->b->base);
}

static void reply_cb(struct regie_client *c, const struct rv *error, const struct rv *result,
    void *arg)
{
	struct client *cl = arg;
	struct bench *b = cl->b;

	(void)c;
	if (error != NULL) {
		if (b->errors++ < 5) {
			char *text = rv_to_json(error);
			fprintf(stderr, "regiebench: %s step %d: %s\n", mix_names[b->mix], cl->step, text);
			free(text);
		}
		cl->step = 0;
	} else if (b->mix == MIX_WORKFLOW && cl->step < 5) {
		/* Carry what the next call needs from this answer. */
		switch (cl->step) {
		case 0:
			cl->request_id = rv_path_int(result, "id", 0);
			break;
		case 1:
			cl->wo_id = rv_path_int(result, "work_order_id", 0);
			cl->wo_version = 1;
			break;
		default:
			cl->wo_version = rv_path_int(result, "version", 0);
			break;
		}
		cl->step++;
		step(cl);
		return;
	} else if (b->mix == MIX_READ && cl->step == 0) {
		cl->step = 1;
		step(cl);
		return;
	} else {
		double ms = now_ms() - cl->started_ms;

		b->done++;
		record(&b->latency, ms);
		if (b->mix == MIX_LIST)
			record(&b->screen[cl->screen_now], ms);
		if (b->log != NULL)
			fprintf(b->log, "%.3f %s\n", ms, b->mix == MIX_LIST ?
			    list_calls[cl->screen_now].name : mix_names[b->mix]);
		cl->step = 0;
	}
	if (now_ms() >= b->deadline_ms)
		client_idle(cl);
	else
		step(cl);
}

static const char *next_line(struct bench *b)
{
	return b->lines[b->next_line++ % b->nlines];
}

static void step(struct client *cl)
{
	struct bench *b = cl->b;
	struct regie_client *main_conn = cl->conn[ROLE_MAIN];
	struct rv *p;

	if (cl->step == 0)
		cl->started_ms = now_ms();
	switch (b->mix) {
	case MIX_READ:
		if (cl->step == 0) {
			cl->request_id = strtoll(next_line(b), NULL, 10);
			regie_call(main_conn, "asset.get", params_json("{id: %lld}",
			    (long long)cl->request_id), reply_cb, cl);
		} else {
			regie_call(main_conn, "workorder.asset_history",
			    params_json("{asset_id: %lld, limit: 20}", (long long)cl->request_id),
			    reply_cb, cl);
		}
		break;
	case MIX_SEARCH:
		p = rv_map();
		rv_set_str(p, "query", next_line(b));
		rv_set_int(p, "limit", 20);
		regie_call(main_conn, "asset.search", p, reply_cb, cl);
		break;
	case MIX_LIST: {
		size_t i;

		do
			i = cl->screen_now = cl->list_turn++ % NLIST_CALLS;
		while (!b->screen_on[i]);
		regie_call(main_conn, list_calls[i].method, params_json("%s", list_calls[i].params),
		    reply_cb, cl);
		break;
	}
	case MIX_WORKFLOW:
		switch (cl->step) {
		case 0:
			regie_call(main_conn, "request.submit", params_json("{category_id: %lld, "
			    "site_id: %lld, urgency: \"normal\", description: \"Fuite sous l'évier "
			    "du local technique\"}", (long long)b->category_id, (long long)b->site_id),
			    reply_cb, cl);
			break;
		case 1:
			regie_call(cl->conn[ROLE_SUPERVISOR], "request.approve",
			    params_json("{id: %lld, version: 1}", (long long)cl->request_id),
			    reply_cb, cl);
			break;
		case 2:
			regie_call(cl->conn[ROLE_SUPERVISOR], "workorder.assign",
			    params_json("{id: %lld, version: %lld, agent_ids: [%lld]}",
			    (long long)cl->wo_id, (long long)cl->wo_version, (long long)b->agent_id),
			    reply_cb, cl);
			break;
		case 3:
			regie_call(cl->conn[ROLE_AGENT], "workorder.start", params_json("{id: %lld, "
			    "version: %lld}", (long long)cl->wo_id, (long long)cl->wo_version),
			    reply_cb, cl);
			break;
		case 4:
			regie_call(cl->conn[ROLE_AGENT], "workorder.report", params_json("{id: %lld, "
			    "hours: \"1.5\", part: \"Joint fibre 20x27\", quantity: \"2\", "
			    "unit_cost: \"0.85\"}", (long long)cl->wo_id), reply_cb, cl);
			break;
		default:
			regie_call(cl->conn[ROLE_AGENT], "workorder.finish", params_json("{id: %lld, "
			    "version: %lld, completion: \"Joint remplacé\"}", (long long)cl->wo_id,
			    (long long)cl->wo_version), reply_cb, cl);
			break;
		}
		break;
	default:
		abort();
	}
}

static void load_lines(struct bench *b, const char *path, bool prefixes)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;

	if (f == NULL)
		die("%s: cannot open", path);
	while (fgets(line, sizeof line, f) != NULL) {
		size_t len = strcspn(line, "\r\n"), chars = 0;

		line[len] = '\0';
		if (len == 0)
			continue;
		for (size_t i = prefixes ? 1 : len; i <= len; i++) {
			/* As typed: each prefix of 2 to 16 characters. */
			if (prefixes) {
				if (i < len && ((unsigned char)line[i] & 0xc0) == 0x80)
					continue;
				if (++chars < 2 || chars > 16 || line[i - 1] == ' ')
					continue;
			}
			if (b->nlines == cap) {
				cap = cap ? cap * 2 : 1024;
				b->lines = xreallocarray(b->lines, cap, sizeof *b->lines);
			}
			b->lines[b->nlines++] = xstrndup(line, i);
		}
	}
	fclose(f);
	if (b->nlines == 0)
		die("%s: no lines", path);
	srand(42);
	for (size_t i = b->nlines - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1);
		char *t = b->lines[i];
		b->lines[i] = b->lines[j];
		b->lines[j] = t;
	}
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

static void sort_samples(struct samples *s)
{
	if (s->n > 0)
		qsort(s->ms, s->n, sizeof *s->ms, cmp_double);
}

/* The p-th percentile of sorted samples (100: the largest). */
static double pct(const struct samples *s, double p)
{
	long i = (long)(p / 100.0 * (double)s->n + 0.5) - 1;

	if (s->n == 0)
		return 0;
	return s->ms[i < 0 ? 0 : (size_t)i >= s->n ? s->n - 1 : (size_t)i];
}

static long rss_kb(long pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void raise_fd_limit(int need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < (rlim_t)need + 64) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)need + 64 ? rl.rlim_max : (rlim_t)need + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)need + 16)
		die("%d connections need more open files than ulimit -n allows (%ld)", need,
		    (long)rl.rlim_cur);
}

/* Idle logged-in sessions: regied's memory for n of them. */
static void run_sessions(struct bench *b, const char *login, const char *password, int n,
    long pid)
{
	struct regie_client **conns = xcalloc((size_t)n, sizeof *conns);
	struct regie_client *first;
	char *token;
	long before, after;

	raise_fd_limit(n + 1);
	first = connect_to(b);
	token = log_in(first, login, password, NULL);
	before = rss_kb(pid);
	for (int i = 0; i < n; i++) {
		conns[i] = connect_to(b);
		free(log_in(conns[i], NULL, NULL, token));
	}
	after = rss_kb(pid);
	printf("mix=sessions sessions=%d rss_before_kb=%ld rss_after_kb=%ld per_session_bytes=%.0f\n",
	    n, before, after, before < 0 ? -1.0 : (after - before) * 1024.0 / n);
	for (int i = 0; i < n; i++)
		regie_client_free(conns[i]);
	regie_client_free(first);
	free(conns);
	free(token);
}

struct fanout {
	struct bench *b;
	int n, received;
	int64_t asset_id;
	double sent_ms, last_ms;
};

static void fanout_notify_cb(struct regie_client *c, const char *method,
    const struct rv *params, void *arg)
{
	struct fanout *fo = arg;
	const struct rv *ev = rv_path(params, "0");

	(void)c;
	if (strcmp(method, "event") != 0 || ev == NULL ||
	    strcmp(rv_path_str(ev, "topic", ""), "asset") != 0 ||
	    rv_path_int(ev, "id", 0) != fo->asset_id || fo->sent_ms == 0)
		return;
	if (++fo->received == fo->n) {
		fo->last_ms = now_ms();
		event_base_loopbreak(fo->b->base);
	}
}

/* One change, n subscribers: the time until the last one has it. */
static void run_fanout(struct bench *b, const char *login, const char *password, int n,
    int rounds)
{
	struct regie_client **conns = xcalloc((size_t)n, sizeof *conns), *writer;
	struct fanout fo = { .b = b, .n = n };
	char *token;

	raise_fd_limit(n + 1);
	writer = connect_to(b);
	token = log_in(writer, login, password, NULL);
	fo.asset_id = strtoll(b->lines[0], NULL, 10);
	for (int i = 0; i < n; i++) {
		struct rv *result = NULL, *error = NULL;

		conns[i] = connect_to(b);
		free(log_in(conns[i], NULL, NULL, token));
		regie_client_set_notify_cb(conns[i], fanout_notify_cb, &fo);
		if (regie_call_sync(conns[i], "event.subscribe", params_json("{topics: [\"asset\"]}"),
		    &result, &error, 10000) != 0)
			die("event.subscribe: %s", rv_path_str(error, "message", "?"));
		rv_free(result);
	}
	for (int r = 0; r < rounds; r++) {
		struct rv *result = NULL, *error = NULL;

		fo.received = 0;
		fo.sent_ms = now_ms();
		if (regie_call_sync(writer, "asset.set_condition", params_json("{id: %lld, "
		    "score: %d, note: \"regiebench fan-out\"}", (long long)fo.asset_id, 1 + r % 5),
		    &result, &error, 10000) != 0)
			die("asset.set_condition: %s", rv_path_str(error, "message", "?"));
		rv_free(result);
		if (fo.received < n)
			event_base_dispatch(b->base);
		record(&b->latency, fo.last_ms - fo.sent_ms);
		fo.sent_ms = 0;
	}
	sort_samples(&b->latency);
	printf("mix=fanout subscribers=%d rounds=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", n,
	    rounds, pct(&b->latency, 50), pct(&b->latency, 99), pct(&b->latency, 100));
	for (int i = 0; i < n; i++)
		regie_client_free(conns[i]);
	regie_client_free(writer);
	free(conns);
	free(token);
}

static void usage(void)
{
	fprintf(stderr,
	    "usage: regiebench -s ADDR -m read|search|list|workflow -u LOGIN -p PASSWORD\n"
	    "                  [-c CLIENTS] [-T SECONDS] [-f FILE] [-L SCREEN,...] [-l LOG]\n"
	    "                  [-W CATEGORY,SITE,AGENT -U SUPERVISOR:PASSWORD -A AGENT:PASSWORD]\n"
	    "       regiebench -s ADDR -m sessions -u LOGIN -p PASSWORD -n N -P REGIED_PID\n"
	    "       regiebench -s ADDR -m fanout -u LOGIN -p PASSWORD -n N -f ASSET_IDS [-r ROUNDS]\n");
	exit(2);
}

static void split_login(const char *arg, char **login, char **password)
{
	const char *colon = arg ? strchr(arg, ':') : NULL;

	if (colon == NULL)
		die("expected LOGIN:PASSWORD, not '%s'", arg ? arg : "");
	*login = xstrndup(arg, (size_t)(colon - arg));
	*password = xstrdup(colon + 1);
}

int main(int argc, char **argv)
{
	struct bench b = { .mix = MIX_READ };
	const char *login = NULL, *password = NULL, *file = NULL, *mix = NULL, *workflow = NULL;
	const char *supervisor_arg = NULL, *agent_arg = NULL;
	struct client *clients;
	int nclients = 1, seconds = 10, n = 1000, rounds = 20, opt;
	long pid = 0;
	double t0, elapsed;
	long long hits0, misses0, hits1, misses1;
	const char *screens = NULL;

	while ((opt = getopt(argc, argv, "s:m:u:p:c:T:f:W:U:A:n:P:r:L:l:")) != -1) {
		switch (opt) {
		case 's': b.addr = optarg; break;
		case 'm': mix = optarg; break;
		case 'u': login = optarg; break;
		case 'p': password = optarg; break;
		case 'c': nclients = atoi(optarg); break;
		case 'T': seconds = atoi(optarg); break;
		case 'f': file = optarg; break;
		case 'W': workflow = optarg; break;
		case 'U': supervisor_arg = optarg; break;
		case 'A': agent_arg = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'P': pid = atol(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'L': screens = optarg; break;
		case 'l':
			if ((b.log = fopen(optarg, "w")) == NULL)
				die("%s: cannot write", optarg);
			break;
		default: usage();
		}
	}
	if (b.addr == NULL || mix == NULL || login == NULL || password == NULL || nclients < 1 ||
	    nclients > 4096 || seconds < 1 || n < 1)
		usage();
	for (b.mix = 0; mix_names[b.mix] != NULL && strcmp(mix_names[b.mix], mix) != 0; b.mix++)
		;
	if (mix_names[b.mix] == NULL)
		usage();
	if ((b.mix == MIX_READ || b.mix == MIX_SEARCH || b.mix == MIX_FANOUT) && file == NULL)
		die("-m %s needs -f FILE", mix);
	if (file != NULL)
		load_lines(&b, file, b.mix == MIX_SEARCH);
	/* -L asset,audit: only those list screens, to look at one alone. */
	for (size_t i = 0; i < NLIST_CALLS; i++) {
		char pat[64];

		snprintf(pat, sizeof pat, ",%s,", list_calls[i].name);
		if (screens == NULL) {
			b.screen_on[i] = true;
		} else {
			char *all = xasprintf(",%s,", screens);
			b.screen_on[i] = strstr(all, pat) != NULL;
			free(all);
		}
	}
	for (size_t i = 0; screens != NULL && i < NLIST_CALLS && !b.screen_on[i]; i++)
		if (i == NLIST_CALLS - 1)
			die("-L %s names no list screen", screens);
	b.base = event_base_new();

	if (b.mix == MIX_SESSIONS) {
		run_sessions(&b, login, password, n, pid);
		goto out;
	}
	if (b.mix == MIX_FANOUT) {
		run_fanout(&b, login, password, n, rounds);
		goto out;
	}
	raise_fd_limit(nclients * NROLES);
	if (b.mix == MIX_WORKFLOW) {
		long long cat, site, agent;
		if (workflow == NULL || sscanf(workflow, "%lld,%lld,%lld", &cat, &site, &agent) != 3 ||
		    supervisor_arg == NULL || agent_arg == NULL)
			die("-m workflow needs -W CATEGORY,SITE,AGENT -U SUPERVISOR:PW -A AGENT:PW");
		b.category_id = cat;
		b.site_id = site;
		b.agent_id = agent;
	}
	clients = xcalloc((size_t)nclients, sizeof *clients);
	for (int i = 0; i < nclients; i++) {
		clients[i].b = &b;
		clients[i].conn[ROLE_MAIN] = connect_to(&b);
		free(log_in(clients[i].conn[ROLE_MAIN], login, password, NULL));
		if (b.mix == MIX_WORKFLOW) {
			char *l, *pw;
			split_login(supervisor_arg, &l, &pw);
			clients[i].conn[ROLE_SUPERVISOR] = connect_to(&b);
			free(log_in(clients[i].conn[ROLE_SUPERVISOR], l, pw, NULL));
			free(l);
			free(pw);
			split_login(agent_arg, &l, &pw);
			clients[i].conn[ROLE_AGENT] = connect_to(&b);
			free(log_in(clients[i].conn[ROLE_AGENT], l, pw, NULL));
			free(l);
			free(pw);
		}
		clients[i].list_turn = (size_t)i;
	}
	cache_counts(clients[0].conn[ROLE_MAIN], &hits0, &misses0);
	t0 = now_ms();
	b.deadline_ms = t0 + seconds * 1e3;
	b.busy = nclients;
	for (int i = 0; i < nclients; i++)
		step(&clients[i]);
	event_base_dispatch(b.base);
	elapsed = now_ms() - t0;
	sort_samples(&b.latency);
	cache_counts(clients[0].conn[ROLE_MAIN], &hits1, &misses1);
	if (b.log != NULL)
		fclose(b.log);
	printf("mix=%s clients=%d transactions=%ld errors=%ld seconds=%.3f tps=%.1f p50_ms=%.3f "
	    "p99_ms=%.3f max_ms=%.3f cache_hits=%lld cache_misses=%lld\n", mix, nclients, b.done,
	    b.errors, elapsed / 1e3, b.done / (elapsed / 1e3),
	    pct(&b.latency, 50), pct(&b.latency, 99), pct(&b.latency, 100),
	    hits0 < 0 || hits1 < 0 ? -1 : hits1 - hits0,
	    misses0 < 0 || misses1 < 0 ? -1 : misses1 - misses0);
	/* Then a line per list screen, for run.sh's breakdown. */
	for (size_t i = 0; b.mix == MIX_LIST && i < NLIST_CALLS; i++) {
		sort_samples(&b.screen[i]);
		printf("screen=%s calls=%zu p50_ms=%.3f p99_ms=%.3f\n", list_calls[i].name,
		    b.screen[i].n, pct(&b.screen[i], 50), pct(&b.screen[i], 99));
	}
	for (int i = 0; i < nclients; i++)
		for (int r = 0; r < NROLES; r++)
			if (clients[i].conn[r] != NULL)
				regie_client_free(clients[i].conn[r]);
	free(clients);
out:
	event_base_free(b.base);
	for (size_t i = 0; i < b.nlines; i++)
		free(b.lines[i]);
	free(b.lines);
	free(b.latency.ms);
	for (size_t i = 0; i < NLIST_CALLS; i++)
		free(b.screen[i].ms);
	return b.errors > 0 ? 1 : 0;
}
