/* Hostile and careless peers on the wire: oversize messages, lying
 * headers, deep nesting, bytes that are no MessagePack, valid values that
 * are no RPC, bad parameters, pipelining, a flood of calls on one
 * connection, slowloris, silent clients, a flood of connections, and a
 * request written byte by byte from the MessagePack-RPC spec.
 *
 * Most tests talk through raw sockets, with bytes made by hand or by the
 * encoder of lib/wire.h, since lib/client would never send them. Each test
 * has its own database and its own regied; limits are made small through
 * a configuration file (-c) where waiting for the defaults would be slow. */
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "harness.h"
#include "buf.h"
#include "wire.h"
#include "xmalloc.h"

#define ADMIN_LOGIN "admin"
#define ADMIN_PASSWORD "admin-secret"

/* How long a refusal may take when the server should refuse at once. */
#define PROMPT_MS 2000

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- a regied of the test's own ---- */

#define env_start(e, name, config_text) \
	h_env_start((e), (name), ADMIN_LOGIN, ADMIN_PASSWORD, (config_text))
/* A clean exit, too, says the server survived what the test did. */
#define env_stop(e) assert_int_equal(h_env_end(e), 0)

/* ---- raw connections ---- */

struct raw {
	int fd;
	struct buf in;       /* bytes read and not yet made into messages */
	bool eof;            /* the server closed (FIN or reset) */
};

static struct raw *
raw_connect_rcvbuf(int port, int rcvbuf)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct raw *r = xcalloc(1, sizeof *r);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	r->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(r->fd >= 0);
	if (rcvbuf > 0)
		setsockopt(r->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	if (connect(r->fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		fail_msg("connect to port %d: %s", port, strerror(errno));
	fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) | O_NONBLOCK);
	buf_init(&r->in);
	return r;
}

static struct raw *
raw_connect(int port)
{
	return raw_connect_rcvbuf(port, 0);
}

static void
raw_close(struct raw *r)
{
	if (r == NULL)
		return;
	close(r->fd);
	buf_free(&r->in);
	free(r);
}

/* Writes len bytes within timeout_ms. Returns 0, or -1 when the server
 * has closed the connection (which some tests expect mid-write). */
static int
raw_write(struct raw *r, const void *data, size_t len, int timeout_ms)
{
	const uint8_t *p = data;
	int64_t deadline = now_ms() + timeout_ms;

	while (len > 0) {
		ssize_t n = send(r->fd, p, len, MSG_NOSIGNAL);
		struct pollfd pfd = { r->fd, POLLOUT, 0 };

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return -1;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			fail_msg("send: %s", strerror(errno));
		if (now_ms() >= deadline)
			fail_msg("could not write %zu more bytes within %d ms", len, timeout_ms);
		poll(&pfd, 1, (int)(deadline - now_ms()));
	}
	return 0;
}

static void
raw_send_buf(struct raw *r, const struct buf *b)
{
	assert_int_equal(raw_write(r, b->data, b->len, 5000), 0);
}

/* Drops the first n bytes of the input buffer. */
static void
raw_consume(struct raw *r, size_t n)
{
	memmove(r->in.data, r->in.data + n, r->in.len - n);
	r->in.len -= n;
}

/* The next message from the server, or NULL on end of stream (r->eof) or
 * when timeout_ms passes first. */
static struct rv *
raw_read(struct raw *r, int timeout_ms)
{
	static const struct wire_limits lim = { 64u << 20, 1u << 20, 32 };
	int64_t deadline = now_ms() + timeout_ms;
	char err[160];

	for (;;) {
		size_t len = 0;
		uint8_t chunk[65536];
		struct pollfd pfd = { r->fd, POLLIN, 0 };
		ssize_t n;
		int64_t left;

		if (r->in.len > 0) {
			enum wire_scan sr = wire_scan(r->in.data, r->in.len, &lim, &len);
			if (sr == WIRE_SCAN_OK) {
				struct rv *v = wire_decode(r->in.data, len, err, sizeof err);
				if (v == NULL)
					fail_msg("undecodable message from the server: %s", err);
				raw_consume(r, len);
				return v;
			}
			if (sr != WIRE_SCAN_INCOMPLETE)
				fail_msg("bad bytes from the server: %s", wire_scan_name(sr));
		}
		if (r->eof)
			return NULL;
		n = recv(r->fd, chunk, sizeof chunk, 0);
		if (n > 0) {
			buf_add(&r->in, chunk, (size_t)n);
			continue;
		}
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			r->eof = true;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			fail_msg("recv: %s", strerror(errno));
		left = deadline - now_ms();
		if (left <= 0)
			return NULL;
		poll(&pfd, 1, (int)left);
	}
}

/* Reads until the server closes, within timeout_ms. Returns whether it
 * closed; *first gets the first message seen (NULL if none), the rest
 * are dropped. */
static bool
raw_wait_closed(struct raw *r, int timeout_ms, struct rv **first)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct rv *v;

	*first = NULL;
	while (!r->eof) {
		int64_t left = deadline - now_ms();

		if (left <= 0)
			return false;
		v = raw_read(r, (int)left);
		if (v != NULL && *first == NULL)
			*first = v;
		else
			rv_free(v);
	}
	return true;
}

/* Sends [0, msgid, method, [params]]; params is text for rv_from_json,
 * NULL for an empty params array. */
