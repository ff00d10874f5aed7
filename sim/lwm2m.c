/* The simulated module's LwM2M client (lwm2m.h): one libcoap3 context per
 * modem, stepped with coap_io_process(ctx, COAP_IO_NO_WAIT) from a modem
 * timer every POLL_WALL_MS of wall time, so the simulator stays one thread
 * and one poll() loop. The object model is lwm2m_objects.c; each path of
 * it is a libcoap resource (observable), so Observe and its notifications
 * are libcoap's own. */
#include "lwm2m.h"

#include <coap3/coap.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "feature.h"
#include "netdl.h"
#include "network.h"
#include "pdp.h"
#include "ufota.h"

#define RECORD "lwm2m"
#define POLL_WALL_MS 5u
#define POLL_EXTERNAL_WALL_MS 500u /* --fleet: the fleet polls the fd */
#define START_MS 2000u   /* attach -> the client's first request */
#define RETRY_MS 60000u  /* a failed registration is tried again */
/* A DTLS handshake not finished by then has failed (a wrong PSK: the
 * server drops what it cannot decrypt, RFC 6347 §4.1.2.7, and nothing
 * ever comes back). Module time, but never under HANDSHAKE_WALL_MS of
 * wall time: libcoap's own retransmissions run on the wall clock. */
#define HANDSHAKE_MS 30000u
#define HANDSHAKE_WALL_MS 5000u

enum reg_op { OP_NONE, OP_REGISTER, OP_UPDATE, OP_DEREGISTER };

/* The registration with the server of one slot. */
struct lw_reg {
	coap_session_t *session; /* NULL: the slot's server has no URI */
	int timer;
	int hs_timer;      /* the DTLS handshake's bound */
	bool session_dead; /* DTLS failed: a new session for the next try */
	enum reg_op op;
	uint8_t token[8];
	size_t token_len;
	int64_t lifetime_sent;
	uint64_t sent_ns; /* the pending request left (stats) */
};

struct lwm2m {
	struct lw_server srv[LW_SERVERS];
	struct lw_reg r[LW_SERVERS]; /* slot 0 u-blox (721), 1 the MNO's (Verizon 102) */
	coap_context_t *ctx;
	int poll_timer;
	bool started;      /* attached and running since boot */
	bool host_dereg;   /* +ULWM2MDEREG until reboot or +ULWM2MREG */
	bool timer_off;    /* +UFOTACONF=2,-1 */
	bool registered_once; /* slot 0 */
	bool disabled;     /* +ULWM2M=1 (AT-FACTS): no client from the next boot */
	bool off;          /* ... and at this boot's start: no client now */
	int reg_status;    /* +ULWM2MSTAT <status> of the u-blox server (AT-FACTS), for +ULWM2MREG? */
	bool no_imei_said; /* "not registering: no IMEI" is in --log */
	time_t next_checkin; /* slot 0; wall clock (CLOCK_REALTIME), scaled by --time-scale */
};

extern const struct sim_feature sim_feature_lwm2m;

static struct lwm2m *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_lwm2m);
}

int sim_lwm2m_parse_psk(const char *hex, struct sim_lwm2m_config *c)
{
	size_t n = strlen(hex);
	if (n == 0 || n % 2 || n / 2 > sizeof c->psk)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
			return -1;
		c->psk[i] = (uint8_t)v;
	}
	c->psk_len = n / 2;
	return 0;
}

struct lw_server *sim_lwm2m_server(struct sim_modem *m, int slot)
{
	return slot >= 0 && slot < LW_SERVERS ? &state(m)->srv[slot] : NULL;
}

int sim_lwm2m_slot(struct sim_modem *m, long ssid)
{
	struct lwm2m *l = state(m);
	for (int i = 0; i < LW_SERVERS; i++)
		if (l->srv[i].present && l->srv[i].ssid == ssid)
			return i;
	return -1;
}

bool sim_lwm2m_running(struct sim_modem *m)
{
	return state(m)->started;
}

int sim_lwm2m_reg_status(struct sim_modem *m)
{
	return state(m)->reg_status;
}

/* note §2.5.1: Softbank (28) on 63B, §2.8.1: NTT DoCoMo (20), a week */
int64_t sim_lwm2m_factory_lifetime(struct sim_modem *m)
{
	int mno = sim_network_mno(m);
	if (mno == 20 || (mno == 28 && strstr(m->v->name, "63B")))
		return LW_LIFETIME_WEEK;
	return LW_LIFETIME_FACTORY;
}

/* ---- URCs ---- */

static void urc_reg(struct sim_modem *m, uint16_t ssid, int status)
{
	if (ssid == state(m)->srv[0].ssid)
		state(m)->reg_status = status;
	/* the legacy +ULWM2MSTAT (note §2.6.1.2) reports the FOTA only */
	if (!m->v->legacy_lwm2mstat && sim_urc_enabled(m, SIM_URC_ULWM2MSTAT))
		sim_modem_urc(m, "+ULWM2MSTAT: 1,%u,%d", ssid, status);
}

/* ---- flash: record "lwm2m" ---- */

static double scale(const struct sim_modem *m)
{
	return m->clock->scale > 0 ? m->clock->scale : 1.0;
}

