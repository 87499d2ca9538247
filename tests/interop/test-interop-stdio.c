/* test-interop-stdio.c: the MCP servers of others that speak stdio, run
 * with the argv and environment that interop-server.c gives them
 *
 * First each peer is spoken to directly: started as a child process, sent
 * an `initialize` request as one line on its standard input and expected
 * to answer with one line on its standard output; closing its standard
 * input ends it.
 *
 * Then McpSseClient talks to each over McpSseStdioTransport: tools,
 * progress, a request from the server, resources and prompts of
 * server-everything; a megabyte each way through server-filesystem; a
 * knowledge graph kept by server-memory. Every session ends with stop(),
 * after which the server must leave by itself, its input closed, and be
 * reaped; what it logged on its standard error must have reached
 * ::stderr-line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <mcp-sse/mcp-sse.h>

#include "interop-server.h"

#define PROTOCOL_VERSION "2025-06-18"

#define INITIALIZE_LINE                                                       \
  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"     \
  "\"protocolVersion\":\"" PROTOCOL_VERSION "\",\"capabilities\":{},"         \
  "\"clientInfo\":{\"name\":\"mcp-sse-interop\",\"version\":\"1.0\"}}}\n"

typedef struct
{
  gboolean done;
  GError *error;
} Operation;

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Operation *operation = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &operation->error);
  operation->done = TRUE;
}

static void
on_exited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Operation *operation = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &operation->error);
  operation->done = TRUE;
}

static void
test_initialize (gconstpointer data)
{
  InteropStdioPeerKind kind = GPOINTER_TO_INT (data);
  g_autoptr(InteropStdioPeer) peer = interop_stdio_peer_new (kind);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *line = NULL;
  Operation write = { FALSE, NULL };
  Operation exit = { FALSE, NULL };
  JsonObject *object, *result;

  launcher = interop_stdio_peer_new_launcher (peer, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                    G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, interop_stdio_peer_get_argv (peer), &error);
  g_assert_no_error (error);
  output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));

  g_output_stream_write_all_async (g_subprocess_get_stdin_pipe (process),
                                   INITIALIZE_LINE, strlen (INITIALIZE_LINE),
                                   G_PRIORITY_DEFAULT, NULL, on_written, &write);
  TEST_WAIT_UNTIL (write.done);
  g_assert_no_error (write.error);

  /* The answer is the first line: nothing but protocol on stdout. */
  line = test_read_line (output, interop_stdio_peer_get_name (peer));
  g_assert_nonnull (line);
  reply = json_from_string (line, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  object = json_node_get_object (reply);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "jsonrpc", NULL), ==, "2.0");
  g_assert_cmpint (json_object_get_int_member_with_default (object, "id", 0), ==, 1);
  g_assert_false (json_object_has_member (object, "error"));
  result = json_object_get_object_member (object, "result");
  g_assert_nonnull (result);
  g_assert_cmpstr (json_object_get_string_member_with_default (result, "protocolVersion", NULL),
                   ==, PROTOCOL_VERSION);
  g_assert_true (json_object_has_member (result, "capabilities"));
  g_assert_cmpstr (json_object_get_string_member_with_default (
                     json_object_get_object_member (result, "serverInfo"), "name", NULL),
                   ==, interop_stdio_peer_get_server_name (peer));

  /* The end of its input ends the peer. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (process), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (process, NULL, on_exited, &exit);
  TEST_WAIT_UNTIL (exit.done);
  g_assert_no_error (exit.error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

/* Through the library: McpSseClient over McpSseStdioTransport */

/* The newest version the client offers; the SDK 1.32.2 of all three peers
 * accepts it. */
#define NEWEST_PROTOCOL_VERSION "2025-11-25"

typedef struct
{
  InteropStdioPeerKind kind;
  const char *path;
  const char *capabilities;       /* declared by the client, or NULL */
  const char *server_version;
  const char *stderr_line;        /* one line the peer logs at start */
  const char *const *tools;       /* all that tools/list has, in order */
} PeerSpec;

static const char *const everything_tools[] = {
  "echo", "get-annotated-message", "get-env", "get-resource-links", "get-resource-reference",
  "get-structured-content", "get-sum", "get-tiny-image", "gzip-file-as-resource",
  "toggle-simulated-logging", "toggle-subscriber-updates", "trigger-long-running-operation",
  "simulate-research-query", NULL,
};

/* trigger-sampling-request is registered for clients that can sample. */
static const char *const everything_sampling_tools[] = {
  "echo", "get-annotated-message", "get-env", "get-resource-links", "get-resource-reference",
  "get-structured-content", "get-sum", "get-tiny-image", "gzip-file-as-resource",
  "toggle-simulated-logging", "toggle-subscriber-updates", "trigger-long-running-operation",
  "trigger-sampling-request", "simulate-research-query", NULL,
};

static const char *const filesystem_tools[] = {
  "read_file", "read_text_file", "read_media_file", "read_multiple_files", "write_file",
  "edit_file", "create_directory", "list_directory", "list_directory_with_sizes",
  "directory_tree", "move_file", "search_files", "get_file_info", "list_allowed_directories",
  NULL,
};

static const char *const memory_tools[] = {
  "create_entities", "create_relations", "add_observations", "delete_entities",
  "delete_observations", "delete_relations", "read_graph", "search_nodes", "open_nodes", NULL,
};

static const PeerSpec everything_peer = {
  INTEROP_STDIO_PEER_EVERYTHING, "server-everything", NULL, "2.0.0",
  "Starting default (STDIO) server...", everything_tools,
};

static const PeerSpec everything_sampling_peer = {
  INTEROP_STDIO_PEER_EVERYTHING, "server-everything", "{\"sampling\": {}}", "2.0.0",
  "Starting default (STDIO) server...", everything_sampling_tools,
};

