/* Fuzz target: sarafw-sim's flash record parser (sim_kv_parse) fed
 * arbitrary bytes, as a hand-edited or damaged state file could hold.
 * Every key and value must be a bounded string with no line break, and
 * what the parser kept must survive being written out and parsed again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flash.h"

/* not assert(): it must hold in release builds too */
#define CHECK(x) ((x) ? (void)0 : abort())

static struct sim_kv kv, again;
static char text[SIM_KV_MAX * (SIM_KV_KEY + SIM_KV_VAL + 2)];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;
	int rejected = sim_kv_parse(&kv, (const char *)data, size);
	CHECK(rejected >= 0 && (size_t)rejected <= size);
	CHECK(kv.n >= 0 && kv.n <= SIM_KV_MAX);
	for (int i = 0; i < kv.n; i++) {
		CHECK(memchr(kv.key[i], '\0', SIM_KV_KEY) && memchr(kv.val[i], '\0', SIM_KV_VAL));
		CHECK(kv.key[i][0] && !strpbrk(kv.key[i], "\r\n=") && kv.key[i][0] != '#');
		CHECK(!strpbrk(kv.val[i], "\r\n"));
		for (int j = 0; j < i; j++)
			CHECK(strcmp(kv.key[i], kv.key[j]) != 0);
		n += (size_t)snprintf(text + n, sizeof text - n, "%s=%s\n", kv.key[i], kv.val[i]);
	}
	CHECK(sim_kv_parse(&again, text, n) == 0);
	CHECK(again.n == kv.n);
	for (int i = 0; i < kv.n; i++)
		CHECK(!strcmp(again.key[i], kv.key[i]) && !strcmp(again.val[i], kv.val[i]));
	return 0;
}
