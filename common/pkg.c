/* Signed update packages (pkg.h; byte format: docs/package-format.md):
 * parsing and checking with bounded memory, applying through delta.c,
 * creating, signing and keys with OpenSSL 3. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "bytes.h"
#include "pkg.h"

#define CHUNK 4096
#define MIN_SIZE (PKG_HEADER_SIZE + PKG_SECTION_HEADER_SIZE + PKG_SIG_SIZE)
#define PROFILE_HEAD 36 /* id + name */
#define NVM_MAX_BYTES (4 + PKG_NVM_MAX * (1 + PKG_NVM_KEY_MAX + 2 + PKG_NVM_VALUE_MAX))

/* Header field offsets (docs/package-format.md). */
enum {
	H_MAGIC = 0,
	H_VERSION = 8,
	H_HEADER_LEN = 10,
	H_KIND = 12,
	H_FLAGS = 16,
	H_SECTIONS = 20,
	H_LENGTH = 24,
	H_SOURCE_SIZE = 32,
	H_TARGET_SIZE = 40,
	H_SOURCE_SHA = 48,
	H_TARGET_SHA = 80,
	H_PRODUCT = 112,
	H_FROM = 144,
	H_TO = 192,
	H_RESERVED = 240,
};







bool pkg_text_ok(const char *s, size_t max)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (n >= max || s[n] < 0x20 || s[n] > 0x7e)
			return false;
	return true;
}

/* A NUL-padded text field of width w: printable ASCII, then only NULs,
 * at least one. */
