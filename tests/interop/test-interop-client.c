/* test-interop-client.c: McpSseClient against MCP servers written by
 * others: @modelcontextprotocol/server-everything in sse mode, and a server
 * on the TypeScript SDK's SSEServerTransport (sdk-server.mjs)
 *
 * Each test opens its own session; the servers are started once and shared,
 * except by the tests that kill theirs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <mcp-sse/mcp-sse.h>

#include "interop-server.h"

/* What the client must take at most to report a dead server, and to fail
 * a cancelled request (seconds, scaled by test_get_timeout_scale()). */
#define REPORT_LIMIT 1.0

#define NEWEST_PROTOCOL_VERSION "2025-11-25"

/* get-tiny-image of server-everything 2026.8.31: the MCP logo. */
#define EVERYTHING_IMAGE_LENGTH 4033
#define EVERYTHING_IMAGE_SHA256 "4466be3b7a0e51778f8634f5e984197ec35c748caf4c3b32763f89c577d29614"

typedef struct
{
  InteropServerKind kind;
  const char *path;
  const char *server_name;
  const char *server_version;
  gboolean has_instructions;
  /* server-everything answers an unknown tool with an isError result, the
   * low-level SDK Server with a JSON-RPC error. */
  gboolean unknown_tool_is_jsonrpc_error;
  /* server-everything sends no progress message, sdk-server.mjs "step N". */
  gboolean progress_has_message;
  /* server-everything ignores notifications/cancelled for its long
   * operation and goes on reporting progress. */
  gboolean ignores_cancel;
} ServerSpec;

static const ServerSpec everything = {
  INTEROP_SERVER_EVERYTHING, "everything", "mcp-servers/everything", "2.0.0", TRUE, FALSE, FALSE, TRUE,
};

static const ServerSpec sdk = {
  INTEROP_SERVER_SDK, "sdk", "mcp-sse-interop-sdk-server", "1.0.0", FALSE, TRUE, TRUE, FALSE,
};

static InteropServer *shared_servers[2];

typedef struct
{
  double progress;
  double total;
  char *message;
  JsonNode *token;
  gint64 time;
} ProgressReport;

typedef struct
{
  const ServerSpec *spec;
  InteropServer *own_server;
  McpSseClient *client;
  McpSseTransport *transport;
  GPtrArray *notifications;
  GPtrArray *log_messages;
  guint list_changed_count;
  guint replies_sent;
  GArray *progress;
  gboolean closed;
  GError *closed_error;
  gint64 closed_time;
} Fixture;

typedef struct
{
  GAsyncResult *result;
  gint64 time;
} Pending;

static void
progress_report_clear (gpointer data)
{
  ProgressReport *report = data;

  g_free (report->message);
  json_node_unref (report->token);
}

/* Waiting for results */

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *pending = user_data;

  pending->result = g_object_ref (result);
  pending->time = g_get_monotonic_time ();
}

static void
wait_for (Pending    *pending,
          const char *what)
{
  g_test_message ("waiting for %s", what);
  TEST_WAIT_UNTIL (pending->result != NULL);
}

/* What happened at @from was reported at @to, soon enough. The report
 * may come first: the client can see a server's death before this test
 * reaps the process. */
static void
assert_reported (gint64 from,
                 gint64 to)
{
  test_assert_elapsed ((to - from) / (double) G_USEC_PER_SEC, -G_MAXDOUBLE, REPORT_LIMIT);
}

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* Signal handlers */

static void
on_notification (McpSseClient *client,
                 const char   *method,
                 JsonNode     *params,
                 Fixture      *f)
{
  g_ptr_array_add (f->notifications, g_strdup (method));

  if (g_str_equal (method, "notifications/message") && JSON_NODE_HOLDS_OBJECT (params))
    {
      JsonObject *object = json_node_get_object (params);
      JsonNode *message = json_object_get_member (object, "data");

      if (message != NULL && JSON_NODE_HOLDS_VALUE (message) &&
          json_node_get_value_type (message) == G_TYPE_STRING)
        g_ptr_array_add (f->log_messages, g_strdup (json_node_get_string (message)));
    }
}

static void
on_list_changed (McpSseClient *client,
                 const char   *method,
                 JsonNode     *params,
                 Fixture      *f)
{
  g_assert_cmpstr (method, ==, "notifications/tools/list_changed");
  f->list_changed_count++;
}

static void
on_progress (McpSseClient *client,
             JsonNode     *token,
             double        progress,
             double        total,
             const char   *message,
             Fixture      *f)
{
  ProgressReport report = {
    progress, total, g_strdup (message), json_node_copy (token), g_get_monotonic_time (),
  };

  g_array_append_val (f->progress, report);
}

static void
on_closed (McpSseTransport *transport,
           const GError    *error,
           Fixture         *f)
{
  g_assert_false (f->closed);
  f->closed = TRUE;
  f->closed_error = error != NULL ? g_error_copy (error) : NULL;
  f->closed_time = g_get_monotonic_time ();
}

/* Requests from the server, answered from an idle callback: after the
 * handler returned. */

typedef struct
{
  Fixture *fixture;
  JsonNode *id;
  JsonNode *result;
} LateReply;

static void
on_reply_sent (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  Fixture *f = user_data;

  g_assert_true (mcp_sse_client_reply_finish (MCP_SSE_CLIENT (object), result, &error));
  g_assert_no_error (error);
  f->replies_sent++;
}

static gboolean
send_late_reply (gpointer user_data)
{
  LateReply *reply = user_data;

  mcp_sse_client_reply_async (reply->fixture->client, reply->id, reply->result, NULL,
                              on_reply_sent, reply->fixture);
  json_node_unref (reply->id);
  json_node_unref (reply->result);
  g_free (reply);
  return G_SOURCE_REMOVE;
}

