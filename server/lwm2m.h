/* sarafw-server's LwM2M 1.0 server side on libcoap3: the registration
 * interface (Register, Update, De-register on /rd), the observations and
 * reads it makes at every registration (/5/0/3, /5/0/5, /3/0/3; Read /3/0),
 * Write /5/0/1 and Execute /5/0/2 for campaigns, and block-wise CoAP
 * package download (GET /pkg/<sha256>). Every request a device sends is
 * answered from bounded work: a fixed payload limit, a device limit and a
 * registration rate limit. */
#ifndef SARAFW_SERVER_LWM2M_H
#define SARAFW_SERVER_LWM2M_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "campaign.h"
#include "db.h"

#define LW_PAYLOAD_MAX 4096    /* a registration is about 1.1 to 1.4 kB (note §2.1) */
#define LW_DEFAULT_LIFETIME 86400

typedef struct lw_config {
	db *db;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	bool nosec;               /* plain CoAP: a lab only */
	unsigned max_devices;     /* live sessions held */
	unsigned max_reg_per_s;   /* registrations accepted per second */
	const char *store;        /* package directory (<sha256> files) */
	/* called after a device's state changed (registration, a notification) */
	void (*changed)(void *ctx);
	void *changed_ctx;
} lw_config;

typedef struct lw_server lw_server;

lw_server *lw_start(const lw_config *cfg, char *err, size_t errlen);
void lw_stop(lw_server *s);
/* The fd to poll for input (libcoap's epoll fd). */
int lw_fd(lw_server *s);
/* Run what is due; returns the ms until libcoap wants to run again. */
int lw_process(lw_server *s);
/* Campaign actions through this server's sessions. */
const campaign_io *lw_campaign_io(lw_server *s);
/* Where devices fetch packages: "http://host:port" and "coap://host:port"
 * (or coaps://), without the /pkg/<sha256> that follows. */
void lw_set_package_base(lw_server *s, const char *http_base, const char *coap_base);
/* Serve a stored package block-wise at pkg/<sha256> from now on. */
void lw_add_package(lw_server *s, const char *sha256);

#endif
