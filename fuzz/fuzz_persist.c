/* Fuzz the host's state record decoder (sarafw/persist.h): any bytes
 * either decode to a valid record that encodes back to the same bytes
 * (v2) or leave the record IDLE. */
#include <stdint.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/persist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sarafw_persist r;
	uint8_t again[SARAFW_PERSIST_SIZE];
	int rc = sarafw_persist_decode(&r, data, size);
	size_t n = sarafw_persist_size(data, size);
	if (rc != SARAFW_OK) {
		if (r.state != SARAFW_PERSIST_IDLE || r.name_hash || r.stored)
			__builtin_trap();
		return 0;
	}
	if (n == 0 || n > size || sarafw_persist_validate(&r) != SARAFW_OK)
		__builtin_trap();
	if (sarafw_persist_encode(&r, again, sizeof again) != (int)SARAFW_PERSIST_SIZE)
		__builtin_trap();
	if (n == SARAFW_PERSIST_SIZE && memcmp(again, data, n) != 0)
		__builtin_trap();
	return 0;
}
