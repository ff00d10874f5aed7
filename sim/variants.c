/* The product versions of the note. Values the note does not give (firmware
 * versions of versions other than R410M-02B-03, SVNs, build dates) are
 * invented and listed in docs/behaviour.md. */
#include "variants.h"

#include <string.h>

/* AT manual rates; note §5.1.1/§5.2 "Additional rate": 921600 and 3000000
 * on the SARA-R422 family only. */
static const uint32_t rates_r410[] = {9600, 19200, 38400, 57600, 115200, 230400, 460800, 0};
static const uint32_t rates_r422[] = {9600, 19200, 38400, 57600, 115200, 230400, 460800,
				      921600, 3000000, 0};

#define MIN 60000u
/* note §2.4: up to 21 min; Table 3 footnote 2: 23 min on 02B-03 */
#define T_R41X(install)                                                                    \
	{                                                                                  \
		.boot_ms = 5000, .register_ms = 2000, .foat_prep_ms = 20000,               \
		.xmodem_window_ms = 120000, .udwnfile_prep_ms = 5000,                      \
		.install_max_ms = (install),                                               \
	}
/* note §2.4: up to 35 min; §5.1.1: 5 s prep, 109 s window */
#define T_R422                                                                             \
	{                                                                                  \
		.boot_ms = 7000, .register_ms = 2000, .foat_prep_ms = 5000,                \
		.xmodem_window_ms = 109000, .udwnfile_prep_ms = 5000,                      \
		.install_max_ms = 35 * MIN,                                                \
	}

#define CAP_R41X (SIM_CAP_UFOTA | SIM_CAP_LIFETIME | SIM_CAP_FTP | SIM_CAP_FOAT)
#define URC_NEW (SIM_URC_UFOTASTAT | SIM_URC_ULWM2MSTAT)

