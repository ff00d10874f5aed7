/* MNO profile, registration, PDP contexts and SMS storage: +UMNOPROF,
 * +CEREG, +CGDCONT, +CPMS. The network is simulated: the module registers
 * register_ms after boot with the cell of its MNO profile. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct sim_apn {
	int cid;
	const char *type;
	const char *apn;
};

struct sim_mno {
	int id;
	const char *name; /* +UMNOPROF=? with versions, note §2.6.6 */
	const char *tac, *ci;
	const char *addr; /* default bearer address once registered */
	struct sim_apn apn[5];
};

#define V6_ZERO "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"

/* The first eight in the order of note §2.6.6, then AT-FACTS ones. */
static const struct sim_mno mnos[] = {
	{0, "SW default", "0001", "01A2D101", "10.64.12.34", {{1, "IP", ""}}},
	{1, "SIM ICCID select", "0001", "01A2D101", "10.64.12.34", {{1, "IP", ""}}},
	{6, "CT 5.0", "5A21", "0C3B2201", "10.96.40.7", {{1, "IP", "ctnb"}}},
	{4, "Telstra 5.0", "3011", "08F1A201", "10.72.5.19", {{1, "IP", "telstra.internet"}}},
	{21, "TELUS 5.1", "4E20", "02B7C101", "10.80.33.2", {{1, "IP", "m2m.telus.iot"}}},
	{5, "TMO 5.2", "6C11", "0A21B301", "10.160.7.41", {{1, "IPV4V6", "fast.t-mobile.com"}}},
	/* note B.1.1: Verizon contexts and the cell of its transcript */
	{3, "Verizon 5.0", "2809", "9EBB03",
	 "100.112.30.30 38.0.16.18.177.72.114.69.0.0.0.81.254.124.3.1",
	 {{1, "IPV4V6", "vzwinternet"},
	  {2, "IPV4V6", "vzwadmin"},
	  {3, "IPV4V6", "vzwinternet"},
	  {4, "IPV4V6", "vzwapp"},
	  {6, "IPV4V6", "VZWCLASS6"}}},
	{2, "ATT 5.0", "7E1B", "0B3A1F02", "10.176.22.9", {{1, "IPV4V6", "m2m.com.attz"}}},
	{19, "Vodafone 1.0", "0D49", "00D2E101", "10.12.88.3", {{1, "IP", "internet"}}},
	{31, "DT 1.0", "B3C1", "01F0A001", "10.32.61.8", {{1, "IP", "internet.telekom"}}},
	{90, "Global 1.0", "0001", "01A2D101", "10.64.12.34", {{1, "IP", ""}}},
	{100, "Standard Europe 1.0", "0D49", "00D2E101", "10.12.88.3", {{1, "IP", ""}}},
	{198, "ATT 2-4-12 1.0", "7E1B", "0B3A1F02", "10.176.22.9", {{1, "IPV4V6", "m2m.com.attz"}}},
};
#define N_MNOS (sizeof mnos / sizeof mnos[0])

static const struct sim_mno *mno_find(const struct sim_modem *m, long id)
{
	if (id == 0 && !m->v->accepts_mno0)
		return NULL;
	for (size_t i = 0; i < N_MNOS; i++)
		if (mnos[i].id == id)
			return &mnos[i];
	return NULL;
}

static const struct sim_mno *mno_active(const struct sim_modem *m)
{
	const struct sim_mno *p = mno_find(m, m->mno_active);
	return p ? p : &mnos[1];
}

/* ---- PDP contexts: record "cgdcont", reset to the profile's defaults
 * at boot when it was made for another profile ---- */

#define CID_MAX 11

static void cgdcont_defaults(const struct sim_mno *p, struct sim_kv *kv)
{
	char key[8], val[SIM_KV_VAL];
	sim_kv_clear(kv);
	sim_kv_set_long(kv, "profile", p->id);
	for (int i = 0; i < 5 && p->apn[i].cid; i++) {
		snprintf(key, sizeof key, "cid%d", p->apn[i].cid);
		snprintf(val, sizeof val, "%s,%s", p->apn[i].type, p->apn[i].apn);
		sim_kv_set(kv, key, val);
	}
}

static void cgdcont_load(struct sim_modem *m, struct sim_kv *kv)
{
	if (sim_kv_load(m->flash, "cgdcont", kv) < 0 ||
	    sim_kv_get_long(kv, "profile", -1) != m->mno_active) {
		cgdcont_defaults(mno_active(m), kv);
		sim_kv_save(m->flash, "cgdcont", kv);
	}
}

