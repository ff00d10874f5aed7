/* The device-data backup file (qbackup.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bytes.h"
#include "qbackup.h"

enum { B_MAGIC = 0, B_LEN = 8, B_SHA = 16, B_IMEI = 48, B_SERIAL = 64, B_RESERVED = 88 };

static bool luhn_ok(const char *d)
{
	int sum = 0;
	for (int i = 0; i < 15; i++) {
		int v = d[i] - '0';
		if (i % 2) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

bool qbk_imei(const uint8_t *data, size_t len, char imei[16])
{
	for (size_t at = 0; at + 20 <= len; at++) {
		if ((at && data[at - 1] != '\n') || memcmp(data + at, "imei=", 5) != 0)
			continue;
		const uint8_t *d = data + at + 5;
		size_t n = 0;
		while (n < 16 && at + 5 + n < len && d[n] >= '0' && d[n] <= '9')
			n++;
		if (n != 15)
			continue;
		memcpy(imei, d, 15);
		imei[15] = '\0';
		if (luhn_ok(imei))
			return true;
	}
	imei[0] = '\0';
	return false;
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int bad = mkdir(path, 0700) < 0 && errno != EEXIST;
		*p = '/';
		if (bad)
			return -1;
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int qbk_dir(const char *dir, char *out, size_t cap)
{
	const char *env = getenv("SARAFW_STATE_DIR"), *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;
	if (dir && dir[0])
		n = snprintf(out, cap, "%s", dir);
	else if (env && env[0])
		n = snprintf(out, cap, "%s", env);
	else if (xdg && xdg[0])
		n = snprintf(out, cap, "%s/sarafw", xdg);
	else if (home && home[0])
		n = snprintf(out, cap, "%s/.local/state/sarafw", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return mkdirs(out);
}

static void hex8(const uint8_t *p, char *out)
{
	snprintf(out, 9, "%02x%02x%02x%02x", p[0], p[1], p[2], p[3]);
}

int qbk_save(const char *dir, const char *serial, const char *imei, const uint8_t *data, size_t len, qbackup *out)
{
	uint8_t h[QBK_HEADER] = { 0 };
	char tmp[4200];
	memset(out, 0, sizeof *out);
	EVP_Digest(data, len, out->sha256, NULL, EVP_sha256(), NULL);
	if (serial && serial[0])
		snprintf(out->hash, sizeof out->hash, "%s", serial);
	else
		hex8(out->sha256, out->hash);
	snprintf(out->imei, sizeof out->imei, "%s", imei);
	out->len = len;
	memcpy(h + B_MAGIC, QBK_MAGIC, 8);
	put64(h + B_LEN, len);
	memcpy(h + B_SHA, out->sha256, 32);
	memcpy(h + B_IMEI, out->imei, strlen(out->imei));
	if (serial)
		memcpy(h + B_SERIAL, serial, strnlen(serial, 23));
	int n = snprintf(out->path, sizeof out->path, "%s/SARAFW_archive_%s_%s.qbackup", dir, out->hash, out->imei);
	if (n < 0 || (size_t)n >= sizeof out->path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%s.new", out->path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	bool ok = write(fd, h, sizeof h) == (ssize_t)sizeof h && write(fd, data, len) == (ssize_t)len &&
		  fsync(fd) == 0;
	int e = errno;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, out->path) != 0) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* Read and check a file's header into b (path set). */
static bool header(qbackup *b)
{
	uint8_t h[QBK_HEADER];
	struct stat st;
	int fd = open(b->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = read(fd, h, sizeof h) == (ssize_t)sizeof h && fstat(fd, &st) == 0;
	close(fd);
	if (!ok || memcmp(h, QBK_MAGIC, 8) != 0 || h[B_IMEI + 15] || h[B_SERIAL + 23])
		return false;
	b->len = get64(h + B_LEN);
	memcpy(b->sha256, h + B_SHA, 32);
	memcpy(b->imei, h + B_IMEI, 16);
	memcpy(b->hash, h + B_SERIAL, 24);
	if (!b->hash[0])
		hex8(b->sha256, b->hash);
	return b->len > 0 && b->len <= QBK_DATA_MAX && (uint64_t)st.st_size == QBK_HEADER + b->len;
}

int qbk_find(const char *dir, const char *serial, const char *imei, qbackup *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0;
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while (!found && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "SARAFW_archive_", 15) != 0 || n < 8 || strcmp(e->d_name + n - 8, ".qbackup") != 0)
			continue;
		qbackup b = { 0 };
		if (snprintf(b.path, sizeof b.path, "%s/%s", dir, e->d_name) >= (int)sizeof b.path || !header(&b))
			continue;
		uint8_t *data = malloc(b.len);
		bool good = data && qbk_load(&b, data, b.len) == 0;
		free(data);
		if (!good)
			continue;
		bool by_serial = serial && serial[0] && strcmp(b.hash, serial) == 0;
		bool by_imei = imei && imei[0] && strcmp(b.imei, imei) == 0;
		/* the chip serial decides where the module gives one; a known
		 * IMEI must then agree */
		if (serial && serial[0] ? by_serial && (!imei || !imei[0] || by_imei) : by_imei) {
			*out = b;
			found = 1;
		}
	}
	closedir(d);
	return found;
}

int qbk_load(qbackup *b, uint8_t *data, size_t cap)
{
	uint8_t sha[32];
	if (!header(b) || b->len > cap)
		return -1;
	int fd = open(b->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	bool ok = pread(fd, data, (size_t)b->len, QBK_HEADER) == (ssize_t)b->len;
	close(fd);
	EVP_Digest(data, (size_t)b->len, sha, NULL, EVP_sha256(), NULL);
	return ok && memcmp(sha, b->sha256, 32) == 0 ? 0 : -1;
}
