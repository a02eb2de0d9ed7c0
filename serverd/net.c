/* The network core: listeners, connections, reading and answering
 * messages, back-pressure, timeouts, event delivery and the graceful
 * stop. It knows no domain: it finds methods through dispatch.c and
 * hands database work to the pool.
 *
 * A connection is reference-counted: the loop holds one reference, and
 * every job in flight holds one. A client that disconnects while its
 * call runs is marked dead; the job's answer is dropped when it comes
 * back, and the last reference frees the connection (tmux's model). */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdatomic.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "bufev.h"
#include "dispatch.h"
#include "log.h"
#include "page_cache.h"
#include "pool.h"
#include "regied.h"
#include "search_index.h"
#include "wire.h"
#include "xmalloc.h"

/* glibc's sys/queue.h lacks the variant that survives removing the
 * current element. */
#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

struct conn {
	TAILQ_ENTRY(conn) entry;
	uint64_t id;
	int refs;
	bool dead;                   /* closed; waiting for its jobs to come back */
	bool closing;                /* flushing a last message, then close */
	bool lagging;                /* told to resync; events skipped until it drains */
	size_t skipped;              /* bytes of events skipped while lagging */
	struct bufferevent *bev;
	struct event *message_timer; /* a message started and not finished in time */
	struct wire_scanner *scan;   /* while a message is only partly received */
	char peer[64];
	int inflight;
	bool read_paused;
	bool has_session;
	struct caller who;
	uint64_t topic_mask;
};
TAILQ_HEAD(conn_list, conn);

static struct {
	struct event_base *base;
	struct config *cfg;
	struct pool *pool;
	struct evconnlistener *listeners[CONFIG_MAX_LISTEN];
	char *unix_paths[CONFIG_MAX_LISTEN];
	int nlisteners;
	struct conn_list conns;
	int nconns;
	uint64_t next_id;
	bool stopping;
	time_t stop_deadline;
	struct event *stop_timer;
	struct event *maintenance_timer;
	struct event *sig_term, *sig_int, *sig_hup;
	char instance[128];
	config_reload_fn reload;
	/* Configurations replaced by a reload: a worker may still be reading
	 * one, so they are freed only when regied stops. */
	struct config **retired;
	size_t nretired;
} net;

/* Workers read the configuration while the loop may swap it. */
static _Atomic(const struct config *) live_config;

static void conn_read_cb(struct bufferevent *bev, void *arg);
static void conn_process(struct conn *cn);

const struct config *server_config(void)
{
	return atomic_load(&live_config);
}

const char *server_instance(void)
{
	return net.instance;
}

static void conn_unref(struct conn *cn)
{
	if (--cn->refs > 0)
		return;
	caller_clear(&cn->who);
	free(cn->scan);
	free(cn);
}

/* Closes the socket now; the struct lives on while jobs hold it. */
static void conn_close(struct conn *cn, const char *why)
{
	if (cn->dead)
		return;
	if (why != NULL)
		log_info("client %llu (%s): closed: %s", (unsigned long long)cn->id, cn->peer, why);
	cn->dead = true;
	if (cn->message_timer != NULL)
		event_free(cn->message_timer);
	cn->message_timer = NULL;
	bufferevent_free(cn->bev);
	cn->bev = NULL;
	TAILQ_REMOVE(&net.conns, cn, entry);
	net.nconns--;
	conn_unref(cn);
}

static size_t conn_output_len(const struct conn *cn)
{
	return evbuffer_get_length(bufferevent_get_output(cn->bev));
}

/* Everything written to a client goes through here, so the output cap
 * holds for answers and events alike. */
static void conn_write(struct conn *cn, const struct buf *b)
{
	if (cn->dead)
		return;
	if (conn_output_len(cn) + b->len > net.cfg->max_output) {
		conn_close(cn, "output limit reached (the client does not read)");
		return;
	}
	bufev_write_now(cn->bev, b->data, b->len);
}

/* A protocol-level error with no request to answer: a notification,
 * then (when fatal) the connection closes once it is flushed. */
