/* sarafw-sim: the FOTA area of the flash, where a downloaded update
 * package waits for +UFWINSTALL (note §5, §6). One package at most:
 *
 *   DIR/fota/package      the package as received (XMODEM 0x1A padding kept:
 *                         the package header says how long it really is)
 *   DIR/fota/meta         key=value: method, size, blocks, crc32, complete=1;
 *                         written last, it is the commit record
 *   DIR/fota/package.tmp  a download in progress
 *
 * A new download goes to package.tmp and replaces the stored package only
 * once it is complete: meta removed, package.tmp renamed over package,
 * then meta written (each step fsynced). At boot the temp files go (note
 * §5.1: after a power loss during +UFWUPD the module is in normal mode)
 * and a package without a matching meta is deleted, so a power cut at any
 * instant leaves the old package, the new one, or none: never half.
 * The feature sim_feature_fota_area runs that cleanup at every power-on. */
#ifndef SIM_FOTA_H
#define SIM_FOTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash.h"

/* Largest package the area holds; a bigger download is refused. */
#ifndef SIM_FOTA_MAX
#define SIM_FOTA_MAX (32u * 1024u * 1024u)
#endif

/* A download in progress. Zeroed memory is "not open". */
struct sim_fota_dl {
	bool open;
	int fd;
	uint64_t size;
	uint32_t crc; /* running CRC-32 (zlib's) of the bytes so far */
};

/* Power-on: creates DIR/fota, removes temp files and a package whose meta
 * is missing or does not match it. 0, or -errno. */
int sim_fota_boot(const struct sim_flash *f);

/* Opens DIR/fota/package.tmp, empty. 0, or -errno. */
int sim_fota_begin(struct sim_fota_dl *d, const struct sim_flash *f);

/* Appends bytes. 0, -ENOSPC past SIM_FOTA_MAX, or -errno. */
int sim_fota_append(struct sim_fota_dl *d, const void *p, size_t n);

/* Makes the download the stored package. meta holds the caller's keys;
 * size, crc32 and complete=1 are added. 0, or -errno (download dropped). */
int sim_fota_commit(struct sim_fota_dl *d, const struct sim_flash *f, struct sim_kv *meta);

/* Drops the download; the stored package, if any, stays. */
void sim_fota_discard(struct sim_fota_dl *d, const struct sim_flash *f);

/* Closes the temp file without removing it (the boot cleanup will). */
void sim_fota_close(struct sim_fota_dl *d);

/* CRC-32 (zlib's) of n more bytes after crc (0 to start). */
uint32_t sim_fota_crc32(uint32_t crc, const void *p, size_t n);

/* Path of the stored package (for reading), and removing it: meta
 * first, so a cut in between leaves no package. */
int sim_fota_package_path(const struct sim_flash *f, char *out, size_t cap);
void sim_fota_remove(const struct sim_flash *f);

/* true when a complete package is stored; meta (may be NULL) gets it. */
bool sim_fota_present(const struct sim_flash *f, struct sim_kv *meta);

#endif
