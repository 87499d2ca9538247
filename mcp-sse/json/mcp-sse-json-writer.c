/* mcp-sse-json-writer.c: turning JsonNodes into message text
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* No config.h: the demo server builds this file too, with a log domain of
 * its own. */
#ifndef G_LOG_DOMAIN
#define G_LOG_DOMAIN "McpSse"
#endif

#include <float.h>
#include <math.h>
#include <string.h>

#include "mcp-sse-json-writer-private.h"

/*
 * A strict RFC 8259 writer for json-glib trees.
 *
 * JsonGenerator of json-glib 1.6 writes text that is not JSON: a double
 * whose shortest form has an exponent as "1e+22.0", U+001F in a string as
 * the raw byte, NaN and the infinities as "nan.0" and "inf.0", and bytes
 * that are not UTF-8 as they are. What this writer writes is always JSON,
 * and mcp_sse_json_reader_read() reads it back to the same tree, value
 * types and the bits of doubles included:
 *
 * - Strings and member names: '"', '\\' and the C0 controls are escaped,
 *   \b \f \n \r \t by their short forms, the others as \u00XX. All else is
 *   written as it is (U+007F, U+2028 and U+2029 are valid JSON unescaped),
 *   but a byte that does not belong to a well-formed UTF-8 sequence becomes
 *   U+FFFD, as the SSE layer does with what it receives.
 * - Doubles: the shortest of the 15, 16 and 17 significant digit forms that
 *   reads back to the same double, with ".0" added when it would otherwise
 *   read as an integer (1.0, -0.0). NaN and the infinities have no JSON
 *   form: they are written as null, as JavaScript's JSON.stringify() does.
 * - Integers as integers, booleans and null as themselves, object members
 *   in json-glib's order (the order they were added in).
 *
 * Containers nest on an explicit stack, never by recursion, so that no
 * tree can exhaust the C stack, whatever its depth.
 */

#define STACK_FRAMES 32
#define INDENT_WIDTH 2
#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

typedef struct
{
  JsonObject *object;           /* NULL for an array */
  JsonArray *array;             /* NULL for an object */
  JsonObjectIter members;
  guint next_element;
  gboolean empty;               /* nothing written inside yet */
} Frame;

typedef struct
{
  GString *out;
  gboolean pretty;
  guint depth;
  guint capacity;
  Frame *frames;                /* stack_frames until more are needed */
  Frame stack_frames[STACK_FRAMES];
} Writer;

/* GLib 2.74 has no inline g_string_append_len(), and most appends are a
 * few bytes into a string that has room for them. */
static inline void
append_len (GString    *out,
            const char *text,
            gsize       length)
{
  if (G_LIKELY (out->len + length < out->allocated_len))
    {
      memcpy (out->str + out->len, text, length);
      out->len += length;
      out->str[out->len] = '\0';
    }
  else
    g_string_append_len (out, text, (gssize) length);
}

/* Strings */

typedef enum
{
  BYTE_PLAIN = 0,               /* written as it is */
  BYTE_ESCAPE,                  /* written as an escape */
  BYTE_NON_ASCII,               /* may start a UTF-8 sequence */
  BYTE_END,                     /* the terminating NUL */
} ByteClass;

static const guint8 byte_classes[256] = {
  [0x00] = BYTE_END,
  [0x01 ... 0x1f] = BYTE_ESCAPE,
  ['"'] = BYTE_ESCAPE,
  ['\\'] = BYTE_ESCAPE,
  [0x80 ... 0xff] = BYTE_NON_ASCII,
};

/* The length of the well-formed UTF-8 sequence at @p (Unicode's table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0. Stops at
 * the first byte that does not fit, so never reads past a NUL. */
static gsize
utf8_sequence_length (const guint8 *p)
{
  guint8 lead = p[0];
  guint8 low = 0x80;
  guint8 high = 0xbf;
  gsize length;
  gsize i;

  if (lead >= 0xc2 && lead <= 0xdf)
    length = 2;
  else if (lead >= 0xe0 && lead <= 0xef)
    {
      length = 3;
      if (lead == 0xe0)
        low = 0xa0;
      else if (lead == 0xed)
        high = 0x9f;
    }
  else if (lead >= 0xf0 && lead <= 0xf4)
    {
      length = 4;
      if (lead == 0xf0)
        low = 0x90;
      else if (lead == 0xf4)
        high = 0x8f;
    }
  else
    return 0;

  if (p[1] < low || p[1] > high)
    return 0;
  for (i = 2; i < length; i++)
    if ((p[i] & 0xc0) != 0x80)
      return 0;

  return length;
}