static void save(struct sim_modem *m)
{
	struct lwm2m *l = state(m);
	struct sim_kv kv;
	char key[24];
	sim_kv_clear(&kv);
	sim_kv_set_long(&kv, "registered_once", l->registered_once);
	sim_kv_set_long(&kv, "next_checkin", (long)l->next_checkin);
	sim_kv_set_long(&kv, "timer_off", l->timer_off);
	sim_kv_set_long(&kv, "disabled", l->disabled);
	sim_kv_set_long(&kv, "mno", sim_network_mno(m));
	for (int i = 0; i < LW_SERVERS; i++) {
		const struct lw_server *s = &l->srv[i];
		if (!s->present)
			continue;
		snprintf(key, sizeof key, "s%d_lifetime", i);
		sim_kv_set_long(&kv, key, (long)s->lifetime);
		snprintf(key, sizeof key, "s%d_pmin", i);
		sim_kv_set_long(&kv, key, (long)s->pmin);
		snprintf(key, sizeof key, "s%d_pmax", i);
		sim_kv_set_long(&kv, key, (long)s->pmax);
		snprintf(key, sizeof key, "s%d_store", i);
		sim_kv_set_long(&kv, key, s->store);
		snprintf(key, sizeof key, "s%d_binding", i);
		sim_kv_set(&kv, key, s->binding);
	}
	sim_kv_save(m->flash, RECORD, &kv);
}

/* Factory values (note §2.5.1's +ULWM2MREAD="/1/1"), then the record's. */
static void load(struct sim_modem *m, struct lwm2m *l)
{
	struct sim_kv kv;
	char key[24];
	int mno = sim_network_mno(m);
	bool have = sim_kv_load(m->flash, RECORD, &kv) == 0;
	if (have && sim_kv_get_long(&kv, "mno", mno) != mno)
		have = false; /* another MNO profile: its servers' factory values */
	for (int i = 0; i < LW_SERVERS; i++) {
		struct lw_server *s = &l->srv[i];
		memset(s, 0, sizeof *s);
		s->present = true;
		/* slot 0 u-blox (absent on DoCoMo, note §2.8.1); slot 1 the MNO's
		 * (Verizon 102 on profiles 3 and 205, note B.1.2) */
		s->ssid = i == 0 ? LW_SSID_UBLOX : (mno == 3 || mno == 205) ? LW_SSID_VERIZON : 1;
		s->lifetime = sim_lwm2m_factory_lifetime(m);
		s->pmin = 10;
		s->pmax = 60;
		s->disable_timeout = 86400;
		s->store = false;
		s->sec_mode = i == 0 && m->net && m->net->lwm2m && m->net->lwm2m->psk_len ? 0 : 3;
		snprintf(s->binding, sizeof s->binding, "UQ");
		if (!have)
			continue;
		snprintf(key, sizeof key, "s%d_lifetime", i);
		s->lifetime = sim_kv_get_long(&kv, key, (long)s->lifetime);
		snprintf(key, sizeof key, "s%d_pmin", i);
		s->pmin = sim_kv_get_long(&kv, key, (long)s->pmin);
		snprintf(key, sizeof key, "s%d_pmax", i);
		s->pmax = sim_kv_get_long(&kv, key, (long)s->pmax);
		snprintf(key, sizeof key, "s%d_store", i);
		s->store = sim_kv_get_long(&kv, key, 0) != 0;
		snprintf(key, sizeof key, "s%d_binding", i);
		if (sim_kv_get(&kv, key) && strlen(sim_kv_get(&kv, key)) < sizeof s->binding)
			snprintf(s->binding, sizeof s->binding, "%s", sim_kv_get(&kv, key));
	}
	if (!have)
		return;
	l->registered_once = sim_kv_get_long(&kv, "registered_once", 0) != 0;
	l->next_checkin = (time_t)sim_kv_get_long(&kv, "next_checkin", 0);
	l->timer_off = sim_kv_get_long(&kv, "timer_off", 0) != 0;
	l->disabled = sim_kv_get_long(&kv, "disabled", 0) != 0;
}

/* ---- the registration interface ---- */

static void send_reg(struct sim_modem *m, int slot, enum reg_op op);
static void reg_failed(struct sim_modem *m, struct lwm2m *l, int slot);

/* A status without a URC of its own (pending); +ULWM2MREG? shows it. */
static void set_reg_status(struct sim_modem *m, int slot, int status)
{
	if (slot == 0)
		state(m)->reg_status = status;
}

static void handshake_fn(void *ctx, int slot)
{
	struct sim_modem *m = ctx;
	struct lwm2m *lw = state(m);
	struct lw_reg *l = &lw->r[slot];
	l->hs_timer = 0;
	if (!l->session || l->op == OP_NONE ||
	    coap_session_get_state(l->session) == COAP_SESSION_STATE_ESTABLISHED)
		return;
	sim_audit_event(m->audit, sim_modem_now(m), "lwm2m_dtls_failed", ",\"ssid\":%u", lw->srv[slot].ssid);
	l->session_dead = true;
	reg_failed(m, lw, slot); /* +ULWM2MSTAT: 1,<ssid>,4 and a new try in RETRY_MS */
}

static void arm_handshake(struct sim_modem *m, int slot)
{
	struct lw_reg *l = &state(m)->r[slot];
	double floor_ms = HANDSHAKE_WALL_MS * scale(m);
	uint32_t ms = floor_ms > HANDSHAKE_MS ? (floor_ms > 0x3fffffff ? 0x3fffffffu : (uint32_t)floor_ms)
					      : HANDSHAKE_MS;
	if (l->hs_timer > 0)
		sim_modem_cancel(m, l->hs_timer);
	l->hs_timer = sim_modem_after(m, ms, handshake_fn, slot);
}

/* timer arg: slot * 8 + op */
static void reg_timer_fn(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct lwm2m *l = state(m);
	int slot = arg / 8;
	enum reg_op op = (enum reg_op)(arg % 8);
	l->r[slot].timer = 0;
	if (!l->started || l->host_dereg)
		return;
	send_reg(m, slot, l->srv[slot].registered && op != OP_REGISTER ? OP_UPDATE : OP_REGISTER);
}

