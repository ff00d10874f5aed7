/* common/pkg.c: packages made with pkg_create and the demo key, checked
 * and applied (delta, full image, profile, NVM items, all together); the
 * demo key in C matches tests/keys/demo.key.pub; and tables of bad
 * packages (truncated at every section boundary, flipped bytes in the
 * header, payload and signature, the wrong key, no key, bad magic and
 * version, oversize lengths, malformed but well signed), each with the
 * note's Table 5 code it must give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "pkg.h"

static char dir[64];
static uint8_t old_img[30000], new_img[31000];

static void fill_code(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (i % 4 == 3) ? 0x08 : (uint8_t)((seed >> 16) & 0x3f);
	}
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_pkg.XXXXXX");
	assert_non_null(mkdtemp(dir));
	fill_code(old_img, sizeof old_img, 1);
	/* v2: 1000 new bytes at 5000, everything after shifts, one edit */
	memcpy(new_img, old_img, 5000);
	fill_code(new_img + 5000, 1000, 2);
	memcpy(new_img + 6000, old_img + 5000, sizeof old_img - 5000);
	new_img[20000] ^= 0xff;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static const char *path(const char *name)
{
	static char p[4][128];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static uint8_t *slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	rewind(f);
	uint8_t *b = malloc(*n + 1);
	assert_int_equal(fread(b, 1, *n, f), *n);
	fclose(f);
	return b;
}

static const pkg_nvm_item nvm[] = {
	{ .key = "band_mask", .value = "0x80800" },
	{ .key = "psm", .value = "on" },
};

static void spec_all(pkg_spec *s)
{
	static uint8_t profile[700];
	memset(profile, 0xab, sizeof profile);
	*s = (pkg_spec){
		.product = "SARA-R422S", .flags = PKG_FLAG_BOOT,
		.source = old_img, .source_len = sizeof old_img, .from_version = "00.12,A00.00",
		.target = new_img, .target_len = sizeof new_img, .to_version = "00.12,A00.01",
		.profile = profile, .profile_len = sizeof profile, .profile_id = 205, .profile_name = "Custom",
		.n_nvm = 2, .nvm = nvm,
	};
}

/* A package made with the demo key, in RAM. */
static uint8_t *make(const pkg_spec *s, size_t *n)
{
	char e[256] = "";
	if (pkg_create(s, SARAFW_KEYS "/demo.key", path("p.pkg"), e, sizeof e) != 0)
		fail_msg("pkg_create: %s", e);
	return slurp(path("p.pkg"), n);
}

static int check(const uint8_t *p, size_t n, const uint8_t *pub, pkg_info *in)
{
	blob b;
	blob_mem m;
	blob_from_mem(&b, &m, p, n);
	return pkg_check(&b, pub, in);
}

typedef struct out {
	uint8_t buf[40000];
	size_t len;
	bool fail;
} out;

static int out_write(void *ctx, const void *buf, size_t n)
{
	out *o = ctx;
	if (o->fail || o->len + n > sizeof o->buf)
		return -1;
	memcpy(o->buf + o->len, buf, n);
	o->len += n;
	return 0;
}

static int apply(const uint8_t *p, size_t n, const pkg_info *in, const uint8_t *src, size_t sn, out *o)
{
	blob b, s;
	blob_mem m, sm;
	blob_from_mem(&b, &m, p, n);
	blob_from_mem(&s, &sm, src, sn);
	o->len = 0;
	return pkg_apply(&b, in, src ? &s : NULL, out_write, o);
}

/* Sign p again with the demo key, as a careless or hostile producer
 * would: the signature is good, whatever the bytes say. */
static void resign(uint8_t *p, size_t n)
{
	uint8_t h[32], msg[48];
	size_t sl = PKG_SIG_SIZE;
	FILE *f = fopen(SARAFW_KEYS "/demo.key", "r");
	assert_non_null(f);
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	EVP_Digest(p, n - PKG_SIG_SIZE, h, NULL, EVP_sha256(), NULL);
	memcpy(msg, PKG_SIG_DOMAIN, 16);
	memcpy(msg + 16, h, 32);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestSignInit(m, NULL, NULL, NULL, k), 1);
	assert_int_equal(EVP_DigestSign(m, p + n - PKG_SIG_SIZE, &sl, msg, sizeof msg), 1);
	EVP_MD_CTX_free(m);
	EVP_PKEY_free(k);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- good packages ---- */

