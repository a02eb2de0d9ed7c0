/* mkcorpus DIR (make fuzz-corpus): writes the seed corpus of the fuzz
 * targets into DIR/wire, DIR/params, DIR/dispatch and DIR/json.
 *
 * Seeds for every method come from its spec in the dispatch table (only
 * the required parameters, then all of them, with plausible values), so
 * new methods get seeds when this runs again; a few requests written by
 * hand make a realistic chain (a service, a site, an asset, a request
 * and its work order); the wire target also gets the edge cases of the
 * scanner. Files are small and named after what they hold. DIR/regie.dict
 * is a libFuzzer dictionary of the names in the table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "buf.h"
#include "dispatch.h"
#include "rv.h"
#include "wire.h"
#include "xmalloc.h"

static const char *top;

static void write_seed(const char *target, const char *name, const void *data, size_t len)
{
	char *dir = xasprintf("%s/%s", top, target), *path;
	FILE *f;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		perror(dir);
		exit(1);
	}
	path = xasprintf("%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	free(path);
	free(dir);
}

/* One call, for the three targets: a whole request (wire), the method's
 * place and its params (params), [name, params, session] (dispatch). */
static void seed_call(const char *tag, const char *method, const struct rv *params, int session)
{
	const struct method *m = dispatch_find(method);
	struct buf b;
	struct rv *d;
	char *name = xasprintf("%s%s%s", method, tag[0] ? "-" : "", tag);
	size_t i;

	if (m == NULL) {
		fprintf(stderr, "mkcorpus: no method %s\n", method);
		exit(1);
	}
	buf_init(&b);
	buf_addc(&b, '\0');                       /* the wire target's limits byte */
	rpc_encode_request(&b, 7, method, params);
	write_seed("wire", name, b.data, b.len);
	buf_free(&b);

	for (i = 0; i < dispatch_count() && dispatch_at(i) != m; i++)
		;
	buf_init(&b);
	buf_addc(&b, (char)i);
	if (params != NULL)
		wire_encode(&b, params);
	if (i < 256)
		write_seed("params", name, b.data, b.len);
	buf_free(&b);

	d = rv_array();
	rv_push(d, rv_str(method));
	rv_push(d, params ? rv_copy(params) : rv_nil());
	if (session != 0)
		rv_push(d, rv_int(session));
	buf_init(&b);
	wire_encode(&b, d);
	write_seed("dispatch", name, b.data, b.len);
	buf_free(&b);
	rv_free(d);
	free(name);
}

static struct rv *sample(const struct param *p)
{
	struct rv *v;

	switch (p->type) {
	case P_INT:
		return rv_int(p->min != 0 || p->max != 0 ? (p->min > 1 ? p->min : (p->max >= 1 ? 1 : p->min)) : 1);
	case P_ID:
		return rv_int(1);
	case P_BOOL:
		return rv_bool(true);
	case P_STR:
		return rv_str(p->min > 6 ? "a long enough text" : "FUZZ-1");
	case P_TIME:
		return rv_str("2026-11-28T18:18:27Z");
	case P_CHOICE:
		return rv_str(p->choices && p->choices[0] ? p->choices[0] : "");
	case P_CURSOR:
		return rv_str("1");
	case P_IDLIST:
		v = rv_array();
		rv_push(v, rv_int(1));
		return v;
	case P_STRLIST:
		v = rv_array();
		rv_push(v, rv_str("user"));
		return v;
	case P_ROLES:
		v = rv_array();
		rv_push(v, rv_str("agent"));
		return v;
	}
	return rv_nil();
}

