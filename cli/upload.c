/* A local file as the data of AT+UDWNFILE (upload.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "sarafw/error.h"
#include "sarafw/udwnfile.h"
#include "signals.h"
#include "upload.h"

int upload_open(upload *u, const char *path, const char *what, const char *hint)
{
	struct stat st;
	memset(u, 0, sizeof *u);
	u->line_fd = -1;
	u->prepare_text = "AT+UDWNFILE: the module prepares for about 5 s (note §5.2)";
	u->finish_text = "every byte sent, waiting for the module to confirm";
	u->cancel_text = "stopping: the module waits for the promised bytes, then discards them";
	u->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (u->fd < 0 || fstat(u->fd, &st) < 0) {
		fprintf(stderr, "sarafw: cannot read %s %s: %s\n", what, path, strerror(errno));
		upload_close(u);
		return EXIT_USAGE;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size > 0x7fffffff) {
		fprintf(stderr, "sarafw: %s %s is %s: %s\n", what, path,
			S_ISDIR(st.st_mode) ? "a directory"
			: !S_ISREG(st.st_mode) ? "not a regular file"
			: st.st_size ? "too large" : "empty", hint);
		upload_close(u);
		return EXIT_USAGE;
	}
	u->size = (uint32_t)st.st_size;
	return EXIT_OK;
}

void upload_close(upload *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}

const char *upload_base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int upload_read(void *ctx, uint32_t offset, uint8_t *buf, size_t len)
{
	upload *u = ctx;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(u->fd, buf + done, len - done, (off_t)offset + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			u->read_errno = n < 0 ? errno : EIO; /* shorter than it was */
			return SARAFW_EIO;
		}
		done += (size_t)n;
	}
	return (int)len;
}

void upload_progress(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total)
{
	upload *u = ctx;
	switch (phase) {
	case SARAFW_FOAT_BAUD:
		progress_phase(&u->prog, "baud", "switching the line speed for the transfer");
		break;
	case SARAFW_FOAT_STORED:
		u->stored = true;
		break;
	case SARAFW_FOAT_PREPARE:
		progress_phase(&u->prog, "prepare", u->prepare_text);
		break;
	case SARAFW_FOAT_TRANSFER:
		u->in_data = true;
		if (total && done == total)
			u->all_sent = true;
		progress_bytes(&u->prog, done, total);
		break;
	case SARAFW_FOAT_FINISH:
		progress_end(&u->prog);
		progress_phase(&u->prog, "finish", u->finish_text);
		break;
	case SARAFW_FOAT_CANCEL:
		u->cancelled = true;
		/* the module waits for the promised bytes and then discards
		 * them: what the kernel still holds need not go out first */
		if (u->line_fd >= 0 && u->in_data && !u->all_sent)
			tcflush(u->line_fd, TCOFLUSH);
		progress_end(&u->prog);
		progress_phase(&u->prog, "cancel", u->cancel_text);
		break;
	case SARAFW_FOAT_DONE:
		break;
	}
}

int upload_run(cli *c, upload *u, const char *name, const char *tag)
{
	static uint8_t buf[4096]; /* the command line first, then the data a piece at a time */
	stop_catch sc;
	sarafw_udwn_config cfg = {
		.name = name,
		.tag = tag,
		.size = u->size,
		.read = upload_read,
		.ctx = u,
		.buf = buf,
		.buf_size = sizeof buf,
		.host_baud = (uint32_t)c->baud,
		.baud = (uint32_t)u->baud,
		.progress = u->progress ? u->progress : upload_progress,
		.progress_ctx = u->progress ? u->progress_ctx : u,
		.cancel = stop_asked,
	};
	int rc;
	stop_catch_begin(&sc);
	u->line_fd = c->posix.fd;
	progress_init(&u->prog, c->json);
	rc = sarafw_udwnfile(&c->dev, &cfg);
	progress_end(&u->prog);
	u->sig = stop_catch_end(&sc);
	return rc;
}

void upload_explain(cli *c, const upload *u, int rc, const char *doing, const char *name)
{
	int cme;
	const char *err = sarafw_dev_last_error(&c->dev, &cme);
	if (!err[0])
		err = "ERROR";
	if (u && u->read_errno) {
		fprintf(stderr, "sarafw: %s failed: the local file could not be read (%s); the module discards what it got: check the file, then retry\n",
			doing, strerror(u->read_errno));
		return;
	}
	switch (rc) {
	case SARAFW_EERROR:
		/* 3GPP TS 27.007 §9.2: 22 not found, 20 memory full */
		if (cme == 22 || strstr(err, "not found"))
			fprintf(stderr, "sarafw: no file %s on the module (%s): see `sarafw --port %s files ls`\n",
				name, err, c->port_path);
		else if (cme == 20 || strstr(err, "memory full"))
			fprintf(stderr, "sarafw: %s failed: not enough space on the module (%s): remove files with `sarafw --port %s files rm NAME`, then retry\n",
				doing, err, c->port_path);
		else if (strstr(err, "FOTA memory is in use"))
			fprintf(stderr, "sarafw: %s failed: another download is active (%s, note §7): wait for it to end, then retry\n",
				doing, err);
		else
			fprintf(stderr, "sarafw: %s failed: the module answered %s; nothing was changed: check the name, then retry\n",
				doing, err);
		break;
	case SARAFW_EBUSY:
		fprintf(stderr, "sarafw: %s refused: a download is active (note §7, Table 7): wait for it to end, then retry\n",
			doing);
		break;
	case SARAFW_ENOTSUP:
		if (u && u->baud && c->id.variant && (c->id.variant->methods & SARAFW_METHOD_FOAT))
			fprintf(stderr, "sarafw: %s cannot transfer at %lu baud: use --baud %lu or less, or none (note §5.2)\n",
				c->id.type_number, u->baud, (unsigned long)c->id.variant->limits->max_baud);
		else
			fprintf(stderr, "sarafw: %s cannot take files with AT+UDWNFILE (note Table 1)\n", c->id.type_number);
		break;
	case SARAFW_EBAUD:
		fprintf(stderr, "sarafw: %s failed: no answer at %lu baud (this adapter may not support it); the module is back at %lu and nothing was sent: retry with a lower --baud or none\n",
			doing, u ? u->baud : 0ul, c->baud);
		break;
	case SARAFW_EBAUDBACK:
		fprintf(stderr, "sarafw: %s: %s, but the module did not answer at %lu baud after switching back: it may still run at %lu; `sarafw --port %s info` finds its rate (or power-cycle it)\n",
			doing, u && u->stored ? "the module stored the data" : "the data was not stored", c->baud,
			u ? u->baud : 0ul, c->port_path);
		break;
	case SARAFW_ETIMEOUT:
		fprintf(stderr, "sarafw: %s failed: the module did not answer in time%s: check it with `sarafw --port %s info`, then retry\n",
			doing, u ? "; it keeps no partial file" : "", c->port_path);
		break;
	case SARAFW_EPROTO:
		fprintf(stderr, "sarafw: %s failed: the module's answer made no sense (line noise?): retry\n", doing);
		break;
	case SARAFW_ECANCEL:
		fprintf(stderr, "sarafw: %s was cancelled; the module keeps no partial file\n", doing);
		break;
	case SARAFW_EIO:
		fprintf(stderr, "sarafw: %s failed: the serial port %s failed (unplugged?): reconnect it, check with `sarafw --port %s info`, then retry\n",
			doing, c->port_path, c->port_path);
		break;
	default:
		fprintf(stderr, "sarafw: %s failed: %s\n", doing, sarafw_strerror(rc));
		break;
	}
}