static void demo_key_matches_its_file(void **state)
{
	(void)state;
	uint8_t pub[PKG_PUB_SIZE];
	assert_int_equal(pkg_pub_load(SARAFW_KEYS "/demo.key.pub", pub), PKG_OK);
	assert_memory_equal(pub, pkg_demo_pub, PKG_PUB_SIZE);
	size_t n;
	char *pem = (char *)slurp(SARAFW_KEYS "/demo.key.pub", &n);
	assert_int_equal(pkg_pub_parse(pem, n, pub), PKG_OK);
	assert_memory_equal(pub, pkg_demo_pub, PKG_PUB_SIZE);
	assert_int_equal(pkg_pub_parse(pem, n / 2, pub), PKG_R_KEY);
	free(pem);
	/* a private key is no public key file */
	assert_int_equal(pkg_pub_load(SARAFW_KEYS "/demo.key", pub), PKG_R_KEY);
	assert_int_equal(pkg_pub_load(path("missing.pub"), pub), PKG_R_KEY);
}

static void delta_round_trip_with_every_part(void **state)
{
	(void)state;
	pkg_spec s;
	pkg_info in;
	static out o;
	size_t n;
	spec_all(&s);
	uint8_t *p = make(&s, &n);
	assert_int_equal(check(p, n, pkg_demo_pub, &in), PKG_OK);
	assert_string_equal(in.product, "SARA-R422S");
	assert_int_equal(in.kind, PKG_KIND_FIRMWARE | PKG_KIND_PROFILE | PKG_KIND_NVM);
	assert_int_equal(in.flags, PKG_FLAG_DELTA | PKG_FLAG_BOOT);
	assert_string_equal(in.from_version, "00.12,A00.00");
	assert_string_equal(in.to_version, "00.12,A00.01");
	assert_int_equal(in.source_size, sizeof old_img);
	assert_int_equal(in.target_size, sizeof new_img);
	assert_int_equal(in.size, n);
	assert_int_equal(in.profile_id, 205);
	assert_string_equal(in.profile_name, "Custom");
	assert_int_equal(in.profile_len, 700);
	assert_int_equal(p[in.profile_offset], 0xab);
	assert_int_equal(p[in.profile_offset + 699], 0xab);
	assert_int_equal(in.n_nvm, 2);
	assert_string_equal(in.nvm[0].key, "band_mask");
	assert_string_equal(in.nvm[0].value, "0x80800");
	assert_string_equal(in.nvm[1].key, "psm");
	/* the delta is much smaller than the image */
	assert_true(in.firmware_len < 3000);
	assert_int_equal(apply(p, n, &in, old_img, sizeof old_img, &o), PKG_OK);
	assert_int_equal(o.len, sizeof new_img);
	assert_memory_equal(o.buf, new_img, sizeof new_img);
	/* the source hash lets an installer refuse the wrong image (168) */
	uint8_t h[32];
	blob b;
	blob_mem m;
	blob_from_mem(&b, &m, old_img, sizeof old_img);
	assert_int_equal(pkg_sha256(&b, h), 0);
	assert_memory_equal(h, in.source_sha256, 32);
	/* the wrong source: the result's hash is wrong */
	static uint8_t other[sizeof old_img];
	memcpy(other, old_img, sizeof other);
	other[10] ^= 1;
	assert_int_equal(apply(p, n, &in, other, sizeof other, &o), PKG_R_CORRUPT);
	/* a source shorter than the delta reads */
	assert_int_equal(apply(p, n, &in, old_img, 100, &o), PKG_R_SOURCE_MISMATCH);
	/* the writer fails: flash writing failure */
	o.fail = true;
	assert_int_equal(apply(p, n, &in, old_img, sizeof old_img, &o), PKG_R_FLASH_WRITE);
	o.fail = false;
	/* pkg_parse: the same without the key */
	pkg_info in2;
	blob_from_mem(&b, &m, p, n);
	assert_int_equal(pkg_parse(&b, &in2), PKG_OK);
	assert_int_equal(in2.firmware_offset, in.firmware_offset);
	free(p);
}

