/* mcp-sse-test-json.c: random JSON trees, and comparing trees
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <float.h>
#include <math.h>
#include <string.h>

#include "mcp-sse-test-utils.h"

/* Nesting below this depth holds scalars only. */
#define TEST_JSON_CONTAINER_DEPTH 6

GRand *
test_rand_new (void)
{
  guint32 seed = (guint32) g_test_rand_int ();

  g_test_message ("random data from seed %" G_GUINT32_FORMAT, seed);
  return g_rand_new_with_seed (seed);
}

/* JsonGenerator of json-glib 1.6 writes a double whose shortest form has an
 * exponent but no point, 1e22 for one, as "1e+22.0". */
gboolean
test_json_generator_writes_valid_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (buffer, sizeof buffer, value);
  return strchr (buffer, 'e') == NULL || strchr (buffer, '.') != NULL;
}

static guint64
random_bits (GRand *rand)
{
  return (guint64) g_rand_int (rand) << 32 | g_rand_int (rand);
}

static void
append_random_character (GString       *text,
                         GRand         *rand,
                         TestJsonFlags  flags)
{
  static const gunichar specials[] = {
    '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0x01, 0x1e, 0x1f, 0x7f,
    0xe9, 0x20ac, 0x2028, 0x2029, 0xfeff, 0xfffd, 0xffff, 0x1f600, 0x10ffff,
  };
  gunichar c;

  do
    {
      switch (g_rand_int_range (rand, 0, 5))
        {
        case 0:
          c = specials[g_rand_int_range (rand, 0, G_N_ELEMENTS (specials))];
          break;
        case 1:
          c = g_rand_int_range (rand, 0x01, 0x20);
          break;
        case 2:
          do
            c = g_rand_int_range (rand, 0x80, 0x110000);
          while (c >= 0xd800 && c <= 0xdfff);
          break;
        default:
          c = g_rand_int_range (rand, 0x20, 0x7f);
          break;
        }
    }
  while (c == 0x1f && (flags & TEST_JSON_GENERATOR_SAFE));

  g_string_append_unichar (text, c);
}

/* Mostly short, sometimes up to 300 characters: quotes, escapes, control
 * characters, non-ASCII up to U+10FFFF, never a surrogate or NUL. */
char *
test_random_string (GRand         *rand,
                    TestJsonFlags  flags)
{
  GString *text = g_string_new (NULL);
  int length = g_rand_int_range (rand, 0, 10) == 0 ? g_rand_int_range (rand, 0, 300)
                                                   : g_rand_int_range (rand, 0, 12);
  int i;

  for (i = 0; i < length; i++)
    append_random_character (text, rand, flags);
  return g_string_free (text, FALSE);
}

/* Edges of gint64 and gint32, any 64 bits, or small numbers. */
gint64
test_random_int (GRand *rand)
{
  static const gint64 edges[] = { 0, 1, -1, G_MAXINT64, G_MININT64, G_MAXINT32, G_MININT32 };

  switch (g_rand_int_range (rand, 0, 4))
    {
    case 0:
      return edges[g_rand_int_range (rand, 0, G_N_ELEMENTS (edges))];
    case 1:
      return (gint64) random_bits (rand);
    default:
      return g_rand_int_range (rand, -100000, 100000);
    }
}

/* Any double, finite or not, with a bias to those whose text is short or
 * has an exponent, or that are integral. */
static double
random_double_any (GRand *rand)
{
  static const double edges[] = {
    0.0, -0.0, 1.0, 1e22, 1e21, 1e16, 5e-324, DBL_MIN, DBL_MAX, -DBL_MAX,
  };
  guint64 bits;
  double value;

  switch (g_rand_int_range (rand, 0, 7))
    {
    case 0:
      bits = random_bits (rand);
      memcpy (&value, &bits, sizeof value);
      return value;
    case 1:
      return g_rand_int_range (rand, -1000, 1000) / 8.0;
    case 2:
      return g_rand_int_range (rand, -100000, 100000) / 1000.0;
    case 3:
      return ldexp (g_rand_double (rand), g_rand_int_range (rand, -1074, 1000));
    case 4:
      return edges[g_rand_int_range (rand, 0, G_N_ELEMENTS (edges))];
    case 5:
      return pow (10, g_rand_int_range (rand, -320, 309)) * g_rand_int_range (rand, 1, 10);
    default:
      return g_rand_double_range (rand, -1e6, 1e6);
    }
}

