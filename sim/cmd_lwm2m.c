/* The host's side of the LwM2M client and uFOTA (note §2.3, §2.5):
 * +ULWM2MLIST, +ULWM2MREAD, +ULWM2MWRITE (the JSON form of note §2.5.1),
 * +ULWM2MREG, +ULWM2MDEREG, +UFOTACONF (note §2.5.2), +UFOTA and +ULWM2M
 * (cancel, note §2.3). The client itself is lwm2m.c, /5/0 is ufota.c. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "feature.h"
#include "lwm2m.h"
#include "ufota.h"

#define CHECKIN_MS 30000u /* "within 60 s" (note §2.5.2, §2.8.4): the middle */

static int lw_to_cme(int rc)
{
	return rc == LW_E_NOT_ALLOWED || rc == LW_E_UNAUTHORIZED ? SIM_CME_NOT_ALLOWED
								  : SIM_CME_INCORRECT_PARAMS;
}

static int path_arg(const struct sim_at_req *req, struct lw_path *p)
{
	if (req->argc != 1 || req->argv[0].type != SIM_ARG_STR ||
	    lw_path_parse(req->argv[0].str, req->argv[0].len, p) != 0)
		return SIM_CME_INCORRECT_PARAMS;
	return SIM_OK;
}

/* note §2.5.1: +ULWM2MLIST: "/1/1","/1/2",... */
static int cmd_list(struct sim_modem *m, const struct sim_at_req *req)
{
	static char out[1024];
	struct lw_path p = {.depth = 0};
	size_t k = 0;
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	if (req->type == SIM_AT_SET && path_arg(req, &p) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	if (!sim_lwm2m_running(m))
		return SIM_ERROR; /* AT-FACTS: ERROR until the client runs after boot */
	for (size_t i = 0; lw_instance_list[i]; i++) {
		struct lw_path q;
		lw_path_parse(lw_instance_list[i], strlen(lw_instance_list[i]), &q);
		bool under = q.depth >= p.depth;
		for (int j = 0; under && j < p.depth; j++)
			under = q.id[j] == p.id[j];
		if (!under || (q.depth == 2 && q.id[0] <= 1 && !lw_obj_instance_exists(m, q.id[0], q.id[1])))
			continue;
		int w = snprintf(out + k, sizeof out - k, "%s\"%s\"", k ? "," : "", lw_instance_list[i]);
		if (w < 0 || (size_t)w >= sizeof out - k)
			return SIM_CME_MEMORY_FULL;
		k += (size_t)w;
	}
	if (k == 0)
		return SIM_CME_INCORRECT_PARAMS;
	sim_modem_info(m, "+ULWM2MLIST: %s", out);
	return SIM_OK;
}

static int cmd_read(struct sim_modem *m, const struct sim_at_req *req)
{
	static char out[1024];
	struct lw_path p;
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	if (path_arg(req, &p) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	int rc = lw_obj_json(m, &p, out, sizeof out);
	if (rc != 0)
		return rc < -1 ? lw_to_cme(-rc) : SIM_CME_INCORRECT_PARAMS;
	sim_modem_info(m, "+ULWM2MREAD: %s", out);
	return SIM_OK;
}

static int cmd_write(struct sim_modem *m, const struct sim_at_req *req)
{
	static struct lw_json_entry e[16];
	char bn[32];
	struct lw_path p;
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	if (req->argc != 1 || req->argv[0].type != SIM_ARG_STR)
		return SIM_CME_INCORRECT_PARAMS;
	int n = lw_json_parse(req->argv[0].str, req->argv[0].len, bn, sizeof bn, e, 16);
	if (n <= 0 || lw_path_parse(bn, strlen(bn), &p) != 0 || p.depth < 2)
		return SIM_CME_INCORRECT_PARAMS;
	int rc = lw_obj_write_json(m, &p, e, n, false);
	return rc == LW_OK ? SIM_OK : lw_to_cme(rc);
}

static int ssid_arg(struct sim_modem *m, const struct sim_at_req *req, int *slot)
{
	long ssid;
	if (req->argc != 1 || sim_arg_num(req, 0, 1, 65534, &ssid) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	*slot = sim_lwm2m_slot(m, ssid);
	return *slot < 0 ? SIM_CME_INCORRECT_PARAMS : SIM_OK;
}

/* note §2.5.1, B.1.1: AT+ULWM2MREG=721 "Trigger check to uFOTA server" */
static int cmd_reg(struct sim_modem *m, const struct sim_at_req *req)
{
	int slot, rc;
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	if (req->type == SIM_AT_READ) {
		/* docs/behaviour.md: the u-blox server's registration status,
		 * the one view of it on the legacy versions (no URC there) */
		sim_modem_info(m, "+ULWM2MREG: %u,%d", LW_SSID_UBLOX, sim_lwm2m_reg_status(m));
		return SIM_OK;
	}
	if ((rc = ssid_arg(m, req, &slot)) != SIM_OK)
		return rc;
	sim_lwm2m_checkin(m, slot, CHECKIN_MS);
	return SIM_OK;
}

/* note §2.5.1: deregister until a reboot or +ULWM2MREG */
static int cmd_dereg(struct sim_modem *m, const struct sim_at_req *req)
{
	int slot;
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	if (req->type == SIM_AT_SET && ssid_arg(m, req, &slot) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	sim_lwm2m_deregister(m);
	return SIM_OK;
}

/* note §2.5.2: AT+UFOTACONF=2 reads, =2,<s> sets (a check-in within 60 s,
 * even for the same value), =2,-1 disables the timer */
static int cmd_ufotaconf(struct sim_modem *m, const struct sim_at_req *req)
{
	struct lw_server *s = sim_lwm2m_server(m, 0);
	long op, secs;
	if (!m->v->ufotaconf)
		return SIM_CME_NOT_SUPPORTED;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+UFOTACONF: 2,(-1,1-2147483647)");
		return SIM_OK;
	}
	if (req->argc < 1 || req->argc > 2 || sim_arg_num(req, 0, 2, 2, &op) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	if (req->argc == 1) {
		sim_modem_info(m, "+UFOTACONF: 2,%ld",
			       sim_lwm2m_timer_disabled(m) ? -1L : (long)s->lifetime);
		return SIM_OK;
	}
	if (sim_arg_num(req, 1, -1, 2147483647L, &secs) != SIM_OK || secs == 0)
		return SIM_CME_INCORRECT_PARAMS;
	sim_lwm2m_set_timer_disabled(m, secs < 0);
	if (secs > 0) {
		s->lifetime = secs;
		sim_lwm2m_server_changed(m, 0, false);
	}
	sim_lwm2m_checkin(m, 0, CHECKIN_MS);
	return SIM_OK;
}

/* note §2.3: AT+UFOTA=0 cancels the download */
static int cmd_ufota(struct sim_modem *m, const struct sim_at_req *req)
{
	long op;
	if (m->v->cancel != SIM_CANCEL_UFOTA)
		return SIM_CME_NOT_SUPPORTED;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+UFOTA: 0");
		return SIM_OK;
	}
	if (req->argc != 1 || sim_arg_num(req, 0, 0, 0, &op) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	return sim_ufota_cancel(m);
}

/* note §2.3: AT+ULWM2M=0 cancels the download on the legacy versions;
 * elsewhere (and when idle) 0 enables the client, 1 disables it, both
 * from the next boot (AT-FACTS: "reboot needed") */
static int cmd_ulwm2m(struct sim_modem *m, const struct sim_at_req *req)
{
	long op;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+ULWM2M: (0,1)");
		return SIM_OK;
	}
	if (req->type == SIM_AT_READ) {
		sim_modem_info(m, "+ULWM2M: %d", sim_lwm2m_disabled(m) ? 1 : 0);
		return SIM_OK;
	}
	if (req->argc != 1 || sim_arg_num(req, 0, 0, 1, &op) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	if (op == 0 && m->v->cancel == SIM_CANCEL_ULWM2M && sim_ufota_state(m) != FW_IDLE)
		return sim_ufota_cancel(m); /* note §2.6.5: an error once downloaded */
	/* docs/behaviour.md: stored, the client follows it from the next boot */
	sim_lwm2m_set_disabled(m, op == 1);
	return SIM_OK;
}

#define FORMS_SET (SIM_FORM_SET | SIM_FORM_TEST)

static const struct sim_cmd cmds[] = {
	{.name = "+ULWM2MLIST", .forms = FORMS_SET | SIM_FORM_READ, .cap = SIM_CAP_UFOTA,
	 .modes = SIM_IN_AT, .fn = cmd_list},
	{.name = "+ULWM2MREAD", .forms = FORMS_SET, .cap = SIM_CAP_UFOTA, .modes = SIM_IN_AT,
	 .fn = cmd_read},
	{.name = "+ULWM2MWRITE", .forms = FORMS_SET, .cap = SIM_CAP_UFOTA, .modes = SIM_IN_AT,
	 .fn = cmd_write},
	{.name = "+ULWM2MREG", .forms = FORMS_SET | SIM_FORM_READ, .cap = SIM_CAP_UFOTA, .modes = SIM_IN_AT,
	 .fn = cmd_reg},
	{.name = "+ULWM2MDEREG", .forms = FORMS_SET | SIM_FORM_ACTION, .cap = SIM_CAP_UFOTA,
	 .modes = SIM_IN_AT, .fn = cmd_dereg},
	{.name = "+UFOTACONF", .forms = FORMS_SET, .cap = SIM_CAP_LIFETIME, .modes = SIM_IN_AT,
	 .fn = cmd_ufotaconf},
	{.name = "+UFOTA", .forms = FORMS_SET, .cap = SIM_CAP_UFOTA, .modes = SIM_IN_AT,
	 .fn = cmd_ufota},
	{.name = "+ULWM2M", .forms = SIM_FORM_ANY & ~SIM_FORM_ACTION, .cap = SIM_CAP_UFOTA,
	 .modes = SIM_IN_AT, .fn = cmd_ulwm2m},
	{.name = NULL},
};

const struct sim_feature sim_feature_lwm2m_at = {
	.name = "lwm2m_at",
	.cmds = cmds,
};
