/* Worker threads with one PostgreSQL connection each.
 *
 * Handlers are plain synchronous libpq code, so they run here and never
 * on the event loop. Results come back through a mutex-protected list
 * and event_active(), which libevent makes safe across threads once
 * evthread_use_pthreads() has been called. */
#include <event2/event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "log.h"
#include "pool.h"
#include "xmalloc.h"

#define STMT_SLOTS 1024   /* prepared statements per connection; beyond, unprepared */

/* A statement is known by its pointer when it is a string literal, or by
 * its text when it was built at run time (a list's filters): the slot
 * then owns a copy, since the caller's buffer is freed after the call. */
struct stmt_slot {
	const char *sql;
	bool by_text;
	uint64_t hash;               /* of the text, when by_text */
	char name[16];
};

struct worker {
	struct pool *pool;
	int index;
	pthread_t thread;
	PGconn *db;
	time_t next_connect;         /* after a failed connect, don't hammer the server */
	struct stmt_slot stmts[STMT_SLOTS];
	int nstmts;
	pthread_cond_t wake;         /* its own: the pool wakes one chosen worker */
	bool idle;                   /* on the pool's idle stack */
	struct worker *next_idle;
};

/* Idle workers wait on a stack and a call wakes the one that went idle
 * last. Its connection's backend has the statements and the data of the
 * last calls in its caches, and one client's calls, one after the
 * other, keep to one backend instead of going round all of them: that
 * took about a tenth off a list page at one client. */
struct pool {
	pthread_mutex_t lock;
	struct worker *idle_top;
	struct job *todo_head, *todo_tail;
	struct job *done_head, *done_tail;
	bool stopping;
	int busy;                    /* submitted, not yet handed back; loop only */
	char *conninfo;
	struct event *done_ev;
	int nworkers;
	struct worker *workers;
};

static void pool_push(struct job **head, struct job **tail, struct job *j)
{
	j->next = NULL;
	if (*tail != NULL)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
}

static void worker_forget_statements(struct worker *w)
{
	for (size_t i = 0; i < STMT_SLOTS; i++) {
		if (w->stmts[i].by_text)
			free((char *)w->stmts[i].sql);
	}
	memset(w->stmts, 0, sizeof w->stmts);
	w->nstmts = 0;
}

static void worker_connect(struct worker *w)
{
	PGresult *res;
	time_t now = time(NULL);

	if (now < w->next_connect)
		return;
	if (w->db != NULL)
		PQfinish(w->db);
	worker_forget_statements(w);
	w->db = PQconnectdb(w->pool->conninfo);
	if (PQstatus(w->db) != CONNECTION_OK) {
		char *msg = PQerrorMessage(w->db);
		size_t len = strlen(msg);
		while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
			msg[--len] = '\0';
		log_warn("worker %d: cannot connect to the database: %s", w->index, msg);
		PQfinish(w->db);
		w->db = NULL;
		w->next_connect = now + 1;
		return;
	}
	/* Times leave the server in UTC and ISO form, whatever the
	 * database's defaults; db_row relies on it. Joins run in the order
	 * the statements write them (the table the page comes from first,
	 * then its lookups by key): planning every order of a list's eight
	 * tables cost 20-60 ms a call, the page itself 2 ms. */
	res = PQexec(w->db, "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; "
	    "SET IntervalStyle TO 'iso_8601'; SET application_name TO 'regied'; "
	    "SET join_collapse_limit TO 1");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		log_warn("worker %d: session setup failed: %s", w->index, PQerrorMessage(w->db));
		PQfinish(w->db);
		w->db = NULL;
		w->next_connect = now + 1;
	} else {
		log_debug("worker %d: connected to the database", w->index);
	}
	PQclear(res);
}

PGconn *worker_db(struct worker *w)
{
	if (w->db == NULL || PQstatus(w->db) != CONNECTION_OK)
		worker_connect(w);
	return w->db;
}

void worker_db_lost(struct worker *w)
{
	if (w->db != NULL) {
		PQfinish(w->db);
		w->db = NULL;
	}
	w->next_connect = 0;
	worker_forget_statements(w);
}

int worker_index(const struct worker *w)
{
	return w->index;
}

/* Prepares sql in slot, which the probe found empty. */
static const char *worker_prepare(struct worker *w, struct stmt_slot *slot, const char *sql,
    bool by_text, uint64_t hash, int nparams, PGresult **res)
{
	PGresult *r;

	if (w->nstmts >= STMT_SLOTS * 3 / 4)
		return "";                   /* table full: run unprepared */
	snprintf(slot->name, sizeof slot->name, "s%d", w->nstmts);
	r = PQprepare(w->db, slot->name, sql, nparams, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		*res = r;
		return NULL;
	}
	PQclear(r);
	slot->sql = by_text ? xstrdup(sql) : sql;
	slot->by_text = by_text;
	slot->hash = hash;
	w->nstmts++;
	return slot->name;
}

