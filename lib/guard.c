/* The download guard (note §7, Table 7): only one download method may be
 * active at a time, and while one is, the commands Table 7 lists are
 * refused here. SARA-R422 modules do not refuse them themselves (§7), so
 * the host must. The guard is set once the method's own command has been
 * accepted, so it never refuses the command that starts the download. */
#include <stdbool.h>
#include <string.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"

static char up(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* cmd starts with word (case-insensitive); returns what follows or NULL. */
static const char *after(const char *cmd, const char *word)
{
	for (; *word; word++, cmd++)
		if (up(*cmd) != *word)
			return NULL;
	return cmd;
}

/* "<word>" followed by the end or a ',' */
static bool is_op(const char *cmd, const char *word)
{
	const char *rest = after(cmd, word);
	return rest && (*rest == '\0' || *rest == ',');
}

static bool has_foat_tag(const char *cmd)
{
	for (; *cmd; cmd++)
		if (after(cmd, "\"FOAT\""))
			return true;
	return false;
}

/* AT+UHTTPC=<profile_id>,100 */
static bool is_http_fota(const char *cmd)
{
	const char *p = after(cmd, "AT+UHTTPC=");
	if (!p || *p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return is_op(p, ",100");
}

static bool forbidden(sarafw_download active, const char *cmd)
{
	bool ftp_fota = is_op(cmd, "AT+UFTPC=100");
	bool ufwupd = is_op(cmd, "AT+UFWUPD=3");
	bool udwnfile = after(cmd, "AT+UDWNFILE") != NULL;
	bool urdfile = after(cmd, "AT+URDFILE") != NULL;
	bool usodl = after(cmd, "AT+USODL") != NULL;
	bool http_fota = is_http_fota(cmd);

	switch (active) {
	case SARAFW_DL_LWM2M: /* Table 7 row 1: and all direct link modes */
		return ftp_fota || ufwupd || (udwnfile && has_foat_tag(cmd)) || usodl ||
		       is_op(cmd, "AT+UFTPC=6") || is_op(cmd, "AT+UFTPC=7") || http_fota;
	case SARAFW_DL_FTP: /* row 2: +UFTPC=100 itself stays (cancel, resume) */
		return ufwupd || udwnfile || urdfile || usodl || http_fota ||
		       (after(cmd, "AT+UFTPC=") && !ftp_fota);
	case SARAFW_DL_UFWUPD: /* row 3 */
		return ftp_fota || udwnfile || urdfile || usodl || http_fota;
	case SARAFW_DL_UDWNFILE: /* row 4 */
		return ftp_fota || ufwupd || udwnfile || urdfile || usodl || http_fota;
	case SARAFW_DL_HTTP: /* row 5 */
		return ftp_fota || ufwupd || udwnfile || urdfile || usodl;
	case SARAFW_DL_NONE:
	default:
		return false;
	}
}

int sarafw_guard_check(sarafw_download active, const char *cmd)
{
	return cmd && forbidden(active, cmd) ? SARAFW_EBUSY : SARAFW_OK;
}

void sarafw_guard_set(sarafw_dev *dev, sarafw_download method)
{
	dev->guard = method;
}
