/* mcp-sse-error-private.h: building errors of the JSON-RPC domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mcp-sse-error.h"

G_BEGIN_DECLS

GError *mcp_sse_jsonrpc_error_new (int         code,
                                   const char *message,
                                   JsonNode   *data);

G_END_DECLS
