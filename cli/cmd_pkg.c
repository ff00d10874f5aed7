/* sarafw pkg: make, read and check signed update packages
 * (common/pkg.h, docs/package-format.md). No port: everything here is
 * files on the host. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "escape.h"
#include "pkg.h"
#include "ufota_config.h"

#define ERRLEN 512

/* A whole file in RAM (create's images), up to max bytes. */
static uint8_t *slurp(const char *what, const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *p = NULL;
	if (!f) {
		fprintf(stderr, "sarafw: cannot read %s %s: %s: give the path of a file you can read\n", what, path,
			strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "sarafw: %s %s is not a regular file: give a file\n", what, path);
	} else if ((uint64_t)st.st_size > max || st.st_size == 0) {
		fprintf(stderr, "sarafw: %s %s is %lld bytes: a package takes 1 byte to %zu MiB\n", what, path,
			(long long)st.st_size, max >> 20);
	} else if ((p = malloc((size_t)st.st_size)) && fread(p, 1, (size_t)st.st_size, f) == (size_t)st.st_size) {
		*len = (size_t)st.st_size;
	} else {
		fprintf(stderr, "sarafw: cannot read %s %s: %s\n", what, path, p ? "read error" : "out of memory");
		free(p);
		p = NULL;
	}
	fclose(f);
	return p;
}

/* "MODEM,APP" as ATI9 prints it: one comma, text either side. */
static bool version_ok(const char *v)
{
	const char *c = strchr(v, ',');
	return v[0] && pkg_text_ok(v, PKG_VERSION_MAX) && c && c != v && c[1] && !strchr(c + 1, ',');
}

static int need(const char *what, const char *v)
{
	if (v)
		return EXIT_OK;
	fprintf(stderr, "sarafw: pkg create needs %s (see sarafw --help)\n", what);
	return EXIT_USAGE;
}

static int keygen(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ .name = "output", .has_arg = required_argument, .val = 'o' },
		{ 0 },
	};
	const char *out = NULL;
	char pub[4096], e[ERRLEN];
	int opt;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		if (opt != 'o')
			return c->exit_code;
		out = optarg;
	}
	if (!out || optind != argc) {
		fprintf(stderr, "sarafw: usage: sarafw pkg keygen -o KEY (writes KEY and KEY.pub)\n");
		return EXIT_USAGE;
	}
	if ((size_t)snprintf(pub, sizeof pub, "%s.pub", out) >= sizeof pub) {
		fprintf(stderr, "sarafw: key path too long: choose a shorter one\n");
		return EXIT_USAGE;
	}
	if (pkg_keygen(out, pub, e, sizeof e)) {
		fprintf(stderr, "sarafw: %s\n", e);
		return EXIT_FAIL;
	}
	if (c->json) {
		printf("{\"private\":");
		esc_json_string(stdout, out);
		printf(",\"public\":");
		esc_json_string(stdout, pub);
		printf("}\n");
	} else {
		printf("private key %s (keep it secret), public key %s (give it to the module)\n", out, pub);
	}
	return EXIT_OK;
}

