/* test-demo-streamable.c: the demo server's Streamable HTTP endpoint,
 * /mcp, spoken to with plain libsoup
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-demo-server.h"
#include "mcp-sse-test-utils.h"

#define BOTH_TYPES "application/json, text/event-stream"

typedef struct
{
  McpSseDemoServer *server;
  char *url;              /* of /mcp */
  SoupSession *session;
  char *session_id;       /* after initialize() */
} Fixture;

/* The answer to one request, read to its end. */
typedef struct
{
  guint status;
  char *content_type;
  char *session_id;
  GBytes *body;
  gboolean done;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_free (answer->content_type);
  g_free (answer->session_id);
  g_clear_pointer (&answer->body, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = mcp_sse_demo_server_new ();
  g_assert_true (mcp_sse_demo_server_listen (fixture->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  fixture->url = g_strdup_printf ("http://127.0.0.1:%u/mcp",
                                  mcp_sse_demo_server_get_port (fixture->server));
  fixture->session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  soup_session_abort (fixture->session);
  test_unref_and_wait (fixture->session);
  mcp_sse_demo_server_close_sessions (fixture->server);
  TEST_WAIT_UNTIL (mcp_sse_demo_server_get_n_sessions (fixture->server) == 0);
  g_assert_finalize_object (fixture->server);
  g_free (fixture->url);
  g_free (fixture->session_id);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Answer *answer = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  g_autoptr(GError) error = NULL;

  answer->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  answer->session_id = g_strdup (soup_message_headers_get_one (headers, "Mcp-Session-Id"));
  answer->done = TRUE;
}

/* Sends @method to /mcp with the given headers (NULL: none) and @json as
 * the body (NULL: none), and reads the whole answer into @answer. */
static void
request (Fixture    *fixture,
         const char *method,
         const char *accept,
         const char *session_id,
         const char *content_type,
         const char *json,
         Answer     *answer)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, fixture->url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (accept != NULL)
    soup_message_headers_replace (headers, "Accept", accept);
  if (session_id != NULL)
    soup_message_headers_replace (headers, "Mcp-Session-Id", session_id);
  if (json != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_read, answer);
  TEST_WAIT_UNTIL (answer->done);
}

/* POSTs @json in the session, as a client should. */
static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GInputStream **body = user_data;
  g_autoptr(GError) error = NULL;

  *body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* Sends @msg, returns its body as it arrives. */
static GInputStream *
send (Fixture     *fixture,
      SoupMessage *msg)
{
  GInputStream *body = NULL;

  soup_session_send_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &body);
  TEST_WAIT_UNTIL (body != NULL);
  return body;
}

static void
on_read_all (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GBytes **bytes = user_data;
  g_autoptr(GError) error = NULL;

  *bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  g_assert_no_error (error);
}

/* Reads what @body has next (empty at its end). */
static GBytes *
read_some (GInputStream *body)
{
  GBytes *bytes = NULL;

  g_input_stream_read_bytes_async (body, 65536, G_PRIORITY_DEFAULT, NULL, on_read_all, &bytes);
  TEST_WAIT_UNTIL (bytes != NULL);
  return bytes;
}

static void
post (Fixture    *fixture,
      const char *json,
      Answer     *answer)
{
  request (fixture, "POST", BOTH_TYPES, fixture->session_id, "application/json", json, answer);
}

static JsonNode *
answer_json (Answer *answer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup (g_bytes_get_data (answer->body, NULL),
                                     g_bytes_get_size (answer->body));
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
on_event (McpSseEventParser *parser,
          McpSseEvent       *event,
          GPtrArray         *messages)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, "message");
  node = json_from_string (mcp_sse_event_get_data (event), &error);
  g_assert_no_error (error);
  g_ptr_array_add (messages, node);
}

/* The JSON-RPC messages of a text/event-stream answer, in order. */
static GPtrArray *
answer_events (Answer *answer)
{
  g_autoptr(McpSseEventParser) parser = mcp_sse_event_parser_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_cmpstr (answer->content_type, ==, "text/event-stream");
  g_signal_connect (parser, "event", G_CALLBACK (on_event), messages);
  g_assert_true (mcp_sse_event_parser_feed (parser, g_bytes_get_data (answer->body, NULL),
                                            g_bytes_get_size (answer->body), &error));
  g_assert_no_error (error);
  mcp_sse_event_parser_end (parser);

  return messages;
}