static void schedule(struct sim_modem *m, int slot, uint32_t delay_ms, enum reg_op op)
{
	struct lw_reg *g = &state(m)->r[slot];
	if (g->timer > 0)
		sim_modem_cancel(m, g->timer);
	g->timer = sim_modem_after(m, delay_ms, reg_timer_fn, slot * 8 + (int)op);
}

/* "Just prior to lifetime expiration" (note §2.1): a tenth of it, at
 * most a minute, before. */
static uint32_t update_delay_ms(int64_t lifetime)
{
	int64_t margin = lifetime / 10 > 60 ? 60 : lifetime / 10;
	int64_t s = lifetime - (margin > 0 ? margin : 0);
	if (s < 1)
		s = 1;
	return s > 0x3fffffff / 1000 ? 0x3fffffffu : (uint32_t)(s * 1000);
}

static void arm_lifetime(struct sim_modem *m, int slot)
{
	struct lwm2m *l = state(m);
	int64_t lt = l->srv[slot].lifetime;
	if (l->timer_off || lt <= 0) {
		if (slot == 0)
			l->next_checkin = 0;
		return;
	}
	uint32_t ms = update_delay_ms(lt);
	if (slot == 0)
		l->next_checkin = time(NULL) + (time_t)((double)ms / 1000.0 / scale(m)) + 1;
	schedule(m, slot, ms, OP_UPDATE);
}

static coap_optlist_t *query(coap_optlist_t *opts, const char *fmt, const char *s, long v)
{
	char q[96];
	int n = s ? snprintf(q, sizeof q, fmt, s) : snprintf(q, sizeof q, fmt, v);
	if (n > 0 && (size_t)n < sizeof q)
		coap_insert_optlist(&opts, coap_new_optlist(COAP_OPTION_URI_QUERY, (size_t)n, (const uint8_t *)q));
	return opts;
}

static uint64_t mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void count(struct sim_modem *m, const struct lw_reg *l, enum reg_op op, bool ok)
{
	struct sim_lwm2m_stats *st = m->net && m->net->lwm2m ? m->net->lwm2m->stats : NULL;
	if (!st)
		return;
	uint64_t ms = (mono_ns() - l->sent_ns) / 1000000u;
	uint32_t *h = op == OP_REGISTER ? st->reg_ms : st->upd_ms;
	if (!ok) {
		st->fail++;
		return;
	}
	if (op == OP_REGISTER)
		st->reg++;
	else
		st->upd++;
	h[ms < SIM_LW_HIST - 1 ? ms : SIM_LW_HIST - 1]++;
}

/* The URI of the slot's server (--lwm2m-server, --lwm2m-verizon-server). */
static const char *server_uri(const struct sim_modem *m, int slot)
{
	const struct sim_lwm2m_config *c = m->net ? m->net->lwm2m : NULL;
	return !c ? NULL : slot == 0 ? c->server_uri : c->verizon_uri;
}

static void send_reg(struct sim_modem *m, int slot, enum reg_op op)
{
	struct lwm2m *lw = state(m);
	struct lw_reg *l = &lw->r[slot];
	struct lw_server *s = &lw->srv[slot];
	coap_optlist_t *opts = NULL;
	char links[1024], imei[160];
	struct lw_value v;
	uint8_t cf[4];
	int nlinks = -1;
	if (l->session_dead && lw->ctx && server_uri(m, slot)) {
		/* a new handshake (the last one failed) */
		coap_session_release(l->session);
		l->session = sim_lwm2m_open_session(m, lw->ctx, server_uri(m, slot));
		if (l->session)
			coap_session_set_app_data(l->session, m);
		l->session_dead = false;
	}
	if (!l->session)
		return;
	/* note §2.1, §2.8: the data path to the server, or why there is none */
	enum sim_bearer b = sim_pdp_lwm2m_bearer(m, server_uri(m, slot));
	if (b != SIM_BEARER_OK) {
		char why[96];
		int n = snprintf(why, sizeof why, "lwm2m: no data call: %s", sim_pdp_bearer_name(b));
		sim_log_line(m->audit, sim_modem_now(m), "#", why, (size_t)n);
		l->op = op;
		l->sent_ns = mono_ns();
		reg_failed(m, lw, slot);
		return;
	}
	coap_pdu_t *pdu = coap_pdu_init(COAP_MESSAGE_CON,
					op == OP_DEREGISTER ? COAP_REQUEST_CODE_DELETE : COAP_REQUEST_CODE_POST,
					coap_new_message_id(l->session), coap_session_max_pdu_size(l->session));
	if (!pdu)
		return;
	coap_session_new_token(l->session, &l->token_len, l->token);
	coap_add_token(pdu, l->token_len, l->token);
	if (op == OP_REGISTER) {
		v.s[0] = 0;
		if (lw_obj_read(m, 3, 0, 2, &v) != LW_OK) /* the IMEI */
			v.s[0] = 0;
		snprintf(imei, sizeof imei, "%s", v.s);
		if (strlen(imei) != 15 || strspn(imei, "0123456789") != 15) {
			/* the endpoint is never built from a missing IMEI:
			 * "urn:imei:" would be one name for every such module */
			coap_delete_pdu(pdu);
			if (!lw->no_imei_said) {
				char msg[200];
				snprintf(msg, sizeof msg, "LwM2M: no valid IMEI (\"%.20s\"): not registering", imei);
				sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
				lw->no_imei_said = true;
			}
			l->op = op;
			l->sent_ns = mono_ns();
			reg_failed(m, lw, slot); /* +ULWM2MSTAT: 1,<ssid>,4, again in 60 s */
			return;
		}
		coap_insert_optlist(&opts, coap_new_optlist(COAP_OPTION_URI_PATH, 2, (const uint8_t *)"rd"));
		opts = query(opts, "ep=urn:imei:%s", imei, 0);
		opts = query(opts, "lt=%ld", NULL, (long)s->lifetime);
		opts = query(opts, "lwm2m=%s", "1.0", 0);
		opts = query(opts, "b=%s", s->binding, 0);
		nlinks = lw_obj_links(m, links, sizeof links);
	} else {
		/* "rd/<id>": one Uri-Path option per segment */
		char *save = NULL, loc[sizeof s->location];
		snprintf(loc, sizeof loc, "%s", s->location);
		for (char *seg = strtok_r(loc, "/", &save); seg; seg = strtok_r(NULL, "/", &save))
			coap_insert_optlist(&opts, coap_new_optlist(COAP_OPTION_URI_PATH, strlen(seg),
								    (const uint8_t *)seg));
		if (op == OP_UPDATE && s->lifetime != l->lifetime_sent)
			opts = query(opts, "lt=%ld", NULL, (long)s->lifetime);
	}
	if (nlinks > 0)
		coap_insert_optlist(&opts, coap_new_optlist(COAP_OPTION_CONTENT_FORMAT,
							    coap_encode_var_safe(cf, sizeof cf, LW_CF_LINK), cf));
	coap_add_optlist_pdu(pdu, &opts);
	coap_delete_optlist(opts);
	if (nlinks > 0)
		coap_add_data(pdu, (size_t)nlinks, (const uint8_t *)links);
	l->op = op;
	l->sent_ns = mono_ns();
	if (op != OP_DEREGISTER)
		l->lifetime_sent = s->lifetime;
	if (coap_send(l->session, pdu) == COAP_INVALID_MID) {
		l->op = OP_NONE;
		schedule(m, slot, RETRY_MS, OP_REGISTER);
		return;
	}
	if (op == OP_REGISTER)
		set_reg_status(m, slot, 2); /* registration pending */
	if (coap_session_get_proto(l->session) == COAP_PROTO_DTLS &&
	    coap_session_get_state(l->session) != COAP_SESSION_STATE_ESTABLISHED)
		arm_handshake(m, slot);
}

