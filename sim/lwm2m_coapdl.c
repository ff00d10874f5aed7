/* uFOTA package download over CoAP block-wise (lwm2m_coapdl.h). */
#include "lwm2m_coapdl.h"

#include <coap3/coap.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "download.h"
#include "feature.h"
#include "lwm2m.h"
#include "netdl.h"

#define PART "coapdl.part"
#define RECORD "coapdl"
#define POLL_WALL_MS 2u
#define STALL_MS 60000u /* no block for a minute: the connection is lost */

struct coapdl {
	bool active;
	coap_context_t *ctx;
	coap_session_t *session;
	char uri[160];
	coap_uri_t parts; /* into uri */
	int fd;
	uint64_t stored, synced, offset, total;
	uint64_t start_ms, last_ms;
	unsigned szx;     /* block size 2^(szx+4) */
	bool waiting;     /* a block request is out */
	bool stalled;     /* --net-fault stall */
	int timer;
	uint8_t token[8];
	size_t token_len;
	/* set by the handlers, acted on in the timer */
	int end;          /* 0 running, 1 done, 2 failed */
	int details, result;
	bool transient;
};

extern const struct sim_feature sim_feature_coapdl;

static struct coapdl *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_coapdl);
}

bool sim_ufota_coap_ok(struct sim_modem *m)
{
	return m->v->ufota_coap;
}

uint64_t sim_coapdl_stored(struct sim_modem *m)
{
	struct sim_kv kv;
	if (sim_kv_load(m->flash, RECORD, &kv) < 0)
		return 0;
	long n = sim_kv_get_long(&kv, "stored", 0);
	return n > 0 ? (uint64_t)n : 0;
}

static void save_record(struct sim_modem *m, struct coapdl *d)
{
	struct sim_kv kv;
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "uri", d->uri);
	sim_kv_set_long(&kv, "stored", (long)d->synced);
	sim_kv_save(m->flash, RECORD, &kv);
}

static void sync_part(struct sim_modem *m, struct coapdl *d)
{
	if (d->fd < 0 || d->synced == d->stored)
		return;
	uint64_t before = d->synced;
	fdatasync(d->fd);
	d->synced = d->stored;
	save_record(m, d);
	/* --power-cut net:N, as for FTP/HTTP */
	if (m->power_cut && strncmp(m->power_cut, "net:", 4) == 0) {
		uint64_t at = strtoull(m->power_cut + 4, NULL, 10);
		if (before < at && d->synced >= at)
			sim_modem_checkpoint(m, m->power_cut);
	}
}

