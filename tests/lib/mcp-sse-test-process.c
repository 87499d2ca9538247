/* mcp-sse-test-process.c: child processes and the ports they listen on
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <signal.h>
#include <sys/prctl.h>

#include "mcp-sse-test-utils.h"

/* How long to wait before trying to connect again. */
#define CONNECT_RETRY_MS 20

static void
die_with_parent (gpointer user_data)
{
  /* A test that aborts on a failed assertion must not leave children behind. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Children spawned by @launcher are killed when the test process dies,
 * even on a failed assertion. */
void
test_launcher_die_with_parent (GSubprocessLauncher *launcher)
{
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
}

typedef struct
{
  gboolean done;
  char *line;
  GError *error;
} LineRead;

static void
on_line_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object),
                                                     result, NULL, &read->error);
  read->done = TRUE;
}

/* The next line of @stream (NULL at its end), read on the thread-default
 * context with the wait's deadline; @what names the stream in a failure. */
char *
test_read_line (GDataInputStream *stream,
                const char       *what)
{
  LineRead read = { FALSE, NULL, NULL };

  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, NULL, on_line_read, &read);
  TEST_WAIT_UNTIL (read.done);
  if (read.error != NULL)
    g_error ("reading %s: %s", what, read.error->message);

  return read.line;
}

typedef struct
{
  gboolean done;
  GSocketConnection *connection;
} ConnectAttempt;

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConnectAttempt *attempt = user_data;

  attempt->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, NULL);
  attempt->done = TRUE;
}

static gboolean
set_flag (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Connects to @address:@port until a connection succeeds, with the wait's
 * deadline, and closes that connection. */
void
test_wait_until_accepting (const char *address,
                           guint16     port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new_from_string (address, port);
  g_autofree char *what = g_strdup_printf ("a connection to %s:%u", address, port);
  gint64 deadline = g_get_monotonic_time () +
                    (gint64) (test_scaled (TEST_WAIT_SECONDS) * G_USEC_PER_SEC);

  g_assert_nonnull (socket_address);
  for (;;)
    {
      ConnectAttempt attempt = { FALSE, NULL };
      gboolean retry = FALSE;

      g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (socket_address), NULL,
                                     on_connected, &attempt);
      TEST_WAIT_UNTIL (attempt.done);

      if (attempt.connection != NULL)
        {
          g_io_stream_close (G_IO_STREAM (attempt.connection), NULL, NULL);
          g_object_unref (attempt.connection);
          return;
        }

      if (g_get_monotonic_time () >= deadline)
        g_error ("timed out waiting for %s", what);

      g_timeout_add (CONNECT_RETRY_MS, set_flag, &retry);
      TEST_WAIT_UNTIL (retry);
    }
}
