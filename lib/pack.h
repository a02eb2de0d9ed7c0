/* A MessagePack writer straight into a buf, without msgpack-c's packer
 * or an rv tree: for the server's hot path, where rows go from a
 * PostgreSQL result to the wire (serverd/db.c). Each value takes the
 * shortest encoding the format allows. */
#ifndef REGIE_PACK_H
#define REGIE_PACK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

void pack_nil(struct buf *b);
void pack_bool(struct buf *b, bool v);
void pack_int(struct buf *b, int64_t v);
void pack_float(struct buf *b, double v);
void pack_str(struct buf *b, const char *s, size_t len);
/* Containers: the header; the n items (n pairs for a map: key, then
 * value) follow. */
void pack_array(struct buf *b, uint32_t n);
void pack_map(struct buf *b, uint32_t n);

/* JSON text (len bytes) as the MessagePack value it holds, as
 * rv_from_json would read it and wire_encode write it, without the tree
 * in between: objects become maps, integers integers, other numbers
 * floats. Returns -1 and leaves b as it was for text it does not take
 * (not JSON, an integer out of range, an object with a key twice or
 * more than PACK_JSON_MAX_KEYS keys, nesting deeper than
 * PACK_JSON_MAX_DEPTH): the caller then falls back to the tree. */
#define PACK_JSON_MAX_KEYS 64
#define PACK_JSON_MAX_DEPTH 16
int pack_json(struct buf *b, const char *text, size_t len);

#endif
