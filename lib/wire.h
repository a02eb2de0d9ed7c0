/* MessagePack-RPC on a byte stream: the bounded scanner, the decoder and
 * the encoder.
 *
 * Messages follow each other with no header. Before msgpack-c sees a
 * byte, wire_scan walks the raw bytes with explicit bounds: it finds the
 * end of the first message and refuses one that is too big, too deep, or
 * has a container that claims more elements than allowed or than the
 * remaining size could hold. msgpack-c's own unpacker trusts those claims
 * and would allocate for them. */
#ifndef REGIE_WIRE_H
#define REGIE_WIRE_H
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
#include "rv.h"

#define WIRE_MAX_MESSAGE        (1024u * 1024u)  /* after login */
#define WIRE_MAX_MESSAGE_ANON   (64u * 1024u)    /* before login */
#define WIRE_MAX_ELEMENTS       65536u           /* per array or map */
#define WIRE_MAX_DEPTH          16u

struct wire_limits {
	size_t max_message;     /* bytes in one message */
	uint32_t max_elements;  /* items in one array, or pairs in one map */
	unsigned max_depth;     /* nesting of containers; a scalar is depth 0, [1] is depth 1 */
};

enum wire_scan {
	WIRE_SCAN_OK = 0,       /* *msg_len holds the length of the first message */
	WIRE_SCAN_INCOMPLETE,   /* need more bytes; nothing wrong yet */
	WIRE_SCAN_TOO_BIG,      /* the message is, or declares, more than max_message */
	WIRE_SCAN_TOO_MANY,     /* a container claims more than max_elements */
	WIRE_SCAN_TOO_DEEP,
	WIRE_SCAN_MALFORMED,    /* a byte that starts no MessagePack value (0xc1) */
};

/* Never reads past buf + avail, never allocates, runs in O(avail). When
 * the answer is INCOMPLETE but avail already reaches max_message, the
 * answer is TOO_BIG. */
enum wire_scan wire_scan(const uint8_t *buf, size_t avail,
    const struct wire_limits *lim, size_t *msg_len);
const char *wire_scan_name(enum wire_scan r);   /* a short human phrase */

/* Decodes exactly one message of len bytes (already scanned) into an rv
 * tree. Returns NULL with err set for trailing bytes, non-string map
 * keys, an unsigned integer above INT64_MAX, or anything msgpack-c
 * refuses. */
struct rv *wire_decode(const uint8_t *data, size_t len, char *err, size_t errlen);
/* Appends the MessagePack encoding of v. */
void wire_encode(struct buf *out, const struct rv *v);

/* MessagePack-RPC messages. */
enum rpc_kind { RPC_REQUEST = 0, RPC_RESPONSE = 1, RPC_NOTIFY = 2 };

struct rpc_msg {
	enum rpc_kind kind;
	uint32_t msgid;               /* requests and responses */
	const char *method;           /* requests and notifications; points into root */
	const struct rv *params;      /* the params array (requests and notifications) */
	const struct rv *error;       /* responses: NULL when the error is nil */
	const struct rv *result;      /* responses */
	struct rv *root;              /* owns everything above */
};

/* Checks the shape of a decoded message: [0, msgid, method, params],
 * [1, msgid, error, result] or [2, method, params]. Takes ownership of
 * root (freed on failure). On failure *msgid_out is set to the msgid when
 * one could be read (so the error can be answered), else to UINT32_MAX
 * ... and -1 is returned with err set. */
int rpc_parse(struct rv *root, struct rpc_msg *m, uint32_t *msgid_out,
    char *err, size_t errlen);
void rpc_msg_free(struct rpc_msg *m);

/* Encoders append one whole message to out. params is a map (sent as the
 * one element of the params array), or NULL for an empty array. */
void rpc_encode_request(struct buf *out, uint32_t msgid, const char *method,
    const struct rv *params);
/* error or result may be NULL (encoded as nil). */
void rpc_encode_response(struct buf *out, uint32_t msgid, const struct rv *error,
    const struct rv *result);
/* params_item is the one element of the params array. */
void rpc_encode_notify(struct buf *out, const char *method, const struct rv *params_item);

#endif
