/* libsarafw: the port, a small table of callbacks that connects the
 * library to a serial line and a clock. All times are milliseconds of
 * "module time": a port may scale them (SARAFW_TIME_SCALE on POSIX). */
#ifndef SARAFW_PORT_H
#define SARAFW_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sarafw_port {
	void *ctx;
	/* Write up to len bytes. Returns how many the port took (0: no room
	 * now, or a signal came: the caller offers the rest again), or a
	 * negative sarafw_error. It should not wait long for room (the POSIX
	 * port waits at most SARAFW_POLL_MS), so that a loop over a step
	 * engine regains control while a large transfer streams; a port that
	 * always takes everything is fine too. */
	int (*write)(void *ctx, const uint8_t *buf, size_t len);
	/* Read up to len bytes, waiting at most timeout_ms for the first one.
	 * Returns the count (0 on timeout) or a negative sarafw_error.
	 * Must not wait longer than timeout_ms. */
	int (*read)(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms);
	/* Monotonic milliseconds; wraps at 2^32. */
	uint32_t (*now_ms)(void *ctx);
	/* Optional (NULL if absent): change the host's line speed. Drains
	 * pending output first. */
	int (*set_baud)(void *ctx, uint32_t baud);
	/* Optional: pulse RESET_N. Called only by sarafw_dev_reset(), which
	 * refuses while the state record says the module is installing
	 * (note §2.6.4, §6). Returns SARAFW_OK or a negative sarafw_error. */
	int (*reset)(void *ctx);
	/* Optional: store len bytes (an encoded struct sarafw_persist,
	 * sarafw/persist.h) where they survive the host's reboot, replacing
	 * the previous record. Returns SARAFW_OK or a negative sarafw_error. */
	int (*save_state)(void *ctx, const void *rec, size_t len);
	/* Optional: load the stored bytes into rec (at most len). Returns
	 * their count, 0 when nothing is stored, or a negative sarafw_error. */
	int (*load_state)(void *ctx, void *rec, size_t len);
} sarafw_port;

/* Wrap-safe "a is at or after b" for now_ms() values. */
static inline bool sarafw_time_reached(uint32_t now, uint32_t deadline)
{
	return (int32_t)(now - deadline) >= 0;
}

#ifdef __cplusplus
}
#endif
#endif
