/* libsarafw: the host's uFOTA duties (note §2). The module's LwM2M client
 * downloads and installs by itself; the host watches its URCs, decides
 * (§2.7.3), keeps its hands off the module meanwhile, and does what the
 * note asks around it:
 *   - the URC parser for every product version's forms (Table 2, §2.2,
 *     §2.6.1, the legacy +ULWM2MSTAT of §2.6.1.2, B.1.2's bootstrap, the
 *     install progress of §2.4);
 *   - the monitor, a sans-I/O step engine (sarafw_engine, sarafw/dev.h)
 *     fed by those URCs: idle, downloading, downloaded, installing,
 *     rebooting, done or failed, persisted through the port's record so a
 *     host that reboots in the middle neither resets the module nor
 *     forgets the 180 s failsafe (§2.6.4);
 *   - blocking controls over sarafw_cmd: life timer (§2.5.1, §2.5.2),
 *     check-in, deregistration, the R412M 2G context rule (§2.8.4), the
 *     Verizon cid 3 APN (§2.8.3), the firmware object's resources. */
#ifndef SARAFW_UFOTA_H
#define SARAFW_UFOTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sarafw/dev.h"
#include "sarafw/install.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- URCs ------------------------------------------------------------------ */
typedef enum sarafw_ufota_kind {
	SARAFW_UFOTA_U_NONE = 0,
	SARAFW_UFOTA_U_DL_START,     /* +UFOTASTAT: 1,0,0; legacy +ULWM2MSTAT: 0,0 */
	SARAFW_UFOTA_U_DL_PROGRESS,  /* +UFOTASTAT: 0,1,<pct>; legacy 1,<pct> (value) */
	SARAFW_UFOTA_U_DL_DONE,      /* +UFOTASTAT: 2,2,100; legacy 2,100 */
	SARAFW_UFOTA_U_DL_CANCELLED, /* +UFOTASTAT: 2,3,100; legacy 3,100 (§2.3) */
	SARAFW_UFOTA_U_DL_FAILED,    /* +UFOTASTAT: 2,3,<101..>; legacy 3,<not 100> (value: the code) */
	SARAFW_UFOTA_U_FOTA_STATUS,  /* +UFOTASTAT: 3,<result>,<state> (value, value2) */
	SARAFW_UFOTA_U_BOOTSTRAP,    /* +ULWM2MSTAT: 0,<server>,<status> (B.1.2: 10..14) */
	SARAFW_UFOTA_U_REGISTRATION, /* +ULWM2MSTAT: 1,<server>,<status> */
	SARAFW_UFOTA_U_REG_TIMER,    /* +ULWM2MSTAT: 2,<server>,<seconds> */
	SARAFW_UFOTA_U_NOTIFY,       /* +ULWM2MSTAT: 3,<server>,<uri> (uri) */
	SARAFW_UFOTA_U_CLIENT,       /* +ULWM2MSTAT: 4,<status> (value) */
	SARAFW_UFOTA_U_INSTALL,      /* +UFWINSTALL: <n> or +UUFWINSTALL: <n> (value) */
} sarafw_ufota_kind;

#define SARAFW_UFOTA_URI_MAX 24u

typedef struct sarafw_ufota_urc {
	uint8_t kind;    /* sarafw_ufota_kind */
	uint16_t server; /* short server id (+ULWM2MSTAT events 0..3), else 0 */
	int32_t value;   /* percent, code, result or status, per kind */
	int32_t value2;  /* FOTA_STATUS: the state (0 idle, 1 downloading, 2 downloaded) */
	char uri[SARAFW_UFOTA_URI_MAX]; /* NOTIFY: "/5/0/3" (quotes removed, cut to fit) */
} sarafw_ufota_urc;

/* Parse one line. legacy: the product version prints the legacy
 * "+ULWM2MSTAT: <status>,<percent>" (sarafw_variant.legacy_lwm2mstat),
 * else the new forms. Spaces after ':' and ',' are accepted (B.1.2
 * prints them). Returns SARAFW_OK; SARAFW_EPROTO for a line of another
 * prefix, a wrong field count, a number out of range or a form the note
 * does not know (out is then zeroed). */
int sarafw_ufota_parse(const char *line, bool legacy, sarafw_ufota_urc *out);

/* The line starts with a prefix sarafw_ufota_parse reads. */
bool sarafw_ufota_is_urc(const char *line);

