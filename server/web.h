/* sarafw-server's web page (server/web/): static files built into the
 * program (cmake/embed.cmake), served at / over the REST API's HTTP port.
 * The page talks to /api/v1 with the token its user enters. */
#ifndef SARAFW_SERVER_WEB_H
#define SARAFW_SERVER_WEB_H

#include <stddef.h>

typedef struct web_file {
	const char *name; /* under server/web/, e.g. "index.html" */
	const unsigned char *data;
	size_t len;
} web_file;

/* The table, ended by a zero entry (the generated web_assets.c). */
extern const web_file web_files[];

/* The file a GET of url serves ("/" is index.html), or NULL; *type is
 * its Content-Type. Only names in the table are found: no path reaches
 * the file system. */
const web_file *web_find(const char *url, const char **type);

#endif
