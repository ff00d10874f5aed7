/* MNO profile, radio, registration, PDP context definitions and SMS
 * storage: +UMNOPROF, +URAT, +COPS, +CEREG, +CGDCONT, +CPMS. The network
 * is simulated: the module registers register_ms after boot with the cell
 * of its MNO profile, on the first RAT of +URAT; the network gives cid 1
 * its APN (--network-apn). Context activation is pdp.c. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "audit.h"
#include "commands.h"
#include "factory.h"
#include "feature.h"
#include "netdl.h"
#include "network.h"
#include "pdp.h"
#include "profiles.h"
#include "ufota.h"

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

struct network {
	/* NVM */
	int mno_profile; /* +UMNOPROF, in effect from the next boot */
	char cpms[3][3]; /* +CPMS mem1..mem3: "ME" or "SM" */
	bool cpms_unset; /* after EasyFlash until +CPMS is set once (note §9.1.1) */
	int edrx;        /* +CEDRXS <mode> 1/2: on */
	int edrx_act;
	char edrx_value[5];
	int urat[4];     /* +URAT list, 0-terminated; the first is used */
	/* volatile */
	int rat;        /* +URAT value registered on (0: not registered) */
	int cops_mode;  /* 0 automatic, 2 deregistered (+COPS=2) */
	int mno_active; /* profile in effect since boot */
	int cereg_mode;
	int reg_stat; /* 0 not registered, 1 home, 2 searching */
	int reg_timer;
	bool mnoprof_versions; /* AT+UMNOPROF=,1 */
	/* a profile installed by +UDWNFILE "PROFILE", as mno_find() last read it */
	struct sim_mno dl;
	char dl_name[SIM_PROFILE_NAME_MAX + 1];
};

extern const struct sim_feature sim_feature_network;

static struct network *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_network);
}

#define V6_ZERO "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"

/* The first eight in the order of note §2.6.6, then AT-FACTS ones. */
static const struct sim_mno mnos[] = {
	{
		.id = 0,
		.name = "SW default",
		.tac = "0001",
		.ci = "01A2D101",
		.addr = "10.64.12.34",
		.apn = {
			{.cid = 1, .type = "IP", .apn = ""},
		},
	},
	{
		.id = 1,
		.name = "SIM ICCID select",
		.tac = "0001",
		.ci = "01A2D101",
		.addr = "10.64.12.34",
		.apn = {
			{.cid = 1, .type = "IP", .apn = ""},
		},
	},
	{
		.id = 6,
		.name = "CT 5.0",
		.tac = "5A21",
		.ci = "0C3B2201",
		.addr = "10.96.40.7",
		.apn = {
			{.cid = 1, .type = "IP", .apn = "ctnb"},
		},
	},
	{
		.id = 4,
		.name = "Telstra 5.0",
		.tac = "3011",
		.ci = "08F1A201",
		.addr = "10.72.5.19",
		.apn = {
			{.cid = 1, .type = "IP", .apn = "telstra.internet"},
		},
	},
	{
		.id = 21,
		.name = "TELUS 5.1",
		.tac = "4E20",
		.ci = "02B7C101",
		.addr = "10.80.33.2",
		.apn = {
			{.cid = 1, .type = "IP", .apn = "m2m.telus.iot"},
		},
	},
	{
		.id = 5,
		.name = "TMO 5.2",
		.tac = "6C11",
		.ci = "0A21B301",
		.addr = "10.160.7.41",
		.apn = {
			{.cid = 1, .type = "IPV4V6", .apn = "fast.t-mobile.com"},
		},
	},
	/* note B.1.1: Verizon contexts and the cell of its transcript */
	{
		.id = 3,
		.name = "Verizon 5.0",
		.tac = "2809",
		.ci = "9EBB03",
		.addr = "100.112.30.30 38.0.16.18.177.72.114.69.0.0.0.81.254.124.3.1",
		.apn = {
			{.cid = 1, .type = "IPV4V6", .apn = "vzwinternet"},
			{.cid = 2, .type = "IPV4V6", .apn = "vzwadmin"},
			{.cid = 3, .type = "IPV4V6", .apn = "vzwinternet"},
			{.cid = 4, .type = "IPV4V6", .apn = "vzwapp"},
			{.cid = 6, .type = "IPV4V6", .apn = "VZWCLASS6"},
		},
	},
	{
		.id = 2,
		.name = "ATT 5.0",
		.tac = "7E1B",
		.ci = "0B3A1F02",
		.addr = "10.176.22.9",
		.apn = {
			{.cid = 1, .type = "IPV4V6", .apn = "m2m.com.attz"},
		},
	},
	{
		.id = 19,
		.name = "Vodafone 1.0",
		.tac = "0D49",
		.ci = "00D2E101",
		.addr = "10.12.88.3",
		.apn = {
			{.cid = 1, .type = "IP", .apn = "internet"},
		},
	},
	{
		.id = 31,
		.name = "DT 1.0",
		.tac = "B3C1",
		.ci = "01F0A001",
		.addr = "10.32.61.8",
		.apn = {
			{.cid = 1, .type = "IP", .apn = "internet.telekom"},
		},
	},
	{
		.id = 90,
		.name = "Global 1.0",
		.tac = "0001",
		.ci = "01A2D101",
		.addr = "10.64.12.34",
		.apn = {
			{.cid = 1, .type = "IP", .apn = ""},
		},
	},
	{
		.id = 100,
		.name = "Standard Europe 1.0",
		.tac = "0D49",
		.ci = "00D2E101",
		.addr = "10.12.88.3",
		.apn = {
			{.cid = 1, .type = "IP", .apn = ""},
		},
	},
	/* note §2.8.1, §2.8.2: NTT DoCoMo and SoftBank (their own uFOTA rules) */
	{
		.id = 20,
		.name = "NTT DoCoMo 1.0",
		.tac = "1A2B",
		.ci = "0A1B2C01",
		.addr = "10.160.4.9",
		.apn = {
			{.cid = 1, .type = "IP", .apn = ""},
		},
	},
	{
		.id = 28,
		.name = "SoftBank 1.0",
		.tac = "2C3D",
		.ci = "0B2C3D01",
		.addr = "10.176.8.21",
		.apn = {
			{.cid = 1, .type = "IP", .apn = ""},
		},
	},
	{
		.id = 198,
		.name = "ATT 2-4-12 1.0",
		.tac = "7E1B",
		.ci = "0B3A1F02",
		.addr = "10.176.22.9",
		.apn = {
			{.cid = 1, .type = "IPV4V6", .apn = "m2m.com.attz"},
		},
	},
};
#define N_MNOS (sizeof mnos / sizeof mnos[0])

