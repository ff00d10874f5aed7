/* The server's storage, backend-neutral (db.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"

static const db_backend *const backends[] = {
	&db_sqlite_backend,
	&db_pg_backend,
};

/* Migrations: migrations[i] brings the schema from version i to i+1. Never
 * edit a published step; add one. Portable SQL only. */
static const char *const migration_1[] = {
	"CREATE TABLE devices ("
	" endpoint TEXT PRIMARY KEY, imei TEXT NOT NULL DEFAULT '', location TEXT UNIQUE,"
	" lwm2m TEXT NOT NULL DEFAULT '', binding TEXT NOT NULL DEFAULT '',"
	" objects TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '',"
	" firmware_version TEXT NOT NULL DEFAULT '', lifetime BIGINT NOT NULL DEFAULT 0,"
	" registered_at BIGINT NOT NULL DEFAULT 0, last_seen BIGINT NOT NULL DEFAULT 0,"
	" registered INTEGER NOT NULL DEFAULT 0, fw_state INTEGER NOT NULL DEFAULT -1,"
	" fw_result INTEGER NOT NULL DEFAULT -1, psk TEXT)",
	"CREATE INDEX devices_imei ON devices(imei)",
	"CREATE TABLE tokens (hash TEXT PRIMARY KEY, role TEXT NOT NULL, name TEXT NOT NULL,"
	" created BIGINT NOT NULL)",
	"CREATE TABLE packages (sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, product TEXT NOT NULL,"
	" from_version TEXT NOT NULL, to_version TEXT NOT NULL, kind BIGINT NOT NULL,"
	" flags BIGINT NOT NULL, created BIGINT NOT NULL)",
	"CREATE TABLE campaigns (id BIGINT PRIMARY KEY, name TEXT NOT NULL, product TEXT NOT NULL,"
	" from_version TEXT NOT NULL, to_version TEXT NOT NULL,"
	" package TEXT NOT NULL REFERENCES packages(sha256), transport TEXT NOT NULL,"
	" location_area TEXT NOT NULL, start_at BIGINT NOT NULL, end_at BIGINT NOT NULL,"
	" window_from BIGINT NOT NULL, window_to BIGINT NOT NULL, test_size BIGINT NOT NULL,"
	" group_size BIGINT NOT NULL, success_threshold BIGINT NOT NULL,"
	" error_threshold BIGINT NOT NULL, pause_after_group BIGINT NOT NULL,"
	" action_timeout BIGINT NOT NULL, max_retries BIGINT NOT NULL, retry_backoff BIGINT NOT NULL,"
	" state TEXT NOT NULL, phase TEXT NOT NULL, current_group BIGINT NOT NULL,"
	" created_by TEXT NOT NULL, approved_by TEXT NOT NULL, test_accepted_by TEXT NOT NULL,"
	" detail TEXT NOT NULL, created BIGINT NOT NULL, updated BIGINT NOT NULL)",
	"CREATE TABLE campaign_devices (campaign BIGINT NOT NULL REFERENCES campaigns(id),"
	" imei TEXT NOT NULL, group_no BIGINT NOT NULL, state TEXT NOT NULL,"
	" attempts BIGINT NOT NULL, next_at BIGINT NOT NULL, deadline BIGINT NOT NULL,"
	" result BIGINT NOT NULL, detail TEXT NOT NULL, updated BIGINT NOT NULL,"
	" reset_during_update BIGINT NOT NULL, PRIMARY KEY (campaign, imei))",
	"CREATE INDEX campaign_devices_imei ON campaign_devices(imei)",
	NULL,
};

/* several front-ends on one database (db_cluster.h) */
static const char *const migration_2[] = {
	"CREATE TABLE nodes (id TEXT PRIMARY KEY, heartbeat BIGINT NOT NULL, started BIGINT NOT NULL)",
	"ALTER TABLE devices ADD COLUMN owner TEXT NOT NULL DEFAULT ''",
	"ALTER TABLE campaigns ADD COLUMN runner TEXT NOT NULL DEFAULT ''",
	"ALTER TABLE campaigns ADD COLUMN runner_until BIGINT NOT NULL DEFAULT 0",
	NULL,
};

/* optimistic concurrency and fencing of campaign writes (db_fence), and
 * the design review's timings (note §2.7.3) */
static const char *const migration_3[] = {
	"ALTER TABLE campaigns ADD COLUMN version BIGINT NOT NULL DEFAULT 0",
	"ALTER TABLE campaigns ADD COLUMN runner_epoch BIGINT NOT NULL DEFAULT 0",
	"ALTER TABLE campaign_devices ADD COLUMN version BIGINT NOT NULL DEFAULT 0",
	"ALTER TABLE campaign_devices ADD COLUMN downloaded_at BIGINT NOT NULL DEFAULT 0",
	"ALTER TABLE campaign_devices ADD COLUMN updating_at BIGINT NOT NULL DEFAULT 0",
	NULL,
};

/* the campaign engine's step reads the devices in play by state and
 * group, not every device of the campaign (db_cdev_step_list) */
static const char *const migration_4[] = {
	"CREATE INDEX campaign_devices_state ON campaign_devices(campaign, state, group_no)",
	"CREATE INDEX campaign_devices_group ON campaign_devices(campaign, group_no)",
	NULL,
};

/* A statement written "scheme:SQL" runs on that backend only (the rest
 * of the schema is one for both). */
static const char *const migration_5[] = {
	/* the device rows devices refresh all the time (last_seen, at every
	 * Update) leave room in their page: PostgreSQL then writes the new
	 * row version beside the old one without touching the three indexes
	 * (a HOT update; last_seen is in none). At 5000 Updates/s the round's
	 * refresh statement of 256 rows took 3-8 ms, now mostly under 3 ms. */
	"postgresql:ALTER TABLE devices SET (fillfactor = 50)",
	NULL,
};

static const char *const *const migrations[DB_SCHEMA_VERSION] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
};