static gboolean
on_request (McpSseClient *client,
            const char   *method,
            JsonNode     *id,
            JsonNode     *params,
            Fixture      *f)
{
  LateReply *reply;

  if (g_str_equal (method, "roots/list"))
    {
      reply = g_new0 (LateReply, 1);
      reply->result = json ("{\"roots\": [{\"uri\": \"file:///srv/interop\", \"name\": \"Interop root\"}]}");
    }
  else if (g_str_equal (method, "sampling/createMessage"))
    {
      reply = g_new0 (LateReply, 1);
      reply->result = json ("{\"role\": \"assistant\", \"model\": \"mcp-sse-interop\","
                            "\"content\": {\"type\": \"text\", \"text\": \"sampled by the client\"}}");
    }
  else
    {
      return FALSE;
    }

  reply->fixture = f;
  reply->id = json_node_copy (id);
  g_idle_add (send_late_reply, reply);
  return TRUE;
}

/* Fixtures */

static InteropServer *
shared_server (InteropServerKind kind)
{
  if (shared_servers[kind] == NULL)
    shared_servers[kind] = interop_server_start (kind);

  g_assert_true (interop_server_is_running (shared_servers[kind]));
  return shared_servers[kind];
}

static void
connect_session (McpSseClient *client)
{
  g_autoptr(GError) error = NULL;
  Pending pending = { NULL, 0 };

  mcp_sse_client_connect_async (client, NULL, on_done, &pending);
  wait_for (&pending, "connect");
  g_assert_true (mcp_sse_client_connect_finish (client, pending.result, &error));
  g_assert_no_error (error);
  g_object_unref (pending.result);
}

static void
setup_session (Fixture    *f,
               const char *url,
               const char *capabilities,
               gboolean    answer_requests)
{
  f->notifications = g_ptr_array_new_with_free_func (g_free);
  f->log_messages = g_ptr_array_new_with_free_func (g_free);
  f->progress = g_array_new (FALSE, TRUE, sizeof (ProgressReport));
  g_array_set_clear_func (f->progress, progress_report_clear);

  f->client = mcp_sse_client_new_for_url (url);
  f->transport = mcp_sse_client_get_transport (f->client);
  if (capabilities != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (capabilities, NULL);

      g_assert_nonnull (node);
      mcp_sse_client_set_capabilities (f->client, node);
    }

  /* Connected before the session starts: server-everything sends
   * tools/list_changed as soon as it has the initialized notification. */
  g_signal_connect (f->client, "notification", G_CALLBACK (on_notification), f);
  g_signal_connect (f->client, "notification::notifications/tools/list_changed",
                    G_CALLBACK (on_list_changed), f);
  g_signal_connect (f->transport, "closed", G_CALLBACK (on_closed), f);
  if (answer_requests)
    g_signal_connect (f->client, "request", G_CALLBACK (on_request), f);

  connect_session (f->client);
}

static void
setup_shared (Fixture       *f,
              gconstpointer  data)
{
  f->spec = data;
  setup_session (f, interop_server_get_url (shared_server (f->spec->kind)), NULL, FALSE);
}

/* Clients that declare what server-everything asks clients for.  The
 * request handler is there before the session starts: server-everything
 * asks for roots 350 ms after initialization. */
static void
setup_roots (Fixture       *f,
             gconstpointer  data)
{
  f->spec = data;
  setup_session (f, interop_server_get_url (shared_server (f->spec->kind)),
                 "{\"roots\": {\"listChanged\": true}}", TRUE);
}

static void
setup_sampling (Fixture       *f,
                gconstpointer  data)
{
  f->spec = data;
  setup_session (f, interop_server_get_url (shared_server (f->spec->kind)),
                 "{\"sampling\": {}}", TRUE);
}

static void
setup_sampling_unanswered (Fixture       *f,
                           gconstpointer  data)
{
  f->spec = data;
  setup_session (f, interop_server_get_url (shared_server (f->spec->kind)),
                 "{\"sampling\": {}}", FALSE);
}

static void
setup_own_server (Fixture       *f,
                  gconstpointer  data)
{
  f->spec = data;
  f->own_server = interop_server_start (f->spec->kind);
  setup_session (f, interop_server_get_url (f->own_server), NULL, FALSE);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  McpSseClient *client = f->client;
  McpSseTransport *transport = f->transport;

  g_object_add_weak_pointer (G_OBJECT (client), (gpointer *) &client);
  g_object_add_weak_pointer (G_OBJECT (transport), (gpointer *) &transport);

  mcp_sse_client_stop (f->client);
  g_clear_object (&f->client);

  /* Operations the stop cut off may hold references until their
   * callbacks have run. */
  TEST_WAIT_UNTIL (client == NULL && transport == NULL);
  g_assert_null (client);
  g_assert_null (transport);

  g_clear_pointer (&f->own_server, interop_server_free);
  g_clear_error (&f->closed_error);
  g_ptr_array_unref (f->notifications);
  g_ptr_array_unref (f->log_messages);
  g_array_unref (f->progress);
}

static gboolean
has_string (GPtrArray  *strings,
            const char *wanted)
{
  return g_ptr_array_find_with_equal_func (strings, wanted, g_str_equal, NULL);
}

static guint
count_strings (GPtrArray  *strings,
               const char *wanted)
{
  guint count = 0;
  guint i;

  for (i = 0; i < strings->len; i++)
    count += g_str_equal (strings->pdata[i], wanted);
  return count;
}

/* Calls */

