/* The inputs the fuzzers once crashed on (tests/fuzz/regress/TARGET/),
 * replayed through the fuzz targets' own entry points under the normal
 * build, so that a fix stays fixed without clang or libFuzzer. The
 * targets abort on any broken invariant, which fails this test; built
 * with SANITIZE=address,undefined it also catches what the sanitizers
 * caught. Plus the crashes restated as plain assertions. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Each target defines the libFuzzer entry points: renamed here, so that
 * both live in one program. */
#define LLVMFuzzerTestOneInput fuzz_wire_one
#include "../fuzz/fuzz_wire.c"
#undef LLVMFuzzerTestOneInput
#undef fuzz_check
#define LLVMFuzzerTestOneInput fuzz_params_one
#define LLVMFuzzerInitialize fuzz_params_init
#include "../fuzz/fuzz_params.c"
#undef LLVMFuzzerTestOneInput
#undef LLVMFuzzerInitialize

#include "xmalloc.h"

#define REGRESS_DIR "tests/fuzz/regress"

/* Runs every file of REGRESS_DIR/target through one; returns how many. */
static int replay(const char *target, int (*one)(const uint8_t *, size_t))
{
	char *dir = xasprintf("%s/%s", REGRESS_DIR, target);
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		fail_msg("%s: cannot open (run from the top of the checkout)", dir);
	while ((e = readdir(d)) != NULL) {
		char *path;
		FILE *f;
		uint8_t *data;
		long len;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		len = ftell(f);
		assert_true(len >= 0);
		rewind(f);
		/* A private copy of the exact size, as libFuzzer hands it over,
		 * so that a read past the end is caught under ASan. */
		data = xmalloc(len > 0 ? (size_t)len : 1);
		assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		print_message("replaying %s\n", path);
		one(data, (size_t)len);
		free(data);
		free(path);
		n++;
	}
	closedir(d);
	free(dir);
	return n;
}

static void test_wire_inputs(void **state)
{
	assert_true(replay("wire", fuzz_wire_one) > 0);
}

static void test_params_inputs(void **state)
{
	int argc = 0;
	char **argv = NULL;

	fuzz_params_init(&argc, &argv);
	assert_true(replay("params", fuzz_params_one) > 0);
}

/* wire_decode copied an empty map key from msgpack-c's NULL pointer
 * (memcpy(dst, NULL, 0): undefined behaviour, caught by UBSan). */
static void test_empty_map_key(void **state)
{
	static const uint8_t msg[] = { 0x81, 0xa0, 0x01 };   /* {"": 1} */
	char err[128];
	struct rv *v = wire_decode(msg, sizeof msg, err, sizeof err);

	assert_non_null(v);
	assert_int_equal(v->type, RV_MAP);
	assert_int_equal(v->m.n, 1);
	assert_int_equal(v->m.items[0].klen, 0);
	assert_string_equal(v->m.items[0].key, "");
	assert_int_equal(v->m.items[0].val->i, 1);
	rv_free(v);
}

/* params_check compared names as C strings: "services\0x" passed for
 * a second "services", whose id list leaked. */
static void test_nul_in_param_name(void **state)
{
	const struct method *m;
	struct rv *params = rv_map(), *ids;
	struct call c;

	dispatch_init();
	m = dispatch_find("user.create");
	assert_non_null(m);
	rv_set_str(params, "login", "someone");
	rv_set_str(params, "name", "Some One");
	rv_push(rv_set(params, "roles", rv_array()), rv_str("agent"));
	rv_set_str(params, "password", "long enough");
	ids = rv_set(params, "services", rv_array());
	rv_push(ids, rv_int(1));
	/* rv_set takes C strings: add the second key by hand. */
	ids = rv_set(params, "servicesXx", rv_array());
	rv_push(ids, rv_int(2));
	params->m.items[5].key[8] = '\0';
	memset(&c, 0, sizeof c);
	assert_int_equal(params_check(&c, m, params), -1);
	assert_int_equal(c.err, RERR_INVALID);
	call_args_free(&c);
	call_reset_outcome(&c);
	rv_free(params);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wire_inputs),
		cmocka_unit_test(test_params_inputs),
		cmocka_unit_test(test_empty_map_key),
		cmocka_unit_test(test_nul_in_param_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
