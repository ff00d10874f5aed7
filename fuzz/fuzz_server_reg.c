/* Fuzz target: what an LwM2M client sends sarafw-server in a Register:
 * Uri-Query options (the input's first line, split at '&') and the CoRE
 * link format payload (the rest); and the TLV of a Read /3/0 answer (the
 * whole input). Whatever is accepted must be within its bounds and print
 * back into a list the parser accepts again with the same objects. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linkformat.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static reg_objects objs, again;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t qlen = nl ? (size_t)(nl - data) : 0;
	reg_params p;
	reg_params_init(&p);
	for (size_t i = 0; i < qlen;) {
		const uint8_t *amp = memchr(data + i, '&', qlen - i);
		size_t n = amp ? (size_t)(amp - (data + i)) : qlen - i;
		if (reg_query_opt(&p, data + i, n) == 0) {
			CHECK(strlen(p.ep) <= REG_EP_MAX && strlen(p.lwm2m) < sizeof p.lwm2m);
			CHECK(p.lt == -1 || (p.lt >= 1 && p.lt <= 0xffffffffLL));
		}
		i += n + 1;
	}
	char imei[16];
	if (imei_from_endpoint(p.ep, imei))
		CHECK(strlen(imei) == 15 && strspn(imei, "0123456789") == 15);

	const uint8_t *pl = nl ? nl + 1 : data;
	size_t plen = nl ? size - qlen - 1 : size;
	if (link_parse(pl, plen, &objs) == 0) {
		CHECK(objs.n <= REG_OBJ_MAX);
		static char s[REG_OBJ_MAX * 14 + 1], link[REG_OBJ_MAX * 16 + 1];
		CHECK(reg_objects_str(&objs, s, sizeof s) == 0);
		if (objs.n) {
			/* the same list written as link format again */
			size_t n = 0;
			for (char *t = strtok(s, ","); t; t = strtok(NULL, ","))
				n += (size_t)snprintf(link + n, sizeof link - n, "%s<%s>", n ? "," : "", t);
			CHECK(link_parse((const uint8_t *)link, n, &again) == 0);
			CHECK(again.n == objs.n);
			for (unsigned i = 0; i < objs.n; i++)
				CHECK(again.o[i].obj == objs.o[i].obj && again.o[i].inst == objs.o[i].inst);
		}
	}
	const uint8_t *val;
	size_t vlen;
	for (uint16_t id = 0; id < 4; id++)
		if (tlv_find(data, size, id, &val, &vlen) == 0)
			CHECK(val >= data && vlen <= size && val + vlen <= data + size);
	return 0;
}