static void
call_tool_async (Fixture      *f,
                 const char   *name,
                 const char   *arguments,
                 GCancellable *cancellable,
                 Pending      *pending)
{
  g_autoptr(JsonNode) node = arguments != NULL ? json (arguments) : NULL;

  mcp_sse_client_call_tool_async (f->client, name, node, cancellable, on_done, pending);
}

static JsonNode *
finish_call (Fixture  *f,
             Pending  *pending,
             GError  **error)
{
  JsonNode *result = mcp_sse_client_call_tool_finish (f->client, pending->result, error);

  g_clear_object (&pending->result);
  return result;
}

static JsonNode *
call_tool (Fixture     *f,
           const char  *name,
           const char  *arguments,
           GError     **error)
{
  Pending pending = { NULL, 0 };

  call_tool_async (f, name, arguments, NULL, &pending);
  wait_for (&pending, name);
  return finish_call (f, &pending, error);
}

static JsonNode *
call_tool_ok (Fixture    *f,
              const char *name,
              const char *arguments)
{
  g_autoptr(GError) error = NULL;
  JsonNode *result = call_tool (f, name, arguments, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
  if (interop_result_is_error (result))
    g_error ("%s %s failed: %s", name, arguments, interop_content_text (result, 0));

  return result;
}

/* The session */

static void
test_initialize (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *transport_version = mcp_sse_transport_dup_protocol_version (f->transport);
  JsonNode *info = mcp_sse_client_get_server_info (f->client);
  JsonNode *capabilities = mcp_sse_client_get_server_capabilities (f->client);
  const char *instructions = mcp_sse_client_get_instructions (f->client);
  JsonObject *tools;

  /* Both servers (SDK 1.32.2) support the newest version the client offers. */
  g_assert_cmpstr (mcp_sse_client_get_protocol_version (f->client), ==, NEWEST_PROTOCOL_VERSION);
  g_assert_cmpstr (transport_version, ==, NEWEST_PROTOCOL_VERSION);
  g_assert_cmpint (mcp_sse_transport_get_state (f->transport), ==, MCP_SSE_CONNECTION_STATE_CONNECTED);

  g_assert_nonnull (info);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (info));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (info), "name"), ==,
                   f->spec->server_name);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (info), "version"), ==,
                   f->spec->server_version);

  g_assert_nonnull (capabilities);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (capabilities));
  tools = json_object_get_object_member (json_node_get_object (capabilities), "tools");
  g_assert_nonnull (tools);

  if (f->spec->has_instructions)
    {
      g_assert_nonnull (instructions);
      g_assert_cmpuint (strlen (instructions), >, 0);
      g_assert_true (json_object_get_boolean_member (tools, "listChanged"));
    }
  else
    {
      g_assert_null (instructions);
    }
}

static GHashTable *
list_tool_names (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Pending pending = { NULL, 0 };
  JsonArray *tools;
  guint i;

  mcp_sse_client_list_tools_async (f->client, NULL, on_done, &pending);
  wait_for (&pending, "tools/list");
  result = mcp_sse_client_list_tools_finish (f->client, pending.result, &error);
  g_object_unref (pending.result);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  tools = json_object_get_array_member (json_node_get_object (result), "tools");
  g_assert_nonnull (tools);

  for (i = 0; i < json_array_get_length (tools); i++)
    {
      JsonObject *tool = json_array_get_object_element (tools, i);
      JsonObject *schema = json_object_get_object_member (tool, "inputSchema");
      const char *name = json_object_get_string_member (tool, "name");

      g_assert_nonnull (name);
      g_assert_nonnull (schema);
      g_assert_cmpstr (json_object_get_string_member (schema, "type"), ==, "object");
      g_assert_false (g_hash_table_contains (names, name));
      g_hash_table_add (names, g_strdup (name));
    }

  return names;
}

static void
test_list_tools (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GHashTable) names = list_tool_names (f);
  const char *const expected[] = {
    "echo", "get-sum", "trigger-long-running-operation", "get-tiny-image",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      if (!g_hash_table_contains (names, expected[i]))
        g_error ("tools/list has no %s", expected[i]);
    }
}

/* server-everything registers the tools that depend on the client's
 * capabilities once the client is initialized, and says so. */
static void
test_list_changed (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GHashTable) names = NULL;

  TEST_WAIT_UNTIL (f->list_changed_count > 0);
  g_assert_cmpuint (f->list_changed_count, >, 0);
  g_assert_true (has_string (f->notifications, "notifications/tools/list_changed"));

  names = list_tool_names (f);
  g_assert_true (g_hash_table_contains (names, "simulate-research-query"));
}

static void
test_echo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(JsonNode) hi = call_tool_ok (f, "echo", "{\"message\": \"hi\"}");
  g_autoptr(JsonNode) unicode = NULL;
  g_autoptr(JsonNode) arguments = json_from_string ("{}", NULL);
  const char *message = "h\xc3\xa9llo \"w\xc3\xb6rld\"\n\t\\ \xf0\x9f\x93\xa1 \xe2\x80\xa8 </script>";
  g_autofree char *expected = g_strconcat ("Echo: ", message, NULL);
  g_autoptr(GError) error = NULL;
  Pending pending = { NULL, 0 };

  g_assert_cmpstr (interop_content_text (hi, 0), ==, "Echo: hi");
  g_assert_false (interop_result_is_error (hi));

  /* Escapes, non-ASCII and a line separator must survive both ways. */
  json_object_set_string_member (json_node_get_object (arguments), "message", message);
  mcp_sse_client_call_tool_async (f->client, "echo", arguments, NULL, on_done, &pending);
  wait_for (&pending, "echo");
  unicode = finish_call (f, &pending, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (interop_content_text (unicode, 0), ==, expected);
}

