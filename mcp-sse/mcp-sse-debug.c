/* mcp-sse-debug.c: debug output by category (MCP_SSE_DEBUG)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-debug-private.h"

static const GDebugKey debug_keys[] = {
  { "transport", MCP_SSE_DEBUG_TRANSPORT },
  { "http", MCP_SSE_DEBUG_HTTP },
  { "sse", MCP_SSE_DEBUG_SSE },
  { "jsonrpc", MCP_SSE_DEBUG_JSONRPC },
  { "stdio", MCP_SSE_DEBUG_STDIO },
};

static guint
parse_debug_flags (const char *value)
{
  if (value == NULL || *value == '\0' || strcmp (value, "0") == 0)
    return 0;
  if (strcmp (value, "1") == 0)
    return g_parse_debug_string ("all", debug_keys, G_N_ELEMENTS (debug_keys));

  return g_parse_debug_string (value, debug_keys, G_N_ELEMENTS (debug_keys));
}

guint
mcp_sse_debug_get_flags (void)
{
  static gsize initialized;
  static guint flags;

  if (g_once_init_enter (&initialized))
    {
      flags = parse_debug_flags (g_getenv ("MCP_SSE_DEBUG"));
      g_once_init_leave (&initialized, 1);
    }

  return flags;
}

static const char *
category_name (McpSseDebugFlags category)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (debug_keys); i++)
    if (debug_keys[i].value == category)
      return debug_keys[i].key;

  return "?";
}

/* At message level, so that MCP_SSE_DEBUG alone is enough: GLib 2.74
 * shows debug messages only to G_MESSAGES_DEBUG, which knows no
 * categories. */
void
mcp_sse_debug_print (McpSseDebugFlags  category,
                     const char       *format,
                     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  g_message ("[%s] %s", category_name (category), text);
}
