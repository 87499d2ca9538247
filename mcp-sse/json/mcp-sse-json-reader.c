/* mcp-sse-json-reader.c: turning message data into JsonNodes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mcp-sse-error.h"
#include "mcp-sse-json-reader-private.h"

/*
 * A strict RFC 8259 reader that builds json-glib trees directly.
 *
 * JsonParser accepts much that is not JSON (comments, bare words, several
 * values, leading zeros, control characters in strings), cuts strings at an
 * escaped NUL, and is slow. This reader makes one pass over a private copy
 * of the text. The copy ends in a NUL that no rule accepts, so every loop
 * stops there without a bounds check. Strings are decoded in place (an
 * escape never decodes to more bytes than it takes) and terminated where
 * their closing quote was, so json-glib's own copy is the only other one.
 *
 * Nesting uses an explicit stack of at most MCP_SSE_JSON_READER_MAX_DEPTH
 * frames, never recursion. A node joins its parent as soon as it exists, so
 * on an error unreferencing the root frees everything read so far.
 *
 * The tree is not sealed. json_node_seal() walks the whole tree and hashes
 * every member name and string, which costs a third more than reading a
 * typical notification; a caller that shares a tree with code it does not
 * trust can seal it itself. Like JsonParser, the reader sets every node's
 * parent.
 */

typedef struct
{
  JsonObject *object;   /* NULL in an array */
  JsonArray *array;     /* NULL in an object */
  JsonNode *node;
  const char *name;     /* the name of the member being read, in the copy */
  GHashTable *repeats;  /* name in the copy -> node; see add_member() */
} Frame;

typedef struct
{
  char *start;          /* the NUL-terminated copy of the text */
  char *end;            /* its terminating NUL */
  char *pos;
  GError **error;
  JsonNode *root;
  guint depth;
  Frame frames[MCP_SSE_JSON_READER_MAX_DEPTH];
} Reader;

/* Bytes that a string takes as they are: all but '"', '\\' and the C0
 * controls (NUL among them, so the end of the copy stops a scan too). */
static const guint8 string_plain[256] = {
  [0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0xff] = 1,
};

static inline gboolean
is_digit (char c)
{
  return (guint8) (c - '0') < 10;
}

static inline char *
skip_whitespace (char *p)
{
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
    p++;
  return p;
}

static gboolean G_GNUC_PRINTF (3, 4)
fail_at (Reader     *reader,
         const char *where,
         const char *format,
         ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (reader->error, MCP_SSE_ERROR, MCP_SSE_ERROR_INVALID_MESSAGE,
               "Invalid JSON at byte %" G_GSIZE_FORMAT ": %s",
               (gsize) (where - reader->start), reason);
  return FALSE;
}

/* Names what was found where @expected was wanted. */
static gboolean
fail_unexpected (Reader     *reader,
                 const char *where,
                 const char *expected)
{
  guint8 c = (guint8) *where;

  if (where == reader->end)
    return fail_at (reader, where, "unexpected end of data, expected %s", expected);
  if (c >= 0x21 && c < 0x7f)
    return fail_at (reader, where, "unexpected '%c', expected %s", c, expected);
  return fail_at (reader, where, "unexpected byte 0x%02x, expected %s", c, expected);
}

/* Numbers */

#if FLT_EVAL_METHOD == 0
/* The powers of ten that a double holds exactly. */
static const double exact_powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};
#endif

/* Computes @mantissa × 10^@exponent correctly rounded when that takes a
 * single rounding: both operands exact in a double (Clinger's fast path).
 * Returns FALSE when it cannot. */
static gboolean
decimal_to_double_exact (guint64  mantissa,
                         int      exponent,
                         double  *result)
{
#if FLT_EVAL_METHOD == 0
  if (mantissa > (G_GUINT64_CONSTANT (1) << 53) ||
      exponent < -22 || exponent > 22)
    return FALSE;

  if (exponent < 0)
    *result = (double) mantissa / exact_powers_of_ten[-exponent];
  else
    *result = (double) mantissa * exact_powers_of_ten[exponent];
  return TRUE;
#else
  return FALSE;
#endif
}

/* Converts the number token [@start, @stop) the slow way. The copy is
 * writable, so the byte after the token is replaced by a NUL for a moment. */
static double
token_to_double (char *start,
                 char *stop)
{
  char saved = *stop;
  double value;

  *stop = '\0';
  value = g_ascii_strtod (start, NULL);
  *stop = saved;

  return value;
}

/* A number as scanned: its sign, up to 19 significant digits and the power
 * of ten that scales them. */
