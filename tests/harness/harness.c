/* Helpers for the integration tests; see harness.h. */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "harness.h"
#include "buf.h"
#include "xmalloc.h"

/* What the failure messages show of a server's log. */
#define H_LOG_TAIL 3000

static int64_t
h_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
h_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The next pause of a polling loop: short at first, since what we wait
 * for is usually quick, then longer so as not to spin. */
static int
h_backoff(int ms)
{
	return ms < 50 ? ms * 2 : 50;
}

int
h_wait_until(int (*cond)(void *), void *arg, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms;
	int pause = 1;

	while (!cond(arg)) {
		if (h_now_ms() >= deadline)
			return 0;
		h_sleep_ms(pause);
		pause = h_backoff(pause);
	}
	return 1;
}

static void
h_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

int
h_loop_until(struct event_base *base, int (*cond)(void *), void *arg, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms;
	struct timeval tick = { 0, 10 * 1000 };

	while (!cond(arg)) {
		if (h_now_ms() >= deadline)
			return 0;
		/* Our own timer bounds each turn; unlike loopexit it leaves
		 * nothing behind to end someone else's loop later. */
		struct event *ev = evtimer_new(base, h_tick_cb, NULL);
		evtimer_add(ev, &tick);
		event_base_loop(base, EVLOOP_ONCE);
		event_free(ev);
	}
	return 1;
}

/* ---- files and processes ---- */

static char *
h_read_file(const char *path)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	buf_init(&b);
	if (f != NULL) {
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_add(&b, chunk, n);
		fclose(f);
	}
	return buf_detach_str(&b);
}

static void
h_print_log_tail(const char *path)
{
	char *text = h_read_file(path);
	size_t len = strlen(text);
	const char *from = len > H_LOG_TAIL ? text + len - H_LOG_TAIL : text;

	fprintf(stderr, "--- %s%s\n%s--- end of log\n", path,
	    from == text ? "" : " (tail)", from);
	free(text);
}

static const char *
h_tmpdir(void)
{
	static char *dir;
	const char *env;

	if (dir != NULL)
		return dir;
	env = getenv("REGIE_TEST_TMP");
	if (env != NULL && *env != '\0') {
		dir = xstrdup(env);
		return dir;
	}
	/* Run by hand, outside tests/run.sh. */
	dir = xstrdup("/tmp/regie-test.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	return dir;
}

static char *
h_regied_path(void)
{
	const char *dir = getenv("REGIE_BIN_DIR");

	return xasprintf("%s/regied", dir != NULL && *dir != '\0' ? dir : ".");
}

/* An argv that grows: words are copied in, and freed together. */
struct h_argv {
	char **v;
	int n;
};

static void
h_argv_add(struct h_argv *a, const char *word)
{
	a->v = xreallocarray(a->v, (size_t)a->n + 2, sizeof *a->v);
	a->v[a->n++] = xstrdup(word);
	a->v[a->n] = NULL;
}

/* Adds the space-separated words of text (NULL adds nothing). */
static void
h_argv_split(struct h_argv *a, const char *text)
{
	char *copy, *word, *save;

	if (text == NULL)
		return;
	copy = xstrdup(text);
	for (word = strtok_r(copy, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save))
		h_argv_add(a, word);
	free(copy);
}

static void
h_argv_free(struct h_argv *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

static int
h_decode_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

/* Runs argv to its end with input (may be NULL) on its stdin; its output
 * goes where ours goes, so that it shows in the test's log. */
static int
h_run(struct h_argv *a, const char *input)
{
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) == -1)
		fail_msg("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid == -1)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(a->v[0], a->v);
		fprintf(stderr, "exec %s: %s\n", a->v[0], strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	if (input != NULL) {
		/* A child that exits without reading must not kill us. */
		signal(SIGPIPE, SIG_IGN);
		size_t len = strlen(input), off = 0;
		while (off < len) {
			ssize_t n = write(fds[1], input + off, len - off);
			if (n <= 0 && errno != EINTR)
				break;
			if (n > 0)
				off += (size_t)n;
		}
	}
	close(fds[1]);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	}
	return h_decode_status(status);
}

/* ---- databases ---- */

const char *
h_conninfo_admin(void)
{
	const char *conninfo = getenv("REGIE_TEST_CONNINFO");

	if (conninfo == NULL || *conninfo == '\0') {
		fprintf(stderr, "REGIE_TEST_CONNINFO is not set: run the "
		    "integration tests through tests/run.sh (make check)\n");
		exit(1);
	}
	return conninfo;
}

/* Appends key='value' with libpq's quoting. */
static void
h_conninfo_add(struct buf *b, const char *key, const char *value)
{
	if (b->len > 0)
		buf_addc(b, ' ');
	buf_printf(b, "%s='", key);
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == '\'' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_addc(b, '\'');
}

static PQconninfoOption *
h_conninfo_parse(const char *conninfo)
{
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &err);

	if (opts == NULL) {
		fprintf(stderr, "bad conninfo \"%s\": %s\n", conninfo,
		    err != NULL ? err : "out of memory");
		PQfreemem(err);
		fail_msg("bad conninfo");
	}
	return opts;
}

