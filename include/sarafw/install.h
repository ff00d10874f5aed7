/* libsarafw: installing the package the module holds, AT+UFWINSTALL
 * (note §6), and everything the note asks of the host around it: keep
 * waiting and never reset meanwhile (§2.6.4), find the module again with
 * the check loop, read and compare the version (§2.6.6), switch the
 * update URCs back on (§2.6.1) and back up where §6.3 says so. */
#ifndef SARAFW_INSTALL_H
#define SARAFW_INSTALL_H

#include "sarafw/dev.h"
#include "sarafw/persist.h"
#include "sarafw/probe.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Table 5: the install's final result codes ---------------------------
 * note §6.1.5. What the host does next, per code. */
typedef enum sarafw_install_next {
	SARAFW_NEXT_NONE = 0,    /* 128: installed */
	SARAFW_NEXT_RETRY,       /* run the install again (the package is still there) */
	SARAFW_NEXT_DOWNLOAD,    /* download the package again, then install */
	SARAFW_NEXT_PACKAGE,     /* the package does not fit this module or firmware: get the right one */
	SARAFW_NEXT_KEY,         /* the module's FOTA key: a package signed for it, or u-blox support */
	SARAFW_NEXT_SUPPORT,     /* a flash or RAM fault: contact u-blox technical support */
} sarafw_install_next;

/* The meanings and next steps cost about 1.4 KB of Cortex-M4 flash; a
 * build with -DSARAFW_INSTALL_TEXT=0 leaves them empty ("") and keeps the
 * codes, their next step and their rate. */
#ifndef SARAFW_INSTALL_TEXT
#define SARAFW_INSTALL_TEXT 1
#endif

typedef struct sarafw_install_code {
	uint8_t code;           /* 128..247 */
	uint8_t next;           /* sarafw_install_next */
	bool primary_115200;    /* sent on the primary UART at 115200 b/s, whatever
	                         * +UFWINSTALL set (Table 5's third column) */
	const char *meaning;    /* the note's words ("" with SARAFW_INSTALL_TEXT 0) */
} sarafw_install_code;

/* Table 5's row for code, or NULL for a code the note does not list
 * ("contact u-blox technical support"). */
const sarafw_install_code *sarafw_install_code_find(unsigned code);
/* One line saying what to do next; never NULL. */
const char *sarafw_install_next_text(sarafw_install_next next);

/* The code that means success. */
#define SARAFW_INSTALL_OK_CODE 128u

/* <Serial_Port_Number> (note §6.1.2) values, and "leave it out". */
#define SARAFW_INSTALL_PORT_NONE 0u   /* no URCs at all */
#define SARAFW_INSTALL_PORT_UART 1u
#define SARAFW_INSTALL_PORT_AUX 2u
#define SARAFW_INSTALL_PORT_OMIT 0xFFu /* the port the command is issued on */

/* How long the line may stay quiet while the module installs before the
 * host checks with AT (the check loop, note §2.6.4): where URCs come on
 * this line, a real install steps its progress at least this often;
 * where none come (SARA-R410M/R412M, another port, a resumed wait), the
 * check runs this often. */
#ifndef SARAFW_INSTALL_QUIET_MS
#define SARAFW_INSTALL_QUIET_MS 60000u
#endif
#ifndef SARAFW_INSTALL_POLL_MS
#define SARAFW_INSTALL_POLL_MS 10000u
#endif
/* One check: AT attempts for this long (the probe engine), then quiet. */
#ifndef SARAFW_INSTALL_CHECK_MS
#define SARAFW_INSTALL_CHECK_MS 3000u
#endif

typedef enum sarafw_install_phase {
	SARAFW_INSTALL_START,    /* AT+UFWINSTALL sent (not in a resumed wait) */
	SARAFW_INSTALL_WAIT,     /* the module installs: value = ms since the install began (as far
	                          * as known), total = what this wait may last */
	SARAFW_INSTALL_PROGRESS, /* +UFWINSTALL: <value> (1..100), SARA-R422 family */
	SARAFW_INSTALL_RESULT,   /* the final code: value (Table 5) */
	SARAFW_INSTALL_BAUD,     /* the host follows the module to value b/s */
	SARAFW_INSTALL_BOOT,     /* waiting for the module to answer AT */
	SARAFW_INSTALL_VERSION,  /* the version was read (sarafw_install_version) */
	SARAFW_INSTALL_URCS,     /* switching the update URCs back on */
	SARAFW_INSTALL_BACKUP,   /* AT+UBKUPDATA (§6.3) and the reboot after it */
	SARAFW_INSTALL_DONE,
} sarafw_install_phase;

