/* test-interop-transport.c: McpSseConnectionManager, without the client on
 * top, against MCP servers written by others: the handshake, raw JSON-RPC
 * messages, a POST the server refuses, and the server's death
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <mcp-sse/mcp-sse.h>

#include "interop-server.h"

/* What the manager may take at most to report a dead server (seconds,
 * scaled by test_get_timeout_scale()). */
#define REPORT_LIMIT 1.0

typedef struct
{
  InteropServerKind kind;
  const char *path;
} ServerSpec;

static const ServerSpec everything = { INTEROP_SERVER_EVERYTHING, "everything" };
static const ServerSpec sdk = { INTEROP_SERVER_SDK, "sdk" };

static InteropServer *shared_servers[2];

typedef struct
{
  const ServerSpec *spec;
  InteropServer *own_server;
  McpSseConnectionManager *manager;
  GPtrArray *messages;
  GPtrArray *events;
  GPtrArray *errors;
  gboolean closed;
  GError *closed_error;
  gint64 closed_time;
} Fixture;

typedef struct
{
  GAsyncResult *result;
} Pending;

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ((Pending *) user_data)->result = g_object_ref (result);
}

static void
wait_for (Pending    *pending,
          const char *what)
{
  g_test_message ("waiting for %s", what);
  TEST_WAIT_UNTIL (pending->result != NULL);
}

static void
on_message (McpSseConnectionManager *manager,
            JsonNode                *message,
            Fixture                 *f)
{
  g_ptr_array_add (f->messages, json_node_copy (message));
}

static void
on_event (McpSseConnectionManager *manager,
          McpSseEvent             *event,
          Fixture                 *f)
{
  g_ptr_array_add (f->events, mcp_sse_event_ref (event));
}

static void
on_error (McpSseConnectionManager *manager,
          const GError            *error,
          Fixture                 *f)
{
  g_ptr_array_add (f->errors, g_error_copy (error));
}

static void
on_closed (McpSseConnectionManager *manager,
           const GError            *error,
           Fixture                 *f)
{
  g_assert_false (f->closed);
  f->closed = TRUE;
  f->closed_error = error != NULL ? g_error_copy (error) : NULL;
  f->closed_time = g_get_monotonic_time ();
}

static void
setup_manager (Fixture    *f,
               const char *url)
{
  g_autoptr(GError) error = NULL;
  Pending pending = { NULL };

  f->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  f->events = g_ptr_array_new_with_free_func ((GDestroyNotify) mcp_sse_event_unref);
  f->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  f->manager = mcp_sse_connection_manager_new (url);
  g_signal_connect (f->manager, "message", G_CALLBACK (on_message), f);
  g_signal_connect (f->manager, "event", G_CALLBACK (on_event), f);
  g_signal_connect (f->manager, "error", G_CALLBACK (on_error), f);
  g_signal_connect (f->manager, "closed", G_CALLBACK (on_closed), f);

  mcp_sse_connection_manager_start_async (f->manager, NULL, on_done, &pending);
  TEST_WAIT_UNTIL (pending.result != NULL);
  g_assert_nonnull (pending.result);
  g_assert_true (mcp_sse_connection_manager_start_finish (f->manager, pending.result, &error));
  g_assert_no_error (error);
  g_object_unref (pending.result);
}

static void
setup_shared (Fixture       *f,
              gconstpointer  data)
{
  f->spec = data;
  if (shared_servers[f->spec->kind] == NULL)
    shared_servers[f->spec->kind] = interop_server_start (f->spec->kind);
  g_assert_true (interop_server_is_running (shared_servers[f->spec->kind]));

  setup_manager (f, interop_server_get_url (shared_servers[f->spec->kind]));
}

static void
setup_own_server (Fixture       *f,
                  gconstpointer  data)
{
  f->spec = data;
  f->own_server = interop_server_start (f->spec->kind);
  setup_manager (f, interop_server_get_url (f->own_server));
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  McpSseConnectionManager *manager = f->manager;

  g_object_add_weak_pointer (G_OBJECT (manager), (gpointer *) &manager);
  mcp_sse_connection_manager_stop (f->manager);
  g_clear_object (&f->manager);
  TEST_WAIT_UNTIL (manager == NULL);
  g_assert_null (manager);

  g_clear_pointer (&f->own_server, interop_server_free);
  g_clear_error (&f->closed_error);
  g_ptr_array_unref (f->messages);
  g_ptr_array_unref (f->events);
  g_ptr_array_unref (f->errors);
}

