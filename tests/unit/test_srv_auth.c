/* Password hashing and session tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "auth.h"

static int setup(void **state)
{
	return auth_init();
}

static void test_hash_verifies_only_the_same_password(void **state)
{
	char *hash = auth_hash_password("Hôtel de ville 2026");

	assert_non_null(hash);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_null(strstr(hash, "Hôtel"));
	assert_true(auth_check_password(hash, "Hôtel de ville 2026"));
	assert_false(auth_check_password(hash, "hôtel de ville 2026"));
	assert_false(auth_check_password(hash, ""));
	assert_false(auth_check_password("not a hash", "Hôtel de ville 2026"));
	free(hash);
}

static void test_same_password_gives_different_hashes(void **state)
{
	char *a = auth_hash_password("password1"), *b = auth_hash_password("password1");

	assert_string_not_equal(a, b);   /* salted */
	free(a);
	free(b);
}

static void test_password_rules(void **state)
{
	char longpw[300];

	assert_non_null(auth_password_problem("short"));
	assert_null(auth_password_problem("eight ch"));
	memset(longpw, 'x', sizeof longpw - 1);
	longpw[sizeof longpw - 1] = '\0';
	assert_non_null(auth_password_problem(longpw));
}

static void test_tokens_are_random_hex_and_hash_stably(void **state)
{
	char t1[2 * AUTH_TOKEN_BYTES + 1], t2[2 * AUTH_TOKEN_BYTES + 1];
	unsigned char h1[AUTH_HASH_BYTES], h2[AUTH_HASH_BYTES];

	auth_new_token(t1, sizeof t1);
	auth_new_token(t2, sizeof t2);
	assert_int_equal(strlen(t1), 2 * AUTH_TOKEN_BYTES);
	assert_int_equal(strspn(t1, "0123456789abcdef"), 2 * AUTH_TOKEN_BYTES);
	assert_string_not_equal(t1, t2);
	auth_token_hash(t1, h1);
	auth_token_hash(t1, h2);
	assert_memory_equal(h1, h2, sizeof h1);
	auth_token_hash(t2, h2);
	assert_memory_not_equal(h1, h2, sizeof h1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_verifies_only_the_same_password),
		cmocka_unit_test(test_same_password_gives_different_hashes),
		cmocka_unit_test(test_password_rules),
		cmocka_unit_test(test_tokens_are_random_hex_and_hash_stably),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
