/* sarafw info: who the module is and which update paths it offers. */
#include <string.h>

#include "cli.h"
#include "escape.h"

static const struct {
	unsigned bit;
	const char *key;  /* --json */
	const char *text; /* for people */
} methods[] = {
	/* note Table 1 */
	{ SARAFW_METHOD_UFOTA, "ufota", "uFOTA (LwM2M)" },
	{ SARAFW_METHOD_LIFETIME, "lifetime", "life timer change" },
	{ SARAFW_METHOD_FTP, "ftp", "FTP" },
	{ SARAFW_METHOD_HTTP, "http", "HTTP" },
	{ SARAFW_METHOD_FOAT, "foat", "FOAT (+UFWUPD XMODEM, +UDWNFILE)" },
};

void cli_print_methods(FILE *f, unsigned bits)
{
	for (size_t i = 0, n = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (bits & methods[i].bit)
			fprintf(f, "%s %s", n++ ? "," : "", methods[i].text);
}

static const struct {
	unsigned bit;
	const char *name;
} urcs[] = {
	{ SARAFW_URC_UFOTASTAT, "UFOTASTAT" },
	{ SARAFW_URC_ULWM2MSTAT, "ULWM2MSTAT" },
	{ SARAFW_URC_UFWINSTALL, "UFWINSTALL" },
};

static const char *const urc_words[] = { "unsupported", "off", "on", "unknown" };

/* AT-FACTS: +UMNOPROF values */
const char *cli_mno_name(int p)
{
	static const struct {
		int id;
		const char *name;
	} t[] = {
		{ 0, "SW default" },     { 1, "SIM ICCID select" }, { 2, "AT&T" },         { 3, "Verizon" },
		{ 4, "Telstra" },        { 5, "T-Mobile US" },      { 6, "China Telecom" }, { 8, "Sprint" },
		{ 19, "Vodafone" },      { 20, "NTT DoCoMo" },      { 21, "Telus" },        { 28, "SoftBank" },
		{ 31, "Deutsche Telekom" }, { 32, "US Cellular" },  { 39, "SKT" },          { 90, "global" },
		{ 100, "Standard Europe" }, { 101, "Standard Europe no-ePCO" }, { 102, "Standard Japan" },
		{ 198, "AT&T 2-4-12" },  { 201, "GCF-PTCRB" },      { 205, "Verizon Motive test" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].id == p)
			return t[i].name;
	return NULL;
}

int cmd_info(cli *c, int argc, char **argv)
{
	if (cli_getopt(c, argc, argv, NULL) < 0)
		return c->exit_code;
	if (optind < argc) {
		fprintf(stderr, "sarafw: info takes no arguments, got '%s' (see sarafw --help)\n", argv[optind]);
		return EXIT_USAGE;
	}
	int rc = cli_connect(c, NULL, 0, NULL);
	if (rc)
		return rc;
	const sarafw_ident *id = &c->id;
	const sarafw_variant *v = id->variant;
	sarafw_urc_state st[3];
	for (size_t i = 0; i < 3; i++)
		st[i] = v ? sarafw_urc_get(&c->dev, urcs[i].bit) : SARAFW_URC_UNKNOWN;

	if (c->json) {
		printf("{\"model\":");
		esc_json_string(stdout, id->type_number);
		printf(",\"product_version\":");
		if (v)
			esc_json_string(stdout, v->name);
		else
			printf("null");
		printf(",\"modem_version\":");
		esc_json_string(stdout, id->modem_version);
		printf(",\"app_version\":");
		esc_json_string(stdout, id->app_version);
		printf(",\"imei\":");
		esc_json_string(stdout, id->imei);
		if (id->mno_profile >= 0)
			printf(",\"mno_profile\":%d", id->mno_profile);
		else
			printf(",\"mno_profile\":null");
		printf(",\"update_methods\":[");
		for (size_t i = 0, n = 0; v && i < sizeof methods / sizeof methods[0]; i++)
			if (v->methods & methods[i].bit)
				printf("%s\"%s\"", n++ ? "," : "", methods[i].key);
		printf("],\"urcs\":{");
		for (size_t i = 0; i < 3; i++)
			printf("%s\"%s\":\"%s\"", i ? "," : "", urcs[i].name, urc_words[st[i]]);
		printf("}}\n");
	} else {
		printf("model           %s\n", id->type_number);
		printf("product version %s\n", v ? v->name : "unknown to sarafw (update methods unknown)");
		printf("modem version   %s\n", id->modem_version);
		printf("app version     %s\n", id->app_version);
		printf("IMEI            %s\n", id->imei);
		if (id->mno_profile >= 0)
			printf("MNO profile     %d (%s)\n", id->mno_profile,
			       cli_mno_name(id->mno_profile) ? cli_mno_name(id->mno_profile) : "unknown");
		printf("update methods ");
		cli_print_methods(stdout, v ? v->methods : 0);
		printf("\nupdate URCs    ");
		for (size_t i = 0; i < 3; i++)
			printf("%s +%s %s", i ? "," : "", urcs[i].name, urc_words[st[i]]);
		printf("\n");
	}
	cli_disconnect(c);
	return EXIT_OK;
}
