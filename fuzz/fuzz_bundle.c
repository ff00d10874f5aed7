/* Fuzz target: the bundle parser and checker (common/bundle.c) fed
 * arbitrary bytes, as a damaged or hostile image file could hold. Every
 * result must be one bundle.h documents; what the parser fills must be
 * bounded, printable and inside the file, and a check never passes what
 * the parser refused. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static bool text_ok(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) && pkg_text_ok(s, cap - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bundle_info in, checked;
	blob b;
	blob_mem m;

	blob_from_mem(&b, &m, data, size);
	int rc = bundle_parse(&b, &in);
	CHECK(rc == BUNDLE_OK || rc == BUNDLE_ENOTBUNDLE || rc == BUNDLE_EVERSION || rc == BUNDLE_ECORRUPT ||
	      rc == BUNDLE_ESIZE);
	CHECK(memchr(in.why, '\0', sizeof in.why));
	CHECK(rc != BUNDLE_OK || in.why[0] == '\0');
	int crc = bundle_check(&b, pkg_demo_pub, &checked);
	CHECK(crc == rc || (rc == BUNDLE_OK && (crc == BUNDLE_ESIG || crc == BUNDLE_EHASH || crc == BUNDLE_OK)));
	CHECK(bundle_check(&b, NULL, &checked) == (rc ? rc : BUNDLE_EKEY));
	if (rc != BUNDLE_OK)
		return 0;
	CHECK(text_ok(in.product, sizeof in.product) && in.product[0]);
	CHECK(text_ok(in.version, sizeof in.version) && strchr(in.version, ','));
	CHECK(in.size == size && in.sector_size == BUNDLE_SECTOR_SIZE);
	CHECK(in.n_parts >= 1 && in.n_parts <= BUNDLE_PARTS_MAX);
	CHECK(in.programmer_size > 0 && in.programmer_offset + in.programmer_size <= size - PKG_SIG_SIZE);
	uint64_t end = in.programmer_offset + in.programmer_size;
	for (unsigned i = 0; i < in.n_parts; i++) {
		CHECK(bundle_name_ok(in.parts[i].name) && strcmp(in.parts[i].name, BUNDLE_DEVDATA) != 0);
		CHECK(in.parts[i].offset == end && in.parts[i].size > 0);
		end += in.parts[i].size;
		CHECK(bundle_find(&in, in.parts[i].name) == &in.parts[i]);
	}
	CHECK(end == size - PKG_SIG_SIZE);
	return 0;
}
