/* test-event-parser.c: McpSseEventParser against the SSE test vectors and
 * the behaviour the vectors cannot show
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#ifdef __GLIBC__
# include <malloc.h>
#endif

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-test-utils.h"

#define MIB (1024 * 1024)
#define FFFD "\xEF\xBF\xBD"

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

/* The test vectors */

static GBytes *
decode_b64 (const char *b64)
{
  gsize length;
  guchar *bytes = g_base64_decode (b64, &length);

  return g_bytes_new_take (bytes, length);
}

/* Feeds @input to a new parser in the pieces that @cuts delimits (the end
 * offsets of all pieces but the last) and checks every observable result
 * against @vector. */
static void
check_vector_cuts (JsonObject  *vector,
                   GBytes      *input,
                   const gsize *cuts,
                   guint        n_cuts)
{
  g_autoptr(McpSseEventParser) parser = mcp_sse_event_parser_new ();
  Collector collector = { g_ptr_array_new_with_free_func ((GDestroyNotify) mcp_sse_event_unref) };
  JsonArray *expected = json_object_get_array_member (vector, "events");
  gsize length;
  const guint8 *data = g_bytes_get_data (input, &length);
  gsize offset = 0;
  guint i;

  g_signal_connect (parser, "event", G_CALLBACK (on_event), &collector);

  for (i = 0; i <= n_cuts; i++)
    {
      gsize piece_end = i < n_cuts ? cuts[i] : length;
      g_autoptr(GError) error = NULL;

      g_assert_true (mcp_sse_event_parser_feed (parser, data + offset, piece_end - offset, &error));
      g_assert_no_error (error);
      offset = piece_end;
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

  g_ptr_array_unref (collector.events);
}

/* Feeds @input in pieces of @chunk bytes (0: whole). */
static void
check_vector (JsonObject *vector,
              GBytes     *input,
              gsize       chunk)
{
  gsize length = g_bytes_get_size (input);
  g_autoptr(GArray) cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize offset;

  if (chunk > 0)
    for (offset = chunk; offset < length; offset += chunk)
      g_array_append_val (cuts, offset);

  check_vector_cuts (vector, input, (gsize *) (gpointer) cuts->data, cuts->len);
}

static void
test_vector (gconstpointer user_data)
{
  JsonObject *vector = (JsonObject *) user_data;
  g_autoptr(GBytes) input = decode_b64 (json_object_get_string_member (vector, "input_b64"));
  gsize length = g_bytes_get_size (input);
  gsize chunk, cut;

  check_vector (vector, input, 0);
  check_vector (vector, input, 1);
  for (chunk = 2; chunk < length; chunk++)
    check_vector (vector, input, chunk);

  /* Two pieces, split at every position. */
  for (cut = 0; cut <= length; cut++)
    check_vector_cuts (vector, input, &cut, 1);
}

/* A parser with everything it reports recorded */

typedef struct
{
  McpSseEventParser *parser;
  GPtrArray *events;
  guint n_last_event_id_notifies;
  guint n_retry_notifies;
  guint n_max_event_size_notifies;
} Fixture;

static void
on_notify (McpSseEventParser *parser,
           GParamSpec        *pspec,
           Fixture           *fixture)
{
  if (g_str_equal (pspec->name, "last-event-id"))
    fixture->n_last_event_id_notifies++;
  else if (g_str_equal (pspec->name, "retry"))
    fixture->n_retry_notifies++;
  else if (g_str_equal (pspec->name, "max-event-size"))
    fixture->n_max_event_size_notifies++;
}

static void
on_fixture_event (McpSseEventParser *parser,
                  McpSseEvent       *event,
                  Fixture           *fixture)
{
  g_ptr_array_add (fixture->events, mcp_sse_event_ref (event));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  user_data)
{
  fixture->parser = mcp_sse_event_parser_new ();
  fixture->events = g_ptr_array_new_with_free_func ((GDestroyNotify) mcp_sse_event_unref);
  g_signal_connect (fixture->parser, "event", G_CALLBACK (on_fixture_event), fixture);
  g_signal_connect (fixture->parser, "notify", G_CALLBACK (on_notify), fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->parser);
  g_ptr_array_unref (fixture->events);
}

/* Feeds @length bytes in pieces of @chunk bytes (0: whole) and returns
 * how many feed() calls failed; every failure must be EVENT_TOO_LARGE. */
static guint
feed_chunked (Fixture    *fixture,
              const char *bytes,
              gsize       length,
              gsize       chunk)
{
  guint n_failures = 0;
  gsize offset = 0;

  if (chunk == 0)
    chunk = MAX (length, 1);

  while (offset < length)
    {
      gsize n = MIN (chunk, length - offset);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      ok = mcp_sse_event_parser_feed (fixture->parser, (const guint8 *) bytes + offset, n, &error);
      if (ok)
        g_assert_no_error (error);
      else
        {
          g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_EVENT_TOO_LARGE);
          n_failures++;
        }
      offset += n;
    }

  return n_failures;
}

static void
feed_string (Fixture    *fixture,
             const char *text)
{
  g_assert_cmpuint (feed_chunked (fixture, text, strlen (text), 0), ==, 0);
}

