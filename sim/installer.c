/* The firmware installer (installer.h): journal, Firmware Install Mode,
 * checks, progress, commit per note Tables 8/9, power-cut recovery. */
#include "installer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "feature.h"
#include "fota.h"
#include "pkg.h"
#include "profiles.h"

#define JOURNAL "install"
#define IMAGE "firmware.bin"
#define IMAGE_NEW "firmware.new"
#define KEY "fota_key.pub"
#define KEY_MAX 4096
#define NO_FILE 144   /* note Table 5: the file to install does not exist */
#define FLASH_WRITE 160
#define PAD_MAX 1024  /* XMODEM-1k's padding of the last block, at most */
#define ENTER_MS 2000u  /* from the reset to the first step (bootloader start) */
#define CHECK_MS 3000u  /* pre-validation of the package */
#define REBOOT_MS 1000u /* from the final code to the reset */
/* note Table 5: where the configuration port cannot be read */
#define FALLBACK_BAUD 115200u

enum phase { PH_NONE, PH_START, PH_CHECK, PH_WRITE, PH_BOOT, PH_COMMIT, PH_DONE };
static const char *const phase_names[] = {"", "start", "check", "write", "boot", "commit", "done"};

struct installer {
	enum phase phase;
	int port;
	uint32_t baud;
	enum sim_install_source source;
	int progress;      /* last reported, 0 before the first */
	uint32_t step_ms;  /* module time between two progress reports */
	uint32_t rng;      /* progress increments: from the package's CRC */
	int boot_lo, boot_hi; /* the boot code section, in percent; 0,0: none */
	long backups;      /* the backup count after the commit */
	pkg_info info;
};

extern const struct sim_feature sim_feature_installer;

static struct installer *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_installer);
}

static void logf_(struct sim_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct sim_modem *m, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
}

static bool urcs(const struct sim_modem *m)
{
	return (m->v->urcs & SIM_URC_UFWINSTALL) != 0; /* note §6.1 vs §6.2 */
}

static int save_journal(struct sim_modem *m, const struct installer *in)
{
	struct sim_kv kv;
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "phase", phase_names[in->phase]);
	sim_kv_set_long(&kv, "port", in->port);
	sim_kv_set_long(&kv, "baud", (long)in->baud);
	sim_kv_set(&kv, "source", in->source == SIM_INSTALL_LWM2M ? "lwm2m" : "foat");
	sim_kv_set_long(&kv, "progress", in->progress);
	if (in->phase == PH_COMMIT)
		sim_kv_set_long(&kv, "backups", in->backups);
	return sim_kv_save(m->flash, JOURNAL, &kv);
}

/* One +UFWINSTALL URC on the port and rate of the journal. */
static void report(struct sim_modem *m, struct installer *in, int value)
{
	char text[32];
	snprintf(text, sizeof text, "+UFWINSTALL: %d", value);
	if (!urcs(m) || in->port == 0) {
		logf_(m, "install %s (not reported)", text + 13);
		return;
	}
	if (in->port == 2) {
		sim_modem_aux_line(m, in->baud, text);
		return;
	}
	sim_modem_urc(m, "%s", text);
}

uint32_t sim_install_duration_ms(const struct sim_variant *v, uint64_t pkg_size, unsigned kind,
				 unsigned flags)
{
	/* note §2.4/Table 3: 35 min for a 10 MB delta on the R422 family;
	 * 21 (23) min on R410M/R412M, whose packages reach 6 MB */
	double ref = v->family == SIM_R422 ? 10e6 : 6e6;
	double t = 20000.0, max = v->t.install_max_ms;
	if (kind & PKG_KIND_FIRMWARE)
		t += 30000.0 + (max - 50000.0) * (double)pkg_size / ref;
	else
		t += 60000.0 * (double)pkg_size / ref;
	if (flags & PKG_FLAG_BOOT)
		t += 60000.0;
	if (kind & PKG_KIND_PROFILE)
		t += 10000.0;
	if (kind & PKG_KIND_NVM)
		t += 5000.0;
	return t > max ? (uint32_t)max : (uint32_t)t;
}

static void reboot_timer(void *ctx, int arg)
{
	(void)arg;
	sim_modem_reboot(ctx);
}

/* The end: the final code, the journal gone, a reset. The package stays
 * after a failure (the old firmware runs; a new download replaces it). */
