/* mcp-sse-error.c: the error domains of libmcp-sse
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mcp-sse-error-private.h"

G_DEFINE_QUARK (mcp-sse-error-quark, mcp_sse_error)

typedef struct
{
  JsonNode *data;
} McpSseJsonrpcErrorPrivate;

static void
mcp_sse_jsonrpc_error_private_init (McpSseJsonrpcErrorPrivate *priv)
{
  priv->data = NULL;
}

static void
mcp_sse_jsonrpc_error_private_copy (const McpSseJsonrpcErrorPrivate *src,
                                    McpSseJsonrpcErrorPrivate       *dest)
{
  dest->data = src->data != NULL ? json_node_copy (src->data) : NULL;
}

static void
mcp_sse_jsonrpc_error_private_clear (McpSseJsonrpcErrorPrivate *priv)
{
  g_clear_pointer (&priv->data, json_node_unref);
}

/**
 * mcp_sse_jsonrpc_error_quark:
 *
 * The quark of the %MCP_SSE_JSONRPC_ERROR domain.
 *
 * Returns: the error domain of JSON-RPC error responses
 *
 * Since: 1.0
 */
G_DEFINE_EXTENDED_ERROR (McpSseJsonrpcError, mcp_sse_jsonrpc_error)

/**
 * mcp_sse_error_quark:
 *
 * The quark of the %MCP_SSE_ERROR domain.
 *
 * Returns: the error domain of the transport and the client
 *
 * Since: 1.0
 */

/**
 * mcp_sse_jsonrpc_error_get_data:
 * @error: a #GError
 *
 * Gets the `data` member of a JSON-RPC error response.
 *
 * Returns: (transfer none) (nullable): the `data` member of the error
 *   response, or %NULL when @error is not in the %MCP_SSE_JSONRPC_ERROR
 *   domain or the response had no `data`
 *
 * Since: 1.0
 */
JsonNode *
mcp_sse_jsonrpc_error_get_data (const GError *error)
{
  McpSseJsonrpcErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != MCP_SSE_JSONRPC_ERROR)
    return NULL;

  priv = mcp_sse_jsonrpc_error_get_private (error);
  return priv != NULL ? priv->data : NULL;
}

GError *
mcp_sse_jsonrpc_error_new (int         code,
                           const char *message,
                           JsonNode   *data)
{
  GError *error;

  error = g_error_new_literal (MCP_SSE_JSONRPC_ERROR, code,
                               message != NULL ? message : "");
  if (data != NULL)
    mcp_sse_jsonrpc_error_get_private (error)->data = json_node_copy (data);

  return error;
}
