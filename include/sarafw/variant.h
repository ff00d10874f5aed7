/* libsarafw: what each SARA-R4 product version can do and how long each
 * step may take. Const data (note Table 1, Table 2, §2.4, §5.1, §5.2). */
#ifndef SARAFW_VARIANT_H
#define SARAFW_VARIANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sarafw_family {
	SARAFW_FAMILY_R410M,
	SARAFW_FAMILY_R412M,
	SARAFW_FAMILY_R422, /* SARA-R422, SARA-R422S, SARA-R422M8S */
	SARAFW_FAMILY_N410,
} sarafw_family;

/* Update methods, note Table 1. */
#define SARAFW_METHOD_UFOTA 0x01u
#define SARAFW_METHOD_LIFETIME 0x02u /* change of the life timer */
#define SARAFW_METHOD_FTP 0x04u
#define SARAFW_METHOD_HTTP 0x08u
#define SARAFW_METHOD_FOAT 0x10u /* +UFWUPD (XMODEM) and +UDWNFILE */

/* Update URCs, note Table 2. */
#define SARAFW_URC_UFOTASTAT 0x01u
#define SARAFW_URC_ULWM2MSTAT 0x02u
#define SARAFW_URC_UFWINSTALL 0x04u

/* Rates and times a group of product versions shares: upper bounds a
 * host should wait, from the note's figures. */
typedef struct sarafw_variant_limits {
	uint32_t max_baud;         /* 3000000 where §5.1.1 "Additional rate" applies */
	uint32_t boot_ms;          /* power-on or reboot until AT answers */
	uint32_t foat_prep_ms;     /* +UFWUPD until "+UFWUPD: ONGOING" (§5.1.1: ~5 s, §5.1.2: ~20 s) */
	uint32_t xmodem_window_ms; /* AT not accepted after ONGOING (§5.1.1: 109 s, §5.1.2: ~2 min) */
	uint32_t udwnfile_prep_ms; /* +UDWNFILE until '>' (§5.2: ~5 s) */
	uint32_t ftp_start_ms;     /* +UFTPC=100 until OK (§3.2: ~16 s on R410M/R412M);
	                            * also +UHTTPC=<p>,100 (§4.2 gives no figure) */
	uint32_t install_max_ms;   /* longest install (§2.4, Table 3 and its footnote 2) */
} sarafw_variant_limits;

typedef struct sarafw_variant {
	const char *name;  /* product version as the note names it, e.g. "SARA-R410M-02B-03" */
	const char *match; /* prefix of the ATI0 type number that selects it */
	/* shared by the versions with the same figures: 16 entries carry a
	 * pointer rather than 28 bytes each */
	const sarafw_variant_limits *limits;
	sarafw_family family;
	uint8_t methods;      /* SARAFW_METHOD_* (Table 1) */
	/* The rest in bit-fields: 16 bytes an entry. */
	unsigned urcs : 3;         /* SARAFW_URC_* supported (Table 2) */
	unsigned urcs_default : 3; /* SARAFW_URC_* enabled by factory default (Table 2) */
	bool legacy_lwm2mstat : 1; /* +ULWM2MSTAT: <status>,<percent> (§2.6.1.2) */
	bool ufotaconf : 1;        /* +UFOTACONF available (§2.5.2) */
	bool backup_restore : 1;   /* +UBKUPDATA available (§6.3, §9.1) */
	bool install_results : 1;  /* +UFWINSTALL progress and result URCs (§6.1) */
	bool cancel_ulwm2m : 1;    /* uFOTA download cancel with AT+ULWM2M=0 (§2.3), see sarafw_variant_cancel_cmd */
} sarafw_variant;

/* Number of product versions in the table, and entry i (NULL past the end). */
size_t sarafw_variant_count(void);
const sarafw_variant *sarafw_variant_at(size_t i);

/* The command that cancels a uFOTA download (§2.3): "AT+ULWM2M=0" or
 * "AT+UFOTA=0". */
const char *sarafw_variant_cancel_cmd(const sarafw_variant *v);

/* The entry whose name equals name, or NULL. */
const sarafw_variant *sarafw_variant_by_name(const char *name);

/* The entry selected by an ATI0 type number such as "SARA-R410M-02B-03"
 * or "SARA-R422S-00B-00", or NULL if none matches. */
const sarafw_variant *sarafw_variant_match(const char *type_number);

#ifdef __cplusplus
}
#endif
#endif
