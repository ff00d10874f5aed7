/* The partitions of the simulated flash (flashmode.h): their files, what
 * they hold, and how they map onto the records the features read. Formats
 * (sim/README.md, "Flash mode"):
 *   sbl, modem, apps  "SARAFW-IMAGE <name> <version> <length> <sha256>\n"
 *                     then <length> bytes; modem's bytes are firmware.bin,
 *                     its version ATI9's first part, apps' the second
 *   mno               "MNO <id> <name>" lines (as a "PROFILE" file begins)
 *   efs               "SARAFW-EFS\n", then "NV <key>=<value>\n" lines (the
 *                     image's NVM defaults) and "FILE <name> <size>\n"
 *                     followed by <size> bytes (user files)
 *   devdata           "key=value" lines: imei=, calibration=, ...; NULs
 *                     to the end
 * Text ends at the first NUL or 0xff (sector padding, erased flash). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "factory.h"
#include "files.h"
#include "flashmode.h"
#include "fota.h"
#include "profiles.h"

const struct sim_flash_part sim_flash_parts[] = {
	{ .name = "sbl", .sectors = 2048, .code = true },     /* 1 MiB */
	{ .name = "modem", .sectors = 65536, .code = true },  /* 32 MiB: a --firmware image fits */
	{ .name = "apps", .sectors = 16384, .code = true },   /* 8 MiB */
	{ .name = "mno", .sectors = 2048, .code = false },    /* 1 MiB */
	{ .name = "efs", .sectors = 8192, .code = false },    /* 4 MiB: SIM_FILES_CAPACITY and more */
	{ .name = "devdata", .sectors = 8, .code = false },   /* 4 KiB */
	{ .name = NULL },
};

#define HEAD_MAX 256 /* an image's header line ends within this */

static const struct sim_flash_part *part(const char *name)
{
	for (const struct sim_flash_part *p = sim_flash_parts; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static void part_name(const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "flash/%s.img", name);
}

/* The partition file's bytes (at most its partition's size), malloc'd;
 * a missing file is empty. *len: how many. NULL on error. */
static uint8_t *load(const struct sim_flash *f, const char *name, size_t *len)
{
	const struct sim_flash_part *p = part(name);
	char rel[64];
	size_t cap = (size_t)p->sectors * SIM_FLASH_SECTOR;
	uint8_t *buf = malloc(cap + 1);
	if (!buf)
		return NULL;
	part_name(name, rel, sizeof rel);
	long n = sim_flash_read(f, rel, buf, cap);
	*len = n < 0 ? 0 : (size_t)n;
	buf[*len] = 0;
	return buf;
}

/* Text ends at NUL or 0xff. */
static size_t text_len(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] != 0 && p[i] != 0xff)
		i++;
	return i;
}

static void sha256_hex(const uint8_t *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Parses an image header; *payload, *plen inside buf. */
static int parse_image(const char *name, const uint8_t *buf, size_t len, char *version, size_t vcap,
		       const uint8_t **payload, size_t *plen, char *why, size_t wcap)
{
	char head[HEAD_MAX + 1], pname[32], ver[64], hex[80];
	unsigned long long n;
	const uint8_t *nl = memchr(buf, '\n', len < HEAD_MAX ? len : HEAD_MAX);
	if (!nl) {
		snprintf(why, wcap, "%s: no image header", name);
		return -1;
	}
	memcpy(head, buf, (size_t)(nl - buf));
	head[nl - buf] = '\0';
	if (sscanf(head, "SARAFW-IMAGE %31s %63s %llu %79s", pname, ver, &n, hex) != 4 ||
	    strcmp(pname, name) != 0 || strlen(hex) != 64) {
		snprintf(why, wcap, "%s: bad image header", name);
		return -1;
	}
	size_t off = (size_t)(nl - buf) + 1;
	if (n > len - off) {
		snprintf(why, wcap, "%s: image cut short (%zu of %llu bytes)", name, len - off, n);
		return -1;
	}
	char got[65];
	sha256_hex(buf + off, (size_t)n, got);
	if (strcmp(got, hex) != 0) {
		snprintf(why, wcap, "%s: image does not match its SHA-256", name);
		return -1;
	}
	snprintf(version, vcap, "%s", ver);
	*payload = buf + off;
	*plen = (size_t)n;
	return 0;
}

int sim_flash_check_image(const struct sim_flash *f, const char *name, char *version, size_t vcap,
			  char *why, size_t wcap)
{
	size_t len, plen;
	const uint8_t *payload;
	uint8_t *buf = load(f, name, &len);
	if (!buf) {
		snprintf(why, wcap, "out of memory");
		return -1;
	}
	int rc = parse_image(name, buf, len, version, vcap, &payload, &plen, why, wcap);
	free(buf);
	return rc;
}

/* Export: one partition file from bytes. */
static int put_part(const struct sim_flash *f, const char *name, const void *p, size_t n)
{
	char rel[64];
	part_name(name, rel, sizeof rel);
	return sim_flash_write(f, rel, p, n);
}

static int put_image(const struct sim_flash *f, const char *name, const char *version, const uint8_t *p,
		     size_t n)
{
	char hex[65];
	char head[HEAD_MAX];
	sha256_hex(p, n, hex);
	int h = snprintf(head, sizeof head, "SARAFW-IMAGE %s %s %zu %s\n", name, version, n, hex);
	uint8_t *buf = malloc((size_t)h + n);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, head, (size_t)h);
	memcpy(buf + h, p, n);
	int rc = put_part(f, name, buf, (size_t)h + n);
	free(buf);
	return rc;
}