/* conninfo with its dbname replaced. */
static char *
h_conninfo_with_db(const char *conninfo, const char *dbname)
{
	PQconninfoOption *opts = h_conninfo_parse(conninfo);
	struct buf b;

	buf_init(&b);
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (o->val != NULL && strcmp(o->keyword, "dbname") != 0)
			h_conninfo_add(&b, o->keyword, o->val);
	}
	h_conninfo_add(&b, "dbname", dbname);
	PQconninfoFree(opts);
	return buf_detach_str(&b);
}

void
h_pg_exec(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fprintf(stderr, "SQL failed: %s\n%s", sql, PQresultErrorMessage(res));
		PQclear(res);
		fail_msg("SQL failed");
	}
	PQclear(res);
}

/* DROP DATABASE IF EXISTS, closing the connections left to it. */
static void
h_db_drop_named(PGconn *pg, const char *dbname)
{
	char *ident = PQescapeIdentifier(pg, dbname, strlen(dbname));
	char *sql = xasprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", ident);

	h_pg_exec(pg, sql);
	free(sql);
	PQfreemem(ident);
}

char *
h_db_create(const char *name)
{
	char clean[41];
	size_t n = 0;
	char *dbname, *ident, *sql, *conninfo;
	PGconn *pg;

	/* Lowercase letters, digits and _ only: a plain identifier, within
	 * the 63 bytes PostgreSQL keeps. */
	for (const char *p = name; *p != '\0' && n < sizeof clean - 1; p++)
		clean[n++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	clean[n] = '\0';
	dbname = xasprintf("t_%s_%ld", clean, (long)getpid());

	pg = h_pg(h_conninfo_admin());
	h_db_drop_named(pg, dbname);
	ident = PQescapeIdentifier(pg, dbname, strlen(dbname));
	sql = xasprintf("CREATE DATABASE %s", ident);
	h_pg_exec(pg, sql);
	free(sql);
	PQfreemem(ident);
	PQfinish(pg);

	conninfo = h_conninfo_with_db(h_conninfo_admin(), dbname);
	free(dbname);
	return conninfo;
}

void
h_db_drop(const char *conninfo)
{
	PQconninfoOption *opts = h_conninfo_parse(conninfo);
	char *dbname = NULL;
	PGconn *pg;

	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "dbname") == 0 && o->val != NULL)
			dbname = xstrdup(o->val);
	}
	PQconninfoFree(opts);
	/* Only what h_db_create made. */
	if (dbname == NULL || strncmp(dbname, "t_", 2) != 0) {
		free(dbname);
		fail_msg("h_db_drop: not a test database: %s", conninfo);
	}
	pg = h_pg(h_conninfo_admin());
	h_db_drop_named(pg, dbname);
	PQfinish(pg);
	free(dbname);
}

/* ---- the regied command line ---- */

int
h_migrate(const char *conninfo)
{
	struct h_argv a = { 0 };
	char *bin = h_regied_path();
	int status;

	h_argv_add(&a, bin);
	h_argv_add(&a, "migrate");
	h_argv_add(&a, "-d");
	h_argv_add(&a, conninfo);
	status = h_run(&a, NULL);
	h_argv_free(&a);
	free(bin);
	return status;
}

