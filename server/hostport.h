/* "HOST:PORT" and "[V6]:PORT" for --coap and --http. */
#ifndef SARAFW_SERVER_HOSTPORT_H
#define SARAFW_SERVER_HOSTPORT_H

#include <stddef.h>
#include <sys/socket.h>

/* Resolves numerically (no DNS lookups at start). Returns 0, or -1 with
 * err set. Port 0 is allowed (the kernel picks one). */
int hostport_parse(const char *s, struct sockaddr_storage *ss, socklen_t *len, char *err, size_t errlen);

#endif
