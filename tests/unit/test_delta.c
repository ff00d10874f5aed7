/* common/delta.c: round trips on image pairs (edits, an insertion that
 * shifts everything, deletions, relocated code, empty and identical
 * images), an applier that reads the old image only inside it and writes
 * the new one in order, and a table of bad deltas with the error each
 * must give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lzma.h>

#include "delta.h"

/* ---- helpers ---- */

static uint32_t rng = 12345;
static uint8_t rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return (uint8_t)(rng >> 16);
}

static void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = rnd();
}

/* Code-like bytes: instructions from a small alphabet with 32-bit
 * addresses in them, as a firmware image has. */
static void fill_code(uint8_t *p, size_t n, uint32_t base)
{
	static const uint8_t ops[][2] = { { 0x00, 0xbf }, { 0x70, 0x47 }, { 0x10, 0xb5 }, { 0x2d, 0xe9 } };
	for (size_t i = 0; i < n;) {
		if (i % 64 == 60 && i + 4 <= n) {
			uint32_t a = base + (uint32_t)i * 3;
			memcpy(p + i, &a, 4);
			i += 4;
			continue;
		}
		const uint8_t *op = ops[rnd() & 3];
		p[i++] = op[0];
		if (i < n)
			p[i++] = op[1];
	}
}

typedef struct out {
	uint8_t *p;
	size_t len, cap;
	int fail_after; /* writes before the writer fails; -1 never */
	int writes;
} out;

static int out_write(void *ctx, const void *buf, size_t n)
{
	out *o = ctx;
	if (o->fail_after >= 0 && o->writes >= o->fail_after)
		return -1;
	o->writes++;
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2;
		o->p = realloc(o->p, o->cap);
		assert_non_null(o->p);
	}
	memcpy(o->p + o->len, buf, n);
	o->len += n;
	return 0;
}

/* The old image, read only inside its bounds (a read outside fails the
 * test), optionally failing. */
typedef struct strict {
	const uint8_t *p;
	size_t n;
	bool fail;
} strict;

static long strict_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	strict *s = ctx;
	if (s->fail)
		return -1;
	assert_true(off + n <= s->n);
	memcpy(buf, s->p + off, n);
	return (long)n;
}

static int apply_mem(const uint8_t *d, size_t dn, const uint8_t *old, size_t on, out *o)
{
	blob db, ob;
	blob_mem dm;
	strict s = { .p = old, .n = on };
	blob_from_mem(&db, &dm, d, dn);
	ob = (blob){ .read = strict_read, .ctx = &s, .size = on };
	memset(o, 0, sizeof *o);
	o->fail_after = -1;
	return delta_apply(&db, &ob, out_write, o);
}

static void round_trip(const char *name, const uint8_t *old, size_t on, const uint8_t *nw, size_t nn,
		       size_t max_delta)
{
	uint8_t *d;
	size_t dn;
	out o;
	uint64_t len;
	blob db;
	blob_mem dm;
	assert_int_equal(delta_create(old, on, nw, nn, &d, &dn), DELTA_OK);
	blob_from_mem(&db, &dm, d, dn);
	assert_int_equal(delta_info(&db, &len), DELTA_OK);
	assert_int_equal(len, nn);
	int rc = apply_mem(d, dn, old, on, &o);
	if (rc != DELTA_OK || o.len != nn || (nn && memcmp(o.p, nw, nn) != 0))
		fail_msg("%s: apply gave %d, %zu bytes of %zu", name, rc, o.len, nn);
	if (dn > max_delta)
		fail_msg("%s: delta %zu bytes, expected at most %zu", name, dn, max_delta);
	free(o.p);
	free(d);
}

/* ---- round trips ---- */

static void edits(void **state)
{
	(void)state;
	size_t n = 40000;
	uint8_t *a = malloc(n), *b = malloc(n);
	fill_code(a, n, 0x08000000);
	memcpy(b, a, n);
	for (int i = 0; i < 20; i++)
		b[rnd() * 150u % n] ^= 0x5a;
	round_trip("edits", a, n, b, n, 600);
	free(a), free(b);
}

