/* The LISTEN connection, non-blocking on the event loop.
 *
 * Mutations NOTIFY inside their transaction, so only committed changes
 * arrive here, from this regied and from any other in front of the same
 * database. Notifications sent while this connection is down are lost:
 * after a reconnect every subscribed client is told to resync. */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "method.h"
#include "page_cache.h"
#include "regied.h"
#include "search_index.h"
#include "xmalloc.h"
#include <libpq-fe.h>

/* Who may receive what. New domains add their topics here. */
const struct topic topics[] = {
	{ "user", ROLE_ADMIN, 0, 0 },
	/* The estate: a referent reads only the sites it covers, so it hears
	 * only of those; every other role reads, and hears of, all. */
	{ "asset", ROLE_ALL, ROLE_REFERENT, 0 },
	{ "site", ROLE_ALL, ROLE_REFERENT, 0 },
	{ "service", ROLE_ALL, 0, 0 },
	{ "category", ROLE_ALL, 0, 0 },
	/* Requests: a supervisor hears of its services' queue, a referent of
	 * its sites, anyone of the requests filed for them; admins of all. */
	{ "request", ROLE_ALL, ROLE_ALL & ~ROLE_ADMIN, 0 },
	/* Work orders: a supervisor hears of its services', an agent only of
	 * those it is assigned to (events owned by its login, whatever its
	 * services), a referent of its sites'; admins, storekeepers and
	 * viewers of all. */
	{ "workorder", ROLE_ALL, ROLE_SUPERVISOR | ROLE_AGENT | ROLE_REFERENT, ROLE_AGENT },
	/* People and planning: supervisors hear of their services' agents,
	 * teams and bookings, an agent of its own; admins of all. */
	{ "agent", ROLE_ADMIN | ROLE_SUPERVISOR | ROLE_AGENT, ROLE_SUPERVISOR | ROLE_AGENT, 0 },
	{ "team", ROLE_ADMIN | ROLE_SUPERVISOR, ROLE_SUPERVISOR, 0 },
	{ "contractor", ROLE_ADMIN | ROLE_SUPERVISOR, 0, 0 },
	{ "failure", ROLE_STAFF | ROLE_VIEWER, 0, 0 },
	{ "plan", ROLE_STAFF | ROLE_VIEWER, ROLE_SUPERVISOR | ROLE_AGENT, 0 },
	{ NULL, 0, 0, 0 },
};

enum listen_state { LS_IDLE, LS_CONNECTING, LS_LISTENING };

static struct {
	struct event_base *base;
	char *conninfo;
	PGconn *pg;
	enum listen_state state;
	struct event *io;
	struct event *retry;
	bool was_up;                 /* a reconnect, not the first connect: resync */
	bool resync_due;             /* resync once the LISTEN is in effect */
	bool listen_due;             /* the LISTEN is sent, not yet in effect */
} ls;

static void listen_schedule_retry(void);
static void listen_io_cb(evutil_socket_t fd, short what, void *arg);