static void
raw_request(struct raw *r, uint32_t msgid, const char *method, const char *params)
{
	struct rv *p = NULL;
	struct buf b;
	char err[160];

	if (params != NULL && (p = rv_from_json(params, err, sizeof err)) == NULL)
		fail_msg("bad params %s: %s", params, err);
	buf_init(&b);
	rpc_encode_request(&b, msgid, method, p);
	raw_send_buf(r, &b);
	buf_free(&b);
	rv_free(p);
}

/* The response to msgid; notifications before it are dropped. */
static struct rv *
raw_response(struct raw *r, uint32_t msgid)
{
	int64_t deadline = now_ms() + H_CALL_TIMEOUT_MS;

	for (;;) {
		int64_t left = deadline - now_ms();
		struct rv *v = raw_read(r, left > 0 ? (int)left : 0);

		if (v == NULL)
			fail_msg("no response to msgid %u: %s", msgid,
			    r->eof ? "the server closed the connection" : "timed out");
		if (rv_path_int(v, "0", -1) == 1 && rv_path_int(v, "1", -1) == msgid)
			return v;
		rv_free(v);
	}
}

/* A call that must succeed; returns the whole response message. */
static struct rv *
raw_call_ok(struct raw *r, uint32_t msgid, const char *method, const char *params)
{
	struct rv *v;

	raw_request(r, msgid, method, params);
	v = raw_response(r, msgid);
	if (rv_path(v, "2")->type != RV_NIL) {
		char *json = rv_to_json(v);
		print_error("%s answered %s\n", method, json);
		free(json);
		rv_free(v);
		fail_msg("%s failed", method);
	}
	return v;
}

static void
raw_ping(struct raw *r, uint32_t msgid)
{
	struct rv *v = raw_call_ok(r, msgid, "system.ping", NULL);

	assert_true(rv_path_bool(v, "3.pong", false));
	rv_free(v);
}

static void
raw_login(struct raw *r)
{
	rv_free(raw_call_ok(r, 900000, "session.login",
	    "{login: \"" ADMIN_LOGIN "\", password: \"" ADMIN_PASSWORD "\"}"));
}

/* Asserts that v is the notification [2, "error", [{code: code, ...}]]. */
static void
assert_error_notice(struct rv *v, const char *code)
{
	if (v == NULL)
		fail_msg("expected an error notification (%s), got nothing", code);
	if (rv_path_int(v, "0", -1) != 2 || strcmp(rv_path_str(v, "1", ""), "error") != 0 ||
	    strcmp(rv_path_str(v, "2.0.code", ""), code) != 0 ||
	    rv_path_str(v, "2.0.message", NULL) == NULL) {
		char *json = rv_to_json(v);
		print_error("expected an error notification with code %s, got %s\n", code, json);
		free(json);
		fail_msg("wrong notification");
	}
}

/* Asserts that v is the response [1, msgid, {code: code, ...}, nil]. */
static void
assert_error_response(struct rv *v, uint32_t msgid, const char *code)
{
	if (rv_path_int(v, "0", -1) != 1 || rv_path_int(v, "1", -1) != msgid ||
	    strcmp(rv_path_str(v, "2.code", ""), code) != 0 ||
	    rv_path(v, "3") == NULL || rv_path(v, "3")->type != RV_NIL) {
		char *json = rv_to_json(v);
		print_error("expected [1, %u, {code: %s}, nil], got %s\n", msgid, code, json);
		free(json);
		fail_msg("wrong response");
	}
}

/* The peer sends bytes, gets an error notification, and is closed at
 * once; then another client is served. */
static void
expect_refused(struct h_env *e, struct raw *r, const char *what)
{
	struct rv *notice;
	struct raw *other;

	if (!raw_wait_closed(r, PROMPT_MS, &notice)) {
		rv_free(notice);
		fail_msg("%s: the connection was not closed within %d ms", what, PROMPT_MS);
	}
	assert_error_notice(notice, "invalid");
	rv_free(notice);
	other = raw_connect(e->s->port);
	raw_ping(other, 1);
	raw_close(other);
}

/* ---- size limits ---- */

/* A request whose params map holds one string of n bytes. */
static void
encode_padded(struct buf *b, uint32_t msgid, const char *method, size_t n)
{
	struct rv *p = rv_map();
	char *pad = xmalloc(n + 1);

	memset(pad, 'x', n);
	pad[n] = '\0';
	rv_set(p, "pad", rv_strn(pad, n));
	free(pad);
	rpc_encode_request(b, msgid, method, p);
	rv_free(p);
}

/* A request whose params map holds a list of count small strings: no one
 * header is big, only the total. */
static void
encode_many(struct buf *b, uint32_t msgid, const char *method, size_t count)
{
	struct rv *p = rv_map(), *list = rv_array();

	for (size_t i = 0; i < count; i++)
		rv_push(list, rv_str("forty bytes of filler, forty bytes of fil"));
	rv_set(p, "items", list);
	rpc_encode_request(b, msgid, method, p);
	rv_free(p);
}

