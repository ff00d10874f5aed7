/* The campaign engine of sarafw-server (campaign.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"

bool campaign_cdev_terminal(const char *s)
{
	return !strcmp(s, "succeeded") || !strcmp(s, "failed") || !strcmp(s, "skipped") ||
	       !strcmp(s, "cancelled") || !strcmp(s, "not_reached");
}

static bool active(const char *s)
{
	return !strcmp(s, "downloading") || !strcmp(s, "updating");
}

bool campaign_in_window(const db_campaign *c, int64_t now)
{
	if (c->start_at && now < c->start_at)
		return false;
	if (c->end_at && now >= c->end_at)
		return false;
	if (c->window_from == c->window_to)
		return true;
	int64_t m = (now / 60) % 1440;
	if (c->window_from < c->window_to)
		return m >= c->window_from && m < c->window_to;
	return m >= c->window_from || m < c->window_to;
}

static bool imei_ok(const char *s)
{
	if (strlen(s) != 15)
		return false;
	for (int i = 0; i < 15; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int cmp_imei(const void *a, const void *b)
{
	return strcmp(a, b);
}

int campaign_create(db *d, db_campaign *c, char (*imeis)[DB_IMEI_MAX + 1], size_t n, int64_t now, char *why,
		    size_t whylen)
{
#define BAD(...) return snprintf(why, whylen, __VA_ARGS__), -1
	if (!c->name[0] || !c->product[0] || !c->from_version[0] || !c->to_version[0])
		BAD("name, product, from_version and to_version are required (note §2.7.1)");
	if (!strcmp(c->from_version, c->to_version))
		BAD("from_version and to_version are the same");
	if (strcmp(c->transport, "http") && strcmp(c->transport, "coap"))
		BAD("transport must be \"http\" or \"coap\" (note §2.7.1)");
	if (n == 0 || n > 100000)
		BAD("imeis: 1 to 100000 IMEIs");
	if (c->test_size < 1 || c->test_size > CAMPAIGN_TEST_MAX || (size_t)c->test_size > n)
		BAD("test_size: 1 to %d and no more than the IMEIs (note §2.7.4)", CAMPAIGN_TEST_MAX);
	if (c->group_size < 1)
		BAD("group_size must be at least 1");
	if (c->success_threshold < 0 || c->success_threshold > 100 || c->error_threshold < 1 ||
	    c->error_threshold > 100)
		BAD("success_threshold 0..100, error_threshold 1..100 (percent)");
	if (c->action_timeout < 1 || c->max_retries < 0 || c->max_retries > 100 || c->retry_backoff < 0)
		BAD("action_timeout >= 1 s, max_retries 0..100, retry_backoff >= 0 s");
	if (c->window_from < 0 || c->window_from >= 1440 || c->window_to < 0 || c->window_to >= 1440)
		BAD("window: minutes of the day 0..1439");
	if (c->end_at && c->end_at <= c->start_at)
		BAD("end must be after start");
	db_package p;
	int r = db_package_get(d, c->package, &p);
	if (r < 0)
		return -2;
	if (r)
		BAD("package %s is not stored: upload it first", c->package);
	/* exact matches, never substrings */
	if (strcmp(p.product, c->product))
		BAD("package is for product \"%s\", not \"%s\"", p.product, c->product);
	if (strcmp(p.to_version, c->to_version))
		BAD("package makes version \"%s\", not \"%s\"", p.to_version, c->to_version);
	if (p.from_version[0] && strcmp(p.from_version, c->from_version))
		BAD("package is a delta from \"%s\", not \"%s\"", p.from_version, c->from_version);
	for (size_t i = 0; i < n; i++)
		if (!imei_ok(imeis[i]))
			BAD("imeis[%zu]: an IMEI is 15 digits", i);
	/* duplicates: sorted, in n log n */
	char(*sorted)[DB_IMEI_MAX + 1] = malloc(n * sizeof *sorted);
	if (!sorted)
		return -2;
	memcpy(sorted, imeis, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_imei);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(sorted[i], sorted[i - 1])) {
			snprintf(why, whylen, "imeis: %s is listed twice", sorted[i]);
			free(sorted);
			return -1;
		}
	free(sorted);
