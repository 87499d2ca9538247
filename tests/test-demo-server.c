/* test-demo-server.c: the demo MCP server, spoken to with plain libsoup
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-demo-server.h"
#include "mcp-sse-test-utils.h"

/* A client side of one SSE session, in plain libsoup. */
typedef struct
{
  SoupSession *session;
  SoupMessage *get;
  GInputStream *body;
  GCancellable *cancellable;
  McpSseEventParser *parser;
  GPtrArray *events;
  guint next_event;
  char buffer[16384];
  char *endpoint;
  GError *error;
  gboolean opened;
  gboolean eof;
} Stream;

typedef struct
{
  McpSseDemoServer *server;
  char *url;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = mcp_sse_demo_server_new ();
  g_assert_true (mcp_sse_demo_server_listen (fixture->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  fixture->url = mcp_sse_demo_server_dup_url (fixture->server);
  fixture->session = soup_session_new_with_options ("max-conns-per-host", 8, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  soup_session_abort (fixture->session);
  test_unref_and_wait (fixture->session);
  TEST_WAIT_UNTIL (mcp_sse_demo_server_get_n_sessions (fixture->server) == 0);
  g_assert_finalize_object (fixture->server);
  g_free (fixture->url);
}

static void
on_event (McpSseEventParser *parser,
          McpSseEvent       *event,
          Stream            *stream)
{
  g_ptr_array_add (stream->events, mcp_sse_event_ref (event));
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Stream *stream = user_data;
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n <= 0)
    {
      stream->error = error;
      stream->eof = TRUE;
      return;
    }

  g_assert_true (mcp_sse_event_parser_feed (stream->parser, (const guint8 *) stream->buffer, n, NULL));
  g_input_stream_read_async (stream->body, stream->buffer, sizeof stream->buffer,
                             G_PRIORITY_DEFAULT, stream->cancellable, on_read, stream);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Stream *stream = user_data;
  GError *error = NULL;

  stream->body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  stream->opened = TRUE;
  g_input_stream_read_async (stream->body, stream->buffer, sizeof stream->buffer,
                             G_PRIORITY_DEFAULT, stream->cancellable, on_read, stream);
}

static Stream *
stream_open (Fixture    *fixture,
             const char *query)
{
  Stream *stream = g_new0 (Stream, 1);
  g_autofree char *url = g_strconcat (fixture->url, query, NULL);

  stream->session = fixture->session;
  stream->get = soup_message_new ("GET", url);
  stream->cancellable = g_cancellable_new ();
  stream->parser = mcp_sse_event_parser_new ();
  stream->events = g_ptr_array_new_with_free_func ((GDestroyNotify) mcp_sse_event_unref);
  g_signal_connect (stream->parser, "event", G_CALLBACK (on_event), stream);
  soup_message_headers_append (soup_message_get_request_headers (stream->get),
                               "Accept", "text/event-stream");
  soup_session_send_async (fixture->session, stream->get, G_PRIORITY_DEFAULT,
                           stream->cancellable, on_sent, stream);
  TEST_WAIT_UNTIL (stream->opened);

  return stream;
}

static McpSseEvent *
stream_next_event (Stream *stream)
{
  TEST_WAIT_UNTIL (stream->next_event < stream->events->len || stream->eof);
  g_assert_cmpuint (stream->next_event, <, stream->events->len);

  return g_ptr_array_index (stream->events, stream->next_event++);
}

/* Opens a session and reads its endpoint event. */
static Stream *
session_open (Fixture *fixture)
{
  Stream *stream = stream_open (fixture, "");
  McpSseEvent *event = stream_next_event (stream);
  g_autoptr(GUri) base = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) endpoint = NULL;

  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, "endpoint");
  endpoint = g_uri_parse_relative (base, mcp_sse_event_get_data (event), G_URI_FLAGS_NONE, NULL);
  g_assert_nonnull (endpoint);
  stream->endpoint = g_uri_to_string (endpoint);

  return stream;
}

static void
stream_close (Stream *stream)
{
  g_cancellable_cancel (stream->cancellable);
  TEST_WAIT_UNTIL (stream->eof);
  g_clear_error (&stream->error);
  g_clear_object (&stream->body);
  g_clear_object (&stream->get);
  g_clear_object (&stream->cancellable);
  g_clear_object (&stream->parser);
  g_ptr_array_unref (stream->events);
  g_free (stream->endpoint);
  g_free (stream);
}