static const PeerSpec filesystem_peer = {
  INTEROP_STDIO_PEER_FILESYSTEM, "server-filesystem", NULL, "0.2.0",
  "Secure MCP Filesystem Server running on stdio", filesystem_tools,
};

static const PeerSpec memory_peer = {
  INTEROP_STDIO_PEER_MEMORY, "server-memory", NULL, "0.6.3",
  "Knowledge Graph MCP Server running on stdio", memory_tools,
};

typedef struct
{
  double progress;
  double total;
  char *message;
  JsonNode *token;
} ProgressReport;

typedef struct
{
  const PeerSpec *spec;
  InteropStdioPeer *peer;
  McpSseStdioTransport *transport;
  McpSseClient *client;
  GPtrArray *stderr_lines;
  GPtrArray *notifications;
  GPtrArray *errors;
  GArray *progress;               /* of ::progress */
  GPtrArray *sampling_requests;   /* their params */
  guint replies_sent;
  guint n_connected;
  guint n_closed;
  gboolean closed_with_error;
} Fixture;

static void
progress_report_clear (gpointer data)
{
  ProgressReport *report = data;

  g_free (report->message);
  json_node_unref (report->token);
}

static GArray *
progress_reports_new (void)
{
  GArray *reports = g_array_new (FALSE, TRUE, sizeof (ProgressReport));

  g_array_set_clear_func (reports, progress_report_clear);
  return reports;
}

static void
progress_reports_add (GArray     *reports,
                      JsonNode   *token,
                      double      progress,
                      double      total,
                      const char *message)
{
  ProgressReport report = { progress, total, g_strdup (message), json_node_copy (token) };

  g_array_append_val (reports, report);
}

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
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

/* No child process of ours is left to reap, zombie or not. */
static void
assert_no_child (GPid pid)
{
  int status;

  g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, -1);
  g_assert_cmpint (errno, ==, ECHILD);
}

/* Signal handlers */

static void
on_stderr_line (McpSseStdioTransport *transport,
                const char           *line,
                Fixture              *f)
{
  g_test_message ("[%s] %s", interop_stdio_peer_get_name (f->peer), line);
  g_ptr_array_add (f->stderr_lines, g_strdup (line));
}

static void
on_notification (McpSseClient *client,
                 const char   *method,
                 JsonNode     *params,
                 Fixture      *f)
{
  g_ptr_array_add (f->notifications, g_strdup (method));
}

static void
on_progress (McpSseClient *client,
             JsonNode     *token,
             double        progress,
             double        total,
             const char   *message,
             Fixture      *f)
{
  progress_reports_add (f->progress, token, progress, total, message);
}

static void
on_error (GObject *object,
          GError  *error,
          Fixture *f)
{
  g_test_message ("%s: %s", G_OBJECT_TYPE_NAME (object), error->message);
  g_ptr_array_add (f->errors, g_strdup (error->message));
}

static void
on_closed (McpSseTransport *transport,
           const GError    *error,
           Fixture         *f)
{
  f->n_closed++;
  f->closed_with_error |= error != NULL;
}

