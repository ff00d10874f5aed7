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
	route_msg *q; /* ring of CLUSTER_QUEUE_MAX */
	size_t q_head, q_n;
	uint64_t received, run, sent;
};

static void subject_of(const char *node, char *buf, size_t cap)
{
	snprintf(buf, cap, "sarafw.node.%s", node);
}

/* NATS's thread: queue the command and wake the loop */
static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *closure)
{
	(void)nc, (void)sub;
	cluster *c = closure;
	route_msg m;
	int ok = route_msg_parse((const uint8_t *)natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg), &m) == 0;
	natsMsg_Destroy(msg);
	if (!ok)
		return;
	pthread_mutex_lock(&c->mu);
	c->received++;
	if (c->q_n < CLUSTER_QUEUE_MAX) {
		c->q[(c->q_head + c->q_n) % CLUSTER_QUEUE_MAX] = m;
		c->q_n++;
	}
	pthread_mutex_unlock(&c->mu);
	uint64_t one = 1;
	ssize_t w = write(c->efd, &one, sizeof one);
	(void)w; /* a full counter still wakes the loop */
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
	char subj[64], buf[ROUTE_MSG_MAX + 1];
	int n = route_msg_format(m, buf, sizeof buf);
	subject_of(owner, subj, sizeof subj);
	if (n < 0 || natsConnection_Publish(c->nc, subj, buf, n) != NATS_OK)
		return -1;
	c->sent++;
	return 1;
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

static int io_claim(void *ctx, int64_t campaign, int64_t now)
{
	cluster *c = ctx;
	return db_campaign_claim(c->db, campaign, c->node, now);
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
	c->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!c->q || c->efd < 0) {
		snprintf(err, errlen, "%s", c->q ? strerror(errno) : "out of memory");
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
	if (c->nc) {
		natsConnection_Close(c->nc);
		natsConnection_Destroy(c->nc);
		nats_Close();
	}
	if (c->efd >= 0)
		close(c->efd);
	pthread_mutex_destroy(&c->mu);
	free(c->q);
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
	for (;;) {
		route_msg m;
		pthread_mutex_lock(&c->mu);
		int have = c->q_n > 0;
		if (have) {
			m = c->q[c->q_head];
			c->q_head = (c->q_head + 1) % CLUSTER_QUEUE_MAX;
			c->q_n--;
		}
		pthread_mutex_unlock(&c->mu);
		if (!have)
			break;
		/* only to a session held here; else dropped (the sender resends
		 * once the device registered somewhere live) */
		int ok = -1;
		if (m.verb == 'W')
			ok = c->local.write_uri(c->local.ctx, m.imei, m.uri);
		else if (m.verb == 'X')
			ok = c->local.execute(c->local.ctx, m.imei);
		else if (m.verb == 'B' && c->local.reboot)
			ok = c->local.reboot(c->local.ctx, m.imei);
		else if (m.verb == 'O' && c->observe)
			ok = c->observe(c->observe_ctx, m.imei);
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