static void seed_spec(void)
{
	for (size_t i = 0; i < dispatch_count(); i++) {
		const struct method *m = dispatch_at(i);
		struct rv *req = rv_map(), *all = rv_map();

		for (int k = 0; k < METHOD_MAX_PARAMS && m->params[k].name != NULL; k++) {
			const struct param *p = &m->params[k];
			if (p->required)
				rv_set(req, p->name, sample(p));
			if (p->type != P_CURSOR)
				rv_set(all, p->name, sample(p));
		}
		if (m->flags & M_MUTATES)
			rv_set_str(all, "request_key", m->name);   /* one key per method */
		seed_call("required", m->name, req, 0);
		seed_call("all", m->name, all, 0);
		rv_free(req);
		rv_free(all);
	}
}

/* Written by hand: a chain a fuzzer can recombine. */
static const struct {
	const char *tag, *method, *json;
	int session;
} chain[] = {
	{ "", "service.create", "{code: \"VOIRIE\", name: \"Voirie\"}", 0 },
	{ "", "site.create", "{code: \"MAIRIE\", name: \"Hôtel de ville\", address: \"1 place\", "
	  "lat: 45, lon: 4}", 0 },
	{ "", "asset.create", "{name: \"École Jaurès\", type_id: 1, site_id: 1, service_id: 1}", 0 },
	{ "", "asset.search", "{query: \"éco\"}", 0 },
	{ "referent", "asset.search", "{query: \"BAT\", limit: 5}", 1 },
	{ "", "category.create", "{name: \"Plomberie\", service_id: 1}", 0 },
	{ "", "request.submit", "{category_id: 1, asset_id: 1, description: \"Fuite au 1er étage\"}", 0 },
	{ "referent", "request.submit", "{category_id: 1, site_id: 1, description: \"Porte bloquée\"}", 1 },
	{ "", "request.approve", "{id: 1, version: 1}", 0 },
	{ "", "workorder.assign", "{id: 1, version: 1, agent_ids: [1]}", 0 },
	{ "", "user.list", "{query: \"fuzz\", limit: 2}", 0 },
	{ "page2", "user.list", "{limit: 1, after: \"1\"}", 0 },
	{ "", "audit.list", "{entity: \"user\", limit: 3}", 0 },
	{ "wrongpw", "session.login", "{login: \"fuzz-all\", password: \"not-this-one\"}", 0 },
	{ "", "event.subscribe", "{topics: [\"user\", \"asset\"]}", 0 },
	{ "", "system.describe", NULL, 0 },
	{ "replay", "service.create", "{code: \"ESPACES-VERTS\", name: \"Espaces verts\", "
	  "request_key: \"k-1\"}", 0 },
};

/* The scanner's edge cases, after the limits byte. */
#define EDGE(name, bytes) { name, bytes, sizeof bytes - 1 }
static const struct {
	const char *name;
	const char *bytes;
	size_t len;
} edges[] = {
	EDGE("incomplete", "\x00\x94\x00\x01\xa4pi"),
	EDGE("c1", "\x00\x94\x00\x01\xc1\x90"),
	EDGE("array32-huge", "\x00\xdd\xff\xff\xff\xff\x00"),
	EDGE("map32-huge", "\x01\xdf\x7f\xff\xff\xff"),
	EDGE("str32-huge", "\x00\xdb\x7f\xff\xff\xff\x61"),
	EDGE("deep", "\x02\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\x91\xc0"),
	EDGE("ext", "\x00\x94\x00\x01\xa1x\x91\xd4\x01\x02"),
	EDGE("dupkey", "\x00\x94\x00\x01\xa1x\x91\x82\xa1k\x01\xa1k\x02"),
	EDGE("nul-key", "\x00\x94\x00\x01\xa1x\x91\x82\xa1k\x01\xa3k\x00z\x02"),
	EDGE("uint64-max", "\x00\x94\x00\xcf\xff\xff\xff\xff\xff\xff\xff\xff\xa1x\x90"),
	EDGE("notify", "\x00\x93\x02\xa5""event\x91\x81\xa5topic\xa4user"),
	EDGE("response", "\x00\x94\x01\x05\xc0\x81\xa2ok\xc3"),
	EDGE("two-messages", "\x03\x94\x00\x01\xa1x\x90\x94\x00\x02\xa1y\x90"),
	EDGE("float-nan", "\x00\x94\x00\x01\xa1x\x91\x81\xa1""f\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00"),
};

