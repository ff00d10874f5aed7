/* Front-ends on one database, commands routed over NATS (cluster.h). */
#include <errno.h>
#include <nats/nats.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "routemsg.h"

/* a routed command waiting for the loop, and where its answer goes */
typedef struct queued {
	route_msg m;
	char reply[128]; /* "" when the sender wants none */
} queued;

/* a command routed to another front-end, waiting for its answer */
typedef struct pending {
	uint64_t seq; /* 0: free */
	route_msg m;
	char owner[CLUSTER_NODE_MAX + 1];
	int64_t deadline_ms;
} pending;

/* an answer from the NATS thread: the request's seq and what it said */
typedef struct answer {
	uint64_t seq;
	bool taken;
	bool nobody; /* NATS: no front-end listens there any more */
} answer;

struct cluster {
	db *db;
	char node[CLUSTER_NODE_MAX + 1];
	campaign_io local;
	campaign_io io;
	cluster_observe_fn observe;
	void *observe_ctx;
	int64_t beat_at;
	/* NATS */
	natsConnection *nc;
	natsSubscription *sub;
	int efd;
	pthread_mutex_t mu;
	queued *q; /* ring of CLUSTER_QUEUE_MAX */
	size_t q_head, q_n;
	uint64_t received, run, sent, undelivered;
	/* requests routed from here (the loop's only) */
	natsSubscription *inbox_sub;
	char inbox[64];
	uint64_t seq;
	pending *pend; /* CLUSTER_QUEUE_MAX; the slot of seq is seq % CLUSTER_QUEUE_MAX */
	size_t pend_n;
	answer *ans; /* ring of CLUSTER_QUEUE_MAX, filled by the NATS thread */
	size_t a_head, a_n;
};

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void wake(cluster *c)
{
	uint64_t one = 1;
	ssize_t w = write(c->efd, &one, sizeof one);
	(void)w; /* a full counter still wakes the loop */
}

static void subject_of(const char *node, char *buf, size_t cap)
{
	snprintf(buf, cap, "sarafw.node.%s", node);
}

/* NATS's thread: queue the command and wake the loop */
static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
	(void)nc, (void)sub;
	cluster *c = closure;
	queued e = {0};
	int ok = route_msg_parse((const uint8_t *)natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg), &e.m) == 0;
	const char *reply = natsMsg_GetReply(msg);
	if (reply && strlen(reply) < sizeof e.reply)
		memcpy(e.reply, reply, strlen(reply) + 1);
	natsMsg_Destroy(msg);
	if (!ok)
		return;
	pthread_mutex_lock(&c->mu);
	c->received++;
	if (c->q_n < CLUSTER_QUEUE_MAX) {
		c->q[(c->q_head + c->q_n) % CLUSTER_QUEUE_MAX] = e;
		c->q_n++;
	}
	pthread_mutex_unlock(&c->mu);
	wake(c);
}

/* NATS's thread: an answer to a command routed from here, on
 * "<inbox>.<seq>": "0" the owner sent it to the device, "1" it could not */
static void on_answer(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
	(void)nc, (void)sub;
	cluster *c = closure;
	const char *subj = natsMsg_GetSubject(msg);
	const char *dot = subj ? strrchr(subj, '.') : NULL;
	char *end = NULL;
	answer a = {.seq = dot ? strtoull(dot + 1, &end, 10) : 0};
	a.taken = natsMsg_GetDataLength(msg) == 1 && natsMsg_GetData(msg)[0] == '0';
	a.nobody = natsMsg_IsNoResponders(msg);
	bool ok = a.seq && end && !*end;
	natsMsg_Destroy(msg);
	if (!ok)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->a_n < CLUSTER_QUEUE_MAX) {
		c->ans[(c->a_head + c->a_n) % CLUSTER_QUEUE_MAX] = a;
		c->a_n++;
	}
	pthread_mutex_unlock(&c->mu);
	wake(c);
}

/* Where a command for this IMEI goes: 0 here, 1 published to its owner,
 * -1 nowhere now. */
static int route(cluster *c, route_msg *m)
{
	char owner[CLUSTER_NODE_MAX + 1] = "";
	int64_t now = (int64_t)time(NULL);
	int r = db_device_owner(c->db, m->imei, owner, sizeof owner);
	if (r < 0)
		return -1;
	if (r == 1 || !owner[0] || !strcmp(owner, c->node))
		return 0; /* ours, or stored before there were owners */
	if (!c->nc || db_node_alive(c->db, owner, now) != 1)
		return -1;
	char subj[64], buf[ROUTE_MSG_MAX + 1], reply[96];
	int n = route_msg_format(m, buf, sizeof buf);
	subject_of(owner, subj, sizeof subj);
	/* a request: its answer (or none within CLUSTER_ROUTE_TIMEOUT_MS) is
	 * taken by cluster_process; the loop does not wait for it */
	uint64_t seq = ++c->seq;
	pending *p = &c->pend[seq % CLUSTER_QUEUE_MAX];
	if (n < 0 || p->seq)
		return -1; /* as many waiting as the table holds: not sent */
	snprintf(reply, sizeof reply, "%s.%llu", c->inbox, (unsigned long long)seq);
	if (natsConnection_PublishRequest(c->nc, subj, reply, buf, n) != NATS_OK)
		return -1;
	*p = (pending){.seq = seq, .m = *m, .deadline_ms = mono_ms() + CLUSTER_ROUTE_TIMEOUT_MS};
	snprintf(p->owner, sizeof p->owner, "%s", owner);
	c->pend_n++;
	c->sent++;
	return 1;
}

