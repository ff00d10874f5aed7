#include "audit.h"

#include <stdarg.h>
#include <string.h>

void sim_json_escape(char *out, size_t cap, const void *s, size_t n)
{
	const unsigned char *p = s;
	size_t o = strlen(out);
	for (size_t i = 0; i < n && o + 7 < cap; i++) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
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
	const unsigned char *s = p;
	if (!a || !a->log)
		return;
	fprintf(a->log, "%10llu %s ", (unsigned long long)t_ms, dir);
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			fputc(s[i], a->log);
		else
			fprintf(a->log, "\\x%02x", s[i]);
	}
	fputc('\n', a->log);
	fflush(a->log);
}
