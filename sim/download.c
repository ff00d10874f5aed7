/* The active download method, note §7 Table 7 as const rows, and the PSM
 * hold of note §8. */
#include "download.h"

#include <string.h>

#include "feature.h"
#include "modem.h"

/* Table 7's "FOTA download via LwM2M client": not an AT command. */
#define LWM2M_START "<lwm2m>"

enum arg_test { ARG_ANY = 0, ARG_EQ, ARG_NE };

/* A forbidden command: name, request forms, optionally one numeric
 * argument (ARG_NE: a missing or non-numeric argument is "not value")
 * and a string tag as the third argument (case-sensitive, note
 * §5.2.1.1). */
struct pattern {
	const char *cmd; /* sim_at_req.name, or LWM2M_START */
	unsigned forms;  /* SIM_FORM_*; 0: every form */
	enum arg_test test;
	int arg; /* 0-based */
	long value;
	const char *tag;
};

static const struct pattern ftpc_100 = {
	.cmd = "+UFTPC", .forms = SIM_FORM_SET, .test = ARG_EQ, .arg = 0, .value = 100};
/* AT+UFTPC=6 and 7: FTP Direct Link */
static const struct pattern ftpc_6 = {
	.cmd = "+UFTPC", .forms = SIM_FORM_SET, .test = ARG_EQ, .arg = 0, .value = 6};
static const struct pattern ftpc_7 = {
	.cmd = "+UFTPC", .forms = SIM_FORM_SET, .test = ARG_EQ, .arg = 0, .value = 7};
static const struct pattern ftpc_not_100 = {
	.cmd = "+UFTPC", .forms = SIM_FORM_SET, .test = ARG_NE, .arg = 0, .value = 100};
static const struct pattern ufwupd_3 = {
	.cmd = "+UFWUPD", .forms = SIM_FORM_SET, .test = ARG_EQ, .arg = 0, .value = 3};
static const struct pattern udwnfile_foat = {
	.cmd = "+UDWNFILE", .forms = SIM_FORM_SET, .tag = "FOAT"};
static const struct pattern udwnfile_any = {.cmd = "+UDWNFILE"};
static const struct pattern urdfile_any = {.cmd = "+URDFILE"};
static const struct pattern usodl_any = {.cmd = "+USODL"};
static const struct pattern uhttpc_100 = {
	.cmd = "+UHTTPC", .forms = SIM_FORM_SET, .test = ARG_EQ, .arg = 1, .value = 100};
static const struct pattern lwm2m_start = {.cmd = LWM2M_START};

struct rule {
	enum sim_download active;
	const struct pattern *forbid;
	const char *note;
};

/* Every forbidden (active method, command) pair. Rows marked "§7" and
 * "Direct Link" are docs/behaviour.md choices: one download method at a
 * time, and Direct Link blocked by every row. */