static void conn_protocol_error(struct conn *cn, enum rerr code, const char *message, bool fatal)
{
	struct rv *e = rerr_make(code, NULL, "%s", message);
	struct buf b;

	buf_init(&b);
	rpc_encode_notify(&b, "error", e);
	conn_write(cn, &b);
	buf_free(&b);
	rv_free(e);
	if (fatal && !cn->dead) {
		log_info("client %llu (%s): %s", (unsigned long long)cn->id, cn->peer, message);
		cn->closing = true;
		bufferevent_disable(cn->bev, EV_READ);
		if (conn_output_len(cn) == 0)
			conn_close(cn, NULL);
	}
}

static void conn_answer_error(struct conn *cn, uint32_t msgid, enum rerr code, const char *field,
    const char *message)
{
	struct rv *e = rerr_make(code, field, "%s", message);
	struct buf b;

	buf_init(&b);
	rpc_encode_response(&b, msgid, e, NULL);
	conn_write(cn, &b);
	buf_free(&b);
	rv_free(e);
}

static void conn_set_timeouts(struct conn *cn)
{
	struct timeval tv = { cn->has_session ? net.cfg->idle_timeout : net.cfg->login_timeout, 0 };

	bufferevent_set_timeouts(cn->bev, &tv, NULL);
}

static void conn_apply_session(struct conn *cn, const struct session_change *ch)
{
	if (ch->validated)
		cn->who.revalidate = false;
	if (ch->clear || ch->set) {
		caller_clear(&cn->who);
		xsnprintf(cn->who.address, sizeof cn->who.address, "%s", cn->peer);
		cn->has_session = false;
		cn->topic_mask = 0;
	}
	if (ch->set) {
		caller_copy(&cn->who, &ch->who);
		xsnprintf(cn->who.address, sizeof cn->who.address, "%s", cn->peer);
		cn->has_session = true;
		log_info("client %llu (%s): session of %s", (unsigned long long)cn->id, cn->peer,
		    cn->who.login);
	}
	conn_set_timeouts(cn);
}

static void job_run_call(struct job *j, struct worker *w)
{
	call_run(&j->call, w, j->msgid, &j->reply);
}

static void job_free(struct job *j)
{
	call_reset_outcome(&j->call);
	call_args_free(&j->call);
	caller_clear(&j->call.who);
	rv_free(j->request);
	buf_free(&j->reply);
	free(j);
}

static void maybe_finish_stop(void);

/* A page asked before anything changed is kept, encoded, for the next
 * caller with the same key. The reply is [1, msgid, nil, result]: what
 * follows the head is the result. */
static void job_keep_page(struct job *j)
{
	struct buf head;

	buf_init(&head);
	rpc_encode_result_head(&head, j->msgid);
	if (j->reply.len > head.len && memcmp(j->reply.data, head.data, head.len) == 0)
		page_cache_store(&j->page, j->page_gen, j->reply.data + head.len,
		    j->reply.len - head.len);
	buf_free(&head);
}

static void job_done_call(struct job *j)
{
	struct conn *cn = j->owner;

	cn->inflight--;
	/* Before the answer leaves: whoever hears of this write, from the
	 * answer or from its event, must not be shown a page from before. */
	if (j->call.method->flags & M_MUTATES)
		page_cache_changed();
	else if (j->page_wanted && j->call.err == RERR_OK)
		job_keep_page(j);
	if (!cn->dead) {
		if (j->call.err == RERR_OK || j->call.session.clear)
			conn_apply_session(cn, &j->call.session);
		conn_write(cn, &j->reply);
	}
	job_free(j);
	if (!cn->dead && cn->read_paused && !net.stopping) {
		cn->read_paused = false;
		bufferevent_enable(cn->bev, EV_READ);
		conn_process(cn);
	}
	conn_unref(cn);
	if (net.stopping)
		maybe_finish_stop();
}