/* A growing text buffer (export of mno, efs, devdata). */
struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

static void text_put(struct text *t, const void *s, size_t n)
{
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->cap ? t->cap * 2 : 4096) + n;
		char *q = realloc(t->p, cap);
		if (!q) {
			t->oom = true;
			return;
		}
		t->p = q;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void text_printf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_printf(struct text *t, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0)
		text_put(t, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* The NVM keys a flash resets to the image's values (every key the nvm
 * record holds); cpms is left out: after EasyFlash it is unset (§9.1.1). */
static void export_efs(const struct sim_flash *f, struct text *t)
{
	struct sim_kv kv;
	text_printf(t, "SARAFW-EFS\n");
	if (sim_kv_load(f, "nvm", &kv) == 0)
		for (int i = 0; i < kv.n; i++)
			if (strcmp(kv.key[i], "cpms") != 0)
				text_printf(t, "NV %s=%s\n", kv.key[i], kv.val[i]);
	char dir[600];
	if (sim_flash_path(f, "files", dir, sizeof dir))
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!sim_files_name_ok(e->d_name, strlen(e->d_name)))
			continue;
		long size = sim_files_size(f, e->d_name);
		if (size < 0)
			continue;
		uint8_t *buf = malloc((size_t)size + 1);
		if (!buf)
			continue;
		long n = sim_files_read(f, e->d_name, 0, buf, (size_t)size);
		if (n == size && strchr(e->d_name, ' ') == NULL) {
			text_printf(t, "FILE %s %ld\n", e->d_name, size);
			text_put(t, buf, (size_t)size);
		}
		free(buf);
	}
	closedir(d);
}

