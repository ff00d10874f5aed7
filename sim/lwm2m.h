/* sarafw-sim: the module's embedded LwM2M 1.0 client (note §2), on
 * libcoap3, single-threaded: its CoAP context is stepped from a modem
 * timer (no thread, no blocking call).
 *
 *   lwm2m_codec.c    paths, TLV, the JSON form (pure)
 *   lwm2m_objects.c  the object model: /0 Security, /1 Server, /3 Device,
 *                    /5 Firmware Update and the other instances note
 *                    §2.5.1's +ULWM2MLIST shows; values, read, write, execute
 *   lwm2m.c          the client (feature "lwm2m"): Register, Update,
 *                    Deregister, the CoAP requests of the server, Observe
 *   ufota.c          the Firmware Update object's work (feature "ufota"):
 *                    the download, its URCs, cancel, install (note §2.2-2.6)
 *   cmd_lwm2m.c      the AT commands (+ULWM2MREAD/WRITE/LIST/REG/DEREG,
 *                    +UFOTACONF, +UFOTA, +ULWM2M)
 *
 * Flash: record "lwm2m" (server settings the server or host changed,
 * registered once, next check-in), record "ufota" (the /5/0 state). */
#ifndef SIM_LWM2M_H
#define SIM_LWM2M_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwm2m_codec.h"
#include "modem.h"

/* Short server ids: u-blox uFOTA (note §2.5.1), Verizon (note B.1.2). */
#define LW_SSID_UBLOX 721
#define LW_SSID_VERIZON 102
#define LW_LIFETIME_FACTORY 86400L  /* note §2.1, §2.5 */
#define LW_LIFETIME_WEEK 604800L    /* note §2.5.1 Softbank 63B, §2.8.1 DoCoMo */
#define LW_SERVERS 2                /* /0/1,/1/1 and /0/2,/1/2 (note §2.5.1) */

/* Registration figures of a fleet (--fleet-stats): answered Registers and
 * Updates and their round trips in wall ms (bucket SIM_LW_HIST-1: longer). */
#define SIM_LW_HIST 10001
struct sim_lwm2m_stats {
	uint64_t reg, upd, fail;
	uint32_t reg_ms[SIM_LW_HIST], upd_ms[SIM_LW_HIST];
};

/* Options of sarafw-sim (--lwm2m-server, --lwm2m-psk-id, --lwm2m-psk-key). */
struct sim_lwm2m_config {
	const char *server_uri; /* coap:// or coaps://host:port; NULL: no server reachable */
	/* --lwm2m-verizon-server: the Verizon server entry (/1/2, short id 102,
	 * note B.1.2) on the Verizon profiles; NULL: it has no URI */
	const char *verizon_uri;
	const char *psk_id;
	uint8_t psk[64];
	size_t psk_len;
	unsigned block; /* --lwm2m-block: CoAP Block2 size asked for, 16..1024 (0: 1024) */
	/* --fleet (fleet.c): the fleet's loop polls the context's fd
	 * (sim_lwm2m_fd) and steps it (sim_lwm2m_io); the client's own poll
	 * timer then only starts the client. */
	bool external_poll;
	/* local IPv4 address of the client's socket (NULL: any): a fleet
	 * spreads over 127.0.0.x, one loopback address has ~28000 ports */
	const char *bind_host;
	/* with bind_host: the local port, shared by a fleet's modules (0: not
	 * chosen yet; the first session's port is stored here), so a fleet
	 * of 100,000 takes one port number of the system's, not 100,000;
	 * NULL: any port */
	uint16_t *bind_port;
	struct sim_lwm2m_stats *stats; /* NULL: not counted */
};
/* "00ff..." into c->psk; 0 or -1. */
int sim_lwm2m_parse_psk(const char *hex, struct sim_lwm2m_config *c);

/* One server slot: security instance i+1 and server instance i+1. */
struct lw_server {
	bool present;
	uint16_t ssid;
	int64_t lifetime, pmin, pmax, disable_timeout;
	bool store;
	char binding[4];
	bool bootstrap;
	int sec_mode; /* /0/x/2: 0 PSK, 3 NoSec */
	/* the client's registration */
	bool registered;
	char location[48]; /* "rd/<id>" from the server's Location-Path */
};

/* Values (lwm2m_objects.c). */
enum lw_type { LW_T_INT, LW_T_STR, LW_T_BOOL, LW_T_OPAQUE, LW_T_EXEC, LW_T_MULTI };
struct lw_value {
	enum lw_type type;
	int64_t i;
	bool b;
	char s[160];
	size_t len;  /* LW_T_STR, LW_T_OPAQUE */
	int n;       /* LW_T_MULTI: n integer instances multi[0..n) with ids mid[] */
	uint16_t mid[4];
	int64_t multi[4];
};
#define LW_OP_R 1u
#define LW_OP_W 2u
#define LW_OP_E 4u
struct lw_res {
	uint16_t obj, res;
	enum lw_type type;
	unsigned ops;
	const char *name; /* for +ULWM2MREAD / the JSON form: not printed, for readers */
};

