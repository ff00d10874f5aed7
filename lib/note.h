/* libsarafw internal: an engine's note to the trace. With
 * SARAFW_TRACE_NOTES 0 (sarafw/dev.h) neither the call nor its text is
 * compiled in. Not part of the API. */
#ifndef SARAFW_LIB_NOTE_H
#define SARAFW_LIB_NOTE_H

#include "sarafw/dev.h"

/* Traces text (a C string) as a SARAFW_TRACE_NOTE line; lib/dev.c. */
void sarafw_dev_note(sarafw_dev *dev, const char *text);

#if SARAFW_TRACE_NOTES
#define SARAFW_NOTE(dev, text) sarafw_dev_note((dev), (text))
#else
#define SARAFW_NOTE(dev, text) ((void)(dev))
#endif

#endif
