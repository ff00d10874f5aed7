/* sarafw-sim: the simulated module's core. Sans-I/O: bytes from the host
 * come in through sim_modem_input(), bytes to the host leave through
 * io.write, time comes from the clock and timers; the main loop owns the
 * PTY and poll().
 *
 * The core owns what every mode and feature shares: the line (input
 * routing, output framing, held input), the clock and timers, the flash
 * and the audit, the mode, the power state (boot, CFUN) and the interface
 * settings kept in NVM (echo, +CMEE, +IPR). Everything else is a feature
 * (feature.h): a const descriptor with its AT command rows, its hooks and
 * its own state, listed in features.c. The core calls features only
 * through that list, never by name.
 *
 * Modes (enum sim_mode, modes.c) decide where host input goes:
 * - BOOTING: AT unavailable (note §2.4, §5.1), input lost and audited;
 * - AT: the V.250 parser; a line runs a command row of a feature;
 * - RAW: an input engine takes every byte (the XMODEM window of +UFWUPD,
 *   the '>' stream of +UDWNFILE): sim_modem_take_input();
 * - INSTALL: Firmware Install Mode (note §6), AT unavailable, input lost;
 * - FLASH: the bootloader, which speaks a binary protocol: bytes go to the
 *   engine given to sim_modem_set_mode(), or are lost when there is none.
 *
 * Commands: a handler returns SIM_OK, a +CME code (> 0), SIM_ERROR,
 * SIM_DONE (it sent its own final result) or SIM_PENDING (it will call
 * sim_modem_final() later, e.g. from a timer). While a command is pending
 * in AT mode the modem reads no input: the host's bytes wait in the PTY,
 * as on a busy module. An engine may consume fewer bytes than offered; if
 * it takes none, the rest is held and offered again 1 ms later.
 */
#ifndef SIM_MODEM_H
#define SIM_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "atcmd.h"
#include "audit.h"
#include "clock.h"
#include "flash.h"
#include "timer.h"
#include "variants.h"

/* Handler results besides SIM_OK (0) and +CME ERROR codes (> 0). */
#define SIM_OK 0
#define SIM_PENDING (-1) /* final result comes later via sim_modem_final() */
#define SIM_DONE (-2)    /* the handler already sent its final result */
#define SIM_ERROR (-3)   /* plain "ERROR" whatever +CMEE says */
#define SIM_ERROR1 (-4)  /* "ERROR1": note §5.1.1.3, XMODEM start timeout */

/* 3GPP TS 27.007 §9.2 numbers. */
enum sim_cme {
	SIM_CME_NOT_ALLOWED = 3,
	SIM_CME_NOT_SUPPORTED = 4,
	SIM_CME_MEMORY_FULL = 20,
	SIM_CME_NOT_FOUND = 22,
	SIM_CME_MEMORY_FAILURE = 23,
	SIM_CME_TEXT_TOO_LONG = 24,
	SIM_CME_INCORRECT_PARAMS = 50,
	SIM_CME_UNKNOWN = 100,
	/* note §7 gives only the text; the number is ours (docs/behaviour.md) */
	SIM_CME_FOTA_IN_USE = 1602,
};
const char *sim_cme_text(int code);

/* Where host input goes (modes.c). */
enum sim_mode {
	SIM_MODE_BOOTING, /* AT unavailable while the module boots */
	SIM_MODE_AT,      /* the AT parser */
	SIM_MODE_RAW,     /* an input engine has the byte stream */
	SIM_MODE_INSTALL, /* Firmware Install Mode: AT unavailable (note §6) */
	SIM_MODE_FLASH,   /* bootloader: a binary protocol, no AT */
	SIM_MODE_COUNT,
};
#define SIM_IN(mode) (1u << (mode)) /* sets of modes (command rows) */
#define SIM_IN_AT SIM_IN(SIM_MODE_AT)

const char *sim_mode_name(enum sim_mode mode);

struct sim_modem;
struct sim_net_config; /* netdl.h */
typedef int (*sim_cmd_fn)(struct sim_modem *m, const struct sim_at_req *req);

/* One AT command of a feature. The core answers before the handler runs:
 * a command the variant lacks (cap) with +CME 4, a form the row does not
 * take with +CME 50, a row that does not exist in the current mode as an
 * unknown command. */
struct sim_cmd {
	const char *name; /* as sim_at_req.name: "+CGMI", "E", "" (bare AT) */
	unsigned forms;   /* SIM_FORM_* (atcmd.h) it accepts */
	uint32_t cap;     /* SIM_CAP_* (variants.h) it needs; 0: every variant */
	unsigned modes;   /* SIM_IN(...) the command exists in */
	sim_cmd_fn fn;
};

struct sim_modem_io {
	void (*write)(void *ctx, const void *p, size_t n);
	/* Switch the UART rate once all bytes written so far are on the wire. */
	void (*set_baud)(void *ctx, uint32_t baud);
	void *ctx;
};

/* An engine that takes the raw byte stream (RAW and FLASH modes). */
struct sim_input_engine {
	/* Returns how many bytes it consumed (all, unless it released input). */
	size_t (*input)(struct sim_modem *m, void *ctx, const uint8_t *p, size_t n);
};

/* The interface settings the core keeps in NVM (record "nvm"); features
 * add their own keys to the same record (feature.h). */
struct sim_nvm {
	int echo;     /* ATE */
	int cmee;     /* +CMEE */
	uint32_t ipr; /* +IPR */
};