static void
assert_event_len (Fixture    *fixture,
                  guint       index,
                  const char *type,
                  const char *data,
                  gsize       data_length,
                  const char *id)
{
  McpSseEvent *event;
  GBytes *bytes;

  g_assert_cmpuint (index, <, fixture->events->len);
  event = g_ptr_array_index (fixture->events, index);
  bytes = mcp_sse_event_get_data_bytes (event);

  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, type);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data, data_length);
  g_assert_cmpstr (mcp_sse_event_get_id (event), ==, id);
}

static void
assert_event (Fixture    *fixture,
              guint       index,
              const char *type,
              const char *data,
              const char *id)
{
  assert_event_len (fixture, index, type, data, strlen (data), id);
  g_assert_cmpstr (mcp_sse_event_get_data (g_ptr_array_index (fixture->events, index)), ==, data);
}

/* max-event-size */

static void
test_max_event_size_property (Fixture       *fixture,
                              gconstpointer  user_data)
{
  guint64 value = 0;

  g_assert_cmpuint (mcp_sse_event_parser_get_max_event_size (fixture->parser), ==,
                    MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE);
  g_assert_cmpuint (MCP_SSE_EVENT_PARSER_DEFAULT_MAX_EVENT_SIZE, ==, 16 * MIB);

  g_object_set (fixture->parser, "max-event-size", (guint64) 100, NULL);
  g_assert_cmpuint (fixture->n_max_event_size_notifies, ==, 1);
  g_object_get (fixture->parser, "max-event-size", &value, NULL);
  g_assert_cmpuint (value, ==, 100);

  mcp_sse_event_parser_set_max_event_size (fixture->parser, 100);
  g_assert_cmpuint (fixture->n_max_event_size_notifies, ==, 1);
  mcp_sse_event_parser_set_max_event_size (fixture->parser, 0);
  g_assert_cmpuint (fixture->n_max_event_size_notifies, ==, 2);
  g_assert_cmpuint (mcp_sse_event_parser_get_max_event_size (fixture->parser), ==, 0);
}

/* The limit covers the decoded data so far plus the whole current line,
 * field name included. */
static void
test_max_event_size_boundary (void)
{
  static const struct {
    const char *stream;
    guint64 fits;       /* the smallest limit that lets the event through */
  } cases[] = {
    /* "data: 12345" is 11 bytes; the data becomes "12345\n", 6 bytes. */
    { "data: 12345\n\n", 11 },
    /* Line 2: 5 bytes of data ("aaaa\n") plus 9 bytes of line. */
    { "data:aaaa\ndata:bbbb\n\n", 14 },
    /* Each ill-formed byte decodes to three: 9 bytes + LF of data. */
    { "data:\xFF\xFF\xFF\n\n", 10 },
    /* A comment line counts as the current line too. */
    { "data:a\n:0123456789\n\n", 13 },
    /* An id or event line is a current line as well. */
    { "event:0123456789\ndata:a\n\n", 16 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize length = strlen (cases[i].stream);
      gsize chunk;

      for (chunk = 0; chunk <= length; chunk++)
        {
          Fixture fixture;

          g_test_message ("case %u, chunk %" G_GSIZE_FORMAT, i, chunk);

          fixture_setup (&fixture, NULL);
          mcp_sse_event_parser_set_max_event_size (fixture.parser, cases[i].fits);
          g_assert_cmpuint (feed_chunked (&fixture, cases[i].stream, length, chunk), ==, 0);
          g_assert_cmpuint (fixture.events->len, ==, 1);
          fixture_teardown (&fixture, NULL);

          fixture_setup (&fixture, NULL);
          mcp_sse_event_parser_set_max_event_size (fixture.parser, cases[i].fits - 1);
          g_assert_cmpuint (feed_chunked (&fixture, cases[i].stream, length, chunk), ==, 1);
          g_assert_cmpuint (fixture.events->len, ==, 0);
          fixture_teardown (&fixture, NULL);
        }
    }
}

/* Three events, the middle one of 64 bytes of data in short lines. */
static char *
small_big_small (void)
{
  GString *stream = g_string_new ("id: 1\ndata: before\n\n");
  guint i;

  g_string_append (stream, "id: 2\n");
  for (i = 0; i < 8; i++)
    g_string_append (stream, "data: 0123456\n");
  g_string_append (stream, "\ndata: after\n\n");

  return g_string_free (stream, FALSE);
}

static void
test_max_event_size_one_chunk (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *stream = small_big_small ();

  mcp_sse_event_parser_set_max_event_size (fixture->parser, 32);
  g_assert_cmpuint (feed_chunked (fixture, stream, strlen (stream), 0), ==, 1);

  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "before", "1");
  /* The dropped event still set the last event ID. */
  assert_event (fixture, 1, "message", "after", "2");
  g_assert_cmpstr (mcp_sse_event_parser_get_last_event_id (fixture->parser), ==, "2");
}

static void
test_max_event_size_many_chunks (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *stream = small_big_small ();

  mcp_sse_event_parser_set_max_event_size (fixture->parser, 32);
  /* Only the feed() during which the event grew too large fails. */
  g_assert_cmpuint (feed_chunked (fixture, stream, strlen (stream), 1), ==, 1);

  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "before", "1");
  assert_event (fixture, 1, "message", "after", "2");
}

