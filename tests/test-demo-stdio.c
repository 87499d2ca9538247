/* test-demo-stdio.c: the demo MCP server over stdio, one JSON-RPC message
 * per line: as `mcp-sse --demo-server --stdio` in a child process, and in
 * this process on a pair of pipes (which valgrind sees)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>

#include "mcp-sse-demo-server.h"
#include "mcp-sse-test-utils.h"

typedef enum
{
  MODE_PROCESS,    /* the mcp-sse command, as a child process */
  MODE_IN_PROCESS, /* mcp_sse_demo_server_serve_stdio_async() on pipes */
} Mode;

typedef struct
{
  Mode mode;

  /* MODE_PROCESS */
  GSubprocess *process;

  /* MODE_IN_PROCESS */
  McpSseDemoServer *server;
  GCancellable *cancellable;
  gboolean served;
  GError *serve_error;

  /* The client's side: what it writes to the server, what it reads. */
  GOutputStream *to_server;
  GDataInputStream *from_server;
} Fixture;

static char *
tool_path (void)
{
  const char *path = g_getenv ("MCP_SSE_TOOL");

  if (path != NULL)
    return g_strdup (path);

  return g_test_build_filename (G_TEST_BUILT, "..", "mcp-sse", "tool", "mcp-sse", NULL);
}

static void
on_served (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fixture *fixture = user_data;

  mcp_sse_demo_server_serve_stdio_finish (MCP_SSE_DEMO_SERVER (source), result,
                                          &fixture->serve_error);
  fixture->served = TRUE;
}

/* A pipe whose ends never block the test, which plays both of them. */
static void
open_pipe (int fds[2])
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_no_error (error);
  g_assert_true (g_unix_set_fd_nonblocking (fds[0], TRUE, NULL));
  g_assert_true (g_unix_set_fd_nonblocking (fds[1], TRUE, NULL));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->mode = GPOINTER_TO_INT (data);

  if (fixture->mode == MODE_PROCESS)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_autofree char *tool = tool_path ();
      g_autoptr(GError) error = NULL;

      /* Diagnostics, should there be any, must not reach stdout. */
      g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
      test_launcher_die_with_parent (launcher);
      fixture->process = g_subprocess_launcher_spawn (launcher, &error, tool,
                                                      "--demo-server", "--stdio", NULL);
      g_assert_no_error (error);
      fixture->to_server = g_object_ref (g_subprocess_get_stdin_pipe (fixture->process));
      fixture->from_server = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->process));
    }
  else
    {
      g_autoptr(GInputStream) server_input = NULL;
      g_autoptr(GOutputStream) server_output = NULL;
      g_autoptr(GInputStream) client_input = NULL;
      int requests[2], responses[2];

      open_pipe (requests);
      open_pipe (responses);
      server_input = g_unix_input_stream_new (requests[0], TRUE);
      fixture->to_server = g_unix_output_stream_new (requests[1], TRUE);
      server_output = g_unix_output_stream_new (responses[1], TRUE);
      client_input = g_unix_input_stream_new (responses[0], TRUE);
      fixture->from_server = g_data_input_stream_new (client_input);

      fixture->server = mcp_sse_demo_server_new ();
      fixture->cancellable = g_cancellable_new ();
      mcp_sse_demo_server_serve_stdio_async (fixture->server, server_input, server_output,
                                             fixture->cancellable, on_served, fixture);
      g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 1);
    }

  /* Lines are a megabyte at most here. */
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (fixture->from_server),
                                           64 * 1024);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Closes the server's input and waits for the end of the session: the
 * process exits with 0, or the operation completes successfully. */
static void
fixture_end_input (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close (fixture->to_server, NULL, &error);
  g_assert_no_error (error);

  if (fixture->mode == MODE_PROCESS)
    {
      gboolean exited = FALSE;

      g_subprocess_wait_async (fixture->process, NULL, on_exited, &exited);
      TEST_WAIT_UNTIL (exited);
      g_assert_true (g_subprocess_get_if_exited (fixture->process));
      g_assert_cmpint (g_subprocess_get_exit_status (fixture->process), ==, 0);
    }
  else
    {
      TEST_WAIT_UNTIL (fixture->served);
      g_assert_no_error (fixture->serve_error);
      g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 0);
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->process != NULL)
    {
      g_subprocess_force_exit (fixture->process);
      g_subprocess_wait (fixture->process, NULL, NULL);
      g_clear_object (&fixture->process);
    }

  if (fixture->server != NULL)
    {
      if (!fixture->served)
        {
          g_cancellable_cancel (fixture->cancellable);
          TEST_WAIT_UNTIL (fixture->served);
        }
      g_clear_error (&fixture->serve_error);
      g_assert_finalize_object (fixture->server);
      g_clear_object (&fixture->cancellable);
    }

  g_clear_object (&fixture->to_server);
  g_clear_object (&fixture->from_server);
}

typedef struct
{
  gboolean done;
  GError *error;
} Write;

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Write *write = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &write->error);
  write->done = TRUE;
}