/* The words below cost about 0.8 KB of Cortex-M4 flash; a build with
 * -DSARAFW_UFOTA_TEXT=0 leaves them empty ("") and keeps the codes. */
#ifndef SARAFW_UFOTA_TEXT
#define SARAFW_UFOTA_TEXT 1
#endif

/* Words for a URC's codes: a download end (DL_FAILED/DL_CANCELLED value:
 * 100 cancelled, 101 memory, 102 network, 103 unknown, 104 bad URL, 105
 * connectivity lost), an update result (FOTA_STATUS value, LwM2M /5/0/5:
 * 0..9, 100), a registration or bootstrap status, a FOTA state
 * (/5/0/3). Never NULL ("unknown ..."). */
const char *sarafw_ufota_dl_text(int code);
const char *sarafw_ufota_result_text(int result);
const char *sarafw_ufota_lwm2m_status_text(int status);
const char *sarafw_ufota_fota_state_text(int state);

/* ---- The monitor -------------------------------------------------------------- */
typedef enum sarafw_ufota_state {
	SARAFW_UFOTA_IDLE = 0,
	SARAFW_UFOTA_DOWNLOADING, /* percent */
	SARAFW_UFOTA_DOWNLOADED,  /* the package is in; the server's execute (reset) is due */
	SARAFW_UFOTA_INSTALLING,  /* the module installs (percent on the SARA-R422 family) */
	SARAFW_UFOTA_REBOOTING,   /* the install ended; the module boots, the duties after run */
	SARAFW_UFOTA_DONE,        /* the new firmware runs (sarafw_ufota_version) */
	SARAFW_UFOTA_FAILED,      /* sarafw_ufota_reason says why */
} sarafw_ufota_state;

/* Why a monitor ended FAILED (sarafw_ufota_reason gives the words). */
typedef enum sarafw_ufota_why {
	SARAFW_UFOTA_WHY_NONE = 0,
	SARAFW_UFOTA_WHY_DOWNLOAD,  /* code: +UFOTASTAT 2,3,<code> / legacy 3,<code> */
	SARAFW_UFOTA_WHY_RESULT,    /* code: an update result (+UFOTASTAT: 3,<code>,...) */
	SARAFW_UFOTA_WHY_INSTALL,   /* code: a Table 5 code (+UFWINSTALL) */
	SARAFW_UFOTA_WHY_OLD,       /* the module answers with the version it had */
	SARAFW_UFOTA_WHY_NOANSWER,  /* it did not answer AT within the install time */
	SARAFW_UFOTA_WHY_VERSION,   /* it runs a new version, not cfg->expect_version */
} sarafw_ufota_why;

/* What the application is asked (§2.7.3: it has the last word). */
typedef enum sarafw_ufota_question {
	/* A download begins: true lets it run, false cancels it (AT+UFOTA=0
	 * or AT+ULWM2M=0, §2.3, allowed only while downloading, §2.6.5). */
	SARAFW_UFOTA_ASK_DOWNLOAD,
	/* 180 s passed since the download completed and the module has not
	 * reset (§2.6.4): true resets it through port->reset to start the
	 * install. */
	SARAFW_UFOTA_ASK_FAILSAFE,
} sarafw_ufota_question;

/* What the monitor tells (sarafw_ufota_config.event). */
typedef enum sarafw_ufota_event {
	SARAFW_UFOTA_EV_STATE,     /* the state changed */
	SARAFW_UFOTA_EV_PROGRESS,  /* the percent changed (downloading, installing) */
	SARAFW_UFOTA_EV_URC,       /* a URC came (urc is set): the LwM2M client's own news */
	SARAFW_UFOTA_EV_SOCKETS,   /* close the application's sockets now (§2.6.3) */
	SARAFW_UFOTA_EV_CANCEL,    /* the cancel command went out (urc NULL); OK or refused: sarafw_ufota_cancel_rc */
	SARAFW_UFOTA_EV_FAILSAFE,  /* 180 s without a reset: asked; sarafw_ufota_failsafe_rc says what came of it */
	SARAFW_UFOTA_EV_UPDATED,   /* §2.6.6: the new firmware runs: tell the cloud (sarafw_ufota_version) */
} sarafw_ufota_event;

struct sarafw_ufota;
typedef void (*sarafw_ufota_event_fn)(void *ctx, const struct sarafw_ufota *mon, sarafw_ufota_event ev,
				      const sarafw_ufota_urc *urc);

