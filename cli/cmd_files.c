/* sarafw files ls|put|get|rm: the module's user files (AT-FACTS.md
 * "Files"). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "sarafw/error.h"
#include "sarafw/files.h"
#include "signals.h"
#include "upload.h"

/* A name the module takes, else one line saying why and EXIT_USAGE. */
static int check_name(const char *name)
{
	const char *why = NULL;
	if (sarafw_file_name_check(name) == SARAFW_OK)
		return EXIT_OK;
	if (!name[0] || !strcmp(name, ".") || !strcmp(name, ".."))
		why = "is not a file name";
	else if (strchr(name, '/') || strchr(name, '\\'))
		why = "has a path: the module keeps its files in one folder, give a plain name";
	else if (strlen(name) > SARAFW_FILE_NAME_MAX)
		why = "is too long: the module takes at most 248 characters";
	else
		why = "has a '\"' or a character outside printable ASCII, which an AT command cannot carry";
	fprintf(stderr, "sarafw: file name '%s' %s\n", name, why);
	return EXIT_USAGE;
}

typedef struct {
	char **names;
	size_t n, cap;
	bool nomem;
} name_list;

static void add_name(void *ctx, const char *name)
{
	name_list *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **p = realloc(l->names, cap * sizeof *p);
		if (!p) {
			l->nomem = true;
			return;
		}
		l->names = p;
		l->cap = cap;
	}
	if (!(l->names[l->n] = strdup(name)))
		l->nomem = true;
	else
		l->n++;
}

static int files_ls(cli *c)
{
	name_list l = { 0 };
	int rc = sarafw_file_list(&c->dev, add_name, &l);
	int exit_code = EXIT_OK;
	if (rc == SARAFW_ENOSPACE) {
		fprintf(stderr, "sarafw: the module lists a file whose name is longer than 248 characters; it is left out\n");
	} else if (rc) {
		upload_explain(c, NULL, rc, "listing the files (AT+ULSTFILE=0)", "");
		exit_code = EXIT_FAIL;
	}
	if (c->json && !exit_code)
		printf("[");
	for (size_t i = 0; i < l.n && !exit_code; i++) {
		uint32_t size = 0;
		int src = sarafw_file_size(&c->dev, l.names[i], &size);
		if (src) {
			char doing[320];
			snprintf(doing, sizeof doing, "asking the size of %s", l.names[i]);
			upload_explain(c, NULL, src, doing, l.names[i]);
			exit_code = EXIT_FAIL;
			break;
		}
		if (c->json) {
			printf("%s{\"name\":", i ? "," : "");
			esc_json_string(stdout, l.names[i]);
			printf(",\"size\":%lu}", (unsigned long)size);
		} else {
			printf("%10lu  %s\n", (unsigned long)size, l.names[i]);
		}
	}
	if (c->json && !exit_code)
		printf("]\n");
	for (size_t i = 0; i < l.n; i++)
		free(l.names[i]);
	free(l.names);
	if (l.nomem) {
		fprintf(stderr, "sarafw: out of memory listing the files\n");
		return EXIT_FAIL;
	}
	return exit_code;
}

static int files_put(cli *c, const char *local, const char *name, unsigned long baud)
{
	upload u;
	int rc = upload_open(&u, local, "file", UPLOAD_HINT_SIZE);
	char doing[320];
	if (rc)
		return rc;
	u.baud = baud;
	if ((rc = cli_connect(c, NULL, 0, NULL))) {
		upload_close(&u);
		return rc;
	}
	if (!c->json)
		fprintf(stderr, "%s: sending %s (%lu bytes) as %s\n", c->id.type_number, local,
			(unsigned long)u.size, name);
	rc = upload_run(c, &u, name, NULL);
	upload_close(&u);
	cli_disconnect(c);
	if (u.sig && rc) {
		fprintf(stderr, "sarafw: interrupted by %s; the module keeps no partial %s\n",
			u.sig == SIGINT ? "Ctrl-C" : "SIGTERM", name);
		return 128 + u.sig;
	}
	if (rc) {
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"%s\"}\n", rc, sarafw_strerror(rc));
		snprintf(doing, sizeof doing, "sending %s", name);
		upload_explain(c, &u, rc, doing, name);
		return EXIT_FAIL;
	}
	if (c->json) {
		printf("{\"event\":\"stored\",\"name\":");
		esc_json_string(stdout, name);
		printf(",\"bytes\":%lu,\"seconds\":%.3f}\n", (unsigned long)u.size, progress_elapsed(&u.prog));
	} else {
		printf("stored %s (%lu bytes) in %.1f s\n", name, (unsigned long)u.size, progress_elapsed(&u.prog));
	}
	return EXIT_OK;
}