static void insertion_shifts_everything(void **state)
{
	(void)state;
	size_t n = 50000, ins = 1500;
	uint8_t *a = malloc(n), *b = malloc(n + ins);
	fill_code(a, n, 0x08000000);
	fill_random(b, ins);
	memcpy(b + ins, a, n);
	round_trip("insertion at the start", a, n, b, n + ins, ins + 300);
	/* and in the middle */
	memcpy(b, a, n / 2);
	fill_random(b + n / 2, ins);
	memcpy(b + n / 2 + ins, a + n / 2, n - n / 2);
	round_trip("insertion in the middle", a, n, b, n + ins, ins + 300);
	free(a), free(b);
}

static void deletion(void **state)
{
	(void)state;
	size_t n = 30000;
	uint8_t *a = malloc(n), *b = malloc(n);
	fill_code(a, n, 0x1000);
	memcpy(b, a, 10000);
	memcpy(b + 10000, a + 14000, n - 14000);
	round_trip("deletion", a, n, b, n - 4000, 300);
	free(a), free(b);
}

static void relocated_code(void **state)
{
	(void)state;
	/* the same code linked 0x400 higher: every address differs, the diff
	 * stream is small repeated differences */
	size_t n = 60000;
	uint8_t *a = malloc(n), *b = malloc(n);
	uint32_t seed = rng;
	fill_code(a, n, 0x08000000);
	rng = seed;
	fill_code(b, n, 0x08000400);
	round_trip("relocated", a, n, b, n, 2500);
	free(a), free(b);
}

static void empty_and_identical(void **state)
{
	(void)state;
	uint8_t img[5000];
	fill_random(img, sizeof img);
	round_trip("both empty", NULL, 0, NULL, 0, DELTA_HEADER_SIZE);
	round_trip("from empty (a full image)", NULL, 0, img, sizeof img, sizeof img + 200);
	round_trip("to empty", img, sizeof img, NULL, 0, DELTA_HEADER_SIZE + 40);
	round_trip("identical", img, sizeof img, img, sizeof img, 150);
	round_trip("one byte", img, 1, img + 1, 1, 150);
	round_trip("one byte to itself", img, 1, img, 1, 150);
	uint8_t zeros[70000] = { 0 }, z2[70000] = { 0 };
	z2[35000] = 1;
	round_trip("zeros with one change", zeros, sizeof zeros, z2, sizeof z2, 200);
}

static void larger_than_chunks_and_window(void **state)
{
	(void)state;
	/* more than the 512 KiB dictionary and many 4 KiB chunks */
	size_t n = 1200000;
	uint8_t *a = malloc(n), *b = malloc(n + 100);
	fill_code(a, n, 0);
	memcpy(b, a, 600000);
	memcpy(b + 600000, "a new string in the middle of the image, shifting the rest by a little", 70);
	memcpy(b + 600070, a + 600000, n - 600000);
	memset(b + n + 70, 0xff, 30);
	round_trip("1.2 MB", a, n, b, n + 100, 2000);
	free(a), free(b);
}

static void long_runs_of_one_byte(void **state)
{
	(void)state;
	/* erased flash: bsdiff's search lands on the shortest suffixes of a
	 * run and takes 28 s on this pair; with whole matches, well under a
	 * second (make check would show a regression as a slow test) */
	size_t n = 2000000;
	uint8_t *a = calloc(n, 1), *b = calloc(n + 1, 1);
	b[n / 2] = 'x';
	round_trip("2 MB of zeros, one byte inserted", a, n, b, n + 1, 200);
	memset(a, 0xff, n);
	fill_code(a, 100000, 0x08000000);
	memset(b, 0xff, n + 1);
	memcpy(b, a, 50000);
	memcpy(b + 50001, a + 50000, 50000);
	round_trip("code and 0xff padding, shifted by one", a, n, b, n + 1, 300);
	free(a), free(b);
}

static void writer_failure_and_read_failure(void **state)
{
	(void)state;
	uint8_t a[20000], b[20000], *d;
	size_t dn;
	out o = { .fail_after = 2 };
	blob db, ob;
	blob_mem dm;
	fill_code(a, sizeof a, 0);
	memcpy(b, a, sizeof b);
	b[100] ^= 1;
	assert_int_equal(delta_create(a, sizeof a, b, sizeof b, &d, &dn), DELTA_OK);
	blob_from_mem(&db, &dm, d, dn);
	strict s = { .p = a, .n = sizeof a };
	ob = (blob){ .read = strict_read, .ctx = &s, .size = sizeof a };
	assert_int_equal(delta_apply(&db, &ob, out_write, &o), DELTA_EWRITE);
	free(o.p);
	memset(&o, 0, sizeof o);
	o.fail_after = -1;
	s.fail = true;
	assert_int_equal(delta_apply(&db, &ob, out_write, &o), DELTA_EREAD);
	free(o.p);
	/* an old image shorter than the delta was made for */
	s.fail = false;
	ob.size = sizeof a - 1;
	assert_int_equal(delta_apply(&db, &ob, out_write, &o), DELTA_ESOURCE);
	free(d);
}

