/* The Range header of a package download (RFC 9110 §14): one byte range. */
#ifndef SARAFW_SERVER_HTTPRANGE_H
#define SARAFW_SERVER_HTTPRANGE_H

#include <stdint.h>

enum {
	RANGE_NONE = 0,           /* absent or not understood: send it all (RFC 9110 §14.2) */
	RANGE_PARTIAL = 1,        /* send [*off, *off + *len) with 206 */
	RANGE_UNSATISFIABLE = -1, /* 416 */
};

/* hdr: the header's value or NULL; size: the resource's length. Several
 * ranges are answered as the whole (allowed: a server may ignore Range). */
int http_range(const char *hdr, uint64_t size, uint64_t *off, uint64_t *len);

#endif
