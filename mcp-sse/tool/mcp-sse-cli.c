/* mcp-sse-cli.c: the mcp-sse command, an MCP client for the terminal
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-demo-server.h"

enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,       /* a tool or JSON-RPC error */
  EXIT_USAGE = 2,
  EXIT_CONNECTION = 3,   /* connection, transport or timeout failure */
  EXIT_INTERRUPTED = 130,
};

#define PROGRESS_BAR_WIDTH 20
/* How long the tool waits for a stdio server to exit once told to: longer
 * than the library's schedule of closing its input, SIGTERM and SIGKILL. */
#define SERVER_EXIT_WAIT_SECONDS 10
#define DEMO_MESSAGE "Hello from mcp-sse"

/* Command line */

typedef enum {
  COMMAND_INFO,
  COMMAND_DEMO,
  COMMAND_CALL,
  COMMAND_REQUEST,
  COMMAND_LISTEN,
} Command;

static gboolean opt_demo;
static gboolean opt_demo_server;
static gboolean opt_stdio;
static int opt_port;
static char **opt_headers;
static char *opt_bearer;
static char *opt_timeout;
static char *opt_sse_read_timeout;
static gboolean opt_json;
static gboolean opt_verbose;
static gboolean opt_version;
static char **opt_env;
static char *opt_cwd;
static char **opt_arguments;

static const GOptionEntry option_entries[] = {
  { "header", 'H', 0, G_OPTION_ARG_STRING_ARRAY, &opt_headers,
    "Send a header on every request (repeatable)", "'NAME: VALUE'" },
  { "bearer", 0, 0, G_OPTION_ARG_STRING, &opt_bearer,
    "Send \"Authorization: Bearer TOKEN\" to the server's origin only", "TOKEN" },
  { "timeout", 0, 0, G_OPTION_ARG_STRING, &opt_timeout,
    "Seconds to wait for the connection, each POST and each answer (default 5 to connect, 60 for answers; 0: no limit)", "S" },
  { "sse-read-timeout", 0, 0, G_OPTION_ARG_STRING, &opt_sse_read_timeout,
    "Seconds the stream may stay silent (default 300; 0: no limit)", "S" },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    "Print results as JSON", NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
    "Log the HTTP exchange to stderr, secrets masked; with -- PROGRAM, the messages and the server's stderr", NULL },
  { "env", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_env,
    "With -- PROGRAM: set a variable in the server's environment (repeatable)", "NAME=VALUE" },
  { "cwd", 0, 0, G_OPTION_ARG_FILENAME, &opt_cwd,
    "With -- PROGRAM: run the server in this directory", "DIR" },
  { "demo", 0, 0, G_OPTION_ARG_NONE, &opt_demo,
    "Run the demo server in this process and talk to it (the URL is left out)", NULL },
  { "demo-server", 0, 0, G_OPTION_ARG_NONE, &opt_demo_server,
    "Only run the demo server: print its URL, serve until interrupted", NULL },
  { "stdio", 0, 0, G_OPTION_ARG_NONE, &opt_stdio,
    "With --demo-server: serve one session on stdin and stdout, a JSON-RPC message per line, until the end of stdin", NULL },
  { "port", 0, 0, G_OPTION_ARG_INT, &opt_port,
    "The demo server's port (default: any free port)", "N" },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version,
    "Print the version and exit", NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_arguments, NULL, NULL },
  { NULL }
};

static const char help_summary[] =
  "Talk to an MCP server over HTTP+SSE at URL, or run PROGRAM as a local MCP\n"
  "server and talk to it over its standard input and output (stdio):\n"
  "  mcp-sse [OPTION…] [COMMAND [ARGUMENTS]] -- PROGRAM [ARGUMENT…]";

static const char description[] =
  "Commands:\n"
  "  (none)                        Show the server's name, protocol version and tools\n"
  "  call TOOL [JSON-ARGUMENTS]    Call a tool and print what it returns\n"
  "  request METHOD [JSON-PARAMS]  Send a JSON-RPC request and print its result\n"
  "  listen                        Print every message from the server, one JSON\n"
  "                                line each, until the stream ends\n"
  "\n"
  "Examples:\n"
  "  mcp-sse --demo\n"
  "  mcp-sse http://127.0.0.1:3001/sse call echo '{\"message\": \"hi\"}'\n"
  "  mcp-sse --demo call add '{\"a\": 2, \"b\": 40}'\n"
  "  mcp-sse call add '{\"a\": 2, \"b\": 40}' -- mcp-sse --demo-server --stdio\n"
  "\n"
  "Exit status: 0 success, 1 the tool or the server reported an error,\n"
  "2 usage error, 3 connection, transport or timeout failure.";

/* The state of one run */