/* Warnings of a finished install (sarafw_install_warnings): the firmware
 * is in, but the host should know. */
#define SARAFW_INSTALL_W_NO_RESULT 0x01u /* URCs were due on this line but no final code came */
#define SARAFW_INSTALL_W_URCS 0x02u      /* switching an update URC on failed */
#define SARAFW_INSTALL_W_BACKUP 0x04u    /* +UBKUPDATA failed (§6.3) */
#define SARAFW_INSTALL_W_VERSION 0x08u   /* the version could not be read */

typedef struct sarafw_install_config {
	uint32_t host_baud;  /* the rate the host's line runs at now (the module's +IPR) */
	/* SARA-R422 family (note §6.1.1): where and how fast the progress
	 * and result URCs go. port SARAFW_INSTALL_PORT_OMIT leaves both
	 * parameters out; baud 0 leaves the rate out (the URCs then come at
	 * host_baud). 115200 is the safe rate: Table 5 sends codes 130..132
	 * there whatever was set, and a line sent at a rate the host is not
	 * listening at is lost (the check loop and the version still tell
	 * the outcome). Other families send plain AT+UFWINSTALL (§6.2). */
	uint8_t port;
	uint32_t baud;
	/* Expected version after the install, or NULL: ATI9's pair
	 * ("L0.0.00.00.05.12,A.02.19") or the modem version alone. */
	const char *expect;
	/* Optional: receives the version read afterwards, as ATI9 prints it
	 * (or +CGMR's version where ATI9 gives none). */
	char *version;
	size_t version_size;
	/* SARAFW_URC_UFOTASTAT / SARAFW_URC_ULWM2MSTAT to switch on once the
	 * new firmware runs (§2.6.1); bits the variant lacks are skipped. */
	uint8_t urcs;
	bool no_backup;      /* skip +UBKUPDATA even where §6.3 asks for it */
	/* A wait resumed after the host rebooted mid-install (the record
	 * said installing): no command, no reset; wait what is left of the
	 * record's bound (elapsed_ms of it passed, 0 if unknown). */
	bool resume;
	uint32_t elapsed_ms;
	uint8_t method;      /* sarafw_download: how the package came, for the record */
	uint32_t since;      /* the record's "since" (a clock that survives the host's reboot) */
	/* Optional, must not block. */
	void (*progress)(void *ctx, sarafw_install_phase phase, uint32_t value, uint32_t total);
	void *progress_ctx;
} sarafw_install_config;

/* ---- The install engine --------------------------------------------------
 * Sans-I/O (see sarafw_engine in sarafw/dev.h). The engine has no abort:
 * once AT+UFWINSTALL is out, the install cannot be cancelled (note §2.4)
 * and the module must not be reset (§2.6.4, §6). A host that stops
 * waiting (Ctrl-C, a shutdown) leaves the module installing, and the
 * record saved through dev's port tells it so when it starts again.
 *
 * The one port call it makes is port->save_state (sarafw_dev_save_state):
 * "installing" is stored before the command goes out and cleared once the
 * module answers AT again or refused the command. A port without storage
 * still protects this run (dev->installing); a failing store stops the
 * install before the command.
 *
 * The flow: AT+UFWINSTALL[=<port>[,<baud>]] and its OK; then, up to the
 * variant's install_max_ms (plus boot_ms), the progress URCs
 * ("+UFWINSTALL: <n>", also "+UUFWINSTALL: <n>" as §2.4 prints it) and
 * the final code above 100. The host follows the URCs' rate; bytes that
 * make no sense at it switch the host to 115200 and back, since Table 5
 * sends some codes there. Where no URCs are due on this line, and after a
 * quiet SARAFW_INSTALL_QUIET_MS, the check loop (the probe engine) asks AT
 * now and then. Once the module answers: ATI9 (and AT+CGMR on SARA-R410M/
 * R412M), the comparison with cfg->expect, the URCs of cfg->urcs, and
 * AT+UBKUPDATA where the variant has Backup & Restore outside the
 * SARA-R422 family (which backs up by itself, §6.3).
 *
 * RAM: see sizeof (examples/objects.c, `make size`); the caller's
 * sarafw_dev with its 128-byte line buffer does the rest. */
