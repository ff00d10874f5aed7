/* The product versions the note names, as the host sees them.
 * Methods: note Table 1. URCs and their factory defaults: note Table 2.
 * Limits (rates, upper bounds a host should wait) from the note's figures. */

#include "sarafw/variant.h"
#include "str.h"

#define S 1000u
#define MIN (60u * S)

#define M_R410 (SARAFW_METHOD_UFOTA | SARAFW_METHOD_LIFETIME | SARAFW_METHOD_FTP | SARAFW_METHOD_FOAT)
#define M_R422 (SARAFW_METHOD_UFOTA | SARAFW_METHOD_LIFETIME | SARAFW_METHOD_FOAT)
#define M_R422S (M_R422 | SARAFW_METHOD_FTP | SARAFW_METHOD_HTTP)
#define U_NEW (SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT)
#define U_R422 (U_NEW | SARAFW_URC_UFWINSTALL)

/* note §5.1.2: ~20 s to prepare, ~2 min without AT; §3.2: ~16 s to start
 * FTP. Install time (§2.4, Table 3 and its footnote 2): 21 min, 23 min
 * on the versions with Backup & Restore (02B-03). */
static const sarafw_variant_limits r410_limits = {
	.max_baud = 460800u, .boot_ms = 20 * S, .foat_prep_ms = 40 * S, .xmodem_window_ms = 130 * S,
	.udwnfile_prep_ms = 15 * S, .ftp_start_ms = 40 * S, .install_max_ms = 21 * MIN,
};
static const sarafw_variant_limits r410_limits_23 = {
	.max_baud = 460800u, .boot_ms = 20 * S, .foat_prep_ms = 40 * S, .xmodem_window_ms = 130 * S,
	.udwnfile_prep_ms = 15 * S, .ftp_start_ms = 40 * S, .install_max_ms = 23 * MIN,
};
/* note §5.1.1: ~5 s to prepare, 109 s window; §2.4: install up to 35 min. */
static const sarafw_variant_limits r422_limits = {
	.max_baud = 3000000u, .boot_ms = 20 * S, .foat_prep_ms = 15 * S, .xmodem_window_ms = 109 * S,
	.udwnfile_prep_ms = 15 * S, .ftp_start_ms = 40 * S, .install_max_ms = 35 * MIN,
};

/* Fields every SARA-R410M/R412M/N410 entry shares. */
#define R410_COMMON .methods = M_R410, .install_results = false

/* Fields every SARA-R422 family entry shares. */
#define R422_COMMON                                                                      \
	.family = SARAFW_FAMILY_R422, .urcs = U_R422, .urcs_default = 0,                      \
	.legacy_lwm2mstat = false, .ufotaconf = false, .backup_restore = true,               \
	.install_results = true, .lwm2m_at = true, .limits = &r422_limits

