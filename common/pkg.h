/* Signed update packages: what the note calls a FOTA package (§2.4): a
 * firmware update (a delta or a full image), a carrier profile, NVM
 * items, or several of these, with a header that says what it changes and
 * an Ed25519 signature over all of it. docs/package-format.md gives the
 * byte format. Used by sarafw (pkg create/inspect/verify) and by the
 * simulator's installer; never by lib/ (OpenSSL, liblzma, libdivsufsort).
 *
 * Checking and applying read the package by offset through a blob
 * (delta.h) and never hold it whole: memory stays bounded whatever its
 * size. Both return 0 or a code of the note's Table 5 (§6.1.5), which is
 * what the module prints at the end of +UFWINSTALL. */
#ifndef SARAFW_COMMON_PKG_H
#define SARAFW_COMMON_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "delta.h"

#define PKG_MAGIC "SARAFWPK" /* 8 bytes, no NUL */
#define PKG_FORMAT_VERSION 1
#define PKG_HEADER_SIZE 256
#define PKG_SECTION_HEADER_SIZE 16
#define PKG_SIG_SIZE 64
#define PKG_PUB_SIZE 32
/* the signed message: this prefix, then the SHA-256 of the package
 * without its signature */
#define PKG_SIG_DOMAIN "SARAFWPK-SIG-v1:" /* 16 bytes, no NUL */

/* Field limits (each includes no NUL; the C strings below have room for it). */
#define PKG_PRODUCT_MAX 31
#define PKG_VERSION_MAX 47
#define PKG_PROFILE_NAME_MAX 31
#define PKG_NVM_MAX 32
#define PKG_NVM_KEY_MAX 32
#define PKG_NVM_VALUE_MAX 128
#define PKG_MAX_SIZE (256u << 20)
#define PKG_PROFILE_MAX (16u << 20)

/* What a package changes (header "kind"). */
enum {
	PKG_KIND_FIRMWARE = 1u << 0,
	PKG_KIND_PROFILE = 1u << 1,
	PKG_KIND_NVM = 1u << 2,
};

/* Header flags. */
enum {
	PKG_FLAG_DELTA = 1u << 0, /* the firmware part needs the source image */
	PKG_FLAG_BOOT = 1u << 1,  /* it rewrites boot code: a power cut there bricks (§2.6.4) */
};

/* Section types, in the order they appear; each at most once. */
enum {
	PKG_SEC_FIRMWARE = 1,
	PKG_SEC_PROFILE = 2,
	PKG_SEC_NVM = 3,
};

/* Results: the note's Table 5 codes that a package itself can cause.
 * The installer decides 158, 168, 247 and 129 from pkg_info and its own
 * state; pkg_check and pkg_apply return only the others. */
enum pkg_result {
	PKG_OK = 0,
	PKG_R_SUCCESS = 128,        /* what an installer prints for PKG_OK */
	PKG_R_GENERIC = 129,
	PKG_R_CORRUPT = 148,        /* bad magic, bad structure, bad payload, wrong result hash */
	PKG_R_NOT_DELTA = 158,
	PKG_R_FLASH_WRITE = 160,    /* pkg_apply: the writer failed */
	PKG_R_SOURCE_MISMATCH = 168,
	PKG_R_SIGNATURE = 173,      /* the signature does not match the bytes */
	PKG_R_VERSION = 174,        /* a format version or codec this build does not know */
	PKG_R_SIZE = 180,           /* the package is not the length its header says */
	PKG_R_KEY = 227,            /* no public key, or not a valid one */
	PKG_R_PREVALIDATION = 247,
};

typedef struct pkg_nvm_item {
	char key[PKG_NVM_KEY_MAX + 1];
	char value[PKG_NVM_VALUE_MAX + 1];
} pkg_nvm_item;

/* What pkg_check learns. Offsets are into the package. */
typedef struct pkg_info {
	uint16_t format_version;
	uint32_t kind;  /* PKG_KIND_* */
	uint32_t flags; /* PKG_FLAG_* */
	uint64_t size;  /* the whole package, signature included */
	char product[PKG_PRODUCT_MAX + 1];            /* e.g. "SARA-R422S" */
	char from_version[PKG_VERSION_MAX + 1];       /* as ATI9 prints it; "" unless a delta */
	char to_version[PKG_VERSION_MAX + 1];         /* e.g. "00.12,A00.01"; "" without firmware */
	uint64_t source_size;                         /* delta: the image it applies to */
	uint8_t source_sha256[32];
	uint64_t target_size;                         /* firmware: the image it makes */
	uint8_t target_sha256[32];
	uint64_t firmware_offset, firmware_len;       /* the delta (delta.h format) */
	uint32_t profile_id;                          /* the AT+UMNOPROF id it installs as */
	char profile_name[PKG_PROFILE_NAME_MAX + 1];
	uint64_t profile_offset, profile_len;         /* the profile's bytes (.mbn) */
	unsigned n_nvm;
	pkg_nvm_item nvm[PKG_NVM_MAX];
	char why[96]; /* on failure: what exactly was wrong, for people */
} pkg_info;

