/* mcp-sse-event-private.h: building events inside the library
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mcp-sse-event.h"

G_BEGIN_DECLS

McpSseEvent *mcp_sse_event_new_take (char  *event_type,
                                     char  *id,
                                     char  *data,
                                     gsize  length);

G_END_DECLS