static const struct sim_variant table[] = {
	/* note Table 2, §2.3, §2.6.1.2: legacy +ULWM2MSTAT, cancel with +ULWM2M */
	{
		.name = "SARA-R410M-02B-00",
		.family = SIM_R410M,
		.caps = CAP_R41X,
		.urcs = SIM_URC_ULWM2MSTAT,
		.urcs_default = SIM_URC_ULWM2MSTAT,
		.legacy_lwm2mstat = true,
		.cancel = SIM_CANCEL_ULWM2M,
		.ufotaconf = false,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.vzw_cid3 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R410M-02B-00",
			.model = "SARA-R410M-02B",
			.modem_fw = "L0.0.00.00.05.04",
			.app_fw = "A.02.00",
			.build_date = "Feb 02 2018 11:20:15",
			.svn = "01",
		},
	},
	{
		.name = "SARA-R410M-02B-01",
		.family = SIM_R410M,
		.caps = CAP_R41X,
		.urcs = SIM_URC_ULWM2MSTAT,
		.urcs_default = SIM_URC_ULWM2MSTAT,
		.legacy_lwm2mstat = true,
		.cancel = SIM_CANCEL_ULWM2M,
		.ufotaconf = true,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.vzw_cid3 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R410M-02B-01",
			.model = "SARA-R410M-02B",
			.modem_fw = "L0.0.00.00.05.06",
			.app_fw = "A.02.01",
			.build_date = "Aug 29 2018 18:22:40",
			.svn = "02",
		},
	},
	{
		.name = "SARA-R410M-02B-02",
		.family = SIM_R410M,
		.caps = CAP_R41X,
		.urcs = SIM_URC_ULWM2MSTAT,
		.urcs_default = SIM_URC_ULWM2MSTAT,
		.legacy_lwm2mstat = true,
		.cancel = SIM_CANCEL_ULWM2M,
		.ufotaconf = true,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.vzw_cid3 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R410M-02B-02",
			.model = "SARA-R410M-02B",
			.modem_fw = "L0.0.00.00.05.08",
			.app_fw = "A.02.04",
			.build_date = "Apr 03 2019 09:14:52",
			.svn = "03",
		},
	},
	/* note §2.6.6 and B.1.1: ATI9 "L0.0.00.00.05.12,A.02.19" */
	{
		.name = "SARA-R410M-02B-03",
		.family = SIM_R410M,
		.caps = CAP_R41X,
		.urcs = URC_NEW,
		.urcs_default = 0,
		.legacy_lwm2mstat = false,
		.cancel = SIM_CANCEL_UFOTA,
		.ufotaconf = false,
		.backup_restore = true,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.t = T_R41X(23 * MIN),
		.id = {
			.type_number = "SARA-R410M-02B-03",
			.model = "SARA-R410M-02B",
			.modem_fw = "L0.0.00.00.05.12",
			.app_fw = "A.02.19",
			.build_date = "Oct 08 2020 15:00:01",
			.svn = "04",
		},
	},
	{
		.name = "SARA-R410M-52B",
		.family = SIM_R410M,
		.caps = CAP_R41X,
		.urcs = SIM_URC_ULWM2MSTAT,
		.urcs_default = SIM_URC_ULWM2MSTAT,
		.legacy_lwm2mstat = true,
		.cancel = SIM_CANCEL_ULWM2M,
		.ufotaconf = true,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.vzw_cid3 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R410M-52B-00",
			.model = "SARA-R410M-52B",
			.modem_fw = "L0.0.00.00.06.05",
			.app_fw = "A.06.00",
			.build_date = "Jun 12 2019 10:02:33",
			.svn = "02",
		},
	},
	/* note Table 2: both URCs enabled by factory default on 63B/73B/83B */
	{
		.name = "SARA-R410M-63B",
		.family = SIM_R410M,
		.caps = CAP_R41X,
		.urcs = URC_NEW,
		.urcs_default = URC_NEW,
		.legacy_lwm2mstat = false,
		.cancel = SIM_CANCEL_UFOTA,
		.ufotaconf = false,
		.ufota_coap = true,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.softbank_ctx2 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R410M-63B-00",
			.model = "SARA-R410M-63B",
			.modem_fw = "L0.0.00.00.07.04",
			.app_fw = "A.07.02",
			.build_date = "Jan 15 2020 13:40:09",
			.svn = "02",
		},
	},
	{
		.name = "SARA-R410M-73B",
		.family = SIM_R410M,
		.caps = CAP_R41X,
		.urcs = URC_NEW,
		.urcs_default = URC_NEW,
		.legacy_lwm2mstat = false,
		.cancel = SIM_CANCEL_UFOTA,
		.ufotaconf = false,
		.ufota_coap = true,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R410M-73B-00",
			.model = "SARA-R410M-73B",
			.modem_fw = "L0.0.00.00.08.03",
			.app_fw = "A.08.01",
			.build_date = "Sep 21 2020 08:55:47",
			.svn = "02",
		},
	},
	{
		.name = "SARA-R410M-83B",
		.family = SIM_R410M,
		.caps = CAP_R41X,
		.urcs = URC_NEW,
		.urcs_default = URC_NEW,
		.legacy_lwm2mstat = false,
		.cancel = SIM_CANCEL_UFOTA,
		.ufotaconf = false,
		.ufota_coap = true,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R410M-83B-00",
			.model = "SARA-R410M-83B",
			.modem_fw = "L0.0.00.00.09.02",
			.app_fw = "A.09.01",
			.build_date = "Mar 04 2021 16:12:26",
			.svn = "02",
		},
	},
	{
		.name = "SARA-R412M-02B-00",
		.family = SIM_R412M,
		.caps = CAP_R41X,
		.urcs = SIM_URC_ULWM2MSTAT,
		.urcs_default = SIM_URC_ULWM2MSTAT,
		.legacy_lwm2mstat = true,
		.cancel = SIM_CANCEL_ULWM2M,
		.ufotaconf = true,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R412M-02B-00",
			.model = "SARA-R412M-02B",
			.modem_fw = "M0.09.00",
			.app_fw = "A.02.11",
			.build_date = "Mar 20 2018 14:31:02",
			.svn = "01",
		},
	},
	{
		.name = "SARA-R412M-02B-01",
		.family = SIM_R412M,
		.caps = CAP_R41X,
		.urcs = SIM_URC_ULWM2MSTAT,
		.urcs_default = SIM_URC_ULWM2MSTAT,
		.legacy_lwm2mstat = true,
		.cancel = SIM_CANCEL_ULWM2M,
		.ufotaconf = true,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R412M-02B-01",
			.model = "SARA-R412M-02B",
			.modem_fw = "M0.10.00",
			.app_fw = "A.02.14",
			.build_date = "Dec 11 2018 10:45:18",
			.svn = "02",
		},
	},
	{
		.name = "SARA-R412M-02B-02",
		.family = SIM_R412M,
		.caps = CAP_R41X,
		.urcs = SIM_URC_ULWM2MSTAT,
		.urcs_default = SIM_URC_ULWM2MSTAT,
		.legacy_lwm2mstat = true,
		.cancel = SIM_CANCEL_ULWM2M,
		.ufotaconf = true,
		.backup_restore = false,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.no_ufota_ipv6 = true,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-R412M-02B-02",
			.model = "SARA-R412M-02B",
			.modem_fw = "M0.11.01",
			.app_fw = "A.02.17",
			.build_date = "Jul 30 2019 12:03:51",
			.svn = "03",
		},
	},
	{
		.name = "SARA-R412M-02B-03",
		.family = SIM_R412M,
		.caps = CAP_R41X,
		.urcs = URC_NEW,
		.urcs_default = 0,
		.legacy_lwm2mstat = false,
		.cancel = SIM_CANCEL_UFOTA,
		.ufotaconf = false,
		.backup_restore = true,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 7,
		.t = T_R41X(23 * MIN),
		.id = {
			.type_number = "SARA-R412M-02B-03",
			.model = "SARA-R412M-02B",
			.modem_fw = "M0.11.03",
			.app_fw = "A.02.19",
			.build_date = "Oct 08 2020 15:10:44",
			.svn = "04",
		},
	},
	/* note Table 1: SARA-R422 has no FTP and no HTTP */
	{
		.name = "SARA-R422",
		.family = SIM_R422,
		.caps = SIM_CAP_UFOTA | SIM_CAP_LIFETIME | SIM_CAP_FOAT,
		.urcs = URC_NEW | SIM_URC_UFWINSTALL,
		.urcs_default = 0,
		.legacy_lwm2mstat = false,
		.cancel = SIM_CANCEL_UFOTA,
		.ufotaconf = false,
		.backup_restore = true,
		.accepts_mno0 = false,
		.ipr_rates = rates_r422,
		.act = 7,
		.t = T_R422,
		.id = {
			.type_number = "SARA-R422-00B-00",
			.model = "SARA-R422",
			.modem_fw = "00.12",
			.app_fw = "A00.00",
			.build_date = NULL,
			.svn = "01",
		},
	},
	{
		.name = "SARA-R422S",
		.family = SIM_R422,
		.caps = CAP_R41X | SIM_CAP_HTTP,
		.urcs = URC_NEW | SIM_URC_UFWINSTALL,
		.urcs_default = 0,
		.legacy_lwm2mstat = false,
		.cancel = SIM_CANCEL_UFOTA,
		.ufotaconf = false,
		.backup_restore = true,
		.accepts_mno0 = false,
		.ipr_rates = rates_r422,
		.act = 7,
		.t = T_R422,
		.id = {
			.type_number = "SARA-R422S-00B-00",
			.model = "SARA-R422S",
			.modem_fw = "00.12",
			.app_fw = "A00.01",
			.build_date = NULL,
			.svn = "01",
		},
	},
	{
		.name = "SARA-R422M8S",
		.family = SIM_R422,
		.caps = CAP_R41X | SIM_CAP_HTTP,
		.urcs = URC_NEW | SIM_URC_UFWINSTALL,
		.urcs_default = 0,
		.legacy_lwm2mstat = false,
		.cancel = SIM_CANCEL_UFOTA,
		.ufotaconf = false,
		.backup_restore = true,
		.accepts_mno0 = false,
		.ipr_rates = rates_r422,
		.act = 7,
		.t = T_R422,
		.id = {
			.type_number = "SARA-R422M8S-00B-00",
			.model = "SARA-R422M8S",
			.modem_fw = "00.12",
			.app_fw = "A00.02",
			.build_date = NULL,
			.svn = "01",
		},
	},
	/* not in note Table 2: behaves as SARA-R410M-02B-03 (docs/behaviour.md) */
	{
		.name = "SARA-N410",
		.family = SIM_N410,
		.caps = CAP_R41X,
		.urcs = URC_NEW,
		.urcs_default = 0,
		.legacy_lwm2mstat = false,
		.cancel = SIM_CANCEL_UFOTA,
		.ufotaconf = false,
		.backup_restore = true,
		.accepts_mno0 = true,
		.ipr_rates = rates_r410,
		.act = 9,
		.t = T_R41X(21 * MIN),
		.id = {
			.type_number = "SARA-N410-02B-00",
			.model = "SARA-N410-02B",
			.modem_fw = "L0.0.00.00.05.10",
			.app_fw = "A.02.14",
			.build_date = "May 18 2020 09:30:12",
			.svn = "02",
		},
	},
};

