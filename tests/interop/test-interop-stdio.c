/* test-interop-stdio.c: the MCP servers of others that speak stdio, run
 * with the argv and environment that interop-server.c gives them
 *
 * Each peer is started as a child process, sent an `initialize` request
 * as one line on its standard input and expected to answer with one line
 * on its standard output; closing its standard input ends it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <json-glib/json-glib.h>

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

  return g_test_run ();
}
