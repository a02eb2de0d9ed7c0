/* Argon2id password hashes and random session tokens, from libsodium. */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "auth.h"
#include "xmalloc.h"

/* A real hash of nothing in particular, to spend a check's time on;
 * made on first use, since a hash costs a tenth of a second. */
static char *burn_hash;
static pthread_once_t burn_once = PTHREAD_ONCE_INIT;

static void burn_init(void)
{
	burn_hash = auth_hash_password("no such user, no such password");
}

int auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void auth_burn(const char *password)
{
	pthread_once(&burn_once, burn_init);
	if (burn_hash != NULL)
		(void)auth_check_password(burn_hash, password);
}

char *auth_hash_password(const char *password)
{
	char *out = xmalloc(crypto_pwhash_STRBYTES);

	if (crypto_pwhash_str_alg(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

bool auth_check_password(const char *encoded, const char *password)
{
	return crypto_pwhash_str_verify(encoded, password, strlen(password)) == 0;
}

const char *auth_password_problem(const char *password)
{
	size_t len = strlen(password);

	if (len < AUTH_PASSWORD_MIN)
		return "the password must have at least 8 characters";
	if (len > AUTH_PASSWORD_MAX)
		return "the password must have at most 256 characters";
	return NULL;
}

void auth_hex(const unsigned char *bytes, size_t n, char *hex, size_t hexlen)
{
	sodium_bin2hex(hex, hexlen, bytes, hexlen / 2 < n ? hexlen / 2 : n);
}

void auth_new_token(char *hex, size_t hexlen)
{
	unsigned char raw[AUTH_TOKEN_BYTES];

	randombytes_buf(raw, sizeof raw);
	auth_hex(raw, sizeof raw, hex, hexlen);
	sodium_memzero(raw, sizeof raw);
}

void auth_token_hash(const char *token, unsigned char out[AUTH_HASH_BYTES])
{
	/* Tokens are 256 random bits: a fast hash is enough, no need to
	 * stretch as for passwords. */
	crypto_generichash(out, AUTH_HASH_BYTES, (const unsigned char *)token, strlen(token), NULL, 0);
}
