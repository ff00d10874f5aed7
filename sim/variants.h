/* sarafw-sim: what each simulated product version is and does. One const
 * table (variants.c); the module's behaviour reads it, never the name. */
#ifndef SIM_VARIANTS_H
#define SIM_VARIANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sim_family { SIM_R410M, SIM_R412M, SIM_R422, SIM_N410 };

/* Update methods, note Table 1. */
#define SIM_CAP_UFOTA 0x01u
#define SIM_CAP_LIFETIME 0x02u
#define SIM_CAP_FTP 0x04u
#define SIM_CAP_HTTP 0x08u
#define SIM_CAP_FOAT 0x10u

/* Update URCs, note Table 2. */
#define SIM_URC_UFOTASTAT 0x01u
#define SIM_URC_ULWM2MSTAT 0x02u
#define SIM_URC_UFWINSTALL 0x04u

/* What a command row may need of the variant (struct sim_cmd .cap): the
 * methods of note Table 1 above (SIM_CAP_*), and these. */
#define SIM_CAP_URC(urcs) ((uint32_t)(urcs) << 8) /* update URCs, note Table 2 */
#define SIM_CAP_BACKUP 0x10000u                  /* Backup & Restore, note §6.3 */

/* uFOTA download cancel, note §2.3. */
enum sim_cancel { SIM_CANCEL_UFOTA, SIM_CANCEL_ULWM2M };

struct sim_timings {
	uint32_t boot_ms;          /* power-on/reboot until AT answers */
	uint32_t register_ms;      /* end of boot until registered (CEREG stat 1) */
	uint32_t foat_prep_ms;     /* note §5.1.1: ~5 s, §5.1.2: ~20 s */
	uint32_t xmodem_window_ms; /* note §5.1.1: 109 s, §5.1.2: ~2 min */
	uint32_t udwnfile_prep_ms; /* note §5.2: ~5 s */
	uint32_t install_max_ms;   /* note §2.4, Table 3 footnote 2 */
};

struct sim_identity {
	const char *type_number; /* ATI0, starts with the variant name */
	const char *model;       /* +CGMM, "Model:" of ATI */
	const char *modem_fw;    /* ATI9 first part, +CGMR, "Revision:" of ATI */
	const char *app_fw;      /* ATI9 second part */
	const char *build_date;  /* +CGMR suffix on R410M/R412M/N410 */
	const char *svn;         /* "SVN:" of ATI */
};

struct sim_variant {
	const char *name; /* exactly as the CLI takes it */
	enum sim_family family;
	uint8_t caps;         /* SIM_CAP_* */
	uint8_t urcs;         /* SIM_URC_* supported */
	uint8_t urcs_default; /* SIM_URC_* enabled at boot */
	bool legacy_lwm2mstat; /* +ULWM2MSTAT: <status>,<percent>, note §2.6.1.2 */
	enum sim_cancel cancel;
	bool ufotaconf;      /* note §2.5.2 */
	bool ufota_coap;     /* note §2.1: CoAP block-wise (DTLS) or HTTPS, "63B"/"73B"/"83B" */
	bool backup_restore; /* note §6.3 */
	bool accepts_mno0;   /* AT-FACTS: SARA-R422 does not accept +UMNOPROF=0 */
	const uint32_t *ipr_rates; /* 0-terminated */
	uint8_t act;               /* <AcT> of +CEREG: 7 E-UTRAN, 9 NB-IoT */
	bool no_ufota_ipv6; /* note §2.1: "uFOTA over IPv6 is not supported" */
	bool vzw_cid3;      /* note §2.8.3: Verizon's uFOTA through cid 3 (52B, 02B-00..02) */
	bool softbank_ctx2; /* note §2.8.2: Softbank's uFOTA over hidden context #2 ("63B") */
	struct sim_timings t;
	struct sim_identity id;
};

size_t sim_variant_count(void);
const struct sim_variant *sim_variant_at(size_t i);
/* Exact, case-sensitive name match; NULL if none. */
const struct sim_variant *sim_variant_find(const char *name);
/* v has every capability in cap (SIM_CAP_*). */
bool sim_variant_has(const struct sim_variant *v, uint32_t cap);
bool sim_variant_ipr_ok(const struct sim_variant *v, uint32_t rate);

/* +URAT <SelectedAcT> values (AT manual): 7 LTE Cat M1, 8 NB1, 9 GPRS/eGPRS. */
enum { SIM_URAT_M1 = 7, SIM_URAT_NB1 = 8, SIM_URAT_GSM = 9 };
/* The variant can select rat (SARA-R412M and the R422 family also 2G,
 * SARA-R410M M1 and NB1, SARA-N410 NB1 alone). */
bool sim_variant_urat_ok(const struct sim_variant *v, int rat);
/* The factory +URAT list: up to 3 values, 0-terminated in out[4]. */
void sim_variant_urat_factory(const struct sim_variant *v, int out[4]);

#endif
