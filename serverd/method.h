/* What a domain file sees: the method table entry, the parameter spec,
 * and the call with its checked arguments, its caller and its database.
 *
 * One domain is one file ending in a static table of struct method,
 * registered in dispatch.c. The dispatcher checks the caller's role and
 * validates the parameters against the spec before the handler runs; a
 * handler therefore reads typed values with arg_*() and never sees raw
 * msgpack, sockets or libevent. */
#ifndef REGIED_METHOD_H
#define REGIED_METHOD_H
#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>
#include "rv.h"
#include "rerror.h"

enum role {
	ROLE_ADMIN       = 1u << 0,
	ROLE_SUPERVISOR  = 1u << 1,
	ROLE_AGENT       = 1u << 2,
	ROLE_STOREKEEPER = 1u << 3,
	ROLE_REFERENT    = 1u << 4,
	ROLE_VIEWER      = 1u << 5,
};
#define ROLE_COUNT 6
#define ROLE_ALL   ((1u << ROLE_COUNT) - 1)
#define ROLE_STAFF (ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT | ROLE_STOREKEEPER)
const char *role_name(unsigned bit);            /* one bit */
unsigned role_from_name(const char *name);      /* 0 when unknown */

enum ptype {
	P_INT,        /* integer within [min, max] */
	P_STR,        /* UTF-8 text, length in bytes within [min, max] */
	P_BOOL,
	P_ID,         /* a positive integer key */
	P_IDLIST,     /* an array of positive integers, at most max items */
	P_STRLIST,    /* an array of strings, at most max items, each at most 200 bytes */
	P_TIME,       /* an RFC 3339 timestamp string */
	P_ROLES,      /* an array of role names, at least one */
	P_CHOICE,     /* a string among choices */
	P_CURSOR,     /* an opaque paging cursor from a previous "next" */
};

struct param {
	const char *name;
	enum ptype type;
	bool required;
	int64_t min, max;            /* bounds, or 0, 0 for the type's default */
	const char *const *choices;  /* P_CHOICE: NULL-terminated */
};

/* The arguments as checked. Values point into the request, which lives
 * until the call ends. */
struct arg {
	bool present;
	const struct rv *raw;
	int64_t i;                   /* P_INT, P_ID, P_BOOL */
	const char *s;               /* P_STR, P_CHOICE, P_TIME, P_CURSOR */
	size_t len;
	int64_t *ids;                /* P_IDLIST */
	const char **strs;           /* P_STRLIST, P_ROLES */
	size_t n;
	unsigned roles;              /* P_ROLES as a mask */
};

/* Who is calling: a copy of the connection's session taken when the call
 * was queued, so the worker thread never reads loop-owned memory. */
struct caller {
	int64_t user_id;             /* 0 when not logged in */
	char login[72];
	unsigned roles;
	int64_t *services;
	size_t nservices;
	int64_t *sites;
	size_t nsites;
	int64_t expires;             /* unix seconds */
	char address[64];            /* the peer, for throttling and logs */
	char token_hash[72];         /* hex of the session token's hash */
	bool revalidate;             /* revocations may have been missed: check first */
};

/* A session established (login, resume) or ended (logout) by a call; the
 * loop applies it to the connection when the answer comes back. */
struct session_change {
	bool set;
	bool clear;
	bool validated;              /* the session was checked and still holds */
	struct caller who;
	char token[80];              /* the token handed to the client (login only) */
};

struct call;
typedef int (*method_fn)(struct call *c);

enum method_flags {
	M_ANON     = 1u << 0,  /* callable before login */
	M_MUTATES  = 1u << 1,  /* writes: takes request_key, runs read-write */
	M_LOOP     = 1u << 2,  /* answered on the event loop, no database */
	M_PAGE     = 1u << 3,  /* a read whose answer the page cache may keep; takes fresh */
};

#define METHOD_MAX_PARAMS 24

struct method {
	const char *name;            /* "domain.verb" */
	method_fn fn;
	unsigned roles;              /* allowed roles (ignored with M_ANON) */
	unsigned flags;
	const char *help;            /* one line */
	struct param params[METHOD_MAX_PARAMS];  /* ends at the first without a name */
};

struct call {
	const struct method *method;
	struct arg args[METHOD_MAX_PARAMS];
	struct caller who;
	PGconn *db;                  /* NULL for M_LOOP methods */
	struct worker *worker;       /* the thread running it; NULL on the loop */
	void *conn;                  /* M_LOOP methods only: the connection */
	const char *request_key;     /* M_MUTATES: the client's retry key, or NULL */
	bool fresh;                  /* M_PAGE: read the database, not the page cache */

	struct rv *result;           /* set by the handler on success */
	enum rerr err;
	char err_field[64];
	char err_message[256];
	char sqlstate[6];
	struct session_change session;
	/* Assets announced as changed (db_change): the search index reloads
	 * them once the call has committed. */
	int64_t *changed_assets;
	size_t nchanged_assets;
};

/* Arguments by name; asking for a name not in the spec is a programming
 * error and aborts. */
bool arg_has(const struct call *c, const char *name);
int64_t arg_int(const struct call *c, const char *name, int64_t def);
const char *arg_str(const struct call *c, const char *name, const char *def);
bool arg_bool(const struct call *c, const char *name, bool def);
const struct arg *arg_get(const struct call *c, const char *name);

/* Fails the call: sets the error and returns -1, so handlers can write
 * `return call_fail(c, RERR_INVALID, "login", "...")`. */
int call_fail(struct call *c, enum rerr code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sets the result (takes ownership) and returns 0. */
int call_ok(struct call *c, struct rv *result);

bool caller_has_role(const struct caller *w, unsigned roles);
bool caller_covers_service(const struct caller *w, int64_t service_id);
bool caller_covers_site(const struct caller *w, int64_t site_id);

#endif
