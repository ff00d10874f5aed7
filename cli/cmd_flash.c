/* sarafw flash IMAGE: what EasyFlash does (note §9), for Linux and macOS,
 * with an image bundle (docs/bundle-format.md): check the bundle, wait for
 * the module in flash mode (§9 steps 6-7), load the programmer, back up
 * the device data to a file on the host, write every partition, restore
 * the device data to the same module only, reset, wait for AT, compare
 * ATI9 with the bundle's version and remind of +CPMS (§9.1.1). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "cli.h"
#include "escape.h"
#include "flasher.h"
#include "progress.h"
#include "qbackup.h"

#define WAIT_S_DEFAULT 60
#define REPLY_MS 10000u  /* module time: the longest the programmer takes to answer */
#define REPLY_REAL_MS 1000u /* ...but never below this much real time (a scaled clock) */
#define DEVDATA_SECTORS_DEFAULT 8

typedef struct job {
	cli *c;
	const char *image;
	bundle_info bi;
	blob b;
	int fd;
	flasher fl;
	progress pr;
	uint64_t done_before, total; /* bytes of earlier partitions, of all */
} job;

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
	job *j = ctx;
	(void)total;
	progress_bytes(&j->pr, (unsigned long)(j->done_before + done), (unsigned long)j->total);
}

static void say(job *j, const char *phase, const char *text)
{
	if (j->c->json) {
		printf("{\"event\":\"phase\",\"phase\":\"%s\",\"text\":", phase);
		esc_json_string(stdout, text);
		printf("}\n");
		fflush(stdout);
	} else {
		progress_end(&j->pr);
		fprintf(stderr, "%s\n", text);
	}
	if (j->c->trace)
		cli_trace(j->c->trace, SARAFW_TRACE_NOTE, text, strlen(text));
}

/* One line for a flash-mode failure, with the next step. */
static int explain(job *j, int rc, const char *during, const char *backup)
{
	const char *next;
	char extra[600] = "";
	progress_end(&j->pr);
	switch (rc) {
	case FL_ENODEV:
		next = "switch the module off, check that the port is the module's USB port (no USB hub, note §9 tips), "
		       "run sarafw flash again and power the module on when asked";
		break;
	case FL_EPROG:
		next = "this bundle is for another product: use the bundle made for this module (sarafw pkg inspect IMAGE)";
		break;
	case FL_ENAK:
		next = "check that the bundle is made for this product (sarafw pkg inspect IMAGE) and run sarafw flash "
		       "again; if the programmer refuses the same way, keep a --trace FILE and report it";
		break;
	case FL_ELOST:
		next = "check the cable (no USB hub), switch the module off and on, and run sarafw flash again: the module "
		       "stays in flash mode until a flash completes";
		break;
	default:
		next = "run sarafw flash again with --trace FILE and report the trace";
	}
	if (backup)
		snprintf(extra, sizeof extra, "; the device data is kept in %s and goes back to this module, and only to "
					      "it, at the next successful flash",
			 backup);
	fprintf(stderr, "sarafw: %s%s%s on %s: %s: %s%s\n", fl_strerror(rc), during[0] ? " " : "", during,
		j->c->port_path, j->fl.why[0] ? j->fl.why : "no detail", next, extra);
	return rc == FL_ENODEV ? EXIT_NOANSWER : EXIT_FAIL;
}

