/* The client against a fake server on the same event base: a scripted
 * peer lets us break the link, refuse a resume or send garbage exactly
 * when we want, which a real regied will not do on demand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "buf.h"
#include "client.h"
#include "rerror.h"
#include "rv.h"
#include "wire.h"
#include "xmalloc.h"

#define MAX_SEEN 64

struct fake {
	struct event_base *base;
	struct evconnlistener *lis;
	struct sockaddr_un sun;
	struct sockaddr_in sin;
	bool tcp;
	struct bufferevent *conn;
	int accepted;
	char *seen[MAX_SEEN];       /* methods received, in order */
	int nseen;
	const char *resume_error;   /* when set, session.resume fails with it */
};

struct t {
	struct event_base *base;
	struct fake fake;
	char dir[64];
	char addr[128];
	struct regie_client *c;
	enum regie_state states[32];
	int nstates;
	int replies;
	char *last_code;            /* of the last error answer */
	int64_t last_n;             /* result.n of the last good answer */
	int notifies;
};

static void
fake_send(struct fake *f, const struct buf *b)
{
	if (f->conn != NULL)
		bufferevent_write(f->conn, b->data, b->len);
}

static void
fake_answer(struct fake *f, uint32_t msgid, struct rv *error, struct rv *result)
{
	struct buf b;

	buf_init(&b);
	rpc_encode_response(&b, msgid, error, result);
	fake_send(f, &b);
	buf_free(&b);
	rv_free(error);
	rv_free(result);
}

static void
fake_forget(struct fake *f)
{
	for (int i = 0; i < f->nseen; i++)
		free(f->seen[i]);
	f->nseen = 0;
}

struct late {
	struct fake *f;
	uint32_t msgid;
};

static void
fake_late_cb(evutil_socket_t fd, short what, void *arg)
{
	struct late *l = arg;
	struct rv *r = rv_map();

	rv_set_int(r, "n", 99);
	fake_answer(l->f, l->msgid, NULL, r);
	free(l);
}

static void
fake_drop(struct fake *f)
{
	if (f->conn != NULL) {
		bufferevent_free(f->conn);
		f->conn = NULL;
	}
}

/* The script: every method the tests use. */
static void
fake_request(struct fake *f, const struct rpc_msg *m)
{
	const struct rv *p = rv_len(m->params) > 0 ? m->params->a.items[0] : NULL;
	struct rv *r, *ev;
	struct buf b;

	if (f->nseen < MAX_SEEN)
		f->seen[f->nseen++] = xstrdup(m->method);
	if (strcmp(m->method, "session.login") == 0) {
		r = rv_map();
		rv_set_str(r, "token", "tok-1");
		fake_answer(f, m->msgid, NULL, r);
	} else if (strcmp(m->method, "session.resume") == 0) {
		if (f->resume_error != NULL) {
			fake_answer(f, m->msgid, rerr_make(rerr_from_name(f->resume_error),
			    NULL, "no"), NULL);
			return;
		}
		r = rv_map();
		rv_set_str(r, "token", rv_path_str(p, "token", "?"));
		fake_answer(f, m->msgid, NULL, r);
	} else if (strcmp(m->method, "session.logout") == 0) {
		r = rv_map();
		rv_set_bool(r, "ok", true);
		fake_answer(f, m->msgid, NULL, r);
	} else if (strcmp(m->method, "echo") == 0) {
		fake_answer(f, m->msgid, NULL, p != NULL ? rv_copy(p) : rv_nil());
	} else if (strcmp(m->method, "fail") == 0) {
		fake_answer(f, m->msgid, rerr_make(RERR_FORBIDDEN, NULL, "no"), NULL);
	} else if (strcmp(m->method, "notify") == 0) {
		buf_init(&b);
		ev = rv_map();
		rv_set_str(ev, "topic", "user");
		rpc_encode_notify(&b, "event", ev);
		fake_send(f, &b);
		buf_free(&b);
		rv_free(ev);
		fake_answer(f, m->msgid, NULL, rv_nil());
	} else if (strcmp(m->method, "late") == 0) {
		struct late *l = xcalloc(1, sizeof *l);
		struct timeval tv = { 0, 300 * 1000 };

		l->f = f;
		l->msgid = m->msgid;
		event_base_once(f->base, -1, EV_TIMEOUT, fake_late_cb, l, &tv);
	} else if (strcmp(m->method, "garbage") == 0) {
		bufferevent_write(f->conn, "\xc1", 1);
	} else if (strcmp(m->method, "drop") == 0) {
		fake_drop(f);
	}
	/* "hold" and anything else: no answer. */
}

