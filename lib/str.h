/* libsarafw internal: the few string operations the library needs, as
 * plain loops. newlib's versions for Cortex-M are unrolled for speed
 * (strcmp alone is 732 bytes, strstr over 1 KB); sarafw's strings are
 * short AT lines, where a byte loop costs nothing. Not part of the API. */
#ifndef SARAFW_LIB_STR_H
#define SARAFW_LIB_STR_H

#include <stdbool.h>
#include <stddef.h>

/* strlen */
size_t sarafw_str_len(const char *s);
/* strcmp(a, b) == 0 */
bool sarafw_str_eq(const char *a, const char *b);
/* s starts with prefix (strncmp(s, prefix, strlen(prefix)) == 0) */
bool sarafw_str_starts(const char *s, const char *prefix);
/* strchr: the first c in s, or NULL (c not '\0') */
const char *sarafw_str_chr(const char *s, char c);
/* strstr(s, needle) != NULL */
bool sarafw_str_has(const char *s, const char *needle);

#endif
