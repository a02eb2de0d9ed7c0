/* The client side of MessagePack-RPC on libevent: one bufferevent to
 * regied, a queue of calls waiting for the link, a list of calls waiting
 * for their answer, and a timer for reconnecting.
 *
 * A call is queued while the link is down or the session is being
 * resumed, and moves to the pending list when written. When the link
 * drops, pending calls are answered `unavailable` (the server may or may
 * not have run them) while queued calls stay queued: they never left,
 * so sending them later is safe.
 *
 * Callbacks run from libevent or from within our own functions; anything
 * they do may change the link under our feet, so every loop that calls
 * out checks the link generation afterwards. */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/util.h>

#include "buf.h"
#include "bufev.h"
#include "client.h"
#include "log.h"
#include "rerror.h"
#include "rv.h"
#include "wire.h"
#include "xmalloc.h"

#define CLIENT_RETRY_MIN_MS     100
#define CLIENT_RETRY_MAX_MS     5000
#define CLIENT_CONNECT_TIMEOUT  10      /* seconds before a connect is given up */

/* Replies are bigger than requests (pages of results) and nest deeper
 * (items inside results inside the response): be generous, but bounded. */
static const struct wire_limits client_limits = {
	.max_message = 64u * 1024u * 1024u,
	.max_elements = 1u << 20,
	.max_depth = WIRE_MAX_DEPTH + 8,
};

struct client_call {
	uint32_t msgid;
	char *method;
	struct rv *params;       /* until sent */
	regie_reply_cb cb;       /* NULL once detached (sync timeout) */
	void *arg;
	bool internal;           /* our own session.resume: dropped silently */
	TAILQ_ENTRY(client_call) entry;
};
TAILQ_HEAD(client_calls, client_call);

struct regie_client {
	struct event_base *base;
	char *addr;                   /* as given, for messages */
	char *host, *port;            /* TCP */
	char *path;                   /* Unix socket */

	enum regie_state state;
	bool reconnect;
	bool started;                 /* regie_client_connect was called */
	struct bufferevent *bev;
	struct wire_scanner scan;     /* how far the message being read is scanned */
	uint64_t link_gen;            /* bumped each time a link is torn down */
	struct addrinfo *ai_list, *ai_next;
	struct event *retry_ev;
	int retry_ms;

	char *token;
	uint32_t next_msgid;
	struct client_calls queue;    /* not yet sent */
	struct client_calls pending;  /* sent, waiting for the answer */
	struct buf out;

	regie_notify_cb notify_cb;
	void *notify_arg;
	regie_state_cb state_cb;
	void *state_arg;
};

static void client_try_connect(struct regie_client *);
static void client_send(struct regie_client *, struct client_call *);

const char *
regie_state_name(enum regie_state s)
{
	switch (s) {
	case REGIE_DISCONNECTED:
		return "disconnected";
	case REGIE_CONNECTING:
		return "connecting";
	case REGIE_RESUMING:
		return "resuming";
	case REGIE_CONNECTED:
		return "connected";
	case REGIE_CLOSED:
		return "closed";
	}
	return "unknown";
}

static void
client_set_state(struct regie_client *c, enum regie_state s)
{
	if (c->state == s)
		return;
	log_debug("client %s: %s -> %s", c->addr, regie_state_name(c->state),
	    regie_state_name(s));
	c->state = s;
	if (c->state_cb != NULL)
		c->state_cb(c, s, c->state_arg);
}

static struct client_call *
call_new(struct regie_client *c, const char *method, struct rv *params)
{
	struct client_call *call;

	call = xcalloc(1, sizeof *call);
	/* UINT32_MAX is what rpc_parse reports for "no msgid": never use it. */
	call->msgid = c->next_msgid++;
	if (c->next_msgid == UINT32_MAX)
		c->next_msgid = 1;
	call->method = xstrdup(method);
	call->params = params;
	return call;
}

static void
call_free(struct client_call *call)
{
	free(call->method);
	rv_free(call->params);
	free(call);
}

