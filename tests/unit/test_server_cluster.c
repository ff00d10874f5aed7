/* Several sarafw-server front-ends on one database: the routed command
 * messages (table tests of bad input), node heartbeats, device owners and
 * the atomic campaign claim, seen from two connections to one database
 * (SQLite file, or PostgreSQL when SARAFW_TEST_DB names one: ctest runs
 * unit.test_server_cluster.pg in a private cluster). */
#include <pthread.h>
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
#include "db_cluster.h"
#include "routemsg.h"

static char dir[64], url[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/sarafw-cltest-XXXXXX");
	assert_non_null(mkdtemp(dir));
	const char *pgurl = getenv("SARAFW_TEST_DB");
	if (pgurl && *pgurl)
		snprintf(url, sizeof url, "%s", pgurl);
	else
		snprintf(url, sizeof url, "sqlite:%s/s.db", dir);
	return 0;
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

static void messages(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		char verb;
		const char *uri;
	} good[] = {
		{"W 351234567890123 http://127.0.0.1:8080/pkg/ab", 'W', "http://127.0.0.1:8080/pkg/ab"},
		{"W 351234567890123 ", 'W', ""}, /* empty: stop the download */
		{"X 351234567890123", 'X', ""},
		{"B 351234567890123", 'B', ""}, /* Execute /3/0/4, note §2.6.2 */
		{"O 000000000000000", 'O', ""},
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		route_msg m;
		assert_int_equal(route_msg_parse((const uint8_t *)good[i].in, strlen(good[i].in), &m), 0);
		assert_int_equal(m.verb, good[i].verb);
		assert_string_equal(m.uri, good[i].uri);
		char buf[ROUTE_MSG_MAX + 1];
		int n = route_msg_format(&m, buf, sizeof buf);
		assert_int_equal(n, (int)strlen(good[i].in));
		assert_memory_equal(buf, good[i].in, (size_t)n);
	}
	char longuri[2 + 15 + 1 + ROUTE_URI_MAX + 2];
	snprintf(longuri, sizeof longuri, "W 351234567890123 ");
	memset(longuri + 18, 'a', ROUTE_URI_MAX + 1);
	longuri[18 + ROUTE_URI_MAX + 1] = 0;
	static const char *const bad[] = {
		"", "W", "X ", "X 35123456789012", "X 3512345678901234", "X 35123456789012a",
		"X 351234567890123 ", "B 351234567890123 u", "O 351234567890123x", "W 351234567890123", "W 351234567890123 a b",
		"W 351234567890123 \x01", "W 351234567890123 \xff", "Z 351234567890123", "w 351234567890123 u",
		"X\t351234567890123", "W 351234567890123\tu",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		route_msg m;
		if (route_msg_parse((const uint8_t *)bad[i], strlen(bad[i]), &m) == 0)
			fail_msg("accepted %zu: \"%s\"", i, bad[i]);
	}
	route_msg m;
	assert_int_equal(route_msg_parse((const uint8_t *)longuri, strlen(longuri), &m), -1);
	longuri[strlen(longuri) - 1] = 0; /* ROUTE_URI_MAX exactly */
	assert_int_equal(route_msg_parse((const uint8_t *)longuri, strlen(longuri), &m), 0);
	/* a NUL inside is not a shorter message */
	assert_int_equal(route_msg_parse((const uint8_t *)"X 351234567890123\0", 18, &m), -1);
	/* formatting refuses what parsing would */
	route_msg f = {.verb = 'W', .imei = "35123456789012", .uri = "u"};
	char buf[ROUTE_MSG_MAX + 1];
	assert_int_equal(route_msg_format(&f, buf, sizeof buf), -1);
	f = (route_msg){.verb = 'W', .imei = "351234567890123", .uri = "a b"};
	assert_int_equal(route_msg_format(&f, buf, sizeof buf), -1);
	f = (route_msg){.verb = 'Q', .imei = "351234567890123"};
	assert_int_equal(route_msg_format(&f, buf, sizeof buf), -1);
	f = (route_msg){.verb = 'X', .imei = "351234567890123"};
	assert_int_equal(route_msg_format(&f, buf, 17), -1); /* no room for the NUL */
	assert_int_equal(route_msg_format(&f, buf, 18), 17);
}

