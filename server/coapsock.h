/* The plain CoAP endpoint's UDP socket, read ahead of libcoap: the
 * datagram at the head of its queue is looked at without taking it, and
 * taken (and answered from the address it came to) only by a caller that
 * answers it itself; anything else stays for libcoap to read. libcoap 4.3
 * does not hand its endpoint's socket out: coapsock_find finds it by the
 * address it is bound to. */
#ifndef SARAFW_SERVER_COAPSOCK_H
#define SARAFW_SERVER_COAPSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* a registration Update is some 20 to 60 bytes; a larger datagram is
 * never answered ahead of libcoap */
#define COAPSOCK_DGRAM_MAX 256

typedef struct coapsock_dgram {
	uint8_t data[COAPSOCK_DGRAM_MAX];
	size_t len;
	struct sockaddr_storage from;
	socklen_t fromlen;
	/* the IP_PKTINFO or IPV6_PKTINFO it came with (libcoap asks for
	 * them): the answer goes out from the address it came to */
	_Alignas(struct cmsghdr) uint8_t control[64];
	size_t controllen;
} coapsock_dgram;

/* The UDP socket bound to addr, or -1 (none, or more than one). */
int coapsock_find(const struct sockaddr_storage *addr, socklen_t len);

/* The datagram at the head of fd's queue, left there: 1, with g filled;
 * 0 when the queue is empty; -1 when it is larger than
 * COAPSOCK_DGRAM_MAX (or the read failed): libcoap's to read. */
int coapsock_peek(int fd, coapsock_dgram *g);

/* Take the datagram coapsock_peek saw (the head of the queue). */
void coapsock_take(int fd);

/* Send data to g's sender, from the address g came to: 0, or -1. */
int coapsock_reply(int fd, const coapsock_dgram *g, const uint8_t *data, size_t len);

#endif