static void
test_max_event_size_once_per_call (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autofree char *one = small_big_small ();
  g_autofree char *stream = g_strconcat (one, one, NULL);

  mcp_sse_event_parser_set_max_event_size (fixture->parser, 32);
  /* Two events too large in one call: one error, not two (setting a
   * GError twice would be a fatal warning here). */
  g_assert_cmpuint (feed_chunked (fixture, stream, strlen (stream), 0), ==, 1);
  g_assert_cmpuint (fixture->events->len, ==, 4);
  assert_event (fixture, 3, "message", "after", "2");

  /* Byte by byte, each of the two fails its own call. */
  g_ptr_array_set_size (fixture->events, 0);
  g_assert_cmpuint (feed_chunked (fixture, stream, strlen (stream), 1), ==, 2);
  g_assert_cmpuint (fixture->events->len, ==, 4);
}

static gsize
heap_in_use (void)
{
#ifdef __GLIBC__
  struct mallinfo2 info = mallinfo2 ();

  return info.uordblks + info.hblkhd;
#else
  return 0;
#endif
}

/* A line far longer than the limit, fed in many chunks, is dropped as it
 * streams by: it is never held, and the stream goes on after it. */
static void
test_max_event_size_long_line (Fixture       *fixture,
                               gconstpointer  user_data)
{
  const gsize line_length = 32 * MIB, chunk = 4096;
  g_autofree char *block = g_malloc (chunk);
  gsize offset, before, during;
  guint n_failures;

  memset (block, 'x', chunk);
  mcp_sse_event_parser_set_max_event_size (fixture->parser, 64 * 1024);

  feed_string (fixture, "data: first\n\ndata: ");
  before = heap_in_use ();
  n_failures = 0;
  for (offset = 0; offset < line_length; offset += chunk)
    n_failures += feed_chunked (fixture, block, chunk, 0);
  during = heap_in_use ();
  feed_string (fixture, "\n\ndata: last\n\n");

  g_assert_cmpuint (n_failures, ==, 1);
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "first", "");
  assert_event (fixture, 1, "message", "last", "");

  /* Where the C library can tell, the heap did not grow with the line. */
  g_test_message ("heap in use: %" G_GSIZE_FORMAT " before, %" G_GSIZE_FORMAT " during",
                  before, during);
  g_assert_cmpuint (during, <, before + 4 * MIB);
}

/* A long comment ends the event it belongs to as well: the limit counts
 * any current line. */
static void
test_max_event_size_long_comment (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autofree char *comment = g_strnfill (1000, 'c');
  g_autofree char *stream = g_strconcat ("data: a\n:", comment, "\ndata: b\n\ndata: c\n\n", NULL);

  mcp_sse_event_parser_set_max_event_size (fixture->parser, 100);
  g_assert_cmpuint (feed_chunked (fixture, stream, strlen (stream), 7), ==, 1);
  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "c", "");
}

static char *
data_event (gsize data_length)
{
  GString *stream = g_string_sized_new (data_length + 16);

  g_string_append (stream, "data: ");
  g_string_set_size (stream, 6 + data_length);
  memset (stream->str + 6, 'd', data_length);
  g_string_append (stream, "\n\n");

  return g_string_free (stream, FALSE);
}

static void
test_max_event_size_default (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *stream = data_event (17 * MIB);

  g_assert_cmpuint (feed_chunked (fixture, stream, strlen (stream), 0), ==, 1);
  g_assert_cmpuint (fixture->events->len, ==, 0);
}

static void
test_max_event_size_unlimited (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *stream = data_event (17 * MIB);
  GBytes *data;

  mcp_sse_event_parser_set_max_event_size (fixture->parser, 0);
  g_assert_cmpuint (feed_chunked (fixture, stream, strlen (stream), 0), ==, 0);
  g_assert_cmpuint (fixture->events->len, ==, 1);
  data = mcp_sse_event_get_data_bytes (g_ptr_array_index (fixture->events, 0));
  g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data), stream + 6, 17 * MIB);
}

/* end() */

static void
test_end_discards_pending (Fixture       *fixture,
                           gconstpointer  user_data)
{
  feed_string (fixture, "retry: 5000\nid: 1\ndata: a\n\nid: 2\ndata: b\n");
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 1);
  mcp_sse_event_parser_end (fixture->parser);

  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "a", "1");
  g_assert_cmpstr (mcp_sse_event_parser_get_last_event_id (fixture->parser), ==, "1");
  g_assert_cmpint (mcp_sse_event_parser_get_retry (fixture->parser), ==, 5000);

  /* A new stream: its BOM is stripped, and the ID set in the discarded
   * event never took effect. */
  feed_string (fixture, "\xEF\xBB\xBF" "data: c\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 1, "message", "c", "1");
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 1);
  g_assert_cmpuint (fixture->n_retry_notifies, ==, 1);
}

static void
test_end_discards_partial_line (Fixture       *fixture,
                                gconstpointer  user_data)
{
  feed_string (fixture, "event: x\ndata: partial");
  mcp_sse_event_parser_end (fixture->parser);
  feed_string (fixture, "\n\ndata: next\n\n");

  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "next", "");
}

