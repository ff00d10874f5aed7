/* libsarafw: firmware downloads by the module itself over FTP (note §3,
 * AT+UFTPC=100) and HTTP (note §4, AT+UHTTPC=<p>,100): the parsers of
 * their result URCs and error answers, the redaction of credentials in
 * the trace, the download step engines (lib/download_ftp.c,
 * lib/download_http.c) and their blocking calls (AT-FACTS.md "FTP",
 * "HTTP"). */
#ifndef SARAFW_NET_H
#define SARAFW_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sarafw/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SARAFW_NET_MD5_LEN 32u
#define SARAFW_FTP_NAME_MAX 64u /* note §3.2, SARA-R410M/R412M: the FOTA file name */

/* One +UUFTPCR or +UUHTTPCR line. */
typedef struct sarafw_net_urc {
	bool progress;        /* R410M/R412M status "100,<stored> / <total>" (note §3.3.2) */
	bool ok;              /* result 1 (not progress) */
	bool has_md5;         /* the result carried an MD5 (R422, note §3.3.1, §4.2) */
	uint16_t op;          /* +UFTPC op code, or +UHTTPC command */
	uint8_t profile;      /* HTTP profile (0..3); 0 for FTP */
	uint16_t http_status; /* +UUHTTPCR for command 100: the server's status, else 0 */
	uint32_t stored;      /* progress */
	uint32_t total;
	char md5[SARAFW_NET_MD5_LEN + 1]; /* lower-case hex when has_md5 */
} sarafw_net_urc;

/* "+UUFTPCR: <op>,<result>[,"<md5>"]" or "+UUFTPCR: 100,<stored> / <total>".
 * Returns SARAFW_OK or SARAFW_EPROTO (*out is then zeroed). */
int sarafw_uuftpcr_parse(const char *line, sarafw_net_urc *out);
/* "+UUHTTPCR: <p>,<cmd>,<result>[,<http_status>,"<md5>"]".
 * Returns SARAFW_OK or SARAFW_EPROTO. */
int sarafw_uuhttpcr_parse(const char *line, sarafw_net_urc *out);

/* "+UFTPER: <class>,<code>" (note §3.5) and
 * "+UHTTPER: <p>,<class>,<code>" (profile NULL-able). SARAFW_OK or
 * SARAFW_EPROTO. */
int sarafw_uftper_parse(const char *line, int *cls, int *code);
int sarafw_uhttper_parse(const char *line, int *profile, int *cls, int *code);
/* What a class/code pair means, for the known ones (note §3.5,
 * AT-FACTS.md "HTTP"); "unknown error" otherwise. */
const char *sarafw_net_error_text(int cls, int code);

/* Credentials never reach a trace: for "AT+UFTP=3,..." and
 * "AT+UHTTP=<p>,3,..." (sent, or echoed back) returns the length of the
 * part up to and with the comma before the secret; the trace shows that
 * and "***" in quotes. Any other line: len. */
size_t sarafw_trace_secret_at(const char *line, size_t len);

/* Progress of a download, from the module's status URCs. */
typedef void (*sarafw_net_progress_fn)(void *ctx, uint32_t stored, uint32_t total);

typedef struct sarafw_ftp_config {
	const char *server;   /* host name or address (AT+UFTP=1) */
	uint16_t port;        /* 0: the module's default, 21 */
	const char *user;
	const char *password;
	const char *account;  /* NULL: none (AT+UFTP=4) */
	const char *file;     /* remote file name, exactly as on the server (note §3.2);
	                       * SARA-R410M/R412M/N410: no path, at most
	                       * SARAFW_FTP_NAME_MAX characters (SARAFW_EINVAL) */
	bool resume;          /* AT+UFTPC=100,<file>,1 */
	const char *md5;      /* NULL, or the expected MD5 (hex, any case) */
	uint32_t max_ms;      /* bound on the whole download after OK; 0: 30 min */
	uint32_t since;       /* the host's clock for the record (sarafw/persist.h) */
	sarafw_net_progress_fn progress;
	void *progress_ctx;
	bool (*cancel)(void *ctx); /* optional, for the blocking call: abort when true */
	void *cancel_ctx;
} sarafw_ftp_config;

