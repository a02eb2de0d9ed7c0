/* ~/.config/regie/regie.conf: "key = value" lines, '#' comments.
 * Keys: server (host:port or a socket path), login (prefilled). */
#ifndef REGIE_TUI_CONF_H
#define REGIE_TUI_CONF_H
#include <stddef.h>

#define REGIE_DEFAULT_SERVER "127.0.0.1:7890"

struct conf {
	char *server;
	char *login;
};

/* $XDG_CONFIG_HOME/regie/regie.conf, else $HOME/.config/regie/regie.conf;
 * NULL when neither variable is set. Malloc'd. */
char *conf_path(void);
/* Parses text into c (keys already set are replaced). Returns 0, or -1
 * with "line N: ..." in err. */
int conf_parse(const char *text, struct conf *c, char *err, size_t errlen);
/* A missing file is fine (0); an unreadable or bad one is -1 with err. */
int conf_load(const char *path, struct conf *c, char *err, size_t errlen);
void conf_free(struct conf *c);

#endif