typedef struct
{
  Fixture *fixture;
  JsonNode *id;
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

#define SAMPLING_RESULT                                                       \
  "{\"role\": \"assistant\", \"model\": \"mcp-sse-stdio-interop\","          \
  " \"stopReason\": \"endTurn\","                                             \
  " \"content\": {\"type\": \"text\", \"text\": \"Gr\\u00fc\\u00dfe \\\"\\u00fcber\\\" stdio\\n\"}}"

/* The answer goes out from an idle callback, after the handler returned. */
static gboolean
send_sampling_reply (gpointer user_data)
{
  LateReply *reply = user_data;
  g_autoptr(JsonNode) result = json (SAMPLING_RESULT);

  mcp_sse_client_reply_async (reply->fixture->client, reply->id, result, NULL,
                              on_reply_sent, reply->fixture);
  json_node_unref (reply->id);
  g_free (reply);
  return G_SOURCE_REMOVE;
}

static gboolean
on_sampling_request (McpSseClient *client,
                     const char   *method,
                     JsonNode     *id,
                     JsonNode     *params,
                     Fixture      *f)
{
  LateReply *reply = g_new0 (LateReply, 1);

  g_assert_cmpstr (method, ==, "sampling/createMessage");
  g_ptr_array_add (f->sampling_requests, params != NULL ? json_node_copy (params) : NULL);

  reply->fixture = f;
  reply->id = json_node_copy (id);
  g_idle_add (send_sampling_reply, reply);
  return TRUE;
}

/* Waiting for results */

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
wait_for (GAsyncResult **result,
          const char    *what)
{
  g_test_message ("waiting for %s", what);
  TEST_WAIT_UNTIL (*result != NULL);
}

/* Sessions */

static void
connect_session (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mcp_sse_client_connect_async (f->client, NULL, on_done, &result);
  wait_for (&result, "connect");
  g_assert_true (mcp_sse_client_connect_finish (f->client, result, &error));
  g_assert_no_error (error);
  f->n_connected++;

  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (f->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_assert_nonnull (mcp_sse_stdio_transport_get_subprocess (f->transport));
}

static void
setup_client (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  f->spec = data;
  f->peer = interop_stdio_peer_new (f->spec->kind);
  f->stderr_lines = g_ptr_array_new_with_free_func (g_free);
  f->notifications = g_ptr_array_new_with_free_func (g_free);
  f->errors = g_ptr_array_new_with_free_func (g_free);
  f->progress = progress_reports_new ();
  f->sampling_requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  /* The transport sets the flags it needs. */
  launcher = interop_stdio_peer_new_launcher (f->peer, G_SUBPROCESS_FLAGS_NONE);
  f->transport = mcp_sse_stdio_transport_new_with_launcher (launcher,
                                                            interop_stdio_peer_get_argv (f->peer));
  f->client = mcp_sse_client_new (MCP_SSE_TRANSPORT (f->transport));
  if (f->spec->capabilities != NULL)
    {
      g_autoptr(JsonNode) capabilities = json (f->spec->capabilities);

      mcp_sse_client_set_capabilities (f->client, capabilities);
    }

  /* All there before the server starts: it logs and notifies at once. */
  g_signal_connect (f->transport, "stderr-line", G_CALLBACK (on_stderr_line), f);
  g_signal_connect (f->transport, "error", G_CALLBACK (on_error), f);
  g_signal_connect (f->transport, "closed", G_CALLBACK (on_closed), f);
  g_signal_connect (f->client, "error", G_CALLBACK (on_error), f);
  g_signal_connect (f->client, "notification", G_CALLBACK (on_notification), f);
  g_signal_connect (f->client, "request::sampling/createMessage",
                    G_CALLBACK (on_sampling_request), f);

  connect_session (f);
}

/* The line the peer logs at start reached ::stderr-line. */
static void
assert_stderr_seen (Fixture *f)
{
  TEST_WAIT_UNTIL (has_string (f->stderr_lines, f->spec->stderr_line));
  g_assert_true (has_string (f->stderr_lines, f->spec->stderr_line));
}

/* Stops the session and waits for the server's process to be reaped: it
 * must leave by itself once its input is closed, before the transport
 * would send SIGTERM. */
static void
stop_and_reap (Fixture *f)
{
  g_autoptr(GSubprocess) process = NULL;
  Operation exit = { FALSE, NULL };
  GPid pid;

  process = mcp_sse_stdio_transport_get_subprocess (f->transport);
  g_assert_nonnull (process);
  g_object_ref (process);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);
  g_assert_cmpint (pid, >, 0);

  mcp_sse_client_stop (f->client);
  g_assert_null (mcp_sse_stdio_transport_get_subprocess (f->transport));
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (f->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_cmpuint (f->n_closed, ==, f->n_connected);
  g_assert_false (f->closed_with_error);

  g_subprocess_wait_async (process, NULL, on_exited, &exit);
  TEST_WAIT_UNTIL (exit.done);
  g_assert_no_error (exit.error);

  /* None of the peers handles SIGTERM: a status of 0 means the end of
   * its input ended it. */
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  assert_no_child (pid);
}

static void
teardown_client (Fixture       *f,
                 gconstpointer  data)
{
  McpSseClient *client = f->client;
  McpSseStdioTransport *transport = f->transport;
  guint i;

  assert_stderr_seen (f);
  stop_and_reap (f);

  g_object_add_weak_pointer (G_OBJECT (client), (gpointer *) &client);
  g_object_add_weak_pointer (G_OBJECT (transport), (gpointer *) &transport);
  g_clear_object (&f->client);
  g_clear_object (&f->transport);
  TEST_WAIT_UNTIL (client == NULL && transport == NULL);
  g_assert_null (client);
  g_assert_null (transport);

  /* Nothing the servers sent broke the protocol, nor did any pipe fail. */
  for (i = 0; i < f->errors->len; i++)
    g_printerr ("unexpected error: %s\n", (char *) f->errors->pdata[i]);
  g_assert_cmpuint (f->errors->len, ==, 0);

  g_ptr_array_unref (f->stderr_lines);
  g_ptr_array_unref (f->notifications);
  g_ptr_array_unref (f->errors);
  g_array_unref (f->progress);
  g_ptr_array_unref (f->sampling_requests);
  g_clear_pointer (&f->peer, interop_stdio_peer_free);
}

/* Calls */

static JsonNode *
call_tool_node (Fixture    *f,
                const char *name,
                JsonNode   *arguments)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *answer;

  mcp_sse_client_call_tool_async (f->client, name, arguments, NULL, on_done, &result);
  wait_for (&result, name);
  answer = mcp_sse_client_call_tool_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer));

  return answer;
}

/* A call that must succeed, with arguments as JSON text. */
static JsonNode *
call_tool_ok (Fixture    *f,
              const char *name,
              const char *arguments)
{
  g_autoptr(JsonNode) node = json (arguments);
  JsonNode *result = call_tool_node (f, name, node);

  if (interop_result_is_error (result))
    g_error ("%s %s failed: %s", name, arguments, interop_content_text (result, 0));

  return result;
}

static JsonArray *
array_member (JsonNode   *node,
              const char *name)
{
  JsonArray *array;

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  array = json_object_get_array_member (json_node_get_object (node), name);
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

/* Every peer */

static void
test_client_connect (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *transport_version =
    mcp_sse_transport_dup_protocol_version (MCP_SSE_TRANSPORT (f->transport));
  JsonNode *info = mcp_sse_client_get_server_info (f->client);
  JsonNode *capabilities = mcp_sse_client_get_server_capabilities (f->client);
  JsonObject *tools;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) pong = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (mcp_sse_client_get_protocol_version (f->client), ==, NEWEST_PROTOCOL_VERSION);
  g_assert_cmpstr (transport_version, ==, NEWEST_PROTOCOL_VERSION);

  g_assert_nonnull (info);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (info), "name"), ==,
                   interop_stdio_peer_get_server_name (f->peer));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (info), "version"), ==,
                   f->spec->server_version);

  g_assert_nonnull (capabilities);
  tools = json_object_get_object_member (json_node_get_object (capabilities), "tools");
  g_assert_nonnull (tools);
  g_assert_true (json_object_get_boolean_member (tools, "listChanged"));

  if (f->spec->kind == INTEROP_STDIO_PEER_EVERYTHING)
    {
      g_assert_true (g_str_has_prefix (mcp_sse_client_get_instructions (f->client),
                                       "# Everything Server"));
      /* It registers more tools once initialized, and says so. */
      TEST_WAIT_UNTIL (has_string (f->notifications, "notifications/tools/list_changed"));
      g_assert_true (has_string (f->notifications, "notifications/tools/list_changed"));
    }
  else
    {
      g_assert_null (mcp_sse_client_get_instructions (f->client));
    }

  mcp_sse_client_ping_async (f->client, NULL, on_done, &result);
  wait_for (&result, "ping");
  pong = mcp_sse_client_ping_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pong);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (pong));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (pong)), ==, 0);
}