typedef struct
{
  guint64 mantissa;
  guint significant;        /* digits seen, leading zeros aside */
  int exponent;
  gboolean negative;
  gboolean integer;         /* no fraction, no exponent */
} Decimal;

static void
scan_integer_part (Decimal  *decimal,
                   char    **pos)
{
  char *p = *pos;

  for (; is_digit (*p); p++)
    {
      if (decimal->significant < 19)
        decimal->mantissa = decimal->mantissa * 10 + (guint) (*p - '0');
      else
        decimal->exponent++;
      decimal->significant++;
    }
  *pos = p;
}

static void
scan_fraction (Decimal  *decimal,
               char    **pos)
{
  char *p = *pos;

  for (; is_digit (*p); p++)
    {
      if (decimal->significant < 19)
        {
          decimal->mantissa = decimal->mantissa * 10 + (guint) (*p - '0');
          decimal->exponent--;
        }
      if (decimal->mantissa != 0)
        decimal->significant++;
    }
  *pos = p;
}

static void
scan_exponent (Decimal  *decimal,
               char    **pos)
{
  char *p = *pos;
  gboolean negative = FALSE;
  int value = 0;

  if (*p == '+' || *p == '-')
    negative = *p++ == '-';
  /* Past 100000 the value is 0 or infinite anyway; stop before overflow. */
  for (; is_digit (*p); p++)
    if (value < 100000)
      value = value * 10 + (*p - '0');
  decimal->exponent += negative ? -value : value;
  *pos = p;
}

/* Checks the grammar of the number at the reading position, moves past it
 * and fills @decimal on the way. */
static gboolean
scan_number (Reader  *reader,
             Decimal *decimal)
{
  char *p = reader->pos;

  decimal->negative = *p == '-';
  if (decimal->negative)
    p++;

  if (*p == '0')
    {
      p++;
      if (is_digit (*p))
        return fail_at (reader, p, "leading zeros are not allowed");
    }
  else if (is_digit (*p))
    scan_integer_part (decimal, &p);
  else
    return fail_unexpected (reader, p, "a digit");

  if (*p == '.')
    {
      decimal->integer = FALSE;
      p++;
      if (!is_digit (*p))
        return fail_unexpected (reader, p, "a digit after '.'");
      scan_fraction (decimal, &p);
    }

  if (*p == 'e' || *p == 'E')
    {
      decimal->integer = FALSE;
      p++;
      if (!is_digit (*p) && !((*p == '+' || *p == '-') && is_digit (p[1])))
        return fail_unexpected (reader, *p == '+' || *p == '-' ? p + 1 : p,
                                "a digit in the exponent");
      scan_exponent (decimal, &p);
    }

  reader->pos = p;
  return TRUE;
}

/* Reads a number: an int node for an integer literal that fits in gint64, a
 * double node for any other. */
static JsonNode *
read_number (Reader *reader)
{
  char *start = reader->pos;
  Decimal decimal = { 0, 0, 0, FALSE, TRUE };
  double value;

  if (!scan_number (reader, &decimal))
    return NULL;

  if (decimal.integer && decimal.significant <= 19)
    {
      if (!decimal.negative && decimal.mantissa <= G_MAXINT64)
        return json_node_init_int (json_node_alloc (), (gint64) decimal.mantissa);
      if (decimal.negative && decimal.mantissa <= G_MAXINT64)
        return json_node_init_int (json_node_alloc (), -(gint64) decimal.mantissa);
      if (decimal.negative && decimal.mantissa == (guint64) G_MAXINT64 + 1)
        return json_node_init_int (json_node_alloc (), G_MININT64);
    }

  if (decimal.significant <= 19 &&
      decimal_to_double_exact (decimal.mantissa, decimal.exponent, &value))
    value = decimal.negative ? -value : value;
  else
    value = token_to_double (start, reader->pos);

  if (isinf (value))
    {
      fail_at (reader, start, "number out of range");
      return NULL;
    }

  return json_node_init_double (json_node_alloc (), value);
}

/* Strings */

