/* test-tool.c: the mcp-sse command, run as a subprocess against the demo server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* posix_openpt(), grantpt(), unlockpt(), ptsname() */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-demo-server.h"
#include "mcp-sse-test-utils.h"

/* One HTTP request as the demo server saw it. */
typedef struct
{
  char *method;
  char *path;
  char *demo_header;
  char *authorization;
} Request;

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->demo_header);
  g_free (request->authorization);
  g_free (request);
}

typedef struct
{
  McpSseDemoServer *server;
  char *url;
  GPtrArray *requests;

  /* A scripted server beside the demo server, for answers it never gives. */
  SoupServerMessage *fake_stream;
  const char *fake_capabilities;
  const char *fake_call_result;
} Fixture;

/* What a run of the tool left behind. */
typedef struct
{
  int status;             /* the exit status; -1 when killed by a signal */
  char *out;
  char *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
on_request_read (SoupServer        *server,
                 SoupServerMessage *msg,
                 Fixture           *fixture)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  GUri *uri = soup_server_message_get_uri (msg);
  Request *request = g_new0 (Request, 1);

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strconcat (g_uri_get_path (uri), g_uri_get_query (uri) != NULL ? "?" : "",
                               g_uri_get_query (uri), NULL);
  request->demo_header = g_strdup (soup_message_headers_get_one (headers, "X-Demo"));
  request->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_ptr_array_add (fixture->requests, request);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = mcp_sse_demo_server_new ();
  g_assert_true (mcp_sse_demo_server_listen (fixture->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  fixture->url = mcp_sse_demo_server_dup_url (fixture->server);
  fixture->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  g_signal_connect (mcp_sse_demo_server_get_soup_server (fixture->server), "request-read",
                    G_CALLBACK (on_request_read), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->fake_stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (fixture->fake_stream, fixture);
      g_clear_object (&fixture->fake_stream);
    }

  /* Every run of the tool closed its stream, and the server noticed. */
  TEST_WAIT_UNTIL (mcp_sse_demo_server_get_n_sessions (fixture->server) == 0);
  g_assert_finalize_object (fixture->server);
  g_ptr_array_unref (fixture->requests);
  g_free (fixture->url);
}

static char *
tool_path (void)
{
  const char *path = g_getenv ("MCP_SSE_TOOL");

  if (path != NULL)
    return g_strdup (path);

  return g_test_build_filename (G_TEST_BUILT, "..", "mcp-sse", "tool", "mcp-sse", NULL);
}

static GSubprocessLauncher *
launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_unsetenv (launcher, "MCP_SSE_DEBUG");
  return launcher;
}

static GSubprocess *
spawn (GSubprocessLauncher *launcher,
       const char * const  *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_ptr_array_add (argv, tool_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

typedef struct
{
  Result *result;
  gboolean done;
} Communication;

static void
on_communicated (GObject      *source,
                 GAsyncResult *async_result,
                 gpointer      user_data)
{
  Communication *communication = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), async_result,
                                        &communication->result->out,
                                        &communication->result->err, &error);
  g_assert_no_error (error);
  communication->done = TRUE;
}

/* Waits for @process to exit, collecting its output when piped. */
static void
wait_for_process (GSubprocess *process,
                  Result      *result)
{
  Communication communication = { result, FALSE };

  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_communicated, &communication);
  TEST_WAIT_UNTIL (communication.done);
  /* The pipes close a moment before the exit is reaped. */
  TEST_WAIT_UNTIL (g_subprocess_get_identifier (process) == NULL);

  result->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  if (result->out == NULL)
    result->out = g_strdup ("");
  if (result->err == NULL)
    result->err = g_strdup ("");
}

/* Runs the tool with @args (NULL-terminated) and waits for it. */
static void
run_tool (Result             *result,
          const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                          G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = spawn (launcher, args);

  wait_for_process (process, result);
}

#define RUN(result, ...) run_tool (result, (const char * const []) { __VA_ARGS__, NULL })

/* One line on stderr, saying who speaks. */
static void
assert_one_error_line (const char *err)
{
  const char *newline = strchr (err, '\n');

  g_assert_true (g_str_has_prefix (err, "mcp-sse: "));
  g_assert_nonnull (newline);
  g_assert_cmpstr (newline, ==, "\n");
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

static char *
string_at (JsonNode   *node,
           const char *path)
{
  g_autoptr(JsonNode) found = json_path_query (path, node, NULL);
  JsonArray *matches = json_node_get_array (found);

  g_assert_cmpuint (json_array_get_length (matches), ==, 1);
  return g_strdup (json_array_get_string_element (matches, 0));
}

static gint64
int_at (JsonNode   *node,
        const char *path)
{
  g_autoptr(JsonNode) found = json_path_query (path, node, NULL);
  JsonArray *matches = json_node_get_array (found);

  g_assert_cmpuint (json_array_get_length (matches), ==, 1);
  return json_array_get_int_element (matches, 0);
}

static guint
count_at (JsonNode   *node,
          const char *path)
{
  g_autoptr(JsonNode) found = json_path_query (path, node, NULL);

  return json_array_get_length (json_node_get_array (found));
}

/* A port on 127.0.0.1 that nothing listens on. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  /* Bound but never listening: connecting is refused. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* The scripted server: GET /fake is its stream, POST /fake/message
 * answers initialize and tools/call with the fixture's JSON, and anything
 * else with {}. */

static void
on_fake_stream_finished (SoupServerMessage *msg,
                         Fixture           *fixture)
{
  g_clear_object (&fixture->fake_stream);
}

static void
fake_send (Fixture    *fixture,
           const char *frame)
{
  soup_message_body_append (soup_server_message_get_response_body (fixture->fake_stream),
                            SOUP_MEMORY_COPY, frame, strlen (frame));
  soup_server_message_unpause (fixture->fake_stream);
}

static void
on_fake_request (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  g_autofree char *frame = NULL;
  const char *method;
  const char *result = "{}";

  if (g_str_equal (path, "/fake"))
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

      g_assert_null (fixture->fake_stream);
      fixture->fake_stream = g_object_ref (msg);
      g_signal_connect (msg, "finished", G_CALLBACK (on_fake_stream_finished), fixture);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
      fake_send (fixture, "event: endpoint\ndata: /fake/message\n\n");
      return;
    }

  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  request = parse_json (text);
  soup_server_message_set_status (msg, SOUP_STATUS_ACCEPTED, NULL);
  if (!json_object_has_member (json_node_get_object (request), "id"))
    return;

  method = json_object_get_string_member (json_node_get_object (request), "method");
  if (g_str_equal (method, "initialize"))
    result = fixture->fake_capabilities;
  else if (g_str_equal (method, "tools/call"))
    result = fixture->fake_call_result;

  id = json_to_string (json_object_get_member (json_node_get_object (request), "id"), FALSE);
  frame = g_strdup_printf ("event: message\ndata: {\"jsonrpc\": \"2.0\", \"id\": %s, \"result\": %s}\n\n",
                           id, result);
  fake_send (fixture, frame);
}