static int create(cli *c, int argc, char **argv)
{
	enum { O_FROM = 256, O_TO, O_FROMV, O_TOV, O_PRODUCT, O_KEY, O_FULL, O_PROFILE, O_PROFILE_ID,
	       O_PROFILE_NAME, O_NVM, O_BOOT };
	static const struct option opts[] = {
		{ .name = "from", .has_arg = required_argument, .val = O_FROM },
		{ .name = "to", .has_arg = required_argument, .val = O_TO },
		{ .name = "from-version", .has_arg = required_argument, .val = O_FROMV },
		{ .name = "to-version", .has_arg = required_argument, .val = O_TOV },
		{ .name = "product", .has_arg = required_argument, .val = O_PRODUCT },
		{ .name = "key", .has_arg = required_argument, .val = O_KEY },
		{ .name = "output", .has_arg = required_argument, .val = 'o' },
		{ .name = "full", .has_arg = no_argument, .val = O_FULL },
		{ .name = "profile", .has_arg = required_argument, .val = O_PROFILE },
		{ .name = "profile-id", .has_arg = required_argument, .val = O_PROFILE_ID },
		{ .name = "profile-name", .has_arg = required_argument, .val = O_PROFILE_NAME },
		{ .name = "nvm", .has_arg = required_argument, .val = O_NVM },
		{ .name = "boot", .has_arg = no_argument, .val = O_BOOT },
		{ 0 },
	};
	const char *from = NULL, *to = NULL, *key = NULL, *out = NULL, *profile = NULL;
	const char *profile_name = NULL;
	static pkg_nvm_item nvm[PKG_NVM_MAX];
	pkg_spec s = { .nvm = nvm };
	bool full = false, have_id = false;
	int opt, rc = EXIT_FAIL;
	char name[PKG_PROFILE_NAME_MAX + 1], e[ERRLEN];

	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case O_FROM: from = optarg; break;
		case O_TO: to = optarg; break;
		case O_FROMV: s.from_version = optarg; break;
		case O_TOV: s.to_version = optarg; break;
		case O_PRODUCT: s.product = optarg; break;
		case O_KEY: key = optarg; break;
		case 'o': out = optarg; break;
		case O_FULL: full = true; break;
		case O_PROFILE: profile = optarg; break;
		case O_PROFILE_NAME: profile_name = optarg; break;
		case O_BOOT: s.flags |= PKG_FLAG_BOOT; break;
		case O_PROFILE_ID: {
			char *end;
			errno = 0;
			unsigned long id = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || id > 255 || optarg[0] == '-') {
				fprintf(stderr, "sarafw: --profile-id %s: give the AT+UMNOPROF id, 0 to 255\n", optarg);
				return EXIT_USAGE;
			}
			s.profile_id = (uint32_t)id;
			have_id = true;
			break;
		}
		case O_NVM: {
			const char *eq = strchr(optarg, '=');
			size_t kl = eq ? (size_t)(eq - optarg) : 0;
			if (s.n_nvm == PKG_NVM_MAX) {
				fprintf(stderr, "sarafw: at most %d --nvm items in a package\n", PKG_NVM_MAX);
				return EXIT_USAGE;
			}
			if (!eq || kl == 0 || kl > PKG_NVM_KEY_MAX || strlen(eq + 1) > PKG_NVM_VALUE_MAX) {
				fprintf(stderr, "sarafw: --nvm %s: give KEY=VALUE (key 1 to %d characters, value up to %d)\n",
					optarg, PKG_NVM_KEY_MAX, PKG_NVM_VALUE_MAX);
				return EXIT_USAGE;
			}
			memcpy(nvm[s.n_nvm].key, optarg, kl);
			nvm[s.n_nvm].key[kl] = '\0';
			strcpy(nvm[s.n_nvm].value, eq + 1);
			s.n_nvm++;
			break;
		}
		default:
			return c->exit_code;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "sarafw: pkg create takes no argument '%s': every input is an option (see sarafw --help)\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if ((rc = need("--product P (e.g. SARA-R422S)", s.product)) || (rc = need("--key KEY", key)) ||
	    (rc = need("-o OUT", out)))
		return rc;
	if (!to && !profile && !s.n_nvm) {
		fprintf(stderr, "sarafw: pkg create needs --to NEW (firmware), --profile F.mbn or --nvm K=V\n");
		return EXIT_USAGE;
	}
	if (to) {
		if ((rc = need("--to-version V2 (as ATI9 prints it)", s.to_version)))
			return rc;
		if (!full && !from) {
			fprintf(stderr, "sarafw: a delta needs --from OLD and --from-version V1; --full makes a package of the whole image\n");
			return EXIT_USAGE;
		}
	} else if (from || full || s.to_version || (s.flags & PKG_FLAG_BOOT)) {
		fprintf(stderr, "sarafw: --from, --full, --to-version and --boot go with --to NEW (the firmware image)\n");
		return EXIT_USAGE;
	}
	if (full && (from || s.from_version)) {
		fprintf(stderr, "sarafw: --full packages the whole image: leave out --from and --from-version\n");
		return EXIT_USAGE;
	}
	if (from && (rc = need("--from-version V1 (as ATI9 prints it)", s.from_version)))
		return rc;
	if ((s.from_version && !version_ok(s.from_version)) || (s.to_version && !version_ok(s.to_version))) {
		fprintf(stderr, "sarafw: versions are written as ATI9 prints them, MODEM,APP (e.g. L0.0.00.00.05.12,A.02.19 or 00.12,A00.01), up to %d characters\n",
			PKG_VERSION_MAX);
		return EXIT_USAGE;
	}
	if (profile && !have_id) {
		fprintf(stderr, "sarafw: --profile needs --profile-id N, the AT+UMNOPROF id it installs as\n");
		return EXIT_USAGE;
	}
	if (!profile && (have_id || profile_name)) {
		fprintf(stderr, "sarafw: --profile-id and --profile-name go with --profile F.mbn\n");
		return EXIT_USAGE;
	}
	if (profile && !profile_name) {
		/* the file's name without folder and extension */
		const char *b = strrchr(profile, '/') ? strrchr(profile, '/') + 1 : profile;
		size_t n = strcspn(b, ".");
		snprintf(name, sizeof name, "%.*s", (int)n, b);
		profile_name = name;
	}
	s.profile_name = profile_name;

	uint8_t *old = NULL, *img = NULL, *prof = NULL;
	rc = EXIT_FAIL;
	if (from && !(old = slurp("source image", from, DELTA_MAX_IMAGE, &s.source_len)))
		goto done;
	if (to && !(img = slurp("target image", to, DELTA_MAX_IMAGE, &s.target_len)))
		goto done;
	if (profile && !(prof = slurp("profile", profile, PKG_PROFILE_MAX, &s.profile_len)))
		goto done;
	s.source = old, s.target = img, s.profile = prof;
	if (pkg_create(&s, key, out, e, sizeof e)) {
		fprintf(stderr, "sarafw: %s\n", e);
		goto done;
	}
	struct stat st;
	long long size = stat(out, &st) == 0 ? (long long)st.st_size : -1;
	if (c->json) {
		printf("{\"output\":");
		esc_json_string(stdout, out);
		printf(",\"size\":%lld}\n", size);
	} else {
		printf("%s: %lld bytes, %s%s%s%s for %s\n", out, size,
		       to ? (from ? "firmware delta" : "full firmware image") : "", to && (profile || s.n_nvm) ? ", " : "",
		       profile ? "profile" : "", s.n_nvm ? (to || profile ? ", NVM items" : "NVM items") : "", s.product);
	}
	rc = EXIT_OK;