static void finish(struct sim_modem *m, struct installer *in, int code)
{
	logf_(m, "install result %d", code);
	report(m, in, code);
	if (in->source == SIM_INSTALL_LWM2M) { /* before the journal goes */
		struct sim_kv kv;
		sim_kv_clear(&kv);
		sim_kv_set_long(&kv, "code", code);
		sim_kv_save(m->flash, SIM_INSTALL_RESULT, &kv);
	}
	sim_flash_remove(m->flash, IMAGE_NEW);
	if (code == PKG_R_SUCCESS) {
		sim_fota_remove(m->flash);
		sim_modem_checkpoint(m, "install-done");
	}
	sim_flash_remove(m->flash, JOURNAL);
	in->phase = PH_NONE;
	sim_modem_after(m, REBOOT_MS, reboot_timer, 0);
}

/* The module's FOTA public key (DIR/fota_key.pub, PEM) into pub; false
 * when it is missing or not a valid key (note Table 5: 227). */
static bool load_key(struct sim_modem *m, uint8_t pub[PKG_PUB_SIZE])
{
	char pem[KEY_MAX];
	long n = sim_flash_read(m->flash, KEY, pem, sizeof pem);
	return n > 0 && pkg_pub_parse(pem, (size_t)n, pub) == PKG_OK;
}

static int write_fd(void *ctx, const void *buf, size_t n)
{
	return sim_flash_write_fd(*(int *)ctx, buf, n) ? -1 : 0;
}

/* The stored package as a blob. XMODEM pads the last block with 0x1A
 * (the FOTA area keeps it): up to PAD_MAX such bytes past the header's
 * package length are not part of the package. 0, or -1. */
static int open_package(struct sim_modem *m, int *fd, blob *b, struct sim_kv *meta)
{
	static uint8_t tail[PAD_MAX];
	char path[600];
	uint8_t len[8];
	uint64_t stored, want = 0;
	if (!sim_fota_present(m->flash, meta) || sim_fota_package_path(m->flash, path, sizeof path))
		return -1;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -1;
	if (blob_from_fd(b, fd) < 0) {
		close(*fd);
		return -1;
	}
	stored = b->size;
	if (b->read(b->ctx, 24, len, 8) == 8) /* package length, little-endian */
		for (int i = 7; i >= 0; i--)
			want = want << 8 | len[i];
	if (want >= PKG_HEADER_SIZE && want < stored && stored - want <= PAD_MAX &&
	    b->read(b->ctx, want, tail, (size_t)(stored - want)) == (long)(stored - want)) {
		size_t i = 0;
		while (i < stored - want && tail[i] == 0x1A)
			i++;
		if (i == stored - want)
			b->size = want;
	}
	return 0;
}

/* The module's own checks on a package the format accepted (note Table
 * 5: 247, 158, 168). */
static int module_checks(struct sim_modem *m, const pkg_info *info, enum sim_install_source src)
{
	struct sim_kv fw;
	char running[80];
	if (strcmp(info->product, m->v->id.model) != 0)
		return PKG_R_PREVALIDATION;
	if (!(info->kind & PKG_KIND_FIRMWARE))
		return 0;
	/* note Table 8: R410M/R412M install deltas only; Table 9: a full
	 * package on the R422 family by FOAT, a delta by (u)FOTA */
	if (!(info->flags & PKG_FLAG_DELTA) && (m->v->family != SIM_R422 || src == SIM_INSTALL_LWM2M))
		return PKG_R_NOT_DELTA;
	if (sim_kv_load(m->flash, "firmware", &fw) < 0)
		return PKG_R_GENERIC;
	snprintf(running, sizeof running, "%s,%s",
		 sim_kv_get(&fw, "modem_version") ? sim_kv_get(&fw, "modem_version") : "",
		 sim_kv_get(&fw, "app_version") ? sim_kv_get(&fw, "app_version") : "");
	if ((info->flags & PKG_FLAG_DELTA) && strcmp(info->from_version, running) != 0)
		return PKG_R_SOURCE_MISMATCH;
	return 0;
}

/* A delta's source image must be the one it was made from; an image the
 * module cannot read is its own failure, not the package's: 129
 * (docs/behaviour.md). */
static int source_ok(int *src, const blob *b, const pkg_info *info)
{
	uint8_t sha[32];
	if (!(info->flags & PKG_FLAG_DELTA))
		return 0;
	if (*src < 0 || pkg_sha256(b, sha) < 0)
		return PKG_R_GENERIC;
	return memcmp(sha, info->source_sha256, 32) == 0 ? 0 : PKG_R_SOURCE_MISMATCH;
}

/* Timing of a checked package: ~40 progress steps over its duration
 * (note §6.1.3), increments from the package's CRC, the boot section. */