static inline int
hex_value (char c)
{
  if (is_digit (c))
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the four hex digits at @p. Stops at the first that is not one, so
 * it never reads past the terminating NUL. */
static gboolean
read_hex4 (const char *p,
           gunichar   *unit)
{
  gunichar value = 0;
  int i;

  for (i = 0; i < 4; i++)
    {
      int digit = hex_value (p[i]);

      if (digit < 0)
        return FALSE;
      value = value << 4 | (gunichar) digit;
    }
  *unit = value;
  return TRUE;
}

/* Decodes the \u escape at @p (at the backslash), a surrogate pair taken
 * together, into @out. Returns the byte after it, or NULL on an error. */
static char *
decode_unicode_escape (Reader  *reader,
                       char    *p,
                       char   **out)
{
  gunichar unit;
  gunichar low;

  if (!read_hex4 (p + 2, &unit))
    {
      fail_at (reader, p, "invalid \\u escape: four hex digits expected");
      return NULL;
    }

  if (unit == 0)
    {
      fail_at (reader, p, "\\u0000 is not supported in strings");
      return NULL;
    }

  if (unit >= 0xdc00 && unit <= 0xdfff)
    {
      fail_at (reader, p, "lone low surrogate \\u%04x", unit);
      return NULL;
    }

  if (unit >= 0xd800 && unit <= 0xdbff)
    {
      if (p[6] != '\\' || p[7] != 'u' || !read_hex4 (p + 8, &low) ||
          low < 0xdc00 || low > 0xdfff)
        {
          fail_at (reader, p, "lone high surrogate \\u%04x", unit);
          return NULL;
        }
      unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      p += 6;
    }

  *out += g_unichar_to_utf8 (unit, *out);
  return p + 6;
}

static char
simple_escape (char c)
{
  switch (c)
    {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
    }
}

/* The rest of a string from @p, the first byte that needs more than a
 * copy: escapes are decoded in place, behind the reading position. */
static const char *
read_string_slow (Reader *reader,
                  char   *begin,
                  char   *p)
{
  char *out = p;

  for (;;)
    {
      guint8 c = (guint8) *p;

      if (string_plain[c])
        *out++ = *p++;
      else if (c == '"')
        break;
      else if (c == '\\')
        {
          char decoded = simple_escape (p[1]);

          if (p[1] == 'u')
            {
              p = decode_unicode_escape (reader, p, &out);
              if (p == NULL)
                return NULL;
            }
          else if (decoded != 0)
            {
              *out++ = decoded;
              p += 2;
            }
          else
            {
              fail_at (reader, p, "invalid escape");
              return NULL;
            }
        }
      else if (p == reader->end)
        {
          fail_at (reader, p, "unterminated string");
          return NULL;
        }
      else
        {
          fail_at (reader, p, "control character U+%04X in a string", c);
          return NULL;
        }
    }

  *out = '\0';
  reader->pos = p + 1;
  return begin;
}

#ifdef __SSE2__
/* Skips plain bytes sixteen at a time, while sixteen are left. */
static inline char *
skip_plain_run (char       *p,
                const char *end)
{
  const __m128i quote = _mm_set1_epi8 ('"');
  const __m128i backslash = _mm_set1_epi8 ('\\');
  const __m128i last_control = _mm_set1_epi8 (0x1f);

  while (end - p >= 16)
    {
      __m128i bytes, special;

      memcpy (&bytes, p, sizeof bytes);
      special = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (bytes, quote),
                                            _mm_cmpeq_epi8 (bytes, backslash)),
                              _mm_cmpeq_epi8 (_mm_min_epu8 (bytes, last_control), bytes));
      if (_mm_movemask_epi8 (special) != 0)
        break;
      p += 16;
    }

  return p;
}
#else
#define ALL_BYTES(b) (G_GUINT64_CONSTANT (0x0101010101010101) * (b))

/* Skips plain bytes eight at a time, while eight are left. Each term is the
 * classic "has a zero byte" or "has a byte below n" test, exact as a yes/no
 * answer for the whole word. */
static inline char *
skip_plain_run (char       *p,
                const char *end)
{
  while (end - p >= 8)
    {
      guint64 word, quote, backslash, flags;

      memcpy (&word, p, sizeof word);
      quote = word ^ ALL_BYTES ('"');
      backslash = word ^ ALL_BYTES ('\\');
      flags = ((word - ALL_BYTES (0x20)) & ~word) |
              ((quote - ALL_BYTES (1)) & ~quote) |
              ((backslash - ALL_BYTES (1)) & ~backslash);
      if ((flags & ALL_BYTES (0x80)) != 0)
        break;
      p += 8;
    }

  return p;
}
#endif

/* Reads the string at the reading position (its opening quote) and returns
 * it decoded and NUL-terminated, inside the copy. */
static const char *
read_string (Reader *reader)
{
  char *begin = reader->pos + 1;
  char *p = begin;

  /* Long runs of plain bytes are the bulk of most messages: skip them a
   * block at a time, then find the exact end byte by byte. */
  p = skip_plain_run (p, reader->end);
  while (string_plain[(guint8) *p])
    p++;

  if (G_LIKELY (*p == '"'))
    {
      *p = '\0';
      reader->pos = p + 1;
      return begin;
    }

  return read_string_slow (reader, begin, p);
}

/* Values */