size_t sim_variant_count(void)
{
	return sizeof table / sizeof table[0];
}

const struct sim_variant *sim_variant_at(size_t i)
{
	return i < sim_variant_count() ? &table[i] : NULL;
}

const struct sim_variant *sim_variant_find(const char *name)
{
	for (size_t i = 0; i < sim_variant_count(); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

bool sim_variant_has(const struct sim_variant *v, uint32_t cap)
{
	uint32_t have = v->caps | SIM_CAP_URC(v->urcs) | (v->backup_restore ? SIM_CAP_BACKUP : 0);
	return (have & cap) == cap;
}

bool sim_variant_ipr_ok(const struct sim_variant *v, uint32_t rate)
{
	for (const uint32_t *r = v->ipr_rates; *r; r++)
		if (*r == rate)
			return true;
	return false;
}

bool sim_variant_urat_ok(const struct sim_variant *v, int rat)
{
	switch (v->family) {
	case SIM_N410: return rat == SIM_URAT_NB1;
	case SIM_R410M: return rat == SIM_URAT_M1 || rat == SIM_URAT_NB1;
	default: return rat >= SIM_URAT_M1 && rat <= SIM_URAT_GSM;
	}
}

/* docs/behaviour.md: LTE Cat M1 first, then NB1, then 2G */
void sim_variant_urat_factory(const struct sim_variant *v, int out[4])
{
	int n = 0;
	for (int rat = SIM_URAT_M1; rat <= SIM_URAT_GSM; rat++)
		if (sim_variant_urat_ok(v, rat))
			out[n++] = rat;
	out[n] = 0;
}
