/* The uFOTA configuration file of the legacy product versions (note
 * §2.6.2: SARA-R410M-02B-00/01, -52B-00/01, SARA-R412M-02B-00/01): "after
 * the reboot, the module will check in again with the uFOTA server to
 * proceed with the download of a configuration file (~4 kB), reboot
 * again, then will proceed with the delta packages". docs/ufota-config.md
 * gives the format: text lines, padded to UFOTA_CONFIG_SIZE.
 *
 *   SARAFW-UFOTA-CONFIG 1
 *   product=SARA-R410M-02B
 *   from=L0.0.00.00.05.04,A.02.00
 *   to=L0.0.00.00.05.12,A.02.19
 *   package=<sha256 of the delta, 64 lower-case hex digits>
 *   #... padding to 4096 bytes
 *
 * sarafw-server makes it (ufota_config_make), sarafw-sim's LwM2M client
 * recognises and applies it (ufota_config_parse). Also here: which firmware
 * versions (ATI9, /3/0/3) are the legacy ones, shared by both. */
#ifndef SARAFW_COMMON_UFOTA_CONFIG_H
#define SARAFW_COMMON_UFOTA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define UFOTA_CONFIG_MAGIC "SARAFW-UFOTA-CONFIG 1\n"
#define UFOTA_CONFIG_SIZE 4096u /* note §2.6.2: "~4 kB" */
#define UFOTA_CONFIG_FIELD_MAX 64

typedef struct ufota_config {
	char product[UFOTA_CONFIG_FIELD_MAX + 1]; /* +CGMM, e.g. SARA-R410M-02B */
	char from[UFOTA_CONFIG_FIELD_MAX + 1];    /* ATI9 of the firmware it prepares */
	char to[UFOTA_CONFIG_FIELD_MAX + 1];      /* ATI9 the delta makes */
	char package[UFOTA_CONFIG_FIELD_MAX + 1]; /* the delta's SHA-256, hex */
} ufota_config;

/* Parses n bytes. 0, or -1 when they are not a configuration file: no
 * magic, a line without '=', an unknown or repeated key, a missing key, a
 * value empty, longer than UFOTA_CONFIG_FIELD_MAX or with a byte outside
 * 0x21..0x7e, a package that is not 64 lower-case hex digits, a NUL, or
 * more than UFOTA_CONFIG_SIZE bytes. */
int ufota_config_parse(const void *buf, size_t n, ufota_config *out);

/* Writes the file for c into buf (exactly UFOTA_CONFIG_SIZE bytes, cap at
 * least that). Returns UFOTA_CONFIG_SIZE, or -1 when a field is invalid
 * (as the parser would refuse it) or cap is too small. */
int ufota_config_make(const ufota_config *c, char *buf, size_t cap);

/* The firmware version (ATI9's "modem,app", as /3/0/3 reports it) is one
 * of the legacy versions §2.6.2 names, whose update needs the server's
 * reboot and the configuration file first. */
bool ufota_legacy_version(const char *version);

#endif
