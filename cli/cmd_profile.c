/* sarafw profile FILE: a carrier profile (.mbn) sent with
 * AT+UDWNFILE="<name>",<size>,"PROFILE", which the module installs by
 * itself (note §5.2); AT+UMNOPROF=? before and after says which entry is
 * new, so the user knows the id to select (note B.1.2 selects 205). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "sarafw/error.h"
#include "sarafw/files.h"
#include "sarafw/timeouts.h"
#include "sarafw/udwnfile.h"
#include "upload.h"

#define IDS 256 /* the ids looked for in the list: 0..255 */

typedef struct {
	bool listed[IDS];
	char *name[IDS]; /* from the versions form "<id>: <name>" (note §2.6.6), or NULL */
	int lines;
} mno_list;

static void mno_line(void *ctx, int argc, const char *const *argv, const char *line)
{
	mno_list *l = ctx;
	(void)argc, (void)argv;
	l->lines++;
	for (int id = 0; id < IDS; id++)
		if (sarafw_umnoprof_lists(line, (uint32_t)id))
			l->listed[id] = true;
	/* the versions form names the profile */
	uint32_t id;
	const char *name;
	if (sarafw_umnoprof_entry(line, &id, &name) && id < IDS && l->listed[id] && !l->name[id])
		l->name[id] = strdup(name);
}

static int ask_list(cli *c, mno_list *l)
{
	memset(l, 0, sizeof *l);
	int rc = sarafw_cmd(&c->dev, "AT+UMNOPROF=?", "+UMNOPROF", SARAFW_ANSWER_MS, mno_line, l);
	return rc ? rc : l->lines ? SARAFW_OK : SARAFW_EPROTO;
}

static void free_list(mno_list *l)
{
	for (int i = 0; i < IDS; i++)
		free(l->name[i]);
}

static const char *name_of(const mno_list *l, int id)
{
	return l->name[id] ? l->name[id] : cli_mno_name(id) ? cli_mno_name(id) : "";
}

/* note B.1.1: AT+UMNOPROF=<id>, then AT+CFUN=15 resets the module to
 * apply it; AT+CFUN=0 first, since a registered module refuses the
 * change (AT-FACTS). Returns EXIT_OK once the module is back with id. */
static int select_profile(cli *c, int id)
{
	const sarafw_variant *v = c->id.variant;
	char cmd[32], got[32];
	int rc;
	if (!c->json)
		fprintf(stderr, "selecting profile %d: AT+CFUN=0, AT+UMNOPROF=%d, AT+CFUN=15 (the module restarts)\n",
			id, id);
	snprintf(cmd, sizeof cmd, "AT+UMNOPROF=%d", id);
	const char *step = "AT+CFUN=0";
	if (!(rc = sarafw_cmd(&c->dev, step, NULL, SARAFW_ANSWER_MS, NULL, NULL)))
		rc = sarafw_cmd(&c->dev, step = cmd, NULL, SARAFW_ANSWER_MS, NULL, NULL);
	if (rc == SARAFW_EERROR) {
		fprintf(stderr, "sarafw: the module refused %s (%s); profile %d is installed but not selected: select it by hand (AT+CFUN=0, AT+UMNOPROF=%d, AT+CFUN=15)\n",
			step, sarafw_dev_last_error(&c->dev, NULL), id, id);
		return EXIT_FAIL;
	}
	if (rc) {
		upload_explain(c, NULL, rc, step, "");
		return EXIT_FAIL;
	}
	if ((rc = sarafw_cmd(&c->dev, "AT+CFUN=15", NULL, SARAFW_ANSWER_MS, NULL, NULL))) {
		upload_explain(c, NULL, rc, "restarting the module (AT+CFUN=15)", "");
		return EXIT_FAIL;
	}
	/* the reset follows the OK: let the line go quiet, then the boot */
	sarafw_dev_drain(&c->dev, SARAFW_QUIET_MS, v ? v->limits->boot_ms : 20000u);
	rc = sarafw_probe(&c->dev, 2u * (v ? v->limits->boot_ms : 20000u));
	if (!rc)
		rc = sarafw_cmd_get(&c->dev, "AT+UMNOPROF?", "+UMNOPROF", SARAFW_ANSWER_MS, got, sizeof got);
	if (rc) {
		fprintf(stderr, "sarafw: profile %d was set, but the module did not answer after AT+CFUN=15 (%s): check it with `sarafw --port %s info`\n",
			id, sarafw_strerror(rc), c->port_path);
		return EXIT_FAIL;
	}
	if (atoi(got) != id) {
		fprintf(stderr, "sarafw: the module restarted with MNO profile %s, not %d: select it by hand with AT+UMNOPROF=%d and AT+CFUN=15\n",
			got, id, id);
		return EXIT_FAIL;
	}
	if (c->json)
		printf("{\"event\":\"selected\",\"id\":%d}\n", id);
	else
		printf("selected profile %d; the module restarted with it\n", id);
	return EXIT_OK;
}

