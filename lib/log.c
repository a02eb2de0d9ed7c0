/* Log lines on stderr:
 *   2026-11-28T18:18:27.123Z regied[4242] INFO message
 * Each line goes out in one write(2), so that lines from several threads
 * never interleave. Control characters in the message are neutralised,
 * so that a value taken from a peer cannot forge a line. */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

#define LOG_LINE_MAX 4096

static _Atomic int log_level = LOG_INFO;
static char log_ident[64];

static const char *const log_level_names[] = { "error", "warn", "info", "debug" };
static const char *const log_level_tags[] = { "ERROR", "WARN", "INFO", "DEBUG" };

void
log_set_level(enum log_level level)
{
	if ((int)level < LOG_ERROR)
		level = LOG_ERROR;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	atomic_store(&log_level, (int)level);
}

enum log_level
log_get_level(void)
{
	return (enum log_level)atomic_load(&log_level);
}

void
log_set_ident(const char *ident)
{
	xsnprintf(log_ident, sizeof log_ident, "%s", ident);
}

int
log_level_from_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < sizeof log_level_names / sizeof log_level_names[0]; i++) {
		if (strcasecmp(name, log_level_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX], msg[LOG_LINE_MAX];
	struct timespec ts;
	struct tm tm;
	const char *ident, *p;
	size_t off, sent;
	ssize_t n;
	va_list ap;
	int saved_errno = errno;

	if ((int)level > atomic_load(&log_level))
		return;
	if ((int)level < LOG_ERROR || level > LOG_DEBUG)
		level = LOG_ERROR;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	ident = log_ident[0] != '\0' ? log_ident : program_invocation_short_name;
	off = (size_t)xsnprintf(line, sizeof line,
	    "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%ld] %s ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ts.tv_nsec / 1000000L, ident, (long)getpid(),
	    log_level_tags[level]);

	va_start(ap, fmt);
	errno = saved_errno;	/* so that %m works */
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);

	/* Keep one byte for the newline. */
	for (p = msg; *p != '\0' && off < sizeof line - 2; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n' || c == '\r') {
			if (off + 2 >= sizeof line - 1)
				break;
			line[off++] = '\\';
			line[off++] = c == '\n' ? 'n' : 'r';
		} else if (c < 0x20 && c != '\t')
			line[off++] = '?';
		else if (c == 0x7f)
			line[off++] = '?';
		else
			line[off++] = (char)c;
	}
	line[off++] = '\n';

	for (sent = 0; sent < off; sent += (size_t)n) {
		n = write(STDERR_FILENO, line + sent, off - sent);
		if (n < 0) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			break;
		}
	}
	errno = saved_errno;
}