static bool field_text(const uint8_t *p, size_t w, char *out)
{
	size_t n = 0;
	while (n < w && p[n])
		n++;
	if (n == w)
		return false;
	for (size_t i = n; i < w; i++)
		if (p[i])
			return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return pkg_text_ok(out, w - 1);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

const char *pkg_strerror(int code)
{
	switch (code) {
	case PKG_OK:
	case PKG_R_SUCCESS:
		return "FW installation successfully performed";
	case PKG_R_CORRUPT:
		return "delta file is corrupted";
	case PKG_R_VERSION:
		return "delta file version is not supported";
	case PKG_R_SIGNATURE:
		return "calculated digital signature does not match pkg header value";
	case PKG_R_SIZE:
		return "size of the delta file mismatch with the real delta file size";
	case PKG_R_KEY:
		return "FOTA public key is not found or invalid";
	case PKG_R_SOURCE_MISMATCH:
		return "source firmware mismatch with the one expected by the delta file";
	case PKG_R_FLASH_WRITE:
		return "flash writing failure";
	}
	return "firmware installation generic failure";
}

static int fail(pkg_info *info, int code, const char *why)
{
	snprintf(info->why, sizeof info->why, "%s", why);
	return code;
}

/* Exactly n bytes at off, or false. */
static bool read_at(const blob *b, uint64_t off, void *buf, size_t n)
{
	return off <= b->size && n <= b->size - off && b->read(b->ctx, off, buf, n) == (long)n;
}

/* A window [off, off + size) of a blob. */
typedef struct window {
	const blob *parent;
	uint64_t off;
} window;

static long window_read(void *ctx, uint64_t off, void *buf, size_t n)
{
	const window *w = ctx;
	return w->parent->read(w->parent->ctx, w->off + off, buf, n);
}

static void window_open(blob *b, window *w, const blob *parent, uint64_t off, uint64_t size)
{
	*w = (window){ .parent = parent, .off = off };
	*b = (blob){ .read = window_read, .ctx = w, .size = size };
}

static int parse_header(const blob *pkg, pkg_info *info)
{
	uint8_t h[PKG_HEADER_SIZE];
	size_t have = pkg->size < sizeof h ? (size_t)pkg->size : sizeof h;

	memset(info, 0, sizeof *info);
	if (have < 8 || !read_at(pkg, 0, h, have))
		return fail(info, PKG_R_CORRUPT, "shorter than the magic, or unreadable");
	if (memcmp(h + H_MAGIC, PKG_MAGIC, 8) != 0)
		return fail(info, PKG_R_CORRUPT, "not a sarafw package (bad magic)");
	if (have >= 10 && get16(h + H_VERSION) != PKG_FORMAT_VERSION) {
		info->format_version = get16(h + H_VERSION);
		return fail(info, PKG_R_VERSION, "package format version not supported");
	}
	if (have < PKG_HEADER_SIZE)
		return fail(info, PKG_R_CORRUPT, "truncated inside the header");
	info->format_version = PKG_FORMAT_VERSION;
	info->kind = get32(h + H_KIND);
	info->flags = get32(h + H_FLAGS);
	info->size = get64(h + H_LENGTH);
	info->source_size = get64(h + H_SOURCE_SIZE);
	info->target_size = get64(h + H_TARGET_SIZE);
	memcpy(info->source_sha256, h + H_SOURCE_SHA, 32);
	memcpy(info->target_sha256, h + H_TARGET_SHA, 32);
	uint32_t n_sec = get32(h + H_SECTIONS);

	if (get16(h + H_HEADER_LEN) != PKG_HEADER_SIZE || !all_zero(h + H_RESERVED, PKG_HEADER_SIZE - H_RESERVED))
		return fail(info, PKG_R_CORRUPT, "bad header length or reserved bytes");
	if (!field_text(h + H_PRODUCT, H_FROM - H_PRODUCT, info->product) || !info->product[0])
		return fail(info, PKG_R_CORRUPT, "bad product field");
	if (!field_text(h + H_FROM, H_TO - H_FROM, info->from_version) ||
	    !field_text(h + H_TO, H_RESERVED - H_TO, info->to_version))
		return fail(info, PKG_R_CORRUPT, "bad version field");
	if (!info->kind || (info->kind & ~(uint32_t)(PKG_KIND_FIRMWARE | PKG_KIND_PROFILE | PKG_KIND_NVM)) ||
	    (info->flags & ~(uint32_t)(PKG_FLAG_DELTA | PKG_FLAG_BOOT)))
		return fail(info, PKG_R_CORRUPT, "unknown kind or flag bits");
	if (n_sec != (unsigned)__builtin_popcount(info->kind))
		return fail(info, PKG_R_CORRUPT, "section count does not match the kind");
	bool fw = info->kind & PKG_KIND_FIRMWARE, delta = info->flags & PKG_FLAG_DELTA;
	if (fw ? !info->to_version[0] || info->target_size == 0 || info->target_size > DELTA_MAX_IMAGE
	       : info->to_version[0] || info->target_size || info->flags || !all_zero(info->target_sha256, 32))
		return fail(info, PKG_R_CORRUPT, "firmware fields do not match the kind");
	if (delta ? !info->from_version[0] || info->source_size == 0 || info->source_size > DELTA_MAX_IMAGE
		  : info->from_version[0] || info->source_size || !all_zero(info->source_sha256, 32))
		return fail(info, PKG_R_CORRUPT, "source fields do not match the delta flag");
	if (info->size != pkg->size)
		return fail(info, PKG_R_SIZE, "the package is not the length its header gives");
	if (info->size < MIN_SIZE || info->size > PKG_MAX_SIZE)
		return fail(info, PKG_R_CORRUPT, "package length out of bounds");
	return PKG_OK;
}

static int parse_nvm(const uint8_t *p, size_t n, pkg_info *info)
{
	if (n < 4)
		return fail(info, PKG_R_CORRUPT, "NVM section too short");
	uint32_t count = get32(p);
	size_t at = 4;
	if (count == 0 || count > PKG_NVM_MAX)
		return fail(info, PKG_R_CORRUPT, "NVM item count out of bounds");
	for (uint32_t i = 0; i < count; i++) {
		pkg_nvm_item *it = &info->nvm[i];
		if (at + 1 > n || p[at] == 0 || p[at] > PKG_NVM_KEY_MAX || at + 1 + p[at] + 2 > n)
			return fail(info, PKG_R_CORRUPT, "bad NVM key length");
		size_t kl = p[at++];
		memcpy(it->key, p + at, kl);
		it->key[kl] = '\0';
		at += kl;
		size_t vl = get16(p + at);
		at += 2;
		if (vl > PKG_NVM_VALUE_MAX || at + vl > n)
			return fail(info, PKG_R_CORRUPT, "bad NVM value length");
		memcpy(it->value, p + at, vl);
		it->value[vl] = '\0';
		at += vl;
		if (strlen(it->key) != kl || strlen(it->value) != vl || !pkg_text_ok(it->key, PKG_NVM_KEY_MAX) ||
		    !pkg_text_ok(it->value, PKG_NVM_VALUE_MAX) || strchr(it->key, '=') || strchr(it->key, ' '))
			return fail(info, PKG_R_CORRUPT, "bad NVM item text");
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(info->nvm[j].key, it->key) == 0)
				return fail(info, PKG_R_CORRUPT, "NVM key given twice");
	}
	if (at != n)
		return fail(info, PKG_R_CORRUPT, "bytes after the last NVM item");
	info->n_nvm = count;
	return PKG_OK;
}

