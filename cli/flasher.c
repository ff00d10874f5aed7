/* The host side of flash mode: Sahara loads the programmer, Firehose
 * reads and writes partitions (flasher.h). The sequence follows
 * linux-msm/qdl (sahara.c, firehose.c) on a byte stream: packets are
 * framed by their length field, documents end at "</data>". */
#include <stdio.h>
#include <string.h>

#include "flasher.h"
#include "sarafw/dev.h"
#include "sahara.h"

#define RAW_PIECE 65536u
#define FH_PAYLOAD_WANT 1048576u /* what we ask <configure> for */

const char *fl_strerror(int code)
{
	switch (code) {
	case FL_OK:
		return "ok";
	case FL_ENODEV:
		return "no module in flash mode";
	case FL_EPROG:
		return "the module refused the programmer";
	case FL_ENAK:
		return "the programmer answered NAK";
	case FL_ELOST:
		return "lost connection to the module";
	case FL_EPROTO:
		return "protocol error";
	case FL_EREAD:
		return "reading the bundle failed";
	case FL_ENOPART:
		return "no such partition on the module";
	}
	return "unknown error";
}

static int fail(flasher *f, int code, const char *why)
{
	snprintf(f->why, sizeof f->why, "%s", why);
	return code;
}

static void trace(flasher *f, char dir, const char *text, size_t n)
{
	if (f->trace)
		f->trace(f->trace_ctx, dir, text, n);
}

static void note(flasher *f, const char *fmt, unsigned long long a, const char *s)
{
	char t[200];
	int n = snprintf(t, sizeof t, fmt, a, s);
	trace(f, SARAFW_TRACE_NOTE, t, n < 0 ? 0 : (size_t)n < sizeof t ? (size_t)n : sizeof t - 1);
}

void fl_init(flasher *f, const sarafw_port *port, fl_trace_fn trace_fn, void *trace_ctx, uint32_t reply_ms)
{
	memset(f, 0, sizeof *f);
	f->port = port;
	f->trace = trace_fn;
	f->trace_ctx = trace_ctx;
	f->reply_ms = reply_ms;
	f->max_payload = RAW_PIECE;
	fh_reader_init(&f->rd);
}

/* More input, waiting until deadline at most. FL_OK (something came),
 * FL_ELOST on timeout or a port error. */
static int fill(flasher *f, uint32_t deadline)
{
	if (f->in_len == sizeof f->in)
		return FL_OK;
	uint32_t now = f->port->now_ms(f->port->ctx);
	if (sarafw_time_reached(now, deadline))
		return FL_ELOST;
	uint32_t left = deadline - now;
	int n = f->port->read(f->port->ctx, f->in + f->in_len, sizeof f->in - f->in_len, left < 200 ? left : 200);
	if (n < 0)
		return fail(f, FL_ELOST, "the port failed (the module was unplugged or switched off)");
	f->in_len += (size_t)n;
	return FL_OK;
}

static void consume(flasher *f, size_t n)
{
	memmove(f->in, f->in + n, f->in_len - n);
	f->in_len -= n;
}

/* All of buf out, or FL_ELOST when the line takes nothing for reply_ms. */
static int put(flasher *f, const uint8_t *buf, size_t n)
{
	uint32_t since = f->port->now_ms(f->port->ctx);
	while (n) {
		int k = f->port->write(f->port->ctx, buf, n);
		uint32_t now = f->port->now_ms(f->port->ctx);
		if (k < 0)
			return fail(f, FL_ELOST, "the port failed (the module was unplugged or switched off)");
		if (k == 0 && sarafw_time_reached(now, since + f->reply_ms))
			return fail(f, FL_ELOST, "the module takes no data");
		if (k > 0)
			since = now;
		buf += k, n -= (size_t)k;
	}
	return FL_OK;
}

/* The next Sahara packet, waiting until deadline. Bytes that are no
 * packet (AT text of a module that booted normally, line noise) are
 * skipped one at a time while resync is true. */
static int sahara_next(flasher *f, struct sahara_pkt *p, uint32_t deadline, bool resync)
{
	for (;;) {
		int n = f->in_len ? sahara_decode(f->in, f->in_len, p) : 0;
		if (n > 0) {
			consume(f, (size_t)n);
			note(f, "sahara rx %llu %s", p->cmd, sahara_cmd_name(p->cmd));
			return FL_OK;
		}
		if (n < 0) {
			if (!resync)
				return fail(f, FL_EPROTO, "the module sent a Sahara packet out of step");
			consume(f, 1);
			continue;
		}
		int rc = fill(f, deadline);
		if (rc)
			return rc;
	}
}