static const struct rule table7[] = {
	/* row 1: LwM2M client FOTA download */
	{.active = SIM_DL_LWM2M, .forbid = &ftpc_100, .note = "Table 7 row 1"},
	{.active = SIM_DL_LWM2M, .forbid = &ufwupd_3, .note = "Table 7 row 1"},
	{.active = SIM_DL_LWM2M, .forbid = &udwnfile_foat, .note = "Table 7 row 1: FOAT tag"},
	{.active = SIM_DL_LWM2M, .forbid = &usodl_any, .note = "Table 7 row 1"},
	{.active = SIM_DL_LWM2M, .forbid = &ftpc_6, .note = "Table 7 row 1"},
	{.active = SIM_DL_LWM2M, .forbid = &ftpc_7, .note = "Table 7 row 1"},
	{.active = SIM_DL_LWM2M, .forbid = &uhttpc_100, .note = "Table 7 row 1"},
	{.active = SIM_DL_LWM2M, .forbid = &lwm2m_start, .note = "§7 one method at a time"},
	/* row 2: AT+UFTPC=100 */
	{.active = SIM_DL_FTP, .forbid = &ufwupd_3, .note = "Table 7 row 2"},
	{.active = SIM_DL_FTP, .forbid = &udwnfile_any, .note = "Table 7 row 2: all +UDWNFILE"},
	{.active = SIM_DL_FTP, .forbid = &urdfile_any, .note = "Table 7 row 2: all +URDFILE"},
	{.active = SIM_DL_FTP, .forbid = &usodl_any, .note = "Table 7 row 2"},
	{.active = SIM_DL_FTP, .forbid = &lwm2m_start, .note = "Table 7 row 2"},
	{.active = SIM_DL_FTP, .forbid = &uhttpc_100, .note = "Table 7 row 2"},
	/* its own AT+UFTPC=100 (cancel, resume) stays allowed */
	{.active = SIM_DL_FTP, .forbid = &ftpc_not_100, .note = "Table 7 row 2: all other +UFTPC"},
	/* row 3: AT+UFWUPD=3 */
	{.active = SIM_DL_UFWUPD, .forbid = &ftpc_100, .note = "Table 7 row 3"},
	{.active = SIM_DL_UFWUPD, .forbid = &udwnfile_any, .note = "Table 7 row 3: all +UDWNFILE"},
	{.active = SIM_DL_UFWUPD, .forbid = &urdfile_any, .note = "Table 7 row 3: all +URDFILE"},
	{.active = SIM_DL_UFWUPD, .forbid = &usodl_any, .note = "Table 7 row 3"},
	{.active = SIM_DL_UFWUPD, .forbid = &lwm2m_start, .note = "Table 7 row 3"},
	{.active = SIM_DL_UFWUPD, .forbid = &uhttpc_100, .note = "Table 7 row 3"},
	{.active = SIM_DL_UFWUPD, .forbid = &ftpc_6, .note = "Table 7 row 3: Direct Link"},
	{.active = SIM_DL_UFWUPD, .forbid = &ftpc_7, .note = "Table 7 row 3: Direct Link"},
	{.active = SIM_DL_UFWUPD, .forbid = &ufwupd_3, .note = "§7 one method at a time"},
	/* row 4: AT+UDWNFILE with the "FOAT" tag */
	{.active = SIM_DL_UDWNFILE, .forbid = &ftpc_100, .note = "Table 7 row 4"},
	{.active = SIM_DL_UDWNFILE, .forbid = &ufwupd_3, .note = "Table 7 row 4"},
	{.active = SIM_DL_UDWNFILE, .forbid = &urdfile_any, .note = "Table 7 row 4: all +URDFILE"},
	{.active = SIM_DL_UDWNFILE, .forbid = &usodl_any, .note = "Table 7 row 4"},
	{.active = SIM_DL_UDWNFILE, .forbid = &lwm2m_start, .note = "Table 7 row 4"},
	{.active = SIM_DL_UDWNFILE, .forbid = &uhttpc_100, .note = "Table 7 row 4"},
	{.active = SIM_DL_UDWNFILE, .forbid = &udwnfile_any, .note = "Table 7 row 4: all +UDWNFILE"},
	{.active = SIM_DL_UDWNFILE, .forbid = &ftpc_6, .note = "Table 7 row 4: Direct Link"},
	{.active = SIM_DL_UDWNFILE, .forbid = &ftpc_7, .note = "Table 7 row 4: Direct Link"},
	/* row 4, last sentence: a regular +UDWNFILE does not interfere with
	 * the LwM2M client, so SIM_DL_FILE has no rule */
	/* row 5: AT+UHTTPC=<profile_id>,100 */
	{.active = SIM_DL_HTTP, .forbid = &ftpc_100, .note = "Table 7 row 5"},
	{.active = SIM_DL_HTTP, .forbid = &ufwupd_3, .note = "Table 7 row 5"},
	{.active = SIM_DL_HTTP, .forbid = &udwnfile_any, .note = "Table 7 row 5"},
	{.active = SIM_DL_HTTP, .forbid = &urdfile_any, .note = "Table 7 row 5"},
	{.active = SIM_DL_HTTP, .forbid = &usodl_any, .note = "Table 7 row 5"},
	{.active = SIM_DL_HTTP, .forbid = &lwm2m_start, .note = "Table 7 row 5"},
	{.active = SIM_DL_HTTP, .forbid = &ftpc_6, .note = "Direct Link"},
	{.active = SIM_DL_HTTP, .forbid = &ftpc_7, .note = "Direct Link"},
	{.active = SIM_DL_HTTP, .forbid = &uhttpc_100, .note = "§7 one method at a time"},
};
#define N_RULES (sizeof table7 / sizeof table7[0])