static bool our_token(const struct lw_reg *l, const coap_pdu_t *pdu)
{
	coap_bin_const_t t = coap_pdu_get_token(pdu);
	return l->op != OP_NONE && t.length == l->token_len && memcmp(t.s, l->token, t.length) == 0;
}

static void reg_failed(struct sim_modem *m, struct lwm2m *l, int slot)
{
	enum reg_op op = l->r[slot].op;
	count(m, &l->r[slot], op, false);
	l->r[slot].op = OP_NONE;
	sim_pdp_lwm2m_release(m);
	if (op == OP_DEREGISTER) {
		l->srv[slot].registered = false;
		urc_reg(m, l->srv[slot].ssid, 0);
		return;
	}
	l->srv[slot].registered = false;
	urc_reg(m, l->srv[slot].ssid, 4); /* registration failed */
	schedule(m, slot, RETRY_MS, OP_REGISTER);
}

/* The slot whose request this answers (session and token), -1 if none. */
static int slot_of(const struct lwm2m *l, const coap_session_t *session, const coap_pdu_t *pdu)
{
	for (int i = 0; i < LW_SERVERS; i++)
		if (l->r[i].session && session == l->r[i].session && (!pdu || our_token(&l->r[i], pdu)))
			return i;
	return -1;
}

static coap_response_t handle_response(struct sim_modem *m, int slot, const coap_pdu_t *rcvd)
{
	struct lwm2m *lw = state(m);
	struct lw_reg *l = &lw->r[slot];
	struct lw_server *s = &lw->srv[slot];
	coap_pdu_code_t code = coap_pdu_get_code(rcvd);
	enum reg_op op = l->op;
	if (op == OP_REGISTER && code == COAP_RESPONSE_CODE(201)) {
		coap_opt_iterator_t it;
		coap_opt_t *o;
		size_t k = 0;
		coap_option_iterator_init(rcvd, &it, COAP_OPT_ALL);
		s->location[0] = '\0';
		while ((o = coap_option_next(&it))) {
			if (it.number != COAP_OPTION_LOCATION_PATH)
				continue;
			size_t n = coap_opt_length(o);
			if (k + n + 2 >= sizeof s->location)
				break;
			if (k)
				s->location[k++] = '/';
			memcpy(s->location + k, coap_opt_value(o), n);
			k += n;
			s->location[k] = '\0';
		}
		l->op = OP_NONE;
		count(m, l, OP_REGISTER, true);
		s->registered = true;
		if (slot == 0)
			lw->registered_once = true;
		arm_lifetime(m, slot);
		save(m);
		urc_reg(m, s->ssid, 3);
		if (lw->host_dereg) /* +ULWM2MDEREG came while this was on its way */
			sim_lwm2m_deregister(m);
		return COAP_RESPONSE_OK;
	}
	if (op == OP_UPDATE && code == COAP_RESPONSE_CODE(204)) {
		l->op = OP_NONE;
		count(m, l, OP_UPDATE, true);
		arm_lifetime(m, slot);
		save(m);
		urc_reg(m, s->ssid, 3);
		return COAP_RESPONSE_OK;
	}
	if (op == OP_UPDATE && code == COAP_RESPONSE_CODE(404)) {
		l->op = OP_NONE; /* the server forgot us: register again */
		s->registered = false;
		send_reg(m, slot, OP_REGISTER);
		return COAP_RESPONSE_OK;
	}
	if (op == OP_DEREGISTER && code == COAP_RESPONSE_CODE(202)) {
		l->op = OP_NONE;
		s->registered = false;
		urc_reg(m, s->ssid, 0);
		return COAP_RESPONSE_OK;
	}
	reg_failed(m, lw, slot);
	return COAP_RESPONSE_OK;
}