struct sim_modem_config {
	const struct sim_variant *variant;
	struct sim_flash *flash; /* prepared by sim_factory_prepare() */
	struct sim_clock *clock;
	struct sim_audit *audit; /* may be NULL */
	struct sim_modem_io io;
	/* the AUX UART (--aux-link); write NULL: not connected */
	struct sim_modem_io aux;
	/* --power-cut: the named moment at which power fails, or NULL */
	const char *power_cut;
	/* --rat, --bandwidth, --net-fault (netdl.h); may be NULL */
	struct sim_net_config *net;
};

/* Room for the features' state structs (feature.h). */
#ifndef SIM_FEATURES_MAX
#define SIM_FEATURES_MAX 24
#endif
#ifndef SIM_FEATURE_STATE_MAX
#define SIM_FEATURE_STATE_MAX 32768
#endif

struct sim_modem {
	const struct sim_variant *v;
	struct sim_flash *flash;
	struct sim_clock *clock;
	struct sim_audit *audit;
	struct sim_modem_io io;
	struct sim_modem_io aux; /* the AUX UART; write NULL when absent */
	const char *power_cut; /* --power-cut point, or NULL */
	struct sim_net_config *net; /* radio rate and network faults, or NULL */
	struct sim_timers timers;

	enum sim_mode mode;
	const struct sim_input_engine *engine; /* RAW and FLASH modes */
	void *engine_ctx;
	struct sim_atline line;      /* AT mode */
	struct sim_atline lost_line; /* what the host typed while AT was unavailable */
	int lost_audits;             /* audit events for it since power-on */
	bool pending;                /* a command awaits its final result */
	uint8_t held[512];           /* input that arrived with the pending command */
	size_t held_len;
	bool info_open; /* an information response has begun */
	char urc_held[1024]; /* URCs that came while the host typed a line */
	size_t urc_held_len;
	int urc_timer;
	uint32_t boots;
	int cfun; /* +CFUN level since boot (features follow it: cfun hook) */

	struct sim_nvm nvm;

	void *state[SIM_FEATURES_MAX]; /* each feature's state, in list order */
	_Alignas(max_align_t) unsigned char state_mem[SIM_FEATURE_STATE_MAX];
};

/* Loads the flash records and powers the module on (boot in progress).
 * 0, -ENOMEM when the features' state does not fit, or -errno when a
 * record cannot be read. */
int sim_modem_init(struct sim_modem *m, const struct sim_modem_config *cfg);

/* The moments --power-cut can name: a feature calls this at each; when
 * it is the configured one the power fails there and then (SIGKILL: what
 * the module had queued for the line is lost, the flash keeps what was
 * written). */
#define SIM_POWER_CUT_POINTS                                                               \
	"stored (a download's package committed, before the module answers),\n"           \
	"                    install:P (the install's progress reached P, 0..100),\n"      \
	"                    install-commit (the new firmware in place, before its records),\n" \
	"                    install-done (the package deleted, before the journal),\n"    \
	"                    net:N (an FTP/HTTP download has N bytes synced)"
void sim_modem_checkpoint(struct sim_modem *m, const char *point);
bool sim_power_cut_point_ok(const char *point);

/* Sends the URCs held while the host was typing a command line. */
void sim_modem_flush_urcs(struct sim_modem *m);

/* Bytes from the host (already through the line: garbled if the baud
 * rates differ). */
void sim_modem_input(struct sim_modem *m, const uint8_t *p, size_t n);

/* false while a command is pending in AT mode, or while held bytes wait:
 * leave the host's bytes in the line's receive buffer. */
bool sim_modem_wants_input(const struct sim_modem *m);

/* Module time of the next timer, UINT64_MAX if none (0 when held input
 * waits); and running them. The main loop reads at most sizeof held bytes
 * per sim_modem_input() call. */
uint64_t sim_modem_next_due(const struct sim_modem *m);
void sim_modem_tick(struct sim_modem *m);

/* For features. */
uint64_t sim_modem_now(const struct sim_modem *m);
int sim_modem_after(struct sim_modem *m, uint32_t delay_ms, sim_timer_fn fn, int arg);
void sim_modem_cancel(struct sim_modem *m, int timer_id);
/* Mode RAW with engine e until sim_modem_release_input() (back to AT). */
void sim_modem_take_input(struct sim_modem *m, const struct sim_input_engine *e, void *ctx);
void sim_modem_release_input(struct sim_modem *m);
/* Any mode; e (may be NULL) takes the input in RAW and FLASH modes. */
void sim_modem_set_mode(struct sim_modem *m, enum sim_mode mode, const struct sim_input_engine *e,
			void *ctx);
void sim_modem_info(struct sim_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_modem_urc(struct sim_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_modem_final(struct sim_modem *m, int result);
void sim_modem_write(struct sim_modem *m, const void *p, size_t n); /* raw bytes */
/* One line (CR LF framed) on the AUX UART at baud; logged. */
void sim_modem_aux_line(struct sim_modem *m, uint32_t baud, const char *text);
int sim_modem_save_nvm(struct sim_modem *m); /* SIM_OK or SIM_CME_MEMORY_FAILURE */
/* Power cycle: volatile state lost, AT unavailable for the boot time. */
void sim_modem_reboot(struct sim_modem *m);
/* +CFUN=0/1/4: sets the level and tells every feature. */
void sim_modem_set_cfun(struct sim_modem *m, int fun);

#endif
