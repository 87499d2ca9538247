/* test-client.c: McpSseClient over an in-memory transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fake-transport.h"
#include "mcp-sse-test-utils.h"

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

/* JSON access for assertions */

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static JsonNode *
member (JsonNode   *node,
        const char *path)
{
  g_auto(GStrv) names = g_strsplit (path, ".", -1);
  guint i;

  for (i = 0; names[i] != NULL; i++)
    {
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      node = json_object_get_member (json_node_get_object (node), names[i]);
    }

  return node;
}

static const char *
string_at (JsonNode   *node,
           const char *path)
{
  JsonNode *found = member (node, path);

  g_assert_nonnull (found);
  g_assert_cmpint (json_node_get_value_type (found), ==, G_TYPE_STRING);
  return json_node_get_string (found);
}

static gint64
int_at (JsonNode   *node,
        const char *path)
{
  JsonNode *found = member (node, path);

  g_assert_nonnull (found);
  g_assert_cmpint (json_node_get_value_type (found), ==, G_TYPE_INT64);
  return json_node_get_int (found);
}

static void
assert_json (JsonNode   *node,
             const char *expected)
{
  g_autoptr(JsonNode) want = parse (expected);
  g_autofree char *got_text = json_to_string (node, FALSE);
  g_autofree char *want_text = json_to_string (want, FALSE);

  g_assert_cmpstr (got_text, ==, want_text);
}

/* Fixture: a client over a fake transport that plays a server. */

typedef struct
{
  FakeTransport *transport;
  McpSseClient *client;
  GPtrArray *errors;            /* GError from McpSseClient::error */

  const char *server_version;   /* what initialize answers */
  gboolean answer_all;          /* answer every other request with {"method": m} */
} Fixture;

static void
on_client_error (McpSseClient *client,
                 const GError *error,
                 Fixture      *fixture)
{
  g_assert_true (g_error_matches (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE));
  g_ptr_array_add (fixture->errors, g_error_copy (error));
}

static void
serve (FakeTransport *transport,
       JsonNode      *message,
       gpointer       user_data)
{
  Fixture *fixture = user_data;
  JsonNode *id = member (message, "id");
  const char *method;

  if (id == NULL || member (message, "method") == NULL)
    return;

  method = string_at (message, "method");
  if (g_str_equal (method, "initialize"))
    fake_transport_inject_printf (transport,
                                  "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {"
                                  "\"protocolVersion\": \"%s\","
                                  "\"capabilities\": {\"tools\": {\"listChanged\": true}},"
                                  "\"serverInfo\": {\"name\": \"fake\", \"version\": \"9\"},"
                                  "\"instructions\": \"Be kind\"}}",
                                  json_node_get_int (id), fixture->server_version);
  else if (fixture->answer_all)
    fake_transport_inject_printf (transport,
                                  "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", "
                                  "\"result\": {\"method\": \"%s\"}}",
                                  json_node_get_int (id), method);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->transport = fake_transport_new ();
  fixture->client = mcp_sse_client_new (MCP_SSE_TRANSPORT (fixture->transport));
  fixture->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  fixture->server_version = "2025-11-25";

  fake_transport_set_handler (fixture->transport, serve, fixture);
  g_signal_connect (fixture->client, "error", G_CALLBACK (on_client_error), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  test_drain_main_context ();

  if (fixture->client != NULL)
    g_assert_finalize_object (fixture->client);
  g_assert_finalize_object (fixture->transport);
  g_ptr_array_unref (fixture->errors);
}

static void
connect_client (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_true (mcp_sse_client_connect_finish (fixture->client, result, &error));
  g_assert_no_error (error);
}

/* The id of the last request sent with @method. */
static gint64
last_id (Fixture    *fixture,
         const char *method)
{
  guint count = fake_transport_count_sent (fixture->transport, method);

  g_assert_cmpuint (count, >, 0);
  return int_at (fake_transport_find_sent (fixture->transport, method, count - 1), "id");
}

/* Negotiation */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              GHashTable *counts)
{
  const char *name = g_param_spec_get_name (pspec);

  g_hash_table_insert (counts, (gpointer) name,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
}

static void
test_connect_version (Fixture       *fixture,
                      gconstpointer  user_data)
{
  const char *version = user_data;
  g_autoptr(GHashTable) notified = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GAsyncResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *transport_version = NULL;
  JsonNode *initialize, *initialized;

  fixture->server_version = version;
  g_signal_connect (fixture->client, "notify", G_CALLBACK (count_notify), notified);
  g_assert_null (mcp_sse_client_get_protocol_version (fixture->client));
  g_assert_null (mcp_sse_client_get_server_info (fixture->client));
  g_assert_null (mcp_sse_client_get_server_capabilities (fixture->client));

  connect_client (fixture);

  g_assert_cmpuint (fake_transport_get_n_starts (fixture->transport), ==, 1);
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (fixture->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CONNECTED);

  /* initialize, then notifications/initialized, nothing else. */
  g_assert_cmpuint (fake_transport_get_n_sent (fixture->transport), ==, 2);
  initialize = fake_transport_get_sent (fixture->transport, 0);
  g_assert_cmpstr (string_at (initialize, "jsonrpc"), ==, "2.0");
  g_assert_cmpstr (string_at (initialize, "method"), ==, "initialize");
  g_assert_cmpint (int_at (initialize, "id"), ==, 1);
  g_assert_cmpstr (string_at (initialize, "params.protocolVersion"), ==, "2025-11-25");
  assert_json (member (initialize, "params.capabilities"), "{}");
  g_assert_cmpstr (string_at (initialize, "params.clientInfo.name"), ==, "mcp-sse");
  g_assert_cmpstr (string_at (initialize, "params.clientInfo.version"), ==, MCP_SSE_VERSION_S);
  g_assert_null (fake_transport_get_sent_protocol_version (fixture->transport, 0));

  initialized = fake_transport_get_sent (fixture->transport, 1);
  assert_json (initialized, "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}");
  /* The header is on from the first message after the handshake. */
  g_assert_cmpstr (fake_transport_get_sent_protocol_version (fixture->transport, 1), ==, version);

  transport_version = mcp_sse_transport_dup_protocol_version (MCP_SSE_TRANSPORT (fixture->transport));
  g_assert_cmpstr (transport_version, ==, version);
  g_assert_cmpstr (mcp_sse_client_get_protocol_version (fixture->client), ==, version);
  assert_json (mcp_sse_client_get_server_info (fixture->client),
               "{\"name\": \"fake\", \"version\": \"9\"}");
  assert_json (mcp_sse_client_get_server_capabilities (fixture->client),
               "{\"tools\": {\"listChanged\": true}}");
  g_assert_cmpstr (mcp_sse_client_get_instructions (fixture->client), ==, "Be kind");

  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (notified, "protocol-version")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (notified, "server-info")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (notified, "server-capabilities")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (notified, "instructions")), ==, 1);

  /* Once connected, connecting again is refused. */
  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &again);
  TEST_WAIT_UNTIL (again != NULL);
  g_assert_false (mcp_sse_client_connect_finish (fixture->client, again, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

static void
test_connect_unsupported (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->server_version = "2099-01-01";

  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_false (mcp_sse_client_connect_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  g_assert_nonnull (strstr (error->message, "2099-01-01"));

  g_assert_cmpuint (fake_transport_count_sent (fixture->transport, "notifications/initialized"), ==, 0);
  g_assert_null (mcp_sse_client_get_protocol_version (fixture->client));
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (fixture->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CLOSED);
}

static void
test_connect_settings (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(JsonNode) info = parse ("{\"name\": \"app\", \"version\": \"2\"}");
  g_autoptr(JsonNode) capabilities = parse ("{\"roots\": {\"listChanged\": true}, \"sampling\": {}}");
  JsonNode *initialize;

  mcp_sse_client_set_client_info (fixture->client, info);
  g_object_set (fixture->client, "capabilities", capabilities, NULL);
  connect_client (fixture);

  initialize = fake_transport_find_sent (fixture->transport, "initialize", 0);
  assert_json (member (initialize, "params.clientInfo"), "{\"name\": \"app\", \"version\": \"2\"}");
  assert_json (member (initialize, "params.capabilities"),
               "{\"roots\": {\"listChanged\": true}, \"sampling\": {}}");

  mcp_sse_client_set_client_info (fixture->client, NULL);
  g_assert_cmpstr (string_at (mcp_sse_client_get_client_info (fixture->client), "name"), ==, "mcp-sse");
}

static void
test_connect_server_error (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fake_transport_set_handler (fixture->transport, NULL, NULL);
  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (fake_transport_get_n_sent (fixture->transport) == 1);
  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"id\": 1, \"error\": "
                         "{\"code\": -32602, \"message\": \"Unsupported\"}}");
  TEST_WAIT_UNTIL (result != NULL);

  g_assert_false (mcp_sse_client_connect_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_JSONRPC_ERROR, MCP_SSE_JSONRPC_ERROR_INVALID_PARAMS);
  g_assert_cmpstr (error->message, ==, "Unsupported");
}

static void
on_transport_started (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  gboolean *started = user_data;
  g_autoptr(GError) error = NULL;

  *started = mcp_sse_transport_start_finish (MCP_SSE_TRANSPORT (source), result, &error);
  g_assert_no_error (error);
}

static void
test_connect_waits_for_transport (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean started = FALSE;

  fake_transport_set_hold_start (fixture->transport, TRUE);
  mcp_sse_transport_start_async (MCP_SSE_TRANSPORT (fixture->transport), NULL,
                                 on_transport_started, &started);
  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &result);
  test_drain_main_context ();
  g_assert_cmpuint (fake_transport_get_n_sent (fixture->transport), ==, 0);

  fake_transport_complete_start (fixture->transport, NULL);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_true (mcp_sse_client_connect_finish (fixture->client, result, &error));
  g_assert_no_error (error);
  g_assert_true (started);
  g_assert_cmpuint (fake_transport_get_n_starts (fixture->transport), ==, 1);
  g_assert_cmpuint (fake_transport_count_sent (fixture->transport, "initialize"), ==, 1);
}

static void
test_connect_transport_fails (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refused = g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS, "404");

  fake_transport_set_hold_start (fixture->transport, TRUE);
  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &result);
  test_drain_main_context ();
  fake_transport_complete_start (fixture->transport, refused);
  TEST_WAIT_UNTIL (result != NULL);

  g_assert_false (mcp_sse_client_connect_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_cmpuint (fake_transport_get_n_sent (fixture->transport), ==, 0);
}

