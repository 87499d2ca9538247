/* fuzz-json-reader.c: a libFuzzer target for the JSON reader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is one event's data, read as it is: the reader must neither
 * crash nor leak on any bytes, even outside its contract (valid UTF-8).
 * A refusal must be INVALID_MESSAGE naming an offset within the input. An
 * accepted input must hold no NUL byte, and its tree must survive a round
 * trip through the library's JSON writer: written compact and pretty, the
 * text is UTF-8 that the reader accepts. When the input is UTF-8, what is
 * read back is the same tree, node types, value types, member order and
 * double bits included. (The writer turns bytes that are not UTF-8 into
 * U+FFFD, so names that differ only there may come back as one member.)
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mcp-sse/mcp-sse.h>

#include "mcp-sse-json-reader-private.h"
#include "mcp-sse-json-writer-private.h"

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

/* json_node_equal(), plus what it does not compare: value types (it takes
 * 1 and 1.0 as equal), the sign of zero and member order. */
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
        JsonObjectIter iter_a;
        JsonObjectIter iter_b;
        const char *name_a;
        const char *name_b;
        JsonNode *member_a;
        JsonNode *member_b;

        json_object_iter_init_ordered (&iter_a, json_node_get_object (a));
        json_object_iter_init_ordered (&iter_b, json_node_get_object (b));
        while (json_object_iter_next_ordered (&iter_a, &name_a, &member_a))
          if (!json_object_iter_next_ordered (&iter_b, &name_b, &member_b) ||
              strcmp (name_a, name_b) != 0 || !same_tree (member_a, member_b))
            return FALSE;
        return !json_object_iter_next_ordered (&iter_b, &name_b, &member_b);
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array_a = json_node_get_array (a);
        JsonArray *array_b = json_node_get_array (b);
        guint i;

        if (json_array_get_length (array_a) != json_array_get_length (array_b))
          return FALSE;
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

static char *
write_text (JsonNode *node,
            gboolean  pretty)
{
  GString *text = g_string_new (NULL);

  mcp_sse_json_writer_append (text, node, pretty);
  return g_string_free (text, FALSE);
}

static void
check_reads_back (JsonNode *node,
                  gboolean  same,
                  gboolean  pretty)
{
  g_autofree char *text = write_text (node, pretty);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) again = mcp_sse_json_reader_read (text, strlen (text), &error);

  if (again == NULL)
    fail ("The reader refused what the writer wrote: %s\n%s", error->message, text);
  if (!g_utf8_validate (text, -1, NULL))
    fail ("The writer wrote what is not UTF-8:\n%s", text);
  if (same && !same_tree (node, again))
    fail ("A different tree after a round trip through:\n%s", text);
}

int
LLVMFuzzerTestOneInput (const guint8 *input,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gboolean utf8;

  node = mcp_sse_json_reader_read ((const char *) input, size, &error);
  if (node == NULL)
    {
      check_refusal (error, size);
      return 0;
    }

  CHECK (error == NULL);
  CHECK (size == 0 || memchr (input, '\0', size) == NULL);

  utf8 = g_utf8_validate_len ((const char *) input, size, NULL);
  check_reads_back (node, utf8, FALSE);
  check_reads_back (node, utf8, TRUE);

  return 0;
}