static int parse_firmware(const blob *pkg, uint64_t off, uint64_t len, pkg_info *info)
{
	blob d;
	window w;
	uint8_t h[DELTA_HEADER_SIZE];
	uint64_t new_len;
	window_open(&d, &w, pkg, off, len);
	int rc = delta_info(&d, &new_len);
	if (rc == DELTA_EVERSION)
		return fail(info, PKG_R_VERSION, "firmware delta version or compression not supported");
	if (rc)
		return fail(info, PKG_R_CORRUPT, "bad firmware delta header");
	if (!read_at(&d, 0, h, sizeof h))
		return fail(info, PKG_R_CORRUPT, "unreadable firmware delta");
	/* delta.h's header: the old size at 16 */
	if (new_len != info->target_size || get64(h + 16) != info->source_size)
		return fail(info, PKG_R_CORRUPT, "firmware delta sizes differ from the header's");
	info->firmware_offset = off;
	info->firmware_len = len;
	return PKG_OK;
}

static int parse_sections(const blob *pkg, pkg_info *info)
{
	uint64_t off = PKG_HEADER_SIZE, end = info->size - PKG_SIG_SIZE;
	uint32_t last = 0, seen = 0;
	int rc = PKG_OK;

	for (int i = 0; i < __builtin_popcount(info->kind); i++) {
		uint8_t sh[PKG_SECTION_HEADER_SIZE];
		if (end - off < sizeof sh || !read_at(pkg, off, sh, sizeof sh))
			return fail(info, PKG_R_CORRUPT, "truncated section header");
		uint32_t type = get32(sh);
		uint64_t len = get64(sh + 8);
		off += sizeof sh;
		if (type <= last || type > PKG_SEC_NVM || get32(sh + 4) != 0)
			return fail(info, PKG_R_CORRUPT, "bad section type or order");
		if (len > end - off)
			return fail(info, PKG_R_CORRUPT, "section longer than the package");
		last = type;
		if (type == PKG_SEC_FIRMWARE) {
			seen |= PKG_KIND_FIRMWARE;
			rc = parse_firmware(pkg, off, len, info);
		} else if (type == PKG_SEC_PROFILE) {
			uint8_t ph[PROFILE_HEAD];
			seen |= PKG_KIND_PROFILE;
			if (len <= PROFILE_HEAD || len - PROFILE_HEAD > PKG_PROFILE_MAX ||
			    !read_at(pkg, off, ph, sizeof ph))
				return fail(info, PKG_R_CORRUPT, "bad profile section length");
			info->profile_id = get32(ph);
			if (info->profile_id > 255 || !field_text(ph + 4, 32, info->profile_name))
				return fail(info, PKG_R_CORRUPT, "bad profile id or name");
			info->profile_offset = off + PROFILE_HEAD;
			info->profile_len = len - PROFILE_HEAD;
		} else {
			uint8_t *nb = len <= NVM_MAX_BYTES ? malloc(NVM_MAX_BYTES) : NULL;
			seen |= PKG_KIND_NVM;
			if (!nb || !read_at(pkg, off, nb, (size_t)len)) {
				free(nb);
				return fail(info, PKG_R_CORRUPT, "bad NVM section length");
			}
			rc = parse_nvm(nb, (size_t)len, info);
			free(nb);
		}
		if (rc)
			return rc;
		off += len;
	}
	if (seen != info->kind)
		return fail(info, PKG_R_CORRUPT, "sections do not match the kind");
	if (off != end)
		return fail(info, PKG_R_CORRUPT, "bytes between the last section and the signature");
	return PKG_OK;
}