static void
test_client_list_tools (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *tools;
  guint i;

  /* server-everything adds tools after initialization: the notification
   * that says so comes before any answer to a later request. */
  if (f->spec->kind == INTEROP_STDIO_PEER_EVERYTHING)
    TEST_WAIT_UNTIL (has_string (f->notifications, "notifications/tools/list_changed"));

  mcp_sse_client_list_tools_async (f->client, NULL, on_done, &result);
  wait_for (&result, "tools/list");
  list = mcp_sse_client_list_tools_finish (f->client, result, &error);
  g_assert_no_error (error);

  tools = array_member (list, "tools");
  for (i = 0; i < json_array_get_length (tools) && f->spec->tools[i] != NULL; i++)
    {
      JsonObject *tool = json_array_get_object_element (tools, i);
      JsonObject *schema = json_object_get_object_member (tool, "inputSchema");

      g_assert_cmpstr (json_object_get_string_member (tool, "name"), ==, f->spec->tools[i]);
      g_assert_nonnull (schema);
      g_assert_cmpstr (json_object_get_string_member (schema, "type"), ==, "object");
    }
  g_assert_cmpuint (json_array_get_length (tools), ==, g_strv_length ((char **) f->spec->tools));
}

/* server-everything */

static void
test_everything_echo (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) hi = call_tool_ok (f, "echo", "{\"message\": \"hi\"}");
  g_autoptr(JsonNode) arguments = json ("{}");
  g_autoptr(JsonNode) tricky = NULL;
  /* A line feed, escapes, non-ASCII, U+2028 and U+2029: each message is
   * still one line on the pipe, both ways. */
  const char *message = "two\nlines \"quoted\" \\ tab\t caf\xc3\xa9 \xf0\x9f\x93\xa1 "
                        "\xe2\x80\xa8 \xe2\x80\xa9 \x7f end";
  g_autofree char *expected = g_strconcat ("Echo: ", message, NULL);

  g_assert_cmpstr (interop_content_text (hi, 0), ==, "Echo: hi");
  g_assert_false (interop_result_is_error (hi));

  json_object_set_string_member (json_node_get_object (arguments), "message", message);
  tricky = call_tool_node (f, "echo", arguments);
  g_assert_false (interop_result_is_error (tricky));
  g_assert_cmpstr (interop_content_text (tricky, 0), ==, expected);
}

static void
test_everything_get_sum (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonNode) sum = call_tool_ok (f, "get-sum", "{\"a\": 2, \"b\": 40}");
  g_autoptr(JsonNode) fractions = call_tool_ok (f, "get-sum", "{\"a\": 0.5, \"b\": -2.25}");
  g_autoptr(JsonNode) wrong = NULL;
  g_autoptr(JsonNode) arguments = json ("{\"a\": \"two\", \"b\": 40}");

  g_assert_cmpstr (interop_content_text (sum, 0), ==, "The sum of 2 and 40 is 42.");
  g_assert_cmpstr (interop_content_text (fractions, 0), ==, "The sum of 0.5 and -2.25 is -1.75.");

  /* Arguments that fail its schema: a tool error, and the session goes on. */
  wrong = call_tool_node (f, "get-sum", arguments);
  g_assert_true (interop_result_is_error (wrong));
  g_assert_nonnull (strstr (interop_content_text (wrong, 0), "Input validation error"));
}

typedef struct
{
  GArray *reports;
  gboolean destroyed;
  GAsyncResult *result;
  guint reports_at_result;
  guint signal_reports_at_result;
  guint notifications_at_result;
  gboolean destroyed_at_result;
  Fixture *fixture;
} ProgressCall;

static void
on_call_progress (McpSseClient *client,
                  JsonNode     *token,
                  double        progress,
                  double        total,
                  const char   *message,
                  gpointer      user_data)
{
  ProgressCall *call = user_data;

  g_assert_false (call->destroyed);
  g_assert_null (call->result);
  progress_reports_add (call->reports, token, progress, total, message);
}

static void
on_call_progress_destroy (gpointer user_data)
{
  ProgressCall *call = user_data;

  g_assert_false (call->destroyed);
  call->destroyed = TRUE;
}

static void
on_progress_call_done (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ProgressCall *call = user_data;

  call->result = g_object_ref (result);
  call->reports_at_result = call->reports->len;
  call->signal_reports_at_result = call->fixture->progress->len;
  call->notifications_at_result = count_strings (call->fixture->notifications,
                                                 "notifications/progress");
  call->destroyed_at_result = call->destroyed;
}

/* Four steps of 0.1 s: each notification is written before the result on
 * the same pipe, so all must have been reported, in order, by the time
 * the call completes. */