/* Messages */

static void
send_json (Fixture    *f,
           const char *text)
{
  g_autoptr(JsonNode) message = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  Pending pending = { NULL };

  g_assert_nonnull (message);
  mcp_sse_connection_manager_send_async (f->manager, message, NULL, on_done, &pending);
  wait_for (&pending, "a POST");
  g_assert_true (mcp_sse_connection_manager_send_finish (f->manager, pending.result, &error));
  g_assert_no_error (error);
  g_object_unref (pending.result);
}

static gboolean
has_id (JsonNode *message,
        JsonNode *id)
{
  JsonObject *object = json_node_get_object (message);

  return json_object_has_member (object, "id") &&
         json_node_equal (json_object_get_member (object, "id"), id);
}

static JsonNode *
find_response (Fixture    *f,
               const char *id_json)
{
  g_autoptr(JsonNode) id = json_from_string (id_json, NULL);
  guint i;

  for (i = 0; i < f->messages->len; i++)
    {
      if (has_id (f->messages->pdata[i], id))
        return f->messages->pdata[i];
    }
  return NULL;
}

/* Sends a request and returns its `result` member. */
static JsonObject *
request (Fixture    *f,
         const char *id_json,
         const char *text)
{
  JsonNode *response;
  JsonObject *object;

  send_json (f, text);
  TEST_WAIT_UNTIL (find_response (f, id_json) != NULL);
  response = find_response (f, id_json);

  object = json_node_get_object (response);
  g_assert_cmpstr (json_object_get_string_member (object, "jsonrpc"), ==, "2.0");
  g_assert_false (json_object_has_member (object, "error"));
  return json_object_get_object_member (object, "result");
}

static void
initialize (Fixture *f)
{
  JsonObject *result = request (f, "1",
    "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", \"params\": {"
    "\"protocolVersion\": \"2024-11-05\", \"capabilities\": {},"
    "\"clientInfo\": {\"name\": \"mcp-sse-interop\", \"version\": \"1.0\"}}}");

  /* The oldest version of the transport is still spoken. */
  g_assert_cmpstr (json_object_get_string_member (result, "protocolVersion"), ==, "2024-11-05");
  send_json (f, "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}");
}

/* Tests */

static void
test_handshake (Fixture       *f,
                gconstpointer  data)
{
  const char *endpoint = mcp_sse_connection_manager_get_endpoint (f->manager);
  g_autofree char *prefix = g_strdup_printf ("http://127.0.0.1:%u/message?sessionId=",
                                             interop_server_get_port (shared_servers[f->spec->kind]));
  McpSseEvent *first;
  const char *session_id;

  g_assert_cmpint (mcp_sse_connection_manager_get_state (f->manager), ==,
                   MCP_SSE_CONNECTION_STATE_CONNECTED);

  /* Both servers announce a relative endpoint with a UUID session id. */
  g_assert_nonnull (endpoint);
  g_assert_true (g_str_has_prefix (endpoint, prefix));
  session_id = endpoint + strlen (prefix);
  g_assert_true (g_uuid_string_is_valid (session_id));

  g_assert_cmpuint (f->events->len, >=, 1);
  first = f->events->pdata[0];
  g_assert_cmpstr (mcp_sse_event_get_event_type (first), ==, "endpoint");
  g_assert_true (g_str_has_prefix (mcp_sse_event_get_data (first), "/message?sessionId="));
  g_assert_true (g_str_has_suffix (mcp_sse_event_get_data (first), session_id));

  g_assert_cmpuint (f->errors->len, ==, 0);
}

static void
test_raw_requests (Fixture       *f,
                   gconstpointer  data)
{
  JsonObject *echo;
  JsonObject *ping;
  JsonArray *content;

  initialize (f);

  /* A string id comes back as a string. */
  echo = request (f, "\"call-\\u00e9\"",
    "{\"jsonrpc\": \"2.0\", \"id\": \"call-\\u00e9\", \"method\": \"tools/call\","
    "\"params\": {\"name\": \"echo\", \"arguments\": {\"message\": \"raw\"}}}");
  content = json_object_get_array_member (echo, "content");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (content, 0), "text"),
                   ==, "Echo: raw");

  ping = request (f, "9007199254740991",
    "{\"jsonrpc\": \"2.0\", \"id\": 9007199254740991, \"method\": \"ping\"}");
  g_assert_cmpuint (json_object_get_size (ping), ==, 0);

  g_assert_cmpuint (f->errors->len, ==, 0);
  g_assert_false (f->closed);
}