typedef struct sarafw_installer {
	sarafw_dev *dev;                  /* identified: its variant says the family */
	const sarafw_install_config *cfg; /* the caller's, kept until the end */
	sarafw_prober probe;
	uint32_t begin;      /* when the wait began */
	uint32_t end;        /* the wait's bound */
	uint32_t quiet;      /* the next check, when the line stays quiet */
	uint32_t bound;      /* end - begin, for the progress */
	uint32_t line_baud;  /* the rate the host's line runs at */
	uint32_t want_baud;  /* a rate switch asked for (0: none) */
	int16_t status;
	int16_t rc;          /* the outcome so far */
	uint16_t result;     /* the final code, 0 before */
	uint8_t state;
	uint8_t step;        /* of the commands after the install */
	uint8_t percent;
	uint8_t warnings;    /* SARAFW_INSTALL_W_* */
	uint8_t urcs_due;    /* progress URCs come on this line */
	uint8_t garbled;     /* bytes that made no sense since the last line */
	uint8_t scan;        /* the URC scanner's position */
	uint8_t got;         /* this command's response was taken */
	uint8_t version;     /* VER_* bits: read, matched */
	uint8_t next;        /* the state after a rate switch */
	uint8_t out_len;     /* of cmd, being written */
	uint8_t out_pos;
	uint16_t value;      /* the URC scanner's number */
	char cmd[24];        /* AT+UFWINSTALL=2,460800 and "\r" */
} sarafw_installer;

/* Checks the config, saves the record and starts (or, with cfg->resume,
 * starts waiting). Returns SARAFW_OK or the status: SARAFW_EINVAL (a
 * port or rate §6.1.2 does not list, NULL config); SARAFW_ENOTSUP (no
 * variant, a variant without FOAT, a rate switch without
 * port->set_baud); the error of a failing record store. cfg must stay
 * valid until the engine has finished. */
int sarafw_install_start(sarafw_installer *in, sarafw_dev *dev, const sarafw_install_config *cfg, uint32_t now);
size_t sarafw_install_output(sarafw_installer *in, const uint8_t **out);
void sarafw_install_sent(sarafw_installer *in, size_t n, uint32_t now);
size_t sarafw_install_input(sarafw_installer *in, const uint8_t *in_bytes, size_t n, uint32_t now);
void sarafw_install_tick(sarafw_installer *in, uint32_t now);
uint32_t sarafw_install_wait_ms(const sarafw_installer *in, uint32_t now);
uint32_t sarafw_install_baud(const sarafw_installer *in);
void sarafw_install_baud_done(sarafw_installer *in, int rc, uint32_t now);
/* The port failed: the engine ends with err; the record stays. */
void sarafw_install_io_error(sarafw_installer *in, int err, uint32_t now);
/* SARAFW_RUNNING; SARAFW_OK (installed and, if asked, the version
 * matches); SARAFW_EERROR (the module refused AT+UFWINSTALL: "+CME
 * ERROR: operation not allowed" means no package, §6;
 * sarafw_dev_last_error; SARAFW_EERROR1 or SARAFW_EPROTO for the other
 * final result codes); SARAFW_EFWINSTALL (a final code other than 128:
 * sarafw_install_result; the old firmware runs); SARAFW_EVERSION
 * (installed, but the version differs from cfg->expect);
 * SARAFW_ENOMODULE / SARAFW_EGARBLED (no answer within the install bound
 * and the boot time); SARAFW_EBAUDBACK (the host could not follow the
 * module's rate); SARAFW_EIO. */
int sarafw_install_status(const sarafw_installer *in);
/* The final code seen (128.., Table 5), or 0. */
unsigned sarafw_install_result(const sarafw_installer *in);
/* SARAFW_INSTALL_W_* of a finished install. */
unsigned sarafw_install_warnings(const sarafw_installer *in);
extern const sarafw_engine sarafw_install_engine;

/* The blocking install: a loop of sarafw_dev_step() over the engine.
 * Returns its status; result (may be NULL) gets the final code. */
int sarafw_install(sarafw_dev *dev, const sarafw_install_config *cfg, unsigned *result);

/* After a host reboot, sarafw_dev_load_state() and
 * sarafw_persist_installing() tell whether a wait must resume: then run
 * the engine with cfg->resume (and the record's method and since). */

#ifdef __cplusplus
}
#endif
#endif
