/* The campaign engine of sarafw-server (campaign.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign.h"
#include "ufota_config.h"

/* a write refused (db_fence, versions): the step ends there, and the next
 * one starts from what is stored */
#define REFUSED (-2)
/* an operator's action read again after a refused write, at most */
#define TRIES 8

bool campaign_cdev_terminal(const char *s)
{
	return !strcmp(s, "succeeded") || !strcmp(s, "failed") || !strcmp(s, "skipped") ||
	       !strcmp(s, "cancelled") || !strcmp(s, "not_reached");
}

campaign_review campaign_cdev_review(const db_cdev *cd)
{
	campaign_review r = {.answered = -1, .answered_s = -1};
	if (cd->downloaded_at && cd->updating_at >= cd->downloaded_at) {
		r.answered_s = cd->updating_at - cd->downloaded_at;
		r.answered = r.answered_s <= CAMPAIGN_FAILSAFE_S;
	}
	r.failsafe_reset = !cd->updating_at && cd->downloaded_at && !strcmp(cd->state, "succeeded") &&
			   cd->updated - cd->downloaded_at >= CAMPAIGN_FAILSAFE_S;
	return r;
}

static bool active(const char *s)
{
	return !strcmp(s, "downloading") || !strcmp(s, "updating") || !strcmp(s, "rebooting") ||
	       !strcmp(s, "configuring");
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

/* 0 saved, 1 written by someone since it was read, -2 storage */
static int save(db *d, db_campaign *c, int64_t now)
{
	c->updated = now;
	int r = db_campaign_save(d, c);
	return r < 0 ? -2 : r;
}

static int kept_changing(int64_t id, char *why, size_t whylen)
{
	snprintf(why, whylen, "campaign %lld kept changing while this was written: try again", (long long)id);
	return -1;
}

/* devices of a campaign, in memory for one step */
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

/* the devices of a campaign not yet ended */
static int load_open(db *d, int64_t id, cdevs *a)
{
	*a = (cdevs){0};
	if (db_cdev_list_open(d, id, collect, a) < 0 || a->oom) {
		free(a->v);
		return -1;
	}
	return 0;
}

static int approve_once(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen)
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

static int accept_once(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen)
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

static int resume_once(db *d, int64_t id, int64_t now, char *why, size_t whylen)
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
		db_cdev_counts g;
		if (db_cdev_count(d, id, c.current_group, now, &g) < 0)
			return -2;
		int64_t counted = g.n - g.skipped, tried = g.succeeded + g.failed;
		if ((counted && g.failed * 100 >= c.error_threshold * counted) ||
		    (!g.active && tried && g.succeeded * 100 < c.success_threshold * tried))
			c.current_group++;
	}
	strcpy(c.state, "running");
	snprintf(c.detail, sizeof c.detail, "resumed at group %lld", (long long)c.current_group);
	return save(d, &c, now);
}

static int pause_once(db *d, int64_t id, int64_t now, char *why, size_t whylen)
{
	db_campaign c;
	int r = load(d, id, &c, why, whylen);
	if (r)
		return r;
	if (strcmp(c.state, "running"))
		return snprintf(why, whylen, "campaign %lld is %s, not running", (long long)id, c.state), -1;
	strcpy(c.state, "paused");
	snprintf(c.detail, sizeof c.detail, "paused by an operator at group %lld", (long long)c.current_group);
	return save(d, &c, now);
}

#define RETRIED(call)                                                                              \
	do {                                                                                       \
		for (int t_ = 0; t_ < TRIES; t_++) {                                               \
			int r_ = (call);                                                           \
			if (r_ != 1)                                                               \
				return r_;                                                         \
		}                                                                                  \
		return kept_changing(id, why, whylen);                                             \
	} while (0)

int campaign_approve(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen)
{
	RETRIED(approve_once(d, id, who, now, why, whylen));
}

int campaign_accept_test(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen)
{
	RETRIED(accept_once(d, id, who, now, why, whylen));
}

int campaign_resume(db *d, int64_t id, int64_t now, char *why, size_t whylen)
{
	RETRIED(resume_once(d, id, now, why, whylen));
}