/* The next `message` event, parsed. */
static JsonNode *
stream_next_message (Stream *stream)
{
  McpSseEvent *event = stream_next_event (stream);
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, "message");
  node = json_from_string (mcp_sse_event_get_data (event), &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return node;
}

typedef struct
{
  guint status;
  gboolean done;
} PostResult;

static void
on_posted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  PostResult *post = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  post->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source), result));
  post->done = TRUE;
}

/* Sends a request (with a body when @body is not NULL) and returns the
 * status of the answer. */
static guint
request_status (SoupSession *session,
                const char  *method,
                const char  *url,
                const char  *content_type,
                const char  *body)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  PostResult post = { 0 };

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_posted, &post);
  TEST_WAIT_UNTIL (post.done);

  return post.status;
}

static guint
post_raw (SoupSession *session,
          const char  *url,
          const char  *content_type,
          const char  *body)
{
  return request_status (session, "POST", url, content_type, body);
}

/* @path resolved against the server's URL. */
static char *
server_url (Fixture    *fixture,
            const char *path)
{
  g_autoptr(GUri) base = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) uri = g_uri_parse_relative (base, path, G_URI_FLAGS_NONE, NULL);

  return g_uri_to_string (uri);
}

static void
post (Stream     *stream,
      const char *json)
{
  g_assert_cmpuint (post_raw (stream->session, stream->endpoint, "application/json", json), ==, 202);
}

static JsonObject *
object_at (JsonNode   *node,
           const char *path)
{
  g_autoptr(JsonNode) found = json_path_query (path, node, NULL);
  JsonArray *matches = json_node_get_array (found);

  g_assert_cmpuint (json_array_get_length (matches), ==, 1);
  return json_object_ref (json_array_get_object_element (matches, 0));
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

static gboolean
has_member (JsonNode   *node,
            const char *name)
{
  return json_object_has_member (json_node_get_object (node), name);
}

/* Sends a request and returns the next message, which must answer it. */
static JsonNode *
call (Stream     *stream,
      const char *json)
{
  post (stream, json);
  return stream_next_message (stream);
}

static void
test_stream_headers (Fixture       *fixture,
                     gconstpointer  data)
{
  Stream *stream = stream_open (fixture, "");
  SoupMessageHeaders *headers = soup_message_get_response_headers (stream->get);
  McpSseEvent *event;
  const char *data_text;

  g_assert_cmpuint (soup_message_get_status (stream->get), ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, "text/event-stream");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Cache-Control"), ==, "no-store");
  g_assert_cmpint (soup_message_headers_get_encoding (headers), ==, SOUP_ENCODING_CHUNKED);

  event = stream_next_event (stream);
  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, "endpoint");
  data_text = mcp_sse_event_get_data (event);
  g_assert_true (g_str_has_prefix (data_text, "/message?sessionId="));
  g_assert_true (g_uuid_string_is_valid (data_text + strlen ("/message?sessionId=")));
  TEST_WAIT_UNTIL (mcp_sse_demo_server_get_n_sessions (fixture->server) == 1);

  stream_close (stream);
}

static void
check_initialize (Stream     *stream,
                  const char *offered,
                  const char *expected)
{
  g_autofree char *request = g_strdup_printf ("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", "
                                              "\"params\": {\"protocolVersion\": \"%s\", \"capabilities\": {}, "
                                              "\"clientInfo\": {\"name\": \"test\", \"version\": \"1\"}}}",
                                              offered);
  g_autoptr(JsonNode) response = call (stream, request);
  g_autofree char *version = string_at (response, "$.result.protocolVersion");
  g_autofree char *name = string_at (response, "$.result.serverInfo.name");
  g_autoptr(JsonObject) tools = object_at (response, "$.result.capabilities.tools");

  g_assert_cmpint (int_at (response, "$.id"), ==, 1);
  g_assert_cmpstr (version, ==, expected);
  g_assert_cmpstr (name, ==, MCP_SSE_DEMO_SERVER_NAME);
  g_assert_true (json_object_get_boolean_member (tools, "listChanged"));
}