/* A finite double. */
double
test_random_double (GRand         *rand,
                    TestJsonFlags  flags)
{
  double value;

  do
    value = random_double_any (rand);
  while (!isfinite (value) ||
         ((flags & TEST_JSON_GENERATOR_SAFE) && !test_json_generator_writes_valid_double (value)));

  return value;
}

static JsonNode *
random_node (GRand         *rand,
             guint          depth,
             TestJsonFlags  flags)
{
  JsonNode *node = json_node_alloc ();
  int kinds = depth < TEST_JSON_CONTAINER_DEPTH ? 10 : 7;

  switch (g_rand_int_range (rand, 0, kinds))
    {
    case 0:
      return json_node_init_null (node);
    case 1:
      return json_node_init_boolean (node, g_rand_boolean (rand));
    case 2:
      return json_node_init_int (node, test_random_int (rand));
    case 3:
      return json_node_init_double (node, test_random_double (rand, flags));
    case 4:
    case 5:
    case 6:
      {
        g_autofree char *string = test_random_string (rand, flags);

        return json_node_init_string (node, string);
      }
    case 7:
      {
        JsonArray *array = json_array_new ();
        int n = g_rand_int_range (rand, 0, 6);

        while (n-- > 0)
          json_array_add_element (array, random_node (rand, depth + 1, flags));
        json_node_init_array (node, array);
        json_array_unref (array);
        return node;
      }
    default:
      {
        JsonObject *object = json_object_new ();
        int n = g_rand_int_range (rand, 0, 6);

        while (n-- > 0)
          {
            g_autofree char *name = test_random_string (rand, flags);

            json_object_set_member (object, name, random_node (rand, depth + 1, flags));
          }
        json_node_init_object (node, object);
        json_object_unref (object);
        return node;
      }
    }
}

/* A random tree: a scalar, or arrays and objects nested up to @max_depth
 * (at most 6) levels; names and strings from test_random_string(). */
JsonNode *
test_random_json (GRand         *rand,
                  guint          max_depth,
                  TestJsonFlags  flags)
{
  g_return_val_if_fail (max_depth <= TEST_JSON_CONTAINER_DEPTH, NULL);

  return random_node (rand, TEST_JSON_CONTAINER_DEPTH - max_depth, flags);
}

/* Asserts that @a and @b are the same tree: json_node_equal(), and also
 * the same value types (json_node_equal() takes 1 and 1.0 as equal), the
 * same double bits (it takes 0.0 and -0.0 as equal), the same member order
 * and the same array lengths. */
void
test_assert_same_json (JsonNode *a,
                       JsonNode *b)
{
  g_assert_true (json_node_equal (a, b));
  g_assert_cmpint (JSON_NODE_TYPE (a), ==, JSON_NODE_TYPE (b));

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter_a;
        JsonObjectIter iter_b;
        const char *name_a;
        const char *name_b;
        JsonNode *member_a;
        JsonNode *member_b;

        json_object_iter_init_ordered (&iter_a, json_node_get_object (a));
        json_object_iter_init_ordered (&iter_b, json_node_get_object (b));
        while (json_object_iter_next_ordered (&iter_a, &name_a, &member_a))
          {
            g_assert_true (json_object_iter_next_ordered (&iter_b, &name_b, &member_b));
            g_assert_cmpstr (name_a, ==, name_b);
            test_assert_same_json (member_a, member_b);
          }
        g_assert_false (json_object_iter_next_ordered (&iter_b, &name_b, &member_b));
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array_a = json_node_get_array (a);
        JsonArray *array_b = json_node_get_array (b);
        guint i;

        g_assert_cmpuint (json_array_get_length (array_a), ==, json_array_get_length (array_b));
        for (i = 0; i < json_array_get_length (array_a); i++)
          test_assert_same_json (json_array_get_element (array_a, i),
                                 json_array_get_element (array_b, i));
      }
      break;

    case JSON_NODE_VALUE:
      g_assert_cmpstr (g_type_name (json_node_get_value_type (a)), ==,
                       g_type_name (json_node_get_value_type (b)));
      if (json_node_get_value_type (a) == G_TYPE_DOUBLE)
        {
          double da = json_node_get_double (a);
          double db = json_node_get_double (b);

          g_assert_cmpmem (&da, sizeof da, &db, sizeof db);
        }
      break;

    case JSON_NODE_NULL:
      break;

    default:
      g_assert_not_reached ();
    }
}