/* the statement to run on d for a migration's entry, or NULL (another
 * backend's) */
static const char *migration_sql(const db *d, const char *entry)
{
	const char *colon = strchr(entry, ':'), *space = strchr(entry, ' ');
	size_t k = strlen(d->ops->scheme);
	if (!colon || (space && space < colon))
		return entry;
	return (size_t)(colon - entry) == k && !strncmp(entry, d->ops->scheme, k) ? colon + 1 : NULL;
}

/* SARAFW_LOOP_TRACE=MS (main.c): statements taking MS or more go to
 * stderr, whichever the backend */
static double trace_ms = -1;

static double wall_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int db_exec(db *d, const char *sql, const db_val *params, int n, db_row_fn row, void *ctx)
{
	if (trace_ms < 0) {
		const char *e = getenv("SARAFW_LOOP_TRACE");
		trace_ms = e ? atof(e) : 0;
	}
	if (!trace_ms)
		return d->ops->exec(d, sql, params, n, row, ctx);
	double t0 = wall_ms();
	int rc = d->ops->exec(d, sql, params, n, row, ctx);
	double t1 = wall_ms();
	if (t1 - t0 >= trace_ms)
		fprintf(stderr, "sql %.3f %.1f ms %.60s\n", t1 / 1000, t1 - t0, sql);
	return rc;
}

const char *db_error(db *d)
{
	return d->ops->error(d);
}

/* commits flushed to stable storage while a durable function runs (in
 * db_begin_durable's transaction, they already are: SQLite cannot change
 * it inside a transaction) */
static int durable_on(db *d)
{
	return d->durable_tx ? 0 : d->ops->durability(d, true);
}

static void durable_off(db *d)
{
	if (!d->durable_tx)
		d->ops->durability(d, false);
}

int db_begin(db *d)
{
	return db_exec(d, "BEGIN", NULL, 0, NULL, NULL);
}

int db_commit(db *d)
{
	return db_exec(d, "COMMIT", NULL, 0, NULL, NULL);
}

int db_begin_durable(db *d)
{
	if (durable_on(d) < 0)
		return -1;
	if (db_begin(d) < 0) {
		durable_off(d);
		return -1;
	}
	d->durable_tx = true;
	return 0;
}

/* the end of db_begin_durable's transaction */
static void durable_end(db *d)
{
	if (d->durable_tx) {
		d->durable_tx = false;
		durable_off(d);
	}
}

int db_commit_durable(db *d)
{
	int r = db_commit(d);
	if (r == 0)
		durable_end(d);
	return r;
}

void db_rollback(db *d)
{
	db_exec(d, "ROLLBACK", NULL, 0, NULL, NULL);
	durable_end(d);
}

static int row_int(void *ctx, int ncol, const db_val *col)
{
	if (ncol > 0 && col[0].t == DBV_INT)
		*(int64_t *)ctx = col[0].i;
	return 1;
}

int db_schema_version(db *d)
{
	int64_t v = -1;
	if (db_exec(d, "SELECT version FROM schema_version", NULL, 0, row_int, &v) < 0)
		return -1;
	return (int)v;
}

static int migrate(db *d, char *err, size_t errlen)
{
	if (db_exec(d, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", NULL, 0,
		    NULL, NULL) < 0)
		goto fail;
	int64_t v = -1;
	if (db_exec(d, "SELECT version FROM schema_version", NULL, 0, row_int, &v) < 0)
		goto fail;
	if (v < 0) {
		if (db_exec(d, "INSERT INTO schema_version (version) VALUES (0)", NULL, 0, NULL, NULL) < 0)
			goto fail;
		v = 0;
	}
	if (v > DB_SCHEMA_VERSION) {
		snprintf(err, errlen, "the database has schema version %lld; this sarafw-server knows up to %d",
			 (long long)v, DB_SCHEMA_VERSION);
		return -1;
	}
	for (; v < DB_SCHEMA_VERSION; v++) {
		if (db_begin(d) < 0)
			goto fail;
		for (const char *const *s = migrations[v]; *s; s++) {
			const char *sql = migration_sql(d, *s);
			if (sql && db_exec(d, sql, NULL, 0, NULL, NULL) < 0)
				goto fail_tx;
		}
		db_val p = DB_INT(v + 1);
		if (db_exec(d, "UPDATE schema_version SET version = ?", &p, 1, NULL, NULL) < 0 || db_commit(d) < 0)
			goto fail_tx;
	}
	return 0;
fail_tx:
	snprintf(err, errlen, "migration to schema version %lld: %s", (long long)v + 1, db_error(d));
	db_rollback(d);
	return -1;
fail:
	snprintf(err, errlen, "schema: %s", db_error(d));
	return -1;
}

db *db_open(const char *url, char *err, size_t errlen)
{
	const char *colon = strchr(url, ':');
	if (!colon) {
		snprintf(err, errlen, "database \"%s\": want sqlite:PATH or postgresql://...", url);
		return NULL;
	}
	for (size_t i = 0; i < sizeof backends / sizeof *backends; i++) {
		const db_backend *b = backends[i];
		if (strlen(b->scheme) != (size_t)(colon - url) || memcmp(b->scheme, url, (size_t)(colon - url)))
			continue;
		db *d;
		if (b->open(colon + 1, &d, err, errlen) < 0)
			return NULL;
		if (b->migrate_lock && b->migrate_lock(d, true) < 0) {
			snprintf(err, errlen, "schema lock: %s", b->error(d));
			b->close(d);
			return NULL;
		}
		int m = migrate(d, err, errlen);
		if (b->migrate_lock)
			b->migrate_lock(d, false);
		if (m < 0) {
			b->close(d);
			return NULL;
		}
		return d;
	}
	snprintf(err, errlen, "database \"%s\": unknown kind (this build has sqlite:PATH and postgresql://...)", url);
	return NULL;
}

void db_close(db *d)
{
	if (d)
		d->ops->close(d);
}

