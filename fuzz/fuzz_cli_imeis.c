/* Fuzz target: the IMEI list of sarafw campaign create (cli/imei_list.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imei_list.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static void each(void *ctx, const char *imei)
{
	CHECK(strlen(imei) == IMEI_LIST_LEN && strspn(imei, "0123456789") == IMEI_LIST_LEN);
	(*(long *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long seen = 0;
	unsigned line = 0;
	long n = imei_list_parse((const char *)data, size, each, &seen, &line);
	if (n >= 0) {
		CHECK(n == seen && (size_t)n * (IMEI_LIST_LEN + 1) <= size + 1);
	} else {
		CHECK(n == -1 && line >= 1);
		size_t lines = 1;
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		CHECK(line <= lines);
	}
	return 0;
}
