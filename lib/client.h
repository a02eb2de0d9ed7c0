/* The client side of the protocol, on libevent: what regie, the tests,
 * the benchmark and any C tool use to talk to regied.
 *
 * Calls are asynchronous with a callback; regie_call_sync runs the
 * client's event base until the answer comes, for tests and tools. The
 * client reconnects by itself with a growing delay and, when it holds a
 * session token, resumes the session (session.resume) before sending
 * anything else. Calls outstanding when the link drops are answered
 * with an `unavailable` error: a caller that passed a request_key may
 * retry them safely.
 *
 * Callbacks may make new calls (regie_call), set the token, or close the
 * client; they must not free the client, nor call the blocking forms
 * (the event base is already running). */
#ifndef REGIE_CLIENT_H
#define REGIE_CLIENT_H
#include <stdbool.h>
#include <stdint.h>
#include "rv.h"

struct event_base;
struct regie_client;

enum regie_state {
	REGIE_DISCONNECTED,   /* waiting to reconnect (or never connected) */
	REGIE_CONNECTING,     /* TCP/Unix connect in progress */
	REGIE_RESUMING,       /* connected, session.resume in flight */
	REGIE_CONNECTED,      /* ready: calls go out as they are made */
	REGIE_CLOSED,         /* regie_client_close was called */
};
const char *regie_state_name(enum regie_state s);

/* error is NULL on success; result may be nil. Both are freed after the
 * callback returns: copy what you keep. */
typedef void (*regie_reply_cb)(struct regie_client *c, const struct rv *error,
    const struct rv *result, void *arg);
/* A notification from the server: method is "event" for events, params
 * the notification's params array. */
typedef void (*regie_notify_cb)(struct regie_client *c, const char *method,
    const struct rv *params, void *arg);
typedef void (*regie_state_cb)(struct regie_client *c, enum regie_state state,
    void *arg);

/* addr is "host:port", "[v6]:port", or a path to a Unix socket (anything
 * containing a '/'). Returns NULL with a message in err for a bad address.
 * Ignores SIGPIPE unless the program has its own handler for it. */
struct regie_client *regie_client_new(struct event_base *base, const char *addr,
    char *err, size_t errlen);
/* Starts connecting (asynchronously). Reconnection is automatic after. */
void regie_client_connect(struct regie_client *c);
/* Blocking connect for tests and tools: runs the base until connected or
 * timeout_ms passes. Returns 0 when connected. */
int regie_client_connect_sync(struct regie_client *c, int timeout_ms);
void regie_client_set_notify_cb(struct regie_client *c, regie_notify_cb cb, void *arg);
void regie_client_set_state_cb(struct regie_client *c, regie_state_cb cb, void *arg);
/* Turns automatic reconnection on (the default) or off. */
void regie_client_set_reconnect(struct regie_client *c, bool on);
enum regie_state regie_client_state(const struct regie_client *c);
/* The session token: set by a successful session.login made through this
 * client (the result's "token"), cleared by session.logout or by a
 * resume that the server refuses. Can be set by hand. */
void regie_client_set_token(struct regie_client *c, const char *token);
const char *regie_client_token(const struct regie_client *c);
/* Stops for good: the link is dropped, no reconnection, outstanding and
 * queued calls (and any later call) get `unavailable`; state CLOSED. */
void regie_client_close(struct regie_client *c);
/* Frees the client; outstanding callbacks are called with an
 * `unavailable` error first. */
void regie_client_free(struct regie_client *c);

/* Sends method with params (a map, or NULL for none). Takes ownership of
 * params. cb may be NULL. Returns the msgid. When not connected the call
 * waits in a queue until the link is up (resumed), unless the client is
 * closed, in which case cb gets `unavailable` at once. */
uint32_t regie_call(struct regie_client *c, const char *method, struct rv *params,
    regie_reply_cb cb, void *arg);
/* Blocking form. Takes ownership of params. On return exactly one of
 * *result and *error is set (caller frees). Returns 0 on success, -1 on
 * an error answer (or a timeout, reported as an `unavailable` error).
 * timeout_ms <= 0 waits without limit. */
int regie_call_sync(struct regie_client *c, const char *method, struct rv *params,
    struct rv **result, struct rv **error, int timeout_ms);

#endif