/* Answers a call with an error we made up, then frees it. */
static void
call_fail(struct regie_client *c, struct client_call *call, const char *why)
{
	struct rv *err;

	if (call->cb != NULL && !call->internal) {
		err = rerr_make(RERR_UNAVAILABLE, NULL, "%s", why);
		call->cb(c, err, NULL, call->arg);
		rv_free(err);
	}
	call_free(call);
}

/* Fails every call in list; the list is emptied first, so callbacks that
 * make new calls add them to the client's own lists, not to this one. */
static void
calls_fail_all(struct regie_client *c, struct client_calls *list, const char *why)
{
	struct client_calls doomed = TAILQ_HEAD_INITIALIZER(doomed);
	struct client_call *call;

	TAILQ_CONCAT(&doomed, list, entry);
	while ((call = TAILQ_FIRST(&doomed)) != NULL) {
		TAILQ_REMOVE(&doomed, call, entry);
		call_fail(c, call, why);
	}
}

static int
client_parse_addr(struct regie_client *c, const char *addr, char *err, size_t errlen)
{
	const char *colon, *host, *p;
	size_t hostlen;
	long port;
	char *end;

	if (strchr(addr, '/') != NULL) {
		if (strlen(addr) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
			xsnprintf(err, errlen, "socket path too long: %s", addr);
			return -1;
		}
		c->path = xstrdup(addr);
		return 0;
	}
	if (addr[0] == '[') {
		host = addr + 1;
		p = strchr(host, ']');
		if (p == NULL || p[1] != ':') {
			xsnprintf(err, errlen, "bad address (want [v6]:port): %s", addr);
			return -1;
		}
		hostlen = (size_t)(p - host);
		colon = p + 1;
	} else {
		host = addr;
		colon = strrchr(addr, ':');
		if (colon == NULL || memchr(addr, ':', (size_t)(colon - addr)) != NULL) {
			xsnprintf(err, errlen, "bad address (want host:port, [v6]:port "
			    "or a socket path): %s", addr);
			return -1;
		}
		hostlen = (size_t)(colon - addr);
	}
	if (hostlen == 0) {
		xsnprintf(err, errlen, "no host in address: %s", addr);
		return -1;
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 ||
	    port < 1 || port > 65535) {
		xsnprintf(err, errlen, "bad port in address: %s", addr);
		return -1;
	}
	c->host = xstrndup(host, hostlen);
	c->port = xasprintf("%ld", port);
	return 0;
}

struct regie_client *
regie_client_new(struct event_base *base, const char *addr, char *err, size_t errlen)
{
	struct regie_client *c;
	struct sigaction sa;

	c = xcalloc(1, sizeof *c);
	if (client_parse_addr(c, addr, err, errlen) != 0) {
		free(c);
		return NULL;
	}
	/* Writing to a socket the server has just closed raises SIGPIPE, whose
	 * default action would kill the program instead of letting us
	 * reconnect. A program that set its own handler keeps it. */
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);

	c->base = base;
	c->addr = xstrdup(addr);
	c->state = REGIE_DISCONNECTED;
	c->reconnect = true;
	c->retry_ms = CLIENT_RETRY_MIN_MS;
	c->next_msgid = 1;
	TAILQ_INIT(&c->queue);
	TAILQ_INIT(&c->pending);
	buf_init(&c->out);
	return c;
}

/* Drops the socket, if any. Does not touch the calls or the state. */
static void
client_link_free(struct regie_client *c)
{
	if (c->bev != NULL) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	if (c->ai_list != NULL) {
		freeaddrinfo(c->ai_list);
		c->ai_list = c->ai_next = NULL;
	}
	c->link_gen++;
}

static void
client_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct regie_client *c = arg;

	if (c->state == REGIE_DISCONNECTED)
		client_try_connect(c);
}

