/* regie: the terminal client of Régie.
 *
 * main finds the server (-s, REGIE_SERVER, the config file), sets up the
 * terminal and one libevent loop over the keyboard, the server's socket,
 * signals and timers, and makes sure the terminal is given back as it
 * was on every way out: normal exit, a signal, or a crash. */
#include <event2/event.h>

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "conf.h"
#include "draw.h"
#include "log.h"
#include "text.h"
#include "tui.h"
#include "xmalloc.h"

#define REGIE_VERSION "0.1.0"

static struct termios saved_termios;
static bool saved_termios_ok;
static volatile sig_atomic_t curses_on;
/* What puts the terminal back, written by the crash handler, which may
 * call nothing but async-signal-safe functions. */
static char restore_seq[256];
static size_t restore_len;
static int saved_stderr = -1;

static void
usage(FILE *f)
{
	fprintf(f, "%s", _("usage: regie [-hV] [-s server] [-u login]\n"
	    "  -s server  host:port, or the path of a Unix socket\n"
	    "  -u login   login to fill in on the login screen\n"
	    "  -h         this help\n"
	    "  -V         the version\n"));
}

static void
restore_seq_add(const char *cap)
{
	char *s = tigetstr(cap);
	size_t l;

	if (s == NULL || s == (char *)-1)
		return;
	l = strlen(s);
	if (restore_len + l < sizeof restore_seq) {
		memcpy(restore_seq + restore_len, s, l);
		restore_len += l;
	}
}

static void
terminal_restore(void)
{
	if (curses_on) {
		curses_on = 0;
		endwin();
	}
	if (saved_stderr != -1) {
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
}

static void
crash_handler(int sig)
{
	ssize_t unused;

	if (curses_on) {
		unused = write(STDOUT_FILENO, restore_seq, restore_len);
		unused = write(STDOUT_FILENO, "\r\n", 2);
		(void)unused;
		if (saved_termios_ok)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
crash_handlers_install(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = crash_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Logs would scribble over the screen: they go to $REGIE_LOG, or nowhere. */
static void
stderr_redirect(void)
{
	const char *path = getenv("REGIE_LOG");
	int fd;

	if (path != NULL && *path != '\0') {
		fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		log_set_level(LOG_DEBUG);
	} else
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd == -1)
		return;
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static void
input_cb(evutil_socket_t fd, short what, void *arg)
{
	static int empty;
	wint_t wc;
	int r, n = 0, pending = 0;

	while ((r = wget_wch(stdscr, &wc)) != ERR) {
		n++;
		app_key(input_key_from_curses(r, (unsigned int)wc));
		if (app.quitting)
			return;
	}
	/* Readable again and again with nothing to read is the end of input:
	 * the terminal went away. Quit rather than spin. */
	if (n == 0 && ioctl(STDIN_FILENO, FIONREAD, &pending) == 0 && pending == 0) {
		if (++empty >= 3)
			app_quit();
	} else
		empty = 0;
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	if (sig == SIGWINCH)
		app_resize();
	else
		app_quit();
}

int
main(int argc, char **argv)
{
	struct conf cfg = { NULL, NULL };
	const char *server = NULL, *login = NULL, *env;
	char *path, err[512];
	struct event_base *base;
	struct regie_client *client;
	struct event *ev_input, *ev_sig[4];
	SCREEN *screen;
	static const int sigs[] = { SIGWINCH, SIGTERM, SIGINT, SIGHUP };
	size_t i;
	int opt;

	setlocale(LC_ALL, "");
	bindtextdomain("regie", LOCALEDIR);
	textdomain("regie");
	text_init();

	while ((opt = getopt(argc, argv, "hVs:u:")) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("regie %s\n", REGIE_VERSION);
			return 0;
		case 's':
			server = optarg;
			break;
		case 'u':
			login = optarg;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	if ((path = conf_path()) != NULL) {
		if (conf_load(path, &cfg, err, sizeof err) != 0) {
			fprintf(stderr, "regie: %s\n", err);
			free(path);
			conf_free(&cfg);
			return 1;
		}
		free(path);
	}
	if (server == NULL && (env = getenv("REGIE_SERVER")) != NULL && *env != '\0')
		server = env;
	if (server == NULL)
		server = cfg.server != NULL ? cfg.server : REGIE_DEFAULT_SERVER;
	if (login == NULL)
		login = cfg.login;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "regie: %s\n", _("needs a terminal"));
		conf_free(&cfg);
		return 1;
	}
	base = event_base_new();
	if (base == NULL) {
		fprintf(stderr, "regie: cannot start the event loop\n");
		return 1;
	}
	if ((client = regie_client_new(base, server, err, sizeof err)) == NULL) {
		fprintf(stderr, "regie: %s\n", err);
		event_base_free(base);
		conf_free(&cfg);
		return 1;
	}
	/* A server that closes on us must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	saved_termios_ok = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
	if ((screen = newterm(NULL, stdout, stdin)) == NULL) {
		fprintf(stderr, "regie: %s\n", _("this terminal type is unknown ($TERM)"));
		regie_client_free(client);
		event_base_free(base);
		conf_free(&cfg);
		return 1;
	}
	curses_on = 1;
	atexit(terminal_restore);
	restore_seq_add("rmkx");
	restore_seq_add("sgr0");
	restore_seq_add("cnorm");
	restore_seq_add("rmcup");
	crash_handlers_install();
	stderr_redirect();
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	app_init(base, client, server, login);
	app.color = theme_want_color();
	theme_init(app.color);
	ev_input = event_new(base, STDIN_FILENO, EV_READ | EV_PERSIST, input_cb, NULL);
	event_add(ev_input, NULL);
	/* libevent takes the signals from ncurses: resizing is ours to do. */
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		ev_sig[i] = evsignal_new(base, sigs[i], signal_cb, NULL);
		event_add(ev_sig[i], NULL);
	}
	app_push(screen_login_new(false));
	regie_client_connect(client);
	app_sync_size();
	app_draw();

	event_base_dispatch(base);

	app.quitting = true;
	/* Outstanding calls are answered (unavailable) and dropped. */
	regie_client_free(client);
	app.client = NULL;
	app_free();
	event_free(ev_input);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		event_free(ev_sig[i]);
	terminal_restore();
	delscreen(screen);
	event_base_free(base);
	conf_free(&cfg);
	return 0;
}
