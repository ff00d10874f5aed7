/* The SQLite backend of db.h: WAL journal. A committed statement is in
 * the WAL before it returns, so kill -9 loses nothing committed; with
 * synchronous=FULL (durability(d, true)) it is also fsynced, so a power cut
 * loses nothing either.
 *
 * WAL checkpoints (copying the WAL back into the database file, two
 * fdatasyncs) are not left to SQLite's automatic checkpoint, which runs
 * inside whichever commit makes the WAL reach 1000 pages: at 5000 Updates
 * per second that was a 10-50 ms stall of the server's loop several times a
 * second. A thread of this backend checkpoints instead, on a connection of
 * its own, in PASSIVE mode (it never waits for nor blocks the writer) every
 * SQ_CKPT_MS. A checkpoint never touches what a commit made durable, so
 * kill -9 during one loses nothing (SQLite recovers from the WAL). */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"

/* prepared statements kept for reuse, by their text: the server runs the
 * same few dozen statements all the time */
#define SQ_CACHE 64

typedef struct sq_db {
	db base;
	sqlite3 *h;
	struct {
		char *sql;
		sqlite3_stmt *st;
	} cache[SQ_CACHE];
	unsigned next; /* the entry replaced when the cache is full */
	/* the checkpoint thread (not for :memory:) */
	sqlite3 *ckpt_h;
	pthread_t ckpt;
	bool ckpt_run;
	bool ckpt_stop;
	pthread_mutex_t ckpt_mu;
	pthread_cond_t ckpt_cv;
} sq_db;

#define SQ_CKPT_MS 200

/* A statement for sql: from the cache, or prepared (and cached). *owned
 * says the caller must finalize it (a cached one is busy: a nested use). */