done:
	free(old);
	free(img);
	free(prof);
	return rc;
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void print_json(const char *path, const pkg_info *in, bool demo)
{
	static const char *const kinds[] = { "firmware", "profile", "nvm" };
	printf("{\"file\":");
	esc_json_string(stdout, path);
	printf(",\"size\":%llu,\"format_version\":%u,\"product\":", (unsigned long long)in->size, in->format_version);
	esc_json_string(stdout, in->product);
	printf(",\"kind\":[");
	for (int i = 0, n = 0; i < 3; i++)
		if (in->kind & (1u << i))
			printf("%s\"%s\"", n++ ? "," : "", kinds[i]);
	printf("],\"delta\":%s,\"boot\":%s", in->flags & PKG_FLAG_DELTA ? "true" : "false",
	       in->flags & PKG_FLAG_BOOT ? "true" : "false");
	if (in->kind & PKG_KIND_FIRMWARE) {
		printf(",\"from_version\":");
		esc_json_string(stdout, in->from_version);
		printf(",\"to_version\":");
		esc_json_string(stdout, in->to_version);
		printf(",\"source_size\":%llu,\"source_sha256\":\"", (unsigned long long)in->source_size);
		hex(stdout, in->source_sha256, 32);
		printf("\",\"target_size\":%llu,\"target_sha256\":\"", (unsigned long long)in->target_size);
		hex(stdout, in->target_sha256, 32);
		printf("\",\"firmware_bytes\":%llu", (unsigned long long)in->firmware_len);
	}
	if (in->kind & PKG_KIND_PROFILE) {
		printf(",\"profile\":{\"id\":%u,\"name\":", in->profile_id);
		esc_json_string(stdout, in->profile_name);
		printf(",\"size\":%llu}", (unsigned long long)in->profile_len);
	}
	if (in->kind & PKG_KIND_NVM) {
		printf(",\"nvm\":{");
		for (unsigned i = 0; i < in->n_nvm; i++) {
			printf(i ? "," : "");
			esc_json_string(stdout, in->nvm[i].key);
			printf(":");
			esc_json_string(stdout, in->nvm[i].value);
		}
		printf("}");
	}
	printf(",\"demo_key\":%s}\n", demo ? "true" : "false");
}

