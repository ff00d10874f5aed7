/* The download guard (note §7, Table 7): only one download method may be
 * active at a time, and while one is, the commands Table 7 lists are
 * refused here. SARA-R422 modules do not refuse them themselves (§7), so
 * the host must. The guard is set once the method's own command has been
 * accepted, so it never refuses the command that starts the download.
 *
 * Table 7 is data: rows of (active method, command pattern, note
 * reference), four bytes each, read in order; the first row that matches
 * decides, and a command no row matches is allowed. Pattern syntax:
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
#include <stdint.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "str.h"

/* The command patterns the rows use. */
enum guard_pattern {
	P_UFTPC_100,
	P_UFTPC_6,
	P_UFTPC_7,
	P_UFTPC_ANY,
	P_UFWUPD_3,
	P_UDWNFILE_FOAT,
	P_UDWNFILE_ANY,
	P_URDFILE_ANY,
	P_USODL_ANY,
	P_UHTTPC_100,
	P_LWM2M,
};

static const char *const patterns[] = {
	[P_UFTPC_100] = "AT+UFTPC=100",
	[P_UFTPC_6] = "AT+UFTPC=6",
	[P_UFTPC_7] = "AT+UFTPC=7",
	[P_UFTPC_ANY] = "AT+UFTPC=*",
	[P_UFWUPD_3] = "AT+UFWUPD=3",
	[P_UDWNFILE_FOAT] = "AT+UDWNFILE*\"FOAT\"",
	[P_UDWNFILE_ANY] = "AT+UDWNFILE*",
	[P_URDFILE_ANY] = "AT+URDFILE*",
	[P_USODL_ANY] = "AT+USODL*",
	[P_UHTTPC_100] = "AT+UHTTPC=#,100",
	[P_LWM2M] = "<lwm2m>",
};

/* What sarafw_guard_note() says of a refusing row (the texts are in
 * that function, so a program that never asks links none of them). */
enum guard_note {
	N_ROW1,
	N_ROW1_FOAT,
	N_ROW1_DL,
	N_ROW2,
	N_ROW2_UFTPC,
	N_ROW3,
	N_ROW3_DL,
	N_ROW4,
	N_ROW4_UDWNFILE,
	N_ROW4_DL,
	N_ROW5,
	N_DL_EVERY_ROW,
	N_ONE_METHOD,
};

/* Four bytes a row: 43 rows of pointers would cost 688. */
typedef struct guard_row {
	uint8_t active;  /* sarafw_download */
	uint8_t pattern; /* enum guard_pattern */
	uint8_t note;    /* enum guard_note */
	bool allow;      /* an exception read before a broader forbidding row */
} guard_row;

