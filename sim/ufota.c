/* The Firmware Update object /5/0 and the uFOTA process (ufota.h). */
#include "ufota.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "download.h"
#include "feature.h"
#include "fota.h"
#include "installer.h"
#include "lwm2m_coapdl.h"
#include "netdl.h"
#include "network.h"
#include "pdp.h"
#include "sockets.h"
#include "ufota_config.h"

#define RECORD "ufota"
#define EXEC_MS 1000u     /* Update executed -> the reset, after the 2.04 is out */
#define RETRY_MS 30000u   /* a faded download goes on (note §2.2.2) */
#define RETRIES 5
#define FAILSAFE_S 180    /* note §2.6.4 */
#define CONFIG_MS 1000u   /* configuration file applied -> the module's own reboot (note §2.6.2) */

/* note §2.6.2 on the legacy versions: the server's reboot, then the
 * configuration file, then the delta */
enum { LEGACY_NONE = 0, LEGACY_REBOOTED = 1, LEGACY_CONFIGURED = 2 };

/* +UFOTASTAT: 2,3,<details> (AT-FACTS) */
enum { D_CANCEL = 100, D_MEMORY = 101, D_NETWORK = 102, D_UNKNOWN = 103, D_URL = 104 };

struct ufota {
	int state, result;
	bool user_abort;   /* +UFOTASTAT: 3,100,... at the next client start */
	bool report;       /* State/Update Result not yet seen by the server */
	char uri[160];
	uint64_t total;    /* the package's size, once known */
	int last_pct;
	int retries;
	int timer;
	bool coap;         /* this download is CoAP block-wise */
	time_t complete_at; /* wall clock of 2,2,100 (the 180 s failsafe) */
	int legacy_step;   /* LEGACY_*: where §2.6.2's sequence is */
	char config_to[UFOTA_CONFIG_FIELD_MAX + 1]; /* the version the applied configuration prepares */
	bool checkin;      /* check in at the next client start (a server reboot, §2.6.2) */
	bool checkin_boot; /* ... this boot's start was one */
};

extern const struct sim_feature sim_feature_ufota;

static struct ufota *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_ufota);
}

static void save(struct sim_modem *m, const struct ufota *u)
{
	struct sim_kv kv;
	sim_kv_clear(&kv);
	sim_kv_set_long(&kv, "state", u->state);
	sim_kv_set_long(&kv, "result", u->result);
	sim_kv_set_long(&kv, "user_abort", u->user_abort);
	sim_kv_set_long(&kv, "report", u->report);
	sim_kv_set(&kv, "uri", u->uri);
	sim_kv_set_long(&kv, "total", (long)u->total);
	sim_kv_set_long(&kv, "complete_at", (long)u->complete_at);
	sim_kv_set_long(&kv, "legacy_step", u->legacy_step);
	sim_kv_set(&kv, "config_to", u->config_to);
	sim_kv_set_long(&kv, "checkin", u->checkin);
	sim_kv_save(m->flash, RECORD, &kv);
}

/* ---- URCs, in the variant's form (note Table 2, §2.2, §2.6.1) ---- */

static bool urc_new(struct sim_modem *m)
{
	return !m->v->legacy_lwm2mstat && sim_urc_enabled(m, SIM_URC_UFOTASTAT);
}

static bool urc_legacy(struct sim_modem *m)
{
	return m->v->legacy_lwm2mstat && sim_urc_enabled(m, SIM_URC_ULWM2MSTAT);
}

static void urc_start(struct sim_modem *m)
{
	if (urc_new(m))
		sim_modem_urc(m, "+UFOTASTAT: 1,0,0");
	if (urc_legacy(m))
		sim_modem_urc(m, "+ULWM2MSTAT: 0,0");
}

static void urc_progress(struct sim_modem *m, int pct)
{
	if (urc_new(m))
		sim_modem_urc(m, "+UFOTASTAT: 0,1,%d", pct);
	if (urc_legacy(m))
		sim_modem_urc(m, "+ULWM2MSTAT: 1,%d", pct);
}

