/* What several sarafw-server front-ends sharing one database store to
 * work together (portable SQL through db.h, schema version 2):
 *
 * - nodes: each front-end's id and heartbeat; a node is alive while its
 *   heartbeat is younger than CLUSTER_LEASE_S;
 * - devices.owner: the front-end that holds the device's CoAP session,
 *   written at every Register and at an Update that reaches a front-end
 *   without the session (a device that re-registers elsewhere moves);
 * - campaigns.runner/runner_until: the one front-end that steps a
 *   campaign, claimed with one conditional UPDATE (free, its own, or the
 *   lease expired), so two front-ends never step one campaign at once;
 *   campaigns.runner_epoch fences a holder that outlived its lease. */
#ifndef SARAFW_SERVER_DB_CLUSTER_H
#define SARAFW_SERVER_DB_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define CLUSTER_LEASE_S 10
#define CLUSTER_NODE_MAX 32

/* A node id: 1..CLUSTER_NODE_MAX of [A-Za-z0-9_-] (a NATS subject token). */
bool cluster_node_id_ok(const char *id);

int db_node_heartbeat(db *d, const char *node, int64_t now);
/* 1 alive, 0 not (or unknown), -1 error. */
int db_node_alive(db *d, const char *node, int64_t now);
int db_device_set_owner(db *d, const char *endpoint, const char *node);
/* owner of the device with this IMEI ("" when none stored): 0, 1 no such
 * device, -1 error. */
int db_device_owner(db *d, const char *imei, char *owner, size_t cap);
/* 1 this node now runs the campaign until now + CLUSTER_LEASE_S, 0 another
 * live node does, -1 error. The lease's epoch (runner_epoch) goes up at
 * every claim that is not the renewal of a live lease of the same node,
 * so a holder that stalled past its lease holds a stale epoch (db_fence). */
int db_campaign_claim(db *d, int64_t id, const char *node, int64_t now);
/* The same; fence (may be NULL) gets the node, the epoch and the
 * campaign's version when claimed. */
int db_campaign_claim_fence(db *d, int64_t id, const char *node, int64_t now, db_fence *fence);
/* The runner of a campaign ("" none): 0, 1 no campaign, -1 error. */
int db_campaign_runner(db *d, int64_t id, char *node, size_t cap, int64_t *until);

#endif
