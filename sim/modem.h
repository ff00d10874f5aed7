/* sarafw-sim: the simulated module. Sans-I/O: bytes from the host come in
 * through sim_modem_input(), bytes to the host leave through io.write, time
 * comes from the clock and timers; the main loop owns the PTY and poll().
 *
 * Extending it:
 * - a command is one entry of the const table in commands.c pointing to a
 *   handler (sim_cmd_fn) in a file named for its topic (cmd_*.c);
 * - a handler returns SIM_OK, a +CME code (> 0), SIM_ERROR, SIM_DONE (it sent
 *   its own final result) or SIM_PENDING (it will call sim_modem_final()
 *   later, e.g. from a timer). While a command is pending the modem reads
 *   no input (unless an engine took it): the host's bytes wait in the
 *   PTY, as on a busy module;
 * - sim_modem_after() arms a timer on module time (scaled clock);
 * - sim_modem_take_input() hands every byte from the host to another engine
 *   (the XMODEM receiver of +UFWUPD) until it calls sim_modem_release_input().
 *   Typical +UFWUPD: the handler takes the input, arms its timers and
 *   returns SIM_PENDING; the engine writes replies with sim_modem_write()
 *   and at the end releases the input and calls sim_modem_final(). An
 *   engine may consume fewer bytes than offered; if it takes none, the
 *   rest is held and offered again 1 ms later.
 */
#ifndef SIM_MODEM_H
#define SIM_MODEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "atcmd.h"
#include "audit.h"
#include "clock.h"
#include "download.h"
#include "flash.h"
#include "timer.h"
#include "ufwupd.h"
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
	SIM_CME_MEMORY_FAILURE = 23,
	SIM_CME_TEXT_TOO_LONG = 24,
	SIM_CME_INCORRECT_PARAMS = 50,
	SIM_CME_UNKNOWN = 100,
	/* note §7 gives only the text; the number is ours (docs/behaviour.md) */
	SIM_CME_FOTA_IN_USE = 1602,
};
const char *sim_cme_text(int code);

struct sim_modem;
typedef int (*sim_cmd_fn)(struct sim_modem *m, const struct sim_at_req *req);

struct sim_cmd {
	const char *name; /* as sim_at_req.name: "+CGMI", "E", "" (bare AT) */
	sim_cmd_fn fn;
};
extern const struct sim_cmd sim_commands[]; /* ends with {NULL, NULL} */

struct sim_modem_io {
	void (*write)(void *ctx, const void *p, size_t n);
	/* Switch the UART rate once all bytes written so far are on the wire. */
	void (*set_baud)(void *ctx, uint32_t baud);
	void *ctx;
};

/* An engine that takes the raw byte stream from the AT parser for a while. */
struct sim_input_engine {
	/* Returns how many bytes it consumed (all, unless it released input). */
	size_t (*input)(struct sim_modem *m, void *ctx, const uint8_t *p, size_t n);
};

/* Settings the module keeps in NVM (record "nvm"). */
struct sim_nvm {
	int echo;       /* ATE */
	int cmee;       /* +CMEE */
	uint32_t ipr;   /* +IPR */
	int csgt_mode;  /* +CSGT */
	char csgt_text[50];
	int mno_profile; /* +UMNOPROF, in effect from the next boot */
	char cpms[3][3]; /* +CPMS mem1..mem3: "ME" or "SM" */
};

enum sim_power { SIM_POWER_BOOTING, SIM_POWER_ON };

struct sim_modem_config {
	const struct sim_variant *variant;
	struct sim_flash *flash; /* prepared by sim_factory_prepare() */
	struct sim_clock *clock;
	struct sim_audit *audit; /* may be NULL */
	struct sim_modem_io io;
};

struct sim_modem {
	const struct sim_variant *v;
	struct sim_flash *flash;
	struct sim_clock *clock;
	struct sim_audit *audit;
	struct sim_modem_io io;
	struct sim_timers timers;
	struct sim_atline line;
	struct sim_atline boot_line; /* what the host typed while AT was unavailable */
	const struct sim_input_engine *engine;
	void *engine_ctx;
	bool pending;  /* a command awaits its final result */
	uint8_t held[512]; /* input that arrived with the pending command */
	size_t held_len;
	bool info_open; /* an information response has begun */
	enum sim_power power;
	uint32_t boots;
	int boot_audits;

	/* flash */
	struct sim_nvm nvm;
	char imei[16];
	char fw_modem[32], fw_app[32];

	/* volatile, reset at each boot */
	int mno_active; /* profile in effect since boot */
	int cfun;
	int cereg_mode;
	int reg_stat; /* 0 not registered, 1 home, 2 searching */
	int reg_timer;
	bool mnoprof_versions; /* AT+UMNOPROF=,1 */
	int ufotastat;
	int ulwm2mstat;
	enum sim_download download; /* note §7: one download method at a time */
	bool psm_held;              /* note §8: PSM held off while it runs */
	struct sim_ufwupd ufwupd;
};

/* Loads the flash records and powers the module on (boot in progress).
 * 0, or -errno when a record cannot be read. */
int sim_modem_init(struct sim_modem *m, const struct sim_modem_config *cfg);

/* Bytes from the host (already through the line: garbled if the baud
 * rates differ). */
void sim_modem_input(struct sim_modem *m, const uint8_t *p, size_t n);

/* false while a command is pending without an engine, or while held
 * bytes wait: leave the host's bytes in the PTY. */
bool sim_modem_wants_input(const struct sim_modem *m);

/* Module time of the next timer, UINT64_MAX if none (0 when held input
 * waits); and running them. The main loop reads at most sizeof held bytes
 * per sim_modem_input() call. */
uint64_t sim_modem_next_due(const struct sim_modem *m);
void sim_modem_tick(struct sim_modem *m);

/* For handlers. */
uint64_t sim_modem_now(const struct sim_modem *m);
int sim_modem_after(struct sim_modem *m, uint32_t delay_ms, sim_timer_fn fn, int arg);
void sim_modem_cancel(struct sim_modem *m, int timer_id);
void sim_modem_take_input(struct sim_modem *m, const struct sim_input_engine *e, void *ctx);
void sim_modem_release_input(struct sim_modem *m);
void sim_modem_info(struct sim_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_modem_urc(struct sim_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_modem_final(struct sim_modem *m, int result);
void sim_modem_write(struct sim_modem *m, const void *p, size_t n); /* raw bytes */
int sim_modem_save_nvm(struct sim_modem *m); /* SIM_OK or SIM_CME_MEMORY_FAILURE */
/* Power cycle: volatile state lost, AT unavailable for the boot time. */
void sim_modem_reboot(struct sim_modem *m);

/* Hooks of the topic files, called by the modem core. */
void sim_network_boot_done(struct sim_modem *m);
void sim_network_cfun(struct sim_modem *m, int fun);

#endif
