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
 * (not on the start version), cancelled, not_reached (the schedule ended). */
#ifndef SARAFW_SERVER_CAMPAIGN_H
#define SARAFW_SERVER_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

#define CAMPAIGN_TEST_MAX 5       /* note §2.7.4: "up to 5" */
#define CAMPAIGN_RESEND_S 30      /* an unanswered Write/Execute is sent again after this */
#define CAMPAIGN_SETTLE_S 10      /* after a registration, its reads and notifications are in */

/* What the engine asks of the LwM2M side. Each returns 0 when the request
 * went out to the device's live session, -1 when it has none now (the
 * engine retries later). Answers come back as device state in the DB or
 * through campaign_action_failed(). */
typedef struct campaign_io {
	void *ctx;
	int (*write_uri)(void *ctx, const char *imei, const char *uri);
	int (*execute)(void *ctx, const char *imei);
	/* the package's URI for this transport */
	void (*package_uri)(void *ctx, const char *sha256, const char *transport, char *buf, size_t cap);
	/* Optional (several front-ends, cluster.h): 1 when this process may
	 * step the campaign now, 0 when another does, -1 on error. */
	int (*claim)(void *ctx, int64_t campaign, int64_t now);
} campaign_io;

/* Validate a new campaign (fields and the package it names) and store it
 * in state draft with its devices: the first test_size IMEIs in group 0,
 * the rest in groups of group_size from 1. Returns 0, or -1 with why set
 * (a caller's mistake) or -2 (storage). */
int campaign_create(db *d, db_campaign *c, char (*imeis)[DB_IMEI_MAX + 1], size_t n, int64_t now, char *why,
		    size_t whylen);

/* Operator and approver actions. Return 0, -1 with why (not allowed in
 * this state), or -2 (storage). */
int campaign_approve(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen);
int campaign_accept_test(db *d, int64_t id, const char *who, int64_t now, char *why, size_t whylen);
int campaign_resume(db *d, int64_t id, int64_t now, char *why, size_t whylen);
int campaign_cancel(db *d, const campaign_io *io, int64_t id, bool force, int64_t now, char *why, size_t whylen);

/* A device refused or failed an action (e.g. 4.xx to Write /5/0/1). */
void campaign_action_failed(db *d, const char *imei, const char *detail, int64_t now);

/* The device itself left Downloading for Idle with no failure result: its
 * host's application cancelled the download (note §2.7.3 "The application
 * shall have the ultimate decision", §2.6.5). The device's entry becomes
 * cancelled, not retried: the Write would only be cancelled again. */
void campaign_device_cancelled(db *d, const char *imei, int64_t now);

/* Step every campaign that is running, paused or cancelling. Returns how
 * many requests went out, or -1 on a storage error. */
int campaign_tick(db *d, const campaign_io *io, int64_t now);

bool campaign_in_window(const db_campaign *c, int64_t now);
bool campaign_cdev_terminal(const char *state);

#endif
