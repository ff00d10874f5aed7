/* sarafw-server's campaign engine (server/campaign.c) stepped by hand: a
 * fake clock, a fake LwM2M side that records Write /5/0/1 and Execute
 * /5/0/2, and devices whose state is set in the database as notifications
 * would set it. Timeouts, retries with backoff, the daily window, the
 * schedule's end, thresholds, pause after a group, cancel. On SQLite, or
 * on PostgreSQL when SARAFW_PG names a cluster (unit.test_server_campaign.pg
 * runs under tests/integration/pgcluster.py): a new database per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "campaign.h"
#include "db.h"

#define OLD "01.00,A01.00"
#define NEW "02.00,A01.00"
#define T0 1700000000 /* 22:13 UTC */

typedef struct fake {
	int writes, executes, reboots, configs;
	char last_imei[16], last_uri[128];
	bool offline; /* no session: requests cannot go out */
} fake;

static int f_write(void *ctx, const char *imei, const char *uri)
{
	fake *f = ctx;
	if (f->offline)
		return -1;
	f->writes++;
	snprintf(f->last_imei, sizeof f->last_imei, "%s", imei);
	snprintf(f->last_uri, sizeof f->last_uri, "%s", uri);
	return 0;
}

static int f_exec(void *ctx, const char *imei)
{
	fake *f = ctx;
	if (f->offline)
		return -1;
	f->executes++;
	snprintf(f->last_imei, sizeof f->last_imei, "%s", imei);
	return 0;
}

static int f_reboot(void *ctx, const char *imei)
{
	fake *f = ctx;
	if (f->offline)
		return -1;
	f->reboots++;
	snprintf(f->last_imei, sizeof f->last_imei, "%s", imei);
	return 0;
}

static int f_config(void *ctx, const db_campaign *c, char *buf, size_t cap)
{
	fake *f = ctx;
	f->configs++;
	snprintf(buf, cap, "http://pkg/config-for-%s", c->package);
	return 0;
}

static void f_uri(void *ctx, const char *sha, const char *transport, char *buf, size_t cap)
{
	(void)ctx;
	snprintf(buf, cap, "%s://pkg/%s", transport, sha);
}

typedef struct env {
	char dir[64];
	char url[256];
	db *d;
	fake f;
	campaign_io io;
	int64_t id;   /* stored_before_sent's campaign */
	int committed; /* its Writes that found their entry committed */
} env;