int pkg_parse(const blob *pkg, pkg_info *info)
{
	int rc = parse_header(pkg, info);
	return rc ? rc : parse_sections(pkg, info);
}

/* SHA-256 of [0, n) of b. */
static int hash_prefix(const blob *b, uint64_t n, uint8_t out[32])
{
	uint8_t buf[CHUNK];
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int rc = m && EVP_DigestInit_ex(m, EVP_sha256(), NULL) ? 0 : -1;
	for (uint64_t at = 0; !rc && at < n;) {
		size_t k = n - at < CHUNK ? (size_t)(n - at) : CHUNK;
		if (!read_at(b, at, buf, k) || !EVP_DigestUpdate(m, buf, k))
			rc = -1;
		at += k;
	}
	if (!rc && !EVP_DigestFinal_ex(m, out, NULL))
		rc = -1;
	EVP_MD_CTX_free(m);
	return rc;
}

int pkg_sha256(const blob *b, uint8_t out[32])
{
	return hash_prefix(b, b->size, out);
}

static EVP_PKEY *pub_key(const uint8_t *pub)
{
	return pub ? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, PKG_PUB_SIZE) : NULL;
}

/* The signed message: a 16-byte domain prefix, then the digest. */
static void sig_message(const char *domain, const uint8_t hash[32], uint8_t msg[48])
{
	memcpy(msg, domain, 16);
	memcpy(msg + 16, hash, 32);
}

int pkg_verify_digest(const uint8_t *pub, const char *domain, const uint8_t hash[32],
		      const uint8_t sig[PKG_SIG_SIZE])
{
	uint8_t msg[48];
	EVP_PKEY *key = pub_key(pub);
	if (!key)
		return PKG_R_KEY;
	sig_message(domain, hash, msg);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = m && EVP_DigestVerifyInit(m, NULL, NULL, NULL, key) == 1 &&
		 EVP_DigestVerify(m, sig, PKG_SIG_SIZE, msg, sizeof msg) == 1;
	EVP_MD_CTX_free(m);
	EVP_PKEY_free(key);
	return ok ? PKG_OK : PKG_R_SIGNATURE;
}

int pkg_check(const blob *pkg, const uint8_t *pub, pkg_info *info)
{
	uint8_t hash[32], sig[PKG_SIG_SIZE];
	int rc = parse_header(pkg, info);
	if (rc)
		return rc;
	EVP_PKEY *key = pub_key(pub); /* a bad key is 227 before the package is read */
	if (!key)
		return fail(info, PKG_R_KEY, pub ? "the FOTA public key is invalid" : "no FOTA public key");
	EVP_PKEY_free(key);
	if (hash_prefix(pkg, info->size - PKG_SIG_SIZE, hash) ||
	    !read_at(pkg, info->size - PKG_SIG_SIZE, sig, sizeof sig))
		return fail(info, PKG_R_CORRUPT, "reading the package failed");
	if (pkg_verify_digest(pub, PKG_SIG_DOMAIN, hash, sig))
		return fail(info, PKG_R_SIGNATURE, "the signature does not match (wrong key, or bytes changed)");
	return parse_sections(pkg, info);
}

/* ---- applying ---- */

typedef struct sink {
	blob_write_fn write;
	void *ctx;
	EVP_MD_CTX *md;
	uint64_t n;
} sink;

static int sink_write(void *ctx, const void *buf, size_t n)
{
	sink *s = ctx;
	s->n += n;
	if (!EVP_DigestUpdate(s->md, buf, n))
		return -1;
	return s->write(s->ctx, buf, n);
}

