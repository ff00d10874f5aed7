/* sarafw-sim: PDP context activation (+CGACT) and the data path of the
 * LwM2M client under the network rules of note §2.8 (pdp.c):
 * - §2.8.4 SARA-R412M on 2G: a host-activated context blocks the client's
 *   data call; the client activates its own for a check-in, keeps it while
 *   an update downloads and releases it after. LTE M1/NB1: no conflict.
 * - §2.8.3 Verizon (+UMNOPROF: 3) on 52B/02B-00..02: the client's traffic
 *   goes through cid 3, whose APN must be the one the network gives cid 1.
 * - §2.8.2 Softbank (+UMNOPROF: 28) on "63B": hidden context #2.
 * - §2.1: no uFOTA over IPv6 on the versions it names. */
#ifndef SIM_PDP_H
#define SIM_PDP_H

#include <stdbool.h>

struct sim_modem;

/* Why the client cannot reach a server. */
enum sim_bearer {
	SIM_BEARER_OK = 0,
	SIM_BEARER_DOWN,      /* not registered with the network */
	SIM_BEARER_2G_HOST,   /* §2.8.4: the host holds a context on 2G */
	SIM_BEARER_APN,       /* §2.8.3: cid 3's APN is not the network's */
	SIM_BEARER_IPV6,      /* §2.1: an IPv6 context or server */
	SIM_BEARER_UNDEFINED, /* the context it needs is not defined */
};

/* cid is active (host, network default bearer on LTE, or the client's). */
bool sim_pdp_active(struct sim_modem *m, int cid);
/* The network feature: registered (true) or not; contexts follow. */
void sim_pdp_attached(struct sim_modem *m, bool on);
/* The client is about to talk to uri (its server or a package): the data
 * path, made ready (§2.8.4: the client's own context on 2G) when
 * SIM_BEARER_OK; else why not. */
enum sim_bearer sim_pdp_lwm2m_bearer(struct sim_modem *m, const char *uri);
/* The client's exchange is over: its 2G context goes down a little later
 * unless an update is downloading (then at the download's end). */
void sim_pdp_lwm2m_release(struct sim_modem *m);
/* "coap://[::1]:5683" and the like: the host of uri is an IPv6 literal. */
bool sim_pdp_uri_ipv6(const char *uri);
/* The name of a reason, for --log and the audit. */
const char *sim_pdp_bearer_name(enum sim_bearer b);

#endif