static void
test_connect_timeout (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  fake_transport_set_hold_start (fixture->transport, TRUE);
  mcp_sse_client_set_request_timeout (fixture->client, 0.2);
  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (result != NULL);
  elapsed = test_seconds_since (start);

  g_assert_false (mcp_sse_client_connect_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
  test_assert_elapsed (elapsed, 0.2, 0.2 + 2);
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (fixture->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CLOSED);
}

static void
test_connect_cancel (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fake_transport_set_handler (fixture->transport, NULL, NULL);
  mcp_sse_client_connect_async (fixture->client, cancellable, store_result, &result);
  TEST_WAIT_UNTIL (fake_transport_count_sent (fixture->transport, "initialize") == 1);
  g_cancellable_cancel (cancellable);
  TEST_WAIT_UNTIL (result != NULL);

  g_assert_false (mcp_sse_client_connect_finish (fixture->client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* MCP forbids cancelling initialize: the session is closed instead. */
  g_assert_cmpuint (fake_transport_count_sent (fixture->transport, "notifications/cancelled"), ==, 0);
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (fixture->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CLOSED);
}

/* Requests and responses */

static void
test_request_ids (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) third = NULL;
  g_autoptr(JsonNode) params = parse ("{\"x\": [1, 2]}");
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 first_id, second_id, third_id;
  JsonNode *sent;

  connect_client (fixture);

  mcp_sse_client_request_async (fixture->client, "test/first", NULL, NULL, store_result, &first);
  mcp_sse_client_request_async (fixture->client, "test/second", params, NULL, store_result, &second);
  first_id = last_id (fixture, "test/first");
  second_id = last_id (fixture, "test/second");
  g_assert_cmpint (first_id, >, 1);
  g_assert_cmpint (second_id, ==, first_id + 1);

  sent = fake_transport_find_sent (fixture->transport, "test/first", 0);
  g_assert_null (member (sent, "params"));
  sent = fake_transport_find_sent (fixture->transport, "test/second", 0);
  assert_json (member (sent, "params"), "{\"x\": [1, 2]}");

  /* Answered in reverse order. */
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {\"n\": 2}}",
                                second_id);
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": [\"one\"]}",
                                first_id);
  TEST_WAIT_UNTIL (first != NULL && second != NULL);

  answer = mcp_sse_client_request_finish (fixture->client, first, &error);
  g_assert_no_error (error);
  assert_json (answer, "[\"one\"]");
  g_clear_pointer (&answer, json_node_unref);
  answer = mcp_sse_client_request_finish (fixture->client, second, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"n\": 2}");
  g_clear_pointer (&answer, json_node_unref);

  /* A string id never matches an integer one. */
  mcp_sse_client_request_async (fixture->client, "test/third", NULL, NULL, store_result, &third);
  third_id = last_id (fixture, "test/third");
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": \"%" G_GINT64_FORMAT "\", \"result\": {}}",
                                third_id);
  test_drain_main_context ();
  g_assert_null (third);
  g_assert_cmpuint (fixture->errors->len, ==, 1);

  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {\"ok\": true}}",
                                third_id);
  TEST_WAIT_UNTIL (third != NULL);
  answer = mcp_sse_client_request_finish (fixture->client, third, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"ok\": true}");
  g_assert_cmpuint (fixture->errors->len, ==, 1);
}

