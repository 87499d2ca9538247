/* mcp-sse-json-reader.c: turning message data into JsonNodes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-error.h"
#include "mcp-sse-json-reader-private.h"

/*
 * mcp_sse_json_reader_read:
 * @text: UTF-8 text, not necessarily NUL-terminated
 * @length: the length of @text in bytes
 * @error: return location for a #GError
 *
 * Reads exactly one JSON value from @text.
 *
 * Returns: (transfer full): the value, or %NULL with
 *   %MCP_SSE_ERROR_INVALID_MESSAGE set
 */
JsonNode *
mcp_sse_json_reader_read (const char  *text,
                          gsize        length,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  if (!json_parser_load_from_data (parser, text, length, &local_error))
    {
      g_set_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                   "Invalid JSON message: %s", local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
                           "Invalid JSON message: no value");
      return NULL;
    }

  return json_parser_steal_root (parser);
}