static void
test_oversize_before_login(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *r;
	struct buf b;
	struct rv *v;

	env_start(&e, "it_protocol_anon_size", NULL);

	/* Just under the limit is a message like any other (answered with
	 * an error about the parameter, not about the size). */
	r = raw_connect(e.s->port);
	buf_init(&b);
	encode_padded(&b, 1, "system.ping", 60 * 1024);
	raw_send_buf(r, &b);
	buf_reset(&b);
	v = raw_response(r, 1);
	assert_error_response(v, 1, "invalid");
	assert_string_equal(rv_path_str(v, "2.field", ""), "pad");
	rv_free(v);
	raw_ping(r, 2);

	/* One string declared bigger than 64 KiB. */
	encode_padded(&b, 3, "system.ping", 70 * 1024);
	raw_write(r, b.data, b.len, 5000);
	expect_refused(&e, r, "a 70 KiB string before login");
	raw_close(r);

	/* Small items adding up to more than 64 KiB. */
	r = raw_connect(e.s->port);
	buf_reset(&b);
	encode_many(&b, 1, "system.ping", 2000);
	assert_true(b.len > 64 * 1024);
	raw_write(r, b.data, b.len, 5000);
	expect_refused(&e, r, "80 KiB of small strings before login");
	raw_close(r);

	/* The same bytes are fine once logged in (the limit is 1 MiB). */
	r = raw_connect(e.s->port);
	raw_login(r);
	raw_send_buf(r, &b);
	v = raw_response(r, 1);
	assert_error_response(v, 1, "invalid");
	assert_string_equal(rv_path_str(v, "2.field", ""), "items");
	rv_free(v);
	raw_ping(r, 2);
	raw_close(r);

	buf_free(&b);
	env_stop(&e);
}

static void
test_oversize_after_login(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *r;
	struct buf b;
	struct rv *v;

	env_start(&e, "it_protocol_size", NULL);
	buf_init(&b);

	/* Close to 1 MiB passes the reader and reaches the dispatcher. */
	r = raw_connect(e.s->port);
	raw_login(r);
	encode_padded(&b, 1, "system.ping", 1000 * 1000);
	raw_send_buf(r, &b);
	v = raw_response(r, 1);
	assert_error_response(v, 1, "invalid");
	assert_string_equal(rv_path_str(v, "2.field", ""), "pad");
	rv_free(v);
	raw_ping(r, 2);

	/* One string over 1 MiB. */
	buf_reset(&b);
	encode_padded(&b, 3, "system.ping", 1100 * 1024);
	raw_write(r, b.data, b.len, 5000);
	expect_refused(&e, r, "a 1.1 MiB string after login");
	raw_close(r);

	/* Small items adding up to more than 1 MiB. */
	r = raw_connect(e.s->port);
	raw_login(r);
	buf_reset(&b);
	encode_many(&b, 1, "system.ping", 30000);
	assert_true(b.len > 1024 * 1024);
	raw_write(r, b.data, b.len, 5000);
	expect_refused(&e, r, "1.2 MiB of small strings after login");
	raw_close(r);

	buf_free(&b);
	env_stop(&e);
}

/* The server's resident memory in KiB, or -1 when it cannot be read or
 * means little (the server runs under valgrind). */
static long
server_rss_kib(const struct h_server *s)
{
	const char *wrap = getenv("REGIE_SERVER_WRAP");
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	if (wrap != NULL && *wrap != '\0')
		return -1;
	xsnprintf(path, sizeof path, "/proc/%ld/status", (long)s->pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

/* Headers that claim far more than the limits, with none of the bytes
 * behind them: refused from the header alone, at once, without waiting
 * for (or making room for) what they announce. */
static void
test_lying_headers(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		uint8_t bytes[16];
		size_t len;
		bool login;
	} cases[] = {
		/* [0, 1, "x", [ str32 of 100 MB ... */
		{ "str32 of 100 MB", { 0x94, 0x00, 0x01, 0xa1, 'x', 0x91, 0xdb,
		    0x05, 0xf5, 0xe1, 0x00 }, 11, false },
		{ "bin32 of 100 MB", { 0x94, 0x00, 0x01, 0xa1, 'x', 0x91, 0xc6,
		    0x05, 0xf5, 0xe1, 0x00 }, 11, false },
		{ "str32 of 100 MB after login", { 0x94, 0x00, 0x01, 0xa1, 'x',
		    0x91, 0xdb, 0x05, 0xf5, 0xe1, 0x00 }, 11, true },
		{ "bin32 of 4 GB after login", { 0x94, 0x00, 0x01, 0xa1, 'x',
		    0x91, 0xc6, 0xff, 0xff, 0xff, 0xff }, 11, true },
		/* array32 of 2^32 - 1 elements, then map32 likewise */
		{ "array32 of 2^32-1", { 0xdd, 0xff, 0xff, 0xff, 0xff }, 5, false },
		{ "map32 of 2^32-1", { 0xdf, 0xff, 0xff, 0xff, 0xff }, 5, true },
		/* 65537 elements: one over the per-container limit */
		{ "array32 of 65537", { 0xdd, 0x00, 0x01, 0x00, 0x01 }, 5, true },
		/* fewer elements than the limit, but more than 64 KiB could hold */
		{ "array16 of 65535 before login", { 0x94, 0x00, 0x01, 0xa1, 'x',
		    0x91, 0xdc, 0xff, 0xff }, 9, false },
	};
	struct h_env e;
	long rss_before, rss_after;

	env_start(&e, "it_protocol_headers", NULL);
	rss_before = server_rss_kib(e.s);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct raw *r = raw_connect(e.s->port);
		int64_t t0;

		if (cases[i].login)
			raw_login(r);
		t0 = now_ms();
		assert_int_equal(raw_write(r, cases[i].bytes, cases[i].len, 1000), 0);
		expect_refused(&e, r, cases[i].what);
		if (now_ms() - t0 > PROMPT_MS)
			fail_msg("%s: refused only after %lld ms", cases[i].what,
			    (long long)(now_ms() - t0));
		raw_close(r);
	}
	rss_after = server_rss_kib(e.s);
	/* Nothing near the 100 MB announced was ever set aside. */
	if (rss_before > 0 && rss_after > 0 && rss_after - rss_before > 32 * 1024)
		fail_msg("the server grew from %ld to %ld KiB", rss_before, rss_after);
	env_stop(&e);
}

