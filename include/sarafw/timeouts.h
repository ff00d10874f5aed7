/* libsarafw: the host's own time bounds, in one place. Durations that
 * depend on the product version (preparation, XMODEM window, boot,
 * install) are in the variant table (sarafw/variant.h); these are the
 * rest. Each is "module time" in milliseconds (see sarafw/port.h) and may
 * be overridden at build time, e.g. -DSARAFW_ANSWER_MS=8000. */
#ifndef SARAFW_TIMEOUTS_H
#define SARAFW_TIMEOUTS_H

/* An ordinary command (a query, ATE0, AT+IPR=...) answers within this.
 * V.250 commands answer at once; the slowest sarafw sends answer in well
 * under a second on an idle module. */
#ifndef SARAFW_ANSWER_MS
#define SARAFW_ANSWER_MS 5000u
#endif

/* One "AT" attempt of the probe loop: the note's check loop asks about
 * once a second (note §2.6.4). Also the quiet time that tells the line
 * has settled before the probe confirms a late answer. */
#ifndef SARAFW_PROBE_TRY_MS
#define SARAFW_PROBE_TRY_MS 1000u
#endif

/* note §5.1.1: the final result code of +UFWUPD after the last XMODEM
 * ACK (SARA-R422 family). The note gives no figure; the module answers
 * at once, this allows for a busy flash. */
#ifndef SARAFW_FOAT_FINAL_MS
#define SARAFW_FOAT_FINAL_MS 15000u
#endif

/* After a transfer on SARA-R410M/R412M (note §5.1.2, no end indication):
 * silence that tells the module has stopped sending, before probing. */
#ifndef SARAFW_QUIET_MS
#define SARAFW_QUIET_MS 1000u
#endif

/* After the OK of AT+IPR=<rate> (sent at the old rate): the host keeps
 * its rate this long before it follows, so the OK's line end (and the
 * module's switch at the end of it) is not cut off mid-frame; a LF at
 * 9600 b/s takes about 1 ms. */
#ifndef SARAFW_IPR_SETTLE_MS
#define SARAFW_IPR_SETTLE_MS 20u
#endif

/* After a cancel (CAN CAN) inside or just before the XMODEM window: how
 * long to wait for the module's answer (ERROR on the SARA-R422 family,
 * nothing on SARA-R410M/R412M) before the line is taken as free. */
#ifndef SARAFW_CANCEL_MS
#define SARAFW_CANCEL_MS 2000u
#endif

/* The longest single port wait of a blocking call: bounds how late a
 * blocking loop notices the caller's cancel request. Not a deadline. */
#ifndef SARAFW_POLL_MS
#define SARAFW_POLL_MS 200u
#endif

/* note §5.2: +UDWNFILE's final result code once the last data byte is
 * with the port. The note gives no figure; the bytes are already sent,
 * so only the module's commit is left: the same allowance as
 * SARAFW_FOAT_FINAL_MS. */
#ifndef SARAFW_UDWNFILE_FINAL_MS
#define SARAFW_UDWNFILE_FINAL_MS 15000u
#endif

/* Bytes a port may still hold after its write returned (the kernel's
 * tty buffer, a USB adapter's FIFO): Linux lets a tty queue up to 64 KiB.
 * A wait that starts when the last byte was written adds their line
 * time at the transfer's rate, since at 9600 b/s they
 * take over a minute to reach the module. */
#ifndef SARAFW_PORT_QUEUE_MAX
#define SARAFW_PORT_QUEUE_MAX 65536u
#endif

/* +UDWNFILE aborted (or its '>' lost) after the module took the command:
 * it waits for the promised bytes until its own timeout, then answers an
 * error and discards them. The note gives no figure for that timeout;
 * past this bound the host probes with AT either way. */
#ifndef SARAFW_UDWNFILE_ABORT_MS
#define SARAFW_UDWNFILE_ABORT_MS 30000u
#endif

/* FTP and HTTP downloads by the module (note §3, §4). The login's result
 * (+UUFTPCR: 1,<r>) is the server's answer over the radio: the note gives
 * no figure. */
#ifndef SARAFW_FTP_LOGIN_MS
#define SARAFW_FTP_LOGIN_MS 60000u
#endif

/* note §3.2: a cancel "may take ~20/50 s depending on the network
 * condition" until +UUFTPCR: 100,0; this adds a margin. */
#ifndef SARAFW_FTP_CANCEL_MS
#define SARAFW_FTP_CANCEL_MS 60000u
#endif

/* The result of an FTP/HTTP download when the caller sets no bound: the
 * note's Table 3 puts a large delta at minutes on LTE Cat M1; NB1 takes
 * far longer, so a caller on NB1 sets cfg->max_ms. */
#ifndef SARAFW_NET_DOWNLOAD_MS
#define SARAFW_NET_DOWNLOAD_MS 1800000u
#endif

#endif
