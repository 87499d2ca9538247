/* mcp-sse-debug-private.h: debug output by category (MCP_SSE_DEBUG)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The categories of MCP_SSE_DEBUG, a comma-separated list of their names
 * (g_parse_debug_string); `1` and `all` select every one. */
typedef enum
{
  MCP_SSE_DEBUG_TRANSPORT = 1 << 0,  /* "transport": states, starts, closes */
  MCP_SSE_DEBUG_HTTP      = 1 << 1,  /* "http": the HTTP exchange */
  MCP_SSE_DEBUG_SSE       = 1 << 2,  /* "sse": the events of a stream */
  MCP_SSE_DEBUG_JSONRPC   = 1 << 3,  /* "jsonrpc": the messages */
  MCP_SSE_DEBUG_STDIO     = 1 << 4,  /* "stdio": server processes and their stderr */
} McpSseDebugFlags;

guint mcp_sse_debug_get_flags (void);

void  mcp_sse_debug_print     (McpSseDebugFlags  category,
                               const char       *format,
                               ...) G_GNUC_PRINTF (2, 3);

#define MCP_SSE_DEBUG_ENABLED(category) \
  G_UNLIKELY ((mcp_sse_debug_get_flags () & MCP_SSE_DEBUG_##category) != 0)

/* The arguments are evaluated only when the category is on. */
#define MCP_SSE_NOTE(category, ...)                                        \
  G_STMT_START {                                                           \
    if (MCP_SSE_DEBUG_ENABLED (category))                                  \
      mcp_sse_debug_print (MCP_SSE_DEBUG_##category, __VA_ARGS__);         \
  } G_STMT_END

G_END_DECLS