/* ---- malformed and unexpected values ---- */

static void
test_nesting_and_bad_bytes(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *r;
	uint8_t bytes[32];
	struct rv *v;

	env_start(&e, "it_protocol_nesting", NULL);

	/* 16 arrays deep: within the limit; not a request, so answered
	 * with a notification, and the connection stays. */
	r = raw_connect(e.s->port);
	memset(bytes, 0x91, 16);
	bytes[15] = 0x90;
	assert_int_equal(raw_write(r, bytes, 16, 1000), 0);
	v = raw_read(r, 5000);
	assert_error_notice(v, "invalid");
	rv_free(v);
	raw_ping(r, 1);

	/* 17 deep: refused and closed. */
	memset(bytes, 0x91, 17);
	bytes[16] = 0x90;
	assert_int_equal(raw_write(r, bytes, 17, 1000), 0);
	expect_refused(&e, r, "17 arrays deep");
	raw_close(r);

	/* Maps count as deep as arrays: {"a": {"a": ...}} 17 levels. */
	r = raw_connect(e.s->port);
	raw_login(r);
	for (int i = 0; i < 16; i++) {
		bytes[0] = 0x81;
		bytes[1] = 0xa1;
		bytes[2] = 'a';
		assert_int_equal(raw_write(r, bytes, 3, 1000), 0);
	}
	bytes[0] = 0x90;
	assert_int_equal(raw_write(r, bytes, 1, 1000), 0);
	expect_refused(&e, r, "17 maps deep");
	raw_close(r);

	/* 0xc1 is no MessagePack at all, first or inside a request. */
	r = raw_connect(e.s->port);
	bytes[0] = 0xc1;
	assert_int_equal(raw_write(r, bytes, 1, 1000), 0);
	expect_refused(&e, r, "0xc1");
	raw_close(r);

	r = raw_connect(e.s->port);
	raw_ping(r, 1);
	memcpy(bytes, "\x94\x00\x02\xabsystem.ping\x91\x81\xa1x\xc1", 20);
	assert_int_equal(raw_write(r, bytes, 20, 1000), 0);
	expect_refused(&e, r, "0xc1 inside a request");
	raw_close(r);

	env_stop(&e);
}

/* Valid MessagePack that is not a request: answered, and the connection
 * stays usable. */
static void
test_not_rpc(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *r;
	struct rv *v;
	struct buf b;

	env_start(&e, "it_protocol_not_rpc", NULL);
	r = raw_connect(e.s->port);
	buf_init(&b);

	/* A map, a string, an integer, a short array: no msgid to answer,
	 * so an error notification each. */
	{
		static const uint8_t bytes[] = {
			0x81, 0xa1, 'a', 0x01,          /* {"a": 1} */
			0xa5, 'h', 'e', 'l', 'l', 'o',  /* "hello" */
			0x2a,                           /* 42 */
			0x92, 0x00, 0x01,               /* [0, 1] */
			0x94, 0x07, 0x01, 0xa1, 'x', 0x90, /* [7, 1, "x", []]: no such type */
		};
		assert_int_equal(raw_write(r, bytes, sizeof bytes, 1000), 0);
		for (int i = 0; i < 5; i++) {
			v = raw_read(r, 5000);
			assert_error_notice(v, "invalid");
			rv_free(v);
		}
		raw_ping(r, 1);
	}

	/* A request whose msgid can be read is answered as a response. */
	{
		/* [0, 5, 42, []]: the method is not a string */
		static const uint8_t bad_method[] = { 0x94, 0x00, 0x05, 0x2a, 0x90 };
		/* [0, 6, "system.ping", [1]]: params not [] or [map] */
		static const uint8_t bad_params[] = { 0x94, 0x00, 0x06, 0xab, 's', 'y', 's',
		    't', 'e', 'm', '.', 'p', 'i', 'n', 'g', 0x91, 0x01 };
		/* [0, 8, "system.ping", {}]: params a map, not an array */
		static const uint8_t map_params[] = { 0x94, 0x00, 0x08, 0xab, 's', 'y', 's',
		    't', 'e', 'm', '.', 'p', 'i', 'n', 'g', 0x80 };
		/* [0, 9, "system.ping"]: three items */
		static const uint8_t short_req[] = { 0x93, 0x00, 0x09, 0xab, 's', 'y', 's',
		    't', 'e', 'm', '.', 'p', 'i', 'n', 'g' };

		assert_int_equal(raw_write(r, bad_method, sizeof bad_method, 1000), 0);
		v = raw_response(r, 5);
		assert_error_response(v, 5, "invalid");
		rv_free(v);
		assert_int_equal(raw_write(r, bad_params, sizeof bad_params, 1000), 0);
		v = raw_response(r, 6);
		assert_error_response(v, 6, "invalid");
		rv_free(v);
		assert_int_equal(raw_write(r, map_params, sizeof map_params, 1000), 0);
		v = raw_response(r, 8);
		assert_error_response(v, 8, "invalid");
		rv_free(v);
		assert_int_equal(raw_write(r, short_req, sizeof short_req, 1000), 0);
		v = raw_response(r, 9);
		assert_error_response(v, 9, "invalid");
		rv_free(v);
		raw_ping(r, 10);
	}

	/* A client may not send responses or notifications. */
	{
		struct rv *nil = rv_map();

		rpc_encode_response(&b, 11, NULL, nil);
		rpc_encode_notify(&b, "event", nil);
		rv_free(nil);
		raw_send_buf(r, &b);
		for (int i = 0; i < 2; i++) {
			v = raw_read(r, 5000);
			assert_error_notice(v, "invalid");
			rv_free(v);
		}
		raw_ping(r, 12);
	}

	/* A msgid out of range, or negative: nothing to answer with. */
	{
		static const uint8_t big_id[] = { 0x94, 0x00, 0xcf, 0x00, 0x00, 0x00, 0x01,
		    0x00, 0x00, 0x00, 0x00, 0xa1, 'x', 0x90 };
		static const uint8_t neg_id[] = { 0x94, 0x00, 0xff, 0xa1, 'x', 0x90 };

		assert_int_equal(raw_write(r, big_id, sizeof big_id, 1000), 0);
		v = raw_read(r, 5000);
		assert_error_notice(v, "invalid");
		rv_free(v);
		assert_int_equal(raw_write(r, neg_id, sizeof neg_id, 1000), 0);
		v = raw_read(r, 5000);
		assert_error_notice(v, "invalid");
		rv_free(v);
		raw_ping(r, 13);
	}

	buf_free(&b);
	raw_close(r);
	env_stop(&e);
}

