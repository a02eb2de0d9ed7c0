/* The client's small pieces: the config file, times from the wire, the
 * key bar's layout, events as the status line words them, roles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "rv.h"
#include "statusline.h"
#include "tui.h"

static void
test_config_parse(void **state)
{
	struct conf c = { NULL, NULL };
	char err[128];

	assert_int_equal(conf_parse("# regie\n\nserver = regie.ville.fr:7890\n"
	    "  login=\"hfaure\"  \r\n", &c, err, sizeof err), 0);
	assert_string_equal(c.server, "regie.ville.fr:7890");
	assert_string_equal(c.login, "hfaure");
	/* A later line wins; an empty value unsets. */
	assert_int_equal(conf_parse("server = /run/regie.sock\nlogin =\n", &c, err,
	    sizeof err), 0);
	assert_string_equal(c.server, "/run/regie.sock");
	assert_null(c.login);
	/* Mistakes are reported with their line, never ignored. */
	assert_int_equal(conf_parse("server = x:1\nsevrer = y:2\n", &c, err,
	    sizeof err), -1);
	assert_string_equal(err, "line 2: unknown key \"sevrer\"");
	assert_int_equal(conf_parse("\nserver x\n", &c, err, sizeof err), -1);
	assert_string_equal(err, "line 2: expected key = value");
	conf_free(&c);
}

static void
test_config_path(void **state)
{
	char dir[] = "/tmp/regie-conf.XXXXXX", *path, err[256], *file;
	struct conf c = { NULL, NULL };
	FILE *f;

	assert_non_null(mkdtemp(dir));
	setenv("HOME", dir, 1);
	unsetenv("XDG_CONFIG_HOME");
	path = conf_path();
	file = NULL;
	assert_int_equal(asprintf(&file, "%s/.config/regie/regie.conf", dir) > 0, 1);
	assert_string_equal(path, file);
	free(path);
	free(file);
	/* XDG_CONFIG_HOME wins when absolute, and is ignored when not. */
	setenv("XDG_CONFIG_HOME", dir, 1);
	path = conf_path();
	assert_int_equal(asprintf(&file, "%s/regie/regie.conf", dir) > 0, 1);
	assert_string_equal(path, file);
	free(path);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	path = conf_path();
	assert_non_null(strstr(path, "/.config/regie/regie.conf"));
	free(path);

	/* No file is no configuration, not an error. */
	assert_int_equal(conf_load(file, &c, err, sizeof err), 0);
	assert_null(c.server);
	path = NULL;
	assert_int_equal(asprintf(&path, "%s/regie", dir) > 0, 1);
	assert_int_equal(mkdir(path, 0700), 0);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("server = 10.0.0.1:7890\nbogus\n", f);
	fclose(f);
	assert_int_equal(conf_load(file, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "regie.conf: line 2"));
	unlink(file);
	rmdir(path);
	rmdir(dir);
	free(path);
	free(file);
	conf_free(&c);
}

static void
test_time(void **state)
{
	char buf[64];

	assert_int_equal(time_parse("2026-11-28T18:18:27Z"), 1795889907);
	assert_int_equal(time_parse("2026-11-28T18:18:27.123456Z"), 1795889907);
	assert_int_equal(time_parse("2026-11-28T19:18:27+01:00"), 1795889907);
	assert_int_equal(time_parse("2026-11-28T18:18:27"), 1795889907);
	assert_int_equal(time_parse("yesterday"), -1);
	assert_int_equal(time_parse(NULL), -1);
	/* Shown in the user's zone, with a four-digit year. */
	setenv("TZ", "Europe/Paris", 1);
	tzset();
	time_format("2026-11-28T18:18:27Z", true, buf, sizeof buf);
	assert_string_equal(buf, "11/28/2026 19:18:27");
	time_format("2026-07-01T22:30:00Z", false, buf, sizeof buf);
	assert_string_equal(buf, "07/02/2026 00:30");
	/* What cannot be read is shown as it came. */
	time_format("soon", false, buf, sizeof buf);
	assert_string_equal(buf, "soon");
}

static void
test_event_text(void **state)
{
	struct rv *ev = rv_from_json("{topic: \"user\", op: \"create\", id: 42}", NULL, 0);
	char *t = statusline_event_text(ev);

	assert_string_equal(t, "user #42 created");
	free(t);
	rv_free(ev);
	ev = rv_from_json("{topic: \"user\", op: \"update\", id: 7, login: \"hfaure\"}",
	    NULL, 0);
	t = statusline_event_text(ev);
	assert_string_equal(t, "user #7 updated: hfaure");
	free(t);
	rv_free(ev);
	ev = rv_from_json("{topic: \"workorder\", op: \"assign\", id: 3}", NULL, 0);
	t = statusline_event_text(ev);
	assert_string_equal(t, "work order #3 assigned");
	free(t);
	rv_free(ev);
	/* Topics and operations not known yet still read as something. */
	ev = rv_from_json("{topic: \"stock\", op: \"count\"}", NULL, 0);
	t = statusline_event_text(ev);
	assert_string_equal(t, "stock count");
	free(t);
	rv_free(ev);
}

static void
test_state_text(void **state)
{
	char buf[64];

	assert_string_equal(statusline_state_text(REGIE_CONNECTED, 0, buf, sizeof buf),
	    "connected");
	assert_string_equal(statusline_state_text(REGIE_DISCONNECTED, 12, buf,
	    sizeof buf), "offline 12s, retrying");
	assert_string_equal(statusline_state_text(REGIE_CONNECTING, 0, buf, sizeof buf),
	    "connecting\u2026");
	/* A retry after a while is still offline, as far as a person cares. */
	assert_string_equal(statusline_state_text(REGIE_CONNECTING, 5, buf, sizeof buf),
	    "offline 5s, retrying");
}

static void
test_keys(void **state)
{
	static const struct action a[] = {
		{ 1, 'n', 0, "n", "New", "Create" },
		{ 2, '\n', 'e', "Enter", "Edit", "Edit it" },
		{ 3, K_UP, 'k', "Up", NULL, "Previous" },
		{ 4, '/', 0, "/", "Filter", "Filter" },
	};
	bool on[] = { true, true, true, true };

	assert_int_equal(action_find(a, 4, 'e')->id, 2);
	assert_int_equal(action_find(a, 4, K_UP)->id, 3);
	assert_null(action_find(a, 4, 'z'));
	/* "n New  " is 7 columns, "Enter Edit  " 12, "/ Filter  " 10; help-only
	 * entries take none. */
	assert_int_equal(statusline_keys_fit(a, on, 4, 29), 3);
	assert_int_equal(statusline_keys_fit(a, on, 4, 28), 2);
	assert_int_equal(statusline_keys_fit(a, on, 4, 6), 0);
	/* A disabled action leaves its room to the next. */
	on[1] = false;
	assert_int_equal(statusline_keys_fit(a, on, 4, 17), 2);
}

static void
test_roles(void **state)
{
	struct rv *r = rv_from_json("[\"agent\", \"admin\", \"astronaut\", 3]", NULL, 0);

	assert_int_equal(roles_from_rv(r), ROLE_ADMIN | ROLE_AGENT);
	assert_int_equal(roles_from_rv(NULL), 0);
	rv_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_config_path),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_event_text),
		cmocka_unit_test(test_state_text),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_roles),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
