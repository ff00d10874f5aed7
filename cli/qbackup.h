/* sarafw flash: the device-data backup file on the host, named as
 * EasyFlash names its own (note §9 tips: EASYFLASH_archive_a9e1ce86_
 * 354679090348445.qbackup): SARAFW_archive_<hash>_<IMEI>.qbackup. Kept
 * until the data is back in the module it came from, and restored to no
 * other (docs/bundle-format.md, "The backup file"). */
#ifndef SARAFW_CLI_QBACKUP_H
#define SARAFW_CLI_QBACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QBK_MAGIC "SFWQBKP1"
#define QBK_HEADER 96
#define QBK_DATA_MAX (1u << 20)

typedef struct qbackup {
	char path[4096];
	char hash[24]; /* the chip serial, or 8 hex digits of the data's SHA-256 */
	char imei[16];
	uint64_t len;
	uint8_t sha256[32];
} qbackup;

/* The IMEI in device data ("imei=" and 15 digits with a valid Luhn check
 * digit, at the start of a line) into imei; false when there is none. */
bool qbk_imei(const uint8_t *data, size_t len, char imei[16]);

/* The directory: dir if given, else $SARAFW_STATE_DIR, $XDG_STATE_HOME/
 * sarafw or ~/.local/state/sarafw (created). 0, or -1. */
int qbk_dir(const char *dir, char *out, size_t cap);

/* Write data as the backup of the module (serial may be ""): a new file
 * beside, fsync, rename, fsync of the directory. 0, or -1 with errno. */
int qbk_save(const char *dir, const char *serial, const char *imei, const uint8_t *data, size_t len, qbackup *out);

/* The backup of this module in dir: by serial when the module gives one
 * (and then its IMEI must agree when both are known), else by imei.
 * 1 found (*out filled), 0 none, -1 a directory error. A file whose
 * header or data does not check is skipped. */
int qbk_find(const char *dir, const char *serial, const char *imei, qbackup *out);

/* Load a backup's data (at most cap bytes) and check its header and
 * SHA-256. 0, or -1. */
int qbk_load(qbackup *b, uint8_t *data, size_t cap);

#endif