#undef BAD
	db_cdev *devs = calloc(n, sizeof *devs);
	if (!devs)
		return -2;
	for (size_t i = 0; i < n; i++) {
		db_cdev *cd = &devs[i];
		memcpy(cd->imei, imeis[i], sizeof cd->imei);
		cd->group_no = (int64_t)i < c->test_size ? 0 : 1 + ((int64_t)i - c->test_size) / c->group_size;
		strcpy(cd->state, "pending");
		cd->result = -1;
		cd->updated = now;
	}
	strcpy(c->state, "draft");
	strcpy(c->phase, "test");
	c->current_group = 0;
	c->approved_by[0] = c->test_accepted_by[0] = 0;
	snprintf(c->detail, sizeof c->detail, "waiting for approval (note §2.7.2)");
	c->created = c->updated = now;
	r = db_campaign_create(d, c, devs, n);
	free(devs);
	return r < 0 ? -2 : 0;
}

static int load(db *d, int64_t id, db_campaign *c, char *why, size_t whylen)
{
	int r = db_campaign_get(d, id, c);
	if (r < 0)
		return -2;
	if (r) {
		snprintf(why, whylen, "no campaign %lld", (long long)id);
		return -1;
	}
	return 0;
}

static int save(db *d, db_campaign *c, int64_t now)
{
	c->updated = now;
	return db_campaign_save(d, c) < 0 ? -2 : 0;
}

/* every device of a campaign, in memory for one step */
typedef struct cdevs {
	db_cdev *v;
	size_t n, cap;
	bool oom;
} cdevs;

static int collect(void *ctx, const db_cdev *cd)
{
	cdevs *a = ctx;
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		db_cdev *v = realloc(a->v, cap * sizeof *v);
		if (!v) {
			a->oom = true;
			return 1;
		}
		a->v = v, a->cap = cap;
	}
	a->v[a->n++] = *cd;
	return 0;
}

static int load_cdevs(db *d, int64_t id, cdevs *a)
{
	*a = (cdevs){0};
	if (db_cdev_list(d, id, collect, a) < 0 || a->oom) {
		free(a->v);
		return -1;
	}
	return 0;
}

int campaign_approve(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen)
{
	db_campaign c;
	int r = load(d, id, &c, why, whylen);
	if (r)
		return r;
	if (strcmp(c.state, "draft"))
		return snprintf(why, whylen, "campaign %lld is %s, not draft", (long long)id, c.state), -1;
	snprintf(c.approved_by, sizeof c.approved_by, "%s", who);
	strcpy(c.state, "running");
	strcpy(c.phase, "test");
	c.current_group = 0;
	snprintf(c.detail, sizeof c.detail, "test campaign (note §2.7.4)");
	return save(d, &c, now);
}

int campaign_accept_test(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen)
{
	db_campaign c;
	int r = load(d, id, &c, why, whylen);
	if (r)
		return r;
	if (strcmp(c.state, "test_done"))
		return snprintf(why, whylen, "campaign %lld is %s: the test report is not ready", (long long)id,
				c.state),
		       -1;
	snprintf(c.test_accepted_by, sizeof c.test_accepted_by, "%s", who);
	strcpy(c.state, "running");
	strcpy(c.phase, "final");
	c.current_group = 1;
	snprintf(c.detail, sizeof c.detail, "final campaign (note §2.7.5), group 1");
	return save(d, &c, now);
}

int campaign_resume(db *d, int64_t id, int64_t now, char *why, size_t whylen)
{
	db_campaign c;
	int r = load(d, id, &c, why, whylen);
	if (r)
		return r;
	if (strcmp(c.state, "paused"))
		return snprintf(why, whylen, "campaign %lld is %s, not paused", (long long)id, c.state), -1;
	if (!strcmp(c.phase, "final")) {
		/* paused by a threshold: resuming accepts this group's result and
		 * goes on with the next one (else it would pause again at once) */
		cdevs a;
		if (load_cdevs(d, id, &a) < 0)
			return -2;
		size_t n = 0, failed = 0, succeeded = 0, skipped = 0, busy = 0;
		for (size_t i = 0; i < a.n; i++) {
			if (a.v[i].group_no != c.current_group)
				continue;
			n++;
			failed += !strcmp(a.v[i].state, "failed");
			succeeded += !strcmp(a.v[i].state, "succeeded");
			skipped += !strcmp(a.v[i].state, "skipped");
			busy += active(a.v[i].state);
		}
		free(a.v);
		size_t counted = n - skipped, tried = succeeded + failed;
		if ((counted && failed * 100 >= (size_t)c.error_threshold * counted) ||
		    (!busy && tried && succeeded * 100 < (size_t)c.success_threshold * tried))
			c.current_group++;
	}
	strcpy(c.state, "running");
	snprintf(c.detail, sizeof c.detail, "resumed at group %lld", (long long)c.current_group);
	return save(d, &c, now);
}

