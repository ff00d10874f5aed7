/* common/bundle.c: bundles made with bundle_create and the demo key,
 * parsed and checked; a table of bad bundles (each header and table field
 * broken, truncations at every boundary, flipped bytes in every region,
 * the wrong key, no key, well signed but lying), each with the error it
 * must give; and the specs bundle_create refuses. */
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

#include "bundle.h"

#define KEY SARAFW_KEYS "/demo.key"

static char dir[64];

static const char *path(const char *name)
{
	static char p[64][128];
	static int k;
	k = (k + 1) % 64;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static void write_file(const char *name, size_t n, uint32_t seed)
{
	FILE *f = fopen(path(name), "wb");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		fputc((int)(seed >> 16) & 0xff, f);
	}
	assert_int_equal(fclose(f), 0);
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

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_bundle.XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_file("prog.elf", 700, 1);
	write_file("sbl.bin", 1000, 2);     /* not a whole sector */
	write_file("modem.bin", 70000, 3);  /* more than one read piece */
	write_file("efs.bin", 512, 4);      /* exactly one sector */
	write_file("empty.bin", 0, 5);
	bundle_spec s = {
		.product = "SARA-R422S",
		.version = "00.13,A00.02",
		.programmer = path("prog.elf"),
		.n_parts = 3,
		.names = { "sbl", "modem", "efs" },
		.paths = { path("sbl.bin"), path("modem.bin"), path("efs.bin") },
	};
	char e[256];
	int rc = bundle_create(&s, KEY, path("good.sfb"), e, sizeof e);
	if (rc)
		fprintf(stderr, "%s\n", e);
	assert_int_equal(rc, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static int check_mem(const uint8_t *p, size_t n, const uint8_t *pub, bundle_info *in)
{
	blob b;
	blob_mem m;
	blob_from_mem(&b, &m, p, n);
	return bundle_check(&b, pub, in);
}

static int parse_mem(const uint8_t *p, size_t n, bundle_info *in)
{
	blob b;
	blob_mem m;
	blob_from_mem(&b, &m, p, n);
	return bundle_parse(&b, in);
}

/* Sign again with the demo key: a well-signed bundle whatever it says. */
static void resign(uint8_t *p, size_t n)
{
	uint8_t h[32];
	char e[256];
	EVP_Digest(p, n - PKG_SIG_SIZE, h, NULL, EVP_sha256(), NULL);
	assert_int_equal(pkg_sign_digest(KEY, BUNDLE_SIG_DOMAIN, h, p + n - PKG_SIG_SIZE, e, sizeof e), 0);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void round_trip(void **state)
{
	(void)state;
	static bundle_info in;
	size_t n, pn, mn;
	uint8_t *b = slurp(path("good.sfb"), &n);
	uint8_t *prog = slurp(path("prog.elf"), &pn), *modem = slurp(path("modem.bin"), &mn);
	assert_int_equal(check_mem(b, n, pkg_demo_pub, &in), BUNDLE_OK);
	assert_string_equal(in.product, "SARA-R422S");
	assert_string_equal(in.version, "00.13,A00.02");
	assert_int_equal(in.sector_size, 512);
	assert_int_equal(in.size, n);
	assert_int_equal(n, 256 + 3 * 64 + 700 + 1000 + 70000 + 512 + 64);
	assert_int_equal(in.programmer_size, pn);
	assert_memory_equal(b + in.programmer_offset, prog, pn);
	assert_int_equal(in.n_parts, 3);
	assert_string_equal(in.parts[0].name, "sbl");
	assert_string_equal(in.parts[2].name, "efs");
	const bundle_part *m = bundle_find(&in, "modem");
	assert_non_null(m);
	assert_null(bundle_find(&in, "apps"));
	assert_int_equal(m->size, mn);
	assert_memory_equal(b + m->offset, modem, mn);
	uint8_t h[32];
	EVP_Digest(modem, mn, h, NULL, EVP_sha256(), NULL);
	assert_memory_equal(m->sha256, h, 32);
	/* parse alone needs no key */
	assert_int_equal(parse_mem(b, n, &in), BUNDLE_OK);
	free(b);
	free(prog);
	free(modem);
}

static void keys(void **state)
{
	(void)state;
	static bundle_info in;
	size_t n;
	uint8_t *b = slurp(path("good.sfb"), &n), other[PKG_PUB_SIZE];
	assert_int_equal(check_mem(b, n, NULL, &in), BUNDLE_EKEY);
	memcpy(other, pkg_demo_pub, sizeof other);
	other[5] ^= 1; /* another key (or none that loads) */
	int rc = check_mem(b, n, other, &in);
	assert_true(rc == BUNDLE_ESIG || rc == BUNDLE_EKEY);
	/* a package's signature never passes for a bundle's: same key,
	 * other prefix */
	uint8_t h[32];
	char e[256];
	EVP_Digest(b, n - PKG_SIG_SIZE, h, NULL, EVP_sha256(), NULL);
	assert_int_equal(pkg_sign_digest(KEY, PKG_SIG_DOMAIN, h, b + n - PKG_SIG_SIZE, e, sizeof e), 0);
	assert_int_equal(check_mem(b, n, pkg_demo_pub, &in), BUNDLE_ESIG);
	free(b);
}

static void truncated_everywhere(void **state)
{
	(void)state;
	static bundle_info in;
	size_t n;
	uint8_t *b = slurp(path("good.sfb"), &n);
	const size_t cuts[] = { 0, 1, 7, 8, 9, 10, 255, 256, 300, 256 + 64, 256 + 192, 256 + 192 + 700, n - 65, n - 64, n - 1 };
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		int rc = check_mem(b, cuts[i], pkg_demo_pub, &in);
		int want = cuts[i] < 8 ? BUNDLE_ENOTBUNDLE : cuts[i] < 256 ? BUNDLE_ECORRUPT
			 : cuts[i] < 256 + 192 ? BUNDLE_ECORRUPT : BUNDLE_ESIZE;
		if (rc != want)
			fail_msg("cut at %zu: %d (%s), want %d", cuts[i], rc, in.why, want);
		assert_true(in.why[0] != '\0');
	}
	/* one byte more */
	uint8_t *l = malloc(n + 1);
	memcpy(l, b, n);
	l[n] = 0;
	assert_int_equal(check_mem(l, n + 1, pkg_demo_pub, &in), BUNDLE_ESIZE);
	free(l);
	free(b);
}

/* A flipped byte anywhere is a signature mismatch (the header's fields
 * break their rules first where a rule covers them). */
static void flipped_bytes(void **state)
{
	(void)state;
	static bundle_info in;
	size_t n;
	uint8_t *b = slurp(path("good.sfb"), &n);
	const struct {
		size_t at;
		int want;
	} t[] = {
		{ 0, BUNDLE_ENOTBUNDLE },
		{ 8, BUNDLE_EVERSION },
		{ 12, BUNDLE_ECORRUPT },      /* sector size */
		{ 16, BUNDLE_ECORRUPT },      /* length: table no longer adds up */
		{ 33, BUNDLE_ESIG },          /* programmer hash */
		{ 64, BUNDLE_ESIG },          /* product 'S' -> 'R': still text */
		{ 200, BUNDLE_ECORRUPT },     /* reserved */
		{ 256 + 64 + 40, BUNDLE_ESIG }, /* a partition's hash */
		{ 256 + 192 + 10, BUNDLE_ESIG }, /* programmer */
		{ 256 + 192 + 700 + 999, BUNDLE_ESIG }, /* last byte of sbl */
		{ n - 600, BUNDLE_ESIG },     /* efs */
		{ n - 1, BUNDLE_ESIG },       /* signature */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		b[t[i].at] ^= 1;
		int rc = check_mem(b, n, pkg_demo_pub, &in);
		b[t[i].at] ^= 1;
		if (rc != t[i].want)
			fail_msg("flip at %zu: %d (%s), want %d", t[i].at, rc, in.why, t[i].want);
	}
	assert_int_equal(check_mem(b, n, pkg_demo_pub, &in), BUNDLE_OK);
	free(b);
}

typedef void (*mutate_fn)(uint8_t *b, size_t n);

static void m_version2(uint8_t *b, size_t n) { (void)n; put16(b + 8, 2); }
static void m_header_len(uint8_t *b, size_t n) { (void)n; put16(b + 10, 255); }
static void m_sector(uint8_t *b, size_t n) { (void)n; put16(b + 12, 4096); }
static void m_count0(uint8_t *b, size_t n) { (void)n; put16(b + 14, 0); }
static void m_count17(uint8_t *b, size_t n) { (void)n; put16(b + 14, 17); }
static void m_count2(uint8_t *b, size_t n) { (void)n; put16(b + 14, 2); }
static void m_prog0(uint8_t *b, size_t n) { (void)n; put64(b + 24, 0); }
static void m_prog_big(uint8_t *b, size_t n) { (void)n; put64(b + 24, 5u << 20); }
static void m_product_empty(uint8_t *b, size_t n) { (void)n; memset(b + 64, 0, 32); }
static void m_product_ctrl(uint8_t *b, size_t n) { (void)n; b[65] = 0x07; }
static void m_product_full(uint8_t *b, size_t n) { (void)n; memset(b + 64, 'A', 32); }
static void m_product_gap(uint8_t *b, size_t n) { (void)n; b[64 + 20] = 'X'; }
static void m_version_nocomma(uint8_t *b, size_t n) { (void)n; b[96 + 5] = '.'; }
static void m_version_two_commas(uint8_t *b, size_t n) { (void)n; b[96 + 2] = ','; }
static void m_reserved(uint8_t *b, size_t n) { (void)n; b[255] = 1; }
static void m_name_upper(uint8_t *b, size_t n) { (void)n; b[256] = 'S'; }
static void m_name_empty(uint8_t *b, size_t n) { (void)n; memset(b + 256, 0, 16); }
static void m_name_full(uint8_t *b, size_t n) { (void)n; memset(b + 256, 'a', 16); }
static void m_name_twice(uint8_t *b, size_t n) { (void)n; memcpy(b + 256 + 64, "sbl\0\0", 5); }
static void m_name_devdata(uint8_t *b, size_t n) { (void)n; memcpy(b + 256, "devdata", 8); }
static void m_part_len0(uint8_t *b, size_t n) { (void)n; put64(b + 256 + 16, 0); }
static void m_part_len_huge(uint8_t *b, size_t n) { (void)n; put64(b + 256 + 16, 1ull << 40); }
static void m_part_reserved(uint8_t *b, size_t n) { (void)n; b[256 + 24] = 1; }
/* moves 10 bytes from sbl to modem: sizes add up, hashes do not */
static void m_part_shift(uint8_t *b, size_t n)
{
	(void)n;
	put64(b + 256 + 16, 990);
	put64(b + 256 + 64 + 16, 70010);
}
static void m_part_data(uint8_t *b, size_t n) { b[n - 100] ^= 0x55; }
static void m_prog_data(uint8_t *b, size_t n) { (void)n; b[256 + 192] ^= 0x55; }
static void m_length_and_size(uint8_t *b, size_t n) { put64(b + 16, n + 1); }

static void well_signed_but_malformed(void **state)
{
	(void)state;
	static bundle_info in;
	static const struct {
		const char *what;
		mutate_fn fn;
		int want;
	} t[] = {
		{ "format version 2", m_version2, BUNDLE_EVERSION },
		{ "header length", m_header_len, BUNDLE_ECORRUPT },
		{ "sector size", m_sector, BUNDLE_ECORRUPT },
		{ "no partitions", m_count0, BUNDLE_ECORRUPT },
		{ "17 partitions", m_count17, BUNDLE_ECORRUPT },
		{ "count one short", m_count2, BUNDLE_ECORRUPT },
		{ "empty programmer", m_prog0, BUNDLE_ECORRUPT },
		{ "programmer over 4 MiB", m_prog_big, BUNDLE_ECORRUPT },
		{ "empty product", m_product_empty, BUNDLE_ECORRUPT },
		{ "control byte in product", m_product_ctrl, BUNDLE_ECORRUPT },
		{ "product without NUL", m_product_full, BUNDLE_ECORRUPT },
		{ "text after the NUL", m_product_gap, BUNDLE_ECORRUPT },
		{ "version without comma", m_version_nocomma, BUNDLE_ECORRUPT },
		{ "version with two commas", m_version_two_commas, BUNDLE_ECORRUPT },
		{ "reserved header byte", m_reserved, BUNDLE_ECORRUPT },
		{ "upper case name", m_name_upper, BUNDLE_ECORRUPT },
		{ "empty name", m_name_empty, BUNDLE_ECORRUPT },
		{ "name without NUL", m_name_full, BUNDLE_ECORRUPT },
		{ "name twice", m_name_twice, BUNDLE_ECORRUPT },
		{ "devdata in a bundle", m_name_devdata, BUNDLE_ECORRUPT },
		{ "empty partition", m_part_len0, BUNDLE_ECORRUPT },
		{ "partition of 1 TiB", m_part_len_huge, BUNDLE_ECORRUPT },
		{ "reserved entry byte", m_part_reserved, BUNDLE_ECORRUPT },
		{ "lengths shifted", m_part_shift, BUNDLE_EHASH },
		{ "image changed", m_part_data, BUNDLE_EHASH },
		{ "programmer changed", m_prog_data, BUNDLE_EHASH },
		{ "length says one more", m_length_and_size, BUNDLE_ECORRUPT },
	};
	size_t n;
	uint8_t *good = slurp(path("good.sfb"), &n), *b = malloc(n);
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		memcpy(b, good, n);
		t[i].fn(b, n);
		resign(b, n);
		int rc = check_mem(b, n, pkg_demo_pub, &in);
		if (rc != t[i].want)
			fail_msg("%s: %d (%s), want %d", t[i].what, rc, in.why, t[i].want);
		assert_true(in.why[0] != '\0');
		assert_non_null(bundle_strerror(rc));
		if (rc == BUNDLE_EHASH && t[i].fn == m_part_data)
			assert_non_null(strstr(in.why, "efs"));
	}
	free(b);
	free(good);
}

static void create_refuses_bad_specs(void **state)
{
	(void)state;
	char e[256];
	const struct {
		const char *what;
		bundle_spec s;
		const char *key, *msg;
	} t[] = {
		{ "no product", { .version = "1,2", .programmer = path("prog.elf"), .n_parts = 1, .names = { "sbl" }, .paths = { path("sbl.bin") } }, KEY, "product" },
		{ "bad version", { .product = "SARA-R410M", .version = "L0.0", .programmer = path("prog.elf"), .n_parts = 1, .names = { "sbl" }, .paths = { path("sbl.bin") } }, KEY, "ATI9" },
		{ "no programmer", { .product = "SARA-R410M", .version = "a,b", .n_parts = 1, .names = { "sbl" }, .paths = { path("sbl.bin") } }, KEY, "programmer" },
		{ "no partitions", { .product = "SARA-R410M", .version = "a,b", .programmer = path("prog.elf") }, KEY, "1 to 16" },
		{ "devdata", { .product = "SARA-R410M", .version = "a,b", .programmer = path("prog.elf"), .n_parts = 1, .names = { "devdata" }, .paths = { path("sbl.bin") } }, KEY, "IMEI" },
		{ "bad name", { .product = "SARA-R410M", .version = "a,b", .programmer = path("prog.elf"), .n_parts = 1, .names = { "Modem" }, .paths = { path("sbl.bin") } }, KEY, "names" },
		{ "twice", { .product = "SARA-R410M", .version = "a,b", .programmer = path("prog.elf"), .n_parts = 2, .names = { "sbl", "sbl" }, .paths = { path("sbl.bin"), path("sbl.bin") } }, KEY, "twice" },
		{ "empty image", { .product = "SARA-R410M", .version = "a,b", .programmer = path("prog.elf"), .n_parts = 1, .names = { "sbl" }, .paths = { path("empty.bin") } }, KEY, "1 byte" },
		{ "missing image", { .product = "SARA-R410M", .version = "a,b", .programmer = path("prog.elf"), .n_parts = 1, .names = { "sbl" }, .paths = { path("nope.bin") } }, KEY, "cannot read" },
		{ "no key", { .product = "SARA-R410M", .version = "a,b", .programmer = path("prog.elf"), .n_parts = 1, .names = { "sbl" }, .paths = { path("sbl.bin") } }, "/nonexistent/key", "key" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		e[0] = '\0';
		assert_int_equal(bundle_create(&t[i].s, t[i].key, path("bad.sfb"), e, sizeof e), -1);
		if (!strstr(e, t[i].msg))
			fail_msg("%s: \"%s\" does not mention \"%s\"", t[i].what, e, t[i].msg);
		assert_int_equal(access(path("bad.sfb"), F_OK), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(keys),
		cmocka_unit_test(truncated_everywhere),
		cmocka_unit_test(flipped_bytes),
		cmocka_unit_test(well_signed_but_malformed),
		cmocka_unit_test(create_refuses_bad_specs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
