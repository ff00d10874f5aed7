/* Radio rates of module downloads (common/rat.h). */
#include <string.h>

#include "rat.h"

static const struct {
	const char *option, *name;
	uint64_t bps;
} rats[RAT_N] = {
	[RAT_M1] = { .option = "m1", .name = "LTE Cat M1", .bps = 80000 },
	[RAT_NB1] = { .option = "nb1", .name = "NB-IoT", .bps = 8000 },
	[RAT_GSM] = { .option = "gsm", .name = "GSM/EGPRS", .bps = 40000 },
};

int rat_parse(const char *s, enum rat *rat)
{
	for (int i = 0; i < RAT_N; i++)
		if (s && strcmp(s, rats[i].option) == 0) {
			*rat = (enum rat)i;
			return 0;
		}
	return -1;
}

uint64_t rat_bps(enum rat rat)
{
	return (unsigned)rat < RAT_N ? rats[rat].bps : rats[RAT_M1].bps;
}

const char *rat_option(enum rat rat)
{
	return (unsigned)rat < RAT_N ? rats[rat].option : "?";
}

const char *rat_name(enum rat rat)
{
	return (unsigned)rat < RAT_N ? rats[rat].name : "?";
}