/* Handles one decoded request. Takes ownership of root. */
static void conn_request(struct conn *cn, struct rpc_msg *m)
{
	const struct method *method = dispatch_find(m->method);
	const struct rv *params = NULL;
	struct job *j;

	if (method == NULL) {
		char msg[160];
		xsnprintf(msg, sizeof msg, "no method named '%s'", m->method);
		conn_answer_error(cn, m->msgid, RERR_NOT_FOUND, NULL, msg);
		rpc_msg_free(m);
		return;
	}
	if (!(method->flags & M_ANON)) {
		if (!cn->has_session) {
			conn_answer_error(cn, m->msgid, RERR_UNAUTHENTICATED, NULL, "log in first");
			rpc_msg_free(m);
			return;
		}
		if (cn->who.expires <= (int64_t)time(NULL)) {
			struct session_change end = { .clear = true };
			conn_apply_session(cn, &end);
			conn_answer_error(cn, m->msgid, RERR_UNAUTHENTICATED, NULL,
			    "the session has expired; log in again");
			rpc_msg_free(m);
			return;
		}
		if (!dispatch_allowed(method, &cn->who)) {
			char msg[160];
			xsnprintf(msg, sizeof msg, "your roles do not allow %s", method->name);
			conn_answer_error(cn, m->msgid, RERR_FORBIDDEN, NULL, msg);
			rpc_msg_free(m);
			return;
		}
	}

	j = xcalloc(1, sizeof *j);
	j->msgid = m->msgid;
	j->request = m->root;
	m->root = NULL;
	buf_init(&j->reply);
	if (m->params != NULL && m->params->a.n == 1)
		params = m->params->a.items[0];
	caller_copy(&j->call.who, &cn->who);
	xsnprintf(j->call.who.address, sizeof j->call.who.address, "%s", cn->peer);
	if (params_check(&j->call, method, params) != 0) {
		call_encode(&j->call, j->msgid, &j->reply);
		conn_write(cn, &j->reply);
		job_free(j);
		return;
	}
	if ((method->flags & M_PAGE) && page_cache_usable() && !cn->who.revalidate) {
		const uint8_t *page;
		size_t len;

		page_cache_key(&j->call, &j->page);
		if (!j->call.fresh && (page = page_cache_find(&j->page, &len)) != NULL) {
			rpc_encode_result_head(&j->reply, j->msgid);
			buf_add(&j->reply, page, len);
			conn_write(cn, &j->reply);
			job_free(j);
			return;
		}
		j->page_wanted = true;
		j->page_gen = page_cache_generation();
	}
	if (method->flags & M_LOOP) {
		j->call.conn = cn;
		method->fn(&j->call);
		call_encode(&j->call, j->msgid, &j->reply);
		if (j->call.err == RERR_OK || j->call.session.clear)
			conn_apply_session(cn, &j->call.session);
		conn_write(cn, &j->reply);
		job_free(j);
		return;
	}
	j->run = job_run_call;
	j->done = job_done_call;
	j->owner = cn;
	cn->refs++;
	cn->inflight++;
	pool_submit(net.pool, j);
}

static void conn_message_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *cn = arg;
	char msg[96];

	xsnprintf(msg, sizeof msg, "a message took longer than %d s to arrive",
	    net.cfg->message_timeout);
	conn_protocol_error(cn, RERR_INVALID, msg, true);
}

/* Scans the message at the head of the input. Most come whole in one
 * read and need no state kept; one that does not keeps its scanner until
 * it is complete, so that each read goes on from where the last one
 * stopped: a 1 MB message trickling in is scanned once, not once per
 * read. */
static enum wire_scan conn_scan(struct conn *cn, const uint8_t *data, size_t avail,
    const struct wire_limits *lim, size_t *msg_len)
{
	struct wire_scanner first;
	enum wire_scan sr;

	if (cn->scan != NULL) {
		sr = wire_scanner_feed(cn->scan, data, avail, lim, msg_len);
		if (sr != WIRE_SCAN_INCOMPLETE) {
			free(cn->scan);
			cn->scan = NULL;
		}
		return sr;
	}
	wire_scanner_reset(&first);
	sr = wire_scanner_feed(&first, data, avail, lim, msg_len);
	if (sr == WIRE_SCAN_INCOMPLETE) {
		cn->scan = xmalloc(sizeof *cn->scan);
		*cn->scan = first;
	}
	return sr;
}

/* Reads every complete message in the input buffer, as long as the
 * client has room for more calls in flight. */