static void
test_initialize (Fixture       *fixture,
                 gconstpointer  data)
{
  Stream *stream = session_open (fixture);

  check_initialize (stream, "2024-11-05", "2024-11-05");
  check_initialize (stream, "2025-03-26", "2025-03-26");
  check_initialize (stream, "2025-06-18", "2025-06-18");
  check_initialize (stream, "2025-11-25", "2025-11-25");
  check_initialize (stream, "1999-01-01", "2025-11-25");
  post (stream, "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}");

  {
    g_autoptr(JsonNode) pong = call (stream, "{\"jsonrpc\": \"2.0\", \"id\": \"p\", \"method\": \"ping\"}");
    g_autofree char *id = string_at (pong, "$.id");
    g_autoptr(JsonObject) result = object_at (pong, "$.result");

    /* The notification was answered with nothing: the ping came next. */
    g_assert_cmpstr (id, ==, "p");
    g_assert_cmpuint (json_object_get_size (result), ==, 0);
  }

  stream_close (stream);
}

static char *
tool_text (Stream     *stream,
           const char *name,
           const char *arguments,
           gboolean    expect_error)
{
  g_autofree char *request = g_strdup_printf ("{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/call\", "
                                              "\"params\": {\"name\": \"%s\", \"arguments\": %s}}",
                                              name, arguments);
  g_autoptr(JsonNode) response = call (stream, request);
  g_autoptr(JsonObject) result = object_at (response, "$.result");

  g_assert_cmpint (int_at (response, "$.id"), ==, 7);
  g_assert_cmpint (json_object_get_boolean_member_with_default (result, "isError", FALSE), ==, expect_error);
  return string_at (response, "$.result.content[0].text");
}

static void
test_tools (Fixture       *fixture,
            gconstpointer  data)
{
  Stream *stream = session_open (fixture);
  g_autoptr(JsonNode) list = call (stream, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}");
  g_autoptr(JsonNode) names = json_path_query ("$.result.tools[*].name", list, NULL);
  g_autofree char *names_json = json_to_string (names, FALSE);
  char *text;

  g_assert_cmpstr (names_json, ==, "[\"echo\",\"add\",\"slow\",\"flood\"]");

  text = tool_text (stream, "echo", "{\"message\": \"hi\"}", FALSE);
  g_assert_cmpstr (text, ==, "Echo: hi");
  g_free (text);

  text = tool_text (stream, "echo", "{\"message\": \"h\\u00e9\\n\\\"x\\\"\"}", FALSE);
  g_assert_cmpstr (text, ==, "Echo: h\xc3\xa9\n\"x\"");
  g_free (text);

  text = tool_text (stream, "echo", "{}", TRUE);
  g_free (text);

  text = tool_text (stream, "add", "{\"a\": 2, \"b\": 40}", FALSE);
  g_assert_cmpstr (text, ==, "42");
  g_free (text);

  text = tool_text (stream, "add", "{\"a\": 1.5, \"b\": 2.25}", FALSE);
  g_assert_cmpstr (text, ==, "3.75");
  g_free (text);

  text = tool_text (stream, "add", "{\"a\": 9223372036854775807, \"b\": 1}", FALSE);
  g_assert_cmpstr (text, ==, "9.2233720368547758e+18");
  g_free (text);

  text = tool_text (stream, "add", "{\"a\": \"2\", \"b\": 40}", TRUE);
  g_free (text);

  text = tool_text (stream, "slow", "{\"steps\": -1}", TRUE);
  g_free (text);

  text = tool_text (stream, "flood", "{\"count\": 1.5}", TRUE);
  g_free (text);

  {
    g_autoptr(JsonNode) sum = call (stream, "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/call\", "
                                            "\"params\": {\"name\": \"add\", \"arguments\": {\"a\": -2, \"b\": 40}}}");

    g_assert_cmpint (int_at (sum, "$.result.structuredContent.sum"), ==, 38);
  }

  stream_close (stream);
}

