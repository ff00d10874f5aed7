/* Image bundles: the whole flash of one product at one firmware version,
 * partition by partition, with the programmer the module loads first
 * (Sahara), signed like packages (pkg.h). docs/bundle-format.md gives the
 * byte format. Used by sarafw (pkg bundle, pkg inspect, flash).
 *
 * Reading goes through a blob by offset, in small pieces: memory stays
 * bounded whatever the bundle's size, and a partition is streamed from
 * the file when it is flashed (bundle_part's offset and size). */
#ifndef SARAFW_COMMON_BUNDLE_H
#define SARAFW_COMMON_BUNDLE_H

#include <stdint.h>

#include "delta.h"
#include "pkg.h"

#define BUNDLE_MAGIC "SARAFWBN" /* 8 bytes, no NUL */
#define BUNDLE_FORMAT_VERSION 1
#define BUNDLE_HEADER_SIZE 256
#define BUNDLE_ENTRY_SIZE 64
#define BUNDLE_SECTOR_SIZE 512
#define BUNDLE_PARTS_MAX 16
#define BUNDLE_NAME_MAX 15
#define BUNDLE_PROGRAMMER_MAX (4u << 20)
#define BUNDLE_PART_MAX (256ull << 20)
#define BUNDLE_MAX_SIZE (1ull << 30)
#define BUNDLE_SIG_DOMAIN "SARAFWBN-SIG-v1:" /* 16 bytes, no NUL */
/* the partition a bundle never holds: one module's IMEI and calibration */
#define BUNDLE_DEVDATA "devdata"

enum bundle_error {
	BUNDLE_OK = 0,
	BUNDLE_ENOTBUNDLE = -1, /* no magic: not a bundle at all */
	BUNDLE_EVERSION = -2,   /* a format version this build does not know */
	BUNDLE_ECORRUPT = -3,   /* a header or table field breaks its rule */
	BUNDLE_ESIZE = -4,      /* the file is not the length the header gives */
	BUNDLE_EKEY = -5,       /* no public key, or not a valid one */
	BUNDLE_ESIG = -6,       /* the signature does not match the bytes */
	BUNDLE_EHASH = -7,      /* an image is not the one its SHA-256 names */
	BUNDLE_EIO = -8,        /* reading failed */
};

typedef struct bundle_part {
	char name[BUNDLE_NAME_MAX + 1];
	uint64_t offset, size; /* in the bundle */
	uint8_t sha256[32];
} bundle_part;

typedef struct bundle_info {
	uint16_t format_version;
	uint32_t sector_size;
	uint64_t size; /* the whole bundle, signature included */
	char product[PKG_PRODUCT_MAX + 1];
	char version[PKG_VERSION_MAX + 1]; /* as ATI9 prints it after the flash */
	uint64_t programmer_offset, programmer_size;
	uint8_t programmer_sha256[32];
	unsigned n_parts;
	bundle_part parts[BUNDLE_PARTS_MAX];
	char why[96]; /* on failure: what exactly was wrong, for people */
} bundle_info;

/* The header and partition table, without reading the images: for
 * `sarafw pkg inspect`. BUNDLE_OK, ENOTBUNDLE, EVERSION, ECORRUPT, ESIZE
 * or EIO; on failure info->why says what was wrong. */
int bundle_parse(const blob *b, bundle_info *info);

/* bundle_parse, then the signature against pub (PKG_PUB_SIZE raw Ed25519
 * bytes; NULL: no key) and every image's SHA-256, in one pass over the
 * file in small pieces. Adds BUNDLE_EKEY, ESIG and EHASH to
 * bundle_parse's results. */
int bundle_check(const blob *b, const uint8_t *pub, bundle_info *info);

/* The partition called name, or NULL. */
const bundle_part *bundle_find(const bundle_info *info, const char *name);

/* One line for people: "the signature does not match", ... */
const char *bundle_strerror(int code);

/* Whether name is a valid partition name: 1 to 15 of a-z, 0-9, '_'. */
bool bundle_name_ok(const char *name);

/* What to put in a bundle (sarafw pkg bundle): files on disk, read twice
 * in pieces (hashes, then copying), never whole. */
typedef struct bundle_spec {
	const char *product;
	const char *version;    /* MODEM,APP as ATI9 prints it */
	const char *programmer; /* path */
	unsigned n_parts;
	const char *names[BUNDLE_PARTS_MAX];
	const char *paths[BUNDLE_PARTS_MAX];
} bundle_spec;

/* Build, sign with the private key at key_path and write the bundle to
 * out_path (a temporary file beside it, fsync, rename). Returns 0, or -1
 * with errbuf set (one line). */
int bundle_create(const bundle_spec *spec, const char *key_path, const char *out_path, char *errbuf,
		  size_t errlen);

#endif
