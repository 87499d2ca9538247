/* mcp-sse-json-writer-private.h: turning JsonNodes into message text
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void  mcp_sse_json_writer_append (GString  *string,
                                  JsonNode *node,
                                  gboolean  pretty);

char *mcp_sse_json_writer_write  (JsonNode *node,
                                  gsize    *length);

G_END_DECLS