const struct topic *topic_find(const char *name)
{
	for (const struct topic *t = topics; t->name != NULL; t++) {
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

static void listen_watch(short what)
{
	if (ls.io != NULL)
		event_free(ls.io);
	ls.io = event_new(ls.base, PQsocket(ls.pg), what, listen_io_cb, NULL);
	event_add(ls.io, NULL);
}

static void listen_drop(const char *why)
{
	if (ls.pg != NULL) {
		/* Revocations are not heard from now on. */
		if (ls.state == LS_LISTENING)
			net_sessions_revalidate();
		page_cache_feed(false);
		log_warn("event listener: %s", why);
		PQfinish(ls.pg);
		ls.pg = NULL;
	}
	if (ls.io != NULL)
		event_free(ls.io);
	ls.io = NULL;
	ls.state = LS_IDLE;
	listen_schedule_retry();
}

static void listen_handle_notify(PGnotify *n)
{
	char err[128];
	struct rv *ev;

	/* A change committed here or on another instance: no page from
	 * before it may be answered once its event is out. */
	if (strcmp(n->relname, "regie") == 0)
		page_cache_changed();
	ev = rv_from_json(n->extra, err, sizeof err);

	if (ev == NULL || ev->type != RV_MAP) {
		log_warn("event listener: unreadable payload on %s: %s", n->relname, err);
		rv_free(ev);
		return;
	}
	if (strcmp(n->relname, "regie_session") == 0) {
		const char *hash = rv_path_str(ev, "token", NULL);
		net_sessions_revoked(rv_path_int(ev, "user", 0), hash);
	} else {
		search_index_event(ev);
		net_deliver_event(ev);
	}
	rv_free(ev);
}

static void listen_read(void)
{
	PGnotify *n;
	PGresult *res;

	if (!PQconsumeInput(ls.pg)) {
		listen_drop(PQerrorMessage(ls.pg));
		return;
	}
	while (!PQisBusy(ls.pg) && (res = PQgetResult(ls.pg)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			PQclear(res);
			listen_drop(PQerrorMessage(ls.pg));
			return;
		}
		PQclear(res);
	}
	/* Only now are changes heard again: a client told earlier could
	 * reload, then miss a change made before the LISTEN took effect. */
	if (ls.listen_due && !PQisBusy(ls.pg)) {
		ls.listen_due = false;
		search_index_feed_started();
		page_cache_feed(true);
	}
	if (ls.resync_due && !PQisBusy(ls.pg)) {
		ls.resync_due = false;
		net_sessions_revalidate();
		net_broadcast_resync();
	}
	while ((n = PQnotifies(ls.pg)) != NULL) {
		listen_handle_notify(n);
		PQfreemem(n);
	}
	if (PQstatus(ls.pg) == CONNECTION_BAD)
		listen_drop("connection lost");
}

static void listen_connected(void)
{
	if (PQsetnonblocking(ls.pg, 1) != 0 ||
	    !PQsendQuery(ls.pg, "LISTEN regie; LISTEN regie_session")) {
		listen_drop(PQerrorMessage(ls.pg));
		return;
	}
	ls.state = LS_LISTENING;
	log_info("event listener: listening");
	ls.resync_due = ls.was_up;
	ls.listen_due = true;
	ls.was_up = true;
	listen_watch(EV_READ | EV_PERSIST);
	/* The LISTEN command itself may still need flushing. */
	while (PQflush(ls.pg) == 1)
		;
}

static void listen_poll(void)
{
	switch (PQconnectPoll(ls.pg)) {
	case PGRES_POLLING_READING:
		listen_watch(EV_READ);
		break;
	case PGRES_POLLING_WRITING:
		listen_watch(EV_WRITE);
		break;
	case PGRES_POLLING_OK:
		listen_connected();
		break;
	default:
		listen_drop(PQerrorMessage(ls.pg));
		break;
	}
}

static void listen_io_cb(evutil_socket_t fd, short what, void *arg)
{
	if (ls.state == LS_CONNECTING)
		listen_poll();
	else if (ls.state == LS_LISTENING)
		listen_read();
}

static void listen_start(void)
{
	ls.pg = PQconnectStart(ls.conninfo);
	if (ls.pg == NULL || PQstatus(ls.pg) == CONNECTION_BAD) {
		listen_drop(ls.pg ? PQerrorMessage(ls.pg) : "out of memory");
		return;
	}
	ls.state = LS_CONNECTING;
	listen_poll();
}

static void listen_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	listen_start();
}

static void listen_schedule_retry(void)
{
	struct timeval tv = { 1, 0 };

	if (ls.retry == NULL)
		ls.retry = evtimer_new(ls.base, listen_retry_cb, NULL);
	evtimer_add(ls.retry, &tv);
}

int events_start(struct event_base *base, const char *conninfo)
{
	ls.base = base;
	ls.conninfo = xstrdup(conninfo);
	listen_start();
	return 0;
}

void events_stop(void)
{
	if (ls.io != NULL)
		event_free(ls.io);
	if (ls.retry != NULL)
		event_free(ls.retry);
	if (ls.pg != NULL)
		PQfinish(ls.pg);
	free(ls.conninfo);
	memset(&ls, 0, sizeof ls);
}
