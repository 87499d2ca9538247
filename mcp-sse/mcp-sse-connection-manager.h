/* mcp-sse-connection-manager.h: the MCP HTTP+SSE client transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include <libsoup/soup.h>

#include "mcp-sse-authorizer.h"
#include "mcp-sse-transport.h"
#include "mcp-sse-version-macros.h"

G_BEGIN_DECLS

/**
 * MCP_SSE_CONNECTION_MANAGER_DEFAULT_TIMEOUT:
 *
 * The default of [property@ConnectionManager:timeout], in seconds.
 *
 * Since: 1.0
 */
#define MCP_SSE_CONNECTION_MANAGER_DEFAULT_TIMEOUT 5.0

/**
 * MCP_SSE_CONNECTION_MANAGER_DEFAULT_SSE_READ_TIMEOUT:
 *
 * The default of [property@ConnectionManager:sse-read-timeout], in seconds.
 *
 * Since: 1.0
 */
#define MCP_SSE_CONNECTION_MANAGER_DEFAULT_SSE_READ_TIMEOUT 300.0

#define MCP_SSE_TYPE_CONNECTION_MANAGER (mcp_sse_connection_manager_get_type ())

MCP_SSE_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (McpSseConnectionManager, mcp_sse_connection_manager, MCP_SSE, CONNECTION_MANAGER, GObject)

MCP_SSE_AVAILABLE_IN_1_0
McpSseConnectionManager *mcp_sse_connection_manager_new                  (const char               *url);
MCP_SSE_AVAILABLE_IN_1_0
McpSseConnectionManager *mcp_sse_connection_manager_new_full             (const char               *url,
                                                                          GHashTable               *headers,
                                                                          double                    timeout,
                                                                          double                    sse_read_timeout,
                                                                          SoupSession              *session);
MCP_SSE_AVAILABLE_IN_1_0
void                     mcp_sse_connection_manager_set_header           (McpSseConnectionManager  *self,
                                                                          const char               *name,
                                                                          const char               *value);
MCP_SSE_AVAILABLE_IN_1_0
void                     mcp_sse_connection_manager_start_async          (McpSseConnectionManager  *self,
                                                                          GCancellable             *cancellable,
                                                                          GAsyncReadyCallback       callback,
                                                                          gpointer                  user_data);
MCP_SSE_AVAILABLE_IN_1_0
gboolean                 mcp_sse_connection_manager_start_finish         (McpSseConnectionManager  *self,
                                                                          GAsyncResult             *result,
                                                                          GError                  **error);
MCP_SSE_AVAILABLE_IN_1_0
void                     mcp_sse_connection_manager_send_async           (McpSseConnectionManager  *self,
                                                                          JsonNode                 *message,
                                                                          GCancellable             *cancellable,
                                                                          GAsyncReadyCallback       callback,
                                                                          gpointer                  user_data);
MCP_SSE_AVAILABLE_IN_1_0
gboolean                 mcp_sse_connection_manager_send_finish          (McpSseConnectionManager  *self,
                                                                          GAsyncResult             *result,
                                                                          GError                  **error);
MCP_SSE_AVAILABLE_IN_1_0
void                     mcp_sse_connection_manager_stop                 (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
const char              *mcp_sse_connection_manager_get_url              (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
const char              *mcp_sse_connection_manager_get_endpoint         (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
McpSseConnectionState    mcp_sse_connection_manager_get_state            (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
SoupSession             *mcp_sse_connection_manager_get_session          (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
double                   mcp_sse_connection_manager_get_timeout          (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
void                     mcp_sse_connection_manager_set_timeout          (McpSseConnectionManager  *self,
                                                                          double                    timeout);
MCP_SSE_AVAILABLE_IN_1_0
double                   mcp_sse_connection_manager_get_sse_read_timeout (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
void                     mcp_sse_connection_manager_set_sse_read_timeout (McpSseConnectionManager  *self,
                                                                          double                    sse_read_timeout);
MCP_SSE_AVAILABLE_IN_1_0
guint64                  mcp_sse_connection_manager_get_max_event_size   (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
void                     mcp_sse_connection_manager_set_max_event_size   (McpSseConnectionManager  *self,
                                                                          guint64                   max_event_size);
MCP_SSE_AVAILABLE_IN_1_0
SoupAuth                *mcp_sse_connection_manager_get_auth             (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
void                     mcp_sse_connection_manager_set_auth             (McpSseConnectionManager  *self,
                                                                          SoupAuth                 *auth);
MCP_SSE_AVAILABLE_IN_1_0
const char              *mcp_sse_connection_manager_get_protocol_version (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_0
void                     mcp_sse_connection_manager_set_protocol_version (McpSseConnectionManager  *self,
                                                                          const char               *protocol_version);
MCP_SSE_AVAILABLE_IN_1_2
McpSseAuthorizer        *mcp_sse_connection_manager_get_authorizer       (McpSseConnectionManager  *self);
MCP_SSE_AVAILABLE_IN_1_2
void                     mcp_sse_connection_manager_set_authorizer       (McpSseConnectionManager  *self,
                                                                          McpSseAuthorizer         *authorizer);
MCP_SSE_AVAILABLE_IN_1_2
void                     mcp_sse_connection_manager_set_secret_header    (McpSseConnectionManager  *self,
                                                                          const char               *name,
                                                                          const char               *value);

G_END_DECLS
