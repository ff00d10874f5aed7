/* sarafw-server's storage: one schema, versioned migrations, and the
 * server's queries written once in portable SQL (SQLite and PostgreSQL
 * both accept them). A backend is a const table of ops (db_backend) that
 * opens a connection and runs one statement with typed parameters; the
 * domain functions below never know which backend they talk to.
 *
 * Durability: a function returns 0 only after its statement committed.
 * Every campaign step is written here before the server acts on it, so a
 * server killed at any moment restarts from what is stored. Campaigns,
 * packages, tokens and keys are also flushed to stable storage before the
 * function returns (a power cut keeps them); the device rows that devices
 * refresh all the time (registration, update, observed values) are not:
 * after a power cut the last of those may be older, and the devices'
 * next Register or Update sets them again. */
#ifndef SARAFW_SERVER_DB_H
#define SARAFW_SERVER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A value in or out of a statement. Text is NUL-terminated; out of a
 * query it lives only during the row callback. */
typedef struct db_val {
	enum { DBV_NULL, DBV_INT, DBV_TEXT } t;
	int64_t i;
	const char *s;
} db_val;

#define DB_INT(v) ((db_val){.t = DBV_INT, .i = (v)})
static inline db_val db_text(const char *s)
{
	return (db_val){.t = s ? DBV_TEXT : DBV_NULL, .s = s};
}
#define DB_TEXT(v) db_text(v)
#define DB_NULL ((db_val){.t = DBV_NULL})

/* Called per result row; a non-zero return stops the query. */
typedef int (*db_row_fn)(void *ctx, int ncol, const db_val *col);

typedef struct db db;

/* What a storage backend implements. Statements use '?' placeholders; a
 * backend whose server wants another form ($1...) rewrites them. */
typedef struct db_backend {
	const char *scheme; /* "sqlite" in "sqlite:PATH" */
	/* target: what follows "scheme:". Returns 0, or -1 with err set. */
	int (*open)(const char *target, db **out, char *err, size_t errlen);
	void (*close)(db *d);
	/* Run one statement; row (may be NULL) sees each result row.
	 * Returns 0, or -1 with db_error() set. */
	int (*exec)(db *d, const char *sql, const db_val *params, int n, db_row_fn row, void *ctx);
	/* Rows changed by the last INSERT/UPDATE/DELETE. */
	long (*changes)(db *d);
	/* full: commits that follow are on stable storage when they return
	 * (they survive a power cut); otherwise they survive the server's
	 * death (kill -9) but a power cut may take the last ones back. */
	int (*durability)(db *d, bool full);
	const char *(*error)(db *d);
	/* Optional: serialise migrations of several processes sharing one
	 * database (take true before, false after). */
	int (*migrate_lock)(db *d, bool take);
} db_backend;

/* Every backend embeds this first (zeroed). */
struct db {
	const db_backend *ops;
	bool durable_tx; /* in db_begin_durable's transaction */
};

extern const db_backend db_sqlite_backend;
extern const db_backend db_pg_backend; /* db_pg.c: "postgresql://..." */
/* PostgreSQL's form of a statement: '?' outside quotes becomes $1, $2...
 * Returns how many, or -1 when out (cap bytes) cannot hold it. */
int db_pg_rewrite(const char *sql, char *out, size_t cap);

/* Open "sqlite:PATH" or "postgresql://..." and bring the schema to the newest
 * version. Returns NULL with err set. */
db *db_open(const char *url, char *err, size_t errlen);
void db_close(db *d);
const char *db_error(db *d);
/* The schema version this build writes, and the one stored. */
#define DB_SCHEMA_VERSION 5
int db_schema_version(db *d);

/* Raw statements, for the few callers that need more than the functions
 * below (and the tests). */
int db_exec(db *d, const char *sql, const db_val *params, int n, db_row_fn row, void *ctx);
int db_begin(db *d);
int db_commit(db *d);
/* A transaction of several durable writes (the functions below): its
 * commit is on stable storage when db_commit_durable returns. */
int db_begin_durable(db *d);
int db_commit_durable(db *d);
void db_rollback(db *d);

/* ---- devices ---- */
#define DB_EP_MAX 64
#define DB_IMEI_MAX 16
#define DB_VER_MAX 64
#define DB_LOC_MAX 16
#define DB_OBJ_MAX 2048 /* REG_OBJ_MAX entries of "/65535/65535," fit */

typedef struct db_device {
	char endpoint[DB_EP_MAX + 1];
	char imei[DB_IMEI_MAX + 1];     /* "" when the endpoint names none */
	char location[DB_LOC_MAX + 1];  /* "/rd/<location>" of the registration */
	char lwm2m[8];
	char binding[8];
	char objects[DB_OBJ_MAX + 1];   /* "/1/0,/3/0,/5/0" */
	char address[64];
	char firmware_version[DB_VER_MAX + 1];
	int64_t lifetime;
	int64_t registered_at, last_seen;
	bool registered;
	int fw_state;  /* /5/0/3, -1 unknown */
	int fw_result; /* /5/0/5, -1 unknown */
} db_device;