typedef struct
{
  GMainLoop *loop;
  int status;

  Command command;
  char *url;
  const char *peer;          /* the URL or the server's program, for messages */
  const char *target;        /* the tool or method */
  JsonNode *params;          /* the tool's arguments or the request's params */

  McpSseDemoServer *demo_server;
  McpSseTransport *transport;
  McpSseClient *client;
  GCancellable *cancellable;  /* the demo server's stdio session */

  /* With -- PROGRAM: the server's command line and its process, from its
   * start to its exit. */
  char **server_argv;        /* borrowed */
  GSubprocess *server;
  gboolean server_exited;
  gboolean stopping;          /* waiting for the server to exit */
  char *failure;              /* the error to print once it has exited */
  GError *closed_error;       /* why listen ended, the server's doing */

  gboolean progress_shown;
} Tool;

static void G_GNUC_PRINTF (1, 2)
print_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* One line per failure, whatever the server put in its messages. */
  g_strdelimit (message, "\r\n", ' ');
  fprintf (stderr, "mcp-sse: %s\n", message);
}

static void
clear_progress (Tool *tool)
{
  if (tool->progress_shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
      tool->progress_shown = FALSE;
    }
}

static void
finish (Tool *tool,
        int   status)
{
  clear_progress (tool);
  tool->status = status;
  g_main_loop_quit (tool->loop);
}

/* Ends the run after @error, saying what @what_format failed. */
static void G_GNUC_PRINTF (3, 4)
fail (Tool         *tool,
      const GError *error,
      const char   *what_format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, what_format);
  what = g_strdup_vprintf (what_format, args);
  va_end (args);

  clear_progress (tool);
  if (error->domain == MCP_SSE_JSONRPC_ERROR)
    {
      print_error ("%s: %s (JSON-RPC error %d)", what, error->message, error->code);
      finish (tool, EXIT_FAILED);
    }
  else if (tool->server_argv != NULL)
    {
      /* Said once the server has exited, with its exit status. */
      g_free (tool->failure);
      tool->failure = g_strdup_printf ("%s: %s", what, error->message);
      finish (tool, EXIT_CONNECTION);
    }
  else
    {
      print_error ("%s: %s", what, error->message);
      finish (tool, EXIT_CONNECTION);
    }
}