static void
test_everything_progress (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) arguments = json ("{\"duration\": 0.4, \"steps\": 4}");
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  ProgressCall call = { progress_reports_new (), FALSE, NULL, 0, 0, 0, FALSE, f };
  guint i;

  g_signal_connect (f->client, "progress", G_CALLBACK (on_progress), f);
  mcp_sse_client_call_tool_with_progress_async (f->client, "trigger-long-running-operation",
                                                arguments, on_call_progress, &call,
                                                on_call_progress_destroy, NULL,
                                                on_progress_call_done, &call);
  wait_for (&call.result, "trigger-long-running-operation");
  answer = mcp_sse_client_call_tool_with_progress_finish (f->client, call.result, &error);
  g_clear_object (&call.result);
  g_assert_no_error (error);
  g_assert_cmpstr (interop_content_text (answer, 0), ==,
                   "Long running operation completed. Duration: 0.4 seconds, Steps: 4.");

  g_assert_true (call.destroyed_at_result);
  g_assert_cmpuint (call.reports_at_result, ==, 4);
  g_assert_cmpuint (call.signal_reports_at_result, ==, 4);
  g_assert_cmpuint (call.notifications_at_result, ==, 4);

  for (i = 0; i < 4; i++)
    {
      ProgressReport *mine = &g_array_index (call.reports, ProgressReport, i);
      ProgressReport *signalled = &g_array_index (f->progress, ProgressReport, i);
      ProgressReport *first = &g_array_index (call.reports, ProgressReport, 0);

      g_assert_cmpfloat (mine->progress, ==, i + 1);
      g_assert_cmpfloat (mine->total, ==, 4);
      /* server-everything says nothing but numbers. */
      g_assert_null (mine->message);
      g_assert_true (json_node_equal (mine->token, first->token));

      g_assert_cmpfloat (signalled->progress, ==, i + 1);
      g_assert_cmpfloat (signalled->total, ==, 4);
      g_assert_null (signalled->message);
      g_assert_true (json_node_equal (signalled->token, first->token));
    }

  g_array_unref (call.reports);
}

/* A tool call during which the server asks the client to sample: the
 * client answers through ::request and reply_async, and the tool's result
 * is what the client answered. */
static void
test_everything_sampling (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) reported = NULL;
  g_autoptr(JsonNode) expected = json (SAMPLING_RESULT);
  const char *prefix = "LLM sampling result: \n";
  JsonObject *params;
  JsonArray *messages;
  JsonObject *message;
  const char *text;

  /* The tool exists once the server knows the client can sample. */
  TEST_WAIT_UNTIL (has_string (f->notifications, "notifications/tools/list_changed"));

  result = call_tool_ok (f, "trigger-sampling-request",
                         "{\"prompt\": \"Say hello over stdio\", \"maxTokens\": 64}");

  g_assert_cmpuint (f->sampling_requests->len, ==, 1);
  TEST_WAIT_UNTIL (f->replies_sent > 0);
  g_assert_cmpuint (f->replies_sent, ==, 1);
  params = json_node_get_object (f->sampling_requests->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (params, "systemPrompt"), ==,
                   "You are a helpful test server.");
  g_assert_cmpint (json_object_get_int_member (params, "maxTokens"), ==, 64);
  messages = json_object_get_array_member (params, "messages");
  g_assert_nonnull (messages);
  g_assert_cmpuint (json_array_get_length (messages), ==, 1);
  message = json_array_get_object_element (messages, 0);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (message, "content"),
                                                  "text"),
                   ==, "Resource trigger-sampling-request context: Say hello over stdio");

  /* The server quotes the answer it got as JSON. */
  text = interop_content_text (result, 0);
  g_assert_true (g_str_has_prefix (text, prefix));
  reported = json (text + strlen (prefix));
  g_assert_true (json_node_equal (reported, expected));
}

static JsonNode *
read_resource (Fixture    *f,
               const char *uri)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *contents;

  mcp_sse_client_read_resource_async (f->client, uri, NULL, on_done, &result);
  wait_for (&result, uri);
  contents = mcp_sse_client_read_resource_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (contents);

  return contents;
}

/* server-everything lists its seven documents; the instructions document
 * is what initialize said. */
static void
test_everything_resources (Fixture       *f,
                           gconstpointer  data)
{
  const char *const documents[] = {
    "architecture.md", "extension.md", "features.md", "how-it-works.md", "instructions.md",
    "startup.md", "structure.md",
  };
  const char *instructions_uri = "demo://resource/static/document/instructions.md";
  const char *dynamic_uri = "demo://resource/dynamic/text/3";
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) instructions = NULL;
  g_autoptr(JsonNode) dynamic = NULL;
  JsonArray *resources;
  JsonObject *content;
  guint i;

  mcp_sse_client_list_resources_async (f->client, NULL, on_done, &result);
  wait_for (&result, "resources/list");
  list = mcp_sse_client_list_resources_finish (f->client, result, &error);
  g_assert_no_error (error);
  resources = array_member (list, "resources");
  g_assert_cmpuint (json_array_get_length (resources), ==, G_N_ELEMENTS (documents));
  for (i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      JsonObject *resource = json_array_get_object_element (resources, i);
      g_autofree char *uri = g_strconcat ("demo://resource/static/document/", documents[i], NULL);

      g_assert_cmpstr (json_object_get_string_member (resource, "uri"), ==, uri);
      g_assert_cmpstr (json_object_get_string_member (resource, "mimeType"), ==, "text/markdown");
    }

  instructions = read_resource (f, instructions_uri);
  g_assert_cmpuint (json_array_get_length (array_member (instructions, "contents")), ==, 1);
  content = json_array_get_object_element (array_member (instructions, "contents"), 0);
  g_assert_cmpstr (json_object_get_string_member (content, "uri"), ==, instructions_uri);
  g_assert_cmpstr (json_object_get_string_member (content, "mimeType"), ==, "text/markdown");
  g_assert_cmpstr (json_object_get_string_member (content, "text"), ==,
                   mcp_sse_client_get_instructions (f->client));

  /* A resource of a template, made on request; it says when. */
  dynamic = read_resource (f, dynamic_uri);
  content = json_array_get_object_element (array_member (dynamic, "contents"), 0);
  g_assert_cmpstr (json_object_get_string_member (content, "uri"), ==, dynamic_uri);
  g_assert_cmpstr (json_object_get_string_member (content, "mimeType"), ==, "text/plain");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (content, "text"),
                                   "Resource 3: This is a plaintext resource created at "));
}

