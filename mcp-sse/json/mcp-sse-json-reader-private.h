/* mcp-sse-json-reader-private.h: turning message data into JsonNodes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The maximum nesting depth of arrays and objects. */
#define MCP_SSE_JSON_READER_MAX_DEPTH 512

JsonNode *mcp_sse_json_reader_read (const char  *text,
                                    gsize        length,
                                    GError     **error);

G_END_DECLS