int pkg_apply(const blob *pkg, const pkg_info *info, const blob *source, blob_write_fn write, void *wctx)
{
	static const uint8_t none;
	blob d, empty;
	window w;
	blob_mem em;
	uint8_t got[32];

	if (!(info->kind & PKG_KIND_FIRMWARE))
		return PKG_OK;
	if (!(info->flags & PKG_FLAG_DELTA) || !source) {
		blob_from_mem(&empty, &em, &none, 0);
		source = &empty;
	}
	window_open(&d, &w, pkg, info->firmware_offset, info->firmware_len);
	sink s = { .write = write, .ctx = wctx, .md = EVP_MD_CTX_new() };
	if (!s.md || !EVP_DigestInit_ex(s.md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(s.md);
		return PKG_R_GENERIC;
	}
	int rc = delta_apply(&d, source, sink_write, &s);
	if (!rc && !EVP_DigestFinal_ex(s.md, got, NULL))
		rc = DELTA_ENOMEM;
	EVP_MD_CTX_free(s.md);
	switch (rc) {
	case DELTA_OK:
		return s.n == info->target_size && memcmp(got, info->target_sha256, 32) == 0 ? PKG_OK
											       : PKG_R_CORRUPT;
	case DELTA_ECORRUPT:
	case DELTA_ESIZE:
		return PKG_R_CORRUPT;
	case DELTA_EVERSION:
		return PKG_R_VERSION;
	case DELTA_ESOURCE:
		return PKG_R_SOURCE_MISMATCH;
	case DELTA_EWRITE:
		return PKG_R_FLASH_WRITE;
	default:
		return PKG_R_GENERIC;
	}
}

/* ---- keys ---- */

static int raw_pub(EVP_PKEY *k, uint8_t pub[PKG_PUB_SIZE])
{
	size_t n = PKG_PUB_SIZE;
	int ok = k && EVP_PKEY_get_id(k) == EVP_PKEY_ED25519 && EVP_PKEY_get_raw_public_key(k, pub, &n) == 1 &&
		 n == PKG_PUB_SIZE;
	EVP_PKEY_free(k);
	return ok ? PKG_OK : PKG_R_KEY;
}

int pkg_pub_parse(const char *pem, size_t len, uint8_t pub[PKG_PUB_SIZE])
{
	if (len > 4096)
		return PKG_R_KEY;
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = b ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return raw_pub(k, pub);
}

int pkg_pub_load(const char *path, uint8_t pub[PKG_PUB_SIZE])
{
	FILE *f = fopen(path, "r");
	if (!f)
		return PKG_R_KEY;
	EVP_PKEY *k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	return raw_pub(k, pub);
}

static void err(char *errbuf, size_t errlen, const char *fmt, const char *a, const char *b)
{
	snprintf(errbuf, errlen, fmt, a, b);
}

/* A new file, mode bits as given; refuses to replace one. */
static FILE *create_new(const char *path, mode_t mode, char *errbuf, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0) {
		err(errbuf, errlen,
		    errno == EEXIST ? "%s already exists: remove it or choose another name (%s)"
				    : "cannot create %s: %s",
		    path, strerror(errno));
		return NULL;
	}
	FILE *f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

int pkg_keygen(const char *priv_path, const char *pub_path, char *errbuf, size_t errlen)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	FILE *f;
	int ok;
	if (!k) {
		err(errbuf, errlen, "OpenSSL could not make an Ed25519 key%s%s", "", "");
		return -1;
	}
	if (!(f = create_new(priv_path, 0600, errbuf, errlen))) {
		EVP_PKEY_free(k);
		return -1;
	}
	ok = PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
	ok = (fclose(f) == 0) && ok;
	if (ok && (f = create_new(pub_path, 0644, errbuf, errlen))) {
		ok = PEM_write_PUBKEY(f, k) == 1;
		ok = (fclose(f) == 0) && ok;
		if (!ok)
			err(errbuf, errlen, "writing %s failed%s", pub_path, "");
	} else {
		if (ok)
			unlink(priv_path); /* a private key without its public half is no use */
		else
			err(errbuf, errlen, "writing %s failed%s", priv_path, "");
		ok = 0;
	}
	EVP_PKEY_free(k);
	return ok ? 0 : -1;
}

/* ---- creating ---- */



static void section(bytes *b, uint32_t type, uint64_t len)
{
	uint8_t sh[PKG_SECTION_HEADER_SIZE] = { 0 };
	put32(sh, type);
	put64(sh + 8, len);
	bytes_put(b, sh, sizeof sh);
}

static void sha256(const void *p, size_t n, uint8_t out[32])
{
	EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL);
}