static void plan(struct sim_modem *m, struct installer *in, const struct sim_kv *meta)
{
	uint64_t size = (uint64_t)sim_kv_get_long(meta, "size", 0);
	uint32_t total = sim_install_duration_ms(m->v, size, in->info.kind, in->info.flags);
	const char *crc = sim_kv_get(meta, "crc32");
	in->step_ms = total > CHECK_MS ? (total - CHECK_MS) / 40u : 1u;
	in->rng = (uint32_t)strtoul(crc ? crc : "1", NULL, 16) ^ (uint32_t)in->progress;
	in->boot_lo = in->boot_hi = 0;
	if (in->info.flags & PKG_FLAG_BOOT) {
		in->boot_lo = 40; /* the simulator's choice: docs/behaviour.md */
		in->boot_hi = 60;
	}
}

/* Check the package and build DIR/firmware.new (fsynced). 0 or a code. */
static int check_and_build(struct sim_modem *m, struct installer *in)
{
	char path[600];
	uint8_t pub[PKG_PUB_SIZE];
	struct sim_kv meta;
	blob pkg, image = {.read = NULL, .ctx = NULL, .size = 0};
	int fd, src = -1, out = -1, rc;
	if (open_package(m, &fd, &pkg, &meta) < 0)
		return NO_FILE;
	rc = pkg_check(&pkg, load_key(m, pub) ? pub : NULL, &in->info);
	if (rc)
		logf_(m, "install: %s", in->info.why);
	if (!rc)
		rc = module_checks(m, &in->info, in->source);
	if (!rc && (in->info.kind & PKG_KIND_FIRMWARE)) {
		if (sim_flash_path(m->flash, IMAGE, path, sizeof path) == 0)
			src = open(path, O_RDONLY | O_CLOEXEC);
		if (src >= 0 && blob_from_fd(&image, &src) < 0) {
			close(src);
			src = -1;
		}
		rc = source_ok(&src, &image, &in->info);
		if (!rc && sim_flash_path(m->flash, IMAGE_NEW, path, sizeof path) == 0)
			out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (!rc && out < 0)
			rc = FLASH_WRITE;
		if (!rc)
			rc = pkg_apply(&pkg, &in->info, src >= 0 ? &image : NULL, write_fd, &out);
		if (!rc && fsync(out) < 0)
			rc = FLASH_WRITE;
	}
	if (out >= 0)
		close(out);
	if (src >= 0)
		close(src);
	close(fd);
	if (!rc)
		plan(m, in, &meta);
	return rc;
}

/* The stored package's header again (after a power cut): 0 or a code. */
static int reload(struct sim_modem *m, struct installer *in)
{
	uint8_t pub[PKG_PUB_SIZE];
	struct sim_kv meta;
	blob pkg;
	int fd, rc;
	if (open_package(m, &fd, &pkg, &meta) < 0)
		return NO_FILE;
	rc = pkg_check(&pkg, load_key(m, pub) ? pub : NULL, &in->info);
	close(fd);
	if (!rc)
		plan(m, in, &meta);
	return rc;
}

/* Table 8 (R410M/R412M) and Table 9 (R422 family): what the update
 * changes besides the image. Each step may run again after a power cut. */
