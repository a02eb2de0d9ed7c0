/* A growable byte buffer: what the encoder writes into. */
#ifndef REGIE_BUF_H
#define REGIE_BUF_H
#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);              /* frees data, leaves b empty */
void buf_reset(struct buf *b);             /* len = 0, keeps capacity */
void buf_reserve(struct buf *b, size_t need); /* room for need more bytes */
void buf_add(struct buf *b, const void *data, size_t len);
void buf_addc(struct buf *b, char c);
void buf_adds(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the data as a NUL-terminated string owned by the caller; b is left empty. */
char *buf_detach_str(struct buf *b);

#endif