static JsonNode *
get_prompt (Fixture    *f,
            const char *name,
            const char *arguments)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json (arguments);
  JsonNode *prompt;

  mcp_sse_client_get_prompt_async (f->client, name, node, NULL, on_done, &result);
  wait_for (&result, name);
  prompt = mcp_sse_client_get_prompt_finish (f->client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (prompt);

  return prompt;
}

static const char *
prompt_text (JsonNode *prompt)
{
  JsonArray *messages = array_member (prompt, "messages");
  JsonObject *message;

  g_assert_cmpuint (json_array_get_length (messages), ==, 1);
  message = json_array_get_object_element (messages, 0);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "user");
  return json_object_get_string_member (json_object_get_object_member (message, "content"), "text");
}

static void
test_everything_prompts (Fixture       *f,
                         gconstpointer  data)
{
  const char *const names[] = { "simple-prompt", "args-prompt", "completable-prompt", "resource-prompt" };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) both = NULL;
  g_autoptr(JsonNode) city_only = NULL;
  JsonArray *prompts;
  JsonArray *arguments;
  guint i;

  mcp_sse_client_list_prompts_async (f->client, NULL, on_done, &result);
  wait_for (&result, "prompts/list");
  list = mcp_sse_client_list_prompts_finish (f->client, result, &error);
  g_assert_no_error (error);
  prompts = array_member (list, "prompts");
  g_assert_cmpuint (json_array_get_length (prompts), ==, G_N_ELEMENTS (names));
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (prompts, i), "name"),
                     ==, names[i]);

  /* args-prompt: city required, state optional. */
  arguments = json_object_get_array_member (json_array_get_object_element (prompts, 1), "arguments");
  g_assert_nonnull (arguments);
  g_assert_cmpuint (json_array_get_length (arguments), ==, 2);
  g_assert_true (has_object_with (arguments, "name", "city"));
  g_assert_true (has_object_with (arguments, "name", "state"));
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (arguments, 0), "required"));
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (arguments, 1), "required"));

  both = get_prompt (f, "args-prompt", "{\"city\": \"Z\\u00fcrich\", \"state\": \"ZH\"}");
  g_assert_cmpstr (prompt_text (both), ==, "What's weather in Z\xc3\xbcrich, ZH?");
  city_only = get_prompt (f, "args-prompt", "{\"city\": \"Bern\"}");
  g_assert_cmpstr (prompt_text (city_only), ==, "What's weather in Bern?");
}

/* server-filesystem */

#define MEBIBYTE (1024 * 1024)

/* The peer's directory as the server sees it: it resolves symbolic links
 * in the paths it is given. */
static char *
real_directory (Fixture *f)
{
  char *resolved = realpath (interop_stdio_peer_get_directory (f->peer), NULL);
  char *path;

  g_assert_nonnull (resolved);
  path = g_strdup (resolved);
  free (resolved);
  return path;
}

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
        g_error ("byte %" G_GSIZE_FORMAT " of the data is not base64", i);
    }

  data = g_base64_decode (text, &length);
  return g_bytes_new_take (data, length);
}

/* A mebibyte of random bytes, every value among them, written here and
 * read through the server: read_media_file returns a file that is neither
 * image nor audio as an embedded resource with a base64 blob. */
static void
test_filesystem_binary_file (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GRand) rand = test_rand_new ();
  g_autofree guint8 *bytes = g_malloc (MEBIBYTE);
  g_autofree char *path = g_build_filename (interop_stdio_peer_get_directory (f->peer), "random.bin", NULL);
  g_autofree char *directory = real_directory (f);
  g_autofree char *real_path = g_build_filename (directory, "random.bin", NULL);
  g_autofree char *uri = g_filename_to_uri (real_path, NULL, NULL);
  g_autoptr(JsonNode) arguments = json ("{}");
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GBytes) read = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *resource;
  gsize i;

  for (i = 0; i < MEBIBYTE; i += 4)
    {
      guint32 value = g_rand_int (rand);

      memcpy (bytes + i, &value, 4);
    }
  /* All 256 values, whatever the seed. */
  for (i = 0; i < 256; i++)
    bytes[i * 4099] = (guint8) i;

  g_file_set_contents (path, (const char *) bytes, MEBIBYTE, &error);
  g_assert_no_error (error);

  json_object_set_string_member (json_node_get_object (arguments), "path", path);
  result = call_tool_node (f, "read_media_file", arguments);
  g_assert_false (interop_result_is_error (result));

  resource = json_object_get_object_member (interop_content_item (result, 0, "resource"), "resource");
  g_assert_nonnull (resource);
  g_assert_cmpstr (json_object_get_string_member (resource, "uri"), ==, uri);
  g_assert_cmpstr (json_object_get_string_member (resource, "mimeType"), ==, "application/octet-stream");
  read = decode_strict_base64 (json_object_get_string_member (resource, "blob"));
  g_assert_cmpmem (g_bytes_get_data (read, NULL), g_bytes_get_size (read), bytes, MEBIBYTE);
}

/* A mebibyte of UTF-8 text of one to four bytes a character, with line
 * ends, tabs, quotes, backslashes and U+2028 in it. */
static char *
varied_text (gsize length)
{
  static const char *const pieces[] = {
    "a", "Z", "0", " ", "\n", "\r\n", "\t", "\"", "\\", "/", "{", "}", "\xc3\xa9", "\xc3\x9f",
    "\xe2\x82\xac", "\xe2\x80\xa8", "\xe6\x97\xa5", "\xf0\x9f\x93\xa1", "\xf0\x9d\x84\x9e", "\x7f",
  };
  GString *text = g_string_sized_new (length);
  guint i = 0;

  while (text->len < length)
    {
      const char *piece = pieces[(i * 7 + i / 20) % G_N_ELEMENTS (pieces)];

      if (text->len + strlen (piece) > length)
        piece = "x";
      g_string_append (text, piece);
      i++;
    }

  g_assert_cmpuint (text->len, ==, length);
  g_assert_true (g_utf8_validate (text->str, text->len, NULL));
  return g_string_free (text, FALSE);
}

