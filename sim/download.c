#include "download.h"

#include <string.h>

#include "modem.h"

const char *sim_download_name(enum sim_download d)
{
	switch (d) {
	case SIM_DL_NONE: return "none";
	case SIM_DL_LWM2M: return "lwm2m";
	case SIM_DL_FTP: return "ftp";
	case SIM_DL_UFWUPD: return "ufwupd";
	case SIM_DL_UDWNFILE: return "udwnfile";
	case SIM_DL_HTTP: return "http";
	}
	return "?";
}

static bool is(const struct sim_at_req *req, const char *name)
{
	return strcmp(req->name, name) == 0;
}

static long num_arg(const struct sim_at_req *req, int i)
{
	return req->type == SIM_AT_SET && i < req->argc && req->argv[i].type == SIM_ARG_NUM
		       ? req->argv[i].num
		       : -1;
}

static bool foat_tag(const struct sim_at_req *req)
{
	return req->type == SIM_AT_SET && req->argc >= 3 && req->argv[2].type == SIM_ARG_STR &&
	       strcmp(req->argv[2].str, "FOAT") == 0;
}

bool sim_download_forbids(enum sim_download d, const struct sim_at_req *req)
{
	if (d == SIM_DL_NONE)
		return false;
	/* "Only one download method can be active at a time" */
	if (is(req, "+UFWUPD") && req->type == SIM_AT_SET)
		return true;
	if (is(req, "+UHTTPC") && num_arg(req, 1) == 100)
		return true;
	if (is(req, "+UDWNFILE") && foat_tag(req))
		return true;
	if (is(req, "+UFTPC")) {
		long op = num_arg(req, 0);
		/* the FTP row: "All other +UFTPC commands are not allowed";
		 * +UFTPC=100 itself (cancel, resume) belongs to the download */
		if (d == SIM_DL_FTP)
			return op != 100 && req->type == SIM_AT_SET;
		/* 100 starts a download; 6 and 7 are Direct Link */
		if (op == 100 || op == 6 || op == 7)
			return true;
	}
	/* Direct Link mode is blocked by every row */
	if (is(req, "+USODL"))
		return true;
	/* every row but the LwM2M one blocks all +UDWNFILE and +URDFILE */
	if (d != SIM_DL_LWM2M && (is(req, "+UDWNFILE") || is(req, "+URDFILE")))
		return true;
	return false;
}

int sim_download_check(struct sim_modem *m, const struct sim_at_req *req)
{
	bool refuse;
	if (!sim_download_forbids(m->download, req))
		return SIM_OK;
	/* note §7: R410M/R412M return an error, the R422 family does not */
	refuse = m->v->family != SIM_R422;
	sim_audit_event(m->audit, sim_modem_now(m), "forbidden_during_download",
			",\"command\":\"%s\",\"download\":\"%s\",\"refused\":%s", req->name,
			sim_download_name(m->download), refuse ? "true" : "false");
	return refuse ? SIM_CME_FOTA_IN_USE : SIM_OK;
}

void sim_download_begin(struct sim_modem *m, enum sim_download d)
{
	const char *msg = "download started, psm held";
	m->download = d;
	/* note §8: PSM held off from the start of a download to its end */
	m->psm_held = true;
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
}

void sim_download_end(struct sim_modem *m)
{
	const char *msg = "download ended, psm released";
	if (m->download == SIM_DL_NONE && !m->psm_held)
		return;
	m->download = SIM_DL_NONE;
	m->psm_held = false;
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
}
