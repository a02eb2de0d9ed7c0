/* The database pool: a fixed set of worker threads, each owning one
 * PGconn. The loop submits jobs; a worker runs one to the end, then hands
 * it back to the loop through a libevent-safe queue. */
#ifndef REGIED_POOL_H
#define REGIED_POOL_H
#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>
#include "buf.h"
#include "method.h"
#include "page_cache.h"

struct event_base;
struct pool;
struct worker;
struct job;

typedef void (*job_fn)(struct job *j, struct worker *w);
typedef void (*job_done_fn)(struct job *j);

struct job {
	struct job *next;
	job_fn run;                  /* on a worker thread */
	job_done_fn done;            /* back on the loop */
	void *owner;                 /* the connection, referenced by the loop */
	uint32_t msgid;
	struct rv *request;          /* owns what call.args point into */
	struct call call;
	struct buf reply;            /* the encoded response */
	bool page_wanted;            /* keep the answer in the page cache */
	uint64_t page_gen;           /* the cache's generation when the call started */
	struct page_key page;
};

struct pool *pool_new(struct event_base *base, int nworkers, const char *conninfo);
void pool_submit(struct pool *p, struct job *j);
/* Jobs submitted and not yet handed back. */
int pool_busy(const struct pool *p);
/* Lets the workers finish every job queued, joins them, and hands the
 * finished jobs back (their done callbacks run here). */
void pool_free(struct pool *p);

/* For handlers and db.c, on the worker thread. */
PGconn *worker_db(struct worker *w);       /* connects if needed; NULL when it cannot */
void worker_db_lost(struct worker *w);     /* drop the connection, reconnect next time */
/* The name of sql prepared on this worker's connection, preparing it on
 * first use; NULL if preparing failed (res then holds the error). */
const char *worker_prepared(struct worker *w, const char *sql, int nparams, PGresult **res);
/* The same for sql built at run time: known by its text, not its pointer. */
const char *worker_prepared_text(struct worker *w, const char *sql, int nparams, PGresult **res);
int worker_index(const struct worker *w);

#endif