static void
write_escape (GString *out,
              guint8   c)
{
  static const char hex_digits[] = "0123456789abcdef";
  char escape[6] = { '\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xf] };

  switch (c)
    {
    case '"': append_len (out, "\\\"", 2); break;
    case '\\': append_len (out, "\\\\", 2); break;
    case '\b': append_len (out, "\\b", 2); break;
    case '\f': append_len (out, "\\f", 2); break;
    case '\n': append_len (out, "\\n", 2); break;
    case '\r': append_len (out, "\\r", 2); break;
    case '\t': append_len (out, "\\t", 2); break;
    default: append_len (out, escape, sizeof escape); break;
    }
}

/* Copies runs of bytes that need nothing in one append each. */
static void
write_string (GString    *out,
              const char *text)
{
  const guint8 *p = (const guint8 *) text;
  const guint8 *run = p;

  g_string_append_c (out, '"');
  for (;;)
    {
      ByteClass kind;

      while ((kind = byte_classes[*p]) == BYTE_PLAIN)
        p++;

      if (kind == BYTE_END)
        break;

      if (kind == BYTE_NON_ASCII)
        {
          gsize length = utf8_sequence_length (p);

          if (length > 0)
            {
              p += length;
              continue;
            }
        }

      append_len (out, (const char *) run, p - run);
      if (kind == BYTE_ESCAPE)
        write_escape (out, *p);
      else
        append_len (out, REPLACEMENT_CHARACTER, strlen (REPLACEMENT_CHARACTER));
      run = ++p;
    }
  append_len (out, (const char *) run, p - run);
  g_string_append_c (out, '"');
}

/* Numbers */

static void
write_int (GString *out,
           gint64   value)
{
  char buffer[24];
  char *end = buffer + sizeof buffer;
  char *p = end;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude != 0);

  if (value < 0)
    *--p = '-';

  append_len (out, p, end - p);
}

#if FLT_EVAL_METHOD == 0
/* The powers of ten that a double holds exactly. */
static const double exact_powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};
#endif

/* Writes @value without printf() when it is the double nearest to a
 * decimal of at most 15 significant digits, from 1e-4 to below 1e15: most
 * doubles in messages (0.5, 0.75, 12.5). The text m × 10^-k reads back as
 * @value exactly when m / 10^k, one correctly rounded division of two
 * exact doubles, is @value. With the smallest such k, the text is the one
 * format_double() makes, found faster. Returns FALSE for other values. */
static gboolean
write_short_decimal (GString *out,
                     double   value)
{
#if FLT_EVAL_METHOD == 0
  double magnitude = fabs (value);
  double scaled = 0;
  char buffer[32];
  char *end = buffer + sizeof buffer;
  char *p = end;
  guint64 digits;
  guint k;

  if (magnitude < 1e-4 || magnitude >= 1e15)
    return FALSE;

  for (k = 0; k < G_N_ELEMENTS (exact_powers_of_ten); k++)
    {
      scaled = round (magnitude * exact_powers_of_ten[k]);
      if (scaled >= 1e15)
        return FALSE;
      if (scaled / exact_powers_of_ten[k] == magnitude)
        break;
    }
  if (k == G_N_ELEMENTS (exact_powers_of_ten))
    return FALSE;

  digits = (guint64) scaled;
  if (k == 0)
    {
      *--p = '0';
      *--p = '.';
    }
  else
    {
      for (; k > 0; k--)
        {
          *--p = (char) ('0' + digits % 10);
          digits /= 10;
        }
      *--p = '.';
    }
  do
    {
      *--p = (char) ('0' + digits % 10);
      digits /= 10;
    }
  while (digits != 0);
  if (value < 0)
    *--p = '-';

  append_len (out, p, end - p);
  return TRUE;
#else
  return FALSE;
#endif
}

/* The shortest of the 15, 16 and 17 significant digit forms that reads
 * back as @value: 17 always do. */
static void
format_double (char   *buffer,
               gsize   size,
               double  value)
{
  static const char *const shorter_formats[] = { "%.15g", "%.16g" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (shorter_formats); i++)
    {
      g_ascii_formatd (buffer, size, shorter_formats[i], value);
      if (g_ascii_strtod (buffer, NULL) == value)
        return;
    }

  g_ascii_formatd (buffer, size, "%.17g", value);
}

static void
write_double (GString *out,
              double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      append_len (out, "null", 4);
      return;
    }

  if (value == 0)
    {
      if (signbit (value))
        append_len (out, "-0.0", 4);
      else
        append_len (out, "0.0", 3);
      return;
    }

  if (write_short_decimal (out, value))
    return;

  format_double (buffer, sizeof buffer, value);
  append_len (out, buffer, strlen (buffer));
  if (strpbrk (buffer, ".eE") == NULL)
    append_len (out, ".0", 2);
}

/* Nodes */