/* Starts the scripted server; returns its URL. */
static char *
fake_server_start (Fixture    *fixture,
                   const char *initialize_result,
                   const char *call_result)
{
  SoupServer *soup_server = mcp_sse_demo_server_get_soup_server (fixture->server);

  fixture->fake_capabilities = initialize_result;
  fixture->fake_call_result = call_result;
  soup_server_add_handler (soup_server, "/fake", on_fake_request, fixture, NULL);

  return g_strdup_printf ("http://127.0.0.1:%u/fake", mcp_sse_demo_server_get_port (fixture->server));
}

static void
test_version (void)
{
  g_auto(Result) result = { 0 };

  RUN (&result, "--version");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "mcp-sse " MCP_SSE_VERSION_S "\n");
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_help (void)
{
  g_auto(Result) result = { 0 };

  RUN (&result, "--help");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "URL [COMMAND [ARGUMENTS]]"));
  g_assert_nonnull (strstr (result.out, "call TOOL [JSON-ARGUMENTS]"));
  g_assert_nonnull (strstr (result.out, "--bearer"));
  g_assert_nonnull (strstr (result.out, "[COMMAND [ARGUMENTS]] -- PROGRAM [ARGUMENT…]"));
  g_assert_nonnull (strstr (result.out, "--env=NAME=VALUE"));
  g_assert_nonnull (strstr (result.out, "--cwd=DIR"));
  g_assert_nonnull (strstr (result.out, "Exit status"));
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  const char *url = fixture->url;
  const char * const *cases[] = {
    (const char * const []) { NULL },
    (const char * const []) { url, "frob", NULL },
    (const char * const []) { url, "call", NULL },
    (const char * const []) { url, "call", "echo", "{\"message\": ", NULL },
    (const char * const []) { url, "call", "echo", "[1]", NULL },
    (const char * const []) { url, "call", "echo", "{}", "more", NULL },
    (const char * const []) { url, "request", NULL },
    (const char * const []) { url, "request", "ping", "7", NULL },
    (const char * const []) { url, "listen", "now", NULL },
    (const char * const []) { "-H", "NoColon", url, NULL },
    (const char * const []) { "-H", "Bad Name: x", url, NULL },
    (const char * const []) { "--timeout", "-1", url, NULL },
    (const char * const []) { "--timeout", "soon", url, NULL },
    (const char * const []) { "--sse-read-timeout", "1e99", url, NULL },
    (const char * const []) { "--bearer", "", url, NULL },
    (const char * const []) { "--bogus", url, NULL },
    (const char * const []) { "--demo", "--demo-server", NULL },
    (const char * const []) { "--port", "5", url, NULL },
    (const char * const []) { "--demo-server", "--port", "70000", NULL },
    (const char * const []) { "--demo-server", "extra", NULL },
    /* A server run over stdio */
    (const char * const []) { "--", NULL },
    (const char * const []) { "--", "", NULL },
    (const char * const []) { url, "--", "mcp-server", NULL },
    (const char * const []) { "call", "--", "mcp-server", NULL },
    (const char * const []) { "frob", "--", "mcp-server", NULL },
    (const char * const []) { "--demo", "--", "mcp-server", NULL },
    (const char * const []) { "--demo-server", "--stdio", "--", "mcp-server", NULL },
    (const char * const []) { "-H", "X-Demo: yes", "--", "mcp-server", NULL },
    (const char * const []) { "--bearer", "s3cr3t", "--", "mcp-server", NULL },
    (const char * const []) { "--sse-read-timeout", "1", "--", "mcp-server", NULL },
    (const char * const []) { "--timeout", "soon", "--", "mcp-server", NULL },
    (const char * const []) { "--env", "NO_EQUALS", "--", "mcp-server", NULL },
    (const char * const []) { "--env", "=value", "--", "mcp-server", NULL },
    (const char * const []) { "--env", "A=b", url, NULL },
    (const char * const []) { "--cwd", "/", url, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Result) result = { 0 };

      run_tool (&result, cases[i]);
      g_test_message ("case %u: %s", i, result.err);
      g_assert_cmpint (result.status, ==, 2);
      g_assert_cmpstr (result.out, ==, "");
      assert_one_error_line (result.err);
    }

  /* None of them got as far as the network. */
  g_assert_cmpuint (fixture->requests->len, ==, 0);
}

