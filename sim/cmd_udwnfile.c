/* AT+UDWNFILE=<filename>,<size>[,<tag>] (note §5.2, AT-FACTS "Files"):
 * about 5 s of preparation, the '>' prompt, exactly <size> raw bytes,
 * then OK. The tag (case-sensitive) says where the bytes go:
 * - "FOAT": the FOTA area (fota.c), with +UFWUPD's crash-safe commit;
 *   note Table 7 row 4 applies from the command to the end;
 * - "PROFILE": a carrier profile, installed once complete (profiles.c);
 * - none: a user file (files.c).
 * Bytes inside the stream are data, never AT commands. A stream that
 * stops short times out: ERROR, the partial data is discarded. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "download.h"
#include "feature.h"
#include "files.h"
#include "fota.h"
#include "profiles.h"

/* The module gives up when no byte came for this long (module time; a
 * wall-clock floor keeps a loaded host from tripping it at --time-scale;
 * docs/behaviour.md). */
#define GAP_MS 10000u
#define GAP_FLOOR_WALL_MS 1000u

enum dest { DEST_FILE, DEST_FOAT, DEST_PROFILE };

enum phase { IDLE = 0, PREP, STREAM };

struct udwnfile {
	enum phase phase;
	enum dest dest;
	int timer;
	uint64_t size, got;
	char name[SIM_FILES_NAME_MAX + 1];
	struct sim_fota_dl fota;
	struct sim_files_dl file;
};

extern const struct sim_feature sim_feature_udwnfile;

static struct udwnfile *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_udwnfile);
}

static uint32_t gap_ms(const struct sim_modem *m)
{
	double floor = (double)GAP_FLOOR_WALL_MS * m->clock->scale;
	return (double)GAP_MS >= floor ? GAP_MS : (floor > 4e9 ? 4000000000u : (uint32_t)(floor + 0.5));
}

static void finish(struct sim_modem *m, struct udwnfile *u, int result)
{
	char msg[80];
	if (u->timer)
		sim_modem_cancel(m, u->timer);
	u->timer = 0;
	if (u->phase == STREAM)
		sim_modem_release_input(m);
	u->phase = IDLE;
	sim_download_end(m);
	snprintf(msg, sizeof msg, "udwnfile: %llu of %llu bytes, result %d", (unsigned long long)u->got,
		 (unsigned long long)u->size, result);
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
	sim_modem_final(m, result);
}

static void discard(struct sim_modem *m, struct udwnfile *u)
{
	if (u->dest == DEST_FOAT)
		sim_fota_discard(&u->fota, m->flash);
	else
		sim_files_discard(&u->file, m->flash);
}

/* note §5.2: a profile is installed automatically once downloaded. */
static int install_profile(struct sim_modem *m, struct udwnfile *u)
{
	uint8_t head[SIM_PROFILE_HEAD_MAX];
	char name[SIM_PROFILE_NAME_MAX + 1];
	int id;
	long n;
	sim_files_close(&u->file);
	n = sim_files_peek(m->flash, head, sizeof head);
	if (n < 0 || sim_profile_parse(head, (size_t)n, &id, name) != 0) {
		sim_files_discard(&u->file, m->flash);
		return SIM_CME_INCORRECT_PARAMS;
	}
	sim_files_discard(&u->file, m->flash);
	switch (sim_profiles_install(m->flash, id, name)) {
	case 0:
		break;
	case -ENOSPC:
		return SIM_CME_MEMORY_FULL; /* SIM_PROFILES_MAX installed */
	default:
		return SIM_CME_MEMORY_FAILURE;
	}
	return SIM_OK;
}

static int commit(struct sim_modem *m, struct udwnfile *u)
{
	struct sim_kv meta;
	switch (u->dest) {
	case DEST_FOAT:
		sim_kv_clear(&meta);
		sim_kv_set(&meta, "method", "udwnfile");
		sim_kv_set(&meta, "variant", m->v->name);
		sim_kv_set_long(&meta, "baud", (long)m->nvm.ipr);
		if (sim_fota_commit(&u->fota, m->flash, &meta) != 0)
			return SIM_CME_MEMORY_FAILURE;
		sim_modem_checkpoint(m, "stored");
		return SIM_OK;
	case DEST_PROFILE:
		return install_profile(m, u);
	default:
		if (sim_files_commit(&u->file, m->flash, u->name) != 0)
			return SIM_CME_MEMORY_FAILURE;
		sim_modem_checkpoint(m, "stored");
		return SIM_OK;
	}
}

static void on_gap(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct udwnfile *u = state(m);
	(void)arg;
	u->timer = 0;
	if (u->phase != STREAM)
		return;
	sim_audit_event(m->audit, sim_modem_now(m), "udwnfile_timeout", ",\"got\":%llu,\"size\":%llu",
			(unsigned long long)u->got, (unsigned long long)u->size);
	discard(m, u);
	finish(m, u, SIM_ERROR);
}