static void
client_schedule_retry(struct regie_client *c)
{
	struct timeval tv;
	uint32_t jitter;
	int ms;

	if (!c->reconnect || !c->started || c->state != REGIE_DISCONNECTED)
		return;
	if (c->retry_ev == NULL)
		c->retry_ev = evtimer_new(c->base, client_retry_cb, c);
	if (evtimer_pending(c->retry_ev, NULL))
		return;

	/* A little jitter, so that a hundred clients cut off together by a
	 * restart do not all knock again in the same millisecond. */
	evutil_secure_rng_get_bytes(&jitter, sizeof jitter);
	ms = c->retry_ms + (int)(jitter % (uint32_t)(c->retry_ms / 5 + 1));
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(c->retry_ev, &tv);
	log_debug("client %s: retrying in %d ms", c->addr, ms);

	c->retry_ms *= 2;
	if (c->retry_ms > CLIENT_RETRY_MAX_MS)
		c->retry_ms = CLIENT_RETRY_MAX_MS;
}

/* The link is gone (or never came): calls in flight are answered, queued
 * calls stay, and a retry is scheduled. */
static void
client_link_lost(struct regie_client *c, const char *why)
{
	struct client_calls lost = TAILQ_HEAD_INITIALIZER(lost);

	log_debug("client %s: %s", c->addr, why);
	client_link_free(c);
	TAILQ_CONCAT(&lost, &c->pending, entry);
	client_set_state(c, REGIE_DISCONNECTED);
	calls_fail_all(c, &lost, why);
	client_schedule_retry(c);
}

/* Sends queued calls while the link stays up. */
static void
client_flush_queue(struct regie_client *c)
{
	struct client_call *call;

	while (c->state == REGIE_CONNECTED && (call = TAILQ_FIRST(&c->queue)) != NULL) {
		TAILQ_REMOVE(&c->queue, call, entry);
		client_send(c, call);
	}
}

/* The link is ready for the caller's calls. */
static void
client_ready(struct regie_client *c)
{
	c->retry_ms = CLIENT_RETRY_MIN_MS;
	client_set_state(c, REGIE_CONNECTED);
	client_flush_queue(c);
}

static void
client_resume_done(struct regie_client *c, const struct rv *error,
    const struct rv *result, void *arg)
{
	const char *code;

	if (c->state != REGIE_RESUMING)
		return;
	if (error != NULL) {
		code = rv_path_str(error, "code", "");
		/* The server could not check the session now: it may still be
		 * good, so keep it and come back later. */
		if (strcmp(code, "unavailable") == 0 || strcmp(code, "throttled") == 0) {
			client_link_lost(c, "session could not be resumed now");
			return;
		}
		log_debug("client %s: session not resumed: %s", c->addr,
		    rv_path_str(error, "message", code));
		regie_client_set_token(c, NULL);
	}
	client_ready(c);
}

static void
client_connected(struct regie_client *c)
{
	struct client_call *call;
	int one = 1;

	if (c->ai_list != NULL) {
		freeaddrinfo(c->ai_list);
		c->ai_list = c->ai_next = NULL;
		/* Small requests answered one by one: Nagle would only add
		 * delay. */
		setsockopt(bufferevent_getfd(c->bev), IPPROTO_TCP, TCP_NODELAY,
		    &one, sizeof one);
	}
	bufferevent_set_timeouts(c->bev, NULL, NULL);
	if (c->token == NULL) {
		client_ready(c);
		return;
	}
	/* The resume goes out ahead of the queue, so that queued calls run
	 * inside the session. */
	client_set_state(c, REGIE_RESUMING);
	if (c->state != REGIE_RESUMING)
		return;
	call = call_new(c, "session.resume", rv_map());
	rv_set_str(call->params, "token", c->token);
	call->cb = client_resume_done;
	call->arg = NULL;
	call->internal = true;
	client_send(c, call);
}

/* Writes the call and moves it to the pending list. */
static void
client_send(struct regie_client *c, struct client_call *call)
{
	buf_reset(&c->out);
	rpc_encode_request(&c->out, call->msgid, call->method, call->params);
	rv_free(call->params);
	call->params = NULL;
	TAILQ_INSERT_TAIL(&c->pending, call, entry);
	if (bufev_write_now(c->bev, c->out.data, c->out.len) != 0)
		log_warn("client %s: cannot buffer %zu bytes", c->addr, c->out.len);
}