static void full_profile_and_nvm_alone(void **state)
{
	(void)state;
	pkg_spec s, all;
	pkg_info in;
	static out o;
	size_t n;
	uint8_t *p;
	spec_all(&all);

	s = (pkg_spec){ .product = "SARA-R410M-02B-03", .target = new_img, .target_len = sizeof new_img,
			.to_version = "L0.0.00.00.05.12,A.02.19" };
	p = make(&s, &n);
	assert_int_equal(check(p, n, pkg_demo_pub, &in), PKG_OK);
	assert_int_equal(in.kind, PKG_KIND_FIRMWARE);
	assert_int_equal(in.flags, 0);
	assert_string_equal(in.from_version, "");
	assert_int_equal(apply(p, n, &in, NULL, 0, &o), PKG_OK);
	assert_memory_equal(o.buf, new_img, sizeof new_img);
	free(p);

	s = (pkg_spec){ .product = "SARA-R422", .profile = all.profile, .profile_len = 5, .profile_id = 0,
			.profile_name = "" };
	p = make(&s, &n);
	assert_int_equal(check(p, n, pkg_demo_pub, &in), PKG_OK);
	assert_int_equal(in.kind, PKG_KIND_PROFILE);
	assert_int_equal(in.profile_len, 5);
	assert_int_equal(apply(p, n, &in, NULL, 0, &o), PKG_OK);
	assert_int_equal(o.len, 0);
	free(p);

	s = (pkg_spec){ .product = "SARA-R422", .n_nvm = 1, .nvm = nvm };
	p = make(&s, &n);
	assert_int_equal(check(p, n, pkg_demo_pub, &in), PKG_OK);
	assert_int_equal(in.kind, PKG_KIND_NVM);
	assert_int_equal(in.n_nvm, 1);
	free(p);
}

static void create_refuses_bad_specs(void **state)
{
	(void)state;
	static const pkg_nvm_item twice[] = { { .key = "a", .value = "1" }, { .key = "a", .value = "2" } };
	static const pkg_nvm_item eq[] = { { .key = "a=b", .value = "1" } };
	pkg_spec good;
	spec_all(&good);
	struct {
		const char *name;
		pkg_spec s;
	} cases[] = {
		{ .name = "no product", .s = good },
		{ .name = "long product", .s = good },
		{ .name = "nothing in it", .s = { .product = "SARA-R422" } },
		{ .name = "no target version", .s = good },
		{ .name = "version with a newline", .s = good },
		{ .name = "boot without firmware", .s = { .product = "X", .flags = PKG_FLAG_BOOT, .n_nvm = 1, .nvm = nvm } },
		{ .name = "NVM key twice", .s = { .product = "X", .n_nvm = 2, .nvm = twice } },
		{ .name = "NVM key with =", .s = { .product = "X", .n_nvm = 1, .nvm = eq } },
		{ .name = "profile id 256", .s = good },
	};
	cases[0].s.product = "";
	cases[1].s.product = "SARA-R422S-AND-A-VERY-LONG-NAME-INDEED";
	cases[3].s.to_version = NULL;
	cases[4].s.to_version = "00.12\n,A00.01";
	cases[8].s.profile_id = 256;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char e[256] = "";
		unlink(path("bad.pkg"));
		if (pkg_create(&cases[i].s, SARAFW_KEYS "/demo.key", path("bad.pkg"), e, sizeof e) == 0)
			fail_msg("%s: created", cases[i].name);
		assert_true(e[0] != '\0');
		assert_int_not_equal(access(path("bad.pkg"), F_OK), 0);
	}
	char e[256] = "";
	assert_int_not_equal(pkg_create(&good, path("missing.key"), path("bad.pkg"), e, sizeof e), 0);
	assert_non_null(strstr(e, "keygen"));
	/* the public key is not a private key */
	assert_int_not_equal(pkg_create(&good, SARAFW_KEYS "/demo.key.pub", path("bad.pkg"), e, sizeof e), 0);
}

