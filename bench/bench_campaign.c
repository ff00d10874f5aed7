/* bench_campaign: the cost of one step of sarafw-server's campaign engine
 * (server/campaign.c campaign_tick) on the storage it runs on, with no
 * network: devices are written through the storage layer (db.h) as their
 * registrations and notifications would write them, and the LwM2M side is
 * a stub that counts requests.
 *
 *   bench_campaign [--devices N] [--groups G] [--away P] [--idle K] [--stop S] DB_URL
 *
 * N devices (default 10000) on the start version; P percent of them
 * (default 5) never register (they stay waiting in play, as modules that
 * sleep through the campaign). One campaign over all of them: a test
 * group of 5, then G groups (default 10). The test group succeeds and is
 * accepted; then, per group: one step starts it (pending to waiting, a
 * Write /5/0/1 to each registered device), K steps (default 3) find
 * nothing changed (the devices download), the group's devices report the
 * destination version, one step counts them succeeded and moves to the
 * next group (--stop S: only the first S groups). Prints one line per
 * kind of step: how many, mean and max milliseconds; and the idle step of
 * the first and of the last group (every earlier group then in play).
 * DB_URL: sqlite:PATH (a new file) or postgresql://... (an empty
 * database). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign.h"
#include "db.h"

#define OLD "01.00,A01.00"
#define NEW "02.00,A01.00"

static int requests;

static int s_write(void *ctx, const char *imei, const char *uri)
{
	(void)ctx, (void)imei, (void)uri;
	requests++;
	return 0;
}

static int s_exec(void *ctx, const char *imei)
{
	(void)ctx, (void)imei;
	requests++;
	return 0;
}

static void s_uri(void *ctx, const char *sha, const char *transport, char *buf, size_t cap)
{
	(void)ctx;
	snprintf(buf, cap, "%s://pkg/%s", transport, sha);
}

static double ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

typedef struct kind {
	const char *name;
	int n;
	double sum, max;
} kind;

enum { K_START, K_IDLE, K_DONE, K_N };
static kind kinds[K_N] = {
	[K_START] = {.name = "group start"},
	[K_IDLE] = {.name = "idle"},
	[K_DONE] = {.name = "group done"},
};

static db *d;
static campaign_io io = {.write_uri = s_write, .execute = s_exec, .package_uri = s_uri};
static int64_t now = 1700000000;

static double step(int k)
{
	now++;
	double t = ms_now();
	if (campaign_tick(d, &io, now) < 0) {
		fprintf(stderr, "bench_campaign: step: %s\n", db_error(d));
		exit(1);
	}
	t = ms_now() - t;
	kinds[k].n++;
	kinds[k].sum += t;
	if (t > kinds[k].max)
		kinds[k].max = t;
	return t;
}

/* what the downloading devices' notifications and reads would store:
 * they run the destination version */