static void cereg_urc(struct sim_modem *m)
{
	const struct sim_mno *p = mno_active(m);
	if (m->cereg_mode == 0)
		return;
	if (m->cereg_mode >= 2 && (m->reg_stat == 1 || m->reg_stat == 5))
		sim_modem_urc(m, "+CEREG: %d,\"%s\",\"%s\",%d", m->reg_stat, p->tac, p->ci, m->v->act);
	else
		sim_modem_urc(m, "+CEREG: %d", m->reg_stat);
}

static void set_reg(struct sim_modem *m, int stat)
{
	if (m->reg_stat == stat)
		return;
	m->reg_stat = stat;
	cereg_urc(m);
}

static void registered(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	(void)arg;
	m->reg_timer = 0;
	if (m->cfun == 1)
		set_reg(m, 1);
}

static void start_search(struct sim_modem *m)
{
	set_reg(m, 2);
	sim_modem_cancel(m, m->reg_timer);
	m->reg_timer = sim_modem_after(m, m->v->t.register_ms, registered, 0);
}

void sim_network_boot_done(struct sim_modem *m)
{
	struct sim_kv kv;
	cgdcont_load(m, &kv);
	if (m->cfun == 1)
		start_search(m);
}

void sim_network_cfun(struct sim_modem *m, int fun)
{
	if (fun == 1) {
		if (m->reg_stat != 1)
			start_search(m);
		return;
	}
	sim_modem_cancel(m, m->reg_timer);
	m->reg_timer = 0;
	set_reg(m, 0);
}

int sim_cmd_umnoprof(struct sim_modem *m, const struct sim_at_req *req)
{
	long id;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+UMNOPROF: %d", m->nvm.mno_profile);
		return SIM_OK;
	case SIM_AT_TEST:
		if (m->mnoprof_versions) {
			/* note §2.6.6: one "<id>: <name> <version>" per line */
			bool first = true;
			for (size_t i = 0; i < N_MNOS; i++) {
				if (!mno_find(m, mnos[i].id))
					continue;
				sim_modem_info(m, "%s%d: %s", first ? "+UMNOPROF: " : "", mnos[i].id,
					       mnos[i].name);
				first = false;
			}
		} else {
			char list[120] = "";
			for (size_t i = 0; i < N_MNOS; i++)
				if (mno_find(m, mnos[i].id))
					snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d",
						 list[0] ? "," : "", mnos[i].id);
			sim_modem_info(m, "+UMNOPROF: (%s)", list);
		}
		return SIM_OK;
	case SIM_AT_SET:
		/* AT+UMNOPROF=,1: show carrier profile versions in the test
		 * response (note §2.6.6); AT+UMNOPROF=,0 hides them again */
		if (req->argc == 2 && req->argv[0].type == SIM_ARG_EMPTY) {
			long on;
			if (sim_arg_num(req, 1, 0, 1, &on) != SIM_OK)
				return SIM_CME_INCORRECT_PARAMS;
			m->mnoprof_versions = on == 1;
			return SIM_OK;
		}
		if (req->argc > 4 || sim_arg_num(req, 0, 0, 255, &id) != SIM_OK || !mno_find(m, id))
			return SIM_CME_INCORRECT_PARAMS;
		/* stored now, in effect from the next boot (note B.1.1: CFUN=15) */
		m->nvm.mno_profile = (int)id;
		return sim_modem_save_nvm(m);
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