static void keygen_and_the_wrong_key(void **state)
{
	(void)state;
	char e[256] = "";
	uint8_t pub[PKG_PUB_SIZE];
	pkg_spec s;
	pkg_info in;
	size_t n;
	assert_int_equal(pkg_keygen(path("k"), path("k.pub"), e, sizeof e), 0);
	/* never replaces a key */
	assert_int_not_equal(pkg_keygen(path("k"), path("k2.pub"), e, sizeof e), 0);
	assert_non_null(strstr(e, "exists"));
	assert_int_equal(pkg_pub_load(path("k.pub"), pub), PKG_OK);
	assert_memory_not_equal(pub, pkg_demo_pub, PKG_PUB_SIZE);
	spec_all(&s);
	uint8_t *p = make(&s, &n);
	assert_int_equal(check(p, n, pub, &in), PKG_R_SIGNATURE);
	assert_int_equal(check(p, n, NULL, &in), PKG_R_KEY);
	assert_true(in.why[0] != '\0');
	/* any 32 bytes load as a key; garbage fails the signature */
	uint8_t junk[PKG_PUB_SIZE];
	memset(junk, 0xff, sizeof junk);
	assert_int_equal(check(p, n, junk, &in), PKG_R_SIGNATURE);
	/* signed with the new key, it passes with it only */
	assert_int_equal(pkg_create(&s, path("k"), path("k.pkg"), e, sizeof e), 0);
	free(p);
	p = slurp(path("k.pkg"), &n);
	assert_int_equal(check(p, n, pub, &in), PKG_OK);
	assert_int_equal(check(p, n, pkg_demo_pub, &in), PKG_R_SIGNATURE);
	free(p);
}

/* ---- bad packages ---- */

static void truncated_at_every_boundary(void **state)
{
	(void)state;
	pkg_spec s;
	pkg_info in;
	size_t n;
	spec_all(&s);
	uint8_t *p = make(&s, &n);
	assert_int_equal(check(p, n, pkg_demo_pub, &in), PKG_OK);
	uint64_t fw_sec = in.firmware_offset - PKG_SECTION_HEADER_SIZE;
	uint64_t prof_sec = in.profile_offset - 36 - PKG_SECTION_HEADER_SIZE;
	uint64_t nvm_sec = in.profile_offset + in.profile_len;
	const struct {
		const char *name;
		uint64_t len;
		int want;
	} cases[] = {
		{ "empty", 0, PKG_R_CORRUPT },
		{ "inside the magic", 5, PKG_R_CORRUPT },
		{ "after the magic", 8, PKG_R_CORRUPT },
		{ "inside the header", 100, PKG_R_CORRUPT },
		{ "a byte short of the header", PKG_HEADER_SIZE - 1, PKG_R_CORRUPT },
		{ "after the header", PKG_HEADER_SIZE, PKG_R_SIZE },
		{ "inside the firmware section header", fw_sec + 8, PKG_R_SIZE },
		{ "after the firmware section header", in.firmware_offset, PKG_R_SIZE },
		{ "inside the delta", in.firmware_offset + 100, PKG_R_SIZE },
		{ "after the firmware section", prof_sec, PKG_R_SIZE },
		{ "after the profile's section header", prof_sec + PKG_SECTION_HEADER_SIZE, PKG_R_SIZE },
		{ "after the profile section", nvm_sec, PKG_R_SIZE },
		{ "after the NVM section", n - PKG_SIG_SIZE, PKG_R_SIZE },
		{ "inside the signature", n - 1, PKG_R_SIZE },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = check(p, (size_t)cases[i].len, pkg_demo_pub, &in);
		if (rc != cases[i].want)
			fail_msg("truncated %s (%llu bytes): got %d (%s), want %d", cases[i].name,
				 (unsigned long long)cases[i].len, rc, in.why, cases[i].want);
	}
	/* and at every length */
	for (size_t k = 0; k < n; k++)
		assert_int_equal(check(p, k, pkg_demo_pub, &in), k < PKG_HEADER_SIZE ? PKG_R_CORRUPT : PKG_R_SIZE);
	/* a byte too many */
	uint8_t *q = malloc(n + 1);
	memcpy(q, p, n);
	q[n] = 0;
	assert_int_equal(check(q, n + 1, pkg_demo_pub, &in), PKG_R_SIZE);
	free(q);
	free(p);
}

