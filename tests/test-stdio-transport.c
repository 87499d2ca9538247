/* test-stdio-transport.c: McpSseStdioTransport against servers run as child processes
 *
 * The servers are the scenes of tests/stdio-server.py, run by
 * /usr/bin/python3. The fixture records every signal and, at teardown,
 * checks that ::closed fired exactly once per successful start, that no
 * ::error went unexamined, that the transport is finalized and that the
 * server process was reaped.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-line-splitter-private.h"
#include "mcp-sse-stdio-transport-private.h"
#include "mcp-sse-test-utils.h"

#define PYTHON "/usr/bin/python3"

/* The most that a reaction to an event may take (seconds, scaled). */
#define WITHIN_A_SECOND 1.0

typedef struct
{
  McpSseStdioTransport *transport;
  gpointer weak_process;
  GPid pid;

  GPtrArray *messages;
  GPtrArray *errors;
  GPtrArray *stderr_lines;
  guint n_stderr_lines;
  guint n_cut_stderr_lines;
  guint n_started;
  guint n_closed;
  GError *closed_error;
  gint64 closed_at;
  gboolean in_stop;
  gboolean errors_checked;
  gboolean dropped;
} Fixture;

/* Helpers */

static char *
server_script (void)
{
  return g_test_build_filename (G_TEST_DIST, "stdio-server.py", NULL);
}

