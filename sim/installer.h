/* sarafw-sim: the firmware installer (note §2.4, §2.6.4, §6, Tables 5, 8
 * and 9). One engine for every way a package arrives: +UFWINSTALL
 * (cmd_ufwinstall.c) after a FOAT download today, the LwM2M client later.
 *
 * sim_install_start() writes the install journal (record "install") and
 * resets the module; at that power-on, and at every later one until the
 * job is done, the installer's power_on hook finds the journal and keeps
 * the module in Firmware Install Mode (no AT): it checks the package
 * (common/pkg.h), builds the new image in DIR/firmware.new, reports
 * progress (+UFWINSTALL: <p> on the chosen port and rate, R422 family),
 * then commits: image renamed over DIR/firmware.bin, the "firmware"
 * record, carrier profiles, NVM items, SMS and backup as note Table 8/9
 * say; then the final code (128, or the Table 5 code of the failure,
 * which leaves the old firmware) and a reset into the new firmware.
 *
 * Journal phases, each written (temp, fsync, rename) before the step it
 * names: start (the command), check, write, boot (a package that touches
 * boot code, inside that section), commit, done (committed: the final
 * code and the cleanup). A power cut anywhere resumes in Firmware Install
 * Mode at the next power-on; in "boot" it bricks the module for good
 * (record "brick" says why; note §2.6.4 warning); in "commit" the steps
 * are redone (each is idempotent); in "done" only the 128 and the cleanup
 * (package, journal) are. */
#ifndef SIM_INSTALLER_H
#define SIM_INSTALLER_H

#include <stdbool.h>
#include <stdint.h>

#include "modem.h"

enum sim_install_source { SIM_INSTALL_FOAT, SIM_INSTALL_LWM2M };

/* Where the +UFWINSTALL URCs go: port 0 none, 1 the UART, 2 the AUX UART. */
struct sim_install_req {
	int port;
	uint32_t baud;
	enum sim_install_source source;
};

/* Starts installing the stored package: the journal, then a reset into
 * Firmware Install Mode after the caller's final result has gone out.
 * 0, or -errno (nothing started). */
int sim_install_start(struct sim_modem *m, const struct sim_install_req *r);

/* Where a uFOTA install reports (cmd_ufwinstall.c: AT+UFWINSTALL=,,,1
 * or =,,1 stored; none by factory). */
void sim_ufwinstall_ufota_target(struct sim_modem *m, struct sim_install_req *r);

/* A uFOTA install leaves its final code in record "install_result"
 * (code=<n>) for the LwM2M client's Update Result after the reboot. */
#define SIM_INSTALL_RESULT "install_result"

/* Install time in module ms for a package of pkg_size bytes with these
 * parts (PKG_KIND_* kind, PKG_FLAG_* flags of pkg.h), capped at the variant's maximum
 * (note §2.4, Table 3, §6.1.3). */
uint32_t sim_install_duration_ms(const struct sim_variant *v, uint64_t pkg_size, unsigned kind,
				 unsigned flags);

#endif