/* ---- parameters and methods, through the client library ---- */

static void
assert_field(struct rv *err, const char *field)
{
	const char *got = rv_path_str(err, "field", NULL);

	if (got == NULL || strcmp(got, field) != 0) {
		char *json = rv_to_json(err);
		print_error("expected field %s in %s\n", field, json);
		free(json);
		rv_free(err);
		fail_msg("wrong field");
	}
	rv_free(err);
}

static void
test_bad_params(void **state)
{
	(void)state;
	struct h_env e;
	struct event_base *base;
	struct regie_client *c;
	struct rv *err;

	env_start(&e, "it_protocol_params", NULL);
	base = event_base_new();
	c = h_connect(base, h_server_addr(e.s));

	/* Before login: wrong types on an anonymous method. */
	assert_field(h_call_err(c, "session.login", "{login: 5, password: \"whatever-pw\"}",
	    "invalid"), "login");
	assert_field(h_call_err(c, "session.login", "{login: \"admin\", password: [1]}",
	    "invalid"), "password");
	assert_field(h_call_err(c, "session.login", "{login: \"admin\"}", "invalid"),
	    "password");

	/* Unknown method, before and after login. */
	err = h_call_err(c, "no.such_method", "{}", "not_found");
	assert_non_null(strstr(rv_path_str(err, "message", ""), "no.such_method"));
	rv_free(err);

	/* Unknown parameter: named in field and message. */
	err = h_call_err(c, "system.ping", "{bogus: 1}", "invalid");
	assert_non_null(strstr(rv_path_str(err, "message", ""), "bogus"));
	assert_field(err, "bogus");

	h_login(c, ADMIN_LOGIN, ADMIN_PASSWORD);
	rv_free(h_call_err(c, "user.frobnicate", "{id: 1}", "not_found"));
	assert_field(h_call_err(c, "user.get", "{id: \"one\"}", "invalid"), "id");
	assert_field(h_call_err(c, "user.get", "{id: 1.5}", "invalid"), "id");
	assert_field(h_call_err(c, "user.get", "{id: -3}", "invalid"), "id");
	assert_field(h_call_err(c, "user.get", "{}", "invalid"), "id");
	assert_field(h_call_err(c, "user.list", "{disabled: \"yes\"}", "invalid"), "disabled");
	assert_field(h_call_err(c, "user.list", "{limit: 100000}", "invalid"), "limit");
	assert_field(h_call_err(c, "user.create", "{login: \"bob\", name: \"Bob\", "
	    "roles: \"admin\", password: \"long-enough\"}", "invalid"), "roles");
	assert_field(h_call_err(c, "user.create", "{login: \"bob\", name: \"Bob\", "
	    "roles: [\"pope\"], password: \"long-enough\"}", "invalid"), "roles");
	assert_field(h_call_err(c, "user.create", "{login: \"bob\", name: \"Bob\", "
	    "roles: [\"agent\"], password: \"long-enough\", request_key: 7}", "invalid"),
	    "request_key");
	assert_field(h_call_err(c, "user.update", "{id: 1, version: 1, colour: \"red\"}",
	    "invalid"), "colour");
	/* request_key only goes with methods that write. */
	assert_field(h_call_err(c, "user.get", "{id: 1, request_key: \"k\"}", "invalid"),
	    "request_key");

	/* None of that hurt the session. */
	rv_free(h_call_ok(c, "session.info", "{}"));

	regie_client_free(c);
	event_base_free(base);
	env_stop(&e);
}

