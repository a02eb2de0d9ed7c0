/* The stable error codes of the protocol (see regie-protocol(7)). An
 * error on the wire is a map {code, message[, field]}. */
#ifndef REGIE_RERROR_H
#define REGIE_RERROR_H
#include "rv.h"

enum rerr {
	RERR_OK = 0,
	RERR_INVALID,          /* bad parameters or a rule of the data broken */
	RERR_NOT_FOUND,
	RERR_FORBIDDEN,        /* role or scope does not allow it */
	RERR_CONFLICT,         /* someone else changed it, or it already exists */
	RERR_UNAUTHENTICATED,  /* no session, bad credentials, expired session */
	RERR_THROTTLED,        /* too many attempts: wait and try again */
	RERR_UNAVAILABLE,      /* the database or the server cannot serve now: retry */
	RERR_INTERNAL,
	RERR_COUNT
};

const char *rerr_name(enum rerr code);           /* "invalid", ... ; "internal" for out of range */
enum rerr rerr_from_name(const char *name);      /* RERR_INTERNAL when unknown */
/* Maps a PostgreSQL SQLSTATE (five characters) to our code:
 * 23505 unique, 23P01 exclusion -> conflict; 23503 FK, 23514 check,
 * 23502 not null, class 22 data exception -> invalid; 40001, 40P01 ->
 * conflict (after the caller's retries); class 08, 57P01..57P03, 53 ->
 * unavailable; 42501 -> forbidden; P0002 -> not_found; anything else ->
 * internal. NULL -> unavailable (no result at all means no server). */
enum rerr rerr_from_sqlstate(const char *sqlstate);
/* True for the SQLSTATEs worth retrying the whole transaction for. */
int rerr_sqlstate_retryable(const char *sqlstate);
/* Builds the wire error map. field may be NULL. */
struct rv *rerr_make(enum rerr code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
