/* Passwords and session tokens. */
#ifndef REGIED_AUTH_H
#define REGIED_AUTH_H
#include <stdbool.h>
#include <stddef.h>

#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 256
#define AUTH_TOKEN_BYTES 32
#define AUTH_HASH_BYTES 32

int auth_init(void);                      /* sodium_init; -1 on failure */
/* Argon2id, libsodium's interactive limits. Returns a malloc'd encoded
 * hash, or NULL when out of memory. */
char *auth_hash_password(const char *password);
bool auth_check_password(const char *encoded, const char *password);
/* Spends as long as a real check, so that timing tells nothing about
 * which logins exist. */
void auth_burn(const char *password);
/* Why a new password is refused, or NULL when it is acceptable. */
const char *auth_password_problem(const char *password);
/* A new random token, as hex text (2 * AUTH_TOKEN_BYTES + 1 bytes). */
void auth_new_token(char *hex, size_t hexlen);
/* The hash stored for a token: raw bytes and the same as hex. */
void auth_token_hash(const char *token, unsigned char out[AUTH_HASH_BYTES]);
void auth_hex(const unsigned char *bytes, size_t n, char *hex, size_t hexlen);

#endif