static int set_state(db *d, db_cdev *cd, const char *state, const char *detail, int64_t now)
{
	snprintf(cd->state, sizeof cd->state, "%s", state);
	if (detail)
		snprintf(cd->detail, sizeof cd->detail, "%.127s", detail);
	cd->updated = now;
	return db_cdev_save(d, cd);
}

int campaign_cancel(db *d, const campaign_io *io, int64_t id, bool force, int64_t now, char *why, size_t whylen)
{
	db_campaign c;
	int r = load(d, id, &c, why, whylen);
	if (r)
		return r;
	if (!strcmp(c.state, "cancelled") || !strcmp(c.state, "finished") ||
	    (!force && !strcmp(c.state, "cancelling")))
		return snprintf(why, whylen, "campaign %lld is already %s", (long long)id, c.state), -1;
	cdevs a;
	if (load_cdevs(d, id, &a) < 0)
		return -2;
	bool left = false;
	for (size_t i = 0; i < a.n; i++) {
		db_cdev *cd = &a.v[i];
		if (campaign_cdev_terminal(cd->state))
			continue;
		if (!strcmp(cd->state, "downloading")) {
			/* LwM2M 1.0 §E.6: an empty Package URI stops a download;
			 * note §2.6.5: a download is the only step that can stop */
			if (set_state(d, cd, "cancelled", "cancelled while downloading", now) < 0)
				goto fail;
			if (io)
				io->write_uri(io->ctx, cd->imei, "");
		} else if (!strcmp(cd->state, "updating") && !force) {
			left = true; /* an install cannot be stopped: let it end */
		} else if (set_state(d, cd, "cancelled",
				     !strcmp(cd->state, "updating") ? "forced cancel while installing" : "cancelled",
				     now) < 0) {
			goto fail;
		}
	}
	free(a.v);
	strcpy(c.state, left ? "cancelling" : "cancelled");
	snprintf(c.detail, sizeof c.detail, "%s%s", force ? "forced cancel" : "cancelled",
		 left ? ": waiting for installs to end" : "");
	return save(d, &c, now);
fail:
	free(a.v);
	return -2;
}

typedef struct find_cdev {
	db_cdev cd;
	bool found;
} find_cdev;

static int first_active(void *ctx, const db_cdev *cd)
{
	find_cdev *f = ctx;
	if (active(cd->state)) {
		f->cd = *cd;
		f->found = true;
		return 1;
	}
	return 0;
}

static void fail_attempt(db *d, const db_campaign *c, db_cdev *cd, const char *detail, int64_t now)
{
	if (cd->attempts > c->max_retries) {
		set_state(d, cd, "failed", detail, now);
		return;
	}
	int64_t backoff = c->retry_backoff;
	for (int64_t k = 1; k < cd->attempts && backoff < 86400; k++)
		backoff *= 2;
	cd->next_at = now + backoff;
	cd->deadline = 0;
	char msg[160];
	snprintf(msg, sizeof msg, "%.100s; retry %lld of %lld", detail, (long long)cd->attempts,
		 (long long)c->max_retries);
	set_state(d, cd, "waiting", msg, now);
}

void campaign_action_failed(db *d, const char *imei, const char *detail, int64_t now)
{
	find_cdev f = {0};
	if (db_cdev_for_imei(d, imei, first_active, &f) < 0 || !f.found)
		return;
	db_campaign c;
	if (db_campaign_get(d, f.cd.campaign, &c))
		return;
	fail_attempt(d, &c, &f.cd, detail, now);
}