/* A CR that ended the old stream does not swallow an LF of the new one. */
static void
test_end_forgets_cr (Fixture       *fixture,
                     gconstpointer  user_data)
{
  feed_string (fixture, "data: a\r");
  mcp_sse_event_parser_end (fixture->parser);
  /* The LF is the first line of the new stream, so the BOM after it is
   * part of a field name. */
  feed_string (fixture, "\n\xEF\xBB\xBF" "data: b\n\n");

  g_assert_cmpuint (fixture->events->len, ==, 0);
}

static void
test_end_forgets_partial_bom (Fixture       *fixture,
                              gconstpointer  user_data)
{
  feed_string (fixture, "\xEF\xBB");
  mcp_sse_event_parser_end (fixture->parser);
  feed_string (fixture, "\xEF\xBB\xBF" "data: b\n\n");

  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "b", "");
}

static void
test_end_forgets_dropped_event (Fixture       *fixture,
                                gconstpointer  user_data)
{
  mcp_sse_event_parser_set_max_event_size (fixture->parser, 16);
  g_assert_cmpuint (feed_chunked (fixture, "data: 0123456789abcdef", 22, 4), ==, 1);
  mcp_sse_event_parser_end (fixture->parser);
  feed_string (fixture, "data: ok\n\n");

  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "ok", "");
}

/* reset() */

static void
test_reset (Fixture       *fixture,
            gconstpointer  user_data)
{
  mcp_sse_event_parser_set_max_event_size (fixture->parser, 100);
  feed_string (fixture, "\xEF\xBB\xBFretry: 10\nid: 7\ndata: a\n\nevent: x\ndata: b");
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 1);
  g_assert_cmpuint (fixture->n_retry_notifies, ==, 1);

  mcp_sse_event_parser_reset (fixture->parser);
  g_assert_cmpstr (mcp_sse_event_parser_get_last_event_id (fixture->parser), ==, "");
  g_assert_cmpint (mcp_sse_event_parser_get_retry (fixture->parser), ==, -1);
  g_assert_cmpuint (mcp_sse_event_parser_get_max_event_size (fixture->parser), ==, 100);
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 2);
  g_assert_cmpuint (fixture->n_retry_notifies, ==, 2);

  /* The pending event is gone and a BOM is stripped again. */
  feed_string (fixture, "\xEF\xBB\xBF\n\ndata: c\n\n");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "a", "7");
  assert_event (fixture, 1, "message", "c", "");

  /* A parser with nothing to forget notifies nothing. */
  mcp_sse_event_parser_reset (fixture->parser);
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 2);
  g_assert_cmpuint (fixture->n_retry_notifies, ==, 2);
  g_assert_cmpuint (fixture->n_max_event_size_notifies, ==, 1);
}

/* Large events */

/* @length bytes of valid UTF-8, mixed ASCII and multi-byte characters,
 * without CR or LF. */
static GString *
large_text (gsize length)
{
  static const char *const pieces[] = { "{\"jsonrpc\":\"2.0\"}", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", " ", "0123456789" };
  GString *text = g_string_sized_new (length + 16);
  GRand *rand = g_rand_new_with_seed (42);

  while (text->len < length)
    {
      const char *piece = pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))];

      /* Never cut a character: fill the end with ASCII. */
      if (text->len + strlen (piece) > length)
        piece = "x";
      g_string_append (text, piece);
    }

  g_rand_free (rand);
  return text;
}

static void
check_large_event (gsize chunk,
                   guint n_lines)
{
  const gsize line_length = 5 * 1000 * 1000 / n_lines;
  Fixture fixture;
  GString *stream = g_string_new ("event: big\n");
  GString *expected = g_string_new (NULL);
  guint i;

  for (i = 0; i < n_lines; i++)
    {
      GString *text = large_text (line_length);

      g_string_append (stream, "data: ");
      g_string_append_len (stream, text->str, text->len);
      g_string_append (stream, i % 2 ? "\r\n" : "\n");
      if (i > 0)
        g_string_append_c (expected, '\n');
      g_string_append_len (expected, text->str, text->len);
      g_string_free (text, TRUE);
    }
  g_string_append (stream, "\ndata: small\n\n");

  fixture_setup (&fixture, NULL);
  g_assert_cmpuint (feed_chunked (&fixture, stream->str, stream->len, chunk), ==, 0);
  g_assert_cmpuint (fixture.events->len, ==, 2);
  assert_event_len (&fixture, 0, "big", expected->str, expected->len, "");
  assert_event (&fixture, 1, "message", "small", "");
  fixture_teardown (&fixture, NULL);

  g_string_free (stream, TRUE);
  g_string_free (expected, TRUE);
}

static void
test_large_one_chunk (void)
{
  check_large_event (0, 1);
  check_large_event (0, 1000);
}

static void
test_large_many_chunks (void)
{
  /* An odd chunk size cuts lines, CRLFs and characters everywhere. */
  check_large_event (4093, 1);
  check_large_event (4093, 1000);
  check_large_event (65536, 1);
}

/* A long data line buffered across chunks becomes the event's data
 * without a copy when it is the first of its event; the data must come
 * out the same on every path. */