static const char *const names[SIM_DL_COUNT] = {
	[SIM_DL_NONE] = "none",
	[SIM_DL_LWM2M] = "lwm2m",
	[SIM_DL_FTP] = "ftp",
	[SIM_DL_UFWUPD] = "ufwupd",
	[SIM_DL_UDWNFILE] = "udwnfile",
	[SIM_DL_HTTP] = "http",
	[SIM_DL_FILE] = "file",
};

const char *sim_download_name(enum sim_download d)
{
	return (unsigned)d < SIM_DL_COUNT ? names[d] : "?";
}

static bool arg_matches(const struct pattern *p, const struct sim_at_req *req)
{
	bool eq = p->arg < req->argc && req->argv[p->arg].type == SIM_ARG_NUM &&
		  req->argv[p->arg].num == p->value;
	switch (p->test) {
	case ARG_EQ:
		return eq;
	case ARG_NE:
		return !eq;
	default:
		return true;
	}
}

static bool tag_matches(const struct pattern *p, const struct sim_at_req *req)
{
	return !p->tag || (req->argc >= 3 && req->argv[2].type == SIM_ARG_STR &&
			   strcmp(req->argv[2].str, p->tag) == 0);
}

/* req NULL: the LwM2M client starting a download. */
static bool matches(const struct pattern *p, const struct sim_at_req *req)
{
	if (!req)
		return strcmp(p->cmd, LWM2M_START) == 0;
	return strcmp(p->cmd, req->name) == 0 && (!p->forms || (p->forms & SIM_FORM(req->type))) &&
	       arg_matches(p, req) && tag_matches(p, req);
}

static const struct rule *find_rule(enum sim_download d, const struct sim_at_req *req)
{
	for (size_t i = 0; i < N_RULES; i++)
		if (table7[i].active == d && matches(table7[i].forbid, req))
			return &table7[i];
	return NULL;
}

bool sim_download_forbids(enum sim_download d, const struct sim_at_req *req)
{
	return req && find_rule(d, req) != NULL;
}

bool sim_download_lwm2m_allowed(enum sim_download d)
{
	return find_rule(d, NULL) == NULL;
}

/* The download feature's state. */
struct dl_state {
	enum sim_download active; /* note §7: one download method at a time */
	bool psm_held;            /* note §8: PSM held off while it runs */
};

extern const struct sim_feature sim_feature_download;

static struct dl_state *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_download);
}

enum sim_download sim_download_active(struct sim_modem *m)
{
	return state(m)->active;
}

int sim_download_check(struct sim_modem *m, const struct sim_at_req *req)
{
	struct dl_state *s = state(m);
	const struct rule *r = find_rule(s->active, req);
	bool refuse;
	if (!r)
		return SIM_OK;
	/* note §7: R410M/R412M return an error, the R422 family does not */
	refuse = m->v->family != SIM_R422;
	sim_audit_event(m->audit, sim_modem_now(m), "forbidden_during_download",
			",\"command\":\"%s\",\"download\":\"%s\",\"refused\":%s", req->name,
			sim_download_name(s->active), refuse ? "true" : "false");
	return refuse ? SIM_CME_FOTA_IN_USE : SIM_OK;
}

static int check(struct sim_modem *m, void *st, const struct sim_at_req *req)
{
	(void)st;
	return sim_download_check(m, req);
}

void sim_download_begin(struct sim_modem *m, enum sim_download d)
{
	struct dl_state *s = state(m);
	const char *msg = "download started, psm held";
	s->active = d;
	/* note §8: PSM held off from the start of a download to its end */
	s->psm_held = true;
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
}

void sim_download_end(struct sim_modem *m)
{
	struct dl_state *s = state(m);
	const char *msg = "download ended, psm released";
	if (s->active == SIM_DL_NONE && !s->psm_held)
		return;
	s->active = SIM_DL_NONE;
	s->psm_held = false;
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
}

/* A power cycle ends every download (the zeroed state is SIM_DL_NONE). */
const struct sim_feature sim_feature_download = {
	.name = "download",
	.state_size = sizeof(struct dl_state),
	.check = check,
};