static JsonNode *
read_literal (Reader     *reader,
              const char *word,
              gsize       length)
{
  char *p = reader->pos;
  gsize i;

  /* Byte by byte: a mismatch, at the latest the final NUL, stops it. */
  for (i = 0; i < length; i++)
    if (p[i] != word[i])
      {
        fail_at (reader, p, "invalid literal, expected '%s'", word);
        return NULL;
      }

  reader->pos = p + length;

  if (word[0] == 'n')
    return json_node_init_null (json_node_alloc ());
  return json_node_init_boolean (json_node_alloc (), word[0] == 't');
}

static JsonNode *
read_string_value (Reader *reader)
{
  const char *string = read_string (reader);

  if (string == NULL)
    return NULL;
  return json_node_init_string (json_node_alloc (), string);
}

/* Reads the scalar value at the reading position. */
static JsonNode *
read_scalar (Reader *reader)
{
  switch (*reader->pos)
    {
    case '"':
      return read_string_value (reader);
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return read_number (reader);
    case 't':
      return read_literal (reader, "true", 4);
    case 'f':
      return read_literal (reader, "false", 5);
    case 'n':
      return read_literal (reader, "null", 4);
    default:
      fail_unexpected (reader, reader->pos, "a value");
      return NULL;
    }
}

/* json-glib replaces a repeated member in time linear in the size of the
 * object (it looks the name up in its list of names), so many repeats in a
 * large object would take quadratic time. Past this many members, a repeat
 * is kept aside instead, and the object rebuilt once at its end. */
#define MEMBERS_BEFORE_REPEATS_ARE_KEPT_ASIDE 16

static void
add_member (Frame    *frame,
            JsonNode *node)
{
  if (json_object_get_size (frame->object) >= MEMBERS_BEFORE_REPEATS_ARE_KEPT_ASIDE &&
      json_object_has_member (frame->object, frame->name))
    {
      if (frame->repeats == NULL)
        frame->repeats = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) json_node_unref);
      g_hash_table_replace (frame->repeats, (gpointer) frame->name, node);
      return;
    }

  json_object_set_member (frame->object, frame->name, node);
}

/* Puts the repeats kept aside in place: each value takes the place of the
 * first member of its name, as json_object_set_member() would have done. */
static void
apply_repeats (Frame *frame)
{
  JsonObject *rebuilt = json_object_new ();
  GList *names = json_object_get_members (frame->object);
  GList *l;

  for (l = names; l != NULL; l = l->next)
    {
      JsonNode *member = g_hash_table_lookup (frame->repeats, l->data);

      if (member == NULL)
        member = json_object_get_member (frame->object, l->data);
      json_object_set_member (rebuilt, l->data, json_node_ref (member));
    }

  g_list_free (names);
  g_clear_pointer (&frame->repeats, g_hash_table_unref);
  json_node_take_object (frame->node, rebuilt);
  frame->object = rebuilt;
}

/* Hands @node to the current container, or makes it the root. */
static void
add_node (Reader   *reader,
          JsonNode *node)
{
  Frame *frame;

  if (reader->depth == 0)
    {
      reader->root = node;
      return;
    }

  frame = &reader->frames[reader->depth - 1];
  json_node_set_parent (node, frame->node);
  if (frame->array != NULL)
    json_array_add_element (frame->array, node);
  else
    add_member (frame, node);
}

/* Reads `"name" :` into the current frame, from the reading position. */
static gboolean
read_member_name (Reader *reader)
{
  Frame *frame = &reader->frames[reader->depth - 1];

  if (*reader->pos != '"')
    return fail_unexpected (reader, reader->pos, "a member name");
  frame->name = read_string (reader);
  if (frame->name == NULL)
    return FALSE;

  reader->pos = skip_whitespace (reader->pos);
  if (*reader->pos != ':')
    return fail_unexpected (reader, reader->pos, "':'");
  reader->pos++;

  return TRUE;
}

typedef enum
{
  STEP_VALUE,           /* a value starts at the reading position */
  STEP_CLOSED,          /* a value, maybe the last of its container, ended */
  STEP_DONE,            /* the top-level value ended */
  STEP_ERROR,
} Step;

/* Opens the array or object at the reading position: its node joins the
 * current container and its frame becomes the current one. An empty one
 * closes at once. */