static void
test_large_line_handover (void)
{
  const gsize big = 100 * 1000;
  g_autofree char *x = g_strnfill (big, 'x');
  g_autofree char *y = g_strnfill (big, 'y');
  g_autofree char *bad = g_strconcat (x, "\xFF", NULL);
  g_autofree char *bad_fixed = g_strconcat (x, FFFD, NULL);
  g_autofree char *x_tail = g_strconcat (x, "\ntail", NULL);
  g_autofree char *head_x = g_strconcat ("head\n", x, NULL);
  g_autofree char *x_y = g_strconcat (x, "\n", y, NULL);
  const struct {
    char *stream;
    const char *first;
    const char *second;
  } cases[] = {
    /* Handed over, then more lines appended to it. */
    { g_strconcat ("data: ", x, "\ndata: tail\n\n", NULL), x_tail, NULL },
    { g_strconcat ("data:", x, "\r\n\r\n", NULL), x, NULL },
    /* Not the first line: copied. */
    { g_strconcat ("data: head\ndata: ", x, "\n\n", NULL), head_x, NULL },
    /* Two long lines in one event, then two events in a row. */
    { g_strconcat ("data: ", x, "\ndata: ", y, "\n\n", NULL), x_y, NULL },
    { g_strconcat ("data: ", x, "\n\ndata: ", y, "\n\n", NULL), x, y },
    /* Repaired: the value is no longer in the line buffer. */
    { g_strconcat ("data: ", bad, "\n\ndata: ", y, "\n\n", NULL), bad_fixed, y },
  };
  static const gsize chunks[] = { 0, 4093, 65536 };
  guint i, c;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      for (c = 0; c < G_N_ELEMENTS (chunks); c++)
        {
          Fixture fixture;

          fixture_setup (&fixture, NULL);
          g_assert_cmpuint (feed_chunked (&fixture, cases[i].stream, strlen (cases[i].stream), chunks[c]), ==, 0);
          /* A short line across chunks after it still parses. */
          feed_string (&fixture, "data: sho");
          feed_string (&fixture, "rt\n\n");

          g_assert_cmpuint (fixture.events->len, ==, cases[i].second != NULL ? 3 : 2);
          assert_event (&fixture, 0, "message", cases[i].first, "");
          if (cases[i].second != NULL)
            assert_event (&fixture, 1, "message", cases[i].second, "");
          assert_event (&fixture, fixture.events->len - 1, "message", "short", "");
          fixture_teardown (&fixture, NULL);
        }
      g_free (cases[i].stream);
    }
}

/* A handed-over line can still make its event too large. */
static void
test_large_line_handover_too_large (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autofree char *x = g_strnfill (100 * 1000, 'x');
  g_autofree char *stream = g_strconcat ("data: ", x, "\ndata: ", x, "\n\ndata: ", x, "\n\n", NULL);

  mcp_sse_event_parser_set_max_event_size (fixture->parser, 150 * 1000);
  g_assert_cmpuint (feed_chunked (fixture, stream, strlen (stream), 4096), ==, 1);
  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", x, "");
}

/* UTF-8 */

static void
test_utf8_split_character (void)
{
  static const char stream[] = "event: \xF0\x9F\x98\x80\nid: \xF0\x9F\x98\x80\ndata: \xF0\x9F\x98\x80\n\n";
  const gsize length = sizeof stream - 1;
  guint split, field;

  /* Split each of the three characters 1+3, 2+2 and 3+1. */
  for (field = 0; field < 3; field++)
    {
      const char *character = strstr (stream, "\xF0");
      guint skip;

      for (skip = 0; skip < field; skip++)
        character = strstr (character + 1, "\xF0");

      for (split = 1; split <= 3; split++)
        {
          gsize cut = (character - stream) + split;
          Fixture fixture;

          fixture_setup (&fixture, NULL);
          g_assert_cmpuint (feed_chunked (&fixture, stream, cut, 0), ==, 0);
          g_assert_cmpuint (feed_chunked (&fixture, stream + cut, length - cut, 0), ==, 0);
          g_assert_cmpuint (fixture.events->len, ==, 1);
          assert_event (&fixture, 0, "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80");
          fixture_teardown (&fixture, NULL);
        }
    }
}

