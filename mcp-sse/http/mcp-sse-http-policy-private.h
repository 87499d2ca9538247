/* mcp-sse-http-policy-private.h: the rules every HTTP exchange follows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* How every http(s) URI of a transport is parsed. */
#define MCP_SSE_HTTP_URI_FLAGS (G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_PATH | \
                                G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_ENCODED_FRAGMENT | \
                                G_URI_FLAGS_SCHEME_NORMALIZE)

gboolean    mcp_sse_http_uri_has_server    (GUri          *uri);
GUri       *mcp_sse_http_parse_url         (const char    *url);
gboolean    mcp_sse_http_same_origin       (GUri          *a,
                                            GUri          *b);
GUri       *mcp_sse_http_redirect_target   (SoupMessage   *msg,
                                            GUri          *base,
                                            GUri          *origin,
                                            guint          redirects,
                                            GError       **error);

GError     *mcp_sse_http_status_error      (SoupMessage   *msg,
                                            const char    *what);
gboolean    mcp_sse_http_has_content_type  (SoupMessage   *msg,
                                            const char    *type);
const char *mcp_sse_http_get_content_type  (SoupMessage   *msg);

void        mcp_sse_http_close_stream_now  (GInputStream  *stream);

G_END_DECLS
