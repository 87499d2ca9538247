/* mcp-sse-event-parser.h: an incremental text/event-stream decoder
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include <glib-object.h>

#include "mcp-sse-version-macros.h"

G_BEGIN_DECLS

/**
 * MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE:
 *
 * The default of [property@EventParser:max-event-size]: 16 MiB.
 *
 * Since: 1.0
 */
#define MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE (G_GUINT64_CONSTANT (16) * 1024 * 1024)

#define MCP_SSE_TYPE_EVENT_PARSER (mcp_sse_event_parser_get_type ())

MCP_SSE_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (McpSseEventParser, mcp_sse_event_parser, MCP_SSE, EVENT_PARSER, GObject)

MCP_SSE_AVAILABLE_IN_1_0
McpSseEventParser *mcp_sse_event_parser_new                (void);
MCP_SSE_AVAILABLE_IN_1_0
gboolean           mcp_sse_event_parser_feed               (McpSseEventParser  *self,
                                                            const guint8       *data,
                                                            gsize               length,
                                                            GError            **error);
MCP_SSE_AVAILABLE_IN_1_0
void               mcp_sse_event_parser_end                (McpSseEventParser  *self);
MCP_SSE_AVAILABLE_IN_1_0
void               mcp_sse_event_parser_reset              (McpSseEventParser  *self);
MCP_SSE_AVAILABLE_IN_1_0
const char        *mcp_sse_event_parser_get_last_event_id  (McpSseEventParser  *self);
MCP_SSE_AVAILABLE_IN_1_0
gint64             mcp_sse_event_parser_get_retry          (McpSseEventParser  *self);
MCP_SSE_AVAILABLE_IN_1_0
guint64            mcp_sse_event_parser_get_max_event_size (McpSseEventParser  *self);
MCP_SSE_AVAILABLE_IN_1_0
void               mcp_sse_event_parser_set_max_event_size (McpSseEventParser  *self,
                                                            guint64             max_event_size);

G_END_DECLS