/* A built-in profile, else one installed by +UDWNFILE "PROFILE" (note
 * §5.2): it registers with the cell and contexts of "SIM ICCID select". */
static const struct sim_mno *mno_find(struct sim_modem *m, long id)
{
	struct network *n = state(m);
	if (id == 0 && !m->v->accepts_mno0)
		return NULL;
	for (size_t i = 0; i < N_MNOS; i++)
		if (mnos[i].id == id)
			return &mnos[i];
	if (!sim_profiles_get(m->flash, (int)id, n->dl_name))
		return NULL;
	n->dl = mnos[1];
	n->dl.id = (int)id;
	n->dl.name = n->dl_name;
	return &n->dl;
}

static const struct sim_mno *mno_active(struct sim_modem *m)
{
	const struct sim_mno *p = mno_find(m, state(m)->mno_active);
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
	    sim_kv_get_long(kv, "profile", -1) != state(m)->mno_active) {
		cgdcont_defaults(mno_active(m), kv);
		sim_kv_save(m->flash, "cgdcont", kv);
	}
}

/* <AcT> of +CEREG/+COPS (27.007): 3 GSM w/EGPRS, 7 E-UTRAN, 9 E-UTRAN NB-S1 */
static int act_of(const struct sim_modem *m, const struct network *n)
{
	if (!n->rat)
		return m->v->act;
	return n->rat == SIM_URAT_GSM ? 3 : n->rat == SIM_URAT_NB1 ? 9 : 7;
}

static void give_apn(struct sim_modem *m);

static int urat_of(enum sim_rat rat)
{
	return rat == SIM_RAT_GSM ? SIM_URAT_GSM : rat == SIM_RAT_NB1 ? SIM_URAT_NB1 : SIM_URAT_M1;
}

static enum sim_rat radio_of(int urat)
{
	return urat == SIM_URAT_GSM ? SIM_RAT_GSM : urat == SIM_URAT_NB1 ? SIM_RAT_NB1 : SIM_RAT_M1;
}

