/* mcp-sse-request-table-private.h: the requests waiting on either side
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mcp-sse-client.h"

G_BEGIN_DECLS

/* The client's requests awaiting a response (each a GTask, with its id,
 * deadline and cancellation), the ids of those given up on, and the ids
 * of the server's requests awaiting a reply. */
typedef struct _McpSseRequestTable McpSseRequestTable;

/* Called when a request times out or is cancelled, just before it fails,
 * so that the server can be told to stop working on it. */
typedef void (*McpSseRequestGiveUpFunc) (gint64      id,
                                         const char *reason,
                                         gpointer    user_data);

typedef enum
{
  MCP_SSE_INCOMING_ADDED,
  MCP_SSE_INCOMING_REUSED_ID,
  MCP_SSE_INCOMING_TOO_MANY,
} McpSseIncomingStatus;

McpSseRequestTable  *mcp_sse_request_table_new              (GMainContext            *context,
                                                             McpSseRequestGiveUpFunc  give_up,
                                                             gpointer                 user_data);
void                 mcp_sse_request_table_free             (McpSseRequestTable      *self);

gint64               mcp_sse_request_table_add              (McpSseRequestTable      *self,
                                                             GTask                   *task,
                                                             const char              *method,
                                                             double                   timeout);
JsonNode            *mcp_sse_request_table_watch_progress   (McpSseRequestTable      *self,
                                                             GTask                   *task,
                                                             JsonNode                *token,
                                                             McpSseProgressCallback   progress,
                                                             gpointer                 progress_data,
                                                             GDestroyNotify           progress_destroy,
                                                             GError                 **error);
const char          *mcp_sse_request_table_lookup           (McpSseRequestTable      *self,
                                                             JsonNode                *id);
gboolean             mcp_sse_request_table_lookup_progress  (McpSseRequestTable      *self,
                                                             JsonNode                *token,
                                                             McpSseProgressCallback  *progress,
                                                             gpointer                *progress_data);
void                 mcp_sse_request_table_complete         (McpSseRequestTable      *self,
                                                             JsonNode                *id,
                                                             JsonNode                *result,
                                                             GError                  *error);
void                 mcp_sse_request_table_sent             (McpSseRequestTable      *self,
                                                             GTask                   *task,
                                                             GAsyncResult            *send_result,
                                                             GError                  *error);
void                 mcp_sse_request_table_fail_all         (McpSseRequestTable      *self,
                                                             const GError            *error);
gboolean             mcp_sse_request_table_has_pending      (McpSseRequestTable      *self);
gboolean             mcp_sse_request_table_forget_abandoned (McpSseRequestTable      *self,
                                                             JsonNode                *id);
void                 mcp_sse_request_table_clear_abandoned  (McpSseRequestTable      *self);

gboolean             mcp_sse_request_id_is_valid            (JsonNode                *id);
McpSseIncomingStatus mcp_sse_request_table_add_incoming     (McpSseRequestTable      *self,
                                                             JsonNode                *id);
gboolean             mcp_sse_request_table_remove_incoming  (McpSseRequestTable      *self,
                                                             JsonNode                *id);
void                 mcp_sse_request_table_clear_incoming   (McpSseRequestTable      *self);

G_END_DECLS