static int sahara_send(flasher *f, const struct sahara_pkt *p)
{
	uint8_t b[SAHARA_PKT_MAX];
	int n = sahara_encode(p, b, sizeof b);
	if (n < 0)
		return fail(f, FL_EPROTO, "cannot encode a Sahara packet");
	note(f, "sahara tx %llu %s", p->cmd, sahara_cmd_name(p->cmd));
	return put(f, b, (size_t)n);
}

int fl_sahara(flasher *f, const blob *prog, uint64_t off, uint64_t size, uint32_t wait_ms)
{
	struct sahara_pkt p;
	uint32_t deadline = f->port->now_ms(f->port->ctx) + wait_ms;
	int rc;
	f->why[0] = '\0';
	for (;;) {
		uint32_t now = f->port->now_ms(f->port->ctx), until = now + FL_REQUEST_MS;
		if (sarafw_time_reached(now, deadline))
			return fail(f, FL_ENODEV, "no Sahara HELLO on the port");
		if ((rc = put(f, (const uint8_t *)FL_DLOAD_REQUEST, FL_DLOAD_REQUEST_LEN)))
			return rc;
		/* a port failure keeps its own reason; a quiet line asks again */
		rc = sahara_next(f, &p, sarafw_time_reached(until, deadline) ? deadline : until, true);
		if (rc && f->why[0])
			return rc;
		if (!rc && p.cmd == SAHARA_HELLO)
			break;
	}

	struct sahara_pkt r = { .cmd = SAHARA_HELLO_RESP };
	r.u.hello.version = SAHARA_VERSION;
	r.u.hello.compatible = SAHARA_VERSION_COMPAT;
	r.u.hello.max_len_or_status = SAHARA_STATUS_SUCCESS;
	r.u.hello.mode = p.u.hello.mode;
	if ((rc = sahara_send(f, &r)))
		return rc;

	uint8_t buf[4096];
	uint64_t served = 0;
	for (;;) {
		if ((rc = sahara_next(f, &p, f->port->now_ms(f->port->ctx) + f->reply_ms, false)))
			return rc == FL_ELOST && !f->why[0] ? fail(f, FL_ELOST, "the module stopped asking for the programmer")
							    : rc;
		if (p.cmd == SAHARA_READ_DATA || p.cmd == SAHARA_READ_DATA64) {
			uint64_t o = p.u.read.offset, n = p.u.read.length;
			if (o > size || n > size - o)
				return fail(f, FL_EPROG, "the module asked for bytes beyond the programmer: not its programmer");
			for (uint64_t done = 0; done < n;) {
				size_t k = n - done < sizeof buf ? (size_t)(n - done) : sizeof buf;
				if (prog->read(prog->ctx, off + o + done, buf, k) != (long)k)
					return fail(f, FL_EREAD, "reading the programmer from the bundle failed");
				if ((rc = put(f, buf, k)))
					return rc;
				done += k;
			}
			served += n;
		} else if (p.cmd == SAHARA_END_OF_IMAGE) {
			if (p.u.eoi.status != SAHARA_STATUS_SUCCESS) {
				snprintf(f->why, sizeof f->why, "END_OF_IMAGE status 0x%x after %llu bytes",
					 (unsigned)p.u.eoi.status, (unsigned long long)served);
				return FL_EPROG;
			}
			break;
		} else if (p.cmd == SAHARA_HELLO) {
			/* one more answer to a request that crossed the first HELLO:
			 * the module has our HELLO_RESP already */
		} else {
			return fail(f, FL_EPROTO, "an unexpected Sahara packet while loading the programmer");
		}
	}
	if ((rc = sahara_send(f, &(struct sahara_pkt){ .cmd = SAHARA_DONE })))
		return rc;
	if ((rc = sahara_next(f, &p, f->port->now_ms(f->port->ctx) + f->reply_ms, false)))
		return rc;
	if (p.cmd != SAHARA_DONE_RESP)
		return fail(f, FL_EPROTO, "no DONE_RESP after DONE");
	return FL_OK;
}

/* ---- Firehose ---- */