/* copy a text column into a fixed field, cut to fit */
static void col_text(char *dst, size_t cap, const db_val *v)
{
	const char *s = v->t == DBV_TEXT ? v->s : "";
	size_t n = strnlen(s, cap - 1);
	memcpy(dst, s, n);
	dst[n] = 0;
}

static int64_t col_int(const db_val *v)
{
	return v->t == DBV_INT ? v->i : 0;
}

#define TXT(f, v) col_text((f), sizeof(f), (v))

/* ---- devices ---- */

#define DEV_COLS                                                                                   \
	"endpoint, imei, location, lwm2m, binding, objects, address, firmware_version, lifetime,"   \
	" registered_at, last_seen, registered, fw_state, fw_result"

static void dev_from_row(db_device *o, const db_val *c)
{
	memset(o, 0, sizeof *o);
	TXT(o->endpoint, &c[0]);
	TXT(o->imei, &c[1]);
	TXT(o->location, &c[2]);
	TXT(o->lwm2m, &c[3]);
	TXT(o->binding, &c[4]);
	TXT(o->objects, &c[5]);
	TXT(o->address, &c[6]);
	TXT(o->firmware_version, &c[7]);
	o->lifetime = col_int(&c[8]);
	o->registered_at = col_int(&c[9]);
	o->last_seen = col_int(&c[10]);
	o->registered = col_int(&c[11]) != 0;
	o->fw_state = (int)col_int(&c[12]);
	o->fw_result = (int)col_int(&c[13]);
}

typedef struct dev_one {
	db_device *out;
	int found;
} dev_one;

static int row_dev_one(void *ctx, int ncol, const db_val *c)
{
	dev_one *o = ctx;
	if (ncol >= 14) {
		dev_from_row(o->out, c);
		o->found = 1;
	}
	return 1;
}

static int dev_query_one(db *d, const char *where, const char *key, db_device *out)
{
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT " DEV_COLS " FROM devices WHERE %s = ?", where);
	dev_one o = {.out = out};
	db_val p = DB_TEXT(key);
	if (db_exec(d, sql, &p, 1, row_dev_one, &o) < 0)
		return -1;
	return o.found ? 0 : 1;
}

int db_device_get(db *d, const char *endpoint, db_device *out)
{
	return dev_query_one(d, "endpoint", endpoint, out);
}

int db_device_by_location(db *d, const char *location, db_device *out)
{
	return dev_query_one(d, "location", location, out);
}

int db_device_by_imei(db *d, const char *imei, db_device *out)
{
	if (!imei[0])
		return 1;
	return dev_query_one(d, "imei", imei, out);
}

int db_device_register(db *d, const db_device *v)
{
	/* the location is unique: a device registering again takes a new one,
	 * and an old row holding a reused location gives it up first */
	db_val pl[] = {DB_TEXT(v->location), DB_TEXT(v->endpoint)};
	if (db_exec(d, "UPDATE devices SET location = NULL, registered = 0 WHERE location = ? AND endpoint <> ?",
		    pl, 2, NULL, NULL) < 0)
		return -1;
	db_val p[] = {
		DB_TEXT(v->endpoint), DB_TEXT(v->imei), DB_TEXT(v->location), DB_TEXT(v->lwm2m),
		DB_TEXT(v->binding), DB_TEXT(v->objects), DB_TEXT(v->address), DB_INT(v->lifetime),
		DB_INT(v->registered_at), DB_INT(v->last_seen),
	};
	return db_exec(d,
		       "INSERT INTO devices (endpoint, imei, location, lwm2m, binding, objects, address,"
		       " lifetime, registered_at, last_seen, registered) VALUES (?,?,?,?,?,?,?,?,?,?,1)"
		       " ON CONFLICT (endpoint) DO UPDATE SET imei = excluded.imei,"
		       " location = excluded.location, lwm2m = excluded.lwm2m, binding = excluded.binding,"
		       " objects = excluded.objects, address = excluded.address, lifetime = excluded.lifetime,"
		       " registered_at = excluded.registered_at, last_seen = excluded.last_seen, registered = 1,"
		       /* a new registration: what it runs is read again */
		       " firmware_version = '', fw_state = -1, fw_result = -1",
		       p, 10, NULL, NULL);
}

int db_device_update(db *d, const char *location, int64_t lifetime, const char *binding, const char *objects,
		     int64_t now)
{
	return db_device_update_as(d, location, NULL, lifetime, binding, objects, now, NULL);
}

/* One statement does the lookup and the write (RETURNING: SQLite 3.35 and
 * PostgreSQL both have it): an Update costs one round trip to storage. */
int db_device_update_as(db *d, const char *location, const char *endpoint, int64_t lifetime, const char *binding,
			const char *objects, int64_t now, db_device *out)
{
	db_val p[] = {
		DB_INT(lifetime), DB_INT(lifetime), DB_TEXT(binding), DB_TEXT(objects), DB_INT(now),
		DB_TEXT(location), DB_TEXT(endpoint),
	};
	db_device tmp;
	dev_one o = {.out = out ? out : &tmp};
	if (db_exec(d,
		    "UPDATE devices SET lifetime = CASE WHEN ? > 0 THEN ? ELSE lifetime END,"
		    " binding = COALESCE(?, binding), objects = COALESCE(?, objects),"
		    " last_seen = ? WHERE location = ? AND registered = 1 AND endpoint = COALESCE(?, endpoint)"
		    " RETURNING " DEV_COLS,
		    p, 7, row_dev_one, &o) < 0)
		return -1;
	return o.found ? 0 : 1;
}

/* Plain Updates' refreshes, many in one statement: "location IN (...)"
 * with a fixed number of places (a prepared statement each), DB_TOUCH_BIG
 * for a server's busy round (one round trip to storage per round: on
 * PostgreSQL each round trip waits for its backend to be woken, and a
 * round of 64-row statements stayed 10-17 ms long with both processes
 * mostly idle), DB_TOUCH_SMALL for a few. Unused places repeat the
 * chunk's first location. */
