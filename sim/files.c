/* The module's user file system and its commands (AT-FACTS "Files"):
 * AT+ULSTFILE, AT+URDFILE, AT+URDBLOCK, AT+UDELFILE. Files are written by
 * +UDWNFILE (cmd_udwnfile.c) through sim_files_begin/append/commit. */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "feature.h"

#define DIR_NAME "files"
#define TMP "udwnfile.tmp"
#define PATH_CAP 1024

/* The line's output buffer holds 64 KiB: a read answers at most this
 * much data (docs/behaviour.md). */
#define READ_MAX 32768u

bool sim_files_name_ok(const char *name, size_t len)
{
	if (len == 0 || len > SIM_FILES_NAME_MAX || strlen(name) != len)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c > 0x7e || c == '/' || c == '\\' || c == '"')
			return false;
	}
	return true;
}

static int path_of(const struct sim_flash *f, const char *name, char *out, size_t cap)
{
	char rel[SIM_FILES_NAME_MAX + 8];
	snprintf(rel, sizeof rel, DIR_NAME "/%s", name);
	return sim_flash_path(f, rel, out, cap);
}

static void sync_dir(const struct sim_flash *f)
{
	char path[PATH_CAP];
	int fd;
	if (sim_flash_path(f, DIR_NAME, path, sizeof path))
		return;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Calls fn for every user file; returns the bytes they hold. */
static uint64_t walk(const struct sim_flash *f, void (*fn)(void *ctx, const char *name), void *ctx)
{
	char path[PATH_CAP];
	uint64_t used = 0;
	DIR *d;
	struct dirent *e;
	if (sim_flash_path(f, DIR_NAME, path, sizeof path) || !(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		long s;
		if (!sim_files_name_ok(e->d_name, strlen(e->d_name)))
			continue;
		s = sim_files_size(f, e->d_name);
		if (s < 0)
			continue;
		used += (uint64_t)s;
		if (fn)
			fn(ctx, e->d_name);
	}
	closedir(d);
	return used;
}

uint64_t sim_files_free(const struct sim_flash *f)
{
	uint64_t used = walk(f, NULL, NULL);
	return used >= SIM_FILES_CAPACITY ? 0 : SIM_FILES_CAPACITY - used;
}

long sim_files_size(const struct sim_flash *f, const char *name)
{
	char path[PATH_CAP];
	struct stat st;
	if (path_of(f, name, path, sizeof path) || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return -1;
	return (long)st.st_size;
}

int sim_files_begin(struct sim_files_dl *d, const struct sim_flash *f)
{
	char path[PATH_CAP];
	memset(d, 0, sizeof *d);
	if (sim_flash_path(f, TMP, path, sizeof path))
		return -ENAMETOOLONG;
	d->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (d->fd < 0)
		return -errno;
	d->open = true;
	return 0;
}

int sim_files_append(struct sim_files_dl *d, const void *p, size_t n)
{
	if (!d->open)
		return -EBADF;
	d->size += n;
	return sim_flash_write_fd(d->fd, p, n);
}

void sim_files_close(struct sim_files_dl *d)
{
	if (d->open)
		close(d->fd);
	d->open = false;
}

void sim_files_discard(struct sim_files_dl *d, const struct sim_flash *f)
{
	char path[PATH_CAP];
	sim_files_close(d);
	if (sim_flash_path(f, TMP, path, sizeof path) == 0)
		unlink(path);
}

long sim_files_peek(const struct sim_flash *f, void *buf, size_t cap)
{
	return sim_flash_read(f, TMP, buf, cap);
}

int sim_files_commit(struct sim_files_dl *d, const struct sim_flash *f, const char *name)
{
	char from[PATH_CAP], to[PATH_CAP];
	int err = 0;
	if (!d->open)
		return -EBADF;
	if (fsync(d->fd) < 0)
		err = -errno;
	sim_files_close(d);
	if (!err && (sim_flash_path(f, TMP, from, sizeof from) || path_of(f, name, to, sizeof to)))
		err = -ENAMETOOLONG;
	if (!err && rename(from, to) < 0)
		err = -errno;
	if (err) {
		sim_files_discard(d, f);
		return err;
	}
	sync_dir(f);
	return 0;
}

long sim_files_read(const struct sim_flash *f, const char *name, uint64_t offset, void *buf, size_t cap)
{
	char path[PATH_CAP];
	ssize_t n;
	int fd;
	if (path_of(f, name, path, sizeof path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, cap, (off_t)offset);
	if (n < 0)
		n = -errno;
	close(fd);
	return (long)n;
}

int sim_files_delete(const struct sim_flash *f, const char *name)
{
	char path[PATH_CAP];
	if (path_of(f, name, path, sizeof path))
		return -ENAMETOOLONG;
	if (unlink(path) < 0)
		return -errno;
	sync_dir(f);
	return 0;
}

/* ---- commands ---- */

/* argv[i] is a file name the file system takes. */
static bool name_arg(const struct sim_at_req *req, int i)
{
	return i < req->argc && req->argv[i].type == SIM_ARG_STR &&
	       sim_files_name_ok(req->argv[i].str, req->argv[i].len);
}

struct list_ctx {
	char out[1100];
	size_t len;
	bool cut;
};

static void list_one(void *ctx, const char *name)
{
	struct list_ctx *l = ctx;
	size_t n = strlen(name) + 3;
	if (l->len + n >= sizeof l->out - 1) {
		l->cut = true;
		return;
	}
	l->len += (size_t)snprintf(l->out + l->len, sizeof l->out - l->len, "%s\"%s\"",
				   l->len ? "," : "", name);
}

/* AT+ULSTFILE= / =0: the names; =1: the free space; =2,"name": its size. */
static int cmd_ulstfile(struct sim_modem *m, const struct sim_at_req *req)
{
	long op = 0;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+ULSTFILE: (0-2)");
		return SIM_OK;
	}
	if (req->type == SIM_AT_SET && req->argc >= 1 && req->argv[0].type != SIM_ARG_EMPTY &&
	    sim_arg_num(req, 0, 0, 2, &op) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	switch (op) {
	case 0: {
		struct list_ctx l = {.len = 0};
		/* a tag other than none is not a user file list we keep */
		if (req->argc > 2)
			return SIM_CME_INCORRECT_PARAMS;
		walk(m->flash, list_one, &l);
		sim_modem_info(m, "+ULSTFILE: %s", l.out);
		return SIM_OK;
	}
	case 1:
		if (req->argc > 2)
			return SIM_CME_INCORRECT_PARAMS;
		sim_modem_info(m, "+ULSTFILE: %llu", (unsigned long long)sim_files_free(m->flash));
		return SIM_OK;
	default: {
		long s;
		if (req->argc < 2 || req->argc > 3 || !name_arg(req, 1))
			return SIM_CME_INCORRECT_PARAMS;
		s = sim_files_size(m->flash, req->argv[1].str);
		if (s < 0)
			return SIM_CME_NOT_FOUND;
		sim_modem_info(m, "+ULSTFILE: %ld", s);
		return SIM_OK;
	}
	}
}

/* "\r\n+<cmd>: "<name>",<size>,"<bytes>"\r\n" with the bytes raw. */
static int answer_data(struct sim_modem *m, const char *cmd, const char *name, uint64_t offset,
		       size_t len)
{
	static const char tail[] = "\"\r\n";
	char head[SIM_FILES_NAME_MAX + 64];
	uint8_t buf[4096];
	/* AT-FACTS: SARA-R4 precedes +URDFILE with a bare LF */
	int hn = snprintf(head, sizeof head, "%s%s: \"%s\",%zu,\"",
			  strcmp(cmd, "+URDFILE") == 0 ? "\n" : "\r\n", cmd, name, len);
	sim_modem_write(m, head, (size_t)hn);
	while (len) {
		size_t want = len < sizeof buf ? len : sizeof buf;
		long n = sim_files_read(m->flash, name, offset, buf, want);
		if (n <= 0)
			break; /* the size was read a moment ago: not expected */
		sim_modem_write(m, buf, (size_t)n);
		offset += (uint64_t)n;
		len -= (size_t)n;
	}
	sim_modem_write(m, tail, sizeof tail - 1);
	return SIM_OK;
}

static int cmd_urdfile(struct sim_modem *m, const struct sim_at_req *req)
{
	long s;
	if (req->argc < 1 || req->argc > 2 || !name_arg(req, 0))
		return SIM_CME_INCORRECT_PARAMS;
	s = sim_files_size(m->flash, req->argv[0].str);
	if (s < 0)
		return SIM_CME_NOT_FOUND;
	if ((unsigned long)s > READ_MAX)
		return SIM_CME_INCORRECT_PARAMS; /* +URDBLOCK reads it */
	return answer_data(m, "+URDFILE", req->argv[0].str, 0, (size_t)s);
}

static int cmd_urdblock(struct sim_modem *m, const struct sim_at_req *req)
{
	long s, off, len;
	if (req->argc != 3 || !name_arg(req, 0) || sim_arg_num(req, 1, 0, 0x7fffffffL, &off) != SIM_OK ||
	    sim_arg_num(req, 2, 1, READ_MAX, &len) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	s = sim_files_size(m->flash, req->argv[0].str);
	if (s < 0)
		return SIM_CME_NOT_FOUND;
	if (off > s)
		return SIM_CME_INCORRECT_PARAMS;
	if (len > s - off)
		len = s - off; /* a block past the end gives what there is */
	return answer_data(m, "+URDBLOCK", req->argv[0].str, (uint64_t)off, (size_t)len);
}

static int cmd_udelfile(struct sim_modem *m, const struct sim_at_req *req)
{
	int rc;
	if (req->argc < 1 || req->argc > 2 || !name_arg(req, 0))
		return SIM_CME_INCORRECT_PARAMS;
	rc = sim_files_delete(m->flash, req->argv[0].str);
	if (rc == -ENOENT)
		return SIM_CME_NOT_FOUND;
	return rc ? SIM_CME_MEMORY_FAILURE : SIM_OK;
}

/* A download cut by a power loss leaves no file (the previous one stays). */
static int power_on(struct sim_modem *m, void *st)
{
	char path[PATH_CAP];
	(void)st;
	if (sim_flash_path(m->flash, TMP, path, sizeof path) == 0)
		unlink(path);
	return 0;
}

static const struct sim_cmd cmds[] = {
	{.name = "+ULSTFILE",
	 .forms = SIM_FORM_ACTION | SIM_FORM_SET | SIM_FORM_TEST,
	 .modes = SIM_IN_AT,
	 .fn = cmd_ulstfile},
	{.name = "+URDFILE", .forms = SIM_FORM_SET, .modes = SIM_IN_AT, .fn = cmd_urdfile},
	{.name = "+URDBLOCK", .forms = SIM_FORM_SET, .modes = SIM_IN_AT, .fn = cmd_urdblock},
	{.name = "+UDELFILE", .forms = SIM_FORM_SET, .modes = SIM_IN_AT, .fn = cmd_udelfile},
	{.name = NULL},
};

const struct sim_feature sim_feature_files = {
	.name = "files",
	.cmds = cmds,
	.power_on = power_on,
};