int
h_useradd(const char *conninfo, const char *login, const char *password,
    const char *roles_csv, const char *name)
{
	struct h_argv a = { 0 };
	char *bin = h_regied_path(), *roles, *role, *save, *input;
	int status;

	h_argv_add(&a, bin);
	h_argv_add(&a, "useradd");
	h_argv_add(&a, "-d");
	h_argv_add(&a, conninfo);
	h_argv_add(&a, login);
	roles = xstrdup(roles_csv);
	for (role = strtok_r(roles, ",", &save); role != NULL;
	    role = strtok_r(NULL, ",", &save)) {
		h_argv_add(&a, "--role");
		h_argv_add(&a, role);
	}
	free(roles);
	if (name != NULL) {
		h_argv_add(&a, "--name");
		h_argv_add(&a, name);
	}
	input = xasprintf("%s\n", password);
	status = h_run(&a, input);
	free(input);
	h_argv_free(&a);
	free(bin);
	return status;
}

/* ---- a running regied ---- */

static int
h_free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof sin;
	int fd, port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sin, sizeof sin) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		fail_msg("finding a free port: %s", strerror(errno));
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static bool
h_tcp_accepts(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	ok = fd != -1 && connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
	if (fd != -1)
		close(fd);
	return ok;
}

static bool
h_unix_accepts(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	xsnprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	ok = fd != -1 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	if (fd != -1)
		close(fd);
	return ok;
}

/* Waits for s->pid to end, at most timeout_ms; false if it still runs. */
static bool
h_server_reap(struct h_server *s, int timeout_ms)
{
	int64_t deadline = h_now_ms() + timeout_ms;
	int pause = 1, status;

	for (;;) {
		pid_t r = waitpid(s->pid, &status, WNOHANG);
		if (r == s->pid || (r == -1 && errno == ECHILD)) {
			s->status = r == s->pid ? h_decode_status(status) : -1;
			s->pid = 0;
			return true;
		}
		if (h_now_ms() >= deadline)
			return false;
		h_sleep_ms(pause);
		pause = h_backoff(pause);
	}
}

