/* The PostgreSQL backend of db.h (libpq): "postgresql://USER@HOST:PORT/DB"
 * or any other libpq connection URI. The portable statements of db.c use
 * '?' placeholders; they are rewritten to $1, $2... here. Integers are
 * sent as int8 and text as text, so the server infers no other types; a
 * result column of an integer type comes back as DBV_INT, NULL as
 * DBV_NULL, everything else as text.
 *
 * Durability: a statement that returned is in PostgreSQL (kill -9 of the
 * server loses nothing); with durability(d, true) its commit is also flushed
 * to PostgreSQL's WAL on disk before it returns (synchronous_commit). Several sarafw-server processes may share
 * one database: a connection lost under a process is reopened once at
 * the next statement outside a transaction.
 *
 * Statements with parameters are prepared once per connection (PQprepare,
 * then PQexecPrepared), by their text and their parameters' types: the
 * server runs the same few dozen all the time, and an unnamed statement
 * (PQexecParams) is parsed, analysed and planned again at every call,
 * about 40 % of the backend's time of an Update. SARAFW_PG_PREPARE=0
 * keeps them unnamed (for a pooler that does not keep a session's
 * prepared statements). */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* type OIDs (pg_type.h, stable since PostgreSQL 7) */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25

#define PG_PARAMS_MAX 257 /* db_device_touch binds 257 */
#define PG_COLS_MAX 32
#define PG_STMTS_MAX 64 /* more distinct statements than that run unnamed */

typedef struct pg_stmt {
	uint32_t hash;               /* of sql */
	char sig[PG_PARAMS_MAX + 1]; /* the parameters' types: 'i' int8, 't' text, 'n' NULL */
	char *sql;                   /* as db.c wrote it ('?') */
} pg_stmt;

typedef struct pg_db {
	db base;
	PGconn *h;
	char *conninfo;
	long changes;
	int in_tx; /* inside BEGIN ... COMMIT/ROLLBACK */
	int sync;  /* synchronous_commit as last set: 1 on, 0 off, -1 unknown */
	bool prepare;                /* SARAFW_PG_PREPARE is not 0 */
	pg_stmt stmts[PG_STMTS_MAX]; /* prepared in this session as "sarafw_<index>" */
	int nstmts;
	char err[256];
} pg_db;

static const char *pg_error(db *d)
{
	return ((pg_db *)d)->err;
}

static void set_err(pg_db *p, const char *msg)
{
	snprintf(p->err, sizeof p->err, "%s", msg && *msg ? msg : "postgresql: unknown error");
	size_t n = strlen(p->err);
	while (n && (p->err[n - 1] == '\n' || p->err[n - 1] == ' '))
		p->err[--n] = 0;
}

/* '?' -> $n outside quoted strings and identifiers. Returns the number of
 * placeholders, or -1 when out cannot hold the result. */
int db_pg_rewrite(const char *sql, char *out, size_t cap)
{
	size_t o = 0;
	int n = 0;
	char quote = 0;
	for (const char *s = sql; *s; s++) {
		char buf[16];
		const char *add = buf;
		size_t len;
		if (quote) {
			if (*s == quote)
				quote = 0;
			buf[0] = *s, len = 1;
		} else if (*s == '\'' || *s == '"') {
			quote = *s;
			buf[0] = *s, len = 1;
		} else if (*s == '?') {
			len = (size_t)snprintf(buf, sizeof buf, "$%d", ++n);
		} else {
			buf[0] = *s, len = 1;
		}
		if (o + len >= cap)
			return -1;
		memcpy(out + o, add, len);
		o += len;
	}
	if (o >= cap)
		return -1;
	out[o] = 0;
	return n;
}

/* the session's prepared statements are gone with it */
static void forget_stmts(pg_db *p)
{
	for (int i = 0; i < p->nstmts; i++)
		free(p->stmts[i].sql);
	p->nstmts = 0;
}

static int reconnect(pg_db *p)
{
	if (PQstatus(p->h) == CONNECTION_OK)
		return 0;
	if (p->in_tx)
		return -1; /* a transaction cut in half is not resumed */
	PQreset(p->h);
	p->sync = -1; /* a new session has the server's default */
	forget_stmts(p);
	if (PQstatus(p->h) != CONNECTION_OK) {
		set_err(p, PQerrorMessage(p->h));
		return -1;
	}
	return 0;
}