void campaign_device_cancelled(db *d, const char *imei, int64_t now)
{
	find_cdev f = {0};
	if (db_cdev_for_imei(d, imei, first_active, &f) < 0 || !f.found || strcmp(f.cd.state, "downloading"))
		return;
	f.cd.result = 0;
	set_state(d, &f.cd, "cancelled", "the device cancelled the download (its application's decision, note §2.7.3)",
		  now);
}

/* LwM2M 1.0 /5/0/5 Update Result: 1 success, 2..9 failures */
static const char *const update_results[] = {
	[0] = "initial value",
	[1] = "firmware updated successfully",
	[2] = "not enough flash memory for the new firmware package",
	[3] = "out of RAM during downloading",
	[4] = "connection lost during downloading",
	[5] = "integrity check failure",
	[6] = "unsupported package type",
	[7] = "invalid URI",
	[8] = "firmware update failed",
	[9] = "unsupported protocol",
};

static const char *result_text(int r)
{
	return r >= 0 && r <= 9 ? update_results[r] : "unknown result";
}

/* One device step; returns 1 when a request went out. */
static int step_device(db *d, const campaign_io *io, const db_campaign *c, db_cdev *cd, int64_t now, bool may_start)
{
	db_device dev;
	int r = db_device_by_imei(d, cd->imei, &dev);
	if (r < 0)
		return -1;
	bool reachable = r == 0 && dev.registered && dev.last_seen + dev.lifetime >= now;
	char msg[160];
	if (!strcmp(cd->state, "waiting")) {
		if (!reachable || !dev.firmware_version[0])
			return 0;
		if (!strcmp(dev.firmware_version, c->to_version) && cd->attempts > 0) {
			set_state(d, cd, "succeeded", "on the destination version", now);
			return 0;
		}
		if (strcmp(dev.firmware_version, c->from_version)) {
			snprintf(msg, sizeof msg, "runs \"%s\", not the start version", dev.firmware_version);
			set_state(d, cd, "skipped", msg, now);
			return 0;
		}
		if (!may_start || now < cd->next_at)
			return 0;
		cd->attempts++;
		cd->deadline = now + c->action_timeout;
		cd->next_at = now + CAMPAIGN_RESEND_S;
		cd->result = -1;
		set_state(d, cd, "downloading", "Write /5/0/1 sent", now); /* stored before it is sent */
		/* LwM2M 1.0 §E.6: a new download resets Update Result; what is
		 * stored is from the last attempt until the device notifies */
		db_device_set_fw_result(d, dev.endpoint, -1);
		char uri[256];
		io->package_uri(io->ctx, c->package, c->transport, uri, sizeof uri);
		return io->write_uri(io->ctx, cd->imei, uri) == 0;
	}
	if (!strcmp(cd->state, "downloading")) {
		if (r == 0 && !strcmp(dev.firmware_version, c->to_version)) {
			/* Downloaded and Updating went by unseen (a restart): the
			 * version it came back with says enough */
			cd->result = dev.fw_result;
			set_state(d, cd, "succeeded", "runs the destination version", now);
			return 0;
		}
		if (r == 0 && dev.fw_state == 2) {
			cd->deadline = now + c->action_timeout;
			cd->next_at = now + CAMPAIGN_RESEND_S;
			set_state(d, cd, "updating", "downloaded; Execute /5/0/2 sent", now);
			return io->execute(io->ctx, cd->imei) == 0;
		}
		if (r == 0 && dev.fw_result >= 2 && dev.fw_result <= 9) {
			cd->result = dev.fw_result;
			snprintf(msg, sizeof msg, "download failed: %d %s", dev.fw_result, result_text(dev.fw_result));
			fail_attempt(d, c, cd, msg, now);
			return 0;
		}
		if (now >= cd->deadline) {
			fail_attempt(d, c, cd, "timeout while downloading", now);
			return 0;
		}
		if (reachable && dev.fw_state <= 0 && now >= cd->next_at) {
			/* no sign of a download yet: the Write may be lost */
			cd->next_at = now + CAMPAIGN_RESEND_S;
			db_cdev_save(d, cd);
			char uri[256];
			io->package_uri(io->ctx, c->package, c->transport, uri, sizeof uri);
			return io->write_uri(io->ctx, cd->imei, uri) == 0;
		}
		return 0;
	}
	if (!strcmp(cd->state, "updating")) {
		if (r == 0 && !strcmp(dev.firmware_version, c->to_version) && dev.fw_result != 8) {
			cd->result = dev.fw_result;
			set_state(d, cd, "succeeded", "runs the destination version", now);
			return 0;
		}
		if (r == 0 && dev.fw_result >= 2 && dev.fw_result <= 9) {
			cd->result = dev.fw_result;
			snprintf(msg, sizeof msg, "update failed: %d %s", dev.fw_result, result_text(dev.fw_result));
			fail_attempt(d, c, cd, msg, now);
			return 0;
		}
		if (r == 0 && !cd->reset_during_update && dev.registered_at > cd->deadline - c->action_timeout &&
		    now - dev.registered_at >= CAMPAIGN_SETTLE_S && !strcmp(dev.firmware_version, c->from_version)) {
			/* note §2.7.3 made measurable: back on the start version in
			 * the middle of the install, with no result: a reset */
			cd->reset_during_update = 1;
			set_state(d, cd, "updating",
				  "registered again on the start version during the install: a host reset? (note §2.7.3)",
				  now);
		}
		if (now >= cd->deadline) {
			fail_attempt(d, c, cd, "timeout while installing", now);
			return 0;
		}
		if (reachable && dev.fw_state == 2 && now >= cd->next_at) {
			/* still Downloaded: the Execute may be lost */
			cd->next_at = now + CAMPAIGN_RESEND_S;
			db_cdev_save(d, cd);
			return io->execute(io->ctx, cd->imei) == 0;
		}
		return 0;
	}
	return 0;
}