/* A registration: inserts or replaces the endpoint's row (a device that
 * registers again gets a new location, and its firmware version, /5/0/3
 * and /5/0/5 are unknown until it is read and observed again). */
int db_device_register(db *d, const db_device *dev);
/* Registration update: lifetime/binding/objects only when non-NULL/>0.
 * Returns 0, 1 when no registration has that location, -1 on error. */
int db_device_update(db *d, const char *location, int64_t lifetime, const char *binding,
		     const char *objects, int64_t now);
/* The same, only when the registration is endpoint's (NULL: anyone's), in
 * one statement; out (may be NULL) gets the row as written. */
int db_device_update_as(db *d, const char *location, const char *endpoint, int64_t lifetime, const char *binding,
			const char *objects, int64_t now, db_device *out);
/* Plain Updates (nothing but the time changes): last_seen = now for the
 * registrations at these locations, in as few statements as it takes.
 * found[i] tells whether locations[i] is still a registration. */
int db_device_touch(db *d, const char (*locations)[DB_LOC_MAX + 1], size_t n, int64_t now, bool *found);
/* De-register: 0, 1 when unknown, -1. endpoint (may be NULL) gets whose it was. */
int db_device_deregister(db *d, const char *location, char *endpoint, size_t eplen);
/* 0 found, 1 not found, -1 error. */
int db_device_get(db *d, const char *endpoint, db_device *out);
int db_device_by_location(db *d, const char *location, db_device *out);
int db_device_by_imei(db *d, const char *imei, db_device *out);
/* Each device in endpoint order; fn returns non-zero to stop. */
int db_device_list(db *d, int (*fn)(void *ctx, const db_device *dev), void *ctx);
int db_device_set_firmware(db *d, const char *endpoint, const char *version);
int db_device_set_fw_state(db *d, const char *endpoint, int state);
int db_device_set_fw_result(db *d, const char *endpoint, int result);
int db_device_seen(db *d, const char *endpoint, int64_t now);
/* DTLS-PSK: the key of an endpoint (raw bytes). Returns its length, 0
 * when the endpoint has none, -1 on error. */
int db_psk_get(db *d, const char *endpoint, uint8_t *key, size_t cap);
int db_psk_set(db *d, const char *endpoint, const uint8_t *key, size_t len);

/* ---- tokens (stored as SHA-256 hex of the token) ---- */
int db_token_add(db *d, const char *hash_hex, const char *role, const char *name, int64_t now);
/* role gets the role of that hash: 0 found, 1 not found, -1 error. */
int db_token_role(db *d, const char *hash_hex, char *role, size_t rolelen);

/* ---- packages (immutable once stored) ---- */
typedef struct db_package {
	char sha256[65];
	int64_t size;
	char product[32];
	char from_version[DB_VER_MAX + 1];
	char to_version[DB_VER_MAX + 1];
	int64_t kind, flags;
	int64_t created;
} db_package;
/* 0 stored, 1 already there (unchanged), -1 error. */
int db_package_add(db *d, const db_package *p);
int db_package_get(db *d, const char *sha256, db_package *out);
int db_package_list(db *d, int (*fn)(void *ctx, const db_package *p), void *ctx);

/* ---- campaigns ---- */
#define DB_NAME_MAX 64
typedef struct db_campaign {
	int64_t id;
	char name[DB_NAME_MAX + 1];
	char product[32];
	char from_version[DB_VER_MAX + 1];
	char to_version[DB_VER_MAX + 1];
	char package[65];
	char transport[8];      /* "http" or "coap" */
	char location_area[DB_NAME_MAX + 1];
	int64_t start_at, end_at;           /* epoch seconds; 0: no bound */
	int64_t window_from, window_to;     /* daily window, minutes of the day UTC; equal: all day */
	int64_t test_size;                  /* 1..5 (note §2.7.4) */
	int64_t group_size;
	int64_t success_threshold;          /* percent of a group that must succeed to go on */
	int64_t error_threshold;            /* percent failed in a group that pauses */
	int64_t pause_after_group;
	int64_t action_timeout;             /* seconds per device action */
	int64_t max_retries;
	int64_t retry_backoff;              /* seconds, doubled per retry */
	char state[16];   /* campaign_state names (campaign.h) */
	char phase[8];    /* "test" or "final" */
	int64_t current_group;
	char created_by[DB_NAME_MAX + 1];
	char approved_by[DB_NAME_MAX + 1];
	char test_accepted_by[DB_NAME_MAX + 1];
	char detail[128];
	int64_t created, updated;
	int64_t version; /* bumped by every save: a save of an older read is refused */
} db_campaign;

