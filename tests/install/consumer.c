/* consumer.c: a program built against the installed library with nothing
 * but the flags of `pkg-config --cflags --libs mcp-sse-1`
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <mcp-sse/mcp-sse.h>

#if !MCP_SSE_CHECK_VERSION (1, 0, 0)
# error "MCP_SSE_CHECK_VERSION does not see version 1.0.0"
#endif

static void
on_event (McpSseEventParser *parser,
          McpSseEvent       *event,
          gpointer           user_data)
{
  g_print ("event %s: %s\n", mcp_sse_event_get_event_type (event),
           mcp_sse_event_get_data (event));
}

int
main (void)
{
  static const char stream[] = "event: endpoint\r\ndata: /message?sessionId=1\r\n\r\n";
  g_autoptr(McpSseEventParser) parser = mcp_sse_event_parser_new ();
  g_autoptr(McpSseConnectionManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GEnumClass) states = NULL;

  g_print ("version %s\n", MCP_SSE_VERSION_S);

  g_signal_connect (parser, "event", G_CALLBACK (on_event), NULL);
  if (!mcp_sse_event_parser_feed (parser, (const guint8 *) stream, sizeof stream - 1, &error))
    {
      g_printerr ("feed failed: %s\n", error->message);
      return 1;
    }

  manager = mcp_sse_connection_manager_new ("http://127.0.0.1:1/sse");
  states = g_type_class_ref (MCP_SSE_TYPE_CONNECTION_STATE);
  g_print ("state %s\n",
           g_enum_get_value (states, mcp_sse_connection_manager_get_state (manager))->value_nick);

  return 0;
}