static void
test_request_error_data (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) malformed = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *answer;

  connect_client (fixture);

  mcp_sse_client_read_resource_async (fixture->client, "file:///missing", NULL, store_result, &result);
  assert_json (member (fake_transport_find_sent (fixture->transport, "resources/read", 0), "params"),
               "{\"uri\": \"file:///missing\"}");
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"error\": "
                                "{\"code\": -32002, \"message\": \"Resource not found\", "
                                "\"data\": {\"uri\": \"file:///missing\"}}}",
                                last_id (fixture, "resources/read"));
  TEST_WAIT_UNTIL (result != NULL);

  answer = mcp_sse_client_read_resource_finish (fixture->client, result, &error);
  g_assert_null (answer);
  g_assert_error (error, MCP_SSE_JSONRPC_ERROR, -32002);
  g_assert_cmpstr (error->message, ==, "Resource not found");
  assert_json (mcp_sse_jsonrpc_error_get_data (error), "{\"uri\": \"file:///missing\"}");
  g_clear_error (&error);

  /* An error without an integer code is the server's mistake. */
  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &malformed);
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"error\": "
                                "{\"code\": \"bad\", \"message\": \"x\"}}",
                                last_id (fixture, "ping"));
  TEST_WAIT_UNTIL (malformed != NULL);
  g_assert_null (mcp_sse_client_ping_finish (fixture->client, malformed, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
}

static void
test_request_timeout (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *cancelled;
  gint64 start, id;
  double elapsed;

  connect_client (fixture);
  mcp_sse_client_set_request_timeout (fixture->client, 0.2);

  start = g_get_monotonic_time ();
  mcp_sse_client_request_async (fixture->client, "test/slow", NULL, NULL, store_result, &result);
  id = last_id (fixture, "test/slow");
  TEST_WAIT_UNTIL (result != NULL);
  elapsed = test_seconds_since (start);

  g_assert_null (mcp_sse_client_request_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
  test_assert_elapsed (elapsed, 0.2, 0.2 + 2);

  cancelled = fake_transport_find_sent (fixture->transport, "notifications/cancelled", 0);
  g_assert_nonnull (cancelled);
  g_assert_null (member (cancelled, "id"));
  g_assert_cmpint (int_at (cancelled, "params.requestId"), ==, id);
  g_assert_nonnull (string_at (cancelled, "params.reason"));

  /* The late answer is expected, not an error. */
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {}}", id);
  test_drain_main_context ();
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

static void
test_request_cancel (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancelled_before = g_cancellable_new ();
  g_autoptr(GAsyncResult) doomed = NULL;
  g_autoptr(GAsyncResult) kept = NULL;
  g_autoptr(GAsyncResult) early = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *notice;
  gint64 doomed_id, kept_id;
  guint n_sent;

  connect_client (fixture);

  mcp_sse_client_call_tool_async (fixture->client, "slow", NULL, cancellable, store_result, &doomed);
  mcp_sse_client_call_tool_async (fixture->client, "fast", NULL, NULL, store_result, &kept);
  doomed_id = int_at (fake_transport_find_sent (fixture->transport, "tools/call", 0), "id");
  kept_id = int_at (fake_transport_find_sent (fixture->transport, "tools/call", 1), "id");

  g_cancellable_cancel (cancellable);
  TEST_WAIT_UNTIL (doomed != NULL);
  g_assert_null (mcp_sse_client_call_tool_finish (fixture->client, doomed, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* The notice follows once the request was accepted. */
  TEST_WAIT_UNTIL (fake_transport_count_sent (fixture->transport, "notifications/cancelled") > 0);
  g_assert_cmpuint (fake_transport_count_sent (fixture->transport, "notifications/cancelled"), ==, 1);
  notice = fake_transport_find_sent (fixture->transport, "notifications/cancelled", 0);
  g_assert_cmpint (int_at (notice, "params.requestId"), ==, doomed_id);
  g_assert_nonnull (string_at (notice, "params.reason"));

  /* The other request is untouched; the late answer is ignored. */
  test_drain_main_context ();
  g_assert_null (kept);
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {}}", doomed_id);
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", "
                                "\"result\": {\"content\": []}}", kept_id);
  TEST_WAIT_UNTIL (kept != NULL);
  answer = mcp_sse_client_call_tool_finish (fixture->client, kept, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"content\": []}");
  g_assert_cmpuint (fixture->errors->len, ==, 0);

  /* Cancelled before it starts: nothing is sent. */
  n_sent = fake_transport_get_n_sent (fixture->transport);
  g_cancellable_cancel (cancelled_before);
  mcp_sse_client_ping_async (fixture->client, cancelled_before, store_result, &early);
  TEST_WAIT_UNTIL (early != NULL);
  g_assert_null (mcp_sse_client_ping_finish (fixture->client, early, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fake_transport_get_n_sent (fixture->transport), ==, n_sent);
}

static void
test_request_send_fails (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) refused = g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS, "500");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  connect_client (fixture);
  fake_transport_set_send_error (fixture->transport, refused);

  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_null (mcp_sse_client_ping_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
}

static void
test_request_not_connected (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) sent = NULL;
  g_autoptr(GError) error = NULL;

  mcp_sse_client_list_tools_async (fixture->client, NULL, store_result, &result);
  mcp_sse_client_notify_async (fixture->client, "notifications/roots/list_changed", NULL, NULL,
                               store_result, &sent);
  TEST_WAIT_UNTIL (result != NULL && sent != NULL);

  g_assert_null (mcp_sse_client_list_tools_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_assert_false (mcp_sse_client_notify_finish (fixture->client, sent, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED);
}

static void
test_notify (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(JsonNode) params = parse ("{\"level\": \"debug\"}");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  connect_client (fixture);
  mcp_sse_client_notify_async (fixture->client, "test/note", params, NULL, store_result, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_true (mcp_sse_client_notify_finish (fixture->client, result, &error));
  g_assert_no_error (error);
  assert_json (fake_transport_find_sent (fixture->transport, "test/note", 0),
               "{\"jsonrpc\": \"2.0\", \"method\": \"test/note\", \"params\": {\"level\": \"debug\"}}");
}

static void
test_convenience (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(JsonNode) arguments = parse ("{\"who\": \"world\"}");
  g_autoptr(GAsyncResult) ping = NULL;
  g_autoptr(GAsyncResult) call = NULL;
  g_autoptr(GAsyncResult) prompt = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  connect_client (fixture);
  fixture->answer_all = TRUE;

  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &ping);
  mcp_sse_client_call_tool_async (fixture->client, "echo", NULL, NULL, store_result, &call);
  mcp_sse_client_get_prompt_async (fixture->client, "greet", arguments, NULL, store_result, &prompt);
  TEST_WAIT_UNTIL (ping != NULL && call != NULL && prompt != NULL);

  g_assert_null (member (fake_transport_find_sent (fixture->transport, "ping", 0), "params"));
  assert_json (member (fake_transport_find_sent (fixture->transport, "tools/call", 0), "params"),
               "{\"name\": \"echo\"}");
  assert_json (member (fake_transport_find_sent (fixture->transport, "prompts/get", 0), "params"),
               "{\"name\": \"greet\", \"arguments\": {\"who\": \"world\"}}");

  answer = mcp_sse_client_ping_finish (fixture->client, ping, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"method\": \"ping\"}");
  g_clear_pointer (&answer, json_node_unref);
  answer = mcp_sse_client_call_tool_finish (fixture->client, call, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"method\": \"tools/call\"}");
  g_clear_pointer (&answer, json_node_unref);
  answer = mcp_sse_client_get_prompt_finish (fixture->client, prompt, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"method\": \"prompts/get\"}");
}

/* Progress */

typedef struct
{
  guint count;
  gint64 token;
  double progress;
  double total;
  char *message;
} ProgressLog;

static void
on_progress (McpSseClient *client,
             JsonNode     *token,
             double        progress,
             double        total,
             const char   *message,
             ProgressLog  *log)
{
  log->count++;
  log->token = json_node_get_int (token);
  log->progress = progress;
  log->total = total;
  g_free (log->message);
  log->message = g_strdup (message);
}

static void
count_calls (gpointer  instance,
             gpointer  a,
             gpointer  b,
             guint    *count)
{
  (*count)++;
}

static void
test_progress (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(JsonNode) arguments = parse ("{\"steps\": 3}");
  g_autoptr(JsonNode) params = parse ("{\"q\": 1, \"_meta\": {\"other\": \"kept\"}}");
  g_autoptr(GAsyncResult) unwatched = NULL;
  g_autoptr(GAsyncResult) watched = NULL;
  g_autoptr(GAsyncResult) direct = NULL;
  ProgressLog log = { 0, };
  guint notifications = 0;
  JsonNode *sent;
  gint64 token;
  gulong handler;

  connect_client (fixture);
  g_signal_connect (fixture->client, "notification::notifications/progress",
                    G_CALLBACK (count_calls), &notifications);

  /* No handler: no token. */
  mcp_sse_client_call_tool_async (fixture->client, "work", arguments, NULL, store_result, &unwatched);
  sent = fake_transport_find_sent (fixture->transport, "tools/call", 0);
  assert_json (member (sent, "params"), "{\"name\": \"work\", \"arguments\": {\"steps\": 3}}");

  handler = g_signal_connect (fixture->client, "progress", G_CALLBACK (on_progress), &log);

  mcp_sse_client_call_tool_async (fixture->client, "work", arguments, NULL, store_result, &watched);
  sent = fake_transport_find_sent (fixture->transport, "tools/call", 1);
  token = int_at (sent, "params._meta.progressToken");
  g_assert_cmpstr (string_at (sent, "params.name"), ==, "work");
  assert_json (member (sent, "params.arguments"), "{\"steps\": 3}");

  mcp_sse_client_request_async (fixture->client, "test/direct", params, NULL, store_result, &direct);
  sent = fake_transport_find_sent (fixture->transport, "test/direct", 0);
  g_assert_cmpint (int_at (sent, "params._meta.progressToken"), !=, token);
  g_assert_cmpstr (string_at (sent, "params._meta.other"), ==, "kept");
  g_assert_cmpint (int_at (sent, "params.q"), ==, 1);
  /* The caller's params are left alone. */
  assert_json (params, "{\"q\": 1, \"_meta\": {\"other\": \"kept\"}}");

  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/progress\", \"params\": "
                                "{\"progressToken\": %" G_GINT64_FORMAT ", \"progress\": 1, \"total\": 3, "
                                "\"message\": \"one\"}}", token);
  g_assert_cmpuint (log.count, ==, 1);
  g_assert_cmpint (log.token, ==, token);
  g_assert_cmpfloat (log.progress, ==, 1);
  g_assert_cmpfloat (log.total, ==, 3);
  g_assert_cmpstr (log.message, ==, "one");

  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/progress\", \"params\": "
                                "{\"progressToken\": %" G_GINT64_FORMAT ", \"progress\": 2.5}}", token);
  g_assert_cmpuint (log.count, ==, 2);
  g_assert_cmpfloat (log.progress, ==, 2.5);
  g_assert_cmpfloat (log.total, ==, -1);
  g_assert_null (log.message);

  /* Tokens that are not ours. */
  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/progress\", \"params\": "
                         "{\"progressToken\": \"elsewhere\", \"progress\": 1}}");
  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/progress\", \"params\": "
                         "{\"progressToken\": 99999, \"progress\": 1}}");
  g_assert_cmpuint (log.count, ==, 2);
  g_assert_cmpuint (notifications, ==, 4);

  /* Once answered, the token is spent. */
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {}}",
                                int_at (fake_transport_find_sent (fixture->transport, "tools/call", 1), "id"));
  TEST_WAIT_UNTIL (watched != NULL);
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/progress\", \"params\": "
                                "{\"progressToken\": %" G_GINT64_FORMAT ", \"progress\": 3}}", token);
  g_assert_cmpuint (log.count, ==, 2);

  g_signal_handler_disconnect (fixture->client, handler);
  mcp_sse_client_stop (fixture->client);
  TEST_WAIT_UNTIL (unwatched != NULL && direct != NULL);
  g_free (log.message);
}

/* Lists over pages */

typedef struct
{
  Fixture *fixture;
  guint requests;
  const char *mode;             /* "three", "loop" or "endless" */
} Pager;

static void
serve_pages (FakeTransport *transport,
             JsonNode      *message,
             gpointer       user_data)
{
  Pager *pager = user_data;
  JsonNode *cursor_node = member (message, "params.cursor");
  const char *cursor = cursor_node != NULL ? json_node_get_string (cursor_node) : NULL;
  const char *method = string_at (message, "method");
  gint64 id;

  if (member (message, "id") == NULL)
    return;

  id = int_at (message, "id");
  pager->requests++;

  if (g_str_equal (pager->mode, "three"))
    {
      const char *key = g_str_equal (method, "tools/list") ? "tools"
                        : g_str_equal (method, "prompts/list") ? "prompts" : "resources";

      if (cursor == NULL)
        fake_transport_inject_printf (transport,
                                      "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": "
                                      "{\"%s\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"nextCursor\": \"p2\"}}",
                                      id, key);
      else if (g_str_equal (cursor, "p2"))
        fake_transport_inject_printf (transport,
                                      "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": "
                                      "{\"%s\": [{\"name\": \"c\"}], \"nextCursor\": \"p3\"}}",
                                      id, key);
      else
        fake_transport_inject_printf (transport,
                                      "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": "
                                      "{\"%s\": [{\"name\": \"d\"}]}}",
                                      id, key);
    }
  else if (g_str_equal (pager->mode, "loop"))
    fake_transport_inject_printf (transport,
                                  "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": "
                                  "{\"tools\": [], \"nextCursor\": \"%s\"}}",
                                  id, g_strcmp0 (cursor, "a") == 0 ? "b" : "a");
  else
    fake_transport_inject_printf (transport,
                                  "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": "
                                  "{\"tools\": [{\"name\": \"t%u\"}], \"nextCursor\": \"c%u\"}}",
                                  id, pager->requests, pager->requests);
}

static void
test_list_pages (Fixture       *fixture,
                 gconstpointer  user_data)
{
  Pager pager = { fixture, 0, "three" };
  g_autoptr(GAsyncResult) tools = NULL;
  g_autoptr(GAsyncResult) prompts = NULL;
  g_autoptr(GAsyncResult) resources = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  connect_client (fixture);
  fake_transport_set_handler (fixture->transport, serve_pages, &pager);

  mcp_sse_client_list_tools_async (fixture->client, NULL, store_result, &tools);
  TEST_WAIT_UNTIL (tools != NULL);
  answer = mcp_sse_client_list_tools_finish (fixture->client, tools, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"tools\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}, {\"name\": \"d\"}]}");
  g_clear_pointer (&answer, json_node_unref);

  g_assert_cmpuint (pager.requests, ==, 3);
  g_assert_null (member (fake_transport_find_sent (fixture->transport, "tools/list", 0), "params"));
  assert_json (member (fake_transport_find_sent (fixture->transport, "tools/list", 1), "params"),
               "{\"cursor\": \"p2\"}");
  assert_json (member (fake_transport_find_sent (fixture->transport, "tools/list", 2), "params"),
               "{\"cursor\": \"p3\"}");

  mcp_sse_client_list_prompts_async (fixture->client, NULL, store_result, &prompts);
  mcp_sse_client_list_resources_async (fixture->client, NULL, store_result, &resources);
  TEST_WAIT_UNTIL (prompts != NULL && resources != NULL);
  answer = mcp_sse_client_list_prompts_finish (fixture->client, prompts, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"prompts\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}, {\"name\": \"d\"}]}");
  g_clear_pointer (&answer, json_node_unref);
  answer = mcp_sse_client_list_resources_finish (fixture->client, resources, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"resources\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}, {\"name\": \"d\"}]}");
}

