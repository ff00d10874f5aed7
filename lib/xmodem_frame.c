/* XMODEM framing: the block checks (CRC-16/XMODEM, 8-bit checksum) and
 * the frame around a block. */
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

void sarafw_xmodem_header(uint8_t *h, uint8_t blk, size_t bs)
{
	h[0] = bs == 1024 ? SARAFW_XMODEM_STX : SARAFW_XMODEM_SOH;
	h[1] = blk;
	h[2] = (uint8_t)~blk;
}

size_t sarafw_xmodem_seal(uint8_t *frame, uint8_t blk, size_t bs, int crc)
{
	uint8_t *data = frame + 3;
	sarafw_xmodem_header(frame, blk, bs);
	if (crc) {
		uint16_t c = sarafw_xmodem_crc16(0, data, bs);
		data[bs] = (uint8_t)(c >> 8);
		data[bs + 1] = (uint8_t)c;
		return bs + 5;
	}
	data[bs] = sarafw_xmodem_checksum(data, bs);
	return bs + 4;
}