static void node_ids(void **state)
{
	(void)state;
	assert_true(cluster_node_id_ok("fe-1"));
	assert_true(cluster_node_id_ok("A_b-9"));
	assert_true(cluster_node_id_ok("abcdefghijklmnopqrstuvwxyz012345")); /* 32 */
	static const char *const bad[] = {"", "a.b", "a b", "a*", "a>", "abcdefghijklmnopqrstuvwxyz0123456", "é"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (cluster_node_id_ok(bad[i]))
			fail_msg("node id \"%s\" accepted", bad[i]);
}

static void nodes_owners(void **state)
{
	(void)state;
	db *a = open_ok(), *b = open_ok();
	assert_int_equal(db_schema_version(a), DB_SCHEMA_VERSION);
	assert_int_equal(db_node_alive(a, "fe1", 1000), 0); /* unknown */
	assert_int_equal(db_node_heartbeat(a, "fe1", 1000), 0);
	assert_int_equal(db_node_heartbeat(b, "fe2", 1000), 0);
	assert_int_equal(db_node_alive(b, "fe1", 1000 + CLUSTER_LEASE_S), 1);
	assert_int_equal(db_node_alive(b, "fe1", 1001 + CLUSTER_LEASE_S), 0); /* its lease ran out */
	assert_int_equal(db_node_heartbeat(a, "fe1", 1005), 0);
	assert_int_equal(db_node_alive(b, "fe1", 1001 + CLUSTER_LEASE_S), 1);

	db_device v = {.lifetime = 300, .registered_at = 100, .last_seen = 100};
	strcpy(v.endpoint, "urn:imei:351234567890123");
	strcpy(v.imei, "351234567890123");
	strcpy(v.location, "aaaa");
	assert_int_equal(db_device_register(a, &v), 0);
	char owner[CLUSTER_NODE_MAX + 1] = "x";
	assert_int_equal(db_device_owner(b, "351234567890123", owner, sizeof owner), 0);
	assert_string_equal(owner, ""); /* none yet */
	assert_int_equal(db_device_set_owner(a, v.endpoint, "fe1"), 0);
	assert_int_equal(db_device_owner(b, "351234567890123", owner, sizeof owner), 0);
	assert_string_equal(owner, "fe1");
	/* the device registers again at fe2: it moves */
	strcpy(v.location, "bbbb");
	assert_int_equal(db_device_register(b, &v), 0);
	assert_int_equal(db_device_set_owner(b, v.endpoint, "fe2"), 0);
	assert_int_equal(db_device_owner(a, "351234567890123", owner, sizeof owner), 0);
	assert_string_equal(owner, "fe2");
	assert_int_equal(db_device_owner(a, "359999999999999", owner, sizeof owner), 1);
	assert_int_equal(db_device_owner(a, "", owner, sizeof owner), 1);
	db_close(a);
	db_close(b);
}

typedef struct tick_io {
	int claim, claims, writes;
	db *db;
} tick_io;

static int t_write(void *ctx, const char *imei, const char *uri)
{
	(void)imei, (void)uri;
	((tick_io *)ctx)->writes++;
	return 0;
}

static int t_execute(void *ctx, const char *imei)
{
	(void)ctx, (void)imei;
	return 0;
}

static void t_uri(void *ctx, const char *sha, const char *transport, char *buf, size_t cap)
{
	(void)ctx, (void)transport;
	snprintf(buf, cap, "http://x/pkg/%s", sha);
}

static int t_claim(void *ctx, int64_t campaign, int64_t now, db_fence *fence)
{
	(void)campaign, (void)now;
	tick_io *t = ctx;
	t->claims++;
	if (!t->claim)
		return 0;
	int r = db_campaign_claim_fence(t->db, campaign, "fe1", now, fence);
	fence->until = INT64_MAX; /* the test's clock is not time() */
	return r;
}

static void claims(void **state)
{
	(void)state;
	db *a = open_ok(), *b = open_ok();
	db_package p = {.size = 10, .kind = 1, .created = 1};
	memset(p.sha256, 'c', 64);
	strcpy(p.product, "SARA-R410M");
	strcpy(p.to_version, "02.00,A01.00");
	assert_true(db_package_add(a, &p) >= 0);
	db_campaign c = {.test_size = 1, .group_size = 1, .success_threshold = 50, .error_threshold = 50,
			 .action_timeout = 10};
	strcpy(c.name, "claims");
	strcpy(c.product, "SARA-R410M");
	strcpy(c.from_version, "01.00,A01.00");
	strcpy(c.to_version, "02.00,A01.00");
	memcpy(c.package, p.sha256, sizeof c.package);
	strcpy(c.transport, "http");
	char imeis[1][DB_IMEI_MAX + 1] = {"351234567890123"};
	char why[160] = "";
	if (campaign_create(a, &c, imeis, 1, 100, why, sizeof why))
		fail_msg("%s", why);
	/* free: the first one takes it, the other is refused while the lease runs */
	assert_int_equal(db_campaign_claim(a, c.id, "fe1", 1000), 1);
	assert_int_equal(db_campaign_claim(b, c.id, "fe2", 1000), 0);
	assert_int_equal(db_campaign_claim(b, c.id, "fe2", 1000 + CLUSTER_LEASE_S), 0);
	/* the holder renews */
	assert_int_equal(db_campaign_claim(a, c.id, "fe1", 1005), 1);
	assert_int_equal(db_campaign_claim(b, c.id, "fe2", 1005 + CLUSTER_LEASE_S), 0);
	char runner[CLUSTER_NODE_MAX + 1];
	int64_t until = 0;
	assert_int_equal(db_campaign_runner(b, c.id, runner, sizeof runner, &until), 0);
	assert_string_equal(runner, "fe1");
	assert_int_equal(until, 1005 + CLUSTER_LEASE_S);
	/* the holder is gone: once its lease ran out the other takes over, and
	 * the old one cannot take it back while the new lease runs */
	assert_int_equal(db_campaign_claim(b, c.id, "fe2", 1006 + CLUSTER_LEASE_S), 1);
	assert_int_equal(db_campaign_claim(a, c.id, "fe1", 1007 + CLUSTER_LEASE_S), 0);
	assert_int_equal(db_campaign_runner(a, c.id, runner, sizeof runner, &until), 0);
	assert_string_equal(runner, "fe2");
	assert_int_equal(db_campaign_claim(a, c.id + 1, "fe1", 1000), 0); /* no such campaign */
	assert_int_equal(db_campaign_runner(a, c.id + 1, runner, sizeof runner, &until), 1);

	/* campaign_tick steps only what its io may claim */
	db_device v = {.lifetime = 300, .registered_at = 2000, .last_seen = 2000};
	strcpy(v.endpoint, "urn:imei:351234567890123");
	strcpy(v.imei, "351234567890123");
	strcpy(v.location, "cccc");
	assert_int_equal(db_device_register(a, &v), 0);
	assert_int_equal(db_device_set_firmware(a, v.endpoint, "01.00,A01.00"), 0);
	assert_int_equal(campaign_approve(a, c.id, "approver", 2000, why, sizeof why), 0);
	tick_io t = {.claim = 0, .db = a};
	campaign_io io = {.ctx = &t, .write_uri = t_write, .execute = t_execute, .package_uri = t_uri, .claim = t_claim};
	assert_int_equal(campaign_tick(a, &io, 2001), 0);
	assert_int_equal(t.claims, 1);
	assert_int_equal(t.writes, 0);
	t.claim = 1;
	assert_int_equal(campaign_tick(a, &io, 2002), 1);
	assert_int_equal(t.claims, 2);
	assert_int_equal(t.writes, 1);
	db_close(a);
	db_close(b);
}

static int first_cdev(void *ctx, const db_cdev *cd)
{
	*(db_cdev *)ctx = *cd;
	return 1;
}

/* A holder that outlived its lease is fenced: its writes of the campaign
 * and of its devices are refused once another claimed it (a new epoch);
 * a renewal keeps the epoch. A write of a stale read (a version since
 * overwritten) is refused, and an operator's action ends the fence of a
 * step that read the campaign before it. */
static void fences(void **state)
{
	(void)state;
	db *a = open_ok(), *b = open_ok();
	db_package p = {.size = 10, .kind = 1, .created = 1};
	memset(p.sha256, 'd', 64);
	strcpy(p.product, "SARA-R410M");
	strcpy(p.to_version, "02.00,A01.00");
	assert_true(db_package_add(a, &p) >= 0);
	db_campaign c = {.test_size = 1, .group_size = 1, .success_threshold = 50, .error_threshold = 50,
			 .action_timeout = 10};
	strcpy(c.name, "fences");
	strcpy(c.product, "SARA-R410M");
	strcpy(c.from_version, "01.00,A01.00");
	strcpy(c.to_version, "02.00,A01.00");
	memcpy(c.package, p.sha256, sizeof c.package);
	strcpy(c.transport, "http");
	char imeis[1][DB_IMEI_MAX + 1] = {"351234567890124"};
	char why[160] = "";
	if (campaign_create(a, &c, imeis, 1, 100, why, sizeof why))
		fail_msg("%s", why);
	assert_int_equal(campaign_approve(a, c.id, "approver", 200, why, sizeof why), 0);
	db_fence f1 = {0}, f2 = {0}, f3 = {0};
	assert_int_equal(db_campaign_claim_fence(a, c.id, "fe1", 1000, &f1), 1);
	assert_string_equal(f1.node, "fe1");
	assert_int_equal(f1.until, 1000 + CLUSTER_LEASE_S - 1);
	db_campaign ca, cb;
	assert_int_equal(db_campaign_get(a, c.id, &ca), 0);
	assert_int_equal(f1.version, ca.version);
	db_cdev cd1 = {0}, cd2;
	assert_int_equal(db_cdev_list(a, c.id, first_cdev, &cd1), 0);
	cd2 = cd1;
	/* fe1 stalls past its lease; fe2 takes over: a new epoch */
	assert_int_equal(db_campaign_claim_fence(b, c.id, "fe2", 1001 + CLUSTER_LEASE_S, &f2), 1);
	assert_int_equal(f2.epoch, f1.epoch + 1);
	strcpy(cd1.state, "downloading");
	assert_int_equal(db_cdev_save_fenced(a, &cd1, &f1), 1); /* the stale holder writes nothing */
	strcpy(cd2.state, "waiting");
	assert_int_equal(db_cdev_save_fenced(b, &cd2, &f2), 0);
	cb = ca;
	strcpy(ca.detail, "stale");
	assert_int_equal(db_campaign_save_fenced(a, &ca, &f1), 1);
	strcpy(cb.detail, "fe2 steps");
	assert_int_equal(db_campaign_save_fenced(b, &cb, &f2), 0);
	f2.version = cb.version;
	/* a renewal keeps the epoch; fe1 cannot take it back meanwhile */
	assert_int_equal(db_campaign_claim_fence(b, c.id, "fe2", 1003 + CLUSTER_LEASE_S, &f3), 1);
	assert_int_equal(f3.epoch, f2.epoch);
	assert_int_equal(db_campaign_claim_fence(a, c.id, "fe1", 1004 + CLUSTER_LEASE_S, &f1), 0);
	/* versions: the second of two writes of one read is refused */
	db_cdev x = cd2, y = cd2;
	strcpy(x.detail, "x");
	strcpy(y.detail, "y");
	assert_int_equal(db_cdev_save(a, &x), 0);
	assert_int_equal(db_cdev_save(b, &y), 1);
	db_campaign p1, p2;
	assert_int_equal(db_campaign_get(a, c.id, &p1), 0);
	p2 = p1;
	strcpy(p1.detail, "one");
	strcpy(p2.detail, "two");
	assert_int_equal(db_campaign_save(a, &p1), 0);
	assert_int_equal(db_campaign_save(b, &p2), 1);
	assert_int_equal(db_campaign_get(b, c.id, &p2), 0);
	assert_string_equal(p2.detail, "one");
	/* an operator pauses while fe2's step holds a read from before: the
	 * step's next device write is refused, and the pause stays */
	f3.version = p2.version;
	assert_int_equal(campaign_pause(a, c.id, 3000, why, sizeof why), 0);
	db_cdev z = {0};
	assert_int_equal(db_cdev_list(b, c.id, first_cdev, &z), 0);
	strcpy(z.state, "downloading");
	assert_int_equal(db_cdev_save_fenced(b, &z, &f3), 1);
	db_campaign now;
	assert_int_equal(db_campaign_get(b, c.id, &now), 0);
	assert_string_equal(now.state, "paused");
	assert_int_equal(campaign_pause(a, c.id, 3001, why, sizeof why), -1); /* paused, not running */
	assert_int_equal(campaign_resume(b, c.id, 3002, why, sizeof why), 0);
	db_close(a);
	db_close(b);
}

/* front-ends racing for one free campaign at the same moment, each on its
 * own connection: exactly one wins */
#define RACERS 6
typedef struct racer {
	pthread_barrier_t *go;
	int64_t campaign;
	int id, got;
} racer;

static void *race(void *arg)
{
	racer *r = arg;
	char err[256], node[16];
	db *d = db_open(url, err, sizeof err);
	snprintf(node, sizeof node, "fe%d", r->id);
	pthread_barrier_wait(r->go);
	r->got = d ? db_campaign_claim(d, r->campaign, node, 5000) : -1;
	db_close(d);
	return NULL;
}

static void claim_race(void **state)
{
	(void)state;
	db *d = open_ok();
	int64_t ids[2] = {0};
	for (int k = 0; k < 2; k++) {
		db_campaign c = {.test_size = 1, .group_size = 1, .success_threshold = 50, .error_threshold = 50,
				 .action_timeout = 10};
		snprintf(c.name, sizeof c.name, "race%d", k);
		strcpy(c.product, "SARA-R410M");
		strcpy(c.from_version, "01.00,A01.00");
		strcpy(c.to_version, "02.00,A01.00");
		memset(c.package, 'c', 64);
		strcpy(c.transport, "http");
		char imeis[1][DB_IMEI_MAX + 1] = {"351234567890124"};
		char why[160] = "";
		if (campaign_create(d, &c, imeis, 1, 100, why, sizeof why))
			fail_msg("%s", why);
		ids[k] = c.id;
	}
	db_close(d);
	for (int k = 0; k < 2; k++) {
		pthread_barrier_t go;
		pthread_barrier_init(&go, NULL, RACERS);
		pthread_t t[RACERS];
		racer r[RACERS];
		for (int i = 0; i < RACERS; i++) {
			r[i] = (racer){.go = &go, .campaign = ids[k], .id = i};
			assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
		}
		int won = 0;
		for (int i = 0; i < RACERS; i++) {
			pthread_join(t[i], NULL);
			assert_true(r[i].got == 0 || r[i].got == 1);
			won += r[i].got;
		}
		pthread_barrier_destroy(&go);
		assert_int_equal(won, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(messages),
		cmocka_unit_test(node_ids),
		cmocka_unit_test(nodes_owners),
		cmocka_unit_test(claims),
		cmocka_unit_test(fences),
		cmocka_unit_test(claim_race),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
