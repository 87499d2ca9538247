/* test-json-reader.c: the strict JSON reader of incoming messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reader is private: this test links its object file directly.
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-json-reader-private.h"
#include "mcp-sse-test-utils.h"

/* Helpers */

/* Reads a copy of exactly @length bytes, so that a read past the end is a
 * heap overflow that the sanitizers and valgrind see. */
static JsonNode *
read_bytes (const char  *text,
            gsize        length,
            GError     **error)
{
  g_autofree char *copy = g_malloc (MAX (length, 1));

  memcpy (copy, text, length);
  return mcp_sse_json_reader_read (copy, length, error);
}

static JsonNode *
read_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = read_bytes (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* Reads @length bytes of @text, expects INVALID_MESSAGE, and returns the
 * byte offset the message names. */
static gsize
read_refused_bytes (const char *text,
                    gsize       length)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = read_bytes (text, length, &error);
  gsize offset = G_MAXSIZE;
  int consumed = 0;

  g_assert_null (node);
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  g_assert_cmpint (sscanf (error->message, "Invalid JSON at byte %" G_GSIZE_FORMAT ": %n",
                           &offset, &consumed), ==, 1);
  g_assert_cmpint (consumed, >, 0);
  g_assert_cmpuint (strlen (error->message), >, (gsize) consumed);
  g_assert_cmpuint (offset, <=, length);

  return offset;
}

static gsize
read_refused (const char *text)
{
  return read_refused_bytes (text, strlen (text));
}

static char *
read_refused_message (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = read_bytes (text, strlen (text), &error);

  g_assert_null (node);
  g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
  return g_strdup (error->message);
}

static GType
value_type (JsonNode *node)
{
  g_assert_cmpint (JSON_NODE_TYPE (node), ==, JSON_NODE_VALUE);
  return json_node_get_value_type (node);
}

static void
assert_value_type (JsonNode *node,
                   GType     type)
{
  g_assert_cmpstr (g_type_name (value_type (node)), ==, g_type_name (type));
}

/* The first element of the array in @root. */
static JsonNode *
first_element (JsonNode *root)
{
  g_assert_cmpint (JSON_NODE_TYPE (root), ==, JSON_NODE_ARRAY);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), >, 0);
  return json_array_get_element (json_node_get_array (root), 0);
}

/* JsonGenerator of json-glib 1.6 writes what is not JSON in two cases: a
 * double whose shortest form has an exponent but no point, 1e22 for one,
 * as "1e+22.0"; and U+001F in a string as the raw byte. */
