/* What the estate files share (asset*.c, org.c): who reads and edits
 * what, checks of decimals and dates, keyset cursors that carry a sort
 * value, and the asset as the API shows it. */
#ifndef REGIED_ESTATE_H
#define REGIED_ESTATE_H
#include <stdbool.h>
#include <stdint.h>
#include <libpq-fe.h>
#include "method.h"

struct db_pack;

/* Scope. A referent alone sees only the sites they cover; any other role
 * reads the whole estate. Admins edit everything, supervisors and agents
 * the assets of their services. */
bool estate_reads_all(const struct caller *w);
bool estate_may_edit(const struct caller *w, int64_t service_id);
/* Fails the call with `forbidden` unless the caller may edit assets of
 * service_id. */
int estate_check_edit(struct call *c, int64_t service_id);

/* "45.75", "-1.5": digits with at most `scale` decimals, within [min, max]. */
bool estate_decimal_ok(const char *s, double min, double max, int scale);
/* YYYY-MM-DD, a date that exists. */
bool estate_date_ok(const char *s);
/* Coordinates given as decimal strings: both or neither, "" for none.
 * Fails the call naming the field at fault. */
int estate_check_point(struct call *c, const char *lat, const char *lon);
/* Text matched as itself in LIKE (%, _ and \ escaped). */
char *estate_like_escape(const char *s);

/* Cursors of lists sorted on a value: "ID:VALUE" inside the opaque
 * cursor. estate_cursor_parse fails the call on field "after". */
char *estate_cursor(int64_t id, const char *value);
int estate_cursor_parse(struct call *c, const char *after, int64_t *id, const char **value);
/* Ends a page: items from the first limit rows of res (packed as how
 * says, see db_rows_packed), and "next" from row limit-1 when there are
 * more, its sort value in column key_col (its id in column 0). */
struct rv *estate_page(const PGresult *res, int64_t limit, int key_col,
    const struct db_pack *how);

/* The asset as the API shows it. has_children is a scalar subquery,
 * not EXISTS: PostgreSQL may turn an EXISTS into one hash of every
 * asset's parent (20 ms at 47,000 assets) where a page needs 51 probes
 * of the parent index. */
#define ASSET_COLUMNS \
	"a.id, a.code, a.name, a.type_id, t.code AS type, t.name AS type_name, " \
	"a.parent_id, p.code AS parent_code, p.name AS parent_name, " \
	"a.service_id, s.code AS service_code, s.name AS service_name, " \
	"a.site_id, si.code AS site_code, si.name AS site_name, " \
	"a.address, a.lat, a.lon, a.status, a.commissioned, a.replacement_value, " \
	"a.condition, a.condition_on, a.attributes, " \
	"COALESCE((SELECT true FROM assets ch WHERE ch.parent_id = a.id LIMIT 1), false) " \
	"AS has_children, " \
	"a.disposed_on, a.disposed_note, a.created, a.updated, a.version"
#define ASSET_JOINS \
	"JOIN asset_types t ON t.id = a.type_id " \
	"JOIN services s ON s.id = a.service_id " \
	"LEFT JOIN sites si ON si.id = a.site_id " \
	"LEFT JOIN assets p ON p.id = a.parent_id"
#define ASSET_FROM "assets a " ASSET_JOINS
/* Row r as a map, its attributes as a map rather than JSON text. */
struct rv *asset_row(const PGresult *res, int r);
/* The asset with its documents, or NULL after failing the call
 * (not_found too when the caller may not see it). */
struct rv *asset_load(struct call *c, int64_t id);

/* Checks attributes (JSON object text; NULL for none) against what the
 * type declares: unknown names, required ones, data types, choices and
 * bounds. Returns the normalized JSON text (numbers as numbers), or NULL
 * after failing the call with `invalid` on field "attributes.NAME". */
char *asset_attributes_check(struct call *c, int64_t type_id, const char *json);

#endif
