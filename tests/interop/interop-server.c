/* interop-server.c: third-party MCP servers as child processes, for the
 * interop tests
 *
 * The servers are node programs from tests/interop (`npm ci` there
 * installs them).  Each HTTP server listens on 127.0.0.1 port 0 and
 * prints `LISTENING <port>` once it accepts connections, so no test
 * guesses a free port.  The stdio peers open no port at all.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "interop-server.h"

#define EVERYTHING_SCRIPT "node_modules/@modelcontextprotocol/server-everything/dist/index.js"
#define SDK_PACKAGE "node_modules/@modelcontextprotocol/sdk/package.json"
#define FILESYSTEM_SCRIPT "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"
#define MEMORY_SCRIPT "node_modules/@modelcontextprotocol/server-memory/dist/index.js"

struct _InteropServer
{
  InteropServerKind kind;
  GSubprocess *process;
  GDataInputStream *output;
  GDataInputStream *errors;
  GCancellable *cancellable;
  guint16 port;
  char *url;
  gboolean exited;
};

static const char *const kind_names[] = {
  [INTEROP_SERVER_EVERYTHING] = "server-everything",
  [INTEROP_SERVER_SDK] = "sdk-server",
};

/* Prerequisites */

static gboolean
interop_file_exists (const char *relative_path)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, relative_path, NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

gboolean
interop_is_ready (char **reason)
{
  g_autofree char *node = g_find_program_in_path ("node");

  if (node == NULL)
    {
      *reason = g_strdup ("node is not installed");
      return FALSE;
    }

  if (!interop_file_exists (EVERYTHING_SCRIPT) || !interop_file_exists (SDK_PACKAGE) ||
      !interop_file_exists (FILESYSTEM_SCRIPT) || !interop_file_exists (MEMORY_SCRIPT))
    {
      *reason = g_strdup ("the node servers are not installed (run `npm ci` in tests/interop)");
      return FALSE;
    }

  return TRUE;
}

static gboolean
running_in_ci (void)
{
  const char *ci = g_getenv ("CI");

  return ci != NULL && *ci != '\0' && g_strcmp0 (ci, "0") != 0 && g_strcmp0 (ci, "false") != 0;
}

/* Returns -1 when the servers can run and the tests should go on.
 * Otherwise the exit status for main(): a TAP plan that skips everything,
 * except in CI, where missing servers are an error, not a reason to pass. */
int
interop_main_skip_unless_ready (void)
{
  g_autofree char *reason = NULL;

  if (interop_is_ready (&reason))
    return -1;

  if (running_in_ci ())
    {
      printf ("Bail out! %s\n", reason);
      return 1;
    }

  printf ("1..0 # SKIP %s\n", reason);
  return 0;
}

/* Server processes */

static void
on_exited (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  ((InteropServer *) user_data)->exited = TRUE;
}

static gboolean
is_chatter (const char *line)
{
  /* server-everything logs every session and every POST on stderr. */
  return g_str_has_prefix (line, "Client Message from") ||
         g_str_has_prefix (line, "Client Connected") ||
         g_str_has_prefix (line, "Client Disconnected");
}

static void read_next_error_line (InteropServer *server);

static void
on_error_line (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object),
                                                                 result, NULL, &error);
  InteropServer *server = user_data;

  if (line == NULL)
    return;

  if (!is_chatter (line))
    g_printerr ("[%s] %s\n", kind_names[server->kind], line);

  read_next_error_line (server);
}

static void
read_next_error_line (InteropServer *server)
{
  g_data_input_stream_read_line_async (server->errors, G_PRIORITY_DEFAULT,
                                       server->cancellable, on_error_line, server);
}

static guint16
read_announced_port (InteropServer *server)
{
  for (;;)
    {
      g_autofree char *line = test_read_line (server->output, kind_names[server->kind]);
      guint64 port;

      if (line == NULL)
        g_error ("%s exited before it listened", kind_names[server->kind]);

      if (g_str_has_prefix (line, "LISTENING ") &&
          g_ascii_string_to_unsigned (line + strlen ("LISTENING "), 10, 1, G_MAXUINT16,
                                      &port, NULL))
        return (guint16) port;

      g_printerr ("[%s] %s\n", kind_names[server->kind], line);
    }
}

/* Counts the listening sockets on @port in a /proc/net table; with
 * @loopback_only, fails on one bound to anything but 127.0.0.1. */