static void
test_list_loop (Fixture       *fixture,
                gconstpointer  user_data)
{
  Pager pager = { fixture, 0, "loop" };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  connect_client (fixture);
  fake_transport_set_handler (fixture->transport, serve_pages, &pager);

  mcp_sse_client_list_tools_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_null (mcp_sse_client_list_tools_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  g_assert_nonnull (strstr (error->message, "“a”"));
  /* No cursor, then a, then b, which names a again. */
  g_assert_cmpuint (pager.requests, ==, 3);
}

static void
test_list_bound (Fixture       *fixture,
                 gconstpointer  user_data)
{
  Pager pager = { fixture, 0, "endless" };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  connect_client (fixture);
  fake_transport_set_handler (fixture->transport, serve_pages, &pager);

  mcp_sse_client_list_tools_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_null (mcp_sse_client_list_tools_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  g_assert_cmpuint (pager.requests, ==, 1000);
}

static void
test_list_malformed (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  connect_client (fixture);
  mcp_sse_client_list_tools_async (fixture->client, NULL, store_result, &result);
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", "
                                "\"result\": {\"tools\": {}}}",
                                last_id (fixture, "tools/list"));
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_null (mcp_sse_client_list_tools_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
}

/* Requests from the server */

typedef struct
{
  McpSseClient *client;
  guint count;
  gboolean hold;                /* take every request, answer none */
  GPtrArray *held_ids;          /* JsonNode */
  JsonNode *later_id;
  GAsyncResult *reply_result;
} Answerer;

static gboolean
answer_later (gpointer user_data)
{
  Answerer *answerer = user_data;
  g_autoptr(JsonNode) result = parse ("{\"role\": \"assistant\", \"model\": \"m\", "
                                      "\"content\": {\"type\": \"text\", \"text\": \"hello\"}}");

  mcp_sse_client_reply_async (answerer->client, answerer->later_id, result, NULL,
                              store_result, &answerer->reply_result);
  return G_SOURCE_REMOVE;
}

static gboolean
on_request (McpSseClient *client,
            const char   *method,
            JsonNode     *id,
            JsonNode     *params,
            Answerer     *answerer)
{
  answerer->count++;

  if (answerer->hold)
    {
      g_ptr_array_add (answerer->held_ids, json_node_ref (id));
      return TRUE;
    }

  if (g_str_equal (method, "roots/list"))
    {
      g_autoptr(JsonNode) roots = parse ("{\"roots\": [{\"uri\": \"file:///home\"}]}");

      mcp_sse_client_reply_async (client, id, roots, NULL, NULL, NULL);
      return TRUE;
    }

  if (g_str_equal (method, "sampling/createMessage"))
    {
      answerer->later_id = json_node_ref (id);
      g_idle_add (answer_later, answerer);
      return TRUE;
    }

  if (g_str_equal (method, "elicitation/create"))
    {
      g_autoptr(JsonNode) data = parse ("{\"why\": \"test\"}");

      g_assert_cmpstr (string_at (params, "message"), ==, "Name?");
      mcp_sse_client_reply_error_async (client, id, -32000, "Declined", data, NULL, NULL, NULL);
      return TRUE;
    }

  return FALSE;
}

/* The reply sent for the request with @id_json, or NULL. */
static JsonNode *
find_reply (FakeTransport *transport,
            const char    *id_json)
{
  g_autoptr(JsonNode) want = parse (id_json);
  g_autofree char *want_text = json_to_string (want, FALSE);
  guint i;

  for (i = 0; i < fake_transport_get_n_sent (transport); i++)
    {
      JsonNode *message = fake_transport_get_sent (transport, i);
      JsonNode *id = member (message, "id");
      g_autofree char *text = NULL;

      if (id == NULL || member (message, "method") != NULL)
        continue;
      text = json_to_string (id, FALSE);
      if (g_str_equal (text, want_text))
        return message;
    }

  return NULL;
}

static void
test_server_requests (Fixture       *fixture,
                      gconstpointer  user_data)
{
  Answerer answerer = { fixture->client, 0, };
  g_autoptr(GAsyncResult) twice = NULL;
  g_autoptr(GAsyncResult) unknown = NULL;
  g_autoptr(JsonNode) stranger = parse ("\"nobody\"");
  g_autoptr(GError) error = NULL;
  JsonNode *reply;

  connect_client (fixture);
  g_signal_connect (fixture->client, "request", G_CALLBACK (on_request), &answerer);

  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"roots/list\"}");
  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"id\": \"s-1\", \"method\": \"sampling/createMessage\", "
                         "\"params\": {\"messages\": [], \"maxTokens\": 10}}");
  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"id\": 7.5, \"method\": \"elicitation/create\", "
                         "\"params\": {\"message\": \"Name?\", \"requestedSchema\": {}}}");
  g_assert_cmpuint (answerer.count, ==, 3);

  TEST_WAIT_UNTIL (answerer.reply_result != NULL);
  g_assert_true (mcp_sse_client_reply_finish (fixture->client, answerer.reply_result, &error));
  g_assert_no_error (error);

  reply = find_reply (fixture->transport, "5");
  assert_json (reply, "{\"jsonrpc\": \"2.0\", \"id\": 5, \"result\": {\"roots\": [{\"uri\": \"file:///home\"}]}}");
  reply = find_reply (fixture->transport, "\"s-1\"");
  g_assert_nonnull (reply);
  g_assert_cmpstr (string_at (reply, "result.content.text"), ==, "hello");
  reply = find_reply (fixture->transport, "7.5");
  assert_json (reply, "{\"jsonrpc\": \"2.0\", \"id\": 7.5, \"error\": "
                      "{\"code\": -32000, \"message\": \"Declined\", \"data\": {\"why\": \"test\"}}}");
  g_assert_null (find_reply (fixture->transport, "\"5\""));

  /* Each request is answered once; unknown ids are refused. */
  mcp_sse_client_reply_async (fixture->client, answerer.later_id, NULL, NULL, store_result, &twice);
  mcp_sse_client_reply_error_async (fixture->client, stranger, -1, "x", NULL, NULL, store_result, &unknown);
  TEST_WAIT_UNTIL (twice != NULL && unknown != NULL);
  g_assert_false (mcp_sse_client_reply_finish (fixture->client, twice, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (mcp_sse_client_reply_error_finish (fixture->client, unknown, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  json_node_unref (answerer.later_id);
  g_object_unref (answerer.reply_result);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

static void
test_server_request_unhandled (Fixture       *fixture,
                               gconstpointer  user_data)
{
  Answerer answerer = { fixture->client, 0, };
  JsonNode *reply;

  connect_client (fixture);

  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"roots/list\"}");
  reply = find_reply (fixture->transport, "1");
  g_assert_cmpint (int_at (reply, "error.code"), ==, MCP_SSE_JSONRPC_ERROR_METHOD_NOT_FOUND);
  g_assert_cmpstr (string_at (reply, "error.message"), ==, "Method not found");

  /* A handler that declines is the same as none. */
  g_signal_connect (fixture->client, "request", G_CALLBACK (on_request), &answerer);
  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"id\": \"x\", \"method\": \"custom/thing\"}");
  g_assert_cmpuint (answerer.count, ==, 1);
  reply = find_reply (fixture->transport, "\"x\"");
  g_assert_cmpint (int_at (reply, "error.code"), ==, MCP_SSE_JSONRPC_ERROR_METHOD_NOT_FOUND);
}

static void
test_server_ping (Fixture       *fixture,
                  gconstpointer  user_data)
{
  Answerer answerer = { fixture->client, 0, };

  connect_client (fixture);
  g_signal_connect (fixture->client, "request", G_CALLBACK (on_request), &answerer);

  fake_transport_inject (fixture->transport, "{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": \"ping\"}");
  assert_json (find_reply (fixture->transport, "9"), "{\"jsonrpc\": \"2.0\", \"id\": 9, \"result\": {}}");
  g_assert_cmpuint (answerer.count, ==, 0);
}

static void
test_server_request_limit (Fixture       *fixture,
                           gconstpointer  user_data)
{
  Answerer answerer = { fixture->client, 0, TRUE };
  g_autoptr(GAsyncResult) reply_result = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *reply;
  guint i;

  answerer.held_ids = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  connect_client (fixture);
  g_signal_connect (fixture->client, "request", G_CALLBACK (on_request), &answerer);

  for (i = 0; i < 257; i++)
    fake_transport_inject_printf (fixture->transport,
                                  "{\"jsonrpc\": \"2.0\", \"id\": %u, \"method\": \"roots/list\"}", 1000 + i);
  g_assert_cmpuint (answerer.count, ==, 256);

  reply = find_reply (fixture->transport, "1256");
  g_assert_nonnull (reply);
  g_assert_cmpint (int_at (reply, "error.code"), ==, MCP_SSE_JSONRPC_ERROR_INTERNAL_ERROR);
  g_assert_null (find_reply (fixture->transport, "1255"));

  /* An answer frees a place. */
  mcp_sse_client_reply_async (fixture->client, g_ptr_array_index (answerer.held_ids, 0), NULL,
                              NULL, store_result, &reply_result);
  TEST_WAIT_UNTIL (reply_result != NULL);
  g_assert_true (mcp_sse_client_reply_finish (fixture->client, reply_result, &error));
  g_assert_no_error (error);
  fake_transport_inject (fixture->transport, "{\"jsonrpc\": \"2.0\", \"id\": 2000, \"method\": \"roots/list\"}");
  g_assert_cmpuint (answerer.count, ==, 257);

  /* So does the server cancelling one. */
  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/cancelled\", "
                         "\"params\": {\"requestId\": 1001}}");
  fake_transport_inject (fixture->transport, "{\"jsonrpc\": \"2.0\", \"id\": 2001, \"method\": \"roots/list\"}");
  g_assert_cmpuint (answerer.count, ==, 258);
  g_assert_null (find_reply (fixture->transport, "2001"));

  g_ptr_array_unref (answerer.held_ids);
}

/* Notifications and protocol errors */

typedef struct
{
  guint count;
  char *method;
  gboolean had_params;
} NotificationLog;

static void
on_notification (McpSseClient    *client,
                 const char      *method,
                 JsonNode        *params,
                 NotificationLog *log)
{
  log->count++;
  g_free (log->method);
  log->method = g_strdup (method);
  log->had_params = params != NULL;
}

static void
test_notification_detailed (Fixture       *fixture,
                            gconstpointer  user_data)
{
  NotificationLog all = { 0, }, list_changed = { 0, };

  connect_client (fixture);
  g_signal_connect (fixture->client, "notification",
                    G_CALLBACK (on_notification), &all);
  g_signal_connect (fixture->client, "notification::notifications/tools/list_changed",
                    G_CALLBACK (on_notification), &list_changed);

  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/tools/list_changed\"}");
  g_assert_cmpuint (list_changed.count, ==, 1);
  g_assert_cmpstr (list_changed.method, ==, "notifications/tools/list_changed");
  g_assert_false (list_changed.had_params);
  g_assert_cmpuint (all.count, ==, 1);

  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/message\", "
                         "\"params\": {\"level\": \"info\", \"data\": \"hi\"}}");
  g_assert_cmpuint (all.count, ==, 2);
  g_assert_true (all.had_params);

  /* A name no one asked for reaches undetailed handlers only, and is
   * never interned. */
  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"method\": \"x-test/a-name-never-interned\"}");
  g_assert_cmpuint (all.count, ==, 3);
  g_assert_cmpstr (all.method, ==, "x-test/a-name-never-interned");
  g_assert_cmpuint (list_changed.count, ==, 1);
  g_assert_cmpuint (g_quark_try_string ("x-test/a-name-never-interned"), ==, 0);

  g_assert_cmpuint (fixture->errors->len, ==, 0);
  g_free (all.method);
  g_free (list_changed.method);
}

