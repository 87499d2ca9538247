/* test-interop-tool.c: the mcp-sse command against MCP servers written by
 * others, run as a user would run it
 *
 * The command comes from MCP_SSE_TOOL (the build tree's mcp-sse).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "interop-server.h"


#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_CONNECTION 3

/* get-tiny-image of server-everything 2026.8.31: the MCP logo. */
#define EVERYTHING_IMAGE_SHA256 "4466be3b7a0e51778f8634f5e984197ec35c748caf4c3b32763f89c577d29614"

typedef struct
{
  InteropServerKind kind;
  const char *path;
  const char *server_name;
  const char *server_version;
  const char *unknown_tool_message;
} ServerSpec;

static const ServerSpec everything = {
  INTEROP_SERVER_EVERYTHING, "everything", "mcp-servers/everything", "2.0.0",
  "Tool no-such-tool not found",
};

static const ServerSpec sdk = {
  INTEROP_SERVER_SDK, "sdk", "mcp-sse-interop-sdk-server", "1.0.0",
  "Unknown tool: no-such-tool",
};

static InteropServer *shared_servers[2];

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

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

/* Runs mcp-sse with @argv (its program included) through @launcher, whose
 * standard output and error are pipes; fails the test when it takes
 * longer than the wait's deadline or ends on a signal. */
static Run
run_tool_argv (GSubprocessLauncher *launcher,
               GPtrArray           *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Communication communication = { FALSE, NULL, NULL, NULL };
  const char *first_argument = argv->len > 1 ? g_ptr_array_index (argv, 1) : NULL;
  Run run;

  g_ptr_array_add (argv, NULL);
  test_launcher_die_with_parent (launcher);
  g_subprocess_launcher_unsetenv (launcher, "MCP_SSE_DEBUG");
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, &communication);
  TEST_WAIT_UNTIL (communication.done);
  g_assert_no_error (communication.error);

  /* Seen on failure in the test log. */
  g_test_message ("mcp-sse %s: exit %d, stderr: %s", first_argument,
                  g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1,
                  communication.err);

  g_assert_true (g_subprocess_get_if_exited (process));
  run.status = g_subprocess_get_exit_status (process);
  run.out = communication.out;
  run.err = communication.err;
  return run;
}

/* Runs mcp-sse with the arguments given, up to NULL. */
static Run
run_tool (const char *first_argument,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  const char *argument;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MCP_SSE_TOOL"));
  va_start (args, first_argument);
  for (argument = first_argument; argument != NULL; argument = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) argument);
  va_end (args);

  return run_tool_argv (launcher, argv);
}

/* Runs mcp-sse with the arguments given, up to NULL, then -- and the
 * command line of @peer, in the peer's environment and with its
 * directory as --cwd. */
static Run
run_tool_with_peer (InteropStdioPeer *peer,
                    const char       *first_argument,
                    ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    interop_stdio_peer_new_launcher (peer, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  const char * const *server_argv = interop_stdio_peer_get_argv (peer);
  const char *argument;
  va_list args;

  g_ptr_array_add (argv, (gpointer) g_getenv ("MCP_SSE_TOOL"));
  g_ptr_array_add (argv, (gpointer) "--cwd");
  g_ptr_array_add (argv, (gpointer) interop_stdio_peer_get_directory (peer));
  va_start (args, first_argument);
  for (argument = first_argument; argument != NULL; argument = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) argument);
  va_end (args);
  g_ptr_array_add (argv, (gpointer) "--");
  for (guint i = 0; server_argv[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) server_argv[i]);

  return run_tool_argv (launcher, argv);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static const char *
url_of (const ServerSpec *spec)
{
  if (shared_servers[spec->kind] == NULL)
    shared_servers[spec->kind] = interop_server_start (spec->kind);

  g_assert_true (interop_server_is_running (shared_servers[spec->kind]));
  return interop_server_get_url (shared_servers[spec->kind]);
}

/* The line of @output that starts with @prefix, or NULL. */
static char *
find_line (const char *output,
           const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  guint i;

  for (i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], prefix))
        return g_strdup (lines[i]);
    }
  return NULL;
}

static void
assert_tool_listed (const char *output,
                    const char *name,
                    const char *description)
{
  g_autofree char *prefix = g_strdup_printf ("  %s ", name);
  g_autofree char *line = find_line (output, prefix);

  if (line == NULL)
    g_error ("the listing has no line for %s:\n%s", name, output);
  g_assert_true (g_str_has_suffix (g_strchomp (line), description));
}

/* Tests */

