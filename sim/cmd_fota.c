/* Update URC switches and backup: +UFOTASTAT, +ULWM2MSTAT, +UBKUPDATA.
 * Neither URC switch is stored: note §2.6.1.1 tells the host to enable
 * them again after each reboot; their boot value is note Table 2's. */
#include "commands.h"
#include "feature.h"
#include "lwm2m.h"

struct urc_switches {
	int ufotastat;
	int ulwm2mstat;
};

extern const struct sim_feature sim_feature_update_urcs;

static struct urc_switches *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_update_urcs);
}

bool sim_urc_enabled(struct sim_modem *m, unsigned urc)
{
	struct urc_switches *u = state(m);
	if (!(m->v->urcs & urc))
		return false;
	return urc == SIM_URC_UFOTASTAT ? u->ufotastat != 0 : urc == SIM_URC_ULWM2MSTAT ? u->ulwm2mstat != 0 : false;
}

static int power_on(struct sim_modem *m, void *st)
{
	struct urc_switches *u = st;
	u->ufotastat = (m->v->urcs_default & SIM_URC_UFOTASTAT) != 0;
	u->ulwm2mstat = (m->v->urcs_default & SIM_URC_ULWM2MSTAT) != 0;
	return 0;
}

static int urc_switch(struct sim_modem *m, const struct sim_at_req *req, const char *name,
		      int *value)
{
	long n;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "%s: %d", name, *value);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "%s: (0,1)", name);
		return SIM_OK;
	default: /* SIM_AT_SET: the row takes no other form */
		if (req->argc != 1 || sim_arg_num(req, 0, 0, 1, &n) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		*value = (int)n;
		return SIM_OK;
	}
}

static int cmd_ufotastat(struct sim_modem *m, const struct sim_at_req *req)
{
	return urc_switch(m, req, "+UFOTASTAT", &state(m)->ufotastat);
}

static int cmd_ulwm2mstat(struct sim_modem *m, const struct sim_at_req *req)
{
	return urc_switch(m, req, "+ULWM2MSTAT", &state(m)->ulwm2mstat);
}

/* The backup count (record "backup": count=<n>); the factory made one
 * (note §9.1). */
static long backups(struct sim_modem *m)
{
	struct sim_kv kv;
	return sim_kv_load(m->flash, "backup", &kv) < 0 ? 1 : sim_kv_get_long(&kv, "count", 1);
}

#define BACKUP_MS 3000u /* AT-FACTS: the module backs up, then reboots */

static void backup_done(void *ctx, int arg)
{
	(void)arg;
	sim_modem_reboot(ctx);
}

static int cmd_ubkupdata(struct sim_modem *m, const struct sim_at_req *req)
{
	struct sim_kv kv;
	if (req->type == SIM_AT_READ) {
		sim_modem_info(m, "+UBKUPDATA: 0,0,%ld,0,0,0,\"\"", backups(m));
		return SIM_OK;
	}
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	if (req->type != SIM_AT_ACTION)
		return SIM_CME_NOT_SUPPORTED; /* restore and other forms: not simulated */
	/* note §6.3: the host backs up after a delta update where the module
	 * does not do it by itself */
	sim_kv_clear(&kv);
	sim_kv_set_long(&kv, "count", backups(m) + 1);
	if (sim_kv_save(m->flash, "backup", &kv) < 0)
		return SIM_CME_MEMORY_FAILURE;
	sim_modem_final(m, SIM_OK);
	sim_modem_urc(m, "+UUBKUPDATA: 0,0");
	sim_modem_after(m, BACKUP_MS, backup_done, 0);
	return SIM_DONE;
}

#define SETTING_FORMS (SIM_FORM_SET | SIM_FORM_READ | SIM_FORM_TEST)

static const struct sim_cmd cmds[] = {
	/* note Table 2: the new +UFOTASTAT is absent on legacy versions */
	{.name = "+UFOTASTAT",
	 .forms = SETTING_FORMS,
	 .cap = SIM_CAP_URC(SIM_URC_UFOTASTAT),
	 .modes = SIM_IN_AT,
	 .fn = cmd_ufotastat},
	{.name = "+ULWM2MSTAT", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_ulwm2mstat},
	/* note §6.3: read, test and the backup (action) */
	{.name = "+UBKUPDATA",
	 .forms = SIM_FORM_ANY,
	 .cap = SIM_CAP_BACKUP,
	 .modes = SIM_IN_AT,
	 .fn = cmd_ubkupdata},
	{.name = NULL},
};

const struct sim_feature sim_feature_update_urcs = {
	.name = "update_urcs",
	.cmds = cmds,
	.state_size = sizeof(struct urc_switches),
	.power_on = power_on,
};