/* How a download began (sarafw_net_result.how). */
typedef enum sarafw_net_how {
	SARAFW_NET_NEW = 0,      /* a new session */
	SARAFW_NET_RESUMED,      /* resumed (AT+UFTPC=100,<file>,1): cfg->resume, or
	                          * the stored record named this download */
	SARAFW_NET_FOLLOWED,     /* the module was still downloading it: its result followed */
	SARAFW_NET_REISSUED,     /* HTTP: the GET again for a recorded download
	                          * (the module resumes with a Range request) */
} sarafw_net_how;

/* What a flow found out, for the caller's report. */
typedef struct sarafw_net_result {
	int err_class;        /* +UFTPER / +UHTTPER after a failure, else -1 */
	int err_code;
	uint16_t http_status;
	uint8_t how;          /* sarafw_net_how */
	bool replaced;        /* the record named another download: it was
	                       * cancelled (FTP) or dropped, and this one began anew */
	uint32_t stored;      /* the last status URC (R410M/R412M), else 0 */
	uint32_t total;
	char md5[SARAFW_NET_MD5_LEN + 1]; /* "" when the module gave none */
} sarafw_net_result;

/* Configures the FTP profile (passive mode), logs in, starts or resumes
 * the download and waits for its result: a loop over the engine below
 * (sarafw_ftp_start), with its record handling (a stored record of this
 * file resumes). Returns SARAFW_OK; SARAFW_EINVAL; SARAFW_ENOTSUP (no FTP
 * on this variant, note Table 1); SARAFW_EERROR (refused, or result 0:
 * res->err_class/err_code from AT+UFTPER); SARAFW_EPROTO (an answer that
 * makes no sense, or the module's MD5 differs from cfg->md5);
 * SARAFW_ETIMEOUT; SARAFW_EIO; SARAFW_EBUSY (download guard, note §7);
 * SARAFW_ECANCEL (cfg->cancel said so: the module's session was
 * cancelled). */
int sarafw_ftp_download(sarafw_dev *dev, const sarafw_ftp_config *cfg, sarafw_net_result *res);
/* Cancels the session for file (AT+UFTPC=100,<file>,0) and waits for
 * +UUFTPCR: 100,0 (note §3.2: before a new session), at most max_ms
 * (0: 60 s). */
int sarafw_ftp_cancel(sarafw_dev *dev, const char *file, uint32_t max_ms);

typedef struct sarafw_http_config {
	uint8_t profile;      /* 0..3 */
	const char *server;   /* host name (AT+UHTTP=<p>,1) */
	uint16_t port;        /* 0: 80 */
	bool secure;          /* AT+UHTTP=<p>,6,1 */
	const char *path;     /* "/dir/file" */
	const char *user;     /* NULL: no authentication */
	const char *password;
	const char *md5;
	uint32_t max_ms;
	uint32_t since;       /* the host's clock for the record (sarafw/persist.h) */
	bool (*cancel)(void *ctx); /* optional, for the blocking call */
	void *cancel_ctx;
} sarafw_http_config;

/* Splits "http[s]://host[:port]/path" into cfg's server (copied into
 * host), port, secure and path (pointing into url). SARAFW_OK,
 * SARAFW_EINVAL. */
int sarafw_http_url(const char *url, sarafw_http_config *cfg, char *host, size_t host_size);

/* Resets and configures the profile, GETs the file into the FOTA area
 * and waits for +UUHTTPCR: <p>,100,... Returns as sarafw_ftp_download
 * (AT+UHTTPER=<p> after a failure). */
int sarafw_http_download(sarafw_dev *dev, const sarafw_http_config *cfg, sarafw_net_result *res);

/* ---- The download engines --------------------------------------------------
 * Sans-I/O like the other step engines (sarafw_engine, sarafw/dev.h): one
 * struct for both methods, started by sarafw_ftp_start, sarafw_ftp_cancel_start
 * or sarafw_http_start and driven through sarafw_netdl_engine. Each
 * command is bounded by its own time (sarafw/timeouts.h), the result by
 * cfg->max_ms. The download guard (note §7) is set from the module's OK
 * to the download command until its result.
 *
 * The state record (sarafw/persist.h): once the download runs the engine
 * saves DOWNLOADING with the method, the hash of the file name (FTP) or
 * the path (HTTP), and bytes stored / total, again at every 5 % of
 * progress; STORED after a good result; IDLE after a cancel or an MD5
 * mismatch. A failed result keeps DOWNLOADING: the session can resume.
 * At start it reads the stored record: DOWNLOADING for the same FTP file
 * resumes (AT+UFTPC=100,<file>,1), or follows the module's running
 * download when it refuses that (docs/behaviour.md); for another file it
 * cancels that session first (res->replaced). HTTP has no resume command
 * (note §4): a recorded download of the same path is asked for again,
 * and the module resumes it itself. */