/* Token tracking: the client keeps the session that its calls open. */
static void
client_track_session(struct regie_client *c, const char *method,
    const struct rv *result)
{
	const char *token;

	if (strcmp(method, "session.login") == 0 || strcmp(method, "session.resume") == 0) {
		token = rv_path_str(result, "token", NULL);
		if (token != NULL)
			regie_client_set_token(c, token);
	} else if (strcmp(method, "session.logout") == 0)
		regie_client_set_token(c, NULL);
}

static void
client_handle_response(struct regie_client *c, const struct rpc_msg *m)
{
	struct client_call *call;

	TAILQ_FOREACH(call, &c->pending, entry) {
		if (call->msgid == m->msgid)
			break;
	}
	if (call == NULL) {
		log_debug("client %s: answer to unknown call %u", c->addr, m->msgid);
		return;
	}
	TAILQ_REMOVE(&c->pending, call, entry);
	if (m->error == NULL)
		client_track_session(c, call->method, m->result);
	if (call->cb != NULL)
		call->cb(c, m->error, m->result, call->arg);
	call_free(call);
}

/* Handles one whole message. Returns -1 on a protocol error (the caller
 * drops the link). */
static int
client_handle_message(struct regie_client *c, const uint8_t *data, size_t len)
{
	struct rpc_msg m;
	struct rv *root;
	uint32_t msgid;
	char err[256];

	root = wire_decode_frozen(data, len, err, sizeof err);
	if (root == NULL || rpc_parse(root, &m, &msgid, err, sizeof err) != 0) {
		log_warn("client %s: bad message from server: %s", c->addr, err);
		return -1;
	}
	switch (m.kind) {
	case RPC_RESPONSE:
		client_handle_response(c, &m);
		break;
	case RPC_NOTIFY:
		if (c->notify_cb != NULL)
			c->notify_cb(c, m.method, m.params, c->notify_arg);
		break;
	case RPC_REQUEST:
		log_warn("client %s: server sent a request (%s)", c->addr, m.method);
		rpc_msg_free(&m);
		return -1;
	}
	rpc_msg_free(&m);
	return 0;
}

static void
client_read_cb(struct bufferevent *bev, void *arg)
{
	struct regie_client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint64_t gen = c->link_gen;
	enum wire_scan r;
	const uint8_t *data;
	size_t avail, len;
	char why[128];

	bufev_read_more(bev, client_limits.max_message);
	while ((avail = evbuffer_get_length(in)) > 0) {
		/* The input starts with the message being read; the scanner
		 * goes on from where the last read left it. */
		data = evbuffer_pullup(in, -1);
		r = wire_scanner_feed(&c->scan, data, avail, &client_limits, &len);
		if (r == WIRE_SCAN_INCOMPLETE)
			return;
		if (r != WIRE_SCAN_OK) {
			xsnprintf(why, sizeof why, "protocol error: %s", wire_scan_name(r));
			log_warn("client %s: %s", c->addr, why);
			client_link_lost(c, why);
			return;
		}
		if (client_handle_message(c, data, len) != 0) {
			client_link_lost(c, "protocol error");
			return;
		}
		/* A callback closed or restarted the link: this buffer is
		 * no longer ours to read. */
		if (c->link_gen != gen)
			return;
		evbuffer_drain(in, len);
	}
}

static void
client_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct regie_client *c = arg;
	char why[256];
	int error = EVUTIL_SOCKET_ERROR();

	if (what & BEV_EVENT_CONNECTED) {
		client_connected(c);
		return;
	}
	if (c->state == REGIE_CONNECTING) {
		xsnprintf(why, sizeof why, "cannot connect to %s: %s", c->addr,
		    (what & BEV_EVENT_TIMEOUT) ? "timed out" :
		    evutil_socket_error_to_string(error));
		/* Try the host's next address before giving up on this round. */
		if (c->ai_next != NULL && c->ai_next->ai_next != NULL) {
			log_debug("client %s: %s", c->addr, why);
			c->ai_next = c->ai_next->ai_next;
			bufferevent_free(c->bev);
			c->bev = NULL;
			client_try_connect(c);
			return;
		}
		client_link_lost(c, why);
		return;
	}
	if (what & BEV_EVENT_EOF)
		xsnprintf(why, sizeof why, "connection closed by server");
	else if (what & BEV_EVENT_TIMEOUT)
		xsnprintf(why, sizeof why, "connection timed out");
	else
		xsnprintf(why, sizeof why, "connection lost: %s",
		    evutil_socket_error_to_string(error));
	client_link_lost(c, why);
}