static gboolean
generator_writes_valid_json (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          if (strchr (name, 0x1f) != NULL || !generator_writes_valid_json (member))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint i;

        for (i = 0; i < json_array_get_length (array); i++)
          if (!generator_writes_valid_json (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return strchr (json_node_get_string (node), 0x1f) == NULL;
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        return test_json_generator_writes_valid_double (json_node_get_double (node));
      return TRUE;
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/* Serializes @node, reads it back and expects the same tree. */
static void
assert_round_trip (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  g_autofree char *pretty = json_to_string (node, TRUE);
  g_autoptr(JsonNode) again = read_ok (text);
  g_autoptr(JsonNode) again_pretty = read_ok (pretty);

  test_assert_same_json (node, again);
  test_assert_same_json (node, again_pretty);
}

/* JSONTestSuite (tests/json/, see the README there) */

/* What the reader does with each case the suite leaves to the
 * implementation (i_). The files hold the suite's text as the SSE layer
 * would deliver it: UTF-8, with U+FFFD for each byte sequence that was not
 * UTF-8. So "invalid UTF-8" cases are strings with U+FFFD here: accepted. */
typedef enum
{
  REFUSED,
  DOUBLE,               /* accepted: a one-element array holding a double */
  STRING,               /* accepted: a one-element array holding a string */
  NESTED_ARRAYS,        /* accepted: arrays in arrays */
} Behaviour;

static const struct
{
  const char *name;
  Behaviour behaviour;
} implementation_defined[] = {
  /* An exponent below the range of a double rounds to 0; above it, the
   * value has no double: refused rather than turned into infinity, which
   * JsonGenerator could not write back. */
  { "i_number_double_huge_neg_exp.json", DOUBLE },
  { "i_number_huge_exp.json", REFUSED },
  { "i_number_neg_int_huge_exp.json", REFUSED },
  { "i_number_pos_double_huge_exp.json", REFUSED },
  { "i_number_real_neg_overflow.json", REFUSED },
  { "i_number_real_pos_overflow.json", REFUSED },
  { "i_number_real_underflow.json", DOUBLE },
  /* Integers beyond gint64 become doubles. */
  { "i_number_too_big_neg_int.json", DOUBLE },
  { "i_number_too_big_pos_int.json", DOUBLE },
  { "i_number_very_big_negative_int.json", DOUBLE },
  /* Every lone surrogate escape is refused. */
  { "i_object_key_lone_2nd_surrogate.json", REFUSED },
  { "i_string_1st_surrogate_but_2nd_missing.json", REFUSED },
  { "i_string_1st_valid_surrogate_2nd_invalid.json", REFUSED },
  { "i_string_incomplete_surrogate_and_escape_valid.json", REFUSED },
  { "i_string_incomplete_surrogate_pair.json", REFUSED },
  { "i_string_incomplete_surrogates_escape_valid.json", REFUSED },
  { "i_string_invalid_lonely_surrogate.json", REFUSED },
  { "i_string_invalid_surrogate.json", REFUSED },
  { "i_string_inverted_surrogates_U+1D11E.json", REFUSED },
  { "i_string_lone_second_surrogate.json", REFUSED },
  /* Bytes that were not UTF-8 arrive as U+FFFD in a valid string. */
  { "i_string_UTF-8_invalid_sequence.json", STRING },
  { "i_string_UTF8_surrogate_U+D800.json", STRING },
  { "i_string_invalid_utf-8.json", STRING },
  { "i_string_iso_latin_1.json", STRING },
  { "i_string_lone_utf8_continuation_byte.json", STRING },
  { "i_string_not_in_unicode_range.json", STRING },
  { "i_string_overlong_sequence_2_bytes.json", STRING },
  { "i_string_overlong_sequence_6_bytes.json", STRING },
  { "i_string_overlong_sequence_6_bytes_null.json", STRING },
  { "i_string_truncated-utf-8.json", STRING },
  /* UTF-16 text has NUL bytes between the characters. */
  { "i_string_UTF-16LE_with_BOM.json", REFUSED },
  { "i_string_utf16BE_no_BOM.json", REFUSED },
  { "i_string_utf16LE_no_BOM.json", REFUSED },
  /* 500 levels are within the limit of 512. */
  { "i_structure_500_nested_arrays.json", NESTED_ARRAYS },
  /* U+FEFF is not JSON whitespace. (The SSE layer strips a BOM at the
   * start of the stream, never inside an event's data.) */
  { "i_structure_UTF-8_BOM_empty_object.json", REFUSED },
};

/* The two y_ cases with an escaped NUL: a JsonNode string cannot hold one,
 * so the reader refuses them rather than cut the string. */
static const char *const refused_by_design[] = {
  "y_object_escaped_null_in_key.json",
  "y_string_null_escape.json",
};

static gboolean
is_refused_by_design (const char *name)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (refused_by_design); i++)
    if (g_str_equal (refused_by_design[i], name))
      return TRUE;
  return FALSE;
}

static Behaviour
lookup_behaviour (const char *name)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (implementation_defined); i++)
    if (g_str_equal (implementation_defined[i].name, name))
      return implementation_defined[i].behaviour;

  g_error ("%s is not in the table of implementation-defined cases", name);
}

static char *
suite_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "json", name, NULL);
}

/* What the SSE layer can deliver: UTF-8, NUL bytes allowed. */
static gboolean
is_event_data (const char *data,
               gsize       length)
{
  const char *end = data + length;

  while (data < end)
    {
      const char *stop;

      if (g_utf8_validate (data, end - data, &stop))
        return TRUE;
      if (*stop != '\0')
        return FALSE;
      data = stop + 1;
    }
  return TRUE;
}