/* a routed command nobody took: the engine hears of it (campaign.h) */
static void undelivered(cluster *c, pending *p, const char *why, int64_t now)
{
	char msg[160];
	snprintf(msg, sizeof msg, "%s not delivered: front-end %s %s; sent again",
		 p->m.verb == 'W'   ? "Write /5/0/1"
		 : p->m.verb == 'X' ? "Execute /5/0/2"
		 : p->m.verb == 'B' ? "Execute /3/0/4"
				    : "Observe",
		 p->owner, why);
	if (p->m.verb == 'W' || p->m.verb == 'X' || p->m.verb == 'B')
		campaign_undelivered(c->db, p->m.imei, msg, now);
	c->undelivered++;
	p->seq = 0;
	c->pend_n--;
}

/* answers and timeouts of the commands routed from here */
static void settle(cluster *c, int64_t now)
{
	for (;;) {
		answer a;
		pthread_mutex_lock(&c->mu);
		int have = c->a_n > 0;
		if (have) {
			a = c->ans[c->a_head];
			c->a_head = (c->a_head + 1) % CLUSTER_QUEUE_MAX;
			c->a_n--;
		}
		pthread_mutex_unlock(&c->mu);
		if (!have)
			break;
		pending *p = &c->pend[a.seq % CLUSTER_QUEUE_MAX];
		if (p->seq != a.seq)
			continue; /* late: already counted as not answered */
		if (a.taken) {
			p->seq = 0;
			c->pend_n--;
		} else {
			undelivered(c, p, a.nobody ? "is gone" : "holds no session of the device", now);
		}
	}
	if (!c->pend_n)
		return;
	int64_t t = mono_ms();
	for (size_t i = 0; i < CLUSTER_QUEUE_MAX && c->pend_n; i++)
		if (c->pend[i].seq && t >= c->pend[i].deadline_ms)
			undelivered(c, &c->pend[i], "did not answer", now);
}

static int io_write_uri(void *ctx, const char *imei, const char *uri)
{
	cluster *c = ctx;
	route_msg m = {.verb = 'W'};
	snprintf(m.imei, sizeof m.imei, "%s", imei);
	snprintf(m.uri, sizeof m.uri, "%s", uri);
	int r = route(c, &m);
	if (r == 0)
		return c->local.write_uri(c->local.ctx, imei, uri);
	return r > 0 ? 0 : -1;
}

static int io_execute(void *ctx, const char *imei)
{
	cluster *c = ctx;
	route_msg m = {.verb = 'X'};
	snprintf(m.imei, sizeof m.imei, "%s", imei);
	int r = route(c, &m);
	if (r == 0)
		return c->local.execute(c->local.ctx, imei);
	return r > 0 ? 0 : -1;
}

static int io_reboot(void *ctx, const char *imei)
{
	cluster *c = ctx;
	route_msg m = {.verb = 'B'};
	snprintf(m.imei, sizeof m.imei, "%s", imei);
	int r = route(c, &m);
	if (r == 0)
		return c->local.reboot ? c->local.reboot(c->local.ctx, imei) : -1;
	return r > 0 ? 0 : -1;
}

static int io_config_uri(void *ctx, const db_campaign *camp, char *buf, size_t cap)
{
	cluster *c = ctx;
	return c->local.config_uri ? c->local.config_uri(c->local.ctx, camp, buf, cap) : -1;
}

static void io_package_uri(void *ctx, const char *sha, const char *transport, char *buf, size_t cap)
{
	cluster *c = ctx;
	c->local.package_uri(c->local.ctx, sha, transport, buf, cap);
}

static int io_claim(void *ctx, int64_t campaign, int64_t now, db_fence *fence)
{
	cluster *c = ctx;
	return db_campaign_claim_fence(c->db, campaign, c->node, now, fence);
}

