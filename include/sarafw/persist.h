/* libsarafw: the state record a host keeps across its own reboots, so
 * that a host that restarts while the module installs firmware keeps
 * waiting instead of resetting it (note §2.6.4, §6: a reset or power cut
 * during the install can leave the module unusable).
 *
 * The record is encoded into SARAFW_PERSIST_SIZE bytes, little-endian,
 * independent of the host's struct layout:
 *   0..3   magic "SRFW" (0x57465253)
 *   4      version (SARAFW_PERSIST_VERSION)
 *   5      state (sarafw_persist_state)
 *   6      method (sarafw_download: how the package came)
 *   7      0 (reserved)
 *   8..11  since: the host's time when the state began (see below)
 *   12..15 max_ms: how long the state may last at most (e.g. the
 *          variant's limits->install_max_ms); 0 when unbounded
 *   16..17 CRC-16/XMODEM of bytes 0..15
 * The port stores and loads these bytes (sarafw_port.save_state and
 * load_state); the library never interprets a record it cannot verify.
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
#define SARAFW_PERSIST_VERSION 1u
#define SARAFW_PERSIST_SIZE 18u

typedef enum sarafw_persist_state {
	SARAFW_PERSIST_IDLE = 0,        /* nothing in progress */
	SARAFW_PERSIST_DOWNLOADING = 1, /* a package is going to the module; a host
	                                 * reboot ends it (note §5: no resume) */
	SARAFW_PERSIST_STORED = 2,      /* the package is in the FOTA area, not installed */
	SARAFW_PERSIST_INSTALLING = 3,  /* the module installs since `since`: do not
	                                 * reset or power it off (note §2.6.4, §6) */
} sarafw_persist_state;

typedef struct sarafw_persist {
	sarafw_persist_state state;
	uint8_t method;  /* sarafw_download */
	uint32_t since;
	uint32_t max_ms;
} sarafw_persist;

/* Writes the record into buf. Returns SARAFW_PERSIST_SIZE, or
 * SARAFW_EINVAL (buffer too small, invalid record). */
int sarafw_persist_encode(const sarafw_persist *rec, uint8_t *buf, size_t size);

/* Reads a record. Returns SARAFW_OK; SARAFW_EINVAL (NULL, or fewer than
 * SARAFW_PERSIST_SIZE bytes: truncated); SARAFW_EPROTO (wrong magic,
 * CRC mismatch or invalid field: a corrupt record); SARAFW_ENOTSUP (a
 * version this library does not know). On error *rec is IDLE. */
int sarafw_persist_decode(sarafw_persist *rec, const uint8_t *buf, size_t len);

/* SARAFW_OK if every field is in range, else SARAFW_EPROTO. */
int sarafw_persist_validate(const sarafw_persist *rec);

/* The record says the module is installing: nobody may reset it. */
bool sarafw_persist_installing(const sarafw_persist *rec);

#ifdef __cplusplus
}
#endif
#endif
