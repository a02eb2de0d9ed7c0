/* regied: the Régie server. Three modes:
 *   regied [-c FILE] [-l ADDR]... [-d CONNINFO] [-v]   serve
 *   regied migrate [-c FILE] [-d CONNINFO]              apply migrations
 *   regied useradd [-c FILE] [-d CONNINFO] LOGIN --role ROLE... [--name NAME]
 * See regied(8). */
#include <getopt.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "auth.h"
#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "migrate.h"
#include "regied.h"
#include "xmalloc.h"

static void usage(FILE *out)
{
	fprintf(out,
	    "usage: regied [-c FILE] [-l ADDR]... [-d CONNINFO] [-v]\n"
	    "       regied migrate [-c FILE] [-d CONNINFO]\n"
	    "       regied useradd [-c FILE] [-d CONNINFO] LOGIN --role ROLE [--role ROLE]... [--name NAME]\n"
	    "       regied -V | -h\n");
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("regied: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* The one password line of standard input, without its newline. */
static char *read_password(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);

	if (n < 0) {
		free(line);
		die("useradd: no password on standard input");
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

int useradd_run(const char *conninfo, const char *login, unsigned roles, const char *name,
    const char *password, char *err, size_t errlen)
{
	PGconn *db = PQconnectdb(conninfo);
	const char *problem = auth_password_problem(password);
	char *hash = NULL, *roles_lit;
	struct buf b;
	int rc = -1, state;

	if (PQstatus(db) != CONNECTION_OK) {
		xsnprintf(err, errlen, "cannot connect to the database: %s", PQerrorMessage(db));
		goto out;
	}
	if ((state = migrate_check(db, err, errlen)) != 0) {
		if (state > 0)
			xsnprintf(err, errlen, "the schema is not up to date: run regied migrate first");
		goto out;
	}
	if (problem != NULL) {
		xsnprintf(err, errlen, "%s", problem);
		goto out;
	}
	buf_init(&b);
	buf_addc(&b, '{');
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (roles & (1u << i))
			buf_printf(&b, "%s%s", b.len > 1 ? "," : "", role_name(1u << i));
	}
	buf_addc(&b, '}');
	roles_lit = buf_detach_str(&b);
	hash = auth_hash_password(password);
	/* Two statements in one transaction: the audit's snapshot must see
	 * the new row, which a query in the same statement as the INSERT
	 * (a data-modifying WITH) does not. */
	{
		const char *values[4] = { login, name ? name : login, roles_lit, hash };
		PGresult *res;

		PQclear(PQexec(db, "BEGIN"));
		res = PQexecParams(db, "INSERT INTO users (login, name, roles, password_hash) "
		    "VALUES ($1, $2, $3, $4) RETURNING id", 4, NULL, values, NULL, NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK) {
			const char *id = PQgetvalue(res, 0, 0);
			PGresult *audit = PQexecParams(db, "SELECT regie_change(NULL, 'regied useradd', "
			    "'user', $1::bigint, NULL, user_snapshot($1::bigint), 'create', NULL, NULL, "
			    "$1::bigint)", 1, NULL, &id, NULL, NULL, 0);
			PGresult *commit = NULL;

			if (PQresultStatus(audit) == PGRES_TUPLES_OK)
				commit = PQexec(db, "COMMIT");
			if (PQresultStatus(commit) == PGRES_COMMAND_OK)
				rc = 0;
			else
				xsnprintf(err, errlen, "%s", PQerrorMessage(db));
			PQclear(commit);
			PQclear(audit);
		} else {
			const char *sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
			if (sqlstate && strcmp(sqlstate, "23505") == 0)
				xsnprintf(err, errlen, "the login '%s' is already taken", login);
			else if (sqlstate && strcmp(sqlstate, "23514") == 0)
				xsnprintf(err, errlen, "the login must use lowercase letters, digits, '.', "
				    "'_' and '-' (2 to 64 characters)");
			else
				xsnprintf(err, errlen, "%s", PQerrorMessage(db));
		}
		if (rc != 0)
			PQclear(PQexec(db, "ROLLBACK"));
		PQclear(res);
	}
	free(roles_lit);
out:
	free(hash);
	PQfinish(db);
	return rc;
}

/* What the command line said, kept so that a reload (SIGHUP) reads the
 * file again and lays the same flags over it. */
static struct {
	const char *path;
	struct config flags;          /* only listen and database are set */
	int verbose;
} cmdline;

/* The configuration in force: defaults, then the file, then the flags
 * (listen addresses given as flags replace the file's). */
static int config_build(struct config *cfg, char *err, size_t errlen)
{
	config_defaults(cfg);
	if (cmdline.path != NULL && config_load(cfg, cmdline.path, err, errlen) != 0) {
		config_free(cfg);
		return -1;
	}
	if (cmdline.flags.nlisten > 0) {
		for (int i = 0; i < cfg->nlisten; i++)
			free(cfg->listen[i]);
		for (int i = 0; i < cmdline.flags.nlisten; i++)
			cfg->listen[i] = xstrdup(cmdline.flags.listen[i]);
		cfg->nlisten = cmdline.flags.nlisten;
	}
	if (cmdline.flags.database != NULL) {
		free(cfg->database);
		cfg->database = xstrdup(cmdline.flags.database);
	}
	if (cmdline.verbose)
		cfg->log_level = LOG_DEBUG;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "database", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct config cfg;
	const char *mode = "serve", *name = NULL, *login = NULL;
	char err[1024];
	unsigned roles = 0;
	int opt, rc;

	log_set_ident("regied");
	config_defaults(&cmdline.flags);
	cmdline.flags.nlisten = 0;
	if (argc > 1 && (strcmp(argv[1], "migrate") == 0 || strcmp(argv[1], "useradd") == 0)) {
		mode = argv[1];
		argv++;
		argc--;
	}
	while ((opt = getopt_long(argc, argv, "c:l:d:vVh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			cmdline.path = optarg;
			break;
		case 'l':
			if (strcmp(mode, "serve") != 0)
				die("-l is only for serving");
			if (config_set(&cmdline.flags, "listen", optarg, err, sizeof err) != 0)
				die("-l: %s", err);
			break;
		case 'd':
			config_set(&cmdline.flags, "database", optarg, err, sizeof err);
			break;
		case 'r': {
			unsigned bit = role_from_name(optarg);
			if (strcmp(mode, "useradd") != 0)
				die("--role is only for useradd");
			if (bit == 0)
				die("unknown role '%s' (admin, supervisor, agent, storekeeper, referent, "
				    "viewer)", optarg);
			roles |= bit;
			break;
		}
		case 'n':
			if (strcmp(mode, "useradd") != 0)
				die("--name is only for useradd");
			name = optarg;
			break;
		case 'v':
			cmdline.verbose++;
			break;
		case 'V':
			printf("regied %s (protocol %d)\n", REGIED_VERSION, REGIE_PROTOCOL);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (strcmp(mode, "useradd") == 0) {
		if (optind != argc - 1)
			die("useradd needs exactly one LOGIN");
		login = argv[optind];
		if (roles == 0)
			die("useradd needs at least one --role");
	} else if (optind != argc) {
		die("unexpected argument '%s'", argv[optind]);
	}

	if (config_build(&cfg, err, sizeof err) != 0)
		die("%s", err);
	log_set_level(cfg.log_level);
	if (cfg.database == NULL)
		die("no database: give -d CONNINFO or set database in the configuration file");
	if (auth_init() != 0)
		die("cannot initialise libsodium");
	signal(SIGPIPE, SIG_IGN);

	if (strcmp(mode, "migrate") == 0) {
		rc = migrate_run(cfg.database, err, sizeof err);
		if (rc != 0)
			die("%s", err);
	} else if (strcmp(mode, "useradd") == 0) {
		char *password = read_password();
		rc = useradd_run(cfg.database, login, roles, name, password, err, sizeof err);
		sodium_memzero(password, strlen(password));
		free(password);
		if (rc != 0)
			die("useradd: %s", err);
		printf("created user %s\n", login);
	} else {
		/* Until the loop catches it, a reload request must not end
		 * regied (the check below can wait on the database). */
		signal(SIGHUP, SIG_IGN);
		PGconn *db = PQconnectdb(cfg.database);
		if (PQstatus(db) == CONNECTION_OK) {
			int state = migrate_check(db, err, sizeof err);
			PQfinish(db);
			if (state < 0)
				die("%s", err);
			if (state > 0)
				die("the database schema is not up to date: run regied migrate");
		} else {
			/* Serve anyway: calls answer `unavailable` until the
			 * database is back. */
			log_warn("the database is unreachable for now: %s", PQerrorMessage(db));
			PQfinish(db);
		}
		rc = server_run(&cfg, config_build);
	}
	config_free(&cfg);
	config_free(&cmdline.flags);
	return rc == 0 ? 0 : 1;
}