static void
check_error (Stream     *stream,
             const char *request,
             int         code,
             const char *message)
{
  g_autoptr(JsonNode) response = call (stream, request);
  g_autofree char *text = string_at (response, "$.error.message");

  g_assert_false (has_member (response, "result"));
  g_assert_cmpint (int_at (response, "$.error.code"), ==, code);
  g_assert_cmpstr (text, ==, message);
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  Stream *stream = session_open (fixture);
  g_autofree char *unknown_session_url = server_url (fixture, "/message?sessionId=nope");
  g_autofree char *no_session_url = server_url (fixture, "/message");
  g_autofree char *other_url = server_url (fixture, "/other");

  check_error (stream, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/call\", \"params\": {\"name\": \"x\"}}",
               -32602, "Unknown tool: x");
  check_error (stream, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/call\", \"params\": {}}",
               -32602, "Missing tool name");
  check_error (stream, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"resources/list\"}",
               -32601, "Method not found: resources/list");
  check_error (stream, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\", \"params\": [1]}",
               -32602, "Invalid params: not an object");
  check_error (stream, "[{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"ping\"}]",
               -32600, "Invalid Request: not an object");
  check_error (stream, "{\"jsonrpc\": \"2.0\", \"id\": true, \"method\": \"ping\"}",
               -32600, "Invalid Request");

  /* HTTP-level refusals never reach the stream. */
  g_assert_cmpuint (post_raw (fixture->session, stream->endpoint, "text/plain", "{}"), ==, 400);
  g_assert_cmpuint (post_raw (fixture->session, stream->endpoint, "application/json", "{\"a\": "), ==, 400);
  g_assert_cmpuint (post_raw (fixture->session, stream->endpoint, "application/json", "\xff"), ==, 400);
  g_assert_cmpuint (post_raw (fixture->session, stream->endpoint, "application/json; charset=utf-8",
                              "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/initialized\"}"), ==, 202);
  g_assert_cmpuint (post_raw (fixture->session, unknown_session_url, "application/json", "{}"), ==, 404);
  g_assert_cmpuint (post_raw (fixture->session, no_session_url, "application/json", "{}"), ==, 400);
  g_assert_cmpuint (post_raw (fixture->session, fixture->url, "application/json", "{}"), ==, 405);
  g_assert_cmpuint (request_status (fixture->session, "GET", stream->endpoint, NULL, NULL), ==, 405);
  g_assert_cmpuint (request_status (fixture->session, "GET", other_url, NULL, NULL), ==, 404);

  {
    g_autoptr(JsonNode) pong = call (stream, "{\"jsonrpc\": \"2.0\", \"id\": 9, \"method\": \"ping\"}");

    /* Nothing came out of the refused POSTs. */
    g_assert_cmpint (int_at (pong, "$.id"), ==, 9);
  }

  stream_close (stream);
}

static void
test_slow_progress (Fixture       *fixture,
                    gconstpointer  data)
{
  Stream *stream = session_open (fixture);
  JsonNode *message;

  post (stream, "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"tools/call\", \"params\": {\"name\": \"slow\", "
                "\"arguments\": {\"steps\": 3, \"interval_ms\": 10}, \"_meta\": {\"progressToken\": \"tok\"}}}");

  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *method = NULL;
      g_autofree char *token = NULL;
      g_autofree char *text = NULL;
      g_autofree char *expected = g_strdup_printf ("step %d", i);

      message = stream_next_message (stream);
      method = string_at (message, "$.method");
      token = string_at (message, "$.params.progressToken");
      text = string_at (message, "$.params.message");
      g_assert_cmpstr (method, ==, "notifications/progress");
      g_assert_cmpstr (token, ==, "tok");
      g_assert_cmpint (int_at (message, "$.params.progress"), ==, i);
      g_assert_cmpint (int_at (message, "$.params.total"), ==, 3);
      g_assert_cmpstr (text, ==, expected);
      json_node_unref (message);
    }

  message = stream_next_message (stream);
  g_assert_cmpint (int_at (message, "$.id"), ==, 3);
  {
    g_autofree char *text = string_at (message, "$.result.content[0].text");

    g_assert_cmpstr (text, ==, "done");
  }
  json_node_unref (message);

  /* Without a progress token: the result alone. */
  message = call (stream, "{\"jsonrpc\": \"2.0\", \"id\": 4, \"method\": \"tools/call\", "
                          "\"params\": {\"name\": \"slow\", \"arguments\": {\"steps\": 2, \"interval_ms\": 1}}}");
  g_assert_cmpint (int_at (message, "$.id"), ==, 4);
  json_node_unref (message);

  stream_close (stream);
}

