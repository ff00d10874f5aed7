/* Campaigns (note §2.7): the state machine of a campaign and of each of
 * its devices, driven by the clock and by what the devices table says
 * (firmware version, /5/0/3 State, /5/0/5 Update Result, registration).
 *
 * It is level-triggered: campaign_tick() compares each device's stored
 * campaign state with its stored device state and acts; every step is
 * written before the action it leads to is sent. After a restart the same
 * comparison resumes every campaign where it was; an action whose answer
 * was lost is sent again once its resend interval passed (Write /5/0/1 and
 * Execute /5/0/2 are safe to repeat in the states they are sent in).
 *
 * Campaign states: draft (waits for approval, §2.7.2), running (phase
 * "test": group 0 of at most 5 devices, §2.7.4; phase "final": groups 1..n,
 * §2.7.5), test_done (the test report waits for acceptance), paused,
 * cancelling, cancelled, finished.
 * Device states: pending, waiting (for registration, the start version, the
 * window or a retry), downloading, updating, succeeded, failed, skipped
 * (not on the start version), cancelled, not_reached (the schedule ended).
 * A device on a legacy version (note §2.6.2, ufota_legacy_version()) goes
 * rebooting (Execute /3/0/4, until it registers again) and configuring
 * (the configuration file through /5/0/1, until it applied it, rebooted
 * and registered again) before downloading; each step has the action
 * timeout. */
#ifndef SARAFW_SERVER_CAMPAIGN_H
#define SARAFW_SERVER_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

#define CAMPAIGN_TEST_MAX 5       /* note §2.7.4: "up to 5" */
#define CAMPAIGN_RESEND_S 30      /* an unanswered Write/Execute is sent again after this */
#define CAMPAIGN_SETTLE_S 10      /* after a registration, its reads and notifications are in */
#define CAMPAIGN_FAILSAFE_S 180   /* note §2.6.4: the host may reset the module to install after this */
#define CAMPAIGN_UNDELIVERED_S 3  /* a Write/Execute that could not be handed on is tried again after this */

/* What the engine asks of the LwM2M side. Each returns 0 when the request
 * went out to the device's live session, -1 when it has none now (the
 * engine retries later). Answers come back as device state in the DB or
 * through campaign_action_failed(). */
typedef struct campaign_io {
	void *ctx;
	int (*write_uri)(void *ctx, const char *imei, const char *uri);
	int (*execute)(void *ctx, const char *imei);
	/* Execute /3/0/4 (Device Reboot); and the URI of the campaign's
	 * configuration file (ufota_config.h), made if needed: 0, or -1 when
	 * it cannot be made. Both optional: without them a legacy device
	 * gets the delta alone. */
	int (*reboot)(void *ctx, const char *imei);
	int (*config_uri)(void *ctx, const db_campaign *c, char *buf, size_t cap);
	/* the package's URI for this transport */
	void (*package_uri)(void *ctx, const char *sha256, const char *transport, char *buf, size_t cap);
	/* Optional (several front-ends, cluster.h): 1 when this process may
	 * step the campaign now, 0 when another does, -1 on error. On 1,
	 * fence holds the claim: every write of the step is made under it
	 * (db_fence), and the step stops at the first one refused. */
	int (*claim)(void *ctx, int64_t campaign, int64_t now, db_fence *fence);
} campaign_io;

/* Validate a new campaign (fields and the package it names) and store it
 * in state draft with its devices: the first test_size IMEIs in group 0,
 * the rest in groups of group_size from 1. Returns 0, or -1 with why set
 * (a caller's mistake) or -2 (storage). */
int campaign_create(db *d, db_campaign *c, char (*imeis)[DB_IMEI_MAX + 1], size_t n, int64_t now, char *why,
		    size_t whylen);

/* Operator and approver actions. Return 0, -1 with why (not allowed in
 * this state), or -2 (storage). Each reads the campaign and writes it
 * back only if nobody wrote it since (db_campaign.version), else reads it
 * again and decides again: an action racing a step of the campaign on
 * another front-end is never overwritten by it, nor overwrites it. */
int campaign_approve(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen);
int campaign_accept_test(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen);
int campaign_resume(db *d, int64_t id, int64_t now, char *why, size_t whylen);
/* running → paused by an operator (resume goes on where it was). */
int campaign_pause(db *d, int64_t id, int64_t now, char *why, size_t whylen);
int campaign_cancel(db *d, const campaign_io *io, int64_t id, bool force, int64_t now, char *why, size_t whylen);

/* A device refused or failed an action (e.g. 4.xx to Write /5/0/1). */
void campaign_action_failed(db *d, const char *imei, const char *detail, int64_t now);
/* A Write or Execute handed to another front-end was not delivered
 * (cluster.h): detail says why, and it goes again after
 * CAMPAIGN_UNDELIVERED_S. */
void campaign_undelivered(db *d, const char *imei, const char *detail, int64_t now);

/* The device itself left Downloading for Idle with no failure result (the
 * delta's download, or the configuration file's, note §2.6.2): its
 * host's application cancelled the download (note §2.7.3 "The application
 * shall have the ultimate decision", §2.6.5). The device's entry becomes
 * cancelled, not retried: the Write would only be cancelled again. */
void campaign_device_cancelled(db *d, const char *imei, int64_t now);

/* Step every campaign that is running, paused or cancelling. Returns how
 * many requests went out, or -1 on a storage error. */
int campaign_tick(db *d, const campaign_io *io, int64_t now);

/* The design review of note §2.7.3 as observed for one device: answered
 * (1 the update went from Downloaded to Updating within
 * CAMPAIGN_FAILSAFE_S, 0 later, -1 not seen), the seconds it took (-1),
 * and whether the install was started by the host's failsafe reset
 * (§2.6.4: the new version came back with no Updating seen, the failsafe
 * time after Downloaded). */
typedef struct campaign_review {
	int answered;
	int64_t answered_s;
	bool failsafe_reset;
} campaign_review;
campaign_review campaign_cdev_review(const db_cdev *cd);

bool campaign_in_window(const db_campaign *c, int64_t now);
bool campaign_cdev_terminal(const char *state);

#endif
