/* fuzz-json-reader.c: a libFuzzer target for the JSON reader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is one event's data, read as it is: the reader must neither
 * crash nor leak on any bytes, even outside its contract (valid UTF-8).
 * A refusal must be INVALID_MESSAGE naming an offset within the input. An
 * accepted input must hold no NUL byte, and when it is UTF-8, the tree must
 * survive a round trip: written by JsonGenerator (compact and pretty) and
 * read again, it must be the same tree, node types, value types and double
 * bits included. json-glib 1.6's generator writes two things that are not
 * JSON (a double like 1e22 as "1e+22.0", U+001F raw); trees holding one
 * skip the round trip.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse/mcp-sse-json-reader-private.h"

int LLVMFuzzerTestOneInput (const guint8 *input,
                            size_t        size);

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  abort ();
}

#define CHECK(condition) \
  G_STMT_START { \
    if (!(condition)) \
      fail ("%s:%d: check failed: %s", __FILE__, __LINE__, #condition); \
  } G_STMT_END

static gboolean
generator_writes_valid_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (buffer, sizeof buffer, value);
  return strchr (buffer, 'e') == NULL || strchr (buffer, '.') != NULL;
}

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
        return generator_writes_valid_double (json_node_get_double (node));
      return TRUE;
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/* json_node_equal(), plus what it does not compare: value types (it takes
 * 1 and 1.0 as equal) and the sign of zero. */
static gboolean
same_tree (JsonNode *a,
           JsonNode *b)
{
  if (!json_node_equal (a, b) || JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object_b = json_node_get_object (b);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (a));
        while (json_object_iter_next (&iter, &name, &member))
          if (!same_tree (member, json_object_get_member (object_b, name)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array_a = json_node_get_array (a);
        JsonArray *array_b = json_node_get_array (b);
        guint i;

        for (i = 0; i < json_array_get_length (array_a); i++)
          if (!same_tree (json_array_get_element (array_a, i),
                          json_array_get_element (array_b, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (a) != json_node_get_value_type (b))
        return FALSE;
      if (json_node_get_value_type (a) == G_TYPE_DOUBLE)
        {
          double da = json_node_get_double (a);
          double db = json_node_get_double (b);

          return memcmp (&da, &db, sizeof da) == 0;
        }
      return TRUE;
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

static void
check_refusal (const GError *error,
               size_t        size)
{
  unsigned long long offset;
  int consumed = 0;

  CHECK (error != NULL);
  CHECK (g_error_matches (error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE));
  CHECK (sscanf (error->message, "Invalid JSON at byte %llu: %n", &offset, &consumed) == 1);
  CHECK (consumed > 0 && error->message[consumed] != '\0');
  CHECK (offset <= size);
}

static void
check_reads_back (JsonNode *node,
                  gboolean  pretty)
{
  g_autofree char *text = json_to_string (node, pretty);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) again = mcp_sse_json_reader_read (text, strlen (text), &error);

  if (again == NULL)
    fail ("The reader refused what JsonGenerator wrote: %s\n%s", error->message, text);
  if (!same_tree (node, again))
    fail ("A different tree after a round trip through:\n%s", text);
}

int
LLVMFuzzerTestOneInput (const guint8 *input,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = mcp_sse_json_reader_read ((const char *) input, size, &error);
  if (node == NULL)
    {
      check_refusal (error, size);
      return 0;
    }

  CHECK (error == NULL);
  CHECK (size == 0 || memchr (input, '\0', size) == NULL);

  if (g_utf8_validate_len ((const char *) input, size, NULL) &&
      generator_writes_valid_json (node))
    {
      check_reads_back (node, FALSE);
      check_reads_back (node, TRUE);
    }

  return 0;
}