static int fh_send(flasher *f, struct fh_writer *w)
{
	f->why[0] = '\0'; /* every Firehose exchange starts here */
	int n = fh_end(w);
	if (n < 0)
		return fail(f, FL_EPROTO, "a Firehose command did not fit its buffer");
	trace(f, SARAFW_TRACE_TX, w->buf, (size_t)n);
	return put(f, (const uint8_t *)w->buf, (size_t)n);
}

/* Logs until a <response>: FL_OK with *ack and *raw set. A NAK's reason
 * is the last <log> before it. */
static int fh_answer(flasher *f, bool *ack, bool *raw, fl_part *info_parts, unsigned *n_info)
{
	uint32_t deadline = f->port->now_ms(f->port->ctx) + f->reply_ms;
	char last_log[sizeof f->why] = "";
	for (;;) {
		int res = FH_NEED;
		size_t used = f->in_len ? fh_reader_feed(&f->rd, f->in, f->in_len, &f->doc, &res) : 0;
		if (used) {
			trace(f, SARAFW_TRACE_RX, (const char *)f->in, used);
			consume(f, used);
		}
		if (res < 0)
			return fail(f, FL_EPROTO, "the programmer sent a document that is not Firehose XML");
		if (res == FH_DOC) {
			const char *v = fh_doc_get(&f->doc, "value");
			if (strcmp(f->doc.tag, "log") == 0 && v) {
				snprintf(last_log, sizeof last_log, "%s", v);
				const char *s = strstr(v, "serial_num=");
				if (s)
					sscanf(s + 11, "%23[0-9A-Za-z]", f->serial);
				const char *pn = strstr(v, "partition=");
				const char *ns = strstr(v, "num_sectors=");
				if (info_parts && pn && ns && *n_info < FL_PARTS_MAX) {
					fl_part *p = &info_parts[*n_info];
					unsigned long long s64 = 0;
					if (sscanf(pn + 10, "%15[a-z0-9_]", p->name) == 1 && sscanf(ns + 12, "%llu", &s64) == 1) {
						p->sectors = s64;
						(*n_info)++;
					}
				}
				deadline = f->port->now_ms(f->port->ctx) + f->reply_ms;
				continue;
			}
			if (strcmp(f->doc.tag, "response") == 0 && v) {
				*ack = strcmp(v, "ACK") == 0;
				const char *rm = fh_doc_get(&f->doc, "rawmode");
				*raw = rm && strcmp(rm, "true") == 0;
				uint64_t mp;
				if (fh_doc_u64(&f->doc, "MaxPayloadSizeToTargetInBytes", &mp) == 0 && mp >= FL_SECTOR &&
				    mp < f->max_payload)
					f->max_payload = mp;
				if (!*ack)
					snprintf(f->why, sizeof f->why, "%s", last_log[0] ? last_log : "NAK without a reason");
				return FL_OK;
			}
			continue; /* another element: ignored, as qdl does */
		}
		int rc = fill(f, deadline);
		if (rc)
			return rc == FL_ELOST && !f->why[0] ? fail(f, FL_ELOST, "the programmer stopped answering") : rc;
	}
}

/* A command that must be ACKed (no raw data). */
static int fh_command(flasher *f, struct fh_writer *w, fl_part *parts, unsigned *n)
{
	bool ack, raw;
	int rc = fh_send(f, w);
	if (!rc)
		rc = fh_answer(f, &ack, &raw, parts, n);
	if (rc)
		return rc;
	return ack ? FL_OK : FL_ENAK;
}

static int configure(flasher *f, uint64_t payload)
{
	char b[512];
	struct fh_writer w;
	fh_begin(&w, b, sizeof b, "configure");
	fh_attr(&w, "MemoryName", "nand");
	fh_attr_u64(&w, "MaxPayloadSizeToTargetInBytes", payload);
	fh_attr(&w, "verbose", "0");
	fh_attr(&w, "ZLPAwareHost", "0");
	fh_attr(&w, "SkipStorageInit", "0");
	return fh_command(f, &w, NULL, NULL);
}

int fl_configure(flasher *f)
{
	char b[256];
	struct fh_writer w;
	f->max_payload = FH_PAYLOAD_WANT;
	int rc = configure(f, FH_PAYLOAD_WANT);
	/* a NAK names the payload it takes: configure again with it, as qdl does */
	if (rc == FL_ENAK && f->max_payload < FH_PAYLOAD_WANT)
		rc = configure(f, f->max_payload);
	if (rc)
		return rc;
	fh_begin(&w, b, sizeof b, "getstorageinfo");
	fh_attr(&w, "physical_partition_number", "0");
	f->n_parts = 0;
	f->serial[0] = '\0';
	return fh_command(f, &w, f->parts, &f->n_parts);
}