/* ---- bad deltas ---- */

#define D512 (512u << 10) /* the format's dictionary */

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Raw LZMA2 as delta.c writes it, with the dictionary size given. */
static size_t zc(uint8_t *dst, size_t cap, const void *src, size_t n, uint32_t dict)
{
	lzma_options_lzma opt;
	size_t pos = 0;
	if (n == 0)
		return 0;
	lzma_lzma_preset(&opt, 6);
	opt.dict_size = dict;
	lzma_filter f[] = { { .id = LZMA_FILTER_LZMA2, .options = &opt }, { .id = LZMA_VLI_UNKNOWN } };
	assert_int_equal(lzma_raw_buffer_encode(f, NULL, src, n, dst, &pos, cap), LZMA_OK);
	return pos;
}

/* A delta from streams as they are before compression (the diff stream
 * already as run pairs), old_len/new_len as given. */
static size_t craft(uint8_t *d, size_t cap, uint64_t old_len, uint64_t new_len, const void *ctrl, size_t cn,
		    const void *diff, size_t dn, const void *extra, size_t en, uint32_t dict)
{
	size_t at = DELTA_HEADER_SIZE, l[3];
	memset(d, 0, DELTA_HEADER_SIZE);
	memcpy(d, DELTA_MAGIC, 8);
	d[8] = 1, d[9] = 1;
	put64(d + 16, old_len);
	put64(d + 24, new_len);
	const void *s[3] = { ctrl, diff, extra };
	size_t n[3] = { cn, dn, en };
	for (int i = 0; i < 3; i++) {
		l[i] = zc(d + at, cap - at, s[i], n[i], dict);
		put64(d + 32 + 8 * i, l[i]);
		at += l[i];
	}
	return at;
}