int campaign_pause(db *d, int64_t id, int64_t now, char *why, size_t whylen)
{
	RETRIED(pause_once(d, id, now, why, whylen));
}

/* 0, -1 storage, REFUSED */
static int save_cdev(db *d, const db_fence *f, db_cdev *cd)
{
	int r = db_cdev_save_fenced(d, cd, f);
	return r < 0 ? -1 : r ? REFUSED : 0;
}

static int set_state(db *d, const db_fence *f, db_cdev *cd, const char *state, const char *detail, int64_t now)
{
	snprintf(cd->state, sizeof cd->state, "%s", state);
	if (detail)
		snprintf(cd->detail, sizeof cd->detail, "%.127s", detail);
	cd->updated = now;
	return save_cdev(d, f, cd);
}

/* the holder of a claim acts on devices only within its lease, by its own
 * clock: one stopped after a write and before the request it leads to
 * sends nothing once it runs again past its lease */
static bool may_act(const db_fence *f)
{
	return !f || (int64_t)time(NULL) < f->until;
}

/* every device not yet ended: cancelled (a download is stopped), but an
 * install left to end unless forced. 0 with *left, 1 a device was written
 * meanwhile (read them again), -2 storage. */
static int cancel_devices(db *d, const db_fence *f, const campaign_io *io, int64_t id, bool force, int64_t now,
			  bool *left)
{
	cdevs a;
	if (load_open(d, id, &a) < 0)
		return -2;
	*left = false;
	int r = 0;
	for (size_t i = 0; i < a.n && !r; i++) {
		db_cdev *cd = &a.v[i];
		if (campaign_cdev_terminal(cd->state))
			continue;
		if (!strcmp(cd->state, "downloading")) {
			/* LwM2M 1.0 §E.6: an empty Package URI stops a download;
			 * note §2.6.5: a download is the only step that can stop */
			r = set_state(d, f, cd, "cancelled", "cancelled while downloading", now);
			if (!r && io)
				io->write_uri(io->ctx, cd->imei, "");
		} else if (!strcmp(cd->state, "updating") && !force) {
			*left = true; /* an install cannot be stopped: let it end */
		} else {
			r = set_state(d, f, cd, "cancelled",
				      !strcmp(cd->state, "updating") ? "forced cancel while installing" : "cancelled", now);
		}
	}
	free(a.v);
	return r == REFUSED ? 1 : r < 0 ? -2 : 0;
}

static int cancel_once(db *d, const campaign_io *io, int64_t id, bool force, int64_t now, char *why, size_t whylen)
{
	db_campaign c;
	int r = load(d, id, &c, why, whylen);
	if (r)
		return r;
	if (!strcmp(c.state, "cancelled") || !strcmp(c.state, "finished") ||
	    (!force && !strcmp(c.state, "cancelling")))
		return snprintf(why, whylen, "campaign %lld is already %s", (long long)id, c.state), -1;
	/* the campaign first: a step that read it before can write none of
	 * its devices any more (db_fence), so none starts after this */
	strcpy(c.state, "cancelling");
	snprintf(c.detail, sizeof c.detail, "%s: stopping its devices", force ? "forced cancel" : "cancelling");
	if ((r = save(d, &c, now)) != 0)
		return r;
	bool left = false;
	for (int t = 0;; t++) {
		r = cancel_devices(d, NULL, io, id, force, now, &left);
		if (r != 1)
			break;
		if (t == TRIES)
			return kept_changing(id, why, whylen);
	}
	if (r)
		return r;
	for (int t = 0; t < TRIES; t++) {
		strcpy(c.state, left ? "cancelling" : "cancelled");
		snprintf(c.detail, sizeof c.detail, "%s%s", force ? "forced cancel" : "cancelled",
			 left ? ": waiting for installs to end" : "");
		if ((r = save(d, &c, now)) != 1)
			return r;
		/* its runner wrote it meanwhile (a cancelling campaign ends when
		 * its installs did): read it again */
		if ((r = load(d, id, &c, why, whylen)) != 0)
			return r;
		if (!strcmp(c.state, "cancelled"))
			return 0;
	}
	return kept_changing(id, why, whylen);
}

