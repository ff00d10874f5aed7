/* sarafw-server's HTTP side on libmicrohttpd: the REST API under /api/v1
 * (docs/server-api.md) with bearer tokens and roles, and package download
 * with Range under /pkg/<sha256>. MHD runs without a thread of its own: the
 * server's one loop polls its epoll fd (rest_fd) and calls rest_process,
 * so storage is only ever touched from that loop. */
#ifndef SARAFW_SERVER_REST_H
#define SARAFW_SERVER_REST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "campaign.h"
#include "db.h"
#include "lwm2m.h"

#define REST_JSON_MAX (1u << 20) /* a request body in JSON */

typedef struct rest_config {
	db *db;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	const char *store;        /* package directory */
	const uint8_t *pkg_pub;   /* Ed25519 key packages must be signed with; NULL: uploads refused */
	const campaign_io *io;    /* for cancel */
	bool coap_download;       /* whether "coap" transport can be served */
	/* a package was stored (to serve it over CoAP too) */
	void (*package_added)(void *ctx, const char *sha256);
	void (*changed)(void *ctx);
	void *changed_ctx; /* for changed and package_added */
	const lw_server *lw; /* GET /api/v1/stats; NULL: not served */
} rest_config;

typedef struct rest_server rest_server;

rest_server *rest_start(const rest_config *cfg, char *err, size_t errlen);
void rest_stop(rest_server *r);
int rest_fd(rest_server *r);
/* Run what is due; returns the ms MHD wants to run again within. */
int rest_process(rest_server *r);

/* Tokens: the hash stored for a token (SHA-256, hex). */
void rest_token_hash(const char *token, char hex[65]);
/* Read the admin token from path, or make one there (mode 0600) when the
 * file does not exist; store its hash with role admin. 0 or -1 with err. */
int rest_admin_token(db *d, const char *path, char *err, size_t errlen);

#endif
