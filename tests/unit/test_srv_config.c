/* regied.conf parsing: what an admin writes, and what is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "config.h"

static char *write_file(const char *text)
{
	char *path = strdup("/tmp/regied-conf-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static void test_file_sets_keys_with_comments_and_suffixes(void **state)
{
	struct config cfg;
	char err[256];
	char *path = write_file(
	    "# Régie server\n"
	    "listen = 0.0.0.0:7890\n"
	    "listen = /run/regie/regied.sock   # local clients\n"
	    "\n"
	    "database = host=db dbname=regie password=a#b\n"
	    "pool_size = 8\n"
	    "max_output = 16M\n"
	    "max_message = 512k\n"
	    "log_level = debug\n");

	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, err, sizeof err), 0);
	assert_int_equal(cfg.nlisten, 2);
	assert_string_equal(cfg.listen[0], "0.0.0.0:7890");
	assert_string_equal(cfg.listen[1], "/run/regie/regied.sock");
	/* '#' inside a value is not a comment. */
	assert_string_equal(cfg.database, "host=db dbname=regie password=a#b");
	assert_int_equal(cfg.pool_size, 8);
	assert_int_equal(cfg.max_output, 16u << 20);
	assert_int_equal(cfg.max_message, 512u << 10);
	assert_int_equal(cfg.log_level, 3);
	config_free(&cfg);
	unlink(path);
	free(path);
}

static void expect_error(const char *text, const char *needle)
{
	struct config cfg;
	char err[256];
	char *path = write_file(text);

	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, err, sizeof err), -1);
	if (strstr(err, needle) == NULL)
		fail_msg("error '%s' does not say '%s'", err, needle);
	config_free(&cfg);
	unlink(path);
	free(path);
}

static void test_bad_files_name_line_and_problem(void **state)
{
	expect_error("pool_size = 4\nfrobnicate = 1\n", ":2: unknown key 'frobnicate'");
	expect_error("pool_size 4\n", ":1: expected 'key = value'");
	expect_error("pool_size = four\n", "pool_size must be a number");
	expect_error("pool_size = 0\n", "pool_size must be between 1 and 256");
	expect_error("log_level = loud\n", "log_level must be");
	expect_error("max_output = 12Q\n", "must be a number");
}

static void test_missing_file_is_an_error(void **state)
{
	struct config cfg;
	char err[256];

	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, "/nonexistent/regied.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "No such file"));
	config_free(&cfg);
}

static void test_defaults_are_the_documented_limits(void **state)
{
	struct config cfg;

	config_defaults(&cfg);
	assert_int_equal(cfg.max_message, 1024 * 1024);
	assert_int_equal(cfg.max_message_anon, 64 * 1024);
	assert_true(cfg.max_inflight > 0);
	assert_true(cfg.pool_size > 0);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_sets_keys_with_comments_and_suffixes),
		cmocka_unit_test(test_bad_files_name_line_and_problem),
		cmocka_unit_test(test_missing_file_is_an_error),
		cmocka_unit_test(test_defaults_are_the_documented_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
