/* test-connection-manager.c: McpSseConnectionManager against a real SoupServer
 *
 * Every test runs a TestServer on loopback (its own thread) and drives the
 * manager on the test thread's main context. The fixture records every
 * signal, checks that each is emitted on the manager's thread, and at
 * teardown checks that ::closed fired exactly once per successful start,
 * that no ::error went unexamined, and that the manager and its session
 * are finalized.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-test-server.h"

#define ENDPOINT_PATH "/message"
#define ENDPOINT_EVENT "event: endpoint\ndata: /message?sessionId=abc\n\n"
#define STALL_MARKER "\"method\":\"stall\""
#define STALL_MESSAGE "{\"jsonrpc\":\"2.0\",\"method\":\"stall\"}"
#define PING_MESSAGE "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"

/* The most that a reaction to an event may take (seconds, scaled by
 * test_get_timeout_scale()). */
#define WITHIN_A_SECOND 1.0

typedef struct
{
  TestServer *server;
  McpSseConnectionManager *manager;
  gpointer weak_manager;
  gpointer weak_session;
  GThread *thread;

  GPtrArray *messages;
  GPtrArray *events;
  GPtrArray *errors;
  GArray *states;
  guint n_endpoint_notifies;
  GPtrArray *sent_uris;         /* of each request the session sent */

  guint n_started;
  guint n_closed;
  GError *closed_error;
  gint64 closed_at;
  McpSseConnectionState state_at_closed;

  gboolean in_stop;
  gboolean errors_checked;
  gboolean dropped_while_connected;

  /* Handlers that call stop() */
  gboolean stop_on_message;
  const char *stop_on_event_type;
} Fixture;

/* Helpers */

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static gint64
message_number (JsonNode *message)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (message));
  return json_object_get_int_member (json_node_get_object (message), "n");
}

static char *
sse_url (Fixture    *f,
         const char *path)
{
  return test_server_build_url (f->server, path);
}

/* A deadline of @timeout seconds fired: not early, and late by no more
 * than a reaction may take. */
static void
assert_fired_after (double elapsed,
                    double timeout)
{
  test_assert_elapsed (elapsed, timeout * 0.8, timeout / test_get_timeout_scale () + WITHIN_A_SECOND);
}

/* Recording signals */

static void
check_thread (Fixture *f)
{
  g_assert_true (g_thread_self () == f->thread);
}

static void
on_message (McpSseConnectionManager *manager,
            JsonNode                *message,
            Fixture                 *f)
{
  check_thread (f);
  g_ptr_array_add (f->messages, json_node_copy (message));
  if (f->stop_on_message)
    {
      mcp_sse_connection_manager_stop (manager);
      g_assert_cmpint (mcp_sse_connection_manager_get_state (manager), ==,
                       MCP_SSE_CONNECTION_STATE_CLOSED);
    }
}

static void
on_event (McpSseConnectionManager *manager,
          McpSseEvent             *event,
          Fixture                 *f)
{
  check_thread (f);
  g_ptr_array_add (f->events, mcp_sse_event_ref (event));
  if (f->stop_on_event_type != NULL &&
      g_str_equal (mcp_sse_event_get_event_type (event), f->stop_on_event_type))
    mcp_sse_connection_manager_stop (manager);
}

static void
on_error (McpSseConnectionManager *manager,
          GError                  *error,
          Fixture                 *f)
{
  check_thread (f);
  g_assert_nonnull (error);
  g_test_message ("::error %s %d: %s", g_quark_to_string (error->domain), error->code, error->message);
  g_ptr_array_add (f->errors, g_error_copy (error));
}

static void
on_closed (McpSseConnectionManager *manager,
           GError                  *error,
           Fixture                 *f)
{
  check_thread (f);
  g_test_message ("::closed %s", error != NULL ? error->message : "(no error)");
  f->n_closed++;
  f->closed_at = g_get_monotonic_time ();
  f->state_at_closed = mcp_sse_connection_manager_get_state (manager);
  g_clear_error (&f->closed_error);
  if (error != NULL)
    f->closed_error = g_error_copy (error);
}

static void
on_notify_state (McpSseConnectionManager *manager,
                 GParamSpec              *pspec,
                 Fixture                 *f)
{
  McpSseConnectionState state = mcp_sse_connection_manager_get_state (manager);

  check_thread (f);
  g_array_append_val (f->states, state);
}

static void
on_notify_endpoint (McpSseConnectionManager *manager,
                    GParamSpec              *pspec,
                    Fixture                 *f)
{
  check_thread (f);
  f->n_endpoint_notifies++;
}

/* Every request of the manager's session, redirections and other
 * restarts included, as it goes out. */
static void
on_session_message_starting (SoupMessage *msg,
                             Fixture     *f)
{
  check_thread (f);
  g_ptr_array_add (f->sent_uris, g_uri_to_string (soup_message_get_uri (msg)));
}

static void
on_session_request_queued (SoupSession *session,
                           SoupMessage *msg,
                           Fixture     *f)
{
  check_thread (f);
  g_signal_connect (msg, "starting", G_CALLBACK (on_session_message_starting), f);
}

static void
fixture_init_recording (Fixture *f)
{
  f->thread = g_thread_self ();
  f->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  f->events = g_ptr_array_new_with_free_func ((GDestroyNotify) mcp_sse_event_unref);
  f->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  f->states = g_array_new (FALSE, FALSE, sizeof (McpSseConnectionState));
  f->sent_uris = g_ptr_array_new_with_free_func (g_free);
}

/* Takes @manager (transfer full) as the fixture's manager. */
static void
fixture_set_manager (Fixture                 *f,
                     McpSseConnectionManager *manager)
{
  SoupSession *session;

  g_assert_null (f->manager);
  f->manager = manager;
  /* Slow runs (valgrind) need more than the default 5 s for a TLS
   * handshake; tests that test a deadline set their own. */
  if (test_get_timeout_scale () > 1)
    mcp_sse_connection_manager_set_timeout (manager, MCP_SSE_CONNECTION_MANAGER_DEFAULT_TIMEOUT * test_get_timeout_scale ());
  f->weak_manager = manager;
  g_object_add_weak_pointer (G_OBJECT (manager), &f->weak_manager);

  session = mcp_sse_connection_manager_get_session (manager);
  g_assert_true (SOUP_IS_SESSION (session));
  f->weak_session = session;
  g_object_add_weak_pointer (G_OBJECT (session), &f->weak_session);
  g_signal_connect (session, "request-queued", G_CALLBACK (on_session_request_queued), f);

  g_signal_connect (manager, "message", G_CALLBACK (on_message), f);
  g_signal_connect (manager, "event", G_CALLBACK (on_event), f);
  g_signal_connect (manager, "error", G_CALLBACK (on_error), f);
  g_signal_connect (manager, "closed", G_CALLBACK (on_closed), f);
  g_signal_connect (manager, "notify::state", G_CALLBACK (on_notify_state), f);
  g_signal_connect (manager, "notify::endpoint", G_CALLBACK (on_notify_endpoint), f);
}

/* Stops the manager (emitting ::closed if it was connected), drops it and
 * waits until it and its session are finalized. */
static void
fixture_release_manager (Fixture *f)
{
  if (f->manager != NULL)
    {
      mcp_sse_connection_manager_stop (f->manager);
      g_assert_cmpint (mcp_sse_connection_manager_get_state (f->manager), !=,
                       MCP_SSE_CONNECTION_STATE_CONNECTING);
      g_assert_cmpint (mcp_sse_connection_manager_get_state (f->manager), !=,
                       MCP_SSE_CONNECTION_STATE_CONNECTED);
      g_clear_object (&f->manager);
    }

  TEST_WAIT_UNTIL (f->weak_manager == NULL);
  TEST_WAIT_UNTIL (f->weak_session == NULL);
}

static void
fixture_check_and_free_recording (Fixture *f)
{
  if (f->dropped_while_connected)
    g_assert_cmpuint (f->n_closed, ==, f->n_started - 1);
  else
    g_assert_cmpuint (f->n_closed, ==, f->n_started);

  if (!f->errors_checked)
    g_assert_cmpuint (f->errors->len, ==, 0);

  g_clear_error (&f->closed_error);
  g_ptr_array_unref (f->messages);
  g_ptr_array_unref (f->events);
  g_ptr_array_unref (f->errors);
  g_array_unref (f->states);
  g_ptr_array_unref (f->sent_uris);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  user_data)
{
  g_autofree char *url = NULL;

  fixture_init_recording (f);
  f->server = test_server_new (TEST_SERVER_DEFAULT);
  test_server_add_sse (f->server, "/sse", NULL, ENDPOINT_EVENT);
  test_server_add_stall (f->server, ENDPOINT_PATH, STALL_MARKER, SOUP_STATUS_ACCEPTED);

  url = sse_url (f, "/sse");
  fixture_set_manager (f, mcp_sse_connection_manager_new (url));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  user_data)
{
  fixture_release_manager (f);
  fixture_check_and_free_recording (f);
  test_server_free (f->server);
}

/* Replaces the fixture's (never started) manager. */
static void
fixture_replace_manager (Fixture                 *f,
                         McpSseConnectionManager *manager)
{
  g_assert_cmpuint (f->n_started, ==, 0);
  fixture_release_manager (f);
  fixture_set_manager (f, manager);
}

/* Async operations */

typedef struct
{
  Fixture *f;
  GAsyncResult *result;
  gint64 started_at;
  gint64 completed_at;
  gboolean completed_during_stop;
} Op;

static void
op_init (Op      *op,
         Fixture *f)
{
  memset (op, 0, sizeof *op);
  op->f = f;
  op->started_at = g_get_monotonic_time ();
}

static void
on_op_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Op *op = user_data;

  check_thread (op->f);
  g_assert_null (op->result);
  op->result = g_object_ref (result);
  op->completed_at = g_get_monotonic_time ();
  op->completed_during_stop = op->f->in_stop;
}

static void
op_wait (Op *op)
{
  TEST_WAIT_UNTIL (op->result != NULL);
}

static double
op_elapsed (Op *op)
{
  return (op->completed_at - op->started_at) / (double) G_USEC_PER_SEC;
}

static void
start_begin (Fixture      *f,
             GCancellable *cancellable,
             Op           *op)
{
  op_init (op, f);
  mcp_sse_connection_manager_start_async (f->manager, cancellable, on_op_done, op);
}

static gboolean
start_finish (Fixture  *f,
              Op       *op,
              GError  **error)
{
  gboolean ok;

  op_wait (op);
  ok = mcp_sse_connection_manager_start_finish (f->manager, op->result, error);
  g_clear_object (&op->result);
  if (ok)
    f->n_started++;

  return ok;
}

static gboolean
start_sync (Fixture  *f,
            GError  **error)
{
  Op op;

  start_begin (f, NULL, &op);
  return start_finish (f, &op, error);
}

static void
start_connected (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (start_sync (f, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mcp_sse_connection_manager_get_state (f->manager), ==,
                   MCP_SSE_CONNECTION_STATE_CONNECTED);
}

static void
send_begin (Fixture      *f,
            const char   *json,
            GCancellable *cancellable,
            Op           *op)
{
  g_autoptr(JsonNode) message = parse_json (json);

  op_init (op, f);
  mcp_sse_connection_manager_send_async (f->manager, message, cancellable, on_op_done, op);
}

static gboolean
send_finish (Fixture  *f,
             Op       *op,
             GError  **error)
{
  gboolean ok;

  op_wait (op);
  ok = mcp_sse_connection_manager_send_finish (f->manager, op->result, error);
  g_clear_object (&op->result);

  return ok;
}

static gboolean
send_sync (Fixture     *f,
           const char  *json,
           GError     **error)
{
  Op op;

  send_begin (f, json, NULL, &op);
  return send_finish (f, &op, error);
}

static void
send_ok (Fixture    *f,
         const char *json)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (send_sync (f, json, &error));
  g_assert_no_error (error);
}

static TestStream *
wait_stream (Fixture *f,
             guint    nth)
{
  TEST_WAIT_UNTIL (test_server_count_streams (f->server) > nth);
  return test_server_dup_stream (f->server, nth);
}

static void
wait_messages (Fixture *f,
               guint    count)
{
  TEST_WAIT_UNTIL (f->messages->len >= count);
  g_assert_cmpuint (f->messages->len, ==, count);
}

static void
wait_closed (Fixture *f)
{
  TEST_WAIT_UNTIL (f->n_closed > 0);
}

/* Drops the manager and waits until it and its session are finalized,
 * then checks that the session sent nothing but one request, to @url.
 * Once the session is gone, nothing more can go out. */
static void
assert_only_request_sent (Fixture    *f,
                          const char *url)
{
  fixture_release_manager (f);
  g_assert_cmpuint (f->sent_uris->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->sent_uris, 0), ==, url);
}

static void
assert_post_count (Fixture *f,
                   guint    count)
{
  g_assert_cmpuint (test_server_count_requests (f->server, "POST", NULL), ==, count);
}

static void
assert_state (Fixture               *f,
              McpSseConnectionState  state)
{
  g_assert_cmpint (mcp_sse_connection_manager_get_state (f->manager), ==, state);
}

/* Happy paths */

static void
check_connected_to (Fixture    *f,
                    const char *endpoint_path)
{
  g_autofree char *endpoint = sse_url (f, endpoint_path);
  g_autoptr(TestRequest) post = NULL;
  g_autofree char *path_only = g_strndup (endpoint_path, strcspn (endpoint_path, "?"));

  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_assert_cmpstr (mcp_sse_connection_manager_get_endpoint (f->manager), ==, endpoint);

  test_server_add_stall (f->server, path_only, STALL_MARKER, SOUP_STATUS_ACCEPTED);
  send_ok (f, PING_MESSAGE);
  post = test_server_dup_request (f->server, "POST", NULL, 0);
  g_assert_nonnull (post);
  g_assert_cmpstr (post->path, ==, endpoint_path);
}

