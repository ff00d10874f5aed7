#include "flash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_p(const char *path)
{
	char tmp[512];
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof tmp)
		return -ENAMETOOLONG;
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- in memory: records share their bytes with equal ones ---- */

struct blob {
	struct blob *next; /* in its bucket */
	uint64_t hash;
	size_t len;
	unsigned long refs;
	unsigned char data[];
};

struct rec {
	struct rec *next;
	struct blob *blob;
	char name[];
};

struct sim_flash_mem {
	struct rec *recs;
};

#define BUCKETS 65536u
static struct blob **buckets;

static uint64_t fnv1a(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static struct blob *blob_get(const void *data, size_t len)
{
	uint64_t h = fnv1a(data, len);
	struct blob **head, *b;
	if (!buckets && !(buckets = calloc(BUCKETS, sizeof *buckets)))
		return NULL;
	head = &buckets[h % BUCKETS];
	for (b = *head; b; b = b->next)
		if (b->hash == h && b->len == len && memcmp(b->data, data, len) == 0) {
			b->refs++;
			return b;
		}
	b = malloc(sizeof *b + len);
	if (!b)
		return NULL;
	b->hash = h;
	b->len = len;
	b->refs = 1;
	if (len)
		memcpy(b->data, data, len);
	b->next = *head;
	*head = b;
	return b;
}

static void blob_put(struct blob *b)
{
	if (--b->refs)
		return;
	for (struct blob **p = &buckets[b->hash % BUCKETS]; *p; p = &(*p)->next)
		if (*p == b) {
			*p = b->next;
			break;
		}
	free(b);
}

static struct rec **rec_find(const struct sim_flash *f, const char *name)
{
	struct rec **r = &f->mem->recs;
	while (*r && strcmp((*r)->name, name) != 0)
		r = &(*r)->next;
	return r;
}

static int mem_write(const struct sim_flash *f, const char *name, const void *data, size_t len)
{
	struct rec **r = rec_find(f, name);
	struct blob *b = blob_get(data, len);
	if (!b)
		return -ENOMEM;
	if (!*r) {
		size_t n = strlen(name) + 1;
		struct rec *nr = malloc(sizeof *nr + n);
		if (!nr) {
			blob_put(b);
			return -ENOMEM;
		}
		memcpy(nr->name, name, n);
		nr->next = NULL;
		nr->blob = NULL;
		*r = nr;
	}
	if ((*r)->blob)
		blob_put((*r)->blob);
	(*r)->blob = b;
	return 0;
}

static void mem_remove(const struct sim_flash *f, const char *name)
{
	struct rec **r = rec_find(f, name), *gone = *r;
	if (!gone)
		return;
	*r = gone->next;
	blob_put(gone->blob);
	free(gone);
}

int sim_flash_open_memory(struct sim_flash *f, const char *name)
{
	snprintf(f->dir, sizeof f->dir, "%s", name);
	f->mem = calloc(1, sizeof *f->mem);
	return f->mem ? 0 : -ENOMEM;
}

void sim_flash_close(struct sim_flash *f)
{
	if (!f->mem)
		return;
	while (f->mem->recs)
		mem_remove(f, f->mem->recs->name);
	free(f->mem);
	f->mem = NULL;
}

/* ---- in a directory ---- */

int sim_flash_open(struct sim_flash *f, const char *dir)
{
	char files[600];
	int rc;
	f->mem = NULL;
	if (strlen(dir) >= sizeof f->dir)
		return -ENAMETOOLONG;
	snprintf(f->dir, sizeof f->dir, "%s", dir);
	rc = mkdir_p(dir);
	if (rc)
		return rc;
	snprintf(files, sizeof files, "%s/files", dir);
	return mkdir_p(files);
}

int sim_flash_path(const struct sim_flash *f, const char *name, char *out, size_t cap)
{
	if (f->mem)
		return -1;
	int n = snprintf(out, cap, "%s/%s", f->dir, name);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

bool sim_flash_exists(const struct sim_flash *f, const char *name)
{
	char path[600];
	if (f->mem)
		return *rec_find(f, name) != NULL;
	return sim_flash_path(f, name, path, sizeof path) == 0 && access(path, F_OK) == 0;
}

int sim_flash_write_fd(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int sim_flash_write(const struct sim_flash *f, const char *name, const void *data, size_t len)
{
	char path[600], tmp[620];
	const char *p = data;
	int fd, dfd, err = 0;
	if (f->mem)
		return mem_write(f, name, data, len);
	if (sim_flash_path(f, name, path, sizeof path))
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = sim_flash_write_fd(fd, p, len);
	if (!err && fsync(fd) < 0)
		err = -errno;
	close(fd);
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		unlink(tmp);
		return err;
	}
	/* the rename itself must survive the power cut */
	dfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int sim_flash_remove(const struct sim_flash *f, const char *name)
{
	char path[600], *slash;
	int fd, err = 0;
	if (f->mem) {
		mem_remove(f, name);
		return 0;
	}
	if (sim_flash_path(f, name, path, sizeof path))
		return -ENAMETOOLONG;
	if (unlink(path) < 0 && errno != ENOENT)
		err = -errno;
	slash = strrchr(path, '/');
	*slash = '\0'; /* the directory that held it: the removal must survive a cut */
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return err;
}

void sim_flash_sync_dir(const struct sim_flash *f)
{
	if (f->mem)
		return;
	int fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

long sim_flash_read(const struct sim_flash *f, const char *name, void *buf, size_t cap)
{
	char path[600];
	size_t got = 0;
	int fd;
	if (f->mem) {
		const struct rec *r = *rec_find(f, name);
		if (!r)
			return -ENOENT;
		got = r->blob->len < cap ? r->blob->len : cap;
		memcpy(buf, r->blob->data, got);
		return (long)got;
	}
	if (sim_flash_path(f, name, path, sizeof path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (got < cap) {
		ssize_t n = read(fd, (char *)buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return (long)got;
}

void sim_kv_clear(struct sim_kv *kv)
{
	kv->n = 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* a key is one word of visible characters */
static bool key_ok(const char *k, size_t n)
{
	if (!n || n >= SIM_KV_KEY)
		return false; /* cut, a long key could alias another */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)k[i] <= ' ' || k[i] == 0x7f)
			return false;
	return true;
}

int sim_kv_parse(struct sim_kv *kv, const char *text, size_t len)
{
	size_t i = 0;
	int rejected = 0;
	sim_kv_clear(kv);
	while (i < len) {
		size_t start = i, end, k0, k1, v0, v1, eq;
		char key[SIM_KV_KEY], val[SIM_KV_VAL];
		while (i < len && text[i] != '\n')
			i++;
		end = i++; /* the line is [start, end) */
		k0 = start;
		while (k0 < end && blank(text[k0]))
			k0++;
		if (k0 == end || text[k0] == '#')
			continue; /* empty line or comment */
		for (eq = k0; eq < end && text[eq] != '='; eq++)
			;
		k1 = eq;
		while (k1 > k0 && blank(text[k1 - 1]))
			k1--;
		v0 = eq + 1;
		while (v0 < end && blank(text[v0]))
			v0++;
		v1 = end;
		while (v1 > v0 && blank(text[v1 - 1]))
			v1--;
		/* no '=', a bad key, or a NUL in the value: not a record line */
		if (eq == end || !key_ok(text + k0, k1 - k0) || memchr(text + v0, '\0', v1 - v0)) {
			rejected++;
			continue;
		}
		memcpy(key, text + k0, k1 - k0);
		key[k1 - k0] = '\0';
		if (v1 - v0 >= SIM_KV_VAL) { /* values are cut, as sim_kv_set does */
			v1 = v0 + SIM_KV_VAL - 1;
			while (v1 > v0 && blank(text[v1 - 1]))
				v1--;
		}
		memcpy(val, text + v0, v1 - v0);
		val[v1 - v0] = '\0';
		if (sim_kv_set(kv, key, val) < 0)
			rejected++;
	}
	return rejected;
}

int sim_kv_load(const struct sim_flash *f, const char *name, struct sim_kv *kv)
{
	static char buf[SIM_KV_MAX * (SIM_KV_KEY + SIM_KV_VAL + 2)];
	long len;
	sim_kv_clear(kv);
	len = sim_flash_read(f, name, buf, sizeof buf);
	if (len < 0)
		return (int)len;
	sim_kv_parse(kv, buf, (size_t)len);
	return 0;
}

int sim_kv_save(const struct sim_flash *f, const char *name, const struct sim_kv *kv)
{
	static char buf[SIM_KV_MAX * (SIM_KV_KEY + SIM_KV_VAL + 2)];
	size_t len = 0;
	for (int i = 0; i < kv->n; i++) {
		int n = snprintf(buf + len, sizeof buf - len, "%s=%s\n", kv->key[i], kv->val[i]);
		if (n < 0 || (size_t)n >= sizeof buf - len)
			return -ENOSPC;
		len += (size_t)n;
	}
	return sim_flash_write(f, name, buf, len);
}

const char *sim_kv_get(const struct sim_kv *kv, const char *key)
{
	for (int i = 0; i < kv->n; i++)
		if (strcmp(kv->key[i], key) == 0)
			return kv->val[i];
	return NULL;
}

long sim_kv_get_long(const struct sim_kv *kv, const char *key, long dflt)
{
	const char *v = sim_kv_get(kv, key);
	char *end;
	long r;
	if (!v || !*v)
		return dflt;
	r = strtol(v, &end, 10);
	return *end ? dflt : r;
}

int sim_kv_set(struct sim_kv *kv, const char *key, const char *val)
{
	int i;
	for (i = 0; i < kv->n; i++)
		if (strcmp(kv->key[i], key) == 0)
			break;
	if (i == kv->n) {
		if (kv->n == SIM_KV_MAX)
			return -1;
		snprintf(kv->key[i], SIM_KV_KEY, "%s", key);
		kv->n++;
	}
	snprintf(kv->val[i], SIM_KV_VAL, "%s", val);
	for (char *p = kv->val[i]; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return 0;
}

int sim_kv_set_long(struct sim_kv *kv, const char *key, long val)
{
	char s[24];
	snprintf(s, sizeof s, "%ld", val);
	return sim_kv_set(kv, key, s);
}