static Step
open_container (Reader *reader)
{
  gboolean is_object = *reader->pos == '{';
  Frame *frame;
  JsonNode *node;

  if (reader->depth == MCP_SSE_JSON_READER_MAX_DEPTH)
    {
      fail_at (reader, reader->pos, "nested deeper than %d levels",
               MCP_SSE_JSON_READER_MAX_DEPTH);
      return STEP_ERROR;
    }

  node = json_node_init (json_node_alloc (), is_object ? JSON_NODE_OBJECT : JSON_NODE_ARRAY);
  add_node (reader, node);

  frame = &reader->frames[reader->depth++];
  frame->node = node;
  frame->name = NULL;
  frame->repeats = NULL;
  frame->object = is_object ? json_object_new () : NULL;
  frame->array = is_object ? NULL : json_array_new ();
  if (is_object)
    json_node_take_object (node, frame->object);
  else
    json_node_take_array (node, frame->array);

  reader->pos = skip_whitespace (reader->pos + 1);
  if (*reader->pos == (is_object ? '}' : ']'))
    {
      reader->pos++;
      reader->depth--;
      return STEP_CLOSED;
    }

  if (is_object && !read_member_name (reader))
    return STEP_ERROR;
  return STEP_VALUE;
}

/* After a value: closes the containers that end here, and moves on to the
 * next value, if any. */
static Step
next_value (Reader *reader)
{
  while (reader->depth > 0)
    {
      Frame *frame = &reader->frames[reader->depth - 1];
      char *p = skip_whitespace (reader->pos);

      if (*p == ',')
        {
          reader->pos = skip_whitespace (p + 1);
          if (frame->object != NULL && !read_member_name (reader))
            return STEP_ERROR;
          return STEP_VALUE;
        }

      if (*p != (frame->array != NULL ? ']' : '}'))
        {
          fail_unexpected (reader, p, frame->array != NULL ? "',' or ']'" : "',' or '}'");
          return STEP_ERROR;
        }

      if (frame->repeats != NULL)
        apply_repeats (frame);
      reader->pos = p + 1;
      reader->depth--;
    }

  return STEP_DONE;
}

/* Reads the value at the reading position: a scalar whole, an array or
 * object only up to its first member. */
static Step
read_value (Reader *reader)
{
  JsonNode *node;

  reader->pos = skip_whitespace (reader->pos);
  if (*reader->pos == '{' || *reader->pos == '[')
    return open_container (reader);

  node = read_scalar (reader);
  if (node == NULL)
    return STEP_ERROR;
  add_node (reader, node);
  return STEP_CLOSED;
}

static gboolean
read_document (Reader *reader)
{
  Step step = STEP_VALUE;

  while (step != STEP_DONE)
    {
      if (step == STEP_VALUE)
        step = read_value (reader);
      else if (step == STEP_CLOSED)
        step = next_value (reader);
      else
        return FALSE;
    }

  reader->pos = skip_whitespace (reader->pos);
  if (reader->pos != reader->end)
    return fail_unexpected (reader, reader->pos, "the end of the data after the value");

  return TRUE;
}

/*
 * mcp_sse_json_reader_read:
 * @text: (array length=length): UTF-8 text, not necessarily NUL-terminated
 * @length: the length of @text in bytes
 * @error: return location for a #GError
 *
 * Reads exactly one JSON value (RFC 8259), with optional whitespace around
 * it, from @text.
 *
 * An integer literal that fits in a gint64 becomes an int node, any other
 * number a double node (correctly rounded); a number beyond the range of a
 * double is an error. A string may not contain `\u0000`, since a JsonNode
 * string cannot hold it. Arrays and objects nest at most
 * %MCP_SSE_JSON_READER_MAX_DEPTH levels deep. Of repeated member names the
 * last one wins. The returned tree is not sealed.
 *
 * @text must be valid UTF-8; it is not checked again here.
 *
 * Returns: (transfer full): the value, or %NULL with
 *   %MCP_SSE_ERROR_INVALID_MESSAGE set, whose message names the byte offset
 *   and the reason
 */
JsonNode *
mcp_sse_json_reader_read (const char  *text,
                          gsize        length,
                          GError     **error)
{
  char small_copy[1024];
  g_autofree char *large_copy = NULL;
  char *copy = small_copy;
  Reader reader;
  gboolean ok;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length >= sizeof small_copy)
    copy = large_copy = g_malloc (length + 1);
  if (length > 0)
    memcpy (copy, text, length);
  copy[length] = '\0';

  reader.start = copy;
  reader.end = copy + length;
  reader.pos = copy;
  reader.error = error;
  reader.root = NULL;
  reader.depth = 0;

  ok = read_document (&reader);
  if (!ok)
    {
      guint i;

      for (i = 0; i < reader.depth; i++)
        g_clear_pointer (&reader.frames[i].repeats, g_hash_table_unref);
      g_clear_pointer (&reader.root, json_node_unref);
      return NULL;
    }

  return reader.root;
}