cluster *cluster_start(db *d, const char *node, const char *nats_url, const campaign_io *local,
		       cluster_observe_fn observe, void *observe_ctx, char *err, size_t errlen)
{
	if (!cluster_node_id_ok(node)) {
		snprintf(err, errlen, "node id \"%s\": 1 to %d of A-Z a-z 0-9 _ -", node, CLUSTER_NODE_MAX);
		return NULL;
	}
	cluster *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->db = d;
	c->efd = -1;
	snprintf(c->node, sizeof c->node, "%s", node);
	c->local = *local;
	c->observe = observe;
	c->observe_ctx = observe_ctx;
	c->io = (campaign_io){.ctx = c, .write_uri = io_write_uri, .execute = io_execute,
			      .package_uri = io_package_uri, .claim = io_claim};
	if (local->reboot && local->config_uri) {
		c->io.reboot = io_reboot;
		c->io.config_uri = io_config_uri;
	}
	pthread_mutex_init(&c->mu, NULL);
	int64_t now = (int64_t)time(NULL);
	if (db_node_heartbeat(d, c->node, now) < 0) {
		snprintf(err, errlen, "node %s: %s", c->node, db_error(d));
		goto fail;
	}
	c->beat_at = now;
	if (!nats_url)
		return c;
	c->q = calloc(CLUSTER_QUEUE_MAX, sizeof *c->q);
	c->pend = calloc(CLUSTER_QUEUE_MAX, sizeof *c->pend);
	c->ans = calloc(CLUSTER_QUEUE_MAX, sizeof *c->ans);
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!c->q || !c->pend || !c->ans || c->efd < 0) {
		snprintf(err, errlen, "%s", c->efd < 0 ? strerror(errno) : "out of memory");
		goto fail;
	}
	natsOptions *o = NULL;
	natsStatus s = natsOptions_Create(&o);
	if (s == NATS_OK)
		s = natsOptions_SetURL(o, nats_url);
	if (s == NATS_OK)
		s = natsOptions_SetName(o, c->node);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(o, -1); /* for ever: NATS may restart */
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(o, 500);
	if (s == NATS_OK)
		s = natsConnection_Connect(&c->nc, o);
	natsOptions_Destroy(o);
	char subj[64];
	subject_of(c->node, subj, sizeof subj);
	if (s == NATS_OK)
		s = natsConnection_Subscribe(&c->sub, c->nc, subj, on_msg, c);
	char inbox_all[80];
	snprintf(c->inbox, sizeof c->inbox, "sarafw.reply.%s", c->node);
	snprintf(inbox_all, sizeof inbox_all, "%s.*", c->inbox);
	if (s == NATS_OK)
		s = natsConnection_Subscribe(&c->inbox_sub, c->nc, inbox_all, on_answer, c);
	if (s == NATS_OK)
		s = natsConnection_FlushTimeout(c->nc, 5000); /* subscribed before "ready" */
	if (s != NATS_OK) {
		snprintf(err, errlen, "NATS %s: %s", nats_url, natsStatus_GetText(s));
		goto fail;
	}
	return c;
fail:
	cluster_stop(c);
	return NULL;
}

void cluster_stop(cluster *c)
{
	if (!c)
		return;
	if (c->sub) {
		natsSubscription_Unsubscribe(c->sub);
		natsSubscription_Destroy(c->sub);
	}
	if (c->inbox_sub) {
		natsSubscription_Unsubscribe(c->inbox_sub);
		natsSubscription_Destroy(c->inbox_sub);
	}
	if (c->nc) {
		natsConnection_Close(c->nc);
		natsConnection_Destroy(c->nc);
		nats_Close();
	}
	if (c->efd >= 0)
		close(c->efd);
	pthread_mutex_destroy(&c->mu);
	free(c->q);
	free(c->pend);
	free(c->ans);
	free(c);
}

int cluster_fd(cluster *c)
{
	return c->efd;
}

void cluster_process(cluster *c, int64_t now)
{
	if (now != c->beat_at) {
		c->beat_at = now;
		db_node_heartbeat(c->db, c->node, now);
	}
	if (c->efd < 0)
		return;
	uint64_t v;
	ssize_t r = read(c->efd, &v, sizeof v);
	(void)r;
	settle(c, now);
	for (;;) {
		queued e;
		pthread_mutex_lock(&c->mu);
		int have = c->q_n > 0;
		if (have) {
			e = c->q[c->q_head];
			c->q_head = (c->q_head + 1) % CLUSTER_QUEUE_MAX;
			c->q_n--;
		}
		pthread_mutex_unlock(&c->mu);
		if (!have)
			break;
		/* only to a session held here; else the sender is told so (it
		 * sends again once the device registered somewhere live) */
		const route_msg *m = &e.m;
		int ok = -1;
		if (m->verb == 'W')
			ok = c->local.write_uri(c->local.ctx, m->imei, m->uri);
		else if (m->verb == 'X')
			ok = c->local.execute(c->local.ctx, m->imei);
		else if (m->verb == 'B' && c->local.reboot)
			ok = c->local.reboot(c->local.ctx, m->imei);
		else if (m->verb == 'O' && c->observe)
			ok = c->observe(c->observe_ctx, m->imei);
		if (e.reply[0])
			natsConnection_Publish(c->nc, e.reply, ok == 0 ? "0" : "1", 1);
		if (ok == 0) {
			pthread_mutex_lock(&c->mu);
			c->run++;
			pthread_mutex_unlock(&c->mu);
		}
	}
}

const campaign_io *cluster_io(cluster *c)
{
	return &c->io;
}

const char *cluster_node(const cluster *c)
{
	return c->node;
}

void cluster_counts(const cluster *c, uint64_t *received, uint64_t *run, uint64_t *sent)
{
	pthread_mutex_lock((pthread_mutex_t *)&c->mu);
	*received = c->received;
	*run = c->run;
	*sent = c->sent;
	pthread_mutex_unlock((pthread_mutex_t *)&c->mu);
}