static void
test_slow_cancel (Fixture       *fixture,
                  gconstpointer  data)
{
  Stream *stream = session_open (fixture);
  gboolean finished = FALSE;

  post (stream, "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": \"tools/call\", \"params\": {\"name\": \"slow\", "
                "\"arguments\": {\"steps\": 1000, \"interval_ms\": 5}, \"_meta\": {\"progressToken\": 5}}}");
  post (stream, "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/cancelled\", "
                "\"params\": {\"requestId\": 5, \"reason\": \"test\"}}");
  post (stream, "{\"jsonrpc\": \"2.0\", \"id\": 6, \"method\": \"ping\"}");

  /* Progress may come before the ping's answer, never after it. */
  for (;;)
    {
      g_autoptr(JsonNode) message = stream_next_message (stream);

      g_assert_false (has_member (message, "id") && int_at (message, "$.id") == 5);
      if (has_member (message, "id") && int_at (message, "$.id") == 6)
        break;
    }

  /* A second slow call spans many of the first one's intervals. */
  post (stream, "{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": \"tools/call\", \"params\": {\"name\": \"slow\", "
                "\"arguments\": {\"steps\": 4, \"interval_ms\": 20}, \"_meta\": {\"progressToken\": 7}}}");
  while (!finished)
    {
      g_autoptr(JsonNode) message = stream_next_message (stream);

      if (has_member (message, "id"))
        {
          g_assert_cmpint (int_at (message, "$.id"), ==, 7);
          finished = TRUE;
        }
      else
        g_assert_cmpint (int_at (message, "$.params.progressToken"), ==, 7);
    }

  stream_close (stream);
}

static void
check_flood (Stream *stream,
             guint   count,
             guint   size,
             gboolean with_response)
{
  for (guint i = 1; i <= count; i++)
    {
      McpSseEvent *event = stream_next_event (stream);
      g_autoptr(JsonNode) message = json_from_string (mcp_sse_event_get_data (event), NULL);
      g_autofree char *method = string_at (message, "$.method");

      g_assert_cmpstr (method, ==, "notifications/message");
      g_assert_cmpint (int_at (message, "$.params.data.seq"), ==, i);
      g_assert_cmpuint (strlen (mcp_sse_event_get_data (event)), ==, size);
    }

  if (with_response)
    {
      g_autoptr(JsonNode) response = stream_next_message (stream);
      g_autofree char *text = string_at (response, "$.result.content[0].text");
      g_autofree char *expected = g_strdup_printf ("sent %u", count);

      g_assert_cmpstr (text, ==, expected);
    }
}

static void
test_flood (Fixture       *fixture,
            gconstpointer  data)
{
  gboolean batch_writes = GPOINTER_TO_INT (data);
  Stream *stream;

  mcp_sse_demo_server_set_batch_writes (fixture->server, batch_writes);
  stream = session_open (fixture);

  post (stream, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/call\", "
                "\"params\": {\"name\": \"flood\", \"arguments\": {\"count\": 3000, \"size\": 300}}}");
  check_flood (stream, 3000, 300, TRUE);

  /* Two floods at once run one after the other; a ping is not held up. */
  post (stream, "{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": \"tools/call\", "
                "\"params\": {\"name\": \"flood\", \"arguments\": {\"count\": 2, \"size\": 0}}}");
  post (stream, "{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": \"tools/call\", "
                "\"params\": {\"name\": \"flood\", \"arguments\": {\"count\": 0}}}");
  {
    g_autoptr(JsonNode) first = stream_next_message (stream);
    g_autoptr(JsonNode) second = stream_next_message (stream);
    g_autoptr(JsonNode) third = stream_next_message (stream);
    g_autoptr(JsonNode) fourth = stream_next_message (stream);

    g_assert_cmpint (int_at (first, "$.params.data.seq"), ==, 1);
    g_assert_cmpint (int_at (second, "$.params.data.seq"), ==, 2);
    g_assert_cmpint (int_at (third, "$.id"), ==, 2);
    g_assert_cmpint (int_at (fourth, "$.id"), ==, 3);
  }

  stream_close (stream);
}

