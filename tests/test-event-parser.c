/* test-event-parser.c: McpSseEventParser against the SSE test vectors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <mcp-sse/mcp-sse.h>

typedef struct
{
  GPtrArray *events;
} Collector;

static void
on_event (McpSseEventParser *parser,
          McpSseEvent       *event,
          Collector         *collector)
{
  g_ptr_array_add (collector->events, mcp_sse_event_ref (event));
}

typedef struct
{
  JsonObject *vector;
  GBytes *input;
} Vector;

static GBytes *
decode_b64 (const char *b64)
{
  gsize length;
  guchar *bytes = g_base64_decode (b64, &length);

  return g_bytes_new_take (bytes, length);
}

/* Feeds @input to a new parser in pieces of @chunk bytes (0: whole) and
 * checks every observable result against @vector. */
static void
check_vector (JsonObject *vector,
              GBytes     *input,
              gsize       chunk)
{
  g_autoptr(McpSseEventParser) parser = mcp_sse_event_parser_new ();
  Collector collector = { g_ptr_array_new_with_free_func ((GDestroyNotify) mcp_sse_event_unref) };
  JsonArray *expected = json_object_get_array_member (vector, "events");
  JsonArray *ambiguous = NULL;
  gsize length;
  const guint8 *data = g_bytes_get_data (input, &length);
  gsize offset = 0;
  guint i;

  if (json_object_has_member (vector, "ambiguous") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (vector, "ambiguous")))
    ambiguous = json_object_get_array_member (vector, "ambiguous");

  g_signal_connect (parser, "event", G_CALLBACK (on_event), &collector);

  while (offset < length)
    {
      gsize n = chunk == 0 ? length - offset : MIN (chunk, length - offset);
      g_autoptr(GError) error = NULL;

      g_assert_true (mcp_sse_event_parser_feed (parser, data + offset, n, &error));
      g_assert_no_error (error);
      offset += n;
    }
  mcp_sse_event_parser_end (parser);

  g_assert_cmpuint (collector.events->len, ==, json_array_get_length (expected));
  for (i = 0; i < collector.events->len; i++)
    {
      McpSseEvent *event = g_ptr_array_index (collector.events, i);
      JsonObject *want = json_array_get_object_element (expected, i);
      g_autoptr(GBytes) want_data = decode_b64 (json_object_get_string_member (want, "data_b64"));

      g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==,
                       json_object_get_string_member (want, "type"));
      g_assert_true (g_bytes_equal (mcp_sse_event_get_data_bytes (event), want_data));
      g_assert_cmpstr (mcp_sse_event_get_id (event), ==,
                       json_object_get_string_member (want, "id"));
    }

  if (JSON_NODE_HOLDS_NULL (json_object_get_member (vector, "retry")))
    g_assert_cmpint (mcp_sse_event_parser_get_retry (parser), ==, -1);
  else
    g_assert_cmpint (mcp_sse_event_parser_get_retry (parser), ==,
                     json_object_get_int_member (vector, "retry"));

  g_assert_cmpstr (mcp_sse_event_parser_get_last_event_id (parser), ==,
                   json_object_get_string_member (vector, "last_event_id"));

  (void) ambiguous;
  g_ptr_array_unref (collector.events);
}

static void
test_vector (gconstpointer user_data)
{
  JsonObject *vector = (JsonObject *) user_data;
  g_autoptr(GBytes) input = decode_b64 (json_object_get_string_member (vector, "input_b64"));
  gsize length = g_bytes_get_size (input);
  gsize chunk;

  check_vector (vector, input, 0);
  check_vector (vector, input, 1);
  for (chunk = 2; chunk < length; chunk++)
    check_vector (vector, input, chunk);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) json = json_parser_new ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *vectors;
  guint i;

  g_test_init (&argc, &argv, NULL);

  path = g_test_build_filename (G_TEST_DIST, "sse-vectors.json", NULL);
  json_parser_load_from_file (json, path, &error);
  g_assert_no_error (error);

  vectors = json_node_get_array (json_parser_get_root (json));
  for (i = 0; i < json_array_get_length (vectors); i++)
    {
      JsonObject *vector = json_array_get_object_element (vectors, i);
      g_autofree char *test_path = g_strdup_printf ("/event-parser/vectors/%s",
                                                    json_object_get_string_member (vector, "name"));

      g_test_add_data_func (test_path, vector, test_vector);
    }

  return g_test_run ();
}
