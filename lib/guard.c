/* The download guard (note §7, Table 7): only one download method may be
 * active at a time, and while one is, the commands Table 7 lists are
 * refused here. SARA-R422 modules do not refuse them themselves (§7), so
 * the host must. The guard is set once the method's own command has been
 * accepted, so it never refuses the command that starts the download.
 *
 * Table 7 is data: rows of (active method, command pattern, note
 * reference), read in order; the first row that matches decides, and a
 * command no row matches is allowed. Pattern syntax:
 *   "AT+UFWUPD=3"      the command word, then the end of the line or ','
 *                      ("AT+UFWUPD=30" does not match);
 *   "AT+URDFILE*"      '*' ends a prefix: any command that starts so;
 *   "AT+UDWNFILE*\"FOAT\""  text after '*' must also occur later in the
 *                      line, exactly (the tag is case-sensitive, §5.2.1.1);
 *   "AT+UHTTPC=#,100"  '#' stands for one or more digits;
 *   "<lwm2m>"          the LwM2M client starting a FOTA download.
 * The part before '*' (or the whole pattern) matches case-insensitively,
 * as the module reads command names. The test vectors are in
 * tests/table7.vectors. */
#include <stdbool.h>
#include <stddef.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "str.h"

typedef struct guard_row {
	sarafw_download active;
	const char *pattern;
	bool allow; /* an exception read before a broader forbidding row */
	const char *note;
} guard_row;

static const guard_row table7[] = {
	{ .active = SARAFW_DL_LWM2M, .pattern = "AT+UFTPC=100", .note = "Table 7 row 1" },
	{ .active = SARAFW_DL_LWM2M, .pattern = "AT+UFWUPD=3", .note = "Table 7 row 1" },
	{ .active = SARAFW_DL_LWM2M, .pattern = "AT+UDWNFILE*\"FOAT\"",
	  .note = "Table 7 row 1: +UDWNFILE with FOAT tag will be blocked" },
	{ .active = SARAFW_DL_LWM2M, .pattern = "AT+USODL*", .note = "Table 7 row 1: Direct Link" },
	{ .active = SARAFW_DL_LWM2M, .pattern = "AT+UFTPC=6", .note = "Table 7 row 1: Direct Link" },
	{ .active = SARAFW_DL_LWM2M, .pattern = "AT+UFTPC=7", .note = "Table 7 row 1: Direct Link" },
	{ .active = SARAFW_DL_LWM2M, .pattern = "AT+UHTTPC=#,100", .note = "Table 7 row 1" },
	{ .active = SARAFW_DL_LWM2M, .pattern = "<lwm2m>", .note = "§7: one download method at a time" },

	{ .active = SARAFW_DL_FTP, .pattern = "AT+UFTPC=100", .allow = true,
	  .note = "Table 7 row 2: the download's own command (cancel, resume, §3.2)" },
	{ .active = SARAFW_DL_FTP, .pattern = "AT+UFTPC=*",
	  .note = "Table 7 row 2: all other +UFTPC commands are not allowed" },
	{ .active = SARAFW_DL_FTP, .pattern = "AT+UFWUPD=3", .note = "Table 7 row 2" },
	{ .active = SARAFW_DL_FTP, .pattern = "AT+UDWNFILE*", .note = "Table 7 row 2" },
	{ .active = SARAFW_DL_FTP, .pattern = "AT+URDFILE*", .note = "Table 7 row 2" },
	{ .active = SARAFW_DL_FTP, .pattern = "AT+USODL*", .note = "Table 7 row 2" },
	{ .active = SARAFW_DL_FTP, .pattern = "AT+UHTTPC=#,100", .note = "Table 7 row 2" },
	{ .active = SARAFW_DL_FTP, .pattern = "<lwm2m>", .note = "Table 7 row 2" },

	{ .active = SARAFW_DL_UFWUPD, .pattern = "AT+UFTPC=100", .note = "Table 7 row 3" },
	{ .active = SARAFW_DL_UFWUPD, .pattern = "AT+UDWNFILE*", .note = "Table 7 row 3" },
	{ .active = SARAFW_DL_UFWUPD, .pattern = "AT+URDFILE*", .note = "Table 7 row 3" },
	{ .active = SARAFW_DL_UFWUPD, .pattern = "AT+USODL*", .note = "Table 7 row 3" },
	{ .active = SARAFW_DL_UFWUPD, .pattern = "AT+UFTPC=6", .note = "Table 7 row 3: Direct Link" },
	{ .active = SARAFW_DL_UFWUPD, .pattern = "AT+UFTPC=7", .note = "Table 7 row 3: Direct Link" },
	{ .active = SARAFW_DL_UFWUPD, .pattern = "AT+UHTTPC=#,100", .note = "Table 7 row 3" },
	{ .active = SARAFW_DL_UFWUPD, .pattern = "AT+UFWUPD=3", .note = "§7: one download method at a time" },
	{ .active = SARAFW_DL_UFWUPD, .pattern = "<lwm2m>", .note = "Table 7 row 3" },

	{ .active = SARAFW_DL_UDWNFILE, .pattern = "AT+UFTPC=100", .note = "Table 7 row 4" },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = "AT+UFWUPD=3", .note = "Table 7 row 4" },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = "AT+UDWNFILE*",
	  .note = "Table 7 row 4: all +UDWNFILE commands will be blocked" },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = "AT+URDFILE*", .note = "Table 7 row 4" },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = "AT+USODL*", .note = "Table 7 row 4: Direct Link" },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = "AT+UFTPC=6", .note = "Table 7 row 4: Direct Link" },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = "AT+UFTPC=7", .note = "Table 7 row 4: Direct Link" },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = "AT+UHTTPC=#,100", .note = "Table 7 row 4" },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = "<lwm2m>", .note = "Table 7 row 4" },
	/* SARAFW_DL_FILE: no rows. Table 7 row 4: "When +UDWNFILE of regular
	 * file download in progress, FOTA download via LwM2M client operation
	 * will not be interfered." */

	{ .active = SARAFW_DL_HTTP, .pattern = "AT+UFTPC=100", .note = "Table 7 row 5" },
	{ .active = SARAFW_DL_HTTP, .pattern = "AT+UFWUPD=3", .note = "Table 7 row 5" },
	{ .active = SARAFW_DL_HTTP, .pattern = "AT+UDWNFILE*", .note = "Table 7 row 5" },
	{ .active = SARAFW_DL_HTTP, .pattern = "AT+URDFILE*", .note = "Table 7 row 5" },
	{ .active = SARAFW_DL_HTTP, .pattern = "AT+USODL*", .note = "Table 7 row 5" },
	{ .active = SARAFW_DL_HTTP, .pattern = "AT+UFTPC=6", .note = "Direct Link, blocked by every row" },
	{ .active = SARAFW_DL_HTTP, .pattern = "AT+UFTPC=7", .note = "Direct Link, blocked by every row" },
	{ .active = SARAFW_DL_HTTP, .pattern = "AT+UHTTPC=#,100", .note = "§7: one download method at a time" },
	{ .active = SARAFW_DL_HTTP, .pattern = "<lwm2m>", .note = "Table 7 row 5" },
};