static void print_text(const char *path, const pkg_info *in, bool demo)
{
	printf("package      %s (%llu bytes, format %u)\n", path, (unsigned long long)in->size, in->format_version);
	printf("product      %s\n", in->product);
	if (in->kind & PKG_KIND_FIRMWARE) {
		if (in->flags & PKG_FLAG_DELTA) {
			printf("firmware     delta, %llu bytes\n", (unsigned long long)in->firmware_len);
			printf("from         %s (%llu bytes, sha256 ", in->from_version,
			       (unsigned long long)in->source_size);
			hex(stdout, in->source_sha256, 32);
			printf(")\n");
		} else {
			printf("firmware     full image, %llu bytes\n", (unsigned long long)in->firmware_len);
		}
		printf("to           %s (%llu bytes, sha256 ", in->to_version, (unsigned long long)in->target_size);
		hex(stdout, in->target_sha256, 32);
		printf(")\n");
		printf("boot code    %s\n", in->flags & PKG_FLAG_BOOT ? "rewritten: a power cut while it is written bricks the module"
								  : "not touched");
	}
	if (in->kind & PKG_KIND_PROFILE)
		printf("profile      id %u \"%s\", %llu bytes\n", in->profile_id, in->profile_name,
		       (unsigned long long)in->profile_len);
	for (unsigned i = 0; i < in->n_nvm; i++)
		printf("%-12s %s=%s\n", i ? "" : "nvm", in->nvm[i].key, in->nvm[i].value);
	printf("signature    %s\n", demo ? "by the project's DEMO key (tests/keys/demo.key): for tests only"
				      : "not checked: sarafw pkg verify FILE --pub KEY.pub");
}

/* One line for a package that failed: the Table 5 code a module would
 * print, its meaning, the detail and what to do. */
static void explain(const char *path, int code, const pkg_info *in, const char *next)
{
	fprintf(stderr, "sarafw: %s: %s (Table 5 code %d: %s): %s\n", path, in->why[0] ? in->why : "rejected", code,
		pkg_strerror(code), next);
}

