/* A decoded MessagePack value, in our own structs.
 *
 * msgpack_object trees live in a msgpack zone and trust the sizes in the
 * input; we copy every decoded message into an rv tree at once and free
 * the zone, so nothing of msgpack-c outlives the read. An rv owns all it
 * points to; rv_free frees the whole tree. Map keys are always strings
 * (the protocol names its fields). Strings are NUL-terminated but may
 * hold NUL bytes: use .s.len. */
#ifndef REGIE_RV_H
#define REGIE_RV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RV_PACKED is one value already encoded as MessagePack (in .s): the
 * server sends a page of rows straight from PostgreSQL's result without
 * building a tree of it. wire_encode copies it as it is; wire_decode
 * never makes one, so clients only ever see the other types. */
enum rv_type { RV_NIL, RV_BOOL, RV_INT, RV_FLOAT, RV_STR, RV_BIN, RV_ARRAY, RV_MAP,
	RV_PACKED };

struct rv;
struct rv_pair {
	char *key;
	uint32_t klen;
	struct rv *val;
};

/* A frozen tree (wire_decode_frozen) is one allocation: read it, copy
 * from it, free it whole by its root; changing it or freeing a part of
 * it aborts. */
#define RV_FROZEN       0x1     /* lives in a frozen tree's allocation */
#define RV_FROZEN_ROOT  0x2     /* ... and is its start: rv_free frees it */

struct rv {
	enum rv_type type;
	uint8_t flags;
	union {
		bool b;
		int64_t i;
		double f;
		struct { char *ptr; uint32_t len; } s;           /* RV_STR, RV_BIN, RV_PACKED */
		struct { struct rv **items; uint32_t n, cap; } a; /* RV_ARRAY */
		struct { struct rv_pair *items; uint32_t n, cap; } m; /* RV_MAP */
	};
};

struct rv *rv_nil(void);
struct rv *rv_bool(bool b);
struct rv *rv_int(int64_t i);
struct rv *rv_float(double f);
struct rv *rv_str(const char *s);                 /* NULL gives nil */
struct rv *rv_strn(const char *s, size_t len);
struct rv *rv_bin(const void *p, size_t len);
/* Takes the len bytes of one encoded value, malloc'd (buf's data). */
struct rv *rv_packed(void *p, size_t len);
struct rv *rv_array(void);
struct rv *rv_map(void);
struct rv *rv_copy(const struct rv *v);
void rv_free(struct rv *v);                       /* NULL is fine */

/* Appends v to an array; takes ownership of v. Returns v. */
struct rv *rv_push(struct rv *array, struct rv *v);
/* Sets key in a map, replacing (and freeing) an earlier value; takes
 * ownership of v. Returns v. */
struct rv *rv_set(struct rv *map, const char *key, struct rv *v);
/* Removes key and its value from a map, keeping the others' order;
 * false when it was not there. */
bool rv_unset(struct rv *map, const char *key);
/* Shorthands for rv_set with a new scalar. */
void rv_set_str(struct rv *map, const char *key, const char *s);   /* NULL sets nil */
void rv_set_int(struct rv *map, const char *key, int64_t i);
void rv_set_bool(struct rv *map, const char *key, bool b);
void rv_set_nil(struct rv *map, const char *key);

/* Map lookup; NULL when absent or when map is not a map. */
const struct rv *rv_get(const struct rv *map, const char *key);
/* Path lookup through maps and arrays: "user.roles.0". NULL if absent. */
const struct rv *rv_path(const struct rv *v, const char *path);
/* Typed path getters for tests and tools: return def when absent or of
 * another type. */
const char *rv_path_str(const struct rv *v, const char *path, const char *def);
int64_t rv_path_int(const struct rv *v, const char *path, int64_t def);
bool rv_path_bool(const struct rv *v, const char *path, bool def);
size_t rv_len(const struct rv *v);               /* items of an array or map, else 0 */
bool rv_equal(const struct rv *a, const struct rv *b);
const char *rv_type_name(enum rv_type t);        /* "nil", "boolean", "integer", ... */

/* Text form: JSON, plus bare identifiers as map keys ({login: "x"}) on
 * input. Used by tests, the command-line tools and the logs. Integers
 * without a fraction or exponent parse as RV_INT. Returns NULL and sets
 * err (when non-NULL) on a syntax error. */
struct rv *rv_from_json(const char *text, char *err, size_t errlen);
/* Returns a malloc'd JSON string. Binary is written as a base64 string. */
char *rv_to_json(const struct rv *v);

#endif