static guint
count_listeners (const char *table,
                 guint16     port,
                 gboolean    loopback_only)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint count = 0;
  guint i;

  if (!g_file_get_contents (table, &contents, NULL, NULL))
    return 0;

  lines = g_strsplit (contents, "\n", -1);
  for (i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr(GPtrArray) columns = g_ptr_array_new ();
      const char *colon;
      guint j;

      for (j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (columns, fields[j]);

      /* sl local_address rem_address st ...; 0A is LISTEN. */
      if (columns->len < 4 || g_strcmp0 (columns->pdata[3], "0A") != 0)
        continue;
      colon = strchr (columns->pdata[1], ':');
      if (colon == NULL || g_ascii_strtoull (colon + 1, NULL, 16) != port)
        continue;

      count++;
      if (loopback_only)
        {
          /* The address as the kernel stores it, printed as a host-order number. */
          guint32 address = (guint32) g_ascii_strtoull (columns->pdata[1], NULL, 16);
          g_assert_cmphex (address, ==, g_htonl (0x7f000001));
        }
    }

  return count;
}

static void
assert_listening_on_loopback_only (InteropServer *server)
{
  if (!g_file_test ("/proc/net/tcp", G_FILE_TEST_EXISTS))
    return;

  g_assert_cmpuint (count_listeners ("/proc/net/tcp", server->port, TRUE), ==, 1);
  g_assert_cmpuint (count_listeners ("/proc/net/tcp6", server->port, FALSE), ==, 0);
}

static GSubprocess *
spawn (InteropServerKind kind)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *preload = g_test_build_filename (G_TEST_DIST, "loopback.js", NULL);
  g_autofree char *everything = g_test_build_filename (G_TEST_DIST, EVERYTHING_SCRIPT, NULL);
  g_autofree char *sdk_server = g_test_build_filename (G_TEST_DIST, "sdk-server.mjs", NULL);
  GSubprocess *process = NULL;

  g_subprocess_launcher_set_cwd (launcher, g_test_get_dir (G_TEST_DIST));
  g_subprocess_launcher_setenv (launcher, "PORT", "0", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "NODE_OPTIONS");
  test_launcher_die_with_parent (launcher);

  switch (kind)
    {
    case INTEROP_SERVER_EVERYTHING:
      /* It listens on every interface; loopback.js moves it to 127.0.0.1. */
      process = g_subprocess_launcher_spawn (launcher, &error, "node", "--require", preload,
                                             everything, "sse", NULL);
      break;
    case INTEROP_SERVER_SDK:
      process = g_subprocess_launcher_spawn (launcher, &error, "node", sdk_server, NULL);
      break;
    default:
      g_assert_not_reached ();
    }

  g_assert_no_error (error);
  return process;
}

InteropServer *
interop_server_start (InteropServerKind kind)
{
  InteropServer *server = g_new0 (InteropServer, 1);

  server->kind = kind;
  server->cancellable = g_cancellable_new ();
  server->process = spawn (kind);
  server->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  server->errors = g_data_input_stream_new (g_subprocess_get_stderr_pipe (server->process));

  g_subprocess_wait_async (server->process, server->cancellable, on_exited, server);
  read_next_error_line (server);

  server->port = read_announced_port (server);
  server->url = g_strdup_printf ("http://127.0.0.1:%u/sse", server->port);
  /* The announcement comes from the server's `listening` callback: the
   * first connection is expected to succeed. */
  test_wait_until_accepting ("127.0.0.1", server->port);
  assert_listening_on_loopback_only (server);

  return server;
}

const char *
interop_server_get_url (InteropServer *server)
{
  return server->url;
}

guint16
interop_server_get_port (InteropServer *server)
{
  return server->port;
}

gboolean
interop_server_is_running (InteropServer *server)
{
  return !server->exited;
}

/* SIGKILL: the server dies without closing anything itself. */
void
interop_server_kill (InteropServer *server)
{
  g_subprocess_force_exit (server->process);
}

void
interop_server_free (InteropServer *server)
{
  g_cancellable_cancel (server->cancellable);
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, NULL);

  /* Let the cancelled reads and wait hand their references back. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_object_unref (server->output);
  g_object_unref (server->errors);
  g_object_unref (server->process);
  g_object_unref (server->cancellable);
  g_free (server->url);
  g_free (server);
}

/* Stdio peers */

struct _InteropStdioPeer
{
  InteropStdioPeerKind kind;
  char *directory;
  GStrv argv;
  GStrv envp;
};