static void conn_process(struct conn *cn)
{
	struct evbuffer *in;
	struct wire_limits lim = { 0, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH };

	while (!cn->dead && !cn->closing) {
		size_t avail, msg_len = 0, want;
		const uint8_t *data;
		enum wire_scan sr;
		struct rv *root;
		struct rpc_msg m;
		uint32_t msgid;
		char err[160];

		in = bufferevent_get_input(cn->bev);
		avail = evbuffer_get_length(in);
		if (avail == 0)
			break;
		if (cn->inflight >= net.cfg->max_inflight) {
			/* Back-pressure: stop reading until a call comes back.
			 * The wait is ours, not the client's: no timer runs. */
			cn->read_paused = true;
			evtimer_del(cn->message_timer);
			bufferevent_disable(cn->bev, EV_READ);
			break;
		}
		lim.max_message = cn->has_session ? net.cfg->max_message : net.cfg->max_message_anon;
		want = avail < lim.max_message + 16 ? avail : lim.max_message + 16;
		data = evbuffer_pullup(in, (ev_ssize_t)want);
		sr = conn_scan(cn, data, want, &lim, &msg_len);
		if (sr == WIRE_SCAN_INCOMPLETE) {
			if (!evtimer_pending(cn->message_timer, NULL)) {
				struct timeval tv = { net.cfg->message_timeout, 0 };
				evtimer_add(cn->message_timer, &tv);
			}
			return;
		}
		if (sr != WIRE_SCAN_OK) {
			char msg[160];
			xsnprintf(msg, sizeof msg, "message refused: %s (limit %zu bytes, %u elements, "
			    "depth %u)", wire_scan_name(sr), lim.max_message, lim.max_elements,
			    lim.max_depth);
			conn_protocol_error(cn, RERR_INVALID, msg, true);
			return;
		}
		root = wire_decode_frozen(data, msg_len, err, sizeof err);
		evbuffer_drain(in, msg_len);
		/* The timer measures one message: a fast client whose writes
		 * end mid-message always has one incomplete, and is no
		 * slowloris. */
		evtimer_del(cn->message_timer);
		if (root == NULL) {
			conn_protocol_error(cn, RERR_INVALID, err, false);
			continue;
		}
		if (rpc_parse(root, &m, &msgid, err, sizeof err) != 0) {
			if (msgid != UINT32_MAX)
				conn_answer_error(cn, msgid, RERR_INVALID, NULL, err);
			else
				conn_protocol_error(cn, RERR_INVALID, err, false);
			continue;
		}
		if (m.kind != RPC_REQUEST) {
			conn_protocol_error(cn, RERR_INVALID,
			    "only requests are accepted from clients", false);
			rpc_msg_free(&m);
			continue;
		}
		conn_request(cn, &m);
	}
	if (!cn->dead && cn->message_timer != NULL &&
	    evbuffer_get_length(bufferevent_get_input(cn->bev)) == 0)
		evtimer_del(cn->message_timer);
}

static void conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *cn = arg;

	if (net.stopping)
		return;
	conn_process(cn);
}

static void conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *cn = arg;

	/* Called when the output has drained to the low watermark (0). */
	cn->lagging = false;
	cn->skipped = 0;
	if (cn->closing)
		conn_close(cn, NULL);
	else if (net.stopping)
		maybe_finish_stop();
}