static void
fake_read_cb(struct bufferevent *bev, void *arg)
{
	struct fake *f = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct wire_limits lim = { WIRE_MAX_MESSAGE, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH };
	struct rpc_msg m;
	struct rv *root;
	uint32_t msgid;
	size_t len;
	char err[128];

	while (f->conn == bev && evbuffer_get_length(in) > 0) {
		if (wire_scan(evbuffer_pullup(in, -1), evbuffer_get_length(in), &lim,
		    &len) != WIRE_SCAN_OK)
			return;
		root = wire_decode(evbuffer_pullup(in, -1), len, err, sizeof err);
		evbuffer_drain(in, len);
		assert_non_null(root);
		assert_int_equal(rpc_parse(root, &m, &msgid, err, sizeof err), 0);
		assert_int_equal(m.kind, RPC_REQUEST);
		fake_request(f, &m);
		rpc_msg_free(&m);
	}
}

static void
fake_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct fake *f = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		fake_drop(f);
}

static void
fake_accept_cb(struct evconnlistener *lis, evutil_socket_t fd, struct sockaddr *sa,
    int salen, void *arg)
{
	struct fake *f = arg;

	fake_drop(f);   /* one client at a time: the newest wins */
	f->accepted++;
	f->conn = bufferevent_socket_new(f->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(f->conn, fake_read_cb, NULL, fake_event_cb, f);
	bufferevent_enable(f->conn, EV_READ | EV_WRITE);
}

static void
fake_listen(struct fake *f)
{
	const struct sockaddr *sa;
	socklen_t len;

	if (f->tcp) {
		sa = (const struct sockaddr *)&f->sin;
		len = sizeof f->sin;
	} else {
		unlink(f->sun.sun_path);
		sa = (const struct sockaddr *)&f->sun;
		len = sizeof f->sun;
	}
	f->lis = evconnlistener_new_bind(f->base, fake_accept_cb, f,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16, sa, (int)len);
	assert_non_null(f->lis);
	if (f->tcp && f->sin.sin_port == 0) {
		len = sizeof f->sin;
		getsockname(evconnlistener_get_fd(f->lis), (struct sockaddr *)&f->sin, &len);
	}
}

/* The server goes away: no listener, no connection. */
static void
fake_stop(struct fake *f)
{
	fake_drop(f);
	if (f->lis != NULL) {
		evconnlistener_free(f->lis);
		f->lis = NULL;
	}
	if (!f->tcp)
		unlink(f->sun.sun_path);
}

static void
on_state(struct regie_client *c, enum regie_state s, void *arg)
{
	struct t *t = arg;

	if (t->nstates < 32)
		t->states[t->nstates++] = s;
}

static void
on_notify(struct regie_client *c, const char *method, const struct rv *params, void *arg)
{
	struct t *t = arg;

	assert_string_equal(method, "event");
	assert_string_equal(rv_path_str(params, "0.topic", ""), "user");
	t->notifies++;
}

static void
on_reply(struct regie_client *c, const struct rv *error, const struct rv *result,
    void *arg)
{
	struct t *t = arg;

	t->replies++;
	free(t->last_code);
	t->last_code = error != NULL ? xstrdup(rv_path_str(error, "code", "?")) : NULL;
	if (error == NULL)
		t->last_n = rv_path_int(result, "n", -1);
}

static struct rv *
params_n(int64_t n)
{
	struct rv *p = rv_map();

	rv_set_int(p, "n", n);
	return p;
}

static bool
saw_state(const struct t *t, enum regie_state s)
{
	for (int i = 0; i < t->nstates; i++)
		if (t->states[i] == s)
			return true;
	return false;
}

/* Runs the loop until cond holds; fails the test after ms. */
#define WAIT_FOR(t, cond, ms) do {                                          \
	struct timespec s_, n_;                                             \
	clock_gettime(CLOCK_MONOTONIC, &s_);                                \
	while (!(cond)) {                                                   \
		clock_gettime(CLOCK_MONOTONIC, &n_);                        \
		if ((n_.tv_sec - s_.tv_sec) * 1000 +                        \
		    (n_.tv_nsec - s_.tv_nsec) / 1000000 > (ms))             \
			fail_msg("timed out waiting for %s", #cond);        \
		event_base_loop((t)->base, EVLOOP_ONCE | EVLOOP_NONBLOCK);  \
		usleep(1000);                                               \
	}                                                                   \
} while (0)

static struct t *
t_new(bool tcp)
{
	struct t *t = xcalloc(1, sizeof *t);
	char err[128];

	t->base = event_base_new();
	t->fake.base = t->base;
	t->fake.tcp = tcp;
	if (tcp) {
		t->fake.sin.sin_family = AF_INET;
		t->fake.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fake_listen(&t->fake);
		/* localhost may resolve to ::1 first: the client must move on
		 * to 127.0.0.1, where we listen. */
		snprintf(t->addr, sizeof t->addr, "localhost:%d", ntohs(t->fake.sin.sin_port));
	} else {
		strcpy(t->dir, "/tmp/regie-client-XXXXXX");
		assert_non_null(mkdtemp(t->dir));
		t->fake.sun.sun_family = AF_UNIX;
		snprintf(t->fake.sun.sun_path, sizeof t->fake.sun.sun_path, "%s/sock", t->dir);
		fake_listen(&t->fake);
		snprintf(t->addr, sizeof t->addr, "%s", t->fake.sun.sun_path);
	}
	t->c = regie_client_new(t->base, t->addr, err, sizeof err);
	assert_non_null(t->c);
	regie_client_set_state_cb(t->c, on_state, t);
	regie_client_set_notify_cb(t->c, on_notify, t);
	return t;
}

static void
t_free(struct t *t)
{
	regie_client_free(t->c);
	fake_stop(&t->fake);
	fake_forget(&t->fake);
	if (t->dir[0] != '\0')
		rmdir(t->dir);
	free(t->last_code);
	event_base_free(t->base);
	free(t);
}

static void
test_bad_addresses(void **state)
{
	const char *bad[] = { "nohost", "host:", "host:0", "host:70000", "host:12x",
	    ":7000", "::1:7000", "[::1]7000", "[::1:7000" };
	struct event_base *base = event_base_new();
	char err[128];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_null(regie_client_new(base, bad[i], err, sizeof err));
		assert_true(strlen(err) > 0);
	}
	event_base_free(base);
}