/* The failsafe window (§2.6.4) and the check loop's pace while the
 * module should reset (§2.6.4: "an AT interface check loop"). */
#ifndef SARAFW_UFOTA_FAILSAFE_MS
#define SARAFW_UFOTA_FAILSAFE_MS 180000u
#endif
#ifndef SARAFW_UFOTA_POLL_MS
#define SARAFW_UFOTA_POLL_MS 10000u
#endif
/* The same on a version of §2.6.2 before its configuration step: that
 * reboot (the module's own, a second after a ~4 kB download) is short. */
#ifndef SARAFW_UFOTA_CONFIG_POLL_MS
#define SARAFW_UFOTA_CONFIG_POLL_MS 1000u
#endif
/* One check: AT and its OK within this; two misses in a row mean the
 * module has reset to install. */
#ifndef SARAFW_UFOTA_CHECK_MS
#define SARAFW_UFOTA_CHECK_MS 2000u
#endif
#ifndef SARAFW_UFOTA_VERSION_MAX
#define SARAFW_UFOTA_VERSION_MAX 48u
#endif

/* Control bits: what the monitor sends at start (none while the module
 * may be installing). */
#define SARAFW_UFOTA_START_URCS 0x01u    /* cfg->urcs on (§2.2: recommended) */
#define SARAFW_UFOTA_START_INSTALL 0x02u /* SARA-R422 family: AT+UFWINSTALL=,,,1 (§2.6.4) */
#define SARAFW_UFOTA_START_VERSION 0x04u /* ATI9, to compare after the update (§2.6.6) */

typedef struct sarafw_ufota_config {
	uint32_t host_baud; /* the module's +IPR rate, as the line runs */
	uint8_t start;      /* SARAFW_UFOTA_START_* */
	/* SARAFW_URC_UFOTASTAT / SARAFW_URC_ULWM2MSTAT to switch on (at
	 * start with SARAFW_UFOTA_START_URCS, and after the update, §2.6.1);
	 * bits the variant lacks are skipped. */
	uint8_t urcs;
	uint8_t close_at;   /* percent at which EV_SOCKETS comes (0: 90); at the latest with the download's end */
	bool stop_at_end;   /* status leaves SARAFW_RUNNING at DONE or FAILED */
	bool no_backup;     /* skip +UBKUPDATA even where §2.6.6.1 asks */
	/* §8, §2.7.3: AT+CEDRXS=0 when a download begins; switching eDRX on
	 * again after the update is the application's (it knows its values) */
	bool edrx_off;
	/* Optional: the version the update must bring (ATI9's pair, or the
	 * modem version alone, as sarafw_install_config.expect), or NULL: any
	 * version other than the one before counts as done. */
	const char *expect_version;
	/* Optional: a clock in seconds that survives the host's reboot (an
	 * RTC), for the record's "since"; NULL: the port's time, and a
	 * restored failsafe window starts again from the restart (waiting
	 * longer is the safe side). */
	uint32_t (*clock_s)(void *ctx);
	/* Optional, must not block. decide NULL: downloads run, the failsafe
	 * resets (where the port can). */
	bool (*decide)(void *ctx, sarafw_ufota_question q);
	sarafw_ufota_event_fn event;
	void *ctx;
} sarafw_ufota_config;

/* The monitor. Caller-allocated; the dev (identified: its variant) and
 * cfg must outlive it. RAM: sizeof (about 0.3 KB with the installer it
 * runs for the install phase). It never blocks and never resets the
 * module but in the failsafe case, and then only through
 * sarafw_dev_reset(), which refuses while a record says installing. */