/* ---- many requests at once on one connection ---- */

/* Sends count requests in one write, msgids first_id, first_id + step, ...
 * (kinds alternate between ping on the loop and session.info through the
 * pool), then reads until each has exactly one response. */
static void
send_batch_and_check(struct raw *r, int count, uint32_t first_id, uint32_t step)
{
	struct buf b;
	int *seen = xcalloc((size_t)count, sizeof *seen);
	int answered = 0;
	int64_t deadline = now_ms() + 20000;

	buf_init(&b);
	for (int i = 0; i < count; i++)
		rpc_encode_request(&b, first_id + (uint32_t)i * step,
		    i % 3 == 0 ? "system.ping" : "session.info", NULL);
	raw_send_buf(r, &b);
	buf_free(&b);
	while (answered < count) {
		int64_t left = deadline - now_ms();
		struct rv *v = raw_read(r, left > 0 ? (int)left : 0);
		int64_t id;
		int i;

		if (v == NULL)
			fail_msg("%d of %d requests answered (%s)", answered, count,
			    r->eof ? "connection closed" : "timed out");
		assert_int_equal(rv_path_int(v, "0", -1), 1);
		id = rv_path_int(v, "1", -1);
		assert_true(id >= first_id && (id - first_id) % step == 0);
		i = (int)((id - first_id) / step);
		assert_true(i < count);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		/* Each answer is the one its request asked for. */
		if (i % 3 == 0)
			assert_true(rv_path_bool(v, "3.pong", false));
		else
			assert_string_equal(rv_path_str(v, "3.user.login", ""), ADMIN_LOGIN);
		rv_free(v);
		answered++;
	}
	free(seen);
}

static void
test_pipelined(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *r;

	env_start(&e, "it_protocol_pipelined", NULL);
	r = raw_connect(e.s->port);
	raw_login(r);
	send_batch_and_check(r, 30, 4000000000u, 7);
	raw_ping(r, 1);
	raw_close(r);
	env_stop(&e);
}

/* Far more than max_inflight at once: reading pauses, nothing is dropped. */
static void
test_inflight_cap(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *r;

	env_start(&e, "it_protocol_inflight", "max_inflight = 8\n");
	r = raw_connect(e.s->port);
	raw_login(r);
	send_batch_and_check(r, 200, 1, 1);
	/* Again, to see the connection came back from the pause for good. */
	send_batch_and_check(r, 200, 1000, 3);
	raw_close(r);
	env_stop(&e);
}

/* ---- slow and silent peers ---- */

static const uint8_t ping_bytes[] = { 0x94, 0x00, 0x01, 0xab, 's', 'y', 's', 't', 'e', 'm',
    '.', 'p', 'i', 'n', 'g', 0x90 };

/* One byte a second of a request: cut off once the message has taken
 * message_timeout (2 s), while another client is served as usual. */
static void
test_slowloris(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *slow, *other;
	struct rv *notice = NULL;
	int64_t t0, closed_after = -1;
	uint32_t id = 1;

	env_start(&e, "it_protocol_slowloris", "message_timeout = 2\n");
	slow = raw_connect(e.s->port);
	other = raw_connect(e.s->port);
	raw_ping(slow, 1);
	t0 = now_ms();
	for (size_t i = 0; i < sizeof ping_bytes && closed_after < 0; i++) {
		int64_t step_end = now_ms() + 1000;

		if (raw_write(slow, &ping_bytes[i], 1, 1000) != 0)
			break;
		/* The other client gets its answers meanwhile. */
		raw_ping(other, id++);
		while (now_ms() < step_end) {
			struct rv *v = raw_read(slow, (int)(step_end - now_ms()));
			if (v != NULL && notice == NULL)
				notice = v;
			else
				rv_free(v);
			if (slow->eof) {
				closed_after = now_ms() - t0;
				break;
			}
		}
	}
	if (closed_after < 0 && raw_wait_closed(slow, 3000, &notice))
		closed_after = now_ms() - t0;
	if (closed_after < 0)
		fail_msg("a request sent at one byte a second was not cut off");
	assert_error_notice(notice, "invalid");
	rv_free(notice);
	if (closed_after < 1800 || closed_after > 4500)
		fail_msg("cut off after %lld ms; message_timeout is 2 s", (long long)closed_after);
	raw_ping(other, id++);
	raw_close(slow);
	raw_close(other);
	env_stop(&e);
}

/* A fast client whose writes split its requests (every write ends in the
 * middle of a message) is no slowloris: each message arrives in well
 * under message_timeout, though some message is always incomplete. */