static void release(struct coapdl *d)
{
	if (d->session)
		coap_session_release(d->session);
	d->session = NULL;
	if (d->ctx)
		coap_free_context(d->ctx);
	d->ctx = NULL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static void finish(struct sim_modem *m, struct coapdl *d, bool ok, int details, int result,
		   bool transient)
{
	char md5[33];
	uint64_t size;
	if (d->timer > 0)
		sim_modem_cancel(m, d->timer);
	d->timer = 0;
	sync_part(m, d);
	release(d);
	d->active = false;
	if (ok && sim_netdl_commit(m, PART, SIM_DL_LWM2M, md5, &size) != 0) {
		ok = false;
		details = 101;
		result = 2;
		transient = false;
	}
	if (ok || !transient) { /* a fade keeps the part for the resume */
		sim_flash_remove(m->flash, RECORD);
		sim_flash_remove(m->flash, PART);
	}
	sim_download_end(m);
	if (ok)
		sim_modem_checkpoint(m, "stored");
	sim_ufota_coap_done(m, ok, details, result, transient);
}

static void request(struct coapdl *d)
{
	coap_optlist_t *opts = NULL;
	uint8_t b[4];
	coap_pdu_t *pdu = coap_pdu_init(COAP_MESSAGE_CON, COAP_REQUEST_CODE_GET,
					coap_new_message_id(d->session),
					coap_session_max_pdu_size(d->session));
	if (!pdu)
		return;
	coap_session_new_token(d->session, &d->token_len, d->token);
	coap_add_token(pdu, d->token_len, d->token);
	{
		char path[160], *save = NULL;
		size_t n = d->parts.path.length < sizeof path - 1 ? d->parts.path.length : sizeof path - 1;
		memcpy(path, d->parts.path.s, n);
		path[n] = '\0';
		for (char *seg = strtok_r(path, "/", &save); seg; seg = strtok_r(NULL, "/", &save))
			coap_insert_optlist(&opts, coap_new_optlist(COAP_OPTION_URI_PATH, strlen(seg),
								    (const uint8_t *)seg));
	}
	unsigned num = (unsigned)(d->stored >> (d->szx + 4));
	coap_insert_optlist(&opts, coap_new_optlist(COAP_OPTION_BLOCK2,
						    coap_encode_var_safe(b, sizeof b, num << 4 | d->szx), b));
	coap_add_optlist_pdu(pdu, &opts);
	coap_delete_optlist(opts);
	d->waiting = true;
	if (coap_send(d->session, pdu) == COAP_INVALID_MID) {
		d->waiting = false;
		d->end = 2;
		d->details = 102;
		d->result = 4;
		d->transient = true;
	}
}

static bool ours(struct sim_modem *m, struct coapdl *d, coap_session_t *s, const coap_pdu_t *p)
{
	coap_bin_const_t t = coap_pdu_get_token(p);
	(void)m;
	return d->active && s == d->session && t.length == d->token_len &&
	       memcmp(t.s, d->token, t.length) == 0;
}

static void set_end(struct coapdl *d, int details, int result, bool transient)
{
	d->end = 2;
	d->details = details;
	d->result = result;
	d->transient = transient;
}

static coap_response_t on_response(coap_session_t *session, const coap_pdu_t *sent,
				   const coap_pdu_t *rcvd, const coap_mid_t mid)
{
	struct sim_modem *m = coap_session_get_app_data(session);
	struct coapdl *d;
	coap_block_t block;
	size_t len = 0;
	const uint8_t *data = NULL;
	(void)sent;
	(void)mid;
	if (!m || !ours(m, (d = state(m)), session, rcvd))
		return COAP_RESPONSE_OK;
	d->waiting = false;
	coap_pdu_code_t code = coap_pdu_get_code(rcvd);
	if (code != COAP_RESPONSE_CODE(205)) {
		/* 4.04 and other client errors: the URI (result 7); 5.xx: try later */
		if (COAP_RESPONSE_CLASS(code) == 4)
			set_end(d, 104, 7, false);
		else
			set_end(d, 102, 4, true);
		return COAP_RESPONSE_OK;
	}
	coap_get_data(rcvd, &len, &data);
	bool more = false;
	uint64_t at = d->stored;
	if (coap_get_block(rcvd, COAP_OPTION_BLOCK2, &block)) {
		if (block.szx < d->szx) /* the server chose smaller blocks */
			d->szx = block.szx;
		at = (uint64_t)block.num << (block.szx + 4);
		more = block.m;
	}
	coap_opt_iterator_t it;
	coap_opt_t *o = coap_check_option(rcvd, COAP_OPTION_SIZE2, &it);
	if (o)
		d->total = coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o));
	if (at != d->stored) {
		set_end(d, 103, 4, true); /* out of order: start this block again */
		return COAP_RESPONSE_OK;
	}
	struct sim_net_config *net = m->net;
	if (net && !net->fault_fired && (net->fault == SIM_NF_DROP || net->fault == SIM_NF_STALL) &&
	    d->stored + len > net->fault_at) {
		net->fault_fired = true;
		if (net->fault == SIM_NF_STALL) {
			d->stalled = true;
			return COAP_RESPONSE_OK;
		}
		set_end(d, 102, 4, true);
		return COAP_RESPONSE_OK;
	}
	if (d->stored + len > 32u * 1024u * 1024u || sim_flash_write_fd(d->fd, data, len) != 0) {
		set_end(d, 101, 2, false);
		return COAP_RESPONSE_OK;
	}
	d->stored += len;
	d->last_ms = sim_modem_now(m);
	if (d->stored - d->synced >= SIM_NETDL_SYNC)
		sync_part(m, d);
	if (d->total && d->stored < d->total)
		sim_ufota_coap_progress(m, d->stored, d->total);
	if (!more)
		d->end = 1;
	return COAP_RESPONSE_OK;
}

static void on_nack(coap_session_t *session, const coap_pdu_t *sent, const coap_nack_reason_t reason,
		    const coap_mid_t mid)
{
	struct sim_modem *m = coap_session_get_app_data(session);
	(void)reason;
	(void)mid;
	if (m && ours(m, state(m), session, sent)) {
		state(m)->waiting = false;
		set_end(state(m), 102, 4, true);
	}
}