static void
test_get_sum (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonNode) sum = call_tool_ok (f, "get-sum", "{\"a\": 2, \"b\": 40}");
  g_autoptr(JsonNode) fractions = call_tool_ok (f, "get-sum", "{\"a\": 0.5, \"b\": -2.25}");

  g_assert_nonnull (strstr (interop_content_text (sum, 0), "42"));
  g_assert_cmpstr (interop_content_text (sum, 0), ==, "The sum of 2 and 40 is 42.");
  g_assert_cmpstr (interop_content_text (fractions, 0), ==, "The sum of 0.5 and -2.25 is -1.75.");
}

static void
test_ping (Fixture       *f,
           gconstpointer  data)
{
  guint i;

  for (i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) result = NULL;
      Pending pending = { NULL, 0 };

      mcp_sse_client_ping_async (f->client, NULL, on_done, &pending);
      wait_for (&pending, "ping");
      result = mcp_sse_client_ping_finish (f->client, pending.result, &error);
      g_object_unref (pending.result);
      g_assert_no_error (error);
      g_assert_nonnull (result);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
      g_assert_cmpuint (json_object_get_size (json_node_get_object (result)), ==, 0);
    }
}

static void
test_progress (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  Pending pending = { NULL, 0 };
  guint reports_before_result;
  guint i;

  g_signal_connect (f->client, "progress", G_CALLBACK (on_progress), f);
  call_tool_async (f, "trigger-long-running-operation", "{\"duration\": 0.8, \"steps\": 4}",
                   NULL, &pending);
  wait_for (&pending, "trigger-long-running-operation");
  reports_before_result = f->progress->len;
  result = finish_call (f, &pending, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (interop_content_text (result, 0), "Long running operation completed."));

  /* The server sends every notification before the result, on the same
   * stream: all of them must have been reported by then, in order. */
  g_assert_cmpuint (reports_before_result, ==, 4);
  g_assert_cmpuint (f->progress->len, ==, 4);
  for (i = 0; i < 4; i++)
    {
      ProgressReport *report = &g_array_index (f->progress, ProgressReport, i);
      ProgressReport *first = &g_array_index (f->progress, ProgressReport, 0);

      g_assert_cmpfloat (report->progress, ==, i + 1);
      g_assert_cmpfloat (report->total, ==, 4);
      g_assert_true (json_node_equal (report->token, first->token));
      if (f->spec->progress_has_message)
        {
          g_autofree char *expected = g_strdup_printf ("step %u", i + 1);
          g_assert_cmpstr (report->message, ==, expected);
        }
      else
        {
          g_assert_null (report->message);
        }
    }
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) after = NULL;
  Pending pending = { NULL, 0 };
  gint64 cancel_time;

  g_signal_connect (f->client, "progress", G_CALLBACK (on_progress), f);
  call_tool_async (f, "trigger-long-running-operation", "{\"duration\": 3, \"steps\": 12}",
                   cancellable, &pending);

  /* The first progress report proves the server is running the call. */
  TEST_WAIT_UNTIL (f->progress->len > 0);
  g_assert_cmpuint (f->progress->len, >, 0);
  g_assert_null (pending.result);

  cancel_time = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  wait_for (&pending, "the cancelled call");
  g_test_message ("the cancelled call failed %" G_GINT64_FORMAT " us after the cancel",
                  pending.time - cancel_time);
  assert_reported (cancel_time, pending.time);

  result = finish_call (f, &pending, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);

  if (f->spec->ignores_cancel)
    {
      guint reports = f->progress->len;
      guint progress_notifications = count_strings (f->notifications, "notifications/progress");

      /* Progress about a request that is no longer pending reaches
       * ::notification, never ::progress. */
      TEST_WAIT_UNTIL (count_strings (f->notifications, "notifications/progress") > progress_notifications);
      g_assert_cmpuint (count_strings (f->notifications, "notifications/progress"), >, progress_notifications);
      g_assert_cmpuint (f->progress->len, ==, reports);
    }

  /* The session goes on. */
  after = call_tool_ok (f, "echo", "{\"message\": \"still here\"}");
  g_assert_cmpstr (interop_content_text (after, 0), ==, "Echo: still here");
  g_assert_false (f->closed);
}

static void
test_unknown_tool (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = call_tool (f, "no-such-tool", "{}", &error);
  g_autoptr(JsonNode) after = NULL;

  if (f->spec->unknown_tool_is_jsonrpc_error)
    {
      g_assert_error (error, MCP_SSE_JSONRPC_ERROR, MCP_SSE_JSONRPC_ERROR_INVALID_PARAMS);
      g_assert_nonnull (strstr (error->message, "Unknown tool: no-such-tool"));
      g_assert_null (result);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_true (interop_result_is_error (result));
      g_assert_nonnull (strstr (interop_content_text (result, 0), "Tool no-such-tool not found"));
    }

  after = call_tool_ok (f, "echo", "{\"message\": \"after\"}");
  g_assert_cmpstr (interop_content_text (after, 0), ==, "Echo: after");
}

static JsonArray *
array_member (JsonNode   *result,
              const char *name)
{
  JsonArray *array;

  g_assert_nonnull (result);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
  array = json_object_get_array_member (json_node_get_object (result), name);
  g_assert_nonnull (array);
  return array;
}

static gboolean
has_object_with (JsonArray  *array,
                 const char *member,
                 const char *value)
{
  guint i;

  for (i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (object, member, NULL), value) == 0)
        return TRUE;
    }
  return FALSE;
}

static JsonNode *
read_resource (Fixture    *f,
               const char *uri)
{
  g_autoptr(GError) error = NULL;
  JsonNode *result;
  Pending pending = { NULL, 0 };

  mcp_sse_client_read_resource_async (f->client, uri, NULL, on_done, &pending);
  wait_for (&pending, "resources/read");
  result = mcp_sse_client_read_resource_finish (f->client, pending.result, &error);
  g_object_unref (pending.result);
  g_assert_no_error (error);

  return result;
}