static char up(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool matches(const char *pat, const char *cmd)
{
	for (; *pat; pat++) {
		if (*pat == '*') {
			/* the rest, if any, must occur later in the line, exactly */
			return !pat[1] || sarafw_str_has(cmd, pat + 1);
		}
		if (*pat == '#') {
			if (!is_digit(*cmd))
				return false;
			while (is_digit(*cmd))
				cmd++;
			continue;
		}
		if (up(*cmd) != up(*pat))
			return false;
		cmd++;
	}
	/* a whole command word: nothing more, or its next parameter */
	return *cmd == '\0' || *cmd == ',';
}

/* The first row for active that matches cmd, or NULL. */
static const guard_row *find(sarafw_download active, const char *cmd)
{
	for (size_t i = 0; cmd && i < sizeof table7 / sizeof table7[0]; i++)
		if (table7[i].active == active && matches(table7[i].pattern, cmd))
			return &table7[i];
	return NULL;
}

int sarafw_guard_check(sarafw_download active, const char *cmd)
{
	const guard_row *r = find(active, cmd);
	return r && !r->allow ? SARAFW_EBUSY : SARAFW_OK;
}

const char *sarafw_guard_note(sarafw_download active, const char *cmd)
{
	const guard_row *r = find(active, cmd);
	return r && !r->allow ? r->note : NULL;
}

bool sarafw_guard_lwm2m_allowed(sarafw_download active)
{
	return sarafw_guard_check(active, "<lwm2m>") == SARAFW_OK;
}

void sarafw_guard_set(sarafw_dev *dev, sarafw_download method)
{
	dev->guard = method;
}