typedef struct group_count {
	size_t n, succeeded, failed, skipped, busy;
} group_count;

static int step_campaign(db *d, const campaign_io *io, db_campaign *c, int64_t now)
{
	cdevs a;
	if (load_cdevs(d, c->id, &a) < 0)
		return -1;
	int sent = 0;
	bool running = !strcmp(c->state, "running");
	bool may_start = running && campaign_in_window(c, now);
	bool final = !strcmp(c->phase, "final");
	int64_t last_group = 0;
	for (size_t i = 0; i < a.n; i++)
		if (a.v[i].group_no > last_group)
			last_group = a.v[i].group_no;
	group_count g = {0};
	bool any_open = false;
	for (size_t i = 0; i < a.n; i++) {
		db_cdev *cd = &a.v[i];
		/* the groups in play: the test group, or final groups up to the current one */
		bool in_play = final ? cd->group_no >= 1 && cd->group_no <= c->current_group : cd->group_no == 0;
		if (running && in_play && !strcmp(cd->state, "pending"))
			set_state(d, cd, "waiting", NULL, now);
		if (in_play || active(cd->state)) {
			int s = step_device(d, io, c, cd, now, may_start && in_play);
			if (s < 0) {
				free(a.v);
				return -1;
			}
			sent += s;
		}
		if (!campaign_cdev_terminal(cd->state))
			any_open = true;
		if (cd->group_no == (final ? c->current_group : 0)) {
			g.n++;
			if (!strcmp(cd->state, "succeeded"))
				g.succeeded++;
			else if (!strcmp(cd->state, "failed"))
				g.failed++;
			else if (!strcmp(cd->state, "skipped"))
				g.skipped++;
			else if (active(cd->state) || (!strcmp(cd->state, "waiting") && cd->attempts > 0))
				g.busy++;
			else if (!strcmp(cd->state, "waiting")) {
				/* waiting for the start: busy only while reachable (a device
				 * that is not registered joins whenever it registers) */
				db_device dev;
				if (db_device_by_imei(d, cd->imei, &dev) == 0 && dev.registered &&
				    dev.last_seen + dev.lifetime >= now)
					g.busy++;
			}
		}
	}
	free(a.v);

	if (!strcmp(c->state, "cancelling")) {
		find_cdev f = {0};
		cdevs b;
		if (load_cdevs(d, c->id, &b) < 0)
			return -1;
		for (size_t i = 0; i < b.n && !f.found; i++)
			first_active(&f, &b.v[i]);
		free(b.v);
		if (!f.found) {
			strcpy(c->state, "cancelled");
			snprintf(c->detail, sizeof c->detail, "cancelled");
			save(d, c, now);
		}
		return sent;
	}
	if (!running)
		return sent;

	if (c->end_at && now >= c->end_at) {
		/* the schedule ended: nothing new starts; what runs may end */
		cdevs b;
		if (load_cdevs(d, c->id, &b) < 0)
			return -1;
		bool busy = false;
		for (size_t i = 0; i < b.n; i++) {
			if (active(b.v[i].state))
				busy = true;
			else if (!campaign_cdev_terminal(b.v[i].state))
				set_state(d, &b.v[i], "not_reached", "the schedule ended", now);
		}
		free(b.v);
		if (!busy) {
			strcpy(c->state, "finished");
			snprintf(c->detail, sizeof c->detail, "finished: the schedule ended");
			save(d, c, now);
		}
		return sent;
	}

	size_t tried = g.succeeded + g.failed;
	size_t counted = g.n - g.skipped;
	if (final && counted && g.failed * 100 >= (size_t)c->error_threshold * counted) {
		strcpy(c->state, "paused");
		snprintf(c->detail, sizeof c->detail, "group %lld: %zu of %zu failed, error threshold %lld%%",
			 (long long)c->current_group, g.failed, counted, (long long)c->error_threshold);
		save(d, c, now);
		return sent;
	}
	if (g.busy)
		return sent;
	if (!final) {
		/* the test group has ended (or its devices are away): the report */
		if (tried == 0 && g.skipped < g.n)
			return sent; /* nobody took part yet */
		strcpy(c->state, "test_done");
		snprintf(c->detail, sizeof c->detail, "test campaign: %zu succeeded, %zu failed, %zu skipped; accept the report to go on (note §2.7.5)",
			 g.succeeded, g.failed, g.skipped);
		save(d, c, now);
		return sent;
	}
	if (c->current_group <= last_group) {
		if (tried && g.succeeded * 100 < (size_t)c->success_threshold * tried) {
			strcpy(c->state, "paused");
			snprintf(c->detail, sizeof c->detail, "group %lld: %zu of %zu succeeded, below %lld%%",
				 (long long)c->current_group, g.succeeded, tried, (long long)c->success_threshold);
			save(d, c, now);
			return sent;
		}
		c->current_group++;
		if (c->pause_after_group && c->current_group <= last_group) {
			strcpy(c->state, "paused");
			snprintf(c->detail, sizeof c->detail, "group %lld done; resume for group %lld",
				 (long long)c->current_group - 1, (long long)c->current_group);
		} else {
			snprintf(c->detail, sizeof c->detail, "group %lld", (long long)c->current_group);
		}
		save(d, c, now);
		return sent;
	}
	/* every group went: finished once nothing is open */
	if (!any_open) {
		strcpy(c->state, "finished");
		snprintf(c->detail, sizeof c->detail, "finished");
		save(d, c, now);
	}
	return sent;
}

typedef struct camp_ids {
	int64_t id[256];
	size_t n;
} camp_ids;

static int live_ids(void *ctx, const db_campaign *c)
{
	camp_ids *ids = ctx;
	if ((!strcmp(c->state, "running") || !strcmp(c->state, "paused") || !strcmp(c->state, "cancelling")) &&
	    ids->n < 256)
		ids->id[ids->n++] = c->id;
	return 0;
}

int campaign_tick(db *d, const campaign_io *io, int64_t now)
{
	camp_ids ids = {.n = 0};
	if (db_campaign_list(d, live_ids, &ids) < 0)
		return -1;
	int sent = 0;
	for (size_t i = 0; i < ids.n; i++) {
		if (io->claim && io->claim(io->ctx, ids.id[i], now) != 1)
			continue; /* another front-end steps it */
		db_campaign c;
		if (db_campaign_get(d, ids.id[i], &c))
			continue;
		int s = step_campaign(d, io, &c, now);
		if (s < 0)
			return -1;
		sent += s;
	}
	return sent;
}