typedef struct {
	int fd;
	int write_errno;
	progress prog;
	uint32_t total;
} sink_ctx;

static int to_fd(void *ctx, uint32_t offset, const uint8_t *bytes, size_t n)
{
	sink_ctx *s = ctx;
	if (stop_signal())
		return SARAFW_ECANCEL;
	while (n) {
		ssize_t w = write(s->fd, bytes, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->write_errno = w < 0 ? errno : EIO;
			return SARAFW_EIO;
		}
		bytes += w;
		n -= (size_t)w;
		offset += (uint32_t)w;
	}
	progress_bytes(&s->prog, offset, s->total);
	return SARAFW_OK;
}

/* The mode a new file gets here (mkstemp's is 0600). */
static mode_t new_file_mode(void)
{
	mode_t m = umask(0);
	umask(m);
	return 0666 & ~m;
}

static int files_get(cli *c, const char *name, const char *local)
{
	bool to_stdout = strcmp(local, "-") == 0;
	char tmp[4096], doing[320];
	sink_ctx s = { .fd = -1 };
	uint32_t size;
	stop_catch sc;
	int rc, sig;

	if (to_stdout && c->json) {
		fprintf(stderr, "sarafw: files get NAME - writes the file to stdout: leave out --json\n");
		return EXIT_USAGE;
	}
	static char into[4096];
	struct stat st;
	/* into a folder, as cp does: under the module's name */
	if (!to_stdout && stat(local, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (snprintf(into, sizeof into, "%s/%s", local, name) >= (int)sizeof into) {
			fprintf(stderr, "sarafw: local path %s/%s is too long\n", local, name);
			return EXIT_USAGE;
		}
		local = into;
	}
	if (!to_stdout && snprintf(tmp, sizeof tmp, "%s.sarafw-XXXXXX", local) >= (int)sizeof tmp) {
		fprintf(stderr, "sarafw: local path %s is too long\n", local);
		return EXIT_USAGE;
	}
	if ((rc = cli_connect(c, NULL, 0, NULL)))
		return rc;
	snprintf(doing, sizeof doing, "reading %s", name);
	rc = sarafw_file_size(&c->dev, name, &size);
	if (rc) {
		upload_explain(c, NULL, rc, doing, name);
		cli_disconnect(c);
		return EXIT_FAIL;
	}
	/* a temp file beside the target, renamed once complete: a failure
	 * leaves nothing half-written under the name */
	if (to_stdout) {
		s.fd = STDOUT_FILENO;
	} else if ((s.fd = mkstemp(tmp)) < 0) {
		fprintf(stderr, "sarafw: cannot write beside %s: %s: choose a folder you can write to\n", local,
			strerror(errno));
		cli_disconnect(c);
		return EXIT_FAIL;
	}
	s.total = size;
	progress_init(&s.prog, c->json);
	stop_catch_begin(&sc);
	if (size == 0)
		progress_bytes(&s.prog, 0, 0);
	rc = sarafw_file_read(&c->dev, name, 0, size, to_fd, &s);
	progress_end(&s.prog);
	sig = stop_catch_end(&sc);
	cli_disconnect(c);
	if (!to_stdout) {
		if (!rc && (fchmod(s.fd, new_file_mode()) < 0 || fsync(s.fd) < 0))
			s.write_errno = errno, rc = SARAFW_EIO;
		if (close(s.fd) < 0 && !rc)
			s.write_errno = errno, rc = SARAFW_EIO;
		if (!rc && rename(tmp, local) < 0)
			s.write_errno = errno, rc = SARAFW_EIO;
		if (rc)
			unlink(tmp);
	}
	if (rc) {
		const char *left = to_stdout ? "what reached stdout is incomplete" : "nothing was written";
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"%s\"}\n", rc, sarafw_strerror(rc));
		if (sig)
			fprintf(stderr, "sarafw: interrupted by %s; %s\n", sig == SIGINT ? "Ctrl-C" : "SIGTERM", left);
		else if (s.write_errno)
			fprintf(stderr, "sarafw: writing %s failed: %s; %s: free space or choose another place, then retry\n",
				to_stdout ? "stdout" : local, strerror(s.write_errno), left);
		else
			upload_explain(c, NULL, rc, doing, name);
		return sig ? 128 + sig : EXIT_FAIL;
	}
	if (c->json) {
		printf("{\"event\":\"read\",\"name\":");
		esc_json_string(stdout, name);
		printf(",\"bytes\":%lu,\"seconds\":%.3f}\n", (unsigned long)size, progress_elapsed(&s.prog));
	} else if (!to_stdout) {
		printf("read %s (%lu bytes) into %s\n", name, (unsigned long)size, local);
	}
	return EXIT_OK;
}