int campaign_cancel(db *d, const campaign_io *io, int64_t id, bool force, int64_t now, char *why, size_t whylen)
{
	RETRIED(cancel_once(d, io, id, force, now, why, whylen));
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

static int fail_attempt(db *d, const db_fence *f, const db_campaign *c, db_cdev *cd, const char *detail, int64_t now)
{
	if (cd->attempts > c->max_retries)
		return set_state(d, f, cd, "failed", detail, now);
	int64_t backoff = c->retry_backoff;
	for (int64_t k = 1; k < cd->attempts && backoff < 86400; k++)
		backoff *= 2;
	cd->next_at = now + backoff;
	cd->deadline = 0;
	char msg[160];
	snprintf(msg, sizeof msg, "%.100s; retry %lld of %lld", detail, (long long)cd->attempts,
		 (long long)c->max_retries);
	return set_state(d, f, cd, "waiting", msg, now);
}

void campaign_action_failed(db *d, const char *imei, const char *detail, int64_t now)
{
	for (int t = 0; t < TRIES; t++) {
		find_cdev f = {0};
		if (db_cdev_for_imei(d, imei, first_active, &f) < 0 || !f.found)
			return;
		db_campaign c;
		if (db_campaign_get(d, f.cd.campaign, &c))
			return;
		if (fail_attempt(d, NULL, &c, &f.cd, detail, now) != REFUSED)
			return;
	}
}

void campaign_undelivered(db *d, const char *imei, const char *detail, int64_t now)
{
	for (int t = 0; t < TRIES; t++) {
		find_cdev f = {0};
		if (db_cdev_for_imei(d, imei, first_active, &f) < 0 || !f.found)
			return;
		f.cd.next_at = now + CAMPAIGN_UNDELIVERED_S;
		snprintf(f.cd.detail, sizeof f.cd.detail, "%.127s", detail);
		f.cd.updated = now;
		if (save_cdev(d, NULL, &f.cd) != REFUSED)
			return;
	}
}

void campaign_device_cancelled(db *d, const char *imei, int64_t now)
{
	for (int t = 0; t < TRIES; t++) {
		find_cdev f = {0};
		/* the configuration file of note §2.6.2 is a download too */
		if (db_cdev_for_imei(d, imei, first_active, &f) < 0 || !f.found ||
		    (strcmp(f.cd.state, "downloading") && strcmp(f.cd.state, "configuring")))
			return;
		f.cd.result = 0;
		if (set_state(d, NULL, &f.cd, "cancelled",
			      "the device cancelled the download (its application's decision, note §2.7.3)",
			      now) != REFUSED)
			return;
	}
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

/* A request of a step, sent once the step's writes are committed (stored
 * before anything is sent; see step_campaign). undelivered: the
 * detail its entry gets, in state, when it could not be handed on (it
 * goes again after CAMPAIGN_UNDELIVERED_S); NULL: it goes again at its
 * resend time, as a request lost on the way. */
typedef struct step_req {
	db_cdev *cd;
	enum { REQ_WRITE, REQ_EXECUTE, REQ_REBOOT } kind;
	char uri[256];
	char state[16];
	const char *undelivered;
	bool failed;
} step_req;

typedef struct step_reqs {
	step_req *v;
	size_t n, cap;
} step_reqs;

/* 1 queued, -1 out of memory */
static int queue(step_reqs *rq, db_cdev *cd, int kind, const char *uri, const char *undelivered)
{
	if (rq->n == rq->cap) {
		size_t cap = rq->cap ? 2 * rq->cap : 16;
		step_req *v = realloc(rq->v, cap * sizeof *v);
		if (!v)
			return -1;
		rq->v = v, rq->cap = cap;
	}
	step_req *q = &rq->v[rq->n++];
	*q = (step_req){.cd = cd, .kind = kind, .undelivered = undelivered};
	snprintf(q->uri, sizeof q->uri, "%s", uri ? uri : "");
	snprintf(q->state, sizeof q->state, "%s", cd->state);
	return 1;
}

/* a write of the step: on a refusal or an error the step ends */
#define W(call)                                                                                    \
	do {                                                                                       \
		int w_ = (call);                                                                   \
		if (w_ < 0)                                                                        \
			return w_;                                                                 \
	} while (0)

/* note §2.6.2, the steps before the delta on a legacy version:
 * rebooting (Execute /3/0/4 sent at deadline - action_timeout) ends when
 * the device registers again; configuring (the configuration file
 * written then) ends when it has applied it, rebooted by itself and
 * registered again, Idle; then the delta, as on any version. */
static int step_legacy(db *d, const campaign_io *io, const db_fence *f, step_reqs *rq, const db_campaign *c,
		       db_cdev *cd, const db_cdev_device *dev, bool reachable, int64_t now)
{
	bool rebooting = !strcmp(cd->state, "rebooting");
	int64_t sent_at = cd->deadline - c->action_timeout;
	char msg[160], uri[256];
	bool again = dev && dev->registered && dev->registered_at >= sent_at;
	if (dev && !rebooting && dev->fw_result >= 2 && dev->fw_result <= 9) {
		cd->result = dev->fw_result;
		snprintf(msg, sizeof msg, "configuration file refused: %d %s", dev->fw_result, result_text(dev->fw_result));
		W(fail_attempt(d, f, c, cd, msg, now));
		return 0;
	}
	if (again && now > dev->registered_at && rebooting) {
		/* back after the reboot (a second later, so the next one is newer) */
		if (io->config_uri(io->ctx, c, uri, sizeof uri) != 0) {
			W(fail_attempt(d, f, c, cd, "the configuration file could not be made", now));
			return 0;
		}
		cd->deadline = now + c->action_timeout;
		cd->next_at = now + CAMPAIGN_RESEND_S;
		W(set_state(d, f, cd, "configuring", "Write /5/0/1 sent: the configuration file (note §2.6.2)", now));
		db_device_set_fw_result(d, dev->endpoint, -1);
		return queue(rq, cd, REQ_WRITE, uri, NULL);
	}
	if (again && !rebooting && dev->fw_state == 0 && !strcmp(dev->firmware_version, c->from_version)) {
		/* configured and back: the delta */
		cd->deadline = now + c->action_timeout;
		cd->next_at = now + CAMPAIGN_RESEND_S;
		W(set_state(d, f, cd, "downloading", "configured; Write /5/0/1 sent", now));
		db_device_set_fw_result(d, dev->endpoint, -1);
		io->package_uri(io->ctx, c->package, c->transport, uri, sizeof uri);
		return queue(rq, cd, REQ_WRITE, uri, NULL);
	}
	if (now >= cd->deadline) {
		W(fail_attempt(d, f, c, cd, rebooting ? "timeout while rebooting (note §2.6.2)"
						       : "timeout while configuring (note §2.6.2)", now));
		return 0;
	}
	if (rebooting && reachable && !again && now >= cd->next_at) {
		/* not back: the Execute may be lost */
		cd->next_at = now + CAMPAIGN_RESEND_S;
		W(save_cdev(d, f, cd));
		return queue(rq, cd, REQ_REBOOT, NULL, NULL);
	}
	return 0;
}

/* One device step; returns 1 when a request was queued, 0, -1 (storage)
 * or REFUSED. */
static int step_device(db *d, const campaign_io *io, const db_fence *f, step_reqs *rq, const db_campaign *c,
		       db_cdev *cd, const db_cdev_device *dev, int64_t now, bool may_start)
{
	int r = dev->found ? 0 : 1;
	bool reachable = r == 0 && dev->registered && dev->last_seen + dev->lifetime >= now;
	char msg[160];
	if (!strcmp(cd->state, "waiting")) {
		if (!reachable || !dev->firmware_version[0])
			return 0;
		if (!strcmp(dev->firmware_version, c->to_version) && cd->attempts > 0) {
			W(set_state(d, f, cd, "succeeded", "on the destination version", now));
			return 0;
		}
		if (strcmp(dev->firmware_version, c->from_version)) {
			snprintf(msg, sizeof msg, "runs \"%s\", not the start version", dev->firmware_version);
			W(set_state(d, f, cd, "skipped", msg, now));
			return 0;
		}
		if (!may_start || now < cd->next_at)
			return 0;
		bool legacy = io->reboot && io->config_uri && ufota_legacy_version(dev->firmware_version);
		if (legacy && now <= dev->registered_at)
			return 0; /* a second later: the registration after the reboot is then the newer one */
		cd->attempts++;
		cd->deadline = now + c->action_timeout;
		cd->next_at = now + CAMPAIGN_RESEND_S;
		cd->result = -1;
		cd->downloaded_at = cd->updating_at = 0;
		if (legacy) {
			/* note §2.6.2: the server reboots the module before the delta */
			W(set_state(d, f, cd, "rebooting", "Execute /3/0/4 sent (note §2.6.2)", now));
			return queue(rq, cd, REQ_REBOOT, NULL, NULL);
		}
		W(set_state(d, f, cd, "downloading", "Write /5/0/1 sent", now)); /* stored before it is sent */
		/* LwM2M 1.0 §E.6: a new download resets Update Result; what is
		 * stored is from the last attempt until the device notifies */
		db_device_set_fw_result(d, dev->endpoint, -1);
		char uri[256];
		io->package_uri(io->ctx, c->package, c->transport, uri, sizeof uri);
		return queue(rq, cd, REQ_WRITE, uri, "Write /5/0/1 not delivered: no live session of the device; sent again");
	}
	if (!strcmp(cd->state, "rebooting") || !strcmp(cd->state, "configuring"))
		return step_legacy(d, io, f, rq, c, cd, r == 0 ? dev : NULL, reachable, now);
	if (!strcmp(cd->state, "downloading")) {
		if (r == 0 && !strcmp(dev->firmware_version, c->to_version)) {
			/* Downloaded and Updating went by unseen (a restart): the
			 * version it came back with says enough */
			cd->result = dev->fw_result;
			W(set_state(d, f, cd, "succeeded", "runs the destination version", now));
			return 0;
		}
		if (r == 0 && dev->fw_state == 2) {
			cd->deadline = now + c->action_timeout;
			cd->next_at = now + CAMPAIGN_RESEND_S;
			if (!cd->downloaded_at)
				cd->downloaded_at = now;
			W(set_state(d, f, cd, "updating", "downloaded; Execute /5/0/2 sent", now));
			return queue(rq, cd, REQ_EXECUTE, NULL, "Execute /5/0/2 not delivered: no live session of the device; sent again");
		}
		if (r == 0 && dev->fw_result >= 2 && dev->fw_result <= 9) {
			cd->result = dev->fw_result;
			snprintf(msg, sizeof msg, "download failed: %d %s", dev->fw_result, result_text(dev->fw_result));
			W(fail_attempt(d, f, c, cd, msg, now));
			return 0;
		}
		if (now >= cd->deadline) {
			W(fail_attempt(d, f, c, cd, "timeout while downloading", now));
			return 0;
		}
		if (reachable && dev->fw_state <= 0 && now >= cd->next_at) {
			/* no sign of a download yet: the Write may be lost */
			cd->next_at = now + CAMPAIGN_RESEND_S;
			W(save_cdev(d, f, cd));
			char uri[256];
			io->package_uri(io->ctx, c->package, c->transport, uri, sizeof uri);
			return queue(rq, cd, REQ_WRITE, uri, "Write /5/0/1 not delivered: no live session of the device; sent again");
		}
		return 0;
	}
	if (!strcmp(cd->state, "updating")) {
		if (r == 0 && dev->fw_state == 3 && !cd->updating_at) {
			/* note §2.7.3: the host answered the update (Updating) */
			cd->updating_at = now;
			W(save_cdev(d, f, cd));
		}
		if (r == 0 && !strcmp(dev->firmware_version, c->to_version) && dev->fw_result != 8) {
			cd->result = dev->fw_result;
			W(set_state(d, f, cd, "succeeded", "runs the destination version", now));
			return 0;
		}
		bool failed = r == 0 && dev->fw_result >= 2 && dev->fw_result <= 9;
		if (r == 0 && !cd->reset_during_update &&
		    ((failed && strcmp(dev->firmware_version, c->to_version)) ||
		     (dev->fw_state <= 0 && !strcmp(dev->firmware_version, c->from_version) &&
		      dev->registered_at >= cd->deadline - c->action_timeout &&
		      now - dev->registered_at >= CAMPAIGN_SETTLE_S))) {
			/* note §2.7.3 made measurable: after the Execute the module
			 * is back, not on the destination version, with a failure
			 * (it came back from a reset, by Update or by Register; its
			 * version may not be read again yet) or, registered again
			 * since and no longer Downloaded or Updating, on the start
			 * version with no result: it was reset during the install.
			 * LwM2M 1.0 does not tell a host's reset from an install
			 * that failed and rolled back: both are counted; the
			 * result stays beside it. */
			cd->reset_during_update = 1;
			W(set_state(d, f, cd, "updating",
				    "registered again on the start version during the install: reset by its host? (note §2.7.3)",
				    now));
		}
		if (failed) {
			cd->result = dev->fw_result;
			snprintf(msg, sizeof msg, "update failed: %d %s%s", dev->fw_result, result_text(dev->fw_result),
				 cd->reset_during_update ? "; reset during the install (note §2.7.3)" : "");
			W(fail_attempt(d, f, c, cd, msg, now));
			return 0;
		}
		if (now >= cd->deadline) {
			W(fail_attempt(d, f, c, cd, "timeout while installing", now));
			return 0;
		}
		if (reachable && dev->fw_state == 2 && now >= cd->next_at) {
			/* still Downloaded: the Execute may be lost */
			cd->next_at = now + CAMPAIGN_RESEND_S;
			W(save_cdev(d, f, cd));
			return queue(rq, cd, REQ_EXECUTE, NULL, "Execute /5/0/2 not delivered: no live session of the device; sent again");
		}
		return 0;
	}
	return 0;
}

/* a campaign write of the step: 0, -1 storage, REFUSED */
static int save_step(db *d, db_fence *f, db_campaign *c, int64_t now)
{
	c->updated = now;
	int r = db_campaign_save_fenced(d, c, f);
	if (r == 0 && f)
		f->version = c->version;
	return r < 0 ? -1 : r ? REFUSED : 0;
}

/* the devices of a step, with what their devices stored */
typedef struct step_dev {
	db_cdev cd;
	db_cdev_device dev;
} step_dev;

typedef struct step_devs {
	step_dev *v;
	size_t n, cap;
	bool oom;
} step_devs;

static int collect_step(void *ctx, const db_cdev *cd, const db_cdev_device *dev)
{
	step_devs *a = ctx;
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		step_dev *v = realloc(a->v, cap * sizeof *v);
		if (!v) {
			a->oom = true;
			return 1;
		}
		a->v = v, a->cap = cap;
	}
	a->v[a->n++] = (step_dev){.cd = *cd, .dev = *dev};
	return 0;
}

/* group, then IMEI order (as the devices are listed) */
static int cmp_step(const void *pa, const void *pb)
{
	const db_cdev *a = &((const step_dev *)pa)->cd, *b = &((const step_dev *)pb)->cd;
	if (a->group_no != b->group_no)
		return a->group_no < b->group_no ? -1 : 1;
	return strcmp(a->imei, b->imei);
}

/* The devices a step looks at, stepped in one transaction: 0, -1
 * (storage) or REFUSED. A = the devices, rq = the requests to send once
 * it is committed. */
static int step_devices(db *d, const campaign_io *io, const db_fence *f, const db_campaign *c, int64_t now,
			step_devs *a, step_reqs *rq)
{
	bool running = !strcmp(c->state, "running");
	bool may_start = running && campaign_in_window(c, now);
	bool final = !strcmp(c->phase, "final");
	/* the groups in play: the test group, or final groups up to the current one */
	db_cdev_step q = {.campaign = c->id, .lo = final ? 1 : 0, .hi = final ? c->current_group : 0, .now = now,
			  .from_version = c->from_version, .start = may_start};
	if (running && db_cdev_wake(d, c->id, q.lo, q.hi, now, f) < 0)
		return -1;
	if (db_cdev_step_list(d, &q, collect_step, a) < 0 || a->oom)
		return -1;
	if (a->n > 1)
		qsort(a->v, a->n, sizeof *a->v, cmp_step);
	for (size_t i = 0; i < a->n; i++) {
		if (i && !strcmp(a->v[i].cd.imei, a->v[i - 1].cd.imei))
			continue; /* two endpoints say this IMEI: one is enough */
		db_cdev *cd = &a->v[i].cd;
		bool in_play = cd->group_no >= q.lo && cd->group_no <= q.hi;
		if (!may_act(f))
			return REFUSED;
		int s = step_device(d, io, f, rq, c, cd, &a->v[i].dev, now, may_start && in_play);
		if (s < 0)
			return s;
	}
	return 0;
}

/* cancelling (whatever does not install is cancelled: the operator's
 * cancel may have been cut short) or the schedule ended (nothing new
 * starts): every device not ended and not in an action ends so. *busy:
 * some are in an action. 0, -1 or REFUSED. */
static int end_devices(db *d, const db_fence *f, const db_campaign *c, bool cancelling, int64_t now, bool *busy)
{
	cdevs b;
	if (load_open(d, c->id, &b) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < b.n && !r; i++) {
		if (active(b.v[i].state))
			*busy = true;
		else
			r = set_state(d, f, &b.v[i], cancelling ? "cancelled" : "not_reached",
				      cancelling ? "cancelled" : "the schedule ended", now);
	}
	free(b.v);
	return r;
}

/* The step's requests, once its writes are committed: how many went out.
 * One that could not be handed on (no session here, or its front-end did
 * not answer, cluster.h) is said in its device's entry, and sent again
 * soon. */
static int send_requests(db *d, const campaign_io *io, const db_fence *f, step_reqs *rq, int64_t now)
{
	int sent = 0;
	size_t failed = 0;
	for (size_t i = 0; i < rq->n && may_act(f); i++) {
		step_req *q = &rq->v[i];
		int r = q->kind == REQ_WRITE	 ? io->write_uri(io->ctx, q->cd->imei, q->uri)
			: q->kind == REQ_EXECUTE ? io->execute(io->ctx, q->cd->imei)
						 : io->reboot(io->ctx, q->cd->imei);
		if (r == 0)
			sent++;
		else if (q->undelivered)
			q->failed = true, failed++;
	}
	if (!failed || (!f && db_begin_durable(d) < 0))
		return sent;
	int r = 0;
	for (size_t i = 0; i < rq->n && !r; i++) {
		step_req *q = &rq->v[i];
		if (!q->failed)
			continue;
		q->cd->next_at = now + CAMPAIGN_UNDELIVERED_S;
		r = set_state(d, f, q->cd, q->state, q->undelivered, now);
	}
	if (!f && (r == -1 || db_commit_durable(d) < 0))
		db_rollback(d);
	return sent;
}

/* Returns how many requests went out, -1 (storage) or REFUSED.
 *
 * A step reads what may change, not every device of the campaign: the
 * pending devices of the groups in play become waiting in one statement;
 * then it steps every device in an action and each waiting device of the
 * groups in play that would act now (db_cdev_step_list: reachable, and
 * not on the start version or free to start); the thresholds and the end
 * of a group come from one count of the current group. All of it is read
 * from storage at each step, as after a restart. The step's requests go
 * out once its device writes are committed; without a claim (one
 * front-end) they are one transaction: a group of thousands starts with
 * one commit, not thousands. */
static int step_campaign(db *d, const campaign_io *io, db_fence *f, db_campaign *c, int64_t now)
{
	bool running = !strcmp(c->state, "running");
	bool final = !strcmp(c->phase, "final");
	bool cancelling = !strcmp(c->state, "cancelling");
	bool ended = running && c->end_at && now >= c->end_at;
	bool busy = false;
	step_devs a = {0};
	step_reqs rq = {0};
	/* one transaction, but not under a claim (several front-ends): one
	 * stopped inside a step (SIGSTOP, a stall) would hold its rows' locks,
	 * and the front-end that takes the campaign over would wait on them */
	bool tx = !f;
	if (tx && db_begin_durable(d) < 0)
		return -1;
	int r = step_devices(d, io, f, c, now, &a, &rq);
	if (r == 0 && (cancelling || ended))
		r = end_devices(d, f, c, cancelling, now, &busy);
	if (r == -1 || (tx && db_commit_durable(d) < 0)) {
		if (tx)
			db_rollback(d);
		free(a.v);
		free(rq.v);
		return -1;
	}
	int sent = send_requests(d, io, f, &rq, now);
	free(a.v);
	free(rq.v);
	if (r == REFUSED)
		return sent;

	if (cancelling || ended) {
		if (!busy) {
			strcpy(c->state, cancelling ? "cancelled" : "finished");
			snprintf(c->detail, sizeof c->detail, cancelling ? "cancelled" : "finished: the schedule ended");
			save_step(d, f, c, now);
		}
		return sent;
	}
	if (!running)
		return sent;
	db_cdev_counts g;
	if (db_cdev_count(d, c->id, final ? c->current_group : 0, now, &g) < 0)
		return -1;

	int64_t tried = g.succeeded + g.failed;
	int64_t counted = g.n - g.skipped;
	if (final && counted && g.failed * 100 >= c->error_threshold * counted) {
		strcpy(c->state, "paused");
		snprintf(c->detail, sizeof c->detail, "group %lld: %lld of %lld failed, error threshold %lld%%",
			 (long long)c->current_group, (long long)g.failed, (long long)counted,
			 (long long)c->error_threshold);
		save_step(d, f, c, now);
		return sent;
	}
	if (g.busy)
		return sent;
	if (!final) {
		/* the test group has ended (or its devices are away): the report */
		if (tried == 0 && g.skipped < g.n)
			return sent; /* nobody took part yet */
		strcpy(c->state, "test_done");
		snprintf(c->detail, sizeof c->detail, "test campaign: %lld succeeded, %lld failed, %lld skipped; accept the report to go on (note §2.7.5)",
			 (long long)g.succeeded, (long long)g.failed, (long long)g.skipped);
		save_step(d, f, c, now);
		return sent;
	}
	if (c->current_group <= g.last_group) {
		if (tried && g.succeeded * 100 < c->success_threshold * tried) {
			strcpy(c->state, "paused");
			snprintf(c->detail, sizeof c->detail, "group %lld: %lld of %lld succeeded, below %lld%%",
				 (long long)c->current_group, (long long)g.succeeded, (long long)tried,
				 (long long)c->success_threshold);
			save_step(d, f, c, now);
			return sent;
		}
		c->current_group++;
		if (c->pause_after_group && c->current_group <= g.last_group) {
			strcpy(c->state, "paused");
			snprintf(c->detail, sizeof c->detail, "group %lld done; resume for group %lld",
				 (long long)c->current_group - 1, (long long)c->current_group);
		} else {
			snprintf(c->detail, sizeof c->detail, "group %lld", (long long)c->current_group);
		}
		save_step(d, f, c, now);
		return sent;
	}
	/* every group went: finished once nothing is open */
	if (!g.open) {
		strcpy(c->state, "finished");
		snprintf(c->detail, sizeof c->detail, "finished");
		save_step(d, f, c, now);
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
		db_fence fence = {0}, *f = NULL;
		if (io->claim) {
			if (io->claim(io->ctx, ids.id[i], now, &fence) != 1)
				continue; /* another front-end steps it */
			f = &fence;
		}
		db_campaign c;
		if (db_campaign_get(d, ids.id[i], &c))
			continue;
		if (f)
			f->version = c.version; /* the step's writes hold while nobody else wrote it */
		int s = step_campaign(d, io, f, &c, now);
		if (s == -1)
			return -1;
		if (s > 0)
			sent += s;
	}
	return sent;
}