/* server-everything serves its instructions file as a resource too: what
 * resources/read returns must be what initialize said. */
static void
test_resources (Fixture       *f,
                gconstpointer  data)
{
  const char *instructions_uri = "demo://resource/static/document/instructions.md";
  const char *dynamic_uri = "demo://resource/dynamic/text/7";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) instructions = NULL;
  g_autoptr(JsonNode) dynamic = NULL;
  Pending pending = { NULL, 0 };
  JsonObject *content;

  mcp_sse_client_list_resources_async (f->client, NULL, on_done, &pending);
  wait_for (&pending, "resources/list");
  list = mcp_sse_client_list_resources_finish (f->client, pending.result, &error);
  g_object_unref (pending.result);
  g_assert_no_error (error);
  g_assert_true (has_object_with (array_member (list, "resources"), "uri", instructions_uri));

  instructions = read_resource (f, instructions_uri);
  content = json_array_get_object_element (array_member (instructions, "contents"), 0);
  g_assert_cmpstr (json_object_get_string_member (content, "uri"), ==, instructions_uri);
  g_assert_cmpstr (json_object_get_string_member (content, "text"), ==,
                   mcp_sse_client_get_instructions (f->client));

  dynamic = read_resource (f, dynamic_uri);
  content = json_array_get_object_element (array_member (dynamic, "contents"), 0);
  g_assert_cmpstr (json_object_get_string_member (content, "uri"), ==, dynamic_uri);
  g_assert_cmpuint (strlen (json_object_get_string_member (content, "text")), >, 0);
}

static void
test_prompts (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) prompt = NULL;
  g_autoptr(JsonNode) arguments = json ("{\"city\": \"Z\u00fcrich\", \"state\": \"ZH\"}");
  Pending pending = { NULL, 0 };
  JsonObject *message;

  mcp_sse_client_list_prompts_async (f->client, NULL, on_done, &pending);
  wait_for (&pending, "prompts/list");
  list = mcp_sse_client_list_prompts_finish (f->client, pending.result, &error);
  g_clear_object (&pending.result);
  g_assert_no_error (error);
  g_assert_true (has_object_with (array_member (list, "prompts"), "name", "simple-prompt"));
  g_assert_true (has_object_with (array_member (list, "prompts"), "name", "args-prompt"));

  mcp_sse_client_get_prompt_async (f->client, "args-prompt", arguments, NULL, on_done, &pending);
  wait_for (&pending, "prompts/get");
  prompt = mcp_sse_client_get_prompt_finish (f->client, pending.result, &error);
  g_clear_object (&pending.result);
  g_assert_no_error (error);

  message = json_array_get_object_element (array_member (prompt, "messages"), 0);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (message, "content"), "text"),
                   ==, "What's weather in Z\xc3\xbcrich, ZH?");
}

static JsonNode *
echo_arguments (gsize length)
{
  g_autofree char *message = g_malloc (length + 1);
  JsonNode *arguments = json ("{}");
  gsize i;

  /* Varied, so that a lost or repeated piece shows. */
  for (i = 0; i < length; i++)
    message[i] = 'a' + (char) ((i * 7 + i / 26) % 26);
  message[length] = '\0';

  json_object_set_string_member (json_node_get_object (arguments), "message", message);
  return arguments;
}

/* A megabyte each way, within the SDK's 4 MB limit for a POST. */
static void
test_large_arguments (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) arguments = echo_arguments (1024 * 1024);
  g_autofree char *expected = g_strconcat ("Echo: ",
                                           json_object_get_string_member (json_node_get_object (arguments), "message"),
                                           NULL);
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  Pending pending = { NULL, 0 };

  mcp_sse_client_call_tool_async (f->client, "echo", arguments, NULL, on_done, &pending);
  wait_for (&pending, "echo of a megabyte");
  result = finish_call (f, &pending, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (interop_content_text (result, 0), ==, expected);
}

/* Over 4 MB the server answers the POST 400 and never sees the request:
 * the call must fail at once, not wait for an answer that cannot come. */
static void
test_oversized_request (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) arguments = echo_arguments (5 * 1024 * 1024);
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autoptr(GError) error = NULL;
  Pending pending = { NULL, 0 };

  mcp_sse_client_call_tool_async (f->client, "echo", arguments, NULL, on_done, &pending);
  wait_for (&pending, "echo of five megabytes");
  result = finish_call (f, &pending, &error);
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, "400"));
  g_assert_null (result);

  after = call_tool_ok (f, "echo", "{\"message\": \"after the refused POST\"}");
  g_assert_cmpstr (interop_content_text (after, 0), ==, "Echo: after the refused POST");
  g_assert_false (f->closed);
}

/* A request that outlives request-timeout fails alone. */
static void
test_request_timeout (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) after = NULL;
  Pending pending = { NULL, 0 };
  gint64 start;

  mcp_sse_client_set_request_timeout (f->client, 0.3);
  start = g_get_monotonic_time ();
  call_tool_async (f, "trigger-long-running-operation", "{\"duration\": 4, \"steps\": 2}",
                   NULL, &pending);
  wait_for (&pending, "the call that times out");
  result = finish_call (f, &pending, &error);

  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
  g_assert_null (result);
  test_assert_elapsed ((pending.time - start) / (double) G_USEC_PER_SEC, 0.3, 0.3 + REPORT_LIMIT);

  mcp_sse_client_set_request_timeout (f->client, MCP_SSE_CLIENT_DEFAULT_REQUEST_TIMEOUT);
  after = call_tool_ok (f, "echo", "{\"message\": \"after the timeout\"}");
  g_assert_cmpstr (interop_content_text (after, 0), ==, "Echo: after the timeout");
}

