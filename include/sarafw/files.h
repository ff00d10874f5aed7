/* libsarafw: the module's user files (AT-FACTS.md "Files"): list them,
 * ask a size, read one back in blocks, delete one. Blocking calls over
 * sarafw_dev, each wait bounded; no allocation. A file is written with
 * +UDWNFILE without a tag (sarafw/udwnfile.h). Stack: each call builds
 * its command in SARAFW_CMD_MAX bytes; sarafw_file_list's line handler
 * also holds a name (SARAFW_FILE_NAME_MAX + 1). */
#ifndef SARAFW_FILES_H
#define SARAFW_FILES_H

#include <stdint.h>

#include "sarafw/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest file name the module takes: the SARA-R4 AT manual's 248
 * characters for +UDWNFILE's <filename> (docs/behaviour.md). */
#define SARAFW_FILE_NAME_MAX 248

/* Bytes one AT+URDBLOCK asks for (sarafw_file_read). The manual gives no
 * upper bound; a smaller block costs one more command turnaround. */
#ifndef SARAFW_FILE_BLOCK
#define SARAFW_FILE_BLOCK 4096u
#endif

/* A name the module's file system takes and an AT string can carry:
 * 1..SARAFW_FILE_NAME_MAX printable ASCII characters, no '"', no path
 * ('/' or '\\'), not "." or "..". SARAFW_OK or SARAFW_EINVAL. Every call
 * below checks its name with it before sending anything. */
int sarafw_file_name_check(const char *name);

/* AT+ULSTFILE=0: calls fn with each user file's name (valid during the
 * call only; no command may be sent from it). The whole answer is one
 * line, so it must fit the device's line buffer (sarafw/at.h).
 * Returns SARAFW_OK; SARAFW_EPROTO (no list in the answer, a bad list,
 * or a list longer than the line buffer); SARAFW_ENOSPACE (a name
 * longer than SARAFW_FILE_NAME_MAX: fn is not called for it, the others
 * are); what sarafw_cmd returns. */
int sarafw_file_list(sarafw_dev *dev, void (*fn)(void *ctx, const char *name), void *ctx);

/* AT+ULSTFILE=2,"name": the file's size. SARAFW_OK; SARAFW_EINVAL (the
 * name); SARAFW_EERROR (no such file: the module's +CME ERROR, see
 * sarafw_dev_last_error); SARAFW_EPROTO; what sarafw_cmd returns. */
int sarafw_file_size(sarafw_dev *dev, const char *name, uint32_t *size);

/* AT+UDELFILE="name". SARAFW_OK, SARAFW_EINVAL, or what sarafw_cmd
 * returns (SARAFW_EERROR: no such file). */
int sarafw_file_delete(sarafw_dev *dev, const char *name);

/* Takes the bytes sarafw_file_read hands out, at their offset in the
 * file; a negative sarafw_error stops the read at the end of the block
 * being read (the line is then free) and becomes its result. */
typedef int (*sarafw_file_sink)(void *ctx, uint32_t offset, const uint8_t *bytes, size_t n);

/* Reads size bytes of file name from offset, one AT+URDBLOCK of at most
 * SARAFW_FILE_BLOCK bytes at a time. The answer's data are raw bytes
 * (quotes, CR LF, "OK" among them), read with sarafw_rdfile, never as a
 * line. Each block is bounded by SARAFW_ANSWER_MS of silence from the
 * module. Returns SARAFW_OK once every byte went to sink; SARAFW_EINVAL;
 * SARAFW_EERROR (the module refused: no such file, a range past its
 * end); SARAFW_EPROTO (an answer that is not the block asked for: another
 * name, another size, a cut or garbled header, OK without data);
 * SARAFW_ETIMEOUT; SARAFW_EIO; or what sink returned. */
int sarafw_file_read(sarafw_dev *dev, const char *name, uint32_t offset, uint32_t size,
		     sarafw_file_sink sink, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
