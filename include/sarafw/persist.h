/* libsarafw: the state record a host keeps across its own reboots, so
 * that a host that restarts while the module installs firmware keeps
 * waiting instead of resetting it (note §2.6.4, §6: a reset or power cut
 * during the install can leave the module unusable), and one that
 * restarts while the module downloads over FTP resumes that download
 * instead of starting over (note §3.2).
 *
 * The record is encoded into SARAFW_PERSIST_SIZE bytes, little-endian,
 * independent of the host's struct layout. Version 2:
 *   0..3   magic "SRFW" (0x57465253)
 *   4      version (2)
 *   5      state (sarafw_persist_state)
 *   6      method (sarafw_download: how the package came)
 *   7      flags (SARAFW_PERSIST_F_*)
 *   8..11  since: the host's time when the state began (see below)
 *   12..15 max_ms: how long the state may last at most (e.g. the
 *          variant's limits->install_max_ms); 0 when unbounded
 *   16..19 stored: package bytes the host last saw stored by the module
 *   20..23 total: the package's size; 0 when unknown
 *   24..27 name hash: sarafw_persist_hash() of the remote file name, URL
 *          path or package URI, so a restarted host resumes only the
 *          same download
 *   28..29 0 (reserved)
 *   30..31 CRC-16/XMODEM of bytes 0..29
 * Version 1 (18 bytes: 0..6 as above, 7 zero, since, max_ms, CRC of
 * 0..15 at 16..17) still decodes: stored, total, hash and flags are 0.
 * The port stores and loads these bytes (sarafw_port.save_state and
 * load_state); the library never interprets a record it cannot verify.
 *
 * DOWNLOADING with method SARAFW_DL_FTP, SARAFW_DL_HTTP or
 * SARAFW_DL_LWM2M means a download by the module itself is in progress:
 * the host resumes it and does not start another.
 *
 * "since" is whatever clock survives the host's reboot (an RTC, seconds
 * since an epoch); a host whose only clock restarts at boot stores its
 * port time and, after a reboot, cannot tell how much of max_ms has
 * passed: it then waits the whole max_ms again. */
#ifndef SARAFW_PERSIST_H
#define SARAFW_PERSIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SARAFW_PERSIST_MAGIC 0x57465253u /* "SRFW" in little-endian bytes */
#define SARAFW_PERSIST_VERSION 2u
#define SARAFW_PERSIST_SIZE 32u
#define SARAFW_PERSIST_V1_SIZE 18u

/* flags */
#define SARAFW_PERSIST_F_RESUME 0x01u /* the module can resume this download */
#define SARAFW_PERSIST_F_CONFIG 0x02u /* uFOTA: note §2.6.2's configuration step is done, the delta is next */

typedef enum sarafw_persist_state {
	SARAFW_PERSIST_IDLE = 0,        /* nothing in progress */
	SARAFW_PERSIST_DOWNLOADING = 1, /* a package is going to the module: with the
	                                 * host's own methods a host reboot ends it
	                                 * (note §5: no resume); with FTP, HTTP or
	                                 * LwM2M the module downloads on its own */
	SARAFW_PERSIST_STORED = 2,      /* the package is in the FOTA area, not installed */
	SARAFW_PERSIST_INSTALLING = 3,  /* the module installs since `since`: do not
	                                 * reset or power it off (note §2.6.4, §6) */
} sarafw_persist_state;

typedef struct sarafw_persist {
	sarafw_persist_state state;
	uint8_t method;  /* sarafw_download */
	uint8_t flags;   /* SARAFW_PERSIST_F_* */
	uint32_t since;
	uint32_t max_ms;
	uint32_t stored; /* bytes the host last saw stored */
	uint32_t total;  /* 0: unknown */
	uint32_t name_hash;
} sarafw_persist;

/* Writes the record (version 2) into buf. Returns SARAFW_PERSIST_SIZE, or
 * SARAFW_EINVAL (buffer too small, invalid record). */
int sarafw_persist_encode(const sarafw_persist *rec, uint8_t *buf, size_t size);

/* Reads a record of either version. Returns SARAFW_OK; SARAFW_EINVAL
 * (NULL, or fewer bytes than the record's version needs: truncated);
 * SARAFW_EPROTO (wrong magic, CRC mismatch or invalid field: a corrupt
 * record); SARAFW_ENOTSUP (a version this library does not know). On
 * error *rec is IDLE. */
int sarafw_persist_decode(sarafw_persist *rec, const uint8_t *buf, size_t len);

/* How many bytes the record that starts buf takes (by its version: 18 or
 * 32), for a store that keeps something after it; 0 when buf holds no
 * record header (fewer than 5 bytes, wrong magic, unknown version). */
size_t sarafw_persist_size(const uint8_t *buf, size_t len);

/* SARAFW_OK if every field is in range, else SARAFW_EPROTO. */
int sarafw_persist_validate(const sarafw_persist *rec);

/* The record says the module is installing: nobody may reset it. */
bool sarafw_persist_installing(const sarafw_persist *rec);

/* FNV-1a, 32 bits, of the string s: the record's name hash. Never 0 (a
 * 0 hash becomes 1), so 0 means "no name" in a record. */
uint32_t sarafw_persist_hash(const char *s);

#ifdef __cplusplus
}
#endif
#endif