static void bad_deltas(void **state)
{
	(void)state;
	static uint8_t d[1 << 16], big[1 << 21];
	static const uint8_t old[64] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	/* diff streams as (zeros, literals) run pairs: 8 bytes, the third 0x10 */
	static const uint8_t diff8[] = { 2, 1, 0x10, 5, 0 };
	uint8_t abc[3] = { 'a', 'b', 'c' };
	out o;
	size_t n;

	/* the good one the others vary: add 8 from old, copy 3 new bytes */
	static const uint8_t good_ctrl[] = { 8, 3, 0 };
	n = craft(d, sizeof d, 64, 11, good_ctrl, 3, diff8, sizeof diff8, abc, 3, D512);
	assert_int_equal(apply_mem(d, n, old, 64, &o), DELTA_OK);
	assert_int_equal(o.len, 11);
	assert_memory_equal(o.p, "\1\2\x13\4\5\6\7\x08" "abc", 11);
	free(o.p);

	static const struct {
		const char *name;
		uint8_t ctrl[24];
		size_t cn;
		uint64_t old_len, new_len;
		int want;
	} cases[] = {
		{ .name = "add past the old image", .ctrl = { 8, 3, 0 }, .cn = 3, .old_len = 4, .new_len = 11,
		  .want = DELTA_ECORRUPT },
		{ .name = "more bytes than the new size", .ctrl = { 8, 3, 0 }, .cn = 3, .old_len = 64, .new_len = 10,
		  .want = DELTA_ECORRUPT },
		{ .name = "fewer bytes than the new size", .ctrl = { 8, 3, 0 }, .cn = 3, .old_len = 64, .new_len = 12,
		  .want = DELTA_ECORRUPT },
		{ .name = "records after the last byte", .ctrl = { 8, 3, 0, 0, 0, 0 }, .cn = 6, .old_len = 64,
		  .new_len = 11, .want = DELTA_ECORRUPT },
		{ .name = "a triple that makes nothing after the first", .ctrl = { 4, 0, 0, 0, 0, 2, 4, 3, 0 },
		  .cn = 9, .old_len = 64, .new_len = 11, .want = DELTA_ECORRUPT },
		{ .name = "seek before the old image", .ctrl = { 4, 0, 9, 4, 3, 0 }, .cn = 6, .old_len = 64,
		  .new_len = 11, .want = DELTA_ECORRUPT },
		{ .name = "seek past the old image", .ctrl = { 4, 0, 0x80, 0x01, 4, 3, 0 }, .cn = 7, .old_len = 64,
		  .new_len = 11, .want = DELTA_ECORRUPT },
		{ .name = "varint over 64 bits", .ctrl = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f },
		  .cn = 10, .old_len = 64, .new_len = 11, .want = DELTA_ECORRUPT },
		{ .name = "varint cut short", .ctrl = { 8, 3, 0x80 }, .cn = 3, .old_len = 64, .new_len = 11,
		  .want = DELTA_ECORRUPT },
		{ .name = "new size above the limit", .ctrl = { 8, 3, 0 }, .cn = 3, .old_len = 64,
		  .new_len = DELTA_MAX_IMAGE + 1ull, .want = DELTA_ECORRUPT },
		{ .name = "first triple only seeks", .ctrl = { 0, 0, 8, 8, 3, 0 }, .cn = 6, .old_len = 64,
		  .new_len = 11, .want = DELTA_OK },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = craft(d, sizeof d, cases[i].old_len, cases[i].new_len, cases[i].ctrl, cases[i].cn, diff8,
			  sizeof diff8, abc, 3, D512);
		int rc = apply_mem(d, n, old, 64, &o);
		free(o.p);
		if (rc != cases[i].want)
			fail_msg("%s: got %d (%s), want %d", cases[i].name, rc, delta_strerror(rc), cases[i].want);
	}

	/* diff streams: bytes left over, too few, malformed run pairs */
	static const struct {
		const char *name;
		uint8_t diff[16];
		size_t n;
		int want;
	} diffs[] = {
		{ .name = "one zero too many", .diff = { 9, 0 }, .n = 2, .want = DELTA_ECORRUPT },
		{ .name = "a literal too many", .diff = { 8, 1, 7 }, .n = 3, .want = DELTA_ECORRUPT },
		{ .name = "a pair after the last byte", .diff = { 8, 0, 1, 0 }, .n = 4, .want = DELTA_ECORRUPT },
		{ .name = "one byte short", .diff = { 7, 0 }, .n = 2, .want = DELTA_ECORRUPT },
		{ .name = "literal run cut short", .diff = { 6, 2, 9 }, .n = 3, .want = DELTA_ECORRUPT },
		{ .name = "an empty pair", .diff = { 0, 0, 8, 0 }, .n = 4, .want = DELTA_ECORRUPT },
		{ .name = "a run over the image limit", .diff = { 0x80, 0x80, 0x80, 0x80, 0x01, 0 }, .n = 6,
		  .want = DELTA_ECORRUPT },
		{ .name = "pair split across triples is fine", .diff = { 3, 2, 1, 1, 3, 0 }, .n = 6, .want = DELTA_OK },
		{ .name = "literal zero bytes are fine", .diff = { 0, 8, 0, 0, 0, 0, 0, 0, 0, 0 }, .n = 10,
		  .want = DELTA_OK },
	};
	static const uint8_t two_triples[] = { 4, 0, 0, 4, 3, 0 };
	for (size_t i = 0; i < sizeof diffs / sizeof diffs[0]; i++) {
		n = craft(d, sizeof d, 64, 11, two_triples, sizeof two_triples, diffs[i].diff, diffs[i].n, abc, 3, D512);
		int rc = apply_mem(d, n, old, 64, &o);
		free(o.p);
		if (rc != diffs[i].want)
			fail_msg("diff %s: got %d, want %d", diffs[i].name, rc, diffs[i].want);
	}
	n = craft(d, sizeof d, 64, 11, good_ctrl, 3, diff8, sizeof diff8, "abcd", 4, D512);
	assert_int_equal(apply_mem(d, n, old, 64, &o), DELTA_ECORRUPT);
	free(o.p);

	/* header fields */
	n = craft(d, sizeof d, 64, 11, good_ctrl, 3, diff8, sizeof diff8, abc, 3, D512);
	static const struct {
		const char *name;
		size_t at;
		uint8_t value;
		int want;
	} fields[] = {
		{ .name = "magic", .at = 0, .value = 'X', .want = DELTA_ECORRUPT },
		{ .name = "version", .at = 8, .value = 2, .want = DELTA_EVERSION },
		{ .name = "codec", .at = 9, .value = 2, .want = DELTA_EVERSION },
		{ .name = "reserved", .at = 12, .value = 1, .want = DELTA_ECORRUPT },
		{ .name = "control length", .at = 32, .value = 0xff, .want = DELTA_ECORRUPT },
		{ .name = "extra length's top byte", .at = 55, .value = 0x80, .want = DELTA_ECORRUPT },
		{ .name = "old size above the limit", .at = 20, .value = 0x10, .want = DELTA_ECORRUPT },
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		uint8_t saved = d[fields[i].at];
		d[fields[i].at] = fields[i].value;
		int rc = apply_mem(d, n, old, 64, &o);
		free(o.p);
		d[fields[i].at] = saved;
		if (rc != fields[i].want)
			fail_msg("header %s: got %d, want %d", fields[i].name, rc, fields[i].want);
	}
	/* every truncation fails, and so does a byte too many */
	for (size_t k = 0; k < n; k++) {
		assert_int_not_equal(apply_mem(d, k, old, 64, &o), DELTA_OK);
		free(o.p);
	}
	d[n] = 0;
	assert_int_equal(apply_mem(d, n + 1, old, 64, &o), DELTA_ECORRUPT);
	free(o.p);

	/* a match further back than the format's 512 KiB dictionary (another
	 * tool's larger dictionary) is refused as damage */
	static uint8_t ext[1 << 20];
	fill_random(ext, 600000);
	memcpy(ext + 600000, ext, sizeof ext - 600000);
	static const uint8_t ctrl_big[] = { 0, 0x80, 0x80, 0x40, 0 };
	n = craft(big, sizeof big, 0, sizeof ext, ctrl_big, sizeof ctrl_big, NULL, 0, ext, sizeof ext, 2u << 20);
	assert_true(n < 700000); /* the encoder did reach back */
	assert_int_equal(apply_mem(big, n, old, 0, &o), DELTA_ECORRUPT);
	free(o.p);
	n = craft(big, sizeof big, 0, sizeof ext, ctrl_big, sizeof ctrl_big, NULL, 0, ext, sizeof ext, D512);
	assert_int_equal(apply_mem(big, n, old, 0, &o), DELTA_OK);
	assert_int_equal(o.len, sizeof ext);
	assert_memory_equal(o.p, ext, sizeof ext);
	free(o.p);
}

