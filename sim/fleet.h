/* sarafw-sim --fleet N: N simulated modules' LwM2M clients in one
 * process, for rehearsing a campaign (sarafw-server) before it reaches
 * real modules. No PTY and no AT line: each module's host is scripted.
 *
 * Each module is a whole struct sim_modem (the same features, the same
 * LwM2M client, one libcoap context each) with its own flash under the
 * fleet dir (DIR/m<index>) or, with --fleet-flash memory, in memory (no
 * file per module; what a campaign downloads and installs needs the
 * flash on disk), its own IMEI (from --seed and its index), its own
 * loopback address (module i sends from 127.1.0.1 + i) and its own radio
 * (--rat, --bandwidth). One loop serves them all: one epoll over every
 * client context's fd, and one min-heap of the modules' next timers.
 *
 * Open files: a module's libcoap context holds three (its epoll, its
 * timerfd, its socket) and a flash on disk opens one more while it
 * writes; with 1024 more for the process, the open-file limit (ulimit -n)
 * caps the modules of one process. A larger fleet (or --fleet-procs K)
 * runs in worker processes of equal shares of the modules, each with its
 * own limit; the first process merges their figures and stops them all.
 * A fleet that would need more than SIM_FLEET_PROCS_MAX workers, or a
 * worker over its limit, is refused: short of files, a module could not
 * read its identity and would register as "urn:imei:".
 *
 * Hosts: a well-behaved host keeps the module powered and lets the server
 * run the update (and with --fleet-lifetime S sets the u-blox server's
 * lifetime to S, as AT+ULWM2MWRITE would); a misbehaving one resets the module as soon as the
 * update is executed (note §2.7.3: the host must keep the module powered
 * through the install), so the module comes back on its old version.
 *
 * DIR/fleet.txt lists the modules: "<index> <imei> <host> <start_s>" with
 * host "good" or "misbehaving" and start_s the module time it powers on. */
#ifndef SIM_FLEET_H
#define SIM_FLEET_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "factory.h"
#include "lwm2m.h"
#include "netdl.h"
#include "variants.h"

#define SIM_FLEET_MAX 200000
#define SIM_FLEET_PROCS_MAX 64

/* --fleet-faults misbehave=F,powercut=R,fade=R,fade-s=S,late=K@S */
struct sim_fleet_faults {
	double misbehave;   /* share of misbehaving hosts, 0..1 */
	double powercut;    /* power cuts per module per module hour */
	double fade;        /* signal fades per module per module hour */
	double fade_s;      /* a fade's length, module seconds (default 30) */
	unsigned late;      /* the last `late` modules power on ... */
	double late_s;      /* ... this many module seconds after the start */
};
/* 0, or -1 with why (cap bytes) filled. Unknown keys, values out of range
 * and trailing garbage are refused. */
int sim_fleet_parse_faults(const char *s, struct sim_fleet_faults *f, char *why, size_t cap);

struct sim_fleet_config {
	unsigned n;
	const char *dir;
	const struct sim_variant *variant;
	const struct sim_provision *prov;
	uint32_t seed;
	double scale;
	const struct sim_net_config *net;   /* --rat, --bandwidth (copied per module) */
	const struct sim_lwm2m_config *lwm2m;
	struct sim_fleet_faults faults;
	long lifetime; /* --fleet-lifetime: each host sets /1/1/1 (+ULWM2MWRITE) once the client runs; 0: factory */
	bool flash_memory; /* --fleet-flash memory: records in memory, no file (flash.h) */
	unsigned procs; /* --fleet-procs: worker processes; 0: as few as the open-file limit allows */
	double ramp_s;  /* --fleet-ramp: the modules power on evenly over this many module s; 0: at once */
	double stats_s; /* --fleet-stats: a "stats ..." line this often (wall s); 0: none */
	volatile sig_atomic_t *stop;
	const sigset_t *awake; /* signal mask while waiting */
};

/* Runs until *stop (or, spread over workers, until one of them ends: 1).
 * With stats_s, prints every stats_s wall seconds
 * "stats t=S reg=N upd=N fail=N reg_p50=MS reg_p99=MS upd_p50=MS upd_p99=MS"
 * (counts since the start; round trips of answered Registers and Updates).
 *  Prints "ready fleet N" once every module that starts
 * at once is powered on, then "memory rss_kb=K per_module_b=B". 0, or 1
 * with a message on stderr. */
int sim_fleet_run(const struct sim_fleet_config *c);

#endif
