/* mcp-sse-transport.h: what an MCP client needs from a transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "mcp-sse-version-macros.h"

G_BEGIN_DECLS

/**
 * McpSseConnectionState:
 * @MCP_SSE_CONNECTION_STATE_DISCONNECTED: never started
 * @MCP_SSE_CONNECTION_STATE_CONNECTING: a start is running
 * @MCP_SSE_CONNECTION_STATE_CONNECTED: connected and ready to send
 * @MCP_SSE_CONNECTION_STATE_CLOSED: the connection ended, was stopped, or
 *   failed to start
 *
 * The states of a [iface@Transport].
 *
 * Since: 1.0
 */
typedef enum
{
  MCP_SSE_CONNECTION_STATE_DISCONNECTED,
  MCP_SSE_CONNECTION_STATE_CONNECTING,
  MCP_SSE_CONNECTION_STATE_CONNECTED,
  MCP_SSE_CONNECTION_STATE_CLOSED,
} McpSseConnectionState;

#define MCP_SSE_TYPE_TRANSPORT (mcp_sse_transport_get_type ())

MCP_SSE_AVAILABLE_IN_1_0
G_DECLARE_INTERFACE (McpSseTransport, mcp_sse_transport, MCP_SSE, TRANSPORT, GObject)

/**
 * McpSseTransportInterface:
 * @start_async: the virtual function of [method@Transport.start_async]
 * @start_finish: the virtual function of [method@Transport.start_finish]
 * @send_async: the virtual function of [method@Transport.send_async]
 * @send_finish: the virtual function of [method@Transport.send_finish]
 * @stop: the virtual function of [method@Transport.stop]
 *
 * The virtual functions of [iface@Transport].
 *
 * Since: 1.0
 */
struct _McpSseTransportInterface
{
  /*< private >*/
  GTypeInterface parent_iface;

  /*< public >*/
  void     (*start_async)  (McpSseTransport      *self,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data);
  gboolean (*start_finish) (McpSseTransport      *self,
                            GAsyncResult         *result,
                            GError              **error);
  void     (*send_async)   (McpSseTransport      *self,
                            JsonNode             *message,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data);
  gboolean (*send_finish)  (McpSseTransport      *self,
                            GAsyncResult         *result,
                            GError              **error);
  void     (*stop)         (McpSseTransport      *self);

  /*< private >*/
  gpointer padding[8];
};

MCP_SSE_AVAILABLE_IN_1_0
void                  mcp_sse_transport_start_async          (McpSseTransport      *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
gboolean              mcp_sse_transport_start_finish         (McpSseTransport      *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
MCP_SSE_AVAILABLE_IN_1_0
void                  mcp_sse_transport_send_async           (McpSseTransport      *self,
                                                              JsonNode             *message,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
MCP_SSE_AVAILABLE_IN_1_0
gboolean              mcp_sse_transport_send_finish          (McpSseTransport      *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
MCP_SSE_AVAILABLE_IN_1_0
void                  mcp_sse_transport_stop                 (McpSseTransport      *self);
MCP_SSE_AVAILABLE_IN_1_0
McpSseConnectionState mcp_sse_transport_get_state            (McpSseTransport      *self);
MCP_SSE_AVAILABLE_IN_1_0
char                 *mcp_sse_transport_dup_protocol_version (McpSseTransport      *self);
MCP_SSE_AVAILABLE_IN_1_0
void                  mcp_sse_transport_set_protocol_version (McpSseTransport      *self,
                                                              const char           *protocol_version);

G_END_DECLS