static size_t stream_input(struct sim_modem *m, void *ctx, const uint8_t *p, size_t n)
{
	struct udwnfile *u = ctx;
	uint64_t left = u->size - u->got;
	size_t take = n < left ? n : (size_t)left;
	int rc;
	if (u->dest == DEST_FOAT)
		rc = sim_fota_append(&u->fota, p, take);
	else
		rc = sim_files_append(&u->file, p, take);
	u->got += take;
	if (rc != 0) {
		/* the flash failed: end now with the error; what the host
		 * still sends reaches the AT parser, as after a timeout */
		discard(m, u);
		finish(m, u, SIM_CME_MEMORY_FAILURE);
		return take;
	}
	if (u->got == u->size) {
		if (u->timer)
			sim_modem_cancel(m, u->timer);
		u->timer = 0;
		finish(m, u, commit(m, u));
		return take; /* bytes after the last one are AT again */
	}
	if (u->timer)
		sim_modem_cancel(m, u->timer);
	u->timer = sim_modem_after(m, gap_ms(m), on_gap, 0);
	if (u->timer < 0)
		u->timer = 0;
	return take;
}

static const struct sim_input_engine stream_engine = {.input = stream_input};

static void prep_done(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct udwnfile *u = state(m);
	int rc;
	(void)arg;
	u->timer = 0;
	rc = u->dest == DEST_FOAT ? sim_fota_begin(&u->fota, m->flash) : sim_files_begin(&u->file, m->flash);
	if (rc != 0) {
		finish(m, u, SIM_CME_MEMORY_FAILURE);
		return;
	}
	sim_modem_write(m, ">", 1);
	u->phase = STREAM;
	sim_modem_take_input(m, &stream_engine, u);
	u->timer = sim_modem_after(m, gap_ms(m), on_gap, 0);
	if (u->timer < 0)
		u->timer = 0;
}

/* Checks the request; SIM_OK with u->dest, u->name and u->size set. */
static int parse(struct sim_modem *m, const struct sim_at_req *req, struct udwnfile *u)
{
	const struct sim_at_arg *name = &req->argv[0];
	const char *str;
	size_t len;
	long size;
	uint64_t room;
	if (req->argc < 2 || req->argc > 3 || name->type == SIM_ARG_NUM)
		return SIM_CME_INCORRECT_PARAMS;
	/* AT+UDWNFILE=,<size>,"FOAT": an omitted name is an empty one */
	str = name->type == SIM_ARG_STR ? name->str : "";
	len = name->type == SIM_ARG_STR ? name->len : 0;
	u->dest = DEST_FILE;
	if (req->argc == 3) {
		const struct sim_at_arg *tag = &req->argv[2];
		if (tag->type != SIM_ARG_STR)
			return SIM_CME_INCORRECT_PARAMS;
		if (!strcmp(tag->str, "FOAT")) {
			/* note Table 1: FOAT only where the version has it */
			if (!sim_variant_has(m->v, SIM_CAP_FOAT))
				return SIM_CME_NOT_SUPPORTED;
			u->dest = DEST_FOAT;
		}
		else if (!strcmp(tag->str, "PROFILE"))
			u->dest = DEST_PROFILE;
		else
			return SIM_CME_INCORRECT_PARAMS; /* tags are case-sensitive */
	}
	/* "FOAT": the file name may be empty (note §5.2); else a plain name */
	if (!(u->dest == DEST_FOAT && len == 0) && !sim_files_name_ok(str, len))
		return SIM_CME_INCORRECT_PARAMS;
	if (sim_arg_num(req, 1, 1, 0x7fffffffL, &size) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	if (u->dest == DEST_FOAT) {
		room = SIM_FOTA_MAX;
	} else {
		room = sim_files_free(m->flash);
		if (u->dest == DEST_FILE) {
			long old = sim_files_size(m->flash, str);
			if (old > 0)
				room += (uint64_t)old; /* it replaces the old file */
		}
	}
	if ((uint64_t)size > room)
		return SIM_CME_MEMORY_FULL;
	snprintf(u->name, sizeof u->name, "%s", str);
	u->size = (uint64_t)size;
	u->got = 0;
	return SIM_OK;
}

static int cmd_udwnfile(struct sim_modem *m, const struct sim_at_req *req)
{
	struct udwnfile *u = state(m);
	struct udwnfile next = {.phase = IDLE};
	int rc;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+UDWNFILE: \"filename\",(1-%u),\"tag\"", (unsigned)SIM_FOTA_MAX);
		return SIM_OK;
	}
	rc = parse(m, req, &next);
	if (rc != SIM_OK)
		return rc;
	/* note §7: one download method at a time */
	if (u->phase != IDLE || sim_download_active(m) != SIM_DL_NONE)
		return SIM_CME_FOTA_IN_USE;
	*u = next;
	sim_download_begin(m, u->dest == DEST_FOAT ? SIM_DL_UDWNFILE : SIM_DL_FILE);
	u->phase = PREP;
	/* note §5.2: ~5 s before the prompt */
	u->timer = sim_modem_after(m, m->v->t.udwnfile_prep_ms, prep_done, 0);
	if (u->timer < 0)
		u->timer = 0;
	return SIM_PENDING;
}

/* A reset or power cut ends the transfer; the power-on of the FOTA area
 * and of the file system remove the temp file, the old content stays. */
static void power_off(struct sim_modem *m, void *st)
{
	struct udwnfile *u = st;
	(void)m;
	sim_fota_close(&u->fota);
	sim_files_close(&u->file);
}

static const struct sim_cmd cmds[] = {
	{.name = "+UDWNFILE", .forms = SIM_FORM_SET | SIM_FORM_TEST, .modes = SIM_IN_AT, .fn = cmd_udwnfile},
	{.name = NULL},
};

const struct sim_feature sim_feature_udwnfile = {
	.name = "udwnfile",
	.cmds = cmds,
	.state_size = sizeof(struct udwnfile),
	.power_off = power_off,
};
