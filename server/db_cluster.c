/* Storage of several front-ends on one database (db_cluster.h). */
#include <stdio.h>
#include <string.h>

#include "db_cluster.h"

bool cluster_node_id_ok(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > CLUSTER_NODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

int db_node_heartbeat(db *d, const char *node, int64_t now)
{
	db_val p[] = {DB_TEXT(node), DB_INT(now), DB_INT(now)};
	return db_exec(d,
		       "INSERT INTO nodes (id, heartbeat, started) VALUES (?,?,?)"
		       " ON CONFLICT (id) DO UPDATE SET heartbeat = excluded.heartbeat",
		       p, 3, NULL, NULL);
}

typedef struct one_text {
	char *s;
	size_t cap;
	int64_t i;
	int found;
} one_text;

static int row_one(void *ctx, int ncol, const db_val *c)
{
	one_text *o = ctx;
	if (ncol < 1)
		return 1;
	o->found = 1;
	if (o->s && o->cap) {
		const char *v = c[0].t == DBV_TEXT ? c[0].s : "";
		size_t n = strnlen(v, o->cap - 1);
		memcpy(o->s, v, n);
		o->s[n] = 0;
	}
	if (ncol > 1 && c[1].t == DBV_INT)
		o->i = c[1].i;
	return 1;
}

int db_node_alive(db *d, const char *node, int64_t now)
{
	one_text o = {0};
	db_val p[] = {DB_TEXT(node), DB_INT(now - CLUSTER_LEASE_S)};
	if (db_exec(d, "SELECT id FROM nodes WHERE id = ? AND heartbeat >= ?", p, 2, row_one, &o) < 0)
		return -1;
	return o.found;
}

int db_device_set_owner(db *d, const char *endpoint, const char *node)
{
	db_val p[] = {DB_TEXT(node), DB_TEXT(endpoint)};
	return db_exec(d, "UPDATE devices SET owner = ? WHERE endpoint = ?", p, 2, NULL, NULL);
}

int db_device_owner(db *d, const char *imei, char *owner, size_t cap)
{
	one_text o = {.s = owner, .cap = cap};
	db_val p = DB_TEXT(imei);
	if (!imei[0])
		return 1;
	if (db_exec(d, "SELECT owner FROM devices WHERE imei = ? ORDER BY last_seen DESC", &p, 1, row_one, &o) < 0)
		return -1;
	return o.found ? 0 : 1;
}

static int row_claim(void *ctx, int ncol, const db_val *c)
{
	db_fence *f = ctx;
	if (ncol >= 2) {
		f->epoch = c[0].t == DBV_INT ? c[0].i : 0;
		f->version = c[1].t == DBV_INT ? c[1].i : 0;
	}
	return 1;
}

int db_campaign_claim_fence(db *d, int64_t id, const char *node, int64_t now, db_fence *fence)
{
	db_val p[] = {DB_TEXT(node), DB_INT(now), DB_TEXT(node), DB_INT(now + CLUSTER_LEASE_S),
		      DB_INT(id), DB_TEXT(node), DB_INT(now)};
	if (db_exec(d,
		    "UPDATE campaigns SET runner_epoch = CASE WHEN runner = ? AND runner_until >= ?"
		    " THEN runner_epoch ELSE runner_epoch + 1 END, runner = ?, runner_until = ? WHERE id = ?"
		    " AND (runner = ? OR runner = '' OR runner_until < ?)",
		    p, 7, NULL, NULL) < 0)
		return -1;
	if (d->ops->changes(d) != 1)
		return 0;
	if (fence) {
		snprintf(fence->node, sizeof fence->node, "%s", node);
		fence->until = now + CLUSTER_LEASE_S - 1;
		db_val q[] = {DB_INT(id), DB_TEXT(node)};
		if (db_exec(d, "SELECT runner_epoch, version FROM campaigns WHERE id = ? AND runner = ?", q, 2,
			    row_claim, fence) < 0)
			return -1;
	}
	return 1;
}

int db_campaign_claim(db *d, int64_t id, const char *node, int64_t now)
{
	return db_campaign_claim_fence(d, id, node, now, NULL);
}

int db_campaign_runner(db *d, int64_t id, char *node, size_t cap, int64_t *until)
{
	one_text o = {.s = node, .cap = cap};
	db_val p = DB_INT(id);
	if (db_exec(d, "SELECT runner, runner_until FROM campaigns WHERE id = ?", &p, 1, row_one, &o) < 0)
		return -1;
	if (until)
		*until = o.i;
	return o.found ? 0 : 1;
}
