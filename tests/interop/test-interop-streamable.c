/* test-interop-streamable.c: the TypeScript SDK's Streamable HTTP client
 * (streamable-client.mjs) against `mcp-sse --demo-server`'s /mcp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gio/gio.h>

#include "interop-server.h"

typedef struct
{
  gboolean done;
  char *out;
  char *err;
  GError *error;
} Communication;

static void
on_communicated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communication *communication = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result,
                                        &communication->out, &communication->err,
                                        &communication->error);
  communication->done = TRUE;
}

static void
test_sdk_client (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GDataInputStream) server_out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sse_url = NULL;
  g_autofree char *mcp_url = NULL;
  g_autofree char *script = NULL;
  Communication communication = { FALSE, NULL, NULL, NULL };
  const char *tool = g_getenv ("MCP_SSE_TOOL");

  g_assert_nonnull (tool);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  test_launcher_die_with_parent (launcher);
  server = g_subprocess_launcher_spawn (launcher, &error, tool, "--demo-server", NULL);
  g_assert_no_error (error);
  server_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));

  /* The tool prints the /sse URL; /mcp is on the same server. */
  sse_url = test_read_line (server_out, "the demo server's URL");
  g_assert_nonnull (sse_url);
  g_assert_true (g_str_has_suffix (sse_url, "/sse"));
  mcp_url = g_strdup_printf ("%.*s/mcp", (int) strlen (sse_url) - 4, sse_url);

  g_clear_object (&launcher);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  test_launcher_die_with_parent (launcher);
  g_subprocess_launcher_unsetenv (launcher, "NODE_OPTIONS");
  script = g_test_build_filename (G_TEST_DIST, "streamable-client.mjs", NULL);
  client = g_subprocess_launcher_spawn (launcher, &error, "node", script, mcp_url, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (client, NULL, NULL, on_communicated, &communication);
  TEST_WAIT_UNTIL (communication.done);
  g_assert_no_error (communication.error);
  g_test_message ("streamable-client.mjs: stderr: %s", communication.err);

  g_assert_true (g_subprocess_get_if_exited (client));
  g_assert_cmpint (g_subprocess_get_exit_status (client), ==, 0);
  g_assert_cmpstr (communication.out, ==,
                   "server mcp-sse-demo\n"
                   "protocol 2025-11-25\n"
                   "tools echo,add,slow,flood\n"
                   "add 42\n"
                   "progress 1,2,3\n"
                   "slow done\n"
                   "terminated yes\n");

  g_subprocess_force_exit (server);
  g_free (communication.out);
  g_free (communication.err);
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

  g_test_add_func ("/interop/streamable/sdk-client", test_sdk_client);

  return g_test_run ();
}