static void
test_connect_relative (Fixture       *f,
                       gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  McpSseEvent *event;

  start_connected (f);
  check_connected_to (f, "/message?sessionId=abc");

  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream, "data: {\"n\":7}\n\n");
  wait_messages (f, 1);
  g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 0)), ==, 7);

  /* The endpoint event and the message event both reach ::event. */
  g_assert_cmpuint (f->events->len, ==, 2);
  event = g_ptr_array_index (f->events, 0);
  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, "endpoint");
  g_assert_cmpstr (mcp_sse_event_get_data (event), ==, "/message?sessionId=abc");
  event = g_ptr_array_index (f->events, 1);
  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, "message");
  g_assert_cmpstr (mcp_sse_event_get_data (event), ==, "{\"n\":7}");
}

/* A path-relative endpoint resolves against the URL's directory. */
static void
test_connect_relative_path (Fixture       *f,
                            gconstpointer  user_data)
{
  g_autofree char *url = sse_url (f, "/mcp/sse");

  test_server_add_sse (f->server, "/mcp/sse", NULL, "event: endpoint\ndata: messages/?sessionId=xyz\n\n");
  fixture_replace_manager (f, mcp_sse_connection_manager_new (url));
  start_connected (f);
  check_connected_to (f, "/mcp/messages/?sessionId=xyz");
}

static void
test_connect_absolute (Fixture       *f,
                       gconstpointer  user_data)
{
  g_autofree char *initial = g_strdup_printf ("event: endpoint\ndata: %s/message?sessionId=abs\n\n",
                                              test_server_get_origin (f->server));

  test_server_add_sse (f->server, "/sse", NULL, initial);
  start_connected (f);
  check_connected_to (f, "/message?sessionId=abs");
}

/* What the GET and the POSTs carry */

static void
test_request_format (Fixture       *f,
                     gconstpointer  user_data)
{
  g_autoptr(TestRequest) get = NULL;
  g_autoptr(TestRequest) post = NULL;
  g_autoptr(JsonNode) sent = parse_json (PING_MESSAGE);
  g_autofree char *expected_body = json_to_string (sent, FALSE);
  g_autoptr(JsonNode) received = NULL;
  g_autofree char *body = NULL;
  const char *content_type;

  start_connected (f);
  send_ok (f, PING_MESSAGE);

  get = test_server_dup_request (f->server, "GET", "/sse", 0);
  g_assert_nonnull (get);
  g_assert_true (soup_message_headers_header_contains (get->headers, "Accept", "text/event-stream"));
  g_assert_true (soup_message_headers_header_contains (get->headers, "Cache-Control", "no-store"));

  post = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 0);
  g_assert_nonnull (post);
  content_type = soup_message_headers_get_content_type (post->headers, NULL);
  g_assert_cmpstr (content_type, ==, "application/json");
  g_assert_cmpmem (g_bytes_get_data (post->body, NULL), g_bytes_get_size (post->body),
                   expected_body, strlen (expected_body));
  body = g_strndup (g_bytes_get_data (post->body, NULL), g_bytes_get_size (post->body));
  received = parse_json (body);
  g_assert_true (json_node_equal (received, sent));

  /* No protocol version until one is set. */
  g_assert_null (soup_message_headers_get_one (post->headers, "MCP-Protocol-Version"));
}

/* json-glib 1.6's JsonGenerator would write 1e22 as "1e+22.0" and U+001F
 * as the raw byte: what goes out is JSON. */
static void
test_request_strict_json (Fixture       *f,
                          gconstpointer  user_data)
{
  static const char expected[] =
    "{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":"
    "{\"big\":1e+22,\"s\":\"a\\u001fb\\u0001\",\"one\":1.0,\"e\":\"\xc3\xa9\"}}";
  g_autoptr(TestRequest) post = NULL;

  start_connected (f);
  send_ok (f, "{\"jsonrpc\": \"2.0\", \"method\": \"x\", \"params\": "
              "{\"big\": 1e22, \"s\": \"a\\u001fb\\u0001\", \"one\": 1.0, \"e\": \"\\u00e9\"}}");

  post = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 0);
  g_assert_nonnull (post);
  g_assert_cmpmem (g_bytes_get_data (post->body, NULL), g_bytes_get_size (post->body),
                   expected, strlen (expected));
}

static void
test_protocol_version (Fixture       *f,
                       gconstpointer  user_data)
{
  g_autoptr(TestRequest) first = NULL;
  g_autoptr(TestRequest) second = NULL;
  g_autoptr(TestRequest) third = NULL;
  g_autofree char *through_interface = NULL;

  g_assert_null (mcp_sse_connection_manager_get_protocol_version (f->manager));
  start_connected (f);
  send_ok (f, PING_MESSAGE);

  mcp_sse_connection_manager_set_protocol_version (f->manager, "2025-03-26");
  g_assert_cmpstr (mcp_sse_connection_manager_get_protocol_version (f->manager), ==, "2025-03-26");
  through_interface = mcp_sse_transport_dup_protocol_version (MCP_SSE_TRANSPORT (f->manager));
  g_assert_cmpstr (through_interface, ==, "2025-03-26");
  send_ok (f, PING_MESSAGE);

  mcp_sse_transport_set_protocol_version (MCP_SSE_TRANSPORT (f->manager), "2025-06-18");
  send_ok (f, PING_MESSAGE);

  first = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 0);
  second = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 1);
  third = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 2);
  g_assert_null (soup_message_headers_get_one (first->headers, "MCP-Protocol-Version"));
  g_assert_cmpstr (soup_message_headers_get_list (second->headers, "MCP-Protocol-Version"), ==, "2025-03-26");
  g_assert_cmpstr (soup_message_headers_get_list (third->headers, "MCP-Protocol-Version"), ==, "2025-06-18");
}

static void
assert_custom_headers (TestRequest *request,
                       gboolean     later)
{
  SoupMessageHeaders *headers = request->headers;

  g_assert_cmpstr (soup_message_headers_get_list (headers, "X-Test"), ==, "one");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "X-Replace"), ==, "new");
  g_assert_cmpstr (soup_message_headers_get_list (headers, "X-Added"), ==, "added");
  g_assert_null (soup_message_headers_get_one (headers, "X-Gone"));
  if (later)
    g_assert_cmpstr (soup_message_headers_get_list (headers, "X-Later"), ==, "later");
  else
    g_assert_null (soup_message_headers_get_one (headers, "X-Later"));
}

static void
test_custom_headers (Fixture       *f,
                     gconstpointer  user_data)
{
  g_autoptr(GHashTable) headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *url = sse_url (f, "/sse");
  McpSseConnectionManager *manager;
  g_autoptr(TestRequest) get = NULL;
  g_autoptr(TestRequest) post = NULL;

  g_hash_table_insert (headers, g_strdup ("X-Test"), g_strdup ("one"));
  g_hash_table_insert (headers, g_strdup ("X-Replace"), g_strdup ("old"));
  g_hash_table_insert (headers, g_strdup ("X-Gone"), g_strdup ("bye"));
  manager = mcp_sse_connection_manager_new_full (url, headers, 7, 300, NULL);
  g_assert_cmpfloat (mcp_sse_connection_manager_get_timeout (manager), ==, 7);
  g_assert_cmpfloat (mcp_sse_connection_manager_get_sse_read_timeout (manager), ==, 300);
  fixture_replace_manager (f, manager);

  /* Names are case-insensitive: these replace and remove the table's. */
  mcp_sse_connection_manager_set_header (f->manager, "x-replace", "new");
  mcp_sse_connection_manager_set_header (f->manager, "X-Added", "added");
  mcp_sse_connection_manager_set_header (f->manager, "x-gone", NULL);

  start_connected (f);
  mcp_sse_connection_manager_set_header (f->manager, "X-Later", "later");
  send_ok (f, PING_MESSAGE);

  get = test_server_dup_request (f->server, "GET", "/sse", 0);
  assert_custom_headers (get, FALSE);
  post = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 0);
  assert_custom_headers (post, TRUE);
}

static SoupAuth *
new_basic_auth (Fixture *f)
{
  g_autofree char *url = sse_url (f, "/sse");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  SoupAuth *auth = soup_auth_new (SOUP_TYPE_AUTH_BASIC, msg, "Basic realm=\"x\"");

  g_assert_nonnull (auth);
  soup_auth_authenticate (auth, "user", "secret");
  g_assert_true (soup_auth_is_authenticated (auth));
  return auth;
}

#define BASIC_USER_SECRET "Basic dXNlcjpzZWNyZXQ="

static void
test_auth (Fixture       *f,
           gconstpointer  user_data)
{
  g_autoptr(SoupAuth) auth = new_basic_auth (f);
  g_autoptr(TestRequest) get = NULL;
  g_autoptr(TestRequest) post = NULL;

  mcp_sse_connection_manager_set_auth (f->manager, auth);
  g_assert_true (mcp_sse_connection_manager_get_auth (f->manager) == auth);
  start_connected (f);
  send_ok (f, PING_MESSAGE);

  get = test_server_dup_request (f->server, "GET", "/sse", 0);
  g_assert_cmpstr (soup_message_headers_get_list (get->headers, "Authorization"), ==, BASIC_USER_SECRET);
  post = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 0);
  g_assert_cmpstr (soup_message_headers_get_list (post->headers, "Authorization"), ==, BASIC_USER_SECRET);
}

static void
expect_invalid_header (Fixture    *f,
                       const char *name,
                       const char *value)
{
  g_test_expect_message ("McpSse", G_LOG_LEVEL_CRITICAL, "*");
  mcp_sse_connection_manager_set_header (f->manager, name, value);
  g_test_assert_expected_messages ();
}

static void
test_invalid_headers (Fixture       *f,
                      gconstpointer  user_data)
{
  g_autoptr(TestRequest) get = NULL;

  expect_invalid_header (f, "", "x");
  expect_invalid_header (f, "Bad Name", "x");
  expect_invalid_header (f, "Bad:Name", "x");
  expect_invalid_header (f, "X-Injected", "a\r\nX-Evil: 1");
  expect_invalid_header (f, "X-Injected", "a\nb");

  start_connected (f);
  get = test_server_dup_request (f->server, "GET", "/sse", 0);
  g_assert_null (soup_message_headers_get_one (get->headers, "X-Injected"));
  g_assert_null (soup_message_headers_get_one (get->headers, "X-Evil"));
}

/* The endpoint's origin */

static void
check_origin_refused (Fixture    *f,
                      TestServer *other)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  g_object_get (f->manager, "url", &url, NULL);

  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_ENDPOINT_ORIGIN);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_null (mcp_sse_connection_manager_get_endpoint (f->manager));
  g_assert_cmpuint (f->n_closed, ==, 0);

  /* No stray POST: the GET was all the session ever sent. */
  assert_only_request_sent (f, url);
  assert_post_count (f, 0);
  g_assert_cmpuint (test_server_count_started (f->server), ==, 1);
  if (other != NULL)
    g_assert_cmpuint (test_server_count_started (other), ==, 0);
}

static void
test_origin_other_host (Fixture       *f,
                        gconstpointer  user_data)
{
  /* Same port on another loopback address: only the host differs, and a
   * real server listens there. */
  g_autoptr(TestServer) other = test_server_new_at (TEST_SERVER_DEFAULT, "127.0.0.2",
                                                    test_server_get_port (f->server));
  g_autofree char *initial = NULL;

  if (other == NULL)
    {
      g_test_skip ("cannot listen on 127.0.0.2");
      return;
    }
  test_server_add_stall (other, ENDPOINT_PATH, STALL_MARKER, SOUP_STATUS_ACCEPTED);
  initial = g_strdup_printf ("event: endpoint\ndata: %s/message?sessionId=abc\n\n",
                             test_server_get_origin (other));
  test_server_add_sse (f->server, "/sse", NULL, initial);
  check_origin_refused (f, other);
}

static void
test_origin_other_port (Fixture       *f,
                        gconstpointer  user_data)
{
  g_autoptr(TestServer) other = test_server_new (TEST_SERVER_DEFAULT);
  g_autofree char *initial = g_strdup_printf ("event: endpoint\ndata: %s/message?sessionId=abc\n\n",
                                              test_server_get_origin (other));

  test_server_add_stall (other, ENDPOINT_PATH, STALL_MARKER, SOUP_STATUS_ACCEPTED);
  test_server_add_sse (f->server, "/sse", NULL, initial);
  check_origin_refused (f, other);
}

static void
test_origin_other_scheme (Fixture       *f,
                          gconstpointer  user_data)
{
  /* Same host and port, https instead of http. */
  g_autofree char *initial = g_strdup_printf ("event: endpoint\ndata: https://127.0.0.1:%u/message\n\n",
                                              test_server_get_port (f->server));

  test_server_add_sse (f->server, "/sse", NULL, initial);
  check_origin_refused (f, NULL);
}

static void
test_origin_other_host_name (Fixture       *f,
                             gconstpointer  user_data)
{
  /* "localhost" is the same machine but another origin: no DNS. */
  g_autofree char *initial = g_strdup_printf ("event: endpoint\ndata: http://localhost:%u/message\n\n",
                                              test_server_get_port (f->server));

  test_server_add_sse (f->server, "/sse", NULL, initial);
  check_origin_refused (f, NULL);
}

/* Redirects */

