/* The plain CoAP endpoint's UDP socket, read ahead of libcoap (coapsock.h). */
#include "coapsock.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/uio.h>

int coapsock_find(const struct sockaddr_storage *addr, socklen_t len)
{
	int found = -1;
	for (int fd = 0; fd < 1024; fd++) {
		struct sockaddr_storage a;
		socklen_t al = sizeof a;
		int type = 0;
		socklen_t tl = sizeof type;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 || type != SOCK_DGRAM ||
		    getsockname(fd, (struct sockaddr *)&a, &al) < 0 || al != len || memcmp(&a, addr, len))
			continue;
		if (found >= 0)
			return -1; /* two: which one is libcoap's is not known */
		found = fd;
	}
	return found;
}

int coapsock_peek(int fd, coapsock_dgram *g)
{
	struct iovec iov = {.iov_base = g->data, .iov_len = sizeof g->data};
	struct msghdr m = {
		.msg_name = &g->from,
		.msg_namelen = sizeof g->from,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = g->control,
		.msg_controllen = sizeof g->control,
	};
	ssize_t n = recvmsg(fd, &m, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	if (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return -1;
	g->len = (size_t)n;
	g->fromlen = m.msg_namelen;
	g->controllen = m.msg_controllen;
	return 1;
}

void coapsock_take(int fd)
{
	uint8_t b;
	(void)recv(fd, &b, 1, MSG_DONTWAIT | MSG_TRUNC);
}

/* m's one control message: level, type and n bytes of v, in buf */
static void put_cmsg(struct msghdr *m, uint8_t *buf, int level, int type, const void *v, size_t n)
{
	m->msg_control = buf;
	m->msg_controllen = CMSG_SPACE(n);
	struct cmsghdr *c = CMSG_FIRSTHDR(m);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(n);
	memcpy(CMSG_DATA(c), v, n);
}

int coapsock_reply(int fd, const coapsock_dgram *g, const uint8_t *data, size_t len)
{
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} out;
	memset(&out, 0, sizeof out);
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
	struct msghdr m = {
		.msg_name = (void *)&g->from,
		.msg_namelen = g->fromlen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	/* the address it came to, as libcoap answers (IP_PKTINFO first: an
	 * IPv4 datagram on a dual-stack socket may carry both) */
	struct msghdr in = {.msg_control = (void *)g->control, .msg_controllen = g->controllen};
	const struct in_pktinfo *p4 = NULL;
	const struct in6_pktinfo *p6 = NULL;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&in); c; c = CMSG_NXTHDR(&in, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			p4 = (const struct in_pktinfo *)CMSG_DATA(c);
		else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO)
			p6 = (const struct in6_pktinfo *)CMSG_DATA(c);
	}
	struct in_pktinfo pi;
	if (p4) {
		pi = (struct in_pktinfo){.ipi_ifindex = p4->ipi_ifindex, .ipi_spec_dst = p4->ipi_addr};
		put_cmsg(&m, out.buf, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi);
	} else if (p6) {
		put_cmsg(&m, out.buf, IPPROTO_IPV6, IPV6_PKTINFO, p6, sizeof *p6);
	}
	return sendmsg(fd, &m, MSG_DONTWAIT) == (ssize_t)len ? 0 : -1;
}