static int setup(void **state)
{
	env *e = calloc(1, sizeof *e);
	snprintf(e->dir, sizeof e->dir, "/tmp/sarafw-camptest-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	char url[256], err[256];
	snprintf(url, sizeof url, "sqlite:%s/s.db", e->dir);
	const char *pg = getenv("SARAFW_PG");
	if (pg && !strncmp(pg, "postgresql:", 11)) {
		static int n;
		char sql[64];
		db *admin;
		if (db_pg_backend.open(pg + 11, &admin, err, sizeof err) < 0)
			fail_msg("%s", err);
		snprintf(sql, sizeof sql, "CREATE DATABASE camp%d_%d", (int)getpid(), ++n);
		assert_int_equal(db_exec(admin, sql, NULL, 0, NULL, NULL), 0);
		db_close(admin);
		const char *slash = strrchr(pg, '/');
		assert_non_null(slash);
		snprintf(url, sizeof url, "%.*s/camp%d_%d", (int)(slash - pg), pg, (int)getpid(), n);
	}
	snprintf(e->url, sizeof e->url, "%s", url);
	e->d = db_open(url, err, sizeof err);
	if (!e->d)
		fail_msg("%s: %s", url, err);
	e->io = (campaign_io){.ctx = &e->f, .write_uri = f_write, .execute = f_exec, .package_uri = f_uri};
	db_package p = {.size = 1, .kind = 1};
	strcpy(p.sha256, "abc");
	strcpy(p.product, "SARA-R410M");
	strcpy(p.to_version, NEW);
	assert_int_equal(db_package_add(e->d, &p), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env *e = *state;
	db_close(e->d);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", e->dir);
	int r = system(cmd);
	free(e);
	return r;
}

static void imei_of(int i, char out[16])
{
	snprintf(out, 16, "3500000000%05d", i);
}

/* a registered device on version ver */
static void device(env *e, int i, const char *ver, int64_t now)
{
	db_device v = {.lifetime = 86400, .registered_at = now, .last_seen = now};
	imei_of(i, v.imei);
	snprintf(v.endpoint, sizeof v.endpoint, "urn:imei:%s", v.imei);
	snprintf(v.location, sizeof v.location, "loc%d", i);
	assert_int_equal(db_device_register(e->d, &v), 0);
	assert_int_equal(db_device_set_firmware(e->d, v.endpoint, ver), 0);
}

static void dev_fw(env *e, int i, int state, int result)
{
	char imei[16], ep[32];
	imei_of(i, imei);
	snprintf(ep, sizeof ep, "urn:imei:%s", imei);
	if (state >= 0)
		db_device_set_fw_state(e->d, ep, state);
	if (result >= -1)
		db_device_set_fw_result(e->d, ep, result);
}

static void dev_version(env *e, int i, const char *ver)
{
	char imei[16], ep[32];
	imei_of(i, imei);
	snprintf(ep, sizeof ep, "urn:imei:%s", imei);
	db_device_set_firmware(e->d, ep, ver);
}

static int64_t create(env *e, int n, int test_size, int group_size, void (*tweak)(db_campaign *))
{
	db_campaign c = {
		.test_size = test_size, .group_size = group_size, .success_threshold = 90,
		.error_threshold = 50, .action_timeout = 100, .max_retries = 2, .retry_backoff = 10,
	};
	strcpy(c.name, "t");
	strcpy(c.product, "SARA-R410M");
	strcpy(c.from_version, OLD);
	strcpy(c.to_version, NEW);
	strcpy(c.package, "abc");
	strcpy(c.transport, "http");
	if (tweak)
		tweak(&c);
	char(*imeis)[DB_IMEI_MAX + 1] = calloc((size_t)n, sizeof *imeis);
	for (int i = 0; i < n; i++)
		imei_of(i, imeis[i]);
	char why[192] = "";
	int r = campaign_create(e->d, &c, imeis, (size_t)n, T0, why, sizeof why);
	free(imeis);
	if (r)
		fail_msg("create: %s", why);
	return c.id;
}

static db_cdev cdev(env *e, int64_t id, int i)
{
	db_cdev out = {0};
	char imei[16];
	imei_of(i, imei);
	struct {
		const char *imei;
		db_cdev *out;
	} ctx = {imei, &out};
	int find(void *p, const db_cdev *cd);
	assert_int_equal(db_cdev_list(e->d, id, find, &ctx), 0);
	return out;
}

int find(void *p, const db_cdev *cd)
{
	struct {
		const char *imei;
		db_cdev *out;
	} *ctx = p;
	if (!strcmp(cd->imei, ctx->imei))
		*ctx->out = *cd;
	return 0;
}

static db_campaign camp(env *e, int64_t id)
{
	db_campaign c;
	assert_int_equal(db_campaign_get(e->d, id, &c), 0);
	return c;
}

static void tick(env *e, int64_t now)
{
	assert_true(campaign_tick(e->d, &e->io, now) >= 0);
}

static void nothing_before_approval(void **state)
{
	env *e = *state;
	device(e, 0, OLD, T0);
	int64_t id = create(e, 1, 1, 1, NULL);
	tick(e, T0 + 1);
	assert_int_equal(e->f.writes, 0);
	char why[128];
	assert_int_equal(campaign_approve(e->d, id, "a", T0, why, sizeof why), 0);
	tick(e, T0 + 2);
	assert_int_equal(e->f.writes, 1);
	assert_string_equal(e->f.last_uri, "http://pkg/abc");
	assert_string_equal(cdev(e, id, 0).state, "downloading");
}

/* a device that never gets past Downloading: resent after 30 s, failed by
 * the timeout, retried after 10 s then 20 s, then failed for good */
static void timeout_and_backoff(void **state)
{
	env *e = *state;
	device(e, 0, OLD, T0);
	int64_t id = create(e, 1, 1, 1, NULL);
	char why[128];
	campaign_approve(e->d, id, "a", T0, why, sizeof why);
	tick(e, T0);
	assert_int_equal(e->f.writes, 1);
	tick(e, T0 + 29);
	assert_int_equal(e->f.writes, 1);
	tick(e, T0 + 30); /* still no sign: the Write again */
	assert_int_equal(e->f.writes, 2);
	dev_fw(e, 0, 1, 0); /* downloading now: no more resends */
	tick(e, T0 + 70);
	assert_int_equal(e->f.writes, 2);
	tick(e, T0 + 100); /* the action's timeout */
	db_cdev cd = cdev(e, id, 0);
	assert_string_equal(cd.state, "waiting");
	assert_int_equal(cd.attempts, 1);
	assert_int_equal(cd.next_at, T0 + 110);
	assert_non_null(strstr(cd.detail, "timeout while downloading"));
	dev_fw(e, 0, 0, 0);
	tick(e, T0 + 109);
	assert_int_equal(e->f.writes, 2);
	tick(e, T0 + 110);
	assert_int_equal(e->f.writes, 3);
	tick(e, T0 + 210); /* second timeout: backoff doubles */
	cd = cdev(e, id, 0);
	assert_int_equal(cd.attempts, 2);
	assert_int_equal(cd.next_at, T0 + 230);
	tick(e, T0 + 230);
	tick(e, T0 + 330); /* third: max_retries 2 used up */
	cd = cdev(e, id, 0);
	assert_string_equal(cd.state, "failed");
	assert_int_equal(cd.attempts, 3);
	/* the test campaign is over: its report waits for acceptance */
	assert_string_equal(camp(e, id).state, "test_done");
}

/* note §2.6.2: a device on a legacy version (common/ufota_config.c) is
 * rebooted, gets the configuration file once it is back, and the delta
 * once it applied it and came back again; a device on another version of
 * the same campaign goes straight to the delta */
#define LEGACY "L0.0.00.00.05.06,A.02.01"

static void legacy_from(db_campaign *c)
{
	strcpy(c->from_version, LEGACY);
}

static void legacy_steps(void **state)
{
	env *e = *state;
	char why[128];
	e->io.reboot = f_reboot;
	e->io.config_uri = f_config;
	device(e, 0, LEGACY, T0);
	device(e, 1, LEGACY, T0);
	int64_t id = create(e, 2, 2, 1, legacy_from);
	campaign_approve(e->d, id, "a", T0, why, sizeof why);
	tick(e, T0); /* the same second as the registration: not yet */
	assert_int_equal(e->f.reboots, 0);
	tick(e, T0 + 1);
	assert_int_equal(e->f.reboots, 2);
	assert_int_equal(e->f.writes, 0);
	assert_string_equal(cdev(e, id, 0).state, "rebooting");
	/* device 1 never comes back: the reboot again after 30 s, then the timeout */
	tick(e, T0 + 31);
	assert_int_equal(e->f.reboots, 4);
	device(e, 0, LEGACY, T0 + 33); /* device 0 registers again */
	tick(e, T0 + 33);
	assert_int_equal(e->f.configs, 0); /* a second later */
	tick(e, T0 + 34);
	assert_int_equal(e->f.configs, 1);
	assert_int_equal(e->f.writes, 1);
	assert_string_equal(e->f.last_uri, "http://pkg/config-for-abc");
	assert_string_equal(cdev(e, id, 0).state, "configuring");
	dev_fw(e, 0, 1, 0); /* it downloads the file */
	tick(e, T0 + 36);
	assert_int_equal(e->f.writes, 1);
	device(e, 0, LEGACY, T0 + 40); /* applied, rebooted, registered: /5/0/3 not read yet */
	tick(e, T0 + 40);
	assert_int_equal(e->f.writes, 1);
	dev_fw(e, 0, 0, 0);
	tick(e, T0 + 41);
	assert_int_equal(e->f.writes, 2);
	assert_string_equal(e->f.last_uri, "http://pkg/abc");
	assert_string_equal(cdev(e, id, 0).state, "downloading");
	tick(e, T0 + 101);
	db_cdev cd = cdev(e, id, 1);
	assert_string_equal(cd.state, "waiting");
	assert_non_null(strstr(cd.detail, "timeout while rebooting"));
	/* its retry: back, then the configuration file refused (/5/0/5 6) */
	device(e, 1, LEGACY, T0 + 105);
	tick(e, T0 + 111);
	assert_string_equal(cdev(e, id, 1).state, "rebooting");
	device(e, 1, LEGACY, T0 + 112);
	tick(e, T0 + 113);
	assert_string_equal(cdev(e, id, 1).state, "configuring");
	dev_fw(e, 1, 0, 6);
	tick(e, T0 + 114);
	cd = cdev(e, id, 1);
	assert_string_equal(cd.state, "waiting");
	assert_int_equal(cd.result, 6);
	assert_non_null(strstr(cd.detail, "configuration file refused: 6"));
}

/* the same io on a version §2.6.2 does not name: no reboot, no file */
static void legacy_not_others(void **state)
{
	env *e = *state;
	char why[128];
	e->io.reboot = f_reboot;
	e->io.config_uri = f_config;
	device(e, 0, OLD, T0);
	int64_t id = create(e, 1, 1, 1, NULL);
	campaign_approve(e->d, id, "a", T0, why, sizeof why);
	tick(e, T0);
	assert_int_equal(e->f.writes, 1);
	assert_int_equal(e->f.reboots + e->f.configs, 0);
	assert_string_equal(cdev(e, id, 0).state, "downloading");
}

/* the happy path of one device and a failing Update Result */
/* a Write that looks, on a connection of its own, for its device's entry
 * committed as downloading */
static int f_write_committed(void *ctx, const char *imei, const char *uri)
{
	env *e = ctx;
	char err[256];
	db *other = db_open(e->url, err, sizeof err);
	if (!other)
		fail_msg("%s", err);
	db_cdev out = {0};
	struct {
		const char *imei;
		db_cdev *out;
	} fctx = {imei, &out};
	int find(void *p, const db_cdev *cd);
	assert_int_equal(db_cdev_list(other, e->id, find, &fctx), 0);
	db_close(other);
	e->committed += !strcmp(out.state, "downloading");
	return f_write(&e->f, imei, uri);
}

/* a step's writes are committed before its requests go out, also when a
 * group starts several devices in one step */
static void stored_before_sent(void **state)
{
	env *e = *state;
	for (int i = 0; i < 4; i++)
		device(e, i, OLD, T0);
	e->id = create(e, 4, 1, 3, NULL);
	e->io.ctx = e;
	e->io.write_uri = f_write_committed;
	char why[128];
	assert_int_equal(campaign_approve(e->d, e->id, "a", T0, why, sizeof why), 0);
	tick(e, T0 + 1);
	assert_int_equal(e->f.writes, 1);
	dev_version(e, 0, NEW);
	tick(e, T0 + 2);
	assert_string_equal(camp(e, e->id).state, "test_done");
	assert_int_equal(campaign_accept_test(e->d, e->id, "a", T0 + 2, why, sizeof why), 0);
	tick(e, T0 + 3);
	assert_int_equal(e->f.writes, 4);
	assert_int_equal(e->committed, 4);
	for (int i = 1; i < 4; i++)
		assert_string_equal(cdev(e, e->id, i).state, "downloading");
}

static void install_and_result(void **state)
{
	env *e = *state;
	device(e, 0, OLD, T0);
	device(e, 1, OLD, T0);
	int64_t id = create(e, 2, 2, 1, NULL);
	char why[128];
	campaign_approve(e->d, id, "a", T0, why, sizeof why);
	tick(e, T0);
	assert_int_equal(e->f.writes, 2);
	dev_fw(e, 0, 2, 0); /* Downloaded */
	dev_fw(e, 1, 0, 5); /* integrity check failure */
	tick(e, T0 + 1);
	assert_int_equal(e->f.executes, 1);
	assert_string_equal(cdev(e, id, 0).state, "updating");
	db_cdev cd = cdev(e, id, 1);
	assert_string_equal(cd.state, "waiting");
	assert_int_equal(cd.result, 5);
	assert_non_null(strstr(cd.detail, "integrity check failure"));
	/* the retry forgets the old result: it does not fail at once */
	tick(e, T0 + 11);
	assert_int_equal(cdev(e, id, 1).state[0], 'd');
	tick(e, T0 + 12);
	assert_string_equal(cdev(e, id, 1).state, "downloading");
	/* device 0 comes back on the new version */
	dev_fw(e, 0, 0, 1);
	dev_version(e, 0, NEW);
	tick(e, T0 + 13);
	assert_string_equal(cdev(e, id, 0).state, "succeeded");
	/* an Execute that the device refused (campaign_action_failed) */
	dev_fw(e, 1, 2, 0);
	tick(e, T0 + 14);
	assert_string_equal(cdev(e, id, 1).state, "updating");
	char imei[16];
	imei_of(1, imei);
	campaign_action_failed(e->d, imei, "Execute /5/0/2 refused: 4.05", T0 + 15);
	cd = cdev(e, id, 1);
	assert_string_equal(cd.state, "waiting");
	assert_non_null(strstr(cd.detail, "4.05"));
}

/* note §2.7.3: the device's application cancelled its download: the
 * entry is cancelled, not retried; nothing else is touched */
static void device_cancels(void **state)
{
	env *e = *state;
	device(e, 0, OLD, T0);
	device(e, 1, OLD, T0);
	int64_t id = create(e, 2, 2, 1, NULL);
	char why[128], imei[16];
	campaign_approve(e->d, id, "a", T0, why, sizeof why);
	tick(e, T0);
	assert_int_equal(e->f.writes, 2);
	dev_fw(e, 0, 1, 0);
	dev_fw(e, 1, 2, 0);
	tick(e, T0 + 1);
	assert_string_equal(cdev(e, id, 1).state, "updating");
	/* a cancel for a device that is updating: too late, ignored */
	imei_of(1, imei);
	campaign_device_cancelled(e->d, imei, T0 + 2);
	assert_string_equal(cdev(e, id, 1).state, "updating");
	/* device 0 goes back to Idle with no result: cancelled */
	dev_fw(e, 0, 0, 0);
	imei_of(0, imei);
	campaign_device_cancelled(e->d, imei, T0 + 3);
	db_cdev cd = cdev(e, id, 0);
	assert_string_equal(cd.state, "cancelled");
	assert_int_equal(cd.result, 0);
	assert_int_equal(cd.attempts, 1);
	assert_non_null(strstr(cd.detail, "note §2.7.3"));
	/* never written again, even long after the resend time */
	int writes = e->f.writes;
	tick(e, T0 + 3 + CAMPAIGN_RESEND_S + 10);
	assert_int_equal(e->f.writes, writes);
	assert_string_equal(cdev(e, id, 0).state, "cancelled");
	/* a second call changes nothing */
	campaign_device_cancelled(e->d, imei, T0 + 50);
	assert_int_equal(cdev(e, id, 0).updated, cd.updated);
	/* an IMEI in no campaign */
	campaign_device_cancelled(e->d, "359999999999999", T0 + 50);
}

static void skipped_and_offline(void **state)
{
	env *e = *state;
	device(e, 0, "01.00,A01.0", T0); /* a prefix of the start version: not it */
	device(e, 1, NEW, T0);           /* already on the destination */
	int64_t id = create(e, 3, 3, 1, NULL);
	char why[128];
	campaign_approve(e->d, id, "a", T0, why, sizeof why);
	tick(e, T0);
	assert_string_equal(cdev(e, id, 0).state, "skipped");
	assert_string_equal(cdev(e, id, 1).state, "skipped");
	assert_string_equal(cdev(e, id, 2).state, "waiting"); /* never registered */
	assert_int_equal(e->f.writes, 0);
	/* nobody could take part yet: the test campaign waits for device 2 */
	assert_string_equal(camp(e, id).state, "running");
	device(e, 2, OLD, T0 + 1);
	tick(e, T0 + 1);
	assert_string_equal(cdev(e, id, 2).state, "downloading");
	dev_version(e, 2, NEW); /* back on the new version, the rest unseen */
	tick(e, T0 + 2);
	assert_string_equal(cdev(e, id, 2).state, "succeeded");
	assert_string_equal(camp(e, id).state, "test_done");
	e->f.writes = 0;
	/* a device without a session: the step is stored, the request fails,
	 * and the resend goes out once it has one */
	e->f.offline = true;
	device(e, 5, OLD, T0);
	db_campaign c2;
	int64_t id2 = create(e, 6, 5, 1, NULL);
	(void)c2;
	campaign_approve(e->d, id2, "a", T0, why, sizeof why);
	tick(e, T0 + 1);
	assert_string_equal(cdev(e, id2, 5).state, "pending"); /* group 1 */
	assert_int_equal(e->f.writes, 0);
}

static void window_and_end(void **state)
{
	env *e = *state;
	device(e, 0, OLD, T0);
	device(e, 1, OLD, T0);
	void tweak(db_campaign * c);
	int64_t id = create(e, 2, 1, 1, tweak);
	char why[128];
	campaign_approve(e->d, id, "a", T0, why, sizeof why);
	/* T0 is 22:13 UTC; the window is 01:00-02:00 */
	tick(e, T0);
	assert_int_equal(e->f.writes, 0);
	int64_t one_am = T0 - (T0 % 86400) + 86400 + 3600;
	tick(e, one_am);
	assert_int_equal(e->f.writes, 1);
	dev_fw(e, 0, 0, 1);
	dev_version(e, 0, NEW);
	tick(e, one_am + 1);
	assert_string_equal(camp(e, id).state, "test_done");
	assert_int_equal(campaign_accept_test(e->d, id, "a", one_am + 2, why, sizeof why), 0);
	/* past the schedule's end: the last device is not reached */
	tick(e, T0 + 3 * 86400);
	assert_string_equal(cdev(e, id, 1).state, "not_reached");
	assert_string_equal(camp(e, id).state, "finished");
}

void tweak(db_campaign *c)
{
	c->window_from = 60;
	c->window_to = 120;
	c->start_at = T0 - 10;
	c->end_at = T0 + 2 * 86400;
}

static void thresholds_and_pause(void **state)
{
	env *e = *state;
	for (int i = 0; i < 7; i++)
		device(e, i, OLD, T0);
	void pause_tweak(db_campaign * c);
	int64_t id = create(e, 7, 1, 3, pause_tweak); /* test: 0; group 1: 1-3; group 2: 4-6 */
	char why[128];
	campaign_approve(e->d, id, "a", T0, why, sizeof why);
	tick(e, T0);
	dev_fw(e, 0, 0, 1);
	dev_version(e, 0, NEW);
	tick(e, T0 + 1);
	assert_int_equal(campaign_accept_test(e->d, id, "a", T0 + 2, why, sizeof why), 0);
	tick(e, T0 + 3);
	for (int i = 1; i <= 3; i++) {
		assert_string_equal(cdev(e, id, i).state, "downloading");
		dev_fw(e, i, 0, 1);
		dev_version(e, i, NEW);
	}
	assert_string_equal(cdev(e, id, 4).state, "pending");
	tick(e, T0 + 4); /* all three succeed */
	tick(e, T0 + 5);
	db_campaign c = camp(e, id);
	assert_string_equal(c.state, "paused"); /* pause_after_group */
	assert_int_equal(c.current_group, 2);
	assert_int_equal(campaign_resume(e->d, id, T0 + 6, why, sizeof why), 0);
	tick(e, T0 + 7);
	/* two of three fail (no retries): 66% >= 50% pauses */
	dev_fw(e, 4, 0, 7);
	dev_fw(e, 5, 0, 9);
	tick(e, T0 + 8);
	c = camp(e, id);
	assert_string_equal(c.state, "paused");
	assert_non_null(strstr(c.detail, "error threshold"));
	/* paused: the running one goes on, nothing new starts */
	int w = e->f.writes;
	dev_fw(e, 6, 2, 0);
	tick(e, T0 + 9);
	assert_int_equal(e->f.executes, 1);
	assert_int_equal(e->f.writes, w);
	/* a forced cancel ends the install's device too */
	assert_int_equal(campaign_cancel(e->d, &e->io, id, false, T0 + 10, why, sizeof why), 0);
	assert_string_equal(camp(e, id).state, "cancelling");
	assert_int_equal(campaign_cancel(e->d, &e->io, id, true, T0 + 11, why, sizeof why), 0);
	assert_string_equal(camp(e, id).state, "cancelled");
	assert_string_equal(cdev(e, id, 6).state, "cancelled");
	assert_int_equal(campaign_cancel(e->d, &e->io, id, true, T0 + 12, why, sizeof why), -1);
}

void pause_tweak(db_campaign *c)
{
	c->pause_after_group = 1;
	c->max_retries = 0;
}

/* note §2.7.3: a device back on the start version in the middle of the
 * install, with no result, is marked (a host reset) once its reads are in */
static void reset_during_install(void **state)
{
	env *e = *state;
	device(e, 0, OLD, T0);
	int64_t id = create(e, 1, 1, 1, NULL);
	char why[128];
	campaign_approve(e->d, id, "a", T0, why, sizeof why);
	tick(e, T0);
	dev_fw(e, 0, 2, 0);
	tick(e, T0 + 1);
	assert_string_equal(cdev(e, id, 0).state, "updating");
	/* registers again: nothing known yet, then the old version is read */
	device(e, 0, "", T0 + 5);
	tick(e, T0 + 6);
	assert_int_equal(cdev(e, id, 0).reset_during_update, 0);
	dev_version(e, 0, OLD);
	tick(e, T0 + 7);
	assert_int_equal(cdev(e, id, 0).reset_during_update, 0); /* too early to say */
	tick(e, T0 + 15);
	db_cdev cd = cdev(e, id, 0);
	assert_int_equal(cd.reset_during_update, 1);
	assert_string_equal(cd.state, "updating");
	assert_non_null(strstr(cd.detail, "2.7.3"));
	/* it then installs after all: success, the mark stays for the report */
	dev_version(e, 0, NEW);
	tick(e, T0 + 16);
	cd = cdev(e, id, 0);
	assert_string_equal(cd.state, "succeeded");
	assert_int_equal(cd.reset_during_update, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nothing_before_approval, setup, teardown),
		cmocka_unit_test_setup_teardown(timeout_and_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(install_and_result, setup, teardown),
		cmocka_unit_test_setup_teardown(stored_before_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(legacy_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(legacy_not_others, setup, teardown),
		cmocka_unit_test_setup_teardown(device_cancels, setup, teardown),
		cmocka_unit_test_setup_teardown(skipped_and_offline, setup, teardown),
		cmocka_unit_test_setup_teardown(window_and_end, setup, teardown),
		cmocka_unit_test_setup_teardown(thresholds_and_pause, setup, teardown),
		cmocka_unit_test_setup_teardown(reset_during_install, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
