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

/* The scanner kept between reads of one message. A big message comes in
 * many reads; scanning it again from its first byte on each would cost
 * its size squared. The scanner stops at the first value it cannot
 * finish and starts there next time.
 *
 * Feed it the message so far, from its first byte: the same bytes as
 * last time and maybe more (the buffer may have moved; the scanner keeps
 * an offset, never a pointer). Its answer for avail bytes is always
 * wire_scan's for those avail bytes, however they came. After OK it
 * starts over by itself, for the next message; reset it when the stream
 * starts over (a new connection). Different limits from one call to the
 * next (a login raises max_message) also make it start over. */
#define WIRE_SCAN_STACK_MAX 64u        /* a larger max_depth counts as this */

struct wire_scanner {
	struct wire_limits lim;         /* those the state was reached with */
	size_t pos;                     /* where the first unfinished value starts */
	uint64_t pending;               /* the sum of left[] */
	unsigned depth;                 /* open containers */
	uint64_t left[WIRE_SCAN_STACK_MAX]; /* values still due per open container */
};

void wire_scanner_reset(struct wire_scanner *s);
enum wire_scan wire_scanner_feed(struct wire_scanner *s, const uint8_t *msg,
    size_t avail, const struct wire_limits *lim, size_t *msg_len);

/* Decodes exactly one message of len bytes (already scanned) into an rv
 * tree. Returns NULL with err set for trailing bytes, non-string map
 * keys, an unsigned integer above INT64_MAX, or anything msgpack-c
 * refuses. */
struct rv *wire_decode(const uint8_t *data, size_t len, char *err, size_t errlen);
/* The same, as a frozen tree (see rv.h): one allocation instead of one
 * per value and per key, for messages that are only read (requests
 * and answers as they arrive). */
struct rv *wire_decode_frozen(const uint8_t *data, size_t len, char *err, size_t errlen);
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
/* The start of a successful response, [1, msgid, nil, ...]: the
 * result's encoded bytes follow (an answer kept already encoded). */
void rpc_encode_result_head(struct buf *out, uint32_t msgid);
/* params_item is the one element of the params array. */
void rpc_encode_notify(struct buf *out, const char *method, const struct rv *params_item);

#endif