static const char *
string_at (JsonNode   *node,
           const char *path)
{
  g_autoptr(JsonNode) found = json_path_query (path, node, NULL);
  JsonArray *matches = json_node_get_array (found);

  g_assert_cmpuint (json_array_get_length (matches), ==, 1);
  /* The string lives as long as @node. */
  return g_intern_string (json_array_get_string_element (matches, 0));
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

static void
initialize (Fixture *fixture)
{
  g_auto(Answer) answer = { 0 };
  g_auto(Answer) initialized = { 0 };
  g_autoptr(JsonNode) response = NULL;

  post (fixture,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
        "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}",
        &answer);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_cmpstr (answer.content_type, ==, "application/json");
  g_assert_nonnull (answer.session_id);
  g_assert_cmpuint (strlen (answer.session_id), >, 0);
  for (const char *c = answer.session_id; *c != '\0'; c++)
    g_assert_true (*c >= 0x21 && *c <= 0x7e);
  response = answer_json (&answer);
  g_assert_cmpint (int_at (response, "$.id"), ==, 1);
  g_assert_cmpstr (string_at (response, "$.result.protocolVersion"), ==, "2025-11-25");
  g_assert_cmpstr (string_at (response, "$.result.serverInfo.name"), ==, MCP_SSE_DEMO_SERVER_NAME);
  fixture->session_id = g_strdup (answer.session_id);

  post (fixture, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", &initialized);
  g_assert_cmpuint (initialized.status, ==, 202);
  g_assert_cmpuint (g_bytes_get_size (initialized.body), ==, 0);
}

static void
test_session (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(Answer) list = { 0 };
  g_auto(Answer) add = { 0 };
  g_auto(Answer) deleted = { 0 };
  g_auto(Answer) after = { 0 };
  g_autoptr(JsonNode) tools = NULL;
  g_autoptr(JsonNode) names = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  initialize (fixture);
  g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 1);

  /* Requests other than tools/call are answered as JSON. */
  post (fixture, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", &list);
  g_assert_cmpuint (list.status, ==, 200);
  g_assert_cmpstr (list.content_type, ==, "application/json");
  tools = answer_json (&list);
  g_assert_cmpint (int_at (tools, "$.id"), ==, 2);
  names = json_path_query ("$.result.tools[*].name", tools, NULL);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (names)), ==, 4);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (names), 1), ==, "add");

  /* tools/call: a stream that carries the response and ends. */
  post (fixture,
        "{\"jsonrpc\":\"2.0\",\"id\":\"call-3\",\"method\":\"tools/call\","
        "\"params\":{\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":40}}}",
        &add);
  g_assert_cmpstr (add.session_id, ==, fixture->session_id);
  messages = answer_events (&add);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (string_at (messages->pdata[0], "$.id"), ==, "call-3");
  g_assert_cmpint (int_at (messages->pdata[0], "$.result.structuredContent.sum"), ==, 42);

  request (fixture, "DELETE", NULL, fixture->session_id, NULL, NULL, &deleted);
  g_assert_cmpuint (deleted.status, ==, 200);
  g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 0);

  post (fixture, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}", &after);
  g_assert_cmpuint (after.status, ==, 404);
}

static void
test_slow_progress (Fixture       *fixture,
                    gconstpointer  data)
{
  g_auto(Answer) answer = { 0 };
  g_autoptr(GPtrArray) messages = NULL;

  initialize (fixture);
  post (fixture,
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\","
        "\"params\":{\"name\":\"slow\",\"arguments\":{\"steps\":3,\"interval_ms\":1},"
        "\"_meta\":{\"progressToken\":\"tok\"}}}",
        &answer);

  messages = answer_events (&answer);
  g_assert_cmpuint (messages->len, ==, 4);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (string_at (messages->pdata[i], "$.method"), ==, "notifications/progress");
      g_assert_cmpstr (string_at (messages->pdata[i], "$.params.progressToken"), ==, "tok");
      g_assert_cmpint (int_at (messages->pdata[i], "$.params.progress"), ==, i + 1);
      g_assert_cmpint (int_at (messages->pdata[i], "$.params.total"), ==, 3);
    }
  g_assert_cmpint (int_at (messages->pdata[3], "$.id"), ==, 5);
  g_assert_cmpstr (string_at (messages->pdata[3], "$.result.content[0].text"), ==, "done");
}

