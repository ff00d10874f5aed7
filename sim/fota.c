#include "fota.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feature.h"

#define DIR_NAME "fota"
#define PKG "fota/package"
#define PKG_TMP "fota/package.tmp"
#define META "fota/meta"

uint32_t sim_fota_crc32(uint32_t crc, const void *data, size_t n)
{
	const uint8_t *p = data;
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void sync_dir(const struct sim_flash *f)
{
	char path[600];
	int fd;
	if (sim_flash_path(f, DIR_NAME, path, sizeof path))
		return;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static void remove_rec(const struct sim_flash *f, const char *name)
{
	char path[600];
	if (sim_flash_path(f, name, path, sizeof path) == 0)
		unlink(path);
}

static long file_size(const struct sim_flash *f, const char *name)
{
	char path[600];
	struct stat st;
	if (sim_flash_path(f, name, path, sizeof path) || stat(path, &st) < 0)
		return -1;
	return (long)st.st_size;
}

int sim_fota_boot(const struct sim_flash *f)
{
	char path[600];
	struct sim_kv kv;
	long size;
	if (sim_flash_path(f, DIR_NAME, path, sizeof path))
		return -ENAMETOOLONG;
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* note §5.1: a download cut by a power loss is gone at wake-up */
	remove_rec(f, PKG_TMP);
	remove_rec(f, META ".tmp");
	size = file_size(f, PKG);
	if (size < 0) {
		remove_rec(f, META);
		return 0;
	}
	/* a cut between the rename and the meta write: not a package */
	if (sim_kv_load(f, META, &kv) < 0 || sim_kv_get_long(&kv, "complete", 0) != 1 ||
	    sim_kv_get_long(&kv, "size", -1) != size) {
		remove_rec(f, META);
		remove_rec(f, PKG);
		sync_dir(f);
	}
	return 0;
}

int sim_fota_begin(struct sim_fota_dl *d, const struct sim_flash *f)
{
	char path[600];
	memset(d, 0, sizeof *d);
	if (sim_flash_path(f, PKG_TMP, path, sizeof path))
		return -ENAMETOOLONG;
	d->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (d->fd < 0)
		return -errno;
	d->open = true;
	return 0;
}

int sim_fota_append(struct sim_fota_dl *d, const void *p, size_t n)
{
	const uint8_t *b = p;
	if (!d->open)
		return -EBADF;
	if (d->size + n > SIM_FOTA_MAX)
		return -ENOSPC;
	d->crc = sim_fota_crc32(d->crc, b, n);
	d->size += n;
	return sim_flash_write_fd(d->fd, b, n);
}

void sim_fota_close(struct sim_fota_dl *d)
{
	if (d->open)
		close(d->fd);
	d->open = false;
}

void sim_fota_discard(struct sim_fota_dl *d, const struct sim_flash *f)
{
	sim_fota_close(d);
	remove_rec(f, PKG_TMP);
}

int sim_fota_commit(struct sim_fota_dl *d, const struct sim_flash *f, struct sim_kv *meta)
{
	char from[600], to[600], crc[16];
	int err = 0;
	if (!d->open)
		return -EBADF;
	if (fsync(d->fd) < 0)
		err = -errno;
	sim_fota_close(d);
	if (err)
		goto fail;
	/* The old package stops being one before the new one takes its
	 * name: a cut in between leaves no package, never a mismatched one. */
	remove_rec(f, META);
	sync_dir(f);
	if (sim_flash_path(f, PKG_TMP, from, sizeof from) || sim_flash_path(f, PKG, to, sizeof to)) {
		err = -ENAMETOOLONG;
		goto fail;
	}
	if (rename(from, to) < 0) {
		err = -errno;
		goto fail;
	}
	sync_dir(f);
	snprintf(crc, sizeof crc, "%08x", (unsigned)d->crc);
	sim_kv_set_long(meta, "size", (long)d->size);
	sim_kv_set(meta, "crc32", crc);
	sim_kv_set_long(meta, "complete", 1);
	err = sim_kv_save(f, META, meta);
	sync_dir(f);
	if (err)
		remove_rec(f, PKG);
	return err;
fail:
	remove_rec(f, PKG_TMP);
	return err;
}

int sim_fota_package_path(const struct sim_flash *f, char *out, size_t cap)
{
	return sim_flash_path(f, PKG, out, cap);
}

void sim_fota_remove(const struct sim_flash *f)
{
	remove_rec(f, META);
	sync_dir(f);
	remove_rec(f, PKG);
	sync_dir(f);
}

bool sim_fota_present(const struct sim_flash *f, struct sim_kv *meta)
{
	struct sim_kv kv;
	struct sim_kv *k = meta ? meta : &kv;
	long size = file_size(f, PKG);
	return size >= 0 && sim_kv_load(f, META, k) == 0 &&
	       sim_kv_get_long(k, "complete", 0) == 1 && sim_kv_get_long(k, "size", -1) == size;
}

/* note §5.1: after a power loss during a download the module wakes up in
 * normal mode, without the partial package. */
static int power_on(struct sim_modem *m, void *st)
{
	(void)st;
	sim_fota_boot(m->flash);
	return 0;
}

/* The FOTA area as a feature of the module: its power-on cleanup. */
const struct sim_feature sim_feature_fota_area = {
	.name = "fota_area",
	.power_on = power_on,
};
