/* mcp-sse-client.c: an MCP client session over one transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-client.h"

struct _McpSseClient
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (McpSseClient, mcp_sse_client, G_TYPE_OBJECT)

static void
mcp_sse_client_class_init (McpSseClientClass *klass)
{
}

static void
mcp_sse_client_init (McpSseClient *self)
{
}
