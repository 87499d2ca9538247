/* mcp-sse-message-private.h: reading JSON and building JSON-RPC messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode   *mcp_sse_json_object_node  (JsonObject *object);
JsonNode   *mcp_sse_json_empty_object (void);
gboolean    mcp_sse_json_holds        (JsonNode   *node,
                                       GType       type);
gboolean    mcp_sse_json_holds_number (JsonNode   *node);
const char *mcp_sse_json_get_string   (JsonObject *object,
                                       const char *name);
char       *mcp_sse_json_to_text      (JsonNode   *node);

JsonNode   *mcp_sse_message_build_request       (gint64      id,
                                                 const char *method,
                                                 JsonNode   *params);
JsonNode   *mcp_sse_message_build_notification  (const char *method,
                                                 JsonNode   *params);
JsonNode   *mcp_sse_message_build_result        (JsonNode   *id,
                                                 JsonNode   *result);
JsonNode   *mcp_sse_message_build_error         (JsonNode   *id,
                                                 int         code,
                                                 const char *message,
                                                 JsonNode   *data);
JsonNode   *mcp_sse_message_with_progress_token (JsonNode   *params,
                                                 JsonNode   *token);
JsonNode   *mcp_sse_message_get_progress_token  (JsonNode   *params);

G_END_DECLS