static int open_pkg(const char *path, int *fd, blob *b)
{
	*fd = open(path, O_RDONLY);
	if (*fd < 0 || blob_from_fd(b, fd) < 0) {
		fprintf(stderr, "sarafw: cannot read package %s: %s\n", path, strerror(errno));
		if (*fd >= 0)
			close(*fd);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* sarafw pkg bundle: an image bundle (docs/bundle-format.md) from
 * partition images NAME=FILE, the programmer and a version. */
static int bundle(cli *c, int argc, char **argv)
{
	enum { O_PRODUCT = 256, O_VERSION, O_PROGRAMMER, O_KEY };
	static const struct option opts[] = {
		{ .name = "product", .has_arg = required_argument, .val = O_PRODUCT },
		{ .name = "version", .has_arg = required_argument, .val = O_VERSION },
		{ .name = "programmer", .has_arg = required_argument, .val = O_PROGRAMMER },
		{ .name = "key", .has_arg = required_argument, .val = O_KEY },
		{ .name = "output", .has_arg = required_argument, .val = 'o' },
		{ 0 },
	};
	static char names[BUNDLE_PARTS_MAX][BUNDLE_NAME_MAX + 1];
	bundle_spec s = { 0 };
	const char *key = NULL, *out = NULL;
	char e[ERRLEN];
	int opt, rc;

	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case O_PRODUCT: s.product = optarg; break;
		case O_VERSION: s.version = optarg; break;
		case O_PROGRAMMER: s.programmer = optarg; break;
		case O_KEY: key = optarg; break;
		case 'o': out = optarg; break;
		default: return c->exit_code;
		}
	}
	if ((rc = need("--product P (e.g. SARA-R422S)", s.product)) ||
	    (rc = need("--version V (as ATI9 prints it after the flash)", s.version)) ||
	    (rc = need("--programmer FILE (the image the module loads first)", s.programmer)) ||
	    (rc = need("--key KEY", key)) || (rc = need("-o OUT", out)))
		return rc;
	if (optind == argc) {
		fprintf(stderr, "sarafw: pkg bundle needs the partition images as NAME=FILE (sbl=sbl.bin modem=modem.bin ...)\n");
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : 0;
		if (s.n_parts == BUNDLE_PARTS_MAX) {
			fprintf(stderr, "sarafw: at most %d partitions in a bundle\n", BUNDLE_PARTS_MAX);
			return EXIT_USAGE;
		}
		if (!eq || n == 0 || n > BUNDLE_NAME_MAX || !eq[1]) {
			fprintf(stderr, "sarafw: %s: give a partition as NAME=FILE (e.g. modem=modem.bin)\n", argv[i]);
			return EXIT_USAGE;
		}
		memcpy(names[s.n_parts], argv[i], n);
		names[s.n_parts][n] = '\0';
		s.names[s.n_parts] = names[s.n_parts];
		s.paths[s.n_parts++] = eq + 1;
	}
	if (!version_ok(s.version)) {
		fprintf(stderr, "sarafw: versions are written as ATI9 prints them, MODEM,APP (e.g. L0.0.00.00.05.12,A.02.19 or 00.12,A00.01), up to %d characters\n",
			PKG_VERSION_MAX);
		return EXIT_USAGE;
	}
	if (bundle_create(&s, key, out, e, sizeof e)) {
		fprintf(stderr, "sarafw: %s\n", e);
		return EXIT_FAIL;
	}
	struct stat st;
	long long size = stat(out, &st) == 0 ? (long long)st.st_size : -1;
	if (c->json) {
		printf("{\"output\":");
		esc_json_string(stdout, out);
		printf(",\"size\":%lld,\"partitions\":%u}\n", size, s.n_parts);
	} else {
		printf("%s: %lld bytes, %u partition%s and the programmer, %s %s\n", out, size, s.n_parts, s.n_parts == 1 ? "" : "s", s.product,
		       s.version);
	}
	return EXIT_OK;
}

static void hex(FILE *f, const uint8_t *p, size_t n);

