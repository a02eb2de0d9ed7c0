/* The pieces of JSON's syntax that both readers of JSON text need: the
 * tree's (rv_from_json, lib/rv.c) and the transcoder to MessagePack
 * (pack_json, lib/pack.c). */
#ifndef REGIE_JSON_H
#define REGIE_JSON_H
#include "buf.h"

/* The four hex digits of a \u escape at s; -1 when they are not. */
int json_hex4(const char *s, unsigned *out);
/* Appends code point cp in UTF-8. */
void json_add_utf8(struct buf *b, unsigned cp);

#endif
