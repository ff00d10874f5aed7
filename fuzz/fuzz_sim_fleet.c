/* Fuzz target: sarafw-sim's --fleet-faults spec. Accepted values stay in
 * their ranges; a refusal says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

#define CHECK(x) ((x) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[512], why[128] = "";
	struct sim_fleet_faults f;
	if (size >= sizeof buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (sim_fleet_parse_faults(buf, &f, why, sizeof why) == 0) {
		CHECK(f.misbehave >= 0 && f.misbehave <= 1);
		CHECK(f.powercut >= 0 && f.fade >= 0 && f.fade_s > 0);
		CHECK(f.late <= SIM_FLEET_MAX && f.late_s >= 0);
	} else {
		CHECK(why[0] != '\0');
	}
	return 0;
}