static void
h_server_spawn(struct h_server *s)
{
	struct h_argv a = { 0 };
	const char *wrap = getenv("REGIE_SERVER_WRAP");
	char *bin = h_regied_path();
	int timeout_ms = H_START_TIMEOUT_MS, logfd, pause = 1;
	pid_t parent = getpid();
	int64_t deadline;

	/* valgrind and its kind start slowly. */
	if (wrap != NULL && *wrap != '\0')
		timeout_ms *= 6;
	h_argv_split(&a, wrap);
	h_argv_add(&a, bin);
	h_argv_add(&a, "-l");
	h_argv_add(&a, s->addr);
	h_argv_add(&a, "-l");
	h_argv_add(&a, s->unix_path);
	h_argv_add(&a, "-d");
	h_argv_add(&a, s->conninfo);
	h_argv_split(&a, s->extra_args);
	free(bin);

	unlink(s->unix_path);
	logfd = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd == -1)
		fail_msg("%s: %s", s->log_path, strerror(errno));
	fflush(NULL);
	s->pid = fork();
	if (s->pid == -1)
		fail_msg("fork: %s", strerror(errno));
	if (s->pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		dup2(null, STDIN_FILENO);
		dup2(logfd, STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		/* A test that dies must not leave its server behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		execvp(a.v[0], a.v);
		fprintf(stderr, "exec %s: %s\n", a.v[0], strerror(errno));
		_exit(127);
	}
	close(logfd);
	h_argv_free(&a);

	deadline = h_now_ms() + timeout_ms;
	for (;;) {
		if (h_server_reap(s, 0)) {
			h_print_log_tail(s->log_path);
			fail_msg("regied exited (status %d) before accepting connections",
			    s->status);
		}
		if (h_tcp_accepts(s->port) && h_unix_accepts(s->unix_path))
			return;
		if (h_now_ms() >= deadline) {
			h_print_log_tail(s->log_path);
			fail_msg("regied did not accept connections on %s and %s "
			    "within %d ms", s->addr, s->unix_path, timeout_ms);
		}
		h_sleep_ms(pause);
		pause = h_backoff(pause);
	}
}

struct h_server *
h_server_start(const char *conninfo, const char *extra_args)
{
	static int count;
	struct h_server *s = xcalloc(1, sizeof *s);

	count++;
	s->port = h_free_port();
	s->addr = xasprintf("127.0.0.1:%d", s->port);
	s->unix_path = xasprintf("%s/regied-%ld-%d.sock", h_tmpdir(),
	    (long)getpid(), count);
	s->log_path = xasprintf("%s/regied-%ld-%d.log", h_tmpdir(),
	    (long)getpid(), count);
	s->conninfo = xstrdup(conninfo);
	s->extra_args = extra_args != NULL ? xstrdup(extra_args) : NULL;
	h_server_spawn(s);
	return s;
}

int
h_server_stop(struct h_server *s)
{
	if (s->pid == 0)
		return s->status;
	kill(s->pid, SIGTERM);
	if (!h_server_reap(s, H_STOP_TIMEOUT_MS)) {
		fprintf(stderr, "regied (pid %ld) did not stop within %d ms of "
		    "SIGTERM: killing it\n", (long)s->pid, H_STOP_TIMEOUT_MS);
		h_server_kill(s);
	}
	return s->status;
}

void
h_server_kill(struct h_server *s)
{
	if (s->pid == 0)
		return;
	kill(s->pid, SIGKILL);
	h_server_reap(s, 60 * 1000);
	s->status = -1;
}

void
h_server_restart(struct h_server *s)
{
	h_server_stop(s);
	h_server_spawn(s);
}

void
h_server_free(struct h_server *s)
{
	if (s == NULL)
		return;
	h_server_stop(s);
	free(s->addr);
	free(s->unix_path);
	free(s->log_path);
	free(s->conninfo);
	free(s->extra_args);
	free(s);
}

const char *
h_server_addr(const struct h_server *s)
{
	return s->addr;
}

bool
h_server_log_contains(const struct h_server *s, const char *needle)
{
	char *text = h_read_file(s->log_path);
	bool found = strstr(text, needle) != NULL;

	free(text);
	return found;
}

struct h_log_wait {
	const struct h_server *s;
	const char *needle;
};

static int
h_log_has(void *arg)
{
	struct h_log_wait *w = arg;

	return h_server_log_contains(w->s, w->needle);
}

bool
h_server_wait_log(const struct h_server *s, const char *needle, int timeout_ms)
{
	struct h_log_wait w = { s, needle };

	return h_wait_until(h_log_has, &w, timeout_ms);
}

/* ---- a client ----
 *
 * These fail at the test's own line (file, line), which the macros in
 * harness.h pass, so that a failure points at the call that failed. */

static void h_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
h_fail_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	print_error("ERROR: %s\n", msg);
	_fail(file, line);
}

/* Fails, saying what went wrong and showing v, which it frees first:
 * failing does not return. */
static void
h_fail_with(const char *file, int line, struct rv *v, const char *what)
{
	char *json = rv_to_json(v);
	char msg[1024];

	xsnprintf(msg, sizeof msg, "%s %s", what, json);
	free(json);
	rv_free(v);
	h_fail_at(file, line, "%s", msg);
}

struct regie_client *
h_connect_at(const char *file, int line, struct event_base *base, const char *addr)
{
	char err[256];
	struct regie_client *c = regie_client_new(base, addr, err, sizeof err);

	if (c == NULL)
		h_fail_at(file, line, "client for %s: %s", addr, err);
	if (regie_client_connect_sync(c, H_START_TIMEOUT_MS) != 0) {
		regie_client_free(c);
		h_fail_at(file, line, "could not connect to %s within %d ms", addr,
		    H_START_TIMEOUT_MS);
	}
	return c;
}

static int
h_call(const char *file, int line, struct regie_client *c, const char *method,
    const char *params, struct rv **result, struct rv **error)
{
	struct rv *p = NULL;
	char err[256];

	if (params != NULL) {
		p = rv_from_json(params, err, sizeof err);
		if (p == NULL)
			h_fail_at(file, line, "%s: bad params %s: %s", method, params, err);
	}
	*result = *error = NULL;
	return regie_call_sync(c, method, p, result, error, H_CALL_TIMEOUT_MS);
}

struct rv *
h_call_ok_at(const char *file, int line, struct regie_client *c,
    const char *method, const char *params)
{
	struct rv *result, *error;
	char what[512];

	if (h_call(file, line, c, method, params, &result, &error) != 0) {
		xsnprintf(what, sizeof what, "%s %s: error", method,
		    params != NULL ? params : "");
		h_fail_with(file, line, error, what);
	}
	return result;
}

struct rv *
h_call_err_at(const char *file, int line, struct regie_client *c,
    const char *method, const char *params, const char *expected_code)
{
	struct rv *result, *error;
	char what[512];

	if (h_call(file, line, c, method, params, &result, &error) == 0) {
		xsnprintf(what, sizeof what, "%s %s: expected error %s, got result",
		    method, params != NULL ? params : "", expected_code);
		h_fail_with(file, line, result, what);
	}
	if (strcmp(rv_path_str(error, "code", ""), expected_code) != 0) {
		xsnprintf(what, sizeof what, "%s %s: expected error %s, got",
		    method, params != NULL ? params : "", expected_code);
		h_fail_with(file, line, error, what);
	}
	return error;
}

int64_t
h_login_at(const char *file, int line, struct regie_client *c, const char *login,
    const char *password)
{
	struct rv *params = rv_map(), *result = NULL, *error = NULL;
	char what[256];
	int64_t id;

	rv_set_str(params, "login", login);
	rv_set_str(params, "password", password);
	if (regie_call_sync(c, "session.login", params, &result, &error,
	    H_CALL_TIMEOUT_MS) != 0) {
		xsnprintf(what, sizeof what, "session.login as %s: error", login);
		h_fail_with(file, line, error, what);
	}
	id = rv_path_int(result, "user.id", -1);
	rv_free(result);
	if (id < 0)
		h_fail_at(file, line, "session.login as %s: no user.id in the result", login);
	if (regie_client_token(c) == NULL)
		h_fail_at(file, line, "session.login as %s: the client kept no token", login);
	return id;
}

/* ---- looking into the database ---- */

/* NOTICEs ("database ... does not exist, skipping") are noise here. */
static void
h_pg_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

PGconn *
h_pg(const char *conninfo)
{
	PGconn *pg = PQconnectdb(conninfo);

	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "connecting to \"%s\": %s", conninfo, PQerrorMessage(pg));
		PQfinish(pg);
		fail_msg("could not connect to PostgreSQL");
	}
	PQsetNoticeProcessor(pg, h_pg_notice, NULL);
	return pg;
}