/* The spec's fields, each checked against the format's bounds. */
static const char *spec_problem(const pkg_spec *s)
{
	if (!s->product || !s->product[0] || !pkg_text_ok(s->product, PKG_PRODUCT_MAX))
		return "the product must be 1 to 31 printable ASCII characters (e.g. SARA-R422S)";
	if (!s->target && !s->profile && !s->n_nvm)
		return "a package needs a firmware image, a profile or NVM items";
	if (s->target && (!s->to_version || !s->to_version[0] || !pkg_text_ok(s->to_version, PKG_VERSION_MAX)))
		return "the target version must be 1 to 47 printable characters, as ATI9 prints it";
	if (s->source && (!s->from_version || !s->from_version[0] || !pkg_text_ok(s->from_version, PKG_VERSION_MAX)))
		return "the source version must be 1 to 47 printable characters, as ATI9 prints it";
	if (s->source && !s->target)
		return "a source image needs a target image";
	if ((s->flags & PKG_FLAG_BOOT) && !s->target)
		return "only a firmware part can touch boot code";
	if (s->target && (s->target_len == 0 || s->target_len > DELTA_MAX_IMAGE ||
			  (s->source && (s->source_len == 0 || s->source_len > DELTA_MAX_IMAGE))))
		return "firmware images must be 1 byte to 64 MiB";
	if (s->profile && (s->profile_len == 0 || s->profile_len > PKG_PROFILE_MAX || s->profile_id > 255 ||
			   !s->profile_name || !pkg_text_ok(s->profile_name, PKG_PROFILE_NAME_MAX)))
		return "the profile must be 1 byte to 16 MiB, its id 0 to 255, its name up to 31 characters";
	if (s->n_nvm > PKG_NVM_MAX)
		return "at most 32 NVM items";
	for (unsigned i = 0; i < s->n_nvm; i++) {
		const pkg_nvm_item *it = &s->nvm[i];
		if (!it->key[0] || !pkg_text_ok(it->key, PKG_NVM_KEY_MAX) || strchr(it->key, '=') ||
		    strchr(it->key, ' ') || !pkg_text_ok(it->value, PKG_NVM_VALUE_MAX))
			return "NVM items are KEY=VALUE: a key of 1 to 32 printable characters without '=' or "
			       "space, a value of up to 128";
		for (unsigned j = 0; j < i; j++)
			if (strcmp(s->nvm[j].key, it->key) == 0)
				return "an NVM key is given twice";
	}
	return NULL;
}

static EVP_PKEY *load_private(const char *path, char *errbuf, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		err(errbuf, errlen, "cannot read key %s: %s (make one with `sarafw pkg keygen -o KEY`)", path,
		    strerror(errno));
		return NULL;
	}
	EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!k || EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		err(errbuf, errlen, "%s is not an Ed25519 private key in PEM%s (make one with `sarafw pkg keygen -o KEY`)",
		    path, "");
		return NULL;
	}
	return k;
}

int pkg_sign_digest(const char *key_path, const char *domain, const uint8_t hash[32], uint8_t sig[PKG_SIG_SIZE],
		    char *errbuf, size_t errlen)
{
	uint8_t msg[48];
	size_t sig_len = PKG_SIG_SIZE;
	EVP_PKEY *key = load_private(key_path, errbuf, errlen);
	if (!key)
		return -1;
	sig_message(domain, hash, msg);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = m && EVP_DigestSignInit(m, NULL, NULL, NULL, key) == 1 &&
		 EVP_DigestSign(m, sig, &sig_len, msg, sizeof msg) == 1 && sig_len == PKG_SIG_SIZE;
	EVP_MD_CTX_free(m);
	EVP_PKEY_free(key);
	if (!ok)
		err(errbuf, errlen, "OpenSSL could not sign with %s%s", key_path, "");
	return ok ? 0 : -1;
}

