/* Qualcomm Sahara packets: the protocol a module in flash mode speaks
 * first, to load the flash programmer (then Firehose, firehose.h). Used by
 * the simulator's flash mode and by sarafw flash; never by lib/.
 *
 * A packet is a little-endian 32-bit command, a 32-bit length (the whole
 * packet, header included) and fixed fields per command. The layouts and
 * lengths below are those of linux-msm/qdl src/sahara.c (struct
 * sahara_pkt and the SAHARA_*_LENGTH constants): HELLO and HELLO_RESP
 * 0x30, READ_DATA 0x14, READ_DATA64 0x20, END_OF_IMAGE 0x10, DONE and
 * RESET 0x8, DONE_RESP 0xc. Over USB a packet is one bulk transfer; over
 * a serial line only its length field frames it, so decoding checks the
 * length against the command before trusting it.
 *
 * The module (target) sends HELLO, READ_DATA/READ_DATA64, END_OF_IMAGE,
 * DONE_RESP, RESET_RESP; the host sends HELLO_RESP, raw image bytes for a
 * read, DONE and RESET. */
#ifndef SARAFW_COMMON_SAHARA_H
#define SARAFW_COMMON_SAHARA_H

#include <stddef.h>
#include <stdint.h>

enum sahara_cmd {
	SAHARA_HELLO = 0x01,
	SAHARA_HELLO_RESP = 0x02,
	SAHARA_READ_DATA = 0x03,
	SAHARA_END_OF_IMAGE = 0x04,
	SAHARA_DONE = 0x05,
	SAHARA_DONE_RESP = 0x06,
	SAHARA_RESET = 0x07,
	SAHARA_RESET_RESP = 0x08,
	SAHARA_READ_DATA64 = 0x12,
};

#define SAHARA_HEADER_LEN 8
#define SAHARA_PKT_MAX 0x30 /* the longest packet: HELLO */

#define SAHARA_VERSION 2        /* qdl answers HELLO with version 2 */
#define SAHARA_VERSION_COMPAT 1 /* the oldest version a HELLO says it speaks */
#define SAHARA_MODE_IMAGE_TX_PENDING 0
#define SAHARA_MODE_IMAGE_TX_COMPLETE 1
#define SAHARA_MODE_COMMAND 3

/* END_OF_IMAGE and HELLO_RESP status: 0 success, else the target's
 * reason (Qualcomm's SAHARA_NAK_* values, as public Sahara hosts list
 * them). */
enum sahara_status {
	SAHARA_STATUS_SUCCESS = 0x00,
	SAHARA_STATUS_INVALID_CMD = 0x01,
	SAHARA_STATUS_PROTOCOL_MISMATCH = 0x02,
	SAHARA_STATUS_INVALID_PACKET_SIZE = 0x05,
	SAHARA_STATUS_UNEXPECTED_IMAGE_ID = 0x06,
	SAHARA_STATUS_INVALID_ELF_HDR = 0x14,
	SAHARA_STATUS_TIMEOUT_RX = 0x16,
	SAHARA_STATUS_HASH_TABLE_AUTH_FAILURE = 0x21, /* signed for another product */
};

/* DONE_RESP status (qdl: "0 == PENDING, 1 == COMPLETE") */
#define SAHARA_DONE_PENDING 0
#define SAHARA_DONE_COMPLETE 1

/* One decoded packet. Only the fields of its command are meaningful;
 * encoding writes zero for every reserved word. */
struct sahara_pkt {
	uint32_t cmd;
	uint32_t len; /* decode: the length field; encode: ignored (set from cmd) */
	union {
		/* HELLO and HELLO_RESP: the third word is max_len in HELLO
		 * (the longest packet the target takes) and status in the
		 * response */
		struct {
			uint32_t version, compatible, max_len_or_status, mode;
		} hello;
		/* READ_DATA (32-bit fields) and READ_DATA64 (64-bit) */
		struct {
			uint64_t image, offset, length;
		} read;
		/* END_OF_IMAGE */
		struct {
			uint32_t image, status;
		} eoi;
		/* DONE_RESP */
		struct {
			uint32_t status;
		} done;
	} u;
};

/* Errors (negative) of sahara_decode(). */
enum {
	SAHARA_E_CMD = -1,   /* a command this codec does not know */
	SAHARA_E_LEN = -2,   /* the length field is not the command's length */
	SAHARA_E_SPACE = -3, /* encode: the output buffer is too small, or a
	                      * READ_DATA value does not fit 32 bits */
};

/* The packet length of cmd (header included), 0 for an unknown command. */
size_t sahara_cmd_len(uint32_t cmd);

/* The command's name ("HELLO", "READ_DATA64"...), "?" if unknown. */
const char *sahara_cmd_name(uint32_t cmd);

/* Decode the packet at the start of buf (n bytes of a stream). Returns its
 * length (> 0, the bytes it used), 0 when more bytes are needed (fewer
 * than the header, or than its length says), or SAHARA_E_CMD /
 * SAHARA_E_LEN: the stream is out of step and the caller should send
 * RESET, as qdl does. Never reads past buf[n-1]. */
int sahara_decode(const uint8_t *buf, size_t n, struct sahara_pkt *p);

/* Encode p (p->cmd decides the layout) into out; returns the length
 * written, or SAHARA_E_CMD / SAHARA_E_SPACE. */
int sahara_encode(const struct sahara_pkt *p, uint8_t *out, size_t cap);

#endif
