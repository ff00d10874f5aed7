/* libsarafw: firmware downloads by the module itself over FTP (note §3,
 * AT+UFTPC=100) and HTTP (note §4, AT+UHTTPC=<p>,100): the parsers of
 * their result URCs and error answers, the redaction of credentials in
 * the trace, and blocking flows over sarafw_cmd (AT-FACTS.md "FTP",
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
	const char *file;     /* remote file name, exactly as on the server (note §3.2) */
	bool resume;          /* AT+UFTPC=100,<file>,1 */
	const char *md5;      /* NULL, or the expected MD5 (hex, any case) */
	uint32_t max_ms;      /* bound on the whole download after OK; 0: 30 min */
	sarafw_net_progress_fn progress;
	void *progress_ctx;
} sarafw_ftp_config;

/* What a flow found out, for the caller's report. */
typedef struct sarafw_net_result {
	int err_class;        /* +UFTPER / +UHTTPER after a failure, else -1 */
	int err_code;
	uint16_t http_status;
	char md5[SARAFW_NET_MD5_LEN + 1]; /* "" when the module gave none */
} sarafw_net_result;

/* Configures the FTP profile (passive mode), logs in, starts or resumes
 * the download and waits for its result. Returns SARAFW_OK;
 * SARAFW_EINVAL; SARAFW_ENOTSUP (no FTP on this variant, note Table 1);
 * SARAFW_EERROR (refused, or result 0: res->err_class/err_code from
 * AT+UFTPER); SARAFW_EPROTO (an answer that makes no sense, or the
 * module's MD5 differs from cfg->md5); SARAFW_ETIMEOUT; SARAFW_EIO;
 * SARAFW_EBUSY (download guard, note §7). */
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
} sarafw_http_config;

/* Splits "http[s]://host[:port]/path" into cfg's server (copied into
 * host), port, secure and path (pointing into url). SARAFW_OK,
 * SARAFW_EINVAL. */
int sarafw_http_url(const char *url, sarafw_http_config *cfg, char *host, size_t host_size);

/* Resets and configures the profile, GETs the file into the FOTA area
 * and waits for +UUHTTPCR: <p>,100,... Returns as sarafw_ftp_download
 * (AT+UHTTPER=<p> after a failure). */
int sarafw_http_download(sarafw_dev *dev, const sarafw_http_config *cfg, sarafw_net_result *res);

#ifdef __cplusplus
}
#endif
#endif
