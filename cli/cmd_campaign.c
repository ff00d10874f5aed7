/* sarafw campaign, devices and pkg upload: the commands that talk to
 * sarafw-server's REST API (docs/server-api.md) instead of a module.
 * Campaigns are the note's §2.7: created by an operator, approved by an
 * approver (§2.7.2), a test campaign (§2.7.4) whose report an approver
 * accepts before the final campaign (§2.7.5). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "imei_list.h"
#include "rest_client.h"

enum {
	O_NAME = 0x100, O_PRODUCT, O_FROM, O_TO, O_PACKAGE, O_IMEIS, O_TEST_SIZE, O_GROUP_SIZE, O_SUCCESS,
	O_ERROR, O_PAUSE, O_START, O_END, O_WINDOW, O_TRANSPORT, O_AREA, O_TIMEOUT, O_RETRIES, O_BACKOFF,
	O_FORCE,
};

#define IMEI_FILE_MAX (1u << 20) /* the server's JSON body limit */

/* ---- reading answers ---- */

static const char *str_of(const json_doc *d, int obj, const char *key, char *buf, size_t cap)
{
	if (json_str(d, json_get(d, obj, key), buf, cap) < 0)
		buf[0] = 0;
	return buf;
}

static long long int_of(const json_doc *d, int obj, const char *key)
{
	int64_t v;
	return json_int(d, json_get(d, obj, key), &v) < 0 ? -1 : (long long)v;
}

static bool bool_of(const json_doc *d, int obj, const char *key)
{
	int t = json_get(d, obj, key);
	return t >= 0 && d->tok[t].type == JSON_TRUE;
}

/* The answer must be JSON of this type (an array or an object). */
static int want(rest_client *r, json_type type)
{
	if (r->tok && r->doc.n && r->tok[0].type == type)
		return EXIT_OK;
	fprintf(stderr, "sarafw: %s: the answer is not the JSON %s sarafw-server sends: is --server %s a sarafw-server?\n",
		r->what, type == JSON_ARRAY ? "array" : "object", r->base);
	return EXIT_FAIL;
}

static void print_raw(const rest_client *r)
{
	fwrite(r->body.p, 1, r->body.len, stdout);
	if (!r->body.len || r->body.p[r->body.len - 1] != '\n')
		putchar('\n');
}

/* ---- the commands' common steps ---- */

/* A command's options: the server's (into r) and its own (each to cb).
 * Returns EXIT_OK with optind at the first argument, else the exit code. */
typedef int (*own_opt)(void *ctx, int opt, const char *arg);

static int options(cli *c, rest_client *r, int argc, char **argv, const struct option *own, own_opt cb, void *ctx)
{
	struct option all[32];
	size_t n = 0;
	static const struct option server[] = { REST_CLIENT_OPTIONS, { 0 } };
	for (const struct option *o = server; o->name; o++)
		all[n++] = *o;
	for (const struct option *o = own; o && o->name && n < 31; o++)
		all[n++] = *o;
	all[n] = (struct option){ 0 };
	int opt;
	while ((opt = cli_getopt(c, argc, argv, all)) != 0) {
		if (opt < 0)
			return c->exit_code;
		if (rest_client_option(r, opt, optarg))
			continue;
		int rc = cb ? cb(ctx, opt, optarg) : EXIT_USAGE;
		if (rc)
			return rc;
	}
	return EXIT_OK;
}

