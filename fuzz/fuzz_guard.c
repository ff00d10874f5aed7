/* Fuzz the download guard's command matcher (note §7, Table 7). */
#include <stdint.h>
#include <string.h>

#include "sarafw/dev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char cmd[300];
	if (!size)
		return 0;
	size_t n = size - 1 < sizeof cmd - 1 ? size - 1 : sizeof cmd - 1;
	memcpy(cmd, data + 1, n);
	cmd[n] = '\0';
	int rc = sarafw_guard_check((sarafw_download)(data[0] % 7), cmd);
	if (rc != 0 && rc != -9)
		__builtin_trap();
	if (sarafw_guard_check(SARAFW_DL_NONE, cmd) != 0)
		__builtin_trap();
	return 0;
}
