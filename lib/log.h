/* One line per event on stderr, with a level. Thread-safe. */
#ifndef REGIE_LOG_H
#define REGIE_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
/* The program name at the start of each line ("regied"); call before
 * threads start. Defaults to the executable's name. */
void log_set_ident(const char *ident);
enum log_level log_get_level(void);
/* "error", "warn", "info", "debug"; returns -1 for an unknown name. */
int log_level_from_name(const char *name);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) do { if (log_get_level() >= LOG_DEBUG) log_msg(LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