/* A response to one of the client's requests; note §2.8.4: once the
 * exchange is over the client's 2G context goes down unless an update
 * is on its way. */
static coap_response_t on_response(coap_session_t *session, const coap_pdu_t *sent,
				   const coap_pdu_t *rcvd, const coap_mid_t mid)
{
	struct sim_modem *m = coap_session_get_app_data(session);
	int slot;
	(void)sent;
	(void)mid;
	if (!m || (slot = slot_of(state(m), session, rcvd)) < 0 || state(m)->r[slot].op == OP_NONE)
		return COAP_RESPONSE_OK; /* not ours: libcoap answers */
	coap_response_t r = handle_response(m, slot, rcvd);
	if (state(m)->r[slot].op == OP_NONE)
		sim_pdp_lwm2m_release(m);
	return r;
}

static void on_nack(coap_session_t *session, const coap_pdu_t *sent, const coap_nack_reason_t reason,
		    const coap_mid_t mid)
{
	struct sim_modem *m = coap_session_get_app_data(session);
	int slot;
	(void)reason;
	(void)mid;
	if (!m || (slot = slot_of(state(m), session, sent)) < 0)
		return;
	reg_failed(m, state(m), slot);
}

/* A DTLS handshake that fails (a wrong PSK) ends the registration. */
static int on_event(coap_session_t *session, const coap_event_t event)
{
	struct sim_modem *m = coap_session_get_app_data(session);
	int slot;
	if (!m || (slot = slot_of(state(m), session, NULL)) < 0)
		return 0;
	if (event == COAP_EVENT_DTLS_ERROR || event == COAP_EVENT_DTLS_CLOSED) {
		state(m)->r[slot].session_dead = true; /* released at the next try, not inside libcoap's call */
		if (state(m)->r[slot].op != OP_NONE)
			reg_failed(m, state(m), slot);
	}
	return 0;
}

/* ---- requests from the server ---- */

static int path_of(coap_resource_t *r, struct lw_path *p)
{
	coap_str_const_t *u = coap_resource_get_uri_path(r);
	return u ? lw_path_parse((const char *)u->s, u->length, p) : -1;
}

static unsigned option_uint(const coap_pdu_t *pdu, coap_option_num_t num, unsigned dflt)
{
	coap_opt_iterator_t it;
	coap_opt_t *o = coap_check_option(pdu, num, &it);
	return o ? coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o)) : dflt;
}

static void respond(coap_pdu_t *resp, int lw_code)
{
	coap_pdu_set_code(resp, lw_code == LW_E_BAD_REQUEST	   ? COAP_RESPONSE_CODE(400)
				: lw_code == LW_E_UNAUTHORIZED ? COAP_RESPONSE_CODE(401)
				: lw_code == LW_E_NOT_ALLOWED  ? COAP_RESPONSE_CODE(405)
							       : COAP_RESPONSE_CODE(404));
}

static void add_payload(coap_pdu_t *resp, unsigned cf, const void *p, size_t n)
{
	uint8_t b[4];
	coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(b, sizeof b, cf), b);
	coap_add_data(resp, n, p);
}

static void hnd_get(coap_resource_t *r, coap_session_t *session, const coap_pdu_t *req,
		    const coap_string_t *q, coap_pdu_t *resp)
{
	struct sim_modem *m = coap_resource_get_userdata(r);
	struct lw_path p;
	uint8_t buf[1024];
	char text[1024];
	(void)session;
	(void)q;
	if (path_of(r, &p) != 0) {
		respond(resp, LW_E_NOT_FOUND);
		return;
	}
	unsigned accept = option_uint(req, COAP_OPTION_ACCEPT, 0xffff);
	if (accept == LW_CF_LINK) { /* Discover: the resources of the path */
		size_t n, k = 0;
		const struct lw_res *rows = lw_obj_resources(p.id[0], &n);
		char base[24];
		lw_path_format(&p, base, sizeof base);
		k = (size_t)snprintf(text, sizeof text, "<%s>", base);
		for (size_t i = 0; p.depth == 2 && i < n && k < sizeof text; i++)
			k += (size_t)snprintf(text + k, sizeof text - k, ",<%s/%u>", base, rows[i].res);
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
		add_payload(resp, LW_CF_LINK, text, k < sizeof text ? k : sizeof text - 1);
		return;
	}
	if (accept == LW_CF_JSON) {
		int rc = lw_obj_json(m, &p, text, sizeof text);
		if (rc != 0) {
			respond(resp, rc < -1 ? -rc : LW_E_NOT_FOUND);
			return;
		}
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
		add_payload(resp, LW_CF_JSON, text, strlen(text));
		return;
	}
	if (p.depth == 3 && accept != LW_CF_TLV) {
		struct lw_value v;
		int rc = lw_obj_read(m, p.id[0], p.id[1], p.id[2], &v);
		if (rc != LW_OK) {
			respond(resp, rc);
			return;
		}
		if (v.type != LW_T_MULTI && (accept == LW_CF_TEXT || accept == 0xffff ||
					     (accept == LW_CF_OPAQUE && v.type == LW_T_OPAQUE))) {
			int n = v.type == LW_T_INT    ? snprintf(text, sizeof text, "%lld", (long long)v.i)
				: v.type == LW_T_BOOL ? snprintf(text, sizeof text, "%d", v.b)
						      : snprintf(text, sizeof text, "%s", v.s);
			coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
			add_payload(resp, v.type == LW_T_OPAQUE ? LW_CF_OPAQUE : LW_CF_TEXT, text, (size_t)n);
			return;
		}
	}
	if (accept != 0xffff && accept != LW_CF_TLV && !(p.depth == 3 && accept == LW_CF_TEXT)) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(406));
		return;
	}
	if (p.id[0] == 0) {
		respond(resp, LW_E_UNAUTHORIZED); /* the Security object: bootstrap only */
		return;
	}
	long n = lw_obj_tlv(m, &p, buf, sizeof buf);
	if (n < 0) {
		respond(resp, n < -1 ? (int)-n : LW_E_NOT_FOUND);
		return;
	}
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
	add_payload(resp, LW_CF_TLV, buf, (size_t)n);
}

