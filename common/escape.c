/* Escaping bytes for JSON strings and for trace and log lines. */
#include "escape.h"

#include <string.h>

static const char hex[] = "0123456789abcdef";

size_t esc_json_byte(uint8_t b, char out[ESC_MAX])
{
	if (b == '"' || b == '\\') {
		out[0] = '\\';
		out[1] = (char)b;
		return 2;
	}
	if (b >= 0x20 && b < 0x7f) {
		out[0] = (char)b;
		return 1;
	}
	/* RFC 8259 §7: any code point may be written \uXXXX */
	memcpy(out, "\\u00", 4);
	out[4] = hex[b >> 4];
	out[5] = hex[b & 0xf];
	return 6;
}

size_t esc_trace_byte(uint8_t b, char out[ESC_MAX])
{
	if (b >= 0x20 && b < 0x7f && b != '\\') {
		out[0] = (char)b;
		return 1;
	}
	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[b >> 4];
	out[3] = hex[b & 0xf];
	return 4;
}

size_t esc_json(char *out, size_t cap, const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t o, i;
	char e[ESC_MAX];
	if (cap == 0)
		return 0;
	o = strnlen(out, cap - 1);
	for (i = 0; i < n; i++) {
		size_t k = esc_json_byte(p[i], e);
		if (o + k >= cap)
			break;
		memcpy(out + o, e, k);
		o += k;
	}
	out[o] = '\0';
	return i;
}

static void write_escaped(FILE *f, const void *s, size_t n, size_t (*esc)(uint8_t, char *))
{
	const uint8_t *p = s;
	char e[ESC_MAX];
	for (size_t i = 0; i < n; i++)
		fwrite(e, 1, esc(p[i], e), f);
}

void esc_json_write(FILE *f, const void *s, size_t n)
{
	write_escaped(f, s, n, esc_json_byte);
}

void esc_trace_write(FILE *f, const void *s, size_t n)
{
	write_escaped(f, s, n, esc_trace_byte);
}

void esc_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	if (s)
		esc_json_write(f, s, strlen(s));
	fputc('"', f);
}
