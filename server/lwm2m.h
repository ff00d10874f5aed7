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
	/* this front-end's id, stored as the owner of the sessions it holds
	 * (db_cluster.h); NULL: none stored */
	const char *node_id;
} lw_config;

typedef struct lw_server lw_server;

/* what this process's LwM2M side holds and has answered since it started
 * (GET /api/v1/stats) */
typedef struct lw_stats {
	unsigned sessions;       /* devices whose session is held here */
	uint64_t updates;        /* registration Updates answered 2.04 */
	uint64_t from_memory;    /* of those, plain ones answered from memory */
	uint64_t ahead;          /* of those, answered ahead of libcoap (plain CoAP) */
	unsigned setups_queued;  /* devices waiting to send their setup requests */
	unsigned in_flight;      /* devices with requests of the server unanswered */
} lw_stats;

lw_server *lw_start(const lw_config *cfg, char *err, size_t errlen);
void lw_stop(lw_server *s);
/* The fds to poll for input: libcoap's epoll fd, and the plain CoAP
 * endpoint's socket (plain Updates are answered ahead of libcoap); -1
 * when not to be polled now. */
int lw_fd(lw_server *s);
int lw_udp_fd(lw_server *s);
/* Run what is due; returns the ms until libcoap wants to run again. */
int lw_process(lw_server *s);
/* Write the refresh times of the plain Updates answered from memory and
 * not yet written (within 10 ms anyway): before anything else reads the
 * storage. */
void lw_flush(lw_server *s);
/* Campaign actions through this server's sessions. */
const campaign_io *lw_campaign_io(lw_server *s);
/* Where devices fetch packages: "http://host:port" and "coap://host:port"
 * (or coaps://), without the /pkg/<sha256> that follows. */
void lw_set_package_base(lw_server *s, const char *http_base, const char *coap_base);
/* Serve a stored package block-wise at pkg/<sha256> from now on. */
void lw_add_package(lw_server *s, const char *sha256);
/* Observe /5/0/3, /5/0/5, /3/0/3 and read /3/0 again (a routed "O"):
 * 0 when queued for the device's session here, -1 when none is here. */
int lw_observe(void *s, const char *imei);
void lw_get_stats(const lw_server *s, lw_stats *st);

#endif
