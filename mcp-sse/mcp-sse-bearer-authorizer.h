/* mcp-sse-bearer-authorizer.h: a fixed bearer token
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MCP_SSE_INSIDE) && !defined(MCP_SSE_COMPILATION)
# error "Only <mcp-sse/mcp-sse.h> can be included directly."
#endif

#include "mcp-sse-authorizer.h"
#include "mcp-sse-version-macros.h"

G_BEGIN_DECLS

#define MCP_SSE_TYPE_BEARER_AUTHORIZER (mcp_sse_bearer_authorizer_get_type ())

MCP_SSE_AVAILABLE_IN_1_2
G_DECLARE_FINAL_TYPE (McpSseBearerAuthorizer, mcp_sse_bearer_authorizer, MCP_SSE, BEARER_AUTHORIZER, GObject)

MCP_SSE_AVAILABLE_IN_1_2
McpSseBearerAuthorizer *mcp_sse_bearer_authorizer_new       (const char             *token) G_GNUC_WARN_UNUSED_RESULT;
MCP_SSE_AVAILABLE_IN_1_2
const char             *mcp_sse_bearer_authorizer_get_token (McpSseBearerAuthorizer *self);
MCP_SSE_AVAILABLE_IN_1_2
void                    mcp_sse_bearer_authorizer_set_token (McpSseBearerAuthorizer *self,
                                                             const char             *token);

G_END_DECLS