/* Writes @text as it is: the caller ends lines. */
static void
send_text (Fixture    *fixture,
           const char *text,
           gsize       length)
{
  Write write = { FALSE, NULL };

  g_output_stream_write_all_async (fixture->to_server, text, length, G_PRIORITY_DEFAULT,
                                   NULL, on_written, &write);
  TEST_WAIT_UNTIL (write.done);
  g_assert_no_error (write.error);
}

static void
send_line (Fixture    *fixture,
           const char *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);

  send_text (fixture, text, strlen (text));
}

/* The next line from the server, which must be one JSON object. */
static JsonObject *
receive (Fixture *fixture)
{
  g_autofree char *line = test_read_line (fixture->from_server, "the server's output");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_assert_nonnull (line);
  node = json_from_string (line, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_dup_object (node);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "jsonrpc", NULL), ==, "2.0");

  return object;
}

/* The next line, which must answer request @id with a result. */
static JsonObject *
receive_result (Fixture *fixture,
                gint64   id)
{
  g_autoptr(JsonObject) reply = receive (fixture);

  g_assert_false (json_object_has_member (reply, "error"));
  g_assert_cmpint (json_object_get_int_member_with_default (reply, "id", -1), ==, id);
  g_assert_true (json_object_has_member (reply, "result"));

  return json_object_ref (json_object_get_object_member (reply, "result"));
}

static void
assert_text_result (JsonObject *result,
                    const char *text)
{
  JsonArray *content = json_object_get_array_member (result, "content");
  JsonObject *item;

  g_assert_false (json_object_get_boolean_member_with_default (result, "isError", FALSE));
  g_assert_cmpuint (json_array_get_length (content), ==, 1);
  item = json_array_get_object_element (content, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "type"), ==, "text");
  g_assert_cmpstr (json_object_get_string_member (item, "text"), ==, text);
}

static void
ping (Fixture *fixture,
      gint64   id)
{
  g_autofree char *request = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%" G_GINT64_FORMAT
                                              ",\"method\":\"ping\"}", id);
  g_autoptr(JsonObject) result = NULL;

  send_line (fixture, request);
  result = receive_result (fixture, id);
  g_assert_cmpuint (json_object_get_size (result), ==, 0);
}

static void
handshake (Fixture *fixture)
{
  g_autoptr(JsonObject) result = NULL;

  send_line (fixture,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
             "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
             "\"clientInfo\":{\"name\":\"test-demo-stdio\",\"version\":\"1.0\"}}}");
  result = receive_result (fixture, 1);
  g_assert_cmpstr (json_object_get_string_member (result, "protocolVersion"), ==, "2025-06-18");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "serverInfo"),
                                                  "name"),
                   ==, MCP_SSE_DEMO_SERVER_NAME);
  g_assert_true (json_object_has_member (json_object_get_object_member (result, "capabilities"),
                                         "tools"));

  /* A notification has no answer: the next line answers the ping. */
  send_line (fixture, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  ping (fixture, 2);
}

static void
test_session (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonObject) tools = NULL;
  g_autoptr(JsonObject) sum = NULL;
  const char *const names[] = { "echo", "add", "slow", "flood" };
  JsonArray *list;

  handshake (fixture);

  send_line (fixture, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
  tools = receive_result (fixture, 3);
  list = json_object_get_array_member (tools, "tools");
  g_assert_cmpuint (json_array_get_length (list), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, i), "name"),
                     ==, names[i]);

  send_line (fixture, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":"
                      "{\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":40}}}");
  sum = receive_result (fixture, 4);
  assert_text_result (sum, "42");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (sum, "structuredContent"),
                                               "sum"),
                   ==, 42);

  ping (fixture, 5);
  fixture_end_input (fixture);

  /* Nothing after the end. */
  g_assert_null (test_read_line (fixture->from_server, "the server's output"));
}

static void
test_slow_progress (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) result = NULL;

  handshake (fixture);
  send_line (fixture, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
                      "{\"name\":\"slow\",\"arguments\":{\"steps\":3,\"interval_ms\":10},"
                      "\"_meta\":{\"progressToken\":\"token-7\"}}}");

  for (gint64 step = 1; step <= 3; step++)
    {
      g_autoptr(JsonObject) notification = receive (fixture);
      JsonObject *params = json_object_get_object_member (notification, "params");

      g_assert_false (json_object_has_member (notification, "id"));
      g_assert_cmpstr (json_object_get_string_member (notification, "method"), ==,
                       "notifications/progress");
      g_assert_cmpstr (json_object_get_string_member (params, "progressToken"), ==, "token-7");
      g_assert_cmpint (json_object_get_int_member (params, "progress"), ==, step);
      g_assert_cmpint (json_object_get_int_member (params, "total"), ==, 3);
    }

  result = receive_result (fixture, 7);
  assert_text_result (result, "done");
  fixture_end_input (fixture);
}

#define FLOOD_COUNT 2000
#define FLOOD_SIZE 300