static int check_bundle(job *j, const char *pub_path)
{
	uint8_t pub[PKG_PUB_SIZE];
	const uint8_t *key = pkg_demo_pub;
	if (pub_path) {
		if (pkg_pub_load(pub_path, pub) != PKG_OK) {
			fprintf(stderr, "sarafw: %s is not an Ed25519 public key in PEM: give the KEY.pub of the key that signed the bundle\n",
				pub_path);
			return EXIT_USAGE;
		}
		key = pub;
	}
	j->fd = open(j->image, O_RDONLY | O_CLOEXEC);
	if (j->fd < 0 || blob_from_fd(&j->b, &j->fd) < 0) {
		fprintf(stderr, "sarafw: cannot read %s: %s: give the path of an image bundle (sarafw pkg bundle)\n", j->image,
			strerror(errno));
		return EXIT_FAIL;
	}
	int rc = bundle_check(&j->b, key, &j->bi);
	if (rc == BUNDLE_ESIG && !pub_path) {
		fprintf(stderr, "sarafw: %s: the signature does not match the DEMO key: give the signer's key with --pub KEY.pub, or fetch the bundle again if it is damaged; nothing was sent to the module\n",
			j->image);
		return EXIT_FAIL;
	}
	if (rc) {
		fprintf(stderr, "sarafw: %s: %s (%s): nothing was sent to the module; make the bundle again with sarafw pkg bundle, or fetch it again\n",
			j->image, j->bi.why, bundle_strerror(rc));
		return EXIT_FAIL;
	}
	if (!pub_path && !j->c->json)
		fprintf(stderr, "sarafw: %s is signed by the project's DEMO key (for tests; --pub KEY.pub checks another)\n",
			j->image);
	return EXIT_OK;
}

/* Device data: read it, find or write its backup. On success *data holds
 * what goes back into the module after the flash. */
static int backup(job *j, const char *dir, qbackup *bk, uint8_t **data, size_t *len)
{
	const fl_part *dp = fl_find(&j->fl, BUNDLE_DEVDATA);
	uint64_t sectors = dp ? dp->sectors : DEVDATA_SECTORS_DEFAULT;
	char imei[16], msg[4400];
	if (sectors == 0 || sectors * FL_SECTOR > QBK_DATA_MAX) {
		fprintf(stderr, "sarafw: the module says its devdata partition has %llu sectors: not a SARA-R4 flash layout; nothing was written\n",
			(unsigned long long)sectors);
		return EXIT_FAIL;
	}
	*len = (size_t)sectors * FL_SECTOR;
	*data = malloc(*len);
	if (!*data)
		return EXIT_FAIL;
	say(j, "backup", "reading the device data (IMEI, calibration, NV)");
	int rc = fl_read(&j->fl, BUNDLE_DEVDATA, sectors, *data);
	if (rc)
		return explain(j, rc, "while reading the device data", NULL);
	bool have_imei = qbk_imei(*data, *len, imei);
	int found = qbk_find(dir, j->fl.serial, have_imei ? imei : "", bk);
	if (found < 0) {
		fprintf(stderr, "sarafw: cannot read the backup directory %s: %s: give one with --backup-dir DIR\n", dir,
			strerror(errno));
		return EXIT_FAIL;
	}
	if (found) {
		/* a run that failed after its backup: this module's data is in
		 * the file, whatever its flash holds now (note §9 tips) */
		free(*data);
		*data = malloc((size_t)bk->len);
		if (!*data || qbk_load(bk, *data, (size_t)bk->len)) {
			fprintf(stderr, "sarafw: cannot read the backup %s: nothing was written\n", bk->path);
			return EXIT_FAIL;
		}
		*len = (size_t)bk->len;
		snprintf(msg, sizeof msg, "found the device data of this module (IMEI %s) left by an earlier run: %s; it goes back after the flash",
			 bk->imei, bk->path);
		say(j, "backup", msg);
		return EXIT_OK;
	}
	if (!have_imei) {
		fprintf(stderr, "sarafw: the module's device data holds no IMEI (lost or erased) and no backup on this computer belongs to it%s%s%s: nothing was written; flash it on the computer that holds its backup (SARAFW_archive_*_<IMEI>.qbackup), or give that directory with --backup-dir\n",
			j->fl.serial[0] ? " (chip serial " : "", j->fl.serial, j->fl.serial[0] ? ")" : "");
		return EXIT_FAIL;
	}
	if (qbk_save(dir, j->fl.serial, imei, *data, *len, bk)) {
		fprintf(stderr, "sarafw: cannot write the device-data backup in %s: %s: nothing was written to the module; free some space or give --backup-dir DIR\n",
			dir, strerror(errno));
		return EXIT_FAIL;
	}
	snprintf(msg, sizeof msg, "device data of IMEI %s backed up to %s", imei, bk->path);
	say(j, "backup", msg);
	return EXIT_OK;
}