static void
test_call_and_notify(void **state)
{
	struct t *t = t_new(true);
	struct rv *result, *error;

	assert_int_equal(regie_client_connect_sync(t->c, 5000), 0);
	assert_int_equal(regie_client_state(t->c), REGIE_CONNECTED);
	assert_int_equal(regie_call_sync(t->c, "echo", params_n(7), &result, &error, 5000), 0);
	assert_null(error);
	assert_int_equal(rv_path_int(result, "n", -1), 7);
	rv_free(result);

	assert_int_equal(regie_call_sync(t->c, "fail", NULL, &result, &error, 5000), -1);
	assert_null(result);
	assert_string_equal(rv_path_str(error, "code", ""), "forbidden");
	rv_free(error);

	assert_int_equal(regie_call_sync(t->c, "notify", NULL, &result, &error, 5000), 0);
	assert_int_equal(t->notifies, 1);
	rv_free(result);
	t_free(t);
}

static void
test_queued_until_connected(void **state)
{
	struct t *t = t_new(false);

	regie_call(t->c, "echo", params_n(1), on_reply, t);
	regie_call(t->c, "echo", params_n(2), on_reply, t);
	assert_int_equal(t->fake.nseen, 0);
	regie_client_connect(t->c);
	WAIT_FOR(t, t->replies == 2, 5000);
	assert_int_equal(t->last_n, 2);     /* sent in order */
	assert_string_equal(t->fake.seen[0], "echo");
	t_free(t);
}

static void
test_drop_and_resume(void **state)
{
	struct t *t = t_new(false);
	struct rv *result, *error;

	assert_int_equal(regie_client_connect_sync(t->c, 5000), 0);
	assert_int_equal(regie_call_sync(t->c, "session.login", NULL, &result, &error, 5000), 0);
	rv_free(result);
	assert_string_equal(regie_client_token(t->c), "tok-1");

	/* In flight when the server goes: answered unavailable. */
	regie_call(t->c, "hold", NULL, on_reply, t);
	fake_stop(&t->fake);
	WAIT_FOR(t, t->replies == 1, 5000);
	assert_string_equal(t->last_code, "unavailable");
	assert_int_equal(regie_client_state(t->c), REGIE_DISCONNECTED);

	/* Made while down: waits, then goes out after the resume. */
	regie_call(t->c, "echo", params_n(3), on_reply, t);
	t->nstates = 0;
	fake_forget(&t->fake);
	fake_listen(&t->fake);
	WAIT_FOR(t, t->replies == 2, 5000);
	assert_int_equal(t->last_n, 3);
	assert_string_equal(t->fake.seen[0], "session.resume");
	assert_string_equal(t->fake.seen[1], "echo");
	assert_true(saw_state(t, REGIE_RESUMING));
	assert_int_equal(regie_client_state(t->c), REGIE_CONNECTED);
	assert_string_equal(regie_client_token(t->c), "tok-1");

	assert_int_equal(regie_call_sync(t->c, "session.logout", NULL, &result, &error, 5000), 0);
	rv_free(result);
	assert_null(regie_client_token(t->c));
	t_free(t);
}

