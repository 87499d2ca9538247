/* mcp-sse-client-private.h: what the files of McpSseClient share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mcp-sse-client.h"
#include "mcp-sse-error.h"
#include "mcp-sse-request-table-private.h"

G_BEGIN_DECLS

typedef enum
{
  MCP_SSE_REQUEST_DEFAULT = 0,
  MCP_SSE_REQUEST_NO_TIMEOUT = 1 << 0,    /* bounded by the caller's own deadline */
  MCP_SSE_REQUEST_WITH_PROGRESS = 1 << 1, /* attach a progress token when ::progress is watched */
} McpSseRequestFlags;

struct _McpSseClient
{
  GObject parent_instance;

  McpSseTransport *transport;
  GMainContext *context;

  McpSseRequestTable *requests;

  guint generation;         /* counts connections ended, to notice one ending */
  GTask *connect_task;      /* non-NULL while connect_async() runs */
  gboolean initialized;     /* the handshake completed on the current connection */

  char *protocol_version;
  JsonNode *server_info;
  JsonNode *server_capabilities;
  char *instructions;
  JsonNode *client_info;
  JsonNode *capabilities;
  double request_timeout;

  guint replies_in_flight;  /* the client's own replies to the server, being sent */
  gboolean flood_reported;  /* replies were dropped since it last had none in flight */
};

/* The most replies of the client's own (pings, refusals) that may be in
 * flight at once: beyond it the server's requests are dropped. */
#define MCP_SSE_CLIENT_MAX_REPLIES_IN_FLIGHT 256

/* mcp-sse-client.c */
void      mcp_sse_client_emit_error             (McpSseClient        *self,
                                                 GError              *error);
void      mcp_sse_client_emit_notification      (McpSseClient        *self,
                                                 const char          *method,
                                                 JsonNode            *params);
gboolean  mcp_sse_client_emit_request           (McpSseClient        *self,
                                                 const char          *method,
                                                 JsonNode            *id,
                                                 JsonNode            *params);
void      mcp_sse_client_emit_progress          (McpSseClient        *self,
                                                 JsonNode            *token,
                                                 double               progress,
                                                 double               total,
                                                 const char          *message);
gboolean  mcp_sse_client_watches_progress       (McpSseClient        *self);
void      mcp_sse_client_emit_closed            (McpSseClient        *self,
                                                 const GError        *error);
void      mcp_sse_client_set_server_details     (McpSseClient        *self,
                                                 const char          *protocol_version,
                                                 JsonNode            *server_info,
                                                 JsonNode            *server_capabilities,
                                                 const char          *instructions);

/* mcp-sse-client-send.c */
void      mcp_sse_client_note_message           (const char          *direction,
                                                 JsonNode            *message);
void      mcp_sse_client_transport_send         (McpSseClient        *self,
                                                 JsonNode            *message,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
void      mcp_sse_client_send_unattended        (McpSseClient        *self,
                                                 JsonNode            *message);
gboolean  mcp_sse_client_may_reply              (McpSseClient        *self);
gboolean  mcp_sse_client_reply_unattended       (McpSseClient        *self,
                                                 JsonNode            *reply);
void      mcp_sse_client_reply_error_unattended (McpSseClient        *self,
                                                 JsonNode            *id,
                                                 int                  code,
                                                 const char          *message);
void      mcp_sse_client_send_cancelled         (gint64               id,
                                                 const char          *reason,
                                                 gpointer             user_data);
void      mcp_sse_client_send_request_task      (McpSseClient        *self,
                                                 const char          *method,
                                                 JsonNode            *params,
                                                 McpSseRequestFlags   flags,
                                                 GTask               *task);
void      mcp_sse_client_send_request_task_full (McpSseClient        *self,
                                                 const char          *method,
                                                 JsonNode            *params,
                                                 McpSseRequestFlags   flags,
                                                 McpSseProgressCallback progress,
                                                 gpointer             progress_data,
                                                 GDestroyNotify       progress_destroy,
                                                 GTask               *task);
gboolean  mcp_sse_client_check_transport        (McpSseClient        *self,
                                                 GTask               *task);
void      mcp_sse_client_send_request           (McpSseClient        *self,
                                                 const char          *method,
                                                 JsonNode            *params,
                                                 McpSseRequestFlags   flags,
                                                 gpointer             source_tag,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
JsonNode *mcp_sse_client_propagate_result       (McpSseClient        *self,
                                                 GAsyncResult        *result,
                                                 gpointer             source_tag,
                                                 GError             **error);

/* mcp-sse-client-dispatch.c */
void      mcp_sse_client_on_transport_message   (McpSseTransport     *transport,
                                                 JsonNode            *message,
                                                 McpSseClient        *self);

/* mcp-sse-client-lifecycle.c */
void      mcp_sse_client_on_transport_closed    (McpSseTransport     *transport,
                                                 const GError        *error,
                                                 McpSseClient        *self);
void      mcp_sse_client_cancel_connect         (McpSseClient        *self,
                                                 const char          *reason);

/* mcp-sse-client-pager.c */
void      mcp_sse_client_list_all               (McpSseClient        *self,
                                                 const char          *method,
                                                 const char          *key,
                                                 gpointer             source_tag,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);

G_END_DECLS
