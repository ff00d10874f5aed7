/* libsarafw: XMODEM and XMODEM-1k (Forsberg, "XMODEM/YMODEM Protocol
 * Reference"), as +UFWUPD uses it (note §5.1). */
#ifndef SARAFW_XMODEM_H
#define SARAFW_XMODEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SARAFW_XMODEM_SOH 0x01 /* 128-byte block */
#define SARAFW_XMODEM_STX 0x02 /* 1024-byte block */
#define SARAFW_XMODEM_EOT 0x04
#define SARAFW_XMODEM_ACK 0x06
#define SARAFW_XMODEM_NAK 0x15
#define SARAFW_XMODEM_CAN 0x18
#define SARAFW_XMODEM_CRC 0x43 /* 'C': receiver asks for CRC-16 */
#define SARAFW_XMODEM_PAD 0x1A /* CP/M EOF, fills the last block */

/* CRC-16/XMODEM (poly 0x1021, init 0) of len bytes, continuing from crc. */
uint16_t sarafw_xmodem_crc16(uint16_t crc, const uint8_t *data, size_t len);

/* Arithmetic checksum: sum of the bytes modulo 256. */
uint8_t sarafw_xmodem_checksum(const uint8_t *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
