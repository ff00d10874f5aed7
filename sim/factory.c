#include "factory.h"

#include <stdio.h>
#include <string.h>

int sim_factory_mno_profile(const struct sim_variant *v)
{
	/* SARA-R422 does not accept 0 (AT-FACTS); 90 "global" instead */
	return v->family == SIM_R422 ? 90 : 1;
}

void sim_factory_nvm(const struct sim_variant *v, struct sim_kv *kv)
{
	sim_kv_clear(kv);
	sim_kv_set_long(kv, "echo", 1);
	sim_kv_set_long(kv, "cmee", 0);
	sim_kv_set_long(kv, "ipr", 115200); /* note §5.1: default 115200 b/s */
	sim_kv_set_long(kv, "csgt_mode", 0);
	sim_kv_set(kv, "csgt_text", "");
	sim_kv_set_long(kv, "mno_profile", sim_factory_mno_profile(v));
	sim_kv_set(kv, "cpms", "ME,ME,ME");
}

void sim_factory_imei(uint32_t seed, char out[16])
{
	/* TAC of the IMEI shown in note §6.2 (357591080029488) */
	uint32_t x = seed * 2654435761u + 0x9E3779B9u;
	int sum = 0;
	x ^= x >> 15;
	snprintf(out, 16, "35759108%06u", (unsigned)(x % 1000000u));
	for (int i = 0; i < 14; i++) {
		int d = out[13 - i] - '0';
		if (i % 2 == 0) { /* doubled: the digit next to the check digit */
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	out[14] = (char)('0' + (10 - sum % 10) % 10);
	out[15] = '\0';
}

int sim_factory_prepare(const struct sim_flash *f, const struct sim_variant *v, uint32_t seed,
			char *err, size_t cap)
{
	struct sim_kv kv;
	if (sim_flash_exists(f, "firmware")) {
		const char *was;
		if (sim_kv_load(f, "firmware", &kv) < 0) {
			snprintf(err, cap, "%s/firmware: cannot read it", f->dir);
			return -1;
		}
		was = sim_kv_get(&kv, "variant");
		if (!was || strcmp(was, v->name) != 0) {
			snprintf(err, cap,
				 "%s holds the flash of a %s, not a %s: use --variant %s or another --state dir",
				 f->dir, was ? was : "(unknown)", v->name, was ? was : "...");
			return -1;
		}
		return 0;
	}
	/* blank (or cut before the firmware record was written): program all */
	{
		char imei[16];
		sim_factory_imei(seed, imei);
		sim_kv_clear(&kv);
		sim_kv_set(&kv, "imei", imei);
		sim_kv_set(&kv, "type_number", v->id.type_number);
		if (sim_kv_save(f, "identity", &kv) < 0)
			goto fail;
	}
	sim_factory_nvm(v, &kv);
	if (sim_kv_save(f, "nvm", &kv) < 0)
		goto fail;
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "variant", v->name);
	sim_kv_set(&kv, "modem_version", v->id.modem_fw);
	sim_kv_set(&kv, "app_version", v->id.app_fw);
	if (sim_kv_save(f, "firmware", &kv) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, cap, "%s: cannot write the flash records", f->dir);
	return -1;
}
