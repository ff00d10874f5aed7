/* XMODEM block checks: CRC-16/XMODEM and the 8-bit checksum. */
#include "sarafw/xmodem.h"

uint16_t sarafw_xmodem_crc16(uint16_t crc, const uint8_t *data, size_t len)
{
	/* Bitwise: 16 shifts a byte, no 512-byte table in flash. */
	while (len--) {
		crc ^= (uint16_t)(*data++ << 8);
		for (int i = 0; i < 8; i++)
			crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
	}
	return crc;
}

uint8_t sarafw_xmodem_checksum(const uint8_t *data, size_t len)
{
	uint8_t sum = 0;
	while (len--)
		sum = (uint8_t)(sum + *data++);
	return sum;
}