static void arrive(int64_t id)
{
	db_val p[] = {DB_TEXT(NEW), DB_INT(id)};
	if (db_exec(d,
		    "UPDATE devices SET firmware_version = ?, fw_state = 0, fw_result = 1 WHERE imei IN"
		    " (SELECT imei FROM campaign_devices WHERE campaign = ? AND state = 'downloading')",
		    p, 2, NULL, NULL) < 0) {
		fprintf(stderr, "bench_campaign: %s\n", db_error(d));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	int n = 10000, groups = 10, away = 5, idle = 3, stop = 1 << 30;
	static const struct option opts[] = {
		{"devices", 1, NULL, 'n'}, {"groups", 1, NULL, 'g'}, {"away", 1, NULL, 'a'},
		{"idle", 1, NULL, 'i'},    {"stop", 1, NULL, 's'},   {NULL, 0, NULL, 0},
	};
	for (int o; (o = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
		if (o == 'n')
			n = atoi(optarg);
		else if (o == 'g')
			groups = atoi(optarg);
		else if (o == 'a')
			away = atoi(optarg);
		else if (o == 'i')
			idle = atoi(optarg);
		else if (o == 's')
			stop = atoi(optarg);
		else
			return 2;
	}
	if (optind != argc - 1 || n < 10 || groups < 1 || n > 100000) {
		fprintf(stderr, "usage: bench_campaign [--devices N] [--groups G] [--away P] [--idle K] [--stop S] DB_URL\n");
		return 2;
	}
	char err[256];
	d = db_open(argv[optind], err, sizeof err);
	if (!d) {
		fprintf(stderr, "bench_campaign: %s\n", err);
		return 1;
	}
	double t = ms_now();
	char(*imeis)[DB_IMEI_MAX + 1] = calloc((size_t)n, sizeof *imeis);
	db_begin(d);
	for (int i = 0; i < n; i++) {
		snprintf(imeis[i], sizeof *imeis, "35%013d", i);
		if (i >= 5 && (i * 7919) % 100 < away)
			continue; /* never registers */
		db_device v = {.lifetime = 86400, .registered_at = now, .last_seen = now};
		snprintf(v.imei, sizeof v.imei, "%s", imeis[i]);
		snprintf(v.endpoint, sizeof v.endpoint, "urn:imei:%s", v.imei);
		snprintf(v.location, sizeof v.location, "l%d", i);
		if (db_device_register(d, &v) < 0 || db_device_set_firmware(d, v.endpoint, OLD) < 0) {
			fprintf(stderr, "bench_campaign: %s\n", db_error(d));
			return 1;
		}
	}
	db_commit(d);
	db_package p = {.size = 1, .kind = 1};
	strcpy(p.sha256, "abc");
	strcpy(p.product, "SARA-R410M");
	strcpy(p.to_version, NEW);
	db_package_add(d, &p);
	db_campaign c = {
		.test_size = 5, .group_size = (n - 5 + groups - 1) / groups, .success_threshold = 50,
		.error_threshold = 50, .action_timeout = 3600, .max_retries = 2, .retry_backoff = 60,
	};
	strcpy(c.name, "bench");
	strcpy(c.product, "SARA-R410M");
	strcpy(c.from_version, OLD);
	strcpy(c.to_version, NEW);
	strcpy(c.package, "abc");
	strcpy(c.transport, "http");
	char why[192];
	if (campaign_create(d, &c, imeis, (size_t)n, now, why, sizeof why) ||
	    campaign_approve(d, c.id, "a", now, why, sizeof why)) {
		fprintf(stderr, "bench_campaign: %s\n", why);
		return 1;
	}
	free(imeis);
	fprintf(stderr, "setup: %d devices in %.0f ms\n", n, ms_now() - t);
	/* the test group: started, arrived, reported, accepted */
	step(K_START);
	arrive(c.id);
	step(K_DONE);
	if (campaign_accept_test(d, c.id, "a", now, why, sizeof why)) {
		fprintf(stderr, "bench_campaign: accept: %s\n", why);
		return 1;
	}
	double idle_first = 0, idle_last = 0;
	for (int g = 1; g <= groups && g <= stop; g++) {
		step(K_START);
		double s = 0;
		for (int k = 0; k < idle; k++)
			s += step(K_IDLE);
		if (g == 1)
			idle_first = s / idle;
		idle_last = s / idle;
		arrive(c.id);
		step(K_DONE);
	}
	db_campaign_get(d, c.id, &c);
	printf("devices %d groups %d away %d%%: campaign %s, group %lld, %d requests\n", n, groups, away, c.state,
	       (long long)c.current_group, requests);
	for (int k = 0; k < K_N; k++)
		printf("%-12s %4d steps  mean %9.2f ms  max %9.2f ms\n", kinds[k].name, kinds[k].n,
		       kinds[k].n ? kinds[k].sum / kinds[k].n : 0, kinds[k].max);
	printf("idle step, first group %.2f ms, last group %.2f ms\n", idle_first, idle_last);
	db_close(d);
	return 0;
}