/* The same client, stopped and connected again, gets a new session and
 * initializes it. */
static void
test_reconnect (Fixture       *f,
                gconstpointer  data)
{
  McpSseConnectionManager *manager = MCP_SSE_CONNECTION_MANAGER (f->transport);
  g_autofree char *first_endpoint = g_strdup (mcp_sse_connection_manager_get_endpoint (manager));
  g_autoptr(JsonNode) before G_GNUC_UNUSED = call_tool_ok (f, "echo", "{\"message\": \"first session\"}");
  g_autoptr(JsonNode) after = NULL;

  mcp_sse_client_stop (f->client);
  g_assert_true (f->closed);
  g_assert_null (f->closed_error);
  g_assert_cmpint (mcp_sse_transport_get_state (f->transport), ==, MCP_SSE_CONNECTION_STATE_CLOSED);

  f->closed = FALSE;
  connect_session (f->client);
  g_assert_cmpint (mcp_sse_transport_get_state (f->transport), ==, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (mcp_sse_client_get_protocol_version (f->client), ==, NEWEST_PROTOCOL_VERSION);
  g_assert_nonnull (first_endpoint);
  g_assert_cmpstr (mcp_sse_connection_manager_get_endpoint (manager), !=, first_endpoint);

  after = call_tool_ok (f, "echo", "{\"message\": \"second session\"}");
  g_assert_cmpstr (interop_content_text (after, 0), ==, "Echo: second session");
}

/* Base64 that g_base64_decode would accept only by skipping characters is
 * not intact. */
static GBytes *
decode_strict_base64 (const char *text)
{
  gsize length = strlen (text);
  guchar *data;
  gsize i;

  g_assert_cmpuint (length % 4, ==, 0);
  for (i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/' &&
          !(text[i] == '=' && i >= length - 2))
        g_error ("byte %" G_GSIZE_FORMAT " of the image data is not base64", i);
    }

  data = g_base64_decode (text, &length);
  return g_bytes_new_take (data, length);
}

static guint32
read_be32 (const guint8 *bytes)
{
  return ((guint32) bytes[0] << 24) | ((guint32) bytes[1] << 16) |
         ((guint32) bytes[2] << 8) | bytes[3];
}

/* The signature, then chunks whose lengths lead exactly to the end of
 * IEND: a cut or a lost byte anywhere breaks the walk. */
static void
assert_png (GBytes *png)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  gsize length;
  const guint8 *data = g_bytes_get_data (png, &length);
  gsize offset = sizeof signature;
  guint chunks = 0;

  g_assert_cmpuint (length, >, sizeof signature);
  g_assert_cmpmem (data, sizeof signature, signature, sizeof signature);

  for (;;)
    {
      guint32 chunk_length;
      char type[5] = { 0 };

      g_assert_cmpuint (offset + 12, <=, length);
      chunk_length = read_be32 (data + offset);
      memcpy (type, data + offset + 4, 4);
      if (chunks == 0)
        g_assert_cmpstr (type, ==, "IHDR");

      offset += 12 + (gsize) chunk_length;
      chunks++;
      g_assert_cmpuint (offset, <=, length);

      if (strcmp (type, "IEND") == 0)
        break;
    }

  g_assert_cmpuint (offset, ==, length);
}

static GBytes *
image_of (JsonNode *result,
          guint     index)
{
  JsonObject *item = interop_content_item (result, index, "image");

  g_assert_cmpstr (json_object_get_string_member (item, "mimeType"), ==, "image/png");
  return decode_strict_base64 (json_object_get_string_member (item, "data"));
}

static void
test_image_everything (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) result = call_tool_ok (f, "get-tiny-image", NULL);
  g_autoptr(GBytes) png = image_of (result, 1);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);

  g_assert_cmpstr (interop_content_text (result, 0), ==, "Here's the image you requested:");
  assert_png (png);
  g_assert_cmpuint (g_bytes_get_size (png), ==, EVERYTHING_IMAGE_LENGTH);
  g_assert_cmpstr (sha256, ==, EVERYTHING_IMAGE_SHA256);
}

/* sdk-server.mjs generates the image and states its digest beside it; the
 * large one arrives as one SSE event of about a megabyte. */
static void
test_image_sdk (Fixture       *f,
                gconstpointer  data)
{
  const guint sizes[] = { 16, 640 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *arguments = g_strdup_printf ("{\"size\": %u}", sizes[i]);
      g_autoptr(JsonNode) result = call_tool_ok (f, "get-tiny-image", arguments);
      g_autoptr(GBytes) png = image_of (result, 0);
      g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, png);
      g_autofree char *expected = g_strdup_printf ("sha256 %s bytes %" G_GSIZE_FORMAT,
                                                   sha256, g_bytes_get_size (png));

      assert_png (png);
      g_assert_cmpstr (interop_content_text (result, 1), ==, expected);
    }
}

/* Many calls in flight at once: each answer must reach its own caller. */
static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  enum { N_CALLS = 24 };
  Pending pending[N_CALLS] = { { NULL, 0 } };
  guint done = 0;
  guint i;

  for (i = 0; i < N_CALLS; i++)
    {
      g_autofree char *arguments = i % 2 == 0
        ? g_strdup_printf ("{\"message\": \"call %u\"}", i)
        : g_strdup_printf ("{\"a\": %u, \"b\": 1000}", i);

      call_tool_async (f, i % 2 == 0 ? "echo" : "get-sum", arguments, NULL, &pending[i]);
    }

  for (i = 0; i < N_CALLS; i++)
    wait_for (&pending[i], "a concurrent call");

  for (i = 0; i < N_CALLS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) result = finish_call (f, &pending[i], &error);
      g_autofree char *expected = i % 2 == 0
        ? g_strdup_printf ("Echo: call %u", i)
        : g_strdup_printf ("The sum of %u and 1000 is %u.", i, i + 1000);

      g_assert_no_error (error);
      g_assert_cmpstr (interop_content_text (result, 0), ==, expected);
      done++;
    }

  g_assert_cmpuint (done, ==, N_CALLS);
}