static int commit(struct sim_modem *m, struct installer *in)
{
	const pkg_info *info = &in->info;
	struct sim_kv kv;
	char from[600], to[600];
	bool r422 = m->v->family == SIM_R422;
	if (info->kind & PKG_KIND_FIRMWARE) {
		const char *comma = strchr(info->to_version, ',');
		if (sim_flash_path(m->flash, IMAGE_NEW, from, sizeof from) ||
		    sim_flash_path(m->flash, IMAGE, to, sizeof to))
			return PKG_R_GENERIC;
		if (access(from, F_OK) == 0 && rename(from, to) < 0)
			return FLASH_WRITE;
		sim_flash_sync_dir(m->flash);
		sim_modem_checkpoint(m, "install-commit");
		if (sim_kv_load(m->flash, "firmware", &kv) < 0)
			return PKG_R_GENERIC;
		/* ATI9's pair; a version without the comma is the modem's alone */
		if (comma) {
			char modem[PKG_VERSION_MAX + 1];
			snprintf(modem, sizeof modem, "%.*s", (int)(comma - info->to_version), info->to_version);
			sim_kv_set(&kv, "modem_version", modem);
			sim_kv_set(&kv, "app_version", comma + 1);
		} else {
			sim_kv_set(&kv, "modem_version", info->to_version);
		}
		if (sim_kv_save(m->flash, "firmware", &kv) < 0)
			return FLASH_WRITE;
	}
	/* MNO profiles: the package's are modified; on the R422 family the
	 * others are "restored by the new FW" (Table 9): downloaded ones go */
	if (r422 && sim_profiles_keep_only(m->flash, 0) < 0)
		return FLASH_WRITE;
	if ((info->kind & PKG_KIND_PROFILE) && info->profile_id >= 1 &&
	    sim_profiles_install(m->flash, (int)info->profile_id,
				 info->profile_name[0] ? info->profile_name : "PROFILE") < 0)
		return FLASH_WRITE;
	/* NVM items in the package modified, the rest unchanged (both tables) */
	if (info->kind & PKG_KIND_NVM) {
		if (sim_kv_load(m->flash, "nvm", &kv) < 0)
			sim_kv_clear(&kv);
		for (unsigned i = 0; i < info->n_nvm; i++)
			sim_kv_set(&kv, info->nvm[i].key, info->nvm[i].value);
		if (sim_kv_save(m->flash, "nvm", &kv) < 0)
			return FLASH_WRITE;
	}
	if (r422) {
		/* Table 9: SMS erased; §6.3: the module backs up by itself */
		sim_flash_remove(m->flash, "sms");
		sim_kv_clear(&kv);
		sim_kv_set_long(&kv, "count", in->backups);
		if (sim_kv_save(m->flash, "backup", &kv) < 0)
			return FLASH_WRITE;
	}
	/* elsewhere the last backup predates the update: the host runs
	 * +UBKUPDATA (§6.3); user files are never touched (both tables) */
	return 0;
}

static void step(void *ctx, int arg);

static void next_step(struct sim_modem *m, uint32_t ms)
{
	sim_modem_after(m, ms ? ms : 1, step, 0);
}

static void brick(struct sim_modem *m, const char *why)
{
	struct sim_kv kv;
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "reason", why);
	sim_kv_set(&kv, "note", "section 2.6.4: an interrupted boot code update is not recoverable");
	sim_kv_save(m->flash, "brick", &kv);
	logf_(m, "bricked: %s", why);
	sim_audit_event(m->audit, sim_modem_now(m), "bricked", ",\"reason\":\"%s\"", why);
	/* no AT, no bootloader that answers: every byte is lost */
	sim_modem_set_mode(m, SIM_MODE_FLASH, NULL, NULL);
}

static void set_phase(struct sim_modem *m, struct installer *in, enum phase p)
{
	in->phase = p;
	save_journal(m, in);
}

static long backups(struct sim_modem *m)
{
	struct sim_kv kv;
	return sim_kv_load(m->flash, "backup", &kv) < 0 ? 1 : sim_kv_get_long(&kv, "count", 1);
}

/* One progress step (note §6.1: incremental, the increment not always 1),
 * in the journal before it is reported; the steps that write the boot
 * code section are phase "boot". */
static void progress(struct sim_modem *m, struct installer *in)
{
	char point[24];
	int inc, p;
	bool inside;
	in->rng = in->rng * 1103515245u + 12345u;
	inc = 1 + (int)((in->rng >> 16) % 4u);
	if (in->progress + inc > 100)
		inc = 100 - in->progress;
	p = in->progress + inc;
	inside = in->boot_hi && p > in->boot_lo && in->progress < in->boot_hi;
	in->phase = inside ? PH_BOOT : PH_WRITE;
	in->progress = p;
	save_journal(m, in);
	for (int k = p - inc + 1; k <= p; k++) { /* --power-cut install:P, every P passed */
		snprintf(point, sizeof point, "install:%d", k);
		sim_modem_checkpoint(m, point);
	}
	report(m, in, p);
}

/* One timer step of the install: the phase in the journal says which. */
static void step(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct installer *in = state(m);
	int rc;
	(void)arg;
	switch (in->phase) {
	case PH_START:
	case PH_CHECK:
		set_phase(m, in, PH_CHECK);
		sim_modem_checkpoint(m, "install:0");
		rc = check_and_build(m, in);
		if (rc) {
			finish(m, in, rc);
			return;
		}
		set_phase(m, in, PH_WRITE);
		if (in->progress == 0) {
			in->progress = 1;
			save_journal(m, in);
			report(m, in, 1);
		}
		next_step(m, in->step_ms);
		return;
	case PH_WRITE:
	case PH_BOOT:
		if (in->progress >= 100) {
			in->backups = backups(m) + 1; /* fixed now: the commit may run twice */
			set_phase(m, in, PH_COMMIT);
			next_step(m, 1);
			return;
		}
		progress(m, in);
		next_step(m, in->step_ms);
		return;
	case PH_COMMIT:
		rc = commit(m, in);
		if (rc) {
			finish(m, in, rc);
			return;
		}
		/* committed: from here a cut only repeats the 128 and the cleanup */
		set_phase(m, in, PH_DONE);
		finish(m, in, PKG_R_SUCCESS);
		return;
	case PH_DONE:
		finish(m, in, PKG_R_SUCCESS);
		return;
	case PH_NONE:
		return;
	}
}

