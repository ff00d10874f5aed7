/* Several sarafw-server front-ends sharing one database (db_cluster.h),
 * with commands for a device routed over NATS to the front-end that holds
 * its CoAP session.
 *
 * Each front-end has a node id and subscribes to "sarafw.node.<id>". The
 * campaign engine talks to cluster_io(): a Write /5/0/1 or Execute /5/0/2
 * for a device owned here goes to the local LwM2M side; for a device owned
 * by another live front-end it is a NATS request to that front-end's
 * subject, with "sarafw.reply.<id>.<seq>" for the answer: "0" once the
 * command went to the device's session, "1" when that front-end holds
 * none. The loop never waits for it: cluster_process() takes the answers,
 * and a "1" or no answer within CLUSTER_ROUTE_TIMEOUT_MS (a front-end gone
 * or stalled) is reported to the engine (campaign_undelivered), which says
 * so on the device and sends it again soon, to wherever the device is
 * registered then. For a device whose owner is dead it fails at once, and
 * the device is reached again once it registers at a live front-end. cluster_io() also claims
 * each campaign before the engine steps it (db_campaign_claim), so only
 * one front-end steps a campaign at a time, and a dead front-end's
 * campaigns pass to another once its lease ran out.
 *
 * NATS's client runs its own threads: a routed command is only queued
 * there, and run by cluster_process() from the server's one loop (woken
 * through cluster_fd()). Without a NATS URL the same rules hold with no
 * peers: a single front-end. */
#ifndef SARAFW_SERVER_CLUSTER_H
#define SARAFW_SERVER_CLUSTER_H

#include <stdint.h>

#include "campaign.h"
#include "db.h"
#include "db_cluster.h"

#define CLUSTER_QUEUE_MAX 4096 /* routed commands waiting for the loop; more are dropped */
#define CLUSTER_ROUTE_TIMEOUT_MS 1000 /* a routed command's answer */

typedef struct cluster cluster;

/* Observe again (routed "O"): 0 when queued for a local session, -1 not here. */
typedef int (*cluster_observe_fn)(void *ctx, const char *imei);

/* local: the LwM2M side's io of this process. nats_url may be NULL. */
cluster *cluster_start(db *d, const char *node, const char *nats_url, const campaign_io *local,
		       cluster_observe_fn observe, void *observe_ctx, char *err, size_t errlen);
void cluster_stop(cluster *c);
/* readable when routed commands wait; -1 without NATS */
int cluster_fd(cluster *c);
/* Run the routed commands waiting; write the heartbeat when one is due. */
void cluster_process(cluster *c, int64_t now);
const campaign_io *cluster_io(cluster *c);
const char *cluster_node(const cluster *c);
/* Routed commands received, run, and sent, since the start. */
void cluster_counts(const cluster *c, uint64_t *received, uint64_t *run, uint64_t *sent);

#endif
