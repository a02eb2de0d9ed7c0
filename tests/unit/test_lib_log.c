/* Log lines: their format, the level filter, and one line per call. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

/* Runs fn with stderr sent into a pipe; returns what it wrote. */
static char *
capture(void (*fn)(void))
{
	static char out[8192];
	int fds[2], saved;
	ssize_t n;
	size_t len = 0;

	assert_int_equal(pipe(fds), 0);
	saved = dup(STDERR_FILENO);
	dup2(fds[1], STDERR_FILENO);
	close(fds[1]);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	while ((n = read(fds[0], out + len, sizeof out - 1 - len)) > 0)
		len += (size_t)n;
	close(fds[0]);
	out[len] = '\0';
	return out;
}

static void
log_some(void)
{
	log_set_ident("regied");
	log_set_level(LOG_INFO);
	log_info("listening on %s", "127.0.0.1:7070");
	log_debug("not shown at info");
	log_warn("two\nlines\x1b[31m");
	log_error("bad");
}

static void
test_format(void **state)
{
	regex_t re;
	char *out;

	out = capture(log_some);
	assert_int_equal(regcomp(&re,
	    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z "
	    "regied\\[[0-9]+\\] INFO listening on 127\\.0\\.0\\.1:7070\n"
	    "[^\n]*Z regied\\[[0-9]+\\] WARN two\\\\nlines\\?\\[31m\n"
	    "[^\n]*Z regied\\[[0-9]+\\] ERROR bad\n$", REG_EXTENDED), 0);
	if (regexec(&re, out, 0, NULL, 0) != 0)
		fail_msg("unexpected log output:\n%s", out);
	regfree(&re);
}

static void
log_debug_on(void)
{
	log_set_level(LOG_DEBUG);
	log_debug("now %s", "shown");
	log_set_level(LOG_ERROR);
	log_warn("hidden");
	log_info("hidden");
}

static void
test_levels(void **state)
{
	char *out;

	out = capture(log_debug_on);
	assert_non_null(strstr(out, " DEBUG now shown\n"));
	assert_null(strstr(out, "hidden"));
	assert_int_equal(log_get_level(), LOG_ERROR);
	assert_int_equal(log_level_from_name("error"), LOG_ERROR);
	assert_int_equal(log_level_from_name("warn"), LOG_WARN);
	assert_int_equal(log_level_from_name("info"), LOG_INFO);
	assert_int_equal(log_level_from_name("debug"), LOG_DEBUG);
	assert_int_equal(log_level_from_name("verbose"), -1);
	assert_int_equal(log_level_from_name(NULL), -1);
}

static void
log_long(void)
{
	char big[10000];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	log_set_level(LOG_INFO);
	log_info("%s", big);
	log_info("after");
}

/* A message longer than a line is cut, but stays one line. */
static void
test_long_line(void **state)
{
	char *out, *nl;

	out = capture(log_long);
	nl = strchr(out, '\n');
	assert_non_null(nl);
	assert_true(nl - out > 1000);
	assert_non_null(strstr(nl + 1, " INFO after\n"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
