/* mcp-sse-stdio-transport.h: an MCP server as a subprocess, over its stdin and stdout
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mcp-sse-transport.h"
#include "mcp-sse-version-macros.h"

G_BEGIN_DECLS

/**
 * MCP_SSE_STDIO_TRANSPORT_DEFAULT_TIMEOUT:
 *
 * The default of [property@StdioTransport:timeout], in seconds.
 *
 * Since: 1.2
 */
#define MCP_SSE_STDIO_TRANSPORT_DEFAULT_TIMEOUT 5.0

#define MCP_SSE_TYPE_STDIO_TRANSPORT (mcp_sse_stdio_transport_get_type ())

MCP_SSE_AVAILABLE_IN_1_2
G_DECLARE_FINAL_TYPE (McpSseStdioTransport, mcp_sse_stdio_transport, MCP_SSE, STDIO_TRANSPORT, GObject)

MCP_SSE_AVAILABLE_IN_1_2
McpSseStdioTransport *mcp_sse_stdio_transport_new                (const char * const  *argv) G_GNUC_WARN_UNUSED_RESULT;
MCP_SSE_AVAILABLE_IN_1_2
McpSseStdioTransport *mcp_sse_stdio_transport_new_with_launcher  (GSubprocessLauncher *launcher,
                                                                  const char * const  *argv) G_GNUC_WARN_UNUSED_RESULT;

MCP_SSE_AVAILABLE_IN_1_2
const char * const   *mcp_sse_stdio_transport_get_argv           (McpSseStdioTransport *self);
MCP_SSE_AVAILABLE_IN_1_2
GSubprocessLauncher  *mcp_sse_stdio_transport_get_launcher       (McpSseStdioTransport *self);
MCP_SSE_AVAILABLE_IN_1_2
GSubprocess          *mcp_sse_stdio_transport_get_subprocess     (McpSseStdioTransport *self);

MCP_SSE_AVAILABLE_IN_1_2
double                mcp_sse_stdio_transport_get_timeout        (McpSseStdioTransport *self);
MCP_SSE_AVAILABLE_IN_1_2
void                  mcp_sse_stdio_transport_set_timeout        (McpSseStdioTransport *self,
                                                                  double                timeout);
MCP_SSE_AVAILABLE_IN_1_2
guint64               mcp_sse_stdio_transport_get_max_event_size (McpSseStdioTransport *self);
MCP_SSE_AVAILABLE_IN_1_2
void                  mcp_sse_stdio_transport_set_max_event_size (McpSseStdioTransport *self,
                                                                  guint64               max_event_size);

G_END_DECLS
