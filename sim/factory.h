/* sarafw-sim: a blank flash is programmed as the factory would; a flash
 * written by another product version is refused. */
#ifndef SIM_FACTORY_H
#define SIM_FACTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash.h"
#include "variants.h"

/* Factory values of the NVM and PDP contexts (also used after a reset). */
void sim_factory_nvm(const struct sim_variant *v, struct sim_kv *kv);
int sim_factory_mno_profile(const struct sim_variant *v);

/* A valid 15-digit IMEI (Luhn check digit) derived from seed. */
void sim_factory_imei(uint32_t seed, char out[16]);

/* The IMEI of a fleet's module i (sarafw-sim --fleet): valid, and
 * distinct for every i below 1,000,000 (the 6-digit serial numbers of one
 * TAC) whatever the seed; sim_factory_imei's hashed serials collide within
 * a few thousand modules, and two modules with one IMEI take each other's
 * registration. */
void sim_factory_imei_nth(uint32_t seed, uint32_t i, char out[16]);

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

/* What a new flash is programmed with (main.c's --firmware,
 * --firmware-version, --fota-key); NULL members take the defaults: the
 * variant's versions, its built-in image (sim_factory_image) and the
 * project's demo key. */
struct sim_provision {
	const char *image;   /* file with the running firmware image */
	const char *version; /* "MODEM,APP" as ATI9 prints it */
	const char *key;     /* the module's FOTA public key file */
	const char *imei;    /* the IMEI to program instead of one from seed */
};
#define SIM_FACTORY_IMAGE_SIZE (128u * 1024u)
#define SIM_FACTORY_KEY_MAX 4096u

/* sim_factory_prepare() with p (may be NULL). A flash already programmed
 * keeps what it holds: p is not used then, except that a missing image
 * (a flash from before images existed) is built in. */
int sim_factory_prepare_with(const struct sim_flash *f, const struct sim_variant *v,
			     const uint32_t *seed, const struct sim_provision *p, char *err,
			     size_t cap);

/* The demo public key a flash gets without --fota-key (PEM). */
extern const char sim_factory_demo_key[];

/* true for "MODEM,APP": two non-empty parts of visible characters. */
bool sim_factory_version_ok(const char *version);

/* The built-in image of a variant at a version: SIM_FACTORY_IMAGE_SIZE
 * bytes derived from both (tests rebuild it from the state dir). */
void sim_factory_image(const struct sim_variant *v, const char *modem, const char *app,
		       uint8_t *out, size_t n);

#endif