static void
test_split_stream(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *r;
	struct buf b;
	size_t off = 0, half;
	int64_t end;
	uint32_t sent = 0, answered = 0;

	env_start(&e, "it_protocol_split", "message_timeout = 2\n");
	r = raw_connect(e.s->port);
	buf_init(&b);
	/* Twice message_timeout of traffic, one write every 50 ms. */
	for (int i = 0; i < 80; i++)
		rpc_encode_request(&b, (uint32_t)i + 1, "system.ping", NULL);
	half = b.len / 80 / 2;
	end = now_ms() + 4500;
	while (off < b.len && now_ms() < end) {
		size_t n = off == 0 ? half : b.len / 80;
		int64_t step_end = now_ms() + 50;
		struct rv *v;

		if (n > b.len - off)
			n = b.len - off;
		if (raw_write(r, b.data + off, n, 1000) != 0)
			fail_msg("the server closed a fast client after %u requests", sent);
		off += n;
		sent = (uint32_t)(off / (b.len / 80));
		while ((v = raw_read(r, (int)(step_end > now_ms() ? step_end - now_ms() : 0)))
		    != NULL) {
			if (rv_path_int(v, "0", -1) != 1) {
				char *json = rv_to_json(v);
				print_error("unexpected message %s\n", json);
				free(json);
				fail_msg("a fast client was treated as a slow one");
			}
			answered++;
			rv_free(v);
		}
		if (r->eof)
			fail_msg("the server closed a fast client after %u requests", answered);
	}
	while (answered < 80) {
		struct rv *v = raw_read(r, 5000);
		if (v == NULL)
			fail_msg("%u of 80 requests answered", answered);
		assert_int_equal(rv_path_int(v, "0", -1), 1);
		answered++;
		rv_free(v);
	}
	buf_free(&b);
	raw_close(r);
	env_stop(&e);
}

/* A connection that never logs in is closed after login_timeout; one
 * that logged in is not (its limit is idle_timeout). */
static void
test_login_timeout(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *silent, *logged;
	struct rv *notice;
	int64_t t0, after;

	env_start(&e, "it_protocol_idle", "login_timeout = 2\n");
	logged = raw_connect(e.s->port);
	raw_login(logged);
	silent = raw_connect(e.s->port);
	t0 = now_ms();
	if (!raw_wait_closed(silent, 6000, &notice))
		fail_msg("a silent connection was still open after 6 s (login_timeout = 2)");
	after = now_ms() - t0;
	rv_free(notice);
	if (after < 1800)
		fail_msg("closed after %lld ms, before login_timeout", (long long)after);
	assert_true(h_server_wait_log(e.s, "no login in time", 2000));
	/* More than login_timeout has passed for this one too. */
	raw_ping(logged, 1);
	rv_free(raw_call_ok(logged, 2, "session.info", NULL));
	raw_close(silent);
	raw_close(logged);
	env_stop(&e);
}

/* ---- a flood of connections ---- */

#define FLOOD_MAX 50

/* A connection that the server took: it answers a ping. Returns NULL when
 * the server refused it (full), after checking how. */
static struct raw *
flood_try(int port, bool *refused)
{
	struct raw *r = raw_connect(port);
	struct rv *v;

	*refused = false;
	raw_request(r, 1, "system.ping", NULL);
	v = raw_read(r, 5000);
	if (v == NULL)
		fail_msg("a connection got no answer at all (%s)", r->eof ? "closed" : "timeout");
	if (rv_path_int(v, "0", -1) == 2) {
		assert_error_notice(v, "unavailable");
		rv_free(v);
		if (!raw_wait_closed(r, PROMPT_MS, &v))
			fail_msg("a refused connection was left open");
		rv_free(v);
		raw_close(r);
		*refused = true;
		return NULL;
	}
	assert_true(rv_path_bool(v, "3.pong", false));
	rv_free(v);
	return r;
}

/* Opens a connection the server takes, retrying (within a deadline) while
 * it is full because closed connections are not yet noticed. */
static struct raw *
flood_open(int port)
{
	int64_t deadline = now_ms() + 5000;
	int pause_ms = 5;

	for (;;) {
		bool refused;
		struct raw *r = flood_try(port, &refused);
		struct timespec ts;

		if (r != NULL)
			return r;
		if (now_ms() >= deadline)
			fail_msg("no connection accepted within 5 s");
		ts.tv_sec = 0;
		ts.tv_nsec = pause_ms * 1000000L;
		nanosleep(&ts, NULL);
		pause_ms = pause_ms < 100 ? pause_ms * 2 : 100;
	}
}

static void
test_max_clients(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *conns[FLOOD_MAX];
	bool refused;

	env_start(&e, "it_protocol_flood", "max_clients = 50\n");
	for (int i = 0; i < FLOOD_MAX; i++)
		conns[i] = flood_open(e.s->port);

	/* The 51st, and the 52nd: told why, and closed. */
	for (int i = 0; i < 2; i++) {
		raw_close(flood_try(e.s->port, &refused));
		if (!refused)
			fail_msg("connection %d of max_clients = %d was accepted", FLOOD_MAX + 1 + i,
			    FLOOD_MAX);
	}
	/* Those in place are served as before. */
	for (int i = 0; i < FLOOD_MAX; i++)
		raw_ping(conns[i], 2);

	/* Room again once some leave. */
	for (int i = 0; i < 5; i++) {
		raw_close(conns[i]);
		conns[i] = NULL;
	}
	for (int i = 0; i < 5; i++)
		conns[i] = flood_open(e.s->port);
	raw_close(flood_try(e.s->port, &refused));
	assert_true(refused);
	assert_true(h_server_log_contains(e.s, "max_clients"));

	for (int i = 0; i < FLOOD_MAX; i++)
		raw_close(conns[i]);
	env_stop(&e);
}

/* ---- the spec, byte by byte ---- */