static McpSseStdioTransport *
new_transport (const char *scene,
               const char *argument)
{
  g_autofree char *script = server_script ();
  const char *argv[] = { PYTHON, script, scene, argument, NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  test_launcher_die_with_parent (launcher);
  return mcp_sse_stdio_transport_new_with_launcher (launcher, argv);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* The messages that are objects with member @name */
static guint
count_members (Fixture    *f,
               const char *name)
{
  guint n = 0;
  guint i;

  for (i = 0; i < f->messages->len; i++)
    {
      JsonNode *node = g_ptr_array_index (f->messages, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && json_object_has_member (json_node_get_object (node), name))
        n++;
    }
  return n;
}

static JsonObject *
find_member (Fixture    *f,
             const char *name)
{
  guint i;

  for (i = 0; i < f->messages->len; i++)
    {
      JsonNode *node = g_ptr_array_index (f->messages, i);

      if (JSON_NODE_HOLDS_OBJECT (node) && json_object_has_member (json_node_get_object (node), name))
        return json_node_get_object (node);
    }
  return NULL;
}

static char *
to_text (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* No child process of ours is left to reap, zombie or not. */
static void
assert_no_child (GPid pid)
{
  int status;

  g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, -1);
  g_assert_cmpint (errno, ==, ECHILD);
}

/* Recording signals */

static void
on_message (McpSseTransport *transport,
            JsonNode        *message,
            Fixture         *f)
{
  g_ptr_array_add (f->messages, json_node_copy (message));
}

static void
on_error (McpSseTransport *transport,
          GError          *error,
          Fixture         *f)
{
  g_ptr_array_add (f->errors, g_error_copy (error));
  f->errors_checked = FALSE;
}

static void
on_closed (McpSseTransport *transport,
           GError          *error,
           Fixture         *f)
{
  f->n_closed++;
  f->closed_at = g_get_monotonic_time ();
  g_clear_error (&f->closed_error);
  if (error != NULL)
    f->closed_error = g_error_copy (error);
  g_assert_cmpint (mcp_sse_transport_get_state (transport), ==, MCP_SSE_CONNECTION_STATE_CLOSED);
}

static void
on_stderr_line (McpSseStdioTransport *transport,
                const char           *line,
                Fixture              *f)
{
  g_assert_true (g_utf8_validate (line, -1, NULL));
  f->n_stderr_lines++;
  if (g_str_has_suffix (line, "…"))
    {
      g_assert_cmpuint (strlen (line), ==, MCP_SSE_STDIO_STDERR_LINE_MAX + strlen ("…"));
      f->n_cut_stderr_lines++;
    }
  if (f->stderr_lines->len < 100)
    g_ptr_array_add (f->stderr_lines, g_strdup (line));
}

static void
fixture_attach (Fixture              *f,
                McpSseStdioTransport *transport)
{
  f->transport = transport;
  g_signal_connect (transport, "message", G_CALLBACK (on_message), f);
  g_signal_connect (transport, "error", G_CALLBACK (on_error), f);
  g_signal_connect (transport, "closed", G_CALLBACK (on_closed), f);
  g_signal_connect (transport, "stderr-line", G_CALLBACK (on_stderr_line), f);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  f->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  f->stderr_lines = g_ptr_array_new_with_free_func (g_free);
  f->errors_checked = TRUE;
}

static void
wait_reaped (Fixture *f)
{
  if (f->pid == 0)
    return;

  TEST_WAIT_UNTIL (f->weak_process == NULL);
  assert_no_child (f->pid);
  f->pid = 0;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->transport != NULL)
    {
      if (!f->dropped)
        mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
      g_assert_cmpuint (f->n_closed, ==, f->n_started);
      test_unref_and_wait (g_steal_pointer (&f->transport));
    }

  wait_reaped (f);
  g_assert_true (f->errors_checked);

  g_ptr_array_unref (f->messages);
  g_ptr_array_unref (f->errors);
  g_ptr_array_unref (f->stderr_lines);
  g_clear_error (&f->closed_error);
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
start (Fixture  *f,
       GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  GSubprocess *process;
  gboolean ok;

  mcp_sse_transport_start_async (MCP_SSE_TRANSPORT (f->transport), NULL, on_async_done, &result);
  TEST_WAIT_UNTIL (result != NULL);
  ok = mcp_sse_transport_start_finish (MCP_SSE_TRANSPORT (f->transport), result, error);
  if (!ok)
    return FALSE;

  f->n_started++;
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (f->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CONNECTED);
  process = mcp_sse_stdio_transport_get_subprocess (f->transport);
  g_assert_nonnull (process);
  f->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);
  g_assert_cmpint (f->pid, >, 0);
  f->weak_process = process;
  g_object_add_weak_pointer (G_OBJECT (process), &f->weak_process);
  return TRUE;
}

static void
start_scene (Fixture    *f,
             const char *scene,
             const char *argument)
{
  g_autoptr(GError) error = NULL;

  fixture_attach (f, new_transport (scene, argument));
  g_assert_true (start (f, &error));
  g_assert_no_error (error);
}

/* Sends @text and returns the result of the send, once it completed. */
static void
send_text_async (Fixture        *f,
                 const char     *text,
                 GCancellable   *cancellable,
                 GAsyncResult  **result)
{
  g_autoptr(JsonNode) message = parse_json (text);

  mcp_sse_transport_send_async (MCP_SSE_TRANSPORT (f->transport), message, cancellable,
                                on_async_done, result);
}

static void
send_text (Fixture    *f,
           const char *text)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  send_text_async (f, text, NULL, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_true (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (f->transport), result, &error));
  g_assert_no_error (error);
}

static void
assert_message (Fixture    *f,
                guint       index,
                const char *expected)
{
  g_autoptr(JsonNode) node = parse_json (expected);

  g_assert_cmpuint (f->messages->len, >, index);
  test_assert_same_json (g_ptr_array_index (f->messages, index), node);
}

static void
assert_error (Fixture *f,
              guint    index,
              GQuark   domain,
              int      code)
{
  g_assert_cmpuint (f->errors->len, >, index);
  g_assert_error ((GError *) g_ptr_array_index (f->errors, index), domain, code);
}

/* Tests */

static void
test_echo (Fixture       *f,
           gconstpointer  data)
{
  const char *texts[] = {
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
    "{\"text\":\"line\\nbreak and \\u2028 and é\"}",
    "[1,2.5,null,true,\"\"]",
  };
  gint64 stopped;
  guint i;

  start_scene (f, "echo", NULL);

  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    send_text (f, texts[i]);
  TEST_WAIT_UNTIL (f->messages->len == G_N_ELEMENTS (texts));
  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_message (f, i, texts[i]);

  /* stop() never blocks, and says so before it returns. */
  stopped = g_get_monotonic_time ();
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
  test_assert_elapsed (test_seconds_since (stopped), 0, 0.1);
  g_assert_cmpuint (f->n_closed, ==, 1);
  g_assert_null (f->closed_error);
  g_assert_null (mcp_sse_stdio_transport_get_subprocess (f->transport));

  /* Idempotent. */
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
  g_assert_cmpuint (f->n_closed, ==, 1);

  /* The echo server exits when its input closes: reaped well before SIGTERM. */
  wait_reaped (f);
  test_assert_elapsed (test_seconds_since (stopped), 0, MCP_SSE_STDIO_STDIN_CLOSE_WAIT_SECONDS);
}