static const sarafw_variant variants[] = {
	/* §2.6.1.2 legacy +ULWM2MSTAT, enabled (Table 2); cancel with
	 * +ULWM2M=0 (§2.3); +UFOTACONF absent on 02B-00 (§2.5.2). */
	{ R410_COMMON, .name = "SARA-R410M-02B-00", .match = "SARA-R410M-02B-00",
	  .family = SARAFW_FAMILY_R410M, .urcs = SARAFW_URC_ULWM2MSTAT, .urcs_default = SARAFW_URC_ULWM2MSTAT,
	  .legacy_lwm2mstat = true, .ufotaconf = false, .backup_restore = false,
	  .cancel_ulwm2m = true, .vzw_cid3 = true, .ufota_config_step = true, .limits = &r410_limits },
	{ R410_COMMON, .name = "SARA-R410M-02B-01", .match = "SARA-R410M-02B-01",
	  .family = SARAFW_FAMILY_R410M, .urcs = SARAFW_URC_ULWM2MSTAT, .urcs_default = SARAFW_URC_ULWM2MSTAT,
	  .legacy_lwm2mstat = true, .ufotaconf = true, .backup_restore = false,
	  .cancel_ulwm2m = true, .vzw_cid3 = true, .ufota_config_step = true, .limits = &r410_limits },
	{ R410_COMMON, .name = "SARA-R410M-02B-02", .match = "SARA-R410M-02B-02",
	  .family = SARAFW_FAMILY_R410M, .urcs = SARAFW_URC_ULWM2MSTAT, .urcs_default = SARAFW_URC_ULWM2MSTAT,
	  .legacy_lwm2mstat = true, .ufotaconf = true, .backup_restore = false,
	  .cancel_ulwm2m = true, .vzw_cid3 = true, .limits = &r410_limits },
	/* Table 2: both URCs, disabled; §6.3: Backup & Restore. */
	{ R410_COMMON, .name = "SARA-R410M-02B-03", .match = "SARA-R410M-02B-03",
	  .family = SARAFW_FAMILY_R410M, .urcs = U_NEW, .urcs_default = 0,
	  .legacy_lwm2mstat = false, .ufotaconf = false, .backup_restore = true,
	  .lwm2m_at = true, .limits = &r410_limits_23 },
	{ R410_COMMON, .name = "SARA-R410M-52B", .match = "SARA-R410M-52B",
	  .family = SARAFW_FAMILY_R410M, .urcs = SARAFW_URC_ULWM2MSTAT, .urcs_default = SARAFW_URC_ULWM2MSTAT,
	  .legacy_lwm2mstat = true, .ufotaconf = true, .backup_restore = false,
	  .cancel_ulwm2m = true, .vzw_cid3 = true, .ufota_config_step = true, .limits = &r410_limits },
	/* Table 2: both URCs enabled by factory configuration. */
	{ R410_COMMON, .name = "SARA-R410M-63B", .match = "SARA-R410M-63B",
	  .family = SARAFW_FAMILY_R410M, .urcs = U_NEW, .urcs_default = U_NEW,
	  .legacy_lwm2mstat = false, .ufotaconf = false, .backup_restore = false,
	  .lwm2m_at = true, .limits = &r410_limits },
	{ R410_COMMON, .name = "SARA-R410M-73B", .match = "SARA-R410M-73B",
	  .family = SARAFW_FAMILY_R410M, .urcs = U_NEW, .urcs_default = U_NEW,
	  .legacy_lwm2mstat = false, .ufotaconf = false, .backup_restore = false,
	  .lwm2m_at = true, .limits = &r410_limits },
	{ R410_COMMON, .name = "SARA-R410M-83B", .match = "SARA-R410M-83B",
	  .family = SARAFW_FAMILY_R410M, .urcs = U_NEW, .urcs_default = U_NEW,
	  .legacy_lwm2mstat = false, .ufotaconf = false, .backup_restore = false,
	  .lwm2m_at = true, .limits = &r410_limits },
	{ R410_COMMON, .name = "SARA-R412M-02B-00", .match = "SARA-R412M-02B-00",
	  .family = SARAFW_FAMILY_R412M, .urcs = SARAFW_URC_ULWM2MSTAT, .urcs_default = SARAFW_URC_ULWM2MSTAT,
	  .legacy_lwm2mstat = true, .ufotaconf = true, .backup_restore = false,
	  .cancel_ulwm2m = true, .gsm_context = true, .ufota_config_step = true, .limits = &r410_limits },
	{ R410_COMMON, .name = "SARA-R412M-02B-01", .match = "SARA-R412M-02B-01",
	  .family = SARAFW_FAMILY_R412M, .urcs = SARAFW_URC_ULWM2MSTAT, .urcs_default = SARAFW_URC_ULWM2MSTAT,
	  .legacy_lwm2mstat = true, .ufotaconf = true, .backup_restore = false,
	  .cancel_ulwm2m = true, .gsm_context = true, .ufota_config_step = true, .limits = &r410_limits },
	{ R410_COMMON, .name = "SARA-R412M-02B-02", .match = "SARA-R412M-02B-02",
	  .family = SARAFW_FAMILY_R412M, .urcs = SARAFW_URC_ULWM2MSTAT, .urcs_default = SARAFW_URC_ULWM2MSTAT,
	  .legacy_lwm2mstat = true, .ufotaconf = true, .backup_restore = false,
	  .cancel_ulwm2m = true, .gsm_context = true, .limits = &r410_limits },
	{ R410_COMMON, .name = "SARA-R412M-02B-03", .match = "SARA-R412M-02B-03",
	  .family = SARAFW_FAMILY_R412M, .urcs = U_NEW, .urcs_default = 0,
	  .legacy_lwm2mstat = false, .ufotaconf = false, .backup_restore = true,
	  .lwm2m_at = true, .gsm_context = true, .limits = &r410_limits_23 },
	/* Table 1: SARA-R422 has neither FTP nor HTTP (§3, §4). */
	{ R422_COMMON, .name = "SARA-R422", .match = "SARA-R422-", .methods = M_R422 },
	{ R422_COMMON, .name = "SARA-R422S", .match = "SARA-R422S", .methods = M_R422S },
	{ R422_COMMON, .name = "SARA-R422M8S", .match = "SARA-R422M8S", .methods = M_R422S },
	/* Table 1 lists SARA-N410 with the R410M methods; Table 2 does not
	 * name it: treated as SARA-R410M-02B-03 (docs/behaviour.md). */
	{ R410_COMMON, .name = "SARA-N410", .match = "SARA-N410",
	  .family = SARAFW_FAMILY_N410, .urcs = U_NEW, .urcs_default = 0,
	  .legacy_lwm2mstat = false, .ufotaconf = false, .backup_restore = true,
	  .lwm2m_at = true, .limits = &r410_limits },
};

size_t sarafw_variant_count(void)
{
	return sizeof variants / sizeof variants[0];
}

const sarafw_variant *sarafw_variant_at(size_t i)
{
	return i < sarafw_variant_count() ? &variants[i] : NULL;
}

const char *sarafw_variant_cancel_cmd(const sarafw_variant *v)
{
	return v->cancel_ulwm2m ? "AT+ULWM2M=0" : "AT+UFOTA=0";
}

const sarafw_variant *sarafw_variant_by_name(const char *name)
{
	for (size_t i = 0; name && i < sarafw_variant_count(); i++)
		if (sarafw_str_eq(variants[i].name, name))
			return &variants[i];
	return NULL;
}

const sarafw_variant *sarafw_variant_match(const char *type_number)
{
	for (size_t i = 0; type_number && i < sarafw_variant_count(); i++)
		if (sarafw_str_starts(type_number, variants[i].match))
			return &variants[i];
	return NULL;
}