int sim_install_start(struct sim_modem *m, const struct sim_install_req *r)
{
	struct installer *in = state(m);
	memset(in, 0, sizeof *in);
	in->phase = PH_START;
	in->port = urcs(m) ? r->port : 0;
	in->baud = r->baud;
	in->source = r->source;
	if (save_journal(m, in) < 0) {
		in->phase = PH_NONE;
		return -EIO;
	}
	logf_(m, "install requested: port %d, %u b/s", in->port, (unsigned)in->baud);
	sim_modem_after(m, REBOOT_MS / 10, reboot_timer, 0);
	return 0;
}

static enum phase phase_of(const char *s)
{
	for (size_t i = 1; i < sizeof phase_names / sizeof phase_names[0]; i++)
		if (s && strcmp(s, phase_names[i]) == 0)
			return (enum phase)i;
	return PH_NONE;
}

/* Power-on: a journal means Firmware Install Mode (note §6: "at the next
 * module wake-up a fault is detected, and the module remains in Firmware
 * Install Mode until the end"); a brick record means nothing at all. */
static int power_on(struct sim_modem *m, void *st)
{
	struct installer *in = st;
	struct sim_kv kv;
	long port, baud;
	if (sim_flash_exists(m->flash, "brick")) {
		logf_(m, "bricked (DIR/brick says why)");
		sim_modem_set_mode(m, SIM_MODE_FLASH, NULL, NULL);
		return 0;
	}
	sim_flash_remove(m->flash, JOURNAL ".tmp");
	if (sim_kv_load(m->flash, JOURNAL, &kv) < 0) {
		sim_flash_remove(m->flash, IMAGE_NEW); /* a build no journal owns */
		return 0;
	}
	in->phase = phase_of(sim_kv_get(&kv, "phase"));
	port = sim_kv_get_long(&kv, "port", -1);
	baud = sim_kv_get_long(&kv, "baud", -1);
	in->source = strcmp(sim_kv_get(&kv, "source") ? sim_kv_get(&kv, "source") : "", "lwm2m") == 0
			     ? SIM_INSTALL_LWM2M
			     : SIM_INSTALL_FOAT;
	in->progress = (int)sim_kv_get_long(&kv, "progress", 0);
	in->backups = sim_kv_get_long(&kv, "backups", 2);
	if (in->progress < 0 || in->progress > 100)
		in->progress = 0;
	if (in->phase == PH_NONE)
		in->phase = PH_CHECK; /* an unreadable phase: start over */
	/* note Table 5: where the configuration cannot be read, the primary
	 * UART at 115200 b/s */
	if (port < 0 || port > 2 || !sim_variant_ipr_ok(m->v, (uint32_t)baud)) {
		port = urcs(m) ? 1 : 0;
		baud = FALLBACK_BAUD;
	}
	in->port = (int)port;
	in->baud = (uint32_t)baud;
	if (in->phase != PH_START) {
		logf_(m, "power lost during the install (%s, %d%%)", phase_names[in->phase], in->progress);
		sim_audit_event(m->audit, sim_modem_now(m), "reset_during_install",
				",\"phase\":\"%s\",\"progress\":%d", phase_names[in->phase], in->progress);
	}
	if (in->phase == PH_BOOT) {
		brick(m, "power lost while the boot code was being written");
		return 0;
	}
	/* past the check the image is built: the package header is read
	 * again for the timing and the commit's records; if that fails, the
	 * install starts over and reports why */
	if (in->phase >= PH_WRITE && in->phase <= PH_COMMIT && reload(m, in) != 0)
		in->phase = PH_CHECK;
	sim_modem_set_mode(m, SIM_MODE_INSTALL, NULL, NULL);
	if (in->port == 1)
		m->io.set_baud(m->io.ctx, in->baud);
	next_step(m, in->phase >= PH_COMMIT ? ENTER_MS : ENTER_MS + CHECK_MS);
	return 0;
}

const struct sim_feature sim_feature_installer = {
	.name = "installer",
	.state_size = sizeof(struct installer),
	.power_on = power_on,
};