/* details 100 complete (status 2) or cancelled; 101.. failures */
static void urc_end(struct sim_modem *m, bool ok, int details)
{
	if (urc_new(m))
		sim_modem_urc(m, "+UFOTASTAT: 2,%d,%d", ok ? 2 : 3, details);
	if (urc_legacy(m))
		sim_modem_urc(m, "+ULWM2MSTAT: %d,%d", ok ? 2 : 3, details);
}

/* ---- the object ---- */

static void set_state(struct sim_modem *m, struct ufota *u, int st, int result)
{
	bool st_changed = u->state != st, res_changed = u->result != result;
	u->state = st;
	u->result = result;
	save(m, u);
	if (st_changed)
		sim_lwm2m_changed(m, 5, 0, 3);
	if (res_changed)
		sim_lwm2m_changed(m, 5, 0, 5);
}

int sim_ufota_state(struct sim_modem *m)
{
	return state(m)->state;
}

bool sim_ufota_report_pending(struct sim_modem *m)
{
	struct ufota *u = state(m);
	return u->report || u->checkin_boot || u->state == FW_DOWNLOADING || u->state == FW_DOWNLOADED;
}

/* The running firmware is one of §2.6.2's versions (/3/0/3 as the server
 * sees it: after an update to another version the step is gone). */
static bool legacy(struct sim_modem *m)
{
	struct lw_value v;
	return lw_obj_read(m, 3, 0, 3, &v) == LW_OK && ufota_legacy_version(v.s);
}

void sim_ufota_server_reboot(struct sim_modem *m)
{
	struct ufota *u = state(m);
	/* LwM2M 1.0: a client registers when it starts; the server that asked
	 * for the reboot waits for it (note §2.6.2: "will check in again") */
	u->checkin = true;
	if (legacy(m) && u->state == FW_IDLE) {
		u->legacy_step = LEGACY_REBOOTED;
		u->config_to[0] = '\0';
	}
	save(m, u);
	sim_audit_event(m->audit, sim_modem_now(m), "server_reboot", ",\"legacy\":%s",
			u->legacy_step == LEGACY_REBOOTED ? "true" : "false");
}

int sim_ufota_read(struct sim_modem *m, uint16_t res, struct lw_value *v)
{
	struct ufota *u = state(m);
	switch (res) {
	case 1:
		v->type = LW_T_STR;
		snprintf(v->s, sizeof v->s, "%s", u->uri);
		v->len = strlen(v->s);
		return LW_OK;
	case 3:
		v->type = LW_T_INT;
		v->i = u->state;
		return LW_OK;
	case 5:
		v->type = LW_T_INT;
		v->i = u->result;
		return LW_OK;
	case 6:
	case 7:
		v->type = LW_T_STR; /* the package's own header names it; not read here */
		v->s[0] = '\0';
		v->len = 0;
		return LW_OK;
	case 8:
		/* note §2.1: HTTP on R422/02B/52B; CoAP(S) block-wise or HTTPS on 63B/73B/83B */
		v->type = LW_T_MULTI;
		if (sim_ufota_coap_ok(m)) {
			v->n = 4;
			for (int i = 0; i < 4; i++) {
				v->mid[i] = (uint16_t)i;
				v->multi[i] = i; /* 0 CoAP, 1 CoAPS, 2 HTTP, 3 HTTPS */
			}
		} else {
			v->n = 2;
			v->mid[0] = 0;
			v->multi[0] = 2;
			v->mid[1] = 1;
			v->multi[1] = 3;
		}
		return LW_OK;
	case 9:
		v->type = LW_T_INT;
		v->i = 0; /* pull only */
		return LW_OK;
	}
	return LW_E_NOT_FOUND;
}

static void fail(struct sim_modem *m, struct ufota *u, int result, int details)
{
	if (u->timer > 0)
		sim_modem_cancel(m, u->timer);
	u->timer = 0;
	urc_end(m, false, details);
	u->report = true;
	u->uri[0] = '\0';
	set_state(m, u, FW_IDLE, result);
	sim_pdp_lwm2m_release(m);
}

static void start_download(struct sim_modem *m, struct ufota *u, bool resume);

static void retry_fn(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct ufota *u = state(m);
	(void)arg;
	u->timer = 0;
	if (u->state == FW_DOWNLOADING)
		start_download(m, u, true);
}

