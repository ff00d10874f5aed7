/* sarafw-sim: the module's flash, a directory a person can read.
 *
 * Every record is a small text file of `key=value` lines written whole:
 * temp file, fsync, rename, fsync of the directory. A SIGKILL (power cut)
 * at any instant leaves either the old or the new record, never a mix.
 * Records of this slice: firmware, identity, nvm, cgdcont; user files go
 * under files/. Later areas (FOTA image, install journal, LwM2M state) are
 * more records or subdirectories of the same dir, written the same way. */
#ifndef SIM_FLASH_H
#define SIM_FLASH_H

#include <stdbool.h>
#include <stddef.h>

#ifndef SIM_KV_MAX
#define SIM_KV_MAX 48
#endif
#define SIM_KV_KEY 32
#define SIM_KV_VAL 160

struct sim_flash_mem;
struct sim_flash {
	char dir[512]; /* in memory: a name for messages only, nothing made */
	struct sim_flash_mem *mem; /* NULL: the directory */
};

/* One record in memory. */
struct sim_kv {
	int n;
	char key[SIM_KV_MAX][SIM_KV_KEY];
	char val[SIM_KV_MAX][SIM_KV_VAL];
};

/* Creates dir (and dir/files) if missing. 0, or -errno. */
int sim_flash_open(struct sim_flash *f, const char *dir);

/* A flash whose records live in this process's memory (sarafw-sim
 * --fleet-flash memory): no file is made or opened. Records of equal
 * bytes are stored once for every such flash (a fleet's modules share
 * their factory image). Areas kept as files (sim_flash_path: user files,
 * a downloaded package, an install's image) do not exist: sim_flash_path
 * fails, so what needs them fails as on a full flash. name: for messages.
 * 0, or -ENOMEM. */
int sim_flash_open_memory(struct sim_flash *f, const char *name);
/* Frees a flash in memory and its records (a directory stays as it is). */
void sim_flash_close(struct sim_flash *f);

/* Builds "<dir>/<name>" into out. 0, or -1 if it does not fit or the
 * flash is in memory. */
int sim_flash_path(const struct sim_flash *f, const char *name, char *out, size_t cap);

bool sim_flash_exists(const struct sim_flash *f, const char *name);

/* Replaces record `name` with data, atomically. 0, or -errno. */
/* Writes all of data to fd (retrying short writes and EINTR): 0 or -errno. */
int sim_flash_write_fd(int fd, const void *data, size_t len);
int sim_flash_write(const struct sim_flash *f, const char *name, const void *data, size_t len);

/* Removes record `name` (a missing one is fine) and syncs its directory.
 * 0, or -errno. */
int sim_flash_remove(const struct sim_flash *f, const char *name);

/* Syncs the state dir itself (after a rename in it). */
void sim_flash_sync_dir(const struct sim_flash *f);

/* Reads up to cap bytes of `name`; returns the length, or -errno. */
long sim_flash_read(const struct sim_flash *f, const char *name, void *buf, size_t cap);

/* Records as key=value lines. load: 0, or -errno (kv left empty). */
/* A record's text, as a person may have edited it: blanks around keys and
 * values and a CR before LF are ignored, '#' starts a comment line, a later
 * line wins over an earlier one with the same key. A line with no '=', a
 * key that is not one word of visible characters shorter than SIM_KV_KEY,
 * or a NUL in the value is skipped; a long value is cut, a CR inside a
 * value becomes a blank. Returns the number of lines skipped (or dropped
 * because the record is full). */
int sim_kv_parse(struct sim_kv *kv, const char *text, size_t len);
int sim_kv_load(const struct sim_flash *f, const char *name, struct sim_kv *kv);
int sim_kv_save(const struct sim_flash *f, const char *name, const struct sim_kv *kv);

void sim_kv_clear(struct sim_kv *kv);
const char *sim_kv_get(const struct sim_kv *kv, const char *key); /* NULL if absent */
long sim_kv_get_long(const struct sim_kv *kv, const char *key, long dflt);
/* Values must not hold CR or LF; longer values are cut. -1 when full. */
int sim_kv_set(struct sim_kv *kv, const char *key, const char *val);
int sim_kv_set_long(struct sim_kv *kv, const char *key, long val);

#endif