static const guard_row table7[] = {
	{ .active = SARAFW_DL_LWM2M, .pattern = P_UFTPC_100, .note = N_ROW1 },
	{ .active = SARAFW_DL_LWM2M, .pattern = P_UFWUPD_3, .note = N_ROW1 },
	{ .active = SARAFW_DL_LWM2M, .pattern = P_UDWNFILE_FOAT, .note = N_ROW1_FOAT },
	{ .active = SARAFW_DL_LWM2M, .pattern = P_USODL_ANY, .note = N_ROW1_DL },
	{ .active = SARAFW_DL_LWM2M, .pattern = P_UFTPC_6, .note = N_ROW1_DL },
	{ .active = SARAFW_DL_LWM2M, .pattern = P_UFTPC_7, .note = N_ROW1_DL },
	{ .active = SARAFW_DL_LWM2M, .pattern = P_UHTTPC_100, .note = N_ROW1 },
	{ .active = SARAFW_DL_LWM2M, .pattern = P_LWM2M, .note = N_ONE_METHOD },

	/* Table 7 row 2: the download's own command (cancel, resume, §3.2) */
	{ .active = SARAFW_DL_FTP, .pattern = P_UFTPC_100, .allow = true },
	{ .active = SARAFW_DL_FTP, .pattern = P_UFTPC_ANY, .note = N_ROW2_UFTPC },
	{ .active = SARAFW_DL_FTP, .pattern = P_UFWUPD_3, .note = N_ROW2 },
	{ .active = SARAFW_DL_FTP, .pattern = P_UDWNFILE_ANY, .note = N_ROW2 },
	{ .active = SARAFW_DL_FTP, .pattern = P_URDFILE_ANY, .note = N_ROW2 },
	{ .active = SARAFW_DL_FTP, .pattern = P_USODL_ANY, .note = N_ROW2 },
	{ .active = SARAFW_DL_FTP, .pattern = P_UHTTPC_100, .note = N_ROW2 },
	{ .active = SARAFW_DL_FTP, .pattern = P_LWM2M, .note = N_ROW2 },

	{ .active = SARAFW_DL_UFWUPD, .pattern = P_UFTPC_100, .note = N_ROW3 },
	{ .active = SARAFW_DL_UFWUPD, .pattern = P_UDWNFILE_ANY, .note = N_ROW3 },
	{ .active = SARAFW_DL_UFWUPD, .pattern = P_URDFILE_ANY, .note = N_ROW3 },
	{ .active = SARAFW_DL_UFWUPD, .pattern = P_USODL_ANY, .note = N_ROW3 },
	{ .active = SARAFW_DL_UFWUPD, .pattern = P_UFTPC_6, .note = N_ROW3_DL },
	{ .active = SARAFW_DL_UFWUPD, .pattern = P_UFTPC_7, .note = N_ROW3_DL },
	{ .active = SARAFW_DL_UFWUPD, .pattern = P_UHTTPC_100, .note = N_ROW3 },
	{ .active = SARAFW_DL_UFWUPD, .pattern = P_UFWUPD_3, .note = N_ONE_METHOD },
	{ .active = SARAFW_DL_UFWUPD, .pattern = P_LWM2M, .note = N_ROW3 },

	{ .active = SARAFW_DL_UDWNFILE, .pattern = P_UFTPC_100, .note = N_ROW4 },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = P_UFWUPD_3, .note = N_ROW4 },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = P_UDWNFILE_ANY, .note = N_ROW4_UDWNFILE },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = P_URDFILE_ANY, .note = N_ROW4 },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = P_USODL_ANY, .note = N_ROW4_DL },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = P_UFTPC_6, .note = N_ROW4_DL },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = P_UFTPC_7, .note = N_ROW4_DL },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = P_UHTTPC_100, .note = N_ROW4 },
	{ .active = SARAFW_DL_UDWNFILE, .pattern = P_LWM2M, .note = N_ROW4 },
	/* SARAFW_DL_FILE: no rows. Table 7 row 4: "When +UDWNFILE of regular
	 * file download in progress, FOTA download via LwM2M client operation
	 * will not be interfered." */

	{ .active = SARAFW_DL_HTTP, .pattern = P_UFTPC_100, .note = N_ROW5 },
	{ .active = SARAFW_DL_HTTP, .pattern = P_UFWUPD_3, .note = N_ROW5 },
	{ .active = SARAFW_DL_HTTP, .pattern = P_UDWNFILE_ANY, .note = N_ROW5 },
	{ .active = SARAFW_DL_HTTP, .pattern = P_URDFILE_ANY, .note = N_ROW5 },
	{ .active = SARAFW_DL_HTTP, .pattern = P_USODL_ANY, .note = N_ROW5 },
	{ .active = SARAFW_DL_HTTP, .pattern = P_UFTPC_6, .note = N_DL_EVERY_ROW },
	{ .active = SARAFW_DL_HTTP, .pattern = P_UFTPC_7, .note = N_DL_EVERY_ROW },
	{ .active = SARAFW_DL_HTTP, .pattern = P_UHTTPC_100, .note = N_ONE_METHOD },
	{ .active = SARAFW_DL_HTTP, .pattern = P_LWM2M, .note = N_ROW5 },
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
		if (table7[i].active == active && matches(patterns[table7[i].pattern], cmd))
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
	/* fixed-width rows: their own section, linked only with this function */
	static const char notes[][57] = {
		[N_ROW1] = "Table 7 row 1",
		[N_ROW1_FOAT] = "Table 7 row 1: +UDWNFILE with FOAT tag will be blocked",
		[N_ROW1_DL] = "Table 7 row 1: Direct Link",
		[N_ROW2] = "Table 7 row 2",
		[N_ROW2_UFTPC] = "Table 7 row 2: all other +UFTPC commands are not allowed",
		[N_ROW3] = "Table 7 row 3",
		[N_ROW3_DL] = "Table 7 row 3: Direct Link",
		[N_ROW4] = "Table 7 row 4",
		[N_ROW4_UDWNFILE] = "Table 7 row 4: all +UDWNFILE commands will be blocked",
		[N_ROW4_DL] = "Table 7 row 4: Direct Link",
		[N_ROW5] = "Table 7 row 5",
		[N_DL_EVERY_ROW] = "Direct Link, blocked by every row",
		[N_ONE_METHOD] = "§7: one download method at a time",
	};
	const guard_row *r = find(active, cmd);
	return r && !r->allow ? notes[r->note] : NULL;
}

bool sarafw_guard_lwm2m_allowed(sarafw_download active)
{
	return sarafw_guard_check(active, "<lwm2m>") == SARAFW_OK;
}

void sarafw_guard_set(sarafw_dev *dev, sarafw_download method)
{
	dev->guard = method;
}
