/* mcp-sse-error-details-private.h: attaching error details to a GTask
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mcp-sse-error-details.h"

G_BEGIN_DECLS

/* The largest HTTP body the details keep; more is cut off. */
#define MCP_SSE_ERROR_DETAILS_MAX_BODY (64 * 1024)

McpSseErrorDetails *mcp_sse_error_details_new             (void);
void                mcp_sse_error_details_set_data        (McpSseErrorDetails *self,
                                                           JsonNode           *data);
void                mcp_sse_error_details_set_http        (McpSseErrorDetails *self,
                                                           guint               status,
                                                           GBytes             *body);

void                mcp_sse_error_details_attach          (GTask              *task,
                                                           McpSseErrorDetails *details);
void                mcp_sse_error_details_pass_on         (GAsyncResult       *from,
                                                           GTask              *to);

G_END_DECLS