static void cereg_urc(struct sim_modem *m, const struct network *n)
{
	const struct sim_mno *p = mno_active(m);
	if (n->cereg_mode == 0)
		return;
	if (n->cereg_mode >= 2 && (n->reg_stat == 1 || n->reg_stat == 5))
		sim_modem_urc(m, "+CEREG: %d,\"%s\",\"%s\",%d", n->reg_stat, p->tac, p->ci, act_of(m, n));
	else
		sim_modem_urc(m, "+CEREG: %d", n->reg_stat);
}

static void set_reg(struct sim_modem *m, struct network *n, int stat)
{
	if (n->reg_stat == stat)
		return;
	n->reg_stat = stat;
	cereg_urc(m, n);
}

static void registered(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct network *n = state(m);
	(void)arg;
	n->reg_timer = 0;
	if (m->cfun != 1 || n->cops_mode == 2)
		return;
	n->rat = n->urat[0];
	/* the radio rate follows the RAT registered on (netdl.h) */
	if (m->net && sim_variant_urat_ok(m->v, urat_of(m->net->rat)))
		m->net->rat = radio_of(n->rat);
	give_apn(m);
	set_reg(m, n, 1);
	sim_pdp_attached(m, true);
}

static void deregister(struct sim_modem *m, struct network *n)
{
	sim_modem_cancel(m, n->reg_timer);
	n->reg_timer = 0;
	n->rat = 0;
	set_reg(m, n, 0);
	sim_pdp_attached(m, false);
}

static void start_search(struct sim_modem *m, struct network *n)
{
	set_reg(m, n, 2);
	sim_modem_cancel(m, n->reg_timer);
	n->reg_timer = sim_modem_after(m, m->v->t.register_ms, registered, 0);
}

bool sim_network_attached(struct sim_modem *m)
{
	return state(m)->reg_stat == 1;
}

int sim_network_mno(struct sim_modem *m)
{
	return state(m)->mno_active;
}

bool sim_network_edrx(struct sim_modem *m)
{
	return state(m)->edrx != 0;
}

int sim_network_rat(struct sim_modem *m)
{
	return state(m)->reg_stat == 1 ? state(m)->rat : 0;
}

/* note §2.8.2: the Softbank profile's context #2 on "63B" */
bool sim_network_hidden_cid(struct sim_modem *m, int cid)
{
	return cid == SIM_CID_SOFTBANK && m->v->softbank_ctx2 && state(m)->mno_active == 28;
}

const char *sim_network_apn_given(struct sim_modem *m)
{
	if (m->net && m->net->network_apn)
		return m->net->network_apn;
	return mno_active(m)->apn[0].apn;
}

bool sim_network_context(struct sim_modem *m, int cid, char *type, size_t type_cap, char *apn,
			 size_t apn_cap)
{
	struct sim_kv kv;
	char key[8];
	const char *v, *comma;
	if (sim_network_hidden_cid(m, cid)) {
		snprintf(type, type_cap, "IP");
		snprintf(apn, apn_cap, "%s", "");
		return true;
	}
	cgdcont_load(m, &kv);
	snprintf(key, sizeof key, "cid%d", cid);
	v = sim_kv_get(&kv, key);
	if (!v || !(comma = strchr(v, ',')))
		return false;
	snprintf(type, type_cap, "%.*s", (int)(comma - v), v);
	snprintf(apn, apn_cap, "%s", comma + 1);
	return true;
}

/* Attach: the network gives cid 1 its APN (27.007 §10.1.1: the APN in
 * use is what the network chose), kept in the cid's definition. */
static void give_apn(struct sim_modem *m)
{
	struct sim_kv kv;
	char type[8], apn[SIM_KV_VAL], val[SIM_KV_VAL];
	const char *given = sim_network_apn_given(m);
	if (!given[0] || !sim_network_context(m, 1, type, sizeof type, apn, sizeof apn) ||
	    strcmp(apn, given) == 0)
		return;
	cgdcont_load(m, &kv);
	snprintf(val, sizeof val, "%s,%s", type, given);
	sim_kv_set(&kv, "cid1", val);
	sim_kv_save(m->flash, "cgdcont", &kv);
}