const fl_part *fl_find(const flasher *f, const char *name)
{
	for (unsigned i = 0; i < f->n_parts; i++)
		if (strcmp(f->parts[i].name, name) == 0)
			return &f->parts[i];
	return NULL;
}

static void sector_cmd(struct fh_writer *w, char *b, size_t cap, const char *tag, const char *label,
		       uint64_t sectors)
{
	fh_begin(w, b, cap, tag);
	fh_attr_u64(w, "SECTOR_SIZE_IN_BYTES", FL_SECTOR);
	fh_attr_u64(w, "num_partition_sectors", sectors);
	fh_attr(w, "physical_partition_number", "0");
	fh_attr(w, "start_sector", "0");
	fh_attr(w, "label", label);
}

int fl_read(flasher *f, const char *label, uint64_t sectors, uint8_t *out)
{
	char b[512];
	struct fh_writer w;
	bool ack, raw;
	sector_cmd(&w, b, sizeof b, "read", label, sectors);
	int rc = fh_send(f, &w);
	if (!rc)
		rc = fh_answer(f, &ack, &raw, NULL, NULL);
	if (rc)
		return rc;
	if (!ack)
		return FL_ENAK;
	if (!raw)
		return fail(f, FL_EPROTO, "the programmer ACKed <read> without raw mode");
	uint64_t want = sectors * FL_SECTOR, got = 0;
	uint32_t deadline = f->port->now_ms(f->port->ctx) + f->reply_ms;
	while (got < want) {
		if (f->in_len) {
			size_t k = f->in_len < want - got ? f->in_len : (size_t)(want - got);
			memcpy(out + got, f->in, k);
			consume(f, k);
			got += k;
			deadline = f->port->now_ms(f->port->ctx) + f->reply_ms;
			continue;
		}
		if ((rc = fill(f, deadline)))
			return rc == FL_ELOST && !f->why[0] ? fail(f, FL_ELOST, "the module stopped sending the partition") : rc;
	}
	note(f, "read %llu bytes of %s", (unsigned long long)want, label);
	if ((rc = fh_answer(f, &ack, &raw, NULL, NULL)))
		return rc;
	return ack ? FL_OK : FL_ENAK;
}

int fl_program(flasher *f, const char *label, const blob *src, uint64_t off, uint64_t len, fl_progress_fn progress,
	       void *ctx)
{
	static uint8_t buf[RAW_PIECE];
	char b[512];
	struct fh_writer w;
	bool ack, raw;
	uint64_t sectors = (len + FL_SECTOR - 1) / FL_SECTOR, total = sectors * FL_SECTOR;
	sector_cmd(&w, b, sizeof b, "program", label, sectors);
	int rc = fh_send(f, &w);
	if (!rc)
		rc = fh_answer(f, &ack, &raw, NULL, NULL);
	if (rc)
		return rc;
	if (!ack)
		return FL_ENAK;
	if (!raw)
		return fail(f, FL_EPROTO, "the programmer ACKed <program> without raw mode");
	size_t piece = f->max_payload < sizeof buf ? (size_t)f->max_payload : sizeof buf;
	for (uint64_t done = 0; done < total;) {
		size_t k = total - done < piece ? (size_t)(total - done) : piece;
		size_t from_file = done >= len ? 0 : len - done < k ? (size_t)(len - done) : k;
		if (from_file && src->read(src->ctx, off + done, buf, from_file) != (long)from_file)
			return fail(f, FL_EREAD, "reading the bundle failed");
		memset(buf + from_file, 0, k - from_file);
		if ((rc = put(f, buf, k)))
			return rc;
		done += k;
		if (progress)
			progress(ctx, done < len ? done : len, len);
	}
	note(f, "sent %llu bytes to %s", (unsigned long long)total, label);
	if ((rc = fh_answer(f, &ack, &raw, NULL, NULL)))
		return rc;
	return ack ? FL_OK : FL_ENAK;
}

int fl_reset(flasher *f)
{
	char b[256];
	struct fh_writer w;
	fh_begin(&w, b, sizeof b, "power");
	fh_attr(&w, "value", "reset");
	return fh_command(f, &w, NULL, NULL);
}