typedef struct sarafw_ufota {
	sarafw_dev *dev;
	const sarafw_ufota_config *cfg;
	sarafw_installer in;  /* the install phase: install.c's wait, check loop and duties after */
	sarafw_install_config icfg;
	uint32_t now;         /* the latest time seen */
	uint32_t t_done;      /* the download completed (DOWNLOADED), port time */
	uint32_t t_poll;      /* the next check (DOWNLOADED) */
	uint32_t old_hash;    /* the record's hash of the version before (after a host reboot), 0 unknown */
	int16_t status;
	int16_t cancel_rc;    /* SARAFW_RUNNING before a cancel */
	int16_t failsafe_rc;  /* SARAFW_RUNNING before the failsafe */
	uint16_t why_code;
	uint8_t state;        /* sarafw_ufota_state */
	uint8_t why;          /* sarafw_ufota_why */
	uint8_t percent;
	uint8_t op;           /* the line's use now (internal) */
	uint8_t todo;         /* commands due (internal) */
	uint8_t cur;          /* the command out (internal) */
	uint8_t misses;       /* checks without an answer */
	uint8_t flags;        /* (internal) */
	uint8_t saved_decile; /* the percent / 10 last saved */
	int8_t fw_state;      /* /5/0/3 read at start, -1 unknown */
	uint8_t out_len, out_pos;
	char cmd[24];         /* the command being written and "\r" */
	char old_version[SARAFW_UFOTA_VERSION_MAX]; /* ATI9 before the update, "" unknown */
	char version[SARAFW_UFOTA_VERSION_MAX];     /* ATI9 after it */
} sarafw_ufota;

/* Loads the record through dev's port and starts: a record of a uFOTA
 * download, a downloaded package or an install (method SARAFW_DL_LWM2M)
 * restores that state (an install: straight to the wait, nothing sent
 * but the check loop's AT). Where the variant has +ULWM2MREAD, /5/0/3
 * then says where the client really is: a download that ended or an
 * update that happened while the host was away, or one under way that
 * no record knew of. Returns SARAFW_OK; SARAFW_EINVAL (NULL, no
 * host_baud); SARAFW_ENOTSUP (no variant, or one without uFOTA). */
int sarafw_ufota_start(sarafw_ufota *mon, sarafw_dev *dev, const sarafw_ufota_config *cfg, uint32_t now);

/* Feed one URC line (for an application that reads lines itself; the
 * engine's input does this for the bytes it is given, so never both).
 * Returns what sarafw_ufota_parse returned. */
int sarafw_ufota_feed(sarafw_ufota *mon, const char *line, uint32_t now);

/* The commands the start asked for (SARAFW_UFOTA_START_*) have been
 * answered and no other is due: the URCs are on from here. */
bool sarafw_ufota_ready(const sarafw_ufota *mon);

/* Ask to cancel the download (§2.6.5). Returns SARAFW_OK (the command
 * goes out next), SARAFW_EINSTALL (downloaded or installing: too late),
 * SARAFW_EINVAL (no download). */
int sarafw_ufota_cancel(sarafw_ufota *mon);

sarafw_ufota_state sarafw_ufota_get_state(const sarafw_ufota *mon);
unsigned sarafw_ufota_percent(const sarafw_ufota *mon);
const char *sarafw_ufota_state_name(sarafw_ufota_state s); /* "idle", "downloading", ... */
/* Why the monitor failed, in words ("" when it did not). */
const char *sarafw_ufota_reason(const sarafw_ufota *mon);
/* The version after the update ("" before), and before it ("" unknown). */
const char *sarafw_ufota_version(const sarafw_ufota *mon);
const char *sarafw_ufota_old_version(const sarafw_ufota *mon);
/* Note §2.6.2's configuration step is done (the file applied, the
 * module back on the same version): the delta comes next. */
bool sarafw_ufota_configured(const sarafw_ufota *mon);
/* The installer's warnings (SARAFW_INSTALL_W_*) of the last install. */
unsigned sarafw_ufota_warnings(const sarafw_ufota *mon);

/* The engine (sarafw/dev.h). Status: SARAFW_RUNNING; with
 * cfg->stop_at_end, SARAFW_OK at DONE and at FAILED one of
 * SARAFW_ECANCEL (cancelled), SARAFW_EERROR (the download failed),
 * SARAFW_EFWINSTALL (the install failed: a Table 5 code or an update
 * result), SARAFW_EVERSION (the old firmware still runs, or another
 * version than cfg->expect_version),
 * SARAFW_ENOMODULE (no answer within the install time); SARAFW_EIO. */
size_t sarafw_ufota_output(sarafw_ufota *mon, const uint8_t **out);
void sarafw_ufota_sent(sarafw_ufota *mon, size_t n, uint32_t now);
size_t sarafw_ufota_input(sarafw_ufota *mon, const uint8_t *bytes, size_t n, uint32_t now);
void sarafw_ufota_tick(sarafw_ufota *mon, uint32_t now);
uint32_t sarafw_ufota_wait_ms(const sarafw_ufota *mon, uint32_t now);
int sarafw_ufota_status(const sarafw_ufota *mon);
extern const sarafw_engine sarafw_ufota_engine;