static bool is_int_type(Oid t)
{
	return t == OID_INT8 || t == OID_INT4 || t == OID_INT2 || t == OID_BOOL;
}

/* FNV-1a */
static uint32_t text_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* The prepared statement for sql with these parameter types: its index,
 * prepared now when new (q: sql rewritten); -1 when the cache is full or
 * off (the caller runs it unnamed), -2 on error. */
static int stmt_for(pg_db *p, const char *sql, const char *q, const char *sig, int n, const Oid *types)
{
	uint32_t h = text_hash(sql);
	for (int i = 0; i < p->nstmts; i++)
		if (p->stmts[i].hash == h && !strcmp(p->stmts[i].sig, sig) && !strcmp(p->stmts[i].sql, sql))
			return i;
	if (!p->prepare || p->nstmts == PG_STMTS_MAX)
		return -1;
	pg_stmt *st = &p->stmts[p->nstmts];
	if (!(st->sql = strdup(sql)))
		return -1;
	char name[32];
	snprintf(name, sizeof name, "sarafw_%d", p->nstmts);
	PGresult *res = PQprepare(p->h, name, q, n, types);
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		set_err(p, res ? PQresultErrorMessage(res) : PQerrorMessage(p->h));
		PQclear(res);
		free(st->sql);
		return -2;
	}
	PQclear(res);
	st->hash = h;
	memcpy(st->sig, sig, (size_t)n + 1);
	return p->nstmts++;
}

static int pg_exec(db *d, const char *sql, const db_val *params, int n, db_row_fn row, void *ctx)
{
	pg_db *p = (pg_db *)d;
	char stack[2048];
	char *q = stack;
	size_t cap = strlen(sql) * 2 + 16;
	if (cap > sizeof stack && !(q = malloc(cap))) {
		set_err(p, "out of memory");
		return -1;
	}
	if (cap <= sizeof stack)
		cap = sizeof stack;
	int rc = -1;
	int np = db_pg_rewrite(sql, q, cap);
	if (np < 0 || np != n || n > PG_PARAMS_MAX) {
		set_err(p, "statement and parameters do not match");
		goto out;
	}
	Oid types[PG_PARAMS_MAX];
	const char *values[PG_PARAMS_MAX];
	char ints[PG_PARAMS_MAX][24];
	char sig[PG_PARAMS_MAX + 1];
	for (int i = 0; i < n; i++) {
		if (params[i].t == DBV_INT) {
			snprintf(ints[i], sizeof ints[i], "%lld", (long long)params[i].i);
			types[i] = OID_INT8;
			values[i] = ints[i];
			sig[i] = 'i';
		} else if (params[i].t == DBV_TEXT) {
			types[i] = OID_TEXT;
			values[i] = params[i].s;
			sig[i] = 't';
		} else {
			types[i] = 0; /* NULL: the server infers the type */
			values[i] = NULL;
			sig[i] = 'n';
		}
	}
	sig[n] = 0;
	if (!strncmp(q, "ROLLBACK", 8) && PQstatus(p->h) != CONNECTION_OK) {
		p->in_tx = 0; /* the server ended the transaction with the connection */
		goto out;
	}
	if (reconnect(p) < 0)
		goto out;
	/* statements without parameters (BEGIN, COMMIT, SET, the schema's)
	 * run unnamed */
	int si = n ? stmt_for(p, sql, q, sig, n, types) : -1;
	if (si == -2)
		goto out;
	PGresult *res;
	if (si >= 0) {
		char name[32];
		snprintf(name, sizeof name, "sarafw_%d", si);
		res = PQexecPrepared(p->h, name, n, values, NULL, NULL, 0);
	} else {
		res = PQexecParams(p->h, q, n, types, values, NULL, NULL, 0);
	}
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		set_err(p, res ? PQresultErrorMessage(res) : PQerrorMessage(p->h));
		PQclear(res);
		/* a failed statement spoils the transaction it is in; the caller
		 * rolls back */
		goto out;
	}
	if (!strncmp(q, "BEGIN", 5))
		p->in_tx = 1;
	else if (!strncmp(q, "COMMIT", 6) || !strncmp(q, "ROLLBACK", 8))
		p->in_tx = 0;
	if (st == PGRES_COMMAND_OK) {
		/* as sqlite3_changes(): a SELECT leaves the count of the last change */
		const char *ct = PQcmdTuples(res);
		p->changes = ct && *ct ? strtol(ct, NULL, 10) : 0;
	}
	if (st == PGRES_TUPLES_OK && row) {
		int nc = PQnfields(res);
		if (nc > PG_COLS_MAX)
			nc = PG_COLS_MAX;
		int nr = PQntuples(res);
		for (int r = 0; r < nr; r++) {
			db_val cols[PG_COLS_MAX];
			for (int c = 0; c < nc; c++) {
				const char *v = PQgetvalue(res, r, c);
				if (PQgetisnull(res, r, c))
					cols[c] = DB_NULL;
				else if (PQftype(res, c) == OID_BOOL)
					cols[c] = DB_INT(v[0] == 't');
				else if (is_int_type(PQftype(res, c)))
					cols[c] = DB_INT(strtoll(v, NULL, 10));
				else
					cols[c] = (db_val){.t = DBV_TEXT, .s = v};
			}
			if (row(ctx, nc, cols))
				break;
		}
	}
	PQclear(res);
	rc = 0;
