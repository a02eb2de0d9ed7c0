/* What session.c and user.c share about users. */
#ifndef REGIED_USERS_H
#define REGIED_USERS_H
#include "method.h"

/* The user as the API shows it, or NULL (call failed with not_found,
 * or with the database's error). */
struct rv *user_load(struct call *c, int64_t id);
/* Fills a session's caller from a user map made by user_load. */
void user_to_caller(const struct rv *user, struct caller *who);
/* Ends every session of a user, on every regied. */
int user_revoke_sessions(struct call *c, int64_t user_id);

#endif