static void conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *cn = arg;

	if (what & BEV_EVENT_TIMEOUT) {
		if (cn->inflight > 0) {
			/* Waiting for our own answer is not idleness. */
			bufferevent_enable(bev, EV_READ);
			return;
		}
		conn_close(cn, cn->has_session ? "idle timeout" : "no login in time");
	} else if (what & BEV_EVENT_EOF) {
		conn_close(cn, NULL);
	} else if (what & BEV_EVENT_ERROR) {
		conn_close(cn, strerror(EVUTIL_SOCKET_ERROR()));
	}
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct conn *cn;

	if (net.stopping || net.nconns >= net.cfg->max_clients) {
		struct rv *e = rerr_make(RERR_UNAVAILABLE, NULL, "%s",
		    net.stopping ? "the server is stopping" : "the server is full; try again later");
		struct buf b;

		/* Best effort: tell it why, without waiting for it to read. */
		buf_init(&b);
		rpc_encode_notify(&b, "error", e);
		if (write(fd, b.data, b.len) < 0)
			log_debug("could not tell a refused client why: %s", strerror(errno));
		buf_free(&b);
		rv_free(e);
		evutil_closesocket(fd);
		log_warn("refused a connection: %s", net.stopping ? "stopping" : "max_clients reached");
		return;
	}
	cn = xcalloc(1, sizeof *cn);
	cn->id = ++net.next_id;
	cn->refs = 1;
	if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
		/* Answers are small and awaited: never hold them back. */
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)sa;
		char ip[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
		xsnprintf(cn->peer, sizeof cn->peer, "%s:%u", ip, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
		char ip[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
		xsnprintf(cn->peer, sizeof cn->peer, "[%s]:%u", ip, ntohs(in6->sin6_port));
	} else {
		xsnprintf(cn->peer, sizeof cn->peer, "unix");
	}
	xsnprintf(cn->who.address, sizeof cn->who.address, "%s", cn->peer);
	cn->bev = bufferevent_socket_new(net.base, fd, BEV_OPT_CLOSE_ON_FREE);
	cn->message_timer = evtimer_new(net.base, conn_message_timeout_cb, cn);
	bufferevent_setcb(cn->bev, conn_read_cb, conn_write_cb, conn_event_cb, cn);
	/* Never buffer much more than one message's worth of input. */
	bufferevent_setwatermark(cn->bev, EV_READ, 0, net.cfg->max_message + 65536);
	conn_set_timeouts(cn);
	bufferevent_enable(cn->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&net.conns, cn, entry);
	net.nconns++;
	log_debug("client %llu (%s): connected", (unsigned long long)cn->id, cn->peer);
}

static int listen_on(const char *addr)
{
	struct evconnlistener *l;
	unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC;

	if (strchr(addr, '/') != NULL) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		struct stat st;

		if (strlen(addr) >= sizeof sun.sun_path) {
			log_error("listen %s: path too long", addr);
			return -1;
		}
		strcpy(sun.sun_path, addr);
		/* A socket left by a regied that died; never remove anything
		 * that is not a socket. */
		if (stat(addr, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(addr);
		l = evconnlistener_new_bind(net.base, accept_cb, NULL, flags, 128,
		    (struct sockaddr *)&sun, sizeof sun);
		if (l != NULL)
			net.unix_paths[net.nlisteners] = xstrdup(addr);
	} else {
		struct sockaddr_storage ss;
		int sslen = sizeof ss;

		if (evutil_parse_sockaddr_port(addr, (struct sockaddr *)&ss, &sslen) != 0) {
			log_error("listen %s: expected host:port (numeric) or a socket path", addr);
			return -1;
		}
		l = evconnlistener_new_bind(net.base, accept_cb, NULL, flags, 128,
		    (struct sockaddr *)&ss, sslen);
	}
	if (l == NULL) {
		log_error("listen %s: %s", addr, strerror(errno));
		return -1;
	}
	net.listeners[net.nlisteners++] = l;
	log_info("listening on %s", addr);
	return 0;
}

/* Events: each read from the LISTEN connection goes to the sessions
 * that subscribed to its topic and may see it. */
static bool conn_may_see(const struct conn *cn, const struct topic *t, const struct rv *ev)
{
	const struct rv *v;

	if (!cn->has_session || !(cn->who.roles & t->roles))
		return false;
	if ((cn->who.roles & t->roles & ~t->narrowed) != 0)
		return true;
	if ((v = rv_get(ev, "owner")) != NULL && v->type == RV_INT && v->i == cn->who.user_id)
		return true;
	if ((cn->who.roles & t->narrowed & ~t->by_owner) == 0)
		return false;
	if ((v = rv_get(ev, "service")) != NULL && v->type == RV_INT &&
	    caller_covers_service(&cn->who, v->i))
		return true;
	if ((v = rv_get(ev, "site")) != NULL && v->type == RV_INT && caller_covers_site(&cn->who, v->i))
		return true;
	return false;
}

static void conn_send_event(struct conn *cn, const struct buf *b, const struct buf *resync)
{
	size_t out = conn_output_len(cn);

	if (cn->lagging) {
		/* What it misses counts towards the hard limit, or a client
		 * that never reads again would hold its connection forever. */
		cn->skipped += b->len;
		if (out + cn->skipped > net.cfg->max_output)
			conn_close(cn, "output limit reached (the client does not read its events)");
		return;
	}
	if (out > net.cfg->max_output / 4) {
		/* Too slow for its events: say so once; it reloads when it
		 * catches up, and the hard limit cuts it off if it never does. */
		cn->lagging = true;
		conn_write(cn, resync);
		return;
	}
	conn_write(cn, b);
}

void net_deliver_event(const struct rv *ev)
{
	const char *name = rv_path_str(ev, "topic", NULL);
	const struct topic *t = name ? topic_find(name) : NULL;
	struct conn *cn, *next;
	struct buf b, resync;
	struct rv *rs;
	uint64_t bit;

	if (t == NULL)
		return;
	bit = 1ull << (t - topics);
	buf_init(&b);
	buf_init(&resync);
	rpc_encode_notify(&b, "event", ev);
	rs = rv_map();
	rv_set_str(rs, "topic", "resync");
	rv_set_str(rs, "reason", "events were dropped because this client reads too slowly");
	rpc_encode_notify(&resync, "event", rs);
	rv_free(rs);
	TAILQ_FOREACH_SAFE(cn, &net.conns, entry, next) {
		if ((cn->topic_mask & bit) && conn_may_see(cn, t, ev))
			conn_send_event(cn, &b, &resync);
	}
	buf_free(&b);
	buf_free(&resync);
}

void net_broadcast_resync(void)
{
	struct conn *cn, *next;
	struct buf b;
	struct rv *rs = rv_map();

	rv_set_str(rs, "topic", "resync");
	rv_set_str(rs, "reason", "the event feed was interrupted");
	buf_init(&b);
	rpc_encode_notify(&b, "event", rs);
	rv_free(rs);
	TAILQ_FOREACH_SAFE(cn, &net.conns, entry, next) {
		if (cn->has_session && cn->topic_mask != 0)
			conn_write(cn, &b);
	}
	buf_free(&b);
}

void net_sessions_revalidate(void)
{
	struct conn *cn;

	TAILQ_FOREACH(cn, &net.conns, entry) {
		if (cn->has_session)
			cn->who.revalidate = true;
	}
}

void net_sessions_revoked(int64_t user_id, const char *token_hash_hex)
{
	struct conn *cn, *next;
	struct session_change end = { .clear = true };
	struct buf b;
	struct rv *ev = rv_map();

	rv_set_str(ev, "topic", "session");
	rv_set_str(ev, "op", "ended");
	rv_set_str(ev, "reason", "the session was ended by the server");
	buf_init(&b);
	rpc_encode_notify(&b, "event", ev);
	rv_free(ev);
	TAILQ_FOREACH_SAFE(cn, &net.conns, entry, next) {
		if (!cn->has_session || cn->who.user_id != user_id)
			continue;
		if (token_hash_hex != NULL && strcmp(token_hash_hex, cn->who.token_hash) != 0)
			continue;
		conn_apply_session(cn, &end);
		conn_write(cn, &b);
	}
	buf_free(&b);
}

void conn_subscribe(struct conn *cn, const char *const *names, size_t n)
{
	cn->topic_mask = 0;
	for (size_t i = 0; i < n; i++) {
		const struct topic *t = topic_find(names[i]);
		if (t != NULL)
			cn->topic_mask |= 1ull << (t - topics);
	}
}

struct rv *server_stats(void)
{
	struct rv *r = rv_map();
	struct conn *cn;
	int64_t sessions = 0;

	TAILQ_FOREACH(cn, &net.conns, entry) {
		if (!cn->dead && cn->has_session)
			sessions++;
	}
	rv_set_int(r, "connections", net.nconns);
	rv_set_int(r, "sessions", sessions);
	rv_set_int(r, "calls_in_flight", pool_busy(net.pool));
	rv_set_int(r, "workers", net.cfg->pool_size);
	rv_set(r, "page_cache", page_cache_stats());
	return r;
}

int64_t conn_session_expires(const struct conn *cn)
{
	return cn->has_session ? cn->who.expires : 0;
}

/* Housekeeping, in the pool like any other database work. */
static void job_run_maintenance(struct job *j, struct worker *w)
{
	PGconn *db = worker_db(w);
	PGresult *res;

	if (db == NULL)
		return;
	res = PQexec(db, "DELETE FROM sessions WHERE expires < now(); "
	    "DELETE FROM idempotency_keys WHERE created < now() - interval '1 day'; "
	    "DELETE FROM login_failures WHERE window_start < now() - interval '1 day' "
	    "AND (locked_until IS NULL OR locked_until < now())");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		log_warn("maintenance failed: %s", PQerrorMessage(db));
	PQclear(res);
}

static void job_done_maintenance(struct job *j)
{
	buf_free(&j->reply);
	free(j);
	if (net.stopping)
		maybe_finish_stop();
}

static void maintenance_cb(evutil_socket_t fd, short what, void *arg)
{
	struct job *j = xcalloc(1, sizeof *j);

	j->run = job_run_maintenance;
	j->done = job_done_maintenance;
	buf_init(&j->reply);
	pool_submit(net.pool, j);
}

/* The graceful stop: no new connections or requests; the calls in
 * flight finish and their answers are flushed, within shutdown_timeout. */
static void maybe_finish_stop(void)
{
	struct conn *cn;
	bool flushed = true;

	TAILQ_FOREACH(cn, &net.conns, entry)
		flushed &= conn_output_len(cn) == 0;
	if ((pool_busy(net.pool) == 0 && flushed) || time(NULL) >= net.stop_deadline)
		event_base_loopexit(net.base, NULL);
}

static void stop_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	maybe_finish_stop();
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct conn *cn;
	struct timeval tick = { 0, 100 * 1000 };

	if (net.stopping) {
		log_info("second signal: stopping now");
		event_base_loopexit(net.base, NULL);
		return;
	}
	log_info("%s: finishing %d calls in flight, then stopping", strsignal((int)sig),
	    pool_busy(net.pool));
	net.stopping = true;
	search_index_stop();
	net.stop_deadline = time(NULL) + net.cfg->shutdown_timeout;
	for (int i = 0; i < net.nlisteners; i++)
		evconnlistener_disable(net.listeners[i]);
	TAILQ_FOREACH(cn, &net.conns, entry)
		bufferevent_disable(cn->bev, EV_READ);
	net.stop_timer = event_new(net.base, -1, EV_PERSIST, stop_timer_cb, NULL);
	event_add(net.stop_timer, &tick);
	maybe_finish_stop();
}

/* Keys that shape what was set up at start keep their value until a
 * restart; saying so beats pretending they changed. */
static void config_keep_fixed(struct config *next, const struct config *cur)
{
	bool same_listen = next->nlisten == cur->nlisten;

	for (int i = 0; same_listen && i < cur->nlisten; i++)
		same_listen = strcmp(next->listen[i], cur->listen[i]) == 0;
	if (!same_listen) {
		log_warn("reload: listen changes only with a restart; kept");
		for (int i = 0; i < next->nlisten; i++)
			free(next->listen[i]);
		for (int i = 0; i < cur->nlisten; i++)
			next->listen[i] = xstrdup(cur->listen[i]);
		next->nlisten = cur->nlisten;
	}
	if (next->database == NULL || strcmp(next->database, cur->database) != 0) {
		log_warn("reload: database changes only with a restart; kept");
		free(next->database);
		next->database = xstrdup(cur->database);
	}
	if (next->pool_size != cur->pool_size) {
		log_warn("reload: pool_size changes only with a restart; kept %d", cur->pool_size);
		next->pool_size = cur->pool_size;
	}
	if (next->search_index != cur->search_index) {
		log_warn("reload: search_index changes only with a restart; kept");
		next->search_index = cur->search_index;
	}
}

/* SIGHUP: read the configuration again. A file that no longer parses
 * changes nothing. Limits apply to what comes next: a connection already
 * open keeps the read watermark it was given. */
static void reload_cb(evutil_socket_t sig, short what, void *arg)
{
	struct config *next;
	char err[1024] = "";

	if (net.reload == NULL || net.stopping)
		return;
	next = xcalloc(1, sizeof *next);
	if (net.reload(next, err, sizeof err) != 0) {
		log_error("reload: %s; the configuration in force is kept", err);
		free(next);
		return;
	}
	config_keep_fixed(next, net.cfg);
	log_set_level(next->log_level);
	if (next->page_cache_size != net.cfg->page_cache_size ||
	    next->page_cache_age != net.cfg->page_cache_age)
		page_cache_configure(next->page_cache_size, next->page_cache_age * 1000);
	net.retired = xreallocarray(net.retired, net.nretired + 1, sizeof *net.retired);
	net.retired[net.nretired++] = next;
	net.cfg = next;
	atomic_store(&live_config, next);
	log_info("reload: configuration read again");
}

int server_run(struct config *cfg, config_reload_fn reload)
{
	char host[64];
	struct timeval hourly = { 600, 0 };
	int rc = 0;

	evthread_use_pthreads();
	memset(&net, 0, sizeof net);
	TAILQ_INIT(&net.conns);
	net.cfg = cfg;
	net.reload = reload;
	atomic_store(&live_config, cfg);
	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	xsnprintf(net.instance, sizeof net.instance, "%s:%ld", host, (long)getpid());
	net.base = event_base_new();
	/* Caught from the start: a signal that comes while the rest is set
	 * up waits for the loop, instead of ending regied (SIGHUP's default). */
	net.sig_term = evsignal_new(net.base, SIGTERM, signal_cb, NULL);
	net.sig_int = evsignal_new(net.base, SIGINT, signal_cb, NULL);
	net.sig_hup = evsignal_new(net.base, SIGHUP, reload_cb, NULL);
	event_add(net.sig_term, NULL);
	event_add(net.sig_int, NULL);
	event_add(net.sig_hup, NULL);
	dispatch_init();
	if (cfg->nlisten == 0)
		cfg->listen[cfg->nlisten++] = xstrdup("127.0.0.1:7890");
	for (int i = 0; i < cfg->nlisten; i++) {
		if (listen_on(cfg->listen[i]) != 0) {
			rc = 1;
			goto out;
		}
	}
	net.pool = pool_new(net.base, cfg->pool_size, cfg->database);
	page_cache_configure(cfg->page_cache_size, cfg->page_cache_age * 1000);
	search_index_init(net.base, net.pool, cfg->search_index != 0);
	if (events_start(net.base, cfg->database) != 0) {
		rc = 1;
		goto out;
	}
	net.maintenance_timer = event_new(net.base, -1, EV_PERSIST, maintenance_cb, NULL);
	event_add(net.maintenance_timer, &hourly);
	log_info("regied %s ready (instance %s, %d workers)", REGIED_VERSION, net.instance,
	    cfg->pool_size);
	event_base_dispatch(net.base);
	log_info("stopped");
out:
	events_stop();
	for (int i = 0; i < net.nlisteners; i++) {
		evconnlistener_free(net.listeners[i]);
		if (net.unix_paths[i] != NULL) {
			unlink(net.unix_paths[i]);
			free(net.unix_paths[i]);
		}
	}
	search_index_stop();
	if (net.pool != NULL)
		pool_free(net.pool);
	search_index_free();
	page_cache_free();
	while (!TAILQ_EMPTY(&net.conns))
		conn_close(TAILQ_FIRST(&net.conns), NULL);
	if (net.stop_timer)
		event_free(net.stop_timer);
	if (net.maintenance_timer)
		event_free(net.maintenance_timer);
	if (net.sig_term) {
		event_free(net.sig_term);
		event_free(net.sig_int);
		event_free(net.sig_hup);
	}
	for (size_t i = 0; i < net.nretired; i++) {
		config_free(net.retired[i]);
		free(net.retired[i]);
	}
	free(net.retired);
	event_base_free(net.base);
	libevent_global_shutdown();
	return rc;
}
