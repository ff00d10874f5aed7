/* sarafw-server's storage (server/db.c on SQLite, or on PostgreSQL when
 * SARAFW_TEST_DB names a database: ctest runs it both ways, the second
 * under tests/integration/pgcluster.py): schema versions and
 * migrations, devices through Register/Update/De-register, PSKs, tokens,
 * immutable packages, campaigns and their devices, that what was
 * committed is there after closing and opening again, and statements run
 * again with other parameter types and across a lost session. */
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

static char dir[64], url[256];
static bool pg; /* the database is PostgreSQL's */

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/sarafw-dbtest-XXXXXX");
	assert_non_null(mkdtemp(dir));
	const char *pgurl = getenv("SARAFW_TEST_DB");
	pg = pgurl && *pgurl;
	if (pg)
		snprintf(url, sizeof url, "%s", pgurl);
	else
		snprintf(url, sizeof url, "sqlite:%s/s.db", dir);
	return 0;
}

/* an empty database again, without migrating (db_open would refuse a
 * newer schema) */
static void wipe(void)
{
	if (!pg) {
		char cmd[160];
		snprintf(cmd, sizeof cmd, "rm -f '%s'/s.db*", dir);
		assert_int_equal(system(cmd), 0);
		return;
	}
	char err[256] = "";
	db *d;
	if (db_pg_backend.open(url + strlen("postgresql:"), &d, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(db_exec(d, "DROP SCHEMA public CASCADE", NULL, 0, NULL, NULL), 0);
	assert_int_equal(db_exec(d, "CREATE SCHEMA public", NULL, 0, NULL, NULL), 0);
	db_close(d);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static db *open_ok(void)
{
	char err[256] = "";
	db *d = db_open(url, err, sizeof err);
	if (!d)
		fail_msg("%s", err);
	return d;
}

static void urls(void **state)
{
	(void)state;
	static const char *const bad[] = {"", "nothing", "postgres:x", "sqlite", "sqlite:/nonexistent/dir/x.db",
					  "postgresql://nobody@127.0.0.1:1/x", "postgresql://%zz", "postgresql:"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char err[256] = "";
		db *d = db_open(bad[i], err, sizeof err);
		if (d)
			fail_msg("%s opened", bad[i]);
		assert_true(err[0] != 0);
	}
}

static int row_text(void *ctx, int ncol, const db_val *c)
{
	if (ncol > 0 && c[0].t == DBV_TEXT)
		snprintf(ctx, 64, "%s", c[0].s);
	return 1;
}

static void schema(void **state)
{
	(void)state;
	db *d = open_ok();
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	char mode[64] = "";
	if (pg) {
		/* durable: a COMMIT that returned has its WAL flushed; else it is
		 * only in PostgreSQL (safe from kill -9 of the server) */
		assert_int_equal(d->ops->durability(d, true), 0);
		assert_int_equal(db_exec(d, "SHOW synchronous_commit", NULL, 0, row_text, mode), 0);
		assert_string_equal(mode, "on");
		assert_int_equal(d->ops->durability(d, false), 0);
		assert_int_equal(db_exec(d, "SHOW synchronous_commit", NULL, 0, row_text, mode), 0);
		assert_string_equal(mode, "off");
		/* a durable function leaves it as it found it */
		assert_int_equal(db_token_add(d, "ab", "viewer", "t", 1), 0);
		assert_int_equal(db_exec(d, "SHOW synchronous_commit", NULL, 0, row_text, mode), 0);
		assert_string_equal(mode, "off");
		/* schema 5: the device rows leave room for HOT updates */
		assert_int_equal(db_exec(d, "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'devices'",
					 NULL, 0, row_text, mode),
				 0);
		assert_string_equal(mode, "fillfactor=50");
	} else {
		assert_int_equal(db_exec(d, "PRAGMA journal_mode", NULL, 0, row_text, mode), 0);
		assert_string_equal(mode, "wal");
	}
	db_close(d);
	/* opening again migrates nothing and keeps the version */
	d = open_ok();
	assert_int_equal(db_schema_version(d), DB_SCHEMA_VERSION);
	/* a database from a newer server is refused, not rewritten */
	db_val v = DB_INT(DB_SCHEMA_VERSION + 1);
	assert_int_equal(db_exec(d, "UPDATE schema_version SET version = ?", &v, 1, NULL, NULL), 0);
	db_close(d);
	char err[256] = "";
	assert_null(db_open(url, err, sizeof err));
	assert_non_null(strstr(err, "schema version"));
	wipe();
}

static void devices(void **state)
{
	(void)state;
	db *d = open_ok();
	db_device v = {.lifetime = 300, .registered_at = 100, .last_seen = 100};
	strcpy(v.endpoint, "urn:imei:351234567890123");
	strcpy(v.imei, "351234567890123");
	strcpy(v.location, "aaaa");
	strcpy(v.lwm2m, "1.0");
	strcpy(v.binding, "U");
	strcpy(v.objects, "/1/0,/3/0,/5/0");
	assert_int_equal(db_device_register(d, &v), 0);
	db_device o;
	assert_int_equal(db_device_get(d, v.endpoint, &o), 0);
	assert_true(o.registered);
	assert_int_equal(o.fw_state, -1);
	assert_string_equal(o.objects, "/1/0,/3/0,/5/0");
	assert_int_equal(db_device_by_imei(d, "351234567890123", &o), 0);
	assert_int_equal(db_device_by_imei(d, "", &o), 1);
	assert_int_equal(db_device_by_location(d, "bbbb", &o), 1);
	/* update: only what is given changes */
	assert_int_equal(db_device_update(d, "aaaa", 0, NULL, NULL, 150), 0);
	assert_int_equal(db_device_get(d, v.endpoint, &o), 0);
	assert_int_equal(o.lifetime, 300);
	assert_int_equal(o.last_seen, 150);
	assert_int_equal(db_device_update(d, "aaaa", 600, "UQ", "/3/0", 160), 0);
	assert_int_equal(db_device_get(d, v.endpoint, &o), 0);
	assert_int_equal(o.lifetime, 600);
	assert_string_equal(o.binding, "UQ");
	assert_string_equal(o.objects, "/3/0");
	assert_int_equal(db_device_update(d, "zzzz", 600, NULL, NULL, 160), 1);
	/* only the registration's own endpoint may refresh it (DTLS identity) */
	db_device u;
	assert_int_equal(db_device_update_as(d, "aaaa", "someone-else", 0, NULL, NULL, 170, &u), 1);
	assert_int_equal(db_device_get(d, v.endpoint, &o), 0);
	assert_int_equal(o.last_seen, 160);
	assert_int_equal(db_device_update_as(d, "aaaa", v.endpoint, 0, NULL, NULL, 170, &u), 0);
	assert_string_equal(u.endpoint, v.endpoint);
	assert_string_equal(u.imei, "351234567890123");
	assert_int_equal(u.lifetime, 600);
	assert_int_equal(u.last_seen, 170);
	assert_int_equal(db_device_update_as(d, "aaaa", NULL, 0, NULL, NULL, 171, NULL), 0);
	assert_int_equal(db_device_get(d, v.endpoint, &o), 0);
	assert_int_equal(o.last_seen, 171);
	assert_int_equal(db_device_set_firmware(d, v.endpoint, "02.00,A01.00"), 0);
	assert_int_equal(db_device_set_fw_state(d, v.endpoint, 2), 0);
	assert_int_equal(db_device_set_fw_result(d, v.endpoint, 0), 0);
	/* registering again: a new location; what it runs is unknown until read */
	strcpy(v.location, "cccc");
	assert_int_equal(db_device_register(d, &v), 0);
	assert_int_equal(db_device_by_location(d, "aaaa", &o), 1);
	assert_int_equal(db_device_by_location(d, "cccc", &o), 0);
	assert_string_equal(o.firmware_version, "");
	assert_int_equal(o.fw_state, -1);
	assert_int_equal(db_device_set_fw_state(d, v.endpoint, 2), 0);
	/* another endpoint taking a location in use: the first gives it up */
	db_device w = v;
	strcpy(w.endpoint, "other");
	w.imei[0] = 0;
	assert_int_equal(db_device_register(d, &w), 0);
	assert_int_equal(db_device_get(d, v.endpoint, &o), 0);
	assert_false(o.registered);
	/* de-register */
	char ep[DB_EP_MAX + 1] = "";
	assert_int_equal(db_device_deregister(d, "cccc", ep, sizeof ep), 0);
	assert_string_equal(ep, "other");
	assert_int_equal(db_device_deregister(d, "cccc", ep, sizeof ep), 1);
	assert_int_equal(db_device_update(d, "cccc", 0, NULL, NULL, 170), 1);
	/* PSKs */
	uint8_t key[64], k16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	assert_int_equal(db_psk_get(d, "nobody", key, sizeof key), 0);
	assert_int_equal(db_psk_set(d, "newdev", k16, sizeof k16), 0);
	assert_int_equal(db_psk_get(d, "newdev", key, sizeof key), 16);
	assert_memory_equal(key, k16, 16);
	assert_int_equal(db_psk_get(d, "newdev", key, 8), 0); /* does not fit: no key */
	assert_int_equal(db_psk_set(d, "newdev", k16, 0), -1);
	assert_int_equal(db_psk_set(d, "newdev", key, 65), -1);
	/* a PSK for a registered device keeps its registration */
	assert_int_equal(db_psk_set(d, "urn:imei:351234567890123", k16, 16), 0);
	assert_int_equal(db_device_get(d, "urn:imei:351234567890123", &o), 0);
	assert_string_equal(o.imei, "351234567890123");
	db_close(d);
	/* all of it after a reopen */
	d = open_ok();
	assert_int_equal(db_device_get(d, "newdev", &o), 0);
	assert_false(o.registered);
	assert_int_equal(db_device_get(d, "urn:imei:351234567890123", &o), 0);
	assert_int_equal(o.fw_state, 2);
	db_close(d);
}

/* plain Updates' refreshes in batches (server/lwm2m.c touch_flush): more
 * than one statement's worth, repeats, and locations that are no
 * registration (de-registered, never stored) */
static void device_touch(void **state)
{
	(void)state;
	db *d = open_ok();
	enum { N = 300 }; /* more than one statement's worth (db.c DB_TOUCH_BIG) */
	static char locs[N + 3][DB_LOC_MAX + 1];
	for (int i = 0; i < N; i++) {
		db_device v = {.lifetime = 300, .registered_at = 100, .last_seen = 100};
		snprintf(v.endpoint, sizeof v.endpoint, "touch-%d", i);
		snprintf(v.location, sizeof v.location, "t%04d", i);
		strcpy(v.lwm2m, "1.0");
		strcpy(v.binding, "U");
		assert_int_equal(db_device_register(d, &v), 0);
		strcpy(locs[i], v.location);
	}
	assert_int_equal(db_device_deregister(d, "t0007", NULL, 0), 0);
	strcpy(locs[N], "nowhere");
	strcpy(locs[N + 1], "t0001"); /* twice in one batch */
	strcpy(locs[N + 2], "t0299");
	bool found[N + 3];
	assert_int_equal(db_device_touch(d, (const char(*)[DB_LOC_MAX + 1])locs, N + 3, 200, found), 0);
	for (int i = 0; i < N + 3; i++)
		assert_int_equal(found[i], i != 7 && i != N);
	db_device o;
	for (int i = 0; i < N; i++) {
		char ep[32];
		snprintf(ep, sizeof ep, "touch-%d", i);
		assert_int_equal(db_device_get(d, ep, &o), 0);
		assert_int_equal(o.last_seen, i == 7 ? 100 : 200);
	}
	/* a short batch: one statement, its unused places repeat the first */
	assert_int_equal(db_device_touch(d, (const char(*)[DB_LOC_MAX + 1])locs + 3, 2, 300, found), 0);
	assert_true(found[0] && found[1]);
	assert_int_equal(db_device_get(d, "touch-3", &o), 0);
	assert_int_equal(o.last_seen, 300);
	assert_int_equal(db_device_get(d, "touch-5", &o), 0);
	assert_int_equal(o.last_seen, 200);
	assert_int_equal(db_device_touch(d, NULL, 0, 400, found), 0);
	db_close(d);
	wipe();
}

static void tokens_packages(void **state)
{
	(void)state;
	db *d = open_ok();
	char role[16];
	assert_int_equal(db_token_role(d, "ab", role, sizeof role), 1);
	assert_int_equal(db_token_add(d, "ab", "viewer", "v", 1), 0);
	assert_int_equal(db_token_role(d, "ab", role, sizeof role), 0);
	assert_string_equal(role, "viewer");
	db_package p = {.size = 10, .kind = 1, .created = 5};
	strcpy(p.sha256, "00ff");
	strcpy(p.product, "SARA-R410M");
	strcpy(p.to_version, "02.00,A01.00");
	assert_int_equal(db_package_add(d, &p), 0);
	/* the same hash again: unchanged, never rewritten */
	db_package q = p;
	strcpy(q.product, "EVIL");
	q.size = 99;
	assert_int_equal(db_package_add(d, &q), 1);
	db_package o;
	assert_int_equal(db_package_get(d, "00ff", &o), 0);
	assert_string_equal(o.product, "SARA-R410M");
	assert_int_equal(o.size, 10);
	assert_int_equal(db_package_get(d, "0000", &o), 1);
	db_close(d);
}

static int count_cdev(void *ctx, const db_cdev *cd)
{
	(void)cd;
	++*(int *)ctx;
	return 0;
}

static int count_camp(void *ctx, const db_campaign *c)
{
	(void)c;
	++*(int *)ctx;
	return 0;
}

/* uses the package tokens_packages stored */
static void campaigns(void **state)
{
	(void)state;
	db *d = open_ok();
	db_campaign c = {
		.test_size = 2, .group_size = 2, .success_threshold = 90, .error_threshold = 34,
		.action_timeout = 60, .max_retries = 1, .retry_backoff = 10,
	};
	strcpy(c.name, "c");
	strcpy(c.product, "SARA-R410M");
	strcpy(c.from_version, "01.00,A01.00");
	strcpy(c.to_version, "02.00,A01.00");
	strcpy(c.package, "00ff");
	strcpy(c.transport, "http");
	char imeis[5][DB_IMEI_MAX + 1] = {"350000000000001", "350000000000002", "350000000000003",
					  "350000000000004", "350000000000005"};
	char why[192];
	/* validation: each a caller's mistake with a reason */
	static const struct {
		const char *what;
		int64_t test_size, err;
		const char *product, *to, *transport;
	} bad[] = {
		{"test size 6", 6, 34, "SARA-R410M", "02.00,A01.00", "http"},
		{"test size 0", 0, 34, "SARA-R410M", "02.00,A01.00", "http"},
		{"error threshold 0", 2, 0, "SARA-R410M", "02.00,A01.00", "http"},
		{"other product", 2, 34, "SARA-R410", "02.00,A01.00", "http"},       /* a prefix: no match */
		{"other version", 2, 34, "SARA-R410M", "02.00,A01.0", "http"},
		{"transport", 2, 34, "SARA-R410M", "02.00,A01.00", "ftp"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		db_campaign b = c;
		b.test_size = bad[i].test_size;
		b.error_threshold = bad[i].err;
		strcpy(b.product, bad[i].product);
		strcpy(b.to_version, bad[i].to);
		strcpy(b.transport, bad[i].transport);
		why[0] = 0;
		if (campaign_create(d, &b, imeis, 5, 1000, why, sizeof why) != -1)
			fail_msg("%s: accepted", bad[i].what);
		assert_true(why[0] != 0);
	}
	char dup[2][DB_IMEI_MAX + 1] = {"350000000000001", "350000000000001"};
	assert_int_equal(campaign_create(d, &c, dup, 2, 1000, why, sizeof why), -1);
	char shortimei[1][DB_IMEI_MAX + 1] = {"35000000000001"};
	db_campaign c1 = c;
	c1.test_size = 1;
	assert_int_equal(campaign_create(d, &c1, shortimei, 1, 1000, why, sizeof why), -1);
	int n = 0;
	assert_int_equal(db_campaign_list(d, count_camp, &n), 0);
	assert_int_equal(n, 0); /* nothing stored by the refusals */

	assert_int_equal(campaign_create(d, &c, imeis, 5, 1000, why, sizeof why), 0);
	assert_int_equal(c.id, 1);
	db_campaign o;
	assert_int_equal(db_campaign_get(d, 1, &o), 0);
	assert_string_equal(o.state, "draft");
	n = 0;
	assert_int_equal(db_cdev_list(d, 1, count_cdev, &n), 0);
	assert_int_equal(n, 5);
	/* approval, then the test report is not ready */
	assert_int_equal(campaign_accept_test(d, 1, "a", 1001, why, sizeof why), -1);
	assert_int_equal(campaign_approve(d, 1, "a", 1001, why, sizeof why), 0);
	assert_int_equal(campaign_approve(d, 1, "a", 1001, why, sizeof why), -1);
	assert_int_equal(campaign_approve(d, 7, "a", 1001, why, sizeof why), -1);
	db_close(d);
	d = open_ok();
	assert_int_equal(db_campaign_get(d, 1, &o), 0);
	assert_string_equal(o.state, "running");
	assert_string_equal(o.approved_by, "a");
	db_close(d);
}

/* PostgreSQL's placeholders: '?' becomes $1, $2... outside quotes only;
 * what does not fit is refused, never cut */
static void pg_placeholders(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
		int n;
		size_t cap;
	} t[] = {
		{"SELECT 1", "SELECT 1", 0, 64},
		{"", "", 0, 1},
		{"a = ? AND b = ?", "a = $1 AND b = $2", 2, 64},
		{"x = '?' AND y = ?", "x = '?' AND y = $1", 1, 64}, /* a placeholder in quotes is text */
		{"\"a?b\" = ?", "\"a?b\" = $1", 1, 64},
		{"'it''s ?' || ?", "'it''s ?' || $1", 1, 64},
		{"'unterminated ?", "'unterminated ?", 0, 64},
		{"??????????", "$1$2$3$4$5$6$7$8$9$10", 10, 64},
		{"?", NULL, -1, 2},         /* "$1" needs 3 bytes */
		{"SELECT 1", NULL, -1, 8},  /* no room for the NUL */
		{"x", NULL, -1, 0},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		char out[64];
		memset(out, 'Z', sizeof out);
		int n = db_pg_rewrite(t[i].in, out, t[i].cap);
		if (t[i].n >= 0 && n != t[i].n)
			fail_msg("%zu: %s: %d placeholders, want %d", i, t[i].in, n, t[i].n);
		if (t[i].n < 0) {
			assert_int_equal(n, -1);
			continue;
		}
		assert_string_equal(out, t[i].out);
	}
}

static int row_i64(void *ctx, int ncol, const db_val *c)
{
	if (ncol > 0 && c[0].t == DBV_INT)
		*(int64_t *)ctx = c[0].i;
	return 1;
}

/* One statement text run with other parameter types each time (PostgreSQL
 * prepares it once per types), a statement that fails to prepare, and (on
 * PostgreSQL) a session cut under the server: the next statement opens a
 * new one and prepares again what the old one had. */
static void statements_again(void **state)
{
	(void)state;
	db *d = open_ok();
	static const char *const q = "SELECT CAST(? AS TEXT)";
	for (int round = 0; round < 2; round++) {
		char out[64] = "none";
		db_val p = DB_INT(5000000000);
		assert_int_equal(db_exec(d, q, &p, 1, row_text, out), 0);
		assert_string_equal(out, "5000000000");
		p = DB_TEXT("abc");
		assert_int_equal(db_exec(d, q, &p, 1, row_text, out), 0);
		assert_string_equal(out, "abc");
		strcpy(out, "none");
		p = DB_NULL;
		assert_int_equal(db_exec(d, q, &p, 1, row_text, out), 0);
		assert_string_equal(out, "none"); /* NULL: no text */
		p = DB_INT(1);
		assert_int_equal(db_exec(d, "SELECT FROM WHERE ?", &p, 1, NULL, NULL), -1);
	}
	if (pg) {
		int64_t pid = 0, again = 0;
		assert_int_equal(db_exec(d, "SELECT pg_backend_pid()", NULL, 0, row_i64, &pid), 0);
		db *killer = open_ok();
		db_val kp[] = {DB_INT(pid), DB_INT(5000)};
		int64_t done = 0;
		assert_int_equal(db_exec(killer, "SELECT CAST(pg_terminate_backend(CAST(? AS INTEGER), ?) AS INTEGER)",
					 kp, 2, row_i64, &done),
				 0);
		assert_int_equal(done, 1);
		db_close(killer);
		char out[64] = "none";
		db_val p = DB_TEXT("after");
		assert_int_equal(db_exec(d, q, &p, 1, row_text, out), -1); /* the session went */
		assert_int_equal(db_exec(d, q, &p, 1, row_text, out), 0);  /* a new one */
		assert_string_equal(out, "after");
		assert_int_equal(db_exec(d, "SELECT pg_backend_pid()", NULL, 0, row_i64, &again), 0);
		assert_true(again != pid);
	}
	db_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pg_placeholders),
		cmocka_unit_test(urls),
		cmocka_unit_test(schema),
		cmocka_unit_test(devices),
		cmocka_unit_test(device_touch),
		cmocka_unit_test(tokens_packages),
		cmocka_unit_test(campaigns),
		cmocka_unit_test(statements_again),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