/* Check a package: its header, every section's bounds, and its signature
 * against pub (PKG_PUB_SIZE raw Ed25519 bytes; NULL: no key). Reads the
 * package once in order, in small pieces, to hash it, then the section
 * headers. Fills *info (on failure,
 * info->why says what was wrong). Returns PKG_OK, or PKG_R_CORRUPT,
 * PKG_R_SIGNATURE, PKG_R_VERSION, PKG_R_SIZE or PKG_R_KEY. Order: magic
 * (148), format version (174), header fields (148), length (180), key
 * (227), signature (173), then sections (148): a flipped byte is a
 * signature mismatch, a well-signed malformed package is corrupted. */
int pkg_check(const blob *pkg, const uint8_t *pub, pkg_info *info);

/* Parse the header and sections without the signature (for `sarafw pkg
 * inspect`): as pkg_check, but never PKG_R_KEY or PKG_R_SIGNATURE. */
int pkg_parse(const blob *pkg, pkg_info *info);

/* Make the target image of a package that pkg_check accepted: from source
 * (a delta: the running image, info->source_size bytes; not a delta: may
 * be NULL) and the firmware section, written to write(wctx, ...) in order,
 * with memory bounded (DELTA_APPLY_MEM). Checks the result's size and
 * SHA-256 against the header. Returns PKG_OK, PKG_R_CORRUPT (bad payload,
 * wrong result), PKG_R_VERSION (unknown codec), PKG_R_SOURCE_MISMATCH
 * (source shorter than the delta reads), PKG_R_FLASH_WRITE or PKG_R_GENERIC
 * (reading failed, out of memory). The writer sees the bytes before the
 * hash is known: keep them apart until PKG_OK. A package without firmware
 * returns PKG_OK and writes nothing. Whether source is the image the
 * delta was made for is the caller's check (info->source_sha256: 168). */
int pkg_apply(const blob *pkg, const pkg_info *info, const blob *source, blob_write_fn write, void *wctx);

/* Table 5's wording for the codes above (pkg_result). */
const char *pkg_strerror(int code);

/* SHA-256 of a whole blob (e.g. the running image, to compare with
 * info->source_sha256). Returns 0, or -1 when reading failed. */
int pkg_sha256(const blob *b, uint8_t out[32]);

/* The signature construction packages use, shared with other signed
 * formats (bundle.h): Ed25519 over a 16-byte domain prefix (no NUL, e.g.
 * PKG_SIG_DOMAIN) followed by a 32-byte SHA-256 digest.
 * pkg_verify_digest: PKG_OK, PKG_R_KEY (pub NULL or not a valid key) or
 * PKG_R_SIGNATURE. pkg_sign_digest signs with the private key file at
 * key_path: 0, or -1 with errbuf set (one line). */
int pkg_verify_digest(const uint8_t *pub, const char *domain, const uint8_t hash[32],
		      const uint8_t sig[PKG_SIG_SIZE]);
int pkg_sign_digest(const char *key_path, const char *domain, const uint8_t hash[32], uint8_t sig[PKG_SIG_SIZE],
		    char *errbuf, size_t errlen);

/* Keys: PEM files as OpenSSL writes them (PKCS#8 private key, SPKI
 * public key), so `openssl pkey` reads them too. */

/* Read a public key file into raw bytes. Returns PKG_OK or PKG_R_KEY. */
int pkg_pub_load(const char *path, uint8_t pub[PKG_PUB_SIZE]);
/* The same from PEM text in memory. */
int pkg_pub_parse(const char *pem, size_t len, uint8_t pub[PKG_PUB_SIZE]);

/* The project's DEMO key pair (tests/keys/demo.key, demo.key.pub): for
 * the simulator and the tests only; anyone can sign with it. */
extern const uint8_t pkg_demo_pub[PKG_PUB_SIZE];

/* Make a key pair: private key at priv_path (mode 0600), public key at
 * pub_path. Returns 0, or -1 with errbuf set. */
int pkg_keygen(const char *priv_path, const char *pub_path, char *errbuf, size_t errlen);

/* What to put in a package (sarafw pkg create). Images are in RAM. */
typedef struct pkg_spec {
	const char *product;
	uint32_t flags;                 /* PKG_FLAG_BOOT; PKG_FLAG_DELTA is set when source is given */
	const uint8_t *source;          /* NULL: a full image */
	size_t source_len;
	const char *from_version;       /* with source */
	const uint8_t *target;          /* NULL: no firmware part */
	size_t target_len;
	const char *to_version;
	const uint8_t *profile;         /* NULL: no profile part */
	size_t profile_len;
	uint32_t profile_id;
	const char *profile_name;
	unsigned n_nvm;
	const pkg_nvm_item *nvm;
} pkg_spec;

/* Build, sign with the private key at key_path and write the package to
 * out_path. Returns 0, or -1 with errbuf set (one line). */
int pkg_create(const pkg_spec *spec, const char *key_path, const char *out_path, char *errbuf,
	       size_t errlen);

/* Whether s is a valid text field of up to max bytes: printable ASCII. */
bool pkg_text_ok(const char *s, size_t max);

#endif
