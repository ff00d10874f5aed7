/* JSON for the REST API: a strict parser into a caller-sized token array
 * (no allocation; depth and token count bounded) and a writer that
 * appends to a growing buffer (common/bytes.h). */
#ifndef SARAFW_SERVER_JSON_H
#define SARAFW_SERVER_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

#define JSON_DEPTH_MAX 16

typedef enum { JSON_OBJECT = 1, JSON_ARRAY, JSON_STRING, JSON_NUMBER, JSON_TRUE, JSON_FALSE, JSON_NULL } json_type;

typedef struct json_tok {
	json_type type;
	uint32_t start, end; /* bytes of the value (a string: inside the quotes) */
	uint32_t size;       /* object: members; array: elements */
	uint32_t next;       /* index of the token after this value and its children */
} json_tok;

typedef struct json_doc {
	const char *text;
	json_tok *tok;
	unsigned n, cap;
} json_doc;

/* Parse text[0..len) as one JSON value (RFC 8259; no trailing garbage)
 * into tok[0..cap). Returns 0, or -1 when malformed, too deep or too many
 * tokens. */
int json_parse(json_doc *doc, const char *text, size_t len, json_tok *tok, unsigned cap);
/* The value of key in object token obj: its index, or -1. */
int json_get(const json_doc *doc, int obj, const char *key);
/* A string token unescaped into buf (NUL-terminated, \u0000 refused).
 * Returns 0, or -1 (buf then "") when not a string or it does not fit. */
int json_str(const json_doc *doc, int t, char *buf, size_t cap);
/* An integer number token (no fraction, no exponent) within int64. */
int json_int(const json_doc *doc, int t, int64_t *v);
/* The i-th element of array token arr, or -1. */
int json_elem(const json_doc *doc, int arr, unsigned i);

/* Writer */
void jw_raw(bytes *b, const char *s);
void jw_str(bytes *b, const char *s); /* quoted and escaped */
void jw_int(bytes *b, int64_t v);
/* "key":"value" / "key":int, with a leading comma unless first */
void jw_kv_str(bytes *b, bool *first, const char *key, const char *v);
void jw_kv_int(bytes *b, bool *first, const char *key, int64_t v);
void jw_kv_bool(bytes *b, bool *first, const char *key, bool v);

#endif
