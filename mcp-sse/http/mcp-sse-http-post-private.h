/* mcp-sse-http-post-private.h: the POST queue of an HTTP core
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _McpSsePostQueue McpSsePostQueue;

McpSsePostQueue *mcp_sse_post_queue_new             (void);
void             mcp_sse_post_queue_free            (McpSsePostQueue *queue);
void             mcp_sse_post_queue_set_max_running (McpSsePostQueue *queue,
                                                     guint            max_running);

G_END_DECLS