/* A campaign's id from the command line. */
static int id_arg(const char *cmd, int argc, char **argv, long long *id)
{
	char *end;
	if (optind != argc - 1) {
		fprintf(stderr, "sarafw: usage: sarafw campaign %s ID (see sarafw campaign list)\n", cmd);
		return EXIT_USAGE;
	}
	errno = 0;
	*id = strtoll(argv[optind], &end, 10);
	if (errno || end == argv[optind] || *end || *id < 1 || argv[optind][0] == '+') {
		fprintf(stderr, "sarafw: campaign %s %s: an ID is a number from 1 (see sarafw campaign list)\n", cmd,
			argv[optind]);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* ---- campaign list / show / report ---- */

static void print_campaign_line(const json_doc *d, int t)
{
	char name[128], state[24], phase[16], from[64], to[64];
	printf("%-4lld %-10s %-6s %5lld  %-20s %s -> %s\n", int_of(d, t, "id"), str_of(d, t, "state", state, sizeof state),
	       str_of(d, t, "phase", phase, sizeof phase), int_of(d, t, "current_group"),
	       str_of(d, t, "name", name, sizeof name), str_of(d, t, "from_version", from, sizeof from),
	       str_of(d, t, "to_version", to, sizeof to));
}

static int list(cli *c, rest_client *r)
{
	int rc = rest_client_call(r, "GET", "/api/v1/campaigns", NULL, 0, NULL);
	if (rc || (rc = want(r, JSON_ARRAY)))
		return rc;
	if (c->json) {
		print_raw(r);
		return EXIT_OK;
	}
	if (!r->doc.tok[0].size) {
		printf("no campaigns (an operator makes one with sarafw campaign create)\n");
		return EXIT_OK;
	}
	printf("%-4s %-10s %-6s %5s  %-20s %s\n", "ID", "STATE", "PHASE", "GROUP", "NAME", "FROM -> TO");
	for (unsigned i = 0; i < r->doc.tok[0].size; i++)
		print_campaign_line(&r->doc, json_elem(&r->doc, 0, i));
	return EXIT_OK;
}

static void print_campaign(const json_doc *d)
{
	char s[256], s2[256];
	printf("campaign %lld \"%s\": %s", int_of(d, 0, "id"), str_of(d, 0, "name", s, sizeof s),
	       str_of(d, 0, "state", s2, sizeof s2));
	printf(", phase %s", str_of(d, 0, "phase", s, sizeof s));
	if (!strcmp(s, "final"))
		printf(", group %lld", int_of(d, 0, "current_group"));
	printf("%s%s\n", str_of(d, 0, "detail", s2, sizeof s2)[0] ? ": " : "", s2);
	printf("  product %s, %s", str_of(d, 0, "product", s, sizeof s), str_of(d, 0, "from_version", s2, sizeof s2));
	printf(" -> %s over %s", str_of(d, 0, "to_version", s, sizeof s), str_of(d, 0, "transport", s2, sizeof s2));
	printf(", package %.12s\n", str_of(d, 0, "package", s, sizeof s));
	printf("  test %lld devices, groups of %lld, go on at %lld%% succeeded, pause at %lld%% failed%s\n",
	       int_of(d, 0, "test_size"), int_of(d, 0, "group_size"), int_of(d, 0, "success_threshold"),
	       int_of(d, 0, "error_threshold"), bool_of(d, 0, "pause_after_group") ? ", pause after each group" : "");
	printf("  window %s", str_of(d, 0, "window_from", s, sizeof s));
	printf("-%s UTC", str_of(d, 0, "window_to", s, sizeof s));
	if (int_of(d, 0, "start") > 0 || int_of(d, 0, "end") > 0)
		printf(", from %lld to %lld (epoch s)", int_of(d, 0, "start"), int_of(d, 0, "end"));
	printf("\n  created by %s", str_of(d, 0, "created_by", s, sizeof s));
	if (*str_of(d, 0, "approved_by", s, sizeof s))
		printf(", approved by %s", s);
	if (*str_of(d, 0, "test_accepted_by", s, sizeof s))
		printf(", test accepted by %s", s);
	printf("\n");
}

static void print_devices_of(const json_doc *d)
{
	int arr = json_get(d, 0, "devices");
	if (arr < 0 || d->tok[arr].type != JSON_ARRAY)
		return;
	printf("%-15s %5s %-12s %8s %6s  %s\n", "IMEI", "GROUP", "STATE", "ATTEMPTS", "RESULT", "DETAIL");
	for (unsigned i = 0; i < d->tok[arr].size; i++) {
		int t = json_elem(d, arr, i);
		char imei[32], state[24], detail[256], group[24] = "test";
		if (int_of(d, t, "group") > 0)
			snprintf(group, sizeof group, "%lld", int_of(d, t, "group"));
		printf("%-15s %5s %-12s %8lld %6lld  %s%s\n", str_of(d, t, "imei", imei, sizeof imei), group,
		       str_of(d, t, "state", state, sizeof state), int_of(d, t, "attempts"), int_of(d, t, "result"),
		       str_of(d, t, "detail", detail, sizeof detail),
		       bool_of(d, t, "reset_during_install") ? " [reset during install]" : "");
	}
}

static int show(cli *c, rest_client *r, long long id, bool report)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld%s", id, report ? "/report" : "");
	int rc = rest_client_call(r, "GET", path, NULL, 0, NULL);
	if (rc || (rc = want(r, JSON_OBJECT)))
		return rc;
	if (c->json) {
		print_raw(r);
		return EXIT_OK;
	}
	const json_doc *d = &r->doc;
	print_campaign(d);
	if (!report) {
		print_devices_of(d);
		return EXIT_OK;
	}
	int rep = json_get(d, 0, "report");
	static const char *const phases[] = { "test", "final" };
	for (int i = 0; i < 2 && rep >= 0; i++) {
		int p = json_get(d, rep, phases[i]);
		printf("%-5s %lld devices: %lld succeeded, %lld failed, %lld skipped, %lld open; %lld reset during install\n",
		       phases[i], int_of(d, p, "devices"), int_of(d, p, "succeeded"), int_of(d, p, "failed"),
		       int_of(d, p, "skipped"), int_of(d, p, "open"), int_of(d, p, "reset_during_install"));
	}
	/* note §2.7.3: the design review, as far as the server can see it */
	int arr = json_get(d, 0, "devices");
	unsigned resets = 0;
	for (unsigned i = 0; arr >= 0 && i < d->tok[arr].size; i++) {
		int t = json_elem(d, arr, i);
		char imei[32];
		if (!bool_of(d, t, "reset_during_install"))
			continue;
		if (!resets++)
			printf("design review (note §2.7.3): hosts that reset the module during the install "
			       "(keep it powered until the install ends):\n");
		printf("  %s\n", str_of(d, t, "imei", imei, sizeof imei));
	}
	if (!resets)
		printf("design review (note §2.7.3): no host reset its module during an install\n");
	for (int i = 0; i < 2 && rep >= 0; i++) {
		int p = json_get(d, rep, phases[i]);
		printf("%-5s answered the update (Downloaded to Updating) within 180 s: %lld, later: %lld; "
		       "installed by the host's failsafe reset (note §2.6.4): %lld\n",
		       phases[i], int_of(d, p, "answered_within_180s"), int_of(d, p, "answered_after_180s"),
		       int_of(d, p, "install_by_failsafe_reset"));
	}
	char edrx[256];
	if (rep >= 0 && str_of(d, rep, "edrx", edrx, sizeof edrx)[0])
		printf("eDRX: %s\n", edrx);
	for (unsigned i = 0; arr >= 0 && i < d->tok[arr].size; i++) {
		int t = json_elem(d, arr, i);
		char imei[32], state[24], detail[256];
		str_of(d, t, "state", state, sizeof state);
		if (!strcmp(state, "failed"))
			printf("failed: %s (group %lld, %lld attempts, result %lld): %s\n",
			       str_of(d, t, "imei", imei, sizeof imei), int_of(d, t, "group"), int_of(d, t, "attempts"),
			       int_of(d, t, "result"), str_of(d, t, "detail", detail, sizeof detail));
	}
	return EXIT_OK;
}

/* ---- actions ---- */

static int action(cli *c, rest_client *r, const char *verb, long long id, bool force)
{
	char path[96];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/%s%s", id, verb, force ? "?force=1" : "");
	int rc = rest_client_call(r, "POST", path, NULL, 0, NULL);
	if (rc || (rc = want(r, JSON_OBJECT)))
		return rc;
	if (c->json) {
		print_raw(r);
		return EXIT_OK;
	}
	char state[24], phase[16];
	str_of(&r->doc, 0, "state", state, sizeof state);
	str_of(&r->doc, 0, "phase", phase, sizeof phase);
	printf("campaign %lld: %s, phase %s", id, state, phase);
	if (!strcmp(verb, "approve"))
		printf(": the test campaign runs; when it is test_done, read sarafw campaign report %lld "
		       "and accept it with sarafw campaign accept-test %lld\n", id, id);
	else if (!strcmp(verb, "accept-test"))
		printf(": the final campaign runs, group by group (sarafw campaign show %lld)\n", id);
	else if (!strcmp(state, "cancelling"))
		printf(": devices installing finish first (cancel --force stops them where they are)\n");
	else
		printf("\n");
	return EXIT_OK;
}

/* ---- create ---- */

typedef struct create_args {
	bytes body;
	bool first;
	const char *imeis, *package, *window;
	long n_imeis;
} create_args;

static int parse_uint(const char *opt, const char *arg, long long max, long long *v)
{
	char *end;
	errno = 0;
	*v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || *v < 0 || *v > max || arg[0] == '+' || arg[0] == ' ') {
		fprintf(stderr, "sarafw: --%s %s: a whole number from 0 to %lld\n", opt, arg, max);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* epoch seconds, or UTC as YYYY-MM-DDTHH:MM[:SS][Z] */
static int parse_time(const char *opt, const char *arg, long long *v)
{
	struct tm tm = { 0 };
	const char *end = strptime(arg, "%Y-%m-%dT%H:%M", &tm);
	if (end) {
		if (*end == ':')
			end = strptime(end, ":%S", &tm);
		if (end && *end == 'Z')
			end++;
		if (end && !*end) {
			*v = (long long)timegm(&tm);
			return EXIT_OK;
		}
	} else {
		char *e;
		errno = 0;
		*v = strtoll(arg, &e, 10);
		if (!errno && e != arg && !*e && *v >= 0 && arg[0] >= '0' && arg[0] <= '9')
			return EXIT_OK;
	}
	fprintf(stderr, "sarafw: --%s %s: UTC as 2026-12-24T08:00Z, or epoch seconds\n", opt, arg);
	return EXIT_USAGE;
}

static void kv_int(create_args *a, const char *key, long long v)
{
	jw_kv_int(&a->body, &a->first, key, v);
}

static int create_opt(void *ctx, int opt, const char *arg)
{
	create_args *a = ctx;
	long long v;
	static const struct {
		int opt;
		const char *key, *flag;
		long long max;
	} nums[] = {
		{ .opt = O_TEST_SIZE, .key = "test_size", .flag = "test-size", .max = 5 },
		{ .opt = O_GROUP_SIZE, .key = "group_size", .flag = "group-size", .max = 1000000 },
		{ .opt = O_SUCCESS, .key = "success_threshold", .flag = "success-threshold", .max = 100 },
		{ .opt = O_ERROR, .key = "error_threshold", .flag = "error-threshold", .max = 100 },
		{ .opt = O_TIMEOUT, .key = "action_timeout", .flag = "action-timeout", .max = 30 * 86400 },
		{ .opt = O_RETRIES, .key = "max_retries", .flag = "max-retries", .max = 100 },
		{ .opt = O_BACKOFF, .key = "retry_backoff", .flag = "retry-backoff", .max = 86400 },
	};
	static const struct {
		int opt;
		const char *key;
	} strs[] = {
		{ .opt = O_NAME, .key = "name" },
		{ .opt = O_PRODUCT, .key = "product" },
		{ .opt = O_FROM, .key = "from_version" },
		{ .opt = O_TO, .key = "to_version" },
		{ .opt = O_AREA, .key = "location_area" },
	};
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
		if (opt == nums[i].opt) {
			if (parse_uint(nums[i].flag, arg, nums[i].max, &v))
				return EXIT_USAGE;
			kv_int(a, nums[i].key, v);
			return EXIT_OK;
		}
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
		if (opt == strs[i].opt) {
			jw_kv_str(&a->body, &a->first, strs[i].key, arg);
			return EXIT_OK;
		}
	switch (opt) {
	case O_PACKAGE:
		a->package = arg;
		return EXIT_OK;
	case O_IMEIS:
		a->imeis = arg;
		return EXIT_OK;
	case O_WINDOW:
		a->window = arg;
		return EXIT_OK;
	case O_PAUSE:
		jw_kv_bool(&a->body, &a->first, "pause_after_group", true);
		return EXIT_OK;
	case O_TRANSPORT:
		if (strcmp(arg, "http") && strcmp(arg, "coap")) {
			fprintf(stderr, "sarafw: --transport %s: http or coap (note §2.7.1)\n", arg);
			return EXIT_USAGE;
		}
		jw_kv_str(&a->body, &a->first, "transport", arg);
		return EXIT_OK;
	case O_START:
	case O_END:
		if (parse_time(opt == O_START ? "start" : "end", arg, &v))
			return EXIT_USAGE;
		kv_int(a, opt == O_START ? "start" : "end", v);
		return EXIT_OK;
	}
	return EXIT_USAGE;
}

static void add_imei(void *ctx, const char *imei)
{
	create_args *a = ctx;
	if (a->n_imeis++)
		jw_raw(&a->body, ",");
	jw_str(&a->body, imei);
}

/* The IMEI list file (imei_list.h; '-': stdin). Appends "imeis": [...];
 * returns EXIT_OK or EXIT_USAGE after one line naming the line at fault. */
static int read_imeis(create_args *a)
{
	FILE *f = strcmp(a->imeis, "-") ? fopen(a->imeis, "r") : stdin;
	if (!f) {
		fprintf(stderr, "sarafw: cannot read IMEI list %s: %s: give a file you can read\n", a->imeis,
			strerror(errno));
		return EXIT_USAGE;
	}
	bytes text = { 0 };
	char buf[4096];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, f)) > 0 && text.len <= IMEI_FILE_MAX)
		bytes_put(&text, buf, got);
	bool err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (err || text.oom || text.len > IMEI_FILE_MAX) {
		fprintf(stderr, "sarafw: IMEI list %s: %s\n", a->imeis,
			err ? "read error" : "too large (the server takes about 50,000 IMEIs at most)");
		free(text.p);
		return EXIT_USAGE;
	}
	unsigned line = 0;
	jw_raw(&a->body, a->first ? "\"imeis\":[" : ",\"imeis\":[");
	a->first = false;
	long n = imei_list_parse((const char *)text.p, text.len, add_imei, a, &line);
	free(text.p);
	jw_raw(&a->body, "]");
	if (n < 0) {
		fprintf(stderr, "sarafw: %s:%u: not an IMEI (15 digits; spaces, commas or lines between; '#' comments)\n",
			a->imeis, line);
		return EXIT_USAGE;
	}
	if (!n) {
		fprintf(stderr, "sarafw: IMEI list %s holds no IMEI (15 digits each, note §2.7.1)\n", a->imeis);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int create(cli *c, rest_client *r, int argc, char **argv)
{
	static const struct option opts[] = {
		{ .name = "name", .has_arg = required_argument, .val = O_NAME },
		{ .name = "product", .has_arg = required_argument, .val = O_PRODUCT },
		{ .name = "from-version", .has_arg = required_argument, .val = O_FROM },
		{ .name = "to-version", .has_arg = required_argument, .val = O_TO },
		{ .name = "package", .has_arg = required_argument, .val = O_PACKAGE },
		{ .name = "imeis", .has_arg = required_argument, .val = O_IMEIS },
		{ .name = "test-size", .has_arg = required_argument, .val = O_TEST_SIZE },
		{ .name = "group-size", .has_arg = required_argument, .val = O_GROUP_SIZE },
		{ .name = "success-threshold", .has_arg = required_argument, .val = O_SUCCESS },
		{ .name = "error-threshold", .has_arg = required_argument, .val = O_ERROR },
		{ .name = "pause-after-group", .has_arg = no_argument, .val = O_PAUSE },
		{ .name = "start", .has_arg = required_argument, .val = O_START },
		{ .name = "end", .has_arg = required_argument, .val = O_END },
		{ .name = "window", .has_arg = required_argument, .val = O_WINDOW },
		{ .name = "transport", .has_arg = required_argument, .val = O_TRANSPORT },
		{ .name = "location-area", .has_arg = required_argument, .val = O_AREA },
		{ .name = "action-timeout", .has_arg = required_argument, .val = O_TIMEOUT },
		{ .name = "max-retries", .has_arg = required_argument, .val = O_RETRIES },
		{ .name = "retry-backoff", .has_arg = required_argument, .val = O_BACKOFF },
		{ 0 },
	};
	create_args a = { .first = true };
	jw_raw(&a.body, "{");
	int rc = options(c, r, argc, argv, opts, create_opt, &a);
	if (!rc && optind != argc) {
		fprintf(stderr, "sarafw: campaign create takes options only, not '%s' (see sarafw --help)\n", argv[optind]);
		rc = EXIT_USAGE;
	}
	if (!rc && (!a.package || !a.imeis)) {
		fprintf(stderr, "sarafw: campaign create needs --package SHA256 (sarafw pkg upload prints it) and "
				"--imeis FILE, with --name, --product, --from-version and --to-version\n");
		rc = EXIT_USAGE;
	}
	if (!rc && (strlen(a.package) != 64 || strspn(a.package, "0123456789abcdef") != 64)) {
		fprintf(stderr, "sarafw: --package %s: the package's SHA-256 in lower-case hex, as sarafw pkg upload "
				"prints it\n", a.package);
		rc = EXIT_USAGE;
	}
	if (!rc && a.window) {
		char from[8], to[8];
		const char *dash = strchr(a.window, '-');
		if (!dash || dash - a.window != 5 || strlen(dash + 1) != 5) {
			fprintf(stderr, "sarafw: --window %s: HH:MM-HH:MM (UTC; the same twice: all day)\n", a.window);
			rc = EXIT_USAGE;
		} else {
			memcpy(from, a.window, 5), from[5] = 0;
			memcpy(to, dash + 1, 6);
			jw_kv_str(&a.body, &a.first, "window_from", from);
			jw_kv_str(&a.body, &a.first, "window_to", to);
		}
	}
	if (!rc) {
		jw_kv_str(&a.body, &a.first, "package", a.package);
		rc = read_imeis(&a);
	}
	if (!rc && (rc = rest_client_setup(r)) == EXIT_OK) {
		jw_raw(&a.body, "}");
		if (a.body.oom) {
			fprintf(stderr, "sarafw: campaign create: out of memory\n");
			rc = EXIT_FAIL;
		} else {
			rc = rest_client_call(r, "POST", "/api/v1/campaigns", (const char *)a.body.p, a.body.len, NULL);
		}
		if (!rc)
			rc = want(r, JSON_OBJECT);
		if (!rc && c->json)
			print_raw(r);
		else if (!rc) {
			long long id = int_of(&r->doc, 0, "id");
			printf("campaign %lld created (draft, test group of %lld): an approver starts it with "
			       "sarafw campaign approve %lld\n", id, int_of(&r->doc, 0, "test_size"), id);
		}
	}
	free(a.body.p);
	return rc;
}

static int force_opt(void *ctx, int opt, const char *arg)
{
	(void)arg;
	*(bool *)ctx = opt == O_FORCE;
	return opt == O_FORCE ? EXIT_OK : EXIT_USAGE;
}

int cmd_campaign(cli *c, int argc, char **argv)
{
	static const struct {
		const char *name, *role; /* role: who may (for a 403) */
	} subs[] = {
		{ .name = "list", .role = "viewer" },          { .name = "show", .role = "viewer" },
		{ .name = "report", .role = "viewer" },        { .name = "create", .role = "operator" },
		{ .name = "approve", .role = "approver" },     { .name = "accept-test", .role = "approver" },
		{ .name = "resume", .role = "operator" },      { .name = "cancel", .role = "operator" },
		{ .name = "pause", .role = "operator" },
	};
	static const struct option force[] = { { .name = "force", .has_arg = no_argument, .val = O_FORCE }, { 0 } };
	if (argc < 2) {
		fprintf(stderr, "sarafw: campaign needs a command: list, show, create, approve, accept-test, pause, "
				"resume, cancel or report (see sarafw --help)\n");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_usage(stdout);
		return EXIT_OK;
	}
	size_t i = 0;
	while (i < sizeof subs / sizeof *subs && strcmp(argv[1], subs[i].name))
		i++;
	if (i == sizeof subs / sizeof *subs) {
		fprintf(stderr, "sarafw: unknown campaign command '%s': list, show, create, approve, accept-test, "
				"pause, resume, cancel or report\n", argv[1]);
		return EXIT_USAGE;
	}
	static rest_client r;
	char what[64];
	long long id = 0;
	bool forced = false;
	int rc;
	optind = 0;
	argc--, argv++;
	r.role = subs[i].role;
	r.what = what;
	snprintf(what, sizeof what, "campaign %s", subs[i].name);
	if (!strcmp(subs[i].name, "create")) {
		rc = create(c, &r, argc, argv);
		rest_client_done(&r);
		return rc;
	}
	bool is_cancel = !strcmp(subs[i].name, "cancel");
	if ((rc = options(c, &r, argc, argv, is_cancel ? force : NULL, force_opt, &forced)))
		return rc;
	if (!strcmp(subs[i].name, "list")) {
		if (optind != argc) {
			fprintf(stderr, "sarafw: campaign list takes no argument ('%s')\n", argv[optind]);
			return EXIT_USAGE;
		}
	} else if ((rc = id_arg(subs[i].name, argc, argv, &id))) {
		return rc;
	}
	if (id)
		snprintf(what, sizeof what, "campaign %s %lld", subs[i].name, id);
	if ((rc = rest_client_setup(&r)))
		return rc;
	if (!strcmp(subs[i].name, "list"))
		rc = list(c, &r);
	else if (!strcmp(subs[i].name, "show") || !strcmp(subs[i].name, "report"))
		rc = show(c, &r, id, subs[i].name[0] == 'r');
	else
		rc = action(c, &r, subs[i].name, id, forced);
	rest_client_done(&r);
	return rc;
}

/* sarafw devices: what the server knows of each device. */
int cmd_devices(cli *c, int argc, char **argv)
{
	static rest_client r = { .what = "devices", .role = "viewer" };
	int rc = options(c, &r, argc, argv, NULL, NULL, NULL);
	if (rc)
		return rc;
	if (optind != argc) {
		fprintf(stderr, "sarafw: devices takes no argument ('%s')\n", argv[optind]);
		return EXIT_USAGE;
	}
	if ((rc = rest_client_setup(&r)) || (rc = rest_client_call(&r, "GET", "/api/v1/devices", NULL, 0, NULL)) ||
	    (rc = want(&r, JSON_ARRAY)))
		goto out;
	if (c->json) {
		print_raw(&r);
		goto out;
	}
	const json_doc *d = &r.doc;
	if (!d->tok[0].size) {
		printf("no devices yet: they appear when they register (LwM2M) or get a PSK\n");
		goto out;
	}
	printf("%-15s %-13s %-20s %-24s %-20s %s\n", "IMEI", "STATE", "LAST SEEN", "FIRMWARE", "ENDPOINT", "FW STATE/RESULT");
	for (unsigned i = 0; i < d->tok[0].size; i++) {
		int t = json_elem(d, 0, i);
		char imei[32], state[24], seen[32], fw[80], ep[160];
		printf("%-15s %-13s %-20s %-24s %-20s %lld/%lld\n", *str_of(d, t, "imei", imei, sizeof imei) ? imei : "-",
		       str_of(d, t, "state", state, sizeof state), *str_of(d, t, "last_seen", seen, sizeof seen) ? seen : "-",
		       *str_of(d, t, "firmware_version", fw, sizeof fw) ? fw : "?", str_of(d, t, "endpoint", ep, sizeof ep),
		       int_of(d, t, "fw_state"), int_of(d, t, "fw_result"));
	}
out:
	rest_client_done(&r);
	return rc;
}

/* sarafw pkg upload FILE: the server checks the package as sarafw pkg
 * verify does and stores it by its SHA-256, which a campaign names. */
int cli_pkg_upload(cli *c, int argc, char **argv)
{
	static rest_client r = { .what = "pkg upload", .role = "operator" };
	struct stat st;
	int rc = options(c, &r, argc, argv, NULL, NULL, NULL);
	if (rc)
		return rc;
	if (optind != argc - 1) {
		fprintf(stderr, "sarafw: usage: sarafw pkg upload FILE --server URL --token-file F\n");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	FILE *f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		fprintf(stderr, "sarafw: pkg upload %s: %s: give a package made by sarafw pkg create\n", path,
			!f ? strerror(errno) : "not a file with bytes in it");
		if (f)
			fclose(f);
		return EXIT_USAGE;
	}
	if ((rc = rest_client_setup(&r))) {
		fclose(f);
		return rc;
	}
	rc = rest_client_call(&r, "POST", "/api/v1/packages", NULL, (size_t)st.st_size, f);
	fclose(f);
	if (!rc && !(rc = want(&r, JSON_OBJECT))) {
		char sha[80], prod[64], from[64], to[64];
		if (c->json)
			print_raw(&r);
		else
			printf("%s: %s, %s %s -> %s\n%s\n", path, r.status == 201 ? "stored" : "already stored",
			       str_of(&r.doc, 0, "product", prod, sizeof prod),
			       *str_of(&r.doc, 0, "from_version", from, sizeof from) ? from : "(full image)",
			       str_of(&r.doc, 0, "to_version", to, sizeof to), str_of(&r.doc, 0, "sha256", sha, sizeof sha));
	}
	rest_client_done(&r);
	return rc;
}