static void
test_demo (void)
{
  g_auto(Result) result = { 0 };

  RUN (&result, "--demo");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "Demo server: http://127.0.0.1:"));
  g_assert_nonnull (strstr (result.out, "Server:       " MCP_SSE_DEMO_SERVER_NAME " " MCP_SSE_VERSION_S "\n"));
  g_assert_nonnull (strstr (result.out, "Protocol:     2025-11-25\n"));
  g_assert_nonnull (strstr (result.out, "  echo   Echoes a message back\n"));
  g_assert_nonnull (strstr (result.out, "  flood  "));
  g_assert_true (g_str_has_suffix (result.out, "\nEcho: Hello from mcp-sse\n"));
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_demo_call (void)
{
  g_auto(Result) result = { 0 };

  RUN (&result, "--demo", "call", "add", "{\"a\": 2, \"b\": 40}");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "42\n");
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_info (Fixture       *fixture,
           gconstpointer  data)
{
  g_auto(Result) result = { 0 };

  RUN (&result, fixture->url);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_str_has_prefix (result.out,
                                   "Server:       " MCP_SSE_DEMO_SERVER_NAME " " MCP_SSE_VERSION_S "\n"
                                   "Protocol:     2025-11-25\n"
                                   "Instructions: "));
  g_assert_nonnull (strstr (result.out,
                            "Tools (4):\n"
                            "  echo   Echoes a message back\n"
                            "  add    Adds two numbers\n"
                            "  slow   "));
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_info_json (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(Result) result = { 0 };
  g_autoptr(JsonNode) info = NULL;
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;

  RUN (&result, "--json", fixture->url);
  g_assert_cmpint (result.status, ==, 0);
  info = parse_json (result.out);
  name = string_at (info, "$.serverInfo.name");
  version = string_at (info, "$.protocolVersion");
  g_assert_cmpstr (name, ==, MCP_SSE_DEMO_SERVER_NAME);
  g_assert_cmpstr (version, ==, "2025-11-25");
  g_assert_cmpuint (count_at (info, "$.tools[*]"), ==, 4);
  g_assert_cmpuint (count_at (info, "$.capabilities.tools"), ==, 1);
}

static void
test_call_echo (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(Result) result = { 0 };

  RUN (&result, fixture->url, "call", "echo", "{\"message\": \"hi\"}");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "Echo: hi\n");
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_call_add (Fixture       *fixture,
               gconstpointer  data)
{
  g_auto(Result) result = { 0 };

  RUN (&result, fixture->url, "call", "add", "{\"a\": 2, \"b\": 40}");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "42\n");
}

static void
test_call_json (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(Result) result = { 0 };
  g_autoptr(JsonNode) call_result = NULL;
  g_autofree char *text = NULL;

  RUN (&result, fixture->url, "--json", "call", "add", "{\"a\": 2, \"b\": 40}");
  g_assert_cmpint (result.status, ==, 0);
  call_result = parse_json (result.out);
  text = string_at (call_result, "$.content[0].text");
  g_assert_cmpstr (text, ==, "42");
  g_assert_cmpint (int_at (call_result, "$.structuredContent.sum"), ==, 42);
}

static void
test_call_unknown_tool (Fixture       *fixture,
                        gconstpointer  data)
{
  g_auto(Result) result = { 0 };

  RUN (&result, fixture->url, "call", "nope");
  g_assert_cmpint (result.status, ==, 1);
  g_assert_cmpstr (result.out, ==, "");
  assert_one_error_line (result.err);
  g_assert_nonnull (strstr (result.err, "nope"));
  g_assert_nonnull (strstr (result.err, fixture->url));
  g_assert_nonnull (strstr (result.err, "Unknown tool: nope"));
  g_assert_nonnull (strstr (result.err, "-32602"));
}

static void
test_call_tool_error (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(Result) result = { 0 };
  g_auto(Result) json_result = { 0 };
  g_autoptr(JsonNode) call_result = NULL;

  /* A result with isError: its text on stderr, exit status 1. */
  RUN (&result, fixture->url, "call", "add", "{\"a\": \"two\", \"b\": 40}");
  g_assert_cmpint (result.status, ==, 1);
  g_assert_cmpstr (result.out, ==, "");
  assert_one_error_line (result.err);
  g_assert_nonnull (strstr (result.err, "add needs two number arguments"));

  RUN (&json_result, "--json", fixture->url, "call", "echo");
  g_assert_cmpint (json_result.status, ==, 1);
  call_result = parse_json (json_result.out);
  g_assert_cmpuint (count_at (call_result, "$.isError"), ==, 1);
}

