/* test-json-writer.c: the strict JSON writer of outgoing messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The writer and the reader are private: this test links their object
 * files directly. Whatever the writer writes, the strict reader must read
 * back to the same tree.
 */

#include <float.h>
#include <math.h>
#include <string.h>

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-json-reader-private.h"
#include "mcp-sse-json-writer-private.h"
#include "mcp-sse-test-utils.h"

/* Helpers */

static JsonNode *
read_ok (const char *text,
         gsize       length)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = mcp_sse_json_reader_read (text, length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static JsonNode *
string_node (const char *text)
{
  return json_node_init_string (json_node_alloc (), text);
}

static JsonNode *
double_node (double value)
{
  return json_node_init_double (json_node_alloc (), value);
}

static JsonNode *
int_node (gint64 value)
{
  return json_node_init_int (json_node_alloc (), value);
}

/* Writes @node compactly, checks that the reported length is the text's,
 * and returns the text. */
static char *
write_compact (JsonNode *node)
{
  gsize length = G_MAXSIZE;
  char *text = mcp_sse_json_writer_write (node, &length);

  g_assert_nonnull (text);
  g_assert_cmpuint (length, ==, strlen (text));
  return text;
}

static char *
write_pretty (JsonNode *node)
{
  GString *string = g_string_new (NULL);

  mcp_sse_json_writer_append (string, node, TRUE);
  return g_string_free (string, FALSE);
}

static void
assert_writes (JsonNode   *node,
               const char *expected)
{
  g_autofree char *text = write_compact (node);

  g_assert_cmpstr (text, ==, expected);
}

/* Takes @node. */
static void
assert_writes_take (JsonNode   *node,
                    const char *expected)
{
  g_autoptr(JsonNode) owned = node;

  assert_writes (owned, expected);
}

static void
assert_string_writes (const char *string,
                      const char *expected)
{
  assert_writes_take (string_node (string), expected);
}

/* Writes @node compact and pretty, reads both back with the strict reader
 * and expects the same tree. */
static void
assert_round_trip (JsonNode *node)
{
  g_autofree char *text = write_compact (node);
  g_autofree char *pretty = write_pretty (node);
  g_autoptr(JsonNode) again = read_ok (text, strlen (text));
  g_autoptr(JsonNode) again_pretty = read_ok (pretty, strlen (pretty));

  g_assert_true (g_utf8_validate (text, -1, NULL));
  test_assert_same_json (node, again);
  test_assert_same_json (node, again_pretty);
}

/* json-glib 1.6's JsonGenerator writes these two as text that is not JSON:
 * "1e+22.0" and a raw 0x1f byte. */
static void
test_generator_bugs (void)
{
  g_autoptr(JsonNode) big = double_node (1e22);
  g_autoptr(JsonNode) unit_separator = string_node ("a\x1f" "b");

  assert_writes (big, "1e+22");
  assert_writes (unit_separator, "\"a\\u001fb\"");
  assert_round_trip (big);
  assert_round_trip (unit_separator);
}

/* Strings */

static void
test_control_characters (void)
{
  guint c;

  for (c = 0x01; c < 0x20; c++)
    {
      char string[] = { 'a', (char) c, 'b', '\0' };
      g_autofree char *expected = NULL;
      g_autoptr(JsonNode) node = string_node (string);
      g_autofree char *text = write_compact (node);
      g_autoptr(JsonNode) again = read_ok (text, strlen (text));

      switch (c)
        {
        case '\b': expected = g_strdup ("\"a\\bb\""); break;
        case '\f': expected = g_strdup ("\"a\\fb\""); break;
        case '\n': expected = g_strdup ("\"a\\nb\""); break;
        case '\r': expected = g_strdup ("\"a\\rb\""); break;
        case '\t': expected = g_strdup ("\"a\\tb\""); break;
        default: expected = g_strdup_printf ("\"a\\u%04xb\"", c); break;
        }
      g_assert_cmpstr (text, ==, expected);
      g_assert_cmpstr (json_node_get_string (again), ==, string);
    }
}

static void
test_escapes (void)
{
  assert_string_writes ("", "\"\"");
  assert_string_writes ("plain text", "\"plain text\"");
  assert_string_writes ("say \"hi\"", "\"say \\\"hi\\\"\"");
  assert_string_writes ("C:\\dir\\", "\"C:\\\\dir\\\\\"");
  assert_string_writes ("\"\\\"", "\"\\\"\\\\\\\"\"");
  /* '/' needs no escape; DEL is no control character to JSON. */
  assert_string_writes ("</script>", "\"</script>\"");
  assert_string_writes ("a\x7f" "b", "\"a\x7f" "b\"");
  assert_string_writes ("\t\n", "\"\\t\\n\"");
  assert_string_writes ("line\r\n", "\"line\\r\\n\"");
}

static void
test_non_ascii (void)
{
  g_autoptr(JsonNode) emoji = read_ok ("\"\\ud83d\\ude00\"", strlen ("\"\\ud83d\\ude00\""));

  assert_string_writes ("caf\xc3\xa9", "\"caf\xc3\xa9\"");
  assert_string_writes ("\xe2\x82\xac 5", "\"\xe2\x82\xac 5\"");
  /* Line and paragraph separators are valid JSON as they are. */
  assert_string_writes ("\xe2\x80\xa8\xe2\x80\xa9", "\"\xe2\x80\xa8\xe2\x80\xa9\"");
  assert_string_writes ("\xef\xbb\xbf\xef\xbf\xbf", "\"\xef\xbb\xbf\xef\xbf\xbf\"");
  assert_string_writes ("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");
  /* A character beyond the BMP, read from a surrogate pair escape, is
   * written as its four UTF-8 bytes. */
  assert_writes (emoji, "\"\xf0\x9f\x98\x80\"");
  assert_string_writes ("a\xf0\x9f\x98\x80" "b", "\"a\xf0\x9f\x98\x80" "b\"");
}

#define FFFD "\xef\xbf\xbd"

/* Bytes that are not UTF-8 never reach the text: each becomes U+FFFD. */
static void
test_invalid_utf8 (void)
{
  static const struct
  {
    const char *string;
    const char *expected;
  } cases[] = {
    { "a\xff" "b", "\"a" FFFD "b\"" },
    { "\x80", "\"" FFFD "\"" },
    { "\xc0\x80", "\"" FFFD FFFD "\"" },                  /* overlong NUL */
    { "\xc1\xbf", "\"" FFFD FFFD "\"" },                  /* overlong */
    { "\xe0\x9f\xbf", "\"" FFFD FFFD FFFD "\"" },         /* overlong */
    { "\xf0\x8f\xbf\xbf", "\"" FFFD FFFD FFFD FFFD "\"" }, /* overlong */
    { "\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"" },         /* surrogate */
    { "\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" }, /* above U+10FFFF */
    { "\xf5\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" },
    { "\xe2\x82", "\"" FFFD FFFD "\"" },                  /* cut at the end */
    { "\xe2\x82" "a", "\"" FFFD FFFD "a\"" },             /* cut short */
    { "\xf0\x9f\x98", "\"" FFFD FFFD FFFD "\"" },
    { "\xc3\xa9\xa9\xc3\xa9", "\"\xc3\xa9" FFFD "\xc3\xa9\"" },
    { "\xff\n", "\"" FFFD "\\n\"" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = string_node (cases[i].string);
      g_autofree char *text = write_compact (node);

      g_assert_cmpstr (text, ==, cases[i].expected);
      g_assert_true (g_utf8_validate (text, -1, NULL));
    }
}

/* Member names are strings like any other. */
static void
test_member_names (void)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  json_object_set_int_member (object, "a\x1f\"\\\n", 1);
  json_object_set_int_member (object, "\xc3\xa9\xff", 2);
  json_object_set_int_member (object, "", 3);
  assert_writes (node, "{\"a\\u001f\\\"\\\\\\n\":1,\"\xc3\xa9" FFFD "\":2,\"\":3}");
}

/* Numbers */

static void
test_doubles (void)
{
  static const struct
  {
    double value;
    const char *expected;
  } cases[] = {
    { 1e22, "1e+22" },
    { 1e21, "1e+21" },
    { 1e15, "1e+15" },
    { 1e14, "100000000000000.0" },
    { 0.1, "0.1" },
    { 0.1 + 0.2, "0.30000000000000004" },
    { 1.5, "1.5" },
    { -2.5e-7, "-2.5e-07" },
    { 0.0, "0.0" },
    { -0.0, "-0.0" },
    { 1.0, "1.0" },
    { -1.0, "-1.0" },
    { 100.0, "100.0" },
    { 9007199254740992.0, "9007199254740992.0" },
    { 123456789012345678.0, "1.2345678901234568e+17" },
    { 5e-324, "4.94065645841247e-324" },
    { 2.2250738585072014e-308, "2.2250738585072014e-308" },
    { DBL_MAX, "1.7976931348623157e+308" },
    { -DBL_MAX, "-1.7976931348623157e+308" },
    { 3.141592653589793, "3.141592653589793" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = double_node (cases[i].value);
      g_autofree char *text = write_compact (node);
      g_autoptr(JsonNode) again = read_ok (text, strlen (text));

      g_test_message ("%.17g -> %s", cases[i].value, text);
      g_assert_cmpstr (text, ==, cases[i].expected);
      test_assert_same_json (node, again);
    }
}

/* NaN and the infinities have no JSON form: null. */
static void
test_non_finite_doubles (void)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);

  json_array_add_double_element (array, NAN);
  json_array_add_double_element (array, INFINITY);
  json_array_add_double_element (array, -INFINITY);
  json_array_add_double_element (array, 2.0);
  assert_writes (node, "[null,null,null,2.0]");
}

static void
test_integers (void)
{
  static const struct
  {
    gint64 value;
    const char *expected;
  } cases[] = {
    { 0, "0" },
    { 1, "1" },
    { -1, "-1" },
    { 42, "42" },
    { G_GINT64_CONSTANT (9007199254740993), "9007199254740993" },
    { G_MAXINT32, "2147483647" },
    { G_MININT32, "-2147483648" },
    { G_MAXINT64, "9223372036854775807" },
    { G_MININT64, "-9223372036854775808" },
    { G_MININT64 + 1, "-9223372036854775807" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = int_node (cases[i].value);
      g_autofree char *text = write_compact (node);
      g_autoptr(JsonNode) again = read_ok (text, strlen (text));

      g_assert_cmpstr (text, ==, cases[i].expected);
      test_assert_same_json (node, again);
    }
}

/* Structure */

static void
test_literals (void)
{
  assert_writes_take (json_node_init_null (json_node_alloc ()), "null");
  assert_writes_take (json_node_init_boolean (json_node_alloc (), TRUE), "true");
  assert_writes_take (json_node_init_boolean (json_node_alloc (), FALSE), "false");
  /* Nodes that hold nothing yet. */
  assert_writes_take (json_node_init_string (json_node_alloc (), NULL), "null");
  assert_writes_take (json_node_new (JSON_NODE_VALUE), "null");
  assert_writes_take (json_node_new (JSON_NODE_OBJECT), "{}");
  assert_writes_take (json_node_new (JSON_NODE_ARRAY), "[]");
}

static void
test_empty_containers (void)
{
  g_autoptr(JsonNode) node = read_ok ("{\"a\":{},\"b\":[],\"c\":[{}, [[]]]}", strlen ("{\"a\":{},\"b\":[],\"c\":[{}, [[]]]}"));
  g_autofree char *pretty = write_pretty (node);

  assert_writes_take (json_node_init_object (json_node_alloc (), NULL), "{}");
  assert_writes_take (json_node_init_array (json_node_alloc (), NULL), "[]");
  assert_writes (node, "{\"a\":{},\"b\":[],\"c\":[{},[[]]]}");
  g_assert_cmpstr (pretty, ==,
                   "{\n"
                   "  \"a\": {},\n"
                   "  \"b\": [],\n"
                   "  \"c\": [\n"
                   "    {},\n"
                   "    [\n"
                   "      []\n"
                   "    ]\n"
                   "  ]\n"
                   "}");
}

static const char message[] =
  "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
  "{\"name\":\"add\",\"arguments\":{\"a\":[1,2.5,true,null,\"x\"],\"b\":{\"c\":false}}}}";

static void
test_nesting (void)
{
  g_autoptr(JsonNode) node = read_ok (message, strlen (message));
  g_autofree char *pretty = write_pretty (node);

  assert_writes (node, message);
  g_assert_cmpstr (pretty, ==,
                   "{\n"
                   "  \"jsonrpc\": \"2.0\",\n"
                   "  \"id\": 7,\n"
                   "  \"method\": \"tools/call\",\n"
                   "  \"params\": {\n"
                   "    \"name\": \"add\",\n"
                   "    \"arguments\": {\n"
                   "      \"a\": [\n"
                   "        1,\n"
                   "        2.5,\n"
                   "        true,\n"
                   "        null,\n"
                   "        \"x\"\n"
                   "      ],\n"
                   "      \"b\": {\n"
                   "        \"c\": false\n"
                   "      }\n"
                   "    }\n"
                   "  }\n"
                   "}");
  assert_round_trip (node);
}

/* Members come out in the order they were added, as with JsonGenerator. */
static void
test_member_order (void)
{
  static const char *const names[] = { "zeta", "alpha", "mu", "beta", "omega", "gamma" };
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *generated = NULL;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    json_object_set_int_member (object, names[i], i);
  /* Setting a member again keeps its place. */
  json_object_set_int_member (object, "mu", 20);

  assert_writes (node, "{\"zeta\":0,\"alpha\":1,\"mu\":20,\"beta\":3,\"omega\":4,\"gamma\":5}");
  generated = json_to_string (node, FALSE);
  assert_writes (node, generated);
}

/* Far deeper than the reader allows: the writer's stack grows on the
 * heap, with no recursion. */
static void
test_deep_nesting (void)
{
  const guint depth = 2000;
  g_autoptr(JsonNode) root = int_node (1);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *text = NULL;
  g_autofree char *pretty = NULL;
  guint i;

  for (i = 0; i < depth; i++)
    {
      JsonArray *array = json_array_new ();
      JsonNode *node;

      if (i % 2 == 0)
        json_array_add_element (array, g_steal_pointer (&root));
      else
        {
          JsonObject *object = json_object_new ();

          json_object_set_member (object, "k", g_steal_pointer (&root));
          json_array_add_object_element (array, object);
          json_array_add_null_element (array);
        }
      node = json_node_init_array (json_node_alloc (), array);
      json_array_unref (array);
      root = node;
    }

  for (i = depth; i > 0; i--)
    g_string_append (expected, i % 2 == 1 ? "[" : "[{\"k\":");
  g_string_append (expected, "1");
  for (i = 1; i <= depth; i++)
    g_string_append (expected, i % 2 == 1 ? "]" : "},null]");

  text = write_compact (root);
  g_assert_cmpstr (text, ==, expected->str);
  pretty = write_pretty (root);
  g_assert_true (g_str_has_suffix (pretty, "\n]"));
}

/* Appending keeps what the string held. */
static void
test_append (void)
{
  g_autoptr(GString) string = g_string_new ("data: ");
  g_autoptr(JsonNode) node = read_ok ("[1,\"two\"]", strlen ("[1,\"two\"]"));

  mcp_sse_json_writer_append (string, node, FALSE);
  g_string_append (string, "\n\n");
  g_assert_cmpstr (string->str, ==, "data: [1,\"two\"]\n\n");
}

/* Round trips of generated trees */

static void
test_round_trip_generated (void)
{
  g_autoptr(GRand) rand = test_rand_new ();
  guint i;

  for (i = 0; i < 3000; i++)
    {
      g_autoptr(JsonNode) original = test_random_json (rand, g_rand_int_range (rand, 0, 3) == 0 ? 0 : 6,
                                                        TEST_JSON_DEFAULT);

      assert_round_trip (original);
    }
}

/* The text of @value by the rule, the slow way: the first of the 15, 16
 * and 17 significant digit forms that reads back as @value, with ".0"
 * when it would read as an integer. */
static char *
reference_double_text (double value)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buffer, sizeof buffer, formats[i], value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_assert_cmpuint (i, <, G_N_ELEMENTS (formats));

  if (strpbrk (buffer, ".eE") == NULL)
    return g_strconcat (buffer, ".0", NULL);
  return g_strdup (buffer);
}

/* Every double comes back with the same bits, and as a double; the
 * writer's shortcut for short decimals writes what the rule says. */
static void
test_round_trip_doubles (void)
{
  g_autoptr(GRand) rand = test_rand_new ();
  guint i;

  for (i = 0; i < 20000; i++)
    {
      double value = i % 2 == 0 ? test_random_double (rand, TEST_JSON_DEFAULT)
                                : g_rand_int_range (rand, -2000000, 2000000) /
                                  pow (10, g_rand_int_range (rand, 0, 12));
      g_autoptr(JsonNode) node = double_node (value);
      g_autofree char *expected = reference_double_text (value);

      assert_writes (node, expected);
      assert_round_trip (node);
    }
}

/* Speed, with -m perf: the writer against json_to_string() on a typical
 * request. */
static const char typical_request[] =
  "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"search_documents\","
  "\"arguments\":{\"query\":\"quarterly revenue report 2024\",\"limit\":10,\"offset\":0,"
  "\"include_archived\":false,\"score_threshold\":0.75,\"tags\":[\"finance\",\"reports\","
  "\"internal\"],\"path\":\"/srv/data/reports\"},\"_meta\":{\"progressToken\":42}}}";

static void
test_speed (void)
{
  const guint rounds = 200000;
  g_autoptr(JsonNode) node = read_ok (typical_request, strlen (typical_request));
  double writer_seconds;
  double generator_seconds;
  guint i;

  if (!g_test_perf ())
    {
      g_test_skip ("a measurement: run with -m perf");
      return;
    }

  g_test_timer_start ();
  for (i = 0; i < rounds; i++)
    g_free (mcp_sse_json_writer_write (node, NULL));
  writer_seconds = g_test_timer_elapsed ();

  g_test_timer_start ();
  for (i = 0; i < rounds; i++)
    g_free (json_to_string (node, FALSE));
  generator_seconds = g_test_timer_elapsed ();

  g_test_message ("%" G_GSIZE_FORMAT "-byte message: writer %.0f ns, json_to_string %.0f ns, %.1f times faster",
                  strlen (typical_request),
                  writer_seconds * 1e9 / rounds, generator_seconds * 1e9 / rounds,
                  generator_seconds / writer_seconds);
  assert_writes (node, typical_request);
}

int
main (int    argc,
      char **argv)
{
  test_init (&argc, &argv);

  g_test_add_func ("/json-writer/generator-bugs", test_generator_bugs);
  g_test_add_func ("/json-writer/strings/control-characters", test_control_characters);
  g_test_add_func ("/json-writer/strings/escapes", test_escapes);
  g_test_add_func ("/json-writer/strings/non-ascii", test_non_ascii);
  g_test_add_func ("/json-writer/strings/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/json-writer/strings/member-names", test_member_names);
  g_test_add_func ("/json-writer/numbers/doubles", test_doubles);
  g_test_add_func ("/json-writer/numbers/non-finite", test_non_finite_doubles);
  g_test_add_func ("/json-writer/numbers/integers", test_integers);
  g_test_add_func ("/json-writer/structure/literals", test_literals);
  g_test_add_func ("/json-writer/structure/empty-containers", test_empty_containers);
  g_test_add_func ("/json-writer/structure/nesting", test_nesting);
  g_test_add_func ("/json-writer/structure/member-order", test_member_order);
  g_test_add_func ("/json-writer/structure/deep-nesting", test_deep_nesting);
  g_test_add_func ("/json-writer/structure/append", test_append);
  g_test_add_func ("/json-writer/round-trip/generated-trees", test_round_trip_generated);
  g_test_add_func ("/json-writer/round-trip/doubles", test_round_trip_doubles);
  g_test_add_func ("/json-writer/speed", test_speed);

  return g_test_run ();
}
