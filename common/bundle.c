/* Image bundles (bundle.h; byte format: docs/bundle-format.md): parsing
 * and checking in one bounded pass, creating from files in pieces. The
 * signature is pkg.c's (pkg_sign_digest, pkg_verify_digest). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bundle.h"
#include "bytes.h"

#define CHUNK 65536

/* Header field offsets (docs/bundle-format.md). */
enum {
	H_MAGIC = 0,
	H_VERSION = 8,
	H_HEADER_LEN = 10,
	H_SECTOR = 12,
	H_COUNT = 14,
	H_LENGTH = 16,
	H_PROG_LEN = 24,
	H_PROG_SHA = 32,
	H_PRODUCT = 64,
	H_FW_VERSION = 96,
	H_RESERVED = 144,
};

/* Partition table entry offsets. */
enum {
	E_NAME = 0,
	E_LENGTH = 16,
	E_RESERVED = 24,
	E_SHA = 32,
};

const char *bundle_strerror(int code)
{
	switch (code) {
	case BUNDLE_OK:
		return "bundle good";
	case BUNDLE_ENOTBUNDLE:
		return "not a sarafw image bundle";
	case BUNDLE_EVERSION:
		return "bundle format version not supported";
	case BUNDLE_ECORRUPT:
		return "bundle corrupted";
	case BUNDLE_ESIZE:
		return "bundle length mismatch";
	case BUNDLE_EKEY:
		return "public key not found or invalid";
	case BUNDLE_ESIG:
		return "signature does not match";
	case BUNDLE_EHASH:
		return "image hash mismatch";
	case BUNDLE_EIO:
		return "reading the bundle failed";
	}
	return "unknown bundle error";
}

static int fail(bundle_info *info, int code, const char *why)
{
	snprintf(info->why, sizeof info->why, "%s", why);
	return code;
}

bool bundle_name_ok(const char *name)
{
	size_t n = 0;
	for (; name[n]; n++)
		if (n >= BUNDLE_NAME_MAX || !((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= '0' && name[n] <= '9') ||
					      name[n] == '_'))
			return false;
	return n > 0;
}

/* "MODEM,APP": one comma, printable text either side. */
static bool version_ok(const char *v)
{
	const char *c = strchr(v, ',');
	return pkg_text_ok(v, PKG_VERSION_MAX) && c && c != v && c[1] && !strchr(c + 1, ',');
}

/* A NUL-padded text field of width w: text, then only NULs, at least one. */
static bool field(const uint8_t *p, size_t w, char *out)
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
	return true;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool read_at(const blob *b, uint64_t off, void *buf, size_t n)
{
	return off <= b->size && n <= b->size - off && b->read(b->ctx, off, buf, n) == (long)n;
}