static void progress(struct sim_modem *m, uint64_t stored, uint64_t total)
{
	struct ufota *u = state(m);
	if (total && total != u->total) {
		u->total = total;
		save(m, u);
	}
	int pct = total ? (int)(stored * 100 / total) : 0;
	if (pct > u->last_pct && pct < 100) {
		u->last_pct = pct;
		urc_progress(m, pct);
	}
}

static void reboot_fn(void *ctx, int arg)
{
	(void)arg;
	sim_modem_reboot(ctx);
}

/* The stored package, if it is a configuration file (at most its size). */
static bool read_config(struct sim_modem *m, ufota_config *c)
{
	char path[512], buf[UFOTA_CONFIG_SIZE + 1];
	ssize_t n = -1;
	if (sim_fota_package_path(m->flash, path, sizeof path) != 0)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof buf);
		close(fd);
	}
	return n > 0 && ufota_config_parse(buf, (size_t)n, c) == 0;
}

/* A legacy version refuses what §2.6.2's order does not allow: the
 * package goes, Update Result 6 (docs/behaviour.md). */
static void legacy_refuse(struct sim_modem *m, struct ufota *u, const char *why)
{
	sim_fota_remove(m->flash);
	sim_audit_event(m->audit, sim_modem_now(m), "ufota_legacy_refused", ",\"why\":\"%s\"", why);
	u->legacy_step = LEGACY_NONE;
	u->retries = 0;
	fail(m, u, 6, D_UNKNOWN);
}

/* note §2.6.2 on a legacy version, a download just completed: the
 * configuration file is applied and the module reboots by itself; a
 * delta goes on only after one. true when the download was handled here. */
static bool legacy_downloaded(struct sim_modem *m, struct ufota *u)
{
	ufota_config c;
	struct lw_value v;
	if (!read_config(m, &c)) {
		if (u->legacy_step != LEGACY_CONFIGURED) {
			legacy_refuse(m, u, "a delta without the server's reboot and configuration file (note §2.6.2)");
			return true;
		}
		u->legacy_step = LEGACY_NONE; /* consumed by this delta */
		return false;
	}
	lw_obj_read(m, 3, 0, 3, &v);
	if (u->legacy_step != LEGACY_REBOOTED) {
		legacy_refuse(m, u, "a configuration file without the server's reboot first (note §2.6.2)");
		return true;
	}
	if (strcmp(c.product, m->v->id.model) || strcmp(c.from, v.s)) {
		legacy_refuse(m, u, "a configuration file for another product or firmware");
		return true;
	}
	sim_fota_remove(m->flash);
	u->retries = 0;
	u->legacy_step = LEGACY_CONFIGURED;
	snprintf(u->config_to, sizeof u->config_to, "%s", c.to);
	u->checkin = true;
	u->uri[0] = '\0';
	urc_end(m, true, 100);
	set_state(m, u, FW_IDLE, 0);
	sim_audit_event(m->audit, sim_modem_now(m), "ufota_config_applied", ",\"to\":\"%s\"", c.to);
	u->timer = sim_modem_after(m, CONFIG_MS, reboot_fn, 0);
	return true;
}

/* The end of a download (HTTP from netdl.c, CoAP from lwm2m_coapdl.c). */
static void finished(struct sim_modem *m, bool ok, int details, int result, bool transient)
{
	struct ufota *u = state(m);
	if (u->state != FW_DOWNLOADING)
		return;
	if (ok) {
		if (legacy(m) && legacy_downloaded(m, u))
			return;
		u->retries = 0;
		u->complete_at = time(NULL);
		/* note §2.6.3: "Ensure the host application closes all open
		 * sockets when or before the download is completed" */
		if (sim_sockets_open(m) > 0)
			sim_audit_event(m->audit, sim_modem_now(m), "sockets_open_at_download_complete",
					",\"sockets\":%d", sim_sockets_open(m));
		urc_end(m, true, 100);
		u->report = true;
		set_state(m, u, FW_DOWNLOADED, 0);
		/* note B.1: "+ULWM2MSTAT: 4,6" after the notifications
		 * (docs/behaviour.md: 6 = update waiting) */
		if (!m->v->legacy_lwm2mstat && sim_urc_enabled(m, SIM_URC_ULWM2MSTAT))
			sim_modem_urc(m, "+ULWM2MSTAT: 4,6");
		sim_pdp_lwm2m_release(m); /* note §2.8.4: the download is over */
		return;
	}
	if (details == D_CANCEL) {
		urc_end(m, false, D_CANCEL);
		u->user_abort = true;
		u->report = true;
		u->uri[0] = '\0';
		set_state(m, u, FW_IDLE, 0);
		sim_pdp_lwm2m_release(m);
		return;
	}
	/* note §2.2.2: a faded signal resumes from the last page written */
	if (transient && u->retries < RETRIES) {
		u->retries++;
		u->timer = sim_modem_after(m, RETRY_MS, retry_fn, 0);
		return;
	}
	fail(m, u, result, details);
}