static void flipped_bytes_never_crash(void **state)
{
	(void)state;
	uint8_t a[3000], b[3200], *d;
	size_t dn;
	out o;
	fill_code(a, sizeof a, 0);
	memcpy(b, a, 1000);
	fill_random(b + 1000, 200);
	memcpy(b + 1200, a + 1000, 2000);
	assert_int_equal(delta_create(a, sizeof a, b, sizeof b, &d, &dn), DELTA_OK);
	for (size_t i = 0; i < dn; i++)
		for (int bit = 0; bit < 8; bit += 3) {
			d[i] ^= (uint8_t)(1 << bit);
			int rc = apply_mem(d, dn, a, sizeof a, &o);
			/* LZMA2 carries no checksum: a flip may give other
			 * bytes (the package's SHA-256 catches it), never more
			 * or fewer than the header says */
			if (rc == DELTA_OK)
				assert_int_equal(o.len, i >= 24 && i < 32 ? o.len : sizeof b);
			free(o.p);
			d[i] ^= (uint8_t)(1 << bit);
		}
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edits),
		cmocka_unit_test(insertion_shifts_everything),
		cmocka_unit_test(deletion),
		cmocka_unit_test(relocated_code),
		cmocka_unit_test(empty_and_identical),
		cmocka_unit_test(larger_than_chunks_and_window),
		cmocka_unit_test(long_runs_of_one_byte),
		cmocka_unit_test(writer_failure_and_read_failure),
		cmocka_unit_test(bad_deltas),
		cmocka_unit_test(flipped_bytes_never_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