static void
test_redirect_same_origin (Fixture       *f,
                           gconstpointer  user_data)
{
  g_autofree char *url = sse_url (f, "/old");
  g_autoptr(SoupAuth) auth = new_basic_auth (f);
  g_autoptr(TestRequest) old = NULL;
  g_autoptr(TestRequest) get = NULL;

  test_server_add_response (f->server, "/old", SOUP_STATUS_FOUND, NULL, NULL, "Location", "/sse");
  fixture_replace_manager (f, mcp_sse_connection_manager_new (url));
  mcp_sse_connection_manager_set_auth (f->manager, auth);
  mcp_sse_connection_manager_set_header (f->manager, "X-Test", "one");

  start_connected (f);
  check_connected_to (f, "/message?sessionId=abc");

  old = test_server_dup_request (f->server, "GET", "/old", 0);
  get = test_server_dup_request (f->server, "GET", "/sse", 0);
  g_assert_nonnull (old);
  g_assert_nonnull (get);
  g_assert_cmpstr (soup_message_headers_get_list (get->headers, "Authorization"), ==, BASIC_USER_SECRET);
  g_assert_cmpstr (soup_message_headers_get_list (get->headers, "X-Test"), ==, "one");
}

static void
test_redirect_other_origin (Fixture       *f,
                            gconstpointer  user_data)
{
  g_autoptr(TestServer) other = test_server_new (TEST_SERVER_DEFAULT);
  g_autofree char *location = test_server_build_url (other, "/sse");
  g_autoptr(SoupAuth) auth = new_basic_auth (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  test_server_add_sse (other, "/sse", NULL, ENDPOINT_EVENT);
  test_server_add_response (f->server, "/sse", SOUP_STATUS_FOUND, NULL, NULL, "Location", location);
  mcp_sse_connection_manager_set_auth (f->manager, auth);
  mcp_sse_connection_manager_set_header (f->manager, "X-Test", "one");

  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, "302"));
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);

  /* The redirection was not followed, however late. */
  url = sse_url (f, "/sse");
  assert_only_request_sent (f, url);
  g_assert_cmpuint (test_server_count_started (other), ==, 0);
}

static void
test_redirect_loop (Fixture       *f,
                    gconstpointer  user_data)
{
  g_autofree char *url = sse_url (f, "/loop");
  g_autoptr(GError) error = NULL;

  test_server_add_response (f->server, "/loop", SOUP_STATUS_FOUND, NULL, NULL, "Location", "/loop");
  fixture_replace_manager (f, mcp_sse_connection_manager_new (url));

  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, "302"));
  /* The first GET and at most 5 redirects. */
  g_assert_cmpuint (test_server_count_requests (f->server, "GET", "/loop"), <=, 6);
  g_assert_cmpuint (test_server_count_requests (f->server, "GET", "/loop"), >=, 2);
}

/* A Location without a server: no authority at all ("http:/sse2", which
 * resolves to a URI without a host), an empty host, an IPv6 literal
 * that does not close, a port out of range or 0. None is followed. */
static void
test_redirect_no_server (Fixture       *f,
                         gconstpointer  user_data)
{
  const char *location = user_data;
  g_autofree char *url = sse_url (f, "/sse");
  g_autoptr(GError) error = NULL;

  test_server_add_response (f->server, "/sse", SOUP_STATUS_FOUND, NULL, NULL, "Location", location);
  test_server_add_sse (f->server, "/sse2", NULL, ENDPOINT_EVENT);

  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, "302"));
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  assert_only_request_sent (f, url);
}

/* The GET's answer */

static void
test_get_status (Fixture       *f,
                 gconstpointer  user_data)
{
  guint status = GPOINTER_TO_UINT (user_data);
  g_autofree char *code = g_strdup_printf ("%u", status);
  g_autoptr(GError) error = NULL;

  if (status == SOUP_STATUS_UNAUTHORIZED)
    test_server_add_response (f->server, "/sse", status, "text/plain", "no",
                              "WWW-Authenticate", "Basic realm=\"x\"");
  else
    test_server_add_response (f->server, "/sse", status, "text/plain", "no", NULL, NULL);

  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, code));
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_null (mcp_sse_connection_manager_get_endpoint (f->manager));
}

static void
test_content_type_wrong (Fixture       *f,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  test_server_add_response (f->server, "/sse", SOUP_STATUS_OK, "application/json", "{}", NULL, NULL);
  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_CONTENT_TYPE);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
}

static void
test_content_type_missing (Fixture       *f,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  test_server_add_response (f->server, "/sse", SOUP_STATUS_OK, NULL, NULL, NULL, NULL);
  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_CONTENT_TYPE);
}

static void
test_content_type_parameters (Fixture       *f,
                              gconstpointer  user_data)
{
  test_server_add_sse (f->server, "/sse", "text/event-stream; charset=utf-8", ENDPOINT_EVENT);
  start_connected (f);
}

/* Connecting: the endpoint event and the deadline */

static void
test_no_endpoint (Fixture       *f,
                  gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ended_at;
  Op op;

  test_server_add_sse (f->server, "/sse", NULL, ": hello\n\nevent: other\ndata: x\n\n");
  start_begin (f, NULL, &op);
  stream = wait_stream (f, 0);
  TEST_WAIT_UNTIL (f->events->len == 1);

  ended_at = g_get_monotonic_time ();
  test_stream_end (stream);
  g_assert_false (start_finish (f, &op, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NO_ENDPOINT);
  g_assert_cmpfloat ((op.completed_at - ended_at) / (double) G_USEC_PER_SEC, <=,
                     WITHIN_A_SECOND * test_get_timeout_scale ());
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
}

static void
check_start_timeout (Fixture *f)
{
  double timeout = 1.0 * test_get_timeout_scale ();
  g_autoptr(GError) error = NULL;
  Op op;

  mcp_sse_connection_manager_set_timeout (f->manager, timeout);
  g_assert_cmpfloat (mcp_sse_connection_manager_get_timeout (f->manager), ==, timeout);
  start_begin (f, NULL, &op);
  g_assert_false (start_finish (f, &op, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
  assert_fired_after (op_elapsed (&op), timeout);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
}

/* Headers and a comment arrive, the endpoint never does. */
static void
test_endpoint_timeout (Fixture       *f,
                       gconstpointer  user_data)
{
  test_server_add_sse (f->server, "/sse", NULL, ": waiting\n\n");
  check_start_timeout (f);
}

/* Not even the headers arrive. */
static void
test_headers_timeout (Fixture       *f,
                      gconstpointer  user_data)
{
  test_server_add_stall (f->server, "/sse", NULL, SOUP_STATUS_OK);
  check_start_timeout (f);
  g_assert_cmpuint (test_server_count_stalled (f->server), ==, 1);
}

static void
test_messages_before_endpoint (Fixture       *f,
                               gconstpointer  user_data)
{
  test_server_add_sse (f->server, "/sse", NULL, "data: {\"n\":0}\n\n" ENDPOINT_EVENT);
  start_connected (f);
  g_assert_cmpuint (f->messages->len, ==, 1);
  g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 0)), ==, 0);
}

static void
test_second_endpoint (Fixture       *f,
                      gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  g_autofree char *endpoint = sse_url (f, "/message?sessionId=abc");
  GError *error;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream, "event: endpoint\ndata: /other\n\ndata: {\"n\":1}\n\n");
  wait_messages (f, 1);

  f->errors_checked = TRUE;
  g_assert_cmpuint (f->errors->len, ==, 1);
  error = g_ptr_array_index (f->errors, 0);
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT);
  g_assert_cmpstr (mcp_sse_connection_manager_get_endpoint (f->manager), ==, endpoint);
  g_assert_cmpuint (f->n_endpoint_notifies, ==, 1);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);

  send_ok (f, PING_MESSAGE);
  g_assert_cmpuint (test_server_count_requests (f->server, "POST", ENDPOINT_PATH), ==, 1);
  g_assert_cmpuint (test_server_count_requests (f->server, "POST", "/other"), ==, 0);
}

static void
test_bad_endpoint (Fixture       *f,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  test_server_add_sse (f->server, "/sse", NULL, "event: endpoint\ndata:\n\n");
  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  assert_post_count (f, 0);
}

/* An endpoint that resolves to a URI without a server. */
static void
test_endpoint_no_server (Fixture       *f,
                         gconstpointer  user_data)
{
  const char *endpoint = user_data;
  g_autofree char *initial = g_strdup_printf ("event: endpoint\ndata: %s\n\n", endpoint);
  g_autoptr(GError) error = NULL;

  test_server_add_sse (f->server, "/sse", NULL, initial);
  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_null (mcp_sse_connection_manager_get_endpoint (f->manager));
  assert_post_count (f, 0);
}

/* User info that makes an endpoint look like the URL's origin while its
 * host is another, in an absolute URI or a network-path reference. */
static void
test_endpoint_user_info_elsewhere (Fixture       *f,
                                   gconstpointer  user_data)
{
  gboolean relative = GPOINTER_TO_INT (user_data);
  guint port = test_server_get_port (f->server);
  g_autofree char *endpoint = relative ? g_strdup_printf ("//127.0.0.1:%u@localhost:%u/m", port, port)
                                       : g_strdup_printf ("http://127.0.0.1:%u@127.0.0.2:%u/m", port, port);
  g_autofree char *initial = g_strdup_printf ("event: endpoint\ndata: %s\n\n", endpoint);

  test_server_add_sse (f->server, "/sse", NULL, initial);
  check_origin_refused (f, NULL);
}

/* An endpoint event whose data is @length bytes of @data, written as
 * they are: U+0000 included. */
static void
check_endpoint_data_refused (Fixture    *f,
                             const char *data,
                             gsize       length)
{
  static const char head[] = "event: endpoint\ndata: ";
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  McpSseEvent *event;
  GBytes *event_data;
  Op op;

  g_byte_array_append (raw, (const guint8 *) head, strlen (head));
  g_byte_array_append (raw, (const guint8 *) data, length);
  g_byte_array_append (raw, (const guint8 *) "\n\n", 2);

  test_server_add_sse (f->server, "/sse", NULL, NULL);
  start_begin (f, NULL, &op);
  stream = wait_stream (f, 0);
  test_stream_write_len (stream, (const char *) raw->data, raw->len);
  g_assert_false (start_finish (f, &op, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_BAD_ENDPOINT);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_null (mcp_sse_connection_manager_get_endpoint (f->manager));
  assert_post_count (f, 0);

  /* The event came through whole: it was refused for what it holds. */
  g_assert_cmpuint (f->events->len, ==, 1);
  event = g_ptr_array_index (f->events, 0);
  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, "endpoint");
  event_data = mcp_sse_event_get_data_bytes (event);
  g_assert_cmpmem (g_bytes_get_data (event_data, NULL), g_bytes_get_size (event_data), data, length);
}

/* "/m" U+0000 "/evil": the NUL-terminated data reads "/m". */
static void
test_endpoint_nul (Fixture       *f,
                   gconstpointer  user_data)
{
  static const char data[] = "/m\0/evil";

  check_endpoint_data_refused (f, data, sizeof data - 1);
}

/* A C0 control character or DEL, which GLib would percent-encode. */
static void
test_endpoint_control (Fixture       *f,
                       gconstpointer  user_data)
{
  const char *data = user_data;

  check_endpoint_data_refused (f, data, strlen (data));
}

/* The stream */

static void
test_server_closes (Fixture       *f,
                    gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gint64 ended_at;
  Op stalled;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  send_begin (f, STALL_MESSAGE, NULL, &stalled);
  TEST_WAIT_UNTIL (test_server_count_stalled (f->server) == 1);

  ended_at = g_get_monotonic_time ();
  test_stream_end (stream);
  wait_closed (f);
  g_assert_cmpfloat ((f->closed_at - ended_at) / (double) G_USEC_PER_SEC, <=,
                     WITHIN_A_SECOND * test_get_timeout_scale ());
  g_assert_cmpuint (f->n_closed, ==, 1);
  g_assert_error (f->closed_error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_null (mcp_sse_connection_manager_get_endpoint (f->manager));

  /* The send in flight fails with the close, at once. */
  g_assert_false (send_finish (f, &stalled, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);
  g_assert_cmpfloat ((stalled.completed_at - ended_at) / (double) G_USEC_PER_SEC, <=,
                     WITHIN_A_SECOND * test_get_timeout_scale ());
  g_clear_error (&error);

  /* A send after the close is refused. */
  g_assert_false (send_sync (f, PING_MESSAGE, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED);
  assert_post_count (f, 1);

  /* ::error may have reported the end; if so, as CLOSED. */
  f->errors_checked = TRUE;
  for (guint i = 0; i < f->errors->len; i++)
    g_assert_error ((GError *) g_ptr_array_index (f->errors, i), MCP_SSE_ERROR, MCP_SSE_ERROR_CLOSED);

  /* Starting again opens a new connection. */
  start_connected (f);
  g_assert_cmpuint (test_server_count_requests (f->server, "GET", "/sse"), ==, 2);
  send_ok (f, PING_MESSAGE);
}

/* Every ::error seen must be the fatal one that closed the connection. */
static void
check_errors_match_closed (Fixture *f)
{
  f->errors_checked = TRUE;
  for (guint i = 0; i < f->errors->len; i++)
    {
      GError *error = g_ptr_array_index (f->errors, i);

      g_assert_cmpuint (error->domain, ==, f->closed_error->domain);
      g_assert_cmpint (error->code, ==, f->closed_error->code);
    }
}

static void
test_connection_reset (Fixture       *f,
                       gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  const char *partial = "data: {\"partial\":";

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream, partial);
  TEST_WAIT_UNTIL (test_stream_get_written (stream) == strlen (ENDPOINT_EVENT) + strlen (partial));
  test_stream_reset (stream);

  wait_closed (f);
  g_assert_nonnull (f->closed_error);
  g_assert_cmpuint (f->closed_error->domain, ==, G_IO_ERROR);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_cmpuint (f->messages->len, ==, 0);
  check_errors_match_closed (f);
}

static void
test_truncated_body (Fixture       *f,
                     gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  const char *message = "data: {\"n\":1}\n\n";

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream, message);
  wait_messages (f, 1);
  TEST_WAIT_UNTIL (test_stream_get_written (stream) == strlen (ENDPOINT_EVENT) + strlen (message));

  /* A chunk that announces 0x40 bytes, then the connection ends. */
  test_stream_truncate (stream, "40\r\ndata: {\"n\":2}\n\ndata: {\"n\":");

  wait_closed (f);
  g_assert_nonnull (f->closed_error);
  g_assert_cmpuint (f->closed_error->domain, ==, G_IO_ERROR);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  /* What arrived whole before the cut is delivered, the rest is not. */
  g_assert_cmpuint (f->messages->len, <=, 2);
  check_errors_match_closed (f);
}

static void
test_drip (Fixture       *f,
           gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  Op op;

  /* Over 2 s of bytes, one every 50 ms, against a 0.6 s read timeout. */
  test_server_add_sse (f->server, "/sse", NULL, NULL);
  mcp_sse_connection_manager_set_sse_read_timeout (f->manager, 0.6 * test_get_timeout_scale ());
  start_begin (f, NULL, &op);
  stream = wait_stream (f, 0);
  test_stream_drip (stream, "event:endpoint\ndata:/message\n\ndata: {\"n\":1}\n\n", 1, 50);

  g_assert_true (start_finish (f, &op, &error));
  g_assert_no_error (error);
  wait_messages (f, 1);
  g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 0)), ==, 1);
  g_assert_cmpuint (f->n_closed, ==, 0);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
  send_ok (f, PING_MESSAGE);
}