/* One dictionary line: s as a MessagePack string, escaped for libFuzzer. */
static void dict_add(FILE *f, const char *s)
{
	static const char **seen;
	static size_t nseen;
	struct rv *v;
	struct buf b;

	for (size_t i = 0; i < nseen; i++) {
		if (strcmp(seen[i], s) == 0)
			return;
	}
	seen = xreallocarray(seen, nseen + 1, sizeof *seen);
	seen[nseen++] = s;
	v = rv_str(s);

	buf_init(&b);
	wire_encode(&b, v);
	fputc('"', f);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char ch = (unsigned char)b.data[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			fputc(ch, f);
		else
			fprintf(f, "\\x%02x", ch);
	}
	fputs("\"\n", f);
	buf_free(&b);
	rv_free(v);
}

/* Every method name, parameter name and choice: the words a fuzzer
 * would take long to guess. */
static void write_dict(void)
{
	char *path = xasprintf("%s/regie.dict", top);
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs("# Made by mkcorpus (make fuzz-corpus): names from the dispatch table.\n", f);
	dict_add(f, "request_key");
	for (size_t i = 0; i < dispatch_count(); i++) {
		const struct method *m = dispatch_at(i);

		dict_add(f, m->name);
		for (int k = 0; k < METHOD_MAX_PARAMS && m->params[k].name != NULL; k++) {
			dict_add(f, m->params[k].name);
			for (const char *const *ch = m->params[k].choices; ch != NULL && *ch != NULL; ch++)
				dict_add(f, *ch);
		}
	}
	fclose(f);
	free(path);
}

/* JSON texts: what clients send as attributes, and the odd corners. */
static const char *const json_seeds[][2] = {
	{ "attributes-building", "{\"floor_area\": 1200, \"levels\": 3, \"erp_category\": \"4\"}" },
	{ "attributes-boiler", "{\"power_kw\": 90.5, \"energy\": \"gas\", \"brand\": \"Viessmann\"}" },
	{ "bare-keys", "{login: \"fuzz\", roles: [\"admin\", \"agent\"], disabled: false, n: null}" },
	{ "escapes", "[\"\\u00e9t\\u00e9\", \"\\ud83d\\ude00\", \"tab\\there\", \"\\u0000\"]" },
	{ "numbers", "[0, -1, 9223372036854775807, -9223372036854775808, 1.5e300, -0.0, 1e-320]" },
	{ "nested", "[[[[[[[[[[[[[[[[{\"a\": []}]]]]]]]]]]]]]]]]" },
	{ "utf8", "{\"nom\": \"Hôtel de ville — école\"}" },
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR\n");
		return 2;
	}
	top = argv[1];
	dispatch_init();
	seed_spec();
	write_dict();
	for (size_t i = 0; i < sizeof chain / sizeof chain[0]; i++) {
		struct rv *params = NULL;
		char err[128];

		if (chain[i].json != NULL && (params = rv_from_json(chain[i].json, err, sizeof err)) == NULL) {
			fprintf(stderr, "mkcorpus: %s: %s\n", chain[i].method, err);
			return 1;
		}
		if (dispatch_find(chain[i].method) != NULL)
			seed_call(chain[i].tag[0] ? chain[i].tag : "hand", chain[i].method, params,
			    chain[i].session);
		rv_free(params);
	}
	for (size_t i = 0; i < sizeof json_seeds / sizeof json_seeds[0]; i++)
		write_seed("json", json_seeds[i][0], json_seeds[i][1], strlen(json_seeds[i][1]));
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		write_seed("wire", edges[i].name, edges[i].bytes, edges[i].len);
	return 0;
}