#define DB_TOUCH_SMALL 16
#define DB_TOUCH_BIG 256
#define Q8 "?,?,?,?,?,?,?,?,"
#define Q64 Q8 Q8 Q8 Q8 Q8 Q8 Q8 Q8
#define TOUCH_SQL(places) "UPDATE devices SET last_seen = ? WHERE registered = 1 AND location IN (" places "?) RETURNING location"
static const char touch_small[] = TOUCH_SQL(Q8 "?,?,?,?,?,?,?,");
static const char touch_big[] = TOUCH_SQL(Q64 Q64 Q64 Q8 Q8 Q8 Q8 Q8 Q8 Q8 "?,?,?,?,?,?,?,");
#undef TOUCH_SQL
#undef Q64
#undef Q8

typedef struct touch_out {
	const char (*loc)[DB_LOC_MAX + 1];
	size_t n;
	bool *found;
} touch_out;

static int row_touched(void *ctx, int ncol, const db_val *c)
{
	touch_out *o = ctx;
	if (ncol < 1 || c[0].t != DBV_TEXT)
		return 0;
	for (size_t i = 0; i < o->n; i++)
		if (!o->found[i] && !strcmp(o->loc[i], c[0].s))
			o->found[i] = true;
	return 0;
}

int db_device_touch(db *d, const char (*locations)[DB_LOC_MAX + 1], size_t n, int64_t now, bool *found)
{
	for (size_t i = 0; i < n; i++)
		found[i] = false;
	bool tx = n > DB_TOUCH_BIG;
	if (tx && db_begin(d) < 0)
		return -1;
	db_val p[1 + DB_TOUCH_BIG];
	for (size_t at = 0; at < n;) {
		size_t places = n - at > DB_TOUCH_SMALL ? DB_TOUCH_BIG : DB_TOUCH_SMALL;
		size_t m = n - at < places ? n - at : places;
		p[0] = DB_INT(now);
		for (size_t i = 0; i < places; i++)
			p[1 + i] = DB_TEXT(locations[at + (i < m ? i : 0)]);
		touch_out o = {.loc = locations + at, .n = m, .found = found + at};
		if (db_exec(d, places == DB_TOUCH_BIG ? touch_big : touch_small, p, 1 + (int)places, row_touched, &o) <
		    0) {
			if (tx)
				db_rollback(d);
			return -1;
		}
		at += m;
	}
	return tx ? db_commit(d) : 0;
}

typedef struct ep_out {
	char *ep;
	size_t len;
	int found;
} ep_out;

static int row_ep(void *ctx, int ncol, const db_val *c)
{
	ep_out *o = ctx;
	if (ncol > 0) {
		o->found = 1;
		if (o->ep && o->len)
			col_text(o->ep, o->len, &c[0]);
	}
	return 1;
}

int db_device_deregister(db *d, const char *location, char *endpoint, size_t eplen)
{
	ep_out o = {.ep = endpoint, .len = eplen};
	db_val p = DB_TEXT(location);
	if (db_exec(d, "SELECT endpoint FROM devices WHERE location = ? AND registered = 1", &p, 1, row_ep, &o) < 0)
		return -1;
	if (!o.found)
		return 1;
	if (db_exec(d, "UPDATE devices SET registered = 0, location = NULL WHERE location = ?", &p, 1, NULL, NULL) <
	    0)
		return -1;
	return 0;
}

typedef struct dev_each {
	int (*fn)(void *ctx, const db_device *dev);
	void *ctx;
} dev_each;

static int row_dev_each(void *ctx, int ncol, const db_val *c)
{
	dev_each *e = ctx;
	if (ncol < 14)
		return 1;
	db_device dv;
	dev_from_row(&dv, c);
	return e->fn(e->ctx, &dv);
}

int db_device_list(db *d, int (*fn)(void *ctx, const db_device *dev), void *ctx)
{
	dev_each e = {.fn = fn, .ctx = ctx};
	return db_exec(d, "SELECT " DEV_COLS " FROM devices ORDER BY endpoint", NULL, 0, row_dev_each, &e);
}

static int dev_set(db *d, const char *sql, db_val v, const char *endpoint)
{
	db_val p[] = {v, DB_TEXT(endpoint)};
	return db_exec(d, sql, p, 2, NULL, NULL);
}

int db_device_set_firmware(db *d, const char *endpoint, const char *version)
{
	return dev_set(d, "UPDATE devices SET firmware_version = ? WHERE endpoint = ?", DB_TEXT(version), endpoint);
}

int db_device_set_fw_state(db *d, const char *endpoint, int state)
{
	return dev_set(d, "UPDATE devices SET fw_state = ? WHERE endpoint = ?", DB_INT(state), endpoint);
}

int db_device_set_fw_result(db *d, const char *endpoint, int result)
{
	return dev_set(d, "UPDATE devices SET fw_result = ? WHERE endpoint = ?", DB_INT(result), endpoint);
}