static void print_bundle(const char *path, const bundle_info *in, bool json, bool demo)
{
	if (json) {
		printf("{\"file\":");
		esc_json_string(stdout, path);
		printf(",\"type\":\"bundle\",\"size\":%llu,\"format_version\":%u,\"product\":",
		       (unsigned long long)in->size, in->format_version);
		esc_json_string(stdout, in->product);
		printf(",\"version\":");
		esc_json_string(stdout, in->version);
		printf(",\"sector_size\":%u,\"programmer\":{\"size\":%llu,\"sha256\":\"", in->sector_size,
		       (unsigned long long)in->programmer_size);
		hex(stdout, in->programmer_sha256, 32);
		printf("\"},\"partitions\":[");
		for (unsigned i = 0; i < in->n_parts; i++) {
			printf("%s{\"name\":", i ? "," : "");
			esc_json_string(stdout, in->parts[i].name);
			printf(",\"size\":%llu,\"sha256\":\"", (unsigned long long)in->parts[i].size);
			hex(stdout, in->parts[i].sha256, 32);
			printf("\"}");
		}
		printf("],\"demo_key\":%s}\n", demo ? "true" : "false");
		return;
	}
	printf("bundle       %s (%llu bytes, format %u)\n", path, (unsigned long long)in->size, in->format_version);
	printf("product      %s\n", in->product);
	printf("version      %s\n", in->version);
	printf("programmer   %llu bytes, sha256 ", (unsigned long long)in->programmer_size);
	hex(stdout, in->programmer_sha256, 32);
	printf("\n");
	for (unsigned i = 0; i < in->n_parts; i++) {
		printf("%-12s %-8s %10llu bytes, sha256 ", i ? "" : "partitions", in->parts[i].name,
		       (unsigned long long)in->parts[i].size);
		hex(stdout, in->parts[i].sha256, 32);
		printf("\n");
	}
	printf("signature    %s\n", demo ? "by the project's DEMO key (tests/keys/demo.key): for tests only"
				      : "not checked: sarafw flash checks it with --pub KEY.pub");
}

static int inspect(cli *c, int argc, char **argv)
{
	static pkg_info in, demo_in;
	blob b;
	int fd, opt;
	while ((opt = cli_getopt(c, argc, argv, NULL)) != 0)
		return c->exit_code;
	if (optind != argc - 1) {
		fprintf(stderr, "sarafw: usage: sarafw pkg inspect FILE [--json]\n");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	if (open_pkg(path, &fd, &b))
		return EXIT_FAIL;
	static bundle_info bi, demo_bi;
	int brc = bundle_parse(&b, &bi);
	if (brc != BUNDLE_ENOTBUNDLE) {
		bool demo = !brc && bundle_check(&b, pkg_demo_pub, &demo_bi) == BUNDLE_OK;
		close(fd);
		if (brc) {
			fprintf(stderr, "sarafw: %s: %s (%s): make it again with sarafw pkg bundle, or fetch it again\n",
				path, bi.why, bundle_strerror(brc));
			return EXIT_FAIL;
		}
		print_bundle(path, &bi, c->json, demo);
		return EXIT_OK;
	}
	int rc = pkg_parse(&b, &in);
	bool demo = !rc && pkg_check(&b, pkg_demo_pub, &demo_in) == PKG_OK;
	close(fd);
	if (rc) {
		explain(path, rc, &in, "make it again with sarafw pkg create, or fetch it again");
		return EXIT_FAIL;
	}
	if (c->json)
		print_json(path, &in, demo);
	else
		print_text(path, &in, demo);
	return EXIT_OK;
}

static int load_pub(const char *path, uint8_t pub[PKG_PUB_SIZE])
{
	if (pkg_pub_load(path, pub) == PKG_OK)
		return EXIT_OK;
	fprintf(stderr, "sarafw: %s is not an Ed25519 public key in PEM (Table 5 code %d: %s): give the KEY.pub that sarafw pkg keygen wrote\n",
		path, PKG_R_KEY, pkg_strerror(PKG_R_KEY));
	return EXIT_FAIL;
}

static int verify(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ .name = "pub", .has_arg = required_argument, .val = 'k' },
		{ 0 },
	};
	static pkg_info in;
	uint8_t pub[PKG_PUB_SIZE];
	const char *pub_path = NULL;
	blob b;
	int fd, opt;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		if (opt != 'k')
			return c->exit_code;
		pub_path = optarg;
	}
	if (optind != argc - 1 || !pub_path) {
		fprintf(stderr, "sarafw: usage: sarafw pkg verify FILE --pub KEY.pub\n");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	if (load_pub(pub_path, pub) || open_pkg(path, &fd, &b))
		return EXIT_FAIL;
	int rc = pkg_check(&b, pub, &in);
	close(fd);
	if (c->json) {
		printf("{\"file\":");
		esc_json_string(stdout, path);
		printf(",\"ok\":%s,\"code\":%d,\"meaning\":", rc ? "false" : "true", rc ? rc : PKG_R_SUCCESS);
		esc_json_string(stdout, pkg_strerror(rc));
		printf(",\"detail\":");
		esc_json_string(stdout, rc ? in.why : "");
		printf("}\n");
	}
	if (rc) {
		explain(path, rc, &in,
			rc == PKG_R_SIGNATURE ? "check that KEY.pub belongs to the key that signed it, or fetch the package again"
					      : "make it again with sarafw pkg create, or fetch it again");
		return EXIT_FAIL;
	}
	if (!c->json)
		printf("%s: signature good (%s); %s%s%s\n", path, pub_path, in.product,
		       in.kind & PKG_KIND_FIRMWARE ? " firmware " : "", in.kind & PKG_KIND_FIRMWARE ? in.to_version : "");
	return EXIT_OK;
}