/* Write the device data back and read it again to compare. */
static int restore(job *j, const qbackup *bk, const uint8_t *data, size_t len)
{
	blob src;
	blob_mem m;
	uint8_t *back = malloc(len);
	char msg[200];
	if (!back)
		return EXIT_FAIL;
	snprintf(msg, sizeof msg, "restoring the device data of IMEI %s", bk->imei);
	say(j, "restore", msg);
	blob_from_mem(&src, &m, data, len);
	int rc = fl_program(&j->fl, BUNDLE_DEVDATA, &src, 0, len, NULL, NULL);
	if (!rc)
		rc = fl_read(&j->fl, BUNDLE_DEVDATA, (len + FL_SECTOR - 1) / FL_SECTOR, back);
	if (!rc && memcmp(back, data, len) != 0) {
		snprintf(j->fl.why, sizeof j->fl.why, "the device data read back differs from the backup");
		rc = FL_EPROTO;
	}
	free(back);
	if (rc)
		return explain(j, rc, "while restoring the device data", bk->path);
	if (unlink(bk->path) != 0 && errno != ENOENT)
		fprintf(stderr, "sarafw: the device data is back in the module but %s could not be deleted: %s: delete it yourself\n",
			bk->path, strerror(errno));
	return EXIT_OK;
}

static int flash_parts(job *j, const char *backup_path)
{
	char msg[200];
	j->total = 0;
	for (unsigned i = 0; i < j->bi.n_parts; i++)
		j->total += j->bi.parts[i].size;
	j->done_before = 0;
	for (unsigned i = 0; i < j->bi.n_parts; i++) {
		const bundle_part *p = &j->bi.parts[i];
		const fl_part *mp = fl_find(&j->fl, p->name);
		if (j->fl.n_parts && (!mp || mp->sectors * FL_SECTOR < p->size)) {
			snprintf(j->fl.why, sizeof j->fl.why, "partition %s: %s", p->name,
				 mp ? "the image is larger than the module's partition" : "the module has no such partition");
			return explain(j, FL_ENAK, "before writing", backup_path);
		}
		snprintf(msg, sizeof msg, "writing %s (%llu bytes)", p->name, (unsigned long long)p->size);
		say(j, "program", msg);
		int rc = fl_program(&j->fl, p->name, &j->b, p->offset, p->size, on_progress, j);
		if (rc) {
			snprintf(msg, sizeof msg, "while writing %s", p->name);
			return explain(j, rc, msg, backup_path);
		}
		j->done_before += p->size;
	}
	progress_end(&j->pr);
	return EXIT_OK;
}

/* After the reset: the module boots, answers AT, and runs the bundle's
 * version. */
static int verify(job *j)
{
	char version[sizeof j->c->id.modem_version + sizeof j->c->id.app_version + 1];
	say(j, "boot", "the module restarts; waiting for it to answer AT");
	/* the old port goes with the module's USB re-enumeration */
	cli_disconnect(j->c);
	int rc = cli_connect(j->c, NULL, 0, NULL); /* AT once a second, bounded (note §2.6.4) */
	if (rc)
		return rc;
	snprintf(version, sizeof version, "%s,%s", j->c->id.modem_version, j->c->id.app_version);
	cli_disconnect(j->c);
	if (strcmp(version, j->bi.version) != 0) {
		fprintf(stderr, "sarafw: the module runs %s, not %s as the bundle says: the flash did not take; run sarafw flash again\n",
			version, j->bi.version);
		return EXIT_FAIL;
	}
	if (j->c->json) {
		printf("{\"event\":\"done\",\"version\":");
		esc_json_string(stdout, version);
		printf(",\"imei\":");
		esc_json_string(stdout, j->c->id.imei);
		printf("}\n");
	} else {
		printf("SUCCESS: %s runs %s (IMEI %s)\n", j->bi.product, version, j->c->id.imei);
		/* note §9.1, §9.1.1 */
		printf("The module backs up its settings at this first boot (AT+UBKUPDATA? then shows one backup, note §9.1).\n"
		       "If your application uses SMS, set the preferred message storage once with AT+CPMS (note §9.1.1);\n"
		       "MNO profiles, user files and NVM settings are the image's (note §10): select the MNO profile with AT+UMNOPROF.\n");
	}
	return EXIT_OK;
}