static void
print_json (JsonNode *node,
            gboolean  pretty)
{
  g_autofree char *json = json_to_string (node, pretty);

  fputs (json, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonObject *
get_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A node holding @object, which it takes. */
static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* The decoded size of base64 @data, without decoding it. */
static gsize
base64_decoded_size (const char *data)
{
  gsize symbols = 0;

  for (const char *p = data; *p != '\0'; p++)
    if (*p != '=' && !g_ascii_isspace (*p))
      symbols++;

  return symbols * 3 / 4;
}

static void
print_content_item (JsonObject *item)
{
  const char *type = get_string_member (item, "type");

  if (g_strcmp0 (type, "text") == 0)
    {
      const char *text = get_string_member (item, "text");

      if (text == NULL)
        text = "";
      fputs (text, stdout);
      if (!g_str_has_suffix (text, "\n"))
        fputc ('\n', stdout);
    }
  else if (g_strcmp0 (type, "image") == 0 || g_strcmp0 (type, "audio") == 0)
    {
      const char *mime_type = get_string_member (item, "mimeType");
      const char *data = get_string_member (item, "data");

      printf ("[%s %s, %" G_GSIZE_FORMAT " bytes]\n", type,
              mime_type != NULL ? mime_type : "?",
              data != NULL ? base64_decoded_size (data) : 0);
    }
  else if (g_strcmp0 (type, "resource") == 0)
    {
      JsonObject *resource = get_object (json_object_get_member (item, "resource"));
      const char *uri = get_string_member (resource, "uri");
      const char *mime_type = get_string_member (resource, "mimeType");

      printf ("[resource %s%s%s]\n", uri != NULL ? uri : "?",
              mime_type != NULL ? ", " : "", mime_type != NULL ? mime_type : "");
    }
  else if (g_strcmp0 (type, "resource_link") == 0)
    {
      const char *uri = get_string_member (item, "uri");

      printf ("[resource link %s]\n", uri != NULL ? uri : "?");
    }
  else
    printf ("[%s]\n", type != NULL ? type : "unknown content");
}

static gboolean
result_is_error (JsonNode *result)
{
  JsonObject *object = get_object (result);
  JsonNode *is_error = object != NULL ? json_object_get_member (object, "isError") : NULL;

  return is_error != NULL && JSON_NODE_HOLDS_VALUE (is_error) &&
         json_node_get_value_type (is_error) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (is_error);
}

/* Prints a CallToolResult readably; returns FALSE for `isError: true`,
 * whose text goes to stderr instead. */
static gboolean
print_tool_result (Tool     *tool,
                   JsonNode *result)
{
  JsonObject *object = get_object (result);
  JsonNode *content = object != NULL ? json_object_get_member (object, "content") : NULL;
  JsonArray *items = content != NULL && JSON_NODE_HOLDS_ARRAY (content) ? json_node_get_array (content) : NULL;
  guint n_items = items != NULL ? json_array_get_length (items) : 0;

  if (result_is_error (result))
    {
      g_autoptr(GString) message = g_string_new (NULL);

      for (guint i = 0; i < n_items; i++)
        {
          const char *text = get_string_member (json_array_get_object_element (items, i), "text");

          if (text != NULL)
            g_string_append_printf (message, "%s%s", message->len > 0 ? " " : "", text);
        }
      print_error ("tool %s at %s failed: %s", tool->target, tool->peer,
                   message->len > 0 ? message->str : "no reason given");
      return FALSE;
    }

  for (guint i = 0; i < n_items; i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (item))
        print_content_item (json_node_get_object (item));
    }

  if (n_items == 0 && object != NULL && json_object_has_member (object, "structuredContent"))
    print_json (json_object_get_member (object, "structuredContent"), TRUE);

  fflush (stdout);
  return TRUE;
}

/* The first non-blank line of @text, with "…" when more follows. */
static char *
first_line (const char *text)
{
  const char *start = text, *end;

  while (*start == '\n' || *start == '\r' || g_ascii_isspace (*start))
    start++;
  end = start + strcspn (start, "\r\n");

  return g_strdup_printf ("%.*s%s", (int) (end - start), start,
                          end[strspn (end, " \t\r\n")] != '\0' ? " …" : "");
}

static void
print_server_info (Tool *tool)
{
  JsonObject *info = get_object (mcp_sse_client_get_server_info (tool->client));
  const char *name = get_string_member (info, "name");
  const char *version = get_string_member (info, "version");
  const char *instructions = mcp_sse_client_get_instructions (tool->client);

  printf ("Server:       %s %s\n", name != NULL ? name : "(unnamed)", version != NULL ? version : "");
  printf ("Protocol:     %s\n", mcp_sse_client_get_protocol_version (tool->client));
  if (instructions != NULL && *instructions != '\0')
    {
      g_autofree char *summary = first_line (instructions);

      printf ("Instructions: %s\n", summary);
    }
}

static void
print_tools (JsonNode *result)
{
  JsonObject *object = get_object (result);
  JsonNode *tools_node = object != NULL ? json_object_get_member (object, "tools") : NULL;
  JsonArray *tools = tools_node != NULL && JSON_NODE_HOLDS_ARRAY (tools_node) ? json_node_get_array (tools_node) : NULL;
  guint n_tools = tools != NULL ? json_array_get_length (tools) : 0;
  int width = 0;

  for (guint i = 0; i < n_tools; i++)
    {
      const char *name = get_string_member (get_object (json_array_get_element (tools, i)), "name");

      width = MAX (width, name != NULL ? (int) g_utf8_strlen (name, -1) : 0);
    }

  printf ("Tools (%u):\n", n_tools);
  for (guint i = 0; i < n_tools; i++)
    {
      JsonObject *item = get_object (json_array_get_element (tools, i));
      const char *name = get_string_member (item, "name");
      const char *description_text = get_string_member (item, "description");
      g_autofree char *summary = first_line (description_text != NULL ? description_text : "");

      if (name == NULL)
        name = "?";
      printf ("  %s%*s  %s\n", name, width - (int) g_utf8_strlen (name, -1), "", summary);
    }
  fflush (stdout);
}

/* A tools/list result merged with the session's facts, for --json. */
static JsonNode *
info_as_json (Tool     *tool,
              JsonNode *tools_result)
{
  JsonObject *object = json_object_new ();
  JsonObject *tools_object = get_object (tools_result);
  JsonNode *capabilities = mcp_sse_client_get_server_capabilities (tool->client);
  JsonNode *server_info = mcp_sse_client_get_server_info (tool->client);
  const char *instructions = mcp_sse_client_get_instructions (tool->client);

  json_object_set_string_member (object, "protocolVersion",
                                 mcp_sse_client_get_protocol_version (tool->client));
  if (server_info != NULL)
    json_object_set_member (object, "serverInfo", json_node_copy (server_info));
  if (capabilities != NULL)
    json_object_set_member (object, "capabilities", json_node_copy (capabilities));
  if (instructions != NULL)
    json_object_set_string_member (object, "instructions", instructions);
  if (tools_object != NULL && json_object_has_member (tools_object, "tools"))
    json_object_set_member (object, "tools", json_object_dup_member (tools_object, "tools"));

  return object_node (object);
}

/* Steps */

static void
on_tool_called (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Tool *tool = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) call_result = NULL;

  call_result = mcp_sse_client_call_tool_finish (MCP_SSE_CLIENT (source), result, &error);
  clear_progress (tool);
  if (call_result == NULL)
    {
      fail (tool, error, "calling tool %s at %s failed", tool->target, tool->peer);
      return;
    }

  if (opt_json)
    {
      print_json (call_result, TRUE);
      finish (tool, result_is_error (call_result) ? EXIT_FAILED : EXIT_OK);
      return;
    }

  finish (tool, print_tool_result (tool, call_result) ? EXIT_OK : EXIT_FAILED);
}