static void
test_flood (Fixture       *fixture,
            gconstpointer  data)
{
  g_auto(Answer) answer = { 0 };
  g_autoptr(GPtrArray) messages = NULL;

  initialize (fixture);
  post (fixture,
        "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\","
        "\"params\":{\"name\":\"flood\",\"arguments\":{\"count\":500,\"size\":300}}}",
        &answer);

  messages = answer_events (&answer);
  g_assert_cmpuint (messages->len, ==, 501);
  for (guint i = 0; i < 500; i++)
    g_assert_cmpint (int_at (messages->pdata[i], "$.params.data.seq"), ==, i + 1);
  g_assert_cmpstr (string_at (messages->pdata[500], "$.result.content[0].text"), ==, "sent 500");
}

static void
check_error (Answer     *answer,
             guint       status,
             int         code)
{
  g_autoptr(JsonNode) error = NULL;

  g_assert_cmpuint (answer->status, ==, status);
  g_assert_cmpstr (answer->content_type, ==, "application/json");
  error = answer_json (answer);
  g_assert_cmpint (int_at (error, "$.error.code"), ==, code);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  const char *ping = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";
  g_auto(Answer) no_id = { 0 };
  g_auto(Answer) unknown = { 0 };
  g_auto(Answer) accept = { 0 };
  g_auto(Answer) no_accept = { 0 };
  g_auto(Answer) content_type = { 0 };
  g_auto(Answer) parse = { 0 };
  g_auto(Answer) batch = { 0 };
  g_auto(Answer) get_no_id = { 0 };
  g_auto(Answer) delete_unknown = { 0 };
  g_auto(Answer) put = { 0 };
  g_auto(Answer) pong = { 0 };
  g_autoptr(JsonNode) pong_json = NULL;

  initialize (fixture);

  request (fixture, "POST", BOTH_TYPES, NULL, "application/json", ping, &no_id);
  check_error (&no_id, 400, -32600);
  request (fixture, "POST", BOTH_TYPES, "no-such-session", "application/json", ping, &unknown);
  check_error (&unknown, 404, -32001);
  request (fixture, "POST", "application/json", fixture->session_id, "application/json", ping, &accept);
  check_error (&accept, 406, -32600);
  request (fixture, "POST", NULL, fixture->session_id, "application/json", ping, &no_accept);
  check_error (&no_accept, 406, -32600);
  request (fixture, "POST", BOTH_TYPES, fixture->session_id, "text/plain", ping, &content_type);
  check_error (&content_type, 415, -32600);
  post (fixture, "{\"jsonrpc\":", &parse);
  check_error (&parse, 400, -32700);
  post (fixture, "[{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}]", &batch);
  check_error (&batch, 400, -32600);
  request (fixture, "GET", "text/event-stream", NULL, NULL, NULL, &get_no_id);
  check_error (&get_no_id, 400, -32600);
  request (fixture, "DELETE", NULL, "no-such-session", NULL, NULL, &delete_unknown);
  check_error (&delete_unknown, 404, -32001);
  request (fixture, "PUT", BOTH_TYPES, fixture->session_id, "application/json", ping, &put);
  g_assert_cmpuint (put.status, ==, 405);

  /* None of that harmed the session. */
  post (fixture, ping, &pong);
  g_assert_cmpuint (pong.status, ==, 200);
  pong_json = answer_json (&pong);
  g_assert_cmpint (int_at (pong_json, "$.id"), ==, 7);
}

