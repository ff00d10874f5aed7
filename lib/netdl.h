/* libsarafw internal: the core the FTP and HTTP download engines share
 * (lib/download_net.c): one command or one URC wait at a time, the
 * record, progress and the result's checks. Each method's file holds only
 * its steps, called through e->on. Not part of the API. */
#ifndef SARAFW_LIB_NETDL_H
#define SARAFW_LIB_NETDL_H

#include "sarafw/cmdbuf.h"
#include "sarafw/net.h"
#include "sarafw/persist.h"

/* e->on's events */
enum {
	NETDL_FINAL,   /* the command ended: rc is its result (SARAFW_ETIMEOUT too) */
	NETDL_LINE,    /* a line came (response, URC or stray): line */
	NETDL_TIMEOUT, /* the URC wait's deadline passed */
	NETDL_ABORT,   /* the caller aborted during a URC wait */
};

/* e->flags */
#define NETDL_STARTED 0x01u  /* the module took the download command */
#define NETDL_RESUME 0x02u   /* resuming a recorded session */
#define NETDL_CANCEL 0x04u   /* cancel only (sarafw_ftp_cancel_start) */
#define NETDL_REPLACE 0x08u  /* cancelling the recorded session of another file */
#define NETDL_RELOGIN 0x10u  /* logged out after a refused login, once */

/* Sets e up for dev (the caller checked the config). */
void netdl_init(sarafw_netdl *e, sarafw_dev *dev, sarafw_net_result *res, uint8_t method,
		void (*on)(sarafw_netdl *, int, int, const char *, uint32_t));
/* A command line into e->cmd: init, then the caller appends. */
void netdl_build(sarafw_netdl *e, sarafw_cmdbuf *b);
/* "AT<prefix><op>,"<s>"" or ",<v>" into e->cmd. */
void netdl_build_set(sarafw_netdl *e, sarafw_cmdbuf *b, const char *prefix, uint32_t op);
/* Sends what b built, bounded by timeout_ms; ends e on an error. */
void netdl_send(sarafw_netdl *e, const sarafw_cmdbuf *b, uint32_t timeout_ms, uint32_t now);
/* Waits for lines until ms from now. */
void netdl_wait(sarafw_netdl *e, uint32_t ms, uint32_t now);
/* The end: the guard off, the status rc (or an earlier e->rc). */
void netdl_end(sarafw_netdl *e, int rc);
/* The record for this download (state, bytes stored / total). */
void netdl_record(sarafw_netdl *e, sarafw_persist_state state, uint32_t stored, uint32_t total);
/* The stored record: SARAFW_OK with *rec, else *rec is IDLE. */
void netdl_load(sarafw_netdl *e, sarafw_persist *rec);
/* A status URC: the caller's callback, and the record every
 * SARAFW_NET_RECORD_STEP %. */
void netdl_progress(sarafw_netdl *e, sarafw_net_progress_fn fn, void *ctx, uint32_t stored, uint32_t total);
/* A good result with md5 (NULL: none): checks it against want. Returns
 * SARAFW_OK or SARAFW_EPROTO (mismatch); saves STORED or IDLE. */
int netdl_good(sarafw_netdl *e, const char *md5, const char *want);
/* The config's MD5 is NULL or 32 characters. */
bool netdl_md5_ok(const char *md5);
/* The +UFTPER / +UHTTPER answer line (prefix taken off by nobody: the
 * whole line) into res. */
void netdl_error_line(sarafw_netdl *e, const char *line);

#endif