int pkg_create(const pkg_spec *spec, const char *key_path, const char *out_path, char *errbuf, size_t errlen)
{
	uint8_t h[PKG_HEADER_SIZE] = { 0 }, hash[32], sig[PKG_SIG_SIZE];
	const char *why = spec_problem(spec);
	uint32_t kind = (spec->target ? PKG_KIND_FIRMWARE : 0) | (spec->profile ? PKG_KIND_PROFILE : 0) |
			(spec->n_nvm ? PKG_KIND_NVM : 0);
	uint32_t flags = (spec->flags & PKG_FLAG_BOOT) | (spec->source ? PKG_FLAG_DELTA : 0);
	bytes o = { 0 };
	uint8_t *delta = NULL;
	size_t delta_len = 0;
	int rc = -1;

	if (why) {
		err(errbuf, errlen, "%s%s", why, "");
		return -1;
	}
	EVP_PKEY *key = load_private(key_path, errbuf, errlen); /* fail before the delta is made */
	if (!key)
		return -1;
	EVP_PKEY_free(key);
	if (spec->target &&
	    delta_create(spec->source, spec->source ? spec->source_len : 0, spec->target, spec->target_len, &delta,
			 &delta_len)) {
		err(errbuf, errlen, "out of memory making the delta%s%s", "", "");
		goto out;
	}

	memcpy(h + H_MAGIC, PKG_MAGIC, 8);
	put16(h + H_VERSION, PKG_FORMAT_VERSION);
	put16(h + H_HEADER_LEN, PKG_HEADER_SIZE);
	put32(h + H_KIND, kind);
	put32(h + H_FLAGS, flags);
	put32(h + H_SECTIONS, (uint32_t)__builtin_popcount(kind));
	if (spec->source) {
		put64(h + H_SOURCE_SIZE, spec->source_len);
		sha256(spec->source, spec->source_len, h + H_SOURCE_SHA);
		memcpy(h + H_FROM, spec->from_version, strlen(spec->from_version));
	}
	if (spec->target) {
		put64(h + H_TARGET_SIZE, spec->target_len);
		sha256(spec->target, spec->target_len, h + H_TARGET_SHA);
		memcpy(h + H_TO, spec->to_version, strlen(spec->to_version));
	}
	memcpy(h + H_PRODUCT, spec->product, strlen(spec->product));
	bytes_put(&o, h, sizeof h);
	if (spec->target) {
		section(&o, PKG_SEC_FIRMWARE, delta_len);
		bytes_put(&o, delta, delta_len);
	}
	if (spec->profile) {
		uint8_t ph[PROFILE_HEAD] = { 0 };
		put32(ph, spec->profile_id);
		memcpy(ph + 4, spec->profile_name, strlen(spec->profile_name));
		section(&o, PKG_SEC_PROFILE, PROFILE_HEAD + spec->profile_len);
		bytes_put(&o, ph, sizeof ph);
		bytes_put(&o, spec->profile, spec->profile_len);
	}
	if (spec->n_nvm) {
		bytes n = { 0 };
		uint8_t t[4];
		put32(t, spec->n_nvm);
		bytes_put(&n, t, 4);
		for (unsigned i = 0; i < spec->n_nvm; i++) {
			size_t kl = strlen(spec->nvm[i].key), vl = strlen(spec->nvm[i].value);
			t[0] = (uint8_t)kl;
			bytes_put(&n, t, 1);
			bytes_put(&n, spec->nvm[i].key, kl);
			put16(t, (uint16_t)vl);
			bytes_put(&n, t, 2);
			bytes_put(&n, spec->nvm[i].value, vl);
		}
		section(&o, PKG_SEC_NVM, n.len);
		bytes_put(&o, n.p, n.len);
		o.oom |= n.oom;
		free(n.p);
	}
	if (o.oom || o.len + PKG_SIG_SIZE > PKG_MAX_SIZE) {
		err(errbuf, errlen, "%s%s", o.oom ? "out of memory" : "the package would exceed 256 MiB", "");
		goto out;
	}
	put64(o.p + H_LENGTH, o.len + PKG_SIG_SIZE);

	sha256(o.p, o.len, hash);
	if (pkg_sign_digest(key_path, PKG_SIG_DOMAIN, hash, sig, errbuf, errlen))
		goto out;
	bytes_put(&o, sig, sizeof sig);

	/* written beside, then renamed: never a half package under the name */
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", out_path, (long)getpid()) >= sizeof tmp) {
		err(errbuf, errlen, "output path too long: %s%s", out_path, "");
		goto out;
	}
	FILE *f = fopen(tmp, "wb");
	if (!f) {
		err(errbuf, errlen, "cannot write %s: %s", out_path, strerror(errno));
		goto out;
	}
	int ok = fwrite(o.p, 1, o.len, f) == o.len;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, out_path) != 0) {
		err(errbuf, errlen, "cannot write %s: %s", out_path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(delta);
	free(o.p);
	return rc;
}