/* SSEServerTransport answers 400 to a body that is no JSON-RPC message: that
 * send fails, the connection stays. */
static void
test_refused_post (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) message = json_from_string ("{\"hello\": \"world\"}", NULL);
  g_autoptr(GError) error = NULL;
  Pending pending = { NULL };

  initialize (f);

  mcp_sse_connection_manager_send_async (f->manager, message, NULL, on_done, &pending);
  wait_for (&pending, "the refused POST");
  g_assert_false (mcp_sse_connection_manager_send_finish (f->manager, pending.result, &error));
  g_object_unref (pending.result);
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, "400"));

  g_assert_cmpint (mcp_sse_connection_manager_get_state (f->manager), ==,
                   MCP_SSE_CONNECTION_STATE_CONNECTED);
  request (f, "2", "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"ping\"}");
  g_assert_false (f->closed);
}

static void
test_server_killed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonNode) ping = json_from_string ("{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"ping\"}", NULL);
  g_autoptr(GError) error = NULL;
  Pending pending = { NULL };
  gint64 kill_time;

  initialize (f);

  kill_time = g_get_monotonic_time ();
  interop_server_kill (f->own_server);
  TEST_WAIT_UNTIL (f->closed);

  g_assert_true (f->closed);
  g_assert_nonnull (f->closed_error);
  test_assert_elapsed ((f->closed_time - kill_time) / (double) G_USEC_PER_SEC, 0, REPORT_LIMIT);
  g_test_message ("closed %" G_GINT64_FORMAT " us after SIGKILL: %s",
                  f->closed_time - kill_time, f->closed_error->message);
  g_assert_cmpint (mcp_sse_connection_manager_get_state (f->manager), ==,
                   MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_null (mcp_sse_connection_manager_get_endpoint (f->manager));

  mcp_sse_connection_manager_send_async (f->manager, ping, NULL, on_done, &pending);
  wait_for (&pending, "a send after the close");
  g_assert_false (mcp_sse_connection_manager_send_finish (f->manager, pending.result, &error));
  g_object_unref (pending.result);
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED);
}

/* A clean end of the stream (last chunk, then EOF) is CLOSED. */
static void
test_server_closes_session (Fixture       *f,
                            gconstpointer  data)
{
  initialize (f);
  send_json (f, "{\"jsonrpc\": \"2.0\", \"id\": 4, \"method\": \"tools/call\","
                "\"params\": {\"name\": \"close-session\", \"arguments\": {}}}");
  TEST_WAIT_UNTIL (f->closed);

  g_assert_true (f->closed);
  g_assert_error (f->closed_error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  g_assert_cmpint (mcp_sse_connection_manager_get_state (f->manager), ==,
                   MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_cmpuint (f->errors->len, ==, 0);
}

typedef void (*FixtureTest) (Fixture *f, gconstpointer data);

static void
add_test (const ServerSpec *spec,
          const char       *name,
          FixtureTest       test,
          FixtureTest       setup)
{
  g_autofree char *path = g_strdup_printf ("/interop/transport/%s/%s", spec->path, name);

  g_test_add (path, Fixture, spec, setup, test, teardown);
}

int
main (int   argc,
      char *argv[])
{
  const ServerSpec *const specs[] = { &everything, &sdk };
  int status;
  guint i;

  test_init (&argc, &argv);

  status = interop_main_skip_unless_ready ();
  if (status >= 0)
    return status;

  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      add_test (specs[i], "handshake", test_handshake, setup_shared);
      add_test (specs[i], "raw-requests", test_raw_requests, setup_shared);
      add_test (specs[i], "refused-post", test_refused_post, setup_shared);
    }
  add_test (&sdk, "server-closes-session", test_server_closes_session, setup_shared);
  add_test (&sdk, "server-killed", test_server_killed, setup_own_server);

  status = g_test_run ();

  for (i = 0; i < G_N_ELEMENTS (shared_servers); i++)
    g_clear_pointer (&shared_servers[i], interop_server_free);

  return status;
}