out:
	if (q != stack)
		free(q);
	return rc;
}

static long pg_changes(db *d)
{
	return ((pg_db *)d)->changes;
}

static void pg_close(db *d)
{
	if (!d)
		return;
	pg_db *p = (pg_db *)d;
	PQfinish(p->h);
	forget_stmts(p);
	free(p->conninfo);
	free(p);
}

static int pg_durability(db *d, bool full);

static void quiet(void *arg, const char *msg)
{
	(void)arg, (void)msg; /* NOTICEs (e.g. "relation already exists, skipping") are not errors */
}

static int pg_open(const char *target, db **out, char *err, size_t errlen)
{
	pg_db *p = calloc(1, sizeof *p);
	size_t n = strlen("postgresql:") + strlen(target) + 1;
	if (!p || !(p->conninfo = malloc(n))) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p->base.ops = &db_pg_backend;
	const char *prep = getenv("SARAFW_PG_PREPARE");
	p->prepare = !prep || strcmp(prep, "0");
	snprintf(p->conninfo, n, "postgresql:%s", target);
	p->h = PQconnectdb(p->conninfo);
	if (PQstatus(p->h) != CONNECTION_OK) {
		snprintf(err, errlen, "postgresql: %s", PQerrorMessage(p->h));
		size_t e = strlen(err);
		while (e && err[e - 1] == '\n')
			err[--e] = 0;
		pg_close(&p->base);
		return -1;
	}
	PQsetNoticeProcessor(p->h, quiet, NULL);
	p->sync = -1;
	if (pg_durability(&p->base, false) < 0) {
		snprintf(err, errlen, "postgresql: %s", p->err);
		pg_close(&p->base);
		return -1;
	}
	*out = &p->base;
	return 0;
}

/* db.h's durability: synchronous_commit on, a commit returns once the WAL
 * is flushed; off, once it is in PostgreSQL (which a kill -9 of the server
 * does not touch; a crash of PostgreSQL may lose the last ones). Set only
 * when it changes: one round trip. */
static int pg_durability(db *d, bool full)
{
	pg_db *p = (pg_db *)d;
	if (p->sync == (full ? 1 : 0) && PQstatus(p->h) == CONNECTION_OK)
		return 0;
	p->sync = -1;
	if (pg_exec(d, full ? "SET synchronous_commit TO on" : "SET synchronous_commit TO off", NULL, 0, NULL, NULL) < 0)
		return -1;
	p->sync = full ? 1 : 0;
	return 0;
}

/* Migrations of several processes starting at once on one database are
 * run one after the other (a session advisory lock; the key is "sarafw"). */
static int pg_lock(db *d, bool take)
{
	return pg_exec(d, take ? "SELECT pg_advisory_lock(7526455)" : "SELECT pg_advisory_unlock(7526455)", NULL, 0,
		       NULL, NULL);
}

const db_backend db_pg_backend = {
	.scheme = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.changes = pg_changes,
	.durability = pg_durability,
	.error = pg_error,
	.migrate_lock = pg_lock,
};
