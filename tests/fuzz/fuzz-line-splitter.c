/* fuzz-line-splitter.c: a libFuzzer target for the line splitter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input's first byte chooses the line limit (0: none), the next four
 * seed the chunking; the rest is the byte stream. It is split three ways:
 * by a reference model that looks at the whole stream at once, by the
 * splitter fed everything in one call, and by the splitter fed random
 * chunks (empty ones included). The three must give the same lines with
 * the same flags, the splitter must never hold more than the limit, and
 * a line the splitter gives from a single chunk must point into it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mcp-sse-line-splitter-private.h"

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

/* The lines as one string: per line a flag byte, the length in decimal,
 * ':', the bytes. */
static gboolean
collect (const char      *line,
         gsize            length,
         McpSseLineFlags  flags,
         gpointer         user_data)
{
  GString *out = user_data;

  g_string_append_printf (out, "%c%" G_GSIZE_FORMAT ":", '0' + flags, length);
  g_string_append_len (out, line, length);
  return TRUE;
}

/* The rules, written as plainly as possible: the stream is cut at every
 * LF; each piece that a LF ends is a line (less a final CR); the piece
 * after the last LF is the unterminated rest, if not empty; a piece
 * longer than the limit is cut to it, whatever its end. */
static void
reference_split (const char *data,
                 gsize       length,
                 gsize       max_length,
                 GString    *out)
{
  gsize start = 0;
  gsize i;

  for (i = 0; i <= length; i++)
    {
      gboolean terminated = i < length && data[i] == '\n';
      gsize piece;

      if (i < length && !terminated)
        continue;

      piece = i - start;
      if (max_length > 0 && piece > max_length)
        collect (data + start, max_length, MCP_SSE_LINE_CUT, out);
      else if (terminated)
        collect (data + start, piece > 0 && data[i - 1] == '\r' ? piece - 1 : piece,
                 MCP_SSE_LINE_COMPLETE, out);
      else if (piece > 0)
        collect (data + start, piece, MCP_SSE_LINE_UNTERMINATED, out);

      start = i + 1;
    }
}

typedef struct
{
  GString *out;
  const char *chunk;
  gsize chunk_length;
  gboolean whole_chunks;    /* every line came from one chunk */
} Chunked;

static gboolean
collect_chunked (const char      *line,
                 gsize            length,
                 McpSseLineFlags  flags,
                 gpointer         user_data)
{
  Chunked *chunked = user_data;

  /* The whole feed: a complete or cut line points into the input. */
  if (chunked->whole_chunks && flags != MCP_SSE_LINE_UNTERMINATED)
    CHECK (line >= chunked->chunk && line + length <= chunked->chunk + chunked->chunk_length);

  return collect (line, length, flags, chunked->out);
}

static guint32
next_random (guint32 *state)
{
  /* xorshift32 */
  *state ^= *state << 13;
  *state ^= *state >> 17;
  *state ^= *state << 5;
  return *state;
}

int
LLVMFuzzerTestOneInput (const guint8 *input,
                        size_t        size)
{
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GString) whole = g_string_new (NULL);
  g_autoptr(GString) chunked_out = g_string_new (NULL);
  g_autoptr(McpSseLineSplitter) splitter = NULL;
  const char *data;
  gsize length, max_length, offset;
  guint32 state;
  Chunked chunked;

  if (size < 5)
    return 0;

  max_length = input[0] % 80;
  memcpy (&state, input + 1, sizeof state);
  state |= 1;
  data = (const char *) input + 5;
  length = size - 5;

  reference_split (data, length, max_length, expected);

  splitter = mcp_sse_line_splitter_new (max_length);
  chunked = (Chunked) { whole, data, length, TRUE };
  CHECK (mcp_sse_line_splitter_feed (splitter, data, length, collect_chunked, &chunked));
  CHECK (mcp_sse_line_splitter_end (splitter, collect_chunked, &chunked));
  if (max_length > 0)
    CHECK (mcp_sse_line_splitter_get_peak_held (splitter) <= max_length);
  g_clear_pointer (&splitter, mcp_sse_line_splitter_free);

  splitter = mcp_sse_line_splitter_new (max_length);
  chunked = (Chunked) { chunked_out, NULL, 0, FALSE };
  for (offset = 0; offset < length; )
    {
      /* Empty chunks included. */
      gsize chunk = next_random (&state) % 24;

      chunk = MIN (chunk, length - offset);

      CHECK (mcp_sse_line_splitter_feed (splitter, data + offset, chunk, collect_chunked, &chunked));
      offset += chunk;
    }
  CHECK (mcp_sse_line_splitter_end (splitter, collect_chunked, &chunked));
  if (max_length > 0)
    CHECK (mcp_sse_line_splitter_get_peak_held (splitter) <= max_length);

  if (!g_string_equal (expected, whole))
    fail ("Fed whole, the splitter differs from the reference (limit %" G_GSIZE_FORMAT ")",
          max_length);
  if (!g_string_equal (expected, chunked_out))
    fail ("Fed in chunks, the splitter differs from the reference (limit %" G_GSIZE_FORMAT ")",
          max_length);

  return 0;
}