int sim_cmd_cereg(struct sim_modem *m, const struct sim_at_req *req)
{
	const struct sim_mno *p = mno_active(m);
	long n;
	switch (req->type) {
	case SIM_AT_READ:
		if (m->cereg_mode < 2 || (m->reg_stat != 1 && m->reg_stat != 5))
			sim_modem_info(m, "+CEREG: %d,%d", m->cereg_mode, m->reg_stat);
		else if (m->cereg_mode == 2)
			sim_modem_info(m, "+CEREG: 2,%d,\"%s\",\"%s\",%d", m->reg_stat, p->tac, p->ci,
				       m->v->act);
		else /* note B.1.1: mode 3 adds <cause_type>,<reject_cause> */
			sim_modem_info(m, "+CEREG: 3,%d,\"%s\",\"%s\",%d,0,0", m->reg_stat, p->tac,
				       p->ci, m->v->act);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CEREG: (0-3)");
		return SIM_OK;
	case SIM_AT_SET:
		if (req->argc != 1 || sim_arg_num(req, 0, 0, 3, &n) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		m->cereg_mode = (int)n;
		return SIM_OK;
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

static const char *zero_addr(const char *type)
{
	return strcmp(type, "IP") == 0 ? "0.0.0.0" : V6_ZERO;
}

static bool apn_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'))
			return false;
	return true;
}

int sim_cmd_cgdcont(struct sim_modem *m, const struct sim_at_req *req)
{
	static const char *const types[] = {"IP", "IPV6", "IPV4V6", "NONIP"};
	struct sim_kv kv;
	char key[8], val[SIM_KV_VAL];
	long cid;
	cgdcont_load(m, &kv);
	switch (req->type) {
	case SIM_AT_READ:
		for (int c = 1; c <= CID_MAX; c++) {
			const char *v, *comma;
			char type[8];
			snprintf(key, sizeof key, "cid%d", c);
			v = sim_kv_get(&kv, key);
			if (!v || !(comma = strchr(v, ',')) || comma - v >= (long)sizeof type)
				continue;
			memcpy(type, v, (size_t)(comma - v));
			type[comma - v] = '\0';
			sim_modem_info(m, "+CGDCONT: %d,\"%s\",\"%s\",\"%s\",0,0,0,0,0", c, type,
				       comma + 1,
				       c == 1 && m->reg_stat == 1 ? mno_active(m)->addr : zero_addr(type));
		}
		return SIM_OK;
	case SIM_AT_TEST:
		for (size_t i = 0; i < 4; i++)
			sim_modem_info(m, "+CGDCONT: (1-%d),\"%s\",,,(0),(0),(0-2),(0),(0)", CID_MAX,
				       types[i]);
		return SIM_OK;
	case SIM_AT_SET: {
		const char *type = "IP", *apn = "";
		bool type_ok = false;
		if (req->argc > 9 || sim_arg_num(req, 0, 1, CID_MAX, &cid) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		snprintf(key, sizeof key, "cid%ld", cid);
		if (req->argc == 1) { /* 27.007: <cid> alone undefines it */
			sim_kv_set(&kv, key, "");
			return sim_kv_save(m->flash, "cgdcont", &kv) == 0 ? SIM_OK
									  : SIM_CME_MEMORY_FAILURE;
		}
		if (req->argv[1].type == SIM_ARG_STR)
			type = req->argv[1].str;
		else if (req->argv[1].type != SIM_ARG_EMPTY)
			return SIM_CME_INCORRECT_PARAMS;
		for (size_t i = 0; i < 4; i++)
			if (strcmp(type, types[i]) == 0)
				type_ok = true;
		if (!type_ok)
			return SIM_CME_INCORRECT_PARAMS;
		if (req->argc > 2 && req->argv[2].type == SIM_ARG_STR)
			apn = req->argv[2].str;
		else if (req->argc > 2 && req->argv[2].type != SIM_ARG_EMPTY)
			return SIM_CME_INCORRECT_PARAMS;
		if (strlen(apn) > 99 || !apn_ok(apn))
			return SIM_CME_INCORRECT_PARAMS;
		snprintf(val, sizeof val, "%s,%s", type, apn);
		sim_kv_set(&kv, key, val);
		return sim_kv_save(m->flash, "cgdcont", &kv) == 0 ? SIM_OK : SIM_CME_MEMORY_FAILURE;
	}
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

/* +CPMS: capacities are the simulator's choice. */
static int cpms_total(const char *mem)
{
	return strcmp(mem, "SM") == 0 ? 50 : 23;
}

int sim_cmd_cpms(struct sim_modem *m, const struct sim_at_req *req)
{
	char (*c)[3] = m->nvm.cpms;
	int rc;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+CPMS: \"%s\",0,%d,\"%s\",0,%d,\"%s\",0,%d", c[0], cpms_total(c[0]),
			       c[1], cpms_total(c[1]), c[2], cpms_total(c[2]));
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CPMS: (\"ME\",\"SM\"),(\"ME\",\"SM\"),(\"ME\",\"SM\")");
		return SIM_OK;
	case SIM_AT_SET:
		if (req->argc > 3)
			return SIM_CME_INCORRECT_PARAMS;
		for (int i = 0; i < req->argc; i++) {
			const struct sim_at_arg *a = &req->argv[i];
			if (a->type == SIM_ARG_EMPTY && i > 0)
				continue;
			if (a->type != SIM_ARG_STR ||
			    (strcmp(a->str, "ME") != 0 && strcmp(a->str, "SM") != 0))
				return SIM_CME_INCORRECT_PARAMS;
		}
		for (int i = 0; i < req->argc; i++)
			if (req->argv[i].type == SIM_ARG_STR)
				memcpy(c[i], req->argv[i].str, 3);
		rc = sim_modem_save_nvm(m);
		if (rc != SIM_OK)
			return rc;
		sim_modem_info(m, "+CPMS: 0,%d,0,%d,0,%d", cpms_total(c[0]), cpms_total(c[1]),
			       cpms_total(c[2]));
		return SIM_OK;
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}
