/* test-debug.c: debug categories (MCP_SSE_DEBUG) and the redaction helper
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-demo-server.h"
#include "mcp-sse-redact-private.h"
#include "mcp-sse-test-server.h"

/* Secrets the exchange carries; none may reach the log. */
#define URL_PASSWORD "pw-secret-7"
#define API_KEY "key-secret-3"
#define BEARER "bearer-secret-5"
#define SESSION_ID "sess-secret-9"
#define CUSTOM_TOKEN "custom-secret-4"
/* "user:pw-secret-7" in Base64, as Basic credentials carry it */
#define URL_PASSWORD_BASE64 "dXNlcjpwdy1zZWNyZXQtNw=="

static void
test_redact_header_line (void)
{
  static const struct {
    const char *line;
    const char *shown;
  } cases[] = {
    { "Authorization: Bearer abc", "Authorization: [masked]" },
    { "authorization: Basic dXNlcjpwdw==", "authorization: [masked]" },
    { "Proxy-Authorization: Basic x", "Proxy-Authorization: [masked]" },
    { "Cookie: a=b", "Cookie: [masked]" },
    { "Set-Cookie: a=b; Path=/", "Set-Cookie: [masked]" },
    { "Mcp-Session-Id: 1868a90c", "Mcp-Session-Id: [masked]" },
    { "X-API-Key: k", "X-API-Key: [masked]" },
    { "WWW-Authenticate: Bearer resource_metadata=\"https://a/b\"",
      "WWW-Authenticate: Bearer resource_metadata=\"https://a/b\"" },
    { "Content-Type: text/event-stream", "Content-Type: text/event-stream" },
    { "POST /message?sessionId=abc HTTP/1.1", "POST /message?sessionId=[masked] HTTP/1.1" },
    { "GET /m?a=1&session_id=x&b=2 HTTP/1.1", "GET /m?a=1&session_id=[masked]&b=2 HTTP/1.1" },
    { "GET /m?mysessionId=x HTTP/1.1", "GET /m?mysessionId=x HTTP/1.1" },
    { "HTTP/1.1 200 OK", "HTTP/1.1 200 OK" },
    { "", "" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = mcp_sse_redact_header_line (cases[i].line);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

static void
test_redact_url (void)
{
  static const struct {
    const char *url;
    const char *shown;
  } cases[] = {
    { "http://127.0.0.1:3001/sse", "http://127.0.0.1:3001/sse" },
    { "http://user:pw@host/sse", "http://user@host/sse" },
    { "http://host/messages/?sessionId=a1b2", "http://host/messages/?sessionId=[masked]" },
    { "https://host/m?x=1&sessionId=a1b2#frag", "https://host/m?x=1&sessionId=[masked]#frag" },
    { "http://user:pw@host:bad/sse?sessionId=z", "http://[masked]@host:bad/sse?sessionId=[masked]" },
    { "not a url", "not a url" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = mcp_sse_redact_url (cases[i].url);

      g_assert_cmpstr (shown, ==, cases[i].shown);
    }
}

/* The child: one HTTP+SSE exchange full of secrets, with debug output on
 * whatever MCP_SSE_DEBUG the parent set. */

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (mcp_sse_connection_manager_start_finish (MCP_SSE_CONNECTION_MANAGER (source),
                                                          result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (mcp_sse_connection_manager_send_finish (MCP_SSE_CONNECTION_MANAGER (source),
                                                         result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
run_exchange (void)
{
  g_autoptr(TestServer) server = test_server_new (TEST_SERVER_DEFAULT);
  g_autoptr(McpSseConnectionManager) manager = NULL;
  g_autoptr(JsonNode) message = json_from_string ("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}", NULL);
  g_autofree char *url = NULL;
  gboolean started = FALSE, sent = FALSE;

  test_server_add_sse (server, "/sse", NULL,
                       "event: endpoint\ndata: /message?sessionId=" SESSION_ID "\n\n");
  test_server_add_response (server, "/message", 202, NULL, NULL, "Set-Cookie", "c=" SESSION_ID);
  url = g_strdup_printf ("http://user:" URL_PASSWORD "@%s:%u/sse",
                         test_server_get_host (server), test_server_get_port (server));

  manager = mcp_sse_connection_manager_new (url);
  mcp_sse_connection_manager_set_header (manager, "X-Api-Key", API_KEY);
  mcp_sse_connection_manager_set_header (manager, "Authorization", "Bearer " BEARER);
  mcp_sse_connection_manager_set_secret_header (manager, "X-Custom-Token", CUSTOM_TOKEN);
  mcp_sse_connection_manager_start_async (manager, NULL, on_started, &started);
  TEST_WAIT_UNTIL (started);
  mcp_sse_connection_manager_send_async (manager, message, NULL, on_sent, &sent);
  TEST_WAIT_UNTIL (sent);
  mcp_sse_connection_manager_stop (manager);
}

static void
on_client_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (mcp_sse_client_connect_finish (MCP_SSE_CLIENT (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

/* The child: an MCP handshake with the demo server. */
static void
test_debug_client_exchange (void)
{
  g_autoptr(McpSseDemoServer) server = NULL;
  g_autoptr(McpSseClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  gboolean connected = FALSE;

  if (!g_test_subprocess ())
    return;

  server = mcp_sse_demo_server_new ();
  g_assert_true (mcp_sse_demo_server_listen (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  url = mcp_sse_demo_server_dup_url (server);
  client = mcp_sse_client_new_for_url (url);
  mcp_sse_client_connect_async (client, NULL, on_client_connected, &connected);
  TEST_WAIT_UNTIL (connected);
  mcp_sse_client_stop (client);
}

static void
test_debug_jsonrpc (void)
{
  g_setenv ("MCP_SSE_DEBUG", "jsonrpc", TRUE);
  g_test_trap_subprocess ("/debug/client-exchange", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("MCP_SSE_DEBUG");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*[jsonrpc] > {\"jsonrpc\":\"2.0\",\"id\":*\"method\":\"initialize\"*");
  g_test_trap_assert_stderr ("*[jsonrpc] < {*\"protocolVersion\"*");
  g_test_trap_assert_stderr ("*[jsonrpc] > {*\"notifications/initialized\"*");
  g_test_trap_assert_stderr_unmatched ("*[transport]*");
  g_test_trap_assert_stderr_unmatched ("*[http]*");
}

static void
assert_no_secret (void)
{
  g_test_trap_assert_stderr_unmatched ("*" URL_PASSWORD "*");
  g_test_trap_assert_stderr_unmatched ("*" API_KEY "*");
  g_test_trap_assert_stderr_unmatched ("*" BEARER "*");
  g_test_trap_assert_stderr_unmatched ("*" SESSION_ID "*");
  g_test_trap_assert_stderr_unmatched ("*" CUSTOM_TOKEN "*");
  g_test_trap_assert_stderr_unmatched ("*" URL_PASSWORD_BASE64 "*");
}

/* GLib 2.74 cannot give a trapped child an environment of its own: the
 * parent sets MCP_SSE_DEBUG, which it never reads itself, just before. */
static void
trap_exchange (const char *debug)
{
  g_setenv ("MCP_SSE_DEBUG", debug, TRUE);
  g_test_trap_subprocess ("/debug/exchange", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("MCP_SSE_DEBUG");
  g_test_trap_assert_passed ();
  assert_no_secret ();
}

static void
test_debug_exchange (void)
{
  if (g_test_subprocess ())
    run_exchange ();
}

static void
test_debug_all (void)
{
  trap_exchange ("1");
  g_test_trap_assert_stderr ("*[transport]*connecting -> connected*");
  g_test_trap_assert_stderr ("*[http] > GET /sse HTTP/1.1*");
  g_test_trap_assert_stderr ("*[http] > Authorization: [masked]*");
  g_test_trap_assert_stderr ("*[http] > X-Api-Key: [masked]*");
  g_test_trap_assert_stderr ("*[http] > X-Custom-Token: [masked]*");
  g_test_trap_assert_stderr ("*[http] > POST /message?sessionId=[masked] HTTP/1.1*");
  g_test_trap_assert_stderr ("*[http] < Set-Cookie: [masked]*");

  trap_exchange ("all");
  g_test_trap_assert_stderr ("*[transport]*[http]*");
}

/* The child: user info in the URL, and a POST answered 401, whose error
 * it prints. */
static void
on_sent_unauthorized (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_false (mcp_sse_connection_manager_send_finish (MCP_SSE_CONNECTION_MANAGER (source),
                                                          result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_printerr ("send failed: %s\n", error->message);
  *done = TRUE;
}

static void
test_debug_unauthorized_exchange (void)
{
  g_autoptr(TestServer) server = NULL;
  g_autoptr(McpSseConnectionManager) manager = NULL;
  g_autoptr(JsonNode) message = NULL;
  g_autofree char *url = NULL;
  gboolean started = FALSE, sent = FALSE;

  if (!g_test_subprocess ())
    return;

  server = test_server_new (TEST_SERVER_DEFAULT);
  message = json_from_string ("{\"jsonrpc\":\"2.0\",\"method\":\"x\"}", NULL);
  test_server_add_sse (server, "/sse", NULL, "event: endpoint\ndata: /message\n\n");
  test_server_add_response (server, "/message", 401, "text/plain", "no", "WWW-Authenticate", "Basic realm=\"x\"");
  url = g_strdup_printf ("http://user:" URL_PASSWORD "@%s:%u/sse",
                         test_server_get_host (server), test_server_get_port (server));

  manager = mcp_sse_connection_manager_new (url);
  mcp_sse_connection_manager_start_async (manager, NULL, on_started, &started);
  TEST_WAIT_UNTIL (started);
  mcp_sse_connection_manager_send_async (manager, message, NULL, on_sent_unauthorized, &sent);
  TEST_WAIT_UNTIL (sent);
  mcp_sse_connection_manager_stop (manager);
  g_assert_cmpuint (test_server_count_requests (server, "POST", "/message"), ==, 1);
}

static void
test_debug_unauthorized (void)
{
  g_setenv ("MCP_SSE_DEBUG", "1", TRUE);
  g_test_trap_subprocess ("/debug/unauthorized-exchange", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_unsetenv ("MCP_SSE_DEBUG");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*[http] > Authorization: [masked]*");
  g_test_trap_assert_stderr ("*[http] < HTTP/1.1 401*");
  g_test_trap_assert_stderr ("*send failed: POST http://*/message answered HTTP 401*");
  assert_no_secret ();
}

static void
test_debug_categories (void)
{
  trap_exchange ("transport");
  g_test_trap_assert_stderr ("*[transport]*connecting -> connected*");
  g_test_trap_assert_stderr_unmatched ("*[http]*");

  trap_exchange ("http,jsonrpc");
  g_test_trap_assert_stderr ("*[http] > GET /sse HTTP/1.1*");
  g_test_trap_assert_stderr_unmatched ("*[transport]*");
}

static void
test_debug_off (void)
{
  trap_exchange ("0");
  g_test_trap_assert_stderr_unmatched ("*[transport]*");
  g_test_trap_assert_stderr_unmatched ("*[http]*");
}

int
main (int    argc,
      char **argv)
{
  test_init (&argc, &argv);

  g_test_add_func ("/redact/header-line", test_redact_header_line);
  g_test_add_func ("/redact/url", test_redact_url);
  g_test_add_func ("/debug/exchange", test_debug_exchange);
  g_test_add_func ("/debug/all", test_debug_all);
  g_test_add_func ("/debug/categories", test_debug_categories);
  g_test_add_func ("/debug/off", test_debug_off);
  g_test_add_func ("/debug/unauthorized-exchange", test_debug_unauthorized_exchange);
  g_test_add_func ("/debug/unauthorized", test_debug_unauthorized);
  g_test_add_func ("/debug/client-exchange", test_debug_client_exchange);
  g_test_add_func ("/debug/jsonrpc", test_debug_jsonrpc);

  return g_test_run ();
}