int sim_flash_export(const struct sim_flash *f, const struct sim_variant *v)
{
	struct sim_kv kv;
	char modem[64], app[64];
	int rc;
	char dir[600];
	if (sim_flash_path(f, "flash", dir, sizeof dir))
		return -ENAMETOOLONG;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (sim_kv_load(f, "firmware", &kv) < 0)
		sim_kv_clear(&kv);
	snprintf(modem, sizeof modem, "%s", sim_kv_get(&kv, "modem_version") ? sim_kv_get(&kv, "modem_version") : v->id.modem_fw);
	snprintf(app, sizeof app, "%s", sim_kv_get(&kv, "app_version") ? sim_kv_get(&kv, "app_version") : v->id.app_fw);

	/* sbl: the boot code, derived like the built-in image */
	{
		uint8_t boot[4096];
		sim_factory_image(v, "sbl", modem, boot, sizeof boot);
		if ((rc = put_image(f, "sbl", modem, boot, sizeof boot)) < 0)
			return rc;
	}
	/* modem: the running image */
	{
		size_t cap = (size_t)part("modem")->sectors * SIM_FLASH_SECTOR;
		uint8_t *img = malloc(cap);
		if (!img)
			return -ENOMEM;
		long n = sim_flash_read(f, "firmware.bin", img, cap - HEAD_MAX);
		if (n < 0) {
			n = SIM_FACTORY_IMAGE_SIZE;
			sim_factory_image(v, modem, app, img, (size_t)n);
		}
		rc = put_image(f, "modem", modem, img, (size_t)n);
		free(img);
		if (rc < 0)
			return rc;
	}
	/* apps */
	{
		uint8_t apps[4096];
		sim_factory_image(v, "apps", app, apps, sizeof apps);
		if ((rc = put_image(f, "apps", app, apps, sizeof apps)) < 0)
			return rc;
	}
	struct text t = { 0 };
	/* mno: the profiles installed besides the firmware's own */
	{
		int ids[SIM_PROFILES_MAX];
		int n = sim_profiles_ids(f, ids, SIM_PROFILES_MAX);
		text_put(&t, "", 0);
		for (int i = 0; i < n; i++) {
			char name[SIM_PROFILE_NAME_MAX + 1];
			if (sim_profiles_get(f, ids[i], name))
				text_printf(&t, "MNO %d %s\n", ids[i], name);
		}
		rc = t.oom ? -ENOMEM : put_part(f, "mno", t.p ? t.p : "", t.len);
		t.len = 0;
		if (rc < 0)
			goto out;
	}
	export_efs(f, &t);
	rc = t.oom ? -ENOMEM : put_part(f, "efs", t.p, t.len);
	t.len = 0;
	if (rc < 0)
		goto out;
	/* devdata: the IMEI and what the factory calibrated */
	if (sim_kv_load(f, "identity", &kv) < 0)
		sim_kv_clear(&kv);
	for (int i = 0; i < kv.n; i++)
		if (strcmp(kv.key[i], "type_number") != 0)
			text_printf(&t, "%s=%s\n", kv.key[i], kv.val[i]);
	if (!sim_kv_get(&kv, "calibration") && sim_kv_get(&kv, "imei"))
		text_printf(&t, "calibration=rf-%s\n", sim_kv_get(&kv, "imei"));
	/* padded with NULs to the partition's end, as a flasher restores it */
	size_t whole = (size_t)part("devdata")->sectors * SIM_FLASH_SECTOR;
	while (!t.oom && t.len < whole)
		text_put(&t, "\0", 1);
	rc = t.oom ? -ENOMEM : put_part(f, "devdata", t.p, t.len < whole ? t.len : whole);
out:
	free(t.p);
	return rc;
}

/* The next line of text (without LF, CR dropped) into line; false at the end. */
static bool next_line(const char *s, size_t n, size_t *pos, char *line, size_t cap)
{
	if (*pos >= n)
		return false;
	const char *start = s + *pos, *nl = memchr(start, '\n', n - *pos);
	size_t k = nl ? (size_t)(nl - start) : n - *pos;
	*pos += k + (nl ? 1 : 0);
	if (k && start[k - 1] == '\r')
		k--;
	if (k >= cap)
		k = cap - 1;
	memcpy(line, start, k);
	line[k] = '\0';
	return true;
}

static int apply_mno(const struct sim_flash *f)
{
	size_t len, pos = 0;
	uint8_t *buf = load(f, "mno", &len);
	char line[200];
	if (!buf)
		return -1;
	len = text_len(buf, len);
	if (sim_profiles_keep_only(f, 0) < 0) {
		free(buf);
		return -1;
	}
	while (next_line((const char *)buf, len, &pos, line, sizeof line)) {
		int id;
		char name[SIM_PROFILE_NAME_MAX + 1];
		size_t k = strlen(line);
		line[k] = '\n';
		if (sim_profile_parse((const uint8_t *)line, k + 1, &id, name) == 0)
			sim_profiles_install(f, id, name);
	}
	free(buf);
	return 0;
}

