/* The IMEI list of `sarafw campaign create --imeis FILE` (note §2.7.1:
 * the campaign's devices): IMEIs of 15 digits separated by spaces, tabs,
 * commas or line ends; '#' starts a comment to the end of its line. */
#ifndef SARAFW_CLI_IMEI_LIST_H
#define SARAFW_CLI_IMEI_LIST_H

#include <stddef.h>

#define IMEI_LIST_LEN 15

/* Called with each IMEI in order (NUL-terminated, 15 digits). */
typedef void (*imei_list_fn)(void *ctx, const char *imei);

/* Parse text[0..len) (any bytes). Returns how many IMEIs it holds, or -1
 * with *line (from 1) at the first word that is not an IMEI (a NUL byte
 * is such a word); fn has then seen the IMEIs before it. */
long imei_list_parse(const char *text, size_t len, imei_list_fn fn, void *ctx, unsigned *line);

#endif