static void
test_invalid_messages (Fixture       *fixture,
                       gconstpointer  user_data)
{
  static const char * const invalid[] = {
    "{\"jsonrpc\": \"2.0\", \"id\": 12345, \"result\": {}}",
    "{\"jsonrpc\": \"2.0\", \"id\": null, \"error\": {\"code\": -32700, \"message\": \"Parse error\"}}",
    "{\"jsonrpc\": \"2.0\", \"id\": 1}",
    "{\"jsonrpc\": \"2.0\"}",
    "{\"jsonrpc\": \"1.0\", \"method\": \"notifications/message\"}",
    "{\"jsonrpc\": \"2.0\", \"method\": 3}",
    "{\"jsonrpc\": \"2.0\", \"id\": {}, \"method\": \"roots/list\"}",
    "42",
    "[]",
  };
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  guint i;

  connect_client (fixture);

  for (i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      fake_transport_inject (fixture->transport, invalid[i]);
      g_assert_cmpuint (fixture->errors->len, ==, i + 1);
      g_assert_true (g_error_matches (g_ptr_array_index (fixture->errors, i),
                                      MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE));
    }
  g_assert_nonnull (strstr (((GError *) g_ptr_array_index (fixture->errors, 0))->message, "12345"));
  g_assert_nonnull (strstr (((GError *) g_ptr_array_index (fixture->errors, 1))->message, "Parse error"));

  /* A batch is taken apart. */
  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &first);
  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &second);
  fake_transport_inject_printf (fixture->transport,
                                "[{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {}},"
                                " {\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {}}]",
                                last_id (fixture, "ping") - 1, last_id (fixture, "ping"));
  TEST_WAIT_UNTIL (first != NULL && second != NULL);
  g_assert_cmpuint (fixture->errors->len, ==, G_N_ELEMENTS (invalid));
}

/* Closing */