int bundle_parse(const blob *b, bundle_info *info)
{
	uint8_t h[BUNDLE_HEADER_SIZE], e[BUNDLE_ENTRY_SIZE];
	size_t have = b->size < sizeof h ? (size_t)b->size : sizeof h;

	memset(info, 0, sizeof *info);
	if (have < 8)
		return fail(info, b->size < 8 ? BUNDLE_ENOTBUNDLE : BUNDLE_EIO, "shorter than the magic");
	if (!read_at(b, 0, h, have))
		return fail(info, BUNDLE_EIO, "reading the header failed");
	if (memcmp(h + H_MAGIC, BUNDLE_MAGIC, 8) != 0)
		return fail(info, BUNDLE_ENOTBUNDLE, "no SARAFWBN magic");
	if (have >= 10 && get16(h + H_VERSION) != BUNDLE_FORMAT_VERSION) {
		info->format_version = get16(h + H_VERSION);
		return fail(info, BUNDLE_EVERSION, "format version not supported");
	}
	if (have < BUNDLE_HEADER_SIZE)
		return fail(info, BUNDLE_ECORRUPT, "truncated inside the header");
	info->format_version = BUNDLE_FORMAT_VERSION;
	info->sector_size = get16(h + H_SECTOR);
	info->n_parts = get16(h + H_COUNT);
	info->size = get64(h + H_LENGTH);
	info->programmer_size = get64(h + H_PROG_LEN);
	memcpy(info->programmer_sha256, h + H_PROG_SHA, 32);
	if (get16(h + H_HEADER_LEN) != BUNDLE_HEADER_SIZE || !all_zero(h + H_RESERVED, BUNDLE_HEADER_SIZE - H_RESERVED))
		return fail(info, BUNDLE_ECORRUPT, "bad header length or reserved bytes");
	if (info->sector_size != BUNDLE_SECTOR_SIZE)
		return fail(info, BUNDLE_ECORRUPT, "sector size is not 512");
	if (info->n_parts == 0 || info->n_parts > BUNDLE_PARTS_MAX) {
		info->n_parts = 0;
		return fail(info, BUNDLE_ECORRUPT, "partition count out of bounds (1 to 16)");
	}
	if (!field(h + H_PRODUCT, H_FW_VERSION - H_PRODUCT, info->product) || !info->product[0] ||
	    !pkg_text_ok(info->product, PKG_PRODUCT_MAX))
		return fail(info, BUNDLE_ECORRUPT, "bad product field");
	if (!field(h + H_FW_VERSION, H_RESERVED - H_FW_VERSION, info->version) || !version_ok(info->version))
		return fail(info, BUNDLE_ECORRUPT, "bad version field (MODEM,APP as ATI9 prints it)");
	if (info->programmer_size == 0 || info->programmer_size > BUNDLE_PROGRAMMER_MAX)
		return fail(info, BUNDLE_ECORRUPT, "programmer length out of bounds (1 byte to 4 MiB)");
	if (info->size < BUNDLE_HEADER_SIZE || info->size > BUNDLE_MAX_SIZE)
		return fail(info, BUNDLE_ECORRUPT, "bundle length out of bounds");

	uint64_t at = BUNDLE_HEADER_SIZE + (uint64_t)info->n_parts * BUNDLE_ENTRY_SIZE;
	info->programmer_offset = at;
	uint64_t total = at + info->programmer_size + PKG_SIG_SIZE;
	for (unsigned i = 0; i < info->n_parts; i++) {
		bundle_part *p = &info->parts[i];
		uint64_t off = BUNDLE_HEADER_SIZE + (uint64_t)i * BUNDLE_ENTRY_SIZE;
		if (!read_at(b, off, e, sizeof e))
			return fail(info, b->size < off + sizeof e ? BUNDLE_ECORRUPT : BUNDLE_EIO,
				    "truncated inside the partition table");
		if (!field(e + E_NAME, E_LENGTH - E_NAME, p->name) || !bundle_name_ok(p->name))
			return fail(info, BUNDLE_ECORRUPT, "bad partition name (a-z, 0-9, _; 1 to 15)");
		if (strcmp(p->name, BUNDLE_DEVDATA) == 0)
			return fail(info, BUNDLE_ECORRUPT, "a bundle must not hold devdata (one module's IMEI)");
		for (unsigned j = 0; j < i; j++)
			if (strcmp(info->parts[j].name, p->name) == 0)
				return fail(info, BUNDLE_ECORRUPT, "a partition name appears twice");
		p->size = get64(e + E_LENGTH);
		memcpy(p->sha256, e + E_SHA, 32);
		if (p->size == 0 || p->size > BUNDLE_PART_MAX || !all_zero(e + E_RESERVED, E_SHA - E_RESERVED))
			return fail(info, BUNDLE_ECORRUPT, "bad partition length or reserved bytes");
		p->offset = total - PKG_SIG_SIZE;
		total += p->size;
	}
	if (total != info->size)
		return fail(info, BUNDLE_ECORRUPT, "lengths in the table do not add up to the bundle length");
	if (info->size != b->size)
		return fail(info, BUNDLE_ESIZE, "the file is not the length its header gives");
	return BUNDLE_OK;
}

