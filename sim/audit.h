/* sarafw-sim: --audit (one JSON line per host mistake, note §2.7.3) and
 * --log (every line in and out, timestamped). Either file may be absent. */
#ifndef SIM_AUDIT_H
#define SIM_AUDIT_H

#include <stdint.h>
#include <stdio.h>

struct sim_audit {
	FILE *audit; /* NULL: off */
	FILE *log;   /* NULL: off */
};

/* Writes {"t":<t_ms>,"event":"<event>"<extra>} where extra is either empty
 * or starts with a comma and holds more JSON members. */
void sim_audit_event(struct sim_audit *a, uint64_t t_ms, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Logs one line; dir is "<" (host to module), ">" (module to host) or "#"
 * (simulator event). Bytes outside printable ASCII are escaped. */
void sim_log_line(struct sim_audit *a, uint64_t t_ms, const char *dir, const void *p, size_t n);

/* Appends s to out as a JSON string body (no quotes): esc_json of
 * common/escape.h. */
void sim_json_escape(char *out, size_t cap, const void *s, size_t n);

#endif