static void
test_list (gconstpointer data)
{
  const ServerSpec *spec = data;
  g_auto(Run) run = run_tool (url_of (spec), NULL);
  g_autofree char *server = g_strdup_printf ("%s %s", spec->server_name, spec->server_version);
  g_autofree char *server_line = NULL;
  g_autofree char *protocol_line = NULL;
  g_autofree char *tools_line = NULL;

  g_assert_cmpint (run.status, ==, EXIT_OK);
  g_assert_cmpstr (run.err, ==, "");

  server_line = find_line (run.out, "Server:");
  protocol_line = find_line (run.out, "Protocol:");
  g_assert_nonnull (server_line);
  g_assert_nonnull (protocol_line);
  g_assert_true (g_str_has_suffix (server_line, server));
  g_assert_true (g_str_has_suffix (protocol_line, " 2025-11-25"));
  tools_line = find_line (run.out, "Tools (");
  g_assert_nonnull (tools_line);

  assert_tool_listed (run.out, "echo", "Echoes back the input string");
  assert_tool_listed (run.out, "get-sum", "Returns the sum of two numbers");
}

static void
test_list_json (gconstpointer data)
{
  const ServerSpec *spec = data;
  g_auto(Run) run = run_tool ("--json", url_of (spec), NULL);
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *object;
  JsonArray *tools;
  guint i;

  g_assert_cmpint (run.status, ==, EXIT_OK);
  output = parse_json (run.out);
  object = json_node_get_object (output);

  g_assert_cmpstr (json_object_get_string_member (object, "protocolVersion"), ==, "2025-11-25");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "serverInfo"), "name"),
                   ==, spec->server_name);

  tools = json_object_get_array_member (object, "tools");
  g_assert_nonnull (tools);
  for (i = 0; i < json_array_get_length (tools); i++)
    g_hash_table_add (names, (gpointer) json_object_get_string_member (json_array_get_object_element (tools, i), "name"));

  g_assert_true (g_hash_table_contains (names, "echo"));
  g_assert_true (g_hash_table_contains (names, "get-sum"));
  g_assert_true (g_hash_table_contains (names, "trigger-long-running-operation"));
}

static void
test_call_echo (gconstpointer data)
{
  const ServerSpec *spec = data;
  g_auto(Run) hi = run_tool (url_of (spec), "call", "echo", "{\"message\": \"hi\"}", NULL);
  g_auto(Run) unicode = run_tool (url_of (spec), "call", "echo",
                                  "{\"message\": \"gr\\u00fc\\u00dfe \\ud83d\\udce1\"}", NULL);

  g_assert_cmpint (hi.status, ==, EXIT_OK);
  g_assert_cmpstr (hi.out, ==, "Echo: hi\n");
  g_assert_cmpstr (hi.err, ==, "");

  g_assert_cmpint (unicode.status, ==, EXIT_OK);
  g_assert_cmpstr (unicode.out, ==, "Echo: gr\xc3\xbc\xc3\x9f" "e \xf0\x9f\x93\xa1\n");
}

static void
test_call_get_sum (gconstpointer data)
{
  const ServerSpec *spec = data;
  g_auto(Run) run = run_tool (url_of (spec), "call", "get-sum", "{\"a\": 2, \"b\": 40}", NULL);

  g_assert_cmpint (run.status, ==, EXIT_OK);
  g_assert_cmpstr (run.out, ==, "The sum of 2 and 40 is 42.\n");
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_call_json (gconstpointer data)
{
  const ServerSpec *spec = data;
  g_auto(Run) run = run_tool ("--json", url_of (spec), "call", "echo", "{\"message\": \"as json\"}", NULL);
  g_autoptr(JsonNode) output = NULL;
  JsonArray *content;

  g_assert_cmpint (run.status, ==, EXIT_OK);
  output = parse_json (run.out);
  content = json_object_get_array_member (json_node_get_object (output), "content");
  g_assert_nonnull (content);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (content, 0), "text"),
                   ==, "Echo: as json");
}

/* server-everything answers with an isError result, sdk-server.mjs with a
 * JSON-RPC error: both are the tool's failure, exit status 1. */
static void
test_unknown_tool (gconstpointer data)
{
  const ServerSpec *spec = data;
  g_auto(Run) run = run_tool (url_of (spec), "call", "no-such-tool", "{}", NULL);

  g_assert_cmpint (run.status, ==, EXIT_FAILED);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, spec->unknown_tool_message));
}

static void
test_invalid_arguments (gconstpointer data)
{
  const ServerSpec *spec = data;
  g_auto(Run) run = run_tool (url_of (spec), "call", "get-sum", "{\"a\": \"two\", \"b\": 40}", NULL);

  g_assert_cmpint (run.status, ==, EXIT_FAILED);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpuint (strlen (run.err), >, 0);
}

