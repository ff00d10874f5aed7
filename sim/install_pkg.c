/* The installer's package steps (install_pkg.h): the interim format. */
#include "install_pkg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fota.h"

#define MAGIC "SARAFW-SIM-PKG "
#define HDR_MAX 4096
#define CHUNK 65536

/* A whole unsigned decimal or hex number, or -1. */
static int parse_u64(const char *s, int base, uint64_t *out)
{
	char *end;
	unsigned long long v;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_kind(const char *s, unsigned *kind)
{
	*kind = 0;
	while (s && *s) {
		size_t n = strcspn(s, ",");
		if (n == 8 && strncmp(s, "firmware", 8) == 0)
			*kind |= SIM_PKG_FIRMWARE;
		else if (n == 7 && strncmp(s, "profile", 7) == 0)
			*kind |= SIM_PKG_PROFILE;
		else if (n == 3 && strncmp(s, "nvm", 3) == 0)
			*kind |= SIM_PKG_NVM;
		else
			return -1;
		s += n + (s[n] == ',');
	}
	return *kind ? 0 : -1;
}

static int copy_str(char *dst, size_t cap, const char *s)
{
	if (!s || strlen(s) >= cap)
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int sim_pkg_parse_header(const char *buf, size_t n, struct sim_pkg_info *info, size_t *hdr_len)
{
	static struct sim_kv kv; /* 9 KB: the simulator is single-threaded */
	char text[HDR_MAX + 1];
	size_t i, end = 0;
	uint64_t v;
	const char *s;
	memset(info, 0, sizeof *info);
	if (n > HDR_MAX)
		n = HDR_MAX;
	if (n < sizeof MAGIC || memcmp(buf, MAGIC, sizeof MAGIC - 1) != 0)
		return SIM_INST_CORRUPTED;
	for (i = sizeof MAGIC - 1; i < n && buf[i] >= '0' && buf[i] <= '9' && i < sizeof MAGIC + 4; i++)
		info->format = info->format * 10 + (buf[i] - '0');
	if (i == sizeof MAGIC - 1 || i >= n || buf[i] != '\n')
		return SIM_INST_CORRUPTED;
	if (info->format != 1)
		return SIM_INST_VERSION;
	for (; i + 1 < n; i++)
		if (buf[i] == '\n' && buf[i + 1] == '\n') {
			end = i + 2;
			break;
		}
	if (!end)
		return SIM_INST_CORRUPTED; /* no end of header within 4 KiB */
	memcpy(text, buf, end);
	text[end] = '\0';
	if (memchr(text, '\0', end))
		return SIM_INST_CORRUPTED;
	sim_kv_clear(&kv);
	if (sim_kv_parse(&kv, text, end) > 1) /* the magic line is skipped */
		return SIM_INST_CORRUPTED;
	if (copy_str(info->product, sizeof info->product, sim_kv_get(&kv, "product")) ||
	    parse_kind(sim_kv_get(&kv, "kind") ? sim_kv_get(&kv, "kind") : "firmware", &info->kind))
		return SIM_INST_CORRUPTED;
	if (parse_u64(sim_kv_get(&kv, "payload"), 10, &info->payload_len) ||
	    !sim_kv_get(&kv, "sig"))
		return SIM_INST_CORRUPTED;
	s = sim_kv_get(&kv, "delta");
	if (s && strcmp(s, "1") == 0)
		info->flags |= SIM_PKG_DELTA;
	else if (s && strcmp(s, "0") != 0)
		return SIM_INST_CORRUPTED;
	s = sim_kv_get(&kv, "boot");
	if (s && strcmp(s, "1") == 0)
		info->flags |= SIM_PKG_BOOT;
	if (info->kind & SIM_PKG_FIRMWARE) {
		if (copy_str(info->from_version, sizeof info->from_version, sim_kv_get(&kv, "from")) ||
		    copy_str(info->to_version, sizeof info->to_version, sim_kv_get(&kv, "to")) ||
		    !strchr(info->to_version, ',') || parse_u64(sim_kv_get(&kv, "size"), 10, &info->target_size) ||
		    info->target_size == 0 || info->target_size > SIM_FOTA_MAX ||
		    parse_u64(sim_kv_get(&kv, "crc32"), 16, &v) || v > 0xffffffffu)
			return SIM_INST_CORRUPTED;
		info->target_crc = (uint32_t)v;
		if (info->flags & SIM_PKG_DELTA) {
			if (parse_u64(sim_kv_get(&kv, "src_crc32"), 16, &v) || v > 0xffffffffu)
				return SIM_INST_CORRUPTED;
			info->source_crc = (uint32_t)v;
		}
		if (info->payload_len != info->target_size)
			return SIM_INST_CORRUPTED; /* full or XOR: one byte per target byte */
	}
	s = sim_kv_get(&kv, "profile");
	if (info->kind & SIM_PKG_PROFILE) {
		char *sp;
		uint64_t id;
		if (!s || !(sp = strchr(s, ' ')) || sp - s > 3)
			return SIM_INST_CORRUPTED;
		*sp = '\0';
		if (parse_u64(s, 10, &id) || id < 1 || id > 255 ||
		    copy_str(info->profile_name, sizeof info->profile_name, sp + 1) || !sp[1])
			return SIM_INST_CORRUPTED;
		info->profile_id = (int)id;
	}
	for (int k = 0; k < kv.n; k++) {
		if (strncmp(kv.key[k], "nvm.", 4) != 0)
			continue;
		if (!(info->kind & SIM_PKG_NVM) || info->nvm_n >= SIM_PKG_NVM_MAX || !kv.key[k][4])
			return SIM_INST_CORRUPTED;
		snprintf(info->nvm_key[info->nvm_n], sizeof info->nvm_key[0], "%s", kv.key[k] + 4);
		snprintf(info->nvm_val[info->nvm_n], sizeof info->nvm_val[0], "%s", kv.val[k]);
		info->nvm_n++;
	}
	if ((info->kind & SIM_PKG_NVM) && info->nvm_n == 0)
		return SIM_INST_CORRUPTED;
	info->payload_off = end;
	*hdr_len = end;
	return 0;
}

/* The bytes of the sig line (its start and length) in the header. */
static void sig_line(const char *hdr, size_t n, size_t *at, size_t *len)
{
	*at = *len = 0;
	for (size_t i = 0; i + 4 <= n; i++) {
		if ((i == 0 || hdr[i - 1] == '\n') && memcmp(hdr + i, "sig=", 4) == 0) {
			const char *nl = memchr(hdr + i, '\n', n - i);
			*at = i;
			*len = nl ? (size_t)(nl - (hdr + i)) + 1 : n - i;
			return;
		}
	}
}

static ssize_t read_at(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int sim_pkg_check(int fd, uint64_t size, const void *key, size_t keylen, struct sim_pkg_info *info)
{
	static uint8_t buf[CHUNK];
	char hdr[HDR_MAX];
	size_t hlen, at, slen;
	ssize_t n = read_at(fd, hdr, sizeof hdr < size ? sizeof hdr : (size_t)size, 0);
	uint32_t crc;
	uint64_t off, want;
	int rc;
	const char *sig;
	char sigbuf[16];
	uint64_t sigv;
	if (n < 0)
		return SIM_INST_GENERIC;
	rc = sim_pkg_parse_header(hdr, (size_t)n, info, &hlen);
	if (rc)
		return rc;
	/* note Table 5 180: the stored size against the header's; XMODEM
	 * pads the last block with 0x1A */
	if (size < hlen + info->payload_len || size - hlen - info->payload_len > 1024)
		return SIM_INST_SIZE;
	for (off = hlen + info->payload_len; off < size; off += (uint64_t)n) {
		n = read_at(fd, buf, size - off < CHUNK ? (size_t)(size - off) : CHUNK, off);
		if (n <= 0)
			return SIM_INST_GENERIC;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != 0x1A)
				return SIM_INST_SIZE;
	}
	if (!key || keylen == 0)
		return SIM_INST_KEY;
	sig_line(hdr, hlen, &at, &slen);
	if (slen < 6 || slen - 5 >= sizeof sigbuf)
		return SIM_INST_SIGNATURE;
	memcpy(sigbuf, hdr + at + 4, slen - 5);
	sigbuf[slen - 5] = '\0';
	sig = sigbuf;
	if (parse_u64(sig, 16, &sigv) || sigv > 0xffffffffu)
		return SIM_INST_SIGNATURE;
	crc = sim_fota_crc32(0, key, keylen);
	crc = sim_fota_crc32(crc, hdr, at);
	crc = sim_fota_crc32(crc, hdr + at + slen, hlen - at - slen);
	for (off = hlen, want = hlen + info->payload_len; off < want; off += (uint64_t)n) {
		n = read_at(fd, buf, want - off < CHUNK ? (size_t)(want - off) : CHUNK, off);
		if (n <= 0)
			return SIM_INST_GENERIC;
		crc = sim_fota_crc32(crc, buf, (size_t)n);
	}
	return crc == (uint32_t)sigv ? 0 : SIM_INST_SIGNATURE;
}

int sim_pkg_apply(int fd, const struct sim_pkg_info *info, int src_fd, int out_fd)
{
	static uint8_t p[CHUNK], s[CHUNK];
	uint32_t crc = 0;
	for (uint64_t off = 0; off < info->payload_len;) {
		size_t want = info->payload_len - off < CHUNK ? (size_t)(info->payload_len - off) : CHUNK;
		ssize_t n = read_at(fd, p, want, info->payload_off + off);
		if (n != (ssize_t)want)
			return SIM_INST_GENERIC;
		if (info->flags & SIM_PKG_DELTA) {
			ssize_t k = read_at(src_fd, s, want, off);
			if (k < 0)
				return SIM_INST_GENERIC;
			memset(s + k, 0, want - (size_t)k); /* a shorter source reads as zeros */
			for (size_t i = 0; i < want; i++)
				p[i] ^= s[i];
		}
		crc = sim_fota_crc32(crc, p, want);
		if (sim_flash_write_fd(out_fd, p, want))
			return SIM_INST_GENERIC;
		off += want;
	}
	return crc == info->target_crc ? 0 : SIM_INST_CORRUPTED;
}
