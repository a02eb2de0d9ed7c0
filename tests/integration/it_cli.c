/* regied's command line, as an admin scripts it: migrations applied once
 * and only once, a database from a newer version refused, and every
 * failure a single line on stderr with a non-zero status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "buf.h"
#include "harness.h"
#include "xmalloc.h"

static const char *bin_dir(void)
{
	const char *dir = getenv("REGIE_BIN_DIR");

	return dir != NULL && *dir != '\0' ? dir : ".";
}

/* Runs a shell command line; returns its exit status and its stderr and
 * stdout together in *out. The input, when given, goes to its stdin. */
static int run(char **out, const char *input, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int run(char **out, const char *input, const char *fmt, ...)
{
	va_list ap;
	char *cmd, *line, *path = xasprintf("%s/cli-input.%d", getenv("REGIE_TEST_TMP") ?
	    getenv("REGIE_TEST_TMP") : "/tmp", (int)getpid());
	char chunk[512];
	struct buf b;
	FILE *f;
	int status;

	f = fopen(path, "w");
	assert_non_null(f);
	fputs(input ? input : "", f);
	fclose(f);
	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	cmd = xasprintf("(%s) < '%s' 2>&1", line, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	buf_init(&b);
	while (fgets(chunk, sizeof chunk, f) != NULL)
		buf_adds(&b, chunk);
	status = pclose(f);
	*out = buf_detach_str(&b);
	unlink(path);
	free(path);
	free(line);
	free(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Runs a command (input, format, ...) and checks its status and output. */
#define EXPECT(want_status, needle, ...) do { \
	char *out_; \
	int status_ = run(&out_, __VA_ARGS__); \
	expect(status_, out_, (want_status), (needle)); \
} while (0)

static void expect(int status, char *out, int want_status, const char *needle)
{
	if (status != want_status || strstr(out, needle) == NULL)
		fail_msg("exit %d (want %d), output '%s' (want '%s')", status, want_status, out,
		    needle);
	free(out);
}

/* What a schema looks like from outside: tables, columns, functions. */
static char *schema_shape(PGconn *pg)
{
	return h_pg_value(pg, "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n "
	    "ON n.oid = c.relnamespace WHERE n.nspname = 'public')::text || '/' || "
	    "(SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public')::text "
	    "|| '/' || (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
	    "WHERE n.nspname = 'public')::text || '/' || "
	    "(SELECT string_agg(name || applied::text, ',' ORDER BY name) FROM schema_migrations)");
}

static void test_migrate_twice_changes_nothing(void **state)
{
	char *db = h_db_create("it_cli_twice"), *first, *second;
	PGconn *pg;

	EXPECT(0, "applied migration 0001_core", NULL, "'%s/regied' migrate -d '%s'", bin_dir(), db);
	pg = h_pg(db);
	first = schema_shape(pg);
	EXPECT(0, "up to date", NULL, "'%s/regied' migrate -d '%s'", bin_dir(), db);
	second = schema_shape(pg);
	assert_string_equal(first, second);
	free(first);
	free(second);
	PQfinish(pg);
	h_db_drop(db);
	free(db);
}

static void test_newer_database_is_refused(void **state)
{
	char *db = h_db_create("it_cli_newer");
	PGconn *pg;

	assert_int_equal(h_migrate(db), 0);
	pg = h_pg(db);
	h_pg_exec(pg, "INSERT INTO schema_migrations (name) VALUES ('9999_from_the_future')");
	EXPECT(1, "9999_from_the_future", NULL, "'%s/regied' migrate -d '%s'", bin_dir(), db);
	/* Serving it is refused too, before listening. */
	EXPECT(1, "9999_from_the_future", NULL, "'%s/regied' -l 127.0.0.1:0 -d '%s'",
	    bin_dir(), db);
	/* And so is adding a user to it. */
	EXPECT(1, "9999_from_the_future", "long-enough-pw\n",
	    "'%s/regied' useradd -d '%s' ann --role viewer", bin_dir(), db);
	PQfinish(pg);
	h_db_drop(db);
	free(db);
}

static void test_unmigrated_database_is_not_served(void **state)
{
	char *db = h_db_create("it_cli_bare");

	EXPECT(1, "run regied migrate", NULL, "'%s/regied' -l 127.0.0.1:0 -d '%s'", bin_dir(), db);
	h_db_drop(db);
	free(db);
}

static void test_failures_are_one_clear_line(void **state)
{
	char *db = h_db_create("it_cli_fail"), *conf;
	const char *regied = bin_dir();
	FILE *f;

	assert_int_equal(h_migrate(db), 0);
	EXPECT(1, "regied: cannot connect to the database", NULL,
	    "'%s/regied' migrate -d 'host=127.0.0.1 port=1 connect_timeout=2'", regied);
	EXPECT(1, "no database", NULL, "'%s/regied' migrate", regied);
	EXPECT(1, "at least one --role", "pw-long-enough\n",
	    "'%s/regied' useradd -d '%s' bob", regied, db);
	EXPECT(1, "unknown role 'mayor'", "pw-long-enough\n",
	    "'%s/regied' useradd -d '%s' bob --role mayor", regied, db);
	EXPECT(1, "at least 8 characters", "short\n",
	    "'%s/regied' useradd -d '%s' bob --role agent", regied, db);
	EXPECT(1, "lowercase", "pw-long-enough\n",
	    "'%s/regied' useradd -d '%s' Bob --role agent", regied, db);
	EXPECT(0, "created user bob", "pw-long-enough\n",
	    "'%s/regied' useradd -d '%s' bob --role agent --name 'Bob Élu'", regied, db);
	EXPECT(1, "'bob' is already taken", "pw-long-enough\n",
	    "'%s/regied' useradd -d '%s' bob --role agent", regied, db);
	EXPECT(1, "no password", "", "'%s/regied' useradd -d '%s' carl --role agent", regied, db);
	/* The audit log holds the user as created, once: the refusals wrote
	 * nothing. */
	{
		PGconn *pg = h_pg(db);
		char *after = h_pg_value(pg, "SELECT (after->>'login') || ' ' || (after->>'name') || ' ' || "
		    "(after->'roles')::text FROM audit_log WHERE method = 'regied useradd'");

		assert_non_null(after);
		assert_string_equal(after, "bob Bob Élu [\"agent\"]");
		free(after);
		assert_int_equal(h_pg_count(pg, "SELECT 1 FROM audit_log WHERE method = 'regied useradd'"),
		    1);
		PQfinish(pg);
	}

	conf = xasprintf("%s/bad.conf", getenv("REGIE_TEST_TMP") ? getenv("REGIE_TEST_TMP") : "/tmp");
	f = fopen(conf, "w");
	assert_non_null(f);
	fputs("# a typo on line 3\npool_size = 2\npool_sise = 4\n", f);
	fclose(f);
	EXPECT(1, "bad.conf:3: unknown key 'pool_sise'", NULL, "'%s/regied' -c '%s' -d '%s'",
	    regied, conf, db);
	EXPECT(1, "listen nowhere", NULL, "'%s/regied' -l nowhere -d '%s'", regied, db);
	unlink(conf);
	free(conf);
	h_db_drop(db);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_twice_changes_nothing),
		cmocka_unit_test(test_newer_database_is_refused),
		cmocka_unit_test(test_unmigrated_database_is_not_served),
		cmocka_unit_test(test_failures_are_one_clear_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
