/* sarafw-sim: a blank flash is programmed as the factory would; a flash
 * written by another product version is refused. */
#ifndef SIM_FACTORY_H
#define SIM_FACTORY_H

#include <stddef.h>
#include <stdint.h>

#include "flash.h"
#include "variants.h"

/* Factory values of the NVM and PDP contexts (also used after a reset). */
void sim_factory_nvm(const struct sim_variant *v, struct sim_kv *kv);
int sim_factory_mno_profile(const struct sim_variant *v);

/* A valid 15-digit IMEI (Luhn check digit) derived from seed. */
void sim_factory_imei(uint32_t seed, char out[16]);

/* Writes the missing records (firmware last: it marks a programmed flash).
 * 0; -1 with a message in err when dir belongs to another variant or a
 * record cannot be written. */
int sim_factory_prepare(const struct sim_flash *f, const struct sim_variant *v, uint32_t seed,
			char *err, size_t cap);

#endif