/* Two sessions on one server stay apart. */
static void
test_two_sessions (Fixture       *f,
                   gconstpointer  data)
{
  McpSseClient *other = mcp_sse_client_new_for_url (interop_server_get_url (shared_server (f->spec->kind)));
  g_autoptr(JsonNode) mine = NULL;
  g_autoptr(JsonNode) theirs = NULL;
  g_autoptr(JsonNode) arguments = json ("{\"message\": \"other\"}");
  g_autoptr(GError) error = NULL;
  Pending mine_pending = { NULL, 0 };
  Pending their_pending = { NULL, 0 };

  connect_session (other);
  call_tool_async (f, "echo", "{\"message\": \"mine\"}", NULL, &mine_pending);
  mcp_sse_client_call_tool_async (other, "echo", arguments, NULL, on_done, &their_pending);
  wait_for (&mine_pending, "echo");
  wait_for (&their_pending, "echo on the other session");

  mine = finish_call (f, &mine_pending, &error);
  g_assert_no_error (error);
  theirs = mcp_sse_client_call_tool_finish (other, their_pending.result, &error);
  g_object_unref (their_pending.result);
  g_assert_no_error (error);

  g_assert_cmpstr (interop_content_text (mine, 0), ==, "Echo: mine");
  g_assert_cmpstr (interop_content_text (theirs, 0), ==, "Echo: other");

  g_object_add_weak_pointer (G_OBJECT (other), (gpointer *) &other);
  mcp_sse_client_stop (other);
  g_object_unref (other);
  TEST_WAIT_UNTIL (other == NULL);
  g_assert_null (other);
}

/* Requests from the server */

static gboolean
has_log_message (Fixture    *f,
                 const char *prefix)
{
  guint i;

  for (i = 0; i < f->log_messages->len; i++)
    {
      if (g_str_has_prefix (f->log_messages->pdata[i], prefix))
        return TRUE;
    }
  return FALSE;
}

/* server-everything asks a client that declares roots for them right after
 * initialization, logs what it got, and lists them from get-roots-list. */
static void
test_roots (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(JsonNode) result = NULL;
  const char *text;

  TEST_WAIT_UNTIL (has_log_message (f, "Roots updated: 1 root(s)"));
  g_assert_true (has_log_message (f, "Roots updated: 1 root(s)"));
  /* The answer to the server's request may overtake the 202 to the POST
   * that carried the reply. */
  TEST_WAIT_UNTIL (f->replies_sent > 0);
  g_assert_cmpuint (f->replies_sent, ==, 1);

  result = call_tool_ok (f, "get-roots-list", "{}");
  text = interop_content_text (result, 0);
  g_assert_nonnull (strstr (text, "file:///srv/interop"));
  g_assert_nonnull (strstr (text, "Interop root"));
}

/* A tool call whose server asks the client a question before it answers. */
static void
test_sampling (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JsonNode) result = NULL;
  const char *text;

  result = call_tool_ok (f, "trigger-sampling-request", "{\"prompt\": \"hello\"}");
  text = interop_content_text (result, 0);
  /* The answer to the server's request may overtake the 202 to the POST
   * that carried the reply. */
  TEST_WAIT_UNTIL (f->replies_sent > 0);
  g_assert_cmpuint (f->replies_sent, ==, 1);
  g_assert_nonnull (strstr (text, "sampled by the client"));
  g_assert_nonnull (strstr (text, "mcp-sse-interop"));
}

/* Nobody handles the server's request: the client answers -32601 itself,
 * and the tool reports the failure instead of hanging. */
static void
test_unhandled_request (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = call_tool (f, "trigger-sampling-request", "{\"prompt\": \"hello\"}", &error);

  g_assert_no_error (error);
  g_assert_true (interop_result_is_error (result));
  g_assert_nonnull (strstr (interop_content_text (result, 0), "-32601"));
}

/* Death of the server */

static void
assert_request_failed_with_close (Fixture *f,
                                  Pending *pending)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = finish_call (f, pending, &error);

  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));

  /* The close reason, or CLOSED when the client keeps its own. */
  if (!g_error_matches (error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED))
    {
      g_assert_nonnull (f->closed_error);
      g_assert_error (error, f->closed_error->domain, f->closed_error->code);
    }
}

static void
assert_session_is_over (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) result = NULL;
  Pending pending = { NULL, 0 };

  g_assert_cmpint (mcp_sse_transport_get_state (f->transport), ==, MCP_SSE_CONNECTION_STATE_CLOSED);

  mcp_sse_client_ping_async (f->client, NULL, on_done, &pending);
  wait_for (&pending, "ping after the close");
  result = mcp_sse_client_ping_finish (f->client, pending.result, &error);
  g_object_unref (pending.result);
  g_assert_null (result);
  g_assert_true (g_error_matches (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED) ||
                 g_error_matches (error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED));
}

