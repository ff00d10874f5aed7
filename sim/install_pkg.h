/* sarafw-sim: the installer's two package steps, check and apply, behind
 * one small interface (installer.c calls nothing else of a package).
 *
 * Interim format until common/pkg.h (pkg_check/pkg_apply, Ed25519,
 * compressed delta) takes these two functions' place:
 *
 *   SARAFW-SIM-PKG <format>\n      magic line; format 1
 *   key=value\n ...               header (sim_kv_parse), at most 4 KiB
 *   \n                            end of the header
 *   <payload>                     full image, or target XOR source
 *
 * Keys: product (as +CGMM), kind (firmware, profile, nvm; comma list),
 * delta (0/1), boot (1: touches boot code), from and to (ATI9's pair),
 * size and crc32 (target image), src_crc32 (delta: the source image),
 * payload (bytes), profile ("<id> <name>"), nvm.<key> (an NVM item), sig:
 * CRC-32 (hex) of the module's key file followed by every byte of the
 * package but the sig line. XMODEM's 0x1A padding after the payload is
 * allowed. Every code is note Table 5's. */
#ifndef SIM_INSTALL_PKG_H
#define SIM_INSTALL_PKG_H

#include <stddef.h>
#include <stdint.h>

#include "flash.h"

/* note Table 5: the final codes of an install */
enum sim_install_code {
	SIM_INST_OK = 128,
	SIM_INST_GENERIC = 129,
	SIM_INST_CORRUPTED = 148,
	SIM_INST_NOT_DELTA = 158,
	SIM_INST_SOURCE = 168,
	SIM_INST_SIGNATURE = 173,
	SIM_INST_VERSION = 174,
	SIM_INST_SIZE = 180,
	SIM_INST_KEY = 227,
	SIM_INST_PREVALIDATION = 247,
};

#define SIM_PKG_FIRMWARE 0x1u
#define SIM_PKG_PROFILE 0x2u
#define SIM_PKG_NVM 0x4u
#define SIM_PKG_DELTA 0x1u /* flags */
#define SIM_PKG_BOOT 0x2u

#define SIM_PKG_NVM_MAX 8

struct sim_pkg_info {
	int format;
	char product[32];
	unsigned kind;  /* SIM_PKG_FIRMWARE | _PROFILE | _NVM */
	unsigned flags; /* SIM_PKG_DELTA | SIM_PKG_BOOT */
	char from_version[64], to_version[64]; /* "MODEM,APP" as ATI9 prints */
	uint64_t target_size;
	uint32_t target_crc, source_crc;
	uint64_t payload_off, payload_len;
	int profile_id; /* 0: none */
	char profile_name[41];
	int nvm_n;
	char nvm_key[SIM_PKG_NVM_MAX][32];
	char nvm_val[SIM_PKG_NVM_MAX][160];
};

/* Structure, size and signature of the package in fd (size bytes as
 * stored) against the key file's bytes (key NULL or keylen 0: no key).
 * 0 with info filled, or 148, 173, 174, 180 or 227. */
int sim_pkg_check(int fd, uint64_t size, const void *key, size_t keylen, struct sim_pkg_info *info);

/* Writes the target image to out_fd from the package and the source
 * image (src_fd; used by a delta). 0, 148 when the result's CRC is not
 * the header's, 129 on an I/O error. */
int sim_pkg_apply(int fd, const struct sim_pkg_info *info, int src_fd, int out_fd);

/* Parses the header (text up to the blank line; buf need not be
 * NUL-terminated). 0, or a Table 5 code. Used by sim_pkg_check(). */
int sim_pkg_parse_header(const char *buf, size_t n, struct sim_pkg_info *info, size_t *hdr_len);

#endif
