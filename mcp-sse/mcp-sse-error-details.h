/* mcp-sse-error-details.h: what a failed operation knows beyond its GError
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

#define MCP_SSE_TYPE_ERROR_DETAILS (mcp_sse_error_details_get_type ())

typedef struct _McpSseErrorDetails McpSseErrorDetails;

MCP_SSE_AVAILABLE_IN_1_2
GType               mcp_sse_error_details_get_type        (void) G_GNUC_CONST;

MCP_SSE_AVAILABLE_IN_1_2
McpSseErrorDetails *mcp_sse_error_details_dup_for_result  (GAsyncResult       *result) G_GNUC_WARN_UNUSED_RESULT;

MCP_SSE_AVAILABLE_IN_1_2
McpSseErrorDetails *mcp_sse_error_details_ref             (McpSseErrorDetails *self);
MCP_SSE_AVAILABLE_IN_1_2
void                mcp_sse_error_details_unref           (McpSseErrorDetails *self);

MCP_SSE_AVAILABLE_IN_1_2
JsonNode           *mcp_sse_error_details_get_data        (McpSseErrorDetails *self);
MCP_SSE_AVAILABLE_IN_1_2
guint               mcp_sse_error_details_get_http_status (McpSseErrorDetails *self);
MCP_SSE_AVAILABLE_IN_1_2
GBytes             *mcp_sse_error_details_get_http_body   (McpSseErrorDetails *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (McpSseErrorDetails, mcp_sse_error_details_unref)

G_END_DECLS
