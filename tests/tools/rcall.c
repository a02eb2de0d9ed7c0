/* rcall: one MessagePack-RPC call from the command line, for tests and
 * for poking at a server by hand.
 *   rcall [-s ADDR] [-u LOGIN -p PASSWORD] METHOD [JSON-PARAMS]
 * Prints the result (or the error) as JSON; exits 0 on a result, 1 on an
 * error answer, 2 on a usage or connection problem. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "client.h"
#include "rv.h"

int main(int argc, char **argv)
{
	const char *addr = getenv("REGIE_SERVER"), *login = NULL, *password = NULL;
	struct event_base *base;
	struct regie_client *c;
	struct rv *params = NULL, *result = NULL, *error = NULL;
	char err[256];
	int opt, rc;

	while ((opt = getopt(argc, argv, "s:u:p:")) != -1) {
		switch (opt) {
		case 's': addr = optarg; break;
		case 'u': login = optarg; break;
		case 'p': password = optarg; break;
		default:
			fprintf(stderr, "usage: rcall [-s ADDR] [-u LOGIN -p PASSWORD] METHOD [JSON]\n");
			return 2;
		}
	}
	if (optind >= argc || addr == NULL) {
		fprintf(stderr, "usage: rcall [-s ADDR] [-u LOGIN -p PASSWORD] METHOD [JSON]\n");
		return 2;
	}
	if (optind + 1 < argc && (params = rv_from_json(argv[optind + 1], err, sizeof err)) == NULL) {
		fprintf(stderr, "rcall: params: %s\n", err);
		return 2;
	}
	base = event_base_new();
	if ((c = regie_client_new(base, addr, err, sizeof err)) == NULL) {
		fprintf(stderr, "rcall: %s\n", err);
		return 2;
	}
	regie_client_set_reconnect(c, false);
	if (regie_client_connect_sync(c, 5000) != 0) {
		fprintf(stderr, "rcall: cannot connect to %s\n", addr);
		return 2;
	}
	if (login != NULL) {
		struct rv *p = rv_map();
		rv_set_str(p, "login", login);
		rv_set_str(p, "password", password ? password : "");
		if (regie_call_sync(c, "session.login", p, &result, &error, 10000) != 0) {
			char *text = rv_to_json(error);
			fprintf(stderr, "rcall: login: %s\n", text);
			return 1;
		}
		rv_free(result);
		result = NULL;
	}
	rc = regie_call_sync(c, argv[optind], params, &result, &error, 30000);
	{
		char *text = rv_to_json(rc == 0 ? result : error);
		puts(text);
		free(text);
	}
	rv_free(result);
	rv_free(error);
	regie_client_free(c);
	event_base_free(base);
	return rc == 0 ? 0 : 1;
}