/* PUT: replace (Write); POST on an instance: partial update; POST on a
 * resource: Execute. */
static void write_or_exec(coap_resource_t *r, const coap_pdu_t *req, const coap_string_t *q,
			  coap_pdu_t *resp, bool post)
{
	struct sim_modem *m = coap_resource_get_userdata(r);
	struct lw_path p;
	size_t len = 0;
	const uint8_t *data = NULL;
	int rc;
	if (path_of(r, &p) != 0 || p.id[0] == 0) {
		respond(resp, p.id[0] == 0 ? LW_E_UNAUTHORIZED : LW_E_NOT_FOUND);
		return;
	}
	coap_get_data(req, &len, &data);
	if (post && p.depth == 3) {
		rc = lw_obj_execute(m, p.id[0], p.id[1], p.id[2]);
		if (rc == LW_OK)
			coap_pdu_set_code(resp, COAP_RESPONSE_CODE(204));
		else
			respond(resp, rc);
		return;
	}
	if (!post && len == 0 && q && q->length) { /* Write-Attributes: accepted, not acted on */
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(204));
		return;
	}
	unsigned cf = option_uint(req, COAP_OPTION_CONTENT_FORMAT, LW_CF_TEXT);
	if (cf == LW_CF_TLV) {
		rc = lw_obj_write_tlv(m, &p, data, len, true);
	} else if (cf == LW_CF_JSON) {
		static struct lw_json_entry e[16];
		char bn[32];
		int n = lw_json_parse((const char *)data, len, bn, sizeof bn, e, 16);
		rc = n < 0 ? LW_E_BAD_REQUEST : lw_obj_write_json(m, &p, e, n, true);
	} else if ((cf == LW_CF_TEXT || cf == LW_CF_OPAQUE) && p.depth == 3) {
		const struct lw_res *row = lw_obj_find(p.id[0], p.id[2]);
		struct lw_value v;
		char text[161];
		memset(&v, 0, sizeof v);
		if (!row || len >= sizeof text) {
			respond(resp, row ? LW_E_BAD_REQUEST : LW_E_NOT_FOUND);
			return;
		}
		if (len) /* an empty write (the server's cancel: /5/0/1 "") has no data */
			memcpy(text, data, len);
		text[len] = '\0';
		v.type = row->type;
		rc = LW_OK;
		if (row->type == LW_T_INT) {
			char *end;
			v.i = strtoll(text, &end, 10);
			rc = len && !*end ? LW_OK : LW_E_BAD_REQUEST;
		} else if (row->type == LW_T_BOOL) {
			rc = len == 1 && (text[0] == '0' || text[0] == '1') ? LW_OK : LW_E_BAD_REQUEST;
			v.b = text[0] == '1';
		} else {
			memcpy(v.s, text, len + 1);
			v.len = len;
		}
		if (rc == LW_OK)
			rc = lw_obj_write(m, p.id[0], p.id[1], p.id[2], &v, true);
	} else {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(415));
		return;
	}
	if (rc == LW_OK)
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(204));
	else
		respond(resp, rc);
}

static void hnd_put(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
		    const coap_string_t *q, coap_pdu_t *resp)
{
	(void)s;
	write_or_exec(r, req, q, resp, false);
}

static void hnd_post(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
		     const coap_string_t *q, coap_pdu_t *resp)
{
	(void)s;
	write_or_exec(r, req, q, resp, true);
}

static void hnd_delete(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
		       const coap_string_t *q, coap_pdu_t *resp)
{
	(void)r;
	(void)s;
	(void)req;
	(void)q;
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(405));
}

static void add_resource(struct sim_modem *m, coap_context_t *ctx, const char *path)
{
	coap_str_const_t *uri = coap_new_str_const((const uint8_t *)path, strlen(path));
	coap_resource_t *r = uri ? coap_resource_init(uri, COAP_RESOURCE_FLAGS_RELEASE_URI |
								COAP_RESOURCE_FLAGS_NOTIFY_CON)
				 : NULL;
	if (!r) {
		coap_delete_str_const(uri);
		return;
	}
	coap_register_request_handler(r, COAP_REQUEST_GET, hnd_get);
	coap_register_request_handler(r, COAP_REQUEST_PUT, hnd_put);
	coap_register_request_handler(r, COAP_REQUEST_POST, hnd_post);
	coap_register_request_handler(r, COAP_REQUEST_DELETE, hnd_delete);
	coap_resource_set_get_observable(r, 1);
	coap_resource_set_userdata(r, m);
	coap_add_resource(ctx, r);
}

/* Every object, instance and modelled resource of the list. */
static void add_resources(struct sim_modem *m, coap_context_t *ctx)
{
	char path[24];
	int last_obj = -1;
	for (size_t i = 0; lw_instance_list[i]; i++) {
		struct lw_path p;
		lw_path_parse(lw_instance_list[i], strlen(lw_instance_list[i]), &p);
		if (p.id[0] != last_obj) {
			snprintf(path, sizeof path, "%u", p.id[0]);
			add_resource(m, ctx, path);
			last_obj = p.id[0];
		}
		if (p.depth < 2)
			continue;
		snprintf(path, sizeof path, "%u/%u", p.id[0], p.id[1]);
		add_resource(m, ctx, path);
		size_t n;
		const struct lw_res *rows = lw_obj_resources(p.id[0], &n);
		for (size_t j = 0; j < n; j++) {
			snprintf(path, sizeof path, "%u/%u/%u", p.id[0], p.id[1], rows[j].res);
			add_resource(m, ctx, path);
		}
	}
}