static void
call_tool (Tool *tool)
{
  if (tool->command == COMMAND_DEMO)
    {
      g_autofree char *arguments = json_to_string (tool->params, FALSE);

      printf ("Calling %s %s\n", tool->target, arguments);
      fflush (stdout);
    }

  mcp_sse_client_call_tool_async (tool->client, tool->target, tool->params, NULL,
                                  on_tool_called, tool);
}

/* Prints what the server said about itself and, unless it offers none
 * (@tools NULL), its tools. */
static void
show_info (Tool     *tool,
           JsonNode *tools)
{
  if (opt_json && tool->command == COMMAND_INFO)
    {
      g_autoptr(JsonNode) info = info_as_json (tool, tools);

      print_json (info, TRUE);
      finish (tool, EXIT_OK);
      return;
    }

  print_server_info (tool);
  if (tools != NULL)
    print_tools (tools);
  else
    printf ("Tools:        none offered\n");
  fflush (stdout);

  if (tool->command == COMMAND_DEMO)
    call_tool (tool);
  else
    finish (tool, EXIT_OK);
}

static void
on_tools_listed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Tool *tool = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tools = NULL;

  tools = mcp_sse_client_list_tools_finish (MCP_SSE_CLIENT (source), result, &error);
  if (tools == NULL)
    {
      fail (tool, error, "cannot list the tools of %s", tool->peer);
      return;
    }

  show_info (tool, tools);
}

static gboolean
server_offers_tools (Tool *tool)
{
  JsonObject *capabilities = get_object (mcp_sse_client_get_server_capabilities (tool->client));

  return capabilities != NULL && json_object_has_member (capabilities, "tools");
}

static void
on_request_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Tool *tool = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) request_result = NULL;

  request_result = mcp_sse_client_request_finish (MCP_SSE_CLIENT (source), result, &error);
  clear_progress (tool);
  if (request_result == NULL)
    {
      fail (tool, error, "request %s to %s failed", tool->target, tool->peer);
      return;
    }

  print_json (request_result, TRUE);
  finish (tool, EXIT_OK);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Tool *tool = user_data;
  g_autoptr(GError) error = NULL;

  if (!mcp_sse_client_connect_finish (MCP_SSE_CLIENT (source), result, &error))
    {
      fail (tool, error, "cannot connect to %s", tool->peer);
      return;
    }

  switch (tool->command)
    {
    case COMMAND_INFO:
    case COMMAND_DEMO:
      if (server_offers_tools (tool))
        mcp_sse_client_list_tools_async (tool->client, NULL, on_tools_listed, tool);
      else
        show_info (tool, NULL);
      break;

    case COMMAND_CALL:
      call_tool (tool);
      break;

    case COMMAND_REQUEST:
      mcp_sse_client_request_async (tool->client, tool->target, tool->params, NULL,
                                    on_request_done, tool);
      break;

    case COMMAND_LISTEN:
      /* Messages are printed from ::message until the stream ends. */
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
on_message (McpSseTransport *transport,
            JsonNode        *message,
            Tool            *tool)
{
  print_json (message, FALSE);
}

static void
on_closed (McpSseTransport *transport,
           const GError    *error,
           Tool            *tool)
{
  if (tool->command != COMMAND_LISTEN)
    return;

  /* A stdio server ends the stream by exiting: that is a success only if
   * it exits with status 0, which is known once it has been reaped. */
  if (tool->server_argv != NULL && error != NULL &&
      g_error_matches (error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED))
    {
      g_clear_error (&tool->closed_error);
      tool->closed_error = g_error_copy (error);
      finish (tool, EXIT_OK);
    }
  else if (error == NULL || g_error_matches (error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED))
    finish (tool, EXIT_OK);
  else
    fail (tool, error, "the stream of %s failed", tool->peer);
}

static void
on_server_exited (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Tool *tool = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  tool->server_exited = TRUE;
  if (tool->stopping)
    g_main_loop_quit (tool->loop);
}

/* Keeps the server's process from its start, to see it reaped. */
static void
on_stdio_state_changed (McpSseStdioTransport *transport,
                        GParamSpec           *pspec,
                        Tool                 *tool)
{
  GSubprocess *process;

  if (tool->server != NULL ||
      mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (transport)) != MCP_SSE_CONNECTION_STATE_CONNECTED)
    return;

  process = mcp_sse_stdio_transport_get_subprocess (transport);
  if (process == NULL)
    return;

  tool->server = g_object_ref (process);
  g_subprocess_wait_async (tool->server, NULL, on_server_exited, tool);
}