/* CoAP response classes the object model answers with. */
#define LW_OK 0
#define LW_E_BAD_REQUEST 400
#define LW_E_UNAUTHORIZED 401
#define LW_E_NOT_FOUND 404
#define LW_E_NOT_ALLOWED 405

/* The instances note §2.5.1's AT+ULWM2MLIST="/" lists, in its order. */
extern const char *const lw_instance_list[];
/* The resource rows of obj (NULL-free array, *n rows). */
const struct lw_res *lw_obj_resources(uint16_t obj, size_t *n);
const struct lw_res *lw_obj_find(uint16_t obj, uint16_t res);
bool lw_obj_instance_exists(struct sim_modem *m, uint16_t obj, uint16_t inst);
bool lw_obj_exists(uint16_t obj);
/* LW_OK or an LW_E_* code. from_server: a write by an LwM2M server (the
 * host's +ULWM2MWRITE obeys other limits: note §2.5.1 Softbank). */
int lw_obj_read(struct sim_modem *m, uint16_t obj, uint16_t inst, uint16_t res, struct lw_value *v);
int lw_obj_write(struct sim_modem *m, uint16_t obj, uint16_t inst, uint16_t res,
		 const struct lw_value *v, bool from_server);
int lw_obj_execute(struct sim_modem *m, uint16_t obj, uint16_t inst, uint16_t res);

/* Encodings of a path's readable resources; bytes written, or -1. */
long lw_obj_tlv(struct sim_modem *m, const struct lw_path *p, uint8_t *out, size_t cap);
int lw_obj_json(struct sim_modem *m, const struct lw_path *p, char *out, size_t cap);
/* A TLV or JSON payload written to path p (PUT replace / POST update).
 * LW_OK or an LW_E_* code. */
int lw_obj_write_tlv(struct sim_modem *m, const struct lw_path *p, const uint8_t *data, size_t n,
		     bool from_server);
int lw_obj_write_json(struct sim_modem *m, const struct lw_path *p, const struct lw_json_entry *e,
		      int n, bool from_server);
/* The registration's object list (CoRE link format), as sent. */
int lw_obj_links(struct sim_modem *m, char *out, size_t cap);

/* The client (lwm2m.c). */
struct lw_server *sim_lwm2m_server(struct sim_modem *m, int slot);
/* slot of a short server id, -1 if none */
int sim_lwm2m_slot(struct sim_modem *m, long ssid);
/* A value of /1/slot changed: saved; a lifetime change triggers an
 * Update (LwM2M 1.0 §5.3.2, note §2.5.1). */
void sim_lwm2m_server_changed(struct sim_modem *m, int slot, bool lifetime);
/* Check in with the server of slot within delay_ms (+ULWM2MREG, +UFOTACONF,
 * the lifetime). */
void sim_lwm2m_checkin(struct sim_modem *m, int slot, uint32_t delay_ms);
/* +ULWM2MDEREG: deregister every server until a reboot or +ULWM2MREG. */
void sim_lwm2m_deregister(struct sim_modem *m);
/* A resource changed: observers are notified (+ULWM2MSTAT: 3,<ssid>,<path>). */
void sim_lwm2m_changed(struct sim_modem *m, uint16_t obj, uint16_t inst, uint16_t res);
/* The client runs: LwM2M enabled (+ULWM2M) and attached. */
bool sim_lwm2m_running(struct sim_modem *m);
/* The factory's lifetime of a slot on the active MNO profile. */
int64_t sim_lwm2m_factory_lifetime(struct sim_modem *m);
/* The lifetime timer: -1 disables it (+UFOTACONF=2,-1). */
void sim_lwm2m_set_timer_disabled(struct sim_modem *m, bool off);
bool sim_lwm2m_timer_disabled(struct sim_modem *m);
/* The u-blox server's registration status (AT-FACTS +ULWM2MSTAT
 * <status>: 0 deregistered, 2 pending, 3 success, 4 failed). */
int sim_lwm2m_reg_status(struct sim_modem *m);
/* AT+ULWM2M=1 / =0: the client off / on from the next boot (stored). */
void sim_lwm2m_set_disabled(struct sim_modem *m, bool off);
bool sim_lwm2m_disabled(struct sim_modem *m);

/* A CoAP client session to uri (coap://, or coaps:// with the PSK of
 * --lwm2m-psk-id/--lwm2m-psk-key) in ctx; NULL when it cannot be made. */
struct coap_context_t;
struct coap_session_t;
struct coap_session_t *sim_lwm2m_open_session(struct sim_modem *m, struct coap_context_t *ctx,
					      const char *uri);
/* The client context's fd to poll (libcoap's epoll fd), -1 when none;
 * sim_lwm2m_io() runs what is ready without waiting. */
int sim_lwm2m_fd(struct sim_modem *m);
void sim_lwm2m_io(struct sim_modem *m);
/* libcoap's process-wide start, once. */
bool sim_lwm2m_coap_ready(void);

/* URC helpers shared by the client and the firmware object: a URC goes
 * out only when its switch is on (cmd_fota.c). */
bool sim_urc_enabled(struct sim_modem *m, unsigned urc);

#endif
