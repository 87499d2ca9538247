/* mcp-sse-event-parser-private.h: the parser as the library's transports use it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mcp-sse-event.h"
#include "mcp-sse-event-parser.h"

G_BEGIN_DECLS

typedef void (*McpSseEventFunc) (McpSseEvent *event,
                                 gpointer     user_data);

/* Hands every event to @func instead of emitting ::event: a parser owned
 * by a transport has no other listener, and a direct call spares each
 * event the signal's marshalling and the copy of its argument that
 * bindings need. @func may drop the last reference to the parser, as a
 * handler of ::event may. */
void mcp_sse_event_parser_set_event_func (McpSseEventParser *self,
                                          McpSseEventFunc    func,
                                          gpointer           user_data);

G_END_DECLS