static const struct
{
  const char *name;
  const char *server_name;
  const char *script;
} stdio_peers[] = {
  [INTEROP_STDIO_PEER_EVERYTHING] = { "server-everything", "mcp-servers/everything", EVERYTHING_SCRIPT },
  [INTEROP_STDIO_PEER_FILESYSTEM] = { "server-filesystem", "secure-filesystem-server", FILESYSTEM_SCRIPT },
  [INTEROP_STDIO_PEER_MEMORY] = { "server-memory", "memory-server", MEMORY_SCRIPT },
};

InteropStdioPeer *
interop_stdio_peer_new (InteropStdioPeerKind kind)
{
  InteropStdioPeer *peer = g_new0 (InteropStdioPeer, 1);
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *script = NULL;
  g_autofree char *file = NULL;
  g_autofree char *memory_file = NULL;

  g_assert_cmpint (kind, <, G_N_ELEMENTS (stdio_peers));
  g_assert_nonnull (node);

  peer->kind = kind;
  peer->directory = g_dir_make_tmp ("mcp-sse-interop-XXXXXX", &error);
  g_assert_no_error (error);

  file = g_build_filename (peer->directory, INTEROP_STDIO_FILE_NAME, NULL);
  g_file_set_contents (file, INTEROP_STDIO_FILE_TEXT, -1, &error);
  g_assert_no_error (error);

  peer->envp = g_get_environ ();
  peer->envp = g_environ_unsetenv (peer->envp, "NODE_OPTIONS");

  script = g_test_build_filename (G_TEST_DIST, stdio_peers[kind].script, NULL);
  g_strv_builder_add_many (argv, node, script, NULL);

  switch (kind)
    {
    case INTEROP_STDIO_PEER_EVERYTHING:
      g_strv_builder_add (argv, "stdio");
      break;
    case INTEROP_STDIO_PEER_FILESYSTEM:
      g_strv_builder_add (argv, peer->directory);
      break;
    case INTEROP_STDIO_PEER_MEMORY:
      memory_file = g_build_filename (peer->directory, INTEROP_STDIO_MEMORY_FILE_NAME, NULL);
      peer->envp = g_environ_setenv (peer->envp, "MEMORY_FILE_PATH", memory_file, TRUE);
      break;
    default:
      g_assert_not_reached ();
    }

  peer->argv = g_strv_builder_end (argv);
  return peer;
}

/* Removes @path and, for a directory, everything in it; symbolic links
 * are removed, never followed. */
static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
      if (g_rmdir (path) != 0)
        g_printerr ("cannot remove %s: %s\n", path, g_strerror (errno));
    }
  else if (g_unlink (path) != 0)
    g_printerr ("cannot remove %s: %s\n", path, g_strerror (errno));
}

void
interop_stdio_peer_free (InteropStdioPeer *peer)
{
  remove_tree (peer->directory);
  g_free (peer->directory);
  g_strfreev (peer->argv);
  g_strfreev (peer->envp);
  g_free (peer);
}

const char *
interop_stdio_peer_get_name (InteropStdioPeer *peer)
{
  return stdio_peers[peer->kind].name;
}

const char *
interop_stdio_peer_get_server_name (InteropStdioPeer *peer)
{
  return stdio_peers[peer->kind].server_name;
}

const char * const *
interop_stdio_peer_get_argv (InteropStdioPeer *peer)
{
  return (const char * const *) peer->argv;
}

const char * const *
interop_stdio_peer_get_environ (InteropStdioPeer *peer)
{
  return (const char * const *) peer->envp;
}

const char *
interop_stdio_peer_get_directory (InteropStdioPeer *peer)
{
  return peer->directory;
}

GSubprocessLauncher *
interop_stdio_peer_new_launcher (InteropStdioPeer *peer,
                                 GSubprocessFlags  flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_environ (launcher, peer->envp);
  g_subprocess_launcher_set_cwd (launcher, peer->directory);
  test_launcher_die_with_parent (launcher);

  return launcher;
}

/* Tool results */

gboolean
interop_result_is_error (JsonNode *result)
{
  return json_object_get_boolean_member_with_default (json_node_get_object (result), "isError", FALSE);
}

JsonObject *
interop_content_item (JsonNode   *result,
                      guint       index,
                      const char *type)
{
  JsonArray *content = json_object_get_array_member (json_node_get_object (result), "content");
  JsonObject *item;

  g_assert_nonnull (content);
  g_assert_cmpuint (index, <, json_array_get_length (content));
  item = json_array_get_object_element (content, index);
  g_assert_nonnull (item);
  g_assert_cmpstr (json_object_get_string_member (item, "type"), ==, type);

  return item;
}

const char *
interop_content_text (JsonNode *result,
                      guint     index)
{
  return json_object_get_string_member (interop_content_item (result, index, "text"), "text");
}
