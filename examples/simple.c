/* simple.c: connect to an MCP server, list its tools, call echo
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The same program exists in Python (simple.py), JavaScript (simple.js)
 * and Vala (simple.vala). Run it against the demo server:
 *
 *   mcp-sse --demo-server &
 *   ./simple http://127.0.0.1:PORT/sse
 */

#include <mcp-sse/mcp-sse.h>

typedef struct
{
  GMainLoop *loop;
  McpSseConnectionManager *manager;
  McpSseClient *client;
  int status;
} Example;

static void
finish (Example      *example,
        const char   *what,
        const GError *error)
{
  if (error != NULL)
    {
      g_printerr ("simple: %s: %s\n", what, error->message);
      example->status = 1;
    }

  /* Emits ::closed before it returns. */
  mcp_sse_client_stop (example->client);
  g_main_loop_quit (example->loop);
}

/* One line for each message the server sends. */
static void
on_message (McpSseTransport *transport,
            JsonNode        *message,
            gpointer         user_data)
{
  JsonObject *object;
  g_autofree char *id = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (message))
    {
      g_print ("message: not an object\n");
      return;
    }

  object = json_node_get_object (message);
  if (json_object_has_member (object, "id"))
    id = json_to_string (json_object_get_member (object, "id"), FALSE);

  if (json_object_has_member (object, "method"))
    g_print ("message: %s %s\n", id != NULL ? "request" : "notification",
             json_object_get_string_member (object, "method"));
  else if (json_object_has_member (object, "error"))
    g_print ("message: error for request %s\n", id);
  else
    g_print ("message: response to request %s\n", id);
}

static void
on_closed (McpSseTransport *transport,
           const GError    *error,
           gpointer         user_data)
{
  if (error != NULL)
    g_print ("closed: %s\n", error->message);
  else
    g_print ("closed\n");
}

static void
on_echo_called (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *content;

  answer = mcp_sse_client_call_tool_finish (MCP_SSE_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      finish (example, "calling echo failed", error);
      return;
    }

  content = json_object_get_array_member (json_node_get_object (answer), "content");
  for (guint i = 0; i < json_array_get_length (content); i++)
    {
      JsonObject *item = json_array_get_object_element (content, i);

      g_print ("echo: %s\n", json_object_get_string_member_with_default (item, "text", ""));
    }

  finish (example, NULL, NULL);
}

static void
on_tools_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) arguments = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *tools;

  answer = mcp_sse_client_list_tools_finish (MCP_SSE_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      finish (example, "listing the tools failed", error);
      return;
    }

  g_print ("tools:\n");
  tools = json_object_get_array_member (json_node_get_object (answer), "tools");
  for (guint i = 0; i < json_array_get_length (tools); i++)
    {
      JsonObject *tool = json_array_get_object_element (tools, i);

      g_print ("  %s: %s\n", json_object_get_string_member (tool, "name"),
               json_object_get_string_member_with_default (tool, "description", ""));
    }

  arguments = json_from_string ("{\"message\": \"Hello from mcp-sse\"}", NULL);
  mcp_sse_client_call_tool_async (example->client, "echo", arguments, NULL,
                                  on_echo_called, example);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Example *example = user_data;
  McpSseClient *client = MCP_SSE_CLIENT (source);
  g_autoptr(GError) error = NULL;
  JsonObject *server_info;

  if (!mcp_sse_client_connect_finish (client, result, &error))
    {
      finish (example, "the MCP handshake failed", error);
      return;
    }

  server_info = json_node_get_object (mcp_sse_client_get_server_info (client));
  g_print ("connected to %s, protocol %s\n",
           json_object_get_string_member_with_default (server_info, "name", "?"),
           mcp_sse_client_get_protocol_version (client));

  mcp_sse_client_list_tools_async (client, NULL, on_tools_listed, example);
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Example *example = user_data;
  g_autoptr(GError) error = NULL;

  if (!mcp_sse_connection_manager_start_finish (MCP_SSE_CONNECTION_MANAGER (source), result, &error))
    {
      finish (example, "cannot open the event stream", error);
      return;
    }

  g_print ("stream open\n");
  mcp_sse_client_connect_async (example->client, NULL, on_connected, example);
}

int
main (int   argc,
      char *argv[])
{
  Example example = { 0 };

  if (argc != 2)
    {
      g_printerr ("usage: %s URL\n", argv[0]);
      return 2;
    }

  example.loop = g_main_loop_new (NULL, FALSE);

  /* The handlers are connected before the client connects its own, so
   * that each message is printed before the client acts on it. */
  example.manager = mcp_sse_connection_manager_new (argv[1]);
  g_signal_connect (example.manager, "message", G_CALLBACK (on_message), NULL);
  g_signal_connect (example.manager, "closed", G_CALLBACK (on_closed), NULL);
  example.client = mcp_sse_client_new (MCP_SSE_TRANSPORT (example.manager));

  /* Connecting the client would start the manager too; starting it first
   * shows the two steps. */
  mcp_sse_connection_manager_start_async (example.manager, NULL, on_started, &example);
  g_main_loop_run (example.loop);

  g_object_unref (example.client);
  g_object_unref (example.manager);
  g_main_loop_unref (example.loop);

  return example.status;
}