static sqlite3_stmt *stmt_for(sq_db *s, const char *sql, bool *owned)
{
	*owned = false;
	for (unsigned i = 0; i < SQ_CACHE && s->cache[i].sql; i++)
		if (!strcmp(s->cache[i].sql, sql)) {
			if (!sqlite3_stmt_busy(s->cache[i].st))
				return s->cache[i].st;
			*owned = true;
			sqlite3_stmt *st;
			return sqlite3_prepare_v2(s->h, sql, -1, &st, NULL) == SQLITE_OK ? st : NULL;
		}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(s->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return NULL;
	char *copy = strdup(sql);
	if (!copy) {
		*owned = true;
		return st;
	}
	unsigned i = s->next++ % SQ_CACHE;
	if (s->cache[i].sql) {
		free(s->cache[i].sql);
		sqlite3_finalize(s->cache[i].st);
	}
	s->cache[i].sql = copy;
	s->cache[i].st = st;
	return st;
}

static void stmt_done(sqlite3_stmt *st, bool owned)
{
	if (owned) {
		sqlite3_finalize(st);
	} else {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

static const char *sq_error(db *d)
{
	return sqlite3_errmsg(((sq_db *)d)->h);
}

static int sq_exec(db *d, const char *sql, const db_val *params, int n, db_row_fn row, void *ctx)
{
	sq_db *s = (sq_db *)d;
	bool owned;
	sqlite3_stmt *st = stmt_for(s, sql, &owned);
	if (!st)
		return -1;
	for (int i = 0; i < n; i++) {
		int rc = SQLITE_OK;
		if (params[i].t == DBV_INT)
			rc = sqlite3_bind_int64(st, i + 1, params[i].i);
		else if (params[i].t == DBV_TEXT)
			rc = sqlite3_bind_text(st, i + 1, params[i].s, -1, SQLITE_TRANSIENT);
		else
			rc = sqlite3_bind_null(st, i + 1);
		if (rc != SQLITE_OK) {
			stmt_done(st, owned);
			return -1;
		}
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!row)
			continue;
		int nc = sqlite3_column_count(st);
		db_val cols[32];
		if (nc > 32)
			nc = 32;
		for (int i = 0; i < nc; i++) {
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_NULL:
				cols[i] = DB_NULL;
				break;
			case SQLITE_INTEGER:
				cols[i] = DB_INT(sqlite3_column_int64(st, i));
				break;
			default:
				cols[i] = (db_val){.t = DBV_TEXT, .s = (const char *)sqlite3_column_text(st, i)};
				break;
			}
		}
		if (row(ctx, nc, cols)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	stmt_done(st, owned);
	return rc == SQLITE_DONE ? 0 : -1;
}

static long sq_changes(db *d)
{
	return sqlite3_changes(((sq_db *)d)->h);
}

static int sq_durability(db *d, bool full)
{
	sq_db *s = (sq_db *)d;
	return sqlite3_exec(s->h, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", NULL, NULL,
			    NULL) == SQLITE_OK
		       ? 0
		       : -1;
}

static void *ckpt_main(void *arg)
{
	sq_db *s = arg;
	pthread_mutex_lock(&s->ckpt_mu);
	while (!s->ckpt_stop) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += SQ_CKPT_MS * 1000000L;
		t.tv_sec += t.tv_nsec / 1000000000L;
		t.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&s->ckpt_cv, &s->ckpt_mu, &t);
		if (s->ckpt_stop)
			break;
		pthread_mutex_unlock(&s->ckpt_mu);
		sqlite3_wal_checkpoint_v2(s->ckpt_h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&s->ckpt_mu);
	}
	pthread_mutex_unlock(&s->ckpt_mu);
	return NULL;
}

/* the checkpoint thread, with its own connection; without it SQLite's
 * automatic checkpoint stays on */
static void ckpt_start(sq_db *s, const char *target)
{
	if (!strcmp(target, ":memory:") || !strncmp(target, "file:", 5))
		return;
	if (sqlite3_open_v2(target, &s->ckpt_h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sqlite3_close(s->ckpt_h);
		s->ckpt_h = NULL;
		return;
	}
	sqlite3_busy_timeout(s->ckpt_h, 100);
	pthread_mutex_init(&s->ckpt_mu, NULL);
	pthread_cond_init(&s->ckpt_cv, NULL);
	if (pthread_create(&s->ckpt, NULL, ckpt_main, s)) {
		sqlite3_close(s->ckpt_h);
		s->ckpt_h = NULL;
		return;
	}
	s->ckpt_run = true;
	sqlite3_exec(s->h, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL);
}

static void ckpt_stop(sq_db *s)
{
	if (!s->ckpt_run)
		return;
	pthread_mutex_lock(&s->ckpt_mu);
	s->ckpt_stop = true;
	pthread_cond_signal(&s->ckpt_cv);
	pthread_mutex_unlock(&s->ckpt_mu);
	pthread_join(s->ckpt, NULL);
	sqlite3_close(s->ckpt_h);
	pthread_mutex_destroy(&s->ckpt_mu);
	pthread_cond_destroy(&s->ckpt_cv);
	s->ckpt_run = false;
}

static void sq_close(db *d)
{
	if (!d)
		return;
	sq_db *s = (sq_db *)d;
	ckpt_stop(s);
	for (unsigned i = 0; i < SQ_CACHE; i++) {
		free(s->cache[i].sql);
		sqlite3_finalize(s->cache[i].st);
	}
	sqlite3_close(s->h);
	free(d);
}

static int sq_open(const char *target, db **out, char *err, size_t errlen)
{
	sq_db *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->base.ops = &db_sqlite_backend;
	if (sqlite3_open_v2(target, &s->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", target, s->h ? sqlite3_errmsg(s->h) : "cannot open");
		sq_close(&s->base);
		return -1;
	}
	sqlite3_busy_timeout(s->h, 5000);
	static const char *const pragmas[] = {
		"PRAGMA journal_mode=WAL",
		"PRAGMA synchronous=NORMAL", /* db.c asks for FULL where it matters */
		"PRAGMA foreign_keys=ON",
	};
	for (size_t i = 0; i < sizeof pragmas / sizeof *pragmas; i++) {
		if (sqlite3_exec(s->h, pragmas[i], NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s: %s", target, pragmas[i], sqlite3_errmsg(s->h));
			sq_close(&s->base);
			return -1;
		}
	}
	if (!getenv("SARAFW_SQLITE_AUTOCHECKPOINT"))
		ckpt_start(s, target);
	*out = &s->base;
	return 0;
}

const db_backend db_sqlite_backend = {
	.scheme = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.changes = sq_changes,
	.durability = sq_durability,
	.error = sq_error,
};