/* Reads until at least want bytes wait in r->in, undecoded. */
static void
raw_fill(struct raw *r, size_t want, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	while (r->in.len < want) {
		uint8_t chunk[4096];
		struct pollfd pfd = { r->fd, POLLIN, 0 };
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			fail_msg("only %zu of %zu bytes came", r->in.len, want);
		poll(&pfd, 1, (int)left);
		n = recv(r->fd, chunk, sizeof chunk, 0);
		if (n > 0)
			buf_add(&r->in, chunk, (size_t)n);
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			fail_msg("the server closed the connection");
	}
}

/* Requests written by hand from the MessagePack-RPC spec, as a stock
 * library would write them; the responses are checked byte by byte
 * where the spec fixes the bytes, and decoded for the rest. */
static void
test_stock_client_bytes(void **state)
{
	(void)state;
	struct h_env e;
	struct raw *r;
	struct rv *v;
	/* [0, 0xdeadbeef as uint32, "system.ping", []] */
	static const uint8_t ping_u32[] = { 0x94, 0x00, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xab,
	    's', 'y', 's', 't', 'e', 'm', '.', 'p', 'i', 'n', 'g', 0x90 };
	/* [0, 2, "system.hello", [{}]], the method as str8, as some
	 * encoders write every string */
	static const uint8_t hello_str8[] = { 0x94, 0x00, 0x02, 0xd9, 0x0c, 's', 'y', 's', 't',
	    'e', 'm', '.', 'h', 'e', 'l', 'l', 'o', 0x91, 0x80 };
	/* [0, 3, "no.such", []] */
	static const uint8_t unknown[] = { 0x94, 0x00, 0x03, 0xa7, 'n', 'o', '.', 's', 'u',
	    'c', 'h', 0x90 };

	env_start(&e, "it_protocol_stock", NULL);
	r = raw_connect(e.s->port);

	/* The smallest request. The response opens with fixarray 4, type 1,
	 * msgid 1, error nil; the result is a map. */
	assert_int_equal(raw_write(r, ping_bytes, sizeof ping_bytes, 1000), 0);
	raw_fill(r, 5, 5000);
	assert_int_equal(r->in.data[0], 0x94);
	assert_int_equal(r->in.data[1], 0x01);
	assert_int_equal(r->in.data[2], 0x01);
	assert_int_equal(r->in.data[3], 0xc0);
	assert_true((r->in.data[4] & 0xf0) == 0x80 || r->in.data[4] == 0xde);
	v = raw_read(r, 5000);
	assert_non_null(v);
	assert_true(rv_path_bool(v, "3.pong", false));
	assert_non_null(rv_path_str(v, "3.time", NULL));
	rv_free(v);

	/* A msgid above 2^31 comes back as the same number. */
	assert_int_equal(raw_write(r, ping_u32, sizeof ping_u32, 1000), 0);
	raw_fill(r, 2, 5000);
	assert_int_equal(r->in.data[0], 0x94);
	assert_int_equal(r->in.data[1], 0x01);
	v = raw_read(r, 5000);
	assert_non_null(v);
	assert_int_equal(rv_path_int(v, "1", -1), 0xdeadbeefLL);
	assert_true(rv_path(v, "2")->type == RV_NIL);
	rv_free(v);

	/* str8 for a short string, and params [{}]. */
	assert_int_equal(raw_write(r, hello_str8, sizeof hello_str8, 1000), 0);
	v = raw_read(r, 5000);
	assert_non_null(v);
	assert_int_equal(rv_path_int(v, "1", -1), 2);
	assert_int_equal(rv_path_int(v, "3.protocol", -1), 1);
	assert_true(strncmp(rv_path_str(v, "3.server", ""), "regied ", 7) == 0);
	rv_free(v);

	/* An error: [1, 3, {code, message}, nil], the result nil to the
	 * last byte. */
	assert_int_equal(raw_write(r, unknown, sizeof unknown, 1000), 0);
	raw_fill(r, 4, 5000);
	assert_int_equal(r->in.data[0], 0x94);
	assert_int_equal(r->in.data[1], 0x01);
	assert_int_equal(r->in.data[2], 0x03);
	assert_true((r->in.data[3] & 0xf0) == 0x80);
	{
		size_t len = 0;
		static const struct wire_limits lim = { 1u << 20, 1024, 8 };

		raw_fill(r, 8, 5000);
		while (wire_scan(r->in.data, r->in.len, &lim, &len) == WIRE_SCAN_INCOMPLETE)
			raw_fill(r, r->in.len + 1, 5000);
		assert_int_equal(r->in.data[len - 1], 0xc0);
	}
	v = raw_read(r, 5000);
	assert_error_response(v, 3, "not_found");
	assert_non_null(rv_path_str(v, "2.message", NULL));
	rv_free(v);

	raw_close(r);
	env_stop(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oversize_before_login),
		cmocka_unit_test(test_oversize_after_login),
		cmocka_unit_test(test_lying_headers),
		cmocka_unit_test(test_nesting_and_bad_bytes),
		cmocka_unit_test(test_not_rpc),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_inflight_cap),
		cmocka_unit_test(test_slowloris),
		cmocka_unit_test(test_split_stream),
		cmocka_unit_test(test_login_timeout),
		cmocka_unit_test(test_max_clients),
		cmocka_unit_test(test_stock_client_bytes),
	};

	/* REGIE_TEST_FILTER=test_name (or a pattern) runs only those. */
	if (getenv("REGIE_TEST_FILTER") != NULL)
		cmocka_set_test_filter(getenv("REGIE_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
