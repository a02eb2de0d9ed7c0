/* libFuzzer target: the JSON text form of rv (lib/rv.h). regied parses
 * client text with it (an asset's attributes, asset types' JSON) and
 * events' payloads, and writes JSON into the audit log and exports.
 *
 * Beyond not crashing or leaking: what rv_to_json writes, rv_from_json
 * reads back as the same tree, and writing it again gives the same text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rv.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_check(cond, what) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_json: %s (%s:%d)\n", what, __FILE__, __LINE__); \
		abort();						\
	}								\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1), *out, *again_text, err[160];
	struct rv *v, *again;

	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	v = rv_from_json(text, err, sizeof err);
	free(text);
	if (v == NULL) {
		fuzz_check(err[0] != '\0', "refused without saying why");
		return 0;
	}
	out = rv_to_json(v);
	again = rv_from_json(out, err, sizeof err);
	if (again == NULL)
		fprintf(stderr, "fuzz_json: cannot read back %s: %s\n", out, err);
	fuzz_check(again != NULL, "rv_to_json wrote what rv_from_json refuses");
	fuzz_check(rv_equal(v, again), "the tree changed through its text");
	again_text = rv_to_json(again);
	fuzz_check(strcmp(out, again_text) == 0, "writing the same tree twice differs");
	free(again_text);
	free(out);
	rv_free(again);
	rv_free(v);
	return 0;
}