static void
test_flood (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *request = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) result = NULL;

  handshake (fixture);
  request = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":"
                             "{\"name\":\"flood\",\"arguments\":{\"count\":%d,\"size\":%d}}}",
                             FLOOD_COUNT, FLOOD_SIZE);
  send_line (fixture, request);

  /* Every notification whole, a line of its own, in order. */
  for (gint64 seq = 1; seq <= FLOOD_COUNT; seq++)
    {
      g_autofree char *line = test_read_line (fixture->from_server, "the flood");
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      JsonObject *params;

      g_assert_nonnull (line);
      g_assert_cmpuint (strlen (line), ==, FLOOD_SIZE);
      node = json_from_string (line, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "method"), ==,
                       "notifications/message");
      params = json_object_get_object_member (json_node_get_object (node), "params");
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (params, "data"),
                                                   "seq"),
                       ==, seq);
    }

  result = receive_result (fixture, 8);
  text = g_strdup_printf ("sent %d", FLOOD_COUNT);
  assert_text_result (result, text);
  fixture_end_input (fixture);
}

static void
assert_error (JsonObject *reply,
              int         code)
{
  JsonObject *error = json_object_get_object_member (reply, "error");

  g_assert_nonnull (error);
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, code);
  g_assert_true (json_object_has_member (reply, "id"));
  g_assert_true (json_object_get_null_member (reply, "id"));
}

static void
test_invalid_lines (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char invalid_utf8[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}\n";
  static const char ping_crlf[] = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}\r\n";
  gsize long_length = 4 * 1024 * 1024 + 1;
  g_autofree char *long_line = g_malloc (long_length + 1);

  handshake (fixture);

  send_line (fixture, "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": ");
  {
    g_autoptr(JsonObject) reply = receive (fixture);
    assert_error (reply, -32700);
  }
  ping (fixture, 4);

  send_text (fixture, invalid_utf8, strlen (invalid_utf8));
  {
    g_autoptr(JsonObject) reply = receive (fixture);
    assert_error (reply, -32700);
  }

  /* Empty lines and a \r before the newline are fine. */
  send_text (fixture, "\n\r\n", 3);
  send_text (fixture, ping_crlf, strlen (ping_crlf));
  json_object_unref (receive_result (fixture, 5));

  /* A line over 4 MiB is refused whole, once. */
  memset (long_line, ' ', long_length);
  long_line[long_length] = '\0';
  send_line (fixture, long_line);
  {
    g_autoptr(JsonObject) reply = receive (fixture);
    assert_error (reply, -32600);
  }
  ping (fixture, 6);

  fixture_end_input (fixture);
}

/* The end of the input in the middle of a flood: the flood stops, the
 * lines already made are written whole, and the session ends cleanly. */
static void
test_end_during_flood (Fixture       *fixture,
                       gconstpointer  data)
{
  guint lines = 0;
  char *line;

  handshake (fixture);
  send_line (fixture, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":"
                      "{\"name\":\"flood\",\"arguments\":{\"count\":100000000,\"size\":1000}}}");
  g_free (test_read_line (fixture->from_server, "the flood"));

  /* Without waiting for the end, which the read below sees. */
  g_output_stream_close (fixture->to_server, NULL, NULL);

  while ((line = test_read_line (fixture->from_server, "the flood")) != NULL)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (strlen (line), ==, 1000);
      node = json_from_string (line, &error);
      g_assert_no_error (error);
      g_free (line);

      /* The flood is cut short: no result, far fewer lines than asked for. */
      g_assert_cmpuint (++lines, <, 100000);
    }
  fixture_end_input (fixture);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  handshake (fixture);
  g_cancellable_cancel (fixture->cancellable);
  TEST_WAIT_UNTIL (fixture->served);
  g_assert_error (fixture->serve_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 0);
}

static void
test_close_sessions (Fixture       *fixture,
                     gconstpointer  data)
{
  handshake (fixture);
  send_line (fixture, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                      "{\"name\":\"slow\",\"arguments\":{\"steps\":1000,\"interval_ms\":1000}}}");
  ping (fixture, 4);

  /* The slow call is dropped without an answer; the output just ends. */
  mcp_sse_demo_server_close_sessions (fixture->server);
  TEST_WAIT_UNTIL (fixture->served);
  g_assert_no_error (fixture->serve_error);
  g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 0);
}

static void
add_test (const char *name,
          Mode        mode,
          void (*func) (Fixture *, gconstpointer))
{
  g_autofree char *path = g_strdup_printf ("/demo-stdio/%s/%s",
                                           mode == MODE_PROCESS ? "process" : "in-process", name);

  g_test_add (path, Fixture, GINT_TO_POINTER (mode), fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  test_init (&argc, &argv);

  for (Mode mode = MODE_PROCESS; mode <= MODE_IN_PROCESS; mode++)
    {
      add_test ("session", mode, test_session);
      add_test ("slow-progress", mode, test_slow_progress);
      add_test ("flood", mode, test_flood);
      add_test ("invalid-lines", mode, test_invalid_lines);
      add_test ("end-during-flood", mode, test_end_during_flood);
    }
  add_test ("cancel", MODE_IN_PROCESS, test_cancel);
  add_test ("close-sessions", MODE_IN_PROCESS, test_close_sessions);

  return g_test_run ();
}
