#include "audit.h"

#include <stdarg.h>

#include "escape.h"

void sim_json_escape(char *out, size_t cap, const void *s, size_t n)
{
	esc_json(out, cap, s, n);
}

void sim_audit_event(struct sim_audit *a, uint64_t t_ms, const char *event, const char *fmt, ...)
{
	va_list ap;
	if (!a || !a->audit)
		return;
	fprintf(a->audit, "{\"t\":%llu,\"event\":\"%s\"", (unsigned long long)t_ms, event);
	if (fmt) {
		va_start(ap, fmt);
		vfprintf(a->audit, fmt, ap);
		va_end(ap);
	}
	fputs("}\n", a->audit);
	fflush(a->audit);
}

void sim_log_line(struct sim_audit *a, uint64_t t_ms, const char *dir, const void *p, size_t n)
{
	if (!a || !a->log)
		return;
	fprintf(a->log, "%10llu %s ", (unsigned long long)t_ms, dir);
	esc_trace_write(a->log, p, n);
	fputc('\n', a->log);
	fflush(a->log);
}