static void
test_protocol_version (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *versions[] = { "2025-03-26", "2025-06-18", "2025-11-25", "1999-01-01", "" };
  const guint statuses[] = { 200, 200, 200, 400, 400 };

  initialize (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", fixture->url);
      SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
      g_autoptr(GBytes) ping = g_bytes_new_static ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 40);
      g_autoptr(GInputStream) body = NULL;

      soup_message_headers_replace (headers, "Accept", BOTH_TYPES);
      soup_message_headers_replace (headers, "Mcp-Session-Id", fixture->session_id);
      soup_message_headers_replace (headers, "MCP-Protocol-Version", versions[i]);
      soup_message_set_request_body_from_bytes (msg, "application/json", ping);
      body = send (fixture, msg);
      g_assert_cmpuint (soup_message_get_status (msg), ==, statuses[i]);
    }
}

/* The GET stream opens, stays open, and ends with its session. */
static void
test_get_stream (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) second = NULL;
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GInputStream) second_body = NULL;
  g_autoptr(GBytes) start = NULL;
  g_autoptr(GBytes) end = NULL;
  g_auto(Answer) deleted = { 0 };

  initialize (fixture);
  msg = soup_message_new ("GET", fixture->url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", "text/event-stream");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Mcp-Session-Id", fixture->session_id);
  body = send (fixture, msg);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "text/event-stream");
  start = read_some (body);
  g_assert_cmpmem (g_bytes_get_data (start, NULL), g_bytes_get_size (start), ": stream open\n\n", 15);

  /* One such stream per session. */
  second = soup_message_new ("GET", fixture->url);
  soup_message_headers_replace (soup_message_get_request_headers (second), "Accept", "text/event-stream");
  soup_message_headers_replace (soup_message_get_request_headers (second), "Mcp-Session-Id", fixture->session_id);
  second_body = send (fixture, second);
  g_assert_cmpuint (soup_message_get_status (second), ==, 409);

  request (fixture, "DELETE", NULL, fixture->session_id, NULL, NULL, &deleted);
  g_assert_cmpuint (deleted.status, ==, 200);
  end = read_some (body);
  g_assert_cmpuint (g_bytes_get_size (end), ==, 0);
}

/* notifications/cancelled ends the call's stream without a response. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  const char *call = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\","
                     "\"params\":{\"name\":\"slow\",\"arguments\":{\"steps\":10000,\"interval_ms\":5},"
                     "\"_meta\":{\"progressToken\":1}}}";
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) body = NULL;
  g_autoptr(GBytes) call_bytes = g_bytes_new_static (call, strlen (call));
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(Answer) cancelled = { 0 };

  initialize (fixture);
  msg = soup_message_new ("POST", fixture->url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept", BOTH_TYPES);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Mcp-Session-Id", fixture->session_id);
  soup_message_set_request_body_from_bytes (msg, "application/json", call_bytes);
  body = send (fixture, msg);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  /* Progress arrives: the call runs. */
  while (strstr (text->str, "notifications/progress") == NULL)
    {
      g_autoptr(GBytes) bytes = read_some (body);

      g_assert_cmpuint (g_bytes_get_size (bytes), >, 0);
      g_string_append_len (text, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }

  post (fixture,
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":9}}",
        &cancelled);
  g_assert_cmpuint (cancelled.status, ==, 202);

  for (;;)
    {
      g_autoptr(GBytes) bytes = read_some (body);

      if (g_bytes_get_size (bytes) == 0)
        break;
      g_string_append_len (text, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  g_assert_null (strstr (text->str, "\"result\""));
}

#define ADD_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  test_init (&argc, &argv);

  ADD_TEST ("/demo-streamable/session", test_session);
  ADD_TEST ("/demo-streamable/slow-progress", test_slow_progress);
  ADD_TEST ("/demo-streamable/flood", test_flood);
  ADD_TEST ("/demo-streamable/errors", test_errors);
  ADD_TEST ("/demo-streamable/protocol-version", test_protocol_version);
  ADD_TEST ("/demo-streamable/get-stream", test_get_stream);
  ADD_TEST ("/demo-streamable/cancel", test_cancel);

  return g_test_run ();
}