static void
on_stderr_line (McpSseStdioTransport *transport,
                const char           *line,
                Tool                 *tool)
{
  g_autofree char *shown = g_strdup (line);

  clear_progress (tool);
  /* Nothing the server writes may move the cursor of the terminal. */
  for (char *p = shown; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\t')
      *p = ' ';
  fprintf (stderr, "server: %s\n", shown);
  fflush (stderr);
}

static void
on_progress (McpSseClient *client,
             JsonNode     *token,
             double        progress,
             double        total,
             const char   *message,
             Tool         *tool)
{
  g_autoptr(GString) line = g_string_new ("\r");

  if (total > 0)
    {
      int filled = CLAMP ((int) (progress / total * PROGRESS_BAR_WIDTH), 0, PROGRESS_BAR_WIDTH);

      g_string_append_c (line, '[');
      for (int i = 0; i < PROGRESS_BAR_WIDTH; i++)
        g_string_append_c (line, i < filled ? '=' : ' ');
      g_string_append_printf (line, "] %g/%g", progress, total);
    }
  else
    g_string_append_printf (line, "%g", progress);

  if (message != NULL && *message != '\0')
    {
      g_autofree char *shown = g_utf8_make_valid (message, -1);

      g_strdelimit (shown, "\r\n\t\033", ' ');
      g_string_append_c (line, ' ');
      if (g_utf8_strlen (shown, -1) > 50)
        {
          g_string_append_len (line, shown, g_utf8_offset_to_pointer (shown, 49) - shown);
          g_string_append (line, "…");
        }
      else
        g_string_append (line, shown);
    }

  g_string_append (line, "\033[K");
  fputs (line->str, stderr);
  fflush (stderr);
  tool->progress_shown = TRUE;
}

static gboolean
on_interrupt (gpointer user_data)
{
  Tool *tool = user_data;

  /* Interrupted again while the server shuts down: it is killed. */
  if (tool->stopping)
    {
      if (tool->server != NULL && !tool->server_exited)
        g_subprocess_force_exit (tool->server);
      return G_SOURCE_CONTINUE;
    }

  /* The stdio session ends with the line it is writing. */
  if (tool->cancellable != NULL)
    {
      g_cancellable_cancel (tool->cancellable);
      return G_SOURCE_CONTINUE;
    }

  /* Ending a listen is what Ctrl-C is for. */
  finish (tool, tool->command == COMMAND_LISTEN ? EXIT_OK : EXIT_INTERRUPTED);
  return G_SOURCE_CONTINUE;
}

/* Setup */

static int G_GNUC_PRINTF (1, 2)
usage_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "mcp-sse: %s (see mcp-sse --help)\n", message);
  return EXIT_USAGE;
}

