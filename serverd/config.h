/* regied.conf (key = value) and the command line that overrides it. */
#ifndef REGIED_CONFIG_H
#define REGIED_CONFIG_H
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_LISTEN 8

struct config {
	char *listen[CONFIG_MAX_LISTEN];   /* host:port or a Unix socket path */
	int nlisten;
	char *database;                    /* libpq conninfo */
	int pool_size;                     /* worker threads, one PGconn each */
	int max_clients;
	size_t max_message;                /* bytes, after login */
	size_t max_message_anon;           /* bytes, before login */
	int max_inflight;                  /* requests in flight per connection */
	size_t max_output;                 /* bytes queued to one client before it is cut off */
	int idle_timeout;                  /* seconds without a byte from a logged-in client */
	int login_timeout;                 /* seconds to log in after connecting */
	int message_timeout;               /* seconds to finish sending one message */
	int session_ttl;                   /* seconds a session lasts */
	int login_max_failures;            /* failures in the window before a lock */
	int login_window;                  /* seconds */
	int login_lockout;                 /* seconds */
	int shutdown_timeout;              /* seconds to finish calls in flight on SIGTERM */
	int db_retries;                    /* retries after serialization failure/deadlock */
	int log_level;
	int search_index;                  /* 1: asset search from an index in memory */
	size_t page_cache_size;            /* bytes of list pages kept; 0: none */
	int page_cache_age;                /* seconds a page is kept with no change heard */
};

void config_defaults(struct config *cfg);
/* Reads FILE; returns 0, or -1 with a one-line reason in err
 * ("regied.conf:12: unknown key 'foo'"). */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);
/* Sets one key from text, as the file does; the same checks. */
int config_set(struct config *cfg, const char *key, const char *value, char *err, size_t errlen);
void config_free(struct config *cfg);

#endif
