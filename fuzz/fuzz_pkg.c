/* Fuzz target: the package parser and checker (common/pkg.c) fed
 * arbitrary bytes, as a damaged or hostile FOTA file could hold, then,
 * when the structure holds, the installer's apply step on a fixed source
 * image. Every result must be a code pkg.h documents; what the parser
 * fills must be bounded, printable and inside the package. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkg.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static uint8_t source[8192];

typedef struct sink {
	uint64_t n, max;
} sink;

static int sink_write(void *ctx, const void *buf, size_t n)
{
	sink *s = ctx;
	(void)buf;
	s->n += n;
	CHECK(s->n <= s->max); /* never more than the header promised */
	return 0;
}

static bool text_ok(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) && pkg_text_ok(s, cap - 1);
}

static void check_info(const pkg_info *in, size_t size)
{
	CHECK(text_ok(in->product, sizeof in->product) && in->product[0]);
	CHECK(text_ok(in->from_version, sizeof in->from_version));
	CHECK(text_ok(in->to_version, sizeof in->to_version));
	CHECK(in->size == size);
	CHECK(in->n_nvm <= PKG_NVM_MAX);
	for (unsigned i = 0; i < in->n_nvm; i++)
		CHECK(text_ok(in->nvm[i].key, sizeof in->nvm[i].key) && text_ok(in->nvm[i].value, sizeof in->nvm[i].value));
	if (in->kind & PKG_KIND_FIRMWARE)
		CHECK(in->firmware_offset >= PKG_HEADER_SIZE && in->firmware_len <= size &&
		      in->firmware_offset + in->firmware_len <= size - PKG_SIG_SIZE);
	if (in->kind & PKG_KIND_PROFILE)
		CHECK(in->profile_len > 0 && in->profile_offset + in->profile_len <= size - PKG_SIG_SIZE &&
		      text_ok(in->profile_name, sizeof in->profile_name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pkg_info in, checked;
	blob b, src;
	blob_mem m, sm;

	if (!source[1])
		for (size_t i = 0; i < sizeof source; i++)
			source[i] = (uint8_t)(i * 7 + (i >> 8));
	blob_from_mem(&b, &m, data, size);
	int rc = pkg_parse(&b, &in);
	CHECK(rc == PKG_OK || rc == PKG_R_CORRUPT || rc == PKG_R_VERSION || rc == PKG_R_SIZE);
	CHECK(memchr(in.why, '\0', sizeof in.why));
	CHECK(rc != PKG_OK || in.why[0] == '\0');
	int crc = pkg_check(&b, pkg_demo_pub, &checked);
	CHECK(crc == PKG_OK || crc == PKG_R_CORRUPT || crc == PKG_R_VERSION || crc == PKG_R_SIZE ||
	      crc == PKG_R_SIGNATURE);
	CHECK(crc != PKG_OK || rc == PKG_OK); /* a signature never excuses structure */
	int nk = pkg_check(&b, NULL, &checked); /* no key: 227 once the header holds */
	CHECK(nk == PKG_R_KEY || (rc != PKG_OK && nk == rc));
	if (rc != PKG_OK)
		return 0;
	check_info(&in, size);
	/* apply as an installer would, on a source of the size it asks for
	 * when that is small */
	if (in.target_size > (1u << 20) || in.source_size > sizeof source)
		return 0;
	blob_from_mem(&src, &sm, source, (size_t)in.source_size);
	sink s = { .max = in.target_size };
	int arc = pkg_apply(&b, &in, &src, sink_write, &s);
	CHECK(arc == PKG_OK || arc == PKG_R_CORRUPT || arc == PKG_R_VERSION || arc == PKG_R_SOURCE_MISMATCH ||
	      arc == PKG_R_GENERIC);
	CHECK(arc != PKG_OK || !(in.kind & PKG_KIND_FIRMWARE) || s.n == in.target_size);
	return 0;
}
