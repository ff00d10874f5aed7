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
#define T_R41X(install) {5000, 2000, 20000, 120000, 5000, (install)}
/* note §2.4: up to 35 min; §5.1.1: 5 s prep, 109 s window */
#define T_R422 {7000, 2000, 5000, 109000, 5000, 35 * MIN}

#define CAP_R41X (SIM_CAP_UFOTA | SIM_CAP_LIFETIME | SIM_CAP_FTP | SIM_CAP_FOAT)
#define URC_NEW (SIM_URC_UFOTASTAT | SIM_URC_ULWM2MSTAT)

/* Legacy +ULWM2MSTAT product versions: note Table 2, §2.3, §2.6.1.2. */
#define LEGACY(n, fam, tn, model, mfw, afw, date, svn, conf)                                 \
	{n, fam, CAP_R41X, SIM_URC_ULWM2MSTAT, SIM_URC_ULWM2MSTAT, true, SIM_CANCEL_ULWM2M,  \
	 conf, false, true, rates_r410, 7, T_R41X(21 * MIN), {tn, model, mfw, afw, date, svn}}

static const struct sim_variant table[] = {
	LEGACY("SARA-R410M-02B-00", SIM_R410M, "SARA-R410M-02B-00", "SARA-R410M-02B",
	       "L0.0.00.00.05.04", "A.02.00", "Feb 02 2018 11:20:15", "01", false),
	LEGACY("SARA-R410M-02B-01", SIM_R410M, "SARA-R410M-02B-01", "SARA-R410M-02B",
	       "L0.0.00.00.05.06", "A.02.01", "Aug 29 2018 18:22:40", "02", true),
	LEGACY("SARA-R410M-02B-02", SIM_R410M, "SARA-R410M-02B-02", "SARA-R410M-02B",
	       "L0.0.00.00.05.08", "A.02.04", "Apr 03 2019 09:14:52", "03", true),
	/* note §2.6.6 and B.1.1: ATI9 "L0.0.00.00.05.12,A.02.19" */
	{"SARA-R410M-02B-03", SIM_R410M, CAP_R41X, URC_NEW, 0, false, SIM_CANCEL_UFOTA, false,
	 true, true, rates_r410, 7, T_R41X(23 * MIN),
	 {"SARA-R410M-02B-03", "SARA-R410M-02B", "L0.0.00.00.05.12", "A.02.19",
	  "Oct 08 2020 15:00:01", "04"}},
	LEGACY("SARA-R410M-52B", SIM_R410M, "SARA-R410M-52B-00", "SARA-R410M-52B",
	       "L0.0.00.00.06.05", "A.06.00", "Jun 12 2019 10:02:33", "02", true),
	/* note Table 2: both URCs enabled by factory default on 63B/73B/83B */
	{"SARA-R410M-63B", SIM_R410M, CAP_R41X, URC_NEW, URC_NEW, false, SIM_CANCEL_UFOTA, false,
	 false, true, rates_r410, 7, T_R41X(21 * MIN),
	 {"SARA-R410M-63B-00", "SARA-R410M-63B", "L0.0.00.00.07.04", "A.07.02",
	  "Jan 15 2020 13:40:09", "02"}},
	{"SARA-R410M-73B", SIM_R410M, CAP_R41X, URC_NEW, URC_NEW, false, SIM_CANCEL_UFOTA, false,
	 false, true, rates_r410, 7, T_R41X(21 * MIN),
	 {"SARA-R410M-73B-00", "SARA-R410M-73B", "L0.0.00.00.08.03", "A.08.01",
	  "Sep 21 2020 08:55:47", "02"}},
	{"SARA-R410M-83B", SIM_R410M, CAP_R41X, URC_NEW, URC_NEW, false, SIM_CANCEL_UFOTA, false,
	 false, true, rates_r410, 7, T_R41X(21 * MIN),
	 {"SARA-R410M-83B-00", "SARA-R410M-83B", "L0.0.00.00.09.02", "A.09.01",
	  "Mar 04 2021 16:12:26", "02"}},
	LEGACY("SARA-R412M-02B-00", SIM_R412M, "SARA-R412M-02B-00", "SARA-R412M-02B",
	       "M0.09.00", "A.02.11", "Mar 20 2018 14:31:02", "01", true),
	LEGACY("SARA-R412M-02B-01", SIM_R412M, "SARA-R412M-02B-01", "SARA-R412M-02B",
	       "M0.10.00", "A.02.14", "Dec 11 2018 10:45:18", "02", true),
	LEGACY("SARA-R412M-02B-02", SIM_R412M, "SARA-R412M-02B-02", "SARA-R412M-02B",
	       "M0.11.01", "A.02.17", "Jul 30 2019 12:03:51", "03", true),
	{"SARA-R412M-02B-03", SIM_R412M, CAP_R41X, URC_NEW, 0, false, SIM_CANCEL_UFOTA, false,
	 true, true, rates_r410, 7, T_R41X(23 * MIN),
	 {"SARA-R412M-02B-03", "SARA-R412M-02B", "M0.11.03", "A.02.19", "Oct 08 2020 15:10:44",
	  "04"}},
	/* note Table 1: SARA-R422 has no FTP and no HTTP */
	{"SARA-R422", SIM_R422, SIM_CAP_UFOTA | SIM_CAP_LIFETIME | SIM_CAP_FOAT,
	 URC_NEW | SIM_URC_UFWINSTALL, 0, false, SIM_CANCEL_UFOTA, false, true, false, rates_r422,
	 7, T_R422, {"SARA-R422-00B-00", "SARA-R422", "00.12", "A00.00", NULL, "01"}},
	{"SARA-R422S", SIM_R422, CAP_R41X | SIM_CAP_HTTP, URC_NEW | SIM_URC_UFWINSTALL, 0, false,
	 SIM_CANCEL_UFOTA, false, true, false, rates_r422, 7, T_R422,
	 {"SARA-R422S-00B-00", "SARA-R422S", "00.12", "A00.01", NULL, "01"}},
	{"SARA-R422M8S", SIM_R422, CAP_R41X | SIM_CAP_HTTP, URC_NEW | SIM_URC_UFWINSTALL, 0, false,
	 SIM_CANCEL_UFOTA, false, true, false, rates_r422, 7, T_R422,
	 {"SARA-R422M8S-00B-00", "SARA-R422M8S", "00.12", "A00.02", NULL, "01"}},
	/* not in note Table 2: behaves as SARA-R410M-02B-03 (docs/behaviour.md) */
	{"SARA-N410", SIM_N410, CAP_R41X, URC_NEW, 0, false, SIM_CANCEL_UFOTA, false, true, true,
	 rates_r410, 9, T_R41X(21 * MIN),
	 {"SARA-N410-02B-00", "SARA-N410-02B", "L0.0.00.00.05.10", "A.02.14",
	  "May 18 2020 09:30:12", "02"}},
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

bool sim_variant_ipr_ok(const struct sim_variant *v, uint32_t rate)
{
	for (const uint32_t *r = v->ipr_rates; *r; r++)
		if (*r == rate)
			return true;
	return false;
}