static void http_done(struct sim_modem *m, const struct sim_netdl_result *r)
{
	if (r->ok)
		finished(m, true, 100, 0, false);
	else if (r->err_code == SIM_FTPER_CANCELLED)
		finished(m, false, D_CANCEL, 0, false);
	else if (r->err_code == SIM_HTTPER_STATUS)
		finished(m, false, D_URL, 7, false); /* invalid URI */
	else if (r->err_code == SIM_HTTPER_INTERNAL)
		finished(m, false, D_MEMORY, 2, false);
	else
		finished(m, false, D_NETWORK, 4, true); /* connection lost */
}

void sim_ufota_coap_done(struct sim_modem *m, bool ok, int details, int result, bool transient)
{
	finished(m, ok, details, result, transient);
}

void sim_ufota_coap_progress(struct sim_modem *m, uint64_t stored, uint64_t total)
{
	progress(m, stored, total);
}

static void start_download(struct sim_modem *m, struct ufota *u, bool resume)
{
	int rc;
	enum sim_bearer b = sim_pdp_lwm2m_bearer(m, u->uri);
	/* note §2.1: no uFOTA over IPv6 there (docs/behaviour.md: unsupported
	 * protocol, bad URL); no data path: a network error, tried again */
	if (b == SIM_BEARER_IPV6) {
		fail(m, u, 9, D_URL);
		return;
	}
	if (b != SIM_BEARER_OK) {
		finished(m, false, D_NETWORK, 4, true);
		return;
	}
	if (u->coap) {
		rc = sim_coapdl_start(m, u->uri, resume);
	} else {
		struct sim_netdl_req r = {
			.method = SIM_DL_LWM2M,
			.url = u->uri,
			.host = "",
			.user = "",
			.password = "",
			.account = "",
			.path = "",
			.timeout_s = 60,
			.resume = resume,
			.status = progress,
			.done = http_done,
		};
		rc = sim_netdl_start(m, &r);
	}
	if (rc != SIM_OK)
		fail(m, u, rc == SIM_CME_INCORRECT_PARAMS ? 7 : 2,
		     rc == SIM_CME_INCORRECT_PARAMS ? D_URL : D_MEMORY);
}

static bool scheme(const char *uri, const char *s)
{
	return strncmp(uri, s, strlen(s)) == 0;
}

/* Package URI written: the download starts at once ("at the next
 * practical opportunity", note §2.1). */