static void
test_send_not_connected (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture_attach (f, new_transport ("echo", NULL));
  send_text_async (f, "{}", NULL, &result);
  g_assert_null (result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_false (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (f->transport), result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED);
}

static void
test_start_twice (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  start_scene (f, "echo", NULL);
  mcp_sse_transport_start_async (MCP_SSE_TRANSPORT (f->transport), NULL, on_async_done, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_false (mcp_sse_transport_start_finish (MCP_SSE_TRANSPORT (f->transport), result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (f->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CONNECTED);
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  start_scene (f, "echo", NULL);
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
  wait_reaped (f);

  /* A new start runs a new process. */
  g_assert_true (start (f, &error));
  g_assert_no_error (error);
  send_text (f, "{\"again\":true}");
  TEST_WAIT_UNTIL (f->messages->len == 1);
  assert_message (f, 0, "{\"again\":true}");
}

static void
test_partial_line_then_death (Fixture       *f,
                              gconstpointer  data)
{
  start_scene (f, "partial", NULL);

  TEST_WAIT_UNTIL (f->n_closed == 1);
  g_assert_cmpuint (f->messages->len, ==, 1);
  assert_message (f, 0, "{\"jsonrpc\":\"2.0\",\"method\":\"first\"}");

  /* The half message is reported, never delivered. */
  g_assert_cmpuint (f->errors->len, ==, 1);
  assert_error (f, 0, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  f->errors_checked = TRUE;

  g_assert_error (f->closed_error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  g_assert_nonnull (strstr (f->closed_error->message, "exited with status 3"));
  g_assert_nonnull (strstr (f->closed_error->message, PYTHON));
}

static void
test_exit_status (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  start_scene (f, "exit", "7");

  TEST_WAIT_UNTIL (f->n_closed == 1);
  g_assert_error (f->closed_error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  g_assert_nonnull (strstr (f->closed_error->message, "exited with status 7"));
  g_assert_cmpuint (f->errors->len, ==, 0);

  /* Closed: sends fail at once. */
  send_text_async (f, "{}", NULL, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_false (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (f->transport), result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED);
}

static void
test_killed (Fixture       *f,
             gconstpointer  data)
{
  start_scene (f, "kill-self", NULL);

  TEST_WAIT_UNTIL (f->n_closed == 1);
  g_assert_error (f->closed_error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  g_assert_nonnull (strstr (f->closed_error->message, "killed by signal 9"));
}

static void
test_missing_program (Fixture       *f,
                      gconstpointer  data)
{
  const char *argv[] = { "/nonexistent/mcp-server-that-is-not-there", "--stdio", NULL };
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  fixture_attach (f, mcp_sse_stdio_transport_new (argv));
  g_assert_false (start (f, &error));
  g_assert_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, argv[0]));
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (f->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CLOSED);
  test_assert_elapsed (test_seconds_since (started), 0, WITHIN_A_SECOND);

  /* Looked up in PATH, and named. */
  g_clear_error (&error);
  g_clear_object (&f->transport);
  argv[0] = "mcp-server-that-is-not-in-path";
  fixture_attach (f, mcp_sse_stdio_transport_new (argv));
  g_assert_false (start (f, &error));
  g_assert_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, argv[0]));
}

static void
test_stderr_flood (Fixture       *f,
                   gconstpointer  data)
{
  JsonObject *done = NULL;
  guint sent = 0;

  start_scene (f, "stderr-flood", "8");

  /* Messages keep flowing while the server logs megabytes: each echo
   * comes back before the next is sent. */
  while (done == NULL)
    {
      g_autofree char *text = g_strdup_printf ("{\"n\":%u}", sent);

      send_text (f, text);
      sent++;
      TEST_WAIT_UNTIL (count_members (f, "n") == sent);
      done = find_member (f, "flood");
    }

  TEST_WAIT_UNTIL (f->messages->len == sent + 1);
  TEST_WAIT_UNTIL (f->n_stderr_lines == json_object_get_int_member (done, "lines"));
  g_assert_cmpuint (sent, >, 0);
  g_assert_cmpuint (f->n_cut_stderr_lines, ==, f->n_stderr_lines / 100);
  g_assert_cmpstr (g_ptr_array_index (f->stderr_lines, 0), ==, "log line 0 of the flood");
  g_assert_cmpuint (mcp_sse_stdio_transport_get_peak_held (f->transport), <, 64);
}

static void
test_send_timeout (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) queued_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new ("{\"big\":\"");
  const double timeout = 0.5;
  gint64 sent;

  start_scene (f, "no-read", NULL);
  mcp_sse_stdio_transport_set_timeout (f->transport, timeout);
  TEST_WAIT_UNTIL (f->messages->len == 1);

  /* Far more than a pipe holds: the line starts, and cannot end. */
  while (big->len < 4 * 1024 * 1024)
    g_string_append (big, "0123456789abcdef");
  g_string_append (big, "\"}");

  sent = g_get_monotonic_time ();
  send_text_async (f, big->str, NULL, &result);
  send_text_async (f, "{\"queued\":true}", NULL, &queued_result);

  TEST_WAIT_UNTIL (result != NULL && queued_result != NULL);
  test_assert_elapsed (test_seconds_since (sent), timeout, timeout + WITHIN_A_SECOND);
  g_assert_false (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (f->transport), result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
  g_clear_error (&error);
  g_assert_false (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (f->transport), queued_result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);

  /* Half a line is on the pipe: the transport closed. */
  g_assert_cmpuint (f->n_closed, ==, 1);
  g_assert_error (f->closed_error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
  g_assert_cmpuint (f->errors->len, ==, 1);
  assert_error (f, 0, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
  f->errors_checked = TRUE;
}

static void
test_queued_send_timeout (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new ("{\"big\":\"");
  gint64 sent;

  start_scene (f, "no-read", NULL);
  TEST_WAIT_UNTIL (f->messages->len == 1);

  while (big->len < 4 * 1024 * 1024)
    g_string_append (big, "0123456789abcdef");
  g_string_append (big, "\"}");

  /* The first send has no deadline and blocks the pipe; the second waits
   * behind it, its queue time counted. */
  mcp_sse_stdio_transport_set_timeout (f->transport, 0);
  send_text_async (f, big->str, NULL, &first);
  mcp_sse_stdio_transport_set_timeout (f->transport, 0.3);
  sent = g_get_monotonic_time ();
  send_text_async (f, "{\"queued\":true}", NULL, &second);

  TEST_WAIT_UNTIL (second != NULL);
  test_assert_elapsed (test_seconds_since (sent), 0.3, 0.3 + WITHIN_A_SECOND);
  g_assert_false (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (f->transport), second, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
  g_clear_error (&error);

  /* Not started: only that send failed. */
  g_assert_null (first);
  g_assert_cmpuint (f->n_closed, ==, 0);

  /* stop() fails the other after it returns. */
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
  g_assert_cmpuint (f->n_closed, ==, 1);
  g_assert_null (f->closed_error);
  g_assert_null (first);
  TEST_WAIT_UNTIL (first != NULL);
  g_assert_false (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (f->transport), first, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancel_send (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new ("{\"big\":\"");

  start_scene (f, "no-read", NULL);
  TEST_WAIT_UNTIL (f->messages->len == 1);
  mcp_sse_stdio_transport_set_timeout (f->transport, 0);

  while (big->len < 4 * 1024 * 1024)
    g_string_append (big, "0123456789abcdef");
  g_string_append (big, "\"}");

  send_text_async (f, big->str, NULL, &first);
  send_text_async (f, "{\"queued\":true}", cancellable, &second);
  g_cancellable_cancel (cancellable);
  TEST_WAIT_UNTIL (second != NULL);
  g_assert_false (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (f->transport), second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (first);
  g_assert_cmpuint (f->n_closed, ==, 0);

  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
  TEST_WAIT_UNTIL (first != NULL);
}

static void
test_ignores_sigterm (Fixture       *f,
                      gconstpointer  data)
{
  gint64 stopped;
  double bound = MCP_SSE_STDIO_STDIN_CLOSE_WAIT_SECONDS + MCP_SSE_STDIO_TERM_WAIT_SECONDS;

  start_scene (f, "ignore-term", NULL);
  TEST_WAIT_UNTIL (f->messages->len == 1);

  stopped = g_get_monotonic_time ();
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
  test_assert_elapsed (test_seconds_since (stopped), 0, 0.1);
  g_assert_cmpuint (f->n_closed, ==, 1);

  /* Closing its input and SIGTERM do nothing: SIGKILL does. */
  wait_reaped (f);
  test_assert_elapsed (test_seconds_since (stopped), bound, bound + WITHIN_A_SECOND);
}

static void
test_line_too_large (Fixture       *f,
                     gconstpointer  data)
{
  const guint64 max = 1024 * 1024;

  fixture_attach (f, new_transport ("big-line", "20"));
  mcp_sse_stdio_transport_set_max_event_size (f->transport, max);
  g_assert_true (start (f, NULL));

  TEST_WAIT_UNTIL (f->messages->len == 1);
  assert_message (f, 0, "{\"after\":\"big\"}");
  g_assert_cmpuint (f->errors->len, ==, 1);
  assert_error (f, 0, MCP_SSE_ERROR, MCP_SSE_ERROR_EVENT_TOO_LARGE);
  f->errors_checked = TRUE;

  /* Never held whole: at most the limit. */
  g_assert_cmpuint (mcp_sse_stdio_transport_get_peak_held (f->transport), <=, max);
  g_assert_cmpuint (f->n_closed, ==, 0);
}

static void
test_invalid_lines (Fixture       *f,
                    gconstpointer  data)
{
  start_scene (f, "invalid", NULL);

  TEST_WAIT_UNTIL (f->messages->len == 1);
  assert_message (f, 0, "{\"valid\":true}");

  /* Not JSON, not UTF-8; blank lines are no error. */
  g_assert_cmpuint (f->errors->len, ==, 2);
  assert_error (f, 0, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  assert_error (f, 1, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  g_assert_nonnull (strstr (((GError *) g_ptr_array_index (f->errors, 1))->message, "UTF-8"));
  f->errors_checked = TRUE;
  g_assert_cmpuint (f->n_closed, ==, 0);
}

static void
test_dispose_connected (Fixture       *f,
                        gconstpointer  data)
{
  gpointer weak;

  start_scene (f, "ignore-term", NULL);
  TEST_WAIT_UNTIL (f->messages->len == 1);

  /* Nothing is emitted; the process is still shut down and reaped. */
  weak = f->transport;
  g_object_add_weak_pointer (G_OBJECT (f->transport), &weak);
  g_clear_object (&f->transport);
  g_assert_null (weak);
  g_assert_cmpuint (f->n_closed, ==, 0);
  wait_reaped (f);
  g_assert_cmpuint (f->n_closed, ==, 0);
}

static void
on_message_stop (McpSseTransport *transport,
                 JsonNode        *message,
                 Fixture         *f)
{
  mcp_sse_transport_stop (transport);
  g_assert_cmpuint (f->n_closed, ==, 1);
}

static void
test_stop_from_handler (Fixture       *f,
                        gconstpointer  data)
{
  start_scene (f, "invalid", NULL);
  g_signal_connect (f->transport, "message", G_CALLBACK (on_message_stop), f);

  TEST_WAIT_UNTIL (f->n_closed == 1);
  g_assert_null (f->closed_error);
  g_assert_cmpuint (f->messages->len, ==, 1);
  f->errors_checked = TRUE;
}

static void
on_message_drop (McpSseTransport *transport,
                 JsonNode        *message,
                 Fixture         *f)
{
  f->dropped = TRUE;
  g_object_unref (transport);
}

static void
test_drop_from_handler (Fixture       *f,
                        gconstpointer  data)
{
  gpointer weak;

  start_scene (f, "invalid", NULL);
  g_signal_connect (f->transport, "message", G_CALLBACK (on_message_drop), f);
  weak = f->transport;
  g_object_add_weak_pointer (G_OBJECT (f->transport), &weak);

  TEST_WAIT_UNTIL (weak == NULL);
  f->transport = NULL;
  g_assert_cmpuint (f->n_closed, ==, 0);
  f->errors_checked = TRUE;
}

static void
test_cycles (Fixture       *f,
             gconstpointer  data)
{
  guint before;
  guint i;

  /* One cycle first: GLib opens what it keeps for good (the child
   * watch, the worker thread) on the first spawn. */
  start_scene (f, "echo", NULL);
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
  wait_reaped (f);
  before = count_fds ();

  for (i = 0; i < 50; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (start (f, &error));
      g_assert_no_error (error);
      mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
      wait_reaped (f);
    }

  g_assert_cmpuint (f->n_closed, ==, 51);
  g_assert_cmpuint (count_fds (), ==, before);
}

/* A worker thread with a main context of its own */

typedef struct
{
  Fixture *f;
  GMainContext *context;
  GThread *thread;
  gboolean ok;
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *worker = data;
  Fixture *f = worker->f;

  g_main_context_push_thread_default (worker->context);

  start_scene (f, "echo", NULL);
  send_text (f, "{\"worker\":true}");
  TEST_WAIT_UNTIL (f->messages->len == 1);
  assert_message (f, 0, "{\"worker\":true}");
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
  test_unref_and_wait (g_steal_pointer (&f->transport));
  wait_reaped (f);
  worker->ok = TRUE;

  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

static void
test_worker_context (Fixture       *f,
                     gconstpointer  data)
{
  Worker worker = { f, g_main_context_new (), NULL, FALSE };

  worker.thread = g_thread_new ("stdio-worker", worker_run, &worker);
  g_thread_join (worker.thread);
  g_main_context_unref (worker.context);
  g_assert_true (worker.ok);
  g_assert_cmpuint (f->n_closed, ==, 1);
}

/* The client over stdio */

static void
test_client_handshake (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(McpSseClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tools = NULL;
  g_autoptr(JsonNode) arguments = parse_json ("{\"text\":\"over a pipe\"}");
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *version = NULL;
  JsonArray *list;
  GSubprocess *process;

  fixture_attach (f, new_transport ("mcp", NULL));
  client = mcp_sse_client_new (MCP_SSE_TRANSPORT (f->transport));

  mcp_sse_client_connect_async (client, NULL, on_async_done, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_true (mcp_sse_client_connect_finish (client, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  f->n_started++;
  process = mcp_sse_stdio_transport_get_subprocess (f->transport);
  f->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (process), NULL, 10);
  f->weak_process = process;
  g_object_add_weak_pointer (G_OBJECT (process), &f->weak_process);

  version = mcp_sse_transport_dup_protocol_version (MCP_SSE_TRANSPORT (f->transport));
  g_assert_nonnull (version);

  mcp_sse_client_list_tools_async (client, NULL, on_async_done, &result);
  TEST_WAIT_UNTIL (result != NULL);
  tools = mcp_sse_client_list_tools_finish (client, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  list = json_object_get_array_member (json_node_get_object (tools), "tools");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "name"),
                   ==, "echo");

  mcp_sse_client_call_tool_async (client, "echo", arguments, NULL, on_async_done, &result);
  TEST_WAIT_UNTIL (result != NULL);
  answer = mcp_sse_client_call_tool_finish (client, result, &error);
  g_assert_no_error (error);
  {
    g_autofree char *text = to_text (answer);

    g_assert_nonnull (strstr (text, "over a pipe"));
  }

  /* Its log came on stderr, not as protocol. */
  TEST_WAIT_UNTIL (f->n_stderr_lines >= 3);
  g_assert_cmpstr (g_ptr_array_index (f->stderr_lines, 0), ==, "request initialize");

  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (f->transport));
  g_clear_object (&client);
}

/* Properties */

static void
test_properties (void)
{
  const char *argv[] = { "server", "--flag", NULL };
  g_autoptr(McpSseStdioTransport) transport = mcp_sse_stdio_transport_new (argv);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(McpSseStdioTransport) launched = mcp_sse_stdio_transport_new_with_launcher (launcher, argv);
  g_auto(GStrv) read_argv = NULL;

  g_assert_cmpstrv (mcp_sse_stdio_transport_get_argv (transport), argv);
  g_object_get (transport, "argv", &read_argv, NULL);
  g_assert_cmpstrv (read_argv, argv);
  g_assert_null (mcp_sse_stdio_transport_get_launcher (transport));
  g_assert_true (mcp_sse_stdio_transport_get_launcher (launched) == launcher);
  g_assert_null (mcp_sse_stdio_transport_get_subprocess (transport));
  g_assert_cmpfloat (mcp_sse_stdio_transport_get_timeout (transport), ==,
                     MCP_SSE_STDIO_TRANSPORT_DEFAULT_TIMEOUT);
  g_assert_cmpuint (mcp_sse_stdio_transport_get_max_event_size (transport), ==, 16 * 1024 * 1024);
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (transport)), ==,
                   MCP_SSE_CONNECTION_STATE_DISCONNECTED);

  mcp_sse_stdio_transport_set_timeout (transport, 0);
  g_assert_cmpfloat (mcp_sse_stdio_transport_get_timeout (transport), ==, 0);
  mcp_sse_stdio_transport_set_max_event_size (transport, 0);
  g_assert_cmpuint (mcp_sse_stdio_transport_get_max_event_size (transport), ==, 0);

  mcp_sse_transport_set_protocol_version (MCP_SSE_TRANSPORT (transport), "2025-06-18");
  {
    g_autofree char *version = mcp_sse_transport_dup_protocol_version (MCP_SSE_TRANSPORT (transport));

    g_assert_cmpstr (version, ==, "2025-06-18");
  }

}

static void
set_negative_timeout (void)
{
  const char *argv[] = { "server", NULL };
  g_autoptr(McpSseStdioTransport) transport = mcp_sse_stdio_transport_new (argv);

  mcp_sse_stdio_transport_set_timeout (transport, -1);
}

static void
test_negative_timeout (void)
{
  g_test_trap_subprocess ("/stdio-transport/properties/negative-timeout/subprocess", 0, 0);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*timeout >= 0*");
}

/* The line splitter, by hand (the fuzz target compares it with a model) */

static gboolean
collect_line (const char      *line,
              gsize            length,
              McpSseLineFlags  flags,
              gpointer         data)
{
  g_string_append_printf (data, "%d:%.*s|", flags, (int) length, line);
  return TRUE;
}

static void
test_line_splitter (void)
{
  g_autoptr(McpSseLineSplitter) splitter = mcp_sse_line_splitter_new (8);
  g_autoptr(GString) out = g_string_new (NULL);

  g_assert_true (mcp_sse_line_splitter_feed (splitter, "ab\r\ncd", 6, collect_line, out));
  g_assert_true (mcp_sse_line_splitter_feed (splitter, "ef\n\n0123456789", 14, collect_line, out));
  g_assert_true (mcp_sse_line_splitter_feed (splitter, "more\nok", 7, collect_line, out));
  g_assert_true (mcp_sse_line_splitter_end (splitter, collect_line, out));
  g_assert_cmpstr (out->str, ==, "0:ab|0:cdef|0:|1:01234567|2:ok|");
  g_assert_cmpuint (mcp_sse_line_splitter_get_peak_held (splitter), <=, 8);
}

#define add_test(path, func) \
  g_test_add ("/stdio-transport/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

/* A server that no longer reads: the write fails with EPIPE, and SIGPIPE
 * must not end the application. In a child process of its own that starts
 * with SIGPIPE at its default, as an application that never touched it:
 * the server closes its standard input, says so on its standard output,
 * and stays alive, so the send is sure to meet a pipe without a reader. */
static void
on_ready_message (McpSseTransport *transport,
                  JsonNode        *message,
                  gpointer         user_data)
{
  gboolean *ready = user_data;

  *ready = TRUE;
}

static void
on_write_to_closed_stdin_sent (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (mcp_sse_transport_send_finish (MCP_SSE_TRANSPORT (source), result, error));
}

static void
write_to_closed_stdin (void)
{
  const char *argv[] = {
    "/bin/sh", "-c",
    "exec 0<&-; echo '{\"jsonrpc\":\"2.0\",\"method\":\"ready\"}'; exec sleep 60",
    NULL
  };
  g_autoptr(McpSseStdioTransport) transport = NULL;
  g_autoptr(JsonNode) message = json_from_string ("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  gboolean ready = FALSE;

  signal (SIGPIPE, SIG_DFL);
  transport = mcp_sse_stdio_transport_new (argv);
  g_signal_connect (transport, "message", G_CALLBACK (on_ready_message), &ready);

  mcp_sse_transport_start_async (MCP_SSE_TRANSPORT (transport), NULL, on_async_done, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_true (mcp_sse_transport_start_finish (MCP_SSE_TRANSPORT (transport), result, &error));
  g_assert_no_error (error);
  process = g_object_ref (mcp_sse_stdio_transport_get_subprocess (transport));
  TEST_WAIT_UNTIL (ready);

  mcp_sse_transport_send_async (MCP_SSE_TRANSPORT (transport), message, NULL,
                                on_write_to_closed_stdin_sent, &error);
  TEST_WAIT_UNTIL (error != NULL);
  g_test_message ("%s", error->message);

  /* Leave no sleeping server behind. */
  mcp_sse_transport_stop (MCP_SSE_TRANSPORT (transport));
  g_subprocess_force_exit (process);
  g_clear_object (&result);
  g_subprocess_wait_async (process, NULL, on_async_done, &result);
  TEST_WAIT_UNTIL (result != NULL);
}

static void
test_write_to_closed_stdin (void)
{
  g_test_trap_subprocess ("/stdio-transport/write-to-closed-stdin/subprocess", 0,
                          G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  test_init (&argc, &argv);

  g_test_add_func ("/stdio-transport/properties", test_properties);
  g_test_add_func ("/stdio-transport/properties/negative-timeout", test_negative_timeout);
  g_test_add_func ("/stdio-transport/properties/negative-timeout/subprocess", set_negative_timeout);
  g_test_add_func ("/stdio-transport/line-splitter", test_line_splitter);
  g_test_add_func ("/stdio-transport/write-to-closed-stdin", test_write_to_closed_stdin);
  g_test_add_func ("/stdio-transport/write-to-closed-stdin/subprocess", write_to_closed_stdin);

  if (!g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_message ("No %s: the tests with servers are skipped", PYTHON);
      return g_test_run ();
    }

  add_test ("echo", test_echo);
  add_test ("send-not-connected", test_send_not_connected);
  add_test ("start-twice", test_start_twice);
  add_test ("restart", test_restart);
  add_test ("partial-line-then-death", test_partial_line_then_death);
  add_test ("exit-status", test_exit_status);
  add_test ("killed", test_killed);
  add_test ("missing-program", test_missing_program);
  add_test ("stderr-flood", test_stderr_flood);
  add_test ("send-timeout", test_send_timeout);
  add_test ("queued-send-timeout", test_queued_send_timeout);
  add_test ("cancel-send", test_cancel_send);
  add_test ("ignores-sigterm", test_ignores_sigterm);
  add_test ("line-too-large", test_line_too_large);
  add_test ("invalid-lines", test_invalid_lines);
  add_test ("dispose-connected", test_dispose_connected);
  add_test ("stop-from-handler", test_stop_from_handler);
  add_test ("drop-from-handler", test_drop_from_handler);
  add_test ("cycles", test_cycles);
  add_test ("worker-context", test_worker_context);
  add_test ("client-handshake", test_client_handshake);

  return g_test_run ();
}