static void
test_call_content (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = fake_server_start (fixture,
    "{\"protocolVersion\": \"2025-06-18\", \"capabilities\": {\"tools\": {}}, "
    " \"serverInfo\": {\"name\": \"fake\", \"version\": \"0\"}}",
    "{\"content\": ["
    "  {\"type\": \"text\", \"text\": \"two\\nlines\"},"
    "  {\"type\": \"image\", \"mimeType\": \"image/png\", \"data\": \"iVBORw0KGgo=\"},"
    "  {\"type\": \"audio\", \"mimeType\": \"audio/wav\", \"data\": \"UklGRg==\"},"
    "  {\"type\": \"resource\", \"resource\": {\"uri\": \"file:///tmp/a.txt\", \"mimeType\": \"text/plain\", \"text\": \"a\"}},"
    "  {\"type\": \"resource_link\", \"uri\": \"file:///tmp/b\", \"name\": \"b\"},"
    "  {\"type\": \"hologram\"}"
    "]}");
  g_auto(Result) result = { 0 };

  RUN (&result, url, "call", "anything");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==,
                   "two\n"
                   "lines\n"
                   "[image image/png, 8 bytes]\n"
                   "[audio audio/wav, 4 bytes]\n"
                   "[resource file:///tmp/a.txt, text/plain]\n"
                   "[resource link file:///tmp/b]\n"
                   "[hologram]\n");
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_info_without_tools (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *url = fake_server_start (fixture,
    "{\"protocolVersion\": \"2024-11-05\", \"capabilities\": {}, "
    " \"serverInfo\": {\"name\": \"fake\", \"version\": \"0.1\"},"
    " \"instructions\": \"\\n  # Fake\\n\\nIt has no tools.\\n\"}",
    "{}");
  g_auto(Result) result = { 0 };

  /* No tools/list for a server without the tools capability. */
  RUN (&result, url);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==,
                   "Server:       fake 0.1\n"
                   "Protocol:     2024-11-05\n"
                   "Instructions: # Fake …\n"
                   "Tools:        none offered\n");
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_request (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(Result) ping = { 0 };
  g_auto(Result) call = { 0 };
  g_autoptr(JsonNode) pong = NULL;
  g_autoptr(JsonNode) call_result = NULL;
  g_autofree char *text = NULL;

  RUN (&ping, fixture->url, "request", "ping");
  g_assert_cmpint (ping.status, ==, 0);
  pong = parse_json (ping.out);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (pong));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (pong)), ==, 0);
  g_assert_cmpstr (ping.err, ==, "");

  RUN (&call, fixture->url, "request", "tools/call", "{\"name\": \"echo\", \"arguments\": {\"message\": \"raw\"}}");
  g_assert_cmpint (call.status, ==, 0);
  call_result = parse_json (call.out);
  text = string_at (call_result, "$.content[0].text");
  g_assert_cmpstr (text, ==, "Echo: raw");
}

static void
test_request_unknown_method (Fixture       *fixture,
                             gconstpointer  data)
{
  g_auto(Result) result = { 0 };

  RUN (&result, fixture->url, "request", "no/such/method");
  g_assert_cmpint (result.status, ==, 1);
  g_assert_cmpstr (result.out, ==, "");
  assert_one_error_line (result.err);
  g_assert_nonnull (strstr (result.err, "no/such/method"));
  g_assert_nonnull (strstr (result.err, "-32601"));
}

static void
test_connection_refused (void)
{
  g_auto(Result) result = { 0 };
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/sse", closed_port ());
  g_autofree char *prefix = g_strdup_printf ("mcp-sse: cannot connect to %s: ", url);

  RUN (&result, url);
  g_assert_cmpint (result.status, ==, 3);
  g_assert_cmpstr (result.out, ==, "");
  assert_one_error_line (result.err);
  g_assert_true (g_str_has_prefix (result.err, prefix));
  g_assert_nonnull (strstr (result.err, "refused"));
}

static void
test_bad_url (void)
{
  g_auto(Result) result = { 0 };

  RUN (&result, "not a url", "call", "echo");
  g_assert_cmpint (result.status, ==, 3);
  g_assert_cmpstr (result.out, ==, "");
  assert_one_error_line (result.err);
  g_assert_true (g_str_has_prefix (result.err, "mcp-sse: cannot connect to not a url: "));
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(Result) result = { 0 };
  g_autofree char *url = g_strconcat (fixture->url, "-not-here", NULL);

  RUN (&result, url);
  g_assert_cmpint (result.status, ==, 3);
  assert_one_error_line (result.err);
  g_assert_nonnull (strstr (result.err, "404"));
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(Result) result = { 0 };
  char timeout[G_ASCII_DTOSTR_BUF_SIZE];

  /* The call takes a minute; the deadline stretches on a slow machine. */
  g_ascii_dtostr (timeout, sizeof timeout, test_scaled (1.0));
  RUN (&result, "--timeout", timeout, fixture->url, "call", "slow", "{\"steps\": 1, \"interval_ms\": 60000}");
  g_assert_cmpint (result.status, ==, 3);
  g_assert_cmpstr (result.out, ==, "");
  assert_one_error_line (result.err);
  g_assert_nonnull (strstr (result.err, "calling tool slow at"));
}

static void
test_headers (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(Result) result = { 0 };
  guint posts = 0;

  RUN (&result, "-H", "X-Demo: yes", "--bearer", "s3cr3t", fixture->url,
       "call", "echo", "{\"message\": \"hi\"}");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "Echo: hi\n");

  g_assert_cmpuint (fixture->requests->len, >=, 4);
  for (guint i = 0; i < fixture->requests->len; i++)
    {
      Request *request = g_ptr_array_index (fixture->requests, i);

      if (i == 0)
        {
          g_assert_cmpstr (request->method, ==, "GET");
          g_assert_cmpstr (request->path, ==, "/sse");
        }
      else
        {
          g_assert_cmpstr (request->method, ==, "POST");
          g_assert_true (g_str_has_prefix (request->path, "/message?sessionId="));
          posts++;
        }
      g_assert_cmpstr (request->demo_header, ==, "yes");
      g_assert_cmpstr (request->authorization, ==, "Bearer s3cr3t");
    }
  /* initialize, notifications/initialized, tools/call */
  g_assert_cmpuint (posts, ==, 3);
}

