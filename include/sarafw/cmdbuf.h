/* libsarafw: building AT command lines without stdio. */
#ifndef SARAFW_CMDBUF_H
#define SARAFW_CMDBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A command line being built in a caller's buffer; always NUL-terminated.
 * An append that does not fit sets overflow and leaves the text cut. */
typedef struct sarafw_cmdbuf {
	char *buf;
	size_t size;
	size_t len;
	bool overflow;
} sarafw_cmdbuf;

void sarafw_cmdbuf_init(sarafw_cmdbuf *b, char *buf, size_t size);
void sarafw_cmdbuf_str(sarafw_cmdbuf *b, const char *s);
void sarafw_cmdbuf_u32(sarafw_cmdbuf *b, uint32_t v);
/* Appends "s" in double quotes; a '"' inside s sets overflow (AT strings
 * cannot carry one). */
void sarafw_cmdbuf_quoted(sarafw_cmdbuf *b, const char *s);

#ifdef __cplusplus
}
#endif
#endif
