/* The client's configuration file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "xmalloc.h"

char *
conf_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	/* The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/regie/regie.conf", xdg);
	if (home != NULL && *home != '\0')
		return xasprintf("%s/.config/regie/regie.conf", home);
	return NULL;
}

static char *
config_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

int
conf_parse(const char *text, struct conf *c, char *err, size_t errlen)
{
	char *copy = xstrdup(text), *line, *next, *eq, *key, *value, **slot;
	size_t len;
	int n = 0, rc = 0;

	for (line = copy; line != NULL; line = next) {
		n++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line = config_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			xsnprintf(err, errlen, "line %d: expected key = value", n);
			rc = -1;
			break;
		}
		*eq = '\0';
		key = config_trim(line);
		value = config_trim(eq + 1);
		len = strlen(value);
		if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
			value[len - 1] = '\0';
			value++;
		}
		if (strcmp(key, "server") == 0)
			slot = &c->server;
		else if (strcmp(key, "login") == 0)
			slot = &c->login;
		else {
			xsnprintf(err, errlen, "line %d: unknown key \"%s\"", n, key);
			rc = -1;
			break;
		}
		free(*slot);
		*slot = *value != '\0' ? xstrdup(value) : NULL;
	}
	free(copy);
	return rc;
}

int
conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	FILE *f;
	char *text = NULL, line[1024];
	size_t len = 0, l;
	char sub[256];
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		xsnprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = xstrdup("");
	while (fgets(line, sizeof line, f) != NULL) {
		l = strlen(line);
		text = xrealloc(text, len + l + 1);
		memcpy(text + len, line, l + 1);
		len += l;
		if (len > 65536)
			break;	/* a config file, not a database */
	}
	fclose(f);
	rc = conf_parse(text, c, sub, sizeof sub);
	if (rc != 0)
		xsnprintf(err, errlen, "%s: %s", path, sub);
	free(text);
	return rc;
}

void
conf_free(struct conf *c)
{
	free(c->server);
	free(c->login);
	c->server = c->login = NULL;
}
