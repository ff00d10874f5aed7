/* What one sarafw-server front-end asks another over NATS: a command for
 * a device whose CoAP session the other holds. One message, one command,
 * in text:
 *
 *   "W <imei> <uri>"   Write /5/0/1 (an empty uri stops a download)
 *   "X <imei>"         Execute /5/0/2
 *   "B <imei>"         Execute /3/0/4 (Device Reboot, note §2.6.2)
 *   "O <imei>"         Observe /5/0/3, /5/0/5 and /3/0/3 again
 *
 * The IMEI is 15 digits; the URI printable ASCII without spaces, at most
 * ROUTE_URI_MAX bytes. Anything else is refused whole. */
#ifndef SARAFW_SERVER_ROUTEMSG_H
#define SARAFW_SERVER_ROUTEMSG_H

#include <stddef.h>
#include <stdint.h>

#define ROUTE_URI_MAX 255
#define ROUTE_MSG_MAX (2 + 15 + 1 + ROUTE_URI_MAX)

typedef struct route_msg {
	char verb; /* 'W', 'X', 'B', 'O' */
	char imei[16];
	char uri[ROUTE_URI_MAX + 1];
} route_msg;

/* 0, or -1 when the message is not one of the forms above. */
int route_msg_parse(const uint8_t *p, size_t n, route_msg *out);
/* The message's bytes in buf (no NUL counted); -1 when m is not valid or
 * buf is too small. */
int route_msg_format(const route_msg *m, char *buf, size_t cap);

#endif
