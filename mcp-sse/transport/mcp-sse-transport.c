/* mcp-sse-transport.c: what an MCP client needs from a transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-enum-types.h"
#include "mcp-sse-transport.h"

/**
 * McpSseTransport:
 *
 * A connection that carries JSON-RPC messages between an MCP client and
 * a server.
 *
 * [class@Client] works over any transport; [class@ConnectionManager] is
 * the HTTP+SSE one. A transport delivers what it receives through
 * [signal@Transport::message], reports problems on
 * [signal@Transport::error] and its end, once, on
 * [signal@Transport::closed].
 *
 * Since: 1.0
 */

G_DEFINE_INTERFACE (McpSseTransport, mcp_sse_transport, G_TYPE_OBJECT)

static void
mcp_sse_transport_default_init (McpSseTransportInterface *iface)
{
  /**
   * McpSseTransport:state:
   *
   * The state of the connection.
   *
   * Since: 1.0
   */
  g_object_interface_install_property (iface,
    g_param_spec_enum ("state", NULL, NULL,
                       MCP_SSE_TYPE_CONNECTION_STATE,
                       MCP_SSE_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * McpSseTransport:protocol-version:
   *
   * The MCP protocol version agreed with the server. When set, every
   * HTTP request the transport makes afterwards carries it in an
   * `MCP-Protocol-Version` header.
   *
   * Since: 1.0
   */
  g_object_interface_install_property (iface,
    g_param_spec_string ("protocol-version", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * McpSseTransport::message:
   * @self: the transport
   * @message: the JSON value the server sent
   *
   * Emitted for every message received from the server. A handler may
   * keep @message: it receives a node of its own, which shares its
   * contents with the one parsed.
   *
   * Since: 1.0
   */
  g_signal_new ("message",
                G_TYPE_FROM_INTERFACE (iface),
                G_SIGNAL_RUN_LAST,
                0,
                NULL, NULL,
                g_cclosure_marshal_VOID__BOXED,
                G_TYPE_NONE, 1,
                JSON_TYPE_NODE);
  g_signal_set_va_marshaller (g_signal_lookup ("message", G_TYPE_FROM_INTERFACE (iface)),
                              G_TYPE_FROM_INTERFACE (iface),
                              g_cclosure_marshal_VOID__BOXEDv);

  /**
   * McpSseTransport::error:
   * @self: the transport
   * @error: what went wrong
   *
   * Emitted for a problem on the connection. It may be emitted several
   * times; a fatal problem is followed by [signal@Transport::closed].
   *
   * Since: 1.0
   */
  g_signal_new ("error",
                G_TYPE_FROM_INTERFACE (iface),
                G_SIGNAL_RUN_LAST,
                0,
                NULL, NULL,
                g_cclosure_marshal_VOID__BOXED,
                G_TYPE_NONE, 1,
                G_TYPE_ERROR);

  /**
   * McpSseTransport::closed:
   * @self: the transport
   * @error: (nullable): why the connection ended, or %NULL after
   *   [method@Transport.stop]
   *
   * Emitted exactly once when a connection that had started ends.
   *
   * Since: 1.0
   */
  g_signal_new ("closed",
                G_TYPE_FROM_INTERFACE (iface),
                G_SIGNAL_RUN_LAST,
                0,
                NULL, NULL,
                g_cclosure_marshal_VOID__BOXED,
                G_TYPE_NONE, 1,
                G_TYPE_ERROR);
}

/**
 * mcp_sse_transport_start_async:
 * @self: a transport
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the transport is ready or failed
 * @user_data: data for @callback
 *
 * Opens the connection.
 *
 * Since: 1.0
 */
void
mcp_sse_transport_start_async (McpSseTransport     *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (MCP_SSE_IS_TRANSPORT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  MCP_SSE_TRANSPORT_GET_IFACE (self)->start_async (self, cancellable, callback, user_data);
}

/**
 * mcp_sse_transport_start_finish:
 * @self: a transport
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Transport.start_async].
 *
 * Returns: %TRUE when the transport is connected
 *
 * Since: 1.0
 */
gboolean
mcp_sse_transport_start_finish (McpSseTransport  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (MCP_SSE_IS_TRANSPORT (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return MCP_SSE_TRANSPORT_GET_IFACE (self)->start_finish (self, result, error);
}

/**
 * mcp_sse_transport_send_async:
 * @self: a transport
 * @message: the JSON-RPC message to send; the caller keeps its reference
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the message was delivered or failed
 * @user_data: data for @callback
 *
 * Sends one message to the server.
 *
 * Since: 1.0
 */
void
mcp_sse_transport_send_async (McpSseTransport     *self,
                              JsonNode            *message,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (MCP_SSE_IS_TRANSPORT (self));
  g_return_if_fail (message != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  MCP_SSE_TRANSPORT_GET_IFACE (self)->send_async (self, message, cancellable, callback, user_data);
}

/**
 * mcp_sse_transport_send_finish:
 * @self: a transport
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Completes [method@Transport.send_async].
 *
 * Returns: %TRUE when the server accepted the message
 *
 * Since: 1.0
 */
gboolean
mcp_sse_transport_send_finish (McpSseTransport  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (MCP_SSE_IS_TRANSPORT (self), FALSE);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), FALSE);

  return MCP_SSE_TRANSPORT_GET_IFACE (self)->send_finish (self, result, error);
}

/**
 * mcp_sse_transport_stop:
 * @self: a transport
 *
 * Closes the connection at once. It does nothing when the transport is
 * not connected or connecting.
 *
 * Since: 1.0
 */
void
mcp_sse_transport_stop (McpSseTransport *self)
{
  g_return_if_fail (MCP_SSE_IS_TRANSPORT (self));

  MCP_SSE_TRANSPORT_GET_IFACE (self)->stop (self);
}

/**
 * mcp_sse_transport_get_state:
 * @self: a transport
 *
 * Gets [property@Transport:state].
 *
 * Returns: the state of the connection
 *
 * Since: 1.0
 */
McpSseConnectionState
mcp_sse_transport_get_state (McpSseTransport *self)
{
  McpSseConnectionState state;

  g_return_val_if_fail (MCP_SSE_IS_TRANSPORT (self), MCP_SSE_CONNECTION_STATE_CLOSED);

  g_object_get (self, "state", &state, NULL);
  return state;
}

/**
 * mcp_sse_transport_dup_protocol_version:
 * @self: a transport
 *
 * Gets [property@Transport:protocol-version].
 *
 * Returns: (transfer full) (nullable): the protocol version, or %NULL
 *
 * Since: 1.0
 */
char *
mcp_sse_transport_dup_protocol_version (McpSseTransport *self)
{
  char *protocol_version;

  g_return_val_if_fail (MCP_SSE_IS_TRANSPORT (self), NULL);

  g_object_get (self, "protocol-version", &protocol_version, NULL);
  return protocol_version;
}

/**
 * mcp_sse_transport_set_protocol_version:
 * @self: a transport
 * @protocol_version: (nullable): the protocol version, or %NULL for none
 *
 * Sets [property@Transport:protocol-version].
 *
 * Since: 1.0
 */
void
mcp_sse_transport_set_protocol_version (McpSseTransport *self,
                                        const char      *protocol_version)
{
  g_return_if_fail (MCP_SSE_IS_TRANSPORT (self));

  g_object_set (self, "protocol-version", protocol_version, NULL);
}