int cmd_flash(cli *c, int argc, char **argv)
{
	enum { O_PUB = 256, O_WAIT, O_BACKUP_DIR };
	static const struct option opts[] = {
		{ .name = "pub", .has_arg = required_argument, .val = O_PUB },
		{ .name = "wait", .has_arg = required_argument, .val = O_WAIT },
		{ .name = "backup-dir", .has_arg = required_argument, .val = O_BACKUP_DIR },
		{ 0 },
	};
	static job j;
	static qbackup bk;
	const char *pub = NULL, *bdir = NULL;
	char dir[3000];
	long wait_s = WAIT_S_DEFAULT;
	int opt, rc;

	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case O_PUB: pub = optarg; break;
		case O_BACKUP_DIR: bdir = optarg; break;
		case O_WAIT: {
			char *end;
			wait_s = strtol(optarg, &end, 10);
			if (*end || end == optarg || wait_s < 1 || wait_s > 3600) {
				fprintf(stderr, "sarafw: --wait %s: give the seconds to wait for the module, 1 to 3600\n", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		default: return c->exit_code;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "sarafw: usage: sarafw flash IMAGE [--port P] [--pub KEY.pub] [--wait S] [--backup-dir DIR] [--trace FILE]\n");
		return EXIT_USAGE;
	}
	memset(&j, 0, sizeof j);
	j.c = c;
	j.image = argv[optind];
	j.fd = -1;
	progress_init(&j.pr, c->json);
	if ((rc = check_bundle(&j, pub)))
		goto out;
	if (qbk_dir(bdir, dir, sizeof dir)) {
		fprintf(stderr, "sarafw: no directory for the device-data backup (no HOME or SARAFW_STATE_DIR): give --backup-dir DIR\n");
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = cli_open(c)))
		goto out;
	/* the port's clock runs SARAFW_TIME_SCALE times faster: the user's
	 * wait is real seconds, and a line round trip never gets shorter */
	double scale = c->posix.scale > 0 ? c->posix.scale : 1.0;
	double reply = REPLY_REAL_MS * scale > REPLY_MS ? REPLY_REAL_MS * scale : REPLY_MS;
	double wait_ms = (double)wait_s * 1000.0 * scale;
	fl_init(&j.fl, &c->posix.port, c->trace ? cli_trace : NULL, c->trace, reply > 1e9 ? 1000000000u : (uint32_t)reply);

	char msg[600];
	snprintf(msg, sizeof msg, "waiting up to %ld s for the module in flash mode on %s: power the module on now", wait_s,
		 c->port_path);
	say(&j, "wait", msg);
	rc = fl_sahara(&j.fl, &j.b, j.bi.programmer_offset, j.bi.programmer_size,
		       wait_ms > 2e9 ? 2000000000u : (uint32_t)wait_ms);
	if (rc) {
		rc = explain(&j, rc, rc == FL_ENODEV ? "" : "while loading the programmer", NULL);
		goto close;
	}
	say(&j, "programmer", "programmer loaded");
	if ((rc = fl_configure(&j.fl))) {
		rc = explain(&j, rc, "while configuring the programmer", NULL);
		goto close;
	}
	uint8_t *data = NULL;
	size_t len = 0;
	if ((rc = backup(&j, dir, &bk, &data, &len)) || (rc = flash_parts(&j, bk.path)) ||
	    (rc = restore(&j, &bk, data, len))) {
		free(data);
		goto close;
	}
	free(data);
	if ((rc = fl_reset(&j.fl))) {
		/* every partition and the device data are written: a module that
		 * resets at once may take the answer with it; AT decides */
		char n[260];
		snprintf(n, sizeof n, "no answer to the reset (%s): waiting for AT anyway", j.fl.why);
		if (c->trace)
			cli_trace(c->trace, SARAFW_TRACE_NOTE, n, strlen(n));
	}
	rc = verify(&j);
	goto out;
close:
	cli_disconnect(c);
out:
	if (j.fd >= 0)
		close(j.fd);
	return rc;
}