static void
test_close_fails_pending (Fixture       *fixture,
                          gconstpointer  user_data)
{
  Answerer answerer = { fixture->client, 0, TRUE };
  g_autoptr(GError) closed = g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED, "EOF");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) reply = NULL;
  g_autoptr(GAsyncResult) reconnected = NULL;
  g_autoptr(GError) error = NULL;

  answerer.held_ids = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  connect_client (fixture);
  g_signal_connect (fixture->client, "request", G_CALLBACK (on_request), &answerer);
  fake_transport_inject (fixture->transport, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"roots/list\"}");

  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &first);
  mcp_sse_client_call_tool_async (fixture->client, "t", NULL, NULL, store_result, &second);
  TEST_WAIT_UNTIL (fake_transport_get_n_sent (fixture->transport) == 4);
  test_drain_main_context ();

  /* At once: no timer is waited for. */
  fake_transport_close (fixture->transport, closed);
  test_drain_main_context ();
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  g_assert_null (mcp_sse_client_ping_finish (fixture->client, first, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_null (mcp_sse_client_call_tool_finish (fixture->client, second, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  g_clear_error (&error);

  /* The server's requests went with the connection. */
  mcp_sse_client_reply_async (fixture->client, g_ptr_array_index (answerer.held_ids, 0), NULL,
                              NULL, store_result, &reply);
  TEST_WAIT_UNTIL (reply != NULL);
  g_assert_false (mcp_sse_client_reply_finish (fixture->client, reply, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A new connection needs a new handshake. */
  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &reconnected);
  TEST_WAIT_UNTIL (reconnected != NULL);
  g_assert_true (mcp_sse_client_connect_finish (fixture->client, reconnected, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake_transport_get_n_starts (fixture->transport), ==, 2);
  g_assert_cmpuint (fake_transport_count_sent (fixture->transport, "initialize"), ==, 2);

  g_ptr_array_unref (answerer.held_ids);
}

static void
test_stop_cancels_pending (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  connect_client (fixture);
  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (fake_transport_count_sent (fixture->transport, "ping") == 1);
  test_drain_main_context ();

  mcp_sse_client_stop (fixture->client);
  test_drain_main_context ();
  g_assert_nonnull (result);
  g_assert_null (mcp_sse_client_ping_finish (fixture->client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (fixture->transport)), ==,
                   MCP_SSE_CONNECTION_STATE_CLOSED);

  /* Idempotent. */
  mcp_sse_client_stop (fixture->client);
}

static void
stop_client (McpSseClient *client,
             const char   *method,
             JsonNode     *params,
             gpointer      user_data)
{
  mcp_sse_client_stop (client);
}

static void
drop_client (McpSseClient *client,
             const char   *method,
             JsonNode     *params,
             Fixture      *fixture)
{
  g_clear_object (&fixture->client);
}

static void
test_handler_reentrancy (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gulong handler;
  gpointer weak;

  connect_client (fixture);

  /* stop() from a handler, with a request pending and a batch half done. */
  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (fake_transport_count_sent (fixture->transport, "ping") == 1);
  handler = g_signal_connect (fixture->client, "notification::notifications/stop",
                              G_CALLBACK (stop_client), NULL);
  fake_transport_inject (fixture->transport,
                         "[{\"jsonrpc\": \"2.0\", \"method\": \"notifications/stop\"},"
                         " {\"jsonrpc\": \"2.0\", \"id\": 77, \"result\": {}}]");
  TEST_WAIT_UNTIL (result != NULL);
  g_assert_null (mcp_sse_client_ping_finish (fixture->client, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
  g_signal_handler_disconnect (fixture->client, handler);
  g_clear_object (&result);   /* it holds the client */

  /* A handler drops the last reference. */
  connect_client (fixture);
  test_drain_main_context ();
  weak = fixture->client;
  g_object_add_weak_pointer (weak, &weak);
  g_signal_connect (fixture->client, "notification", G_CALLBACK (drop_client), fixture);
  fake_transport_inject (fixture->transport,
                         "[{\"jsonrpc\": \"2.0\", \"method\": \"notifications/a\"},"
                         " {\"jsonrpc\": \"2.0\", \"method\": \"notifications/b\"}]");
  g_assert_null (fixture->client);
  g_assert_null (weak);
}

/* Properties */

static void
test_properties (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(McpSseTransport) transport = NULL;
  double timeout;

  g_object_get (fixture->client, "transport", &transport, "request-timeout", &timeout, NULL);
  g_assert_true (transport == MCP_SSE_TRANSPORT (fixture->transport));
  g_assert_true (mcp_sse_client_get_transport (fixture->client) == transport);
  g_assert_cmpfloat (timeout, ==, MCP_SSE_CLIENT_DEFAULT_REQUEST_TIMEOUT);
  g_assert_null (mcp_sse_client_get_instructions (fixture->client));
  assert_json (mcp_sse_client_get_capabilities (fixture->client), "{}");

  mcp_sse_client_set_request_timeout (fixture->client, 0);
  g_assert_cmpfloat (mcp_sse_client_get_request_timeout (fixture->client), ==, 0);

  g_test_expect_message ("McpSse", G_LOG_LEVEL_CRITICAL, "*request_timeout >= 0*");
  mcp_sse_client_set_request_timeout (fixture->client, -1);
  g_test_assert_expected_messages ();
  g_assert_cmpfloat (mcp_sse_client_get_request_timeout (fixture->client), ==, 0);
}

/* Hardening */

/* Progress per call */

typedef struct
{
  ProgressLog log;
  char *token_text;
  guint destroyed;
} CallProgress;

static void
on_call_progress (McpSseClient *client,
                  JsonNode     *token,
                  double        progress,
                  double        total,
                  const char   *message,
                  gpointer      user_data)
{
  CallProgress *call = user_data;

  call->log.count++;
  call->log.progress = progress;
  call->log.total = total;
  g_free (call->log.message);
  call->log.message = g_strdup (message);
  g_free (call->token_text);
  call->token_text = json_to_string (token, FALSE);
}

static void
on_call_progress_destroyed (gpointer user_data)
{
  CallProgress *call = user_data;

  call->destroyed++;
}

static void
call_progress_clear (CallProgress *call)
{
  g_free (call->log.message);
  g_free (call->token_text);
}

static void
inject_progress (Fixture    *fixture,
                 JsonNode   *token,
                 double      progress)
{
  g_autofree char *token_text = json_to_string (token, FALSE);

  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/progress\", \"params\": "
                                "{\"progressToken\": %s, \"progress\": %g, \"total\": 10}}",
                                token_text, progress);
}

static void
count_progress (McpSseClient *client,
                JsonNode     *token,
                double        progress,
                double        total,
                const char   *message,
                guint        *count)
{
  (*count)++;
}

static void
test_progress_per_call (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(JsonNode) own_params = parse ("{\"_meta\": {\"progressToken\": \"mine\"}}");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) own = NULL;
  g_autoptr(GAsyncResult) clash = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  CallProgress a = { { 0, }, }, b = { { 0, }, }, c = { { 0, }, }, d = { { 0, }, };
  JsonNode *sent_a, *sent_b, *sent_c, *token_a, *token_b;
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;
  guint signalled = 0;
  guint n_sent;

  connect_client (fixture);
  g_signal_connect (fixture->client, "progress", G_CALLBACK (count_progress), &signalled);

  mcp_sse_client_call_tool_with_progress_async (fixture->client, "slow", NULL,
                                                on_call_progress, &a, on_call_progress_destroyed,
                                                NULL, store_result, &first);
  mcp_sse_client_call_tool_with_progress_async (fixture->client, "slow", NULL,
                                                on_call_progress, &b, on_call_progress_destroyed,
                                                NULL, store_result, &second);
  mcp_sse_client_request_with_progress_async (fixture->client, "test/own", own_params,
                                              on_call_progress, &c, on_call_progress_destroyed,
                                              NULL, store_result, &own);

  sent_a = fake_transport_find_sent (fixture->transport, "tools/call", 0);
  sent_b = fake_transport_find_sent (fixture->transport, "tools/call", 1);
  sent_c = fake_transport_find_sent (fixture->transport, "test/own", 0);
  token_a = member (sent_a, "params._meta.progressToken");
  token_b = member (sent_b, "params._meta.progressToken");
  g_assert_nonnull (token_a);
  g_assert_nonnull (token_b);
  text_a = json_to_string (token_a, FALSE);
  text_b = json_to_string (token_b, FALSE);
  g_assert_cmpstr (text_a, !=, text_b);
  /* The caller's own token is kept as it is. */
  assert_json (member (sent_c, "params"), "{\"_meta\": {\"progressToken\": \"mine\"}}");

  /* A token is no request id: it stays when a request is sent again. */
  g_assert_false (json_node_equal (token_a, member (sent_a, "id")));
  g_assert_false (json_node_equal (token_b, member (sent_b, "id")));

  /* Each call hears of its own progress only; ::progress of all. */
  inject_progress (fixture, token_b, 1);
  inject_progress (fixture, token_b, 2);
  inject_progress (fixture, token_a, 5);
  inject_progress (fixture, member (sent_c, "params._meta.progressToken"), 7);
  g_assert_cmpuint (a.log.count, ==, 1);
  g_assert_cmpfloat (a.log.progress, ==, 5);
  g_assert_cmpstr (a.token_text, ==, text_a);
  g_assert_cmpuint (b.log.count, ==, 2);
  g_assert_cmpfloat (b.log.progress, ==, 2);
  g_assert_cmpfloat (b.log.total, ==, 10);
  g_assert_cmpstr (b.token_text, ==, text_b);
  g_assert_cmpuint (c.log.count, ==, 1);
  g_assert_cmpstr (c.token_text, ==, "\"mine\"");
  g_assert_cmpuint (signalled, ==, 4);

  /* A token in use by another request is refused, and nothing is sent. */
  n_sent = fake_transport_get_n_sent (fixture->transport);
  mcp_sse_client_request_with_progress_async (fixture->client, "test/clash", own_params,
                                              on_call_progress, &d, on_call_progress_destroyed,
                                              NULL, store_result, &clash);
  TEST_WAIT_UNTIL (clash != NULL);
  g_assert_null (mcp_sse_client_request_with_progress_finish (fixture->client, clash, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (d.destroyed, ==, 1);
  g_assert_cmpuint (d.log.count, ==, 0);
  g_assert_cmpuint (fake_transport_get_n_sent (fixture->transport), ==, n_sent);

  /* Once answered, a call's callback is released and hears no more. */
  g_assert_cmpuint (a.destroyed, ==, 0);
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {\"n\": 1}}",
                                int_at (sent_a, "id"));
  TEST_WAIT_UNTIL (first != NULL);
  g_assert_cmpuint (a.destroyed, ==, 1);
  answer = mcp_sse_client_call_tool_with_progress_finish (fixture->client, first, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"n\": 1}");
  inject_progress (fixture, token_a, 6);
  g_assert_cmpuint (a.log.count, ==, 1);
  g_assert_cmpuint (signalled, ==, 4);

  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"result\": {}}",
                                int_at (sent_c, "id"));
  TEST_WAIT_UNTIL (own != NULL);
  g_clear_pointer (&answer, json_node_unref);
  answer = mcp_sse_client_request_with_progress_finish (fixture->client, own, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (c.destroyed, ==, 1);

  mcp_sse_client_stop (fixture->client);
  TEST_WAIT_UNTIL (second != NULL);
  g_assert_cmpuint (b.destroyed, ==, 1);
  g_assert_null (mcp_sse_client_call_tool_with_progress_finish (fixture->client, second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  call_progress_clear (&a);
  call_progress_clear (&b);
  call_progress_clear (&c);
  call_progress_clear (&d);
}

/* A caller's own progress token, through the 1.0 API. */
static void
test_progress_own_token (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(JsonNode) params = parse ("{\"q\": 1, \"_meta\": {\"progressToken\": \"job-7\"}}");
  g_autoptr(GAsyncResult) result = NULL;
  ProgressLog log = { 0, };
  JsonNode *sent;

  connect_client (fixture);
  g_signal_connect (fixture->client, "progress", G_CALLBACK (on_progress), &log);

  mcp_sse_client_request_async (fixture->client, "test/own", params, NULL, store_result, &result);
  sent = fake_transport_find_sent (fixture->transport, "test/own", 0);
  assert_json (member (sent, "params"), "{\"q\": 1, \"_meta\": {\"progressToken\": \"job-7\"}}");

  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/progress\", \"params\": "
                         "{\"progressToken\": \"job-7\", \"progress\": 3}}");
  g_assert_cmpuint (log.count, ==, 1);
  g_assert_cmpfloat (log.progress, ==, 3);

  mcp_sse_client_stop (fixture->client);
  TEST_WAIT_UNTIL (result != NULL);
  g_free (log.message);
}

/* Cancellation order */

static void
test_request_cancel_before_accepted (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(GError) refused = g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS, "503");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) cancellable2 = g_cancellable_new ();
  g_autoptr(GAsyncResult) accepted = NULL;
  g_autoptr(GAsyncResult) refused_result = NULL;
  g_autoptr(GAsyncResult) later = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *notice;
  gint64 id;

  connect_client (fixture);
  fake_transport_set_hold_sends (fixture->transport, TRUE);

  /* Cancelled while its send runs: it fails at once, but the notice
   * waits until the request was accepted. */
  mcp_sse_client_call_tool_async (fixture->client, "slow", NULL, cancellable, store_result, &accepted);
  id = last_id (fixture, "tools/call");
  TEST_WAIT_UNTIL (fake_transport_get_n_held (fixture->transport) == 1);
  g_cancellable_cancel (cancellable);
  TEST_WAIT_UNTIL (accepted != NULL);
  g_assert_null (mcp_sse_client_call_tool_finish (fixture->client, accepted, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  test_drain_main_context ();
  g_assert_cmpuint (fake_transport_count_sent (fixture->transport, "notifications/cancelled"), ==, 0);

  fake_transport_set_hold_sends (fixture->transport, FALSE);
  g_assert_cmpuint (fake_transport_release_sends (fixture->transport, NULL), ==, 1);
  TEST_WAIT_UNTIL (fake_transport_count_sent (fixture->transport, "notifications/cancelled") > 0);
  g_assert_cmpuint (fake_transport_count_sent (fixture->transport, "notifications/cancelled"), ==, 1);
  notice = fake_transport_find_sent (fixture->transport, "notifications/cancelled", 0);
  g_assert_cmpint (int_at (notice, "params.requestId"), ==, id);
  g_assert_true (fake_transport_get_sent (fixture->transport,
                                          fake_transport_get_n_sent (fixture->transport) - 1) == notice);

  /* Cancelled while its send runs, and the send fails: no notice ever. */
  TEST_WAIT_UNTIL (fake_transport_get_n_in_flight (fixture->transport) == 0);
  fake_transport_set_hold_sends (fixture->transport, TRUE);
  mcp_sse_client_ping_async (fixture->client, cancellable2, store_result, &refused_result);
  TEST_WAIT_UNTIL (fake_transport_get_n_held (fixture->transport) == 1);
  g_cancellable_cancel (cancellable2);
  TEST_WAIT_UNTIL (refused_result != NULL);
  g_assert_null (mcp_sse_client_ping_finish (fixture->client, refused_result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  fake_transport_set_hold_sends (fixture->transport, FALSE);
  g_assert_cmpuint (fake_transport_release_sends (fixture->transport, refused), ==, 1);

  /* A later request goes, and nothing went before it. */
  fixture->answer_all = TRUE;
  mcp_sse_client_request_async (fixture->client, "test/later", NULL, NULL, store_result, &later);
  TEST_WAIT_UNTIL (later != NULL);
  g_assert_cmpuint (fake_transport_count_sent (fixture->transport, "notifications/cancelled"), ==, 1);
  g_assert_cmpuint (fixture->errors->len, ==, 0);
}

/* Error details */

static void
assert_details_data (GAsyncResult *result,
                     const char   *expected)
{
  g_autoptr(McpSseErrorDetails) details = mcp_sse_error_details_dup_for_result (result);

  g_assert_nonnull (details);
  assert_json (mcp_sse_error_details_get_data (details), expected);
}

static void
answer_error (Fixture    *fixture,
              const char *method)
{
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"error\": "
                                "{\"code\": -32000, \"message\": \"No\", \"data\": {\"method\": \"%s\"}}}",
                                last_id (fixture, method), method);
}

static void
test_error_details (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) refused = g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS, "413");
  g_autoptr(GAsyncResult) call = NULL;
  g_autoptr(GAsyncResult) request = NULL;
  g_autoptr(GAsyncResult) tools = NULL;
  g_autoptr(GAsyncResult) plain = NULL;
  g_autoptr(GAsyncResult) unsent = NULL;
  g_autoptr(GAsyncResult) note = NULL;
  g_autoptr(McpSseErrorDetails) details = NULL;
  g_autoptr(GError) error = NULL;

  connect_client (fixture);

  mcp_sse_client_call_tool_async (fixture->client, "t", NULL, NULL, store_result, &call);
  answer_error (fixture, "tools/call");
  mcp_sse_client_request_async (fixture->client, "test/x", NULL, NULL, store_result, &request);
  answer_error (fixture, "test/x");
  mcp_sse_client_list_tools_async (fixture->client, NULL, store_result, &tools);
  TEST_WAIT_UNTIL (fake_transport_count_sent (fixture->transport, "tools/list") == 1);
  answer_error (fixture, "tools/list");
  TEST_WAIT_UNTIL (call != NULL && request != NULL && tools != NULL);

  g_assert_null (mcp_sse_client_call_tool_finish (fixture->client, call, &error));
  g_assert_error (error, MCP_SSE_JSONRPC_ERROR, -32000);
  g_clear_error (&error);
  assert_details_data (call, "{\"method\": \"tools/call\"}");
  assert_details_data (request, "{\"method\": \"test/x\"}");
  assert_details_data (tools, "{\"method\": \"tools/list\"}");

  /* No data: no details. */
  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &plain);
  fake_transport_inject_printf (fixture->transport,
                                "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", \"error\": "
                                "{\"code\": -32000, \"message\": \"No\"}}", last_id (fixture, "ping"));
  TEST_WAIT_UNTIL (plain != NULL);
  details = mcp_sse_error_details_dup_for_result (plain);
  g_assert_null (details);

  /* A refused send passes on what the transport knew. */
  fake_transport_set_send_error (fixture->transport, refused);
  fake_transport_set_send_error_http (fixture->transport, 413, "too big");
  mcp_sse_client_request_async (fixture->client, "test/big", NULL, NULL, store_result, &unsent);
  mcp_sse_client_notify_async (fixture->client, "test/note", NULL, NULL, store_result, &note);
  TEST_WAIT_UNTIL (unsent != NULL && note != NULL);
  g_assert_null (mcp_sse_client_request_finish (fixture->client, unsent, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_clear_error (&error);
  details = mcp_sse_error_details_dup_for_result (unsent);
  g_assert_nonnull (details);
  g_assert_cmpuint (mcp_sse_error_details_get_http_status (details), ==, 413);
  g_assert_cmpmem (g_bytes_get_data (mcp_sse_error_details_get_http_body (details), NULL),
                   g_bytes_get_size (mcp_sse_error_details_get_http_body (details)), "too big", 7);
  g_clear_pointer (&details, mcp_sse_error_details_unref);
  details = mcp_sse_error_details_dup_for_result (note);
  g_assert_nonnull (details);
  g_assert_cmpuint (mcp_sse_error_details_get_http_status (details), ==, 413);
  fake_transport_set_send_error (fixture->transport, NULL);
}

static void
test_connect_error_details (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fake_transport_set_handler (fixture->transport, NULL, NULL);
  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &result);
  TEST_WAIT_UNTIL (fake_transport_get_n_sent (fixture->transport) == 1);
  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"id\": 1, \"error\": "
                         "{\"code\": -32602, \"message\": \"Unsupported\", "
                         "\"data\": {\"supported\": [\"2024-11-05\"]}}}");
  TEST_WAIT_UNTIL (result != NULL);

  g_assert_false (mcp_sse_client_connect_finish (fixture->client, result, &error));
  g_assert_error (error, MCP_SSE_JSONRPC_ERROR, MCP_SSE_JSONRPC_ERROR_INVALID_PARAMS);
  assert_details_data (result, "{\"supported\": [\"2024-11-05\"]}");
}

/* The client's ::closed */

typedef struct
{
  guint count;
  GError *error;
  GAsyncResult **pending;       /* the result of a request, set by then */
  gboolean pending_done;
} ClosedLog;

static void
on_closed (McpSseClient *client,
           const GError *error,
           ClosedLog    *log)
{
  log->count++;
  g_clear_error (&log->error);
  log->error = error != NULL ? g_error_copy (error) : NULL;
  log->pending_done = log->pending != NULL && *log->pending != NULL;
}

/* From a main-loop source, as a real transport does: then a request's
 * callback runs as soon as the request fails. */
static void
close_in_idle (gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GError) eof = g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED, "EOF");

  fake_transport_close (fixture->transport, eof);
}

static void
stop_in_idle (gpointer user_data)
{
  Fixture *fixture = user_data;

  mcp_sse_client_stop (fixture->client);
}

static void
test_closed (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) eof = g_error_new_literal (MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED, "EOF");
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) failed = NULL;
  g_autoptr(GError) error = NULL;
  ClosedLog log = { 0, };

  g_signal_connect (fixture->client, "closed", G_CALLBACK (on_closed), &log);

  /* The transport closes: its reason, after the pending requests failed. */
  connect_client (fixture);
  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &first);
  TEST_WAIT_UNTIL (fake_transport_count_sent (fixture->transport, "ping") == 1);
  test_drain_main_context ();
  log.pending = &first;
  g_idle_add_once (close_in_idle, fixture);
  TEST_WAIT_UNTIL (log.count > 0);
  g_assert_cmpuint (log.count, ==, 1);
  g_assert_error (log.error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  g_assert_true (log.pending_done);
  mcp_sse_client_stop (fixture->client);
  test_drain_main_context ();
  g_assert_cmpuint (log.count, ==, 1);

  /* stop(): NULL, once. */
  connect_client (fixture);
  mcp_sse_client_ping_async (fixture->client, NULL, store_result, &second);
  TEST_WAIT_UNTIL (fake_transport_count_sent (fixture->transport, "ping") == 2);
  test_drain_main_context ();
  log.pending = &second;
  g_idle_add_once (stop_in_idle, fixture);
  TEST_WAIT_UNTIL (log.count > 1);
  g_assert_cmpuint (log.count, ==, 2);
  g_assert_null (log.error);
  g_assert_true (log.pending_done);
  mcp_sse_client_stop (fixture->client);
  test_drain_main_context ();
  g_assert_cmpuint (log.count, ==, 2);
  log.pending = NULL;

  /* A connect that fails has no session to close. */
  fake_transport_set_handler (fixture->transport, NULL, NULL);
  mcp_sse_client_connect_async (fixture->client, NULL, store_result, &failed);
  TEST_WAIT_UNTIL (fake_transport_count_sent (fixture->transport, "initialize") == 3);
  fake_transport_close (fixture->transport, eof);
  TEST_WAIT_UNTIL (failed != NULL);
  g_assert_false (mcp_sse_client_connect_finish (fixture->client, failed, &error));
  test_drain_main_context ();
  g_assert_cmpuint (log.count, ==, 2);

  g_clear_error (&log.error);
}

/* A client without a transport */

static void
count_destroy (gpointer data)
{
  (*(guint *) data)++;
}

static void
test_no_transport (void)
{
  g_autoptr(McpSseClient) client = g_object_new (MCP_SSE_TYPE_CLIENT, NULL);
  g_autoptr(JsonNode) id = parse ("1");
  GAsyncResult *results[7] = { NULL, };
  g_autoptr(GError) error = NULL;
  guint destroyed = 0;
  guint i;

  g_assert_null (mcp_sse_client_get_transport (client));

  mcp_sse_client_connect_async (client, NULL, store_result, &results[0]);
  mcp_sse_client_request_async (client, "x", NULL, NULL, store_result, &results[1]);
  mcp_sse_client_call_tool_with_progress_async (client, "t", NULL, on_call_progress, &destroyed,
                                                count_destroy, NULL, store_result, &results[2]);
  mcp_sse_client_list_tools_async (client, NULL, store_result, &results[3]);
  mcp_sse_client_notify_async (client, "n", NULL, NULL, store_result, &results[4]);
  mcp_sse_client_reply_async (client, id, NULL, NULL, store_result, &results[5]);
  mcp_sse_client_ping_async (client, NULL, store_result, &results[6]);
  mcp_sse_client_stop (client);
  TEST_WAIT_UNTIL (results[0] && results[1] && results[2] && results[3] &&
                   results[4] && results[5] && results[6]);

  g_assert_false (mcp_sse_client_connect_finish (client, results[0], &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);
  g_assert_cmpuint (destroyed, ==, 1);
  for (i = 1; i < G_N_ELEMENTS (results); i++)
    {
      g_assert_false (g_task_propagate_boolean (G_TASK (results[i]), &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
      g_clear_error (&error);
    }

  for (i = 0; i < G_N_ELEMENTS (results); i++)
    g_object_unref (results[i]);
}

/* ::request is detailed, and its arguments outlive the emission */

typedef struct
{
  guint count;
  JsonNode *id;
  JsonNode *params;
} KeptRequest;

static gboolean
keep_request (McpSseClient *client,
              const char   *method,
              JsonNode     *id,
              JsonNode     *params,
              KeptRequest  *kept)
{
  kept->count++;
  g_clear_pointer (&kept->id, json_node_unref);
  g_clear_pointer (&kept->params, json_node_unref);
  kept->id = json_node_ref (id);
  kept->params = params != NULL ? json_node_ref (params) : NULL;
  return TRUE;
}

static void
test_request_detailed (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) reply = NULL;
  g_autoptr(GError) error = NULL;
  KeptRequest roots = { 0, };
  JsonNode *answer;

  connect_client (fixture);
  g_signal_connect (fixture->client, "request::roots/list", G_CALLBACK (keep_request), &roots);

  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"id\": \"other\", \"method\": \"sampling/createMessage\"}");
  g_assert_cmpuint (roots.count, ==, 0);
  g_assert_cmpint (int_at (find_reply (fixture->transport, "\"other\""), "error.code"), ==,
                   MCP_SSE_JSONRPC_ERROR_METHOD_NOT_FOUND);

  fake_transport_inject (fixture->transport,
                         "{\"jsonrpc\": \"2.0\", \"id\": \"r-1\", \"method\": \"roots/list\", "
                         "\"params\": {\"a\": 1}}");
  g_assert_cmpuint (roots.count, ==, 1);
  test_drain_main_context ();

  /* Answered later, from what the handler kept. */
  assert_json (roots.params, "{\"a\": 1}");
  mcp_sse_client_reply_async (fixture->client, roots.id, NULL, NULL, store_result, &reply);
  TEST_WAIT_UNTIL (reply != NULL);
  g_assert_true (mcp_sse_client_reply_finish (fixture->client, reply, &error));
  g_assert_no_error (error);
  answer = find_reply (fixture->transport, "\"r-1\"");
  assert_json (answer, "{\"jsonrpc\": \"2.0\", \"id\": \"r-1\", \"result\": {}}");

  json_node_unref (roots.id);
  json_node_unref (roots.params);
}

/* Bounded server requests */

#define FLOOD_SIZE 100000

static void
inject_ping_flood (Fixture *fixture,
                   gint64   first_id,
                   guint    count,
                   gint64   answer_midway)
{
  guint i;

  for (i = 0; i < count; i++)
    {
      JsonObject *object = json_object_new ();
      g_autoptr(JsonNode) message = NULL;

      json_object_set_string_member (object, "jsonrpc", "2.0");
      json_object_set_int_member (object, "id", first_id + i);
      json_object_set_string_member (object, "method", "ping");
      message = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
      fake_transport_inject_node (fixture->transport, message);

      if (i == count / 2 && answer_midway > 0)
        fake_transport_inject_printf (fixture->transport,
                                      "{\"jsonrpc\": \"2.0\", \"id\": %" G_GINT64_FORMAT ", "
                                      "\"result\": {\"midway\": true}}", answer_midway);
    }
}

static guint
count_replies (FakeTransport *transport)
{
  guint i, count = 0;

  for (i = 0; i < fake_transport_get_n_sent (transport); i++)
    {
      JsonNode *message = fake_transport_get_sent (transport, i);

      if (member (message, "method") == NULL && member (message, "result") != NULL)
        count++;
    }

  return count;
}

static void
test_server_ping_flood (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GAsyncResult) before = NULL;
  g_autoptr(GAsyncResult) after = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint replies;

  connect_client (fixture);
  mcp_sse_client_request_async (fixture->client, "test/before", NULL, NULL, store_result, &before);
  TEST_WAIT_UNTIL (fake_transport_get_n_in_flight (fixture->transport) == 0);
  fake_transport_reset_peak_in_flight (fixture->transport);

  /* All in one go: the main loop does not run in between. */
  inject_ping_flood (fixture, 1, FLOOD_SIZE, last_id (fixture, "test/before"));

  g_assert_cmpuint (fake_transport_get_peak_in_flight (fixture->transport), <=, 256);
  g_assert_cmpuint (fake_transport_get_n_in_flight (fixture->transport), ==, 256);
  g_assert_cmpuint (fixture->errors->len, ==, 1);

  /* The application's request got its answer meanwhile. */
  TEST_WAIT_UNTIL (before != NULL);
  answer = mcp_sse_client_request_finish (fixture->client, before, &error);
  g_assert_no_error (error);
  assert_json (answer, "{\"midway\": true}");

  /* Other traffic flows, the replies drain, and nothing more is sent. */
  fixture->answer_all = TRUE;
  mcp_sse_client_request_async (fixture->client, "test/after", NULL, NULL, store_result, &after);
  TEST_WAIT_UNTIL (after != NULL && fake_transport_get_n_in_flight (fixture->transport) == 0);
  g_clear_pointer (&answer, json_node_unref);
  answer = mcp_sse_client_request_finish (fixture->client, after, &error);
  g_assert_no_error (error);
  replies = count_replies (fixture->transport);
  g_assert_cmpuint (replies, ==, 256);
  g_assert_cmpuint (fake_transport_get_n_sent (fixture->transport), <=, 256 + 8);

  /* Once drained, pings are answered again; another flood is reported again. */
  fake_transport_inject (fixture->transport, "{\"jsonrpc\": \"2.0\", \"id\": \"again\", \"method\": \"ping\"}");
  g_assert_nonnull (find_reply (fixture->transport, "\"again\""));
  TEST_WAIT_UNTIL (fake_transport_get_n_in_flight (fixture->transport) == 0);
  fake_transport_reset_peak_in_flight (fixture->transport);
  inject_ping_flood (fixture, FLOOD_SIZE + 1, 1000, 0);
  g_assert_cmpuint (fixture->errors->len, ==, 2);
  g_assert_cmpuint (fake_transport_get_peak_in_flight (fixture->transport), <=, 256);
}

static void
test_new_for_url (void)
{
  McpSseClient *client = mcp_sse_client_new_for_url ("http://127.0.0.1:1/sse");
  McpSseTransport *transport = mcp_sse_client_get_transport (client);

  g_assert_true (MCP_SSE_IS_CONNECTION_MANAGER (transport));
  g_object_add_weak_pointer (G_OBJECT (transport), (gpointer *) &transport);
  g_assert_finalize_object (client);
  g_assert_null (transport);
}

int
main (int   argc,
      char *argv[])
{
  static const char * const versions[] = { "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25" };
  guint i;

  test_init (&argc, &argv);

  for (i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autofree char *path = g_strdup_printf ("/client/connect/version/%s", versions[i]);

      g_test_add (path, Fixture, versions[i], fixture_set_up, test_connect_version, fixture_tear_down);
    }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/client/connect/unsupported", test_connect_unsupported);
  ADD ("/client/connect/settings", test_connect_settings);
  ADD ("/client/connect/server-error", test_connect_server_error);
  ADD ("/client/connect/waits-for-transport", test_connect_waits_for_transport);
  ADD ("/client/connect/transport-fails", test_connect_transport_fails);
  ADD ("/client/connect/timeout", test_connect_timeout);
  ADD ("/client/connect/cancel", test_connect_cancel);
  ADD ("/client/request/ids", test_request_ids);
  ADD ("/client/request/error-data", test_request_error_data);
  ADD ("/client/request/timeout", test_request_timeout);
  ADD ("/client/request/cancel", test_request_cancel);
  ADD ("/client/request/send-fails", test_request_send_fails);
  ADD ("/client/request/not-connected", test_request_not_connected);
  ADD ("/client/request/convenience", test_convenience);
  ADD ("/client/notify", test_notify);
  ADD ("/client/progress", test_progress);
  ADD ("/client/list/pages", test_list_pages);
  ADD ("/client/list/loop", test_list_loop);
  ADD ("/client/list/bound", test_list_bound);
  ADD ("/client/list/malformed", test_list_malformed);
  ADD ("/client/server-request/answered", test_server_requests);
  ADD ("/client/server-request/unhandled", test_server_request_unhandled);
  ADD ("/client/server-request/ping", test_server_ping);
  ADD ("/client/server-request/limit", test_server_request_limit);
  ADD ("/client/notification/detailed", test_notification_detailed);
  ADD ("/client/invalid-messages", test_invalid_messages);
  ADD ("/client/close/fails-pending", test_close_fails_pending);
  ADD ("/client/close/stop", test_stop_cancels_pending);
  ADD ("/client/handler-reentrancy", test_handler_reentrancy);
  ADD ("/client/properties", test_properties);
  ADD ("/client/progress/per-call", test_progress_per_call);
  ADD ("/client/progress/own-token", test_progress_own_token);
  ADD ("/client/request/cancel-before-accepted", test_request_cancel_before_accepted);
  ADD ("/client/request/error-details", test_error_details);
  ADD ("/client/connect/error-details", test_connect_error_details);
  ADD ("/client/closed", test_closed);
  ADD ("/client/server-request/detailed", test_request_detailed);
  ADD ("/client/server-request/ping-flood", test_server_ping_flood);
#undef ADD
  g_test_add_func ("/client/new-for-url", test_new_for_url);
  g_test_add_func ("/client/no-transport", test_no_transport);

  return g_test_run ();
}
