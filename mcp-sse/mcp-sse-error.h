/* mcp-sse-error.h: the error domains of libmcp-sse
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include <glib.h>
#include <json-glib/json-glib.h>

#include "mcp-sse-version-macros.h"

G_BEGIN_DECLS

/**
 * MCP_SSE_ERROR:
 *
 * The error domain of the HTTP+SSE transport and of the MCP client.
 *
 * The codes are the values of [error@Error].
 *
 * Since: 1.0
 */
#define MCP_SSE_ERROR (mcp_sse_error_quark ())

/**
 * McpSseError:
 * @MCP_SSE_ERROR_HTTP_STATUS: the server answered with a status other than
 *   2xx, or with a redirect that is not followed; the message names the status
 * @MCP_SSE_ERROR_BAD_CONTENT_TYPE: the answer to the GET is not `text/event-stream`
 * @MCP_SSE_ERROR_ENDPOINT_ORIGIN: the endpoint resolves to another origin than the URL
 * @MCP_SSE_ERROR_BAD_ENDPOINT: the endpoint data is empty or not a URI reference,
 *   or a second `endpoint` event arrived
 * @MCP_SSE_ERROR_NO_ENDPOINT: the stream ended before the `endpoint` event
 * @MCP_SSE_ERROR_TIMEOUT: connecting, a POST or a request took longer than its deadline
 * @MCP_SSE_ERROR_READ_TIMEOUT: the stream stayed silent for longer than the read timeout
 * @MCP_SSE_ERROR_EVENT_TOO_LARGE: an event exceeded the maximum event size
 * @MCP_SSE_ERROR_INVALID_MESSAGE: event data that is not exactly one JSON value,
 *   or a message that breaks the protocol
 * @MCP_SSE_ERROR_NOT_CONNECTED: a send before the endpoint is known or after the
 *   connection closed
 * @MCP_SSE_ERROR_CLOSED: the server ended the stream
 *
 * The errors of the %MCP_SSE_ERROR domain.
 *
 * Since: 1.0
 */
typedef enum
{
  MCP_SSE_ERROR_HTTP_STATUS,
  MCP_SSE_ERROR_BAD_CONTENT_TYPE,
  MCP_SSE_ERROR_ENDPOINT_ORIGIN,
  MCP_SSE_ERROR_BAD_ENDPOINT,
  MCP_SSE_ERROR_NO_ENDPOINT,
  MCP_SSE_ERROR_TIMEOUT,
  MCP_SSE_ERROR_READ_TIMEOUT,
  MCP_SSE_ERROR_EVENT_TOO_LARGE,
  MCP_SSE_ERROR_INVALID_MESSAGE,
  MCP_SSE_ERROR_NOT_CONNECTED,
  MCP_SSE_ERROR_CLOSED,
} McpSseError;

/**
 * MCP_SSE_JSONRPC_ERROR:
 *
 * The error domain of JSON-RPC error responses.
 *
 * The code of such an error is the JSON-RPC `code`, its message the
 * server's `message`; the `data` member, if any, is kept and read with
 * [func@jsonrpc_error_get_data].
 *
 * Since: 1.0
 */
#define MCP_SSE_JSONRPC_ERROR (mcp_sse_jsonrpc_error_quark ())

/**
 * McpSseJsonrpcError:
 * @MCP_SSE_JSONRPC_ERROR_PARSE_ERROR: the server could not parse the message
 * @MCP_SSE_JSONRPC_ERROR_INVALID_REQUEST: the message is not a valid request
 * @MCP_SSE_JSONRPC_ERROR_METHOD_NOT_FOUND: the method does not exist
 * @MCP_SSE_JSONRPC_ERROR_INVALID_PARAMS: the parameters are not valid for the method
 * @MCP_SSE_JSONRPC_ERROR_INTERNAL_ERROR: the server failed internally
 *
 * The error codes that JSON-RPC 2.0 itself defines. Errors of the
 * %MCP_SSE_JSONRPC_ERROR domain carry whatever code the server sent, which
 * may be none of these.
 *
 * Since: 1.0
 */
typedef enum
{
  MCP_SSE_JSONRPC_ERROR_PARSE_ERROR = -32700,
  MCP_SSE_JSONRPC_ERROR_INVALID_REQUEST = -32600,
  MCP_SSE_JSONRPC_ERROR_METHOD_NOT_FOUND = -32601,
  MCP_SSE_JSONRPC_ERROR_INVALID_PARAMS = -32602,
  MCP_SSE_JSONRPC_ERROR_INTERNAL_ERROR = -32603,
} McpSseJsonrpcError;

MCP_SSE_AVAILABLE_IN_1_0
GQuark    mcp_sse_error_quark            (void);
MCP_SSE_AVAILABLE_IN_1_0
GQuark    mcp_sse_jsonrpc_error_quark    (void);
MCP_SSE_AVAILABLE_IN_1_0
JsonNode *mcp_sse_jsonrpc_error_get_data (const GError *error);

G_END_DECLS