typedef struct db_cdev {
	int64_t campaign;
	char imei[DB_IMEI_MAX + 1];
	int64_t group_no;    /* 0: the test group */
	char state[16];
	int64_t attempts;
	int64_t next_at;     /* not before (retry backoff) */
	int64_t deadline;    /* the current action's timeout */
	int64_t result;      /* last /5/0/5, -1 none */
	char detail[128];
	int64_t updated;
	/* design review of note §2.7.3, as observed */
	int64_t reset_during_update; /* re-registered before /5/0/3 said Updating */
	int64_t downloaded_at;       /* first seen Downloaded (/5/0/3 = 2), 0 not yet */
	int64_t updating_at;         /* first seen Updating (/5/0/3 = 3), 0 not yet */
	int64_t version;             /* as db_campaign.version */
} db_cdev;

/* Who may write a campaign's state during a step of its engine: the
 * front-end that claimed it (db_cluster.h), with the lease epoch of its
 * claim, having read the campaign at version. A write under a fence
 * whose runner, epoch or campaign version is no longer the stored one is
 * refused: a front-end that stalled past its lease, or stepped while an
 * operator changed the campaign, writes nothing. until: the local clock
 * (time()) after which the holder must not act on devices any more. */
typedef struct db_fence {
	char node[33];
	int64_t epoch;
	int64_t version;
	int64_t until;
} db_fence;

/* Inserts the campaign (id assigned) and its devices in one transaction. */
int db_campaign_create(db *d, db_campaign *c, const db_cdev *devs, size_t n);
int db_campaign_get(db *d, int64_t id, db_campaign *out);
int db_campaign_list(db *d, int (*fn)(void *ctx, const db_campaign *c), void *ctx);
/* Writes state, phase, current_group, approved_by, test_accepted_by,
 * detail when the stored version is still c->version (and, with a fence,
 * the fence still holds). Returns 0 (c->version is the new one), 1
 * refused (someone wrote it since it was read: read it again), -1 error. */
int db_campaign_save(db *d, db_campaign *c);
int db_campaign_save_fenced(db *d, db_campaign *c, const db_fence *f);
int db_cdev_list(db *d, int64_t campaign, int (*fn)(void *ctx, const db_cdev *cd), void *ctx);
/* The devices of a campaign not yet ended (pending, waiting, or in an
 * action), in group and IMEI order. */
int db_cdev_list_open(db *d, int64_t campaign, int (*fn)(void *ctx, const db_cdev *cd), void *ctx);
/* What one step of the campaign engine must look at, in no order: every device in an action (downloading, updating, rebooting,
 * configuring), and the waiting ones of groups lo..hi whose device is
 * registered within its lifetime at now, with its version read, and that
 * either runs another version than from_version or, when start, may start
 * (next_at <= now). Any other waiting device would stay as it is. */
typedef struct db_cdev_step {
	int64_t campaign, lo, hi, now;
	const char *from_version;
	bool start;
} db_cdev_step;
/* What the engine reads of the device of an entry, in the same query
 * (db_device's fields it uses); found false when no device has its IMEI.
 * A device whose IMEI two endpoints say comes once per endpoint. */
typedef struct db_cdev_device {
	bool found;
	char endpoint[DB_EP_MAX + 1];
	char firmware_version[DB_VER_MAX + 1];
	int64_t lifetime, registered_at, last_seen;
	bool registered;
	int fw_state, fw_result;
} db_cdev_device;
int db_cdev_step_list(db *d, const db_cdev_step *q,
		      int (*fn)(void *ctx, const db_cdev *cd, const db_cdev_device *dev), void *ctx);
/* One group of a campaign counted in one query: its devices by state;
 * active: in an action; busy: in an action, or waiting after an attempt
 * or while its device is registered within its lifetime at now. Beside
 * it, the campaign's last group, and open: 1 when any of its devices has
 * not yet ended. */
typedef struct db_cdev_counts {
	int64_t n, succeeded, failed, skipped, active, busy;
	int64_t last_group, open;
} db_cdev_counts;
int db_cdev_count(db *d, int64_t campaign, int64_t group, int64_t now, db_cdev_counts *out);
/* The pending devices of groups lo..hi become waiting, in one statement
 * (with a fence, only while it holds). 0 or -1. */
int db_cdev_wake(db *d, int64_t campaign, int64_t lo, int64_t hi, int64_t now, const db_fence *f);
/* The devices of running campaigns for an IMEI. */
int db_cdev_for_imei(db *d, const char *imei, int (*fn)(void *ctx, const db_cdev *cd), void *ctx);
/* As db_campaign_save, for one device of a campaign (its own version;
 * with a fence, also the campaign's). */
int db_cdev_save(db *d, db_cdev *cd);
int db_cdev_save_fenced(db *d, db_cdev *cd, const db_fence *f);

#endif
