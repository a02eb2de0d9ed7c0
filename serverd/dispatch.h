/* The table of method tables, parameter checking, and running a call
 * in one transaction on a worker's connection. The network core knows
 * no domain by name: it asks dispatch_find() and hands the call over. */
#ifndef REGIED_DISPATCH_H
#define REGIED_DISPATCH_H
#include <stddef.h>
#include "buf.h"
#include "method.h"

void dispatch_init(void);
const struct method *dispatch_find(const char *name);
/* Every method in name order, for system.describe and the tests. */
size_t dispatch_count(void);
const struct method *dispatch_at(size_t i);

/* Checks params (NULL or a map) against m's spec and fills c->args.
 * Unknown fields, missing required ones and wrong types fail the call
 * with `invalid` naming the field. request_key is accepted on
 * M_MUTATES methods. Returns 0 or -1. */
int params_check(struct call *c, const struct method *m, const struct rv *params);
void call_args_free(struct call *c);
const char *ptype_name(enum ptype t);

/* Whether the caller may call m at all (role check). */
bool dispatch_allowed(const struct method *m, const struct caller *who);

/* Runs c (params already checked) in one transaction on db, retrying
 * serialization failures and deadlocks, honouring request_key; then
 * encodes the response for msgid into out. */
struct worker;
void call_run(struct call *c, struct worker *w, uint32_t msgid, struct buf *out);
/* Encodes c's outcome (c->err or c->result) as the response for msgid. */
void call_encode(struct call *c, uint32_t msgid, struct buf *out);
void call_reset_outcome(struct call *c);
/* A digest of c's checked arguments, in the order of the method's spec
 * (request_key aside): what a replay must repeat, and part of a page's
 * key in the page cache. */
#define PARAMS_DIGEST_BYTES 32
void call_params_digest(const struct call *c, unsigned char *out);

void caller_copy(struct caller *dst, const struct caller *src);
void caller_clear(struct caller *w);

#endif