/* The base64 image must come out of --json intact. */
static void
test_image_json (gconstpointer data)
{
  g_auto(Run) run = run_tool ("--json", url_of (&everything), "call", "get-tiny-image", NULL);
  g_autoptr(JsonNode) output = NULL;
  g_autofree guchar *png = NULL;
  g_autofree char *sha256 = NULL;
  JsonArray *content;
  JsonObject *image;
  gsize length;

  g_assert_cmpint (run.status, ==, EXIT_OK);
  output = parse_json (run.out);
  content = json_object_get_array_member (json_node_get_object (output), "content");
  image = json_array_get_object_element (content, 1);
  g_assert_cmpstr (json_object_get_string_member (image, "type"), ==, "image");

  png = g_base64_decode (json_object_get_string_member (image, "data"), &length);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, png, length);
  g_assert_cmpstr (sha256, ==, EVERYTHING_IMAGE_SHA256);
}

static guint16
unused_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (socket);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  /* Closed without listening: connecting to it is refused. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_connection_refused (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/sse", unused_port ());
  g_auto(Run) run = run_tool (url, "call", "echo", "{\"message\": \"hi\"}", NULL);

  g_assert_cmpint (run.status, ==, EXIT_CONNECTION);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, url));
}

/* sdk-server.mjs exits while the call waits for its answer. */
static void
test_server_exits (void)
{
  g_autoptr(InteropServer) server = interop_server_start (INTEROP_SERVER_SDK);
  g_auto(Run) run = run_tool (interop_server_get_url (server), "call", "die", NULL);

  g_assert_cmpint (run.status, ==, EXIT_CONNECTION);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_cmpuint (strlen (run.err), >, 0);
}

/* server-everything started by the tool itself, over stdio: its tools,
 * and echo. Its log on stderr is not the tool's output. */
static void
test_stdio_everything (void)
{
  g_autoptr(InteropStdioPeer) peer = interop_stdio_peer_new (INTEROP_STDIO_PEER_EVERYTHING);
  g_auto(Run) list = run_tool_with_peer (peer, NULL);
  g_auto(Run) echo = run_tool_with_peer (peer, "call", "echo", "{\"message\": \"over stdio\"}", NULL);
  g_autofree char *server_line = NULL;

  g_assert_cmpint (list.status, ==, EXIT_OK);
  g_assert_cmpstr (list.err, ==, "");
  server_line = find_line (list.out, "Server:");
  g_assert_nonnull (server_line);
  g_assert_true (g_str_has_prefix (server_line, "Server:       "));
  g_assert_nonnull (strstr (server_line, interop_stdio_peer_get_server_name (peer)));
  assert_tool_listed (list.out, "echo", "Echoes back the input string");
  assert_tool_listed (list.out, "get-sum", "Returns the sum of two numbers");

  g_assert_cmpint (echo.status, ==, EXIT_OK);
  g_assert_cmpstr (echo.out, ==, "Echo: over stdio\n");
  g_assert_cmpstr (echo.err, ==, "");
}

static void
add_test (const ServerSpec *spec,
          const char       *name,
          GTestDataFunc     test)
{
  g_autofree char *path = g_strdup_printf ("/interop/tool/%s/%s", spec->path, name);

  g_test_add_data_func (path, spec, test);
}

int
main (int   argc,
      char *argv[])
{
  const ServerSpec *const specs[] = { &everything, &sdk };
  const char *tool = g_getenv ("MCP_SSE_TOOL");
  int status;
  guint i;

  test_init (&argc, &argv);

  status = interop_main_skip_unless_ready ();
  if (status >= 0)
    return status;

  if (tool == NULL || !g_file_test (tool, G_FILE_TEST_IS_EXECUTABLE))
    {
      printf ("Bail out! MCP_SSE_TOOL does not name the mcp-sse program\n");
      return 1;
    }

  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      add_test (specs[i], "list", test_list);
      add_test (specs[i], "list-json", test_list_json);
      add_test (specs[i], "call-echo", test_call_echo);
      add_test (specs[i], "call-get-sum", test_call_get_sum);
      add_test (specs[i], "call-json", test_call_json);
      add_test (specs[i], "unknown-tool", test_unknown_tool);
      add_test (specs[i], "invalid-arguments", test_invalid_arguments);
    }
  add_test (&everything, "image-json", test_image_json);
  g_test_add_func ("/interop/tool/sdk/server-exits", test_server_exits);
  g_test_add_func ("/interop/tool/connection-refused", test_connection_refused);
  g_test_add_func ("/interop/tool/stdio/everything", test_stdio_everything);

  status = g_test_run ();

  for (i = 0; i < G_N_ELEMENTS (shared_servers); i++)
    g_clear_pointer (&shared_servers[i], interop_server_free);

  return status;
}