static void flipped_bytes(void **state)
{
	(void)state;
	pkg_spec s;
	pkg_info in;
	size_t n;
	spec_all(&s);
	uint8_t *p = make(&s, &n);
	assert_int_equal(check(p, n, pkg_demo_pub, &in), PKG_OK);
	const struct {
		const char *name;
		uint64_t at;
		int want;
	} cases[] = {
		{ "magic", 0, PKG_R_CORRUPT },
		{ "magic's last byte", 7, PKG_R_CORRUPT },
		{ "format version", 8, PKG_R_VERSION },
		{ "format version's high byte", 9, PKG_R_VERSION },
		{ "header length", 10, PKG_R_CORRUPT },
		{ "kind", 12, PKG_R_CORRUPT },
		{ "flags: delta bit (a source without it)", 16, PKG_R_CORRUPT },
		{ "section count", 20, PKG_R_CORRUPT },
		{ "package length", 24, PKG_R_SIZE },
		{ "package length's top byte", 31, PKG_R_SIZE },
		{ "source size", 33, PKG_R_SIGNATURE },
		{ "source hash", 60, PKG_R_SIGNATURE },
		{ "target hash", 100, PKG_R_SIGNATURE },
		{ "product", 115, PKG_R_SIGNATURE },
		{ "from version", 150, PKG_R_SIGNATURE },
		{ "to version", 195, PKG_R_SIGNATURE },
		{ "reserved", 250, PKG_R_CORRUPT },
		{ "firmware section type", in.firmware_offset - 16, PKG_R_SIGNATURE },
		{ "firmware section length", in.firmware_offset - 8, PKG_R_SIGNATURE },
		{ "delta header", in.firmware_offset + 3, PKG_R_SIGNATURE },
		{ "delta payload", in.firmware_offset + in.firmware_len - 5, PKG_R_SIGNATURE },
		{ "profile id", in.profile_offset - 36, PKG_R_SIGNATURE },
		{ "profile bytes", in.profile_offset + 300, PKG_R_SIGNATURE },
		{ "NVM item", n - PKG_SIG_SIZE - 3, PKG_R_SIGNATURE },
		{ "signature's first byte", n - PKG_SIG_SIZE, PKG_R_SIGNATURE },
		{ "signature's last byte", n - 1, PKG_R_SIGNATURE },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		p[cases[i].at] ^= 0x01;
		int rc = check(p, n, pkg_demo_pub, &in);
		p[cases[i].at] ^= 0x01;
		if (rc != cases[i].want)
			fail_msg("flipped %s (byte %llu): got %d (%s), want %d", cases[i].name,
				 (unsigned long long)cases[i].at, rc, in.why, cases[i].want);
	}
	/* any flipped byte at all: never accepted */
	for (size_t k = 0; k < n; k++) {
		p[k] ^= 0x80;
		assert_int_not_equal(check(p, n, pkg_demo_pub, &in), PKG_OK);
		p[k] ^= 0x80;
	}
	free(p);
}

/* Malformed packages that carry a good signature: the producer is wrong,
 * not the transfer; pkg_check still refuses them. */