void sim_lwm2m_changed(struct sim_modem *m, uint16_t obj, uint16_t inst, uint16_t res)
{
	struct lwm2m *l = state(m);
	char path[24];
	int n;
	if (!l->ctx)
		return;
	n = snprintf(path, sizeof path, "%u/%u/%u", obj, inst, res);
	coap_str_const_t key = {.length = (size_t)n, .s = (const uint8_t *)path};
	coap_resource_t *r = coap_get_resource_from_uri_path(l->ctx, &key);
	bool observed = r && coap_resource_notify_observers(r, NULL);
	key.length = (size_t)snprintf(path, sizeof path, "%u/%u", obj, inst);
	r = coap_get_resource_from_uri_path(l->ctx, &key);
	if (r)
		observed |= coap_resource_notify_observers(r, NULL) != 0;
	/* note §2.6.1.1: "+ULWM2MSTAT: 3,721,/5/0/3" for a notification */
	if (observed && l->srv[0].registered && !m->v->legacy_lwm2mstat &&
	    sim_urc_enabled(m, SIM_URC_ULWM2MSTAT))
		sim_modem_urc(m, "+ULWM2MSTAT: 3,%u,/%u/%u/%u", l->srv[0].ssid, obj, inst, res);
}

/* ---- the client's life ---- */

static void stop_client(struct lwm2m *l)
{
	for (int i = 0; i < LW_SERVERS; i++) {
		if (l->r[i].session)
			coap_session_release(l->r[i].session);
		l->r[i].session = NULL;
	}
	if (l->ctx)
		coap_free_context(l->ctx);
	l->ctx = NULL;
}

bool sim_lwm2m_coap_ready(void)
{
	static bool global; /* libcoap's process-wide init, once */
	if (!global) {
		coap_startup();
		coap_set_log_level(LOG_EMERG);
		coap_dtls_set_log_level(LOG_EMERG);
		global = true;
	}
	return global;
}

coap_session_t *sim_lwm2m_open_session(struct sim_modem *m, coap_context_t *ctx, const char *uri_s)
{
	const struct sim_lwm2m_config *c = m->net ? m->net->lwm2m : NULL;
	coap_uri_t uri;
	coap_address_t dst;
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM}, *ai = NULL;
	char host[256], port[8];
	if (coap_split_uri((const uint8_t *)uri_s, strlen(uri_s), &uri) != 0 ||
	    uri.host.length >= sizeof host)
		return NULL;
	memcpy(host, uri.host.s, uri.host.length);
	host[uri.host.length] = '\0';
	snprintf(port, sizeof port, "%u", uri.port);
	if (getaddrinfo(host, port, &hints, &ai) != 0 || !ai)
		return NULL;
	coap_address_init(&dst);
	dst.size = ai->ai_addrlen;
	memcpy(&dst.addr.sa, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (uri.scheme == COAP_URI_SCHEME_COAPS) {
		coap_dtls_cpsk_t psk;
		if (!coap_dtls_is_supported() || !c || !c->psk_id || !c->psk_len)
			return NULL;
		memset(&psk, 0, sizeof psk);
		psk.version = COAP_DTLS_CPSK_SETUP_VERSION;
		psk.psk_info.identity.s = (const uint8_t *)c->psk_id;
		psk.psk_info.identity.length = strlen(c->psk_id);
		psk.psk_info.key.s = c->psk;
		psk.psk_info.key.length = c->psk_len;
		return coap_new_client_session_psk2(ctx, NULL, &dst, COAP_PROTO_DTLS, &psk);
	}
	if (uri.scheme != COAP_URI_SCHEME_COAP)
		return NULL;
	if (c && c->bind_host && dst.addr.sa.sa_family == AF_INET) {
		coap_address_t local;
		coap_address_init(&local);
		local.size = sizeof local.addr.sin;
		local.addr.sin.sin_family = AF_INET;
		if (inet_pton(AF_INET, c->bind_host, &local.addr.sin.sin_addr) != 1)
			return NULL;
		/* a fleet's modules share one port number, each on its own
		 * address: the first one's, which the system chose */
		local.addr.sin.sin_port = c->bind_port ? htons(*c->bind_port) : 0;
		coap_session_t *s = coap_new_client_session(ctx, &local, &dst, COAP_PROTO_UDP);
		if (!s && local.addr.sin.sin_port) { /* taken there: any port */
			local.addr.sin.sin_port = 0;
			s = coap_new_client_session(ctx, &local, &dst, COAP_PROTO_UDP);
		}
		if (s && c->bind_port && !*c->bind_port)
			*c->bind_port = coap_address_get_port(coap_session_get_addr_local(s));
		return s;
	}
	return coap_new_client_session(ctx, NULL, &dst, COAP_PROTO_UDP);
}

int sim_lwm2m_fd(struct sim_modem *m)
{
	struct lwm2m *l = state(m);
	return l->ctx ? coap_context_get_coap_fd(l->ctx) : -1;
}

void sim_lwm2m_io(struct sim_modem *m)
{
	struct lwm2m *l = state(m);
	if (l->ctx)
		coap_io_process(l->ctx, COAP_IO_NO_WAIT);
}

static void poll_fn(void *ctx, int arg);