static void
assert_closed_by_server (Fixture *f)
{
  g_assert_true (f->closed);
  /* NULL would mean stop() was called. */
  g_assert_nonnull (f->closed_error);
  if (f->closed_error->domain != G_IO_ERROR)
    g_assert_error (f->closed_error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
}

/* SIGKILL while a call is running: the kernel closes the server's sockets
 * without a last chunk. */
static void
test_server_killed (Fixture       *f,
                    gconstpointer  data)
{
  Pending pending = { NULL, 0 };
  gint64 kill_time;

  g_signal_connect (f->client, "progress", G_CALLBACK (on_progress), f);
  call_tool_async (f, "trigger-long-running-operation", "{\"duration\": 30, \"steps\": 120}",
                   NULL, &pending);
  TEST_WAIT_UNTIL (f->progress->len > 0);
  g_assert_cmpuint (f->progress->len, >, 0);
  g_assert_null (pending.result);

  kill_time = g_get_monotonic_time ();
  interop_server_kill (f->own_server);
  TEST_WAIT_UNTIL (f->closed && pending.result != NULL);

  assert_closed_by_server (f);
  g_test_message ("closed %" G_GINT64_FORMAT " us and the call failed %" G_GINT64_FORMAT
                  " us after SIGKILL", f->closed_time - kill_time, pending.time - kill_time);
  assert_reported (kill_time, f->closed_time);
  g_assert_nonnull (pending.result);
  assert_reported (kill_time, pending.time);
  assert_request_failed_with_close (f, &pending);
  assert_session_is_over (f);
}

/* The server exits by itself while the client waits for its answer. */
static void
test_server_exits (Fixture       *f,
                   gconstpointer  data)
{
  Pending pending = { NULL, 0 };
  gint64 exit_time;

  call_tool_async (f, "die", "{}", NULL, &pending);
  TEST_WAIT_UNTIL (!interop_server_is_running (f->own_server));
  g_assert_false (interop_server_is_running (f->own_server));
  exit_time = g_get_monotonic_time ();

  TEST_WAIT_UNTIL (f->closed && pending.result != NULL);
  assert_closed_by_server (f);
  g_test_message ("closed %" G_GINT64_FORMAT " us and the call failed %" G_GINT64_FORMAT
                  " us after the exit was seen", f->closed_time - exit_time, pending.time - exit_time);
  assert_reported (exit_time, f->closed_time);
  g_assert_nonnull (pending.result);
  assert_reported (exit_time, pending.time);
  assert_request_failed_with_close (f, &pending);
  assert_session_is_over (f);
}

/* The server ends the stream of the session cleanly: the last chunk, then
 * EOF, while the client waits for an answer. */
static void
test_server_closes_session (Fixture       *f,
                            gconstpointer  data)
{
  Pending pending = { NULL, 0 };
  gint64 call_time = g_get_monotonic_time ();

  call_tool_async (f, "close-session", "{}", NULL, &pending);
  TEST_WAIT_UNTIL (f->closed && pending.result != NULL);

  g_assert_true (f->closed);
  g_assert_error (f->closed_error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  assert_reported (call_time, f->closed_time);
  g_assert_nonnull (pending.result);
  assert_reported (call_time, pending.time);
  assert_request_failed_with_close (f, &pending);
  assert_session_is_over (f);
  g_assert_true (interop_server_is_running (shared_server (f->spec->kind)));
}

typedef void (*FixtureTest) (Fixture *f, gconstpointer data);

static void
add_test (const ServerSpec *spec,
          const char       *name,
          FixtureTest       test,
          FixtureTest       setup)
{
  g_autofree char *path = g_strdup_printf ("/interop/client/%s/%s", spec->path, name);

  g_test_add (path, Fixture, spec, setup, test, teardown);
}

int
main (int   argc,
      char *argv[])
{
  const ServerSpec *const specs[] = { &everything, &sdk };
  int status;
  guint i;

  test_init (&argc, &argv);

  status = interop_main_skip_unless_ready ();
  if (status >= 0)
    return status;

  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      add_test (specs[i], "initialize", test_initialize, setup_shared);
      add_test (specs[i], "list-tools", test_list_tools, setup_shared);
      add_test (specs[i], "echo", test_echo, setup_shared);
      add_test (specs[i], "get-sum", test_get_sum, setup_shared);
      add_test (specs[i], "ping", test_ping, setup_shared);
      add_test (specs[i], "progress", test_progress, setup_shared);
      add_test (specs[i], "cancel", test_cancel, setup_shared);
      add_test (specs[i], "unknown-tool", test_unknown_tool, setup_shared);
      add_test (specs[i], "concurrent", test_concurrent, setup_shared);
      add_test (specs[i], "two-sessions", test_two_sessions, setup_shared);
      add_test (specs[i], "request-timeout", test_request_timeout, setup_shared);
      add_test (specs[i], "large-arguments", test_large_arguments, setup_shared);
      add_test (specs[i], "oversized-request", test_oversized_request, setup_shared);
      add_test (specs[i], "reconnect", test_reconnect, setup_shared);
    }

  add_test (&everything, "list-changed", test_list_changed, setup_shared);
  add_test (&everything, "resources", test_resources, setup_shared);
  add_test (&everything, "prompts", test_prompts, setup_shared);
  add_test (&everything, "roots", test_roots, setup_roots);
  add_test (&everything, "sampling", test_sampling, setup_sampling);
  add_test (&everything, "unhandled-request", test_unhandled_request, setup_sampling_unanswered);
  add_test (&everything, "image", test_image_everything, setup_shared);
  add_test (&sdk, "image", test_image_sdk, setup_shared);
  add_test (&sdk, "server-closes-session", test_server_closes_session, setup_shared);
  add_test (&sdk, "server-killed", test_server_killed, setup_own_server);
  add_test (&sdk, "server-exits", test_server_exits, setup_own_server);

  status = g_test_run ();

  for (i = 0; i < G_N_ELEMENTS (shared_servers); i++)
    g_clear_pointer (&shared_servers[i], interop_server_free);

  return status;
}
