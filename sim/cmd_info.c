/* Identity: AT, ATI, +CGMI, +CGMM, +CGMR, +CGSN. The IMEI comes from the
 * flash record "identity", the firmware versions from "firmware" (a later
 * update changes them there). */
#include <stdio.h>

#include "commands.h"
#include "feature.h"

struct identity {
	char imei[16];
	char fw_modem[32], fw_app[32];
};

extern const struct sim_feature sim_feature_identity;

static struct identity *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_identity);
}

/* Both records must exist: sim_factory_prepare() wrote them. */
static int power_on(struct sim_modem *m, void *st)
{
	struct identity *id = st;
	struct sim_kv kv;
	const char *s;
	int rc = sim_kv_load(m->flash, "identity", &kv);
	if (rc < 0)
		return rc;
	s = sim_kv_get(&kv, "imei");
	snprintf(id->imei, sizeof id->imei, "%s", s ? s : "");
	rc = sim_kv_load(m->flash, "firmware", &kv);
	if (rc < 0)
		return rc;
	s = sim_kv_get(&kv, "modem_version");
	snprintf(id->fw_modem, sizeof id->fw_modem, "%s", s ? s : m->v->id.modem_fw);
	s = sim_kv_get(&kv, "app_version");
	snprintf(id->fw_app, sizeof id->fw_app, "%s", s ? s : m->v->id.app_fw);
	return 0;
}

static int cmd_at(struct sim_modem *m, const struct sim_at_req *req)
{
	(void)m;
	(void)req;
	return SIM_OK;
}

static int cmd_ati(struct sim_modem *m, const struct sim_at_req *req)
{
	struct identity *id = state(m);
	switch (req->basic_num) {
	case -1:
		/* note §6.2 Table 6 */
		sim_modem_info(m, "Manufacturer: u-blox");
		sim_modem_info(m, "Model: %s", m->v->id.model);
		sim_modem_info(m, "Revision: %s", id->fw_modem);
		sim_modem_info(m, "SVN: %s", m->v->id.svn);
		sim_modem_info(m, "IMEI: %s", id->imei);
		return SIM_OK;
	case 0:
		sim_modem_info(m, "%s", m->v->id.type_number);
		return SIM_OK;
	case 9: /* note §2.6.6 */
		sim_modem_info(m, "%s,%s", id->fw_modem, id->fw_app);
		return SIM_OK;
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

/* Read-only identity commands: the action prints, the test answers OK. */
static int ident(struct sim_modem *m, const struct sim_at_req *req, const char *a, const char *b)
{
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	if (b)
		sim_modem_info(m, "%s %s", a, b);
	else
		sim_modem_info(m, "%s", a);
	return SIM_OK;
}

static int cmd_cgmi(struct sim_modem *m, const struct sim_at_req *req)
{
	return ident(m, req, "u-blox", NULL);
}

static int cmd_cgmm(struct sim_modem *m, const struct sim_at_req *req)
{
	return ident(m, req, m->v->id.model, NULL);
}

static int cmd_cgmr(struct sim_modem *m, const struct sim_at_req *req)
{
	const char *fw = state(m)->fw_modem;
	char date[40] = "";
	/* AT-FACTS: "L0.0.00.00.05.12 [Oct 08 2020 15:00:01]" */
	if (m->v->id.build_date) {
		snprintf(date, sizeof date, "[%s]", m->v->id.build_date);
		return ident(m, req, fw, date);
	}
	return ident(m, req, fw, NULL);
}

static int cmd_cgsn(struct sim_modem *m, const struct sim_at_req *req)
{
	const char *imei = state(m)->imei;
	if (!imei[0])
		return SIM_CME_MEMORY_FAILURE; /* AT-FACTS: a lost IMEI shows so */
	return ident(m, req, imei, NULL);
}

#define IDENT_FORMS (SIM_FORM_ACTION | SIM_FORM_TEST)

static const struct sim_cmd cmds[] = {
	{.name = "", .forms = SIM_FORM_ACTION, .modes = SIM_IN_AT, .fn = cmd_at},
	{.name = "I", .forms = SIM_FORM_ACTION, .modes = SIM_IN_AT, .fn = cmd_ati},
	{.name = "+CGMI", .forms = IDENT_FORMS, .modes = SIM_IN_AT, .fn = cmd_cgmi},
	{.name = "+CGMM", .forms = IDENT_FORMS, .modes = SIM_IN_AT, .fn = cmd_cgmm},
	{.name = "+CGMR", .forms = IDENT_FORMS, .modes = SIM_IN_AT, .fn = cmd_cgmr},
	{.name = "+CGSN", .forms = IDENT_FORMS, .modes = SIM_IN_AT, .fn = cmd_cgsn},
	{.name = NULL},
};

const struct sim_feature sim_feature_identity = {
	.name = "identity",
	.cmds = cmds,
	.state_size = sizeof(struct identity),
	.power_on = power_on,
};
