/* The SQLite backend of db.h: WAL journal with synchronous=FULL, so a
 * statement that returned is on disk before the server acts on it (kill -9
 * loses nothing committed; a power cut neither). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

typedef struct sq_db {
	db base;
	sqlite3 *h;
} sq_db;

static const char *sq_error(db *d)
{
	return sqlite3_errmsg(((sq_db *)d)->h);
}

static int sq_exec(db *d, const char *sql, const db_val *params, int n, db_row_fn row, void *ctx)
{
	sq_db *s = (sq_db *)d;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(s->h, sql, -1, &st, NULL) != SQLITE_OK)
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
			sqlite3_finalize(st);
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
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static long sq_changes(db *d)
{
	return sqlite3_changes(((sq_db *)d)->h);
}

static void sq_close(db *d)
{
	if (!d)
		return;
	sqlite3_close(((sq_db *)d)->h);
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
		"PRAGMA synchronous=FULL",
		"PRAGMA foreign_keys=ON",
	};
	for (size_t i = 0; i < sizeof pragmas / sizeof *pragmas; i++) {
		if (sqlite3_exec(s->h, pragmas[i], NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s: %s", target, pragmas[i], sqlite3_errmsg(s->h));
			sq_close(&s->base);
			return -1;
		}
	}
	*out = &s->base;
	return 0;
}

const db_backend db_sqlite_backend = {
	.scheme = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.changes = sq_changes,
	.error = sq_error,
};