#define SARAFW_NET_RECORD_STEP 5u /* % of progress between two saved records */

/* The longest command the engines build, without "\r": AT+UFTP=1 with
 * the server's name, AT+UHTTPC=<p>,100 with the path. A host with short
 * names may set less (the engine holds it: RAM); a longer one is
 * SARAFW_EINVAL. */
#ifndef SARAFW_NET_CMD_MAX
#define SARAFW_NET_CMD_MAX SARAFW_CMD_MAX
#endif

typedef struct sarafw_netdl {
	sarafw_dev *dev;
	const sarafw_ftp_config *ftp;   /* one of the two */
	const sarafw_http_config *http;
	const char *file;               /* FTP file (cancel) */
	sarafw_net_result *res;
	uint32_t until;      /* the URC wait's deadline */
	uint32_t hash;       /* of the file name or path */
	uint32_t saved;      /* stored bytes in the last saved record */
	int16_t status;
	int16_t rc;          /* the result to end with, once set */
	uint8_t method;      /* SARAFW_DL_FTP or SARAFW_DL_HTTP */
	uint8_t io;          /* the core's state: idle, command, URC wait, done */
	uint8_t step;        /* the method's step */
	uint8_t item;        /* the profile command under way */
	uint8_t aborted;
	uint8_t flags;       /* NETDL_* (lib/netdl.h) */
	int8_t login;        /* -1 not yet, 0 refused, 1 logged in */
	/* the method's steps (lib/download_ftp.c, lib/download_http.c) */
	void (*on)(struct sarafw_netdl *e, int ev, int rc, const char *line, uint32_t now);
	uint16_t cmd_len;    /* the command in cmd, with "\r" */
	uint16_t cmd_pos;    /* of which written */
	char cmd[SARAFW_NET_CMD_MAX + 2];
} sarafw_netdl;

/* Check the config and start. SARAFW_OK, or the error the blocking call
 * returns (SARAFW_EINVAL, SARAFW_ENOTSUP); the engine then has ended. */
int sarafw_ftp_start(sarafw_netdl *e, sarafw_dev *dev, const sarafw_ftp_config *cfg, sarafw_net_result *res,
		     uint32_t now);
/* The cancel alone: AT+UFTPC=100,<file>,0 and +UUFTPCR: 100,0 (note
 * §3.2), bounded by max_ms (0: SARAFW_FTP_CANCEL_MS); clears the record. */
int sarafw_ftp_cancel_start(sarafw_netdl *e, sarafw_dev *dev, const char *file, uint32_t max_ms, uint32_t now);
int sarafw_http_start(sarafw_netdl *e, sarafw_dev *dev, const sarafw_http_config *cfg, sarafw_net_result *res,
		      uint32_t now);
size_t sarafw_netdl_output(sarafw_netdl *e, const uint8_t **out);
void sarafw_netdl_sent(sarafw_netdl *e, size_t n, uint32_t now);
size_t sarafw_netdl_input(sarafw_netdl *e, const uint8_t *in, size_t n, uint32_t now);
void sarafw_netdl_tick(sarafw_netdl *e, uint32_t now);
uint32_t sarafw_netdl_wait_ms(const sarafw_netdl *e, uint32_t now);
void sarafw_netdl_io_error(sarafw_netdl *e, int err, uint32_t now);
/* The caller gives up (Ctrl-C). A command under way ends first. An FTP
 * session that the module runs is cancelled (AT+UFTPC=100,<file>,0, then
 * +UUFTPCR: 100,0, note §3.2) and the record cleared; HTTP has no cancel
 * (note §4): the module's download goes on, and the record stays for the
 * next run. The status becomes SARAFW_ECANCEL. */
void sarafw_netdl_abort(sarafw_netdl *e);
/* SARAFW_RUNNING, or the result as the blocking calls return it
 * (SARAFW_ECANCEL after an abort). */
int sarafw_netdl_status(const sarafw_netdl *e);
/* The module took the download command: its download runs (or ran). */
bool sarafw_netdl_started(const sarafw_netdl *e);
extern const sarafw_engine sarafw_netdl_engine;

#ifdef __cplusplus
}
#endif
#endif