static void
test_flood_cancel (Fixture       *fixture,
                   gconstpointer  data)
{
  Stream *stream = session_open (fixture);

  post (stream, "{\"jsonrpc\": \"2.0\", \"id\": \"f\", \"method\": \"tools/call\", "
                "\"params\": {\"name\": \"flood\", \"arguments\": {\"count\": 100000000, \"size\": 1000}}}");
  post (stream, "{\"jsonrpc\": \"2.0\", \"method\": \"notifications/cancelled\", \"params\": {\"requestId\": \"f\"}}");
  post (stream, "{\"jsonrpc\": \"2.0\", \"id\": \"p\", \"method\": \"ping\"}");

  for (;;)
    {
      g_autoptr(JsonNode) message = stream_next_message (stream);

      if (has_member (message, "id"))
        {
          g_autofree char *id = string_at (message, "$.id");

          g_assert_cmpstr (id, ==, "p");
          break;
        }
    }

  stream_close (stream);
}

static void
test_flood_on_get (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *query = data;
  Stream *stream = stream_open (fixture, query);
  McpSseEvent *endpoint = stream_next_event (stream);

  g_assert_cmpstr (mcp_sse_event_get_event_type (endpoint), ==, "endpoint");
  check_flood (stream, 2000, 200, FALSE);
  TEST_WAIT_UNTIL (stream->eof);
  g_assert_no_error (stream->error);
  g_assert_cmpuint (stream->next_event, ==, stream->events->len);

  stream_close (stream);
}

static void
test_bad_query (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *many = g_strconcat (fixture->url, "?flood=many", NULL);
  g_autofree char *huge = g_strconcat (fixture->url, "?flood=1&size=99999999999", NULL);
  g_autofree char *batch = g_strconcat (fixture->url, "?batch=2", NULL);

  g_assert_cmpuint (request_status (fixture->session, "GET", many, NULL, NULL), ==, 400);
  g_assert_cmpuint (request_status (fixture->session, "GET", huge, NULL, NULL), ==, 400);
  g_assert_cmpuint (request_status (fixture->session, "GET", batch, NULL, NULL), ==, 400);
  g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 0);
}

static void
test_client_hangs_up (Fixture       *fixture,
                      gconstpointer  data)
{
  Stream *stream = session_open (fixture);
  g_autofree char *endpoint = g_strdup (stream->endpoint);

  g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 1);
  stream_close (stream);
  soup_session_abort (fixture->session);

  /* The server notices although it had nothing to write. */
  TEST_WAIT_UNTIL (mcp_sse_demo_server_get_n_sessions (fixture->server) == 0);
  g_assert_cmpuint (post_raw (fixture->session, endpoint, "application/json", "{}"), ==, 404);
}

static void
test_close_sessions (Fixture       *fixture,
                     gconstpointer  data)
{
  Stream *first = session_open (fixture);
  Stream *second = session_open (fixture);

  post (first, "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/call\", \"params\": {\"name\": \"slow\", "
               "\"arguments\": {\"steps\": 10, \"interval_ms\": 60000}}}");
  g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 2);

  mcp_sse_demo_server_close_sessions (fixture->server);
  g_assert_cmpuint (mcp_sse_demo_server_get_n_sessions (fixture->server), ==, 0);

  /* Both streams end cleanly: the last chunk arrives, no error. */
  TEST_WAIT_UNTIL (first->eof && second->eof);
  g_assert_no_error (first->error);
  g_assert_no_error (second->error);
  g_assert_cmpuint (first->next_event, ==, first->events->len);

  stream_close (first);
  stream_close (second);
}

/* The way other tests run it: on a thread of its own. */

typedef struct
{
  GMutex mutex;
  GCond cond;
  GMainContext *context;
  GMainLoop *loop;
  char *url;
} ServerThread;