static void
test_verbose (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(Result) result = { 0 };

  RUN (&result, "-v", "--bearer", "s3cr3t", fixture->url, "request", "ping");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.err, "GET /sse"));
  g_assert_nonnull (strstr (result.err, "POST /message?sessionId="));
  g_assert_nonnull (strstr (result.err, "Authorization"));
  g_assert_null (strstr (result.err, "s3cr3t"));
}

static void
on_flood_posted (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  guint *status = user_data;
  g_autoptr(GBytes) body = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  *status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source), result));
}

static guint
count_posts (Fixture *fixture)
{
  guint posts = 0;

  for (guint i = 0; i < fixture->requests->len; i++)
    {
      Request *request = g_ptr_array_index (fixture->requests, i);

      if (g_str_equal (request->method, "POST"))
        posts++;
    }

  return posts;
}

static void
test_listen (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                          G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = spawn (launcher, (const char * const []) { fixture->url, "listen", NULL });
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GUri) base = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) endpoint = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(Result) result = { 0 };
  const char *flood = "{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": \"tools/call\", "
                      "\"params\": {\"name\": \"flood\", \"arguments\": {\"count\": 3, \"size\": 100}}}";
  Request *initialize;
  guint status = 0;
  guint n_lines;

  /* Once notifications/initialized is posted, the client has read the
   * answer to initialize. */
  TEST_WAIT_UNTIL (count_posts (fixture) >= 2);
  initialize = g_ptr_array_index (fixture->requests, 1);

  /* Make the server talk on the tool's session, then end the session. */
  endpoint = g_uri_parse_relative (base, initialize->path, G_URI_FLAGS_NONE, NULL);
  msg = soup_message_new_from_uri ("POST", endpoint);
  body = g_bytes_new_static (flood, strlen (flood));
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_flood_posted, &status);
  TEST_WAIT_UNTIL (status != 0);
  g_assert_cmpuint (status, ==, 202);
  mcp_sse_demo_server_close_sessions (fixture->server);

  wait_for_process (process, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.err, ==, "");
  g_assert_true (g_str_has_suffix (result.out, "\n"));

  lines = g_strsplit (result.out, "\n", -1);
  n_lines = g_strv_length (lines) - 1;
  /* The answer to initialize, three notifications, the flood's result. */
  g_assert_cmpuint (n_lines, ==, 5);
  for (guint i = 0; i < n_lines; i++)
    {
      g_autoptr(JsonNode) message = parse_json (lines[i]);

      if (i == 0)
        g_assert_cmpuint (count_at (message, "$.result.protocolVersion"), ==, 1);
      else if (i < 4)
        g_assert_cmpint (int_at (message, "$.params.data.seq"), ==, i);
      else
        {
          g_autofree char *text = string_at (message, "$.result.content[0].text");

          g_assert_cmpint (int_at (message, "$.id"), ==, 99);
          g_assert_cmpstr (text, ==, "sent 3");
        }
    }

  soup_session_abort (session);
}

static void
test_demo_server_mode (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                          G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) server = spawn (launcher, (const char * const []) { "--demo-server", NULL });
  g_autoptr(GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_auto(Result) call = { 0 };
  g_auto(Result) result = { 0 };

  /* A blocking read of one line: the server prints it before serving. */
  url = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (url);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (url, "/sse"));

  RUN (&call, url, "call", "echo", "{\"message\": \"over there\"}");
  g_assert_cmpint (call.status, ==, 0);
  g_assert_cmpstr (call.out, ==, "Echo: over there\n");

  g_subprocess_send_signal (server, SIGTERM);
  wait_for_process (server, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_progress_pipe (Fixture       *fixture,
                    gconstpointer  data)
{
  g_auto(Result) result = { 0 };

  RUN (&result, fixture->url, "call", "slow", "{\"steps\": 3, \"interval_ms\": 20}");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "done\n");
  /* No terminal: no progress line, and no progress token was asked for. */
  g_assert_cmpstr (result.err, ==, "");
}

static gboolean
on_pty_readable (int           fd,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  GString *output = user_data;
  char buffer[4096];
  gssize n;

  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (output, buffer, n);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;

  return G_SOURCE_REMOVE;
}

static void
test_progress_terminal (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GString) terminal = g_string_new (NULL);
  g_auto(Result) result = { 0 };
  g_autofree char *escaped = NULL;
  const char *line;
  int master, slave;
  guint watch;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY);
  g_assert_cmpint (slave, >=, 0);
  g_assert_true (g_unix_set_fd_nonblocking (master, TRUE, NULL));

  /* The child's stderr is the terminal; we keep a copy of the slave open
   * so that reading the master never fails with EIO before it is drained. */
  g_subprocess_launcher_take_stderr_fd (launcher, dup (slave));
  process = spawn (launcher, (const char * const []) {
                     fixture->url, "call", "slow", "{\"steps\": 3, \"interval_ms\": 20}", NULL });
  watch = g_unix_fd_add (master, G_IO_IN, on_pty_readable, terminal);

  wait_for_process (process, &result);
  on_pty_readable (master, G_IO_IN, terminal);
  g_source_remove (watch);
  close (slave);
  close (master);

  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "done\n");

  /* One line, redrawn in place for each step, then wiped. */
  escaped = g_strescape (terminal->str, NULL);
  g_test_message ("terminal: %s", escaped);
  g_assert_null (strchr (terminal->str, '\n'));
  g_assert_true (g_str_has_prefix (terminal->str, "\r["));
  line = strstr (terminal->str, "\r[====================] 3/3 step 3");
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (terminal->str, "] 1/3 step 1"));
  g_assert_true (g_str_has_suffix (terminal->str, "\r\033[K"));
}

/* A local server over stdio: the tool runs itself as the demo server. */

#define PYTHON "/usr/bin/python3"