int db_device_seen(db *d, const char *endpoint, int64_t now)
{
	return dev_set(d, "UPDATE devices SET last_seen = ? WHERE endpoint = ?", DB_INT(now), endpoint);
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int db_psk_get(db *d, const char *endpoint, uint8_t *key, size_t cap)
{
	char hex[2 * 64 + 1] = "";
	ep_out o = {.ep = hex, .len = sizeof hex};
	db_val p = DB_TEXT(endpoint);
	if (db_exec(d, "SELECT psk FROM devices WHERE endpoint = ? AND psk IS NOT NULL", &p, 1, row_ep, &o) < 0)
		return -1;
	size_t n = strlen(hex);
	if (!o.found || n == 0 || n % 2 || n / 2 > cap)
		return 0;
	for (size_t i = 0; i < n / 2; i++) {
		int h = hexval(hex[2 * i]), l = hexval(hex[2 * i + 1]);
		if (h < 0 || l < 0)
			return 0;
		key[i] = (uint8_t)(h << 4 | l);
	}
	return (int)(n / 2);
}

static int psk_set(db *d, const char *endpoint, const uint8_t *key, size_t len)
{
	char hex[2 * 64 + 1];
	if (len == 0 || len > 64)
		return -1;
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	db_val p[] = {DB_TEXT(endpoint), DB_TEXT(hex)};
	return db_exec(d,
		       "INSERT INTO devices (endpoint, psk) VALUES (?, ?)"
		       " ON CONFLICT (endpoint) DO UPDATE SET psk = excluded.psk",
		       p, 2, NULL, NULL);
}

/* ---- tokens ---- */

static int token_add(db *d, const char *hash_hex, const char *role, const char *name, int64_t now)
{
	db_val p[] = {DB_TEXT(hash_hex), DB_TEXT(role), DB_TEXT(name), DB_INT(now)};
	return db_exec(d,
		       "INSERT INTO tokens (hash, role, name, created) VALUES (?,?,?,?)"
		       " ON CONFLICT (hash) DO UPDATE SET role = excluded.role, name = excluded.name",
		       p, 4, NULL, NULL);
}

int db_token_role(db *d, const char *hash_hex, char *role, size_t rolelen)
{
	ep_out o = {.ep = role, .len = rolelen};
	db_val p = DB_TEXT(hash_hex);
	if (db_exec(d, "SELECT role FROM tokens WHERE hash = ?", &p, 1, row_ep, &o) < 0)
		return -1;
	return o.found ? 0 : 1;
}

/* ---- packages ---- */

#define PKG_COLS "sha256, size, product, from_version, to_version, kind, flags, created"

static void pkg_from_row(db_package *o, const db_val *c)
{
	memset(o, 0, sizeof *o);
	TXT(o->sha256, &c[0]);
	o->size = col_int(&c[1]);
	TXT(o->product, &c[2]);
	TXT(o->from_version, &c[3]);
	TXT(o->to_version, &c[4]);
	o->kind = col_int(&c[5]);
	o->flags = col_int(&c[6]);
	o->created = col_int(&c[7]);
}

static int package_add(db *d, const db_package *v)
{
	db_val p[] = {
		DB_TEXT(v->sha256), DB_INT(v->size), DB_TEXT(v->product), DB_TEXT(v->from_version),
		DB_TEXT(v->to_version), DB_INT(v->kind), DB_INT(v->flags), DB_INT(v->created),
	};
	if (db_exec(d, "INSERT INTO packages (" PKG_COLS ") VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (sha256) DO NOTHING",
		    p, 8, NULL, NULL) < 0)
		return -1;
	return d->ops->changes(d) > 0 ? 0 : 1;
}

typedef struct pkg_each {
	int (*fn)(void *ctx, const db_package *p);
	void *ctx;
	db_package *one;
	int found;
} pkg_each;

static int row_pkg(void *ctx, int ncol, const db_val *c)
{
	pkg_each *e = ctx;
	if (ncol < 8)
		return 1;
	if (e->one) {
		pkg_from_row(e->one, c);
		e->found = 1;
		return 1;
	}
	db_package p;
	pkg_from_row(&p, c);
	return e->fn(e->ctx, &p);
}

int db_package_get(db *d, const char *sha256, db_package *out)
{
	pkg_each e = {.one = out};
	db_val p = DB_TEXT(sha256);
	if (db_exec(d, "SELECT " PKG_COLS " FROM packages WHERE sha256 = ?", &p, 1, row_pkg, &e) < 0)
		return -1;
	return e.found ? 0 : 1;
}

int db_package_list(db *d, int (*fn)(void *ctx, const db_package *p), void *ctx)
{
	pkg_each e = {.fn = fn, .ctx = ctx};
	return db_exec(d, "SELECT " PKG_COLS " FROM packages ORDER BY created, sha256", NULL, 0, row_pkg, &e);
}

/* ---- campaigns ---- */

#define CAMP_COLS                                                                                  \
	"id, name, product, from_version, to_version, package, transport, location_area, start_at,"  \
	" end_at, window_from, window_to, test_size, group_size, success_threshold, error_threshold," \
	" pause_after_group, action_timeout, max_retries, retry_backoff, state, phase,"              \
	" current_group, created_by, approved_by, test_accepted_by, detail, created, updated"
#define CAMP_NCOLS 29
#define CAMP_SEL CAMP_COLS ", version" /* read: the columns written at creation and the version */

static void camp_from_row(db_campaign *o, const db_val *c)
{
	memset(o, 0, sizeof *o);
	o->id = col_int(&c[0]);
	TXT(o->name, &c[1]);
	TXT(o->product, &c[2]);
	TXT(o->from_version, &c[3]);
	TXT(o->to_version, &c[4]);
	TXT(o->package, &c[5]);
	TXT(o->transport, &c[6]);
	TXT(o->location_area, &c[7]);
	o->start_at = col_int(&c[8]);
	o->end_at = col_int(&c[9]);
	o->window_from = col_int(&c[10]);
	o->window_to = col_int(&c[11]);
	o->test_size = col_int(&c[12]);
	o->group_size = col_int(&c[13]);
	o->success_threshold = col_int(&c[14]);
	o->error_threshold = col_int(&c[15]);
	o->pause_after_group = col_int(&c[16]);
	o->action_timeout = col_int(&c[17]);
	o->max_retries = col_int(&c[18]);
	o->retry_backoff = col_int(&c[19]);
	TXT(o->state, &c[20]);
	TXT(o->phase, &c[21]);
	o->current_group = col_int(&c[22]);
	TXT(o->created_by, &c[23]);
	TXT(o->approved_by, &c[24]);
	TXT(o->test_accepted_by, &c[25]);
	TXT(o->detail, &c[26]);
	o->created = col_int(&c[27]);
	o->updated = col_int(&c[28]);
	o->version = col_int(&c[29]);
}

#define CDEV_COLS                                                                                  \
	"campaign, imei, group_no, state, attempts, next_at, deadline, result, detail, updated,"     \
	" reset_during_update"
#define CDEV_NCOLS 11
#define CDEV_SEL CDEV_COLS ", downloaded_at, updating_at, version"

static void cdev_from_row(db_cdev *o, const db_val *c)
{
	memset(o, 0, sizeof *o);
	o->campaign = col_int(&c[0]);
	TXT(o->imei, &c[1]);
	o->group_no = col_int(&c[2]);
	TXT(o->state, &c[3]);
	o->attempts = col_int(&c[4]);
	o->next_at = col_int(&c[5]);
	o->deadline = col_int(&c[6]);
	o->result = col_int(&c[7]);
	TXT(o->detail, &c[8]);
	o->updated = col_int(&c[9]);
	o->reset_during_update = col_int(&c[10]);
	o->downloaded_at = col_int(&c[11]);
	o->updating_at = col_int(&c[12]);
	o->version = col_int(&c[13]);
}

static int cdev_insert(db *d, const db_cdev *v)
{
	db_val p[] = {
		DB_INT(v->campaign), DB_TEXT(v->imei), DB_INT(v->group_no), DB_TEXT(v->state),
		DB_INT(v->attempts), DB_INT(v->next_at), DB_INT(v->deadline), DB_INT(v->result),
		DB_TEXT(v->detail), DB_INT(v->updated), DB_INT(v->reset_during_update),
	};
	return db_exec(d, "INSERT INTO campaign_devices (" CDEV_COLS ") VALUES (?,?,?,?,?,?,?,?,?,?,?)", p,
		       CDEV_NCOLS, NULL, NULL);
}

static int campaign_create(db *d, db_campaign *c, const db_cdev *devs, size_t n)
{
	if (db_begin(d) < 0)
		return -1;
	int64_t id = 0;
	if (db_exec(d, "SELECT COALESCE(MAX(id), 0) + 1 FROM campaigns", NULL, 0, row_int, &id) < 0)
		goto fail;
	c->id = id;
	c->version = 0;
	db_val p[] = {
		DB_INT(c->id), DB_TEXT(c->name), DB_TEXT(c->product), DB_TEXT(c->from_version),
		DB_TEXT(c->to_version), DB_TEXT(c->package), DB_TEXT(c->transport), DB_TEXT(c->location_area),
		DB_INT(c->start_at), DB_INT(c->end_at), DB_INT(c->window_from), DB_INT(c->window_to),
		DB_INT(c->test_size), DB_INT(c->group_size), DB_INT(c->success_threshold),
		DB_INT(c->error_threshold), DB_INT(c->pause_after_group), DB_INT(c->action_timeout),
		DB_INT(c->max_retries), DB_INT(c->retry_backoff), DB_TEXT(c->state), DB_TEXT(c->phase),
		DB_INT(c->current_group), DB_TEXT(c->created_by), DB_TEXT(c->approved_by),
		DB_TEXT(c->test_accepted_by), DB_TEXT(c->detail), DB_INT(c->created), DB_INT(c->updated),
	};
	if (db_exec(d,
		    "INSERT INTO campaigns (" CAMP_COLS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		    p, CAMP_NCOLS, NULL, NULL) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		db_cdev cd = devs[i];
		cd.campaign = id;
		if (cdev_insert(d, &cd) < 0)
			goto fail;
	}
	if (db_commit(d) < 0)
		goto fail;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

typedef struct camp_each {
	int (*fn)(void *ctx, const db_campaign *c);
	void *ctx;
	db_campaign *one;
	int found;
} camp_each;

static int row_camp(void *ctx, int ncol, const db_val *c)
{
	camp_each *e = ctx;
	if (ncol < CAMP_NCOLS + 1)
		return 1;
	if (e->one) {
		camp_from_row(e->one, c);
		e->found = 1;
		return 1;
	}
	db_campaign cp;
	camp_from_row(&cp, c);
	return e->fn(e->ctx, &cp);
}

int db_campaign_get(db *d, int64_t id, db_campaign *out)
{
	camp_each e = {.one = out};
	db_val p = DB_INT(id);
	if (db_exec(d, "SELECT " CAMP_SEL " FROM campaigns WHERE id = ?", &p, 1, row_camp, &e) < 0)
		return -1;
	return e.found ? 0 : 1;
}

int db_campaign_list(db *d, int (*fn)(void *ctx, const db_campaign *c), void *ctx)
{
	camp_each e = {.fn = fn, .ctx = ctx};
	return db_exec(d, "SELECT " CAMP_SEL " FROM campaigns ORDER BY id", NULL, 0, row_camp, &e);
}

static int campaign_save(db *d, db_campaign *c, const db_fence *f)
{
	db_val p[] = {
		DB_TEXT(c->state), DB_TEXT(c->phase), DB_INT(c->current_group), DB_TEXT(c->approved_by),
		DB_TEXT(c->test_accepted_by), DB_TEXT(c->detail), DB_INT(c->updated), DB_INT(c->id),
		DB_INT(c->version), DB_TEXT(f ? f->node : ""), DB_INT(f ? f->epoch : 0),
	};
	if (db_exec(d,
		    f ? "UPDATE campaigns SET state = ?, phase = ?, current_group = ?, approved_by = ?,"
			" test_accepted_by = ?, detail = ?, updated = ?, version = version + 1 WHERE id = ?"
			" AND version = ? AND runner = ? AND runner_epoch = ?"
		      : "UPDATE campaigns SET state = ?, phase = ?, current_group = ?, approved_by = ?,"
			" test_accepted_by = ?, detail = ?, updated = ?, version = version + 1 WHERE id = ?"
			" AND version = ?",
		    p, f ? 11 : 9, NULL, NULL) < 0)
		return -1;
	if (d->ops->changes(d) != 1)
		return 1;
	c->version++;
	return 0;
}

typedef struct cdev_each {
	int (*fn)(void *ctx, const db_cdev *cd);
	void *ctx;
} cdev_each;

static int row_cdev(void *ctx, int ncol, const db_val *c)
{
	cdev_each *e = ctx;
	if (ncol < CDEV_NCOLS + 3)
		return 1;
	db_cdev cd;
	cdev_from_row(&cd, c);
	return e->fn(e->ctx, &cd);
}

int db_cdev_list(db *d, int64_t campaign, int (*fn)(void *ctx, const db_cdev *cd), void *ctx)
{
	cdev_each e = {.fn = fn, .ctx = ctx};
	db_val p = DB_INT(campaign);
	return db_exec(d, "SELECT " CDEV_SEL " FROM campaign_devices WHERE campaign = ? ORDER BY group_no, imei",
		       &p, 1, row_cdev, &e);
}

/* the states of a device's entry that are not ended (campaign.h) */
#define CDEV_OPEN "('pending', 'waiting', 'downloading', 'updating', 'rebooting', 'configuring')"
#define CDEV_ACTIVE "('downloading', 'updating', 'rebooting', 'configuring')"
/* its device is registered and within its lifetime at ? (the step's now) */
#define CDEV_REACHABLE                                                                             \
	"EXISTS (SELECT 1 FROM devices WHERE devices.imei = campaign_devices.imei"                  \
	" AND devices.registered <> 0 AND devices.last_seen + devices.lifetime >= ?"

int db_cdev_list_open(db *d, int64_t campaign, int (*fn)(void *ctx, const db_cdev *cd), void *ctx)
{
	cdev_each e = {.fn = fn, .ctx = ctx};
	db_val p = DB_INT(campaign);
	return db_exec(d,
		       "SELECT " CDEV_SEL " FROM campaign_devices WHERE campaign = ? AND state IN " CDEV_OPEN
		       " ORDER BY group_no, imei",
		       &p, 1, row_cdev, &e);
}

typedef struct cdev_dev_each {
	int (*fn)(void *ctx, const db_cdev *cd, const db_cdev_device *dev);
	void *ctx;
} cdev_dev_each;

static int row_cdev_dev(void *ctx, int ncol, const db_val *c)
{
	cdev_dev_each *e = ctx;
	if (ncol < CDEV_NCOLS + 3 + 8)
		return 1;
	db_cdev cd;
	cdev_from_row(&cd, c);
	const db_val *v = c + CDEV_NCOLS + 3;
	db_cdev_device dev = {.found = v[0].t != DBV_NULL};
	TXT(dev.endpoint, &v[0]);
	TXT(dev.firmware_version, &v[1]);
	dev.lifetime = col_int(&v[2]);
	dev.registered_at = col_int(&v[3]);
	dev.last_seen = col_int(&v[4]);
	dev.registered = col_int(&v[5]) != 0;
	dev.fw_state = dev.found ? (int)col_int(&v[6]) : -1;
	dev.fw_result = dev.found ? (int)col_int(&v[7]) : -1;
	return e->fn(e->ctx, &cd, &dev);
}

int db_cdev_step_list(db *d, const db_cdev_step *q,
		      int (*fn)(void *ctx, const db_cdev *cd, const db_cdev_device *dev), void *ctx)
{
	cdev_dev_each e = {.fn = fn, .ctx = ctx};
	db_val p[] = {
		DB_INT(q->campaign), DB_INT(q->campaign), DB_INT(q->lo), DB_INT(q->hi),
		DB_INT(q->now), DB_TEXT(q->from_version), DB_INT(q->start), DB_INT(q->now),
	};
#define CD "campaign_devices."
#define STEP_SEL                                                                                   \
	"SELECT " CD "campaign, " CD "imei, " CD "group_no, " CD "state, " CD "attempts, " CD "next_at, " \
	CD "deadline, " CD "result, " CD "detail, " CD "updated, " CD "reset_during_update, "        \
	CD "downloaded_at, " CD "updating_at, " CD "version, devices.endpoint, devices.firmware_version," \
	" devices.lifetime, devices.registered_at, devices.last_seen, devices.registered, devices.fw_state," \
	" devices.fw_result FROM campaign_devices LEFT JOIN devices ON devices.imei = " CD "imei"
	/* each part reads its own range of campaign_devices_state; no ORDER
	 * BY, which SQLite would rather serve by reading every device of the
	 * campaign in group order */
	int r = db_exec(d,
			STEP_SEL " WHERE " CD "campaign = ? AND " CD "state IN " CDEV_ACTIVE
			" UNION ALL " STEP_SEL " WHERE " CD "campaign = ? AND " CD "state = 'waiting'"
			" AND " CD "group_no BETWEEN ? AND ? AND devices.registered <> 0"
			" AND devices.last_seen + devices.lifetime >= ? AND devices.firmware_version <> ''"
			" AND (devices.firmware_version <> ? OR (? <> 0 AND " CD "next_at <= ?))",
			p, 8, row_cdev_dev, &e);
#undef STEP_SEL
#undef CD
	return r;
}

static int row_counts(void *ctx, int ncol, const db_val *c)
{
	db_cdev_counts *o = ctx;
	int64_t *f[] = {&o->last_group, &o->open, &o->n, &o->succeeded, &o->failed, &o->skipped, &o->active, &o->busy};
	for (int i = 0; i < 8 && i < ncol; i++)
		*f[i] = col_int(&c[i]);
	return 1;
}

int db_cdev_count(db *d, int64_t campaign, int64_t group, int64_t now, db_cdev_counts *out)
{
	*out = (db_cdev_counts){0};
	db_val p[] = {DB_INT(campaign), DB_INT(campaign), DB_INT(now), DB_INT(campaign), DB_INT(group)};
	return db_exec(d,
		       "SELECT (SELECT COALESCE(MAX(group_no), 0) FROM campaign_devices WHERE campaign = ?),"
		       " CASE WHEN EXISTS (SELECT 1 FROM campaign_devices WHERE campaign = ? AND state IN " CDEV_OPEN
		       ") THEN 1 ELSE 0 END,"
		       " COUNT(*), COUNT(CASE WHEN state = 'succeeded' THEN 1 END),"
		       " COUNT(CASE WHEN state = 'failed' THEN 1 END), COUNT(CASE WHEN state = 'skipped' THEN 1 END),"
		       " COUNT(CASE WHEN state IN " CDEV_ACTIVE " THEN 1 END),"
		       " COUNT(CASE WHEN state IN " CDEV_ACTIVE
		       " OR (state = 'waiting' AND (attempts > 0 OR " CDEV_REACHABLE "))) THEN 1 END)"
		       " FROM campaign_devices WHERE campaign = ? AND group_no = ?",
		       p, 5, row_counts, out);
}

static int cdev_wake(db *d, int64_t campaign, int64_t lo, int64_t hi, int64_t now, const db_fence *f)
{
	db_val p[] = {
		DB_INT(now), DB_INT(campaign), DB_INT(lo), DB_INT(hi),
		DB_INT(campaign), DB_TEXT(f ? f->node : ""), DB_INT(f ? f->epoch : 0), DB_INT(f ? f->version : 0),
	};
#define CDEV_WAKE                                                                                  \
	"UPDATE campaign_devices SET state = 'waiting', updated = ?, version = version + 1"          \
	" WHERE campaign = ? AND state = 'pending' AND group_no BETWEEN ? AND ?"
	int r = db_exec(d,
			f ? CDEV_WAKE " AND EXISTS (SELECT 1 FROM campaigns WHERE id = ? AND runner = ?"
				      " AND runner_epoch = ? AND version = ?)"
			  : CDEV_WAKE,
			p, f ? 8 : 4, NULL, NULL);
#undef CDEV_WAKE
	return r < 0 ? -1 : 0;
}

int db_cdev_for_imei(db *d, const char *imei, int (*fn)(void *ctx, const db_cdev *cd), void *ctx)
{
	cdev_each e = {.fn = fn, .ctx = ctx};
	db_val p = DB_TEXT(imei);
	return db_exec(d,
		       "SELECT " CDEV_SEL " FROM campaign_devices WHERE imei = ? AND campaign IN"
		       " (SELECT id FROM campaigns WHERE state IN ('running', 'paused'))"
		       " ORDER BY campaign",
		       &p, 1, row_cdev, &e);
}

static int cdev_save(db *d, db_cdev *v, const db_fence *f)
{
	db_val p[] = {
		DB_INT(v->group_no), DB_TEXT(v->state), DB_INT(v->attempts), DB_INT(v->next_at),
		DB_INT(v->deadline), DB_INT(v->result), DB_TEXT(v->detail), DB_INT(v->updated),
		DB_INT(v->reset_during_update), DB_INT(v->downloaded_at), DB_INT(v->updating_at),
		DB_INT(v->campaign), DB_TEXT(v->imei), DB_INT(v->version),
		DB_INT(v->campaign), DB_TEXT(f ? f->node : ""), DB_INT(f ? f->epoch : 0), DB_INT(f ? f->version : 0),
	};
#define CDEV_SET                                                                                   \
	"UPDATE campaign_devices SET group_no = ?, state = ?, attempts = ?, next_at = ?,"            \
	" deadline = ?, result = ?, detail = ?, updated = ?, reset_during_update = ?,"              \
	" downloaded_at = ?, updating_at = ?, version = version + 1"                                \
	" WHERE campaign = ? AND imei = ? AND version = ?"
	if (db_exec(d,
		    f ? CDEV_SET " AND EXISTS (SELECT 1 FROM campaigns WHERE id = ? AND runner = ?"
			      " AND runner_epoch = ? AND version = ?)"
		      : CDEV_SET,
		    p, f ? 18 : 14, NULL, NULL) < 0)
		return -1;
#undef CDEV_SET
	if (d->ops->changes(d) != 1)
		return 1;
	v->version++;
	return 0;
}

int db_psk_set(db *d, const char *endpoint, const uint8_t *key, size_t len)
{
	if (durable_on(d) < 0)
		return -1;
	int r = psk_set(d, endpoint, key, len);
	durable_off(d);
	return r;
}

int db_token_add(db *d, const char *hash_hex, const char *role, const char *name, int64_t now)
{
	if (durable_on(d) < 0)
		return -1;
	int r = token_add(d, hash_hex, role, name, now);
	durable_off(d);
	return r;
}

int db_package_add(db *d, const db_package *v)
{
	if (durable_on(d) < 0)
		return -1;
	int r = package_add(d, v);
	durable_off(d);
	return r;
}

int db_campaign_create(db *d, db_campaign *c, const db_cdev *devs, size_t n)
{
	if (durable_on(d) < 0)
		return -1;
	int r = campaign_create(d, c, devs, n);
	durable_off(d);
	return r;
}

int db_campaign_save_fenced(db *d, db_campaign *c, const db_fence *f)
{
	if (durable_on(d) < 0)
		return -1;
	int r = campaign_save(d, c, f);
	durable_off(d);
	return r;
}

int db_campaign_save(db *d, db_campaign *c)
{
	return db_campaign_save_fenced(d, c, NULL);
}

int db_cdev_save_fenced(db *d, db_cdev *v, const db_fence *f)
{
	if (durable_on(d) < 0)
		return -1;
	int r = cdev_save(d, v, f);
	durable_off(d);
	return r;
}

int db_cdev_save(db *d, db_cdev *v)
{
	return db_cdev_save_fenced(d, v, NULL);
}

int db_cdev_wake(db *d, int64_t campaign, int64_t lo, int64_t hi, int64_t now, const db_fence *f)
{
	if (durable_on(d) < 0)
		return -1;
	int r = cdev_wake(d, campaign, lo, hi, now, f);
	durable_off(d);
	return r;
}
