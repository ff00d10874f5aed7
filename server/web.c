/* sarafw-server's web page (web.h). */
#include <string.h>

#include "web.h"

static const struct {
	const char *ext, *type;
} types[] = {
	{ .ext = ".html", .type = "text/html; charset=utf-8" },
	{ .ext = ".js", .type = "text/javascript; charset=utf-8" },
	{ .ext = ".css", .type = "text/css; charset=utf-8" },
	{ .ext = ".svg", .type = "image/svg+xml" },
};

const web_file *web_find(const char *url, const char **type)
{
	if (url[0] != '/')
		return NULL;
	const char *name = url[1] ? url + 1 : "index.html";
	for (const web_file *f = web_files; f->name; f++) {
		if (strcmp(f->name, name))
			continue;
		size_t n = strlen(name);
		*type = "application/octet-stream";
		for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
			size_t e = strlen(types[i].ext);
			if (n > e && !strcmp(name + n - e, types[i].ext))
				*type = types[i].type;
		}
		return f;
	}
	return NULL;
}
