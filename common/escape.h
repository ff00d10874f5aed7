/* Escaping bytes for people and for JSON: the CLI's --json and --trace, the
 * simulator's --audit and --log. One byte at a time, so every writer (a
 * FILE, a fixed buffer) escapes alike. */
#ifndef SARAFW_COMMON_ESCAPE_H
#define SARAFW_COMMON_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The longest escape of one byte ("\u00ff"). */
#define ESC_MAX 6

/* A byte inside a JSON string: '"' and '\' get a backslash, control bytes
 * and bytes from 0x7f up become \u00XX (read as Latin-1, so any input gives
 * valid JSON). Writes 1 to ESC_MAX chars to out (no NUL); returns how many. */
size_t esc_json_byte(uint8_t b, char out[ESC_MAX]);

/* A byte in a trace or log line: printable ASCII stays, everything else
 * and '\' itself become \xNN, so a line is one line and can be decoded.
 * Writes 1 or 4 chars to out (no NUL); returns how many. */
size_t esc_trace_byte(uint8_t b, char out[ESC_MAX]);

/* Append n bytes of s, escaped for a JSON string body (no quotes), to the
 * NUL-terminated string in out (cap bytes in all). Only whole escapes are
 * written and out stays NUL-terminated. Returns how many bytes of s fit. */
size_t esc_json(char *out, size_t cap, const void *s, size_t n);

/* Write n bytes of s to f, escaped for a JSON string body (no quotes) or
 * for a trace line. */
void esc_json_write(FILE *f, const void *s, size_t n);
void esc_trace_write(FILE *f, const void *s, size_t n);

/* Write s (NULL reads as empty) to f as a JSON string, quotes included. */
void esc_json_string(FILE *f, const char *s);

#endif
