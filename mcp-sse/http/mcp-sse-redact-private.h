/* mcp-sse-redact-private.h: keeping secrets out of logs and error messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MCP_SSE_REDACTED "[masked]"

gboolean  mcp_sse_redact_is_secret_header (const char *name);
char     *mcp_sse_redact_header_line      (const char *line);
char     *mcp_sse_redact_header_line_with (const char *line,
                                           GHashTable *secret_names);
char     *mcp_sse_redact_uri              (GUri       *uri);
char     *mcp_sse_redact_url              (const char *url);

G_END_DECLS