static int files_rm(cli *c, const char *name)
{
	char doing[320];
	int rc = sarafw_file_delete(&c->dev, name);
	if (rc) {
		snprintf(doing, sizeof doing, "removing %s", name);
		upload_explain(c, NULL, rc, doing, name);
		return EXIT_FAIL;
	}
	if (c->json) {
		printf("{\"event\":\"removed\",\"name\":");
		esc_json_string(stdout, name);
		printf("}\n");
	} else {
		printf("removed %s\n", name);
	}
	return EXIT_OK;
}

int cmd_files(cli *c, int argc, char **argv)
{
	static const char usage[] = "files ls | put LOCAL [NAME] [--baud N] | get NAME [LOCAL|-] | rm NAME";
	static const struct option opts[] = {
		{ .name = "baud", .has_arg = required_argument, .val = 'b' },
		{ 0 },
	};
	unsigned long baud = 0;
	int rc, opt;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		if (opt != 'b')
			return c->exit_code; /* a usage error was printed, or --help */
		if (cli_baud_arg("--baud", optarg, &baud))
			return EXIT_USAGE;
	}
	char **a = argv + optind;
	int n = argc - optind;
	const char *sub = n ? a[0] : "";
	int min = 1, max = 1;
	if (!strcmp(sub, "put") || !strcmp(sub, "get"))
		min = 2, max = 3;
	else if (!strcmp(sub, "rm"))
		min = max = 2;
	else if (strcmp(sub, "ls")) {
		fprintf(stderr, "sarafw: %s%s: use %s\n", n ? "unknown files command " : "files needs a command",
			n ? sub : "", usage);
		return EXIT_USAGE;
	}
	if (n < min || n > max) {
		fprintf(stderr, "sarafw: %s: wrong number of arguments: use %s\n", sub, usage);
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "put")) {
		/* after put, as after update: the transfer's rate */
		const char *name = n == 3 ? a[2] : upload_base_name(a[1]);
		if ((rc = check_name(name)))
			return rc;
		return files_put(c, a[1], name, baud);
	}
	if (baud) { /* the others transfer nothing: the module's rate */
		c->baud = baud;
		c->baud_given = true;
	}
	if (!strcmp(sub, "get")) {
		if ((rc = check_name(a[1])))
			return rc;
		return files_get(c, a[1], n == 3 ? a[2] : a[1]);
	}
	if (!strcmp(sub, "rm") && (rc = check_name(a[1])))
		return rc;
	if ((rc = cli_connect(c, NULL, 0, NULL)))
		return rc;
	rc = !strcmp(sub, "ls") ? files_ls(c) : files_rm(c, a[1]);
	cli_disconnect(c);
	return rc;
}