/* Starts a connect to the current address (ai_next, or the Unix path). On
 * a new round, resolves the host first. */
static void
client_try_connect(struct regie_client *c)
{
	struct addrinfo hints;
	struct sockaddr_un sun;
	struct timeval tv = { CLIENT_CONNECT_TIMEOUT, 0 };
	const struct sockaddr *sa;
	socklen_t salen;
	char why[256];
	int r;

	client_set_state(c, REGIE_CONNECTING);
	if (c->state != REGIE_CONNECTING)
		return;

	if (c->path != NULL) {
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, c->path, strlen(c->path) + 1);
		sa = (const struct sockaddr *)&sun;
		salen = sizeof sun;
	} else {
		if (c->ai_next == NULL) {
			memset(&hints, 0, sizeof hints);
			hints.ai_family = AF_UNSPEC;
			hints.ai_socktype = SOCK_STREAM;
			hints.ai_flags = AI_NUMERICSERV;
			r = getaddrinfo(c->host, c->port, &hints, &c->ai_list);
			if (r != 0) {
				xsnprintf(why, sizeof why, "cannot resolve %s: %s",
				    c->host, gai_strerror(r));
				c->ai_list = NULL;
				client_link_lost(c, why);
				return;
			}
			c->ai_next = c->ai_list;
		}
		sa = c->ai_next->ai_addr;
		salen = c->ai_next->ai_addrlen;
	}

	c->bev = bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE);
	wire_scanner_reset(&c->scan);   /* a new stream */
	bufferevent_setcb(c->bev, client_read_cb, NULL, client_event_cb, c);
	bufferevent_set_timeouts(c->bev, NULL, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	/* A refused connect may be reported at once (-1) or through the
	 * event callback, depending on the socket family. */
	if (bufferevent_socket_connect(c->bev, sa, (int)salen) != 0)
		client_event_cb(c->bev, BEV_EVENT_ERROR, c);
}

void
regie_client_connect(struct regie_client *c)
{
	if (c->state != REGIE_DISCONNECTED)
		return;
	c->started = true;
	if (c->retry_ev != NULL)
		evtimer_del(c->retry_ev);
	client_try_connect(c);
}

static void
client_sync_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	bool *expired = arg;

	*expired = true;
}

static struct event *
client_sync_timer(struct regie_client *c, int timeout_ms, bool *expired)
{
	struct event *ev;
	struct timeval tv;

	*expired = false;
	if (timeout_ms <= 0)
		return NULL;
	ev = evtimer_new(c->base, client_sync_timeout_cb, expired);
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(ev, &tv);
	return ev;
}

int
regie_client_connect_sync(struct regie_client *c, int timeout_ms)
{
	struct event *timer;
	bool expired;

	regie_client_connect(c);
	timer = client_sync_timer(c, timeout_ms, &expired);
	while (c->state != REGIE_CONNECTED && c->state != REGIE_CLOSED && !expired) {
		/* Without reconnection, one failed attempt is the answer. */
		if (c->state == REGIE_DISCONNECTED && !c->reconnect)
			break;
		if (event_base_loop(c->base, EVLOOP_ONCE) < 0)
			break;
	}
	if (timer != NULL)
		event_free(timer);
	return c->state == REGIE_CONNECTED ? 0 : -1;
}

void
regie_client_set_notify_cb(struct regie_client *c, regie_notify_cb cb, void *arg)
{
	c->notify_cb = cb;
	c->notify_arg = arg;
}

void
regie_client_set_state_cb(struct regie_client *c, regie_state_cb cb, void *arg)
{
	c->state_cb = cb;
	c->state_arg = arg;
}

