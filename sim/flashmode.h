/* sarafw-sim: flash mode, the module's bootloader as EasyFlash meets it
 * (note §9): Sahara loads a programmer, then Firehose reads and writes the
 * partitions of the flash (common/sahara.h, common/firehose.h).
 *
 * Entering it: a flash request, the bytes SIM_FLASH_REQUEST, while the
 * module boots (note §9 steps 6 and 7: the flasher waits first, then the
 * module is powered on; the flasher repeats the request until the module
 * answers), or by itself at power-on while a flash begun is unfinished
 * (record "flashmode": state=dirty). The port is then the module's USB at
 * SIM_FLASH_USB_BPS; the module sends a Sahara HELLO (again for each
 * request that follows) and takes the programmer with READ_DATA (SARA-R410M,
 * R412M, N410) or READ_DATA64 (the SARA-R422 family).
 *
 * The partitions (physical partition 0, 512-byte sectors) are files
 * DIR/flash/<name>.img; a sector never written reads 0xff. On entering
 * flash mode with no flash unfinished they are exported from the records
 * the features use (firmware.bin, firmware, profiles, files/, nvm,
 * identity). After <power value="reset"/> the module checks sbl, modem
 * and apps (header and SHA-256); when they hold, it applies every
 * partition to those records as note Tables 8/9's EasyFlash column says
 * (sim/README.md: "Flash mode"), clears "flashmode" and boots. Otherwise it
 * comes back in flash mode. */
#ifndef SIM_FLASHMODE_H
#define SIM_FLASHMODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash.h"
#include "variants.h"

#define SIM_FLASH_REQUEST "\x3a\xa1\x6e\x7e" /* Qualcomm DIAG "download" (0x3a), HDLC framed */
#define SIM_FLASH_REQUEST_LEN 4
#define SIM_FLASH_USB_BPS 12000000u /* USB full speed, paced at 10 bits a byte */
#define SIM_FLASH_SECTOR 512u
#define SIM_FLASH_PROGRAMMER_ID 13 /* Sahara image id of the programmer */
#define SIM_FLASH_PROGRAMMER_MAX (4u << 20)
#define SIM_FLASH_PROGRAMMER_MAGIC "SARAFW-FIREHOSE" /* 16 bytes with the NUL */
#define SIM_FLASH_PAYLOAD_MAX 16384u /* MaxPayloadSizeToTargetInBytesSupported */

struct sim_flash_part {
	const char *name;
	uint32_t sectors;
	bool code; /* must hold a valid image for the module to boot */
};

/* The partitions, in flash order; NULL-terminated by name. */
extern const struct sim_flash_part sim_flash_parts[];

/* A code image's header line ("SARAFW-IMAGE <name> <version> <length>
 * <sha256 hex>\n", then <length> bytes): checks it against the payload in
 * the partition file. 0 with version set, or -1 with why set. */
int sim_flash_check_image(const struct sim_flash *f, const char *name, char *version, size_t vcap,
			  char *why, size_t wcap);

/* Writes every partition file from the records (what a clean module's
 * flash holds). 0, or -errno. */
int sim_flash_export(const struct sim_flash *f, const struct sim_variant *v);

/* Applies the partitions to the records (note Tables 8/9, EasyFlash
 * column). 0, or -1 with why set. Runs again safely after a power cut. */
int sim_flash_apply(const struct sim_flash *f, const struct sim_variant *v, char *why, size_t wcap);

#endif