/* The factory list, with --rat's RAT first where the variant has it. */
static void urat_factory(const struct sim_modem *m, int out[4])
{
	int first = 0, k = 1;
	int f[4] = {0};
	sim_variant_urat_factory(m->v, f);
	if (m->net)
		first = urat_of(m->net->rat);
	memset(out, 0, 4 * sizeof *out);
	if (!first || !sim_variant_urat_ok(m->v, first)) {
		memcpy(out, f, sizeof f);
		return;
	}
	out[0] = first;
	for (int i = 0; f[i]; i++)
		if (f[i] != first)
			out[k++] = f[i];
	out[k] = 0;
}

/* "7,8" from the record; the factory list when absent or bad */
static void urat_load(struct sim_modem *m, struct network *n, const char *s)
{
	int k = 0;
	while (s && *s && k < 3) {
		char *end;
		long v = strtol(s, &end, 10);
		bool dup = false;
		for (int j = 0; j < k; j++)
			dup |= n->urat[j] == v;
		if (end == s || dup || !sim_variant_urat_ok(m->v, (int)v))
			break;
		n->urat[k++] = (int)v;
		s = *end == ',' ? end + 1 : end;
		if (!*end) {
			s = NULL;
			break;
		}
	}
	n->urat[k] = 0;
	if (!k || s)
		urat_factory(m, n->urat);
}

static void nvm_load(struct sim_modem *m, void *st, const struct sim_kv *nvm)
{
	struct network *n = st;
	const char *s = sim_kv_get(nvm, "cpms");
	n->mno_profile = (int)sim_kv_get_long(nvm, "mno_profile", sim_factory_mno_profile(m->v));
	n->cpms_unset = s && strcmp(s, "unset") == 0;
	n->edrx = sim_kv_get_long(nvm, "edrx", 0) != 0;
	n->edrx_act = (int)sim_kv_get_long(nvm, "edrx_act", m->v->act == 9 ? 5 : 4);
	snprintf(n->edrx_value, sizeof n->edrx_value, "%.4s",
		 sim_kv_get(nvm, "edrx_value") ? sim_kv_get(nvm, "edrx_value") : "0010");
	urat_load(m, n, sim_kv_get(nvm, "urat"));
	for (int i = 0; i < 3; i++) {
		const char *mem = "ME";
		if (s && strlen(s) >= (size_t)(i * 3 + 2) && strncmp(s + i * 3, "SM", 2) == 0)
			mem = "SM";
		memcpy(n->cpms[i], mem, 3);
	}
}

static void nvm_save(const struct sim_modem *m, const void *st, struct sim_kv *nvm)
{
	const struct network *n = st;
	char cpms[16];
	sim_kv_set_long(nvm, "mno_profile", n->mno_profile);
	if (n->edrx) {
		sim_kv_set_long(nvm, "edrx", 1);
		sim_kv_set_long(nvm, "edrx_act", n->edrx_act);
		sim_kv_set(nvm, "edrx_value", n->edrx_value);
	}
	snprintf(cpms, sizeof cpms, "%s,%s,%s", n->cpms[0], n->cpms[1], n->cpms[2]);
	sim_kv_set(nvm, "cpms", n->cpms_unset ? "unset" : cpms);
	int factory[4] = {0};
	urat_factory(m, factory);
	if (memcmp(factory, n->urat, sizeof factory) != 0) { /* kept only once changed */
		char urat[16] = "";
		for (int i = 0; n->urat[i]; i++)
			snprintf(urat + strlen(urat), sizeof urat - strlen(urat), "%s%d", i ? "," : "", n->urat[i]);
		sim_kv_set(nvm, "urat", urat);
	}
}

/* +CEREG=<n> is not stored (27.007); the profile stored takes effect */
static int power_on(struct sim_modem *m, void *st)
{
	struct network *n = st;
	(void)m;
	n->mno_active = n->mno_profile;
	return 0;
}

static void boot_done(struct sim_modem *m, void *st)
{
	struct sim_kv kv;
	cgdcont_load(m, &kv);
	if (m->cfun == 1)
		start_search(m, st);
}

static void cfun(struct sim_modem *m, void *st, int fun)
{
	struct network *n = st;
	if (fun == 1) {
		if (n->reg_stat != 1 && n->cops_mode != 2)
			start_search(m, n);
		return;
	}
	deregister(m, n);
}