/* User files erased, then the image's; NVM at the image's defaults. */
static int apply_efs(const struct sim_flash *f, const struct sim_variant *v)
{
	size_t len, pos = 0;
	uint8_t *buf = load(f, "efs", &len);
	struct sim_kv nvm;
	char line[600], dir[600];
	if (!buf)
		return -1;
	if (sim_flash_path(f, "files", dir, sizeof dir) == 0) {
		DIR *d = opendir(dir);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.')
				sim_files_delete(f, e->d_name);
		if (d)
			closedir(d);
	}
	sim_factory_nvm(v, &nvm);
	if (len >= 11 && memcmp(buf, "SARAFW-EFS\n", 11) == 0) {
		pos = 11;
		while (pos < len && buf[pos] != 0 && buf[pos] != 0xff) {
			if (!next_line((const char *)buf, len, &pos, line, sizeof line))
				break;
			char *eq;
			char name[SIM_FILES_NAME_MAX + 2];
			unsigned long long size;
			if (strncmp(line, "NV ", 3) == 0 && (eq = strchr(line + 3, '='))) {
				*eq = '\0';
				sim_kv_set(&nvm, line + 3, eq + 1);
			} else if (sscanf(line, "FILE %249s %llu", name, &size) == 2 && size <= len - pos) {
				struct sim_files_dl dl = { 0 };
				if (sim_files_name_ok(name, strlen(name)) && sim_files_begin(&dl, f) == 0) {
					if (sim_files_append(&dl, buf + pos, (size_t)size) == 0)
						sim_files_commit(&dl, f, name);
					else
						sim_files_discard(&dl, f);
				}
				pos += (size_t)size;
			} else {
				break; /* not ours: the rest is not read */
			}
		}
	}
	free(buf);
	/* note §9.1.1: SMS storage unset until the host sets +CPMS once */
	sim_kv_set(&nvm, "cpms", "unset");
	return sim_kv_save(f, "nvm", &nvm) < 0 ? -1 : 0;
}

/* The IMEI and calibration come back from devdata, or are lost with it. */
static int apply_devdata(const struct sim_flash *f, const struct sim_variant *v)
{
	size_t len, pos = 0;
	uint8_t *buf = load(f, "devdata", &len);
	struct sim_kv id;
	char line[300];
	if (!buf)
		return -1;
	len = text_len(buf, len);
	sim_kv_clear(&id);
	sim_kv_set(&id, "type_number", v->id.type_number);
	while (next_line((const char *)buf, len, &pos, line, sizeof line)) {
		char *eq = strchr(line, '=');
		if (!eq || eq == line)
			continue;
		*eq = '\0';
		if (strcmp(line, "type_number") == 0)
			continue;
		if (strcmp(line, "imei") == 0 && !sim_factory_imei_ok(eq + 1))
			continue; /* a damaged IMEI is no IMEI */
		sim_kv_set(&id, line, eq + 1);
	}
	free(buf);
	return sim_kv_save(f, "identity", &id) < 0 ? -1 : 0;
}

int sim_flash_apply(const struct sim_flash *f, const struct sim_variant *v, char *why, size_t wcap)
{
	char modem[64], app[64], sbl[64];
	size_t len, plen;
	const uint8_t *payload;
	struct sim_kv kv;
	if (sim_flash_check_image(f, "sbl", sbl, sizeof sbl, why, wcap) < 0 ||
	    sim_flash_check_image(f, "apps", app, sizeof app, why, wcap) < 0)
		return -1;
	uint8_t *buf = load(f, "modem", &len);
	if (!buf) {
		snprintf(why, wcap, "out of memory");
		return -1;
	}
	if (parse_image("modem", buf, len, modem, sizeof modem, &payload, &plen, why, wcap) < 0) {
		free(buf);
		return -1;
	}
	/* modem firmware: the running image and ATI9's pair */
	int rc = sim_flash_write(f, "firmware.bin", payload, plen);
	free(buf);
	if (rc < 0) {
		snprintf(why, wcap, "cannot write firmware.bin");
		return -1;
	}
	if (sim_kv_load(f, "firmware", &kv) < 0)
		sim_kv_clear(&kv);
	sim_kv_set(&kv, "variant", v->name);
	sim_kv_set(&kv, "modem_version", modem);
	sim_kv_set(&kv, "app_version", app);
	if (sim_kv_save(f, "firmware", &kv) < 0 || apply_mno(f) < 0 || apply_efs(f, v) < 0 ||
	    apply_devdata(f, v) < 0) {
		snprintf(why, wcap, "cannot write the records");
		return -1;
	}
	/* what the old firmware left: a downloaded package, an install, SMS */
	sim_fota_remove(f);
	sim_flash_remove(f, "sms");
	/* note §9.1: armed to back up at the first boot */
	if (v->backup_restore) {
		sim_kv_clear(&kv);
		sim_kv_set_long(&kv, "count", 0);
		sim_kv_set_long(&kv, "armed", 1);
		if (sim_kv_save(f, "backup", &kv) < 0) {
			snprintf(why, wcap, "cannot write the backup record");
			return -1;
		}
	}
	return 0;
}