/* Text written through the server lands on disk byte for byte, and comes
 * back the same through read_text_file. */
static void
test_filesystem_text_file (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *text = varied_text (MEBIBYTE);
  g_autofree char *path = g_build_filename (interop_stdio_peer_get_directory (f->peer), "text.txt", NULL);
  g_autofree char *written_message = g_strconcat ("Successfully wrote to ", path, NULL);
  g_autofree char *on_disk = NULL;
  g_autoptr(JsonNode) write_arguments = json ("{}");
  g_autoptr(JsonNode) read_arguments = json ("{}");
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) read = NULL;
  g_autoptr(GError) error = NULL;
  const char *read_text;
  gsize length;

  json_object_set_string_member (json_node_get_object (write_arguments), "path", path);
  json_object_set_string_member (json_node_get_object (write_arguments), "content", text);
  written = call_tool_node (f, "write_file", write_arguments);
  g_assert_false (interop_result_is_error (written));
  g_assert_cmpstr (interop_content_text (written, 0), ==, written_message);

  g_file_get_contents (path, &on_disk, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (on_disk, length, text, MEBIBYTE);

  json_object_set_string_member (json_node_get_object (read_arguments), "path", path);
  read = call_tool_node (f, "read_text_file", read_arguments);
  g_assert_false (interop_result_is_error (read));
  read_text = interop_content_text (read, 0);
  g_assert_cmpmem (read_text, strlen (read_text), text, MEBIBYTE);
}

static JsonNode *
call_with_path (Fixture    *f,
                const char *tool,
                const char *path)
{
  g_autoptr(JsonNode) arguments = json ("{}");

  json_object_set_string_member (json_node_get_object (arguments), "path", path);
  return call_tool_node (f, tool, arguments);
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The lines of a listing, sorted: the server lists in the order of the
 * directory. */
static char *
sorted_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  qsort (lines, g_strv_length (lines), sizeof (char *), compare_strings);
  return g_strjoinv ("\n", lines);
}

static void
test_filesystem_list_directory (Fixture       *f,
                                gconstpointer  data)
{
  const char *directory = interop_stdio_peer_get_directory (f->peer);
  g_autofree char *subdirectory = g_build_filename (directory, "sub", NULL);
  g_autofree char *hello = g_build_filename (directory, INTEROP_STDIO_FILE_NAME, NULL);
  g_autofree char *notes = g_build_filename (subdirectory, "notes.txt", NULL);
  g_autofree char *parent = g_path_get_dirname (directory);
  g_autoptr(JsonNode) created = call_with_path (f, "create_directory", subdirectory);
  g_autoptr(JsonNode) written = NULL;
  g_autoptr(JsonNode) listing = NULL;
  g_autoptr(JsonNode) sub_listing = NULL;
  g_autoptr(JsonNode) greeting = NULL;
  g_autoptr(JsonNode) outside = NULL;
  g_autoptr(JsonNode) arguments = json ("{\"content\": \"notes\\n\"}");
  g_autofree char *created_message = g_strconcat ("Successfully created directory ", subdirectory, NULL);
  g_autofree char *entries = NULL;

  g_assert_cmpstr (interop_content_text (created, 0), ==, created_message);
  g_assert_true (g_file_test (subdirectory, G_FILE_TEST_IS_DIR));

  json_object_set_string_member (json_node_get_object (arguments), "path", notes);
  written = call_tool_node (f, "write_file", arguments);
  g_assert_false (interop_result_is_error (written));

  listing = call_with_path (f, "list_directory", directory);
  g_assert_false (interop_result_is_error (listing));
  entries = sorted_lines (interop_content_text (listing, 0));
  g_assert_cmpstr (entries, ==, "[DIR] sub\n[FILE] " INTEROP_STDIO_FILE_NAME);

  sub_listing = call_with_path (f, "list_directory", subdirectory);
  g_assert_cmpstr (interop_content_text (sub_listing, 0), ==, "[FILE] notes.txt");

  greeting = call_with_path (f, "read_text_file", hello);
  g_assert_cmpstr (interop_content_text (greeting, 0), ==, INTEROP_STDIO_FILE_TEXT);

  /* Outside the one allowed directory: refused, as a tool error. */
  outside = call_with_path (f, "list_directory", parent);
  g_assert_true (interop_result_is_error (outside));
  g_assert_true (g_str_has_prefix (interop_content_text (outside, 0),
                                   "Access denied - path outside allowed directories"));
}

/* server-memory */

#define MEMORY_ENTITIES                                                       \
  "[{\"name\": \"Ada Lovelace\", \"entityType\": \"person\","                 \
  "  \"observations\": [\"wrote the first published program\", \"born in London\"]},"  \
  " {\"name\": \"Analytical Engine\", \"entityType\": \"machine\","           \
  "  \"observations\": [\"designed by Charles Babbage\"]},"                   \
  " {\"name\": \"Z\\u00fcrich\", \"entityType\": \"city\","                   \
  "  \"observations\": [\"gr\\u00f6\\u00dfte Stadt der Schweiz\"]}]"

#define MEMORY_RELATIONS                                                      \
  "[{\"from\": \"Ada Lovelace\", \"to\": \"Analytical Engine\", \"relationType\": \"programmed\"}]"

static JsonNode *
structured_content (JsonNode *result)
{
  JsonNode *node = json_object_get_member (json_node_get_object (result), "structuredContent");

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return node;
}

static void
assert_json_equal (JsonNode   *node,
                   const char *expected_text)
{
  g_autoptr(JsonNode) expected = json (expected_text);

  if (!json_node_equal (node, expected))
    {
      g_autofree char *text = json_to_string (node, FALSE);

      g_error ("got %s, expected %s", text, expected_text);
    }
}