static void step(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct coapdl *d = state(m);
	(void)arg;
	d->timer = 0;
	if (!d->active)
		return;
	coap_io_process(d->ctx, COAP_IO_NO_WAIT);
	if (d->end == 1) {
		finish(m, d, true, 100, 0, false);
		return;
	}
	if (d->end == 2) {
		finish(m, d, false, d->details, d->result, d->transient);
		return;
	}
	if (sim_modem_now(m) - d->last_ms > STALL_MS) {
		finish(m, d, false, 102, 4, true);
		return;
	}
	if (!d->waiting && !d->stalled &&
	    sim_net_pace(m, &d->start_ms, d->stored - d->offset, 1u << (d->szx + 4)))
		request(d);
	/* an answer on loopback comes within a fraction of a millisecond:
	 * look again 1 module ms later while one is awaited, so the time
	 * scale never makes the poll the bottleneck */
	uint32_t ms = d->waiting ? 1u : (uint32_t)(POLL_WALL_MS * m->clock->scale);
	d->timer = sim_modem_after(m, ms ? ms : 1, step, 0);
}

static unsigned szx_of(unsigned block)
{
	unsigned szx = 6;
	while (szx > 0 && (1u << (szx + 4)) > block)
		szx--;
	return szx;
}

int sim_coapdl_start(struct sim_modem *m, const char *uri, bool resume)
{
	struct coapdl *d = state(m);
	struct sim_kv kv;
	if (d->active)
		return SIM_CME_NOT_ALLOWED;
	memset(d, 0, sizeof *d);
	d->fd = -1;
	snprintf(d->uri, sizeof d->uri, "%s", uri);
	if (coap_split_uri((const uint8_t *)d->uri, strlen(d->uri), &d->parts) != 0 ||
	    !sim_lwm2m_coap_ready())
		return SIM_CME_INCORRECT_PARAMS;
	unsigned block = m->net && m->net->lwm2m && m->net->lwm2m->block ? m->net->lwm2m->block : 1024;
	d->szx = szx_of(block);
	if (resume && sim_kv_load(m->flash, RECORD, &kv) == 0 && sim_kv_get(&kv, "uri") &&
	    strcmp(sim_kv_get(&kv, "uri"), d->uri) == 0) {
		long n = sim_kv_get_long(&kv, "stored", 0);
		/* from the last whole block of the smallest size */
		d->offset = n > 0 ? (uint64_t)n & ~(uint64_t)15 : 0;
		while (d->offset & ((1u << (d->szx + 4)) - 1))
			d->szx--;
	}
	char path[600];
	if (sim_flash_path(m->flash, PART, path, sizeof path) != 0 ||
	    (d->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0 ||
	    ftruncate(d->fd, (off_t)d->offset) != 0 || lseek(d->fd, (off_t)d->offset, SEEK_SET) < 0) {
		release(d);
		return SIM_CME_MEMORY_FAILURE;
	}
	d->stored = d->synced = d->offset;
	d->ctx = coap_new_context(NULL);
	if (d->ctx) {
		coap_register_response_handler(d->ctx, on_response);
		coap_register_nack_handler(d->ctx, on_nack);
		d->session = sim_lwm2m_open_session(m, d->ctx, d->uri);
	}
	if (!d->session) {
		release(d);
		return SIM_CME_INCORRECT_PARAMS;
	}
	coap_session_set_app_data(d->session, m);
	d->active = true;
	d->last_ms = sim_modem_now(m);
	save_record(m, d);
	sim_download_begin(m, SIM_DL_LWM2M);
	d->timer = sim_modem_after(m, 1, step, 0);
	return SIM_OK;
}

bool sim_coapdl_cancel(struct sim_modem *m)
{
	struct coapdl *d = state(m);
	if (!d->active)
		return false;
	finish(m, d, false, 100, 0, false);
	return true;
}

static void power_off(struct sim_modem *m, void *st)
{
	(void)m;
	release(st); /* the part file and its record stay for a resume */
}

static int power_on(struct sim_modem *m, void *st)
{
	struct coapdl *d = st;
	(void)m;
	d->fd = -1;
	return 0;
}

/* R422-style spoiling by Table 7 commands does not apply: the CoAP
 * download exists on R410M only, which refuses them (download.c). */
const struct sim_feature sim_feature_coapdl = {
	.name = "coapdl",
	.state_size = sizeof(struct coapdl),
	.power_off = power_off,
	.power_on = power_on,
};