static void
test_utf8_invalid (void)
{
  static const struct {
    const char *value;
    const char *decoded;
  } cases[] = {
    /* A truncated sequence is one maximal subpart. */
    { "\xF0\x9F\x98", FFFD },
    { "\xF0\x9F\x98" "A", FFFD "A" },
    { "\xE2\x82", FFFD },
    { "a\xE2\x82" ":b", "a" FFFD ":b" },
    /* Bytes that can never start or continue a sequence are one each. */
    { "\xC0\x80", FFFD FFFD },
    { "\xC1\xBF", FFFD FFFD },
    { "\xFF", FFFD },
    { "\x80\xBF", FFFD FFFD },
    { "\xF5\x80\x80\x80", FFFD FFFD FFFD FFFD },
    /* Surrogates, overlongs and values past U+10FFFF fail at the second byte. */
    { "\xED\xA0\x80", FFFD FFFD FFFD },
    { "\xE0\x80\x80", FFFD FFFD FFFD },
    { "\xF0\x8F\xBF\xBF", FFFD FFFD FFFD FFFD },
    { "\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD },
    /* The edges of the valid ranges. */
    { "\xED\x9F\xBF", "\xED\x9F\xBF" },
    { "\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF" },
    { "\xEF\xBF\xBF", "\xEF\xBF\xBF" },
    { "\xE2\x82\xAC\xE2\x82", "\xE2\x82\xAC" FFFD },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *stream = g_strdup_printf ("event: %s\nid: %s\ndata: %s\n\n",
                                                 cases[i].value, cases[i].value, cases[i].value);
      gsize length = strlen (stream);
      gsize chunk;

      for (chunk = 0; chunk <= 3; chunk++)
        {
          Fixture fixture;

          g_test_message ("case %u, chunk %" G_GSIZE_FORMAT, i, chunk);

          fixture_setup (&fixture, NULL);
          g_assert_cmpuint (feed_chunked (&fixture, stream, length, chunk), ==, 0);
          g_assert_cmpuint (fixture.events->len, ==, 1);
          assert_event (&fixture, 0, cases[i].decoded, cases[i].decoded, cases[i].decoded);
          g_assert_cmpstr (mcp_sse_event_parser_get_last_event_id (fixture.parser), ==,
                           cases[i].decoded);
          fixture_teardown (&fixture, NULL);
        }
    }
}

static void
test_nul_in_data (Fixture       *fixture,
                  gconstpointer  user_data)
{
  static const char stream[] = "data: a\0b\ndata: \0\n\n";

  g_assert_cmpuint (feed_chunked (fixture, stream, sizeof stream - 1, 0), ==, 0);
  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event_len (fixture, 0, "message", "a\0b\n\0", 5, "");
  /* The C string ends at the first NUL. */
  g_assert_cmpstr (mcp_sse_event_get_data (g_ptr_array_index (fixture->events, 0)), ==, "a");
}

/* Line ends */

static void
test_cr_lf_across_chunks (Fixture       *fixture,
                          gconstpointer  user_data)
{
  /* CR LF split between chunks is one line end, not a line end and a
   * blank line that would dispatch "a" alone. */
  feed_string (fixture, "data: a\r");
  feed_string (fixture, "\ndata: b\r");
  g_assert_cmpuint (fixture->events->len, ==, 0);
  feed_string (fixture, "\n\r");
  g_assert_cmpuint (fixture->events->len, ==, 1);
  assert_event (fixture, 0, "message", "a\nb", "");
  feed_string (fixture, "\n");

  /* A CR at the end of a chunk followed by anything else. */
  feed_string (fixture, "data: c\r");
  feed_string (fixture, "data: d\r");
  feed_string (fixture, "\r");
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 1, "message", "c\nd", "");

  /* A lone LF chunk after a CR chunk is the same line end. */
  feed_string (fixture, "data: e\r");
  feed_string (fixture, "\n");
  feed_string (fixture, "\n");
  g_assert_cmpuint (fixture->events->len, ==, 3);
  assert_event (fixture, 2, "message", "e", "");
}

static void
test_other_breaks_are_data (Fixture       *fixture,
                            gconstpointer  user_data)
{
  static const char *const breaks[] = {
    "\xE2\x80\xA8",     /* U+2028 LINE SEPARATOR */
    "\xE2\x80\xA9",     /* U+2029 PARAGRAPH SEPARATOR */
    "\xC2\x85",         /* U+0085 NEXT LINE */
    "\x0B",             /* VT */
    "\x0C",             /* FF */
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (breaks); i++)
    {
      g_autofree char *stream = g_strdup_printf ("data: a%sb\n%s\n", breaks[i], breaks[i]);
      g_autofree char *expected = g_strdup_printf ("a%sb", breaks[i]);

      /* The second line is an unknown field, not a blank line. */
      feed_string (fixture, stream);
      g_assert_cmpuint (fixture->events->len, ==, i);
      feed_string (fixture, "\n");
      g_assert_cmpuint (fixture->events->len, ==, i + 1);
      assert_event (fixture, i, "message", expected, "");
    }
}

/* Fields */

static void
test_retry (Fixture       *fixture,
            gconstpointer  user_data)
{
  static const struct {
    const char *line;
    gint64 retry;
  } cases[] = {
    { "retry: 0\n", 0 },
    { "retry: 9223372036854775807\n", G_MAXINT64 },
    { "retry: 1500\n", 1500 },
    /* Ignored: the last valid value stays. */
    { "retry: 9223372036854775808\n", 1500 },
    { "retry: 99999999999999999999999\n", 1500 },
    { "retry: -1\n", 1500 },
    { "retry: 12a\n", 1500 },
    { "retry:  12\n", 1500 },
    { "retry\n", 1500 },
    { "retry:\n", 1500 },
    { "retry: 0009223372036854775807\n", G_MAXINT64 },
  };
  guint i, expected_notifies = 0;
  gint64 previous = -1;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 value = 0;

      feed_string (fixture, cases[i].line);
      g_assert_cmpint (mcp_sse_event_parser_get_retry (fixture->parser), ==, cases[i].retry);
      g_object_get (fixture->parser, "retry", &value, NULL);
      g_assert_cmpint (value, ==, cases[i].retry);

      if (cases[i].retry != previous)
        expected_notifies++;
      previous = cases[i].retry;
      g_assert_cmpuint (fixture->n_retry_notifies, ==, expected_notifies);
    }
}

static void
test_id_with_nul (Fixture       *fixture,
                  gconstpointer  user_data)
{
  static const char stream[] = "id: 7\ndata: a\n\nid: 8\0" "9\ndata: b\n\n";

  g_assert_cmpuint (feed_chunked (fixture, stream, sizeof stream - 1, 0), ==, 0);
  g_assert_cmpuint (fixture->events->len, ==, 2);
  assert_event (fixture, 0, "message", "a", "7");
  assert_event (fixture, 1, "message", "b", "7");
  g_assert_cmpstr (mcp_sse_event_parser_get_last_event_id (fixture->parser), ==, "7");
}