static int cmd_umnoprof(struct sim_modem *m, const struct sim_at_req *req)
{
	struct network *n = state(m);
	int dl[SIM_PROFILES_MAX], ndl;
	long id;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+UMNOPROF: %d", n->mno_profile);
		return SIM_OK;
	case SIM_AT_TEST:
		ndl = sim_profiles_ids(m->flash, dl, SIM_PROFILES_MAX);
		if (n->mnoprof_versions) {
			/* note §2.6.6: one "<id>: <name> <version>" per line */
			bool first = true;
			for (size_t i = 0; i < N_MNOS; i++) {
				if (!mno_find(m, mnos[i].id))
					continue;
				sim_modem_info(m, "%s%d: %s", first ? "+UMNOPROF: " : "", mnos[i].id,
					       mnos[i].name);
				first = false;
			}
			for (int i = 0; i < ndl; i++) {
				const struct sim_mno *p = mno_find(m, dl[i]);
				if (p != &n->dl)
					continue; /* a built-in id stays the built-in */
				sim_modem_info(m, "%s%d: %s", first ? "+UMNOPROF: " : "", p->id, p->name);
				first = false;
			}
		} else {
			char list[200] = "";
			for (size_t i = 0; i < N_MNOS; i++)
				if (mno_find(m, mnos[i].id))
					snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d",
						 list[0] ? "," : "", mnos[i].id);
			for (int i = 0; i < ndl; i++)
				if (mno_find(m, dl[i]) == &n->dl)
					snprintf(list + strlen(list), sizeof list - strlen(list), ",%d", dl[i]);
			sim_modem_info(m, "+UMNOPROF: (%s)", list);
		}
		return SIM_OK;
	default: /* SIM_AT_SET: the row takes no other form */
		/* AT+UMNOPROF=,1: show carrier profile versions in the test
		 * response (note §2.6.6); AT+UMNOPROF=,0 hides them again */
		if (req->argc == 2 && req->argv[0].type == SIM_ARG_EMPTY) {
			long on;
			if (sim_arg_num(req, 1, 0, 1, &on) != SIM_OK)
				return SIM_CME_INCORRECT_PARAMS;
			n->mnoprof_versions = on == 1;
			return SIM_OK;
		}
		if (req->argc > 4 || sim_arg_num(req, 0, 0, 255, &id) != SIM_OK || !mno_find(m, id))
			return SIM_CME_INCORRECT_PARAMS;
		/* stored now, in effect from the next boot (note B.1.1: CFUN=15) */
		n->mno_profile = (int)id;
		return sim_modem_save_nvm(m);
	}
}

/* 3GPP 27.007 §7.40 +CEDRXS: note §8 asks the host to turn eDRX off
 * before a uFOTA/FOAT update; the uFOTA client audits it (ufota.c). */
static int cmd_cedrxs(struct sim_modem *m, const struct sim_at_req *req)
{
	struct network *n = state(m);
	long mode, act = n->edrx_act;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+CEDRXS: (0-3),(4,5),(\"0000\"-\"1111\")");
		return SIM_OK;
	}
	if (req->type == SIM_AT_READ) {
		if (n->edrx)
			sim_modem_info(m, "+CEDRXS: %d,\"%s\"", n->edrx_act, n->edrx_value);
		return SIM_OK;
	}
	if (req->argc < 1 || req->argc > 3 || sim_arg_num(req, 0, 0, 3, &mode) != SIM_OK ||
	    (req->argc >= 2 && req->argv[1].type != SIM_ARG_EMPTY &&
	     sim_arg_num(req, 1, 4, 5, &act) != SIM_OK))
		return SIM_CME_INCORRECT_PARAMS;
	if (req->argc == 3) {
		const struct sim_at_arg *v = &req->argv[2];
		if (v->type != SIM_ARG_STR || v->len != 4 || strspn(v->str, "01") != 4)
			return SIM_CME_INCORRECT_PARAMS;
		memcpy(n->edrx_value, v->str, 5);
	}
	/* note §2.7.3, §8: eDRX stays off until the download and update end */
	if ((mode == 1 || mode == 2) && !n->edrx && sim_ufota_state(m) != FW_IDLE)
		sim_audit_event(m->audit, sim_modem_now(m), "edrx_during_ufota",
				",\"state\":%d", sim_ufota_state(m));
	n->edrx = mode == 1 || mode == 2;
	n->edrx_act = (int)act;
	return sim_modem_save_nvm(m);
}

/* +URAT=<SelectedAcT>[,<PreferredAct>[,<2ndPreferredAct>]] (AT manual):
 * 7 LTE Cat M1, 8 NB1, 9 GPRS/eGPRS, each the variant's; stored, used at
 * the next registration. docs/behaviour.md: refused while registered
 * (deregister with +COPS=2 or +CFUN=0 first). */