static void
test_read_timeout (Fixture       *f,
                   gconstpointer  user_data)
{
  double read_timeout = 0.3 * test_get_timeout_scale ();
  gint64 connected_at;
  double elapsed;

  mcp_sse_connection_manager_set_sse_read_timeout (f->manager, read_timeout);
  g_assert_cmpfloat (mcp_sse_connection_manager_get_sse_read_timeout (f->manager), ==, read_timeout);
  start_connected (f);
  connected_at = g_get_monotonic_time ();

  wait_closed (f);
  elapsed = (f->closed_at - connected_at) / (double) G_USEC_PER_SEC;
  g_test_message ("closed after %.3f s of silence", elapsed);
  g_assert_cmpfloat (elapsed, >=, read_timeout * 0.8);
  g_assert_cmpfloat (elapsed, <=, read_timeout + WITHIN_A_SECOND * test_get_timeout_scale ());
  g_assert_error (f->closed_error, MCP_SSE_ERROR, MCP_SSE_ERROR_READ_TIMEOUT);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  check_errors_match_closed (f);
}

static void
test_comments_keep_alive (Fixture       *f,
                          gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GString) pings = g_string_new (NULL);

  mcp_sse_connection_manager_set_sse_read_timeout (f->manager, 0.6 * test_get_timeout_scale ());
  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);

  /* 1.5 s of comments, one every 100 ms, against a 0.6 s read timeout:
   * a late tick on a busy machine still comes well within it. */
  for (guint i = 0; i < 15; i++)
    g_string_append (pings, ": ping\n");
  test_stream_drip (stream, pings->str, strlen (": ping\n"), 100);
  TEST_WAIT_UNTIL (!test_stream_is_dripping (stream));

  test_stream_write (stream, "data: {\"n\":1}\n\n");
  wait_messages (f, 1);
  g_assert_cmpuint (f->n_closed, ==, 0);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
  /* Comments are not events. */
  g_assert_cmpuint (f->events->len, ==, 2);
}

static void
test_invalid_json (Fixture       *f,
                   gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream,
                     "data: {not json\n\n"
                     "data: {\"n\":1} {\"n\":2}\n\n"
                     "data: {\"n\":3}\n\n");
  wait_messages (f, 1);
  g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 0)), ==, 3);

  f->errors_checked = TRUE;
  g_assert_cmpuint (f->errors->len, ==, 2);
  g_assert_error ((GError *) g_ptr_array_index (f->errors, 0), MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  g_assert_error ((GError *) g_ptr_array_index (f->errors, 1), MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  g_assert_cmpuint (f->events->len, ==, 4);
  g_assert_cmpuint (f->n_closed, ==, 0);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
}

/* Data that JsonParser takes and strict JSON does not: each is an ::error,
 * and the stream goes on. */
static void
test_lax_json (Fixture       *f,
               gconstpointer  user_data)
{
  const char *data = user_data;
  g_autofree char *events = g_strdup_printf ("data: %s\n\ndata: {\"n\":1}\n\n", data);
  g_autoptr(TestStream) stream = NULL;
  McpSseEvent *event;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream, events);
  wait_messages (f, 1);
  g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 0)), ==, 1);

  /* The endpoint, the refused data as it was sent, the message. */
  g_assert_cmpuint (f->events->len, ==, 3);
  event = g_ptr_array_index (f->events, 1);
  g_assert_cmpstr (mcp_sse_event_get_data (event), ==, data);

  f->errors_checked = TRUE;
  g_assert_cmpuint (f->errors->len, ==, 1);
  g_assert_error ((GError *) g_ptr_array_index (f->errors, 0), MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  g_assert_cmpuint (f->n_closed, ==, 0);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
}

static JsonNode *
message_id (JsonNode *message)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (message));
  return json_object_get_member (json_node_get_object (message), "id");
}

static void
assert_value_type (JsonNode *node,
                   GType     type)
{
  g_assert_nonnull (node);
  g_assert_cmpint (JSON_NODE_TYPE (node), ==, JSON_NODE_VALUE);
  g_assert_cmpstr (g_type_name (json_node_get_value_type (node)), ==, g_type_name (type));
}

/* A JSON-RPC id comes up with the type it was sent with: 1, "1", 1.0 and
 * 1.5 are four different ids. */
static void
test_id_types (Fixture       *f,
               gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  JsonNode *id;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream,
                     "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n"
                     "data: {\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}\n\n"
                     "data: {\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":{}}\n\n"
                     "data: {\"jsonrpc\":\"2.0\",\"id\":1.0,\"result\":{}}\n\n"
                     "data: {\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"result\":{}}\n\n");
  wait_messages (f, 5);

  id = message_id (g_ptr_array_index (f->messages, 0));
  assert_value_type (id, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (id), ==, 1);

  id = message_id (g_ptr_array_index (f->messages, 1));
  assert_value_type (id, G_TYPE_STRING);
  g_assert_cmpstr (json_node_get_string (id), ==, "1");

  id = message_id (g_ptr_array_index (f->messages, 2));
  assert_value_type (id, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_node_get_double (id), ==, 1.5);

  id = message_id (g_ptr_array_index (f->messages, 3));
  assert_value_type (id, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_node_get_double (id), ==, 1.0);

  /* Beyond 2^53: exact as an integer, not rounded through a double. */
  id = message_id (g_ptr_array_index (f->messages, 4));
  assert_value_type (id, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (id), ==, G_GINT64_CONSTANT (9007199254740993));
}

static void
test_line_ends (Fixture       *f,
                gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;

  test_server_add_sse (f->server, "/sse", NULL,
                       ": ping\r\n\r\n"
                       "event: endpoint\r\ndata: /message?sessionId=abc\r\n\r\n"
                       ": ping\r\n");
  start_connected (f);
  check_connected_to (f, "/message?sessionId=abc");

  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream, "data: {\"n\":1}\r\n\r\n: ping\r\n\r\ndata: {\"n\":2}\r\rdata: {\"n\":3}\n\n");
  wait_messages (f, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (message_number (g_ptr_array_index (f->messages, i)), ==, i + 1);
}

static void
test_many_events (Fixture       *f,
                  gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  guint n = 1000;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (body, "data: {\"jsonrpc\":\"2.0\",\"method\":\"x\",\"n\":%u}\n\n", i);
  test_stream_write (stream, body->str);

  wait_messages (f, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (message_number (g_ptr_array_index (f->messages, i)), ==, i);
  g_assert_cmpuint (f->events->len, ==, n + 1);
}

static void
test_event_too_large (Fixture       *f,
                      gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GString) body = g_string_new ("data: {\"n\":1}\n\ndata: \"");

  g_assert_cmpuint (mcp_sse_connection_manager_get_max_event_size (f->manager), ==, 16 * 1024 * 1024);
  mcp_sse_connection_manager_set_max_event_size (f->manager, 1024);
  g_assert_cmpuint (mcp_sse_connection_manager_get_max_event_size (f->manager), ==, 1024);
  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);

  for (guint i = 0; i < 2000; i++)
    g_string_append_c (body, 'x');
  g_string_append (body, "\"\n\ndata: {\"n\":2}\n\n");
  test_stream_write (stream, body->str);

  wait_messages (f, 2);
  g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 0)), ==, 1);
  g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 1)), ==, 2);
  f->errors_checked = TRUE;
  g_assert_cmpuint (f->errors->len, ==, 1);
  g_assert_error ((GError *) g_ptr_array_index (f->errors, 0), MCP_SSE_ERROR, MCP_SSE_ERROR_EVENT_TOO_LARGE);
  g_assert_cmpuint (f->n_closed, ==, 0);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
}

static void
test_unknown_event_type (Fixture       *f,
                         gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  McpSseEvent *event;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream, "event: custom\ndata: {\"n\":1}\n\ndata: {\"n\":2}\n\n");
  wait_messages (f, 1);
  g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 0)), ==, 2);

  g_assert_cmpuint (f->events->len, ==, 3);
  event = g_ptr_array_index (f->events, 1);
  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, "custom");
  g_assert_cmpstr (mcp_sse_event_get_data (event), ==, "{\"n\":1}");
}

static void
test_keep_alive_data (Fixture       *f,
                      gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  test_stream_write (stream,
                     "data:\n\n"
                     "data:   \n\n"
                     "data: \t \n\n"
                     "data:\ndata:\n\n"
                     "event: message\ndata: \n\n"
                     "data: {\"n\":1}\n\n");
  wait_messages (f, 1);
  g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 0)), ==, 1);
  /* The endpoint, five keep-alives, the message. */
  g_assert_cmpuint (f->events->len, ==, 7);
  g_assert_cmpuint (f->errors->len, ==, 0);
}

/* Sends */

static void
test_send_status (Fixture       *f,
                  gconstpointer  user_data)
{
  guint status = GPOINTER_TO_UINT (user_data);
  g_autofree char *code = g_strdup_printf ("%u", status);
  g_autoptr(GError) error = NULL;

  start_connected (f);
  test_server_add_response (f->server, ENDPOINT_PATH, status, "text/plain", "no", NULL, NULL);
  g_assert_false (send_sync (f, PING_MESSAGE, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, code));
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (f->n_closed, ==, 0);

  /* Only that send failed. */
  test_server_add_stall (f->server, ENDPOINT_PATH, STALL_MARKER, SOUP_STATUS_ACCEPTED);
  send_ok (f, PING_MESSAGE);
  assert_post_count (f, 2);
}