static void
test_notify_last_event_id (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *value = NULL;

  /* Only a dispatch sets the last event ID. */
  feed_string (fixture, "id: 1\n");
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 0);
  feed_string (fixture, "\n");
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 1);
  g_object_get (fixture->parser, "last-event-id", &value, NULL);
  g_assert_cmpstr (value, ==, "1");

  /* The same ID again changes nothing. */
  feed_string (fixture, "id: 1\ndata: x\n\n");
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 1);

  /* Several changes in one feed() notify once, with the final value. */
  feed_string (fixture, "id: 2\ndata: x\n\nid: 3\ndata: y\n\n");
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 2);
  g_assert_cmpstr (mcp_sse_event_parser_get_last_event_id (fixture->parser), ==, "3");

  /* An empty id resets it. */
  feed_string (fixture, "id\ndata: z\n\n");
  g_assert_cmpuint (fixture->n_last_event_id_notifies, ==, 3);
  g_assert_cmpstr (mcp_sse_event_parser_get_last_event_id (fixture->parser), ==, "");
  assert_event (fixture, 3, "message", "z", "");
}

/* Re-entrancy */

static void
unref_parser (McpSseEventParser *parser,
              McpSseEvent       *event,
              guint             *n_events)
{
  (*n_events)++;
  g_object_unref (parser);
}

static void
test_unref_in_handler (void)
{
  static const char stream[] = "data: a\n\ndata: b\n\n";
  McpSseEventParser *parser = mcp_sse_event_parser_new ();
  g_autoptr(GError) error = NULL;
  guint n_events = 0;

  g_object_add_weak_pointer (G_OBJECT (parser), (gpointer *) &parser);
  g_signal_connect (parser, "event", G_CALLBACK (unref_parser), &n_events);

  g_assert_true (mcp_sse_event_parser_feed (parser, (const guint8 *) stream, sizeof stream - 1, &error));
  g_assert_no_error (error);
  g_assert_null (parser);
  g_assert_cmpuint (n_events, ==, 1);
}

static void
test_unref_in_handler_after_error (void)
{
  static const char stream[] = "data: 0123456789abcdef\n\ndata: a\n\nretry: 5\ndata: b\n\n";
  McpSseEventParser *parser = mcp_sse_event_parser_new ();
  g_autoptr(GError) error = NULL;
  guint n_events = 0;

  g_object_add_weak_pointer (G_OBJECT (parser), (gpointer *) &parser);
  g_signal_connect (parser, "event", G_CALLBACK (unref_parser), &n_events);
  mcp_sse_event_parser_set_max_event_size (parser, 8);

  /* The error of the event before still reaches the caller. */
  g_assert_false (mcp_sse_event_parser_feed (parser, (const guint8 *) stream, sizeof stream - 1, &error));
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_EVENT_TOO_LARGE);
  g_assert_null (parser);
  g_assert_cmpuint (n_events, ==, 1);
}

static void
unref_on_notify (McpSseEventParser *parser,
                 GParamSpec        *pspec,
                 guint             *n_notifies)
{
  (*n_notifies)++;
  g_object_unref (parser);
}

static void
test_unref_in_notify (void)
{
  static const char stream[] = "id: 1\nretry: 10\ndata: a\n\n";
  McpSseEventParser *parser = mcp_sse_event_parser_new ();
  g_autoptr(GError) error = NULL;
  guint n_notifies = 0;

  g_object_add_weak_pointer (G_OBJECT (parser), (gpointer *) &parser);
  g_signal_connect (parser, "notify", G_CALLBACK (unref_on_notify), &n_notifies);

  /* Both properties changed; the first notification is the last. */
  g_assert_true (mcp_sse_event_parser_feed (parser, (const guint8 *) stream, sizeof stream - 1, &error));
  g_assert_no_error (error);
  g_assert_null (parser);
  g_assert_cmpuint (n_notifies, ==, 1);
}

