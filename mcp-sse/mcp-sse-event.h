/* mcp-sse-event.h: one dispatched Server-Sent Event
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

#define MCP_SSE_TYPE_EVENT (mcp_sse_event_get_type ())

typedef struct _McpSseEvent McpSseEvent;

MCP_SSE_AVAILABLE_IN_1_0
GType        mcp_sse_event_get_type       (void) G_GNUC_CONST;
MCP_SSE_AVAILABLE_IN_1_0
McpSseEvent *mcp_sse_event_ref            (McpSseEvent *event);
MCP_SSE_AVAILABLE_IN_1_0
void         mcp_sse_event_unref          (McpSseEvent *event);
MCP_SSE_AVAILABLE_IN_1_0
const char  *mcp_sse_event_get_event_type (McpSseEvent *event);
MCP_SSE_AVAILABLE_IN_1_0
const char  *mcp_sse_event_get_data       (McpSseEvent *event);
MCP_SSE_AVAILABLE_IN_1_0
GBytes      *mcp_sse_event_get_data_bytes (McpSseEvent *event);
MCP_SSE_AVAILABLE_IN_1_0
const char  *mcp_sse_event_get_id         (McpSseEvent *event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McpSseEvent, mcp_sse_event_unref)

G_END_DECLS