void
regie_client_set_reconnect(struct regie_client *c, bool on)
{
	c->reconnect = on;
	if (!on && c->retry_ev != NULL)
		evtimer_del(c->retry_ev);
	else if (on)
		client_schedule_retry(c);
}

enum regie_state
regie_client_state(const struct regie_client *c)
{
	return c->state;
}

void
regie_client_set_token(struct regie_client *c, const char *token)
{
	char *copy = token != NULL ? xstrdup(token) : NULL;

	free(c->token);
	c->token = copy;
}

const char *
regie_client_token(const struct regie_client *c)
{
	return c->token;
}

void
regie_client_close(struct regie_client *c)
{
	if (c->state == REGIE_CLOSED)
		return;
	client_link_free(c);
	if (c->retry_ev != NULL)
		evtimer_del(c->retry_ev);
	client_set_state(c, REGIE_CLOSED);
	/* Once closed, new calls fail at once, so these loops end. */
	calls_fail_all(c, &c->pending, "connection closed");
	calls_fail_all(c, &c->queue, "connection closed");
}

void
regie_client_free(struct regie_client *c)
{
	if (c == NULL)
		return;
	/* The owner is tearing down: reply callbacks are a promise, state
	 * changes are not. */
	c->state_cb = NULL;
	regie_client_close(c);
	if (c->retry_ev != NULL)
		event_free(c->retry_ev);
	buf_free(&c->out);
	free(c->token);
	free(c->addr);
	free(c->host);
	free(c->port);
	free(c->path);
	free(c);
}

uint32_t
regie_call(struct regie_client *c, const char *method, struct rv *params,
    regie_reply_cb cb, void *arg)
{
	struct client_call *call;
	uint32_t msgid;

	call = call_new(c, method, params);
	call->cb = cb;
	call->arg = arg;
	msgid = call->msgid;

	switch (c->state) {
	case REGIE_CLOSED:
		call_fail(c, call, "connection closed");
		break;
	case REGIE_CONNECTED:
		client_send(c, call);
		break;
	default:
		TAILQ_INSERT_TAIL(&c->queue, call, entry);
		break;
	}
	return msgid;
}

struct client_sync {
	bool done;
	struct rv *result;
	struct rv *error;
};

static void
client_sync_cb(struct regie_client *c, const struct rv *error,
    const struct rv *result, void *arg)
{
	struct client_sync *w = arg;

	w->done = true;
	if (error != NULL)
		w->error = rv_copy(error);
	else
		w->result = result != NULL ? rv_copy(result) : rv_nil();
}

/* Forgets a call whose caller stopped waiting. One never sent is removed
 * (so it will never run); one already sent cannot be recalled, so only
 * its answer is dropped. */
static void
client_detach(struct regie_client *c, uint32_t msgid)
{
	struct client_call *call;

	TAILQ_FOREACH(call, &c->queue, entry) {
		if (call->msgid == msgid) {
			TAILQ_REMOVE(&c->queue, call, entry);
			call_free(call);
			return;
		}
	}
	TAILQ_FOREACH(call, &c->pending, entry) {
		if (call->msgid == msgid) {
			call->cb = NULL;
			return;
		}
	}
}

int
regie_call_sync(struct regie_client *c, const char *method, struct rv *params,
    struct rv **result, struct rv **error, int timeout_ms)
{
	struct client_sync w = { false, NULL, NULL };
	struct event *timer;
	bool expired;
	uint32_t msgid;
	int r = 0;

	msgid = regie_call(c, method, params, client_sync_cb, &w);
	timer = client_sync_timer(c, timeout_ms, &expired);
	while (!w.done && !expired && r >= 0)
		r = event_base_loop(c->base, EVLOOP_ONCE);
	if (timer != NULL)
		event_free(timer);

	if (!w.done) {
		client_detach(c, msgid);
		if (r < 0)
			w.error = rerr_make(RERR_UNAVAILABLE, NULL,
			    "cannot wait for %s: the event loop is busy", method);
		else
			w.error = rerr_make(RERR_UNAVAILABLE, NULL,
			    "timed out after %d ms", timeout_ms);
	}
	*result = w.result;
	*error = w.error;
	return w.error != NULL ? -1 : 0;
}