const bundle_part *bundle_find(const bundle_info *info, const char *name)
{
	for (unsigned i = 0; i < info->n_parts; i++)
		if (strcmp(info->parts[i].name, name) == 0)
			return &info->parts[i];
	return NULL;
}

/* The region [off, off + n) hashed into both whole and part. */
static int hash_region(const blob *b, uint64_t off, uint64_t n, EVP_MD_CTX *whole, uint8_t out[32], uint8_t *buf)
{
	EVP_MD_CTX *m = out ? EVP_MD_CTX_new() : NULL;
	int rc = BUNDLE_OK;
	if (out && (!m || !EVP_DigestInit_ex(m, EVP_sha256(), NULL)))
		rc = BUNDLE_EIO;
	for (uint64_t at = 0; !rc && at < n;) {
		size_t k = n - at < CHUNK ? (size_t)(n - at) : CHUNK;
		if (!read_at(b, off + at, buf, k) || !EVP_DigestUpdate(whole, buf, k) ||
		    (m && !EVP_DigestUpdate(m, buf, k)))
			rc = BUNDLE_EIO;
		at += k;
	}
	if (!rc && m && !EVP_DigestFinal_ex(m, out, NULL))
		rc = BUNDLE_EIO;
	EVP_MD_CTX_free(m);
	return rc;
}

