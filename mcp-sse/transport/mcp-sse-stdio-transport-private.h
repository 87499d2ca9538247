/* mcp-sse-stdio-transport-private.h: what the tests may see of the stdio transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mcp-sse-stdio-transport.h"

G_BEGIN_DECLS

/* How long the shutdown of a server process waits after closing its
 * standard input before SIGTERM, and after SIGTERM before SIGKILL. */
#define MCP_SSE_STDIO_STDIN_CLOSE_WAIT_SECONDS 2.0
#define MCP_SSE_STDIO_TERM_WAIT_SECONDS        2.0

/* The longest line of the server's standard error passed on, in bytes. */
#define MCP_SSE_STDIO_STDERR_LINE_MAX 4096

/* The most bytes of a message line the current connection ever held at
 * once (0 when not connected). */
gsize mcp_sse_stdio_transport_get_peak_held (McpSseStdioTransport *self);

G_END_DECLS
