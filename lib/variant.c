/* The product versions the note names, as the host sees them.
 * Methods: note Table 1. URCs and their factory defaults: note Table 2.
 * Timings are upper bounds a host should wait, from the note's figures. */
#include <string.h>

#include "sarafw/variant.h"

#define S 1000u
#define MIN (60u * S)

#define M_R410 (SARAFW_METHOD_UFOTA | SARAFW_METHOD_LIFETIME | SARAFW_METHOD_FTP | SARAFW_METHOD_FOAT)
#define M_R422 (SARAFW_METHOD_UFOTA | SARAFW_METHOD_LIFETIME | SARAFW_METHOD_FOAT)
#define M_R422S (M_R422 | SARAFW_METHOD_FTP | SARAFW_METHOD_HTTP)
#define U_NEW (SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT)
#define U_R422 (U_NEW | SARAFW_URC_UFWINSTALL)

/* note §5.1.2: ~20 s to prepare, ~2 min without AT; §2.4: install up to
 * 21 min (Table 3 footnote 2: 23 min on 02B-03); §3.2: ~16 s to start FTP. */
#define R410(name_, match_, fam_, urcs_, dflt_, legacy_, conf_, bkp_, cancel_, inst_)      \
	{ name_, match_, fam_, M_R410, urcs_, dflt_, legacy_, conf_, bkp_, false, cancel_, \
	  460800u, 20 * S, 40 * S, 130 * S, 15 * S, 40 * S, inst_ }

/* note §5.1.1: ~5 s to prepare, 109 s window; §2.4: up to 35 min. */
#define R422(name_, match_, methods_)                                                      \
	{ name_, match_, SARAFW_FAMILY_R422, methods_, U_R422, 0, false, false, true, true, \
	  "AT+UFOTA=0", 3000000u, 20 * S, 15 * S, 109 * S, 15 * S, 40 * S, 35 * MIN }

static const sarafw_variant variants[] = {
	/* §2.6.1.2 legacy +ULWM2MSTAT, enabled (Table 2); cancel with
	 * +ULWM2M=0 (§2.3); +UFOTACONF absent on 02B-00 (§2.5.2). */
	R410("SARA-R410M-02B-00", "SARA-R410M-02B-00", SARAFW_FAMILY_R410M, SARAFW_URC_ULWM2MSTAT,
	     SARAFW_URC_ULWM2MSTAT, true, false, false, "AT+ULWM2M=0", 21 * MIN),
	R410("SARA-R410M-02B-01", "SARA-R410M-02B-01", SARAFW_FAMILY_R410M, SARAFW_URC_ULWM2MSTAT,
	     SARAFW_URC_ULWM2MSTAT, true, true, false, "AT+ULWM2M=0", 21 * MIN),
	R410("SARA-R410M-02B-02", "SARA-R410M-02B-02", SARAFW_FAMILY_R410M, SARAFW_URC_ULWM2MSTAT,
	     SARAFW_URC_ULWM2MSTAT, true, true, false, "AT+ULWM2M=0", 21 * MIN),
	/* Table 2: both URCs, disabled; §6.3: Backup & Restore. */
	R410("SARA-R410M-02B-03", "SARA-R410M-02B-03", SARAFW_FAMILY_R410M, U_NEW, 0, false, false,
	     true, "AT+UFOTA=0", 23 * MIN),
	R410("SARA-R410M-52B", "SARA-R410M-52B", SARAFW_FAMILY_R410M, SARAFW_URC_ULWM2MSTAT,
	     SARAFW_URC_ULWM2MSTAT, true, true, false, "AT+ULWM2M=0", 21 * MIN),
	/* Table 2: both URCs enabled by factory configuration. */
	R410("SARA-R410M-63B", "SARA-R410M-63B", SARAFW_FAMILY_R410M, U_NEW, U_NEW, false, false,
	     false, "AT+UFOTA=0", 21 * MIN),
	R410("SARA-R410M-73B", "SARA-R410M-73B", SARAFW_FAMILY_R410M, U_NEW, U_NEW, false, false,
	     false, "AT+UFOTA=0", 21 * MIN),
	R410("SARA-R410M-83B", "SARA-R410M-83B", SARAFW_FAMILY_R410M, U_NEW, U_NEW, false, false,
	     false, "AT+UFOTA=0", 21 * MIN),
	R410("SARA-R412M-02B-00", "SARA-R412M-02B-00", SARAFW_FAMILY_R412M, SARAFW_URC_ULWM2MSTAT,
	     SARAFW_URC_ULWM2MSTAT, true, true, false, "AT+ULWM2M=0", 21 * MIN),
	R410("SARA-R412M-02B-01", "SARA-R412M-02B-01", SARAFW_FAMILY_R412M, SARAFW_URC_ULWM2MSTAT,
	     SARAFW_URC_ULWM2MSTAT, true, true, false, "AT+ULWM2M=0", 21 * MIN),
	R410("SARA-R412M-02B-02", "SARA-R412M-02B-02", SARAFW_FAMILY_R412M, SARAFW_URC_ULWM2MSTAT,
	     SARAFW_URC_ULWM2MSTAT, true, true, false, "AT+ULWM2M=0", 21 * MIN),
	R410("SARA-R412M-02B-03", "SARA-R412M-02B-03", SARAFW_FAMILY_R412M, U_NEW, 0, false, false,
	     true, "AT+UFOTA=0", 23 * MIN),
	/* Table 1: SARA-R422 has neither FTP nor HTTP (§3, §4). */
	R422("SARA-R422", "SARA-R422-", M_R422),
	R422("SARA-R422S", "SARA-R422S", M_R422S),
	R422("SARA-R422M8S", "SARA-R422M8S", M_R422S),
	/* Table 1 lists SARA-N410 with the R410M methods; Table 2 does not
	 * name it: treated as SARA-R410M-02B-03 (docs/behaviour.md). */
	R410("SARA-N410", "SARA-N410", SARAFW_FAMILY_N410, U_NEW, 0, false, false, true, "AT+UFOTA=0",
	     21 * MIN),
};

size_t sarafw_variant_count(void)
{
	return sizeof variants / sizeof variants[0];
}

const sarafw_variant *sarafw_variant_at(size_t i)
{
	return i < sarafw_variant_count() ? &variants[i] : NULL;
}

const sarafw_variant *sarafw_variant_by_name(const char *name)
{
	for (size_t i = 0; name && i < sarafw_variant_count(); i++)
		if (strcmp(variants[i].name, name) == 0)
			return &variants[i];
	return NULL;
}

const sarafw_variant *sarafw_variant_match(const char *type_number)
{
	for (size_t i = 0; type_number && i < sarafw_variant_count(); i++)
		if (strncmp(type_number, variants[i].match, strlen(variants[i].match)) == 0)
			return &variants[i];
	return NULL;
}