static void
test_resume_refused(void **state)
{
	struct t *t = t_new(false);

	regie_client_set_token(t->c, "stale");
	t->fake.resume_error = "unauthenticated";
	regie_call(t->c, "echo", params_n(4), on_reply, t);
	regie_client_connect(t->c);
	WAIT_FOR(t, t->replies == 1, 5000);
	assert_int_equal(t->last_n, 4);
	assert_null(regie_client_token(t->c));
	assert_int_equal(regie_client_state(t->c), REGIE_CONNECTED);
	t_free(t);
}

static void
test_resume_unavailable_retries(void **state)
{
	struct t *t = t_new(false);

	/* The server cannot check sessions now: keep the token, come back. */
	regie_client_set_token(t->c, "tok-9");
	t->fake.resume_error = "unavailable";
	regie_client_connect(t->c);
	WAIT_FOR(t, t->fake.accepted >= 2, 5000);
	assert_string_equal(regie_client_token(t->c), "tok-9");
	t->fake.resume_error = NULL;
	WAIT_FOR(t, regie_client_state(t->c) == REGIE_CONNECTED, 5000);
	assert_string_equal(regie_client_token(t->c), "tok-9");
	t_free(t);
}

static void
test_sync_timeout(void **state)
{
	struct t *t = t_new(false);
	struct rv *result, *error;
	struct timespec a, b;
	long ms;

	assert_int_equal(regie_client_connect_sync(t->c, 5000), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(regie_call_sync(t->c, "hold", NULL, &result, &error, 200), -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 190 && ms < 2000);
	assert_null(result);
	assert_string_equal(rv_path_str(error, "code", ""), "unavailable");
	assert_string_equal(rv_path_str(error, "message", ""), "timed out after 200 ms");
	rv_free(error);

	/* An answer that comes after the caller gave up is dropped, and the
	 * link goes on working. */
	assert_int_equal(regie_call_sync(t->c, "late", NULL, &result, &error, 100), -1);
	rv_free(error);
	assert_int_equal(regie_call_sync(t->c, "late", NULL, &result, &error, 5000), 0);
	assert_int_equal(rv_path_int(result, "n", -1), 99);
	rv_free(result);
	assert_int_equal(regie_client_state(t->c), REGIE_CONNECTED);
	t_free(t);
}

static void
test_garbage_drops_link(void **state)
{
	struct t *t = t_new(false);

	assert_int_equal(regie_client_connect_sync(t->c, 5000), 0);
	regie_call(t->c, "garbage", NULL, on_reply, t);
	WAIT_FOR(t, t->replies == 1, 5000);
	assert_string_equal(t->last_code, "unavailable");
	/* and comes back by itself */
	WAIT_FOR(t, t->fake.accepted == 2 && regie_client_state(t->c) == REGIE_CONNECTED,
	    5000);
	t_free(t);
}

static void
on_reply_close(struct regie_client *c, const struct rv *error,
    const struct rv *result, void *arg)
{
	on_reply(c, error, result, arg);
	regie_client_close(c);
}

/* Closing from a callback, the next answer perhaps already read: that
 * answer is not delivered, its call is failed by the close instead. */
static void
test_close_from_callback(void **state)
{
	struct t *t = t_new(false);

	assert_int_equal(regie_client_connect_sync(t->c, 5000), 0);
	regie_call(t->c, "echo", params_n(1), on_reply_close, t);
	regie_call(t->c, "echo", params_n(2), on_reply, t);
	WAIT_FOR(t, t->replies == 2, 5000);
	assert_string_equal(t->last_code, "unavailable");
	assert_int_equal(regie_client_state(t->c), REGIE_CLOSED);
	t_free(t);
}

static void
test_close(void **state)
{
	struct t *t = t_new(false);

	fake_stop(&t->fake);
	regie_client_set_reconnect(t->c, false);
	assert_int_equal(regie_client_connect_sync(t->c, 5000), -1);
	assert_int_equal(regie_client_state(t->c), REGIE_DISCONNECTED);
	regie_call(t->c, "echo", params_n(1), on_reply, t);
	assert_int_equal(t->replies, 0);
	regie_client_close(t->c);
	assert_int_equal(t->replies, 1);
	assert_string_equal(t->last_code, "unavailable");
	assert_int_equal(regie_client_state(t->c), REGIE_CLOSED);
	regie_call(t->c, "echo", params_n(1), on_reply, t);
	assert_int_equal(t->replies, 2);
	t_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_call_and_notify),
		cmocka_unit_test(test_queued_until_connected),
		cmocka_unit_test(test_drop_and_resume),
		cmocka_unit_test(test_resume_refused),
		cmocka_unit_test(test_resume_unavailable_retries),
		cmocka_unit_test(test_sync_timeout),
		cmocka_unit_test(test_garbage_drops_link),
		cmocka_unit_test(test_close_from_callback),
		cmocka_unit_test(test_close),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
