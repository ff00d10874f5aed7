/* sarafw-sim: the module's user file system (AT-FACTS "Files"): one flat
 * directory DIR/files/, a file per name, written crash-safe. A download
 * (+UDWNFILE without a tag, or a "PROFILE" being read) goes to
 * DIR/udwnfile.tmp and becomes the file only when it is complete:
 * fsync, rename over files/<name>, fsync of the directory. The power-on
 * removes the temp file, so a power cut leaves the previous file or none.
 *
 * The commands on it (+ULSTFILE, +URDFILE, +URDBLOCK, +UDELFILE) are the
 * feature sim_feature_files. */
#ifndef SIM_FILES_H
#define SIM_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flash.h"

/* Capacity of the user file system (docs/behaviour.md). */
#ifndef SIM_FILES_CAPACITY
#define SIM_FILES_CAPACITY (2u * 1024u * 1024u)
#endif
/* Longest file name (docs/behaviour.md). */
#define SIM_FILES_NAME_MAX 248

/* A name the file system takes: 1..SIM_FILES_NAME_MAX printable
 * characters, no path ('/' or '\\'), not "." or "..", no '"'. */
bool sim_files_name_ok(const char *name, size_t len);

/* Bytes still free. */
uint64_t sim_files_free(const struct sim_flash *f);

/* Size of file name, or -1 when it does not exist. */
long sim_files_size(const struct sim_flash *f, const char *name);

/* A download to the temp file. Zeroed memory is "not open". */
struct sim_files_dl {
	bool open;
	int fd;
	uint64_t size;
};
int sim_files_begin(struct sim_files_dl *d, const struct sim_flash *f);
int sim_files_append(struct sim_files_dl *d, const void *p, size_t n);
/* The download becomes files/<name> (replacing it). 0, or -errno. */
int sim_files_commit(struct sim_files_dl *d, const struct sim_flash *f, const char *name);
/* Reads up to cap bytes of the download so far (for a profile header). */
long sim_files_peek(const struct sim_flash *f, void *buf, size_t cap);
void sim_files_discard(struct sim_files_dl *d, const struct sim_flash *f);
void sim_files_close(struct sim_files_dl *d);

/* Reads up to cap bytes of file name from offset; length or -errno. */
long sim_files_read(const struct sim_flash *f, const char *name, uint64_t offset, void *buf, size_t cap);

/* 0, or -errno (-ENOENT). */
int sim_files_delete(const struct sim_flash *f, const char *name);

#endif