static int write_uri(struct sim_modem *m, struct ufota *u, const struct lw_value *v)
{
	if (v->type != LW_T_STR)
		return LW_E_BAD_REQUEST;
	if (v->s[0] == '\0') { /* LwM2M 1.0 E.6: an empty URI resets to Idle */
		if (u->state == FW_DOWNLOADING)
			sim_ufota_cancel(m);
		else if (u->state == FW_DOWNLOADED) {
			sim_fota_remove(m->flash);
			set_state(m, u, FW_IDLE, 0);
		}
		return LW_OK;
	}
	if (u->state != FW_IDLE)
		return LW_E_BAD_REQUEST;
	bool http = scheme(v->s, "http://") || scheme(v->s, "https://");
	bool coap = scheme(v->s, "coap://") || scheme(v->s, "coaps://");
	if ((!http && !coap) || strpbrk(v->s, "\"\\ \t\r\n")) {
		set_state(m, u, FW_IDLE, 7); /* invalid URI */
		return LW_E_BAD_REQUEST;
	}
	if (coap && !sim_ufota_coap_ok(m)) {
		set_state(m, u, FW_IDLE, 9); /* unsupported protocol */
		return LW_E_BAD_REQUEST;
	}
	snprintf(u->uri, sizeof u->uri, "%s", v->s);
	u->coap = coap;
	u->total = 0;
	u->last_pct = 0;
	u->retries = 0;
	u->user_abort = false;
	urc_start(m);
	set_state(m, u, FW_DOWNLOADING, 0);
	/* note §2.7.3, §8: the application disables eDRX during the FOTA */
	if (sim_network_edrx(m))
		sim_audit_event(m->audit, sim_modem_now(m), "edrx_during_ufota", ",\"uri\":\"%s\"",
				u->uri);
	/* note §7: "If FOAT download or FTP download commands are issued
	 * while ...", and Table 7 rows 2-5: the LwM2M download fails */
	if (!sim_download_lwm2m_allowed(sim_download_active(m))) {
		sim_audit_event(m->audit, sim_modem_now(m), "lwm2m_download_refused",
				",\"active\":\"%s\"", sim_download_name(sim_download_active(m)));
		fail(m, u, 2, D_MEMORY);
		return LW_OK;
	}
	start_download(m, u, false);
	return LW_OK;
}

int sim_ufota_write(struct sim_modem *m, uint16_t res, const struct lw_value *v)
{
	struct ufota *u = state(m);
	if (res == 1)
		return write_uri(m, u, v);
	return LW_E_NOT_ALLOWED; /* /5/0/0 push: delivery method is pull only */
}

static void install_fn(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct sim_install_req r;
	(void)arg;
	sim_ufwinstall_ufota_target(m, &r);
	if (sim_install_start(m, &r) < 0)
		set_state(m, state(m), FW_DOWNLOADED, 8);
}

int sim_ufota_execute(struct sim_modem *m, uint16_t res)
{
	struct ufota *u = state(m);
	if (res != 2)
		return LW_E_NOT_ALLOWED;
	if (u->state != FW_DOWNLOADED || !sim_fota_present(m->flash, NULL))
		return LW_E_NOT_ALLOWED;
	/* note §2.6.4: the module resets to apply the update */
	set_state(m, u, FW_UPDATING, 0);
	u->timer = sim_modem_after(m, EXEC_MS, install_fn, 0);
	return LW_OK;
}

int sim_ufota_cancel(struct sim_modem *m)
{
	struct ufota *u = state(m);
	/* note §2.6.5: only while downloading */
	if (u->state != FW_DOWNLOADING)
		return SIM_CME_NOT_ALLOWED;
	if (u->timer > 0) { /* waiting to resume: nothing on the wire */
		sim_modem_cancel(m, u->timer);
		u->timer = 0;
		finished(m, false, D_CANCEL, 0, false);
		return SIM_OK;
	}
	if (u->coap ? !sim_coapdl_cancel(m) : !sim_netdl_cancel(m, SIM_DL_LWM2M))
		finished(m, false, D_CANCEL, 0, false);
	return SIM_OK;
}

/* A package installed by the LwM2M client (installer.h): its result. */
static int install_result(int code)
{
	switch (code) {
	case 128: return 1;
	case 148:
	case 173: return 5; /* integrity check failure */
	case 158:
	case 168:
	case 174:
	case 247: return 6; /* unsupported package type */
	default: return 8;
	}
}

static void resume_pct(struct sim_modem *m, struct ufota *u)
{
	struct sim_kv kv;
	long stored = 0;
	if (u->coap)
		stored = (long)sim_coapdl_stored(m);
	else if (sim_kv_load(m->flash, "netdl", &kv) == 0)
		stored = sim_kv_get_long(&kv, "stored", 0);
	if (u->total && stored > 0) {
		u->last_pct = (int)((uint64_t)stored * 100 / u->total);
		urc_progress(m, u->last_pct); /* note §2.2.2: +UFOTASTAT: 0,1,63 */
	}
}