int bundle_check(const blob *b, const uint8_t *pub, bundle_info *info)
{
	static uint8_t buf[CHUNK];
	uint8_t got[BUNDLE_PARTS_MAX + 1][32], hash[32], sig[PKG_SIG_SIZE] = { 0 }, zero[32] = { 0 };
	int rc = bundle_parse(b, info);
	if (rc)
		return rc;
	/* the key first: a bad key is said before the file is read */
	if (pkg_verify_digest(pub, BUNDLE_SIG_DOMAIN, zero, sig) == PKG_R_KEY)
		return fail(info, BUNDLE_EKEY, pub ? "the public key is invalid" : "no public key");
	EVP_MD_CTX *whole = EVP_MD_CTX_new();
	if (!whole || !EVP_DigestInit_ex(whole, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(whole);
		return fail(info, BUNDLE_EIO, "out of memory");
	}
	rc = hash_region(b, 0, info->programmer_offset, whole, NULL, buf);
	if (!rc)
		rc = hash_region(b, info->programmer_offset, info->programmer_size, whole, got[0], buf);
	for (unsigned i = 0; !rc && i < info->n_parts; i++)
		rc = hash_region(b, info->parts[i].offset, info->parts[i].size, whole, got[i + 1], buf);
	if (!rc && !EVP_DigestFinal_ex(whole, hash, NULL))
		rc = BUNDLE_EIO;
	EVP_MD_CTX_free(whole);
	if (rc || !read_at(b, info->size - PKG_SIG_SIZE, sig, sizeof sig))
		return fail(info, BUNDLE_EIO, "reading the bundle failed");
	if (pkg_verify_digest(pub, BUNDLE_SIG_DOMAIN, hash, sig) != PKG_OK)
		return fail(info, BUNDLE_ESIG, "the signature does not match (wrong key, or bytes changed)");
	/* a well-signed bundle whose table lies was made wrong, not damaged */
	if (memcmp(got[0], info->programmer_sha256, 32) != 0)
		return fail(info, BUNDLE_EHASH, "the programmer is not the one its SHA-256 names");
	for (unsigned i = 0; i < info->n_parts; i++)
		if (memcmp(got[i + 1], info->parts[i].sha256, 32) != 0) {
			snprintf(info->why, sizeof info->why, "partition %s is not the image its SHA-256 names",
				 info->parts[i].name);
			return BUNDLE_EHASH;
		}
	return BUNDLE_OK;
}

/* ---- creating ---- */

static void err(char *errbuf, size_t errlen, const char *fmt, const char *a, const char *b)
{
	snprintf(errbuf, errlen, fmt, a, b);
}

/* Size and SHA-256 of a file, read in pieces. 0, or -1 with errbuf set. */
static int file_hash(const char *what, const char *path, uint64_t max, uint64_t *size, uint8_t out[32],
		     uint8_t *buf, char *errbuf, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		err(errbuf, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0 || (uint64_t)st.st_size > max) {
		char lim[64];
		snprintf(lim, sizeof lim, "%s must be a file of 1 byte to %llu MiB", what,
			 (unsigned long long)(max >> 20));
		err(errbuf, errlen, "%s: %s", path, lim);
		close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = m && EVP_DigestInit_ex(m, EVP_sha256(), NULL);
	uint64_t got = 0;
	for (ssize_t n; ok && (n = read(fd, buf, CHUNK)) != 0;) {
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && EVP_DigestUpdate(m, buf, (size_t)n);
		got += n > 0 ? (uint64_t)n : 0;
	}
	ok = ok && got == *size && EVP_DigestFinal_ex(m, out, NULL);
	EVP_MD_CTX_free(m);
	close(fd);
	if (!ok)
		err(errbuf, errlen, "reading %s failed (did it change while being read?)%s", path, "");
	return ok ? 0 : -1;
}

static int put_all(int fd, EVP_MD_CTX *m, const void *p, size_t n)
{
	if (!EVP_DigestUpdate(m, p, n))
		return -1;
	for (const char *c = p; n;) {
		ssize_t k = write(fd, c, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k, n -= (size_t)k;
	}
	return 0;
}

/* Copies exactly size bytes of path into fd. */
static int copy_file(int fd, EVP_MD_CTX *m, const char *path, uint64_t size, uint8_t *buf)
{
	int in = open(path, O_RDONLY);
	uint64_t done = 0;
	if (in < 0)
		return -1;
	while (done < size) {
		size_t want = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		ssize_t n = read(in, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || put_all(fd, m, buf, (size_t)n)) {
			close(in);
			return -1;
		}
		done += (uint64_t)n;
	}
	close(in);
	return 0;
}

static const char *spec_problem(const bundle_spec *s)
{
	if (!s->product || !s->product[0] || !pkg_text_ok(s->product, PKG_PRODUCT_MAX))
		return "the product must be 1 to 31 printable ASCII characters (e.g. SARA-R422S)";
	if (!s->version || !version_ok(s->version))
		return "the version is written as ATI9 prints it, MODEM,APP (e.g. 00.12,A00.01), up to 47 characters";
	if (!s->programmer)
		return "a bundle needs the programmer the module loads first (--programmer FILE)";
	if (s->n_parts == 0 || s->n_parts > BUNDLE_PARTS_MAX)
		return "a bundle holds 1 to 16 partitions, each NAME=FILE";
	for (unsigned i = 0; i < s->n_parts; i++) {
		if (!bundle_name_ok(s->names[i]))
			return "partition names are 1 to 15 of a-z, 0-9 and _ (sbl, modem, apps, mno, efs)";
		if (strcmp(s->names[i], BUNDLE_DEVDATA) == 0)
			return "devdata is one module's IMEI and calibration: a bundle never holds it";
		for (unsigned j = 0; j < i; j++)
			if (strcmp(s->names[i], s->names[j]) == 0)
				return "a partition is given twice";
	}
	return NULL;
}

int bundle_create(const bundle_spec *spec, const char *key_path, const char *out_path, char *errbuf,
		  size_t errlen)
{
	static uint8_t buf[CHUNK];
	uint8_t h[BUNDLE_HEADER_SIZE] = { 0 }, table[BUNDLE_PARTS_MAX * BUNDLE_ENTRY_SIZE] = { 0 };
	uint8_t hash[32], sig[PKG_SIG_SIZE];
	uint64_t prog_size, sizes[BUNDLE_PARTS_MAX];
	const char *why = spec_problem(spec);
	char tmp[4096];

	if (why) {
		err(errbuf, errlen, "%s%s", why, "");
		return -1;
	}
	memset(hash, 0, sizeof hash); /* a bad key fails before the images are read */
	if (pkg_sign_digest(key_path, BUNDLE_SIG_DOMAIN, hash, sig, errbuf, errlen))
		return -1;
	if (file_hash("the programmer", spec->programmer, BUNDLE_PROGRAMMER_MAX, &prog_size, h + H_PROG_SHA, buf,
		      errbuf, errlen))
		return -1;
	uint64_t total = BUNDLE_HEADER_SIZE + (uint64_t)spec->n_parts * BUNDLE_ENTRY_SIZE + prog_size + PKG_SIG_SIZE;
	for (unsigned i = 0; i < spec->n_parts; i++) {
		uint8_t *e = table + i * BUNDLE_ENTRY_SIZE;
		if (file_hash("a partition image", spec->paths[i], BUNDLE_PART_MAX, &sizes[i], e + E_SHA, buf, errbuf,
			      errlen))
			return -1;
		memcpy(e + E_NAME, spec->names[i], strlen(spec->names[i]));
		put64(e + E_LENGTH, sizes[i]);
		total += sizes[i];
	}
	if (total > BUNDLE_MAX_SIZE) {
		err(errbuf, errlen, "the bundle would exceed 1 GiB%s%s", "", "");
		return -1;
	}
	memcpy(h + H_MAGIC, BUNDLE_MAGIC, 8);
	put16(h + H_VERSION, BUNDLE_FORMAT_VERSION);
	put16(h + H_HEADER_LEN, BUNDLE_HEADER_SIZE);
	put16(h + H_SECTOR, BUNDLE_SECTOR_SIZE);
	put16(h + H_COUNT, (uint16_t)spec->n_parts);
	put64(h + H_LENGTH, total);
	put64(h + H_PROG_LEN, prog_size);
	memcpy(h + H_PRODUCT, spec->product, strlen(spec->product));
	memcpy(h + H_FW_VERSION, spec->version, strlen(spec->version));

	/* written beside, then renamed: never a half bundle under the name */
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", out_path, (long)getpid()) >= sizeof tmp) {
		err(errbuf, errlen, "output path too long: %s%s", out_path, "");
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		err(errbuf, errlen, "cannot write %s: %s", out_path, strerror(errno));
		return -1;
	}
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	int ok = m && EVP_DigestInit_ex(m, EVP_sha256(), NULL) && !put_all(fd, m, h, sizeof h) &&
		 !put_all(fd, m, table, (size_t)spec->n_parts * BUNDLE_ENTRY_SIZE) &&
		 !copy_file(fd, m, spec->programmer, prog_size, buf);
	for (unsigned i = 0; ok && i < spec->n_parts; i++)
		ok = !copy_file(fd, m, spec->paths[i], sizes[i], buf);
	ok = ok && EVP_DigestFinal_ex(m, hash, NULL);
	EVP_MD_CTX_free(m);
	if (!ok) {
		err(errbuf, errlen, "writing %s failed (or an input changed size while read): %s", out_path,
		    strerror(errno));
	} else if (pkg_sign_digest(key_path, BUNDLE_SIG_DOMAIN, hash, sig, errbuf, errlen)) {
		ok = 0;
	} else if (write(fd, sig, sizeof sig) != (ssize_t)sizeof sig || fsync(fd) != 0) {
		err(errbuf, errlen, "writing %s failed: %s", out_path, strerror(errno));
		ok = 0;
	}
	if (close(fd) != 0 && ok) {
		err(errbuf, errlen, "writing %s failed: %s", out_path, strerror(errno));
		ok = 0;
	}
	if (ok && rename(tmp, out_path) != 0) {
		err(errbuf, errlen, "cannot write %s: %s", out_path, strerror(errno));
		ok = 0;
	}
	if (!ok)
		unlink(tmp);
	return ok ? 0 : -1;
}