static void
assert_whole_graph (Fixture *f)
{
  g_autoptr(JsonNode) graph = call_tool_ok (f, "read_graph", "{}");

  assert_json_equal (structured_content (graph),
                     "{\"entities\": " MEMORY_ENTITIES ", \"relations\": " MEMORY_RELATIONS "}");
}

/* Entities and relations go in, the graph and searches come out, and the
 * graph is in MEMORY_FILE_PATH for the next server to find. */
static void
test_memory_graph (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) entities = call_tool_ok (f, "create_entities", "{\"entities\": " MEMORY_ENTITIES "}");
  g_autoptr(JsonNode) relations = call_tool_ok (f, "create_relations", "{\"relations\": " MEMORY_RELATIONS "}");
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) program = NULL;
  g_autoptr(JsonNode) city = NULL;
  g_autoptr(JsonNode) nothing = NULL;
  g_autofree char *memory_file = g_build_filename (interop_stdio_peer_get_directory (f->peer),
                                                   INTEROP_STDIO_MEMORY_FILE_NAME, NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_pid = NULL;

  assert_json_equal (structured_content (entities), "{\"entities\": " MEMORY_ENTITIES "}");
  assert_json_equal (structured_content (relations), "{\"relations\": " MEMORY_RELATIONS "}");

  /* What exists already is not created twice. */
  again = call_tool_ok (f, "create_entities", "{\"entities\": " MEMORY_ENTITIES "}");
  assert_json_equal (structured_content (again), "{\"entities\": []}");

  assert_whole_graph (f);

  /* Case-insensitive, in names, types and observations; with the
   * relations that touch what was found. */
  program = call_tool_ok (f, "search_nodes", "{\"query\": \"PROGRAM\"}");
  assert_json_equal (structured_content (program),
                     "{\"entities\": [{\"name\": \"Ada Lovelace\", \"entityType\": \"person\","
                     " \"observations\": [\"wrote the first published program\", \"born in London\"]}],"
                     " \"relations\": " MEMORY_RELATIONS "}");
  city = call_tool_ok (f, "search_nodes", "{\"query\": \"gr\\u00f6\\u00dfte\"}");
  assert_json_equal (structured_content (city),
                     "{\"entities\": [{\"name\": \"Z\\u00fcrich\", \"entityType\": \"city\","
                     " \"observations\": [\"gr\\u00f6\\u00dfte Stadt der Schweiz\"]}],"
                     " \"relations\": []}");
  nothing = call_tool_ok (f, "search_nodes", "{\"query\": \"Babbage's daughter\"}");
  assert_json_equal (structured_content (nothing), "{\"entities\": [], \"relations\": []}");

  /* One line a node or relation in the file the environment named. */
  g_file_get_contents (memory_file, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_nonnull (strstr (lines[0], "\"type\":\"entity\""));
  g_assert_nonnull (strstr (lines[3], "\"type\":\"relation\""));

  /* A second server, started by the same transport, reads it back. */
  assert_stderr_seen (f);
  first_pid = g_strdup (g_subprocess_get_identifier (mcp_sse_stdio_transport_get_subprocess (f->transport)));
  stop_and_reap (f);
  g_ptr_array_set_size (f->stderr_lines, 0);

  connect_session (f);
  g_assert_cmpstr (g_subprocess_get_identifier (mcp_sse_stdio_transport_get_subprocess (f->transport)),
                   !=, first_pid);
  assert_whole_graph (f);
}

static void
add_client_test (const PeerSpec *spec,
                 const char     *name,
                 void          (*test) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/interop/stdio/%s/client/%s", spec->path, name);

  g_test_add (path, Fixture, spec, setup_client, test, teardown_client);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  test_init (&argc, &argv);

  status = interop_main_skip_unless_ready ();
  if (status >= 0)
    return status;

  g_test_add_data_func ("/interop/stdio/server-everything/initialize",
                        GINT_TO_POINTER (INTEROP_STDIO_PEER_EVERYTHING), test_initialize);
  g_test_add_data_func ("/interop/stdio/server-filesystem/initialize",
                        GINT_TO_POINTER (INTEROP_STDIO_PEER_FILESYSTEM), test_initialize);
  g_test_add_data_func ("/interop/stdio/server-memory/initialize",
                        GINT_TO_POINTER (INTEROP_STDIO_PEER_MEMORY), test_initialize);

  add_client_test (&everything_peer, "connect", test_client_connect);
  add_client_test (&everything_peer, "list-tools", test_client_list_tools);
  add_client_test (&everything_peer, "echo", test_everything_echo);
  add_client_test (&everything_peer, "get-sum", test_everything_get_sum);
  add_client_test (&everything_peer, "progress", test_everything_progress);
  add_client_test (&everything_peer, "resources", test_everything_resources);
  add_client_test (&everything_peer, "prompts", test_everything_prompts);
  add_client_test (&everything_sampling_peer, "list-tools-when-sampling", test_client_list_tools);
  add_client_test (&everything_sampling_peer, "sampling", test_everything_sampling);

  add_client_test (&filesystem_peer, "connect", test_client_connect);
  add_client_test (&filesystem_peer, "list-tools", test_client_list_tools);
  add_client_test (&filesystem_peer, "binary-file", test_filesystem_binary_file);
  add_client_test (&filesystem_peer, "text-file", test_filesystem_text_file);
  add_client_test (&filesystem_peer, "list-directory", test_filesystem_list_directory);

  add_client_test (&memory_peer, "connect", test_client_connect);
  add_client_test (&memory_peer, "list-tools", test_client_list_tools);
  add_client_test (&memory_peer, "graph", test_memory_graph);

  return g_test_run ();
}