/* The command line of a shell that runs @script with the tool's path as
 * $0, so that the script can exec the demo server. */
#define SHELL_SERVER(tool, script) "/bin/sh", "-c", (script), (tool)

/* A server that answers initialize, sends one notification once told
 * that the session is initialized, and exits with the status in argv[1]. */
static const char once_server[] =
  "import json, sys\n"
  "request = json.loads(sys.stdin.readline())\n"
  "print(json.dumps({'jsonrpc': '2.0', 'id': request['id'], 'result': {\n"
  "    'protocolVersion': request['params']['protocolVersion'], 'capabilities': {},\n"
  "    'serverInfo': {'name': 'once', 'version': '1'}}}), flush=True)\n"
  "sys.stdin.readline()\n"
  "print(json.dumps({'jsonrpc': '2.0', 'method': 'notifications/message',\n"
  "                  'params': {'level': 'info', 'data': 'bye'}}), flush=True)\n"
  "sys.exit(int(sys.argv[1]))\n";

static gboolean
skip_without_python (void)
{
  if (g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;

  g_test_skip ("no " PYTHON);
  return TRUE;
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("mcp-sse-tool-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_temp_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

/* The wrapper around the demo server that proves it was gone before the
 * tool exited: it writes its pid, runs the server without exec, and
 * writes how the server ended once it has. */
#define WATCHED_SERVER_SCRIPT \
  "echo $$ > server.pid; \"$0\" --demo-server --stdio; echo \"exit $?\" > server.end"

/* The process whose pid @dir/server.pid holds exited and was reaped, after
 * the demo server under it exited with status 0 at the end of its input:
 * nothing of it outlived the tool. */
static void
assert_server_gone (const char *dir)
{
  g_autofree char *pid_text = read_file (dir, "server.pid");
  g_autofree char *end = read_file (dir, "server.end");
  gint64 pid = g_ascii_strtoll (pid_text, NULL, 10);

  g_assert_cmpstr (end, ==, "exit 0\n");
  g_assert_cmpint (pid, >, 1);
  g_assert_cmpint (kill ((pid_t) pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

static void
test_stdio_info (void)
{
  g_autofree char *tool = tool_path ();
  g_auto(Result) result = { 0 };

  RUN (&result, "--", tool, "--demo-server", "--stdio");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_str_has_prefix (result.out,
                                   "Server:       " MCP_SSE_DEMO_SERVER_NAME " " MCP_SSE_VERSION_S "\n"
                                   "Protocol:     2025-11-25\n"
                                   "Instructions: "));
  g_assert_nonnull (strstr (result.out,
                            "Tools (4):\n"
                            "  echo   Echoes a message back\n"
                            "  add    Adds two numbers\n"
                            "  slow   "));
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_stdio_info_json (void)
{
  g_autofree char *tool = tool_path ();
  g_auto(Result) result = { 0 };
  g_autoptr(JsonNode) info = NULL;
  g_autofree char *name = NULL;

  RUN (&result, "--json", "--", tool, "--demo-server", "--stdio");
  g_assert_cmpint (result.status, ==, 0);
  info = parse_json (result.out);
  name = string_at (info, "$.serverInfo.name");
  g_assert_cmpstr (name, ==, MCP_SSE_DEMO_SERVER_NAME);
  g_assert_cmpuint (count_at (info, "$.tools[*]"), ==, 4);
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_stdio_call (void)
{
  g_autofree char *tool = tool_path ();
  g_auto(Result) add = { 0 };
  g_auto(Result) ping = { 0 };
  g_auto(Result) unknown = { 0 };
  g_autoptr(JsonNode) pong = NULL;

  RUN (&add, "call", "add", "{\"a\":2,\"b\":40}", "--", tool, "--demo-server", "--stdio");
  g_assert_cmpint (add.status, ==, 0);
  g_assert_cmpstr (add.out, ==, "42\n");
  g_assert_cmpstr (add.err, ==, "");

  RUN (&ping, "request", "ping", "--", tool, "--demo-server", "--stdio");
  g_assert_cmpint (ping.status, ==, 0);
  pong = parse_json (ping.out);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (pong));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (pong)), ==, 0);

  /* The server is named by its program in errors. */
  RUN (&unknown, "call", "nope", "--", tool, "--demo-server", "--stdio");
  g_assert_cmpint (unknown.status, ==, 1);
  g_assert_cmpstr (unknown.out, ==, "");
  assert_one_error_line (unknown.err);
  g_assert_nonnull (strstr (unknown.err, "calling tool nope at"));
  g_assert_nonnull (strstr (unknown.err, tool));
  g_assert_nonnull (strstr (unknown.err, "-32602"));
}

/* Nothing after -- is an option of the tool's. */
static void
test_stdio_arguments (void)
{
  g_autofree char *tool = tool_path ();
  g_auto(Result) result = { 0 };

  RUN (&result, "--", SHELL_SERVER (tool, "test \"$1\" = --json && test \"$2\" = -- && "
                                          "exec \"$0\" --demo-server --stdio; exit 7"),
       "--json", "--");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_str_has_prefix (result.out, "Server:       " MCP_SSE_DEMO_SERVER_NAME " "));
  g_assert_cmpstr (result.err, ==, "");
}

static void
test_stdio_env_cwd (void)
{
  const char *script = "test \"$MCP_SSE_TEST_VALUE\" = 'from --env' && test -f cwd-marker && "
                       "exec \"$0\" --demo-server --stdio; exit 7";
  g_autofree char *tool = tool_path ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *marker = g_build_filename (dir, "cwd-marker", NULL);
  g_autofree char *cwd_option = g_strconcat ("--cwd=", dir, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(Result) both = { 0 };
  g_auto(Result) no_env = { 0 };
  g_auto(Result) no_cwd = { 0 };

  g_file_set_contents (marker, "", 0, &error);
  g_assert_no_error (error);

  /* --env wins over the tool's own environment, which the server gets. */
  {
    g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                            G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_autoptr(GSubprocess) process = NULL;

    g_subprocess_launcher_setenv (launcher, "MCP_SSE_TEST_VALUE", "from the tool", TRUE);
    process = spawn (launcher, (const char * const []) {
                       "--env", "MCP_SSE_TEST_VALUE=from --env", cwd_option,
                       "call", "add", "{\"a\":1,\"b\":2}", "--", SHELL_SERVER (tool, script), NULL });
    wait_for_process (process, &both);
  }
  g_assert_cmpint (both.status, ==, 0);
  g_assert_cmpstr (both.out, ==, "3\n");
  g_assert_cmpstr (both.err, ==, "");

  /* Either one missing, and the script exits before it serves. */
  RUN (&no_env, cwd_option, "--", SHELL_SERVER (tool, script));
  g_assert_cmpint (no_env.status, ==, 3);
  assert_one_error_line (no_env.err);
  g_assert_nonnull (strstr (no_env.err, "exited with status 7"));

  RUN (&no_cwd, "--env", "MCP_SSE_TEST_VALUE=from --env", "--", SHELL_SERVER (tool, script));
  g_assert_cmpint (no_cwd.status, ==, 3);
  assert_one_error_line (no_cwd.err);
  g_assert_nonnull (strstr (no_cwd.err, "exited with status 7"));

  remove_temp_dir (dir);
}

static void
test_stdio_missing_program (void)
{
  const char *programs[] = { "/nonexistent/mcp-server", "mcp-sse-no-such-server" };

  for (guint i = 0; i < G_N_ELEMENTS (programs); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("mcp-sse: cannot connect to %s: ", programs[i]);
      g_auto(Result) result = { 0 };

      RUN (&result, "call", "echo", "--", programs[i], "--stdio");
      g_test_message ("%s", result.err);
      g_assert_cmpint (result.status, ==, 3);
      g_assert_cmpstr (result.out, ==, "");
      assert_one_error_line (result.err);
      g_assert_true (g_str_has_prefix (result.err, prefix));
      g_assert_nonnull (strstr (result.err, "No such file or directory"));
    }
}

static void
test_stdio_bad_cwd (void)
{
  g_autofree char *tool = tool_path ();
  g_auto(Result) result = { 0 };

  RUN (&result, "--cwd", "/nonexistent/directory", "--", tool, "--demo-server", "--stdio");
  g_assert_cmpint (result.status, ==, 3);
  g_assert_cmpstr (result.out, ==, "");
  assert_one_error_line (result.err);
  g_assert_nonnull (strstr (result.err, "/nonexistent/directory"));
}

static void
test_stdio_early_exit (void)
{
  g_auto(Result) result = { 0 };

  RUN (&result, "--", "/bin/sh", "-c", "exit 3");
  g_assert_cmpint (result.status, ==, 3);
  g_assert_cmpstr (result.out, ==, "");
  assert_one_error_line (result.err);
  g_assert_true (g_str_has_prefix (result.err, "mcp-sse: cannot connect to /bin/sh: "));
  g_assert_nonnull (strstr (result.err, "exited with status 3"));
}

/* The tool waits until the server has exited and been reaped. */
static void
test_stdio_no_child_left (void)
{
  g_autofree char *tool = tool_path ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *cwd_option = g_strconcat ("--cwd=", dir, NULL);
  g_auto(Result) result = { 0 };

  RUN (&result, cwd_option, "call", "echo", "{\"message\": \"bye\"}",
       "--", SHELL_SERVER (tool, WATCHED_SERVER_SCRIPT));
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "Echo: bye\n");
  g_assert_cmpstr (result.err, ==, "");
  assert_server_gone (dir);

  remove_temp_dir (dir);
}

static void
test_stdio_timeout (void)
{
  g_autofree char *tool = tool_path ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *cwd_option = g_strconcat ("--cwd=", dir, NULL);
  g_auto(Result) result = { 0 };
  char timeout[G_ASCII_DTOSTR_BUF_SIZE];

  /* The call takes a minute; the server drops it when its input ends. */
  g_ascii_dtostr (timeout, sizeof timeout, test_scaled (1.0));
  RUN (&result, "--timeout", timeout, cwd_option, "call", "slow", "{\"steps\": 1, \"interval_ms\": 60000}",
       "--", SHELL_SERVER (tool, WATCHED_SERVER_SCRIPT));
  g_assert_cmpint (result.status, ==, 3);
  g_assert_cmpstr (result.out, ==, "");
  assert_one_error_line (result.err);
  g_assert_nonnull (strstr (result.err, "calling tool slow at /bin/sh failed"));
  assert_server_gone (dir);

  remove_temp_dir (dir);
}

static void
test_stdio_verbose (void)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "stdio-server.py", NULL);
  g_auto(Result) quiet = { 0 };
  g_auto(Result) verbose = { 0 };

  if (skip_without_python ())
    return;

  /* The server logs every request on its stderr: dropped by default... */
  RUN (&quiet, "call", "echo", "{\"text\": \"hi\"}", "--", PYTHON, script, "mcp");
  g_assert_cmpint (quiet.status, ==, 0);
  g_assert_cmpstr (quiet.out, ==, "hi\n");
  g_assert_cmpstr (quiet.err, ==, "");

  /* ...shown with -v, with the messages. */
  RUN (&verbose, "-v", "call", "echo", "{\"text\": \"hi\"}", "--", PYTHON, script, "mcp");
  g_assert_cmpint (verbose.status, ==, 0);
  g_assert_cmpstr (verbose.out, ==, "hi\n");
  g_assert_nonnull (strstr (verbose.err, "\nserver: request initialize\n"));
  g_assert_nonnull (strstr (verbose.err, "\"method\":\"tools/call\""));
}

static void
test_stdio_listen_until_exit (void)
{
  g_auto(Result) clean = { 0 };
  g_auto(Result) failed = { 0 };
  g_auto(GStrv) lines = NULL;

  if (skip_without_python ())
    return;

  /* The stream ends when the server exits: with 0, a success. */
  RUN (&clean, "listen", "--", PYTHON, "-c", once_server, "0");
  g_assert_cmpint (clean.status, ==, 0);
  g_assert_cmpstr (clean.err, ==, "");
  lines = g_strsplit (clean.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"));
  g_assert_cmpstr (lines[1], ==, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                                 "\"params\":{\"level\":\"info\",\"data\":\"bye\"}}");
  g_assert_cmpstr (lines[2], ==, "");

  /* With another status, a failure that says which. */
  RUN (&failed, "listen", "--", PYTHON, "-c", once_server, "4");
  g_assert_cmpint (failed.status, ==, 3);
  g_assert_cmpstr (failed.out, ==, clean.out);
  assert_one_error_line (failed.err);
  g_assert_nonnull (strstr (failed.err, "exited with status 4"));
}

/* listen runs until interrupted, and then the server is stopped and
 * reaped before the tool exits. */
static void
test_stdio_listen_interrupted (void)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                          G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *tool = tool_path ();
  g_autofree char *dir = make_temp_dir ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonNode) message = NULL;
  g_autofree char *line = NULL;
  g_autofree char *name = NULL;
  g_auto(Result) result = { 0 };

  g_subprocess_launcher_set_cwd (launcher, dir);
  process = spawn (launcher, (const char * const []) {
                     "listen", "--", SHELL_SERVER (tool, WATCHED_SERVER_SCRIPT), NULL });

  /* The answer to initialize comes first. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  line = test_read_line (out, "the tool's output");
  g_assert_nonnull (line);
  message = parse_json (line);
  name = string_at (message, "$.result.serverInfo.name");
  g_assert_cmpstr (name, ==, MCP_SSE_DEMO_SERVER_NAME);

  g_subprocess_send_signal (process, SIGINT);
  wait_for_process (process, &result);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.err, ==, "");
  assert_server_gone (dir);

  remove_temp_dir (dir);
}

#define ADD_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  test_init (&argc, &argv);

  g_test_add_func ("/tool/version", test_version);
  g_test_add_func ("/tool/help", test_help);
  ADD_TEST ("/tool/usage", test_usage);
  g_test_add_func ("/tool/demo", test_demo);
  g_test_add_func ("/tool/demo/call", test_demo_call);
  g_test_add_func ("/tool/demo-server", test_demo_server_mode);
  ADD_TEST ("/tool/info", test_info);
  ADD_TEST ("/tool/info/json", test_info_json);
  ADD_TEST ("/tool/call/echo", test_call_echo);
  ADD_TEST ("/tool/call/add", test_call_add);
  ADD_TEST ("/tool/call/json", test_call_json);
  ADD_TEST ("/tool/call/unknown-tool", test_call_unknown_tool);
  ADD_TEST ("/tool/call/tool-error", test_call_tool_error);
  ADD_TEST ("/tool/call/content", test_call_content);
  ADD_TEST ("/tool/info/without-tools", test_info_without_tools);
  ADD_TEST ("/tool/request", test_request);
  ADD_TEST ("/tool/request/unknown-method", test_request_unknown_method);
  g_test_add_func ("/tool/connect/refused", test_connection_refused);
  g_test_add_func ("/tool/connect/bad-url", test_bad_url);
  ADD_TEST ("/tool/connect/not-found", test_not_found);
  ADD_TEST ("/tool/timeout", test_timeout);
  ADD_TEST ("/tool/headers", test_headers);
  ADD_TEST ("/tool/verbose", test_verbose);
  ADD_TEST ("/tool/listen", test_listen);
  ADD_TEST ("/tool/progress/pipe", test_progress_pipe);
  ADD_TEST ("/tool/progress/terminal", test_progress_terminal);
  g_test_add_func ("/tool/stdio/info", test_stdio_info);
  g_test_add_func ("/tool/stdio/info/json", test_stdio_info_json);
  g_test_add_func ("/tool/stdio/call", test_stdio_call);
  g_test_add_func ("/tool/stdio/arguments", test_stdio_arguments);
  g_test_add_func ("/tool/stdio/env-cwd", test_stdio_env_cwd);
  g_test_add_func ("/tool/stdio/missing-program", test_stdio_missing_program);
  g_test_add_func ("/tool/stdio/bad-cwd", test_stdio_bad_cwd);
  g_test_add_func ("/tool/stdio/early-exit", test_stdio_early_exit);
  g_test_add_func ("/tool/stdio/no-child-left", test_stdio_no_child_left);
  g_test_add_func ("/tool/stdio/timeout", test_stdio_timeout);
  g_test_add_func ("/tool/stdio/verbose", test_stdio_verbose);
  g_test_add_func ("/tool/stdio/listen/until-exit", test_stdio_listen_until_exit);
  g_test_add_func ("/tool/stdio/listen/interrupted", test_stdio_listen_interrupted);

  return g_test_run ();
}