static void
write_value (GString  *out,
             JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64)
    write_int (out, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    write_double (out, json_node_get_double (node));
  else if (type == G_TYPE_BOOLEAN)
    {
      if (json_node_get_boolean (node))
        append_len (out, "true", 4);
      else
        append_len (out, "false", 5);
    }
  else if (type == G_TYPE_STRING && json_node_get_string (node) != NULL)
    write_string (out, json_node_get_string (node));
  else
    append_len (out, "null", 4);
}

static void
write_indent (Writer *writer,
              guint   depth)
{
  g_string_append_c (writer->out, '\n');
  for (guint i = 0; i < depth * INDENT_WIDTH; i++)
    g_string_append_c (writer->out, ' ');
}

static Frame *
push_frame (Writer *writer)
{
  if (writer->depth == writer->capacity)
    {
      writer->capacity *= 2;
      if (writer->frames == writer->stack_frames)
        writer->frames = g_memdup2 (writer->stack_frames, sizeof writer->stack_frames);
      writer->frames = g_renew (Frame, writer->frames, writer->capacity);
    }

  return memset (&writer->frames[writer->depth++], 0, sizeof (Frame));
}

/* Writes a scalar or an empty container whole; opens any other container
 * on the stack, for write_tree() to fill. */
static void
write_node (Writer   *writer,
            JsonNode *node)
{
  Frame *frame;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);

        if (object == NULL || json_object_get_size (object) == 0)
          {
            append_len (writer->out, "{}", 2);
            return;
          }
        g_string_append_c (writer->out, '{');
        frame = push_frame (writer);
        frame->object = object;
        json_object_iter_init_ordered (&frame->members, object);
        frame->empty = TRUE;
        return;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        if (array == NULL || json_array_get_length (array) == 0)
          {
            append_len (writer->out, "[]", 2);
            return;
          }
        g_string_append_c (writer->out, '[');
        frame = push_frame (writer);
        frame->array = array;
        frame->empty = TRUE;
        return;
      }

    case JSON_NODE_VALUE:
      write_value (writer->out, node);
      return;

    case JSON_NODE_NULL:
    default:
      append_len (writer->out, "null", 4);
      return;
    }
}

/* The next member or element of the innermost container, its name (NULL
 * in an array) in @name. */
static JsonNode *
next_child (Frame       *frame,
            const char **name)
{
  JsonNode *child = NULL;

  *name = NULL;
  if (frame->object != NULL)
    {
      if (!json_object_iter_next_ordered (&frame->members, name, &child))
        return NULL;
      return child;
    }

  if (frame->next_element < json_array_get_length (frame->array))
    child = json_array_get_element (frame->array, frame->next_element++);
  return child;
}

static void
write_tree (Writer   *writer,
            JsonNode *root)
{
  write_node (writer, root);

  while (writer->depth > 0)
    {
      Frame *frame = &writer->frames[writer->depth - 1];
      const char *name;
      JsonNode *child = next_child (frame, &name);

      if (child == NULL)
        {
          writer->depth--;
          if (writer->pretty)
            write_indent (writer, writer->depth);
          g_string_append_c (writer->out, frame->object != NULL ? '}' : ']');
          continue;
        }

      if (!frame->empty)
        g_string_append_c (writer->out, ',');
      frame->empty = FALSE;
      if (writer->pretty)
        write_indent (writer, writer->depth);

      if (name != NULL)
        {
          write_string (writer->out, name);
          if (writer->pretty)
            append_len (writer->out, ": ", 2);
          else
            g_string_append_c (writer->out, ':');
        }

      /* May move the stack: frame is not used after this. */
      write_node (writer, child);
    }
}

/*
 * mcp_sse_json_writer_append:
 * @string: where to append
 * @node: the tree to write
 * @pretty: whether to break lines and indent by two spaces
 *
 * Appends @node as JSON text (see above for the rules) to @string.
 */
void
mcp_sse_json_writer_append (GString  *string,
                            JsonNode *node,
                            gboolean  pretty)
{
  Writer writer;

  g_return_if_fail (string != NULL);
  g_return_if_fail (node != NULL);

  writer.out = string;
  writer.pretty = pretty;
  writer.depth = 0;
  writer.capacity = STACK_FRAMES;
  writer.frames = writer.stack_frames;

  write_tree (&writer, node);

  if (writer.frames != writer.stack_frames)
    g_free (writer.frames);
}

/*
 * mcp_sse_json_writer_write:
 * @node: the tree to write
 * @length: (out) (optional): where to store the length of the text
 *
 * Writes @node as compact JSON text, without whitespace.
 *
 * Returns: (transfer full): the text, NUL-terminated
 */
char *
mcp_sse_json_writer_write (JsonNode *node,
                           gsize    *length)
{
  GString *string = g_string_sized_new (256);

  mcp_sse_json_writer_append (string, node, FALSE);
  if (length != NULL)
    *length = string->len;

  return g_string_free (string, FALSE);
}
