/* What the parts of regied share: the configuration, the instance's
 * name, and the hooks between the loop (net.c, events.c) and the
 * methods that act on a connection. */
#ifndef REGIED_H
#define REGIED_H
#include <stdbool.h>
#include <stdint.h>
#include "config.h"
#include "rv.h"

#define REGIED_VERSION "0.1.0"
#define REGIE_PROTOCOL 1

const struct config *server_config(void);
const char *server_instance(void);      /* "host:pid", unique per running regied */

/* Builds the configuration again (SIGHUP): the file re-read, the
 * command line laid over it. Returns 0, or -1 with a reason in err. */
typedef int (*config_reload_fn)(struct config *cfg, char *err, size_t errlen);

/* regied's main modes. */
int server_run(struct config *cfg, config_reload_fn reload);
int migrate_run(const char *conninfo, char *err, size_t errlen);
int useradd_run(const char *conninfo, const char *login, unsigned roles, const char *name,
    const char *password, char *err, size_t errlen);

/* For M_LOOP methods, on the loop thread. conn is call->conn. */
struct conn;
/* Replaces the connection's subscription; returns the topics kept
 * (unknown topics are refused by the caller first). */
void conn_subscribe(struct conn *cn, const char *const *topics, size_t n);
int64_t conn_session_expires(const struct conn *cn);
/* What system.stats shows: connections, sessions, calls in flight and
 * the page cache's counters. */
struct rv *server_stats(void);

/* Events (events.c). A topic, the roles that may receive it, and the
 * roles whose view of it is narrowed: a session holding only narrowed
 * roles gets an event only when its services or sites match the event's,
 * or when its user owns it (a referent sees its own sites' assets); any
 * other allowed role sees every event of the topic, as it can read every
 * row of it. */
struct topic {
	const char *name;
	unsigned roles;
	unsigned narrowed;
	unsigned by_owner;           /* narrowed roles that hear only what they own */
};
const struct topic *topic_find(const char *name);
/* All topics, NULL-terminated by name. */
extern const struct topic topics[];

struct event_base;
int events_start(struct event_base *base, const char *conninfo);
void events_stop(void);
/* Called by events.c for every event read; net.c delivers it. */
void net_deliver_event(const struct rv *event);
void net_broadcast_resync(void);
/* A user's sessions ended elsewhere (disabled, password reset, logout
 * on another instance): drop them from this instance's connections. */
void net_sessions_revoked(int64_t user_id, const char *token_hash_hex);
/* The event feed was interrupted: revocations may have been missed, so
 * every session is checked against the database before its next call. */
void net_sessions_revalidate(void);

#endif