static int cmd_urat(struct sim_modem *m, const struct sim_at_req *req)
{
	struct network *n = state(m);
	int list[4] = {0};
	if (req->type == SIM_AT_TEST) {
		char r[16] = "";
		for (int rat = SIM_URAT_M1; rat <= SIM_URAT_GSM; rat++)
			if (sim_variant_urat_ok(m->v, rat))
				snprintf(r + strlen(r), sizeof r - strlen(r), "%s%d", r[0] ? "," : "", rat);
		sim_modem_info(m, "+URAT: (%s),(%s),(%s)", r, r, r);
		return SIM_OK;
	}
	if (req->type == SIM_AT_READ) {
		char r[16] = "";
		for (int i = 0; n->urat[i]; i++)
			snprintf(r + strlen(r), sizeof r - strlen(r), "%s%d", i ? "," : "", n->urat[i]);
		sim_modem_info(m, "+URAT: %s", r);
		return SIM_OK;
	}
	if (req->argc < 1 || req->argc > 3)
		return SIM_CME_INCORRECT_PARAMS;
	for (int i = 0; i < req->argc; i++) {
		long v;
		if (sim_arg_num(req, i, SIM_URAT_M1, SIM_URAT_GSM, &v) != SIM_OK ||
		    !sim_variant_urat_ok(m->v, (int)v))
			return SIM_CME_INCORRECT_PARAMS;
		for (int j = 0; j < i; j++)
			if (list[j] == v)
				return SIM_CME_INCORRECT_PARAMS;
		list[i] = (int)v;
	}
	if (n->reg_stat == 1)
		return SIM_CME_NOT_ALLOWED;
	memcpy(n->urat, list, sizeof list);
	return sim_modem_save_nvm(m);
}

/* +COPS (27.007 §7.3): 0 automatic, 2 deregister; the read names the
 * 3GPP test network "00101" in numeric form and the RAT registered on. */
static int cmd_cops(struct sim_modem *m, const struct sim_at_req *req)
{
	struct network *n = state(m);
	long mode;
	switch (req->type) {
	case SIM_AT_READ:
		if (n->reg_stat == 1)
			sim_modem_info(m, "+COPS: %d,2,\"00101\",%d", n->cops_mode, act_of(m, n));
		else
			sim_modem_info(m, "+COPS: %d", n->cops_mode);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+COPS: (2,\"\",\"\",\"00101\",%d),,(0,2),(2)", act_of(m, n));
		return SIM_OK;
	default: /* SIM_AT_SET: the row takes no other form */
		if (req->argc > 4 || sim_arg_num(req, 0, 0, 2, &mode) != SIM_OK || mode == 1)
			return SIM_CME_INCORRECT_PARAMS;
		n->cops_mode = (int)mode;
		if (mode == 2)
			deregister(m, n);
		else if (m->cfun == 1 && n->reg_stat != 1)
			start_search(m, n);
		return SIM_OK;
	}
}