int cmd_profile(cli *c, int argc, char **argv)
{
	static mno_list before, after; /* 2 KiB each */
	upload u;
	char refusal[SARAFW_DEV_ERROR_MAX] = "";
	enum { OPT_SELECT = 256 };
	static const struct option opts[] = {
		{ .name = "baud", .has_arg = required_argument, .val = 'b' },
		{ .name = "select", .has_arg = no_argument, .val = OPT_SELECT },
		{ 0 },
	};
	unsigned long baud = 0;
	bool select = false;
	int rc, opt, n_new = 0, new_id = -1;

	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		if (opt == OPT_SELECT) {
			select = true;
			continue;
		}
		if (opt != 'b')
			return c->exit_code; /* a usage error was printed, or --help */
		if (cli_baud_arg("--baud", optarg, &baud))
			return EXIT_USAGE;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "sarafw: profile needs exactly one carrier profile file (.mbn)\n");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	/* the file's own name when the module can take it, else the note's
	 * example name (note §5.2: AT+UDWNFILE="PROFILE",12000,"PROFILE") */
	const char *name = upload_base_name(path);
	if (sarafw_file_name_check(name))
		name = "PROFILE";
	if ((rc = upload_open(&u, path, "profile", UPLOAD_HINT_SIZE)))
		return rc;
	u.baud = baud; /* as after update: the transfer's rate */
	if ((rc = cli_connect(c, NULL, 0, NULL))) {
		upload_close(&u);
		return rc;
	}
	rc = ask_list(c, &before);
	if (rc) {
		upload_explain(c, NULL, rc, "reading the profile list (AT+UMNOPROF=?)", "");
		goto fail;
	}
	if (!c->json)
		fprintf(stderr, "%s: sending carrier profile %s (%lu bytes) as %s\n", c->id.type_number, path,
			(unsigned long)u.size, name);
	rc = upload_run(c, &u, name, SARAFW_UDWN_TAG_PROFILE);
	if (u.sig && rc) {
		fprintf(stderr, "sarafw: interrupted by %s; the module installs nothing from a partial file\n",
			u.sig == SIGINT ? "Ctrl-C" : "SIGTERM");
		free_list(&before);
		upload_close(&u);
		cli_disconnect(c);
		return 128 + u.sig;
	}
	if (rc && rc != SARAFW_EERROR) {
		char doing[320];
		snprintf(doing, sizeof doing, "sending %s", path);
		upload_explain(c, &u, rc, doing, name);
		goto fail;
	}
	if (rc) /* refused: the list still says whether anything changed */
		snprintf(refusal, sizeof refusal, "%s", sarafw_dev_last_error(&c->dev, NULL));
	rc = ask_list(c, &after);
	if (rc) {
		upload_explain(c, NULL, rc, "reading the profile list afterwards (AT+UMNOPROF=?)", "");
		goto fail;
	}
	upload_close(&u);

	for (int id = 0; id < IDS; id++)
		if (after.listed[id] && !before.listed[id])
			n_new++, new_id = id;
	if (c->json) {
		printf("{\"event\":\"profiles\",\"list\":[");
		for (int id = 0, k = 0; id < IDS; id++) {
			if (!after.listed[id])
				continue;
			printf("%s{\"id\":%d,\"name\":", k++ ? "," : "", id);
			esc_json_string(stdout, name_of(&after, id));
			printf(",\"new\":%s}", before.listed[id] ? "false" : "true");
		}
		printf("],\"new\":[");
		for (int id = 0, k = 0; id < IDS; id++)
			if (after.listed[id] && !before.listed[id])
				printf("%s%d", k++ ? "," : "", id);
		printf("]}\n");
	} else {
		printf("MNO profiles (AT+UMNOPROF=?):\n");
		for (int id = 0; id < IDS; id++)
			if (after.listed[id])
				printf("  %3d  %s%s\n", id, name_of(&after, id), before.listed[id] ? "" : "  (new)");
	}
	if (!n_new) {
		fprintf(stderr, "sarafw: no new entry in AT+UMNOPROF=? after sending %s%s%s%s: the module could not read it as a carrier profile (or had it already): check that it is the .mbn file u-blox supplied\n",
			path, refusal[0] ? " (the module answered " : "", refusal, refusal[0] ? ")" : "");
	}
	for (int id = 0; id < IDS && !c->json && !(select && n_new == 1); id++)
		if (after.listed[id] && !before.listed[id])
			printf("new profile %d: select it with AT+UMNOPROF=%d (note B.1.2 uses 205) and a restart (AT+CFUN=15), or run this with --select\n",
			       id, id);
	free_list(&before);
	free_list(&after);
	rc = n_new ? EXIT_OK : EXIT_FAIL;
	if (select && n_new > 1) {
		fprintf(stderr, "sarafw: %d new profiles appeared: --select takes one; select the one you want with AT+UMNOPROF=<id>\n", n_new);
		rc = EXIT_FAIL;
	} else if (select && n_new == 1) {
		rc = select_profile(c, new_id);
	}
	cli_disconnect(c);
	return rc;
fail:
	free_list(&before);
	free_list(&after);
	upload_close(&u);
	cli_disconnect(c);
	return EXIT_FAIL;
}