static void
call_back_in (McpSseEventParser *parser,
              McpSseEvent       *event,
              Fixture           *fixture)
{
  static const guint8 more[] = "data: inner\n\n";
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (fixture->events, mcp_sse_event_ref (event));

  g_test_expect_message ("McpSse", G_LOG_LEVEL_CRITICAL, "*feed_state == NULL*");
  g_assert_false (mcp_sse_event_parser_feed (parser, more, sizeof more - 1, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("McpSse", G_LOG_LEVEL_CRITICAL, "*feed_state == NULL*");
  mcp_sse_event_parser_end (parser);
  g_test_assert_expected_messages ();

  g_test_expect_message ("McpSse", G_LOG_LEVEL_CRITICAL, "*feed_state == NULL*");
  mcp_sse_event_parser_reset (parser);
  g_test_assert_expected_messages ();
}

static void
test_calls_in_handler_refused (void)
{
  static const char stream[] = "id: 1\ndata: a\n\nevent: x\n";
  static const char rest[] = "data: b\n\n";
  Fixture fixture;

  fixture_setup (&fixture, NULL);
  g_signal_handlers_disconnect_by_func (fixture.parser, on_fixture_event, &fixture);
  g_signal_connect (fixture.parser, "event", G_CALLBACK (call_back_in), &fixture);

  /* The refused calls changed nothing: the stream goes on where it was. */
  g_assert_cmpuint (feed_chunked (&fixture, stream, sizeof stream - 1, 0), ==, 0);
  g_assert_cmpuint (feed_chunked (&fixture, rest, sizeof rest - 1, 0), ==, 0);
  g_assert_cmpuint (fixture.events->len, ==, 2);
  assert_event (&fixture, 0, "message", "a", "1");
  assert_event (&fixture, 1, "x", "b", "1");
  g_assert_cmpstr (mcp_sse_event_parser_get_last_event_id (fixture.parser), ==, "1");

  fixture_teardown (&fixture, NULL);
}

/* Events outlive their parser. */
static void
test_event_outlives_parser (void)
{
  Fixture fixture;
  McpSseEvent *event;

  fixture_setup (&fixture, NULL);
  feed_string (&fixture, "event: e\nid: i\ndata: d\n\n");
  event = mcp_sse_event_ref (g_ptr_array_index (fixture.events, 0));
  fixture_teardown (&fixture, NULL);

  g_assert_cmpstr (mcp_sse_event_get_event_type (event), ==, "e");
  g_assert_cmpstr (mcp_sse_event_get_data (event), ==, "d");
  g_assert_cmpstr (mcp_sse_event_get_id (event), ==, "i");
  mcp_sse_event_unref (event);
}

#define ADD_FIXTURE_TEST(path, func) \
  g_test_add ((path), Fixture, NULL, fixture_setup, (func), fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_autoptr(JsonParser) json = json_parser_new ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *vectors;
  guint i;

  test_init (&argc, &argv);

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

  ADD_FIXTURE_TEST ("/event-parser/max-event-size/property", test_max_event_size_property);
  g_test_add_func ("/event-parser/max-event-size/boundary", test_max_event_size_boundary);
  ADD_FIXTURE_TEST ("/event-parser/max-event-size/one-chunk", test_max_event_size_one_chunk);
  ADD_FIXTURE_TEST ("/event-parser/max-event-size/many-chunks", test_max_event_size_many_chunks);
  ADD_FIXTURE_TEST ("/event-parser/max-event-size/once-per-call", test_max_event_size_once_per_call);
  ADD_FIXTURE_TEST ("/event-parser/max-event-size/long-line", test_max_event_size_long_line);
  ADD_FIXTURE_TEST ("/event-parser/max-event-size/long-comment", test_max_event_size_long_comment);
  ADD_FIXTURE_TEST ("/event-parser/max-event-size/default", test_max_event_size_default);
  ADD_FIXTURE_TEST ("/event-parser/max-event-size/unlimited", test_max_event_size_unlimited);
  ADD_FIXTURE_TEST ("/event-parser/end/discards-pending", test_end_discards_pending);
  ADD_FIXTURE_TEST ("/event-parser/end/discards-partial-line", test_end_discards_partial_line);
  ADD_FIXTURE_TEST ("/event-parser/end/forgets-cr", test_end_forgets_cr);
  ADD_FIXTURE_TEST ("/event-parser/end/forgets-partial-bom", test_end_forgets_partial_bom);
  ADD_FIXTURE_TEST ("/event-parser/end/forgets-dropped-event", test_end_forgets_dropped_event);
  ADD_FIXTURE_TEST ("/event-parser/reset", test_reset);
  g_test_add_func ("/event-parser/large/one-chunk", test_large_one_chunk);
  g_test_add_func ("/event-parser/large/many-chunks", test_large_many_chunks);
  g_test_add_func ("/event-parser/large/line-handover", test_large_line_handover);
  ADD_FIXTURE_TEST ("/event-parser/large/line-handover-too-large", test_large_line_handover_too_large);
  g_test_add_func ("/event-parser/utf8/split-character", test_utf8_split_character);
  g_test_add_func ("/event-parser/utf8/invalid", test_utf8_invalid);
  ADD_FIXTURE_TEST ("/event-parser/nul-in-data", test_nul_in_data);
  ADD_FIXTURE_TEST ("/event-parser/line-ends/cr-lf-across-chunks", test_cr_lf_across_chunks);
  ADD_FIXTURE_TEST ("/event-parser/line-ends/other-breaks-are-data", test_other_breaks_are_data);
  ADD_FIXTURE_TEST ("/event-parser/fields/retry", test_retry);
  ADD_FIXTURE_TEST ("/event-parser/fields/id-with-nul", test_id_with_nul);
  ADD_FIXTURE_TEST ("/event-parser/notify/last-event-id", test_notify_last_event_id);
  g_test_add_func ("/event-parser/reentrancy/unref-in-handler", test_unref_in_handler);
  g_test_add_func ("/event-parser/reentrancy/unref-in-handler-after-error", test_unref_in_handler_after_error);
  g_test_add_func ("/event-parser/reentrancy/unref-in-notify", test_unref_in_notify);
  g_test_add_func ("/event-parser/reentrancy/calls-in-handler-refused", test_calls_in_handler_refused);
  g_test_add_func ("/event-parser/event-outlives-parser", test_event_outlives_parser);

  return g_test_run ();
}
