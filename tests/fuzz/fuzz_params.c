/* libFuzzer target: parameter validation (serverd/params.c) against the
 * spec of every method in the dispatch table.
 *
 * The first byte picks the method (by its place in the table, so methods
 * added later are fuzzed too); the rest, when it is one MessagePack
 * value, is the params map. Beyond not crashing or leaking, what
 * params_check lets through must be what the spec promises the handler:
 * required fields present, values of the declared type within bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dispatch.h"
#include "log.h"
#include "wire.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_check(cond, m, what) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_params: %s: %s (%s:%d)\n", (m)->name, what, \
		    __FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_ERROR);
	dispatch_init();
	return 0;
}

static int in_choices(const char *const *choices, const char *s)
{
	for (; choices != NULL && *choices != NULL; choices++) {
		if (strcmp(*choices, s) == 0)
			return 1;
	}
	return 0;
}

/* What a handler may rely on after params_check said yes. */
static void check_accepted(const struct call *c, const struct method *m)
{
	fuzz_check(c->err == RERR_OK && c->result == NULL, m, "accepted with an outcome set");
	fuzz_check(c->request_key == NULL || (m->flags & M_MUTATES), m,
	    "request_key taken by a method that does not write");
	for (int i = 0; i < METHOD_MAX_PARAMS && m->params[i].name != NULL; i++) {
		const struct param *p = &m->params[i];
		const struct arg *a = &c->args[i];
		int64_t min = p->min, max = p->max;

		fuzz_check(a->present || !p->required, m, "a required parameter is missing");
		fuzz_check(arg_has(c, p->name) == a->present, m, "arg_has disagrees with args[]");
		if (!a->present)
			continue;
		fuzz_check(a->raw != NULL, m, "a present argument without its value");
		switch (p->type) {
		case P_BOOL:
			fuzz_check(a->i == 0 || a->i == 1, m, "a boolean not 0 or 1");
			break;
		case P_ID:
			if (min == 0 && max == 0)
				min = 1, max = INT64_MAX;
			/* fall through */
		case P_INT:
			if (min != 0 || max != 0)
				fuzz_check(a->i >= min && a->i <= max, m, "an integer out of its bounds");
			fuzz_check(arg_int(c, p->name, -1) == a->i, m, "arg_int disagrees");
			break;
		case P_STR:
		case P_CHOICE:
		case P_TIME:
		case P_CURSOR:
			fuzz_check(a->s != NULL && strlen(a->s) == a->len, m,
			    "a string holding a NUL byte");
			fuzz_check((int64_t)a->len >= min, m, "a string shorter than its minimum");
			fuzz_check(max == 0 || (int64_t)a->len <= max, m, "a string longer than its maximum");
			fuzz_check(arg_str(c, p->name, NULL) == a->s, m, "arg_str disagrees");
			if (p->type == P_CHOICE)
				fuzz_check(in_choices(p->choices, a->s), m, "a choice not among the choices");
			break;
		case P_IDLIST:
			fuzz_check(a->ids != NULL, m, "an id list without its array");
			for (size_t k = 0; k < a->n; k++)
				fuzz_check(a->ids[k] >= 1, m, "an id list holding a non-positive id");
			fuzz_check(max == 0 || (int64_t)a->n <= max, m, "an id list too long");
			break;
		case P_STRLIST:
		case P_ROLES:
			fuzz_check(a->strs != NULL, m, "a string list without its array");
			for (size_t k = 0; k < a->n; k++)
				fuzz_check(a->strs[k] != NULL && strlen(a->strs[k]) <= 200, m,
				    "a string list holding a bad item");
			fuzz_check(max == 0 || (int64_t)a->n <= max, m, "a string list too long");
			if (p->type == P_ROLES)
				fuzz_check(a->roles != 0 && (a->roles & ~(unsigned)ROLE_ALL) == 0, m,
				    "a role list without a known role");
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct wire_limits lim = { WIRE_MAX_MESSAGE, WIRE_MAX_ELEMENTS, WIRE_MAX_DEPTH };
	const struct method *m;
	struct rv *params = NULL;
	struct call c;
	size_t len = 0;
	char err[160];

	if (size < 1 || dispatch_count() == 0)
		return 0;
	m = dispatch_at(data[0] % dispatch_count());
	if (size > 1) {
		/* As the network core reads it: scanned, then decoded. */
		if (wire_scan(data + 1, size - 1, &lim, &len) != WIRE_SCAN_OK || len != size - 1)
			return 0;
		if ((params = wire_decode(data + 1, len, err, sizeof err)) == NULL)
			return 0;
	}

	memset(&c, 0, sizeof c);
	if (params_check(&c, m, params) == 0) {
		check_accepted(&c, m);
		/* Every field given is exactly one the spec names. */
		for (uint32_t k = 0; params != NULL && k < params->m.n; k++) {
			const struct rv_pair *pair = &params->m.items[k];
			int known = strcmp(pair->key, "request_key") == 0 && (m->flags & M_MUTATES);

			for (int i = 0; !known && i < METHOD_MAX_PARAMS && m->params[i].name != NULL; i++)
				known = strcmp(pair->key, m->params[i].name) == 0;
			fuzz_check(known && strlen(pair->key) == pair->klen, m,
			    "a field outside the spec was accepted");
		}
	} else {
		fuzz_check(c.err == RERR_INVALID, m, "refused with another code than invalid");
		fuzz_check(c.err_message[0] != '\0', m, "refused without a message");
		fuzz_check(c.result == NULL, m, "refused with a result");
	}
	fuzz_check(c.method == m, m, "the call does not name its method");
	call_args_free(&c);
	call_reset_outcome(&c);
	rv_free(params);
	return 0;
}