static gboolean
is_token_char (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Splits "Name: value" into its trimmed parts. */
static gboolean
parse_header (const char  *header,
              char       **name,
              char       **value)
{
  const char *colon = strchr (header, ':');

  if (colon == NULL || colon == header || strpbrk (header, "\r\n") != NULL)
    return FALSE;

  for (const char *p = header; p < colon; p++)
    if (!is_token_char (*p))
      return FALSE;

  *name = g_strndup (header, colon - header);
  *value = g_strstrip (g_strdup (colon + 1));
  return TRUE;
}

static gboolean
parse_seconds (const char *text,
               double     *seconds)
{
  char *end = NULL;

  if (text == NULL)
    return TRUE;

  *seconds = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && *seconds >= 0 && *seconds < 1e9;
}

/* Parses the JSON command-line argument @text; @what names it in errors. */
static int
parse_json_argument (const char  *text,
                     const char  *what,
                     gboolean     allow_array,
                     JsonNode   **node)
{
  g_autoptr(GError) error = NULL;

  *node = json_from_string (text, &error);
  if (*node == NULL)
    return usage_error ("%s are not valid JSON: %s", what,
                        error != NULL ? error->message : "empty text");

  if (!JSON_NODE_HOLDS_OBJECT (*node) && !(allow_array && JSON_NODE_HOLDS_ARRAY (*node)))
    return usage_error ("%s must be a JSON object", what);

  return EXIT_OK;
}

/* Reads the command from the arguments left after the options. */
static int
parse_command (Tool  *tool,
               char **args)
{
  guint n_args = args != NULL ? g_strv_length (args) : 0;
  const char *command;

  if (tool->server_argv != NULL)
    tool->peer = tool->server_argv[0];
  else if (!opt_demo)
    {
      if (n_args == 0)
        return usage_error ("no URL given");
      tool->url = g_strdup (args[0]);
      tool->peer = tool->url;
      args++;
      n_args--;
    }

  if (n_args == 0)
    {
      tool->command = opt_demo ? COMMAND_DEMO : COMMAND_INFO;
      if (opt_demo)
        {
          tool->target = "echo";
          tool->params = json_from_string ("{\"message\": \"" DEMO_MESSAGE "\"}", NULL);
        }
      return EXIT_OK;
    }

  command = args[0];
  if (g_str_equal (command, "call") || g_str_equal (command, "request"))
    {
      gboolean is_call = g_str_equal (command, "call");

      if (n_args < 2)
        return usage_error ("%s needs a %s name", command, is_call ? "tool" : "method");
      if (n_args > 3)
        return usage_error ("too many arguments after %s %s", command, args[1]);

      tool->command = is_call ? COMMAND_CALL : COMMAND_REQUEST;
      tool->target = args[1];
      if (n_args == 3)
        return parse_json_argument (args[2], is_call ? "the tool's arguments" : "the request's params",
                                    !is_call, &tool->params);
      if (is_call)
        tool->params = object_node (json_object_new ());
      return EXIT_OK;
    }

  if (g_str_equal (command, "listen"))
    {
      if (n_args > 1)
        return usage_error ("listen takes no arguments");
      tool->command = COMMAND_LISTEN;
      return EXIT_OK;
    }

  return usage_error ("unknown command “%s”", command);
}

static int
create_http_transport (Tool   *tool,
                       double  timeout)
{
  g_autoptr(McpSseConnectionManager) manager = NULL;
  double sse_read_timeout = MCP_SSE_CONNECTION_MANAGER_DEFAULT_SSE_READ_TIMEOUT;

  if (!parse_seconds (opt_sse_read_timeout, &sse_read_timeout))
    return usage_error ("--sse-read-timeout takes a number of seconds, not “%s”", opt_sse_read_timeout);
  if (opt_bearer != NULL && (*opt_bearer == '\0' || strpbrk (opt_bearer, "\r\n") != NULL))
    return usage_error ("--bearer needs a token on one line");

  /* The manager reads it when it is created. */
  if (opt_verbose)
    g_setenv ("MCP_SSE_DEBUG", "1", TRUE);

  manager = mcp_sse_connection_manager_new_full (tool->url, NULL, timeout, sse_read_timeout, NULL);
  for (guint i = 0; opt_headers != NULL && opt_headers[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (!parse_header (opt_headers[i], &name, &value))
        return usage_error ("-H takes “Name: value”, not “%s”", opt_headers[i]);
      mcp_sse_connection_manager_set_header (manager, name, value);
    }

  if (opt_bearer != NULL)
    {
      g_autoptr(McpSseBearerAuthorizer) authorizer = mcp_sse_bearer_authorizer_new (opt_bearer);

      mcp_sse_connection_manager_set_authorizer (manager, MCP_SSE_AUTHORIZER (authorizer));
    }

  tool->transport = MCP_SSE_TRANSPORT (g_steal_pointer (&manager));
  return EXIT_OK;
}

static int
create_stdio_transport (Tool   *tool,
                        double  timeout)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  McpSseStdioTransport *transport;

  /* The launcher took its copy of the environment: what -v sets below is
   * for this process alone. */
  for (guint i = 0; opt_env != NULL && opt_env[i] != NULL; i++)
    {
      const char *equals = strchr (opt_env[i], '=');
      g_autofree char *name = NULL;

      if (equals == NULL || equals == opt_env[i])
        return usage_error ("--env takes NAME=VALUE, not “%s”", opt_env[i]);
      name = g_strndup (opt_env[i], equals - opt_env[i]);
      g_subprocess_launcher_setenv (launcher, name, equals + 1, TRUE);
    }
  if (opt_cwd != NULL)
    g_subprocess_launcher_set_cwd (launcher, opt_cwd);

  /* The messages; the server's log comes from ::stderr-line instead of
   * the library's stdio category, so that it is shown once. */
  if (opt_verbose)
    g_setenv ("MCP_SSE_DEBUG", "transport,jsonrpc", TRUE);

  transport = mcp_sse_stdio_transport_new_with_launcher (launcher,
                                                         (const char * const *) tool->server_argv);
  if (opt_timeout != NULL)
    mcp_sse_stdio_transport_set_timeout (transport, timeout);

  g_signal_connect (transport, "notify::state", G_CALLBACK (on_stdio_state_changed), tool);
  if (opt_verbose)
    g_signal_connect (transport, "stderr-line", G_CALLBACK (on_stderr_line), tool);

  tool->transport = MCP_SSE_TRANSPORT (transport);
  return EXIT_OK;
}

static int
create_client (Tool *tool)
{
  double timeout = MCP_SSE_CONNECTION_MANAGER_DEFAULT_TIMEOUT;
  int status;

  if (!parse_seconds (opt_timeout, &timeout))
    return usage_error ("--timeout takes a number of seconds, not “%s”", opt_timeout);

  if (tool->server_argv != NULL)
    status = create_stdio_transport (tool, timeout);
  else
    status = create_http_transport (tool, timeout);
  if (status != EXIT_OK)
    return status;

  tool->client = mcp_sse_client_new (tool->transport);
  if (opt_timeout != NULL)
    mcp_sse_client_set_request_timeout (tool->client, timeout);

  g_signal_connect (tool->transport, "closed", G_CALLBACK (on_closed), tool);
  if (tool->command == COMMAND_LISTEN)
    g_signal_connect (tool->transport, "message", G_CALLBACK (on_message), tool);

  /* Asking for progress only makes sense where it can be shown. */
  if ((tool->command == COMMAND_CALL || tool->command == COMMAND_REQUEST) && isatty (STDERR_FILENO))
    g_signal_connect (tool->client, "progress", G_CALLBACK (on_progress), tool);

  return EXIT_OK;
}

static int
start_demo_server (Tool *tool)
{
  g_autoptr(GError) error = NULL;

  tool->demo_server = mcp_sse_demo_server_new ();
  mcp_sse_demo_server_set_keep_alive (tool->demo_server, TRUE);
  if (!mcp_sse_demo_server_listen (tool->demo_server, "127.0.0.1", opt_port, &error))
    {
      print_error ("cannot start the demo server on 127.0.0.1 port %d: %s", opt_port, error->message);
      return EXIT_CONNECTION;
    }

  return EXIT_OK;
}

static int
run_demo_server (Tool *tool)
{
  g_autofree char *url = NULL;
  int status = start_demo_server (tool);

  if (status != EXIT_OK)
    return status;

  url = mcp_sse_demo_server_dup_url (tool->demo_server);
  printf ("%s\n", url);
  fflush (stdout);

  g_unix_signal_add (SIGINT, on_interrupt, tool);
  g_unix_signal_add (SIGTERM, on_interrupt, tool);
  tool->command = COMMAND_LISTEN; /* so that a signal ends it with success */
  g_main_loop_run (tool->loop);

  return tool->status;
}

static void
on_stdio_served (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Tool *tool = user_data;
  g_autoptr(GError) error = NULL;

  if (mcp_sse_demo_server_serve_stdio_finish (MCP_SSE_DEMO_SERVER (source), result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    finish (tool, EXIT_OK);
  else
    {
      print_error ("the demo server's stdio session failed: %s", error->message);
      finish (tool, EXIT_CONNECTION);
    }
}

/* Makes @fd non-blocking when it is a pipe or a socket, so that a large
 * write waits in the main loop, reading on, instead of blocking the
 * process while its peer may be blocked writing to it. Returns the flags
 * to restore, or -1 when nothing changed. A terminal or a file is left as
 * it is: its description may be shared with the shell. */
static int
make_non_blocking (int fd)
{
  struct stat st;
  int flags;

  if (fstat (fd, &st) != 0 || !(S_ISFIFO (st.st_mode) || S_ISSOCK (st.st_mode)))
    return -1;

  flags = fcntl (fd, F_GETFL);
  if (flags < 0 || (flags & O_NONBLOCK) != 0 || fcntl (fd, F_SETFL, flags | O_NONBLOCK) != 0)
    return -1;

  return flags;
}

static void
restore_flags (int fd,
               int flags)
{
  if (flags >= 0)
    fcntl (fd, F_SETFL, flags);
}

/* Standard output carries the protocol and nothing else. */
static int
run_demo_server_stdio (Tool *tool)
{
  g_autoptr(GInputStream) input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr(GOutputStream) output = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  int stdin_flags = make_non_blocking (STDIN_FILENO);
  int stdout_flags = make_non_blocking (STDOUT_FILENO);

  /* GLib logs debug and info messages to stdout unless told otherwise. */
  g_log_writer_default_set_use_stderr (TRUE);
  /* A reader that goes away is a write error, not a signal. */
  signal (SIGPIPE, SIG_IGN);

  tool->demo_server = mcp_sse_demo_server_new ();
  tool->cancellable = g_cancellable_new ();
  g_unix_signal_add (SIGINT, on_interrupt, tool);
  g_unix_signal_add (SIGTERM, on_interrupt, tool);
  mcp_sse_demo_server_serve_stdio_async (tool->demo_server, input, output, tool->cancellable,
                                         on_stdio_served, tool);
  g_main_loop_run (tool->loop);

  restore_flags (STDIN_FILENO, stdin_flags);
  restore_flags (STDOUT_FILENO, stdout_flags);

  return tool->status;
}

static gboolean
on_server_exit_overdue (gpointer user_data)
{
  Tool *tool = user_data;

  g_subprocess_force_exit (tool->server);
  g_main_loop_quit (tool->loop);
  return G_SOURCE_REMOVE;
}

/* Ends the session and, for a stdio server, waits until its process has
 * exited and been reaped: the library shuts it down in the background,
 * and no process may be left behind when the tool exits. */
static void
stop_client (Tool *tool)
{
  guint overdue;

  if (tool->client == NULL)
    return;

  g_signal_handlers_disconnect_by_data (tool->transport, tool);
  g_signal_handlers_disconnect_by_data (tool->client, tool);
  mcp_sse_client_stop (tool->client);

  if (tool->server == NULL || tool->server_exited)
    return;

  tool->stopping = TRUE;
  overdue = g_timeout_add_seconds (SERVER_EXIT_WAIT_SECONDS, on_server_exit_overdue, tool);
  g_main_loop_run (tool->loop);
  if (tool->server_exited)
    g_source_remove (overdue);
}

/* @message, with the server's exit status when it tells something new. */
static char *
with_exit_status (Tool       *tool,
                  const char *message)
{
  int status;

  if (tool->server == NULL || !tool->server_exited || !g_subprocess_get_if_exited (tool->server))
    return g_strdup (message);

  status = g_subprocess_get_exit_status (tool->server);
  if (status == 0 || strstr (message, "exited with status") != NULL)
    return g_strdup (message);

  return g_strdup_printf ("%s (the server exited with status %d)", message, status);
}

/* Says what went wrong with a stdio server, now that it has exited. */
static void
report_server_end (Tool *tool)
{
  if (tool->failure != NULL)
    {
      g_autofree char *message = with_exit_status (tool, tool->failure);

      print_error ("%s", message);
    }
  else if (tool->closed_error != NULL &&
           !(tool->server_exited && g_subprocess_get_if_exited (tool->server) &&
             g_subprocess_get_exit_status (tool->server) == 0))
    {
      g_autofree char *message = with_exit_status (tool, tool->closed_error->message);

      print_error ("the stream of %s ended: %s", tool->peer, message);
      tool->status = EXIT_CONNECTION;
    }
}

static int
run_client (Tool *tool)
{
  int status;

  if (opt_demo)
    {
      status = start_demo_server (tool);
      if (status != EXIT_OK)
        return status;
      tool->url = mcp_sse_demo_server_dup_url (tool->demo_server);
      tool->peer = tool->url;
      if (tool->command == COMMAND_DEMO)
        {
          printf ("Demo server: %s\n", tool->url);
          fflush (stdout);
        }
    }

  status = create_client (tool);
  if (status != EXIT_OK)
    return status;

  g_unix_signal_add (SIGINT, on_interrupt, tool);
  g_unix_signal_add (SIGTERM, on_interrupt, tool);
  mcp_sse_client_connect_async (tool->client, NULL, on_connected, tool);
  g_main_loop_run (tool->loop);

  stop_client (tool);
  if (tool->server_argv != NULL)
    report_server_end (tool);
  if (tool->status == EXIT_INTERRUPTED)
    print_error ("interrupted");

  return tool->status;
}

static void
tool_clear (Tool *tool)
{
  if (tool->transport != NULL)
    g_signal_handlers_disconnect_by_data (tool->transport, tool);
  if (tool->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (tool->client, tool);
      mcp_sse_client_stop (tool->client);
    }
  g_clear_object (&tool->client);
  g_clear_object (&tool->transport);
  g_clear_object (&tool->server);
  g_clear_object (&tool->demo_server);
  g_clear_pointer (&tool->failure, g_free);
  g_clear_error (&tool->closed_error);
  g_clear_object (&tool->cancellable);
  g_clear_pointer (&tool->params, json_node_unref);
  g_clear_pointer (&tool->loop, g_main_loop_unref);
  g_free (tool->url);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) server_argv = NULL;
  Tool tool = { 0 };
  int status;

  setlocale (LC_ALL, "");

  /* What follows the first -- is the server's command line: none of it is
   * an option of ours, and GOption would not say where -- was. */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--"))
      {
        server_argv = g_strdupv (argv + i + 1);
        tool.server_argv = server_argv;
        argv[i] = NULL;
        argc = i;
        break;
      }

  context = g_option_context_new ("URL [COMMAND [ARGUMENTS]]");
  g_option_context_set_summary (context, help_summary);
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, option_entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error ("%s", error->message);

  if (opt_version)
    {
      printf ("mcp-sse %s\n", MCP_SSE_VERSION_S);
      return EXIT_OK;
    }

  if (opt_demo && opt_demo_server)
    return usage_error ("--demo and --demo-server exclude each other");
  if (opt_port != 0 && !opt_demo && !opt_demo_server)
    return usage_error ("--port is for --demo and --demo-server");
  if (opt_stdio && !opt_demo_server)
    return usage_error ("--stdio is for --demo-server");
  if (opt_stdio && opt_port != 0)
    return usage_error ("--port and --stdio exclude each other");
  if (opt_port < 0 || opt_port > G_MAXUINT16)
    return usage_error ("--port takes a port number from 0 to 65535");
  if (tool.server_argv != NULL)
    {
      if (tool.server_argv[0] == NULL || *tool.server_argv[0] == '\0')
        return usage_error ("no program to run after --");
      if (opt_demo || opt_demo_server)
        return usage_error ("--demo and --demo-server run no program after --");
      if (opt_headers != NULL || opt_bearer != NULL || opt_sse_read_timeout != NULL)
        return usage_error ("-H, --bearer and --sse-read-timeout are for URLs, not -- PROGRAM");
    }
  else if (opt_env != NULL || opt_cwd != NULL)
    return usage_error ("--env and --cwd are for -- PROGRAM");

  tool.loop = g_main_loop_new (NULL, FALSE);

  if (opt_demo_server)
    {
      if (opt_arguments != NULL && opt_arguments[0] != NULL)
        status = usage_error ("--demo-server takes no arguments");
      else if (opt_stdio)
        status = run_demo_server_stdio (&tool);
      else
        status = run_demo_server (&tool);
    }
  else
    {
      status = parse_command (&tool, opt_arguments);
      if (status == EXIT_OK)
        status = run_client (&tool);
    }

  tool_clear (&tool);
  return status;
}
