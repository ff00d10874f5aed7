/* sarafw-sim: a firmware package downloaded from a real FTP or HTTP server
 * (+UFTPC=100, +UHTTPC=<p>,100) with libcurl, driven from the modem's
 * timers (no thread), paced at the radio rate, into the FOTA area.
 *
 *   DIR/netdl.part  the bytes so far, fsynced every SIM_NETDL_SYNC bytes
 *   DIR/netdl       key=value: method, url, stored (the synced length)
 *
 * A power cut keeps both: a later download of the same URL with resume
 * (+UFTPC=100,<file>,1; +UHTTPC always) goes on from "stored" with REST
 * or Range. A complete file is copied into the FOTA area with its own
 * crash-safe commit (fota.h), then both records go. */
#ifndef SIM_NETDL_H
#define SIM_NETDL_H

#include <stdbool.h>
#include <stdint.h>

#include "download.h"
#include "modem.h"
#include "rat.h"

#define SIM_NETDL_SYNC (64u * 1024u)

/* +UFTPER <error_class>,<error_code> (docs/behaviour.md: the note gives
 * only 8,40; the rest are ours) */
#define SIM_FTPER_CLASS 8
enum {
	SIM_FTPER_NO_SERVER = 1,
	SIM_FTPER_DNS = 2,
	SIM_FTPER_REFUSED = 3,
	SIM_FTPER_LOGIN = 4,
	SIM_FTPER_NOT_FOUND = 5,
	SIM_FTPER_BROKEN = 6,
	SIM_FTPER_TIMEOUT = 7,
	SIM_FTPER_MEMORY = 9,
	SIM_FTPER_SPOILED = 10, /* a forbidden command during the download (R422) */
	SIM_FTPER_CANCELLED = 40, /* note §3.2 */
};
/* +UHTTPER <class>,<code> (AT-FACTS "HTTP": 3,10 internal, 3,11 no
 * response; note §4.3: 3,23 a failed host name lookup) */
#define SIM_HTTPER_CLASS 3
enum {
	SIM_HTTPER_INTERNAL = 10,
	SIM_HTTPER_NO_RESPONSE = 11,
	SIM_HTTPER_DNS = 23,
	SIM_HTTPER_STATUS = 73, /* the server answered with an error status */
};

struct sim_lwm2m_config; /* lwm2m.h */

/* Radio and seeded network faults (--rat, --bandwidth, --net-fault). */
enum sim_rat { SIM_RAT_M1 = RAT_M1, SIM_RAT_NB1 = RAT_NB1, SIM_RAT_GSM = RAT_GSM }; /* common/rat.h */
enum sim_net_fault { SIM_NF_NONE, SIM_NF_DROP, SIM_NF_STALL, SIM_NF_REFUSE, SIM_NF_DNS };
struct sim_net_config {
	enum sim_rat rat;
	uint64_t bps; /* 0: the RAT's rate (note Table 3) */
	enum sim_net_fault fault;
	uint64_t fault_at; /* DROP, STALL: at this byte of the file */
	bool fault_fired;  /* each fault happens once per run */
	const struct sim_lwm2m_config *lwm2m; /* --lwm2m-server...; may be NULL */
	/* --network-apn: the APN the network gives cid 1 at attach (NULL: the
	 * MNO profile's own, note §2.8.3's private network or static SIM) */
	const char *network_apn;
};
/* The radio rate in bit/s of module time. */
uint64_t sim_net_rate(const struct sim_net_config *c);
/* "m1", "nb1", "gsm"; 0 or -1. */
int sim_net_parse_rat(const char *s, enum sim_rat *rat);
/* "drop:N", "stall:N", "refuse", "dns"; 0 or -1. */
int sim_net_parse_fault(const char *s, struct sim_net_config *c);

struct sim_netdl_result {
	bool ok;
	int err_class, err_code;
	long http_status; /* 0: no answer */
	char md5[33];     /* of the stored file, lower-case hex */
	uint64_t size;
};

struct sim_netdl_req {
	enum sim_download method; /* SIM_DL_FTP, SIM_DL_HTTP, SIM_DL_LWM2M (HTTP) */
	const char *url;          /* http(s)://...: instead of host, port, path */
	const char *host;
	long port;
	const char *user, *password, *account;
	const char *path;
	bool passive, secure, basic_auth;
	long timeout_s; /* no byte for this long fails it; 0: never */
	bool resume;    /* go on from a partial file of the same URL */
	/* status: after each SIM_NETDL_STATUS_STEP bytes; done: once */
	void (*status)(struct sim_modem *m, uint64_t stored, uint64_t total);
	void (*done)(struct sim_modem *m, const struct sim_netdl_result *r);
};
#define SIM_NETDL_STATUS_STEP 102400u /* note §3.2's example: about 100 kB apart */

/* FTP login (+UFTPC=1): connects and logs in to req's server, then
 * done(m, ok, err_code) with a SIM_FTPER_* code. SIM_OK or a +CME code. */
int sim_netdl_login(struct sim_modem *m, const struct sim_netdl_req *req,
		    void (*done)(struct sim_modem *m, int ok, int err_code));

/* SIM_OK, SIM_CME_NOT_ALLOWED (one at a time) or a +CME code. */
int sim_netdl_start(struct sim_modem *m, const struct sim_netdl_req *req);
bool sim_netdl_busy(struct sim_modem *m);
/* The radio rate for any download: may len more bytes go now, with done
 * bytes since *start_ms (0: starts the clock)? */
bool sim_net_pace(struct sim_modem *m, uint64_t *start_ms, uint64_t done, size_t len);

/* Copies the flash file part (a complete download) into the FOTA area
 * with its crash-safe commit (fota.h), meta method=<method>; md5 gets the
 * file's MD5 in hex, size its length. 0, or -1 (nothing stored). */
int sim_netdl_commit(struct sim_modem *m, const char *part, enum sim_download method,
		     char md5[33], uint64_t *size);

/* Cancels the running download of method (note §3.2): done() comes with
 * SIM_FTPER_CANCELLED after the family's cancel time. false: none. */
bool sim_netdl_cancel(struct sim_modem *m, enum sim_download method);
/* Ends the running download as failed with class/code (Table 7 on R422). */
void sim_netdl_spoil(struct sim_modem *m, int err_class, int err_code);

#endif
