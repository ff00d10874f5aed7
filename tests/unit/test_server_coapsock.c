/* server/coapsock.c on real UDP sockets over loopback: the endpoint's
 * socket found by the address it is bound to (and not when two are), the
 * head datagram looked at without being taken, a datagram too large to
 * look at left whole for its reader, and an answer that reaches the
 * sender from the address the datagram came to (IPv4 and IPv6). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "coapsock.h"

/* a UDP socket on 127.0.0.1 (port 0: any), as libcoap binds its
 * endpoint: IP_PKTINFO asked for */
static int bound(struct sockaddr_storage *ss, socklen_t *len, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	int on = 1;
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	memset(ss, 0, sizeof *ss);
	*len = sizeof *ss;
	assert_int_equal(getsockname(fd, (struct sockaddr *)ss, len), 0);
	return fd;
}

static void send_to(int from, const struct sockaddr_storage *to, socklen_t len, const void *data, size_t n)
{
	assert_int_equal(sendto(from, data, n, 0, (const struct sockaddr *)to, len), (ssize_t)n);
}

/* a server socket and a client socket on 127.0.0.1: the IPv4 tests' state */
typedef struct pair {
	int fs, fc;
	struct sockaddr_storage srv, cli;
	socklen_t sl, cl;
} pair;

static int pair_up(void **state)
{
	static pair p;
	p.fs = bound(&p.srv, &p.sl, 0);
	p.fc = bound(&p.cli, &p.cl, 0);
	*state = &p;
	return 0;
}

static int pair_down(void **state)
{
	pair *p = *state;
	close(p->fs);
	close(p->fc);
	return 0;
}

static void find(void **state)
{
	(void)state;
	struct sockaddr_storage a, b;
	socklen_t al, bl;
	int fa = bound(&a, &al, 0), fb = bound(&b, &bl, 0);
	assert_int_equal(coapsock_find(&a, al), fa);
	assert_int_equal(coapsock_find(&b, bl), fb);
	/* nothing bound there */
	struct sockaddr_in *in = (struct sockaddr_in *)&a;
	uint16_t port = ntohs(in->sin_port);
	close(fa);
	assert_int_equal(coapsock_find(&a, al), -1);
	/* two sockets on one address (SO_REUSEPORT): which is libcoap's is
	 * not known */
	int r1 = socket(AF_INET, SOCK_DGRAM, 0), r2 = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
	setsockopt(r1, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
	setsockopt(r2, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
	in->sin_port = htons(port);
	assert_int_equal(bind(r1, (struct sockaddr *)in, sizeof *in), 0);
	assert_int_equal(bind(r2, (struct sockaddr *)in, sizeof *in), 0);
	assert_int_equal(coapsock_find(&a, al), -1);
	close(r1);
	close(r2);
	close(fb);
}

static void peek_take_reply(void **state)
{
	const pair *p = *state;
	int fs = p->fs, fc = p->fc;
	coapsock_dgram g;
	assert_int_equal(coapsock_peek(fs, &g), 0); /* empty */

	send_to(fc, &p->srv, p->sl, "first", 5);
	send_to(fc, &p->srv, p->sl, "second", 6);
	/* looked at twice: still the head */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(coapsock_peek(fs, &g), 1);
		assert_int_equal(g.len, 5);
		assert_memory_equal(g.data, "first", 5);
		assert_int_equal(g.fromlen, p->cl);
		assert_memory_equal(&g.from, &p->cli, p->cl);
	}
	/* answered from the address it came to */
	assert_int_equal(coapsock_reply(fs, &g, (const uint8_t *)"ack", 3), 0);
	char buf[16];
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;
	assert_int_equal(recvfrom(fc, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), 3);
	assert_memory_equal(buf, "ack", 3);
	assert_int_equal(fl, p->sl);
	assert_memory_equal(&from, &p->srv, p->sl);
	/* taken: the next one is the head */
	coapsock_take(fs);
	assert_int_equal(coapsock_peek(fs, &g), 1);
	assert_int_equal(g.len, 6);
	assert_memory_equal(g.data, "second", 6);
	coapsock_take(fs);
	assert_int_equal(coapsock_peek(fs, &g), 0);
}

/* IPv6: the server on the wildcard address (as libcoap binds [::]), asking
 * for IPV6_PKTINFO; the answer goes out with it and reaches the sender */
static void reply_v6(void **state)
{
	(void)state;
	int fs = socket(AF_INET6, SOCK_DGRAM, 0), fc = socket(AF_INET6, SOCK_DGRAM, 0), on = 1;
	assert_true(fs >= 0 && fc >= 0);
	setsockopt(fs, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
	struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
	struct sockaddr_in6 lo = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	assert_int_equal(bind(fs, (struct sockaddr *)&any, sizeof any), 0);
	assert_int_equal(bind(fc, (struct sockaddr *)&lo, sizeof lo), 0);
	struct sockaddr_storage srv;
	socklen_t sl = sizeof srv;
	assert_int_equal(getsockname(fs, (struct sockaddr *)&srv, &sl), 0);
	assert_int_equal(coapsock_find(&srv, sl), fs);
	((struct sockaddr_in6 *)&srv)->sin6_addr = in6addr_loopback;
	send_to(fc, &srv, sl, "v6", 2);
	coapsock_dgram g;
	assert_int_equal(coapsock_peek(fs, &g), 1);
	assert_int_equal(g.len, 2);
	assert_true(g.controllen > 0); /* IPV6_PKTINFO came */
	assert_int_equal(coapsock_reply(fs, &g, (const uint8_t *)"ack6", 4), 0);
	char buf[8];
	struct sockaddr_in6 from;
	socklen_t fl = sizeof from;
	assert_int_equal(recvfrom(fc, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), 4);
	assert_memory_equal(buf, "ack6", 4);
	assert_memory_equal(&from.sin6_addr, &in6addr_loopback, sizeof from.sin6_addr);
	assert_int_equal(from.sin6_port, ((struct sockaddr_in6 *)&srv)->sin6_port);
	close(fs);
	close(fc);
}

static void too_large(void **state)
{
	const pair *p = *state;
	int fs = p->fs, fc = p->fc;
	uint8_t big[COAPSOCK_DGRAM_MAX + 1];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)i;
	send_to(fc, &p->srv, p->sl, big, sizeof big);
	coapsock_dgram g;
	assert_int_equal(coapsock_peek(fs, &g), -1);
	assert_int_equal(coapsock_peek(fs, &g), -1);
	/* still there, whole, for its reader */
	uint8_t got[COAPSOCK_DGRAM_MAX + 8];
	assert_int_equal(recv(fs, got, sizeof got, 0), (ssize_t)sizeof big);
	assert_memory_equal(got, big, sizeof big);
	/* exactly COAPSOCK_DGRAM_MAX is looked at */
	send_to(fc, &p->srv, p->sl, big, COAPSOCK_DGRAM_MAX);
	assert_int_equal(coapsock_peek(fs, &g), 1);
	assert_int_equal(g.len, COAPSOCK_DGRAM_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(find),
		cmocka_unit_test_setup_teardown(peek_take_reply, pair_up, pair_down),
		cmocka_unit_test(reply_v6),
		cmocka_unit_test_setup_teardown(too_large, pair_up, pair_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