/* The blocking wrapper: steps the monitor until its status leaves
 * SARAFW_RUNNING or max_ms passed (0: no bound). Returns the status. */
int sarafw_ufota_run(sarafw_ufota *mon, uint32_t max_ms);

/* ---- Controls (blocking, over sarafw_cmd) ------------------------------------
 * The line buffer of dev must hold the +ULWM2MREAD answer: 2 x 300 bytes
 * (sarafw/at.h's rule) where lwm2m_at is set. */

/* The u-blox uFOTA server's short server id (§2.5.1) and Verizon's (B.1.2). */
#define SARAFW_UFOTA_SERVER_UBLOX 721u
#define SARAFW_UFOTA_SERVER_VERIZON 102u

/* Life timer (SRLT) in seconds: -1 disabled (+UFOTACONF only). Read with
 * AT+UFOTACONF=2 (§2.5.2) or AT+ULWM2MREAD of the /1 instance whose
 * short server id is 721 (§2.5.1). SARAFW_ENOTSUP where the variant has
 * neither; SARAFW_EPROTO for an answer without it. */
int sarafw_ufota_lifetime_get(sarafw_dev *dev, long *seconds);
/* Set: AT+UFOTACONF=2,<s> or AT+ULWM2MWRITE on /1/<i>/1. seconds -1
 * disables (+UFOTACONF only, §2.5.2; SARAFW_ENOTSUP elsewhere). Both
 * trigger a check-in. SARAFW_EINVAL below 1 s or above 2^31-1;
 * SARAFW_EERROR when the module refuses (the Softbank profile on 63B,
 * §2.5.1). */
int sarafw_ufota_lifetime_set(sarafw_dev *dev, long seconds);
/* Check in now: AT+ULWM2MREG=<server> (§2.8.4, B.1.1), or on the
 * +UFOTACONF versions the timer set again to what it is (§2.5.2: any set
 * triggers a check-in within 60 s). server 0: 721. */
int sarafw_ufota_checkin(sarafw_dev *dev, unsigned server);
/* Deregister until a reboot or +ULWM2MREG (§2.5.1). */
int sarafw_ufota_deregister(sarafw_dev *dev);

/* §2.8.4, SARA-R412M on 2G: the host's active contexts (AT+CGACT?) are
 * brought down (AT+CGACT=0,<cid>) so the LwM2M client can check in; the
 * bit (1 << cid) of each is set in *down for the application to bring
 * up again once the client is done (§2.8.4: after it released its own);
 * a context still active after that (the client's own) is not set.
 * Then the check-in. On another variant or RAT: the check-in alone.
 * gsm: the module is on 2G (AT+COPS? AcT 0 or 3), as the caller knows;
 * SARAFW_UFOTA_RAT_ASK reads it. */
#define SARAFW_UFOTA_RAT_ASK (-1)
int sarafw_ufota_checkin_2g(sarafw_dev *dev, unsigned server, int gsm, uint32_t *down);

/* §2.8.3 (52B, 02B-00..02 on the Verizon profile, +UMNOPROF: 3): uFOTA
 * goes through cid 3, whose APN must equal cid 1's: when they differ,
 * AT+CGDCONT=3,"IP","<cid 1's APN>". *changed says whether it was set.
 * SARAFW_OK also when there was nothing to do (another variant or
 * profile). */
int sarafw_ufota_vzw_apn_fix(sarafw_dev *dev, bool *changed);

/* The firmware object's State (/5/0/3) and Update Result (/5/0/5)
 * through AT+ULWM2MREAD (§2.5.1 style SenML). SARAFW_ENOTSUP where the
 * variant has no +ULWM2MREAD. */
int sarafw_ufota_read_fw(sarafw_dev *dev, int *state, int *result);
/* The first "v" of resource `res` ("1") in a SenML answer, or of the
 * first entry when res is NULL. SARAFW_OK or SARAFW_EPROTO. Exposed for
 * tests and fuzzing. */
int sarafw_ufota_senml_value(const char *json, const char *res, long *value);

/* Switch the update URCs on or off (§2.2): +UFOTASTAT and +ULWM2MSTAT
 * where the variant has them (urcs: SARAFW_URC_* bits; 0: all it has). */
int sarafw_ufota_urcs(sarafw_dev *dev, uint8_t urcs, bool on);

#ifdef __cplusplus
}
#endif
#endif