static int write_fd(void *ctx, const void *buf, size_t n)
{
	return write(*(int *)ctx, buf, n) == (ssize_t)n ? 0 : -1;
}

/* sarafw pkg apply FILE [--from OLD] -o NEW: what an installer does with
 * the firmware part, on the host (tests, benchmarks, checking a package
 * before sending it). */
static int apply(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ .name = "from", .has_arg = required_argument, .val = 'f' },
		{ .name = "output", .has_arg = required_argument, .val = 'o' },
		{ .name = "pub", .has_arg = required_argument, .val = 'k' },
		{ 0 },
	};
	static pkg_info in;
	uint8_t pub[PKG_PUB_SIZE], hash[32];
	const char *from = NULL, *out = NULL, *pub_path = NULL;
	blob b, src;
	int fd, src_fd = -1, out_fd, opt, rc;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		if (opt == 'f')
			from = optarg;
		else if (opt == 'o')
			out = optarg;
		else if (opt == 'k')
			pub_path = optarg;
		else
			return c->exit_code;
	}
	if (optind != argc - 1 || !out) {
		fprintf(stderr, "sarafw: usage: sarafw pkg apply FILE [--from OLD] -o NEW [--pub KEY.pub]\n");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	if ((pub_path && load_pub(pub_path, pub)) || open_pkg(path, &fd, &b))
		return EXIT_FAIL;
	rc = pub_path ? pkg_check(&b, pub, &in) : pkg_parse(&b, &in);
	if (!rc && !(in.kind & PKG_KIND_FIRMWARE)) {
		fprintf(stderr, "sarafw: %s has no firmware part: nothing to apply\n", path);
		close(fd);
		return EXIT_FAIL;
	}
	if (!rc && (in.flags & PKG_FLAG_DELTA)) {
		if (!from) {
			fprintf(stderr, "sarafw: %s is a delta from %s: give that image with --from OLD\n", path,
				in.from_version);
			close(fd);
			return EXIT_USAGE;
		}
		if ((src_fd = open(from, O_RDONLY)) < 0 || blob_from_fd(&src, &src_fd) < 0) {
			fprintf(stderr, "sarafw: cannot read %s: %s\n", from, strerror(errno));
			close(fd);
			return EXIT_FAIL;
		}
		if (src.size != in.source_size || pkg_sha256(&src, hash) || memcmp(hash, in.source_sha256, 32)) {
			snprintf(in.why, sizeof in.why, "%s is not the image the delta was made from", from);
			rc = PKG_R_SOURCE_MISMATCH;
		}
	}
	if (rc) {
		explain(path, rc, &in, rc == PKG_R_SOURCE_MISMATCH ? "give the image of the version it starts from"
								  : "make it again with sarafw pkg create");
		close(fd);
		if (src_fd >= 0)
			close(src_fd);
		return EXIT_FAIL;
	}
	out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out_fd < 0) {
		fprintf(stderr, "sarafw: cannot write %s: %s\n", out, strerror(errno));
		rc = PKG_R_FLASH_WRITE;
	} else {
		rc = pkg_apply(&b, &in, src_fd >= 0 ? &src : NULL, write_fd, &out_fd);
		if (close(out_fd) != 0 && !rc)
			rc = PKG_R_FLASH_WRITE;
		if (rc)
			unlink(out);
	}
	close(fd);
	if (src_fd >= 0)
		close(src_fd);
	if (rc) {
		snprintf(in.why, sizeof in.why, "applying the firmware part failed");
		explain(path, rc, &in, "make it again with sarafw pkg create");
		return EXIT_FAIL;
	}
	if (c->json) {
		printf("{\"output\":");
		esc_json_string(stdout, out);
		printf(",\"size\":%llu,\"version\":", (unsigned long long)in.target_size);
		esc_json_string(stdout, in.to_version);
		printf("}\n");
	} else {
		printf("%s: %llu bytes, firmware %s (SHA-256 checked)\n", out, (unsigned long long)in.target_size,
		       in.to_version);
	}
	return EXIT_OK;
}