static PGresult *
h_pg_query(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "SQL failed: %s\n%s", sql, PQresultErrorMessage(res));
		PQclear(res);
		fail_msg("SQL failed");
	}
	return res;
}

char *
h_pg_value(PGconn *pg, const char *sql)
{
	PGresult *res = h_pg_query(pg, sql);
	char *value = NULL;

	if (PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
		value = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	return value;
}

long
h_pg_count(PGconn *pg, const char *sql)
{
	PGresult *res = h_pg_query(pg, sql);
	long n = PQntuples(res);

	PQclear(res);
	return n;
}

struct rv *
h_call_okf_at(const char *file, int line, struct regie_client *c, const char *method,
    const char *fmt, ...)
{
	va_list ap;
	char *params;
	struct rv *r;

	va_start(ap, fmt);
	params = xvasprintf(fmt, ap);
	va_end(ap);
	r = h_call_ok_at(file, line, c, method, params);
	free(params);
	return r;
}

struct rv *
h_call_errf_at(const char *file, int line, struct regie_client *c, const char *method,
    const char *code, const char *fmt, ...)
{
	va_list ap;
	char *params;
	struct rv *r;

	va_start(ap, fmt);
	params = xvasprintf(fmt, ap);
	va_end(ap);
	r = h_call_err_at(file, line, c, method, params, code);
	free(params);
	return r;
}

void
h_env_start(struct h_env *e, const char *name, const char *admin_login,
    const char *admin_password, const char *config_text)
{
	char *args = NULL;

	memset(e, 0, sizeof *e);
	e->db = h_db_create(name);
	assert_int_equal(h_migrate(e->db), 0);
	assert_int_equal(h_useradd(e->db, admin_login, admin_password, "admin", NULL), 0);
	if (config_text != NULL) {
		FILE *f;

		e->config_path = xasprintf("%s/%s-%ld.conf", h_tmpdir(), name, (long)getpid());
		f = fopen(e->config_path, "w");
		assert_non_null(f);
		fputs(config_text, f);
		assert_int_equal(fclose(f), 0);
		args = xasprintf("-c %s", e->config_path);
	}
	e->s = h_server_start(e->db, args);
	free(args);
}

int
h_env_end(struct h_env *e)
{
	int status = h_server_stop(e->s);

	h_server_free(e->s);
	h_db_drop(e->db);
	if (e->config_path != NULL)
		unlink(e->config_path);
	free(e->config_path);
	free(e->db);
	memset(e, 0, sizeof *e);
	return status;
}