void sim_ufota_client_start(struct sim_modem *m)
{
	struct ufota *u = state(m);
	/* note §2.6.1.1: "+UFOTASTAT: 3,1,0  LwM2M client start" */
	if (urc_new(m))
		sim_modem_urc(m, "+UFOTASTAT: 3,%d,%d", u->user_abort ? 100 : u->result, u->state);
	if (u->checkin) { /* once: this start registers */
		u->checkin = false;
		u->checkin_boot = true;
		save(m, u);
	}
	if (u->state == FW_DOWNLOADING) {
		/* note §2.7.3, §8: a download resumed with eDRX still on */
		if (sim_network_edrx(m))
			sim_audit_event(m->audit, sim_modem_now(m), "edrx_during_ufota",
					",\"uri\":\"%s\",\"resumed\":true", u->uri);
		resume_pct(m, u);
		start_download(m, u, true);
	}
}

static int power_on(struct sim_modem *m, void *st)
{
	struct ufota *u = st;
	struct sim_kv kv;
	if (sim_kv_load(m->flash, RECORD, &kv) == 0) {
		u->state = (int)sim_kv_get_long(&kv, "state", 0);
		u->result = (int)sim_kv_get_long(&kv, "result", 0);
		u->user_abort = sim_kv_get_long(&kv, "user_abort", 0) != 0;
		u->report = sim_kv_get_long(&kv, "report", 0) != 0;
		snprintf(u->uri, sizeof u->uri, "%s", sim_kv_get(&kv, "uri") ? sim_kv_get(&kv, "uri") : "");
		u->total = (uint64_t)sim_kv_get_long(&kv, "total", 0);
		u->complete_at = (time_t)sim_kv_get_long(&kv, "complete_at", 0);
		u->coap = strncmp(u->uri, "coap", 4) == 0;
		u->legacy_step = (int)sim_kv_get_long(&kv, "legacy_step", LEGACY_NONE);
		snprintf(u->config_to, sizeof u->config_to, "%s",
			 sim_kv_get(&kv, "config_to") ? sim_kv_get(&kv, "config_to") : "");
		u->checkin = sim_kv_get_long(&kv, "checkin", 0) != 0;
		if (u->state < FW_IDLE || u->state > FW_UPDATING)
			u->state = FW_IDLE;
	}
	if (sim_flash_exists(m->flash, "install"))
		return 0; /* Firmware Install Mode: the installer has the module */
	if (u->state == FW_UPDATING) {
		/* back from the install (installer.h) */
		long code = 0;
		if (sim_kv_load(m->flash, SIM_INSTALL_RESULT, &kv) == 0)
			code = sim_kv_get_long(&kv, "code", 0);
		u->result = install_result((int)code);
		u->state = FW_IDLE;
		u->report = true;
		u->uri[0] = '\0';
		save(m, u);
		sim_flash_remove(m->flash, SIM_INSTALL_RESULT);
		return 0;
	}
	if (u->state == FW_DOWNLOADING) /* note §2.7.3: no reset during the FOTA process */
		sim_audit_event(m->audit, sim_modem_now(m), "reset_during_download",
				",\"download\":\"lwm2m\"");
	if (u->state == FW_DOWNLOADED && sim_fota_present(m->flash, NULL)) {
		/* note §2.6.4: a reset after the download starts the install;
		 * before 180 s the host should have waited for the server */
		time_t since = time(NULL) - u->complete_at;
		double s = (double)since * m->clock->scale;
		if (s < FAILSAFE_S)
			sim_audit_event(m->audit, sim_modem_now(m), "reset_before_failsafe",
					",\"seconds\":%.0f", s);
		u->state = FW_UPDATING;
		save(m, u);
		struct sim_install_req r;
		sim_ufwinstall_ufota_target(m, &r);
		if (sim_install_start(m, &r) < 0) {
			u->state = FW_DOWNLOADED;
			save(m, u);
		}
	}
	return 0;
}

const struct sim_feature sim_feature_ufota = {
	.name = "ufota",
	.state_size = sizeof(struct ufota),
	.power_on = power_on,
};