static void
test_send_never_answered (Fixture       *f,
                          gconstpointer  user_data)
{
  double timeout = 1.0 * test_get_timeout_scale ();
  g_autoptr(GError) error = NULL;
  Op op;

  start_connected (f);
  mcp_sse_connection_manager_set_timeout (f->manager, timeout);
  send_begin (f, STALL_MESSAGE, NULL, &op);
  g_assert_false (send_finish (f, &op, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
  assert_fired_after (op_elapsed (&op), timeout);
  g_assert_cmpuint (test_server_count_stalled (f->server), ==, 1);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (f->n_closed, ==, 0);

  send_ok (f, PING_MESSAGE);
}

static void
test_send_concurrent (Fixture       *f,
                      gconstpointer  user_data)
{
  Op ops[20];
  guint completed;

  start_connected (f);
  send_begin (f, STALL_MESSAGE, NULL, &ops[0]);
  for (guint i = 1; i < G_N_ELEMENTS (ops); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"jsonrpc\":\"2.0\",\"id\":%u,\"method\":\"ping\"}", i);

      send_begin (f, json, NULL, &ops[i]);
    }

  /* The other 19 complete while the first one hangs. */
  for (guint i = 1; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (send_finish (f, &ops[i], &error));
      g_assert_no_error (error);
    }
  g_assert_null (ops[0].result);
  g_assert_cmpuint (test_server_count_stalled (f->server), ==, 1);
  assert_post_count (f, G_N_ELEMENTS (ops));

  /* stop() cuts the last one off. */
  mcp_sse_connection_manager_stop (f->manager);
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (send_finish (f, &ops[0], &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  completed = 0;
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    completed += ops[i].completed_at != 0;
  g_assert_cmpuint (completed, ==, G_N_ELEMENTS (ops));
}

static void
test_send_cancel (Fixture       *f,
                  gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Op op;

  start_connected (f);
  send_begin (f, STALL_MESSAGE, cancellable, &op);
  TEST_WAIT_UNTIL (test_server_count_stalled (f->server) == 1);
  g_cancellable_cancel (cancellable);
  g_assert_false (send_finish (f, &op, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_clear_error (&error);

  /* An already cancelled send fails too, and the connection stays up. */
  send_begin (f, PING_MESSAGE, cancellable, &op);
  g_assert_false (send_finish (f, &op, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  send_ok (f, PING_MESSAGE);
  g_assert_cmpuint (f->n_closed, ==, 0);
}

static void
test_send_not_connected (Fixture       *f,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  Op op;

  /* Before any start */
  g_assert_false (send_sync (f, PING_MESSAGE, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  /* While connecting, before the endpoint is known */
  test_server_add_sse (f->server, "/sse", NULL, NULL);
  start_begin (f, NULL, &op);
  {
    g_autoptr(TestStream) stream = wait_stream (f, 0);

    assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTING);
    g_assert_false (send_sync (f, PING_MESSAGE, &error));
    g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED);
    g_clear_error (&error);

    test_stream_write (stream, ENDPOINT_EVENT);
    g_assert_true (start_finish (f, &op, &error));
    g_assert_no_error (error);
  }

  /* After stop() */
  mcp_sse_connection_manager_stop (f->manager);
  g_assert_false (send_sync (f, PING_MESSAGE, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_NOT_CONNECTED);
  assert_post_count (f, 0);
}

/* Starting */

static void
test_start_cancel (Fixture       *f,
                   gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  Op op;

  test_server_add_sse (f->server, "/sse", NULL, ": no endpoint yet\n\n");
  start_begin (f, cancellable, &op);
  stream = wait_stream (f, 0);
  g_cancellable_cancel (cancellable);
  g_assert_false (start_finish (f, &op, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  TEST_WAIT_UNTIL (test_stream_is_peer_closed (stream));
  g_clear_error (&error);

  /* A cancellable cancelled beforehand */
  start_begin (f, cancellable, &op);
  g_assert_false (start_finish (f, &op, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->n_closed, ==, 0);
}

static void
test_start_pending (Fixture       *f,
                    gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  Op first;
  Op second;

  test_server_add_sse (f->server, "/sse", NULL, NULL);
  start_begin (f, NULL, &first);
  stream = wait_stream (f, 0);

  /* While connecting */
  start_begin (f, NULL, &second);
  g_assert_false (start_finish (f, &second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTING);

  /* The first start goes on. */
  test_stream_write (stream, ENDPOINT_EVENT);
  g_assert_true (start_finish (f, &first, &error));
  g_assert_no_error (error);

  /* While connected */
  start_begin (f, NULL, &second);
  g_assert_false (start_finish (f, &second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (test_server_count_requests (f->server, "GET", NULL), ==, 1);
  send_ok (f, PING_MESSAGE);
}

static void
test_start_invalid_url (Fixture       *f,
                        gconstpointer  user_data)
{
  const char *urls[] = {
    "/sse", "sse", "ftp://127.0.0.1/sse", "file:///tmp/sse", "http://", "",
    /* No authority, or an empty one */
    "http:/sse", "https:/sse", "http:sse", "http:", "http:///sse", "https:///sse",
    "//127.0.0.1/sse", "http://user@/sse", "http://:8080/sse",
    /* A host that does not parse, a port that is out of range or 0 */
    "http://[::1", "http://[::1/sse", "http://127.0.0.1:65536/sse",
    "http://127.0.0.1:99999999999/sse", "http://127.0.0.1:0/sse", "http://[::1]:0/sse",
    "https://127.0.0.1:00/sse",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("URL \"%s\"", urls[i]);
      fixture_release_manager (f);
      fixture_set_manager (f, mcp_sse_connection_manager_new (urls[i]));
      g_assert_cmpstr (mcp_sse_connection_manager_get_url (f->manager), ==, urls[i]);
      g_assert_false (start_sync (f, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
    }
  g_assert_cmpuint (test_server_count_started (f->server), ==, 0);
}

static void
test_start_again (Fixture       *f,
                  gconstpointer  user_data)
{
  g_autoptr(TestStream) first = NULL;

  start_connected (f);
  first = test_server_dup_stream (f->server, 0);
  mcp_sse_connection_manager_stop (f->manager);
  g_assert_cmpuint (f->n_closed, ==, 1);
  TEST_WAIT_UNTIL (test_stream_is_peer_closed (first));

  start_connected (f);
  g_assert_cmpuint (test_server_count_requests (f->server, "GET", "/sse"), ==, 2);
  send_ok (f, PING_MESSAGE);

  /* Only the new stream reaches the manager. */
  {
    g_autoptr(TestStream) second = test_server_dup_stream (f->server, 1);

    test_stream_write (second, "data: {\"n\":2}\n\n");
    wait_messages (f, 1);
    g_assert_cmpint (message_number (g_ptr_array_index (f->messages, 0)), ==, 2);
  }
}

/* stop() */

static void
test_stop_before_start (Fixture       *f,
                        gconstpointer  user_data)
{
  mcp_sse_connection_manager_stop (f->manager);
  assert_state (f, MCP_SSE_CONNECTION_STATE_DISCONNECTED);
  g_assert_cmpuint (f->states->len, ==, 0);
  g_assert_cmpuint (f->n_closed, ==, 0);
}

static void
test_stop_while_connecting (Fixture       *f,
                            gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  Op op;

  test_server_add_sse (f->server, "/sse", NULL, ": no endpoint yet\n\n");
  start_begin (f, NULL, &op);
  stream = wait_stream (f, 0);
  TEST_WAIT_UNTIL (test_stream_get_written (stream) > 0);

  mcp_sse_connection_manager_stop (f->manager);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_false (start_finish (f, &op, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->n_closed, ==, 0);
  TEST_WAIT_UNTIL (test_stream_is_peer_closed (stream));
}

static void
test_stop_while_sending (Fixture       *f,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  Op op;

  start_connected (f);
  send_begin (f, STALL_MESSAGE, NULL, &op);
  TEST_WAIT_UNTIL (test_server_count_stalled (f->server) == 1);

  f->in_stop = TRUE;
  mcp_sse_connection_manager_stop (f->manager);
  f->in_stop = FALSE;

  /* Before stop() returns: CLOSED, and ::closed without an error. */
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_cmpuint (f->n_closed, ==, 1);
  g_assert_no_error (f->closed_error);
  g_assert_null (mcp_sse_connection_manager_get_endpoint (f->manager));

  /* The send it cut off calls back afterwards. */
  g_assert_false (send_finish (f, &op, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (op.completed_during_stop);
}

static void
test_stop_in_message_handler (Fixture       *f,
                              gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);
  f->stop_on_message = TRUE;
  test_stream_write (stream, "data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: {\"n\":3}\n\n");
  wait_closed (f);
  g_assert_no_error (f->closed_error);
  g_assert_cmpint (f->state_at_closed, ==, MCP_SSE_CONNECTION_STATE_CLOSED);

  /* Nothing after the stop, up to the manager's finalization. */
  fixture_release_manager (f);
  g_assert_cmpuint (f->messages->len, ==, 1);
  g_assert_cmpuint (f->n_closed, ==, 1);
  TEST_WAIT_UNTIL (test_stream_is_peer_closed (stream));
}

/* ::event for the endpoint comes before the manager takes the endpoint,
 * while the start is still pending: stop() there cancels the start, and
 * no connection was opened for ::closed to report. */
static void
test_stop_in_endpoint_handler (Fixture       *f,
                               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  f->stop_on_event_type = "endpoint";
  g_assert_false (start_sync (f, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->events->len, ==, 1);
  g_assert_cmpuint (f->n_closed, ==, 0);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_null (mcp_sse_connection_manager_get_endpoint (f->manager));
}

static void
test_stop_twice (Fixture       *f,
                 gconstpointer  user_data)
{
  start_connected (f);
  mcp_sse_connection_manager_stop (f->manager);
  mcp_sse_connection_manager_stop (f->manager);
  g_assert_cmpuint (f->n_closed, ==, 1);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  /* No second ::closed, up to the manager's finalization. */
  fixture_release_manager (f);
  g_assert_cmpuint (f->n_closed, ==, 1);
}

/* Properties */

static void
test_defaults (Fixture       *f,
               gconstpointer  user_data)
{
  g_autofree char *url = sse_url (f, "/sse");
  g_autoptr(McpSseConnectionManager) manager = mcp_sse_connection_manager_new (url);
  g_autofree char *url_property = NULL;
  g_autoptr(SoupSession) session = NULL;
  double timeout, sse_read_timeout;
  guint64 max_event_size;
  McpSseConnectionState state;

  g_object_get (manager,
                "url", &url_property,
                "timeout", &timeout,
                "sse-read-timeout", &sse_read_timeout,
                "max-event-size", &max_event_size,
                "state", &state,
                "session", &session,
                NULL);
  g_assert_cmpstr (url_property, ==, url);
  g_assert_cmpstr (mcp_sse_connection_manager_get_url (manager), ==, url);
  g_assert_cmpfloat (timeout, ==, MCP_SSE_CONNECTION_MANAGER_DEFAULT_TIMEOUT);
  g_assert_cmpfloat (sse_read_timeout, ==, MCP_SSE_CONNECTION_MANAGER_DEFAULT_SSE_READ_TIMEOUT);
  g_assert_cmpuint (max_event_size, ==, 16 * 1024 * 1024);
  g_assert_cmpint (state, ==, MCP_SSE_CONNECTION_STATE_DISCONNECTED);
  g_assert_true (SOUP_IS_SESSION (session));
  g_assert_true (session == mcp_sse_connection_manager_get_session (manager));
  g_assert_null (mcp_sse_connection_manager_get_endpoint (manager));
  g_assert_null (mcp_sse_connection_manager_get_auth (manager));
  g_assert_null (mcp_sse_connection_manager_get_protocol_version (manager));
  g_assert_cmpint (mcp_sse_transport_get_state (MCP_SSE_TRANSPORT (manager)), ==,
                   MCP_SSE_CONNECTION_STATE_DISCONNECTED);

  g_clear_object (&session);
  g_assert_finalize_object (g_steal_pointer (&manager));
}

static void
test_notify (Fixture       *f,
             gconstpointer  user_data)
{
  g_autofree char *endpoint = sse_url (f, "/message?sessionId=abc");
  g_autofree char *endpoint_property = NULL;
  g_autoptr(GError) error = NULL;

  start_connected (f);
  g_assert_cmpuint (f->states->len, ==, 2);
  g_assert_cmpint (g_array_index (f->states, McpSseConnectionState, 0), ==, MCP_SSE_CONNECTION_STATE_CONNECTING);
  g_assert_cmpint (g_array_index (f->states, McpSseConnectionState, 1), ==, MCP_SSE_CONNECTION_STATE_CONNECTED);
  g_assert_cmpuint (f->n_endpoint_notifies, ==, 1);
  g_object_get (f->manager, "endpoint", &endpoint_property, NULL);
  g_assert_cmpstr (endpoint_property, ==, endpoint);

  mcp_sse_connection_manager_stop (f->manager);
  g_assert_cmpuint (f->states->len, ==, 3);
  g_assert_cmpint (g_array_index (f->states, McpSseConnectionState, 2), ==, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_cmpuint (f->n_endpoint_notifies, ==, 2);
  g_assert_null (mcp_sse_connection_manager_get_endpoint (f->manager));

  /* A start that fails: CONNECTING, then CLOSED; the endpoint stays NULL. */
  test_server_add_response (f->server, "/sse", SOUP_STATUS_NOT_FOUND, NULL, NULL, NULL, NULL);
  g_assert_false (start_sync (f, &error));
  g_assert_cmpuint (f->states->len, ==, 5);
  g_assert_cmpint (g_array_index (f->states, McpSseConnectionState, 3), ==, MCP_SSE_CONNECTION_STATE_CONNECTING);
  g_assert_cmpint (g_array_index (f->states, McpSseConnectionState, 4), ==, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_cmpuint (f->n_endpoint_notifies, ==, 2);
}

/* Run only in a subprocess: a negative timeout is a programmer error. */
static void
set_negative_timeout (gconstpointer user_data)
{
  g_autoptr(McpSseConnectionManager) manager = mcp_sse_connection_manager_new ("http://127.0.0.1:1/sse");

  if (g_str_equal (user_data, "timeout"))
    mcp_sse_connection_manager_set_timeout (manager, -1);
  else
    mcp_sse_connection_manager_set_sse_read_timeout (manager, -0.5);
}

static void
test_negative_timeouts (void)
{
  g_test_trap_subprocess ("/connection-manager/properties/negative-timeouts/subprocess/timeout", 0, 0);
  g_test_trap_assert_failed ();
  g_test_trap_subprocess ("/connection-manager/properties/negative-timeouts/subprocess/sse-read-timeout", 0, 0);
  g_test_trap_assert_failed ();
}

/* Other contexts, lifetime, TLS */

typedef struct
{
  TestServer *server;
} WorkerData;

static gpointer
run_on_worker (gpointer data)
{
  WorkerData *worker = data;
  GMainContext *context = g_main_context_new ();
  g_autofree char *url = test_server_build_url (worker->server, "/sse");
  g_autoptr(TestStream) stream = NULL;
  Fixture wf = { 0 };
  Op op;

  g_main_context_push_thread_default (context);
  fixture_init_recording (&wf);
  wf.server = worker->server;
  fixture_set_manager (&wf, mcp_sse_connection_manager_new (url));

  start_connected (&wf);
  stream = test_server_dup_stream (worker->server, 0);
  test_stream_write (stream, "data: {\"n\":1}\n\n");
  wait_messages (&wf, 1);

  send_begin (&wf, PING_MESSAGE, NULL, &op);
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (send_finish (&wf, &op, &error));
    g_assert_no_error (error);
  }

  fixture_release_manager (&wf);
  fixture_check_and_free_recording (&wf);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return NULL;
}

/* The whole exchange on another thread's context; the fixture checks
 * there that every signal and callback runs on that thread. */
static void
test_worker_context (Fixture       *f,
                     gconstpointer  user_data)
{
  WorkerData worker = { f->server };
  GThread *thread = g_thread_new ("worker", run_on_worker, &worker);

  g_thread_join (thread);
  g_assert_cmpuint (test_server_count_requests (f->server, "POST", ENDPOINT_PATH), ==, 1);
  /* Nothing was left on this thread's context. */
  g_assert_false (g_main_context_pending (NULL));
}

static void
test_drop_while_connected (Fixture       *f,
                           gconstpointer  user_data)
{
  g_autoptr(TestStream) stream = NULL;

  start_connected (f);
  stream = test_server_dup_stream (f->server, 0);

  f->dropped_while_connected = TRUE;
  g_clear_object (&f->manager);
  TEST_WAIT_UNTIL (f->weak_manager == NULL);
  TEST_WAIT_UNTIL (test_stream_is_peer_closed (stream));
  g_assert_cmpuint (f->n_closed, ==, 0);
}

static void
test_tls_untrusted (Fixture       *f,
                    gconstpointer  user_data)
{
  g_autoptr(TestServer) tls = test_server_new (TEST_SERVER_TLS);
  g_autofree char *url = test_server_build_url (tls, "/sse");
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (url, "https://"));
  test_server_add_sse (tls, "/sse", NULL, ENDPOINT_EVENT);
  fixture_replace_manager (f, mcp_sse_connection_manager_new (url));
  g_assert_false (start_sync (f, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (error->domain, ==, G_TLS_ERROR);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CLOSED);
  g_assert_cmpuint (test_server_count_requests (tls, NULL, NULL), ==, 0);
}

static void
test_tls_trusted_session (Fixture       *f,
                          gconstpointer  user_data)
{
  g_autoptr(TestServer) tls = test_server_new (TEST_SERVER_TLS);
  g_autofree char *url = test_server_build_url (tls, "/sse");
  g_autofree char *ca = test_server_get_certificate_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca, &error);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(TestRequest) post = NULL;
  g_autoptr(TestStream) stream = NULL;

  g_assert_no_error (error);
  session = soup_session_new_with_options ("tls-database", database, NULL);
  test_server_add_sse (tls, "/sse", NULL, ENDPOINT_EVENT);
  test_server_add_stall (tls, ENDPOINT_PATH, STALL_MARKER, SOUP_STATUS_ACCEPTED);
  fixture_replace_manager (f, mcp_sse_connection_manager_new_full (url, NULL, 5, 300, session));
  g_assert_true (mcp_sse_connection_manager_get_session (f->manager) == session);
  g_clear_object (&session);

  start_connected (f);
  send_ok (f, PING_MESSAGE);
  post = test_server_dup_request (tls, "POST", ENDPOINT_PATH, 0);
  g_assert_nonnull (post);

  stream = test_server_dup_stream (tls, 0);
  test_stream_write (stream, "data: {\"n\":1}\n\n");
  wait_messages (f, 1);

  /* Release the manager before its server goes. */
  fixture_release_manager (f);
}

/* The stream's read path, under each layering of libsoup's body stream:
 * a fresh connection (the manager watches its socket), a connection that
 * libsoup reused (it watches the stream), TLS beneath, a gzip decoder
 * above. Each gets a burst of events larger than one read in one chunk,
 * then events one chunk at a time, each waited for before the next is
 * written, then many small chunks written back to back: an event left
 * behind in a buffer above the socket would wait there, on a stream that
 * stays silent, until the test's deadline. */

typedef enum
{
  LAYERS_PLAIN = 0,
  LAYERS_GZIP = 1 << 0,
  LAYERS_REUSED = 1 << 1,
  LAYERS_TLS = 1 << 2,
} Layers;

#define BURST_EVENTS 500
#define SINGLE_EVENTS 5
#define RAPID_EVENTS 50

/* @data compressed up to a sync flush, so that the client can decode all
 * of it without waiting for more. */
static GBytes *
gzip_flush (GConverter *compressor,
            const char *data,
            gsize       length)
{
  GByteArray *out = g_byte_array_new ();
  GConverterResult result;

  do
    {
      guint8 buffer[16384];
      gsize bytes_read = 0, bytes_written = 0;
      g_autoptr(GError) error = NULL;

      result = g_converter_convert (compressor, data, length, buffer, sizeof buffer,
                                    G_CONVERTER_FLUSH, &bytes_read, &bytes_written, &error);
      g_assert_no_error (error);
      g_byte_array_append (out, buffer, bytes_written);
      data += bytes_read;
      length -= bytes_read;
    }
  while (result != G_CONVERTER_FLUSHED);

  return g_byte_array_free_to_bytes (out);
}

static void
layers_write (TestStream *stream,
              GConverter *gzip,
              const char *data)
{
  g_autoptr(GBytes) compressed = NULL;
  gsize length;
  const char *bytes;

  if (gzip == NULL)
    {
      test_stream_write (stream, data);
      return;
    }

  compressed = gzip_flush (gzip, data, strlen (data));
  bytes = g_bytes_get_data (compressed, &length);
  test_stream_write_len (stream, bytes, length);
}

static void
on_warm_up_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GBytes **body = user_data;
  g_autoptr(GError) error = NULL;

  *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* One request through the manager's session, read to its end, so that
 * its keep-alive connection waits in the session for the GET. */
static void
warm_up_connection (Fixture    *f,
                    TestServer *server)
{
  g_autofree char *url = test_server_build_url (server, "/warm-up");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) body = NULL;

  soup_session_send_and_read_async (mcp_sse_connection_manager_get_session (f->manager), msg,
                                    G_PRIORITY_DEFAULT, NULL, on_warm_up_done, &body);
  TEST_WAIT_UNTIL (body != NULL);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
}

static McpSseConnectionManager *
layers_manager_new (const char *url,
                    Layers      layers)
{
  g_autofree char *ca = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;

  if (!(layers & LAYERS_TLS))
    return mcp_sse_connection_manager_new (url);

  ca = test_server_get_certificate_path ();
  database = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("tls-database", database, NULL);
  return mcp_sse_connection_manager_new_full (url, NULL, 5, 300, session);
}

static void
test_read_layers (Fixture       *f,
                  gconstpointer  user_data)
{
  Layers layers = GPOINTER_TO_UINT (user_data);
  g_autoptr(TestServer) server = test_server_new ((layers & LAYERS_TLS ? TEST_SERVER_TLS : 0) |
                                                  (layers & LAYERS_REUSED ? TEST_SERVER_KEEP_ALIVE : 0));
  g_autoptr(GConverter) gzip = NULL;
  g_autoptr(TestStream) stream = NULL;
  g_autoptr(TestRequest) get = NULL;
  g_autoptr(GString) burst = g_string_new (NULL);
  g_autofree char *url = test_server_build_url (server, "/sse");
  g_autofree char *padding = g_strnfill (300, 'p');
  Op op;
  guint i;

  if (layers & LAYERS_GZIP)
    gzip = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
  test_server_add_sse_full (server, "/sse", NULL, NULL,
                            gzip != NULL ? "Content-Encoding" : NULL, "gzip");
  test_server_add_response (server, "/warm-up", SOUP_STATUS_OK, "text/plain", "warm", NULL, NULL);
  fixture_replace_manager (f, layers_manager_new (url, layers));
  if (layers & LAYERS_REUSED)
    warm_up_connection (f, server);

  start_begin (f, NULL, &op);
  TEST_WAIT_UNTIL (test_server_count_streams (server) > 0);
  stream = test_server_dup_stream (server, 0);
  layers_write (stream, gzip, ENDPOINT_EVENT);
  g_assert_true (start_finish (f, &op, NULL));

  for (i = 0; i < BURST_EVENTS; i++)
    g_string_append_printf (burst, "data: {\"n\":%u,\"pad\":\"%s\"}\n\n", i, padding);
  g_assert_cmpuint (burst->len, >, 2 * 64 * 1024);
  layers_write (stream, gzip, burst->str);
  wait_messages (f, BURST_EVENTS);

  for (i = 0; i < SINGLE_EVENTS; i++)
    {
      g_autofree char *event = g_strdup_printf ("data: {\"n\":%u}\n\n", BURST_EVENTS + i);

      layers_write (stream, gzip, event);
      wait_messages (f, BURST_EVENTS + i + 1);
    }

  for (i = 0; i < RAPID_EVENTS; i++)
    {
      g_autofree char *event = g_strdup_printf ("data: {\"n\":%u}\n\n", BURST_EVENTS + SINGLE_EVENTS + i);

      layers_write (stream, gzip, event);
    }
  wait_messages (f, BURST_EVENTS + SINGLE_EVENTS + RAPID_EVENTS);

  for (i = 0; i < f->messages->len; i++)
    g_assert_cmpint (message_number (g_ptr_array_index (f->messages, i)), ==, i);

  get = test_server_dup_request (server, "GET", "/sse", 0);
  if (layers & LAYERS_REUSED)
    {
      g_autoptr(TestRequest) warm_up = test_server_dup_request (server, "GET", "/warm-up", 0);

      g_assert_cmpuint (get->remote_port, ==, warm_up->remote_port);
    }

  /* Release the manager before its server goes. */
  fixture_release_manager (f);
}

/* Hardening: credentials in the URL, answers with large bodies, many sends */

/* Replaces the fixture's server (with its manager, never started) by one
 * whose connections outlive their responses, as most servers' do. */
static void
fixture_use_keep_alive_server (Fixture *f)
{
  g_autofree char *url = NULL;

  g_assert_cmpuint (f->n_started, ==, 0);
  fixture_release_manager (f);
  test_server_free (f->server);
  f->server = test_server_new (TEST_SERVER_KEEP_ALIVE);
  test_server_add_sse (f->server, "/sse", NULL, ENDPOINT_EVENT);
  test_server_add_stall (f->server, ENDPOINT_PATH, STALL_MARKER, SOUP_STATUS_ACCEPTED);
  url = sse_url (f, "/sse");
  fixture_set_manager (f, mcp_sse_connection_manager_new (url));
}

#define URL_PASSWORD "pw-secret-7"
#define BASIC_USER_PASSWORD "Basic dXNlcjpwdy1zZWNyZXQtNw=="

static char *
url_with_user_info (Fixture    *f,
                    const char *path)
{
  return g_strdup_printf ("http://user:" URL_PASSWORD "@%s:%u%s",
                          test_server_get_host (f->server), test_server_get_port (f->server), path);
}

/* User info goes out as Basic credentials, on the first request already;
 * a 401 fails the send, which is never re-sent (libsoup's authentication
 * manager would re-send a POST without its body, and call it a success). */
static void
test_url_user_info (Fixture       *f,
                    gconstpointer  user_data)
{
  g_autofree char *url = url_with_user_info (f, "/sse");
  g_autoptr(McpSseErrorDetails) details = NULL;
  g_autoptr(TestRequest) get = NULL;
  g_autoptr(TestRequest) post = NULL;
  g_autoptr(GError) error = NULL;
  Op op;

  fixture_replace_manager (f, mcp_sse_connection_manager_new (url));
  test_server_add_response (f->server, ENDPOINT_PATH, SOUP_STATUS_UNAUTHORIZED, "text/plain", "no",
                            "WWW-Authenticate", "Basic realm=\"mcp\"");
  start_connected (f);
  g_assert_null (strstr (mcp_sse_connection_manager_get_endpoint (f->manager), URL_PASSWORD));

  send_begin (f, PING_MESSAGE, NULL, &op);
  op_wait (&op);
  details = mcp_sse_error_details_dup_for_result (op.result);
  g_assert_false (send_finish (f, &op, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, "401"));
  g_assert_null (strstr (error->message, URL_PASSWORD));
  g_assert_nonnull (details);
  g_assert_cmpuint (mcp_sse_error_details_get_http_status (details), ==, 401);

  get = test_server_dup_request (f->server, "GET", "/sse", 0);
  g_assert_cmpstr (soup_message_headers_get_one (get->headers, "Authorization"), ==, BASIC_USER_PASSWORD);
  post = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 0);
  g_assert_cmpstr (soup_message_headers_get_one (post->headers, "Authorization"), ==, BASIC_USER_PASSWORD);
  g_assert_cmpstr (g_bytes_get_data (post->body, NULL), ==, PING_MESSAGE);

  /* Nothing was re-sent: the connection still works, and the server saw
   * one POST before this one. */
  test_server_add_stall (f->server, ENDPOINT_PATH, STALL_MARKER, SOUP_STATUS_ACCEPTED);
  send_ok (f, PING_MESSAGE);
  assert_post_count (f, 2);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
}

/* An answer whose body never ends, written chunk after chunk as long as
 * the client reads; the server counts the answers that ended. */
typedef struct
{
  gint finished;
  gint started;
} Endless;

static void
endless_write (SoupServerMessage *msg)
{
  static const char chunk[16 * 1024] = { 'x' };

  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                            chunk, sizeof chunk);
}

static void
on_endless_finished (SoupServerMessage *msg,
                     Endless           *endless)
{
  g_signal_handlers_disconnect_by_func (msg, endless_write, NULL);
  g_atomic_int_inc (&endless->finished);
}

static void
endless_handler (TestServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  Endless *endless = user_data;

  g_atomic_int_inc (&endless->started);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                         "text/plain", NULL);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (endless_write), NULL);
  g_signal_connect (msg, "finished", G_CALLBACK (on_endless_finished), endless);
  endless_write (msg);
}

static void
test_send_endless_body (Fixture       *f,
                        gconstpointer  user_data)
{
  double timeout = 2.0 * test_get_timeout_scale ();
  Endless *endless = g_new0 (Endless, 1);
  guint i;

  start_connected (f);
  mcp_sse_connection_manager_set_timeout (f->manager, timeout);
  test_server_add_handler (f->server, ENDPOINT_PATH, endless_handler, endless, g_free);

  for (i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      Op op;

      send_begin (f, PING_MESSAGE, NULL, &op);
      g_assert_true (send_finish (f, &op, &error));
      g_assert_no_error (error);
      test_assert_elapsed (op_elapsed (&op), 0, WITHIN_A_SECOND);

      /* The connection was dropped: the server's answer ended. */
      TEST_WAIT_UNTIL (g_atomic_int_get (&endless->finished) == (int) i + 1);
    }

  test_server_add_stall (f->server, ENDPOINT_PATH, STALL_MARKER, SOUP_STATUS_ACCEPTED);
  send_ok (f, PING_MESSAGE);
  assert_post_count (f, 4);
}

#define LARGE_BODY_SIZE (10 * 1024 * 1024)
#define KEPT_BODY_SIZE (64 * 1024)

static void
test_send_error_large_body (Fixture       *f,
                            gconstpointer  user_data)
{
  g_autofree char *body = g_malloc (LARGE_BODY_SIZE + 1);
  g_autoptr(McpSseErrorDetails) details = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *kept;
  gsize length;
  const char *data;
  Op op;

  memset (body, 'e', LARGE_BODY_SIZE);
  memcpy (body, "overloaded", strlen ("overloaded"));
  body[LARGE_BODY_SIZE] = '\0';

  start_connected (f);
  test_server_add_response (f->server, ENDPOINT_PATH, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                            "text/plain", body, NULL, NULL);
  send_begin (f, PING_MESSAGE, NULL, &op);
  op_wait (&op);
  test_assert_elapsed (op_elapsed (&op), 0, WITHIN_A_SECOND);

  details = mcp_sse_error_details_dup_for_result (op.result);
  g_assert_false (send_finish (f, &op, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, "500"));

  g_assert_nonnull (details);
  g_assert_cmpuint (mcp_sse_error_details_get_http_status (details), ==, 500);
  kept = mcp_sse_error_details_get_http_body (details);
  g_assert_nonnull (kept);
  data = g_bytes_get_data (kept, &length);
  g_assert_cmpuint (length, >, 0);
  g_assert_cmpuint (length, <=, KEPT_BODY_SIZE);
  g_assert_cmpmem (data, strlen ("overloaded"), "overloaded", strlen ("overloaded"));

  /* Only that send failed. */
  test_server_add_stall (f->server, ENDPOINT_PATH, STALL_MARKER, SOUP_STATUS_ACCEPTED);
  send_ok (f, PING_MESSAGE);
  assert_state (f, MCP_SSE_CONNECTION_STATE_CONNECTED);
}

#define MANY_SENDS 1000

/* Half of many concurrent sends are never answered: the other half still
 * succeed, and every send completes by its deadline, time spent waiting
 * for a connection included. */
static void
test_send_many_stalled (Fixture       *f,
                        gconstpointer  user_data)
{
  double timeout = 3.0 * test_get_timeout_scale ();
  g_autofree Op *ops = g_new0 (Op, MANY_SENDS);
  guint n_stalled_posts;
  guint i;

  fixture_use_keep_alive_server (f);
  start_connected (f);
  mcp_sse_connection_manager_set_timeout (f->manager, timeout);

  for (i = 0; i < MANY_SENDS; i++)
    send_begin (f, i < MANY_SENDS / 2 ? PING_MESSAGE : STALL_MESSAGE, NULL, &ops[i]);

  for (i = 0; i < MANY_SENDS; i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      op_wait (&ops[i]);
      ok = mcp_sse_connection_manager_send_finish (f->manager, ops[i].result, &error);
      g_clear_object (&ops[i].result);
      if (i < MANY_SENDS / 2)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          test_assert_elapsed (op_elapsed (&ops[i]), 0, timeout / test_get_timeout_scale () + WITHIN_A_SECOND);
        }
      else
        {
          g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_TIMEOUT);
          assert_fired_after (op_elapsed (&ops[i]), timeout);
        }
    }

  /* The stalled sends that timed out waiting never reached the server:
   * only as many as ran at once did. */
  n_stalled_posts = test_server_count_stalled (f->server);
  g_assert_cmpuint (n_stalled_posts, >, 0);
  g_assert_cmpuint (n_stalled_posts, <, 32);
  assert_post_count (f, MANY_SENDS / 2 + n_stalled_posts);

  send_ok (f, PING_MESSAGE);
  assert_post_count (f, MANY_SENDS / 2 + n_stalled_posts + 1);
}

/* Authorizers */

#define BEARER_TOKEN "tok-secret-1"

static void
test_bearer_authorizer (Fixture       *f,
                        gconstpointer  user_data)
{
  g_autoptr(McpSseBearerAuthorizer) authorizer = mcp_sse_bearer_authorizer_new (BEARER_TOKEN);
  g_autoptr(TestRequest) get = NULL;
  g_autoptr(TestRequest) post = NULL;
  g_autoptr(McpSseAuthorizer) property = NULL;

  g_assert_cmpstr (mcp_sse_bearer_authorizer_get_token (authorizer), ==, BEARER_TOKEN);
  mcp_sse_connection_manager_set_authorizer (f->manager, MCP_SSE_AUTHORIZER (authorizer));
  g_assert_true (mcp_sse_connection_manager_get_authorizer (f->manager) == MCP_SSE_AUTHORIZER (authorizer));
  g_object_get (f->manager, "authorizer", &property, NULL);
  g_assert_true (property == MCP_SSE_AUTHORIZER (authorizer));

  start_connected (f);
  send_ok (f, PING_MESSAGE);
  g_object_set (authorizer, "token", "second", NULL);
  send_ok (f, PING_MESSAGE);

  get = test_server_dup_request (f->server, "GET", "/sse", 0);
  g_assert_cmpstr (soup_message_headers_get_list (get->headers, "Authorization"), ==, "Bearer " BEARER_TOKEN);
  post = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 0);
  g_assert_cmpstr (soup_message_headers_get_list (post->headers, "Authorization"), ==, "Bearer " BEARER_TOKEN);
  g_clear_pointer (&post, test_request_free);
  post = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 1);
  g_assert_cmpstr (soup_message_headers_get_list (post->headers, "Authorization"), ==, "Bearer second");
}

/* The token never reaches another origin: the redirect there is not
 * followed. */
static void
test_bearer_other_origin (Fixture       *f,
                          gconstpointer  user_data)
{
  g_autoptr(TestServer) other = test_server_new (TEST_SERVER_DEFAULT);
  g_autofree char *location = test_server_build_url (other, "/sse");
  g_autoptr(McpSseBearerAuthorizer) authorizer = mcp_sse_bearer_authorizer_new (BEARER_TOKEN);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  test_server_add_sse (other, "/sse", NULL, ENDPOINT_EVENT);
  test_server_add_response (f->server, "/sse", SOUP_STATUS_FOUND, NULL, NULL, "Location", location);
  mcp_sse_connection_manager_set_authorizer (f->manager, MCP_SSE_AUTHORIZER (authorizer));

  g_assert_false (start_sync (f, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);

  url = sse_url (f, "/sse");
  assert_only_request_sent (f, url);
  g_assert_cmpuint (test_server_count_started (other), ==, 0);
}

static const char *
nth_post_authorization (Fixture *f,
                        guint    nth,
                        char   **out)
{
  g_autoptr(TestRequest) post = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, nth);

  g_assert_nonnull (post);
  g_free (*out);
  *out = g_strdup (soup_message_headers_get_one (post->headers, "Authorization"));
  return *out;
}

/* authorizer, then auth, then an Authorization header, then user info. */
static void
test_auth_precedence (Fixture       *f,
                      gconstpointer  user_data)
{
  g_autofree char *url = url_with_user_info (f, "/sse");
  g_autoptr(McpSseBearerAuthorizer) authorizer = mcp_sse_bearer_authorizer_new (BEARER_TOKEN);
  g_autoptr(SoupAuth) auth = new_basic_auth (f);
  g_autoptr(TestRequest) get = NULL;
  g_autofree char *value = NULL;

  fixture_replace_manager (f, mcp_sse_connection_manager_new (url));
  mcp_sse_connection_manager_set_header (f->manager, "Authorization", "Bearer from-header");
  mcp_sse_connection_manager_set_auth (f->manager, auth);
  mcp_sse_connection_manager_set_authorizer (f->manager, MCP_SSE_AUTHORIZER (authorizer));
  start_connected (f);
  get = test_server_dup_request (f->server, "GET", "/sse", 0);
  g_assert_cmpstr (soup_message_headers_get_one (get->headers, "Authorization"), ==, "Bearer " BEARER_TOKEN);

  send_ok (f, PING_MESSAGE);
  g_assert_cmpstr (nth_post_authorization (f, 0, &value), ==, "Bearer " BEARER_TOKEN);

  mcp_sse_connection_manager_set_authorizer (f->manager, NULL);
  send_ok (f, PING_MESSAGE);
  g_assert_cmpstr (nth_post_authorization (f, 1, &value), ==, BASIC_USER_SECRET);

  mcp_sse_connection_manager_set_auth (f->manager, NULL);
  send_ok (f, PING_MESSAGE);
  g_assert_cmpstr (nth_post_authorization (f, 2, &value), ==, "Bearer from-header");

  mcp_sse_connection_manager_set_header (f->manager, "Authorization", NULL);
  send_ok (f, PING_MESSAGE);
  g_assert_cmpstr (nth_post_authorization (f, 3, &value), ==, BASIC_USER_PASSWORD);
}

/* An authorizer that answers the first challenge with a new token and a
 * retry, and gives up on any later one. */
#define TEST_TYPE_RENEWING_AUTHORIZER (test_renewing_authorizer_get_type ())
G_DECLARE_FINAL_TYPE (TestRenewingAuthorizer, test_renewing_authorizer, TEST, RENEWING_AUTHORIZER, GObject)

struct _TestRenewingAuthorizer
{
  GObject parent_instance;
  char *token;
  guint n_authorized;
  guint n_challenged;
  guint challenged_status;
  char *challenged_header;
};

static void test_renewing_authorizer_iface_init (McpSseAuthorizerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestRenewingAuthorizer, test_renewing_authorizer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MCP_SSE_TYPE_AUTHORIZER,
                                                      test_renewing_authorizer_iface_init))

static void
renewing_authorize_async (McpSseAuthorizer    *authorizer,
                          SoupMessage         *msg,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  TestRenewingAuthorizer *self = TEST_RENEWING_AUTHORIZER (authorizer);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

  self->n_authorized++;
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
  g_task_return_boolean (task, TRUE);
}

static gboolean
renewing_authorize_finish (McpSseAuthorizer  *authorizer,
                           GAsyncResult      *result,
                           GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
renewing_challenge_async (McpSseAuthorizer    *authorizer,
                          SoupMessage         *msg,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  TestRenewingAuthorizer *self = TEST_RENEWING_AUTHORIZER (authorizer);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  self->n_challenged++;
  self->challenged_status = soup_message_get_status (msg);
  g_free (self->challenged_header);
  self->challenged_header = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                                    "WWW-Authenticate"));
  if (self->n_challenged > 1)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  g_free (self->token);
  self->token = g_strdup ("renewed");
  g_task_return_boolean (task, TRUE);
}

static gboolean
renewing_challenge_finish (McpSseAuthorizer  *authorizer,
                           GAsyncResult      *result,
                           GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
test_renewing_authorizer_iface_init (McpSseAuthorizerInterface *iface)
{
  iface->authorize_async = renewing_authorize_async;
  iface->authorize_finish = renewing_authorize_finish;
  iface->challenge_async = renewing_challenge_async;
  iface->challenge_finish = renewing_challenge_finish;
}

static void
test_renewing_authorizer_finalize (GObject *object)
{
  TestRenewingAuthorizer *self = TEST_RENEWING_AUTHORIZER (object);

  g_free (self->token);
  g_free (self->challenged_header);
  G_OBJECT_CLASS (test_renewing_authorizer_parent_class)->finalize (object);
}

static void
test_renewing_authorizer_class_init (TestRenewingAuthorizerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_renewing_authorizer_finalize;
}

static void
test_renewing_authorizer_init (TestRenewingAuthorizer *self)
{
  self->token = g_strdup ("first");
}

/* Answers 401 (or the status of @user_data's entry) unless the request
 * carries the accepted credentials. */
typedef struct
{
  guint status;
  char *accepted;               /* NULL: none */
  char *challenge;
} Gate;

static void
gate_free (Gate *gate)
{
  g_free (gate->accepted);
  g_free (gate->challenge);
  g_free (gate);
}

static void
gate_handler (TestServer        *server,
              SoupServerMessage *msg,
              gpointer           user_data)
{
  Gate *gate = user_data;
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");

  if (gate->accepted != NULL && g_strcmp0 (authorization, gate->accepted) == 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_ACCEPTED, NULL);
      return;
    }

  soup_server_message_set_status (msg, gate->status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", gate->challenge);
}

static void
add_gate (Fixture    *f,
          guint       status,
          const char *accepted,
          const char *challenge)
{
  Gate *gate = g_new0 (Gate, 1);

  gate->status = status;
  gate->accepted = g_strdup (accepted);
  gate->challenge = g_strdup (challenge);
  test_server_add_handler (f->server, ENDPOINT_PATH, gate_handler, gate, (GDestroyNotify) gate_free);
}

static void
test_authorizer_retry (Fixture       *f,
                       gconstpointer  user_data)
{
  g_autoptr(TestRenewingAuthorizer) authorizer = g_object_new (TEST_TYPE_RENEWING_AUTHORIZER, NULL);
  g_autoptr(TestRequest) first = NULL;
  g_autoptr(TestRequest) second = NULL;

  mcp_sse_connection_manager_set_authorizer (f->manager, MCP_SSE_AUTHORIZER (authorizer));
  start_connected (f);
  add_gate (f, SOUP_STATUS_UNAUTHORIZED, "Bearer renewed", "Bearer realm=\"mcp\"");
  send_ok (f, PING_MESSAGE);

  g_assert_cmpuint (authorizer->n_challenged, ==, 1);
  g_assert_cmpuint (authorizer->challenged_status, ==, 401);
  assert_post_count (f, 2);
  first = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 0);
  second = test_server_dup_request (f->server, "POST", ENDPOINT_PATH, 1);
  g_assert_cmpstr (soup_message_headers_get_one (first->headers, "Authorization"), ==, "Bearer first");
  g_assert_cmpstr (soup_message_headers_get_one (second->headers, "Authorization"), ==, "Bearer renewed");
  g_assert_cmpstr (g_bytes_get_data (second->body, NULL), ==, PING_MESSAGE);
  g_assert_true (g_bytes_equal (first->body, second->body));
}

static void
test_authorizer_retry_once (Fixture       *f,
                            gconstpointer  user_data)
{
  g_autoptr(TestRenewingAuthorizer) authorizer = g_object_new (TEST_TYPE_RENEWING_AUTHORIZER, NULL);
  g_autoptr(McpSseErrorDetails) details = NULL;
  g_autoptr(GError) error = NULL;
  Op op;

  mcp_sse_connection_manager_set_authorizer (f->manager, MCP_SSE_AUTHORIZER (authorizer));
  start_connected (f);
  add_gate (f, SOUP_STATUS_UNAUTHORIZED, NULL, "Bearer realm=\"mcp\"");

  send_begin (f, PING_MESSAGE, NULL, &op);
  op_wait (&op);
  details = mcp_sse_error_details_dup_for_result (op.result);
  g_assert_false (send_finish (f, &op, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, "401"));
  g_assert_nonnull (details);
  g_assert_cmpuint (mcp_sse_error_details_get_http_status (details), ==, 401);

  /* One retry, and the authorizer was asked once. */
  assert_post_count (f, 2);
  g_assert_cmpuint (authorizer->n_challenged, ==, 1);
  g_assert_cmpuint (authorizer->n_authorized, ==, 3);  /* the GET and two POSTs */
}

static void
test_authorizer_forbidden (Fixture       *f,
                           gconstpointer  user_data)
{
  g_autoptr(McpSseBearerAuthorizer) bearer = mcp_sse_bearer_authorizer_new (BEARER_TOKEN);
  g_autoptr(TestRenewingAuthorizer) authorizer = g_object_new (TEST_TYPE_RENEWING_AUTHORIZER, NULL);
  g_autoptr(GError) error = NULL;

  mcp_sse_connection_manager_set_authorizer (f->manager, MCP_SSE_AUTHORIZER (authorizer));
  start_connected (f);
  add_gate (f, SOUP_STATUS_FORBIDDEN, NULL, "Bearer error=\"insufficient_scope\", scope=\"tools\"");

  g_assert_false (send_sync (f, PING_MESSAGE, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  g_assert_nonnull (strstr (error->message, "403"));
  g_assert_cmpuint (authorizer->n_challenged, ==, 1);
  g_assert_cmpuint (authorizer->challenged_status, ==, 403);
  g_assert_cmpstr (authorizer->challenged_header, ==, "Bearer error=\"insufficient_scope\", scope=\"tools\"");
  g_clear_error (&error);

  /* The bearer authorizer gives up at once: one POST, no retry. */
  mcp_sse_connection_manager_set_authorizer (f->manager, MCP_SSE_AUTHORIZER (bearer));
  g_assert_false (send_sync (f, PING_MESSAGE, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
  assert_post_count (f, 3);
}

/* The GET too is challenged, and retried once with fresh credentials. */
static void
test_authorizer_get_retry (Fixture       *f,
                           gconstpointer  user_data)
{
  g_autoptr(TestRenewingAuthorizer) authorizer = g_object_new (TEST_TYPE_RENEWING_AUTHORIZER, NULL);
  g_autoptr(TestRequest) first = NULL;
  g_autoptr(TestRequest) second = NULL;
  Gate *gate = g_new0 (Gate, 1);

  gate->status = SOUP_STATUS_UNAUTHORIZED;
  gate->challenge = g_strdup ("Bearer realm=\"mcp\"");
  test_server_add_handler (f->server, "/sse", gate_handler, gate, (GDestroyNotify) gate_free);
  test_server_add_sse (f->server, "/sse-open", NULL, ENDPOINT_EVENT);
  mcp_sse_connection_manager_set_authorizer (f->manager, MCP_SSE_AUTHORIZER (authorizer));

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (start_sync (f, &error));
    g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_HTTP_STATUS);
    g_assert_nonnull (strstr (error->message, "401"));
  }
  g_assert_cmpuint (test_server_count_requests (f->server, "GET", "/sse"), ==, 2);
  g_assert_cmpuint (authorizer->n_challenged, ==, 1);
  first = test_server_dup_request (f->server, "GET", "/sse", 0);
  second = test_server_dup_request (f->server, "GET", "/sse", 1);
  g_assert_cmpstr (soup_message_headers_get_one (first->headers, "Authorization"), ==, "Bearer first");
  g_assert_cmpstr (soup_message_headers_get_one (second->headers, "Authorization"), ==, "Bearer renewed");
}

/* Unexpected warnings and criticals fail the test. */
#define ADD(path, func) \
  g_test_add ("/connection-manager/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_DATA(path, data, func) \
  g_test_add ("/connection-manager/" path, Fixture, data, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  test_init (&argc, &argv);

  ADD ("connect/relative-endpoint", test_connect_relative);
  ADD ("connect/relative-path-endpoint", test_connect_relative_path);
  ADD ("connect/absolute-endpoint", test_connect_absolute);
  ADD ("request/format", test_request_format);
  ADD ("request/strict-json", test_request_strict_json);
  ADD ("request/protocol-version", test_protocol_version);
  ADD ("request/custom-headers", test_custom_headers);
  ADD ("request/invalid-headers", test_invalid_headers);
  ADD ("request/auth", test_auth);
  ADD ("origin/other-host", test_origin_other_host);
  ADD ("origin/other-host-name", test_origin_other_host_name);
  ADD ("origin/other-port", test_origin_other_port);
  ADD ("origin/other-scheme", test_origin_other_scheme);
  ADD ("redirect/same-origin", test_redirect_same_origin);
  ADD ("redirect/other-origin", test_redirect_other_origin);
  ADD ("redirect/loop", test_redirect_loop);
  ADD_DATA ("redirect/no-server/no-authority", "http:/sse2", test_redirect_no_server);
  ADD_DATA ("redirect/no-server/scheme-only", "http:", test_redirect_no_server);
  ADD_DATA ("redirect/no-server/empty-authority", "http:///sse2", test_redirect_no_server);
  ADD_DATA ("redirect/no-server/empty-host", "http://", test_redirect_no_server);
  ADD_DATA ("redirect/no-server/relative-empty-authority", "//", test_redirect_no_server);
  ADD_DATA ("redirect/no-server/relative-empty-host", "///sse2", test_redirect_no_server);
  ADD_DATA ("redirect/no-server/user-info-only", "//user@/sse2", test_redirect_no_server);
  ADD_DATA ("redirect/no-server/unclosed-ipv6", "http://[::1", test_redirect_no_server);
  ADD_DATA ("redirect/no-server/port-zero", "http://127.0.0.1:0/sse2", test_redirect_no_server);
  ADD_DATA ("redirect/no-server/port-too-large", "http://127.0.0.1:65536/sse2", test_redirect_no_server);
  ADD_DATA ("get/status-401", GUINT_TO_POINTER (401), test_get_status);
  ADD_DATA ("get/status-404", GUINT_TO_POINTER (404), test_get_status);
  ADD_DATA ("get/status-500", GUINT_TO_POINTER (500), test_get_status);
  ADD ("get/content-type-wrong", test_content_type_wrong);
  ADD ("get/content-type-missing", test_content_type_missing);
  ADD ("get/content-type-parameters", test_content_type_parameters);
  ADD ("endpoint/none-before-end", test_no_endpoint);
  ADD ("endpoint/timeout", test_endpoint_timeout);
  ADD ("endpoint/headers-timeout", test_headers_timeout);
  ADD ("endpoint/messages-before", test_messages_before_endpoint);
  ADD ("endpoint/second", test_second_endpoint);
  ADD ("endpoint/empty", test_bad_endpoint);
  ADD_DATA ("endpoint/no-server/no-authority", "http:/m", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/no-authority-https", "https:/m", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/scheme-only", "http:", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/empty-authority", "http:///m", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/empty-host", "http://", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/relative-empty-authority", "//", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/relative-empty-host", "///m", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/user-info-only", "//user@/m", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/opaque", "mailto:someone", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/unclosed-ipv6", "http://[::1", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/port-zero", "http://127.0.0.1:0/m", test_endpoint_no_server);
  ADD_DATA ("endpoint/no-server/port-too-large", "http://127.0.0.1:65536/m", test_endpoint_no_server);
  ADD ("endpoint/nul", test_endpoint_nul);
  ADD_DATA ("endpoint/control/tab", "/m\tx", test_endpoint_control);
  ADD_DATA ("endpoint/control/leading-tab", "\t/message", test_endpoint_control);
  ADD_DATA ("endpoint/control/soh", "/m\001", test_endpoint_control);
  ADD_DATA ("endpoint/control/escape", "/m?x=\033[2J", test_endpoint_control);
  ADD_DATA ("endpoint/control/unit-separator", "/m\037", test_endpoint_control);
  ADD_DATA ("endpoint/control/delete", "/m\177", test_endpoint_control);
  ADD_DATA ("endpoint/user-info-elsewhere/absolute", GINT_TO_POINTER (FALSE),
            test_endpoint_user_info_elsewhere);
  ADD_DATA ("endpoint/user-info-elsewhere/relative", GINT_TO_POINTER (TRUE),
            test_endpoint_user_info_elsewhere);
  ADD ("stream/server-closes", test_server_closes);
  ADD ("stream/reset", test_connection_reset);
  ADD ("stream/truncated", test_truncated_body);
  ADD ("stream/drip", test_drip);
  ADD ("stream/read-timeout", test_read_timeout);
  ADD ("stream/comments-keep-alive", test_comments_keep_alive);
  ADD ("stream/invalid-json", test_invalid_json);
  ADD ("stream/line-ends", test_line_ends);
  ADD_DATA ("stream/lax-json/two-values", "{} {}", test_lax_json);
  ADD_DATA ("stream/lax-json/leading-zero", "[017]", test_lax_json);
  ADD_DATA ("stream/lax-json/comment", "/* c */ {}", test_lax_json);
  ADD_DATA ("stream/lax-json/single-quotes", "'x'", test_lax_json);
  ADD_DATA ("stream/lax-json/raw-tab", "[\"a\tb\"]", test_lax_json);
  ADD_DATA ("stream/lax-json/escaped-nul", "\"a\\u0000b\"", test_lax_json);
  ADD_DATA ("stream/lax-json/array-trailing-comma", "[1,]", test_lax_json);
  ADD_DATA ("stream/lax-json/object-trailing-comma", "{\"a\":1,}", test_lax_json);
  ADD_DATA ("stream/lax-json/number-overflow", "1e400", test_lax_json);
  ADD ("stream/id-types", test_id_types);
  ADD ("stream/many-events", test_many_events);
  ADD ("stream/event-too-large", test_event_too_large);
  ADD ("stream/unknown-event-type", test_unknown_event_type);
  ADD ("stream/keep-alive-data", test_keep_alive_data);
  ADD_DATA ("send/status-500", GUINT_TO_POINTER (500), test_send_status);
  ADD_DATA ("send/status-413", GUINT_TO_POINTER (413), test_send_status);
  ADD ("send/never-answered", test_send_never_answered);
  ADD ("send/concurrent", test_send_concurrent);
  ADD ("send/cancel", test_send_cancel);
  ADD ("send/not-connected", test_send_not_connected);
  ADD ("send/endless-body", test_send_endless_body);
  ADD ("send/error-large-body", test_send_error_large_body);
  ADD ("send/many-stalled", test_send_many_stalled);
  ADD ("auth/url-user-info", test_url_user_info);
  ADD ("auth/bearer", test_bearer_authorizer);
  ADD ("auth/bearer-other-origin", test_bearer_other_origin);
  ADD ("auth/precedence", test_auth_precedence);
  ADD ("auth/retry", test_authorizer_retry);
  ADD ("auth/retry-once", test_authorizer_retry_once);
  ADD ("auth/forbidden", test_authorizer_forbidden);
  ADD ("auth/get-retry", test_authorizer_get_retry);
  ADD ("start/cancel", test_start_cancel);
  ADD ("start/pending", test_start_pending);
  ADD ("start/invalid-url", test_start_invalid_url);
  ADD ("start/again", test_start_again);
  ADD ("stop/before-start", test_stop_before_start);
  ADD ("stop/while-connecting", test_stop_while_connecting);
  ADD ("stop/while-sending", test_stop_while_sending);
  ADD ("stop/in-message-handler", test_stop_in_message_handler);
  ADD ("stop/in-endpoint-handler", test_stop_in_endpoint_handler);
  ADD ("stop/twice", test_stop_twice);
  ADD ("properties/defaults", test_defaults);
  ADD ("properties/notify", test_notify);
  g_test_add_func ("/connection-manager/properties/negative-timeouts", test_negative_timeouts);
  g_test_add_data_func ("/connection-manager/properties/negative-timeouts/subprocess/timeout",
                        "timeout", set_negative_timeout);
  g_test_add_data_func ("/connection-manager/properties/negative-timeouts/subprocess/sse-read-timeout",
                        "sse-read-timeout", set_negative_timeout);
  ADD ("context/worker-thread", test_worker_context);
  ADD ("lifetime/drop-while-connected", test_drop_while_connected);
  ADD ("tls/untrusted", test_tls_untrusted);
  ADD ("tls/trusted-session", test_tls_trusted_session);
  ADD_DATA ("read/layers/plain", GUINT_TO_POINTER (LAYERS_PLAIN), test_read_layers);
  ADD_DATA ("read/layers/gzip", GUINT_TO_POINTER (LAYERS_GZIP), test_read_layers);
  ADD_DATA ("read/layers/reused", GUINT_TO_POINTER (LAYERS_REUSED), test_read_layers);
  ADD_DATA ("read/layers/gzip-reused", GUINT_TO_POINTER (LAYERS_GZIP | LAYERS_REUSED), test_read_layers);
  ADD_DATA ("read/layers/tls", GUINT_TO_POINTER (LAYERS_TLS), test_read_layers);
  ADD_DATA ("read/layers/tls-reused", GUINT_TO_POINTER (LAYERS_TLS | LAYERS_REUSED), test_read_layers);
  ADD_DATA ("read/layers/gzip-tls-reused",
            GUINT_TO_POINTER (LAYERS_GZIP | LAYERS_TLS | LAYERS_REUSED), test_read_layers);

  return g_test_run ();
}
