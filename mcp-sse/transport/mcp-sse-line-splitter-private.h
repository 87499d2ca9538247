/* mcp-sse-line-splitter-private.h: bytes into newline-terminated lines, bounded
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _McpSseLineSplitter McpSseLineSplitter;

/* How a line reached the callback. */
typedef enum
{
  /* A whole line, without its LF and without a CR right before it. */
  MCP_SSE_LINE_COMPLETE     = 0,
  /* The line is longer than the limit: these are its first max_length
   * bytes, given as soon as the limit was passed. The rest of it, up to
   * its LF, is skipped. */
  MCP_SSE_LINE_CUT          = 1 << 0,
  /* What was left without a LF at the end of the input, as it is. */
  MCP_SSE_LINE_UNTERMINATED = 1 << 1,
} McpSseLineFlags;

/* Receives one line. @line is not NUL-terminated and is valid only during
 * the call. Returns TRUE to go on; FALSE stops the feed at once, and must
 * be returned when the splitter may have been freed meanwhile. */
typedef gboolean (*McpSseLineFunc) (const char      *line,
                                    gsize            length,
                                    McpSseLineFlags  flags,
                                    gpointer         user_data);

McpSseLineSplitter *mcp_sse_line_splitter_new            (gsize               max_length);
void                mcp_sse_line_splitter_free           (McpSseLineSplitter *splitter);
void                mcp_sse_line_splitter_set_max_length (McpSseLineSplitter *splitter,
                                                          gsize               max_length);
gboolean            mcp_sse_line_splitter_feed           (McpSseLineSplitter *splitter,
                                                          const char         *data,
                                                          gsize               length,
                                                          McpSseLineFunc      func,
                                                          gpointer            user_data);
gboolean            mcp_sse_line_splitter_end            (McpSseLineSplitter *splitter,
                                                          McpSseLineFunc      func,
                                                          gpointer            user_data);
gsize               mcp_sse_line_splitter_get_peak_held  (McpSseLineSplitter *splitter);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McpSseLineSplitter, mcp_sse_line_splitter_free)

G_END_DECLS