const char *worker_prepared(struct worker *w, const char *sql, int nparams, PGresult **res)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_SLOTS;
	struct stmt_slot *slot = NULL;

	*res = NULL;
	for (size_t probe = 0; probe < STMT_SLOTS; probe++) {
		slot = &w->stmts[(h + probe) % STMT_SLOTS];
		if (slot->sql == sql && !slot->by_text)
			return slot->name;
		if (slot->sql == NULL)
			break;
	}
	return worker_prepare(w, slot, sql, false, 0, nparams, res);
}

/* FNV-1a, 64 bits. */
static uint64_t text_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

const char *worker_prepared_text(struct worker *w, const char *sql, int nparams, PGresult **res)
{
	uint64_t hash = text_hash(sql);
	struct stmt_slot *slot = NULL;

	*res = NULL;
	for (size_t probe = 0; probe < STMT_SLOTS; probe++) {
		slot = &w->stmts[(hash + probe) % STMT_SLOTS];
		if (slot->by_text && slot->hash == hash && strcmp(slot->sql, sql) == 0)
			return slot->name;
		if (slot->sql == NULL)
			break;
	}
	return worker_prepare(w, slot, sql, true, hash, nparams, res);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	for (;;) {
		struct job *j;

		pthread_mutex_lock(&p->lock);
		while (p->todo_head == NULL && !p->stopping) {
			/* A wake-up for a job another worker took first, or
			 * none at all: back on top of the stack. */
			if (!w->idle) {
				w->idle = true;
				w->next_idle = p->idle_top;
				p->idle_top = w;
			}
			pthread_cond_wait(&w->wake, &p->lock);
		}
		j = p->todo_head;
		if (j == NULL) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		p->todo_head = j->next;
		if (p->todo_head == NULL)
			p->todo_tail = NULL;
		pthread_mutex_unlock(&p->lock);

		j->run(j, w);

		pthread_mutex_lock(&p->lock);
		pool_push(&p->done_head, &p->done_tail, j);
		pthread_mutex_unlock(&p->lock);
		event_active(p->done_ev, EV_READ, 0);
	}
	if (w->db != NULL)
		PQfinish(w->db);
	w->db = NULL;
	worker_forget_statements(w);
	return NULL;
}

static void pool_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pool *p = arg;
	struct job *list;

	pthread_mutex_lock(&p->lock);
	list = p->done_head;
	p->done_head = p->done_tail = NULL;
	pthread_mutex_unlock(&p->lock);
	while (list != NULL) {
		struct job *j = list;
		list = j->next;
		p->busy--;
		j->done(j);
	}
}

struct pool *pool_new(struct event_base *base, int nworkers, const char *conninfo)
{
	struct pool *p = xcalloc(1, sizeof *p);

	pthread_mutex_init(&p->lock, NULL);
	p->conninfo = xstrdup(conninfo);
	p->done_ev = event_new(base, -1, 0, pool_done_cb, p);
	p->nworkers = nworkers;
	p->workers = xcalloc(nworkers, sizeof *p->workers);
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &p->workers[i];
		w->pool = p;
		w->index = i;
		pthread_cond_init(&w->wake, NULL);
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			log_error("cannot start worker thread %d", i);
			abort();
		}
	}
	return p;
}

void pool_submit(struct pool *p, struct job *j)
{
	p->busy++;
	pthread_mutex_lock(&p->lock);
	pool_push(&p->todo_head, &p->todo_tail, j);
	if (p->idle_top != NULL) {
		struct worker *w = p->idle_top;

		p->idle_top = w->next_idle;
		w->idle = false;
		pthread_cond_signal(&w->wake);
	}
	pthread_mutex_unlock(&p->lock);
}

int pool_busy(const struct pool *p)
{
	return p->busy;
}

void pool_free(struct pool *p)
{
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	for (int i = 0; i < p->nworkers; i++)
		pthread_cond_signal(&p->workers[i].wake);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i].thread, NULL);
	/* Whatever finished after the loop stopped still needs its owner
	 * released. */
	pool_done_cb(-1, 0, p);
	event_free(p->done_ev);
	pthread_mutex_destroy(&p->lock);
	for (int i = 0; i < p->nworkers; i++)
		pthread_cond_destroy(&p->workers[i].wake);
	free(p->workers);
	free(p->conninfo);
	free(p);
}
