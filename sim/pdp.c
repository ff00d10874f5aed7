/* PDP context activation and the LwM2M client's data path (pdp.h). */
#include "pdp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "feature.h"
#include "network.h"
#include "ufota.h"
#include "variants.h"

#define CID_MAX 11       /* as +CGDCONT (cmd_network.c) */
#define HOLD_MS 10000u   /* note §2.8.4: "wait additional 10 s or until PDP context is deactivated" */

struct pdp {
	unsigned active; /* bit cid: active */
	unsigned host;   /* bit cid: activated by the host (+CGACT) */
	bool client;     /* §2.8.4: the client holds cid 1 on 2G */
	int hold_timer;
};

extern const struct sim_feature sim_feature_pdp;

static struct pdp *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_pdp);
}

static bool on_2g(struct sim_modem *m)
{
	return sim_network_rat(m) == SIM_URAT_GSM;
}

bool sim_pdp_active(struct sim_modem *m, int cid)
{
	return cid >= 0 && cid <= CID_MAX && (state(m)->active & (1u << cid));
}

static void client_down(struct sim_modem *m, struct pdp *p)
{
	if (p->hold_timer > 0)
		sim_modem_cancel(m, p->hold_timer);
	p->hold_timer = 0;
	if (!p->client)
		return;
	p->client = false;
	if (!(p->host & 2u))
		p->active &= ~2u;
}

void sim_pdp_attached(struct sim_modem *m, bool on)
{
	struct pdp *p = state(m);
	client_down(m, p);
	p->host = 0;
	/* LTE: the default EPS bearer comes up with the attach (cid 1);
	 * 2G: no context until one is activated */
	p->active = on && !on_2g(m) ? 2u : 0;
}

bool sim_pdp_uri_ipv6(const char *uri)
{
	const char *h = strstr(uri, "://");
	return h && h[3] == '[';
}

const char *sim_pdp_bearer_name(enum sim_bearer b)
{
	switch (b) {
	case SIM_BEARER_OK: return "ok";
	case SIM_BEARER_DOWN: return "not registered";
	case SIM_BEARER_2G_HOST: return "2G context held by the host";
	case SIM_BEARER_APN: return "cid 3 APN differs from the network's";
	case SIM_BEARER_IPV6: return "IPv6 not supported for uFOTA";
	default: return "context not defined";
	}
}

enum sim_bearer sim_pdp_lwm2m_bearer(struct sim_modem *m, const char *uri)
{
	struct pdp *p = state(m);
	char type[8], apn[128];
	int mno = sim_network_mno(m), cid = 1;
	if (!sim_network_rat(m))
		return SIM_BEARER_DOWN;
	if (sim_network_hidden_cid(m, SIM_CID_SOFTBANK))
		cid = SIM_CID_SOFTBANK; /* note §2.8.2 */
	else if (m->v->vzw_cid3 && mno == 3)
		cid = 3; /* note §2.8.3 */
	if (!sim_network_context(m, cid, type, sizeof type, apn, sizeof apn))
		return SIM_BEARER_UNDEFINED;
	/* note §2.1: "uFOTA over IPv6 is not supported" */
	if (m->v->no_ufota_ipv6 && (strcmp(type, "IPV6") == 0 || (uri && sim_pdp_uri_ipv6(uri))))
		return SIM_BEARER_IPV6;
	/* note §2.8.3: "the same APN needs to be used in <cid>=3" */
	if (cid == 3 && strcasecmp(apn, sim_network_apn_given(m)) != 0)
		return SIM_BEARER_APN;
	if (!on_2g(m) || m->v->family != SIM_R412M)
		return SIM_BEARER_OK;
	/* note §2.8.4: "If the PDP context is activated by the host via the
	 * +CGACT AT command, then the LwM2M client cannot perform a data call" */
	if (p->host)
		return SIM_BEARER_2G_HOST;
	if (p->hold_timer > 0)
		sim_modem_cancel(m, p->hold_timer);
	p->hold_timer = 0;
	p->client = true;
	p->active |= 2u;
	return SIM_BEARER_OK;
}

static void hold_fn(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct pdp *p = state(m);
	(void)arg;
	p->hold_timer = 0;
	if (sim_ufota_state(m) == FW_DOWNLOADING)
		return; /* §2.8.4: "will stay up if there is an update to be downloaded" */
	client_down(m, p);
}

void sim_pdp_lwm2m_release(struct sim_modem *m)
{
	struct pdp *p = state(m);
	if (!p->client)
		return;
	if (p->hold_timer > 0)
		sim_modem_cancel(m, p->hold_timer);
	p->hold_timer = sim_modem_after(m, HOLD_MS, hold_fn, 0);
}

/* 27.007 §10.1.10 +CGACT=<state>[,<cid>[,<cid>...]]: without a cid every
 * defined context. */
static int cmd_cgact(struct sim_modem *m, const struct sim_at_req *req)
{
	struct pdp *p = state(m);
	char type[8], apn[128];
	unsigned want = 0;
	long st, cid;
	switch (req->type) {
	case SIM_AT_READ:
		for (int c = 1; c <= CID_MAX; c++)
			if (!sim_network_hidden_cid(m, c) &&
			    sim_network_context(m, c, type, sizeof type, apn, sizeof apn))
				sim_modem_info(m, "+CGACT: %d,%d", c, sim_pdp_active(m, c) ? 1 : 0);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CGACT: (0,1)");
		return SIM_OK;
	default: /* SIM_AT_SET: the row takes no other form */
		if (req->argc < 1 || req->argc > 1 + CID_MAX || sim_arg_num(req, 0, 0, 1, &st) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		for (int i = 1; i < req->argc; i++) {
			if (sim_arg_num(req, i, 1, CID_MAX, &cid) != SIM_OK)
				return SIM_CME_INCORRECT_PARAMS;
			/* note §2.8.2: context #2 "cannot be viewed or edited" */
			if (sim_network_hidden_cid(m, (int)cid))
				return SIM_CME_NOT_ALLOWED;
			if (!sim_network_context(m, (int)cid, type, sizeof type, apn, sizeof apn))
				return SIM_CME_INCORRECT_PARAMS;
			want |= 1u << cid;
		}
		if (req->argc == 1)
			for (int c = 1; c <= CID_MAX; c++)
				if (!sim_network_hidden_cid(m, c) &&
				    sim_network_context(m, c, type, sizeof type, apn, sizeof apn))
					want |= 1u << c;
		if (st == 0) {
			/* docs/behaviour.md: the client's own 2G context is not the
			 * host's to release; its bit stays */
			unsigned keep = p->client ? 2u & ~p->host : 0;
			p->host &= ~want;
			p->active &= ~(want & ~keep);
			return SIM_OK;
		}
		if (!sim_network_rat(m))
			return SIM_CME_NOT_ALLOWED;
		/* docs/behaviour.md: on 2G the host waits until the client
		 * released its context (note §2.8.4) */
		if (p->client && m->v->family == SIM_R412M && on_2g(m))
			return SIM_CME_NOT_ALLOWED;
		p->host |= want;
		p->active |= want;
		return SIM_OK;
	}
}

static const struct sim_cmd cmds[] = {
	{.name = "+CGACT", .forms = SIM_FORM_SET | SIM_FORM_READ | SIM_FORM_TEST, .modes = SIM_IN_AT,
	 .fn = cmd_cgact},
	{.name = NULL},
};

const struct sim_feature sim_feature_pdp = {
	.name = "pdp",
	.cmds = cmds,
	.state_size = sizeof(struct pdp),
};
