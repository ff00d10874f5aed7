/* sarafw-sim: carrier profiles installed by AT+UDWNFILE=...,"PROFILE"
 * (note §5.2, B.1.2). The simulator reads a profile's id and name from
 * the file's first line, "MNO <id> <name>" (docs/behaviour.md), and
 * keeps the installed ones in the record "profiles" (key p<id>, value the
 * name); cmd_network.c lists them after its own in AT+UMNOPROF=? and
 * selects them with AT+UMNOPROF=<id>. */
#ifndef SIM_PROFILES_H
#define SIM_PROFILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash.h"

#define SIM_PROFILE_NAME_MAX 40 /* longest name kept, bytes */
#define SIM_PROFILE_HEAD_MAX 64 /* the first line must end within this */
#define SIM_PROFILES_MAX 16     /* installed profiles kept */

/* The first line of a profile file: "MNO <id> <name>" ended by LF or
 * CRLF, id 1..255, name 1..SIM_PROFILE_NAME_MAX printable characters.
 * 0 with id and name set, or -1 when the file is not one we can read. */
int sim_profile_parse(const uint8_t *p, size_t n, int *id, char name[SIM_PROFILE_NAME_MAX + 1]);

/* Installs (or replaces) profile id. 0, -ENOSPC past SIM_PROFILES_MAX,
 * or -errno. */
int sim_profiles_install(const struct sim_flash *f, int id, const char *name);

/* The name of installed profile id into name; false if not installed. */
bool sim_profiles_get(const struct sim_flash *f, int id, char name[SIM_PROFILE_NAME_MAX + 1]);

/* Removes every installed profile but id (0: all). 0, or -errno. */
int sim_profiles_keep_only(const struct sim_flash *f, int id);

/* The installed ids, ascending; returns how many (at most max). */
int sim_profiles_ids(const struct sim_flash *f, int *ids, int max);

#endif