static void well_signed_but_malformed(void **state)
{
	(void)state;
	pkg_spec s;
	pkg_info in, good;
	static out o;
	size_t n;
	spec_all(&s);
	uint8_t *p = make(&s, &n);
	assert_int_equal(check(p, n, pkg_demo_pub, &good), PKG_OK);
	uint64_t fw = good.firmware_offset, prof = good.profile_offset - 36;
	uint64_t nvm_body = good.profile_offset + good.profile_len + PKG_SECTION_HEADER_SIZE;
	const struct {
		const char *name;
		uint64_t at;
		uint8_t value;
		int want;
	} cases[] = {
		{ "firmware section as type 2", fw - 16, 2, PKG_R_CORRUPT },
		{ "section type 9", fw - 16, 9, PKG_R_CORRUPT },
		{ "section reserved bytes", fw - 12, 1, PKG_R_CORRUPT },
		{ "firmware section one byte longer", fw - 8, (uint8_t)(good.firmware_len + 1), PKG_R_CORRUPT },
		{ "firmware section length 2^63", fw - 1, 0x80, PKG_R_CORRUPT },
		{ "delta magic", fw, 'X', PKG_R_CORRUPT },
		{ "delta codec 7", fw + 9, 7, PKG_R_VERSION },
		{ "delta target size", fw + 24, 1, PKG_R_CORRUPT },
		{ "profile id 461", prof + 1, 1, PKG_R_CORRUPT },
		{ "profile name without NUL padding", prof + 4 + 31, 'x', PKG_R_CORRUPT },
		{ "NVM count 0", nvm_body, 0, PKG_R_CORRUPT },
		{ "NVM count 33", nvm_body, 33, PKG_R_CORRUPT },
		{ "NVM key length 0", nvm_body + 4, 0, PKG_R_CORRUPT },
		{ "NVM key length 200", nvm_body + 4, 200, PKG_R_CORRUPT },
		{ "NVM key with a control byte", nvm_body + 5, 1, PKG_R_CORRUPT },
		{ "NVM key with =", nvm_body + 5, '=', PKG_R_CORRUPT },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint8_t saved = p[cases[i].at];
		p[cases[i].at] = cases[i].value;
		resign(p, n);
		int rc = check(p, n, pkg_demo_pub, &in);
		p[cases[i].at] = saved;
		if (rc != cases[i].want)
			fail_msg("%s: got %d (%s), want %d", cases[i].name, rc, in.why, cases[i].want);
	}
	/* the same NVM key twice */
	static const pkg_nvm_item ab[] = { { .key = "a", .value = "1" }, { .key = "b", .value = "2" } };
	pkg_spec s2 = { .product = "SARA-R422", .n_nvm = 2, .nvm = ab };
	size_t n2;
	uint8_t *p2 = make(&s2, &n2);
	/* count (4), 1 "a" (1 + 1), 1 "1" (2 + 1), 1 "b" */
	size_t b_at = PKG_HEADER_SIZE + PKG_SECTION_HEADER_SIZE + 4 + 2 + 3 + 1;
	assert_int_equal(p2[b_at], 'b');
	p2[b_at] = 'a';
	resign(p2, n2);
	assert_int_equal(check(p2, n2, pkg_demo_pub, &in), PKG_R_CORRUPT);
	assert_non_null(strstr(in.why, "twice"));
	free(p2);

	/* format version 2, well signed: unsupported, before anything else */
	p[8] = 2;
	resign(p, n);
	assert_int_equal(check(p, n, pkg_demo_pub, &in), PKG_R_VERSION);
	p[8] = 1;

	/* the target hash in the header is wrong: checks, but never applies */
	p[80] ^= 1;
	resign(p, n);
	assert_int_equal(check(p, n, pkg_demo_pub, &in), PKG_OK);
	assert_int_equal(apply(p, n, &in, old_img, sizeof old_img, &o), PKG_R_CORRUPT);
	p[80] ^= 1;

	/* the header's length agrees with a file with bytes before the
	 * signature: structure refuses it */
	uint8_t *q = malloc(n + 1);
	memcpy(q, p, n - PKG_SIG_SIZE);
	q[n - PKG_SIG_SIZE] = 0;
	put64(q + 24, n + 1);
	resign(q, n + 1);
	assert_int_equal(check(q, n + 1, pkg_demo_pub, &in), PKG_R_CORRUPT);
	free(q);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(demo_key_matches_its_file),
		cmocka_unit_test(delta_round_trip_with_every_part),
		cmocka_unit_test(full_profile_and_nvm_alone),
		cmocka_unit_test(create_refuses_bad_specs),
		cmocka_unit_test(keygen_and_the_wrong_key),
		cmocka_unit_test(truncated_at_every_boundary),
		cmocka_unit_test(flipped_bytes),
		cmocka_unit_test(well_signed_but_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
