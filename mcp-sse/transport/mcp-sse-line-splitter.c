/* mcp-sse-line-splitter.c: bytes into newline-terminated lines, bounded
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Lines end with LF; a CR before the LF is dropped. A line that arrives
 * whole within one chunk goes to the callback straight from that chunk;
 * only a line split across chunks is copied, and never more than
 * max_length bytes of it: a longer line is handed over cut at the limit
 * and the rest of it skipped, so memory stays bounded by the limit
 * whatever the input. max_length 0 means no limit.
 */

#include "config.h"

#include <string.h>

#include "mcp-sse-line-splitter-private.h"

/* A buffer that grew beyond this for one long line is given back after it. */
#define KEEP_CAPACITY (64 * 1024)

struct _McpSseLineSplitter
{
  gsize max_length;     /* 0: no limit */
  char *held;           /* the start of a line split across chunks */
  gsize held_length;
  gsize capacity;
  gsize peak_held;      /* the most bytes ever held, for tests */
  gboolean skipping;    /* the rest of a cut line, up to its LF */
};

McpSseLineSplitter *
mcp_sse_line_splitter_new (gsize max_length)
{
  McpSseLineSplitter *splitter = g_new0 (McpSseLineSplitter, 1);

  splitter->max_length = max_length;
  return splitter;
}

void
mcp_sse_line_splitter_free (McpSseLineSplitter *splitter)
{
  if (splitter == NULL)
    return;

  g_free (splitter->held);
  g_free (splitter);
}

/* A new limit applies from the next byte; a line already held beyond it is
 * cut with the next bytes fed. */
void
mcp_sse_line_splitter_set_max_length (McpSseLineSplitter *splitter,
                                      gsize               max_length)
{
  splitter->max_length = max_length;
}

gsize
mcp_sse_line_splitter_get_peak_held (McpSseLineSplitter *splitter)
{
  return splitter->peak_held;
}

static void
hold (McpSseLineSplitter *splitter,
      const char         *data,
      gsize               length)
{
  gsize needed = splitter->held_length + length;

  if (length == 0)
    return;

  if (needed > splitter->capacity)
    {
      gsize capacity = MAX (splitter->capacity, 256);

      while (capacity < needed)
        capacity = capacity > G_MAXSIZE / 2 ? needed : capacity * 2;
      if (splitter->max_length > 0)
        capacity = MIN (capacity, MAX (needed, splitter->max_length));
      splitter->held = g_realloc (splitter->held, capacity);
      splitter->capacity = capacity;
    }

  memcpy (splitter->held + splitter->held_length, data, length);
  splitter->held_length = needed;
  splitter->peak_held = MAX (splitter->peak_held, needed);
}

static void
release (McpSseLineSplitter *splitter)
{
  splitter->held_length = 0;
  if (splitter->capacity > KEEP_CAPACITY)
    {
      g_clear_pointer (&splitter->held, g_free);
      splitter->capacity = 0;
    }
}

static gboolean
deliver (const char     *line,
         gsize           length,
         McpSseLineFunc  func,
         gpointer        user_data)
{
  if (length > 0 && line[length - 1] == '\r')
    length--;

  return func (line, length, MCP_SSE_LINE_COMPLETE, user_data);
}

/* Splits @data, calling @func for every line it completes or cuts. Returns
 * FALSE when @func stopped it. */
gboolean
mcp_sse_line_splitter_feed (McpSseLineSplitter *splitter,
                            const char         *data,
                            gsize               length,
                            McpSseLineFunc      func,
                            gpointer            user_data)
{
  const char *end = data + length;

  while (data < end)
    {
      const char *newline = memchr (data, '\n', end - data);
      gsize segment = (newline != NULL ? newline : end) - data;
      gsize room;

      if (splitter->skipping)
        {
          if (newline == NULL)
            return TRUE;
          splitter->skipping = FALSE;
          data = newline + 1;
          continue;
        }

      room = splitter->max_length == 0 ? G_MAXSIZE : splitter->max_length;
      room = room > splitter->held_length ? room - splitter->held_length : 0;

      if (segment > room || (splitter->max_length > 0 && splitter->held_length > splitter->max_length))
        {
          /* Too long: hand over what fits, skip the rest. */
          const char *line = data;
          gsize line_length = MIN (splitter->max_length, splitter->held_length + room);

          if (splitter->held_length > 0)
            {
              hold (splitter, data, MIN (room, segment));
              line = splitter->held;
            }
          splitter->held_length = 0;
          splitter->skipping = newline == NULL;
          data = newline != NULL ? newline + 1 : end;

          if (!func (line, line_length, MCP_SSE_LINE_CUT, user_data))
            return FALSE;
          release (splitter);
          continue;
        }

      if (newline == NULL)
        {
          hold (splitter, data, segment);
          return TRUE;
        }

      if (splitter->held_length == 0)
        {
          /* Whole within the chunk: no copy. */
          data = newline + 1;
          if (!deliver (data - segment - 1, segment, func, user_data))
            return FALSE;
          continue;
        }

      hold (splitter, data, segment);
      data = newline + 1;
      {
        gsize held_length = splitter->held_length;

        splitter->held_length = 0;
        if (!deliver (splitter->held, held_length, func, user_data))
          return FALSE;
      }
      release (splitter);
    }

  return TRUE;
}

/* The end of the input: a line held without its LF goes to @func as
 * MCP_SSE_LINE_UNTERMINATED, and the splitter is ready for a new input.
 * Returns FALSE when @func stopped it. */
gboolean
mcp_sse_line_splitter_end (McpSseLineSplitter *splitter,
                           McpSseLineFunc      func,
                           gpointer            user_data)
{
  gsize held_length = splitter->held_length;

  splitter->skipping = FALSE;
  splitter->held_length = 0;

  if (held_length > 0)
    {
      if (!func (splitter->held, held_length, MCP_SSE_LINE_UNTERMINATED, user_data))
        return FALSE;
    }

  release (splitter);
  return TRUE;
}