static void start_client(struct sim_modem *m, struct lwm2m *l)
{
	l->started = true;
	if (!m->net || !m->net->lwm2m || !m->net->lwm2m->server_uri)
		return; /* no server to reach: a silent client (docs/behaviour.md) */
	/* note §2.6.1.1: "+UFOTASTAT: 3,1,0  LwM2M client start" */
	sim_ufota_client_start(m);
	/* note B.1.2: profile 205 (Verizon's Motive test) bootstraps first:
	 * hold off, initiated, finishing, finished */
	if (sim_network_mno(m) == 205 && !m->v->legacy_lwm2mstat &&
	    sim_urc_enabled(m, SIM_URC_ULWM2MSTAT))
		for (size_t i = 0; i < 4; i++)
			sim_modem_urc(m, "+ULWM2MSTAT: 0,0,%d", (int[]){10, 11, 12, 14}[i]);
	if (!sim_lwm2m_coap_ready())
		return;
	l->ctx = coap_new_context(NULL);
	if (!l->ctx)
		return;
	coap_register_response_handler(l->ctx, on_response);
	coap_register_nack_handler(l->ctx, on_nack);
	coap_register_event_handler(l->ctx, on_event);
	add_resources(m, l->ctx);
	l->r[0].session = sim_lwm2m_open_session(m, l->ctx, m->net->lwm2m->server_uri);
	if (!l->r[0].session) {
		stop_client(l);
		return;
	}
	coap_session_set_app_data(l->r[0].session, m);
	/* note B.1.2: Verizon's server (102, /1/2) when it has a URI; it
	 * registers at every client start (docs/behaviour.md) */
	if (server_uri(m, 1) && l->srv[1].ssid == LW_SSID_VERIZON) {
		l->r[1].session = sim_lwm2m_open_session(m, l->ctx, server_uri(m, 1));
		if (l->r[1].session) {
			coap_session_set_app_data(l->r[1].session, m);
			if (!l->host_dereg)
				schedule(m, 1, START_MS, OP_REGISTER);
		}
	}
	/* note §2.1: register at the first boot; later at the lifetime's
	 * end (docs/behaviour.md: also while a uFOTA job waits for its
	 * server, and after an install, note §2.6.6) */
	time_t now = time(NULL);
	if (l->host_dereg)
		return;
	if (!l->registered_once || sim_ufota_report_pending(m) ||
	    (l->next_checkin && now >= l->next_checkin && !l->timer_off))
		schedule(m, 0, START_MS, OP_REGISTER);
	else if (l->next_checkin && !l->timer_off)
		schedule(m, 0, (uint32_t)((double)(l->next_checkin - now) * 1000.0 * scale(m)), OP_REGISTER);
}

static void poll_fn(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct lwm2m *l = state(m);
	(void)arg;
	l->poll_timer = 0;
	if (!l->started && !l->off && sim_network_attached(m))
		start_client(m, l);
	if (l->ctx)
		coap_io_process(l->ctx, COAP_IO_NO_WAIT);
	bool ext = m->net && m->net->lwm2m && m->net->lwm2m->external_poll;
	if (ext && l->started)
		return; /* the fleet's loop polls the context from now on */
	uint32_t ms = (uint32_t)((ext ? POLL_EXTERNAL_WALL_MS : POLL_WALL_MS) * scale(m));
	l->poll_timer = sim_modem_after(m, ms ? ms : 1, poll_fn, 0);
}

void sim_lwm2m_server_changed(struct sim_modem *m, int slot, bool lifetime)
{
	struct lwm2m *l = state(m);
	save(m);
	/* LwM2M 1.0 §5.3.2, note §2.5.1: "Setting the timer will trigger a
	 * check-in" */
	if (lifetime && slot >= 0 && slot < LW_SERVERS && l->r[slot].session && l->started &&
	    !l->host_dereg)
		schedule(m, slot, START_MS, l->srv[slot].registered ? OP_UPDATE : OP_REGISTER);
}

void sim_lwm2m_checkin(struct sim_modem *m, int slot, uint32_t delay_ms)
{
	struct lwm2m *l = state(m);
	l->host_dereg = false;
	/* a server without a URI: the u-blox server checks in (B.1.2's
	 * +ULWM2MREG=102 without --lwm2m-verizon-server) */
	if (slot < 0 || slot >= LW_SERVERS || !l->r[slot].session)
		slot = 0;
	if (l->started)
		schedule(m, slot, delay_ms, l->srv[slot].registered ? OP_UPDATE : OP_REGISTER);
}

void sim_lwm2m_deregister(struct sim_modem *m)
{
	struct lwm2m *l = state(m);
	l->host_dereg = true;
	for (int i = 0; i < LW_SERVERS; i++) {
		if (l->r[i].timer > 0)
			sim_modem_cancel(m, l->r[i].timer);
		l->r[i].timer = 0;
		if (l->srv[i].registered && l->r[i].session)
			send_reg(m, i, OP_DEREGISTER);
	}
}

void sim_lwm2m_set_timer_disabled(struct sim_modem *m, bool off)
{
	struct lwm2m *l = state(m);
	l->timer_off = off;
	save(m);
}

void sim_lwm2m_set_disabled(struct sim_modem *m, bool off)
{
	struct lwm2m *l = state(m);
	l->disabled = off; /* read at the next boot (poll_fn); this one runs on */
	save(m);
}

bool sim_lwm2m_disabled(struct sim_modem *m)
{
	return state(m)->disabled;
}

bool sim_lwm2m_timer_disabled(struct sim_modem *m)
{
	return state(m)->timer_off;
}

static void power_off(struct sim_modem *m, void *st)
{
	(void)m;
	stop_client(st);
}

static void boot_done(struct sim_modem *m, void *st)
{
	struct lwm2m *l = st;
	load(m, l);
	l->off = l->disabled;
	l->poll_timer = sim_modem_after(m, 1, poll_fn, 0);
}

const struct sim_feature sim_feature_lwm2m = {
	.name = "lwm2m",
	.state_size = sizeof(struct lwm2m),
	.power_off = power_off,
	.boot_done = boot_done,
};