static void
test_suite_case (gconstpointer user_data)
{
  const char *name = user_data;
  g_autofree char *path = suite_path (name);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gsize length;
  gboolean accept;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_true (is_event_data (contents, length));

  if (name[0] == 'y')
    accept = !is_refused_by_design (name);
  else if (name[0] == 'n')
    accept = FALSE;
  else
    accept = lookup_behaviour (name) != REFUSED;

  if (!accept)
    {
      read_refused_bytes (contents, length);
      return;
    }

  node = read_bytes (contents, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  if (generator_writes_valid_json (node))
    assert_round_trip (node);

  if (name[0] != 'i')
    return;

  switch (lookup_behaviour (name))
    {
    case DOUBLE:
      assert_value_type (first_element (node), G_TYPE_DOUBLE);
      break;
    case STRING:
      assert_value_type (first_element (node), G_TYPE_STRING);
      g_assert_nonnull (strstr (json_node_get_string (first_element (node)), "\xef\xbf\xbd"));
      break;
    case NESTED_ARRAYS:
      g_assert_cmpint (JSON_NODE_TYPE (first_element (node)), ==, JSON_NODE_ARRAY);
      break;
    case REFUSED:
    default:
      g_assert_not_reached ();
    }
}

static void
test_escaped_nul_refused (void)
{
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (refused_by_design); i++)
    {
      g_autofree char *path = suite_path (refused_by_design[i]);
      g_autofree char *contents = NULL;
      g_autofree char *message = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      message = read_refused_message (contents);
      g_assert_nonnull (strstr (message, "\\u0000"));
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static GPtrArray *
list_suite (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "json", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  return names;
}

/* The data is complete, and the table names exactly the i_ cases. */
static void
test_suite_complete (void)
{
  g_autoptr(GPtrArray) names = list_suite ();
  guint counts[3] = { 0, 0, 0 };
  guint i;

  for (i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (name[0] == 'y')
        counts[0]++;
      else if (name[0] == 'n')
        counts[1]++;
      else if (name[0] == 'i')
        {
          counts[2]++;
          lookup_behaviour (name);
        }
    }

  g_assert_cmpuint (counts[0], ==, 95);
  g_assert_cmpuint (counts[1], ==, 188);
  g_assert_cmpuint (counts[2], ==, 35);
  g_assert_cmpuint (G_N_ELEMENTS (implementation_defined), ==, counts[2]);
}

/* Numbers */

static void
test_integers (void)
{
  static const struct
  {
    const char *text;
    gint64 value;
  } cases[] = {
    { "0", 0 },
    { "-0", 0 },
    { "7", 7 },
    { "-7", -7 },
    { "1234567890123", G_GINT64_CONSTANT (1234567890123) },
    { "9223372036854775807", G_MAXINT64 },
    { "-9223372036854775807", -G_MAXINT64 },
    { "-9223372036854775808", G_MININT64 },
    { "[42]", 42 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) root = read_ok (cases[i].text);
      JsonNode *node = cases[i].text[0] == '[' ? first_element (root) : root;

      assert_value_type (node, G_TYPE_INT64);
      g_assert_cmpint (json_node_get_int (node), ==, cases[i].value);
    }
}

static void
test_doubles (void)
{
  static const struct
  {
    const char *text;
    double value;
  } cases[] = {
    /* Integers outside gint64: doubles, never wrapped around. */
    { "9223372036854775808", 9223372036854775808.0 },
    { "-9223372036854775809", -9223372036854775808.0 },
    { "100000000000000000000", 1e20 },
    { "123456789012345678901234567890", 1.2345678901234568e29 },
    /* A fraction or an exponent makes a double, even when integral. */
    { "1.0", 1.0 },
    { "1e2", 100.0 },
    { "1E2", 100.0 },
    { "1e+2", 100.0 },
    { "-1E-2", -0.01 },
    { "0e0", 0.0 },
    { "0.5", 0.5 },
    { "-12.75", -12.75 },
    { "0.1", 0.1 },
    { "0.30000000000000004", 0.30000000000000004 },
    { "1.7976931348623157e308", 1.7976931348623157e308 },
    { "2.2250738585072014e-308", 2.2250738585072014e-308 },
    { "4.9406564584124654e-324", 4.9406564584124654e-324 },
    { "1e-400", 0.0 },
    { "0.000000000000000000000000000001", 1e-30 },
    { "123456789012345678.5", 123456789012345678.5 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = read_ok (cases[i].text);

      assert_value_type (node, G_TYPE_DOUBLE);
      g_assert_cmpfloat (json_node_get_double (node), ==, cases[i].value);
    }
}

static void
test_negative_zero (void)
{
  g_autoptr(JsonNode) zero = read_ok ("-0.0");
  g_autoptr(JsonNode) integer = read_ok ("-0");

  assert_value_type (zero, G_TYPE_DOUBLE);
  g_assert_true (signbit (json_node_get_double (zero)));
  assert_value_type (integer, G_TYPE_INT64);
}

/* A random number literal: up to 25 digits with a point anywhere, and an
 * exponent that is mostly small (the exact fast path) and sometimes not. */
static char *
random_number_text (GRand *rand)
{
  GString *text = g_string_new (NULL);
  int digits = g_rand_int_range (rand, 1, 26);
  int point = g_rand_int_range (rand, 1, digits + 1);
  int i;

  if (g_rand_boolean (rand))
    g_string_append_c (text, '-');
  for (i = 0; i < digits; i++)
    {
      if (i == point)
        g_string_append_c (text, '.');
      if (i == 0 && digits > 1 && point > 1)
        g_string_append_c (text, (char) ('1' + g_rand_int_range (rand, 0, 9)));
      else
        g_string_append_c (text, (char) ('0' + g_rand_int_range (rand, 0, 10)));
    }
  if (point == digits && g_rand_boolean (rand))
    g_string_append (text, ".0");
  switch (g_rand_int_range (rand, 0, 3))
    {
    case 0:
      break;
    case 1:
      g_string_append_printf (text, "e%d", g_rand_int_range (rand, -30, 31));
      break;
    default:
      g_string_append_printf (text, "E%+d", g_rand_int_range (rand, -330, 300));
      break;
    }

  return g_string_free (text, FALSE);
}

/* Whatever path the reader takes, a double is what g_ascii_strtod()
 * gives: correctly rounded. */
static void
test_doubles_correctly_rounded (void)
{
  g_autoptr(GRand) rand = test_rand_new ();
  guint i;

  for (i = 0; i < 50000; i++)
    {
      g_autofree char *text = random_number_text (rand);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = read_bytes (text, strlen (text), &error);
      double expected = g_ascii_strtod (text, NULL);
      double value;

      if (isinf (expected))
        {
          g_assert_error (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE);
          continue;
        }

      g_assert_no_error (error);
      if (value_type (node) == G_TYPE_INT64)
        {
          g_assert_null (strpbrk (text, ".eE"));
          g_assert_cmpint (json_node_get_int (node), ==, g_ascii_strtoll (text, NULL, 10));
          continue;
        }

      value = json_node_get_double (node);
      if (memcmp (&value, &expected, sizeof value) != 0)
        g_error ("%s: read %.17g, expected %.17g", text, value, expected);
    }
}

static void
test_number_grammar (void)
{
  static const struct
  {
    const char *text;
    gsize offset;
  } cases[] = {
    { "01", 1 },
    { "-01", 2 },
    { "00", 1 },
    { "[017]", 2 },
    { "+1", 0 },
    { "-", 1 },
    { "- 1", 1 },
    { "1.", 2 },
    { ".5", 0 },
    { "1.e5", 2 },
    { "1e", 2 },
    { "1e+", 3 },
    { "1E-", 3 },
    { "1e+-2", 3 },
    { "0x10", 1 },
    { "1_000", 1 },
    { "NaN", 0 },
    { "Infinity", 0 },
    { "-Infinity", 1 },
    { "1e309", 0 },
    { "[-1e400]", 1 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpuint (read_refused (cases[i].text), ==, cases[i].offset);
}

/* Strings */

static void
test_escapes (void)
{
  static const struct
  {
    const char *text;
    const char *value;
  } cases[] = {
    { "\"\"", "" },
    { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t" },
    { "\"a\\u0041b\"", "aAb" },
    { "\"\\u00e9\\u00E9\"", "\xc3\xa9\xc3\xa9" },
    { "\"\\u20ac\"", "\xe2\x82\xac" },
    { "\"\\u0001\\u001f\\u007f\"", "\x01\x1f\x7f" },
    { "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80" },
    { "\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf" },
    { "\"\\uffff\"", "\xef\xbf\xbf" },
    { "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
    { "\"\x7f\"", "\x7f" },
    { "\"x\\n\\u00e9\\ud83d\\ude00y\\\\\"", "x\n\xc3\xa9\xf0\x9f\x98\x80y\\" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = read_ok (cases[i].text);

      assert_value_type (node, G_TYPE_STRING);
      g_assert_cmpstr (json_node_get_string (node), ==, cases[i].value);
    }
}

static void
test_escape_errors (void)
{
  static const struct
  {
    const char *text;
    gsize offset;
  } cases[] = {
    { "\"\\x\"", 1 },
    { "\"\\'\"", 1 },
    { "\"\\U0041\"", 1 },
    { "\"\\u\"", 1 },
    { "\"\\u12\"", 1 },
    { "\"\\u12G4\"", 1 },
    { "\"\\u00\"", 1 },
    { "\"ab\\", 3 },
    { "\"ab\\u", 3 },
    { "\"ab\\u00e", 3 },
    { "\"\\ud800\"", 1 },
    { "\"\\ud800x\"", 1 },
    { "\"\\ud800\\n\"", 1 },
    { "\"\\ud800\\u0041\"", 1 },
    { "\"\\ud800\\ud800\"", 1 },
    { "\"\\udc00\"", 1 },
    { "\"abc\\ude00\\ud83d\"", 4 },
    { "\"\\u0000\"", 1 },
    { "\"a\\u0000b\"", 2 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpuint (read_refused (cases[i].text), ==, cases[i].offset);
}

static void
test_control_characters (void)
{
  int c;

  for (c = 0x00; c < 0x20; c++)
    {
      char text[] = { '"', 'a', (char) c, 'b', '"' };

      g_assert_cmpuint (read_refused_bytes (text, sizeof text), ==, 2);
    }
}

/* Strings of every length up to 80 with a special byte at every position:
 * the block-wise scan must stop exactly there. */
static void
test_string_scan_boundaries (void)
{
  gsize length, at;

  for (length = 0; length <= 80; length++)
    {
      g_autoptr(GString) plain = g_string_new ("\"");
      g_autoptr(JsonNode) node = NULL;

      for (at = 0; at < length; at++)
        g_string_append_c (plain, (char) ('a' + at % 26));
      g_string_append_c (plain, '"');
      node = read_ok (plain->str);
      g_assert_cmpuint (strlen (json_node_get_string (node)), ==, length);

      for (at = 0; at < length; at++)
        {
          g_autoptr(GString) text = g_string_new_len (plain->str, plain->len);
          g_autoptr(JsonNode) escaped = NULL;

          text->str[1 + at] = '\t';
          g_assert_cmpuint (read_refused (text->str), ==, 1 + at);

          /* A quote ends the string; what follows is not the end. */
          text->str[1 + at] = '"';
          g_assert_cmpuint (read_refused (text->str), ==, 2 + at);

          g_string_insert_c (text, 1 + at, '\\');
          text->str[2 + at] = 'n';
          escaped = read_ok (text->str);
          g_assert_cmpuint (strlen (json_node_get_string (escaped)), ==, length);
          g_assert_cmpint (json_node_get_string (escaped)[at], ==, '\n');
        }
    }
}

static void
test_unterminated_string (void)
{
  g_assert_cmpuint (read_refused ("\""), ==, 1);
  g_assert_cmpuint (read_refused ("\"abcdefghijklmnopqrstuvwxyz0123456789"), ==, 37);
  g_assert_cmpuint (read_refused ("{\"a"), ==, 3);
}

/* Structure */

static GString *
nested_arrays (guint depth)
{
  GString *text = g_string_new (NULL);
  guint i;

  for (i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  return text;
}

static void
test_depth_limit (void)
{
  g_autoptr(GString) deepest = nested_arrays (MCP_SSE_JSON_READER_MAX_DEPTH);
  g_autoptr(GString) too_deep = nested_arrays (MCP_SSE_JSON_READER_MAX_DEPTH + 1);
  g_autoptr(GString) objects = g_string_new (NULL);
  g_autoptr(JsonNode) node = read_ok (deepest->str);
  g_autofree char *message = read_refused_message (too_deep->str);
  JsonNode *inner = node;
  guint depth = 0;
  guint i;

  while (JSON_NODE_HOLDS_ARRAY (inner))
    {
      depth++;
      if (json_array_get_length (json_node_get_array (inner)) == 0)
        break;
      inner = first_element (inner);
    }
  g_assert_cmpuint (depth, ==, MCP_SSE_JSON_READER_MAX_DEPTH);
  g_assert_nonnull (strstr (message, "512"));
  g_assert_cmpuint (read_refused (too_deep->str), ==, MCP_SSE_JSON_READER_MAX_DEPTH);

  /* Objects count the same. */
  for (i = 0; i <= MCP_SSE_JSON_READER_MAX_DEPTH; i++)
    g_string_append (objects, "{\"a\":");
  g_assert_cmpuint (read_refused (objects->str), ==, objects->len - 5);
}

/* Far too deep input is refused at the limit, without recursion. */
static void
test_deep_input_refused_early (void)
{
  gsize length = 1000000;
  g_autofree char *open = g_malloc (length);
  g_autoptr(GString) mixed = g_string_new (NULL);
  guint i;

  memset (open, '[', length);
  g_assert_cmpuint (read_refused_bytes (open, length), ==, MCP_SSE_JSON_READER_MAX_DEPTH);

  for (i = 0; i < 100000; i++)
    g_string_append (mixed, "[{\"\":");
  g_assert_cmpuint (read_refused (mixed->str), ==, 1280);
}

static void
test_whitespace (void)
{
  g_autoptr(JsonNode) spaced = read_ok (" \t\r\n{ \"a\" \n: [ 1 ,\t2 ] , \"b\":{ } }\r\n ");
  g_autoptr(JsonNode) compact = read_ok ("{\"a\":[1,2],\"b\":{}}");

  test_assert_same_json (spaced, compact);

  /* Only these four: no form feed, vertical tab, NBSP or BOM. */
  g_assert_cmpuint (read_refused ("\f1"), ==, 0);
  g_assert_cmpuint (read_refused ("1\v"), ==, 1);
  g_assert_cmpuint (read_refused ("\xc2\xa0" "1"), ==, 0);
  g_assert_cmpuint (read_refused ("\xef\xbb\xbf{}"), ==, 0);
}

static void
test_empty (void)
{
  g_assert_cmpuint (read_refused_bytes ("", 0), ==, 0);
  g_assert_cmpuint (read_refused (" \n\t "), ==, 4);
}

static void
test_literals (void)
{
  g_autoptr(JsonNode) yes = read_ok ("true");
  g_autoptr(JsonNode) no = read_ok ("false");
  g_autoptr(JsonNode) null = read_ok ("null");

  assert_value_type (yes, G_TYPE_BOOLEAN);
  g_assert_true (json_node_get_boolean (yes));
  g_assert_false (json_node_get_boolean (no));
  g_assert_true (JSON_NODE_HOLDS_NULL (null));

  g_assert_cmpuint (read_refused ("tru"), ==, 0);
  g_assert_cmpuint (read_refused ("True"), ==, 0);
  g_assert_cmpuint (read_refused ("nul"), ==, 0);
  g_assert_cmpuint (read_refused ("[nulL]"), ==, 1);
  g_assert_cmpuint (read_refused ("truex"), ==, 4);
  g_assert_cmpuint (read_refused ("null1"), ==, 4);
  g_assert_cmpuint (read_refused ("undefined"), ==, 0);
}

/* The text need not end with a NUL, and any NUL in it is refused. */
static void
test_lengths_and_nul_bytes (void)
{
  static const char text[] = "[1,2]XYZ\0[3]";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = read_bytes ("123456", 3, &error);
  g_autoptr(JsonNode) array = read_bytes (text, 5, &error);

  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (node), ==, 123);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (array)), ==, 2);

  g_assert_cmpuint (read_refused_bytes (text, 6), ==, 5);
  g_assert_cmpuint (read_refused_bytes ("[1]\0", 4), ==, 3);
  g_assert_cmpuint (read_refused_bytes ("\0[1]", 4), ==, 0);
  g_assert_cmpuint (read_refused_bytes ("[1,\0]", 5), ==, 3);
  g_assert_cmpuint (read_refused_bytes ("\"a\0b\"", 5), ==, 2);
  g_assert_cmpuint (read_refused_bytes ("{\"a\0\":1}", 8), ==, 3);
}

static void
test_structure_errors (void)
{
  static const struct
  {
    const char *text;
    gsize offset;
  } cases[] = {
    { "[", 1 },
    { "]", 0 },
    { "[1", 2 },
    { "[1,", 3 },
    { "[1,]", 3 },
    { "[,1]", 1 },
    { "[1 2]", 3 },
    { "[1;2]", 2 },
    { "[1}", 2 },
    { "{", 1 },
    { "{]", 1 },
    { "{\"a\"}", 4 },
    { "{\"a\":}", 5 },
    { "{\"a\":1,}", 7 },
    { "{\"a\" 1}", 5 },
    { "{\"a\"::1}", 5 },
    { "{a:1}", 1 },
    { "{'a':1}", 1 },
    { "{1:1}", 1 },
    { "{\"a\":1 \"b\":2}", 7 },
    { "{\"a\":1]", 6 },
    { "['x']", 1 },
    { "{} {}", 3 },
    { "[] []", 3 },
    { "1 2", 2 },
    { "\"a\" \"b\"", 4 },
    { "[1]]", 3 },
    { "[1],", 3 },
    { "/* comment */ 1", 0 },
    { "1 /* comment */", 2 },
    { "// comment\n1", 0 },
    { "# comment\n1", 0 },
    { "[1, // comment\n2]", 4 },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpuint (read_refused (cases[i].text), ==, cases[i].offset);
}

/* The messages name the offset and the reason. */
static void
test_error_messages (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "", "Invalid JSON at byte 0: unexpected end of data, expected a value" },
    { "[1,]", "Invalid JSON at byte 3: unexpected ']', expected a value" },
    { "{} {}", "Invalid JSON at byte 3: unexpected '{', expected the end of the data after the value" },
    { "[017]", "Invalid JSON at byte 2: leading zeros are not allowed" },
    { "\"a\tb\"", "Invalid JSON at byte 2: control character U+0009 in a string" },
    { "\"a\\u0000b\"", "Invalid JSON at byte 2: \\u0000 is not supported in strings" },
    { "[\"\\ud800\"]", "Invalid JSON at byte 2: lone high surrogate \\ud800" },
    { "[\"\\udc00\"]", "Invalid JSON at byte 2: lone low surrogate \\udc00" },
    { "\"\\q\"", "Invalid JSON at byte 1: invalid escape" },
    { "1e999", "Invalid JSON at byte 0: number out of range" },
    { "{\"a\" 1}", "Invalid JSON at byte 5: unexpected '1', expected ':'" },
    { "[1 2]", "Invalid JSON at byte 3: unexpected '2', expected ',' or ']'" },
    { "{\"a\":1 2}", "Invalid JSON at byte 7: unexpected '2', expected ',' or '}'" },
    { "{1}", "Invalid JSON at byte 1: unexpected '1', expected a member name" },
    { "[\x01]", "Invalid JSON at byte 1: unexpected byte 0x01, expected a value" },
    { "nul", "Invalid JSON at byte 0: invalid literal, expected 'null'" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = read_refused_message (cases[i].text);

      g_assert_cmpstr (message, ==, cases[i].message);
    }
}

/* Of repeated member names the last wins, as in JsonParser. */
static void
test_duplicate_members (void)
{
  g_autoptr(JsonNode) node = read_ok ("{\"a\":1,\"b\":2,\"a\":[3],\"a\":\"x\"}");
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GList) names = json_object_get_members (object);

  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (object, "a"), ==, "x");
  g_assert_cmpint (json_object_get_int_member (object, "b"), ==, 2);
  g_assert_cmpuint (g_list_length (names), ==, 2);
}

static void
assert_same_member_order (JsonNode *a,
                          JsonNode *b)
{
  g_autoptr(GList) names_a = json_object_get_members (json_node_get_object (a));
  g_autoptr(GList) names_b = json_object_get_members (json_node_get_object (b));
  GList *la, *lb;

  for (la = names_a, lb = names_b; la != NULL && lb != NULL; la = la->next, lb = lb->next)
    g_assert_cmpstr (la->data, ==, lb->data);
  g_assert_null (la);
  g_assert_null (lb);
}

/* In a large object, repeats are kept aside and put in place at its end
 * (see the reader): the result is what JsonParser builds. */
static void
test_duplicate_members_large_object (void)
{
  g_autoptr(GString) text = g_string_new ("{");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  guint i;

  for (i = 0; i < 40; i++)
    g_string_append_printf (text, "\"k%u\":%u,", i, i);
  g_string_append (text, "\"k3\":\"three\",\"k39\":[1,{\"k39\":2}],\"k0\":{\"a\":[]},"
                         "\"new\":1,\"k3\":3.5,\"new\":2}");

  node = read_ok (text->str);
  object = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (object), ==, 41);
  g_assert_cmpfloat (json_object_get_double_member (object, "k3"), ==, 3.5);
  g_assert_cmpint (json_object_get_int_member (object, "new"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "k38"), ==, 38);
  g_assert_true (json_node_get_parent (json_object_get_member (object, "k0")) == node);
  g_assert_true (json_node_get_parent (json_object_get_member (object, "k1")) == node);

  g_assert_true (json_parser_load_from_data (parser, text->str, -1, &error));
  g_assert_no_error (error);
  test_assert_same_json (node, json_parser_get_root (parser));
  assert_same_member_order (node, json_parser_get_root (parser));

  /* An error after repeats, and inside a repeated value, frees them. */
  text->str[text->len - 1] = ',';
  g_assert_cmpuint (read_refused (text->str), ==, text->len);
  g_string_append (text, "\"k5\":[{\"x\":");
  g_assert_cmpuint (read_refused (text->str), ==, text->len);
}

/* Member names and order, the empty name, and escaped names. */
static void
test_members (void)
{
  g_autoptr(JsonNode) node = read_ok ("{\"z\":1,\"\":2,\"a\\nb\":3,\"\\u00e9\":4}");
  JsonObject *object = json_node_get_object (node);
  g_autoptr(GList) names = json_object_get_members (object);

  g_assert_cmpuint (g_list_length (names), ==, 4);
  g_assert_cmpstr (g_list_nth_data (names, 0), ==, "z");
  g_assert_cmpstr (g_list_nth_data (names, 1), ==, "");
  g_assert_cmpstr (g_list_nth_data (names, 2), ==, "a\nb");
  g_assert_cmpstr (g_list_nth_data (names, 3), ==, "\xc3\xa9");
  g_assert_cmpint (json_object_get_int_member (object, ""), ==, 2);
}

/* Every node knows its parent, as with JsonParser; the tree is not sealed,
 * so a handler may take parts of it without copies. */
static void
test_parents (void)
{
  g_autoptr(JsonNode) node = read_ok ("{\"a\":[1,{\"b\":null}]}");
  JsonNode *array = json_object_get_member (json_node_get_object (node), "a");
  JsonNode *object = json_array_get_element (json_node_get_array (array), 1);
  JsonNode *null = json_object_get_member (json_node_get_object (object), "b");

  g_assert_null (json_node_get_parent (node));
  g_assert_true (json_node_get_parent (array) == node);
  g_assert_true (json_node_get_parent (first_element (array)) == array);
  g_assert_true (json_node_get_parent (object) == array);
  g_assert_true (json_node_get_parent (null) == object);
  g_assert_false (json_node_is_immutable (node));
}

/* What JsonParser of json-glib 1.6 accepts and the reader does not. */
static void
test_lax_inputs_refused (void)
{
  static const char *const cases[] = {
    "{} {}",
    "[017]",
    "[0x1f]",
    "[+1]",
    "[.5]",
    "/* comment */ {}",
    "{} // comment",
    "[1, 2,]",
    "{\"a\": 1,}",
    "'x'",
    "[x]",
    "{a: 1}",
    "[\"a\tb\"]",
    "[\"a\nb\"]",
    "\"a\\u0000b\"",
    "[NaN]",
    "[Infinity]",
    "[true false]",
    "",
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    read_refused (cases[i]);
}

/* JsonParser wraps 9223372036854775808 around to a negative integer. */
static void
test_big_integer_not_wrapped (void)
{
  g_autoptr(JsonNode) node = read_ok ("{\"id\":9223372036854775808}");
  JsonNode *id = json_object_get_member (json_node_get_object (node), "id");

  assert_value_type (id, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_node_get_double (id), ==, 9223372036854775808.0);
}

/* JSON-RPC ids keep their JSON type. */
static void
test_id_types (void)
{
  static const struct
  {
    const char *text;
    const char *type;
  } cases[] = {
    { "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", "gint64" },
    { "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":{}}", "gchararray" },
    { "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":{}}", "gdouble" },
    { "{\"jsonrpc\":\"2.0\",\"id\":1.0,\"result\":{}}", "gdouble" },
    { "{\"jsonrpc\":\"2.0\",\"id\":-7,\"result\":{}}", "gint64" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = read_ok (cases[i].text);
      JsonNode *id = json_object_get_member (json_node_get_object (node), "id");

      g_assert_cmpstr (g_type_name (value_type (id)), ==, cases[i].type);
    }
}

/* Differential test against JsonParser */

static void
test_differential (void)
{
  g_autoptr(GRand) rand = test_rand_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  guint i;

  for (i = 0; i < 3000; i++)
    {
      g_autoptr(JsonNode) original = test_random_json (rand, g_rand_int_range (rand, 0, 3) == 0 ? 0 : 6,
                                                        TEST_JSON_GENERATOR_SAFE);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) ours = NULL;
      g_autofree char *text = NULL;
      gsize length;

      json_generator_set_pretty (generator, g_rand_boolean (rand));
      json_generator_set_indent (generator, g_rand_int_range (rand, 0, 3));
      json_generator_set_indent_char (generator, g_rand_boolean (rand) ? ' ' : '\t');
      json_generator_set_root (generator, original);
      text = json_generator_to_data (generator, &length);

      ours = read_bytes (text, length, &error);
      g_assert_no_error (error);
      g_assert_true (json_parser_load_from_data (parser, text, (gssize) length, &error));
      g_assert_no_error (error);

      test_assert_same_json (ours, json_parser_get_root (parser));
      test_assert_same_json (ours, original);
    }
}

static void
add_suite_cases (void)
{
  g_autoptr(GPtrArray) names = list_suite ();
  guint i;

  for (i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_strconcat ("/json-reader/suite/", name, NULL);

      g_test_add_data_func_full (path, g_strdup (name), test_suite_case, g_free);
    }
}

int
main (int    argc,
      char **argv)
{
  test_init (&argc, &argv);

  g_test_add_func ("/json-reader/suite/complete", test_suite_complete);
  g_test_add_func ("/json-reader/suite/escaped-nul-refused", test_escaped_nul_refused);
  add_suite_cases ();

  g_test_add_func ("/json-reader/numbers/integers", test_integers);
  g_test_add_func ("/json-reader/numbers/doubles", test_doubles);
  g_test_add_func ("/json-reader/numbers/negative-zero", test_negative_zero);
  g_test_add_func ("/json-reader/numbers/correctly-rounded", test_doubles_correctly_rounded);
  g_test_add_func ("/json-reader/numbers/grammar", test_number_grammar);
  g_test_add_func ("/json-reader/strings/escapes", test_escapes);
  g_test_add_func ("/json-reader/strings/escape-errors", test_escape_errors);
  g_test_add_func ("/json-reader/strings/control-characters", test_control_characters);
  g_test_add_func ("/json-reader/strings/scan-boundaries", test_string_scan_boundaries);
  g_test_add_func ("/json-reader/strings/unterminated", test_unterminated_string);
  g_test_add_func ("/json-reader/structure/depth-limit", test_depth_limit);
  g_test_add_func ("/json-reader/structure/deep-input-refused-early", test_deep_input_refused_early);
  g_test_add_func ("/json-reader/structure/whitespace", test_whitespace);
  g_test_add_func ("/json-reader/structure/empty", test_empty);
  g_test_add_func ("/json-reader/structure/literals", test_literals);
  g_test_add_func ("/json-reader/structure/lengths-and-nul-bytes", test_lengths_and_nul_bytes);
  g_test_add_func ("/json-reader/structure/errors", test_structure_errors);
  g_test_add_func ("/json-reader/structure/duplicate-members", test_duplicate_members);
  g_test_add_func ("/json-reader/structure/duplicate-members-large-object", test_duplicate_members_large_object);
  g_test_add_func ("/json-reader/structure/members", test_members);
  g_test_add_func ("/json-reader/structure/parents", test_parents);
  g_test_add_func ("/json-reader/errors/messages", test_error_messages);
  g_test_add_func ("/json-reader/messages/lax-inputs-refused", test_lax_inputs_refused);
  g_test_add_func ("/json-reader/messages/big-integer-not-wrapped", test_big_integer_not_wrapped);
  g_test_add_func ("/json-reader/messages/id-types", test_id_types);
  g_test_add_func ("/json-reader/differential/json-parser", test_differential);

  return g_test_run ();
}
