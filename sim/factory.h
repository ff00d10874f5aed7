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

/* A valid IMEI with a random serial number (getrandom(2)); 0, or -1 if
 * the system has no randomness to give. */
int sim_factory_random_imei(char out[16]);

/* True for 15 digits with a valid Luhn check digit. */
int sim_factory_imei_ok(const char *imei);

/* Writes the missing records (firmware last: it marks a programmed flash).
 * The IMEI comes from *seed (--seed), or is random when seed is NULL, and
 * is kept in the identity record: an identity written before a power cut
 * cut the programming short is kept too.
 * 0; -1 with a message in err when dir belongs to another variant or a
 * record cannot be written. */
int sim_factory_prepare(const struct sim_flash *f, const struct sim_variant *v,
			const uint32_t *seed, char *err, size_t cap);

#endif
