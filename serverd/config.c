/* regied.conf: one `key = value` per line, # comments. Every key is in
 * the table below and in regied.conf(5). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "log.h"
#include "xmalloc.h"

enum config_kind { K_INT, K_SIZE, K_STR, K_LISTEN, K_LEVEL, K_BOOL };

struct config_key {
	const char *name;
	enum config_kind kind;
	size_t offset;
	long long min, max;
};

#define OFF(f) offsetof(struct config, f)
static const struct config_key config_keys[] = {
	{ "listen", K_LISTEN, 0, 0, 0 },
	{ "database", K_STR, OFF(database), 0, 0 },
	{ "pool_size", K_INT, OFF(pool_size), 1, 256 },
	{ "max_clients", K_INT, OFF(max_clients), 1, 1000000 },
	{ "max_message", K_SIZE, OFF(max_message), 1024, 64LL << 20 },
	{ "max_message_anon", K_SIZE, OFF(max_message_anon), 1024, 1LL << 20 },
	{ "max_inflight", K_INT, OFF(max_inflight), 1, 4096 },
	{ "max_output", K_SIZE, OFF(max_output), 64LL << 10, 1LL << 30 },
	{ "idle_timeout", K_INT, OFF(idle_timeout), 1, 7 * 86400 },
	{ "login_timeout", K_INT, OFF(login_timeout), 1, 3600 },
	{ "message_timeout", K_INT, OFF(message_timeout), 1, 3600 },
	{ "session_ttl", K_INT, OFF(session_ttl), 60, 90 * 86400 },
	{ "login_max_failures", K_INT, OFF(login_max_failures), 1, 1000 },
	{ "login_window", K_INT, OFF(login_window), 1, 86400 },
	{ "login_lockout", K_INT, OFF(login_lockout), 1, 86400 },
	{ "shutdown_timeout", K_INT, OFF(shutdown_timeout), 0, 3600 },
	{ "db_retries", K_INT, OFF(db_retries), 0, 100 },
	{ "log_level", K_LEVEL, OFF(log_level), 0, 0 },
	{ "search_index", K_BOOL, OFF(search_index), 0, 0 },
	{ "page_cache_size", K_SIZE, OFF(page_cache_size), 0, 4LL << 30 },
	{ "page_cache_age", K_INT, OFF(page_cache_age), 1, 3600 },
};

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->pool_size = 4;
	cfg->max_clients = 10000;
	cfg->max_message = 1024 * 1024;
	cfg->max_message_anon = 64 * 1024;
	cfg->max_inflight = 32;
	cfg->max_output = 16u << 20;
	cfg->idle_timeout = 3600;
	cfg->login_timeout = 60;
	cfg->message_timeout = 30;
	cfg->session_ttl = 12 * 3600;
	cfg->login_max_failures = 5;
	cfg->login_window = 900;
	cfg->login_lockout = 900;
	cfg->shutdown_timeout = 10;
	cfg->db_retries = 3;
	cfg->log_level = LOG_INFO;
	cfg->search_index = 1;
	cfg->page_cache_size = 64u << 20;
	cfg->page_cache_age = 5;
}

/* Sizes accept a k, M or G suffix: max_output = 16M. */
static int parse_number(const char *value, int allow_suffix, long long *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(value, &end, 10);
	if (errno != 0 || end == value)
		return -1;
	if (allow_suffix && *end != '\0' && end[1] == '\0') {
		switch (*end) {
		case 'k': case 'K': n <<= 10; end++; break;
		case 'm': case 'M': n <<= 20; end++; break;
		case 'g': case 'G': n <<= 30; end++; break;
		}
	}
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

int config_set(struct config *cfg, const char *key, const char *value, char *err, size_t errlen)
{
	const struct config_key *k = NULL;
	long long n;

	for (size_t i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++) {
		if (strcmp(config_keys[i].name, key) == 0)
			k = &config_keys[i];
	}
	if (k == NULL) {
		xsnprintf(err, errlen, "unknown key '%s'", key);
		return -1;
	}
	switch (k->kind) {
	case K_LISTEN:
		if (cfg->nlisten == CONFIG_MAX_LISTEN) {
			xsnprintf(err, errlen, "at most %d listen addresses", CONFIG_MAX_LISTEN);
			return -1;
		}
		if (*value == '\0') {
			xsnprintf(err, errlen, "listen needs an address");
			return -1;
		}
		cfg->listen[cfg->nlisten++] = xstrdup(value);
		return 0;
	case K_STR: {
		char **slot = (char **)((char *)cfg + k->offset);
		free(*slot);
		*slot = xstrdup(value);
		return 0;
	}
	case K_LEVEL: {
		int level = log_level_from_name(value);
		if (level < 0) {
			xsnprintf(err, errlen, "log_level must be error, warn, info or debug, not '%s'", value);
			return -1;
		}
		cfg->log_level = level;
		return 0;
	}
	case K_BOOL:
		if (strcmp(value, "on") == 0 || strcmp(value, "yes") == 0 ||
		    strcmp(value, "true") == 0 || strcmp(value, "1") == 0) {
			*(int *)((char *)cfg + k->offset) = 1;
		} else if (strcmp(value, "off") == 0 || strcmp(value, "no") == 0 ||
		    strcmp(value, "false") == 0 || strcmp(value, "0") == 0) {
			*(int *)((char *)cfg + k->offset) = 0;
		} else {
			xsnprintf(err, errlen, "%s must be on or off, not '%s'", key, value);
			return -1;
		}
		return 0;
	case K_INT:
	case K_SIZE:
		if (parse_number(value, k->kind == K_SIZE, &n) != 0) {
			xsnprintf(err, errlen, "%s must be a number, not '%s'", key, value);
			return -1;
		}
		if (n < k->min || n > k->max) {
			xsnprintf(err, errlen, "%s must be between %lld and %lld", key, k->min, k->max);
			return -1;
		}
		if (k->kind == K_INT)
			*(int *)((char *)cfg + k->offset) = (int)n;
		else
			*(size_t *)((char *)cfg + k->offset) = (size_t)n;
		return 0;
	}
	return -1;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096], why[512];
	int lineno = 0;

	if (f == NULL) {
		xsnprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		char *key, *value, *eq, *hash;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			xsnprintf(err, errlen, "%s:%d: line too long", path, lineno);
			fclose(f);
			return -1;
		}
		/* A '#' starts a comment only at the start of a line or after
		 * blank space, so conninfo values may contain one. */
		for (hash = line; (hash = strchr(hash, '#')) != NULL; hash++) {
			if (hash == line || isspace((unsigned char)hash[-1])) {
				*hash = '\0';
				break;
			}
		}
		key = trim(line);
		if (*key == '\0')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL) {
			xsnprintf(err, errlen, "%s:%d: expected 'key = value'", path, lineno);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		value = trim(eq + 1);
		key = trim(key);
		if (config_set(cfg, key, value, why, sizeof why) != 0) {
			xsnprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

void config_free(struct config *cfg)
{
	for (int i = 0; i < cfg->nlisten; i++)
		free(cfg->listen[i]);
	free(cfg->database);
	memset(cfg, 0, sizeof *cfg);
}
