/* Carrier profiles installed over +UDWNFILE "PROFILE" (profiles.h). */
#include "profiles.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC "profiles"

int sim_profile_parse(const uint8_t *p, size_t n, int *id, char name[SIM_PROFILE_NAME_MAX + 1])
{
	size_t i = 4, end, k = 0;
	long v = 0;
	if (n > SIM_PROFILE_HEAD_MAX)
		n = SIM_PROFILE_HEAD_MAX;
	if (n < 4 || memcmp(p, "MNO ", 4) != 0)
		return -1;
	for (end = 0; end < n && p[end] != '\n'; end++)
		;
	if (end == n)
		return -1; /* no line end within the header */
	if (end > 0 && p[end - 1] == '\r')
		end--;
	if (i >= end || p[i] < '0' || p[i] > '9')
		return -1;
	while (i < end && p[i] >= '0' && p[i] <= '9' && v <= 255)
		v = v * 10 + (p[i++] - '0');
	if (v < 1 || v > 255 || i >= end || p[i] != ' ')
		return -1;
	i++;
	if (end - i < 1 || end - i > SIM_PROFILE_NAME_MAX)
		return -1;
	for (; i < end; i++) {
		if (p[i] < 0x20 || p[i] > 0x7e)
			return -1;
		name[k++] = (char)p[i];
	}
	name[k] = '\0';
	*id = (int)v;
	return 0;
}

static void key_of(int id, char key[16])
{
	snprintf(key, 16, "p%d", id);
}

int sim_profiles_install(const struct sim_flash *f, int id, const char *name)
{
	struct sim_kv kv;
	char key[16];
	if (sim_kv_load(f, REC, &kv) < 0)
		sim_kv_clear(&kv);
	key_of(id, key);
	if (!sim_kv_get(&kv, key) && kv.n >= SIM_PROFILES_MAX)
		return -ENOSPC;
	if (sim_kv_set(&kv, key, name) < 0)
		return -ENOSPC;
	return sim_kv_save(f, REC, &kv);
}

bool sim_profiles_get(const struct sim_flash *f, int id, char name[SIM_PROFILE_NAME_MAX + 1])
{
	struct sim_kv kv;
	char key[16];
	const char *v;
	if (sim_kv_load(f, REC, &kv) < 0)
		return false;
	key_of(id, key);
	v = sim_kv_get(&kv, key);
	if (!v)
		return false;
	snprintf(name, SIM_PROFILE_NAME_MAX + 1, "%s", v);
	return true;
}

int sim_profiles_ids(const struct sim_flash *f, int *ids, int max)
{
	struct sim_kv kv;
	int n = 0;
	if (sim_kv_load(f, REC, &kv) < 0)
		return 0;
	for (int i = 0; i < kv.n && n < max; i++) {
		char *e;
		long v;
		if (kv.key[i][0] != 'p')
			continue;
		v = strtol(kv.key[i] + 1, &e, 10);
		if (*e || v < 1 || v > 255)
			continue;
		/* insertion keeps them ascending */
		int j = n++;
		while (j > 0 && ids[j - 1] > v) {
			ids[j] = ids[j - 1];
			j--;
		}
		ids[j] = (int)v;
	}
	return n;
}

int sim_profiles_keep_only(const struct sim_flash *f, int id)
{
	struct sim_kv kv;
	char name[SIM_PROFILE_NAME_MAX + 1];
	bool had = id > 0 && sim_profiles_get(f, id, name);
	sim_kv_clear(&kv);
	if (had) {
		char key[16];
		key_of(id, key);
		sim_kv_set(&kv, key, name);
	}
	return sim_kv_save(f, REC, &kv);
}