static int cmd_cereg(struct sim_modem *m, const struct sim_at_req *req)
{
	struct network *n = state(m);
	const struct sim_mno *p = mno_active(m);
	long mode;
	switch (req->type) {
	case SIM_AT_READ:
		if (n->cereg_mode < 2 || (n->reg_stat != 1 && n->reg_stat != 5))
			sim_modem_info(m, "+CEREG: %d,%d", n->cereg_mode, n->reg_stat);
		else if (n->cereg_mode == 2)
			sim_modem_info(m, "+CEREG: 2,%d,\"%s\",\"%s\",%d", n->reg_stat, p->tac, p->ci,
				       act_of(m, n));
		else /* note B.1.1: mode 3 adds <cause_type>,<reject_cause> */
			sim_modem_info(m, "+CEREG: 3,%d,\"%s\",\"%s\",%d,0,0", n->reg_stat, p->tac,
				       p->ci, act_of(m, n));
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CEREG: (0-3)");
		return SIM_OK;
	default: /* SIM_AT_SET: the row takes no other form */
		if (req->argc != 1 || sim_arg_num(req, 0, 0, 3, &mode) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		n->cereg_mode = (int)mode;
		return SIM_OK;
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

static int cmd_cgdcont(struct sim_modem *m, const struct sim_at_req *req)
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
			if (!v || !(comma = strchr(v, ',')) || comma - v >= (long)sizeof type ||
			    sim_network_hidden_cid(m, c))
				continue;
			memcpy(type, v, (size_t)(comma - v));
			type[comma - v] = '\0';
			sim_modem_info(m, "+CGDCONT: %d,\"%s\",\"%s\",\"%s\",0,0,0,0,0", c, type,
				       comma + 1,
				       c == 1 && sim_pdp_active(m, 1) ? mno_active(m)->addr : zero_addr(type));
		}
		return SIM_OK;
	case SIM_AT_TEST:
		for (size_t i = 0; i < 4; i++)
			sim_modem_info(m, "+CGDCONT: (1-%d),\"%s\",,,(0),(0),(0-2),(0),(0)", CID_MAX,
				       types[i]);
		return SIM_OK;
	default: { /* SIM_AT_SET: the row takes no other form */
		const char *type = "IP", *apn = "";
		bool type_ok = false;
		if (req->argc > 9 || sim_arg_num(req, 0, 1, CID_MAX, &cid) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		/* note §2.8.2: "cannot be viewed or edited by the host" */
		if (sim_network_hidden_cid(m, (int)cid))
			return SIM_CME_NOT_ALLOWED;
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
	}
}

/* +CPMS: capacities are the simulator's choice. */
static int cpms_total(const char *mem)
{
	return strcmp(mem, "SM") == 0 ? 50 : 23;
}

/* Messages stored in the module (record "sms": me=<n>, sm=<n>); no
 * command stores one yet, a person may write the record. An update on
 * the R422 family erases them (note Table 9). */
static int cpms_used(struct sim_modem *m, const char *mem)
{
	struct sim_kv kv;
	long n;
	if (sim_kv_load(m->flash, "sms", &kv) < 0)
		return 0;
	n = sim_kv_get_long(&kv, strcmp(mem, "SM") == 0 ? "sm" : "me", 0);
	return n < 0 ? 0 : n > cpms_total(mem) ? cpms_total(mem) : (int)n;
}

static int cmd_cpms(struct sim_modem *m, const struct sim_at_req *req)
{
	char (*c)[3] = state(m)->cpms;
	int rc;
	switch (req->type) {
	case SIM_AT_READ:
		if (state(m)->cpms_unset)
			return SIM_CME_NOT_ALLOWED; /* docs/behaviour.md: no storage chosen yet */
		sim_modem_info(m, "+CPMS: \"%s\",%d,%d,\"%s\",%d,%d,\"%s\",%d,%d", c[0],
			       cpms_used(m, c[0]), cpms_total(c[0]), c[1], cpms_used(m, c[1]),
			       cpms_total(c[1]), c[2], cpms_used(m, c[2]), cpms_total(c[2]));
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CPMS: (\"ME\",\"SM\"),(\"ME\",\"SM\"),(\"ME\",\"SM\")");
		return SIM_OK;
	default: /* SIM_AT_SET: the row takes no other form */
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
		state(m)->cpms_unset = false; /* note §9.1.1: set once */
		rc = sim_modem_save_nvm(m);
		if (rc != SIM_OK)
			return rc;
		sim_modem_info(m, "+CPMS: %d,%d,%d,%d,%d,%d", cpms_used(m, c[0]), cpms_total(c[0]),
			       cpms_used(m, c[1]), cpms_total(c[1]), cpms_used(m, c[2]),
			       cpms_total(c[2]));
		return SIM_OK;
	}
}

#define SETTING_FORMS (SIM_FORM_SET | SIM_FORM_READ | SIM_FORM_TEST)

static const struct sim_cmd cmds[] = {
	{.name = "+UMNOPROF", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_umnoprof},
	{.name = "+CEREG", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_cereg},
	{.name = "+URAT", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_urat},
	{.name = "+COPS", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_cops},
	{.name = "+CEDRXS", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_cedrxs},
	{.name = "+CGDCONT", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_cgdcont},
	{.name = "+CPMS", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_cpms},
	{.name = NULL},
};

const struct sim_feature sim_feature_network = {
	.name = "network",
	.cmds = cmds,
	.state_size = sizeof(struct network),
	.nvm_load = nvm_load,
	.power_on = power_on,
	.boot_done = boot_done,
	.cfun = cfun,
	.nvm_save = nvm_save,
};
