/* mcp-sse-connection-manager.c: the MCP HTTP+SSE client transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-connection-manager.h"

struct _McpSseConnectionManager
{
  GObject parent_instance;
};

static void mcp_sse_connection_manager_transport_init (McpSseTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (McpSseConnectionManager, mcp_sse_connection_manager, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MCP_SSE_TYPE_TRANSPORT,
                                                      mcp_sse_connection_manager_transport_init))

static void
mcp_sse_connection_manager_transport_init (McpSseTransportInterface *iface)
{
}

static void
mcp_sse_connection_manager_class_init (McpSseConnectionManagerClass *klass)
{
}

static void
mcp_sse_connection_manager_init (McpSseConnectionManager *self)
{
}