/* sarafw pkg config --product P --from V1 --to V2 --package SHA256 -o OUT:
 * the configuration file of note §2.6.2 (common/ufota_config.h), for a
 * server other than sarafw-server (which makes its own). */
static int config(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ .name = "product", .has_arg = required_argument, .val = 'p' },
		{ .name = "from", .has_arg = required_argument, .val = 'f' },
		{ .name = "to", .has_arg = required_argument, .val = 't' },
		{ .name = "package", .has_arg = required_argument, .val = 's' },
		{ .name = "output", .has_arg = required_argument, .val = 'o' },
		{ 0 },
	};
	const char *v[4] = { NULL }, *out = NULL;
	char buf[UFOTA_CONFIG_SIZE];
	ufota_config cf;
	int opt, fd;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		const char *p = strchr("pfts", opt);
		if (p)
			v[p - "pfts"] = optarg;
		else if (opt == 'o')
			out = optarg;
		else
			return c->exit_code;
	}
	if (optind != argc || !out || !v[0] || !v[1] || !v[2] || !v[3]) {
		fprintf(stderr, "sarafw: usage: sarafw pkg config --product P --from V1 --to V2 --package SHA256 -o OUT\n");
		return EXIT_USAGE;
	}
	memset(&cf, 0, sizeof cf);
	char *f[4] = { cf.product, cf.from, cf.to, cf.package };
	for (int i = 0; i < 4; i++)
		snprintf(f[i], sizeof cf.product, "%s", v[i]);
	if (ufota_config_make(&cf, buf, sizeof buf) < 0) {
		fprintf(stderr, "sarafw: a field is empty, longer than %d characters or not printable, or the package is not a SHA-256 in lower-case hex\n",
			UFOTA_CONFIG_FIELD_MAX);
		return EXIT_USAGE;
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
		fprintf(stderr, "sarafw: cannot write %s: %s\n", out, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_FAIL;
	}
	if (close(fd) != 0) {
		fprintf(stderr, "sarafw: cannot write %s: %s\n", out, strerror(errno));
		return EXIT_FAIL;
	}
	if (!c->json)
		printf("%s: configuration file for %s, %s -> %s (note §2.6.2)\n", out, cf.product, cf.from, cf.to);
	return EXIT_OK;
}

int cmd_pkg(cli *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(cli *c, int argc, char **argv);
	} subs[] = {
		{ .name = "keygen", .run = keygen },   { .name = "create", .run = create },
		{ .name = "inspect", .run = inspect }, { .name = "verify", .run = verify },
		{ .name = "apply", .run = apply },     { .name = "bundle", .run = bundle },
		{ .name = "upload", .run = cli_pkg_upload }, { .name = "config", .run = config },
	};
	if (argc < 2) {
		fprintf(stderr, "sarafw: pkg needs a command: keygen, create, bundle, inspect, verify, apply, upload or config (see sarafw --help)\n");
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0) {
			optind = 0;
			return subs[i].run(c, argc - 1, argv + 1);
		}
	fprintf(stderr, "sarafw: unknown pkg command '%s': keygen, create, bundle, inspect, verify, apply, upload or config\n", argv[1]);
	return EXIT_USAGE;
}