static gpointer
server_thread_run (gpointer data)
{
  ServerThread *thread = data;
  g_autoptr(McpSseDemoServer) server = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (thread->context);
  server = mcp_sse_demo_server_new ();
  g_assert_true (mcp_sse_demo_server_listen (server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);

  g_mutex_lock (&thread->mutex);
  thread->url = mcp_sse_demo_server_dup_url (server);
  g_cond_signal (&thread->cond);
  g_mutex_unlock (&thread->mutex);

  g_main_loop_run (thread->loop);

  g_assert_finalize_object (g_steal_pointer (&server));
  g_main_context_pop_thread_default (thread->context);
  return NULL;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
test_own_thread (void)
{
  ServerThread thread = { 0 };
  Fixture fixture = { 0 };
  GThread *worker;
  Stream *stream;
  char *text;

  g_mutex_init (&thread.mutex);
  g_cond_init (&thread.cond);
  thread.context = g_main_context_new ();
  thread.loop = g_main_loop_new (thread.context, FALSE);
  worker = g_thread_new ("demo-server", server_thread_run, &thread);

  g_mutex_lock (&thread.mutex);
  while (thread.url == NULL)
    g_cond_wait (&thread.cond, &thread.mutex);
  g_mutex_unlock (&thread.mutex);

  fixture.url = thread.url;
  fixture.session = soup_session_new ();
  stream = session_open (&fixture);
  text = tool_text (stream, "echo", "{\"message\": \"from the main thread\"}", FALSE);
  g_assert_cmpstr (text, ==, "Echo: from the main thread");
  g_free (text);
  stream_close (stream);

  g_main_context_invoke (thread.context, quit_loop, thread.loop);
  g_thread_join (worker);
  soup_session_abort (fixture.session);
  test_unref_and_wait (fixture.session);

  g_main_loop_unref (thread.loop);
  g_main_context_unref (thread.context);
  g_mutex_clear (&thread.mutex);
  g_cond_clear (&thread.cond);
  g_free (thread.url);
}

static void
test_listen_errors (void)
{
  g_autoptr(McpSseDemoServer) server = mcp_sse_demo_server_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (mcp_sse_demo_server_listen (server, "localhost", 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (mcp_sse_demo_server_dup_url (server));
  g_assert_cmpuint (mcp_sse_demo_server_get_port (server), ==, 0);
}

static void
test_ipv6 (void)
{
  g_autoptr(McpSseDemoServer) server = mcp_sse_demo_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;

  if (!mcp_sse_demo_server_listen (server, "::1", 0, &error))
    {
      g_test_skip_printf ("no IPv6 loopback: %s", error->message);
      return;
    }

  url = mcp_sse_demo_server_dup_url (server);
  expected = g_strdup_printf ("http://[::1]:%u/sse", mcp_sse_demo_server_get_port (server));
  g_assert_cmpstr (url, ==, expected);
}

#define ADD_TEST(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  test_init (&argc, &argv);

  ADD_TEST ("/demo-server/stream-headers", test_stream_headers, NULL);
  ADD_TEST ("/demo-server/initialize", test_initialize, NULL);
  ADD_TEST ("/demo-server/tools", test_tools, NULL);
  ADD_TEST ("/demo-server/errors", test_errors, NULL);
  ADD_TEST ("/demo-server/slow/progress", test_slow_progress, NULL);
  ADD_TEST ("/demo-server/slow/cancel", test_slow_cancel, NULL);
  ADD_TEST ("/demo-server/flood/batched", test_flood, GINT_TO_POINTER (TRUE));
  ADD_TEST ("/demo-server/flood/one-by-one", test_flood, GINT_TO_POINTER (FALSE));
  ADD_TEST ("/demo-server/flood/cancel", test_flood_cancel, NULL);
  ADD_TEST ("/demo-server/flood/on-get", test_flood_on_get, "?flood=2000&size=200");
  ADD_TEST ("/demo-server/flood/on-get-one-by-one", test_flood_on_get, "?flood=2000&size=200&batch=0");
  ADD_TEST ("/demo-server/bad-query", test_bad_query, NULL);
  ADD_TEST ("/demo-server/client-hangs-up", test_client_hangs_up, NULL);
  ADD_TEST ("/demo-server/close-sessions", test_close_sessions, NULL);
  g_test_add_func ("/demo-server/own-thread", test_own_thread);
  g_test_add_func ("/demo-server/listen-errors", test_listen_errors);
  g_test_add_func ("/demo-server/ipv6", test_ipv6);

  return g_test_run ();
}
