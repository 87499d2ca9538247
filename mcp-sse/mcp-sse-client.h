/* mcp-sse-client.h: an MCP client session over one transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mcp-sse-transport.h"
#include "mcp-sse-version-macros.h"

G_BEGIN_DECLS

/**
 * MCP_SSE_CLIENT_DEFAULT_REQUEST_TIMEOUT:
 *
 * The default of [property@Client:request-timeout], in seconds.
 *
 * Since: 1.0
 */
#define MCP_SSE_CLIENT_DEFAULT_REQUEST_TIMEOUT 60.0

#define MCP_SSE_TYPE_CLIENT (mcp_sse_client_get_type ())

MCP_SSE_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (McpSseClient, mcp_sse_client, MCP_SSE, CLIENT, GObject)

/**
 * McpSseProgressCallback:
 * @client: the client
 * @token: the progress token of the request
 * @progress: the progress so far
 * @total: the total, or -1 when the server did not say
 * @message: (nullable): what is going on, or %NULL
 * @user_data: (closure): the data given with the callback
 *
 * Called for each `notifications/progress` the server sends about one
 * request made with [method@Client.request_with_progress_async] or
 * [method@Client.call_tool_with_progress_async].
 *
 * Since: 1.2
 */
typedef void (*McpSseProgressCallback) (McpSseClient *client,
                                        JsonNode     *token,
                                        double        progress,
                                        double        total,
                                        const char   *message,
                                        gpointer      user_data);

MCP_SSE_AVAILABLE_IN_1_0
McpSseClient    *mcp_sse_client_new                     (McpSseTransport      *transport);
MCP_SSE_AVAILABLE_IN_1_0
McpSseClient    *mcp_sse_client_new_for_url             (const char           *url);
MCP_SSE_AVAILABLE_IN_1_0
McpSseTransport *mcp_sse_client_get_transport           (McpSseClient         *self);

MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_connect_async           (McpSseClient         *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
gboolean         mcp_sse_client_connect_finish          (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_stop                    (McpSseClient         *self);

MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_request_async           (McpSseClient         *self,
                                                         const char           *method,
                                                         JsonNode             *params,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_request_finish          (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
MCP_SSE_AVAILABLE_IN_1_2
void             mcp_sse_client_request_with_progress_async
                                                        (McpSseClient         *self,
                                                         const char           *method,
                                                         JsonNode             *params,
                                                         McpSseProgressCallback progress,
                                                         gpointer              progress_data,
                                                         GDestroyNotify        progress_destroy,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_2
JsonNode        *mcp_sse_client_request_with_progress_finish
                                                        (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error) G_GNUC_WARN_UNUSED_RESULT;
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_notify_async            (McpSseClient         *self,
                                                         const char           *method,
                                                         JsonNode             *params,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
gboolean         mcp_sse_client_notify_finish           (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_ping_async              (McpSseClient         *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_ping_finish             (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_list_tools_async        (McpSseClient         *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_list_tools_finish       (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_call_tool_async         (McpSseClient         *self,
                                                         const char           *name,
                                                         JsonNode             *arguments,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_call_tool_finish        (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
MCP_SSE_AVAILABLE_IN_1_2
void             mcp_sse_client_call_tool_with_progress_async
                                                        (McpSseClient         *self,
                                                         const char           *name,
                                                         JsonNode             *arguments,
                                                         McpSseProgressCallback progress,
                                                         gpointer              progress_data,
                                                         GDestroyNotify        progress_destroy,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_2
JsonNode        *mcp_sse_client_call_tool_with_progress_finish
                                                        (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error) G_GNUC_WARN_UNUSED_RESULT;
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_list_resources_async    (McpSseClient         *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_list_resources_finish   (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_read_resource_async     (McpSseClient         *self,
                                                         const char           *uri,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_read_resource_finish    (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_list_prompts_async      (McpSseClient         *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_list_prompts_finish     (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_get_prompt_async        (McpSseClient         *self,
                                                         const char           *name,
                                                         JsonNode             *arguments,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_get_prompt_finish       (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_reply_async             (McpSseClient         *self,
                                                         JsonNode             *id,
                                                         JsonNode             *result,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
gboolean         mcp_sse_client_reply_finish            (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_reply_error_async       (McpSseClient         *self,
                                                         JsonNode             *id,
                                                         int                   code,
                                                         const char           *message,
                                                         JsonNode             *data,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
gboolean         mcp_sse_client_reply_error_finish      (McpSseClient         *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

MCP_SSE_AVAILABLE_IN_1_0
const char      *mcp_sse_client_get_protocol_version    (McpSseClient         *self);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_get_server_info         (McpSseClient         *self);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_get_server_capabilities (McpSseClient         *self);
MCP_SSE_AVAILABLE_IN_1_0
const char      *mcp_sse_client_get_instructions        (McpSseClient         *self);
MCP_SSE_AVAILABLE_IN_1_0
double           mcp_sse_client_get_request_timeout     (McpSseClient         *self);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_set_request_timeout     (McpSseClient         *self,
                                                         double                request_timeout);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_get_client_info         (McpSseClient         *self);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_set_client_info         (McpSseClient         *self,
                                                         JsonNode             *client_info);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode        *mcp_sse_client_get_capabilities        (McpSseClient         *self);
MCP_SSE_AVAILABLE_IN_1_0
void             mcp_sse_client_set_capabilities        (McpSseClient         *self,
                                                         JsonNode             *capabilities);

G_END_DECLS
