/* sarafw-sim: a feature of the simulated module (identity, network,
 * +UFWUPD, the FOTA area...). A feature is one const descriptor: its AT
 * command rows, its hooks and the size of its own state struct. The list
 * of features is features.c; the modem core loops over it and calls no
 * feature by name. Features may call each other's functions (download.h,
 * fota.h).
 *
 * State: the core gives each feature state_size bytes, zeroed at every
 * power-on (start, reset, power cut): what a feature keeps across a power
 * cycle is in the flash, which its power_on hook reads back. A feature
 * reaches its state with sim_feature_state(m, &its_descriptor); there is
 * no global mutable state (tests run several modems at once). */
#ifndef SIM_FEATURE_H
#define SIM_FEATURE_H

#include <stddef.h>

#include "modem.h"

struct sim_feature {
	const char *name;
	const struct sim_cmd *cmds; /* ends with a row whose name is NULL; may be NULL */
	size_t state_size;
	/* Hooks, all optional; st is the feature's state. In the order the
	 * core calls them: */
	/* before a reset or power cut zeroes st: release what it holds (files) */
	void (*power_off)(struct sim_modem *m, void *st);
	/* power-on, st zeroed: take the feature's keys of the "nvm" record */
	void (*nvm_load)(struct sim_modem *m, void *st, const struct sim_kv *nvm);
	/* power-on, after every nvm_load: read its records, repair what a
	 * power cut left (power-cut recovery), set boot values. A negative
	 * -errno makes sim_modem_init() fail (a record that must exist). */
	int (*power_on)(struct sim_modem *m, void *st);
	/* the boot time is over: AT answers from now on */
	void (*boot_done)(struct sim_modem *m, void *st);
	/* AT+CFUN=0/1/4 changed the functionality level */
	void (*cfun)(struct sim_modem *m, void *st, int fun);
	/* before any AT command runs: SIM_OK, or the result to answer instead
	 * (the handler does not run) */
	int (*check)(struct sim_modem *m, void *st, const struct sim_at_req *req);
	/* sim_modem_tick(): after the timers */
	void (*tick)(struct sim_modem *m, void *st);
	/* sim_modem_save_nvm(): add the feature's keys to the "nvm" record */
	void (*nvm_save)(const struct sim_modem *m, const void *st, struct sim_kv *nvm);
};

/* The features, in the order their hooks run; NULL-terminated. */
extern const struct sim_feature *const sim_features[];

/* The state of feature f in modem m. */
void *sim_feature_state(struct sim_modem *m, const struct sim_feature *f);

#endif
